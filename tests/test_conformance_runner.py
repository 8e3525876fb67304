"""The runner against the reference and against broken adapters [VEC-16]..[VEC-18] [ADP-10]."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from adapters.sample_cases import write_sample_vectors

from phala_spec.conformance.client import REFERENCE_COMMAND, AdapterProcess
from phala_spec.conformance.runner import VectorResult, counts, first_difference, run_all, same
from phala_spec.conformance.store import PACKAGED_DIR, discover

ADAPTERS = Path(__file__).resolve().parent / "adapters"
MAGIC_ID = "minimal/sample/transfer/magic_transfer"


@pytest.fixture(scope="module")
def vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "vectors"
    write_sample_vectors(out)
    return out


def run(
    vectors: Path,
    command: list[str] | tuple[str, ...] = REFERENCE_COMMAND,
    timeout: float = 30.0,
    pattern: str | None = None,
) -> dict[str, VectorResult]:
    selected = [(i, p) for i, p in discover(vectors) if pattern is None or pattern in i]
    results = run_all(AdapterProcess(command, timeout=timeout), selected)
    assert [r.id for r in results] == [
        i for i, _ in selected
    ]  # every selected vector, once, in order
    return {r.id: r for r in results}


def script(name: str, *args: str) -> list[str]:
    return [sys.executable, str(ADAPTERS / name), *args]


def test_reference_passes_every_sample_vector(vectors: Path) -> None:
    results = run(vectors)
    assert len(results) == 6
    assert {r.status for r in results.values()} == {"pass"}, [
        r.headline() for r in results.values()
    ]
    assert all(r.opened for r in results.values())


@pytest.mark.skipif(not discover(PACKAGED_DIR), reason="no vectors are shipped yet")
def test_reference_passes_every_shipped_vector() -> None:
    results = run(PACKAGED_DIR, timeout=60)
    failed = [f"{r.id}: {r.headline()}" for r in results.values() if r.status != "pass"]
    assert not failed


@pytest.mark.parametrize(
    ("mode", "where", "step"),
    [
        ("event", "events[0].name", 1),
        ("digest", "digest of system", 1),
        ("state", "state system.accounts[", 1),
        ("observation", "observation balance", 1),
        ("bool", "observation block().open", 2),
    ],
)
def test_wrong_adapter_fails_at_the_diverging_step(
    vectors: Path, mode: str, where: str, step: int
) -> None:
    result = run(vectors, script("wrong.py", mode))["minimal/sample/transfer/plain_transfer"]
    assert result.status == "fail"
    assert result.step == step and result.where.startswith(where), result.headline()
    assert result.step_label == (
        "call Balances.transfer_allow_death" if step == 1 else "finalize_block"
    )
    assert not same(result.expected, result.actual)


def test_wrong_genesis_digest_fails_at_genesis(vectors: Path) -> None:
    results = run(vectors, script("wrong.py", "genesis"))
    assert {r.status for r in results.values()} == {"fail"}
    assert all(r.step is None and r.where == "digest of system" for r in results.values())
    assert all(
        "yet the adapter's state equals the reference's" in r.message for r in results.values()
    )


def test_a_wrong_state_is_shown_as_the_paths_that_differ(vectors: Path) -> None:
    """On a digest mismatch the runner fetches the adapter's state and names the paths [VEC-23]."""
    result = run(vectors, script("wrong.py", "state"))["minimal/sample/transfer/plain_transfer"]
    assert result.status == "fail" and result.where.endswith("].data.free"), result.headline()
    assert result.actual == result.expected + 1
    assert result.message.startswith("expected ") and "got" in result.message


@pytest.mark.parametrize(
    ("digests", "status"), [("off", "pass"), ("subsystems", "fail"), ("full", "fail")]
)
def test_digest_modes(vectors: Path, digests: str, status: str) -> None:
    """Behaviour only, the adapter's subsystems, or every subsystem [VEC-22]."""
    selected = [
        (i, p) for i, p in discover(vectors) if i == "minimal/sample/transfer/plain_transfer"
    ]
    [result] = run_all(AdapterProcess(script("wrong.py", "digest")), selected, digests=digests)
    assert result.status == status


def test_a_partial_adapter_runs_what_its_subsystems_cover(vectors: Path) -> None:
    """Declaring balances and system: their vectors pass; ``full`` asks for every subsystem [VEC-22]."""
    selected = discover(vectors)
    partial = run_all(AdapterProcess(script("wrong.py", "partial")), selected)
    assert {r.status for r in partial} == {"pass"}, [r.headline() for r in partial]
    full = run_all(AdapterProcess(script("wrong.py", "partial")), selected, digests="full")
    assert {r.status for r in full} == {"unsupported"}
    assert "subsystem mq" in full[0].message


@pytest.mark.parametrize(
    ("adapter", "reason"),
    [
        (["crash.py"], "exited during step with status 3"),
        (["hang.py"], "no reply to step within"),
        (["garbage.py"], "malformed frame"),
        (["garbage.py", "--short"], "malformed frame"),
        (["garbage.py", "--no-status"], "no valid status"),
    ],
)
def test_broken_adapter_is_reported_and_the_run_goes_on(
    vectors: Path, adapter: list[str], reason: str
) -> None:
    results = run(vectors, script(*adapter), timeout=1.0)
    broken = results.pop(MAGIC_ID)
    assert broken.status == "error" and reason in broken.message
    assert broken.step == 1 and "transfer_allow_death" in broken.step_label
    # the adapter was restarted and every other vector still passed
    assert {r.status for r in results.values()} == {"pass"}, [
        r.headline() for r in results.values()
    ]


def test_crash_reports_the_adapters_last_words(vectors: Path) -> None:
    result = run(vectors, script("crash.py"), pattern="magic")[MAGIC_ID]
    assert "crashing on purpose" in result.message


def test_adapter_that_never_starts_loses_no_result(vectors: Path) -> None:
    results = run(vectors, script("crash.py", "--at-hello"))
    assert {r.status for r in results.values()} == {"error"}
    assert all("exited during hello" in r.message for r in results.values())
    results = run(vectors, ["/nonexistent/adapter"])
    assert {r.status for r in results.values()} == {"error"}


def test_unsupported_is_not_a_pass(vectors: Path) -> None:
    results = run(vectors, script("unsupported.py", "caps"))
    tally = counts(list(results.values()))
    assert tally == {"pass": 3, "fail": 0, "unsupported": 3, "error": 0}
    assert "call Balances.reserve" in results["minimal/sample/reserve/reserve_then_slash"].message
    assert "preset phala" in results["phala/sample/big/big_numbers"].message
    result = run(vectors, script("unsupported.py", "reply"))[
        "minimal/sample/reserve/reserve_then_slash"
    ]
    assert result.status == "unsupported" and result.step == 4 and "no slashing" in result.message
    results = run(vectors, script("unsupported.py", "protocol"))
    assert {r.status for r in results.values()} == {"error"}


def test_malformed_and_misplaced_files_are_errors(vectors: Path, tmp_path: Path) -> None:
    copy = tmp_path / "vectors"
    shutil.copytree(vectors, copy)
    truncated = copy / "minimal/sample/transfer/too_much.cbor"
    truncated.write_bytes(truncated.read_bytes()[:40])
    moved = copy / "minimal/sample/transfer/renamed.cbor"
    (copy / "minimal/sample/transfer/plain_transfer.cbor").rename(moved)
    (copy / "minimal/stray.cbor").write_bytes(b"\xa0")
    results = run(copy)
    assert results["minimal/sample/transfer/too_much"].status == "error"
    assert "malformed vector" in results["minimal/sample/transfer/too_much"].message
    assert results["minimal/sample/transfer/renamed"].status == "error"
    assert "lies at" in results["minimal/sample/transfer/renamed"].message
    assert results["minimal/stray.cbor"].status == "error"
    assert [r.status for i, r in results.items() if i.startswith("phala/")] == ["pass", "pass"]


def test_first_difference() -> None:
    assert first_difference({"a": [1, 2]}, {"a": [1, 2]}) is None
    assert first_difference({"a": [1, 2]}, {"a": [1, 3]}) == (".a[1]", 2, 3)
    assert first_difference([1], [1, 2]) == (" (length)", 1, 2)
    assert first_difference({"a": 1}, {}) == (".a", 1, "(absent)")
    assert first_difference(True, 1) == ("", True, 1)
    assert first_difference(0, None) == ("", 0, None)
