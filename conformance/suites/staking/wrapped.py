"""W-PHA: wrapping, unwrapping and the unmintable dust [STK-1]..[STK-9]."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.suites.staking.common import (
    BOTH,
    CONTRIBUTE,
    MINIMAL,
    OPS,
    SUITE,
    TRANSFER,
    UNWRAP,
    UNWRAP_ALL,
    WRAP,
    U,
    referendum,
    setup,
    vote,
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


@case(suite=SUITE, handler="unwrap", presets=MINIMAL, clauses=("STK-5", "STK-7", "STK-4", "STK-27"))
def unwrap_limits_and_their_order(b: CaseBuilder) -> None:
    """Unwrap is bounded by free W-PHA and by net value less the lock of the caller's votes;
    BadOrigin comes first; a new vote on the same referendum replaces the lock."""
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
    vote_id = referendum(b, voting_period=5)
    vote(b, "alice", vote_id, aye=200 * U, nay=100 * U)
    b.observe("wpha", alice)
    check(b.chain.wrapped_balances.staker_accounts[alice].locked == 300 * U, "aye + nay locked")
    do(
        b,
        UNWRAP,
        {"amount": 700 * U + 1},
        signed(alice),
        "PhalaWrappedBalances.UnwrapAmountExceedsAvaliableStake",
    )
    do(b, UNWRAP, {"amount": 700 * U}, signed(alice), observe=[("wpha", alice)])
    # voting nothing on the same referendum replaces the vote: nothing is locked any more
    vote(b, "alice", vote_id, aye=0, nay=0)
    check(b.chain.wrapped_balances.staker_accounts[alice].locked == 0, "the lock follows the vote")
    # shares in a pool count in the net value but cannot be unwrapped: free W-PHA bounds it
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 200 * U}, OPS)
    do(
        b,
        UNWRAP,
        {"amount": 100 * U + 1},
        signed(alice),
        "PhalaWrappedBalances.UnwrapAmountExceedsAvaliableStake",
        observe=[("wpha", alice)],
    )


@case(suite=SUITE, handler="unwrap", presets=MINIMAL, clauses=("STK-5", "STK-4", "STK-7"))
def unwrap_without_a_staker_account(b: CaseBuilder) -> None:
    """Eve never wrapped: she holds W-PHA only by a transfer, so she has no staker account, no
    lock and no invest pools. She may unwrap exactly what she holds (her net value is her
    free W-PHA, her lock 0); one unit more is `UnwrapAmountExceedsAvaliableStake`."""
    setup(b)
    alice, eve = b.account("alice"), b.account("eve")
    do(b, TRANSFER, {"source": alice, "dest": eve, "amount": 300 * U}, OPS)
    check(eve not in b.chain.wrapped_balances.staker_accounts, "no staker account")
    do(
        b,
        UNWRAP,
        {"amount": 300 * U + 1},
        signed(eve),
        "PhalaWrappedBalances.UnwrapAmountExceedsAvaliableStake",
    )
    do(b, UNWRAP, {"amount": 300 * U}, signed(eve), observe=[("wpha", eve), ("balance", eve)])


@case(suite=SUITE, handler="unwrap", presets=MINIMAL, clauses=("STK-5", "STK-1"))
def unwrap_zero_and_one(b: CaseBuilder) -> None:
    """Unwrapping zero burns nothing: only a PHA `Transfer` of 0 and `Unwrapped` [STK-5] [STK-1];
    unwrapping one planck burns exactly it (alice keeps far more than the minimum)."""
    setup(b)
    alice = b.account("alice")
    do(
        b,
        UNWRAP,
        {"amount": 0},
        signed(alice),
        events=["Balances.Transfer", "PhalaWrappedBalances.Unwrapped"],
    )
    do(b, UNWRAP, {"amount": 1}, signed(alice), observe=[("wpha", alice), ("wpha_totals",)])
    check(b.last_events[0].name == "Assets.Burned", "the planck is burnt")
    check(dict(b.last_events[0].fields)["balance"] == 1, "exactly one planck")


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


@case(
    suite=SUITE, handler="unwrap_all", presets=BOTH, clauses=("STK-5", "STK-4", "STK-7", "STK-27")
)
def unwrap_all_takes_what_is_free_and_unlocked(b: CaseBuilder) -> None:
    """unwrap_all unwraps min(net value - locked, free W-PHA); pool shares count in the net value
    a vote may use."""
    setup(b)
    alice = b.account("alice")
    do(b, CONTRIBUTE, {"pid": 0, "who": alice, "amount": 600 * U}, OPS)
    vote_id = referendum(b, voting_period=5)
    # 400 free W-PHA and 600 in the pool at price 1: a net value of 1000 to vote with
    vote(b, "alice", vote_id, aye=900 * U, nay=0)
    do(b, UNWRAP_ALL, {}, signed(alice), observe=[("wpha", alice), ("balance", alice)])
    check(dict(b.last_events[-1].fields)["amount"] == 100 * U, "1000 - 900 unwrapped")
    vote(b, "alice", vote_id, aye=0, nay=0)
    do(b, UNWRAP_ALL, {}, signed(alice), observe=[("wpha", alice), ("balance", alice)])
    check(dict(b.last_events[-1].fields)["amount"] == 300 * U, "the rest of the free W-PHA")
