"""The pytest plugin: ``pytest --phala-vectors DIR`` [VEC-20]."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from adapters.sample_cases import write_sample_vectors

ADAPTERS = Path(__file__).resolve().parent / "adapters"


@pytest.fixture(scope="module")
def vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plugin") / "vectors"
    write_sample_vectors(out)
    return out


def pytest_run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def adapter(name: str, *args: str) -> str:
    return " ".join([sys.executable, str(ADAPTERS / name), *args])


def test_collects_and_passes_every_vector(vectors: Path, tmp_path: Path) -> None:
    done = pytest_run(tmp_path, "--phala-vectors", str(vectors), "-v")
    assert done.returncode == 0, done.stdout
    assert "6 passed" in done.stdout
    assert "minimal/sample/transfer/plain_transfer PASSED" in done.stdout
    assert "6 pass, 0 fail, 0 unsupported, 0 error" in done.stdout


def test_parallel_with_xdist(vectors: Path, tmp_path: Path) -> None:
    done = pytest_run(tmp_path, "--phala-vectors", str(vectors), "-n", "2")
    assert done.returncode == 0, done.stdout
    assert "6 passed" in done.stdout and "6 pass, 0 fail" in done.stdout


def test_failures_name_the_diverging_step(vectors: Path, tmp_path: Path) -> None:
    done = pytest_run(
        tmp_path,
        "--phala-vectors",
        str(vectors),
        "--phala-adapter",
        adapter("wrong.py", "digest"),
        "-k",
        "plain_transfer",
    )
    assert done.returncode == 1
    assert "2 failed" in done.stdout
    assert "fail: minimal/sample/transfer/plain_transfer" in done.stdout
    assert "step 1 (call Balances.transfer_allow_death): digest" in done.stdout


def test_errors_and_unsupported(vectors: Path, tmp_path: Path) -> None:
    done = pytest_run(
        tmp_path, "--phala-vectors", str(vectors), "--phala-adapter", adapter("crash.py")
    )
    assert done.returncode == 1 and "1 failed, 5 passed" in done.stdout
    assert "error: minimal/sample/transfer/magic_transfer" in done.stdout
    done = pytest_run(
        tmp_path,
        "--phala-vectors",
        str(vectors),
        "--phala-adapter",
        adapter("unsupported.py", "caps"),
    )
    assert "3 passed, 3 skipped" in done.stdout
    assert "unsupported (not a pass): adapter does not declare preset phala" in done.stdout
    assert "skipped is not passed" in done.stdout


def test_bad_directory_is_a_usage_error(tmp_path: Path) -> None:
    done = pytest_run(tmp_path, "--phala-vectors", str(tmp_path / "missing"))
    assert done.returncode == 4 and "no vector directory" in done.stderr


def test_inert_without_options(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("def test_x():\n    pass\n")
    done = pytest_run(tmp_path)
    assert done.returncode == 0 and "1 passed" in done.stdout
    assert "phala-spec vectors" not in done.stdout


def test_explicit_paths_are_collected_too(vectors: Path, tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("def test_x():\n    pass\n")
    done = pytest_run(tmp_path, "test_x.py", "--phala-vectors", str(vectors))
    assert done.returncode == 0 and "7 passed" in done.stdout
