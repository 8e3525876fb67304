"""pallet vault (``PhalaVault``): pools that invest in stake pools [STK-60]..[STK-67].

A vault is a base pool ([STK-10]) whose owner invests its free W-PHA in
stake pools (``stake_pool_v2.contribute`` with ``as_vault``). Its value grows
lazily as the stake pools distribute rewards ([STK-19]); its owner earns a
commission as *owner shares*, minted at the checkpoint price by
:func:`gain_owner_shares` ([STK-61]). Anyone may force a vault whose queued
withdrawals wait too long to withdraw everything from its stake pools, which
locks it ([STK-66]). Clauses: spec/staking.md.

The accrual kernel :func:`owner_share_gain` is written with :mod:`.arith` and
:mod:`.fixed` helpers, so :mod:`phala_spec.proofs.stake_pool` proves its
claims about this very function.
"""

from __future__ import annotations

from typing import overload

from ...chain.staking_state import Vault
from ...chain.state import AccountId, BlockContext, ChainState, Event, Events, Origin, event
from ...primitives.arith import Num, saturating_sub
from ...primitives.errors import DispatchError
from ...primitives.fixed import bdiv, bmul, from_fixed, to_fixed
from ...primitives.perthings import Permill
from ...primitives.records import evolve
from ...primitives.types import Balance, OptionPermillParts, PoolId
from ..balances.origins import ensure_signed
from . import assets, base_pool, wrapped_balances
from .stake_pool_v2 import (
    check_withdrawal,
    do_withdraw,
    ensure_pool_of,
    ensure_stake_pool,
    put_pool,
    queued_shares,
)

PALLET = "PhalaVault"

INITIAL_PRICE_CHECKPOINT = 10**12
"""``InitialPriceCheckPoint``: 1 PHA, the first checkpoint of a vault [STK-60]."""
VAULT_QUEUE_PERIOD = 21 * 24 * 3600
"""``VaultQueuePeriod`` in seconds [STK-66]; the default of
``config.staking.vault_queue_period`` [GEN-5]."""


def error(name: str) -> DispatchError:
    return DispatchError(f"{PALLET}.{name}")


def _now(ctx: BlockContext) -> int:
    return ctx.timestamp // 1000


def ensure_vault(state: ChainState, pid: int) -> Vault:
    """The vault ``pid``: ``PoolDoesNotExist``, then ``PoolTypeNotMatch`` [STK-60]."""
    vault: Vault = ensure_pool_of(state, pid, Vault)
    return vault


def _owner(vault: Vault, who: AccountId) -> None:
    if vault.basepool.owner != who:
        raise error("UnauthorizedPoolOwner")


def create(state: ChainState, ctx: BlockContext, origin: Origin) -> tuple[ChainState, Events]:
    """``create()``: a new vault owned by the caller, checkpoint 1 PHA [STK-60]."""
    owner = ensure_signed(origin)
    state, base = base_pool.new_pool(state, owner)
    state = put_pool(
        state, Vault(basepool=base, last_share_price_checkpoint=INITIAL_PRICE_CHECKPOINT)
    )
    return state, (
        event(
            f"{PALLET}.PoolCreated",
            owner=owner,
            pid=base.pid,
            cid=base.cid,
            pool_account_id=base.pool_account,
        ),
    )


# --- owner shares [STK-61]..[STK-63] --------------------------------------------------------------------


@overload
def owner_share_gain(
    total_value: int, total_shares: int, current_price: int, checkpoint: int, commission_parts: int
) -> tuple[int, int]: ...
@overload
def owner_share_gain(
    total_value: Num, total_shares: Num, current_price: Num, checkpoint: Num, commission_parts: Num
) -> tuple[Num, Num]: ...
def owner_share_gain(
    total_value: Num, total_shares: Num, current_price: Num, checkpoint: Num, commission_parts: Num
) -> tuple[Num, Num]:
    """``(adjust, new_price)`` for a price that rose from ``checkpoint`` to ``current_price`` [STK-61].

    ``new_price = current - commission × (current - checkpoint)`` (Permill,
    nearest, ties down); ``adjust = bdiv(total_value, to_fixed(new_price)) -
    total_shares``, saturating at 0.
    """
    new_price = current_price - Permill(commission_parts) * (current_price - checkpoint)
    adjust = saturating_sub(bdiv(total_value, to_fixed(new_price)), total_shares)
    return adjust, new_price


def gain_owner_shares(vault: Vault) -> tuple[Vault, Events]:
    """``do_gain_owner_share`` [STK-61]: mint the owner's commission on the price gain as shares."""
    price = base_pool.share_price(vault.basepool)
    if price is None:
        return vault, ()
    current = int(from_fixed(price))
    if vault.last_share_price_checkpoint == 0:
        return evolve(vault, last_share_price_checkpoint=current), ()
    if current <= vault.last_share_price_checkpoint:
        return vault, ()
    base = vault.basepool
    adjust, new_price = (
        int(v)
        for v in owner_share_gain(
            base.total_value,
            base.total_shares,
            current,
            vault.last_share_price_checkpoint,
            vault.commission or 0,
        )
    )
    vault = evolve(
        vault,
        basepool=evolve(base, total_shares=base.total_shares + adjust),
        owner_shares=vault.owner_shares + adjust,
        last_share_price_checkpoint=new_price,
    )
    return vault, (
        event(f"{PALLET}.OwnerSharesGained", pid=base.pid, shares=adjust, checkpoint=new_price),
    )


def maybe_gain_owner_shares(
    state: ChainState, ctx: BlockContext, origin: Origin, vault_pid: PoolId
) -> tuple[ChainState, Events]:
    """``maybe_gain_owner_shares(vault_pid)``: the owner settles its commission now [STK-63]."""
    who = ensure_signed(origin)
    vault = ensure_vault(state, vault_pid)
    _owner(vault, who)
    vault, events = gain_owner_shares(vault)
    return put_pool(state, vault), events


def set_payout_pref(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    pid: PoolId,
    payout_commission: OptionPermillParts,
) -> tuple[ChainState, Events]:
    """``set_payout_pref(pid, commission)``: settle at the old rate, then change it [STK-62]."""
    who = ensure_signed(origin)
    vault = ensure_vault(state, pid)
    _owner(vault, who)
    if vault.commission == payout_commission:
        raise error("CommissionNotChanged")
    vault, gained = gain_owner_shares(vault)
    state = put_pool(state, evolve(vault, commission=payout_commission))
    return state, (
        *gained,
        event(f"{PALLET}.VaultCommissionSet", pid=pid, commission=payout_commission or 0),
    )


def claim_owner_shares(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    vault_pid: PoolId,
    target: AccountId,
    shares: Balance,
) -> tuple[ChainState, Events]:
    """``claim_owner_shares(vault_pid, target, shares)``: owner shares become ``target``'s record [STK-63]."""
    who, pid = ensure_signed(origin), vault_pid
    vault = ensure_vault(state, pid)
    _owner(vault, who)
    if vault.owner_shares < shares:
        raise error("NoEnoughShareToClaim")
    if shares == 0:
        raise error("NoRewardToClaim")
    state, minted = base_pool.add_shares(state, vault.basepool, target, shares)
    state = put_pool(state, evolve(vault, owner_shares=vault.owner_shares - shares))
    state = wrapped_balances.subscribe_to_pool(state, target, pid)
    return state, (*minted, event(f"{PALLET}.OwnerSharesClaimed", pid=pid, user=who, shares=shares))


# --- contribute and withdraw [STK-64] [STK-65] -------------------------------------------------------------


def contribute(
    state: ChainState, ctx: BlockContext, origin: Origin, pid: PoolId, amount: Balance
) -> tuple[ChainState, Events]:
    """``contribute(pid, amount)`` [STK-64].

    Check order: the minimum contribution (``InsufficientContribution``), the
    caller's W-PHA account (``AssetAccountNotExist``), its free W-PHA
    (``InsufficientBalance``), and only then the vault (while gaining owner
    shares); owner shares are gained first, then the base pool's
    contribution, the queue is paid, the vault joins the caller's invest pools.
    """
    who = ensure_signed(origin)
    if amount < state.config.staking.min_contribution:
        raise error("InsufficientContribution")
    if who not in state.assets.balances:
        raise error("AssetAccountNotExist")
    if assets.balance(state, who) < amount:
        raise error("InsufficientBalance")
    vault = ensure_vault(state, pid)
    vault, gained = gain_owner_shares(vault)
    state, base, events, shares = base_pool.contribute(state, vault.basepool, who, amount)
    state, base, paid = base_pool.try_process_withdraw_queue(state, base)
    state = wrapped_balances.subscribe_to_pool(
        put_pool(state, evolve(vault, basepool=base)), who, pid
    )
    return state, (
        *gained,
        *events,
        *paid,
        event(f"{PALLET}.Contribution", pid=pid, user=who, amount=amount, shares=shares),
    )


def withdraw(
    state: ChainState, ctx: BlockContext, origin: Origin, pid: PoolId, shares: Balance
) -> tuple[ChainState, Events]:
    """``withdraw(pid, shares)``: owner shares gained first, then as a stake pool's withdrawal [STK-65]."""
    who = ensure_signed(origin)
    vault = ensure_vault(state, pid)
    vault, gained = gain_owner_shares(vault)
    check_withdrawal(state, vault.basepool, who, shares, error("NoEnoughShareToClaim"))
    state, base, events = base_pool.try_withdraw(state, vault.basepool, who, shares, _now(ctx))
    return put_pool(state, evolve(vault, basepool=base)), (*gained, *events)


# --- force shutdown [STK-66] ----------------------------------------------------------------------------------


def releasing_value(state: ChainState, vault: Vault) -> int:
    """The value of the vault's queued withdrawals in its invest pools, at their prices [STK-66]."""
    total = 0
    for pid in vault.invest_pools:
        pool = ensure_stake_pool(state, pid).basepool
        price = base_pool.share_price(pool)
        if price is not None:
            total += int(bmul(queued_shares(state, pool, vault.basepool.pool_account), price))
    return total


def shutdown_reason(state: ChainState, vault: Vault, now: int) -> str | None:
    """Why a vault must shut down, if it must [STK-66]."""
    queue = vault.basepool.withdraw_queue
    params = state.config.staking
    if queue and queue[0].start_time + 3 * params.grace_period < now:
        return "Waiting3xGracePeriod"
    if base_pool.has_expired_withdrawal(
        state,
        vault.basepool,
        now,
        params.grace_period,
        params.vault_queue_period,
        releasing_value(state, vault),
    ):
        return "NoEnoughReleasingStake"
    return None


def withdraw_everything(
    state: ChainState, ctx: BlockContext, vault: Vault
) -> tuple[ChainState, Vault, Events]:
    """Withdraw all the vault's shares from every invest pool; pools where it holds none or dust are dropped [STK-66]."""
    account = vault.basepool.pool_account
    events: list[Event] = []
    kept: list[int] = []
    for pid in vault.invest_pools:
        pool = ensure_stake_pool(state, pid)
        shares = base_pool.shares_of(state, pool.basepool, account)
        if base_pool.owner_record_id(
            state, pool.basepool.cid, account
        ) is None or base_pool.balance_close_to_zero(shares):
            continue
        state, withdrawn = do_withdraw(state, ctx, pool, account, shares, vault.basepool.pid)
        events.extend(withdrawn)
        kept.append(pid)
    vault = evolve(ensure_vault(state, vault.basepool.pid), invest_pools=tuple(kept))
    return state, vault, tuple(events)


def check_and_maybe_force_withdraw(
    state: ChainState, ctx: BlockContext, origin: Origin, vault_pid: PoolId
) -> tuple[ChainState, Events]:
    """``check_and_maybe_force_withdraw(vault_pid)`` (anyone) [STK-66].

    Pay the vault's queue; an empty queue unlocks the vault; a locked vault
    stops there. A shutdown withdraws everything from the stake pools,
    locks the vault and emits ``ForceShutdown{pid, reason}``.
    """
    ensure_signed(origin)
    pid = vault_pid
    vault = ensure_vault(state, pid)
    state, base, events = base_pool.try_process_withdraw_queue(state, vault.basepool)
    vault = evolve(vault, basepool=base)
    if not base.withdraw_queue:
        vault = evolve(vault, locked=False)
    state = put_pool(state, vault)
    if vault.locked:
        return state, events
    reason = shutdown_reason(state, vault, _now(ctx))
    if reason is None:
        return state, events
    state, vault, withdrawn = withdraw_everything(state, ctx, vault)
    state = put_pool(state, evolve(vault, locked=True))
    shutdown: Event = event(f"{PALLET}.ForceShutdown", pid=pid, reason=reason)
    return state, (*events, *withdrawn, shutdown)
