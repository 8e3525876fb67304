"""Messages from the chain itself: ``push_message`` [MQ-11], ``force_push_pallet_message``
[MQ-12], ``queue_message`` and what the block hooks do with them [MQ-15] [MQ-16]."""

from __future__ import annotations

from typing import Any

from phala_spec.chain.messages import Message, MessageOrigin, pallet_origin
from phala_spec.conformance.authoring import CaseBuilder, case, none_origin, pallet, root, signed
from phala_spec.conformance.suites.mq.common import (
    BOTH_PRESETS,
    FORCE_PUSH,
    GK_EVENT,
    MINING_UPDATE,
    PUSH,
    QUEUE,
    REGISTRY_EVENT,
    SUITE,
    SYSTEM_EVENT,
    call,
    expect_ingress,
    expect_outbound,
    expect_queued,
    watch,
)

# --- push_message [MQ-11] -------------------------------------------------------------------


def push(
    b: CaseBuilder,
    who: str,
    destination: bytes,
    payload: bytes = b"\x01push",
    *,
    outcome: str = "ok",
) -> None:
    before = b.chain.mq.outbound
    call(
        b,
        PUSH,
        {"destination": destination, "payload": payload},
        signed(who),
        outcome=outcome,
        observe=watch(MessageOrigin("AccountId", b.account(who))),
    )
    if outcome == "ok":
        message = Message(MessageOrigin("AccountId", b.account(who)), destination, payload)
        expect_outbound(b, (*before, message) if not destination.startswith(b"^") else before)


@case(
    suite=SUITE, handler="push_message", presets=BOTH_PRESETS, clauses=("MQ-11", "MQ-13"), block=1
)
def push_message_sender_is_the_account(b: CaseBuilder) -> None:
    """An account's pushed message has sender `AccountId(who)` and is appended to the outbound
    messages; no sequence is counted for it."""
    push(b, "alice", GK_EVENT)
    expect_ingress(b, MessageOrigin("AccountId", b.account("alice")), 0)


@case(suite=SUITE, handler="push_message", clauses=("MQ-2", "MQ-11", "MQ-13"), block=1)
def push_message_onchain_topic(b: CaseBuilder) -> None:
    """A pushed message to a `^` topic is dispatched on chain only: the outbound messages do not
    change."""
    push(b, "alice", REGISTRY_EVENT)


@case(suite=SUITE, handler="push_message", clauses=("MQ-2", "MQ-11", "MQ-13"), block=1)
def push_message_does_not_check_the_topic(b: CaseBuilder) -> None:
    """push_message dispatches without validating the destination: the empty topic and topics
    starting with a reserved byte are accepted and, not starting with `^`, appended to the
    outbound messages."""
    for topic in (b"", b"~x", b"/phala/system/event"):
        push(b, "bob", topic)


@case(suite=SUITE, handler="push_message", clauses=("MQ-11",), block=1)
def push_message_requires_signed_origin(b: CaseBuilder) -> None:
    """Root, the none origin and a pallet origin cannot push_message: `BadOrigin`."""
    for origin in (root(), none_origin(), pallet("PhalaRegistry")):
        call(b, PUSH, {"destination": GK_EVENT, "payload": b""}, origin, outcome="BadOrigin")


@case(suite=SUITE, handler="push_message", clauses=("MQ-11", "MQ-12", "MQ-13"), block=1)
def outbound_keeps_dispatch_order(b: CaseBuilder) -> None:
    """Within a block the outbound messages are in dispatch order across calls and kinds of
    sender; rejected calls append nothing."""
    push(b, "alice", SYSTEM_EVENT, b"1")
    call(b, FORCE_PUSH, {"destination": SYSTEM_EVENT, "payload": b"2"}, root())
    push(b, "bob", GK_EVENT, b"3")
    call(
        b,
        FORCE_PUSH,
        {"destination": SYSTEM_EVENT, "payload": b"x"},
        signed("bob"),
        outcome="BadOrigin",
    )
    push(b, "alice", SYSTEM_EVENT, b"4")
    expect_outbound(
        b,
        (
            Message(MessageOrigin("AccountId", b.account("alice")), SYSTEM_EVENT, b"1"),
            Message(pallet_origin("ForcePushed"), SYSTEM_EVENT, b"2"),
            Message(MessageOrigin("AccountId", b.account("bob")), GK_EVENT, b"3"),
            Message(MessageOrigin("AccountId", b.account("alice")), SYSTEM_EVENT, b"4"),
        ),
    )
    b.finalize_block(observe=watch())


# --- force_push_pallet_message [MQ-12] ---------------------------------------------------------


@case(
    suite=SUITE,
    handler="force_push_pallet_message",
    presets=BOTH_PRESETS,
    clauses=("MQ-12", "MQ-13"),
    block=1,
)
def force_push_sender_is_force_pushed(b: CaseBuilder) -> None:
    """Root pushes a message as `Pallet("ForcePushed")`; it is appended to the outbound messages
    (the destination is not validated)."""
    call(b, FORCE_PUSH, {"destination": SYSTEM_EVENT, "payload": b"\x05"}, root(), observe=watch())
    call(b, FORCE_PUSH, {"destination": b"", "payload": b""}, root(), observe=watch())
    call(b, FORCE_PUSH, {"destination": MINING_UPDATE, "payload": b""}, root(), observe=watch())
    expect_outbound(
        b,
        (
            Message(pallet_origin("ForcePushed"), SYSTEM_EVENT, b"\x05"),
            Message(pallet_origin("ForcePushed"), b"", b""),
        ),
    )


@case(suite=SUITE, handler="force_push_pallet_message", clauses=("MQ-12",), block=1)
def force_push_requires_root(b: CaseBuilder) -> None:
    """A signed account, the none origin and a pallet origin get `BadOrigin`."""
    for origin in (signed("alice"), none_origin(), pallet("PhalaRegistry")):
        call(
            b,
            FORCE_PUSH,
            {"destination": SYSTEM_EVENT, "payload": b""},
            origin,
            outcome="BadOrigin",
            observe=watch(),
        )


# --- Blocks: outbound cleared, queued delivered [MQ-15] [MQ-16] ---------------------------------


@case(
    suite=SUITE, handler="on_initialize", presets=BOTH_PRESETS, clauses=("MQ-7", "MQ-16"), block=1
)
def outbound_cleared_when_the_next_block_opens(b: CaseBuilder) -> None:
    """The outbound messages stay readable through the end of their block (after finalization)
    and are gone as soon as the next block opens, also when block numbers skip."""
    push(b, "alice", SYSTEM_EVENT)
    b.finalize_block(observe=watch())
    b.initialize_block(observe=watch())
    expect_outbound(b, ())
    push(b, "alice", SYSTEM_EVENT, b"again")
    b.finalize_block()
    b.initialize_block(number=b.chain.system.block.number + 5, observe=watch())
    expect_outbound(b, ())


def queue(
    b: CaseBuilder,
    pallet_name: str,
    destination: bytes,
    payload: bytes,
    *,
    outcome: str = "ok",
    origin: dict[str, Any] | None = None,
) -> Message:
    before = b.chain.mq.queued
    call(
        b,
        QUEUE,
        {"destination": destination, "payload": payload},
        origin if origin is not None else pallet(pallet_name),
        outcome=outcome,
        observe=watch(),
    )
    message = Message(pallet_origin(pallet_name), destination, payload)
    if outcome == "ok":
        expect_queued(b, (*before, message))
    return message


@case(
    suite=SUITE,
    handler="queue_message",
    presets=BOTH_PRESETS,
    clauses=("MQ-7", "MQ-15", "MQ-16"),
    block=1,
)
def queued_message_delivered_next_block(b: CaseBuilder) -> None:
    """A pallet's queued message waits in the queue (not in the outbound messages) until the next
    block opens, is then dispatched, and leaves the outbound messages one block later."""
    message = queue(b, "PhalaRegistry", SYSTEM_EVENT, b"\x00queued")
    expect_outbound(b, ())
    b.finalize_block(observe=watch())
    b.initialize_block(observe=watch())
    expect_outbound(b, (message,))
    expect_queued(b, ())
    b.finalize_block()
    b.initialize_block(observe=watch())
    expect_outbound(b, ())


@case(suite=SUITE, handler="queue_message", clauses=("MQ-15", "MQ-16"), block=1)
def queued_messages_come_after_the_kill(b: CaseBuilder) -> None:
    """When a block opens, the previous outbound messages are removed first and the queued ones
    dispatched after, in queue order; the block's own messages follow them."""
    push(b, "alice", SYSTEM_EVENT, b"pushed in block 1")
    first = queue(b, "PhalaRegistry", SYSTEM_EVENT, b"q1")
    second = queue(b, "PhalaComputation", GK_EVENT, b"q2")
    b.finalize_block()
    b.initialize_block(observe=watch())
    expect_outbound(b, (first, second))
    push(b, "bob", SYSTEM_EVENT, b"pushed in block 2")
    expect_outbound(
        b,
        (
            first,
            second,
            Message(
                MessageOrigin("AccountId", b.account("bob")), SYSTEM_EVENT, b"pushed in block 2"
            ),
        ),
    )


@case(suite=SUITE, handler="queue_message", clauses=("MQ-2", "MQ-15", "MQ-16"), block=1)
def queued_onchain_topic_is_not_outbound(b: CaseBuilder) -> None:
    """A queued message to a `^` topic is dispatched when the next block opens but never appears
    in the outbound messages; the queue is emptied all the same."""
    queue(b, "PhalaRegistry", REGISTRY_EVENT, b"")
    b.finalize_block()
    b.initialize_block(observe=watch())
    expect_outbound(b, ())
    expect_queued(b, ())


@case(suite=SUITE, handler="queue_message", clauses=("MQ-15", "CHAIN-7"), block=1)
def queue_message_requires_pallet_origin(b: CaseBuilder) -> None:
    """queue_message is a pallet operation: a signed account, root and the none origin get
    `BadOrigin` and nothing is queued."""
    for origin in (signed("alice"), root(), none_origin()):
        queue(b, "PhalaRegistry", SYSTEM_EVENT, b"", origin=origin, outcome="BadOrigin")
