"""Vaults [STK-60]..[STK-67]: worked numbers derived from the rules of spec/staking.md.

The owner-share accrual is recomputed here with the integer recipe of the
arithmetic rules (``to_fixed(b) = ((b << 48) // 10^12) << 16``, ``from_fixed(v)
= ((v >> 16) · 10^12) >> 48``, truncating U64F64 division), independently of
the reference's fixed-point module.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from test_stake_pool_v2 import ALICE, BOB, CHARLIE, SP, WEEK, WORKER, block, chain, ok, pool

from phala_spec.chain.computation_payloads import SettleInfo
from phala_spec.chain.staking_state import Vault
from phala_spec.chain.state import ChainState, Signed
from phala_spec.pallets.staking import assets, base_pool, stake_pool_v2, vault
from phala_spec.runtime.block import CallResult, apply_call
from phala_spec.runtime.genesis import UNIT

PV = "PhalaVault."


def to_fixed(b: int) -> int:
    return ((b << 48) // 10**12) << 16


def from_fixed(v: int) -> int:
    return ((v >> 16) * 10**12) >> 48


def permill(parts: int, x: int) -> int:
    exact = parts * x
    return exact // 10**6 + (1 if exact % 10**6 > 500_000 else 0)


def expected_gain(tv: int, ts: int, checkpoint: int, parts: int) -> tuple[int, int]:
    current = from_fixed((to_fixed(tv) << 64) // to_fixed(ts))
    new_price = current - permill(parts, current - checkpoint)
    return max(from_fixed((to_fixed(tv) << 64) // to_fixed(new_price)) - ts, 0), new_price


def call(state: ChainState, who: bytes, name: str, **args: Any) -> CallResult:
    return apply_call(state, Signed(who), name, args)


def fails(state: ChainState, who: bytes, name: str, code: str, **args: Any) -> None:
    result = call(state, who, name, **args)
    assert result.outcome == code
    assert result.state == state


def the_vault(state: ChainState, pid: int = 1) -> Vault:
    return vault.ensure_vault(state, pid)


def invested(commission: int | None = 100_000) -> ChainState:
    """Alice's stake pool 0 (worker 1) and vault 1 (commission 10%); bob put 1,000 PHA in the vault,
    which alice invested in the stake pool."""
    state = ok(chain(), ALICE, SP + "create")
    state = ok(state, ALICE, SP + "add_worker", pid=0, pubkey=WORKER.public)
    state = ok(state, ALICE, PV + "create")
    if commission is not None:
        state = ok(state, ALICE, PV + "set_payout_pref", pid=1, payout_commission=commission)
    state = ok(state, BOB, PV + "contribute", pid=1, amount=1_000 * UNIT)
    return ok(state, ALICE, SP + "contribute", pid=0, amount=1_000 * UNIT, as_vault=1)


def rewarded(state: ChainState, pha: int) -> ChainState:
    state, _ = stake_pool_v2.on_reward(
        state, state.system.block, (SettleInfo(WORKER.public, 0, pha << 64, 0),)
    )
    return state


def test_create_and_checkpoint() -> None:
    result = call(chain(), ALICE, PV + "create")
    v = the_vault(result.state, 0)
    assert (
        v.last_share_price_checkpoint,
        v.commission,
        v.owner_shares,
        v.invest_pools,
        v.locked,
    ) == (10**12, None, 0, (), False)
    assert [e.name for e in result.events] == [PV + "PoolCreated"]
    fails(
        result.state,
        ALICE,
        SP + "add_worker",
        "PhalaBasePool.PoolTypeNotMatch",
        pid=0,
        pubkey=WORKER.public,
    )


def test_vault_invests_and_subscribes() -> None:
    state = invested()
    v, p = the_vault(state), pool(state)
    assert v.invest_pools == (0,) and p.basepool.value_subscribers == (1,)
    assert base_pool.shares_of(state, p.basepool, v.basepool.pool_account) == 1_000 * UNIT
    assert assets.balance(state, v.basepool.pool_account) == 0
    fails(
        state, BOB, SP + "contribute", SP + "UnauthorizedPoolOwner", pid=0, amount=UNIT, as_vault=1
    )
    fails(
        state, ALICE, SP + "contribute", SP + "InsufficientBalance", pid=0, amount=UNIT, as_vault=1
    )
    fails(
        state,
        ALICE,
        SP + "contribute",
        "PhalaBasePool.PoolTypeNotMatch",
        pid=0,
        amount=UNIT,
        as_vault=0,
    )


def test_owner_shares_at_the_checkpoint_price() -> None:
    """A 100 PHA reward in the stake pool raises the vault's value to 1,100 PHA; 10% of the price gain
    becomes owner shares, worth about 10 PHA."""
    state = rewarded(invested(), 100)
    v = the_vault(state)
    assert v.basepool.total_value == 1_100 * UNIT
    adjust, new_price = expected_gain(1_100 * UNIT, 1_000 * UNIT, 10**12, 100_000)
    result = call(state, ALICE, PV + "maybe_gain_owner_shares", vault_pid=1)
    v = the_vault(result.state)
    assert (v.owner_shares, v.last_share_price_checkpoint) == (adjust, new_price)
    assert v.basepool.total_shares == 1_000 * UNIT + adjust
    assert [(e.name, dict(e.fields)) for e in result.events] == [
        (PV + "OwnerSharesGained", {"pid": 1, "shares": adjust, "checkpoint": new_price})
    ]
    # the holders keep their shares' worth at the new checkpoint price [STK-71]; the owner's part is the
    # 10 PHA commission plus what the floored price left over (about a planck per PHA of shares)
    holders = Fraction(1_000 * UNIT * 1_100 * UNIT, 1_000 * UNIT + adjust)
    assert holders >= Fraction(1_000 * UNIT * to_fixed(new_price), 2**64)
    assert 0 <= 1_100 * UNIT - holders - 10 * UNIT <= 1_000 + 10
    # a second accrual at the same price changes nothing
    again = call(result.state, ALICE, PV + "maybe_gain_owner_shares", vault_pid=1)
    assert the_vault(again.state) == v
    fails(state, BOB, PV + "maybe_gain_owner_shares", PV + "UnauthorizedPoolOwner", vault_pid=1)


def test_zero_commission_still_gains_from_the_floored_price() -> None:
    """With no commission the new price is the current price, floored to a planck: a value that is not a
    whole multiple of the shares yields a few owner shares (production's quirk, as upstream ``withdraw8``)."""
    state = rewarded(invested(None), 1)
    v = the_vault(state)
    tv, ts = v.basepool.total_value, v.basepool.total_shares
    adjust, new_price = expected_gain(tv, ts, 10**12, 0)
    gained = the_vault(call(state, ALICE, PV + "maybe_gain_owner_shares", vault_pid=1).state)
    assert gained.owner_shares == adjust and gained.last_share_price_checkpoint == new_price
    assert new_price == from_fixed((to_fixed(tv) << 64) // to_fixed(ts))


def test_commission_change_settles_first() -> None:
    state = rewarded(invested(), 100)
    fails(
        state,
        ALICE,
        PV + "set_payout_pref",
        PV + "CommissionNotChanged",
        pid=1,
        payout_commission=100_000,
    )
    fails(
        state,
        BOB,
        PV + "set_payout_pref",
        PV + "UnauthorizedPoolOwner",
        pid=1,
        payout_commission=900_000,
    )
    result = call(state, ALICE, PV + "set_payout_pref", pid=1, payout_commission=900_000)
    adjust, _ = expected_gain(1_100 * UNIT, 1_000 * UNIT, 10**12, 100_000)
    v = the_vault(result.state)
    assert v.owner_shares == adjust and v.commission == 900_000
    assert [e.name for e in result.events] == [PV + "OwnerSharesGained", PV + "VaultCommissionSet"]


def test_claim_owner_shares() -> None:
    state = ok(rewarded(invested(), 100), ALICE, PV + "maybe_gain_owner_shares", vault_pid=1)
    owned = the_vault(state).owner_shares
    fails(
        state,
        BOB,
        PV + "claim_owner_shares",
        PV + "UnauthorizedPoolOwner",
        vault_pid=1,
        target=CHARLIE,
        shares=1,
    )
    fails(
        state,
        ALICE,
        PV + "claim_owner_shares",
        PV + "NoEnoughShareToClaim",
        vault_pid=1,
        target=CHARLIE,
        shares=owned + 1,
    )
    fails(
        state,
        ALICE,
        PV + "claim_owner_shares",
        PV + "NoRewardToClaim",
        vault_pid=1,
        target=CHARLIE,
        shares=0,
    )
    result = call(
        state, ALICE, PV + "claim_owner_shares", vault_pid=1, target=CHARLIE, shares=owned
    )
    v = the_vault(result.state)
    assert v.owner_shares == 0 and base_pool.shares_of(result.state, v.basepool, CHARLIE) == owned
    assert v.basepool.total_shares == 1_000 * UNIT + owned
    assert 1 in result.state.wrapped_balances.staker_accounts[CHARLIE].invest_pools


def test_contribute_and_withdraw_checks() -> None:
    state = invested()
    fails(
        state,
        ALICE,
        PV + "contribute",
        PV + "InsufficientContribution",
        pid=1,
        amount=UNIT // 100 - 1,
    )
    fails(state, ALICE, PV + "contribute", PV + "AssetAccountNotExist", pid=1, amount=UNIT)
    fails(state, BOB, PV + "contribute", PV + "InsufficientBalance", pid=1, amount=9_001 * UNIT)
    fails(state, BOB, PV + "contribute", "PhalaBasePool.PoolTypeNotMatch", pid=0, amount=UNIT)
    # the vault is checked last, while gaining owner shares [STK-64]
    tiny = UNIT // 100 - 1
    fails(state, ALICE, PV + "contribute", PV + "InsufficientContribution", pid=9, amount=tiny)
    fails(state, ALICE, PV + "contribute", PV + "AssetAccountNotExist", pid=9, amount=UNIT)
    fails(state, BOB, PV + "contribute", PV + "InsufficientBalance", pid=0, amount=9_001 * UNIT)
    fails(state, BOB, PV + "contribute", "PhalaBasePool.PoolDoesNotExist", pid=9, amount=UNIT)
    # a stake pool's contribute checks the vault before the pool [STK-46]
    fails(
        state,
        BOB,
        SP + "contribute",
        SP + "UnauthorizedPoolOwner",
        pid=9,
        amount=tiny,
        as_vault=1,
    )
    fails(
        state,
        ALICE,
        SP + "contribute",
        "PhalaBasePool.PoolDoesNotExist",
        pid=9,
        amount=tiny,
        as_vault=1,
    )
    fails(state, CHARLIE, PV + "withdraw", SP + "NoNftToWithdraw", pid=1, shares=UNIT)
    fails(state, BOB, PV + "withdraw", PV + "NoEnoughShareToClaim", pid=1, shares=1_000)
    fails(state, BOB, PV + "withdraw", PV + "NoEnoughShareToClaim", pid=1, shares=1_000 * UNIT + 1)
    # the vault's money is in the stake pool: bob's withdrawal is queued in the vault
    result = call(state, BOB, PV + "withdraw", pid=1, shares=400 * UNIT)
    assert [w.user for w in the_vault(result.state).basepool.withdraw_queue] == [BOB]


def test_force_shutdown_withdraws_everything_and_locks() -> None:
    """Bob queues 400 PHA in the vault at t. At t + 7 days the queue's value exceeds the vault's free
    W-PHA with nothing releasing: ``NoEnoughReleasingStake``. The vault withdraws all its stake-pool
    shares (the pool has them free: paid at once) and is locked; a locked vault cannot invest; the next
    check pays bob and unlocks it."""
    state = ok(invested(), BOB, PV + "withdraw", pid=1, shares=400 * UNIT)
    state = block(state, 3, WEEK)
    result = call(state, CHARLIE, PV + "check_and_maybe_force_withdraw", vault_pid=1)
    assert result.outcome == "ok" and not the_vault(result.state).locked
    state = block(state, 4, 1)
    result = call(state, CHARLIE, PV + "check_and_maybe_force_withdraw", vault_pid=1)
    v = the_vault(result.state)
    assert v.locked and result.events[-1].name == PV + "ForceShutdown"
    assert dict(result.events[-1].fields) == {"pid": 1, "reason": "NoEnoughReleasingStake"}
    assert assets.balance(result.state, v.basepool.pool_account) == 1_000 * UNIT
    state = result.state
    fails(state, ALICE, SP + "contribute", SP + "VaultIsLocked", pid=0, amount=UNIT, as_vault=1)
    fails(state, ALICE, SP + "withdraw", SP + "VaultIsLocked", pid=0, shares=UNIT, as_vault=1)
    result = call(state, CHARLIE, PV + "check_and_maybe_force_withdraw", vault_pid=1)
    v = the_vault(result.state)
    assert not v.locked and v.basepool.withdraw_queue == ()
    assert assets.balance(result.state, BOB) == 9_400 * UNIT
    # the emptied pool is dropped from the invest pools at the next shutdown only; shares are gone
    assert (
        base_pool.shares_of(result.state, pool(result.state).basepool, v.basepool.pool_account) == 0
    )


def test_waiting_three_grace_periods() -> None:
    """The stake pool computes with all of the vault's money; the vault's queue waits. Releasing stake
    (the vault's own queued withdrawal in the stake pool) keeps ``NoEnoughReleasingStake`` away; after
    three grace periods the reason is ``Waiting3xGracePeriod``."""
    state = ok(invested(), CHARLIE, SP + "contribute", pid=0, amount=4_000 * UNIT, as_vault=None)
    state = ok(
        state, ALICE, SP + "start_computing", pid=0, worker=WORKER.public, stake=5_000 * UNIT
    )
    state = ok(state, BOB, PV + "withdraw", pid=1, shares=400 * UNIT)
    state = ok(state, ALICE, SP + "withdraw", pid=0, shares=400 * UNIT, as_vault=1)
    assert vault.releasing_value(state, the_vault(state)) == 400 * UNIT
    state = block(state, 3, WEEK + 1)
    assert (
        vault.shutdown_reason(state, the_vault(state), state.system.block.timestamp // 1000) is None
    )
    state = block(state, 4, 2 * WEEK)
    result = call(state, CHARLIE, PV + "check_and_maybe_force_withdraw", vault_pid=1)
    assert dict(result.events[-1].fields) == {"pid": 1, "reason": "Waiting3xGracePeriod"}


@pytest.mark.parametrize("parts", [0, 1, 100_000, 500_000, 999_999, 1_000_000])
def test_accrual_kernel_matches_the_recipe(parts: int) -> None:
    for tv, ts, checkpoint in [
        (1_100 * UNIT, 1_000 * UNIT, 10**12),
        (3 * UNIT + 7, 2 * UNIT, 10**12 + 5),
        (10**18, 10**17, 9 * 10**12),
    ]:
        current = from_fixed((to_fixed(tv) << 64) // to_fixed(ts))
        adjust, new_price = vault.owner_share_gain(tv, ts, current, checkpoint, parts)
        assert (adjust, new_price) == expected_gain(tv, ts, checkpoint, parts)
