"""The Phat Contracts' messages: topics, payload records and their SCALE bytes [PHAT-20]..[PHAT-25].

What the phat pallets tell the gatekeepers and the workers (``DeployCluster``,
the ``ClusterOperation`` variants, ``InstantiateCode``, ink messages to a
contract's command topic) and what they hear back (a worker's cluster report,
the gatekeepers' cluster key, a cluster's contract key). Every payload is
written byte by byte as production's SCALE encoding of the type, and decoded
as production's ``Decode`` does: the leading value, any bytes after it
ignored [OFF-6]. The chain decodes the three it handles; the runtimes decode
the rest, and a contract's command envelope and ink command [PHAT-50]
[PHAT-61] [PHAT-62].
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..primitives import scale
from ..primitives.codec import blake2b_256
from .key_payloads import EncryptedKey as EncryptedKey
from .phat_state import RESOURCE_TYPES
from .registry_payloads import WorkerIdentity as WorkerIdentity

# --- Topics [PHAT-20] -------------------------------------------------------------------------

CLUSTER_EVENT_TOPIC = b"phala/cluster/event"
CLUSTER_KEY_TOPIC = b"phala/cluster/key"
CONTRACT_OP_TOPIC = b"phala/contract/op"
WORKER_CLUSTER_REPORT_TOPIC = b"phala/cluster/worker/report"
CLUSTER_REGISTRY_TOPIC = b"^phala/registry/cluster"
CONTRACT_REGISTRY_TOPIC = b"^phala/registry/contract"


def contract_id(deployer: bytes, code_hash: bytes, cluster: bytes, salt: bytes) -> bytes:
    """``blake2_256(deployer ‖ code_hash ‖ cluster ‖ salt)``, raw bytes without length
    prefixes; the instantiate data is not part of it. The chain and the cluster's workers
    compute the same id [PHAT-3]."""
    return blake2b_256(deployer + code_hash + cluster + salt)


def command_topic(contract: bytes) -> bytes:
    """A contract's command topic: ``phala/contract/<64 lowercase hex digits>/command`` [PHAT-20]."""
    return b"phala/contract/" + contract.hex().encode() + b"/command"


# --- SCALE pieces -----------------------------------------------------------------------------


def _u128(n: int) -> bytes:
    return n.to_bytes(16, "little")


def _vec(data: bytes) -> bytes:
    return scale.compact(len(data)) + data


# --- Chain to gatekeepers and workers [PHAT-21] -----------------------------------------------


@attrs.frozen
class DeployCluster:
    """``ClusterEvent::DeployCluster`` [0] on ``phala/cluster/event``, to the gatekeepers [PHAT-21]."""

    owner: bytes
    cluster: bytes
    workers: tuple[WorkerIdentity, ...]
    deposit: int
    gas_price: int
    deposit_per_item: int
    deposit_per_byte: int
    treasury_account: bytes

    def encode(self) -> bytes:
        workers = b"".join(w.pubkey + w.ecdh_pubkey for w in self.workers)
        return (
            b"\x00"
            + self.owner
            + self.cluster
            + scale.compact(len(self.workers))
            + workers
            + _u128(self.deposit)
            + _u128(self.gas_price)
            + _u128(self.deposit_per_item)
            + _u128(self.deposit_per_byte)
            + self.treasury_account
        )


@attrs.frozen
class DestroyCluster:
    """``ClusterOperation::DestroyCluster(cluster)`` [1] on ``phala/cluster/key`` [PHAT-21]."""

    cluster: bytes

    def encode(self) -> bytes:
        return b"\x01" + self.cluster


@attrs.frozen
class UploadResource:
    """``ClusterOperation::UploadResource{origin, cluster_id, resource_type, resource_data}`` [2]
    [PHAT-21]."""

    origin: bytes
    cluster_id: bytes
    resource_type: str
    resource_data: bytes

    def encode(self) -> bytes:
        kind = bytes([RESOURCE_TYPES.index(self.resource_type)])
        return b"\x02" + self.origin + self.cluster_id + kind + _vec(self.resource_data)


@attrs.frozen
class Deposit:
    """``ClusterOperation::Deposit{cluster_id, account, amount}`` [3] [PHAT-21]."""

    cluster_id: bytes
    account: bytes
    amount: int

    def encode(self) -> bytes:
        return b"\x03" + self.cluster_id + self.account + _u128(self.amount)


@attrs.frozen
class RemoveWorker:
    """``ClusterOperation::RemoveWorker{cluster_id, worker}`` [4] [PHAT-21]."""

    cluster_id: bytes
    worker: bytes

    def encode(self) -> bytes:
        return b"\x04" + self.cluster_id + self.worker


def encode_encrypted_key(key: EncryptedKey) -> bytes:
    """``EncryptedKey{ecdh_pubkey, encrypted_key, iv}``: a key sealed to one worker [PHAT-21]
    [KEY-2]."""
    return key.ecdh_pubkey + _vec(key.encrypted_key) + key.iv


def _key_map(
    entries: Iterable[tuple[bytes, EncryptedKey]],
) -> tuple[tuple[bytes, EncryptedKey], ...]:
    """A ``BTreeMap``'s entries: ascending by key, a repeated key keeping its last value [PHAT-21]."""
    merged: dict[bytes, EncryptedKey] = {}
    for worker, key in entries:
        merged[worker] = key
    return tuple(sorted(merged.items()))


@attrs.frozen
class DispatchKeys:
    """``ClusterOperation::DispatchKeys(BatchDispatchClusterKeyEvent)`` [0], which only the
    gatekeepers send [PHAT-21] [PHAT-52].

    ``secret_keys`` is a ``BTreeMap``: its entries are kept sorted by the worker's 32-byte
    key, a repeated key keeping its last value, and encoded as a compact count and the
    entries in that order.
    """

    secret_keys: tuple[tuple[bytes, EncryptedKey], ...] = attrs.field(converter=_key_map)
    cluster: bytes
    owner: bytes
    deposit: int
    gas_price: int
    deposit_per_item: int
    deposit_per_byte: int
    treasury_account: bytes

    def entry_for(self, worker: bytes) -> EncryptedKey | None:
        """The key sealed to ``worker``, if the map lists it."""
        return dict(self.secret_keys).get(worker)

    def encode(self) -> bytes:
        return (
            b"\x00"
            + scale.compact(len(self.secret_keys))
            + b"".join(worker + encode_encrypted_key(key) for worker, key in self.secret_keys)
            + self.cluster
            + self.owner
            + _u128(self.deposit)
            + _u128(self.gas_price)
            + _u128(self.deposit_per_item)
            + _u128(self.deposit_per_byte)
            + self.treasury_account
        )


ClusterOperation = DispatchKeys | DestroyCluster | UploadResource | Deposit | RemoveWorker


@attrs.frozen
class ContractInfo:
    """``ContractInfo{deployer, code_index: WasmCode(code_hash), salt, cluster_id,
    instantiate_data}`` [PHAT-21]."""

    deployer: bytes
    code_hash: bytes
    salt: bytes
    cluster_id: bytes
    instantiate_data: bytes

    def encode(self) -> bytes:
        return (
            self.deployer
            + b"\x00"
            + self.code_hash
            + _vec(self.salt)
            + self.cluster_id
            + _vec(self.instantiate_data)
        )


@attrs.frozen
class InstantiateCode:
    """``ContractOperation::InstantiateCode{contract_info, transfer, gas_limit,
    storage_deposit_limit}`` [0] on ``phala/contract/op`` [PHAT-21]."""

    contract_info: ContractInfo
    transfer: int
    gas_limit: int
    storage_deposit_limit: int | None

    def encode(self) -> bytes:
        limit = (
            b"\x00"
            if self.storage_deposit_limit is None
            else b"\x01" + _u128(self.storage_deposit_limit)
        )
        return (
            b"\x00"
            + self.contract_info.encode()
            + _u128(self.transfer)
            + self.gas_limit.to_bytes(8, "little")
            + limit
        )


U64_MAX = 2**64 - 1


def ink_message_payload(message: bytes) -> bytes:
    """What a pallet pushes to a contract's command topic [PHAT-22]:
    ``CommandPayload::Plain(InkCommand::InkMessage{nonce: [], message, transfer: 0,
    gas_limit: u64::MAX, storage_deposit_limit: None})``."""
    return PlainCommand(InkMessage(b"", message, 0, U64_MAX, None).encode()).encode()


# --- Gatekeepers and workers to the chain [PHAT-23] -----------------------------------------


@attrs.frozen
class ClusterDeployed:
    """``WorkerClusterReport::ClusterDeployed{id, pubkey}`` [0] [PHAT-23]."""

    id: bytes
    pubkey: bytes

    def encode(self) -> bytes:
        return b"\x00" + self.id + self.pubkey


@attrs.frozen
class ClusterDeploymentFailed:
    """``WorkerClusterReport::ClusterDeploymentFailed{id}`` [1] [PHAT-23]."""

    id: bytes

    def encode(self) -> bytes:
        return b"\x01" + self.id


WorkerClusterReport = ClusterDeployed | ClusterDeploymentFailed


@attrs.frozen
class ClusterPubkeyAvailable:
    """``ClusterRegistryEvent::PubkeyAvailable{cluster, pubkey}`` [0], from the gatekeepers
    [PHAT-23]."""

    cluster: bytes
    pubkey: bytes

    def encode(self) -> bytes:
        return b"\x00" + self.cluster + self.pubkey


@attrs.frozen
class ContractPubkeyAvailable:
    """``ContractRegistryEvent::PubkeyAvailable{contract, pubkey, deployer}`` [0], from a
    cluster [PHAT-23]."""

    contract: bytes
    pubkey: bytes
    deployer: bytes

    def encode(self) -> bytes:
        return b"\x00" + self.contract + self.pubkey + self.deployer


def _fixed(data: bytes, sizes: tuple[int, ...]) -> tuple[bytes, ...] | None:
    """The leading fields of fixed ``sizes`` after a variant byte, or None if too short."""
    if len(data) < 1 + sum(sizes):
        return None
    fields, offset = [], 1
    for size in sizes:
        fields.append(data[offset : offset + size])
        offset += size
    return tuple(fields)


def decode_worker_cluster_report(data: bytes) -> WorkerClusterReport | None:
    """A ``WorkerClusterReport``, or None if the payload is not one [PHAT-23] [OFF-6]."""
    if data[:1] == b"\x00":
        fields = _fixed(data, (32, 32))
        return None if fields is None else ClusterDeployed(*fields)
    if data[:1] == b"\x01":
        fields = _fixed(data, (32,))
        return None if fields is None else ClusterDeploymentFailed(*fields)
    return None


def decode_cluster_registry_event(data: bytes) -> ClusterPubkeyAvailable | None:
    """A ``ClusterRegistryEvent``, or None if the payload is not one [PHAT-23] [OFF-6]."""
    fields = _fixed(data, (32, 32)) if data[:1] == b"\x00" else None
    return None if fields is None else ClusterPubkeyAvailable(*fields)


def decode_contract_registry_event(data: bytes) -> ContractPubkeyAvailable | None:
    """A ``ContractRegistryEvent``, or None if the payload is not one [PHAT-23] [OFF-6]."""
    fields = _fixed(data, (32, 32, 32)) if data[:1] == b"\x00" else None
    return None if fields is None else ContractPubkeyAvailable(*fields)


# --- What the runtimes read [PHAT-50] ----------------------------------------------------------


class _Short(Exception):
    """The bytes end before the value does, or hold a value the type does not have."""


class _Cursor:
    """Reads SCALE values from the front of a payload; raises :class:`_Short` when it cannot."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, size: int) -> bytes:
        end = self.offset + size
        if end > len(self.data):
            raise _Short()
        chunk = self.data[self.offset : end]
        self.offset = end
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def compact(self) -> int:
        prefix = scale.compact_prefix(self.data, self.offset)
        if prefix is None:
            raise _Short()
        value, size = prefix
        self.offset += size
        return value

    def vec(self) -> bytes:
        return self.take(self.compact())

    def u128(self) -> int:
        return int.from_bytes(self.take(16), "little")

    def u64(self) -> int:
        return int.from_bytes(self.take(8), "little")

    def option_u128(self) -> int | None:
        flag = self.byte()
        if flag > 1:
            raise _Short()
        return None if flag == 0 else self.u128()


def decode_cluster_event(data: bytes) -> DeployCluster | None:
    """A ``ClusterEvent`` (its one variant, ``DeployCluster``), or None if the payload is not
    one [PHAT-21] [PHAT-50] [OFF-6]."""
    cursor = _Cursor(data)
    try:
        if cursor.byte() != 0:
            return None
        owner, cluster = cursor.take(32), cursor.take(32)
        workers = tuple(
            WorkerIdentity(cursor.take(32), cursor.take(32)) for _ in range(cursor.compact())
        )
        deposit, gas_price = cursor.u128(), cursor.u128()
        per_item, per_byte = cursor.u128(), cursor.u128()
        return DeployCluster(
            owner, cluster, workers, deposit, gas_price, per_item, per_byte, cursor.take(32)
        )
    except _Short:
        return None


def _dispatch_keys(cursor: _Cursor) -> DispatchKeys:
    entries = []
    for _ in range(cursor.compact()):
        worker, ecdh = cursor.take(32), cursor.take(32)
        sealed = cursor.vec()
        entries.append((worker, EncryptedKey(ecdh, sealed, cursor.take(12))))
    cluster, owner = cursor.take(32), cursor.take(32)
    deposit, gas_price = cursor.u128(), cursor.u128()
    per_item, per_byte = cursor.u128(), cursor.u128()
    return DispatchKeys(
        tuple(entries), cluster, owner, deposit, gas_price, per_item, per_byte, cursor.take(32)
    )


def decode_cluster_operation(data: bytes) -> ClusterOperation | None:
    """A ``ClusterOperation``, or None if the payload is not one [PHAT-21] [PHAT-50] [OFF-6].

    ``DispatchKeys``' map keeps, for a worker listed twice, the later entry, as
    SCALE decodes a ``BTreeMap``; a resource type is one of the three indices.
    """
    cursor = _Cursor(data)
    try:
        variant = cursor.byte()
        if variant == 0:
            return _dispatch_keys(cursor)
        if variant == 1:
            return DestroyCluster(cursor.take(32))
        if variant == 2:
            origin, cluster = cursor.take(32), cursor.take(32)
            kind = cursor.byte()
            if kind >= len(RESOURCE_TYPES):
                return None
            return UploadResource(origin, cluster, RESOURCE_TYPES[kind], cursor.vec())
        if variant == 3:
            return Deposit(cursor.take(32), cursor.take(32), cursor.u128())
        if variant == 4:
            return RemoveWorker(cursor.take(32), cursor.take(32))
        return None
    except _Short:
        return None


def decode_contract_operation(data: bytes) -> InstantiateCode | None:
    """A ``ContractOperation`` (its one variant, ``InstantiateCode``), or None if the payload
    is not one [PHAT-21] [PHAT-50] [OFF-6]. The code index has one variant, ``WasmCode``."""
    cursor = _Cursor(data)
    try:
        if cursor.byte() != 0:
            return None
        deployer = cursor.take(32)
        if cursor.byte() != 0:
            return None
        code_hash, salt = cursor.take(32), cursor.vec()
        cluster, instantiate_data = cursor.take(32), cursor.vec()
        info = ContractInfo(deployer, code_hash, salt, cluster, instantiate_data)
        return InstantiateCode(info, cursor.u128(), cursor.u64(), cursor.option_u128())
    except _Short:
        return None


# --- A contract's commands [PHAT-61] [PHAT-62] ---------------------------------------------------

NONCE_LIMIT = 32
"""An ink command's nonce is a ``BoundedVec<u8, 32>`` [PHAT-62]."""


@attrs.frozen
class PlainCommand:
    """``Payload::Plain(RawData)``: ``0x00``, then the command's bytes, all the rest of the
    payload [PHAT-61]."""

    data: bytes

    def encode(self) -> bytes:
        return b"\x00" + self.data


@attrs.frozen
class EncryptedCommand:
    """``Payload::Encrypted(EncryptedData{iv, pubkey, data})``: ``0x01``, the 12-byte IV, the
    sender's 32-byte one-time agreement key, then the ciphertext with its tag as a ``Vec<u8>``
    [PHAT-61]. Its field order differs from ``EncryptedKey``'s."""

    iv: bytes
    pubkey: bytes
    data: bytes

    def encode(self) -> bytes:
        return b"\x01" + self.iv + self.pubkey + _vec(self.data)


CommandEnvelope = PlainCommand | EncryptedCommand


def decode_command_envelope(data: bytes) -> CommandEnvelope | None:
    """A command's ``Payload`` envelope, or None if the payload is not one [PHAT-61] [OFF-6].

    A plain command takes every byte after the variant; an encrypted one is
    its leading value, any bytes after it ignored.
    """
    cursor = _Cursor(data)
    try:
        variant = cursor.byte()
        if variant == 0:
            return PlainCommand(data[1:])
        if variant == 1:
            return EncryptedCommand(cursor.take(12), cursor.take(32), cursor.vec())
        return None
    except _Short:
        return None


@attrs.frozen
class InkMessage:
    """``InkCommand::InkMessage{nonce, message, transfer, gas_limit, storage_deposit_limit}``
    [0]: what a command's bytes must decode as [PHAT-62] [PHAT-22]."""

    nonce: bytes
    message: bytes
    transfer: int
    gas_limit: int
    storage_deposit_limit: int | None

    def encode(self) -> bytes:
        limit = (
            b"\x00"
            if self.storage_deposit_limit is None
            else b"\x01" + _u128(self.storage_deposit_limit)
        )
        return (
            b"\x00"
            + _vec(self.nonce)
            + _vec(self.message)
            + _u128(self.transfer)
            + self.gas_limit.to_bytes(8, "little")
            + limit
        )


def decode_ink_command(data: bytes) -> InkMessage | None:
    """An ``InkCommand::InkMessage``, or None (the contract's ``BadInput``) [PHAT-62] [OFF-6].

    Any other variant index, a nonce longer than 32 bytes, an option flag other
    than 0 or 1, or too few bytes is not one; bytes after the value are ignored.
    """
    cursor = _Cursor(data)
    try:
        if cursor.byte() != 0:
            return None
        nonce = cursor.vec()
        if len(nonce) > NONCE_LIMIT:
            return None
        message = cursor.vec()
        return InkMessage(nonce, message, cursor.u128(), cursor.u64(), cursor.option_u128())
    except _Short:
        return None
