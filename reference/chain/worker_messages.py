"""The system topics, their payloads' SCALE layouts, and the codec [OFF-1]..[OFF-6].

The chain and the off-chain runtimes talk through messages whose payloads are
SCALE-encoded typed values. The typed values are declared by topic family:
:mod:`.system_payloads` (``SystemEvent``, pallets → runtimes, and
``WorkingReportEvent``, worker heartbeats), :mod:`.registry_payloads`
(``RegistryEvent``: benchmark report, master public key; the gatekeepers'
launch, change and registry events) and :mod:`.computation_payloads` (the
gatekeepers' settlement report, the tokenomic parameters). This module binds
each payload kind to its topic, declares the SCALE layouts, and encodes and
decodes through :mod:`phala_spec.primitives.scale`; decoding never raises: it
returns the value or a :class:`DecodeFailure`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import attrs

from ..primitives import scale
from .messages import Message, MessageOrigin
from .state import TokenomicParams

# isort: split
# The payload records moved to their topic family's modules: imported for the codec
# below and re-exported for code that imports them from this module.
from .computation_payloads import SettleInfo as SettleInfo
from .computation_payloads import TokenomicParametersChanged as TokenomicParametersChanged
from .computation_payloads import WorkingInfoUpdateEvent as WorkingInfoUpdateEvent
from .key_payloads import KEY_TYPES
from .key_payloads import EncryptedKey as EncryptedKey
from .key_payloads import HistoryEntry as HistoryEntry
from .key_payloads import KeyDistribution as KeyDistribution
from .key_payloads import MasterKeyDistribution as MasterKeyDistribution
from .key_payloads import MasterKeyHistory as MasterKeyHistory
from .key_payloads import MasterKeyRotation as MasterKeyRotation
from .key_payloads import NewRandomNumber as NewRandomNumber
from .phat_payloads import (
    CLUSTER_KEY_TOPIC,
    CLUSTER_REGISTRY_TOPIC,
    CONTRACT_REGISTRY_TOPIC,
    WORKER_CLUSTER_REPORT_TOPIC,
    ClusterDeployed,
    ClusterDeploymentFailed,
    ClusterPubkeyAvailable,
    ContractPubkeyAvailable,
    DispatchKeys,
)
from .registry_payloads import BenchReport as BenchReport
from .registry_payloads import FirstGatekeeper as FirstGatekeeper
from .registry_payloads import GatekeeperChange as GatekeeperChange
from .registry_payloads import GatekeeperLaunch as GatekeeperLaunch
from .registry_payloads import GatekeeperRegistered as GatekeeperRegistered
from .registry_payloads import GatekeeperRegistryEvent as GatekeeperRegistryEvent
from .registry_payloads import GatekeeperUnregistered as GatekeeperUnregistered
from .registry_payloads import MasterPubkey as MasterPubkey
from .registry_payloads import MasterPubkeyOnChain as MasterPubkeyOnChain
from .registry_payloads import MasterPubkeyRotated as MasterPubkeyRotated
from .registry_payloads import RegistryEvent as RegistryEvent
from .registry_payloads import RotatedMasterPubkey as RotatedMasterPubkey
from .registry_payloads import RotateMasterKey as RotateMasterKey
from .registry_payloads import WorkerIdentity as WorkerIdentity
from .system_payloads import BenchScore as BenchScore
from .system_payloads import BenchStart as BenchStart
from .system_payloads import EnterUnresponsive as EnterUnresponsive
from .system_payloads import ExitUnresponsive as ExitUnresponsive
from .system_payloads import Heartbeat as Heartbeat
from .system_payloads import HeartbeatChallenge as HeartbeatChallenge
from .system_payloads import HeartbeatV2 as HeartbeatV2
from .system_payloads import Registered as Registered
from .system_payloads import Started as Started
from .system_payloads import Stopped as Stopped
from .system_payloads import SystemEvent as SystemEvent
from .system_payloads import WorkerEvent as WorkerEvent
from .system_payloads import WorkerEventWithKey as WorkerEventWithKey
from .system_payloads import WorkingReportEvent as WorkingReportEvent

# --- Topics [OFF-1] ------------------------------------------------------------

SYSTEM_EVENT_TOPIC = b"phala/system/event"
WORKING_REPORT_TOPIC = b"phala/mining/report"
WORKING_INFO_UPDATE_TOPIC = b"^phala/mining/update"
GATEKEEPER_LAUNCH_TOPIC = b"phala/gatekeeper/launch"
GATEKEEPER_CHANGE_TOPIC = b"phala/gatekeeper/change"
GATEKEEPER_KEY_TOPIC = b"phala/gatekeeper/key"
GATEKEEPER_EVENT_TOPIC = b"phala/gatekeeper/event"
REGISTRY_EVENT_TOPIC = b"^phala/registry/event"
GATEKEEPER_REGISTRY_EVENT_TOPIC = b"^phala/registry/gk_event"


Payload = (
    SystemEvent
    | WorkingReportEvent
    | RegistryEvent
    | GatekeeperLaunch
    | GatekeeperChange
    | GatekeeperRegistryEvent
    | WorkingInfoUpdateEvent
    | TokenomicParametersChanged
    | KeyDistribution
    | NewRandomNumber
    | ClusterPubkeyAvailable
    | DispatchKeys
    | ClusterDeployed
    | ClusterDeploymentFailed
    | ContractPubkeyAvailable
)

# What the runtimes send about Phat clusters and contracts: the payloads of
# [PHAT-21] and [PHAT-23] with their topics [PHAT-20]; each encodes itself.
PHAT_TOPICS: dict[type, bytes] = {
    ClusterPubkeyAvailable: CLUSTER_REGISTRY_TOPIC,
    DispatchKeys: CLUSTER_KEY_TOPIC,
    ClusterDeployed: WORKER_CLUSTER_REPORT_TOPIC,
    ClusterDeploymentFailed: WORKER_CLUSTER_REPORT_TOPIC,
    ContractPubkeyAvailable: CONTRACT_REGISTRY_TOPIC,
}

# --- SCALE layouts [OFF-2]..[OFF-5] ---------------------------------------------

# Enum variants in production declaration order: the list position is the
# SCALE index. A variant carries a struct (named fields), one value, or nothing.
TYPES: dict[str, Any] = {
    "OffWorkerInfo": {"type": "struct", "type_mapping": [["confidence_level", "u8"]]},
    "OffBenchStart": {"type": "struct", "type_mapping": [["duration", "u32"]]},
    "OffStarted": {
        "type": "struct",
        "type_mapping": [["session_id", "u32"], ["init_v", "u128"], ["init_p", "u32"]],
    },
    "OffWorkerEvent": {
        "type": "enum",
        "type_mapping": [
            ["Registered", "OffWorkerInfo"],
            ["BenchStart", "OffBenchStart"],
            ["BenchScore", "u32"],
            ["Started", "OffStarted"],
            ["Stopped", "Null"],
            ["EnterUnresponsive", "Null"],
            ["ExitUnresponsive", "Null"],
        ],
    },
    "OffWorkerEventWithKey": {
        "type": "struct",
        "type_mapping": [["pubkey", "[u8; 32]"], ["event", "OffWorkerEvent"]],
    },
    "OffHeartbeatChallenge": {
        "type": "struct",
        "type_mapping": [["seed", "U256"], ["online_target", "U256"]],
    },
    "OffSystemEvent": {
        "type": "enum",
        "type_mapping": [
            ["WorkerEvent", "OffWorkerEventWithKey"],
            ["HeartbeatChallenge", "OffHeartbeatChallenge"],
        ],
    },
    "OffHeartbeat": {
        "type": "struct",
        "type_mapping": [
            ["session_id", "u32"],
            ["challenge_block", "u32"],
            ["challenge_time", "u64"],
            ["iterations", "u64"],
        ],
    },
    "OffHeartbeatV2": {
        "type": "struct",
        "type_mapping": [
            ["session_id", "u32"],
            ["challenge_block", "u32"],
            ["challenge_time", "u64"],
            ["iterations", "u64"],
            ["n_clusters", "u32"],
            ["n_contracts", "u32"],
        ],
    },
    "OffWorkingReportEvent": {
        "type": "enum",
        "type_mapping": [["Heartbeat", "OffHeartbeat"], ["HeartbeatV2", "OffHeartbeatV2"]],
    },
    "OffBenchReport": {
        "type": "struct",
        "type_mapping": [["start_time", "u64"], ["iterations", "u64"]],
    },
    "OffMasterPubkey": {"type": "struct", "type_mapping": [["master_pubkey", "[u8; 32]"]]},
    "OffRegistryEvent": {
        "type": "enum",
        "type_mapping": [["BenchReport", "OffBenchReport"], ["MasterPubkey", "OffMasterPubkey"]],
    },
    "OffNewGatekeeperEvent": {
        "type": "struct",
        "type_mapping": [["pubkey", "[u8; 32]"], ["ecdh_pubkey", "[u8; 32]"]],
    },
    "OffWorkerIdentity": {
        "type": "struct",
        "type_mapping": [["pubkey", "[u8; 32]"], ["ecdh_pubkey", "[u8; 32]"]],
    },
    "OffRotateMasterKeyEvent": {
        "type": "struct",
        "type_mapping": [["rotation_id", "u64"], ["gk_identities", "Vec<OffWorkerIdentity>"]],
    },
    "OffGatekeeperLaunch": {
        "type": "enum",
        "type_mapping": [
            ["FirstGatekeeper", "OffNewGatekeeperEvent"],
            ["MasterPubkeyOnChain", "OffMasterPubkey"],
            ["RotateMasterKey", "OffRotateMasterKeyEvent"],
            ["MasterPubkeyRotated", "OffMasterPubkey"],
        ],
    },
    "OffRemoveGatekeeperEvent": {"type": "struct", "type_mapping": [["pubkey", "[u8; 32]"]]},
    "OffGatekeeperChange": {
        "type": "enum",
        "type_mapping": [
            ["Registered", "OffNewGatekeeperEvent"],
            ["Unregistered", "OffRemoveGatekeeperEvent"],
        ],
    },
    "OffRotatedMasterPubkey": {
        "type": "struct",
        "type_mapping": [["rotation_id", "u64"], ["master_pubkey", "[u8; 32]"]],
    },
    "OffGatekeeperRegistryEvent": {
        "type": "enum",
        "type_mapping": [["RotatedMasterPubkey", "OffRotatedMasterPubkey"]],
    },
    "OffSettleInfo": {
        "type": "struct",
        "type_mapping": [
            ["pubkey", "[u8; 32]"],
            ["v", "u128"],
            ["payout", "u128"],
            ["treasury", "u128"],
        ],
    },
    "OffWorkingInfoUpdateEvent": {
        "type": "struct",
        "type_mapping": [
            ["block_number", "u32"],
            ["timestamp_ms", "u64"],
            ["offline", "Vec<[u8; 32]>"],
            ["recovered_to_online", "Vec<[u8; 32]>"],
            ["settle", "Vec<OffSettleInfo>"],
        ],
    },
    "OffTokenomicParameters": {
        "type": "struct",
        "type_mapping": [
            [name, "u32" if name == "heartbeat_window" else "u128"]
            for name in (
                "pha_rate",
                "rho",
                "budget_per_block",
                "v_max",
                "cost_k",
                "cost_b",
                "slash_rate",
                "treasury_ratio",
                "heartbeat_window",
                "rig_k",
                "rig_b",
                "re",
                "k",
                "kappa",
            )
        ],
    },
    "OffRandomNumberEvent": {
        "type": "struct",
        "type_mapping": [
            ["block_number", "u32"],
            ["random_number", "[u8; 32]"],
            ["last_random_number", "[u8; 32]"],
        ],
    },
    "OffGatekeeperEvent": {
        "type": "enum",
        "type_mapping": [
            ["NewRandomNumber", "OffRandomNumberEvent"],
            ["TokenomicParametersChanged", "OffTokenomicParameters"],
        ],
    },
}
TYPES.update(KEY_TYPES)
scale.register_types(TYPES)

_FIXED_SIZES = {
    "Null": 0,
    "u8": 1,
    "u32": 4,
    "u64": 8,
    "u128": 16,
    "U256": 32,
    "[u8; 12]": 12,
    "[u8; 32]": 32,
}

# The payload kinds: SCALE type and the topic the type is bound to [OFF-1].
KINDS: dict[str, tuple[str, bytes]] = {
    "SystemEvent": ("OffSystemEvent", SYSTEM_EVENT_TOPIC),
    "WorkingReportEvent": ("OffWorkingReportEvent", WORKING_REPORT_TOPIC),
    "RegistryEvent": ("OffRegistryEvent", REGISTRY_EVENT_TOPIC),
    "GatekeeperLaunch": ("OffGatekeeperLaunch", GATEKEEPER_LAUNCH_TOPIC),
    "GatekeeperChange": ("OffGatekeeperChange", GATEKEEPER_CHANGE_TOPIC),
    "GatekeeperRegistryEvent": ("OffGatekeeperRegistryEvent", GATEKEEPER_REGISTRY_EVENT_TOPIC),
    "WorkingInfoUpdateEvent": ("OffWorkingInfoUpdateEvent", WORKING_INFO_UPDATE_TOPIC),
    "GatekeeperEvent": ("OffGatekeeperEvent", GATEKEEPER_EVENT_TOPIC),
    "KeyDistribution": ("OffKeyDistribution", GATEKEEPER_KEY_TOPIC),
}


@attrs.frozen
class DecodeFailure:
    """A payload that is not a valid encoding of its topic's type [OFF-6]."""

    kind: str
    reason: str


def _encoded_length(type_name: str, data: bytes, offset: int) -> int | None:
    """Length of the encoding of ``type_name`` starting at ``offset``, or None if malformed.

    Every type here has a size fixed by its enum indices, so the length of the
    leading value can be read off before decoding it [OFF-6].
    """
    if type_name in _FIXED_SIZES:
        fixed = _FIXED_SIZES[type_name]
        return fixed if offset + fixed <= len(data) else None
    if type_name.startswith("Vec<"):
        return _vec_length(type_name[4:-1], data, offset)
    if type_name.startswith("BTreeMap<"):
        # A map is encoded as the vector of its (key, value) pairs [KEY-2].
        return _vec_length(f"({type_name[9:-1]})", data, offset)
    if type_name.startswith("("):
        total = 0
        for part in type_name[1:-1].split(", "):
            part_size = _encoded_length(part, data, offset + total)
            if part_size is None:
                return None
            total += part_size
        return total
    declaration = TYPES[type_name]
    if declaration["type"] == "struct":
        total = 0
        for _, field_type in declaration["type_mapping"]:
            field_size = _encoded_length(field_type, data, offset + total)
            if field_size is None:
                return None
            total += field_size
        return total
    if offset >= len(data) or data[offset] >= len(declaration["type_mapping"]):
        return None
    variant_type = declaration["type_mapping"][data[offset]][1]
    variant_size = _encoded_length(variant_type, data, offset + 1)
    return None if variant_size is None else 1 + variant_size


def _vec_length(item_type: str, data: bytes, offset: int) -> int | None:
    """Length of a ``Vec<item_type>``: a compact count, then the items [OFF-6]."""
    prefix = scale.compact_prefix(data, offset)
    if prefix is None:
        return None
    count, total = prefix
    for _ in range(count):
        item_size = _encoded_length(item_type, data, offset + total)
        if item_size is None:
            return None
        total += item_size
    return total


# --- Encoding -------------------------------------------------------------------


def _worker_event_value(event: WorkerEvent) -> Any:
    match event:
        case Registered(confidence_level=level):
            return {"Registered": {"confidence_level": level}}
        case BenchStart(duration=duration):
            return {"BenchStart": {"duration": duration}}
        case BenchScore(score=score):
            return {"BenchScore": score}
        case Started():
            return {"Started": attrs.asdict(event)}
        case Stopped() | EnterUnresponsive() | ExitUnresponsive():
            return {type(event).__name__: None}
    raise TypeError(f"not a WorkerEvent: {event!r}")


def kind_of(payload: Payload) -> str:
    """The payload kind (``SystemEvent``, ``WorkingReportEvent``, ``RegistryEvent``) of a value."""
    if isinstance(payload, WorkerEventWithKey | HeartbeatChallenge):
        return "SystemEvent"
    if isinstance(payload, Heartbeat | HeartbeatV2):
        return "WorkingReportEvent"
    if isinstance(payload, BenchReport | MasterPubkey):
        return "RegistryEvent"
    if isinstance(
        payload, FirstGatekeeper | MasterPubkeyOnChain | RotateMasterKey | MasterPubkeyRotated
    ):
        return "GatekeeperLaunch"
    if isinstance(payload, GatekeeperRegistered | GatekeeperUnregistered):
        return "GatekeeperChange"
    if isinstance(payload, RotatedMasterPubkey):
        return "GatekeeperRegistryEvent"
    if isinstance(payload, WorkingInfoUpdateEvent):
        return "WorkingInfoUpdateEvent"
    if isinstance(payload, TokenomicParametersChanged | NewRandomNumber):
        return "GatekeeperEvent"
    if isinstance(payload, MasterKeyDistribution | MasterKeyRotation | MasterKeyHistory):
        return "KeyDistribution"
    raise TypeError(f"not a payload: {payload!r}")


PhatPayload = (
    ClusterPubkeyAvailable
    | DispatchKeys
    | ClusterDeployed
    | ClusterDeploymentFailed
    | ContractPubkeyAvailable
)


def phat_topic(payload: PhatPayload) -> bytes:
    """The topic of what a runtime sends about Phat clusters and contracts [PHAT-20]."""
    return PHAT_TOPICS[type(payload)]


def encode_phat_payload(payload: PhatPayload) -> bytes:
    """The SCALE encoding of what a runtime sends about Phat clusters and contracts [PHAT-21]
    [PHAT-23]."""
    return payload.encode()


def topic_of(payload: Payload) -> bytes:
    """The topic a payload's type is bound to [OFF-1]."""
    if isinstance(payload, PhatPayload):
        return phat_topic(payload)
    return KINDS[kind_of(payload)][1]


def encode_payload(payload: Payload) -> bytes:
    """The SCALE encoding of a payload [OFF-2]..[OFF-5]."""
    if isinstance(payload, PhatPayload):
        return encode_phat_payload(payload)
    if isinstance(payload, HeartbeatChallenge):
        # Sent every block: its layout written out ([OFF-2]: variant 1, two U256 little-endian).
        return (
            b"\x01"
            + payload.seed.to_bytes(32, "little")
            + payload.online_target.to_bytes(32, "little")
        )
    value: Any
    match payload:
        case WorkerEventWithKey(pubkey=pubkey, event=event):
            value = {"WorkerEvent": {"pubkey": pubkey, "event": _worker_event_value(event)}}
        case HeartbeatChallenge():
            value = {"HeartbeatChallenge": attrs.asdict(payload)}
        case Heartbeat() | HeartbeatV2() | BenchReport():
            value = {type(payload).__name__: attrs.asdict(payload)}
        case MasterPubkey(master_pubkey=key):
            value = {"MasterPubkey": {"master_pubkey": key}}
        case FirstGatekeeper() | GatekeeperRegistered() | GatekeeperUnregistered():
            value = {_VARIANT_NAMES[type(payload)]: attrs.asdict(payload)}
        case MasterPubkeyOnChain() | MasterPubkeyRotated() | RotatedMasterPubkey():
            value = {_VARIANT_NAMES[type(payload)]: attrs.asdict(payload)}
        case WorkingInfoUpdateEvent():
            value = {
                "block_number": payload.block_number,
                "timestamp_ms": payload.timestamp_ms,
                "offline": list(payload.offline),
                "recovered_to_online": list(payload.recovered_to_online),
                "settle": [attrs.asdict(info) for info in payload.settle],
            }
        case TokenomicParametersChanged(params=params):
            value = {"TokenomicParametersChanged": attrs.asdict(params)}
        case NewRandomNumber():
            value = {"NewRandomNumber": attrs.asdict(payload)}
        case MasterKeyDistribution():
            value = {"MasterKeyDistribution": attrs.asdict(payload)}
        case MasterKeyRotation():
            value = {
                "MasterKeyRotation": {
                    "rotation_id": payload.rotation_id,
                    "secret_keys": [(k, attrs.asdict(v)) for k, v in payload.secret_keys],
                    "sender": payload.sender,
                    "sig": payload.sig,
                }
            }
        case MasterKeyHistory(dest=dest, history=history):
            value = {
                "MasterKeyHistory": {
                    "dest": dest,
                    "encrypted_master_key_history": [
                        (e.rotation_id, e.block_height, attrs.asdict(e.key)) for e in history
                    ],
                }
            }
        case RotateMasterKey(rotation_id=rotation_id, gk_identities=identities):
            value = {
                "RotateMasterKey": {
                    "rotation_id": rotation_id,
                    "gk_identities": [attrs.asdict(i) for i in identities],
                }
            }
        case _:
            raise TypeError(f"not a payload: {payload!r}")
    return scale.encode(KINDS[kind_of(payload)][0], value)


# Production's variant names where the reference's class name differs.
_VARIANT_NAMES: dict[type, str] = {
    FirstGatekeeper: "FirstGatekeeper",
    MasterPubkeyOnChain: "MasterPubkeyOnChain",
    MasterPubkeyRotated: "MasterPubkeyRotated",
    GatekeeperRegistered: "Registered",
    GatekeeperUnregistered: "Unregistered",
    RotatedMasterPubkey: "RotatedMasterPubkey",
}


def message_of(sender: MessageOrigin, payload: Payload) -> Message:
    """The message carrying ``payload`` on its bound topic [OFF-1]."""
    return Message(sender=sender, destination=topic_of(payload), payload=encode_payload(payload))


# --- Decoding [OFF-6] -----------------------------------------------------------


def _variant(decoded: Any) -> tuple[str, Any]:
    if isinstance(decoded, str):
        return decoded, None
    ((name, body),) = decoded.items()
    return str(name), body


def _worker_event_from(decoded: Any) -> WorkerEvent:
    name, body = _variant(decoded)
    if name == "Registered":
        return Registered(confidence_level=body["confidence_level"])
    if name == "BenchStart":
        return BenchStart(duration=body["duration"])
    if name == "BenchScore":
        return BenchScore(score=body)
    if name == "Started":
        return Started(session_id=body["session_id"], init_v=body["init_v"], init_p=body["init_p"])
    unit: dict[str, WorkerEvent] = {
        "Stopped": Stopped(),
        "EnterUnresponsive": EnterUnresponsive(),
        "ExitUnresponsive": ExitUnresponsive(),
    }
    return unit[name]


def _payload_from(kind: str, decoded: Any) -> Payload:
    if kind == "WorkingInfoUpdateEvent":  # a struct, not an enum
        return _working_info_update_from(decoded)
    name, body = _variant(decoded)
    if kind == "SystemEvent":
        if name == "WorkerEvent":
            return WorkerEventWithKey(
                pubkey=scale.as_bytes(body["pubkey"]), event=_worker_event_from(body["event"])
            )
        return HeartbeatChallenge(seed=body["seed"], online_target=body["online_target"])
    if kind == "WorkingReportEvent":
        return Heartbeat(**_fields(body)) if name == "Heartbeat" else HeartbeatV2(**_fields(body))
    if kind == "RegistryEvent":
        if name == "BenchReport":
            return BenchReport(**_fields(body))
        return MasterPubkey(master_pubkey=scale.as_bytes(body["master_pubkey"]))
    if kind == "GatekeeperLaunch":
        return _gatekeeper_launch_from(name, body)
    if kind == "GatekeeperChange":
        if name == "Registered":
            return GatekeeperRegistered(
                scale.as_bytes(body["pubkey"]), scale.as_bytes(body["ecdh_pubkey"])
            )
        return GatekeeperUnregistered(scale.as_bytes(body["pubkey"]))
    if kind == "GatekeeperEvent" and name == "TokenomicParametersChanged":
        return TokenomicParametersChanged(TokenomicParams(**_fields(body)))
    if kind == "GatekeeperEvent":
        return NewRandomNumber(
            body["block_number"],
            scale.as_bytes(body["random_number"]),
            scale.as_bytes(body["last_random_number"]),
        )
    if kind == "KeyDistribution":
        return _key_distribution_from(name, body)
    return RotatedMasterPubkey(body["rotation_id"], scale.as_bytes(body["master_pubkey"]))


def _encrypted_key_from(body: Any) -> EncryptedKey:
    return EncryptedKey(
        scale.as_bytes(body["ecdh_pubkey"]),
        scale.as_bytes(body["encrypted_key"]),
        scale.as_bytes(body["iv"]),
    )


def _key_distribution_from(name: str, body: Any) -> KeyDistribution:
    if name == "MasterKeyDistribution":
        return MasterKeyDistribution(
            scale.as_bytes(body["dest"]),
            scale.as_bytes(body["ecdh_pubkey"]),
            scale.as_bytes(body["encrypted_master_key"]),
            scale.as_bytes(body["iv"]),
        )
    if name == "MasterKeyRotation":
        return MasterKeyRotation(
            rotation_id=body["rotation_id"],
            secret_keys=[
                (scale.as_bytes(k), _encrypted_key_from(v)) for k, v in body["secret_keys"]
            ],
            sender=scale.as_bytes(body["sender"]),
            sig=scale.as_bytes(body["sig"]),
        )
    history = tuple(
        HistoryEntry(rotation_id, block_height, _encrypted_key_from(key))
        for rotation_id, block_height, key in body["encrypted_master_key_history"]
    )
    return MasterKeyHistory(scale.as_bytes(body["dest"]), history)


def _working_info_update_from(body: Any) -> WorkingInfoUpdateEvent:
    settle = tuple(
        SettleInfo(scale.as_bytes(i["pubkey"]), i["v"], i["payout"], i["treasury"])
        for i in body["settle"]
    )
    return WorkingInfoUpdateEvent(
        block_number=body["block_number"],
        timestamp_ms=body["timestamp_ms"],
        offline=tuple(scale.as_bytes(k) for k in body["offline"]),
        recovered_to_online=tuple(scale.as_bytes(k) for k in body["recovered_to_online"]),
        settle=settle,
    )


def _gatekeeper_launch_from(name: str, body: Any) -> GatekeeperLaunch:
    if name == "FirstGatekeeper":
        return FirstGatekeeper(scale.as_bytes(body["pubkey"]), scale.as_bytes(body["ecdh_pubkey"]))
    if name == "RotateMasterKey":
        identities = tuple(
            WorkerIdentity(scale.as_bytes(i["pubkey"]), scale.as_bytes(i["ecdh_pubkey"]))
            for i in body["gk_identities"]
        )
        return RotateMasterKey(body["rotation_id"], identities)
    key = scale.as_bytes(body["master_pubkey"])
    return MasterPubkeyOnChain(key) if name == "MasterPubkeyOnChain" else MasterPubkeyRotated(key)


def _fields(body: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in body.items()}


@functools.lru_cache(maxsize=65536)
def decode_payload(kind: str, data: bytes) -> Payload | DecodeFailure:
    """Decode a payload of the given kind; never raises [OFF-6].

    Like production's ``Decode::decode``, the leading value is decoded and any
    bytes after it are ignored; a payload whose leading bytes are not a value
    (unknown variant index, too short) is a :class:`DecodeFailure`.
    """
    type_name = KINDS[kind][0]
    length = _encoded_length(type_name, data, 0)
    if length is None:
        return DecodeFailure(kind, "not a valid encoding")
    try:
        return _payload_from(kind, scale.decode(type_name, data[:length]))
    except (ValueError, KeyError, TypeError) as exc:
        return DecodeFailure(kind, str(exc))


def decode_system_event(data: bytes) -> SystemEvent | DecodeFailure:
    """Decode a ``SystemEvent`` payload [OFF-2] [OFF-6]."""
    if len(data) >= 65 and data[0] == 1:
        # The challenge of every block, read as its layout [OFF-2] (bytes after it ignored [OFF-6]).
        return HeartbeatChallenge(
            int.from_bytes(data[1:33], "little"), int.from_bytes(data[33:65], "little")
        )
    result = decode_payload("SystemEvent", data)
    assert isinstance(result, WorkerEventWithKey | HeartbeatChallenge | DecodeFailure)
    return result


def decode_working_report(data: bytes) -> WorkingReportEvent | DecodeFailure:
    """Decode a ``WorkingReportEvent`` payload [OFF-4] [OFF-6]."""
    result = decode_payload("WorkingReportEvent", data)
    assert isinstance(result, Heartbeat | HeartbeatV2 | DecodeFailure)
    return result


def decode_gatekeeper_launch(data: bytes) -> GatekeeperLaunch | DecodeFailure:
    """Decode a ``GatekeeperLaunch`` payload [OFF-25] [OFF-6]."""
    result = decode_payload("GatekeeperLaunch", data)
    assert isinstance(
        result,
        FirstGatekeeper
        | MasterPubkeyOnChain
        | RotateMasterKey
        | MasterPubkeyRotated
        | DecodeFailure,
    )
    return result


def decode_gatekeeper_change(data: bytes) -> GatekeeperChange | DecodeFailure:
    """Decode a ``GatekeeperChange`` payload [OFF-26] [OFF-6]."""
    result = decode_payload("GatekeeperChange", data)
    assert isinstance(result, GatekeeperRegistered | GatekeeperUnregistered | DecodeFailure)
    return result


def decode_gatekeeper_registry_event(data: bytes) -> GatekeeperRegistryEvent | DecodeFailure:
    """Decode a ``GatekeeperRegistryEvent`` payload [OFF-27] [OFF-6]."""
    result = decode_payload("GatekeeperRegistryEvent", data)
    assert isinstance(result, RotatedMasterPubkey | DecodeFailure)
    return result


def decode_working_info_update(data: bytes) -> WorkingInfoUpdateEvent | DecodeFailure:
    """Decode a ``WorkingInfoUpdateEvent`` payload [OFF-31] [OFF-6]."""
    result = decode_payload("WorkingInfoUpdateEvent", data)
    assert isinstance(result, WorkingInfoUpdateEvent | DecodeFailure)
    return result


def decode_registry_event(data: bytes) -> RegistryEvent | DecodeFailure:
    """Decode a ``RegistryEvent`` payload [OFF-5] [OFF-6]."""
    result = decode_payload("RegistryEvent", data)
    assert isinstance(result, BenchReport | MasterPubkey | DecodeFailure)
    return result


def decode_key_distribution(data: bytes) -> KeyDistribution | DecodeFailure:
    """Decode a ``KeyDistribution`` payload [KEY-2] [OFF-6]."""
    result = decode_payload("KeyDistribution", data)
    assert isinstance(
        result, MasterKeyDistribution | MasterKeyRotation | MasterKeyHistory | DecodeFailure
    )
    return result


def decode_gatekeeper_event(
    data: bytes,
) -> NewRandomNumber | TokenomicParametersChanged | DecodeFailure:
    """Decode a ``GatekeeperEvent`` payload [OFF-32] [KEY-3] [OFF-6]."""
    result = decode_payload("GatekeeperEvent", data)
    assert isinstance(result, NewRandomNumber | TokenomicParametersChanged | DecodeFailure)
    return result
