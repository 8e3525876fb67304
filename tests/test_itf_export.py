"""Vectors exported as ITF traces and as JSON [VEC-24] [VEC-27]."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phala_spec.cli import main
from phala_spec.conformance.itf import ItfError, check_itf, from_itf, to_itf, vector_to_itf
from phala_spec.conformance.schema import load_vector, to_json
from phala_spec.conformance.store import PACKAGED_DIR, discover
from phala_spec.conformance.twin import loads

FILES = discover(PACKAGED_DIR)


def hexed(value: object) -> object:
    """Plain data as an ITF reader gets it back: byte strings as 0x text, map keys as read."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return [hexed(v) for v in value]
    if isinstance(value, dict):
        return {hexed(k): hexed(v) for k, v in value.items()}
    return value


def test_every_vector_exports_to_a_well_formed_trace_that_reads_back() -> None:
    for vector_id, path in FILES:
        vector = load_vector(path)
        trace = json.loads(json.dumps(vector_to_itf(vector)))
        check_itf(trace)
        assert trace["#meta"]["source"] == vector_id
        assert len(trace["states"]) == len(vector["steps"]) + 1
        assert [s["#meta"]["index"] for s in trace["states"]] == list(range(len(trace["states"])))
        assert from_itf(trace["states"][0]["digests"]) == hexed(vector["genesis_digests"])
        for state, entry in zip(trace["states"][1:], vector["steps"], strict=True):
            assert from_itf(state["step"]) == hexed(entry["step"])
            for var in ("outcome", "events", "returned", "observations", "digests"):
                assert from_itf(state[var]) == hexed(entry["expect"][var]), (vector_id, var)


def test_itf_encodings() -> None:
    assert to_itf(2**128 - 1) == {"#bigint": str(2**128 - 1)}
    assert to_itf(-3) == {"#bigint": "-3"}
    assert to_itf(b"\x01\xff") == "0x01ff"
    assert to_itf({1: "a"}) == {"#map": [[{"#bigint": "1"}, "a"]]}
    assert to_itf({b"\x00": 1}) == {"#map": [["0x00", {"#bigint": "1"}]]}
    assert to_itf({"a": None}) == {"a": {"tag": "None", "value": {"#tup": []}}}
    assert to_itf([True, "x"]) == [True, "x"]


@pytest.mark.parametrize(
    "broken",
    [
        [],
        {"vars": ["x"], "states": [{}]},  # a state without its variable
        {"vars": ["x"], "states": [{"x": 1, "y": 2}]},  # an extra variable
        {"vars": ["x"], "states": [{"x": 2**60}]},  # a big integer as a JSON number
        {"vars": ["x"], "states": [{"x": {"#bigint": "1.5"}}]},
        {"vars": ["x"], "states": [{"x": {"#map": [[1]]}}]},
        {"vars": ["x"], "states": [{"x": {"#bytes": "00"}}]},  # no such tag
        {"vars": ["x"], "states": [{"x": {"#tup": [], "y": 1}}]},
        {"vars": ["x"], "states": [{"x": 1.5}]},
        {"vars": ["x"], "states": [], "extra": 1},
    ],
)
def test_check_itf_rejects_malformed_traces(broken: object) -> None:
    with pytest.raises(ItfError):
        check_itf(broken)


def test_export_command_writes_itf_and_json(tmp_path: Path) -> None:
    vector_id, path = FILES[0]
    assert (
        main(["vectors", "export", "--format", "itf", "--out", str(tmp_path), "-k", vector_id]) == 0
    )
    trace = json.loads((tmp_path / f"{vector_id}.itf.json").read_text())
    check_itf(trace)
    assert (
        main(["vectors", "export", "--format", "json", "--out", str(tmp_path), "-k", vector_id])
        == 0
    )
    twin = loads((tmp_path / f"{vector_id}.json").read_text())
    assert to_json(twin) == to_json(load_vector(path))
