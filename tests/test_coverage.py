"""Coverage measured by tracing the vectors [VEC-25]."""

from __future__ import annotations

from pathlib import Path

import pytest

from phala_spec.conformance import coverage as cov
from phala_spec.conformance.schema import load_vector
from phala_spec.conformance.store import PACKAGED_DIR, discover

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def traces() -> list[cov.Trace]:
    return cov.trace_all(discover(PACKAGED_DIR))


@pytest.fixture(scope="module")
def measured(traces: list[cov.Trace]) -> cov.Coverage:
    return cov.measure(traces)


def test_cited_expands_ranges() -> None:
    assert cov.cited("see [ADP-1]..[ADP-3] and [BAL-9]") == {"ADP-1", "ADP-2", "ADP-3", "BAL-9"}
    assert cov.cited(None) == frozenset()


def test_a_transfer_vector_exercises_its_clause_and_no_error() -> None:
    vector = load_vector(
        PACKAGED_DIR / "minimal/balances/transfer_allow_death/transfer_creates_destination.cbor"
    )
    trace = cov.trace_vector(vector, cov.clause_index())
    assert "BAL-10" in trace.clauses  # the call's rule ran
    assert "CODEC-3" in trace.clauses  # the commitment was computed
    assert trace.errors == frozenset()


def test_a_rejected_call_exercises_its_error_code() -> None:
    vector = load_vector(
        PACKAGED_DIR / "minimal/balances/transfer_allow_death/bad_origin_checked_before_funds.cbor"
    )
    outcomes = {entry["expect"]["outcome"] for entry in vector["steps"]} - {"ok"}
    trace = cov.trace_vector(vector, cov.clause_index())
    assert outcomes and trace.errors == outcomes


def test_every_outcome_of_every_vector_is_an_error_code_read_from_the_source(
    traces: list[cov.Trace],
) -> None:
    codes, unread = cov.error_sites()
    assert unread == []  # every DispatchError site's code was read
    returned = set().union(*(t.errors for t in traces))
    assert returned - set(codes) == set()


def test_every_protocol_clause_and_error_code_has_a_vector_or_a_listed_reason(
    measured: cov.Coverage,
) -> None:
    exempt = cov.read_exempt()
    assert list(cov.iter_missing(measured, exempt)) == []
    assert all(reason.strip() for reason in {**exempt.clauses, **exempt.errors}.values())


def test_the_check_fails_on_a_clause_without_a_vector_and_on_a_stale_entry(
    measured: cov.Coverage,
) -> None:
    traced = next(iter(sorted(measured.by_clause)))
    exempt = cov.read_exempt()
    gap = next(iter(exempt.untraceable_clauses))  # a clause no vector exercises, unlisted
    dropped = cov.Exempt(
        {k: v for k, v in exempt.untraceable_clauses.items() if k != gap},
        exempt.untraceable_errors,
        {**exempt.gap_clauses, traced: "stale"},
        exempt.gap_errors,
    )
    problems = list(cov.iter_missing(measured, dropped))
    assert any(p.startswith(f"clause {gap} ") for p in problems)
    assert any(p.startswith(f"clause {traced} is listed") for p in problems)


def test_the_readme_matrix_is_current(measured: cov.Coverage) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = cov.matrix(measured, cov.read_exempt())
    assert cov.replace_matrix(readme, block) == readme, (
        "run `phala-spec vectors coverage --write README.md`"
    )
