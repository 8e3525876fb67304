"""Helpers for the test adapters: the reference's request handler behind a hookable loop."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from phala_spec.conformance.adapter import ReferenceAdapter
from phala_spec.conformance.protocol import read_frame, write_frame

MAGIC = 13

Hook = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any] | None]


def is_magic(request: dict[str, Any]) -> bool:
    """Whether a request is the step transferring the magic amount."""
    step = request.get("step")
    return (
        request.get("request") == "step"
        and isinstance(step, dict)
        and isinstance(step.get("args"), dict)
        and step["args"].get("value") == MAGIC
    )


def serve(
    before: Callable[[dict[str, Any]], None] | None = None,
    after: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = None,
) -> None:
    """Serve the reference; ``before`` may act on a request, ``after`` may rewrite a reply."""
    adapter = ReferenceAdapter()
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        request = read_frame(inp)
        if request is None:
            return
        if before is not None:
            before(request)
        reply = adapter.handle(request)
        if after is not None:
            reply = after(request, reply)
        write_frame(out, reply)
        if request.get("request") == "bye":
            return
