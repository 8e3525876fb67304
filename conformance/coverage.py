"""Coverage measured, not declared: what each vector actually exercises [VEC-25].

Each vector is replayed in-process the way the runner consumes it [VEC-16]
(its genesis, then every step, its observations and the state commitment after
each step) while a profiler records every function of the reference that runs.
A function exercises the clauses its docstring cites (a range
``[ADP-1]..[ADP-13]`` cites every clause in it). A step's outcome, when it is
an error code, is an error code the vector exercises.

The clauses are those the specification defines; the *protocol* clauses are
all but the tooling chapters (the adapter protocol, the vectors, the models).
The error codes the reference can raise are read from its source: every code
a ``DispatchError`` is built with, directly or through a module's ``error``
helper. A committed list names the clauses and codes no vector can reach, each
with the reason; every other one must be exercised by a vector.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import pkgutil
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import CodeType, FrameType, ModuleType
from typing import Any

import attrs

CLAUSE = re.compile(r"\[([A-Z]+)-(\d+)([a-z]?)\]")
RANGE = re.compile(r"\[([A-Z]+)-(\d+)\]\s*\.\.\s*\[([A-Z]+)-(\d+)\]")
ERROR_CODE = re.compile(r"^[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)?$")
TOOLING_PREFIXES = ("ADP", "VEC", "MOD", "SIM", "ADQ")
"""Clause prefixes of the tooling chapters: not protocol rules an implementation must follow."""

REFERENCE_EXCLUDED = (
    "phala_spec.models",
    "phala_spec.proofs",
    "phala_spec.conformance",
    "phala_spec.bench",
    "phala_spec.cli",
    "phala_spec.__main__",
)
SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
EXEMPT_FILE = Path(__file__).resolve().parent / "coverage-exempt.toml"

CodeKey = tuple[str, int, str]
"""A function's code object as ``(file, first line, name)``."""


# --- what the specification defines -------------------------------------------------------


@attrs.frozen
class Clause:
    """A clause of the specification: its id, the chapter defining it, and whether it is withdrawn."""

    id: str
    chapter: str
    withdrawn: bool

    @property
    def protocol(self) -> bool:
        return self.id.split("-")[0] not in TOOLING_PREFIXES


def spec_clauses(spec_dir: Path = SPEC_DIR) -> dict[str, Clause]:
    """Every clause the specification defines (``**[ID]**`` or a heading ``# [ID]``), by id."""
    defined = re.compile(r"(?:^\*\*\[|^#+ \[|^- \*\*\[)([A-Z]+-\d+[a-z]?)\]", re.MULTILINE)
    found: dict[str, Clause] = {}
    for path in sorted(spec_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in defined.finditer(text):
            head = text[match.start() : text.find("\n", match.start())]
            withdrawn = "withdrawn" in head.lower()
            found.setdefault(match.group(1), Clause(match.group(1), path.name, withdrawn))
    return found


def cited(text: str | None) -> frozenset[str]:
    """The clause ids a text cites, ranges expanded (``[ADP-1]..[ADP-3]`` is three)."""
    if not text:
        return frozenset()
    ids = {f"{p}-{n}{s}" for p, n, s in CLAUSE.findall(text)}
    for first, low, last, high in RANGE.findall(text):
        if first == last:
            ids.update(f"{first}-{n}" for n in range(int(low), int(high) + 1))
    return frozenset(ids)


# --- the reference's functions and the clauses they cite -------------------------------


def reference_modules() -> list[ModuleType]:
    """Every module of the reference (not the models, proofs, conformance or tooling)."""
    import phala_spec

    modules = [phala_spec]
    for info in pkgutil.walk_packages(phala_spec.__path__, "phala_spec."):
        if info.name.startswith(REFERENCE_EXCLUDED):
            continue
        modules.append(importlib.import_module(info.name))
    return modules


def code_key(code: CodeType) -> CodeKey:
    return (code.co_filename, code.co_firstlineno, code.co_name)


def clause_index(modules: Iterable[ModuleType] | None = None) -> dict[CodeKey, frozenset[str]]:
    """Each function (and method) of the reference whose docstring cites clauses, by code."""
    index: dict[CodeKey, frozenset[str]] = {}

    def visit(fn: Any) -> None:
        fn = inspect.unwrap(fn)
        code = getattr(fn, "__code__", None)
        if code is None:
            return
        clauses = cited(fn.__doc__)
        if clauses:
            index[code_key(code)] = clauses

    for module in modules if modules is not None else reference_modules():
        for value in vars(module).values():
            if getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(value):
                # A record's clauses count when one is built: its (generated) ``__init__``.
                init = vars(value).get("__init__")
                init_code = getattr(init, "__code__", None)
                if init_code is not None and cited(value.__doc__):
                    index[code_key(init_code)] = cited(value.__doc__) | index.get(
                        code_key(init_code), frozenset()
                    )
                for member in vars(value).values():
                    target = (
                        member.__func__
                        if isinstance(member, classmethod | staticmethod)
                        else member
                    )
                    if isinstance(target, property):
                        for part in (target.fget, target.fset):
                            if part is not None:
                                visit(part)
                    elif callable(target):
                        visit(target)
            elif callable(value):
                visit(value)
        _nested(module, index)
    return index


def _nested(module: ModuleType, index: dict[CodeKey, frozenset[str]]) -> None:
    """Functions defined inside functions: found through their parents' code constants."""
    stack: list[CodeType] = []
    for value in vars(module).values():
        code = getattr(inspect.unwrap(value), "__code__", None) if callable(value) else None
        if code is not None and code.co_filename == getattr(module, "__file__", None):
            stack.append(code)
    while stack:
        code = stack.pop()
        for const in code.co_consts:
            if isinstance(const, CodeType):
                doc = const.co_consts[0] if const.co_consts else None
                if isinstance(doc, str) and cited(doc):
                    index.setdefault(code_key(const), cited(doc))
                stack.append(const)


# --- the error codes the reference can raise ----------------------------------------------


def _evaluate(node: ast.expr, namespace: Mapping[str, Any]) -> Any:
    expression = ast.Expression(body=node)
    ast.fix_missing_locations(expression)
    return eval(compile(expression, "<coverage>", "eval"), dict(namespace))


def _helpers(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """Module functions whose body returns ``DispatchError(<expression of the parameters>)``."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            last = node.body[-1]
            if (
                isinstance(last, ast.Return)
                and isinstance(last.value, ast.Call)
                and isinstance(last.value.func, ast.Name)
                and last.value.func.id == "DispatchError"
                and last.value.args
            ):
                found[node.name] = node
    return found


def _codes_of(node: ast.expr, namespace: Mapping[str, Any]) -> set[str] | None:
    """The codes an expression can take: a constant, or every value of a module-level table."""
    try:
        value = _evaluate(node, namespace)
    except Exception:
        if isinstance(node, ast.Subscript):
            try:
                table = _evaluate(node.value, namespace)
            except Exception:
                return None
            if isinstance(table, Mapping):
                return {v for v in table.values() if isinstance(v, str)}
        return None
    return {value} if isinstance(value, str) else None


def error_sites(
    modules: Iterable[ModuleType] | None = None,
) -> tuple[dict[str, list[str]], list[str]]:
    """Every error code the reference's source raises, with its sites; and the sites it cannot read.

    A site is ``DispatchError(code, ...)`` or a call of a module helper that
    returns one; a parameter the helper cannot resolve (a collective's
    instance) is tried with each name of the module's ``INSTANCES``. The
    subclasses of ``DispatchError`` that take no code are instantiated.
    """
    from phala_spec.primitives.errors import DispatchError

    codes: dict[str, list[str]] = {}
    unread: list[str] = []
    for module in modules if modules is not None else reference_modules():
        path = getattr(module, "__file__", None)
        if not path:
            continue
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        namespace = {**_local_imports(tree, module), **vars(module)}
        helpers = _helpers(tree)
        instances = list(namespace.get("INSTANCES", {}) or [])
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            site = f"{module.__name__}:{node.lineno}"
            found: set[str] | None = None
            helper, home = _helper_of(node.func, helpers, namespace, module)
            if isinstance(node.func, ast.Name) and node.func.id == "DispatchError":
                if any(node is h.body[-1].value for h in helpers.values()):  # type: ignore[attr-defined]
                    continue
                found = _codes_of(node.args[0], namespace)
            elif helper is not None and home is not None:
                found = _through_helper(helper, node, namespace, vars(home), instances)
            else:
                continue
            if found is None:
                unread.append(site)
                continue
            for code in found:
                codes.setdefault(code, []).append(site)
        for value in namespace.values():
            if (
                inspect.isclass(value)
                and issubclass(value, DispatchError)
                and value is not DispatchError
                and value.__module__ == module.__name__
            ):
                try:
                    code = value().code  # type: ignore[call-arg]
                except TypeError:
                    continue
                codes.setdefault(code, []).append(f"{module.__name__}.{value.__name__}")
    return codes, unread


def _helper_of(
    func: ast.expr,
    helpers: Mapping[str, ast.FunctionDef],
    namespace: Mapping[str, Any],
    module: ModuleType,
) -> tuple[ast.FunctionDef | None, ModuleType | None]:
    """The error helper a call names: ``error(...)`` here, or ``base_pool.error(...)``."""
    if isinstance(func, ast.Name):
        return helpers.get(func.id), module
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        other = namespace.get(func.value.id)
        path = getattr(other, "__file__", None) if isinstance(other, ModuleType) else None
        if other is not None and path is not None and other.__name__.startswith("phala_spec."):
            return _helpers(ast.parse(Path(path).read_text(encoding="utf-8"))).get(func.attr), other
    return None, None


def _local_imports(tree: ast.Module, module: ModuleType) -> dict[str, Any]:
    """The names imported inside the module's functions (``from ..x import CODE``)."""
    names: dict[str, Any] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        try:
            source = importlib.import_module("." * node.level + node.module, module.__package__)
        except ImportError:
            continue
        for alias in node.names:
            if hasattr(source, alias.name):
                names[alias.asname or alias.name] = getattr(source, alias.name)
    return names


def _through_helper(
    helper: ast.FunctionDef,
    call: ast.Call,
    namespace: Mapping[str, Any],
    home: Mapping[str, Any],
    instances: list[str],
) -> set[str] | None:
    """The codes a call of an error helper builds: its arguments bound in the helper's module."""
    built = helper.body[-1].value.args[0]  # type: ignore[attr-defined]
    used = {n.id for n in ast.walk(built) if isinstance(n, ast.Name)}
    params = [a.arg for a in helper.args.args]
    choices: list[list[Any]] = []
    for param, arg in zip(params, call.args, strict=False):
        if param not in used:  # the detail text, say: it does not make the code
            choices.append([None])
            continue
        try:
            choices.append([_evaluate(arg, namespace)])
        except Exception:
            if param != "instance" or not instances:
                return None
            choices.append(instances)
    out: set[str] = set()

    def bind(i: int, bound: dict[str, Any]) -> None:
        if i == len(choices):
            value = _evaluate(built, {**home, **bound})
            if isinstance(value, str):
                out.add(value)
            return
        for choice in choices[i]:
            bind(i + 1, {**bound, params[i]: choice})

    try:
        bind(0, {})
    except Exception:
        return None
    return out


# --- tracing a vector -------------------------------------------------------------------


@attrs.frozen
class Trace:
    """What replaying one vector exercised: the clauses and the error codes."""

    id: str
    suite: str
    clauses: frozenset[str]
    errors: frozenset[str]


def clear_caches(modules: Iterable[ModuleType]) -> None:
    """Empty the reference's memo caches, so a trace does not depend on what ran before it.

    Clearing them before every vector would triple the cost of a trace (key
    derivation, decoding tables), so :func:`trace_all` clears them once: a
    memoised function counts for the first vector that computes it.
    """
    for module in modules:
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)) and (
                getattr(value, "__module__", None) == module.__name__
            ):
                value.cache_clear()


def replay(vector: Mapping[str, Any]) -> list[str]:
    """Consume a vector in-process as the runner does [VEC-16]; returns the steps' outcomes."""
    from phala_spec.network import commitments, genesis_state, observe
    from phala_spec.primitives.errors import InvalidInput
    from phala_spec.steps import apply_step

    from .schema import REFUSED

    genesis = vector["genesis"]
    if vector["genesis_outcome"] == REFUSED:  # the checks that refuse it run [VEC-28]
        with contextlib.suppress(InvalidInput):
            genesis_state(genesis["preset"], genesis["overrides"])
        return []
    state = genesis_state(genesis["preset"], genesis["overrides"])
    outcomes = []
    for entry in vector["steps"]:
        if entry["expect"]["outcome"] == REFUSED:
            with contextlib.suppress(InvalidInput):
                apply_step(state, entry["step"])
            outcomes.append(REFUSED)
            continue
        result = apply_step(state, entry["step"])
        state = result.state
        outcomes.append(result.outcome)
        for obs in entry["expect"]["observations"]:
            if obs.get("outcome") == REFUSED:  # the view's checks run, then refuse [VEC-28]
                with contextlib.suppress(InvalidInput):
                    observe(state, obs["view"], obs["args"])
                continue
            observe(state, obs["view"], obs["args"])
    # The runner compares a commitment after every step; the functions that compute
    # one are the same each time, so the final state's stands for all (it is costly).
    commitments(state)
    return outcomes


def trace_vector(
    vector: Mapping[str, Any],
    index: Mapping[CodeKey, frozenset[str]],
) -> Trace:
    """Replay a vector under a profiler; the clauses of every function that ran [VEC-25]."""
    ran: set[CodeType] = set()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            ran.add(frame.f_code)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        outcomes = replay(vector)
    finally:
        sys.setprofile(previous)
    clauses: set[str] = set()
    for code in ran:
        clauses |= index.get(code_key(code), frozenset())
    errors = {o for o in outcomes if o != "ok" and ERROR_CODE.match(o)}
    return Trace(vector["id"], vector["suite"], frozenset(clauses), frozenset(errors))


def trace_all(
    files: Sequence[tuple[str, Path]], on_vector: Callable[[str], None] | None = None
) -> list[Trace]:
    """Trace every vector file, in order."""
    from .schema import load_vector

    modules = reference_modules()
    index = clause_index(modules)
    clear_caches(modules)
    traces = []
    for vector_id, path in files:
        if on_vector is not None:
            on_vector(vector_id)
        traces.append(trace_vector(load_vector(path), index))
    return traces


# --- the report ---------------------------------------------------------------------------


@attrs.frozen
class Exempt:
    """The clauses and error codes no vector exercises, each with the reason.

    ``untraceable`` ones no replayed step can exercise as a function (a
    property, a note, a constant); ``gaps`` are reachable and still lack a vector.
    """

    untraceable_clauses: Mapping[str, str] = attrs.field(factory=dict)
    untraceable_errors: Mapping[str, str] = attrs.field(factory=dict)
    gap_clauses: Mapping[str, str] = attrs.field(factory=dict)
    gap_errors: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def clauses(self) -> dict[str, str]:
        return {**self.untraceable_clauses, **self.gap_clauses}

    @property
    def errors(self) -> dict[str, str]:
        return {**self.untraceable_errors, **self.gap_errors}


def read_exempt(path: Path = EXEMPT_FILE) -> Exempt:
    """The committed list of clauses and codes without a vector [VEC-25]."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    untraceable, gaps = data.get("untraceable", {}), data.get("gaps", {})
    return Exempt(
        dict(untraceable.get("clauses", {})),
        dict(untraceable.get("errors", {})),
        dict(gaps.get("clauses", {})),
        dict(gaps.get("errors", {})),
    )


@attrs.frozen
class Coverage:
    """Which vectors exercise each clause and each error code, and what has none."""

    clauses: Mapping[str, Clause]
    codes: Mapping[str, Sequence[str]]
    by_clause: Mapping[str, tuple[str, ...]]
    by_error: Mapping[str, tuple[str, ...]]
    suites: tuple[str, ...]
    suite_clauses: Mapping[str, frozenset[str]]

    def missing_clauses(self, exempt: Exempt) -> list[str]:
        """Protocol clauses (not withdrawn, not exempt) that no vector exercises."""
        return [
            c.id
            for c in sorted(self.clauses.values(), key=_clause_order)
            if c.protocol
            and not c.withdrawn
            and c.id not in exempt.clauses
            and not self.by_clause.get(c.id)
        ]

    def missing_errors(self, exempt: Exempt) -> list[str]:
        """Error codes the reference can raise, not exempt, that no vector exercises."""
        return sorted(c for c in self.codes if c not in exempt.errors and not self.by_error.get(c))

    def stale(self, exempt: Exempt) -> list[str]:
        """Exempt entries that are no longer true: a vector exercises them, or they do not exist."""
        out = [
            f"clause {c}" for c in exempt.clauses if c not in self.clauses or self.by_clause.get(c)
        ]
        out += [f"error {e}" for e in exempt.errors if e not in self.codes or self.by_error.get(e)]
        return out


def _clause_order(clause: Clause) -> tuple[str, int, str]:
    prefix, _, rest = clause.id.partition("-")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return (prefix, int(digits or 0), rest)


def measure(traces: Sequence[Trace], spec_dir: Path = SPEC_DIR) -> Coverage:
    """Combine the traces with what the specification defines and the reference raises."""
    clauses = spec_clauses(spec_dir)
    codes, _ = error_sites()
    by_clause: dict[str, list[str]] = {}
    by_error: dict[str, list[str]] = {}
    suite_clauses: dict[str, set[str]] = {}
    for trace in traces:
        for clause in trace.clauses:
            by_clause.setdefault(clause, []).append(trace.id)
        for code in trace.errors:
            by_error.setdefault(code, []).append(trace.id)
        suite_clauses.setdefault(trace.suite, set()).update(trace.clauses)
    return Coverage(
        clauses,
        codes,
        {k: tuple(sorted(v)) for k, v in by_clause.items()},
        {k: tuple(sorted(v)) for k, v in by_error.items()},
        tuple(sorted(suite_clauses)),
        {k: frozenset(v) for k, v in suite_clauses.items()},
    )


BEGIN = "<!-- coverage matrix: generated by `phala-spec vectors coverage --write`; do not edit -->"
END = "<!-- end of coverage matrix -->"


def matrix(coverage: Coverage, exempt: Exempt) -> str:
    """The README's matrix: per chapter, its clauses exercised by each suite's vectors."""
    chapters: dict[str, list[Clause]] = {}
    for clause in sorted(coverage.clauses.values(), key=_clause_order):
        if not clause.withdrawn:
            chapters.setdefault(clause.chapter, []).append(clause)
    head = ["chapter", "clauses", "traced", *coverage.suites]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for chapter, members in sorted(chapters.items()):
        ids = {c.id for c in members}
        traced = sum(1 for c in members if coverage.by_clause.get(c.id))
        cells = [str(len(ids & coverage.suite_clauses[s]) or "") for s in coverage.suites]
        lines.append(f"| {chapter} | {len(ids)} | {traced} | " + " | ".join(cells) + " |")
    codes = list(coverage.codes)
    raised = sum(1 for c in codes if coverage.by_error.get(c))
    protocol = [c for c in coverage.clauses.values() if c.protocol and not c.withdrawn]
    traced_protocol = sum(1 for c in protocol if coverage.by_clause.get(c.id))
    summary = (
        f"Protocol clauses a vector exercises: {traced_protocol} of {len(protocol)} "
        f"({len(exempt.untraceable_clauses)} untraceable, {len(exempt.gap_clauses)} gaps); "
        f"error codes the reference raises that a vector returns: {raised} of {len(codes)} "
        f"({len(exempt.untraceable_errors)} untraceable, {len(exempt.gap_errors)} gaps). "
        "The counts per suite are the clauses of the chapter that the suite's vectors exercise."
    )
    return "\n".join([BEGIN, "", summary, "", *lines, "", END])


def replace_matrix(text: str, block: str) -> str:
    """``text`` with the generated block between the markers replaced by ``block``."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError("the README has no coverage matrix markers")
    return text[:start] + block + text[end + len(END) :]


def iter_missing(coverage: Coverage, exempt: Exempt) -> Iterator[str]:
    for clause in coverage.missing_clauses(exempt):
        yield f"clause {clause} ({coverage.clauses[clause].chapter}) has no vector"
    for code in coverage.missing_errors(exempt):
        yield f"error {code} (raised at {', '.join(coverage.codes[code])}) has no vector"
    for entry in coverage.stale(exempt):
        yield f"{entry} is listed as unreachable, but is exercised or no longer exists"
