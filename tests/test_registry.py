"""The registry pallet, first part [REG-1]..[REG-14]: unit tests of the reference.

Expected values come from the rules in spec/registry.md (SCALE layouts written
out byte by byte, scores computed by the test), never copied from the
reference's output.
"""

from __future__ import annotations

import hashlib
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phala_spec.chain.messages import Message, MessageOrigin
from phala_spec.chain.registry_payloads import BenchReport, MasterPubkey
from phala_spec.chain.state import BlockContext, ChainState, CollectiveOrigin, Root, Signed
from phala_spec.chain.system_payloads import BenchScore, BenchStart, Registered, WorkerEventWithKey
from phala_spec.chain.worker_messages import decode_system_event, encode_payload
from phala_spec.conformance.relaying import apply_relay
from phala_spec.pallets import mq, registry
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.primitives.errors import DispatchError, InvalidInput
from phala_spec.runtime.block import apply_call, finalize_block, initialize_block
from phala_spec.runtime.genesis import dev_account, genesis

WORKER = dev_keypair("test-registry/worker")
PK = WORKER.public
ECDH = bytes(range(32))
ECDH2 = bytes(range(1, 33))
GENESIS_HASH = b"\x11" * 32
ALICE = Signed(dev_account("alice"))
T0 = 1_000_000_000_000  # block 1's timestamp, ms


def chain(preset: str = "minimal", timestamp: int = T0, **registry_overrides: Any) -> ChainState:
    registry_overrides.setdefault("genesis_hash_allowlist", [GENESIS_HASH])
    state = genesis(preset, {"registry": registry_overrides})
    state, _ = initialize_block(state, BlockContext(1, timestamp))
    return state


def info(**changes: Any) -> dict[str, Any]:
    data = {
        "version": 7,
        "machine_id": b"m",
        "pubkey": PK,
        "ecdh_pubkey": ECDH,
        "genesis_block_hash": GENESIS_HASH,
        "features": [1, 4],
        "operator": None,
        "para_id": 2035,
        "max_consensus_version": 0,
    }
    data.update(changes)
    return data


def register(
    state: ChainState, origin: Any = ALICE, attestation: Any = None, **changes: Any
) -> Any:
    return apply_call(
        state,
        origin,
        "PhalaRegistry.register_worker_v2",
        {"pruntime_info": info(**changes), "attestation": attestation},
    )


def system_events(state: ChainState) -> list[Any]:
    out = []
    for m in state.mq.outbound:
        assert m.sender == MessageOrigin("Pallet", b"PhalaRegistry")
        assert m.destination == b"phala/system/event"
        decoded = decode_system_event(m.payload)
        assert isinstance(decoded, WorkerEventWithKey)
        out.append((decoded.pubkey, decoded.event))
    return out


# --- [REG-8] ---------------------------------------------------------------------------------


def test_registration_info_scale_layout() -> None:
    op = b"\xaa" * 32
    value = registry.WorkerRegistrationInfoV2(
        version=0x01020304,
        machine_id=b"abc",
        pubkey=b"\x01" * 32,
        ecdh_pubkey=b"\x02" * 32,
        genesis_block_hash=b"\x03" * 32,
        features=(1, 4),
        operator=op,
        para_id=2035,
        max_consensus_version=5,
    )
    expected = (
        b"\x04\x03\x02\x01"
        + b"\x0cabc"
        + b"\x01" * 32
        + b"\x02" * 32
        + b"\x03" * 32
        + b"\x08"
        + b"\x01\x00\x00\x00"
        + b"\x04\x00\x00\x00"
        + b"\x01"
        + op
        + (2035).to_bytes(4, "little")
        + b"\x05\x00\x00\x00"
    )
    assert value.encode() == expected
    assert attrs.evolve(value, operator=None).encode() == expected.replace(b"\x01" + op, b"\x00")
    assert blake2b_256(expected) == hashlib.blake2b(expected, digest_size=32).digest()


# --- [REG-4]..[REG-6] ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (Root(), True),
        (CollectiveOrigin("Council", 3, 5), True),
        (CollectiveOrigin("Council", 1, 1), True),
        (CollectiveOrigin("Council", 2, 4), False),
        (CollectiveOrigin("Council", 0, 0), False),
        (CollectiveOrigin("TechnicalCommittee", 3, 3), False),
        (ALICE, False),
    ],
)
def test_governance_origin(origin: Any, allowed: bool) -> None:
    result = apply_call(chain(), origin, "PhalaRegistry.add_pruntime", {"pruntime_hash": b"h"})
    assert result.outcome == ("ok" if allowed else "BadOrigin")


def test_allowlists_and_duration() -> None:
    state = chain()
    r = apply_call(state, Root(), "PhalaRegistry.add_pruntime", {"pruntime_hash": b"h"})
    assert r.outcome == "ok" and r.state.registry.pruntime_added_at[b"h"] == 1
    assert (
        apply_call(r.state, Root(), "PhalaRegistry.add_pruntime", {"pruntime_hash": b"h"}).outcome
        == "PhalaRegistry.PRuntimeAlreadyExists"
    )
    r2 = apply_call(r.state, Root(), "PhalaRegistry.remove_pruntime", {"pruntime_hash": b"h"})
    assert (
        r2.state.registry.pruntime_allowlist == ()
        and b"h" not in r2.state.registry.pruntime_added_at
    )
    assert (
        apply_call(
            r2.state, Root(), "PhalaRegistry.remove_pruntime", {"pruntime_hash": b"h"}
        ).outcome
        == "PhalaRegistry.PRuntimeNotFound"
    )
    add = "PhalaRegistry.add_relaychain_genesis_block_hash"
    remove = "PhalaRegistry.remove_relaychain_genesis_block_hash"
    assert (
        apply_call(state, Root(), add, {"genesis_block_hash": GENESIS_HASH}).outcome
        == "PhalaRegistry.GenesisBlockHashAlreadyExists"
    )
    assert (
        apply_call(state, Root(), remove, {"genesis_block_hash": b"\x00" * 32}).outcome
        == "PhalaRegistry.GenesisBlockHashNotFound"
    )
    assert state.registry.benchmark_duration == 8
    r3 = apply_call(state, Root(), "PhalaRegistry.force_set_benchmark_duration", {"value": 3})
    assert r3.state.registry.benchmark_duration == 3
    with pytest.raises(InvalidInput):
        apply_call(state, Root(), "PhalaRegistry.force_set_benchmark_duration", {"value": 2**32})


# --- [REG-7] ------------------------------------------------------------------------------------


def test_force_register_worker_replaces_the_record() -> None:
    state = chain()
    args = {"pubkey": PK, "ecdh_pubkey": ECDH, "operator": None}
    assert (
        apply_call(state, ALICE, "PhalaRegistry.force_register_worker", args).outcome == "BadOrigin"
    )
    r = apply_call(state, Root(), "PhalaRegistry.force_register_worker", args)
    w = r.state.registry.workers[PK]
    assert w == w.__class__(PK, ECDH, 0, 1, None, "Root", 128, None, (1, 4))
    assert system_events(r.state) == [(PK, Registered(128))]
    assert [(e.name, dict(e.fields)) for e in r.events] == [
        (
            "PhalaRegistry.WorkerAdded",
            {"pubkey": PK, "attestation_provider": "Root", "confidence_level": 128},
        )
    ]
    scored = attrs.evolve(
        r.state,
        registry=attrs.evolve(
            r.state.registry,
            workers=r.state.registry.workers.set(PK, attrs.evolve(w, initial_score=5)),
        ),
    )
    again = apply_call(
        scored,
        Root(),
        "PhalaRegistry.force_register_worker",
        {"pubkey": PK, "ecdh_pubkey": ECDH2, "operator": None},
    )
    assert again.state.registry.workers[PK].initial_score is None
    assert again.state.registry.workers[PK].ecdh_pubkey == ECDH2


# --- [REG-9]..[REG-11] --------------------------------------------------------------------------


def test_register_new_then_update() -> None:
    state = chain()
    r = register(state)
    assert r.outcome == "ok"
    w = r.state.registry.workers[PK]
    assert (
        w.ecdh_pubkey,
        w.runtime_version,
        w.last_updated,
        w.attestation_provider,
        w.confidence_level,
        w.initial_score,
    ) == (ECDH, 7, T0 // 1000, None, 128, None)
    assert r.state.registry.worker_added_at[PK] == 1
    assert system_events(r.state) == [(PK, Registered(128)), (PK, BenchStart(8))]
    assert [e.name for e in r.events] == ["PhalaRegistry.WorkerAdded"]
    assert to_data(r.state.registry.max_known_consensus_version) == {"version": 0, "count": 1}
    # Give it a score, then re-register in block 2 with changes.
    state = attrs.evolve(
        r.state,
        registry=attrs.evolve(
            r.state.registry,
            workers=r.state.registry.workers.set(PK, attrs.evolve(w, initial_score=4000)),
        ),
    )
    state, _ = finalize_block(state)
    state, _ = initialize_block(state, BlockContext(2, T0 + 12_000))
    op = dev_account("bob")
    r2 = register(
        state, ecdh_pubkey=ECDH2, version=9, operator=op, features=[2], max_consensus_version=0
    )
    w2 = r2.state.registry.workers[PK]
    assert (
        w2.ecdh_pubkey,
        w2.runtime_version,
        w2.operator,
        w2.features,
        w2.initial_score,
        w2.last_updated,
    ) == (ECDH, 9, op, (2,), 4000, (T0 + 12_000) // 1000)
    assert r2.state.registry.worker_added_at[PK] == 1
    assert [e.name for e in r2.events] == ["PhalaRegistry.WorkerUpdated"]
    assert to_data(r2.state.registry.max_known_consensus_version) == {"version": 0, "count": 2}
    r3 = register(r2.state, max_consensus_version=4)
    assert to_data(r3.state.registry.max_known_consensus_version) == {"version": 4, "count": 1}
    r4 = register(r3.state, max_consensus_version=2)
    assert to_data(r4.state.registry.max_known_consensus_version) == {"version": 4, "count": 1}


def test_register_check_order() -> None:
    state = chain()
    assert register(state, origin=Root(), para_id=1).outcome == "BadOrigin"
    assert (
        register(state, para_id=1, genesis_block_hash=b"\x00" * 32).outcome
        == "PhalaRegistry.ParachainIdMismatch"
    )
    assert (
        register(state, genesis_block_hash=b"\x00" * 32).outcome
        == "PhalaRegistry.GenesisBlockHashRejected"
    )
    off = attrs.evolve(
        state, config=attrs.evolve(state.config, verify_relaychain_genesis_block_hash=False)
    )
    assert register(off, genesis_block_hash=b"\x00" * 32).outcome == "ok"
    for preset, para in (("phala", 2035), ("khala", 2004)):
        prod = chain(preset)
        assert register(prod, para_id=para).outcome == "PhalaRegistry.NoneAttestationDisabled"
    bad_ias = {"kind": "SgxIas", "ra_report": b"{}", "signature": b"", "raw_signing_cert": b"x"}
    assert (
        register(state, attestation=bad_ias, para_id=1).outcome
        == "PhalaRegistry.InvalidIASSigningCert"
    )
    dcap = {"kind": "SgxDcap", "quote": b"", "collateral": None}
    assert register(state, attestation=dcap).outcome == "PhalaRegistry.UnsupportedAttestationType"
    with pytest.raises(InvalidInput):
        register(state, attestation={"kind": "SgxDcap", "quote": b"", "collateral": b"\x01"})
    with pytest.raises(InvalidInput):
        register(state, attestation={"kind": "Simulated"})
    with pytest.raises(InvalidInput):
        register(state, para_id=-1)


def test_genesis_overrides_validate() -> None:
    for bad in (
        {"pruntime_allowlist": ["x"]},
        {"genesis_hash_allowlist": [b"x"]},
        {"benchmark_duration": -1},
        {"benchmark_duration": True},
    ):
        with pytest.raises(InvalidInput):
            genesis("minimal", {"registry": bad})
    assert (
        genesis("minimal", {"registry": {"benchmark_duration": None}}).registry.benchmark_duration
        is None
    )
    with pytest.raises(InvalidInput):
        genesis("minimal", {"config": {"verify_pruntime": 1}})
    assert (
        genesis(
            "minimal", {"config": {"none_attestation_enabled": False}}
        ).config.none_attestation_enabled
        is False
    )


# --- [REG-12]..[REG-14] -------------------------------------------------------------------------


def relayed(state: ChainState, sender: MessageOrigin, payload: bytes, key: Any = WORKER) -> Any:
    return apply_relay(state, ALICE, sender, b"^phala/registry/event", payload, key)


def registered_chain() -> ChainState:
    r = apply_call(
        chain(),
        Root(),
        "PhalaRegistry.force_register_worker",
        {"pubkey": PK, "ecdh_pubkey": ECDH, "operator": None},
    )
    state, _ = finalize_block(r.state)
    state, _ = initialize_block(state, BlockContext(2, T0 + 12_000))
    return state


@given(delta=st.integers(1000, 10**7), iterations=st.integers(0, 2**64 - 1))
def test_bench_score_formula(delta: int, iterations: int) -> None:
    """[REG-13]: the u64 product, its low 32 bits (``as u32``), then the cap."""
    product = ((iterations // (delta // 1000)) * 6) % 2**64
    expected = min(6000, product & 0xFFFF_FFFF)
    assert registry.bench_score(0, iterations, delta) == expected


@pytest.mark.parametrize(
    ("per_second", "score"),
    [
        # 6 · 715827983 = 2^32 + 602: its low 32 bits are 602, under the cap.
        (715_827_983, 602),
        # 6 · 715827882 = 2^32 - 4: still 32 bits, capped.
        (715_827_882, 6000),
        # 6 · (2^64 / 6 rounded up) = 2^64 + 2: wraps in u64 to 2.
        (-(-(2**64) // 6), 2),
    ],
)
def test_bench_score_truncates_before_the_cap(per_second: int, score: int) -> None:
    """[REG-13]: a product of 2^32 or more keeps its low 32 bits before ``min(6000)``."""
    assert registry.bench_score(0, per_second * 3, 3_000) == score


def test_bench_report_sets_score() -> None:
    state = registered_chain()
    now = state.system.block.timestamp
    r = relayed(state, MessageOrigin("Worker", PK), encode_payload(BenchReport(now - 2999, 1000)))
    assert r.outcome == "ok"
    w = r.state.registry.workers[PK]
    assert (w.initial_score, w.last_updated) == (1000 // 2 * 6, now // 1000)
    assert system_events(r.state) == [(PK, BenchScore(3000))]
    assert [(e.name, dict(e.fields)) for e in r.events] == [
        ("PhalaRegistry.InitialScoreSet", {"pubkey": PK, "init_score": 3000})
    ]


@pytest.mark.parametrize("case", ["future", "equal", "garbage", "contract", "master"])
def test_swallowed_handler_errors(case: str) -> None:
    contract_key = dev_keypair("test-registry/contract")
    cid = b"\x42" * 32
    state = registered_chain()
    state = attrs.evolve(
        state,
        registry=attrs.evolve(
            state.registry, contract_keys=state.registry.contract_keys.set(cid, contract_key.public)
        ),
    )
    now = state.system.block.timestamp
    w = MessageOrigin("Worker", PK)
    sender, payload, key = {
        "future": (w, encode_payload(BenchReport(now + 1, 5)), WORKER),
        "equal": (w, encode_payload(BenchReport(now, 5)), WORKER),
        "garbage": (w, b"\x05", WORKER),
        "contract": (
            MessageOrigin("Contract", cid),
            encode_payload(BenchReport(now - 5000, 5)),
            contract_key,
        ),
        "master": (w, encode_payload(MasterPubkey(PK)), WORKER),
    }[case]
    r = relayed(state, sender, payload, key)
    assert (r.outcome, r.events) == ("ok", ())
    assert r.state.registry == state.registry
    assert r.state.mq.outbound == ()
    assert mq.ingress(r.state, sender) == 1


def test_unregistered_worker_report_is_scored() -> None:
    """[REG-13]: no record is created, yet the score is pushed and ``InitialScoreSet`` deposited."""
    state = registered_chain()
    now = state.system.block.timestamp
    other = dev_keypair("test-registry/other")
    sender = MessageOrigin("Worker", other.public)
    r = relayed(state, sender, encode_payload(BenchReport(now - 5000, 5000)), other)
    assert r.outcome == "ok"
    assert r.state.registry == state.registry
    assert other.public not in r.state.registry.workers
    assert system_events(r.state) == [(other.public, BenchScore(5000 // 5 * 6))]
    assert [(e.name, dict(e.fields)) for e in r.events] == [
        ("PhalaRegistry.InitialScoreSet", {"pubkey": other.public, "init_score": 6000})
    ]
    assert mq.ingress(r.state, sender) == 1


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"\x05", "MessageCodecError"),
        (encode_payload(BenchReport(10**13, 1)), "PhalaRegistry.InvalidBenchReport"),
        (encode_payload(MasterPubkey(PK)), "PhalaRegistry.InvalidGatekeeper"),
    ],
)
def test_handler_errors_directly(payload: bytes, code: str) -> None:
    state = registered_chain()
    with pytest.raises(DispatchError) as info:
        registry.on_message_received(
            state,
            state.system.block,
            Message(MessageOrigin("Worker", PK), b"^phala/registry/event", payload),
        )
    assert info.value.code == code
    with pytest.raises(DispatchError) as info:
        registry.on_message_received(
            state,
            state.system.block,
            Message(MessageOrigin("Gatekeeper", b""), b"", encode_payload(MasterPubkey(PK))),
        )
    assert info.value.code == "PhalaRegistry.InvalidSender"


def test_subsecond_bench_report_is_invalid_input() -> None:
    """Production divides by zero and panics [REG-13]: the relaying extrinsic cannot be included."""
    state = registered_chain()
    now = state.system.block.timestamp
    with pytest.raises(InvalidInput):
        relayed(state, MessageOrigin("Worker", PK), encode_payload(BenchReport(now - 999, 5)))
    assert (
        relayed(
            state, MessageOrigin("Worker", PK), encode_payload(BenchReport(now - 1000, 5))
        ).outcome
        == "ok"
    )


def test_a_relayed_subsecond_bench_report_is_left_out_until_a_second_has_passed() -> None:
    """A report less than a second old would panic production [REG-13]: the relayer's extrinsic
    is left out of the block (outcome Panic, sequence not consumed) and the same message is
    accepted in a later block once a second has passed [CHAIN-11] [NET-5]."""
    from phala_spec.conformance.authoring import CaseBuilder
    from phala_spec.conformance.suites import network as net

    b = CaseBuilder("minimal")
    net.setup(b, "oracle")
    b.network_block(
        [net.event(net.W1, Registered(1)), net.event(net.W1, BenchStart(1))], timestamp=1000
    )
    b.network_block([], timestamp=1001)
    panicked = b.network_block([], timestamp=1002)
    outcomes = [e["outcome"] for e in panicked["extrinsics"]]
    assert outcomes == ["Panic"]
    later = b.network_block([], timestamp=3000)
    assert [e["outcome"] for e in later["extrinsics"]] == ["ok"]
