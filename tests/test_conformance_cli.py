"""The conformance command line: run, generate, verify, show, and bad input [VEC-8]..[VEC-11] [VEC-19]."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from adapters.sample_cases import SAMPLE, write_sample_vectors

from phala_spec.cli import CliError
from phala_spec.conformance import authoring, cli_generate
from phala_spec.conformance.store import PACKAGED_DIR, default_lock, read_lock

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``phala-spec`` command line in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "phala_spec", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def adapter(name: str, *args: str) -> str:
    return " ".join([sys.executable, str(TESTS / "adapters" / name), *args])


@pytest.fixture(scope="module")
def vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "vectors"
    write_sample_vectors(out)
    return out


def test_run_reference_writes_reports(vectors: Path, tmp_path: Path) -> None:
    done = cli(
        "conformance",
        "run",
        "--vectors",
        str(vectors),
        "--json",
        str(tmp_path / "r.json"),
        "--junit",
        str(tmp_path / "r.xml"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 selected, 6 opened: all vectors passed" in done.stdout
    assert "sample" in done.stdout and "phala-spec reference" in done.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["format"] == "phala-spec/conformance-report/1" and report["passed"] is True
    assert report["counts"] == {"pass": 6, "fail": 0, "unsupported": 0, "error": 0}
    assert report["adapter"]["protocol"] == 2 and len(report["results"]) == 6
    assert report["digests"] == "subsystems"
    suites = ET.parse(tmp_path / "r.xml").getroot()
    assert suites.get("tests") == "6" and suites.get("failures") == "0"
    assert len(suites.findall(".//testcase")) == 6


def test_run_reports_failures_with_the_step(vectors: Path, tmp_path: Path) -> None:
    done = cli(
        "conformance",
        "run",
        "--vectors",
        str(vectors),
        "-k",
        "plain_transfer minimal",
        "--adapter",
        adapter("wrong.py", "event"),
        "--json",
        str(tmp_path / "r.json"),
        "--junit",
        str(tmp_path / "r.xml"),
    )
    assert done.returncode == 1
    assert "FAIL" in done.stdout and "minimal/sample/transfer/plain_transfer" in done.stdout
    assert "step 1 (call Balances.transfer_allow_death): events[0].name" in done.stdout
    assert "Balances.Wrong" in done.stdout
    [result] = json.loads((tmp_path / "r.json").read_text())["results"]
    assert (
        result["status"] == "fail" and result["step"] == 1 and result["actual"] == "Balances.Wrong"
    )
    failure = ET.parse(tmp_path / "r.xml").getroot().find(".//failure")
    assert failure is not None and "events[0].name" in failure.get("message", "")


def test_run_counts_unsupported_as_not_passed(vectors: Path, tmp_path: Path) -> None:
    done = cli(
        "conformance",
        "run",
        "--vectors",
        str(vectors),
        "--adapter",
        adapter("unsupported.py", "caps"),
        "--junit",
        str(tmp_path / "r.xml"),
    )
    assert done.returncode == 1
    assert "unsupported vectors are not passes" in done.stdout
    skipped = ET.parse(tmp_path / "r.xml").getroot().findall(".//skipped")
    assert len(skipped) == 3 and all(
        s.get("message", "").startswith("unsupported:") for s in skipped
    )


def test_run_with_a_hanging_adapter_reports_every_vector(vectors: Path, tmp_path: Path) -> None:
    done = cli(
        "conformance",
        "run",
        "--vectors",
        str(vectors),
        "--adapter",
        adapter("hang.py"),
        "--timeout",
        "0.5",
        "--json",
        str(tmp_path / "r.json"),
    )
    assert done.returncode == 1
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["selected"] == report["opened"] == 6
    assert report["counts"] == {"pass": 5, "fail": 0, "unsupported": 0, "error": 1}
    assert "ERROR" in done.stdout and "magic_transfer" in done.stdout and "hung" in done.stdout


def test_run_reports_files_missing_from_the_lock(vectors: Path, tmp_path: Path) -> None:
    copy = tmp_path / "vectors"
    shutil.copytree(vectors, copy)
    shutil.copy(default_lock(vectors), default_lock(copy))
    (copy / "minimal/sample/transfer/too_much.cbor").unlink()
    done = cli("conformance", "run", "--vectors", str(copy))
    assert done.returncode == 1
    assert "minimal/sample/transfer/too_much" in done.stdout and "file is missing" in done.stdout


def test_shards_split_the_selection_into_disjoint_parts(vectors: Path, tmp_path: Path) -> None:
    # [VEC-18]: the shards of a matrix run every vector once, lock-missing ones included.
    copy = tmp_path / "vectors"
    shutil.copytree(vectors, copy)
    shutil.copy(default_lock(vectors), default_lock(copy))
    (copy / "minimal/sample/transfer/too_much.cbor").unlink()
    seen: list[str] = []
    for index in (1, 2, 3, 4):
        report = tmp_path / f"shard{index}.json"
        done = cli(
            "conformance",
            "run",
            "--vectors",
            str(copy),
            "--shard",
            f"{index}/4",
            "--json",
            str(report),
        )
        ids = [r["id"] for r in json.loads(report.read_text())["results"]]
        assert len(ids) in (1, 2)
        missing = "minimal/sample/transfer/too_much" in ids
        assert done.returncode == (1 if missing else 0), done.stdout + done.stderr
        seen += ids
    assert sorted(seen) == sorted(read_lock(default_lock(vectors)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conformance", "run", "--vectors", "/nonexistent/dir"], "no vector directory"),
        (
            ["conformance", "run", "--vectors", "{vectors}", "-k", "no_such_vector_anywhere"],
            "matches -k",
        ),
        (["conformance", "run", "--vectors", "{vectors}", "--timeout", "0"], "--timeout"),
        (["conformance", "run", "--vectors", "{vectors}", "--shard", "3/2"], "a shard is I/N"),
        (["conformance", "run", "--vectors", "{vectors}", "--shard", "0/2"], "a shard is I/N"),
        (
            ["conformance", "run", "--vectors", "{vectors}", "--adapter", "'unbalanced"],
            "cannot parse --adapter",
        ),
        (
            ["vectors", "show", "minimal/no/such/vector", "--vectors", "{vectors}"],
            "unknown vector id",
        ),
        (["vectors", "show", "nonsense", "--vectors", "{vectors}"], "neither a file nor an id"),
        (
            ["vectors", "show", "minimal/a/b/c", "--vectors", "/nonexistent/dir"],
            "no vector directory",
        ),
        (["vectors", "show", "/nonexistent/x.cbor"], "no vector file"),
        (["vectors", "verify", "/nonexistent/dir"], "no vector directory"),
    ],
)
def test_bad_input_is_one_line_without_traceback(
    vectors: Path, args: list[str], message: str
) -> None:
    done = cli(*(a.replace("{vectors}", str(vectors)) for a in args))
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0


def test_run_with_a_nonexistent_adapter_is_an_error_per_vector(vectors: Path) -> None:
    done = cli("conformance", "run", "--vectors", str(vectors), "--adapter", "/nonexistent/adapter")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.count("ERROR") == 6 and "cannot start adapter" in done.stdout


def test_show_state(vectors: Path) -> None:
    """``--state``: the reference's state by subsystem at the genesis and after each step."""
    done = cli(
        "vectors",
        "show",
        "minimal/sample/transfer/plain_transfer",
        "--vectors",
        str(vectors),
        "--state",
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert set(shown["genesis_state"]) == set(shown["genesis_digests"])
    assert shown["genesis_state"]["system"]["in_block"] is False
    states = [entry["state"] for entry in shown["steps"]]
    assert states[0]["system"]["in_block"] is True and states[-1]["system"]["in_block"] is False
    assert states[0]["balances"] == shown["genesis_state"]["balances"]


def test_show(vectors: Path, tmp_path: Path) -> None:
    done = cli("vectors", "show", "phala/sample/big/big_numbers", "--vectors", str(vectors))
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert (
        shown["id"] == "phala/sample/big/big_numbers"
        and shown["provenance"]["origin"] == "authored"
    )
    assert shown["genesis_digests"]["system"].startswith("0x")
    assert len(shown["genesis_digests"]["system"]) == 66
    assert "system" in shown["subsystems"]
    assert shown["steps"][1]["step"]["args"]["value"] == 2**65  # exact, not a float
    assert list(shown["steps"][1]["expect"]) == [
        "outcome",
        "events",
        "returned",
        "observations",
        "digests",
    ]
    by_path = cli("vectors", "show", str(vectors / "phala/sample/big/big_numbers.cbor"))
    assert by_path.returncode == 0 and json.loads(by_path.stdout) == shown
    for name, blob in (
        ("truncated.cbor", (vectors / "phala/sample/big/big_numbers.cbor").read_bytes()[:50]),
        ("schema.cbor", b"\xa1\x61a\x01"),
    ):
        (tmp_path / name).write_bytes(blob)
        done = cli("vectors", "show", str(tmp_path / name))
        assert (
            done.returncode == 2
            and "malformed vector" in done.stderr
            and "Traceback" not in done.stderr
        )


def test_verify(vectors: Path, tmp_path: Path) -> None:
    done = cli("vectors", "verify", str(vectors))
    assert done.returncode == 0 and "6 files checked" in done.stderr and "all good" in done.stderr
    copy = tmp_path / "vectors"
    shutil.copytree(vectors, copy)
    target = copy / "minimal/sample/transfer/too_much.cbor"
    target.write_bytes(target.read_bytes()[:-1] + b"\x00")
    (copy / "minimal/sample/transfer/plain_transfer.cbor").unlink()
    shutil.copy(copy / "phala/sample/big/big_numbers.cbor", copy / "phala/sample/big/extra.cbor")
    lock = tmp_path / "elsewhere.lock"
    shutil.copy(default_lock(vectors), lock)
    done = cli("vectors", "verify", str(copy), "--lock", str(lock))
    assert done.returncode == 1, done.stderr
    assert "too_much" in done.stderr and "hash differs" in done.stderr
    assert "plain_transfer: in the lock but the file is missing" in done.stderr
    assert "extra: file has no lock entry" in done.stderr and "says it is" in done.stderr
    done = cli("vectors", "verify", str(copy))
    assert done.returncode == 2 and "cannot read lock file" in done.stderr


def generate(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """``vectors generate`` in-process over the sample registry."""
    monkeypatch.setattr(authoring, "load_suites", lambda: SAMPLE)
    parser = argparse.ArgumentParser()
    cli_generate.add_arguments(parser)
    status: int = cli_generate.run(parser.parse_args(list(argv)))
    return status


def test_generate_check_and_partial(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "vectors"
    (out / "minimal/old/stale").mkdir(parents=True)
    (out / "minimal/old/stale/case.cbor").write_bytes(b"stale")
    assert generate(monkeypatch, "--out", str(out)) == 0
    assert not (out / "minimal/old").exists()  # a full generation removes stale vectors
    lock = read_lock(tmp_path / "vectors.lock")
    assert len(lock) == 6
    assert generate(monkeypatch, "--out", str(out), "--check") == 0
    (out / "minimal/sample/transfer/too_much.cbor").write_bytes(b"\xa0")
    assert generate(monkeypatch, "--out", str(out), "--check") == 1
    assert (
        generate(monkeypatch, "--out", str(out), "-k", "too_much") == 0
    )  # partial: keeps the other entries
    assert read_lock(tmp_path / "vectors.lock") == lock
    assert generate(monkeypatch, "--out", str(out), "--check") == 0
    with pytest.raises(CliError, match="matches -k"):
        generate(monkeypatch, "--out", str(out), "-k", "nothing_like_this")
    with pytest.raises(CliError, match="lock"):
        generate(monkeypatch, "--out", str(tmp_path / "new"), "--check")


def test_shipped_vectors_match_their_lock() -> None:
    """The committed vectors are exactly what the current suites generate [VEC-10]."""
    assert authoring.load_suites().cases
    done = cli("vectors", "generate", "--check", "--out", str(PACKAGED_DIR))
    assert done.returncode == 0, done.stderr
    done = cli("vectors", "verify")
    assert done.returncode == 0, done.stderr
