"""Fixed point bit for bit, and the balance conversion [PRIM-3] [PRIM-4] [FIX-1]..[FIX-12].

Values are raw bits; ``ONE[f]`` is 1.0 in format ``f``. The expected results
follow from the rules with exact integers: every operation truncates (rounds
toward zero), overflow past the format's maximum is ``Arithmetic.Overflow``,
a negative difference ``Arithmetic.Underflow``, saturating operations clamp,
decimal text is read rounding half to even. The boundaries are each format's
maximum, one ulp (the bits 1), exact ties of the truncation, and the balance
conversion's domain ends (2^80 - 1 planck in, ``FROM_FIXED_MAX`` out).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from phala_spec.conformance.authoring import AuthoringError, CaseBuilder, case

from .common import MINIMAL, OVERFLOW, SUITE, UNDERFLOW, check, run

FRAC = {"U64F64": 64, "U32F32": 32, "U80F48": 48}
BITS = {"U64F64": 128, "U32F32": 64, "U80F48": 128}
MAX = {f: (1 << n) - 1 for f, n in BITS.items()}
ONE = {f: 1 << n for f, n in FRAC.items()}
PHA = 10**12
FROM_FIXED_MAX = ((MAX["U64F64"] // PHA + 1) << 16) - 1


def _fits(f: str, bits: int) -> int | tuple[str, str]:
    return bits if bits <= MAX[f] else OVERFLOW


def _operands(f: str) -> list[int]:
    """A format's interesting values: 0, one ulp, 0.5, 1, 1.5, 2, 3, an odd fraction, the
    square root of the maximum and the maximum, and one ulp below some of them."""
    one, top = ONE[f], MAX[f]
    root = math.isqrt(top)
    return [
        0,
        1,
        3,
        one // 2,
        one - 1,
        one,
        one + 1,
        3 * one // 2,
        2 * one,
        3 * one,
        one // 3,
        root,
        root + 1,
        top // 2,
        top - 1,
        top,
    ]


def _few(f: str) -> list[int]:
    """Fewer of them: 0, one ulp, around 1.0, 1.5, the root of the maximum and the maximum."""
    one, top = ONE[f], MAX[f]
    return [0, 1, one - 1, one, one + 1, 3 * one // 2, math.isqrt(top), top - 1, top]


@case(suite=SUITE, handler="fixed_from_int", presets=MINIMAL, clauses=("PRIM-3", "FIX-1", "FIX-9"))
def integer_part_width(b: CaseBuilder) -> None:
    """`fixed_from_int`: `n << frac`, up to the largest integer of the format's integer bits;
    one more overflows."""
    for f in FRAC:
        top = MAX[f] >> FRAC[f]
        for n in (0, 1, 7, top - 1, top, top + 1, 1 << 100):
            check(b, "fixed_from_int", {"format": f, "n": n}, _fits(f, n << FRAC[f]))


@case(suite=SUITE, handler="fixed_to_int", presets=MINIMAL, clauses=("PRIM-3", "FIX-1"))
def truncates(b: CaseBuilder) -> None:
    """`fixed_to_int`: the integer part, rounded down (one ulp below 1.0 is 0)."""
    for f in FRAC:
        for x in _few(f):
            check(b, "fixed_to_int", {"format": f, "x": x}, x >> FRAC[f])


@case(suite=SUITE, handler="fixed_convert", presets=MINIMAL, clauses=("PRIM-3", "FIX-1", "FIX-9"))
def between_formats(b: CaseBuilder) -> None:
    """`fixed_convert` between every pair of formats (itself included): fractional bits that fall
    off are dropped, an integer part too large for the target overflows."""
    for source in FRAC:
        for target in FRAC:
            shift = FRAC[target] - FRAC[source]
            for x in _few(source):
                bits = x << shift if shift >= 0 else x >> -shift
                check(
                    b,
                    "fixed_convert",
                    {"source": source, "target": target, "x": x},
                    _fits(target, bits),
                )


Rule = Callable[[str, int, int], object]


def _pairs(f: str, wide: bool) -> list[tuple[int, int]]:
    """Operand pairs of a binary operation: small and large values against values at and
    around 1.0, the root of the maximum and the maximum, in both orders when ``wide``."""
    one, top = ONE[f], MAX[f]
    root = math.isqrt(top)
    left = [0, 1, one // 2, one, 3 * one // 2, root, top]
    right = [1, 3, one - 1, one + 1, 2 * one, root + 1, top - 1]
    if not wide:
        left, right = left[::2], right[::2]
    return [(a, c) for a in left for c in right]


def _binary(b: CaseBuilder, name: str, rule: Rule, wide: bool = True, swap: bool = False) -> None:
    for f in ("U64F64", "U32F32"):
        for x, y in _pairs(f, wide):
            if swap:
                x, y = y, x
            check(b, name, {"format": f, "a": x, "b": y}, rule(f, x, y))


@case(suite=SUITE, handler="fixed_add", presets=MINIMAL, clauses=("PRIM-3", "FIX-9"))
def to_the_maximum(b: CaseBuilder) -> None:
    """`fixed_add`: exact sums up to the maximum, `Arithmetic.Overflow` past it."""
    _binary(b, "fixed_add", lambda f, x, y: _fits(f, x + y))


@case(suite=SUITE, handler="fixed_sub", presets=MINIMAL, clauses=("PRIM-3", "FIX-9"))
def to_zero(b: CaseBuilder) -> None:
    """`fixed_sub`: exact differences down to zero, `Arithmetic.Underflow` below."""
    _binary(b, "fixed_sub", lambda f, x, y: x - y if x >= y else UNDERFLOW)
    for f in ("U64F64", "U32F32"):
        for x in (0, 1, ONE[f], MAX[f]):
            check(b, "fixed_sub", {"format": f, "a": x, "b": x}, 0)


@case(suite=SUITE, handler="fixed_mul", presets=MINIMAL, clauses=("PRIM-3", "FIX-3", "FIX-9"))
def truncated_products(b: CaseBuilder) -> None:
    """`fixed_mul`: `(a·b) >> frac`, so half an ulp and more truncate down (one ulp times 0.5 is
    0, 3 ulps times 0.5 is 1); `Arithmetic.Overflow` past the maximum."""
    _binary(b, "fixed_mul", lambda f, x, y: _fits(f, (x * y) >> FRAC[f]))


@case(suite=SUITE, handler="fixed_div", presets=MINIMAL, clauses=("PRIM-3", "FIX-4", "FIX-9"))
def truncated_quotients(b: CaseBuilder) -> None:
    """`fixed_div`: `(a << frac) // b`, truncated (1/3, one ulp / 2.0 is 0); dividing by less
    than one can overflow."""

    _binary(b, "fixed_div", lambda f, x, y: _fits(f, (x << FRAC[f]) // y))
    for f in ("U64F64", "U32F32"):
        for x in (1, 2, 3, ONE[f] - 1, ONE[f], MAX[f]):
            check(b, "fixed_div", {"format": f, "a": x, "b": 2 * ONE[f]}, x // 2)


@case(suite=SUITE, handler="fixed_mul_int", presets=MINIMAL, clauses=("PRIM-3", "FIX-3", "FIX-9"))
def times_an_integer(b: CaseBuilder) -> None:
    """`fixed_mul_int`: the bits times `n`, `Arithmetic.Overflow` past the maximum."""
    for f in FRAC:
        for a in _few(f)[1::2]:
            for n in (0, 1, 3, (1 << 64) - 1, 1 << 64):
                check(b, "fixed_mul_int", {"format": f, "a": a, "n": n}, _fits(f, a * n))


@case(suite=SUITE, handler="fixed_div_int", presets=MINIMAL, clauses=("PRIM-3", "FIX-4"))
def by_an_integer(b: CaseBuilder) -> None:
    """`fixed_div_int`: the bits divided by `n`, truncated (one ulp / 2 is 0)."""
    for f in ("U64F64", "U32F32"):
        for a in _few(f)[1::2]:
            for n in (1, 2, 3, 1 << 64, (1 << 128) - 1):
                check(b, "fixed_div_int", {"format": f, "a": a, "n": n}, a // n)


@case(suite=SUITE, handler="fixed_saturating_add", presets=MINIMAL, clauses=("PRIM-3", "FIX-9"))
def clamped_sum(b: CaseBuilder) -> None:
    """`fixed_saturating_add`: the sum, or the maximum."""
    _binary(b, "fixed_saturating_add", lambda f, x, y: min(x + y, MAX[f]), wide=False)


@case(suite=SUITE, handler="fixed_saturating_sub", presets=MINIMAL, clauses=("PRIM-3", "FIX-9"))
def clamped_difference(b: CaseBuilder) -> None:
    """`fixed_saturating_sub`: the difference, or zero."""
    _binary(b, "fixed_saturating_sub", lambda f, x, y: max(x - y, 0), wide=False)
    _binary(b, "fixed_saturating_sub", lambda f, x, y: max(x - y, 0), wide=False, swap=True)


@case(suite=SUITE, handler="fixed_saturating_mul", presets=MINIMAL, clauses=("PRIM-3", "FIX-9"))
def clamped_product(b: CaseBuilder) -> None:
    """`fixed_saturating_mul`: the truncated product, or the maximum."""
    _binary(b, "fixed_saturating_mul", lambda f, x, y: min((x * y) >> FRAC[f], MAX[f]), wide=False)


@case(suite=SUITE, handler="fixed_sqrt", presets=MINIMAL, clauses=("PRIM-3", "FIX-10", "ARITH-4"))
def root_of_the_bits(b: CaseBuilder) -> None:
    """`fixed_sqrt`: `isqrt(bits) << (frac / 2)`, exact for 4.0 and 0.25, only half the
    fractional bits otherwise; at perfect squares of the bits and one below."""
    for f in FRAC:
        values = [*_operands(f), 4 * ONE[f], ONE[f] // 4, 2 * ONE[f], 49, 48, (1 << 66) - 1]
        for x in values:
            if x <= MAX[f]:
                check(b, "fixed_sqrt", {"format": f, "x": x}, math.isqrt(x) << (FRAC[f] // 2))


def _read(text: str, f: str) -> int | None:
    """The rule of [FIX-12], with exact integers: the value of the decimal, rounded half to
    even to a multiple of 2^-frac; ``None`` past the maximum."""
    whole, _, fraction = text.partition(".")
    digits = len(fraction)
    numerator = int((whole or "0") + fraction or "0") << FRAC[f]
    q, r = divmod(numerator, 10**digits)
    if 2 * r > 10**digits or (2 * r == 10**digits and q % 2):
        q += 1
    return q if q <= MAX[f] else None


def _exact(value: Fraction) -> str:
    """A dyadic rational as its exact decimal text."""
    whole, rest = divmod(value.numerator, value.denominator)
    digits = ""
    while rest:
        rest *= 10
        digit, rest = divmod(rest, value.denominator)
        digits += str(digit)
    return f"{whole}.{digits}" if digits else str(whole)


def _decimals(f: str) -> list[str]:
    """Decimal text at the edges of [FIX-12]: exact values, exact ties between two multiples of
    one ulp (half to even rounds 1/2 ulp to 0, 3/2 ulp to 2), just above and below a tie,
    the maximum, and the first value that rounds past it."""
    ulp = Fraction(1, ONE[f])
    top = Fraction(MAX[f], ONE[f])
    return [
        "0",
        "1",
        "3.",
        ".5",
        "0.5",
        "1.5",
        "0.1",
        "0.2",
        "1.000000666600231",
        "007.250",
        _exact(ulp),
        _exact(ulp / 2),
        _exact(3 * ulp / 2),
        _exact(5 * ulp / 2),
        _exact(ulp / 2) + "1",
        _exact(ulp / 2)[:-1] + "4",
        _exact(top),
        _exact(top + ulp / 2)[:-1] + "4",
        _exact(top + ulp / 2),
        str(MAX[f] >> FRAC[f]),
        str((MAX[f] >> FRAC[f]) + 1),
    ]


REFUSED = ["", ".", "..5", "1.2.3", "-1", "+1", "1e5", " 1", "1 ", "1_000", "0x10", "½", "1,5"]


@case(suite=SUITE, handler="fixed_from_str", presets=MINIMAL, clauses=("PRIM-3", "FIX-12"))
def rounding_half_to_even(b: CaseBuilder) -> None:
    """`fixed_from_str`: digits with at most one point, rounded to the nearest multiple of one
    ulp, exact ties to even; null for signs, exponents, spaces, underscores, text without a
    digit, and values that round past the maximum."""
    for f in FRAC:
        for text in _decimals(f):
            check(b, "fixed_from_str", {"format": f, "text": text}, _read(text, f))
    for text in REFUSED:
        check(b, "fixed_from_str", {"format": "U64F64", "text": text}, None)


@case(suite=SUITE, handler="fixed_from_literal", presets=MINIMAL, clauses=("PRIM-3", "FIX-2"))
def literals(b: CaseBuilder) -> None:
    """`fixed_from_literal`: as `fixed_from_str`, with underscores allowed (`1_000.5`) and
    surrounding spaces ignored; null for a literal that would not compile."""
    for f in ("U64F64", "U32F32"):
        for text in ("0.8", "0.7", "1.2", "1.3", "0.2", "30000", "1_000.5", " 2.5 ", "1.000_001"):
            check(
                b,
                "fixed_from_literal",
                {"format": f, "text": text},
                _read(text.strip().replace("_", ""), f),
            )
        top = _exact(Fraction(MAX[f], ONE[f]))
        check(b, "fixed_from_literal", {"format": f, "text": top}, MAX[f])
        for text in ("", "-1", "1e3", "x", str(MAX[f] >> FRAC[f]) + "1"):
            check(b, "fixed_from_literal", {"format": f, "text": text}, None)


@case(suite=SUITE, handler="fixed_to_str", presets=MINIMAL, clauses=("PRIM-3", "FIX-11"))
def shortest_text(b: CaseBuilder) -> None:
    """`fixed_to_str`: the fewest fractional digits that read back as the same bits, no point for
    an integer (`0`, `7`, `1.5`, `0.1` for the value nearest a tenth), at one ulp, the maximum,
    and at 2^-k and 3·2^-k: where the shortest length falls one digit short of the exact value,
    two decimals are equally near and the one with the even last digit is written (2^-11 in
    U32F32 is `0.0004882812`, not `...13`; 3·2^-11 is `0.0014648438`, not `...37`)."""
    for f in FRAC:
        one = ONE[f]
        for x in (0, 7 * one, 3 * one // 2):
            check(b, "fixed_to_str", {"format": f, "x": x}, _exact(Fraction(x, one)))
        step = 1 if f == "U32F32" else 3
        powers = [m * one >> k for k in range(1, FRAC[f] + 1, step) for m in (1, 3)]
        near = [_read(text, f) for text in ("0.1", "1.000000666600231")]
        for x in (
            *_operands(f),
            *(v for v in near if v is not None),
            5,
            6,
            7,
            11,
            *powers,
        ):
            text = run(b, "fixed_to_str", format=f, x=x)
            if not isinstance(text, str) or _read(text, f) != x:
                raise AuthoringError(
                    f"fixed_to_str({f}, {x}) gives {text!r}, which reads back otherwise"
                )


@case(
    suite=SUITE, handler="balance_to_fixed", presets=MINIMAL, clauses=("PRIM-4", "FIX-5", "FIX-9")
)
def through_u80f48(b: CaseBuilder) -> None:
    """`balance_to_fixed`: `((b << 48) // 10^12) << 16`, so the low 16 bits are zero and one
    planck is truncated to a multiple of 2^-48 PHA; up to 2^80 - 1 planck, one more overflows."""
    for balance in (
        0,
        1,
        5**12,
        PHA - 1,
        PHA,
        PHA + 1,
        10**21,
        (1 << 80) - 1,
        1 << 80,
        (1 << 128) - 1,
    ):
        expected = ((balance << 48) // PHA) << 16 if balance < 1 << 80 else OVERFLOW
        check(b, "balance_to_fixed", {"balance": balance}, expected)


@case(
    suite=SUITE, handler="fixed_to_balance", presets=MINIMAL, clauses=("PRIM-4", "FIX-6", "FIX-9")
)
def truncates_twice(b: CaseBuilder) -> None:
    """`fixed_to_balance`: `((v >> 16) · 10^12) >> 48`, up to `FROM_FIXED_MAX`; one more overflows."""
    for x in (
        0,
        1,
        (1 << 16) - 1,
        1 << 16,
        ONE["U64F64"],
        ONE["U64F64"] - 1,
        3 * ONE["U64F64"] // 2,
        FROM_FIXED_MAX - 1,
        FROM_FIXED_MAX,
        FROM_FIXED_MAX + 1,
        MAX["U64F64"],
    ):
        expected = ((x >> 16) * PHA) >> 48 if x <= FROM_FIXED_MAX else OVERFLOW
        check(b, "fixed_to_balance", {"x": x}, expected)


def _bmul(balance: int, factor: int) -> int | tuple[str, str]:
    if balance >= 1 << 80:
        return OVERFLOW
    product = ((((balance << 48) // PHA) << 16) * factor) >> 64
    if product > MAX["U64F64"] or product > FROM_FIXED_MAX:
        return OVERFLOW
    return ((product >> 16) * PHA) >> 48


def _bdiv(balance: int, divisor: int) -> int | tuple[str, str]:
    if balance >= 1 << 80:
        return OVERFLOW
    quotient = ((((balance << 48) // PHA) << 16) << 64) // divisor
    if quotient > MAX["U64F64"] or quotient > FROM_FIXED_MAX:
        return OVERFLOW
    return ((quotient >> 16) * PHA) >> 48


BALANCES = (0, 1, 3, 5**12, PHA, PHA + 1, 123_456_789_012_345, 10**21, (1 << 80) - 1, 1 << 80)
FACTORS = (1, 1 << 63, 1 << 64, 3 << 63, 1 << 100, MAX["U64F64"])


@case(suite=SUITE, handler="balance_mul_fixed", presets=MINIMAL, clauses=("PRIM-4", "FIX-7"))
def round_trip_losses(b: CaseBuilder) -> None:
    """`balance_mul_fixed`: `from_fixed(mul(to_fixed(b), f))`; times 1.0 loses a planck unless `b`
    is a multiple of 5^12; large products overflow."""
    for balance in BALANCES:
        for factor in (0, *FACTORS):
            check(
                b,
                "balance_mul_fixed",
                {"balance": balance, "factor": factor},
                _bmul(balance, factor),
            )


@case(suite=SUITE, handler="balance_div_fixed", presets=MINIMAL, clauses=("PRIM-4", "FIX-8"))
def small_divisors_overflow(b: CaseBuilder) -> None:
    """`balance_div_fixed`: `from_fixed(div(to_fixed(b), d))`; a small divisor magnifies the
    truncation and overflows for large balances."""
    for balance in BALANCES:
        for divisor in FACTORS:
            check(
                b,
                "balance_div_fixed",
                {"balance": balance, "divisor": divisor},
                _bdiv(balance, divisor),
            )
