"""Authored vectors for stake pools (v2) and vaults [STK-40]..[STK-67].

Suite ``staking``, handlers ``stake_pool_v2``, ``vault`` and ``scenario``.
Workers are registered and benchmarked as in the computation suite (score
1200: minimum stake 100·√1200 ≈ 3464.1 PHA); rewards arrive in gatekeeper
reports relayed through the queue, in the ``oracle`` crypto setting (each
signed message carries its validity). Amounts are whole PHA, so the share
price stays exactly 1 until a reward and every expectation follows from
spec/staking.md by hand; the builder checks them at generation time.

The cast: alice operates the workers and owns the pools; bob and charlie
contribute (each wrapped 100,000 PHA); dave never wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.staking_state import StakePool, Vault
from phala_spec.chain.worker_messages import (
    BenchReport,
    SettleInfo,
    WorkingInfoUpdateEvent,
    encode_payload,
)
from phala_spec.conformance.authoring import AuthoringError, CaseBuilder, case, root, signed
from phala_spec.conformance.relaying import relay
from phala_spec.conformance.suites.computation import (
    MASTER,
    WORKER,
    WORKER2,
    WORKER3,
    gk_report,
    setup,
)
from phala_spec.pallets.staking import assets, base_pool, stake_pool_v2, vault
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.runtime.genesis import UNIT

SUITE = "staking"
SETTING = "oracle"
U = UNIT
WEEK = 7 * 24 * 3600
SP = "PhalaStakePoolv2."
PV = "PhalaVault."
BP = "PhalaBasePool."
PC = "PhalaComputation."
ALICE, BOB, CHARLIE, DAVE = "alice", "bob", "charlie", "dave"
_ = MASTER  # the gatekeepers' key of the computation suite's genesis


def check(condition: bool, message: str) -> None:
    """A fill-time check derived from the rules."""
    if not condition:
        raise AuthoringError(message)


def do(
    b: CaseBuilder,
    call: str,
    who: str,
    outcome: str = "ok",
    events: Sequence[str] | None = None,
    **args: Any,
) -> None:
    """A signed call; its outcome, (names of) events in order, and no change on a failure."""
    before = b.chain
    b.call(call, args, origin=signed(who))
    b.expect_outcome(outcome)
    if outcome != "ok":
        check(
            b.chain.base_pool == before.base_pool and b.chain.assets == before.assets,
            f"{call}: a rejected call changes nothing",
        )
    if events is not None:
        got = [
            e.name
            for e in b.last_events
            if e.name.startswith(("PhalaStake", "PhalaVault", "PhalaComputation"))
        ]
        check(got == list(events), f"{call}: events {got}, the rules give {list(events)}")


def start(b: CaseBuilder) -> None:
    """Workers 1 and 2 benchmarked (1200), worker 3 not; bob and charlie wrap 100,000 PHA; alice's pool 0."""
    setup(b, SETTING, {WORKER: 1200, WORKER2: 1200})
    for who in (BOB, CHARLIE):
        do(b, "PhalaWrappedBalances.wrap", who, amount=100_000 * U)
    do(b, SP + "create", ALICE, events=[SP + "PoolCreated"])


def pool(b: CaseBuilder, pid: int = 0) -> StakePool:
    return stake_pool_v2.ensure_stake_pool(b.chain, pid)


def the_vault(b: CaseBuilder, pid: int) -> Vault:
    return vault.ensure_vault(b.chain, pid)


def wpha(b: CaseBuilder, who: str | bytes) -> int:
    return assets.balance(b.chain, b.account(who) if isinstance(who, str) else who)


def watch(b: CaseBuilder, pid: int, *names: str) -> None:
    b.observe("stake_pool", pid)
    for name in names:
        b.observe("pool_shares", pid, b.account(name))
        b.observe("wpha", b.account(name))


def computing(b: CaseBuilder, contribution: int = 10_000, stake: int = 4_000) -> None:
    """Pool 0 with workers 1 and 2; bob contributed; worker 1 computes with ``stake`` PHA."""
    start(b)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER.public)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER2.public)
    do(b, SP + "contribute", BOB, pid=0, amount=contribution * U, as_vault=None)
    do(
        b,
        SP + "start_computing",
        ALICE,
        pid=0,
        worker=WORKER.public,
        stake=stake * U,
        events=[PC + "WorkerStarted", SP + "WorkingStarted"],
    )


def settle(b: CaseBuilder, *payouts: tuple[bytes, int]) -> None:
    """A gatekeeper report in a new block settling ``(worker, payout bits)`` pairs."""
    b.next_block()
    ts = b.chain.system.block.timestamp
    infos = tuple(SettleInfo(worker, 0, bits, 0) for worker, bits in payouts)
    gk_report(b, SETTING, WorkingInfoUpdateEvent(b.chain.system.block.number, ts, settle=infos))


def rewards(b: CaseBuilder) -> list[tuple[str, dict[str, Any]]]:
    return [(e.name, dict(e.fields)) for e in b.last_events if e.name.startswith(SP)]


def later(b: CaseBuilder, seconds: int) -> None:
    b.next_block(timestamp=b.chain.system.block.timestamp + seconds * 1000)


# --- stake_pool_v2 -----------------------------------------------------------------------------


@case(suite=SUITE, handler="stake_pool_v2", clauses=("STK-40", "STK-41", "STK-42"), crypto=SETTING)
def add_worker_check_order(b: CaseBuilder) -> None:
    """`create` derives the pool, lock and owner-reward accounts. `create` needs a signed origin
    (`BadOrigin` for root). `add_worker` checks, in order: a registered worker (`WorkerNotRegistered`), operated by the caller (`UnauthorizedOperator`: bob),
    benchmarked (`BenchmarkMissing`: worker 3), the pool (`PoolNotExist`), owned by the caller
    (`UnauthorizedPoolOwner`: bob's pool 1), not already in it (`WorkerExists`); a worker bound to
    another pool cannot be bound again (`FailedToBindSessionAndWorker`)."""
    start(b)
    b.call(SP + "create", {}, origin=root())
    b.expect_outcome("BadOrigin")
    do(b, SP + "create", BOB)
    do(b, SP + "add_worker", ALICE, SP + "WorkerNotRegistered", pid=0, pubkey=bytes([7]) * 32)
    do(b, SP + "add_worker", BOB, SP + "UnauthorizedOperator", pid=1, pubkey=WORKER.public)
    do(b, SP + "add_worker", ALICE, SP + "BenchmarkMissing", pid=0, pubkey=WORKER3.public)
    do(b, SP + "add_worker", ALICE, BP + "PoolNotExist", pid=7, pubkey=WORKER.public)
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
    """`contribute` checks the pool (`PoolNotExist`), the minimum contribution of 0.01 PHA
    (`InsufficientContribution`), a vault argument (`PoolTypeNotMatch`: pool 0 is no vault), the free
    W-PHA (`InsufficientBalance`). A cap below the value is refused (`InadequateCapacity`); with a cap
    of 12,000 PHA bob's 10,000 leave room for exactly 2,000 (`StakeExceedsCapacity` one planck
    above). The commission is set by the owner only."""
    start(b)
    do(b, SP + "contribute", BOB, BP + "PoolNotExist", pid=3, amount=U, as_vault=None)
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
    pool (`PoolNotExist`), a record (`NoNftToWithdraw`: charlie), non-dust shares and at most the
    record plus the queued shares (`InvalidWithdrawalAmount` for 1,000 units and for one unit too
    many). A second request counts the first one's queued shares and replaces it."""
    computing(b, 5_000)
    do(b, SP + "withdraw", BOB, BP + "PoolTypeNotMatch", pid=0, shares=U, as_vault=0)
    do(b, SP + "withdraw", BOB, BP + "PoolNotExist", pid=4, shares=U, as_vault=None)
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
    clauses=("STK-48", "STK-49", "STK-50", "STK-51", "CMP-11", "CMP-13"),
    crypto=SETTING,
)
def computing_lifecycle_check_order(b: CaseBuilder) -> None:
    """`start_computing` checks the owner, the pool's free W-PHA (`InsufficientFreeStake`), the worker
    (`WorkerDoesNotExist`), then the computation pallet's minimum stake (`InsufficientStake`); the
    stake moves to the lock account. `stop_computing`: `WorkerAlreadyStopped` the second time.
    Reclaiming before 7 days fails `CoolDownNotReady`. `restart_computing` needs an empty queue
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
    later(b, WEEK)
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
    no pool: `RewardDismissedNotInPool`) and worker 1 again: the worker in no pool ends the loop, so
    the last settlement is not even looked at. With shares, a report settling worker 3 then worker 1
    pays nothing either. With a 100% commission the stakers' part is a dismissed 0
    (`RewardToDistributionDismissedDust`); 0.0001% of 5 PHA = 5,000,000 planck to the owner is minted.
    A commission of 1% of 5,000 planck (50, below W-PHA's minimum of 100) is unmintable dust
    (`RewardToOwnerDismissedDust`)."""
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
        ],
        "three dismissals, then stop",
    )
    b.observe("wpha_totals")
    do(b, SP + "contribute", BOB, pid=0, amount=1_000 * U, as_vault=None)
    settle(b, (WORKER3.public, 1 << 64), (WORKER.public, 5 << 64))
    check(
        rewards(b) == [(SP + "RewardDismissedNotInPool", {"worker": WORKER3.public, "amount": U})]
        and pool(b).basepool.total_value == 1_000 * U,
        "the pool's reward was skipped",
    )
    do(b, SP + "set_payout_pref", ALICE, pid=0, payout_commission=1_000_000)
    settle(b, (WORKER.public, 5 << 64))
    check(
        rewards(b)
        == [
            (SP + "RewardToDistributionDismissedDust", {"pid": 0, "amount": 0}),
            (SP + "RewardReceived", {"pid": 0, "to_owner": 5 * U, "to_stakers": 0}),
        ],
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
    b.observe("wpha_totals")
    watch(b, 0)


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


# --- vault ----------------------------------------------------------------------------------------


def invested(b: CaseBuilder, commission: int | None = 100_000, amount: int = 1_000) -> None:
    """Stake pool 0 (worker 1), vault 1 (alice, ``commission``); bob puts ``amount`` PHA in the vault,
    all invested in the stake pool."""
    start(b)
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
    """Vault errors in order. `set_payout_pref`: owner, `CommissionNotChanged`. `contribute`: the vault
    (`PoolTypeNotMatch` for the stake pool), the minimum contribution (`InsufficientContribution`,
    before the account: dave), a W-PHA account (`AssetAccountNotExist`: dave), `InsufficientBalance`. Investing: only the owner (`UnauthorizedPoolOwner`), from the vault's free
    W-PHA (`InsufficientBalance`); the vault joins the pool's subscribers."""
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
    do(b, PV + "contribute", BOB, BP + "PoolTypeNotMatch", pid=0, amount=U)
    do(b, PV + "contribute", DAVE, PV + "AssetAccountNotExist", pid=1, amount=U)
    do(b, PV + "contribute", DAVE, PV + "InsufficientContribution", pid=1, amount=U // 100 - 1)
    do(b, PV + "contribute", BOB, PV + "InsufficientBalance", pid=1, amount=99_000 * U + 1)
    do(b, SP + "contribute", BOB, SP + "UnauthorizedPoolOwner", pid=0, amount=U, as_vault=1)
    do(b, SP + "contribute", ALICE, SP + "InsufficientBalance", pid=0, amount=U, as_vault=1)
    check(
        pool(b).basepool.value_subscribers == (1,) and the_vault(b, 1).invest_pools == (0,),
        "subscribed",
    )
    watch(b, 1, BOB)
    b.observe("pool_shares", 0, the_vault(b, 1).basepool.pool_account)


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
    do(b, SP + "withdraw", ALICE, SP + "VaultIsLocked", pid=0, shares=U, as_vault=1)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, vault_pid=1)
    check(not the_vault(b, 1).locked and wpha(b, BOB) == 99_400 * U, "unlocked, bob paid")
    watch(b, 1, BOB)


@case(suite=SUITE, handler="vault", clauses=("STK-66", "STK-54"), crypto=SETTING)
def waiting_three_grace_periods(b: CaseBuilder) -> None:
    """Charlie adds 4,000 PHA to the stake pool, which computes with all 5,000. Bob queues 400 vault
    shares and the vault queues 400 stake-pool shares: releasing value 400 covers the vault's queue,
    so after 7 days and a second no shutdown; after three grace periods the reason is
    `Waiting3xGracePeriod`."""
    invested(b)
    do(b, SP + "contribute", CHARLIE, pid=0, amount=4_000 * U, as_vault=None)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER.public, stake=5_000 * U)
    do(b, PV + "withdraw", BOB, pid=1, shares=400 * U)
    do(b, SP + "withdraw", ALICE, pid=0, shares=400 * U, as_vault=1)
    later(b, WEEK + 1)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, events=[], vault_pid=1)
    later(b, 2 * WEEK)
    do(b, PV + "check_and_maybe_force_withdraw", CHARLIE, vault_pid=1)
    check(
        dict(b.last_events[-1].fields) == {"pid": 1, "reason": "Waiting3xGracePeriod"},
        "three grace periods",
    )
    watch(b, 1)
    watch(b, 0)


@case(
    suite=SUITE, handler="vault", clauses=("STK-61", "STK-24", "STK-67", "STK-14"), crypto=SETTING
)
def bankrupt_vault_accepts_nothing(b: CaseBuilder) -> None:
    """A vault with no commission gains owner shares from the floored price alone: a reward of 4 PHA on
    1,000 PHA gives 996 units. Alice claims 500 of them to dave. The vault leaves the stake pool; bob's
    withdrawal of all his shares leaves a value of 1,000 planck for the 996 remaining units, dust: it
    becomes 0 and the vault is bankrupt (`PoolBankrupt`), though dave still holds shares."""
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


# --- scenario -------------------------------------------------------------------------------------


@case(
    suite=SUITE,
    handler="scenario",
    clauses=(
        "STK-46",
        "STK-47",
        "STK-48",
        "STK-50",
        "STK-53",
        "STK-54",
        "STK-57",
        "STK-61",
        "STK-66",
        "CMP-17",
        "CMP-18",
    ),
    crypto=SETTING,
)
def pool_and_vault_over_weeks(b: CaseBuilder) -> None:
    """Weeks of a stake pool and a vault. Alice's pool 0 (20% commission) computes with workers 1 and
    2; bob stakes 10,000 PHA directly, the vault (10% commission) invests charlie's 5,000. Rewards are
    settled for both workers twice. Bob withdraws most of his stake: queued; charlie's new direct
    contribution pays the queue. Alice takes her vault's owner shares; charlie withdraws from the
    vault, which waits; the force shutdown withdraws the vault from the stake pool, stopping the
    workers when the pool cannot pay; after the cool-down everyone is paid. Throughout, the pool's
    value equals its free plus locked W-PHA, up to the rest below W-PHA's minimum balance that a
    payment sweeps out of the pool account [STK-57] [STK-1]."""
    start(b)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER.public)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER2.public)
    do(b, SP + "set_payout_pref", ALICE, pid=0, payout_commission=200_000)
    do(b, PV + "create", ALICE)
    do(b, PV + "set_payout_pref", ALICE, pid=1, payout_commission=100_000)
    do(b, SP + "contribute", BOB, pid=0, amount=10_000 * U, as_vault=None)
    do(b, PV + "contribute", CHARLIE, pid=1, amount=5_000 * U)
    do(b, SP + "contribute", ALICE, pid=0, amount=5_000 * U, as_vault=1)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER.public, stake=7_000 * U)
    do(b, SP + "start_computing", ALICE, pid=0, worker=WORKER2.public, stake=7_000 * U)

    def balanced() -> None:
        p = pool(b)
        drift = p.basepool.total_value - wpha(b, p.basepool.pool_account) - wpha(b, p.lock_account)
        check(
            abs(drift) < assets.min_balance(b.chain),
            f"value = free + locked up to a swept rest [STK-57]: {drift}",
        )

    balanced()
    watch(b, 0, BOB)
    settle(b, (WORKER.public, 30 << 64), (WORKER2.public, 15 << 64))
    check(pool(b).basepool.total_value == 15_036 * U, "45 PHA, 9 to alice, 36 to the stakers")
    vault_value = the_vault(b, 1).basepool.total_value
    check(
        5_012 * U - 10**3 < vault_value <= 5_012 * U,
        "a third of 36 to the vault, rounded down [STK-19]",
    )
    balanced()
    later(b, 3600)
    settle(b, (WORKER.public, 60 << 64), (WORKER2.public, 0))
    balanced()
    watch(b, 0, BOB)
    watch(b, 1, CHARLIE)
    do(b, SP + "withdraw", BOB, pid=0, shares=9_000 * U, as_vault=None)
    check(len(pool(b).basepool.withdraw_queue) == 1, "bob waits")
    do(b, SP + "contribute", CHARLIE, pid=0, amount=9_000 * U, as_vault=None)
    check(pool(b).basepool.withdraw_queue == (), "charlie's contribution paid bob")
    balanced()
    watch(b, 0, BOB, CHARLIE)
    do(b, PV + "maybe_gain_owner_shares", ALICE, events=[PV + "OwnerSharesGained"], vault_pid=1)
    do(
        b,
        PV + "claim_owner_shares",
        ALICE,
        vault_pid=1,
        target=b.account(ALICE),
        shares=the_vault(b, 1).owner_shares,
    )
    do(b, PV + "withdraw", CHARLIE, pid=1, shares=2_000 * U)
    watch(b, 1, CHARLIE, ALICE)
    later(b, WEEK + 1)
    do(b, PV + "check_and_maybe_force_withdraw", BOB, vault_pid=1)
    check(b.last_events[-1].name == PV + "ForceShutdown", "vault shut down")
    watch(b, 1, CHARLIE)
    watch(b, 0)
    later(b, WEEK + 1)
    do(b, SP + "check_and_maybe_force_withdraw", BOB, pid=0)
    check(len(pool(b).cd_workers) == 2, "workers stopped for the vault")
    later(b, WEEK)
    do(b, SP + "reclaim_pool_worker", BOB, pid=0, worker=WORKER.public)
    do(b, SP + "reclaim_pool_worker", BOB, pid=0, worker=WORKER2.public)
    check(pool(b).basepool.withdraw_queue == (), "the vault was paid")
    balanced()
    do(b, PV + "check_and_maybe_force_withdraw", BOB, vault_pid=1)
    check(
        the_vault(b, 1).basepool.withdraw_queue == () and not the_vault(b, 1).locked,
        "charlie paid, unlocked",
    )
    watch(b, 0, BOB, CHARLIE)
    watch(b, 1, CHARLIE, ALICE)
    b.observe("wpha_totals")
