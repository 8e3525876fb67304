"""Vaults investing in stake pools: checks, owner shares, shutdown and bankruptcy [STK-55]..[STK-67]."""

from __future__ import annotations

from typing import Any

from phala_spec.conformance import checks
from phala_spec.conformance.authoring import CaseBuilder, case, pallet, root
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.computation.common import WORKER
from phala_spec.conformance.suites.stake_pool.common import (
    ALICE,
    BOB,
    BP,
    CHARLIE,
    DAVE,
    PV,
    SETTING,
    SP,
    SUITE,
    WEEK,
    U,
    do,
    later,
    pool,
    settle,
    start,
    the_vault,
    watch,
    wpha,
)
from phala_spec.pallets.staking import base_pool, vault
from phala_spec.primitives.fixed import bmul

# --- vault ----------------------------------------------------------------------------------------


def invested(
    b: CaseBuilder,
    commission: int | None = 100_000,
    amount: int = 1_000,
    config: dict[str, Any] | None = None,
) -> None:
    """Stake pool 0 (worker 1), vault 1 (alice, ``commission``); bob puts ``amount`` PHA in the vault,
    all invested in the stake pool."""
    start(b, config)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER.public)
    do(b, PV + "create", ALICE, events=[PV + "PoolCreated"])
    if commission is not None:
        do(b, PV + "set_payout_pref", ALICE, pid=1, payout_commission=commission)
    do(b, PV + "contribute", BOB, pid=1, amount=amount * U)
    do(b, SP + "contribute", ALICE, pid=0, amount=amount * U, as_vault=1)


@case(
    suite=SUITE, handler="vault", clauses=("STK-60", "STK-62", "STK-64", "STK-46"), crypto=SETTING
)
def vault_check_order(b: CaseBuilder) -> None:
    """Vault errors in order. `set_payout_pref`: owner, `CommissionNotChanged`. `contribute`: the
    minimum contribution (`InsufficientContribution`, before the account: dave, even to no vault), a
    W-PHA account (`AssetAccountNotExist`: dave, even to the stake pool), `InsufficientBalance`
    (even to the stake pool), and only then the vault (`PoolDoesNotExist`, `PoolTypeNotMatch` for the
    stake pool). Investing (a stake pool's `contribute` as the vault): the vault before the pool
    (`PoolTypeNotMatch`, `PoolDoesNotExist` for a missing vault with a missing pool), only the owner
    (`UnauthorizedPoolOwner`, before the pool), then the pool (`PoolDoesNotExist`), the minimum
    contribution, the vault's free W-PHA (`InsufficientBalance`); the vault joins the pool's
    subscribers."""
    invested(b)
    do(b, PV + "set_payout_pref", BOB, PV + "UnauthorizedPoolOwner", pid=1, payout_commission=5)
    do(
        b,
        PV + "set_payout_pref",
        ALICE,
        PV + "CommissionNotChanged",
        pid=1,
        payout_commission=100_000,
    )
    do(b, PV + "contribute", DAVE, PV + "InsufficientContribution", pid=9, amount=U // 100 - 1)
    do(b, PV + "contribute", DAVE, PV + "InsufficientContribution", pid=1, amount=U // 100 - 1)
    do(b, PV + "contribute", DAVE, PV + "AssetAccountNotExist", pid=0, amount=U)
    do(b, PV + "contribute", DAVE, PV + "AssetAccountNotExist", pid=1, amount=U)
    do(b, PV + "contribute", BOB, PV + "InsufficientBalance", pid=9, amount=99_000 * U + 1)
    do(b, PV + "contribute", BOB, PV + "InsufficientBalance", pid=1, amount=99_000 * U + 1)
    do(b, PV + "contribute", BOB, BP + "PoolDoesNotExist", pid=9, amount=U)
    do(b, PV + "contribute", BOB, BP + "PoolTypeNotMatch", pid=0, amount=U)
    tiny = U // 100 - 1
    do(b, SP + "contribute", ALICE, BP + "PoolTypeNotMatch", pid=9, amount=tiny, as_vault=0)
    do(b, SP + "contribute", ALICE, BP + "PoolDoesNotExist", pid=9, amount=tiny, as_vault=8)
    do(b, SP + "contribute", BOB, SP + "UnauthorizedPoolOwner", pid=9, amount=tiny, as_vault=1)
    do(b, SP + "contribute", BOB, SP + "UnauthorizedPoolOwner", pid=0, amount=U, as_vault=1)
    do(b, SP + "contribute", ALICE, BP + "PoolDoesNotExist", pid=9, amount=tiny, as_vault=1)
    do(b, SP + "contribute", ALICE, SP + "InsufficientContribution", pid=0, amount=tiny, as_vault=1)
    do(b, SP + "contribute", ALICE, SP + "InsufficientBalance", pid=0, amount=U, as_vault=1)
    check(
        pool(b).basepool.value_subscribers == (1,) and the_vault(b, 1).invest_pools == (0,),
        "subscribed",
    )
    watch(b, 1, BOB)
    b.observe("pool_shares", 0, the_vault(b, 1).basepool.pool_account)
    least = b.config.staking.min_contribution
    check(least == U // 100, "the minimum contribution is 0.01 PHA")
    do(b, PV + "contribute", CHARLIE, pid=1, amount=least)
    do(b, PV + "contribute", BOB, pid=1, amount=wpha(b, BOB))
    check(wpha(b, BOB) == 0, "a contribution of the whole free W-PHA is allowed")
    watch(b, 1, BOB, CHARLIE)


@case(
    suite=SUITE, handler="vault", clauses=("STK-61", "STK-62", "STK-63", "STK-19"), crypto=SETTING
)
def owner_shares_at_the_checkpoint(b: CaseBuilder) -> None:
    """A 100 PHA reward in the stake pool (no pool commission) raises the vault's value to 1,100 PHA.
    Alice raises her 10% commission to 50%: the shares are settled at 10% first (`OwnerSharesGained`,
    then `VaultCommissionSet`), checkpoint 1.089999999999 PHA. Claims: more than owned
    (`NoEnoughShareToClaim`), zero (`NoRewardToClaim`), then all of them to dave."""
    invested(b)
    settle(b, (WORKER.public, 100 << 64))
    check(the_vault(b, 1).basepool.total_value == 1_100 * U, "the vault's value follows the reward")
    do(
        b,
        PV + "set_payout_pref",
        ALICE,
        events=[PV + "OwnerSharesGained", PV + "VaultCommissionSet"],
        pid=1,
        payout_commission=500_000,
    )
    v = the_vault(b, 1)
    check(v.last_share_price_checkpoint == 1_089_999_999_999, "checkpoint")
    owned = v.owner_shares
    check(9 * U < owned < 10 * U, "about 9.17 PHA of shares")
    watch(b, 1)
    do(b, PV + "maybe_gain_owner_shares", ALICE, events=[], vault_pid=1)
    do(
        b,
        PV + "claim_owner_shares",
        ALICE,
        PV + "NoEnoughShareToClaim",
        vault_pid=1,
        target=b.account(DAVE),
        shares=owned + 1,
    )
    do(
        b,
        PV + "claim_owner_shares",
        ALICE,
        PV + "NoRewardToClaim",
        vault_pid=1,
        target=b.account(DAVE),
        shares=0,
    )
    do(
        b,
        PV + "claim_owner_shares",
        BOB,
        PV + "UnauthorizedPoolOwner",
        vault_pid=1,
        target=b.account(DAVE),
        shares=1,
    )
    do(
        b,
        PV + "claim_owner_shares",
        ALICE,
        events=[PV + "OwnerSharesClaimed"],
        vault_pid=1,
        target=b.account(DAVE),
        shares=owned,
    )
    watch(b, 1, DAVE)
    do(b, PV + "set_payout_pref", ALICE, pid=1, payout_commission=None)
    check(
        dict(b.last_events[-1].fields) == {"pid": 1, "commission": 0},
        "no commission is reported as 0",
    )


@case(
    suite=SUITE,
    handler="vault",
    clauses=("STK-65", "STK-66", "STK-46", "STK-47", "STK-20"),
    crypto=SETTING,
)
def force_shutdown_locks_the_vault(b: CaseBuilder) -> None:
    """Bob withdraws 400 of his 1,000 vault shares: the vault's money is in the stake pool, so they
    wait in the vault's queue. `withdraw` errors: no record (`NoNftToWithdraw`), dust or too many
    (`NoEnoughShareToClaim`). After exactly 7 days nothing happens; one second later the queue's
    value exceeds the vault's free W-PHA and releasing stake: `ForceShutdown(NoEnoughReleasingStake)`,
    the vault withdraws all its stake-pool shares (free: paid at once) and is locked
    (`VaultIsLocked` for contributing or withdrawing as the vault). The next check pays bob 400 PHA
    and unlocks the vault."""
    invested(b)
    do(b, PV + "withdraw", CHARLIE, SP + "NoNftToWithdraw", pid=1, shares=U)
    do(b, PV + "withdraw", BOB, PV + "NoEnoughShareToClaim", pid=1, shares=1_000)
    do(b, PV + "withdraw", BOB, PV + "NoEnoughShareToClaim", pid=1, shares=1_000 * U + 1)
    do(b, PV + "withdraw", BOB, pid=1, shares=400 * U)
    queued_at = the_vault(b, 1).basepool.withdraw_queue[0].start_time
    b.next_block(timestamp=(queued_at + WEEK) * 1000)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, events=[], vault_pid=1)
    later(b, 1)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, vault_pid=1)
    check(
        [(e.name, dict(e.fields)) for e in b.last_events][-1]
        == (PV + "ForceShutdown", {"pid": 1, "reason": "NoEnoughReleasingStake"}),
        "shut down",
    )
    check(
        the_vault(b, 1).locked and wpha(b, the_vault(b, 1).basepool.pool_account) == 1_000 * U,
        "locked, paid",
    )
    watch(b, 1, BOB)
    do(b, SP + "contribute", ALICE, SP + "VaultIsLocked", pid=0, amount=U, as_vault=1)
    do(b, SP + "contribute", BOB, SP + "VaultIsLocked", pid=9, amount=1, as_vault=1)
    do(b, SP + "withdraw", ALICE, SP + "VaultIsLocked", pid=0, shares=U, as_vault=1)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, vault_pid=1)
    check(not the_vault(b, 1).locked and wpha(b, BOB) == 99_400 * U, "unlocked, bob paid")
    watch(b, 1, BOB)


@case(suite=SUITE, handler="vault", clauses=("STK-66", "STK-54"), crypto=SETTING)
def waiting_three_grace_periods(b: CaseBuilder) -> None:
    """Charlie adds 4,000 PHA to the stake pool, which computes with all 5,000. Bob queues 400 vault
    shares and the vault queues 400 stake-pool shares: releasing value 400 covers the vault's queue,
    so after 7 days and a second, after 14 days and a second, and after exactly three grace
    periods no shutdown; one second past three grace periods the reason is
    `Waiting3xGracePeriod` (the request must have waited *more* than three grace periods)."""
    invested(b)
    do(b, SP + "contribute", CHARLIE, pid=0, amount=4_000 * U, as_vault=None)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER.public, stake=5_000 * U)
    do(b, PV + "withdraw", BOB, pid=1, shares=400 * U)
    do(b, SP + "withdraw", ALICE, pid=0, shares=400 * U, as_vault=1)
    queued_at = the_vault(b, 1).basepool.withdraw_queue[0].start_time
    for waited in (WEEK + 1, 2 * WEEK + 1, 3 * WEEK):
        b.next_block(timestamp=(queued_at + waited) * 1000)
        do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, events=[], vault_pid=1)
    later(b, 1)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, vault_pid=1)
    check(
        dict(b.last_events[-1].fields) == {"pid": 1, "reason": "Waiting3xGracePeriod"},
        "three grace periods",
    )
    watch(b, 1)
    watch(b, 0)


@case(suite=SUITE, handler="vault", clauses=("STK-66", "STK-20"), crypto=SETTING)
def releasing_stake_one_planck_short(b: CaseBuilder) -> None:
    """As `waiting_three_grace_periods`, but bob queues 400 PHA and one planck of vault shares
    (2 planck more than 400 PHA of shares: a balance times a share price loses up to a planck)
    while the vault queues 400 PHA of stake-pool shares: the stake it is releasing falls one
    planck short of bob's request. After exactly 7 days nothing happens; one second later the
    request waited longer than the grace period for stake that is not all coming:
    `ForceShutdown(NoEnoughReleasingStake)`."""
    invested(b)
    do(b, SP + "contribute", CHARLIE, pid=0, amount=4_000 * U, as_vault=None)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER.public, stake=5_000 * U)
    do(b, PV + "withdraw", BOB, pid=1, shares=400 * U + 2)
    do(b, SP + "withdraw", ALICE, pid=0, shares=400 * U, as_vault=1)
    v = the_vault(b, 1)
    (request,) = v.basepool.withdraw_queue
    shares = base_pool.record(b.chain, v.basepool.cid, request.share_record_id).shares
    wanted = bmul(shares, base_pool.share_price(v.basepool) or 0)
    check(wanted == 400 * U + 1, f"bob's request is worth 400 PHA and a planck, not {wanted}")
    check(vault.releasing_value(b.chain, v) == 400 * U, "the vault releases 400 PHA")
    queued_at = request.start_time
    b.next_block(timestamp=(queued_at + WEEK) * 1000)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, events=[], vault_pid=1)
    later(b, 1)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, vault_pid=1)
    check(
        dict(b.last_events[-1].fields) == {"pid": 1, "reason": "NoEnoughReleasingStake"},
        "releasing one planck short",
    )
    watch(b, 1)


@case(suite=SUITE, handler="vault", clauses=("STK-66", "STK-46", "STK-16"), crypto=SETTING)
def shutdown_reads_the_front_request(b: CaseBuilder) -> None:
    """The vault also invests 500 PHA (charlie's) in a second stake pool and takes them all back at
    once, leaving an empty record there. Bob withdraws 900 vault shares: 500 are paid, 400 wait in
    the queue; an hour later charlie's 100 wait behind them. One second past three grace periods
    after bob's request (charlie's is younger): root may not check (`BadOrigin`); a signed check
    shuts the vault down for `Waiting3xGracePeriod`, the front request's reason. The shutdown
    withdraws the vault's shares from the first pool and drops the second, where it holds none."""
    invested(b)
    do(b, SP + "create", ALICE, events=[SP + "PoolCreated"])
    do(b, PV + "contribute", CHARLIE, pid=1, amount=500 * U)
    do(b, SP + "contribute", ALICE, pid=2, amount=500 * U, as_vault=1)
    check(the_vault(b, 1).invest_pools == (0, 2), "invested in two pools")
    do(b, SP + "withdraw", ALICE, pid=2, shares=500 * U, as_vault=1)
    account = the_vault(b, 1).basepool.pool_account
    check(wpha(b, account) == 500 * U, "paid back at once")
    do(b, PV + "withdraw", BOB, pid=1, shares=900 * U)
    check(wpha(b, account) == 0, "500 paid, 400 queued")
    bob_at = the_vault(b, 1).basepool.withdraw_queue[0].start_time
    later(b, 3600)
    do(b, PV + "withdraw", CHARLIE, pid=1, shares=100 * U)
    check(len(the_vault(b, 1).basepool.withdraw_queue) == 2, "two requests, bob's first")
    b.next_block(timestamp=(bob_at + 3 * WEEK + 1) * 1000)
    checks.do(
        b, PV + "check_and_maybe_force_withdraw", {"vault_pid": 1}, root(), outcome="BadOrigin"
    )
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, vault_pid=1)
    check(
        dict(b.last_events[-1].fields) == {"pid": 1, "reason": "Waiting3xGracePeriod"},
        "the front request decides",
    )
    check(the_vault(b, 1).invest_pools == (0,), "the emptied pool dropped")
    watch(b, 1, BOB, CHARLIE)
    watch(b, 2)


VAULT_PERIOD = 10 * 24 * 3600
"""A vault queue period shorter than three grace periods, so that it decides [STK-66]."""


@case(suite=SUITE, handler="vault", clauses=("STK-66", "STK-20", "GEN-5"), crypto=SETTING)
def vault_queue_period_deadline(b: CaseBuilder) -> None:
    """With `vault_queue_period` set to 10 days, below three grace periods: the vault's queued
    withdrawal is covered by the stake the vault is releasing, so only the period can expire it.
    After exactly 10 days of waiting nothing happens; one second later the request has waited
    longer than the period: `ForceShutdown(NoEnoughReleasingStake)`."""
    invested(b, config={"staking": {"vault_queue_period": VAULT_PERIOD}})
    do(b, SP + "contribute", CHARLIE, pid=0, amount=4_000 * U, as_vault=None)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER.public, stake=5_000 * U)
    do(b, PV + "withdraw", BOB, pid=1, shares=400 * U)
    do(b, SP + "withdraw", ALICE, pid=0, shares=400 * U, as_vault=1)
    queued_at = the_vault(b, 1).basepool.withdraw_queue[0].start_time
    b.next_block(timestamp=(queued_at + VAULT_PERIOD) * 1000)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, events=[], vault_pid=1)
    later(b, 1)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, vault_pid=1)
    check(
        dict(b.last_events[-1].fields) == {"pid": 1, "reason": "NoEnoughReleasingStake"},
        "the vault queue period passed",
    )
    watch(b, 1)


@case(
    suite=SUITE, handler="vault", clauses=("STK-61", "STK-24", "STK-67", "STK-14"), crypto=SETTING
)
def bankrupt_vault_accepts_nothing(b: CaseBuilder) -> None:
    """A vault with no commission gains owner shares from the floored price alone: a reward of 4 PHA on
    1,000 PHA gives 996 units. Alice claims 500 of them to dave. The vault leaves the stake pool; bob's
    withdrawal of all his shares leaves a value of 1,000 planck for the 996 remaining units, dust: it
    becomes 0 and the vault is bankrupt (`PoolBankrupt`), though dave still holds shares. The stake
    pool, left with no shares, still lists the vault among its value subscribers: a reward reaching it
    raises its value and skips the vault, whose share of it would divide by no shares [STK-19]."""
    start(b)
    do(b, PV + "create", ALICE)
    do(b, PV + "contribute", BOB, pid=1, amount=1_000 * U)
    do(b, SP + "create", ALICE)
    do(b, SP + "add_worker", ALICE, pid=2, pubkey=WORKER.public)
    do(b, SP + "contribute", ALICE, pid=2, amount=1_000 * U, as_vault=1)
    settle(b, (WORKER.public, 4 << 64))
    do(b, PV + "maybe_gain_owner_shares", ALICE, vault_pid=1)
    owned = the_vault(b, 1).owner_shares
    check(owned == 996, f"owner shares from the floored price: {owned}")
    do(b, PV + "claim_owner_shares", ALICE, vault_pid=1, target=b.account(DAVE), shares=500)
    do(b, SP + "withdraw", ALICE, pid=2, shares=1_000 * U, as_vault=1)
    do(b, PV + "withdraw", BOB, pid=1, shares=1_000 * U)
    v = the_vault(b, 1)
    check(v.basepool.total_value == 0 and v.basepool.total_shares > 0, "bankrupt")
    watch(b, 1, BOB, DAVE)
    do(b, PV + "contribute", CHARLIE, BP + "PoolBankrupt", pid=1, amount=U)
    stake = pool(b, 2).basepool
    check(stake.total_shares == 0 and stake.value_subscribers == (1,), "no shares, one subscriber")
    checks.do(
        b,
        "BasePool.distribute_reward",
        {"pid": 2, "source": b.account(CHARLIE), "amount": U},
        pallet("Caller"),
    )
    check(pool(b, 2).basepool.total_value == stake.total_value + U, "the stake pool's value grows")
    check(the_vault(b, 1).basepool.total_value == 0, "the vault is skipped")
    watch(b, 2)
    watch(b, 1)


@case(suite=SUITE, handler="vault", clauses=("STK-66", "STK-20", "STK-13"), crypto=SETTING)
def vault_without_a_price_is_not_shut_down(b: CaseBuilder) -> None:
    """A queued request in a vault that has no share price is worth nothing to the shutdown check
    [STK-20]: bob puts 1 PHA in vault 1 and takes all but 3,000 shares back at once; the vault's
    W-PHA is moved out and his withdrawal of 1,500 shares is queued. A reward of 3,001 * 2^64
    planck (well below 2^80) makes a share worth more than 2^64 planck, so the vault has no price
    [STK-13]; the reward is moved out too. A grace period and a second later the vault holds no
    W-PHA and releases nothing, yet the request counts as worth 0, which does not exceed the empty
    budget: no shutdown [STK-66]."""
    start(b)
    do(b, PV + "create", ALICE)
    do(b, PV + "contribute", BOB, pid=1, amount=U)
    do(b, PV + "withdraw", BOB, pid=1, shares=U - 3_000)
    account = the_vault(b, 1).basepool.pool_account
    ops = pallet("Caller")

    def move_out() -> None:
        held = wpha(b, account)
        if held:
            args = {"source": account, "dest": b.account(CHARLIE), "amount": held}
            checks.do(b, "Assets.transfer", args, ops)

    move_out()
    do(b, PV + "withdraw", BOB, pid=1, shares=1_500)
    check(len(the_vault(b, 1).basepool.withdraw_queue) == 1, "queued: nothing free")
    reward = 3_001 << 64
    checks.do(
        b,
        "Balances.force_set_balance",
        {"who": b.account("ferdie"), "new_free": 2 * reward},
        root(),
    )
    checks.do(
        b,
        "BasePool.distribute_reward",
        {"pid": 1, "source": b.account("ferdie"), "amount": reward},
        ops,
    )
    check(base_pool.share_price(the_vault(b, 1).basepool) is None, "no price")
    move_out()
    watch(b, 1, BOB)
    later(b, b.config.staking.grace_period + 1)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, events=[], vault_pid=1)
    check(len(the_vault(b, 1).basepool.withdraw_queue) == 1, "still queued, no shutdown")
    watch(b, 1, BOB)
