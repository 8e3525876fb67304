"""Authored vectors for the message queue (pallet mq) [MQ-1]..[MQ-23].

Every case is written against the rules of ``spec/mq.md``: each call states
the outcome the rules give, and after it the case checks (at generation time)
the sequence the chain expects next from each sender involved and the block's
outbound and queued messages; the same quantities are recorded as
observations, so a failing implementation learns which one differs.

Signed messages come in both crypto settings [MQ-22]. A story that carries
signed input is written once and registered twice, as ``<name>_real`` (Ed25519
signatures made with :func:`phala_spec.primitives.crypto.sign` over the signed bytes) and
``<name>_oracle`` (each signature is the boolean it stands for). Stories whose
signatures only make sense as bytes (a signature over other bytes, a
domain-separated signature) exist in ``real`` only. In ``oracle`` vectors a
byte string appears only where the rule rejects it before any cryptography
(a length other than 64).

The only on-chain handler specified is the registry's ([MQ-14], [REG-12]);
the messages these vectors send to its topic fail in it (undecodable payloads
or reports of unregistered workers), so dispatching only ever appends to the
outbound messages and no mq vector has events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from phala_spec.chain.messages import (
    FORBIDDEN_TOPIC_PREFIXES,
    GATEKEEPER,
    Message,
    MessageOrigin,
    pallet_origin,
    signed_bytes,
    wrap_content_to_sign,
)
from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    case,
    case_per_crypto,
    none_origin,
    pallet,
    root,
    signed,
)
from phala_spec.pallets.mq import ingress, sequence_tag
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import dev_keypair, sign
from phala_spec.runtime.block import apply_call
from phala_spec.runtime.views import observe
from phala_spec.steps import decode_origin

SUITE = "mq"
MINIMAL = ("minimal",)
BOTH_PRESETS = ("minimal", "phala")

SYNC = "PhalaMq.sync_offchain_message"
PUSH = "PhalaMq.push_message"
FORCE_PUSH = "PhalaMq.force_push_pallet_message"
QUEUE = "PhalaMq.queue_message"

# Topics as production binds them (spec/mq.md [MQ-2]).
REPORT = b"phala/mining/report"  # off-chain: delivered to runtimes and to the chain
GK_EVENT = b"phala/gatekeeper/event"
SYSTEM_EVENT = b"phala/system/event"
REGISTRY_EVENT = b"^phala/registry/event"  # on-chain only
MINING_UPDATE = b"^phala/mining/update"
CLUSTER_REGISTRY = b"^phala/registry/cluster"
CONTRACT_REGISTRY = b"^phala/registry/contract"

# The cast: keys of off-chain senders, derived from names [CRYPTO-2].
WORKER = dev_keypair("mq/worker1")
WORKER2 = dev_keypair("mq/worker2")
MASTER = dev_keypair("mq/gatekeeper-master")
CLUSTER_KEY = dev_keypair("mq/cluster1")
CONTRACT_KEY = dev_keypair("mq/contract1")
FORGER = dev_keypair("mq/forger")
CLUSTER_ID = blake2b_256(b"phala-spec/vectors/mq/cluster1")
CONTRACT_ID = blake2b_256(b"phala-spec/vectors/mq/contract1")

WORKER_ORIGIN = MessageOrigin("Worker", WORKER.public)
WORKER2_ORIGIN = MessageOrigin("Worker", WORKER2.public)
CLUSTER = MessageOrigin("Cluster", CLUSTER_ID)
CONTRACT = MessageOrigin("Contract", CONTRACT_ID)

# Who must have signed a message from each off-chain sender [MQ-9].
KEYS = {
    WORKER_ORIGIN: WORKER,
    WORKER2_ORIGIN: WORKER2,
    GATEKEEPER: MASTER,
    CLUSTER: CLUSTER_KEY,
    CONTRACT: CONTRACT_KEY,
}

RELAYER = "alice"


# --- Helpers ---------------------------------------------------------------------------


@attrs.frozen
class Signer:
    """Produces signatures in one crypto setting [MQ-22]."""

    setting: str

    def signature(self, message: Message, sequence: int, valid: bool = True) -> bytes | bool:
        """A signature of ``(message, sequence)`` by the sender's key (``valid``) or by a forger.

        Senders without a key (not off-chain) are signed by the forger: their
        signature is never looked at.
        """
        if self.setting == "oracle":
            return valid
        signer = KEYS.get(message.sender, FORGER) if valid else FORGER
        return sign(signer, signed_bytes(message, sequence))


def registry_keys(
    master: bool = True, cluster: bool = True, contract: bool = True
) -> dict[str, Any]:
    """Genesis registry overrides with the cast's keys [MQ-8]."""
    keys: dict[str, Any] = {}
    if master:
        keys["gatekeeper_master_pubkey"] = MASTER.public
    if cluster:
        keys["cluster_keys"] = {CLUSTER_ID: CLUSTER_KEY.public}
    if contract:
        keys["contract_keys"] = {CONTRACT_ID: CONTRACT_KEY.public}
    return keys


def setup(b: CaseBuilder, **registry: bool) -> None:
    """The preset's genesis with the cast's registry keys, and block 1 open."""
    b.genesis(registry=registry_keys(**registry))
    b.initialize_block()


def msg(
    sender: MessageOrigin, destination: bytes = REPORT, payload: bytes = b"\x00payload"
) -> Message:
    return Message(sender, destination, payload)


def signed_message(message: Message, sequence: int, signature: bytes | bool) -> dict[str, Any]:
    """The plain-data form of a signed message [MQ-4]."""
    return {"message": to_data(message), "sequence": sequence, "signature": signature}


def watch(*senders: MessageOrigin) -> list[tuple[Any, ...]]:
    """Observations: the next sequence of each sender, then the outbound and queued messages."""
    return [*(("mq_ingress", to_data(s)) for s in senders), ("mq_outbound",), ("mq_queued",)]


def call(
    b: CaseBuilder,
    name: str,
    args: dict[str, Any],
    origin: dict[str, Any],
    *,
    outcome: str = "ok",
    observe: Iterable[Sequence[Any]] = (),
) -> None:
    """Apply a call; check the outcome, that mq deposits no event, and that a rejection changes nothing."""
    before = b.chain
    b.call(name, args, origin=origin, observe=observe)
    b.expect_outcome(outcome)
    result = apply_call(before, decode_origin(origin), name, args)
    if result.events:
        raise AuthoringError(f"{name}: the message queue deposits no events, got {result.events}")
    if outcome != "ok" and b.state is not before:
        raise AuthoringError(f"{name}: a rejected call must change nothing")


def sync(
    b: CaseBuilder,
    signer: Signer,
    message: Message,
    sequence: int,
    *,
    outcome: str = "ok",
    valid: bool = True,
    signature: bytes | bool | None = None,
    relayer: str = RELAYER,
    origin: dict[str, Any] | None = None,
) -> None:
    """Relay a signed message; on success the sender's next sequence grows by exactly one [MQ-10]."""
    if signature is None:
        signature = signer.signature(message, sequence, valid)
    sender = message.sender
    before_seq = ingress(b.chain, sender) if sender.is_offchain() else None
    before_outbound = b.chain.mq.outbound
    call(
        b,
        SYNC,
        {"signed_message": signed_message(message, sequence, signature)},
        origin if origin is not None else signed(relayer),
        outcome=outcome,
        observe=watch(sender),
    )
    if outcome == "ok":
        expect_ingress(b, sender, (before_seq or 0) + 1)
        appended = (message,) if not message.destination.startswith(b"^") else ()
        expect_outbound(b, (*before_outbound, *appended))
    elif before_seq is not None:
        expect_ingress(b, sender, before_seq)


def expect_ingress(b: CaseBuilder, sender: MessageOrigin, value: int) -> None:
    got = ingress(b.chain, sender)
    if got != value:
        raise AuthoringError(f"next sequence of {sender.kind} is {got}, the rules give {value}")


def expect_outbound(b: CaseBuilder, messages: Sequence[Message]) -> None:
    if b.chain.mq.outbound != tuple(messages):
        raise AuthoringError(f"outbound is {b.chain.mq.outbound}, the rules give {tuple(messages)}")


def expect_queued(b: CaseBuilder, messages: Sequence[Message]) -> None:
    if b.chain.mq.queued != tuple(messages):
        raise AuthoringError(f"queued is {b.chain.mq.queued}, the rules give {tuple(messages)}")


Story = Callable[[CaseBuilder, Signer], None]


def signed_case(
    handler: str,
    clauses: Sequence[str],
    presets: Sequence[str] = MINIMAL,
    settings: Sequence[str] = ("real", "oracle"),
) -> Callable[[Story], Story]:
    """Register a story once per crypto setting, as ``<name>_<setting>`` [MQ-22]."""
    return case_per_crypto(
        suite=SUITE,
        handler=handler,
        settings=settings,
        argument=Signer,
        presets=presets,
        clauses=clauses,
    )


# --- sync_offchain_message: acceptance [MQ-10] [MQ-13] -----------------------------------


@signed_case(
    "sync_offchain_message", ("MQ-4", "MQ-7", "MQ-9", "MQ-10", "MQ-13"), presets=BOTH_PRESETS
)
def worker_message_accepted(b: CaseBuilder, s: Signer) -> None:
    """A worker's first message (sequence 0) to an off-chain topic, relayed by an account, is
    accepted: the worker's next sequence becomes 1 and the message is in the block's outbound
    messages. No event is deposited."""
    setup(b)
    sync(b, s, msg(WORKER_ORIGIN, REPORT), 0)
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-2", "MQ-10", "MQ-13"))
def onchain_topic_not_outbound(b: CaseBuilder, s: Signer) -> None:
    """A message to a `^` topic is accepted and counted but not appended to the outbound
    messages: it is for on-chain handlers only."""
    setup(b)
    sync(b, s, msg(WORKER_ORIGIN, REGISTRY_EVENT), 0)
    sync(b, s, msg(GATEKEEPER, MINING_UPDATE), 0)
    sync(b, s, msg(WORKER_ORIGIN, REPORT), 1)
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-2", "MQ-10"))
def forbidden_byte_after_the_first_is_fine(b: CaseBuilder, s: Signer) -> None:
    """Only the first byte of a topic is restricted: `a~b`, `x/` and `^~` are valid topics
    (`^~` is on-chain only)."""
    setup(b)
    sync(b, s, msg(WORKER_ORIGIN, b"a~b"), 0)
    sync(b, s, msg(WORKER_ORIGIN, b"x/"), 1)
    sync(b, s, msg(WORKER_ORIGIN, b"^~"), 2)
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-7", "MQ-10", "MQ-16", "MQ-23"), presets=BOTH_PRESETS)
def sequence_progression_over_blocks(b: CaseBuilder, s: Signer) -> None:
    """A worker's messages 0 and 1 in block 1 and 2 in block 2 are accepted one after the other;
    the next sequence goes 1, 2, 3 and each block's outbound holds only its own messages."""
    setup(b)
    first, second, third = (msg(WORKER_ORIGIN, REPORT, bytes([i])) for i in range(3))
    sync(b, s, first, 0)
    sync(b, s, second, 1)
    b.finalize_block(observe=watch(WORKER_ORIGIN))
    b.initialize_block(observe=watch(WORKER_ORIGIN))
    expect_outbound(b, ())
    sync(b, s, third, 2)
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-10", "MQ-23"))
def replayed_message_is_rejected(b: CaseBuilder, s: Signer) -> None:
    """Submitting an accepted signed message again is `PhalaMq.BadSequence`, in the same block,
    by another relayer, and in a later block: a message is accepted at most once."""
    setup(b)
    message = msg(WORKER_ORIGIN)
    signature = s.signature(message, 0)
    sync(b, s, message, 0, signature=signature)
    sync(b, s, message, 0, signature=signature, outcome="PhalaMq.BadSequence")
    sync(b, s, message, 0, signature=signature, relayer="bob", outcome="PhalaMq.BadSequence")
    b.finalize_block()
    b.initialize_block()
    sync(b, s, message, 0, signature=signature, outcome="PhalaMq.BadSequence")
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-10", "MQ-23"))
def future_sequence_is_rejected(b: CaseBuilder, s: Signer) -> None:
    """Sequences cannot be skipped: message 1 before message 0 is `PhalaMq.BadSequence`; after 0
    is accepted, the same message 1 is."""
    setup(b)
    zero, one = msg(WORKER_ORIGIN, REPORT, b"0"), msg(WORKER_ORIGIN, REPORT, b"1")
    sync(b, s, one, 1, outcome="PhalaMq.BadSequence")
    sync(b, s, one, 2**64 - 1, outcome="PhalaMq.BadSequence")
    sync(b, s, zero, 0)
    sync(b, s, one, 1)
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-7", "MQ-9", "MQ-10"))
def senders_have_independent_sequences(b: CaseBuilder, s: Signer) -> None:
    """Every off-chain sender kind is accepted with its own key, and each has its own counter:
    two workers, the gatekeeper, a cluster and a contract all start at 0."""
    setup(b)
    for sender in (WORKER_ORIGIN, WORKER2_ORIGIN, GATEKEEPER, CLUSTER, CONTRACT):
        sync(b, s, msg(sender, GK_EVENT), 0)
    sync(b, s, msg(GATEKEEPER, GK_EVENT, b"again"), 1)
    b.observe("mq_ingress", to_data(WORKER_ORIGIN))
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def worker_needs_no_registration(b: CaseBuilder, s: Signer) -> None:
    """A worker's message is checked against the key in its origin only: with an empty registry
    (no master key, no cluster or contract keys) a worker's message is still accepted."""
    setup(b, master=False, cluster=False, contract=False)
    sync(b, s, msg(WORKER_ORIGIN), 0)
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-10",))
def requires_signed_origin(b: CaseBuilder, s: Signer) -> None:
    """The relayer must be a signed account: root and the none origin get `BadOrigin`, even for
    a message whose sender would also be rejected."""
    setup(b)
    good = msg(WORKER_ORIGIN)
    sync(b, s, good, 0, origin=root(), outcome="BadOrigin")
    sync(b, s, good, 0, origin=none_origin(), outcome="BadOrigin")
    sync(b, s, msg(pallet_origin("PhalaRegistry")), 0, origin=root(), outcome="BadOrigin")
    sync(b, s, good, 0)
    b.finalize_block()


# --- sync_offchain_message: rejections and their order [MQ-9] [MQ-10] ----------------------


@signed_case("sync_offchain_message", ("MQ-1", "MQ-10"))
def bad_sender(b: CaseBuilder, s: Signer) -> None:
    """Senders that are not off-chain (a pallet, an account, a multi-location, and the reserved
    origin 0xff) are `PhalaMq.BadSender`, whatever the signature."""
    setup(b)
    for sender in (
        pallet_origin("PhalaRegistry"),
        MessageOrigin("AccountId", b.account("bob")),
        MessageOrigin("MultiLocation", b"\x01\x00"),
        MessageOrigin("Reserved"),
    ):
        sync(
            b,
            s,
            msg(sender),
            0,
            signature=s.signature(msg(WORKER_ORIGIN), 0),
            outcome="PhalaMq.BadSender",
        )
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-2", "MQ-10"))
def bad_destination(b: CaseBuilder, s: Signer) -> None:
    """The empty topic and every topic starting with one of the reserved punctuation bytes are
    `PhalaMq.BadDestination`; the sequence is not consumed."""
    setup(b)
    for first in sorted(FORBIDDEN_TOPIC_PREFIXES):
        sync(
            b,
            s,
            msg(WORKER_ORIGIN, bytes([first]) + b"phala/mining/report"),
            0,
            outcome="PhalaMq.BadDestination",
        )
    sync(b, s, msg(WORKER_ORIGIN, b""), 0, outcome="PhalaMq.BadDestination")
    sync(b, s, msg(WORKER_ORIGIN), 0)
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def master_key_uninitialized(b: CaseBuilder, s: Signer) -> None:
    """Before the registry holds a master public key, gatekeeper messages are
    `PhalaRegistry.MasterKeyUninitialized`, and the gatekeeper's sequence stays 0."""
    setup(b, master=False)
    sync(b, s, msg(GATEKEEPER, GK_EVENT), 0, outcome="PhalaRegistry.MasterKeyUninitialized")
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def unknown_cluster(b: CaseBuilder, s: Signer) -> None:
    """A cluster without a key in the registry is `PhalaRegistry.UnknownCluster`."""
    setup(b, cluster=False)
    sync(b, s, msg(CLUSTER, CLUSTER_REGISTRY), 0, outcome="PhalaRegistry.UnknownCluster")
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def unknown_contract(b: CaseBuilder, s: Signer) -> None:
    """A contract without a key in the registry is `PhalaRegistry.UnknownContract`."""
    setup(b, contract=False)
    sync(b, s, msg(CONTRACT, CONTRACT_REGISTRY), 0, outcome="PhalaRegistry.UnknownContract")
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10", "MQ-22"))
def invalid_signature_length(b: CaseBuilder, s: Signer) -> None:
    """Signatures of 0, 63 and 65 bytes are `PhalaRegistry.InvalidSignatureLength`, before any
    cryptography (so the oracle vector carries these bytes too)."""
    setup(b)
    message = msg(WORKER_ORIGIN)
    real = sign(WORKER, signed_bytes(message, 0))
    for signature in (b"", real[:63], real + b"\x00"):
        sync(b, s, message, 0, signature=signature, outcome="PhalaRegistry.InvalidSignatureLength")
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10", "MQ-22", "MQ-23"))
def invalid_signature(b: CaseBuilder, s: Signer) -> None:
    """A signature that does not verify is `PhalaRegistry.InvalidSignature` for every sender kind
    (in `real`: signed by another key; in `oracle`: `false`), and consumes no sequence: the
    properly signed message with the same sequence is accepted afterwards."""
    setup(b)
    for sender in (WORKER_ORIGIN, GATEKEEPER, CLUSTER, CONTRACT):
        sync(b, s, msg(sender), 0, valid=False, outcome="PhalaRegistry.InvalidSignature")
    for sender in (WORKER_ORIGIN, GATEKEEPER, CLUSTER, CONTRACT):
        sync(b, s, msg(sender), 0)
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-4", "MQ-9"), settings=("real",))
def signature_binds_message_and_sequence(b: CaseBuilder, s: Signer) -> None:
    """The signature covers the whole message and the sequence: a valid signature of message 1
    does not authenticate it as message 0, a signature of another payload or topic does not
    authenticate this one, and a cluster's message signed by a worker key is rejected."""
    setup(b)
    message = msg(WORKER_ORIGIN, REPORT, b"original")
    for signature in (
        sign(WORKER, signed_bytes(message, 1)),
        sign(WORKER, signed_bytes(msg(WORKER_ORIGIN, REPORT, b"tampered"), 0)),
        sign(WORKER, signed_bytes(msg(WORKER_ORIGIN, GK_EVENT, b"original"), 0)),
    ):
        sync(b, s, message, 0, signature=signature, outcome="PhalaRegistry.InvalidSignature")
    cluster_message = msg(CLUSTER, CLUSTER_REGISTRY)
    sync(
        b,
        s,
        cluster_message,
        0,
        signature=sign(WORKER, signed_bytes(cluster_message, 0)),
        outcome="PhalaRegistry.InvalidSignature",
    )
    sync(b, s, message, 0)
    sync(b, s, cluster_message, 0)
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-5", "MQ-9"), settings=("real",))
def domain_separated_signature_is_not_an_mq_signature(b: CaseBuilder, s: Signer) -> None:
    """A signature the sender made over the same bytes under another content type (prefixed
    with 0xff and the type byte) does not authenticate an mq message."""
    setup(b)
    message = msg(GATEKEEPER, GK_EVENT)
    raw = signed_bytes(message, 0)
    for content_type in ("RpcResponse", "MasterKeyStore", "EventChainBlock"):
        signature = sign(MASTER, wrap_content_to_sign(raw, content_type))
        sync(b, s, message, 0, signature=signature, outcome="PhalaRegistry.InvalidSignature")
    sync(b, s, message, 0, signature=sign(MASTER, wrap_content_to_sign(raw, "MqMessage")))
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-10",))
def bad_sender_beats_bad_destination_and_sequence(b: CaseBuilder, s: Signer) -> None:
    """With a pallet sender, an empty topic and a wrong sequence, the sender is checked first:
    `PhalaMq.BadSender`."""
    setup(b)
    sync(b, s, msg(pallet_origin("PhalaComputation"), b""), 7, outcome="PhalaMq.BadSender")
    sync(b, s, msg(pallet_origin("PhalaComputation"), REPORT), 7, outcome="PhalaMq.BadSender")
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-10",))
def bad_destination_beats_bad_sequence(b: CaseBuilder, s: Signer) -> None:
    """An invalid topic with a wrong sequence is `PhalaMq.BadDestination`."""
    setup(b)
    sync(b, s, msg(WORKER_ORIGIN, b"/phala"), 3, outcome="PhalaMq.BadDestination")
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def bad_sequence_beats_signature_checks(b: CaseBuilder, s: Signer) -> None:
    """The sequence is checked before the signature: a future or stale sequence is
    `PhalaMq.BadSequence` even when the signature is invalid, of the wrong length, or the
    sender's key is unknown."""
    setup(b, master=False, cluster=False)
    message = msg(WORKER_ORIGIN)
    sync(b, s, message, 1, valid=False, outcome="PhalaMq.BadSequence")
    sync(b, s, message, 1, signature=b"\x00" * 10, outcome="PhalaMq.BadSequence")
    sync(b, s, msg(GATEKEEPER, GK_EVENT), 1, outcome="PhalaMq.BadSequence")
    sync(b, s, msg(CLUSTER, CLUSTER_REGISTRY), 2, outcome="PhalaMq.BadSequence")
    sync(b, s, message, 0)
    sync(b, s, message, 0, valid=False, outcome="PhalaMq.BadSequence")
    b.finalize_block()


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def unknown_key_beats_signature_length(b: CaseBuilder, s: Signer) -> None:
    """The sender's key is looked up before the signature's length is checked: an unknown
    cluster, an unknown contract and a missing master key win over a 10-byte signature."""
    setup(b, master=False, cluster=False, contract=False)
    short = b"\x00" * 10
    sync(
        b,
        s,
        msg(CLUSTER, CLUSTER_REGISTRY),
        0,
        signature=short,
        outcome="PhalaRegistry.UnknownCluster",
    )
    sync(
        b,
        s,
        msg(CONTRACT, CONTRACT_REGISTRY),
        0,
        signature=short,
        outcome="PhalaRegistry.UnknownContract",
    )
    sync(
        b,
        s,
        msg(GATEKEEPER, GK_EVENT),
        0,
        signature=short,
        outcome="PhalaRegistry.MasterKeyUninitialized",
    )
    sync(
        b, s, msg(WORKER_ORIGIN), 0, signature=short, outcome="PhalaRegistry.InvalidSignatureLength"
    )
    b.finalize_block()


# --- The pool rule [MQ-17] [MQ-21] ----------------------------------------------------------


def pool(
    b: CaseBuilder,
    message: Message,
    sequence: int,
    signature: bytes | bool,
    validate: str,
    provides: Sequence[int],
    requires: Sequence[int],
    pre_dispatch: str,
) -> None:
    """Observe the pool rule for ``(message, sequence)`` and check it against the rule."""
    args = signed_message(message, sequence, signature)
    b.observe("mq_pool_validity", args)
    sender = message.sender
    want = {
        "validate": validate,
        "provides": [sequence_tag(sender, n) for n in provides],
        "requires": [sequence_tag(sender, n) for n in requires],
        "pre_dispatch": pre_dispatch,
    }
    got = observe(b.chain, "mq_pool_validity", [args])
    if got != want:
        raise AuthoringError(f"pool rule gives {got}, the rules give {want}")


@signed_case("pool_validity", ("MQ-17", "MQ-21"))
def pool_rule_orders_a_senders_messages(b: CaseBuilder, s: Signer) -> None:
    """Before anything is accepted, sequence 0 is ready (provides its tag), 2 is future in the
    pool (provides 2, requires 1) and rejected by pre-dispatch as `Future`; once 0 is accepted,
    0 is `Stale` in both forms and 1 is ready."""
    setup(b)
    message = msg(WORKER_ORIGIN)
    sig = s.signature(message, 0)
    pool(b, message, 0, sig, "valid", [0], [], "ok")
    pool(b, message, 1, sig, "valid", [1], [0], "Future")
    pool(b, message, 2, sig, "valid", [2], [1], "Future")
    sync(b, s, message, 0, signature=sig)
    pool(b, message, 0, sig, "Stale", [], [], "Stale")
    pool(b, message, 1, sig, "valid", [1], [], "ok")
    pool(b, message, 5, sig, "valid", [5], [4], "Future")
    b.finalize_block()


@signed_case("pool_validity", ("MQ-17", "MQ-21"))
def pool_rule_sees_only_the_sequence(b: CaseBuilder, s: Signer) -> None:
    """The pool rule reads nothing but the sender's expected sequence: a pallet sender, an
    invalid topic or a bad signature still make a valid transaction, which dispatch then rejects;
    tags of different senders differ."""
    setup(b)
    sender = pallet_origin("PhalaRegistry")
    pool(b, msg(sender), 0, True if s.setting == "oracle" else b"\x00" * 64, "valid", [0], [], "ok")
    pool(
        b,
        msg(WORKER_ORIGIN, b""),
        0,
        s.signature(msg(WORKER_ORIGIN), 0, valid=False),
        "valid",
        [0],
        [],
        "ok",
    )
    sync(b, s, msg(WORKER2_ORIGIN), 0)
    pool(b, msg(WORKER2_ORIGIN), 0, s.signature(msg(WORKER2_ORIGIN), 0), "Stale", [], [], "Stale")
    pool(b, msg(WORKER_ORIGIN), 0, s.signature(msg(WORKER_ORIGIN), 0), "valid", [0], [], "ok")
    b.finalize_block()


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


@case(suite=SUITE, handler="push_message", presets=BOTH_PRESETS, clauses=("MQ-11", "MQ-13"))
def push_message_sender_is_the_account(b: CaseBuilder) -> None:
    """An account's pushed message has sender `AccountId(who)` and is appended to the outbound
    messages; no sequence is counted for it."""
    b.initialize_block()
    push(b, "alice", GK_EVENT)
    expect_ingress(b, MessageOrigin("AccountId", b.account("alice")), 0)
    b.finalize_block()


@case(suite=SUITE, handler="push_message", clauses=("MQ-2", "MQ-11", "MQ-13"))
def push_message_onchain_topic(b: CaseBuilder) -> None:
    """A pushed message to a `^` topic is dispatched on chain only: the outbound messages do not
    change."""
    b.initialize_block()
    push(b, "alice", REGISTRY_EVENT)
    b.finalize_block()


@case(suite=SUITE, handler="push_message", clauses=("MQ-2", "MQ-11", "MQ-13"))
def push_message_does_not_check_the_topic(b: CaseBuilder) -> None:
    """push_message dispatches without validating the destination: the empty topic and topics
    starting with a reserved byte are accepted and, not starting with `^`, appended to the
    outbound messages."""
    b.initialize_block()
    for topic in (b"", b"~x", b"/phala/system/event"):
        push(b, "bob", topic)
    b.finalize_block()


@case(suite=SUITE, handler="push_message", clauses=("MQ-11",))
def push_message_requires_signed_origin(b: CaseBuilder) -> None:
    """Root, the none origin and a pallet origin cannot push_message: `BadOrigin`."""
    b.initialize_block()
    for origin in (root(), none_origin(), pallet("PhalaRegistry")):
        call(b, PUSH, {"destination": GK_EVENT, "payload": b""}, origin, outcome="BadOrigin")
    b.finalize_block()


@case(suite=SUITE, handler="push_message", clauses=("MQ-11", "MQ-12", "MQ-13"))
def outbound_keeps_dispatch_order(b: CaseBuilder) -> None:
    """Within a block the outbound messages are in dispatch order across calls and kinds of
    sender; rejected calls append nothing."""
    b.initialize_block()
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
)
def force_push_sender_is_force_pushed(b: CaseBuilder) -> None:
    """Root pushes a message as `Pallet("ForcePushed")`; it is appended to the outbound messages
    (the destination is not validated)."""
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="force_push_pallet_message", clauses=("MQ-12",))
def force_push_requires_root(b: CaseBuilder) -> None:
    """A signed account, the none origin and a pallet origin get `BadOrigin`."""
    b.initialize_block()
    for origin in (signed("alice"), none_origin(), pallet("PhalaRegistry")):
        call(
            b,
            FORCE_PUSH,
            {"destination": SYSTEM_EVENT, "payload": b""},
            origin,
            outcome="BadOrigin",
            observe=watch(),
        )
    b.finalize_block()


# --- Blocks: outbound cleared, queued delivered [MQ-15] [MQ-16] ---------------------------------


@case(suite=SUITE, handler="on_initialize", presets=BOTH_PRESETS, clauses=("MQ-7", "MQ-16"))
def outbound_cleared_when_the_next_block_opens(b: CaseBuilder) -> None:
    """The outbound messages stay readable through the end of their block (after finalization)
    and are gone as soon as the next block opens, also when block numbers skip."""
    b.initialize_block()
    push(b, "alice", SYSTEM_EVENT)
    b.finalize_block(observe=watch())
    b.initialize_block(observe=watch())
    expect_outbound(b, ())
    push(b, "alice", SYSTEM_EVENT, b"again")
    b.finalize_block()
    b.initialize_block(number=b.chain.system.block.number + 5, observe=watch())
    expect_outbound(b, ())
    b.finalize_block()


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
    suite=SUITE, handler="queue_message", presets=BOTH_PRESETS, clauses=("MQ-7", "MQ-15", "MQ-16")
)
def queued_message_delivered_next_block(b: CaseBuilder) -> None:
    """A pallet's queued message waits in the queue (not in the outbound messages) until the next
    block opens, is then dispatched, and leaves the outbound messages one block later."""
    b.initialize_block()
    message = queue(b, "PhalaRegistry", SYSTEM_EVENT, b"\x00queued")
    expect_outbound(b, ())
    b.finalize_block(observe=watch())
    b.initialize_block(observe=watch())
    expect_outbound(b, (message,))
    expect_queued(b, ())
    b.finalize_block()
    b.initialize_block(observe=watch())
    expect_outbound(b, ())
    b.finalize_block()


@case(suite=SUITE, handler="queue_message", clauses=("MQ-15", "MQ-16"))
def queued_messages_come_after_the_kill(b: CaseBuilder) -> None:
    """When a block opens, the previous outbound messages are removed first and the queued ones
    dispatched after, in queue order; the block's own messages follow them."""
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="queue_message", clauses=("MQ-2", "MQ-15", "MQ-16"))
def queued_onchain_topic_is_not_outbound(b: CaseBuilder) -> None:
    """A queued message to a `^` topic is dispatched when the next block opens but never appears
    in the outbound messages; the queue is emptied all the same."""
    b.initialize_block()
    queue(b, "PhalaRegistry", REGISTRY_EVENT, b"")
    b.finalize_block()
    b.initialize_block(observe=watch())
    expect_outbound(b, ())
    expect_queued(b, ())
    b.finalize_block()


@case(suite=SUITE, handler="queue_message", clauses=("MQ-15", "CHAIN-7"))
def queue_message_requires_pallet_origin(b: CaseBuilder) -> None:
    """queue_message is a pallet operation: a signed account, root and the none origin get
    `BadOrigin` and nothing is queued."""
    b.initialize_block()
    for origin in (signed("alice"), root(), none_origin()):
        queue(b, "PhalaRegistry", SYSTEM_EVENT, b"", origin=origin, outcome="BadOrigin")
    b.finalize_block()


# --- Stories -----------------------------------------------------------------------------------


@signed_case("scenario", ("MQ-10", "MQ-16", "MQ-17", "MQ-23"), presets=BOTH_PRESETS)
def racing_relayers(b: CaseBuilder, s: Signer) -> None:
    """Two relayers submit the same gatekeeper egress stream over three blocks, as every
    gatekeeper replica's relayer would: each message is accepted exactly once, in sequence
    order, the duplicate is `PhalaMq.BadSequence`, and each block's outbound messages hold the
    messages accepted in it."""
    setup(b)
    stream = [msg(GATEKEEPER, GK_EVENT, bytes([n])) for n in range(4)]
    signatures = [s.signature(m, n) for n, m in enumerate(stream)]
    plan = [[0, 1], [2], [3]]
    for block_messages in plan:
        for n in block_messages:
            for relayer in ("alice", "bob"):
                outcome = "ok" if relayer == "alice" else "PhalaMq.BadSequence"
                sync(b, s, stream[n], n, signature=signatures[n], relayer=relayer, outcome=outcome)
        expect_outbound(b, [stream[n] for n in block_messages])
        b.finalize_block(observe=watch(GATEKEEPER))
        b.initialize_block()
    expect_ingress(b, GATEKEEPER, 4)
    b.finalize_block()
