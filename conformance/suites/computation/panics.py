"""Steps on which production's computation pallet panics, refused as invalid input [CHAIN-11]
[VEC-28]: a start without tokenomic parameters [CMP-4] [CMP-11] and a heartbeat no later than the
last challenge [CMP-15]."""

from __future__ import annotations

from typing import Any

from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.system_payloads import HeartbeatV2
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.relaying import SYNC, next_message
from phala_spec.conformance.suites.computation.common import (
    POOL,
    SESSION,
    SUITE,
    WORKER,
    C,
    computing,
    setup,
)
from phala_spec.pallets import computation
from phala_spec.primitives.codec import to_data

SETTING = "oracle"
PHA = 10**12


def heartbeat_step(b: CaseBuilder, challenge_time: int, iterations: int) -> dict[str, Any]:
    """Worker 1's heartbeat at its next sequence, relayed by charlie, as a call step [CMP-16]."""
    beat = HeartbeatV2(
        session_id=0,
        challenge_block=b.chain.system.block.number,
        challenge_time=challenge_time,
        iterations=iterations,
        n_clusters=0,
        n_contracts=0,
    )
    sender = MessageOrigin("Worker", WORKER.public)
    message = next_message(
        b.chain, sender, b"phala/mining/report", encode_payload(beat), WORKER, SETTING
    )
    return {
        "kind": "call",
        "origin": signed("charlie"),
        "call": SYNC,
        "args": {"signed_message": message},
    }


def start_step(stake: int) -> dict[str, Any]:
    """The stake pool's ``start_computing`` of SESSION as a call step [CMP-11] [CMP-24]."""
    return {
        "kind": "call",
        "origin": POOL,
        "call": C + "start_computing",
        "args": {"session": SESSION, "stake": stake},
    }


@case(
    suite=SUITE,
    handler="start_computing",
    clauses=("CMP-4", "CMP-11", "CMP-20", "CHAIN-11", "VEC-28"),
    crypto=SETTING,
)
def start_without_tokenomic_parameters(b: CaseBuilder) -> None:
    """A genesis with `tokenomic: null` stores no parameters [CMP-4]; worker 1 is benchmarked
    (score 1200) and bound, and `start_computing` then reads the parameters that are not there:
    a runtime panic [CHAIN-11], so the step is refused [VEC-28]. Root's `update_tokenomic`
    stores the defaults at the block's end [CMP-20], and the same start then succeeds."""
    setup(b, SETTING, {WORKER: 1200}, tokenomic=None)
    check(b.chain.computation.tokenomic is None, "no parameters")
    do(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    b.refuse(start_step(4000 * PHA))
    params = to_data(computation.default_tokenomic())
    do(b, C + "update_tokenomic", {"new_params": params}, root())
    b.next_block()
    b.step(start_step(4000 * PHA))
    b.expect_outcome("ok")
    b.observe("session", SESSION)


@case(
    suite=SUITE,
    handler="on_working_message_received",
    clauses=("CMP-15", "CMP-16", "CHAIN-11", "VEC-28"),
    crypto=SETTING,
)
def heartbeat_no_later_than_the_last_challenge(b: CaseBuilder) -> None:
    """Production asserts that a heartbeat arrives after the last challenge it stored, in whole
    seconds, and panics otherwise [CMP-15] [CHAIN-11]. Worker 1 computes; a heartbeat whose
    challenge time is the last millisecond of the current second stores that second. A second
    heartbeat in the same block (now equal to the stored second) panics, so its relaying is
    refused [VEC-28]; one second later (now exactly one past the stored second) the same
    heartbeat is accepted (`BenchmarkUpdated`). That heartbeat names a challenge two seconds
    ahead, which is stored as it is; a heartbeat in the next second (now one below the stored
    second) is refused as well, and one two seconds later (one past it) is accepted."""
    computing(b, SETTING)
    now_ms = b.chain.system.block.timestamp
    second = now_ms // 1000
    b.step(heartbeat_step(b, second * 1000 + 999, 10**6))
    b.expect_outcome("ok")
    bench = b.chain.computation.sessions[SESSION].benchmark
    check(bench.challenge_time_last == second, "the challenge's second stored")
    b.refuse(heartbeat_step(b, second * 1000 + 999, 10**6 + 10**5))
    b.next_block(timestamp=(second + 1) * 1000)
    b.step(heartbeat_step(b, (second + 3) * 1000, 10**6 + 10**5))
    b.expect_outcome("ok")
    check(
        [e.name for e in b.last_events if e.name == C + "BenchmarkUpdated"]
        == [C + "BenchmarkUpdated"],
        "accepted one second later",
    )
    bench = b.chain.computation.sessions[SESSION].benchmark
    check(bench.challenge_time_last == second + 3, "a challenge ahead stored as it is")
    b.next_block(timestamp=(second + 2) * 1000)
    b.refuse(heartbeat_step(b, (second + 2) * 1000, 10**6 + 2 * 10**5))
    b.next_block(timestamp=(second + 4) * 1000)
    b.step(heartbeat_step(b, (second + 4) * 1000, 10**6 + 2 * 10**5))
    b.expect_outcome("ok")
    b.observe("session", SESSION)
