"""Authored vectors for the registry pallet, first part [REG-1]..[REG-15].

Every case is written against ``spec/registry.md``: each call states the
outcome the rules give, and the case checks at generation time what the rules
say about the registry storage (worker records, allowlists, scores) and the
messages pushed to ``phala/system/event``. The post-state digest of each
vector carries the whole registry record.

Successful registration with attestation uses the ``None`` attestation on
the ``minimal`` preset (a development chain: ``none_attestation_enabled``);
the production presets reject it. Real Intel IAS evidence (production's two
public samples, shipped decoded under ``conformance/evidence/``) cannot
register a worker here, since its report data binds another registration
info, but it exercises the order of the checks at a real report's time:
``PRuntimeRejected``, ``OutdatedIASReport``, ``InvalidRuntimeInfoHash``, all
before the para id. No vector carries DCAP evidence yet.

Benchmark reports reach the chain through ``PhalaMq.sync_offchain_message``
and come in both crypto settings [MQ-22], as ``<name>_real`` and
``<name>_oracle``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from phala_spec.chain.messages import Message, MessageOrigin
from phala_spec.chain.registry_payloads import BenchReport, MasterPubkey
from phala_spec.chain.system_payloads import (
    BenchScore,
    BenchStart,
    Registered,
    WorkerEvent,
    WorkerEventWithKey,
)
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.conformance.authoring import (
    CaseBuilder,
    case,
    case_per_crypto,
    collective,
    root,
    signed,
)
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.relaying import relay
from phala_spec.pallets.mq import ingress
from phala_spec.pallets.registry.allowlists import PALLET
from phala_spec.pallets.registry.workers import SYSTEM_EVENT_TOPIC
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.tee.ias import verify_ias

SUITE = "registry"
MINIMAL = ("minimal",)
BOTH_PRESETS = ("minimal", "phala")

ADD_PRUNTIME = "PhalaRegistry.add_pruntime"
REMOVE_PRUNTIME = "PhalaRegistry.remove_pruntime"
ADD_GENESIS = "PhalaRegistry.add_relaychain_genesis_block_hash"
REMOVE_GENESIS = "PhalaRegistry.remove_relaychain_genesis_block_hash"
SET_DURATION = "PhalaRegistry.force_set_benchmark_duration"
FORCE_REGISTER = "PhalaRegistry.force_register_worker"
REGISTER = "PhalaRegistry.register_worker_v2"
SYNC = "PhalaMq.sync_offchain_message"

WORKER = dev_keypair("registry/worker1")
WORKER2 = dev_keypair("registry/worker2")
ECDH = blake2b_256(b"phala-spec/vectors/registry/ecdh1")
ECDH2 = blake2b_256(b"phala-spec/vectors/registry/ecdh2")
PRUNTIME = blake2b_256(b"phala-spec/vectors/registry/pruntime1") * 2 + b"\x01\x00\x02\x00"
PRUNTIME2 = blake2b_256(b"phala-spec/vectors/registry/pruntime2") * 2 + b"\x00\x00\x00\x00"
GENESIS = blake2b_256(b"phala-spec/vectors/registry/relay-genesis")
GENESIS2 = blake2b_256(b"phala-spec/vectors/registry/relay-genesis-2")
CONTRACT_KEY = dev_keypair("registry/contract1")
CONTRACT_ID = blake2b_256(b"phala-spec/vectors/registry/contract1")
CONTRACT = MessageOrigin("Contract", CONTRACT_ID)
REGISTRY_EVENT = b"^phala/registry/event"


# --- Helpers ------------------------------------------------------------------------------


def worker_event(pubkey: bytes, ev: WorkerEvent) -> Message:
    """The message the registry pushes about a worker [REG-7] [REG-11]."""
    return Message(PALLET, SYSTEM_EVENT_TOPIC, encode_payload(WorkerEventWithKey(pubkey, ev)))


def expect_outbound(b: CaseBuilder, messages: Sequence[Message]) -> None:
    check(
        b.chain.mq.outbound == tuple(messages),
        f"outbound {tuple(messages)}, not {b.chain.mq.outbound}",
    )


def pruntime_info(
    pubkey: bytes = WORKER.public,
    *,
    ecdh: bytes = ECDH,
    version: int = 1,
    operator: bytes | str | None = None,
    para_id: int = 2035,
    genesis: bytes = GENESIS,
    consensus: int = 0,
    features: Sequence[int] = (1, 4),
) -> dict[str, Any]:
    """The plain-data ``WorkerRegistrationInfoV2`` [REG-8]."""
    if isinstance(operator, str):
        operator = dev_keypair(operator).public
    return {
        "version": version,
        "machine_id": b"machine-1",
        "pubkey": pubkey,
        "ecdh_pubkey": ecdh,
        "genesis_block_hash": genesis,
        "features": list(features),
        "operator": operator,
        "para_id": para_id,
        "max_consensus_version": consensus,
    }


def setup(b: CaseBuilder, timestamp: int | None = None, **registry: Any) -> None:
    registry.setdefault("genesis_hash_allowlist", [GENESIS])
    registry.setdefault("contract_keys", {CONTRACT_ID: CONTRACT_KEY.public})
    b.genesis(registry=registry)
    b.initialize_block(timestamp=timestamp)


def ias_evidence(sample: str) -> dict[str, Any]:
    """Production's public IAS sample ``pallet`` or ``crate``, decoded, as call data [REG-9]."""
    folder = resources.files("phala_spec.conformance") / "evidence"
    return {
        "kind": "SgxIas",
        "ra_report": (folder / f"ias_{sample}_ra_report.json").read_bytes(),
        "signature": (folder / f"ias_{sample}_signature.bin").read_bytes(),
        "raw_signing_cert": (folder / f"ias_{sample}_signing_cert.der").read_bytes(),
    }


def ias_facts(sample: str) -> tuple[int, bytes]:
    """The report time (unix seconds) and pRuntime hash of a sample, read by the verifier."""
    ev = ias_evidence(sample)
    report = verify_ias(ev["ra_report"], ev["signature"], ev["raw_signing_cert"], 1_697_619_675)
    assert report.timestamp is not None
    return report.timestamp, report.runtime_hash


def council(yes: int, total: int) -> dict[str, Any]:
    return collective("Council", yes, total)


# --- Allowlists and benchmark duration [REG-4]..[REG-6] -------------------------------------


@case(suite=SUITE, handler="add_pruntime", presets=BOTH_PRESETS, clauses=("REG-4", "REG-5"))
def add_and_remove_pruntime(b: CaseBuilder) -> None:
    """Root adds a pRuntime hash (recording the block), adding it again fails with
    `PRuntimeAlreadyExists`; a council majority (2 of 3) adds a second one; removing it drops
    it and its block; removing it again fails with `PRuntimeNotFound`."""
    setup(b)
    do(b, ADD_PRUNTIME, {"pruntime_hash": PRUNTIME}, root())
    check(b.chain.registry.pruntime_added_at.get(PRUNTIME) == 1, "PRuntimeAddedAt = block 1")
    do(
        b,
        ADD_PRUNTIME,
        {"pruntime_hash": PRUNTIME},
        root(),
        outcome="PhalaRegistry.PRuntimeAlreadyExists",
    )
    b.next_block()
    do(b, ADD_PRUNTIME, {"pruntime_hash": PRUNTIME2}, council(2, 3))
    check(b.chain.registry.pruntime_allowlist == (PRUNTIME, PRUNTIME2), "both hashes, in order")
    do(b, REMOVE_PRUNTIME, {"pruntime_hash": PRUNTIME2}, root())
    check(PRUNTIME2 not in b.chain.registry.pruntime_added_at, "the removed hash's block forgotten")
    do(
        b,
        REMOVE_PRUNTIME,
        {"pruntime_hash": PRUNTIME2},
        root(),
        outcome="PhalaRegistry.PRuntimeNotFound",
    )
    b.finalize_block()


@case(suite=SUITE, handler="add_pruntime", clauses=("REG-4", "REG-5"))
def governance_origin_checked_first(b: CaseBuilder) -> None:
    """The origin is checked before anything else: a signed account, half of the council
    (2 of 4, not more than half), another collective's majority and a pallet all get
    `BadOrigin`, even for a hash that is already allowed or one that is absent."""
    setup(b, pruntime_allowlist=[PRUNTIME])
    for origin in (signed("alice"), council(2, 4), collective("TechnicalCommittee", 3, 3)):
        do(b, ADD_PRUNTIME, {"pruntime_hash": PRUNTIME}, origin, outcome="BadOrigin")
        do(b, REMOVE_PRUNTIME, {"pruntime_hash": PRUNTIME2}, origin, outcome="BadOrigin")
        do(b, ADD_GENESIS, {"genesis_block_hash": GENESIS}, origin, outcome="BadOrigin")
        do(b, REMOVE_GENESIS, {"genesis_block_hash": GENESIS2}, origin, outcome="BadOrigin")
        do(b, SET_DURATION, {"value": 3}, origin, outcome="BadOrigin")
    do(b, ADD_PRUNTIME, {"pruntime_hash": PRUNTIME2}, council(3, 5))
    b.finalize_block()


@case(
    suite=SUITE,
    handler="add_relaychain_genesis_block_hash",
    presets=BOTH_PRESETS,
    clauses=("REG-4", "REG-6"),
)
def genesis_hash_allowlist(b: CaseBuilder) -> None:
    """Adding an allowed genesis hash fails with `GenesisBlockHashAlreadyExists`; a new one is
    appended; removing an absent one fails with `GenesisBlockHashNotFound`; removing works."""
    setup(b)
    do(
        b,
        ADD_GENESIS,
        {"genesis_block_hash": GENESIS},
        root(),
        outcome="PhalaRegistry.GenesisBlockHashAlreadyExists",
    )
    do(b, ADD_GENESIS, {"genesis_block_hash": GENESIS2}, council(1, 1))
    do(b, REMOVE_GENESIS, {"genesis_block_hash": GENESIS}, root())
    do(
        b,
        REMOVE_GENESIS,
        {"genesis_block_hash": GENESIS},
        root(),
        outcome="PhalaRegistry.GenesisBlockHashNotFound",
    )
    check(b.chain.registry.genesis_hash_allowlist == (GENESIS2,), "only the second hash")
    b.finalize_block()


@case(suite=SUITE, handler="force_set_benchmark_duration", clauses=("REG-3", "REG-6", "REG-11"))
def benchmark_duration_set(b: CaseBuilder) -> None:
    """The genesis benchmark duration is 8 blocks; governance sets it to 0 and a registration
    then pushes `BenchStart{duration: 0}`."""
    setup(b)
    check(b.chain.registry.benchmark_duration == 8, "genesis duration 8")
    do(b, SET_DURATION, {"value": 0}, root())
    do(b, REGISTER, {"pruntime_info": pruntime_info(), "attestation": None}, signed("alice"))
    expect_outbound(
        b,
        [worker_event(WORKER.public, Registered(128)), worker_event(WORKER.public, BenchStart(0))],
    )
    b.finalize_block()


# --- force_register_worker [REG-7] ------------------------------------------------------------


@case(
    suite=SUITE, handler="force_register_worker", presets=BOTH_PRESETS, clauses=("REG-1", "REG-7")
)
def force_register_worker_twice(b: CaseBuilder) -> None:
    """Root registers a worker: provider Root, confidence 128, features [1, 4], runtime version
    0, last updated 1; `Registered{128}` is pushed (no benchmark) and `WorkerAdded` deposited.
    A signed origin gets `BadOrigin`. Registering it again in block 2 with another ECDH key and
    an operator replaces the whole record and moves `WorkerAddedAt` to block 2."""
    setup(b)
    args = {"pubkey": WORKER.public, "ecdh_pubkey": ECDH, "operator": None}
    do(b, FORCE_REGISTER, args, signed("alice"), outcome="BadOrigin")
    do(b, FORCE_REGISTER, args, root())
    info = b.chain.registry.workers[WORKER.public]
    check(
        (
            info.attestation_provider,
            info.confidence_level,
            info.features,
            info.runtime_version,
            info.last_updated,
        )
        == ("Root", 128, (1, 4), 0, 1),
        "the forced record",
    )
    expect_outbound(b, [worker_event(WORKER.public, Registered(128))])
    b.next_block()
    do(
        b,
        FORCE_REGISTER,
        {"pubkey": WORKER.public, "ecdh_pubkey": ECDH2, "operator": b.account("bob")},
        root(),
    )
    reg = b.chain.registry
    check(reg.workers[WORKER.public].ecdh_pubkey == ECDH2, "the record replaced")
    check(reg.worker_added_at[WORKER.public] == 2, "WorkerAddedAt = 2")
    b.finalize_block()


# --- register_worker_v2 [REG-8]..[REG-11] -----------------------------------------------------


@case(suite=SUITE, handler="register_worker_v2", clauses=("REG-8", "REG-9", "REG-10", "REG-11"))
def register_then_update(b: CaseBuilder) -> None:
    """With no attestation (allowed on this development preset: confidence 128, no provider) a
    new worker is inserted (`WorkerAdded`, `WorkerAddedAt` = 1) and `Registered{128}` then
    `BenchStart{8}` are pushed. Registering again in block 2 with another ECDH key, version and
    operator overwrites version, operator, features and last update but keeps the ECDH key
    (`WorkerUpdated`); `WorkerAddedAt` stays 1. The consensus-version count goes 1, 2, then 1
    for a higher version."""
    setup(b)
    do(b, REGISTER, {"pruntime_info": pruntime_info(), "attestation": None}, signed("alice"))
    expect_outbound(
        b,
        [worker_event(WORKER.public, Registered(128)), worker_event(WORKER.public, BenchStart(8))],
    )
    b.next_block()
    info = pruntime_info(ecdh=ECDH2, version=2, operator="bob", features=(1,))
    do(b, REGISTER, {"pruntime_info": info, "attestation": None}, signed("bob"))
    reg = b.chain.registry
    w = reg.workers[WORKER.public]
    check(
        (w.ecdh_pubkey, w.runtime_version, w.features, w.last_updated)
        == (ECDH, 2, (1,), b.chain.system.block.timestamp // 1000),
        "the upsert rules",
    )
    check(reg.worker_added_at[WORKER.public] == 1, "WorkerAddedAt unchanged")
    check(
        (reg.max_known_consensus_version.version, reg.max_known_consensus_version.count) == (0, 2),
        "version 0 seen twice",
    )
    do(
        b,
        REGISTER,
        {"pruntime_info": pruntime_info(WORKER2.public, consensus=3), "attestation": None},
        signed("bob"),
    )
    check(
        b.chain.registry.max_known_consensus_version.count == 1, "higher version resets the count"
    )
    b.finalize_block()


@case(suite=SUITE, handler="register_worker_v2", clauses=("REG-9", "REG-10"))
def register_rejections_in_order(b: CaseBuilder) -> None:
    """A non-signed origin gets `BadOrigin`; a wrong para id `ParachainIdMismatch` even with an
    unknown genesis hash (the para id is checked first); an unknown genesis hash
    `GenesisBlockHashRejected`. Rejections change nothing."""
    setup(b)
    do(
        b,
        REGISTER,
        {"pruntime_info": pruntime_info(para_id=1, genesis=GENESIS2), "attestation": None},
        root(),
        outcome="BadOrigin",
    )
    do(
        b,
        REGISTER,
        {"pruntime_info": pruntime_info(para_id=1, genesis=GENESIS2), "attestation": None},
        signed("alice"),
        outcome="PhalaRegistry.ParachainIdMismatch",
    )
    do(
        b,
        REGISTER,
        {"pruntime_info": pruntime_info(genesis=GENESIS2), "attestation": None},
        signed("alice"),
        outcome="PhalaRegistry.GenesisBlockHashRejected",
    )
    b.finalize_block()


@case(
    suite=SUITE,
    handler="register_worker_v2",
    presets=("phala", "khala"),
    clauses=("REG-2", "REG-9"),
)
def none_attestation_disabled(b: CaseBuilder) -> None:
    """Production chains refuse a registration without attestation (`NoneAttestationDisabled`),
    before the para id is looked at."""
    setup(b)
    do(
        b,
        REGISTER,
        {"pruntime_info": pruntime_info(para_id=1), "attestation": None},
        signed("alice"),
        outcome="PhalaRegistry.NoneAttestationDisabled",
    )
    b.finalize_block()


@case(suite=SUITE, handler="register_worker_v2", clauses=("REG-9",))
def malformed_ias_evidence_rejected(b: CaseBuilder) -> None:
    """IAS evidence whose signing certificate is not a certificate fails the first IAS check
    (`InvalidIASSigningCert`)."""
    setup(b)
    evidence = {
        "kind": "SgxIas",
        "ra_report": b"{}",
        "signature": b"\x00" * 256,
        "raw_signing_cert": b"not a certificate",
    }
    do(
        b,
        REGISTER,
        {"pruntime_info": pruntime_info(), "attestation": evidence},
        signed("alice"),
        outcome="PhalaRegistry.InvalidIASSigningCert",
    )
    do(
        b,
        REGISTER,
        {
            "pruntime_info": pruntime_info(),
            "attestation": {"kind": "SgxDcap", "quote": b"\x03\x00", "collateral": None},
        },
        signed("alice"),
        outcome="PhalaRegistry.UnsupportedAttestationType",
    )
    b.finalize_block()


@case(suite=SUITE, handler="register_worker_v2", presets=BOTH_PRESETS, clauses=("REG-9", "REG-10"))
def real_ias_evidence_check_order(b: CaseBuilder) -> None:
    """Production's IAS sample one minute after its report time, with a wrong para id: without
    its pRuntime in the allowlist it fails with `PRuntimeRejected`; once governance adds it,
    with `InvalidRuntimeInfoHash` (its report data binds another registration info). The
    attestation is checked before the para id. A signed origin is required first (`BadOrigin`)."""
    when, runtime_hash = ias_facts("pallet")
    setup(b, timestamp=(when + 60) * 1000)
    args = {"pruntime_info": pruntime_info(para_id=1), "attestation": ias_evidence("pallet")}
    do(b, REGISTER, args, root(), outcome="BadOrigin")
    do(b, REGISTER, args, signed("alice"), outcome="PhalaRegistry.PRuntimeRejected")
    do(b, ADD_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    do(b, REGISTER, args, signed("alice"), outcome="PhalaRegistry.InvalidRuntimeInfoHash")
    b.finalize_block()


@case(suite=SUITE, handler="register_worker_v2", presets=BOTH_PRESETS, clauses=("REG-9",))
def real_ias_evidence_outdated(b: CaseBuilder) -> None:
    """Production's second IAS sample, its pRuntime allowlisted at genesis: 7199 s after the
    report time it is still fresh (and fails on the report-data binding,
    `InvalidRuntimeInfoHash`); 7200 s after, in the next block, it is `OutdatedIASReport`."""
    when, runtime_hash = ias_facts("crate")
    setup(b, timestamp=(when + 7199) * 1000, pruntime_allowlist=[runtime_hash])
    args = {"pruntime_info": pruntime_info(), "attestation": ias_evidence("crate")}
    do(b, REGISTER, args, signed("alice"), outcome="PhalaRegistry.InvalidRuntimeInfoHash")
    b.finalize_block()
    b.initialize_block(timestamp=(when + 7200) * 1000)
    do(b, REGISTER, args, signed("alice"), outcome="PhalaRegistry.OutdatedIASReport")
    b.finalize_block()


# --- Benchmark reports through the message queue [REG-12]..[REG-14] ------------------------------

Story = Callable[[CaseBuilder, str], None]


def signed_case(
    handler: str, clauses: Sequence[str], presets: Sequence[str] = MINIMAL
) -> Callable[[Story], Story]:
    """Register a story once per crypto setting, as ``<name>_<setting>`` [MQ-22]."""
    return case_per_crypto(suite=SUITE, handler=handler, presets=presets, clauses=clauses)


def relay_report(
    b: CaseBuilder, setting: str, sender: MessageOrigin, payload: bytes, key: Any
) -> None:
    """Relay ``payload`` to ``^phala/registry/event`` from ``sender``; the call always succeeds
    and consumes the sequence [MQ-10] [MQ-13]."""
    sequence = ingress(b.chain, sender)
    relay(b, setting, sender, REGISTRY_EVENT, payload, key)
    check(ingress(b.chain, sender) == sequence + 1, "the sequence consumed")


def worker_origin(key: Any) -> MessageOrigin:
    return MessageOrigin("Worker", key.public)


def registered(b: CaseBuilder) -> None:
    setup(b)
    do(b, FORCE_REGISTER, {"pubkey": WORKER.public, "ecdh_pubkey": ECDH, "operator": None}, root())
    b.next_block()


@signed_case("on_message_received", ("REG-12", "REG-13"), presets=BOTH_PRESETS)
def bench_report_sets_score(b: CaseBuilder, setting: str) -> None:
    """A registered worker reports 10,000 iterations started 4,500 ms before the block (4 whole
    seconds): 10000 // 4 * 6 = 15000, capped to 6000. A second report of 2,000 iterations over
    the same time scores 3000. Each sets the initial score and last update, pushes `BenchScore`
    and deposits `InitialScoreSet`."""
    registered(b)
    now = b.chain.system.block.timestamp
    relay_report(
        b, setting, worker_origin(WORKER), encode_payload(BenchReport(now - 4500, 10_000)), WORKER
    )
    w = b.chain.registry.workers[WORKER.public]
    check((w.initial_score, w.last_updated) == (6000, now // 1000), "score 6000")
    relay_report(
        b, setting, worker_origin(WORKER), encode_payload(BenchReport(now - 4500, 2_000)), WORKER
    )
    check(b.chain.registry.workers[WORKER.public].initial_score == 3000, "score 3000")
    expect_outbound(
        b,
        [
            worker_event(WORKER.public, BenchScore(6000)),
            worker_event(WORKER.public, BenchScore(3000)),
        ],
    )
    b.finalize_block()


@signed_case("on_message_received", ("MQ-13", "REG-12", "REG-13"))
def swallowed_handler_errors(b: CaseBuilder, setting: str) -> None:
    """Each of these reports is accepted by the queue (outcome ok, sequence consumed) but the
    handler fails and the failure is swallowed, so nothing else changes: a start time in the
    future (`InvalidBenchReport`), a start time equal to now (`InvalidBenchReport`), a payload
    that does not decode (`MessageCodecError`), a report from a contract (`InvalidSender`), a
    master public key from a worker that is not a gatekeeper (`InvalidGatekeeper`)."""
    registered(b)
    now = b.chain.system.block.timestamp
    before = b.chain.registry
    w = worker_origin(WORKER)
    relay_report(b, setting, w, encode_payload(BenchReport(now + 1, 10)), WORKER)
    relay_report(b, setting, w, encode_payload(BenchReport(now, 10)), WORKER)
    relay_report(b, setting, w, b"\x07garbage", WORKER)
    relay_report(b, setting, CONTRACT, encode_payload(BenchReport(now - 5000, 10)), CONTRACT_KEY)
    relay_report(b, setting, w, encode_payload(MasterPubkey(WORKER.public)), WORKER)
    check(b.chain.registry == before, "the registry unchanged")
    expect_outbound(b, [])
    b.finalize_block()


@signed_case("on_message_received", ("REG-12", "REG-13"), presets=BOTH_PRESETS)
def unregistered_worker_report_is_scored(b: CaseBuilder, setting: str) -> None:
    """A worker that was never registered reports 2,000 iterations started 4,500 ms before the
    block (4 whole seconds): 2000 // 4 * 6 = 3000. No record is created and the registry is
    unchanged, yet `BenchScore(3000)` is pushed to the worker's key and `InitialScoreSet` is
    deposited, as for a registered worker."""
    registered(b)
    now = b.chain.system.block.timestamp
    before = b.chain.registry
    iterations, seconds = 2_000, 4
    score = min(6000, iterations // seconds * 6)
    relay_report(
        b,
        setting,
        worker_origin(WORKER2),
        encode_payload(BenchReport(now - 4500, iterations)),
        WORKER2,
    )
    check(b.chain.registry == before, "the registry unchanged: no record for the worker")
    scored = [
        (e.name, dict(e.fields)) for e in b.last_events if e.name.startswith("PhalaRegistry.")
    ]
    check(
        scored
        == [("PhalaRegistry.InitialScoreSet", {"pubkey": WORKER2.public, "init_score": score})],
        f"InitialScoreSet for the unregistered worker, not {scored}",
    )
    expect_outbound(b, [worker_event(WORKER2.public, BenchScore(score))])
    b.finalize_block()


@signed_case("on_message_received", ("REG-12", "REG-13"), presets=BOTH_PRESETS)
def bench_score_truncates_before_the_cap(b: CaseBuilder, setting: str) -> None:
    """A registered worker reports 2,863,311,932 iterations over 4 whole seconds: the u64
    product 2863311932 // 4 * 6 is 2^32 + 602, which `as u32` keeps as 602, under the cap. The
    score is 602, not the 6000 that capping the untruncated product would give."""
    registered(b)
    now = b.chain.system.block.timestamp
    iterations, seconds = 2_863_311_932, 4
    product = (iterations // seconds * 6) % 2**64
    check(product == 2**32 + 602, "a product just past 32 bits")
    score = min(6000, product % 2**32)
    check(score != min(6000, product), "truncating first differs from capping first")
    relay_report(
        b,
        setting,
        worker_origin(WORKER),
        encode_payload(BenchReport(now - 4500, iterations)),
        WORKER,
    )
    w = b.chain.registry.workers[WORKER.public]
    check((w.initial_score, w.last_updated) == (score, now // 1000), f"score {score}")
    expect_outbound(b, [worker_event(WORKER.public, BenchScore(score))])
    b.finalize_block()


@signed_case("on_message_received", ("REG-12", "REG-13"))
def bench_report_counts_whole_seconds(b: CaseBuilder, setting: str) -> None:
    """A registered worker reports 500 iterations started 1,998 ms before the block: one whole
    second (the elapsed milliseconds are divided by 1000, rounding down), so the score is
    500 // 1 * 6 = 3000, not the 1500 that two seconds would give."""
    registered(b)
    now = b.chain.system.block.timestamp
    iterations, elapsed_ms = 500, 1_998
    score = iterations // (elapsed_ms // 1000) * 6
    check(score == 3000, "one whole second")
    relay_report(
        b,
        setting,
        worker_origin(WORKER),
        encode_payload(BenchReport(now - elapsed_ms, iterations)),
        WORKER,
    )
    check(b.chain.registry.workers[WORKER.public].initial_score == score, f"score {score}")
    expect_outbound(b, [worker_event(WORKER.public, BenchScore(score))])
    b.finalize_block()


# --- End to end: a worker runtime benchmarks after registering [REG-11] [REG-13] [NET-4] -------


def network_case(clauses: Sequence[str]) -> Callable[[Story], Story]:
    """Register a network story once per crypto setting [NET-3]."""
    return signed_case("on_message_received", clauses)


@network_case(("REG-11", "REG-12", "REG-13", "NET-4", "OFF-22"))
def registered_worker_benchmark_round_trip(b: CaseBuilder, setting: str) -> None:
    """A network with one worker runtime and a benchmark of 1 block. The worker's operator
    registers it with `register_worker_v2` (no attestation, development preset); the chain
    pushes `Registered{128}` and `BenchStart{1}`; the runtime signs its benchmark report while
    processing the next block and its relayer submits it in the block after; the chain scores
    it: `InitialScoreSet`, and `BenchScore` is pushed to the runtime."""
    worker_key = dev_keypair("registry/net-worker")
    b.genesis(
        registry={"genesis_hash_allowlist": [GENESIS], "benchmark_duration": 1},
        runtimes=[{"name": "worker1", "key": "registry/net-worker", "role": "worker"}],
        crypto=setting,
    )
    register_args = {"pruntime_info": pruntime_info(worker_key.public), "attestation": None}
    report = b.network_block([(REGISTER, register_args, signed("alice"))])
    check([e["outcome"] for e in report["extrinsics"]] == ["ok"], "the registration accepted")
    b.network_block()
    report = b.network_block()
    check(
        [(e["runtime"], e["outcome"]) for e in report["extrinsics"]] == [("worker1", "ok")],
        "the report relayed and accepted",
    )
    worker = b.chain.registry.workers[worker_key.public]
    check(worker.initial_score is not None, "a score set")
    expect_outbound(b, [worker_event(worker_key.public, BenchScore(worker.initial_score or 0))])
    b.network_block()
