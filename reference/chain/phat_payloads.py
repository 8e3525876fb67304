"""The Phat Contracts' messages: topics, payload records and their SCALE bytes [PHAT-20]..[PHAT-25].

What the phat pallets tell the gatekeepers and the workers (``DeployCluster``,
the ``ClusterOperation`` variants, ``InstantiateCode``, ink messages to a
contract's command topic) and what they hear back (a worker's cluster report,
the gatekeepers' cluster key, a cluster's contract key). Every payload is
written byte by byte as production's SCALE encoding of the type; the three
the chain handles are decoded as production's ``Decode`` does: the leading
value, any bytes after it ignored [OFF-6].
"""

from __future__ import annotations

import attrs

from ..primitives import scale
from .phat_state import RESOURCE_TYPES
from .registry_payloads import WorkerIdentity as WorkerIdentity

# --- Topics [PHAT-20] -------------------------------------------------------------------------

CLUSTER_EVENT_TOPIC = b"phala/cluster/event"
CLUSTER_KEY_TOPIC = b"phala/cluster/key"
CONTRACT_OP_TOPIC = b"phala/contract/op"
WORKER_CLUSTER_REPORT_TOPIC = b"phala/cluster/worker/report"
CLUSTER_REGISTRY_TOPIC = b"^phala/registry/cluster"
CONTRACT_REGISTRY_TOPIC = b"^phala/registry/contract"


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


@attrs.frozen
class EncryptedKey:
    """``EncryptedKey{ecdh_pubkey, encrypted_key, iv}``: a cluster key sealed to one worker
    [PHAT-21]."""

    ecdh_pubkey: bytes
    encrypted_key: bytes
    iv: bytes

    def encode(self) -> bytes:
        return self.ecdh_pubkey + _vec(self.encrypted_key) + self.iv


@attrs.frozen
class DispatchKeys:
    """``ClusterOperation::DispatchKeys(BatchDispatchClusterKeyEvent)`` [0], which only the
    gatekeepers send [PHAT-21]; its layout, for the chapter that specifies them.

    ``secret_keys`` is a ``BTreeMap``: encoded as a compact count and the entries sorted by
    the worker's 32-byte key.
    """

    secret_keys: tuple[tuple[bytes, EncryptedKey], ...]
    cluster: bytes
    owner: bytes
    deposit: int
    gas_price: int
    deposit_per_item: int
    deposit_per_byte: int
    treasury_account: bytes

    def encode(self) -> bytes:
        entries = sorted(self.secret_keys, key=lambda entry: entry[0])
        return (
            b"\x00"
            + scale.compact(len(entries))
            + b"".join(worker + key.encode() for worker, key in entries)
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
    return (
        b"\x00\x00"
        + scale.compact(0)
        + _vec(message)
        + _u128(0)
        + U64_MAX.to_bytes(8, "little")
        + b"\x00"
    )


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
