"""Base-pool share arithmetic [STK-30]..[STK-34].

Every claim runs the kernels of :mod:`phala_spec.pallets.staking.base_pool` (the functions
``contribute``, ``remove_stake`` and ``distribute_reward`` call) on Z3
integers. Bounds: balances and share counts lie in the domain of ``to_fixed``
(``0 .. 2^80 - 1``); a price is U64F64 bits, at least 1. The guards of the
fixed-point operations (no overflow, no division by zero) are hypotheses: the
claims speak about the runs that return a value. "The exact value" of
``shares`` at price ``p`` is the rational ``shares * p / 2^64`` planck, so the
claims are stated multiplied by ``2^64``. The proofs cut at the balance
conversions with the lemmas of :mod:`.fixed_point` (FIX-P5, FIX-P7), so Z3
only reasons about the fixed-point ``mul``/``div``.
"""

from __future__ import annotations

import attrs
import z3

from phala_spec.pallets.staking.base_pool import (
    DUST,
    extract_dust,
    remove_stake_amounts,
    share_price_bits,
    shares_for,
    vault_reward_share,
)
from phala_spec.primitives.arith import Num
from phala_spec.primitives.fixed import (
    TO_FIXED_MAX_BALANCE,
    U64F64,
    bmul,
    div,
    from_fixed,
    to_fixed,
)

from .fixed_point import _FROM_FIXED, _TO_FIXED, _bdiv_cuts, _bmul_cuts
from .obligations import Claim, Lemma, LemmaUse, obligation

ONE = U64F64.one


def _balances(*names: str) -> tuple[list[z3.ArithRef], list[z3.BoolRef]]:
    terms = [z3.Int(name) for name in names]
    return terms, [z3.And(t >= 0, t <= TO_FIXED_MAX_BALANCE) for t in terms]


def _price(name: str = "p") -> tuple[z3.ArithRef, tuple[z3.BoolRef, ...]]:
    p = z3.Int(name)
    return p, (p >= 1, p <= U64F64.max_bits)


@obligation(
    id="STK-P1",
    clauses=("STK-31", "STK-14", "STK-30"),
    description="contribute never mints shares worth more than was paid (shares rounded down at the "
    "entry price); without a price, or at price 0, it mints exactly the amount",
)
def contribute_never_overpays() -> Claim:
    (amount,), bounds = _balances("amount")
    p, price = _price()
    shares = shares_for(amount, p)
    return Claim(
        z3.And(
            shares * p <= amount * ONE,
            shares >= 0,
            shares_for(amount, None) == amount,
            shares_for(amount, 0) == amount,
        ),
        (*bounds, *price),
        _bdiv_cuts(amount, p),
    )


@attrs.frozen
class _Withdrawal:
    """``remove_stake_amounts`` on fresh variables: inputs, outputs, domain and cuts."""

    tv: Num
    shares: Num
    free: Num
    p: Num
    amount: Num
    rest: Num
    removed: Num
    record_shares: Num
    ts_after: Num
    tv_after: Num
    change: Num  # of the surplus at p
    domain: tuple[z3.BoolRef, ...]

    @classmethod
    def build(cls) -> _Withdrawal:
        (ts, tv, rs, shares, free), bounds = _balances(
            "total_shares", "total_value", "record_shares", "shares", "free"
        )
        p, price = _price()
        amount, rest, removed, ts_after, tv_after = remove_stake_amounts(
            ts, tv, rs, shares, p, free
        )
        change = _surplus(tv_after, ts_after, p) - _surplus(tv, ts, p)
        return cls(
            tv,
            shares,
            free,
            p,
            amount,
            rest,
            removed,
            rs,
            ts_after,
            tv_after,
            change,
            (*bounds, *price),
        )

    @property
    def cuts(self) -> tuple[LemmaUse, ...]:
        return _bmul_cuts(self.shares, self.p)


def _surplus(tv: Num, ts: Num, p: Num) -> Num:
    """The pool's value over its shares at price ``p``, times 2^64."""
    return tv * ONE - p * ts


@obligation(
    id="STK-P2",
    clauses=("STK-32", "STK-17", "STK-30"),
    description="a withdrawal never pays more than its shares are worth at the price, nor more than "
    "the pool account holds, and removes at least the shares asked; the pool keeps its value "
    "less the payment, or 0 when that is dust",
)
def withdrawal_never_overpays() -> Claim:
    w = _Withdrawal.build()
    rest = w.tv - w.amount
    return Claim(
        z3.And(
            w.amount * ONE <= w.shares * w.p,
            w.amount <= w.free,
            w.amount >= 0,
            w.removed >= w.shares,
            w.removed + w.rest == w.record_shares,
            w.ts_after >= 0,
            w.tv_after == z3.If(rest <= DUST, 0, rest),
        ),
        w.domain,
        w.cuts,
    )


@obligation(
    id="STK-P3",
    clauses=("STK-33", "STK-14"),
    description="contribute changes the share price by at most its rounding: at the entry price the "
    "surplus tv*2^64 - p*ts never decreases and grows by less than (257p + 2^64)/256",
)
def contribute_price_change() -> Claim:
    (ts, tv, amount), bounds = _balances("total_shares", "total_value", "amount")
    p, price = _price()
    shares = shares_for(amount, p)
    change = _surplus(tv + amount, ts + shares, p) - _surplus(tv, ts, p)
    return Claim(
        z3.And(change >= 0, 256 * change < 257 * p + ONE),
        (*bounds, *price),
        _bdiv_cuts(amount, p),
    )


@obligation(
    id="STK-P4",
    clauses=("STK-34", "STK-17"),
    description="a withdrawal paid in full, without dust, changes the share price by at most its "
    "rounding: the surplus at the price never decreases and grows by less than (257*2^64 + p)/256",
)
def withdrawal_price_change() -> Claim:
    w = _Withdrawal.build()
    return Claim(
        z3.And(w.change >= 0, 256 * w.change < 257 * ONE + w.p),
        (
            *w.domain,
            bmul(w.shares, w.p) <= w.free,
            w.record_shares - w.shares > DUST,
            w.tv - w.amount > DUST,
        ),
        w.cuts,
    )


@obligation(
    id="STK-P5",
    clauses=("STK-34", "STK-17", "STK-12"),
    description="any withdrawal lowers the surplus at the price by at most 1000 planck (a dust "
    "total_value set to 0); extracted share dust only raises it",
)
def withdrawal_price_change_with_dust() -> Claim:
    w = _Withdrawal.build()
    return Claim(w.change >= -DUST * ONE, w.domain, w.cuts)


@obligation(
    id="STK-P6",
    clauses=("STK-30", "STK-13"),
    description="the share price truncates: p * to_fixed(ts) <= to_fixed(tv) * 2^64 < (p + 1) * to_fixed(ts)",
)
def share_price_truncates() -> Claim:
    (ts, tv), bounds = _balances("total_shares", "total_value")
    p = share_price_bits(tv, ts)
    fs, fv = to_fixed(ts), to_fixed(tv)
    return Claim(z3.And(p * fs <= fv * ONE, fv * ONE < (p + 1) * fs), tuple(bounds))


_TO_FIXED_MONOTONE = Lemma.of(
    "to_fixed_monotone",
    ("a", "b"),
    lambda a, b: Claim(
        to_fixed(a) <= to_fixed(b),
        (a >= 0, a <= b, b <= TO_FIXED_MAX_BALANCE),
    ),
)


@obligation(
    id="STK-P7",
    clauses=("STK-30", "STK-19"),
    description="a subscribed vault's part of a reward rounds down: it never exceeds the reward "
    "when the vault holds at most the pool's shares",
)
def vault_share_at_most_reward() -> Claim:
    (vs, ts, r), bounds = _balances("vault_shares", "total_shares", "reward")
    settled = vault_reward_share(vs, ts, r)
    ratio_bits = div(to_fixed(vs), to_fixed(ts))
    ratio = from_fixed(ratio_bits)
    return Claim(
        z3.And(settled <= r, settled >= 0),
        (*bounds, vs <= ts),
        (
            _TO_FIXED_MONOTONE.at(vs, ts),
            _FROM_FIXED.at(ratio_bits),
            _TO_FIXED.at(r),
            *_bmul_cuts(ratio, to_fixed(r)),
        ),
    )


@obligation(
    id="STK-P8",
    clauses=("STK-12", "STK-30"),
    description="extract_dust splits exactly: rest + dust = n, the dust is at most 1000 and a "
    "non-zero rest is not dust",
)
def extract_dust_is_exact() -> Claim:
    (n,), bounds = _balances("n")
    rest, dust = extract_dust(n)
    return Claim(
        z3.And(
            rest + dust == n,
            dust <= DUST,
            z3.Or(rest == 0, rest > DUST),
            z3.Or(dust == 0, rest == 0),
        ),
        tuple(bounds),
    )
