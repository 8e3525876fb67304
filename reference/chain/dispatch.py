"""Held calls: a call carried inside another call, and the port that dispatches it [CHAIN-12].

Council motions, referenda and scheduled tasks hold a call and dispatch it
later with an origin of their own. The pallets that do so (collective,
scheduler, democracy) come before the call table in the runtime, so they
reach it through the :data:`dispatch` port, which the runtime composition
wires to the call table's transactional dispatch, and decode one through the
:data:`decode_call` port, wired to the call table's check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import attrs

from ..primitives.codec import blake2b_256
from ..primitives.types import Kind
from .ports import Port
from .state import ChainState, Events, Origin


@attrs.frozen
class CallData:
    """A call carried as an argument of another call [CHAIN-12].

    Collective motions, referenda and scheduled tasks hold calls. ``args`` is
    the plain-data argument map, already checked against the call table, so a
    held call can always be dispatched later.
    """

    name: str
    args: Mapping[str, Any] = attrs.field(eq=False)
    encoded: bytes = attrs.field(repr=False)

    @property
    def hash(self) -> bytes:
        """The call's hash: BLAKE2b-256 of its canonical encoding [CHAIN-12]."""
        return blake2b_256(self.encoded)

    def __data__(self) -> dict[str, Any]:
        return {"call": self.name, "args": dict(self.args)}


decode_call: Port[[Any], CallData] = Port("RuntimeCall.decode")
"""A held call from plain data ``{call: "Pallet.name", args: {...}}``, checked against the
call table; anything else is invalid input [CHAIN-12]."""

HELD_CALL: Kind[CallData] = Kind(
    "call", "a held call {call: Pallet.name, args} of the call table", decode_call
)
HeldCall = Annotated[CallData, HELD_CALL]
"""The argument kind of a call that holds another call [CHAIN-7] [CHAIN-12]."""

dispatch: Port[[ChainState, Origin, CallData], tuple[ChainState, str, Events]] = Port(
    "RuntimeCall.dispatch"
)
"""Dispatch a held call with an origin, transactionally: ``(state, outcome, events)`` [CHAIN-12]."""
