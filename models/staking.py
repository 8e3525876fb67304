"""The W-PHA and base-pool model [STK-24] [STK-29]: stakers, votes, rewards and staked-out funds
against the reference.

:class:`StakingMachine` drives the reference through plain-data steps only,
so a failing run replays as a conformance case. Honest rules wrap and
unwrap, contribute, ask for withdrawals, process the queue, pay rewards and
move W-PHA between a pool account and a lock account (as a stake pool does
when it stakes a worker); amounts range from dust to whole balances, so the
dust rules, burnt requests and bankruptcy are reached. Root starts short
referenda; stakers vote with W-PHA (up to a little more than their net
value), anyone unlocks with bounds from 0 to 101, and anyone removes the W-PHA
account's democracy vote on a finished referendum. The machine keeps its own
record of the votes it made and releases them in ``Twox64Concat`` order
[CRYPTO-17]. After every step:

* ``inv_STK_24_total_shares_is_sum_of_records``: a pool's ``total_shares`` is
  the sum of its share records (merged and queued);
* ``inv_STK_24_one_request_per_user`` and one merged record per owner;
* ``inv_STK_1_supply_is_sum_of_balances``;
* ``inv_STK_9_wpha_is_backed``: the W-PHA account holds at least the supply
  in PHA;
* ``inv_STK_7_locked_is_the_largest_vote``: the reference's vote records are
  the machine's, and every staker's ``locked`` is the largest ``aye + nay`` of
  their records;
* ``inv_STK_29_wpha_votes_the_sums``: on every ongoing referendum with
  records, the W-PHA account's democracy vote is the split vote of the sums;
* and per step: a contribution's shares are worth at most what was paid at
  the entry price [STK-31]; a withdrawal never pays more than its shares'
  worth [STK-32]; a rejected call changes nothing [CHAIN-9].
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from phala_spec.chain.democracy_state import Direct, Ongoing, Split
from phala_spec.chain.staking_state import BasePool
from phala_spec.pallets.staking import assets, base_pool, wrapped_balances
from phala_spec.primitives.codec import twox_64_concat
from phala_spec.runtime.calls import decode_call
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
ROOT = {"kind": "root"}
WPHA = wrapped_balances.WPHA_ACCOUNT

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

    def __init__(self) -> None:
        super().__init__()
        # the votes made and not yet released: referendum -> staker -> (aye, nay) [STK-27]
        self.votes: dict[int, dict[bytes, tuple[int, int]]] = {}
        self.referenda = 0

    @initialize()
    def genesis(self) -> None:
        """Alice, bob, dave and charlie hold 10,000 PHA; charlie owns two pools; a referendum
        runs for 6 blocks."""
        self.genesis_overrides = {"balances": [[who, 10_000 * UNIT] for who in (*STAKERS, OWNER)]}
        self.state = genesis(PRESET, self.genesis_overrides)
        self.apply(
            {"kind": "initialize_block", "number": 1, "timestamp": 12_000, "randomness": bytes(32)}
        )
        for _ in range(POOLS):
            self.call(PALLET, "BasePool.create", owner=OWNER)
        self.start_referendum(6)  # one referendum is open from the start

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

    @rule(voting_period=st.integers(1, 8))
    def start_referendum(self, voting_period: int) -> None:
        """Root fast-tracks a simple-majority referendum [DEM-15] [DEM-16]."""
        self.referenda += 1
        call = {
            "call": "Balances.force_transfer",
            "args": {"source": OWNER, "dest": LOCK, "value": self.referenda * UNIT},
        }
        self.call(ROOT, "Democracy.external_propose_majority", proposal=call)
        self.call(
            ROOT,
            "Democracy.fast_track",
            proposal_hash=decode_call(call).hash,
            voting_period=voting_period,
            delay=0,
        )

    @rule(
        who=stakers,
        pick=st.integers(0, 7),
        aye=st.integers(0, 1000),
        nay=st.integers(0, 1000),
        over=st.integers(0, 2),
    )
    def vote(self, who: bytes, pick: int, aye: int, nay: int, over: int) -> None:
        """Vote parts of the net value (per mille, each side) on a referendum, mostly an ongoing
        one, sometimes one that ended, sometimes a unit or two more than allowed [STK-27]."""
        count = self.chain.democracy.referendum_count
        recent = list(range(max(count - 4, 0), count))
        ongoing = [i for i in recent if wrapped_balances.is_ongoing(self.chain, i)]
        choices = ongoing if ongoing and pick < 6 else recent
        vote_id = choices[pick % len(choices)] if choices else 0
        value = wrapped_balances.net_value(self.chain, who)
        aye_amount, nay_amount = value * aye // 1000, value * nay // 1000 + over
        result = self.call(
            signed(who),
            "PhalaWrappedBalances.vote",
            aye_amount=aye_amount,
            nay_amount=nay_amount,
            vote_id=vote_id,
        )
        if result.outcome == "ok":
            self.votes.setdefault(vote_id, {})[who] = (aye_amount, nay_amount)

    @rule(pick=st.integers(0, 7), max_iterations=st.sampled_from((0, 1, 2, 100, 101)))
    def unlock(self, pick: int, max_iterations: int) -> None:
        """Anyone releases votes of a referendum with votes (or of referendum 0), a bounded
        number in storage order [STK-28]."""
        voted = sorted(self.votes)
        vote_id = voted[pick % len(voted)] if voted else 0
        result = self.call(
            signed(LOCK),
            "PhalaWrappedBalances.unlock",
            vote_id=vote_id,
            max_iterations=max_iterations,
        )
        if result.outcome == "ok":
            records = self.votes.pop(vote_id, {})
            for who in sorted(records, key=twox_64_concat)[max_iterations:]:
                self.votes.setdefault(vote_id, {})[who] = records[who]

    @rule(pick=st.integers(0, 7))
    def free_wpha_account(self, pick: int) -> None:
        """Anyone removes one of the W-PHA account's democracy votes (only a finished
        referendum's may be removed by another account), then recomputes its lock [DEM-11]."""
        record = self.chain.democracy.voting_of.get(WPHA, Direct())
        cast = [index for index, _ in record.votes] if isinstance(record, Direct) else []
        vote_id = cast[pick % len(cast)] if cast else 0
        self.call(signed(LOCK), "Democracy.remove_other_vote", target=WPHA, index=vote_id)
        self.call(signed(LOCK), "Democracy.unlock", target=WPHA)

    @rule(seconds=st.integers(1, 10 * 24 * 3600), blocks=st.integers(1, 3))
    def next_block(self, seconds: int, blocks: int) -> None:
        """A later block: ``blocks`` numbers on (the ones between are empty), ``seconds`` later."""
        block = self.chain.system.block
        self.apply({"kind": "finalize_block"})
        self.apply(
            {
                "kind": "initialize_block",
                "number": block.number + blocks,
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

    @invariant()
    def inv_STK_7_locked_is_the_largest_vote(self) -> None:
        if self.state is None:
            return
        recorded = {
            vote_id: {who: (v.aye, v.nay) for who, v in votes.items()}
            for vote_id, votes in self.chain.wrapped_balances.votes.items()
        }
        check(
            recorded == self.votes,
            "inv_STK_7_locked_is_the_largest_vote",
            f"vote records {recorded}, made {self.votes}",
        )
        for who in STAKERS:
            account = wrapped_balances.staker_account(self.chain, who)
            largest = max(
                (sum(votes[who]) for votes in self.votes.values() if who in votes), default=0
            )
            check(
                (account.locked if account is not None else 0) == largest,
                "inv_STK_7_locked_is_the_largest_vote",
                f"{who.hex()[:8]} locks {account}, its largest vote is {largest}",
            )

    @invariant()
    def inv_STK_29_wpha_votes_the_sums(self) -> None:
        if self.state is None:
            return
        record = self.chain.democracy.voting_of.get(WPHA, Direct())
        cast = dict(record.votes) if isinstance(record, Direct) else {}
        for vote_id, votes in self.votes.items():
            if not votes or not isinstance(
                self.chain.democracy.referendum_info.get(vote_id), Ongoing
            ):
                continue
            sums = Split(sum(a for a, _ in votes.values()), sum(n for _, n in votes.values()))
            check(
                cast.get(vote_id) == sums,
                "inv_STK_29_wpha_votes_the_sums",
                f"referendum {vote_id}: the W-PHA account votes {cast.get(vote_id)}, not {sums}",
            )
