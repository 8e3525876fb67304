"""dcap-qvl as a second implementation of DCAP verification [ATT-35]..[ATT-38].

Skipped without the optional extra ``dcap`` (``pip install -e '.[dcap]'``), which CI installs.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from phala_spec.conformance.client import AdapterProcess
from phala_spec.conformance.runner import run_all
from phala_spec.conformance.store import PACKAGED_DIR, discover
from phala_spec.conformance.suites.attestation.real import DCAP_TIME
from phala_spec.network import genesis_state
from phala_spec.primitives.errors import InvalidInput
from phala_spec.steps import apply_step

pytest.importorskip("dcap_qvl")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "dcap-qvl"
LEDGER = ROOT / "conformance" / "dcap-qvl-ledger.toml"


def _module(name: str) -> ModuleType:
    sys.path.insert(0, str(EXAMPLE))
    spec = importlib.util.spec_from_file_location(name, EXAMPLE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _module("fuzz")
adapter = _module("adapter")


def _ledger() -> dict[str, list[dict[str, str]]]:
    with LEDGER.open("rb") as f:
        return tomllib.load(f)


def _run(suite: str, *flags: str) -> dict[str, str]:
    selected = [(i, p) for i, p in discover(PACKAGED_DIR) if f"/{suite}/" in i]
    assert selected
    process = AdapterProcess([sys.executable, str(EXAMPLE / "adapter.py"), *flags], timeout=30)
    return {r.id: r.status for r in run_all(process, selected)}


def test_ledger_entries_are_resolved() -> None:
    """Every ledger entry names its clause, its resolution and the chain's side [ATT-38]."""
    ledger = _ledger()
    for entry in [*ledger["divergence"], *ledger["vector"]]:
        assert entry["resolution"] in ("policy", "unsettled")
        assert entry["clause"].startswith("ATT-") and entry["chain"]


def test_dcap_qvl_passes_the_dcap_suite() -> None:
    """dcap-qvl agrees with the chain on every `dcap` vector [ATT-35] [ATT-36], the evidence
    made under the reference's test root, which neither trusts by default, included."""
    statuses = _run("dcap")
    assert "minimal/dcap/verify_dcap/corpus_test_root_not_trusted_by_default" in statuses
    assert set(statuses.values()) == {"pass"}, statuses


def test_dcap_qvl_does_not_run_the_corpus() -> None:
    """[ATT-39] The corpus made under the test root is a suite dcap-qvl does not declare: every
    vector of it is `unsupported`, none fails."""
    statuses = _run("dcap_corpus")
    assert statuses and set(statuses.values()) == {"unsupported"}, statuses


def test_adapter_refuses_a_genesis_that_trusts_the_test_root() -> None:
    """[ATT-39] The adapter answers `load` of such a genesis `unsupported`, and serves the others."""
    loaded = [False]
    trusting = {"preset": "minimal", "overrides": {"config": {"dcap_test_root": True}}}
    reply = adapter.handle({"request": "load", "genesis": trusting}, loaded)
    assert reply["status"] == "unsupported" and not loaded[0]
    plain = {"preset": "minimal", "overrides": {}}
    assert adapter.handle({"request": "load", "genesis": plain}, loaded)["status"] == "ok"
    assert loaded[0]


def test_dcap_qvl_fails_exactly_the_ledgered_chain_policy_vectors() -> None:
    """Declaring `dcap_chain_policy`, dcap-qvl fails each vector the ledger lists, and no
    other: every departure of [ATT-37] is real and written down."""
    statuses = _run("dcap_chain_policy", "--chain-policy")
    listed = {entry["id"] for entry in _ledger()["vector"]}
    assert {i for i, s in statuses.items() if s == "fail"} == listed
    assert set(statuses) == listed


def test_fuzz_sample_finds_no_class_missing_from_the_ledger() -> None:
    """200 one-bit mutants of the quote and 200 of the collateral: every divergence class is
    in the ledger [ATT-38], and the quote flips mostly agree."""
    known = {entry["class"] for entry in _ledger()["divergence"]}
    for target in ("quote", "collateral"):
        agree, classes, examples = fuzz.run(200, 17, target)
        missing = {c: examples[c] for c in classes if c not in known}
        assert not missing, missing
        if target == "quote":
            assert agree >= 180


def test_fuzz_flags_an_unknown_class(tmp_path: Path) -> None:
    """The check can fail: against an empty ledger the sample's classes are all new."""
    empty = tmp_path / "ledger.toml"
    empty.write_text("")
    assert fuzz.main(["--trials", "200", "--target", "collateral", "--ledger", str(empty)]) == 1


def test_verdict_mapping() -> None:
    """[ATT-36]: no collateral, undecodable collateral, a status outside the table, level 4."""
    quote, collateral = fuzz.sample()
    now = fuzz.COMMON_TIME
    assert adapter.verify(quote, None, now) == (adapter.UNSUPPORTED, None)
    assert adapter.verify(quote, collateral[:-1], now) == (adapter.INVALID, None)
    assert adapter.chain_verdict(
        {"kind": "verified", "status": "Revoked", "advisory_ids": [], "report": {"SgxEnclave": {}}}
    ) == (adapter.BAD_STATUS, None)
    outcome, report = adapter.verify(quote, collateral, now)
    expected = fuzz.reference_verdict(quote, collateral, now)
    assert (outcome, report) == expected and report["confidence_level"] == 4


def test_issue_date_is_the_first_departure() -> None:
    """[ATT-37]: at production's test instant the chain accepts and dcap-qvl refuses."""
    quote, collateral = fuzz.sample()
    assert fuzz.reference_verdict(quote, collateral, DCAP_TIME)[0] == "ok"
    assert adapter.raw_verdict(quote, collateral, DCAP_TIME)["kind"] == "refused"


def test_verify_dcap_step_leaves_state_and_checks_input() -> None:
    """[STEP-8]: the state is unchanged, no events; malformed steps are invalid input."""
    state = genesis_state("minimal")
    quote, collateral = fuzz.sample()
    step = {"kind": "verify_dcap", "quote": quote, "collateral": collateral, "now": DCAP_TIME}
    result = apply_step(state, step)
    assert result.state is state and result.events == () and result.outcome == "ok"
    for bad in (
        {**step, "now": -1},
        {**step, "quote": "text"},
        {**step, "collateral": 5},
        {k: v for k, v in step.items() if k != "now"},
    ):
        with pytest.raises(InvalidInput):
            apply_step(state, bad)
