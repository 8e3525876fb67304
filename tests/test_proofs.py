"""The proof obligations and the runner.

Besides running every registered obligation, these tests check that the runner
can fail: false claims give counterexamples with concrete ints (which are then
confirmed by running the reference on them), contradictory hypotheses are
reported as vacuous, and lemmas are really checked. The "tightness" cases ask Z3
for the next stronger statement of a proved bound and confirm that it is false.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import z3

from phala_spec.primitives.arith import shr
from phala_spec.primitives.fixed import (
    FROM_FIXED_MAX,
    PHA,
    TO_FIXED_MAX_BALANCE,
    bdiv,
    bmul,
    from_fixed,
    mul,
    sqrt,
    to_fixed,
)
from phala_spec.primitives.perthings import Permill, Rounding, rational_mul_correction
from phala_spec.proofs import cli
from phala_spec.proofs.obligations import (
    COUNTEREXAMPLE,
    PROVED,
    REGISTRY,
    UNKNOWN,
    VACUOUS,
    Claim,
    Lemma,
    Obligation,
    discover,
    guards_of,
    prove,
    prove_one,
    select,
)

ONE = 1 << 64


def adhoc(build: Callable[[], Claim], ident: str = "TEST-P1") -> Obligation:
    return Obligation(id=ident, clauses=("TEST-1",), description="ad hoc", build=build)


def balance() -> tuple[Any, tuple[Any, ...]]:
    b = z3.Int("b")
    return b, (b >= 0, b <= TO_FIXED_MAX_BALANCE)


# --- the registered obligations ---------------------------------------------------


def test_every_registered_obligation_is_proved() -> None:
    obligations = discover()
    assert len(obligations) >= 20
    results = prove(obligations, timeout_ms=60_000)
    failed = {
        r.obligation.id: (r.status, r.counterexample, r.reason) for r in results if not r.proved
    }
    assert not failed


def test_obligations_cite_clauses_defined_in_the_spec() -> None:
    spec_dir = Path(__file__).parent.parent / "spec"
    spec = "\n".join(p.read_text(encoding="utf-8") for p in sorted(spec_dir.glob("*.md")))
    arithmetic = (spec_dir / "arithmetic.md").read_text(encoding="utf-8")
    for ob in discover():
        assert ob.clauses, ob.id
        for clause in ob.clauses:
            defined = re.search(rf"(\*\*\[{clause}\]|^#+ \[{clause}\])", spec, re.MULTILINE)
            assert defined, (ob.id, clause)
        if ob.id.startswith(("FIX-", "PERX-", "ARITH-")):
            assert f"| {ob.id} |" in arithmetic, ob.id


def test_select_by_id_or_clause() -> None:
    obligations = discover()
    assert [ob.id for ob in select(obligations, "fix-p1")] == [
        "FIX-P1",
        "FIX-P10",
        "FIX-P11",
        "FIX-P12",
        "FIX-P13",
        "FIX-P14",
        "FIX-P15",
        "FIX-P16",
    ]
    by_clause = select(obligations, "PERX-3")
    assert [ob.id for ob in by_clause] == ["PERX-P5"]
    assert select(obligations, None) == obligations


# --- the runner can fail ---------------------------------------------------------------


def test_false_claim_gives_a_concrete_counterexample() -> None:
    """'The round trip is always exact' is false; the counterexample is real."""

    def build() -> Claim:
        b, domain = balance()
        return Claim(from_fixed(to_fixed(b)) == b, domain)

    result = prove_one(adhoc(build))
    assert result.status == COUNTEREXAMPLE
    assert result.counterexample is not None
    b = result.counterexample["b"]
    assert isinstance(b, int)
    assert from_fixed(to_fixed(b)) != b
    assert b % 5**12 != 0


def test_contradictory_hypotheses_are_vacuous() -> None:
    def build() -> Claim:
        b, _ = balance()
        return Claim(b == 7, (b > 3, b < 2))

    assert prove_one(adhoc(build)).status == VACUOUS


def test_guards_are_hypotheses_of_a_claim() -> None:
    """A claim speaks about runs that return: to_fixed(b) returned, so b fits 80 bits."""

    def build() -> Claim:
        b = z3.Int("b")
        to_fixed(b)
        return Claim(b <= TO_FIXED_MAX_BALANCE, (b >= 0,))

    assert prove_one(adhoc(build)).status == PROVED


def test_cannot_fail_claims_use_guards_of() -> None:
    def build() -> Claim:
        b = z3.Int("b")
        return Claim(z3.And(*guards_of(lambda: to_fixed(b))), (b >= 0, b <= 1 << 80))

    result = prove_one(adhoc(build))
    assert result.status == COUNTEREXAMPLE
    assert result.counterexample == {"b": 1 << 80}


def test_hard_claim_within_a_tiny_timeout_is_unknown() -> None:
    def build() -> Claim:
        s, p = z3.Ints("s p")
        c = rational_mul_correction(s, p, Permill.ACCURACY, Rounding.NEAREST_PREF_DOWN)
        m = (s % Permill.ACCURACY) * p
        d = Permill.ACCURACY
        return Claim(
            z3.And(2 * m - d <= 2 * d * c, 2 * d * c < 2 * m + d), (s >= 0, p >= 0, p <= d)
        )

    assert prove_one(adhoc(build), timeout_ms=50).status == UNKNOWN


def test_a_false_lemma_fails_the_obligation() -> None:
    wrong = Lemma.of("wrong", ("x",), lambda x: Claim(x < 10, (x >= 0,)))

    def build() -> Claim:
        b, domain = balance()
        return Claim(b < 10, domain, uses=(wrong.at(b),))

    result = prove_one(adhoc(build))
    assert result.status == COUNTEREXAMPLE
    assert "lemma wrong" in result.reason


def test_a_lemma_used_outside_its_hypotheses_is_not_enough() -> None:
    small = Lemma.of("small", ("x",), lambda x: Claim(x < 10, (x >= 0, x < 5)))

    def build() -> Claim:
        b, domain = balance()
        return Claim(b < 10, domain, uses=(small.at(b),))

    assert prove_one(adhoc(build)).status == COUNTEREXAMPLE


# --- tightness: the next stronger statement is false -------------------------------------


def _confirm(result: Any, check: Callable[..., bool]) -> None:
    assert result.status == COUNTEREXAMPLE, result
    assert check(**result.counterexample)


def test_tight_round_trip_can_lose_a_planck() -> None:
    def build() -> Claim:
        b, domain = balance()
        return Claim(from_fixed(to_fixed(b)) == b, domain)

    _confirm(prove_one(adhoc(build)), lambda b: from_fixed(to_fixed(b)) == b - 1)


def test_tight_from_fixed_can_lose_a_full_planck() -> None:
    def build() -> Claim:
        v = z3.Int("v")
        return Claim(v * PHA < (from_fixed(v) + 1) * ONE, (v >= 0, v <= FROM_FIXED_MAX))

    _confirm(prove_one(adhoc(build)), lambda v: v * PHA >= (from_fixed(v) + 1) * ONE)


def test_tight_bmul_can_lose_a_planck_even_for_factor_one() -> None:
    def build() -> Claim:
        b, domain = balance()
        f = z3.Int("f")
        return Claim(b * f - bmul(b, f) * ONE < ONE, (*domain, f >= 0, f <= ONE))

    _confirm(prove_one(adhoc(build)), lambda b, f: b * f - bmul(b, f) * ONE >= ONE)


def test_tight_bdiv_loss_grows_for_small_divisors() -> None:
    """Without the 1/f term the bdiv bound is false."""

    def build() -> Claim:
        b, domain = balance()
        f = z3.Int("f")
        return Claim(256 * (b * ONE - bdiv(b, f) * f) < 257 * f, (*domain, b <= 10**6, f >= 1))

    _confirm(prove_one(adhoc(build)), lambda b, f: 256 * (b * ONE - bdiv(b, f) * f) >= 257 * f)


def test_tight_sqrt_square_can_fall_short_by_2_isqrt() -> None:
    def build() -> Claim:
        x = z3.Int("x")
        s = sqrt(x)
        return Claim(x - mul(s, s) < 2 * shr(s, 32), (x >= 1, x < 1 << 128))

    _confirm(prove_one(adhoc(build)), lambda x: x - mul(sqrt(x), sqrt(x)) == 2 * (sqrt(x) >> 32))


def test_tight_nearest_is_not_ties_up() -> None:
    def build() -> Claim:
        x, p = z3.Ints("x p")
        d = Permill.ACCURACY
        r = Permill(p) * x
        return Claim(2 * x * p - d < 2 * d * r, (x >= 0, p >= 0, p <= d))

    _confirm(
        prove_one(adhoc(build)),
        lambda x, p: 2 * x * p - Permill.ACCURACY == 2 * Permill.ACCURACY * (Permill(p) * x),
    )


# --- command line ------------------------------------------------------------------------


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_cli_runs_selected_obligations_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "proofs.json"
    assert cli.run(_args("-k", "PERX-3", "--json", str(out))) == 0
    data = json.loads(out.read_text())
    assert [(d["id"], d["status"]) for d in data] == [("PERX-P5", PROVED)]


def test_cli_exit_code_and_counterexample_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    discover()

    def build() -> Claim:
        b, domain = balance()
        return Claim(from_fixed(to_fixed(b)) == b, domain)

    monkeypatch.setitem(REGISTRY, "ZZZ-P1", adhoc(build, "ZZZ-P1"))
    out = tmp_path / "proofs.json"
    assert cli.run(_args("-k", "ZZZ", "--json", str(out))) == 1
    printed = capsys.readouterr().out
    assert "counterexample" in printed and "b = " in printed
    (entry,) = json.loads(out.read_text())
    assert entry["status"] == COUNTEREXAMPLE
    b = int(entry["counterexample"]["b"])
    assert from_fixed(to_fixed(b)) != b


def test_cli_no_match_is_an_error() -> None:
    from phala_spec.cli import CliError

    with pytest.raises(CliError, match="no obligation matches"):
        cli.run(_args("-k", "no-such-obligation"))
