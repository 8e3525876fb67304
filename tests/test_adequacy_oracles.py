"""`phala-spec adequacy --against models|proofs`: the same mutants judged by the models and the proofs [ADQ-8]..[ADQ-10].

Small stand-ins keep these tests fast: a model written here that checks one
rule's table and only runs another, and two of the registered obligations.
The model imports the reference's functions by name, as the real models and
proofs do, so the tests also show that an installed mutant is what they run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from phala_spec.chain.democracy_state import (
    SIMPLE_MAJORITY,
    SUPER_MAJORITY_APPROVE,
    PriorLock,
    Tally,
)
from phala_spec.cli import main
from phala_spec.conformance import adequacy, oracles
from phala_spec.conformance.mutation import Mutant
from phala_spec.pallets.governance.democracy_arithmetic import (
    approved,
    compare_rationals,
    lock_periods,
    rejig,
)
from phala_spec.proofs.obligations import REGISTRY, Claim, Lemma, discover, prove_one

LOCK_PERIODS = (0, 1, 2, 4, 8, 16, 32)  # [DEM-8], written out


class LockMachine(RuleBasedStateMachine):
    """Checks ``lock_periods`` against [DEM-8]'s table; runs other rules, checking nothing."""

    @rule(conviction=st.integers(0, 6), ayes=st.integers(0, 100), nays=st.integers(0, 100))
    def vote(self, conviction: int, ayes: int, nays: int) -> None:
        assert lock_periods(conviction) == LOCK_PERIODS[conviction]
        compare_rationals(ayes, 1, nays, 1)
        rejig(PriorLock(ayes, nays), conviction)
        for kind in (SUPER_MAJORITY_APPROVE, SIMPLE_MAJORITY):
            approved(kind, Tally(ayes, nays, ayes + nays), 1000)


def mutant(function: str, operator: str, original: str, mutated: str) -> Mutant:
    modules = adequacy.rule_modules("democracy_arithmetic")
    found = [
        m
        for m in adequacy.all_mutants(modules)
        if (m.function, m.operator, m.original, m.mutated)
        == (function, operator, original, mutated)
    ]
    assert found, (function, operator, original, mutated)
    return found[0]


@pytest.fixture(scope="module")
def planted() -> dict[str, Mutant]:
    return {
        # lock_periods(2) becomes 1 << 3 = 8: the table in the model notices
        "model kills": mutant("lock_periods", "arithmetic", "conviction - 1", "- → +"),
        # an expired prior lock keeps an end of 1: DEM-P10 states that it is forgotten, the
        # model only runs the rule
        "proof kills": mutant("rejig", "constant", "0", "1"),
        # super-majority approve judged as against: the model checks no verdict, and DEM-P4
        # (no turnout never passes) holds whatever the comparison is
        "neither": mutant(
            "threshold_holds",
            "negate",
            "threshold == SUPER_MAJORITY_APPROVE",
            "threshold != SUPER_MAJORITY_APPROVE",
        ),
    }


def by_key(measurement: adequacy.Measurement) -> dict[str, adequacy.Outcome]:
    return {o.key: o for o in measurement.outcomes}


def test_a_model_kills_what_it_checks_and_lets_through_what_it_only_runs(planted):
    """[ADQ-8]: killed when a model that executes the mutant fails; the killer is the model."""
    chosen = list(planted.values())
    started = time.perf_counter()
    measured = oracles.measure_models(chosen, ledger={}, models={"locks": LockMachine})
    assert time.perf_counter() - started < 60
    outcome = by_key(measured)
    killed = outcome[planted["model kills"].key]
    assert (killed.status, killed.vector, killed.oracle) == ("killed", "locks", "models")
    assert "AssertionError" in killed.detail
    for name in ("proof kills", "neither"):
        assert outcome[planted[name].key].status == "survived", name
        assert outcome[planted[name].key].covering == 1
    assert measured.info["models_failing_unmutated"] == []
    # the mutant is uninstalled afterwards: the rule is the reference's again
    assert [lock_periods(c) for c in range(7)] == list(LOCK_PERIODS)


def test_a_proof_kills_what_it_states_and_outside_its_modules_nothing_is_scored(planted):
    """[ADQ-9]: killed when a covering obligation is no longer proved; other modules are out of scope."""
    discover()
    obligations = [REGISTRY["DEM-P4"], REGISTRY["DEM-P10"]]
    outside = next(
        m
        for m in adequacy.all_mutants(adequacy.rule_modules("wrapped_balances"))
        if not m.import_time
    )
    unrun = mutant("lock_periods", "arithmetic", "conviction - 1", "- → +")
    # `//` on a symbolic integer: DEM-P4 evaluates the comparison but cannot on this mutant
    unevaluable = mutant("compare_rationals", "arithmetic", "n1 * d2", "* → //")
    chosen = [*planted.values(), unrun, unevaluable, outside]
    measured = oracles.measure_proofs(chosen, {}, obligations=obligations)
    outcome = by_key(measured)
    killed = outcome[planted["proof kills"].key]
    assert (killed.status, killed.vector, killed.oracle) == ("killed", "DEM-P10", "proofs")
    assert killed.detail.startswith("counterexample")
    assert outcome[planted["model kills"].key].status == "uncovered"  # no given obligation runs it
    assert outcome[planted["neither"].key].status == "survived"
    assert outcome[unrun.key].status == "uncovered"  # in a covered module, on a line no proof runs
    assert outcome[unevaluable.key].status == "invalid"
    assert outcome[outside.key].status == "out-of-scope"
    assert measured.info["modules_in_scope"] == ["pallets.governance.democracy_arithmetic"]
    # invalid and out-of-scope mutants leave the denominator [ADQ-9]
    score = adequacy.overall(measured.outcomes)
    assert (score.counted, score.invalid, score.out_of_scope, score.killed) == (4, 1, 1, 1)
    # and the reference is unmutated again: the obligation is proved
    assert prove_one(REGISTRY["DEM-P10"]).proved


def test_a_ledger_entry_killed_by_another_oracle_is_reported(tmp_path: Path, capsys):
    """[ADQ-6] [ADQ-10]: reports of several oracles merge side by side; a killed entry is flagged."""
    base = dict(
        module="pallets.x",
        function="f",
        operator="constant",
        line=1,
        original="1",
        mutated="2",
        clauses=(),
    )
    reports = {
        "vectors": ["killed", "survived", "survived"],
        "models": ["survived", "killed", "uncovered"],
        "proofs": ["out-of-scope", "out-of-scope", "out-of-scope"],
    }
    paths = []
    for oracle, statuses in reports.items():
        outcomes = [
            adequacy.Outcome(key=f"pallets.x.f/constant/{i}", status=s, oracle=oracle, **base)
            for i, s in enumerate(statuses)
        ]
        path = tmp_path / f"{oracle}.json"
        info = {"modules": "all", "sample": 3, "shard": "1/1"}
        path.write_text(json.dumps({"info": info, "outcomes": [o.to_json() for o in outcomes]}))
        paths.append(str(path))
    ledger = tmp_path / "ledger.toml"
    ledger.write_text('[[equivalent]]\nmutant = "pallets.x.f/constant/1"\nreason = "r"\n')
    markdown = tmp_path / "scores.md"
    code = main(
        ["adequacy", "--merge", *paths, "--ledger", str(ledger), "--markdown", str(markdown)]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "ledger entry not borne out (killed, or no such mutant): pallets.x.f/constant/1" in out
    rows = [line.split() for line in out.splitlines()]
    header = ["module", "mutants", "vectors", "%", "executed", "models", "%", "executed"]
    assert [*header, "proofs", "%", "executed"] in rows
    # vectors: 1 killed of 2 (the ledger's survivor leaves); models: 1 of 3 (the entry they
    # kill stays in); proofs: nothing in scope
    assert ["pallets.x", "3", "50.0", "2/2", "33.3", "2/3", "not", "covered"] in rows
    text = markdown.read_text()
    assert "| module | mutants | vectors % | executed | models % | executed | proofs % |" in text
    assert "Proofs: **100.0 %** of 0 non-equivalent mutants killed" in text
    assert "3 not covered by proofs" in text


def test_against_names_each_oracle_once():
    """[ADQ-10]: `--against` repeats or takes a comma list; vectors by default; anything else refused."""
    from phala_spec.conformance.cli_adequacy import _oracles

    assert _oracles([]) == ("vectors",)
    assert _oracles(["models,proofs", "models"]) == ("models", "proofs")
    with pytest.raises(ValueError):
        _oracles(["fuzz"])
    assert main(["adequacy", "--against", "fuzz", "--list"]) == 2


def test_lemmas_are_evaluated_where_they_are_used():
    """[ADQ-9]: a lemma evaluates the reference when a proof uses it, so a mutant reaches it too."""
    import z3

    bound = [10]
    lemma = Lemma.of("below", ("x",), lambda x: Claim(x < bound[0], (x >= 0, x < 5)))
    assert prove_one_using(lemma).proved
    bound[0] = 3  # the function the lemma calls changes after the lemma was made
    result = prove_one_using(lemma)
    assert not result.proved and "lemma below" in result.reason
    assert z3.is_expr(lemma.claim.goal)


def prove_one_using(lemma: Lemma):
    import z3

    from phala_spec.proofs.obligations import Obligation

    def build() -> Claim:
        x = z3.Int("x")
        return Claim(x < 10, (x >= 0, x < 5), uses=(lemma.at(x),))

    return prove_one(Obligation("T-P1", (), "test", build))


def test_a_run_that_swallows_the_alarm_is_still_stopped():
    """[ADQ-8]: the time limit re-fires until the run ends, and the caller learns it expired."""
    started = time.perf_counter()
    with pytest.raises(adequacy._Timeout), oracles._deadline(0.05) as expired:
        try:
            while True:
                pass
        except adequacy._Timeout:
            pass  # a library that catches it once and goes on
        while True:
            pass
    assert expired[0]
    assert time.perf_counter() - started < 5
