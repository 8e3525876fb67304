"""Transfers and the root calls: the balances pallet's extrinsics [BAL-9]..[BAL-15].

``transfer_funds`` (``fungible::Mutate::transfer``) [BAL-9], which other
pallets call too, and the extrinsics: ``transfer_allow_death`` [BAL-10],
``transfer_keep_alive`` [BAL-11], ``force_transfer`` [BAL-12],
``transfer_all`` [BAL-13], ``force_set_balance`` [BAL-14] and
``force_unreserve`` [BAL-15].
"""

from __future__ import annotations

from ...chain.state import AccountId, ChainState, Events, Origin, event
from ...primitives.arith import saturating_add, saturating_sub
from ...primitives.errors import DispatchError
from ...primitives.records import evolve
from ...primitives.types import Balance, Bool
from .accounts import (
    existential_deposit,
    free_balance,
    mutate_account,
    set_total_issuance,
    total_issuance,
)
from .fungible import (
    BEST_EFFORT,
    DEPOSIT_ERRORS,
    EXPENDABLE,
    EXTANT,
    POLITE,
    PRESERVE,
    Preservation,
    can_deposit,
    can_withdraw,
    decrease_balance,
    ensure_can_withdraw_consequence,
    increase_balance,
    reducible_balance,
)
from .origins import ensure_root, ensure_signed
from .reservable import unreserve


def transfer_funds(
    state: ChainState,
    source: AccountId,
    dest: AccountId,
    amount: int,
    preservation: Preservation,
) -> tuple[ChainState, Events]:
    """Move free balance between accounts (``fungible::Mutate::transfer``) [BAL-9].

    Check order: the source can pay (withdraw consequence, [BAL-5]); the
    destination can receive ([BAL-7]); then a transfer to oneself does nothing.
    The source is reduced best-effort and may be reaped; the destination is
    credited and may be created.
    """
    consequence, _ = can_withdraw(state, source, amount)
    ensure_can_withdraw_consequence(consequence, preservation is not EXPENDABLE)
    deposit = can_deposit(state, dest, amount, EXTANT)
    if deposit in DEPOSIT_ERRORS:
        raise DispatchError(DEPOSIT_ERRORS[deposit])
    if source == dest:
        return state, ()
    state, taken_events, _ = decrease_balance(
        state, source, amount, BEST_EFFORT, preservation, POLITE
    )
    state, given_events, _ = increase_balance(state, dest, amount, BEST_EFFORT)
    done = event("Balances.Transfer", **{"from": source, "to": dest, "amount": amount})
    return state, (*taken_events, *given_events, done)


def transfer_allow_death(
    state: ChainState, origin: Origin, dest: AccountId, value: Balance
) -> tuple[ChainState, Events]:
    """Transfer that may reap the sender [BAL-10]."""
    source = ensure_signed(origin)
    return transfer_funds(state, source, dest, value, EXPENDABLE)


def transfer_keep_alive(
    state: ChainState, origin: Origin, dest: AccountId, value: Balance
) -> tuple[ChainState, Events]:
    """Transfer that must leave the sender at or above the existential deposit [BAL-11]."""
    source = ensure_signed(origin)
    return transfer_funds(state, source, dest, value, PRESERVE)


def force_transfer(
    state: ChainState, origin: Origin, source: AccountId, dest: AccountId, value: Balance
) -> tuple[ChainState, Events]:
    """Root moves funds from any account, which may be reaped [BAL-12]."""
    ensure_root(origin)
    return transfer_funds(state, source, dest, value, EXPENDABLE)


def transfer_all(
    state: ChainState, origin: Origin, dest: AccountId, keep_alive: Bool
) -> tuple[ChainState, Events]:
    """Transfer everything that can be withdrawn politely [BAL-13].

    With ``keep_alive`` the existential deposit stays; otherwise the sender is
    emptied unless a reserve or lock keeps a consumer on it.
    """
    source = ensure_signed(origin)
    preservation = PRESERVE if keep_alive else EXPENDABLE
    amount = reducible_balance(state, source, preservation, POLITE)
    return transfer_funds(state, source, dest, amount, preservation)


def force_set_balance(
    state: ChainState, origin: Origin, who: AccountId, new_free: Balance
) -> tuple[ChainState, Events]:
    """Root sets a free balance; below the existential deposit it becomes zero [BAL-14].

    The total issuance moves by the difference.
    """
    ensure_root(origin)
    if new_free < existential_deposit(state):
        new_free = 0
    old_free = free_balance(state, who)
    state, events, _dust = mutate_account(
        state, who, lambda data, _new: evolve(data, free=new_free)
    )
    issuance = total_issuance(state)
    if new_free > old_free:
        issuance = saturating_add(issuance, new_free - old_free)
    else:
        issuance = saturating_sub(issuance, old_free - new_free)
    state = set_total_issuance(state, issuance)
    return state, (*events, event("Balances.BalanceSet", who=who, free=new_free))


def force_unreserve(
    state: ChainState, origin: Origin, who: AccountId, amount: Balance
) -> tuple[ChainState, Events]:
    """Root unreserves up to ``amount`` [BAL-15]."""
    ensure_root(origin)
    state, events, _leftover = unreserve(state, who, amount)
    return state, events
