"""W-PHA: wrapping PHA for staking, and voting with it [STK-1]..[STK-9] [STK-27] [STK-28].

``wrap`` locks PHA in the W-PHA account and mints W-PHA 1:1; ``unwrap`` burns
W-PHA and pays the PHA back, never more than the user's free W-PHA nor more
than their net value less their locked amount. A user's *net value* counts
their free W-PHA and their shares in every pool they invested in, at the
pool's current share price.

``vote`` records a user's aye and nay amounts on a referendum and casts the
sum of every user's amounts as one split vote of the W-PHA account in
democracy; a user's ``locked`` is the largest ``aye + nay`` of their recorded
votes [STK-7]. ``unlock`` drops the records of a referendum that is no longer
ongoing, a bounded number of users at a time, in storage order.
"""

from __future__ import annotations

import immutables

from ...chain.democracy_state import Ongoing, Split
from ...chain.ports import Port
from ...chain.staking_state import FinanceAccount, UserVote
from ...chain.state import AccountId, BlockContext, ChainState, Events, Origin, Signed, event
from ...primitives.arith import saturating_sub
from ...primitives.codec import twox_64_concat
from ...primitives.errors import DispatchError
from ...primitives.records import evolve
from ...primitives.types import U32, Balance
from ..balances.fungible import Preservation
from ..balances.origins import ensure_signed
from ..balances.transfers import transfer_funds
from . import assets

PALLET = "PhalaWrappedBalances"

WPHA_ACCOUNT = b"wpha/".ljust(32, b"\x00")
"""The account holding the PHA behind W-PHA: ``"wpha/"`` zero-padded [STK-1]."""

MAX_ITERATIONS = 100
"""The most users one ``unlock`` may release [STK-28]."""

STAKER_ACCOUNT_NOT_FOUND = f"{PALLET}.StakerAccountNotFound"
REFERENDUM_INVALID = f"{PALLET}.ReferendumInvalid"
REFERENDUM_ONGOING = f"{PALLET}.ReferendumOngoing"
VOTE_AMOUNT_TOO_LARGE = f"{PALLET}.VoteAmountLargerThanTotalStakes"
ITERATIONS_NOT_VALID = f"{PALLET}.IterationsIsNotVaild"


stake_value: Port[[ChainState, int, AccountId], int] = Port("PhalaWrappedBalances.StakeValue")
"""What ``who``'s shares in pool ``pid`` are worth at the pool's share price, 0 for a
pool without a price [STK-4]. The base pool prices them; the runtime composition
wires it [CHAIN-13]."""

cast_vote: Port[[ChainState, BlockContext, Origin, int, Split], tuple[ChainState, Events]] = Port(
    "PhalaWrappedBalances.Democracy"
)
"""Democracy's ``vote`` [DEM-9], through which the W-PHA account casts its split vote
[STK-27]; the runtime composition wires it [CHAIN-13]."""


def staker_account(state: ChainState, who: AccountId) -> FinanceAccount | None:
    """``StakerAccounts[who]`` [STK-3]."""
    return state.wrapped_balances.staker_accounts.get(who)


def _put_account(state: ChainState, who: AccountId, account: FinanceAccount) -> ChainState:
    wb = state.wrapped_balances
    return evolve(
        state,
        wrapped_balances=evolve(wb, staker_accounts=wb.staker_accounts.set(who, account)),
    )


def _ensure_account(state: ChainState, who: AccountId) -> ChainState:
    if staker_account(state, who) is None:
        return _put_account(state, who, FinanceAccount())
    return state


def subscribe_to_pool(state: ChainState, who: AccountId, pid: int) -> ChainState:
    """``maybe_subscribe_to_pool``: add ``pid`` to ``who``'s invest pools once [STK-3]."""
    account = staker_account(state, who) or FinanceAccount()
    if pid in account.invest_pools:
        return _ensure_account(state, who)
    return _put_account(state, who, evolve(account, invest_pools=(*account.invest_pools, pid)))


def net_value(state: ChainState, who: AccountId) -> int:
    """Free W-PHA plus, per invest pool, ``bmul(shares, price)`` of ``who``'s shares [STK-4].

    A pool's shares are the merged record and the queued withdrawals; a pool
    without a share price counts nothing.
    """
    total = assets.balance(state, who)
    account = staker_account(state, who)
    for pid in account.invest_pools if account is not None else ():
        total += stake_value(state, pid, who)
    return total


def unwrappable(state: ChainState, who: AccountId) -> int:
    """``min(net_value - locked, free W-PHA)``, the most ``who`` may unwrap [STK-5]."""
    account = staker_account(state, who)
    locked = account.locked if account is not None else 0
    return min(int(saturating_sub(net_value(state, who), locked)), assets.balance(state, who))


def mint_into(state: ChainState, who: AccountId, amount: int) -> tuple[ChainState, Events, bool]:
    """Mint W-PHA; below the minimum balance the amount is ``UnmintableDust`` and nothing fails [STK-6]."""
    try:
        state, events = assets.mint(state, who, amount)
    except DispatchError as exc:
        if exc.code != "Token.BelowMinimum":
            raise
        wb = state.wrapped_balances
        state = evolve(
            state, wrapped_balances=evolve(wb, unmintable_dust=wb.unmintable_dust + amount)
        )
        return state, (), False
    return state, events, True


def fund_wpha_account(
    state: ChainState, source: AccountId, amount: int, *, keep_alive: bool = False
) -> tuple[ChainState, Events]:
    """Move ``amount`` PHA from ``source`` to the W-PHA account [STK-22].

    ``AllowDeath`` by default; ``KeepAlive`` for a reward from the subsidy pool [STK-53].
    """
    preservation = Preservation.PRESERVE if keep_alive else Preservation.EXPENDABLE
    return transfer_funds(state, source, WPHA_ACCOUNT, amount, preservation)


# --- extrinsics [STK-5] ----------------------------------------------------------------


def wrap(state: ChainState, origin: Origin, amount: Balance) -> tuple[ChainState, Events]:
    """``wrap(amount)``: PHA to the W-PHA account (``KeepAlive``), W-PHA minted 1:1 [STK-5].

    Below W-PHA's minimum balance the PHA is still taken and the amount is
    recorded as unmintable dust (production's behaviour). Creates
    ``StakerAccounts[who]`` if absent. Event ``Wrapped{user, amount}``.
    """
    who = ensure_signed(origin)
    state, moved = transfer_funds(state, who, WPHA_ACCOUNT, amount, Preservation.PRESERVE)
    state, minted, _ = mint_into(state, who, amount)
    state = _ensure_account(state, who)
    return state, (*moved, *minted, event(f"{PALLET}.Wrapped", user=who, amount=amount))


def _unwrap(state: ChainState, who: AccountId, amount: int) -> tuple[ChainState, Events]:
    state, burnt, _ = assets.burn(state, who, amount)
    state, paid = transfer_funds(state, WPHA_ACCOUNT, who, amount, Preservation.EXPENDABLE)
    return state, (*burnt, *paid, event(f"{PALLET}.Unwrapped", user=who, amount=amount))


def unwrap(state: ChainState, origin: Origin, amount: Balance) -> tuple[ChainState, Events]:
    """``unwrap(amount)``: ``amount <= min(net_value - locked, free W-PHA)``, else
    ``UnwrapAmountExceedsAvaliableStake``; burn, then pay the PHA back (``AllowDeath``) [STK-5]."""
    who = ensure_signed(origin)
    if amount > unwrappable(state, who):
        raise DispatchError(f"{PALLET}.UnwrapAmountExceedsAvaliableStake")
    return _unwrap(state, who, amount)


def unwrap_all(state: ChainState, origin: Origin) -> tuple[ChainState, Events]:
    """``unwrap_all``: unwrap ``min(net_value - locked, free W-PHA)`` [STK-5]."""
    who = ensure_signed(origin)
    return _unwrap(state, who, unwrappable(state, who))


# --- voting [STK-7] [STK-27] [STK-28] ------------------------------------------------------


def is_ongoing(state: ChainState, vote_id: int) -> bool:
    """Democracy holds referendum ``vote_id`` as ongoing [STK-27] [DEM-1]."""
    return isinstance(state.democracy.referendum_info.get(vote_id), Ongoing)


def voters(state: ChainState, vote_id: int) -> tuple[tuple[AccountId, UserVote], ...]:
    """The users' votes on ``vote_id`` in storage order: by ``Twox64Concat`` key [STK-29] [CRYPTO-17]."""
    votes = state.wrapped_balances.votes.get(vote_id, immutables.Map())
    return tuple(sorted(votes.items(), key=lambda item: twox_64_concat(item[0])))


def aggregate_vote(state: ChainState, vote_id: int) -> Split:
    """The W-PHA account's vote: the users' aye amounts and nay amounts, each summed [STK-27]."""
    recorded = [v for _, v in voters(state, vote_id)]
    return Split(aye=sum(v.aye for v in recorded), nay=sum(v.nay for v in recorded))


def max_locked(state: ChainState, who: AccountId) -> int:
    """The largest ``aye + nay`` of ``who``'s recorded votes, 0 without one [STK-7]."""
    amounts = [
        votes[who].aye + votes[who].nay
        for votes in state.wrapped_balances.votes.values()
        if who in votes
    ]
    return max(amounts, default=0)


def _put_votes(
    state: ChainState, vote_id: int, votes: immutables.Map[AccountId, UserVote]
) -> ChainState:
    wb = state.wrapped_balances
    if votes:
        table = wb.votes.set(vote_id, votes)
    else:
        table = wb.votes.delete(vote_id) if vote_id in wb.votes else wb.votes
    return evolve(state, wrapped_balances=evolve(wb, votes=table))


def _relock(state: ChainState, who: AccountId) -> ChainState:
    """Set ``who``'s ``locked`` to the largest of their recorded votes [STK-7]."""
    account = staker_account(state, who) or FinanceAccount()
    return _put_account(state, who, evolve(account, locked=max_locked(state, who)))


def vote(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    aye_amount: Balance,
    nay_amount: Balance,
    vote_id: U32,
) -> tuple[ChainState, Events]:
    """Vote ``aye_amount`` and ``nay_amount`` of one's W-PHA on an ongoing referendum [STK-27].

    Checks in order: signed origin; the referendum is ongoing
    (``ReferendumInvalid``); the caller has a staker account
    (``StakerAccountNotFound``); ``aye + nay <= net_value``
    (``VoteAmountLargerThanTotalStakes``). The vote replaces the caller's
    earlier one on the referendum; the caller's lock becomes the largest of
    their votes [STK-7]; the W-PHA account then votes the sums of every
    user's amounts as one split vote in democracy (whose errors propagate).
    """
    who = ensure_signed(origin)
    if not is_ongoing(state, vote_id):
        raise DispatchError(REFERENDUM_INVALID)
    if staker_account(state, who) is None:
        raise DispatchError(STAKER_ACCOUNT_NOT_FOUND)
    if aye_amount + nay_amount > net_value(state, who):
        raise DispatchError(VOTE_AMOUNT_TOO_LARGE)
    votes = state.wrapped_balances.votes.get(vote_id, immutables.Map())
    state = _put_votes(state, vote_id, votes.set(who, UserVote(aye_amount, nay_amount)))
    state = _relock(state, who)
    state, cast = cast_vote(
        state, ctx, Signed(WPHA_ACCOUNT), vote_id, aggregate_vote(state, vote_id)
    )
    return state, (
        *cast,
        event(
            f"{PALLET}.Voted",
            user=who,
            vote_id=vote_id,
            aye_amount=aye_amount,
            nay_amount=nay_amount,
        ),
    )


def unlock(
    state: ChainState, origin: Origin, vote_id: U32, max_iterations: U32
) -> tuple[ChainState, Events]:
    """Release the W-PHA votes on a referendum that is no longer ongoing, up to
    ``max_iterations`` users in storage order (any signed caller) [STK-28].

    Checks in order: signed origin; ``1 <= max_iterations <= 100``
    (``IterationsIsNotVaild``); the referendum is not ongoing
    (``ReferendumOngoing``; a finished, cancelled or unknown one passes). Each
    released user's record is removed and their lock becomes the largest of
    their remaining votes [STK-7]. Democracy's records are left as they are.
    """
    ensure_signed(origin)
    if not 1 <= max_iterations <= MAX_ITERATIONS:
        raise DispatchError(ITERATIONS_NOT_VALID)
    if is_ongoing(state, vote_id):
        raise DispatchError(REFERENDUM_ONGOING)
    released = voters(state, vote_id)[:max_iterations]
    votes = state.wrapped_balances.votes.get(vote_id, immutables.Map())
    for who, _ in released:
        votes = votes.delete(who)
    state = _put_votes(state, vote_id, votes)
    for who, _ in released:
        state = _relock(state, who)
    return state, ()
