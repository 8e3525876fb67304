"""Framing of the adapter protocol [ADP-2].

A frame is a 4-byte big-endian length followed by that many bytes of
deterministic CBOR encoding one map. Requests carry ``request``, replies carry
``status`` (``ok``, ``unsupported`` or ``error``).
"""

from __future__ import annotations

from typing import IO, Any

from phala_spec.primitives.codec import PlainData, decode, encode

PROTOCOL_VERSION = 2
MAX_FRAME = 64 * 1024 * 1024  # [ADP-2]: a longer frame is a protocol error
REQUESTS = ("hello", "load", "step", "query", "state", "reset", "bye")
STATUSES = ("ok", "unsupported", "error")


class ProtocolError(Exception):
    """The peer sent something that is not a valid frame."""


def frame(message: dict[str, Any]) -> bytes:
    """The bytes of one frame carrying ``message``."""
    body = encode(message)
    if len(body) > MAX_FRAME:
        raise ProtocolError(f"frame of {len(body)} bytes exceeds the {MAX_FRAME}-byte limit")
    return len(body).to_bytes(4, "big") + body


def write_frame(stream: IO[bytes], message: dict[str, Any]) -> None:
    """Write one frame and flush."""
    stream.write(frame(message))
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: IO[bytes]) -> PlainData | None:
    """Read one frame's map; ``None`` at a clean end of stream (between frames).

    Raises :class:`ProtocolError` on a truncated frame, an oversized length,
    malformed CBOR or a body that is not a map.
    """
    head = _read_exactly(stream, 4)
    if not head:
        return None
    if len(head) < 4:
        raise ProtocolError("stream ended inside a frame header")
    size = int.from_bytes(head, "big")
    if size > MAX_FRAME:
        raise ProtocolError(
            f"frame length {size} exceeds the {MAX_FRAME}-byte limit (garbage on the stream?)"
        )
    body = _read_exactly(stream, size)
    if len(body) < size:
        raise ProtocolError(f"stream ended inside a frame ({len(body)} of {size} bytes)")
    try:
        message = decode(body)
    except ValueError as exc:
        raise ProtocolError(str(exc)) from exc
    if not isinstance(message, dict):
        raise ProtocolError("a frame carries a CBOR map")
    return message
