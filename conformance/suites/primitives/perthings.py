"""Permill and Perbill: construction and every rounding mode at its ties [PRIM-5] [PERX-1]..[PERX-5].

The expected results follow from the rules with exact integers: `parts / D`
of `x` is `x·parts / D` rounded by the mode, `NearestPrefDown` rounding an
exact half down and `NearestPrefUp` up; `from_rational` rounds down and gives
one when `q = 0` or `p > q`; construction saturates at one.
"""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case

from .common import MINIMAL, SUITE, U128_MAX, check

ACCURACY = {"Permill": 10**6, "Perbill": 10**9}
U32_MAX = (1 << 32) - 1
ROUNDINGS = ("Down", "Up", "NearestPrefDown", "NearestPrefUp")


def _rounded(numerator: int, denominator: int, rounding: str) -> int:
    q, r = divmod(numerator, denominator)
    if rounding == "Down":
        return q
    if rounding == "Up":
        return q + (r > 0)
    if rounding == "NearestPrefDown":
        return q + (2 * r > denominator)
    return q + (2 * r >= denominator)


@case(suite=SUITE, handler="perthing_from_parts", presets=MINIMAL, clauses=("PRIM-5", "PERX-2"))
def saturating_at_one(b: CaseBuilder) -> None:
    """`perthing_from_parts`: the parts, at most the accuracy (a u32 beyond it is one)."""
    for kind, d in ACCURACY.items():
        for parts in (0, 1, d - 1, d, d + 1, U32_MAX):
            check(b, "perthing_from_parts", {"per_thing": kind, "parts": parts}, min(parts, d))


@case(suite=SUITE, handler="perthing_from_percent", presets=MINIMAL, clauses=("PRIM-5", "PERX-2"))
def percent_saturating_at_100(b: CaseBuilder) -> None:
    """`perthing_from_percent`: `min(n, 100)` percent exactly."""
    for kind, d in ACCURACY.items():
        for percent in (0, 1, 5, 50, 99, 100, 101, U32_MAX):
            check(
                b,
                "perthing_from_percent",
                {"per_thing": kind, "percent": percent},
                min(percent, 100) * d // 100,
            )


RATIOS = [
    (0, 0),
    (5, 0),
    (0, 1),
    (1, 1),
    (1, 2),
    (1, 3),
    (2, 3),
    (3, 2),
    (999_999, 1_000_000),
    (1, 1_000_001),
    (1, 999_999_999),
    (1, 1_000_000_001),
    (U128_MAX - 1, U128_MAX),
    (U128_MAX, U128_MAX),
    (U128_MAX, U128_MAX - 1),
    (1, U128_MAX),
    (U128_MAX // 3, U128_MAX),
]


@case(suite=SUITE, handler="perthing_from_rational", presets=MINIMAL, clauses=("PRIM-5", "PERX-3"))
def rounded_down_or_one(b: CaseBuilder) -> None:
    """`perthing_from_rational`: `⌊p·D/q⌋` parts (2/3 is 666666 parts per million, not 666667);
    one when `q = 0` or `p > q`; exact for operands near 2^128."""
    for kind, d in ACCURACY.items():
        for p, q in RATIOS:
            expected = d if q == 0 or p > q else p * d // q
            check(b, "perthing_from_rational", {"per_thing": kind, "p": p, "q": q}, expected)


def _cases(d: int) -> list[tuple[int, int]]:
    """(parts, x) pairs at the rounding ties: remainders of exactly half, one part either side,
    0.95 and 0.05 of a unit, x at multiples of the accuracy and around them, and x near 2^128."""
    half = d // 2
    return [
        (half, 1),
        (half + 1, 1),
        (half - 1, 1),
        (half, 3),
        (half, 2),
        (d // 20, 19),
        (d // 20, 1),
        (3 * d // 10, 1),
        (7 * d // 10, 1),
        (0, U128_MAX),
        (d, U128_MAX),
        (d - 1, U128_MAX),
        (1, U128_MAX),
        (half, U128_MAX),
        (1, d - 1),
        (1, d),
        (1, d + 1),
        (half, d - 1),
        (half, d + 1),
        (d - 1, d - 1),
        (d - 1, 2 * d + half),
        (123_456, 987_654_321_987),
        (d, 0),
        (d, 7),
    ]


@case(suite=SUITE, handler="perthing_mul", presets=MINIMAL, clauses=("PRIM-5", "PERX-4", "PERX-5"))
def rounding_modes_at_ties(b: CaseBuilder) -> None:
    """`perthing_mul` in each rounding mode: `Down` and `Up` bracket the exact product,
    `NearestPrefDown` (the plain `*`) rounds an exact half down (50% of 1 is 0, 5% of 19 is 1),
    `NearestPrefUp` rounds it up; no mode returns more than `x`, even for `x` near 2^128."""
    for kind, d in ACCURACY.items():
        for parts, x in _cases(d):
            for rounding in ROUNDINGS:
                args = {"per_thing": kind, "parts": parts, "x": x, "rounding": rounding}
                check(b, "perthing_mul", args, _rounded(x * parts, d, rounding))
