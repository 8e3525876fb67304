"""The base pool [STK-10]..[STK-24]: worked numbers derived from the rules of spec/staking.md.

Amounts are whole PHA where the fixed-point conversions are exact
(``to_fixed(n PHA) = n << 64``), so the expected numbers follow from the
rules by hand: a price of 1.5 is ``3 << 63``.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from phala_spec.chain.staking_state import BasePool
from phala_spec.chain.state import BlockContext, ChainState, PalletOrigin, Signed
from phala_spec.pallets.staking import assets, base_pool, wrapped_balances
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.fixed import bdiv, bmul
from phala_spec.runtime.block import apply_call, initialize_block
from phala_spec.runtime.genesis import UNIT, dev_account, genesis

ALICE, BOB, CHARLIE, DAVE = (dev_account(n) for n in ("alice", "bob", "charlie", "dave"))
OPS = PalletOrigin("Caller")
MIN = 100


def chain(timestamp: int = 12_000) -> ChainState:
    state = genesis(
        "minimal", {"balances": [[n, 10_000 * UNIT] for n in ("alice", "bob", "charlie", "dave")]}
    )
    state = initialize_block(state, BlockContext(1, timestamp))[0]
    for who in (ALICE, BOB, DAVE):
        state = ok(state, Signed(who), "PhalaWrappedBalances.wrap", amount=1_000 * UNIT)
    return ok(state, OPS, "BasePool.create", owner=CHARLIE)


def call(state: ChainState, origin: Any, name: str, **args: Any) -> Any:
    return apply_call(state, origin, name, args)


def ok(state: ChainState, origin: Any, name: str, **args: Any) -> ChainState:
    result = call(state, origin, name, **args)
    assert result.outcome == "ok", result.outcome
    return result.state


def pool(state: ChainState, pid: int = 0) -> BasePool:
    return base_pool.get_basepool(state, pid)


def shares(state: ChainState, who: bytes, pid: int = 0) -> int:
    return base_pool.shares_of(state, pool(state, pid), who)


def records_total(state: ChainState, pid: int = 0) -> int:
    return sum(r.shares for r in state.base_pool.records[pool(state, pid).cid].values())


def next_block(state: ChainState, seconds: int) -> ChainState:
    block = state.system.block
    return attrs.evolve(
        state,
        system=attrs.evolve(
            state.system, block=BlockContext(block.number + 1, block.timestamp + seconds * 1000)
        ),
    )


def test_pool_account_and_ids() -> None:
    state = chain()
    p = pool(state)
    assert (p.pid, p.cid) == (0, 10_000)
    assert p.pool_account == b"bp/" + blake2b_256((0).to_bytes(8, "little") + CHARLIE)[:29]
    state, pid = base_pool.create_pool(state, CHARLIE)
    assert (
        pid == 1 and pool(state, 1).cid == 10_001 and pool(state, 1).pool_account != p.pool_account
    )


def test_dust_and_price_rules() -> None:
    assert base_pool.extract_dust(1_000) == (0, 1_000) and base_pool.extract_dust(1_001) == (
        1_001,
        0,
    )
    empty = pool(chain())
    assert base_pool.share_price(empty) is None
    # one unit of shares against a million PHA: the quotient overflows U64F64 [STK-13]
    assert (
        base_pool.share_price(attrs.evolve(empty, total_shares=1, total_value=10**8 * UNIT)) is None
    )
    assert base_pool.share_price(attrs.evolve(empty, total_shares=1, total_value=1)) == 1 << 64
    assert (
        base_pool.share_price(attrs.evolve(empty, total_shares=100 * UNIT, total_value=150 * UNIT))
        == 3 << 63
    )


def test_contribute_at_a_price() -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=100 * UNIT)
    assert (pool(state).total_shares, pool(state).total_value) == (100 * UNIT, 100 * UNIT)
    state = ok(state, OPS, "BasePool.distribute_reward", pid=0, source=CHARLIE, amount=50 * UNIT)
    assert pool(state).total_value == 150 * UNIT
    result = call(state, OPS, "BasePool.contribute", pid=0, who=BOB, amount=30 * UNIT)
    assert result.outcome == "ok" and result.returned == 20 * UNIT  # bdiv(30, 1.5)
    state = result.state
    assert (pool(state).total_shares, pool(state).total_value) == (120 * UNIT, 180 * UNIT)
    assert assets.balance(state, pool(state).pool_account) == 180 * UNIT
    assert wrapped_balances.staker_account(state, BOB).invest_pools == (0,)  # type: ignore[union-attr]


def test_contributions_merge_into_one_record() -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=10 * UNIT)
    result = call(state, OPS, "BasePool.contribute", pid=0, who=ALICE, amount=5 * UNIT)
    names = [(e.name, dict(e.fields).get("nft_id")) for e in result.events]
    # mint id 1 with the new shares, then burn 0 and 1 and mint 2 with the sum [STK-11]
    assert names[-2:] == [("PhalaBasePool.NftCreated", 1), ("PhalaBasePool.NftCreated", 2)]
    cid = pool(result.state).cid
    assert base_pool.owner_record_id(result.state, cid, ALICE) == 2
    assert dict(result.state.base_pool.records[cid]) == {2: base_pool.ShareRecord(ALICE, 15 * UNIT)}


def test_bankrupt_pool_refuses_contributions() -> None:
    state = chain()
    state = base_pool.put_basepool(
        state, attrs.evolve(pool(state), total_shares=5 * UNIT, total_value=0)
    )
    assert (
        call(state, OPS, "BasePool.contribute", pid=0, who=ALICE, amount=UNIT).outcome
        == "PhalaBasePool.PoolBankrupt"
    )
    # bankrupt wins over missing funds [STK-14]
    assert (
        call(state, OPS, "BasePool.contribute", pid=0, who=CHARLIE, amount=UNIT).outcome
        == "PhalaBasePool.PoolBankrupt"
    )
    assert (
        call(chain(), OPS, "BasePool.contribute", pid=0, who=CHARLIE, amount=UNIT).outcome
        == "Token.FundsUnavailable"
    )
    assert (
        call(chain(), OPS, "BasePool.contribute", pid=7, who=ALICE, amount=UNIT).outcome
        == "PhalaBasePool.PoolDoesNotExist"
    )


def test_withdraw_pays_at_the_price() -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=100 * UNIT)
    state = ok(state, OPS, "BasePool.distribute_reward", pid=0, source=CHARLIE, amount=50 * UNIT)
    result = call(state, OPS, "BasePool.withdraw", pid=0, who=ALICE, shares=40 * UNIT)
    assert result.outcome == "ok"
    paid = [dict(e.fields) for e in result.events if e.name == "PhalaBasePool.Withdrawal"]
    assert paid == [
        {"pid": 0, "user": ALICE, "amount": 60 * UNIT, "shares": 40 * UNIT, "burnt_shares": 0}
    ]
    state = result.state
    assert (pool(state).total_shares, pool(state).total_value) == (60 * UNIT, 90 * UNIT)
    assert pool(state).withdraw_queue == () and assets.balance(state, ALICE) == 960 * UNIT
    assert records_total(state) == pool(state).total_shares


def test_withdraw_errors() -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=10 * UNIT)
    assert (
        call(state, OPS, "BasePool.withdraw", pid=0, who=BOB, shares=1).outcome
        == "PhalaBasePool.NftIdNotFound"
    )
    assert (
        call(state, OPS, "BasePool.withdraw", pid=0, who=ALICE, shares=10 * UNIT + 1).outcome
        == "PhalaBasePool.InvalidShareToWithdraw"
    )
    assert (
        call(state, Signed(ALICE), "BasePool.withdraw", pid=0, who=ALICE, shares=1).outcome
        == "BadOrigin"
    )


def lock_away(state: ChainState, amount: int) -> ChainState:
    """Move W-PHA out of the pool account, as a stake pool does when it stakes a worker."""
    state, _, _ = assets.transfer(state, pool(state).pool_account, dev_account("ferdie"), amount)
    return state


def test_queue_waits_for_funds_and_later_contributions_pay_it() -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=100 * UNIT)
    state = lock_away(state, 100 * UNIT - 10 * UNIT)  # 10 PHA free, 100 PHA of value
    result = call(state, OPS, "BasePool.withdraw", pid=0, who=ALICE, shares=30 * UNIT)
    state = result.state
    paid = [dict(e.fields) for e in result.events if e.name == "PhalaBasePool.Withdrawal"]
    # 10 PHA free pays 10 shares at price 1; 20 shares stay queued
    assert paid == [
        {"pid": 0, "user": ALICE, "amount": 10 * UNIT, "shares": 10 * UNIT, "burnt_shares": 0}
    ]
    (request,) = pool(state).withdraw_queue
    assert base_pool.record(state, pool(state).cid, request.share_record_id).shares == 20 * UNIT
    assert (pool(state).total_shares, pool(state).total_value) == (90 * UNIT, 90 * UNIT)
    # bob's contribution funds the pool; processing pays alice's request in full
    state = ok(state, OPS, "BasePool.contribute", pid=0, who=BOB, amount=50 * UNIT)
    result = call(state, OPS, "BasePool.process_withdraw_queue", pid=0)
    state = result.state
    assert pool(state).withdraw_queue == ()
    assert assets.balance(state, ALICE) == 900 * UNIT + 30 * UNIT
    assert (pool(state).total_shares, pool(state).total_value) == (120 * UNIT, 120 * UNIT)
    assert records_total(state) == pool(state).total_shares


def test_one_request_per_user_and_a_new_one_goes_to_the_back() -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=100 * UNIT)
    state = ok(state, OPS, "BasePool.contribute", pid=0, who=BOB, amount=100 * UNIT)
    state = lock_away(state, 200 * UNIT)  # nothing free: requests wait
    state = ok(state, OPS, "BasePool.withdraw", pid=0, who=ALICE, shares=30 * UNIT)
    state = ok(next_block(state, 60), OPS, "BasePool.withdraw", pid=0, who=BOB, shares=10 * UNIT)
    state = ok(next_block(state, 60), OPS, "BasePool.withdraw", pid=0, who=ALICE, shares=50 * UNIT)
    queue = pool(state).withdraw_queue
    assert [w.user for w in queue] == [BOB, ALICE]
    assert queue[1].start_time == queue[0].start_time + 60
    # alice's 30 queued shares went back to her record before 50 were queued
    assert shares(state, ALICE) == 100 * UNIT
    assert base_pool.record(state, pool(state).cid, queue[1].share_record_id).shares == 50 * UNIT
    assert records_total(state) == pool(state).total_shares == 200 * UNIT


def test_dust_valued_request_is_burnt() -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=100 * UNIT)
    state = ok(state, OPS, "BasePool.contribute", pid=0, who=BOB, amount=100 * UNIT)
    state = lock_away(state, 200 * UNIT)
    state = ok(state, OPS, "BasePool.withdraw", pid=0, who=ALICE, shares=MIN)  # worth exactly MIN
    state = ok(state, OPS, "BasePool.contribute", pid=0, who=DAVE, amount=UNIT)
    result = call(state, OPS, "BasePool.process_withdraw_queue", pid=0)
    paid = [dict(e.fields) for e in result.events if e.name == "PhalaBasePool.Withdrawal"]
    assert paid == [{"pid": 0, "user": ALICE, "amount": 0, "shares": 0, "burnt_shares": MIN}]
    p = pool(result.state)
    assert (
        p.withdraw_queue == ()
        and p.total_shares == 201 * UNIT - MIN
        and p.total_value == 201 * UNIT
    )


def test_record_rest_that_is_dust_goes_with_the_withdrawal() -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=10 * UNIT)
    state = ok(state, OPS, "BasePool.contribute", pid=0, who=BOB, amount=10 * UNIT)
    state = lock_away(state, 20 * UNIT - 5 * UNIT)
    # queue 6 PHA of shares; 5 PHA free pays 5; the rest of 1 PHA stays queued
    state = ok(state, OPS, "BasePool.withdraw", pid=0, who=ALICE, shares=6 * UNIT)
    state = ok(state, OPS, "BasePool.contribute", pid=0, who=DAVE, amount=UNIT - 500)
    price = base_pool.share_price(pool(state))
    assert price is not None and abs(price - (1 << 64)) < 1 << 24  # conversions truncate
    result = call(state, OPS, "BasePool.process_withdraw_queue", pid=0)
    paid = [dict(e.fields) for e in result.events if e.name == "PhalaBasePool.Withdrawal"]
    # take = bdiv(free, price) shares, about UNIT - 500; paid bmul(take, price) (at most free);
    # the record's rest (about 500 units) is dust and is removed with them [STK-17] [STK-18]
    free = UNIT - 500
    take = bdiv(free, price)
    assert UNIT - 503 <= take <= UNIT - 498
    amount = min(bmul(take, price), free)
    assert paid == [{"pid": 0, "user": ALICE, "amount": amount, "shares": UNIT, "burnt_shares": 0}]
    assert pool(result.state).withdraw_queue == ()
    assert records_total(result.state) == pool(result.state).total_shares


def test_reward_reaches_a_subscribed_vault() -> None:
    state = chain()
    state, vault_pid = base_pool.create_pool(state, DAVE)
    vault = pool(state, vault_pid)
    state, _, _ = assets.transfer(state, DAVE, vault.pool_account, 100 * UNIT)
    state = ok(state, OPS, "BasePool.contribute", pid=0, who=vault.pool_account, amount=50 * UNIT)
    state = ok(state, OPS, "BasePool.contribute", pid=0, who=ALICE, amount=50 * UNIT)
    state = base_pool.put_basepool(state, attrs.evolve(pool(state), value_subscribers=(vault.pid,)))
    state = ok(state, OPS, "BasePool.distribute_reward", pid=0, source=CHARLIE, amount=10 * UNIT)
    # ratio 1/2 -> from_fixed = 0.5 PHA; bmul(0.5 PHA, 10) = 5 PHA [STK-19]
    assert pool(state, vault.pid).total_value == 5 * UNIT
    assert pool(state).total_value == 110 * UNIT


def test_has_expired_withdrawal() -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=100 * UNIT)
    state = lock_away(state, 100 * UNIT)
    state = ok(state, OPS, "BasePool.withdraw", pid=0, who=ALICE, shares=40 * UNIT)
    p, start = pool(state), pool(state).withdraw_queue[0].start_time
    grace = 7 * 24 * 3600
    assert not base_pool.has_expired_withdrawal(state, p, start + grace + 1, grace, None, 40 * UNIT)
    assert not base_pool.has_expired_withdrawal(state, p, start + grace, grace, None, 0)
    assert base_pool.has_expired_withdrawal(state, p, start + grace + 1, grace, None, 40 * UNIT - 1)
    assert base_pool.has_expired_withdrawal(state, p, start + 11, grace, 10, 40 * UNIT)


@pytest.mark.parametrize("amount", [UNIT, 7 * UNIT + 123_456_789, 3])
def test_shares_never_worth_more_than_paid(amount: int) -> None:
    state = ok(chain(), OPS, "BasePool.contribute", pid=0, who=ALICE, amount=3 * UNIT)
    state = ok(state, OPS, "BasePool.distribute_reward", pid=0, source=CHARLIE, amount=UNIT + 7)
    price = base_pool.share_price(pool(state))
    assert price is not None
    result = call(state, OPS, "BasePool.contribute", pid=0, who=BOB, amount=amount)
    assert result.returned * price <= amount << 64  # [STK-31]


def test_unminted_reward_is_not_distributed() -> None:
    state = ok(chain(), OPS, "BasePool.create", owner=CHARLIE)  # pid 1: an empty pool account
    result = call(state, OPS, "BasePool.distribute_reward", pid=1, source=CHARLIE, amount=MIN - 1)
    assert result.outcome == "ok"
    assert pool(result.state, 1).total_value == 0
    assert result.state.wrapped_balances.unmintable_dust == MIN - 1
