"""Balances conservation obligations [BAL-2] [BAL-8] [BAL-9] [BAL-17]..[BAL-21].

Each obligation runs the balance arithmetic of ``phala_spec.pallets.balances.arithmetic`` (the
functions the reference itself calls: ``debit``, ``credit``, ``split_dust``,
``reserve_amounts``, ``unreserve_amounts``, ``slash_amounts``,
``frozen_amount``) on Z3 integers. The preconditions are exactly the checks
the reference makes before it reaches that arithmetic; the other accounts of
the chain are summarised by ``rest``, so the issuance invariant is stated for a
whole chain. The bounds: every balance and the issuance are 128-bit unsigned.
The composition of these steps inside the full state machine is checked by the
balances model (``phala_spec.models.balances``).
"""

from __future__ import annotations

import z3

from phala_spec.pallets.balances.arithmetic import (
    credit,
    debit,
    frozen_amount,
    reserve_amounts,
    slash_amounts,
    split_dust,
    unreserve_amounts,
)
from phala_spec.primitives.arith import U128_MAX

from .obligations import Claim, obligation


def _u128(*names: str) -> tuple[list[z3.ArithRef], list[z3.BoolRef]]:
    terms = [z3.Int(name) for name in names]
    bounds = [z3.And(t >= 0, t <= U128_MAX) for t in terms]
    return terms, bounds


@obligation(
    id="BAL-P1",
    clauses=("BAL-8",),
    description="dust settlement splits a free balance into what is kept and what is burnt; "
    "only an account with nothing reserved loses dust, and never more than ED-1",
)
def dust_split_is_exact() -> Claim:
    (free, reserved, ed), bounds = _u128("free", "reserved", "ed")
    kept, dust = split_dust(free, reserved, ed)
    return Claim(
        goal=z3.And(
            kept + dust == free,
            z3.Or(dust == 0, z3.And(reserved == 0, dust < ed)),
            z3.Or(kept == 0, kept >= ed, reserved > 0),
        ),
        given=tuple(bounds),
    )


@obligation(
    id="BAL-P2",
    clauses=("BAL-2", "BAL-9", "BAL-8"),
    description="a transfer conserves the total issuance: issuance after = sum of all free and "
    "reserved balances after, the sender's dust being burnt and the receiver losing none",
)
def transfer_conserves_issuance() -> Claim:
    (fa, ra, fb, rb, rest, amount, ed), bounds = _u128(
        "fa", "ra", "fb", "rb", "rest", "amount", "ed"
    )
    issuance = fa + ra + fb + rb + rest
    fa_kept, dust_a = split_dust(debit(fa, amount), ra, ed)
    fb_kept, dust_b = split_dust(credit(fb, amount), rb, ed)
    issuance_after = issuance - dust_a - dust_b
    return Claim(
        goal=z3.And(
            issuance_after == fa_kept + ra + fb_kept + rb + rest,
            dust_b == 0,
            issuance_after <= issuance,
            fb_kept + rb <= U128_MAX,
        ),
        given=(
            *bounds,
            issuance <= U128_MAX,
            amount > 0,
            amount <= fa,  # can_withdraw: not BalanceLow [BAL-5]
            fb + amount >= ed,  # can_deposit: not BelowMinimum [BAL-7]
        ),
    )


@obligation(
    id="BAL-P3",
    clauses=("BAL-2", "BAL-17"),
    description="reserving moves value from free to reserved: the account's total is unchanged "
    "and no dust arises",
)
def reserve_conserves() -> Claim:
    (free, reserved, value, ed), bounds = _u128("free", "reserved", "value", "ed")
    free_after, reserved_after = reserve_amounts(free, reserved, value)
    _kept, dust = split_dust(free_after, reserved_after, ed)
    return Claim(
        goal=z3.And(free_after + reserved_after == free + reserved, dust == 0, free_after >= 0),
        given=(*bounds, value > 0, value <= free, reserved + value <= U128_MAX),
    )


@obligation(
    id="BAL-P4",
    clauses=("BAL-2", "BAL-18"),
    description="unreserving moves min(reserved, value) back to free: the account's total is "
    "unchanged and the reported remainder is value - moved",
)
def unreserve_conserves() -> Claim:
    (free, reserved, value), bounds = _u128("free", "reserved", "value")
    free_after, reserved_after, actual = unreserve_amounts(free, reserved, value)
    return Claim(
        goal=z3.And(
            free_after + reserved_after == free + reserved,
            actual <= value,
            actual <= reserved,
            z3.Or(actual == value, reserved_after == 0),
            free_after <= U128_MAX,
        ),
        given=(*bounds, free + reserved <= U128_MAX),
    )


@obligation(
    id="BAL-P5",
    clauses=("BAL-2", "BAL-19", "BAL-8"),
    description="slashing a reserve burns exactly what it removes (plus the free dust of an "
    "account left with nothing reserved): the issuance invariant holds after the slash",
)
def slash_conserves_issuance() -> Claim:
    (free, reserved, rest, value, ed), bounds = _u128("free", "reserved", "rest", "value", "ed")
    issuance = free + reserved + rest
    reserved_after, actual = slash_amounts(reserved, value)
    kept, dust = split_dust(free, reserved_after, ed)
    issuance_after = issuance - actual - dust
    return Claim(
        goal=z3.And(
            issuance_after == kept + reserved_after + rest,
            actual <= value,
            actual <= reserved,
            reserved_after >= 0,
        ),
        given=(*bounds, issuance <= U128_MAX),
    )


@obligation(
    id="BAL-P6",
    clauses=("BAL-21",),
    description="the frozen amount is the largest lock: at least every lock, equal to one of "
    "them, and never their sum when two locks are non-zero; no lock freezes nothing",
)
def frozen_is_max_of_locks() -> Claim:
    (a, b, c), bounds = _u128("lock_a", "lock_b", "lock_c")
    frozen = frozen_amount((a, b, c))
    return Claim(
        goal=z3.And(
            frozen >= a,
            frozen >= b,
            frozen >= c,
            z3.Or(frozen == a, frozen == b, frozen == c),
            z3.Implies(z3.And(a > 0, b > 0), frozen < a + b + c),
            frozen_amount(()) == 0,
        ),
        given=tuple(bounds),
    )
