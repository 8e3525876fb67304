"""A worker's Phat Contracts cluster: the key it receives, the contracts it hosts, the
commands they receive [PHAT-54]..[PHAT-65].

A worker listed in a cluster's ``DispatchKeys`` decrypts the cluster key and
creates the cluster ([PHAT-55]); from then on it installs the contracts the
chain instantiates there, each with a key derived from the cluster's
([PHAT-56], [PHAT-57]), records the code uploaded and the deposits made
([PHAT-58], [PHAT-59]), and stops when its cluster is destroyed or it is
removed from it ([PHAT-60]). Users and pallets send commands to a contract's
topic, plain or encrypted to the contract's key ([PHAT-61]); the contract
receives each command in chain order ([PHAT-62], [PHAT-63]).

The contracts themselves (the pink runtime, a wasm engine) are out of scope:
a *stand-in contract* records every command it is handed, so that the
workers of a cluster can be compared byte for byte ([PHAT-64]).

Every rule is a pure function of the runtime's hosted cluster (or ``None``)
and what the block shows; it returns the new hosted cluster and the effects
the runtime applies to its send queue, in order (:class:`Report`,
:class:`OpenChannel`, :class:`SendAs`), or stops the runtime (:class:`Exit`,
or :class:`~.master_key.Halt` where production panics). The runtime
(:mod:`.pruntime`) routes the messages here.

Entry points: :func:`on_cluster_operation`, :func:`on_contract_operation`,
:func:`command_topics`, :func:`on_command`, and the user's side
:func:`plain_command` and :func:`encrypted_command`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import immutables

from ..chain.messages import MessageOrigin
from ..chain.phat_payloads import (
    ClusterDeployed,
    ClusterDeploymentFailed,
    ClusterOperation,
    ContractPubkeyAvailable,
    Deposit,
    DestroyCluster,
    DispatchKeys,
    EncryptedCommand,
    InkMessage,
    InstantiateCode,
    PlainCommand,
    RemoveWorker,
    UploadResource,
    WorkerClusterReport,
    command_topic,
    contract_id,
    decode_command_envelope,
    decode_ink_command,
)
from ..chain.worker_messages import Payload
from ..primitives.codec import blake2b_256, to_data
from ..primitives.crypto import Keypair, aead_decrypt, aead_encrypt, agree, keypair_from_seed
from ..primitives.records import evolve
from .cluster_keys import derive_contract_key
from .master_key import Halt, decrypt_key

# The kinds of code a contract can be instantiated from ([PHAT-57]); sidevm code is not one.
INK_CODE_KINDS = ("InkCode", "IndeterministicInkCode")

# Production's names of the deployment errors [PHAT-55] and the command errors [PHAT-62].
BAD_ORIGIN = "BadOrigin"
NO_CLUSTER_ON_GATEKEEPER = "NoClusterOnGatekeeper"
DUPLICATED_CLUSTER_DEPLOY = "DuplicatedClusterDeploy"
NO_PINK_SYSTEM_CODE = "NoPinkSystemCode"
BAD_INPUT = "BadInput"


def cluster_origin(cluster: bytes) -> MessageOrigin:
    """``Cluster(id)``: the origin a cluster's messages are sent from [PHAT-56]."""
    return MessageOrigin("Cluster", cluster)


def contract_origin(contract: bytes) -> MessageOrigin:
    """``Contract(id)``: the origin a contract's messages are sent from [PHAT-56]."""
    return MessageOrigin("Contract", contract)


# --- The hosted cluster [PHAT-54] ----------------------------------------------------------


@attrs.frozen
class Upload:
    """A resource uploaded to the cluster: who uploaded it, its type, the BLAKE2b-256 of its
    bytes [PHAT-58]."""

    origin: bytes
    resource_type: str
    code_hash: bytes


@attrs.frozen
class CommandRecord:
    """What the stand-in contract received: one command, as it was handed to it [PHAT-64].

    ``block``: the block it came in; ``sender``: the message's origin;
    ``encrypted``: whether its envelope was; ``command``: the decoded ink
    command, or ``None`` if its bytes were not one; ``caller`` and
    ``gas_free``: the origin mapping of [PHAT-62] (``None`` and false when the
    command failed); ``error``: ``BadInput``, ``BadOrigin`` or ``None``.
    """

    block: int
    sender: MessageOrigin
    encrypted: bool
    command: InkMessage | None
    caller: bytes | None
    gas_free: bool
    error: str | None


@attrs.frozen
class HostedContract:
    """A contract a worker hosts: its id, its key, who deployed it from which code, and what
    the stand-in received [PHAT-54] [PHAT-56]."""

    id: bytes
    key: Keypair
    deployer: bytes
    code_hash: bytes
    commands: tuple[CommandRecord, ...] = ()

    def __data__(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "pubkey": self.key.public,
            "deployer": self.deployer,
            "code_hash": self.code_hash,
            "commands": [to_data(c) for c in self.commands],
        }


def _contracts() -> immutables.Map[bytes, HostedContract]:
    return immutables.Map()


def _deposits() -> immutables.Map[bytes, int]:
    return immutables.Map()


@attrs.frozen
class HostedCluster:
    """The cluster a worker hosts [PHAT-54].

    ``id`` and ``key``: the cluster and its key; ``owner``, ``deposit``,
    ``gas_price``, ``deposit_per_item``, ``deposit_per_byte``,
    ``treasury_account``: the parameters ``DispatchKeys`` carried, with which
    the cluster was set up; ``runtime_version``: the chain's
    ``PinkRuntimeVersion`` then; ``system_contract``: the system contract's id
    ([PHAT-3]); ``contracts``: the contracts it hosts by id; ``uploads``: the
    code uploaded, in order; ``deposits``: account → the sum deposited for it.
    """

    id: bytes
    key: Keypair
    owner: bytes
    deposit: int
    gas_price: int
    deposit_per_item: int
    deposit_per_byte: int
    treasury_account: bytes
    runtime_version: tuple[int, int] | None
    system_contract: bytes
    contracts: immutables.Map[bytes, HostedContract] = attrs.field(factory=_contracts)
    uploads: tuple[Upload, ...] = ()
    deposits: immutables.Map[bytes, int] = attrs.field(factory=_deposits)

    def __data__(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "pubkey": self.key.public,
            "owner": self.owner,
            "deposit": self.deposit,
            "gas_price": self.gas_price,
            "deposit_per_item": self.deposit_per_item,
            "deposit_per_byte": self.deposit_per_byte,
            "treasury_account": self.treasury_account,
            "runtime_version": None if self.runtime_version is None else list(self.runtime_version),
            "system_contract": self.system_contract,
            "contracts": [to_data(self.contracts[c]) for c in sorted(self.contracts)],
            "uploads": [to_data(u) for u in self.uploads],
            "deposits": dict(self.deposits),
        }


# --- Effects and outcomes ------------------------------------------------------------------


@attrs.frozen
class Report:
    """Send a deployment report from the runtime's ``Worker`` origin, signed by its identity."""

    payload: WorkerClusterReport


@attrs.frozen
class OpenChannel:
    """Open ``sender``'s channel, live, at sequence 0 [OFF-7]."""

    sender: MessageOrigin


@attrs.frozen
class SendAs:
    """Queue ``payload`` on ``sender``'s channel, signed by ``signer`` [OFF-8]."""

    sender: MessageOrigin
    payload: Payload
    signer: Keypair


@attrs.frozen
class Exit:
    """The worker process exits: the runtime stops [PHAT-60]."""

    reason: str


Effect = Report | OpenChannel | SendAs
Outcome = tuple[HostedCluster | None, tuple[Effect, ...]] | Halt | Exit


# --- Deployment [PHAT-55] [PHAT-56] --------------------------------------------------------------


@attrs.frozen
class DeploymentFailed:
    """A ``DispatchKeys`` the runtime refuses, with production's error [PHAT-55]."""

    error: str


def check_dispatch_keys(
    hosted: HostedCluster | None,
    identity: Keypair,
    gatekeeper_role: bool,
    sender: MessageOrigin,
    event: DispatchKeys,
    system_code: bytes,
) -> Keypair | DeploymentFailed | Halt | None:
    """``DispatchKeys``' checks in production's order [PHAT-55].

    1. the ``Gatekeeper`` origin, else ``BadOrigin``;
    2. the runtime is no gatekeeper, else ``NoClusterOnGatekeeper``;
    3. the map lists the runtime, else ``None`` (nothing to do);
    4. its entry decrypts to a key with the identity's agreement key, else
       the runtime halts (production panics);
    5. the runtime hosts no cluster, else ``DuplicatedClusterDeploy``;
    6. the chain's system code is not empty, else ``NoPinkSystemCode``.

    Returns the cluster key when every check passes.
    """
    if sender.kind != "Gatekeeper":
        return DeploymentFailed(BAD_ORIGIN)
    if gatekeeper_role:
        return DeploymentFailed(NO_CLUSTER_ON_GATEKEEPER)
    sealed = event.entry_for(identity.public)
    if sealed is None:
        return None
    cluster_key = decrypt_key(identity, sealed)
    if cluster_key is None:
        return Halt("a cluster key sent to this worker does not decrypt")
    if hosted is not None:
        return DeploymentFailed(DUPLICATED_CLUSTER_DEPLOY)
    if not system_code:
        return DeploymentFailed(NO_PINK_SYSTEM_CODE)
    return cluster_key


def install_contract(
    cluster: HostedCluster, contract: bytes, deployer: bytes, code_hash: bytes
) -> tuple[HostedCluster, tuple[Effect, ...]]:
    """Install a contract in the cluster [PHAT-56]: its key is the cluster key's child at its id
    ([PHAT-51]); its ``Contract(id)`` channel opens; the cluster reports the key with
    ``ContractRegistryEvent::PubkeyAvailable{contract, pubkey, deployer}`` from ``Cluster(id)``,
    signed with the cluster key. Its commands are read from the next block on ([PHAT-63])."""
    key = derive_contract_key(cluster.key, contract)
    hosted = HostedContract(contract, key, deployer, code_hash)
    cluster = evolve(cluster, contracts=cluster.contracts.set(contract, hosted))
    report = ContractPubkeyAvailable(contract, key.public, deployer)
    return cluster, (
        OpenChannel(contract_origin(contract)),
        SendAs(cluster_origin(cluster.id), report, cluster.key),
    )


def setup_cluster(
    event: DispatchKeys,
    cluster_key: Keypair,
    system_code: bytes,
    runtime_version: tuple[int, int] | None,
) -> tuple[HostedCluster, tuple[Effect, ...]]:
    """Create the cluster ``DispatchKeys`` names and set it up [PHAT-55]: the ``Cluster(id)``
    channel opens, and the system contract (deployer the owner, the chain's system code, no
    salt, [PHAT-3]) is installed like any contract [PHAT-56]."""
    code_hash = blake2b_256(system_code)
    system = contract_id(event.owner, code_hash, event.cluster, b"")
    cluster = HostedCluster(
        id=event.cluster,
        key=cluster_key,
        owner=event.owner,
        deposit=event.deposit,
        gas_price=event.gas_price,
        deposit_per_item=event.deposit_per_item,
        deposit_per_byte=event.deposit_per_byte,
        treasury_account=event.treasury_account,
        runtime_version=runtime_version,
        system_contract=system,
    )
    cluster, installed = install_contract(cluster, system, event.owner, code_hash)
    return cluster, (OpenChannel(cluster_origin(event.cluster)), *installed)


def on_dispatch_keys(
    hosted: HostedCluster | None,
    identity: Keypair,
    gatekeeper_role: bool,
    sender: MessageOrigin,
    event: DispatchKeys,
    system_code: bytes,
    runtime_version: tuple[int, int] | None,
) -> Outcome:
    """``ClusterOperation::DispatchKeys`` at a runtime [PHAT-55].

    After :func:`check_dispatch_keys`: a listed worker sets the cluster up and
    reports ``ClusterDeployed{id, pubkey}``; a refused message is reported as
    ``ClusterDeploymentFailed{id}`` (whatever the error, listed or not); an
    unlisted worker does nothing; a key that does not decrypt halts it.
    """
    checked = check_dispatch_keys(hosted, identity, gatekeeper_role, sender, event, system_code)
    if checked is None:
        return hosted, ()
    if isinstance(checked, Halt):
        return checked
    if isinstance(checked, DeploymentFailed):
        return hosted, (Report(ClusterDeploymentFailed(event.cluster)),)
    cluster, effects = setup_cluster(event, checked, system_code, runtime_version)
    return cluster, (*effects, Report(ClusterDeployed(event.cluster, checked.public)))


# --- What the chain sends a cluster's workers [PHAT-57]..[PHAT-60] -------------------------------


def _hosting(hosted: HostedCluster | None, sender: MessageOrigin, cluster: bytes) -> bool:
    """A pallet's operation on the cluster this runtime hosts [PHAT-57]..[PHAT-60]."""
    return sender.kind == "Pallet" and hosted is not None and hosted.id == cluster


def on_instantiate_code(
    hosted: HostedCluster | None, sender: MessageOrigin, operation: InstantiateCode
) -> Outcome:
    """``ContractOperation::InstantiateCode`` [PHAT-57]: from a pallet, for the hosted cluster,
    from ink code uploaded to it, for an id not installed yet; the id is the chain's
    ([PHAT-3]) and the contract is installed with its deployer [PHAT-56]. Anything else
    changes nothing."""
    info = operation.contract_info
    if not _hosting(hosted, sender, info.cluster_id):
        return hosted, ()
    assert hosted is not None
    uploaded = any(
        u.code_hash == info.code_hash and u.resource_type in INK_CODE_KINDS for u in hosted.uploads
    )
    contract = contract_id(info.deployer, info.code_hash, info.cluster_id, info.salt)
    if not uploaded or contract in hosted.contracts:
        return hosted, ()
    return install_contract(hosted, contract, info.deployer, info.code_hash)


def on_upload_resource(
    hosted: HostedCluster | None, sender: MessageOrigin, operation: UploadResource
) -> Outcome:
    """``ClusterOperation::UploadResource`` [PHAT-58]: from a pallet, for the hosted cluster,
    the upload is recorded with the BLAKE2b-256 of its bytes."""
    if not _hosting(hosted, sender, operation.cluster_id):
        return hosted, ()
    assert hosted is not None
    upload = Upload(operation.origin, operation.resource_type, blake2b_256(operation.resource_data))
    return evolve(hosted, uploads=(*hosted.uploads, upload)), ()


def on_deposit(hosted: HostedCluster | None, sender: MessageOrigin, operation: Deposit) -> Outcome:
    """``ClusterOperation::Deposit`` [PHAT-59]: from a pallet, for the hosted cluster, the
    account is credited the amount."""
    if not _hosting(hosted, sender, operation.cluster_id):
        return hosted, ()
    assert hosted is not None
    total = hosted.deposits.get(operation.account, 0) + operation.amount
    return evolve(hosted, deposits=hosted.deposits.set(operation.account, total)), ()


def on_destroy_cluster(
    hosted: HostedCluster | None, sender: MessageOrigin, operation: DestroyCluster
) -> Outcome:
    """``ClusterOperation::DestroyCluster`` [PHAT-60]: from a pallet, naming the hosted cluster,
    the worker destroys its contracts and exits."""
    if not _hosting(hosted, sender, operation.cluster):
        return hosted, ()
    return Exit("the cluster was destroyed")


def on_remove_worker(
    hosted: HostedCluster | None, identity: Keypair, sender: MessageOrigin, operation: RemoveWorker
) -> Outcome:
    """``ClusterOperation::RemoveWorker`` [PHAT-60]: from a pallet, naming this worker and the
    cluster it hosts, the worker destroys its contracts and exits."""
    if not _hosting(hosted, sender, operation.cluster_id) or operation.worker != identity.public:
        return hosted, ()
    return Exit("the worker was removed from its cluster")


def on_cluster_operation(
    hosted: HostedCluster | None,
    identity: Keypair,
    gatekeeper_role: bool,
    sender: MessageOrigin,
    operation: ClusterOperation,
    system_code: bytes,
    runtime_version: tuple[int, int] | None,
) -> Outcome:
    """A decoded ``ClusterOperation`` on ``phala/cluster/key`` [PHAT-50], to its rule."""
    match operation:
        case DispatchKeys():
            return on_dispatch_keys(
                hosted, identity, gatekeeper_role, sender, operation, system_code, runtime_version
            )
        case DestroyCluster():
            return on_destroy_cluster(hosted, sender, operation)
        case UploadResource():
            return on_upload_resource(hosted, sender, operation)
        case Deposit():
            return on_deposit(hosted, sender, operation)
    return on_remove_worker(hosted, identity, sender, operation)


def on_contract_operation(
    hosted: HostedCluster | None, sender: MessageOrigin, operation: InstantiateCode
) -> Outcome:
    """A decoded ``ContractOperation`` on ``phala/contract/op`` [PHAT-50], to its rule."""
    return on_instantiate_code(hosted, sender, operation)


# --- Commands [PHAT-61]..[PHAT-64] -------------------------------------------------------------------


def command_topics(hosted: HostedCluster | None) -> Mapping[bytes, bytes]:
    """The command topic of every contract the cluster hosts → the contract's id [PHAT-63]."""
    if hosted is None:
        return {}
    return {command_topic(contract): contract for contract in hosted.contracts}


_COMMAND_PREFIX, _COMMAND_SUFFIX = command_topic(bytes(32)).split(bytes(32).hex().encode())


def command_target(hosted: HostedCluster | None, topic: bytes) -> bytes | None:
    """The hosted contract whose command topic is ``topic``, if any [PHAT-63]: the same answer
    as looking ``topic`` up in :func:`command_topics`, in O(log n) of the contracts hosted
    (the id is read back from the topic, then looked up)."""
    if hosted is None or not (
        topic.startswith(_COMMAND_PREFIX) and topic.endswith(_COMMAND_SUFFIX)
    ):
        return None
    digits = topic[len(_COMMAND_PREFIX) : len(topic) - len(_COMMAND_SUFFIX)]
    if len(digits) != 64:
        return None
    try:
        contract = bytes.fromhex(digits.decode("ascii"))
    except ValueError:
        return None
    if command_topic(contract) != topic or contract not in hosted.contracts:
        return None
    return contract


def open_envelope(
    contract: HostedContract, envelope: PlainCommand | EncryptedCommand
) -> bytes | None:
    """A command's bytes [PHAT-61]: a plain envelope's as they are; an encrypted one's opened
    with AES-256-GCM under ``agree(contract key, pubkey)`` ([CRYPTO-4], [CRYPTO-6]), or
    ``None`` when they do not open (the key is not a point, or the ciphertext is not
    authentic)."""
    if isinstance(envelope, PlainCommand):
        return envelope.data
    try:
        shared = agree(contract.key, envelope.pubkey)
    except ValueError:
        return None
    return aead_decrypt(shared, envelope.iv, envelope.data)


def caller_of(cluster: HostedCluster, sender: MessageOrigin) -> tuple[bytes, bool] | None:
    """The origin mapping [PHAT-62]: an account calls as itself, paying gas; a pallet calls as
    the cluster's system contract, gas-free; any other sender is ``None`` (``BadOrigin``)."""
    if sender.kind == "AccountId":
        return sender.id, False
    if sender.kind == "Pallet":
        return cluster.system_contract, True
    return None


def on_command(
    cluster: HostedCluster,
    contract: HostedContract,
    block_number: int,
    sender: MessageOrigin,
    payload: bytes,
) -> HostedContract | Halt:
    """One message on a hosted contract's command topic [PHAT-61] [PHAT-62] [PHAT-64].

    The envelope is decoded first: one that does not decode halts the runtime
    when its sender is always well formed ([OFF-15]) and is skipped
    otherwise; an envelope that does not open is skipped. The bytes must
    decode as ``InkCommand::InkMessage`` (else ``BadInput``), then the sender
    maps to a caller (else ``BadOrigin``). The stand-in contract records what
    it received, failures included.
    """
    envelope = decode_command_envelope(payload)
    if envelope is None:
        if sender.always_well_formed():
            return Halt("a command from an always-well-formed sender does not decode")
        return contract
    data = open_envelope(contract, envelope)
    if data is None:
        return contract
    encrypted = isinstance(envelope, EncryptedCommand)
    command = decode_ink_command(data)
    caller = None if command is None else caller_of(cluster, sender)
    if command is None:
        error: str | None = BAD_INPUT
    else:
        error = BAD_ORIGIN if caller is None else None
    record = CommandRecord(
        block=block_number,
        sender=sender,
        encrypted=encrypted,
        command=command,
        caller=None if caller is None else caller[0],
        gas_free=caller is not None and caller[1],
        error=error,
    )
    return evolve(contract, commands=(*contract.commands, record))


# --- The user's side [PHAT-65] --------------------------------------------------------------------


def plain_command(command: bytes) -> bytes:
    """A plain command envelope: ``0x00`` and the command's bytes [PHAT-65] [PHAT-61]."""
    return PlainCommand(command).encode()


def encrypted_command(contract_pubkey: bytes, seed: bytes, iv: bytes, command: bytes) -> bytes:
    """An encrypted command envelope for a contract [PHAT-65] [PHAT-61].

    The one-time key pair is the sr25519 key of the 32-byte ``seed``
    ([CRYPTO-11]); it agrees with the contract's public key ([CRYPTO-4]) on the
    AES-256-GCM key that seals ``command`` under the 12-byte ``iv`` with no
    associated data ([CRYPTO-6]). Raises ``ValueError`` when the contract's key
    is not a point or the IV is not 12 bytes.
    """
    one_time = keypair_from_seed(seed)
    sealed = aead_encrypt(agree(one_time, contract_pubkey), iv, command)
    return EncryptedCommand(iv, one_time.public, sealed).encode()
