"""The arithmetic of democracy: thresholds, convictions and locks [DEM-7] [DEM-8] [DEM-11].

``VoteThreshold::approved`` with adaptive quorum biasing and the exact
comparison of rationals it needs [DEM-7]; the votes a conviction gives and the
periods it locks for [DEM-8]; the block a lock ends, prior locks (accumulated,
forgotten when expired) and the balance a voting record locks [DEM-11].
They are written with :mod:`phala_spec.primitives.arith` so that
``proofs/governance.py`` proves its properties ([DEM-27]) over these very
functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from ...chain.democracy_state import (
    SIMPLE_MAJORITY,
    SUPER_MAJORITY_AGAINST,
    SUPER_MAJORITY_APPROVE,
    Delegations,
    PriorLock,
    Tally,
)
from ...primitives.arith import (
    U32_MAX,
    floor_div,
    isqrt,
    ite,
    le,
    lt,
    max_,
    require,
    saturating_add,
    saturating_mul,
)
from ...primitives.errors import RuntimePanic

if TYPE_CHECKING:
    from ...primitives.arith import Cond, Num


def conviction_votes(conviction: int, capital: Num) -> Delegations:
    """``Conviction::votes``: the votes ``capital`` gives at ``conviction`` (0..6) [DEM-8].

    ``None`` (0) gives a tenth, rounded down; ``LockedNx`` gives ``N`` times,
    saturating at the largest balance. The capital is always the whole amount.
    """
    if conviction == 0:
        # the record's fields are typed for the chain; in proofs they hold Z3 terms
        return Delegations(floor_div(capital, 10), capital)  # type: ignore[arg-type]
    # the record's fields are typed for the chain; in proofs they hold Z3 terms
    return Delegations(saturating_mul(capital, conviction), capital)  # type: ignore[arg-type]


def lock_periods(conviction: int) -> int:
    """``Conviction::lock_periods``: 0 for ``None``, then 1, 2, 4, 8, 16, 32 [DEM-8]."""
    return 0 if conviction == 0 else 1 << (conviction - 1)


@overload
def unlock_block(start: int, locking_period: int, periods: int) -> int: ...
@overload
def unlock_block(start: Num, locking_period: Num, periods: int) -> Num: ...
def unlock_block(start: Num, locking_period: Num, periods: int) -> Num:
    """``start + locking_period * periods`` in saturating block-number (u32) arithmetic [DEM-11]."""
    return saturating_add(start, saturating_mul(locking_period, periods, U32_MAX), U32_MAX)


def accumulate(prior: PriorLock, until: Num, amount: Num) -> PriorLock:
    """``PriorLock::accumulate``: the later end and the larger amount [DEM-11]."""
    # the record's fields are typed for the chain; in proofs they hold Z3 terms
    return PriorLock(max_(prior.until, until), max_(prior.amount, amount))  # type: ignore[arg-type]


def rejig(prior: PriorLock, now: Num) -> PriorLock:
    """``PriorLock::rejig``: a prior lock whose end has come is forgotten [DEM-11]."""
    expired = le(prior.until, now)
    # the record's fields are typed for the chain; in proofs they hold Z3 terms
    return PriorLock(ite(expired, 0, prior.until), ite(expired, 0, prior.amount))  # type: ignore[arg-type]


@overload
def locked_balance(prior_amount: int, amounts: tuple[int, ...]) -> int: ...
@overload
def locked_balance(prior_amount: Num, amounts: tuple[Num, ...]) -> Num: ...
def locked_balance(prior_amount: Num, amounts: tuple[Num, ...]) -> Num:
    """The lock a voting record needs: the largest of the prior lock and every amount it holds [DEM-11]."""
    needed = prior_amount
    for amount in amounts:
        needed = max_(needed, amount)
    return needed


@overload
def compare_rationals(n1: int, d1: int, n2: int, d2: int) -> bool: ...
@overload
def compare_rationals(n1: Num, d1: Num, n2: Num, d2: Num) -> Cond: ...
def compare_rationals(n1: Num, d1: Num, n2: Num, d2: Num) -> Cond:
    """``n1 / d1 < n2 / d2`` exactly, for positive denominators [DEM-7].

    Production compares with a continued-fraction loop that never overflows;
    for positive denominators it decides the same strict inequality as the
    cross-multiplication used here.
    """
    return lt(n1 * d2, n2 * d1)


@overload
def threshold_holds(
    threshold: str, ayes: int, nays: int, sqrt_voters: int, sqrt_electorate: int
) -> bool: ...
@overload
def threshold_holds(
    threshold: str, ayes: Num, nays: Num, sqrt_voters: Num, sqrt_electorate: Num
) -> Cond: ...
def threshold_holds(
    threshold: str, ayes: Num, nays: Num, sqrt_voters: Num, sqrt_electorate: Num
) -> Cond:
    """The comparison of each threshold kind, given the two integer square roots [DEM-7]."""
    if threshold == SUPER_MAJORITY_APPROVE:
        return compare_rationals(nays, sqrt_voters, ayes, sqrt_electorate)
    if threshold == SUPER_MAJORITY_AGAINST:
        return compare_rationals(nays, sqrt_electorate, ayes, sqrt_voters)
    return lt(nays, ayes)


def approved(threshold: str, tally: Tally, electorate: Num) -> Cond:
    """``VoteThreshold::approved`` with adaptive quorum biasing [DEM-7].

    No turnout (its integer square root is 0) never passes. An electorate
    below 1 would divide by zero in production (a panic, unreachable while any
    balance exists).
    """
    sqrt_voters = isqrt(tally.turnout)
    sqrt_electorate = isqrt(electorate)
    no_turnout = le(sqrt_voters, 0)
    if isinstance(no_turnout, bool):
        if no_turnout:
            return False
        if threshold != SIMPLE_MAJORITY:
            require(lt(0, sqrt_electorate), lambda: RuntimePanic("referendum electorate is zero"))
        return threshold_holds(threshold, tally.ayes, tally.nays, sqrt_voters, sqrt_electorate)
    import z3

    if threshold != SIMPLE_MAJORITY:
        require(
            z3.Or(no_turnout, lt(0, sqrt_electorate)),
            lambda: RuntimePanic("referendum electorate is zero"),
        )
    holds = threshold_holds(threshold, tally.ayes, tally.nays, sqrt_voters, sqrt_electorate)
    return z3.And(z3.Not(no_turnout), holds)
