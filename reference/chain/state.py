"""The chain's data: block context, origins, events, configuration and state [CHAIN-1]..[CHAIN-5].

Every record is frozen and every keyed collection is an ``immutables.Map``
(a persistent hash array mapped trie, O(log n) per update), so a transition
returns a new state that shares all untouched structure with the old one.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any

import attrs
import immutables

from ..primitives.codec import sparse_data, to_data
from ..primitives.errors import InvalidInput
from ..primitives.records import copied_by_dictionary
from ..primitives.types import FIXED_BITS, U32_KIND, Kind, fields_of
from ..primitives.types import AccountId as AccountId
from .democracy_state import DemocracyConfig, DemocracyState, SchedulerConfig, SchedulerState
from .messages import Message, MessageOrigin
from .phat_state import PhatConfig, PhatState, PhatTokenomicState
from .staking_state import AssetsState, BasePoolState, StakingConfig, WrappedBalancesState

if TYPE_CHECKING:
    from .dispatch import CallData


def _map() -> immutables.Map[Any, Any]:
    return immutables.Map()


@attrs.frozen
class BlockContext:
    """What a block brings from outside: its number, its timestamp in ms and its randomness [CHAIN-1].

    Nothing in the reference reads a clock or an unseeded random source; time
    and randomness only ever arrive here.
    """

    number: int
    timestamp: int
    randomness: bytes = b"\x00" * 32


# --- Origins [CHAIN-2] -------------------------------------------------------


@attrs.frozen
class Signed:
    """A transaction signed by an account."""

    who: AccountId

    def __data__(self) -> dict[str, Any]:
        return {"kind": "signed", "who": self.who}


@attrs.frozen
class Root:
    """The superuser origin (sudo, or an enacted referendum)."""

    def __data__(self) -> dict[str, Any]:
        return {"kind": "root"}


@attrs.frozen
class Unsigned:
    """An unsigned transaction or an inherent (Substrate's ``None`` origin)."""

    def __data__(self) -> dict[str, Any]:
        return {"kind": "none"}


@attrs.frozen
class PalletOrigin:
    """A call made by another pallet on its own behalf."""

    pallet: str

    def __data__(self) -> dict[str, Any]:
        return {"kind": "pallet", "pallet": self.pallet}


@attrs.frozen
class CollectiveOrigin:
    """``Members(yes, total)`` of a collective: ``yes`` of ``total`` members approved."""

    collective: str
    yes: int
    total: int

    def __data__(self) -> dict[str, Any]:
        return {
            "kind": "collective",
            "collective": self.collective,
            "yes": self.yes,
            "total": self.total,
        }


@attrs.frozen
class CollectiveMember:
    """``Member(who)`` of a collective: one member acting alone, through ``execute`` [COL-9]."""

    collective: str
    who: AccountId

    def __data__(self) -> dict[str, Any]:
        return {"kind": "collective_member", "collective": self.collective, "who": self.who}


Origin = Signed | Root | Unsigned | PalletOrigin | CollectiveOrigin | CollectiveMember


# --- Events [CHAIN-3] ---------------------------------------------------------


@attrs.frozen
class Event:
    """A deposited event: ``Pallet.Name`` and its named fields, in declaration order [CHAIN-3].

    The fields read by name like a mapping: ``event["amount"]``, ``"amount" in event``,
    ``event.get("amount")``, or ``event.field_map`` as a whole. ``fields`` stays the
    ordered pairs, and the plain data is unchanged.
    """

    name: str
    fields: tuple[tuple[str, Any], ...] = ()

    def __data__(self) -> dict[str, Any]:
        return {"name": self.name, "fields": {k: to_data(v) for k, v in self.fields}}

    @property
    def field_map(self) -> Mapping[str, Any]:
        """The fields as a read-only mapping from name to value [CHAIN-3]."""
        return MappingProxyType(dict(self.fields))

    def __getitem__(self, name: str) -> Any:
        """``event["amount"]``: the value of a field by name; ``KeyError`` if the event has none."""
        for key, value in self.fields:
            if key == name:
                return value
        raise KeyError(f"{self.name} has no field {name!r}; its fields are {self.field_names}")

    def __contains__(self, name: object) -> bool:
        return any(key == name for key, _ in self.fields)

    def get(self, name: str, default: Any = None) -> Any:
        """A field's value by name, or ``default``."""
        for key, value in self.fields:
            if key == name:
                return value
        return default

    @property
    def field_names(self) -> tuple[str, ...]:
        """The field names, in production's declaration order."""
        return tuple(key for key, _ in self.fields)


def event(name: str, **fields: Any) -> Event:
    """Build an event; keyword order is the production field order."""
    return Event(name, tuple(fields.items()))


Events = tuple[Event, ...]


# --- Configuration [CHAIN-4] --------------------------------------------------


@attrs.frozen
class ComputationConfig:
    """pallet computation's runtime constants [CMP-2]."""

    expected_block_time_sec: int = 12
    min_init_p: int = 50
    check_worker_register_time: bool = True


@attrs.frozen
class ChainConfig:
    """Runtime parameters of a preset; genesis overrides may replace any of them."""

    preset: str
    existential_deposit: int
    max_locks: int
    max_reserves: int
    max_consumers: int
    block_time_ms: int
    # pallet registry's runtime constants [REG-2]
    parachain_id: int = 2035
    verify_pruntime: bool = True
    verify_relaychain_genesis_block_hash: bool = True
    none_attestation_enabled: bool = False
    # the reference-only simulated attestation provider [ATT-40]
    simulated_attestation: bool = False
    # the reference-only test IAS signing root, trusted beside Intel's [ATT-13]
    ias_test_root: bool = False
    # the reference-only test DCAP root CA, trusted beside Intel's [ATT-39]
    dcap_test_root: bool = False
    # the staking pallets' constants [STK-2]
    staking: StakingConfig = attrs.field(factory=StakingConfig)
    # pallet computation's constants [CMP-2]
    computation: ComputationConfig = ComputationConfig()
    # governance sections [COL-2] [ELE-2] [TRS-2]
    council: CollectiveConfig = attrs.field(factory=lambda: CollectiveConfig())
    technical_committee: CollectiveConfig = attrs.field(factory=lambda: CollectiveConfig())
    elections: ElectionsConfig = attrs.field(factory=lambda: ElectionsConfig())
    treasury: TreasuryConfig = attrs.field(factory=lambda: TreasuryConfig())
    # democracy and scheduler sections [DEM-2] [SCH-1]
    democracy: DemocracyConfig = attrs.field(factory=DemocracyConfig)
    scheduler: SchedulerConfig = attrs.field(factory=SchedulerConfig)
    # the runtime's call filter: ``Phala``, ``Khala`` or ``Everything`` [CHAIN-15]
    call_filter: str = "Phala"
    # the phat pallet's code size limits [PHAT-2]
    phat: PhatConfig = attrs.field(factory=PhatConfig)

    def __data__(self) -> dict[str, Any]:
        """Plain data [STATE-4] [GEN-5]: ``ias_test_root`` and ``dcap_test_root`` appear only
        when set [ATT-13] [ATT-39], ``call_filter`` only when it is not Phala's filter
        [CHAIN-15]."""
        return sparse_data(self, always=_CONFIG_ALWAYS)


_CONFIG_SPARSE = ("ias_test_root", "dcap_test_root", "call_filter")
_CONFIG_ALWAYS = tuple(f.name for f in attrs.fields(ChainConfig) if f.name not in _CONFIG_SPARSE)


@attrs.frozen
class CollectiveConfig:
    """A collective's parameters [COL-2]; defaults are Phala's (the same for both collectives).

    ``default_vote`` names the rule that counts abstentions when a motion closes after its
    end [COL-7]: ``PrimeDefaultVote`` (Phala's) or ``MoreThanMajorityThenPrimeDefaultVote``.
    """

    motion_duration: int = 21_600
    max_proposals: int = 100
    max_members: int = 100
    default_vote: str = "PrimeDefaultVote"

    def __data__(self) -> dict[str, Any]:
        """Plain data [GEN-5]: ``default_vote`` appears only when it is not Phala's rule."""
        return sparse_data(self, always=("motion_duration", "max_proposals", "max_members"))


@attrs.frozen
class ElectionsConfig:
    """pallet-elections-phragmen's parameters [ELE-2]; defaults are Phala's."""

    candidacy_bond: int = 10 * 10**12
    voting_bond_base: int = 79 * 10**10
    voting_bond_factor: int = 32 * 10**10
    term_duration: int = 7_200
    desired_members: int = 8
    desired_runners_up: int = 8
    max_votes_per_voter: int = 16
    max_voters: int = 500
    max_candidates: int = 20


@attrs.frozen
class TreasuryConfig:
    """pallet-treasury's parameters [TRS-2]; defaults are Phala's. Permill values are parts per million."""

    proposal_bond: int = 50_000
    proposal_bond_minimum: int = 10**12
    spend_period: int = 7_200
    burn: int = 0
    max_approvals: int = 100


# --- State [CHAIN-5] ----------------------------------------------------------


@attrs.frozen
class AccountData:
    """pallet-balances' per-account data: free, reserved and the frozen amount (max of locks) [BAL-1]."""

    free: int = 0
    reserved: int = 0
    frozen: int = 0

    @property
    def total(self) -> int:
        return self.free + self.reserved


@attrs.frozen
class AccountInfo:
    """frame_system's account record: reference counters and the balances data [SYS-1]."""

    consumers: int = 0
    providers: int = 0
    sufficients: int = 0
    data: AccountData = AccountData()


NO_DATA = AccountData()
"""An account's balances data when it holds nothing [BAL-1]."""

NO_ACCOUNT = AccountInfo()
"""The record an absent account reads as: every counter and balance zero [SYS-1].
Records are frozen, so one instance serves every read."""


@attrs.frozen
class BalanceLock:
    """A named lock [BAL-21]; ``reasons`` is kept for fidelity but no longer changes the frozen amount."""

    id: bytes
    amount: int
    reasons: str = "All"


@copied_by_dictionary  # rebuilt on every write to an account: see primitives.records
@attrs.frozen(slots=False)
class SystemState:
    """frame_system: the current block, the block opened before it, and the account records [SYS-1].

    ``parent_number`` is the number of the block opened before ``block`` (0 at
    genesis). ``genesis_opened`` records that the genesis block was opened for calls
    [CHAIN-14], so that it opens at most once. A gap between the two stands for empty blocks, whose hooks the
    pallets catch up when the next block opens [CHAIN-8] [SCH-4].
    """

    block: BlockContext = BlockContext(0, 0)
    in_block: bool = False
    parent_number: int = 0
    accounts: immutables.Map[AccountId, AccountInfo] = attrs.field(factory=_map)
    genesis_opened: bool = False

    def __data__(self) -> dict[str, Any]:
        """Plain data: ``genesis_opened`` appears only once the genesis block was opened [CHAIN-14]."""
        return sparse_data(self, always=("block", "in_block", "parent_number", "accounts"))


@attrs.frozen
class BalancesState:
    """pallet-balances storage outside the account records [BAL-1]."""

    total_issuance: int = 0
    locks: immutables.Map[AccountId, tuple[BalanceLock, ...]] = attrs.field(factory=_map)


@attrs.frozen
class MqState:
    """pallet mq storage [MQ-7].

    * ``ingress``: ``OffchainIngress``, the next sequence expected from each
      off-chain sender (an absent sender expects 0);
    * ``outbound``: ``OutboundMessages``, the messages dispatched to off-chain
      topics in the current block, in order (cleared when a block opens);
    * ``queued``: ``QueuedOutboundMessage``, messages waiting to be dispatched
      when the next block opens.
    """

    ingress: immutables.Map[MessageOrigin, int] = attrs.field(factory=_map)
    outbound: tuple[Message, ...] = ()
    queued: tuple[Message, ...] = ()

    def __data__(self) -> dict[str, Any]:
        # Plain-data map keys cannot be records, so the ingress map is keyed by
        # the SCALE encoding of the origin [MQ-7] [CODEC-2].
        return {
            "ingress": {origin.encode(): seq for origin, seq in self.ingress.items()},
            "outbound": [to_data(m) for m in self.outbound],
            "queued": [to_data(m) for m in self.queued],
        }


@attrs.frozen
class WorkerInfo:
    """Production's ``WorkerInfoV2``: a registered worker [REG-1].

    ``last_updated`` is in unix seconds; ``operator`` an account or ``None``;
    ``attestation_provider`` one of ``"Root"``, ``"Ias"``, ``"Dcap"`` or
    ``None``; ``initial_score`` ``None`` until a benchmark report is scored;
    ``features`` a list of u32 (deprecated, kept for fidelity).
    """

    pubkey: bytes
    ecdh_pubkey: bytes
    runtime_version: int
    last_updated: int
    operator: bytes | None
    attestation_provider: str | None
    confidence_level: int
    initial_score: int | None
    features: tuple[int, ...]


@attrs.frozen
class ConsensusVersionCount:
    """``MaxKnownPRuntimeConsensusVersion``: the highest version registered and how many registrations carried it [REG-1]."""

    version: int = 0
    count: int = 0


@attrs.frozen
class GatekeeperLaunchedAt:
    """``GatekeeperLaunchedAt``: the block and unix second the master public key reached the chain [REG-16]."""

    block: int
    timestamp: int


@attrs.frozen
class RegistryState:
    """pallet registry's storage [MQ-8] [REG-1].

    The keys the message queue reads: ``gatekeeper_master_pubkey``
    (``GatekeeperMasterPubkey``), ``cluster_keys`` (``ClusterKeys``: cluster
    id -> public key) and ``contract_keys`` (``ContractKeys``: contract id ->
    public key); all 32-byte values. The worker registry: ``workers`` (``Workers``),
    ``worker_added_at`` (``WorkerAddedAt``), ``pruntime_allowlist``
    (``PRuntimeAllowList``), ``pruntime_added_at`` (``PRuntimeAddedAt``),
    ``genesis_hash_allowlist`` (``RelaychainGenesisBlockHashAllowList``),
    ``benchmark_duration`` (``BenchmarkDuration``) and
    ``max_known_consensus_version`` (``MaxKnownPRuntimeConsensusVersion``).
    Gatekeepers and the master key [REG-16]: ``gatekeepers`` (``Gatekeeper``),
    ``gatekeeper_launched_at`` (``GatekeeperLaunchedAt``), ``rotation_counter``
    (``RotationCounter``), ``master_key_rotation_lock``
    (``MasterKeyRotationLock``); worker endpoints (``Endpoints``) [REG-22].
    """

    gatekeeper_master_pubkey: bytes | None = None
    cluster_keys: immutables.Map[bytes, bytes] = attrs.field(factory=_map)
    contract_keys: immutables.Map[bytes, bytes] = attrs.field(factory=_map)
    workers: immutables.Map[bytes, WorkerInfo] = attrs.field(factory=_map)
    worker_added_at: immutables.Map[bytes, int] = attrs.field(factory=_map)
    pruntime_allowlist: tuple[bytes, ...] = ()
    pruntime_added_at: immutables.Map[bytes, int] = attrs.field(factory=_map)
    genesis_hash_allowlist: tuple[bytes, ...] = ()
    benchmark_duration: int | None = 8
    max_known_consensus_version: ConsensusVersionCount = ConsensusVersionCount()
    gatekeepers: tuple[bytes, ...] = ()
    gatekeeper_launched_at: GatekeeperLaunchedAt | None = None
    rotation_counter: int = 0
    master_key_rotation_lock: int | None = None
    endpoints: immutables.Map[bytes, tuple[str, ...]] = attrs.field(factory=_map)


@attrs.frozen
class Benchmark:
    """A session's on-chain benchmark record [CMP-1]; times in unix seconds."""

    p_init: int = 0
    p_instant: int = 0
    iterations: int = 0
    working_start_time: int = 0
    challenge_time_last: int = 0


@attrs.frozen
class SessionInfo:
    """``SessionInfo``: a computing session [CMP-1]; ``ve``/``v`` are U64F64 bits, times unix seconds."""

    state: str
    ve: int
    v: int
    v_updated_at: int
    benchmark: Benchmark
    cool_down_start: int = 0
    total_reward: int = 0


@attrs.frozen
class TokenomicParams:
    """``TokenomicParameters`` storage: U64F64 bits, ``heartbeat_window`` in blocks [CMP-1] [OFF-32]."""

    pha_rate: int
    rho: int
    budget_per_block: int
    v_max: int
    cost_k: int
    cost_b: int
    slash_rate: int
    treasury_ratio: int
    heartbeat_window: int
    rig_k: int
    rig_b: int
    re: int
    k: int
    kappa: int


TOKENOMIC_FIELDS = tuple(field.name for field in attrs.fields(TokenomicParams))


def tokenomic_field(name: str, value: Any) -> int:
    """One tokenomic parameter [CMP-20]: ``heartbeat_window`` is a u32 number of blocks,
    every other field U64F64 bits."""
    if name not in TOKENOMIC_FIELDS:
        raise InvalidInput(f"{name!r} is not a tokenomic parameter; they are {TOKENOMIC_FIELDS}")
    kind = U32_KIND if name == "heartbeat_window" else FIXED_BITS
    return kind.decode(value, name)


def _tokenomic(value: Any) -> TokenomicParams:
    fields = fields_of(value, TOKENOMIC_FIELDS)
    return TokenomicParams(
        **{name: tokenomic_field(name, fields[name]) for name in TOKENOMIC_FIELDS}
    )


TOKENOMIC: Kind[TokenomicParams] = Kind(
    "tokenomic",
    "tokenomic parameters: every field, U64F64 bits (heartbeat_window a u32)",
    _tokenomic,
)
Tokenomic = Annotated[TokenomicParams, TOKENOMIC]


@attrs.frozen
class ComputationState:
    """pallet computation's storage [CMP-1]."""

    tokenomic: TokenomicParams | None = None
    scheduled_tokenomic: TokenomicParams | None = None
    online_workers: int = 0
    expected_heartbeat_count: int | None = None
    heartbeat_paused: bool = True
    max_budget_limit: int = 1729382256910270464000
    budget_update_nonce: int = 0
    last_budget_update_block: int = 0
    contract_account: bytes = b"\x00" * 32
    sessions: immutables.Map[bytes, SessionInfo] = attrs.field(factory=_map)
    session_bindings: immutables.Map[bytes, bytes] = attrs.field(factory=_map)
    worker_bindings: immutables.Map[bytes, bytes] = attrs.field(factory=_map)
    cool_down_period: int = 604_800
    next_session_id: int = 0
    stakes: immutables.Map[bytes, int] = attrs.field(factory=_map)


@attrs.frozen
class MotionVotes:
    """A motion's ``Votes`` record [COL-1]: its index, threshold, the ayes and nays in order, its end block."""

    index: int
    threshold: int
    ayes: tuple[AccountId, ...]
    nays: tuple[AccountId, ...]
    end: int


@attrs.frozen
class CollectiveState:
    """pallet-collective's storage, one per instance (Council, TechnicalCommittee) [COL-1].

    ``members`` sorted by id; ``prime`` a member or none; ``proposals`` the open
    motions' hashes in proposal order; ``proposal_of`` hash -> held call;
    ``voting`` hash -> votes; ``proposal_count`` the next motion index.
    """

    members: tuple[AccountId, ...] = ()
    prime: AccountId | None = None
    proposals: tuple[bytes, ...] = ()
    proposal_of: immutables.Map[bytes, CallData] = attrs.field(factory=_map)
    voting: immutables.Map[bytes, MotionVotes] = attrs.field(factory=_map)
    proposal_count: int = 0


@attrs.frozen
class SeatHolder:
    """A member or runner-up of the elections pallet: who, backing stake, reserved deposit [ELE-1]."""

    who: AccountId
    stake: int
    deposit: int


@attrs.frozen
class ElectionsVoter:
    """A voter's record [ELE-1]: targets in order, locked stake, reserved deposit."""

    votes: tuple[AccountId, ...]
    stake: int
    deposit: int


@attrs.frozen
class ElectionsState:
    """pallet-elections-phragmen's storage [ELE-1].

    ``members`` sorted by id; ``runners_up`` from worst to best (the last is the
    best); ``candidates`` ``(who, deposit)`` sorted by id; ``voting`` account ->
    voter; ``election_rounds`` the number of elections held.
    """

    members: tuple[SeatHolder, ...] = ()
    runners_up: tuple[SeatHolder, ...] = ()
    candidates: tuple[tuple[AccountId, int], ...] = ()
    voting: immutables.Map[AccountId, ElectionsVoter] = attrs.field(factory=_map)
    election_rounds: int = 0


@attrs.frozen
class TreasuryProposal:
    """A spending proposal [TRS-1]: proposer, value, beneficiary, reserved bond."""

    proposer: AccountId
    value: int
    beneficiary: AccountId
    bond: int


@attrs.frozen
class MembershipState:
    """pallet-membership's storage (``TechnicalMembership``) [COL-14]: members sorted by id, prime."""

    members: tuple[AccountId, ...] = ()
    prime: AccountId | None = None


@attrs.frozen
class TreasuryState:
    """pallet-treasury's storage [TRS-1]: ``proposals`` index -> proposal, ``approvals`` in order,
    ``proposal_count`` the next index, ``deactivated`` the pot last reported inactive."""

    proposal_count: int = 0
    proposals: immutables.Map[int, TreasuryProposal] = attrs.field(factory=_map)
    approvals: tuple[int, ...] = ()
    deactivated: int = 0


@copied_by_dictionary  # rebuilt on every write: see primitives.records
@attrs.frozen(slots=False)
class ChainState:
    """The whole chain state; later pallets add their own fields [CHAIN-5]."""

    config: ChainConfig
    system: SystemState = SystemState()
    balances: BalancesState = BalancesState()
    mq: MqState = MqState()
    registry: RegistryState = RegistryState()
    computation: ComputationState = ComputationState()
    assets: AssetsState = attrs.field(factory=AssetsState)
    wrapped_balances: WrappedBalancesState = attrs.field(factory=WrappedBalancesState)
    base_pool: BasePoolState = attrs.field(factory=BasePoolState)
    council: CollectiveState = CollectiveState()
    technical_committee: CollectiveState = CollectiveState()
    elections: ElectionsState = ElectionsState()
    treasury: TreasuryState = TreasuryState()
    technical_membership: MembershipState = MembershipState()
    democracy: DemocracyState = attrs.field(factory=DemocracyState)
    scheduler: SchedulerState = attrs.field(factory=SchedulerState)
    phat: PhatState = attrs.field(factory=PhatState)
    phat_tokenomic: PhatTokenomicState = attrs.field(factory=PhatTokenomicState)
