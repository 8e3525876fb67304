"""Democracy obligations: thresholds, convictions and locks [DEM-7] [DEM-8] [DEM-11].

They run the reference's own functions
(``phala_spec.pallets.governance.democracy_arithmetic.approved``,
``compare_rationals``, ``conviction_votes``, ``lock_periods``,
``unlock_block``, ``accumulate``, ``rejig``, ``locked_balance``) on Z3
integers bounded like production's types: balances u128, block numbers u32.
The integer square roots inside ``approved`` are fresh terms defined by
``r*r <= n < (r+1)*(r+1)`` (one root per term, [ARITH-4]).

Monotonicity is stated for a fixed turnout and electorate, as [DEM-7] says:
the ayes and nays move, the turnout does not (for ``SuperMajorityAgainst`` a
larger turnout can turn a pass into a failure).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import z3

from phala_spec.chain.democracy_state import (
    SIMPLE_MAJORITY,
    SUPER_MAJORITY_AGAINST,
    SUPER_MAJORITY_APPROVE,
    PriorLock,
    Tally,
)
from phala_spec.pallets.governance.democracy_arithmetic import (
    accumulate,
    approved,
    compare_rationals,
    conviction_votes,
    lock_periods,
    locked_balance,
    rejig,
    unlock_block,
)
from phala_spec.primitives.arith import U32_MAX, U128_MAX, isqrt

from .obligations import Claim, guards_of, obligation


# Any: these terms also go into chain records (Tally, PriorLock) whose fields are typed int
def _ints(bound: int, *names: str) -> tuple[list[Any], list[z3.BoolRef]]:
    terms = [z3.Int(name) for name in names]
    return terms, [z3.And(t >= 0, t <= bound) for t in terms]


def _more_ayes_keep_a_pass(threshold: str) -> Callable[[], Claim]:
    def build() -> Claim:
        (ayes, more, nays, turnout, electorate), bounds = _ints(
            U128_MAX, "ayes", "more_ayes", "nays", "turnout", "electorate"
        )
        before = approved(threshold, Tally(ayes, nays, turnout), electorate)
        after = approved(threshold, Tally(more, nays, turnout), electorate)
        return Claim(goal=z3.Implies(before, after), given=(*bounds, more >= ayes))

    return build


def _more_nays_keep_a_failure(threshold: str) -> Callable[[], Claim]:
    def build() -> Claim:
        (ayes, nays, more, turnout, electorate), bounds = _ints(
            U128_MAX, "ayes", "nays", "more_nays", "turnout", "electorate"
        )
        before = approved(threshold, Tally(ayes, nays, turnout), electorate)
        after = approved(threshold, Tally(ayes, more, turnout), electorate)
        return Claim(goal=z3.Implies(z3.Not(before), z3.Not(after)), given=(*bounds, more >= nays))

    return build


for _n, (_kind, _label) in enumerate(
    (
        (SUPER_MAJORITY_APPROVE, "super-majority approve"),
        (SUPER_MAJORITY_AGAINST, "super-majority against"),
        (SIMPLE_MAJORITY, "simple majority"),
    ),
    start=1,
):
    obligation(
        id=f"DEM-P{_n}a",
        clauses=("DEM-7",),
        description=f"{_label}: for a fixed turnout and electorate, more ayes never turn a pass "
        "into a failure",
    )(_more_ayes_keep_a_pass(_kind))
    obligation(
        id=f"DEM-P{_n}b",
        clauses=("DEM-7",),
        description=f"{_label}: for a fixed turnout and electorate, more nays never turn a "
        "failure into a pass",
    )(_more_nays_keep_a_failure(_kind))


@obligation(
    id="DEM-P4",
    clauses=("DEM-7",),
    description="a turnout whose integer square root is 0 never passes, whatever the kind",
)
def no_turnout_never_passes() -> Claim:
    (ayes, nays, turnout, electorate), bounds = _ints(
        U128_MAX, "ayes", "nays", "turnout", "electorate"
    )
    verdicts = [
        approved(kind, Tally(ayes, nays, turnout), electorate)
        for kind in (SUPER_MAJORITY_APPROVE, SUPER_MAJORITY_AGAINST, SIMPLE_MAJORITY)
    ]
    return Claim(goal=z3.Not(z3.Or(*verdicts)), given=(*bounds, turnout < 1))


@obligation(
    id="DEM-P5",
    clauses=("DEM-7",),
    description="compare_rationals decides the exact strict comparison n1/d1 < n2/d2 of "
    "rationals for positive denominators",
)
def compare_rationals_is_exact() -> Claim:
    (n1, d1, n2, d2), bounds = _ints(U128_MAX, "n1", "d1", "n2", "d2")
    exact = z3.ToReal(n1) / z3.ToReal(d1) < z3.ToReal(n2) / z3.ToReal(d2)
    return Claim(goal=compare_rationals(n1, d1, n2, d2) == exact, given=(*bounds, d1 > 0, d2 > 0))


@obligation(
    id="DEM-P6",
    clauses=("DEM-8",),
    description="conviction arithmetic: capital is the whole amount; votes grow with the amount "
    "and with the conviction, None gives a tenth (floor), LockedNx gives N times (saturating), "
    "never more than 6 times",
)
def conviction_arithmetic() -> Claim:
    (x, y), bounds = _ints(U128_MAX, "x", "y")
    facts = []
    for c in range(7):
        vx, vy = conviction_votes(c, x), conviction_votes(c, y)
        facts += [vx.capital == x, z3.Implies(x <= y, vx.votes <= vy.votes), vx.votes <= 6 * x]
        if c == 0:
            facts.append(10 * vx.votes <= x)
            facts.append(x < 10 * (vx.votes + 1))
        else:
            facts.append(vx.votes == z3.If(c * x <= U128_MAX, c * x, U128_MAX))
        if c < 6:
            facts.append(vx.votes <= conviction_votes(c + 1, x).votes)
    return Claim(goal=z3.And(*facts), given=tuple(bounds))


@obligation(
    id="DEM-P7",
    clauses=("DEM-8", "DEM-11"),
    description="lock periods are 0, 1, 2, 4, 8, 16, 32: a stronger conviction never unlocks "
    "earlier, and without saturation the unlock block is end + period * lock periods",
)
def unlock_grows_with_conviction() -> Claim:
    (end, period), bounds = _ints(U32_MAX, "end", "period")
    facts: list[z3.BoolRef | bool] = [
        lock_periods(c) == (0 if c == 0 else 2 ** (c - 1)) for c in range(7)
    ]
    for c in range(7):
        at = unlock_block(end, period, lock_periods(c))
        facts.append(at >= end)
        facts.append(
            z3.Implies(
                end + period * lock_periods(c) <= U32_MAX, at == end + period * lock_periods(c)
            )
        )
        if c < 6:
            facts.append(at <= unlock_block(end, period, lock_periods(c + 1)))
    return Claim(goal=z3.And(*facts), given=tuple(bounds))


@obligation(
    id="DEM-P8",
    clauses=("DEM-11",),
    description="a lock is never released early: after accumulating (until, amount), rejigging "
    "at any block before until keeps at least that amount and that end",
)
def prior_lock_never_released_early() -> Claim:
    (until0, amount0, until, now), bounds = _ints(U32_MAX, "until0", "amount0", "until", "now")
    (amount,), amount_bounds = _ints(U128_MAX, "amount")
    prior = rejig(accumulate(PriorLock(until0, amount0), until, amount), now)
    return Claim(
        goal=z3.And(prior.amount >= amount, prior.until >= until),
        given=(*bounds, *amount_bounds, now < until),
    )


@obligation(
    id="DEM-P9",
    clauses=("DEM-11",),
    description="the lock a record needs is the largest of its prior amount and its votes' "
    "balances: at least each of them and equal to one of them",
)
def lock_needed_is_the_max() -> Claim:
    (prior, v1, v2, v3), bounds = _ints(U128_MAX, "prior", "v1", "v2", "v3")
    needed = locked_balance(prior, (v1, v2, v3))
    parts = (prior, v1, v2, v3)
    return Claim(
        goal=z3.And(*(needed >= p for p in parts), z3.Or(*(needed == p for p in parts))),
        given=tuple(bounds),
    )


@obligation(
    id="DEM-P10",
    clauses=("DEM-11",),
    description="rejig forgets a prior lock exactly when its end has come, and accumulate keeps "
    "the later end and the larger amount",
)
def rejig_and_accumulate() -> Claim:
    (u0, u1, now), bounds = _ints(U32_MAX, "u0", "u1", "now")
    (a0, a1), amount_bounds = _ints(U128_MAX, "a0", "a1")
    merged = accumulate(PriorLock(u0, a0), u1, a1)
    rejigged = rejig(PriorLock(u0, a0), now)
    return Claim(
        goal=z3.And(
            merged.until == z3.If(u0 >= u1, u0, u1),
            merged.amount == z3.If(a0 >= a1, a0, a1),
            z3.If(
                now >= u0,
                z3.And(rejigged.until == 0, rejigged.amount == 0),
                z3.And(rejigged.until == u0, rejigged.amount == a0),
            ),
        ),
        given=(*bounds, *amount_bounds),
    )


def _threshold_formula(threshold: str) -> Callable[[], Claim]:
    def build() -> Claim:
        (ayes, nays, turnout, electorate), bounds = _ints(
            U128_MAX, "ayes", "nays", "turnout", "electorate"
        )
        verdict = approved(threshold, Tally(ayes, nays, turnout), electorate)
        # the same roots the rule takes ([ARITH-4]: one root per term in a proof)
        sv, se = isqrt(turnout), isqrt(electorate)
        if threshold == SUPER_MAJORITY_APPROVE:
            passes = nays * se < ayes * sv  # nays / sv < ayes / se
        elif threshold == SUPER_MAJORITY_AGAINST:
            passes = nays * sv < ayes * se  # nays / se < ayes / sv
        else:
            passes = nays < ayes
        return Claim(goal=verdict == z3.And(sv > 0, passes), given=tuple(bounds))

    return build


for _suffix, _kind, _label, _formula in (
    ("a", SUPER_MAJORITY_APPROVE, "super-majority approve", "nays / sv < ayes / se"),
    ("b", SUPER_MAJORITY_AGAINST, "super-majority against", "nays / se < ayes / sv"),
    ("c", SIMPLE_MAJORITY, "simple majority", "nays < ayes"),
):
    obligation(
        id=f"DEM-P11{_suffix}",
        clauses=("DEM-7",),
        description=f"{_label} passes exactly when sv = isqrt(turnout) > 0 and {_formula} "
        "(se = isqrt(electorate)), as exact rationals",
    )(_threshold_formula(_kind))


@obligation(
    id="DEM-P12",
    clauses=("DEM-7",),
    description="the verdict fails (production divides by zero) exactly when a super-majority "
    "kind meets a turnout with a root and an electorate without one; a simple majority never "
    "fails",
)
def threshold_fails_only_without_electorate() -> Claim:
    (ayes, nays, turnout, electorate), bounds = _ints(
        U128_MAX, "ayes", "nays", "turnout", "electorate"
    )
    tally = Tally(ayes, nays, turnout)
    sv, se = isqrt(turnout), isqrt(electorate)
    facts = []
    for kind in (SUPER_MAJORITY_APPROVE, SUPER_MAJORITY_AGAINST, SIMPLE_MAJORITY):
        succeeds = z3.And(*guards_of(partial(approved, kind, tally, electorate)))
        fails_when = z3.BoolVal(False) if kind == SIMPLE_MAJORITY else z3.And(sv > 0, se == 0)
        facts.append(succeeds == z3.Not(fails_when))
    return Claim(goal=z3.And(*facts), given=tuple(bounds))
