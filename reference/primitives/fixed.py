"""Unsigned binary fixed point, bit for bit as the ``fixed`` crate [FIX-1].

A fixed-point value is represented by its raw bits, a plain ``int``: the
``U64F64`` value ``1.5`` is ``3 << 63``. Every function takes the format as its
last argument (``U64F64``, the runtime's ``FixedPoint``, by default) and is
written with the helpers of :mod:`.arith`, so it also accepts Z3 integer terms
and then builds the formula of the same computation.

Overflow past the format's width is never silent: the operations below raise
``ArithmeticOverflow`` (``ArithmeticUnderflow`` for a negative difference)
unless they are named ``saturating_*`` [FIX-9]. On Z3 terms the condition is
recorded as a guard (see :func:`.arith.require`).

The second half of the module is the runtime's balance <-> fixed conversion
(``utils/balance_convert.rs``): balances are integers with 12 decimals
(planck) and go through ``U80F48`` on the way in and out [FIX-5..FIX-8].
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import overload

import attrs

from .arith import Num, floor_div, isqrt, le, min_, require, shl, shr
from .arith import saturating_sub as _saturating_sub
from .errors import ArithmeticOverflow, ArithmeticUnderflow


@attrs.frozen
class FixedFormat:
    """An unsigned fixed-point type with ``int_bits`` + ``frac_bits`` bits [FIX-1]."""

    name: str
    int_bits: int
    frac_bits: int

    @property
    def bits(self) -> int:
        """Total width of the raw representation."""
        return self.int_bits + self.frac_bits

    @property
    def max_bits(self) -> int:
        """Largest raw value (the type's ``MAX``)."""
        return (1 << self.bits) - 1

    @property
    def one(self) -> int:
        """Raw bits of the value 1."""
        return 1 << self.frac_bits


U64F64 = FixedFormat("U64F64", 64, 64)
"""The runtime's ``FixedPoint`` (``u128`` bits, 64 fractional)."""
U32F32 = FixedFormat("U32F32", 32, 32)
"""Used by the heartbeat ``pow_target`` (``u64`` bits, 32 fractional)."""
U80F48 = FixedFormat("U80F48", 80, 48)
"""Intermediate type of the balance conversion (``u128`` bits, 48 fractional)."""

PHA = 10**12
"""Planck per PHA: balances are integers with 12 decimals."""

TO_FIXED_MAX_BALANCE = (1 << 80) - 1
"""Largest balance :func:`to_fixed` accepts (``U80F48::from_num`` of a larger one overflows)."""
FROM_FIXED_MAX = ((U64F64.max_bits // PHA + 1) << 16) - 1
"""Largest ``U64F64`` bits :func:`from_fixed` accepts (about 1.1e12 PHA)."""


@overload
def _fits(value: int, fmt: FixedFormat) -> int: ...
@overload
def _fits(value: Num, fmt: FixedFormat) -> Num: ...
def _fits(value: Num, fmt: FixedFormat) -> Num:
    """``value`` if it fits ``fmt``'s raw width, else ``ArithmeticOverflow`` [FIX-9]."""
    require(le(value, fmt.max_bits), ArithmeticOverflow)
    return value


def _division_by_zero() -> Exception:
    return ZeroDivisionError("fixed-point division by zero")


# --- construction and inspection --------------------------------------------

_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


@overload
def from_int(n: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def from_int(n: Num, fmt: FixedFormat = U64F64) -> Num: ...
def from_int(n: Num, fmt: FixedFormat = U64F64) -> Num:
    """The fixed value of the integer ``n`` (``from_num``): ``n << frac_bits`` [FIX-1]."""
    return _fits(shl(n, fmt.frac_bits), fmt)


def from_literal(text: str, fmt: FixedFormat = U64F64) -> int:
    """Bits of a decimal literal, like ``fp!("1.3")`` [FIX-2].

    The exact decimal value is rounded to the nearest multiple of
    ``2**-frac_bits``, ties to even. Underscores are allowed as in Rust. A
    literal that is malformed or does not fit is a build error in production,
    so here it raises ``ValueError``.
    """
    digits = text.strip().replace("_", "")
    if not _DECIMAL.fullmatch(digits):
        raise ValueError(f"not an unsigned decimal literal: {text!r}")
    bits = round(Fraction(digits) * fmt.one)  # Fraction rounds half to even
    if bits > fmt.max_bits:
        raise ValueError(f"literal {text!r} does not fit {fmt.name}")
    return bits


@overload
def to_int_floor(x: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def to_int_floor(x: Num, fmt: FixedFormat = U64F64) -> Num: ...
def to_int_floor(x: Num, fmt: FixedFormat = U64F64) -> Num:
    """The integer part of ``x`` (``to_num::<uN>()`` truncates) [FIX-1]."""
    return shr(x, fmt.frac_bits)


def to_fraction(x: int, fmt: FixedFormat = U64F64) -> Fraction:
    """The exact rational value of the bits ``x`` (for tests and display)."""
    return Fraction(x, fmt.one)


@overload
def convert(x: int, src: FixedFormat, dst: FixedFormat) -> int: ...
@overload
def convert(x: Num, src: FixedFormat, dst: FixedFormat) -> Num: ...
def convert(x: Num, src: FixedFormat, dst: FixedFormat) -> Num:
    """Re-express ``x`` from ``src`` in ``dst`` (``Dst::from_fixed``) [FIX-1].

    Extra fractional bits are truncated; a value too large for ``dst``
    overflows.
    """
    if dst.frac_bits >= src.frac_bits:
        return _fits(shl(x, dst.frac_bits - src.frac_bits), dst)
    return _fits(shr(x, src.frac_bits - dst.frac_bits), dst)


# --- arithmetic --------------------------------------------------------------


@overload
def add(a: int, b: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def add(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num: ...
def add(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num:
    """``a + b``; ``ArithmeticOverflow`` past the format's maximum [FIX-9]."""
    return _fits(a + b, fmt)


@overload
def sub(a: int, b: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def sub(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num: ...
def sub(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num:
    """``a - b``; ``ArithmeticUnderflow`` when ``b > a`` [FIX-9]."""
    require(le(b, a), ArithmeticUnderflow)
    return a - b


@overload
def mul(a: int, b: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def mul(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num: ...
def mul(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num:
    """``a * b`` = ``(a_bits * b_bits) >> frac_bits``, truncated [FIX-3]."""
    return _fits(shr(a * b, fmt.frac_bits), fmt)


@overload
def div(a: int, b: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def div(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num: ...
def div(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num:
    """``a / b`` = ``(a_bits << frac_bits) // b_bits``, truncated [FIX-4].

    Division by zero is a panic in production; callers rule it out first.
    """
    require(b != 0, _division_by_zero)
    return _fits(floor_div(shl(a, fmt.frac_bits), b), fmt)


@overload
def mul_int(a: int, n: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def mul_int(a: Num, n: Num, fmt: FixedFormat = U64F64) -> Num: ...
def mul_int(a: Num, n: Num, fmt: FixedFormat = U64F64) -> Num:
    """``a * n`` for an integer ``n``: the bits times ``n`` [FIX-3]."""
    return _fits(a * n, fmt)


@overload
def div_int(a: int, n: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def div_int(a: Num, n: Num, fmt: FixedFormat = U64F64) -> Num: ...
def div_int(a: Num, n: Num, fmt: FixedFormat = U64F64) -> Num:
    """``a / n`` for an integer ``n``: the bits divided by ``n``, truncated [FIX-4]."""
    require(n != 0, _division_by_zero)
    return floor_div(a, n)


@overload
def saturating_add(a: int, b: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def saturating_add(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num: ...
def saturating_add(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num:
    """``a + b`` clamped at the format's maximum [FIX-9]."""
    return min_(a + b, fmt.max_bits)


@overload
def saturating_sub(a: int, b: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def saturating_sub(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num: ...
def saturating_sub(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num:
    """``a - b`` clamped at zero [FIX-9]."""
    return _saturating_sub(a, b)


@overload
def saturating_mul(a: int, b: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def saturating_mul(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num: ...
def saturating_mul(a: Num, b: Num, fmt: FixedFormat = U64F64) -> Num:
    """``a * b`` (truncated as :func:`mul`) clamped at the format's maximum [FIX-9]."""
    return min_(shr(a * b, fmt.frac_bits), fmt.max_bits)


@overload
def sqrt(x: int, fmt: FixedFormat = U64F64) -> int: ...
@overload
def sqrt(x: Num, fmt: FixedFormat = U64F64) -> Num: ...
def sqrt(x: Num, fmt: FixedFormat = U64F64) -> Num:
    """Square root as the ``fixed-sqrt`` crate computes it [FIX-10].

    ``isqrt(bits) << (frac_bits / 2)``: the root of the raw bits, so only half
    of the fractional bits (32 for ``U64F64``) carry precision.
    """
    return shl(isqrt(x), fmt.frac_bits // 2)


# --- decimal text (the fixed crate's Display and FromStr) -------------------------


_PLAIN_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def from_str(text: str, fmt: FixedFormat = U64F64) -> int:
    """Bits of a decimal number as ``FixedU128::from_str`` parses it [FIX-12].

    Digits with at most one decimal point and at least one digit (``"3"``,
    ``"3."``, ``".5"``, ``"1.0002"``); the exact value is rounded to the nearest
    multiple of ``2**-frac_bits``, ties to even. Anything else, or a value past the
    format's maximum, raises ``ValueError``.
    """
    if not isinstance(text, str) or not _PLAIN_DECIMAL.fullmatch(text):
        raise ValueError(f"not an unsigned decimal number: {text!r}")
    bits = round(Fraction(text) * fmt.one)  # Fraction rounds half to even
    if bits > fmt.max_bits:
        raise ValueError(f"{text!r} does not fit {fmt.name}")
    return bits


def to_str(bits: int, fmt: FixedFormat = U64F64) -> str:
    """The decimal text ``Display`` prints for the bits ``bits`` [FIX-11].

    The fewest fractional digits that :func:`from_str` reads back as the same
    bits; among decimals of that length, the nearest to the exact value (ties to
    an even last digit). No decimal point when no fractional digit is needed:
    ``"7"``, ``"1.5"``, ``"0.1"``.
    """
    if not 0 <= bits <= fmt.max_bits:
        raise ValueError(f"{bits} is not the bits of a {fmt.name} value")
    exact = Fraction(bits, fmt.one)
    for digits in range(fmt.frac_bits + 1):
        scale = 10**digits
        scaled = exact * scale
        low = scaled.numerator // scaled.denominator
        best = None
        for units in sorted((low, low + 1), key=lambda u: (abs(scaled - u), u % 2)):
            if round(Fraction(units, scale) * fmt.one) == bits:
                best = units
                break
        if best is not None:
            return _decimal_text(best, digits)
    raise AssertionError("frac_bits decimal digits always represent the value exactly")


def _decimal_text(units: int, digits: int) -> str:
    integer, fraction = divmod(units, 10**digits)
    if digits == 0:
        return str(integer)
    return f"{integer}.{fraction:0{digits}d}"


# --- balance <-> fixed (utils/balance_convert.rs) ----------------------------


@overload
def to_fixed(balance: int) -> int: ...
@overload
def to_fixed(balance: Num) -> Num: ...
def to_fixed(balance: Num) -> Num:
    """A balance in planck as a ``U64F64`` number of PHA [FIX-5].

    ``U80F48::from_num(b) / PHA`` converted to ``U64F64``: the value is
    truncated to a multiple of ``2**-48`` PHA, i.e. ``((b << 48) // 10**12) << 16``.
    Defined for ``b <= TO_FIXED_MAX_BALANCE`` (``2**80 - 1``); larger
    balances raise ``ArithmeticOverflow``.
    """
    pha = div_int(from_int(balance, U80F48), PHA, U80F48)
    return convert(pha, U80F48, U64F64)


@overload
def from_fixed(value: int) -> int: ...
@overload
def from_fixed(value: Num) -> Num: ...
def from_fixed(value: Num) -> Num:
    """A ``U64F64`` number of PHA as a balance in planck [FIX-6].

    ``(U80F48::from_fixed(v) * PHA).to_num()``: truncate to 48 fractional
    bits, multiply the bits by ``10**12``, drop the fraction, i.e.
    ``((v >> 16) * 10**12) >> 48``. Defined for ``v <= FROM_FIXED_MAX``;
    larger values raise ``ArithmeticOverflow``.
    """
    planck = mul_int(convert(value, U64F64, U80F48), PHA, U80F48)
    return to_int_floor(planck, U80F48)


@overload
def bmul(balance: int, factor: int) -> int: ...
@overload
def bmul(balance: Num, factor: Num) -> Num: ...
def bmul(balance: Num, factor: Num) -> Num:
    """``balance * factor`` for a ``U64F64`` factor: ``from_fixed(to_fixed(b) * f)`` [FIX-7]."""
    return from_fixed(mul(to_fixed(balance), factor))


@overload
def bdiv(balance: int, divisor: int) -> int: ...
@overload
def bdiv(balance: Num, divisor: Num) -> Num: ...
def bdiv(balance: Num, divisor: Num) -> Num:
    """``balance / divisor`` for a ``U64F64`` divisor: ``from_fixed(to_fixed(b) / d)`` [FIX-8]."""
    return from_fixed(div(to_fixed(balance), divisor))
