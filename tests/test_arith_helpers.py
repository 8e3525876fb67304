"""The integer and the symbolic reading of the arithmetic helpers agree [ARITH-1]."""

from __future__ import annotations

import itertools

import z3

from phala_spec.primitives.arith import max_, min_, saturating_sub

VALUES = (0, 1, 2, 9, 10, 11, (1 << 128) - 1, 1 << 128)


def symbolic(result: z3.ArithRef) -> int:
    """The value of a closed Z3 term."""
    value = z3.simplify(result)
    assert z3.is_int_value(value)
    return int(value.as_long())


def test_min_max_and_saturating_sub_compute_on_integers_what_their_terms_say() -> None:
    for a, b in itertools.product(VALUES, repeat=2):
        terms = (z3.IntVal(a), z3.IntVal(b))
        assert min_(a, b) == min(a, b) == symbolic(min_(*terms))
        assert max_(a, b) == max(a, b) == symbolic(max_(*terms))
        assert saturating_sub(a, b) == max(a - b, 0) == symbolic(saturating_sub(*terms))
        assert type(min_(a, b)) is type(max_(a, b)) is type(saturating_sub(a, b)) is int
