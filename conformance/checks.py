"""Fill-time checks shared by the suites [VEC-14]: a condition the rules give, and a call whose
outcome the case states and whose rejection must leave the chain as it was."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from phala_spec.conformance.authoring import AuthoringError, CaseBuilder


def check(condition: bool, what: str) -> None:
    """Fail generation unless ``condition`` holds; ``what`` says what the rules give."""
    if not condition:
        raise AuthoringError(f"the rules give {what}")


def event_names(b: CaseBuilder) -> list[str]:
    """The names of the last step's events, in order."""
    return [e.name for e in b.last_events]


def do(
    b: CaseBuilder,
    name: str,
    args: Mapping[str, Any],
    origin: Mapping[str, Any],
    outcome: str = "ok",
    *,
    events: Sequence[str] | None = None,
    observe: Iterable[Sequence[Any]] = (),
) -> None:
    """Apply a call and check its outcome; a rejected call must change nothing. ``events``: the
    names of the call's events, in order."""
    before = b.chain
    b.call(name, args, origin=origin, observe=observe)
    b.expect_outcome(outcome)
    if outcome != "ok":
        check(b.chain == before, f"that {name} rejected with {outcome} changes nothing")
    if events is not None:
        got = event_names(b)
        check(got == list(events), f"{name}: events {list(events)}, not {got}")
