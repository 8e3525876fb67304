"""The message queue cases' cast, signer, calls and checks [MQ-4] [MQ-8] [MQ-10] [MQ-22]."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin
from phala_spec.conformance import relaying
from phala_spec.conformance.authoring import AuthoringError, CaseBuilder, case_per_crypto, signed
from phala_spec.conformance.checks import do
from phala_spec.pallets.mq import ingress
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import dev_keypair

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
        key = KEYS.get(message.sender, FORGER) if valid else FORGER
        return relaying.signature(key, message, sequence, self.setting, valid)


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
    """The preset's genesis with the cast's registry keys."""
    b.genesis(registry=registry_keys(**registry))


def msg(
    sender: MessageOrigin, destination: bytes = REPORT, payload: bytes = b"\x00payload"
) -> Message:
    return Message(sender, destination, payload)


def watch(*senders: MessageOrigin) -> list[tuple[Any, ...]]:
    """Observations: the next sequence of each sender, then the outbound and queued messages."""
    return [*(("mq_ingress", to_data(s)) for s in senders), ("mq_outbound",), ("mq_queued",)]


def call(
    b: CaseBuilder, name: str, args: dict[str, Any], origin: dict[str, Any], **kw: Any
) -> None:
    """:func:`~phala_spec.conformance.checks.do` (``outcome``, ``observe``) for a call of the
    message queue, which deposits no event."""
    do(b, name, args, origin, events=[], **kw)


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
        {"signed_message": relaying.signed_message(message, sequence, signature)},
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
    """Register a story once per crypto setting, as ``<name>_<setting>`` [MQ-22]; it starts in
    block 1."""
    return case_per_crypto(
        suite=SUITE,
        handler=handler,
        settings=settings,
        argument=Signer,
        presets=presets,
        clauses=clauses,
        block=1,
    )
