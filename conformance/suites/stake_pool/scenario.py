"""A pool and a vault over weeks: contributions, rewards, withdrawals and the owner's shares
[STK-40]..[STK-67] (handler ``scenario``)."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.computation.common import WORKER, WORKER2
from phala_spec.conformance.suites.stake_pool.common import (
    ALICE,
    BOB,
    CHARLIE,
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
from phala_spec.pallets.staking import assets

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
