"""pallet registry: key storage, the message check, worker registration and benchmarks.

The message check ([MQ-8] [MQ-9]) tells which public key authenticates each
kind of off-chain sender. The registry chapter ([REG-1]..) adds the pRuntime
and genesis-hash allowlists, the worker registry (``force_register_worker``,
``register_worker_v2``) and the on-chain handler of ``^phala/registry/event``
(benchmark reports and the master key upload), the gatekeepers and the
master-key rotation with the handler of ``^phala/registry/gk_event``
([REG-16]..[REG-21]), worker endpoints [REG-22] and the legacy
``register_worker`` [REG-23].

The rules are in the modules of this package, each using only those listed
before it:

* :mod:`.message_check`: the sender's key and the signature check [MQ-8] [MQ-9];
* :mod:`.allowlists`: the governance origin, the allowlists, the benchmark
  duration [REG-4]..[REG-6], and the pallet's storage update;
* :mod:`.gatekeepers`: the master key upload, the gatekeepers and the
  master-key rotation [REG-14] [REG-16]..[REG-21];
* :mod:`.workers`: worker registration, attestation and benchmark reports
  [REG-7]..[REG-13] [REG-23];
* :mod:`.endpoints`: worker endpoints [REG-22].
"""

# 0.1 declared the evidence records here; they are the TEE layer's now.
from ...tee.evidence import Attestation as Attestation
from ...tee.evidence import DcapAttestation as DcapAttestation
from ...tee.evidence import IasAttestation as IasAttestation
from ...tee.evidence import SimulatedAttestation as SimulatedAttestation

# The names of the single module this package was: they moved to the modules
# above and are re-exported for code that imports them from here.
from .allowlists import GENESIS_BLOCK_HASH_ALREADY_EXISTS as GENESIS_BLOCK_HASH_ALREADY_EXISTS
from .allowlists import GENESIS_BLOCK_HASH_NOT_FOUND as GENESIS_BLOCK_HASH_NOT_FOUND
from .allowlists import PALLET as PALLET
from .allowlists import PRUNTIME_ALREADY_EXISTS as PRUNTIME_ALREADY_EXISTS
from .allowlists import PRUNTIME_NOT_FOUND as PRUNTIME_NOT_FOUND
from .allowlists import add_pruntime as add_pruntime
from .allowlists import add_relaychain_genesis_block_hash as add_relaychain_genesis_block_hash
from .allowlists import ensure_governance as ensure_governance
from .allowlists import force_set_benchmark_duration as force_set_benchmark_duration
from .allowlists import remove_pruntime as remove_pruntime
from .allowlists import remove_relaychain_genesis_block_hash as remove_relaychain_genesis_block_hash
from .endpoints import ENDPOINT_PAYLOAD as ENDPOINT_PAYLOAD
from .endpoints import ENDPOINT_SIGNING_WINDOW_MS as ENDPOINT_SIGNING_WINDOW_MS
from .endpoints import INVALID_ENDPOINT_SIGNING_TIME as INVALID_ENDPOINT_SIGNING_TIME
from .endpoints import INVALID_PUBKEY as INVALID_PUBKEY
from .endpoints import EndpointPayload as EndpointPayload
from .endpoints import WorkerEndpointPayload as WorkerEndpointPayload
from .endpoints import update_worker_endpoint as update_worker_endpoint
from .gatekeepers import CANNOT_REMOVE_LAST_GATEKEEPER as CANNOT_REMOVE_LAST_GATEKEEPER
from .gatekeepers import INVALID_GATEKEEPER as INVALID_GATEKEEPER
from .gatekeepers import INVALID_ROTATED_MASTER_PUBKEY as INVALID_ROTATED_MASTER_PUBKEY
from .gatekeepers import INVALID_SENDER as INVALID_SENDER
from .gatekeepers import MASTER_KEY_IN_ROTATION as MASTER_KEY_IN_ROTATION
from .gatekeepers import MASTER_KEY_MISMATCH as MASTER_KEY_MISMATCH
from .gatekeepers import MESSAGE_CODEC_ERROR as MESSAGE_CODEC_ERROR
from .gatekeepers import WORKER_NOT_FOUND as WORKER_NOT_FOUND
from .gatekeepers import (
    is_worker_registered_after_gk_launched as is_worker_registered_after_gk_launched,
)
from .gatekeepers import on_gk_message_received as on_gk_message_received
from .gatekeepers import register_gatekeeper as register_gatekeeper
from .gatekeepers import rotate_master_key as rotate_master_key
from .gatekeepers import unregister_gatekeeper as unregister_gatekeeper
from .gatekeepers import upload_master_pubkey as upload_master_pubkey
from .message_check import CANNOT_HANDLE_UNKNOWN_MESSAGE as CANNOT_HANDLE_UNKNOWN_MESSAGE
from .message_check import INVALID_SIGNATURE as INVALID_SIGNATURE
from .message_check import INVALID_SIGNATURE_LENGTH as INVALID_SIGNATURE_LENGTH
from .message_check import MALFORMED_SIGNATURE as MALFORMED_SIGNATURE
from .message_check import MASTER_KEY_UNINITIALIZED as MASTER_KEY_UNINITIALIZED
from .message_check import UNKNOWN_CLUSTER as UNKNOWN_CLUSTER
from .message_check import UNKNOWN_CONTRACT as UNKNOWN_CONTRACT
from .message_check import check_message as check_message
from .message_check import message_public_key as message_public_key
from .workers import FORCED_FEATURES as FORCED_FEATURES
from .workers import FORCED_LAST_UPDATED as FORCED_LAST_UPDATED
from .workers import GENESIS_BLOCK_HASH_REJECTED as GENESIS_BLOCK_HASH_REJECTED
from .workers import INVALID_BENCH_REPORT as INVALID_BENCH_REPORT
from .workers import MAX_SCORE as MAX_SCORE
from .workers import NONE_ATTESTATION_DISABLED as NONE_ATTESTATION_DISABLED
from .workers import PARACHAIN_ID_MISMATCH as PARACHAIN_ID_MISMATCH
from .workers import PRUNTIME_INFO as PRUNTIME_INFO
from .workers import PRUNTIME_INFO_V1 as PRUNTIME_INFO_V1
from .workers import SCORE_FACTOR as SCORE_FACTOR
from .workers import SYSTEM_EVENT_TOPIC as SYSTEM_EVENT_TOPIC
from .workers import U32 as U32
from .workers import U64 as U64
from .workers import PRuntimeInfo as PRuntimeInfo
from .workers import PRuntimeInfoV1 as PRuntimeInfoV1
from .workers import WorkerRegistrationInfo as WorkerRegistrationInfo
from .workers import WorkerRegistrationInfoV2 as WorkerRegistrationInfoV2
from .workers import attest as attest
from .workers import bench_report as bench_report
from .workers import bench_score as bench_score
from .workers import force_register_worker as force_register_worker
from .workers import on_message_received as on_message_received
from .workers import register_worker as register_worker
from .workers import register_worker_v2 as register_worker_v2
from .workers import validate_attestation as validate_attestation
from .workers import validate_dcap as validate_dcap
