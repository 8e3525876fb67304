"""``PhalaPhatContracts``: clusters, their workers, deposits, code and contracts [PHAT-1]..[PHAT-27].

The chain's half of Phat Contracts. Governance creates a cluster on a set of
registered workers and the pallet tells the gatekeepers (``DeployCluster``);
users deposit into a cluster, upload code and instantiate contracts, and the
pallet tells the cluster's workers. The chain never runs a contract: it
orders the messages, keeps who deployed what where, and records the public
keys the gatekeepers and the clusters report, against which it then checks
the clusters' and the contracts' own messages ([MQ-9]).

Every call is transactional: a failed check leaves the state as it was,
whatever was written before it.
"""

from __future__ import annotations

from typing import Annotated, Any

from ..chain.messages import Message, pallet_origin
from ..chain.phat_payloads import (
    CLUSTER_EVENT_TOPIC,
    CLUSTER_KEY_TOPIC,
    CONTRACT_OP_TOPIC,
    ClusterDeployed,
    ContractInfo,
    DeployCluster,
    Deposit,
    DestroyCluster,
    InstantiateCode,
    RemoveWorker,
    UploadResource,
    WorkerIdentity,
    command_topic,
    decode_cluster_registry_event,
    decode_contract_registry_event,
    decode_worker_cluster_report,
)
from ..chain.phat_payloads import (
    contract_id as contract_id,
)
from ..chain.phat_state import (
    BasicContractInfo,
    ClusterInfo,
    ClusterPermission,
    CodeIndex,
    Permission,
    PhatState,
    ResourceType,
)
from ..chain.state import AccountId, BlockContext, ChainState, Events, Origin, event
from ..primitives.codec import blake2b_256
from ..primitives.errors import DispatchError, InvalidInput
from ..primitives.records import evolve
from ..primitives.types import (
    BALANCE,
    BYTES32,
    U32_KIND,
    U64,
    Balance,
    Bytes,
    Bytes32,
    Kind,
    list_of,
    option,
)
from . import mq
from .balances.fungible import Preservation
from .balances.origins import ensure_root, ensure_signed
from .balances.transfers import transfer_funds
from .governance import collective
from .registry.allowlists import update_registry

PALLET = "PhalaPhatContracts"
SENDER = pallet_origin(PALLET)

# Errors, in production's declaration order [PHAT-16]. CodeNotFound, ClusterNotDeployed and
# DuplicatedDeployment are declared but no path returns them.
CODE_NOT_FOUND = f"{PALLET}.CodeNotFound"
CLUSTER_NOT_FOUND = f"{PALLET}.ClusterNotFound"
CLUSTER_NOT_DEPLOYED = f"{PALLET}.ClusterNotDeployed"
CLUSTER_PERMISSION_DENIED = f"{PALLET}.ClusterPermissionDenied"
DUPLICATED_CONTRACT = f"{PALLET}.DuplicatedContract"
DUPLICATED_DEPLOYMENT = f"{PALLET}.DuplicatedDeployment"
NO_WORKER_SPECIFIED = f"{PALLET}.NoWorkerSpecified"
INVALID_SENDER = f"{PALLET}.InvalidSender"
WORKER_NOT_FOUND = f"{PALLET}.WorkerNotFound"
PAYLOAD_TOO_LARGE = f"{PALLET}.PayloadTooLarge"
NO_PINK_SYSTEM_CODE = f"{PALLET}.NoPinkSystemCode"
CONTRACT_NOT_FOUND = f"{PALLET}.ContractNotFound"
WORKER_IS_BUSY = f"{PALLET}.WorkerIsBusy"
MESSAGE_CODEC_ERROR = "MessageCodecError"

SYSTEM_CODE_LIMIT = 2 * 1024 * 1024
"""``set_pink_system_code`` takes a ``BoundedVec<u8, 2 MiB>`` [PHAT-12]."""

DEFAULT_SELECTOR = bytes.fromhex("ed4b9d1b")
"""The system contract's constructor selector (``default()``); not part of its id [PHAT-6]."""

REMOVED = b"\x00" * 32
"""The cluster id a removed worker maps to in ``ClusterByWorkers``: it can never rejoin [PHAT-14]."""


def _system_code(value: Any) -> bytes:
    if isinstance(value, bytes) and len(value) <= SYSTEM_CODE_LIMIT:
        return value
    raise InvalidInput()


SYSTEM_CODE: Kind[bytes] = Kind("system_code", "bytes, at most 2 MiB", _system_code)


def _runtime_version(value: Any) -> tuple[int, int]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return U32_KIND.decode(value[0], "major"), U32_KIND.decode(value[1], "minor")
    raise InvalidInput()


RUNTIME_VERSION: Kind[tuple[int, int]] = Kind(
    "pink_runtime_version", "a pair [u32, u32]", _runtime_version
)
WORKERS = list_of(BYTES32)
OPTION_BALANCE = option(BALANCE)
SystemCode = Annotated[bytes, SYSTEM_CODE]
RuntimeVersion = Annotated[tuple[int, int], RUNTIME_VERSION]
Workers = Annotated[tuple[bytes, ...], WORKERS]
OptionBalance = Annotated[int | None, OPTION_BALANCE]


def _set(state: ChainState, **changes: Any) -> ChainState:
    return evolve(state, phat=evolve(state.phat, **changes))


# --- Ids and accounts [PHAT-3] ---------------------------------------------------------------


def cluster_id(counter: int) -> bytes:
    """``H256::from_low_u64_be(counter)``: 24 zero bytes, then the counter big-endian [PHAT-3]."""
    return counter.to_bytes(32, "big")


def cluster_account(cluster: bytes) -> bytes:
    """Where PHA sent into a cluster is kept: ``blake2_256(b"cluster:" ‖ cluster)`` [PHAT-3]."""
    return blake2b_256(b"cluster:" + cluster)


# --- Helpers ---------------------------------------------------------------------------------


def ensure_governance(origin: Origin) -> None:
    """The registry's ``GovernanceOrigin`` on Phala: root or more than half of the Council
    [PHAT-2]."""
    collective.ensure_root_or_half_council(origin)


def currency_transfer(
    state: ChainState, source: AccountId, dest: AccountId, amount: int, keep_alive: bool
) -> tuple[ChainState, Events]:
    """``Currency::transfer`` [PHAT-4]: nothing at all for a zero amount or to oneself;
    otherwise the fungible transfer [BAL-9], keeping the source alive when asked."""
    if amount == 0 or source == dest:
        return state, ()
    preservation = Preservation.PRESERVE if keep_alive else Preservation.EXPENDABLE
    return transfer_funds(state, source, dest, amount, preservation)


def push(
    state: ChainState, ctx: BlockContext, topic: bytes, payload: bytes
) -> tuple[ChainState, Events]:
    """Send a message as ``Pallet("PhalaPhatContracts")`` [PHAT-20] [MQ-15]."""
    return mq.push_message(state, ctx, SENDER, topic, payload)


def cluster_info(state: ChainState, cluster: bytes) -> ClusterInfo:
    """``Clusters[cluster]``, else ``ClusterNotFound``."""
    info = state.phat.clusters.get(cluster)
    if info is None:
        raise DispatchError(CLUSTER_NOT_FOUND)
    return info


def check_cluster_permission(who: AccountId, permission: ClusterPermission) -> None:
    """``Public`` admits anyone, ``OnlyOwner(account)`` only that account, else
    ``ClusterPermissionDenied`` [PHAT-5]."""
    if permission.kind == "OnlyOwner" and permission.account != who:
        raise DispatchError(CLUSTER_PERMISSION_DENIED)


def ensure_cluster_owner(who: AccountId, info: ClusterInfo) -> None:
    """Worker membership is the cluster owner's, else ``ClusterPermissionDenied`` [PHAT-5]."""
    if info.owner != who:
        raise DispatchError(CLUSTER_PERMISSION_DENIED)


# --- Clusters [PHAT-6] [PHAT-11] --------------------------------------------------------------


def add_cluster(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    owner: AccountId,
    permission: Permission,
    deploy_workers: Workers,
    deposit: Balance,
    gas_price: Balance,
    deposit_per_item: Balance,
    deposit_per_byte: Balance,
    treasury_account: AccountId,
) -> tuple[ChainState, Events]:
    """Governance creates a cluster on registered workers and asks the gatekeepers to deploy
    it [PHAT-6].

    Checks in order: the governance origin; at least one worker
    (``NoWorkerSpecified``); each worker registered (``WorkerNotFound``); the
    counter grows; each worker in no cluster (``WorkerIsBusy``; a worker
    listed twice fails on its second occurrence); a system code on chain
    (``NoPinkSystemCode``). Then the cluster is stored, ``ClusterCreated``
    deposited, the deposit moved from ``owner`` (not from the caller) to the
    cluster's account, and ``DeployCluster`` pushed.
    """
    ensure_governance(origin)
    if not deploy_workers:
        raise DispatchError(NO_WORKER_SPECIFIED)
    identities = []
    for worker in deploy_workers:
        record = state.registry.workers.get(worker)
        if record is None:
            raise DispatchError(WORKER_NOT_FOUND)
        identities.append(WorkerIdentity(record.pubkey, record.ecdh_pubkey))
    counter = state.phat.cluster_counter + 1
    cluster = cluster_id(counter)
    by_workers = state.phat.cluster_by_workers
    for worker in deploy_workers:
        if worker in by_workers:
            raise DispatchError(WORKER_IS_BUSY)
        by_workers = by_workers.set(worker, cluster)
    code_hash = state.phat.pink_system_code_hash
    if code_hash is None:
        raise DispatchError(NO_PINK_SYSTEM_CODE)
    system_contract = contract_id(owner, code_hash, cluster, b"")
    info = ClusterInfo(
        owner, permission, system_contract, gas_price, deposit_per_item, deposit_per_byte
    )
    phat = state.phat
    state = _set(
        state,
        cluster_counter=counter,
        cluster_by_workers=by_workers,
        cluster_workers=phat.cluster_workers.set(cluster, tuple(deploy_workers)),
        clusters=phat.clusters.set(cluster, info),
    )
    created = event(f"{PALLET}.ClusterCreated", cluster=cluster, system_contract=system_contract)
    state, moved = currency_transfer(state, owner, cluster_account(cluster), deposit, True)
    deploy = DeployCluster(
        owner,
        cluster,
        tuple(identities),
        deposit,
        gas_price,
        deposit_per_item,
        deposit_per_byte,
        treasury_account,
    )
    state, pushed = push(state, ctx, CLUSTER_EVENT_TOPIC, deploy.encode())
    return state, (created, *moved, *pushed)


def cluster_destroy(
    state: ChainState, ctx: BlockContext, origin: Origin, cluster: Bytes32
) -> tuple[ChainState, Events]:
    """Root removes ``Clusters[cluster]`` and nothing else, then tells the workers [PHAT-11].

    Its workers, contracts, keys and the cluster account's balance stay as
    they were ([PHAT-33]).
    """
    ensure_root(origin)
    cluster_info(state, cluster)
    state = _set(state, clusters=state.phat.clusters.delete(cluster))
    state, pushed = push(state, ctx, CLUSTER_KEY_TOPIC, DestroyCluster(cluster).encode())
    return state, (*pushed, event(f"{PALLET}.ClusterDestroyed", cluster=cluster))


# --- Deposits, code and contracts [PHAT-7]..[PHAT-10] ----------------------------------------


def cluster_upload_resource(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    cluster_id: Bytes32,
    resource_type: ResourceType,
    resource_data: Bytes,
) -> tuple[ChainState, Events]:
    """Upload code to a cluster [PHAT-7]: ``ClusterNotFound``, the permission
    (``ClusterPermissionDenied``), the size limit of the resource's type
    (``PayloadTooLarge``); then ``UploadResource`` goes to the workers."""
    who = ensure_signed(origin)
    info = cluster_info(state, cluster_id)
    check_cluster_permission(who, info.permission)
    limits = state.config.phat
    sidevm = resource_type == "SidevmCode"
    limit = limits.sidevm_code_size_limit if sidevm else limits.ink_code_size_limit
    if len(resource_data) > limit:
        raise DispatchError(PAYLOAD_TOO_LARGE)
    upload = UploadResource(who, cluster_id, resource_type, resource_data)
    return push(state, ctx, CLUSTER_KEY_TOPIC, upload.encode())


def deposit_to_cluster(
    state: ChainState,
    ctx: BlockContext,
    who: AccountId,
    amount: int,
    cluster: bytes,
    dest_account: AccountId,
) -> tuple[ChainState, Events]:
    """Move ``amount`` from ``who`` into the cluster's account and credit ``dest_account`` in
    the cluster [PHAT-8]. The cluster need not exist."""
    state, moved = currency_transfer(state, who, cluster_account(cluster), amount, True)
    state, pushed = push(
        state, ctx, CLUSTER_KEY_TOPIC, Deposit(cluster, dest_account, amount).encode()
    )
    done = event(f"{PALLET}.Transfered", cluster=cluster, account=dest_account, amount=amount)
    return state, (*moved, *pushed, done)


def transfer_to_cluster(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    amount: Balance,
    cluster_id: Bytes32,
    dest_account: AccountId,
) -> tuple[ChainState, Events]:
    """A signed account deposits into a cluster for ``dest_account`` [PHAT-8]; the cluster is
    not checked to exist."""
    who = ensure_signed(origin)
    return deposit_to_cluster(state, ctx, who, amount, cluster_id, dest_account)


def push_contract_message(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    contract_id: Bytes32,
    payload: Bytes,
    deposit: Balance,
) -> tuple[ChainState, Events]:
    """Send a command to a contract as ``AccountId(signer)`` [PHAT-9], after an optional
    deposit into its cluster (the contract must then be known: ``ContractNotFound``)."""
    who = ensure_signed(origin)
    events: Events = ()
    if deposit != 0:
        contract = state.phat.contracts.get(contract_id)
        if contract is None:
            raise DispatchError(CONTRACT_NOT_FOUND)
        state, events = deposit_to_cluster(state, ctx, who, deposit, contract.cluster, who)
    state, pushed = mq.push_message_extrinsic(
        state, ctx, origin, command_topic(contract_id), payload
    )
    return state, (*events, *pushed)


def instantiate_contract(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    code_index: CodeIndex,
    data: Bytes,
    salt: Bytes,
    cluster_id: Bytes32,
    transfer: Balance,
    gas_limit: U64,
    storage_deposit_limit: OptionBalance,
    deposit: Balance,
) -> tuple[ChainState, Events]:
    """Instantiate code in a cluster [PHAT-10].

    Checks in order: ``ClusterNotFound``; the permission
    (``ClusterPermissionDenied``); a non-zero deposit into the cluster (its
    transfer errors); the contract id not yet known (``DuplicatedContract``).
    Then ``Contracts[id]`` is written, ``InstantiateCode`` goes to the workers
    and ``Instantiating`` is deposited.
    """
    who = ensure_signed(origin)
    info = cluster_info(state, cluster_id)
    check_cluster_permission(who, info.permission)
    events: Events = ()
    if deposit != 0:
        state, events = deposit_to_cluster(state, ctx, who, deposit, cluster_id, who)
    contract = contract_id(who, code_index, cluster_id, salt)
    if contract in state.phat.contracts:
        raise DispatchError(DUPLICATED_CONTRACT)
    record = BasicContractInfo(deployer=who, cluster=cluster_id)
    state = _set(state, contracts=state.phat.contracts.set(contract, record))
    operation = InstantiateCode(
        ContractInfo(who, code_index, salt, cluster_id, data),
        transfer,
        gas_limit,
        storage_deposit_limit,
    )
    state, pushed = push(state, ctx, CONTRACT_OP_TOPIC, operation.encode())
    instantiating = event(
        f"{PALLET}.Instantiating", contract=contract, cluster=cluster_id, deployer=who
    )
    return state, (*events, *pushed, instantiating)


# --- The system code and the runtime version [PHAT-12] ---------------------------------------


def set_pink_system_code(
    state: ChainState, ctx: BlockContext, origin: Origin, code: SystemCode
) -> tuple[ChainState, Events]:
    """Governance sets the next system code; it takes effect when the next block opens [PHAT-12]."""
    ensure_governance(origin)
    return _set(state, next_pink_system_code=code), ()


def set_pink_runtime_version(
    state: ChainState, ctx: BlockContext, origin: Origin, version: RuntimeVersion
) -> tuple[ChainState, Events]:
    """Governance sets the runtime version workers create clusters with [PHAT-12]."""
    ensure_governance(origin)
    return _set(state, pink_runtime_version=version), ()


def on_initialize(state: ChainState, ctx: BlockContext) -> tuple[ChainState, Events]:
    """A pending system code becomes the system code, its hash stored and its version
    incremented [PHAT-12]."""
    code = state.phat.next_pink_system_code
    if code is None:
        return state, ()
    phat: PhatState = state.phat
    state = _set(
        state,
        next_pink_system_code=None,
        pink_system_code_hash=blake2b_256(code),
        pink_system_code_version=phat.pink_system_code_version + 1,
        pink_system_code=code,
    )
    return state, ()


# --- Workers [PHAT-13]..[PHAT-15] -------------------------------------------------------------


def add_worker_to_cluster(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    worker_pubkey: Bytes32,
    cluster_id: Bytes32,
) -> tuple[ChainState, Events]:
    """The cluster's owner adds a registered worker that is in no cluster [PHAT-13].

    Checks in order: ``ClusterNotFound``, the owner (``ClusterPermissionDenied``),
    ``WorkerNotFound``, ``WorkerIsBusy`` (a removed worker stays busy). No
    message goes to the workers.
    """
    who = ensure_signed(origin)
    info = cluster_info(state, cluster_id)
    ensure_cluster_owner(who, info)
    if worker_pubkey not in state.registry.workers:
        raise DispatchError(WORKER_NOT_FOUND)
    if worker_pubkey in state.phat.cluster_by_workers:
        raise DispatchError(WORKER_IS_BUSY)
    phat = state.phat
    workers = phat.cluster_workers.get(cluster_id, ())
    state = _set(
        state,
        cluster_by_workers=phat.cluster_by_workers.set(worker_pubkey, cluster_id),
        cluster_workers=phat.cluster_workers.set(cluster_id, (*workers, worker_pubkey)),
    )
    added = event(f"{PALLET}.WorkerAddedToCluster", worker=worker_pubkey, cluster=cluster_id)
    return state, (added,)


def remove_worker_from_cluster(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    worker_pubkey: Bytes32,
    cluster_id: Bytes32,
) -> tuple[ChainState, Events]:
    """The owner removes a worker of the cluster, which maps to the zero id from then on
    [PHAT-14].

    Checks in order: ``ClusterNotFound``, the owner, the worker in this
    cluster (``WorkerNotFound``). Then ``WorkerRemovedFromCluster`` and
    ``RemoveWorker`` to the workers.
    """
    who = ensure_signed(origin)
    info = cluster_info(state, cluster_id)
    ensure_cluster_owner(who, info)
    if state.phat.cluster_by_workers.get(worker_pubkey) != cluster_id:
        raise DispatchError(WORKER_NOT_FOUND)
    phat = state.phat
    workers = tuple(w for w in phat.cluster_workers.get(cluster_id, ()) if w != worker_pubkey)
    state = _set(
        state,
        cluster_by_workers=phat.cluster_by_workers.set(worker_pubkey, REMOVED),
        cluster_workers=phat.cluster_workers.set(cluster_id, workers),
    )
    removed = event(f"{PALLET}.WorkerRemovedFromCluster", worker=worker_pubkey, cluster=cluster_id)
    state, pushed = push(
        state, ctx, CLUSTER_KEY_TOPIC, RemoveWorker(cluster_id, worker_pubkey).encode()
    )
    return state, (removed, *pushed)


def cleanup_removed_workers(
    state: ChainState, ctx: BlockContext, origin: Origin, cluster_id: Bytes32
) -> tuple[ChainState, Events]:
    """Root drops from ``ClusterWorkers[cluster_id]`` every worker mapped to the zero id
    [PHAT-15]."""
    ensure_root(origin)
    phat = state.phat
    kept = tuple(
        w
        for w in phat.cluster_workers.get(cluster_id, ())
        if phat.cluster_by_workers.get(w) != REMOVED
    )
    return _set(state, cluster_workers=phat.cluster_workers.set(cluster_id, kept)), ()


# --- Handlers [PHAT-24]..[PHAT-26] ------------------------------------------------------------


def on_cluster_message_received(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Events]:
    """The gatekeepers' cluster public key: ``ClusterKeys[cluster] = pubkey``, overwriting
    [PHAT-24]. Only the ``Gatekeeper`` origin (``InvalidSender``); the cluster is not checked."""
    decoded = decode_cluster_registry_event(message.payload)
    if decoded is None:
        raise DispatchError(MESSAGE_CODEC_ERROR)
    if message.sender.kind != "Gatekeeper":
        raise DispatchError(INVALID_SENDER)
    keys = state.registry.cluster_keys.set(decoded.cluster, decoded.pubkey)
    state = update_registry(state, cluster_keys=keys)
    available = event(
        f"{PALLET}.ClusterPubkeyAvailable", cluster=decoded.cluster, pubkey=decoded.pubkey
    )
    return state, (available,)


def on_contract_message_received(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Events]:
    """A cluster's contract public key [PHAT-25]: only from ``Cluster(id)`` (``InvalidSender``);
    ``ContractKeys`` written, the contract appended to ``ClusterContracts``, and recorded in
    ``Contracts`` unless a record exists."""
    decoded = decode_contract_registry_event(message.payload)
    if decoded is None:
        raise DispatchError(MESSAGE_CODEC_ERROR)
    if message.sender.kind != "Cluster":
        raise DispatchError(INVALID_SENDER)
    cluster = message.sender.id
    contract = decoded.contract
    state = update_registry(
        state, contract_keys=state.registry.contract_keys.set(contract, decoded.pubkey)
    )
    available = event(
        f"{PALLET}.ContractPubkeyAvailable",
        contract=contract,
        cluster=cluster,
        pubkey=decoded.pubkey,
    )
    phat = state.phat
    listed = phat.cluster_contracts.get(cluster, ())
    contracts = phat.contracts
    if contract not in contracts:
        contracts = contracts.set(contract, BasicContractInfo(decoded.deployer, cluster))
    state = _set(
        state,
        cluster_contracts=phat.cluster_contracts.set(cluster, (*listed, contract)),
        contracts=contracts,
    )
    instantiated = event(
        f"{PALLET}.Instantiated", contract=contract, cluster=cluster, deployer=decoded.deployer
    )
    return state, (available, instantiated)


def on_worker_cluster_message_received(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Events]:
    """A worker's deployment report: an event only, no storage change and no membership check
    [PHAT-26]. Only a ``Worker`` origin (``InvalidSender``)."""
    decoded = decode_worker_cluster_report(message.payload)
    if decoded is None:
        raise DispatchError(MESSAGE_CODEC_ERROR)
    if message.sender.kind != "Worker":
        raise DispatchError(INVALID_SENDER)
    worker = message.sender.id
    if isinstance(decoded, ClusterDeployed):
        deployed = event(
            f"{PALLET}.ClusterDeployed", cluster=decoded.id, pubkey=decoded.pubkey, worker=worker
        )
        return state, (deployed,)
    failed = event(f"{PALLET}.ClusterDeploymentFailed", cluster=decoded.id, worker=worker)
    return state, (failed,)
