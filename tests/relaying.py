"""Shared by the tests: submit an off-chain message through the queue, as a relayer does [MQ-10]."""

from __future__ import annotations

from phala_spec.chain.messages import Message, MessageOrigin, signed_bytes
from phala_spec.chain.state import ChainState, Origin
from phala_spec.pallets.mq import ingress
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import Keypair, sign
from phala_spec.runtime.block import CallResult, apply_call


def relay(
    state: ChainState,
    relayer: Origin,
    sender: MessageOrigin,
    topic: bytes,
    payload: bytes,
    key: Keypair,
) -> CallResult:
    """``sync_offchain_message`` of ``payload`` from ``sender`` at its next sequence, signed by ``key``."""
    message = Message(sender, topic, payload)
    sequence = ingress(state, sender)
    signed = {
        "message": to_data(message),
        "sequence": sequence,
        "signature": sign(key, signed_bytes(message, sequence)),
    }
    return apply_call(state, relayer, "PhalaMq.sync_offchain_message", {"signed_message": signed})
