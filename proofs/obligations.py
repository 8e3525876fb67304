"""Proof obligations: a registry and a runner.

An obligation is a named claim about the reference arithmetic, proved with Z3
over the *same* functions the reference runs (evaluated on Z3 integer terms).
Its builder returns a :class:`Claim`: hypotheses about the inputs and a goal.

The runner evaluates the builder inside :func:`phala_spec.primitives.arith.side_conditions`
and asks Z3 whether

    hypotheses ∧ facts ∧ guards ⇒ goal

holds for every value of the inputs. ``facts`` define fresh terms (the symbolic
integer square root); ``guards`` are the conditions under which the reference
computation does not raise (no overflow, no division by zero), so a claim speaks
about the runs that return a value. A claim about failure-freedom states it in
its goal instead (see :func:`guards_of`).

When Z3 cannot find a proof in one go, a claim can *use* a :class:`Lemma`: a
claim over its own free variables, proved first on its own, then instantiated
at terms of the main claim. Each use adds the instantiated statement to the
hypotheses and the instantiated hypotheses of the lemma to the goal, so it is
a cut, not an assumption.

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

from phala_spec.primitives.arith import SideConditions, side_conditions

PROVED = "proved"
COUNTEREXAMPLE = "counterexample"
UNKNOWN = "unknown"
VACUOUS = "vacuous"


@attrs.frozen
class Claim:
    """``given`` (a conjunction of hypotheses) implies ``goal``.

    ``uses`` lists lemma instances the proof may rely on (see :class:`Lemma`).
    """

    goal: Any
    given: tuple[Any, ...] = ()
    uses: tuple[LemmaUse, ...] = ()


@attrs.frozen
class Lemma:
    """A claim over the free integer variables ``params``, proved where used, used at terms.

    Build one with :meth:`of`; the reference functions the statement calls are
    evaluated each time an obligation that uses the lemma is proved (so a
    changed reference function, such as a mutant [ADQ-9], changes the lemma
    too), and their guards become hypotheses of the lemma (so a use must show
    they hold at the instance). Lemmas may not create fresh terms (no
    symbolic ``isqrt``): one definition could then be reused at two terms.
    """

    name: str
    params: tuple[Any, ...]
    build: Callable[..., Claim]

    @classmethod
    def of(cls, name: str, params: Sequence[str], build: Callable[..., Claim]) -> Lemma:
        """Create the variables ``params`` (z3 Ints) and check the claim over them builds."""
        lemma = cls(name, tuple(z3.Int(f"{name}.{p}") for p in params), build)
        lemma.evaluate()
        return lemma

    def evaluate(self) -> tuple[Claim, tuple[Any, ...]]:
        """The claim over the parameters and the guards its evaluation met."""
        with side_conditions() as collected:
            claim = self.build(*self.params)
        if collected.facts:
            raise ValueError(f"lemma {self.name} defines fresh terms; state it without them")
        return claim, tuple(collected.guards)

    @property
    def claim(self) -> Claim:
        return self.evaluate()[0]

    @property
    def guards(self) -> tuple[Any, ...]:
        return self.evaluate()[1]

    def at(self, *terms: Any) -> LemmaUse:
        """This lemma instantiated with ``terms`` for its parameters, in order."""
        if len(terms) != len(self.params):
            raise ValueError(f"lemma {self.name} takes {len(self.params)} terms")
        return LemmaUse(self, tuple(terms))


@attrs.frozen
class LemmaUse:
    """A lemma at particular terms: its goal becomes a hypothesis, its hypotheses goals."""

    lemma: Lemma
    terms: tuple[Any, ...]

    def _subst(self, expr: Any) -> Any:
        return z3.substitute(expr, *zip(self.lemma.params, self.terms, strict=True))

    def statement_of(self, claim: Claim) -> Any:
        """The lemma's goal at the terms, for the lemma evaluated as ``claim``."""
        return self._subst(claim.goal)

    def premise_of(self, claim: Claim, guards: Sequence[Any]) -> Any:
        """The lemma's hypotheses and guards at the terms."""
        return self._subst(z3.And(*claim.given, *guards))

    @property
    def statement(self) -> Any:
        return self.statement_of(self.lemma.claim)

    @property
    def premise(self) -> Any:
        return self.premise_of(*self.lemma.evaluate())


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


def _in(ctx: Any, formula: Any) -> Any:
    """``formula`` (a Z3 Boolean or a plain bool) as a term of ``ctx``."""
    if isinstance(formula, bool):
        return z3.BoolVal(formula, ctx)
    return formula.translate(ctx)


def _check(
    hypotheses: Sequence[Any], goal: Any, timeout_ms: int
) -> tuple[str, dict[str, int] | None, str]:
    """Decide ``hypotheses => goal``: (status, counterexample, reason).

    The formulas are copied into a fresh Z3 context, so the solver's heuristics
    (and the time a proof takes) do not depend on what was built before.
    """
    ctx = z3.Context()
    solver = z3.Solver(ctx=ctx)
    solver.set("timeout", timeout_ms)
    solver.add(*(_in(ctx, h) for h in hypotheses))
    solver.push()
    solver.add(z3.Not(_in(ctx, goal)))
    outcome = solver.check()
    if outcome == z3.sat:
        return COUNTEREXAMPLE, _model_inputs(solver.model()), ""
    if outcome == z3.unknown:
        return UNKNOWN, None, solver.reason_unknown()
    # unsat: proved, unless the hypotheses alone are already contradictory
    solver.pop()
    if solver.check() == z3.unsat:
        return VACUOUS, None, "hypotheses are contradictory"
    return PROVED, None, ""


def prove_one(ob: Obligation, timeout_ms: int = 20_000) -> Result:
    """Prove one obligation, each solver call within ``timeout_ms`` milliseconds."""
    start = time.perf_counter()
    collected: SideConditions
    with side_conditions() as collected:
        claim = ob.build()

    lemmas: dict[str, Lemma] = {}
    for use in claim.uses:
        if lemmas.setdefault(use.lemma.name, use.lemma) is not use.lemma:
            raise ValueError(f"{ob.id}: two different lemmas are named {use.lemma.name}")
    # each lemma evaluated once for this proof: its own check and every use agree
    evaluated = {name: lemma.evaluate() for name, lemma in lemmas.items()}
    for name, (lemma_claim, lemma_guards) in evaluated.items():
        status, cex, reason = _check(
            [*lemma_claim.given, *lemma_guards], lemma_claim.goal, timeout_ms
        )
        if status != PROVED:
            why = f"lemma {name}: {status}" + (f" ({reason})" if reason else "")
            return Result(ob, status, time.perf_counter() - start, cex, why)

    hypotheses = [
        *claim.given,
        *collected.facts,
        *collected.guards,
        *(use.statement_of(evaluated[use.lemma.name][0]) for use in claim.uses),
    ]
    goal = z3.And(claim.goal, *(use.premise_of(*evaluated[use.lemma.name]) for use in claim.uses))
    status, cex, reason = _check(hypotheses, goal, timeout_ms)
    return Result(ob, status, time.perf_counter() - start, cex, reason)


def prove(obligations: Iterable[Obligation], timeout_ms: int = 20_000) -> list[Result]:
    """Prove each obligation in turn; see :func:`prove_one`."""
    return [prove_one(ob, timeout_ms) for ob in obligations]
