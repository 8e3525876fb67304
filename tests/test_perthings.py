"""Permill and Perbill [PERX-*], checked against exact rational arithmetic."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import z3
from hypothesis import given
from hypothesis import strategies as st

from phala_spec.primitives.perthings import Perbill, Permill, PerThing, Rounding

PER_THINGS = (Permill, Perbill)
u128 = st.integers(0, (1 << 128) - 1)


def per_things() -> st.SearchStrategy[PerThing]:
    return st.sampled_from(PER_THINGS).flatmap(lambda cls: st.integers(0, cls.ACCURACY).map(cls))


def exact(per: PerThing, x: int) -> Fraction:
    return Fraction(x * per.parts, per.ACCURACY)


def test_accuracies() -> None:
    assert Permill.ACCURACY == 10**6
    assert Perbill.ACCURACY == 10**9
    assert Permill.one().parts == 10**6 and Perbill(0).parts == 0


@pytest.mark.parametrize("cls", PER_THINGS)
def test_construction(cls: type[PerThing]) -> None:
    """[PERX-1, PERX-2] Saturating constructors; parts out of range are rejected."""
    assert cls.from_parts(cls.ACCURACY + 1) == cls.one()
    assert cls.from_parts(7).parts == 7
    assert cls.from_percent(5).parts == cls.ACCURACY // 20
    assert cls.from_percent(250) == cls.one()
    with pytest.raises(ValueError):
        cls(cls.ACCURACY + 1)
    with pytest.raises(ValueError):
        cls(-1)


@pytest.mark.parametrize("cls", PER_THINGS)
def test_from_rational(cls: type[PerThing]) -> None:
    """[PERX-3] Rounded down; one when q = 0 or p > q."""
    assert cls.from_rational(1, 3).parts == cls.ACCURACY // 3
    assert cls.from_rational(2, 3).parts == 2 * cls.ACCURACY // 3  # 0.666.. rounds down
    assert cls.from_rational(5, 0) == cls.one()
    assert cls.from_rational(0, 0) == cls.one()
    assert cls.from_rational(4, 3) == cls.one()
    assert cls.from_rational(0, 7) == cls(0)


@given(p=u128, q=u128)
def test_from_rational_is_floor(p: int, q: int) -> None:
    for cls in PER_THINGS:
        parts = cls.from_rational(p, q).parts
        if q == 0 or p > q:
            assert parts == cls.ACCURACY
        else:
            assert parts == math.floor(Fraction(p, q) * cls.ACCURACY)


def test_product_examples() -> None:
    """[PERX-5] Nearest, ties toward zero."""
    five_percent = Permill.from_percent(5)
    assert five_percent * 19 == 1  # 0.95
    assert five_percent.mul_floor(19) == 0
    assert five_percent.mul_ceil(19) == 1
    half = Permill.from_percent(50)
    assert half * 1 == 0  # 0.5: tie goes down
    assert half * 3 == 1  # 1.5: tie goes down, not to even
    assert half * 5 == 2  # 2.5
    assert half.mul_rounding(3, Rounding.NEAREST_PREF_UP) == 2
    assert Permill(500_001) * 1 == 1  # just above the half
    assert Perbill.from_percent(10) * (10**12 + 5) == 10**11  # the 0.5 planck from 5 drops


@given(per=per_things(), x=u128)
def test_rounding_modes_match_exact_product(per: PerThing, x: int) -> None:
    """[PERX-4, PERX-5] Each mode is the exact x*parts/D rounded as named."""
    value = exact(per, x)
    floor = math.floor(value)
    fraction = value - floor
    assert per.mul_floor(x) == floor
    assert per.mul_ceil(x) == math.ceil(value)
    assert per * x == floor + (1 if fraction > Fraction(1, 2) else 0)
    assert per.mul_rounding(x, Rounding.NEAREST_PREF_UP) == floor + (
        1 if fraction >= Fraction(1, 2) else 0
    )
    assert per * x <= x


@given(per=per_things(), x=u128)
def test_same_result_on_z3_terms(per: PerThing, x: int) -> None:
    """[ARITH-1] The product evaluated on Z3 constants equals the int result."""
    symbolic = type(per)(z3.IntVal(per.parts))
    for rounding in Rounding:
        term = symbolic.mul_rounding(z3.IntVal(x), rounding)
        assert z3.simplify(term).as_long() == per.mul_rounding(x, rounding)
