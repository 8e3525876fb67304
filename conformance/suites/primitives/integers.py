"""u128 arithmetic at its edges: 0, the maximum, one either side [PRIM-2] [ARITH-2].

The expected results follow from the rule with exact integers: a checked
operation fails with ``Arithmetic.Overflow`` (``Arithmetic.Underflow`` for a
difference below zero) exactly when the exact result leaves ``0..2^128-1``; a
saturating one clamps there.
"""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case

from .common import MINIMAL, OVERFLOW, SUITE, U128_MAX, UNDERFLOW, check

M = U128_MAX
HALF = 1 << 127
ADD_PAIRS = [
    (0, 0),
    (3, 4),
    (M, 0),
    (0, M),
    (M - 1, 1),
    (1, M - 1),
    (M, 1),
    (1, M),
    (M, M),
    (HALF, HALF - 1),
    (HALF, HALF),
    (M - 5, 5),
    (M - 5, 6),
]
SUB_PAIRS = [
    (0, 0),
    (7, 3),
    (3, 7),
    (5, 5),
    (M, M),
    (M, 0),
    (M, M - 1),
    (M - 1, M),
    (0, 1),
    (1, 0),
    (0, M),
    (HALF, HALF + 1),
]
MUL_PAIRS = [
    (0, M),
    (M, 0),
    (1, M),
    (M, 1),
    (3, 5),
    (2, HALF - 1),
    (2, HALF),
    (M, 2),
    (M, M),
    (1 << 64, (1 << 64) - 1),
    (1 << 64, 1 << 64),
    ((1 << 64) + 1, (1 << 64) - 1),
    (3, M // 3),
    (3, M // 3 + 1),
]


def _checked(exact: int) -> int | tuple[str, str]:
    if exact > M:
        return OVERFLOW
    if exact < 0:
        return UNDERFLOW
    return exact


@case(suite=SUITE, handler="checked_add", presets=MINIMAL, clauses=("PRIM-2", "ARITH-2"))
def around_the_maximum(b: CaseBuilder) -> None:
    """`checked_add` of two u128: the sum up to 2^128 - 1 exactly, `Arithmetic.Overflow` from
    2^128 on, whichever operand is large."""
    for a, c in ADD_PAIRS:
        check(b, "checked_add", {"a": a, "b": c}, _checked(a + c))


@case(suite=SUITE, handler="checked_sub", presets=MINIMAL, clauses=("PRIM-2", "ARITH-2"))
def around_zero(b: CaseBuilder) -> None:
    """`checked_sub` of two u128: the difference down to 0 exactly, `Arithmetic.Underflow` when
    the subtrahend is larger, by one or by much."""
    for a, c in SUB_PAIRS:
        check(b, "checked_sub", {"a": a, "b": c}, _checked(a - c))


@case(suite=SUITE, handler="checked_mul", presets=MINIMAL, clauses=("PRIM-2", "ARITH-2"))
def around_the_maximum_product(b: CaseBuilder) -> None:
    """`checked_mul` of two u128: products up to 2^128 - 1 (2^128 - 2, (2^64 + 1)(2^64 - 1),
    3 · ⌊M/3⌋), `Arithmetic.Overflow` from 2^128 on."""
    for a, c in MUL_PAIRS:
        check(b, "checked_mul", {"a": a, "b": c}, _checked(a * c))


@case(suite=SUITE, handler="saturating_add", presets=MINIMAL, clauses=("PRIM-2", "ARITH-2"))
def clamped_at_the_maximum(b: CaseBuilder) -> None:
    """`saturating_add`: the sum, or 2^128 - 1 when it would be larger."""
    for a, c in ADD_PAIRS:
        check(b, "saturating_add", {"a": a, "b": c}, min(a + c, M))


@case(suite=SUITE, handler="saturating_sub", presets=MINIMAL, clauses=("PRIM-2", "ARITH-2"))
def clamped_at_zero(b: CaseBuilder) -> None:
    """`saturating_sub`: the difference, or 0 when the subtrahend is larger."""
    for a, c in SUB_PAIRS:
        check(b, "saturating_sub", {"a": a, "b": c}, max(a - c, 0))


@case(suite=SUITE, handler="saturating_mul", presets=MINIMAL, clauses=("PRIM-2", "ARITH-2"))
def clamped_product(b: CaseBuilder) -> None:
    """`saturating_mul`: the product, or 2^128 - 1 when it would be larger."""
    for a, c in MUL_PAIRS:
        check(b, "saturating_mul", {"a": a, "b": c}, min(a * c, M))
