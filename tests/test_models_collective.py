"""The collectives model [MOD-10] holds on the reference and catches a broken membership rule."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis.stateful import run_state_machine_as_test

import phala_spec.pallets.governance.collective
from phala_spec.chain.state import AccountId, ChainState
from phala_spec.models.balances import InvariantViolation
from phala_spec.models.collective import CollectiveMachine
from phala_spec.models.settings import profile


def test_collective_model_holds_under_the_ci_profile() -> None:
    run_state_machine_as_test(CollectiveMachine, settings=profile("ci"))


def test_model_catches_votes_kept_after_a_membership_change(monkeypatch: Any) -> None:
    """A reference that forgets to remove outgoing members' votes breaks [COL-11]."""

    def keep_votes(
        state: ChainState,
        instance: str,
        outgoing: tuple[AccountId, ...],
        new: tuple[AccountId, ...],
    ) -> ChainState:
        del outgoing
        col = phala_spec.pallets.governance.collective.collective_state(state, instance)
        return phala_spec.pallets.governance.collective._store(
            state, instance, attrs.evolve(col, members=tuple(sorted(new)), prime=None)
        )

    monkeypatch.setattr(
        phala_spec.pallets.governance.collective, "change_members_sorted", keep_votes
    )
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(CollectiveMachine, settings=profile("ci"))
    assert caught.value.invariant == "inv_COL_11_votes_from_members"
