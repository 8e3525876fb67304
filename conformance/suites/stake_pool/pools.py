"""Stake pools: adding and removing workers, contributions and withdrawals [STK-40]..[STK-47]."""

from __future__ import annotations

from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.registry_payloads import BenchReport
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.conformance import checks
from phala_spec.conformance.authoring import CaseBuilder, case, root
from phala_spec.conformance.checks import check
from phala_spec.conformance.relaying import relay
from phala_spec.conformance.suites.computation.common import WORKER, WORKER2, WORKER3
from phala_spec.conformance.suites.stake_pool.common import (
    ALICE,
    BOB,
    BP,
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
from phala_spec.pallets.staking import base_pool, stake_pool_v2
from phala_spec.primitives.crypto import dev_keypair

# --- stake_pool_v2 -----------------------------------------------------------------------------


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-40", "STK-41", "STK-42"), crypto=SETTING)
def add_worker_check_order(b: CaseBuilder) -> None:
    """`create` derives the pool, lock and owner-reward accounts. `create` needs a signed origin
    (`BadOrigin` for root). `add_worker` checks, in order: a registered worker (`WorkerNotRegistered`), operated by the caller (`UnauthorizedOperator`: bob),
    benchmarked (`BenchmarkMissing`: worker 3), the pool (`PoolDoesNotExist`), owned by the caller
    (`UnauthorizedPoolOwner`: bob's pool 1), not already in it (`WorkerExists`); a worker bound to
    another pool cannot be bound again (`FailedToBindSessionAndWorker`)."""
    start(b)
    b.call(SP + "create", {}, origin=root())
    b.expect_outcome("BadOrigin")
    do(b, SP + "create", BOB)
    do(b, SP + "add_worker", ALICE, SP + "WorkerNotRegistered", pid=0, pubkey=bytes([7]) * 32)
    do(b, SP + "add_worker", BOB, SP + "UnauthorizedOperator", pid=1, pubkey=WORKER.public)
    do(b, SP + "add_worker", ALICE, SP + "BenchmarkMissing", pid=0, pubkey=WORKER3.public)
    do(b, SP + "add_worker", ALICE, BP + "PoolDoesNotExist", pid=7, pubkey=WORKER.public)
    do(b, SP + "add_worker", ALICE, SP + "UnauthorizedPoolOwner", pid=1, pubkey=WORKER.public)
    do(
        b,
        SP + "add_worker",
        ALICE,
        events=[PC + "SessionBound", SP + "PoolWorkerAdded"],
        pid=0,
        pubkey=WORKER.public,
    )
    do(b, SP + "add_worker", ALICE, SP + "WorkerExists", pid=0, pubkey=WORKER.public)
    do(b, SP + "create", ALICE)
    do(
        b,
        SP + "add_worker",
        ALICE,
        SP + "FailedToBindSessionAndWorker",
        pid=2,
        pubkey=WORKER.public,
    )
    watch(b, 0)
    b.observe("session", stake_pool_v2.pool_sub_account(0, WORKER.public))
    check(
        pool(b).lock_account == base_pool.derived_account(b"sl/", 0, b.account(ALICE)),
        "sl/ account",
    )


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-42", "STK-40"), crypto=SETTING)
def at_most_two_hundred_workers(b: CaseBuilder) -> None:
    """A pool holds at most `MaxPoolWorkers` = 200 workers: alice registers and benchmarks 201 and
    adds them; the 201st fails `WorkersExceedLimit` (checked before binding)."""
    start(b)
    keys = [dev_keypair(f"stake-pool/worker{i}") for i in range(201)]
    for key in keys:
        b.call(
            "PhalaRegistry.force_register_worker",
            {"pubkey": key.public, "ecdh_pubkey": key.ecdh_public, "operator": b.account(ALICE)},
            origin=root(),
        )
        b.expect_outcome("ok")
    b.next_block()
    now = b.chain.system.block.timestamp
    for key in keys:
        relay(
            b,
            SETTING,
            MessageOrigin("Worker", key.public),
            b"^phala/registry/event",
            encode_payload(BenchReport(now - 5000, 1000)),
            key,
        )
    for key in keys[:200]:
        do(b, SP + "add_worker", ALICE, pid=0, pubkey=key.public)
    do(b, SP + "add_worker", ALICE, SP + "WorkersExceedLimit", pid=0, pubkey=keys[200].public)
    check(len(pool(b).workers) == 200, "200 workers")


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-43", "CMP-10", "STK-50"), crypto=SETTING)
def remove_and_unbind_workers(b: CaseBuilder) -> None:
    """`remove_worker` needs the worker in the pool (`WorkerDoesNotExist`) and its session `Ready`
    (`WorkerIsNotReady` for the computing worker 1); the ready worker 2 is unbound
    (`PoolWorkerRemoved`). The operator unbinding worker 1's session stops it and the pool drops it,
    without counting it as cooling down; after the 7-day cool-down anyone reclaims its 4,000 PHA."""
    computing(b)
    do(b, SP + "remove_worker", ALICE, SP + "WorkerDoesNotExist", pid=0, worker=WORKER3.public)
    do(b, SP + "remove_worker", ALICE, SP + "WorkerIsNotReady", pid=0, worker=WORKER.public)
    do(b, SP + "remove_worker", BOB, SP + "UnauthorizedPoolOwner", pid=0, worker=WORKER2.public)
    do(
        b,
        SP + "remove_worker",
        ALICE,
        events=[PC + "SessionUnbound", SP + "PoolWorkerRemoved"],
        pid=0,
        worker=WORKER2.public,
    )
    do(
        b,
        PC + "unbind",
        ALICE,
        events=[PC + "WorkerStopped", PC + "SessionUnbound", SP + "PoolWorkerRemoved"],
        session=stake_pool_v2.pool_sub_account(0, WORKER.public),
    )
    check(pool(b).workers == () and pool(b).cd_workers == (), "no worker, none cooling down")
    watch(b, 0)
    later(b, WEEK)
    do(b, SP + "reclaim_pool_worker", CHARLIE, pid=0, worker=WORKER.public)
    check(wpha(b, pool(b).basepool.pool_account) == 10_000 * U, "stake back in the pool account")
    watch(b, 0)


@case(
    suite=SUITE,
    handler="stake_pool_v2",
    clauses=("STK-44", "STK-45", "STK-46", "STK-3"),
    crypto=SETTING,
)
def contribute_check_order_and_cap(b: CaseBuilder) -> None:
    """`contribute` checks a vault argument first (`PoolTypeNotMatch`: pool 0 is no vault, even with
    no pool and too little), then the pool (`PoolDoesNotExist`), the minimum contribution of 0.01
    PHA (`InsufficientContribution`), the free W-PHA (`InsufficientBalance`). A cap below the value is refused (`InadequateCapacity`); with a cap
    of 12,000 PHA bob's 10,000 leave room for exactly 2,000 (`StakeExceedsCapacity` one planck
    above). The commission is set by the owner only."""
    start(b)
    do(b, SP + "contribute", BOB, BP + "PoolTypeNotMatch", pid=3, amount=1, as_vault=0)
    do(b, SP + "contribute", BOB, BP + "PoolDoesNotExist", pid=3, amount=U, as_vault=None)
    do(
        b,
        SP + "contribute",
        BOB,
        SP + "InsufficientContribution",
        pid=0,
        amount=U // 100 - 1,
        as_vault=None,
    )
    do(b, SP + "contribute", BOB, BP + "PoolTypeNotMatch", pid=0, amount=U, as_vault=0)
    do(b, SP + "contribute", DAVE, SP + "InsufficientBalance", pid=0, amount=U, as_vault=None)
    do(
        b,
        SP + "contribute",
        BOB,
        SP + "InsufficientBalance",
        pid=0,
        amount=100_000 * U + 1,
        as_vault=None,
    )
    do(
        b,
        SP + "contribute",
        BOB,
        events=[SP + "Contribution"],
        pid=0,
        amount=10_000 * U,
        as_vault=None,
    )
    watch(b, 0, BOB)
    do(b, SP + "set_cap", BOB, SP + "UnauthorizedPoolOwner", pid=0, cap=12_000 * U)
    do(b, SP + "set_cap", ALICE, SP + "InadequateCapacity", pid=0, cap=10_000 * U - 1)
    do(b, SP + "set_cap", ALICE, events=[SP + "PoolCapacitySet"], pid=0, cap=12_000 * U)
    do(
        b,
        SP + "contribute",
        CHARLIE,
        SP + "StakeExceedsCapacity",
        pid=0,
        amount=2_000 * U + 1,
        as_vault=None,
    )
    do(b, SP + "contribute", CHARLIE, pid=0, amount=2_000 * U, as_vault=None)
    do(b, SP + "set_payout_pref", BOB, SP + "UnauthorizedPoolOwner", pid=0, payout_commission=1)
    do(
        b,
        SP + "set_payout_pref",
        ALICE,
        events=[SP + "PoolCommissionSet"],
        pid=0,
        payout_commission=200_000,
    )
    watch(b, 0, CHARLIE)


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-46", "STK-47", "STK-18"), crypto=SETTING)
def queued_withdrawal_paid_by_a_contribution_above_the_gap(b: CaseBuilder) -> None:
    """Bob's 10,000 PHA, 4,000 computing. Bob withdraws 8,000 shares: 6,000 PHA paid at once, 2,000
    queued (still part of the value, 4,000 PHA). The cap is set to the value: no gap at all. The cap
    is checked after the queue is paid: charlie's 2,500 PHA would leave 4,500 (refused,
    `StakeExceedsCapacity`); 2,000 PHA pay bob's queue and leave exactly 4,000: accepted."""
    computing(b)
    do(b, SP + "withdraw", BOB, pid=0, shares=8_000 * U, as_vault=None)
    paid = [dict(e.fields) for e in b.last_events if e.name == BP + "Withdrawal"]
    check(
        paid
        == [
            {
                "pid": 0,
                "user": b.account(BOB),
                "amount": 6_000 * U,
                "shares": 6_000 * U,
                "burnt_shares": 0,
            }
        ],
        "6,000 paid",
    )
    watch(b, 0, BOB)
    do(b, SP + "set_cap", ALICE, pid=0, cap=4_000 * U)
    do(
        b,
        SP + "contribute",
        CHARLIE,
        SP + "StakeExceedsCapacity",
        pid=0,
        amount=2_500 * U,
        as_vault=None,
    )
    do(b, SP + "contribute", CHARLIE, pid=0, amount=2_000 * U, as_vault=None)
    check(
        pool(b).basepool.withdraw_queue == () and pool(b).basepool.total_value == 4_000 * U,
        "queue paid",
    )
    check(wpha(b, BOB) == 98_000 * U, "bob was paid 8,000")
    watch(b, 0, BOB, CHARLIE)


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-47", "STK-16", "STK-12"), crypto=SETTING)
def withdraw_check_order(b: CaseBuilder) -> None:
    """`withdraw`: a vault argument is checked first (`PoolTypeNotMatch`: pool 0 is no vault), then the
    pool (`PoolDoesNotExist`), a record (`NoNftToWithdraw`: charlie), non-dust shares and at most the
    record plus the queued shares (`InvalidWithdrawalAmount` for 1,000 units and for one unit too
    many). A second request counts the first one's queued shares and replaces it."""
    computing(b, 5_000)
    do(b, SP + "withdraw", BOB, BP + "PoolTypeNotMatch", pid=0, shares=U, as_vault=0)
    do(b, SP + "withdraw", BOB, BP + "PoolDoesNotExist", pid=4, shares=U, as_vault=None)
    do(b, SP + "withdraw", CHARLIE, SP + "NoNftToWithdraw", pid=0, shares=U, as_vault=None)
    do(b, SP + "withdraw", BOB, SP + "InvalidWithdrawalAmount", pid=0, shares=1_000, as_vault=None)
    do(
        b,
        SP + "withdraw",
        BOB,
        SP + "InvalidWithdrawalAmount",
        pid=0,
        shares=5_000 * U + 1,
        as_vault=None,
    )
    do(b, SP + "withdraw", BOB, pid=0, shares=3_000 * U, as_vault=None)
    do(
        b,
        SP + "withdraw",
        BOB,
        SP + "InvalidWithdrawalAmount",
        pid=0,
        shares=4_000 * U + 1,
        as_vault=None,
    )
    do(b, SP + "withdraw", BOB, pid=0, shares=4_000 * U, as_vault=None)
    check(
        stake_pool_v2.queued_shares(b.chain, pool(b).basepool, b.account(BOB)) == 4_000 * U,
        "one request",
    )
    watch(b, 0, BOB)


@case(
    suite=SUITE,
    handler="stake_pool_v2",
    clauses=("STK-42", "STK-45", "STK-46", "STK-48", "STK-50", "STK-54"),
    crypto=SETTING,
)
def stake_pool_check_precedence(b: CaseBuilder) -> None:
    """Precedence and bounds. Bob adds worker 3 (operated by alice, never benchmarked) to his
    pool: `UnauthorizedOperator`, the operator checked before the benchmark. With at most one
    worker per pool, adding worker 1 again is `WorkerExists`, checked before the limit. A
    commission of none is reported as 0. A contribution of exactly `MinContribution` is
    accepted. Starting worker 2 (not in the pool) with more than the free stake is
    `InsufficientFreeStake`, checked before the worker. `reclaim_pool_worker` and
    `check_and_maybe_force_withdraw` need a signed origin (`BadOrigin` for root, even for a
    pool that does not exist); a signed reclaim in a missing pool is `PoolDoesNotExist`."""
    start(b, config={"staking": {"max_pool_workers": 1}})
    do(b, SP + "create", BOB, events=[SP + "PoolCreated"])
    do(b, SP + "add_worker", BOB, SP + "UnauthorizedOperator", pid=1, pubkey=WORKER3.public)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER.public)
    do(b, SP + "add_worker", ALICE, SP + "WorkerExists", pid=0, pubkey=WORKER.public)
    do(b, SP + "set_payout_pref", ALICE, pid=0, payout_commission=None)
    check(b.last_events[-1]["commission"] == 0, "no commission reported as 0")
    minimum = b.chain.config.staking.min_contribution
    do(b, SP + "contribute", BOB, pid=0, amount=minimum, as_vault=None)
    check(pool(b).basepool.total_value == minimum, "the minimum contribution accepted")
    do(
        b,
        SP + "start_computing",
        ALICE,
        SP + "InsufficientFreeStake",
        pid=0,
        worker=WORKER2.public,
        stake=minimum + 1,
    )
    for call, args in (
        ("reclaim_pool_worker", {"pid": 0, "worker": WORKER.public}),
        ("reclaim_pool_worker", {"pid": 9, "worker": WORKER.public}),
        ("check_and_maybe_force_withdraw", {"pid": 0}),
    ):
        checks.do(b, SP + call, args, root(), outcome="BadOrigin")
    do(
        b,
        SP + "reclaim_pool_worker",
        BOB,
        BP + "PoolDoesNotExist",
        pid=9,
        worker=WORKER.public,
    )
    watch(b, 0, BOB)
    b.finalize_block()


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-53", "STK-12"), crypto=SETTING)
def one_unit_reward_is_dust(b: CaseBuilder) -> None:
    """A settlement paying one unit (the smallest reward that is not zero) is dismissed as dust
    (`RewardDismissedDust`); nothing is minted."""
    computing(b)
    one_planck = 282 << 16  # [FIX-6]: ((v >> 16) * 10**12) >> 48 == 1
    settle(b, (WORKER.public, one_planck))
    check(rewards(b) == [(SP + "RewardDismissedDust", {"pid": 0, "amount": 1})], "dust")
    watch(b, 0, BOB)
    b.finalize_block()
