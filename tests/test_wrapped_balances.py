"""W-PHA [STK-1]..[STK-9] and voting with it [STK-27]..[STK-29]: expectations derived from the
rules of spec/staking.md."""

from __future__ import annotations

from typing import Any

import pytest

from phala_spec.chain.democracy_state import Direct, Finished, Split
from phala_spec.chain.state import BlockContext, ChainState, PalletOrigin, Root, Signed
from phala_spec.pallets.balances.accounts import free_balance
from phala_spec.pallets.staking import assets, wrapped_balances
from phala_spec.primitives.codec import twox_64_concat
from phala_spec.runtime.block import apply_call, finalize_block, initialize_block
from phala_spec.runtime.calls import decode_call
from phala_spec.runtime.genesis import UNIT, dev_account, genesis

ALICE, BOB, CHARLIE = dev_account("alice"), dev_account("bob"), dev_account("charlie")
DAVE, EVE = dev_account("dave"), dev_account("eve")
WPHA = wrapped_balances.WPHA_ACCOUNT
ERR = "PhalaWrappedBalances."
OPS = PalletOrigin("Caller")
MIN = 100  # minimal's W-PHA minimum balance [STK-2]


def chain(**config: Any) -> ChainState:
    state = genesis(
        "minimal",
        {
            "balances": [[n, 1_000 * UNIT] for n in ("alice", "bob", "charlie", "dave")],
            "config": config,
        },
    )
    return initialize_block(state, BlockContext(1, 12_000))[0]


def run(
    state: ChainState, origin: Any, name: str, **args: Any
) -> tuple[ChainState, str, list[str]]:
    result = apply_call(state, origin, name, args)
    return result.state, result.outcome, [e.name for e in result.events]


def test_wpha_account_is_the_padded_name() -> None:
    assert b"wpha/" + bytes(27) == wrapped_balances.WPHA_ACCOUNT


def test_wrap_moves_pha_and_mints_one_to_one() -> None:
    state, outcome, events = run(
        chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=10 * UNIT
    )
    assert outcome == "ok"
    assert free_balance(state, ALICE) == 990 * UNIT
    assert free_balance(state, wrapped_balances.WPHA_ACCOUNT) == 10 * UNIT
    assert assets.balance(state, ALICE) == 10 * UNIT and assets.supply(state) == 10 * UNIT
    assert wrapped_balances.staker_account(state, ALICE) is not None
    assert events[-2:] == ["Assets.Issued", "PhalaWrappedBalances.Wrapped"]


def test_wrap_below_minimum_takes_the_pha_and_records_dust() -> None:
    state, outcome, events = run(
        chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=MIN - 1
    )
    assert outcome == "ok" and "Assets.Issued" not in events
    assert assets.balance(state, ALICE) == 0 and assets.supply(state) == 0
    assert state.wrapped_balances.unmintable_dust == MIN - 1
    assert free_balance(state, wrapped_balances.WPHA_ACCOUNT) == MIN - 1


def test_wrap_keeps_the_caller_alive() -> None:
    _, outcome, _ = run(chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=1_000 * UNIT)
    assert outcome == "Token.NotExpendable"


def test_unwrap_is_bounded_by_free_wpha_and_lock() -> None:
    state, _, _ = run(chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=10 * UNIT)
    _, outcome, _ = run(state, Signed(ALICE), "PhalaWrappedBalances.unwrap", amount=10 * UNIT + 1)
    assert outcome == ERR + "UnwrapAmountExceedsAvaliableStake"
    state, index = referendum(state)
    locked = ok(state, ALICE, "vote", aye_amount=3 * UNIT, nay_amount=UNIT, vote_id=index)
    _, outcome, _ = run(locked, Signed(ALICE), "PhalaWrappedBalances.unwrap", amount=6 * UNIT + 1)
    assert outcome == ERR + "UnwrapAmountExceedsAvaliableStake"
    after, outcome, _ = run(locked, Signed(ALICE), "PhalaWrappedBalances.unwrap_all")
    assert outcome == "ok" and assets.balance(after, ALICE) == 4 * UNIT
    assert free_balance(after, ALICE) == 996 * UNIT


def test_unwrap_burns_a_rest_below_the_minimum_and_keeps_its_pha() -> None:
    state, _, _ = run(chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=10 * UNIT)
    after, outcome, _ = run(
        state, Signed(ALICE), "PhalaWrappedBalances.unwrap", amount=10 * UNIT - (MIN - 1)
    )
    assert outcome == "ok"
    assert assets.balance(after, ALICE) == 0 and assets.supply(after) == 0
    # only the amount asked is paid back; the rest's PHA stays behind the (now empty) supply [STK-9]
    assert free_balance(after, wrapped_balances.WPHA_ACCOUNT) == MIN - 1


def test_net_value_counts_pool_shares_at_the_price() -> None:
    state, _, _ = run(chain(), Signed(ALICE), "PhalaWrappedBalances.wrap", amount=100 * UNIT)
    state, _, _ = run(state, OPS, "BasePool.create", owner=CHARLIE)
    state, outcome, _ = run(state, OPS, "BasePool.contribute", pid=0, who=ALICE, amount=60 * UNIT)
    assert outcome == "ok"
    assert wrapped_balances.net_value(state, ALICE) == 100 * UNIT
    # a reward of 30 PHA on 60 PHA of shares: the price is exactly 1.5
    state, outcome, _ = run(
        state, OPS, "BasePool.distribute_reward", pid=0, source=BOB, amount=30 * UNIT
    )
    assert outcome == "ok"
    assert wrapped_balances.net_value(state, ALICE) == 40 * UNIT + 90 * UNIT
    # unwrap_all only takes the free W-PHA
    state, outcome, _ = run(state, Signed(ALICE), "PhalaWrappedBalances.unwrap_all")
    assert outcome == "ok" and assets.balance(state, ALICE) == 0
    assert wrapped_balances.net_value(state, ALICE) == 90 * UNIT


# --- voting [STK-7] [STK-27]..[STK-29] ---------------------------------------------------


def referendum(state: ChainState, voting_period: int = 3, value: int = 1) -> tuple[ChainState, int]:
    """Root fast-tracks a simple-majority referendum [DEM-15] [DEM-16]; the state and its index."""
    call = {
        "call": "Balances.force_transfer",
        "args": {"source": CHARLIE, "dest": BOB, "value": value},
    }
    state, outcome, _ = run(state, Root(), "Democracy.external_propose_majority", proposal=call)
    assert outcome == "ok"
    state, outcome, _ = run(
        state,
        Root(),
        "Democracy.fast_track",
        proposal_hash=decode_call(call).hash,
        voting_period=voting_period,
        delay=0,
    )
    assert outcome == "ok"
    return state, state.democracy.referendum_count - 1


def ok(state: ChainState, who: bytes, call: str, **args: Any) -> ChainState:
    state, outcome, _ = run(state, Signed(who), f"PhalaWrappedBalances.{call}", **args)
    assert outcome == "ok", outcome
    return state


def voters_chain() -> tuple[ChainState, int]:
    """Alice, bob and dave wrap 100 PHA each; one referendum is ongoing."""
    state = chain()
    for who in (ALICE, BOB, DAVE):
        state = ok(state, who, "wrap", amount=100 * UNIT)
    return referendum(state)


def until(state: ChainState, number: int) -> ChainState:
    while state.system.block.number < number:
        state = finalize_block(state)[0]
        n = state.system.block.number + 1
        state = initialize_block(state, BlockContext(n, n * 12_000))[0]
    return state


def locked(state: ChainState, who: bytes) -> int:
    account = wrapped_balances.staker_account(state, who)
    assert account is not None
    return account.locked


def wpha_democracy_vote(state: ChainState, index: int) -> Any:
    record = state.democracy.voting_of.get(WPHA, Direct())
    assert isinstance(record, Direct)
    return dict(record.votes).get(index)


def test_vote_casts_one_split_vote_of_the_sums() -> None:
    state, index = voters_chain()
    state = ok(state, ALICE, "vote", aye_amount=60 * UNIT, nay_amount=0, vote_id=index)
    state, outcome, events = run(
        state, Signed(BOB), ERR + "vote", aye_amount=5 * UNIT, nay_amount=20 * UNIT, vote_id=index
    )
    assert outcome == "ok"
    assert events == ["Democracy.Voted", "Balances.Locked", ERR + "Voted"]
    assert wpha_democracy_vote(state, index) == Split(65 * UNIT, 20 * UNIT)
    tally = state.democracy.referendum_info[index].tally
    # a split vote: a tenth of each side, the whole sum as turnout [DEM-8]
    assert (tally.ayes, tally.nays, tally.turnout) == (65 * UNIT // 10, 2 * UNIT, 85 * UNIT)
    assert (locked(state, ALICE), locked(state, BOB)) == (60 * UNIT, 25 * UNIT)


def test_locked_is_the_largest_active_vote() -> None:
    state, first = voters_chain()
    state, second = referendum(state, voting_period=6, value=2)
    state = ok(state, ALICE, "vote", aye_amount=30 * UNIT, nay_amount=0, vote_id=first)
    state = ok(state, ALICE, "vote", aye_amount=0, nay_amount=70 * UNIT, vote_id=second)
    assert locked(state, ALICE) == 70 * UNIT
    # a new vote on the same referendum replaces the old one, and may lower the lock
    state = ok(state, ALICE, "vote", aye_amount=10 * UNIT, nay_amount=10 * UNIT, vote_id=second)
    assert locked(state, ALICE) == 30 * UNIT
    assert wpha_democracy_vote(state, second) == Split(10 * UNIT, 10 * UNIT)
    # the first referendum ends; its vote keeps locking until it is unlocked
    state = until(state, 4)
    assert isinstance(state.democracy.referendum_info[first], Finished)
    assert locked(state, ALICE) == 30 * UNIT
    state = ok(state, BOB, "unlock", vote_id=first, max_iterations=1)
    assert locked(state, ALICE) == 20 * UNIT
    assert first not in state.wrapped_balances.votes


@pytest.mark.parametrize(
    ("who", "vote_id", "aye", "outcome"),
    [
        # an unknown referendum comes before the staker account and the amount
        (EVE, 5, 10**6 * UNIT, ERR + "ReferendumInvalid"),
        (ALICE, 5, 10**6 * UNIT, ERR + "ReferendumInvalid"),
        # no staker account comes before the amount
        (EVE, 0, 10**6 * UNIT, ERR + "StakerAccountNotFound"),
        (ALICE, 0, 100 * UNIT + 1, ERR + "VoteAmountLargerThanTotalStakes"),
        (ALICE, 0, 100 * UNIT, "ok"),
    ],
)
def test_vote_checks_in_order(who: bytes, vote_id: int, aye: int, outcome: str) -> None:
    state, index = voters_chain()
    assert index == 0
    after, got, _ = run(
        state, Signed(who), ERR + "vote", aye_amount=aye, nay_amount=0, vote_id=vote_id
    )
    assert got == outcome
    if outcome != "ok":
        assert after is state
    _, got, _ = run(state, Root(), ERR + "vote", aye_amount=aye, nay_amount=0, vote_id=vote_id)
    assert got == "BadOrigin"


def test_democracy_errors_come_after_wphas_own() -> None:
    """Minimal lets an account vote on three referenda: the W-PHA account's fourth vote fails in
    democracy, after W-PHA's own checks passed [STK-27] [DEM-9]."""
    state, first = voters_chain()
    indexes = [first]
    for value in (2, 3, 4):
        state, index = referendum(state, value=value)
        indexes.append(index)
    for index in indexes[:3]:
        state = ok(state, ALICE, "vote", aye_amount=UNIT, nay_amount=0, vote_id=index)
    vote = ERR + "vote"
    _, outcome, _ = run(
        state, Signed(BOB), vote, aye_amount=101 * UNIT, nay_amount=0, vote_id=indexes[3]
    )
    assert outcome == ERR + "VoteAmountLargerThanTotalStakes"
    _, outcome, _ = run(state, Signed(BOB), vote, aye_amount=UNIT, nay_amount=0, vote_id=indexes[3])
    assert outcome == "Democracy.MaxVotesReached"


@pytest.mark.parametrize(
    ("max_iterations", "ongoing", "outcome"),
    [
        (0, True, ERR + "IterationsIsNotVaild"),
        (101, True, ERR + "IterationsIsNotVaild"),
        (1, True, ERR + "ReferendumOngoing"),
        (100, True, ERR + "ReferendumOngoing"),
        (0, False, ERR + "IterationsIsNotVaild"),
        (101, False, ERR + "IterationsIsNotVaild"),
        (1, False, "ok"),
        (100, False, "ok"),
    ],
)
def test_unlock_checks_in_order(max_iterations: int, ongoing: bool, outcome: str) -> None:
    state, index = voters_chain()
    state = ok(state, ALICE, "vote", aye_amount=UNIT, nay_amount=0, vote_id=index)
    if not ongoing:
        state = until(state, 4)
    after, got, events = run(
        state, Signed(EVE), ERR + "unlock", vote_id=index, max_iterations=max_iterations
    )
    assert got == outcome and events == []
    if outcome != "ok":
        assert after is state
    else:
        assert locked(after, ALICE) == 0


def test_unlock_releases_in_storage_order() -> None:
    """Records are released in the order of their Twox64Concat keys, not of the account ids
    [STK-29] [CRYPTO-17]."""
    state, index = voters_chain()
    for who in (ALICE, BOB, DAVE):
        state = ok(state, who, "vote", aye_amount=UNIT, nay_amount=0, vote_id=index)
    state = until(state, 4)
    order = sorted((ALICE, BOB, DAVE), key=twox_64_concat)
    assert order != sorted((ALICE, BOB, DAVE))  # the two orders differ for these accounts
    for released in range(1, 4):
        state = ok(state, EVE, "unlock", vote_id=index, max_iterations=1)
        assert [who for who in order if locked(state, who) == 0] == order[:released]
    assert index not in state.wrapped_balances.votes


def test_unknown_or_empty_referendum_unlocks_nothing() -> None:
    state, index = voters_chain()
    state = until(state, 4)
    for vote_id in (index, 7):
        after, outcome, events = run(
            state, Signed(EVE), ERR + "unlock", vote_id=vote_id, max_iterations=1
        )
        assert (outcome, events) == ("ok", []) and after == state


def test_unlock_leaves_the_wpha_accounts_democracy_vote() -> None:
    """W-PHA's unlock does not touch democracy: the W-PHA account's vote and its lock stay until
    democracy's remove_other_vote and unlock; meanwhile its PHA is frozen up to the lock [STK-28]."""
    state, index = voters_chain()
    state = ok(state, ALICE, "vote", aye_amount=100 * UNIT, nay_amount=0, vote_id=index)
    state = ok(state, BOB, "vote", aye_amount=0, nay_amount=100 * UNIT, vote_id=index)
    state = until(state, 4)
    state = ok(state, EVE, "unlock", vote_id=index, max_iterations=100)
    assert wpha_democracy_vote(state, index) == Split(100 * UNIT, 100 * UNIT)
    state = ok(state, ALICE, "unwrap_all")
    # 200 PHA are left behind bob's and dave's W-PHA, all of them frozen by democracy's lock
    assert free_balance(state, WPHA) == 200 * UNIT
    _, outcome, _ = run(state, Signed(BOB), ERR + "unwrap", amount=UNIT)
    assert outcome == "Token.Frozen"
    for call, args in (
        ("Democracy.remove_other_vote", {"target": WPHA, "index": index}),
        ("Democracy.unlock", {"target": WPHA}),
    ):
        state, outcome, _ = run(state, Signed(EVE), call, **args)
        assert outcome == "ok"
    assert state.balances.locks.get(WPHA) is None
    ok(state, BOB, "unwrap_all")
