"""W-PHA [STK-1]..[STK-9]: expectations derived from the rules of spec/staking.md."""

from __future__ import annotations

from typing import Any

import pytest

from phala_spec.chain.state import BlockContext, ChainState, PalletOrigin, Signed
from phala_spec.pallets.balances.accounts import free_balance
from phala_spec.pallets.staking import assets, wrapped_balances
from phala_spec.runtime.block import apply_call, initialize_block
from phala_spec.runtime.genesis import UNIT, dev_account, genesis

ALICE, BOB, CHARLIE = dev_account("alice"), dev_account("bob"), dev_account("charlie")
OPS = PalletOrigin("Caller")
MIN = 100  # minimal's W-PHA minimum balance [STK-2]


def chain(**config: Any) -> ChainState:
    state = genesis(
        "minimal",
        {"balances": [[n, 1_000 * UNIT] for n in ("alice", "bob", "charlie")], "config": config},
    )
    return initialize_block(state, BlockContext(1, 12_000))[0]


def run(
    state: ChainState, origin: Any, name: str, **args: Any
) -> tuple[ChainState, str, list[str]]:
    result = apply_call(state, origin, name, args)
    return result.state, result.outcome, [e.name for e in result.events]


def test_wpha_account_is_the_padded_name() -> None:
    assert b"wpha/" + bytes(27) == wrapped_balances.WPHA_ACCOUNT


def test_wrap_moves_pha_and_mints_one_to_one() -> None:
    state, outcome, events = run(
        chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=10 * UNIT
    )
    assert outcome == "ok"
    assert free_balance(state, ALICE) == 990 * UNIT
    assert free_balance(state, wrapped_balances.WPHA_ACCOUNT) == 10 * UNIT
    assert assets.balance(state, ALICE) == 10 * UNIT and assets.supply(state) == 10 * UNIT
    assert wrapped_balances.staker_account(state, ALICE) is not None
    assert events[-2:] == ["Assets.Issued", "PhalaWrappedBalances.Wrapped"]


def test_wrap_below_minimum_takes_the_pha_and_records_dust() -> None:
    state, outcome, events = run(
        chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=MIN - 1
    )
    assert outcome == "ok" and "Assets.Issued" not in events
    assert assets.balance(state, ALICE) == 0 and assets.supply(state) == 0
    assert state.wrapped_balances.unmintable_dust == MIN - 1
    assert free_balance(state, wrapped_balances.WPHA_ACCOUNT) == MIN - 1


def test_wrap_keeps_the_caller_alive() -> None:
    _, outcome, _ = run(chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=1_000 * UNIT)
    assert outcome == "Token.NotExpendable"


def test_unwrap_is_bounded_by_free_wpha_and_lock() -> None:
    state, _, _ = run(chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=10 * UNIT)
    _, outcome, _ = run(state, Signed(ALICE), "PhalaWrappedBalances.unwrap", amount=10 * UNIT + 1)
    assert outcome == "PhalaWrappedBalances.UnwrapAmountExceedsAvaliableStake"
    locked, outcome, _ = run(
        state, OPS, "PhalaWrappedBalances.set_locked", who=ALICE, amount=4 * UNIT
    )
    assert outcome == "ok"
    _, outcome, _ = run(locked, Signed(ALICE), "PhalaWrappedBalances.unwrap", amount=6 * UNIT + 1)
    assert outcome == "PhalaWrappedBalances.UnwrapAmountExceedsAvaliableStake"
    after, outcome, _ = run(locked, Signed(ALICE), "PhalaWrappedBalances.unwrap_all")
    assert outcome == "ok" and assets.balance(after, ALICE) == 4 * UNIT
    assert free_balance(after, ALICE) == 996 * UNIT


def test_unwrap_burns_a_rest_below_the_minimum_and_keeps_its_pha() -> None:
    state, _, _ = run(chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=10 * UNIT)
    after, outcome, _ = run(
        state, Signed(ALICE), "PhalaWrappedBalances.unwrap", amount=10 * UNIT - (MIN - 1)
    )
    assert outcome == "ok"
    assert assets.balance(after, ALICE) == 0 and assets.supply(after) == 0
    # only the amount asked is paid back; the rest's PHA stays behind the (now empty) supply [STK-9]
    assert free_balance(after, wrapped_balances.WPHA_ACCOUNT) == MIN - 1


def test_net_value_counts_pool_shares_at_the_price() -> None:
    state, _, _ = run(chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=100 * UNIT)
    state, _, _ = run(state, OPS, "BasePool.create", owner=CHARLIE)
    state, outcome, _ = run(state, OPS, "BasePool.contribute", pid=0, who=ALICE, amount=60 * UNIT)
    assert outcome == "ok"
    assert wrapped_balances.net_value(state, ALICE) == 100 * UNIT
    # a reward of 30 PHA on 60 PHA of shares: the price is exactly 1.5
    state, outcome, _ = run(
        state, OPS, "BasePool.distribute_reward", pid=0, source=BOB, amount=30 * UNIT
    )
    assert outcome == "ok"
    assert wrapped_balances.net_value(state, ALICE) == 40 * UNIT + 90 * UNIT
    # unwrap_all only takes the free W-PHA
    state, outcome, _ = run(state, Signed(ALICE), "PhalaWrappedBalances.unwrap_all")
    assert outcome == "ok" and assets.balance(state, ALICE) == 0
    assert wrapped_balances.net_value(state, ALICE) == 90 * UNIT


@pytest.mark.parametrize("origin", [Signed(ALICE), None])
def test_set_locked_is_an_operation(origin: Any) -> None:
    from phala_spec.chain.state import Root

    _, outcome, _ = run(
        chain(), origin or Root(), "PhalaWrappedBalances.set_locked", who=ALICE, amount=1
    )
    assert outcome == "BadOrigin"
