"""Authored vectors for the master key's life off chain [KEY-1]..[KEY-20].

Suite ``gatekeeper``, handler ``keys`` (the gatekeepers' economics sit beside
them under other handlers). Every case is a network story ([NET-2]): gatekeeper
runtimes launched by governance exchange the master key through the chain,
block by block. Each story is registered in both crypto settings, as
``<name>_real`` and ``<name>_oracle`` ([NET-3]): the message-queue signatures
are real sr25519 bytes in the first and ``true`` in the second; what the
payloads carry (the encrypted keys, a batch's identity signature, the beacon)
is production's bytes in both.

While generating, every case checks what the rules imply: who signed what,
which copy the chain accepted, that the keys decrypt to what the sender held,
that the beacon is the formula's, and that the gatekeepers' records agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from phala_spec.chain.key_payloads import (
    HistoryEntry,
    MasterKeyDistribution,
    MasterKeyHistory,
    MasterKeyRotation,
    NewRandomNumber,
)
from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin, signed_bytes
from phala_spec.chain.registry_payloads import RotatedMasterPubkey, RotateMasterKey, WorkerIdentity
from phala_spec.chain.worker_messages import (
    GATEKEEPER_EVENT_TOPIC,
    GATEKEEPER_KEY_TOPIC,
    GATEKEEPER_REGISTRY_EVENT_TOPIC,
    decode_gatekeeper_event,
    decode_gatekeeper_registry_event,
    decode_key_distribution,
    encode_payload,
)
from phala_spec.conformance import relaying
from phala_spec.conformance.authoring import CaseBuilder, case_per_crypto, root, signed
from phala_spec.conformance.checks import check
from phala_spec.network import NetworkState, relay_batch
from phala_spec.offchain import master_key
from phala_spec.offchain.master_key import MasterKeys, RotatedKey
from phala_spec.primitives.crypto import Keypair, derive_keypair, dev_keypair, sign, verify

SUITE = "gatekeeper"
HANDLER = "keys"

GATEKEEPERS = ("gk1", "gk2", "gk3", "gk4")
KEY_NAMES = {name: f"gatekeeper/keys/{name}" for name in (*GATEKEEPERS, "worker", "pending")}
KEYS = {name: dev_keypair(key) for name, key in KEY_NAMES.items()}
STRANGER = dev_keypair("gatekeeper/keys/stranger")  # a worker key no runtime uses
OUTSIDER = dev_keypair("gatekeeper/keys/outsider")  # a gatekeeper on chain with no runtime
MASTER = dev_keypair("gatekeeper/keys/master")  # a genesis master key the case holds
ADVERSARY = "eve"

FORCE_REGISTER = "PhalaRegistry.force_register_worker"
REGISTER_GK = "PhalaRegistry.register_gatekeeper"
UNREGISTER_GK = "PhalaRegistry.unregister_gatekeeper"
ROTATE = "PhalaRegistry.rotate_master_key"
SYNC = "PhalaMq.sync_offchain_message"

Extrinsic = tuple[str, dict[str, Any], dict[str, Any]]


# --- Helpers ---------------------------------------------------------------------------------


def declare(b: CaseBuilder, setting: str, roles: dict[str, str], **registry: Any) -> None:
    """A network of the named runtimes (name → role) on the ``minimal`` chain."""
    b.genesis(
        registry=registry or None,
        runtimes=[
            {"name": name, "key": KEY_NAMES[name], "role": role} for name, role in roles.items()
        ],
        crypto=setting,
    )


def enroll(*keys: Keypair) -> list[Extrinsic]:
    """Root registers workers whose agreement key is their identity, as pRuntime's is [CRYPTO-4]."""
    return [
        (
            FORCE_REGISTER,
            {"pubkey": k.public, "ecdh_pubkey": k.ecdh_public, "operator": None},
            root(),
        )
        for k in keys
    ]


def register(name_or_key: str | Keypair) -> Extrinsic:
    key = KEYS[name_or_key] if isinstance(name_or_key, str) else name_or_key
    return REGISTER_GK, {"gatekeeper": key.public}, root()


def inject(
    b: CaseBuilder,
    setting: str,
    sender: MessageOrigin,
    topic: bytes,
    payload: bytes,
    key: Keypair,
    valid: bool = True,
) -> Extrinsic:
    """An adversary's extrinsic: ``payload`` from ``sender`` at its next sequence, signed by ``key``
    (``valid`` stands in for the signature in the oracle setting)."""
    message = Message(sender, topic, payload)
    sequence = next_after_relays(b, sender)
    signature = relaying.signature(key, message, sequence, setting, valid)
    return (
        SYNC,
        {"signed_message": relaying.signed_message(message, sequence, signature)},
        signed(ADVERSARY),
    )


def next_after_relays(b: CaseBuilder, sender: MessageOrigin) -> int:
    """The sender's next sequence once the block's relayers have submitted ([NET-6]: they come
    first): replicas sign the same sequences, so every pending one is accepted in turn."""
    pending = {
        r.signed.sequence for r in relay_batch(b.network) if r.signed.message.sender == sender
    }
    return b.chain.mq.ingress.get(sender, 0) + len(pending)


def net(b: CaseBuilder) -> NetworkState:
    return b.network


def keys_of(b: CaseBuilder, name: str) -> MasterKeys:
    return net(b).runtimes[name].keys


def gk_egress(report: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The ``Gatekeeper`` messages a runtime signed in the block, as plain data."""
    return [
        m for m in report["egress"].get(name, []) if m["message"]["sender"]["kind"] == "Gatekeeper"
    ]


def outcomes(report: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(e["runtime"], e["outcome"]) for e in report["extrinsics"]]


def watch(*names: str) -> list[tuple[Any, ...]]:
    """Observations: each runtime's key record and channels, the chain's gatekeepers and the
    ``Gatekeeper`` origin's next sequence."""
    return [
        *(obs for name in names for obs in (("runtime_keys", name), ("runtime", name))),
        ("gatekeepers",),
        ("mq_ingress", {"kind": "Gatekeeper", "id": b""}),
    ]


def agree(b: CaseBuilder, names: Sequence[str], what: str) -> None:
    """The named runtimes hold identical key records and ``Gatekeeper`` sequences [KEY-17]."""
    records = {keys_of(b, n) for n in names}
    sequences = {net(b).runtimes[n].queue.channels[GATEKEEPER].sequence for n in names}
    check(len(records) == 1 and len(sequences) == 1, what)


def same_egress(report: dict[str, Any], names: Iterable[str], what: str) -> None:
    """The named runtimes signed byte-identical ``Gatekeeper`` messages in the block."""
    blobs = {repr(gk_egress(report, n)) for n in names}
    check(len(blobs) == 1, what)


def launch(b: CaseBuilder, *others: str) -> None:
    """Blocks 1 and 2: root enrolls the runtimes' keys, governance makes gk1 the first
    gatekeeper [KEY-7], its upload is accepted and the chain confirms the key [KEY-8]."""
    names = [n for n in ("gk1", *others)]
    report = b.network_block([*enroll(*(KEYS[n] for n in names)), register("gk1")])
    check(keys_of(b, "gk1").active, "gk1 generated the launch key [KEY-7]")
    check(len(report["egress"]["gk1"]) == 1, "gk1 signed its MasterPubkey upload [KEY-7]")
    b.network_block(observe=watch("gk1"))
    check(keys_of(b, "gk1").launched, "gk1 is launched [KEY-8]")
    launched = master_key.generate_key(KEYS["gk1"], 0).public
    check(
        b.chain.registry.gatekeeper_master_pubkey == launched, "the derived key is on chain [KEY-4]"
    )


# --- Launch and distribution [KEY-4]..[KEY-11] ------------------------------------------------


@case_per_crypto(
    suite=SUITE,
    handler=HANDLER,
    clauses=(
        "KEY-4",
        "KEY-5",
        "KEY-6",
        "KEY-7",
        "KEY-8",
        "KEY-9",
        "KEY-10",
        "KEY-11",
        "KEY-14",
        "KEY-16",
        "KEY-20",
    ),
)
def launch_and_distribution(b: CaseBuilder, setting: str) -> None:
    """gk1 launches (blocks 1 and 2). Governance registers gk2 in block 3: gk1 sends it the master
    key in the single-key form (`MasterKeyDistribution`), encrypted from the master key's
    `master_key_sharing` child with the first IV of the generator; gk2, a gatekeeper runtime
    without a key, journals the registration. Block 4: the distribution is accepted, gk2
    decrypts the launch key and replays its journal (the distribution it would have sent to
    itself), so it holds gk1's record and sequence. Block 5: both sign the same beacon; block 6:
    the first copy is accepted and both check it. The worker runtime reads the key topic and
    ignores what is not addressed to it."""
    declare(b, setting, {"gk1": "gatekeeper", "gk2": "gatekeeper", "worker": "worker"})
    launch(b, "gk2", "worker")
    report = b.network_block([register("gk2")], observe=watch("gk1", "gk2"))
    (sent,) = gk_egress(report, "gk1")
    payload = decode_key_distribution(sent["message"]["payload"])
    master = master_key.generate_key(KEYS["gk1"], 0)
    check(
        isinstance(payload, MasterKeyDistribution) and payload.dest == KEYS["gk2"].public,
        "the single-key form to gk2 [KEY-9]",
    )
    assert isinstance(payload, MasterKeyDistribution)
    iv, _ = master_key.generate_iv(MasterKeys(), master, b.chain.system.block.number)
    check(payload.iv == iv, "the first IV of the generator, at this block [KEY-5]")
    check(
        payload.ecdh_pubkey == derive_keypair(master, (b"master_key_sharing",)).public,
        "the one-time key is the master key's sharing child [KEY-6]",
    )
    received = master_key.received_history(KEYS["gk2"], payload)
    check(
        received is not None and received[0].key.secret == master.secret,
        "gk2 can decrypt the master key [KEY-6]",
    )
    check(
        not keys_of(b, "gk2").active and keys_of(b, "gk2").registered,
        "gk2 is registered and waits for the key [KEY-9]",
    )
    report = b.network_block(observe=watch("gk1", "gk2"))
    check(outcomes(report)[0] == ("gk1", "ok"), "the distribution is accepted")
    check(
        keys_of(b, "gk2").history == (RotatedKey(0, 0, master),),
        "gk2 holds the launch key [KEY-11]",
    )
    agree(b, ("gk1", "gk2"), "gk2 resynced to gk1's record and sequence [KEY-10]")
    report = b.network_block(observe=watch("gk1", "gk2"))
    same_egress(report, ("gk1", "gk2"), "both sign the same beacon [KEY-14]")
    (beacon,) = gk_egress(report, "gk2")
    event = decode_gatekeeper_event(beacon["message"]["payload"])
    expected = master_key.next_random_number(master, 5, bytes(32))
    check(event == NewRandomNumber(5, expected, bytes(32)), "the beacon is the formula's [KEY-14]")
    report = b.network_block(observe=watch("gk1", "gk2", "worker"))
    check(
        outcomes(report) == [("gk1", "ok"), ("gk2", "PhalaMq.BadSequence")], "the first copy wins"
    )
    check(report["halted"] == [], "every runtime accepts the beacon [KEY-15]")


# --- The rotation [KEY-12] [KEY-13] and a late joiner [KEY-9] [KEY-10] -----------------------------


@case_per_crypto(
    suite=SUITE,
    handler=HANDLER,
    clauses=(
        "KEY-9",
        "KEY-10",
        "KEY-12",
        "KEY-13",
        "KEY-14",
        "KEY-15",
        "KEY-17",
        "REG-19",
        "REG-20",
    ),
)
def rotation_with_three_gatekeepers_and_a_late_joiner(b: CaseBuilder, setting: str) -> None:
    """Three gatekeepers (gk1 launches, gk2 and gk3 receive the key) and a fourth runtime, gk4.
    Block 6: governance rotates the key; each gatekeeper sends a batch of its own candidate
    encrypted to the three, signed by its identity, all with the same sequence. Block 7: gk1's
    batch is relayed first and wins, the other two fail `BadSequence`; every gatekeeper decrypts
    gk1's candidate, appends it and reports `RotatedMasterPubkey` signed with the launch key,
    then signs with the new key. Block 8: the chain installs the new key (`MasterKeyRotated`).
    Block 9: gk4 is registered and the three send it the history form (both keys, each with
    its own IV). Block 10: gk4 decrypts the history and replays its journal (two distributions,
    a beacon, the rotation request and the rotation) to the same record and sequence as the
    others. Block 15: all four sign the same beacon under the new key."""
    declare(b, setting, {**dict.fromkeys(GATEKEEPERS, "gatekeeper"), "worker": "worker"})
    launch(b, "gk2", "gk3", "gk4", "worker")
    b.network_block([register("gk2")])
    b.network_block([register("gk3")])
    b.network_block(observe=watch("gk1", "gk2", "gk3"))
    agree(b, ("gk1", "gk2", "gk3"), "three gatekeepers hold one record")
    report = b.network_block([(ROTATE, {}, root())], observe=watch("gk1", "gk2", "gk3"))
    batches = {}
    for name in ("gk1", "gk2", "gk3"):
        (sent,) = gk_egress(report, name)
        batch = decode_key_distribution(sent["message"]["payload"])
        check(
            isinstance(batch, MasterKeyRotation) and batch.sender == KEYS[name].public,
            f"{name} sends its batch [KEY-12]",
        )
        assert isinstance(batch, MasterKeyRotation)
        check(
            verify(KEYS[name].public, batch.signed_data(), batch.sig),
            "signed by the sender's identity [KEY-12]",
        )
        check(len(batch.secret_keys) == 3, "encrypted to the three listed gatekeepers [KEY-12]")
        batches[name] = (sent["sequence"], batch)
    check(
        len({seq for seq, _ in batches.values()}) == 1,
        "one sequence for the three batches [KEY-12]",
    )
    report = b.network_block(observe=watch("gk1", "gk2", "gk3"))
    check(
        outcomes(report)
        == [("gk1", "ok"), ("gk2", "PhalaMq.BadSequence"), ("gk3", "PhalaMq.BadSequence")],
        "gk1's batch wins [KEY-12]",
    )
    winner = master_key.generate_key(KEYS["gk1"], 1)
    launch_key = master_key.generate_key(KEYS["gk1"], 0)
    for name in ("gk1", "gk2", "gk3"):
        (sent,) = gk_egress(report, name)
        check(
            decode_gatekeeper_registry_event(sent["message"]["payload"])
            == RotatedMasterPubkey(1, winner.public),
            f"{name} reports the winning key [KEY-13]",
        )
        current = keys_of(b, name).current
        check(
            current is not None and current.secret == winner.secret,
            f"{name} signs with the new key [KEY-13]",
        )
    if setting == "real":
        message = Message(
            GATEKEEPER,
            GATEKEEPER_REGISTRY_EVENT_TOPIC,
            encode_payload(RotatedMasterPubkey(1, winner.public)),
        )
        (sent,) = gk_egress(report, "gk1")
        check(
            verify(launch_key.public, signed_bytes(message, sent["sequence"]), sent["signature"]),
            "the report is signed with the launch key [KEY-13]",
        )
    b.network_block(observe=watch("gk1", "gk2", "gk3"))
    check(
        "PhalaRegistry.MasterKeyRotated" in [e.name for e in b.last_events],
        "the chain installs the key [REG-20]",
    )
    check(
        b.chain.registry.gatekeeper_master_pubkey == winner.public,
        "the chain's key is the winner's",
    )
    report = b.network_block([register("gk4")], observe=watch(*GATEKEEPERS))
    (sent,) = gk_egress(report, "gk1")
    history = decode_key_distribution(sent["message"]["payload"])
    check(
        isinstance(history, MasterKeyHistory)
        and [(e.rotation_id, e.block_height) for e in history.history] == [(0, 0), (1, 7)],
        "the history form with both keys [KEY-9]",
    )
    assert isinstance(history, MasterKeyHistory)
    check(len({e.key.iv for e in history.history}) == 2, "each key with its own IV [KEY-5]")
    same_egress(report, ("gk1", "gk2", "gk3"), "the three send the same history")
    b.network_block(observe=watch(*GATEKEEPERS))
    agree(b, GATEKEEPERS, "gk4 resynced to the others' record and sequence [KEY-10] [KEY-17]")
    for _ in range(4):
        b.network_block()
    report = b.network_block(observe=watch(*GATEKEEPERS))
    same_egress(report, GATEKEEPERS, "all four sign the same beacon under the new key [KEY-14]")
    (beacon,) = gk_egress(report, "gk4")
    event = decode_gatekeeper_event(beacon["message"]["payload"])
    check(isinstance(event, NewRandomNumber) and event.block_number == 15, "the beacon of block 15")
    report = b.network_block(observe=watch(*GATEKEEPERS, "worker"))
    check(report["halted"] == [], "every gatekeeper accepts it [KEY-15]")
    newest = {keys_of(b, n).history[-1].key.public for n in GATEKEEPERS}
    check(
        newest == {b.chain.registry.gatekeeper_master_pubkey},
        "the chain's key is every history's newest [KEY-17]",
    )


# --- Silent syncing, the dropped role, rejoining [KEY-9] [KEY-10] [KEY-13] ----------------------


@case_per_crypto(
    suite=SUITE, handler=HANDLER, clauses=("KEY-9", "KEY-10", "KEY-13", "KEY-14", "REG-18")
)
def silent_syncing_and_rejoining(b: CaseBuilder, setting: str) -> None:
    """gk2 receives the key and is unregistered in block 4: its `Gatekeeper` channel turns dummy,
    it keeps its key and counts its messages (block 5: gk1 sends the beacon, gk2 only counts
    it). Block 6: a rotation among the gatekeepers, gk1 alone; block 7: gk1's batch leaves gk2
    out, so gk2 drops the role and journals the rotation. Block 9: governance registers gk2
    again and gk1 sends the history; block 10: gk2 replays its journal from where it left the
    role and holds gk1's record again."""
    declare(b, setting, {"gk1": "gatekeeper", "gk2": "gatekeeper"})
    launch(b, "gk2")
    b.network_block([register("gk2")])
    b.network_block(
        [(UNREGISTER_GK, {"gatekeeper": KEYS["gk2"].public}, root())], observe=watch("gk1", "gk2")
    )
    check(
        keys_of(b, "gk2").active and not keys_of(b, "gk2").registered, "gk2 syncs silently [KEY-9]"
    )
    report = b.network_block(observe=watch("gk1", "gk2"))
    check(
        gk_egress(report, "gk2") == [] and len(gk_egress(report, "gk1")) == 1,
        "gk2 counts its beacon, gk1 sends it",
    )
    silent, live = keys_of(b, "gk2"), keys_of(b, "gk1")
    check(
        (silent.history, silent.iv_seq, silent.last_random_number)
        == (live.history, live.iv_seq, live.last_random_number)
        and net(b).runtimes["gk2"].queue.channels[GATEKEEPER].sequence
        == net(b).runtimes["gk1"].queue.channels[GATEKEEPER].sequence,
        "the silent gatekeeper keeps the keys, the counters and the sequence [KEY-9]",
    )
    b.network_block([(ROTATE, {}, root())])
    b.network_block(observe=watch("gk1", "gk2"))
    check(
        not keys_of(b, "gk2").active and keys_of(b, "gk1").active,
        "left out of the batch, gk2 drops the role [KEY-13]",
    )
    b.network_block(observe=watch("gk1", "gk2"))
    report = b.network_block([register("gk2")], observe=watch("gk1", "gk2"))
    (sent,) = gk_egress(report, "gk1")
    check(
        isinstance(decode_key_distribution(sent["message"]["payload"]), MasterKeyHistory),
        "the history form [KEY-9]",
    )
    b.network_block(observe=watch("gk1", "gk2"))
    agree(b, ("gk1", "gk2"), "gk2 replayed its journal to gk1's record [KEY-10]")


# --- Runtimes that must not hold the key [KEY-11] [KEY-13] --------------------------------------


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("KEY-11", "KEY-16"))
def worker_runtime_given_the_key(b: CaseBuilder, setting: str) -> None:
    """Governance registers a worker runtime's key as a gatekeeper: gk1 sends it the master key,
    and the worker runtime halts on it (production seals the key and asks to be restarted as a
    gatekeeper; a reference runtime's role is fixed at creation)."""
    declare(b, setting, {"gk1": "gatekeeper", "worker": "worker"})
    launch(b, "worker")
    b.network_block([register("worker")])
    report = b.network_block(observe=[*watch("gk1"), ("runtime", "worker")])
    check(report["halted"] == ["worker"], "the worker runtime halts [KEY-11]")


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("KEY-13", "KEY-2", "MQ-9"))
def batch_checks_in_order(b: CaseBuilder, setting: str) -> None:
    """The chain holds a master key from genesis, which the case (an adversary who holds it)
    signs with. OUTSIDER is a gatekeeper with no runtime; the worker runtime's key and a
    gatekeeper runtime without a key (`pending`) are gatekeepers too, so nobody sends them the
    key. Batches listing both, each failing one check and passing the later ones, change
    nothing: sent from a worker origin; from the `Gatekeeper` origin but not signed by the
    named sender; signed by a sender that is not a gatekeeper (a leak). The batch that passes
    all three halts both runtimes: neither holds the master key yet both are listed."""
    declare(
        b,
        setting,
        {"worker": "worker", "pending": "gatekeeper"},
        gatekeeper_master_pubkey=MASTER.public,
    )
    b.network_block(
        [
            *enroll(OUTSIDER, KEYS["worker"], KEYS["pending"]),
            register(OUTSIDER),
            register("worker"),
            register("pending"),
        ],
        observe=watch("pending"),
    )
    listed = tuple(
        WorkerIdentity(k.public, k.ecdh_public) for k in (KEYS["worker"], KEYS["pending"])
    )
    holder = MasterKeys(history=(RotatedKey(0, 0, MASTER),), active=True)

    def batch(sender: Keypair, signer: Keypair) -> bytes:
        unsigned, _ = master_key.rotation_batch(holder, sender, 1, RotateMasterKey(1, listed))
        forged = MasterKeyRotation(
            1, unsigned.secret_keys, sender.public, sign(signer, unsigned.signed_data())
        )
        return encode_payload(forged)

    stranger = MessageOrigin("Worker", STRANGER.public)
    for origin, key, payload, what in (
        (stranger, STRANGER, batch(OUTSIDER, OUTSIDER), "from a worker origin"),
        (GATEKEEPER, MASTER, batch(OUTSIDER, STRANGER), "not signed by its sender"),
        (GATEKEEPER, MASTER, batch(STRANGER, STRANGER), "from a sender that is not a gatekeeper"),
    ):
        report = b.network_block(
            [inject(b, setting, origin, GATEKEEPER_KEY_TOPIC, payload, key)],
            observe=watch("pending"),
        )
        check(
            outcomes(report) == [(None, "ok")] and report["halted"] == [],
            f"a batch {what} is ignored [KEY-13]",
        )
    report = b.network_block(
        [inject(b, setting, GATEKEEPER, GATEKEEPER_KEY_TOPIC, batch(OUTSIDER, OUTSIDER), MASTER)],
        observe=watch("pending"),
    )
    check(report["halted"] == ["pending", "worker"], "listed without the key, both halt [KEY-13]")


# --- The adversaries [KEY-17] ------------------------------------------------------------------


@case_per_crypto(
    suite=SUITE,
    handler=HANDLER,
    clauses=("KEY-12", "KEY-13", "KEY-17", "REG-20", "MQ-9", "MQ-10", "NET-9"),
)
def adversaries(b: CaseBuilder, setting: str) -> None:
    """Two gatekeepers after the launch. A `RotatedMasterPubkey` from a stranger's worker origin
    is accepted by the queue and refused by the registry (`InvalidSender`, swallowed); one from
    the `Gatekeeper` origin under a stranger's key is refused (`InvalidSignature`). Both leave the
    chain's key. A rotation while gk1's relayer withholds: gk2's batch wins and both gatekeepers
    adopt gk2's candidate; gk1 drops its losing batch (the chain has passed its sequence); a
    replay of the winning batch fails `BadSequence`; its payload, resent from a stranger's worker
    origin (a gatekeeper's valid identity signature inside), is ignored: were it applied, its
    stale rotation id would halt the gatekeepers; a stranger's batch (worker origin) listing gk1
    changes no history. The chain's key ends as the newest key of both histories."""
    declare(b, setting, {"gk1": "gatekeeper", "gk2": "gatekeeper"})
    launch(b, "gk2")
    b.network_block([register("gk2")])
    b.network_block()
    launch_key = b.chain.registry.gatekeeper_master_pubkey
    forged = encode_payload(RotatedMasterPubkey(0, STRANGER.public))
    stranger = MessageOrigin("Worker", STRANGER.public)
    report = b.network_block(
        [inject(b, setting, stranger, GATEKEEPER_REGISTRY_EVENT_TOPIC, forged, STRANGER)]
    )
    check(outcomes(report)[-1] == (None, "ok"), "the queue accepts the stranger's message")
    report = b.network_block(
        [
            inject(
                b,
                setting,
                GATEKEEPER,
                GATEKEEPER_REGISTRY_EVENT_TOPIC,
                forged,
                STRANGER,
                valid=False,
            )
        ],
        observe=watch("gk1", "gk2"),
    )
    check(
        outcomes(report)[-1] == (None, "PhalaRegistry.InvalidSignature"),
        f"a forged gatekeeper signature is refused, not {outcomes(report)}",
    )
    check(b.chain.registry.gatekeeper_master_pubkey == launch_key, "the chain's key is unchanged")
    report = b.network_block([(ROTATE, {}, root())])
    (winning_batch,) = gk_egress(report, "gk2")
    report = b.network_block(withheld=["gk1"], observe=watch("gk1", "gk2"))
    check(outcomes(report) == [("gk2", "ok")], "gk1 withheld: gk2's batch wins [KEY-12]")
    winner = master_key.generate_key(KEYS["gk2"], 1)
    for name in ("gk1", "gk2"):
        current = keys_of(b, name).current
        check(
            current is not None and current.secret == winner.secret,
            f"{name} holds gk2's candidate [KEY-13]",
        )
    stale = winning_batch["sequence"]
    check(
        all(m.sequence > stale for m in net(b).runtimes["gk1"].queue.channels[GATEKEEPER].messages),
        "gk1 purged its losing batch [OFF-10]",
    )
    report = b.network_block(observe=watch("gk1", "gk2"))
    check(outcomes(report)[0] == ("gk1", "ok"), "gk1's relayer is back: the report is accepted")
    check(
        "PhalaRegistry.MasterKeyRotated" in [e.name for e in b.last_events],
        "the rotation completes",
    )
    report = b.network_block([(SYNC, {"signed_message": winning_batch}, signed(ADVERSARY))])
    check(
        outcomes(report)[-1] == (None, "PhalaMq.BadSequence"), "a replayed batch is refused [MQ-10]"
    )
    resent = inject(
        b, setting, stranger, GATEKEEPER_KEY_TOPIC, winning_batch["message"]["payload"], STRANGER
    )
    before = {n: keys_of(b, n) for n in ("gk1", "gk2")}
    report = b.network_block([resent], observe=watch("gk1", "gk2"))
    check(
        outcomes(report)[-1] == (None, "ok") and report["halted"] == [],
        "the batch's payload from a worker origin is accepted by the queue",
    )
    check(
        {n: keys_of(b, n) for n in before} == before,
        "and ignored by the gatekeepers: only the Gatekeeper origin counts [KEY-13]",
    )
    holder = MasterKeys(history=(RotatedKey(0, 0, winner),), active=True)
    listing = RotateMasterKey(2, (WorkerIdentity(KEYS["gk1"].public, KEYS["gk1"].ecdh_public),))
    stray, _ = master_key.rotation_batch(holder, STRANGER, 1, listing)
    before = {n: keys_of(b, n) for n in ("gk1", "gk2")}
    report = b.network_block(
        [inject(b, setting, stranger, GATEKEEPER_KEY_TOPIC, encode_payload(stray), STRANGER)],
        observe=watch("gk1", "gk2"),
    )
    check(
        {n: keys_of(b, n).history for n in before} == {n: k.history for n, k in before.items()},
        "a stranger's batch changes no history [KEY-13]",
    )
    agree(b, ("gk1", "gk2"), "the gatekeepers agree")
    check(
        keys_of(b, "gk1").history[-1].key.public == b.chain.registry.gatekeeper_master_pubkey,
        "the chain's key is the newest [KEY-17]",
    )


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("KEY-15", "KEY-3", "OFF-15"))
def forged_beacon_poisons_the_gatekeepers(b: CaseBuilder, setting: str) -> None:
    """A holder of the master key (the case) sends a `NewRandomNumber` that is not the formula's
    from the `Gatekeeper` origin: the chain accepts it (it verifies under the master key), and
    every gatekeeper that recomputes it halts. The worker runtime does not read the topic."""
    declare(b, setting, {"gk1": "gatekeeper", "gk2": "gatekeeper", "worker": "worker"})
    launch(b, "gk2", "worker")
    b.network_block([register("gk2")])
    b.network_block()
    master = master_key.generate_key(KEYS["gk1"], 0)
    forged = NewRandomNumber(3, bytes([7]) * 32, bytes(32))
    report = b.network_block(
        [inject(b, setting, GATEKEEPER, GATEKEEPER_EVENT_TOPIC, encode_payload(forged), master)],
        observe=[*watch("gk1", "gk2"), ("runtime", "worker")],
    )
    check(outcomes(report)[-1] == (None, "ok"), "the chain accepts the master key's message")
    check(report["halted"] == ["gk1", "gk2"], "both gatekeepers halt [KEY-15]")


# --- Beacons around a rotation's height [KEY-15] -------------------------------------------------


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("KEY-12", "KEY-13", "KEY-14", "KEY-15"))
def beacons_checked_across_rotations(b: CaseBuilder, setting: str) -> None:
    """Three rotations placed so that a beacon is checked after the key it was made with has been
    replaced [KEY-15]. gk1 and gk2 hold the launch key (blocks 1 to 4). Block 5: governance
    rotates, so the batch (sent while the block's messages are processed) precedes the block's
    beacon, made with the launch key; block 6 accepts the batch (the new key's height is 6) and
    then the beacon of block 5, which both check with the key before the newest (two keys held).
    Block 9: a rotation whose key takes height 10, so the beacon of block 10 is made with it and
    checked with it (a block equal to the newest key's height takes the newest key). Block 15:
    a third rotation, whose batch precedes the beacon of block 15; in block 16 that beacon is
    checked with the key before the newest of four keys, not the oldest. No runtime halts."""
    declare(b, setting, {"gk1": "gatekeeper", "gk2": "gatekeeper"})
    launch(b, "gk2")
    b.network_block([register("gk2")])
    b.network_block(observe=watch("gk1", "gk2"))
    agree(b, ("gk1", "gk2"), "gk2 holds the launch key")

    def rotate_before_beacon(block: int, held: int) -> None:
        """Governance rotates in ``block`` (a multiple of 5): the batch, then the beacon; the next
        block accepts both, the beacon checked with the key before the new one."""
        check(b.chain.system.block.number + 1 == block, f"the rotation is requested in {block}")
        made_with = keys_of(b, "gk1").current
        report = b.network_block([(ROTATE, {}, root())], observe=watch("gk1", "gk2"))
        topics = [m["message"]["destination"] for m in gk_egress(report, "gk1")]
        check(
            topics == [GATEKEEPER_KEY_TOPIC, GATEKEEPER_EVENT_TOPIC],
            f"the batch precedes the beacon of block {block} [KEY-12] [KEY-14]",
        )
        report = b.network_block(observe=watch("gk1", "gk2"))
        check(report["halted"] == [], f"the beacon of block {block} passes [KEY-15]")
        keys = keys_of(b, "gk1")
        check(
            len(keys.history) == held + 1 and keys.history[-1].block_height == block + 1,
            f"the new key's height is {block + 1}",
        )
        check(
            made_with is not None
            and master_key.beacon_key(keys, block) == keys.history[-2].key == made_with
            and (held == 1 or keys.history[0].key != made_with),
            "checked with the key before the newest, not the oldest [KEY-15]",
        )
        b.network_block(observe=watch("gk1", "gk2"))
        check(
            "PhalaRegistry.MasterKeyRotated" in [e.name for e in b.last_events],
            "the rotation completes [REG-20]",
        )

    rotate_before_beacon(5, 1)
    b.network_block()
    report = b.network_block([(ROTATE, {}, root())])
    check(b.chain.system.block.number == 9, "the second rotation is requested in block 9")
    report = b.network_block(observe=watch("gk1", "gk2"))
    keys = keys_of(b, "gk1")
    check(keys.history[-1].block_height == 10, "the second key's height is 10")
    (beacon,) = [
        m for m in gk_egress(report, "gk1") if m["message"]["destination"] == GATEKEEPER_EVENT_TOPIC
    ]
    event = decode_gatekeeper_event(beacon["message"]["payload"])
    current = keys.current
    check(
        current is not None
        and isinstance(event, NewRandomNumber)
        and event.random_number
        == master_key.next_random_number(current, 10, event.last_random_number),
        "the beacon of block 10 is made with the key of height 10 [KEY-14]",
    )
    report = b.network_block(observe=watch("gk1", "gk2"))
    check(report["halted"] == [], "and checked with it [KEY-15]")
    check(master_key.beacon_key(keys, 10) == current, "the newest key at its own height [KEY-15]")
    for _ in range(3):
        b.network_block()
    rotate_before_beacon(15, 3)
    agree(b, ("gk1", "gk2"), "the gatekeepers agree")


# --- A received history that does not match the journal [KEY-10] --------------------------------


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("KEY-10", "KEY-11", "KEY-13", "KEY-17"))
def replay_refuses_a_history_without_the_journal_rotations(b: CaseBuilder, setting: str) -> None:
    """The chain holds a master key from genesis, which the case (an adversary who holds it) signs
    with; OUTSIDER is a gatekeeper with no runtime, whose identity the case also holds. `pending`
    and gk3 are gatekeeper runtimes without a key, so they journal every batch the chain accepts
    [KEY-13]. Block 2: OUTSIDER's batch of rotation 1 (listing only itself): both journal
    `RotationDone(1)`. Block 3: the single-key form to `pending`: its replay, holding the one key,
    meets rotation 1, which the received history lacks (its id is the history's length), and
    halts [KEY-10]. Block 4: OUTSIDER's batch of rotation 0: gk3 journals `RotationDone(0)`.
    Block 5: a history of three keys to gk3: the replay takes rotation 1 (the second key), then
    meets rotation 0 where the next is 2 and halts, although the received history has a key of
    id 0 and one more key than the replay holds."""
    declare(
        b,
        setting,
        {"pending": "gatekeeper", "gk3": "gatekeeper"},
        gatekeeper_master_pubkey=MASTER.public,
    )
    b.network_block(
        [
            *enroll(OUTSIDER, KEYS["pending"], KEYS["gk3"]),
            register(OUTSIDER),
            register("pending"),
            register("gk3"),
        ],
        observe=watch("pending", "gk3"),
    )
    only_outsider = (WorkerIdentity(OUTSIDER.public, OUTSIDER.ecdh_public),)
    holder = MasterKeys(history=(RotatedKey(0, 0, MASTER),), active=True)

    def batch(rotation_id: int) -> bytes:
        signed_batch, _ = master_key.rotation_batch(
            holder, OUTSIDER, 1, RotateMasterKey(rotation_id, only_outsider)
        )
        return encode_payload(signed_batch)

    report = b.network_block(
        [inject(b, setting, GATEKEEPER, GATEKEEPER_KEY_TOPIC, batch(1), MASTER)],
        observe=watch("pending", "gk3"),
    )
    check(report["halted"] == [], "a batch that does not list them is journaled [KEY-13]")
    check(
        all(keys_of(b, n).journal[-1] == master_key.RotationDone(2, 1) for n in ("pending", "gk3")),
        "both journal rotation 1 [KEY-10]",
    )
    single, _ = master_key.distribution(
        holder, 3, KEYS["pending"].public, KEYS["pending"].ecdh_public
    )
    report = b.network_block(
        [inject(b, setting, GATEKEEPER, GATEKEEPER_KEY_TOPIC, encode_payload(single), MASTER)],
        observe=watch("pending", "gk3"),
    )
    check(
        isinstance(single, MasterKeyDistribution) and report["halted"] == ["pending"],
        "the single key lacks rotation 1: pending halts [KEY-10]",
    )
    report = b.network_block(
        [inject(b, setting, GATEKEEPER, GATEKEEPER_KEY_TOPIC, batch(0), MASTER)],
        observe=watch("gk3"),
    )
    check(
        keys_of(b, "gk3").journal[-1] == master_key.RotationDone(4, 0),
        "gk3 journals rotation 0 [KEY-10]",
    )
    three = MasterKeys(
        history=tuple(
            RotatedKey(i, i, k)
            for i, k in enumerate((MASTER, STRANGER, master_key.generate_key(OUTSIDER, 2)))
        ),
        active=True,
    )
    history, _ = master_key.distribution(three, 5, KEYS["gk3"].public, KEYS["gk3"].ecdh_public)
    report = b.network_block(
        [inject(b, setting, GATEKEEPER, GATEKEEPER_KEY_TOPIC, encode_payload(history), MASTER)],
        observe=watch("gk3"),
    )
    check(
        isinstance(history, MasterKeyHistory) and report["halted"] == ["gk3"],
        "rotation 0 is not the next one: gk3 halts [KEY-10]",
    )


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("KEY-10", "KEY-11", "KEY-15", "KEY-17"))
def one_key_checks_every_beacon(b: CaseBuilder, setting: str) -> None:
    """The chain holds a master key from genesis, which the case (an adversary who holds it) signs
    with. Block 2: it sends `pending`, a gatekeeper runtime without a key, a history of that one
    key recorded at height 100; `pending` replays its journal and holds the one key. Block 3: a
    beacon of block 5, the formula's under that key: a block before the newest key's height, yet
    with no key before it the newest checks it, and it passes [KEY-15]. Block 4: a beacon of
    block 10 that is not the formula's halts `pending`."""
    declare(b, setting, {"pending": "gatekeeper"}, gatekeeper_master_pubkey=MASTER.public)
    b.network_block(
        [*enroll(OUTSIDER, KEYS["pending"]), register(OUTSIDER), register("pending")],
        observe=watch("pending"),
    )
    holder = MasterKeys(history=(RotatedKey(0, 100, MASTER),), active=True)
    encrypted, _ = master_key.encrypt_key_to(
        holder, MASTER, KEYS["pending"].ecdh_public, MASTER.secret, 2
    )
    entries = MasterKeyHistory(KEYS["pending"].public, (HistoryEntry(0, 100, encrypted),))
    report = b.network_block(
        [inject(b, setting, GATEKEEPER, GATEKEEPER_KEY_TOPIC, encode_payload(entries), MASTER)],
        observe=watch("pending"),
    )
    keys = keys_of(b, "pending")
    check(
        report["halted"] == []
        and keys.active
        and [(k.rotation_id, k.block_height, k.key.secret) for k in keys.history]
        == [(0, 100, MASTER.secret)],
        "pending holds the one key, recorded at height 100 [KEY-11]",
    )
    check(
        master_key.beacon_key(keys, 5).secret == MASTER.secret,
        "the newest key checks block 5 [KEY-15]",
    )
    number = master_key.next_random_number(MASTER, 5, bytes(32))
    report = b.network_block(
        [
            inject(
                b,
                setting,
                GATEKEEPER,
                GATEKEEPER_EVENT_TOPIC,
                encode_payload(NewRandomNumber(5, number, bytes(32))),
                MASTER,
            )
        ],
        observe=watch("pending"),
    )
    check(report["halted"] == [], "the formula's beacon passes [KEY-15]")
    report = b.network_block(
        [
            inject(
                b,
                setting,
                GATEKEEPER,
                GATEKEEPER_EVENT_TOPIC,
                encode_payload(NewRandomNumber(10, number, number)),
                MASTER,
            )
        ],
        observe=watch("pending"),
    )
    check(report["halted"] == ["pending"], "another value halts [KEY-15]")
