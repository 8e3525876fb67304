"""``sync_offchain_message``: what it accepts, what it rejects and in which order [MQ-9] [MQ-10]
[MQ-13]."""

from __future__ import annotations

from phala_spec.chain.messages import (
    FORBIDDEN_TOPIC_PREFIXES,
    GATEKEEPER,
    MessageOrigin,
    pallet_origin,
    signed_bytes,
    wrap_content_to_sign,
)
from phala_spec.conformance.authoring import CaseBuilder, none_origin, root
from phala_spec.conformance.suites.mq.common import (
    BOTH_PRESETS,
    CLUSTER,
    CLUSTER_REGISTRY,
    CONTRACT,
    CONTRACT_REGISTRY,
    GK_EVENT,
    MASTER,
    MINING_UPDATE,
    REGISTRY_EVENT,
    REPORT,
    WORKER,
    WORKER2_ORIGIN,
    WORKER_ORIGIN,
    Signer,
    expect_outbound,
    msg,
    setup,
    signed_case,
    sync,
    watch,
)
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import sign

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


@signed_case("sync_offchain_message", ("MQ-2", "MQ-10", "MQ-13"))
def onchain_topic_not_outbound(b: CaseBuilder, s: Signer) -> None:
    """A message to a `^` topic is accepted and counted but not appended to the outbound
    messages: it is for on-chain handlers only."""
    setup(b)
    sync(b, s, msg(WORKER_ORIGIN, REGISTRY_EVENT), 0)
    sync(b, s, msg(GATEKEEPER, MINING_UPDATE), 0)
    sync(b, s, msg(WORKER_ORIGIN, REPORT), 1)


@signed_case("sync_offchain_message", ("MQ-2", "MQ-10"))
def forbidden_byte_after_the_first_is_fine(b: CaseBuilder, s: Signer) -> None:
    """Only the first byte of a topic is restricted: `a~b`, `x/` and `^~` are valid topics
    (`^~` is on-chain only)."""
    setup(b)
    sync(b, s, msg(WORKER_ORIGIN, b"a~b"), 0)
    sync(b, s, msg(WORKER_ORIGIN, b"x/"), 1)
    sync(b, s, msg(WORKER_ORIGIN, b"^~"), 2)


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
    b.next_block()
    sync(b, s, message, 0, signature=signature, outcome="PhalaMq.BadSequence")


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


@signed_case("sync_offchain_message", ("MQ-7", "MQ-9", "MQ-10"))
def senders_have_independent_sequences(b: CaseBuilder, s: Signer) -> None:
    """Every off-chain sender kind is accepted with its own key, and each has its own counter:
    two workers, the gatekeeper, a cluster and a contract all start at 0."""
    setup(b)
    for sender in (WORKER_ORIGIN, WORKER2_ORIGIN, GATEKEEPER, CLUSTER, CONTRACT):
        sync(b, s, msg(sender, GK_EVENT), 0)
    sync(b, s, msg(GATEKEEPER, GK_EVENT, b"again"), 1)
    b.observe("mq_ingress", to_data(WORKER_ORIGIN))


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def worker_needs_no_registration(b: CaseBuilder, s: Signer) -> None:
    """A worker's message is checked against the key in its origin only: with an empty registry
    (no master key, no cluster or contract keys) a worker's message is still accepted."""
    setup(b, master=False, cluster=False, contract=False)
    sync(b, s, msg(WORKER_ORIGIN), 0)


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


@signed_case("sync_offchain_message", ("MQ-2", "MQ-10"))
def bad_destination(b: CaseBuilder, s: Signer) -> None:
    """The empty topic and every topic starting with one of the reserved punctuation bytes are
    `PhalaMq.BadDestination`; the sequence is not consumed. A topic of a single ordinary byte is
    valid."""
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
    sync(b, s, msg(WORKER_ORIGIN, b"a"), 1)  # a single byte that is not reserved is a topic


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def master_key_uninitialized(b: CaseBuilder, s: Signer) -> None:
    """Before the registry holds a master public key, gatekeeper messages are
    `PhalaRegistry.MasterKeyUninitialized`, and the gatekeeper's sequence stays 0."""
    setup(b, master=False)
    sync(b, s, msg(GATEKEEPER, GK_EVENT), 0, outcome="PhalaRegistry.MasterKeyUninitialized")


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def unknown_cluster(b: CaseBuilder, s: Signer) -> None:
    """A cluster without a key in the registry is `PhalaRegistry.UnknownCluster`."""
    setup(b, cluster=False)
    sync(b, s, msg(CLUSTER, CLUSTER_REGISTRY), 0, outcome="PhalaRegistry.UnknownCluster")


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10"))
def unknown_contract(b: CaseBuilder, s: Signer) -> None:
    """A contract without a key in the registry is `PhalaRegistry.UnknownContract`."""
    setup(b, contract=False)
    sync(b, s, msg(CONTRACT, CONTRACT_REGISTRY), 0, outcome="PhalaRegistry.UnknownContract")


@signed_case("sync_offchain_message", ("MQ-9", "MQ-10", "MQ-22"))
def invalid_signature_length(b: CaseBuilder, s: Signer) -> None:
    """Signatures of 0, 63 and 65 bytes are `PhalaRegistry.InvalidSignatureLength`, before any
    cryptography (so the oracle vector carries these bytes too)."""
    setup(b)
    message = msg(WORKER_ORIGIN)
    real = sign(WORKER, signed_bytes(message, 0))
    for signature in (b"", real[:63], real + b"\x00"):
        sync(b, s, message, 0, signature=signature, outcome="PhalaRegistry.InvalidSignatureLength")


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


@signed_case("sync_offchain_message", ("MQ-10",))
def bad_sender_beats_bad_destination_and_sequence(b: CaseBuilder, s: Signer) -> None:
    """With a pallet sender, an empty topic and a wrong sequence, the sender is checked first:
    `PhalaMq.BadSender`."""
    setup(b)
    sync(b, s, msg(pallet_origin("PhalaComputation"), b""), 7, outcome="PhalaMq.BadSender")
    sync(b, s, msg(pallet_origin("PhalaComputation"), REPORT), 7, outcome="PhalaMq.BadSender")


@signed_case("sync_offchain_message", ("MQ-10",))
def bad_destination_beats_bad_sequence(b: CaseBuilder, s: Signer) -> None:
    """An invalid topic with a wrong sequence is `PhalaMq.BadDestination`."""
    setup(b)
    sync(b, s, msg(WORKER_ORIGIN, b"/phala"), 3, outcome="PhalaMq.BadDestination")


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
