"""The computation cases' cast, genesis with benchmarked workers and calls; the stake pool suite
uses them too [CMP-9] [CMP-11] [CMP-17] [REG-13]."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from phala_spec.chain.computation_payloads import WorkingInfoUpdateEvent
from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.registry_payloads import BenchReport
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.conformance.authoring import CaseBuilder, Story, case_per_crypto, pallet, root
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.relaying import relay
from phala_spec.pallets import computation
from phala_spec.primitives.crypto import Keypair, dev_keypair

SUITE = "computation"
PHA = 10**12
ONE = 2**64
T0 = 1_700_000_000_000

WORKER = dev_keypair("computation/worker1")
WORKER2 = dev_keypair("computation/worker2")
WORKER3 = dev_keypair("computation/worker3")
MASTER = dev_keypair("computation/master")
SESSION = bytes([0x5E]) * 32
SESSION2 = bytes([0x5F]) * 32
OPERATOR = "alice"
POOL = pallet("PhalaStakePoolv2")
GATEKEEPER = MessageOrigin("Gatekeeper", b"")
SYNC = "PhalaMq.sync_offchain_message"
C = "PhalaComputation."


def per_crypto(
    handler: str, clauses: tuple[str, ...], presets: tuple[str, ...] = ("minimal",)
) -> Callable[[Story], Story]:
    """Register a story once per crypto setting, as ``<name>_<setting>`` [VEC-7]."""
    return case_per_crypto(suite=SUITE, handler=handler, clauses=clauses, presets=presets)


def names(b: CaseBuilder) -> list[str]:
    return [e.name for e in b.last_events if e.name.startswith(C)]


def setup(
    b: CaseBuilder,
    setting: str,
    scores: dict[Keypair, int],
    config: dict[str, Any] | None = None,
    registry: dict[str, Any] | None = None,
    **computation_overrides: Any,
) -> None:
    """Workers force-registered by root (operator alice) and benchmarked: each relays a report of
    ``score/6 · 5`` iterations over five seconds, which scores ``score`` [REG-13]."""
    balances: list[tuple[bytes | str, int]] = [
        ("alice", 10**7 * PHA),
        ("bob", 10**6 * PHA),
        ("charlie", 10**6 * PHA),
        (computation.SUBSIDY_POOL, 10**6 * PHA),
    ]
    b.genesis(
        config=config,
        balances=balances,
        registry={"gatekeeper_master_pubkey": MASTER.public, **(registry or {})},
        computation=computation_overrides,
    )
    b.initialize_block(timestamp=T0)
    for key in (WORKER, WORKER2, WORKER3):
        do(
            b,
            "PhalaRegistry.force_register_worker",
            {"pubkey": key.public, "ecdh_pubkey": key.ecdh_public, "operator": b.account(OPERATOR)},
            root(),
        )
    b.next_block()
    now = b.chain.system.block.timestamp
    for key, score in scores.items():
        relay(
            b,
            setting,
            MessageOrigin("Worker", key.public),
            b"^phala/registry/event",
            encode_payload(BenchReport(now - 5000, score // 6 * 5)),
            key,
        )
        check(
            b.chain.registry.workers[key.public].initial_score == score // 6 * 6, f"score {score}"
        )
    b.next_block()


# --- Binding and starting [CMP-9] [CMP-11] ---------------------------------------------------------


def computing(b: CaseBuilder, setting: str, stake: int = 4000 * PHA, **overrides: Any) -> None:
    """Worker 1 (score 1200) computing on SESSION with ``stake``; worker 2 bound to SESSION2, ready."""
    setup(b, setting, {WORKER: 1200, WORKER2: 1200}, **overrides)
    do(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    do(b, C + "bind", {"session": SESSION2, "worker": WORKER2.public}, POOL)
    do(b, C + "start_computing", {"session": SESSION, "stake": stake}, POOL)


def gk_report(b: CaseBuilder, setting: str, report: WorkingInfoUpdateEvent) -> None:
    relay(b, setting, GATEKEEPER, b"^phala/mining/update", encode_payload(report), MASTER)
