"""The staking obligations [STK-30]..[STK-34]: all proved, and not vacuously strong.

The tightness cases ask Z3 for the next stronger statement and confirm that it
is false, with a counterexample that the reference itself confirms.
"""

from __future__ import annotations

import z3

from phala_spec.pallets.staking.base_pool import shares_for
from phala_spec.primitives.fixed import TO_FIXED_MAX_BALANCE
from phala_spec.proofs.fixed_point import _bdiv_cuts
from phala_spec.proofs.obligations import (
    COUNTEREXAMPLE,
    Claim,
    Obligation,
    discover,
    prove,
    prove_one,
    select,
)

ONE = 1 << 64


def test_every_staking_obligation_is_proved() -> None:
    obligations = select(discover(), "STK-P")
    assert len(obligations) >= 8
    results = prove(obligations, timeout_ms=60_000)
    assert {r.obligation.id: r.status for r in results if not r.proved} == {}


def test_contribute_bound_is_tight() -> None:
    """Shares are worth *at most* the amount, and sometimes strictly less: rounding is real."""

    def build() -> Claim:
        amount, p = z3.Int("amount"), z3.Int("p")
        shares = shares_for(amount, p)
        return Claim(
            shares * p == amount * ONE,
            (amount >= 0, amount <= TO_FIXED_MAX_BALANCE, p >= 1, p < 1 << 128),
            _bdiv_cuts(amount, p),
        )

    result = prove_one(Obligation("STK-T1", ("STK-31",), "exact shares", build))
    assert result.status == COUNTEREXAMPLE and result.counterexample is not None
    amount, p = result.counterexample["amount"], result.counterexample["p"]
    assert shares_for(amount, p) * p < amount * ONE
