"""Reserves, ``ReservableCurrency``'s operations other pallets call [BAL-16]..[BAL-20].

The ``Currency`` liquidity check [BAL-16] (a lock bounds the *free* balance
here), ``reserve`` [BAL-17], ``unreserve`` [BAL-18], ``slash_reserved``
[BAL-19] and ``repatriate_reserved`` with its balance status [BAL-20].
"""

from __future__ import annotations

from typing import Annotated, Any

from ...chain.state import AccountData, AccountId, ChainState, Events, event
from ...primitives.arith import U128_MAX, min_, saturating_sub
from ...primitives.errors import ArithmeticOverflow, DispatchError, InvalidInput
from ...primitives.records import evolve
from ...primitives.types import Balance, Kind
from .accounts import (
    account_data,
    mutate_account,
    reserved_balance,
    set_total_issuance,
    total_balance,
    total_issuance,
)
from .arithmetic import reserve_amounts, slash_amounts, unreserve_amounts

STATUSES = ("Free", "Reserved")


def _status(value: Any) -> str:
    if isinstance(value, str) and value in STATUSES:
        return value
    raise InvalidInput()


BALANCE_STATUS: Kind[str] = Kind("balance_status", f"a balance status: one of {STATUSES}", _status)
BalanceStatus = Annotated[str, BALANCE_STATUS]  # [BAL-20]


def ensure_can_withdraw(state: ChainState, who: AccountId, amount: int, new_free: int) -> None:
    """The ``Currency`` liquidity check: the new *free* balance must cover the frozen amount [BAL-16].

    Unlike the ``fungible`` check ([BAL-5]), reserved funds do not count
    towards the frozen amount here.
    """
    if amount == 0:
        return
    if new_free < account_data(state, who).frozen:
        raise DispatchError("Balances.LiquidityRestrictions")


def reserve(state: ChainState, who: AccountId, value: Balance) -> tuple[ChainState, Events]:
    """Move ``value`` from free to reserved [BAL-17].

    Fails with ``Balances.InsufficientBalance`` if the free balance is short,
    ``Arithmetic.Overflow`` if the reserve would exceed 128 bits,
    ``Balances.LiquidityRestrictions`` if a lock forbids it, and
    ``ConsumerRemaining`` if it would leave the free balance below the
    existential deposit of an account whose only provider is this pallet.
    """
    if value == 0:
        return state, ()

    def change(data: AccountData, _is_new: bool) -> AccountData:
        if data.free < value:
            raise DispatchError("Balances.InsufficientBalance")
        free, reserved = reserve_amounts(data.free, data.reserved, value)
        if reserved > U128_MAX:
            raise ArithmeticOverflow()
        ensure_can_withdraw(state, who, value, free)
        return evolve(data, free=free, reserved=reserved)

    state, events, _dust = mutate_account(state, who, change)
    return state, (*events, event("Balances.Reserved", who=who, amount=value))


def unreserve(state: ChainState, who: AccountId, value: Balance) -> tuple[ChainState, Events, int]:
    """Move up to ``value`` from reserved back to free; returns what could not be unreserved [BAL-18].

    It never fails. ``Unreserved`` is deposited even when nothing was reserved,
    as long as the account has any balance.
    """
    if value == 0 or total_balance(state, who) == 0:
        return state, (), value
    data = account_data(state, who)
    free, reserved, actual = unreserve_amounts(data.free, data.reserved, value)
    # Production adds saturating: free + reserved can exceed 128 bits after
    # force_set_balance, and then the free balance saturates.
    unreserved = evolve(data, free=min_(free, U128_MAX), reserved=reserved)

    try:
        state, events, _dust = mutate_account(state, who, lambda _d, _new: unreserved)
    except DispatchError:
        return state, (), value
    return state, (*events, event("Balances.Unreserved", who=who, amount=actual)), value - actual


def slash_reserved(
    state: ChainState, who: AccountId, value: Balance
) -> tuple[ChainState, Events, int]:
    """Burn up to ``value`` of the reserve; returns what could not be slashed [BAL-19].

    The slashed amount leaves the total issuance (the caller drops the
    imbalance). Emptying the reserve of an account whose free balance is dust
    reaps it.
    """
    if value == 0:
        return state, (), 0
    if total_balance(state, who) == 0:
        return state, (), value
    reserved, actual = slash_amounts(reserved_balance(state, who), value)
    slashed = evolve(account_data(state, who), reserved=reserved)

    try:
        state, events, _dust = mutate_account(state, who, lambda _d, _new: slashed)
    except DispatchError:
        return state, (), value
    state = set_total_issuance(state, saturating_sub(total_issuance(state), actual))
    return state, (*events, event("Balances.Slashed", who=who, amount=actual)), value - actual


def repatriate_reserved(
    state: ChainState,
    slashed: AccountId,
    beneficiary: AccountId,
    value: Balance,
    status: BalanceStatus,
) -> tuple[ChainState, Events, int]:
    """Move up to ``value`` of one account's reserve to another's free or reserved balance [BAL-20].

    Returns what could not be moved. The beneficiary must already exist
    (``Balances.DeadAccount``). Only the part of the reserve not needed to
    cover the frozen amount can move. Repatriating to oneself into free
    balance is an unreserve; into reserved balance it changes nothing.
    """
    if status not in STATUSES:
        raise InvalidInput(f"status must be one of {STATUSES}")
    if value == 0:
        return state, (), 0
    data = account_data(state, slashed)
    movable = saturating_sub(data.reserved, saturating_sub(data.frozen, data.free))
    actual = min_(value, movable)
    if slashed == beneficiary:
        if status == "Free":
            state, events, leftover = unreserve(state, slashed, actual)
            return state, events, value - (actual - leftover)
        return state, (), value - actual
    if account_data(state, beneficiary) == AccountData():
        raise DispatchError("Balances.DeadAccount")
    to_data = account_data(state, beneficiary)
    if status == "Free":
        if to_data.free + actual > U128_MAX:
            raise ArithmeticOverflow()
        credited = evolve(to_data, free=to_data.free + actual)
    else:
        if to_data.reserved + actual > U128_MAX:
            raise ArithmeticOverflow()
        credited = evolve(to_data, reserved=to_data.reserved + actual)
    state, from_events, _ = mutate_account(
        state, slashed, lambda d, _new: evolve(d, reserved=saturating_sub(d.reserved, actual))
    )
    state, to_events, _ = mutate_account(state, beneficiary, lambda _d, _new: credited)
    repatriated = event(
        "Balances.ReserveRepatriated",
        **{"from": slashed, "to": beneficiary, "amount": actual, "destination_status": status},
    )
    return state, (*from_events, *to_events, repatriated), value - actual
