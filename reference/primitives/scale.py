"""SCALE, the encoding production signs and hashes [SCALE-1].

Messages, their payloads and the bytes a worker signs are SCALE-encoded in
production; the reference encodes them the same way, with the ``scalecodec``
library. Only the few shapes the specification needs are exposed here.
Compact integers, which prefix every length, are written out here instead
([SCALE-2], [SCALE-3]): the library reads non-canonical forms that
production's codec refuses.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from scalecodec.base import RuntimeConfigurationObject, ScaleBytes
from scalecodec.types import Bytes

from .arith import U128_MAX

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


class _ByteVector(Bytes):  # type: ignore[misc]
    """``Vec<u8>`` decoded always as ``0x``-prefixed hex [SCALE-1].

    The library's own class returns bytes that are valid UTF-8 as text, and
    text is ambiguous: the bytes of ``"0x00ff"`` would read back as the two
    bytes ``00 ff``. Hex alone maps back to exactly the bytes on the wire.
    """

    def process(self) -> str:
        length = self.process_type("Compact<u32>").value
        return "0x" + bytes(self.get_next_bytes(length)).hex()


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
        if type_string in ("Vec<u8>", "Bytes"):
            return _ByteVector
        if type_string not in self._classes:
            self._classes[type_string] = super().get_decoder_class(type_string)
        return self._classes[type_string]

    def update_type_registry_types(self, types_dict: dict[str, Any]) -> None:
        self._classes.clear()
        super().update_type_registry_types(types_dict)


_DECLARED: dict[str, Any] = {}
"""The types other subsystems declared with :func:`register_types`, kept so that a registry made
again (after its cache is cleared) knows them too."""


@cache
def _runtime() -> RuntimeConfigurationObject:
    runtime = _Configuration()
    runtime.update_type_registry_types(TYPES)
    if _DECLARED:
        runtime.update_type_registry_types(_DECLARED)
    return runtime


def register_types(types: dict[str, Any]) -> None:
    """Declare more SCALE types (payload enums of other subsystems)."""
    _DECLARED.update(types)
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


COMPACT_WIDTHS = (32, 64, 128)
"""The widths of the compact integers production decodes: ``Compact<u32>`` (every length
prefix), ``Compact<u64>`` and ``Compact<u128>`` (balances) [SCALE-3]."""


def compact(n: int) -> bytes:
    """The SCALE compact encoding of a ``u128`` [SCALE-2].

    Below 2^6 one byte ``n << 2``; below 2^14 two bytes ``(n << 2) | 1``; below
    2^30 four bytes ``(n << 2) | 2``, all little-endian. Otherwise the prefix byte
    ``((k - 4) << 2) | 3`` and ``n`` in the fewest ``k >= 4`` little-endian bytes.
    """
    if not 0 <= n <= U128_MAX:
        raise ValueError(f"a compact integer is a u128, not {n}")
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    if n < 1 << 30:
        return ((n << 2) | 2).to_bytes(4, "little")
    size = max(4, (n.bit_length() + 7) // 8)
    return bytes([((size - 4) << 2) | 3]) + n.to_bytes(size, "little")


def decode_compact(data: bytes, offset: int, bits: int) -> tuple[int, int] | None:
    """The compact integer of width ``bits`` at ``offset`` and its length in bytes [SCALE-3].

    ``None`` when the bytes end too soon, when the value does not fit ``bits``
    (a big-integer form of more than ``bits / 8`` bytes) or when the form is not
    the shortest for the value, as parity-scale-codec refuses it: a two-byte form
    below 2^6, a four-byte form below 2^14, a big-integer form below 2^30 or whose
    last byte is zero. Bytes after the integer are not looked at.
    """
    if offset >= len(data):
        return None
    mode = data[offset] & 3
    if mode < 3:
        size = 1 << mode
        raw = data[offset : offset + size]
        value = int.from_bytes(raw, "little") >> 2
        if len(raw) < size or value < (0, 1 << 6, 1 << 14)[mode]:
            return None
        return value, size
    size = (data[offset] >> 2) + 4
    raw = data[offset + 1 : offset + 1 + size]
    if size > bits // 8 or len(raw) < size:
        return None
    value = int.from_bytes(raw, "little")
    if value < max(1 << 30, 1 << (8 * (size - 1))):
        return None
    return value, 1 + size


def compact_prefix(data: bytes, offset: int) -> tuple[int, int] | None:
    """The length prefix (a ``Compact<u32>``) at ``offset`` and its size, or None if malformed [SCALE-3]."""
    return decode_compact(data, offset, 32)


def u64_le(n: int) -> bytes:
    """A u64 in little-endian bytes, as SCALE encodes it."""
    return n.to_bytes(8, "little")


def as_bytes(decoded: Any) -> bytes:
    """Bytes from a decoded ``Vec<u8>`` or ``[u8; N]`` field, which the codec gives as
    ``0x``-prefixed hex (:class:`_ByteVector`)."""
    if isinstance(decoded, bytes | bytearray):
        return bytes(decoded)
    if isinstance(decoded, str) and decoded.startswith("0x"):
        try:
            return bytes.fromhex(decoded[2:])
        except ValueError as exc:
            raise ValueError(f"not a byte field: {decoded!r}") from exc
    raise ValueError(f"not a byte field: {decoded!r}")
