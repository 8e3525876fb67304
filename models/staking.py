"""The W-PHA and base-pool model [STK-24]: stakers, rewards and staked-out funds against the reference.

:class:`StakingMachine` drives the reference through plain-data steps only,
so a failing run replays as a conformance case. Honest rules wrap and
unwrap, contribute, ask for withdrawals, process the queue, pay rewards and
move W-PHA between a pool account and a lock account (as a stake pool does
when it stakes a worker); amounts range from dust to whole balances, so the
dust rules, burnt requests and bankruptcy are reached. After every step:

* ``inv_STK_24_total_shares_is_sum_of_records``: a pool's ``total_shares`` is
  the sum of its share records (merged and queued);
* ``inv_STK_24_one_request_per_user`` and one merged record per owner;
* ``inv_STK_1_supply_is_sum_of_balances``;
* ``inv_STK_9_wpha_is_backed``: the W-PHA account holds at least the supply
  in PHA;
* and per step: a contribution's shares are worth at most what was paid at
  the entry price [STK-31]; a withdrawal never pays more than its shares'
  worth [STK-32]; a rejected call changes nothing [CHAIN-9].
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from phala_spec.chain.staking_state import BasePool
from phala_spec.pallets.staking import assets, base_pool, wrapped_balances
from phala_spec.runtime.genesis import UNIT, dev_account, genesis
from phala_spec.steps import StepResult

from .balances import PALLET, call_step, check, signed
from .machine import ChainMachine

PRESET = "minimal"
SUITE = "staking"
STAKERS = tuple(dev_account(name) for name in ("alice", "bob", "dave"))
OWNER = dev_account("charlie")
LOCK = dev_account("ferdie")  # stands for a stake pool's lock account
POOLS = 2

stakers = st.sampled_from(STAKERS)
pids = st.integers(0, POOLS - 1)
# dust, a few units above W-PHA's minimum, and whole PHA
amounts = st.one_of(st.integers(0, 2_000), st.integers(1, 500).map(lambda n: n * UNIT // 10))
parts = st.integers(1, 1000)  # permille of a holding


class StakingMachine(ChainMachine):
    """W-PHA holders and two base pools [MOD-1] [STK-24]."""

    model_name = "staking"
    suite = SUITE
    preset = PRESET
    crypto = "none"

    @initialize()
    def genesis(self) -> None:
        """Alice, bob, dave and charlie hold 10,000 PHA; charlie owns two pools."""
        self.genesis_overrides = {"balances": [[who, 10_000 * UNIT] for who in (*STAKERS, OWNER)]}
        self.state = genesis(PRESET, self.genesis_overrides)
        self.apply(
            {"kind": "initialize_block", "number": 1, "timestamp": 12_000, "randomness": bytes(32)}
        )
        for _ in range(POOLS):
            self.call(PALLET, "BasePool.create", owner=OWNER)

    def call(self, origin: dict[str, Any], name: str, **args: Any) -> StepResult:
        before = self.chain
        result = self.apply(call_step(origin, name, **args))
        if result.outcome != "ok":
            check(
                result.state is before and result.events == (),
                "inv_CHAIN_9_rejected_calls_change_nothing",
                f"{name} failed with {result.outcome} but changed the state",
            )
        return result

    # -- rules --------------------------------------------------------------------------

    @rule(who=stakers, amount=amounts)
    def wrap(self, who: bytes, amount: int) -> None:
        self.call(signed(who), "PhalaWrappedBalances.wrap", amount=amount)

    @rule(who=stakers, part=parts, everything=st.booleans())
    def unwrap(self, who: bytes, part: int, everything: bool) -> None:
        if everything:
            self.call(signed(who), "PhalaWrappedBalances.unwrap_all")
        else:
            amount = wrapped_balances.net_value(self.chain, who) * part // 1000
            self.call(signed(who), "PhalaWrappedBalances.unwrap", amount=amount)

    @rule(pid=pids, who=stakers, part=parts)
    def contribute(self, pid: int, who: bytes, part: int) -> None:
        amount = assets.balance(self.chain, who) * part // 1000
        price = base_pool.share_price(base_pool.get_basepool(self.chain, pid))
        result = self.call(PALLET, "BasePool.contribute", pid=pid, who=who, amount=amount)
        if result.outcome == "ok" and price is not None:
            check(
                result.returned * price <= amount << 64,
                "inv_STK_31_shares_worth_at_most_the_amount",
                f"{result.returned} shares at {price} for {amount}",
            )

    @rule(pid=pids, who=stakers, part=parts)
    def withdraw(self, pid: int, who: bytes, part: int) -> None:
        pool = base_pool.get_basepool(self.chain, pid)
        amount = base_pool.shares_of(self.chain, pool, who) * part // 1000
        self.check_payouts(
            pool, self.call(PALLET, "BasePool.withdraw", pid=pid, who=who, shares=amount)
        )

    @rule(pid=pids)
    def process(self, pid: int) -> None:
        pool = base_pool.get_basepool(self.chain, pid)
        self.check_payouts(pool, self.call(PALLET, "BasePool.process_withdraw_queue", pid=pid))

    @rule(pid=pids, amount=amounts)
    def reward(self, pid: int, amount: int) -> None:
        self.call(PALLET, "BasePool.distribute_reward", pid=pid, source=OWNER, amount=amount)

    @rule(pid=pids, part=parts, out=st.booleans())
    def move_stake(self, pid: int, part: int, out: bool) -> None:
        account = base_pool.get_basepool(self.chain, pid).pool_account
        source, dest = (account, LOCK) if out else (LOCK, account)
        amount = assets.balance(self.chain, source) * part // 1000
        self.call(PALLET, "Assets.transfer", source=source, dest=dest, amount=amount)

    @rule(seconds=st.integers(1, 10 * 24 * 3600))
    def next_block(self, seconds: int) -> None:
        block = self.chain.system.block
        self.apply({"kind": "finalize_block"})
        self.apply(
            {
                "kind": "initialize_block",
                "number": block.number + 1,
                "timestamp": block.timestamp + seconds * 1000,
                "randomness": bytes(32),
            }
        )

    def check_payouts(self, pool: BasePool, result: StepResult) -> None:
        """Every payout is worth at most its shares at the price the processing started with [STK-32]."""
        if result.outcome != "ok":
            return
        # a withdrawal queues first: the price at entry to processing is the pool's price before
        price = base_pool.share_price(pool)
        for event in result.events:
            if event.name == "PhalaBasePool.Withdrawal" and price is not None:
                fields = dict(event.fields)
                check(
                    fields["amount"] << 64 <= fields["shares"] * price,
                    "inv_STK_32_payout_at_most_worth",
                    f"{fields['amount']} paid for {fields['shares']} shares at {price}",
                )

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def inv_STK_24_total_shares_is_sum_of_records(self) -> None:
        if self.state is None:
            return
        for pid in range(POOLS):
            pool = base_pool.get_basepool(self.chain, pid)
            held = sum(r.shares for r in self.chain.base_pool.records[pool.cid].values())
            check(
                held == pool.total_shares,
                "inv_STK_24_total_shares_is_sum_of_records",
                f"pool {pid}: records hold {held}, total_shares {pool.total_shares}",
            )

    @invariant()
    def inv_STK_24_one_request_per_user(self) -> None:
        if self.state is None:
            return
        for pid in range(POOLS):
            pool = base_pool.get_basepool(self.chain, pid)
            users = [w.user for w in pool.withdraw_queue]
            check(
                len(users) == len(set(users)),
                "inv_STK_24_one_request_per_user",
                f"pool {pid}: {users}",
            )
            owners = [
                r.owner
                for r in self.chain.base_pool.records[pool.cid].values()
                if r.owner != base_pool.RECORD_ISSUER
            ]
            check(
                len(owners) == len(set(owners)),
                "inv_STK_24_one_request_per_user",
                f"pool {pid}: an owner holds two merged records",
            )

    @invariant()
    def inv_STK_1_supply_is_sum_of_balances(self) -> None:
        if self.state is None:
            return
        total = sum(self.chain.assets.balances.values())
        check(
            total == assets.supply(self.chain),
            "inv_STK_1_supply_is_sum_of_balances",
            f"balances {total}, supply {assets.supply(self.chain)}",
        )

    @invariant()
    def inv_STK_9_wpha_is_backed(self) -> None:
        if self.state is None:
            return
        from phala_spec.pallets.balances.accounts import free_balance

        backing = free_balance(self.chain, wrapped_balances.WPHA_ACCOUNT)
        check(
            backing >= assets.supply(self.chain),
            "inv_STK_9_wpha_is_backed",
            f"{backing} PHA behind {assets.supply(self.chain)} W-PHA",
        )
