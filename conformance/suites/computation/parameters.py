"""Tokenomic parameters and the budget per block [CMP-20] [CMP-21]."""

from __future__ import annotations

from typing import Any

import attrs

from phala_spec.chain.computation_payloads import TokenomicParametersChanged
from phala_spec.chain.messages import Message
from phala_spec.chain.system_payloads import HeartbeatChallenge
from phala_spec.chain.worker_messages import (
    GATEKEEPER_EVENT_TOPIC,
    SYSTEM_EVENT_TOPIC,
    encode_payload,
)
from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.suites.computation.common import ONE, SUITE, C, names
from phala_spec.pallets import computation
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import dev_keypair

COUNCIL_MAJORITY = {"kind": "collective", "collective": "Council", "yes": 2, "total": 3}
BALANCER = signed(dev_keypair("budget-balancer").public)

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
    do(b, C + "update_tokenomic", {"new_params": new}, COUNCIL_MAJORITY)
    check(b.chain.computation.tokenomic == params, "not yet")
    b.observe("computation")
    b.finalize_block()
    tokenomic = b.chain.computation.tokenomic
    check(tokenomic is not None and tokenomic.v_max == 40_000 * ONE, "applied")
    b.observe("computation")


@case(
    suite=SUITE,
    handler="update_tokenomic",
    presets=("minimal", "phala"),
    clauses=("CMP-14", "CMP-20", "CMP-23"),
)
def challenge_precedes_the_scheduled_update(b: CaseBuilder) -> None:
    """With the heartbeat running from genesis, a council majority schedules new parameters
    (v_max 40000). The block's end challenges first and applies the update second: the
    outbound messages are the heartbeat challenge (the block's randomness, target
    `pow_target(20, 0, 12)`), then `TokenomicParametersChanged` to the gatekeepers; the event
    `TokenomicParametersChanged` is deposited."""
    b.genesis(computation={"heartbeat_paused": False})
    b.initialize_block()
    params = b.chain.computation.tokenomic
    assert params is not None
    new = attrs.evolve(params, v_max=40_000 * ONE)
    do(b, C + "update_tokenomic", {"new_params": to_data(new)}, COUNCIL_MAJORITY)
    randomness = b.chain.system.block.randomness
    b.finalize_block()
    b.observe("mq_outbound")
    challenge = HeartbeatChallenge(
        int.from_bytes(randomness, "big"), computation.pow_target(20, 0, 12)
    )
    check(
        b.chain.mq.outbound
        == (
            Message(computation.PALLET, SYSTEM_EVENT_TOPIC, encode_payload(challenge)),
            Message(
                computation.PALLET,
                GATEKEEPER_EVENT_TOPIC,
                encode_payload(TokenomicParametersChanged(new)),
            ),
        ),
        "the challenge, then the parameters",
    )
    check(names(b) == [C + "TokenomicParametersChanged"], "the update's event")
    check(b.chain.computation.tokenomic == new, "applied")


def set_budget(
    b: CaseBuilder, origin: dict[str, Any], nonce: int, number: int, value: int, outcome: str = "ok"
) -> None:
    do(
        b,
        C + "set_budget_per_block",
        {"nonce": nonce, "block_number": number, "budget": value},
        origin,
        outcome,
    )


@case(suite=SUITE, handler="set_budget_per_block", clauses=("CMP-21",))
def budget_per_block_rules(b: CaseBuilder) -> None:
    """Only the budget balancer's account may set the budget (`BadOrigin`); the nonce must grow
    (`NonceIndexInvalid`), then the block (`BudgetUpdateBlockInvalid`), and the budget stay within
    twice the limit, 187.5 PHA (`BudgetExceedMaxLimit`). An accepted budget applies at once: the
    parameters with the new budget are stored and pushed to the gatekeepers, and `BudgetUpdated`
    is the only event; the same nonce again is refused. Governance then names another
    account."""
    b.initialize_block()
    limit = b.chain.computation.max_budget_limit
    genesis_params = b.chain.computation.tokenomic
    assert genesis_params is not None
    set_budget(b, signed("alice"), 1, 1, ONE, "BadOrigin")
    set_budget(b, BALANCER, 1, 1, 2 * limit + 1, C + "BudgetExceedMaxLimit")
    set_budget(b, BALANCER, 1, 1, 2 * limit)
    check(names(b) == [C + "BudgetUpdated"], "BudgetUpdated alone")
    params = attrs.evolve(genesis_params, budget_per_block=2 * limit)
    check(b.chain.computation.tokenomic == params, "applied at once")
    check(
        b.chain.mq.outbound[-1:]
        == (
            Message(
                computation.PALLET,
                GATEKEEPER_EVENT_TOPIC,
                encode_payload(TokenomicParametersChanged(params)),
            ),
        ),
        "the parameters pushed to the gatekeepers",
    )
    check(
        (b.chain.computation.budget_update_nonce, b.chain.computation.last_budget_update_block)
        == (1, 1),
        "the nonce and block recorded",
    )
    set_budget(b, BALANCER, 1, 2, ONE, C + "NonceIndexInvalid")
    set_budget(b, BALANCER, 2, 1, ONE, C + "BudgetUpdateBlockInvalid")
    set_budget(b, BALANCER, 5, 9, 50 * ONE)
    do(b, C + "update_contract_root", {"account_id": b.account("bob")}, root())
    set_budget(b, BALANCER, 6, 10, ONE, "BadOrigin")
    set_budget(b, signed("bob"), 6, 10, ONE)
    b.observe("computation")
    b.finalize_block()


@case(suite=SUITE, handler="set_budget_per_block", clauses=("CMP-4", "CMP-21"))
def budget_per_block_check_order(b: CaseBuilder) -> None:
    """On a chain built without tokenomic parameters (`tokenomic: null`), each call fails two
    checks and the earlier one decides: a stranger with a stale nonce is `BadOrigin`; a stale
    nonce and block, `NonceIndexInvalid`; a stale block and a budget over 187.5 PHA,
    `BudgetUpdateBlockInvalid`; a budget over the limit without parameters,
    `BudgetExceedMaxLimit`. A valid budget then fails only on the missing parameters,
    `InternalErrorBadTokenomicParameters`. Nothing changes."""
    b.genesis(computation={"tokenomic": None})
    b.initialize_block()
    check(b.chain.computation.tokenomic is None, "no parameters stored")
    too_much = 2 * b.chain.computation.max_budget_limit + 1
    set_budget(b, signed("alice"), 0, 1, ONE, "BadOrigin")
    set_budget(b, BALANCER, 0, 0, ONE, C + "NonceIndexInvalid")
    set_budget(b, BALANCER, 1, 0, too_much, C + "BudgetUpdateBlockInvalid")
    set_budget(b, BALANCER, 1, 1, too_much, C + "BudgetExceedMaxLimit")
    set_budget(b, BALANCER, 1, 1, ONE, C + "InternalErrorBadTokenomicParameters")
    b.observe("computation")
    b.finalize_block()
