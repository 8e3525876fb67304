"""Gatekeepers, the master key and its rotation, endpoints, legacy registration [REG-14] [REG-16]..[REG-23].

Expected values follow the rules of spec/registry.md; message payloads are
checked by decoding them with the layouts of spec/offchain.md [OFF-25]..[OFF-27].
"""

from __future__ import annotations

from typing import Any

import pytest

from phala_spec.chain import registry_payloads
from phala_spec.chain.messages import Message, MessageOrigin, wrap_content_to_sign
from phala_spec.chain.state import BlockContext, ChainState, CollectiveOrigin, Root, Signed
from phala_spec.chain.worker_messages import (
    decode_gatekeeper_change,
    decode_gatekeeper_launch,
    encode_payload,
)
from phala_spec.conformance.relaying import apply_relay
from phala_spec.pallets.registry import gatekeepers, workers
from phala_spec.primitives.crypto import Keypair, dev_keypair, sign
from phala_spec.runtime.block import CallResult, apply_call, finalize_block, initialize_block
from phala_spec.runtime.genesis import dev_account, genesis
from phala_spec.runtime.views import observe

GK1, GK2, GK3 = (dev_keypair(f"test-gk/{i}") for i in range(3))
MASTER = dev_keypair("test-gk/master")
NEW_MASTER = dev_keypair("test-gk/master-2")
ECDH = {kp.public: bytes([i + 1]) * 32 for i, kp in enumerate((GK1, GK2, GK3))}
ALICE = Signed(dev_account("alice"))
COUNCIL_MAJORITY = CollectiveOrigin("Council", 3, 5)
T0 = 1_700_000_000_000
WORKER_ORIGIN = "Worker"


def block(state: ChainState, number: int) -> ChainState:
    if state.system.in_block:
        state, _ = finalize_block(state)
    state, _ = initialize_block(state, BlockContext(number, T0 + 12_000 * number))
    return state


def ok(result: CallResult) -> ChainState:
    assert result.outcome == "ok", result.outcome
    return result.state


def with_workers(*keys: Keypair) -> ChainState:
    state = block(genesis("minimal"), 1)
    for kp in keys:
        state = ok(
            apply_call(
                state,
                Root(),
                "PhalaRegistry.force_register_worker",
                {"pubkey": kp.public, "ecdh_pubkey": ECDH[kp.public], "operator": None},
            )
        )
    return block(state, 2)


def relay(
    state: ChainState, sender: MessageOrigin, topic: bytes, payload: bytes, key: Keypair
) -> CallResult:
    return apply_relay(state, ALICE, sender, topic, payload, key)


def upload(state: ChainState, gk: Keypair, master: bytes) -> CallResult:
    return relay(
        state,
        MessageOrigin(WORKER_ORIGIN, gk.public),
        b"^phala/registry/event",
        encode_payload(registry_payloads.MasterPubkey(master)),
        gk,
    )


def rotated(
    state: ChainState, rotation_id: int, new_key: bytes, signer: Keypair = MASTER
) -> CallResult:
    return relay(
        state,
        MessageOrigin("Gatekeeper", b""),
        b"^phala/registry/gk_event",
        encode_payload(registry_payloads.RotatedMasterPubkey(rotation_id, new_key)),
        signer,
    )


def names(result: CallResult) -> list[str]:
    return [e.name for e in result.events]


def launched(state: ChainState) -> ChainState:
    """GK1 registered and launched with MASTER at block 2."""
    state = ok(
        apply_call(state, Root(), "PhalaRegistry.register_gatekeeper", {"gatekeeper": GK1.public})
    )
    return ok(upload(state, GK1, MASTER.public))


# --- [REG-17] register_gatekeeper --------------------------------------------------------------


def test_first_gatekeeper_is_announced_on_the_launch_topic() -> None:
    state = with_workers(GK1, GK2)
    r = apply_call(
        state, COUNCIL_MAJORITY, "PhalaRegistry.register_gatekeeper", {"gatekeeper": GK1.public}
    )
    assert r.outcome == "ok"
    assert r.state.registry.gatekeepers == (GK1.public,)
    assert names(r) == ["PhalaRegistry.GatekeeperAdded"]
    (message,) = r.state.mq.outbound
    assert (message.sender, message.destination) == (
        MessageOrigin("Pallet", b"PhalaRegistry"),
        b"phala/gatekeeper/launch",
    )
    assert decode_gatekeeper_launch(message.payload) == registry_payloads.FirstGatekeeper(
        GK1.public, ECDH[GK1.public]
    )


def test_second_gatekeeper_waits_for_the_master_key_then_is_a_change() -> None:
    state = ok(
        apply_call(
            with_workers(GK1, GK2),
            Root(),
            "PhalaRegistry.register_gatekeeper",
            {"gatekeeper": GK1.public},
        )
    )
    r = apply_call(state, Root(), "PhalaRegistry.register_gatekeeper", {"gatekeeper": GK2.public})
    assert r.outcome == "PhalaRegistry.MasterKeyUninitialized"
    state = block(ok(upload(state, GK1, MASTER.public)), 3)
    r = apply_call(state, Root(), "PhalaRegistry.register_gatekeeper", {"gatekeeper": GK2.public})
    assert r.outcome == "ok" and r.state.registry.gatekeepers == (GK1.public, GK2.public)
    (message,) = r.state.mq.outbound
    assert message.destination == b"phala/gatekeeper/change"
    assert decode_gatekeeper_change(message.payload) == registry_payloads.GatekeeperRegistered(
        GK2.public, ECDH[GK2.public]
    )


def test_register_gatekeeper_again_only_deposits_the_event() -> None:
    state = block(launched(with_workers(GK1)), 3)
    r = apply_call(state, Root(), "PhalaRegistry.register_gatekeeper", {"gatekeeper": GK1.public})
    assert (r.outcome, names(r), r.state.registry, r.state.mq.outbound) == (
        "ok",
        ["PhalaRegistry.GatekeeperAdded"],
        state.registry,
        (),
    )


@pytest.mark.parametrize(
    ("origin", "target", "code"),
    [
        (ALICE, "gk1", "BadOrigin"),
        (CollectiveOrigin("Council", 1, 2), "gk1", "BadOrigin"),
        (Root(), "stranger", "PhalaRegistry.WorkerNotFound"),
    ],
)
def test_register_gatekeeper_errors(origin: Any, target: str, code: str) -> None:
    state = with_workers(GK1)
    pubkey = GK1.public if target == "gk1" else GK3.public
    r = apply_call(state, origin, "PhalaRegistry.register_gatekeeper", {"gatekeeper": pubkey})
    assert (r.outcome, r.state) == (code, state)


# --- [REG-14] the master key upload --------------------------------------------------------------


def test_master_key_upload_launches_once() -> None:
    state = ok(
        apply_call(
            with_workers(GK1, GK2),
            Root(),
            "PhalaRegistry.register_gatekeeper",
            {"gatekeeper": GK1.public},
        )
    )
    r = upload(state, GK1, MASTER.public)
    assert names(r) == ["PhalaRegistry.GatekeeperLaunched"]
    reg = r.state.registry
    assert reg.gatekeeper_master_pubkey == MASTER.public
    ctx = r.state.system.block
    assert (reg.gatekeeper_launched_at.block, reg.gatekeeper_launched_at.timestamp) == (
        ctx.number,
        ctx.timestamp // 1000,
    )
    launch = [
        decode_gatekeeper_launch(m.payload)
        for m in r.state.mq.outbound
        if m.destination == b"phala/gatekeeper/launch"
    ]
    assert launch[-1] == registry_payloads.MasterPubkeyOnChain(MASTER.public)
    # the same key again changes nothing; another key is a swallowed MasterKeyMismatch
    state = block(r.state, 3)
    for key in (MASTER.public, NEW_MASTER.public):
        again = upload(state, GK1, key)
        assert (again.outcome, again.events, again.state.registry) == ("ok", (), state.registry)
    with pytest.raises(Exception) as info:
        gatekeepers.upload_master_pubkey(state, state.system.block, GK1.public, NEW_MASTER.public)
    assert getattr(info.value, "code", None) == "PhalaRegistry.MasterKeyMismatch"


def test_a_non_gatekeeper_cannot_upload_the_master_key() -> None:
    state = ok(
        apply_call(
            with_workers(GK1, GK2),
            Root(),
            "PhalaRegistry.register_gatekeeper",
            {"gatekeeper": GK1.public},
        )
    )
    r = upload(state, GK2, MASTER.public)
    assert (r.outcome, r.events) == ("ok", ())
    assert r.state.registry.gatekeeper_master_pubkey is None


# --- [REG-18] unregister_gatekeeper ---------------------------------------------------------------


def test_unregister_keeps_the_last_gatekeeper_and_deposits_no_event() -> None:
    state = block(launched(with_workers(GK1, GK2)), 3)
    r = apply_call(state, Root(), "PhalaRegistry.unregister_gatekeeper", {"gatekeeper": GK1.public})
    assert r.outcome == "PhalaRegistry.CannotRemoveLastGatekeeper"
    r = apply_call(state, Root(), "PhalaRegistry.unregister_gatekeeper", {"gatekeeper": GK2.public})
    assert r.outcome == "PhalaRegistry.InvalidGatekeeper"
    state = ok(
        apply_call(state, Root(), "PhalaRegistry.register_gatekeeper", {"gatekeeper": GK2.public})
    )
    state = block(state, 4)
    r = apply_call(state, Root(), "PhalaRegistry.unregister_gatekeeper", {"gatekeeper": GK1.public})
    assert (r.outcome, r.events) == ("ok", ())
    assert r.state.registry.gatekeepers == (GK2.public,)
    (message,) = r.state.mq.outbound
    assert decode_gatekeeper_change(message.payload) == registry_payloads.GatekeeperUnregistered(
        GK1.public
    )


# --- [REG-19] [REG-20] rotation ----------------------------------------------------------------


def rotating(state: ChainState) -> CallResult:
    return apply_call(state, Root(), "PhalaRegistry.rotate_master_key", {})


def test_rotation_locks_the_gatekeeper_set_and_names_every_gatekeeper() -> None:
    state = block(launched(with_workers(GK1, GK2, GK3)), 3)
    state = ok(
        apply_call(state, Root(), "PhalaRegistry.register_gatekeeper", {"gatekeeper": GK2.public})
    )
    state = block(state, 4)
    r = rotating(state)
    assert r.outcome == "ok" and r.events == ()
    reg = r.state.registry
    assert (reg.rotation_counter, reg.master_key_rotation_lock) == (1, 1)
    (message,) = r.state.mq.outbound
    assert decode_gatekeeper_launch(message.payload) == registry_payloads.RotateMasterKey(
        1,
        (
            registry_payloads.WorkerIdentity(GK1.public, ECDH[GK1.public]),
            registry_payloads.WorkerIdentity(GK2.public, ECDH[GK2.public]),
        ),
    )
    locked = r.state
    for call, args in (
        ("rotate_master_key", {}),
        ("register_gatekeeper", {"gatekeeper": GK3.public}),
        ("unregister_gatekeeper", {"gatekeeper": GK2.public}),
    ):
        failed = apply_call(locked, Root(), f"PhalaRegistry.{call}", args)
        assert (failed.outcome, failed.state) == ("PhalaRegistry.MasterKeyInRotation", locked)


def test_rotated_master_key_must_match_the_lock() -> None:
    state = block(launched(with_workers(GK1)), 3)
    state = block(ok(rotating(state)), 4)
    wrong = rotated(state, 2, NEW_MASTER.public)
    assert wrong.outcome == "ok"
    assert [(e.name, dict(e.fields)) for e in wrong.events] == [
        ("PhalaRegistry.MasterKeyRotationFailed", {"rotation_lock": 1, "gatekeeper_rotation_id": 2})
    ]
    assert wrong.state.registry == state.registry
    right = rotated(wrong.state, 1, NEW_MASTER.public)
    assert [(e.name, dict(e.fields)) for e in right.events] == [
        ("PhalaRegistry.MasterKeyRotated", {"rotation_id": 1, "master_pubkey": NEW_MASTER.public})
    ]
    reg = right.state.registry
    assert (reg.gatekeeper_master_pubkey, reg.master_key_rotation_lock, reg.rotation_counter) == (
        NEW_MASTER.public,
        None,
        1,
    )
    (message,) = right.state.mq.outbound  # ^-topics are on-chain only [MQ-2]
    assert decode_gatekeeper_launch(message.payload) == registry_payloads.MasterPubkeyRotated(
        NEW_MASTER.public
    )
    # the next gatekeeper message is checked against the new key [MQ-9]
    stale = rotated(block(right.state, 5), 1, MASTER.public, signer=MASTER)
    assert stale.outcome == "PhalaRegistry.InvalidSignature"
    late = rotated(block(right.state, 5), 1, MASTER.public, signer=NEW_MASTER)
    assert late.outcome == "ok"
    assert [e.name for e in late.events] == ["PhalaRegistry.MasterKeyRotationFailed"]
    assert dict(late.events[0].fields) == {"rotation_lock": None, "gatekeeper_rotation_id": 1}


def test_rotated_key_from_a_worker_is_an_invalid_sender() -> None:
    state = block(launched(with_workers(GK1)), 3)
    state = block(ok(rotating(state)), 4)
    r = relay(
        state,
        MessageOrigin(WORKER_ORIGIN, GK1.public),
        b"^phala/registry/gk_event",
        encode_payload(registry_payloads.RotatedMasterPubkey(1, NEW_MASTER.public)),
        GK1,
    )
    assert (r.outcome, r.events, r.state.registry) == ("ok", (), state.registry)


def test_rotation_with_a_gatekeeper_missing_from_the_workers_fails() -> None:
    import attrs

    state = block(launched(with_workers(GK1)), 3)
    gone = attrs.evolve(
        state,
        registry=attrs.evolve(state.registry, workers=state.registry.workers.delete(GK1.public)),
    )
    assert rotating(gone).outcome == "PhalaRegistry.WorkerNotFound"


# --- [REG-21] ----------------------------------------------------------------------------------


def test_registered_after_launch_is_strict() -> None:
    state = with_workers(GK1, GK2)
    assert observe(state, "registered_after_gk_launched", [GK1.public]) is False
    state = launched(state)  # at block 2; GK1 and GK2 were added at block 1
    assert observe(state, "registered_after_gk_launched", [GK2.public]) is False
    same_block = ok(
        apply_call(
            state,
            Root(),
            "PhalaRegistry.force_register_worker",
            {"pubkey": GK3.public, "ecdh_pubkey": ECDH[GK3.public], "operator": None},
        )
    )
    assert observe(same_block, "registered_after_gk_launched", [GK3.public]) is False
    later = ok(
        apply_call(
            block(state, 3),
            Root(),
            "PhalaRegistry.force_register_worker",
            {"pubkey": GK3.public, "ecdh_pubkey": ECDH[GK3.public], "operator": None},
        )
    )
    assert observe(later, "registered_after_gk_launched", [GK3.public]) is True
    assert observe(later, "gatekeepers") == {
        "gatekeepers": [GK1.public],
        "master_pubkey": MASTER.public,
        "launched_at": {"block": 2, "timestamp": (T0 + 24_000) // 1000},
        "rotation_counter": 0,
        "rotation_lock": None,
    }


# --- [REG-22] endpoints --------------------------------------------------------------------------


def endpoint_payload(signing_time: int, pubkey: bytes = GK1.public) -> dict[str, Any]:
    return {
        "pubkey": pubkey,
        "endpoints": ["https://gk1.example:8000"],
        "signing_time": signing_time,
    }


def endpoint_signature(payload: dict[str, Any], key: Keypair = GK1) -> bytes:
    text = payload["endpoints"][0].encode()
    encoded = (
        payload["pubkey"]
        + b"\x00"
        + b"\x04"
        + bytes([len(text) << 2])
        + text
        + payload["signing_time"].to_bytes(8, "little")
    )
    return sign(key, wrap_content_to_sign(encoded, "EndpointInfo"))


def test_endpoint_update_rules() -> None:
    state = with_workers(GK1)
    now = state.system.block.timestamp
    good = endpoint_payload(now - 1)
    r = apply_call(
        state,
        ALICE,
        "PhalaRegistry.update_worker_endpoint",
        {"endpoint_payload": good, "signature": endpoint_signature(good)},
    )
    assert (r.outcome, r.events) == ("ok", ())
    assert observe(r.state, "worker", [GK1.public])["endpoints"] == ["https://gk1.example:8000"]
    window = 4 * 3600 * 1000
    cases = [
        (endpoint_payload(now - 1), b"\x00" * 63, "PhalaRegistry.InvalidSignatureLength"),
        (
            endpoint_payload(now - 1),
            endpoint_signature(endpoint_payload(now - 2)),
            "PhalaRegistry.InvalidSignature",
        ),
        (endpoint_payload(now), None, "PhalaRegistry.InvalidEndpointSigningTime"),
        (endpoint_payload(now - window - 1), None, "PhalaRegistry.InvalidEndpointSigningTime"),
        (endpoint_payload(now - window), None, "ok"),
        (endpoint_payload(now - 1, GK2.public), "gk2", "PhalaRegistry.InvalidPubKey"),
        (endpoint_payload(now), False, "PhalaRegistry.InvalidSignature"),
        (endpoint_payload(now - 5), True, "ok"),
    ]
    for payload, signature, code in cases:
        if signature is None:
            signature = endpoint_signature(payload)
        elif signature == "gk2":
            signature = endpoint_signature(payload, GK2)
        result = apply_call(
            state,
            ALICE,
            "PhalaRegistry.update_worker_endpoint",
            {"endpoint_payload": payload, "signature": signature},
        )
        assert result.outcome == code, (payload, code)
        if code != "ok":
            assert result.state == state


# --- [REG-23] legacy register_worker ------------------------------------------------------------


def test_legacy_registration_binds_the_seven_field_info() -> None:
    info = {
        "version": 1,
        "machine_id": b"m",
        "pubkey": GK1.public,
        "ecdh_pubkey": ECDH[GK1.public],
        "genesis_block_hash": b"\x11" * 32,
        "features": [],
        "operator": None,
    }
    v2 = workers.WorkerRegistrationInfoV2(
        **{**info, "features": (), "para_id": 2035, "max_consensus_version": 0}
    )
    v1 = workers.WorkerRegistrationInfo(**{**info, "features": ()})
    assert v2.encode() == v1.encode() + (2035).to_bytes(4, "little") + bytes(4)
    state = block(genesis("minimal"), 1)
    garbage = {"kind": "SgxIas", "ra_report": b"{}", "signature": b"", "raw_signing_cert": b""}
    r = apply_call(
        state,
        ALICE,
        "PhalaRegistry.register_worker",
        {"pruntime_info": info, "attestation": garbage},
    )
    assert r.outcome == "PhalaRegistry.InvalidIASSigningCert" and r.state == state


# --- [OFF-29] [OFF-30] the first gatekeeper off chain ----------------------------------------------


def test_first_gatekeeper_uploads_a_derived_master_key_and_goes_live() -> None:
    from phala_spec.chain.messages import GATEKEEPER
    from phala_spec.chain.worker_messages import decode_registry_event
    from phala_spec.offchain.pruntime import RuntimeConfig, SyncedBlock, new_runtime, process_block
    from phala_spec.primitives.crypto import derive_keypair

    seed = b"\x07" * 32
    gk = new_runtime(seed, RuntimeConfig(gatekeeper=True))
    launch = Message(
        MessageOrigin("Pallet", b"PhalaRegistry"),
        b"phala/gatekeeper/launch",
        encode_payload(registry_payloads.FirstGatekeeper(gk.pubkey, gk.identity.ecdh_public)),
    )
    gk2, egress = process_block(gk, SyncedBlock(1, T0, (launch,), {}))
    expected = derive_keypair(gk.identity, (b"phala-spec/master-key", b"rotation-0"))
    # kept as its 64-byte secret, as production seals it [KEY-1]
    assert gk2.master_key is not None and gk2.master_key.secret == expected.secret
    (upload_msg,) = egress
    assert upload_msg.message.sender == MessageOrigin("Worker", gk.pubkey)
    assert decode_registry_event(upload_msg.message.payload) == registry_payloads.MasterPubkey(
        expected.public
    )
    assert gk2.queue.channels[GATEKEEPER].dummy is False
    # naming another gatekeeper, or a non-gatekeeper runtime, does nothing
    worker = new_runtime(seed)
    assert process_block(worker, SyncedBlock(1, T0, (launch,), {}))[1] == ()
    other = Message(
        launch.sender,
        launch.destination,
        encode_payload(registry_payloads.FirstGatekeeper(GK1.public, ECDH[GK1.public])),
    )
    assert process_block(gk, SyncedBlock(1, T0, (other,), {}))[0].master_key is None
    on_chain = Message(
        launch.sender,
        launch.destination,
        encode_payload(registry_payloads.MasterPubkeyOnChain(expected.public)),
    )
    gk3, _ = process_block(gk2, SyncedBlock(2, T0 + 12_000, (on_chain,), {}))
    assert gk3.master_pubkey_on_chain
