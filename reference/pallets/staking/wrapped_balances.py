"""W-PHA: wrapping PHA for staking [STK-1]..[STK-9].

``wrap`` locks PHA in the W-PHA account and mints W-PHA 1:1; ``unwrap`` burns
W-PHA and pays the PHA back, never more than the user's free W-PHA nor more
than their net value less their locked amount. A user's *net value* counts
their free W-PHA and their shares in every pool they invested in, at the
pool's current share price.

``locked`` comes from W-PHA democracy votes in production; voting is not
modelled here, so ``locked`` is 0 unless set with :func:`set_locked` (the
``PhalaWrappedBalances.set_locked`` operation stands in for a vote) [STK-7].
"""

from __future__ import annotations

import attrs

from ...chain.ports import Port
from ...chain.staking_state import FinanceAccount
from ...chain.state import AccountId, ChainState, Events, Origin, event
from ...primitives.arith import saturating_sub
from ...primitives.errors import DispatchError
from ...primitives.types import Balance
from ..balances.fungible import Preservation
from ..balances.origins import ensure_signed
from ..balances.transfers import transfer_funds
from . import assets

PALLET = "PhalaWrappedBalances"

WPHA_ACCOUNT = b"wpha/".ljust(32, b"\x00")
"""The account holding the PHA behind W-PHA: ``"wpha/"`` zero-padded [STK-1]."""


stake_value: Port[[ChainState, int, AccountId], int] = Port("PhalaWrappedBalances.StakeValue")
"""What ``who``'s shares in pool ``pid`` are worth at the pool's share price, 0 for a
pool without a price [STK-4]. The base pool prices them; the runtime composition
wires it [CHAIN-13]."""


def staker_account(state: ChainState, who: AccountId) -> FinanceAccount | None:
    """``StakerAccounts[who]`` [STK-3]."""
    return state.wrapped_balances.staker_accounts.get(who)


def _put_account(state: ChainState, who: AccountId, account: FinanceAccount) -> ChainState:
    wb = state.wrapped_balances
    return attrs.evolve(
        state,
        wrapped_balances=attrs.evolve(wb, staker_accounts=wb.staker_accounts.set(who, account)),
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
    return _put_account(
        state, who, attrs.evolve(account, invest_pools=(*account.invest_pools, pid))
    )


def set_locked(state: ChainState, who: AccountId, amount: Balance) -> tuple[ChainState, Events]:
    """Set ``who``'s locked amount (stand-in for the W-PHA votes' lock) [STK-7]."""
    account = staker_account(state, who) or FinanceAccount()
    return _put_account(state, who, attrs.evolve(account, locked=amount)), ()


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
        state = attrs.evolve(
            state, wrapped_balances=attrs.evolve(wb, unmintable_dust=wb.unmintable_dust + amount)
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
