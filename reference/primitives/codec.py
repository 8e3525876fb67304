"""Canonical encoding and the state digest [CODEC-1] [CODEC-2].

Everything the specification exchanges (states, events, vectors, adapter
messages) is turned into *plain data* first: ints, bools, ``None``, text,
bytes, lists and maps with text or bytes keys. Plain data is encoded as CBOR in
the core deterministic encoding of RFC 8949 section 4.2 (shortest heads, map
keys sorted by their encoded bytes, no indefinite lengths, no floats). Integers
beyond 64 bits use the bignum tags 2 and 3, so no integer is ever lossy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import attrs
import cbor2
import immutables
import xxhash

PlainData = Any


def to_data(value: Any) -> PlainData:
    """Convert a reference value (attrs records, persistent maps, tuples) to plain data [CODEC-1].

    attrs records become maps from field name to value; a record class may
    define ``__data__`` to choose its own form (origins use it to add a
    ``kind`` tag). ``immutables.Map`` and dicts become maps; tuples and lists
    become lists.
    """
    custom = getattr(value, "__data__", None)
    if custom is not None:
        return custom()
    if isinstance(value, bool | int | str | bytes) or value is None:
        return value
    if attrs.has(type(value)):
        return {f.name: to_data(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, immutables.Map | Mapping):
        return {to_data(k): to_data(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    raise TypeError(f"no plain-data form for {type(value).__name__}")


def sparse_data(record: Any, always: tuple[str, ...]) -> dict[str, PlainData]:
    """A record's plain data without the fields that hold their default value [GEN-5].

    The fields named in ``always`` are kept whatever their value. Configuration
    records use it for parameters added after their first version, so that the
    plain data (and the digest) of a state that keeps their defaults does not change.
    """
    data = {}
    for f in attrs.fields(type(record)):
        value = getattr(record, f.name)
        if f.name in always or value != f.default:
            data[f.name] = to_data(value)
    return data


def encode(data: PlainData) -> bytes:
    """Deterministic CBOR bytes of plain data [CODEC-1]."""
    _check_plain(data)
    return bytes(cbor2.dumps(data, canonical=True))


def decode(blob: bytes) -> PlainData:
    """Decode CBOR bytes to plain data; raises ``ValueError`` on anything malformed."""
    try:
        data = cbor2.loads(blob)
    except RecursionError:
        raise ValueError("malformed CBOR: nested too deeply") from None
    except Exception as exc:  # cbor2 raises several unrelated exception types
        raise ValueError(f"malformed CBOR: {_bounded(exc)}") from exc
    _check_plain(data)
    return data


def _bounded(exc: BaseException, limit: int = 200) -> str:
    """An exception's message, shortened; never fails (a huge integer has no text form)."""
    try:
        text = str(exc)
    except ValueError:
        return type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def blake2b_256(data: bytes) -> bytes:
    """BLAKE2b with a 32-byte digest (Substrate's ``blake2_256``) [CRYPTO-3]."""
    return hashlib.blake2b(data, digest_size=32).digest()


def twox_64(data: bytes) -> bytes:
    """XXH64 with seed 0 as 8 little-endian bytes (Substrate's ``twox_64``) [CRYPTO-17]."""
    return xxhash.xxh64_intdigest(data, seed=0).to_bytes(8, "little")


def twox_64_concat(key: bytes) -> bytes:
    """A ``Twox64Concat`` map key: ``twox_64`` of the encoded key, then the key [CRYPTO-17]."""
    return twox_64(key) + key


def digest(value: Any) -> bytes:
    """The state digest: BLAKE2b-256 of the canonical encoding of ``to_data(value)`` [CODEC-2]."""
    return blake2b_256(encode(to_data(value)))


INTEGER_BITS = 512
"""Plain data's integers lie in -2^512 .. 2^512 [CODEC-1]; no value of the protocol comes near."""
MAX_DEPTH = 256
"""How deeply lists and maps may nest in plain data [CODEC-1]."""


def _check_plain(data: PlainData, depth: int = 0) -> None:
    """Raise ``ValueError`` unless ``data`` is plain data: bounded integers, bounded nesting [CODEC-1].

    A cyclic value (CBOR's shared-value tags can make one) nests without end,
    so the nesting bound refuses it too.
    """
    if isinstance(data, bool | str | bytes) or data is None:
        return
    if isinstance(data, int):
        if data.bit_length() > INTEGER_BITS:
            raise ValueError(f"an integer of {data.bit_length()} bits is not plain data")
        return
    if not isinstance(data, list | dict):
        raise ValueError(f"value of type {type(data).__name__} is not plain data")
    if depth >= MAX_DEPTH:
        raise ValueError(f"plain data nests at most {MAX_DEPTH} lists and maps deep (or is cyclic)")
    if isinstance(data, list):
        for item in data:
            _check_plain(item, depth + 1)
        return
    for key, item in data.items():
        if not isinstance(key, str | bytes | int):
            raise ValueError(f"map key of type {type(key).__name__} is not plain data")
        _check_plain(key, depth + 1)
        _check_plain(item, depth + 1)
