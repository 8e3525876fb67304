"""Voting, conviction locks and delegation [DEM-7]..[DEM-13] (handlers ``voting``, ``locks``,
``delegation``)."""

from __future__ import annotations

from typing import Any

from phala_spec.chain.democracy_state import Direct, Tally
from phala_spec.conformance.authoring import (
    CaseBuilder,
    case,
    collective,
    collective_member,
    root,
    signed,
)
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.governance_democracy.common import (
    DELEGATE,
    EXTERNAL,
    EXTERNAL_DEFAULT,
    EXTERNAL_MAJORITY,
    REMOVE_OTHER,
    REMOVE_VOTE,
    SECOND,
    SUITE,
    UNDELEGATE,
    UNLOCK,
    VOTE,
    at,
    dem,
    finished,
    instant_referendum,
    lock_of,
    ongoing,
    passes,
    split,
    standard,
    transfer,
)
from phala_spec.pallets.balances.accounts import free_balance

# --- Voting [DEM-7] [DEM-8] [DEM-9] ------------------------------------------------------------


@case(suite=SUITE, handler="voting", clauses=("DEM-9", "DEM-12"), block=1)
def vote_errors_in_order(b: CaseBuilder) -> None:
    """`vote` checks: origin, `ReferendumInvalid` (before the balance), `InsufficientFunds`
    (before delegation), `AlreadyDelegating`, and `MaxVotesReached` for a fourth vote (max 3)
    while replacing an existing vote is still allowed."""
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


@case(suite=SUITE, handler="voting", clauses=("DEM-7", "DEM-8", "DEM-9", "DEM-10"), block=1)
def tallies_and_the_three_thresholds(b: CaseBuilder) -> None:
    """One vote set on three referenda, one per threshold kind, with the electorate 6000
    (isqrt 77): ayes 10 (100 at None) + 3 (split 30/20) + 150 (50 at 3x) = 163, nays 2 + 150
    (50 at 3x) = 152, turnout 250 (isqrt 15). Simple majority passes (163 > 152); super-majority
    approve needs 152/15 < 163/77: fails; super-majority against needs 152/77 < 163/15: passes."""
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


@case(suite=SUITE, handler="voting", clauses=("DEM-7", "DEM-10"), block=1)
def no_turnout_never_passes(b: CaseBuilder) -> None:
    """A simple-majority referendum whose only vote is 3 at no conviction: ayes 0, turnout 3,
    isqrt(3) = 1, and 0 > 0 fails; with 9 at no conviction turnout still gives 0 ayes. A single
    aye of 1 at 1x passes (turnout 1, isqrt 1)."""
    r0 = instant_referendum(b, transfer("ferdie", 1), 2)
    r1 = instant_referendum(b, transfer("ferdie", 2), 2)
    dem(b, VOTE, {"ref_index": r0, "vote": standard(True, 0, 9)}, signed("alice"))
    dem(b, VOTE, {"ref_index": r1, "vote": standard(True, 1, 1)}, signed("alice"))
    at(b, 3)
    check(not finished(b, r0) and finished(b, r1), "r0 fails, r1 passes")


# --- Locks [DEM-11] ----------------------------------------------------------------------------


@case(suite=SUITE, handler="locks", clauses=("DEM-11", "DEM-9", "DEM-20"), block=1)
def winning_conviction_lock_outlives_the_vote(b: CaseBuilder) -> None:
    """Referendum 0 (simple majority, ends at 3): alice aye 500 at 2x wins, bob nay 100 at 1x
    loses. While ongoing, only the voter may remove a vote (`NoPermission`). After the end,
    anyone removes bob's losing vote; alice's winning vote is locked until 3 + 3*2 = 9, so
    charlie gets `NoPermission` and alice's own removal leaves a prior lock (9, 500); `unlock`
    at 8 keeps the lock, at 9 removes it. A referendum cancelled after it finished frees its
    votes for anyone to remove."""
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


# --- Delegation [DEM-12] [DEM-13] -----------------------------------------------------------------


@case(suite=SUITE, handler="voting", clauses=("DEM-9", "DEM-12"), block=1)
def vote_of_the_whole_free_balance(b: CaseBuilder) -> None:
    """A vote may carry the voter's whole free balance and a delegation may lend all of it (the
    check is `balance > free`): one unit more is `InsufficientFunds`, exactly the free balance
    is accepted, for a standard vote, a split vote (aye + nay) and a delegation."""
    ref = instant_referendum(b, transfer("ferdie", 1), voting_period=3)
    free = free_balance(b.chain, b.account("eve"))
    over, exact = standard(True, 1, free + 1), standard(True, 1, free)
    dem(b, VOTE, {"ref_index": ref, "vote": over}, signed("eve"), "Democracy.InsufficientFunds")
    dem(b, VOTE, {"ref_index": ref, "vote": exact}, signed("eve"))
    dem(
        b,
        VOTE,
        {"ref_index": ref, "vote": split(free, 1)},
        signed("eve"),
        "Democracy.InsufficientFunds",
    )
    dem(b, VOTE, {"ref_index": ref, "vote": split(free - 1, 1)}, signed("eve"))
    check(lock_of(b, "eve") == free, "the whole free balance locked")
    lender = free_balance(b.chain, b.account("charlie"))
    to_bob: dict[str, Any] = {"to": b.account("bob"), "conviction": 1}
    dem(
        b,
        DELEGATE,
        {**to_bob, "balance": lender + 1},
        signed("charlie"),
        "Democracy.InsufficientFunds",
    )
    dem(b, DELEGATE, {**to_bob, "balance": lender}, signed("charlie"))
    check(lock_of(b, "charlie") == lender, "the whole free balance lent")


@case(suite=SUITE, handler="delegation", clauses=("DEM-12", "DEM-13", "DEM-9", "DEM-11"), block=1)
def single_level_delegation(b: CaseBuilder) -> None:
    """alice votes aye 300 at 1x; bob delegates 100 at 3x to alice (tally +300 ayes, +100
    turnout); charlie delegates 50 at 1x to bob, who delegates: stored at bob, not passed on.
    Errors: `Nonsense`, `InsufficientFunds`, `VotesExist`, `NotDelegating`. bob undelegates at
    block 2: alice's tally drops back and bob keeps a prior lock until 2 + 3*4 = 14."""
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


@case(suite=SUITE, handler="voting", clauses=("DEM-3", "DEM-11", "DEM-12", "DEM-13"), block=1)
def signed_calls_need_a_signer(b: CaseBuilder) -> None:
    """The account calls reject root, a council majority and a technical committee member with
    `BadOrigin` before anything else (here every other check would fail too)."""
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


@case(suite=SUITE, handler="delegation", clauses=("DEM-12", "DEM-13", "DEM-11", "DEM-9"), block=1)
def redelegation_and_split_targets(b: CaseBuilder) -> None:
    """charlie delegates 200 at 2x to alice, who voted aye (100 at 1x): +400 ayes. He re-delegates
    300 at no conviction to bob: alice's side loses the 400, and bob's split vote takes no
    delegation; the old delegation leaves the prior lock (1 + 3*2 = 7, 200). bob replaces his split
    vote by a nay of 50 at 1x, which now carries charlie's 30 votes and 300 capital. Undelegating
    at 6 accumulates (6, 300): the prior becomes (7, 300), the later end and the larger amount, so
    the lock of 300 holds at 6 and goes at 7."""
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


# --- Boundaries of the thresholds, removals and locks [DEM-7] [DEM-11] [DEM-12] ------------------


@case(suite=SUITE, handler="voting", clauses=("DEM-7", "DEM-10"), block=1)
def a_tie_passes_only_against(b: CaseBuilder) -> None:
    """One aye of 100 at 1x and one nay of 100 at 1x on two referenda (turnout 200, isqrt 14;
    electorate 6000, isqrt 77): the simple majority fails (100 > 100 is false), the
    super-majority against passes (100/77 < 100/14): a tie is not a simple majority, and the
    negative-turnout bias lets a low-turnout tie through."""
    refs = [
        instant_referendum(b, transfer("ferdie", 1), 3, kind=EXTERNAL_MAJORITY),
        instant_referendum(b, transfer("ferdie", 2), 3, kind=EXTERNAL_DEFAULT),
    ]
    for ref in refs:
        dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 100)}, signed("alice"))
        dem(b, VOTE, {"ref_index": ref, "vote": standard(False, 1, 100)}, signed("bob"))
    tally = Tally(100, 100, 200)
    electorate = b.chain.balances.total_issuance
    verdicts = [passes(ongoing(b, ref).threshold, tally, electorate) for ref in refs]
    check(verdicts == [False, True], "the tie fails the simple majority, passes against")
    at(b, 4)
    check([finished(b, ref) for ref in refs] == verdicts, "baked as the thresholds say")


@case(suite=SUITE, handler="voting", clauses=("DEM-7", "DEM-10"), block=1)
def an_electorate_of_three_units(b: CaseBuilder) -> None:
    """The electorate is the total issuance when the referendum ends, however small: alice alone
    holds 3 units (existential deposit 1) and votes an aye of 1 at 1x on a super-majority-against
    referendum. At its end the electorate is 3 (isqrt 1, a positive divisor) and 0/1 < 1/1:
    passed."""
    b.genesis(config={"existential_deposit": 1}, balances=[("alice", 3)])
    ref = instant_referendum(b, transfer("ferdie", 1), 2, kind=EXTERNAL_DEFAULT)
    dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 1)}, signed("alice"))
    check(b.chain.balances.total_issuance == 3, "an electorate of 3")
    check(passes("SuperMajorityAgainst", Tally(1, 0, 1), 3), "0/1 < 1/1")
    at(b, 3)
    check(finished(b, ref), "passed against an electorate of 3")


@case(suite=SUITE, handler="locks", clauses=("DEM-11", "DEM-8", "DEM-9"), block=1)
def a_one_x_lock_ends_at_its_block(b: CaseBuilder) -> None:
    """Referendum 0 ends (passed) at 3. A winning aye at 1x locks for one period: until
    3 + 3 = 6. alice removes her own such vote at 5 and keeps a prior lock (6, 50); charlie may
    not remove bob's at 5 (`NoPermission`) but may at 6, the block the lock ends. While the
    referendum was ongoing, dave removed his split vote (a split vote carries no delegation) and
    eve's vote of 1 at no conviction kept a lock of exactly 1 through `unlock`."""
    ref = instant_referendum(b, transfer("ferdie", 1), 2)
    dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 50)}, signed("alice"))
    dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 50)}, signed("bob"))
    dem(b, DELEGATE, {"to": b.account("dave"), "conviction": 1, "balance": 40}, signed("ferdie"))
    dem(b, VOTE, {"ref_index": ref, "vote": split(30, 20)}, signed("dave"))
    check(ongoing(b, ref).tally == Tally(103, 2, 150), "the split vote takes no delegation")
    dem(b, REMOVE_VOTE, {"index": ref}, signed("dave"))
    check(ongoing(b, ref).tally == Tally(100, 0, 100), "and gives none back")
    dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 0, 1)}, signed("eve"))
    dem(b, UNLOCK, {"target": b.account("eve")}, signed("alice"))
    check(lock_of(b, "eve") == 1, "a lock of 1 is kept")
    at(b, 3)
    check(finished(b, ref), "passed")
    at(b, 5)
    dem(b, REMOVE_VOTE, {"index": ref}, signed("alice"))
    record = b.chain.democracy.voting_of[b.account("alice")]
    check((record.prior.until, record.prior.amount) == (6, 50), "prior lock (6, 50) at 1x")
    dem(
        b,
        REMOVE_OTHER,
        {"target": b.account("bob"), "index": ref},
        signed("charlie"),
        "Democracy.NoPermission",
    )
    at(b, 6)
    dem(b, REMOVE_OTHER, {"target": b.account("bob"), "index": ref}, signed("charlie"))
    b.observe("democracy_voting", b.account("bob"))


@case(suite=SUITE, handler="delegation", clauses=("DEM-12", "DEM-13", "DEM-8", "DEM-11"), block=1)
def a_delegation_without_conviction_locks_no_period(b: CaseBuilder) -> None:
    """charlie delegates 100 to bob at no conviction (0 lock periods) at block 1 and undelegates
    at block 2: the prior lock is (2 + 3*0, 100) = (2, 100), already over, so `unlock` at 2
    removes the lock."""
    dem(b, DELEGATE, {"to": b.account("bob"), "conviction": 0, "balance": 100}, signed("charlie"))
    at(b, 2)
    dem(b, UNDELEGATE, {}, signed("charlie"))
    record = b.chain.democracy.voting_of[b.account("charlie")]
    check((record.prior.until, record.prior.amount) == (2, 100), "prior lock (2, 100)")
    b.observe("democracy_voting", b.account("charlie"))
    dem(b, UNLOCK, {"target": b.account("charlie")}, signed("alice"))
    check(lock_of(b, "charlie") == 0, "no period to wait")
