"""Running vectors against an implementation through its adapter [VEC-16]..[VEC-19].

:func:`run_vector` is the consumption algorithm of ``spec/vectors.md``:
load the genesis and compare its state commitment, then for each step send it
and compare the outcome, the events, the returned value, each observation and
the commitment. The first mismatch is the diverging step. The status of a
vector is ``pass``, ``fail`` (the implementation disagrees), ``unsupported``
(the adapter declined it) or ``error`` (the vector or the adapter is broken).

Which subsystems' digests are compared is the run's digest mode [VEC-22]:
``full`` (all of them), ``subsystems`` (those the adapter declares; a vector
that changes another is unsupported) or ``off`` (behaviour only). When a
digest differs, the runner asks the adapter for that subsystem's state and
names the first paths where it differs from the reference's [VEC-23].
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from phala_spec.network import genesis_state, subsystems
from phala_spec.primitives.codec import PlainData, encode
from phala_spec.primitives.errors import InvalidInput
from phala_spec.steps import apply_step

from .client import AdapterFailure, AdapterProcess, Hello
from .schema import REFUSED, VectorFileError, load_vector, to_json, vector_requirements
from .store import file_hash

STATUSES = ("pass", "fail", "unsupported", "error")
MAX_START_FAILURES = 3
DIGEST_MODES = ("full", "subsystems", "off")
"""What a run compares of the state commitments [VEC-22]; ``subsystems`` is the default."""
SHOWN_DIFFERENCES = 5


@attrs.define
class VectorResult:
    """The result of one vector; ``step`` is the 0-based diverging step (``None``: genesis or none)."""

    id: str
    status: str
    path: str = ""
    step: int | None = None
    step_label: str = ""
    where: str = ""
    expected: PlainData = None
    actual: PlainData = None
    message: str = ""
    seconds: float = 0.0
    opened: bool = False
    start_failed: bool = False

    @property
    def preset(self) -> str:
        return self.id.split("/")[0] if self.id.count("/") == 3 else "?"

    @property
    def suite(self) -> str:
        return self.id.split("/")[1] if self.id.count("/") == 3 else "?"

    def headline(self) -> str:
        """One line: where it diverged and why."""
        at = f"step {self.step} ({self.step_label})" if self.step is not None else ""
        parts = [p for p in (at, self.where, self.message) if p]
        return ": ".join(parts)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "path": self.path,
            "opened": self.opened,
            "seconds": round(self.seconds, 6),
        }
        if self.status != "pass":
            data.update(
                step=self.step, step_label=self.step_label, where=self.where, message=self.message
            )
        if self.status == "fail":
            data.update(expected=to_json(self.expected), actual=to_json(self.actual))
        return data


def same(a: PlainData, b: PlainData) -> bool:
    """Exact equality of plain data: equal canonical encodings (so ``1 != True``) [VEC-17]."""
    try:
        return encode(a) == encode(b)
    except ValueError:
        return False


def first_difference(
    expected: PlainData, actual: PlainData, path: str = ""
) -> tuple[str, Any, Any] | None:
    """The first place where two plain values differ, as ``(path, expected, actual)``."""
    found = differences(expected, actual, path, limit=1)
    return found[0] if found else None


def differences(
    expected: PlainData, actual: PlainData, path: str = "", limit: int = SHOWN_DIFFERENCES
) -> list[tuple[str, Any, Any]]:
    """The first ``limit`` places where two plain values differ, as ``(path, expected, actual)``.

    Lists are compared item by item, then by length (``path (length)``); maps key
    by key, a missing key showing as ``(absent)``; anything else as a whole.
    """
    found: list[tuple[str, Any, Any]] = []

    def walk(e: PlainData, a: PlainData, at: str) -> None:
        if len(found) >= limit or same(e, a):
            return
        if isinstance(e, list) and isinstance(a, list):
            for i, (x, y) in enumerate(zip(e, a, strict=False)):
                walk(x, y, f"{at}[{i}]")
            if len(e) != len(a):
                found.append((f"{at} (length)", len(e), len(a)))
            return
        if isinstance(e, dict) and isinstance(a, dict):
            for key in sorted(set(e) | set(a), key=repr):
                label = f"{at}.{key}" if isinstance(key, str) else f"{at}[{short(key)}]"
                if key not in a:
                    found.append((label, e[key], "(absent)"))
                elif key not in e:
                    found.append((label, "(absent)", a[key]))
                else:
                    walk(e[key], a[key], label)
            return
        found.append((at, e, a))

    walk(expected, actual, path)
    return found[:limit]


def short(value: PlainData, limit: int = 160) -> str:
    """A compact one-line rendering for terminal output: JSON with shortened byte strings."""

    def shorten(v: Any) -> Any:
        if isinstance(v, str) and v.startswith("0x") and len(v) > 20:
            return f"{v[:10]}…{v[-6:]}"
        if isinstance(v, list):
            return [shorten(x) for x in v]
        if isinstance(v, dict):
            return {shorten(k): shorten(x) for k, x in v.items()}
        return v

    text = json.dumps(shorten(to_json(value)), separators=(",", ":"), ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def step_label(step: Any) -> str:
    """A short name for a step: ``call Balances.transfer``, ``initialize_block 3``."""
    if not isinstance(step, dict):
        return "?"
    kind = step.get("kind", "?")
    if kind == "call":
        return f"call {step.get('call')}"
    if kind in ("initialize_block", "network_block"):
        return f"{kind} {step.get('number')}"
    if kind == "network_blocks":
        return f"{kind} ×{step.get('count')}"
    if kind == "verify_dcap":
        return f"{kind} at {step.get('now')}"
    if kind == "primitive":
        return f"{kind} {step.get('name')}"
    return str(kind)


class _Stop(Exception):
    def __init__(self, result: VectorResult) -> None:
        self.result = result


def _reply(
    adapter: AdapterProcess, message: dict[str, Any], result: VectorResult, fields: Sequence[str]
) -> dict[str, Any]:
    """Send a request; ``unsupported``/``error`` replies and missing fields end the vector."""
    reply = adapter.request(message)
    if reply["status"] == "unsupported":
        result.status, result.message = "unsupported", f"adapter: {reply.get('reason', '')}"
        raise _Stop(result)
    if reply["status"] == "error":
        result.status, result.message = "error", f"adapter error: {reply.get('message', '')}"
        raise _Stop(result)
    missing = [f for f in fields if f not in reply]
    if missing:
        result.status = "error"
        result.message = f"{message['request']} reply lacks {', '.join(missing)}"
        raise _Stop(result)
    return reply


def _refused(
    adapter: AdapterProcess, message: dict[str, Any], result: VectorResult, where: str
) -> None:
    """Send input the vector expects to be refused [VEC-28]: an ``error`` reply passes.

    ``unsupported`` ends the vector as unsupported; an ``ok`` reply (the input
    was applied, or the query answered) is a ``fail`` at ``where``.
    """
    reply = adapter.request(message)
    if reply["status"] == "error":
        return
    if reply["status"] == "unsupported":
        result.status, result.message = "unsupported", f"adapter: {reply.get('reason', '')}"
        raise _Stop(result)
    result.status, result.where = "fail", where
    result.expected = REFUSED
    if message["request"] == "query":
        result.actual = reply.get("value")
        result.message = (
            f"expected the query to be refused (invalid), it was answered: {short(result.actual)}"
        )
    else:
        result.actual = reply.get("outcome", "ok")
        result.message = (
            f"expected the input to be refused (invalid), it was applied: {short(result.actual)}"
        )
    raise _Stop(result)


def observation_label(obs: dict[str, Any]) -> str:
    """How a report names an observation: ``observation view(arg, ...)``.

    A refused observation's view and arguments may be any plain data [VEC-28].
    """
    view, args = obs["view"], obs["args"]
    name = view if isinstance(view, str) else short(view, 40)
    shown = ", ".join(short(a, 40) for a in args) if isinstance(args, list) else short(args, 40)
    return f"observation {name}({shown})"


def _check(result: VectorResult, where: str, expected: PlainData, actual: PlainData) -> None:
    found = first_difference(expected, actual)
    if found is not None:
        path, exp, act = found
        result.status, result.where = "fail", where + path
        result.expected, result.actual = exp, act
        result.message = f"expected {short(exp)}, got {short(act)}"
        raise _Stop(result)


def reference_subsystem(vector: dict[str, Any], steps_done: int, subsystem: str) -> PlainData:
    """The reference's plain data of ``subsystem`` after the vector's first ``steps_done`` steps."""
    try:
        state = genesis_state(vector["genesis"]["preset"], vector["genesis"]["overrides"])
        for entry in vector["steps"][:steps_done]:
            if entry["expect"]["outcome"] != REFUSED:  # a refusal leaves the state [VEC-28]
                state = apply_step(state, entry["step"]).state
    except InvalidInput as exc:
        return f"(the reference cannot replay the vector: {exc})"
    return subsystems(state).get(subsystem)


def _compared(vector: dict[str, Any], hello: Hello, mode: str) -> list[str]:
    """The subsystems whose digests this run compares for ``vector`` [VEC-22]."""
    names = sorted(vector["genesis_digests"])
    if mode == "off":
        return []
    if mode == "full":
        return names
    return [name for name in names if not hello.lacks("subsystems", name)]


def _check_digests(
    adapter: AdapterProcess,
    vector: dict[str, Any],
    steps_done: int,
    compared: Sequence[str],
    expected: dict[str, bytes],
    reply: dict[str, Any],
    result: VectorResult,
) -> None:
    """Compare the commitment's compared subsystems; on a difference, show where [VEC-23]."""
    actual = reply["digests"]
    if not isinstance(actual, dict):
        result.status, result.message = "error", "digests must be a map from subsystem to digest"
        raise _Stop(result)
    for name in compared:
        if name not in actual:
            result.status = "error"
            result.message = f"the reply lacks the digest of subsystem {name!r}"
            raise _Stop(result)
        if same(expected[name], actual[name]):
            continue
        result.status, result.where = "fail", f"digest of {name}"
        result.expected, result.actual = expected[name], actual[name]
        result.message = _explain(adapter, vector, steps_done, name, result)
        raise _Stop(result)


def _explain(
    adapter: AdapterProcess,
    vector: dict[str, Any],
    steps_done: int,
    name: str,
    result: VectorResult,
) -> str:
    """The first differing paths of a subsystem's state, fetched from the adapter [VEC-23]."""
    try:
        reply = adapter.request({"request": "state", "subsystem": name})
    except AdapterFailure as failure:
        return f"the digests differ; the adapter failed to show its state: {failure.reason}"
    if reply["status"] != "ok" or "value" not in reply:
        detail = reply.get("reason") or reply.get("message") or "no value"
        return f"the digests differ; the adapter did not show its state ({detail})"
    expected = reference_subsystem(vector, steps_done, name)
    found = differences(expected, reply["value"], name)
    if not found:
        return (
            "the digests differ, yet the adapter's state equals the reference's: check its encoding"
        )
    where, result.expected, result.actual = found[0]
    result.where = f"state {where}"
    first = f"expected {short(result.expected, 60)}, got {short(result.actual, 60)}"
    more = "; ".join(f"{p}: expected {short(e, 60)}, got {short(a, 60)}" for p, e, a in found[1:])
    return f"{first}; also {more}" if more else first


def run_vector(
    adapter: AdapterProcess,
    vector_id: str,
    path: Path,
    digests: str = "subsystems",
    locked: Mapping[str, str] | None = None,
) -> VectorResult:
    """Run one vector file through an adapter: the consumption algorithm [VEC-16].

    With the lock's entries (``locked``), a file whose hash is not its entry's
    is an ``error`` of its own, never blamed on the implementation [VEC-10].
    """
    started = time.perf_counter()
    result = VectorResult(vector_id, "pass", path=str(path))
    try:
        if locked is not None:
            _check_locked(vector_id, path, locked, result)
        _run(adapter, vector_id, path, result, digests)
    except _Stop as stop:
        result = stop.result
    except AdapterFailure as failure:
        result.status, result.message = "error", failure.reason
    result.seconds = time.perf_counter() - started
    return result


def _check_locked(
    vector_id: str, path: Path, locked: Mapping[str, str], result: VectorResult
) -> None:
    result.opened = True
    try:
        blob = path.read_bytes()
    except OSError as exc:
        result.status, result.message = "error", f"{path}: cannot read ({exc.strerror or exc})"
        raise _Stop(result) from None
    if vector_id not in locked:
        result.status, result.message = "error", "the file is not listed in the lock"
        raise _Stop(result)
    if file_hash(blob) != locked[vector_id]:
        result.status = "error"
        result.message = "the file differs from its lock entry (edited or corrupted?)"
        raise _Stop(result)


def _run(
    adapter: AdapterProcess, vector_id: str, path: Path, result: VectorResult, mode: str
) -> None:
    result.opened = True
    try:
        vector = load_vector(path)
    except VectorFileError as exc:
        result.status, result.message = "error", str(exc)
        raise _Stop(result) from None
    if vector["id"] != vector_id:
        result.status = "error"
        result.message = f"the file says it is {vector['id']!r} but lies at {vector_id!r}"
        raise _Stop(result)
    _replay(adapter, vector, result, mode)


def replay_vector(
    adapter: Any, vector: dict[str, Any], digests: str = "subsystems"
) -> VectorResult:
    """Run one already loaded vector through an adapter: the consumption algorithm [VEC-16].

    ``adapter`` is anything with the :class:`AdapterProcess` interface
    (``ensure_started``, ``request``); ``phala-spec adequacy`` replays the
    vectors in-process this way, against a mutated reference.
    """
    started = time.perf_counter()
    result = VectorResult(vector["id"], "pass", opened=True)
    try:
        _replay(adapter, vector, result, digests)
    except _Stop as stop:
        result = stop.result
    except AdapterFailure as failure:
        result.status, result.message = "error", failure.reason
    result.seconds = time.perf_counter() - started
    return result


def _replay(
    adapter: AdapterProcess, vector: dict[str, Any], result: VectorResult, mode: str
) -> None:
    try:
        hello = adapter.ensure_started()
    except AdapterFailure as failure:
        result.status, result.start_failed = "error", True
        result.message = f"adapter could not be started: {failure.reason}"
        raise _Stop(result) from None
    lacking = sorted(
        {
            f"{cap[:-1] if cap != 'crypto' else cap} {name}"
            for cap, name in vector_requirements(vector)
            if hello.lacks(cap, name)
        }
    )
    # full: every subsystem is compared; subsystems: those the vector changes must be [VEC-22]
    needed: list[str] = []
    if mode == "full":
        needed = sorted(vector["genesis_digests"])
    elif mode == "subsystems":
        needed = list(vector["subsystems"])
    lacking += [f"subsystem {name}" for name in needed if hello.lacks("subsystems", name)]
    if lacking:
        result.status = "unsupported"
        result.message = "adapter does not declare " + ", ".join(lacking)
        raise _Stop(result)
    compared = _compared(vector, hello, mode)
    result.where = "genesis"
    if vector["genesis_outcome"] == REFUSED:
        _refused(adapter, {"request": "load", "genesis": vector["genesis"]}, result, "genesis")
        result.where = ""
        return
    fields = ["digests"] if compared else []
    reply = _reply(adapter, {"request": "load", "genesis": vector["genesis"]}, result, fields)
    _check_digests(adapter, vector, 0, compared, vector["genesis_digests"], reply, result)
    result.where = ""
    for index, entry in enumerate(vector["steps"]):
        result.step, result.step_label = index, step_label(entry["step"])
        expect = entry["expect"]
        if expect["outcome"] == REFUSED:
            _refused(adapter, {"request": "step", "step": entry["step"]}, result, "outcome")
            continue
        reply = _reply(
            adapter,
            {"request": "step", "step": entry["step"]},
            result,
            ["outcome", "events", "returned", *fields],
        )
        for field in ("outcome", "events", "returned"):
            _check(result, field, expect[field], reply[field])
        for obs in expect["observations"]:
            query = {"request": "query", "view": obs["view"], "args": obs["args"]}
            if obs.get("outcome") == REFUSED:
                _refused(adapter, query, result, observation_label(obs))
                continue
            answer = _reply(adapter, query, result, ["value"])
            _check(result, observation_label(obs), obs["value"], answer["value"])
        _check_digests(adapter, vector, index + 1, compared, expect["digests"], reply, result)
    result.step, result.step_label = None, ""
    with contextlib.suppress(AdapterFailure):  # the vector has passed; the next one restarts
        adapter.request({"request": "reset"})


def run_all(
    adapter: AdapterProcess,
    selected: Sequence[tuple[str, Path]],
    on_result: Callable[[VectorResult], None] | None = None,
    digests: str = "subsystems",
    locked: Mapping[str, str] | None = None,
) -> list[VectorResult]:
    """Run every selected vector, in order, each exactly once [VEC-18].

    Adapter failures are recorded on the vector that met them; the adapter is
    restarted for the next vector. After :data:`MAX_START_FAILURES`
    consecutive failed starts the remaining vectors are reported as errors
    without further attempts, so every selected vector still has a result.
    """
    results: list[VectorResult] = []
    start_failures = 0
    last_reason = ""
    try:
        for vector_id, path in selected:
            if start_failures >= MAX_START_FAILURES:
                result = VectorResult(
                    vector_id,
                    "error",
                    path=str(path),
                    message=f"not attempted after {start_failures} failed starts; last: {last_reason}",
                )
            else:
                result = run_vector(adapter, vector_id, path, digests, locked)
                if result.start_failed:
                    start_failures += 1
                    last_reason = result.message
                else:
                    start_failures = 0
            results.append(result)
            if on_result is not None:
                on_result(result)
    finally:
        adapter.stop()
    done = {r.id for r in results}
    for vector_id, path in selected:  # [VEC-18]: a selected vector without a result is an error
        if vector_id not in done:
            results.append(VectorResult(vector_id, "error", path=str(path), message="never opened"))
    return results


def counts(results: Sequence[VectorResult]) -> dict[str, int]:
    """Number of vectors per status."""
    tally = dict.fromkeys(STATUSES, 0)
    for result in results:
        tally[result.status] += 1
    return tally
