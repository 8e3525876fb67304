"""``phala-spec fuzz --adapter``: planted bugs are found within a stated budget [VEC-26]."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from phala_spec.conformance.client import AdapterProcess
from phala_spec.conformance.differential import DIVERGED, fuzz_models
from phala_spec.conformance.runner import run_vector
from phala_spec.conformance.schema import load_vector

PLANTED = Path(__file__).parent / "adapters" / "planted.py"

# bug planted in a copy of the reference -> (model, runs, steps per run): the budget
BUDGETS = {
    "balance_low_at_equal": ("balances", 30, 20),
    "transfer_event_to_sender": ("balances", 30, 20),
    "frozen_is_sum_of_locks": ("balances", 100, 40),
}


def planted(bug: str) -> list[str]:
    return [sys.executable, str(PLANTED), bug]


@pytest.mark.parametrize(
    "bug",
    [
        pytest.param(bug, marks=pytest.mark.slow) if BUDGETS[bug][1] >= 100 else bug
        for bug in sorted(BUDGETS)
    ],
)
def test_a_planted_bug_is_found_shrunk_and_written_as_a_failing_vector(
    bug: str, tmp_path: Path
) -> None:
    model, runs, steps = BUDGETS[bug]
    (result,) = fuzz_models(
        planted(bug), [model], seed=0, examples=runs, steps=steps, out_dir=tmp_path
    )
    assert result.invariant == DIVERGED, result.detail
    assert result.vector is not None
    vector = load_vector(result.vector)
    assert vector["handler"] == "fuzz"
    # The vector records the reference: the copy with the bug fails it, at a step.
    adapter = AdapterProcess(planted(bug))
    try:
        replayed = run_vector(adapter, vector["id"], result.vector)
    finally:
        adapter.stop()
    assert replayed.status == "fail", replayed.headline()
    assert replayed.step is not None
    # Shrunk: the divergence is at the last step of the written trace or before it.
    assert replayed.step < len(vector["steps"])


def test_an_unchanged_copy_never_diverges(tmp_path: Path) -> None:
    (result,) = fuzz_models(
        planted("none"), ["balances"], seed=1, examples=20, steps=15, out_dir=tmp_path
    )
    assert result.invariant is None, result.detail
    assert result.compared > 0 and result.vector is None
    assert list(tmp_path.rglob("*.cbor")) == []


def test_the_command_keeps_the_decoder_fuzzing_as_its_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from phala_spec.cli import build_parser

    args = build_parser().parse_args(["fuzz", "--inputs", "3"])
    assert args.adapter is None and args.inputs == 3
