"""The arithmetic of the balance rules [BAL-29].

Splitting dust off a free balance [BAL-8], debiting and crediting [BAL-6],
the reserve, unreserve and slash amounts [BAL-17]..[BAL-19], and the frozen
amount as the largest lock [BAL-21]. They are written with the
dual-interpretation helpers of :mod:`phala_spec.primitives.arith`: the rules
run them on integers, and ``phala_spec.proofs`` states its conservation
obligations ([BAL-2]) over these very functions on Z3 terms.
"""

from __future__ import annotations

from typing import overload

from ...primitives.arith import Num, ite, lt, max_, min_


@overload
def split_dust(free: int, reserved: int, ed: int) -> tuple[int, int]: ...
@overload
def split_dust(free: Num, reserved: Num, ed: Num) -> tuple[Num, Num]: ...
def split_dust(free: Num, reserved: Num, ed: Num) -> tuple[Num, Num]:
    """``(kept_free, dust)``: a free balance below the existential deposit with nothing
    reserved is dust and is lost entirely [BAL-8]."""
    dust = ite(lt(free, ed), ite(reserved == 0, free, 0), 0)
    return free - dust, dust


@overload
def debit(free: int, amount: int) -> int: ...
@overload
def debit(free: Num, amount: Num) -> Num: ...
def debit(free: Num, amount: Num) -> Num:
    """The free balance after taking ``amount`` (checked by the caller to be available) [BAL-6]."""
    return free - amount


@overload
def credit(free: int, amount: int) -> int: ...
@overload
def credit(free: Num, amount: Num) -> Num: ...
def credit(free: Num, amount: Num) -> Num:
    """The free balance after adding ``amount`` [BAL-6]."""
    return free + amount


@overload
def reserve_amounts(free: int, reserved: int, value: int) -> tuple[int, int]: ...
@overload
def reserve_amounts(free: Num, reserved: Num, value: Num) -> tuple[Num, Num]: ...
def reserve_amounts(free: Num, reserved: Num, value: Num) -> tuple[Num, Num]:
    """``(free, reserved)`` after reserving ``value`` (at most ``free``) [BAL-17]."""
    return free - value, reserved + value


@overload
def unreserve_amounts(free: int, reserved: int, value: int) -> tuple[int, int, int]: ...
@overload
def unreserve_amounts(free: Num, reserved: Num, value: Num) -> tuple[Num, Num, Num]: ...
def unreserve_amounts(free: Num, reserved: Num, value: Num) -> tuple[Num, Num, Num]:
    """``(free, reserved, actual)`` after unreserving up to ``value`` [BAL-18]."""
    actual = min_(reserved, value)
    return free + actual, reserved - actual, actual


@overload
def slash_amounts(reserved: int, value: int) -> tuple[int, int]: ...
@overload
def slash_amounts(reserved: Num, value: Num) -> tuple[Num, Num]: ...
def slash_amounts(reserved: Num, value: Num) -> tuple[Num, Num]:
    """``(reserved, actual)`` after slashing up to ``value`` of the reserve [BAL-19]."""
    actual = min_(value, reserved)
    return reserved - actual, actual


@overload
def frozen_amount(lock_amounts: tuple[int, ...]) -> int: ...
@overload
def frozen_amount(lock_amounts: tuple[Num, ...]) -> Num: ...
def frozen_amount(lock_amounts: tuple[Num, ...]) -> Num:
    """The frozen amount is the largest lock, never the sum [BAL-21]."""
    frozen: Num = 0
    for amount in lock_amounts:
        frozen = max_(frozen, amount)
    return frozen
