"""The master-key model [KEY-18]: it holds, and it catches broken key rules."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

import phala_spec.offchain.master_key as master_key
from phala_spec.models import MODELS, load_model
from phala_spec.models.balances import InvariantViolation
from phala_spec.models.master_key import MasterKeyMachine
from phala_spec.models.settings import profile

SMALL = settings(profile("ci"), max_examples=40, stateful_step_count=25)


def test_the_model_is_registered() -> None:
    assert MODELS["master_key"].endswith(":MasterKeyMachine")
    assert load_model("master_key") is MasterKeyMachine


def test_master_key_model_holds() -> None:
    run_state_machine_as_test(MasterKeyMachine, settings=SMALL)


def caught(monkeypatch: pytest.MonkeyPatch, name: str, replacement: Any) -> str:
    monkeypatch.setattr(master_key, name, replacement)
    with pytest.raises(InvariantViolation) as failure:
        run_state_machine_as_test(MasterKeyMachine, settings=SMALL)
    return failure.value.invariant


def test_catches_a_resync_that_counts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    original = master_key.resync

    def forgetful(keys: Any, identity: Any, history: Any) -> Any:
        outcome = original(keys, identity, history)
        if isinstance(outcome, master_key.Halt):
            return outcome
        state, effects = outcome
        return state, tuple(e for e in effects if not isinstance(e, master_key.Count))

    assert caught(monkeypatch, "resync", forgetful) == "inv_KEY_17_replicas_agree"


def test_catches_a_batch_accepted_from_any_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    original = master_key.batch_accepted

    def careless(sender: Any, batch: Any, gatekeepers: Any) -> bool:
        return bool(original(master_key.MessageOrigin("Gatekeeper"), batch, gatekeepers))

    assert caught(monkeypatch, "batch_accepted", careless).startswith("inv_KEY_17_")


def test_catches_a_runtime_that_keeps_its_old_key(monkeypatch: pytest.MonkeyPatch) -> None:
    original = master_key.on_rotation_batch

    def stubborn(keys: Any, *args: Any) -> Any:
        outcome = original(keys, *args)
        if isinstance(outcome, master_key.Halt) or not keys.active or not outcome[0].active:
            return outcome
        state, effects = outcome
        return attrs.evolve(state, history=keys.history), effects

    assert caught(monkeypatch, "on_rotation_batch", stubborn) in (
        "inv_KEY_17_chain_key_is_newest",
        "inv_KEY_17_replicas_agree",
    )
