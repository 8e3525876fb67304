"""Minting and burning, the operations other pallets call that change the total issuance [BAL-25]..[BAL-28].

``fungible::Mutate``'s ``mint_into`` [BAL-25] and ``burn_from`` [BAL-26];
``Currency``'s ``withdraw`` [BAL-27], ``deposit_creating`` and
``deposit_into_existing`` [BAL-28] (a deposit that cannot be made is silently
dropped).
"""

from __future__ import annotations

from ...chain.state import AccountData, AccountId, ChainState, Events, event
from ...primitives.arith import U128_MAX, min_, saturating_add, saturating_sub
from ...primitives.errors import ArithmeticOverflow, DispatchError
from ...primitives.records import evolve
from ...primitives.types import Balance, Bool
from .accounts import existential_deposit, mutate_account, set_total_issuance, total_issuance
from .fungible import (
    BEST_EFFORT,
    EXACT,
    EXPENDABLE,
    POLITE,
    decrease_balance,
    increase_balance,
    reducible_balance,
)
from .reservable import ensure_can_withdraw


def mint_into(state: ChainState, who: AccountId, amount: Balance) -> tuple[ChainState, Events]:
    """Create ``amount`` new tokens in ``who``'s free balance (``fungible::Mutate::mint_into``) [BAL-25]."""
    if total_issuance(state) + amount > U128_MAX:
        raise ArithmeticOverflow()
    state, events, actual = increase_balance(state, who, amount, EXACT)
    state = set_total_issuance(state, saturating_add(total_issuance(state), actual))
    return state, (*events, event("Balances.Minted", who=who, amount=amount))


def burn_from(state: ChainState, who: AccountId, amount: Balance) -> tuple[ChainState, Events]:
    """Destroy exactly ``amount`` of ``who``'s free balance, politely, may reap [BAL-26]."""
    actual = min_(reducible_balance(state, who, EXPENDABLE, POLITE), amount)
    if actual != amount:
        raise DispatchError("Token.FundsUnavailable")
    if total_issuance(state) < actual:
        raise ArithmeticOverflow()  # production reports this underflow as Overflow
    state, events, taken = decrease_balance(state, who, actual, BEST_EFFORT, EXPENDABLE, POLITE)
    state = set_total_issuance(state, saturating_sub(total_issuance(state), taken))
    return state, (*events, event("Balances.Burned", who=who, amount=taken))


def withdraw(
    state: ChainState, who: AccountId, value: Balance, keep_alive: Bool
) -> tuple[ChainState, Events]:
    """``Currency::withdraw``: take ``value`` from the free balance and burn it [BAL-27].

    Fails with ``Balances.InsufficientBalance`` when the free balance is short,
    ``Balances.Expendability`` when keep-alive is asked and the withdrawal would
    take a live account below the existential deposit, and
    ``Balances.LiquidityRestrictions`` when a lock forbids it.
    """
    if value == 0:
        return state, ()
    ed = existential_deposit(state)
    withdrawn = (event("Balances.Withdraw", who=who, amount=value),)

    def change(data: AccountData, _is_new: bool) -> AccountData:
        if data.free < value:
            raise DispatchError("Balances.InsufficientBalance")
        new_free = data.free - value
        would_kill = new_free < ed and data.free >= ed
        if keep_alive and would_kill:
            raise DispatchError("Balances.Expendability")
        ensure_can_withdraw(state, who, value, new_free)
        return evolve(data, free=new_free)

    state, events, _dust = mutate_account(state, who, change)
    state = set_total_issuance(state, saturating_sub(total_issuance(state), value))
    return state, (*withdrawn, *events)


def deposit_creating(
    state: ChainState, who: AccountId, value: Balance
) -> tuple[ChainState, Events]:
    """``Currency::deposit_creating``: mint ``value`` into ``who``, creating the account [BAL-28].

    A deposit that cannot be made (below the existential deposit on a new
    account, or an overflow) is silently dropped: nothing changes and no error
    is reported.
    """
    if value == 0:
        return state, ()
    ed = existential_deposit(state)

    def change(data: AccountData, is_new: bool) -> AccountData:
        if is_new and value < ed:
            raise DispatchError("Balances.ExistentialDeposit")
        if data.free + value > U128_MAX:
            raise ArithmeticOverflow()
        return evolve(data, free=data.free + value)

    try:
        new_state, events, _dust = mutate_account(state, who, change)
    except DispatchError:
        return state, ()
    new_state = set_total_issuance(new_state, saturating_add(total_issuance(new_state), value))
    return new_state, (event("Balances.Deposit", who=who, amount=value), *events)


def deposit_into_existing(
    state: ChainState, who: AccountId, value: Balance
) -> tuple[ChainState, Events]:
    """``Currency::deposit_into_existing``: mint into an existing account only (``Balances.DeadAccount``) [BAL-28]."""
    if value == 0:
        return state, ()

    def change(data: AccountData, is_new: bool) -> AccountData:
        if is_new:
            raise DispatchError("Balances.DeadAccount")
        if data.free + value > U128_MAX:
            raise ArithmeticOverflow()
        return evolve(data, free=data.free + value)

    state, events, _dust = mutate_account(state, who, change)
    state = set_total_issuance(state, saturating_add(total_issuance(state), value))
    return state, (event("Balances.Deposit", who=who, amount=value), *events)
