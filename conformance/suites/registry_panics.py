"""A benchmark report on which production's registry panics, refused as invalid input [REG-13]
[CHAIN-11] [VEC-28]; suite ``registry``."""

from __future__ import annotations

from typing import Any

from phala_spec.chain.registry_payloads import BenchReport
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.conformance.authoring import CaseBuilder, case, signed
from phala_spec.conformance.checks import check
from phala_spec.conformance.relaying import SYNC, next_message
from phala_spec.conformance.suites.registry import (
    REGISTRY_EVENT,
    SUITE,
    WORKER,
    registered,
    worker_origin,
)

SETTING = "oracle"


def report_step(b: CaseBuilder, start_time: int, iterations: int) -> dict[str, Any]:
    """Worker 1's ``BenchReport`` at its next sequence, relayed by charlie, as a call step
    [REG-12] [MQ-10]."""
    payload = encode_payload(BenchReport(start_time, iterations))
    message = next_message(b.chain, worker_origin(WORKER), REGISTRY_EVENT, payload, WORKER, SETTING)
    return {
        "kind": "call",
        "origin": signed("charlie"),
        "call": SYNC,
        "args": {"signed_message": message},
    }


@case(
    suite=SUITE,
    handler="on_message_received",
    clauses=("REG-12", "REG-13", "CHAIN-11", "VEC-28"),
    crypto=SETTING,
)
def bench_report_under_a_second_old(b: CaseBuilder) -> None:
    """A report started 999 ms before the block is less than a whole second old: production
    divides its iterations by 0 seconds and panics [REG-13] [CHAIN-11], so its relaying is
    refused [VEC-28] and the sequence is not consumed. The same report started 1,000 ms before
    (one second) is valid: 500 iterations in one second score 500 · 6 = 3000."""
    registered(b)
    now = b.chain.system.block.timestamp
    b.refuse(report_step(b, now - 999, 500))
    b.step(report_step(b, now - 1000, 500))
    b.expect_outcome("ok")
    worker = b.chain.registry.workers[WORKER.public]
    check(worker.initial_score == 3000, "500 iterations in one second")
    b.observe("worker", WORKER.public)
