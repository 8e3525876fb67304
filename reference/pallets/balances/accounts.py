"""Reading an account's balances and mutating its data [BAL-1]..[BAL-3] [BAL-8].

The account data and total issuance readers [BAL-1] [BAL-2], and
``mutate_account`` [BAL-3]: every change to an account's balances goes
through it, which settles the provider and consumer references of
``frame_system`` ([SYS-1]..[SYS-5]) and burns the dust of an account that
falls below the existential deposit [BAL-8].
"""

from __future__ import annotations

from collections.abc import Callable

from ...chain.state import (
    NO_DATA,
    AccountData,
    AccountId,
    BalanceLock,
    ChainState,
    Event,
    Events,
    event,
)
from ...chain.system import (
    account_info,
    dec_consumers,
    dec_providers,
    inc_consumers,
    inc_providers,
    put_account_info,
)
from ...primitives.arith import saturating_sub
from ...primitives.records import evolve
from .arithmetic import split_dust

PALLET = "Balances"


def account_data(state: ChainState, who: AccountId) -> AccountData:
    """The balances data of an account (zero for an absent account) [BAL-1]."""
    return account_info(state, who).data


def free_balance(state: ChainState, who: AccountId) -> int:
    return account_data(state, who).free


def reserved_balance(state: ChainState, who: AccountId) -> int:
    return account_data(state, who).reserved


def total_balance(state: ChainState, who: AccountId) -> int:
    """Free plus reserved [BAL-1]."""
    return account_data(state, who).total


def total_issuance(state: ChainState) -> int:
    """The total amount of the native token in existence [BAL-2]."""
    return state.balances.total_issuance


def locks(state: ChainState, who: AccountId) -> tuple[BalanceLock, ...]:
    return state.balances.locks.get(who, ())


def existential_deposit(state: ChainState) -> int:
    return state.config.existential_deposit


def mutate_account(
    state: ChainState,
    who: AccountId,
    change: Callable[[AccountData, bool], AccountData],
) -> tuple[ChainState, Events, int]:
    """Apply ``change`` to an account's data and settle reference counts and dust [BAL-3].

    Returns the new state, the events and the dust that was burnt. The order of
    the bookkeeping is production's: a provider is added when the free balance
    reaches the existential deposit; a consumer is taken while anything is
    reserved or frozen; the provider is dropped (which may reap the account)
    last. An account whose free balance is below the existential deposit and
    that has nothing reserved is removed, and its free balance is lost as dust
    (``DustLost``) and burnt from the total issuance [BAL-8].
    """
    ed = existential_deposit(state)
    info = account_info(state, who)
    before = info.data
    is_new = before == NO_DATA
    did_provide = before.free >= ed and (ed != 0 or info.providers > 0)
    did_consume = not is_new and (before.reserved != 0 or before.frozen != 0)

    after = change(before, is_new)

    does_provide = after.free >= ed
    does_consume = after.reserved != 0 or after.frozen != 0
    inner: list[Event] = []
    if not did_provide and does_provide:
        state, events = inc_providers(state, who)
        inner.extend(events)
    if did_consume and not does_consume:
        state = dec_consumers(state, who)
    if not did_consume and does_consume:
        state = inc_consumers(state, who)
    if does_consume and account_info(state, who).consumers == 0:
        state = inc_consumers(state, who)  # production's defensive bump
    if did_provide and not does_provide:
        state, events = dec_providers(state, who)
        inner.extend(events)

    _kept_free, dust = split_dust(after.free, after.reserved, ed)
    reaped = after.free < ed and after.reserved == 0
    # Only a reaped account loses dust (all of its free balance): any other keeps
    # its whole free balance, so its data is stored as the change made it.
    state = _store_data(state, who, NO_DATA if reaped else after)

    outer: list[Event] = []
    if is_new:
        outer.append(event("Balances.Endowed", account=who, free_balance=after.free))
    if dust:
        outer.append(event("Balances.DustLost", account=who, amount=dust))
        state = set_total_issuance(state, saturating_sub(total_issuance(state), dust))
    return state, (*inner, *outer), dust


def _store_data(state: ChainState, who: AccountId, data: AccountData) -> ChainState:
    """System's account store keeps the data while the account has a reference, else removes it."""
    info = account_info(state, who)
    if info.providers > 0 or info.sufficients > 0:
        return put_account_info(state, who, evolve(info, data=data))
    if who in state.system.accounts:
        return put_account_info(state, who, evolve(info, data=NO_DATA))
    return state


def set_total_issuance(state: ChainState, amount: int) -> ChainState:
    """Set the total issuance [BAL-2]."""
    return evolve(state, balances=evolve(state.balances, total_issuance=amount))
