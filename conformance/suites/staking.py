"""Authored vectors for W-PHA and the base pool [STK-1]..[STK-24].

Every expectation is derived from spec/staking.md, not read off the
reference: amounts are whole PHA where the fixed-point conversions are exact
(``to_fixed(n PHA) = n << 64``), so prices such as 1.5 and the shares and
payouts they give follow from the rules by hand; the builder checks them at
generation time. ``u`` is one PHA. The cast: alice, bob and dave wrap 1,000
PHA each; charlie owns the pools and pays the rewards; ferdie stands for a
stake pool's lock account (W-PHA moved out of a pool with ``Assets.transfer``,
as a stake pool does when it stakes a worker).

Handlers: the call name without the pallet; ``scenario`` holds the long story.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phala_spec.chain.staking_state import BasePool
from phala_spec.conformance.authoring import AuthoringError, CaseBuilder, case, pallet, root, signed
from phala_spec.pallets.staking import base_pool
from phala_spec.runtime.genesis import UNIT

SUITE = "staking"
MINIMAL = ("minimal",)
BOTH = ("minimal", "phala")
OPS = pallet("Caller")
U = UNIT
PRICE_1_5 = 3 << 63

WRAP = "PhalaWrappedBalances.wrap"
UNWRAP = "PhalaWrappedBalances.unwrap"
UNWRAP_ALL = "PhalaWrappedBalances.unwrap_all"
SET_LOCKED = "PhalaWrappedBalances.set_locked"
TRANSFER = "Assets.transfer"
CREATE = "BasePool.create"
CONTRIBUTE = "BasePool.contribute"
WITHDRAW = "BasePool.withdraw"
PROCESS = "BasePool.process_withdraw_queue"
REWARD = "BasePool.distribute_reward"


# --- helpers -----------------------------------------------------------------------


def check(condition: bool, message: str) -> None:
    """A fill-time check derived from the rules."""
    if not condition:
        raise AuthoringError(message)


def do(
    b: CaseBuilder,
    call: str,
    args: dict[str, Any],
    origin: dict[str, Any],
    outcome: str = "ok",
    events: Sequence[str] | None = None,
    observe: Sequence[Sequence[Any]] = (),
) -> None:
    """Apply a call; check its outcome and (names, in order) its events."""
    b.call(call, args, origin=origin, observe=observe)
    b.expect_outcome(outcome)
    if events is not None:
        got = [e.name for e in b.last_events]
        check(got == list(events), f"{call}: events {got}, the rules give {list(events)}")


def setup(b: CaseBuilder, wrapped: int = 1_000) -> None:
    """Alice, bob, charlie and dave hold 10,000 PHA; alice, bob and dave wrap ``wrapped`` PHA; charlie's pool 0."""
    b.genesis(balances=[(name, 10_000 * U) for name in ("alice", "bob", "charlie", "dave")])
    b.initialize_block()
    for name in ("alice", "bob", "dave"):
        if wrapped:
            do(b, WRAP, {"amount": wrapped * U}, signed(name))
    do(b, CREATE, {"owner": b.account("charlie")}, OPS, events=[])


def pool(b: CaseBuilder, pid: int = 0) -> BasePool:
    return base_pool.get_basepool(b.chain, pid)


def watch(b: CaseBuilder, pid: int = 0, *names: str) -> None:
    """Observe the pool and the W-PHA view of each named account."""
    b.observe("base_pool", pid)
    for name in names:
        b.observe("wpha", b.account(name))
        b.observe("pool_shares", pid, b.account(name))


def paid(b: CaseBuilder) -> list[tuple[bytes, int, int, int]]:
    """The ``Withdrawal`` events of the last step as ``(user, amount, shares, burnt_shares)``."""
    return [
        (f["user"], f["amount"], f["shares"], f["burnt_shares"])
        for f in (dict(e.fields) for e in b.last_events if e.name == "PhalaBasePool.Withdrawal")
    ]


def stake_out(b: CaseBuilder, amount: int, pid: int = 0) -> None:
    """Move ``amount`` W-PHA out of the pool account (a stake pool staking a worker)."""
    do(
        b,
        TRANSFER,
        {"source": pool(b, pid).pool_account, "dest": b.account("ferdie"), "amount": amount},
        OPS,
    )


# --- W-PHA [STK-1]..[STK-9] ---------------------------------------------------------


@case(suite=SUITE, handler="wrap", presets=BOTH, clauses=("STK-5", "STK-1", "STK-3"))
def wrap_mints_one_to_one(b: CaseBuilder) -> None:
    """Wrapping moves PHA to the W-PHA account, mints as much W-PHA and creates the staker account."""
    setup(b, wrapped=0)
    alice = b.account("alice")
    do(
        b,
        WRAP,
        {"amount": 25 * U},
        signed(alice),
        events=[
            "System.NewAccount",
            "Balances.Endowed",
            "Balances.Transfer",
            "Assets.Issued",
            "PhalaWrappedBalances.Wrapped",
        ],
        observe=[("wpha", alice), ("wpha_totals",), ("balance", alice)],
    )
    check(b.chain.wrapped_balances.staker_accounts[alice].invest_pools == (), "new staker account")


@case(suite=SUITE, handler="wrap", presets=MINIMAL, clauses=("STK-5", "STK-6", "STK-9"))
def wrap_below_minimum_is_unmintable_dust(b: CaseBuilder) -> None:
    """Wrapping less than W-PHA's minimum balance takes the PHA, mints nothing and records unmintable dust."""
    setup(b, wrapped=0)
    minimum = b.config.staking.wpha_min_balance
    do(
        b,
        WRAP,
        {"amount": minimum - 1},
        signed("alice"),
        events=[
            "System.NewAccount",
            "Balances.Endowed",
            "Balances.Transfer",
            "PhalaWrappedBalances.Wrapped",
        ],
        observe=[("wpha", b.account("alice")), ("wpha_totals",)],
    )
    check(b.chain.wrapped_balances.unmintable_dust == minimum - 1, "dust recorded")
    # a holder may then wrap a smaller amount: only a new holder must reach the minimum
    do(b, WRAP, {"amount": minimum}, signed("alice"))
    do(
        b,
        WRAP,
        {"amount": 1},
        signed("alice"),
        events=["Balances.Transfer", "Assets.Issued", "PhalaWrappedBalances.Wrapped"],
        observe=[("wpha", b.account("alice")), ("wpha_totals",)],
    )


@case(suite=SUITE, handler="wrap", presets=BOTH, clauses=("STK-5", "BAL-11"))
def wrap_errors(b: CaseBuilder) -> None:
    """Wrapping keeps the caller alive (Token.NotExpendable), needs the funds, and a signed origin."""
    setup(b, wrapped=0)
    do(b, WRAP, {"amount": 10_000 * U}, signed("alice"), "Token.NotExpendable")
    do(b, WRAP, {"amount": 10_001 * U}, signed("alice"), "Token.FundsUnavailable")
    do(b, WRAP, {"amount": U}, root(), "BadOrigin")


@case(suite=SUITE, handler="unwrap", presets=BOTH, clauses=("STK-5", "STK-1"))
def unwrap_pays_back(b: CaseBuilder) -> None:
    """Unwrapping burns W-PHA and pays the PHA back from the W-PHA account."""
    setup(b)
    alice = b.account("alice")
    do(
        b,
        UNWRAP,
        {"amount": 400 * U},
        signed(alice),
        events=["Assets.Burned", "Balances.Transfer", "PhalaWrappedBalances.Unwrapped"],
        observe=[("wpha", alice), ("balance", alice), ("wpha_totals",)],
    )


@case(suite=SUITE, handler="unwrap", presets=MINIMAL, clauses=("STK-5", "STK-7", "STK-4"))
def unwrap_limits_and_their_order(b: CaseBuilder) -> None:
    """Unwrap is bounded by free W-PHA and by net value less the lock; BadOrigin comes first."""
    setup(b)
    alice = b.account("alice")
    do(
        b,
        UNWRAP,
        {"amount": 1_000 * U + 1},
        signed(alice),
        "PhalaWrappedBalances.UnwrapAmountExceedsAvaliableStake",
    )
    do(b, UNWRAP, {"amount": 1_000 * U + 1}, root(), "BadOrigin")
    do(b, SET_LOCKED, {"who": alice, "amount": 300 * U}, signed(alice), "BadOrigin")
    do(b, SET_LOCKED, {"who": alice, "amount": 300 * U}, OPS, observe=[("wpha", alice)])
    do(
        b,
        UNWRAP,
        {"amount": 700 * U + 1},
        signed(alice),
        "PhalaWrappedBalances.UnwrapAmountExceedsAvaliableStake",
    )
    do(b, UNWRAP, {"amount": 700 * U}, signed(alice), observe=[("wpha", alice)])
    # shares in a pool count in the net value but cannot be unwrapped: free W-PHA bounds it
    do(b, SET_LOCKED, {"who": alice, "amount": 0}, OPS)
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 200 * U}, OPS)
    do(
        b,
        UNWRAP,
        {"amount": 100 * U + 1},
        signed(alice),
        "PhalaWrappedBalances.UnwrapAmountExceedsAvaliableStake",
        observe=[("wpha", alice)],
    )


@case(suite=SUITE, handler="unwrap", presets=MINIMAL, clauses=("STK-5", "STK-1", "STK-9"))
def unwrap_burns_a_rest_below_minimum(b: CaseBuilder) -> None:
    """A W-PHA rest below the minimum balance is burnt with the amount; its PHA stays in the W-PHA account."""
    setup(b)
    alice = b.account("alice")
    minimum = b.config.staking.wpha_min_balance
    do(
        b,
        UNWRAP,
        {"amount": 1_000 * U - (minimum - 1)},
        signed(alice),
        observe=[("wpha", alice), ("wpha_totals",)],
    )
    burnt = dict(b.last_events[0].fields)["balance"]
    check(burnt == 1_000 * U, "the whole balance is burnt")


@case(suite=SUITE, handler="unwrap_all", presets=BOTH, clauses=("STK-5", "STK-4", "STK-7"))
def unwrap_all_takes_what_is_free_and_unlocked(b: CaseBuilder) -> None:
    """unwrap_all unwraps min(net value - locked, free W-PHA)."""
    setup(b)
    alice = b.account("alice")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 600 * U}, OPS)
    do(b, SET_LOCKED, {"who": alice, "amount": 900 * U}, OPS)
    do(b, UNWRAP_ALL, {}, signed(alice), observe=[("wpha", alice), ("balance", alice)])
    check(dict(b.last_events[-1].fields)["amount"] == 100 * U, "1000 - 900 unwrapped")
    do(b, SET_LOCKED, {"who": alice, "amount": 0}, OPS)
    do(b, UNWRAP_ALL, {}, signed(alice), observe=[("wpha", alice), ("balance", alice)])
    check(dict(b.last_events[-1].fields)["amount"] == 300 * U, "the rest of the free W-PHA")


# --- the base pool [STK-10]..[STK-22] --------------------------------------------------


@case(suite=SUITE, handler="create", presets=BOTH, clauses=("STK-11", "STK-22"))
def create_takes_shared_ids(b: CaseBuilder) -> None:
    """Pools take pids from PoolCount and collection ids from 10000; the pool account is derived."""
    setup(b)
    b.observe("base_pool", 0)
    do(b, CREATE, {"owner": b.account("alice")}, OPS, observe=[("base_pool", 1)])
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
    """PoolNotExist first; then the W-PHA transfer: missing funds, a new pool account below the minimum."""
    setup(b)
    charlie = b.account("charlie")
    do(b, CONTRIBUTE, {"pid": 5, "who": charlie, "amount": U}, OPS, "PhalaBasePool.PoolNotExist")
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
    PoolBankrupt is checked before the funds.
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
    """PoolNotExist, NftIdNotFound (no record), InvalidShareToWithdraw (more than held), BadOrigin."""
    setup(b)
    alice = b.account("alice")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 10 * U}, OPS)
    do(
        b,
        WITHDRAW,
        {"pid": 3, "who": b.account("bob"), "shares": 1},
        OPS,
        "PhalaBasePool.PoolNotExist",
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
    b.finalize_block()
    b.initialize_block()
    do(b, WITHDRAW, {"pid": 0, "who": bob, "shares": 10 * U}, OPS)
    b.finalize_block()
    b.initialize_block()
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
    do(b, PROCESS, {"pid": 1}, OPS, "PhalaBasePool.PoolNotExist")
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
        "PhalaBasePool.PoolNotExist",
    )
    do(b, REWARD, {"pid": 0, "source": b.account("charlie"), "amount": U}, root(), "BadOrigin")


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
    b.finalize_block()

    b.initialize_block()
    stake_out(b, 150 * U)
    do(b, WITHDRAW, {"pid": 0, "who": alice, "shares": 100 * U}, OPS)
    check(paid(b) == [(alice, 105 * U, 70 * U, 0)], "105 free PHA pay 70 shares")
    do(b, WITHDRAW, {"pid": 0, "who": bob, "shares": 50 * U}, OPS)
    check(paid(b) == [], "nothing free for bob")
    watch(b, 0, "alice", "bob")
    b.finalize_block()

    b.initialize_block()
    do(b, CONTRIBUTE, {"pid": 0, "who": dave, "amount": 90 * U}, OPS)
    do(b, PROCESS, {"pid": 0}, OPS)
    check(
        sorted(paid(b)) == sorted([(alice, 45 * U, 30 * U, 0), (bob, 45 * U, 30 * U, 0)]),
        "alice's rest, then 30 of bob's shares",
    )
    do(b, WITHDRAW, {"pid": 0, "who": bob, "shares": 20 * U}, OPS)
    watch(b, 0, "alice", "bob", "dave")
    b.finalize_block()

    b.initialize_block()
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
