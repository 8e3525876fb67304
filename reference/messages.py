"""Messages of the message queue: origins, topics and signed messages [MQ-1]..[MQ-6].

These are the data every participant agrees on: the chain orders and
authenticates them, off-chain runtimes consume and emit them. The bytes that
are signed are production's, byte for byte (SCALE encoding); only the
signature scheme differs (see spec/crypto.md).
"""

from __future__ import annotations

from typing import Any

import attrs

from . import scale

# SCALE enum indices of MessageOrigin [MQ-1]; Reserved (255) is never a sender.
ORIGIN_KINDS = ("Pallet", "Contract", "Worker", "AccountId", "MultiLocation", "Gatekeeper", "Cluster")
FIXED_32 = ("Contract", "Worker", "AccountId", "Cluster")
OFFCHAIN_KINDS = ("Cluster", "Contract", "Worker", "Gatekeeper")
WELL_FORMED_KINDS = ("Pallet", "Worker", "Gatekeeper")
RESERVED_INDEX = 0xFF

# Bytes that may not start a topic [MQ-2]; '^' marks an on-chain-only topic.
FORBIDDEN_TOPIC_PREFIXES = frozenset(b"~!@#$%&*_+-=|<>?,./;:'")
ONCHAIN_ONLY_PREFIX = ord("^")


@attrs.frozen
class MessageOrigin:
    """Who sent a message [MQ-1]: a kind and its identifying bytes (empty for the gatekeeper)."""

    kind: str
    id: bytes = b""

    def __attrs_post_init__(self) -> None:
        if self.kind not in ORIGIN_KINDS:
            raise ValueError(f"unknown origin kind {self.kind!r}")
        if self.kind in FIXED_32 and len(self.id) != 32:
            raise ValueError(f"a {self.kind} origin carries 32 bytes")
        if self.kind == "Gatekeeper" and self.id:
            raise ValueError("the gatekeeper origin carries no bytes")

    def is_offchain(self) -> bool:
        """Messages from clusters, contracts, workers and the gatekeeper are signed off-chain [MQ-1]."""
        return self.kind in OFFCHAIN_KINDS

    def always_well_formed(self) -> bool:
        """Pallets, workers and the gatekeeper never send undecodable payloads [MQ-1]."""
        return self.kind in WELL_FORMED_KINDS

    def encode(self) -> bytes:
        """SCALE encoding of the origin [MQ-1]."""
        return scale.encode("MessageOrigin", self._scale_value())

    def _scale_value(self) -> Any:
        if self.kind == "Gatekeeper":
            return {"Gatekeeper": None}
        return {self.kind: "0x" + self.id.hex()}

    def __data__(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id}


def pallet_origin(name: str) -> MessageOrigin:
    """The origin of messages a pallet pushes, named as the runtime names the pallet."""
    return MessageOrigin("Pallet", name.encode())


GATEKEEPER = MessageOrigin("Gatekeeper")


def topic_is_valid(topic: bytes) -> bool:
    """A topic is non-empty and does not start with a reserved punctuation byte [MQ-2]."""
    return len(topic) > 0 and topic[0] not in FORBIDDEN_TOPIC_PREFIXES


def topic_is_offchain(topic: bytes) -> bool:
    """Topics not starting with ``^`` are also delivered to off-chain runtimes [MQ-2]."""
    return len(topic) > 0 and topic[0] != ONCHAIN_ONLY_PREFIX


@attrs.frozen
class Message:
    """A message: sender, destination topic and an opaque (SCALE-encoded) payload [MQ-3]."""

    sender: MessageOrigin
    destination: bytes
    payload: bytes

    def encode(self) -> bytes:
        """SCALE encoding: origin, then the topic and the payload as ``Vec<u8>`` [MQ-3]."""
        return self.sender.encode() + scale.compact(len(self.destination)) + self.destination + (
            scale.compact(len(self.payload)) + self.payload
        )


@attrs.frozen
class SignedMessage:
    """A message with the sender's sequence number and signature [MQ-4].

    ``signature`` is the 64 signature bytes in the ``real`` crypto setting, or
    a boolean (the signature's validity, decided by the vector) in the
    ``oracle`` setting.
    """

    message: Message
    sequence: int
    signature: bytes | bool


def signed_bytes(message: Message, sequence: int) -> bytes:
    """The bytes a sender signs: ``SCALE(message) ‖ u64_le(sequence)``, with no prefix [MQ-4]."""
    return message.encode() + scale.u64_le(sequence)


# Content types for domain separation [MQ-5].
CONTENT_TYPES = {
    "MqMessage": 0,
    "RpcResponse": 1,
    "EndpointInfo": 2,
    "MasterKeyRotation": 3,
    "MasterKeyStore": 4,
    "ClusterStateRequest": 5,
    "EventChainBlock": 6,
}


def wrap_content_to_sign(data: bytes, content_type: str) -> bytes:
    """Domain separation [MQ-5]: mq messages are signed raw (legacy); every other signed
    content is prefixed with ``0xff`` (Reserved's encoding) and its type byte."""
    type_byte = CONTENT_TYPES[content_type]
    if type_byte == 0:
        return data
    return bytes([RESERVED_INDEX, type_byte]) + data
