"""The reference served over the adapter protocol [ADP-1]..[ADP-13].

:func:`serve` reads request frames from a binary stream and answers each with
one reply frame. It never raises on bad input: malformed requests and the
reference's :class:`~phala_spec.primitives.errors.InvalidInput` become ``error`` replies
and leave the loaded state unchanged [ADP-7].
"""

from __future__ import annotations

import sys
from typing import Any, BinaryIO

from phala_spec import SPEC_VERSION
from phala_spec.network import State, commitments, genesis_state, observe, subsystems, view_names
from phala_spec.primitives.catalogue import PRIMITIVES
from phala_spec.primitives.errors import InvalidInput
from phala_spec.runtime.calls import CALLS
from phala_spec.runtime.genesis import PRESETS
from phala_spec.steps import STEP_KINDS, apply_step

from .protocol import PROTOCOL_VERSION, ProtocolError, read_frame, write_frame

IMPLEMENTATION = "phala-spec reference"
# The reference checks real signatures under its profile and accepts oracle booleans [VEC-7].
CRYPTO = ("none", "real", "oracle")


def ok(**fields: Any) -> dict[str, Any]:
    return {"status": "ok", **fields}


def error(message: str) -> dict[str, Any]:
    return {"status": "error", "message": message}


def unsupported(reason: str) -> dict[str, Any]:
    return {"status": "unsupported", "reason": reason}


class ReferenceAdapter:
    """The reference behind the protocol: one loaded state at a time."""

    def __init__(self) -> None:
        self.state: State | None = None
        self._digests: dict[str, bytes] = {}  # the commitment of ``state``

    def _commit(self, state: State) -> dict[str, bytes]:
        """The commitment of ``state`` [CODEC-3]; a step that left the state as it was (a
        ``verify_dcap`` or ``primitive`` step, [STEP-6]) reuses the last one."""
        if state is not self.state or not self._digests:
            self._digests = commitments(state)
        self.state = state
        return self._digests

    def handle(self, request: Any) -> dict[str, Any]:
        """Answer one request [ADP-3]."""
        if not isinstance(request, dict) or not isinstance(request.get("request"), str):
            return error("a request is a map with a text 'request' field")
        kind = request["request"]
        handler = getattr(self, f"on_{kind}", None)
        if handler is None:
            return error(f"unknown request {kind!r}")
        try:
            reply: dict[str, Any] = handler(request)
        except InvalidInput as exc:
            return error(f"invalid input: {exc}")
        return reply

    def on_hello(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("protocol") != PROTOCOL_VERSION:
            return unsupported(f"this adapter speaks protocol {PROTOCOL_VERSION} only")
        return ok(
            protocol=PROTOCOL_VERSION,
            implementation={"name": IMPLEMENTATION, "version": SPEC_VERSION},
            capabilities={
                "suites": ["*"],
                "presets": sorted(PRESETS),
                "crypto": list(CRYPTO),
                "calls": sorted(CALLS),
                "views": view_names(),
                "steps": list(STEP_KINDS),
                "primitives": sorted(PRIMITIVES),
                "subsystems": ["*"],
            },
        )

    def on_load(self, request: dict[str, Any]) -> dict[str, Any]:
        spec = request.get("genesis")
        if not isinstance(spec, dict) or set(spec) != {"preset", "overrides"}:
            return error("load takes genesis: {preset, overrides}")
        state = genesis_state(spec["preset"], spec["overrides"])
        self.state, self._digests = None, {}
        return ok(digests=self._commit(state))

    def on_step(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.state is None:
            return error("no state loaded")
        result = apply_step(self.state, request.get("step"))
        return ok(**result.report(), digests=self._commit(result.state))

    def on_query(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.state is None:
            return error("no state loaded")
        return ok(value=observe(self.state, request.get("view"), request.get("args", [])))

    def on_state(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.state is None:
            return error("no state loaded")
        parts = subsystems(self.state)
        name = request.get("subsystem")
        if not isinstance(name, str) or name not in parts:
            return error(f"no subsystem {name!r}; the state has {', '.join(sorted(parts))}")
        return ok(value=parts[name])

    def on_reset(self, request: dict[str, Any]) -> dict[str, Any]:
        self.state, self._digests = None, {}
        return ok()

    def on_bye(self, request: dict[str, Any]) -> dict[str, Any]:
        return ok()


def serve(inp: BinaryIO, out: BinaryIO, log: Any = sys.stderr) -> int:
    """Serve requests until ``bye`` or the end of input [ADP-9]; returns an exit status."""
    adapter = ReferenceAdapter()
    while True:
        try:
            request = read_frame(inp)
        except ProtocolError as exc:
            print(f"phala-spec adapter: {exc}", file=log)
            return 1
        if request is None:
            return 0
        try:
            reply = adapter.handle(request)
        except Exception as exc:  # a bug in the reference must not kill the session
            reply = error(f"internal error: {type(exc).__name__}: {exc}")
            print(f"phala-spec adapter: {reply['message']}", file=log)
        write_frame(out, reply)
        if request.get("request") == "bye":
            return 0
