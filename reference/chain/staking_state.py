"""Records of the staking pallets' storage [STK-1] [STK-10].

Kept apart from :mod:`.chain` so that the chain module only names them as
``ChainState`` fields: ``assets`` (the W-PHA asset of ``pallet_assets``),
``wrapped_balances`` and ``base_pool``. The stake pool v2 and vault pallets
extend ``BasePoolState.pools`` with records that carry a ``basepool`` field.
"""

from __future__ import annotations

from typing import Any

import attrs
import immutables

from ..primitives.codec import sparse_data, to_data
from ..primitives.types import AccountId

RESERVE_CID_START = 10_000
"""The first collection id of pool share records (production's ``RESERVE_CID_START``) [STK-11]."""


def _map() -> immutables.Map[Any, Any]:
    return immutables.Map()


@attrs.frozen
class StakingConfig:
    """Runtime constants of the staking pallets [STK-2].

    ``wpha_min_balance``: the minimum balance of the W-PHA asset
    (``pallet_assets`` ``min_balance`` of ``WPhaAssetId``); ``min_contribution``
    (``MinContribution``, 1 CENT); ``grace_period`` (``WorkingGracePeriod``,
    seconds); ``vault_queue_period`` (``VaultQueuePeriod``, seconds);
    ``max_pool_workers`` (``MaxPoolWorkers``) [STK-40] [STK-66].
    """

    wpha_min_balance: int = 10_000_000_000
    min_contribution: int = 10_000_000_000
    grace_period: int = 7 * 24 * 3600
    vault_queue_period: int = 21 * 24 * 3600
    max_pool_workers: int = 200

    def __data__(self) -> dict[str, Any]:
        """Plain data [GEN-5]: a parameter other than ``wpha_min_balance`` appears only when it
        differs from production's value, so states built before it existed keep their digest."""
        return sparse_data(self, always=("wpha_min_balance",))


@attrs.frozen
class AssetsState:
    """The W-PHA asset of ``pallet_assets``: per-account balances and the supply [STK-1]."""

    balances: immutables.Map[AccountId, int] = attrs.field(factory=_map)
    supply: int = 0


@attrs.frozen
class FinanceAccount:
    """``StakerAccounts[user]``: the pools the user invested in and the W-PHA locked by votes [STK-3]."""

    invest_pools: tuple[int, ...] = ()
    locked: int = 0


@attrs.frozen
class UserVote:
    """A user's W-PHA vote on one referendum: the amounts on each side [STK-27]."""

    aye: int
    nay: int


@attrs.frozen
class WrappedBalancesState:
    """pallet wrapped_balances' storage [STK-3]: ``StakerAccounts``, ``UnmintableDust`` and
    ``VoteAccountMap`` (``votes``: referendum -> user -> the user's vote, [STK-27]).

    A referendum without votes has no entry. ``votes`` is left out of the plain
    data while it is empty, so states without W-PHA votes keep the digest they
    had before votes were specified.
    """

    staker_accounts: immutables.Map[AccountId, FinanceAccount] = attrs.field(factory=_map)
    unmintable_dust: int = 0
    votes: immutables.Map[int, immutables.Map[AccountId, UserVote]] = attrs.field(factory=_map)

    def __data__(self) -> dict[str, Any]:
        """Plain data [CODEC-1]: ``votes`` only when there is one [STATE-3]."""
        data = {
            "staker_accounts": to_data(self.staker_accounts),
            "unmintable_dust": self.unmintable_dust,
        }
        if self.votes:
            data["votes"] = to_data(self.votes)
        return data


@attrs.frozen
class WithdrawInfo:
    """A queued withdrawal [STK-16]: ``start_time`` in unix seconds, the pallet-owned share record holding the shares."""

    user: AccountId
    start_time: int
    share_record_id: int


@attrs.frozen
class BasePool:
    """Production's ``BasePool`` [STK-10]."""

    pid: int
    owner: AccountId
    cid: int
    pool_account: AccountId
    total_shares: int = 0
    total_value: int = 0
    withdraw_queue: tuple[WithdrawInfo, ...] = ()
    value_subscribers: tuple[int, ...] = ()


@attrs.frozen
class ShareRecord:
    """A share record: production's RMRK NFT with the ``stake-info`` attribute ``NftAttr{shares}`` [STK-11]."""

    owner: AccountId
    shares: int


@attrs.frozen
class BasePoolState:
    """pallet base_pool's storage and the share records [STK-10] [STK-11].

    * ``pools``: pid -> a ``BasePool``, or a record with a ``basepool`` field
      (stake pools and vaults);
    * ``pool_count``: ``PoolCount``, the next pid, shared by every pool kind;
    * ``next_cid``: the next collection id (from ``RESERVE_CID_START``);
    * ``records``: cid -> record id -> ``ShareRecord``;
    * ``owner_index``: cid -> owner -> id of the owner's merged record (users
      and vaults; pallet-owned withdrawing records are reached from the queue);
    * ``next_record_id``: cid -> the next record id of the collection;
    * ``worker_assignments``: ``WorkerAssignments``, worker -> the stake pool
      holding it [STK-40].
    """

    pools: immutables.Map[int, Any] = attrs.field(factory=_map)
    pool_count: int = 0
    next_cid: int = RESERVE_CID_START
    records: immutables.Map[int, immutables.Map[int, ShareRecord]] = attrs.field(factory=_map)
    owner_index: immutables.Map[int, immutables.Map[AccountId, int]] = attrs.field(factory=_map)
    next_record_id: immutables.Map[int, int] = attrs.field(factory=_map)
    worker_assignments: immutables.Map[bytes, int] = attrs.field(factory=_map)


# --- stake pool v2 and vault records [STK-40] [STK-60] ------------------------------------


@attrs.frozen
class StakePool:
    """Production's ``StakePool`` [STK-40]: a base pool with workers, a cap and a commission.

    ``payout_commission`` is a ``Permill`` as its parts (0..=1,000,000) or
    ``None``; ``workers`` are worker public keys in the order added;
    ``cd_workers`` the workers stopped by the pool and not yet reclaimed.
    """

    basepool: BasePool
    lock_account: AccountId
    owner_reward_account: AccountId
    payout_commission: int | None = None
    cap: int | None = None
    workers: tuple[bytes, ...] = ()
    cd_workers: tuple[bytes, ...] = ()


@attrs.frozen
class Vault:
    """Production's ``Vault`` [STK-60]: a base pool investing in stake pools, with owner shares.

    ``last_share_price_checkpoint`` is a price in balance units (12
    decimals); ``commission`` a ``Permill``'s parts or ``None``;
    ``owner_shares`` are counted in ``total_shares`` but held by no record
    until claimed. ``locked`` is production's ``VaultLocks[pid]``: set by a
    force shutdown, it keeps the vault out of stake pools.
    """

    basepool: BasePool
    last_share_price_checkpoint: int
    commission: int | None = None
    owner_shares: int = 0
    invest_pools: tuple[int, ...] = ()
    locked: bool = False
