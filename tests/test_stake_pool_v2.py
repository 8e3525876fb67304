"""Stake pool v2 [STK-40]..[STK-57]: worked numbers derived from the rules of spec/staking.md.

Amounts are whole PHA, so the share price stays exactly 1 until a reward
arrives and the expected shares and payouts follow from the rules by hand.
Rewards are delivered as the computation pallet delivers them, through
``on_reward`` [CMP-22]; one test goes through a gatekeeper report.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from phala_spec.chain.computation_payloads import SettleInfo, WorkingInfoUpdateEvent
from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.staking_state import StakePool
from phala_spec.chain.state import BlockContext, ChainState, Root, Signed
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.conformance.relaying import apply_relay
from phala_spec.pallets import computation
from phala_spec.pallets.staking import assets, stake_pool_v2
from phala_spec.pallets.staking.wrapped_balances import WPHA_ACCOUNT
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.primitives.errors import InvalidInput, RuntimePanic
from phala_spec.primitives.fixed import from_fixed
from phala_spec.runtime.block import CallResult, apply_call, finalize_block, initialize_block
from phala_spec.runtime.genesis import UNIT, dev_account, genesis

ALICE, BOB, CHARLIE = (dev_account(n) for n in ("alice", "bob", "charlie"))
WORKER, WORKER2, WORKER3 = (dev_keypair(f"test-stake-pool/worker{i}") for i in (1, 2, 3))
MASTER = dev_keypair("test-stake-pool/master")
SUBSIDY = computation.SUBSIDY_POOL
T0 = 1_700_000_000_000
SP = "PhalaStakePoolv2."
WEEK = 7 * 24 * 3600


def block(state: ChainState, number: int, seconds: int = 12) -> ChainState:
    if state.system.in_block:
        state, _ = finalize_block(state)
    return initialize_block(
        state, BlockContext(number, state.system.block.timestamp + seconds * 1000)
    )[0]


def call(state: ChainState, who: bytes, name: str, **args: Any) -> CallResult:
    return apply_call(state, Signed(who), name, args)


def ok(state: ChainState, who: bytes, name: str, **args: Any) -> ChainState:
    result = call(state, who, name, **args)
    assert result.outcome == "ok", result.outcome
    return result.state


def fails(state: ChainState, who: bytes, name: str, code: str, **args: Any) -> None:
    result = call(state, who, name, **args)
    assert result.outcome == code
    assert result.state == state


def chain(score: int | None = 1000) -> ChainState:
    """Alice operates three workers (1 and 2 benchmarked at ``score``, 3 never); bob and charlie wrap 10,000 PHA."""
    balances = [[n, 10**6 * UNIT] for n in ("alice", "bob", "charlie")] + [[SUBSIDY, 10**6 * UNIT]]
    state = genesis(
        "minimal", {"balances": balances, "registry": {"gatekeeper_master_pubkey": MASTER.public}}
    )
    state = initialize_block(state, BlockContext(1, T0))[0]
    for kp in (WORKER, WORKER2, WORKER3):
        state = apply_call(
            state,
            Root(),
            "PhalaRegistry.force_register_worker",
            {"pubkey": kp.public, "ecdh_pubkey": kp.ecdh_public, "operator": ALICE},
        ).state
        if kp is not WORKER3:
            record = attrs.evolve(state.registry.workers[kp.public], initial_score=score)
            state = attrs.evolve(
                state,
                registry=attrs.evolve(
                    state.registry, workers=state.registry.workers.set(kp.public, record)
                ),
            )
    for who in (BOB, CHARLIE):
        state = ok(state, who, "PhalaWrappedBalances.wrap", amount=10_000 * UNIT)
    return block(state, 2)


def pool(state: ChainState, pid: int = 0) -> StakePool:
    return stake_pool_v2.ensure_stake_pool(state, pid)


def names(result: CallResult, prefix: str = SP) -> list[str]:
    return [e.name for e in result.events if e.name.startswith(prefix)]


def funded(contribution: int = 5_000) -> ChainState:
    """Alice's pool 0 with worker 1; bob contributed ``contribution`` PHA."""
    state = ok(chain(), ALICE, SP + "create")
    state = ok(state, ALICE, SP + "add_worker", pid=0, pubkey=WORKER.public)
    return ok(state, BOB, SP + "contribute", pid=0, amount=contribution * UNIT, as_vault=None)


def computing(stake: int = 4_000) -> ChainState:
    return ok(
        funded(), ALICE, SP + "start_computing", pid=0, worker=WORKER.public, stake=stake * UNIT
    )


def reward(
    state: ChainState, worker: bytes, payout_bits: int
) -> tuple[ChainState, list[tuple[str, dict[str, Any]]]]:
    state, events = stake_pool_v2.on_reward(
        state, state.system.block, (SettleInfo(worker, 0, payout_bits, 0),)
    )
    return state, [(e.name, dict(e.fields)) for e in events if e.name.startswith(SP)]


# --- [STK-40] [STK-41] ------------------------------------------------------------------------------


def test_create_derives_the_production_accounts() -> None:
    result = call(chain(), ALICE, SP + "create")
    p = pool(result.state)
    digest = blake2b_256((0).to_bytes(8, "little") + ALICE)
    assert p.basepool.pool_account == b"bp/" + digest[:29]
    assert p.lock_account == b"sl/" + digest[:29] and p.owner_reward_account == b"so/" + digest[:29]
    assert (p.basepool.pid, p.basepool.cid, p.payout_commission, p.cap) == (0, 10_000, None, None)
    assert [(e.name, dict(e.fields)) for e in result.events] == [
        (
            SP + "PoolCreated",
            {"owner": ALICE, "pid": 0, "cid": 10_000, "pool_account_id": p.basepool.pool_account},
        )
    ]
    session = stake_pool_v2.pool_sub_account(0, WORKER.public)
    assert session == b"spm/" + blake2b_256((0).to_bytes(8, "little") + WORKER.public)[:28]


# --- [STK-42] [STK-43] -------------------------------------------------------------------------------


def test_add_worker_check_order() -> None:
    state = ok(ok(chain(), ALICE, SP + "create"), BOB, SP + "create")
    fails(state, ALICE, SP + "add_worker", SP + "WorkerNotRegistered", pid=0, pubkey=b"\x07" * 32)
    fails(state, BOB, SP + "add_worker", SP + "UnauthorizedOperator", pid=1, pubkey=WORKER.public)
    fails(state, ALICE, SP + "add_worker", SP + "BenchmarkMissing", pid=0, pubkey=WORKER3.public)
    fails(
        state,
        ALICE,
        SP + "add_worker",
        "PhalaBasePool.PoolDoesNotExist",
        pid=9,
        pubkey=WORKER.public,
    )
    fails(
        state, ALICE, SP + "add_worker", SP + "UnauthorizedPoolOwner", pid=1, pubkey=WORKER.public
    )
    result = call(state, ALICE, SP + "add_worker", pid=0, pubkey=WORKER.public)
    assert names(result, "Phala") == ["PhalaComputation.SessionBound", SP + "PoolWorkerAdded"]
    state = result.state
    assert (
        pool(state).workers == (WORKER.public,)
        and stake_pool_v2.worker_assignment(state, WORKER.public) == 0
    )
    fails(state, ALICE, SP + "add_worker", SP + "WorkerExists", pid=0, pubkey=WORKER.public)
    state = ok(state, ALICE, SP + "create")
    fails(
        state,
        ALICE,
        SP + "add_worker",
        SP + "FailedToBindSessionAndWorker",
        pid=2,
        pubkey=WORKER.public,
    )


def test_workers_limit() -> None:
    state = ok(chain(), ALICE, SP + "create")
    full = attrs.evolve(pool(state), workers=tuple(bytes([i]) * 32 for i in range(200)))
    state = stake_pool_v2.put_pool(state, full)
    fails(state, ALICE, SP + "add_worker", SP + "WorkersExceedLimit", pid=0, pubkey=WORKER.public)


def test_remove_worker_needs_a_ready_session() -> None:
    state = computing()
    fails(
        state, ALICE, SP + "remove_worker", SP + "WorkerDoesNotExist", pid=0, worker=WORKER2.public
    )
    fails(state, ALICE, SP + "remove_worker", SP + "WorkerIsNotReady", pid=0, worker=WORKER.public)
    state = ok(state, ALICE, SP + "add_worker", pid=0, pubkey=WORKER2.public)
    result = call(state, ALICE, SP + "remove_worker", pid=0, worker=WORKER2.public)
    assert names(result) == [SP + "PoolWorkerRemoved"]
    assert pool(result.state).workers == (WORKER.public,)
    assert WORKER2.public not in result.state.computation.worker_bindings


def test_operator_unbinding_removes_the_worker_without_cooling_list() -> None:
    """``OnUnbound`` drops the worker; the forced stop does not add it to ``cd_workers`` [STK-43] [STK-54]."""
    state = computing()
    session = stake_pool_v2.pool_sub_account(0, WORKER.public)
    result = call(state, ALICE, "PhalaComputation.unbind", session=session)
    assert result.outcome == "ok"
    assert names(result) == [SP + "PoolWorkerRemoved"]
    assert pool(result.state).workers == () and pool(result.state).cd_workers == ()
    assert stake_pool_v2.releasing_stake(result.state, pool(result.state)) == 0
    # the cooling-down stake can still be reclaimed after the cool-down
    state = block(result.state, 3, WEEK)
    result = call(state, CHARLIE, SP + "reclaim_pool_worker", pid=0, worker=WORKER.public)
    assert result.outcome == "ok"
    assert assets.balance(result.state, pool(state).basepool.pool_account) == 5_000 * UNIT


# --- [STK-44] [STK-45] [STK-46] ----------------------------------------------------------------------


def test_contribute_checks_and_subscription() -> None:
    state = ok(chain(), ALICE, SP + "create")
    fails(
        state,
        BOB,
        SP + "contribute",
        "PhalaBasePool.PoolDoesNotExist",
        pid=5,
        amount=UNIT,
        as_vault=None,
    )
    fails(
        state,
        BOB,
        SP + "contribute",
        SP + "InsufficientContribution",
        pid=0,
        amount=UNIT // 100 - 1,
        as_vault=None,
    )
    fails(
        state,
        BOB,
        SP + "contribute",
        SP + "InsufficientBalance",
        pid=0,
        amount=10_001 * UNIT,
        as_vault=None,
    )
    fails(
        state,
        BOB,
        SP + "contribute",
        "PhalaBasePool.PoolTypeNotMatch",
        pid=0,
        amount=UNIT,
        as_vault=0,
    )
    # the vault argument comes first, before the pool and the minimum contribution
    fails(
        state,
        BOB,
        SP + "contribute",
        "PhalaBasePool.PoolTypeNotMatch",
        pid=5,
        amount=1,
        as_vault=0,
    )
    result = call(state, BOB, SP + "contribute", pid=0, amount=UNIT // 100, as_vault=None)
    assert result.events[-1].name == SP + "Contribution"
    assert dict(result.events[-1].fields) == {
        "pid": 0,
        "user": BOB,
        "amount": UNIT // 100,
        "shares": UNIT // 100,
        "as_vault": None,
    }
    assert result.state.wrapped_balances.staker_accounts[BOB].invest_pools == (0,)


def test_cap_rules() -> None:
    state = funded(5_000)
    fails(state, BOB, SP + "set_cap", SP + "UnauthorizedPoolOwner", pid=0, cap=6_000 * UNIT)
    fails(state, ALICE, SP + "set_cap", SP + "InadequateCapacity", pid=0, cap=5_000 * UNIT - 1)
    state = ok(state, ALICE, SP + "set_cap", pid=0, cap=6_000 * UNIT)
    fails(
        state,
        CHARLIE,
        SP + "contribute",
        SP + "StakeExceedsCapacity",
        pid=0,
        amount=1_000 * UNIT + 1,
        as_vault=None,
    )
    ok(state, CHARLIE, SP + "contribute", pid=0, amount=1_000 * UNIT, as_vault=None)


def test_contribution_paying_the_queue_may_exceed_the_nominal_gap() -> None:
    """Bob's 5,000 PHA: 4,000 staked; he withdraws 3,000 shares: 1,000 paid, 2,000 queued. With a cap of
    4,500 (value 4,000), charlie's 2,500 pays bob's 2,000 at once, the value ends at 4,500: accepted."""
    state = computing()
    result = call(state, BOB, SP + "withdraw", pid=0, shares=3_000 * UNIT, as_vault=None)
    paid = [dict(e.fields) for e in result.events if e.name == "PhalaBasePool.Withdrawal"]
    assert paid == [
        {"pid": 0, "user": BOB, "amount": 1_000 * UNIT, "shares": 1_000 * UNIT, "burnt_shares": 0}
    ]
    state = ok(result.state, ALICE, SP + "set_cap", pid=0, cap=4_500 * UNIT)
    state = ok(state, CHARLIE, SP + "contribute", pid=0, amount=2_500 * UNIT, as_vault=None)
    base = pool(state).basepool
    assert (base.total_value, base.total_shares, base.withdraw_queue) == (
        4_500 * UNIT,
        4_500 * UNIT,
        (),
    )
    assert assets.balance(state, BOB) == 8_000 * UNIT
    assert assets.balance(state, base.pool_account) == 500 * UNIT


def test_payout_pref() -> None:
    state = funded()
    fails(
        state, BOB, SP + "set_payout_pref", SP + "UnauthorizedPoolOwner", pid=0, payout_commission=1
    )
    result = call(state, ALICE, SP + "set_payout_pref", pid=0, payout_commission=250_000)
    assert pool(result.state).payout_commission == 250_000
    assert dict(result.events[0].fields) == {"pid": 0, "commission": 250_000}
    with pytest.raises(InvalidInput):
        apply_call(
            state, Signed(ALICE), SP + "set_payout_pref", {"pid": 0, "payout_commission": 1_000_001}
        )


# --- [STK-47] ----------------------------------------------------------------------------------------


def test_withdraw_checks() -> None:
    state = computing()
    fails(
        state, CHARLIE, SP + "withdraw", SP + "NoNftToWithdraw", pid=0, shares=UNIT, as_vault=None
    )
    fails(
        state,
        BOB,
        SP + "withdraw",
        SP + "InvalidWithdrawalAmount",
        pid=0,
        shares=1_000,
        as_vault=None,
    )
    fails(
        state,
        BOB,
        SP + "withdraw",
        SP + "InvalidWithdrawalAmount",
        pid=0,
        shares=5_000 * UNIT + 1,
        as_vault=None,
    )
    state = ok(state, BOB, SP + "withdraw", pid=0, shares=3_000 * UNIT, as_vault=None)
    # a new request counts the queued shares: 2,000 queued + 2,000 held
    fails(
        state,
        BOB,
        SP + "withdraw",
        SP + "InvalidWithdrawalAmount",
        pid=0,
        shares=4_000 * UNIT + 1,
        as_vault=None,
    )
    state = ok(state, BOB, SP + "withdraw", pid=0, shares=4_000 * UNIT, as_vault=None)
    assert stake_pool_v2.queued_shares(state, pool(state).basepool, BOB) == 4_000 * UNIT


# --- [STK-48]..[STK-51] ------------------------------------------------------------------------------


def test_start_computing_moves_the_stake_to_the_lock_account() -> None:
    state = funded()
    fails(
        state,
        BOB,
        SP + "start_computing",
        SP + "UnauthorizedPoolOwner",
        pid=0,
        worker=WORKER.public,
        stake=4_000 * UNIT,
    )
    fails(
        state,
        ALICE,
        SP + "start_computing",
        SP + "InsufficientFreeStake",
        pid=0,
        worker=WORKER.public,
        stake=5_000 * UNIT + 1,
    )
    fails(
        state,
        ALICE,
        SP + "start_computing",
        SP + "WorkerDoesNotExist",
        pid=0,
        worker=WORKER2.public,
        stake=4_000 * UNIT,
    )
    fails(
        state,
        ALICE,
        SP + "start_computing",
        "PhalaComputation.InsufficientStake",
        pid=0,
        worker=WORKER.public,
        stake=1_000 * UNIT,
    )
    result = call(
        state, ALICE, SP + "start_computing", pid=0, worker=WORKER.public, stake=4_000 * UNIT
    )
    p = pool(result.state)
    assert assets.balance(result.state, p.lock_account) == 4_000 * UNIT
    assert assets.balance(result.state, p.basepool.pool_account) == 1_000 * UNIT
    assert p.basepool.total_value == 5_000 * UNIT  # stake stays in the pool's value [STK-57]
    assert names(result) == [SP + "WorkingStarted"]


def test_stop_reclaim_and_restart() -> None:
    state = computing()
    fails(
        state, ALICE, SP + "stop_computing", SP + "WorkerDoesNotExist", pid=0, worker=WORKER2.public
    )
    state = ok(state, ALICE, SP + "stop_computing", pid=0, worker=WORKER.public)
    assert pool(state).cd_workers == (WORKER.public,)
    assert stake_pool_v2.releasing_stake(state, pool(state)) == 4_000 * UNIT
    fails(
        state,
        ALICE,
        SP + "stop_computing",
        SP + "WorkerAlreadyStopped",
        pid=0,
        worker=WORKER.public,
    )
    fails(
        state,
        CHARLIE,
        SP + "reclaim_pool_worker",
        "PhalaComputation.CoolDownNotReady",
        pid=0,
        worker=WORKER.public,
    )
    state = block(state, 3, WEEK)
    state = ok(state, CHARLIE, SP + "reclaim_pool_worker", pid=0, worker=WORKER.public)
    p = pool(state)
    assert p.cd_workers == () and assets.balance(state, p.lock_account) == 0
    assert assets.balance(state, p.basepool.pool_account) == 5_000 * UNIT
    # restart: stake must grow; the queue must be empty
    state = ok(
        state, ALICE, SP + "start_computing", pid=0, worker=WORKER.public, stake=4_000 * UNIT
    )
    fails(
        state,
        ALICE,
        SP + "restart_computing",
        SP + "CannotRestartWithLessStake",
        pid=0,
        worker=WORKER.public,
        stake=4_000 * UNIT,
    )
    result = call(
        state, ALICE, SP + "restart_computing", pid=0, worker=WORKER.public, stake=4_500 * UNIT
    )
    assert result.outcome == "ok"
    assert names(result, "PhalaComputation") == [
        "PhalaComputation.WorkerStopped",
        "PhalaComputation.WorkerReclaimed",
        "PhalaComputation.WorkerStarted",
    ]
    assert assets.balance(result.state, p.lock_account) == 4_500 * UNIT
    queued = ok(state, BOB, SP + "withdraw", pid=0, shares=2_000 * UNIT, as_vault=None)
    fails(
        queued,
        ALICE,
        SP + "restart_computing",
        SP + "WithdrawQueueNotEmpty",
        pid=0,
        worker=WORKER.public,
        stake=4_500 * UNIT,
    )


# --- [STK-52] [STK-53] -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reward", "parts", "commission"),
    [
        (1_001, 500_000, 500),  # 500.5: a tie rounds down
        (1_003, 500_000, 501),  # 501.5: down again
        (1_005, 300_000, 301),  # 301.5: down
        (1_006, 300_000, 302),  # 301.8: up
        (7 * 10**12, 333_333, 2_333_331_000_000),
        (10**12, 1_000_000, 10**12),
        (10**12, 0, 0),
    ],
)
def test_reward_split_rounds_to_nearest_ties_down(reward: int, parts: int, commission: int) -> None:
    exact = reward * parts
    expected = exact // 10**6 + (1 if exact % 10**6 > 500_000 else 0)
    assert stake_pool_v2.reward_split(reward, parts) == (expected, reward - expected)
    assert expected == commission


def test_reward_commission_and_distribution() -> None:
    state = ok(computing(), ALICE, SP + "set_payout_pref", pid=0, payout_commission=100_000)
    subsidy = state.system.accounts[SUBSIDY].data.free
    wpha_pha = state.system.accounts[WPHA_ACCOUNT].data.free
    state, events = reward(state, WORKER.public, 100 << 64)
    p = pool(state)
    assert events[-1] == (
        SP + "RewardReceived",
        {"pid": 0, "to_owner": 10 * UNIT, "to_stakers": 90 * UNIT},
    )
    assert assets.balance(state, p.owner_reward_account) == 10 * UNIT
    assert p.basepool.total_value == 5_090 * UNIT and p.basepool.total_shares == 5_000 * UNIT
    assert state.system.accounts[SUBSIDY].data.free == subsidy - 100 * UNIT
    assert state.system.accounts[WPHA_ACCOUNT].data.free == wpha_pha + 100 * UNIT
    # total value = free + locked [STK-57]
    assert p.basepool.total_value == assets.balance(
        state, p.basepool.pool_account
    ) + stake_pool_v2.locked_stake(state, p)
    fails(state, BOB, SP + "claim_owner_rewards", SP + "UnauthorizedPoolOwner", pid=0, target=BOB)
    result = call(state, ALICE, SP + "claim_owner_rewards", pid=0, target=CHARLIE)
    assert assets.balance(result.state, CHARLIE) == 10_010 * UNIT
    assert names(result) == [SP + "OwnerRewardsWithdrawn"]
    fails(
        result.state,
        ALICE,
        SP + "claim_owner_rewards",
        SP + "NoRewardToClaim",
        pid=0,
        target=CHARLIE,
    )


def test_reward_dismissals() -> None:
    state = ok(
        ok(chain(), ALICE, SP + "create"), ALICE, SP + "add_worker", pid=0, pubkey=WORKER.public
    )
    _, events = reward(state, WORKER2.public, 5 << 64)
    assert events == [
        (SP + "RewardDismissedNotInPool", {"worker": WORKER2.public, "amount": 5 * UNIT})
    ]
    _, events = reward(state, WORKER.public, 5 << 64)
    assert events == [(SP + "RewardDismissedNoShare", {"pid": 0, "amount": 5 * UNIT})]
    _, events = reward(state, WORKER.public, 0)
    assert events == []
    # a worker in no pool is dismissed and the next settlement of the report is paid
    paying = ok(state, BOB, SP + "contribute", pid=0, amount=100 * UNIT, as_vault=None)
    settled, events = stake_pool_v2.on_reward(
        paying,
        paying.system.block,
        (SettleInfo(WORKER2.public, 0, 1 << 64, 0), SettleInfo(WORKER.public, 0, 5 << 64, 0)),
    )
    names = [e.name for e in events if e.name.startswith(SP)]
    assert names == [SP + "RewardDismissedNotInPool", SP + "RewardReceived"]
    assert pool(settled).basepool.total_value == 105 * UNIT
    dust_bits = (
        1_000 << 64
    ) // 10**12 + 2**16  # a little over 1,000 planck in U64F64: floored to 1,000
    after, events = reward(state, WORKER.public, dust_bits)
    assert events == [(SP + "RewardDismissedDust", {"pid": 0, "amount": 1_000})]
    assert after.system.accounts[SUBSIDY] == state.system.accounts[SUBSIDY]
    # 100% commission: nothing to distribute, and a zero amount is not reported dismissed
    state = ok(funded(), ALICE, SP + "set_payout_pref", pid=0, payout_commission=1_000_000)
    _, events = reward(state, WORKER.public, 5 << 64)
    assert events == [(SP + "RewardReceived", {"pid": 0, "to_owner": 5 * UNIT, "to_stakers": 0})]
    # a commission below W-PHA's minimum balance (100 in minimal) cannot be minted: unmintable dust
    state = ok(funded(), ALICE, SP + "set_payout_pref", pid=0, payout_commission=10_000)
    bits = (5_000 << 64) // 10**12 + 2**20  # about 5,000 planck
    amount = int(from_fixed(bits))
    commission = amount // 100 + (1 if amount % 100 > 50 else 0)
    assert 0 < commission < 100
    after, events = reward(state, WORKER.public, bits)
    assert events == [
        (SP + "RewardToOwnerDismissedDust", {"pid": 0, "amount": commission}),
        (
            SP + "RewardReceived",
            {"pid": 0, "to_owner": commission, "to_stakers": amount - commission},
        ),
    ]
    assert (
        after.wrapped_balances.unmintable_dust
        == state.wrapped_balances.unmintable_dust + commission
    )
    assert pool(after).basepool.total_value == 5_000 * UNIT + amount - commission
    # neither the owner's part (below the minimum balance) nor the stakers' (dust): no RewardReceived
    state = ok(funded(), ALICE, SP + "set_payout_pref", pid=0, payout_commission=50_000)
    bits = ((1_050 << 48) // 10**12 + 1) << 16
    _, events = reward(state, WORKER.public, bits)
    assert events == [
        (SP + "RewardToOwnerDismissedDust", {"pid": 0, "amount": 52}),
        (SP + "RewardToDistributionDismissedDust", {"pid": 0, "amount": 998}),
    ]


def test_reward_withdrawal_keeps_the_subsidy_pool_alive() -> None:
    state = funded()
    account = state.system.accounts[SUBSIDY]
    drained = attrs.evolve(
        state,
        system=attrs.evolve(
            state.system,
            accounts={
                **state.system.accounts,
                SUBSIDY: attrs.evolve(account, data=attrs.evolve(account.data, free=5 * UNIT)),
            },
        ),
    )
    with pytest.raises(RuntimePanic):
        reward(drained, WORKER.public, 5 << 64)


def relay_report(state: ChainState, report: WorkingInfoUpdateEvent) -> CallResult:
    return apply_relay(
        state,
        Signed(CHARLIE),
        MessageOrigin("Gatekeeper", b""),
        b"^phala/mining/update",
        encode_payload(report),
        MASTER,
    )


def test_gatekeeper_settlement_pays_the_pool() -> None:
    state = block(computing(), 3)
    ts = state.system.block.timestamp
    result = relay_report(
        state, WorkingInfoUpdateEvent(3, ts, settle=(SettleInfo(WORKER.public, 1, 7 << 64, 0),))
    )
    assert result.outcome == "ok"
    assert pool(result.state).basepool.total_value == 5_007 * UNIT
    assert [e.name for e in result.events if e.name.startswith(SP)] == [SP + "RewardReceived"]


# --- [STK-54] ----------------------------------------------------------------------------------------


def test_force_withdraw_after_the_grace_period() -> None:
    """Bob's 5,000: 4,000 computing. He asks for all: 1,000 paid, 4,000 queued at t. At t + 7 days nothing
    happens; one second later the queued value exceeds free plus releasing stake: the worker is stopped."""
    state = ok(computing(), BOB, SP + "withdraw", pid=0, shares=5_000 * UNIT, as_vault=None)
    start = pool(state).basepool.withdraw_queue[0].start_time
    state = block(state, 3, WEEK)
    assert state.system.block.timestamp // 1000 == start + WEEK
    result = call(state, CHARLIE, SP + "check_and_maybe_force_withdraw", pid=0)
    assert result.outcome == "ok" and pool(result.state).cd_workers == ()
    state = block(state, 4, 1)
    result = call(state, CHARLIE, SP + "check_and_maybe_force_withdraw", pid=0)
    assert pool(result.state).cd_workers == (WORKER.public,)
    assert "PhalaComputation.WorkerStopped" in names(result, "Phala")
    # the releasing stake now covers the queue: a second check stops nothing more
    again = call(result.state, CHARLIE, SP + "check_and_maybe_force_withdraw", pid=0)
    assert again.outcome == "ok" and names(again, "PhalaComputation") == []
    # after the cool-down, reclaiming pays bob
    state = block(result.state, 5, WEEK)
    state = ok(state, CHARLIE, SP + "reclaim_pool_worker", pid=0, worker=WORKER.public)
    assert assets.balance(state, BOB) == 10_000 * UNIT
    assert pool(state).basepool.withdraw_queue == ()


def test_stake_pool_view() -> None:
    """``stake_pool(pid)``: the record with its price, free and locked W-PHA; null for a plain pid [STK-56]."""
    from phala_spec.runtime.views import observe

    state = computing()
    seen = observe(state, "stake_pool", [0])
    assert (seen["free"], seen["locked"], seen["share_price"]) == (
        1_000 * UNIT,
        4_000 * UNIT,
        1 << 64,
    )
    assert seen["workers"] == [WORKER.public] and seen["basepool"]["total_value"] == 5_000 * UNIT
    assert observe(state, "stake_pool", [9]) is None
