"""The staking model [STK-24] holds on the reference and catches a broken share rule."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from phala_spec.models.balances import PALLET, InvariantViolation
from phala_spec.models.settings import profile
from phala_spec.models.staking import LOCK, STAKERS, StakingMachine
from phala_spec.pallets.staking import base_pool
from phala_spec.runtime.genesis import UNIT

ALICE = STAKERS[0]
RUN = settings(profile("ci"), max_examples=60, stateful_step_count=40)


def test_staking_model_holds() -> None:
    run_state_machine_as_test(StakingMachine, settings=RUN)


def test_model_catches_shares_left_out_of_the_total(monkeypatch: pytest.MonkeyPatch) -> None:
    """A base pool that forgets to remove extracted dust breaks the share sum."""
    original = base_pool.remove_stake_amounts

    def forgetful(*args: object) -> tuple[object, ...]:
        amount, rest, removed, total_shares, total_value = original(*args)  # type: ignore[arg-type]
        shares = args[3]
        return amount, rest, removed, total_shares + (removed - shares), total_value  # type: ignore[operator]

    monkeypatch.setattr(base_pool, "remove_stake_amounts", forgetful)
    machine = StakingMachine()
    machine.genesis()
    machine.wrap(ALICE, 10 * UNIT)
    machine.contribute(0, ALICE, 1000)  # all 10 PHA: 10 PHA of shares at no price
    pool_account = base_pool.get_basepool(machine.chain, 0).pool_account
    machine.call(PALLET, "Assets.transfer", source=pool_account, dest=LOCK, amount=500)
    # all shares asked; the free W-PHA pays all but about 500 of them: that rest is dust [STK-17]
    machine.withdraw(0, ALICE, 1000)
    with pytest.raises(InvariantViolation) as failure:
        machine.inv_STK_24_total_shares_is_sum_of_records()
    assert failure.value.invariant == "inv_STK_24_total_shares_is_sum_of_records"
    machine.teardown()
