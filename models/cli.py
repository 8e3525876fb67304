"""``phala-spec explore``: run the models, write every failure as a vector [MOD-6].

Each registered model runs under a settings profile with an explicit seed.
When a model fails, Hypothesis shrinks the run; the steps the machine applied
in the final, minimal run become a conformance case (origin ``hypothesis``,
the seed, a description naming the failed invariant) that
``phala-spec conformance run --vectors DIR`` replays. The vector records what
the reference does on those steps, so it pins the behaviour that broke the
invariant for every implementation.
"""

from __future__ import annotations

import argparse
import re
import unittest
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

DEFAULT_OUT = Path("explore-vectors")
DEFAULT_DATABASE = ".hypothesis/phala-spec-explore"
MAX_OBSERVED_ACCOUNTS = 16


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        choices=("ci", "deep"),
        default="ci",
        help="Hypothesis settings profile (default: ci)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"where failing traces are written as vectors (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="seed the runs (default: 0 for ci, random for deep; always reported)",
    )
    parser.add_argument(
        "-k",
        dest="select",
        default=None,
        metavar="MODEL",
        help="only run models whose name contains MODEL",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="campaigns run in N processes at once (0: one per core; default 1)",
    )
    parser.add_argument(
        "--campaigns",
        type=int,
        default=1,
        metavar="C",
        help="campaigns per model, seeded SEED, SEED+1, ... (default 1)",
    )
    parser.add_argument(
        "--database",
        default=DEFAULT_DATABASE,
        metavar="DIR|redis://HOST:PORT/DB|none",
        help="Hypothesis example database every campaign shares: a directory, a Redis server "
        f"(needs the redis package) or none (default: {DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--replay",
        action="store_true",
        help="only replay the examples the database holds (no new examples)",
    )


@attrs.frozen
class ExploreResult:
    """What one model run gave: counts, and for a failure the invariant and the vector."""

    model: str
    seed: int
    runs: int
    steps: int
    invariant: str | None = None  # None: passed
    detail: str = ""
    vector: Path | None = None
    vector_error: str = ""

    @property
    def passed(self) -> bool:
        return self.invariant is None


class _Recorder:
    """A machine factory that counts runs and keeps the machine of the final (minimal) run."""

    def __init__(self, machine_class: type[Any]) -> None:
        self.machine_class = machine_class
        self.runs = 0
        self.steps = 0
        self.last: Any = None
        self.final: Any = None

    def make(self) -> Any:
        if self.last is not None:
            self.steps += len(self.last.trace)
        machine = self.machine_class()
        self.runs += 1
        self.last = machine
        if _is_final_run():
            self.final = machine
        return machine

    def total_steps(self) -> int:
        return self.steps + (len(self.last.trace) if self.last is not None else 0)


def _is_final_run() -> bool:
    try:
        from hypothesis.control import current_build_context

        return bool(current_build_context().is_final)
    except Exception:  # outside a build context, or a Hypothesis without the flag
        return False


def _first_leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def describe_failure(exc: BaseException) -> tuple[str, str]:
    """``(invariant, detail)`` of a model failure; unexpected exceptions are named by type."""
    from .balances import InvariantViolation

    exc = _first_leaf(exc)
    if isinstance(exc, InvariantViolation):
        return exc.invariant, exc.detail
    return f"unexpected_{type(exc).__name__}", str(exc) or repr(exc)


def explore_model(
    name: str,
    machine_class: type[Any],
    *,
    settings: Any,
    seed: int,
    out_dir: Path,
    profile_name: str = "",
    tool: str = "explore",
    database: str | None = None,
    replay: bool = False,
) -> ExploreResult:
    """Run one model; on failure write the shrunk trace as a vector under ``out_dir`` [MOD-6].

    ``database`` names the example database the run reads and writes
    (:func:`open_database`); ``replay`` runs only the examples it holds.
    """
    from hypothesis import Phase, Verbosity
    from hypothesis import seed as hypothesis_seed
    from hypothesis import settings as Settings
    from hypothesis.stateful import run_state_machine_as_test

    recorder = _Recorder(machine_class)

    def factory() -> Any:
        return recorder.make()

    factory.__name__ = f"explore_{name}"
    # Every model's examples live under their own key in a shared database: Hypothesis keys a
    # state machine test by its factory's source, the same closure here for every model.
    factory._hypothesis_internal_add_digest = f"phala-spec explore {name}".encode()  # type: ignore[attr-defined]
    options: dict[str, Any] = {}
    if database is not None:
        # A seeded run is reproducible without derandomizing, which would switch the database off.
        options.update(database=open_database(database), derandomize=False)
    if replay:
        options.update(phases=[Phase.explicit, Phase.reuse, Phase.shrink])
    run_settings = Settings(
        settings, report_multiple_bugs=False, verbosity=Verbosity.quiet, **options
    )
    try:
        seeded: Any = hypothesis_seed(seed)(factory)  # any callable making a machine will do
        run_state_machine_as_test(seeded, settings=run_settings)
    except unittest.SkipTest:
        if not replay:
            raise
        # Hypothesis skips a test with no phase left to run: nothing in the database to replay.
        return ExploreResult(name, seed, recorder.runs, recorder.total_steps())
    except Exception as exc:
        invariant, detail = describe_failure(exc)
        machine = recorder.final if recorder.final is not None else recorder.last
        result = ExploreResult(name, seed, recorder.runs, recorder.total_steps(), invariant, detail)
        if machine is None or machine.state is None:
            return attrs.evolve(result, vector_error="the model failed before its genesis")
        try:
            spec = failure_case(name, machine, invariant, detail, seed, profile_name, tool)
            path = write_case(spec, out_dir)
        except Exception as error:  # report, never lose the other models' results
            return attrs.evolve(result, vector_error=f"{type(error).__name__}: {error}")
        return attrs.evolve(result, vector=path)
    return ExploreResult(name, seed, recorder.runs, recorder.total_steps())


def open_database(spec: str) -> Any:
    """The example database ``spec`` names [MOD-6].

    ``redis://HOST:PORT/DB``: Hypothesis's ``RedisExampleDatabase`` on that
    server (the ``redis`` package); anything else: a directory, created if
    missing. Every process that opens the same database sees the examples the
    others saved.
    """
    from hypothesis.database import DirectoryBasedExampleDatabase

    if spec.startswith(("redis://", "rediss://", "unix://")):
        from hypothesis.extra.redis import RedisExampleDatabase
        from redis import Redis

        return RedisExampleDatabase(Redis.from_url(spec), key_prefix=b"phala-spec-explore:")
    return DirectoryBasedExampleDatabase(spec)


@attrs.frozen
class Campaign:
    """One model run with its own seed, as a pool process runs it [MOD-6]."""

    model: str
    machine: str  # "module:attribute"
    seed: int
    profile: str
    out_dir: Path
    database: str | None
    replay: bool
    home: str


def run_campaign(campaign: Campaign) -> ExploreResult:
    """Run a campaign (in whichever process): load the machine, explore, return the result."""
    import importlib

    from hypothesis.configuration import set_hypothesis_home_dir

    from .settings import profile

    set_hypothesis_home_dir(campaign.home)
    module, attribute = campaign.machine.split(":")
    machine_class = getattr(importlib.import_module(module), attribute)
    return explore_model(
        campaign.model,
        machine_class,
        settings=profile(campaign.profile),
        seed=campaign.seed,
        out_dir=campaign.out_dir,
        profile_name=campaign.profile,
        database=campaign.database,
        replay=campaign.replay,
    )


def failure_case(
    name: str,
    machine: Any,
    invariant: str,
    detail: str,
    seed: int,
    profile_name: str = "",
    tool: str = "explore",
) -> Any:
    """The :class:`CaseSpec` of a failed run: the machine's genesis and trace [MOD-6].

    ``tool`` is the subcommand that ran it (``explore``, or ``fuzz`` for a
    differential run [VEC-26]); it is also the vector's handler.
    """
    from phala_spec.conformance.authoring import CaseSpec, Provenance, StepSpec
    from phala_spec.primitives.codec import blake2b_256, encode

    from .balances import clause_of

    steps = [StepSpec(dict(step)) for step in machine.trace]
    if steps:
        steps[-1] = StepSpec(steps[-1].step, observations_for(machine.trace))
    trace_id = blake2b_256(
        encode({"genesis": machine.genesis_overrides, "steps": list(machine.trace)})
    ).hex()[:8]
    case = _slug(f"{invariant}_seed{seed}_{trace_id}")
    if invariant.startswith("unexpected_"):
        what = f"the reference raised {invariant.removeprefix('unexpected_')}"
    else:
        what = f"{invariant} failed"
    what += f" after {len(machine.trace)} step(s)"
    pending = getattr(machine, "failed_step", None)
    if pending is not None:
        what += f"; the step that raised (not replayable, so not in the vector): {_show(pending)}"
    profile = f"profile {profile_name}, " if profile_name else ""
    description = (
        f"Found by `phala-spec {tool}` (model {name}, {profile}seed {seed}): {what}. "
        f"{_clip(detail)}. The steps are Hypothesis's shrunk trace; the expectations are "
        "the reference's behaviour on it."
    )
    clause = clause_of(invariant)
    machine_class = type(machine)
    return CaseSpec(
        preset=machine.preset,
        suite=machine.suite,
        handler=tool,
        case=case,
        description=description,
        genesis=dict(machine.genesis_overrides),
        steps=tuple(steps),
        clauses=(clause,) if clause else (),
        provenance=Provenance(
            "hypothesis", seed, f"{machine_class.__module__}:{machine_class.__qualname__}"
        ),
        crypto=getattr(machine, "crypto", "none"),
    )


def observations_for(trace: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """Observations for the last step: total issuance and every account the trace names."""
    seen: list[bytes] = []

    def visit(value: Any) -> None:
        if isinstance(value, bytes) and len(value) == 32 and value not in seen:
            seen.append(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                visit(item)

    for step in trace:
        if step.get("kind") == "call":
            visit(step.get("origin"))
            visit(step.get("args"))
    observed: list[tuple[str, tuple[Any, ...]]] = [("total_issuance", ())]
    for who in seen[:MAX_OBSERVED_ACCOUNTS]:
        observed += [("balance", (who,)), ("account", (who,))]
    return tuple(observed)


def write_case(spec: Any, out_dir: Path) -> Path:
    """Build, schema-check and write a case's vector; returns its path."""
    from phala_spec.conformance.authoring import build_vector, write_vector
    from phala_spec.conformance.schema import check_vector

    vector = build_vector(spec)
    check_vector(vector)
    return Path(write_vector(vector, out_dir))


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    return slug if slug and slug[0].isalnum() else f"m_{slug}"


def _show(step: Any) -> str:
    import json

    from phala_spec.conformance.schema import to_json

    try:
        return _clip(json.dumps(to_json(step), sort_keys=True))
    except (TypeError, ValueError):
        return _clip(repr(step))


def _clip(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def select_models(pattern: str | None) -> list[str]:
    from . import MODELS

    return [name for name in MODELS if not pattern or pattern in name]


def run(args: argparse.Namespace, *, loader: Callable[[str], Any] | None = None) -> int:
    import os
    import tempfile

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from phala_spec.cli import CliError

    from . import MODELS, load_model
    from .settings import profile

    names = select_models(args.select)
    if not names:
        raise CliError(f"no model matches {args.select!r}")
    jobs = getattr(args, "jobs", 1)
    campaigns = getattr(args, "campaigns", 1)
    database = getattr(args, "database", None)
    replay = getattr(args, "replay", False)
    if jobs < 0 or campaigns < 1:
        raise CliError("--jobs is at least 0 and --campaigns at least 1")
    jobs = jobs or os.cpu_count() or 1
    if database is not None and database.lower() == "none":
        database = None
    if database is not None and database.startswith(("redis://", "rediss://", "unix://")):
        try:
            import redis  # noqa: F401
        except ImportError:
            raise CliError("a Redis database needs the redis package (pip install redis)") from None
    settings = profile(args.profile)
    seed = args.seed
    if seed is None:
        seed = 0 if settings.derandomize else _fresh_seed()
    load = loader or load_model
    args.out.mkdir(parents=True, exist_ok=True)  # so `conformance run --vectors DIR` always has DIR
    results: list[ExploreResult] = []
    err = Console(stderr=True, highlight=False)
    where = "no database" if database is None else f"examples in {database}"
    err.print(
        f"phala-spec explore: profile {args.profile}, seed {seed}, {campaigns} campaign(s) per "
        f"model in {jobs} process(es), {where}, vectors to {args.out}"
    )
    # Hypothesis keeps a cache under its home directory; keep it out of the user's folder.
    with tempfile.TemporaryDirectory(prefix="phala-spec-hypothesis-") as home:
        from hypothesis.configuration import set_hypothesis_home_dir

        set_hypothesis_home_dir(home)
        work = [
            Campaign(name, MODELS[name], seed + i, args.profile, args.out, database, replay, home)
            for name in names
            for i in range(campaigns)
        ]
        try:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
                disable=not err.is_terminal,
            ) as progress:
                task = progress.add_task("exploring", total=len(work))

                def done(result: ExploreResult) -> None:
                    results.append(result)
                    progress.advance(task)
                    if not err.is_terminal:
                        outcome = "passed" if result.passed else "FAILED"
                        err.print(f"  {result.model} (seed {result.seed}): {outcome}")

                if jobs == 1:
                    for c in work:
                        progress.update(task, description=f"exploring {c.model} (seed {c.seed})")
                        done(
                            explore_model(
                                c.model,
                                load(c.model),
                                settings=settings,
                                seed=c.seed,
                                out_dir=args.out,
                                profile_name=args.profile,
                                database=database,
                                replay=replay,
                            )
                        )
                else:
                    _run_pool(work, jobs, done, progress, task)
        except KeyboardInterrupt:
            _print_table(results, args.profile)
            done_names = ", ".join(r.model for r in results) or "none"
            err.print(f"interrupted: seed {seed}; models finished: {done_names}")
            return 130
    results.sort(key=lambda r: (names.index(r.model), r.seed))
    _print_table(results, args.profile)
    return 0 if all(r.passed for r in results) else 1


def _run_pool(
    work: list[Campaign],
    jobs: int,
    done: Callable[[ExploreResult], None],
    progress: Any,
    task: Any,
) -> None:
    """Run the campaigns in a pool of ``jobs`` processes, reporting each as it ends [MOD-6]."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
        pending = {pool.submit(run_campaign, c): c for c in work}
        try:
            while pending:
                running = ", ".join(sorted({c.model for c in pending.values()}))
                progress.update(task, description=f"exploring {running}")
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    pending.pop(future)
                    done(future.result())
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            raise


def _fresh_seed() -> int:
    import secrets

    return secrets.randbelow(2**32)


def _print_table(results: list[ExploreResult], profile_name: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"phala-spec explore (profile {profile_name})")
    for column in ("model", "seed", "examples", "steps", "result", "vector"):
        numeric = column in ("seed", "examples", "steps")
        table.add_column(
            column, justify="right" if numeric else "left", overflow="fold", no_wrap=numeric
        )
    for r in results:
        outcome = "[green]passed[/]" if r.passed else f"[red]FAILED[/] {r.invariant}"
        vector = (
            str(r.vector)
            if r.vector
            else (f"[red]not written: {r.vector_error}[/]" if r.vector_error else "-")
        )
        table.add_row(r.model, str(r.seed), str(r.runs), str(r.steps), outcome, vector)
    console = Console()
    console.print(table)
    for r in results:
        if not r.passed:
            console.print(f"[red]{r.model}[/]: {r.invariant}: {_clip(r.detail)}", highlight=False)
