"""The lossless JSON twin of a vector [VEC-24]."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phala_spec.conformance.store import PACKAGED_DIR, discover
from phala_spec.conformance.twin import TwinError, dumps, from_twin, loads, to_twin
from phala_spec.primitives.codec import decode, encode

plain = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**130), 2**130) | st.text() | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(), inner, max_size=4)
        | st.dictionaries(st.binary() | st.integers(0, 2**70), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(plain)
def test_the_twin_is_lossless(value: object) -> None:
    text = json.dumps(to_twin(value))
    assert encode(from_twin(json.loads(text))) == encode(value)


def test_large_integers_and_bytes_are_tagged() -> None:
    value = {"amount": 2**65, "small": 2**53 - 1, "who": b"\x01\xff", "keyed": {b"\x02": -(2**64)}}
    assert to_twin(value) == {
        "amount": {"$int": str(2**65)},
        "small": 2**53 - 1,
        "who": {"$bytes": "01ff"},
        "keyed": {"$map": [[{"$bytes": "02"}, {"$int": str(-(2**64))}]]},
    }


@pytest.mark.parametrize(
    "bad",
    [
        '{"$int": "12", "x": 1}',
        '{"$bytes": "zz"}',
        '{"$map": [[1]]}',
        '{"$float": "1"}',
        "1.5",
        str(2**60),
        "not json",
    ],
)
def test_a_malformed_twin_is_refused(bad: str) -> None:
    with pytest.raises(TwinError):
        loads(bad)


def test_every_shipped_vector_has_an_exact_twin() -> None:
    files = discover(PACKAGED_DIR)
    assert len(files) > 400
    for _, path in files:
        vector = decode(path.read_bytes())
        text = dumps(vector)
        assert encode(loads(text)) == path.read_bytes(), path


def test_generate_writes_twins_and_verify_checks_them(tmp_path: Path) -> None:
    from phala_spec.cli import main

    out = tmp_path / "vectors"
    assert (
        main(["vectors", "generate", "--out", str(out), "-k", "transfer_keep_alive", "--json"]) == 0
    )
    cbor = sorted(out.rglob("*.cbor"))
    assert cbor and all(p.with_suffix(".json").is_file() for p in cbor)
    assert main(["vectors", "verify", str(out)]) == 0
    twin = cbor[0].with_suffix(".json")
    twin.write_text(twin.read_text().replace('"ok"', '"Balances.Wrong"', 1))
    assert main(["vectors", "verify", str(out)]) == 1
