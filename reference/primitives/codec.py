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


def encode(data: PlainData) -> bytes:
    """Deterministic CBOR bytes of plain data [CODEC-1]."""
    _check_plain(data)
    return bytes(cbor2.dumps(data, canonical=True))


def decode(blob: bytes) -> PlainData:
    """Decode CBOR bytes to plain data; raises ``ValueError`` on anything malformed."""
    try:
        data = cbor2.loads(blob)
    except Exception as exc:  # cbor2 raises several unrelated exception types
        raise ValueError(f"malformed CBOR: {exc}") from exc
    _check_plain(data)
    return data


def blake2b_256(data: bytes) -> bytes:
    """BLAKE2b with a 32-byte digest (Substrate's ``blake2_256``) [CRYPTO-3]."""
    return hashlib.blake2b(data, digest_size=32).digest()


def digest(value: Any) -> bytes:
    """The state digest: BLAKE2b-256 of the canonical encoding of ``to_data(value)`` [CODEC-2]."""
    return blake2b_256(encode(to_data(value)))


def _check_plain(data: PlainData) -> None:
    if isinstance(data, bool | int | str | bytes) or data is None:
        return
    if isinstance(data, list):
        for item in data:
            _check_plain(item)
        return
    if isinstance(data, dict):
        for key, item in data.items():
            if not isinstance(key, str | bytes | int):
                raise ValueError(f"map key of type {type(key).__name__} is not plain data")
            _check_plain(item)
        return
    raise ValueError(f"value of type {type(data).__name__} is not plain data")
