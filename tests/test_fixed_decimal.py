"""Decimal text of fixed-point numbers [FIX-11] [FIX-12].

Expectations come from exact rational arithmetic (``fractions``): a printed value must read
back as the same bits, no decimal with fewer fractional digits may, and of those of its
length it is the nearest to the exact value.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phala_spec.primitives.fixed import U32F32, U64F64, FixedFormat, from_str, to_str


def _reads_back(text: str, bits: int, fmt: FixedFormat) -> bool:
    return round(Fraction(text) * fmt.one) == bits  # nearest, ties to even


def _check(bits: int, fmt: FixedFormat) -> None:
    text = to_str(bits, fmt)
    exact = Fraction(bits, fmt.one)
    assert _reads_back(text, bits, fmt)
    assert from_str(text, fmt) == bits
    digits = len(text.partition(".")[2])
    assert not text.endswith(".")
    if digits:
        assert not text.endswith("0")
        # no shorter decimal reads back
        scale = 10 ** (digits - 1)
        below = (exact * scale).numerator // (exact * scale).denominator
        for units in (below, below + 1):
            assert round(Fraction(units, scale) * fmt.one) != bits
    # nearest of its length
    scale = 10**digits
    distance = abs(Fraction(text) - exact)
    for units in ((exact * scale).__floor__(), (exact * scale).__ceil__()):
        other = Fraction(units, scale)
        if round(other * fmt.one) == bits:
            assert distance <= abs(other - exact)


@given(st.integers(0, U64F64.max_bits))
def test_u64f64_display(bits: int) -> None:
    _check(bits, U64F64)


@given(st.integers(0, U32F32.max_bits))
def test_u32f32_display(bits: int) -> None:
    _check(bits, U32F32)


@pytest.mark.parametrize(
    ("bits", "fmt", "text"),
    [
        (0, U64F64, "0"),
        (7 << 64, U64F64, "7"),
        (3 << 63, U64F64, "1.5"),
        (round(Fraction(1, 10) * 2**64), U64F64, "0.1"),
        (round(Fraction(1000000666600231, 10**15) * 2**64), U64F64, "1.000000666600231"),
        (1, U64F64, "0.00000000000000000005"),
        (2**128 - 1, U64F64, "18446744073709551615.99999999999999999995"),
        (1, U32F32, "0.0000000002"),
        ((19 << 32) // 3, U32F32, "6.3333333333"),
    ],
)
def test_known_values(bits: int, fmt: FixedFormat, text: str) -> None:
    assert to_str(bits, fmt) == text
    assert from_str(text, fmt) == bits


def test_parse_rounds_to_nearest_even() -> None:
    half_ulp = Fraction(1, 2**33)
    # exactly between bits 0 and 1: to the even, 0; exactly between 1 and 2: to 2
    assert Fraction("0.000000000116415321826934814453125") == half_ulp
    assert from_str("0.000000000116415321826934814453125", U32F32) == 0
    assert from_str("0.000000000116415321826934814453126", U32F32) == 1
    assert Fraction("0.000000000349245965480804443359375") == 3 * half_ulp
    assert from_str("0.000000000349245965480804443359375", U32F32) == 2
    assert from_str("0.000000000349245965480804443359374", U32F32) == 1
    assert from_str("3.", U32F32) == 3 << 32 and from_str(".5", U32F32) == 1 << 31


@pytest.mark.parametrize("text", ["", ".", "1_0", "+1", "-1", "1e3", " 1", "1.2.3", "4294967296"])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        from_str(text, U32F32)


def test_display_refuses_bits_out_of_range() -> None:
    with pytest.raises(ValueError):
        to_str(2**64, U32F32)
