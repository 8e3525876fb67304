"""Authored vectors for gatekeepers, the master key, endpoints and legacy registration
[REG-14] [REG-16]..[REG-24].

Suite ``registry``. Messages from workers and from the ``Gatekeeper`` origin
reach the chain through ``PhalaMq.sync_offchain_message``, so those stories come
in both crypto settings [MQ-22], as ``<name>_real`` and ``<name>_oracle``; in
``real`` the gatekeepers sign rotations with the master key the chain holds.
Every expectation is checked at generation time against what spec/registry.md
gives.
"""

from __future__ import annotations

from typing import Any

from phala_spec.chain.messages import Message, MessageOrigin, signed_bytes, wrap_content_to_sign
from phala_spec.chain.registry_payloads import (
    FirstGatekeeper,
    GatekeeperRegistered,
    GatekeeperUnregistered,
    MasterPubkey,
    MasterPubkeyOnChain,
    MasterPubkeyRotated,
    RotatedMasterPubkey,
    RotateMasterKey,
    WorkerIdentity,
)
from phala_spec.chain.worker_messages import (
    GATEKEEPER_CHANGE_TOPIC,
    GATEKEEPER_LAUNCH_TOPIC,
    encode_payload,
)
from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.relaying import relay
from phala_spec.conformance.suites.registry import (
    ECDH,
    ECDH2,
    GENESIS,
    council,
    expect_outbound,
    ias_evidence,
    ias_facts,
    setup,
    signed_case,
)
from phala_spec.pallets.registry.allowlists import PALLET
from phala_spec.pallets.registry.endpoints import WorkerEndpointPayload
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import Keypair, dev_keypair, sign

SUITE = "registry"
GK1 = dev_keypair("registry/gatekeeper1")
GK2 = dev_keypair("registry/gatekeeper2")
GK3 = dev_keypair("registry/gatekeeper3")
ECDH3 = blake2b_256(b"phala-spec/vectors/registry/ecdh3")
MASTER = dev_keypair("registry/master-key-0")
MASTER1 = dev_keypair("registry/master-key-1")
MASTER2 = dev_keypair("registry/master-key-2")
GATEKEEPER = MessageOrigin("Gatekeeper", b"")
REGISTRY_EVENT = b"^phala/registry/event"
GK_EVENT = b"^phala/registry/gk_event"

FORCE_REGISTER = "PhalaRegistry.force_register_worker"
REGISTER_GK = "PhalaRegistry.register_gatekeeper"
UNREGISTER_GK = "PhalaRegistry.unregister_gatekeeper"
ROTATE = "PhalaRegistry.rotate_master_key"
ENDPOINT = "PhalaRegistry.update_worker_endpoint"
LEGACY_REGISTER = "PhalaRegistry.register_worker"
SYNC = "PhalaMq.sync_offchain_message"


def upload(b: CaseBuilder, setting: str, gk: Keypair, master: Keypair) -> None:
    relay(
        b,
        setting,
        MessageOrigin("Worker", gk.public),
        REGISTRY_EVENT,
        encode_payload(MasterPubkey(master.public)),
        gk,
    )


def rotated(b: CaseBuilder, setting: str, rotation_id: int, new: Keypair, signer: Keypair) -> None:
    relay(
        b,
        setting,
        GATEKEEPER,
        GK_EVENT,
        encode_payload(RotatedMasterPubkey(rotation_id, new.public)),
        signer,
    )


def launch_message(payload: Any) -> Message:
    return Message(PALLET, GATEKEEPER_LAUNCH_TOPIC, encode_payload(payload))


def change_message(payload: Any) -> Message:
    return Message(PALLET, GATEKEEPER_CHANGE_TOPIC, encode_payload(payload))


def event_names(b: CaseBuilder) -> list[str]:
    return [e.name for e in b.last_events]


def workers(b: CaseBuilder, *keys: tuple[Keypair, bytes], timestamp: int | None = None) -> None:
    setup(b, timestamp=timestamp)
    for key, ecdh in keys:
        do(b, FORCE_REGISTER, {"pubkey": key.public, "ecdh_pubkey": ecdh, "operator": None}, root())
    b.next_block()


# --- Launch [REG-14] [REG-17] ----------------------------------------------------------------


@signed_case("register_gatekeeper", ("REG-14", "REG-17", "REG-24", "OFF-25", "OFF-26"))
def gatekeeper_launch(b: CaseBuilder, setting: str) -> None:
    """Three registered workers. A council majority makes GK1 the first gatekeeper:
    `FirstGatekeeper{GK1, ecdh}` goes to `phala/gatekeeper/launch`. GK2 cannot join before the
    master key is on chain (`MasterKeyUninitialized`). GK1 uploads the master key through the
    queue: the key is stored, `MasterPubkeyOnChain` pushed, `GatekeeperLaunched` deposited, the
    launch block and second recorded. Next block GK2 joins with `GatekeeperChange::Registered`;
    registering GK2 again only deposits `GatekeeperAdded`. The chain's clock starts at
    1,700,000,000,000 ms so that the launch second is the timestamp divided by exactly 1000."""
    workers(b, (GK1, ECDH), (GK2, ECDH2), (GK3, ECDH3), timestamp=1_700_000_000_000)
    do(b, REGISTER_GK, {"gatekeeper": GK1.public}, council(3, 5))
    check(event_names(b) == ["PhalaRegistry.GatekeeperAdded"], "GatekeeperAdded")
    expect_outbound(b, [launch_message(FirstGatekeeper(GK1.public, ECDH))])
    do(
        b,
        REGISTER_GK,
        {"gatekeeper": GK2.public},
        root(),
        outcome="PhalaRegistry.MasterKeyUninitialized",
    )
    upload(b, setting, GK1, MASTER)
    b.observe("gatekeepers")
    ctx = b.chain.system.block
    launched = b.chain.registry.gatekeeper_launched_at
    check(b.chain.registry.gatekeeper_master_pubkey == MASTER.public, "the master key stored")
    check(
        launched is not None
        and (launched.block, launched.timestamp) == (ctx.number, ctx.timestamp // 1000),
        "the launch block and second",
    )
    check(event_names(b) == ["PhalaRegistry.GatekeeperLaunched"], "GatekeeperLaunched")
    expect_outbound(
        b,
        [
            launch_message(FirstGatekeeper(GK1.public, ECDH)),
            launch_message(MasterPubkeyOnChain(MASTER.public)),
        ],
    )
    b.next_block()
    do(b, REGISTER_GK, {"gatekeeper": GK2.public}, root())
    expect_outbound(b, [change_message(GatekeeperRegistered(GK2.public, ECDH2))])
    do(b, REGISTER_GK, {"gatekeeper": GK2.public}, root())
    check(event_names(b) == ["PhalaRegistry.GatekeeperAdded"], "GatekeeperAdded again")
    check(b.chain.registry.gatekeepers == (GK1.public, GK2.public), "two gatekeepers, in order")
    expect_outbound(b, [change_message(GatekeeperRegistered(GK2.public, ECDH2))])
    b.observe("gatekeepers")
    b.finalize_block()


@signed_case("on_message_received", ("MQ-13", "REG-14"))
def master_key_upload_rules(b: CaseBuilder, setting: str) -> None:
    """Master key uploads whose failures the queue swallows: a worker that is not a gatekeeper
    (`InvalidGatekeeper`) changes nothing; after GK1's upload, a second, different key
    (`MasterKeyMismatch`) changes nothing, and the same key again is a no-op: no second
    `GatekeeperLaunched`, the launch block stays."""
    workers(b, (GK1, ECDH), (GK2, ECDH2))
    do(b, REGISTER_GK, {"gatekeeper": GK1.public}, root())
    b.next_block()
    upload(b, setting, GK2, MASTER1)
    check(
        b.chain.registry.gatekeeper_master_pubkey is None and event_names(b) == [],
        "a stranger's key ignored",
    )
    upload(b, setting, GK1, MASTER)
    launched = b.chain.registry
    b.next_block()
    upload(b, setting, GK1, MASTER1)
    upload(b, setting, GK1, MASTER)
    check(
        b.chain.registry == launched and event_names(b) == [], "mismatch and repeat change nothing"
    )
    b.observe("gatekeepers")
    b.finalize_block()


# --- Unregistering [REG-18] -------------------------------------------------------------------


@signed_case("unregister_gatekeeper", ("REG-18", "REG-4", "OFF-26"))
def unregister_gatekeeper(b: CaseBuilder, setting: str) -> None:
    """Checks in order: the origin (`BadOrigin` for half the council), membership
    (`InvalidGatekeeper` for a worker that is not one), the last gatekeeper
    (`CannotRemoveLastGatekeeper`). With two gatekeepers GK1 leaves: no event at all
    (`GatekeeperRemoved` is never deposited), `GatekeeperChange::Unregistered` pushed, the worker
    record kept."""
    workers(b, (GK1, ECDH), (GK2, ECDH2))
    do(b, REGISTER_GK, {"gatekeeper": GK1.public}, root())
    upload(b, setting, GK1, MASTER)
    b.next_block()
    do(b, UNREGISTER_GK, {"gatekeeper": GK1.public}, council(2, 4), outcome="BadOrigin")
    do(
        b,
        UNREGISTER_GK,
        {"gatekeeper": GK2.public},
        root(),
        outcome="PhalaRegistry.InvalidGatekeeper",
    )
    do(
        b,
        UNREGISTER_GK,
        {"gatekeeper": GK1.public},
        root(),
        outcome="PhalaRegistry.CannotRemoveLastGatekeeper",
    )
    do(b, REGISTER_GK, {"gatekeeper": GK2.public}, root())
    b.next_block()
    do(b, UNREGISTER_GK, {"gatekeeper": GK1.public}, root())
    check(event_names(b) == [], "no event")
    expect_outbound(b, [change_message(GatekeeperUnregistered(GK1.public))])
    check(
        b.chain.registry.gatekeepers == (GK2.public,) and GK1.public in b.chain.registry.workers,
        "GK2 left alone; GK1 still a worker",
    )
    b.observe("worker", GK1.public)
    b.finalize_block()


@case(suite=SUITE, handler="register_gatekeeper", clauses=("REG-17", "REG-19"))
def register_gatekeeper_check_order(b: CaseBuilder) -> None:
    """The origin comes first (`BadOrigin` from a signed account even while rotating), then the
    rotation lock (`MasterKeyInRotation` although the master key is missing too), then the
    missing master key (`MasterKeyUninitialized`, although the target is not a worker), then the
    worker (`WorkerNotFound` for the first gatekeeper of a chain)."""
    workers(b, (GK1, ECDH))
    do(b, REGISTER_GK, {"gatekeeper": GK3.public}, root(), outcome="PhalaRegistry.WorkerNotFound")
    do(b, REGISTER_GK, {"gatekeeper": GK1.public}, root())
    do(
        b,
        REGISTER_GK,
        {"gatekeeper": GK3.public},
        root(),
        outcome="PhalaRegistry.MasterKeyUninitialized",
    )
    do(b, ROTATE, {}, root())
    check(b.chain.registry.master_key_rotation_lock == 1, "rotation 1 locked")
    do(b, REGISTER_GK, {"gatekeeper": GK3.public}, signed("alice"), outcome="BadOrigin")
    do(
        b,
        REGISTER_GK,
        {"gatekeeper": GK3.public},
        root(),
        outcome="PhalaRegistry.MasterKeyInRotation",
    )
    do(
        b,
        UNREGISTER_GK,
        {"gatekeeper": GK3.public},
        root(),
        outcome="PhalaRegistry.MasterKeyInRotation",
    )
    do(b, ROTATE, {}, root(), outcome="PhalaRegistry.MasterKeyInRotation")
    b.finalize_block()


# --- Rotation across blocks [REG-19] [REG-20] -----------------------------------------------------


@signed_case("on_gk_message_received", ("REG-19", "REG-20", "MQ-9", "MQ-13", "OFF-25", "OFF-27"))
def master_key_rotations(b: CaseBuilder, setting: str) -> None:
    """Two gatekeepers launched with master key 0. Block 3: rotation 1 starts (counter 1, lock 1,
    `RotateMasterKey` naming both gatekeepers with their ECDH keys, no event). Block 4: a
    rotated key claiming rotation 2 deposits `MasterKeyRotationFailed{1, 2}` and changes nothing.
    Block 5: the gatekeepers report rotation 1's key signed with key 0: stored, lock cleared,
    `MasterKeyRotated`, `MasterPubkeyRotated` pushed. Block 6: rotation 2, reported signed with
    key 1; a stale repeat of rotation 2 finds no lock: `MasterKeyRotationFailed{null, 2}`."""
    workers(b, (GK1, ECDH), (GK2, ECDH2))
    do(b, REGISTER_GK, {"gatekeeper": GK1.public}, root())
    upload(b, setting, GK1, MASTER)
    do(b, REGISTER_GK, {"gatekeeper": GK2.public}, root())
    b.next_block()
    do(b, ROTATE, {}, council(2, 3))
    check(event_names(b) == [], "no event")
    expect_outbound(
        b,
        [
            launch_message(
                RotateMasterKey(
                    1, (WorkerIdentity(GK1.public, ECDH), WorkerIdentity(GK2.public, ECDH2))
                )
            )
        ],
    )
    b.observe("gatekeepers")
    b.next_block()
    rotated(b, setting, 2, MASTER1, MASTER)
    check(
        [(e.name, dict(e.fields)) for e in b.last_events]
        == [
            (
                "PhalaRegistry.MasterKeyRotationFailed",
                {"rotation_lock": 1, "gatekeeper_rotation_id": 2},
            )
        ],
        "MasterKeyRotationFailed{1, 2}",
    )
    check(b.chain.registry.master_key_rotation_lock == 1, "still locked")
    b.next_block()
    rotated(b, setting, 1, MASTER1, MASTER)
    reg = b.chain.registry
    check(
        (reg.gatekeeper_master_pubkey, reg.master_key_rotation_lock, reg.rotation_counter)
        == (MASTER1.public, None, 1),
        "key 1 stored, unlocked",
    )
    check([e.name for e in b.last_events] == ["PhalaRegistry.MasterKeyRotated"], "MasterKeyRotated")
    expect_outbound(b, [launch_message(MasterPubkeyRotated(MASTER1.public))])
    b.next_block()
    do(b, ROTATE, {}, root())
    rotated(b, setting, 2, MASTER2, MASTER1)
    rotated(b, setting, 2, MASTER2, MASTER2)
    check(
        [(e.name, dict(e.fields)) for e in b.last_events]
        == [
            (
                "PhalaRegistry.MasterKeyRotationFailed",
                {"rotation_lock": None, "gatekeeper_rotation_id": 2},
            )
        ],
        "no rotation in progress",
    )
    check(b.chain.registry.gatekeeper_master_pubkey == MASTER2.public, "key 2 stored")
    b.observe("gatekeepers")
    b.finalize_block()


@case(
    suite=SUITE,
    handler="on_gk_message_received",
    clauses=("REG-20", "MQ-9", "MQ-13"),
    crypto="real",
)
def rotated_key_sender_and_signature(b: CaseBuilder) -> None:
    """During rotation 1: a rotated key signed with the new key instead of the current one is
    rejected by the queue (`InvalidSignature`, sequence not consumed); a `RotatedMasterPubkey`
    sent by a worker is accepted by the queue but its handler fails `InvalidSender` (swallowed);
    an undecodable payload from the gatekeeper fails `MessageCodecError` (swallowed)."""
    workers(b, (GK1, ECDH))
    do(b, REGISTER_GK, {"gatekeeper": GK1.public}, root())
    upload(b, "real", GK1, MASTER)
    do(b, ROTATE, {}, root())
    b.next_block()
    message = Message(GATEKEEPER, GK_EVENT, encode_payload(RotatedMasterPubkey(1, MASTER1.public)))
    b.call(
        SYNC,
        {
            "signed_message": {
                "message": to_data(message),
                "sequence": 0,
                "signature": sign(MASTER1, signed_bytes(message, 0)),
            }
        },
        origin=signed("charlie"),
    )
    b.expect_outcome("PhalaRegistry.InvalidSignature")
    before = b.chain.registry
    relay(
        b,
        "real",
        MessageOrigin("Worker", GK1.public),
        GK_EVENT,
        encode_payload(RotatedMasterPubkey(1, MASTER1.public)),
        GK1,
    )
    relay(b, "real", GATEKEEPER, GK_EVENT, b"\x01garbage", MASTER)
    check(b.chain.registry == before and event_names(b) == [], "nothing changed")
    b.finalize_block()


@case(suite=SUITE, handler="rotate_master_key", clauses=("REG-19",))
def rotation_without_gatekeepers(b: CaseBuilder) -> None:
    """Nothing requires a gatekeeper: a rotation on a chain without any locks the set with an
    empty identity list, so that no gatekeeper can be registered until a matching rotated key
    arrives. A signed account cannot start a rotation (`BadOrigin`), nor update an endpoint
    record as root (`BadOrigin`: the call needs a signed origin)."""
    workers(b, (GK1, ECDH))
    do(b, ROTATE, {}, signed("alice"), outcome="BadOrigin")
    payload = endpoint(GK1.public, b.chain.system.block.timestamp - 1)
    do(
        b,
        ENDPOINT,
        {"endpoint_payload": payload, "signature": True},
        root(),
        outcome="BadOrigin",
    )
    do(b, ROTATE, {}, root())
    expect_outbound(b, [launch_message(RotateMasterKey(1, ()))])
    do(
        b,
        REGISTER_GK,
        {"gatekeeper": GK1.public},
        root(),
        outcome="PhalaRegistry.MasterKeyInRotation",
    )
    b.observe("gatekeepers")
    b.finalize_block()


# --- [REG-21] ---------------------------------------------------------------------------------


@signed_case("is_worker_registered_after_gk_launched", ("REG-21", "REG-24"))
def registered_after_launch(b: CaseBuilder, setting: str) -> None:
    """GK1 launches in block 2. A worker added in the launch block is not registered after it
    (strictly later is required); one added in block 3 is; GK1 itself, added in block 1, is
    not, until root re-inserts it in block 3."""
    workers(b, (GK1, ECDH))
    do(b, REGISTER_GK, {"gatekeeper": GK1.public}, root())
    upload(b, setting, GK1, MASTER)
    do(b, FORCE_REGISTER, {"pubkey": GK2.public, "ecdh_pubkey": ECDH2, "operator": None}, root())
    b.observe("registered_after_gk_launched", GK2.public)
    b.observe("registered_after_gk_launched", GK1.public)
    check(b.chain.registry.worker_added_at[GK2.public] == b.chain.system.block.number, "same block")
    b.next_block()
    do(b, FORCE_REGISTER, {"pubkey": GK3.public, "ecdh_pubkey": ECDH3, "operator": None}, root())
    do(b, FORCE_REGISTER, {"pubkey": GK1.public, "ecdh_pubkey": ECDH, "operator": None}, root())
    for key in (GK1, GK2, GK3):
        b.observe("registered_after_gk_launched", key.public)
    b.finalize_block()


# --- Endpoints [REG-22] -------------------------------------------------------------------------


def endpoint(
    pubkey: bytes, signing_time: int, endpoints: tuple[str, ...] = ("https://gk1.example",)
) -> dict[str, Any]:
    return {"pubkey": pubkey, "endpoints": list(endpoints), "signing_time": signing_time}


def endpoint_signature(setting: str, payload: dict[str, Any], key: Keypair) -> bytes | bool:
    if setting == "oracle":
        return True
    encoded = WorkerEndpointPayload(
        payload["pubkey"], tuple(payload["endpoints"]), payload["signing_time"]
    ).encode()
    return sign(key, wrap_content_to_sign(encoded, "EndpointInfo"))


@signed_case("update_worker_endpoint", ("REG-22", "REG-24"))
def worker_endpoints(b: CaseBuilder, setting: str) -> None:
    """A worker's endpoints, relayed by anyone: stored at the edge of the window (signed exactly
    four hours ago), replaced by a later list. Failures, in check order: a 63-byte signature
    (`InvalidSignatureLength`, real only), a signature by another key (`InvalidSignature`), a
    signing time equal to now, or older than four hours (`InvalidEndpointSigningTime`), an
    unregistered worker (`InvalidPubKey`)."""
    workers(b, (GK1, ECDH), timestamp=1_700_000_000_000)
    now = b.chain.system.block.timestamp
    window = 4 * 60 * 60 * 1000
    first = endpoint(GK1.public, now - window)
    do(
        b,
        ENDPOINT,
        {"endpoint_payload": first, "signature": endpoint_signature(setting, first, GK1)},
        signed("dave"),
    )
    check(event_names(b) == [], "no event")
    second = endpoint(GK1.public, now - 1, ("https://gk1.example", "wss://gk1.example"))
    do(
        b,
        ENDPOINT,
        {"endpoint_payload": second, "signature": endpoint_signature(setting, second, GK1)},
        signed("dave"),
    )
    b.observe("worker", GK1.public)
    if setting == "real":
        do(
            b,
            ENDPOINT,
            {"endpoint_payload": second, "signature": b"\x00" * 63},
            signed("dave"),
            outcome="PhalaRegistry.InvalidSignatureLength",
        )
        do(
            b,
            ENDPOINT,
            {"endpoint_payload": second, "signature": endpoint_signature(setting, second, GK2)},
            signed("dave"),
            outcome="PhalaRegistry.InvalidSignature",
        )
    else:
        do(
            b,
            ENDPOINT,
            {"endpoint_payload": second, "signature": False},
            signed("dave"),
            outcome="PhalaRegistry.InvalidSignature",
        )
    for payload, key, outcome in (
        (endpoint(GK1.public, now), GK1, "PhalaRegistry.InvalidEndpointSigningTime"),
        (endpoint(GK1.public, now - window - 1), GK1, "PhalaRegistry.InvalidEndpointSigningTime"),
        (endpoint(GK2.public, now - 1), GK2, "PhalaRegistry.InvalidPubKey"),
        (endpoint(GK2.public, now), GK2, "PhalaRegistry.InvalidEndpointSigningTime"),
    ):
        do(
            b,
            ENDPOINT,
            {"endpoint_payload": payload, "signature": endpoint_signature(setting, payload, key)},
            signed("dave"),
            outcome=outcome,
        )
    b.finalize_block()


# --- Legacy registration [REG-23] ----------------------------------------------------------------


@case(
    suite=SUITE,
    handler="register_worker",
    presets=("minimal", "phala"),
    clauses=("REG-23", "REG-9"),
)
def legacy_register_worker_with_real_evidence(b: CaseBuilder) -> None:
    """The legacy call with production's public IAS sample at its report time: rejected as not
    allowlisted (`PRuntimeRejected`); once governance allows its pRuntime, rejected because the
    report data does not bind this seven-field registration info (`InvalidRuntimeInfoHash`)."""
    when, runtime_hash = ias_facts("pallet")
    setup(b, timestamp=when * 1000)
    info = {
        "version": 1,
        "machine_id": b"machine-1",
        "pubkey": GK1.public,
        "ecdh_pubkey": ECDH,
        "genesis_block_hash": GENESIS,
        "features": [1, 4],
        "operator": None,
    }
    args = {"pruntime_info": info, "attestation": ias_evidence("pallet")}
    do(b, LEGACY_REGISTER, args, signed("alice"), outcome="PhalaRegistry.PRuntimeRejected")
    do(b, "PhalaRegistry.add_pruntime", {"pruntime_hash": runtime_hash}, root())
    do(b, LEGACY_REGISTER, args, signed("alice"), outcome="PhalaRegistry.InvalidRuntimeInfoHash")
    b.finalize_block()


# --- End to end: the first gatekeeper launches through the network [REG-14] [REG-17] [OFF-29] ----


@signed_case("register_gatekeeper", ("REG-14", "REG-17", "OFF-29", "OFF-30", "NET-4", "NET-9"))
def gatekeeper_launch_through_the_network(b: CaseBuilder, setting: str) -> None:
    """Three replicas of one gatekeeper runtime and a plain worker. Block 1: root registers the
    gatekeeper's worker and governance makes it the first gatekeeper. Every replica reads
    `FirstGatekeeper` naming itself, derives the same master key, signs the same `MasterPubkey`
    upload on its worker channel and turns its `Gatekeeper` channel live. Block 2: the three
    relayers race; the first upload is accepted (`GatekeeperLaunched`) and the other two fail
    with `BadSequence`. The replicas then read `MasterPubkeyOnChain` with their own key; the plain
    worker ignores the launch topic."""
    replicas = [
        {"name": f"gk-{x}", "key": "registry/net-gatekeeper", "role": "gatekeeper"}
        for x in ("a", "b", "c")
    ]
    gk = dev_keypair("registry/net-gatekeeper")
    b.genesis(
        registry={"genesis_hash_allowlist": [GENESIS]},
        runtimes=[*replicas, {"name": "worker1", "key": "registry/net-worker1", "role": "worker"}],
        crypto=setting,
    )
    report = b.network_block(
        [
            (
                FORCE_REGISTER,
                {"pubkey": gk.public, "ecdh_pubkey": gk.ecdh_public, "operator": None},
                root(),
            ),
            (REGISTER_GK, {"gatekeeper": gk.public}, council(2, 3)),
        ]
    )
    check([e["outcome"] for e in report["extrinsics"]] == ["ok", "ok"], "both accepted")
    check(
        {name: len(messages) for name, messages in report["egress"].items()}
        == {"gk-a": 1, "gk-b": 1, "gk-c": 1},
        "one upload per replica",
    )
    report = b.network_block()
    check(
        [(e["runtime"], e["outcome"]) for e in report["extrinsics"]]
        == [("gk-a", "ok"), ("gk-b", "PhalaMq.BadSequence"), ("gk-c", "PhalaMq.BadSequence")],
        "the first upload wins",
    )
    master = b.chain.registry.gatekeeper_master_pubkey
    runtimes = b.network.runtimes
    keys = [runtimes[r["name"]].master_key for r in replicas]
    check(
        all(key is not None and key.public == master for key in keys),
        "the replicas' key is on chain",
    )
    check(
        all(runtimes[r["name"]].master_pubkey_on_chain for r in replicas), "the replicas launched"
    )
    check(runtimes["worker1"].master_key is None, "the worker holds no master key")
    b.observe("gatekeepers")
    b.network_block()
