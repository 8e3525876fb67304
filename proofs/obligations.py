"""Proof obligations: a registry and a runner.

An obligation is a named claim about the reference arithmetic, proved with Z3
over the *same* functions the reference runs (evaluated on Z3 integer terms).
Its builder returns a :class:`Claim`: hypotheses about the inputs and a goal.

The runner evaluates the builder inside :func:`phala_spec.arith.side_conditions`
and asks Z3 whether

    hypotheses ∧ facts ∧ guards ⇒ goal

holds for every value of the inputs. ``facts`` define fresh terms (the symbolic
integer square root); ``guards`` are the conditions under which the reference
computation does not raise (no overflow, no division by zero), so a claim speaks
about the runs that return a value. A claim about failure-freedom states it in
its goal instead (see :func:`guards_of`).

Statuses: ``proved`` (no counterexample exists), ``counterexample`` (Z3 found
inputs violating the goal; they are reported as ints), ``unknown`` (timeout or
incompleteness) and ``vacuous`` (the hypotheses contradict each other, so the
claim would be proved for nothing). Only ``proved`` counts as success.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import z3

from phala_spec.arith import SideConditions, side_conditions

PROVED = "proved"
COUNTEREXAMPLE = "counterexample"
UNKNOWN = "unknown"
VACUOUS = "vacuous"


@attrs.frozen
class Claim:
    """``given`` (a conjunction of hypotheses) implies ``goal``."""

    goal: Any
    given: tuple[Any, ...] = ()


@attrs.frozen
class Obligation:
    """A claim with a stable id (``FIX-P1``) and the spec clauses it proves."""

    id: str
    clauses: tuple[str, ...]
    description: str
    build: Callable[[], Claim]


@attrs.frozen
class Result:
    """The outcome of proving one obligation."""

    obligation: Obligation
    status: str
    seconds: float
    counterexample: Mapping[str, int] | None = None
    reason: str = ""

    @property
    def proved(self) -> bool:
        return self.status == PROVED

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.obligation.id,
            "clauses": list(self.obligation.clauses),
            "description": self.obligation.description,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            # ints can exceed JSON's safe range in some readers: keep them as decimal strings
            "counterexample": (
                {k: str(v) for k, v in self.counterexample.items()}
                if self.counterexample is not None
                else None
            ),
            "reason": self.reason,
        }


REGISTRY: dict[str, Obligation] = {}


def obligation(
    *, id: str, clauses: Sequence[str], description: str
) -> Callable[[Callable[[], Claim]], Obligation]:
    """Register the decorated claim builder as an obligation."""

    def register(build: Callable[[], Claim]) -> Obligation:
        if id in REGISTRY:
            raise ValueError(f"duplicate obligation id {id}")
        ob = Obligation(id=id, clauses=tuple(clauses), description=description, build=build)
        REGISTRY[id] = ob
        return ob

    return register


def discover(modules: Iterable[str] | None = None) -> tuple[Obligation, ...]:
    """Import the obligation modules and return every registered obligation, in id order."""
    if modules is None:
        from phala_spec.proofs import MODULES

        modules = MODULES
    for name in modules:
        importlib.import_module(name)
    return tuple(sorted(REGISTRY.values(), key=lambda ob: _id_key(ob.id)))


def _id_key(ident: str) -> tuple[Any, ...]:
    # "FIX-P10" sorts after "FIX-P9"
    prefix, _, number = ident.rpartition("P")
    return (prefix, int(number)) if number.isdigit() else (ident, 0)


def select(obligations: Iterable[Obligation], pattern: str | None) -> tuple[Obligation, ...]:
    """Obligations whose id or one of whose clauses contains ``pattern`` (case-insensitive)."""
    if not pattern:
        return tuple(obligations)
    needle = pattern.lower()
    return tuple(
        ob
        for ob in obligations
        if needle in ob.id.lower() or any(needle in c.lower() for c in ob.clauses)
    )


def guards_of(compute: Callable[[], object]) -> tuple[Any, ...]:
    """The guards (failure conditions) met while evaluating ``compute()`` symbolically.

    Use it to state that a computation cannot fail on a domain:
    ``Claim(goal=z3.And(*guards_of(lambda: to_fixed(b))), given=(domain,))``.
    """
    with side_conditions() as collected:
        compute()
    return tuple(collected.guards)


def _model_inputs(model: Any) -> dict[str, int]:
    values: dict[str, int] = {}
    for decl in model.decls():
        name = decl.name()
        if decl.arity() != 0 or "!" in name:  # skip fresh helper terms
            continue
        value = model[decl]
        if z3.is_int_value(value) or z3.is_bv_value(value):
            values[name] = value.as_long()
    return dict(sorted(values.items()))


def prove_one(ob: Obligation, timeout_ms: int = 20_000) -> Result:
    """Prove one obligation within ``timeout_ms`` milliseconds of solver time."""
    start = time.perf_counter()
    collected: SideConditions
    with side_conditions() as collected:
        claim = ob.build()
    hypotheses = [*claim.given, *collected.facts, *collected.guards]

    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*hypotheses)
    solver.push()
    solver.add(z3.Not(claim.goal))
    outcome = solver.check()
    if outcome == z3.sat:
        cex = _model_inputs(solver.model())
        return Result(ob, COUNTEREXAMPLE, time.perf_counter() - start, cex)
    if outcome == z3.unknown:
        return Result(ob, UNKNOWN, time.perf_counter() - start, reason=solver.reason_unknown())
    # unsat: proved, unless the hypotheses alone are already contradictory
    solver.pop()
    if solver.check() == z3.unsat:
        return Result(
            ob, VACUOUS, time.perf_counter() - start, reason="hypotheses are contradictory"
        )
    return Result(ob, PROVED, time.perf_counter() - start)


def prove(obligations: Iterable[Obligation], timeout_ms: int = 20_000) -> list[Result]:
    """Prove each obligation in turn; see :func:`prove_one`."""
    return [prove_one(ob, timeout_ms) for ob in obligations]
