"""The staking model [STK-24] [STK-29] holds on the reference and catches a broken share rule
and a broken vote lock."""

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


def test_model_catches_a_lock_that_forgets_the_other_referenda(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A lock set to the newest vote alone, not the largest of all, breaks [STK-7]."""
    from phala_spec.pallets.staking import wrapped_balances

    def newest_only(state: object, who: bytes) -> int:
        votes = state.wrapped_balances.votes  # type: ignore[attr-defined]
        newest = max(i for i, records in votes.items() if who in records)
        return int(votes[newest][who].aye + votes[newest][who].nay)

    monkeypatch.setattr(wrapped_balances, "max_locked", newest_only)
    machine = StakingMachine()
    machine.genesis()  # referendum 0 is open
    machine.wrap(ALICE, 10 * UNIT)
    machine.vote(ALICE, pick=0, aye=800, nay=0, over=0)
    machine.inv_STK_7_locked_is_the_largest_vote()
    machine.start_referendum(voting_period=3)  # referendum 1
    machine.vote(ALICE, pick=1, aye=100, nay=0, over=0)
    assert set(machine.votes) == {0, 1}
    with pytest.raises(InvariantViolation) as failure:
        machine.inv_STK_7_locked_is_the_largest_vote()
    assert failure.value.invariant == "inv_STK_7_locked_is_the_largest_vote"
    machine.teardown()
