"""``Permill`` and ``Perbill``, as Substrate's ``sp-arithmetic`` computes them [PERX-1].

A per-thing is a number of parts of a fixed ``ACCURACY`` (10**6 parts for
``Permill``, 10**9 for ``Perbill``), always between zero and one. The methods
are written with the helpers of :mod:`.arith`, so ``parts`` and the balances
they multiply may be Python ints or Z3 integer terms.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, ClassVar, Generic, Self, TypeVar, overload

import attrs

from .arith import Num, floor_div, ite, le, lt, max_, min_, rem

if TYPE_CHECKING:
    from z3 import ArithRef

P = TypeVar("P", int, "int | ArithRef")
"""The type of a per-thing's parts: ``int`` when it computes, ``Num`` in a proof."""


class Rounding(enum.Enum):
    """``sp_arithmetic::Rounding`` [PERX-4]."""

    DOWN = "Down"
    UP = "Up"
    NEAREST_PREF_DOWN = "NearestPrefDown"
    NEAREST_PREF_UP = "NearestPrefUp"


@overload
def divide_rounded(m: int, denom: int, rounding: Rounding) -> int: ...
@overload
def divide_rounded(m: Num, denom: int, rounding: Rounding) -> Num: ...
def divide_rounded(m: Num, denom: int, rounding: Rounding) -> Num:
    """``m / denom`` for ``m >= 0``, rounded as ``rounding`` says [PERX-4].

    ``NearestPrefDown`` rounds up only when the remainder is more than half of
    ``denom``; ``NearestPrefUp`` already when it is at least half.
    """
    quotient = floor_div(m, denom)
    remainder = rem(m, denom)
    if rounding is Rounding.DOWN:
        return quotient
    if rounding is Rounding.UP:
        return quotient + ite(lt(0, remainder), 1, 0)
    if rounding is Rounding.NEAREST_PREF_DOWN:
        return quotient + ite(lt(denom // 2, remainder), 1, 0)
    return quotient + ite(le(denom // 2 + denom % 2, remainder), 1, 0)


@overload
def rational_mul_correction(x: int, numer: int, denom: int, rounding: Rounding) -> int: ...
@overload
def rational_mul_correction(x: Num, numer: Num, denom: int, rounding: Rounding) -> Num: ...
def rational_mul_correction(x: Num, numer: Num, denom: int, rounding: Rounding) -> Num:
    """``(x % denom) * numer / denom``, rounded as ``rounding`` says [PERX-4].

    The remainder of ``x`` times the numerator is below ``denom * numer``, so
    this is exact in the production ``Upper`` type.
    """
    return divide_rounded(rem(x, denom) * numer, denom, rounding)


@overload
def overflow_prune_mul(x: int, parts: int, accuracy: int, rounding: Rounding) -> int: ...
@overload
def overflow_prune_mul(x: Num, parts: Num, accuracy: int, rounding: Rounding) -> Num: ...
def overflow_prune_mul(x: Num, parts: Num, accuracy: int, rounding: Rounding) -> Num:
    """``x * parts / accuracy`` without a wide intermediate [PERX-4].

    ``(x / accuracy) * parts`` plus the rounded correction for ``x % accuracy``;
    the result equals the exact product rounded as ``rounding`` says.
    """
    return floor_div(x, accuracy) * parts + rational_mul_correction(x, parts, accuracy, rounding)


@attrs.frozen
class PerThing(Generic[P]):
    """A fraction ``parts / ACCURACY`` in ``[0, 1]`` [PERX-1]."""

    ACCURACY: ClassVar[int] = 1

    parts: P = attrs.field()

    @parts.validator
    def _check_parts(self, _attribute: object, value: P) -> None:
        if isinstance(value, int) and not 0 <= value <= self.ACCURACY:
            raise ValueError(f"{type(self).__name__} parts out of range: {value}")

    @classmethod
    def from_parts(cls, parts: P) -> Self:
        """``parts`` parts, saturating at one [PERX-2]."""
        return cls(min_(parts, cls.ACCURACY))

    @classmethod
    def from_percent(cls, percent: P) -> Self:
        """``percent`` percent, saturating at 100 [PERX-2]."""
        return cls(min_(percent, 100) * (cls.ACCURACY // 100))

    @classmethod
    def from_rational(cls, p: P, q: P) -> Self:
        """``p / q`` rounded down; one when ``q == 0`` or ``p > q`` [PERX-3]."""
        ratio = floor_div(p * cls.ACCURACY, max_(q, 1))
        return cls(ite(lt(q, 1), cls.ACCURACY, ite(lt(q, p), cls.ACCURACY, ratio)))

    @classmethod
    def one(cls) -> Self:
        """All ``ACCURACY`` parts."""
        return cls(cls.ACCURACY)

    @overload
    def mul_rounding(self: PerThing[int], x: int, rounding: Rounding) -> int: ...
    @overload
    def mul_rounding(self, x: Num, rounding: Rounding) -> Num: ...
    def mul_rounding(self, x: Num, rounding: Rounding) -> Num:
        """``self * x`` for a non-negative integer ``x``, rounded as ``rounding`` says [PERX-4]."""
        return overflow_prune_mul(x, self.parts, self.ACCURACY, rounding)

    @overload
    def mul_floor(self: PerThing[int], x: int) -> int: ...
    @overload
    def mul_floor(self, x: Num) -> Num: ...
    def mul_floor(self, x: Num) -> Num:
        """``self * x`` rounded down [PERX-4]."""
        return self.mul_rounding(x, Rounding.DOWN)

    @overload
    def mul_ceil(self: PerThing[int], x: int) -> int: ...
    @overload
    def mul_ceil(self, x: Num) -> Num: ...
    def mul_ceil(self, x: Num) -> Num:
        """``self * x`` rounded up [PERX-4]."""
        return self.mul_rounding(x, Rounding.UP)

    @overload
    def __mul__(self: PerThing[int], x: int) -> int: ...
    @overload
    def __mul__(self, x: Num) -> Num: ...
    def __mul__(self, x: Num) -> Num:
        """``self * x`` rounded to nearest, ties toward zero (``NearestPrefDown``) [PERX-5]."""
        return self.mul_rounding(x, Rounding.NEAREST_PREF_DOWN)


@attrs.frozen
class Permill(PerThing[P]):
    """Parts per million [PERX-1]."""

    ACCURACY: ClassVar[int] = 1_000_000


@attrs.frozen
class Perbill(PerThing[P]):
    """Parts per billion [PERX-1]."""

    ACCURACY: ClassVar[int] = 1_000_000_000
