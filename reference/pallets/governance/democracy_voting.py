"""Votes, tallies, vote locks and delegation [DEM-8] [DEM-9] [DEM-11]..[DEM-13].

A vote's balance [DEM-8]; counting votes and delegated weight in a tally
[DEM-9]; ``vote`` [DEM-8] [DEM-9]; ``remove_vote``, ``remove_other_vote`` and
``unlock`` with the lock a voting record needs [DEM-11]; ``delegate`` and
``undelegate`` [DEM-12] [DEM-13]. The arithmetic they use is
:mod:`.democracy_arithmetic`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...chain.democracy_state import (
    AccountVote,
    Conviction,
    Delegating,
    Delegations,
    Direct,
    Finished,
    Ongoing,
    PriorLock,
    Standard,
    Tally,
    Vote,
    Voting,
)
from ...chain.state import AccountId, BlockContext, ChainState, Events, Origin, event
from ...primitives.arith import checked_add, checked_sub, saturating_add, saturating_sub
from ...primitives.errors import DispatchError
from ...primitives.records import evolve
from ...primitives.types import U32, Balance
from ..balances.accounts import free_balance
from ..balances.lockable import extend_lock, remove_lock, set_lock
from ..balances.origins import ensure_signed
from .democracy_arithmetic import (
    accumulate,
    conviction_votes,
    lock_periods,
    locked_balance,
    rejig,
    unlock_block,
)
from .democracy_storage import (
    ALREADY_DELEGATING,
    INSUFFICIENT_FUNDS,
    LOCK_ID,
    MAX_VOTES_REACHED,
    NO_PERMISSION,
    NONSENSE,
    NOT_DELEGATING,
    NOT_VOTER,
    VOTES_EXIST,
    parameters,
    put_referendum_info,
    put_voting,
    referendum_status,
    voting_of,
)

# --- Tallies [DEM-9] ---------------------------------------------------------------------


def vote_balance(vote: AccountVote) -> int:
    """``AccountVote::balance``: the amount a vote locks [DEM-8]."""
    if isinstance(vote, Standard):
        return vote.balance
    return int(saturating_add(vote.aye, vote.nay))


def _count(tally: Tally, vote: AccountVote, op: Callable[[int, int], int]) -> Tally:
    """Apply ``op`` (checked add or sub) of a vote's capital to the turnout and its votes to its side."""
    if isinstance(vote, Standard):
        d = conviction_votes(vote.conviction, vote.balance)
        sides = (d.votes, 0) if vote.aye else (0, d.votes)
        turnout = op(tally.turnout, d.capital)
    else:
        aye, nay = conviction_votes(0, vote.aye), conviction_votes(0, vote.nay)
        sides = (aye.votes, nay.votes)
        turnout = op(op(tally.turnout, aye.capital), nay.capital)
    return Tally(op(tally.ayes, sides[0]), op(tally.nays, sides[1]), turnout)


def tally_add(tally: Tally, vote: AccountVote) -> Tally:
    """Count a vote (checked: an overflow fails the call) [DEM-9]."""
    return _count(tally, vote, checked_add)


def tally_remove(tally: Tally, vote: AccountVote) -> Tally:
    """Uncount a vote (checked subtraction) [DEM-9]."""
    return _count(tally, vote, checked_sub)


def _shift(tally: Tally, aye: bool, d: Delegations, op: Callable[[int, int], Any]) -> Tally:
    ayes, nays = (d.votes, 0) if aye else (0, d.votes)
    return Tally(
        int(op(tally.ayes, ayes)), int(op(tally.nays, nays)), int(op(tally.turnout, d.capital))
    )


def tally_increase(tally: Tally, aye: bool, d: Delegations) -> Tally:
    """Add delegated weight to one side (saturating) [DEM-9]."""
    return _shift(tally, aye, d, saturating_add)


def tally_reduce(tally: Tally, aye: bool, d: Delegations) -> Tally:
    """Take delegated weight from one side (saturating) [DEM-9]."""
    return _shift(tally, aye, d, saturating_sub)


def _add_delegations(a: Delegations, b: Delegations) -> Delegations:
    return Delegations(
        int(saturating_add(a.votes, b.votes)), int(saturating_add(a.capital, b.capital))
    )


def _sub_delegations(a: Delegations, b: Delegations) -> Delegations:
    return Delegations(
        int(saturating_sub(a.votes, b.votes)), int(saturating_sub(a.capital, b.capital))
    )


# --- Voting [DEM-8] [DEM-9] [DEM-11] -----------------------------------------------------


def _extend_lock(state: ChainState, who: AccountId, amount: int) -> tuple[ChainState, Events]:
    return extend_lock(state, who, LOCK_ID, amount, "All")


def vote(
    state: ChainState, ctx: BlockContext, origin: Origin, ref_index: U32, vote: Vote
) -> tuple[ChainState, Events]:
    """Vote on an ongoing referendum, or replace one's vote [DEM-8] [DEM-9].

    Checks in order: signed origin, ongoing referendum (``ReferendumInvalid``),
    the vote's balance within the free balance (``InsufficientFunds``), not
    delegating (``AlreadyDelegating``), room for a new vote
    (``MaxVotesReached``). A replaced vote is uncounted with its delegations
    first; a standard vote carries the voter's delegations. The lock is
    extended to the vote's balance.
    """
    who = ensure_signed(origin)
    status = referendum_status(state, ref_index)
    if vote_balance(vote) > free_balance(state, who):
        raise DispatchError(INSUFFICIENT_FUNDS)
    record = voting_of(state, who)
    if not isinstance(record, Direct):
        raise DispatchError(ALREADY_DELEGATING)
    tally = status.tally
    votes = dict(record.votes)
    if ref_index in votes:
        old = votes[ref_index]
        tally = tally_remove(tally, old)
        if isinstance(old, Standard):
            tally = tally_reduce(tally, old.aye, record.delegations)
    elif len(votes) >= parameters(state).max_votes:
        raise DispatchError(MAX_VOTES_REACHED)
    votes[ref_index] = vote
    tally = tally_add(tally, vote)
    if isinstance(vote, Standard):
        tally = tally_increase(tally, vote.aye, record.delegations)
    state = put_voting(state, who, evolve(record, votes=tuple(sorted(votes.items()))))
    state, lock_events = _extend_lock(state, who, vote_balance(vote))
    state = put_referendum_info(state, ref_index, evolve(status, tally=tally))
    return state, (
        event("Democracy.Voted", voter=who, ref_index=ref_index, vote=vote),
        *lock_events,
    )


def _remove_vote(
    state: ChainState, now: int, who: AccountId, ref_index: int, only_expired: bool
) -> ChainState:
    """``try_remove_vote`` [DEM-11]: the rules for removing ``who``'s vote on ``ref_index``."""
    record = voting_of(state, who)
    if not isinstance(record, Direct):
        return state  # production quietly succeeds for a delegating account
    votes = dict(record.votes)
    if ref_index not in votes:
        raise DispatchError(NOT_VOTER)
    old = votes.pop(ref_index)
    prior = record.prior
    info = state.democracy.referendum_info.get(ref_index)
    if isinstance(info, Ongoing):
        if only_expired:
            raise DispatchError(NO_PERMISSION)
        tally = tally_remove(info.tally, old)
        if isinstance(old, Standard):
            tally = tally_reduce(tally, old.aye, record.delegations)
        state = put_referendum_info(state, ref_index, evolve(info, tally=tally))
    elif (
        isinstance(info, Finished)
        and isinstance(old, Standard)
        and old.conviction > 0
        and old.aye == info.approved
    ):
        unlock_at = unlock_block(
            info.end, parameters(state).vote_locking_period, lock_periods(old.conviction)
        )
        if now < unlock_at:
            if only_expired:
                raise DispatchError(NO_PERMISSION)
            prior = accumulate(prior, unlock_at, old.balance)
    return put_voting(state, who, Direct(tuple(sorted(votes.items())), record.delegations, prior))


def remove_vote(
    state: ChainState, ctx: BlockContext, origin: Origin, index: U32
) -> tuple[ChainState, Events]:
    """Remove one's own vote [DEM-11]."""
    who = ensure_signed(origin)
    return _remove_vote(state, ctx.number, who, index, only_expired=False), ()


def remove_other_vote(
    state: ChainState, ctx: BlockContext, origin: Origin, target: AccountId, index: U32
) -> tuple[ChainState, Events]:
    """Remove someone's vote; for another account only when it no longer locks [DEM-11]."""
    who = ensure_signed(origin)
    return _remove_vote(state, ctx.number, target, index, only_expired=target != who), ()


def lock_needed(record: Voting) -> int:
    """The lock a (rejigged) record needs [DEM-11]."""
    if isinstance(record, Delegating):
        return int(locked_balance(record.prior.amount, (record.balance,)))
    return int(locked_balance(record.prior.amount, tuple(vote_balance(v) for _, v in record.votes)))


def unlock(
    state: ChainState, ctx: BlockContext, origin: Origin, target: AccountId
) -> tuple[ChainState, Events]:
    """Anyone recomputes ``target``'s lock: expired prior locks drop, the lock is set to what remains [DEM-11]."""
    ensure_signed(origin)
    record = voting_of(state, target)
    record = evolve(record, prior=rejig(record.prior, ctx.number))
    state = put_voting(state, target, record)
    needed = lock_needed(record)
    if needed == 0:
        return remove_lock(state, target, LOCK_ID)
    return set_lock(state, target, LOCK_ID, needed, "All")


# --- Delegation [DEM-12] [DEM-13] --------------------------------------------------------


def _upstream(state: ChainState, target: AccountId, amount: Delegations, add: bool) -> ChainState:
    """Add (or take) delegated weight at ``target``; a direct target passes it to its standard votes [DEM-12]."""
    record = voting_of(state, target)
    change = _add_delegations if add else _sub_delegations
    state = put_voting(
        state, target, evolve(record, delegations=change(record.delegations, amount))
    )
    if isinstance(record, Direct):
        for ref_index, account_vote in record.votes:
            info = state.democracy.referendum_info.get(ref_index)
            if isinstance(account_vote, Standard) and isinstance(info, Ongoing):
                move = tally_increase if add else tally_reduce
                tally = move(info.tally, account_vote.aye, amount)
                state = put_referendum_info(state, ref_index, evolve(info, tally=tally))
    return state


def _release_delegation(
    state: ChainState, now: int, record: Delegating
) -> tuple[ChainState, PriorLock]:
    """Withdraw a delegation from its target; its balance stays locked for its conviction's periods [DEM-12]."""
    state = _upstream(
        state, record.target, conviction_votes(record.conviction, record.balance), add=False
    )
    until = unlock_block(
        now, parameters(state).vote_locking_period, lock_periods(record.conviction)
    )
    return state, accumulate(record.prior, until, record.balance)


def delegate(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    to: AccountId,
    conviction: Conviction,
    balance: Balance,
) -> tuple[ChainState, Events]:
    """Lend one's voting power to another account (one level only) [DEM-12].

    Checks in order: signed origin, not oneself (``Nonsense``), balance within
    the free balance (``InsufficientFunds``), no votes in place when not
    delegating yet (``VotesExist``). A previous delegation is withdrawn first
    and leaves a prior lock. The lock is extended to ``balance``.
    """
    who = ensure_signed(origin)
    if who == to:
        raise DispatchError(NONSENSE)
    if balance > free_balance(state, who):
        raise DispatchError(INSUFFICIENT_FUNDS)
    record = voting_of(state, who)
    if isinstance(record, Delegating):
        state, prior = _release_delegation(state, ctx.number, record)
    else:
        if record.votes:
            raise DispatchError(VOTES_EXIST)
        prior = record.prior
    # The old target's record may have changed: re-read ours (never the target).
    delegations = voting_of(state, who).delegations
    state = put_voting(state, who, Delegating(balance, to, conviction, delegations, prior))
    state = _upstream(state, to, conviction_votes(conviction, balance), add=True)
    state, lock_events = _extend_lock(state, who, balance)
    return state, (*lock_events, event("Democracy.Delegated", who=who, target=to))


def undelegate(state: ChainState, ctx: BlockContext, origin: Origin) -> tuple[ChainState, Events]:
    """End one's delegation; its balance stays locked for its conviction's periods [DEM-13]."""
    who = ensure_signed(origin)
    record = voting_of(state, who)
    if not isinstance(record, Delegating):
        raise DispatchError(NOT_DELEGATING)
    state, prior = _release_delegation(state, ctx.number, record)
    delegations = voting_of(state, who).delegations
    state = put_voting(state, who, Direct((), delegations, prior))
    return state, (event("Democracy.Undelegated", account=who),)
