"""pallet mq: the chain's ordered, authenticated message queue [MQ-7]..[MQ-21].

Off-chain senders (workers, the gatekeeper, clusters, contracts) reach the
chain through ``sync_offchain_message``: a relayer submits their signed
message, the chain checks the sender's sequence number and signature, counts
the message and dispatches it. Accounts and root push unsigned messages
(``push_message``, ``force_push_pallet_message``); pallets push or queue
their own (:func:`push_message`, :func:`queue_message`).

Dispatching a message runs the on-chain handler bound to its topic, if any,
and **swallows the handler's error** (production's behaviour: the extrinsic
succeeds and the sequence is consumed); then a message to an off-chain topic
is appended to the block's outbound messages, which off-chain runtimes read.
The pallet deposits no events.

The transaction-pool rule of production's ``CheckMqSequence`` signed
extension is :func:`check_sequence`, a pure function of the state exposed as
the ``mq_pool_validity`` view [MQ-17].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import overload

import attrs

from ..chain.messages import (
    Message,
    MessageOrigin,
    OffchainMessage,
    SignedMessage,
    next_sequence,
    pallet_origin,
    topic_is_offchain,
    topic_is_valid,
)
from ..chain.ports import Port
from ..chain.state import BlockContext, ChainState, Events, MqState, Origin, PalletOrigin
from ..primitives import scale
from ..primitives.arith import Cond, Num, lt
from ..primitives.errors import BadOrigin, DispatchError
from ..primitives.records import evolve
from ..primitives.types import Bytes
from .balances.origins import ensure_root, ensure_signed

BAD_SENDER = "PhalaMq.BadSender"
BAD_DESTINATION = "PhalaMq.BadDestination"
BAD_SEQUENCE = "PhalaMq.BadSequence"

# The sender of messages root pushes with force_push_pallet_message [MQ-12].
FORCE_PUSHED = pallet_origin("ForcePushed")

# --- Routing [MQ-14] ----------------------------------------------------------------

Handler = Callable[[ChainState, BlockContext, Message], tuple[ChainState, Events]]

# The runtime's message router (production: the runtime's ``msg_routing``) and
# the signature check: both are the runtime's, wired by the composition
# (:mod:`phala_spec.runtime.composition`) [CHAIN-13].

route: Port[[bytes], Handler | None] = Port("PhalaMq.route")
"""The on-chain handler bound to a topic, if any [MQ-14]."""

check_message: Port[[ChainState, SignedMessage], None] = Port("PhalaMq.check_message")
"""Raise unless the message is signed by its sender, by the keys the registry holds [MQ-9]."""


# --- Storage [MQ-7] -----------------------------------------------------------------


def ingress(state: ChainState, sender: MessageOrigin) -> int:
    """``OffchainIngress[sender]``: the next sequence expected from ``sender``, 0 if none [MQ-7]."""
    return state.mq.ingress.get(sender, 0)


def _set_mq(state: ChainState, mq: MqState) -> ChainState:
    return evolve(state, mq=mq)


# --- Dispatch [MQ-13] ---------------------------------------------------------------


def dispatch_message(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Events]:
    """Deliver a message on chain, then off chain [MQ-13].

    1. If a handler is bound to the destination ([MQ-14]), run it. If it
       fails, its error is swallowed: the state and events are those from
       before the handler, and dispatching goes on.
    2. If the destination is an off-chain topic ([MQ-2]), append the message
       to the outbound messages. Messages a handler dispatched come first.
    """
    events: Events = ()
    handler = route(message.destination)
    if handler is not None:
        try:
            handled = handler(state, ctx, message)
        except DispatchError:
            handled = (state, ())  # swallowed, as production does [MQ-13]
        state, events = handled
    if topic_is_offchain(message.destination):
        state = _set_mq(state, evolve(state.mq, outbound=(*state.mq.outbound, message)))
    return state, events


def push_message(
    state: ChainState, ctx: BlockContext, sender: MessageOrigin, destination: bytes, payload: bytes
) -> tuple[ChainState, Events]:
    """A pallet sends a message now: it is dispatched at once [MQ-15].

    Pallets send as ``Pallet(<their runtime name>)``
    (:func:`~phala_spec.chain.messages.pallet_origin`). No check of any kind.
    """
    return dispatch_message(state, ctx, Message(sender, destination, payload))


def queue_message(
    state: ChainState, sender: MessageOrigin, destination: bytes, payload: bytes
) -> ChainState:
    """A pallet sends a message for the next block: it is dispatched when that block opens [MQ-15]."""
    message = Message(sender, destination, payload)
    return _set_mq(state, evolve(state.mq, queued=(*state.mq.queued, message)))


def on_initialize(state: ChainState, ctx: BlockContext) -> tuple[ChainState, Events]:
    """When a block opens: forget the last block's outbound messages, then dispatch the queued ones [MQ-16]."""
    queued = state.mq.queued
    state = _set_mq(state, evolve(state.mq, outbound=(), queued=()))
    events: Events = ()
    for message in queued:
        state, dispatched = dispatch_message(state, ctx, message)
        events = (*events, *dispatched)
    return state, events


# --- Calls [MQ-10]..[MQ-12] ------------------------------------------------------------


def sync_offchain_message(
    state: ChainState, ctx: BlockContext, origin: Origin, signed_message: OffchainMessage
) -> tuple[ChainState, Events]:
    """Accept an off-chain sender's signed message, relayed by anyone [MQ-10].

    Checks in order: a signed origin (``BadOrigin``), an off-chain sender
    (``BadSender``), a valid destination (``BadDestination``), the expected
    sequence (``BadSequence``), the signature ([MQ-9]). Then the sender's
    next sequence grows by one and the message is dispatched ([MQ-13]).
    """
    ensure_signed(origin)
    message = signed_message.message
    sender = message.sender
    if not sender.is_offchain():
        raise DispatchError(BAD_SENDER)
    if not topic_is_valid(message.destination):
        raise DispatchError(BAD_DESTINATION)
    expected = ingress(state, sender)
    if not accepts(expected, signed_message.sequence):
        raise DispatchError(BAD_SEQUENCE)
    check_message(state, signed_message)
    state = _set_mq(
        state, evolve(state.mq, ingress=state.mq.ingress.set(sender, next_sequence(expected)))
    )
    return dispatch_message(state, ctx, message)


def push_message_extrinsic(
    state: ChainState, ctx: BlockContext, origin: Origin, destination: Bytes, payload: Bytes
) -> tuple[ChainState, Events]:
    """``PhalaMq.push_message``: an account sends a message as ``AccountId(who)`` [MQ-11].

    Only the origin is checked; the destination is not validated.
    """
    who = ensure_signed(origin)
    return push_message(state, ctx, MessageOrigin("AccountId", who), destination, payload)


def force_push_pallet_message(
    state: ChainState, ctx: BlockContext, origin: Origin, destination: Bytes, payload: Bytes
) -> tuple[ChainState, Events]:
    """Root sends a message as ``Pallet("ForcePushed")`` [MQ-12]."""
    ensure_root(origin)
    return push_message(state, ctx, FORCE_PUSHED, destination, payload)


def queue_message_operation(
    state: ChainState, origin: Origin, destination: Bytes, payload: Bytes
) -> tuple[ChainState, Events]:
    """The ``PhalaMq.queue_message`` operation: a pallet queues a message as itself [MQ-15]."""
    if not isinstance(origin, PalletOrigin):
        raise BadOrigin()
    return queue_message(state, pallet_origin(origin.pallet), destination, payload), ()


# --- Transaction pool [MQ-17] ----------------------------------------------------------

SEQUENCE_TAG_PREFIX = "PhalaMqOffchainMessages"


def sequence_tag(sender: MessageOrigin, sequence: int) -> bytes:
    """The pool tag of ``(sender, sequence)``: SCALE of ``(prefix, (sender, sequence))`` [MQ-17].

    The prefix is a SCALE ``str`` (compact length, then the UTF-8 bytes), the
    sender its SCALE encoding and the sequence a little-endian u64.
    """
    prefix = SEQUENCE_TAG_PREFIX.encode()
    return scale.compact(len(prefix)) + prefix + sender.encode() + scale.u64_le(sequence)


@attrs.frozen
class PoolValidity:
    """What the pool rule says of a ``sync_offchain_message`` transaction [MQ-17].

    ``validate`` is ``"valid"`` or ``"Stale"``; a valid transaction
    ``provides`` and ``requires`` tags. ``pre_dispatch`` is ``"ok"``,
    ``"Stale"`` or ``"Future"``.
    """

    validate: str
    provides: tuple[bytes, ...]
    requires: tuple[bytes, ...]
    pre_dispatch: str


@overload
def accepts(expected: int, sequence: int) -> bool: ...
@overload
def accepts(expected: Num, sequence: Num) -> Cond: ...
def accepts(expected: Num, sequence: Num) -> Cond:
    """The chain accepts exactly the next expected sequence of a sender [MQ-10]."""
    return sequence == expected


@overload
def is_stale(expected: int, sequence: int) -> bool: ...
@overload
def is_stale(expected: Num, sequence: Num) -> Cond: ...
def is_stale(expected: Num, sequence: Num) -> Cond:
    """A sequence the chain has already accepted [MQ-17]."""
    return lt(sequence, expected)


@overload
def is_future(expected: int, sequence: int) -> bool: ...
@overload
def is_future(expected: Num, sequence: Num) -> Cond: ...
def is_future(expected: Num, sequence: Num) -> Cond:
    """A sequence that must wait for earlier ones [MQ-17]."""
    return lt(expected, sequence)


def validate_sequence(
    state: ChainState, signed_message: SignedMessage
) -> tuple[str, tuple[bytes, ...], tuple[bytes, ...]]:
    """``CheckMqSequence::validate``: stale, or valid with the tags that order the sender's messages [MQ-17]."""
    sender = signed_message.message.sender
    sequence = signed_message.sequence
    expected = ingress(state, sender)
    if is_stale(expected, sequence):
        return "Stale", (), ()
    requires = (sequence_tag(sender, sequence - 1),) if is_future(expected, sequence) else ()
    return "valid", (sequence_tag(sender, sequence),), requires


def pre_dispatch_sequence(state: ChainState, signed_message: SignedMessage) -> str:
    """``CheckMqSequence::pre_dispatch``: only the expected sequence may enter a block [MQ-17]."""
    expected = ingress(state, signed_message.message.sender)
    if is_stale(expected, signed_message.sequence):
        return "Stale"
    if is_future(expected, signed_message.sequence):
        return "Future"
    return "ok"


def check_sequence(state: ChainState, signed_message: SignedMessage) -> PoolValidity:
    """Both forms of the pool rule for one transaction [MQ-17]."""
    validate, provides, requires = validate_sequence(state, signed_message)
    return PoolValidity(validate, provides, requires, pre_dispatch_sequence(state, signed_message))
