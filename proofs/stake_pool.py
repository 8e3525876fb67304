"""Stake pool and vault arithmetic [STK-70] [STK-71].

The claims run :func:`phala_spec.pallets.staking.stake_pool_v2.reward_split` (the commission
split of every reward a stake pool receives) and
:func:`phala_spec.pallets.staking.vault.owner_share_gain` (the owner-share accrual of a vault)
on Z3 integers. Bounds: balances and prices (planck per share) lie in the
domain of ``to_fixed`` (``0 .. 2^80 - 1``); a commission is a ``Permill``'s
parts, ``0 .. 10^6``. Guards of the fixed-point operations are hypotheses,
as in :mod:`.staking`; the accrual cuts at the balance conversions inside
``bdiv`` with the lemmas of :mod:`.fixed_point`.
"""

from __future__ import annotations

import z3

from phala_spec.pallets.staking.stake_pool_v2 import reward_split
from phala_spec.pallets.staking.vault import owner_share_gain
from phala_spec.primitives.arith import floor_div, rem
from phala_spec.primitives.fixed import TO_FIXED_MAX_BALANCE, U64F64, to_fixed
from phala_spec.primitives.perthings import Rounding, divide_rounded

from .fixed_point import _TO_FIXED, _bdiv_cuts
from .obligations import Claim, Lemma, obligation

ONE = U64F64.one
MILLION = 1_000_000


def _bounded(*names: str) -> tuple[list[z3.ArithRef], list[z3.BoolRef]]:
    terms = [z3.Int(name) for name in names]
    return terms, [z3.And(t >= 0, t <= TO_FIXED_MAX_BALANCE) for t in terms]


def _parts() -> tuple[z3.ArithRef, z3.BoolRef]:
    parts = z3.Int("parts")
    return parts, z3.And(parts >= 0, parts <= MILLION)


_EUCLID = Lemma.of(
    "permill_euclid",
    ("x", "parts"),
    lambda x, parts: Claim(
        x * parts == floor_div(x, MILLION) * MILLION * parts + rem(x, MILLION) * parts,
        (x >= 0, parts >= 0),
    ),
)
"""``x = (x / 10^6)·10^6 + x % 10^6``, times ``parts``: the split ``Permill`` multiplication relies on."""

_NEAREST = Lemma.of(
    "nearest_pref_down",
    ("y",),
    lambda y: Claim(
        z3.And(
            2 * (divide_rounded(y, MILLION, Rounding.NEAREST_PREF_DOWN) * MILLION - y) >= -MILLION,
            2 * (divide_rounded(y, MILLION, Rounding.NEAREST_PREF_DOWN) * MILLION - y) < MILLION,
        ),
        (y >= 0,),
    ),
)
"""Rounding ``y / 10^6`` to nearest with ties down errs by at most half, never up on a tie."""


@obligation(
    id="STK-P10",
    clauses=("STK-70", "STK-53", "PERX-5"),
    description="commission plus distribution equals the reward; the commission is Permill x reward "
    "rounded to nearest with ties down: -10^6 <= 2(c*10^6 - r*parts) < 10^6, and 0 <= c <= r",
)
def commission_split_is_exact() -> Claim:
    (reward,), bounds = _bounded("reward")
    parts, in_range = _parts()
    commission, to_stakers = reward_split(reward, parts)
    error = 2 * (commission * MILLION - reward * parts)
    return Claim(
        z3.And(
            commission + to_stakers == reward,
            commission >= 0,
            commission <= reward,
            error >= -MILLION,
            error < MILLION,
        ),
        (*bounds, in_range),
        (_EUCLID.at(reward, parts), _NEAREST.at(rem(reward, MILLION) * parts)),
    )


@obligation(
    id="STK-P11",
    clauses=("STK-71", "STK-61", "PERX-5"),
    description="owner-share accrual takes at most the commission: the new checkpoint lies between the "
    "old one and the current price, at most the commission's share of the gain below the current price; "
    "gained shares never price the vault's shares below the new checkpoint",
)
def owner_share_gain_within_commission() -> Claim:
    (tv, ts, current, checkpoint), bounds = _bounded(
        "total_value", "total_shares", "current", "checkpoint"
    )
    parts, in_range = _parts()
    adjust, new_price = owner_share_gain(tv, ts, current, checkpoint, parts)
    taken = 2 * ((current - new_price) * MILLION - (current - checkpoint) * parts)
    return Claim(
        z3.And(
            new_price >= checkpoint,
            new_price <= current,
            taken < MILLION,
            adjust >= 0,
            z3.Or(adjust == 0, (ts + adjust) * to_fixed(new_price) <= tv * ONE),
        ),
        (*bounds, in_range, checkpoint >= 1, checkpoint < current),
        (_TO_FIXED.at(new_price), *_bdiv_cuts(tv, to_fixed(new_price))),
    )
