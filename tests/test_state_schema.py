"""The CDDL schemas checked with a CDDL validator: the state's plain data against
``spec/state.cddl`` [STATE-1], the shipped vector files against
``conformance/vectors.cddl`` [VEC-2].

The validator is pycddl (0.6, built on cddl-rs 0.9). Where it falls short of
RFC 8610 this module compensates, so that the checks keep their meaning:

* it skips every entry of a map whose key type carries a control such as
  ``.size``: the state schema's ``*-key`` rules are reduced to their base types
  before compiling (:func:`for_pycddl`); key widths are then not checked;
* it leaves maps that are elements of lists open, and of a list of lists it
  checks the first element only: :func:`open_maps` checks that every map inside
  a list has the fields of one of the schema's records, no more, no fewer;
* it accepts a bignum where a type choice offers an integer range
  (``u32 / null``), and reads ``.regexp`` unanchored.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cbor2
import pycddl
import pytest

from phala_spec import PRESETS, genesis
from phala_spec.network import State, genesis_state
from phala_spec.primitives.codec import PlainData, encode, to_data
from phala_spec.steps import apply_step

ROOT = Path(__file__).resolve().parents[1]
STATE_CDDL = ROOT / "spec" / "state.cddl"
VECTORS_CDDL = ROOT / "conformance" / "vectors.cddl"
VECTORS = ROOT / "conformance" / "vectors"
CLAUSE = re.compile(r"\[([A-Z]+-\d+)\]")

# --- The validator and its gaps -------------------------------------------------------


def for_pycddl(text: str) -> str:
    """The schema with each ``*-key`` rule reduced to its base type (see the module's doc)."""
    return re.sub(r"^([a-z0-9-]+-key) = (bytes|uint) \.size \S+", r"\1 = \2", text, flags=re.M)


@functools.cache
def state_schema(text: str | None = None) -> pycddl.Schema:
    return pycddl.Schema(for_pycddl(STATE_CDDL.read_text() if text is None else text))


@functools.cache
def vector_schema() -> pycddl.Schema:
    return pycddl.Schema(VECTORS_CDDL.read_text())


def violation(schema: pycddl.Schema, blob: bytes) -> str | None:
    """The validator's complaint about ``blob``, or ``None`` if it follows the schema."""
    try:
        schema.validate_cbor(blob)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pycddl's Rust panics are not Exceptions
        return f"{type(exc).__name__}: {str(exc)[:2000]}"
    return None


def _uncommented(text: str) -> str:
    lines = []
    for line in text.splitlines():
        quoted = False
        for i, char in enumerate(line):
            if char == '"':
                quoted = not quoted
            elif char == ";" and not quoted:
                line = line[:i]
                break
        lines.append(line)
    return "\n".join(lines)


def _top_level_split(body: str) -> list[str]:
    """``body`` split at the commas that are not nested in brackets or quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(body):
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "{[(<":
            depth += 1
        elif char in "}])>":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return [part.strip() for part in parts if part.strip()]


FIELD = re.compile(r'^(\?\s*)?"?([A-Za-z_][A-Za-z0-9_]*)"?\s*:\s*(.*)$', re.S)


@functools.cache
def records(text: str) -> tuple[tuple[tuple[frozenset[str], frozenset[str]], ...], frozenset[str]]:
    """The schema's record maps as (required fields, all fields), and the fields whose
    values are opaque (typed ``any`` somewhere inside).

    A map written as a group choice, ``{ (a: x, b: y) // (c: z) }``, has one
    record per alternative: each parenthesised group of fields is one.
    """
    text = _uncommented(text)
    shapes: list[tuple[frozenset[str], frozenset[str]]] = []
    opaque: set[str] = set()
    stack: list[int] = []
    quoted = False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "{(":
            stack.append(i)
        elif char in "})":
            entries = _top_level_split(text[stack.pop() + 1 : i])
            fields = [FIELD.match(entry) for entry in entries]
            if not entries or not all(fields):
                continue  # a keyed map
            required = frozenset(m.group(2) for m in fields if m and not m.group(1))
            shapes.append((required, frozenset(m.group(2) for m in fields if m)))
            opaque |= {m.group(2) for m in fields if m and re.search(r"\bany\b", m.group(3))}
    return tuple(shapes), frozenset(opaque)


def keyed_fields(text: str) -> frozenset[str]:
    """Fields whose value is a keyed map (a rule ``name = { * key => value }``), not a record."""
    text = _uncommented(text)
    keyed_rules = set(re.findall(r"^([a-z][a-z0-9-]*)\s*=\s*\{\s*[*+]", text, flags=re.M))
    return frozenset(
        field
        for field, rule in re.findall(r'"?([a-z_][a-z0-9_]*)"?\s*:\s*([a-z][a-z0-9-]*)\s*,', text)
        if rule in keyed_rules
    )


def open_maps(data: PlainData, text: str, path: str = "", in_list: bool = False) -> Iterator[str]:
    """Paths of the maps inside lists whose fields are those of no record of the schema."""
    shapes, opaque = records(text)
    opaque = opaque | keyed_fields(text)
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield from open_maps(item, text, f"{path}[{i}]", True)
    elif isinstance(data, dict):
        if in_list and all(isinstance(key, str) for key in data):
            keys = frozenset(data)
            if not any(required <= keys <= every for required, every in shapes):
                yield f"{path or '/'} with fields {sorted(keys)}"
        for key, item in data.items():
            if key not in opaque:
                yield from open_maps(item, text, f"{path}/{key!r}", in_list)


def schema_errors(data: PlainData, text: str | None = None) -> list[str]:
    """Everything wrong with ``data`` as the plain data of a state under the state schema."""
    source = STATE_CDDL.read_text() if text is None else text
    complaint = violation(state_schema(text), encode(data))
    return ([complaint] if complaint else []) + [
        f"not a record of the schema: {where}" for where in open_maps(data, source)
    ]


# --- States to validate ---------------------------------------------------------------


def vector_paths() -> list[Path]:
    return sorted(VECTORS.rglob("*.cbor"))


def vector_id(path: Path) -> str:
    return path.relative_to(VECTORS).with_suffix("").as_posix()


def replay(path: Path) -> Iterator[State]:
    """The genesis of a shipped vector and the state after each of its steps."""
    vector = cbor2.loads(path.read_bytes())
    if vector["genesis_outcome"] == "invalid":  # refused: no state at all [VEC-28]
        return
    state = genesis_state(vector["genesis"]["preset"], vector["genesis"]["overrides"])
    yield state
    for entry in vector["steps"]:
        if entry["expect"]["outcome"] != "invalid":  # a refusal leaves the state [VEC-28]
            state = apply_step(state, entry["step"]).state
        yield state


FULL = os.environ.get("PHALA_SPEC_STATE_SCHEMA") == "all"
"""Validate every state of every vector (minutes); by default a sample (seconds).

The full run: ``PHALA_SPEC_STATE_SCHEMA=all python -m pytest -n auto tests/test_state_schema.py``.
"""
STATES_PER_VECTOR = 3


def sampled_vectors() -> list[Path]:
    """One vector per suite and handler: the first by id (network vectors included)."""
    first: dict[tuple[str, str], Path] = {}
    for path in vector_paths():
        _preset, suite, handler, _case = vector_id(path).split("/")
        first.setdefault((suite, handler), path)
    return sorted(first.values())


def sampled_states(path: Path) -> Iterator[tuple[int, State]]:
    """The states of a vector to validate: all of them in the full run, else the genesis, the
    last, and evenly spaced ones in between (at most :data:`STATES_PER_VECTOR`)."""
    states = list(replay(path))
    if FULL or len(states) <= STATES_PER_VECTOR:
        yield from enumerate(states)
        return
    stride = len(states) / (STATES_PER_VECTOR - 1)
    chosen = sorted({round(i * stride) for i in range(STATES_PER_VECTOR - 1)} | {len(states) - 1})
    for index in chosen:
        yield index, states[index]


def suites() -> list[str]:
    return sorted({vector_id(path).split("/")[1] for path in vector_paths()})


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_the_genesis_of_every_preset_follows_the_state_schema(preset: str) -> None:
    assert schema_errors(to_data(genesis(preset))) == []


@pytest.mark.parametrize("path", sampled_vectors(), ids=vector_id)
def test_every_state_of_sampled_vectors_follows_the_state_schema(path: Path) -> None:
    for index, state in sampled_states(path):
        errors = schema_errors(to_data(state))
        assert errors == [], (
            f"{vector_id(path)}, {'genesis' if index == 0 else f'step {index - 1}'}"
        )


@pytest.mark.parametrize("suite", suites())
def test_the_last_state_of_every_vector_follows_the_state_schema(suite: str) -> None:
    """Every vector in the full run; by default every fifth of each suite."""
    paths = [p for p in vector_paths() if vector_id(p).split("/")[1] == suite]
    for path in paths if FULL else paths[::5]:
        states = list(replay(path))
        if states:  # a refused genesis has none [VEC-28]
            assert schema_errors(to_data(states[-1])) == [], vector_id(path)


def test_the_chain_states_keys_are_the_schemas_in_order() -> None:
    rule = re.search(r"^chain-state = \{(.*?)^\}", STATE_CDDL.read_text(), re.M | re.S)
    assert rule is not None
    fields = [m.group(2) for m in map(FIELD.match, _top_level_split(_uncommented(rule[1]))) if m]
    assert fields == list(to_data(genesis("minimal")))


# --- The schema says something -------------------------------------------------------------


def without_field(text: str, rule: str, field: str) -> str:
    """The schema text with ``field`` deleted from the record ``rule``."""
    start = text.index(f"\n{rule} = {{")
    end = text.index("\n}", start)
    body = re.sub(rf'\n  "?{field}"?: [^\n]*', "", text[start:end], count=1)
    assert body != text[start:end], f"{rule} has no field {field}"
    return text[:start] + body + text[end:]


def network_state() -> State:
    *_, last = replay(VECTORS / "minimal/network/relay/withheld_relayer_catches_up_real.cbor")
    return last


def state_with_locks() -> State:
    *_, last = replay(VECTORS / "minimal/balances/extend_lock/extend_lock_raises_amount.cbor")
    return last


@pytest.mark.parametrize(
    ("rule", "field", "state"),
    [
        ("system-state", "in_block", lambda: genesis("minimal")),  # a record [SYS-1]
        ("account-data", "frozen", lambda: genesis("phala")),  # a keyed map's value
        ("balance-lock", "reasons", state_with_locks),  # a record in a list
        ("worker-state", "hashed_id", network_state),  # inside a network
        ("channel", "dummy", network_state),  # a record in a list, inside a network
    ],
)
def test_a_field_missing_from_the_schema_fails(rule: str, field: str, state: Any) -> None:
    data = to_data(state())
    assert schema_errors(data) == []
    assert schema_errors(data, without_field(STATE_CDDL.read_text(), rule, field)) != []


def test_a_field_typed_otherwise_in_the_schema_fails() -> None:
    text = STATE_CDDL.read_text().replace("  in_block: bool,", "  in_block: u32,")
    assert schema_errors(to_data(genesis("minimal")), text) != []


def test_journal_entries_of_every_kind_follow_the_schema() -> None:
    """[KEY-10]: each kind of journal entry is a record of the schema, in any position of the
    list (a type choice of maps inside a list is checked against its first map only by the
    validator; the schema writes the entry as a group choice)."""
    data = to_data(network_state())
    runtime = next(iter(data["runtimes"].values()))["runtime"]
    key = bytes(range(32))
    entries = [
        {"kind": "Joined", "block": 3, "pubkey": key, "ecdh_pubkey": key},
        {"kind": "RotationStarted", "block": 4, "rotation_id": 1, "identities": []},
        {"kind": "RotationDone", "block": 5, "rotation_id": 1},
        {"kind": "Blocks", "first": 6, "last": 9},
    ]
    runtime["keys"]["journal"] = entries
    assert schema_errors(data) == []
    for broken in ({"kind": "Joined", "block": 3}, {"kind": "Blocks", "first": 6, "block": 9}):
        runtime["keys"]["journal"] = [*entries, broken]
        assert schema_errors(data) != []


ALICE = next(iter(to_data(genesis("minimal"))["system"]["accounts"]))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["system"]["block"].update(number=2**32),  # u32
        lambda d: d["system"]["block"].update(randomness=b"\x00" * 31),  # 32 bytes
        lambda d: d["system"]["accounts"][ALICE]["data"].update(free=2**128),  # u128
        lambda d: d["system"]["accounts"][ALICE]["data"].update(free=-1),
        lambda d: d["system"].update(in_block=0),  # a bool is not an integer
        lambda d: d["registry"].update(benchmark_duration="8"),
        lambda d: d["computation"].update(heartbeat_paused=None),
        lambda d: d["config"].update(preset="testnet"),
        lambda d: d["config"]["democracy"].update(launch_period=0),
        lambda d: d["balances"]["locks"].update({ALICE: []}),  # no empty lock lists
        lambda d: d["mq"]["ingress"].update({b"\x02" + ALICE: 0}),  # no zero sequence
        lambda d: d["mq"]["queued"].append({"sender": {"kind": "Pallet", "id": b""}}),
        lambda d: d["treasury"].update(extra=0),
        lambda d: d.pop("scheduler"),
    ],
)
def test_state_data_that_breaks_the_schema_fails(mutate: Any) -> None:
    data = to_data(genesis("minimal"))
    mutate(data)
    assert schema_errors(data) != []


# --- The vector schema ------------------------------------------------------------------


@pytest.mark.parametrize("suite", suites())
def test_every_shipped_vector_follows_the_vector_schema(suite: str) -> None:
    text = VECTORS_CDDL.read_text()
    for path in vector_paths():
        if vector_id(path).split("/")[1] == suite:
            blob = path.read_bytes()
            assert violation(vector_schema(), blob) is None, vector_id(path)
            assert list(open_maps(cbor2.loads(blob), text)) == [], vector_id(path)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda v: v.update(crypto="fake"),
        lambda v: v["steps"][0]["expect"].update(digest=b"\x00" * 31),
        lambda v: v["steps"][0]["step"].update(kind="skip_block"),
        lambda v: v["steps"][0].update(note="extra"),  # a map in a list
        lambda v: v["genesis"]["overrides"].update(unknown={}),
        lambda v: v["genesis"]["overrides"].update(config={"democracy": {"launch_period": "x"}}),
        lambda v: v.pop("provenance"),
    ],
)
def test_a_vector_that_breaks_the_vector_schema_fails(mutate: Any) -> None:
    vector = cbor2.loads(vector_paths()[0].read_bytes())
    assert violation(vector_schema(), encode(vector)) is None
    mutate(vector)
    text = VECTORS_CDDL.read_text()
    assert violation(vector_schema(), encode(vector)) or list(open_maps(vector, text))


def test_the_vector_schema_in_the_spec_is_the_shipped_file() -> None:
    spec = (ROOT / "spec" / "vectors.md").read_text()
    printed = re.search(r"```cddl\n(.*?)```", spec, re.S)
    assert printed is not None and printed[1] == VECTORS_CDDL.read_text()


# --- Both schemas ---------------------------------------------------------------------------

PRELUDE = {
    *("any", "uint", "nint", "int", "bstr", "bytes", "tstr", "text", "tdate", "time"),
    *("number", "biguint", "bignint", "bigint", "integer", "unsigned", "decfrac"),
    *("bigfloat", "eb64url", "eb64legacy", "eb16", "encoded-cbor", "uri", "b64url"),
    *("b64legacy", "regexp", "mime-message", "cbor-any", "float16", "float32", "float64"),
    *("float16-32", "float32-64", "float", "false", "true", "bool", "nil", "null"),
    "undefined",
}


@pytest.mark.parametrize("path", [STATE_CDDL, VECTORS_CDDL], ids=lambda p: p.name)
def test_no_bare_member_key_is_a_type_name(path: Path) -> None:
    """A validator may read such a key as the type of that name (the schemas' headers)."""
    text = _uncommented(path.read_text())
    rules = set(re.findall(r"^([A-Za-z][A-Za-z0-9_-]*)(?:<[^>]*>)? =", text, re.M))
    params = {
        p.strip()
        for group in re.findall(r"^[\w-]+<([^>]*)> =", text, re.M)
        for p in group.split(",")
    }
    unquoted = re.sub(r'"[^"\n]*"', '""', text)
    keys = set(re.findall(r"(?<![\w\-\"])([A-Za-z_][A-Za-z0-9_-]*)\s*:", unquoted))
    assert keys & (rules | params | PRELUDE) == set()


@pytest.mark.parametrize("path", [STATE_CDDL, VECTORS_CDDL], ids=lambda p: p.name)
def test_every_clause_a_schema_cites_is_specified(path: Path) -> None:
    defined = set()
    for chapter in (ROOT / "spec").glob("*.md"):
        text = chapter.read_text()
        defined |= set(re.findall(r"\*\*\[([A-Z]+-\d+)\]", text))
        defined |= set(re.findall(r"^#+ \[([A-Z]+-\d+)\]", text, re.M))
    assert set(CLAUSE.findall(path.read_text())) - defined == set()
