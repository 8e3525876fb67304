"""Off-chain messages as a relayer submits them through ``PhalaMq.sync_offchain_message``
[MQ-4] [MQ-10] [MQ-13] [MQ-22]; used by the conformance suites and by the tests."""

from __future__ import annotations

from typing import Any

from phala_spec.chain.messages import Message, MessageOrigin, signed_bytes
from phala_spec.chain.state import ChainState, Origin
from phala_spec.conformance.authoring import CaseBuilder, signed
from phala_spec.pallets.mq import ingress
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import Keypair, sign
from phala_spec.runtime.block import CallResult, apply_call

SYNC = "PhalaMq.sync_offchain_message"


def signature(
    key: Keypair, message: Message, sequence: int, setting: str = "real", valid: bool = True
) -> bytes | bool:
    """``key``'s signature of ``(message, sequence)`` [MQ-4]; in the ``oracle`` setting the
    stand-in ``valid`` takes its place [MQ-22]."""
    if setting == "oracle":
        return valid
    return sign(key, signed_bytes(message, sequence))


def signed_message(message: Message, sequence: int, signature: bytes | bool) -> dict[str, Any]:
    """The plain-data form of a signed message [MQ-4]: the argument of ``sync_offchain_message``."""
    return {"message": to_data(message), "sequence": sequence, "signature": signature}


def next_message(
    chain: ChainState,
    sender: MessageOrigin,
    topic: bytes,
    payload: bytes,
    key: Keypair,
    setting: str = "real",
) -> dict[str, Any]:
    """``payload`` from ``sender`` to ``topic`` at the sender's next sequence, signed by ``key``."""
    message = Message(sender, topic, payload)
    sequence = ingress(chain, sender)
    return signed_message(message, sequence, signature(key, message, sequence, setting))


def apply_relay(
    state: ChainState,
    relayer: Origin,
    sender: MessageOrigin,
    topic: bytes,
    payload: bytes,
    key: Keypair,
) -> CallResult:
    """Apply ``sync_offchain_message`` of ``payload`` from ``sender`` at its next sequence, signed
    by ``key``, as ``relayer`` submits it."""
    signed = next_message(state, sender, topic, payload, key)
    return apply_call(state, relayer, SYNC, {"signed_message": signed})


def relay(
    b: CaseBuilder,
    setting: str,
    sender: MessageOrigin,
    topic: bytes,
    payload: bytes,
    key: Keypair,
    relayer: str = "charlie",
) -> None:
    """Record the relaying of a message from ``sender`` at its next sequence, signed by ``key``
    (``True`` in the ``oracle`` setting); the queue accepts it whatever its handler makes of it."""
    b.call(
        SYNC,
        {"signed_message": next_message(b.chain, sender, topic, payload, key, setting)},
        origin=signed(relayer),
    )
    b.expect_outcome("ok")
