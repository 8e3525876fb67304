"""A reward the subsidy pool cannot pay: production's stake pool panics, so the gatekeepers'
report that carries it is refused as invalid input [STK-53] [CHAIN-11] [VEC-28]."""

from __future__ import annotations

from typing import Any

from phala_spec.chain.computation_payloads import SettleInfo, WorkingInfoUpdateEvent
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.conformance.authoring import CaseBuilder, case, signed
from phala_spec.conformance.checks import check
from phala_spec.conformance.relaying import SYNC, next_message
from phala_spec.conformance.suites.computation.common import GATEKEEPER, MASTER, WORKER
from phala_spec.conformance.suites.stake_pool.common import (
    BOB,
    SETTING,
    SP,
    SUITE,
    computing,
    pool,
    rewards,
    watch,
)
from phala_spec.pallets import computation
from phala_spec.pallets.balances.accounts import free_balance
from phala_spec.primitives import fixed


def payout_bits(planck: int) -> int:
    """The smallest U64F64 payout whose balance is exactly ``planck`` [FIX-6]: the payout keeps
    48 fractional bits and one of them is less than a planck."""
    bits = -(-planck * 2**48 // 10**12) << 16
    check(fixed.from_fixed(bits) == planck, f"a payout of exactly {planck} planck")
    return bits


def report_step(b: CaseBuilder, planck: int) -> dict[str, Any]:
    """The gatekeepers' report settling ``planck`` for worker 1 now, relayed by charlie, as a call
    step [CMP-17] [CMP-18]."""
    ts = b.chain.system.block.timestamp
    report = WorkingInfoUpdateEvent(
        b.chain.system.block.number,
        ts,
        settle=(SettleInfo(WORKER.public, 0, payout_bits(planck), 0),),
    )
    message = next_message(
        b.chain, GATEKEEPER, b"^phala/mining/update", encode_payload(report), MASTER, SETTING
    )
    return {
        "kind": "call",
        "origin": signed("charlie"),
        "call": SYNC,
        "args": {"signed_message": message},
    }


@case(
    suite=SUITE,
    handler="stake_pool_v2",
    clauses=("STK-53", "CMP-18", "CMP-19", "CHAIN-11", "VEC-28"),
    crypto=SETTING,
)
def reward_the_subsidy_pool_cannot_pay(b: CaseBuilder) -> None:
    """The subsidy pool pays each reward with `KeepAlive` [STK-53]: a reward that would leave it
    below the existential deposit cannot be paid, production's `expect` panics [CHAIN-11] and the
    relaying of the report is refused [VEC-28]. Worker 1 computes in pool 0; a report settling the
    subsidy pool's free balance minus the existential deposit plus one planck is refused; one
    planck less (the pool left with exactly the deposit) is paid (`RewardReceived`)."""
    computing(b)
    b.next_block()
    payable = free_balance(b.chain, computation.SUBSIDY_POOL) - b.config.existential_deposit
    b.refuse(report_step(b, payable + 1))
    b.step(report_step(b, payable))
    b.expect_outcome("ok")
    check(
        [name for name, _ in rewards(b)] == [SP + "RewardReceived"],
        "the reward is paid",
    )
    check(
        free_balance(b.chain, computation.SUBSIDY_POOL) == b.config.existential_deposit,
        "the subsidy pool keeps the existential deposit",
    )
    check(pool(b).basepool.total_value > 0, "the pool has value")
    watch(b, 0, BOB)
