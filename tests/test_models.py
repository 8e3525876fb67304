"""The Hypothesis models [MOD-1]..[MOD-6]: they hold on the reference, catch bugs, and
``explore`` turns a failure into a replayable vector."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.stateful import invariant, run_state_machine_as_test

from phala_spec import apply_step, digest
from phala_spec.cli import main
from phala_spec.conformance.schema import load_vector
from phala_spec.models import MODELS, load_model
from phala_spec.models.balances import DEV, FRESH, BalancesMachine, InvariantViolation, check
from phala_spec.models.cli import explore_model
from phala_spec.models.settings import profile
from phala_spec.network import commitments
from phala_spec.pallets.balances import accounts, issuance, reservable, transfers
from phala_spec.runtime.genesis import genesis

# Small runs for the tests that only exercise the plumbing.
SMALL = settings(profile("ci"), max_examples=25, stateful_step_count=12)


def test_balances_model_holds_under_the_ci_profile() -> None:
    run_state_machine_as_test(BalancesMachine, settings=profile("ci"))


def test_registry_loads_every_model() -> None:
    for name in MODELS:
        machine_class = load_model(name)
        assert machine_class.model_name == name


def _invariants(machine: BalancesMachine) -> None:
    for name in dir(machine):
        if name.startswith("inv_"):
            getattr(machine, name)()


def test_a_trace_replays_to_the_same_state() -> None:
    machine = BalancesMachine()
    machine.genesis(ed=10, extra=[990, 40])
    machine.transfer("Balances.transfer_allow_death", DEV[0], FRESH[0], ("part", 500))
    machine.lock("set_lock", DEV[0], b"staking ", ("abs", 300), "All")
    machine.move_locked_funds("Balances.transfer_keep_alive", DEV[0], DEV[1], 0)
    machine.reserves("reserve", DEV[1], ("abs", 20))
    machine.next_block(2, "number")
    machine.transfer_all(FRESH[0], DEV[1], False)
    machine.malformed(
        {
            "kind": "call",
            "origin": {"kind": "root"},
            "call": "Balances.force_set_balance",
            "args": {"who": DEV[0], "new_free": -1},
        }
    )
    _invariants(machine)

    state = genesis(machine.preset, machine.genesis_overrides)
    outcomes = []
    for step in machine.trace:
        result = apply_step(state, step)
        state = result.state
        outcomes.append(result.outcome)
    assert digest(state) == digest(machine.chain)
    assert "Token.Frozen" in outcomes or "Token.NotExpendable" in outcomes  # the lock held
    assert all(step.get("args", {}).get("new_free") != -1 for step in machine.trace)


def test_the_model_catches_a_bug_in_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    # A reference that forgets to update the total issuance (mints, burns, dust):
    # each module that updates it calls the name it imported.
    for module in (accounts, reservable, issuance, transfers):
        monkeypatch.setattr(module, "set_total_issuance", lambda state, amount: state)
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(BalancesMachine, settings=SMALL)
    assert caught.value.invariant.startswith("inv_BAL_2_")


class NoReapingMachine(BalancesMachine):
    """A deliberately false invariant: accounts are never reaped."""

    @invariant()
    def inv_BAL_8_demo_no_endowed_account_is_reaped(self) -> None:
        endowed = [who for who, _ in self.genesis_overrides["balances"]]
        check(
            all(who in self.chain.system.accounts for who in endowed),
            "inv_BAL_8_demo_no_endowed_account_is_reaped",
            "an endowed account was reaped",
        )


def _replay(vector: dict) -> None:
    """Replay a vector on the reference, as ``conformance run`` does."""
    state = genesis(vector["genesis"]["preset"], vector["genesis"]["overrides"])
    assert commitments(state) == vector["genesis_digests"]
    for entry in vector["steps"]:
        result = apply_step(state, entry["step"])
        state = result.state
        assert result.report()["outcome"] == entry["expect"]["outcome"]
        assert commitments(state) == entry["expect"]["digests"]


def test_explore_writes_the_shrunk_failure_as_a_vector(tmp_path: Path) -> None:
    result = explore_model(
        "no_reaping",
        NoReapingMachine,
        settings=SMALL,
        seed=7,
        out_dir=tmp_path,
        profile_name="test",
    )
    assert not result.passed
    assert result.invariant == "inv_BAL_8_demo_no_endowed_account_is_reaped"
    assert result.vector is not None and result.vector.is_file()
    assert result.vector.is_relative_to(tmp_path / "minimal" / "balances" / "explore")

    vector = load_vector(result.vector)
    assert vector["provenance"]["origin"] == "hypothesis"
    assert vector["provenance"]["seed"] == 7
    assert vector["clauses"] == ["BAL-8"]
    assert "inv_BAL_8_demo_no_endowed_account_is_reaped" in vector["description"]
    # shrunk: open the block, then one call that reaps an endowed account
    assert [e["step"]["kind"] for e in vector["steps"]] == ["initialize_block", "call"]
    assert vector["steps"][-1]["expect"]["observations"]
    _replay(vector)


def test_explore_finds_nothing_on_a_sound_model(tmp_path: Path) -> None:
    result = explore_model("balances", BalancesMachine, settings=SMALL, seed=1, out_dir=tmp_path)
    assert result.passed and result.vector is None
    assert result.runs >= SMALL.max_examples and result.steps > 0
    assert not any(tmp_path.iterdir())


def test_explore_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(MODELS, "no_reaping_demo", f"{__name__}:NoReapingMachine")
    out = tmp_path / "found"
    status = main(["explore", "-k", "no_reaping_demo", "--out", str(out), "--seed", "3"])
    shown = capsys.readouterr().out
    assert status == 1
    assert "no_reaping_demo" in shown and "FAILED" in shown
    files = list(out.rglob("*.cbor"))
    assert len(files) == 1
    assert load_vector(files[0])["provenance"]["seed"] == 3
    # the conformance runner replays it against the reference (through the adapter)
    assert main(["conformance", "run", "--vectors", str(out)]) == 0

    assert main(["explore", "-k", "no_such_model"]) == 2
