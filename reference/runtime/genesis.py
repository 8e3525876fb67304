"""Presets and genesis [GEN-1]..[GEN-4].

Like consensus-specs, the reference has presets: ``phala`` and ``khala`` carry
the production runtime parameters, ``minimal`` carries small numbers for tests
and vectors. A preset is plain data; :func:`genesis` builds the chain state
from it, after applying a vector's overrides.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import immutables

from ..chain.democracy_state import DemocracyConfig, SchedulerConfig
from ..chain.messages import origin_from_data
from ..chain.phat_state import MIB, PhatConfig, PhatTokenomicState
from ..chain.staking_state import StakingConfig
from ..chain.state import (
    AccountData,
    AccountInfo,
    BalancesState,
    ChainConfig,
    ChainState,
    CollectiveConfig,
    ComputationConfig,
    ComputationState,
    ElectionsConfig,
    GatekeeperLaunchedAt,
    MqState,
    RegistryState,
    SystemState,
    TreasuryConfig,
    WorkerInfo,
    tokenomic_field,
)
from ..pallets import computation
from ..pallets.governance import collective
from ..pallets.governance.elections import genesis_members
from ..pallets.governance.membership import genesis_membership
from ..pallets.registry.workers import FORCED_FEATURES, FORCED_LAST_UPDATED
from ..primitives.crypto import dev_keypair
from ..primitives.errors import InvalidInput
from ..primitives.records import evolve
from ..primitives.types import (
    ACCOUNT_ID,
    BALANCE,
    BLOCK_NUMBER,
    BYTES,
    BYTES32,
    OPTION_U32,
    U32_KIND,
    U64_KIND,
    Kind,
    list_of,
    option,
)
from ..tee.attestation import CONFIDENCE_NONE
from .call_filter import CALL_FILTERS

DECIMALS = 12
UNIT = 10**DECIMALS  # one PHA
CENT = UNIT // 100
MILLICENT = CENT // 1000
MINUTES = 5  # 12-second blocks [GEN-2]
HOURS = 60 * MINUTES
DAYS = 24 * HOURS

DEV_ACCOUNTS = ("alice", "bob", "charlie", "dave", "eve", "ferdie")


def dev_account(name: str) -> bytes:
    """The account id of a named test account: its dev key's public key [CRYPTO-2]."""
    return dev_keypair(name).public


def _endowments(total: int, each: int) -> list[tuple[str, int]]:
    rest = total - each * len(DEV_ACCOUNTS)
    return [(name, each) for name in DEV_ACCOUNTS] + [("foundation", rest)]


# Governance parameters [COL-2] [ELE-2] [TRS-2]: the same on Phala and Khala.
PRODUCTION_GOVERNANCE: Mapping[str, Mapping[str, Any]] = {
    "council": {
        "motion_duration": 3 * DAYS,
        "max_proposals": 100,
        "max_members": 100,
        "default_vote": "PrimeDefaultVote",
    },
    "technical_committee": {
        "motion_duration": 3 * DAYS,
        "max_proposals": 100,
        "max_members": 100,
        "default_vote": "PrimeDefaultVote",
    },
    "elections": {
        "candidacy_bond": 10 * UNIT,
        "voting_bond_base": 79 * CENT,
        "voting_bond_factor": 32 * CENT,
        "term_duration": DAYS,
        "desired_members": 8,
        "desired_runners_up": 8,
        "max_votes_per_voter": 16,
        "max_voters": 500,
        "max_candidates": 20,
    },
    "treasury": {
        "proposal_bond": 50_000,
        "proposal_bond_minimum": UNIT,
        "spend_period": DAYS,
        "burn": 0,
        "max_approvals": 100,
    },
}

# The stake pool's and the vault's constants [STK-40] [STK-66]: the same in every preset; a
# genesis override may change them, as production's test mocks do [GEN-5].
PRODUCTION_STAKING: Mapping[str, int] = {
    "min_contribution": CENT,
    "grace_period": 7 * 24 * 3600,
    "vault_queue_period": 21 * 24 * 3600,
    "max_pool_workers": 200,
}

# Democracy and scheduler parameters [DEM-2] [SCH-1]: the same on Phala and Khala.
PRODUCTION_DEMOCRACY: Mapping[str, Mapping[str, Any]] = {
    "democracy": {
        "launch_period": 7 * DAYS,
        "voting_period": 7 * DAYS,
        "fast_track_voting_period": 3 * HOURS,
        "instant_allowed": True,
        "minimum_deposit": 10 * UNIT,
        "enactment_period": 8 * DAYS,
        "vote_locking_period": 8 * DAYS,
        "cooloff_period": 7 * DAYS,
        "max_votes": 100,
        "max_proposals": 100,
        "max_deposits": 100,
        "max_blacklisted": 100,
    },
    "scheduler": {"max_scheduled_per_block": 50},
}

# The phat pallet's code size limits on Phala [PHAT-2]; Khala's runtime has no such pallet, and
# its section only gives the record its production values.
PRODUCTION_PHAT: Mapping[str, int] = {
    "ink_code_size_limit": 2 * MIB,
    "sidevm_code_size_limit": 8 * MIB,
}

# Runtime parameters per preset [GEN-2]. Balances are in the smallest unit
# (12 decimals). Both production presets start with 1,000,000,000 PHA.
PRESETS: Mapping[str, Mapping[str, Any]] = {
    "phala": {
        "config": {
            "existential_deposit": CENT,
            "max_locks": 50,
            "max_reserves": 50,
            "max_consumers": 16,
            "block_time_ms": 12_000,
            "parachain_id": 2035,
            "verify_pruntime": True,
            "verify_relaychain_genesis_block_hash": True,
            "none_attestation_enabled": False,
            "simulated_attestation": False,
            "ias_test_root": False,
            "dcap_test_root": False,
            "staking": {"wpha_min_balance": CENT, **PRODUCTION_STAKING},
            "computation": {
                "expected_block_time_sec": 12,
                "min_init_p": 50,
                "check_worker_register_time": True,
            },
            **PRODUCTION_GOVERNANCE,
            **PRODUCTION_DEMOCRACY,
            "call_filter": "Phala",
            "phat": PRODUCTION_PHAT,
        },
        "balances": _endowments(1_000_000_000 * UNIT, 1_000_000 * UNIT),
    },
    "khala": {
        "config": {
            "existential_deposit": CENT,
            "max_locks": 50,
            "max_reserves": 50,
            "max_consumers": 16,
            "block_time_ms": 12_000,
            "parachain_id": 2004,
            "verify_pruntime": True,
            "verify_relaychain_genesis_block_hash": True,
            "none_attestation_enabled": False,
            "simulated_attestation": False,
            "ias_test_root": False,
            "dcap_test_root": False,
            "staking": {"wpha_min_balance": CENT, **PRODUCTION_STAKING},
            "computation": {
                "expected_block_time_sec": 12,
                "min_init_p": 50,
                "check_worker_register_time": False,
            },
            **PRODUCTION_GOVERNANCE,
            **PRODUCTION_DEMOCRACY,
            "call_filter": "Khala",
            "phat": PRODUCTION_PHAT,
        },
        "balances": _endowments(1_000_000_000 * UNIT, 1_000_000 * UNIT),
    },
    "minimal": {
        "config": {
            "existential_deposit": 10,
            "max_locks": 4,
            "max_reserves": 4,
            "max_consumers": 4,
            "block_time_ms": 12_000,
            # A development chain: registration without attestation is allowed [REG-2].
            "parachain_id": 2035,
            "verify_pruntime": True,
            "verify_relaychain_genesis_block_hash": True,
            "none_attestation_enabled": True,
            # Registration with the test attestation authority's reports [ATT-40].
            "simulated_attestation": True,
            # The test IAS signing root [ATT-13]: off unless a genesis override sets it.
            "ias_test_root": False,
            # The test DCAP root CA [ATT-39]: likewise.
            "dcap_test_root": False,
            "staking": {"wpha_min_balance": 100, **PRODUCTION_STAKING},
            "computation": {
                "expected_block_time_sec": 12,
                "min_init_p": 50,
                "check_worker_register_time": False,
            },
            # governance: short periods and small bonds for tests and vectors
            "council": {
                "motion_duration": 5,
                "max_proposals": 4,
                "max_members": 10,
                "default_vote": "PrimeDefaultVote",
            },
            "technical_committee": {
                "motion_duration": 5,
                "max_proposals": 4,
                "max_members": 10,
                "default_vote": "PrimeDefaultVote",
            },
            "elections": {
                "candidacy_bond": 30,
                "voting_bond_base": 20,
                "voting_bond_factor": 5,
                "term_duration": 10,
                "desired_members": 2,
                "desired_runners_up": 2,
                "max_votes_per_voter": 16,
                "max_voters": 8,
                "max_candidates": 5,
            },
            "treasury": {
                "proposal_bond": 50_000,
                "proposal_bond_minimum": 10,
                "spend_period": 8,
                "burn": 0,
                "max_approvals": 3,
            },
            "democracy": {
                "launch_period": 5,
                "voting_period": 5,
                "fast_track_voting_period": 2,
                "instant_allowed": True,
                "minimum_deposit": 10,
                "enactment_period": 3,
                "vote_locking_period": 3,
                "cooloff_period": 4,
                "max_votes": 3,
                "max_proposals": 3,
                "max_deposits": 3,
                "max_blacklisted": 2,
            },
            "scheduler": {"max_scheduled_per_block": 3},
            # Phala's runtime with small numbers: Phala's call filter [CHAIN-15].
            "call_filter": "Phala",
            # Small code size limits, so that vectors reach them [PHAT-2].
            "phat": {"ink_code_size_limit": 64, "sidevm_code_size_limit": 128},
        },
        "balances": [(name, 1_000) for name in DEV_ACCOUNTS],
    },
}

CONFIG_FIELDS = tuple(f.name for f in attrs.fields(ChainConfig) if f.name != "preset")

# Pallets whose parameters form their own record in ChainConfig: the preset
# holds a map for each, and a genesis override may replace any of its fields.
CONFIG_SECTIONS: Mapping[str, type] = {
    "staking": StakingConfig,
    "computation": ComputationConfig,
    "council": CollectiveConfig,
    "technical_committee": CollectiveConfig,
    "elections": ElectionsConfig,
    "treasury": TreasuryConfig,
    "democracy": DemocracyConfig,
    "scheduler": SchedulerConfig,
    "phat": PhatConfig,
}


def _config_params(preset: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The preset's runtime parameters with a genesis override's changes applied [GEN-3].

    A parameter keeps the type the preset gives it: a flag stays a boolean, a
    number stays a non-negative integer, a pallet section stays a map of its
    own parameters.
    """
    params = dict(preset)
    for key, value in changes.items():
        if key not in CONFIG_FIELDS:
            raise InvalidInput(f"unknown config parameter {key!r}")
        if key in CONFIG_SECTIONS:
            if not isinstance(value, Mapping):
                raise InvalidInput(f"config section {key!r} is a map of its parameters")
            section = dict(params[key])
            for name, item in value.items():
                if name not in section:
                    raise InvalidInput(f"unknown config parameter {key}.{name!r}")
                section[name] = _config_value(f"{key}.{name}", section[name], item)
            params[key] = section
        else:
            params[key] = _config_value(key, params[key], value)
    U32_KIND.decode(params["parachain_id"], "the parachain id")
    return params


# Parameters whose range is narrower than any non-negative integer, and parameters that name a
# rule, with the names they accept [GEN-5].
CONFIG_KINDS: Mapping[str, Kind[int]] = {
    "staking.wpha_min_balance": BALANCE,
    "staking.min_contribution": BALANCE,
    "staking.grace_period": U64_KIND,
    "staking.vault_queue_period": U64_KIND,
    "staking.max_pool_workers": U32_KIND,
    **{
        f"democracy.{period}": BLOCK_NUMBER
        for period in (
            "launch_period",
            "voting_period",
            "fast_track_voting_period",
            "enactment_period",
            "vote_locking_period",
            "cooloff_period",
        )
    },
}
CONFIG_CHOICES: Mapping[str, tuple[str, ...]] = {
    "call_filter": CALL_FILTERS,
    "council.default_vote": tuple(collective.DEFAULT_VOTES),
    "technical_committee.default_vote": tuple(collective.DEFAULT_VOTES),
}


def _config_value(name: str, preset_value: Any, value: Any) -> Any:
    if isinstance(preset_value, bool):
        if not isinstance(value, bool):
            raise InvalidInput(f"config flag {name!r} must be a boolean")
    elif isinstance(preset_value, str):
        choices = CONFIG_CHOICES.get(name, ())
        if value not in choices:
            raise InvalidInput(f"config parameter {name!r} is one of {choices}")
    elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInput(f"config parameter {name!r} must be a non-negative integer")
    elif name in CONFIG_KINDS:
        CONFIG_KINDS[name].decode(value, f"config parameter {name!r}")
    return value


def genesis(preset: str = "minimal", overrides: Mapping[str, Any] | None = None) -> ChainState:
    """The genesis state of a preset with optional overrides [GEN-3].

    ``overrides`` may hold ``config`` (a map replacing runtime parameters),
    ``balances`` (a list of ``[account, amount]`` pairs replacing the preset's
    endowments; an account is a 32-byte id or a dev account name) and
    ``registry`` (the registry keys the message queue reads, the allowlists, workers
    with their benchmark scores and the gatekeeper launch, see :func:`registry_genesis`),
    ``computation`` (:func:`computation_genesis`), ``governance``
    (:func:`governance_genesis`), ``mq`` (:func:`mq_genesis`) and ``phat_tokenomic``
    (:func:`phat_tokenomic_genesis`). Every endowment must be at least the
    existential deposit, as Substrate's genesis builder requires [GEN-4].
    """
    if preset not in PRESETS:
        raise InvalidInput(f"unknown preset {preset!r}; presets are {sorted(PRESETS)}")
    data = PRESETS[preset]
    if overrides is not None and not isinstance(overrides, Mapping):
        raise InvalidInput("genesis overrides are a map")
    overrides = dict(overrides or {})
    if not isinstance(overrides.get("config", {}), Mapping):
        raise InvalidInput("genesis config overrides are a map")
    if not isinstance(overrides.get("balances", []), list | tuple):
        raise InvalidInput("genesis balances are a list of [account, amount] pairs")
    unknown = set(overrides) - {
        "config",
        "balances",
        "registry",
        "computation",
        "governance",
        "mq",
        "phat_tokenomic",
    }
    if unknown:
        raise InvalidInput(f"unknown genesis overrides {sorted(unknown)}")
    params = _config_params(data["config"], overrides.get("config", {}))
    if params["existential_deposit"] == 0:
        # Production refuses a zero existential deposit at start-up unless built
        # with the insecure_zero_ed feature, which no Phala runtime uses.
        raise InvalidInput("the existential deposit must be at least 1")
    if params["staking"]["wpha_min_balance"] == 0:
        # W-PHA is created by a root force_create, which refuses a zero minimum balance
        # (pallet_assets' MinBalanceZero) [STK-2].
        raise InvalidInput("W-PHA's minimum balance must be at least 1")
    sections = {
        name: cls(**params[name]) for name, cls in CONFIG_SECTIONS.items() if name in params
    }
    config = ChainConfig(preset=preset, **{**params, **sections})
    endowed = overrides.get("balances", data["balances"])
    accounts: immutables.Map[bytes, AccountInfo] = immutables.Map()
    issuance = 0
    for entry in endowed:
        if not isinstance(entry, list | tuple) or len(entry) != 2:
            raise InvalidInput("a genesis balance is a pair [account, amount]")
        who = resolve_account(entry[0])
        amount = BALANCE.decode(entry[1], "a genesis amount")
        if amount < config.existential_deposit:
            raise InvalidInput("every genesis balance must be at least the existential deposit")
        if who in accounts:
            raise InvalidInput("duplicate genesis account")
        accounts = accounts.set(who, AccountInfo(providers=1, data=AccountData(free=amount)))
        issuance += amount
    BALANCE.decode(issuance, "the genesis total issuance")
    state = ChainState(
        config=config,
        system=SystemState(accounts=accounts),
        balances=BalancesState(total_issuance=issuance),
        mq=mq_genesis(overrides.get("mq", {})),
        registry=registry_genesis(overrides.get("registry", {})),
        computation=computation_genesis(overrides.get("computation", {})),
        phat_tokenomic=phat_tokenomic_genesis(overrides.get("phat_tokenomic", {})),
    )
    return governance_genesis(state, overrides.get("governance", {}))


GOVERNANCE_FIELDS = ("council", "technical_committee", "elections_members")


def governance_genesis(state: ChainState, data: Any) -> ChainState:
    """The collectives' and the elections' genesis [GEN-3] [COL-2] [ELE-3].

    ``{council: [account], technical_committee: [account], elections_members:
    [[account, stake]]}``, every field optional. The Technical Committee's
    members are those of ``TechnicalMembership``, which initializes it. Elections members are seated
    with a self-vote and reported to the Council as its members, so a genesis
    may not also give the Council members (production panics: "Members are
    already initialized!"). A member's stake may not exceed its free balance,
    and there may be at most ``desired_members`` of them.
    """
    if not isinstance(data, Mapping) or not set(data) <= set(GOVERNANCE_FIELDS):
        raise InvalidInput(
            f"genesis governance overrides are a map with fields among {GOVERNANCE_FIELDS}"
        )
    for field in ("council", "technical_committee"):
        members = [resolve_account(who) for who in _list(data.get(field, []), field)]
        if len(set(members)) != len(members):
            raise InvalidInput(f"duplicate {field} member at genesis")
        col = evolve(getattr(state, field), members=tuple(sorted(members)))
        state = (
            evolve(state, council=col)
            if field == "council"
            else evolve(
                state,
                technical_committee=col,
                technical_membership=genesis_membership(tuple(members)),
            )
        )
    elected: list[tuple[bytes, int]] = []
    for entry in _list(data.get("elections_members", []), "elections_members"):
        if not isinstance(entry, list | tuple) or len(entry) != 2:
            raise InvalidInput("an elections member is a pair [account, stake]")
        who = resolve_account(entry[0])
        stake = BALANCE.decode(entry[1], "an elections member's stake")
        if who in dict(elected):
            raise InvalidInput("duplicate member in elections-phragmen genesis")
        if state.system.accounts.get(who, AccountInfo()).data.free < stake:
            raise InvalidInput("genesis member does not have enough stake")
        elected.append((who, stake))
    if len(elected) > state.config.elections.desired_members:
        raise InvalidInput("cannot accept more than DesiredMembers genesis members")
    if elected:
        if state.council.members:
            raise InvalidInput("council members are already initialized by the elections")
        state = evolve(state, elections=genesis_members(state, elected))
        state = evolve(
            state,
            council=evolve(state.council, members=tuple(sorted(who for who, _ in elected))),
        )
    return state


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"genesis governance {field} is a list")
    return list(value)


COMPUTATION_FIELDS = (
    "tokenomic",
    "heartbeat_paused",
    "cool_down_period",
    "contract_account",
    "online_workers",
)
BUDGET_BALANCER = dev_keypair("budget-balancer").public


def computation_genesis(data: Any) -> ComputationState:
    """The computation storage of a genesis override [GEN-3] [CMP-4].

    ``{tokenomic: {name: U64F64 bits, heartbeat_window: u32} or null, heartbeat_paused: bool,
    cool_down_period: u64 seconds, contract_account: account, online_workers: u32}``,
    every field optional: the pallet's default parameters, a paused heartbeat, seven days,
    the reference's budget-balancer account, and no online worker. A null ``tokenomic``
    stores no parameters. ``online_workers`` starts the ``OnlineWorkers`` counter as a
    test that sets it directly does [GEN-6].
    """
    if not isinstance(data, Mapping) or not set(data) <= set(COMPUTATION_FIELDS):
        raise InvalidInput(
            f"genesis computation overrides are a map with fields among {COMPUTATION_FIELDS}"
        )
    params = data.get("tokenomic", {})
    if params is not None and not isinstance(params, Mapping):
        raise InvalidInput("genesis tokenomic parameters are null or a map from name to value")
    tokenomic = (
        None
        if params is None
        else {name: tokenomic_field(name, value) for name, value in params.items()}
    )
    paused = data.get("heartbeat_paused", True)
    if not isinstance(paused, bool):
        raise InvalidInput("heartbeat_paused is a boolean")
    period = U64_KIND.decode(data.get("cool_down_period", 604_800), "cool_down_period (seconds)")
    contract = (
        resolve_account(data["contract_account"]) if "contract_account" in data else BUDGET_BALANCER
    )
    online = U32_KIND.decode(data.get("online_workers", 0), "online_workers")
    storage = computation.genesis_state(
        {"tokenomic": tokenomic, "heartbeat_paused": paused, "cool_down_period": period},
        contract,
    )
    return evolve(storage, online_workers=online)


PHAT_TOKENOMIC_FIELDS = ("min_stake",)


def phat_tokenomic_genesis(data: Any) -> PhatTokenomicState:
    """The Phat tokenomic pallet's storage of a genesis override [GEN-6] [PHAT-30].

    ``{min_stake: balance}``: ``MinStake``, which no call sets (production's
    own tests write it directly); absent, 0.
    """
    if not isinstance(data, Mapping) or not set(data) <= set(PHAT_TOKENOMIC_FIELDS):
        raise InvalidInput(
            f"genesis phat_tokenomic overrides are a map with fields among {PHAT_TOKENOMIC_FIELDS}"
        )
    return PhatTokenomicState(min_stake=BALANCE.decode(data.get("min_stake", 0), "min_stake"))


MQ_FIELDS = ("ingress",)


def mq_genesis(data: Any) -> MqState:
    """The message queue's storage of a genesis override [GEN-6] [MQ-7].

    ``{ingress: [[origin, sequence]]}``: the next sequence expected from each off-chain
    sender (``OffchainIngress``), an origin in its plain-data form ``{kind, id}`` [MQ-1] and
    the sequence a u64. A sender may appear once.
    """
    if not isinstance(data, Mapping) or not set(data) <= set(MQ_FIELDS):
        raise InvalidInput(f"genesis mq overrides are a map with fields among {MQ_FIELDS}")
    entries = data.get("ingress", [])
    if not isinstance(entries, list | tuple):
        raise InvalidInput("genesis mq ingress is a list of [origin, sequence] pairs")
    ingress: dict[Any, int] = {}
    for entry in entries:
        if not isinstance(entry, list | tuple) or len(entry) != 2:
            raise InvalidInput("a genesis mq ingress entry is a pair [origin, sequence]")
        origin = origin_from_data(entry[0])
        if origin in ingress:
            raise InvalidInput("duplicate sender in the genesis mq ingress")
        ingress[origin] = U64_KIND.decode(entry[1], "an ingress sequence")
    return MqState(ingress=immutables.Map(ingress))


REGISTRY_FIELDS = (
    "gatekeeper_master_pubkey",
    "cluster_keys",
    "contract_keys",
    "pruntime_allowlist",
    "genesis_hash_allowlist",
    "benchmark_duration",
    "workers",
    "gatekeeper_launched_at",
)
WORKER_FIELDS = ("pubkey", "ecdh_pubkey", "operator", "initial_score")


_OPTION_KEY = option(BYTES32)
_HASHES = list_of(BYTES)
_HASHES32 = list_of(BYTES32)


def registry_genesis(data: Any) -> RegistryState:
    """The registry storage of a genesis override [GEN-3] [MQ-8] [REG-3].

    ``{gatekeeper_master_pubkey: bytes32 | null, cluster_keys: {bytes32: bytes32},
    contract_keys: {bytes32: bytes32}, pruntime_allowlist: [bytes],
    genesis_hash_allowlist: [bytes32], benchmark_duration: u32 | null, workers: [worker],
    gatekeeper_launched_at: {block: u32, timestamp: u64} | null}``, every field optional
    (absent: no key, empty lists, a benchmark duration of 8, no worker, not launched).

    A worker is ``{pubkey: bytes32, ecdh_pubkey?: bytes32, operator?: account | null,
    initial_score?: u32 | null}``: the record root's ``force_register_worker`` writes
    [REG-7] (provider ``Root``, confidence 128), added at block 0, with its benchmark
    score set as production's tests set it [GEN-6]. ``ecdh_pubkey`` defaults to the
    public key, ``operator`` and ``initial_score`` to null.
    """
    if not isinstance(data, Mapping) or not set(data) <= set(REGISTRY_FIELDS):
        raise InvalidInput(
            f"genesis registry overrides are a map with fields among {REGISTRY_FIELDS}"
        )
    master = _OPTION_KEY.decode(
        data.get("gatekeeper_master_pubkey"), "the gatekeeper master public key"
    )
    keys = {}
    for field in ("cluster_keys", "contract_keys"):
        entries = data.get(field, {})
        if not isinstance(entries, Mapping):
            raise InvalidInput(f"genesis {field} map 32-byte ids to 32-byte public keys")
        keys[field] = immutables.Map(
            {
                BYTES32.decode(k, f"an id of {field}"): BYTES32.decode(v, f"a key of {field}")
                for k, v in entries.items()
            }
        )
    allowlist = _HASHES.decode(data.get("pruntime_allowlist", []), "the genesis pRuntime allowlist")
    hashes = _HASHES32.decode(
        data.get("genesis_hash_allowlist", []), "the genesis block hash allowlist"
    )
    duration = OPTION_U32.decode(data.get("benchmark_duration", 8), "the benchmark duration")
    workers = _genesis_workers(data.get("workers", []))
    launched = data.get("gatekeeper_launched_at")
    if launched is not None:
        if not isinstance(launched, Mapping) or set(launched) != {"block", "timestamp"}:
            raise InvalidInput("gatekeeper_launched_at is null or a map {block, timestamp}")
        launched = GatekeeperLaunchedAt(
            BLOCK_NUMBER.decode(launched["block"], "the gatekeeper launch block"),
            U64_KIND.decode(launched["timestamp"], "the gatekeeper launch time (seconds)"),
        )
    return RegistryState(
        workers=immutables.Map(workers),
        worker_added_at=immutables.Map(dict.fromkeys(workers, 0)),
        gatekeeper_launched_at=launched,
        gatekeeper_master_pubkey=master,
        pruntime_allowlist=allowlist,
        genesis_hash_allowlist=hashes,
        benchmark_duration=duration,
        cluster_keys=keys["cluster_keys"],
        contract_keys=keys["contract_keys"],
    )


_OPTION_SCORE = option(U32_KIND)


def _genesis_workers(entries: Any) -> dict[bytes, WorkerInfo]:
    """Workers registered at genesis as root registers them, with their scores [GEN-6] [REG-7]."""
    if not isinstance(entries, list | tuple):
        raise InvalidInput("genesis registry workers are a list of worker maps")
    workers: dict[bytes, WorkerInfo] = {}
    for entry in entries:
        if not isinstance(entry, Mapping) or not {"pubkey"} <= set(entry) <= set(WORKER_FIELDS):
            raise InvalidInput(
                f"a genesis worker is a map with pubkey and fields among {WORKER_FIELDS}"
            )
        pubkey = BYTES32.decode(entry["pubkey"], "a genesis worker's public key")
        if pubkey in workers:
            raise InvalidInput("duplicate genesis worker")
        operator = entry.get("operator")
        workers[pubkey] = WorkerInfo(
            pubkey=pubkey,
            ecdh_pubkey=BYTES32.decode(entry.get("ecdh_pubkey", pubkey), "an ecdh public key"),
            runtime_version=0,
            last_updated=FORCED_LAST_UPDATED,
            operator=None if operator is None else resolve_account(operator),
            attestation_provider="Root",
            confidence_level=CONFIDENCE_NONE,
            initial_score=_OPTION_SCORE.decode(entry.get("initial_score"), "an initial score"),
            features=FORCED_FEATURES,
        )
    return workers


def resolve_account(value: Any) -> bytes:
    """An account id from plain data: 32 bytes, or the name of a dev account."""
    names = (*DEV_ACCOUNTS, "foundation")
    if isinstance(value, str):
        if value not in names:
            raise InvalidInput(f"unknown dev account {value!r}; the dev accounts are {names}")
        return dev_account(value)
    return ACCOUNT_ID.decode(value, "an account (or a dev account name)")
