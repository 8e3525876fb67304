"""The budget schedule and the tokenomic constants [PHAT-40]..[PHAT-43].

Since on-chain halving was removed, the computation budget per block is set
by the *budget balancer*, a Phat contract that calls
``PhalaComputation.set_budget_per_block`` ([CMP-21]) as the pallet's
``contract_account``. Its schedule is a pure function of the date: a period
number that grows every 180 calendar days, a budget that falls by a quarter
from one period to the next, a split between Phala and Khala by their shares,
and a division by each chain's block count. Everything is an exact rational;
only the value handed to the chain is rounded, to U64F64 bits.

The schedule is read from the balancer's documentation, not from its source
([PHAT-41]); the constants are those of the tokenomics ([PHAT-40]).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from z3 import ArithRef

UNIT = 10**12
"""One PHA in the smallest unit (12 decimals) [GEN-1]."""

TOTAL_SUPPLY = 1_000_000_000 * UNIT
"""The total supply: one billion PHA [PHAT-40]."""
MINING_SHARE = Fraction(70, 100)
"""The share of the supply allocated to computation rewards, both chains together [PHAT-40]."""
MINING_ALLOCATION = int(TOTAL_SUPPLY * MINING_SHARE)
TREASURY_SHARE = Fraction(20, 100)
"""The treasury's share of each block's budget (``treasury_ratio``) [PHAT-40]."""

SECONDS_PER_DAY = 24 * 3600
PERIOD_DAYS = 180
"""A halving period: 180 calendar days [PHAT-41]."""
REFERENCE_START = 1_686_528_000
"""2023-06-12 00:00 UTC in unix seconds: the start of Khala's third halving period [PHAT-41]."""
PERIOD_AT_START = 3
DECAY = Fraction(3, 4)
"""The budget of a period is three quarters of the one before: a 25 % decay [PHAT-41]."""
BUDGET_PER_MINUTE = 500 * UNIT
"""The first period's budget per minute: 500 PHA, or 720,000 PHA a day [PHAT-42]."""


def period_number(now: int) -> int:
    """The balancer's period number at unix second ``now`` (not before the reference start)
    [PHAT-41]: ``3 + ceil((now - start) / 180 days)``.

    The ceiling makes the start instant itself period 3 and the very next
    second period 4, as the documented formula gives.
    """
    if now < REFERENCE_START:
        raise ValueError("the schedule starts on 2023-06-12")
    elapsed = Fraction(now - REFERENCE_START, PERIOD_DAYS * SECONDS_PER_DAY)
    return PERIOD_AT_START + -(-elapsed.numerator // elapsed.denominator)


@overload
def decayed(budget: Fraction) -> Fraction: ...
@overload
def decayed(budget: ArithRef) -> ArithRef: ...
def decayed(budget: Any) -> Any:
    """The budget of the next period: three quarters of this one's [PHAT-41]."""
    return budget * 3 / 4


def period_budget(minutes: int, period: int) -> Fraction:
    """The budget of a ``minutes``-long stretch of period ``period`` (both chains):
    ``500 PHA · minutes · 0.75^(period-1)`` [PHAT-42]."""
    if period < 1 or minutes < 0:
        raise ValueError("periods count from 1 and a stretch is not negative")
    return BUDGET_PER_MINUTE * minutes * DECAY ** (period - 1)


def chain_budget_per_block(
    budget: Fraction, chain_shares: int, total_shares: int, blocks: int
) -> Fraction:
    """One chain's budget per block [PHAT-42]: its part of ``budget`` by its shares, spread
    over the blocks it produced in the stretch."""
    if total_shares <= 0 or blocks <= 0 or not 0 <= chain_shares <= total_shares:
        raise ValueError("shares are a part of a positive total, blocks positive")
    return budget * Fraction(chain_shares, total_shares) / blocks


def budget_bits(per_block: Fraction) -> int:
    """The U64F64 bits of a per-block budget given in the smallest unit, rounded down: what
    ``set_budget_per_block`` takes [PHAT-42] [CMP-21]."""
    return int(per_block * 2**64 / UNIT)


def within_cap(bits: int, max_budget_limit: int) -> bool:
    """``set_budget_per_block`` accepts at most twice ``MaxBudgetLimit`` [PHAT-42] [CMP-21]."""
    return bits <= 2 * max_budget_limit


FIRST_PERIOD_TOTAL = period_budget(PERIOD_DAYS * 24 * 60, 1)
"""The schedule's first 180-day period, both chains: 129.6 million PHA [PHAT-43]."""


def schedule_total(periods: int) -> Fraction:
    """What the schedule emits over its first ``periods`` whole periods, both chains together
    [PHAT-43]."""
    total, budget = Fraction(0), Fraction(FIRST_PERIOD_TOTAL)
    for _ in range(periods):
        total += budget
        budget = decayed(budget)
    return total


SCHEDULE_LIMIT = FIRST_PERIOD_TOTAL / (1 - DECAY)
"""The schedule's total over all periods: four first periods, 518.4 million PHA [PHAT-43]."""
