"""Hostile input gets a typed error and the run goes on [CODEC-1] [ADP-2] [ADP-10] [VEC-10] [VEC-18]."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from phala_spec.conformance.adapter import ReferenceAdapter, serve
from phala_spec.conformance.client import REFERENCE_COMMAND, AdapterProcess
from phala_spec.conformance.protocol import ProtocolError, read_frame
from phala_spec.conformance.runner import run_all
from phala_spec.conformance.store import PACKAGED_DIR, default_lock, discover, read_lock
from phala_spec.primitives.codec import decode

CYCLIC = bytes.fromhex("d81c81d81d00")  # tag 28 [tag 29 0]: an array that contains itself
HUGE = bytes.fromhex("c25a00010000") + b"\xff" * 65536  # a bignum of 524,288 bits
DEEP = b"\x81" * 300 + b"\x00"  # 300 nested arrays


def framed(body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + body


@pytest.mark.parametrize("blob", [CYCLIC, HUGE, DEEP], ids=["cyclic", "huge", "deep"])
def test_decoding_refuses_what_is_not_plain_data(blob: bytes) -> None:
    with pytest.raises(ValueError, match=r"not plain data|nests at most|nested too deeply"):
        decode(blob)


@pytest.mark.parametrize("blob", [CYCLIC, HUGE, DEEP], ids=["cyclic", "huge", "deep"])
def test_the_frame_reader_reports_a_protocol_error(blob: bytes) -> None:
    with pytest.raises(ProtocolError):
        read_frame(io.BytesIO(framed(blob)))


def test_the_adapter_survives_a_hostile_frame() -> None:
    """The reference adapter logs the bad frame and exits 1; nothing is raised."""
    out, log = io.BytesIO(), io.StringIO()
    assert serve(io.BytesIO(framed(CYCLIC)), out, log) == 1
    assert "not plain data" in log.getvalue() or "nests" in log.getvalue()


def test_huge_arguments_never_reach_the_reference() -> None:
    adapter = ReferenceAdapter()
    reply = adapter.handle({"request": "hello", "protocol": 2**100})
    assert reply["status"] == "unsupported"


def _copy_vectors(tmp_path: Path, pattern: str) -> Path:
    out = tmp_path / "vectors"
    for vector_id, path in discover(PACKAGED_DIR):
        if pattern in vector_id:
            target = out / path.relative_to(PACKAGED_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    return out


def test_a_hostile_vector_file_is_its_own_error_and_the_run_goes_on(tmp_path: Path) -> None:
    vectors = _copy_vectors(tmp_path, "transfer_keep_alive")
    selected = discover(vectors)
    assert len(selected) >= 2
    selected[0][1].write_bytes(CYCLIC)
    results = run_all(AdapterProcess(REFERENCE_COMMAND, timeout=60), selected)
    assert results[0].status == "error" and "plain data" in results[0].message
    assert {r.status for r in results[1:]} == {"pass"}


def test_an_edited_vector_is_an_error_against_the_lock(tmp_path: Path) -> None:
    """[VEC-10]: the file's hash is checked, so an edit is never blamed on the implementation."""
    locked = read_lock(default_lock(PACKAGED_DIR))
    vectors = _copy_vectors(tmp_path, "transfer_keep_alive")
    selected = discover(vectors)
    blob = bytearray(selected[0][1].read_bytes())
    blob[-1] ^= 0x01
    selected[0][1].write_bytes(bytes(blob))
    results = run_all(AdapterProcess(REFERENCE_COMMAND, timeout=60), selected, locked=locked)
    assert results[0].status == "error" and "lock" in results[0].message
    assert {r.status for r in results[1:]} == {"pass"}


@pytest.mark.parametrize("option", ["--json", "--junit"])
def test_an_unwritable_report_path_fails_before_the_run(tmp_path: Path, option: str) -> None:
    target = tmp_path / "no-such-dir" / "report"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "phala_spec",
            "conformance",
            "run",
            "-k",
            "transfer_keep_alive",
            option,
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "no directory" in done.stderr
    assert "selected" not in done.stdout  # nothing ran


def test_prove_with_no_match_is_a_user_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "phala_spec", "prove", "-k", "nosuch"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "no obligation matches 'nosuch'" in done.stderr


def test_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "phala_spec", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("phala-spec ")


def test_a_report_of_year_zero_has_a_timestamp() -> None:
    """[ATT-9]: chrono reads years 0..9999; year 0 is 62,167,219,200 s before the epoch."""
    import calendar
    import random

    from phala_spec.tee.ias import parse_report_timestamp

    assert parse_report_timestamp("0000-01-01T00:00:00") == -62_167_219_200
    assert parse_report_timestamp("0000-03-01T00:00:00") == -62_167_219_200 + (31 + 29) * 86_400
    rng = random.Random(7)
    for _ in range(2_000):
        y, m, d = rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28)
        text = f"{y:04}-{m:02}-{d:02}T01:02:03.25"
        assert parse_report_timestamp(text) == calendar.timegm((y, m, d, 1, 2, 3, 0, 0, 0))


def test_explore_keeps_the_folder_clean_and_always_writes_its_out_dir(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "phala_spec", "explore", "--profile", "ci", "-k", "staking"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["explore-vectors"]
    assert "seed 0" in done.stderr
    follow_up = subprocess.run(
        [sys.executable, "-m", "phala_spec", "conformance", "run", "--vectors", "explore-vectors"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert follow_up.returncode == 0 and "nothing to run" in follow_up.stdout


def test_an_interrupted_explore_reports_its_seed_and_what_finished(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during a model: the seed and the finished models' results are still printed."""
    import argparse

    from phala_spec.models import cli as explore_cli
    from phala_spec.models import load_model

    def loader(name: str) -> object:
        if name == explore_cli.select_models(None)[1]:
            raise KeyboardInterrupt  # as if Ctrl-C came while the second model started
        return load_model(name)

    args = argparse.Namespace(profile="ci", out=tmp_path / "out", seed=5, select=None)
    assert explore_cli.run(args, loader=loader) == 130
    captured = capsys.readouterr()
    first = explore_cli.select_models(None)[0]
    assert f"interrupted: seed 5; models finished: {first}" in captured.err
    assert first in captured.out  # its row of the table


def test_tests_read_only_what_the_repository_ships() -> None:
    """The README's test command passes in a clone with nothing beside it: no test reads outside."""
    import re

    root = Path(__file__).resolve().parents[1]
    outside = re.compile(r"""["']shared["']\s*/|parents\[2\]|\.\./shared""")
    for path in sorted((root / "tests").rglob("*.py")) + sorted(
        (root / "conformance").rglob("*.py")
    ):
        text = path.read_text(encoding="utf-8")
        assert not outside.search(text), f"{path.relative_to(root)} reads outside the repository"
