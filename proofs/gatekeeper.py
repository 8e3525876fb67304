"""Obligations about the gatekeeper's economics [GK-21].

Every claim evaluates the arithmetic of :mod:`phala_spec.offchain.gatekeeper`
(``weighted_performance`` and ``radicand`` of the share, ``budget_of``,
``split_budget``, ``deducted``, ``slashed``, ``grown``) on Z3 integer terms:
the same functions the gatekeeper runs. Values are U64F64 bits, so ``ONE`` is
``2**64``. GK-P6 and GK-P7 together say that a share never falls when P rises
([GK-21] 3: the share paid in a block is at most the share with P at its cap).
"""

from __future__ import annotations

import z3

from phala_spec.offchain.gatekeeper import (
    ONE,
    TWO,
    budget_of,
    confidence_score,
    deducted,
    grown,
    radicand,
    slashed,
    split_budget,
    weighted_performance,
)
from phala_spec.primitives.fixed import U64F64, mul, sqrt
from phala_spec.proofs.obligations import Claim, Lemma, guards_of, obligation


def _raw(name: str) -> tuple[z3.ArithRef, tuple[z3.BoolRef, ...]]:
    v = z3.Int(name)
    return v, (v >= 0, v <= U64F64.max_bits)


@obligation(
    id="GK-P1",
    clauses=("GK-17", "GK-21"),
    description="idle growth keeps V within [0, v_max] when it was, and never fails for ΔV ≤ v_max",
)
def growth_keeps_v_bounded() -> Claim:
    v, dv = _raw("v")
    delta, dd = _raw("delta")
    v_max, dm = _raw("v_max")
    after = grown(v, delta, v_max)
    return Claim(
        z3.And(after >= 0, after <= v_max, after >= v),
        (*dv, *dd, *dm, v <= v_max, delta <= v_max, v_max <= U64F64.max_bits // 2),
    )


@obligation(
    id="GK-P2",
    clauses=("GK-16", "GK-20", "GK-21"),
    description="a slash with a rate of at most 1 never fails and leaves 0 ≤ V' ≤ V",
)
def slash_keeps_v_bounded() -> Claim:
    v, dv = _raw("v")
    rate, dr = _raw("slash_rate")
    after = slashed(v, rate)
    never_fails = z3.And(*guards_of(lambda: slashed(v, rate)))
    return Claim(z3.And(never_fails, after >= 0, after <= v), (*dv, *dr, rate <= ONE))


@obligation(
    id="GK-P3",
    clauses=("GK-13", "GK-21"),
    description="a payout never raises V, and lowers it by at most the deductible growth",
)
def payout_lowers_v() -> Claim:
    v, dv = _raw("v")
    deductible, dd = _raw("v_deductible")
    to_payout, dp = _raw("payout")
    after = deducted(v, deductible, to_payout)
    return Claim(
        z3.And(after <= v, v - after <= deductible, v - after <= to_payout),
        (*dv, *dd, *dp),
    )


@obligation(
    id="GK-P4",
    clauses=("GK-2", "GK-13", "GK-21"),
    description="payout + treasury never exceed the worker's budget for the blocks it covers",
)
def payout_within_budget() -> Claim:
    budget, db = _raw("budget")
    treasury_ratio, dt = _raw("treasury_ratio")
    payout_ratio = ONE - treasury_ratio  # [GK-2]
    paid, treasury = split_budget(budget, payout_ratio, treasury_ratio)
    return Claim(paid + treasury <= budget, (*db, *dt, treasury_ratio <= ONE))


@obligation(
    id="GK-P5",
    clauses=("GK-13", "GK-21"),
    description="the budget of a share that is the whole sum is the blocks' budget, and of a "
    "share at most the sum at most the blocks' budget",
)
def budget_of_a_share() -> Claim:
    share, ds = _raw("share")
    total, dt = _raw("sum_share")
    per_block, dp = _raw("budget_per_block")
    blocks = z3.Int("blocks")
    budget = budget_of(share, total, per_block, blocks)
    whole = budget_of(total, total, per_block, blocks)
    return Claim(
        z3.And(budget <= per_block * blocks, whole == per_block * blocks),
        (*ds, *dt, *dp, blocks >= 0, blocks <= 2**32, share <= total, total > 0),
    )


MUL_MONOTONE = Lemma.of(
    "mul_monotone",
    ("a", "b", "c"),
    lambda a, b, c: Claim(
        mul(a, c) <= mul(b, c),
        (a >= 0, a <= b, b <= U64F64.max_bits, c >= 0, c <= U64F64.max_bits),
    ),
)


@obligation(
    id="GK-P6",
    clauses=("GK-5", "GK-12", "GK-21"),
    description="the radicand of a share never falls when P rises",
)
def radicand_monotone_in_p() -> Claim:
    v, dv = _raw("v")
    p1, d1 = _raw("p1")
    p2, d2 = _raw("p2")
    confidence, dc = _raw("confidence")
    w1 = weighted_performance(p1, confidence)
    w2 = weighted_performance(p2, confidence)
    uses = (
        MUL_MONOTONE.at(mul(TWO, p1), mul(TWO, p2), confidence),
        MUL_MONOTONE.at(w1, w2, w1),
        MUL_MONOTONE.at(w1, w2, w2),
    )
    return Claim(
        radicand(v, w1) <= radicand(v, w2), (*dv, *d1, *d2, *dc, p1 <= p2, confidence <= ONE), uses
    )


@obligation(
    id="GK-P7",
    clauses=("FIX-10", "GK-5", "GK-21"),
    description="the fixed-point square root is monotone, so with GK-P6 a share never falls "
    "when P rises and the share paid is at most the share with P at its cap",
)
def sqrt_monotone() -> Claim:
    x1, d1 = _raw("x1")
    x2, d2 = _raw("x2")
    return Claim(sqrt(x1) <= sqrt(x2), (*d1, *d2, x1 <= x2))


@obligation(
    id="GK-P8",
    clauses=("GK-4",),
    description="the confidence score is 1 for levels 1, 2, 3 and 128, 0.8 for level 4, 0.7 for "
    "level 5 (U64F64 bits within one unit of the decimal), and 0 for every other level of a byte",
)
def confidence_scores() -> Claim:
    one = U64F64.one

    def expected(level: int, score: int) -> bool:
        if level in (1, 2, 3, 128):
            return score == one
        if level == 4:
            return abs(5 * score - 4 * one) < 5
        if level == 5:
            return abs(10 * score - 7 * one) < 10
        return score == 0

    return Claim(all(expected(level, confidence_score(level)) for level in range(256)))
