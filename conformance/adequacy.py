"""How much of the reference the vectors pin down: mutation testing [ADQ-1]..[ADQ-7].

:func:`measure` takes the mutants of :mod:`.mutation`, installs each in the
live reference (the function's code object is swapped, so every caller sees
it), and replays the vectors that execute the mutated lines, fastest first,
in-process through the runner's consumption algorithm
(:func:`~phala_spec.conformance.runner.replay_vector`) and the reference
adapter's request handling [ADQ-3]. The first vector that does not pass kills
the mutant; a vector that runs past its time limit kills it too [ADQ-4]. A
mutant that no vector executes survives as *uncovered*. Survivors judged
equivalent (no input can tell them apart) are listed with a reason in the
committed ledger and leave the denominator [ADQ-6].

The comparison itself must not be mutated: the runner compares plain data by
its canonical encoding, so the replay swaps in a private, unmutated copy of
the codec for the runner and for the frames' round trip.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import random
import signal
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import CodeType, FrameType, FunctionType, ModuleType
from typing import Any

import attrs

from phala_spec.conformance import runner
from phala_spec.conformance.adapter import ReferenceAdapter
from phala_spec.conformance.client import Hello, parse_hello
from phala_spec.conformance.protocol import PROTOCOL_VERSION

from .mutation import OPERATORS, Mutant, mutants_of, mutated_code

PACKAGE = "phala_spec"
EXCLUDED = (
    "cli",
    "compat",
    "__main__",
    "primitives.records",
    "simulate",
    "offchain.gatekeeper_arrays",
    "offchain.budget_schedule",
)
"""Modules no vector can judge [ADQ-1]: the command line, the 0.1 aliases, the entry point, the
record copier; the network-day driver and the column form of the gatekeeper's economics only it
runs (held to the reference by [SIM-5]'s digest test instead); the budget balancer's schedule, a
Phat contract's arithmetic outside the chain and pRuntime (held by its proofs and tests)."""
LEDGER = Path(__file__).parent / "equivalent-mutants.toml"
"""The committed ledger of survivors judged equivalent [ADQ-6]."""
KILLED = ("killed", "timeout")
MIN_TIMEOUT = 2.0
TIMEOUT_FACTOR = 10.0
"""A vector may take this many times its unmutated duration (at least 2 s) [ADQ-4]."""


@attrs.frozen
class Outcome:
    """What became of one mutant [ADQ-4].

    ``status`` is ``killed``, ``timeout`` (killed by running too long),
    ``survived``, ``uncovered`` (no vector executes it), ``equivalent`` (a
    survivor the ledger explains), ``import-time`` (it changes only what the
    module computes while it is imported, which an in-process replay cannot
    see), ``invalid`` (the mutation cannot be installed) or ``out-of-scope``
    (the proofs [ADQ-9] cover no line of its module). ``oracle`` says what
    judged it (``vectors``, ``models`` or ``proofs`` [ADQ-8]); ``vector`` is
    what killed it: a vector, a model or an obligation.
    """

    key: str
    module: str
    function: str
    operator: str
    line: int
    original: str
    mutated: str
    clauses: tuple[str, ...]
    status: str
    vector: str = ""
    detail: str = ""
    covering: int = 0
    replayed: int = 0
    seconds: float = 0.0
    oracle: str = "vectors"

    def to_json(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["clauses"] = list(self.clauses)
        data["seconds"] = round(self.seconds, 4)
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> Outcome:
        return Outcome(**{**data, "clauses": tuple(data["clauses"])})


# --- the mutants --------------------------------------------------------------------------------


def rule_modules(pattern: str | None = None) -> list[tuple[str, Path]]:
    """The reference's modules as ``(dotted name under phala_spec, file)``, in path order [ADQ-1]."""
    root = Path(importlib.import_module(PACKAGE).__file__ or "").parent
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts)
        if parts[-1] == "__init__" or parts[0] in EXCLUDED or name in EXCLUDED:
            continue
        if pattern is None or all(word in name for word in pattern.split()):
            found.append((name, path))
    return found


AUTHORING = (
    "tee.simulated.SimulatedReport.encode",
    "tee.simulated._encode_str",
    "tee.simulated.sign_report",
    "tee.simulated.binding_report_data",
    "tee.simulated.simulated_attestation_for",
    "tee.ias_test_root.ias_test_evidence",
    "tee.ias.decode_ias_evidence",
    "tee.ias._decode_text",
    "chain.phat_payloads.EncryptedCommand.encode",
)
"""Functions that make or read evidence or payloads while vectors are authored, which no step
runs [ADQ-1]: the simulated authority's signing side [ATT-46], the IAS test root's signer
[ATT-13], the reading of IAS evidence written as text [ATT-6] and the encoding of a user's
encrypted command envelope [PHAT-65]. What they made is in the vectors' bytes, held by the
lock."""


def all_mutants(modules: Iterable[tuple[str, Path]]) -> list[Mutant]:
    """Every mutant of the given modules [ADQ-2], but those of the authoring functions [ADQ-1]."""
    mutants: list[Mutant] = []
    for name, path in modules:
        mutants += [
            mutant
            for mutant in mutants_of(name, str(path), path.read_text())
            if f"{name}.{mutant.function}" not in AUTHORING
        ]
    return mutants


def select(
    mutants: Sequence[Mutant],
    operators: Sequence[str] = (),
    sample: int | None = None,
    seed: int = 0,
    shard: tuple[int, int] = (1, 1),
) -> list[Mutant]:
    """The mutants of a run: by operator, a seeded sample, then one shard of it [ADQ-7]."""
    chosen = [m for m in mutants if not operators or m.operator in operators]
    chosen.sort(key=lambda m: m.key)
    if sample is not None and sample < len(chosen):
        chosen = sorted(random.Random(seed).sample(chosen, sample), key=lambda m: m.key)
    index, count = shard
    return chosen[index - 1 :: count]


def parse_shard(text: str) -> tuple[int, int]:
    """``I/N`` as ``(I, N)`` with ``1 <= I <= N``; raises ``ValueError``."""
    left, sep, right = text.partition("/")
    index, count = int(left), int(right)
    if not sep or not 1 <= index <= count:
        raise ValueError(f"a shard is I/N with 1 <= I <= N, not {text!r}")
    return index, count


def read_ledger(path: Path) -> dict[str, str]:
    """The ledger's entries: mutant key → why it is equivalent [ADQ-6]; raises ``ValueError``."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    ledger: dict[str, str] = {}
    for entry in data.get("equivalent", []):
        key, reason = entry.get("mutant"), entry.get("reason")
        if not isinstance(key, str) or not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path}: every entry has a text 'mutant' and a non-empty 'reason'")
        if key in ledger:
            raise ValueError(f"{path}: {key} is listed twice")
        ledger[key] = reason
    return ledger


# --- replaying in-process -----------------------------------------------------------------------


class _Timeout(BaseException):
    """A vector ran past its limit (a ``BaseException``: the reference's handlers must not catch it)."""


def _pristine_codec() -> ModuleType:
    """A private, never mutated copy of ``primitives.codec`` (it imports nothing of the project)."""
    origin = importlib.import_module(f"{PACKAGE}.primitives.codec").__file__
    spec = importlib.util.spec_from_file_location("_phala_spec_adequacy_codec", origin or "")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class InProcessAdapter:
    """The reference adapter called directly, each reply round-tripped as a frame would be [ADQ-3].

    It has the interface the runner uses (``ensure_started``, ``request``).
    Any exception of the (mutated) reference becomes an ``error`` reply, as
    the adapter's server makes it; ``state`` requests are declined, since the
    mutated reference cannot explain a difference.
    """

    def __init__(self, codec: ModuleType) -> None:
        self.codec = codec
        self.reference = ReferenceAdapter()
        self.hello: Hello = parse_hello(
            self.reference.handle({"request": "hello", "protocol": PROTOCOL_VERSION})
        )

    def ensure_started(self) -> Hello:
        return self.hello

    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        if message.get("request") == "state":
            return {"status": "unsupported", "reason": "not shown during mutation runs"}
        try:
            reply = self.reference.handle(message)
            decoded: dict[str, Any] = self.codec.decode(self.codec.encode(reply))
        except Exception as exc:
            return {"status": "error", "message": f"internal error: {type(exc).__name__}: {exc}"}
        return decoded

    def stop(self) -> None:
        self.reference.state = None


@contextlib.contextmanager
def _comparing_with(codec: ModuleType) -> Iterator[None]:
    """The runner compares with the unmutated codec for the duration."""
    saved = vars(runner)["encode"]
    setattr(runner, "encode", codec.encode)  # noqa: B010 (the runner's own name, swapped)
    try:
        yield
    finally:
        setattr(runner, "encode", saved)  # noqa: B010


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@attrs.define
class Baseline:
    """The unmutated replay: each vector's status and duration, and the lines it executed."""

    vectors: list[dict[str, Any]]
    seconds: list[float]
    passing: list[bool]
    lines: dict[str, dict[int, set[int]]]  # file -> line -> indexes of the vectors executing it

    def covering(self, mutant: Mutant) -> list[int]:
        """The passing vectors that execute a line of the mutant, fastest first [ADQ-3]."""
        by_line = self.lines.get(mutant.path, {})
        found: set[int] = set()
        for line in mutant.lines:
            found |= by_line.get(line, set())
        return sorted((i for i in found if self.passing[i]), key=lambda i: self.seconds[i])


def trace_baseline(
    vectors: list[dict[str, Any]], files: Iterable[str], adapter: InProcessAdapter
) -> Baseline:
    """Replay every vector unmutated, recording which lines of ``files`` each executes.

    The memoised results are forgotten first, so a memoised function's lines count for the
    first vector that computes it (as the mutant's replay forgets them too) [ADQ-3].
    """
    _clear_caches()
    wanted = set(files)
    lines: dict[str, dict[int, set[int]]] = {f: {} for f in wanted}
    seconds: list[float] = []
    passing: list[bool] = []
    for index, vector in enumerate(vectors):
        hit: set[tuple[str, int]] = set()
        called: set[Any] = set()
        with _tracing(wanted, hit), _memo_calls(called):
            result = runner.replay_vector(adapter, vector, "full")
        seconds.append(result.seconds)
        passing.append(result.status == "pass")
        for memoised in called:
            hit |= _lines_of(memoised.__wrapped__)
        for file, line in hit:
            if file in lines:
                lines[file].setdefault(line, set()).add(index)
    return Baseline(vectors, seconds, passing, lines)


def _memoised() -> list[tuple[ModuleType, str, Any]]:
    """Every binding of a memoised function of the reference: ``(module, name, cache wrapper)``."""
    found = []
    for name, module in list(sys.modules.items()):
        if name != PACKAGE and not name.startswith(f"{PACKAGE}."):
            continue
        for attr, value in list(vars(module).items()):
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "__wrapped__"):
                found.append((module, attr, value))
    return found


@contextlib.contextmanager
def _memo_calls(called: set[Any]) -> Iterator[None]:
    """Record which memoised functions are called, whether the call computes or is answered from
    the cache: a vector that gets a memoised result depends on the function's code as much as
    the vector that computed it [ADQ-3]. Calls through a module's global name are seen."""
    bindings = _memoised()

    def proxy_of(wrapper: Any) -> Callable[..., Any]:
        def proxy(*args: Any, **kwargs: Any) -> Any:
            called.add(wrapper)
            return wrapper(*args, **kwargs)

        proxy.cache_clear = wrapper.cache_clear  # type: ignore[attr-defined]
        proxy.__wrapped__ = wrapper.__wrapped__  # type: ignore[attr-defined]
        return proxy

    for module, attr, wrapper in bindings:
        setattr(module, attr, proxy_of(wrapper))
    try:
        yield
    finally:
        for module, attr, wrapper in bindings:
            setattr(module, attr, wrapper)


def _lines_of(function: Any) -> set[tuple[str, int]]:
    """The ``(file, line)`` pairs of a function's code, nested functions included."""
    code = getattr(function, "__code__", None)
    if code is None:
        return set()
    found = set()
    for each in (code, *_nested_codes(code)):
        for _, _, line in each.co_lines():
            if line is not None:
                found.add((each.co_filename, line))
    return found


@contextlib.contextmanager
def _tracing(files: set[str], hit: set[tuple[str, int]]) -> Iterator[None]:
    """Record the executed lines of ``files``: a line tracer on their frames only."""
    Tracer = Callable[[FrameType, str, Any], Any]

    def local(frame: FrameType, event: str, arg: Any) -> Tracer | None:
        if event == "line":
            hit.add((frame.f_code.co_filename, frame.f_lineno))
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Tracer | None:
        if frame.f_code.co_filename in files:
            hit.add((frame.f_code.co_filename, frame.f_lineno))
            return local
        return None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        yield
    finally:
        sys.settrace(previous)


def _live_function(mutant: Mutant) -> FunctionType:
    """The function object the running reference calls for the mutant's function."""
    owner: Any = importlib.import_module(f"{PACKAGE}.{mutant.module}")
    parts = mutant.function.split(".")
    for part in parts[:-1]:
        owner = vars(owner)[part]
    target: Any = vars(owner)[parts[-1]]
    for _ in range(5):
        if isinstance(target, staticmethod | classmethod):
            target = target.__func__
        elif isinstance(target, property):
            target = target.fget
        elif hasattr(target, "__wrapped__"):
            target = target.__wrapped__
        else:
            break
    if not isinstance(target, FunctionType):
        raise LookupError(f"{mutant.key}: not a plain function")
    return target


def closures_of(files: Iterable[str]) -> dict[int, list[FunctionType]]:
    """The functions that live nested functions' code made, by the id of that code.

    A closure made while a module was imported (a decoder built by a factory
    for a module-level table) keeps its code when the factory's code is
    swapped, so the replay swaps the closures' code too [ADQ-3].
    """
    wanted = set(files)
    index: dict[int, list[FunctionType]] = {}
    for obj in gc.get_objects():
        if (
            isinstance(obj, FunctionType)
            and obj.__code__.co_filename in wanted
            and "<locals>" in obj.__code__.co_qualname
        ):
            index.setdefault(id(obj.__code__), []).append(obj)
    return index


def _nested_codes(code: CodeType) -> Iterator[CodeType]:
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield const
            yield from _nested_codes(const)


def _swap_closures(
    original: CodeType, mutated: CodeType, closures: dict[int, list[FunctionType]] | None
) -> list[tuple[FunctionType, CodeType]]:
    """Give the existing closures of ``original``'s nested functions their mutated code."""
    if not closures:
        return []
    changed = {c.co_qualname: c for c in _nested_codes(mutated)}
    swapped: list[tuple[FunctionType, CodeType]] = []
    for inner in _nested_codes(original):
        replacement = changed.get(inner.co_qualname)
        if replacement is None:
            continue
        for closure in closures.get(id(inner), []):
            try:
                closure.__code__ = replacement
            except ValueError:
                continue  # its free variables changed: leave it
            swapped.append((closure, inner))
    return swapped


def _clear_caches() -> None:
    """Forget every memoised result of the reference (a cached call would hide a mutant)."""
    for name, module in list(sys.modules.items()):
        if name != PACKAGE and not name.startswith(f"{PACKAGE}."):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def outcome_of(
    mutant: Mutant,
    status: str,
    vector: str = "",
    detail: str = "",
    covering: int = 0,
    replayed: int = 0,
    seconds: float = 0.0,
) -> Outcome:
    """The outcome record of ``mutant`` [ADQ-4]."""
    return Outcome(
        key=mutant.key,
        module=mutant.module,
        function=mutant.function,
        operator=mutant.operator,
        line=mutant.line,
        original=mutant.original,
        mutated=mutant.mutated,
        clauses=mutant.clauses,
        status=status,
        vector=vector,
        detail=detail,
        covering=covering,
        replayed=replayed,
        seconds=seconds,
    )


class InstallError(Exception):
    """The mutant cannot be installed in the live reference (it is *invalid* [ADQ-4])."""


@contextlib.contextmanager
def installed(
    mutant: Mutant,
    sources: dict[str, str],
    closures: dict[int, list[FunctionType]] | None = None,
) -> Iterator[None]:
    """The mutant installed in the live reference for the duration [ADQ-3].

    The function's code object is swapped (so every caller, whatever name it
    imported the function by, runs the mutant), the closures its nested
    functions made get their mutated code, and memoised results are forgotten
    before and after. Raises :class:`InstallError` when it cannot be installed.
    """
    try:
        function = _live_function(mutant)
        code: CodeType = mutated_code(sources[mutant.path], mutant)
        original = function.__code__
        function.__code__ = code
    except (LookupError, ValueError, SyntaxError) as exc:
        raise InstallError(str(exc)) from exc
    swapped = _swap_closures(original, code, closures)
    _clear_caches()
    try:
        yield
    finally:
        function.__code__ = original
        for inner, code_before in swapped:
            inner.__code__ = code_before
        _clear_caches()


def run_mutant(
    mutant: Mutant,
    baseline: Baseline,
    adapter: InProcessAdapter,
    sources: dict[str, str],
    closures: dict[int, list[FunctionType]] | None = None,
) -> Outcome:
    """Install one mutant, replay the vectors that execute it until one fails, uninstall [ADQ-3]."""
    covering = baseline.covering(mutant)
    if not covering:
        # a function the module calls while it is imported ran before any vector [ADQ-4]
        return outcome_of(mutant, "import-time" if mutant.import_time else "uncovered")
    started = time.perf_counter()
    status, vector, detail, replayed = "survived", "", "", 0
    try:
        with installed(mutant, sources, closures):
            for index in covering:
                replayed += 1
                limit = max(MIN_TIMEOUT, TIMEOUT_FACTOR * baseline.seconds[index])
                try:
                    with _time_limit(limit):
                        result = runner.replay_vector(adapter, baseline.vectors[index], "full")
                except _Timeout:
                    status, vector = "timeout", baseline.vectors[index]["id"]
                    detail = f"ran past {limit:.1f} s"
                    break
                except RecursionError as exc:
                    status, vector, detail = "killed", baseline.vectors[index]["id"], str(exc)
                    break
                finally:
                    adapter.stop()
                if result.status != "pass":
                    status, vector, detail = (
                        "killed",
                        result.id,
                        f"{result.status}: {result.headline()}",
                    )
                    break
    except InstallError as exc:
        return outcome_of(mutant, "invalid", detail=str(exc), covering=len(covering))
    return outcome_of(
        mutant,
        status,
        vector=vector,
        detail=detail[:300],
        covering=len(covering),
        replayed=replayed,
        seconds=time.perf_counter() - started,
    )


@attrs.frozen
class Measurement:
    """A run's outcomes and what it was run on."""

    outcomes: tuple[Outcome, ...]
    info: dict[str, Any]


def measure(
    mutants: Sequence[Mutant],
    vectors: list[dict[str, Any]],
    ledger: dict[str, str],
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Measurement:
    """Run every mutant against the vectors [ADQ-3]; survivors in the ledger are equivalent [ADQ-6]."""
    codec = _pristine_codec()
    adapter = InProcessAdapter(codec)
    sources = {m.path: Path(m.path).read_text() for m in mutants}
    outcomes: list[Outcome] = []
    with _comparing_with(codec):
        started = time.perf_counter()
        baseline = trace_baseline(vectors, sources, adapter)
        traced = time.perf_counter() - started
        closures = closures_of(sources)
        for mutant in mutants:
            outcome = run_mutant(mutant, baseline, adapter, sources, closures)
            if outcome.status in ("survived", "uncovered") and mutant.key in ledger:
                outcome = attrs.evolve(outcome, status="equivalent", detail=ledger[mutant.key])
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    failing = [v["id"] for v, ok in zip(vectors, baseline.passing, strict=True) if not ok]
    info = {
        "vectors": len(vectors),
        "vectors_failing_unmutated": failing,
        "trace_seconds": round(traced, 1),
        "mutate_seconds": round(sum(o.seconds for o in outcomes), 1),
    }
    return Measurement(tuple(outcomes), info)


# --- scores -------------------------------------------------------------------------------------


@attrs.frozen
class Score:
    """Counts of one group of mutants; the score leaves out the equivalent and invalid [ADQ-5]."""

    killed: int = 0
    survived: int = 0
    uncovered: int = 0
    equivalent: int = 0
    invalid: int = 0
    import_time: int = 0
    out_of_scope: int = 0

    @property
    def counted(self) -> int:
        return self.killed + self.survived + self.uncovered

    @property
    def score(self) -> float:
        """Killed over the non-equivalent mutants, in percent (100 for none)."""
        return 100.0 * self.killed / self.counted if self.counted else 100.0

    @property
    def covered_score(self) -> float:
        """Killed over the non-equivalent mutants some vector executes, in percent."""
        covered = self.killed + self.survived
        return 100.0 * self.killed / covered if covered else 100.0

    def add(self, status: str) -> Score:
        field = "killed" if status in KILLED else status.replace("-", "_")
        return attrs.evolve(self, **{field: getattr(self, field) + 1})


def scores(outcomes: Iterable[Outcome], by: Callable[[Outcome], Iterable[str]]) -> dict[str, Score]:
    """Scores grouped by ``by`` (a mutant may count in several groups, e.g. clauses)."""
    table: dict[str, Score] = {}
    for outcome in outcomes:
        for group in by(outcome):
            table[group] = table.get(group, Score()).add(outcome.status)
    return dict(sorted(table.items()))


def by_oracle(outcomes: Iterable[Outcome]) -> dict[str, list[Outcome]]:
    """The outcomes of each oracle, in the order of :data:`ORACLE_ORDER`."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.oracle, []).append(outcome)
    return {name: groups[name] for name in sorted(groups, key=oracle_order)}


ORACLE_ORDER = ("vectors", "models", "proofs")


def oracle_order(name: str) -> int:
    return ORACLE_ORDER.index(name) if name in ORACLE_ORDER else len(ORACLE_ORDER)


def overall(outcomes: Iterable[Outcome]) -> Score:
    return scores(outcomes, lambda o: ("all",)).get("all", Score())


def by_module(outcome: Outcome) -> tuple[str]:
    return (outcome.module,)


def by_operator(outcome: Outcome) -> tuple[str]:
    return (outcome.operator,)


def by_clause(outcome: Outcome) -> tuple[str, ...]:
    return outcome.clauses or ("(none)",)


def operator_order(name: str) -> int:
    return OPERATORS.index(name) if name in OPERATORS else len(OPERATORS)
