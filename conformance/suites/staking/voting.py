"""Voting with W-PHA: votes, the lock they set and their release [STK-7] [STK-27]..[STK-29].

Referenda are simple-majority external proposals that root fast-tracks
(``common.referendum``). Expected tallies follow [DEM-8]: a split vote counts a
tenth of each side and its whole sum as turnout. Expected storage orders
follow [CRYPTO-17]: users by ``twox_64(account) ++ account``.
"""

from __future__ import annotations

from phala_spec.chain.democracy_state import Direct, Finished, Ongoing, Split, Tally
from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.suites.staking.common import (
    BOTH,
    CONTRIBUTE,
    MINIMAL,
    OPS,
    REWARD,
    SUITE,
    UNLOCK,
    UNWRAP,
    UNWRAP_ALL,
    VOTE,
    U,
    referendum,
    setup,
    vote,
)
from phala_spec.pallets.staking.wrapped_balances import WPHA_ACCOUNT
from phala_spec.primitives.codec import twox_64_concat

ERR = "PhalaWrappedBalances."
VOTED = ["Democracy.Voted", "Balances.Locked", "PhalaWrappedBalances.Voted"]


def locked(b: CaseBuilder, name: str) -> int:
    return b.chain.wrapped_balances.staker_accounts[b.account(name)].locked


def wpha_lock(b: CaseBuilder) -> int:
    """The ``democrac`` lock on the W-PHA account's PHA, 0 without one."""
    for lock in b.chain.balances.locks.get(WPHA_ACCOUNT, ()):
        if lock.id == b"democrac":
            return lock.amount
    return 0


def tally(b: CaseBuilder, vote_id: int) -> Tally:
    info = b.chain.democracy.referendum_info[vote_id]
    check(isinstance(info, Ongoing), f"referendum {vote_id} is ongoing")
    assert isinstance(info, Ongoing)
    return info.tally


def wpha_democracy_vote(b: CaseBuilder, vote_id: int) -> object:
    record = b.chain.democracy.voting_of.get(WPHA_ACCOUNT, Direct())
    return dict(record.votes).get(vote_id) if isinstance(record, Direct) else None


def unlock(b: CaseBuilder, vote_id: int, max_iterations: int, outcome: str = "ok") -> None:
    """Ferdie, who never voted, releases votes: anyone may [STK-28]."""
    do(
        b,
        UNLOCK,
        {"vote_id": vote_id, "max_iterations": max_iterations},
        signed("ferdie"),
        outcome,
        observe=[("wpha_votes", vote_id)],
    )


def until(b: CaseBuilder, number: int) -> None:
    while b.chain.system.block.number < number:
        b.next_block()


# --- vote [STK-27] ----------------------------------------------------------------------


@case(suite=SUITE, handler="vote", presets=MINIMAL, clauses=("STK-27", "DEM-9"))
def vote_errors_in_order(b: CaseBuilder) -> None:
    """vote checks the origin, the referendum (ReferendumInvalid), the staker account
    (StakerAccountNotFound), the amount against the net value (VoteAmountLargerThanTotalStakes),
    and only then does democracy check the W-PHA account's vote (MaxVotesReached: minimal allows
    it three votes)."""
    setup(b)
    refs = [referendum(b, voting_period=5, value=(n + 1) * U) for n in range(4)]
    args = {"aye_amount": U, "nay_amount": 0, "vote_id": refs[0]}
    do(b, VOTE, args, root(), "BadOrigin")
    # a referendum that never started: before the staker account and the amount
    vote(b, "alice", 9, aye=2_000 * U, nay=0, outcome=ERR + "ReferendumInvalid")
    vote(b, "eve", 9, aye=1, nay=0, outcome=ERR + "ReferendumInvalid")
    # eve never wrapped: no staker account, checked before the amount
    vote(b, "eve", refs[0], aye=1, nay=0, outcome=ERR + "StakerAccountNotFound")
    vote(
        b,
        "alice",
        refs[0],
        aye=600 * U,
        nay=400 * U + 1,
        outcome=ERR + "VoteAmountLargerThanTotalStakes",
    )
    # the whole net value may vote
    do(
        b,
        VOTE,
        {"aye_amount": 600 * U, "nay_amount": 400 * U, "vote_id": refs[0]},
        signed("alice"),
        events=VOTED,
        observe=[("wpha", b.account("alice")), ("wpha_votes", refs[0])],
    )
    vote(b, "alice", refs[1], aye=U, nay=0)
    vote(b, "alice", refs[2], aye=0, nay=U)
    # the W-PHA account now votes on three referenda: W-PHA's own checks still come first
    vote(
        b, "bob", refs[3], aye=1_000 * U + 1, nay=0, outcome=ERR + "VoteAmountLargerThanTotalStakes"
    )
    vote(b, "bob", refs[3], aye=10 * U, nay=0, outcome="Democracy.MaxVotesReached")
    # a referendum the W-PHA account already votes on takes more votes: its vote is replaced
    do(
        b,
        VOTE,
        {"aye_amount": 10 * U, "nay_amount": 0, "vote_id": refs[0]},
        signed("bob"),
        events=VOTED,
        observe=[("referendum", refs[0]), ("wpha_votes", refs[0])],
    )
    check(wpha_democracy_vote(b, refs[0]) == Split(610 * U, 400 * U), "the sums of both votes")


@case(suite=SUITE, handler="vote", presets=BOTH, clauses=("STK-27", "STK-7", "DEM-8", "DEM-9"))
def vote_sums_every_users_vote(b: CaseBuilder) -> None:
    """The W-PHA account votes the sums of its users' votes as one split vote; a user's new vote
    replaces the old one in the sums and in the user's lock, while democracy's lock on the W-PHA
    account only grows."""
    setup(b)
    vote_id = referendum(b, voting_period=5)
    vote(b, "alice", vote_id, aye=600 * U, nay=0)
    do(
        b,
        VOTE,
        {"aye_amount": 100 * U, "nay_amount": 300 * U, "vote_id": vote_id},
        signed("bob"),
        events=VOTED,
        observe=[
            ("referendum", vote_id),
            ("democracy_voting", WPHA_ACCOUNT),
            ("locks", WPHA_ACCOUNT),
            ("wpha_votes", vote_id),
        ],
    )
    check(wpha_democracy_vote(b, vote_id) == Split(700 * U, 300 * U), "one split vote of the sums")
    check(
        tally(b, vote_id) == Tally(70 * U, 30 * U, 1_000 * U),
        "a tenth of each side, all of the turnout",
    )
    check(wpha_lock(b) == 1_000 * U, "democracy locks the sum on the W-PHA account")
    check((locked(b, "alice"), locked(b, "bob")) == (600 * U, 400 * U), "each user's aye + nay")
    vote(b, "alice", vote_id, aye=50 * U, nay=50 * U)
    b.observe("referendum", vote_id)
    b.observe("wpha", b.account("alice"))
    check(tally(b, vote_id) == Tally(15 * U, 35 * U, 500 * U), "the sums with alice's new vote")
    check(locked(b, "alice") == 100 * U, "alice's lock follows her new vote down")
    check(wpha_lock(b) == 1_000 * U, "democracy's lock is only extended by a vote")


@case(suite=SUITE, handler="vote", presets=MINIMAL, clauses=("STK-27", "STK-4", "STK-5"))
def vote_counts_pool_shares_at_their_price(b: CaseBuilder) -> None:
    """A user votes with the net value: free W-PHA plus pool shares at the share price, so the
    lock can exceed the free W-PHA and then nothing can be unwrapped."""
    setup(b)
    dave = b.account("dave")
    do(b, CONTRIBUTE, {"pid": 0, "who": dave, "amount": 500 * U}, OPS)
    # a reward of 250 PHA on 500 shares: the price is exactly 1.5
    do(b, REWARD, {"pid": 0, "source": b.account("charlie"), "amount": 250 * U}, OPS)
    vote_id = referendum(b, voting_period=5)
    # 500 free W-PHA + 500 shares × 1.5 = 1,250
    vote(
        b,
        "dave",
        vote_id,
        aye=625 * U,
        nay=625 * U + 1,
        outcome=ERR + "VoteAmountLargerThanTotalStakes",
    )
    do(
        b,
        VOTE,
        {"aye_amount": 625 * U, "nay_amount": 625 * U, "vote_id": vote_id},
        signed(dave),
        events=VOTED,
        observe=[("wpha", dave), ("referendum", vote_id)],
    )
    check(locked(b, "dave") == 1_250 * U, "the lock is the whole net value")
    do(b, UNWRAP, {"amount": 1}, signed(dave), ERR + "UnwrapAmountExceedsAvaliableStake")


# --- unlock [STK-28] ---------------------------------------------------------------------


@case(suite=SUITE, handler="unlock", presets=MINIMAL, clauses=("STK-28", "STK-7"))
def unlock_errors_in_order(b: CaseBuilder) -> None:
    """unlock checks the origin (BadOrigin, even with max_iterations 0), then max_iterations in
    1..=100 (IterationsIsNotVaild, even while the referendum is ongoing), then that the
    referendum is not ongoing (ReferendumOngoing); a referendum without records, or one that
    never started, unlocks nothing and succeeds."""
    setup(b)
    vote_id = referendum(b, voting_period=2)
    vote(b, "alice", vote_id, aye=100 * U, nay=0)
    do(b, UNLOCK, {"vote_id": vote_id, "max_iterations": 1}, root(), "BadOrigin")
    do(b, UNLOCK, {"vote_id": vote_id, "max_iterations": 0}, root(), "BadOrigin")
    unlock(b, vote_id, 0, ERR + "IterationsIsNotVaild")
    unlock(b, vote_id, 101, ERR + "IterationsIsNotVaild")
    unlock(b, vote_id, 1, ERR + "ReferendumOngoing")
    unlock(b, vote_id, 100, ERR + "ReferendumOngoing")
    until(b, 3)  # the referendum started at block 1 and ends at block 3
    check(isinstance(b.chain.democracy.referendum_info[vote_id], Finished), "finished")
    unlock(b, vote_id, 101, ERR + "IterationsIsNotVaild")
    check(locked(b, "alice") == 100 * U, "a finished referendum's vote locks until unlocked")
    do(
        b,
        UNLOCK,
        {"vote_id": vote_id, "max_iterations": 100},
        signed("ferdie"),
        events=[],
        observe=[("wpha", b.account("alice")), ("wpha_votes", vote_id)],
    )
    check(locked(b, "alice") == 0, "released")
    for index in (vote_id, 7):
        before = b.chain
        unlock(b, index, 1)
        check(b.chain == before, f"nothing to release on {index}: nothing changes")


# --- the life of a W-PHA vote [STK-7] [STK-27]..[STK-29] ----------------------------------


@case(
    suite=SUITE,
    handler="scenario",
    presets=MINIMAL,
    clauses=("STK-7", "STK-27", "STK-28", "STK-29", "CRYPTO-17", "DEM-9", "DEM-11"),
)
def wpha_vote_life(b: CaseBuilder) -> None:
    """Alice, bob and dave vote on referendum 0, alice also on referendum 1: alice's lock is her
    larger vote. Referendum 0 ends; its votes lock until unlocked; two bounded unlocks release the
    voters in twox storage order, alice keeping the lock of her other vote; the W-PHA account's
    democracy vote is removed by democracy's own calls; referendum 1 ends and alice unwraps all."""
    setup(b)
    alice, bob, dave = (b.account(n) for n in ("alice", "bob", "dave"))
    first = referendum(b, voting_period=3, value=U)  # ends at block 4
    second = referendum(b, voting_period=6, value=2 * U)  # ends at block 7
    vote(b, "alice", first, aye=800 * U, nay=0)
    vote(b, "bob", first, aye=0, nay=300 * U)
    vote(b, "dave", first, aye=100 * U, nay=0)
    vote(b, "alice", second, aye=0, nay=400 * U)
    b.observe("wpha", alice)
    check(locked(b, "alice") == 800 * U, "the larger of alice's votes")
    do(b, UNWRAP, {"amount": 200 * U + 1}, signed(alice), ERR + "UnwrapAmountExceedsAvaliableStake")
    do(b, UNWRAP, {"amount": 200 * U}, signed(alice), observe=[("wpha", alice)])
    unlock(b, first, 100, ERR + "ReferendumOngoing")

    until(b, 4)
    b.observe("referendum", first)
    # ayes 900/10 > nays 300/10: the simple majority passes
    check(b.chain.democracy.referendum_info[first] == Finished(True, 4), "passed at block 4")
    vote(b, "alice", first, aye=U, nay=0, outcome=ERR + "ReferendumInvalid")
    check(locked(b, "alice") == 800 * U, "still locked until someone unlocks")

    order = sorted((alice, bob, dave), key=twox_64_concat)
    check(order == [dave, alice, bob], "storage order is not the accounts' byte order here")
    unlock(b, first, 2)
    check(
        set(b.chain.wrapped_balances.votes[first]) == {bob},
        "the first two in storage order are released",
    )
    check(
        (locked(b, "alice"), locked(b, "bob"), locked(b, "dave")) == (400 * U, 300 * U, 0),
        "alice keeps the lock of her vote on the second referendum",
    )
    unlock(b, first, 1)
    check(first not in b.chain.wrapped_balances.votes, "no records left")
    check(locked(b, "bob") == 0, "bob released")
    do(b, UNWRAP, {"amount": 400 * U + 1}, signed(alice), ERR + "UnwrapAmountExceedsAvaliableStake")
    do(b, UNWRAP, {"amount": 400 * U}, signed(alice), observe=[("wpha", alice)])

    # W-PHA's unlock leaves democracy alone: the W-PHA account's vote and lock stay
    check(wpha_democracy_vote(b, first) == Split(900 * U, 300 * U), "the W-PHA vote is kept")
    check(wpha_lock(b) == 1_200 * U, "and its lock")
    do(b, "Democracy.remove_other_vote", {"target": WPHA_ACCOUNT, "index": first}, signed("ferdie"))
    do(
        b,
        "Democracy.unlock",
        {"target": WPHA_ACCOUNT},
        signed("ferdie"),
        observe=[("locks", WPHA_ACCOUNT)],
    )
    check(wpha_lock(b) == 400 * U, "down to the vote on the second referendum")

    until(b, 7)
    # ayes 0 against nays 400/10: rejected
    check(b.chain.democracy.referendum_info[second] == Finished(False, 7), "rejected at block 7")
    unlock(b, second, 1)
    check(locked(b, "alice") == 0, "nothing locked")
    do(b, UNWRAP_ALL, {}, signed(alice), observe=[("wpha", alice), ("balance", alice)])
    check(dict(b.last_events[-1].fields)["amount"] == 400 * U, "the rest is unwrapped")
    do(
        b,
        "Democracy.remove_other_vote",
        {"target": WPHA_ACCOUNT, "index": second},
        signed("ferdie"),
    )
    do(
        b,
        "Democracy.unlock",
        {"target": WPHA_ACCOUNT},
        signed("ferdie"),
        observe=[("locks", WPHA_ACCOUNT), ("wpha_totals",)],
    )
    check(wpha_lock(b) == 0, "the W-PHA account's PHA is free again")
