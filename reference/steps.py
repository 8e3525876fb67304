"""Steps as plain data: the unit of a conformance vector [STEP-1]..[STEP-4].

A step is a map with a ``kind``:

* ``initialize_block`` with ``number``, ``timestamp`` (ms) and ``randomness``
  (32 bytes) [STEP-2];
* ``call`` with ``origin`` (a map with ``kind``: ``signed`` + ``who``,
  ``root``, ``none``, ``pallet`` + ``pallet``, ``collective`` +
  ``collective``/``yes``/``total``), ``call`` (``Pallet.name``) and ``args`` (a
  map) [STEP-3];
* ``finalize_block`` [STEP-4].

:func:`apply_step` is the whole reference as the conformance runner sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .block import apply_call, finalize_block, initialize_block
from .chain import (
    BlockContext,
    ChainState,
    CollectiveOrigin,
    Events,
    Origin,
    PalletOrigin,
    Root,
    Signed,
    Unsigned,
)
from .codec import PlainData, to_data
from .errors import InvalidInput

STEP_KINDS = ("initialize_block", "call", "finalize_block")


@attrs.frozen
class StepResult:
    """The outcome of one step: new state, ``ok`` or an error code, events, and a returned value."""

    state: ChainState
    outcome: str
    events: Events
    returned: PlainData = None

    def report(self) -> dict[str, PlainData]:
        """The plain-data part of the result that vectors record and adapters return."""
        return {
            "outcome": self.outcome,
            "events": [to_data(e) for e in self.events],
            "returned": self.returned,
        }


def decode_origin(data: Any) -> Origin:
    """An origin from plain data [STEP-3]."""
    if not isinstance(data, Mapping) or "kind" not in data:
        raise InvalidInput("an origin is a map with a 'kind'")
    kind = data["kind"]
    fields = {k: v for k, v in data.items() if k != "kind"}
    if kind == "signed" and set(fields) == {"who"}:
        who = fields["who"]
        if isinstance(who, bytes) and len(who) == 32:
            return Signed(who)
    elif kind == "root" and not fields:
        return Root()
    elif kind == "none" and not fields:
        return Unsigned()
    elif kind == "pallet" and set(fields) == {"pallet"} and isinstance(fields["pallet"], str):
        return PalletOrigin(fields["pallet"])
    elif kind == "collective" and set(fields) == {"collective", "yes", "total"}:
        yes, total = fields["yes"], fields["total"]
        if isinstance(fields["collective"], str) and _nat(yes) and _nat(total) and yes <= total:
            return CollectiveOrigin(fields["collective"], yes, total)
    raise InvalidInput(f"malformed origin {data!r}")


def _nat(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def apply_step(state: ChainState, step: Any) -> StepResult:
    """Apply one plain-data step to a state [STEP-1]."""
    if not isinstance(step, Mapping) or step.get("kind") not in STEP_KINDS:
        raise InvalidInput(f"a step is a map whose kind is one of {STEP_KINDS}")
    kind = step["kind"]
    if kind == "initialize_block":
        _require_fields(step, {"kind", "number", "timestamp", "randomness"})
        number, timestamp, randomness = step["number"], step["timestamp"], step["randomness"]
        if not (_nat(number) and _nat(timestamp) and isinstance(randomness, bytes)):
            raise InvalidInput("initialize_block takes integers number, timestamp and bytes randomness")
        state, events = initialize_block(state, BlockContext(number, timestamp, randomness))
        return StepResult(state, "ok", events)
    if kind == "finalize_block":
        _require_fields(step, {"kind"})
        state, events = finalize_block(state)
        return StepResult(state, "ok", events)
    _require_fields(step, {"kind", "origin", "call", "args"})
    result = apply_call(state, decode_origin(step["origin"]), step["call"], step["args"])
    return StepResult(result.state, result.outcome, result.events, to_data(result.returned))


def _require_fields(step: Mapping[str, Any], fields: set[str]) -> None:
    if set(step) != fields:
        raise InvalidInput(f"a {step['kind']} step has exactly the fields {sorted(fields)}")
