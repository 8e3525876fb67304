"""The lossless JSON twin of a vector [VEC-24].

A vector is CBOR; its twin is JSON that says exactly the same thing, for
languages whose JSON parsers lose integers beyond 2^53 and have no byte
strings. Plain data ([CODEC-1]) maps to JSON as follows:

* null, booleans and text are themselves; integers in ±(2^53 - 1) are JSON numbers;
* a larger integer is ``{"$int": "<decimal digits>"}``;
* a byte string is ``{"$bytes": "<lower-case hex>"}``;
* a list is an array;
* a map whose keys are all text is an object; any other map is
  ``{"$map": [[key, value], ...]}`` in the canonical order of its keys.

No text key of a vector begins with ``$``, so a one-key object whose key does
is always a tag. The twin is written with sorted keys and no insignificant
whitespace, so it is deterministic too.
"""

from __future__ import annotations

import json
from typing import Any

from phala_spec.primitives.codec import PlainData, encode

SAFE_INTEGER = 2**53 - 1
"""The largest integer every JSON parser reads exactly (IEEE double)."""


class TwinError(ValueError):
    """A JSON value is not the twin of any plain data."""


def to_twin(value: PlainData) -> Any:
    """The JSON value that stands for ``value`` [VEC-24]."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if -SAFE_INTEGER <= value <= SAFE_INTEGER else {"$int": str(value)}
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, list):
        return [to_twin(item) for item in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) and not key.startswith("$") for key in value):
            return {key: to_twin(item) for key, item in value.items()}
        keys = sorted(value, key=lambda key: encode(key))
        return {"$map": [[to_twin(key), to_twin(value[key])] for key in keys]}
    raise TwinError(f"no JSON twin for {type(value).__name__}")


def from_twin(value: Any) -> PlainData:
    """The plain data a JSON twin stands for: the inverse of :func:`to_twin` [VEC-24]."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if not -SAFE_INTEGER <= value <= SAFE_INTEGER:
            raise TwinError(f'{value} must be written as {{"$int": ...}}')
        return value
    if isinstance(value, list):
        return [from_twin(item) for item in value]
    if not isinstance(value, dict):
        raise TwinError(f"no plain data for JSON {type(value).__name__}")
    tags = [key for key in value if key.startswith("$")]
    if not tags:
        return {key: from_twin(item) for key, item in value.items()}
    if len(value) != 1:
        raise TwinError(f"a tag stands alone in its object, not with {sorted(value)}")
    tag, body = next(iter(value.items()))
    if tag == "$int" and isinstance(body, str) and body.lstrip("-").isdigit():
        return int(body)
    if tag == "$bytes" and isinstance(body, str):
        try:
            return bytes.fromhex(body)
        except ValueError:
            raise TwinError(f"{body!r} is not hex") from None
    if (
        tag == "$map"
        and isinstance(body, list)
        and all(isinstance(pair, list) and len(pair) == 2 for pair in body)
    ):
        return {from_twin(k): from_twin(v) for k, v in body}
    raise TwinError(f"malformed {tag} tag")


def dumps(vector: PlainData) -> str:
    """A vector's twin as deterministic JSON text, one line and a newline [VEC-24]."""
    return (
        json.dumps(to_twin(vector), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        + "\n"
    )


def loads(text: str) -> PlainData:
    """The vector a twin's text stands for; raises :class:`TwinError` on anything else."""
    try:
        return from_twin(json.loads(text))
    except json.JSONDecodeError as exc:
        raise TwinError(f"not JSON: {exc}") from exc
