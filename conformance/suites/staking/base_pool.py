"""The base pool: shared ids, contributions, withdrawals and their queue, rewards and W-PHA
transfers [STK-10]..[STK-22], and the long story of a pool's life [STK-24]."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.suites.staking.common import (
    BOTH,
    CONTRIBUTE,
    CREATE,
    MINIMAL,
    OPS,
    PRICE_1_5,
    PROCESS,
    REWARD,
    SUITE,
    TRANSFER,
    UNWRAP_ALL,
    WITHDRAW,
    WRAP,
    U,
    paid,
    pool,
    setup,
    stake_out,
    watch,
)
from phala_spec.pallets.staking import assets, base_pool
from phala_spec.pallets.staking.wrapped_balances import WPHA_ACCOUNT
from phala_spec.primitives.arith import U128_MAX
from phala_spec.primitives.fixed import bdiv, bmul

# --- the base pool [STK-10]..[STK-22] --------------------------------------------------


@case(suite=SUITE, handler="create", presets=BOTH, clauses=("STK-11", "STK-22"))
def create_takes_shared_ids(b: CaseBuilder) -> None:
    """Pools take pids from PoolCount and collection ids from 10000; the pool account is derived.
    A plain base pool is neither a stake pool nor a vault: `stake_pool` shows it as null
    [STK-56]."""
    setup(b)
    b.observe("base_pool", 0)
    do(b, CREATE, {"owner": b.account("alice")}, OPS, observe=[("base_pool", 1), ("stake_pool", 1)])
    check((pool(b, 1).pid, pool(b, 1).cid) == (1, 10_001), "pid 1, cid 10001")
    do(b, CREATE, {"owner": b.account("alice")}, signed("alice"), "BadOrigin")


@case(
    suite=SUITE, handler="contribute", presets=BOTH, clauses=("STK-14", "STK-13", "STK-11", "STK-3")
)
def contribute_at_price_one_and_a_half(b: CaseBuilder) -> None:
    """First contribution mints shares 1:1; after a reward of half the value the price is 1.5."""
    setup(b)
    alice, bob = b.account("alice"), b.account("bob")
    do(
        b,
        CONTRIBUTE,
        {"pid": 0, "who": alice, "amount": 100 * U},
        OPS,
        events=["Assets.Transferred", "PhalaBasePool.NftCreated"],
    )
    watch(b, 0, "alice")
    do(
        b,
        REWARD,
        {"pid": 0, "source": b.account("charlie"), "amount": 50 * U},
        OPS,
        events=["Balances.Transfer", "Assets.Issued"],
    )
    check(base_pool.share_price(pool(b)) == PRICE_1_5, "price 1.5")
    do(b, CONTRIBUTE, {"pid": 0, "who": bob, "amount": 30 * U}, OPS)
    watch(b, 0, "alice", "bob")
    check((pool(b).total_shares, pool(b).total_value) == (120 * U, 180 * U), "20 shares for 30 PHA")


@case(suite=SUITE, handler="contribute", presets=MINIMAL, clauses=("STK-11", "STK-14"))
def contributions_merge(b: CaseBuilder) -> None:
    """A second contribution mints a record and merges it with the first into a new one."""
    setup(b)
    do(b, CONTRIBUTE, {"pid": 0, "who": b.account("alice"), "amount": 10 * U}, OPS)
    do(
        b,
        CONTRIBUTE,
        {"pid": 0, "who": b.account("alice"), "amount": 5 * U},
        OPS,
        events=["Assets.Transferred", "PhalaBasePool.NftCreated", "PhalaBasePool.NftCreated"],
    )
    watch(b, 0, "alice")
    check(b.chain.base_pool.owner_index[10_000][b.account("alice")] == 2, "merged record id 2")


@case(
    suite=SUITE,
    handler="contribute",
    presets=MINIMAL,
    clauses=("STK-14", "STK-10", "STK-1", "STK-22"),
)
def contribute_errors_in_order(b: CaseBuilder) -> None:
    """PoolDoesNotExist first; then the W-PHA transfer: missing funds, a new pool account below the minimum."""
    setup(b)
    charlie = b.account("charlie")
    do(
        b,
        CONTRIBUTE,
        {"pid": 5, "who": charlie, "amount": U},
        OPS,
        "PhalaBasePool.PoolDoesNotExist",
    )
    do(b, CONTRIBUTE, {"pid": 0, "who": charlie, "amount": U}, OPS, "Token.FundsUnavailable")
    minimum = b.config.staking.wpha_min_balance
    do(
        b,
        CONTRIBUTE,
        {"pid": 0, "who": b.account("alice"), "amount": minimum - 1},
        OPS,
        "Token.BelowMinimum",
    )
    do(
        b,
        CONTRIBUTE,
        {"pid": 0, "who": b.account("alice"), "amount": U},
        signed("alice"),
        "BadOrigin",
    )


@case(suite=SUITE, handler="contribute", presets=MINIMAL, clauses=("STK-14", "STK-17", "STK-24"))
def bankrupt_pool_refuses_contributions(b: CaseBuilder) -> None:
    """When the last large holder leaves, a dust rest of the value becomes 0: the pool is bankrupt.

    Bob holds about 900 units of shares; alice withdraws all her 100 PHA of
    shares; the value left (900) is dust and is set to 0 while bob's shares
    remain (and his 900 units stay in the pool account).
    PoolBankrupt is checked before the funds. A reward of one planck then makes the value exactly 1:
    the pool is no longer bankrupt (`total_value > 0`) and dave's contribution is accepted.
    """
    setup(b)
    do(b, CONTRIBUTE, {"pid": 0, "who": b.account("alice"), "amount": 100 * U}, OPS)
    do(b, CONTRIBUTE, {"pid": 0, "who": b.account("bob"), "amount": 900}, OPS)
    do(b, WITHDRAW, {"pid": 0, "who": b.account("alice"), "shares": 100 * U}, OPS)
    watch(b, 0, "alice", "bob")
    check(0 < pool(b).total_shares <= 900 and pool(b).total_value == 0, "bankrupt")
    do(
        b,
        CONTRIBUTE,
        {"pid": 0, "who": b.account("charlie"), "amount": U},
        OPS,
        "PhalaBasePool.PoolBankrupt",
    )
    do(
        b,
        CONTRIBUTE,
        {"pid": 0, "who": b.account("dave"), "amount": U},
        OPS,
        "PhalaBasePool.PoolBankrupt",
    )
    do(b, REWARD, {"pid": 0, "source": b.account("charlie"), "amount": 1}, OPS)
    check(pool(b).total_value == 1, "a value of exactly one planck")
    do(b, CONTRIBUTE, {"pid": 0, "who": b.account("dave"), "amount": U}, OPS)
    watch(b, 0, "bob", "dave")


@case(suite=SUITE, handler="withdraw", presets=BOTH, clauses=("STK-16", "STK-17", "STK-18"))
def withdraw_is_paid_at_once_when_funds_are_free(b: CaseBuilder) -> None:
    """At price 1.5, 40 shares pay 60 PHA at once; the request leaves the queue."""
    setup(b)
    alice = b.account("alice")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 100 * U}, OPS)
    do(b, REWARD, {"pid": 0, "source": b.account("charlie"), "amount": 50 * U}, OPS)
    do(
        b,
        WITHDRAW,
        {"pid": 0, "who": alice, "shares": 40 * U},
        OPS,
        events=[
            "PhalaBasePool.NftCreated",
            "PhalaBasePool.WithdrawalQueued",
            "Assets.Transferred",
            "PhalaBasePool.Withdrawal",
        ],
    )
    watch(b, 0, "alice")
    check(paid(b) == [(alice, 60 * U, 40 * U, 0)], "60 PHA for 40 shares")
    check(
        (pool(b).total_shares, pool(b).total_value) == (60 * U, 90 * U), "60 shares worth 90 left"
    )


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("STK-16", "STK-10", "STK-22"))
def withdraw_errors_in_order(b: CaseBuilder) -> None:
    """PoolDoesNotExist, NftIdNotFound (no record), InvalidShareToWithdraw (more than held), BadOrigin."""
    setup(b)
    alice = b.account("alice")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 10 * U}, OPS)
    do(
        b,
        WITHDRAW,
        {"pid": 3, "who": b.account("bob"), "shares": 1},
        OPS,
        "PhalaBasePool.PoolDoesNotExist",
    )
    do(
        b,
        WITHDRAW,
        {"pid": 0, "who": b.account("bob"), "shares": 1},
        OPS,
        "PhalaBasePool.NftIdNotFound",
    )
    do(
        b,
        WITHDRAW,
        {"pid": 0, "who": alice, "shares": 10 * U + 1},
        OPS,
        "PhalaBasePool.InvalidShareToWithdraw",
    )
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": U}, signed(alice), "BadOrigin")


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("STK-16",))
def new_request_replaces_the_old_one_at_the_back(b: CaseBuilder) -> None:
    """One request per user: a new request merges the queued shares back and starts over at the back."""
    setup(b)
    alice, bob = b.account("alice"), b.account("bob")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 100 * U}, OPS)
    do(b, CONTRIBUTE, {"pid": 0, "who": bob, "amount": 100 * U}, OPS)
    stake_out(b, 200 * U)
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": 30 * U}, OPS)
    b.next_block()
    do(b, WITHDRAW, {"pid": 0, "who": bob, "shares": 10 * U}, OPS)
    b.next_block()
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": 50 * U}, OPS)
    watch(b, 0, "alice", "bob")
    queue = pool(b).withdraw_queue
    check([w.user for w in queue] == [bob, alice], "bob first, alice at the back")
    check(
        queue[1].start_time - queue[0].start_time == b.config.block_time_ms // 1000,
        "alice's time is new",
    )


@case(
    suite=SUITE,
    handler="process_withdraw_queue",
    presets=MINIMAL,
    clauses=("STK-18", "STK-17", "STK-12"),
)
def later_contribution_pays_the_queue(b: CaseBuilder) -> None:
    """A request waits for free W-PHA; a later contribution funds it and processing pays it, front first."""
    setup(b)
    alice, bob, dave = b.account("alice"), b.account("bob"), b.account("dave")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 100 * U}, OPS)
    stake_out(b, 90 * U)
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": 30 * U}, OPS)
    check(paid(b) == [(alice, 10 * U, 10 * U, 0)], "10 free PHA pay 10 shares")
    watch(b, 0, "alice")
    do(b, CONTRIBUTE, {"pid": 0, "who": bob, "amount": 15 * U}, OPS)
    do(b, PROCESS, {"pid": 0}, OPS)
    check(paid(b) == [(alice, 15 * U, 15 * U, 0)], "15 more; 5 shares still queued")
    do(b, CONTRIBUTE, {"pid": 0, "who": dave, "amount": 50 * U}, OPS)
    do(b, PROCESS, {"pid": 0}, OPS)
    check(paid(b) == [(alice, 5 * U, 5 * U, 0)], "the rest")
    watch(b, 0, "alice", "bob", "dave")
    check(pool(b).withdraw_queue == (), "queue empty")


@case(
    suite=SUITE,
    handler="process_withdraw_queue",
    presets=MINIMAL,
    clauses=("STK-18", "STK-12", "STK-24"),
)
def dust_valued_request_is_burnt(b: CaseBuilder) -> None:
    """A request worth at most W-PHA's minimum balance is burnt: its shares leave total_shares, the value stays."""
    setup(b)
    alice = b.account("alice")
    minimum = b.config.staking.wpha_min_balance
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 100 * U}, OPS)
    do(b, CONTRIBUTE, {"pid": 0, "who": b.account("bob"), "amount": 100 * U}, OPS)
    stake_out(b, 200 * U)
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": minimum}, OPS)
    do(b, CONTRIBUTE, {"pid": 0, "who": b.account("dave"), "amount": U}, OPS)
    do(b, PROCESS, {"pid": 0}, OPS)
    check(paid(b) == [(alice, 0, 0, minimum)], "burnt, nothing paid")
    watch(b, 0, "alice")
    check((pool(b).total_shares, pool(b).total_value) == (201 * U - minimum, 201 * U), "value kept")


@case(suite=SUITE, handler="process_withdraw_queue", presets=MINIMAL, clauses=("STK-18", "STK-22"))
def process_origin_and_pool(b: CaseBuilder) -> None:
    """Processing is an operation of an existing pool; an empty queue does nothing."""
    setup(b)
    do(b, PROCESS, {"pid": 0}, OPS, events=[])
    do(b, PROCESS, {"pid": 1}, OPS, "PhalaBasePool.PoolDoesNotExist")
    do(b, PROCESS, {"pid": 0}, signed("alice"), "BadOrigin")


@case(suite=SUITE, handler="distribute_reward", presets=BOTH, clauses=("STK-19", "STK-22", "STK-6"))
def reward_raises_the_price(b: CaseBuilder) -> None:
    """A reward is minted into the pool account and added to the value: holders' shares are worth more."""
    setup(b)
    do(b, CONTRIBUTE, {"pid": 0, "who": b.account("alice"), "amount": 200 * U}, OPS)
    do(
        b,
        REWARD,
        {"pid": 0, "source": b.account("charlie"), "amount": 100 * U},
        OPS,
        observe=[("base_pool", 0), ("wpha", b.account("alice")), ("wpha_totals",)],
    )
    check(base_pool.share_price(pool(b)) == PRICE_1_5, "price 1.5")


@case(
    suite=SUITE, handler="distribute_reward", presets=MINIMAL, clauses=("STK-6", "STK-22", "BAL-9")
)
def unmintable_reward_and_errors(b: CaseBuilder) -> None:
    """A reward below the minimum into an empty pool account is unmintable dust and is not distributed."""
    setup(b)
    minimum = b.config.staking.wpha_min_balance
    do(
        b,
        REWARD,
        {"pid": 0, "source": b.account("charlie"), "amount": minimum - 1},
        OPS,
        events=["Balances.Transfer"],
        observe=[("base_pool", 0), ("wpha_totals",)],
    )
    check(pool(b).total_value == 0, "nothing distributed")
    do(
        b,
        REWARD,
        {"pid": 0, "source": b.account("eve"), "amount": U},
        OPS,
        "Token.FundsUnavailable",
    )
    do(
        b,
        REWARD,
        {"pid": 9, "source": b.account("charlie"), "amount": U},
        OPS,
        "PhalaBasePool.PoolDoesNotExist",
    )
    do(b, REWARD, {"pid": 0, "source": b.account("charlie"), "amount": U}, root(), "BadOrigin")


@case(suite=SUITE, handler="distribute_reward", presets=MINIMAL, clauses=("STK-22", "BAL-9"))
def reward_may_reap_its_source(b: CaseBuilder) -> None:
    """A reward's PHA moves from its source allowing death [STK-22]: charlie pays his whole free
    balance, 10,000 PHA, as a reward to pool 0 and his account is reaped (`KilledAccount`); the
    pool's value grows by all of it."""
    setup(b)
    do(b, CONTRIBUTE, {"pid": 0, "who": b.account("alice"), "amount": 200 * U}, OPS)
    charlie = b.account("charlie")
    whole = b.chain.system.accounts[charlie].data.free
    check(whole == 10_000 * U, "charlie holds 10,000 PHA")
    do(
        b,
        REWARD,
        {"pid": 0, "source": charlie, "amount": whole},
        OPS,
        observe=[("base_pool", 0), ("account", charlie), ("wpha_totals",)],
    )
    check(charlie not in b.chain.system.accounts, "charlie reaped")
    check(pool(b).total_value == 200 * U + whole, "the whole balance distributed")


@case(suite=SUITE, handler="transfer", presets=MINIMAL, clauses=("STK-1",))
def wpha_transfer_rules(b: CaseBuilder) -> None:
    """W-PHA transfers: the funds must be there, a new holder must reach the minimum, a rest below it goes along."""
    setup(b)
    alice, eve = b.account("alice"), b.account("eve")
    minimum = b.config.staking.wpha_min_balance
    do(b, TRANSFER, {"source": eve, "dest": alice, "amount": 1}, OPS, "Token.FundsUnavailable")
    do(
        b,
        TRANSFER,
        {"source": alice, "dest": eve, "amount": minimum - 1},
        OPS,
        "Token.BelowMinimum",
    )
    do(
        b,
        TRANSFER,
        {"source": alice, "dest": eve, "amount": 1_000 * U - 1},
        OPS,
        observe=[("wpha", alice), ("wpha", eve)],
    )
    check(dict(b.last_events[0].fields)["amount"] == 1_000 * U, "the rest goes along")
    do(b, TRANSFER, {"source": eve, "dest": alice, "amount": U}, signed(eve), "BadOrigin")


@case(
    suite=SUITE,
    handler="withdraw",
    presets=MINIMAL,
    clauses=("STK-13", "STK-16", "STK-18", "STK-19"),
)
def share_price_bound(b: CaseBuilder) -> None:
    """The share price is a `U64F64` [STK-13]: alice, endowed with 10^11 PHA, holds 1,001 shares
    in each of pools 0 and 1 and pays each a large reward. Pool 0's value makes a share worth
    0.625 * 2^64 planck: it has a price, and her withdrawals of one share (a request of a single
    share worth more than the minimum balance is paid) and then of the other 1,000 are queued and
    paid [STK-16] [STK-18]. Pool 1's value makes a share worth 1.25 * 2^64 planck: the quotient overflows and
    the pool has no price, so a withdrawal only reduces her record: 1,002 shares are
    `InvalidShareToWithdraw`, exactly 1,001 leave the record at 0 and nothing is paid."""
    names = ("bob", "charlie", "dave")
    b.genesis(balances=[("alice", 10**11 * U), *((name, 10_000 * U) for name in names)])
    b.initialize_block()
    alice = b.account("alice")
    do(b, WRAP, {"amount": U}, signed(alice))
    for pid, per_share in ((0, (1 << 63) + (1 << 61)), (1, (1 << 64) + (1 << 62))):
        do(b, CREATE, {"owner": b.account("charlie")}, OPS, events=[])
        do(b, CONTRIBUTE, {"pid": pid, "who": alice, "amount": 1_001}, OPS)
        reward = 1_001 * per_share - 1_001
        do(b, REWARD, {"pid": pid, "source": alice, "amount": reward}, OPS)
        watch(b, pid, "alice")
    check(base_pool.share_price(pool(b, 0)) is not None, "pool 0 has a price")
    check(base_pool.share_price(pool(b, 1)) is None, "pool 1 has none")
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": 1}, OPS)
    watch(b, 0, "alice")
    check([(u, s) for u, _, s, _ in paid(b)] == [(alice, 1)], "one share paid at pool 0's price")
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": 1_000}, OPS)
    watch(b, 0, "alice")
    check([(u, s) for u, _, s, _ in paid(b)] == [(alice, 1_000)], "then the other 1,000")
    do(
        b,
        WITHDRAW,
        {"pid": 1, "who": alice, "shares": 1_002},
        OPS,
        "PhalaBasePool.InvalidShareToWithdraw",
    )
    do(b, WITHDRAW, {"pid": 1, "who": alice, "shares": 1_001}, OPS, events=[])
    watch(b, 1, "alice")
    check(pool(b, 1).withdraw_queue == () and pool(b, 1).total_shares == 1_001, "record only")


@case(
    suite=SUITE,
    handler="process_withdraw_queue",
    presets=MINIMAL,
    clauses=("STK-16", "STK-17", "STK-18"),
)
def queue_processing_boundaries(b: CaseBuilder) -> None:
    """The withdrawal queue's bounds, at price 1 with W-PHA's minimum balance `m` set to 0.01 PHA
    (above the dust bound of 1,000 planck) [STK-18] [STK-12]. The clock is at
    1,700,000,000,000 ms: a request's start is that divided by 1000 [STK-16]. Alice contributes
    100 PHA, all but `m` is staked out, and she asks for 50 PHA of shares: a pool account holding
    exactly `m` pays nothing. About 50 PHA come back, just enough to pay all but `m + 1` of her
    shares: the rest is above the dust bound but worth exactly `m` (after `bmul`'s fixed-point
    rounding), so it is burnt and the request leaves the queue. In pool 1, bob asks for `m + 1` of his 10 PHA of shares, which `bmul`'s
    fixed-point rounding values at exactly `m`: a request worth exactly the minimum balance is
    burnt, not paid. Then all but about 500 shares' worth of pool 1's W-PHA is staked out and bob
    asks for all his shares: the rest of his record is dust and leaves the pool with the shares
    paid [STK-17]."""
    setup(b, config={"staking": {"wpha_min_balance": U // 100}})
    b.next_block(timestamp=1_700_000_000_000)
    alice, bob, ferdie = b.account("alice"), b.account("bob"), b.account("ferdie")
    minimum = b.config.staking.wpha_min_balance
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 100 * U}, OPS)
    stake_out(b, 100 * U - minimum)
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": 50 * U}, OPS)
    watch(b, 0, "alice")
    check(paid(b) == [], "exactly the minimum balance pays nothing")
    check(pool(b).withdraw_queue[0].start_time == 1_700_000_000, "queued at the second")
    price = base_pool.share_price(pool(b))
    assert price is not None
    # the least balance that pays all but m + 1 shares, which are worth exactly m
    target = 50 * U - minimum - 1
    held = next(h for h in range(target - 4, target + 4) if bdiv(h, price) == target)
    check(bmul(minimum + 1, price) == minimum, "m + 1 shares are worth m")
    back = held - minimum
    do(b, TRANSFER, {"source": ferdie, "dest": pool(b).pool_account, "amount": back}, OPS)
    do(b, PROCESS, {"pid": 0}, OPS)
    watch(b, 0, "alice")
    [(user, _, _, burnt)] = paid(b)
    check(user == alice and burnt == minimum + 1, "a rest above dust, worth exactly m: burnt")
    check(pool(b).withdraw_queue == (), "the request left the queue")
    do(b, CREATE, {"owner": b.account("charlie")}, OPS, events=[])
    do(b, CONTRIBUTE, {"pid": 1, "who": bob, "amount": 10 * U}, OPS)
    price = base_pool.share_price(pool(b, 1))
    check(price is not None and bmul(minimum + 1, price) == minimum, "worth m")
    do(b, WITHDRAW, {"pid": 1, "who": bob, "shares": minimum + 1}, OPS)
    watch(b, 1, "bob")
    check(paid(b) == [(bob, 0, 0, minimum + 1)], "worth exactly the minimum: burnt")
    rest = pool(b, 1).total_shares
    price = base_pool.share_price(pool(b, 1))
    assert price is not None
    keep = int(bmul(rest - 500, price))
    stake_out(b, assets.balance(b.chain, pool(b, 1).pool_account) - keep, pid=1)
    do(b, WITHDRAW, {"pid": 1, "who": bob, "shares": rest}, OPS)
    watch(b, 1, "bob")
    [(_, amount, shares, _)] = paid(b)
    check(amount <= keep and shares == rest, "the dust rest is removed with the shares paid")
    check(pool(b, 1).total_shares == 0, "no share left")


@case(suite=SUITE, handler="transfer", presets=MINIMAL, clauses=("STK-1",))
def wpha_transfer_boundaries(b: CaseBuilder) -> None:
    """A transfer of zero does nothing and returns 0, even to an account that holds no W-PHA
    [STK-1]; a source left with exactly the minimum balance keeps it (only a rest below it goes
    along): alice sends all but the minimum to eve and eve receives exactly that."""
    setup(b)
    alice, eve = b.account("alice"), b.account("eve")
    minimum = b.config.staking.wpha_min_balance
    do(b, TRANSFER, {"source": alice, "dest": eve, "amount": 0}, OPS, events=[])
    check(b.chain.assets.balances.get(eve, 0) == 0, "nothing moved")
    do(
        b,
        TRANSFER,
        {"source": alice, "dest": eve, "amount": 1_000 * U - minimum},
        OPS,
        observe=[("wpha", alice), ("wpha", eve)],
    )
    check(dict(b.last_events[0].fields)["amount"] == 1_000 * U - minimum, "the amount, no rest")
    check(b.chain.assets.balances[alice] == minimum, "alice keeps the minimum")


@case(suite=SUITE, handler="transfer", presets=MINIMAL, clauses=("STK-1", "STK-22", "BAL-14"))
def wpha_supply_reaches_u128_bound(b: CaseBuilder) -> None:
    """W-PHA's u128 bounds [STK-1]: alice is endowed with the whole u128 range, wraps 1,000 PHA and
    contributes them to pool 0, then pays all her other PHA as a reward: the supply and the pool
    account's balance become exactly 2^128 - 1, which is allowed. A transfer of 1 W-PHA from the
    pool account to itself would make its balance one above the bound: `ArithmeticOverflow`.
    Root then sets the W-PHA account's PHA to zero and endows bob, so that PHA no longer backs the
    supply; bob's wrap of 1 PHA would raise the supply above the bound: `ArithmeticOverflow`."""
    b.genesis(balances=[("alice", U128_MAX)])
    b.initialize_block()
    alice, bob = b.account("alice"), b.account("bob")
    do(b, WRAP, {"amount": 1_000 * U}, signed(alice))
    do(b, CREATE, {"owner": b.account("charlie")}, OPS, events=[])
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 1_000 * U}, OPS)
    rest = b.chain.system.accounts[alice].data.free
    do(b, REWARD, {"pid": 0, "source": alice, "amount": rest}, OPS, observe=[("wpha_totals",)])
    account = pool(b).pool_account
    check(b.chain.assets.supply == U128_MAX, "the supply is at the bound")
    check(b.chain.assets.balances[account] == U128_MAX, "so is the pool account's balance")
    do(
        b,
        TRANSFER,
        {"source": account, "dest": account, "amount": 1},
        OPS,
        "Arithmetic.Overflow",
    )
    do(b, "Balances.force_set_balance", {"who": WPHA_ACCOUNT, "new_free": 0}, root())
    do(b, "Balances.force_set_balance", {"who": bob, "new_free": 10 * U}, root())
    do(b, WRAP, {"amount": U}, signed(bob), "Arithmetic.Overflow", observe=[("wpha_totals",)])


# --- the long story [STK-24] ----------------------------------------------------------------


@case(
    suite=SUITE,
    handler="scenario",
    presets=MINIMAL,
    clauses=(
        "STK-14",
        "STK-16",
        "STK-17",
        "STK-18",
        "STK-19",
        "STK-12",
        "STK-4",
        "STK-5",
        "STK-24",
    ),
)
def pool_life(b: CaseBuilder) -> None:
    """Contributions, a reward, stake taken out, queued withdrawals paid by later contributions, dust burnt.

    alice 100 and bob 50 contribute at price 1; a reward of 75 makes the price
    1.5; dave contributes 30 for 20 shares; 150 of the 255 PHA are staked out;
    alice asks for all 100 shares (150 PHA): 105 free pay 70 shares; bob asks
    for 50 shares and waits behind alice; dave contributes 90 (60 shares),
    paying alice's remaining 30 shares (45 PHA) and 30 of bob's shares (45
    PHA); bob asks again for his 20 remaining shares and starts over; the stake comes
    back; bob's last 20 shares are paid; alice unwraps everything.
    """
    setup(b)
    alice, bob, dave = b.account("alice"), b.account("bob"), b.account("dave")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 100 * U}, OPS)
    do(b, CONTRIBUTE, {"pid": 0, "who": bob, "amount": 50 * U}, OPS)
    do(b, REWARD, {"pid": 0, "source": b.account("charlie"), "amount": 75 * U}, OPS)
    do(b, CONTRIBUTE, {"pid": 0, "who": dave, "amount": 30 * U}, OPS)
    watch(b, 0, "alice", "bob", "dave")
    check((pool(b).total_shares, pool(b).total_value) == (170 * U, 255 * U), "price 1.5")
    b.next_block()
    stake_out(b, 150 * U)
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": 100 * U}, OPS)
    check(paid(b) == [(alice, 105 * U, 70 * U, 0)], "105 free PHA pay 70 shares")
    do(b, WITHDRAW, {"pid": 0, "who": bob, "shares": 50 * U}, OPS)
    check(paid(b) == [], "nothing free for bob")
    watch(b, 0, "alice", "bob")
    b.next_block()
    do(b, CONTRIBUTE, {"pid": 0, "who": dave, "amount": 90 * U}, OPS)
    do(b, PROCESS, {"pid": 0}, OPS)
    check(
        sorted(paid(b)) == sorted([(alice, 45 * U, 30 * U, 0), (bob, 45 * U, 30 * U, 0)]),
        "alice's rest, then 30 of bob's shares",
    )
    do(b, WITHDRAW, {"pid": 0, "who": bob, "shares": 20 * U}, OPS)
    watch(b, 0, "alice", "bob", "dave")
    b.next_block()
    do(
        b,
        TRANSFER,
        {"source": b.account("ferdie"), "dest": pool(b).pool_account, "amount": 150 * U},
        OPS,
    )
    do(b, PROCESS, {"pid": 0}, OPS)
    check(paid(b) == [(bob, 30 * U, 20 * U, 0)], "bob's last 20 shares")
    check(pool(b).withdraw_queue == (), "queue empty")
    do(b, UNWRAP_ALL, {}, signed(alice), observe=[("wpha", alice), ("balance", alice)])
    watch(b, 0, "alice", "bob", "dave")
    check(
        (pool(b).total_shares, pool(b).total_value) == (80 * U, 120 * U),
        "dave's 80 shares worth 120",
    )
    b.finalize_block(observe=[("wpha_totals",)])


@case(
    suite=SUITE,
    handler="contribute",
    presets=MINIMAL,
    clauses=("STK-13", "STK-14", "STK-17", "STK-18", "STK-19"),
)
def share_price_down_to_its_last_bits(b: CaseBuilder) -> None:
    """The share price at its two smallest values, 2^-64 and 0 [STK-13], reached through bankruptcy
    and revival, with W-PHA's minimum balance `m` set to 1 planck. Each round, alice (the only
    holder) takes out all but about 990 planck of the value: the rest is dust and becomes 0
    [STK-17] while her remaining shares stay, then a reward of 1 planck revives the pool at about
    a thousandth of the former price [STK-19], and she contributes 2,000 planck more. After seven
    rounds (the last leaving 14 planck) the price is 1 bit, 2^-64: her contribution of 5 planck
    mints 5 * 2^64 shares, `bdiv` by the price [STK-14]. With 2 planck free she asks for shares
    worth 3: the queue removes the shares 2 planck buy, `bdiv(2, price)`, not all of them, pays
    what they are worth (1 planck after the rounding of `bmul`) and burns the rest, worth at most
    `m` [STK-18]. The value left, 5 planck, is dust and becomes 0; a reward of 1 planck
    makes about 2.7 * 2^64 shares worth 1 planck: the price is 0, and dave's contribution at price 0 mints as many shares as planck [STK-14]."""
    setup(b, config={"staking": {"wpha_min_balance": 1}})
    alice = b.account("alice")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 2_000}, OPS)

    def price() -> int:
        bits = base_pool.share_price(pool(b))
        assert bits is not None
        return bits

    def go_bankrupt(rest: int) -> None:
        """Alice takes all but about ``rest`` planck of the value; the rest becomes 0."""
        shares = int(bdiv(pool(b).total_value - rest, price()))
        do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": shares}, OPS)
        check(pool(b).total_value == 0 and pool(b).total_shares > 0, "bankrupt")
        do(b, REWARD, {"pid": 0, "source": b.account("charlie"), "amount": 1}, OPS)

    for rest in (990, 990, 990, 990, 990, 990, 14):
        go_bankrupt(rest)
        if rest != 14:
            do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 2_000}, OPS)
    watch(b, 0, "alice")
    check(price() == 1, "the price is 2^-64")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 5}, OPS)
    check(price() == 1, "still 2^-64")
    watch(b, 0, "alice")
    stake_out(b, assets.balance(b.chain, pool(b).pool_account) - 2)
    asked = next(n for n in range(3 << 64, 5 << 64, 1 << 56) if bmul(n, price()) == 3)
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": asked}, OPS)
    [(_, amount, shares, burnt)] = paid(b)
    bought = int(bdiv(2, 1))
    check(shares == bought and amount == bmul(bought, 1) == 1, "the shares 2 planck buy, worth 1")
    check(shares + burnt == asked, "the rest is burnt")
    watch(b, 0, "alice")
    check(pool(b).total_value == 0, "the value left, 5 planck, is dust: bankrupt again")
    do(b, REWARD, {"pid": 0, "source": b.account("charlie"), "amount": 1}, OPS)
    check(price() == 0, "the price is 0")
    do(b, CONTRIBUTE, {"pid": 0, "who": b.account("dave"), "amount": U}, OPS)
    watch(b, 0, "alice", "dave")
    check(base_pool.shares_of(b.chain, pool(b), b.account("dave")) == U, "as many shares as planck")
