"""Shared by the tests: submit an off-chain message through the queue, as a relayer does [MQ-10]."""

from __future__ import annotations

from phala_spec.block import CallResult, apply_call
from phala_spec.chain import ChainState, Origin
from phala_spec.codec import to_data
from phala_spec.crypto import Keypair, sign
from phala_spec.messages import Message, MessageOrigin, signed_bytes
from phala_spec.mq import ingress


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
