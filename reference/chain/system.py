"""frame_system's account reference counting [SYS-1]..[SYS-5].

An account exists while it has a provider or a sufficient reference.
pallet-balances provides a reference while the free balance is at least the
existential deposit; reserves and locks take consumer references, and an
account with consumers cannot lose its last provider. These counters decide
when an account is reaped, so the balances rules depend on them.
"""

from __future__ import annotations

from ..primitives.errors import DispatchError
from ..primitives.records import evolve
from .state import NO_ACCOUNT, AccountId, AccountInfo, ChainState, Events, event


def account_info(state: ChainState, who: AccountId) -> AccountInfo:
    """The account record, or the default (all zero) record for an absent account [SYS-1]."""
    return state.system.accounts.get(who, NO_ACCOUNT)


def account_exists(state: ChainState, who: AccountId) -> bool:
    """An account exists iff it has a record in storage [SYS-1]."""
    return who in state.system.accounts


def put_account_info(state: ChainState, who: AccountId, info: AccountInfo) -> ChainState:
    """Store an account record; a record with neither providers nor sufficients is removed [SYS-1]."""
    accounts = state.system.accounts
    if info.providers == 0 and info.sufficients == 0:
        accounts = accounts.delete(who) if who in accounts else accounts
    else:
        accounts = accounts.set(who, info)
    return evolve(state, system=evolve(state.system, accounts=accounts))


def can_dec_provider(state: ChainState, who: AccountId) -> bool:
    """True iff removing one provider would not strand consumers [SYS-2]."""
    info = account_info(state, who)
    return info.consumers == 0 or info.providers > 1


def inc_providers(state: ChainState, who: AccountId) -> tuple[ChainState, Events]:
    """Add a provider; the first reference of a fresh account creates it (``System.NewAccount``) [SYS-3]."""
    info = account_info(state, who)
    if info.providers == 0 and info.sufficients == 0:
        info = evolve(info, providers=1)
        return _write(state, who, info), (event("System.NewAccount", account=who),)
    return _write(state, who, evolve(info, providers=info.providers + 1)), ()


def dec_providers(state: ChainState, who: AccountId) -> tuple[ChainState, Events]:
    """Remove a provider [SYS-4].

    The last provider of an account with no consumers and no sufficients reaps
    the account (``System.KilledAccount``). The last provider of an account that
    still has consumers cannot be removed: ``ConsumerRemaining``.
    """
    if who not in state.system.accounts:
        return state, ()
    info = account_info(state, who)
    providers = max(info.providers, 1)
    if providers == 1 and info.consumers == 0 and info.sufficients == 0:
        accounts = state.system.accounts.delete(who)
        state = evolve(state, system=evolve(state.system, accounts=accounts))
        return state, (event("System.KilledAccount", account=who),)
    if providers == 1 and info.consumers > 0:
        raise DispatchError("ConsumerRemaining")
    return _write(state, who, evolve(info, providers=providers - 1)), ()


def inc_consumers(state: ChainState, who: AccountId, *, limit: bool = True) -> ChainState:
    """Add a consumer [SYS-5]: needs a provider (``NoProviders``) and, unless unlimited, room
    below ``max_consumers`` (``TooManyConsumers``)."""
    info = account_info(state, who)
    if info.providers == 0:
        raise DispatchError("NoProviders")
    if limit and info.consumers >= state.config.max_consumers:
        raise DispatchError("TooManyConsumers")
    return _write(state, who, evolve(info, consumers=info.consumers + 1))


def dec_consumers(state: ChainState, who: AccountId) -> ChainState:
    """Remove a consumer; saturates at zero as production does [SYS-5]."""
    if who not in state.system.accounts:
        return state
    info = account_info(state, who)
    return _write(state, who, evolve(info, consumers=max(info.consumers - 1, 0)))


def _write(state: ChainState, who: AccountId, info: AccountInfo) -> ChainState:
    accounts = state.system.accounts.set(who, info)
    return evolve(state, system=evolve(state.system, accounts=accounts))
