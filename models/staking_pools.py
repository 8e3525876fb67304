"""The stake pool and vault model [STK-57] [STK-67]: many stakers, workers, rewards and vaults.

:class:`StakePoolMachine` drives the reference through plain-data steps only
(gatekeeper reports in the ``oracle`` crypto setting), so a failing run
replays as a conformance case. Alice owns two stake pools (workers 1 and 3 in
pool 0, worker 2 in pool 1) and two vaults (2 and 3) that invest in them;
five stakers contribute directly and through the vaults. Honest rules
contribute, withdraw, stake and stop workers, settle rewards, claim and
force withdrawals; adversarial rules withdraw other stakers' shares, play
dust games, contribute to bankrupt pools, exceed caps and act for vaults
they do not own. After every step:

* ``inv_STK_24_total_shares_is_sum_of_records``: a pool's ``total_shares`` is
  the sum of its live share records, plus a vault's ``owner_shares`` [STK-67];
* ``inv_STK_57_value_is_free_plus_locked``: a stake pool's ``total_value``
  equals its free plus locked W-PHA up to the documented rounding (a rest
  below W-PHA's minimum swept along with a payment, a dust value zeroed, a
  dust reward minted without distribution), budgeted per step;
* ``inv_STK_57_nobody_loses_but_rounding``: a staker who did not act loses
  no value, except by rounding (and, in a vault, the owner's documented
  commission when owner shares are gained);
* ``inv_STK_57_bankrupt_accepts_nothing``: a contribution to a bankrupt pool
  fails with ``PoolBankrupt``;
* ``inv_STK_46_cap_holds`` after every accepted contribution;
* ``inv_STK_53_reward_split``: every ``RewardReceived`` splits the reward by
  the Permill rule (nearest, ties down), recomputed here;
* ``inv_STK_67_checkpoint_never_decreases``: a vault's price checkpoint;
* ``inv_STK_9_wpha_is_backed``: PHA behind every W-PHA;
* ``inv_CHAIN_9_rejected_calls_change_nothing``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from phala_spec.chain.computation_payloads import SettleInfo, WorkingInfoUpdateEvent
from phala_spec.chain.messages import Message, MessageOrigin
from phala_spec.chain.registry_payloads import BenchReport
from phala_spec.chain.staking_state import StakePool, Vault
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.pallets import computation
from phala_spec.pallets.balances.accounts import free_balance
from phala_spec.pallets.mq import ingress
from phala_spec.pallets.staking import assets, base_pool, stake_pool_v2, vault
from phala_spec.pallets.staking.wrapped_balances import WPHA_ACCOUNT
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.primitives.fixed import bmul, from_fixed
from phala_spec.runtime.genesis import UNIT, dev_account, genesis
from phala_spec.steps import StepResult

from .balances import ROOT, call_step, check, signed
from .machine import ChainMachine

PRESET = "minimal"
SUITE = "staking"
OWNER = dev_account("alice")
STAKERS = tuple(dev_account(name) for name in ("bob", "charlie", "dave", "eve", "ferdie"))
EVERYONE = (OWNER, *STAKERS)
WORKERS = tuple(dev_keypair(f"model-stake-pool/worker{i}").public for i in (1, 2, 3))
MASTER = dev_keypair("model-stake-pool/master")
STAKE_POOLS, VAULTS = (0, 1), (2, 3)
PLACEMENT = {WORKERS[0]: 0, WORKERS[1]: 1, WORKERS[2]: 0}
SYNC = "PhalaMq.sync_offchain_message"
SP, PV = "PhalaStakePoolv2.", "PhalaVault."

stakers = st.sampled_from(STAKERS)
anyone = st.sampled_from(EVERYONE)
stake_pools = st.sampled_from(STAKE_POOLS)
vaults = st.sampled_from(VAULTS)
workers = st.sampled_from(WORKERS)
parts = st.integers(1, 1000)  # permille of a holding
# dust, a few units around the minimum contribution (0.01 PHA), and whole PHA
amounts = st.one_of(
    st.integers(0, 2_000),
    st.integers(10**10 - 2, 10**10 + 2),
    st.integers(1, 20_000).map(lambda n: n * UNIT // 4),
)
commissions = st.one_of(
    st.none(), st.sampled_from([0, 1, 333_333, 500_000, 1_000_000]), st.integers(0, 10**6)
)


def _round_permill(parts_: int, x: int) -> int:
    """Permill × x, nearest with ties down, from the definition [PERX-5]."""
    exact = parts_ * x
    return exact // 10**6 + (1 if exact % 10**6 > 500_000 else 0)


class StakePoolMachine(ChainMachine):
    """Stake pools, vaults, workers and rewards under honest and adversarial users [MOD-1] [STK-57]."""

    model_name = "stake_pools"
    suite = SUITE
    preset = PRESET
    crypto = "oracle"

    def __init__(self) -> None:
        super().__init__()
        self.allowance: dict[int, int] = dict.fromkeys(STAKE_POOLS, 0)
        self.values: dict[bytes, int] = {}
        self.acted: set[bytes] = set()
        self.last_checkpoint: dict[int, int] = {}
        self.gained: dict[int, int] = dict.fromkeys(VAULTS, 0)

    # -- plumbing -------------------------------------------------------------------------

    @initialize()
    def genesis(self) -> None:
        """Everyone holds 10^6 PHA and wraps 100,000; alice registers and benchmarks three workers,
        creates stake pools 0 and 1 and vaults 2 and 3 and adds the workers."""
        balances = [[who, 10**6 * UNIT] for who in EVERYONE] + [
            [computation.SUBSIDY_POOL, 10**8 * UNIT]
        ]
        self.genesis_overrides = {
            "balances": balances,
            "registry": {"gatekeeper_master_pubkey": MASTER.public},
        }
        self.state = genesis(PRESET, self.genesis_overrides)
        self.apply(
            {
                "kind": "initialize_block",
                "number": 1,
                "timestamp": 1_700_000_000_000,
                "randomness": bytes(32),
            }
        )
        for worker in WORKERS:
            key = dev_keypair(f"model-stake-pool/worker{WORKERS.index(worker) + 1}")
            self.call(
                ROOT,
                "PhalaRegistry.force_register_worker",
                pubkey=worker,
                ecdh_pubkey=key.ecdh_public,
                operator=OWNER,
            )
        self.next_block(12)
        now = self.chain.system.block.timestamp
        for worker in WORKERS:
            self.relay(
                MessageOrigin("Worker", worker),
                b"^phala/registry/event",
                encode_payload(BenchReport(now - 5000, 1000)),
            )
        for who in EVERYONE:
            self.call(signed(who), "PhalaWrappedBalances.wrap", amount=100_000 * UNIT)
        for _ in STAKE_POOLS:
            self.call(signed(OWNER), SP + "create")
        for _ in VAULTS:
            self.call(signed(OWNER), PV + "create")
        for worker, pid in PLACEMENT.items():
            result = self.call(signed(OWNER), SP + "add_worker", pid=pid, pubkey=worker)
            check(result.outcome == "ok", "inv_STK_42_add_worker", result.outcome)
        for i, who in enumerate(STAKERS):
            self.call(
                signed(who),
                SP + "contribute",
                pid=i % 2,
                amount=(5_000 + 1_000 * i) * UNIT,
                as_vault=None,
            )
            self.call(signed(who), PV + "contribute", pid=VAULTS[i % 2], amount=2_000 * UNIT)
        self.call(signed(OWNER), SP + "contribute", pid=0, amount=4_000 * UNIT, as_vault=VAULTS[0])
        self.call(
            signed(OWNER), SP + "start_computing", pid=0, worker=WORKERS[0], stake=10_000 * UNIT
        )
        self.snapshot()

    def relay(self, sender: MessageOrigin, topic: bytes, payload: bytes) -> StepResult:
        message = Message(sender, topic, payload)
        signed_message = {
            "message": to_data(message),
            "sequence": ingress(self.chain, sender),
            "signature": True,
        }
        return self.call(signed(OWNER), SYNC, signed_message=signed_message)

    def call(self, origin: dict[str, Any], name: str, **args: Any) -> StepResult:
        before = self.chain
        bankrupt = {pid for pid in (*STAKE_POOLS, *VAULTS) if self.bankrupt(before, pid)}
        result = self.apply(call_step(origin, name, **args))
        if result.outcome != "ok":
            check(
                result.state is before and result.events == (),
                "inv_CHAIN_9_rejected_calls_change_nothing",
                f"{name} failed with {result.outcome} but changed the state",
            )
        if name.endswith(".contribute") and args.get("pid") in bankrupt:
            check(
                result.outcome
                in (
                    "PhalaBasePool.PoolBankrupt",
                    "PhalaStakePoolv2.InsufficientContribution",
                    "PhalaStakePoolv2.InsufficientBalance",
                    "PhalaStakePoolv2.VaultIsLocked",
                    "PhalaStakePoolv2.UnauthorizedPoolOwner",
                    "PhalaVault.AssetAccountNotExist",
                    "PhalaVault.InsufficientContribution",
                    "PhalaVault.InsufficientBalance",
                ),
                "inv_STK_57_bankrupt_accepts_nothing",
                f"pool {args['pid']} is bankrupt: {result.outcome}",
            )
        self.budget(result)
        for event in result.events:
            if event.name == PV + "OwnerSharesGained":
                fields = dict(event.fields)
                self.gained[fields["pid"]] += fields["shares"]
        return result

    @staticmethod
    def bankrupt(state: Any, pid: int) -> bool:
        if pid not in state.base_pool.pools:
            return False
        pool = base_pool.get_basepool(state, pid)
        return pool.total_shares > 0 and pool.total_value == 0

    def budget(self, result: StepResult) -> None:
        """Widen a stake pool's allowed value drift by what the step's rounding may move [STK-57]."""
        floor = assets.min_balance(self.chain)
        for event in result.events:
            fields = dict(event.fields)
            pid = fields.get("pid")
            if pid not in self.allowance:
                continue
            if event.name == "PhalaBasePool.Withdrawal":
                self.allowance[pid] += floor + base_pool.DUST
            elif event.name in (SP + "RewardToDistributionDismissedDust",):
                self.allowance[pid] += fields["amount"]
            elif event.name == SP + "Contribution":
                self.allowance[pid] += floor
        if any(e.name == "Assets.Transferred" for e in result.events):
            for pid in STAKE_POOLS:
                self.allowance[pid] += floor

    def stake_pool(self, pid: int) -> StakePool:
        return stake_pool_v2.ensure_stake_pool(self.chain, pid)

    def vault(self, pid: int) -> Vault:
        return vault.ensure_vault(self.chain, pid)

    def shares(self, pid: int, who: bytes) -> int:
        return base_pool.shares_of(self.chain, base_pool.get_basepool(self.chain, pid), who)

    def value(self, pid: int, who: bytes) -> int:
        return stake_pool_v2.stake_value(self.chain, base_pool.get_basepool(self.chain, pid), who)

    def wealth(self, who: bytes) -> int:
        """A staker's free W-PHA plus its shares in every pool at their prices [STK-4]."""
        return assets.balance(self.chain, who) + sum(
            self.value(pid, who) for pid in (*STAKE_POOLS, *VAULTS)
        )

    def snapshot(self) -> None:
        self.values = {who: self.wealth(who) for who in STAKERS}
        self.gained = dict.fromkeys(VAULTS, 0)

    # -- honest rules ---------------------------------------------------------------------

    @rule(pid=stake_pools, who=stakers, amount=amounts)
    def contribute(self, pid: int, who: bytes, amount: int) -> None:
        self.acted = {who}
        result = self.call(signed(who), SP + "contribute", pid=pid, amount=amount, as_vault=None)
        if result.outcome == "ok" and self.stake_pool(pid).cap is not None:
            cap = self.stake_pool(pid).cap
            check(
                cap is not None and self.stake_pool(pid).basepool.total_value <= cap,
                "inv_STK_46_cap_holds",
                f"pool {pid}: value above the cap {cap}",
            )
        if amount < stake_pool_v2.MIN_CONTRIBUTION:
            check(result.outcome != "ok", "inv_STK_46_minimum_contribution", f"{amount} accepted")

    @rule(pid=vaults, who=stakers, amount=amounts)
    def contribute_to_vault(self, pid: int, who: bytes, amount: int) -> None:
        self.acted = {who}
        self.call(signed(who), PV + "contribute", pid=pid, amount=amount)

    @rule(pid=stake_pools, vault_pid=vaults, part=parts)
    def invest(self, pid: int, vault_pid: int, part: int) -> None:
        self.acted = set()
        free = assets.balance(self.chain, self.vault(vault_pid).basepool.pool_account)
        self.call(
            signed(OWNER),
            SP + "contribute",
            pid=pid,
            amount=free * part // 1000,
            as_vault=vault_pid,
        )

    @rule(pid=stake_pools, vault_pid=vaults, part=parts)
    def divest(self, pid: int, vault_pid: int, part: int) -> None:
        self.acted = set()
        held = self.shares(pid, self.vault(vault_pid).basepool.pool_account)
        self.call(
            signed(OWNER), SP + "withdraw", pid=pid, shares=held * part // 1000, as_vault=vault_pid
        )

    @rule(pid=st.sampled_from((*STAKE_POOLS, *VAULTS)), who=stakers, part=parts)
    def withdraw(self, pid: int, who: bytes, part: int) -> None:
        self.acted = {who}
        shares = self.shares(pid, who) * part // 1000
        if pid in VAULTS:
            self.call(signed(who), PV + "withdraw", pid=pid, shares=shares)
        else:
            self.call(signed(who), SP + "withdraw", pid=pid, shares=shares, as_vault=None)

    @rule(worker=workers, part=parts)
    def start_computing(self, worker: bytes, part: int) -> None:
        self.acted = set()
        pid = PLACEMENT[worker]
        free = assets.balance(self.chain, self.stake_pool(pid).basepool.pool_account)
        stake = max(
            free * part // 1000, 3_200 * UNIT
        )  # the minimum stake at score 1000 is about 3,162 PHA
        self.call(signed(OWNER), SP + "start_computing", pid=pid, worker=worker, stake=stake)

    @rule(worker=workers)
    def stop_computing(self, worker: bytes) -> None:
        self.acted = set()
        self.call(signed(OWNER), SP + "stop_computing", pid=PLACEMENT[worker], worker=worker)

    @rule(worker=workers, who=anyone)
    def reclaim(self, worker: bytes, who: bytes) -> None:
        self.acted = set()
        self.call(signed(who), SP + "reclaim_pool_worker", pid=PLACEMENT[worker], worker=worker)

    @rule(worker=workers, extra=st.integers(0, 3_000))
    def restart(self, worker: bytes, extra: int) -> None:
        self.acted = set()
        self.call(
            signed(OWNER),
            SP + "restart_computing",
            pid=PLACEMENT[worker],
            worker=worker,
            stake=4_000 * UNIT + extra * UNIT,
        )

    @rule(
        payouts=st.lists(
            st.tuples(workers, st.one_of(st.integers(0, 2**44), st.integers(0, 500 * 2**64))),
            min_size=1,
            max_size=3,
        )
    )
    def reward(self, payouts: list[tuple[bytes, int]]) -> None:
        """A gatekeeper report settles payouts (U64F64 bits, from dust to 500 PHA) for the workers."""
        self.acted = set()
        self.next_block(12)
        block = self.chain.system.block
        report = WorkingInfoUpdateEvent(
            block.number,
            block.timestamp,
            settle=tuple(SettleInfo(w, 0, bits, 0) for w, bits in payouts),
        )
        commissions_before = {
            pid: self.stake_pool(pid).payout_commission or 0 for pid in STAKE_POOLS
        }
        result = self.relay(
            MessageOrigin("Gatekeeper", b""), b"^phala/mining/update", encode_payload(report)
        )
        received = [dict(e.fields) for e in result.events if e.name == SP + "RewardReceived"]
        paid = [
            (PLACEMENT[w], int(from_fixed(bits)))
            for w, bits in payouts
            if stake_pool_v2.worker_assignment(self.chain, w) is not None
            and int(from_fixed(bits)) > base_pool.DUST
        ]
        for fields in received:
            total = fields["to_owner"] + fields["to_stakers"]
            check(
                (fields["pid"], total) in paid,
                "inv_STK_53_reward_split",
                f"unexpected reward {fields}",
            )
            check(
                fields["to_owner"] == _round_permill(commissions_before[fields["pid"]], total),
                "inv_STK_53_reward_split",
                f"commission {fields} at {commissions_before[fields['pid']]} ppm",
            )

    @rule(pid=st.sampled_from((*STAKE_POOLS, *VAULTS)), commission=commissions)
    def set_commission(self, pid: int, commission: int | None) -> None:
        self.acted = set()
        pallet = PV if pid in VAULTS else SP
        self.call(signed(OWNER), pallet + "set_payout_pref", pid=pid, payout_commission=commission)

    @rule(pid=stake_pools, part=st.integers(0, 2000))
    def set_cap(self, pid: int, part: int) -> None:
        self.acted = set()
        cap = self.stake_pool(pid).basepool.total_value * part // 1000
        result = self.call(signed(OWNER), SP + "set_cap", pid=pid, cap=cap)
        check(
            (result.outcome == "ok")
            == (part >= 1000 or cap >= self.stake_pool(pid).basepool.total_value),
            "inv_STK_44_cap_not_below_value",
            result.outcome,
        )

    @rule(pid=stake_pools, beneficiary=stakers)
    def claim_owner_rewards(self, pid: int, beneficiary: bytes) -> None:
        self.acted = {beneficiary}
        self.call(signed(OWNER), SP + "claim_owner_rewards", pid=pid, target=beneficiary)

    @rule(pid=vaults, beneficiary=stakers, part=parts)
    def claim_owner_shares(self, pid: int, beneficiary: bytes, part: int) -> None:
        self.acted = {beneficiary}
        self.call(signed(OWNER), PV + "maybe_gain_owner_shares", vault_pid=pid)
        self.call(
            signed(OWNER),
            PV + "claim_owner_shares",
            vault_pid=pid,
            target=beneficiary,
            shares=self.vault(pid).owner_shares * part // 1000,
        )

    @rule(pid=st.sampled_from((*STAKE_POOLS, *VAULTS)), who=anyone)
    def force_withdraw(self, pid: int, who: bytes) -> None:
        self.acted = set()
        if pid in VAULTS:
            self.call(signed(who), PV + "check_and_maybe_force_withdraw", vault_pid=pid)
        else:
            self.call(signed(who), SP + "check_and_maybe_force_withdraw", pid=pid)

    @rule(seconds=st.one_of(st.integers(1, 3600), st.integers(6 * 24 * 3600, 22 * 24 * 3600)))
    def wait(self, seconds: int) -> None:
        self.acted = set()
        self.next_block(seconds)

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

    # -- adversarial rules ----------------------------------------------------------------

    @rule(
        pid=st.sampled_from((*STAKE_POOLS, *VAULTS)),
        thief=stakers,
        victim=stakers,
        extra=st.integers(1, 10**6),
    )
    def withdraw_others_shares(self, pid: int, thief: bytes, victim: bytes, extra: int) -> None:
        """Asking for more than one holds (another staker's holding on top) must fail and change nothing."""
        self.acted = {thief}
        shares = self.shares(pid, thief) + max(self.shares(pid, victim), extra)
        if pid in VAULTS:
            result = self.call(signed(thief), PV + "withdraw", pid=pid, shares=shares)
        else:
            result = self.call(
                signed(thief), SP + "withdraw", pid=pid, shares=shares, as_vault=None
            )
        check(result.outcome != "ok", "inv_STK_47_only_own_shares", f"{shares} shares withdrawn")

    @rule(pid=stake_pools, vault_pid=vaults, who=stakers, amount=amounts)
    def act_for_a_vault_one_does_not_own(
        self, pid: int, vault_pid: int, who: bytes, amount: int
    ) -> None:
        self.acted = {who}
        result = self.call(
            signed(who), SP + "contribute", pid=pid, amount=amount, as_vault=vault_pid
        )
        check(
            result.outcome != "ok",
            "inv_STK_46_vault_owner_only",
            "a stranger invested a vault's funds",
        )

    @rule(pid=stake_pools, who=stakers, amount=st.integers(0, 10**10 - 1))
    def dust_contribution(self, pid: int, who: bytes, amount: int) -> None:
        self.acted = {who}
        result = self.call(signed(who), SP + "contribute", pid=pid, amount=amount, as_vault=None)
        check(
            result.outcome == SP + "InsufficientContribution",
            "inv_STK_46_minimum_contribution",
            result.outcome,
        )

    @rule(pid=stake_pools, who=stakers)
    def exceed_the_cap(self, pid: int, who: bytes) -> None:
        self.acted = {who}
        cap = self.stake_pool(pid).cap
        if cap is None or self.stake_pool(pid).basepool.withdraw_queue:
            return
        gap = cap - self.stake_pool(pid).basepool.total_value
        amount = max(gap + 1, stake_pool_v2.MIN_CONTRIBUTION)
        result = self.call(signed(who), SP + "contribute", pid=pid, amount=amount, as_vault=None)
        check(
            result.outcome != "ok", "inv_STK_46_cap_holds", f"{amount} over a gap of {gap} accepted"
        )

    # -- invariants -----------------------------------------------------------------------

    @invariant()
    def inv_STK_24_total_shares_is_sum_of_records(self) -> None:
        if self.state is None:
            return
        for pid in (*STAKE_POOLS, *VAULTS):
            pool = base_pool.get_basepool(self.chain, pid)
            held = sum(r.shares for r in self.chain.base_pool.records[pool.cid].values())
            owner = self.vault(pid).owner_shares if pid in VAULTS else 0
            check(
                held + owner == pool.total_shares,
                "inv_STK_24_total_shares_is_sum_of_records",
                f"pool {pid}: records {held} + owner {owner}, total_shares {pool.total_shares}",
            )

    @invariant()
    def inv_STK_57_value_is_free_plus_locked(self) -> None:
        if self.state is None:
            return
        for pid in STAKE_POOLS:
            p = self.stake_pool(pid)
            backing = assets.balance(
                self.chain, p.basepool.pool_account
            ) + stake_pool_v2.locked_stake(self.chain, p)
            drift = abs(p.basepool.total_value - backing)
            check(
                drift <= self.allowance[pid],
                "inv_STK_57_value_is_free_plus_locked",
                f"pool {pid}: value {p.basepool.total_value}, free + locked {backing}, "
                f"allowed drift {self.allowance[pid]}",
            )

    @invariant()
    def inv_STK_57_nobody_loses_but_rounding(self) -> None:
        if self.state is None:
            return
        acted = self.acted
        floor = assets.min_balance(self.chain)
        # each pool may round a holder's value down by a dust value, a swept rest and a planck or two
        tolerance = len((*STAKE_POOLS, *VAULTS)) * (2 * (floor + base_pool.DUST) + 4)
        for pid in VAULTS:  # the owner's commission on a vault's gain is documented [STK-61]
            gained = self.gained[pid]  # since the last step, even if claimed in the same step
            price = base_pool.share_price(self.vault(pid).basepool)
            tolerance += int(bmul(gained, price)) if gained > 0 and price is not None else 0
        for who, before in self.values.items():
            if who in acted:
                continue
            after = self.wealth(who)
            check(
                after >= before - tolerance,
                "inv_STK_57_nobody_loses_but_rounding",
                f"{who.hex()[:8]}: {before} -> {after} (tolerance {tolerance})",
            )
        self.snapshot()

    @invariant()
    def inv_STK_67_checkpoint_never_decreases(self) -> None:
        if self.state is None:
            return
        for pid in VAULTS:
            checkpoint = self.vault(pid).last_share_price_checkpoint
            check(
                checkpoint >= self.last_checkpoint.get(pid, 0),
                "inv_STK_67_checkpoint_never_decreases",
                f"vault {pid}: {self.last_checkpoint.get(pid)} -> {checkpoint}",
            )
            self.last_checkpoint[pid] = checkpoint

    @invariant()
    def inv_STK_9_wpha_is_backed(self) -> None:
        if self.state is None:
            return
        backing = free_balance(self.chain, WPHA_ACCOUNT)
        check(
            backing >= assets.supply(self.chain),
            "inv_STK_9_wpha_is_backed",
            f"{backing} PHA behind {assets.supply(self.chain)} W-PHA",
        )
