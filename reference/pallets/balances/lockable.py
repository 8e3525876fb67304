"""Locks, ``LockableCurrency``'s operations other pallets call [BAL-21]..[BAL-24].

An account's locks and the frozen amount they make, the largest lock
[BAL-21]; ``set_lock`` [BAL-22], ``extend_lock`` [BAL-23] and
``remove_lock`` [BAL-24], with the lock reasons they take.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from ...chain.state import AccountId, BalanceLock, ChainState, Events, event
from ...chain.system import dec_consumers, inc_consumers
from ...primitives.arith import max_
from ...primitives.errors import DispatchError, InvalidInput
from ...primitives.records import evolve
from ...primitives.types import Balance, Kind, LockId
from .accounts import account_data, locks, mutate_account
from .arithmetic import frozen_amount

REASONS = ("None", "Fee", "Misc", "All")


def _reasons(value: Any) -> str:
    if isinstance(value, str) and value in REASONS:
        return value
    raise InvalidInput()


LOCK_REASONS: Kind[str] = Kind("lock_reasons", f"lock reasons: one of {REASONS}", _reasons)
LockReasons = Annotated[str, LOCK_REASONS]  # [BAL-21]


def update_locks(
    state: ChainState, who: AccountId, new_locks: tuple[BalanceLock, ...]
) -> tuple[ChainState, Events]:
    """Store an account's locks and recompute its frozen amount [BAL-21].

    The frozen amount is the *largest* lock, never their sum. More locks than
    ``max_locks`` are only warned about in production, never refused. If the
    account cannot take the consumer reference a lock needs (it has no
    provider), the frozen amount is not written but the lock is still stored
    and the ``Locked`` event still reports the intended change.
    """
    before = account_data(state, who)
    prev_frozen = before.frozen
    after_frozen = int(frozen_amount(tuple(lock.amount for lock in new_locks)))
    # Production ignores a failure here (it is only a debug assertion). On
    # success the account mutation deposits its own events (``Endowed`` with
    # zero for an account that had no balance data).
    account_events: Events = ()
    with contextlib.suppress(DispatchError):
        state, account_events, _dust = mutate_account(
            state, who, lambda d, _new: evolve(d, frozen=after_frozen)
        )
    existed = who in state.balances.locks
    if not new_locks:
        lock_map = state.balances.locks.delete(who) if existed else state.balances.locks
        if existed:
            state = dec_consumers(state, who)
    else:
        lock_map = state.balances.locks.set(who, new_locks)
        if not existed:
            # Production logs a warning and keeps the lock.
            with contextlib.suppress(DispatchError):
                state = inc_consumers(state, who, limit=False)
    state = evolve(state, balances=evolve(state.balances, locks=lock_map))
    if prev_frozen > after_frozen:
        unlocked = event("Balances.Unlocked", who=who, amount=prev_frozen - after_frozen)
        return state, (*account_events, unlocked)
    if after_frozen > prev_frozen:
        locked = event("Balances.Locked", who=who, amount=after_frozen - prev_frozen)
        return state, (*account_events, locked)
    return state, account_events


def set_lock(
    state: ChainState, who: AccountId, lock_id: LockId, amount: Balance, reasons: LockReasons
) -> tuple[ChainState, Events]:
    """Create or replace the lock ``lock_id`` [BAL-22]; a zero amount or no reasons removes it."""
    _check_lock_args(lock_id, reasons)
    if reasons == "None" or amount == 0:
        return remove_lock(state, who, lock_id)
    new_lock = BalanceLock(lock_id, amount, reasons)
    current = locks(state, who)
    replaced = tuple(new_lock if lock.id == lock_id else lock for lock in current)
    if all(lock.id != lock_id for lock in current):
        replaced = (*replaced, new_lock)
    return update_locks(state, who, replaced)


def extend_lock(
    state: ChainState, who: AccountId, lock_id: LockId, amount: Balance, reasons: LockReasons
) -> tuple[ChainState, Events]:
    """Raise the lock ``lock_id`` to at least ``amount``, merging reasons [BAL-23]."""
    _check_lock_args(lock_id, reasons)
    if amount == 0 or reasons == "None":
        return state, ()
    current = locks(state, who)
    if any(lock.id == lock_id for lock in current):
        extended = tuple(
            BalanceLock(lock.id, max_(lock.amount, amount), _merge_reasons(lock.reasons, reasons))
            if lock.id == lock_id
            else lock
            for lock in current
        )
    else:
        extended = (*current, BalanceLock(lock_id, amount, reasons))
    return update_locks(state, who, extended)


def remove_lock(state: ChainState, who: AccountId, lock_id: LockId) -> tuple[ChainState, Events]:
    """Remove the lock ``lock_id`` if present [BAL-24]."""
    kept = tuple(lock for lock in locks(state, who) if lock.id != lock_id)
    return update_locks(state, who, kept)


def _check_lock_args(lock_id: bytes, reasons: str) -> None:
    if len(lock_id) != 8:
        raise InvalidInput("a lock id is 8 bytes")
    if reasons not in REASONS:
        raise InvalidInput(f"reasons must be one of {REASONS}")


def _merge_reasons(a: str, b: str) -> str:
    flags = {"None": 0, "Fee": 1, "Misc": 2, "All": 3}
    merged = flags[a] | flags[b]
    return {v: k for k, v in flags.items()}[merged]
