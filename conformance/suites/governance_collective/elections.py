"""Council elections (Phragmén): candidacy, voting bonds and locks, terms, renouncing and removal
[ELE-3]..[ELE-18] (handler ``elections``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do, event_names
from phala_spec.conformance.suites.governance_collective.common import COUNCIL, SUITE, ids
from phala_spec.pallets.governance.elections import to_vote, vote_factor
from phala_spec.pallets.governance.treasury import POT
from phala_spec.primitives.codec import twox_64_concat

# --- Elections [ELE-3]..[ELE-18] ------------------------------------------------------------


# Production's call filter refuses every call of this pallet [CHAIN-15] [ELE-3]: the cases reach
# its rules with the allow-all filter its own tests use.
UNFILTERED = {"call_filter": "Everything"}


def elections_setup(
    b: CaseBuilder, extra: Sequence[tuple[str, int]] = (), **governance: Any
) -> None:
    endowed = [(n, 1_000) for n in ("alice", "bob", "charlie", "dave", "eve", "ferdie")]
    b.genesis(balances=[*endowed, *extra], governance=governance or None, config=UNFILTERED)


def candidacy(b: CaseBuilder, who: str, count: int = 5, outcome: str = "ok") -> None:
    do(
        b,
        "PhragmenElection.submit_candidacy",
        {"candidate_count": count},
        signed(who),
        outcome=outcome,
    )


def ele_vote(
    b: CaseBuilder, who: str, targets: Sequence[str], value: int, outcome: str = "ok"
) -> None:
    do(
        b,
        "PhragmenElection.vote",
        {"votes": ids(b, *targets), "value": value},
        signed(who),
        outcome=outcome,
    )


def members(b: CaseBuilder) -> list[bytes]:
    return [m.who for m in b.chain.elections.members]


def runners(b: CaseBuilder) -> list[bytes]:
    return [r.who for r in b.chain.elections.runners_up]


def term_end(b: CaseBuilder) -> None:
    """Finalize and open the next block at the end of the term."""
    term = b.config.elections.term_duration
    number = (b.chain.system.block.number // term + 1) * term
    b.next_block(number=number)


@case(suite=SUITE, handler="elections", clauses=("ELE-6",), block=1)
def candidacy_errors_in_order(b: CaseBuilder) -> None:
    """`submit_candidacy` checks the witness (`InvalidWitnessData`), the limit
    (`TooManyCandidates`), duplicates (`DuplicatedCandidate`), members (`MemberSubmit`),
    runners-up (`RunnerUpSubmit`) and the bond (`InsufficientCandidateFunds`); the bond is
    reserved and candidates are kept in id order. The limit is `count <= MaxCandidates`: with
    5 candidates (minimal's limit) a sixth gets in, a seventh gets `TooManyCandidates`; a stale
    witness is reported before the limit, the limit before a duplicate."""
    elections_setup(
        b, extra=[("poor", 20), ("c1", 100), ("c2", 100)], elections_members=[("alice", 100)]
    )
    candidacy(b, "bob", count=0)
    candidacy(b, "charlie", count=0, outcome="PhragmenElection.InvalidWitnessData")
    candidacy(b, "bob", outcome="PhragmenElection.DuplicatedCandidate")
    candidacy(b, "alice", outcome="PhragmenElection.MemberSubmit")
    candidacy(b, "poor", outcome="PhragmenElection.InsufficientCandidateFunds")
    for who in ("charlie", "dave", "eve", "ferdie"):
        candidacy(b, who)
    check(
        [c for c, _ in b.chain.elections.candidates]
        == sorted(ids(b, "bob", "charlie", "dave", "eve", "ferdie")),
        "sorted by id",
    )
    check(len(b.chain.elections.candidates) == b.config.elections.max_candidates, "at the limit")
    candidacy(b, "c1", count=5)
    check(len(b.chain.elections.candidates) == 6, "one more than the limit")
    candidacy(b, "c2", count=5, outcome="PhragmenElection.InvalidWitnessData")
    candidacy(b, "c2", count=6, outcome="PhragmenElection.TooManyCandidates")
    candidacy(b, "bob", count=6, outcome="PhragmenElection.TooManyCandidates")
    b.observe("balance", b.account("bob"))
    b.observe("balance", b.account("c1"))


@case(suite=SUITE, handler="elections", clauses=("ELE-6", "ELE-14"), block=1)
def runner_up_cannot_stand(b: CaseBuilder) -> None:
    """After an election seats two members and a runner-up, the runner-up's candidacy fails
    with `RunnerUpSubmit` and a member's with `MemberSubmit`."""
    elections_setup(b)
    for who in ("alice", "bob", "charlie"):
        candidacy(b, who)
    ele_vote(b, "dave", ["alice", "bob", "charlie"], 300)
    ele_vote(b, "eve", ["alice", "bob"], 200)
    term_end(b)
    check(
        members(b) == sorted(ids(b, "alice", "bob")) and runners(b) == ids(b, "charlie"),
        "alice and bob seated, charlie runner-up",
    )
    candidacy(b, "charlie", count=0, outcome="PhragmenElection.RunnerUpSubmit")
    candidacy(b, "bob", count=0, outcome="PhragmenElection.MemberSubmit")


@case(suite=SUITE, handler="elections", clauses=("ELE-4", "ELE-5"), block=1)
def vote_errors_bonds_and_locks(b: CaseBuilder) -> None:
    """`vote` checks, in order: `MaximumVotesExceeded` (17 targets), `NoVotes`, `UnableToVote`
    (nobody to vote for), `TooManyVotes` (more targets than candidates), `LowBalance` (a value
    equal to the existential deposit), `UnableToPayBond`. The deposit is base + factor per
    vote; voting again with fewer targets returns the difference; the lock is set to
    min(value, free). `remove_voter` returns everything; a non-voter gets `MustBeVoter`."""
    elections_setup(b, extra=[("poor", 22)])
    ele_vote(b, "dave", ["alice"] * 17, 100, outcome="PhragmenElection.MaximumVotesExceeded")
    ele_vote(b, "dave", [], 100, outcome="PhragmenElection.NoVotes")
    ele_vote(b, "dave", ["alice"], 100, outcome="PhragmenElection.UnableToVote")
    candidacy(b, "alice")
    ele_vote(b, "dave", ["alice", "bob"], 100, outcome="PhragmenElection.TooManyVotes")
    ed = b.config.existential_deposit
    ele_vote(b, "dave", ["alice"], ed, outcome="PhragmenElection.LowBalance")
    ele_vote(b, "poor", ["alice"], 100, outcome="PhragmenElection.UnableToPayBond")
    candidacy(b, "bob")
    cfg = b.config.elections
    ele_vote(b, "dave", ["alice", "bob"], 5_000)
    data = b.chain.system.accounts[b.account("dave")].data
    check(data.reserved == cfg.voting_bond_base + 2 * cfg.voting_bond_factor, "base + 2 factors")
    check(b.chain.elections.voting[b.account("dave")].stake == data.free, "stake = free balance")
    ele_vote(b, "dave", ["bob"], 300)
    check(
        b.chain.system.accounts[b.account("dave")].data.reserved
        == cfg.voting_bond_base + cfg.voting_bond_factor,
        "one factor returned",
    )
    b.observe("locks", b.account("dave"))
    b.observe("elections_voter", b.account("dave"))
    do(
        b,
        "PhragmenElection.remove_voter",
        {},
        signed("eve"),
        outcome="PhragmenElection.MustBeVoter",
    )
    do(b, "PhragmenElection.remove_voter", {}, signed("dave"))
    b.observe("locks", b.account("dave"))
    b.observe("balance", b.account("dave"))
    b.observe("elections_voter", b.account("dave"))


@case(
    suite=SUITE,
    handler="elections",
    clauses=("ELE-7", "ELE-9", "ELE-10", "ELE-14", "ELE-16"),
    block=1,
)
def elections_over_several_terms(b: CaseBuilder) -> None:
    """Three terms. Term 1: four candidates, two seats and two runner-up places; the members
    are the first two elected, the runners-up the next two, stored worst first; the prime has
    the best Borda score; the Council follows. Term 2: nothing changed, the same set is
    elected again (votes persist), no bond is lost. Term 3: a new candidate with strong
    backing is elected first; the candidate left without approval loses its bond to the
    treasury (`CandidateSlashed`, `Treasury.Deposit`)."""
    elections_setup(b, extra=[("v1", 900), ("v2", 900)])
    for who in ("alice", "bob", "charlie", "dave"):
        candidacy(b, who)
    # approvals: alice 600 + 400, bob 600, charlie 400, dave 100. Round 1: alice (least 1/1000).
    # Round 2: bob 1/600 + 1/1000 < charlie 1/400 + 1/1000 < dave 1/100. Then charlie, dave.
    ele_vote(b, "eve", ["alice", "bob"], 600)
    ele_vote(b, "ferdie", ["charlie", "alice"], 400)
    ele_vote(b, "v1", ["dave"], 100)
    term_end(b)
    check(
        members(b) == sorted(ids(b, "alice", "bob")) and runners(b) == ids(b, "dave", "charlie"),
        "members alice, bob; runners-up dave (worst), charlie (best)",
    )
    # Borda: alice 600 * 16 + 400 * 15 = 15600, bob 600 * 15 = 9000.
    check(b.chain.council.prime == b.account("alice"), "alice is the prime")
    check(list(b.chain.council.members) == members(b), "the Council follows")
    b.observe("elections")
    b.observe("collective", COUNCIL)
    first = b.chain.elections
    term_end(b)
    check(
        b.chain.elections.members == first.members
        and b.chain.elections.runners_up == first.runners_up
        and b.chain.elections.election_rounds == 2,
        "the same set again",
    )
    check("PhragmenElection.CandidateSlashed" not in event_names(b), "no bond lost")
    # v2 stands with 1600 of approval and is elected first; v1 left dave, who has no approval
    # any more and is not among the four elected: it loses its bond.
    candidacy(b, "v2")
    ele_vote(b, "v1", ["v2"], 800)
    ele_vote(b, "v2", ["v2"], 800)
    term_end(b)
    slashed = [
        dict(e.fields) for e in b.last_events if e.name == "PhragmenElection.CandidateSlashed"
    ]
    check(
        slashed == [{"candidate": b.account("dave"), "amount": b.config.elections.candidacy_bond}],
        "dave loses his bond",
    )
    check(
        members(b) == sorted(ids(b, "v2", "alice")) and runners(b) == ids(b, "charlie", "bob"),
        "members v2, alice; runners-up charlie, bob (best)",
    )
    check(
        b.chain.system.accounts[POT].data.free == b.config.elections.candidacy_bond,
        "the bond went to the treasury",
    )
    b.observe("elections")
    b.observe("treasury")


@case(suite=SUITE, handler="elections", clauses=("ELE-14",), block=1)
def empty_term_and_election_error(b: CaseBuilder) -> None:
    """No candidates, members or runners-up: `EmptyTerm`. With more voters than `MaxVoters`
    (8 on minimal) the election does not happen at all: `ElectionError`, candidates stay. Once
    one voter leaves, exactly `MaxVoters` voters elect."""
    extra = [(f"voter{i}", 500) for i in range(9)]
    elections_setup(b, extra=extra)
    term_end(b)
    check(event_names(b) == ["PhragmenElection.EmptyTerm"], "EmptyTerm")
    candidacy(b, "alice")
    for name, _ in extra:
        ele_vote(b, name, ["alice"], 100)
    term_end(b)
    check("PhragmenElection.ElectionError" in event_names(b), "ElectionError")
    check(len(b.chain.elections.candidates) == 1 and not members(b), "nothing changed")
    do(b, "PhragmenElection.remove_voter", {}, signed("voter0"))
    check(len(b.chain.elections.voting) == b.config.elections.max_voters, "exactly MaxVoters")
    term_end(b)
    check(members(b) == ids(b, "alice"), "elected")


@case(suite=SUITE, handler="elections", clauses=("ELE-11", "ELE-12"), block=1)
def renounce_member_runner_up_candidate(b: CaseBuilder) -> None:
    """A renouncing member is replaced by the best runner-up (the last), the Council follows
    and keeps its prime; a runner-up and a candidate get their deposits back. Wrong kinds fail
    with `InvalidRenouncing`, a stale witness with `InvalidWitnessData` first."""
    elections_setup(b)
    for who in ("alice", "bob", "charlie", "dave"):
        candidacy(b, who)
    ele_vote(b, "eve", ["alice", "bob", "charlie", "dave"], 800)
    ele_vote(b, "ferdie", ["bob"], 900)
    term_end(b)
    best = runners(b)[-1]
    prime = b.chain.council.prime
    leaving = next(m for m in members(b) if m != prime)
    name = next(n for n in ("alice", "bob", "charlie", "dave") if b.account(n) == leaving)
    do(
        b,
        "PhragmenElection.renounce_candidacy",
        {"renouncing": "RunnerUp"},
        signed(name),
        outcome="PhragmenElection.InvalidRenouncing",
    )
    do(b, "PhragmenElection.renounce_candidacy", {"renouncing": "Member"}, signed(name))
    check(best in members(b) and leaving not in members(b), "the best runner-up is seated")
    check(
        b.chain.council.prime == prime and list(b.chain.council.members) == members(b),
        "the Council follows, its prime kept",
    )
    runner = next(n for n in ("alice", "bob", "charlie", "dave") if [b.account(n)] == runners(b))
    do(
        b,
        "PhragmenElection.renounce_candidacy",
        {"renouncing": "Member"},
        signed(runner),
        outcome="PhragmenElection.InvalidRenouncing",
    )
    do(b, "PhragmenElection.renounce_candidacy", {"renouncing": "RunnerUp"}, signed(runner))
    candidacy(b, name, count=0)
    do(
        b,
        "PhragmenElection.renounce_candidacy",
        {"renouncing": {"Candidate": 0}},
        signed(name),
        outcome="PhragmenElection.InvalidWitnessData",
    )
    do(
        b,
        "PhragmenElection.renounce_candidacy",
        {"renouncing": {"Candidate": 1}},
        signed("eve"),
        outcome="PhragmenElection.InvalidRenouncing",
    )
    do(b, "PhragmenElection.renounce_candidacy", {"renouncing": {"Candidate": 1}}, signed(name))
    check(b.chain.system.accounts[b.account(name)].data.reserved == 0, "deposit returned")
    b.observe("elections")


@case(suite=SUITE, handler="elections", clauses=("ELE-12", "ELE-13", "ELE-15", "TRS-3"), block=1)
def remove_member_slash_and_rerun(b: CaseBuilder) -> None:
    """Root removes a member with its bond slashed into the treasury (`SeatHolderSlashed`,
    `Treasury.Deposit`, `MemberKicked`), the runner-up takes the seat; removing the prime
    leaves the Council without one. Signed origins get `BadOrigin`, a non-member `NotMember`.
    A removal with `rerun_election` elects again in the same call. Root cleans the voters whose
    targets are all gone."""
    elections_setup(b)
    for who in ("alice", "bob", "charlie"):
        candidacy(b, who)
    ele_vote(b, "eve", ["alice", "bob", "charlie"], 800)
    ele_vote(b, "ferdie", ["alice"], 900)
    term_end(b)
    prime = b.chain.council.prime
    check(prime == b.account("alice"), "alice has the best Borda score")
    args = {"who": b.account("alice"), "slash_bond": True, "rerun_election": False}
    do(b, "PhragmenElection.remove_member", args, signed("alice"), outcome="BadOrigin")
    do(
        b,
        "PhragmenElection.remove_member",
        {**args, "who": b.account("dave")},
        root(),
        outcome="PhragmenElection.NotMember",
    )
    do(b, "PhragmenElection.remove_member", args, root())
    check(
        event_names(b)[-3:]
        == [
            "Treasury.Deposit",
            "PhragmenElection.SeatHolderSlashed",
            "PhragmenElection.MemberKicked",
        ],
        "slash, deposit, kick",
    )
    check(
        b.chain.council.prime is None and len(members(b)) == 2 and not runners(b),
        "the prime removed; charlie seated",
    )
    do(
        b,
        "PhragmenElection.remove_member",
        {**args, "who": b.account("bob"), "slash_bond": False, "rerun_election": True},
        root(),
    )
    check(
        event_names(b)[-1] == "PhragmenElection.NewTerm" and members(b) == ids(b, "charlie"),
        "elected again at once: only charlie stands",
    )
    do(
        b,
        "PhragmenElection.clean_defunct_voters",
        {"num_voters": 10, "num_defunct": 10},
        signed("eve"),
        outcome="BadOrigin",
    )
    do(b, "PhragmenElection.clean_defunct_voters", {"num_voters": 10, "num_defunct": 10}, root())
    check(set(b.chain.elections.voting) == {b.account("eve")}, "ferdie voted only for alice")
    b.observe("elections")


@case(suite=SUITE, handler="elections", presets=("phala",), clauses=("ELE-3", "ELE-7", "ELE-14"))
def daily_election_scales_stakes(b: CaseBuilder) -> None:
    """On Phala the genesis members' self-votes are re-elected at the first daily election
    (block 7200): stakes count in steps of the currency-to-vote factor (issuance / (2^64 - 1),
    54 for 10^9 PHA), so a member's reported stake is its stake rounded down to a multiple of
    the factor."""
    unit = 10**12
    b.genesis(governance={"elections_members": [("alice", 1_000 * unit + 53), ("bob", 500 * unit)]})
    b.initialize_block(number=b.config.elections.term_duration)
    issuance = b.chain.balances.total_issuance
    factor = vote_factor(issuance)
    check(factor == 54, "factor 54 for 10^9 PHA")
    stakes = {m.who: m.stake for m in b.chain.elections.members}
    check(
        stakes[b.account("alice")]
        == to_vote(1_000 * unit + 53, issuance) * factor
        == 1_000 * unit + 53 - (1_000 * unit + 53) % 54,
        "rounded down to a multiple of 54",
    )
    check(b.chain.council.prime == b.account("alice"), "the larger self-vote is the prime")
    b.observe("elections")
    b.finalize_block()


@case(
    suite=SUITE,
    handler="elections",
    presets=("phala",),
    clauses=("ELE-2", "ELE-4", "ELE-6", "ELE-7", "ELE-14", "ELE-16", "TRS-3"),
    block=1,
)
def two_daily_terms_with_production_bonds(b: CaseBuilder) -> None:
    """Phala's parameters with the allow-all call filter (production's refuses these calls,
    [CHAIN-15]): ten candidates (10 PHA bond each), each backed by its own voter
    (79 + 32 cents deposit) with stakes 100, 110, ..., 190 PHA. With no shared voters
    Phragmén elects by approval: the eight best are members, the other two runners-up, the
    better one last; stakes are reported in steps of 54 units (issuance about 10^9 PHA); the
    prime is the best-backed member (16 x stake). The next day the best-backed voter leaves:
    its candidate has no approval, is dropped and loses its bond to the treasury; the best
    runner-up takes the seat and the next-best member becomes prime."""
    unit = 10**12
    cands = [f"cand{i}" for i in range(10)]
    voters = [f"backer{i}" for i in range(10)]
    b.genesis(
        balances=[("foundation", 10**9 * unit), *((n, 1_000 * unit) for n in cands + voters)],
        config=UNFILTERED,
    )
    for who in cands:
        candidacy(b, who, count=20)
    for i, (voter, cand) in enumerate(zip(voters, cands, strict=True)):
        ele_vote(b, voter, [cand], (100 + 10 * i) * unit)
    cfg = b.config.elections
    check(
        b.chain.system.accounts[b.account("backer0")].data.reserved
        == cfg.voting_bond_base + cfg.voting_bond_factor
        == 111 * 10**10,
        "79 + 32 cents",
    )
    b.next_block(number=cfg.term_duration)
    issuance = b.chain.balances.total_issuance
    factor = vote_factor(issuance)
    check(
        members(b) == sorted(ids(b, *cands[2:])) and runners(b) == ids(b, "cand0", "cand1"),
        "cand2..cand9 seated; cand0 then cand1 (the better) as runners-up",
    )
    stakes = {m.who: m.stake for m in b.chain.elections.members}
    check(
        all(
            stakes[b.account(c)] == (100 + 10 * i) * unit // factor * factor
            for i, c in enumerate(cands)
            if i >= 2
        ),
        "stakes floored to the factor",
    )
    check(b.chain.council.prime == b.account("cand9"), "the best-backed member is prime")
    b.observe("elections")
    do(b, "PhragmenElection.remove_voter", {}, signed("backer9"))
    b.next_block(number=2 * cfg.term_duration)
    check(
        members(b) == sorted(ids(b, *cands[1:9])) and runners(b) == ids(b, "cand0"),
        "cand9 dropped, cand1 seated",
    )
    check(b.chain.system.accounts[POT].data.free == cfg.candidacy_bond, "cand9's bond in the pot")
    check(b.chain.council.prime == b.account("cand8"), "cand8 is prime now")
    b.observe("elections")
    b.observe("treasury")


@case(suite=SUITE, handler="elections", clauses=("ELE-10", "ELE-14", "ELE-18"), block=1)
def split_voter_backs_with_its_whole_budget(b: CaseBuilder) -> None:
    """sp-npos-elections' `phragmen_core_poc_works`, stakes times 100, one seat and one
    runner-up place: candidates c1 < c2 < c3 (ferdie, dave, bob by id); voters 1000 -> [c1,
    c2], 2000 -> [c1, c3], 3000 -> [c2, c3]. c3 wins the seat, c2 the runner-up place, c1
    loses its bond. The third voter's shares round down to 1499 for c2 and 1500 for c3;
    normalised to its budget they are 1500 each, so c3 reports 2000 + 1500 and c2 1000 + 1500
    (not 2499): the three budgets are reported in full."""
    b.genesis(
        config={"elections": {"desired_members": 1, "desired_runners_up": 1}, **UNFILTERED},
        balances=[(n, 5_000) for n in ("alice", "bob", "charlie", "dave", "eve", "ferdie")],
    )
    c1, c2, c3 = "ferdie", "dave", "bob"
    check(ids(b, c1, c2, c3) == sorted(ids(b, c1, c2, c3)), "c1 < c2 < c3 by id")
    for who in (c1, c2, c3):
        candidacy(b, who)
    ele_vote(b, "alice", [c1, c2], 1_000)
    ele_vote(b, "charlie", [c1, c3], 2_000)
    ele_vote(b, "eve", [c2, c3], 3_000)
    term_end(b)
    seat = b.chain.elections.members
    runner = b.chain.elections.runners_up
    check([m.who for m in seat] == ids(b, c3) and [r.who for r in runner] == ids(b, c2), "seats")
    check(seat[0].stake + runner[0].stake == 6_000, "every budget reported in full")
    check(runner[0].stake == 1_000 + 3_000 // 2, "the split voter's halves after normalising")
    b.observe("elections")


def rounding_election(
    b: CaseBuilder, candidates: Sequence[str], votes: Sequence[tuple[str, int, Sequence[str]]]
) -> None:
    """One term-end election from a fresh genesis: the candidates stand, each voter votes its
    stake for its targets; voters v1..v3 are endowed beside the standard six [ELE-14]."""
    elections_setup(b, extra=[("v1", 1_000), ("v2", 1_000), ("v3", 1_000)])
    for who in candidates:
        candidacy(b, who)
    for who, stake, targets in votes:
        ele_vote(b, who, targets, stake)
    term_end(b)
    b.observe("elections")


def seated(b: CaseBuilder) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The members (id order) and runners-up (worst first) by name, with their stakes."""
    names = {b.account(n): n for n in ("alice", "bob", "charlie", "dave")}
    el = b.chain.elections
    return (
        [(names[m.who], m.stake) for m in el.members],
        [(names[r.who], r.stake) for r in el.runners_up],
    )


@case(suite=SUITE, handler="elections", clauses=("ELE-9", "ELE-10", "ELE-18"), block=1)
def normalising_gives_back_whole_rounds(b: CaseBuilder) -> None:
    """Candidates in id order dave < charlie < alice. v2 votes 679 for alice alone; v1 votes 12
    for dave, charlie and alice. Alice is elected first (approval 691); dave and charlie tie
    (approval 12) and dave, first in candidate order, is elected before charlie. v1's share of
    alice is far below one unit and rounds down to 0: the edge is dropped. Its shares of dave and
    charlie round down to 5 each, 2 short of its budget: one whole round of the normalisation
    (2 // 2 = 1 each) gives them 6 and 6. Seats: alice 679 and dave 6; runner-up charlie 6."""
    rounding_election(
        b,
        ["alice", "charlie", "dave"],
        [("v2", 679, ["alice"]), ("v1", 12, ["dave", "charlie", "alice"])],
    )
    check(ids(b, "dave", "charlie", "alice") == sorted(ids(b, "dave", "charlie", "alice")), "ids")
    check(seated(b) == ([("dave", 6), ("alice", 679)], [("charlie", 6)]), f"{seated(b)}")


@case(suite=SUITE, handler="elections", clauses=("ELE-9", "ELE-10", "ELE-18"), block=1)
def loads_start_at_zero(b: CaseBuilder) -> None:
    """Candidates dave < bob < charlie. eve votes 240 for charlie, bob and dave; v1 votes 432 for
    charlie and bob. Bob (approval 672, first of the tie with charlie in candidate order) is
    elected first, then charlie, then dave; every voter's load starts at 0. eve's shares round
    down to 49 (charlie), 50 (bob) and 140 (dave), v1's to 215 and 216; normalising gives each
    voter's missing unit to its smallest share: 50 / 50 / 140 and 216 / 216. Bob and charlie are
    backed by 266 each, dave by 140. Seats: bob and charlie; runner-up dave."""
    rounding_election(
        b,
        ["bob", "charlie", "dave"],
        [("eve", 240, ["charlie", "bob", "dave"]), ("v1", 432, ["charlie", "bob"])],
    )
    members, runners = seated(b)
    check(sorted(members) == [("bob", 266), ("charlie", 266)], f"members {members}")
    check(runners == [("dave", 140)], f"runners-up {runners}")


@case(suite=SUITE, handler="elections", clauses=("ELE-9", "ELE-10", "ELE-18"), block=1)
def normalising_raises_the_smallest_first(b: CaseBuilder) -> None:
    """Candidates dave < bob < charlie < alice, four places. ferdie votes 36 for charlie, dave,
    alice and bob; v3 votes 629 for alice, charlie and bob. Elected in order: bob, charlie,
    alice, dave. ferdie's shares round down to 1 (charlie), 30 (dave), 1 (alice) and 1 (bob),
    3 short of 36: all three units go to the first smallest share, charlie's, which stays below
    the average 36 // 4 = 9: 4, 30, 1, 1. v3's round down to 209 each, 2 short of 629: each unit
    goes to the smallest share, moving on once a share reaches the average 209: 210, 210, 209.
    Backings: bob 210, charlie 214, alice 211, dave 30. Seats: bob and charlie; runners-up dave
    (worst) and alice."""
    rounding_election(
        b,
        ["alice", "bob", "charlie", "dave"],
        [
            ("ferdie", 36, ["charlie", "dave", "alice", "bob"]),
            ("v3", 629, ["alice", "charlie", "bob"]),
        ],
    )
    members, runners = seated(b)
    check(sorted(members) == [("bob", 210), ("charlie", 214)], f"members {members}")
    check(runners == [("dave", 30), ("alice", 211)], f"runners-up {runners}")
    check(sum(s for _, s in members + runners) == 36 + 629, "both budgets in full")


@case(suite=SUITE, handler="elections", clauses=("ELE-9", "ELE-10", "ELE-14"), block=1)
def share_rounded_to_zero_is_dropped(b: CaseBuilder) -> None:
    """Candidates dave < bob < alice. v1 votes 570 for alice; ferdie votes 23 for alice and bob.
    Alice is elected first, then bob; dave, whom nobody names, is elected last with an infinite
    score and no backing. ferdie's share of alice rounds down to 0 and is dropped; its share of
    bob rounds down to 22 and, alone, is normalised to the whole budget, 23. Seats (bob < alice
    by id): bob 23 and alice 570; dave, elected with zero backing, is dropped and loses his
    bond."""
    rounding_election(
        b,
        ["alice", "bob", "dave"],
        [("ferdie", 23, ["alice", "bob"]), ("v1", 570, ["alice"])],
    )
    check(seated(b) == ([("bob", 23), ("alice", 570)], []), f"{seated(b)}")
    check("PhragmenElection.CandidateSlashed" in event_names(b), "dave slashed")


@case(suite=SUITE, handler="elections", clauses=("ELE-7", "ELE-9", "ELE-10", "ELE-18"), block=1)
def zero_weight_voter_backs_nobody(b: CaseBuilder) -> None:
    """Two seats and no runner-up place. A whale holding 2^70 makes the currency-to-vote factor
    2^70 // (2^64 - 1) = 64. v1 locks 63, a vote weight of 0, for charlie alone; v2 locks 64
    (weight 1) for dave alone; eve locks 640 (weight 10) for alice and bob. Charlie's approval is
    0 although a voter names him: he scores infinity and v1's edge adds no load; dave's approval
    1 scores 2^128 - 1. Alice and bob take the two seats with eve's 5 + 5 (320 each back in
    currency). v1 (budget 0) and v2 (budget 1, no elected candidate) back nobody; charlie and
    dave lose their bonds."""
    b.genesis(
        balances=[
            *((n, 1_000) for n in ("alice", "bob", "charlie", "dave", "eve", "v1", "v2")),
            ("whale", 2**70),
        ],
        config={"elections": {"desired_members": 2, "desired_runners_up": 0}, **UNFILTERED},
    )
    issuance = b.chain.balances.total_issuance
    check(vote_factor(issuance) == 64, "factor 64")
    check(to_vote(63, issuance) == 0 and to_vote(64, issuance) == 1, "63 weighs 0, 64 weighs 1")
    for who in ("alice", "bob", "charlie", "dave"):
        candidacy(b, who)
    ele_vote(b, "v1", ["charlie"], 63)
    ele_vote(b, "v2", ["dave"], 64)
    ele_vote(b, "eve", ["alice", "bob"], 640)
    term_end(b)
    b.observe("elections")
    members, runners = seated(b)
    check(sorted(members) == [("alice", 320), ("bob", 320)] and runners == [], f"{seated(b)}")
    slashed = [
        dict(e.fields)["candidate"]
        for e in b.last_events
        if e.name == "PhragmenElection.CandidateSlashed"
    ]
    check(sorted(slashed) == sorted(ids(b, "charlie", "dave")), "charlie and dave slashed")


@case(suite=SUITE, handler="elections", clauses=("ELE-5", "ELE-15", "ELE-17"), block=1)
def clean_defunct_voters_in_storage_order(b: CaseBuilder) -> None:
    """Five voters name a candidate who then renounces: all are defunct.
    `clean_defunct_voters(2, 1)` removes the first voter in storage order (by the XXH64 hash
    of the account id, eve for the dev accounts, where id order would give ferdie);
    `clean_defunct_voters(2, 2)` the next two (ferdie and dave, where id order would give dave
    and bob). Each removed voter gets its deposit back and its lock removed."""
    elections_setup(b)
    candidacy(b, "alice")
    voters = ("bob", "charlie", "dave", "eve", "ferdie")
    for who in voters:
        ele_vote(b, who, ["alice"], 100)
    do(b, "PhragmenElection.renounce_candidacy", {"renouncing": {"Candidate": 1}}, signed("alice"))
    in_order = sorted(ids(b, *voters), key=twox_64_concat)
    check(in_order[0] != min(in_order), "storage order is not id order")
    do(b, "PhragmenElection.clean_defunct_voters", {"num_voters": 2, "num_defunct": 1}, root())
    check(set(b.chain.elections.voting) == set(in_order[1:]), "the first in storage order")
    do(b, "PhragmenElection.clean_defunct_voters", {"num_voters": 2, "num_defunct": 2}, root())
    check(set(b.chain.elections.voting) == set(in_order[3:]), "the next two")
    b.observe("elections")
    b.observe("balance", in_order[0])
    b.observe("locks", in_order[0])


# --- Boundaries and precedence [ELE-4] [ELE-11] [ELE-12] [ELE-14] [ELE-16] ---------------------------


@case(suite=SUITE, handler="elections", clauses=("ELE-4", "ELE-14"), block=1)
def vote_bounds_bonds_and_seated_targets(b: CaseBuilder) -> None:
    """With at most 2 votes per voter, 2 targets are accepted and 3 are `MaximumVotesExceeded`.
    One target more than there are candidates, with a value equal to the existential deposit,
    is `TooManyVotes`: the target count is checked before the value. Voting again with one more
    target reserves one more factor only. After the election seats two members and two
    runners-up and clears the candidates, all four may still be voted for."""
    b.genesis(
        balances=[(n, 1_000) for n in ("alice", "bob", "charlie", "dave", "eve", "ferdie")],
        config={"elections": {"max_votes_per_voter": 2}, **UNFILTERED},
    )
    candidacy(b, "alice")
    ed = b.config.existential_deposit
    ele_vote(b, "eve", ["alice", "bob"], ed, outcome="PhragmenElection.TooManyVotes")
    for who in ("bob", "charlie", "dave"):
        candidacy(b, who)
    cfg = b.config.elections
    ele_vote(b, "eve", ["alice"], 400)
    ele_vote(b, "eve", ["alice", "bob"], 400)
    check(
        b.chain.system.accounts[b.account("eve")].data.reserved
        == cfg.voting_bond_base + 2 * cfg.voting_bond_factor,
        "one more factor reserved",
    )
    ele_vote(
        b,
        "ferdie",
        ["alice", "bob", "charlie"],
        300,
        outcome="PhragmenElection.MaximumVotesExceeded",
    )
    ele_vote(b, "ferdie", ["charlie", "dave"], 300)
    term_end(b)
    check(len(members(b)) == 2 and len(runners(b)) == 2, "two members, two runners-up")
    check(b.chain.elections.candidates == (), "no candidates left")
    ele_vote(b, "eve", ["charlie", "dave"], 400)
    b.observe("elections_voter", b.account("eve"))


@case(suite=SUITE, handler="elections", clauses=("ELE-16", "ELE-14", "ELE-17"), block=1)
def borda_tie_goes_to_the_higher_id(b: CaseBuilder) -> None:
    """alice and bob take the two seats; dave votes 300 for [alice, bob] and eve 300 for
    [bob, alice], so each scores 300 * 16 + 300 * 15: a tie, which the higher id wins as the
    prime."""
    elections_setup(b)
    for who in ("alice", "bob"):
        candidacy(b, who)
    ele_vote(b, "dave", ["alice", "bob"], 300)
    ele_vote(b, "eve", ["bob", "alice"], 300)
    term_end(b)
    check(sorted(members(b)) == sorted(ids(b, "alice", "bob")), "both seated")
    check(b.chain.council.prime == max(ids(b, "alice", "bob")), "the higher id is the prime")


@case(suite=SUITE, handler="elections", clauses=("ELE-11", "ELE-12"), block=1)
def renouncing_returns_the_renouncers_own_deposit(b: CaseBuilder) -> None:
    """Genesis member alice (no deposit) and candidate bob (bond 30) are both seated. bob renounces
    his seat and gets his own 30 back. A non-candidate renouncing a candidacy with a stale
    witness (0 while a candidate stands) is `InvalidWitnessData`: the witness is checked first."""
    elections_setup(b, elections_members=[("alice", 100)])
    candidacy(b, "bob", count=0)
    candidacy(b, "charlie")
    ele_vote(b, "dave", ["alice", "bob"], 300)
    term_end(b)
    check(sorted(members(b)) == sorted(ids(b, "alice", "bob")), "alice and bob seated")
    deposits = {m.who: m.deposit for m in b.chain.elections.members}
    check(deposits == {b.account("alice"): 0, b.account("bob"): 30}, "deposits 0 and 30")
    do(b, "PhragmenElection.renounce_candidacy", {"renouncing": "Member"}, signed("bob"))
    check(b.chain.system.accounts[b.account("bob")].data.reserved == 0, "bob's 30 back")
    candidacy(b, "eve", count=0)
    do(
        b,
        "PhragmenElection.renounce_candidacy",
        {"renouncing": {"Candidate": 0}},
        signed("ferdie"),
        outcome="PhragmenElection.InvalidWitnessData",
    )


@case(suite=SUITE, handler="elections", clauses=("ELE-14",), block=1)
def a_term_of_one_block_elects_every_block(b: CaseBuilder) -> None:
    """A term of one block holds an election at every block: alice, standing at block 1, is
    seated at block 2."""
    b.genesis(
        balances=[(n, 1_000) for n in ("alice", "bob", "charlie", "dave", "eve", "ferdie")],
        config={"elections": {"term_duration": 1}, **UNFILTERED},
    )
    candidacy(b, "alice")
    ele_vote(b, "dave", ["alice"], 300)
    b.next_block(number=2)
    check(members(b) == ids(b, "alice"), "seated at the next block")


@case(suite=SUITE, handler="elections", clauses=("ELE-14",), block=1)
def a_term_of_zero_holds_no_election(b: CaseBuilder) -> None:
    """With a term of 0 blocks no block ends a term: alice's candidacy waits block after
    block."""
    b.genesis(
        balances=[(n, 1_000) for n in ("alice", "bob", "charlie", "dave", "eve", "ferdie")],
        config={"elections": {"term_duration": 0}, **UNFILTERED},
    )
    candidacy(b, "alice")
    ele_vote(b, "dave", ["alice"], 300)
    for number in (2, 10, 20):
        b.next_block(number=number)
    check(members(b) == [] and len(b.chain.elections.candidates) == 1, "no election")


@case(suite=SUITE, handler="elections", clauses=("ELE-7", "ELE-14", "ELE-10"), block=1)
def a_backing_of_one_vote_is_a_seat(b: CaseBuilder) -> None:
    """A whale of 2^70 makes the currency-to-vote factor 64: v2's lock of 64 weighs 1 vote. dave,
    backed by that single vote alone, is elected with a backing of 1 (64 back in currency):
    only a backing of 0 is dropped."""
    b.genesis(
        balances=[*((n, 1_000) for n in ("dave", "v2")), ("whale", 2**70)],
        config={"elections": {"desired_members": 1, "desired_runners_up": 0}, **UNFILTERED},
    )
    issuance = b.chain.balances.total_issuance
    check(to_vote(64, issuance) == 1, "64 weighs 1")
    candidacy(b, "dave")
    ele_vote(b, "v2", ["dave"], 64)
    term_end(b)
    check(
        [(m.who, m.stake) for m in b.chain.elections.members] == [(b.account("dave"), 64)],
        "dave seated with 64",
    )


U128_MAX = 2**128 - 1


def whale_election(b: CaseBuilder, stakes: Sequence[tuple[str, int, Sequence[str]]]) -> None:
    """Candidates alice and bob for two seats; each voter, endowed with its stake and 1000 more
    for its deposit, votes its stake for its targets; the term ends [ELE-14] [ELE-16]."""
    b.genesis(
        balances=[
            ("alice", 1_000),
            ("bob", 1_000),
            *((who, stake + 1_000) for who, stake, _ in stakes),
        ],
        config=UNFILTERED,
    )
    for who in ("alice", "bob"):
        candidacy(b, who)
    for who, stake, targets in stakes:
        ele_vote(b, who, targets, stake)
    term_end(b)
    check(sorted(members(b)) == sorted(ids(b, "alice", "bob")), "alice and bob seated")


def unbounded_borda(b: CaseBuilder, name: str) -> int:
    """A member's Borda score without saturation: the sum over voters of stake * (maximum - k)
    for the voter's ``k``-th target [ELE-16]."""
    maximum = b.config.elections.max_votes_per_voter
    return sum(
        voter.stake * (maximum - k)
        for voter in b.chain.elections.voting.values()
        for k, target in enumerate(voter.votes)
        if target == b.account(name)
    )


def by_id(b: CaseBuilder) -> tuple[str, str]:
    """alice and bob, the lower id first."""
    low, high = sorted(("alice", "bob"), key=b.account)
    return low, high


@case(suite=SUITE, handler="elections", clauses=("ELE-16",), block=1)
def borda_scores_saturate_each_term_then_the_sum(b: CaseBuilder) -> None:
    """Borda scores start at 0 and saturate at 2^128 - 1, each voter's term first. The lower id
    L is named first by w1 alone, with a stake of 2^124: 16 * 2^124 saturates to 2^128 - 1.
    The higher id H is named first by w2 (2^124 - 17, scoring 2^128 - 272) and second by w3
    (18, scoring 15 * 18 = 270): 2^128 - 2 in all, one below the bound. L's score is the higher:
    L is the prime, not H as a tie would make it."""
    low, high = by_id(b)
    whale_election(
        b,
        [
            ("w1", 2**124, [low]),
            ("w2", 2**124 - 17, [high]),
            ("w3", 18, [low, high]),
        ],
    )
    check(unbounded_borda(b, high) == U128_MAX - 1, "H scores one below the bound")
    check(unbounded_borda(b, low) > U128_MAX, "L's score saturates")
    check(b.chain.council.prime == b.account(low), "the saturated score wins")


@case(suite=SUITE, handler="elections", clauses=("ELE-16",), block=1)
def borda_saturated_sums_tie(b: CaseBuilder) -> None:
    """The higher id H is named first by w1 alone, with a stake of 2^124: 16 * 2^124 saturates
    to 2^128 - 1. The lower id L is named first by w2 and w3, 2^123 each: 2^127 + 2^127 = 2^128,
    which saturates to 2^128 - 1 too. Both scores are the bound: a tie, which the higher id H
    wins as the prime."""
    low, high = by_id(b)
    whale_election(
        b,
        [
            ("w1", 2**124, [high]),
            ("w2", 2**123, [low]),
            ("w3", 2**123, [low]),
        ],
    )
    check(
        unbounded_borda(b, high) == unbounded_borda(b, low) == U128_MAX + 1,
        "both one past the bound",
    )
    check(b.chain.council.prime == b.account(high), "a tie at the bound: the higher id")
