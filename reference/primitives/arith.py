"""Arithmetic helpers with two interpretations [ARITH-1].

Every helper here accepts Python ``int`` values or Z3 terms. With ints it
computes the exact value the production code computes; with Z3 bit-vector or
integer terms it builds the formula for the same computation. Share maths,
fixed-point conversions and balance rules are written with these helpers so a
proof in ``phala_spec.proofs`` is about the code the reference runs.

Integers are unbounded here; the width of a production integer type is
expressed with the explicit saturating and checked operations below, never by
implicit wrap-around [ARITH-2].
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeAlias, overload

from .errors import ArithmeticOverflow, ArithmeticUnderflow

if TYPE_CHECKING:
    from z3 import ArithRef, BoolRef

# z3 is imported lazily (inside the functions) so that the reference does not
# pay for the solver when it only computes; the aliases are strings for that.
Num: TypeAlias = "int | ArithRef"
"""A Python int or a Z3 Int term [ARITH-1]. The helpers also take Z3
bit-vector terms (they use the unsigned operations then); the reference and
the proofs use Int terms, so the type names those and mypy treats the
bit-vector branches as unreachable."""
Cond: TypeAlias = "bool | BoolRef"
"""A Python bool or a Z3 Boolean term: what comparing two ``Num`` gives."""

U8_MAX = (1 << 8) - 1
U32_MAX = (1 << 32) - 1
U64_MAX = (1 << 64) - 1
U128_MAX = (1 << 128) - 1
U256_MAX = (1 << 256) - 1


def is_concrete(*values: Num) -> bool:
    """True when every value is a plain Python int (or bool)."""
    return all(isinstance(v, int) for v in values)


@overload
def ite(cond: bool, then: int, other: int) -> int: ...
@overload
def ite(cond: Cond, then: Num, other: Num) -> Num: ...
def ite(cond: Cond, then: Num, other: Num) -> Num:
    """``then if cond else other``, usable inside a Z3 formula [ARITH-1]."""
    if isinstance(cond, bool):
        return then if cond else other
    import z3

    return z3.If(cond, then, other)


@overload
def floor_div(a: int, b: int) -> int: ...
@overload
def floor_div(a: Num, b: Num) -> Num: ...
def floor_div(a: Num, b: Num) -> Num:
    """Floor division of non-negative values (Rust's unsigned ``/``) [ARITH-3].

    Division by zero is an error in production (a panic); with ints it raises
    ``ZeroDivisionError`` so callers must rule it out first.
    """
    if isinstance(a, int) and isinstance(b, int):
        return a // b
    import z3

    if z3.is_bv(a) or z3.is_bv(b):
        return z3.UDiv(a, b)  # bit-vector terms, see Num
    # z3 Int division is floor division for non-negative operands; one of them is a
    # term here, so this is never int / int (a float)
    return a / b  # type: ignore[return-value]


@overload
def rem(a: int, b: int) -> int: ...
@overload
def rem(a: Num, b: Num) -> Num: ...
def rem(a: Num, b: Num) -> Num:
    """Remainder of the unsigned division ``a / b`` [ARITH-3]."""
    if isinstance(a, int) and isinstance(b, int):
        return a % b
    import z3

    if z3.is_bv(a) or z3.is_bv(b):
        return z3.URem(a, b)  # bit-vector terms, see Num
    return a % b


@overload
def shl(a: int, n: int) -> int: ...
@overload
def shl(a: Num, n: int) -> Num: ...
def shl(a: Num, n: int) -> Num:
    """``a << n`` for a non-negative ``a`` (exact, no truncation)."""
    if isinstance(a, int):
        return a << n
    import z3

    if z3.is_bv(a):
        return a << n  # a bit-vector term, see Num
    return a * (1 << n)


@overload
def shr(a: int, n: int) -> int: ...
@overload
def shr(a: Num, n: int) -> Num: ...
def shr(a: Num, n: int) -> Num:
    """``a >> n`` for a non-negative ``a`` (floor division by 2**n)."""
    if isinstance(a, int):
        return a >> n
    import z3

    if z3.is_bv(a):
        return z3.LShR(a, n)  # a bit-vector term, see Num
    return a / (1 << n)


@overload
def lt(a: int, b: int) -> bool: ...
@overload
def lt(a: Num, b: Num) -> Cond: ...
def lt(a: Num, b: Num) -> Cond:
    """Unsigned ``a < b``."""
    if isinstance(a, int) and isinstance(b, int):
        return a < b
    import z3

    if z3.is_bv(a) or z3.is_bv(b):
        return z3.ULT(a, b)  # bit-vector terms, see Num
    return a < b


@overload
def le(a: int, b: int) -> bool: ...
@overload
def le(a: Num, b: Num) -> Cond: ...
def le(a: Num, b: Num) -> Cond:
    """Unsigned ``a <= b``."""
    if isinstance(a, int) and isinstance(b, int):
        return a <= b
    import z3

    if z3.is_bv(a) or z3.is_bv(b):
        return z3.ULE(a, b)  # bit-vector terms, see Num
    return a <= b


@overload
def min_(a: int, b: int) -> int: ...
@overload
def min_(a: Num, b: Num) -> Num: ...
def min_(a: Num, b: Num) -> Num:
    """The smaller of two values [ARITH-1]."""
    if isinstance(a, int) and isinstance(b, int):  # ``ite(le(a, b), a, b)`` on integers
        return a if a <= b else b
    return ite(le(a, b), a, b)


@overload
def max_(a: int, b: int) -> int: ...
@overload
def max_(a: Num, b: Num) -> Num: ...
def max_(a: Num, b: Num) -> Num:
    """The larger of two values [ARITH-1]."""
    if isinstance(a, int) and isinstance(b, int):  # ``ite(le(a, b), b, a)`` on integers
        return b if a <= b else a
    return ite(le(a, b), b, a)


@overload
def saturating_sub(a: int, b: int) -> int: ...
@overload
def saturating_sub(a: Num, b: Num) -> Num: ...
def saturating_sub(a: Num, b: Num) -> Num:
    """``a - b`` clamped at zero, like Rust's ``saturating_sub`` on unsigned ints [ARITH-2]."""
    if isinstance(a, int) and isinstance(b, int):  # ``ite(le(b, a), a - b, 0)`` on integers
        return a - b if b <= a else 0
    return ite(le(b, a), a - b, 0)


@overload
def saturating_add(a: int, b: int, bound: int = U128_MAX) -> int: ...
@overload
def saturating_add(a: Num, b: Num, bound: int = U128_MAX) -> Num: ...
def saturating_add(a: Num, b: Num, bound: int = U128_MAX) -> Num:
    """``a + b`` clamped at ``bound`` (the type's maximum) [ARITH-2]."""
    return min_(a + b, bound)


@overload
def saturating_mul(a: int, b: int, bound: int = U128_MAX) -> int: ...
@overload
def saturating_mul(a: Num, b: Num, bound: int = U128_MAX) -> Num: ...
def saturating_mul(a: Num, b: Num, bound: int = U128_MAX) -> Num:
    """``a * b`` clamped at ``bound`` [ARITH-2]."""
    return min_(a * b, bound)


def checked_add(a: int, b: int, bound: int = U128_MAX) -> int:
    """``a + b``, or ``ArithmeticOverflow`` when it exceeds ``bound`` [ARITH-2]."""
    total = a + b
    if total > bound:
        raise ArithmeticOverflow()
    return total


def checked_sub(a: int, b: int) -> int:
    """``a - b``, or ``ArithmeticUnderflow`` when ``b > a`` [ARITH-2]."""
    if b > a:
        raise ArithmeticUnderflow()
    return a - b


def checked_mul(a: int, b: int, bound: int = U128_MAX) -> int:
    """``a * b``, or ``ArithmeticOverflow`` when it exceeds ``bound`` [ARITH-2]."""
    product = a * b
    if product > bound:
        raise ArithmeticOverflow()
    return product


@overload
def isqrt(a: int) -> int: ...
@overload
def isqrt(a: Num) -> Num: ...
def isqrt(a: Num) -> Num:
    """Integer square root (floor) of a non-negative value [ARITH-4].

    On a Z3 integer term the result is a fresh term ``r`` with the defining
    facts ``r >= 0``, ``r*r <= a < (r+1)*(r+1)`` recorded in the active
    :func:`side_conditions` collectors (one must be active). The same term
    gets the same root within a collector, so two evaluations of a rule on
    one input agree.
    """
    if isinstance(a, int):
        if a < 0:
            raise ValueError("isqrt of a negative number")
        import math

        return math.isqrt(a)
    import z3

    if z3.is_bv(a):
        raise TypeError("symbolic isqrt is defined on Z3 Int terms only")
    if not _COLLECTORS.get():
        raise RuntimeError("symbolic isqrt needs an active side_conditions() collector")
    key = a.sexpr()
    for collector in _COLLECTORS.get():
        if key in collector.roots:  # one root per term: two evaluations agree
            return collector.roots[key]
    root = z3.FreshInt("isqrt")
    assume(z3.And(root >= 0, root * root <= a, a < (root + 1) * (root + 1)))
    for collector in _COLLECTORS.get():
        collector.roots[key] = root
    return root


class SideConditions:
    """What a symbolic evaluation learned besides its result [ARITH-1].

    ``guards`` are the conditions under which the evaluation does not raise
    (one per :func:`require` met on a symbolic term); ``facts`` define fresh
    terms (e.g. the symbolic :func:`isqrt`) and always hold.
    """

    def __init__(self) -> None:
        self.guards: list[BoolRef] = []
        self.facts: list[BoolRef] = []
        self.roots: dict[str, ArithRef] = {}


_COLLECTORS: ContextVar[tuple[SideConditions, ...]] = ContextVar(
    "phala_spec_side_conditions", default=()
)


@contextmanager
def side_conditions() -> Iterator[SideConditions]:
    """Collect the guards and facts of symbolic evaluations inside the block.

    Collectors nest: a guard goes to the innermost one, a fact to all of them.
    """
    collector = SideConditions()
    token = _COLLECTORS.set((*_COLLECTORS.get(), collector))
    try:
        yield collector
    finally:
        _COLLECTORS.reset(token)


def require(cond: Cond, error: Callable[[], Exception]) -> None:
    """Raise ``error()`` unless ``cond`` holds [ARITH-2].

    With a concrete condition this is an ordinary check. With a Z3 condition
    nothing can be raised: the condition is recorded as a guard in the
    innermost active :func:`side_conditions` collector (if any), so a proof
    can either assume it (``the call did not fail``) or prove it (``the call
    cannot fail``).
    """
    if isinstance(cond, bool):
        if not cond:
            raise error()
        return
    collectors = _COLLECTORS.get()
    if collectors:
        collectors[-1].guards.append(cond)


def assume(fact: BoolRef) -> None:
    """Record a defining fact of a fresh symbolic term in every active collector."""
    for collector in _COLLECTORS.get():
        collector.facts.append(fact)
