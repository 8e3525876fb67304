"""The ``fungible`` checks and the free-balance writes behind them [BAL-4]..[BAL-7].

What a withdrawal may take (``reducible_balance``, with the ``Preservation``
and ``Fortitude`` it is asked with) [BAL-4], the withdraw and deposit
consequences [BAL-5] [BAL-7], and ``fungible::Unbalanced``'s writes of the
free balance [BAL-6]. Transfers [BAL-9] and minting and burning
[BAL-25] [BAL-26] are built on them. A lock bounds the *total* balance in these
checks (the ``Currency`` check of :mod:`.reservable` bounds the free balance).
"""

from __future__ import annotations

from enum import Enum

from ...chain.state import AccountData, AccountId, ChainState, Events
from ...chain.system import account_info, can_dec_provider
from ...primitives.arith import U128_MAX, max_, min_, saturating_sub
from ...primitives.errors import ArithmeticOverflow, DispatchError
from ...primitives.records import evolve
from .accounts import (
    account_data,
    existential_deposit,
    free_balance,
    mutate_account,
    total_issuance,
)
from .arithmetic import credit, debit


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


# Every member by its own name too, which the checks below and the transfers use: they
# compare these on every transfer, and on CPython 3.11 reading a member through its
# class goes through ``EnumType``'s attribute hook, ten times the cost of a module name.
EXPENDABLE, PROTECT, PRESERVE = Preservation.EXPENDABLE, Preservation.PROTECT, Preservation.PRESERVE
POLITE, FORCE = Fortitude.POLITE, Fortitude.FORCE
EXACT, BEST_EFFORT = Precision.EXACT, Precision.BEST_EFFORT
MINTED, EXTANT = Provenance.MINTED, Provenance.EXTANT


def reducible_balance(
    state: ChainState, who: AccountId, preservation: Preservation, force: Fortitude
) -> int:
    """How much of the free balance can be withdrawn [BAL-4].

    A polite withdrawal must leave the frozen amount, less what the reserve
    already covers (a lock bounds the total balance). The existential deposit
    must stay when the caller asks to preserve the account, or when the
    account cannot lose this pallet's provider reference.
    """
    info = account_info(state, who)
    data = info.data
    untouchable = 0
    if force is POLITE:
        untouchable = saturating_sub(data.frozen, data.reserved)
    needs_ed = (
        preservation is PRESERVE
        or (preservation is PROTECT and data.free != 0 and info.providers == 1)
        or (preservation is EXPENDABLE and data.free != 0 and not can_dec_provider(state, who))
    )
    if needs_ed:
        untouchable = max_(untouchable, existential_deposit(state))
    return int(saturating_sub(data.free, untouchable))


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
    if provenance is MINTED and total_issuance(state) + amount > U128_MAX:
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


# ``DepositConsequence::into_result``: the error of a refused deposit [BAL-7].
DEPOSIT_ERRORS = {"Overflow": "Arithmetic.Overflow", "BelowMinimum": "Token.BelowMinimum"}


def write_balance(state: ChainState, who: AccountId, amount: int) -> tuple[ChainState, Events]:
    """Set the free balance, refusing a reduction below what even a forced withdrawal may take [BAL-6].

    The limit is what a forced, expendable withdrawal could take from the
    account as it is before the write; an increase reduces nothing, so it is
    only read for a reduction (it is never negative).
    """
    before = state

    def change(data: AccountData, _is_new: bool) -> AccountData:
        reduction = saturating_sub(data.free, amount)
        if reduction and reduction > reducible_balance(before, who, EXPENDABLE, FORCE):
            raise DispatchError("Balances.InsufficientBalance")
        return evolve(data, free=amount)

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
    if precision is BEST_EFFORT:
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
    if precision is BEST_EFFORT:
        new = min_(credit(old, amount), U128_MAX)
    else:
        new = credit(old, amount)
        if new > U128_MAX:
            raise ArithmeticOverflow()
    if new < existential_deposit(state):
        if precision is BEST_EFFORT:
            return state, (), 0
        raise DispatchError("Token.BelowMinimum")
    if new == old:
        return state, (), 0
    state, events = write_balance(state, who, new)
    return state, events, new - old
