"""The base pool: shares, dust, contributions, the withdraw queue, rewards [STK-10]..[STK-24].

Production's ``pallet base_pool`` is a library for stake pools and vaults: its
functions take a ``&mut BasePool`` and are called by ``stake_pool_v2`` and
``vault``. Here they take the state (for the W-PHA ledger and the share
records) and a :class:`BasePool`, and return both; the caller stores the pool
back with :func:`put_basepool`, so a stake pool or vault record that carries a
``basepool`` field works the same way.

The arithmetic kernels (:func:`share_price_bits`, :func:`shares_for`,
:func:`payout`, :func:`remove_stake_amounts`, :func:`vault_reward_share`,
:func:`extract_dust`) are written with :mod:`.arith` and :mod:`.fixed` helpers,
so :mod:`phala_spec.proofs.staking` proves its claims about these very
functions.

Share records stand in for production's RMRK NFTs: one merged record per
owner per pool (``merge_nft_for_staker``) and one pallet-owned record per
queued withdrawal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

import immutables

from ...chain.staking_state import BasePool, ShareRecord, WithdrawInfo
from ...chain.state import AccountId, ChainState, Event, Events, event
from ...primitives.arith import Cond, Num, is_concrete, ite, le, min_, require
from ...primitives.codec import blake2b_256
from ...primitives.errors import ArithmeticUnderflow, DispatchError
from ...primitives.fixed import U64F64, bdiv, bmul, div, from_fixed, to_fixed
from ...primitives.records import evolve
from ...primitives.scale import u64_le
from ...primitives.types import Balance, PoolId
from . import assets, wrapped_balances

PALLET = "PhalaBasePool"
DUST = 1_000
"""``balance_close_to_zero``: a balance or share count of at most 1,000 units (1e-9 PHA) is dust [STK-12]."""

RECORD_ISSUER = b"basepool".ljust(32, b"\x00")
"""The pallet account that owns withdrawing share records (production's NFT issuer) [STK-11]."""


def error(name: str) -> DispatchError:
    return DispatchError(f"{PALLET}.{name}")


# --- derived accounts [STK-11] ---------------------------------------------------


def derived_account(prefix: bytes, pid: int, key: bytes) -> AccountId:
    """``(prefix, blake2_256(SCALE(pid: u64, key)))`` decoded with ``TrailingZeroInput`` [STK-11].

    The encoding is the raw prefix followed by the 32-byte hash; an
    ``AccountId32`` takes its first 32 bytes (a shorter one is zero-padded).
    Stake pools use ``b"sl/"`` (lock account) and ``b"so/"`` (owner rewards).
    """
    return (prefix + blake2b_256(u64_le(pid) + key)).ljust(32, b"\x00")[:32]


def pool_account(pid: int, owner: AccountId) -> AccountId:
    """The pool account ``("bp/", blake2_256(SCALE(pid, owner)))`` [STK-11]."""
    return derived_account(b"bp/", pid, owner)


# --- arithmetic kernels [STK-12]..[STK-14] ------------------------------------------


@overload
def balance_close_to_zero(n: int) -> bool: ...
@overload
def balance_close_to_zero(n: Num) -> Cond: ...
def balance_close_to_zero(n: Num) -> Cond:
    """``n <= 1000`` [STK-12]."""
    return le(n, DUST)


@overload
def extract_dust(n: int) -> tuple[int, int]: ...
@overload
def extract_dust(n: Num) -> tuple[Num, Num]: ...
def extract_dust(n: Num) -> tuple[Num, Num]:
    """``(rest, dust)``: ``(0, n)`` if ``n`` is dust, else ``(n, 0)`` [STK-12]."""
    dust = balance_close_to_zero(n)
    return ite(dust, 0, n), ite(dust, n, 0)


@overload
def share_price_bits(total_value: int, total_shares: int) -> int: ...
@overload
def share_price_bits(total_value: Num, total_shares: Num) -> Num: ...
def share_price_bits(total_value: Num, total_shares: Num) -> Num:
    """``to_fixed(total_value) / to_fixed(total_shares)``, truncated (U64F64 bits) [STK-13]."""
    return div(to_fixed(total_value), to_fixed(total_shares))


def share_price(pool: BasePool) -> int | None:
    """The share price, or ``None`` when ``checked_div`` fails [STK-13].

    It fails when ``to_fixed(total_shares)`` is zero (no shares) or when the
    quotient does not fit ``U64F64`` (a few units of shares against a large
    value).
    """
    divisor = to_fixed(pool.total_shares)
    if divisor == 0 or (to_fixed(pool.total_value) << 64) // divisor > U64F64.max_bits:
        return None
    return int(share_price_bits(pool.total_value, pool.total_shares))


@overload
def shares_for(amount: int, price: int | None) -> int: ...
@overload
def shares_for(amount: Num, price: Num | None) -> Num: ...
def shares_for(amount: Num, price: Num | None) -> Num:
    """Shares minted for ``amount``: ``bdiv(amount, price)``, or ``amount`` without a price or at price 0 [STK-14]."""
    if price is None or (is_concrete(price) and price == 0):
        return amount
    return bdiv(amount, price)


@overload
def payout(shares: int, price: int, free: int) -> int: ...
@overload
def payout(shares: Num, price: Num, free: Num) -> Num: ...
def payout(shares: Num, price: Num, free: Num) -> Num:
    """What removing ``shares`` pays: ``min(bmul(shares, price), free)`` [STK-17]."""
    return min_(bmul(shares, price), free)


@overload
def remove_stake_amounts(
    total_shares: int, total_value: int, record_shares: int, shares: int, price: int, free: int
) -> tuple[int, int, int, int, int]: ...
@overload
def remove_stake_amounts(
    total_shares: Num, total_value: Num, record_shares: Num, shares: Num, price: Num, free: Num
) -> tuple[Num, Num, Num, Num, Num]: ...
def remove_stake_amounts(
    total_shares: Num, total_value: Num, record_shares: Num, shares: Num, price: Num, free: Num
) -> tuple[Num, Num, Num, Num, Num]:
    """``(amount, record_rest, removed, total_shares', total_value')`` of ``remove_stake_from_nft`` [STK-17].

    The record's rest is dust-extracted and the dust removed with the shares;
    a remaining pool value that is dust becomes 0.
    """
    amount = payout(shares, price, free)
    require(le(shares, record_shares), ArithmeticUnderflow)
    record_rest, dust = extract_dust(record_shares - shares)
    removed = shares + dust
    require(le(removed, total_shares), ArithmeticUnderflow)
    require(le(amount, total_value), ArithmeticUnderflow)
    value_rest = total_value - amount
    return (
        amount,
        record_rest,
        removed,
        total_shares - removed,
        ite(balance_close_to_zero(value_rest), 0, value_rest),
    )


@overload
def vault_reward_share(vault_shares: int, total_shares: int, reward: int) -> int: ...
@overload
def vault_reward_share(vault_shares: Num, total_shares: Num, reward: Num) -> Num: ...
def vault_reward_share(vault_shares: Num, total_shares: Num, reward: Num) -> Num:
    """A subscribed vault's part of a reward: ``bmul(from_fixed(vs / ts), to_fixed(reward))`` [STK-19]."""
    ratio = from_fixed(div(to_fixed(vault_shares), to_fixed(total_shares)))
    return bmul(ratio, to_fixed(reward))


# --- pools [STK-10] ---------------------------------------------------------------


def get_basepool(state: ChainState, pid: int) -> BasePool:
    """The base pool of pool ``pid`` (a ``BasePool`` or a record's ``basepool``); ``PoolDoesNotExist`` [STK-10]."""
    record = state.base_pool.pools.get(pid)
    if record is None:
        raise error("PoolDoesNotExist")
    pool: BasePool = record if isinstance(record, BasePool) else record.basepool
    return pool


def put_basepool(state: ChainState, pool: BasePool) -> ChainState:
    """Store ``pool`` back into its pool record [STK-10]."""
    record = state.base_pool.pools.get(pool.pid)
    stored = (
        pool if record is None or isinstance(record, BasePool) else evolve(record, basepool=pool)
    )
    return _evolve(state, pools=state.base_pool.pools.set(pool.pid, stored))


def _evolve(state: ChainState, **changes: Any) -> ChainState:
    return evolve(state, base_pool=evolve(state.base_pool, **changes))


def new_pool(state: ChainState, owner: AccountId) -> tuple[ChainState, BasePool]:
    """Take the next pid (``PoolCount``) and collection id and build an empty base pool [STK-11].

    The pool is not stored: stake pools and vaults wrap it in their own record
    and store that; :func:`create_pool` stores a plain base pool.
    """
    pid, cid = state.base_pool.pool_count, state.base_pool.next_cid
    pool = BasePool(pid=pid, owner=owner, cid=cid, pool_account=pool_account(pid, owner))
    state = _evolve(
        state,
        pool_count=pid + 1,
        next_cid=cid + 1,
        records=state.base_pool.records.set(cid, immutables.Map()),
        owner_index=state.base_pool.owner_index.set(cid, immutables.Map()),
        next_record_id=state.base_pool.next_record_id.set(cid, 0),
    )
    return state, pool


def create_pool(state: ChainState, owner: AccountId) -> tuple[ChainState, int]:
    """Create and store a plain base pool; returns its pid [STK-11]."""
    state, pool = new_pool(state, owner)
    return _evolve(state, pools=state.base_pool.pools.set(pool.pid, pool)), pool.pid


# --- share records [STK-11] ----------------------------------------------------------


def record(state: ChainState, cid: int, rid: int) -> ShareRecord:
    """The share record ``rid`` of collection ``cid``; ``NftIdNotFound`` [STK-11]."""
    found = state.base_pool.records.get(cid, immutables.Map()).get(rid)
    if found is None:
        raise error("NftIdNotFound")
    return found


def owner_record_id(state: ChainState, cid: int, owner: AccountId) -> int | None:
    """The id of ``owner``'s merged record in collection ``cid``, if any [STK-11]."""
    return state.base_pool.owner_index.get(cid, immutables.Map()).get(owner)


def shares_of(state: ChainState, pool: BasePool, owner: AccountId) -> int:
    """``owner``'s shares in ``pool``: its merged record plus its queued withdrawals [STK-11]."""
    rid = owner_record_id(state, pool.cid, owner)
    held = record(state, pool.cid, rid).shares if rid is not None else 0
    return held + sum(
        record(state, pool.cid, w.share_record_id).shares
        for w in pool.withdraw_queue
        if w.user == owner
    )


def stake_value(state: ChainState, pid: int, owner: AccountId) -> int:
    """``bmul(shares, price)`` of ``owner``'s shares in pool ``pid``; 0 without a share price [STK-4]."""
    pool = get_basepool(state, pid)
    price = share_price(pool)
    return 0 if price is None else int(bmul(shares_of(state, pool, owner), price))


def _put_record(state: ChainState, cid: int, rid: int, rec: ShareRecord) -> ChainState:
    records = state.base_pool.records
    return _evolve(state, records=records.set(cid, records[cid].set(rid, rec)))


def _index(state: ChainState, cid: int, owner: AccountId, rid: int | None) -> ChainState:
    index = state.base_pool.owner_index
    entries = index[cid].set(owner, rid) if rid is not None else index[cid].delete(owner)
    return _evolve(state, owner_index=index.set(cid, entries))


def _mint_record(
    state: ChainState, pool: BasePool, owner: AccountId, shares: int
) -> tuple[ChainState, int, Event]:
    """Mint a share record (``mint_nft``) with the collection's next id [STK-11]."""
    rid = state.base_pool.next_record_id[pool.cid]
    state = _evolve(state, next_record_id=state.base_pool.next_record_id.set(pool.cid, rid + 1))
    state = _put_record(state, pool.cid, rid, ShareRecord(owner, shares))
    created = event(
        f"{PALLET}.NftCreated", pid=pool.pid, cid=pool.cid, nft_id=rid, owner=owner, shares=shares
    )
    return state, rid, created


def _burn_record(state: ChainState, cid: int, rid: int) -> ChainState:
    records = state.base_pool.records
    return _evolve(state, records=records.set(cid, records[cid].delete(rid)))


def add_shares(
    state: ChainState, pool: BasePool, owner: AccountId, shares: int
) -> tuple[ChainState, Events]:
    """Mint a record of ``shares`` for ``owner`` and merge it with the owner's record [STK-11].

    ``merge_nft_for_staker``: when the owner already holds a record, both
    are burnt and one record with the sum is minted (a fresh id).
    """
    old = owner_record_id(state, pool.cid, owner)
    state, rid, created = _mint_record(state, pool, owner, shares)
    events: list[Event] = [created]
    if old is not None:
        total = record(state, pool.cid, old).shares + shares
        state = _burn_record(_burn_record(state, pool.cid, old), pool.cid, rid)
        state, rid, merged = _mint_record(state, pool, owner, total)
        events.append(merged)
    return _index(state, pool.cid, owner, rid), tuple(events)


# --- contribute [STK-14] ---------------------------------------------------------------


def contribute(
    state: ChainState, pool: BasePool, who: AccountId, amount: int
) -> tuple[ChainState, BasePool, Events, int]:
    """``base_pool::contribute``: move ``amount`` W-PHA into the pool for new shares [STK-14].

    Check order: the pool is not bankrupt (``total_shares == 0 or
    total_value > 0``, else ``PoolBankrupt``); the W-PHA transfer from ``who``
    to the pool account succeeds. Returns the shares minted.
    """
    if not (pool.total_shares == 0 or pool.total_value > 0):
        raise error("PoolBankrupt")
    shares = int(shares_for(amount, share_price(pool)))
    state, moved, _ = assets.transfer(state, who, pool.pool_account, amount)
    state, minted = add_shares(state, pool, who, shares)
    pool = evolve(
        pool, total_shares=pool.total_shares + shares, total_value=pool.total_value + amount
    )
    return state, pool, (*moved, *minted), shares


# --- removing stake and the withdraw queue [STK-16]..[STK-18] -------------------------------


def remove_stake(
    state: ChainState, pool: BasePool, rid: int, shares: int, user: AccountId
) -> tuple[ChainState, BasePool, Events, int, int]:
    """``remove_stake_from_nft``: pay ``user`` for ``shares`` of record ``rid`` [STK-17].

    Returns ``(state, pool, events, amount, removed)``; the record keeps its
    dust-extracted rest. Needs a share price (callers check).
    """
    price = share_price(pool)
    assert price is not None, "remove_stake needs a share price"
    rec = record(state, pool.cid, rid)
    free = assets.balance(state, pool.pool_account)
    amount, rest, removed, total_shares, total_value = (
        int(v)
        for v in remove_stake_amounts(
            pool.total_shares, pool.total_value, rec.shares, shares, price, free
        )
    )
    state = _put_record(state, pool.cid, rid, evolve(rec, shares=rest))
    pool = evolve(pool, total_shares=total_shares, total_value=total_value)
    state, moved, _ = assets.transfer(state, pool.pool_account, user, amount)
    return state, pool, moved, amount, removed


def maybe_remove_dust(pool: BasePool, rec: ShareRecord) -> tuple[BasePool, ShareRecord, bool]:
    """A record holding dust shares gives them up: ``total_shares -= shares``, record emptied [STK-12]."""
    if rec.shares == 0 or not balance_close_to_zero(rec.shares):
        return pool, rec, False
    return (
        evolve(pool, total_shares=pool.total_shares - rec.shares),
        evolve(rec, shares=0),
        True,
    )


def push_withdraw_in_queue(
    state: ChainState,
    pool: BasePool,
    who: AccountId,
    shares: int,
    now: int,
    as_vault: int | None = None,
) -> tuple[ChainState, BasePool, Events]:
    """Queue a withdrawal of ``shares`` from ``who``'s record [STK-16].

    ``who`` must hold a record (``NftIdNotFound``). Without a share price the
    record is just reduced. Otherwise ``who``'s queued request, if any, is
    taken out of the queue and its shares go back to the record (one request
    per user: a new request starts over at the back); then the record must
    hold ``shares`` (``InvalidShareToWithdraw``), which move to a new
    pallet-owned record queued as ``{who, now, record}``.
    """
    rid = owner_record_id(state, pool.cid, who)
    if rid is None:
        raise error("NftIdNotFound")
    rec = record(state, pool.cid, rid)
    if share_price(pool) is None:
        if rec.shares < shares:
            raise error("InvalidShareToWithdraw")
        return (
            _put_record(state, pool.cid, rid, evolve(rec, shares=rec.shares - shares)),
            pool,
            (),
        )
    queue: list[WithdrawInfo] = []
    for request in pool.withdraw_queue:
        if request.user == who:
            rec = evolve(
                rec, shares=rec.shares + record(state, pool.cid, request.share_record_id).shares
            )
            state = _burn_record(state, pool.cid, request.share_record_id)
        else:
            queue.append(request)
    if rec.shares < shares:
        raise error("InvalidShareToWithdraw")
    state = _put_record(state, pool.cid, rid, evolve(rec, shares=rec.shares - shares))
    state, wid, created = _mint_record(state, pool, RECORD_ISSUER, shares)
    pool = evolve(pool, withdraw_queue=(*queue, WithdrawInfo(who, now, wid)))
    queued = event(
        f"{PALLET}.WithdrawalQueued",
        pid=pool.pid,
        user=who,
        shares=shares,
        nft_id=rid,
        as_vault=as_vault,
        withdrawing_nft_id=wid,
    )
    return state, pool, (created, queued)


def try_process_withdraw_queue(
    state: ChainState, pool: BasePool
) -> tuple[ChainState, BasePool, Events]:
    """Pay queued withdrawals from the pool account's free W-PHA, front first [STK-18].

    The price is fixed at entry (none: nothing happens). While the pool
    account holds more than W-PHA's minimum balance and the queue is not
    empty, the front request is either burnt (its value at the price is at
    most the minimum balance: its shares leave ``total_shares`` and count as
    ``burnt_shares``) or paid with ``min(bdiv(free, price), shares)`` shares
    (all at price 0) by :func:`remove_stake`. A request left empty or with a
    value at most the minimum balance is burnt and popped; otherwise it stays
    at the front and processing stops. One ``Withdrawal{pid, user, amount,
    shares, burnt_shares}`` per user, users in ascending account order.
    """
    price = share_price(pool)
    if price is None:
        return state, pool, ()
    floor = assets.min_balance(state)
    totals: dict[AccountId, list[int]] = {}
    events: list[Event] = []
    while pool.withdraw_queue and assets.balance(state, pool.pool_account) > floor:
        request = pool.withdraw_queue[0]
        user_totals = totals.setdefault(request.user, [0, 0, 0])
        rec = record(state, pool.cid, request.share_record_id)
        if rec.shares > 0 and bmul(rec.shares, price) > floor:
            free = assets.balance(state, pool.pool_account)
            take = min(int(bdiv(free, price)), rec.shares) if price != 0 else rec.shares
            state, pool, moved, amount, removed = remove_stake(
                state, pool, request.share_record_id, take, request.user
            )
            events.extend(moved)
            user_totals[0] += amount
            user_totals[1] += removed
            rec = record(state, pool.cid, request.share_record_id)
            if rec.shares > 0 and bmul(rec.shares, price) > floor:
                break
        pool = evolve(
            pool,
            total_shares=pool.total_shares - rec.shares,
            withdraw_queue=pool.withdraw_queue[1:],
        )
        user_totals[2] += rec.shares
        state = _burn_record(state, pool.cid, request.share_record_id)
    for user in sorted(totals):
        amount, shares, burnt = totals[user]
        events.append(
            event(
                f"{PALLET}.Withdrawal",
                pid=pool.pid,
                user=user,
                amount=amount,
                shares=shares,
                burnt_shares=burnt,
            )
        )
    return state, pool, tuple(events)


def try_withdraw(
    state: ChainState,
    pool: BasePool,
    who: AccountId,
    shares: int,
    now: int,
    as_vault: int | None = None,
) -> tuple[ChainState, BasePool, Events]:
    """Queue a withdrawal, then process the queue [STK-16] [STK-18]."""
    state, pool, queued = push_withdraw_in_queue(state, pool, who, shares, now, as_vault)
    state, pool, paid = try_process_withdraw_queue(state, pool)
    return state, pool, (*queued, *paid)


def has_expired_withdrawal(
    state: ChainState,
    pool: BasePool,
    now: int,
    grace_period: int,
    vault_period: int | None,
    releasing: int,
) -> bool:
    """Whether a queued withdrawal waited too long for stake that is not coming [STK-20].

    The budget is the pool account's free W-PHA plus ``releasing``. Walking
    the queue: (vaults only) a request older than ``vault_period`` is expired;
    the first request whose value exceeds the remaining budget decides
    (older than ``grace_period``); otherwise its value is taken from the
    budget. At the end: not expired.
    """
    price = share_price(pool)
    budget = assets.balance(state, pool.pool_account) + releasing
    for request in pool.withdraw_queue:
        waited = now - request.start_time
        if vault_period is not None and waited > vault_period:
            return True
        shares = record(state, pool.cid, request.share_record_id).shares
        value = int(bmul(shares, price)) if price is not None else 0
        if value > budget:
            return waited > grace_period
        budget -= value
    return False


# --- rewards [STK-19] ------------------------------------------------------------------


def distribute_reward(
    state: ChainState, pool: BasePool, reward: int
) -> tuple[ChainState, BasePool]:
    """Add ``reward`` to ``total_value`` and pass each subscribed vault its part, recursively [STK-19].

    A vault's shares in the pool are its merged record plus its queued
    withdrawals; no token moves (the vault's value is kept lazily). A vault
    is skipped when ``to_fixed(total_shares)`` is zero.
    """
    pool = evolve(pool, total_value=pool.total_value + reward)
    for vault_pid in pool.value_subscribers:
        vault = get_basepool(state, vault_pid)
        if to_fixed(pool.total_shares) == 0:
            continue
        settled = int(
            vault_reward_share(
                shares_of(state, pool, vault.pool_account), pool.total_shares, reward
            )
        )
        state, vault = distribute_reward(state, vault, settled)
        state = put_basepool(state, vault)
    return state, pool


def slash(pool: BasePool, amount: int) -> BasePool:
    """Reduce ``total_value`` by ``amount``, a dust rest becoming 0 [STK-21] (unreachable: slashing is disabled)."""
    rest, _ = extract_dust(max(pool.total_value - amount, 0))
    return evolve(pool, total_value=rest)


# --- operations for vectors [STK-22] -------------------------------------------------------


def _with_pool(
    state: ChainState,
    pid: int,
    step: Callable[[ChainState, BasePool], tuple[ChainState, BasePool, Events]],
) -> tuple[ChainState, Events]:
    pool = get_basepool(state, pid)
    state, pool, events = step(state, pool)
    return put_basepool(state, pool), events


def create_operation(state: ChainState, owner: AccountId) -> tuple[ChainState, Events, int]:
    """``BasePool.create``: a plain base pool; returns its pid [STK-22]."""
    state, pid = create_pool(state, owner)
    return state, (), pid


def contribute_operation(
    state: ChainState, pid: PoolId, who: AccountId, amount: Balance
) -> tuple[ChainState, Events, int]:
    """``BasePool.contribute``: :func:`contribute`, then the pool joins ``who``'s invest pools [STK-22]."""
    state, pool, events, shares = contribute(state, get_basepool(state, pid), who, amount)
    state = wrapped_balances.subscribe_to_pool(put_basepool(state, pool), who, pid)
    return state, events, shares


def withdraw_operation(
    state: ChainState, pid: PoolId, who: AccountId, shares: Balance
) -> tuple[ChainState, Events]:
    """``BasePool.withdraw``: :func:`try_withdraw` at the block's time (unix seconds) [STK-22]."""
    now = state.system.block.timestamp // 1000
    return _with_pool(state, pid, lambda s, p: try_withdraw(s, p, who, shares, now))


def process_queue_operation(state: ChainState, pid: PoolId) -> tuple[ChainState, Events]:
    """``BasePool.process_withdraw_queue``: :func:`try_process_withdraw_queue` [STK-22]."""
    return _with_pool(state, pid, try_process_withdraw_queue)


def reward_operation(
    state: ChainState, pid: PoolId, source: AccountId, amount: Balance
) -> tuple[ChainState, Events]:
    """``BasePool.distribute_reward``: a reward arriving as a stake pool receives one [STK-22].

    ``amount`` PHA moves from ``source`` to the W-PHA account (may reap the
    source), W-PHA is minted into the pool account (:func:`wrapped_balances.mint_into`:
    below the minimum balance it becomes unmintable dust), and if minted the
    pool's value grows by :func:`distribute_reward`.
    """
    pool = get_basepool(state, pid)
    state, moved = wrapped_balances.fund_wpha_account(state, source, amount)
    state, minted_events, minted = wrapped_balances.mint_into(state, pool.pool_account, amount)
    if minted:
        state, pool = distribute_reward(state, pool, amount)
        state = put_basepool(state, pool)
    return state, (*moved, *minted_events)
