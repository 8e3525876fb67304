"""The W-PHA asset: the part of ``pallet_assets`` staking uses [STK-1] [STK-2].

Production keeps W-PHA as asset ``WPhaAssetId`` (10000) of ``pallet_assets``
with a minimum balance. Only what staking needs is modelled: per-account
balances, the supply and the minimum balance (``config.staking.wpha_min_balance``):

* an account that does not hold the minimum balance does not exist, so a
  mint or a transfer that would leave a new holder below it fails with
  ``Token.BelowMinimum``;
* an ``Expendable`` debit that leaves less than the minimum balance takes the
  remainder too (``ReducedToZero(rest)``): a burn burns it, a transfer hands it
  to the destination.

Asset freezing, approvals, sufficiency and provider references are not
modelled: no staking rule reads them.
"""

from __future__ import annotations

from ...chain.state import AccountId, ChainState, Events, event
from ...primitives.arith import U128_MAX
from ...primitives.errors import ArithmeticOverflow, DispatchError
from ...primitives.records import evolve
from ...primitives.types import Balance

WPHA_ASSET_ID = 10_000


def balance(state: ChainState, who: AccountId) -> int:
    """The W-PHA balance of ``who`` (0 for a non-holder) [STK-1]."""
    return state.assets.balances.get(who, 0)


def supply(state: ChainState) -> int:
    """The W-PHA supply [STK-1]."""
    return state.assets.supply


def min_balance(state: ChainState) -> int:
    """W-PHA's minimum balance [STK-2]."""
    return state.config.staking.wpha_min_balance


def _set(state: ChainState, who: AccountId, amount: int, supply_delta: int) -> ChainState:
    held = state.assets.balances
    balances = held.set(who, amount) if amount else (held.delete(who) if who in held else held)
    return evolve(
        state,
        assets=evolve(state.assets, balances=balances, supply=state.assets.supply + supply_delta),
    )


def _can_increase(state: ChainState, who: AccountId, amount: int, minted: bool) -> None:
    """``can_increase`` [STK-1]: overflow, then a new holder below the minimum balance."""
    if minted and supply(state) + amount > U128_MAX:
        raise ArithmeticOverflow()
    new = balance(state, who) + amount
    if new > U128_MAX:
        raise ArithmeticOverflow()
    if new < min_balance(state):
        raise DispatchError("Token.BelowMinimum")


def _debit(state: ChainState, who: AccountId, amount: int) -> int:
    """What an ``Expendable`` debit of ``amount`` really takes: ``amount`` plus a remainder below the minimum [STK-1]."""
    held = balance(state, who)
    if amount > held:
        raise DispatchError("Token.FundsUnavailable")
    rest = held - amount
    return held if rest < min_balance(state) else amount


def mint(state: ChainState, who: AccountId, amount: int) -> tuple[ChainState, Events]:
    """``fungibles::Mutate::mint_into`` of W-PHA [STK-1]; minting zero does nothing."""
    if amount == 0:
        return state, ()
    _can_increase(state, who, amount, minted=True)
    state = _set(state, who, balance(state, who) + amount, amount)
    return state, (event("Assets.Issued", asset_id=WPHA_ASSET_ID, owner=who, amount=amount),)


def burn(state: ChainState, who: AccountId, amount: int) -> tuple[ChainState, Events, int]:
    """``burn_from`` (Exact, Expendable) [STK-1]; returns what was burnt (with a remainder below the minimum)."""
    if amount == 0:
        return state, (), 0
    burnt = _debit(state, who, amount)
    state = _set(state, who, balance(state, who) - burnt, -burnt)
    return state, (event("Assets.Burned", asset_id=WPHA_ASSET_ID, owner=who, balance=burnt),), burnt


def transfer(
    state: ChainState, source: AccountId, dest: AccountId, amount: Balance
) -> tuple[ChainState, Events, int]:
    """``fungibles::Mutate::transfer`` (Expendable) [STK-1]; returns what the destination received.

    Check order: the source holds ``amount`` (``Token.FundsUnavailable``), the
    destination can receive it (``Token.BelowMinimum``). A remainder of the
    source below the minimum balance goes along (it is not burnt).
    """
    if amount == 0:
        return state, (), 0
    moved = _debit(state, source, amount)
    _can_increase(state, dest, moved, minted=False)
    if source == dest:
        return state, (), moved
    state = _set(state, source, balance(state, source) - moved, 0)
    state = _set(state, dest, balance(state, dest) + moved, 0)
    done = event(
        "Assets.Transferred", asset_id=WPHA_ASSET_ID, **{"from": source, "to": dest}, amount=moved
    )
    return state, (done,), moved
