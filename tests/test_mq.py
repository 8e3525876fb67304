"""The message queue [MQ-1]..[MQ-23]: unit and property tests of the reference.

Expected values come from the rules in spec/mq.md (encodings are written out
byte by byte, sequences counted by the test), never copied from the
reference's output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phala_spec.chain.messages import (
    FORBIDDEN_TOPIC_PREFIXES,
    GATEKEEPER,
    SIGNED_MESSAGE,
    Message,
    MessageOrigin,
    SignedMessage,
    pallet_origin,
    signed_bytes,
    topic_is_offchain,
    topic_is_valid,
    wrap_content_to_sign,
)
from phala_spec.chain.state import BlockContext, ChainState, Root, Signed, Unsigned, event
from phala_spec.conformance import relaying
from phala_spec.conformance.schema import load_vector
from phala_spec.conformance.suites.mq.common import (
    CLUSTER,
    CLUSTER_ID,
    CLUSTER_KEY,
    CONTRACT,
    CONTRACT_ID,
    FORGER,
    KEYS,
    MASTER,
    WORKER,
    WORKER2,
    WORKER2_ORIGIN,
    WORKER_ORIGIN,
    registry_keys,
)
from phala_spec.pallets import computation, mq, phat, registry
from phala_spec.primitives.codec import digest, to_data
from phala_spec.primitives.crypto import sign
from phala_spec.primitives.errors import DispatchError, InvalidInput
from phala_spec.runtime import composition
from phala_spec.runtime.block import apply_call, finalize_block, initialize_block
from phala_spec.runtime.calls import CALLS
from phala_spec.runtime.genesis import dev_account, genesis
from phala_spec.runtime.views import observe

ALICE, BOB = dev_account("alice"), dev_account("bob")
RELAYER = Signed(ALICE)
# The mq suite's cast: off-chain senders, their keys [MQ-9] and a forger.
W, W2 = WORKER_ORIGIN, WORKER2_ORIGIN

REPORT = b"phala/mining/report"
REGISTRY_EVENT = b"^phala/registry/event"
SYNC = "PhalaMq.sync_offchain_message"


def chain(**registry_overrides: Any) -> ChainState:
    """A minimal-preset state with every test key registered and block 1 open."""
    state = genesis("minimal", {"registry": {**registry_keys(), **registry_overrides}})
    state, _ = initialize_block(state, BlockContext(1, 12_000))
    return state


def next_block(state: ChainState) -> tuple[ChainState, Any]:
    state, _ = finalize_block(state)
    number = state.system.block.number + 1
    return initialize_block(state, BlockContext(number, number * 12_000))


def signature(message: Message, sequence: int, setting: str, valid: bool = True) -> bytes | bool:
    key = KEYS[message.sender] if valid else FORGER
    return relaying.signature(key, message, sequence, setting, valid)


def sync(
    state: ChainState, message: Message, sequence: int, setting: str = "real", valid: bool = True
) -> Any:
    """Relay ``message`` signed by its sender's key (``valid``) or by the forger."""
    return sync_signed(state, message, sequence, signature(message, sequence, setting, valid))


def sync_signed(
    state: ChainState, message: Message, sequence: int, sig: bytes | bool, origin: Any = RELAYER
) -> Any:
    """Relay ``message`` with the signature ``sig``."""
    signed = relaying.signed_message(message, sequence, sig)
    return apply_call(state, origin, SYNC, {"signed_message": signed})


# --- Messages [MQ-1]..[MQ-5] -----------------------------------------------------------------


def test_origin_encodings_and_classes() -> None:
    id32 = bytes(range(32))
    cases = [
        (MessageOrigin("Pallet", b"Ab"), b"\x00\x08Ab", False, True),
        (MessageOrigin("Contract", id32), b"\x01" + id32, True, False),
        (MessageOrigin("Worker", id32), b"\x02" + id32, True, True),
        (MessageOrigin("AccountId", id32), b"\x03" + id32, False, False),
        (MessageOrigin("MultiLocation", b"\x01"), b"\x04\x04\x01", False, False),
        (GATEKEEPER, b"\x05", True, True),
        (MessageOrigin("Cluster", id32), b"\x06" + id32, True, False),
        (MessageOrigin("Reserved"), b"\xff", False, False),
    ]
    for origin, encoding, offchain, well_formed in cases:
        assert origin.encode() == encoding
        assert origin.is_offchain() is offchain
        assert origin.always_well_formed() is well_formed
    for bad in (
        ("Worker", b"\x00" * 31),
        ("Gatekeeper", b"\x01"),
        ("Reserved", b"\x01"),
        ("Nobody", b""),
    ):
        with pytest.raises(ValueError):
            MessageOrigin(*bad)


def test_topic_rules() -> None:
    forbidden = b"~!@#$%&*_+-=|<>?,./;:'"
    assert set(forbidden) == FORBIDDEN_TOPIC_PREFIXES
    for byte in range(256):
        assert topic_is_valid(bytes([byte]) + b"x") is (byte not in forbidden)
    assert not topic_is_valid(b"")
    assert topic_is_valid(b"^phala/registry/event") and topic_is_valid(b"a~")
    assert not topic_is_offchain(b"^x") and not topic_is_offchain(b"^")
    # The empty topic does not start with '^': off-chain (production's starts_with test).
    assert topic_is_offchain(b"") and topic_is_offchain(b"~x") and topic_is_offchain(REPORT)


def test_signed_bytes_layout() -> None:
    message = Message(GATEKEEPER, b"ab", b"\x01\x02\x03")
    assert message.encode() == b"\x05" + b"\x08ab" + b"\x0c\x01\x02\x03"
    assert signed_bytes(message, 0x0102) == message.encode() + b"\x02\x01" + b"\x00" * 6
    assert wrap_content_to_sign(b"data", "MqMessage") == b"data"
    assert wrap_content_to_sign(b"data", "MasterKeyStore") == b"\xff\x04data"


# --- sync_offchain_message [MQ-9] [MQ-10] ------------------------------------------------------


@pytest.mark.parametrize("setting", ["real", "oracle"])
def test_accepted_message_counts_and_is_outbound(setting: str) -> None:
    state = chain()
    message = Message(W, REPORT, b"p")
    result = sync(state, message, 0, setting)
    assert (result.outcome, result.events) == ("ok", ())
    assert mq.ingress(result.state, W) == 1
    assert result.state.mq.outbound == (message,)
    on_chain = sync(result.state, Message(W, REGISTRY_EVENT, b""), 1, setting)
    assert on_chain.outcome == "ok" and mq.ingress(on_chain.state, W) == 2
    assert on_chain.state.mq.outbound == (message,)


def test_check_order_of_sync_offchain_message() -> None:
    state = chain(gatekeeper_master_pubkey=None, cluster_keys={}, contract_keys={})
    pallet = pallet_origin("PhalaRegistry")
    table = [
        # (origin, sender, topic, sequence, signature) -> the first failing check
        (Root(), pallet, b"", 9, b"", "BadOrigin"),
        (Unsigned(), W, REPORT, 0, True, "BadOrigin"),
        (RELAYER, pallet, b"", 9, b"", "PhalaMq.BadSender"),
        (RELAYER, MessageOrigin("Reserved"), REPORT, 0, True, "PhalaMq.BadSender"),
        (RELAYER, W, b"", 9, b"", "PhalaMq.BadDestination"),
        (RELAYER, W, b"/x", 0, True, "PhalaMq.BadDestination"),
        (RELAYER, W, REPORT, 9, b"", "PhalaMq.BadSequence"),
        (RELAYER, CLUSTER, REPORT, 0, b"", "PhalaRegistry.UnknownCluster"),
        (RELAYER, CONTRACT, REPORT, 0, b"", "PhalaRegistry.UnknownContract"),
        (RELAYER, GATEKEEPER, REPORT, 0, b"", "PhalaRegistry.MasterKeyUninitialized"),
        (RELAYER, W, REPORT, 0, b"\x00" * 63, "PhalaRegistry.InvalidSignatureLength"),
        (RELAYER, W, REPORT, 0, b"\x00" * 64, "PhalaRegistry.InvalidSignature"),
        (RELAYER, W, REPORT, 0, False, "PhalaRegistry.InvalidSignature"),
    ]
    for origin, sender, topic, sequence, sig, code in table:
        result = sync_signed(state, Message(sender, topic, b""), sequence, sig, origin)
        assert result.outcome == code, (sender, topic, sequence, sig)
        assert result.state is state and result.events == ()


def test_unhandled_sender_and_malformed_signature_are_unreachable_through_the_call() -> None:
    """CannotHandleUnknownMessage needs a sender that is not off-chain, which BadSender stops
    first; MalformedSignature cannot follow a passed length check [MQ-9]."""
    state = chain()
    for kind, ident in (
        ("Pallet", b"x"),
        ("AccountId", ALICE),
        ("MultiLocation", b""),
        ("Reserved", b""),
    ):
        sender = MessageOrigin(kind, ident)
        assert not sender.is_offchain()
        with pytest.raises(DispatchError) as raised:
            registry.check_message(state, SignedMessage(Message(sender, REPORT, b""), 0, True))
        assert raised.value.code == "PhalaRegistry.CannotHandleUnknownMessage"
    for garbage in (b"\x00" * 64, b"\xff" * 64, bytes(range(64))):
        with pytest.raises(DispatchError) as raised:
            registry.check_message(state, SignedMessage(Message(W, REPORT, b""), 0, garbage))
        assert raised.value.code == "PhalaRegistry.InvalidSignature"


def test_worker_key_is_the_key_in_its_origin() -> None:
    state = chain(gatekeeper_master_pubkey=None, cluster_keys={}, contract_keys={})
    message = Message(W, REPORT, b"")
    assert sync(state, message, 0).outcome == "ok"
    # Signed by another worker's key: the origin's key decides.
    forged = sign(WORKER2, signed_bytes(message, 0))
    assert sync_signed(state, message, 0, forged).outcome == "PhalaRegistry.InvalidSignature"


def test_registered_cluster_contract_and_gatekeeper_keys_are_used() -> None:
    state = chain()
    for sender in (CLUSTER, CONTRACT, GATEKEEPER):
        message = Message(sender, REPORT, b"")
        assert sync(state, message, 0).outcome == "ok"
        wrong = sign(WORKER, signed_bytes(message, 0))
        assert sync_signed(state, message, 0, wrong).outcome == "PhalaRegistry.InvalidSignature"


def test_malformed_signed_messages_are_invalid_input() -> None:
    state = chain()
    good = relaying.signed_message(Message(W, REPORT, b""), 0, True)
    bad_values: list[Any] = [
        None,
        [],
        {**good, "extra": 1},
        {k: v for k, v in good.items() if k != "sequence"},
        {**good, "sequence": -1},
        {**good, "sequence": 2**64},
        {**good, "sequence": True},
        {**good, "signature": "ab"},
        {**good, "signature": 1},
        {**good, "message": {**good["message"], "destination": "text"}},
        {**good, "message": {**good["message"], "sender": {"kind": "Worker", "id": b"\x00"}}},
        {**good, "message": {**good["message"], "sender": {"kind": "Alien", "id": b""}}},
        {**good, "message": {**good["message"], "sender": {"kind": "Gatekeeper"}}},
    ]
    for value in bad_values:
        with pytest.raises(InvalidInput):
            apply_call(state, RELAYER, SYNC, {"signed_message": value})
    for name in ("PhalaMq.push_message", "PhalaMq.force_push_pallet_message"):
        with pytest.raises(InvalidInput):
            apply_call(state, RELAYER, name, {"destination": "text", "payload": b""})
    assert CALLS[SYNC].params == (("signed_message", SIGNED_MESSAGE),)


# --- Properties of sequences [MQ-23] and of the crypto settings [MQ-22] ---------------------------

SENDERS = (W, W2, GATEKEEPER, CLUSTER, CONTRACT)

submission = st.tuples(
    st.sampled_from(SENDERS),
    # the sequence relative to the expected one: the expected one, a replay of an older one,
    # or one ahead
    st.sampled_from(("next", "next", "next", "replay", "ahead")),
    st.sampled_from((True, True, True, False)),  # is the signature valid?
    st.sampled_from((REPORT, REPORT, REGISTRY_EVENT, b"", b"/bad")),
    st.sampled_from((False, False, False, True)),  # open a new block first?
)


def run_plan(
    plan: list[tuple[MessageOrigin, str, bool, bytes, bool]], setting: str
) -> Iterator[tuple[Message, int, bool, Any, ChainState]]:
    """Submit each planned message; yields (message, sequence, valid, result, state before)."""
    state = chain()
    for index, (sender, relative, valid, topic, new_block) in enumerate(plan):
        if new_block:
            state, _ = next_block(state)
        expected = mq.ingress(state, sender)
        sequence = {
            "next": expected,
            "replay": max(expected - 1, 0) if expected else 0,
            "ahead": expected + 1 + index % 3,
        }[relative]
        message = Message(sender, topic, index.to_bytes(2, "little"))
        result = sync(state, message, sequence, setting, valid)
        yield message, sequence, valid, result, state
        state = result.state


@settings(max_examples=60, deadline=None)
@given(st.lists(submission, max_size=25))
def test_sequences_are_gapless_exactly_once_and_never_forged(plan: list[Any]) -> None:
    accepted: dict[MessageOrigin, list[int]] = {s: [] for s in SENDERS}
    outbound: list[Message] = []
    block = 1
    for message, sequence, valid, result, before in run_plan(plan, "real"):
        if before.system.block.number != block:  # a new block: the outbound messages are gone
            block, outbound = before.system.block.number, []
        if result.outcome == "ok":
            assert valid, "a forged signature was accepted"
            assert topic_is_valid(message.destination)
            accepted[message.sender].append(sequence)
            if topic_is_offchain(message.destination):
                outbound.append(message)
        else:
            assert result.state is before
        for s in SENDERS:
            # The next sequence is the number of accepted messages; accepted sequences are
            # 0, 1, 2, ... with no gap and no repeat.
            assert mq.ingress(result.state, s) == len(accepted[s])
            assert accepted[s] == list(range(len(accepted[s])))
        assert list(result.state.mq.outbound) == outbound


@settings(max_examples=40, deadline=None)
@given(st.lists(submission, max_size=20))
def test_oracle_and_real_settings_agree(plan: list[Any]) -> None:
    real = list(run_plan(plan, "real"))
    oracle = list(run_plan(plan, "oracle"))
    for (*_, r, _), (*_, o, _) in zip(real, oracle, strict=True):
        assert r.outcome == o.outcome
        assert digest(r.state) == digest(o.state)


# --- push_message, force_push_pallet_message, queue_message [MQ-11] [MQ-12] [MQ-15] [MQ-16] -----


def test_push_and_force_push_senders_and_origins() -> None:
    state = chain()
    pushed = apply_call(
        state, Signed(BOB), "PhalaMq.push_message", {"destination": b"", "payload": b"x"}
    )
    assert pushed.outcome == "ok"
    assert pushed.state.mq.outbound == (Message(MessageOrigin("AccountId", BOB), b"", b"x"),)
    forced = apply_call(
        pushed.state,
        Root(),
        "PhalaMq.force_push_pallet_message",
        {"destination": b"^on-chain", "payload": b"y"},
    )
    assert forced.outcome == "ok" and forced.state.mq.outbound == pushed.state.mq.outbound
    assert (
        apply_call(
            state, Root(), "PhalaMq.push_message", {"destination": b"a", "payload": b""}
        ).outcome
        == "BadOrigin"
    )
    assert (
        apply_call(
            state,
            RELAYER,
            "PhalaMq.force_push_pallet_message",
            {"destination": b"a", "payload": b""},
        ).outcome
        == "BadOrigin"
    )
    assert mq.FORCE_PUSHED.encode() == b"\x00\x2cForcePushed"


def test_queue_then_kill_then_deliver() -> None:
    state = chain()
    state, _ = mq.push_message(state, state.system.block, pallet_origin("A"), b"t", b"1")
    state = mq.queue_message(state, pallet_origin("B"), b"t", b"2")
    state = mq.queue_message(state, pallet_origin("C"), b"^t", b"3")
    assert [m.payload for m in state.mq.outbound] == [b"1"]
    assert [m.payload for m in state.mq.queued] == [b"2", b"3"]
    state, events = next_block(state)
    assert events == ()
    assert [m.payload for m in state.mq.outbound] == [b"2"]
    assert state.mq.queued == ()
    state, _ = next_block(state)
    assert state.mq.outbound == ()


# --- Dispatch: routing, swallowing, nesting [MQ-13] [MQ-14] --------------------------------------


def test_handler_table_follows_the_routing_order() -> None:
    # The registry's, the computation pallet's and the Phat Contracts' handlers [REG-12]
    # [REG-20] [CMP-16] [CMP-17] [PHAT-27].
    expected = (
        (b"^phala/registry/event", registry.on_message_received),
        (b"^phala/registry/gk_event", registry.on_gk_message_received),
        (b"^phala/mining/update", computation.on_gk_message_received),
        (b"phala/mining/report", computation.on_working_message_received),
        (b"phala/cluster/worker/report", phat.on_worker_cluster_message_received),
        (b"^phala/registry/cluster", phat.on_cluster_message_received),
        (b"^phala/registry/contract", phat.on_contract_message_received),
    )
    assert expected == composition.ROUTES
    assert mq.route(b"^phala/registry/event") is registry.on_message_received
    assert mq.route(b"^phala/registry/event/x") is None
    routed = [topic for topic, _ in composition.ROUTES]
    assert routed == [topic for topic, _ in composition.ROUTING_ORDER if topic in routed]
    order = [topic for topic, _ in composition.ROUTING_ORDER]
    assert order == [
        b"^phala/registry/event",
        b"^phala/registry/gk_event",
        b"^phala/mining/update",
        b"phala/mining/report",
        b"phala/cluster/worker/report",
        b"^phala/registry/cluster",
        b"^phala/registry/contract",
    ]
    assert len(set(order)) == len(order)  # exact matching: at most one handler per topic


def _marking_handler(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Any]:
    """A test handler: it records the payload as a balance change (any visible write will do)."""
    state = attrs.evolve(
        state,
        balances=attrs.evolve(state.balances, total_issuance=state.balances.total_issuance + 1),
    )
    return state, (event("Test.Handled", payload=message.payload, block=ctx.number),)


def _failing_handler(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Any]:
    raise DispatchError("Test.HandlerFailed")


def test_handler_runs_on_exact_topic_and_its_events_are_the_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(composition, "ROUTES", ((REPORT, _marking_handler),))
    state = chain()
    issuance = state.balances.total_issuance
    result = sync(state, Message(W, REPORT, b"hi"), 0)
    assert result.outcome == "ok"
    assert [(e.name, dict(e.fields)) for e in result.events] == [
        ("Test.Handled", {"payload": b"hi", "block": 1})
    ]
    assert result.state.balances.total_issuance == issuance + 1
    # A longer topic with the same prefix is not routed.
    other = sync(state, Message(W, REPORT + b"/x", b""), 0)
    assert other.events == () and other.state.balances.total_issuance == issuance


@pytest.mark.parametrize("topic", [REPORT, REGISTRY_EVENT])
def test_handler_error_is_swallowed(monkeypatch: pytest.MonkeyPatch, topic: bytes) -> None:
    monkeypatch.setattr(composition, "ROUTES", ((topic, _failing_handler),))
    state = chain()
    message = Message(W, topic, b"")
    result = sync(state, message, 0)
    assert (result.outcome, result.events) == ("ok", ())
    assert mq.ingress(result.state, W) == 1  # the sequence is consumed
    assert result.state.mq.outbound == ((message,) if topic_is_offchain(topic) else ())
    # Apart from the sequence and the outbound messages, nothing changed.
    expected = attrs.evolve(
        state,
        mq=attrs.evolve(
            state.mq, ingress=state.mq.ingress.set(W, 1), outbound=result.state.mq.outbound
        ),
    )
    assert digest(result.state) == digest(expected)
    # The message cannot be replayed to retry the handler.
    assert sync(result.state, message, 0).outcome == "PhalaMq.BadSequence"


def test_handler_errors_are_swallowed_for_pushed_and_queued_messages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        composition, "ROUTES", ((b"fail", _failing_handler), (b"mark", _marking_handler))
    )
    state = chain()
    pushed = apply_call(
        state, RELAYER, "PhalaMq.push_message", {"destination": b"fail", "payload": b""}
    )
    assert (pushed.outcome, pushed.events) == ("ok", ())
    state = mq.queue_message(pushed.state, pallet_origin("P"), b"fail", b"")
    state = mq.queue_message(state, pallet_origin("P"), b"mark", b"q")
    state, events = next_block(state)
    # The queued messages were dispatched when the block opened: the failure was swallowed and
    # the second handler's event is an event of block initialization.
    assert [(e.name, dict(e.fields)) for e in events] == [
        ("Test.Handled", {"payload": b"q", "block": 2})
    ]
    assert [m.destination for m in state.mq.outbound] == [b"fail", b"mark"]


def test_messages_dispatched_by_a_handler_precede_the_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def relay(state: ChainState, ctx: BlockContext, message: Message) -> tuple[ChainState, Any]:
        return mq.push_message(
            state, ctx, pallet_origin("PhalaRegistry"), b"phala/system/event", b"inner"
        )

    monkeypatch.setattr(composition, "ROUTES", ((REPORT, relay),))
    result = sync(chain(), Message(W, REPORT, b"outer"), 0)
    assert [m.payload for m in result.state.mq.outbound] == [b"inner", b"outer"]


# --- The pool rule [MQ-17] ---------------------------------------------------------------------


def test_sequence_tag_layout() -> None:
    prefix = b"PhalaMqOffchainMessages"
    assert len(prefix) == 23
    tag = mq.sequence_tag(GATEKEEPER, 258)
    assert tag == bytes([23 * 4]) + prefix + b"\x05" + b"\x02\x01" + b"\x00" * 6


def test_pool_rule_forms() -> None:
    state = sync(chain(), Message(W, REPORT, b""), 0).state
    state = sync(state, Message(W, REPORT, b""), 1).state  # expected is now 2

    def validity(sequence: int) -> mq.PoolValidity:
        return mq.check_sequence(state, SignedMessage(Message(W, REPORT, b""), sequence, False))

    tag = lambda n: mq.sequence_tag(W, n)  # noqa: E731
    assert validity(0) == mq.PoolValidity("Stale", (), (), "Stale")
    assert validity(1) == mq.PoolValidity("Stale", (), (), "Stale")
    assert validity(2) == mq.PoolValidity("valid", (tag(2),), (), "ok")
    assert validity(3) == mq.PoolValidity("valid", (tag(3),), (tag(2),), "Future")
    assert validity(2**64 - 1) == mq.PoolValidity(
        "valid", (tag(2**64 - 1),), (tag(2**64 - 2),), "Future"
    )
    view = observe(
        state, "mq_pool_validity", [relaying.signed_message(Message(W, REPORT, b""), 3, True)]
    )
    assert view == {
        "validate": "valid",
        "provides": [tag(3)],
        "requires": [tag(2)],
        "pre_dispatch": "Future",
    }


# --- Views, genesis and the state digest [MQ-7] [MQ-8] [MQ-18]..[MQ-21] -------------------------


def test_views() -> None:
    state = sync(chain(), Message(W, REPORT, b"v"), 0).state
    assert observe(state, "mq_ingress", [to_data(W)]) == 1
    assert observe(state, "mq_ingress", [to_data(GATEKEEPER)]) == 0
    assert observe(state, "mq_outbound") == [to_data(Message(W, REPORT, b"v"))]
    assert observe(state, "mq_queued") == []
    for view, args in (
        ("mq_ingress", []),
        ("mq_ingress", [{"kind": "Worker", "id": b""}]),
        ("mq_outbound", [1]),
        ("mq_queued", [None]),
        ("mq_pool_validity", [{}]),
    ):
        with pytest.raises(InvalidInput):
            observe(state, view, args)


def test_registry_genesis_overrides() -> None:
    state = chain()
    assert state.registry.gatekeeper_master_pubkey == MASTER.public
    assert dict(state.registry.cluster_keys) == {CLUSTER_ID: CLUSTER_KEY.public}
    assert genesis("minimal").registry.gatekeeper_master_pubkey is None
    for bad in (
        {"unknown": 1},
        {"gatekeeper_master_pubkey": b"\x00"},
        {"cluster_keys": [[CLUSTER_ID, CLUSTER_KEY.public]]},
        {"contract_keys": {CONTRACT_ID: b"short"}},
        [],
    ):
        with pytest.raises(InvalidInput):
            genesis("minimal", {"registry": bad})


def test_state_digest_keys_ingress_by_the_origin_encoding() -> None:
    state = sync(chain(), Message(GATEKEEPER, REPORT, b""), 0).state
    assert to_data(state.mq)["ingress"] == {b"\x05": 1}
    # Genesis with and without an empty registry override are the same state.
    assert digest(genesis("minimal")) == digest(genesis("minimal", {"registry": {}}))


# --- The error table of spec/mq.md is backed by the shipped vectors --------------------------------

ROOT = Path(__file__).resolve().parent.parent


def test_every_error_code_of_the_table_is_reached_by_its_vectors() -> None:
    """Each row of spec/mq.md's error table names vectors that exist and reach the row's code."""
    text = (ROOT / "spec" / "mq.md").read_text()
    table = text.split("## Error codes", 1)[1].split("### Declared errors", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    codes = set()
    for row in rows:
        code_cell, _, vector_cell = row.strip("|").split("|")
        code = code_cell.strip().strip("`")
        codes.add(code)
        names = re.findall(r"`([a-z0-9_]+/[a-z0-9_*]+)`", vector_cell)
        assert names, row
        outcomes: set[str] = set()
        for name in names:
            expanded = [name.replace("*", s) for s in ("real", "oracle")] if "*" in name else [name]
            for vector_name in expanded:
                path = ROOT / "conformance" / "vectors" / "minimal" / "mq" / f"{vector_name}.cbor"
                assert path.exists(), f"{vector_name} named in spec/mq.md does not exist"
                vector = load_vector(path)
                outcomes |= {entry["expect"]["outcome"] for entry in vector["steps"]}
        assert code in outcomes, f"{code}: none of {names} reaches it"
    assert codes == {
        "BadOrigin",
        "PhalaMq.BadSender",
        "PhalaMq.BadDestination",
        "PhalaMq.BadSequence",
        "PhalaRegistry.UnknownContract",
        "PhalaRegistry.UnknownCluster",
        "PhalaRegistry.MasterKeyUninitialized",
        "PhalaRegistry.InvalidSignatureLength",
        "PhalaRegistry.InvalidSignature",
    }
