"""The Phat Contracts off-chain model [MOD-16]: it holds on a scripted cluster life, and it
catches broken key and delivery rules."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import phala_spec.offchain.cluster as cluster
import phala_spec.offchain.pruntime as pruntime
from phala_spec.models import MODELS, load_model
from phala_spec.models.balances import InvariantViolation
from phala_spec.models.phat_offchain import KEYS, PEOPLE, PhatOffchainMachine
from phala_spec.primitives.crypto import derive_keypair


def invariants(machine: PhatOffchainMachine) -> None:
    for name in dir(machine):
        if name.startswith("inv_"):
            getattr(machine, name)()


def story(crypto: str = "real") -> PhatOffchainMachine:
    """A cluster on w1 and w2 with a contract, honest and adversarial commands, a stake, a
    forged DispatchKeys; invariants after each step."""
    m = PhatOffchainMachine()
    m.genesis(crypto)
    for act in (
        lambda: m.add_cluster(["w1", "w2"], 50),
        lambda: m.deploy_contract(PEOPLE[1], 0, b"", 10),
        lambda: m.commands([(PEOPLE[1], 0, True, b"hi", 5), (PEOPLE[2], 0, False, b"yo", 0)]),
        lambda: m.bad_command(0, "wrong_key"),
        lambda: m.bad_command(0, "garbage"),
        lambda: m.bad_command(0, "worker_origin"),
        lambda: m.forged_dispatch(0, "w3"),
        lambda: m.stake(PEOPLE[1], 0, 100),
        lambda: m.deposit(PEOPLE[2], 0, 30),
        m.idle,
    ):
        act()
        invariants(m)
    return m


def test_the_model_is_registered() -> None:
    assert MODELS["phat_offchain"].endswith(":PhatOffchainMachine")
    assert load_model("phat_offchain") is PhatOffchainMachine


@pytest.mark.parametrize("crypto", ["real", "oracle"])
def test_a_cluster_life_holds_and_reaches_every_path(crypto: str) -> None:
    m = story(crypto)
    w1, w2 = (m.net.runtimes[n].cluster for n in ("w1", "w2"))
    assert w1 is not None and w1 == w2
    contract = m.contracts()[0]  # pick 0: bob's contract, beside the system contract
    assert m.net.chain.phat.contracts[contract].deployer == PEOPLE[1]
    records = w1.contracts[contract].commands
    # the encrypted and the plain command, then the worker origin's (the other two skipped)
    assert [(r.encrypted, r.error) for r in records] == [
        (True, None),
        (False, None),
        (False, "BadOrigin"),
    ]
    assert all(m.net.runtimes[n].cluster is None for n in ("gk", "w3", "w4"))
    m.change_workers("w2", 0, False)
    invariants(m)
    assert isinstance(m.net.runtimes["w2"].halted, pruntime.RuntimeExited)
    m.destroy(0)
    invariants(m)
    assert isinstance(m.net.runtimes["w1"].halted, pruntime.RuntimeExited)


def test_catches_workers_that_disagree(monkeypatch: pytest.MonkeyPatch) -> None:
    original = pruntime.run_commands

    def deaf_w2(runtime: Any, block: Any, commands: Any) -> Any:
        if runtime.pubkey == KEYS["w2"].public:
            return runtime
        return original(runtime, block, commands)

    monkeypatch.setattr(pruntime, "run_commands", deaf_w2)
    with pytest.raises(InvariantViolation) as failure:
        story()
    assert failure.value.invariant == "inv_PHAT_64_workers_agree"


def test_catches_a_contract_key_from_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong(cluster_key: Any, contract: bytes) -> Any:
        return derive_keypair(cluster_key, (b"not_the_contract_key", contract))

    monkeypatch.setattr(cluster, "derive_contract_key", wrong)
    with pytest.raises(InvariantViolation) as failure:
        story()
    assert failure.value.invariant == "inv_PHAT_51_keys_are_derived"


def test_catches_a_cluster_key_on_an_unlisted_runtime() -> None:
    m = PhatOffchainMachine()
    m.genesis("oracle")
    m.add_cluster(["w1"], 0)
    m.idle()
    invariants(m)
    held = m.net.runtimes["w1"].cluster
    runtimes = m.net.runtimes.set("w3", attrs.evolve(m.net.runtimes["w3"], cluster=held))
    m.state = attrs.evolve(m.net, runtimes=runtimes)
    with pytest.raises(InvariantViolation) as failure:
        m.inv_PHAT_67_key_only_to_listed_workers()
    assert failure.value.invariant == "inv_PHAT_67_key_only_to_listed_workers"
