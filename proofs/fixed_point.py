"""Obligations about fixed point, balance conversion and per-things.

Every claim evaluates the reference functions (:mod:`phala_spec.primitives.fixed`,
:mod:`phala_spec.primitives.perthings`) on Z3 integer terms. Bounds are stated in the
integers of the representation, so "the value of ``f``" is ``f / 2**64`` and a
balance is in planck (``10**-12`` PHA). The exact product of a balance ``b``
and a ``U64F64`` factor ``f`` is ``b * f / 2**64`` planck.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from phala_spec.primitives.arith import U128_MAX, Num, shr
from phala_spec.primitives.fixed import (
    FROM_FIXED_MAX,
    PHA,
    TO_FIXED_MAX_BALANCE,
    U32F32,
    U64F64,
    U80F48,
    FixedFormat,
    bdiv,
    bmul,
    div,
    from_fixed,
    mul,
    sqrt,
    to_fixed,
)
from phala_spec.primitives.perthings import Perbill, Permill, PerThing, Rounding, divide_rounded
from phala_spec.proofs.obligations import Claim, Lemma, LemmaUse, guards_of, obligation

ONE = U64F64.one  # 2**64, the bits of 1.0
PER_THINGS: tuple[type[PerThing[Num]], ...] = (Permill, Perbill)


def _balance(name: str) -> tuple[z3.ArithRef, tuple[z3.BoolRef, ...]]:
    """A balance variable in the domain of ``to_fixed``."""
    b = z3.Int(name)
    return b, (b >= 0, b <= TO_FIXED_MAX_BALANCE)


def _raw(name: str, fmt: FixedFormat = U64F64) -> tuple[z3.ArithRef, tuple[z3.BoolRef, ...]]:
    """A variable ranging over the raw bits of ``fmt``."""
    v = z3.Int(name)
    return v, (v >= 0, v <= fmt.max_bits)


# --- fixed-point operations ---------------------------------------------------


@obligation(
    id="FIX-P1",
    clauses=("FIX-3",),
    description="mul truncates: it is the exact product rounded down to the format's step",
)
def mul_truncates() -> Claim:
    goals, given = [], []
    for fmt in (U64F64, U32F32):
        a, da = _raw(f"a_{fmt.name}", fmt)
        b, db = _raw(f"b_{fmt.name}", fmt)
        m = mul(a, b, fmt)
        goals += [m * fmt.one <= a * b, a * b < (m + 1) * fmt.one]
        given += [*da, *db]
    return Claim(z3.And(*goals), tuple(given))


@obligation(
    id="FIX-P2",
    clauses=("FIX-4",),
    description="div truncates: it is the exact quotient rounded down to the format's step",
)
def div_truncates() -> Claim:
    goals, given = [], []
    for fmt in (U64F64, U32F32):
        a, da = _raw(f"a_{fmt.name}", fmt)
        b, db = _raw(f"b_{fmt.name}", fmt)
        q = div(a, b, fmt)
        goals += [q * b <= a * fmt.one, a * fmt.one < (q + 1) * b]
        given += [*da, *db]
    return Claim(z3.And(*goals), tuple(given))


@obligation(
    id="FIX-P3",
    clauses=("FIX-10",),
    description=(
        "sqrt is the exact root rounded down to a multiple of 2^-(frac/2); its square "
        "(by mul) never exceeds x and falls short by at most 2*isqrt(bits) raw units"
    ),
)
def sqrt_bounds() -> Claim:
    goals, given = [], []
    for fmt in (U64F64, U32F32):
        x, dx = _raw(f"x_{fmt.name}", fmt)
        s = sqrt(x, fmt)
        step = 1 << (fmt.frac_bits // 2)
        square = mul(s, s, fmt)
        goals += [
            s * s <= x * fmt.one,
            x * fmt.one < (s + step) * (s + step),
            square <= x,
            x - square <= 2 * shr(s, fmt.frac_bits // 2),
        ]
        given += list(dx)
    return Claim(z3.And(*goals), tuple(given))


# --- balance <-> fixed ------------------------------------------------------------


@obligation(
    id="FIX-P4",
    clauses=("FIX-5", "FIX-9"),
    description="to_fixed cannot fail on a balance up to 2^80 - 1",
)
def to_fixed_total() -> Claim:
    b, domain = _balance("b")
    return Claim(z3.And(*guards_of(lambda: to_fixed(b))), domain)


_STEP_48 = 1 << 16  # 2^-48 in U64F64 bits


def _to_fixed_truncates(b: Num) -> z3.BoolRef:
    """``to_fixed(b)`` is within one 2^-48 step below the exact ``b / 10^12``."""
    t = to_fixed(b)
    return z3.And(t * PHA <= b * ONE, b * ONE < (t + _STEP_48) * PHA)


def _from_fixed_bounds(v: Num) -> z3.BoolRef:
    r = from_fixed(v)
    return z3.And(r * ONE <= v * PHA, v * PHA < (r + 2) * ONE)


# FIX-P5 and FIX-P7 again, as lemmas the bmul / bdiv proofs cut at
_TO_FIXED = Lemma.of(
    "to_fixed_truncates",
    ("b",),
    lambda b: Claim(_to_fixed_truncates(b), (b >= 0, b <= TO_FIXED_MAX_BALANCE)),
)
_FROM_FIXED = Lemma.of(
    "from_fixed_bounds", ("v",), lambda v: Claim(_from_fixed_bounds(v), (v >= 0,))
)


@obligation(
    id="FIX-P5",
    clauses=("FIX-5",),
    description="to_fixed truncates the PHA value down to a multiple of 2^-48",
)
def to_fixed_truncates() -> Claim:
    b, domain = _balance("b")
    return Claim(z3.And(_to_fixed_truncates(b), to_fixed(b) % _STEP_48 == 0), domain)


@obligation(
    id="FIX-P6",
    clauses=("FIX-6", "FIX-9"),
    description="from_fixed cannot fail on bits up to FROM_FIXED_MAX (about 1.2e12 PHA)",
)
def from_fixed_total() -> Claim:
    v = z3.Int("v")
    return Claim(
        z3.And(*guards_of(lambda: from_fixed(v))),
        (v >= 0, v <= FROM_FIXED_MAX),
    )


@obligation(
    id="FIX-P7",
    clauses=("FIX-6",),
    description="from_fixed never rounds up and loses less than 2 planck",
)
def from_fixed_bounds() -> Claim:
    v, domain = _raw("v")
    return Claim(_from_fixed_bounds(v), domain)


@obligation(
    id="FIX-P8",
    clauses=("FIX-5", "FIX-6"),
    description="a balance -> fixed -> balance round trip never creates value and loses at most 1 planck",
)
def round_trip_bounds() -> Claim:
    b, domain = _balance("b")
    r = from_fixed(to_fixed(b))
    return Claim(z3.And(r <= b, b - r <= 1), domain)


_FIVE_12 = 5**12  # PHA = 2^12 * 5^12; the 2^12 is absorbed by the 48 binary digits

_EXACT_TO_FIXED = Lemma.of(
    "exact_to_fixed",
    ("b",),
    lambda b: Claim(
        z3.Implies(to_fixed(b) * PHA == b * ONE, b % _FIVE_12 == 0),
        (b >= 0, b <= TO_FIXED_MAX_BALANCE),
    ),
)


@obligation(
    id="FIX-P9",
    clauses=("FIX-5", "FIX-6"),
    description="the round trip is exact iff the balance is a multiple of 5^12 planck",
)
def round_trip_exact() -> Claim:
    b, domain = _balance("b")
    r = from_fixed(to_fixed(b))
    return Claim((r == b) == (b % _FIVE_12 == 0), domain, uses=(_EXACT_TO_FIXED.at(b),))


def _bmul_cuts(b: Num, f: Num) -> tuple[LemmaUse, ...]:
    """Cut at the two conversions inside ``bmul``; Z3 then only reasons about ``mul``."""
    return (_TO_FIXED.at(b), _FROM_FIXED.at(mul(to_fixed(b), f)))


def _bdiv_cuts(b: Num, f: Num) -> tuple[LemmaUse, ...]:
    """Cut at the two conversions inside ``bdiv``; Z3 then only reasons about ``div``."""
    return (_TO_FIXED.at(b), _FROM_FIXED.at(div(to_fixed(b), f)))


@obligation(
    id="FIX-P10",
    clauses=("FIX-7",),
    description="bmul never exceeds the exact product b*f",
)
def bmul_never_exceeds() -> Claim:
    b, domain = _balance("b")
    f = z3.Int("f")
    return Claim(bmul(b, f) * ONE <= b * f, (*domain, f >= 0), _bmul_cuts(b, f))


@obligation(
    id="FIX-P11",
    clauses=("FIX-7",),
    description="bmul falls short of b*f by less than 1 + (1 + f)/256 planck",
)
def bmul_loss() -> Claim:
    b, domain = _balance("b")
    f = z3.Int("f")
    r = bmul(b, f)
    return Claim(256 * (b * f - r * ONE) < 257 * ONE + f, (*domain, f >= 0), _bmul_cuts(b, f))


@obligation(
    id="FIX-P12",
    clauses=("FIX-7", "FIX-9"),
    description="bmul cannot fail when b <= 2^80 - 1 and b*f is at most 1e12 PHA",
)
def bmul_total() -> Claim:
    b, domain = _balance("b")
    f = z3.Int("f")
    return Claim(
        z3.And(*guards_of(lambda: bmul(b, f))),
        (*domain, f >= 0, b * f <= 10**24 * ONE),
    )


@obligation(
    id="FIX-P13",
    clauses=("FIX-8",),
    description="bdiv never exceeds the exact quotient b/f",
)
def bdiv_never_exceeds() -> Claim:
    b, domain = _balance("b")
    f = z3.Int("f")
    return Claim(bdiv(b, f) * f <= b * ONE, (*domain, f >= 1), _bdiv_cuts(b, f))


@obligation(
    id="FIX-P14",
    clauses=("FIX-8",),
    description="bdiv falls short of b/f by less than 1 + (1 + 1/f)/256 planck",
)
def bdiv_loss() -> Claim:
    b, domain = _balance("b")
    f = z3.Int("f")
    r = bdiv(b, f)
    return Claim(256 * (b * ONE - r * f) < 257 * f + ONE, (*domain, f >= 1), _bdiv_cuts(b, f))


@obligation(
    id="FIX-P15",
    clauses=("FIX-8", "FIX-9"),
    description="bdiv cannot fail when f > 0, b <= 2^80 - 1 and b/f is at most 1e12 PHA",
)
def bdiv_total() -> Claim:
    b, domain = _balance("b")
    f = z3.Int("f")
    return Claim(
        z3.And(*guards_of(lambda: bdiv(b, f))),
        (*domain, f >= 1, f <= U128_MAX, b * ONE <= 10**24 * f),
    )


# --- per-things -------------------------------------------------------------------


def _per_thing_inputs(
    cls: type[PerThing[Num]],
) -> tuple[z3.ArithRef, z3.ArithRef, tuple[z3.BoolRef, ...]]:
    """A u128 balance ``x`` and a parts count ``p`` of ``cls``."""
    x = z3.Int(f"x_{cls.__name__}")
    p = z3.Int(f"p_{cls.__name__}")
    return x, p, (x >= 0, x <= U128_MAX, p >= 0, p <= cls.ACCURACY)


def _rounded(rounding: Rounding, num: Num, den: int, r: Num) -> z3.BoolRef:
    """``r`` is ``num / den`` rounded as ``rounding`` says (for ``num >= 0``, ``den > 0``)."""
    if rounding is Rounding.DOWN:
        return z3.And(r * den <= num, num < (r + 1) * den)
    if rounding is Rounding.UP:
        return z3.And(num <= r * den, (r - 1) * den < num)
    if rounding is Rounding.NEAREST_PREF_DOWN:  # an exact half goes down
        return z3.And(2 * num - den <= 2 * den * r, 2 * den * r < 2 * num + den)
    return z3.And(2 * num - den < 2 * den * r, 2 * den * r <= 2 * num + den)


def _division_lemma(cls: type[PerThing[Num]], rounding: Rounding) -> Lemma:
    """``divide_rounded(m, ACCURACY, rounding)`` is ``m / ACCURACY`` rounded (linear)."""
    d = cls.ACCURACY
    return Lemma.of(
        f"divide_rounded_{cls.__name__}_{rounding.value}",
        ("m",),
        lambda m: Claim(_rounded(rounding, m, d, divide_rounded(m, d, rounding)), (m >= 0,)),
    )


_DIVISION = {
    (cls, rounding): _division_lemma(cls, rounding) for cls in PER_THINGS for rounding in Rounding
}


def _correction_use(cls: type[PerThing[Num]], rounding: Rounding, x: Num, p: Num) -> LemmaUse:
    """The division lemma at the correction term of ``x * p``: ``m = (x % D) * p``."""
    return _DIVISION[cls, rounding].at((x % cls.ACCURACY) * p)


def _product_is_rounded(rounding: Rounding, product: Callable[[PerThing[Num], Num], Num]) -> Claim:
    """``product(per, x)`` is ``x * parts / ACCURACY`` rounded, for both per-things.

    The proof cuts at the rounded division inside the correction for
    ``x % ACCURACY`` (a linear lemma); the rest is the exact part
    ``(x // ACCURACY) * parts``.
    """
    goals, given, uses = [], [], []
    for cls in PER_THINGS:
        x, p, domain = _per_thing_inputs(cls)
        d = cls.ACCURACY
        goals.append(_rounded(rounding, x * p, d, product(cls(p), x)))
        given += list(domain)
        uses.append(_correction_use(cls, rounding, x, p))
    return Claim(z3.And(*goals), tuple(given), tuple(uses))


@obligation(
    id="PERX-P1",
    clauses=("PERX-4",),
    description="mul_floor is x*parts/ACCURACY rounded down (Permill, Perbill)",
)
def per_thing_mul_floor() -> Claim:
    return _product_is_rounded(Rounding.DOWN, lambda per, x: per.mul_floor(x))


@obligation(
    id="PERX-P2",
    clauses=("PERX-4",),
    description="mul_ceil is x*parts/ACCURACY rounded up (Permill, Perbill)",
)
def per_thing_mul_ceil() -> Claim:
    return _product_is_rounded(Rounding.UP, lambda per, x: per.mul_ceil(x))


@obligation(
    id="PERX-P3",
    clauses=("PERX-4", "PERX-5"),
    description=(
        "per-thing * x is x*parts/ACCURACY rounded to nearest, ties toward zero: "
        "2*x*p - D <= 2*D*r < 2*x*p + D (Permill, Perbill)"
    ),
)
def per_thing_mul_nearest() -> Claim:
    return _product_is_rounded(Rounding.NEAREST_PREF_DOWN, lambda per, x: per * x)


@obligation(
    id="PERX-P4",
    clauses=("PERX-4", "PERX-5"),
    description="a per-thing times x never exceeds x, whatever the rounding (Permill, Perbill)",
)
def per_thing_mul_at_most_x() -> Claim:
    goals, given, uses = [], [], []
    for cls in PER_THINGS:
        x, p, domain = _per_thing_inputs(cls)
        per = cls(p)
        goals += [per.mul_floor(x) <= x, per.mul_ceil(x) <= x, per * x <= x]
        given += list(domain)
        modes = (Rounding.DOWN, Rounding.UP, Rounding.NEAREST_PREF_DOWN)
        uses += [_correction_use(cls, mode, x, p) for mode in modes]
    return Claim(z3.And(*goals), tuple(given), tuple(uses))


@obligation(
    id="PERX-P5",
    clauses=("PERX-3",),
    description="from_rational(p, q) is p/q rounded down, or one when q = 0 or p > q",
)
def per_thing_from_rational() -> Claim:
    goals, given = [], []
    for cls in PER_THINGS:
        name = cls.__name__
        p, q = z3.Int(f"p_{name}"), z3.Int(f"q_{name}")
        d = cls.ACCURACY
        r = cls.from_rational(p, q).parts
        exact = z3.And(r * q <= p * d, p * d < (r + 1) * q)
        goals.append(z3.If(z3.And(q > 0, p <= q), exact, r == d))
        given += [p >= 0, p <= U128_MAX, q >= 0, q <= U128_MAX]
    return Claim(z3.And(*goals), tuple(given))


@obligation(
    id="PERX-P6",
    clauses=("PERX-4",),
    description="NearestPrefUp rounds to nearest, ties away from zero (Permill, Perbill)",
)
def per_thing_mul_nearest_up() -> Claim:
    return _product_is_rounded(
        Rounding.NEAREST_PREF_UP, lambda per, x: per.mul_rounding(x, Rounding.NEAREST_PREF_UP)
    )


@obligation(
    id="FIX-P16",
    clauses=("FIX-1",),
    description="each format's largest raw value is 2^(int + frac bits) - 1: U64F64, U32F32 "
    "and U80F48 hold exactly 128, 64 and 128 bits",
)
def format_bounds() -> Claim:
    widths = {U64F64: 128, U32F32: 64, U80F48: 128}
    return Claim(all(fmt.max_bits == 2**width - 1 for fmt, width in widths.items()))


@obligation(
    id="PERX-P7",
    clauses=("PERX-1",),
    description="a per-thing holds 0 ..= ACCURACY parts: both ends are accepted, one part "
    "beyond either is refused (Permill, Perbill)",
)
def per_thing_parts_range() -> Claim:
    def refused(cls: type[PerThing[Num]], parts: int) -> bool:
        try:
            cls(parts)
        except ValueError:
            return True
        return False

    holds = all(
        cls(0).parts == 0
        and cls(cls.ACCURACY).parts == cls.ACCURACY
        and refused(cls, -1)
        and refused(cls, cls.ACCURACY + 1)
        for cls in PER_THINGS
    )
    return Claim(holds)
