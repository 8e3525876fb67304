"""Stake pools computing: starting and stopping workers, rewards and commission, dismissed
rewards and withdrawals forced after the grace period [STK-48]..[STK-54]."""

from __future__ import annotations

from phala_spec.conformance import checks
from phala_spec.conformance.authoring import CaseBuilder, case, pallet
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.computation.common import WORKER, WORKER2, WORKER3
from phala_spec.conformance.suites.stake_pool.common import (
    ALICE,
    BOB,
    CHARLIE,
    DAVE,
    PC,
    SETTING,
    SP,
    SUITE,
    WEEK,
    U,
    computing,
    do,
    later,
    pool,
    rewards,
    settle,
    start,
    watch,
    wpha,
)
from phala_spec.pallets.staking import assets, base_pool, stake_pool_v2
from phala_spec.primitives.fixed import bmul


@case(
    suite=SUITE,
    handler="stake_pool_v2",
    clauses=("STK-48", "STK-49", "STK-50", "STK-51", "CMP-11", "CMP-13", "CMP-4"),
    crypto=SETTING,
)
def computing_lifecycle_check_order(b: CaseBuilder) -> None:
    """`start_computing` checks the owner, the pool's free W-PHA (`InsufficientFreeStake`), the worker
    (`WorkerDoesNotExist`), then the computation pallet's minimum stake (`InsufficientStake`); the
    stake moves to the lock account. `stop_computing`: `WorkerAlreadyStopped` the second time.
    Reclaiming before 7 days (the genesis default, [CMP-4]) fails `CoolDownNotReady`, one second
    before them too; exactly 7 days after the stop it succeeds. `restart_computing` needs an empty queue
    (`WithdrawQueueNotEmpty`) and more stake than released (`CannotRestartWithLessStake`)."""
    start(b)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER.public)
    do(b, SP + "contribute", BOB, pid=0, amount=10_000 * U, as_vault=None)
    do(
        b,
        SP + "start_computing",
        BOB,
        SP + "UnauthorizedPoolOwner",
        pid=0,
        worker=WORKER.public,
        stake=4_000 * U,
    )
    do(
        b,
        SP + "start_computing",
        ALICE,
        SP + "InsufficientFreeStake",
        pid=0,
        worker=WORKER.public,
        stake=10_000 * U + 1,
    )
    do(
        b,
        SP + "start_computing",
        ALICE,
        SP + "WorkerDoesNotExist",
        pid=0,
        worker=WORKER2.public,
        stake=4_000 * U,
    )
    do(
        b,
        SP + "start_computing",
        ALICE,
        PC + "InsufficientStake",
        pid=0,
        worker=WORKER.public,
        stake=3_000 * U,
    )
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER.public, stake=4_000 * U)
    watch(b, 0)
    do(
        b,
        SP + "restart_computing",
        ALICE,
        SP + "CannotRestartWithLessStake",
        pid=0,
        worker=WORKER.public,
        stake=4_000 * U,
    )
    do(
        b,
        SP + "restart_computing",
        ALICE,
        events=[
            PC + "WorkerStopped",
            PC + "WorkerReclaimed",
            PC + "WorkerStarted",
            SP + "WorkingStarted",
        ],
        pid=0,
        worker=WORKER.public,
        stake=5_000 * U,
    )
    check(wpha(b, pool(b).lock_account) == 5_000 * U, "5,000 locked")
    do(b, SP + "stop_computing", ALICE, SP + "WorkerDoesNotExist", pid=0, worker=WORKER2.public)
    do(b, SP + "stop_computing", ALICE, events=[PC + "WorkerStopped"], pid=0, worker=WORKER.public)
    do(b, SP + "stop_computing", ALICE, SP + "WorkerAlreadyStopped", pid=0, worker=WORKER.public)
    do(b, SP + "reclaim_pool_worker", CHARLIE, PC + "CoolDownNotReady", pid=0, worker=WORKER.public)
    later(b, WEEK - 1)
    do(b, SP + "reclaim_pool_worker", CHARLIE, PC + "CoolDownNotReady", pid=0, worker=WORKER.public)
    later(b, 1)
    do(
        b,
        SP + "reclaim_pool_worker",
        CHARLIE,
        events=[PC + "WorkerReclaimed"],
        pid=0,
        worker=WORKER.public,
    )
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER.public, stake=4_000 * U)
    do(b, SP + "withdraw", BOB, pid=0, shares=7_000 * U, as_vault=None)
    do(
        b,
        SP + "restart_computing",
        ALICE,
        SP + "WithdrawQueueNotEmpty",
        pid=0,
        worker=WORKER.public,
        stake=5_000 * U,
    )
    watch(b, 0, BOB)


@case(
    suite=SUITE,
    handler="stake_pool_v2",
    clauses=("STK-49", "STK-43", "CMP-10"),
    crypto=SETTING,
)
def stop_checks_the_worker_list_first(b: CaseBuilder) -> None:
    """`stop_computing` checks that the worker is in the pool before that it is not already
    cooling down [STK-49]: alice stops her worker, then, as its operator, unbinds its session
    [CMP-10]; the pool drops the worker from its list but keeps it among the cooling-down
    workers [STK-43]. Stopping it again is `WorkerDoesNotExist`, not `WorkerAlreadyStopped`."""
    start(b)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER.public)
    do(b, SP + "contribute", BOB, pid=0, amount=10_000 * U, as_vault=None)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER.public, stake=4_000 * U)
    do(b, SP + "stop_computing", ALICE, events=[PC + "WorkerStopped"], pid=0, worker=WORKER.public)
    do(
        b,
        PC + "unbind",
        ALICE,
        events=[PC + "SessionUnbound", SP + "PoolWorkerRemoved"],
        session=stake_pool_v2.pool_sub_account(0, WORKER.public),
    )
    watch(b, 0)
    check(
        pool(b).workers == () and pool(b).cd_workers == (WORKER.public,),
        "out of the list, still cooling down",
    )
    do(b, SP + "stop_computing", ALICE, SP + "WorkerDoesNotExist", pid=0, worker=WORKER.public)


@case(
    suite=SUITE,
    handler="stake_pool_v2",
    clauses=("STK-53", "STK-52", "STK-55", "CMP-19", "PERX-5"),
    crypto=SETTING,
)
def reward_commission_and_owner_claim(b: CaseBuilder) -> None:
    """A 25% commission. A report settles 100 PHA for worker 1: 25 PHA to the owner-reward account,
    75 PHA raise the pool's value to 10,075 PHA (shares unchanged); the subsidy pool pays 100 PHA to
    the W-PHA account. A payout of 3 PHA plus 2^-40 PHA (bits 3·2^64 + 2^24, below a planck, so
    floored to 3 PHA) gives 0.75 PHA to the owner. Alice claims the 25.75 PHA to dave; nothing is left
    (`NoRewardToClaim`)."""
    computing(b)
    do(b, SP + "set_payout_pref", ALICE, pid=0, payout_commission=250_000)
    settle(b, (WORKER.public, 100 << 64))
    check(
        rewards(b)
        == [(SP + "RewardReceived", {"pid": 0, "to_owner": 25 * U, "to_stakers": 75 * U})],
        "25 to the owner, 75 to the stakers",
    )
    check(pool(b).basepool.total_value == 10_075 * U, "value 10,075")
    watch(b, 0, BOB)
    b.observe("wpha_totals")
    settle(b, (WORKER.public, (3 << 64) + (1 << 24)))
    check(
        rewards(b)[-1][1] == {"pid": 0, "to_owner": 3 * U // 4, "to_stakers": 9 * U // 4},
        "0.75 and 2.25",
    )
    do(
        b,
        SP + "claim_owner_rewards",
        BOB,
        SP + "UnauthorizedPoolOwner",
        pid=0,
        target=b.account(DAVE),
    )
    do(
        b,
        SP + "claim_owner_rewards",
        ALICE,
        events=[SP + "OwnerRewardsWithdrawn"],
        pid=0,
        target=b.account(DAVE),
    )
    check(wpha(b, DAVE) == 25 * U + 3 * U // 4, "25.75 PHA to dave")
    do(b, SP + "claim_owner_rewards", ALICE, SP + "NoRewardToClaim", pid=0, target=b.account(DAVE))
    watch(b, 0, DAVE)


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-53", "STK-6", "PERX-5"), crypto=SETTING)
def reward_dismissals(b: CaseBuilder) -> None:
    """One report settles worker 1 with a dust payout (1,000 planck: `RewardDismissedDust`, nothing
    moves), worker 1 with 5 PHA while the pool has no shares (`RewardDismissedNoShare`), worker 3 (in
    no pool: `RewardDismissedNotInPool`) and worker 1 again: the loop goes on after the worker in no
    pool, so the last settlement is dismissed for no shares too. With shares, a report settling
    worker 3 then worker 1 pays worker 1's reward. With a 100% commission the stakers' part is 0: no
    dismissed event; 0.0001% of 5 PHA = 5,000,000 planck to the owner is minted. A commission of 1%
    of 5,000 planck (50, below W-PHA's minimum of 100) is unmintable dust
    (`RewardToOwnerDismissedDust`), the rest is distributed. With 5% of 1,050 planck, neither the
    owner's 52 nor the stakers' 998 (dust) goes anywhere: no `RewardReceived`. With 99.9% of 1,001
    planck the owner gets 1,000 and the stakers' part is exactly 1 planck: minted but dust, so
    `RewardToDistributionDismissedDust` of 1, and `RewardReceived` for the owner's part."""
    start(b)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER.public)
    dust_bits = (
        (1_000 << 48) // 10**12 + 1
    ) << 16  # to_fixed(1000) plus a step: floored back to 1,000
    settle(
        b,
        (WORKER.public, dust_bits),
        (WORKER.public, 5 << 64),
        (WORKER3.public, 5 << 64),
        (WORKER.public, 7 << 64),
    )
    check(
        rewards(b)
        == [
            (SP + "RewardDismissedDust", {"pid": 0, "amount": 1_000}),
            (SP + "RewardDismissedNoShare", {"pid": 0, "amount": 5 * U}),
            (SP + "RewardDismissedNotInPool", {"worker": WORKER3.public, "amount": 5 * U}),
            (SP + "RewardDismissedNoShare", {"pid": 0, "amount": 7 * U}),
        ],
        "four dismissals",
    )
    b.observe("wpha_totals")
    do(b, SP + "contribute", BOB, pid=0, amount=1_000 * U, as_vault=None)
    settle(b, (WORKER3.public, 1 << 64), (WORKER.public, 5 << 64))
    check(
        rewards(b)
        == [
            (SP + "RewardDismissedNotInPool", {"worker": WORKER3.public, "amount": U}),
            (SP + "RewardReceived", {"pid": 0, "to_owner": 0, "to_stakers": 5 * U}),
        ]
        and pool(b).basepool.total_value == 1_005 * U,
        "the pool's reward was paid",
    )
    do(b, SP + "set_payout_pref", ALICE, pid=0, payout_commission=1_000_000)
    settle(b, (WORKER.public, 5 << 64))
    check(
        rewards(b) == [(SP + "RewardReceived", {"pid": 0, "to_owner": 5 * U, "to_stakers": 0})],
        "all to the owner",
    )
    do(b, SP + "set_payout_pref", ALICE, pid=0, payout_commission=1)
    settle(b, (WORKER.public, 5 << 64))
    check(rewards(b)[-1][1]["to_owner"] == 5_000_000, "1 ppm of 5 PHA")
    do(b, SP + "claim_owner_rewards", ALICE, pid=0, target=b.account(DAVE))
    do(b, SP + "set_payout_pref", ALICE, pid=0, payout_commission=10_000)
    five_thousand = ((5_000 << 48) // 10**12 + 1) << 16
    settle(b, (WORKER.public, five_thousand))
    check(
        rewards(b)
        == [
            (SP + "RewardToOwnerDismissedDust", {"pid": 0, "amount": 50}),
            (SP + "RewardReceived", {"pid": 0, "to_owner": 50, "to_stakers": 4_950}),
        ],
        "50 unmintable",
    )
    do(b, SP + "set_payout_pref", ALICE, pid=0, payout_commission=50_000)
    one_thousand_fifty = ((1_050 << 48) // 10**12 + 1) << 16
    settle(b, (WORKER.public, one_thousand_fifty))
    check(
        rewards(b)
        == [
            (SP + "RewardToOwnerDismissedDust", {"pid": 0, "amount": 52}),
            (SP + "RewardToDistributionDismissedDust", {"pid": 0, "amount": 998}),
        ],
        "nothing received",
    )
    do(b, SP + "set_payout_pref", ALICE, pid=0, payout_commission=999_000)
    one_thousand_one = ((1_001 << 48) // 10**12 + 1) << 16
    settle(b, (WORKER.public, one_thousand_one))
    check(
        rewards(b)
        == [
            (SP + "RewardToDistributionDismissedDust", {"pid": 0, "amount": 1}),
            (SP + "RewardReceived", {"pid": 0, "to_owner": 1_000, "to_stakers": 1}),
        ],
        "one planck for the stakers, dismissed",
    )
    b.observe("wpha_totals")
    watch(b, 0)


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-54", "STK-20"), crypto=SETTING)
def force_withdraw_walks_the_budget(b: CaseBuilder) -> None:
    """The expiry check takes each request's value from the budget in turn [STK-20]: bob's 10,000
    and charlie's 2,000 PHA compute on workers 1 (4,000) and 2 (8,000); worker 1 is stopped, so
    4,000 are releasing and nothing is free. Bob queues 4,000 shares, charlie 2,000. After the
    grace period bob's request fits the budget of 4,000, which leaves 0 for charlie's: the check
    stops worker 2 [STK-54]."""
    computing(b)
    do(b, SP + "contribute", CHARLIE, pid=0, amount=2_000 * U, as_vault=None)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER2.public, stake=8_000 * U)
    do(b, SP + "stop_computing", ALICE, pid=0, worker=WORKER.public)
    do(b, SP + "withdraw", BOB, pid=0, shares=4_000 * U, as_vault=None)
    do(b, SP + "withdraw", CHARLIE, pid=0, shares=2_000 * U, as_vault=None)
    watch(b, 0, BOB, CHARLIE)
    check(len(pool(b).basepool.withdraw_queue) == 2, "two requests queued")
    queued_at = pool(b).basepool.withdraw_queue[1].start_time
    b.next_block(timestamp=(queued_at + b.config.staking.grace_period + 1) * 1000)
    do(
        b,
        SP + "check_and_maybe_force_withdraw",
        DAVE,
        events=[PC + "WorkerStopped"],
        pid=0,
    )
    check(pool(b).cd_workers == (WORKER.public, WORKER2.public), "worker 2 stopped too")


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-54", "STK-20", "STK-49"), crypto=SETTING)
def force_withdraw_after_the_grace_period(b: CaseBuilder) -> None:
    """Bob's 10,000 PHA: workers 1 and 2 compute with 4,000 each. Bob asks for everything: 2,000
    paid, 8,000 queued. After exactly 7 days nothing happens; one second later the queue's value
    exceeds the free W-PHA (0) plus releasing stake (0): both workers are stopped. Worker 2 is then
    stopped already, so a new check stops nothing. After the cool-down, reclaiming both pays bob."""
    computing(b)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER2.public, stake=4_000 * U)
    do(b, SP + "withdraw", BOB, pid=0, shares=10_000 * U, as_vault=None)
    check(wpha(b, BOB) == 92_000 * U, "2,000 paid")
    queued_at = pool(b).basepool.withdraw_queue[0].start_time
    b.next_block(timestamp=(queued_at + WEEK) * 1000)
    do(b, SP + "check_and_maybe_force_withdraw", CHARLIE, events=[], pid=0)
    later(b, 1)
    do(
        b,
        SP + "check_and_maybe_force_withdraw",
        CHARLIE,
        events=[PC + "WorkerStopped", PC + "WorkerStopped"],
        pid=0,
    )
    check(pool(b).cd_workers == (WORKER.public, WORKER2.public), "both cooling down")
    do(b, SP + "check_and_maybe_force_withdraw", CHARLIE, events=[], pid=0)
    watch(b, 0, BOB)
    later(b, WEEK)
    do(b, SP + "reclaim_pool_worker", CHARLIE, pid=0, worker=WORKER.public)
    do(b, SP + "reclaim_pool_worker", CHARLIE, pid=0, worker=WORKER2.public)
    check(wpha(b, BOB) == 100_000 * U and pool(b).basepool.withdraw_queue == (), "bob paid in full")
    watch(b, 0, BOB)


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-54", "STK-20", "CMP-13"), crypto=SETTING)
def force_withdraw_counts_no_stake_for_a_reclaimed_session(b: CaseBuilder) -> None:
    """The releasing stake sums the `Stakes` of the pool's cooling-down workers, and a worker whose
    session has no `Stakes` entry adds 0 [STK-54]. Bob's 10,000 PHA compute on workers 1 (4,000)
    and 2 (all the rest but W-PHA's minimum balance `m`, set to 0.01 PHA, which stays free). Worker 1 is stopped and
    its session reclaimed directly (the computation's `reclaim` operation, [CMP-13]): the entry is
    gone while the worker still cools down in the pool. At price 1 bob queues the fewest shares
    worth exactly `m` after `bmul`'s rounding (a pool account holding exactly `m` pays nothing,
    [STK-18]): after the grace period the request fits the budget of `m` and nothing is stopped
    [STK-20]. He then asks for shares worth `m + 1`, a request that starts over; after another
    grace period it exceeds the budget by one planck and worker 2 is stopped."""
    start(b, {"staking": {"wpha_min_balance": U // 100}})
    for worker in (WORKER, WORKER2):
        do(b, SP + "add_worker", ALICE, pid=0, pubkey=worker.public)
    do(b, SP + "contribute", BOB, pid=0, amount=10_000 * U, as_vault=None)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER.public, stake=4_000 * U)
    minimum = b.config.staking.wpha_min_balance
    stake = 6_000 * U - minimum
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER2.public, stake=stake)
    do(b, SP + "stop_computing", ALICE, pid=0, worker=WORKER.public)
    session = stake_pool_v2.pool_sub_account(0, WORKER.public)
    checks.do(
        b,
        PC + "reclaim",
        {"session": session, "check_cooldown": False},
        pallet("PhalaStakePoolv2"),
    )
    check(session not in b.chain.computation.stakes, "no Stakes entry")
    check(pool(b).cd_workers == (WORKER.public,), "worker 1 still cooling down in the pool")
    check(assets.balance(b.chain, pool(b).basepool.pool_account) == minimum, "m free")
    check(base_pool.share_price(pool(b).basepool) == 1 << 64, "price 1")
    price = base_pool.share_price(pool(b).basepool)
    assert price is not None

    def worth(value: int) -> int:
        """The fewest shares worth exactly ``value`` at the price (``bmul`` rounds down)."""
        return next(n for n in range(value, value + 4) if bmul(n, price) == value)

    for shares, stopped in ((worth(minimum), []), (worth(minimum + 1), [PC + "WorkerStopped"])):
        do(b, SP + "withdraw", BOB, pid=0, shares=shares, as_vault=None)
        check(len(pool(b).basepool.withdraw_queue) == 1, "queued, nothing paid")
        later(b, b.config.staking.grace_period + 1)
        do(b, SP + "check_and_maybe_force_withdraw", CHARLIE, events=stopped, pid=0)
        watch(b, 0, BOB)
    check(pool(b).cd_workers == (WORKER.public, WORKER2.public), "worker 2 stopped")
