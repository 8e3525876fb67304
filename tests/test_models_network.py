"""The message-queue and network models [MOD-7] [MOD-8]: they hold, catch broken references,
and ``explore`` turns their failures into vectors that replay against the reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.stateful import invariant, run_state_machine_as_test

import phala_spec.offchain.pruntime
import phala_spec.pallets.mq
import phala_spec.pallets.registry
from phala_spec.chain.system_payloads import BenchStart, Registered
from phala_spec.conformance.schema import load_vector
from phala_spec.models import MODELS, load_model
from phala_spec.models.balances import InvariantViolation, check
from phala_spec.models.cli import explore_model
from phala_spec.models.mq import MqMachine
from phala_spec.models.network import NetworkMachine
from phala_spec.models.settings import profile
from phala_spec.network import commitments, genesis_state
from phala_spec.primitives.codec import digest
from phala_spec.steps import apply_step

SMALL = settings(profile("ci"), max_examples=30, stateful_step_count=15)


def test_both_models_are_registered() -> None:
    assert load_model("mq") is MqMachine and MODELS["network"].endswith(":NetworkMachine")
    assert load_model("network") is NetworkMachine


def test_mq_model_holds_under_the_ci_profile() -> None:
    run_state_machine_as_test(MqMachine, settings=profile("ci"))


def test_network_model_holds() -> None:
    run_state_machine_as_test(NetworkMachine, settings=settings(profile("ci"), max_examples=60))


def test_mq_model_catches_an_unchecked_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    # The message queue's signature check, as the runtime wires it [MQ-9], accepts anything.
    monkeypatch.setattr(phala_spec.pallets.mq, "check_message", lambda state, signed: None)
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(MqMachine, settings=SMALL)
    assert caught.value.invariant.startswith("inv_MQ_9_")


def test_network_model_catches_a_runtime_that_never_purges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phala_spec.offchain.pruntime, "purge", lambda queue, ingress: queue)
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(NetworkMachine, settings=SMALL)
    assert caught.value.invariant == "inv_OFF_10_queues_purged"


def _replay(vector: dict) -> None:
    state = genesis_state(vector["genesis"]["preset"], vector["genesis"]["overrides"])
    assert commitments(state) == vector["genesis_digests"]
    for entry in vector["steps"]:
        result = apply_step(state, entry["step"])
        state = result.state
        assert result.report()["returned"] == entry["expect"]["returned"]
        assert commitments(state) == entry["expect"]["digests"]


def test_a_network_trace_replays_to_the_same_state() -> None:
    machine = NetworkMachine()
    machine.genesis(crypto="oracle")
    machine.start_sessions(["gk", "w1"])
    machine.chain_block([("w1", BenchStart(0)), ("w2", Registered(3))], None, ["w1"])
    machine.reorder("w1", True)
    machine.impersonate_gatekeeper("w1", b"\x01")
    machine.inv_OFF_10_queues_purged()
    state = genesis_state(machine.preset, machine.genesis_overrides)
    for step in machine.trace:
        state = apply_step(state, step).state
    assert digest(state) == digest(machine.net)
    assert machine.accepted  # the reordered messages got in


class EventuallyQuietMachine(NetworkMachine):
    """A deliberately false invariant: no runtime ever signs anything."""

    @invariant()
    def inv_NET_16_demo_no_egress(self) -> None:
        if self.state is None:
            return
        check(
            all(
                not channel.messages
                for runtime in self.net.runtimes.values()
                for channel in runtime.queue.channels.values()
            ),
            "inv_NET_16_demo_no_egress",
            "a runtime has pending egress",
        )


def test_explore_writes_a_network_failure_as_a_replayable_vector(tmp_path: Path) -> None:
    result = explore_model(
        "quiet",
        EventuallyQuietMachine,
        settings=SMALL,
        seed=5,
        out_dir=tmp_path,
        profile_name="test",
    )
    assert not result.passed and result.invariant == "inv_NET_16_demo_no_egress"
    assert result.vector is not None
    vector = load_vector(result.vector)
    assert vector["suite"] == "network" and vector["clauses"] == ["NET-16"]
    assert vector["crypto"] == vector["genesis"]["overrides"]["crypto"]
    assert {e["step"]["kind"] for e in vector["steps"]} == {"network_block"}
    _replay(vector)
