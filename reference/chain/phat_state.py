"""Records of the Phat Contracts pallets' storage [PHAT-1] [PHAT-2] [PHAT-30].

Kept apart from :mod:`.state` so that the chain module only names them as
``ChainState`` fields: ``phat`` (``PhalaPhatContracts``) and ``phat_tokenomic``
(``PhalaPhatTokenomic``). The cluster and contract public keys the chain
checks messages against stay in the registry's storage (``ClusterKeys``,
``ContractKeys``, [MQ-8]), where production keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import attrs
import immutables

from ..primitives.errors import InvalidInput
from ..primitives.types import ACCOUNT_ID, BYTES32, AccountId, Kind

MIB = 1024 * 1024


def _map() -> immutables.Map[Any, Any]:
    return immutables.Map()


@attrs.frozen
class PhatConfig:
    """The phat pallet's runtime constants [PHAT-2]: the largest ink code and the largest
    sidevm code a cluster accepts, in bytes (Phala's ``InkCodeSizeLimit`` and
    ``SidevmCodeSizeLimit``)."""

    ink_code_size_limit: int = 2 * MIB
    sidevm_code_size_limit: int = 8 * MIB


@attrs.frozen
class ClusterPermission:
    """``ClusterPermission``: ``Public`` (anyone) or ``OnlyOwner(account)`` [PHAT-5].

    ``account`` is the account the permission names, which need not be the
    cluster's owner; it is ``None`` for ``Public``.
    """

    kind: str
    account: AccountId | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in ("Public", "OnlyOwner"):
            raise ValueError(f"unknown cluster permission {self.kind!r}")
        if (self.kind == "OnlyOwner") != (self.account is not None):
            raise ValueError("OnlyOwner names an account; Public names none")

    def __data__(self) -> dict[str, Any]:
        if self.account is None:
            return {"kind": self.kind}
        return {"kind": self.kind, "account": self.account}


PUBLIC = ClusterPermission("Public")


def _permission(value: Any) -> ClusterPermission:
    if isinstance(value, Mapping) and dict(value) == {"kind": "Public"}:
        return PUBLIC
    if (
        isinstance(value, Mapping)
        and set(value) == {"kind", "account"}
        and value["kind"] == "OnlyOwner"
    ):
        return ClusterPermission("OnlyOwner", ACCOUNT_ID.decode(value["account"], "account"))
    raise InvalidInput()


PERMISSION: Kind[ClusterPermission] = Kind(
    "cluster_permission",
    "a cluster permission {kind: Public} or {kind: OnlyOwner, account}",
    _permission,
)
Permission = Annotated[ClusterPermission, PERMISSION]


def _code_index(value: Any) -> bytes:
    if (
        isinstance(value, Mapping)
        and set(value) == {"kind", "code_hash"}
        and value["kind"] == "WasmCode"
    ):
        return BYTES32.decode(value["code_hash"], "code_hash")
    raise InvalidInput()


CODE_INDEX: Kind[bytes] = Kind(
    "code_index", "a code index {kind: WasmCode, code_hash: 32 bytes}", _code_index
)
CodeIndex = Annotated[bytes, CODE_INDEX]
"""``CodeIndex::WasmCode(code_hash)``, the only variant, decoded to the code hash [PHAT-10]."""

RESOURCE_TYPES = ("InkCode", "SidevmCode", "IndeterministicInkCode")
"""``ResourceType``'s variants, in index order [PHAT-7]."""


def _resource_type(value: Any) -> str:
    if isinstance(value, str) and value in RESOURCE_TYPES:
        return value
    raise InvalidInput()


RESOURCE_TYPE: Kind[str] = Kind(
    "resource_type", f"a resource type, one of {RESOURCE_TYPES}", _resource_type
)
ResourceType = Annotated[str, RESOURCE_TYPE]


@attrs.frozen
class ClusterInfo:
    """``Clusters[id]``: a cluster's owner, permission, system contract and prices [PHAT-1]."""

    owner: AccountId
    permission: ClusterPermission
    system_contract: bytes
    gas_price: int
    deposit_per_item: int
    deposit_per_byte: int


@attrs.frozen
class BasicContractInfo:
    """``Contracts[id]``: who deployed a contract and in which cluster [PHAT-1]."""

    deployer: AccountId
    cluster: bytes


@attrs.frozen
class PhatState:
    """``PhalaPhatContracts`` storage [PHAT-1].

    * ``contracts``: ``Contracts``, contract id -> :class:`BasicContractInfo`;
    * ``cluster_counter``: ``ClusterCounter``, the latest cluster number (0: none yet);
    * ``clusters``: ``Clusters``, cluster id -> :class:`ClusterInfo`;
    * ``cluster_contracts``: ``ClusterContracts``, cluster id -> contract ids in report order;
    * ``cluster_workers``: ``ClusterWorkers``, cluster id -> worker public keys;
    * ``cluster_by_workers``: ``ClusterByWorkers``, worker -> cluster id (the zero id: removed);
    * ``pink_system_code``: ``PinkSystemCode``, ``(version, code)``;
    * ``pink_system_code_hash``, ``pink_runtime_version``, ``next_pink_system_code``:
      the optional values of the same names.

    ``ClusterContracts`` and ``ClusterWorkers`` are value-query maps: an entry
    once written stays, even when its list becomes empty.
    """

    contracts: immutables.Map[bytes, BasicContractInfo] = attrs.field(factory=_map)
    cluster_counter: int = 0
    clusters: immutables.Map[bytes, ClusterInfo] = attrs.field(factory=_map)
    cluster_contracts: immutables.Map[bytes, tuple[bytes, ...]] = attrs.field(factory=_map)
    cluster_workers: immutables.Map[bytes, tuple[bytes, ...]] = attrs.field(factory=_map)
    cluster_by_workers: immutables.Map[bytes, bytes] = attrs.field(factory=_map)
    pink_system_code_version: int = 0
    pink_system_code: bytes = b""
    pink_system_code_hash: bytes | None = None
    pink_runtime_version: tuple[int, int] | None = None
    next_pink_system_code: bytes | None = None


@attrs.frozen
class PhatTokenomicState:
    """``PhalaPhatTokenomic`` storage [PHAT-30].

    * ``user_stakes``: ``ContractUserStakes``, account -> contract id -> stake (a zero
      written by ``adjust_stake`` stays as 0);
    * ``total_stakes``: ``ContractTotalStakes``, contract id -> the sum of its stakes;
    * ``min_stake``: ``MinStake``, which no call sets (0 unless a genesis sets it).
    """

    user_stakes: immutables.Map[AccountId, immutables.Map[bytes, int]] = attrs.field(factory=_map)
    total_stakes: immutables.Map[bytes, int] = attrs.field(factory=_map)
    min_stake: int = 0
