"""Registering workers and their benchmarks [REG-7]..[REG-13] [REG-23].

Root's ``force_register_worker`` [REG-7]; ``register_worker_v2`` with its
registration info [REG-8], the attestation policy [REG-9], its checks and
effects [REG-10] [REG-11]; the legacy ``register_worker`` [REG-23]; and the
handler of ``^phala/registry/event`` [REG-12]: a worker's benchmark report and
its score [REG-13] (the master key upload it passes to
:mod:`.gatekeepers`, [REG-14]).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any

import attrs

from ...chain.messages import Message
from ...chain.registry_payloads import MasterPubkey
from ...chain.state import (
    BlockContext,
    ChainState,
    ConsensusVersionCount,
    Events,
    Origin,
    WorkerInfo,
    event,
)
from ...chain.system_payloads import (
    BenchScore,
    BenchStart,
    Registered,
    WorkerEvent,
    WorkerEventWithKey,
)
from ...chain.worker_messages import DecodeFailure, decode_registry_event, encode_payload
from ...primitives import scale
from ...primitives.codec import blake2b_256
from ...primitives.errors import DispatchError, RuntimePanic
from ...primitives.records import evolve
from ...primitives.types import (
    BYTES,
    BYTES32,
    OPTION_ACCOUNT_ID,
    U32_KIND,
    Bytes32,
    Kind,
    OptionAccountId,
    fields_of,
    list_of,
)
from ...tee.attestation import CONFIDENCE_NONE, AttestationReport, confidence_level
from ...tee.evidence import Attestation, DcapAttestation, Evidence, IasAttestation, IasEvidence
from .. import mq
from ..balances.origins import ensure_root, ensure_signed
from .allowlists import PALLET, update_registry
from .gatekeepers import INVALID_SENDER, MESSAGE_CODEC_ERROR, upload_master_pubkey

if TYPE_CHECKING:  # the verifiers load the X.509 stack: imported when evidence arrives
    from ...tee.dcap import SgxV30Collateral

GENESIS_BLOCK_HASH_REJECTED = "PhalaRegistry.GenesisBlockHashRejected"
PARACHAIN_ID_MISMATCH = "PhalaRegistry.ParachainIdMismatch"
NONE_ATTESTATION_DISABLED = "PhalaRegistry.NoneAttestationDisabled"
INVALID_BENCH_REPORT = "PhalaRegistry.InvalidBenchReport"

SYSTEM_EVENT_TOPIC = b"phala/system/event"

# force_register_worker's fixed fields [REG-7].
FORCED_FEATURES = (1, 4)
FORCED_LAST_UPDATED = 1

MAX_SCORE = 6000
SCORE_FACTOR = 6
U64 = 2**64
U32 = 2**32


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
    state = update_registry(state, workers=reg.workers.set(pubkey, info))
    state, pushed = _push_worker_event(state, ctx, pubkey, Registered(CONFIDENCE_NONE))
    added = event(
        "PhalaRegistry.WorkerAdded",
        pubkey=pubkey,
        attestation_provider="Root",
        confidence_level=CONFIDENCE_NONE,
    )
    state = update_registry(
        state, worker_added_at=state.registry.worker_added_at.set(pubkey, ctx.number)
    )
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
    trust_roots: tuple[str, ...],
) -> AttestationReport:
    """DCAP registration policy [REG-9]: verify, allowlist, report-data binding, then confidence;
    the chains end at one of ``trust_roots`` [ATT-22] [ATT-39]."""
    from ...tee.dcap import verify_dcap_quote
    from ...tee.ias import INVALID_RUNTIME_INFO_HASH, PRUNTIME_REJECTED

    verified, runtime_hash = verify_dcap_quote(quote, collateral, now, trust_roots=trust_roots)
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
        from ...tee.ias import INTEL_ONLY, validate_ias
        from ...tee.ias_test_root import TEST_IAS_ROOT_PEM

        # [ATT-13] the test root, reference only, is trusted beside Intel's when enabled.
        roots = (*INTEL_ONLY, TEST_IAS_ROOT_PEM) if config.ias_test_root else INTEL_ONLY
        report = validate_ias(
            attestation.ra_report,
            attestation.signature,
            attestation.raw_signing_cert,
            user_data_hash,
            now,
            allowlist,
            config.verify_pruntime,
            trust_roots=roots,
        )
    elif isinstance(attestation, DcapAttestation):
        from ...tee.dcap_test_root import dcap_trust_roots

        report = validate_dcap(
            attestation.quote,
            attestation.collateral,
            user_data_hash,
            now,
            allowlist,
            config.verify_pruntime,
            dcap_trust_roots(config.dcap_test_root),  # [ATT-39] the test root when enabled
        )
    else:
        from ...tee.simulated import UNSUPPORTED_ATTESTATION_TYPE, validate_simulated

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
    state = update_registry(state, max_known_consensus_version=known)
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
        updated = evolve(
            existing,
            last_updated=now,
            operator=info.operator,
            runtime_version=info.version,
            confidence_level=level,
            features=info.features,
        )
        state = update_registry(state, workers=state.registry.workers.set(pubkey, updated))
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
        state = update_registry(state, workers=state.registry.workers.set(pubkey, record))
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
        state = update_registry(
            state, worker_added_at=state.registry.worker_added_at.set(pubkey, ctx.number)
        )
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


# --- The handler of ^phala/registry/event [REG-12] [REG-13] --------------------------------


def bench_score(start_time: int, iterations: int, now_ms: int) -> int:
    """The initial score of a benchmark report received at ``now_ms`` [REG-13].

    ``now_ms > start_time`` is the caller's check. A report less than a second
    old divides by zero in production, a panic: the reference raises
    :class:`RuntimePanic`, input that no block can include [CHAIN-11]. The product by 6 is
    taken modulo 2^64 (production's release arithmetic) and truncated to its low 32 bits
    (``as u32``) before the cap of 6000.
    """
    seconds = (now_ms - start_time) // 1000
    if seconds == 0:
        raise RuntimePanic(
            "BenchReport less than 1000 ms after its start: production divides by zero "
            "and panics, so no block can include this message"
        )
    product = ((iterations // seconds) * SCORE_FACTOR) % U64
    return min(MAX_SCORE, product % U32)


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
    return bench_report(state, ctx, pubkey, decoded.start_time, decoded.iterations)


def bench_report(
    state: ChainState, ctx: BlockContext, pubkey: bytes, start_time: int, iterations: int
) -> tuple[ChainState, Events]:
    """A worker's benchmark report: its score [REG-13].

    A registered worker's record takes the score and the time; whether or not
    the worker is registered, ``BenchScore`` is pushed and ``InitialScoreSet``
    deposited (production mutates an absent record, a no-op, and goes on).
    """
    now_ms = ctx.timestamp
    if now_ms <= start_time:
        raise DispatchError(INVALID_BENCH_REPORT)
    score = bench_score(start_time, iterations, now_ms)
    worker = state.registry.workers.get(pubkey)
    if worker is not None:
        updated = evolve(worker, initial_score=score, last_updated=now_ms // 1000)
        state = update_registry(state, workers=state.registry.workers.set(pubkey, updated))
    state, pushed = _push_worker_event(state, ctx, pubkey, BenchScore(score))
    return state, (*pushed, event("PhalaRegistry.InitialScoreSet", pubkey=pubkey, init_score=score))
