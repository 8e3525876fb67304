"""Authored vectors for democracy and the scheduler [DEM-1]..[DEM-27] [SCH-1]..[SCH-4].

Every case is written against ``spec/democracy.md``: each call states the
outcome the rules give, and fill-time checks recompute what the rules say
(tallies, thresholds with exact fractions, deposits, locks) independently of
the reference's own functions. Most cases use the ``minimal`` preset (launch
and voting periods of 5 blocks, enactment and lock periods of 3); the
lifecycle of a referendum that enacts a transfer also runs with Phala's
parameters. Block numbers skip: a gap stands for empty blocks whose hooks
ran [SCH-4].

Handlers: ``proposals`` (propose, second), ``launch`` (alternation, ties),
``voting`` (vote checks, tallies and thresholds, origins), ``locks``
(removal and unlock), ``delegation``, ``external`` (external proposals,
fast-track, veto), ``cancellation`` (emergency cancel, cancel, blacklist,
clearing), ``enactment`` (whole lifecycles) and ``scheduler`` (agendas).
"""

from __future__ import annotations

from fractions import Fraction
from math import isqrt
from typing import Any

from phala_spec.chain.democracy_state import Direct, Finished, Ongoing, Tally
from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    account_id,
    case,
    collective,
    collective_member,
    default_randomness,
    root,
    signed,
)
from phala_spec.pallets.governance.treasury import POT
from phala_spec.runtime.calls import decode_call
from phala_spec.steps import apply_step

SUITE = "governance"
BOTH_PRESETS = ("minimal", "phala")

PROPOSE = "Democracy.propose"
SECOND = "Democracy.second"
VOTE = "Democracy.vote"
DELEGATE = "Democracy.delegate"
UNDELEGATE = "Democracy.undelegate"
EXTERNAL = "Democracy.external_propose"
EXTERNAL_MAJORITY = "Democracy.external_propose_majority"
EXTERNAL_DEFAULT = "Democracy.external_propose_default"
FAST_TRACK = "Democracy.fast_track"
VETO = "Democracy.veto_external"
REMOVE_VOTE = "Democracy.remove_vote"
REMOVE_OTHER = "Democracy.remove_other_vote"
UNLOCK = "Democracy.unlock"


# --- Helpers ------------------------------------------------------------------------------


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AuthoringError(f"the rules give {what}")


def run(b: CaseBuilder, step: dict[str, Any]) -> list[dict[str, Any]]:
    """Record a step and return its events (plain data), as a runner will see them."""
    report = apply_step(b.state, step).report()
    b.step(step)
    events: list[dict[str, Any]] = report["events"]
    return events


def dem(
    b: CaseBuilder, name: str, args: dict[str, Any], origin: dict[str, Any], outcome: str = "ok"
) -> list[dict[str, Any]]:
    """Apply a call, check its outcome (a rejection must leave the state as it was); its events."""
    before = b.chain
    events = run(b, {"kind": "call", "origin": origin, "call": name, "args": args})
    b.expect_outcome(outcome)
    if outcome != "ok":
        check(b.chain == before, f"{name} rejected with {outcome} changes nothing")
    return events


def transfer(dest: str, value: int, source: str = "alice") -> dict[str, Any]:
    """A held ``Balances.force_transfer`` (root only): what the referenda below enact."""
    return {
        "call": "Balances.force_transfer",
        "args": {"source": account_id(source), "dest": account_id(dest), "value": value},
    }


def call_hash(call: dict[str, Any]) -> bytes:
    return decode_call(call).hash


def standard(aye: bool, conviction: int, balance: int) -> dict[str, Any]:
    return {"kind": "Standard", "aye": aye, "conviction": conviction, "balance": balance}


def split(aye: int, nay: int) -> dict[str, Any]:
    return {"kind": "Split", "aye": aye, "nay": nay}


def at(b: CaseBuilder, number: int) -> list[dict[str, Any]]:
    """Close the open block (if any), open block ``number`` (12 s per block); its events."""
    if b.chain.system.in_block:
        b.finalize_block()
    return run(
        b,
        {
            "kind": "initialize_block",
            "number": number,
            "timestamp": number * b.config.block_time_ms,
            "randomness": default_randomness(number),
        },
    )


def names(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events]


def ongoing(b: CaseBuilder, index: int) -> Ongoing:
    info = b.chain.democracy.referendum_info.get(index)
    if not isinstance(info, Ongoing):
        raise AuthoringError(f"referendum {index} should be ongoing, it is {info!r}")
    return info


def finished(b: CaseBuilder, index: int) -> bool:
    info = b.chain.democracy.referendum_info.get(index)
    if not isinstance(info, Finished):
        raise AuthoringError(f"referendum {index} should be finished, it is {info!r}")
    return info.approved


def passes(threshold: str, tally: Tally, electorate: int) -> bool:
    """[DEM-7] with Python fractions: the independent statement of the thresholds."""
    sv, se = isqrt(tally.turnout), isqrt(electorate)
    if sv == 0:
        return False
    if threshold == "SuperMajorityApprove":
        return Fraction(tally.nays, sv) < Fraction(tally.ayes, se)
    if threshold == "SuperMajorityAgainst":
        return Fraction(tally.nays, se) < Fraction(tally.ayes, sv)
    return tally.ayes > tally.nays


def instant_referendum(
    b: CaseBuilder,
    call: dict[str, Any],
    voting_period: int,
    delay: int = 0,
    kind: str = EXTERNAL_MAJORITY,
) -> int:
    """Root queues ``call`` as a simple-majority external proposal and fast-tracks it [DEM-15] [DEM-16]."""
    dem(b, kind, {"proposal": call}, root())
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": call_hash(call), "voting_period": voting_period, "delay": delay},
        root(),
    )
    return b.chain.democracy.referendum_count - 1


def lock_of(b: CaseBuilder, who: str) -> int:
    for lock in b.chain.balances.locks.get(b.account(who), ()):
        if lock.id == b"democrac":
            return lock.amount
    return 0


def reserved(b: CaseBuilder, who: str) -> int:
    data = b.chain.system.accounts.get(b.account(who))
    return 0 if data is None else data.data.reserved


# --- Proposals [DEM-4] [DEM-5] ---------------------------------------------------------------


@case(suite=SUITE, handler="proposals", clauses=("DEM-3", "DEM-4", "DEM-22"))
def propose_errors_in_order(b: CaseBuilder) -> None:
    """`propose` checks the origin, then `ValueLow`, then `TooMany`, then the blacklist, then
    the reserve: each case below is built so that every later check would fail too."""
    at(b, 1)
    banned = transfer("bob", 1)
    dem(
        b,
        "Democracy.blacklist",
        {"proposal_hash": call_hash(banned), "maybe_ref_index": None},
        root(),
    )
    dem(b, PROPOSE, {"proposal": banned, "value": 5_000}, root(), "BadOrigin")
    dem(b, PROPOSE, {"proposal": banned, "value": 9}, signed("alice"), "Democracy.ValueLow")
    dem(
        b,
        PROPOSE,
        {"proposal": banned, "value": 5_000},
        signed("alice"),
        "Democracy.ProposalBlacklisted",
    )
    dem(
        b,
        PROPOSE,
        {"proposal": transfer("bob", 2), "value": 5_000},
        signed("alice"),
        "Balances.InsufficientBalance",
    )
    for n in range(3):
        dem(b, PROPOSE, {"proposal": transfer("bob", 10 + n), "value": 10 + n}, signed("bob"))
    check(reserved(b, "bob") == 33, "bob reserved 10 + 11 + 12")
    dem(b, PROPOSE, {"proposal": banned, "value": 5_000}, signed("alice"), "Democracy.TooMany")
    dem(b, PROPOSE, {"proposal": banned, "value": 9}, signed("alice"), "Democracy.ValueLow")
    b.finalize_block()


@case(suite=SUITE, handler="proposals", clauses=("DEM-5", "DEM-6"))
def seconds_are_deposits_refunded_per_entry(b: CaseBuilder) -> None:
    """Seconding reserves the proposal's deposit again, once per call (bob twice); a fourth
    depositor is `TooMany` (max 3); an unknown index is `ProposalMissing`. At the launch block
    every depositor entry is unreserved: bob gets two deposits back."""
    at(b, 1)
    dem(b, PROPOSE, {"proposal": transfer("charlie", 5), "value": 40}, signed("alice"))
    dem(b, SECOND, {"proposal": 1}, signed("bob"), "Democracy.ProposalMissing")
    dem(b, SECOND, {"proposal": 0}, signed("bob"))
    dem(b, SECOND, {"proposal": 0}, signed("bob"))
    check(reserved(b, "bob") == 80, "two deposits of 40 reserved from bob")
    dem(b, SECOND, {"proposal": 0}, signed("charlie"), "Democracy.TooMany")
    dem(b, SECOND, {"proposal": 0}, root(), "BadOrigin")
    opened = names(at(b, 5))
    check(reserved(b, "bob") == 0 and reserved(b, "alice") == 0, "every deposit refunded")
    check(opened[:3] == ["Balances.Unreserved"] * 3, "three unreserves, one per entry")
    check(ongoing(b, 0).threshold == "SuperMajorityApprove", "a public referendum")
    b.finalize_block()


# --- Launching [DEM-6] [DEM-18] ----------------------------------------------------------------


@case(suite=SUITE, handler="launch", clauses=("DEM-6", "DEM-18", "DEM-14", "SCH-4"))
def alternation_tie_break_and_swap_remove(b: CaseBuilder) -> None:
    """Three public proposals p0..p2 (backing 10 each, p0 seconded to 20) and later an external one.
    Block 5: nothing external, so the public p0 launches and leaves by swap-remove (queue becomes
    [p2, p1]). Block 10: referendum 0 ends (no turnout: not passed) after referendum 1 starts from
    the tie p2/p1, won by the last maximal entry, p1. Block 15: the external proposal goes first.
    Block 20: after an external launch the public p2 goes first. Block 25: nothing waits and the
    flag stays reset."""
    at(b, 1)
    for n, who in enumerate(("alice", "bob", "charlie")):
        dem(b, PROPOSE, {"proposal": transfer("ferdie", n + 1), "value": 10}, signed(who))
    dem(b, SECOND, {"proposal": 0}, signed("dave"))
    at(b, 5)
    check(ongoing(b, 0).proposal == decode_call(transfer("ferdie", 1)), "p0 launched first")
    check([p.index for p in b.chain.democracy.public_props] == [2, 1], "swap-remove: [p2, p1]")
    opened = names(at(b, 10))
    check(
        opened.index("Democracy.Started") < opened.index("Democracy.NotPassed"),
        "referendum 0 baked after the launch",
    )
    check(ongoing(b, 1).proposal == decode_call(transfer("ferdie", 2)), "tie: the last maximal, p1")
    at(b, 11)
    dem(b, EXTERNAL, {"proposal": transfer("ferdie", 9)}, collective("Council", 1, 3), "BadOrigin")
    dem(b, EXTERNAL, {"proposal": transfer("ferdie", 9)}, collective("Council", 2, 4))
    opened = names(at(b, 15))
    check("Democracy.ExternalTabled" in opened, "external first after a public launch")
    check(b.chain.democracy.last_tabled_was_external, "the flag is set")
    at(b, 20)
    check(ongoing(b, 3).proposal == decode_call(transfer("ferdie", 3)), "then the public p2")
    at(b, 25)
    check(not b.chain.democracy.last_tabled_was_external, "an empty launch leaves the flag reset")
    check(b.chain.democracy.lowest_unbaked == 4, "referenda 0..3 all baked")
    b.finalize_block()


# --- Voting [DEM-7] [DEM-8] [DEM-9] ------------------------------------------------------------


@case(suite=SUITE, handler="voting", clauses=("DEM-9", "DEM-12"))
def vote_errors_in_order(b: CaseBuilder) -> None:
    """`vote` checks: origin, `ReferendumInvalid` (before the balance), `InsufficientFunds`
    (before delegation), `AlreadyDelegating`, and `MaxVotesReached` for a fourth vote (max 3)
    while replacing an existing vote is still allowed."""
    at(b, 1)
    for n in range(4):
        instant_referendum(b, transfer("ferdie", n + 1), voting_period=3)
    dem(b, VOTE, {"ref_index": 0, "vote": standard(True, 1, 10)}, root(), "BadOrigin")
    dem(
        b,
        VOTE,
        {"ref_index": 4, "vote": standard(True, 1, 5_000)},
        signed("alice"),
        "Democracy.ReferendumInvalid",
    )
    dem(b, DELEGATE, {"to": b.account("bob"), "conviction": 1, "balance": 100}, signed("eve"))
    dem(
        b,
        VOTE,
        {"ref_index": 0, "vote": split(900, 200)},
        signed("eve"),
        "Democracy.InsufficientFunds",
    )
    dem(
        b,
        VOTE,
        {"ref_index": 0, "vote": standard(True, 1, 10)},
        signed("eve"),
        "Democracy.AlreadyDelegating",
    )
    for n in range(3):
        dem(b, VOTE, {"ref_index": n, "vote": standard(True, 1, 10)}, signed("alice"))
    dem(
        b,
        VOTE,
        {"ref_index": 3, "vote": standard(True, 1, 10)},
        signed("alice"),
        "Democracy.MaxVotesReached",
    )
    dem(b, VOTE, {"ref_index": 2, "vote": standard(False, 2, 20)}, signed("alice"))
    check(ongoing(b, 2).tally == Tally(0, 40, 20), "the replaced vote is gone from the tally")
    b.finalize_block()


@case(suite=SUITE, handler="voting", clauses=("DEM-7", "DEM-8", "DEM-9", "DEM-10"))
def tallies_and_the_three_thresholds(b: CaseBuilder) -> None:
    """One vote set on three referenda, one per threshold kind, with the electorate 6000
    (isqrt 77): ayes 10 (100 at None) + 3 (split 30/20) + 150 (50 at 3x) = 163, nays 2 + 150
    (50 at 3x) = 152, turnout 250 (isqrt 15). Simple majority passes (163 > 152); super-majority
    approve needs 152/15 < 163/77: fails; super-majority against needs 152/77 < 163/15: passes."""
    at(b, 1)
    dem(b, EXTERNAL, {"proposal": transfer("ferdie", 2)}, root())
    at(b, 5)  # the launch takes the super-majority-approve external proposal: referendum 0
    refs = [
        instant_referendum(b, transfer("ferdie", 1), 5, kind=EXTERNAL_MAJORITY),
        0,
        instant_referendum(b, transfer("ferdie", 3), 5, kind=EXTERNAL_DEFAULT),
    ]
    for ref in refs:
        dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 0, 100)}, signed("alice"))
        dem(b, VOTE, {"ref_index": ref, "vote": split(30, 20)}, signed("bob"))
        dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 3, 50)}, signed("charlie"))
        dem(b, VOTE, {"ref_index": ref, "vote": standard(False, 3, 50)}, signed("dave"))
    expected = Tally(ayes=10 + 3 + 150, nays=2 + 150, turnout=100 + 50 + 50 + 50)
    for ref in refs:
        check(ongoing(b, ref).tally == expected, f"tally of {ref} is {expected}")
    verdicts = {ref: passes(ongoing(b, ref).threshold, expected, 6000) for ref in refs}
    check(list(verdicts.values()) == [True, False, True], "simple, approve, against")
    at(b, 10)
    for ref in refs:
        check(finished(b, ref) == verdicts[ref], f"referendum {ref} baked as the rules say")
    b.finalize_block()


@case(suite=SUITE, handler="voting", clauses=("DEM-7", "DEM-10"))
def no_turnout_never_passes(b: CaseBuilder) -> None:
    """A simple-majority referendum whose only vote is 3 at no conviction: ayes 0, turnout 3,
    isqrt(3) = 1, and 0 > 0 fails; with 9 at no conviction turnout still gives 0 ayes. A single
    aye of 1 at 1x passes (turnout 1, isqrt 1)."""
    at(b, 1)
    r0 = instant_referendum(b, transfer("ferdie", 1), 2)
    r1 = instant_referendum(b, transfer("ferdie", 2), 2)
    dem(b, VOTE, {"ref_index": r0, "vote": standard(True, 0, 9)}, signed("alice"))
    dem(b, VOTE, {"ref_index": r1, "vote": standard(True, 1, 1)}, signed("alice"))
    at(b, 3)
    check(not finished(b, r0) and finished(b, r1), "r0 fails, r1 passes")
    b.finalize_block()


# --- Locks [DEM-11] ----------------------------------------------------------------------------


@case(suite=SUITE, handler="locks", clauses=("DEM-11", "DEM-9", "DEM-20"))
def winning_conviction_lock_outlives_the_vote(b: CaseBuilder) -> None:
    """Referendum 0 (simple majority, ends at 3): alice aye 500 at 2x wins, bob nay 100 at 1x
    loses. While ongoing, only the voter may remove a vote (`NoPermission`). After the end,
    anyone removes bob's losing vote; alice's winning vote is locked until 3 + 3*2 = 9, so
    charlie gets `NoPermission` and alice's own removal leaves a prior lock (9, 500); `unlock`
    at 8 keeps the lock, at 9 removes it. A referendum cancelled after it finished frees its
    votes for anyone to remove."""
    at(b, 1)
    ref = instant_referendum(b, transfer("ferdie", 1), 2)
    dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 2, 500)}, signed("alice"))
    dem(b, VOTE, {"ref_index": ref, "vote": standard(False, 1, 100)}, signed("bob"))
    dem(
        b,
        REMOVE_OTHER,
        {"target": b.account("bob"), "index": ref},
        signed("charlie"),
        "Democracy.NoPermission",
    )
    dem(b, REMOVE_VOTE, {"index": ref}, signed("charlie"), "Democracy.NotVoter")
    dem(
        b,
        REMOVE_OTHER,
        {"target": b.account("charlie"), "index": ref},
        signed("dave"),
        "Democracy.NotVoter",
    )
    check(lock_of(b, "alice") == 500 and lock_of(b, "bob") == 100, "locks extended to the votes")
    at(b, 3)
    check(finished(b, ref), "passed")
    dem(b, REMOVE_OTHER, {"target": b.account("bob"), "index": ref}, signed("charlie"))
    dem(
        b,
        REMOVE_OTHER,
        {"target": b.account("alice"), "index": ref},
        signed("charlie"),
        "Democracy.NoPermission",
    )
    dem(b, REMOVE_VOTE, {"index": ref}, signed("alice"))
    record = b.chain.democracy.voting_of[b.account("alice")]
    check(
        isinstance(record, Direct) and (record.prior.until, record.prior.amount) == (9, 500),
        "prior lock (9, 500)",
    )
    dem(b, UNLOCK, {"target": b.account("bob")}, signed("charlie"))
    check(lock_of(b, "bob") == 0, "bob's lock is gone")
    at(b, 8)
    dem(b, UNLOCK, {"target": b.account("alice")}, signed("charlie"))
    check(lock_of(b, "alice") == 500, "not before block 9")
    at(b, 9)
    dem(b, UNLOCK, {"target": b.account("alice")}, signed("charlie"))
    check(lock_of(b, "alice") == 0, "released at block 9")
    r1 = instant_referendum(b, transfer("ferdie", 2), 2)
    dem(b, VOTE, {"ref_index": r1, "vote": standard(True, 6, 200)}, signed("dave"))
    at(b, 11)
    dem(b, "Democracy.cancel_referendum", {"ref_index": r1}, root())
    dem(b, REMOVE_OTHER, {"target": b.account("dave"), "index": r1}, signed("eve"))
    dem(b, UNLOCK, {"target": b.account("dave")}, signed("eve"))
    check(lock_of(b, "dave") == 0, "a cancelled referendum locks nothing")
    b.finalize_block()


# --- Delegation [DEM-12] [DEM-13] -----------------------------------------------------------------


@case(suite=SUITE, handler="delegation", clauses=("DEM-12", "DEM-13", "DEM-9", "DEM-11"))
def single_level_delegation(b: CaseBuilder) -> None:
    """alice votes aye 300 at 1x; bob delegates 100 at 3x to alice (tally +300 ayes, +100
    turnout); charlie delegates 50 at 1x to bob, who delegates: stored at bob, not passed on.
    Errors: `Nonsense`, `InsufficientFunds`, `VotesExist`, `NotDelegating`. bob undelegates at
    block 2: alice's tally drops back and bob keeps a prior lock until 2 + 3*4 = 14."""
    at(b, 1)
    ref = instant_referendum(b, transfer("ferdie", 1), 4)
    dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 300)}, signed("alice"))
    dem(
        b,
        DELEGATE,
        {"to": b.account("bob"), "conviction": 1, "balance": 5_000},
        signed("bob"),
        "Democracy.Nonsense",
    )
    dem(
        b,
        DELEGATE,
        {"to": b.account("alice"), "conviction": 3, "balance": 1_001},
        signed("bob"),
        "Democracy.InsufficientFunds",
    )
    dem(
        b,
        DELEGATE,
        {"to": b.account("bob"), "conviction": 3, "balance": 10},
        signed("alice"),
        "Democracy.VotesExist",
    )
    dem(b, UNDELEGATE, {}, signed("bob"), "Democracy.NotDelegating")
    dem(b, DELEGATE, {"to": b.account("alice"), "conviction": 3, "balance": 100}, signed("bob"))
    check(ongoing(b, ref).tally == Tally(600, 0, 400), "alice's vote carries bob's 300")
    dem(b, DELEGATE, {"to": b.account("bob"), "conviction": 1, "balance": 50}, signed("charlie"))
    check(ongoing(b, ref).tally == Tally(600, 0, 400), "charlie's weight stops at bob")
    check(b.chain.democracy.voting_of[b.account("bob")].delegations.votes == 50, "stored at bob")
    at(b, 2)
    dem(b, UNDELEGATE, {}, signed("bob"))
    check(ongoing(b, ref).tally == Tally(300, 0, 300), "bob's weight withdrawn")
    record = b.chain.democracy.voting_of[b.account("bob")]
    check(
        isinstance(record, Direct)
        and record.delegations.votes == 50
        and (record.prior.until, record.prior.amount) == (14, 100),
        "prior (14, 100), delegations kept",
    )
    dem(b, VOTE, {"ref_index": ref, "vote": standard(False, 1, 20)}, signed("bob"))
    check(ongoing(b, ref).tally == Tally(300, 70, 370), "bob's own vote now carries charlie's 50")
    dem(b, UNLOCK, {"target": b.account("bob")}, signed("eve"))
    check(lock_of(b, "bob") == 100, "the prior lock holds")
    at(b, 14)
    dem(b, REMOVE_VOTE, {"index": ref}, signed("bob"))
    dem(b, UNLOCK, {"target": b.account("bob")}, signed("eve"))
    check(lock_of(b, "bob") == 0, "released at block 14")
    b.finalize_block()


# --- External proposals [DEM-14]..[DEM-17] -----------------------------------------------------------


@case(suite=SUITE, handler="external", clauses=("DEM-3", "DEM-16"))
def fast_track_checks_in_order(b: CaseBuilder) -> None:
    """Two thirds of the technical committee may fast-track with a voting period of at least 2
    blocks; below that it takes the whole committee (`BadOrigin` for 2 of 3). Then
    `VotingPeriodLow` (0), `ProposalMissing` (nothing queued), `NotSimpleMajority` (a
    super-majority-approve proposal), `InvalidHash`. A fast-tracked referendum ends at
    now + period with the given delay."""
    at(b, 1)
    tech = collective("TechnicalCommittee", 2, 3)
    call = transfer("ferdie", 7)
    h = call_hash(call)
    dem(b, FAST_TRACK, {"proposal_hash": h, "voting_period": 1, "delay": 0}, tech, "BadOrigin")
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 2, "delay": 0},
        collective("Council", 3, 3),
        "BadOrigin",
    )
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 0, "delay": 0},
        root(),
        "Democracy.VotingPeriodLow",
    )
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 2, "delay": 0},
        tech,
        "Democracy.ProposalMissing",
    )
    dem(b, EXTERNAL, {"proposal": call}, collective("Council", 1, 2))
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 2, "delay": 0},
        tech,
        "Democracy.NotSimpleMajority",
    )
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, collective("Council", 2, 3), "BadOrigin")
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, collective("Council", 3, 4))
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": call_hash(transfer("ferdie", 8)), "voting_period": 2, "delay": 0},
        tech,
        "Democracy.InvalidHash",
    )
    dem(b, FAST_TRACK, {"proposal_hash": h, "voting_period": 2, "delay": 5}, tech)
    info = ongoing(b, 0)
    check((info.end, info.delay, info.threshold) == (3, 5, "SimpleMajority"), "ends at 3, delay 5")
    dem(b, EXTERNAL_DEFAULT, {"proposal": call}, collective("Council", 3, 4), "BadOrigin")
    dem(
        b, EXTERNAL_DEFAULT, {"proposal": call}, collective("TechnicalCommittee", 3, 3), "BadOrigin"
    )
    dem(b, EXTERNAL_DEFAULT, {"proposal": call}, collective("Council", 4, 4))
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 1, "delay": 0},
        collective("TechnicalCommittee", 3, 3),
    )
    check(ongoing(b, 1).threshold == "SuperMajorityAgainst", "instant, against")
    b.finalize_block()


@case(suite=SUITE, handler="external", clauses=("DEM-16", "DEM-2"))
def instant_not_allowed(b: CaseBuilder) -> None:
    """With `instant_allowed` false, the instant path fails with `InstantNotAllowed` after the
    origin check (still `BadOrigin` for a non-instant origin) and before `VotingPeriodLow`;
    a full-length fast-track still works."""
    config: Any = {"democracy": {"instant_allowed": False}}
    b.genesis(config=config)
    at(b, 1)
    call = transfer("ferdie", 7)
    h = call_hash(call)
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 0, "delay": 0},
        collective("TechnicalCommittee", 2, 3),
        "BadOrigin",
    )
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 0, "delay": 0},
        root(),
        "Democracy.InstantNotAllowed",
    )
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, root())
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 2, "delay": 0},
        collective("TechnicalCommittee", 2, 3),
    )
    b.finalize_block()


@case(suite=SUITE, handler="external", clauses=("DEM-17", "DEM-14", "DEM-15", "DEM-3"))
def veto_cooloff_and_vetoers(b: CaseBuilder) -> None:
    """A committee member vetoes the queued external proposal: `NoProposal` when none is queued,
    `ProposalMissing` for another hash, root is not a member (`BadOrigin`). The hash is blacklisted
    until 1 + 4 = 5: `external_propose` fails with `ProposalBlacklisted`, but
    `external_propose_majority` has no blacklist check. A member vetoes a hash once
    (`AlreadyVetoed`); the vetoer list is bounded (max 2: `TooMany`). A queued proposal makes
    `external_propose` fail with `DuplicateProposal` before the blacklist is looked at. At
    block 5 the cool-off is over."""
    at(b, 1)
    call = transfer("ferdie", 3)
    h = call_hash(call)
    alice, bob, charlie = (
        collective_member("TechnicalCommittee", w) for w in ("alice", "bob", "charlie")
    )
    dem(b, VETO, {"proposal_hash": h}, alice, "Democracy.NoProposal")
    dem(b, EXTERNAL, {"proposal": call}, root())
    dem(b, VETO, {"proposal_hash": h}, root(), "BadOrigin")
    dem(b, VETO, {"proposal_hash": h}, collective_member("Council", "alice"), "BadOrigin")
    dem(
        b,
        VETO,
        {"proposal_hash": call_hash(transfer("ferdie", 4))},
        alice,
        "Democracy.ProposalMissing",
    )
    dem(b, VETO, {"proposal_hash": h}, bob)
    check(b.chain.democracy.blacklist[h] == (5, (b.account("bob"),)), "blacklisted until 5 by bob")
    check(b.chain.democracy.next_external is None, "the queue is emptied")
    dem(b, EXTERNAL, {"proposal": call}, root(), "Democracy.ProposalBlacklisted")
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, collective("Council", 3, 4))
    dem(b, VETO, {"proposal_hash": h}, bob, "Democracy.AlreadyVetoed")
    dem(b, VETO, {"proposal_hash": h}, alice)
    vetoers = b.chain.democracy.blacklist[h][1]
    check(vetoers == tuple(sorted((b.account("alice"), b.account("bob")))), "vetoers kept sorted")
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, root())
    dem(b, EXTERNAL, {"proposal": call}, root(), "Democracy.DuplicateProposal")
    dem(b, VETO, {"proposal_hash": h}, charlie, "Democracy.TooMany")
    dem(b, VETO, {"proposal_hash": h}, bob, "Democracy.AlreadyVetoed")
    at(b, 4)
    dem(b, EXTERNAL, {"proposal": transfer("ferdie", 5)}, root(), "Democracy.DuplicateProposal")
    dem(b, "Democracy.veto_external", {"proposal_hash": h}, charlie, "Democracy.TooMany")
    at(b, 6)  # block 5 launched the queued proposal
    dem(b, EXTERNAL, {"proposal": call}, root())
    dem(b, EXTERNAL, {"proposal": call}, root(), "Democracy.DuplicateProposal")
    b.finalize_block()


# --- Cancelling [DEM-19]..[DEM-23] ---------------------------------------------------------------


@case(suite=SUITE, handler="cancellation", clauses=("DEM-19", "DEM-20", "DEM-3"))
def emergency_cancel_once_per_hash(b: CaseBuilder) -> None:
    """Two thirds of the council cancel an ongoing referendum (3 of 5 is not enough); the same
    call, fast-tracked again, can never be emergency-cancelled again (`AlreadyCanceled`), only
    cancelled by root; an unknown referendum is `ReferendumInvalid`. Root's `cancel_referendum`
    of an index that does not exist still deposits `Cancelled`."""
    at(b, 1)
    call = transfer("ferdie", 3)
    r0 = instant_referendum(b, call, 3)
    dem(
        b, "Democracy.emergency_cancel", {"ref_index": r0}, collective("Council", 3, 5), "BadOrigin"
    )
    dem(
        b,
        "Democracy.emergency_cancel",
        {"ref_index": 7},
        collective("Council", 2, 3),
        "Democracy.ReferendumInvalid",
    )
    dem(b, "Democracy.emergency_cancel", {"ref_index": r0}, collective("Council", 2, 3))
    check(r0 not in b.chain.democracy.referendum_info, "removed")
    r1 = instant_referendum(b, call, 3)
    dem(b, "Democracy.emergency_cancel", {"ref_index": r1}, root(), "Democracy.AlreadyCanceled")
    dem(
        b,
        "Democracy.cancel_referendum",
        {"ref_index": r1},
        collective("Council", 3, 3),
        "BadOrigin",
    )
    dem(b, "Democracy.cancel_referendum", {"ref_index": r1}, root())
    cancelled = names(dem(b, "Democracy.cancel_referendum", {"ref_index": 42}, root()))
    check(cancelled == ["Democracy.Cancelled"], "an absent referendum is 'cancelled' too")
    b.finalize_block()


@case(suite=SUITE, handler="cancellation", clauses=("DEM-21", "DEM-22", "DEM-23", "DEM-3"))
def slashing_blacklist_and_clearing(b: CaseBuilder) -> None:
    """`cancel_proposal` (the whole technical committee) slashes each depositor entry into the
    treasury pot: 20 from alice and 2 x 20 from bob. `blacklist` removes the first queued
    proposal with the hash (slashing it), drops a matching external proposal and cancels the
    named ongoing referendum. `clear_public_proposals` empties the queue and refunds nothing."""
    at(b, 1)
    dem(b, PROPOSE, {"proposal": transfer("ferdie", 1), "value": 20}, signed("alice"))
    dem(b, SECOND, {"proposal": 0}, signed("bob"))
    dem(b, SECOND, {"proposal": 0}, signed("bob"))
    dem(
        b,
        "Democracy.cancel_proposal",
        {"prop_index": 0},
        collective("TechnicalCommittee", 2, 3),
        "BadOrigin",
    )
    issuance = b.chain.balances.total_issuance
    dem(b, "Democracy.cancel_proposal", {"prop_index": 0}, collective("TechnicalCommittee", 3, 3))
    check(b.chain.system.accounts[POT].data.free == 60, "60 slashed into the pot")
    check(b.chain.balances.total_issuance == issuance, "a slash paid to the pot keeps the issuance")
    check(reserved(b, "alice") == 0 and reserved(b, "bob") == 0, "deposits gone")
    banned = transfer("ferdie", 2)
    dem(b, PROPOSE, {"proposal": banned, "value": 15}, signed("charlie"))
    dem(b, PROPOSE, {"proposal": banned, "value": 11}, signed("dave"))
    ref = instant_referendum(b, banned, 3)
    dem(b, EXTERNAL_MAJORITY, {"proposal": banned}, root())
    dem(
        b,
        "Democracy.blacklist",
        {"proposal_hash": call_hash(banned), "maybe_ref_index": ref},
        collective("Council", 3, 3),
        "BadOrigin",
    )
    dem(
        b,
        "Democracy.blacklist",
        {"proposal_hash": call_hash(banned), "maybe_ref_index": ref},
        root(),
    )
    check([p.index for p in b.chain.democracy.public_props] == [2], "only the first match removed")
    check(reserved(b, "charlie") == 0 and reserved(b, "dave") == 11, "charlie slashed")
    check(
        b.chain.democracy.next_external is None and ref not in b.chain.democracy.referendum_info,
        "external dropped, referendum cancelled",
    )
    dem(b, "Democracy.clear_public_proposals", {}, signed("alice"), "BadOrigin")
    dem(b, "Democracy.clear_public_proposals", {}, root())
    check(
        b.chain.democracy.public_props == () and reserved(b, "dave") == 11, "deposit stays reserved"
    )
    check(2 in b.chain.democracy.deposit_of, "and its record stays")
    b.finalize_block()


# --- Enactment [DEM-10] [SCH-2] [SCH-3] [SCH-4] ----------------------------------------------------


@case(
    suite=SUITE,
    handler="enactment",
    presets=BOTH_PRESETS,
    clauses=("DEM-4", "DEM-6", "DEM-10", "DEM-18", "SCH-2", "SCH-3", "SCH-4"),
)
def public_referendum_enacts_a_transfer(b: CaseBuilder) -> None:
    """The whole life of a public proposal with the preset's periods: proposed at block 1,
    launched at the first launch block L, voted on (a 1x aye of a tenth of alice's balance), baked
    at L + voting period, enacted as root `enactment_period` later: ferdie receives the transfer
    from eve, and `Scheduler.Dispatched` reports `ok`. Blocks in between are skipped (empty
    blocks whose hooks ran)."""
    cfg = b.config.democracy
    deposit = cfg.minimum_deposit
    at(b, 1)
    value = 1_000 if b.preset == "minimal" else 1_000 * 10**12
    eve_before = b.chain.system.accounts[b.account("eve")].data.free
    dem(
        b,
        PROPOSE,
        {"proposal": transfer("ferdie", value // 10, source="eve"), "value": deposit},
        signed("alice"),
    )
    launch = cfg.launch_period
    opened = names(at(b, launch))
    check("Democracy.Started" in opened, "launched at the first launch block")
    stake = b.chain.system.accounts[b.account("alice")].data.free // 10
    dem(b, VOTE, {"ref_index": 0, "vote": standard(True, 1, stake)}, signed("alice"))
    end = launch + cfg.voting_period
    check(ongoing(b, 0).end == end, "ends after the voting period")
    check(
        passes("SuperMajorityApprove", ongoing(b, 0).tally, b.chain.balances.total_issuance),
        "the aye passes the positive-turnout-bias threshold",
    )
    at(b, end - 1)
    check(isinstance(b.chain.democracy.referendum_info[0], Ongoing), "still ongoing before its end")
    at(b, end)
    check(finished(b, 0), "passed")
    when = end + cfg.enactment_period
    check(list(b.chain.scheduler.agenda) == [when], "scheduled at end + enactment period")
    at(b, when - 1)
    check(b.chain.system.accounts[b.account("eve")].data.free == eve_before, "not enacted yet")
    opened = names(at(b, when))
    check("Scheduler.Dispatched" in opened, "dispatched")
    check(
        b.chain.system.accounts[b.account("eve")].data.free == eve_before - value // 10,
        "eve paid ferdie",
    )
    check(not b.chain.scheduler.agenda and not b.chain.scheduler.lookup, "the agenda is served")
    b.finalize_block(observe=[("balance", b.account("ferdie")), ("referendum", 0)])


@case(suite=SUITE, handler="enactment", clauses=("DEM-10", "DEM-16", "SCH-2", "SCH-3", "SCH-4"))
def two_enactments_in_one_agenda(b: CaseBuilder) -> None:
    """Two fast-tracked referenda pass at block 3 with delay 0: both enact at 3 + max(0, 1) = 4,
    in slot order. The first adds a pRuntime to the registry's allowlist as root; the second
    (a transfer larger than the balance) fails and the scheduler reports the error code without
    failing the block. The gap from block 1 to 6 is caught up block by block."""
    at(b, 1)
    add = {"call": "PhalaRegistry.add_pruntime", "args": {"pruntime_hash": b"\x01" * 32}}
    r0 = instant_referendum(b, add, 2)
    r1 = instant_referendum(b, transfer("ferdie", 2_000), 2)
    for ref in (r0, r1):
        dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 100)}, signed("bob"))
    opened = at(b, 6)
    check(finished(b, r0) and finished(b, r1), "both passed at block 3")
    dispatched = [e for e in opened if e["name"] == "Scheduler.Dispatched"]
    check(len(dispatched) == 2, "both dispatched at block 4")
    check([d["fields"]["task"] for d in dispatched] == [[4, 0], [4, 1]], "slot order at block 4")
    check(
        dispatched[1]["fields"]["result"] == "Balances.InsufficientBalance"
        or dispatched[1]["fields"]["result"].startswith("Token."),
        "the transfer failed",
    )
    check(b"\x01" * 32 in b.chain.registry.pruntime_allowlist, "the allowlist changed")
    b.finalize_block(observe=[("referendum", r0), ("democracy_voting", b.account("bob"))])


@case(
    suite=SUITE,
    handler="enactment",
    presets=("phala",),
    clauses=("DEM-3", "DEM-15", "DEM-16", "DEM-10", "DEM-11", "SCH-3", "SCH-4"),
)
def council_proposal_fast_tracked_on_phala(b: CaseBuilder) -> None:
    """With Phala's parameters: three quarters of the council (6 of 8) queue a simple-majority
    external proposal to allow a pRuntime; two thirds of the technical committee (2 of 3)
    fast-track it with the shortest allowed period, 900 blocks (3 hours), and a delay of 300.
    bob votes aye with 6x conviction, charlie nay with 1x. It passes at 901 and enacts at 1201 as
    root. bob's winning vote locks 10 PHA for 32 lock periods of 57 600 blocks after the end:
    removed early it leaves a prior lock until 901 + 1 843 200, which `unlock` honours one block
    before and releases at that block. charlie's losing vote is removable by anyone at once."""
    at(b, 1)
    unit = 10**12
    add = {"call": "PhalaRegistry.add_pruntime", "args": {"pruntime_hash": b"\x02" * 32}}
    dem(b, EXTERNAL_MAJORITY, {"proposal": add}, collective("Council", 5, 8), "BadOrigin")
    dem(b, EXTERNAL_MAJORITY, {"proposal": add}, collective("Council", 6, 8))
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": call_hash(add), "voting_period": 899, "delay": 300},
        collective("TechnicalCommittee", 2, 3),
        "BadOrigin",
    )
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": call_hash(add), "voting_period": 900, "delay": 300},
        collective("TechnicalCommittee", 2, 3),
    )
    dem(b, VOTE, {"ref_index": 0, "vote": standard(True, 6, 10 * unit)}, signed("bob"))
    dem(b, VOTE, {"ref_index": 0, "vote": standard(False, 1, 50 * unit)}, signed("charlie"))
    check(ongoing(b, 0).tally == Tally(60 * unit, 50 * unit, 60 * unit), "6x10 ayes, 1x50 nays")
    at(b, 901)
    check(finished(b, 0), "passed at 901")
    check(list(b.chain.scheduler.agenda) == [1201], "enactment at 901 + 300")
    at(b, 1201)
    check(b"\x02" * 32 in b.chain.registry.pruntime_allowlist, "enacted as root")
    dem(b, REMOVE_OTHER, {"target": b.account("charlie"), "index": 0}, signed("dave"))
    dem(
        b,
        REMOVE_OTHER,
        {"target": b.account("bob"), "index": 0},
        signed("dave"),
        "Democracy.NoPermission",
    )
    dem(b, REMOVE_VOTE, {"index": 0}, signed("bob"))
    until = 901 + 32 * 57_600
    at(b, until - 1)
    dem(b, UNLOCK, {"target": b.account("bob")}, signed("dave"))
    check(lock_of(b, "bob") == 10 * unit, "one block before the end the lock holds")
    at(b, until)
    dem(b, UNLOCK, {"target": b.account("bob")}, signed("dave"))
    check(lock_of(b, "bob") == 0, "released at 901 + 1 843 200")
    b.finalize_block(observe=[("locks", b.account("bob")), ("democracy_voting", b.account("bob"))])


@case(suite=SUITE, handler="scheduler", clauses=("SCH-2", "SCH-3", "DEM-10", "DEM-19"))
def full_agenda_drops_an_enactment(b: CaseBuilder) -> None:
    """Four fast-tracked referenda pass at block 3 with delay 0, all to be enacted at block 4;
    the minimal preset's agenda holds 3 tasks, so the fourth is silently not scheduled (democracy
    ignores the scheduler's error): `Passed` without `Scheduled`, and its transfer never happens.
    Once passed, a referendum can no longer be emergency-cancelled (`ReferendumInvalid`) though
    its enactment is still to come."""
    at(b, 1)
    refs = [instant_referendum(b, transfer("ferdie", n), 2) for n in (1, 2, 3, 4)]
    for ref, voter in zip(refs, ("alice", "bob", "charlie", "dave"), strict=True):
        dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 10)}, signed(voter))
    opened = names(at(b, 3))
    check(
        opened.count("Democracy.Passed") == 4 and opened.count("Scheduler.Scheduled") == 3,
        "four passed, three scheduled",
    )
    check(len(b.chain.scheduler.agenda[4]) == 3, "the agenda of block 4 is full")
    dem(
        b,
        "Democracy.emergency_cancel",
        {"ref_index": refs[0]},
        root(),
        "Democracy.ReferendumInvalid",
    )
    ferdie = b.chain.system.accounts[b.account("ferdie")].data.free
    at(b, 4)
    check(
        b.chain.system.accounts[b.account("ferdie")].data.free == ferdie + 1 + 2 + 3,
        "only the first three enacted",
    )
    b.finalize_block(observe=[("balance", b.account("ferdie"))])


@case(suite=SUITE, handler="voting", clauses=("DEM-3", "DEM-11", "DEM-12", "DEM-13"))
def signed_calls_need_a_signer(b: CaseBuilder) -> None:
    """The account calls reject root, a council majority and a technical committee member with
    `BadOrigin` before anything else (here every other check would fail too)."""
    at(b, 1)
    bob = b.account("bob")
    calls: tuple[tuple[str, dict[str, Any]], ...] = (
        (DELEGATE, {"to": bob, "conviction": 1, "balance": 5_000}),
        (UNDELEGATE, {}),
        (UNLOCK, {"target": bob}),
        (REMOVE_VOTE, {"index": 9}),
        (REMOVE_OTHER, {"target": bob, "index": 9}),
        (SECOND, {"proposal": 9}),
    )
    for origin in (
        root(),
        collective("Council", 3, 3),
        collective_member("TechnicalCommittee", "bob"),
    ):
        for name, args in calls:
            dem(b, name, args, origin, "BadOrigin")
    b.finalize_block()


@case(suite=SUITE, handler="delegation", clauses=("DEM-12", "DEM-13", "DEM-11", "DEM-9"))
def redelegation_and_split_targets(b: CaseBuilder) -> None:
    """charlie delegates 200 at 2x to alice, who voted aye (100 at 1x): +400 ayes. He re-delegates
    300 at no conviction to bob: alice's side loses the 400, and bob's split vote takes no
    delegation; the old delegation leaves the prior lock (1 + 3*2 = 7, 200). bob replaces his split
    vote by a nay of 50 at 1x, which now carries charlie's 30 votes and 300 capital. Undelegating
    at 6 accumulates (6, 300): the prior becomes (7, 300), the later end and the larger amount, so
    the lock of 300 holds at 6 and goes at 7."""
    at(b, 1)
    ref = instant_referendum(b, transfer("ferdie", 1), 4)
    dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 100)}, signed("alice"))
    dem(b, VOTE, {"ref_index": ref, "vote": split(50, 50)}, signed("bob"))
    dem(b, DELEGATE, {"to": b.account("alice"), "conviction": 2, "balance": 200}, signed("charlie"))
    check(ongoing(b, ref).tally == Tally(505, 5, 400), "alice's aye carries charlie's 400")
    dem(b, DELEGATE, {"to": b.account("bob"), "conviction": 0, "balance": 300}, signed("charlie"))
    check(
        ongoing(b, ref).tally == Tally(105, 5, 200),
        "withdrawn from alice, not added to a split vote",
    )
    record = b.chain.democracy.voting_of[b.account("charlie")]
    check((record.prior.until, record.prior.amount) == (7, 200), "prior (7, 200)")
    check(lock_of(b, "charlie") == 300, "the lock is extended to 300")
    dem(b, VOTE, {"ref_index": ref, "vote": standard(False, 1, 50)}, signed("bob"))
    check(ongoing(b, ref).tally == Tally(100, 80, 450), "bob's nay carries charlie's 30 votes")
    at(b, 6)
    check(finished(b, ref), "100 ayes beat 80 nays")
    dem(b, UNDELEGATE, {}, signed("charlie"))
    record = b.chain.democracy.voting_of[b.account("charlie")]
    check((record.prior.until, record.prior.amount) == (7, 300), "prior (7, 300)")
    dem(b, UNLOCK, {"target": b.account("charlie")}, signed("alice"))
    check(lock_of(b, "charlie") == 300, "held at block 6")
    at(b, 7)
    dem(b, UNLOCK, {"target": b.account("charlie")}, signed("alice"))
    check(lock_of(b, "charlie") == 0, "released at block 7")
    b.finalize_block(
        observe=[("democracy_voting", b.account("charlie")), ("locks", b.account("charlie"))]
    )
