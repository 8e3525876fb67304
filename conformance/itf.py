"""Vectors as ITF traces, the Informal Trace Format of Apalache and Quint [VEC-27].

A vector becomes a trace whose states are the genesis and the state after
each step. Every state has the same variables: ``step`` (the step that led to
it; the genesis ``{kind: "genesis", preset, overrides}``), ``outcome``,
``events``, ``returned``, ``observations`` and ``digests`` (the state
commitment). Values use ITF's encodings: an integer is ``{"#bigint": "<digits>"}``,
a map with a key that is not text is ``{"#map": [[key, value], ...]}``, a map
with text keys is a record, a list is an array, a byte string is its ``0x``
hex text, and null is Quint's ``None`` variant ``{"tag": "None", "value":
{"#tup": []}}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from phala_spec.primitives.codec import PlainData

VARS = ("step", "outcome", "events", "returned", "observations", "digests")
NONE = {"tag": "None", "value": {"#tup": []}}
BIGINT = re.compile(r"^-?[0-9]+$")
SAFE = 2**53 - 1


def to_itf(value: PlainData) -> Any:
    """One plain value in ITF's encoding [VEC-27]."""
    if value is None:
        return dict(NONE, value={"#tup": []})
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return {"#bigint": str(value)}
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return [to_itf(v) for v in value]
    if isinstance(value, Mapping):
        if all(isinstance(k, str) and not k.startswith("#") for k in value):
            return {k: to_itf(v) for k, v in value.items()}
        return {"#map": [[to_itf(k), to_itf(v)] for k, v in value.items()]}
    raise TypeError(f"no ITF form for {type(value).__name__}")


def vector_to_itf(vector: Mapping[str, Any]) -> dict[str, Any]:
    """A vector as an ITF trace: the genesis, then one state per step [VEC-27]."""
    genesis = {"kind": "genesis", **vector["genesis"]}
    states = [
        {
            "#meta": {"index": 0},
            "step": to_itf(genesis),
            "outcome": vector["genesis_outcome"],
            "events": [],
            "returned": to_itf(None),
            "observations": [],
            "digests": to_itf(vector["genesis_digests"]),
        }
    ]
    for index, entry in enumerate(vector["steps"], start=1):
        expect = entry["expect"]
        states.append(
            {
                "#meta": {"index": index},
                "step": to_itf(entry["step"]),
                "outcome": expect["outcome"],
                "events": to_itf(expect["events"]),
                "returned": to_itf(expect["returned"]),
                "observations": to_itf(expect["observations"]),
                "digests": to_itf(expect["digests"]),
            }
        )
    return {
        "#meta": {
            "format": "ITF",
            "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
            "source": vector["id"],
            "description": vector["description"],
            "clauses": list(vector["clauses"]),
        },
        "vars": list(VARS),
        "states": states,
    }


class ItfError(ValueError):
    """A document that is not a well-formed ITF trace."""


def check_itf(doc: Any) -> None:
    """Check a document against ITF's structure; raises :class:`ItfError` [VEC-27]."""
    if not isinstance(doc, dict):
        raise ItfError("a trace is a JSON object")
    unknown = set(doc) - {"#meta", "params", "vars", "states", "loop"}
    if unknown:
        raise ItfError(f"unknown top-level fields {sorted(unknown)}")
    variables = doc.get("vars")
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise ItfError("vars is a list of names")
    states = doc.get("states")
    if not isinstance(states, list):
        raise ItfError("states is a list")
    for index, state in enumerate(states):
        if not isinstance(state, dict):
            raise ItfError(f"state {index} is not an object")
        names = set(state) - {"#meta"}
        if names != set(variables):
            raise ItfError(f"state {index} binds {sorted(names)}, not the vars {variables}")
        for name in names:
            _check_value(state[name], f"states[{index}].{name}")
    if "loop" in doc and not (isinstance(doc["loop"], int) and 0 <= doc["loop"] < len(states)):
        raise ItfError("loop is the index of a state")


def _check_value(value: Any, at: str) -> None:
    if isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if abs(value) > SAFE:
            raise ItfError(f"{at}: an integer beyond 2^53 must be a #bigint")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(item, f"{at}[{i}]")
        return
    if not isinstance(value, dict):
        raise ItfError(f"{at}: {type(value).__name__} is not an ITF value")
    tagged = [k for k in value if k.startswith("#")]
    if not tagged:
        for key, item in value.items():
            _check_value(item, f"{at}.{key}")
        return
    if len(value) != 1:
        raise ItfError(f"{at}: a #-tagged object has exactly one field")
    tag, body = next(iter(value.items()))
    if tag == "#bigint":
        if not isinstance(body, str) or not BIGINT.match(body):
            raise ItfError(f"{at}: #bigint holds decimal digits")
    elif tag in ("#tup", "#set"):
        if not isinstance(body, list):
            raise ItfError(f"{at}: {tag} holds a list")
        for i, item in enumerate(body):
            _check_value(item, f"{at}{tag}[{i}]")
    elif tag == "#map":
        if not isinstance(body, list) or not all(
            isinstance(pair, list) and len(pair) == 2 for pair in body
        ):
            raise ItfError(f"{at}: #map holds [key, value] pairs")
        for i, (key, item) in enumerate(body):
            _check_value(key, f"{at}#map[{i}].key")
            _check_value(item, f"{at}#map[{i}].value")
    elif tag == "#unserializable":
        if not isinstance(body, str):
            raise ItfError(f"{at}: #unserializable holds text")
    else:
        raise ItfError(f"{at}: unknown tag {tag}")


def from_itf(value: Any) -> Any:
    """Read an ITF value back: integers, maps, lists, records; byte strings stay hex text."""
    if isinstance(value, list):
        return [from_itf(v) for v in value]
    if isinstance(value, dict):
        if value == NONE:
            return None
        if "#bigint" in value:
            return int(value["#bigint"])
        if "#map" in value:
            return {_key(from_itf(k)): from_itf(v) for k, v in value["#map"]}
        if "#tup" in value or "#set" in value:
            return [from_itf(v) for v in next(iter(value.values()))]
        return {k: from_itf(v) for k, v in value.items()}
    return value


def _key(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key
