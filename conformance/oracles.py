"""The models and the proofs as the judges of ``phala-spec adequacy`` [ADQ-8]..[ADQ-10].

The same mutants as the vectors' run (same operators, keys and sampling
[ADQ-2] [ADQ-7]) are installed the same way (:func:`.adequacy.installed`:
the live function's code is swapped, so a model or a proof that imported the
function by name runs the mutant), and judged by another oracle:

* **models** [ADQ-8]: each Hypothesis model that executes a mutated line in
  an unmutated, traced run is run against the mutant under a small, fixed,
  seeded budget; the mutant is killed when a model fails (an invariant is
  broken, or the reference raises);
* **proofs** [ADQ-9]: each Z3 obligation whose evaluation executes a mutated
  line is proved again with the mutant installed; the mutant is killed when
  one is no longer proved. Only modules some obligation executes are scored;
  the mutants of the others are *out of scope* ("not covered by proofs").
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from types import FunctionType
from typing import Any

import attrs

from . import adequacy
from .adequacy import InstallError, Measurement, Outcome, installed, outcome_of
from .mutation import Mutant

ORACLES = adequacy.ORACLE_ORDER
"""What can judge the mutants: the vectors [ADQ-3], the models [ADQ-8], the proofs [ADQ-9]."""

MODEL_EXAMPLES = 20
MODEL_STEPS = 25
MODEL_SEED = 0
"""The models' budget per run [ADQ-8]: runs (examples) of at most this many rules, this seed."""
MODEL_MIN_TIMEOUT = 5.0
PROOF_MIN_TIMEOUT = 2.0
"""A model run, or an obligation, may take 10 times its unmutated time, at least this [ADQ-8] [ADQ-9]."""


def _files(mutants: Sequence[Mutant]) -> dict[str, str]:
    return {m.path: Path(m.path).read_text() for m in mutants}


def _covering(lines: dict[str, dict[int, set[str]]], mutant: Mutant) -> set[str]:
    by_line = lines.get(mutant.path, {})
    found: set[str] = set()
    for line in mutant.lines:
        found |= by_line.get(line, set())
    return found


def _trace_into(
    lines: dict[str, dict[int, set[str]]], files: set[str], name: str, run: Callable[[], Any]
) -> Any:
    """Run ``run()`` while recording which lines of ``files`` it executes, under ``name``."""
    hit: set[tuple[str, int]] = set()
    with adequacy._tracing(files, hit):
        result = run()
    for file, line in hit:
        lines.setdefault(file, {}).setdefault(line, set()).add(name)
    return result


@attrs.define
class Baseline:
    """An oracle's unmutated run: each check's time and failure, and the lines it executed.

    A *check* is a model (for the models) or an obligation (for the proofs).
    """

    seconds: dict[str, float]
    failing: dict[str, str]  # check -> why it fails unmutated (it is not used)
    lines: dict[str, dict[int, set[str]]]  # file -> line -> checks executing it

    def covering(self, mutant: Mutant) -> list[str]:
        """The checks that pass unmutated and execute a line of the mutant, fastest first."""
        found = _covering(self.lines, mutant) - set(self.failing)
        return sorted(found, key=lambda name: (self.seconds[name], name))

    def scope(self) -> set[str]:
        """The files of which some check executes a line."""
        return {file for file, by_line in self.lines.items() if by_line}


def _judge(
    mutant: Mutant,
    baseline: Baseline,
    sources: dict[str, str],
    closures: dict[int, list[FunctionType]],
    attempt: Callable[[str], tuple[str, str] | None],
    out_of_scope: bool = False,
) -> Outcome:
    """Install ``mutant`` and try its covering checks in turn until one kills it.

    ``attempt(check)`` returns ``(status, detail)`` when the check kills the
    mutant (status ``killed`` or ``timeout``) or cannot judge it (``invalid``:
    the next check is tried, and the mutant is invalid when none kills it),
    ``None`` when it still passes.
    """
    if out_of_scope:
        return outcome_of(mutant, "out-of-scope")
    covering = baseline.covering(mutant)
    if not covering:
        return outcome_of(mutant, "import-time" if mutant.import_time else "uncovered")
    started = time.perf_counter()
    status, killer, detail, tried = "survived", "", "", 0
    try:
        with installed(mutant, sources, closures):
            for check in covering:
                tried += 1
                verdict = attempt(check)
                if verdict is None:
                    continue
                if verdict[0] == "invalid":
                    status, detail = verdict
                    continue
                (status, detail), killer = verdict, check
                break
    except InstallError as exc:
        return outcome_of(mutant, "invalid", detail=str(exc), covering=len(covering))
    return outcome_of(
        mutant,
        status,
        vector=killer,
        detail=detail[:300],
        covering=len(covering),
        replayed=tried,
        seconds=time.perf_counter() - started,
    )


def _measure(
    oracle: str,
    mutants: Sequence[Mutant],
    ledger: dict[str, str],
    judge: Callable[[Mutant], Outcome],
    on_outcome: Callable[[Outcome], None] | None,
) -> list[Outcome]:
    outcomes = []
    for mutant in mutants:
        outcome = attrs.evolve(judge(mutant), oracle=oracle)
        if outcome.status in ("survived", "uncovered") and mutant.key in ledger:
            outcome = attrs.evolve(outcome, status="equivalent", detail=ledger[mutant.key])
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return outcomes


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[list[bool]]:
    """A time limit that a library's exception handlers cannot swallow.

    Past ``seconds`` the alarm raises ``_Timeout`` and raises it again every
    quarter of a second until the block ends (Hypothesis may catch one in its
    own code); the yielded flag tells the caller the limit was reached even
    when the block then returned normally.
    """
    expired = [False]

    def expire(signum: int, frame: Any) -> None:
        expired[0] = True
        raise adequacy._Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        yield expired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the models [ADQ-8] ----------------------------------------------------------------------


def run_model(
    name: str,
    machine_class: type[Any],
    examples: int = MODEL_EXAMPLES,
    steps: int = MODEL_STEPS,
    seed: int = MODEL_SEED,
) -> str | None:
    """Run one model under the adequacy budget: ``None`` when it passes, else the failure [ADQ-8].

    No shrinking (a failure is enough) and no example database, so a run
    depends only on the model, the budget, the seed and the reference.
    """
    from hypothesis import Phase, Verbosity
    from hypothesis import seed as hypothesis_seed
    from hypothesis import settings as Settings
    from hypothesis.stateful import run_state_machine_as_test

    from phala_spec.models.cli import describe_failure
    from phala_spec.models.settings import profile

    def factory() -> Any:
        return machine_class()

    factory.__name__ = f"adequacy_{name}"
    factory._hypothesis_internal_add_digest = f"phala-spec adequacy {name}".encode()  # type: ignore[attr-defined]
    run_settings = Settings(
        profile("ci"),
        max_examples=examples,
        stateful_step_count=steps,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        derandomize=False,
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
    )
    seeded: Any = hypothesis_seed(seed)(factory)  # any callable making a machine will do
    try:
        run_state_machine_as_test(seeded, settings=run_settings)
    except Exception as exc:
        invariant, detail = describe_failure(exc)
        return f"{invariant}: {detail}"
    return None


@contextlib.contextmanager
def _hypothesis_home() -> Iterator[None]:
    """Hypothesis keeps its files in a temporary directory for the duration."""
    from hypothesis import configuration
    from hypothesis.configuration import set_hypothesis_home_dir

    before = vars(configuration).get("__hypothesis_home_directory")
    with tempfile.TemporaryDirectory(prefix="phala-spec-adequacy-") as home:
        set_hypothesis_home_dir(home)
        try:
            yield
        finally:
            set_hypothesis_home_dir(before)


def trace_models(files: set[str], models: dict[str, type[Any]]) -> Baseline:
    """Run every model unmutated under the budget, recording the lines of ``files`` each runs."""
    baseline = Baseline({}, {}, {})
    for name, machine_class in models.items():
        started = time.perf_counter()
        failure = _trace_into(baseline.lines, files, name, partial(run_model, name, machine_class))
        baseline.seconds[name] = time.perf_counter() - started
        if failure is not None:
            baseline.failing[name] = failure
    return baseline


def measure_models(
    mutants: Sequence[Mutant],
    ledger: dict[str, str],
    on_outcome: Callable[[Outcome], None] | None = None,
    models: dict[str, type[Any]] | None = None,
) -> Measurement:
    """Judge every mutant by the models that run it [ADQ-8]; ledger survivors are equivalent."""
    from phala_spec.models import MODELS, load_model

    machines = models if models is not None else {name: load_model(name) for name in MODELS}
    sources = _files(mutants)
    with _hypothesis_home():
        started = time.perf_counter()
        baseline = trace_models(set(sources), machines)
        traced = time.perf_counter() - started
        closures = adequacy.closures_of(sources)

        def attempt(name: str) -> tuple[str, str] | None:
            limit = max(MODEL_MIN_TIMEOUT, adequacy.TIMEOUT_FACTOR * baseline.seconds[name])
            expired = [False]
            try:
                with _deadline(limit) as expired:
                    failure = run_model(name, machines[name])
            except adequacy._Timeout:
                return "timeout", f"ran past {limit:.1f} s"
            except RecursionError as exc:
                return "killed", str(exc)
            if expired[0]:
                return "timeout", f"ran past {limit:.1f} s"
            return None if failure is None else ("killed", failure)

        outcomes = _measure(
            "models",
            mutants,
            ledger,
            lambda m: _judge(m, baseline, sources, closures, attempt),
            on_outcome,
        )
    info = {
        "models": sorted(machines),
        "models_failing_unmutated": sorted(baseline.failing),
        "model_budget": {"examples": MODEL_EXAMPLES, "steps": MODEL_STEPS, "seed": MODEL_SEED},
        "trace_seconds": round(traced, 1),
        "mutate_seconds": round(sum(o.seconds for o in outcomes), 1),
    }
    return Measurement(tuple(outcomes), info)


# --- the proofs [ADQ-9] ----------------------------------------------------------------------


def trace_proofs(files: set[str], obligations: Sequence[Any], timeout_ms: int) -> Baseline:
    """Prove every obligation unmutated, recording the lines of ``files`` each evaluates."""
    from phala_spec.proofs.obligations import prove_one

    baseline = Baseline({}, {}, {})
    for ob in obligations:
        result = _trace_into(baseline.lines, files, ob.id, partial(prove_one, ob, timeout_ms))
        baseline.seconds[ob.id] = result.seconds
        if not result.proved:
            baseline.failing[ob.id] = f"{result.status} {result.reason}".strip()
    return baseline


def measure_proofs(
    mutants: Sequence[Mutant],
    ledger: dict[str, str],
    on_outcome: Callable[[Outcome], None] | None = None,
    obligations: Sequence[Any] | None = None,
    timeout_ms: int = 20_000,
) -> Measurement:
    """Judge every mutant by the obligations that evaluate it [ADQ-9]; out-of-scope modules aside."""
    import z3

    from phala_spec.proofs.obligations import COUNTEREXAMPLE, UNKNOWN, VACUOUS, discover, prove_one

    chosen = {ob.id: ob for ob in (obligations if obligations is not None else discover())}
    sources = _files(mutants)
    started = time.perf_counter()
    baseline = trace_proofs(set(sources), list(chosen.values()), timeout_ms)
    traced = time.perf_counter() - started
    scope = baseline.scope()
    closures = adequacy.closures_of(sources)

    def attempt(ob_id: str) -> tuple[str, str] | None:
        limit = max(PROOF_MIN_TIMEOUT, adequacy.TIMEOUT_FACTOR * baseline.seconds[ob_id])
        expired = [False]
        try:
            # the solver stops itself; the alarm stops a mutated Python loop
            with _deadline(4 * limit + 5) as expired:
                result = prove_one(chosen[ob_id], max(1, int(limit * 1000)))
        except adequacy._Timeout:
            return "timeout", f"the evaluation ran past {4 * limit + 5:.1f} s"
        except (TypeError, z3.Z3Exception) as exc:
            # an operation symbolic integers do not have (`//` on a term, a term as a
            # condition): the proofs cannot evaluate this mutant [ADQ-9]
            return "invalid", f"cannot be evaluated on symbolic integers: {exc}"
        except (Exception, RecursionError) as exc:
            return "killed", f"the evaluation raised {type(exc).__name__}: {exc}"
        if expired[0]:
            return "timeout", f"the evaluation ran past {4 * limit + 5:.1f} s"
        if result.status in (COUNTEREXAMPLE, VACUOUS):
            shown = ", ".join(f"{k} = {v}" for k, v in (result.counterexample or {}).items())
            return "killed", f"{result.status}" + (f": {shown}" if shown else "")
        if result.status == UNKNOWN:
            return "timeout", f"unknown: {result.reason}"
        return None

    outcomes = _measure(
        "proofs",
        mutants,
        ledger,
        lambda m: _judge(m, baseline, sources, closures, attempt, out_of_scope=m.path not in scope),
        on_outcome,
    )
    modules = sorted({m.module for m in mutants if m.path in scope})
    info = {
        "obligations": len(chosen),
        "obligations_failing_unmutated": sorted(baseline.failing),
        "modules_in_scope": modules,
        "trace_seconds": round(traced, 1),
        "mutate_seconds": round(sum(o.seconds for o in outcomes), 1),
    }
    return Measurement(tuple(outcomes), info)
