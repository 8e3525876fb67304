"""Differential fuzzing: the models drive the reference and an adapter in lockstep [VEC-26].

``phala-spec fuzz --adapter CMD`` runs the models ([MOD-1]) as ``phala-spec
explore`` does, and sends every step a model applies to the reference to the
implementation under test too, through the adapter protocol ([ADP-6],
[ADP-7]). After the genesis and after each step the two must agree on the
outcome, the events, the returned value and the state commitment (the
subsystems the adapter declares, [VEC-22]). The first disagreement fails the
run; Hypothesis shrinks it, and the shrunk steps are written as a vector that
records the reference's behaviour, so ``phala-spec conformance run --adapter
CMD --vectors DIR`` replays the divergence.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from phala_spec.network import State, commitments
from phala_spec.primitives.codec import PlainData
from phala_spec.steps import StepResult, apply_step

from .client import AdapterFailure, AdapterProcess, Hello
from .runner import first_difference, short, step_label

DIVERGED = "diverged_from_the_reference"
"""The invariant a lockstep run fails with when the implementation disagrees."""


class Divergence(AssertionError):
    """Raised inside a model run when the implementation under test disagrees."""


@attrs.define
class Lockstep:
    """The adapter's side of a model run: it holds what the reference holds, step by step.

    ``synced`` is the reference state the adapter is known to hold; a step on
    any other state (a new run, or a step after one that was not sent) reloads
    the machine's genesis and replays its trace first.
    """

    adapter: AdapterProcess
    machine: Any = None
    synced: State | None = None
    hello: Hello | None = None
    steps: int = 0
    skipped: int = 0

    def start(self, machine: Any) -> None:
        """A new model run: its machine's genesis is loaded at its first step."""
        self.machine, self.synced = machine, None

    def after(self, before: State, step: Any, result: StepResult) -> None:
        """Send ``step`` (applied by the reference to ``before``) and compare the replies."""
        if self.machine is None:
            return
        try:
            self.hello = self.adapter.ensure_started()
        except AdapterFailure as failure:
            raise Divergence(f"the adapter could not be started: {failure.reason}") from None
        if not self._supported(step):
            self.skipped += 1
            self.synced = None
            return
        if self.synced is not before and not self._sync(before):
            return
        self._compare_step(step, result, len(self.machine.trace))
        self.synced = result.state

    def _supported(self, step: Any) -> bool:
        assert self.hello is not None
        machine = self.machine
        needs = [("suites", machine.suite), ("presets", machine.preset)]
        needs.append(("crypto", getattr(machine, "crypto", "none")))
        if isinstance(step, Mapping):
            needs.append(("steps", str(step.get("kind"))))
            if step.get("kind") == "call":
                needs.append(("calls", str(step.get("call"))))
            if step.get("kind") == "primitive":
                needs.append(("primitives", str(step.get("name"))))
        return not any(self.hello.lacks(cap, name) for cap, name in needs)

    def _sync(self, before: State) -> bool:
        """Load the machine's genesis and replay its trace, comparing as it goes."""
        from phala_spec.network import genesis_state

        machine = self.machine
        genesis = {"preset": machine.preset, "overrides": machine.genesis_overrides}
        state = genesis_state(machine.preset, machine.genesis_overrides)
        reply = self._request({"request": "load", "genesis": genesis}, "genesis")
        if reply is None:
            return False
        self._compare_digests(state, reply, "genesis")
        for index, step in enumerate(machine.trace):
            result = apply_step(state, step)
            self._compare_step(step, result, index)
            state = result.state
        # False: the model stepped a state outside its trace, so there is nothing to compare.
        return commitments(state) == commitments(before)

    def _request(self, message: dict[str, Any], where: str) -> dict[str, Any] | None:
        try:
            reply = self.adapter.request(message)
        except AdapterFailure as failure:
            raise Divergence(f"{where}: the adapter failed: {failure.reason}") from None
        if reply["status"] == "unsupported":
            self.skipped += 1
            self.synced = None
            return None
        if reply["status"] != "ok":
            raise Divergence(f"{where}: the adapter replied {reply['status']}: {reply}")
        return reply

    def _compare_step(self, step: Any, result: StepResult, index: int) -> None:
        where = f"step {index} ({step_label(step)})"
        reply = self._request({"request": "step", "step": step}, where)
        if reply is None:
            return
        self.steps += 1
        expected = result.report()
        for field in ("outcome", "events", "returned"):
            self._check(f"{where}: {field}", expected[field], reply.get(field))
        self._compare_digests(result.state, reply, where)

    def _compare_digests(self, state: State, reply: Mapping[str, Any], where: str) -> None:
        assert self.hello is not None
        actual = reply.get("digests")
        if not isinstance(actual, Mapping):
            raise Divergence(f"{where}: the reply has no digests")
        for name, digest in sorted(commitments(state).items()):
            if self.hello.lacks("subsystems", name):
                continue
            self._check(f"{where}: digest of {name}", digest, actual.get(name))

    @staticmethod
    def _check(where: str, expected: PlainData, actual: PlainData) -> None:
        found = first_difference(expected, actual)
        if found is not None:
            path, exp, act = found
            raise Divergence(f"{where}{path}: expected {short(exp)}, got {short(act)}")


@contextlib.contextmanager
def lockstep_models(lockstep: Lockstep) -> Iterator[None]:
    """While inside, every model module's ``apply_step`` also drives the adapter."""

    def apply_in_lockstep(state: State, step: Any) -> StepResult:
        result = apply_step(state, step)
        try:
            lockstep.after(state, step, result)
        except Divergence as divergence:
            from phala_spec.models.balances import InvariantViolation

            # The reference applied the step: it belongs in the trace, so the vector
            # written from the trace ends with the step that diverged.
            machine = lockstep.machine
            if machine is not None and (not machine.trace or machine.trace[-1] is not step):
                machine.trace.append(step)
                machine.failed_step = None
            raise InvariantViolation(DIVERGED, str(divergence)) from None
        return result

    patched = [
        module
        for name, module in sorted(sys.modules.items())
        if name.startswith("phala_spec.models.")
        and getattr(module, "apply_step", None) is apply_step
    ]
    for module in patched:
        module.apply_step = apply_in_lockstep  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module in patched:
            module.apply_step = apply_step  # type: ignore[attr-defined]


@attrs.frozen
class FuzzResult:
    """One model's differential run: its counts, and the vector of a divergence."""

    model: str
    runs: int
    steps: int
    compared: int
    skipped: int
    invariant: str | None = None
    detail: str = ""
    vector: Path | None = None

    @property
    def diverged(self) -> bool:
        return self.invariant == DIVERGED


def fuzz_model(
    name: str,
    adapter: AdapterProcess,
    *,
    seed: int,
    examples: int,
    steps: int,
    out_dir: Path,
) -> FuzzResult:
    """Run model ``name`` in lockstep with ``adapter``; a divergence becomes a vector."""
    from hypothesis import settings as Settings

    from phala_spec.models import load_model
    from phala_spec.models.cli import explore_model
    from phala_spec.models.settings import profile

    machine_class = load_model(name)
    lockstep = Lockstep(adapter)

    class Driven(machine_class):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            lockstep.start(self)

    Driven.__name__ = Driven.__qualname__ = machine_class.__name__
    Driven.__module__ = machine_class.__module__
    run_settings = Settings(profile("ci"), max_examples=examples, stateful_step_count=steps)
    with lockstep_models(lockstep):
        result = explore_model(
            name,
            Driven,
            settings=run_settings,
            seed=seed,
            out_dir=out_dir,
            profile_name=f"{examples} runs of at most {steps} steps",
            tool="fuzz",
        )
    return FuzzResult(
        name,
        result.runs,
        result.steps,
        lockstep.steps,
        lockstep.skipped,
        result.invariant,
        result.detail or result.vector_error,
        result.vector,
    )


def fuzz_models(
    command: Sequence[str],
    names: Sequence[str],
    *,
    seed: int,
    examples: int,
    steps: int,
    out_dir: Path,
    timeout: float = 10.0,
) -> list[FuzzResult]:
    """Fuzz each model against one adapter process (restarted after a failure)."""
    adapter = AdapterProcess(command, timeout)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        return [
            fuzz_model(name, adapter, seed=seed, examples=examples, steps=steps, out_dir=out_dir)
            for name in names
        ]
    finally:
        adapter.stop()
