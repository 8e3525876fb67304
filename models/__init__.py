"""Hypothesis models of the reference [MOD-1]..[MOD-6].

A model is a ``RuleBasedStateMachine`` that drives the reference through
:func:`phala_spec.apply_step` with plain-data steps, as honest users and as
adversaries, and checks invariants named by the clause they check
(``inv_BAL_2_total_issuance_is_sum``) after every step. Every machine keeps the
steps it applied, so a failing run *is* a conformance case:
``phala-spec explore`` turns the shrunk trace into a vector.

This package stays light to import (the command line imports it to build its
parser): Hypothesis and the machines load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

# model name -> "module:attribute" of its RuleBasedStateMachine [MOD-1]
MODELS: dict[str, str] = {
    "balances": "phala_spec.models.balances:BalancesMachine",
    "mq": "phala_spec.models.mq:MqMachine",
    "network": "phala_spec.models.network:NetworkMachine",
    "registry": "phala_spec.models.registry:RegistryMachine",
    "staking": "phala_spec.models.staking:StakingMachine",
    "stake_pools": "phala_spec.models.staking_pools:StakePoolMachine",
    "collective": "phala_spec.models.collective:CollectiveMachine",
    "democracy": "phala_spec.models.democracy:DemocracyMachine",
    "gatekeeper": "phala_spec.models.gatekeeper:GatekeeperMachine",
    "phat": "phala_spec.models.phat:PhatMachine",
    "phat_offchain": "phala_spec.models.phat_offchain:PhatOffchainMachine",
    "master_key": "phala_spec.models.master_key:MasterKeyMachine",
}


def load_model(name: str) -> Any:
    """The machine class registered as ``name`` (``KeyError`` if unknown)."""
    module, attribute = MODELS[name].split(":")
    return getattr(importlib.import_module(module), attribute)


__all__ = ["MODELS", "load_model"]
