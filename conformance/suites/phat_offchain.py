"""Authored vectors for the Phat Contracts' off-chain half [PHAT-50]..[PHAT-68].

Suite ``phat``, handler ``offchain`` (the chain's half sits beside it under
other handlers). Every case is a network story ([NET-2]) registered in both
crypto settings ([NET-3]): the message-queue signatures are real sr25519
bytes in ``<name>_real`` and ``true`` in ``<name>_oracle``; what the payloads
carry (the sealed cluster keys, the encrypted commands) is production's bytes
in both.

The first case runs a cluster's whole life through two gatekeepers and two
workers. The others exercise the paths where a message is refused or
skipped; in them the case itself holds a master key the chain knows from
genesis and plays the gatekeepers, so that it can send what no honest
gatekeeper would.

While generating, every case checks what the rules imply: which copy the
chain accepted, that each sealed key and each command decrypts to what was
sent, and that the workers of a cluster hold byte-identical records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin
from phala_spec.chain.phat_payloads import (
    CLUSTER_EVENT_TOPIC,
    CLUSTER_KEY_TOPIC,
    CLUSTER_REGISTRY_TOPIC,
    ClusterPubkeyAvailable,
    DeployCluster,
    DestroyCluster,
    DispatchKeys,
    EncryptedCommand,
    EncryptedKey,
    InkMessage,
    command_topic,
    contract_id,
    decode_cluster_event,
    decode_cluster_operation,
    decode_cluster_registry_event,
)
from phala_spec.chain.system_payloads import (
    HeartbeatChallenge,
    HeartbeatV2,
    Registered,
    Started,
    WorkerEventWithKey,
)
from phala_spec.chain.worker_messages import (
    SYSTEM_EVENT_TOPIC,
    decode_working_report,
    encode_payload,
)
from phala_spec.conformance import relaying
from phala_spec.conformance.authoring import CaseBuilder, case_per_crypto, root, signed
from phala_spec.conformance.checks import check
from phala_spec.network import NetworkState, relay_batch
from phala_spec.offchain import cluster, cluster_keys, master_key
from phala_spec.offchain.cluster import CommandRecord, HostedCluster
from phala_spec.offchain.master_key import MasterKeys, RotatedKey
from phala_spec.pallets.phat import cluster_id
from phala_spec.pallets.phat_tokenomic import CHANGE_DEPOSIT_SELECTOR
from phala_spec.primitives.arith import U256_MAX
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.crypto import Keypair, derive_keypair, dev_keypair

SUITE = "phat"
HANDLER = "offchain"

NAMES = ("gk1", "gk2", "gk", "w1", "w2", "w3")
KEY_NAMES = {name: f"phat/offchain/{name}" for name in NAMES}
KEYS = {name: dev_keypair(key) for name, key in KEY_NAMES.items()}
MASTER = dev_keypair("phat/offchain/master")  # a genesis master key the case holds
STRANGER = dev_keypair("phat/offchain/stranger")  # a worker key no runtime uses
ADVERSARY = "eve"

SYSTEM_CODE = b"phat offchain: the system contract"
CODE = b"phat offchain: a contract's code"
CODE_HASH = blake2b_256(CODE)
SALT = b"salt"
C1, C2, C3 = cluster_id(1), cluster_id(2), cluster_id(3)
ONE_TIME_SEED = blake2b_256(b"phat offchain: a user's one-time key")
IV = bytes(range(12))
COMMAND = InkMessage(b"nonce-1", b"\xca\xfe\xba\xbe", 0, 5_000_000, None)

PC = "PhalaPhatContracts."
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


def enroll(*names: str) -> list[Extrinsic]:
    """Root registers the runtimes' keys as workers, their agreement key their identity
    ([CRYPTO-4])."""
    return [
        (
            "PhalaRegistry.force_register_worker",
            {"pubkey": KEYS[n].public, "ecdh_pubkey": KEYS[n].ecdh_public, "operator": None},
            root(),
        )
        for n in names
    ]


def system_code(code: bytes = SYSTEM_CODE) -> Extrinsic:
    """Governance sets the system code; it is installed when the next block opens [PHAT-12]."""
    return PC + "set_pink_system_code", {"code": code}, root()


def add_cluster(b: CaseBuilder, *workers: str) -> Extrinsic:
    """Governance creates a public cluster owned by alice on the named workers [PHAT-6]."""
    return (
        PC + "add_cluster",
        {
            "owner": b.account("alice"),
            "permission": {"kind": "Public"},
            "deploy_workers": [KEYS[w].public for w in workers],
            "deposit": 100,
            "gas_price": 1,
            "deposit_per_item": 2,
            "deposit_per_byte": 3,
            "treasury_account": b.account("ferdie"),
        },
        root(),
    )


def upload(cluster_key: bytes, who: str = "bob") -> Extrinsic:
    return (
        PC + "cluster_upload_resource",
        {"cluster_id": cluster_key, "resource_type": "InkCode", "resource_data": CODE},
        signed(who),
    )


def instantiate(cluster_key: bytes, who: str = "bob") -> Extrinsic:
    return (
        PC + "instantiate_contract",
        {
            "code_index": {"kind": "WasmCode", "code_hash": CODE_HASH},
            "data": b"\xed\x4b\x9d\x1b",
            "salt": SALT,
            "cluster_id": cluster_key,
            "transfer": 0,
            "gas_limit": 1_000_000,
            "storage_deposit_limit": None,
            "deposit": 0,
        },
        signed(who),
    )


def push_command(contract: bytes, payload: bytes, who: str) -> Extrinsic:
    """A user's command to a contract [PHAT-9]."""
    return (
        PC + "push_contract_message",
        {"contract_id": contract, "payload": payload, "deposit": 0},
        signed(who),
    )


def pallet_command(contract: bytes, payload: bytes) -> Extrinsic:
    """Root's command to a contract from ``Pallet("ForcePushed")`` [MQ-12]."""
    return (
        "PhalaMq.force_push_pallet_message",
        {"destination": command_topic(contract), "payload": payload},
        root(),
    )


def account_message(topic: bytes, payload: bytes, who: str = ADVERSARY) -> Extrinsic:
    """Any account's message from its ``AccountId`` origin [MQ-11]."""
    return "PhalaMq.push_message", {"destination": topic, "payload": payload}, signed(who)


def user_contract(b: CaseBuilder, cluster_key: bytes = C1) -> bytes:
    """The id of bob's contract from ``CODE`` and ``SALT`` [PHAT-3]."""
    return contract_id(b.account("bob"), CODE_HASH, cluster_key, SALT)


def next_after_relays(b: CaseBuilder, sender: MessageOrigin) -> int:
    """The sender's next sequence once the block's relayers have submitted ([NET-6])."""
    pending = {
        r.signed.sequence for r in relay_batch(b.network) if r.signed.message.sender == sender
    }
    return b.chain.mq.ingress.get(sender, 0) + len(pending)


def inject(
    b: CaseBuilder,
    setting: str,
    sender: MessageOrigin,
    topic: bytes,
    payloads: Sequence[bytes],
    key: Keypair,
) -> list[Extrinsic]:
    """The case's own messages from ``sender``, at its next sequences, signed by ``key``."""
    first = next_after_relays(b, sender)
    extrinsics: list[Extrinsic] = []
    for offset, payload in enumerate(payloads):
        message = Message(sender, topic, payload)
        sequence = first + offset
        signature = relaying.signature(key, message, sequence, setting)
        extrinsics.append(
            (
                SYNC,
                {"signed_message": relaying.signed_message(message, sequence, signature)},
                signed(ADVERSARY),
            )
        )
    return extrinsics


def holder(iv_seq: int = 0) -> MasterKeys:
    """The case's record of the genesis master key, as an active gatekeeper's [KEY-1]."""
    return MasterKeys(history=(RotatedKey(0, 0, MASTER),), active=True, iv_seq=iv_seq)


def last_deploy(b: CaseBuilder) -> DeployCluster:
    """The ``DeployCluster`` the chain sent in the last block [PHAT-6]."""
    (deploy,) = [
        decoded
        for m in b.chain.mq.outbound
        if m.destination == CLUSTER_EVENT_TOPIC
        and (decoded := decode_cluster_event(m.payload)) is not None
    ]
    return deploy


def gatekeeper_messages(
    b: CaseBuilder, setting: str, messages: Sequence[tuple[bytes, bytes]]
) -> list[Extrinsic]:
    """The case's ``(topic, payload)`` messages from the ``Gatekeeper`` origin, at its next
    sequences, signed with the genesis master key."""
    first = next_after_relays(b, GATEKEEPER)
    extrinsics: list[Extrinsic] = []
    for offset, (topic, payload) in enumerate(messages):
        message = Message(GATEKEEPER, topic, payload)
        signature = relaying.signature(MASTER, message, first + offset, setting)
        extrinsics.append(
            (
                SYNC,
                {"signed_message": relaying.signed_message(message, first + offset, signature)},
                signed(ADVERSARY),
            )
        )
    return extrinsics


def key_messages(deploy: DeployCluster, block: int) -> tuple[ClusterPubkeyAvailable, DispatchKeys]:
    """What a gatekeeper holding the genesis master key (its IV counter at 0) sends for
    ``deploy`` in ``block`` [PHAT-52]."""
    available, dispatch, _ = cluster_keys.cluster_key_messages(holder(), MASTER, block, deploy)
    return available, dispatch


def as_gatekeepers(
    b: CaseBuilder, setting: str, deploy: DeployCluster, block: int
) -> tuple[list[Extrinsic], DispatchKeys]:
    """The case plays the gatekeepers for ``deploy`` [PHAT-52]: the cluster key's report and
    ``DispatchKeys``, from the ``Gatekeeper`` origin, signed with the genesis master key."""
    available, dispatch = key_messages(deploy, block)
    extrinsics = gatekeeper_messages(
        b,
        setting,
        [
            (CLUSTER_REGISTRY_TOPIC, encode_payload(available)),
            (CLUSTER_KEY_TOPIC, encode_payload(dispatch)),
        ],
    )
    return extrinsics, dispatch


def dispatch_to(b: CaseBuilder, setting: str, dispatch: DispatchKeys) -> Extrinsic:
    """A ``DispatchKeys`` from the ``Gatekeeper`` origin at its next sequence."""
    (extrinsic,) = gatekeeper_messages(b, setting, [(CLUSTER_KEY_TOPIC, encode_payload(dispatch))])
    return extrinsic


def net(b: CaseBuilder) -> NetworkState:
    return b.network


def hosted(b: CaseBuilder, name: str) -> HostedCluster | None:
    return net(b).runtimes[name].cluster


def records(b: CaseBuilder, name: str, contract: bytes) -> tuple[CommandRecord, ...]:
    """What the stand-in of ``contract`` at runtime ``name`` received [PHAT-64]."""
    held = hosted(b, name)
    assert held is not None
    return held.contracts[contract].commands


def same_cluster(b: CaseBuilder, names: Sequence[str], what: str) -> None:
    """The named runtimes host byte-identical clusters [PHAT-67]."""
    check(len({repr(hosted(b, n)) for n in names}) == 1 and hosted(b, names[0]) is not None, what)


def egress_of(report: dict[str, Any], name: str, kind: str) -> list[dict[str, Any]]:
    """The messages a runtime signed in the block from origins of ``kind``, as plain data."""
    return [m for m in report["egress"].get(name, []) if m["message"]["sender"]["kind"] == kind]


def outcomes(report: dict[str, Any], kind: str | None = None) -> list[tuple[Any, str]]:
    """The block's extrinsics as ``(runtime, outcome)``; ``kind``: only relayed messages from
    origins of that kind."""
    return [
        (e["runtime"], e["outcome"])
        for e in report["extrinsics"]
        if kind is None or (e["sender"] is not None and e["sender"]["kind"] == kind)
    ]


def event_list(b: CaseBuilder, name: str) -> list[Any]:
    return [e for e in b.last_events if e.name == PC + name]


def watch(*names: str) -> list[tuple[Any, ...]]:
    """Observations: each runtime's hosted cluster and channels."""
    return [obs for n in names for obs in (("runtime_cluster", n), ("runtime", n))]


def launch_two_gatekeepers(b: CaseBuilder, *workers: str) -> None:
    """Blocks 1 to 4: root enrolls the runtimes, governance sets the system code and makes gk1
    the first gatekeeper [KEY-7]; block 3 registers gk2, which holds the key in block 4
    [KEY-9] [KEY-11]."""
    b.network_block(
        [
            *enroll("gk1", "gk2", *workers),
            ("PhalaRegistry.register_gatekeeper", {"gatekeeper": KEYS["gk1"].public}, root()),
            system_code(),
            (PC + "set_pink_runtime_version", {"version": [1, 0]}, root()),
        ]
    )
    b.network_block()
    b.network_block(
        [("PhalaRegistry.register_gatekeeper", {"gatekeeper": KEYS["gk2"].public}, root())]
    )
    b.network_block()
    check(
        all(net(b).runtimes[g].keys.active for g in ("gk1", "gk2")), "both gatekeepers hold the key"
    )


# --- A cluster's life [PHAT-50]..[PHAT-66] -------------------------------------------------------


@case_per_crypto(
    suite=SUITE,
    handler=HANDLER,
    clauses=(
        "PHAT-50",
        "PHAT-51",
        "PHAT-52",
        "PHAT-53",
        "PHAT-54",
        "PHAT-55",
        "PHAT-56",
        "PHAT-57",
        "PHAT-58",
        "PHAT-60",
        "PHAT-61",
        "PHAT-62",
        "PHAT-63",
        "PHAT-64",
        "PHAT-65",
        "PHAT-66",
        "PHAT-24",
        "PHAT-25",
        "PHAT-26",
        "PHAT-31",
        "KEY-5",
        "KEY-6",
        "MQ-9",
        "NET-9",
    ),
)
def cluster_life_through_the_gatekeepers(b: CaseBuilder, setting: str) -> None:
    """Two gatekeepers (gk1 launches, gk2 receives the key) and two workers. Block 5: governance
    creates cluster 1 on w1 and w2; both gatekeepers derive the cluster key from the master key
    and sign the same `PubkeyAvailable` and `DispatchKeys` (the key sealed to each worker from
    the master key's `cluster_key_sharing` child, with the next two IVs of the counter). Block
    6: gk1's copies are accepted, gk2's fail `BadSequence`; the cluster key is on chain; each
    worker decrypts its copy, sets the cluster up (the system contract installed and its key
    reported from `Cluster(1)`) and reports `ClusterDeployed`; each gatekeeper reports
    `ClusterDeploymentFailed` (a gatekeeper hosts no cluster). Block 7: w1's copy of the
    cluster's message wins; bob uploads ink code. Block 8: bob instantiates it; both workers
    derive the contract key from the cluster key and report it. Block 9: charlie sends a plain
    command; block 10: dave one encrypted to the contract key read from the chain. Both workers
    record the same commands. Block 11: dave stakes, and the system contract receives
    `change_deposit` from the tokenomic pallet, called as itself, gas-free. Block 12: root
    destroys the cluster; both workers exit."""
    declare(
        b,
        setting,
        {"gk1": "gatekeeper", "gk2": "gatekeeper", "w1": "worker", "w2": "worker"},
    )
    launch_two_gatekeepers(b, "w1", "w2")
    report = b.network_block([add_cluster(b, "w1", "w2")], observe=watch("gk1", "gk2"))
    master = master_key.generate_key(KEYS["gk1"], 0)
    deploy = last_deploy(b)
    check(
        [w.pubkey for w in deploy.workers] == [KEYS["w1"].public, KEYS["w2"].public],
        "DeployCluster lists w1, then w2 [PHAT-21]",
    )
    sent = egress_of(report, "gk1", "Gatekeeper")
    check(
        [m["message"]["destination"] for m in sent[:2]]
        == [CLUSTER_REGISTRY_TOPIC, CLUSTER_KEY_TOPIC],
        "the cluster key's report, then DispatchKeys [PHAT-52]",
    )
    check(
        repr(sent[:2]) == repr(egress_of(report, "gk2", "Gatekeeper")[:2]),
        "both gatekeepers sign the same messages [PHAT-52]",
    )
    cluster_key = cluster_keys.derive_cluster_key(master, C1)
    available = decode_cluster_registry_event(sent[0]["message"]["payload"])
    check(
        available == ClusterPubkeyAvailable(C1, cluster_key.public),
        "the master key's child at (cluster_key, id) [PHAT-51]",
    )
    dispatch = decode_cluster_operation(sent[1]["message"]["payload"])
    assert isinstance(dispatch, DispatchKeys)
    sharing = derive_keypair(master, (b"cluster_key_sharing",)).public
    seq = net(b).runtimes["gk1"].keys.iv_seq - 2
    for offset, name in enumerate(("w1", "w2")):
        entry = dispatch.entry_for(KEYS[name].public)
        assert entry is not None
        iv, _ = master_key.generate_iv(MasterKeys(iv_seq=seq + offset), master, 5)
        check(
            entry.ecdh_pubkey == sharing and entry.iv == iv,
            f"{name}'s copy: the sharing child, the IV counter's next value [PHAT-53] [KEY-5]",
        )
        received = master_key.decrypt_key(KEYS[name], entry)
        check(
            received is not None and received.secret == cluster_key.secret,
            f"{name} can decrypt the cluster key [PHAT-53]",
        )
    report = b.network_block(observe=[*watch("w1", "w2"), ("phat_cluster", C1)])
    check(
        outcomes(report, "Gatekeeper")
        == [("gk1", "ok")] * 3 + [("gk2", "PhalaMq.BadSequence")] * 3,
        "gk1's copies win, gk2's fail BadSequence [NET-9]",
    )
    check(b.chain.registry.cluster_keys[C1] == cluster_key.public, "ClusterKeys[1] [PHAT-24]")
    same_cluster(b, ("w1", "w2"), "both workers set the cluster up alike [PHAT-55]")
    w1 = hosted(b, "w1")
    assert w1 is not None
    system = b.chain.phat.clusters[C1].system_contract
    check(
        w1.system_contract == system and system in w1.contracts and w1.runtime_version == (1, 0),
        "the chain's system contract id, installed; the runtime version [PHAT-55]",
    )
    for name in ("gk1", "gk2"):
        check(len(egress_of(report, name, "Worker")) == 1, f"{name} reports a failure [PHAT-55]")
    report = b.network_block([upload(C1)], observe=[*watch("w1", "w2"), ("phat_cluster", C1)])
    check(
        outcomes(report, "Cluster") == [("w1", "ok"), ("w2", "PhalaMq.BadSequence")],
        "w1's copy of the cluster's message wins [PHAT-66]",
    )
    deployed = {e["worker"] for e in event_list(b, "ClusterDeployed")}
    failed = {e["worker"] for e in event_list(b, "ClusterDeploymentFailed")}
    check(
        deployed == {KEYS["w1"].public, KEYS["w2"].public}
        and failed == {KEYS["gk1"].public, KEYS["gk2"].public},
        "the workers deployed, the gatekeepers did not [PHAT-26]",
    )
    contract = user_contract(b)
    b.network_block([instantiate(C1)], observe=watch("w1", "w2"))
    contract_key = cluster_keys.derive_contract_key(cluster_key, contract)
    check(
        all((h := hosted(b, n)) is not None and contract in h.contracts for n in ("w1", "w2")),
        "both workers install bob's contract [PHAT-57]",
    )
    plain = cluster.plain_command(COMMAND.encode())
    b.network_block(
        [push_command(contract, plain, "charlie")],
        observe=[*watch("w1", "w2"), ("phat_contract", contract)],
    )
    on_chain = b.chain.registry.contract_keys[contract]
    check(on_chain == contract_key.public, "the cluster key's child at (contract_key, id)")
    envelope = cluster.encrypted_command(on_chain, ONE_TIME_SEED, IV, COMMAND.encode())
    b.network_block([push_command(contract, envelope, "dave")], observe=watch("w1", "w2"))
    got = records(b, "w1", contract)
    check(
        [(r.block, r.encrypted, r.command, r.caller, r.error) for r in got]
        == [
            (9, False, COMMAND, b.account("charlie"), None),
            (10, True, COMMAND, b.account("dave"), None),
        ],
        "the plain and the encrypted command, decrypted to the same bytes [PHAT-61] [PHAT-64]",
    )
    check(records(b, "w2", contract) == got, "both workers recorded the same [PHAT-64]")
    b.network_block(
        [("PhalaPhatTokenomic.adjust_stake", {"contract": contract, "amount": 50}, signed("dave"))],
        observe=watch("w1", "w2"),
    )
    (stake,) = records(b, "w1", system)
    expected = CHANGE_DEPOSIT_SELECTOR + contract + (50).to_bytes(16, "little")
    check(
        stake.command is not None
        and stake.command.message == expected
        and stake.caller == system
        and stake.gas_free,
        "change_deposit reaches the system contract, called as itself, gas-free [PHAT-62]",
    )
    same_cluster(b, ("w1", "w2"), "both workers hold the same records [PHAT-67]")
    report = b.network_block(
        [(PC + "cluster_destroy", {"cluster": C1}, root())], observe=watch("w1", "w2")
    )
    check(report["halted"] == ["w1", "w2"], "both workers exit [PHAT-60]")


# --- The gatekeepers' side [PHAT-52] [KEY-10] ---------------------------------------------------


@case_per_crypto(
    suite=SUITE, handler=HANDLER, clauses=("PHAT-52", "PHAT-53", "KEY-10", "KEY-5", "KEY-17")
)
def deployment_seen_before_holding_the_key(b: CaseBuilder, setting: str) -> None:
    """gk1 launches; gk2, a gatekeeper runtime without the key, knows of the launch. Block 3:
    an account pushes a `DeployCluster` of its own (from its `AccountId` origin): both
    gatekeepers drop it. Block 4: governance creates cluster 1: gk1 sends the key's two
    messages, drawing one IV for w1; gk2 journals the deployment. Block 5: gk2 is registered
    and gk1 sends it the master key; block 6: gk2 replays its journal (the deployment, then the
    distribution) and holds gk1's record: the same IV counter and `Gatekeeper` sequence."""
    declare(b, setting, {"gk1": "gatekeeper", "gk2": "gatekeeper", "w1": "worker"})
    b.network_block(
        [
            *enroll("gk1", "gk2", "w1"),
            ("PhalaRegistry.register_gatekeeper", {"gatekeeper": KEYS["gk1"].public}, root()),
            system_code(),
        ]
    )
    b.network_block()
    forged = DeployCluster(
        b.account(ADVERSARY),
        C3,
        (),
        0,
        0,
        0,
        0,
        b.account(ADVERSARY),
    )
    report = b.network_block(
        [account_message(CLUSTER_EVENT_TOPIC, forged.encode())], observe=watch("gk1", "gk2")
    )
    check(
        egress_of(report, "gk1", "Gatekeeper") == []
        and not any(
            isinstance(e, cluster_keys.ClusterDeploy) for e in net(b).runtimes["gk2"].keys.journal
        ),
        "a DeployCluster from an account is dropped [PHAT-52]",
    )
    before = net(b).runtimes["gk1"].keys.iv_seq
    report = b.network_block([add_cluster(b, "w1")], observe=[("runtime_keys", "gk2")])
    check(
        len(egress_of(report, "gk1", "Gatekeeper")) == 2
        and net(b).runtimes["gk1"].keys.iv_seq == before + 1,
        "gk1 sends the two messages, one IV for one worker [PHAT-52] [PHAT-53]",
    )
    journal = net(b).runtimes["gk2"].keys.journal
    check(
        [e.block for e in journal if isinstance(e, cluster_keys.ClusterDeploy)] == [4],
        "gk2 journals the deployment [KEY-10]",
    )
    b.network_block(
        [("PhalaRegistry.register_gatekeeper", {"gatekeeper": KEYS["gk2"].public}, root())]
    )
    b.network_block(observe=[("runtime_keys", "gk1"), ("runtime_keys", "gk2")])
    gk1, gk2 = net(b).runtimes["gk1"], net(b).runtimes["gk2"]
    check(
        gk1.keys == gk2.keys
        and gk1.queue.channels[GATEKEEPER].sequence == gk2.queue.channels[GATEKEEPER].sequence,
        "gk2's replay reaches gk1's record and sequence [KEY-10] [KEY-17]",
    )


# --- A worker's refusals [PHAT-55] -------------------------------------------------------------


@case_per_crypto(
    suite=SUITE, handler=HANDLER, clauses=("PHAT-50", "PHAT-55", "PHAT-26", "OFF-15", "MQ-11")
)
def dispatch_keys_checks_in_order(b: CaseBuilder, setting: str) -> None:
    """The chain knows a master key from genesis, which the case holds: it plays the
    gatekeepers. w1 and w2 are cluster 1's workers; w3 is a worker no cluster lists; `gk` is a
    gatekeeper runtime (without the key). Block 3: the case sends the cluster key and
    `DispatchKeys`: w1 and w2 deploy; w3, not listed, does nothing; `gk` refuses
    (`NoClusterOnGatekeeper`) and reports a failure. Block 4: an account pushes the same
    `DispatchKeys` from its own origin: every runtime reports a failure (`BadOrigin` comes
    before the listing), w3 included. Block 5: `DispatchKeys` of a cluster 2 the chain never
    created, listing w1 and w2, which host cluster 1: `DuplicatedClusterDeploy`, whose
    failures the chain deposits in block 6. Block 7: one listing w1 with a key that does not decrypt: w1
    halts (decryption comes before the duplicate check), w2 is not listed. Block 8: an
    undecodable `ClusterOperation` from an account is skipped by every runtime."""
    declare(
        b,
        setting,
        {"gk": "gatekeeper", "w1": "worker", "w2": "worker", "w3": "worker"},
        gatekeeper_master_pubkey=MASTER.public,
    )
    # Blocks: 1 enrolment, 2 the cluster, 3 its key, 4 an account's copy, 5 a cluster 2,
    # 6 its failure on chain, 7 a key that does not decrypt, 8 an undecodable operation.
    b.network_block([*enroll("gk", "w1", "w2", "w3"), system_code()])
    b.network_block([add_cluster(b, "w1", "w2")])
    deploy = last_deploy(b)
    extrinsics, dispatch = as_gatekeepers(b, setting, deploy, 3)
    report = b.network_block(extrinsics, observe=watch("w1", "w2", "w3", "gk"))
    check(outcomes(report)[-2:] == [(None, "ok"), (None, "ok")], "the chain accepts both")
    same_cluster(b, ("w1", "w2"), "w1 and w2 deploy [PHAT-55]")
    check(hosted(b, "w3") is None and "w3" not in report["egress"], "w3 is not listed")
    check(
        len(egress_of(report, "gk", "Worker")) == 1 and hosted(b, "gk") is None,
        "the gatekeeper refuses and reports [PHAT-55]",
    )
    report = b.network_block(
        [account_message(CLUSTER_KEY_TOPIC, encode_payload(dispatch))],
        observe=watch("w1", "w2", "w3", "gk"),
    )
    check(
        all(len(egress_of(report, n, "Worker")) == 1 for n in ("w1", "w2", "w3", "gk")),
        "BadOrigin before the listing: every runtime reports a failure [PHAT-55]",
    )
    other = attrs_dispatch(dispatch, C2, 0)
    b.network_block([dispatch_to(b, setting, other)], observe=watch("w1", "w2"))
    report = b.network_block(observe=watch("w1", "w2"))
    failures = [e for e in event_list(b, "ClusterDeploymentFailed") if e["cluster"] == C2]
    check(
        [e["worker"] for e in failures] == [KEYS[n].public for n in ("gk", "w1", "w2")],
        "the gatekeeper refuses again; DuplicatedClusterDeploy at w1 and w2 [PHAT-55]",
    )
    w1_entry = dispatch.entry_for(KEYS["w1"].public)
    assert w1_entry is not None
    broken = DispatchKeys(
        ((KEYS["w1"].public, EncryptedKey(w1_entry.ecdh_pubkey, b"\x00" * 80, w1_entry.iv)),),
        C2,
        dispatch.owner,
        0,
        0,
        0,
        0,
        dispatch.treasury_account,
    )
    report = b.network_block([dispatch_to(b, setting, broken)], observe=watch("w1", "w2"))
    check(report["halted"] == ["w1"], "a key that does not decrypt halts w1, first [PHAT-55]")
    report = b.network_block(
        [account_message(CLUSTER_KEY_TOPIC, b"\x09not an operation")],
        observe=watch("w2", "w3", "gk"),
    )
    check(report["halted"] == [], "an account's undecodable operation is skipped [OFF-15]")


def attrs_dispatch(dispatch: DispatchKeys, cluster_key: bytes, deposit: int) -> DispatchKeys:
    """``dispatch``'s sealed keys for another cluster id."""
    return DispatchKeys(
        dispatch.secret_keys,
        cluster_key,
        dispatch.owner,
        deposit,
        dispatch.gas_price,
        dispatch.deposit_per_item,
        dispatch.deposit_per_byte,
        dispatch.treasury_account,
    )


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("PHAT-55", "PHAT-6", "PHAT-12"))
def empty_system_code(b: CaseBuilder, setting: str) -> None:
    """Governance sets an empty system code: its hash is on chain, so `add_cluster` passes
    ([PHAT-6]), but the chain's `PinkSystemCode` is empty. The case sends the cluster key: w1
    reports `ClusterDeploymentFailed` (`NoPinkSystemCode`) and hosts nothing; w2, whose copy
    does not decrypt, halts: decryption comes first."""
    declare(b, setting, {"w1": "worker", "w2": "worker"}, gatekeeper_master_pubkey=MASTER.public)
    b.network_block([*enroll("w1", "w2"), system_code(b"")])
    b.network_block([add_cluster(b, "w1", "w2")])
    check(b.chain.phat.pink_system_code == b"", "an empty system code, whose hash is on chain")
    deploy = last_deploy(b)
    _, dispatch = key_messages(deploy, 3)
    w2_entry = dispatch.entry_for(KEYS["w2"].public)
    assert w2_entry is not None
    entries = (
        *((w, k) for w, k in dispatch.secret_keys if w != KEYS["w2"].public),
        (KEYS["w2"].public, EncryptedKey(w2_entry.ecdh_pubkey, b"\x01" * 80, w2_entry.iv)),
    )
    mixed = DispatchKeys(entries, *attrs_fields(dispatch))
    report = b.network_block([dispatch_to(b, setting, mixed)], observe=watch("w1", "w2"))
    check(
        report["halted"] == ["w2"]
        and hosted(b, "w1") is None
        and len(egress_of(report, "w1", "Worker")) == 1,
        "w1 reports NoPinkSystemCode; w2 halts on its key first [PHAT-55]",
    )
    b.network_block(observe=watch("w1"))
    check(
        [e["worker"] for e in event_list(b, "ClusterDeploymentFailed")] == [KEYS["w1"].public],
        "the chain deposits w1's failure [PHAT-26]",
    )


def attrs_fields(dispatch: DispatchKeys) -> tuple[Any, ...]:
    """``dispatch``'s fields after its map."""
    return (
        dispatch.cluster,
        dispatch.owner,
        dispatch.deposit,
        dispatch.gas_price,
        dispatch.deposit_per_item,
        dispatch.deposit_per_byte,
        dispatch.treasury_account,
    )


# --- Commands [PHAT-61]..[PHAT-64] ---------------------------------------------------------------


def deployed_cluster(b: CaseBuilder, setting: str) -> bytes:
    """Blocks 1 to 5: w1 and w2 host cluster 1 (the case plays the gatekeepers), bob's code is
    uploaded and his contract instantiated; returns the contract's id."""
    b.network_block([*enroll("w1", "w2"), system_code()])
    b.network_block([add_cluster(b, "w1", "w2")])
    extrinsics, _ = as_gatekeepers(b, setting, last_deploy(b), 3)
    b.network_block(extrinsics)
    b.network_block([upload(C1)])
    contract = user_contract(b)
    b.network_block([instantiate(C1)])
    return contract


@case_per_crypto(
    suite=SUITE,
    handler=HANDLER,
    clauses=("PHAT-61", "PHAT-62", "PHAT-63", "PHAT-64", "PHAT-65", "OFF-15", "MQ-9", "MQ-12"),
)
def commands_refused_or_skipped(b: CaseBuilder, setting: str) -> None:
    """w1 and w2 host cluster 1 and bob's contract. Block 6: commands from accounts: an
    undecodable envelope (skipped), an encrypted one sealed to another key and one whose
    one-time key is not a point (neither opens: skipped), a plain one that is not an ink
    command (`BadInput`), then a good one. Block 7: from a self-made worker key's origin, a
    good command (`BadOrigin`) and a bad one (`BadInput`: decoding comes first); from root's
    `Pallet("ForcePushed")`, a good one, called as the system contract, gas-free. Block 8: bob
    instantiates a second contract and charlie sends it a command in the same block: it is
    installed after the block's messages were dispatched, and never receives it. Block 9: an
    undecodable envelope from the `ForcePushed` pallet halts both workers."""
    declare(b, setting, {"w1": "worker", "w2": "worker"}, gatekeeper_master_pubkey=MASTER.public)
    contract = deployed_cluster(b, setting)
    good = COMMAND.encode()
    stranger_key = dev_keypair("phat/offchain/not the contract").public
    bad_point = b"\xff" * 32
    b.network_block(
        [
            push_command(contract, b"\x02undecodable", "charlie"),
            push_command(
                contract, cluster.encrypted_command(stranger_key, ONE_TIME_SEED, IV, good), "dave"
            ),
            push_command(contract, EncryptedCommand(IV, bad_point, good).encode(), "dave"),
            push_command(contract, cluster.plain_command(b"\x07not an ink command"), "dave"),
            push_command(contract, cluster.plain_command(good), "ferdie"),
        ],
        observe=watch("w1", "w2"),
    )
    got = records(b, "w1", contract)
    check(
        [(r.sender.id, r.error) for r in got]
        == [(b.account("dave"), "BadInput"), (b.account("ferdie"), None)],
        "three skipped, BadInput recorded, then the good command [PHAT-61] [PHAT-62]",
    )
    worker = MessageOrigin("Worker", STRANGER.public)
    topic = command_topic(contract)
    b.network_block(
        [
            *inject(
                b,
                setting,
                worker,
                topic,
                [cluster.plain_command(good), cluster.plain_command(b"\x01")],
                STRANGER,
            ),
            pallet_command(contract, cluster.plain_command(good)),
        ],
        observe=watch("w1", "w2"),
    )
    held = hosted(b, "w1")
    assert held is not None
    got = records(b, "w1", contract)[2:]
    check(
        [(r.sender.kind, r.error, r.caller, r.gas_free) for r in got]
        == [
            ("Worker", "BadOrigin", None, False),
            ("Worker", "BadInput", None, False),
            ("Pallet", None, held.system_contract, True),
        ],
        "BadOrigin; BadInput first; a pallet calls as the system contract [PHAT-62]",
    )
    second = contract_id(b.account("bob"), CODE_HASH, C1, b"second")
    b.network_block(
        [
            (
                PC + "instantiate_contract",
                {
                    "code_index": {"kind": "WasmCode", "code_hash": CODE_HASH},
                    "data": b"",
                    "salt": b"second",
                    "cluster_id": C1,
                    "transfer": 0,
                    "gas_limit": 1,
                    "storage_deposit_limit": 7,
                    "deposit": 0,
                },
                signed("bob"),
            ),
            push_command(second, cluster.plain_command(good), "charlie"),
        ],
        observe=watch("w1", "w2"),
    )
    check(
        records(b, "w1", second) == () and records(b, "w2", second) == (),
        "installed during the block: its command of that block is not read [PHAT-63]",
    )
    same_cluster(b, ("w1", "w2"), "both workers hold the same records [PHAT-64]")
    report = b.network_block(
        [pallet_command(contract, b"\x05")], observe=[("runtime", "w1"), ("runtime", "w2")]
    )
    check(report["halted"] == ["w1", "w2"], "a pallet's undecodable envelope halts [PHAT-61]")


# --- Leaving a cluster [PHAT-59] [PHAT-60] -----------------------------------------------------


@case_per_crypto(
    suite=SUITE, handler=HANDLER, clauses=("PHAT-58", "PHAT-59", "PHAT-60", "PHAT-14", "PHAT-8")
)
def removed_worker_and_destroyed_cluster(b: CaseBuilder, setting: str) -> None:
    """w1 and w2 host cluster 1. Block 6: alice deposits for dave, charlie uploads sidevm
    code, an account pushes `DestroyCluster(1)` from its own origin (ignored) and root pushes a
    `DestroyCluster` of cluster 2 (not hosted: ignored). Block 7: the owner removes w2 from the
    cluster: w2 exits, w1 goes on. Block 8: root destroys the cluster: w1 exits."""
    declare(b, setting, {"w1": "worker", "w2": "worker"}, gatekeeper_master_pubkey=MASTER.public)
    deployed_cluster(b, setting)
    b.network_block(
        [
            (
                PC + "transfer_to_cluster",
                {"amount": 40, "cluster_id": C1, "dest_account": b.account("dave")},
                signed("alice"),
            ),
            (
                PC + "cluster_upload_resource",
                {"cluster_id": C1, "resource_type": "SidevmCode", "resource_data": b"sidevm"},
                signed("charlie"),
            ),
            account_message(CLUSTER_KEY_TOPIC, DestroyCluster(C1).encode()),
            (
                "PhalaMq.force_push_pallet_message",
                {"destination": CLUSTER_KEY_TOPIC, "payload": DestroyCluster(C2).encode()},
                root(),
            ),
        ],
        observe=watch("w1", "w2"),
    )
    held = hosted(b, "w1")
    check(
        held is not None
        and dict(held.deposits) == {b.account("dave"): 40}
        and [u.resource_type for u in held.uploads] == ["InkCode", "SidevmCode"],
        "the deposit credited, the upload recorded, both destructions ignored [PHAT-58]..[PHAT-60]",
    )
    same_cluster(b, ("w1", "w2"), "both workers agree")
    report = b.network_block(
        [
            (
                PC + "remove_worker_from_cluster",
                {"worker_pubkey": KEYS["w2"].public, "cluster_id": C1},
                signed("alice"),
            )
        ],
        observe=watch("w1", "w2"),
    )
    check(report["halted"] == ["w2"], "the removed worker exits, the other goes on [PHAT-60]")
    report = b.network_block(
        [(PC + "cluster_destroy", {"cluster": C1}, root())], observe=watch("w1", "w2")
    )
    check(report["halted"] == ["w1"], "the destroyed cluster's worker exits [PHAT-60]")


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("OFF-20", "OFF-21", "PHAT-67"))
def hosting_worker_counts_its_cluster_in_heartbeats(b: CaseBuilder, setting: str) -> None:
    """w1 hosts cluster 1 with bob's contract. Root registers w1 and starts a session for it,
    then challenges every worker: w1's `HeartbeatV2` counts one cluster and the contracts it
    hosts, the system contract and bob's."""
    declare(b, setting, {"w1": "worker", "w2": "worker"}, gatekeeper_master_pubkey=MASTER.public)
    deployed_cluster(b, setting)
    w1 = KEYS["w1"].public
    push = "PhalaMq.force_push_pallet_message"
    events = [
        WorkerEventWithKey(w1, Registered(confidence_level=1)),
        WorkerEventWithKey(w1, Started(session_id=1, init_v=0, init_p=0)),
    ]
    b.network_block(
        [
            (push, {"destination": SYSTEM_EVENT_TOPIC, "payload": encode_payload(e)}, root())
            for e in events
        ]
    )
    challenge = HeartbeatChallenge(seed=0, online_target=U256_MAX)
    report = b.network_block(
        [(push, {"destination": SYSTEM_EVENT_TOPIC, "payload": encode_payload(challenge)}, root())]
    )
    (signed_heartbeat,) = egress_of(report, "w1", "Worker")
    heartbeat = decode_working_report(signed_heartbeat["message"]["payload"])
    held = hosted(b, "w1")
    check(held is not None and len(held.contracts) == 2, "the system contract and bob's")
    check(
        isinstance(heartbeat, HeartbeatV2)
        and (heartbeat.n_clusters, heartbeat.n_contracts) == (1, 2),
        f"one cluster and its two contracts counted, not {heartbeat}",
    )
    b.observe("runtime", "w1")
    # [PHAT-57]: code that was never uploaded to the cluster is not instantiated. [PHAT-63]: a
    # topic with the command topic's prefix and digits but another suffix, or another prefix
    # and the suffix, is no contract's command topic.
    contract = user_contract(b)
    other_hash = blake2b_256(b"phat offchain: code never uploaded")
    unknown = instantiate(C1)
    unknown[1]["code_index"] = {"kind": "WasmCode", "code_hash": other_hash}
    topic = command_topic(contract)
    digits = contract.hex().encode()
    near_misses = (topic[:-1] + b"X", b"phala/contracX/" + digits + b"/command")
    command = cluster.plain_command(COMMAND.encode())
    before = records(b, "w1", contract)
    report = b.network_block(
        [
            unknown,
            *(
                ("PhalaMq.push_message", {"destination": t, "payload": command}, signed("dave"))
                for t in near_misses
            ),
        ]
    )
    check(report["halted"] == [], "nobody halts")
    held = hosted(b, "w1")
    check(held is not None and len(held.contracts) == 2, "no contract installed")
    check(records(b, "w1", contract) == before, "no command delivered")
    b.observe("runtime_cluster", "w1")
