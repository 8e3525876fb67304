"""The message-queue model [MOD-7]: honest senders and adversaries against ``PhalaMq``.

:class:`MqMachine` drives the reference only through
:func:`phala_spec.apply_step` with plain-data steps (``real`` signatures), so
its trace is a conformance case. The cast: three workers and the gatekeeper
(its master key is registered at genesis) are *honest senders*: each signs
its messages with its own key and its own counter, like a runtime's send
queue ([OFF-8]), into an outbox; an honest relayer submits a sender's oldest
message the chain has not accepted. A relayer that drops or delays messages
needs no rule of its own: ``relay`` may simply not run for a sender, for as
long as Hypothesis likes, and the outbox (like a runtime's queue) keeps the
message until it is accepted. Adversaries hold none of those keys but
see everything relayed: they replay accepted messages, submit pending ones
out of order, forge signatures (another key, a flipped bit, a wrong length, a
signature of another sequence), tamper with signed messages, impersonate the
gatekeeper with a worker's key, send as senders that are not off-chain, to
invalid topics, from clusters and contracts without keys, and with origins
that are not signed.

Ghost state: every message an honest key signed (``authentic``), and, per
sender, the messages the chain accepted in order (``accepted``). Invariants
(named after the clause they check):

* ``inv_MQ_10_sequence_grows_by_one``: an accepted message raises its
  sender's next sequence by exactly one, and nothing else's;
* ``inv_MQ_23_accepted_at_most_once``: no (sender, sequence) is accepted twice;
* ``inv_MQ_23_ingress_counts_accepted``: a sender's next sequence equals the
  number of its accepted messages, whose sequences are 0, 1, 2, ...;
* ``inv_MQ_9_only_authentic_messages_accepted``: an accepted off-chain message
  is one its sender's key signed;
* ``inv_MQ_13_no_forged_message_dispatched``: every off-chain-sent message in
  the block's outbound messages is authentic and was accepted;
* ``inv_CHAIN_9_rejected_calls_change_nothing``: a rejected extrinsic returns
  the very state it was given and no events;
* ``inv_MQ_10_honest_relay_is_accepted`` and ``inv_MQ_10_<attack>_is_rejected``:
  the outcome each rule requires, with the error code the check order fixes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from phala_spec.chain.messages import (
    FORBIDDEN_TOPIC_PREFIXES,
    GATEKEEPER,
    Message,
    MessageOrigin,
    signed_bytes,
)
from phala_spec.conformance.authoring import default_randomness
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import Keypair, dev_keypair, sign
from phala_spec.steps import StepResult

from .balances import InvariantViolation, check, violated
from .machine import ChainMachine

PRESET = "minimal"
SUITE = "mq"
SYNC = "PhalaMq.sync_offchain_message"

WORKER_KEYS = tuple(dev_keypair(f"models/mq/worker{i}") for i in range(3))
MASTER = dev_keypair("models/mq/master")
FORGER = dev_keypair("models/mq/forger")
RELAYER = dev_keypair("models/mq/relayer").public
ADVERSARY = dev_keypair("models/mq/adversary").public

WORKERS = tuple(MessageOrigin("Worker", k.public) for k in WORKER_KEYS)
# Honest senders and the key each signs with [MQ-9].
KEYS: dict[MessageOrigin, Keypair] = {
    **dict(zip(WORKERS, WORKER_KEYS, strict=True)),
    GATEKEEPER: MASTER,
}
SENDERS = (*WORKERS, GATEKEEPER)
UNKNOWN_CLUSTER = MessageOrigin("Cluster", b"\x0c" * 32)
UNKNOWN_CONTRACT = MessageOrigin("Contract", b"\x0d" * 32)

TOPICS = (
    b"phala/mining/report",
    b"^phala/registry/event",
    b"phala/gatekeeper/event",
    b"^phala/mining/update",
    b"some/app/topic",
)
BAD_TOPICS = (b"", *(bytes([c]) + b"phala/x" for c in sorted(FORBIDDEN_TOPIC_PREFIXES)))
NOT_OFFCHAIN = (
    MessageOrigin("Pallet", b"PhalaRegistry"),
    MessageOrigin("AccountId", b"\x01" * 32),
    MessageOrigin("MultiLocation", b"\x00"),
    MessageOrigin("Reserved"),
)

senders = st.sampled_from(SENDERS)
payloads = st.binary(max_size=12)


def _key(message: Message, sequence: int) -> tuple[bytes, int, bytes]:
    return message.sender.encode(), sequence, message.encode()


def signed_data(message: Message, sequence: int, signature: bytes | bool) -> dict[str, Any]:
    """The plain-data form of a signed message [MQ-4]."""
    return {"message": to_data(message), "sequence": sequence, "signature": signature}


class MqMachine(ChainMachine):
    """pallet mq under honest senders and relayers and adversarial relayers [MOD-7]."""

    model_name = "mq"
    suite = SUITE
    preset = PRESET
    crypto = "real"

    def __init__(self) -> None:
        super().__init__()
        self.next_own: dict[MessageOrigin, int] = dict.fromkeys(SENDERS, 0)
        self.outbox: dict[MessageOrigin, list[dict[str, Any]]] = {s: [] for s in SENDERS}
        self.authentic: set[tuple[bytes, int, bytes]] = set()
        self.accepted: dict[MessageOrigin, list[int]] = {}
        self.accepted_messages: list[dict[str, Any]] = []
        self.dispatched: set[bytes] = set()  # encodings of accepted messages

    # -- plumbing -------------------------------------------------------------------

    def ingress(self, sender: MessageOrigin) -> int:
        return int(self.chain.mq.ingress.get(sender, 0))

    def submit(
        self,
        signed: Mapping[str, Any],
        who: bytes = ADVERSARY,
        origin: Mapping[str, Any] | None = None,
    ) -> StepResult:
        """Submit ``sync_offchain_message`` and check what every submission must satisfy."""
        before = self.chain
        step = {
            "kind": "call",
            "origin": dict(origin or {"kind": "signed", "who": who}),
            "call": SYNC,
            "args": {"signed_message": dict(signed)},
        }
        result = self.apply(step)
        if result.outcome != "ok":
            check(
                result.state is before and result.events == (),
                "inv_CHAIN_9_rejected_calls_change_nothing",
                f"sync_offchain_message failed with {result.outcome} but changed the state",
            )
            return result
        message = signed["message"]
        sender = MessageOrigin(message["sender"]["kind"], message["sender"]["id"])
        sequence = signed["sequence"]
        decoded = Message(sender, message["destination"], message["payload"])
        grown = {s: n for s, n in self.chain.mq.ingress.items() if before.mq.ingress.get(s, 0) != n}
        check(
            grown == {sender: before.mq.ingress.get(sender, 0) + 1},
            "inv_MQ_10_sequence_grows_by_one",
            lambda: f"accepting {sender.kind} #{sequence} changed the ingress by {grown}",
        )
        check(
            sequence not in self.accepted.get(sender, []),
            "inv_MQ_23_accepted_at_most_once",
            f"{sender.kind} #{sequence} accepted twice",
        )
        check(
            _key(decoded, sequence) in self.authentic,
            "inv_MQ_9_only_authentic_messages_accepted",
            f"{sender.kind} #{sequence} accepted without its key's signature",
        )
        self.accepted.setdefault(sender, []).append(sequence)
        self.accepted_messages.append(dict(signed))
        self.dispatched.add(decoded.encode())
        return result

    def must_fail(self, result: StepResult, invariant_name: str, code: str, why: str) -> None:
        check(
            result.outcome == code,
            invariant_name,
            f"{why}: outcome {result.outcome}, the check order gives {code}",
        )

    def honest_sign(self, sender: MessageOrigin, topic: bytes, payload: bytes) -> dict[str, Any]:
        sequence = self.next_own[sender]
        message = Message(sender, topic, payload)
        signed = signed_data(message, sequence, sign(KEYS[sender], signed_bytes(message, sequence)))
        self.next_own[sender] = sequence + 1
        self.authentic.add(_key(message, sequence))
        return signed

    def oldest_unaccepted(self, sender: MessageOrigin) -> dict[str, Any] | None:
        floor = self.ingress(sender)
        waiting = [m for m in self.outbox[sender] if m["sequence"] >= floor]
        return waiting[0] if waiting else None

    # -- genesis and blocks ------------------------------------------------------------

    @initialize()
    def genesis(self) -> None:
        """The ``minimal`` preset with the gatekeeper master key registered [MQ-8]."""
        from phala_spec.runtime.genesis import genesis

        self.genesis_overrides = {"registry": {"gatekeeper_master_pubkey": MASTER.public}}
        self.state = genesis(PRESET, self.genesis_overrides)
        self.apply(
            {
                "kind": "initialize_block",
                "number": 1,
                "timestamp": 12_000,
                "randomness": default_randomness(1),
            }
        )

    @rule()
    def next_block(self) -> None:
        """Close the block and open the next one: the outbound messages start empty [MQ-16]."""
        self.apply({"kind": "finalize_block"})
        number = self.chain.system.block.number + 1
        self.apply(
            {
                "kind": "initialize_block",
                "number": number,
                "timestamp": number * 12_000,
                "randomness": default_randomness(number),
            }
        )
        check(
            self.chain.mq.outbound == (),
            "inv_MQ_16_outbound_cleared_per_block",
            "a new block starts with outbound messages",
        )

    # -- honest senders and relayers ---------------------------------------------------

    @rule(sender=senders, topic=st.sampled_from(TOPICS), payload=payloads)
    def emit(self, sender: MessageOrigin, topic: bytes, payload: bytes) -> None:
        """An honest sender signs its next message into its outbox [OFF-8]."""
        self.outbox[sender].append(self.honest_sign(sender, topic, payload))

    @rule(sender=senders)
    def relay(self, sender: MessageOrigin) -> None:
        """An honest relayer submits the sender's oldest message the chain lacks [NET-5]."""
        signed = self.oldest_unaccepted(sender)
        if signed is None:
            return
        result = self.submit(signed, RELAYER)
        check(
            result.outcome == "ok",
            "inv_MQ_10_honest_relay_is_accepted",
            f"{sender.kind} #{signed['sequence']} in order, properly signed: {result.outcome}",
        )

    # -- adversaries -------------------------------------------------------------------

    @precondition(lambda self: bool(self.accepted_messages))
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        """Replay an accepted message: ``BadSequence`` [MQ-10] step 4."""
        signed = data.draw(st.sampled_from(self.accepted_messages))
        self.must_fail(
            self.submit(signed),
            "inv_MQ_10_replay_is_rejected",
            "PhalaMq.BadSequence",
            "a replayed message",
        )

    @rule(sender=senders, skip=st.integers(1, 3))
    def out_of_order(self, sender: MessageOrigin, skip: int) -> None:
        """Submit a pending message ahead of its predecessors: ``BadSequence``."""
        floor = self.ingress(sender)
        ahead = [m for m in self.outbox[sender] if m["sequence"] == floor + skip]
        if not ahead:
            return
        self.must_fail(
            self.submit(ahead[0]),
            "inv_MQ_10_reorder_is_rejected",
            "PhalaMq.BadSequence",
            "a message ahead of its sequence",
        )

    @rule(
        sender=senders,
        topic=st.sampled_from(TOPICS),
        payload=payloads,
        how=st.sampled_from(
            ("other_key", "flipped_bit", "other_sequence", "short", "long", "empty")
        ),
    )
    def forge(self, sender: MessageOrigin, topic: bytes, payload: bytes, how: str) -> None:
        """A message in an honest sender's name, at its expected sequence, not signed by its key."""
        sequence = self.ingress(sender)
        message = Message(sender, topic, payload)
        genuine = sign(KEYS[sender], signed_bytes(message, sequence))
        code = "PhalaRegistry.InvalidSignature"
        if how == "other_key":
            signature = sign(FORGER, signed_bytes(message, sequence))
        elif how == "flipped_bit":
            signature = bytes([genuine[0] ^ 1]) + genuine[1:]
        elif how == "other_sequence":
            signature = sign(KEYS[sender], signed_bytes(message, sequence + 1))
        else:
            signature = {"short": genuine[:63], "long": genuine + b"\x00", "empty": b""}[how]
            code = "PhalaRegistry.InvalidSignatureLength"
        self.must_fail(
            self.submit(signed_data(message, sequence, signature)),
            "inv_MQ_9_forgery_is_rejected",
            code,
            f"a forgery ({how})",
        )

    @rule(worker=st.sampled_from(WORKER_KEYS), topic=st.sampled_from(TOPICS), payload=payloads)
    def impersonate_gatekeeper(self, worker: Keypair, topic: bytes, payload: bytes) -> None:
        """A ``Gatekeeper`` message signed with a worker's key: ``InvalidSignature`` [MQ-9]."""
        sequence = self.ingress(GATEKEEPER)
        message = Message(GATEKEEPER, topic, payload)
        signed = signed_data(message, sequence, sign(worker, signed_bytes(message, sequence)))
        self.must_fail(
            self.submit(signed),
            "inv_MQ_9_impersonation_is_rejected",
            "PhalaRegistry.InvalidSignature",
            "the gatekeeper signed by a worker key",
        )

    @precondition(lambda self: any(self.outbox.values()))
    @rule(data=st.data(), field=st.sampled_from(("payload", "destination", "sender")))
    def tamper(self, data: st.DataObject, field: str) -> None:
        """Alter one field of an honest message and keep its signature: ``InvalidSignature``."""
        sender = data.draw(st.sampled_from([s for s in SENDERS if self.outbox[s]]))
        signed = data.draw(st.sampled_from(self.outbox[sender]))
        message = dict(signed["message"])
        if field == "payload":
            message["payload"] = message["payload"] + b"\x00"
        elif field == "destination":
            message["destination"] = b"phala/tampered"
        else:
            other = data.draw(st.sampled_from([s for s in SENDERS if s != sender]))
            message["sender"] = to_data(other)
        target = MessageOrigin(message["sender"]["kind"], message["sender"]["id"])
        forged = {**signed, "message": message, "sequence": self.ingress(target)}
        if forged["sequence"] == signed["sequence"] and message == signed["message"]:
            return
        self.must_fail(
            self.submit(forged),
            "inv_MQ_9_tampering_is_rejected",
            "PhalaRegistry.InvalidSignature",
            f"a message with a tampered {field}",
        )

    @rule(
        sender=st.sampled_from(NOT_OFFCHAIN),
        topic=st.sampled_from((*TOPICS, *BAD_TOPICS)),
        sequence=st.integers(0, 2),
    )
    def not_offchain_sender(self, sender: MessageOrigin, topic: bytes, sequence: int) -> None:
        """A sender that is not off-chain: ``BadSender``, before any other check [MQ-10] step 2."""
        signed = signed_data(Message(sender, topic, b"\x00"), sequence, b"\x00" * 64)
        self.must_fail(
            self.submit(signed),
            "inv_MQ_10_bad_sender_is_rejected",
            "PhalaMq.BadSender",
            f"a message from {sender.kind}",
        )

    @rule(sender=senders, topic=st.sampled_from(BAD_TOPICS), payload=payloads)
    def invalid_topic(self, sender: MessageOrigin, topic: bytes, payload: bytes) -> None:
        """A properly signed message to an invalid topic: ``BadDestination`` [MQ-10] step 3."""
        sequence = self.ingress(sender)
        message = Message(sender, topic, payload)
        signed = signed_data(message, sequence, sign(KEYS[sender], signed_bytes(message, sequence)))
        self.must_fail(
            self.submit(signed),
            "inv_MQ_10_bad_destination_is_rejected",
            "PhalaMq.BadDestination",
            f"a message to topic {topic!r}",
        )

    @rule(sender=st.sampled_from((UNKNOWN_CLUSTER, UNKNOWN_CONTRACT)))
    def keyless_sender(self, sender: MessageOrigin) -> None:
        """A cluster or contract whose key the registry lacks [MQ-9]."""
        message = Message(sender, TOPICS[0], b"\x00")
        code = (
            "PhalaRegistry.UnknownCluster"
            if sender.kind == "Cluster"
            else "PhalaRegistry.UnknownContract"
        )
        self.must_fail(
            self.submit(signed_data(message, 0, sign(FORGER, signed_bytes(message, 0)))),
            "inv_MQ_9_unknown_key_is_rejected",
            code,
            f"an unknown {sender.kind}",
        )

    @precondition(lambda self: any(self.outbox.values()))
    @rule(
        data=st.data(),
        origin=st.sampled_from(
            ({"kind": "root"}, {"kind": "none"}, {"kind": "pallet", "pallet": "Mq"})
        ),
    )
    def unsigned_relay(self, data: st.DataObject, origin: dict[str, Any]) -> None:
        """A submission without a signed origin: ``BadOrigin`` [MQ-10] step 1."""
        sender = data.draw(st.sampled_from([s for s in SENDERS if self.outbox[s]]))
        signed = data.draw(st.sampled_from(self.outbox[sender]))
        self.must_fail(
            self.submit(signed, origin=origin),
            "inv_MQ_10_unsigned_origin_is_rejected",
            "BadOrigin",
            f"a {origin['kind']} origin",
        )

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def inv_MQ_23_ingress_counts_accepted(self) -> None:
        """The next sequence of every sender is the number of its accepted messages, 0, 1, ..."""
        ingress = dict(self.chain.mq.ingress.items())
        for sender in set(ingress) | set(self.accepted):
            sequences = self.accepted.get(sender, [])
            if sequences != list(range(len(sequences))) or ingress.get(sender, 0) != len(sequences):
                violated(
                    "inv_MQ_23_ingress_counts_accepted",
                    f"{sender.kind}: next {ingress.get(sender, 0)}, accepted {sequences}",
                )

    @invariant()
    def inv_MQ_13_no_forged_message_dispatched(self) -> None:
        """Every off-chain-sent outbound message is authentic and was accepted."""
        for message in self.chain.mq.outbound:
            if message.sender.is_offchain() and message.encode() not in self.dispatched:
                violated(
                    "inv_MQ_13_no_forged_message_dispatched",
                    f"{message.sender.kind} message on {message.destination!r} was never accepted",
                )


__all__ = ["ChainMachine", "InvariantViolation", "MqMachine"]
