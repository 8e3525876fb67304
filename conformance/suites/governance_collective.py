"""Authored vectors for the collectives, the Council elections and the treasury
[COL-1]..[COL-14] [ELE-1]..[ELE-16] [TRS-1]..[TRS-10].

Suite ``governance``, handlers ``collective``, ``membership`` (the Technical
Committee's ``TechnicalMembership``), ``elections``, ``treasury`` and ``wiring``
(a Council motion, a Technical Committee motion and a referendum enacting a
treasury spend).

Every case is written against the spec: each call states the outcome the
rules give (checked at generation time), a rejected call must leave the whole
state unchanged, and the facts the rules fix (who voted, who was elected, who
was paid) are checked on the reference's state as the case is built.

Error codes production declares but cannot raise here have no vector:
``WrongProposalWeight`` (weights are not modelled, [COL-3]),
``AlreadyInitialized`` (a genesis panic, [COL-2]), ``InvalidReplacement``
(never raised by v1.2.0, [ELE-11]) and ``InsufficientPermission``
(unreachable with Phala's spend allowance, [TRS-7]).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    case,
    collective,
    collective_member,
    root,
    signed,
)
from phala_spec.pallets.governance.elections import to_vote, vote_factor
from phala_spec.pallets.governance.treasury import POT
from phala_spec.primitives.codec import digest
from phala_spec.runtime.calls import decode_call

SUITE = "governance"
MINIMAL = ("minimal",)
BOTH = ("minimal", "phala")

COUNCIL = "Council"
TC = "TechnicalCommittee"
LONG = 10_000  # a length bound no held call here reaches

ADD_PRUNTIME = "PhalaRegistry.add_pruntime"


# --- Helpers --------------------------------------------------------------------------------


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise AuthoringError(f"the rules give {what}")


def do(
    b: CaseBuilder, name: str, args: dict[str, Any], origin: dict[str, Any], *, outcome: str = "ok"
) -> None:
    """Apply a call and check its outcome; a rejected call must leave the state as it was."""
    before = digest(b.chain)
    b.call(name, args, origin=origin)
    b.expect_outcome(outcome)
    if outcome != "ok" and digest(b.chain) != before:
        raise AuthoringError(f"{name}: a rejected call must change nothing")


def held(name: str, **args: Any) -> dict[str, Any]:
    """A held call as plain data [CHAIN-12]."""
    return {"call": name, "args": args}


def call_hash(call: dict[str, Any]) -> bytes:
    return decode_call(call).hash


def pruntime(n: int) -> dict[str, Any]:
    """A registry call that needs root or more than half of the Council [REG-4] [COL-13]."""
    return held(ADD_PRUNTIME, pruntime_hash=b"pruntime-%d" % n)


def last_events(b: CaseBuilder) -> list[str]:
    return [e.name for e in b.last_events]


def ids(b: CaseBuilder, *names: str) -> list[bytes]:
    return [b.account(n) for n in names]


def council_setup(
    b: CaseBuilder, members: Sequence[str] = ("alice", "bob", "charlie"), **config: Any
) -> None:
    b.genesis(
        governance={"council": list(members), "technical_committee": ["dave", "eve"]},
        config=config or None,
    )
    b.initialize_block()


def propose(
    b: CaseBuilder,
    who: str,
    call: dict[str, Any],
    threshold: int = 2,
    instance: str = COUNCIL,
    outcome: str = "ok",
    length_bound: int = LONG,
) -> bytes:
    do(
        b,
        f"{instance}.propose",
        {"threshold": threshold, "proposal": call, "length_bound": length_bound},
        signed(who),
        outcome=outcome,
    )
    return call_hash(call)


def vote(
    b: CaseBuilder,
    who: str,
    proposal: bytes,
    index: int,
    approve: bool,
    instance: str = COUNCIL,
    outcome: str = "ok",
) -> None:
    do(
        b,
        f"{instance}.vote",
        {"proposal": proposal, "index": index, "approve": approve},
        signed(who),
        outcome=outcome,
    )


def close(
    b: CaseBuilder,
    proposal: bytes,
    index: int,
    who: str = "ferdie",
    instance: str = COUNCIL,
    outcome: str = "ok",
    length_bound: int = LONG,
) -> None:
    do(
        b,
        f"{instance}.close",
        {"proposal_hash": proposal, "index": index, "length_bound": length_bound},
        signed(who),
        outcome=outcome,
    )


def motion(b: CaseBuilder, proposal: bytes, instance: str = COUNCIL) -> Any:
    col = b.chain.council if instance == COUNCIL else b.chain.technical_committee
    return col.voting.get(proposal)


# --- Collective [COL-3]..[COL-13] ---------------------------------------------------------


@case(
    suite=SUITE, handler="collective", presets=BOTH, clauses=("COL-3", "COL-5", "COL-6", "COL-10")
)
def motion_passes_and_enacts(b: CaseBuilder) -> None:
    """Alice proposes a registry call with threshold 2; Bob and Alice vote aye; anyone closes it
    early: `Closed{2, 0}`, `Approved`, `Executed{ok}`, and the call ran with `Members(2, 3)`,
    more than half of the Council, so the pRuntime hash is allowed."""
    council_setup(b)
    h = propose(b, "alice", pruntime(1))
    expect(motion(b, h).end == 1 + b.config.council.motion_duration, "end = now + MotionDuration")
    vote(b, "bob", h, 0, True)
    vote(b, "alice", h, 0, True)
    close(b, h, 0)
    b.observe("collective", COUNCIL)
    expect(b"pruntime-1" in b.chain.registry.pruntime_allowlist, "the call enacted")
    expect(motion(b, h) is None and not b.chain.council.proposals, "the motion removed")
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-4", "COL-10"))
def low_threshold_executes_at_once(b: CaseBuilder) -> None:
    """A threshold below 2 executes at once with `Members(1, seats)`, nothing is stored: on a
    3-seat Council the registry call fails its origin check (`Executed{BadOrigin}`) though
    `propose` succeeds; once root makes the Council a single seat, a threshold-0 motion enacts
    the call (1 of 1 is more than half)."""
    council_setup(b)
    propose(b, "alice", pruntime(1), threshold=1)
    expect(
        b.last_events[-1].fields[-1] == ("result", "BadOrigin")
        and not b.chain.council.proposals
        and b.chain.registry.pruntime_allowlist == (),
        "nothing stored, nothing enacted",
    )
    do(
        b,
        "Council.set_members",
        {"new_members": ids(b, "alice"), "prime": None, "old_count": 3},
        root(),
    )
    propose(b, "alice", pruntime(2), threshold=0)
    expect(b.chain.registry.pruntime_allowlist == (b"pruntime-2",), "1 of 1 is more than half")
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-3",))
def propose_errors_in_order(b: CaseBuilder) -> None:
    """`propose` checks the origin, membership, the length bound, duplicates, then the number of
    open motions: root gets `BadOrigin`; a non-member with a too-long call `NotMember`; a member
    with a too-long duplicate `WrongProposalLength`; a duplicate when the queue is full
    `DuplicateProposal`; a fifth motion `TooManyProposals` (MaxProposals 4 on minimal)."""
    council_setup(b)
    first = pruntime(1)
    length = len(decode_call(first).encoded)
    propose(b, "alice", first)
    do(
        b,
        "Council.propose",
        {"threshold": 2, "proposal": first, "length_bound": LONG},
        root(),
        outcome="BadOrigin",
    )
    propose(b, "dave", first, outcome="Council.NotMember", length_bound=0)
    propose(b, "bob", first, outcome="Council.WrongProposalLength", length_bound=length - 1)
    propose(b, "bob", first, outcome="Council.DuplicateProposal", length_bound=length)
    for n in (2, 3, 4):
        propose(b, "bob", pruntime(n))
    propose(b, "charlie", first, outcome="Council.DuplicateProposal")
    propose(b, "charlie", pruntime(5), outcome="Council.TooManyProposals")
    expect(b.chain.council.proposal_count == 4, "four motions, indices 0..3")
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-5",))
def vote_errors_and_switching(b: CaseBuilder) -> None:
    """`vote` checks membership, the motion, its index, then duplicates: `NotMember`,
    `ProposalMissing`, `WrongIndex`, `DuplicateVote`. Switching sides moves the voter with
    `swap_remove`: nays [alice, bob, charlie], alice switches, nays become [charlie, bob]."""
    council_setup(b, members=("alice", "bob", "charlie", "dave"), council={"max_members": 10})
    h = propose(b, "alice", pruntime(1), threshold=4)
    missing = call_hash(pruntime(2))
    vote(b, "eve", missing, 7, True, outcome="Council.NotMember")
    vote(b, "alice", missing, 0, True, outcome="Council.ProposalMissing")
    vote(b, "alice", h, 1, True, outcome="Council.WrongIndex")
    for who in ("alice", "bob", "charlie"):
        vote(b, who, h, 0, False)
    vote(b, "bob", h, 0, False, outcome="Council.DuplicateVote")
    vote(b, "alice", h, 0, True)
    votes = motion(b, h)
    expect(
        votes.ayes == tuple(ids(b, "alice")) and votes.nays == tuple(ids(b, "charlie", "bob")),
        "ayes [alice], nays [charlie, bob] after the swap_remove",
    )
    vote(b, "alice", h, 0, True, outcome="Council.DuplicateVote")
    b.observe("motion", COUNCIL, h)
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-6",))
def close_early_and_too_early(b: CaseBuilder) -> None:
    """Threshold 3 of 4: after one aye the motion is open and `close` fails with `TooEarly`;
    after two nays it cannot pass any more (4 - 2 < 3) and closes early, disapproved. `close`
    checks the motion (`ProposalMissing`) before the index (`WrongIndex`), and any signed
    account may close, root may not (`BadOrigin`)."""
    council_setup(b, members=("alice", "bob", "charlie", "dave"))
    h = propose(b, "alice", pruntime(1), threshold=3)
    vote(b, "alice", h, 0, True)
    close(b, h, 0, outcome="Council.TooEarly")
    close(b, call_hash(pruntime(2)), 5, outcome="Council.ProposalMissing")
    close(b, h, 1, outcome="Council.WrongIndex")
    do(
        b,
        "Council.close",
        {"proposal_hash": h, "index": 0, "length_bound": LONG},
        root(),
        outcome="BadOrigin",
    )
    vote(b, "bob", h, 0, False)
    vote(b, "charlie", h, 0, False)
    close(b, h, 0)
    expect(last_events(b) == ["Council.Closed", "Council.Disapproved"], "Closed, Disapproved")
    expect(b.chain.registry.pruntime_allowlist == (), "not enacted")
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-6", "COL-7"))
def prime_default_vote(b: CaseBuilder) -> None:
    """After the end, abstentions follow the prime (4 seats, threshold 3). Motion 0: prime alice
    aye, bob nay, two abstain: yes = 1 + 2 = 3, approved (`Closed{3, 1}`). Motion 1: bob aye,
    the prime did not vote: the abstentions are nays, disapproved. Motion 2: the prime's aye
    carries it, and only this approve path checks the length bound (`WrongProposalLength`)."""
    b.genesis(governance={"council": ["alice", "bob", "charlie", "dave"]})
    b.initialize_block()
    do(
        b,
        "Council.set_members",
        {
            "new_members": ids(b, "alice", "bob", "charlie", "dave"),
            "prime": b.account("alice"),
            "old_count": 4,
        },
        root(),
    )
    h0 = propose(b, "bob", pruntime(1), threshold=3)
    h1 = propose(b, "bob", pruntime(2), threshold=3)
    h2 = propose(b, "bob", pruntime(3), threshold=3)
    vote(b, "alice", h0, 0, True)
    vote(b, "bob", h0, 0, False)
    vote(b, "bob", h1, 1, True)
    vote(b, "alice", h2, 2, True)
    b.next_block(number=1 + b.config.council.motion_duration)
    close(b, h0, 0)
    expect(
        b.last_events[0].fields == (("proposal_hash", h0), ("yes", 3), ("no", 1)),
        "Closed{yes: 3, no: 1} after the default votes",
    )
    close(b, h1, 1)
    expect(last_events(b)[-1] == "Council.Disapproved", "no prime aye: disapproved")
    close(b, h2, 2, outcome="Council.WrongProposalLength", length_bound=1)
    close(b, h2, 2)
    expect(b.chain.registry.pruntime_allowlist == (b"pruntime-1", b"pruntime-3"), "motions 0, 2")
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-8",))
def disapprove_proposal_by_root(b: CaseBuilder) -> None:
    """Root removes a motion with `disapprove_proposal`; an unknown hash succeeds too and still
    emits `Disapproved`; a member gets `BadOrigin`. Voting on the removed motion fails."""
    council_setup(b)
    h = propose(b, "alice", pruntime(1))
    do(b, "Council.disapprove_proposal", {"proposal_hash": h}, signed("alice"), outcome="BadOrigin")
    do(b, "Council.disapprove_proposal", {"proposal_hash": h}, root())
    do(b, "Council.disapprove_proposal", {"proposal_hash": h}, root())
    expect(last_events(b) == ["Council.Disapproved"], "Disapproved for an unknown hash")
    vote(b, "bob", h, 0, True, outcome="Council.ProposalMissing")
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-9", "COL-10"))
def execute_as_member(b: CaseBuilder) -> None:
    """`execute` dispatches with `Member(who)`: a transfer needs a signed origin, so it fails
    inside (`MemberExecuted{BadOrigin}`) while `execute` succeeds. Non-members get
    `NotMember`, a too small length bound `WrongProposalLength`."""
    council_setup(b)
    transfer = held("Balances.transfer_keep_alive", dest=b.account("bob"), value=1)
    do(
        b,
        "TechnicalCommittee.execute",
        {"proposal": transfer, "length_bound": LONG},
        signed("alice"),
        outcome="TechnicalCommittee.NotMember",
    )
    do(
        b,
        "TechnicalCommittee.execute",
        {"proposal": transfer, "length_bound": 3},
        signed("dave"),
        outcome="TechnicalCommittee.WrongProposalLength",
    )
    do(
        b,
        "TechnicalCommittee.execute",
        {"proposal": transfer, "length_bound": LONG},
        signed("dave"),
    )
    expect(b.last_events[-1].fields[-1] == ("result", "BadOrigin"), "the transfer needs Signed")
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-11", "COL-12", "COL-13"))
def membership_change_removes_votes(b: CaseBuilder) -> None:
    """A Council motion (2 of 3, more than half) sets the Technical Committee's members: the
    wiring of [COL-13]. Root then replaces the Council: the outgoing member's votes leave every
    open motion, the prime is set; a prime that is not a new member fails with
    `PrimeAccountNotMember`; a Council `set_members` by a Council origin, and the Technical
    Committee's by a single Council member (`Member(alice)`), get `BadOrigin`."""
    council_setup(b)
    tc = held(
        "TechnicalCommittee.set_members",
        new_members=ids(b, "ferdie", "eve"),
        prime=b.account("ferdie"),
        old_count=2,
    )
    h = propose(b, "alice", tc)
    vote(b, "alice", h, 0, True)
    vote(b, "bob", h, 0, True)
    other = propose(b, "alice", pruntime(1), threshold=3)
    vote(b, "bob", other, 1, True)
    vote(b, "charlie", other, 1, False)
    close(b, h, 0)
    expect(
        b.chain.technical_committee.members == tuple(sorted(ids(b, "eve", "ferdie"))),
        "the TC's members sorted",
    )
    expect(b.chain.technical_committee.prime == b.account("ferdie"), "the TC's prime")
    new = ids(b, "alice", "charlie", "dave")
    do(
        b,
        "Council.set_members",
        {"new_members": new, "prime": b.account("bob"), "old_count": 3},
        root(),
        outcome="Council.PrimeAccountNotMember",
    )
    do(
        b,
        "Council.set_members",
        {"new_members": new, "prime": None, "old_count": 3},
        collective(COUNCIL, 3, 3),
        outcome="BadOrigin",
    )
    do(
        b,
        "TechnicalCommittee.set_members",
        {"new_members": new, "prime": None, "old_count": 2},
        collective_member(COUNCIL, "alice"),
        outcome="BadOrigin",
    )
    do(
        b,
        "Council.set_members",
        {"new_members": new, "prime": b.account("dave"), "old_count": 0},
        root(),
    )
    votes = motion(b, other)
    expect(votes.ayes == () and votes.nays == tuple(ids(b, "charlie")), "bob's aye removed")
    b.observe("motion", COUNCIL, other)
    b.observe("collective", COUNCIL)
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-10", "COL-13", "TRS-6", "TRS-5"))
def council_proportions_for_treasury(b: CaseBuilder) -> None:
    """Treasury approval needs at least 3/5 of the Council, rejection more than 1/2. With 5
    seats, a 3-aye motion approves (15 >= 15); with 4 seats a 2-aye motion cannot reject
    (4 > 4 is false: `Executed{BadOrigin}`) and a 3-aye one can. A Technical Committee origin
    never counts."""
    council_setup(b, members=("alice", "bob", "charlie", "dave", "eve"))
    do(
        b,
        "Treasury.propose_spend",
        {"value": 100, "beneficiary": b.account("ferdie")},
        signed("ferdie"),
    )
    do(
        b,
        "Treasury.approve_proposal",
        {"proposal_id": 0},
        collective(COUNCIL, 2, 5),
        outcome="BadOrigin",
    )
    do(
        b,
        "Treasury.approve_proposal",
        {"proposal_id": 0},
        collective(TC, 5, 5),
        outcome="BadOrigin",
    )
    approve = held("Treasury.approve_proposal", proposal_id=0)
    h = propose(b, "alice", approve, threshold=3)
    for who in ("alice", "bob", "charlie"):
        vote(b, who, h, 0, True)
    close(b, h, 0)
    expect(b.chain.treasury.approvals == (0,), "approved with 3 of 5")
    do(
        b,
        "Treasury.propose_spend",
        {"value": 100, "beneficiary": b.account("ferdie")},
        signed("ferdie"),
    )
    do(
        b,
        "Council.set_members",
        {"new_members": ids(b, "alice", "bob", "charlie", "dave"), "prime": None, "old_count": 5},
        root(),
    )
    reject = held("Treasury.reject_proposal", proposal_id=1)
    h = propose(b, "alice", reject, threshold=2)
    vote(b, "alice", h, 1, True)
    vote(b, "bob", h, 1, True)
    close(b, h, 1)
    expect(b.last_events[-1].fields[-1] == ("result", "BadOrigin"), "2 of 4 is not more than half")
    h = propose(b, "alice", reject, threshold=3)
    for who in ("alice", "bob", "charlie"):
        vote(b, who, h, 2, True)
    close(b, h, 2)
    expect(1 not in b.chain.treasury.proposals, "rejected with 3 of 4")
    b.observe("treasury")
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-3", "COL-5", "COL-6"))
def technical_committee_motion(b: CaseBuilder) -> None:
    """The Technical Committee is a second instance with its own storage and codes: its motion
    index starts at 0 whatever the Council did, a Council member is `TechnicalCommittee.NotMember`,
    and its passed motion dispatches with a `TechnicalCommittee` origin, which the registry
    refuses (`Executed{BadOrigin}`)."""
    council_setup(b)
    propose(b, "alice", pruntime(1))
    h = propose(b, "dave", pruntime(1), instance=TC)
    vote(b, "alice", h, 0, True, instance=TC, outcome="TechnicalCommittee.NotMember")
    vote(b, "dave", h, 0, True, instance=TC)
    vote(b, "eve", h, 0, True, instance=TC)
    close(b, h, 0, instance=TC)
    expect(
        b.last_events[-1].name == "TechnicalCommittee.Executed"
        and b.last_events[-1].fields[-1] == ("result", "BadOrigin"),
        "the registry wants the Council",
    )
    b.observe("collective", TC)
    b.finalize_block()


@case(suite=SUITE, handler="collective", clauses=("COL-3", "COL-5", "COL-6", "COL-12"))
def technical_committee_errors(b: CaseBuilder) -> None:
    """The Technical Committee's own error codes, in the same check order as the Council's:
    `DuplicateProposal`, `TooManyProposals`, `ProposalMissing`, `WrongIndex`, `DuplicateVote`,
    `TooEarly` and, from `set_members` by more than half of the Council,
    `PrimeAccountNotMember`."""
    council_setup(b)
    first = propose(b, "dave", pruntime(1), threshold=2, instance=TC)
    propose(b, "eve", pruntime(1), instance=TC, outcome="TechnicalCommittee.DuplicateProposal")
    for n in (2, 3, 4):
        propose(b, "eve", pruntime(n), instance=TC)
    propose(b, "eve", pruntime(5), instance=TC, outcome="TechnicalCommittee.TooManyProposals")
    vote(
        b,
        "dave",
        call_hash(pruntime(5)),
        0,
        True,
        instance=TC,
        outcome="TechnicalCommittee.ProposalMissing",
    )
    vote(b, "dave", first, 3, True, instance=TC, outcome="TechnicalCommittee.WrongIndex")
    vote(b, "dave", first, 0, True, instance=TC)
    vote(b, "dave", first, 0, True, instance=TC, outcome="TechnicalCommittee.DuplicateVote")
    close(b, first, 0, instance=TC, outcome="TechnicalCommittee.TooEarly")
    do(
        b,
        "TechnicalCommittee.set_members",
        {"new_members": ids(b, "dave"), "prime": b.account("eve"), "old_count": 2},
        collective(COUNCIL, 2, 3),
        outcome="TechnicalCommittee.PrimeAccountNotMember",
    )
    do(
        b,
        "TechnicalCommittee.set_members",
        {"new_members": ids(b, "dave"), "prime": b.account("dave"), "old_count": 2},
        collective(COUNCIL, 2, 3),
    )
    expect(motion(b, first, TC).ayes == tuple(ids(b, "dave")), "dave stays, his aye too")
    b.observe("collective", TC)
    b.finalize_block()


@case(
    suite=SUITE,
    handler="wiring",
    clauses=("COL-6", "COL-10", "COL-13", "CHAIN-12", "DEM-15", "DEM-16", "TRS-7", "TRS-9"),
)
def council_referendum_treasury(b: CaseBuilder) -> None:
    """Governance end to end, through real motions. Three of the four councillors pass a motion
    that queues a simple-majority external proposal (Democracy needs at least 3/4 of the Council);
    both Technical Committee members pass a motion that fast-tracks it with a 2-block vote (2/3
    of the committee); bob votes aye; the referendum passes at block 3 and its call, a treasury
    spend, is enacted as root at block 4 (`SpendApproved`); at the spend period (block 8) the
    treasury pays ferdie."""
    people = ("alice", "bob", "charlie", "dave", "eve", "ferdie", "foundation")
    b.genesis(
        balances=[(n, 1_000) for n in people],
        governance={
            "council": ["alice", "bob", "charlie", "dave"],
            "technical_committee": ["eve", "ferdie"],
        },
    )
    b.initialize_block()
    fund_pot(b, 500)
    spend = held("Treasury.spend", amount=200, beneficiary=b.account("ferdie"))
    external = held("Democracy.external_propose_majority", proposal=spend)
    h = propose(b, "alice", external, threshold=3)
    for who in ("alice", "bob", "charlie"):
        vote(b, who, h, 0, True)
    close(b, h, 0)
    expect(b.last_events[-1].fields[-1] == ("result", "ok"), "3 of 4 may queue it")
    fast = held("Democracy.fast_track", proposal_hash=call_hash(spend), voting_period=2, delay=0)
    h = propose(b, "eve", fast, instance=TC)
    vote(b, "eve", h, 0, True, instance=TC)
    vote(b, "ferdie", h, 0, True, instance=TC)
    close(b, h, 0, instance=TC)
    expect(b.last_events[-1].fields[-1] == ("result", "ok"), "2 of 2 may fast-track it")
    do(
        b,
        "Democracy.vote",
        {
            "ref_index": 0,
            "vote": {"kind": "Standard", "aye": True, "conviction": 1, "balance": 100},
        },
        signed("bob"),
    )
    for number in (2, 3, 4):
        b.next_block(number=number)
    expect(
        b.chain.treasury.approvals == (0,) and "Treasury.SpendApproved" in last_events(b),
        "the referendum enacted the spend at block 4",
    )
    free = b.chain.system.accounts[b.account("ferdie")].data.free
    b.next_block(number=b.config.treasury.spend_period)
    expect(b.chain.system.accounts[b.account("ferdie")].data.free == free + 200, "ferdie paid")
    b.observe("treasury")
    b.observe("balance", b.account("ferdie"))
    b.finalize_block()


def membership(
    b: CaseBuilder, name: str, args: dict[str, Any], origin: dict[str, Any], *, outcome: str = "ok"
) -> None:
    do(b, f"TechnicalMembership.{name}", args, origin, outcome=outcome)


@case(suite=SUITE, handler="membership", clauses=("COL-14", "COL-11", "COL-13"))
def membership_changes_reach_the_committee(b: CaseBuilder) -> None:
    """`TechnicalMembership` keeps the committee's members: a Council majority adds ferdie; root
    sets dave as prime; removing eve takes her aye off the open motion and keeps the prime;
    adding someone clears the committee's prime but not the membership's (no rejig); swapping
    rejigs it back. Errors in order: `BadOrigin` first, then `AlreadyMember`, `NotMember`,
    `TooManyMembers` (10 on minimal)."""
    council_setup(b)
    h = propose(b, "dave", pruntime(1), threshold=3, instance=TC)
    vote(b, "eve", h, 0, True, instance=TC)
    membership(b, "add_member", {"who": b.account("ferdie")}, signed("alice"), outcome="BadOrigin")
    membership(b, "add_member", {"who": b.account("ferdie")}, collective(COUNCIL, 2, 3))
    membership(
        b,
        "add_member",
        {"who": b.account("ferdie")},
        root(),
        outcome="TechnicalMembership.AlreadyMember",
    )
    membership(
        b, "set_prime", {"who": b.account("alice")}, root(), outcome="TechnicalMembership.NotMember"
    )
    membership(b, "set_prime", {"who": b.account("dave")}, root())
    membership(b, "remove_member", {"who": b.account("eve")}, root())
    expect(
        motion(b, h, TC).ayes == () and b.chain.technical_committee.prime == b.account("dave"),
        "eve's aye gone, dave still prime",
    )
    membership(
        b,
        "remove_member",
        {"who": b.account("eve")},
        root(),
        outcome="TechnicalMembership.NotMember",
    )
    membership(b, "add_member", {"who": b.account("eve")}, root())
    expect(
        b.chain.technical_committee.prime is None
        and b.chain.technical_membership.prime == b.account("dave"),
        "no rejig on add",
    )
    membership(
        b,
        "swap_member",
        {"remove": b.account("eve"), "add": b.account("ferdie")},
        root(),
        outcome="TechnicalMembership.AlreadyMember",
    )
    membership(b, "swap_member", {"remove": b.account("eve"), "add": b.account("alice")}, root())
    expect(b.chain.technical_committee.prime == b.account("dave"), "the swap rejigs the prime")
    crowd = [b.account(f"member{i}") for i in range(11)]
    membership(
        b, "reset_members", {"members": crowd}, root(), outcome="TechnicalMembership.TooManyMembers"
    )
    b.observe("collective", TC)
    b.finalize_block()


@case(suite=SUITE, handler="membership", clauses=("COL-14",))
def change_key_and_reset(b: CaseBuilder) -> None:
    """`change_key`: the prime hands over its seat and the prime with it; another member's change
    leaves the committee without a prime (only the changer's prime is told again). A
    non-member gets `NotMember`, a key already seated `AlreadyMember`, the same key only
    `KeyChanged`. `reset_members` replaces everyone, drops the prime not among them;
    `clear_prime` clears both."""
    council_setup(b)
    membership(b, "set_prime", {"who": b.account("dave")}, root())
    membership(
        b,
        "change_key",
        {"new": b.account("ferdie")},
        signed("alice"),
        outcome="TechnicalMembership.NotMember",
    )
    membership(
        b,
        "change_key",
        {"new": b.account("eve")},
        signed("dave"),
        outcome="TechnicalMembership.AlreadyMember",
    )
    membership(b, "change_key", {"new": b.account("dave")}, signed("dave"))
    membership(b, "change_key", {"new": b.account("ferdie")}, signed("dave"))
    expect(
        b.chain.technical_committee.prime == b.account("ferdie")
        and b.chain.technical_membership.prime == b.account("ferdie"),
        "the prime moves along",
    )
    membership(b, "change_key", {"new": b.account("charlie")}, signed("eve"))
    expect(
        b.chain.technical_committee.prime is None
        and b.chain.technical_membership.prime == b.account("ferdie"),
        "not told again",
    )
    membership(b, "reset_members", {"members": ids(b, "alice", "bob")}, root())
    expect(
        b.chain.technical_membership.prime is None
        and b.chain.technical_committee.members == tuple(sorted(ids(b, "alice", "bob"))),
        "the prime was not kept",
    )
    membership(b, "set_prime", {"who": b.account("bob")}, root())
    membership(b, "clear_prime", {}, collective(COUNCIL, 1, 3), outcome="BadOrigin")
    membership(b, "clear_prime", {}, root())
    expect(b.chain.technical_committee.prime is None, "cleared")
    b.finalize_block()


# --- Elections [ELE-3]..[ELE-16] ------------------------------------------------------------


def elections_setup(
    b: CaseBuilder, extra: Sequence[tuple[str, int]] = (), **governance: Any
) -> None:
    endowed = [(n, 1_000) for n in ("alice", "bob", "charlie", "dave", "eve", "ferdie")]
    b.genesis(balances=[*endowed, *extra], governance=governance or None)
    b.initialize_block()


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


@case(suite=SUITE, handler="elections", clauses=("ELE-6",))
def candidacy_errors_in_order(b: CaseBuilder) -> None:
    """`submit_candidacy` checks the witness (`InvalidWitnessData`), the limit
    (`TooManyCandidates`, 5 on minimal), duplicates (`DuplicatedCandidate`), members
    (`MemberSubmit`), runners-up (`RunnerUpSubmit`) and the bond
    (`InsufficientCandidateFunds`); the bond is reserved and candidates are kept in id order."""
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
    expect(
        [c for c, _ in b.chain.elections.candidates]
        == sorted(ids(b, "bob", "charlie", "dave", "eve", "ferdie")),
        "sorted by id",
    )
    candidacy(b, "c1", outcome="PhragmenElection.TooManyCandidates")
    b.observe("balance", b.account("bob"))
    b.finalize_block()


@case(suite=SUITE, handler="elections", clauses=("ELE-6", "ELE-14"))
def runner_up_cannot_stand(b: CaseBuilder) -> None:
    """After an election seats two members and a runner-up, the runner-up's candidacy fails
    with `RunnerUpSubmit` and a member's with `MemberSubmit`."""
    elections_setup(b)
    for who in ("alice", "bob", "charlie"):
        candidacy(b, who)
    ele_vote(b, "dave", ["alice", "bob", "charlie"], 300)
    ele_vote(b, "eve", ["alice", "bob"], 200)
    term_end(b)
    expect(
        members(b) == sorted(ids(b, "alice", "bob")) and runners(b) == ids(b, "charlie"),
        "alice and bob seated, charlie runner-up",
    )
    candidacy(b, "charlie", count=0, outcome="PhragmenElection.RunnerUpSubmit")
    candidacy(b, "bob", count=0, outcome="PhragmenElection.MemberSubmit")
    b.finalize_block()


@case(suite=SUITE, handler="elections", clauses=("ELE-4", "ELE-5"))
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
    expect(data.reserved == cfg.voting_bond_base + 2 * cfg.voting_bond_factor, "base + 2 factors")
    expect(b.chain.elections.voting[b.account("dave")].stake == data.free, "stake = free balance")
    ele_vote(b, "dave", ["bob"], 300)
    expect(
        b.chain.system.accounts[b.account("dave")].data.reserved
        == cfg.voting_bond_base + cfg.voting_bond_factor,
        "one factor returned",
    )
    b.observe("locks", b.account("dave"))
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
    b.finalize_block()


@case(suite=SUITE, handler="elections", clauses=("ELE-7", "ELE-9", "ELE-10", "ELE-14", "ELE-16"))
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
    expect(
        members(b) == sorted(ids(b, "alice", "bob")) and runners(b) == ids(b, "dave", "charlie"),
        "members alice, bob; runners-up dave (worst), charlie (best)",
    )
    # Borda: alice 600 * 16 + 400 * 15 = 15600, bob 600 * 15 = 9000.
    expect(b.chain.council.prime == b.account("alice"), "alice is the prime")
    expect(list(b.chain.council.members) == members(b), "the Council follows")
    b.observe("elections")
    b.observe("collective", COUNCIL)
    first = b.chain.elections
    term_end(b)
    expect(
        b.chain.elections.members == first.members
        and b.chain.elections.runners_up == first.runners_up
        and b.chain.elections.election_rounds == 2,
        "the same set again",
    )
    expect("PhragmenElection.CandidateSlashed" not in last_events(b), "no bond lost")
    # v2 stands with 1600 of approval and is elected first; v1 left dave, who has no approval
    # any more and is not among the four elected: it loses its bond.
    candidacy(b, "v2")
    ele_vote(b, "v1", ["v2"], 800)
    ele_vote(b, "v2", ["v2"], 800)
    term_end(b)
    slashed = [
        dict(e.fields) for e in b.last_events if e.name == "PhragmenElection.CandidateSlashed"
    ]
    expect(
        slashed == [{"candidate": b.account("dave"), "amount": b.config.elections.candidacy_bond}],
        "dave loses his bond",
    )
    expect(
        members(b) == sorted(ids(b, "v2", "alice")) and runners(b) == ids(b, "charlie", "bob"),
        "members v2, alice; runners-up charlie, bob (best)",
    )
    expect(
        b.chain.system.accounts[POT].data.free == b.config.elections.candidacy_bond,
        "the bond went to the treasury",
    )
    b.observe("elections")
    b.observe("treasury")
    b.finalize_block()


@case(suite=SUITE, handler="elections", clauses=("ELE-14",))
def empty_term_and_election_error(b: CaseBuilder) -> None:
    """No candidates, members or runners-up: `EmptyTerm`. With more voters than `MaxVoters`
    (8 on minimal) the election does not happen at all: `ElectionError`, candidates stay."""
    extra = [(f"voter{i}", 500) for i in range(9)]
    elections_setup(b, extra=extra)
    term_end(b)
    expect(last_events(b) == ["PhragmenElection.EmptyTerm"], "EmptyTerm")
    candidacy(b, "alice")
    for name, _ in extra:
        ele_vote(b, name, ["alice"], 100)
    term_end(b)
    expect("PhragmenElection.ElectionError" in last_events(b), "ElectionError")
    expect(len(b.chain.elections.candidates) == 1 and not members(b), "nothing changed")
    b.finalize_block()


@case(suite=SUITE, handler="elections", clauses=("ELE-11", "ELE-12"))
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
    expect(best in members(b) and leaving not in members(b), "the best runner-up is seated")
    expect(
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
    expect(b.chain.system.accounts[b.account(name)].data.reserved == 0, "deposit returned")
    b.observe("elections")
    b.finalize_block()


@case(suite=SUITE, handler="elections", clauses=("ELE-12", "ELE-13", "ELE-15", "TRS-3"))
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
    expect(prime == b.account("alice"), "alice has the best Borda score")
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
    expect(
        last_events(b)[-3:]
        == [
            "Treasury.Deposit",
            "PhragmenElection.SeatHolderSlashed",
            "PhragmenElection.MemberKicked",
        ],
        "slash, deposit, kick",
    )
    expect(
        b.chain.council.prime is None and len(members(b)) == 2 and not runners(b),
        "the prime removed; charlie seated",
    )
    do(
        b,
        "PhragmenElection.remove_member",
        {**args, "who": b.account("bob"), "slash_bond": False, "rerun_election": True},
        root(),
    )
    expect(
        last_events(b)[-1] == "PhragmenElection.NewTerm" and members(b) == ids(b, "charlie"),
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
    expect(set(b.chain.elections.voting) == {b.account("eve")}, "ferdie voted only for alice")
    b.observe("elections")
    b.finalize_block()


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
    expect(factor == 54, "factor 54 for 10^9 PHA")
    stakes = {m.who: m.stake for m in b.chain.elections.members}
    expect(
        stakes[b.account("alice")]
        == to_vote(1_000 * unit + 53, issuance) * factor
        == 1_000 * unit + 53 - (1_000 * unit + 53) % 54,
        "rounded down to a multiple of 54",
    )
    expect(b.chain.council.prime == b.account("alice"), "the larger self-vote is the prime")
    b.observe("elections")
    b.finalize_block()


@case(
    suite=SUITE,
    handler="elections",
    presets=("phala",),
    clauses=("ELE-2", "ELE-4", "ELE-6", "ELE-7", "ELE-14", "ELE-16", "TRS-3"),
)
def two_daily_terms_with_production_bonds(b: CaseBuilder) -> None:
    """Phala's parameters: ten candidates (10 PHA bond each), each backed by its own voter
    (79 + 32 cents deposit) with stakes 100, 110, ..., 190 PHA. With no shared voters
    Phragmén elects by approval: the eight best are members, the other two runners-up, the
    better one last; stakes are reported in steps of 54 units (issuance about 10^9 PHA); the
    prime is the best-backed member (16 x stake). The next day the best-backed voter leaves:
    its candidate has no approval, is dropped and loses its bond to the treasury; the best
    runner-up takes the seat and the next-best member becomes prime."""
    unit = 10**12
    cands = [f"cand{i}" for i in range(10)]
    voters = [f"backer{i}" for i in range(10)]
    b.genesis(balances=[("foundation", 10**9 * unit), *((n, 1_000 * unit) for n in cands + voters)])
    b.initialize_block()
    for who in cands:
        candidacy(b, who, count=20)
    for i, (voter, cand) in enumerate(zip(voters, cands, strict=True)):
        ele_vote(b, voter, [cand], (100 + 10 * i) * unit)
    cfg = b.config.elections
    expect(
        b.chain.system.accounts[b.account("backer0")].data.reserved
        == cfg.voting_bond_base + cfg.voting_bond_factor
        == 111 * 10**10,
        "79 + 32 cents",
    )
    b.next_block(number=cfg.term_duration)
    issuance = b.chain.balances.total_issuance
    factor = vote_factor(issuance)
    expect(
        members(b) == sorted(ids(b, *cands[2:])) and runners(b) == ids(b, "cand0", "cand1"),
        "cand2..cand9 seated; cand0 then cand1 (the better) as runners-up",
    )
    stakes = {m.who: m.stake for m in b.chain.elections.members}
    expect(
        all(
            stakes[b.account(c)] == (100 + 10 * i) * unit // factor * factor
            for i, c in enumerate(cands)
            if i >= 2
        ),
        "stakes floored to the factor",
    )
    expect(b.chain.council.prime == b.account("cand9"), "the best-backed member is prime")
    b.observe("elections")
    do(b, "PhragmenElection.remove_voter", {}, signed("backer9"))
    b.next_block(number=2 * cfg.term_duration)
    expect(
        members(b) == sorted(ids(b, *cands[1:9])) and runners(b) == ids(b, "cand0"),
        "cand9 dropped, cand1 seated",
    )
    expect(b.chain.system.accounts[POT].data.free == cfg.candidacy_bond, "cand9's bond in the pot")
    expect(b.chain.council.prime == b.account("cand8"), "cand8 is prime now")
    b.observe("elections")
    b.observe("treasury")
    b.finalize_block()


# --- Treasury [TRS-3]..[TRS-10] -------------------------------------------------------------------


def fund_pot(b: CaseBuilder, amount: int, who: str = "foundation") -> None:
    do(b, "Balances.transfer_allow_death", {"dest": POT, "value": amount}, signed(who))


def treasury_setup(b: CaseBuilder, **treasury: Any) -> None:
    b.genesis(
        balances=[
            (n, 1_000) for n in ("alice", "bob", "charlie", "dave", "eve", "ferdie", "foundation")
        ],
        config={"treasury": treasury} if treasury else None,
    )
    b.initialize_block()


@case(suite=SUITE, handler="treasury", presets=BOTH, clauses=("TRS-4", "TRS-5", "TRS-3"))
def propose_and_reject(b: CaseBuilder) -> None:
    """The bond is the larger of the minimum and 5% of the value; a proposer who cannot reserve
    it gets `InsufficientProposersBalance`. Rejection slashes the bond into the pot
    (`Treasury.Deposit`, `Rejected`); rejecting again gives `InvalidIndex`; a signed origin
    gets `BadOrigin`, even for an unknown index (the origin is checked first)."""
    b.initialize_block()
    cfg = b.config.treasury
    free = b.chain.system.accounts[b.account("alice")].data.free
    small, large = cfg.proposal_bond_minimum, 100 * cfg.proposal_bond_minimum
    do(
        b,
        "Treasury.propose_spend",
        {"value": small, "beneficiary": b.account("bob")},
        signed("alice"),
    )
    do(
        b,
        "Treasury.propose_spend",
        {"value": large, "beneficiary": b.account("bob")},
        signed("alice"),
    )
    proposals = b.chain.treasury.proposals
    expect(
        proposals[0].bond == cfg.proposal_bond_minimum and proposals[1].bond == 5 * small,
        "the minimum, then 5% of 100 minimums",
    )
    do(
        b,
        "Treasury.propose_spend",
        {"value": 40 * free, "beneficiary": b.account("bob")},
        signed("alice"),
        outcome="Treasury.InsufficientProposersBalance",
    )
    do(b, "Treasury.reject_proposal", {"proposal_id": 9}, signed("alice"), outcome="BadOrigin")
    do(b, "Treasury.reject_proposal", {"proposal_id": 1}, signed("alice"), outcome="BadOrigin")
    do(b, "Treasury.reject_proposal", {"proposal_id": 1}, root())
    expect(b.chain.system.accounts[POT].data.free == 5 * small, "the bond is in the pot")
    do(b, "Treasury.reject_proposal", {"proposal_id": 1}, root(), outcome="Treasury.InvalidIndex")
    b.observe("treasury")
    b.observe("balance", b.account("alice"))
    b.finalize_block()


@case(suite=SUITE, handler="treasury", clauses=("TRS-6", "TRS-9"))
def spend_period_pays_in_order(b: CaseBuilder) -> None:
    """Pot 500 (spendable 490 above the existential deposit). Approved in order: 300, 400, 100.
    At the spend period 300 is paid, 400 is missed (190 left), 100 is paid; no burn since one
    was missed; the 400 stays approved and is paid at the next period once the pot is refilled.
    Approving an unknown index fails with `InvalidIndex`."""
    treasury_setup(b)
    fund_pot(b, 500)
    for value in (300, 400, 100):
        do(
            b,
            "Treasury.propose_spend",
            {"value": value, "beneficiary": b.account("eve")},
            signed("bob"),
        )
    for index in (0, 1, 2):
        do(b, "Treasury.approve_proposal", {"proposal_id": index}, root())
    do(b, "Treasury.approve_proposal", {"proposal_id": 7}, root(), outcome="Treasury.InvalidIndex")
    period = b.config.treasury.spend_period
    b.next_block(number=period)
    awarded = [e.fields[0][1] for e in b.last_events if e.name == "Treasury.Awarded"]
    expect(awarded == [0, 2], "0 and 2 paid, 1 missed")
    expect("Treasury.Burnt" not in last_events(b), "no burn when one was missed")
    expect(b.chain.treasury.approvals == (1,), "1 stays approved")
    fund_pot(b, 400)
    b.next_block(number=2 * period)
    expect(
        b.chain.treasury.approvals == ()
        and b.chain.system.accounts[b.account("eve")].data.free == 1_000 + 800,
        "all paid",
    )
    b.observe("treasury")
    b.observe("balance", POT)
    b.finalize_block()


@case(suite=SUITE, handler="treasury", clauses=("TRS-7", "TRS-8", "TRS-9", "TRS-10"))
def spend_remove_approval_and_burn(b: CaseBuilder) -> None:
    """With a 10% burn (an override; Phala burns nothing): `spend` queues a bond-less spend
    (`SpendApproved`), up to `MaxApprovals` (3 on minimal, then `TooManyApprovals`; approving
    checks the origin, then the index, then the room);
    `remove_approval` takes one out (`ProposalNotApproved` if absent); at the period the
    queued spends are paid, nothing is missed, and 10% of the rest is burnt, leaving the
    issuance. `UpdatedInactive` reports the pot whenever it changed."""
    treasury_setup(b, burn=100_000)
    fund_pot(b, 610)
    for value in (100, 200, 300):
        do(
            b,
            "Treasury.spend",
            {"amount": value, "beneficiary": b.account("dave")},
            collective(COUNCIL, 2, 3),
        )
    do(
        b,
        "Treasury.spend",
        {"amount": 1, "beneficiary": b.account("dave")},
        root(),
        outcome="Treasury.TooManyApprovals",
    )
    do(b, "Treasury.approve_proposal", {"proposal_id": 7}, signed("dave"), outcome="BadOrigin")
    do(b, "Treasury.approve_proposal", {"proposal_id": 7}, root(), outcome="Treasury.InvalidIndex")
    do(
        b,
        "Treasury.approve_proposal",
        {"proposal_id": 0},
        root(),
        outcome="Treasury.TooManyApprovals",
    )
    do(b, "Treasury.remove_approval", {"proposal_id": 1}, signed("dave"), outcome="BadOrigin")
    do(b, "Treasury.remove_approval", {"proposal_id": 1}, root())
    do(
        b,
        "Treasury.remove_approval",
        {"proposal_id": 1},
        root(),
        outcome="Treasury.ProposalNotApproved",
    )
    issuance = b.chain.balances.total_issuance
    b.next_block(number=b.config.treasury.spend_period)
    expect(last_events(b)[0] == "Treasury.UpdatedInactive", "the pot changed since genesis")
    # spendable 600; pays 100 and 300; 200 left; burn 10% = 20
    expect(b.chain.balances.total_issuance == issuance - 20, "20 burnt")
    expect(b.last_events[-1].fields == (("rollover_balance", 180),), "180 rolls over")
    b.observe("treasury")
    b.observe("total_issuance")
    b.finalize_block()
