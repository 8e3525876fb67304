"""The JavaScript example adapter (examples/js-balances): an implementation written from
spec/ alone passes every balances vector with per-subsystem digests [VEC-22], and when it is
deliberately wrong the runner names the state path that differs [VEC-23] [ADP-13]."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "js-balances"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (EXAMPLE / "node_modules").is_dir(),
        reason="examples/js-balances/node_modules is missing: run `npm ci --prefix examples/js-balances`",
    ),
]


def run_balances(
    tmp_path: Path, *, wrong: bool
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run the runner on the balances vectors through the JS adapter; the JSON report."""
    report = tmp_path / "report.json"
    env = dict(os.environ)
    env.pop("JS_BALANCES_WRONG", None)
    if wrong:
        env["JS_BALANCES_WRONG"] = "1"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "phala_spec",
            "conformance",
            "run",
            "--adapter",
            f"{NODE} {EXAMPLE / 'adapter.mjs'}",
            "-k",
            "/balances/",
            "--digests",
            "subsystems",
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    return done, json.loads(report.read_text())


def test_the_js_adapter_passes_every_balances_vector(tmp_path: Path) -> None:
    done, report = run_balances(tmp_path, wrong=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert report["digests"] == "subsystems"
    assert report["adapter"]["name"] == "js-balances"
    counts = report["counts"]
    assert counts["pass"] == report["selected"] >= 200
    assert counts["fail"] == counts["unsupported"] == counts["error"] == 0
    assert {r["id"].split("/")[0] for r in report["results"]} == {"minimal", "phala"}


def test_a_wrong_js_adapter_is_shown_the_differing_state_path(tmp_path: Path) -> None:
    done, report = run_balances(tmp_path, wrong=True)
    assert done.returncode != 0
    failed = [r for r in report["results"] if r["status"] == "fail"]
    assert failed and report["counts"]["error"] == 0
    # A transfer credits one unit more: where neither an event nor an observation shows it,
    # the digest of `system` differs and the runner names the path, with both values.
    at_state = [r for r in failed if r.get("where", "").startswith("state ")]
    assert at_state, [r.get("where") for r in failed]
    path = re.compile(r"^state system\.accounts\[\"0x[0-9a-f]+…[0-9a-f]+\"\]\.data\.free$")
    named = [r for r in at_state if path.match(r["where"])]
    assert named, [r["where"] for r in at_state]
    assert all(r["actual"] == r["expected"] + 1 for r in named)
    assert "system.accounts[" in done.stdout and ".data.free: expected" in done.stdout
