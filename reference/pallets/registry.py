"""pallet registry: key storage, the message check, worker registration and benchmarks.

The message check ([MQ-8] [MQ-9]) tells which public key authenticates each
kind of off-chain sender. The registry chapter ([REG-1]..) adds the pRuntime
and genesis-hash allowlists, the worker registry (``force_register_worker``,
``register_worker_v2``) and the on-chain handler of ``^phala/registry/event``
(benchmark reports and the master key upload), the gatekeepers and the
master-key rotation with the handler of ``^phala/registry/gk_event``
([REG-16]..[REG-21]), worker endpoints [REG-22] and the legacy
``register_worker`` [REG-23].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any

import attrs

from ..chain.messages import (
    Message,
    MessageOrigin,
    SignedMessage,
    pallet_origin,
    signed_bytes,
    wrap_content_to_sign,
)
from ..chain.state import (
    BlockContext,
    ChainState,
    CollectiveOrigin,
    ConsensusVersionCount,
    Events,
    GatekeeperLaunchedAt,
    Origin,
    Root,
    WorkerInfo,
    event,
)
from ..chain.worker_messages import (
    GATEKEEPER_CHANGE_TOPIC,
    GATEKEEPER_LAUNCH_TOPIC,
    BenchScore,
    BenchStart,
    DecodeFailure,
    FirstGatekeeper,
    GatekeeperChange,
    GatekeeperLaunch,
    GatekeeperRegistered,
    GatekeeperUnregistered,
    MasterPubkey,
    MasterPubkeyOnChain,
    MasterPubkeyRotated,
    Registered,
    RotateMasterKey,
    WorkerEvent,
    WorkerEventWithKey,
    WorkerIdentity,
    decode_gatekeeper_registry_event,
    decode_registry_event,
    encode_payload,
)
from ..primitives import crypto, scale
from ..primitives.codec import blake2b_256
from ..primitives.errors import BadOrigin, DispatchError, RuntimePanic
from ..primitives.types import (
    BYTES,
    BYTES32,
    OPTION_ACCOUNT_ID,
    TEXT,
    U32,
    U32_KIND,
    U64_KIND,
    Bytes,
    Bytes32,
    Kind,
    OptionAccountId,
    Signature,
    fields_of,
    list_of,
)
from ..tee.attestation import CONFIDENCE_NONE, AttestationReport, confidence_level

# 0.1 declared the evidence records here; they are the TEE layer's now.
from ..tee.evidence import Attestation as Attestation
from ..tee.evidence import DcapAttestation as DcapAttestation
from ..tee.evidence import Evidence, IasEvidence
from ..tee.evidence import IasAttestation as IasAttestation
from ..tee.evidence import SimulatedAttestation as SimulatedAttestation
from . import mq
from .balances import ensure_root, ensure_signed

UNKNOWN_CLUSTER = "PhalaRegistry.UnknownCluster"
UNKNOWN_CONTRACT = "PhalaRegistry.UnknownContract"
MASTER_KEY_UNINITIALIZED = "PhalaRegistry.MasterKeyUninitialized"
CANNOT_HANDLE_UNKNOWN_MESSAGE = "PhalaRegistry.CannotHandleUnknownMessage"
INVALID_SIGNATURE_LENGTH = "PhalaRegistry.InvalidSignatureLength"
# Declared by production but unreachable: after the length check, turning 64
# bytes into an sr25519 signature cannot fail (it only checks the length) [MQ-9].
MALFORMED_SIGNATURE = "PhalaRegistry.MalformedSignature"
INVALID_SIGNATURE = "PhalaRegistry.InvalidSignature"


def message_public_key(state: ChainState, sender: MessageOrigin) -> bytes:
    """The public key that must have signed a message from ``sender`` [MQ-9] steps 1-5.

    A worker signs with its own key (the one in the origin; the worker need
    not be registered); a cluster or a contract with the key the registry
    holds for it; the gatekeeper with the master public key. Any other sender
    cannot be authenticated.
    """
    registry = state.registry
    if sender.kind == "Worker":
        return sender.id
    if sender.kind == "Contract":
        key = registry.contract_keys.get(sender.id)
        if key is None:
            raise DispatchError(UNKNOWN_CONTRACT)
        return key
    if sender.kind == "Cluster":
        key = registry.cluster_keys.get(sender.id)
        if key is None:
            raise DispatchError(UNKNOWN_CLUSTER)
        return key
    if sender.kind == "Gatekeeper":
        if registry.gatekeeper_master_pubkey is None:
            raise DispatchError(MASTER_KEY_UNINITIALIZED)
        return registry.gatekeeper_master_pubkey
    raise DispatchError(CANNOT_HANDLE_UNKNOWN_MESSAGE)


def check_message(state: ChainState, signed_message: SignedMessage) -> None:
    """Production's ``registry::check_message``: is the message signed by its sender? [MQ-9]

    Checks in order: the sender's key ([MQ-9] steps 1-5), the signature's
    length (64 bytes), then the signature over the signed bytes ([MQ-4]) under
    the reference profile ([CRYPTO-1]). In the ``oracle`` crypto setting the
    signature is a boolean that stands for a 64-byte signature whose validity
    it states [MQ-22].
    """
    message = signed_message.message
    public = message_public_key(state, message.sender)
    signature = signed_message.signature
    if isinstance(signature, bool):
        if not signature:
            raise DispatchError(INVALID_SIGNATURE)
        return
    if len(signature) != crypto.SIGNATURE_BYTES:
        raise DispatchError(INVALID_SIGNATURE_LENGTH)
    data = wrap_content_to_sign(signed_bytes(message, signed_message.sequence), "MqMessage")
    if not crypto.verify(public, data, signature):
        raise DispatchError(INVALID_SIGNATURE)


# --- The registry pallet [REG-1].. ---------------------------------------------------

if TYPE_CHECKING:  # the verifiers load the X.509 stack: imported when evidence arrives
    from ..tee.dcap import SgxV30Collateral

PRUNTIME_ALREADY_EXISTS = "PhalaRegistry.PRuntimeAlreadyExists"
PRUNTIME_NOT_FOUND = "PhalaRegistry.PRuntimeNotFound"
GENESIS_BLOCK_HASH_ALREADY_EXISTS = "PhalaRegistry.GenesisBlockHashAlreadyExists"
GENESIS_BLOCK_HASH_NOT_FOUND = "PhalaRegistry.GenesisBlockHashNotFound"
GENESIS_BLOCK_HASH_REJECTED = "PhalaRegistry.GenesisBlockHashRejected"
PARACHAIN_ID_MISMATCH = "PhalaRegistry.ParachainIdMismatch"
NONE_ATTESTATION_DISABLED = "PhalaRegistry.NoneAttestationDisabled"
INVALID_SENDER = "PhalaRegistry.InvalidSender"
INVALID_BENCH_REPORT = "PhalaRegistry.InvalidBenchReport"
INVALID_GATEKEEPER = "PhalaRegistry.InvalidGatekeeper"
MASTER_KEY_IN_ROTATION = "PhalaRegistry.MasterKeyInRotation"
MASTER_KEY_MISMATCH = "PhalaRegistry.MasterKeyMismatch"
WORKER_NOT_FOUND = "PhalaRegistry.WorkerNotFound"
CANNOT_REMOVE_LAST_GATEKEEPER = "PhalaRegistry.CannotRemoveLastGatekeeper"
INVALID_ROTATED_MASTER_PUBKEY = "PhalaRegistry.InvalidRotatedMasterPubkey"
INVALID_PUBKEY = "PhalaRegistry.InvalidPubKey"
INVALID_ENDPOINT_SIGNING_TIME = "PhalaRegistry.InvalidEndpointSigningTime"
MESSAGE_CODEC_ERROR = "MessageCodecError"

PALLET = pallet_origin("PhalaRegistry")
SYSTEM_EVENT_TOPIC = b"phala/system/event"

# force_register_worker's fixed fields [REG-7].
FORCED_FEATURES = (1, 4)
FORCED_LAST_UPDATED = 1

MAX_SCORE = 6000
SCORE_FACTOR = 6
U64 = 2**64


def ensure_governance(origin: Origin) -> None:
    """``GovernanceOrigin``: root, or more than half of the Council [REG-4]."""
    if isinstance(origin, Root):
        return
    if (
        isinstance(origin, CollectiveOrigin)
        and origin.collective == "Council"
        and origin.yes * 2 > origin.total
    ):
        return
    raise BadOrigin()


def _set(state: ChainState, **changes: Any) -> ChainState:
    return attrs.evolve(state, registry=attrs.evolve(state.registry, **changes))


def add_pruntime(
    state: ChainState, ctx: BlockContext, origin: Origin, pruntime_hash: Bytes
) -> tuple[ChainState, Events]:
    """Governance adds a pRuntime hash to the allowlist and records the block [REG-5]."""
    ensure_governance(origin)
    reg = state.registry
    if pruntime_hash in reg.pruntime_allowlist:
        raise DispatchError(PRUNTIME_ALREADY_EXISTS)
    return _set(
        state,
        pruntime_allowlist=(*reg.pruntime_allowlist, pruntime_hash),
        pruntime_added_at=reg.pruntime_added_at.set(pruntime_hash, ctx.number),
    ), ()


def remove_pruntime(
    state: ChainState, ctx: BlockContext, origin: Origin, pruntime_hash: Bytes
) -> tuple[ChainState, Events]:
    """Governance removes a pRuntime hash from the allowlist and forgets its block [REG-5]."""
    ensure_governance(origin)
    reg = state.registry
    if pruntime_hash not in reg.pruntime_allowlist:
        raise DispatchError(PRUNTIME_NOT_FOUND)
    kept = tuple(h for h in reg.pruntime_allowlist if h != pruntime_hash)
    added = (
        reg.pruntime_added_at.delete(pruntime_hash)
        if pruntime_hash in reg.pruntime_added_at
        else reg.pruntime_added_at
    )
    return _set(state, pruntime_allowlist=kept, pruntime_added_at=added), ()


def add_relaychain_genesis_block_hash(
    state: ChainState, ctx: BlockContext, origin: Origin, genesis_block_hash: Bytes32
) -> tuple[ChainState, Events]:
    """Governance admits a relay-chain genesis hash [REG-6]."""
    ensure_governance(origin)
    hashes = state.registry.genesis_hash_allowlist
    if genesis_block_hash in hashes:
        raise DispatchError(GENESIS_BLOCK_HASH_ALREADY_EXISTS)
    return _set(state, genesis_hash_allowlist=(*hashes, genesis_block_hash)), ()


def remove_relaychain_genesis_block_hash(
    state: ChainState, ctx: BlockContext, origin: Origin, genesis_block_hash: Bytes32
) -> tuple[ChainState, Events]:
    """Governance withdraws a relay-chain genesis hash [REG-6]."""
    ensure_governance(origin)
    hashes = state.registry.genesis_hash_allowlist
    if genesis_block_hash not in hashes:
        raise DispatchError(GENESIS_BLOCK_HASH_NOT_FOUND)
    return _set(
        state, genesis_hash_allowlist=tuple(h for h in hashes if h != genesis_block_hash)
    ), ()


def force_set_benchmark_duration(
    state: ChainState, ctx: BlockContext, origin: Origin, value: U32
) -> tuple[ChainState, Events]:
    """Governance sets the benchmark duration, in blocks [REG-6]."""
    ensure_governance(origin)
    return _set(state, benchmark_duration=value), ()


def _push_worker_event(
    state: ChainState, ctx: BlockContext, pubkey: bytes, worker_event: WorkerEvent
) -> tuple[ChainState, Events]:
    payload = encode_payload(WorkerEventWithKey(pubkey=pubkey, event=worker_event))
    return mq.push_message(state, ctx, PALLET, SYSTEM_EVENT_TOPIC, payload)


def force_register_worker(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    pubkey: Bytes32,
    ecdh_pubkey: Bytes32,
    operator: OptionAccountId,
) -> tuple[ChainState, Events]:
    """Root registers a worker without attestation [REG-7].

    The record is written whole, replacing any existing one (production's
    ``Workers::insert``): an existing worker's score and provider are reset.
    Pushes ``Registered{128}``, deposits ``WorkerAdded`` and sets
    ``WorkerAddedAt`` to this block. No benchmark is started.
    """
    ensure_root(origin)
    info = WorkerInfo(
        pubkey=pubkey,
        ecdh_pubkey=ecdh_pubkey,
        runtime_version=0,
        last_updated=FORCED_LAST_UPDATED,
        operator=operator,
        attestation_provider="Root",
        confidence_level=CONFIDENCE_NONE,
        initial_score=None,
        features=FORCED_FEATURES,
    )
    reg = state.registry
    state = _set(state, workers=reg.workers.set(pubkey, info))
    state, pushed = _push_worker_event(state, ctx, pubkey, Registered(CONFIDENCE_NONE))
    added = event(
        "PhalaRegistry.WorkerAdded",
        pubkey=pubkey,
        attestation_provider="Root",
        confidence_level=CONFIDENCE_NONE,
    )
    state = _set(state, worker_added_at=state.registry.worker_added_at.set(pubkey, ctx.number))
    return state, (*pushed, added)


# --- register_worker_v2 [REG-8]..[REG-11] -------------------------------------------------


@attrs.frozen
class WorkerRegistrationInfoV2:
    """The runtime information a worker registers with; fields in SCALE order [REG-8]."""

    version: int
    machine_id: bytes
    pubkey: bytes
    ecdh_pubkey: bytes
    genesis_block_hash: bytes
    features: tuple[int, ...]
    operator: bytes | None
    para_id: int
    max_consensus_version: int

    def encode(self) -> bytes:
        """SCALE: the legacy fields ([REG-23]), then u32 para id, u32 consensus version [REG-8]."""
        return (
            _encode_info_fields(self)
            + self.para_id.to_bytes(4, "little")
            + self.max_consensus_version.to_bytes(4, "little")
        )


_INFO_FIELDS = (
    "version",
    "machine_id",
    "pubkey",
    "ecdh_pubkey",
    "genesis_block_hash",
    "features",
    "operator",
)
_FEATURES = list_of(U32_KIND)


def _info_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the legacy and the v2 registration info share, decoded [REG-8] [REG-23]."""
    return {
        "version": U32_KIND.decode(fields["version"], "version"),
        "machine_id": BYTES.decode(fields["machine_id"], "machine_id"),
        "pubkey": BYTES32.decode(fields["pubkey"], "pubkey"),
        "ecdh_pubkey": BYTES32.decode(fields["ecdh_pubkey"], "ecdh_pubkey"),
        "genesis_block_hash": BYTES32.decode(fields["genesis_block_hash"], "genesis_block_hash"),
        "features": _FEATURES.decode(fields["features"], "features"),
        "operator": OPTION_ACCOUNT_ID.decode(fields["operator"], "operator"),
    }


def _pruntime_info(value: Any) -> WorkerRegistrationInfoV2:
    fields = fields_of(value, (*_INFO_FIELDS, "para_id", "max_consensus_version"))
    return WorkerRegistrationInfoV2(
        **_info_fields(fields),
        para_id=U32_KIND.decode(fields["para_id"], "para_id"),
        max_consensus_version=U32_KIND.decode(
            fields["max_consensus_version"], "max_consensus_version"
        ),
    )


PRUNTIME_INFO: Kind[WorkerRegistrationInfoV2] = Kind(
    "pruntime_info",
    "pRuntime info {version: u32, machine_id: bytes, pubkey: bytes32, ecdh_pubkey: bytes32, "
    "genesis_block_hash: bytes32, features: [u32], operator: account id | null, para_id: u32, "
    "max_consensus_version: u32}",
    _pruntime_info,
)
PRuntimeInfo = Annotated[WorkerRegistrationInfoV2, PRUNTIME_INFO]


def _encode_info_fields(info: WorkerRegistrationInfoV2 | WorkerRegistrationInfo) -> bytes:
    """SCALE of the fields both registration infos share, in order [REG-8] [REG-23]:
    u32, Vec<u8>, [u8;32], [u8;32], H256, Vec<u32>, Option<AccountId32>."""
    out = info.version.to_bytes(4, "little")
    out += scale.compact(len(info.machine_id)) + info.machine_id
    out += info.pubkey + info.ecdh_pubkey + info.genesis_block_hash
    out += scale.compact(len(info.features)) + b"".join(
        f.to_bytes(4, "little") for f in info.features
    )
    return out + (b"\x00" if info.operator is None else b"\x01" + info.operator)


def validate_dcap(
    quote: bytes,
    collateral: SgxV30Collateral | None,
    user_data_hash: bytes,
    now: int,
    allowlist: Iterable[bytes],
    verify_pruntime: bool,
) -> AttestationReport:
    """DCAP registration policy [REG-9]: verify, allowlist, report-data binding, then confidence."""
    from ..tee.dcap import verify_dcap_quote
    from ..tee.ias import INVALID_RUNTIME_INFO_HASH, PRUNTIME_REJECTED

    verified, runtime_hash = verify_dcap_quote(quote, collateral, now)
    if verify_pruntime and runtime_hash not in tuple(allowlist):
        raise DispatchError(PRUNTIME_REJECTED, f"pRuntime {runtime_hash.hex()}")
    if verified.report.report_data[:32] != user_data_hash:
        raise DispatchError(INVALID_RUNTIME_INFO_HASH, "report data does not bind the runtime info")
    level = confidence_level(verified.tcb_status, verified.advisory_ids)
    return AttestationReport(
        provider="Dcap",
        confidence_level=level,
        runtime_hash=runtime_hash,
        report_data=verified.report.report_data,
        timestamp=None,
    )


def validate_attestation(
    state: ChainState, attestation: Attestation, user_data_hash: bytes, now: int
) -> tuple[str | None, int]:
    """Production's ``attestation::validate``: the provider and confidence level [REG-9] [ATT-40]."""
    config = state.config
    allowlist = state.registry.pruntime_allowlist
    if attestation is None:
        if not config.none_attestation_enabled:
            raise DispatchError(NONE_ATTESTATION_DISABLED)
        return None, CONFIDENCE_NONE
    if isinstance(attestation, IasAttestation):
        from ..tee.ias import validate_ias

        report = validate_ias(
            attestation.ra_report,
            attestation.signature,
            attestation.raw_signing_cert,
            user_data_hash,
            now,
            allowlist,
            config.verify_pruntime,
        )
    elif isinstance(attestation, DcapAttestation):
        report = validate_dcap(
            attestation.quote,
            attestation.collateral,
            user_data_hash,
            now,
            allowlist,
            config.verify_pruntime,
        )
    else:
        from ..tee.simulated import UNSUPPORTED_ATTESTATION_TYPE, validate_simulated

        if not config.simulated_attestation:  # [ATT-40] off on the production presets
            raise DispatchError(UNSUPPORTED_ATTESTATION_TYPE, "simulated attestation is disabled")
        report = validate_simulated(
            attestation.report,
            attestation.signature,
            user_data_hash,
            now,
            allowlist,
            config.verify_pruntime,
        )
    return report.provider, report.confidence_level


def attest(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    info: WorkerRegistrationInfoV2 | WorkerRegistrationInfo,
    attestation: Attestation,
) -> tuple[str | None, int, int]:
    """The first checks of both registration calls: a signed origin, then the evidence bound to
    BLAKE2b-256 of the info's encoding [REG-10] [REG-23]; gives provider, level and ``now_s``."""
    ensure_signed(origin)
    now = ctx.timestamp // 1000
    provider, level = validate_attestation(state, attestation, blake2b_256(info.encode()), now)
    return provider, level, now


def register_worker_v2(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    pruntime_info: PRuntimeInfo,
    attestation: Evidence,
) -> tuple[ChainState, Events]:
    """A worker registers (or refreshes its registration) with attestation evidence [REG-10] [REG-11]."""
    provider, level, now = attest(state, ctx, origin, pruntime_info, attestation)
    config = state.config
    if pruntime_info.para_id != config.parachain_id:
        raise DispatchError(PARACHAIN_ID_MISMATCH)
    reg = state.registry
    if (
        config.verify_relaychain_genesis_block_hash
        and pruntime_info.genesis_block_hash not in reg.genesis_hash_allowlist
    ):
        raise DispatchError(GENESIS_BLOCK_HASH_REJECTED)
    known = reg.max_known_consensus_version
    version = pruntime_info.max_consensus_version
    if version > known.version:
        known = ConsensusVersionCount(version, 1)
    elif version == known.version:
        known = ConsensusVersionCount(known.version, known.count + 1)
    state = _set(state, max_known_consensus_version=known)
    return _upsert_worker(state, ctx, pruntime_info, provider, level, now)


def _upsert_worker(
    state: ChainState,
    ctx: BlockContext,
    info: WorkerRegistrationInfoV2 | WorkerRegistrationInfo,
    provider: str | None,
    level: int,
    now: int,
) -> tuple[ChainState, Events]:
    """Insert or refresh the worker record, then start its benchmark [REG-11].

    A refresh never changes the ECDH key, the initial score or the provider.
    """
    reg = state.registry
    pubkey = info.pubkey
    existing = reg.workers.get(pubkey)
    events: Events = ()
    if existing is not None:
        updated = attrs.evolve(
            existing,
            last_updated=now,
            operator=info.operator,
            runtime_version=info.version,
            confidence_level=level,
            features=info.features,
        )
        state = _set(state, workers=state.registry.workers.set(pubkey, updated))
        state, pushed = _push_worker_event(state, ctx, pubkey, Registered(level))
        events = (
            *pushed,
            event(
                "PhalaRegistry.WorkerUpdated",
                pubkey=pubkey,
                attestation_provider=provider,
                confidence_level=level,
            ),
        )
    else:
        record = WorkerInfo(
            pubkey=pubkey,
            ecdh_pubkey=info.ecdh_pubkey,
            runtime_version=info.version,
            last_updated=now,
            operator=info.operator,
            attestation_provider=provider,
            confidence_level=level,
            initial_score=None,
            features=info.features,
        )
        state = _set(state, workers=state.registry.workers.set(pubkey, record))
        state, pushed = _push_worker_event(state, ctx, pubkey, Registered(level))
        events = (
            *pushed,
            event(
                "PhalaRegistry.WorkerAdded",
                pubkey=pubkey,
                attestation_provider=provider,
                confidence_level=level,
            ),
        )
        state = _set(state, worker_added_at=state.registry.worker_added_at.set(pubkey, ctx.number))
    duration = state.registry.benchmark_duration or 0
    state, pushed = _push_worker_event(state, ctx, pubkey, BenchStart(duration))
    return state, (*events, *pushed)


@attrs.frozen
class WorkerRegistrationInfo:
    """The legacy registration info: v2 without the para id and consensus version [REG-23]."""

    version: int
    machine_id: bytes
    pubkey: bytes
    ecdh_pubkey: bytes
    genesis_block_hash: bytes
    features: tuple[int, ...]
    operator: bytes | None

    def encode(self) -> bytes:
        """SCALE of the seven fields in order [REG-23]."""
        return _encode_info_fields(self)


def _pruntime_info_v1(value: Any) -> WorkerRegistrationInfo:
    return WorkerRegistrationInfo(**_info_fields(fields_of(value, _INFO_FIELDS)))


PRUNTIME_INFO_V1: Kind[WorkerRegistrationInfo] = Kind(
    "pruntime_info_v1",
    "legacy pRuntime info: pruntime_info without para_id and max_consensus_version",
    _pruntime_info_v1,
)
PRuntimeInfoV1 = Annotated[WorkerRegistrationInfo, PRUNTIME_INFO_V1]


def register_worker(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    pruntime_info: PRuntimeInfoV1,
    attestation: IasEvidence,
) -> tuple[ChainState, Events]:
    """The legacy registration: IAS evidence only, no para id, no consensus version [REG-23]."""
    provider, level, now = attest(state, ctx, origin, pruntime_info, attestation)
    if (
        state.config.verify_relaychain_genesis_block_hash
        and pruntime_info.genesis_block_hash not in state.registry.genesis_hash_allowlist
    ):
        raise DispatchError(GENESIS_BLOCK_HASH_REJECTED)
    return _upsert_worker(state, ctx, pruntime_info, provider, level, now)


# --- The handler of ^phala/registry/event [REG-12]..[REG-14] -------------------------------


def bench_score(start_time: int, iterations: int, now_ms: int) -> int:
    """The initial score of a benchmark report received at ``now_ms`` [REG-13].

    ``now_ms > start_time`` is the caller's check. A report less than a second
    old divides by zero in production, a panic: the reference raises
    :class:`RuntimePanic`, input that no block can include [CHAIN-11]. The product by 6 is
    taken modulo 2^64 (production's release arithmetic), before the cap.
    """
    seconds = (now_ms - start_time) // 1000
    if seconds == 0:
        raise RuntimePanic(
            "BenchReport less than 1000 ms after its start: production divides by zero "
            "and panics, so no block can include this message"
        )
    return min(MAX_SCORE, ((iterations // seconds) * SCORE_FACTOR) % U64)


def on_message_received(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Events]:
    """``PhalaRegistry.on_message_received``: a worker's ``RegistryEvent`` [REG-12].

    Decode (``MessageCodecError``), the sender must be a worker
    (``InvalidSender``), then the event's own rules. mq swallows every error.
    """
    decoded = decode_registry_event(message.payload)
    if isinstance(decoded, DecodeFailure):
        raise DispatchError(MESSAGE_CODEC_ERROR, decoded.reason)
    if message.sender.kind != "Worker":
        raise DispatchError(INVALID_SENDER)
    pubkey = message.sender.id
    if isinstance(decoded, MasterPubkey):
        return upload_master_pubkey(state, ctx, pubkey, decoded.master_pubkey)
    now_ms = ctx.timestamp
    if now_ms <= decoded.start_time:
        raise DispatchError(INVALID_BENCH_REPORT)
    score = bench_score(decoded.start_time, decoded.iterations, now_ms)
    worker = state.registry.workers.get(pubkey)
    if worker is None:
        return state, ()
    updated = attrs.evolve(worker, initial_score=score, last_updated=now_ms // 1000)
    state = _set(state, workers=state.registry.workers.set(pubkey, updated))
    state, pushed = _push_worker_event(state, ctx, pubkey, BenchScore(score))
    return state, (*pushed, event("PhalaRegistry.InitialScoreSet", pubkey=pubkey, init_score=score))


def upload_master_pubkey(
    state: ChainState, ctx: BlockContext, gatekeeper: bytes, master_pubkey: bytes
) -> tuple[ChainState, Events]:
    """A gatekeeper's ``MasterPubkey`` message: the first one launches the gatekeepers [REG-14].

    The sender must be a gatekeeper. A stored key must be equal (a repeat
    changes nothing); otherwise the key is stored, the launch block and time
    recorded, and every runtime told ``MasterPubkeyOnChain``.
    """
    reg = state.registry
    if gatekeeper not in reg.gatekeepers:
        raise DispatchError(INVALID_GATEKEEPER)
    if reg.gatekeeper_master_pubkey is not None:
        if reg.gatekeeper_master_pubkey != master_pubkey:
            raise DispatchError(MASTER_KEY_MISMATCH)
        return state, ()
    state = _set(state, gatekeeper_master_pubkey=master_pubkey)
    state, pushed = _push_launch(state, ctx, MasterPubkeyOnChain(master_pubkey))
    launched = GatekeeperLaunchedAt(block=ctx.number, timestamp=ctx.timestamp // 1000)
    state = _set(state, gatekeeper_launched_at=launched)
    return state, (*pushed, event("PhalaRegistry.GatekeeperLaunched"))


# --- Gatekeepers and the master key [REG-16]..[REG-21] -------------------------------------


def _push_launch(
    state: ChainState, ctx: BlockContext, payload: GatekeeperLaunch
) -> tuple[ChainState, Events]:
    return mq.push_message(state, ctx, PALLET, GATEKEEPER_LAUNCH_TOPIC, encode_payload(payload))


def _push_change(
    state: ChainState, ctx: BlockContext, payload: GatekeeperChange
) -> tuple[ChainState, Events]:
    return mq.push_message(state, ctx, PALLET, GATEKEEPER_CHANGE_TOPIC, encode_payload(payload))


def register_gatekeeper(
    state: ChainState, ctx: BlockContext, origin: Origin, gatekeeper: Bytes32
) -> tuple[ChainState, Events]:
    """Governance makes a registered worker a gatekeeper [REG-17].

    Refused during a rotation, and, once there is a gatekeeper, until the
    master public key is on chain. A worker that is already a gatekeeper is
    left as it is, yet ``GatekeeperAdded`` is deposited all the same.
    """
    ensure_governance(origin)
    reg = state.registry
    if reg.master_key_rotation_lock is not None:
        raise DispatchError(MASTER_KEY_IN_ROTATION)
    if reg.gatekeepers and reg.gatekeeper_master_pubkey is None:
        raise DispatchError(MASTER_KEY_UNINITIALIZED)
    events: Events = ()
    if gatekeeper not in reg.gatekeepers:
        worker = reg.workers.get(gatekeeper)
        if worker is None:
            raise DispatchError(WORKER_NOT_FOUND)
        state = _set(state, gatekeepers=(*reg.gatekeepers, gatekeeper))
        if len(state.registry.gatekeepers) == 1:
            state, events = _push_launch(
                state, ctx, FirstGatekeeper(gatekeeper, worker.ecdh_pubkey)
            )
        else:
            state, events = _push_change(
                state, ctx, GatekeeperRegistered(gatekeeper, worker.ecdh_pubkey)
            )
    return state, (*events, event("PhalaRegistry.GatekeeperAdded", pubkey=gatekeeper))


def unregister_gatekeeper(
    state: ChainState, ctx: BlockContext, origin: Origin, gatekeeper: Bytes32
) -> tuple[ChainState, Events]:
    """Governance removes a gatekeeper; the last one can never leave [REG-18].

    Production declares ``GatekeeperRemoved`` but never deposits it: the only
    trace is the ``GatekeeperChange::Unregistered`` message.
    """
    ensure_governance(origin)
    reg = state.registry
    if reg.master_key_rotation_lock is not None:
        raise DispatchError(MASTER_KEY_IN_ROTATION)
    if gatekeeper not in reg.gatekeepers:
        raise DispatchError(INVALID_GATEKEEPER)
    if len(reg.gatekeepers) <= 1:
        raise DispatchError(CANNOT_REMOVE_LAST_GATEKEEPER)
    state = _set(state, gatekeepers=tuple(g for g in reg.gatekeepers if g != gatekeeper))
    return _push_change(state, ctx, GatekeeperUnregistered(gatekeeper))


def rotate_master_key(
    state: ChainState, ctx: BlockContext, origin: Origin
) -> tuple[ChainState, Events]:
    """Governance starts a master-key rotation among the current gatekeepers [REG-19].

    The counter is incremented (rotation ids start at 1; 0 is the launch key)
    and locks the gatekeeper set until the gatekeepers report the new key.
    """
    ensure_governance(origin)
    reg = state.registry
    if reg.master_key_rotation_lock is not None:
        raise DispatchError(MASTER_KEY_IN_ROTATION)
    identities = []
    for gatekeeper in reg.gatekeepers:
        worker = reg.workers.get(gatekeeper)
        if worker is None:
            raise DispatchError(WORKER_NOT_FOUND)
        identities.append(WorkerIdentity(gatekeeper, worker.ecdh_pubkey))
    rotation_id = reg.rotation_counter + 1
    state = _set(state, rotation_counter=rotation_id, master_key_rotation_lock=rotation_id)
    return _push_launch(state, ctx, RotateMasterKey(rotation_id, tuple(identities)))


def on_gk_message_received(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Events]:
    """``PhalaRegistry.on_gk_message_received``: the gatekeepers' rotated master key [REG-20].

    Only the ``Gatekeeper`` origin may send it (signed with the current
    master key, [MQ-9]). A rotation id that is not the locked one deposits
    ``MasterKeyRotationFailed`` and then fails; the failure is swallowed and
    the event stays ([MQ-13]), so the reference returns the event as the
    handler's outcome.
    """
    decoded = decode_gatekeeper_registry_event(message.payload)
    if isinstance(decoded, DecodeFailure):
        raise DispatchError(MESSAGE_CODEC_ERROR, decoded.reason)
    if message.sender.kind != "Gatekeeper":
        raise DispatchError(INVALID_SENDER)
    lock = state.registry.master_key_rotation_lock
    if lock != decoded.rotation_id:
        return state, (
            event(
                "PhalaRegistry.MasterKeyRotationFailed",
                rotation_lock=lock,
                gatekeeper_rotation_id=decoded.rotation_id,
            ),
        )
    state = _set(
        state, gatekeeper_master_pubkey=decoded.master_pubkey, master_key_rotation_lock=None
    )
    rotated = event(
        "PhalaRegistry.MasterKeyRotated",
        rotation_id=decoded.rotation_id,
        master_pubkey=decoded.master_pubkey,
    )
    state, pushed = _push_launch(state, ctx, MasterPubkeyRotated(decoded.master_pubkey))
    return state, (rotated, *pushed)


def is_worker_registered_after_gk_launched(state: ChainState, pubkey: bytes) -> bool:
    """Was the worker (last) inserted strictly after the gatekeepers launched? [REG-21]

    False when the worker was never inserted or the gatekeepers have not launched.
    """
    added = state.registry.worker_added_at.get(pubkey)
    launched = state.registry.gatekeeper_launched_at
    return added is not None and launched is not None and added > launched.block


# --- Endpoints [REG-22] ------------------------------------------------------------------

ENDPOINT_SIGNING_WINDOW_MS = 4 * 60 * 60 * 1000


@attrs.frozen
class WorkerEndpointPayload:
    """``WorkerEndpointPayload``: a worker's endpoints, signed at ``signing_time`` (ms) [REG-22]."""

    pubkey: bytes
    endpoints: tuple[str, ...]
    signing_time: int

    def encode(self) -> bytes:
        """SCALE: [u8;32], ``VersionedWorkerEndpoints::V1(Vec<String>)``, u64 [REG-22]."""
        out = self.pubkey + b"\x00" + scale.compact(len(self.endpoints))
        for endpoint in self.endpoints:
            text = endpoint.encode()
            out += scale.compact(len(text)) + text
        return out + scale.u64_le(self.signing_time)


_ENDPOINTS = list_of(TEXT)


def _endpoint_payload(value: Any) -> WorkerEndpointPayload:
    fields = fields_of(value, ("pubkey", "endpoints", "signing_time"))
    return WorkerEndpointPayload(
        BYTES32.decode(fields["pubkey"], "pubkey"),
        _ENDPOINTS.decode(fields["endpoints"], "endpoints"),
        U64_KIND.decode(fields["signing_time"], "signing_time"),
    )


ENDPOINT_PAYLOAD: Kind[WorkerEndpointPayload] = Kind(
    "endpoint_payload",
    "an endpoint payload {pubkey: bytes32, endpoints: [text], signing_time: u64}",
    _endpoint_payload,
)
EndpointPayload = Annotated[WorkerEndpointPayload, ENDPOINT_PAYLOAD]


def update_worker_endpoint(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    endpoint_payload: EndpointPayload,
    signature: Signature,
) -> tuple[ChainState, Events]:
    """A worker publishes its endpoints, signed by its identity key [REG-22].

    Anyone may submit; the signature (under ``EndpointInfo`` domain
    separation, [MQ-5]) must be the worker's, the signing time at most four
    hours old and strictly in the past, and the worker registered. No event.
    """
    ensure_signed(origin)
    if isinstance(signature, bool):
        if not signature:
            raise DispatchError(INVALID_SIGNATURE)
    else:
        if len(signature) != crypto.SIGNATURE_BYTES:
            raise DispatchError(INVALID_SIGNATURE_LENGTH)
        data = wrap_content_to_sign(endpoint_payload.encode(), "EndpointInfo")
        if not crypto.verify(endpoint_payload.pubkey, data, signature):
            raise DispatchError(INVALID_SIGNATURE)
    now_ms = ctx.timestamp
    signed_at = endpoint_payload.signing_time
    if not signed_at < now_ms <= signed_at + ENDPOINT_SIGNING_WINDOW_MS:
        raise DispatchError(INVALID_ENDPOINT_SIGNING_TIME)
    if endpoint_payload.pubkey not in state.registry.workers:
        raise DispatchError(INVALID_PUBKEY)
    endpoints = state.registry.endpoints.set(endpoint_payload.pubkey, endpoint_payload.endpoints)
    return _set(state, endpoints=endpoints), ()
