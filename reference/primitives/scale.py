"""SCALE, the encoding production signs and hashes [SCALE-1].

Messages, their payloads and the bytes a worker signs are SCALE-encoded in
production; the reference encodes them the same way, with the ``scalecodec``
library. Only the few shapes the specification needs are exposed here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from scalecodec.base import RuntimeConfigurationObject, ScaleBytes

# The enums and structs production uses in messages, declared once for the codec.
TYPES: dict[str, Any] = {
    "MessageOrigin": {
        "type": "enum",
        "type_mapping": [
            ["Pallet", "Vec<u8>"],
            ["Contract", "[u8; 32]"],
            ["Worker", "[u8; 32]"],
            ["AccountId", "[u8; 32]"],
            ["MultiLocation", "Vec<u8>"],
            ["Gatekeeper", "Null"],
            ["Cluster", "[u8; 32]"],
        ],
    },
    "PhalaMessage": {
        "type": "struct",
        "type_mapping": [
            ["sender", "MessageOrigin"],
            ["destination", "Vec<u8>"],
            ["payload", "Vec<u8>"],
        ],
    },
}


class _Configuration(RuntimeConfigurationObject):  # type: ignore[misc]
    """``scalecodec``'s type registry, with the codec class of each type name made once.

    The library builds a fresh class for a composite name (``Vec<u8>``,
    ``[u8; 32]``) at every lookup; the classes hold no state of their own,
    so the first one is kept, until more types are declared.
    """

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}

    def get_decoder_class(self, type_string: str | dict[str, Any]) -> Any:
        if not isinstance(type_string, str):
            return super().get_decoder_class(type_string)
        if type_string not in self._classes:
            self._classes[type_string] = super().get_decoder_class(type_string)
        return self._classes[type_string]

    def update_type_registry_types(self, types_dict: dict[str, Any]) -> None:
        self._classes.clear()
        super().update_type_registry_types(types_dict)


@cache
def _runtime() -> RuntimeConfigurationObject:
    runtime = _Configuration()
    runtime.update_type_registry_types(TYPES)
    return runtime


def register_types(types: dict[str, Any]) -> None:
    """Declare more SCALE types (payload enums of other subsystems)."""
    _runtime().update_type_registry_types(types)


def encode(type_name: str, value: Any) -> bytes:
    """The SCALE encoding of ``value`` as ``type_name`` [SCALE-1]."""
    return bytes(_runtime().create_scale_object(type_name).encode(value).data)


def decode(type_name: str, data: bytes) -> Any:
    """Decode SCALE bytes; raises ``ValueError`` when they are not exactly one ``type_name``."""
    obj = _runtime().create_scale_object(type_name, data=ScaleBytes(bytearray(data)))
    try:
        value = obj.decode(check_remaining=True)
    except Exception as exc:  # scalecodec raises several unrelated exception types
        raise ValueError(f"cannot decode {type_name}: {exc}") from exc
    return value


def compact_prefix(data: bytes, offset: int) -> tuple[int, int] | None:
    """The compact integer at ``offset`` and the number of bytes it takes, or None if malformed."""
    obj = _runtime().create_scale_object("Compact<u32>", data=ScaleBytes(bytearray(data[offset:])))
    try:
        value = obj.decode(check_remaining=False)
    except Exception:  # scalecodec raises several unrelated exception types
        return None
    return int(value), int(obj.data.offset)


@cache
def compact(n: int) -> bytes:
    """SCALE compact encoding of a non-negative integer."""
    return encode("Compact<u128>", n)


def u64_le(n: int) -> bytes:
    """A u64 in little-endian bytes, as SCALE encodes it."""
    return n.to_bytes(8, "little")


def as_bytes(decoded: Any) -> bytes:
    """Bytes from a decoded ``Vec<u8>`` or ``[u8; N]`` field.

    ``scalecodec`` returns byte fields as ``0x``-prefixed hex, or as text when
    the bytes are valid UTF-8; both are mapped back to the bytes here.
    """
    if isinstance(decoded, bytes | bytearray):
        return bytes(decoded)
    if isinstance(decoded, str):
        if decoded.startswith("0x"):
            try:
                return bytes.fromhex(decoded[2:])
            except ValueError:
                pass
        return decoded.encode()
    raise ValueError(f"not a byte field: {decoded!r}")
