"""Fixed point and balance conversion [FIX-*], and the helpers they use [ARITH-*].

Expected values are derived from the rules with exact rational arithmetic
(``fractions``), never copied from the implementation.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
import z3
from hypothesis import assume, given
from hypothesis import strategies as st

from phala_spec.primitives import arith
from phala_spec.primitives.errors import ArithmeticOverflow, ArithmeticUnderflow
from phala_spec.primitives.fixed import (
    FROM_FIXED_MAX,
    PHA,
    TO_FIXED_MAX_BALANCE,
    U32F32,
    U64F64,
    U80F48,
    FixedFormat,
    add,
    bdiv,
    bmul,
    convert,
    div,
    div_int,
    from_fixed,
    from_int,
    from_literal,
    mul,
    mul_int,
    saturating_add,
    saturating_mul,
    saturating_sub,
    sqrt,
    sub,
    to_fixed,
    to_fraction,
    to_int_floor,
)

ONE = 1 << 64
FORMATS = (U64F64, U32F32)

u128 = st.integers(0, (1 << 128) - 1)
u64 = st.integers(0, (1 << 64) - 1)
balances = st.integers(0, TO_FIXED_MAX_BALANCE)


def raw(fmt: FixedFormat) -> st.SearchStrategy[int]:
    return st.integers(0, fmt.max_bits)


def floor_to_grid(value: Fraction, fmt: FixedFormat) -> int:
    """The bits of ``value`` rounded down to a multiple of 2^-frac."""
    return math.floor(value * fmt.one)


# --- helpers [ARITH-1..4] ------------------------------------------------------


@given(a=u128, b=u128.filter(bool))
def test_helpers_agree_on_ints_and_z3_terms(a: int, b: int) -> None:
    """[ARITH-1] Evaluating on Z3 constants gives the int result, for Int and BitVec."""
    cases = {
        "floor_div": (arith.floor_div(a, b), lambda x, y: arith.floor_div(x, y)),
        "rem": (arith.rem(a, b), lambda x, y: arith.rem(x, y)),
        "shr": (arith.shr(a, 7), lambda x, _y: arith.shr(x, 7)),
        "min": (arith.min_(a, b), lambda x, y: arith.min_(x, y)),
        "max": (arith.max_(a, b), lambda x, y: arith.max_(x, y)),
        "saturating_sub": (arith.saturating_sub(a, b), lambda x, y: arith.saturating_sub(x, y)),
    }
    for name, (expected, fn) in cases.items():
        as_int = z3.simplify(fn(z3.IntVal(a), z3.IntVal(b))).as_long()
        as_bv = z3.simplify(fn(z3.BitVecVal(a, 128), z3.BitVecVal(b, 128))).as_long()
        assert as_int == expected == as_bv, name
    assert z3.is_true(z3.simplify(arith.le(z3.BitVecVal(a, 128), z3.BitVecVal(b, 128)))) == (a <= b)


def test_helpers_require_raises_or_records_a_guard() -> None:
    """[ARITH-2] Concrete conditions raise; symbolic ones become guards."""
    arith.require(True, ArithmeticOverflow)
    with pytest.raises(ArithmeticOverflow):
        arith.require(False, ArithmeticOverflow)
    x = z3.Int("x")
    with arith.side_conditions() as outer:
        with arith.side_conditions() as inner:
            arith.require(x < 5, ArithmeticOverflow)
        assert len(inner.guards) == 1 and not outer.guards
    arith.require(x < 5, ArithmeticOverflow)  # no collector: nothing to record, no error


def test_helpers_symbolic_isqrt_is_defined_by_facts() -> None:
    """[ARITH-4] Symbolic isqrt is a fresh term whose facts reach every collector."""
    assert [arith.isqrt(n) for n in (0, 1, 3, 4, 99, 100)] == [0, 1, 1, 2, 9, 10]
    with pytest.raises(ValueError):
        arith.isqrt(-1)
    x = z3.Int("x")
    with pytest.raises(RuntimeError):
        arith.isqrt(x)
    with arith.side_conditions() as outer, arith.side_conditions() as inner:
        r = arith.isqrt(x)
    assert len(outer.facts) == len(inner.facts) == 1
    solver = z3.Solver()
    solver.add(*inner.facts, x == 99, r != 9)
    assert solver.check() == z3.unsat


# --- literals and conversions [FIX-1, FIX-2] -------------------------------------


def test_literal_examples() -> None:
    assert from_literal("0.5") == 1 << 63
    assert from_literal("1") == ONE
    assert from_literal("1_000.25") == 1000 * ONE + (1 << 62)
    assert from_literal("0.5", U32F32) == 1 << 31
    # 1.3 is not a dyadic rational: 13 * 2^64 / 10 rounded to nearest (never a tie: 2^64 is not 5 mod 10)
    assert from_literal("1.3") == (13 * ONE + 5) // 10
    assert from_literal(".1") == from_literal("0.1") == (ONE + 5) // 10


def _decimal_string(value: Fraction) -> str:
    """An exact decimal string for a dyadic rational."""
    with localcontext() as ctx:
        ctx.prec = 200
        text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    assert Fraction(text) == value
    return text


@pytest.mark.parametrize("fmt", FORMATS)
def test_literal_ties_go_to_even(fmt: FixedFormat) -> None:
    half_step = Fraction(1, 2 * fmt.one)
    assert from_literal(_decimal_string(half_step), fmt) == 0  # 0.5 step: 0 is even
    assert from_literal(_decimal_string(3 * half_step), fmt) == 2  # 1.5 steps: up to 2
    assert from_literal(_decimal_string(5 * half_step), fmt) == 2  # 2.5 steps: down to 2


@given(
    whole=st.integers(0, (1 << 32) - 1),
    fraction_digits=st.text("0123456789", min_size=0, max_size=40),
    fmt=st.sampled_from(FORMATS),
)
def test_literal_is_nearest_multiple(whole: int, fraction_digits: str, fmt: FixedFormat) -> None:
    """[FIX-2] Within half a step of the decimal value; an exact half goes to even."""
    text = f"{whole}.{fraction_digits}" if fraction_digits else str(whole)
    exact = Fraction(text) * fmt.one
    bits = from_literal(text, fmt)
    assert abs(bits - exact) <= Fraction(1, 2)
    if abs(bits - exact) == Fraction(1, 2):
        assert bits % 2 == 0


@pytest.mark.parametrize("text", ["", "-1", "1/3", "1e5", "abc", "1.2.3"])
def test_literal_rejects_non_decimals(text: str) -> None:
    with pytest.raises(ValueError):
        from_literal(text)


def test_literal_that_does_not_fit() -> None:
    assert from_literal(str((1 << 64) - 1)) == ((1 << 64) - 1) << 64
    with pytest.raises(ValueError):
        from_literal(str(1 << 64))
    with pytest.raises(ValueError):
        from_literal(str(1 << 32), U32F32)


def test_int_conversions() -> None:
    assert from_int(3) == 3 * ONE
    assert to_int_floor(from_literal("2.999")) == 2
    assert to_fraction(from_literal("0.75")) == Fraction(3, 4)
    with pytest.raises(ArithmeticOverflow):
        from_int(1 << 64)
    with pytest.raises(ArithmeticOverflow):
        from_int(1 << 32, U32F32)


@given(x=raw(U64F64))
def test_convert_between_formats_truncates(x: int) -> None:
    """[FIX-1] U64F64 -> U80F48 drops 16 fractional bits; back is exact."""
    narrowed = convert(x, U64F64, U80F48)
    assert narrowed == floor_to_grid(to_fraction(x), U80F48)
    assert convert(narrowed, U80F48, U64F64) == x - x % (1 << 16)


def test_convert_overflow() -> None:
    with pytest.raises(ArithmeticOverflow):
        convert(U80F48.max_bits, U80F48, U64F64)


# --- operations [FIX-3, FIX-4, FIX-9, FIX-10] ------------------------------------


@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_mul_is_truncated_exact_product(data: st.DataObject, fmt: FixedFormat) -> None:
    a, b = data.draw(raw(fmt)), data.draw(raw(fmt))
    expected = floor_to_grid(to_fraction(a, fmt) * to_fraction(b, fmt), fmt)
    if expected > fmt.max_bits:
        with pytest.raises(ArithmeticOverflow):
            mul(a, b, fmt)
        assert saturating_mul(a, b, fmt) == fmt.max_bits
    else:
        assert mul(a, b, fmt) == saturating_mul(a, b, fmt) == expected


@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_div_is_truncated_exact_quotient(data: st.DataObject, fmt: FixedFormat) -> None:
    a, b = data.draw(raw(fmt)), data.draw(raw(fmt).filter(bool))
    expected = floor_to_grid(to_fraction(a, fmt) / to_fraction(b, fmt), fmt)
    if expected > fmt.max_bits:
        with pytest.raises(ArithmeticOverflow):
            div(a, b, fmt)
    else:
        assert div(a, b, fmt) == expected


def test_division_by_zero_is_not_an_outcome() -> None:
    with pytest.raises(ZeroDivisionError):
        div(ONE, 0)
    with pytest.raises(ZeroDivisionError):
        div_int(ONE, 0)


def test_integer_operands() -> None:
    assert mul_int(from_literal("1.5"), 3) == from_literal("4.5")
    assert div_int(from_int(1), 3) == ONE // 3
    with pytest.raises(ArithmeticOverflow):
        mul_int(U64F64.max_bits, 2)


@given(a=u128, b=u128)
def test_add_sub_checked_and_saturating(a: int, b: int) -> None:
    """[FIX-9] Plain add/sub fail past the bounds; the saturating forms clamp."""
    if a + b > U64F64.max_bits:
        with pytest.raises(ArithmeticOverflow):
            add(a, b)
        assert saturating_add(a, b) == U64F64.max_bits
    else:
        assert add(a, b) == saturating_add(a, b) == a + b
    if b > a:
        with pytest.raises(ArithmeticUnderflow):
            sub(a, b)
        assert saturating_sub(a, b) == 0
    else:
        assert sub(a, b) == saturating_sub(a, b) == a - b


def test_sqrt_examples() -> None:
    assert sqrt(from_int(4)) == from_int(2)
    assert sqrt(from_literal("0.25")) == from_literal("0.5")
    assert sqrt(from_int(9, U32F32), U32F32) == from_int(3, U32F32)
    # sqrt(2) keeps only 32 fractional bits: floor(sqrt(2) * 2^32) * 2^32
    assert sqrt(from_int(2)) == math.isqrt(2 << 64) << 32
    # ...while the type could hold floor(sqrt(2) * 2^64)
    assert sqrt(from_int(2)) < math.isqrt(2 << 128)


@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_sqrt_is_root_truncated_to_half_the_fraction_bits(
    data: st.DataObject, fmt: FixedFormat
) -> None:
    """[FIX-10] s <= sqrt(x) < s + 2^-(frac/2), and s is a multiple of 2^-(frac/2)."""
    x = data.draw(raw(fmt))
    s = sqrt(x, fmt)
    step = Fraction(1, 1 << (fmt.frac_bits // 2))
    value, root = to_fraction(x, fmt), to_fraction(s, fmt)
    assert root * root <= value < (root + step) ** 2
    assert root % step == 0


# --- balance <-> fixed [FIX-5..FIX-8] ------------------------------------------------


def test_one_pha_and_max_supply_round_trip_exactly() -> None:
    """balance_convert.rs `max_supply_not_overflow`: 1e9 PHA survives the round trip."""
    assert to_fixed(PHA) == ONE
    max_supply = 10**9 * PHA
    assert to_fixed(max_supply) == from_int(10**9)
    assert from_fixed(to_fixed(max_supply)) == max_supply


def test_small_balances_lose_a_planck() -> None:
    assert to_fixed(1) == (ONE >> 16) // PHA << 16  # floor(2^48 / 1e12) units of 2^-48
    assert from_fixed(to_fixed(1)) == 0
    assert bmul(1, ONE) == 0  # multiplying by exactly 1.0 still loses the planck
    assert from_fixed(to_fixed(5**12)) == 5**12


@given(b=balances)
def test_to_fixed_truncates_to_48_fraction_bits(b: int) -> None:
    """[FIX-5] The PHA amount rounded down to a multiple of 2^-48."""
    expected = floor_to_grid(Fraction(b, PHA), U80F48) << 16
    assert to_fixed(b) == expected


@given(v=st.integers(0, FROM_FIXED_MAX))
def test_from_fixed_truncates_twice(v: int) -> None:
    """[FIX-6] Drop to 48 fraction bits, then to whole planck; less than 2 planck lost."""
    at_48 = Fraction(v >> 16, 1 << 48)
    result = from_fixed(v)
    assert result == math.floor(at_48 * PHA)
    exact = to_fraction(v) * PHA
    assert result <= exact < result + 2


@given(b=balances)
def test_round_trip_loses_at_most_a_planck(b: int) -> None:
    """[FIX-5, FIX-6] Exact iff 5^12 divides b, else exactly one planck short."""
    assert from_fixed(to_fixed(b)) == (b if b % 5**12 == 0 else b - 1)


@given(k=st.integers(0, TO_FIXED_MAX_BALANCE // 5**12))
def test_round_trip_exact_on_multiples_of_5_pow_12(k: int) -> None:
    assert from_fixed(to_fixed(k * 5**12)) == k * 5**12


def test_conversion_domains() -> None:
    """[FIX-9] The exact edges of the domains of to_fixed and from_fixed."""
    to_fixed(TO_FIXED_MAX_BALANCE)
    with pytest.raises(ArithmeticOverflow):
        to_fixed(TO_FIXED_MAX_BALANCE + 1)
    from_fixed(FROM_FIXED_MAX)
    with pytest.raises(ArithmeticOverflow):
        from_fixed(FROM_FIXED_MAX + 1)


@given(b=balances, f=st.integers(0, 1 << 80))
def test_bmul_bounds(b: int, f: int) -> None:
    """[FIX-7] Never above the exact product, short by less than 1 + (1 + f)/256 planck."""
    try:
        result = bmul(b, f)
    except ArithmeticOverflow:
        assume(False)
        return
    assert result == from_fixed(mul(to_fixed(b), f))
    exact = Fraction(b * f, ONE)
    assert result <= exact
    assert exact - result < 1 + (1 + Fraction(f, ONE)) / 256


@given(b=balances, f=st.integers(1, 1 << 80))
def test_bdiv_bounds(b: int, f: int) -> None:
    """[FIX-8] Never above the exact quotient, short by less than 1 + (1 + 1/f)/256 planck."""
    try:
        result = bdiv(b, f)
    except ArithmeticOverflow:
        assume(False)
        return
    exact = Fraction(b * ONE, f)
    assert result <= exact
    assert exact - result < 1 + (1 + Fraction(ONE, f)) / 256


def test_bmul_bdiv_examples() -> None:
    half = from_literal("0.5")
    assert bmul(10 * PHA, half) == 5 * PHA
    assert bdiv(10 * PHA, half) == 20 * PHA
    assert bdiv(PHA, from_int(3)) == PHA // 3  # 333_333_333_333
