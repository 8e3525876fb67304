"""Helpers of the ``primitives`` suite [STEP-9] [PRIM-1]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from phala_spec.conformance.authoring import AuthoringError, CaseBuilder
from phala_spec.primitives.codec import PlainData, encode

SUITE = "primitives"
MINIMAL = ("minimal",)
U128_MAX = (1 << 128) - 1


def run(b: CaseBuilder, name: str, /, **args: Any) -> PlainData:
    """One ``primitive`` step; its result (the reference's)."""
    return b.primitive(name, args)


def check(b: CaseBuilder, name: str, args: Mapping[str, Any], expected: PlainData) -> PlainData:
    """One ``primitive`` step whose result the case knows from the rule: a fill-time check [VEC-14].

    ``expected`` is the result, or an error code given as ``("error", code)``.
    """
    returned = b.primitive(name, args)
    if isinstance(expected, tuple) and expected[:1] == ("error",):
        b.expect_outcome(expected[1])
        return returned
    b.expect_outcome("ok")
    if encode(returned) != encode(expected):
        raise AuthoringError(
            f"{name}{dict(args)!r}: the rule gives {expected!r}, the reference {returned!r}"
        )
    return returned


def error(code: str) -> tuple[str, str]:
    """An expected error outcome for :func:`check`."""
    return ("error", code)


OVERFLOW = error("Arithmetic.Overflow")
UNDERFLOW = error("Arithmetic.Underflow")


def pattern(length: int, start: int = 0) -> bytes:
    """``length`` bytes counting up from ``start``, modulo 251 (a prime, so the pattern does not repeat
    with any power-of-two period)."""
    return bytes((start + i) % 251 for i in range(length))
