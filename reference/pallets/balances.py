"""pallet-balances, as the Phala runtimes use it [BAL-1]..[BAL-29].

Extrinsics go through the ``fungible`` traits of frame-support; other pallets
use the older ``Currency`` / ``ReservableCurrency`` / ``LockableCurrency``
traits for reserves, locks, deposits and withdrawals. Both families are
specified here exactly as production computes them, including the places where
the two disagree (a lock bounds the *total* balance in ``fungible`` checks but
the *free* balance in ``Currency`` checks) and the quirks (an empty source
account emits ``Endowed`` with zero; ``deposit_creating`` silently drops a
deposit below the existential deposit; ``set_lock`` on an account without a
provider still records the lock).

Every function is pure: it takes a state and returns a new one. Functions that
reject raise :class:`~phala_spec.primitives.errors.DispatchError`; the caller then keeps
the state it had, which is how a Substrate extrinsic is transactional.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, overload

import attrs

from ..chain.state import (
    AccountData,
    AccountId,
    BalanceLock,
    ChainState,
    Event,
    Events,
    Origin,
    Root,
    Signed,
    event,
)
from ..chain.system import (
    account_info,
    can_dec_provider,
    dec_consumers,
    dec_providers,
    inc_consumers,
    inc_providers,
    put_account_info,
)
from ..primitives.arith import U128_MAX, Num, ite, lt, max_, min_, saturating_add, saturating_sub
from ..primitives.errors import ArithmeticOverflow, BadOrigin, DispatchError, InvalidInput
from ..primitives.types import Balance, Bool, Kind, LockId

PALLET = "Balances"


class Preservation(Enum):
    """How much of an account a withdrawal may consume [BAL-4]."""

    EXPENDABLE = "Expendable"  # the account may be reaped
    PROTECT = "Protect"  # keep the account alive if this pallet is its only provider
    PRESERVE = "Preserve"  # always keep the existential deposit


class Fortitude(Enum):
    """Whether frozen funds are respected [BAL-4]."""

    POLITE = "Polite"
    FORCE = "Force"


class Precision(Enum):
    """Exact amounts or the best that can be done [BAL-5]."""

    EXACT = "Exact"
    BEST_EFFORT = "BestEffort"


class Provenance(Enum):
    """Whether deposited funds are newly minted or moved from elsewhere [BAL-7]."""

    MINTED = "Minted"
    EXTANT = "Extant"


REASONS = ("None", "Fee", "Misc", "All")
STATUSES = ("Free", "Reserved")


def _reasons(value: Any) -> str:
    if isinstance(value, str) and value in REASONS:
        return value
    raise InvalidInput()


def _status(value: Any) -> str:
    if isinstance(value, str) and value in STATUSES:
        return value
    raise InvalidInput()


LOCK_REASONS: Kind[str] = Kind("lock_reasons", f"lock reasons: one of {REASONS}", _reasons)
BALANCE_STATUS: Kind[str] = Kind("balance_status", f"a balance status: one of {STATUSES}", _status)
LockReasons = Annotated[str, LOCK_REASONS]  # [BAL-21]
BalanceStatus = Annotated[str, BALANCE_STATUS]  # [BAL-20]


# --- Balance arithmetic [BAL-29] ---------------------------------------------------
#
# The arithmetic of the rules below, written with the dual-interpretation
# helpers so that phala_spec.proofs states its conservation obligations over
# these very functions.


@overload
def split_dust(free: int, reserved: int, ed: int) -> tuple[int, int]: ...
@overload
def split_dust(free: Num, reserved: Num, ed: Num) -> tuple[Num, Num]: ...
def split_dust(free: Num, reserved: Num, ed: Num) -> tuple[Num, Num]:
    """``(kept_free, dust)``: a free balance below the existential deposit with nothing
    reserved is dust and is lost entirely [BAL-8]."""
    dust = ite(lt(free, ed), ite(reserved == 0, free, 0), 0)
    return free - dust, dust


@overload
def debit(free: int, amount: int) -> int: ...
@overload
def debit(free: Num, amount: Num) -> Num: ...
def debit(free: Num, amount: Num) -> Num:
    """The free balance after taking ``amount`` (checked by the caller to be available) [BAL-6]."""
    return free - amount


@overload
def credit(free: int, amount: int) -> int: ...
@overload
def credit(free: Num, amount: Num) -> Num: ...
def credit(free: Num, amount: Num) -> Num:
    """The free balance after adding ``amount`` [BAL-6]."""
    return free + amount


@overload
def reserve_amounts(free: int, reserved: int, value: int) -> tuple[int, int]: ...
@overload
def reserve_amounts(free: Num, reserved: Num, value: Num) -> tuple[Num, Num]: ...
def reserve_amounts(free: Num, reserved: Num, value: Num) -> tuple[Num, Num]:
    """``(free, reserved)`` after reserving ``value`` (at most ``free``) [BAL-17]."""
    return free - value, reserved + value


@overload
def unreserve_amounts(free: int, reserved: int, value: int) -> tuple[int, int, int]: ...
@overload
def unreserve_amounts(free: Num, reserved: Num, value: Num) -> tuple[Num, Num, Num]: ...
def unreserve_amounts(free: Num, reserved: Num, value: Num) -> tuple[Num, Num, Num]:
    """``(free, reserved, actual)`` after unreserving up to ``value`` [BAL-18]."""
    actual = min_(reserved, value)
    return free + actual, reserved - actual, actual


@overload
def slash_amounts(reserved: int, value: int) -> tuple[int, int]: ...
@overload
def slash_amounts(reserved: Num, value: Num) -> tuple[Num, Num]: ...
def slash_amounts(reserved: Num, value: Num) -> tuple[Num, Num]:
    """``(reserved, actual)`` after slashing up to ``value`` of the reserve [BAL-19]."""
    actual = min_(value, reserved)
    return reserved - actual, actual


@overload
def frozen_amount(lock_amounts: tuple[int, ...]) -> int: ...
@overload
def frozen_amount(lock_amounts: tuple[Num, ...]) -> Num: ...
def frozen_amount(lock_amounts: tuple[Num, ...]) -> Num:
    """The frozen amount is the largest lock, never the sum [BAL-21]."""
    frozen: Num = 0
    for amount in lock_amounts:
        frozen = max_(frozen, amount)
    return frozen


# --- Reading -------------------------------------------------------------------


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


def reducible_balance(
    state: ChainState, who: AccountId, preservation: Preservation, force: Fortitude
) -> int:
    """How much of the free balance can be withdrawn [BAL-4].

    A polite withdrawal must leave the frozen amount, less what the reserve
    already covers (a lock bounds the total balance). The existential deposit
    must stay when the caller asks to preserve the account, or when the
    account cannot lose this pallet's provider reference.
    """
    data = account_data(state, who)
    untouchable = 0
    if force is Fortitude.POLITE:
        untouchable = saturating_sub(data.frozen, data.reserved)
    providers = account_info(state, who).providers
    needs_ed = (
        preservation is Preservation.PRESERVE
        or (preservation is Preservation.PROTECT and data.free != 0 and providers == 1)
        or (
            preservation is Preservation.EXPENDABLE
            and data.free != 0
            and not can_dec_provider(state, who)
        )
    )
    if needs_ed:
        untouchable = max_(untouchable, existential_deposit(state))
    return int(saturating_sub(data.free, untouchable))


# --- Account mutation [BAL-3] --------------------------------------------------------


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
    is_new = before == AccountData()
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

    kept_free, dust = split_dust(after.free, after.reserved, ed)
    reaped = after.free < ed and after.reserved == 0
    state = _store_data(
        state, who, AccountData() if reaped else attrs.evolve(after, free=kept_free)
    )

    outer: list[Event] = []
    if is_new:
        outer.append(event("Balances.Endowed", account=who, free_balance=after.free))
    if dust:
        outer.append(event("Balances.DustLost", account=who, amount=dust))
        state = _set_total_issuance(state, saturating_sub(total_issuance(state), dust))
    return state, (*inner, *outer), dust


def _store_data(state: ChainState, who: AccountId, data: AccountData) -> ChainState:
    """System's account store keeps the data while the account has a reference, else removes it."""
    info = account_info(state, who)
    if info.providers > 0 or info.sufficients > 0:
        return put_account_info(state, who, attrs.evolve(info, data=data))
    if who in state.system.accounts:
        return put_account_info(state, who, attrs.evolve(info, data=AccountData()))
    return state


def _set_total_issuance(state: ChainState, amount: int) -> ChainState:
    return attrs.evolve(state, balances=attrs.evolve(state.balances, total_issuance=amount))


# --- fungible: withdraw and deposit checks [BAL-5]..[BAL-7] -------------------------


def can_withdraw(state: ChainState, who: AccountId, amount: int) -> tuple[str, int]:
    """The consequence of taking ``amount`` from the free balance [BAL-5].

    Checked in this order: the issuance would underflow (``Underflow``); the
    free balance is too small (``BalanceLow``); the remainder is below the
    existential deposit and the account cannot be reaped (``WouldDie``) or can
    (``ReducedToZero``); the remaining total would be below the frozen amount
    (``Frozen``).
    """
    if amount == 0:
        return "Success", 0
    if total_issuance(state) < amount:
        return "Underflow", 0
    data = account_data(state, who)
    if data.free < amount:
        return "BalanceLow", 0
    new_free = data.free - amount
    consequence = "Success"
    if new_free < existential_deposit(state):
        if not can_dec_provider(state, who):
            return "WouldDie", 0
        consequence = "ReducedToZero"
    if new_free + data.reserved < data.frozen:
        return "Frozen", 0
    return consequence, new_free if consequence == "ReducedToZero" else 0


_WITHDRAW_ERRORS = {
    "BalanceLow": "Token.FundsUnavailable",
    "WouldDie": "Token.OnlyProvider",
    "Underflow": "Arithmetic.Underflow",
    "Frozen": "Token.Frozen",
}


def ensure_can_withdraw_consequence(consequence: str, keep_nonzero: bool) -> None:
    """Turn a withdraw consequence into an error, as ``WithdrawConsequence::into_result`` [BAL-5]."""
    if consequence in _WITHDRAW_ERRORS:
        raise DispatchError(_WITHDRAW_ERRORS[consequence])
    if consequence == "ReducedToZero" and keep_nonzero:
        raise DispatchError("Token.NotExpendable")


def can_deposit(state: ChainState, who: AccountId, amount: int, provenance: Provenance) -> str:
    """The consequence of adding ``amount`` to the free balance [BAL-7]."""
    if amount == 0:
        return "Success"
    if provenance is Provenance.MINTED and total_issuance(state) + amount > U128_MAX:
        return "Overflow"
    data = account_data(state, who)
    new_free = data.free + amount
    if new_free > U128_MAX:
        return "Overflow"
    if new_free < existential_deposit(state):
        return "BelowMinimum"
    if data.reserved + new_free > U128_MAX:
        return "Overflow"
    return "Success"


_DEPOSIT_ERRORS = {"Overflow": "Arithmetic.Overflow", "BelowMinimum": "Token.BelowMinimum"}


def write_balance(state: ChainState, who: AccountId, amount: int) -> tuple[ChainState, Events]:
    """Set the free balance, refusing a reduction below what even a forced withdrawal may take [BAL-6]."""
    max_reduction = reducible_balance(state, who, Preservation.EXPENDABLE, Fortitude.FORCE)

    def change(data: AccountData, _is_new: bool) -> AccountData:
        if saturating_sub(data.free, amount) > max_reduction:
            raise DispatchError("Balances.InsufficientBalance")
        return attrs.evolve(data, free=amount)

    state, events, _dust = mutate_account(state, who, change)
    return state, events


def decrease_balance(
    state: ChainState,
    who: AccountId,
    amount: int,
    precision: Precision,
    preservation: Preservation,
    force: Fortitude,
) -> tuple[ChainState, Events, int]:
    """Take up to ``amount`` from the free balance; returns the amount taken [BAL-6]."""
    old = free_balance(state, who)
    reducible = reducible_balance(state, who, preservation, force)
    if precision is Precision.BEST_EFFORT:
        amount = min_(amount, reducible)
    elif reducible < amount:
        raise DispatchError("Token.FundsUnavailable")
    if old < amount:
        raise DispatchError("Token.FundsUnavailable")
    new = debit(old, amount)
    state, events = write_balance(state, who, new)
    return state, events, old - new


def increase_balance(
    state: ChainState, who: AccountId, amount: int, precision: Precision
) -> tuple[ChainState, Events, int]:
    """Add to the free balance; returns the amount added [BAL-6].

    A balance that would stay below the existential deposit is left alone
    (best effort) or refused (``Token.BelowMinimum``).
    """
    old = free_balance(state, who)
    if precision is Precision.BEST_EFFORT:
        new = min_(credit(old, amount), U128_MAX)
    else:
        new = credit(old, amount)
        if new > U128_MAX:
            raise ArithmeticOverflow()
    if new < existential_deposit(state):
        if precision is Precision.BEST_EFFORT:
            return state, (), 0
        raise DispatchError("Token.BelowMinimum")
    if new == old:
        return state, (), 0
    state, events = write_balance(state, who, new)
    return state, events, new - old


# --- Transfers [BAL-9]..[BAL-13] -----------------------------------------------------


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
    ensure_can_withdraw_consequence(consequence, preservation is not Preservation.EXPENDABLE)
    deposit = can_deposit(state, dest, amount, Provenance.EXTANT)
    if deposit in _DEPOSIT_ERRORS:
        raise DispatchError(_DEPOSIT_ERRORS[deposit])
    if source == dest:
        return state, ()
    state, taken_events, _ = decrease_balance(
        state, source, amount, Precision.BEST_EFFORT, preservation, Fortitude.POLITE
    )
    state, given_events, _ = increase_balance(state, dest, amount, Precision.BEST_EFFORT)
    done = event("Balances.Transfer", **{"from": source, "to": dest, "amount": amount})
    return state, (*taken_events, *given_events, done)


def ensure_signed(origin: Origin) -> AccountId:
    """The signer of a signed origin, else ``BadOrigin`` [CHAIN-2]."""
    if not isinstance(origin, Signed):
        raise BadOrigin()
    return origin.who


def ensure_root(origin: Origin) -> None:
    """Reject every origin but root with ``BadOrigin`` [CHAIN-2]."""
    if not isinstance(origin, Root):
        raise BadOrigin()


def transfer_allow_death(
    state: ChainState, origin: Origin, dest: AccountId, value: Balance
) -> tuple[ChainState, Events]:
    """Transfer that may reap the sender [BAL-10]."""
    source = ensure_signed(origin)
    return transfer_funds(state, source, dest, value, Preservation.EXPENDABLE)


def transfer_keep_alive(
    state: ChainState, origin: Origin, dest: AccountId, value: Balance
) -> tuple[ChainState, Events]:
    """Transfer that must leave the sender at or above the existential deposit [BAL-11]."""
    source = ensure_signed(origin)
    return transfer_funds(state, source, dest, value, Preservation.PRESERVE)


def force_transfer(
    state: ChainState, origin: Origin, source: AccountId, dest: AccountId, value: Balance
) -> tuple[ChainState, Events]:
    """Root moves funds from any account, which may be reaped [BAL-12]."""
    ensure_root(origin)
    return transfer_funds(state, source, dest, value, Preservation.EXPENDABLE)


def transfer_all(
    state: ChainState, origin: Origin, dest: AccountId, keep_alive: Bool
) -> tuple[ChainState, Events]:
    """Transfer everything that can be withdrawn politely [BAL-13].

    With ``keep_alive`` the existential deposit stays; otherwise the sender is
    emptied unless a reserve or lock keeps a consumer on it.
    """
    source = ensure_signed(origin)
    preservation = Preservation.PRESERVE if keep_alive else Preservation.EXPENDABLE
    amount = reducible_balance(state, source, preservation, Fortitude.POLITE)
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
        state, who, lambda data, _new: attrs.evolve(data, free=new_free)
    )
    issuance = total_issuance(state)
    if new_free > old_free:
        issuance = saturating_add(issuance, new_free - old_free)
    else:
        issuance = saturating_sub(issuance, old_free - new_free)
    state = _set_total_issuance(state, issuance)
    return state, (*events, event("Balances.BalanceSet", who=who, free=new_free))


def force_unreserve(
    state: ChainState, origin: Origin, who: AccountId, amount: Balance
) -> tuple[ChainState, Events]:
    """Root unreserves up to ``amount`` [BAL-15]."""
    ensure_root(origin)
    state, events, _leftover = unreserve(state, who, amount)
    return state, events


# --- Reserves (ReservableCurrency) [BAL-16]..[BAL-19] -------------------------------


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
        return attrs.evolve(data, free=free, reserved=reserved)

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
    unreserved = attrs.evolve(data, free=min_(free, U128_MAX), reserved=reserved)

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
    slashed = attrs.evolve(account_data(state, who), reserved=reserved)

    try:
        state, events, _dust = mutate_account(state, who, lambda _d, _new: slashed)
    except DispatchError:
        return state, (), value
    state = _set_total_issuance(state, saturating_sub(total_issuance(state), actual))
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
        credited = attrs.evolve(to_data, free=to_data.free + actual)
    else:
        if to_data.reserved + actual > U128_MAX:
            raise ArithmeticOverflow()
        credited = attrs.evolve(to_data, reserved=to_data.reserved + actual)
    state, from_events, _ = mutate_account(
        state, slashed, lambda d, _new: attrs.evolve(d, reserved=saturating_sub(d.reserved, actual))
    )
    state, to_events, _ = mutate_account(state, beneficiary, lambda _d, _new: credited)
    repatriated = event(
        "Balances.ReserveRepatriated",
        **{"from": slashed, "to": beneficiary, "amount": actual, "destination_status": status},
    )
    return state, (*from_events, *to_events, repatriated), value - actual


# --- Locks (LockableCurrency) [BAL-21]..[BAL-24] ------------------------------------


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
            state, who, lambda d, _new: attrs.evolve(d, frozen=after_frozen)
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
    state = attrs.evolve(state, balances=attrs.evolve(state.balances, locks=lock_map))
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


# --- Minting and burning for other pallets [BAL-25]..[BAL-28] -----------------------


def mint_into(state: ChainState, who: AccountId, amount: Balance) -> tuple[ChainState, Events]:
    """Create ``amount`` new tokens in ``who``'s free balance (``fungible::Mutate::mint_into``) [BAL-25]."""
    if total_issuance(state) + amount > U128_MAX:
        raise ArithmeticOverflow()
    state, events, actual = increase_balance(state, who, amount, Precision.EXACT)
    state = _set_total_issuance(state, saturating_add(total_issuance(state), actual))
    return state, (*events, event("Balances.Minted", who=who, amount=amount))


def burn_from(state: ChainState, who: AccountId, amount: Balance) -> tuple[ChainState, Events]:
    """Destroy exactly ``amount`` of ``who``'s free balance, politely, may reap [BAL-26]."""
    actual = min_(reducible_balance(state, who, Preservation.EXPENDABLE, Fortitude.POLITE), amount)
    if actual != amount:
        raise DispatchError("Token.FundsUnavailable")
    if total_issuance(state) < actual:
        raise ArithmeticOverflow()  # production reports this underflow as Overflow
    state, events, taken = decrease_balance(
        state, who, actual, Precision.BEST_EFFORT, Preservation.EXPENDABLE, Fortitude.POLITE
    )
    state = _set_total_issuance(state, saturating_sub(total_issuance(state), taken))
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
        return attrs.evolve(data, free=new_free)

    state, events, _dust = mutate_account(state, who, change)
    state = _set_total_issuance(state, saturating_sub(total_issuance(state), value))
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
        return attrs.evolve(data, free=data.free + value)

    try:
        new_state, events, _dust = mutate_account(state, who, change)
    except DispatchError:
        return state, ()
    new_state = _set_total_issuance(new_state, saturating_add(total_issuance(new_state), value))
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
        return attrs.evolve(data, free=data.free + value)

    state, events, _dust = mutate_account(state, who, change)
    state = _set_total_issuance(state, saturating_add(total_issuance(state), value))
    return state, (event("Balances.Deposit", who=who, amount=value), *events)
