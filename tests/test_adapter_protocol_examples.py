"""The frames printed in spec/adapter-protocol.md are the protocol's own bytes [ADP-2] [ADP-14]."""

from __future__ import annotations

import re
from pathlib import Path

from phala_spec.conformance.protocol import frame, read_frame

SPEC = Path(__file__).resolve().parents[1] / "spec" / "adapter-protocol.md"
ROW = re.compile(r"^\| `(\{.*\})` \| `([0-9a-f]{8})` `([0-9a-f]+)` \|$", re.M)

MESSAGES = {
    '{request: "hello", protocol: 2}': {"request": "hello", "protocol": 2},
    '{request: "load", genesis: {preset: "minimal", overrides: {}}}': {
        "request": "load",
        "genesis": {"preset": "minimal", "overrides": {}},
    },
    '{request: "step", step: {kind: "initialize_block", number: 1, timestamp: 12000, randomness: 32 zero bytes}}': {
        "request": "step",
        "step": {
            "kind": "initialize_block",
            "number": 1,
            "timestamp": 12000,
            "randomness": bytes(32),
        },
    },
    '{request: "query", view: "total_issuance", args: []}': {
        "request": "query",
        "view": "total_issuance",
        "args": [],
    },
    '{request: "state", subsystem: "balances"}': {"request": "state", "subsystem": "balances"},
    '{status: "ok"}': {"status": "ok"},
    '{status: "error", message: "no state loaded"}': {
        "status": "error",
        "message": "no state loaded",
    },
}


def test_every_printed_frame_is_the_encoding_of_its_message() -> None:
    rows = ROW.findall(SPEC.read_text())
    assert {text for text, _, _ in rows} == set(MESSAGES)
    for text, head, body in rows:
        assert bytes.fromhex(head + body) == frame(MESSAGES[text]), text


def test_a_reply_in_another_encoding_is_read_by_its_value() -> None:
    """[ADP-14]: keys out of order and a longer head than needed still read as the same map."""
    import io

    # {"status": "ok", "v": 1}, with "status" first and 1 written as 0x1801 (not 0x01)
    body = bytes.fromhex("a2" + "66737461747573" + "626f6b" + "6176" + "1801")
    stream = io.BytesIO(len(body).to_bytes(4, "big") + body)
    assert read_frame(stream) == {"v": 1, "status": "ok"}
