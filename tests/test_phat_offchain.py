"""[PHAT-50]..[PHAT-67]: the Phat Contracts' off-chain half: payload decoding, the cluster and
contract keys, the gatekeepers' deployment, a worker's hosted cluster and its commands."""

from __future__ import annotations

import hashlib
import hmac

import attrs

from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin, pallet_origin
from phala_spec.chain.phat_payloads import (
    CLUSTER_KEY_TOPIC,
    CLUSTER_REGISTRY_TOPIC,
    CONTRACT_OP_TOPIC,
    CONTRACT_REGISTRY_TOPIC,
    WORKER_CLUSTER_REPORT_TOPIC,
    ClusterDeployed,
    ClusterDeploymentFailed,
    ClusterPubkeyAvailable,
    ContractInfo,
    ContractPubkeyAvailable,
    DeployCluster,
    Deposit,
    DestroyCluster,
    DispatchKeys,
    EncryptedCommand,
    EncryptedKey,
    InkMessage,
    InstantiateCode,
    PlainCommand,
    RemoveWorker,
    UploadResource,
    command_topic,
    contract_id,
    decode_cluster_event,
    decode_cluster_operation,
    decode_command_envelope,
    decode_contract_operation,
    decode_ink_command,
    encode_encrypted_key,
    ink_message_payload,
)
from phala_spec.chain.registry_payloads import WorkerIdentity
from phala_spec.chain.system_payloads import (
    HeartbeatChallenge,
    HeartbeatV2,
    Registered,
    Started,
    WorkerEventWithKey,
)
from phala_spec.chain.worker_messages import (
    SYSTEM_EVENT_TOPIC,
    WORKING_REPORT_TOPIC,
    decode_working_report,
    encode_payload,
    topic_of,
)
from phala_spec.offchain import cluster, cluster_keys, master_key
from phala_spec.offchain.cluster import (
    BAD_ORIGIN,
    DUPLICATED_CLUSTER_DEPLOY,
    NO_CLUSTER_ON_GATEKEEPER,
    NO_PINK_SYSTEM_CODE,
    DeploymentFailed,
    Exit,
    OpenChannel,
    Report,
    SendAs,
)
from phala_spec.offchain.master_key import Halt, MasterKeys, RotatedKey, Send
from phala_spec.offchain.pruntime import (
    RuntimeConfig,
    RuntimeExited,
    RuntimeHalted,
    RuntimeState,
    SyncedBlock,
    new_runtime,
    process_block,
)
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.crypto import (
    KDF_SALT,
    Keypair,
    aead_encrypt,
    agree,
    dev_keypair,
    dev_seed,
    keypair_from_seed,
)

MASTER = dev_keypair("test-phat/master")
W1, W2, W3 = (dev_keypair(f"test-phat/w{i}") for i in (1, 2, 3))
OWNER, TREASURY = b"\x0a" * 32, b"\x0b" * 32
C1, C2 = (1).to_bytes(32, "big"), (2).to_bytes(32, "big")
SYSTEM_CODE = b"system code"
CODE = b"ink code"
PALLET = pallet_origin("PhalaPhatContracts")
ACCOUNT = MessageOrigin("AccountId", b"\x0c" * 32)
COMMAND = InkMessage(b"n", b"\x01\x02\x03", 7, 1_000, 9)


def hkdf_child(parent: Keypair, info: bytes) -> Keypair:
    """[CRYPTO-5] restated with hmac: HKDF-SHA256 extract and one expand block."""
    prk = hmac.new(KDF_SALT, parent.secret, hashlib.sha256).digest()
    return keypair_from_seed(hmac.new(prk, info + b"\x01", hashlib.sha256).digest())


def deploy_of(*workers: Keypair, cluster_id: bytes = C1) -> DeployCluster:
    return DeployCluster(
        OWNER,
        cluster_id,
        tuple(WorkerIdentity(w.public, w.ecdh_public) for w in workers),
        100,
        1,
        2,
        3,
        TREASURY,
    )


def holding(iv_seq: int = 0, launched: bool = True) -> MasterKeys:
    return MasterKeys(
        history=(RotatedKey(0, 0, MASTER),), active=True, iv_seq=iv_seq, launched=launched
    )


def dispatch_for(*workers: Keypair, cluster_id: bytes = C1) -> DispatchKeys:
    _, dispatch, _ = cluster_keys.cluster_key_messages(
        holding(), MASTER, 5, deploy_of(*workers, cluster_id=cluster_id)
    )
    return dispatch


def hosted_by(worker: Keypair, *listed: Keypair) -> cluster.HostedCluster:
    outcome = cluster.on_dispatch_keys(
        None, worker, False, GATEKEEPER, dispatch_for(*listed), SYSTEM_CODE, (1, 0)
    )
    assert not isinstance(outcome, Halt | Exit)
    hosted, _ = outcome
    assert hosted is not None
    return hosted


# --- Decoding [PHAT-50] ---------------------------------------------------------------------


def test_cluster_payloads_decode_their_leading_value() -> None:
    """[PHAT-50] [OFF-6]: every payload the chain sends decodes back, bytes after it ignored;
    a short payload, an unknown variant or resource type, an option flag of 2 does not."""
    deploy = deploy_of(W1, W2)
    assert decode_cluster_event(deploy.encode() + b"tail") == deploy
    assert decode_cluster_event(deploy.encode()[:-1]) is None
    assert decode_cluster_event(b"\x01" + deploy.encode()[1:]) is None
    operations = [
        dispatch_for(W1, W2),
        DestroyCluster(C1),
        UploadResource(OWNER, C1, "SidevmCode", b"code"),
        Deposit(C1, OWNER, 2**127),
        RemoveWorker(C1, W1.public),
    ]
    for operation in operations:
        assert decode_cluster_operation(operation.encode() + b"\x00") == operation
        assert decode_cluster_operation(operation.encode()[:-1]) is None
    upload = UploadResource(OWNER, C1, "InkCode", b"").encode()
    assert decode_cluster_operation(upload[:65] + b"\x03" + upload[66:]) is None
    assert decode_cluster_operation(b"\x05" + bytes(64)) is None
    info = ContractInfo(OWNER, b"\x01" * 32, b"salt", C1, b"data")
    for limit in (None, 5):
        instantiate = InstantiateCode(info, 1, 2, limit)
        assert decode_contract_operation(instantiate.encode()) == instantiate
    encoded = InstantiateCode(info, 1, 2, None).encode()
    assert decode_contract_operation(encoded[:-1] + b"\x02") is None
    assert decode_contract_operation(encoded[:33] + b"\x01" + encoded[34:]) is None


def test_dispatch_keys_map_keeps_the_later_entry() -> None:
    """[PHAT-50] [PHAT-53]: a worker listed twice keeps its later entry, encoded once."""
    first = EncryptedKey(b"\x01" * 32, b"first", b"\x02" * 12)
    second = EncryptedKey(b"\x03" * 32, b"second", b"\x04" * 12)
    dispatch = DispatchKeys(((W1.public, first), (W1.public, second)), C1, OWNER, 0, 0, 0, 0, OWNER)
    assert dispatch.secret_keys == ((W1.public, second),)
    entries = b"".join(W1.public + encode_encrypted_key(k) for k in (first, second))
    rest = dispatch.encode()[2 + 32 + len(encode_encrypted_key(second)) :]
    decoded = decode_cluster_operation(b"\x00\x08" + entries + rest)
    assert decoded == dispatch


def test_command_envelope_and_ink_command() -> None:
    """[PHAT-61] [PHAT-62]: a plain envelope takes every byte; an encrypted one is iv, pubkey,
    then a vector; an ink command's nonce is at most 32 bytes."""
    assert decode_command_envelope(b"\x00abc") == PlainCommand(b"abc")
    assert decode_command_envelope(b"\x00") == PlainCommand(b"")
    sealed = EncryptedCommand(b"\x01" * 12, b"\x02" * 32, b"ciphertext")
    assert decode_command_envelope(sealed.encode() + b"more") == sealed
    assert decode_command_envelope(sealed.encode()[:-1]) is None
    assert decode_command_envelope(b"") is None
    assert decode_command_envelope(b"\x02abc") is None
    assert decode_ink_command(COMMAND.encode() + b"x") == COMMAND
    assert decode_ink_command(b"\x01" + COMMAND.encode()[1:]) is None
    assert decode_ink_command(InkMessage(b"n" * 32, b"", 0, 0, None).encode()) is not None
    assert decode_ink_command(InkMessage(b"n" * 33, b"", 0, 0, None).encode()) is None
    assert ink_message_payload(b"m") == b"\x00" + InkMessage(b"", b"m", 0, 2**64 - 1, None).encode()


def test_phat_reports_have_their_topics() -> None:
    """[PHAT-20] [PHAT-23]: what the runtimes send goes to its topic, encoded as itself."""
    cases = [
        (ClusterPubkeyAvailable(C1, W1.public), CLUSTER_REGISTRY_TOPIC),
        (dispatch_for(W1), CLUSTER_KEY_TOPIC),
        (ClusterDeployed(C1, W1.public), WORKER_CLUSTER_REPORT_TOPIC),
        (ClusterDeploymentFailed(C1), WORKER_CLUSTER_REPORT_TOPIC),
        (ContractPubkeyAvailable(C1, W1.public, OWNER), CONTRACT_REGISTRY_TOPIC),
    ]
    for payload, topic in cases:
        assert topic_of(payload) == topic and encode_payload(payload) == payload.encode()


# --- Keys and the gatekeepers [PHAT-51]..[PHAT-53] ------------------------------------------------


def test_cluster_and_contract_keys_are_hkdf_children() -> None:
    """[PHAT-51]: the info is the label and the 32-byte id, concatenated."""
    cluster_key = cluster_keys.derive_cluster_key(MASTER, C1)
    assert cluster_key == hkdf_child(MASTER, b"cluster_key" + C1)
    assert cluster_key != cluster_keys.derive_cluster_key(MASTER, C2)
    contract = b"\x33" * 32
    assert cluster_keys.derive_contract_key(cluster_key, contract) == hkdf_child(
        cluster_key, b"contract_key" + contract
    )


def test_the_cluster_key_is_sealed_to_each_worker_in_order() -> None:
    """[PHAT-53] [KEY-5] [KEY-6]: one IV per worker, from the same counter, the one-time key the
    master key's `cluster_key_sharing` child; only the listed worker opens its copy."""
    available, dispatch, after = cluster_keys.cluster_key_messages(
        holding(iv_seq=3), MASTER, 7, deploy_of(W2, W1)
    )
    cluster_key = cluster_keys.derive_cluster_key(MASTER, C1)
    assert available == ClusterPubkeyAvailable(C1, cluster_key.public)
    assert after.iv_seq == 5
    one_time = hkdf_child(MASTER, b"cluster_key_sharing").public
    for seq, worker in ((3, W2), (4, W1)):
        entry = dispatch.entry_for(worker.public)
        assert entry is not None and entry.ecdh_pubkey == one_time
        assert entry.iv == master_key.generate_iv(MasterKeys(iv_seq=seq), MASTER, 7)[0]
        opened = master_key.decrypt_key(worker, entry)
        assert opened is not None and opened.secret == cluster_key.secret
        assert master_key.decrypt_key(W3, entry) is None
    assert [w for w, _ in dispatch.secret_keys] == sorted([W1.public, W2.public])
    assert (dispatch.owner, dispatch.deposit, dispatch.treasury_account) == (OWNER, 100, TREASURY)


def test_deploy_cluster_at_a_gatekeeper() -> None:
    """[PHAT-52]: only from a pallet and once launched; without the key it is journaled; with
    it, the two messages signed by the key in force; a bad agreement key halts."""
    deploy = deploy_of(W1)
    keys = holding()
    assert cluster_keys.on_deploy_cluster(keys, 5, ACCOUNT, deploy) == (keys, ())
    assert cluster_keys.on_deploy_cluster(holding(launched=False), 5, PALLET, deploy) == (
        holding(launched=False),
        (),
    )
    keyless = MasterKeys(launched=True)
    outcome = cluster_keys.on_deploy_cluster(keyless, 5, PALLET, deploy)
    assert outcome == (
        MasterKeys(launched=True, journal=(cluster_keys.ClusterDeploy(5, deploy),)),
        (),
    )
    outcome = cluster_keys.on_deploy_cluster(keys, 5, PALLET, deploy)
    assert not isinstance(outcome, Halt)
    after, effects = outcome
    available, dispatch, expected = cluster_keys.cluster_key_messages(keys, MASTER, 5, deploy)
    assert after == expected
    signer = keys.current
    assert signer is not None and signer.secret == MASTER.secret
    assert effects == (Send("gatekeeper", available, signer), Send("gatekeeper", dispatch, signer))
    bad = attrs.evolve(deploy, workers=(WorkerIdentity(W1.public, b"\xff" * 32),))
    assert isinstance(cluster_keys.on_deploy_cluster(keys, 5, PALLET, bad), Halt)


def test_a_journaled_deployment_replays_its_messages_and_ivs() -> None:
    """[KEY-10] [PHAT-52]: the replay counts the two messages and draws one IV per worker."""
    entry = cluster_keys.ClusterDeploy(5, deploy_of(W1, W2))
    after, counted = entry.replay(holding(iv_seq=1), MASTER)
    assert counted == 2 and after.iv_seq == 3
    keyless = MasterKeys(launched=True, journal=(entry,))
    outcome = master_key.resync(keyless, MASTER, (RotatedKey(0, 0, MASTER),))
    assert not isinstance(outcome, Halt)
    keys, effects = outcome
    assert keys.iv_seq == 2 and keys.journal == ()
    assert effects[0] == master_key.Count(2)


# --- A worker's cluster [PHAT-54]..[PHAT-60] --------------------------------------------------------


def test_dispatch_keys_checks_in_order() -> None:
    """[PHAT-55]: each input fails two checks and gets the first one's result."""
    listed = dispatch_for(W1)
    unlisted = dispatch_for(W2)
    hosted = hosted_by(W1, W1)
    broken = DispatchKeys(
        ((W1.public, EncryptedKey(b"\x01" * 32, b"\x00" * 80, b"\x00" * 12)),),
        C2,
        OWNER,
        0,
        0,
        0,
        0,
        OWNER,
    )

    check = cluster.check_dispatch_keys
    assert check(None, W1, True, ACCOUNT, unlisted, b"") == DeploymentFailed(BAD_ORIGIN)
    assert check(None, W1, True, GATEKEEPER, unlisted, b"") == DeploymentFailed(
        NO_CLUSTER_ON_GATEKEEPER
    )
    assert check(hosted, W1, False, GATEKEEPER, unlisted, b"") is None
    assert isinstance(check(hosted, W1, False, GATEKEEPER, broken, b""), Halt)
    assert check(hosted, W1, False, GATEKEEPER, listed, b"") == DeploymentFailed(
        DUPLICATED_CLUSTER_DEPLOY
    )
    assert check(None, W1, False, GATEKEEPER, listed, b"") == DeploymentFailed(NO_PINK_SYSTEM_CODE)
    key = check(None, W1, False, GATEKEEPER, listed, SYSTEM_CODE)
    assert isinstance(key, Keypair)
    assert key.secret == cluster_keys.derive_cluster_key(MASTER, C1).secret


def test_a_listed_worker_sets_the_cluster_up_and_reports() -> None:
    """[PHAT-55] [PHAT-56]: the cluster channel, the system contract installed and reported
    from the cluster's origin, then ClusterDeployed; a failure is reported whatever the error."""
    outcome = cluster.on_dispatch_keys(
        None, W1, False, GATEKEEPER, dispatch_for(W1, W2), SYSTEM_CODE, (1, 0)
    )
    assert not isinstance(outcome, Halt | Exit)
    hosted, effects = outcome
    assert hosted is not None
    cluster_key = cluster_keys.derive_cluster_key(MASTER, C1)
    system = contract_id(OWNER, blake2b_256(SYSTEM_CODE), C1, b"")
    system_key = cluster_keys.derive_contract_key(cluster_key, system)
    assert hosted.system_contract == system and hosted.runtime_version == (1, 0)
    assert hosted.key.public == cluster_key.public and list(hosted.contracts) == [system]
    cluster_origin = MessageOrigin("Cluster", C1)
    assert effects == (
        OpenChannel(cluster_origin),
        OpenChannel(MessageOrigin("Contract", system)),
        SendAs(
            cluster_origin, ContractPubkeyAvailable(system, system_key.public, OWNER), hosted.key
        ),
        Report(ClusterDeployed(C1, cluster_key.public)),
    )
    assert cluster.on_dispatch_keys(
        hosted, W1, False, GATEKEEPER, dispatch_for(W1), SYSTEM_CODE, None
    ) == (hosted, (Report(ClusterDeploymentFailed(C1)),))
    assert cluster.on_dispatch_keys(
        None, W3, False, GATEKEEPER, dispatch_for(W1), SYSTEM_CODE, None
    ) == (None, ())


def test_instantiation_needs_a_pallet_the_cluster_and_uploaded_ink_code() -> None:
    """[PHAT-57] [PHAT-58]: the id is the chain's; sidevm code does not instantiate; an installed
    id is not installed again."""
    hosted = hosted_by(W1, W1)
    info = ContractInfo(OWNER, blake2b_256(CODE), b"salt", C1, b"")
    op = InstantiateCode(info, 0, 0, None)
    assert cluster.on_instantiate_code(hosted, PALLET, op) == (hosted, ())
    sidevm = UploadResource(OWNER, C1, "SidevmCode", CODE)
    with_sidevm, _ = cluster.on_upload_resource(hosted, PALLET, sidevm)
    assert cluster.on_instantiate_code(with_sidevm, PALLET, op) == (with_sidevm, ())
    ink = UploadResource(OWNER, C1, "IndeterministicInkCode", CODE)
    assert cluster.on_upload_resource(hosted, ACCOUNT, ink) == (hosted, ())
    uploaded, _ = cluster.on_upload_resource(hosted, PALLET, ink)
    assert uploaded.uploads[-1] == cluster.Upload(
        OWNER, "IndeterministicInkCode", blake2b_256(CODE)
    )
    assert cluster.on_instantiate_code(uploaded, ACCOUNT, op) == (uploaded, ())
    elsewhere = InstantiateCode(attrs.evolve(info, cluster_id=C2), 0, 0, None)
    assert cluster.on_instantiate_code(uploaded, PALLET, elsewhere) == (uploaded, ())
    installed, effects = cluster.on_instantiate_code(uploaded, PALLET, op)
    contract = contract_id(OWNER, blake2b_256(CODE), C1, b"salt")
    assert contract in installed.contracts and len(effects) == 2
    assert cluster.on_instantiate_code(installed, PALLET, op) == (installed, ())


def test_deposits_add_up_and_only_a_pallet_makes_the_worker_exit() -> None:
    """[PHAT-59] [PHAT-60]."""
    hosted = hosted_by(W1, W1)
    once, _ = cluster.on_deposit(hosted, PALLET, Deposit(C1, OWNER, 5))
    twice, _ = cluster.on_deposit(once, PALLET, Deposit(C1, OWNER, 7))
    assert dict(twice.deposits) == {OWNER: 12}
    assert cluster.on_deposit(hosted, ACCOUNT, Deposit(C1, OWNER, 5)) == (hosted, ())
    assert cluster.on_deposit(hosted, PALLET, Deposit(C2, OWNER, 5)) == (hosted, ())
    assert cluster.on_destroy_cluster(hosted, ACCOUNT, DestroyCluster(C1)) == (hosted, ())
    assert cluster.on_destroy_cluster(hosted, PALLET, DestroyCluster(C2)) == (hosted, ())
    assert isinstance(cluster.on_destroy_cluster(hosted, PALLET, DestroyCluster(C1)), Exit)
    assert cluster.on_remove_worker(hosted, W1, PALLET, RemoveWorker(C1, W2.public)) == (hosted, ())
    assert isinstance(
        cluster.on_remove_worker(hosted, W1, PALLET, RemoveWorker(C1, W1.public)), Exit
    )
    assert cluster.on_remove_worker(None, W1, PALLET, RemoveWorker(C1, W1.public)) == (None, ())


# --- Commands [PHAT-61]..[PHAT-65] ----------------------------------------------------------------


def test_commands_open_decode_and_map_their_caller() -> None:
    """[PHAT-61] [PHAT-62] [PHAT-64] [PHAT-65]."""
    hosted = hosted_by(W1, W1)
    contract = hosted.contracts[hosted.system_contract]

    def recorded(sender: MessageOrigin, payload: bytes) -> tuple[cluster.CommandRecord, ...] | Halt:
        result = cluster.on_command(hosted, contract, 4, sender, payload)
        return result if isinstance(result, Halt) else result.commands

    plain = cluster.plain_command(COMMAND.encode())
    (record,) = recorded(ACCOUNT, plain)
    assert record == cluster.CommandRecord(4, ACCOUNT, False, COMMAND, ACCOUNT.id, False, None)
    sealed = cluster.encrypted_command(
        contract.key.public, dev_seed("user"), b"\x05" * 12, COMMAND.encode()
    )
    (record,) = recorded(ACCOUNT, sealed)
    assert record.encrypted and record.command == COMMAND
    one_time = keypair_from_seed(dev_seed("user"))
    expected = aead_encrypt(agree(one_time, contract.key.public), b"\x05" * 12, COMMAND.encode())
    assert sealed == EncryptedCommand(b"\x05" * 12, one_time.public, expected).encode()
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert recorded(ACCOUNT, tampered) == ()
    assert recorded(ACCOUNT, EncryptedCommand(b"\x05" * 12, b"\xff" * 32, expected).encode()) == ()
    assert recorded(ACCOUNT, b"\x03") == ()
    assert isinstance(recorded(MessageOrigin("Worker", W2.public), b"\x03"), Halt)
    assert isinstance(recorded(PALLET, b""), Halt)
    assert recorded(MessageOrigin("Contract", C2), b"\x03") == ()
    (record,) = recorded(PALLET, plain)
    assert (record.caller, record.gas_free, record.error) == (hosted.system_contract, True, None)
    worker = MessageOrigin("Worker", W2.public)
    (record,) = recorded(worker, plain)
    assert (record.caller, record.error, record.command) == (None, "BadOrigin", COMMAND)
    (record,) = recorded(worker, cluster.plain_command(b"\x09"))
    assert (record.error, record.command) == ("BadInput", None)


# --- The runtime [PHAT-54] [PHAT-60] [PHAT-63] [OFF-21] -------------------------------------------


def block(number: int, *messages: Message, code: bytes = SYSTEM_CODE) -> SyncedBlock:
    return SyncedBlock(number, number * 12_000, messages, pink_system_code=code)


def hosting_runtime() -> tuple[RuntimeState, bytes]:
    runtime = new_runtime(dev_seed("test-phat/w1"), RuntimeConfig())
    dispatch = Message(GATEKEEPER, CLUSTER_KEY_TOPIC, dispatch_for(W1).encode())
    runtime, egress = process_block(runtime, block(1, dispatch))
    assert runtime.cluster is not None and len(egress) == 2
    upload = Message(PALLET, CLUSTER_KEY_TOPIC, UploadResource(OWNER, C1, "InkCode", CODE).encode())
    info = ContractInfo(OWNER, blake2b_256(CODE), b"s", C1, b"")
    op = Message(PALLET, CONTRACT_OP_TOPIC, InstantiateCode(info, 0, 0, None).encode())
    contract = contract_id(OWNER, blake2b_256(CODE), C1, b"s")
    command = Message(ACCOUNT, command_topic(contract), cluster.plain_command(COMMAND.encode()))
    runtime, _ = process_block(runtime, block(2, upload, command, op, command))
    assert runtime.cluster is not None
    assert runtime.cluster.contracts[contract].commands == ()
    runtime, _ = process_block(runtime, block(3, command))
    assert runtime.cluster is not None
    assert len(runtime.cluster.contracts[contract].commands) == 1
    return runtime, contract


def test_commands_reach_contracts_hosted_when_the_block_began() -> None:
    """[PHAT-63]: a command in the block that installs its contract is not read."""
    hosting_runtime()


def test_a_hosting_worker_counts_its_cluster_in_heartbeats() -> None:
    """[OFF-21] [PHAT-54]: one cluster, its contracts with the system contract."""
    runtime, _ = hosting_runtime()
    pk = W1.public
    events = [
        WorkerEventWithKey(pk, Registered(128)),
        WorkerEventWithKey(pk, Started(1, 0, 0)),
    ]
    messages = [Message(PALLET, SYSTEM_EVENT_TOPIC, encode_payload(e)) for e in events]
    digest = int.from_bytes(blake2b_256(pk), "big")
    challenge = HeartbeatChallenge(digest, 0)
    messages.append(Message(PALLET, SYSTEM_EVENT_TOPIC, encode_payload(challenge)))
    runtime, egress = process_block(runtime, block(4, *messages))
    (heartbeat,) = [
        decode_working_report(m.message.payload)
        for m in egress
        if m.message.destination == WORKING_REPORT_TOPIC
    ]
    assert isinstance(heartbeat, HeartbeatV2)
    assert (heartbeat.n_clusters, heartbeat.n_contracts) == (1, 2)


def test_a_destroyed_cluster_stops_its_worker_as_before_the_block() -> None:
    """[PHAT-60]: the runtime as before the block, exited on the message; nothing more."""
    runtime, _ = hosting_runtime()
    destroy = Message(PALLET, CLUSTER_KEY_TOPIC, DestroyCluster(C1).encode())
    stopped, egress = process_block(runtime, block(4, destroy))
    assert egress == ()
    assert stopped.halted == RuntimeExited(
        4, 0, PALLET, CLUSTER_KEY_TOPIC, "the cluster was destroyed"
    )
    assert attrs.evolve(stopped, halted=None) == runtime
    assert process_block(stopped, block(5)) == (stopped, ())
    undecodable = Message(PALLET, CLUSTER_KEY_TOPIC, b"\x09")
    halted, _ = process_block(runtime, block(4, undecodable))
    assert isinstance(halted.halted, RuntimeHalted)


def test_command_target_agrees_with_the_listed_topics() -> None:
    """[PHAT-63] The O(log n) lookup gives what the list of every hosted topic gives, for hosted
    ids, unknown ids, uppercase digits and near-misses."""
    from phala_spec.models.phat_offchain import PEOPLE, PhatOffchainMachine

    m = PhatOffchainMachine()
    m.genesis("oracle")
    m.add_cluster(["w1"], 0)
    m.deploy_contract(PEOPLE[1], 0, b"", 0)
    hosted = m.net.runtimes["w1"].cluster
    assert hosted is not None and len(hosted.contracts) == 2
    listed = cluster.command_topics(hosted)
    hosted_id = next(iter(hosted.contracts))
    good = command_topic(hosted_id)
    topics = [
        *listed,
        command_topic(bytes(32)),
        good.upper(),
        good.replace(hosted_id.hex().encode(), hosted_id.hex().upper().encode()),
        good + b"x",
        good[:-1],
        b"phala/contract/zz" + good[17:],
        b"",
    ]
    for topic in topics:
        assert cluster.command_target(hosted, topic) == listed.get(topic)
    assert cluster.command_target(None, good) is None
