"""Messages of the message queue: origins, topics and signed messages [MQ-1]..[MQ-6].

These are the data every participant agrees on: the chain orders and
authenticates them, off-chain runtimes consume and emit them. The bytes that
are signed are production's, byte for byte (SCALE encoding), and so is the
signature scheme, sr25519 (see spec/crypto.md).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Annotated, Any, overload

import attrs

from ..primitives import scale
from ..primitives.arith import Num
from ..primitives.errors import InvalidInput
from ..primitives.types import SIGNATURE, U64_KIND, Kind

# SCALE enum indices of MessageOrigin [MQ-1] (position in this tuple); these are
# the kinds that can send a message. Reserved (index 255) exists in the enum
# only so that its encoding, 0xff, can prefix non-mq signed content [MQ-5]; it
# can be *written* as a sender (a relayer may submit anything), and every rule
# then treats it as not off-chain.
ORIGIN_KINDS = (
    "Pallet",
    "Contract",
    "Worker",
    "AccountId",
    "MultiLocation",
    "Gatekeeper",
    "Cluster",
)
RESERVED = "Reserved"
ALL_ORIGIN_KINDS = (*ORIGIN_KINDS, RESERVED)
FIXED_32 = ("Contract", "Worker", "AccountId", "Cluster")
OFFCHAIN_KINDS = ("Cluster", "Contract", "Worker", "Gatekeeper")
WELL_FORMED_KINDS = ("Pallet", "Worker", "Gatekeeper")
RESERVED_INDEX = 0xFF

# Bytes that may not start a topic [MQ-2]; '^' marks an on-chain-only topic.
FORBIDDEN_TOPIC_PREFIXES = frozenset(b"~!@#$%&*_+-=|<>?,./;:'")
ONCHAIN_ONLY_PREFIX = ord("^")


@attrs.frozen
class MessageOrigin:
    """Who sent a message [MQ-1]: a kind and its identifying bytes (empty for the gatekeeper and Reserved)."""

    kind: str
    id: bytes = b""

    def __attrs_post_init__(self) -> None:
        if self.kind not in ALL_ORIGIN_KINDS:
            raise ValueError(f"unknown origin kind {self.kind!r}")
        if not isinstance(self.id, bytes):
            raise ValueError("an origin's id is bytes")
        if self.kind in FIXED_32 and len(self.id) != 32:
            raise ValueError(f"a {self.kind} origin carries 32 bytes")
        if self.kind in ("Gatekeeper", RESERVED) and self.id:
            raise ValueError(f"the {self.kind} origin carries no bytes")

    def is_offchain(self) -> bool:
        """Messages from clusters, contracts, workers and the gatekeeper are signed off-chain [MQ-1]."""
        return self.kind in OFFCHAIN_KINDS

    def always_well_formed(self) -> bool:
        """Pallets, workers and the gatekeeper never send undecodable payloads [MQ-1]."""
        return self.kind in WELL_FORMED_KINDS

    def encode(self) -> bytes:
        """SCALE encoding of the origin [MQ-1]."""
        return _encode_origin(self.kind, self.id)

    def __data__(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id}


@functools.lru_cache(maxsize=65536)
def _encode_origin(kind: str, id: bytes) -> bytes:
    # Pure and called for every message, signature and tag: cached.
    if kind == RESERVED:
        return bytes([RESERVED_INDEX])
    if kind == "Gatekeeper":
        return scale.encode("MessageOrigin", {"Gatekeeper": None})
    return scale.encode("MessageOrigin", {kind: "0x" + id.hex()})


@overload
def next_sequence(sequence: int) -> int: ...
@overload
def next_sequence(sequence: Num) -> Num: ...
def next_sequence(sequence: Num) -> Num:
    """The sequence after ``sequence``: every sender numbers its messages 0, 1, 2, ... [MQ-4]."""
    return sequence + 1


def pallet_origin(name: str) -> MessageOrigin:
    """The origin of messages a pallet pushes, named as the runtime names the pallet."""
    return MessageOrigin("Pallet", name.encode())


GATEKEEPER = MessageOrigin("Gatekeeper")


def topic_is_valid(topic: bytes) -> bool:
    """A topic is non-empty and does not start with a reserved punctuation byte [MQ-2]."""
    return len(topic) > 0 and topic[0] not in FORBIDDEN_TOPIC_PREFIXES


def topic_is_offchain(topic: bytes) -> bool:
    """Topics not starting with ``^`` are also delivered to off-chain runtimes [MQ-2].

    Like production's ``!starts_with(b"^")``, this does not look at validity:
    the empty topic counts as off-chain.
    """
    return not topic.startswith(bytes([ONCHAIN_ONLY_PREFIX]))


@attrs.frozen
class Message:
    """A message: sender, destination topic and an opaque (SCALE-encoded) payload [MQ-3]."""

    sender: MessageOrigin
    destination: bytes
    payload: bytes

    def encode(self) -> bytes:
        """SCALE encoding: origin, then the topic and the payload as ``Vec<u8>`` [MQ-3]."""
        return (
            self.sender.encode()
            + scale.compact(len(self.destination))
            + self.destination
            + (scale.compact(len(self.payload)) + self.payload)
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


# --- Plain data [MQ-3] [MQ-4] -----------------------------------------------------


def origin_from_data(data: Any) -> MessageOrigin:
    """A :class:`MessageOrigin` from its plain-data form ``{kind, id}`` [MQ-1]; else invalid input."""
    if not isinstance(data, Mapping) or set(data) != {"kind", "id"}:
        raise InvalidInput("a message origin is a map {kind, id}")
    if data["kind"] not in ALL_ORIGIN_KINDS or not isinstance(data["id"], bytes):
        raise InvalidInput(f"a message origin's kind is one of {ALL_ORIGIN_KINDS} and its id bytes")
    try:
        return MessageOrigin(data["kind"], bytes(data["id"]))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc


def message_from_data(data: Any) -> Message:
    """A :class:`Message` from ``{sender, destination, payload}`` [MQ-3]; else invalid input."""
    if not isinstance(data, Mapping) or set(data) != {"sender", "destination", "payload"}:
        raise InvalidInput("a message is a map {sender, destination, payload}")
    if not isinstance(data["destination"], bytes) or not isinstance(data["payload"], bytes):
        raise InvalidInput("a message's destination and payload are bytes")
    return Message(
        origin_from_data(data["sender"]), bytes(data["destination"]), bytes(data["payload"])
    )


def signed_message_from_data(data: Any) -> SignedMessage:
    """A :class:`SignedMessage` from ``{message, sequence, signature}`` [MQ-4]; else invalid input.

    ``sequence`` is a u64; ``signature`` is bytes of any length (the length is a
    rule of the chain, not of the encoding) or a boolean in the ``oracle``
    crypto setting.
    """
    if not isinstance(data, Mapping) or set(data) != {"message", "sequence", "signature"}:
        raise InvalidInput("a signed message is a map {message, sequence, signature}")
    sequence = U64_KIND.decode(data["sequence"], "a signed message's sequence")
    signature = SIGNATURE.decode(data["signature"], "a signed message's signature")
    return SignedMessage(message_from_data(data["message"]), sequence, signature)


SIGNED_MESSAGE: Kind[SignedMessage] = Kind(
    "signed_message",
    "a signed message {message: {sender, destination, payload}, sequence: u64, signature}",
    signed_message_from_data,
)
OffchainMessage = Annotated[SignedMessage, SIGNED_MESSAGE]  # as synced from off-chain [MQ-10]
