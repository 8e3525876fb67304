"""The gatekeepers and the master key: its upload, the gatekeeper set, its rotation [REG-14] [REG-16]..[REG-21].

The first gatekeeper's ``MasterPubkey`` upload launches the gatekeepers
[REG-14]; governance adds and removes gatekeepers [REG-17] [REG-18] and
starts a master-key rotation [REG-19], which the gatekeepers end on
``^phala/registry/gk_event`` [REG-20]; the computation pallet asks whether a
worker registered after the launch [REG-21]. The registry tells the runtimes
on the gatekeeper topics ([OFF-25] [OFF-26]).
"""

from __future__ import annotations

from ...chain.messages import Message
from ...chain.registry_payloads import (
    FirstGatekeeper,
    GatekeeperChange,
    GatekeeperLaunch,
    GatekeeperRegistered,
    GatekeeperUnregistered,
    MasterPubkeyOnChain,
    MasterPubkeyRotated,
    RotateMasterKey,
    WorkerIdentity,
)
from ...chain.state import BlockContext, ChainState, Events, GatekeeperLaunchedAt, Origin, event
from ...chain.worker_messages import (
    GATEKEEPER_CHANGE_TOPIC,
    GATEKEEPER_LAUNCH_TOPIC,
    DecodeFailure,
    decode_gatekeeper_registry_event,
    encode_payload,
)
from ...primitives.errors import DispatchError
from ...primitives.types import Bytes32
from .. import mq
from .allowlists import PALLET, ensure_governance, update_registry
from .message_check import MASTER_KEY_UNINITIALIZED

INVALID_SENDER = "PhalaRegistry.InvalidSender"
INVALID_GATEKEEPER = "PhalaRegistry.InvalidGatekeeper"
MASTER_KEY_IN_ROTATION = "PhalaRegistry.MasterKeyInRotation"
MASTER_KEY_MISMATCH = "PhalaRegistry.MasterKeyMismatch"
WORKER_NOT_FOUND = "PhalaRegistry.WorkerNotFound"
CANNOT_REMOVE_LAST_GATEKEEPER = "PhalaRegistry.CannotRemoveLastGatekeeper"
INVALID_ROTATED_MASTER_PUBKEY = "PhalaRegistry.InvalidRotatedMasterPubkey"
MESSAGE_CODEC_ERROR = "MessageCodecError"


# --- The master key upload [REG-14] --------------------------------------------------------


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
    state = update_registry(state, gatekeeper_master_pubkey=master_pubkey)
    state, pushed = _push_launch(state, ctx, MasterPubkeyOnChain(master_pubkey))
    launched = GatekeeperLaunchedAt(block=ctx.number, timestamp=ctx.timestamp // 1000)
    state = update_registry(state, gatekeeper_launched_at=launched)
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
        state = update_registry(state, gatekeepers=(*reg.gatekeepers, gatekeeper))
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
    state = update_registry(state, gatekeepers=tuple(g for g in reg.gatekeepers if g != gatekeeper))
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
    state = update_registry(
        state, rotation_counter=rotation_id, master_key_rotation_lock=rotation_id
    )
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
    state = update_registry(
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
