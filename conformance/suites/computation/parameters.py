"""Tokenomic parameters and the budget per block [CMP-20] [CMP-21]."""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.suites.computation.common import ONE, SUITE, C, names
from phala_spec.pallets import computation
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import dev_keypair

# --- Parameters [CMP-20] [CMP-21] ----------------------------------------------------------------------


@case(
    suite=SUITE,
    handler="update_tokenomic",
    presets=("minimal", "phala"),
    clauses=("CMP-4", "CMP-20", "CMP-23"),
)
def tokenomic_update_applies_at_the_block_end(b: CaseBuilder) -> None:
    """A council majority schedules new parameters (v_max 40000); a signed account cannot
    (`BadOrigin`). They are not in force during the block; its end stores them, pushes
    `TokenomicParametersChanged` to the gatekeepers and deposits the event. The genesis values are
    the pallet's defaults."""
    b.initialize_block()
    params = b.chain.computation.tokenomic
    assert params is not None
    check(params == computation.default_tokenomic(), "the genesis defaults")
    new = dict(to_data(params))
    new["v_max"] = 40_000 * ONE
    do(b, C + "update_tokenomic", {"new_params": new}, signed("alice"), "BadOrigin")
    do(
        b,
        C + "update_tokenomic",
        {"new_params": new},
        {"kind": "collective", "collective": "Council", "yes": 2, "total": 3},
    )
    check(b.chain.computation.tokenomic == params, "not yet")
    b.observe("computation")
    b.finalize_block()
    tokenomic = b.chain.computation.tokenomic
    check(tokenomic is not None and tokenomic.v_max == 40_000 * ONE, "applied")
    b.observe("computation")


@case(suite=SUITE, handler="set_budget_per_block", clauses=("CMP-21",))
def budget_per_block_rules(b: CaseBuilder) -> None:
    """Only the budget balancer's account may set the budget (`BadOrigin`); the nonce must grow
    (`NonceIndexInvalid`), then the block (`BudgetUpdateBlockInvalid`), and the budget stay within
    twice the limit, 187.5 PHA (`BudgetExceedMaxLimit`). An accepted budget applies at once
    (`TokenomicParametersChanged`, `BudgetUpdated`); the same nonce again is refused. Governance
    then names another account."""
    b.initialize_block()
    balancer = signed(dev_keypair("budget-balancer").public)
    limit = b.chain.computation.max_budget_limit

    def budget(
        origin: dict[str, Any], nonce: int, number: int, value: int, outcome: str = "ok"
    ) -> None:
        do(
            b,
            C + "set_budget_per_block",
            {"nonce": nonce, "block_number": number, "budget": value},
            origin,
            outcome,
        )

    budget(signed("alice"), 1, 1, ONE, "BadOrigin")
    budget(balancer, 1, 1, 2 * limit + 1, C + "BudgetExceedMaxLimit")
    budget(balancer, 1, 1, 2 * limit)
    check(names(b) == [C + "TokenomicParametersChanged", C + "BudgetUpdated"], "applied at once")
    budget(balancer, 1, 2, ONE, C + "NonceIndexInvalid")
    budget(balancer, 2, 1, ONE, C + "BudgetUpdateBlockInvalid")
    budget(balancer, 5, 9, 50 * ONE)
    do(b, C + "update_contract_root", {"account_id": b.account("bob")}, root())
    budget(balancer, 6, 10, ONE, "BadOrigin")
    budget(signed("bob"), 6, 10, ONE)
    b.observe("computation")
    b.finalize_block()
