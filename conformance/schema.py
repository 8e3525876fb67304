"""The vector format v4 and its checker [VEC-2]..[VEC-7].

:func:`check_vector` is the executable form of the CDDL schema shipped as
``vectors.cddl`` (and printed in ``spec/vectors.md``). It runs when vectors are
generated (a vector that breaks the schema is never written), verified and
run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from phala_spec.primitives.codec import PlainData, decode, encode

from .authoring import CRYPTO_SETTINGS, FORMAT, NAME_PATTERN, ORIGINS
from .authoring import REFUSED as REFUSED  # re-exported for the runner [VEC-28]

OUTCOME_PATTERN = re.compile(r"^(ok|invalid|[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)?)$")
TOP_KEYS = {
    "format",
    "id",
    "preset",
    "suite",
    "handler",
    "case",
    "description",
    "clauses",
    "crypto",
    "provenance",
    "genesis",
    "genesis_outcome",
    "subsystems",
    "genesis_digests",
    "steps",
}
PROVENANCE_KEYS = {"generator", "generator_version", "spec_version", "origin", "seed", "source"}
EXPECT_KEYS = {"outcome", "events", "returned", "observations", "digests"}


class SchemaError(ValueError):
    """A vector does not follow format v4; the message names the offending field."""


class VectorFileError(ValueError):
    """A vector file cannot be read: missing, not CBOR, or not format v4."""


def _fail(where: str, problem: str) -> SchemaError:
    return SchemaError(f"{where}: {problem}" if where else problem)


def _map(value: Any, where: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, "must be a map")
    missing = sorted(keys - set(value))
    extra = sorted(str(k) for k in set(value) - keys)
    if missing:
        raise _fail(where, f"missing field(s) {', '.join(missing)}")
    if extra:
        raise _fail(where, f"unknown field(s) {', '.join(extra)}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, "must be a text string")
    return value


def _name(value: Any, where: str) -> str:
    text = _text(value, where)
    if not NAME_PATTERN.match(text):
        raise _fail(where, f"{value!r} must match {NAME_PATTERN.pattern}")
    return text


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(where, "must be a list")
    return value


def _digests(value: Any, where: str) -> dict[str, bytes]:
    """A state commitment: subsystem name → 32-byte digest [CODEC-3]."""
    if not isinstance(value, dict) or not value:
        raise _fail(where, "must be a non-empty map from subsystem to digest")
    for name, digest in value.items():
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise _fail(where, f"subsystem {name!r} must match {NAME_PATTERN.pattern}")
        if not isinstance(digest, bytes) or len(digest) != 32:
            raise _fail(f"{where}.{name}", "must be a 32-byte digest")
    return value


def check_vector(vector: Any) -> dict[str, Any]:
    """Check a decoded vector against format v3 [VEC-2]; returns it, or raises :class:`SchemaError`."""
    if isinstance(vector, dict) and "format" in vector and vector["format"] != FORMAT:
        raise _fail("format", f"{vector['format']!r} is not {FORMAT!r}")
    top = _map(vector, "", TOP_KEYS)
    preset = _name(top["preset"], "preset")
    suite = _name(top["suite"], "suite")
    handler = _name(top["handler"], "handler")
    name = _name(top["case"], "case")
    if top["id"] != f"{preset}/{suite}/{handler}/{name}":
        raise _fail("id", f"{top['id']!r} is not preset/suite/handler/case")
    _text(top["description"], "description")
    for i, clause in enumerate(_list(top["clauses"], "clauses")):
        _text(clause, f"clauses[{i}]")
    if top["crypto"] not in CRYPTO_SETTINGS:
        raise _fail("crypto", f"must be one of {', '.join(CRYPTO_SETTINGS)}")
    prov = _map(top["provenance"], "provenance", PROVENANCE_KEYS)
    for key in ("generator", "generator_version", "spec_version", "source"):
        _text(prov[key], f"provenance.{key}")
    if prov["origin"] not in ORIGINS:
        raise _fail("provenance.origin", f"must be one of {', '.join(ORIGINS)}")
    seed = prov["seed"]
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise _fail("provenance.seed", "must be an integer or null")
    gen = _map(top["genesis"], "genesis", {"preset", "overrides"})
    if gen["preset"] != preset:
        raise _fail("genesis.preset", "must equal the vector's preset")
    if not isinstance(gen["overrides"], dict):
        raise _fail("genesis.overrides", "must be a map")
    if top["genesis_outcome"] == REFUSED:
        # a refused genesis: nothing was loaded, so nothing follows [VEC-28]
        for key in ("subsystems", "genesis_digests", "steps"):
            if top[key] not in ([], {}):
                raise _fail(key, "must be empty when the genesis is refused")
        return top
    if top["genesis_outcome"] != "ok":
        raise _fail("genesis_outcome", "must be 'ok' or 'invalid'")
    known = set(_digests(top["genesis_digests"], "genesis_digests"))
    touched = _list(top["subsystems"], "subsystems")
    for i, name in enumerate(touched):
        if name not in known:
            raise _fail(f"subsystems[{i}]", f"{name!r} is not a subsystem of the genesis")
    if touched != sorted(set(touched)):
        raise _fail("subsystems", "must be sorted and without repeats")
    for i, entry in enumerate(_list(top["steps"], "steps")):
        where = f"steps[{i}]"
        entry = _map(entry, where, {"step", "expect"})
        step = entry["step"]
        expect = _map(entry["expect"], f"{where}.expect", EXPECT_KEYS)
        outcome = _text(expect["outcome"], f"{where}.expect.outcome")
        refused = outcome == REFUSED  # any plain data, the step is to be refused [VEC-28]
        if not refused and (not isinstance(step, dict) or not isinstance(step.get("kind"), str)):
            raise _fail(f"{where}.step", "must be a map with a text 'kind'")
        if not OUTCOME_PATTERN.match(outcome):
            raise _fail(
                f"{where}.expect.outcome",
                f"{outcome!r} is neither 'ok', 'invalid' nor an error code",
            )
        _list(expect["events"], f"{where}.expect.events")
        for j, obs in enumerate(_list(expect["observations"], f"{where}.expect.observations")):
            _check_observation(obs, f"{where}.expect.observations[{j}]")
        if set(_digests(expect["digests"], f"{where}.expect.digests")) != known:
            raise _fail(f"{where}.expect.digests", "must name the genesis's subsystems")
        if refused:
            _check_refusal(expect, where, last=i == len(top["steps"]) - 1)
    return top


def _check_observation(obs: Any, where: str) -> None:
    """An answered observation, or one to be refused: any view and arguments [VEC-28]."""
    if isinstance(obs, dict) and "outcome" in obs:
        obs = _map(obs, where, {"view", "args", "outcome"})
        if obs["outcome"] != REFUSED:
            raise _fail(f"{where}.outcome", f"must be {REFUSED!r}")
        return
    obs = _map(obs, where, {"view", "args", "value"})
    _text(obs["view"], f"{where}.view")
    _list(obs["args"], f"{where}.args")


def _check_refusal(expect: dict[str, Any], where: str, last: bool) -> None:
    """A refused step expects nothing but the refusal and is never the last step [VEC-28]."""
    for key, empty in (("events", []), ("returned", None), ("observations", [])):
        if expect[key] != empty:
            raise _fail(f"{where}.expect.{key}", f"must be {empty!r} for a refused step")
    if last:
        raise _fail(where, "a vector never ends with a refused step")


def parse_vector(blob: bytes, *, strict_encoding: bool = True) -> dict[str, Any]:
    """Decode and check vector bytes [VEC-2] [VEC-3]; raises :class:`SchemaError` (a ``ValueError``)."""
    try:
        data: PlainData = decode(blob)
    except ValueError as exc:
        raise SchemaError(f"not CBOR plain data ({exc})") from exc
    vector = check_vector(data)
    if strict_encoding and encode(data) != blob:
        raise SchemaError("not in the deterministic CBOR encoding")
    return vector


def load_vector(path: Path) -> dict[str, Any]:
    """Read and check one vector file; raises :class:`VectorFileError` with a one-line reason."""
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise VectorFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        return parse_vector(blob)
    except SchemaError as exc:
        raise VectorFileError(f"{path}: malformed vector: {exc}") from exc


def vector_requirements(vector: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """What a vector needs from an implementation: ``(capability, name)`` pairs [ADP-5]."""
    yield "presets", vector["preset"]
    yield "suites", vector["suite"]
    yield "crypto", vector["crypto"]
    for entry in vector["steps"]:
        step = entry["step"]
        if entry["expect"].get("outcome") == REFUSED:
            continue  # refusing it is right whatever it names [VEC-28]
        if isinstance(step.get("kind"), str):
            yield "steps", step["kind"]
        if step.get("kind") == "call" and isinstance(step.get("call"), str):
            yield "calls", step["call"]
        if step.get("kind") == "primitive" and isinstance(step.get("name"), str):
            yield "primitives", step["name"]  # [ADP-5] [STEP-9]
        if step.get("kind") == "network_blocks":
            yield "calls", "PhalaMq.sync_offchain_message"  # the relayers' [NET-17]
        if step.get("kind") == "network_block" and isinstance(step.get("extrinsics"), list):
            # the relayers' extrinsic, and the block's others [NET-6] [NET-7]
            yield "calls", "PhalaMq.sync_offchain_message"
            for extrinsic in step["extrinsics"]:
                if isinstance(extrinsic, dict) and isinstance(extrinsic.get("call"), str):
                    yield "calls", extrinsic["call"]
        for obs in entry["expect"]["observations"]:
            if obs.get("outcome") != REFUSED:  # a refused query names any view [VEC-28]
                yield "views", obs["view"]


def to_json(value: PlainData) -> Any:
    """Plain data as JSON-ready values: bytes as ``0x`` hex strings, integers exact [VEC-11]."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, dict):
        return {
            (("0x" + k.hex()) if isinstance(k, bytes) else str(k)): to_json(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value
