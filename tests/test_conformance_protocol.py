"""Adapter protocol framing and the reference adapter [ADP-2]..[ADP-9]."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from phala_spec.conformance.adapter import ReferenceAdapter, serve
from phala_spec.conformance.authoring import signed
from phala_spec.conformance.client import (
    REFERENCE_COMMAND,
    AdapterFailure,
    AdapterProcess,
    parse_hello,
)
from phala_spec.conformance.protocol import (
    MAX_FRAME,
    PROTOCOL_VERSION,
    ProtocolError,
    frame,
    read_frame,
    write_frame,
)
from phala_spec.network import commitments
from phala_spec.primitives.codec import encode
from phala_spec.runtime.genesis import dev_account, genesis

BLOCK = {"kind": "initialize_block", "number": 1, "timestamp": 6000, "randomness": bytes(32)}


def test_frame_round_trip_and_eof() -> None:
    stream = io.BytesIO()
    write_frame(stream, {"request": "hello", "n": 2**100, "b": b"\x00"})
    write_frame(stream, {"x": []})
    stream.seek(0)
    assert read_frame(stream) == {"request": "hello", "n": 2**100, "b": b"\x00"}
    assert read_frame(stream) == {"x": []}
    assert read_frame(stream) is None


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"\x00\x00", "header"),
        (b"\x00\x00\x00\x05\xa0", "inside a frame"),
        ((MAX_FRAME + 1).to_bytes(4, "big"), "exceeds"),
        (b"\x00\x00\x00\x01\xff", "CBOR"),
        (frame({"a": 1})[:4] + b"\x00" * (len(frame({"a": 1})) - 4), "CBOR"),
        (len(encode([1])).to_bytes(4, "big") + encode([1]), "map"),
    ],
)
def test_bad_frames(blob: bytes, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        read_frame(io.BytesIO(blob))


def test_reference_adapter_requests() -> None:
    adapter = ReferenceAdapter()
    hello = adapter.handle({"request": "hello", "protocol": PROTOCOL_VERSION})
    assert parse_hello(hello).name == "phala-spec reference"
    assert "Balances.transfer" in hello["capabilities"]["calls"]
    assert adapter.handle({"request": "hello", "protocol": 1})["status"] == "unsupported"
    assert adapter.handle({"request": "step", "step": BLOCK})["status"] == "error"  # nothing loaded
    loaded = adapter.handle({"request": "load", "genesis": {"preset": "minimal", "overrides": {}}})
    assert loaded == {"status": "ok", "digests": commitments(genesis("minimal"))}
    reply = adapter.handle({"request": "step", "step": BLOCK})
    assert reply["status"] == "ok" and reply["outcome"] == "ok" and reply["events"] == []
    bob = dev_account("bob")
    call = {
        "kind": "call",
        "origin": signed("alice"),
        "call": "Balances.transfer",
        "args": {"dest": bob, "value": 7},
    }
    reply = adapter.handle({"request": "step", "step": call})
    assert reply["outcome"] == "ok" and reply["events"]
    assert (
        adapter.handle({"request": "query", "view": "balance", "args": [bob]})["value"]["free"]
        == 1007
    )
    assert adapter.handle({"request": "reset"}) == {"status": "ok"}
    assert (
        adapter.handle({"request": "query", "view": "total_issuance", "args": []})["status"]
        == "error"
    )


def test_invalid_input_is_an_error_and_changes_nothing() -> None:
    """[ADP-7]: a step that is not a step gets an error reply; the state is unchanged."""
    adapter = ReferenceAdapter()
    adapter.handle({"request": "load", "genesis": {"preset": "minimal", "overrides": {}}})
    adapter.handle({"request": "step", "step": BLOCK})
    before = adapter.state
    for bad in (
        {"kind": "fly"},
        {"kind": "call", "origin": {"kind": "root"}, "call": "Nope.x", "args": {}},
        BLOCK,
    ):
        reply = adapter.handle({"request": "step", "step": bad})
        assert reply["status"] == "error" and reply["message"]
        assert adapter.state is before
    assert (
        adapter.handle({"request": "load", "genesis": {"preset": "mainnet", "overrides": {}}})[
            "status"
        ]
        == "error"
    )
    assert adapter.state is before
    assert adapter.handle({"request": "fly"})["status"] == "error"
    assert adapter.handle({"no": "request"})["status"] == "error"
    assert adapter.handle({"request": "query", "view": "nope", "args": []})["status"] == "error"


def test_serve_until_bye() -> None:
    inp = io.BytesIO(
        frame({"request": "hello", "protocol": PROTOCOL_VERSION})
        + frame({"request": "bye"})
        + frame({"request": "reset"})
    )
    out = io.BytesIO()
    assert serve(inp, out, log=io.StringIO()) == 0
    out.seek(0)
    assert read_frame(out)["status"] == "ok"
    assert read_frame(out) == {"status": "ok"}
    assert read_frame(out) is None  # nothing after bye


def test_serve_stops_on_garbage() -> None:
    log = io.StringIO()
    assert serve(io.BytesIO(b"garbage!"), io.BytesIO(), log=log) == 1
    assert "exceeds" in log.getvalue()


def test_adapter_subcommand_speaks_the_protocol() -> None:
    """``phala-spec adapter`` answers on stdout with frames only."""
    requests = frame({"request": "hello", "protocol": PROTOCOL_VERSION}) + frame({"request": "bye"})
    done = subprocess.run(
        [sys.executable, "-m", "phala_spec", "adapter"],
        input=requests,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = io.BytesIO(done.stdout)
    assert read_frame(out)["implementation"]["name"] == "phala-spec reference"
    assert read_frame(out) == {"status": "ok"}
    assert read_frame(out) is None


def test_adapter_process_lifecycle() -> None:
    adapter = AdapterProcess(REFERENCE_COMMAND, timeout=30)
    try:
        hello = adapter.ensure_started()
        assert adapter.ensure_started() is hello and adapter.starts == 1
        assert adapter.request({"request": "reset"}) == {"status": "ok"}
    finally:
        adapter.stop()
    assert not adapter.running
    with pytest.raises(AdapterFailure, match="cannot start"):
        AdapterProcess(["/nonexistent/adapter"]).ensure_started()
