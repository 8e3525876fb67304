"""The registry model [MOD-9]: it holds on the reference under the ci profile, catches broken
references, and its traces replay to the same state."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

import phala_spec.pallets.registry.gatekeepers
import phala_spec.pallets.registry.workers
import phala_spec.tee.attestation
import phala_spec.tee.simulated
from phala_spec.conformance.schema import load_vector
from phala_spec.models import load_model
from phala_spec.models.balances import InvariantViolation
from phala_spec.models.cli import explore_model
from phala_spec.models.registry import RegistryMachine, expected_attestation_outcome
from phala_spec.models.settings import profile
from phala_spec.network import commitments
from phala_spec.primitives.codec import digest
from phala_spec.runtime.genesis import genesis
from phala_spec.steps import apply_step

SMALL = settings(profile("ci"), max_examples=40, stateful_step_count=20)


def test_registry_model_is_registered() -> None:
    assert load_model("registry") is RegistryMachine


def test_registry_model_holds_under_the_ci_profile() -> None:
    run_state_machine_as_test(RegistryMachine, settings=profile("ci"))


def test_expected_outcome_follows_the_clause_order() -> None:
    """[ATT-43] [ATT-44]: the signature before the status, the allowlist before freshness."""
    assert (
        expected_attestation_outcome(flaw="tampered", allowlisted=False)
        == "PhalaRegistry.InvalidIASSigningCert"
    )
    assert (
        expected_attestation_outcome(flaw="bad_status", allowlisted=False)
        == "PhalaRegistry.InvalidQuoteStatus"
    )
    assert (
        expected_attestation_outcome(flaw="stale", allowlisted=False)
        == "PhalaRegistry.PRuntimeRejected"
    )
    assert expected_attestation_outcome(flaw=None, allowlisted=True) == "ok"


def test_a_trace_replays_to_the_same_state() -> None:
    machine = RegistryMachine()
    machine.genesis()
    machine.honest_register(0, 0, 0, 1, "OK", (), 10)
    machine.flawed_register(1, 0, "unbound", 0)
    machine.next_block(3_600)
    state = genesis(machine.preset, machine.genesis_overrides)
    for step in machine.trace:
        state = apply_step(state, step).state
    assert digest(state) == digest(machine.chain)
    assert list(machine.chain.registry.workers) == [machine.info(0)["pubkey"]]


def test_model_catches_an_unchecked_allowlist(monkeypatch: pytest.MonkeyPatch) -> None:
    real = phala_spec.tee.attestation.dated_report_policy
    monkeypatch.setattr(
        phala_spec.tee.simulated,
        "dated_report_policy",
        lambda report, data, now, allowlist, verify: real(report, data, now, (), False),
    )
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(RegistryMachine, settings=SMALL)
    assert caught.value.invariant.startswith("inv_ATT_44_")


def test_model_catches_an_upload_from_a_non_gatekeeper(monkeypatch: pytest.MonkeyPatch) -> None:
    real = phala_spec.pallets.registry.gatekeepers.upload_master_pubkey

    def upload(state, ctx, sender, key):  # forgets that only a gatekeeper may upload [REG-14]
        reg = state.registry
        if sender not in reg.gatekeepers and reg.gatekeeper_master_pubkey is None:
            return attrs.evolve(state, registry=attrs.evolve(reg, gatekeeper_master_pubkey=key)), ()
        return real(state, ctx, sender, key)

    # the handler of ^phala/registry/event calls the upload it imported [REG-12]
    monkeypatch.setattr(phala_spec.pallets.registry.workers, "upload_master_pubkey", upload)
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(RegistryMachine, settings=SMALL)
    assert caught.value.invariant.startswith(("inv_REG_14_", "inv_REG_20_"))


def test_model_catches_a_cap_before_the_truncation(monkeypatch: pytest.MonkeyPatch) -> None:
    def capped_first(start_time: int, iterations: int, now_ms: int) -> int:
        # caps the u64 product at 6000 and never truncates it to 32 bits [REG-13]
        return min(6000, (iterations // ((now_ms - start_time) // 1000) * 6) % 2**64)

    monkeypatch.setattr(phala_spec.pallets.registry.workers, "bench_score", capped_first)
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(RegistryMachine, settings=SMALL)
    assert caught.value.invariant.startswith("inv_REG_13_")


def test_model_catches_a_silent_unregistered_report(monkeypatch: pytest.MonkeyPatch) -> None:
    real = phala_spec.pallets.registry.workers.bench_report

    def silent(state, ctx, pubkey, start_time, iterations):  # drops an unregistered report [REG-13]
        if pubkey not in state.registry.workers:
            return state, ()
        return real(state, ctx, pubkey, start_time, iterations)

    monkeypatch.setattr(phala_spec.pallets.registry.workers, "bench_report", silent)
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(RegistryMachine, settings=SMALL)
    assert caught.value.invariant == "inv_REG_13_report_is_announced"


def test_explore_writes_a_registry_failure_as_a_replayable_vector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[MOD-6] a failure of this model becomes a vector that replays to its recorded digests."""
    real = phala_spec.tee.attestation.dated_report_policy
    monkeypatch.setattr(
        phala_spec.tee.simulated,
        "dated_report_policy",
        lambda report, data, now, allowlist, verify: real(report, data, now, (), False),
    )
    result = explore_model(
        "registry", RegistryMachine, settings=SMALL, seed=3, out_dir=tmp_path, profile_name="test"
    )
    assert not result.passed and result.invariant is not None
    assert result.invariant.startswith("inv_ATT_44_") and result.vector is not None
    vector = load_vector(result.vector)
    assert vector["suite"] == "registry" and vector["crypto"] == "real"
    state = genesis(vector["genesis"]["preset"], vector["genesis"]["overrides"])
    assert commitments(state) == vector["genesis_digests"]
    for entry in vector["steps"]:
        result_step = apply_step(state, entry["step"])
        state = result_step.state
        assert result_step.outcome == entry["expect"]["outcome"]
        assert commitments(state) == entry["expect"]["digests"]
