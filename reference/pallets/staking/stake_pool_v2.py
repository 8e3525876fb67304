"""pallet stake_pool_v2 (``PhalaStakePoolv2``): pools of workers staked by contributors [STK-40]..[STK-57].

A stake pool is a base pool ([STK-10]) with workers: its owner binds
registered workers to the pool's session sub-accounts, starts them computing
with stake taken from the pool account (it moves to the pool's lock account),
and stops and reclaims them (it comes back and pays queued withdrawals).
Rewards settled by the gatekeepers arrive through :func:`on_reward`: the
owner's commission goes to the owner-reward account, the rest raises the
share price. Clauses: spec/staking.md.

The arithmetic kernel of the reward split, :func:`reward_split`, is written
with :mod:`.arith` helpers so :mod:`phala_spec.proofs.stake_pool` proves its
claims about this very function.
"""

from __future__ import annotations

from typing import Any, overload

from ...chain.computation_payloads import SettleInfo
from ...chain.staking_state import BasePool, StakePool, Vault
from ...chain.state import AccountId, BlockContext, ChainState, Events, Origin, event
from ...primitives.arith import Num
from ...primitives.errors import DispatchError, RuntimePanic
from ...primitives.fixed import bmul, from_fixed
from ...primitives.perthings import Permill
from ...primitives.records import evolve
from ...primitives.types import Balance, Bytes32, OptionPermillParts, OptionPoolId, PoolId
from .. import computation
from ..balances.origins import ensure_signed
from . import assets, base_pool, wrapped_balances

PALLET = "PhalaStakePoolv2"

MIN_CONTRIBUTION = 10_000_000_000
"""``MinContribution``: 1 CENT (0.01 PHA) [STK-40]; production's value, the default of
``config.staking.min_contribution`` [GEN-5]."""
GRACE_PERIOD = 7 * 24 * 3600
"""``GracePeriod`` (``WorkingGracePeriod``) in seconds [STK-40]; the default of
``config.staking.grace_period`` [GEN-5]."""
MAX_POOL_WORKERS = 200
"""``MaxPoolWorkers`` [STK-40]; the default of ``config.staking.max_pool_workers`` [GEN-5]."""


def error(name: str) -> DispatchError:
    return DispatchError(f"{PALLET}.{name}")


def _now(ctx: BlockContext) -> int:
    return ctx.timestamp // 1000


# --- pools and accounts [STK-40] ---------------------------------------------------------


def lock_account(pid: int, owner: AccountId) -> AccountId:
    """The lock account ``("sl/", blake2_256(SCALE(pid, owner)))`` [STK-40]."""
    return base_pool.derived_account(b"sl/", pid, owner)


def owner_reward_account(pid: int, owner: AccountId) -> AccountId:
    """The owner-reward account ``("so/", blake2_256(SCALE(pid, owner)))`` [STK-40]."""
    return base_pool.derived_account(b"so/", pid, owner)


def pool_sub_account(pid: int, worker: bytes) -> AccountId:
    """A worker's session account ``("spm/", blake2_256(SCALE(pid, worker)))`` [STK-40]."""
    return base_pool.derived_account(b"spm/", pid, worker)


def ensure_pool_of(state: ChainState, pid: int, kind: type[Any]) -> Any:
    """The pool record ``pid`` of type ``kind``: ``PoolDoesNotExist``, then ``PoolTypeNotMatch`` [STK-40]."""
    record = state.base_pool.pools.get(pid)
    if record is None:
        raise base_pool.error("PoolDoesNotExist")
    if not isinstance(record, kind):
        raise base_pool.error("PoolTypeNotMatch")
    return record


def ensure_stake_pool(state: ChainState, pid: int) -> StakePool:
    """The stake pool ``pid`` [STK-40]."""
    pool: StakePool = ensure_pool_of(state, pid, StakePool)
    return pool


def put_pool(state: ChainState, record: StakePool | Vault) -> ChainState:
    """Store a stake pool or vault record under its pid [STK-40]."""
    pools = state.base_pool.pools.set(record.basepool.pid, record)
    return evolve(state, base_pool=evolve(state.base_pool, pools=pools))


def worker_assignment(state: ChainState, worker: bytes) -> int | None:
    """``WorkerAssignments[worker]``: the stake pool holding ``worker`` [STK-40]."""
    return state.base_pool.worker_assignments.get(worker)


def _assign(state: ChainState, worker: bytes, pid: int | None) -> ChainState:
    """Record (or, with ``None``, forget) the pool that holds ``worker`` [STK-40]."""
    assignments = state.base_pool.worker_assignments
    assignments = assignments.set(worker, pid) if pid is not None else assignments.delete(worker)
    return evolve(state, base_pool=evolve(state.base_pool, worker_assignments=assignments))


def _owner(pool: StakePool | Vault, who: AccountId) -> None:
    if pool.basepool.owner != who:
        raise error("UnauthorizedPoolOwner")


def create(state: ChainState, ctx: BlockContext, origin: Origin) -> tuple[ChainState, Events]:
    """``create()``: a new stake pool owned by the caller, with the next pid and collection [STK-41]."""
    owner = ensure_signed(origin)
    state, base = base_pool.new_pool(state, owner)
    pool = StakePool(
        basepool=base,
        lock_account=lock_account(base.pid, owner),
        owner_reward_account=owner_reward_account(base.pid, owner),
    )
    created = event(
        f"{PALLET}.PoolCreated",
        owner=owner,
        pid=base.pid,
        cid=base.cid,
        pool_account_id=base.pool_account,
    )
    return put_pool(state, pool), (created,)


# --- workers [STK-42] [STK-43] ----------------------------------------------------------------


def add_worker(
    state: ChainState, ctx: BlockContext, origin: Origin, pid: PoolId, pubkey: Bytes32
) -> tuple[ChainState, Events]:
    """``add_worker(pid, pubkey)``: bind a worker the caller operates to the pool's session [STK-42]."""
    owner = ensure_signed(origin)
    info = state.registry.workers.get(pubkey)
    if info is None:
        raise error("WorkerNotRegistered")
    if info.operator != owner:
        raise error("UnauthorizedOperator")
    if info.initial_score is None:
        raise error("BenchmarkMissing")
    pool = ensure_stake_pool(state, pid)
    _owner(pool, owner)
    if pubkey in pool.workers:
        raise error("WorkerExists")
    if len(pool.workers) + 1 > state.config.staking.max_pool_workers:
        raise error("WorkersExceedLimit")
    session = pool_sub_account(pid, pubkey)
    try:
        state, bound = computation.bind(state, ctx, session, pubkey)
    except DispatchError:
        raise error("FailedToBindSessionAndWorker") from None
    state = _assign(put_pool(state, evolve(pool, workers=(*pool.workers, pubkey))), pubkey, pid)
    return state, (
        *bound,
        event(f"{PALLET}.PoolWorkerAdded", pid=pid, worker=pubkey, session=session),
    )


def remove_worker_from_pool(state: ChainState, worker: bytes) -> tuple[ChainState, Events]:
    """Drop ``worker`` from its pool's worker list, if it is in one [STK-43]."""
    pid = worker_assignment(state, worker)
    if pid is None:
        return state, ()
    pool = ensure_stake_pool(state, pid)
    state = put_pool(state, evolve(pool, workers=tuple(w for w in pool.workers if w != worker)))
    state = _assign(state, worker, None)
    return state, (event(f"{PALLET}.PoolWorkerRemoved", pid=pid, worker=worker),)


def remove_worker(
    state: ChainState, ctx: BlockContext, origin: Origin, pid: PoolId, worker: Bytes32
) -> tuple[ChainState, Events]:
    """``remove_worker(pid, worker)``: unbind a ``Ready`` worker without notification [STK-43]."""
    owner = ensure_signed(origin)
    pool = ensure_stake_pool(state, pid)
    _owner(pool, owner)
    if worker not in pool.workers:
        raise error("WorkerDoesNotExist")
    session = pool_sub_account(pid, worker)
    info = state.computation.sessions.get(session)
    if info is None:
        raise error("SessionDoesNotExist")
    if info.state != computation.READY:
        raise error("WorkerIsNotReady")
    state, unbound = computation.unbind_session(state, ctx, session, notify=False)
    state, removed = remove_worker_from_pool(state, worker)
    return state, (*unbound, *removed)


def on_unbound(
    state: ChainState, ctx: BlockContext, worker: bytes, force: bool
) -> tuple[ChainState, Events]:
    """``OnUnbound``: a worker unbound by its operator leaves its pool [STK-43] [CMP-22]."""
    return remove_worker_from_pool(state, worker)


# --- owner settings [STK-44] [STK-45] [STK-52] --------------------------------------------------


def set_cap(
    state: ChainState, ctx: BlockContext, origin: Origin, pid: PoolId, cap: Balance
) -> tuple[ChainState, Events]:
    """``set_cap(pid, cap)``: the owner caps ``total_value``; never below it (``InadequateCapacity``) [STK-44]."""
    owner = ensure_signed(origin)
    pool = ensure_stake_pool(state, pid)
    _owner(pool, owner)
    if pool.basepool.total_value > cap:
        raise error("InadequateCapacity")
    return put_pool(state, evolve(pool, cap=cap)), (
        event(f"{PALLET}.PoolCapacitySet", pid=pid, cap=cap),
    )


def set_payout_pref(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    pid: PoolId,
    payout_commission: OptionPermillParts,
) -> tuple[ChainState, Events]:
    """``set_payout_pref(pid, commission)``: the owner's commission (Permill parts, or none) [STK-45]."""
    owner = ensure_signed(origin)
    pool = ensure_stake_pool(state, pid)
    _owner(pool, owner)
    state = put_pool(state, evolve(pool, payout_commission=payout_commission))
    return state, (
        event(f"{PALLET}.PoolCommissionSet", pid=pid, commission=payout_commission or 0),
    )


def claim_owner_rewards(
    state: ChainState, ctx: BlockContext, origin: Origin, pid: PoolId, target: AccountId
) -> tuple[ChainState, Events]:
    """``claim_owner_rewards(pid, target)``: the whole owner-reward account goes to ``target`` [STK-52]."""
    who = ensure_signed(origin)
    pool = ensure_stake_pool(state, pid)
    _owner(pool, who)
    rewards = assets.balance(state, pool.owner_reward_account)
    if rewards == 0:
        raise error("NoRewardToClaim")
    state, moved, _ = assets.transfer(state, pool.owner_reward_account, target, rewards)
    return state, (
        *moved,
        event(f"{PALLET}.OwnerRewardsWithdrawn", pid=pid, user=who, amount=rewards),
    )


# --- contribute and withdraw [STK-46] [STK-47] -----------------------------------------------------


def _as_vault(
    state: ChainState, who: AccountId, as_vault: int | None
) -> tuple[AccountId, Vault | None]:
    """Acting for a vault [STK-46]: not locked (``VaultIsLocked``), a vault, owned by the caller."""
    if as_vault is None:
        return who, None
    record = state.base_pool.pools.get(as_vault)
    if isinstance(record, Vault) and record.locked:
        raise error("VaultIsLocked")
    vault: Vault = ensure_pool_of(state, as_vault, Vault)
    _owner(vault, who)
    return vault.basepool.pool_account, vault


def contribute(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    pid: PoolId,
    amount: Balance,
    as_vault: OptionPoolId,
) -> tuple[ChainState, Events]:
    """``contribute(pid, amount, as_vault)`` [STK-46].

    Check order: the vault (if any: it exists, is not locked, is the
    caller's), the pool, the minimum contribution, the contributor's free
    W-PHA, then the base pool's contribution; the queue is processed with the
    new funds, and only then is the cap checked.
    """
    who = ensure_signed(origin)
    vault: Vault | None = None
    if as_vault is not None:
        vault = ensure_pool_of(state, as_vault, Vault)
        if vault.locked:
            raise error("VaultIsLocked")
        _owner(vault, who)
        who = vault.basepool.pool_account
    pool = ensure_stake_pool(state, pid)
    if amount < state.config.staking.min_contribution:
        raise error("InsufficientContribution")
    if assets.balance(state, who) < amount:
        raise error("InsufficientBalance")
    state, base, events, shares = base_pool.contribute(state, pool.basepool, who, amount)
    if vault is not None:
        if pid not in vault.invest_pools:
            state = put_pool(state, evolve(vault, invest_pools=(*vault.invest_pools, pid)))
        if vault.basepool.pid not in base.value_subscribers:
            base = evolve(base, value_subscribers=(*base.value_subscribers, vault.basepool.pid))
    else:
        state = wrapped_balances.subscribe_to_pool(state, who, pid)
    state, base, paid = base_pool.try_process_withdraw_queue(state, base)
    if pool.cap is not None and base.total_value > pool.cap:
        raise error("StakeExceedsCapacity")
    state = put_pool(state, evolve(pool, basepool=base))
    contributed = event(
        f"{PALLET}.Contribution", pid=pid, user=who, amount=amount, shares=shares, as_vault=as_vault
    )
    return state, (*events, *paid, contributed)


def queued_shares(state: ChainState, pool: BasePool, who: AccountId) -> int:
    """The shares of ``who``'s queued withdrawal in ``pool`` (0 if none) [STK-47]."""
    return sum(
        base_pool.record(state, pool.cid, w.share_record_id).shares
        for w in pool.withdraw_queue
        if w.user == who
    )


def check_withdrawal(
    state: ChainState, pool: BasePool, who: AccountId, shares: int, invalid: DispatchError
) -> None:
    """``who`` holds a record (``NoNftToWithdraw``) and ``shares`` is not dust and at most its record
    plus its queued shares (else ``invalid``) [STK-47] [STK-65]."""
    rid = base_pool.owner_record_id(state, pool.cid, who)
    if rid is None:
        raise error("NoNftToWithdraw")
    held = base_pool.record(state, pool.cid, rid).shares + queued_shares(state, pool, who)
    if base_pool.balance_close_to_zero(shares) or shares > held:
        raise invalid


def do_withdraw(
    state: ChainState,
    ctx: BlockContext,
    pool: StakePool,
    who: AccountId,
    shares: int,
    as_vault: int | None,
) -> tuple[ChainState, Events]:
    """Queue and process a withdrawal of ``who``'s ``shares`` from a stake pool [STK-47]."""
    check_withdrawal(state, pool.basepool, who, shares, error("InvalidWithdrawalAmount"))
    state, base, events = base_pool.try_withdraw(
        state, pool.basepool, who, shares, _now(ctx), as_vault
    )
    return put_pool(state, evolve(pool, basepool=base)), events


def withdraw(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    pid: PoolId,
    shares: Balance,
    as_vault: OptionPoolId,
) -> tuple[ChainState, Events]:
    """``withdraw(pid, shares, as_vault)``: the vault (if any), the pool, then [STK-47]'s checks."""
    who = ensure_signed(origin)
    who, _ = _as_vault(state, who, as_vault)
    pool = ensure_stake_pool(state, pid)
    return do_withdraw(state, ctx, pool, who, shares, as_vault)


# --- computing [STK-48]..[STK-51] -------------------------------------------------------------------


def do_start_computing(
    state: ChainState, ctx: BlockContext, owner: AccountId, pid: int, worker: bytes, stake: int
) -> tuple[ChainState, Events]:
    """Start ``worker`` with ``stake`` from the pool account, moved to the lock account [STK-48]."""
    pool = ensure_stake_pool(state, pid)
    _owner(pool, owner)
    if assets.balance(state, pool.basepool.pool_account) < stake:
        raise error("InsufficientFreeStake")
    if worker not in pool.workers:
        raise error("WorkerDoesNotExist")
    state, started = computation.start_computing(state, ctx, pool_sub_account(pid, worker), stake)
    state, moved, _ = assets.transfer(state, pool.basepool.pool_account, pool.lock_account, stake)
    return state, (
        *started,
        *moved,
        event(f"{PALLET}.WorkingStarted", pid=pid, worker=worker, amount=stake),
    )


def start_computing(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    pid: PoolId,
    worker: Bytes32,
    stake: Balance,
) -> tuple[ChainState, Events]:
    """``start_computing(pid, worker, stake)`` [STK-48]."""
    return do_start_computing(state, ctx, ensure_signed(origin), pid, worker, stake)


def do_stop_computing(
    state: ChainState, ctx: BlockContext, pool: StakePool, worker: bytes
) -> tuple[ChainState, StakePool, Events]:
    """Stop a pool's worker: it joins ``cd_workers`` [STK-49]."""
    if worker not in pool.workers:
        raise error("WorkerDoesNotExist")
    if worker in pool.cd_workers:
        raise error("WorkerAlreadyStopped")
    state, stopped = computation.stop_computing(
        state, ctx, pool_sub_account(pool.basepool.pid, worker)
    )
    pool = evolve(pool, cd_workers=(*pool.cd_workers, worker))
    return put_pool(state, pool), pool, stopped


def stop_computing(
    state: ChainState, ctx: BlockContext, origin: Origin, pid: PoolId, worker: Bytes32
) -> tuple[ChainState, Events]:
    """``stop_computing(pid, worker)``: the owner stops a worker; its stake cools down [STK-49]."""
    owner = ensure_signed(origin)
    pool = ensure_stake_pool(state, pid)
    _owner(pool, owner)
    state, _, events = do_stop_computing(state, ctx, pool, worker)
    return state, events


def on_stopped(
    state: ChainState, ctx: BlockContext, worker: bytes, stake: int, slashed: int
) -> tuple[ChainState, Events]:
    """``OnStopped``: nothing for stake pool v2 [STK-49] [CMP-22]; the pool tracks its stops itself."""
    return state, ()


def do_reclaim(
    state: ChainState, ctx: BlockContext, pid: int, worker: bytes, check_cooldown: bool
) -> tuple[ChainState, Events, int]:
    """Reclaim ``worker``'s session; its stake goes back from the lock account, then the queue is paid [STK-50].

    Returns the released stake (original stake less the slash, always 0).
    """
    state, reclaimed, (stake, slashed) = computation.reclaim(
        state, ctx, pool_sub_account(pid, worker), check_cooldown
    )
    pool = ensure_stake_pool(state, pid)
    released = stake - slashed
    state, moved, _ = assets.transfer(
        state, pool.lock_account, pool.basepool.pool_account, released
    )
    state, base, paid = base_pool.try_process_withdraw_queue(state, pool.basepool)
    pool = evolve(pool, basepool=base, cd_workers=tuple(w for w in pool.cd_workers if w != worker))
    return put_pool(state, pool), (*reclaimed, *moved, *paid), released


def reclaim_pool_worker(
    state: ChainState, ctx: BlockContext, origin: Origin, pid: PoolId, worker: Bytes32
) -> tuple[ChainState, Events]:
    """``reclaim_pool_worker(pid, worker)``: anyone, after the cool-down [STK-50]."""
    ensure_signed(origin)
    ensure_stake_pool(state, pid)
    state, events, _ = do_reclaim(state, ctx, pid, worker, check_cooldown=True)
    return state, events


def restart_computing(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    pid: PoolId,
    worker: Bytes32,
    stake: Balance,
) -> tuple[ChainState, Events]:
    """``restart_computing(pid, worker, stake)``: stop and reclaim at once, start with more stake [STK-51]."""
    owner = ensure_signed(origin)
    pool = ensure_stake_pool(state, pid)
    _owner(pool, owner)
    if pool.basepool.withdraw_queue:
        raise error("WithdrawQueueNotEmpty")
    state, pool, stopped = do_stop_computing(state, ctx, pool, worker)
    state, reclaimed, released = do_reclaim(state, ctx, pid, worker, check_cooldown=False)
    if stake <= released:
        raise error("CannotRestartWithLessStake")
    state, started = do_start_computing(state, ctx, owner, pid, worker, stake)
    return state, (*stopped, *reclaimed, *started)


# --- rewards [STK-53] ----------------------------------------------------------------------------------


@overload
def reward_split(reward: int, commission_parts: int) -> tuple[int, int]: ...
@overload
def reward_split(reward: Num, commission_parts: Num) -> tuple[Num, Num]: ...
def reward_split(reward: Num, commission_parts: Num) -> tuple[Num, Num]:
    """``(commission, to_stakers)``: ``Permill × reward`` rounded to nearest, ties down, and the rest [STK-53]."""
    commission = Permill(commission_parts) * reward
    return commission, reward - commission


def handle_pool_new_reward(
    state: ChainState, pool: StakePool, reward: int
) -> tuple[ChainState, Events]:
    """Pay ``reward`` (a balance) to a stake pool [STK-53]."""
    pid = pool.basepool.pid
    if reward == 0:
        return state, ()
    if base_pool.balance_close_to_zero(reward):
        return state, (event(f"{PALLET}.RewardDismissedDust", pid=pid, amount=reward),)
    if base_pool.balance_close_to_zero(pool.basepool.total_shares):
        return state, (event(f"{PALLET}.RewardDismissedNoShare", pid=pid, amount=reward),)
    try:
        state, funded = wrapped_balances.fund_wpha_account(
            state, computation.SUBSIDY_POOL, reward, keep_alive=True
        )
    except DispatchError as exc:
        raise RuntimePanic(f"the subsidy pool cannot pay a reward: {exc.code}") from exc
    commission, to_stakers = (int(v) for v in reward_split(reward, pool.payout_commission or 0))
    events: Events = funded
    state, minted_events, owner_minted = wrapped_balances.mint_into(
        state, pool.owner_reward_account, commission
    )
    events = (*events, *minted_events)
    if not owner_minted:
        events = (
            *events,
            event(f"{PALLET}.RewardToOwnerDismissedDust", pid=pid, amount=commission),
        )
    state, minted_events, minted = wrapped_balances.mint_into(
        state, pool.basepool.pool_account, to_stakers
    )
    events = (*events, *minted_events)
    distributed = minted and not base_pool.balance_close_to_zero(to_stakers)
    if distributed:
        state, base = base_pool.distribute_reward(state, pool.basepool, to_stakers)
        state = put_pool(state, evolve(ensure_stake_pool(state, pid), basepool=base))
    elif to_stakers > 0:
        events = (
            *events,
            event(f"{PALLET}.RewardToDistributionDismissedDust", pid=pid, amount=to_stakers),
        )
    if distributed or owner_minted:
        events = (
            *events,
            event(f"{PALLET}.RewardReceived", pid=pid, to_owner=commission, to_stakers=to_stakers),
        )
    return state, events


def on_reward(
    state: ChainState, ctx: BlockContext, settle: tuple[SettleInfo, ...]
) -> tuple[ChainState, Events]:
    """``OnReward``: each settlement's payout goes to the worker's pool, in order [STK-53] [CMP-22].

    A worker in no pool is dismissed (``RewardDismissedNotInPool``) and the
    loop goes on with the next settlement.
    """
    events: Events = ()
    for info in settle:
        reward = int(from_fixed(info.payout))
        pid = worker_assignment(state, info.pubkey)
        if pid is None:
            events = (
                *events,
                event(f"{PALLET}.RewardDismissedNotInPool", worker=info.pubkey, amount=reward),
            )
            continue
        state, paid = handle_pool_new_reward(state, ensure_stake_pool(state, pid), reward)
        events = (*events, *paid)
    return state, events


# --- force withdraw [STK-54] ---------------------------------------------------------------------------


def releasing_stake(state: ChainState, pool: StakePool) -> int:
    """Σ ``Stakes`` of the pool's cooling-down workers [STK-54]."""
    stakes = state.computation.stakes
    return sum(stakes.get(pool_sub_account(pool.basepool.pid, w), 0) for w in pool.cd_workers)


def check_and_maybe_force_withdraw(
    state: ChainState, ctx: BlockContext, origin: Origin, pid: PoolId
) -> tuple[ChainState, Events]:
    """``check_and_maybe_force_withdraw(pid)`` (anyone) [STK-54].

    Pay the queue; if a withdrawal waited more than the grace period for
    stake that is neither free nor releasing, stop every worker not already
    cooling down (a worker that cannot be stopped is skipped).
    """
    ensure_signed(origin)
    pool = ensure_stake_pool(state, pid)
    state, base, events = base_pool.try_process_withdraw_queue(state, pool.basepool)
    pool = evolve(pool, basepool=base)
    state = put_pool(state, pool)
    if not base_pool.has_expired_withdrawal(
        state,
        base,
        _now(ctx),
        state.config.staking.grace_period,
        None,
        releasing_stake(state, pool),
    ):
        return state, events
    for worker in pool.workers:
        if worker in pool.cd_workers:
            continue
        try:
            state, pool, stopped = do_stop_computing(state, ctx, pool, worker)
        except DispatchError:
            continue
        events = (*events, *stopped)
    return state, events


# --- helpers for views and invariants [STK-56] [STK-57] ----------------------------------------------


def locked_stake(state: ChainState, pool: StakePool) -> int:
    """The W-PHA in the pool's lock account [STK-57]."""
    return assets.balance(state, pool.lock_account)


def stake_value(state: ChainState, pool: BasePool, who: AccountId) -> int:
    """``who``'s shares in ``pool`` at the current price (0 without one) [STK-56]."""
    price = base_pool.share_price(pool)
    return int(bmul(base_pool.shares_of(state, pool, who), price)) if price is not None else 0
