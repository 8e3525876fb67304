"""Authored refusals: genesis overrides an implementation must refuse as invalid input [VEC-28].

Each refused case offers one genesis whose overrides break one rule of [GEN-3]..[GEN-6],
[COL-2], [ELE-3] or [NET-2] and expects the load refused. Where a rule is a bound, the two
accepted cases at the end (suite `runtime`, handler `genesis_bounds`: they refuse nothing)
build the genesis exactly on it, every section with every one of its fields and each integer
at the top of its width, so a reader that moves a bound by one or that forgets a field fails
one of the two.
"""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case

SUITE = "refusals"
ACCEPTED = "runtime"  # the genesis on its bounds is valid input: a vector of the runtime suite
MINIMAL = ("minimal",)
U32_MAX = (1 << 32) - 1
U64_MAX = (1 << 64) - 1
U128_MAX = (1 << 128) - 1
WORKER = {"kind": "Worker", "id": bytes(range(32))}


def key(byte: int) -> bytes:
    """A 32-byte key of one repeated byte."""
    return bytes([byte]) * 32


def runtime(name: str = "w1", **fields: Any) -> dict[str, Any]:
    """A worker runtime's declaration with a dev key [NET-2], with fields changed."""
    return {"name": name, "key": name, "role": "worker", **fields}


# --- The overrides as a whole and `config` [GEN-3] [GEN-5] -----------------------------------


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3",))
def genesis_unknown_override(b: CaseBuilder) -> None:
    """The overrides name only the sections of [GEN-3] (and, with runtimes, `crypto`,
    [NET-2]): a `staking` section at the top level is refused."""
    b.refuse_genesis({"staking": {"min_contribution": 1}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3",))
def genesis_config_not_a_map(b: CaseBuilder) -> None:
    """`config` is a map of parameters by name [GEN-3]: a list of pairs is refused."""
    b.refuse_genesis({"config": [["existential_deposit", 10]]})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3",))
def genesis_config_unknown_parameter(b: CaseBuilder) -> None:
    """A `config` parameter the preset does not have is refused [GEN-3]."""
    b.refuse_genesis({"config": {"max_holds": 4}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3",))
def genesis_config_section_not_a_map(b: CaseBuilder) -> None:
    """A pallet's section of `config` is a map of its parameters [GEN-3]: a number is refused."""
    b.refuse_genesis({"config": {"treasury": 5}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3",))
def genesis_config_section_unknown_parameter(b: CaseBuilder) -> None:
    """A section's parameter that the preset's section does not have is refused [GEN-3]."""
    b.refuse_genesis({"config": {"treasury": {"max_spends": 3}}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3",))
def genesis_config_flag_not_a_boolean(b: CaseBuilder) -> None:
    """A flag takes a boolean [GEN-3]: `verify_pruntime: 1` is refused."""
    b.refuse_genesis({"config": {"verify_pruntime": 1}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3", "GEN-5"))
def genesis_config_unknown_call_filter(b: CaseBuilder) -> None:
    """`call_filter` is one of its texts [GEN-5] [CHAIN-15]: `Nothing` is refused."""
    b.refuse_genesis({"config": {"call_filter": "Nothing"}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3", "GEN-5"))
def genesis_config_unknown_default_vote(b: CaseBuilder) -> None:
    """A collective's `default_vote` is one of its texts [GEN-5] [COL-7]: a Technical Committee
    `MoreThanMajority` is refused."""
    b.refuse_genesis({"config": {"technical_committee": {"default_vote": "MoreThanMajority"}}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3",))
def genesis_config_negative_parameter(b: CaseBuilder) -> None:
    """Every other parameter is a non-negative integer [GEN-3]: a treasury burn of -1 is
    refused (0 is valid: `runtime/genesis/genesis_at_its_bounds`)."""
    b.refuse_genesis({"config": {"treasury": {"burn": -1}}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3",))
def genesis_config_parameter_as_text(b: CaseBuilder) -> None:
    """An integer parameter given as text is refused [GEN-3]."""
    b.refuse_genesis({"config": {"max_locks": "4"}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3",))
def genesis_config_boolean_for_an_integer_in_a_section(b: CaseBuilder) -> None:
    """A boolean is not an integer [GEN-3]: `elections.desired_members: true` is refused."""
    b.refuse_genesis({"config": {"elections": {"desired_members": True}}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-2", "GEN-3"))
def genesis_parachain_id_past_u32(b: CaseBuilder) -> None:
    """The parachain id is a `u32` [GEN-2] [STATE-4]: 2^32 is refused (2^32 - 1 is valid:
    `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    b.refuse_genesis({"config": {"parachain_id": U32_MAX + 1}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-5",))
def genesis_max_pool_workers_past_u32(b: CaseBuilder) -> None:
    """`staking.max_pool_workers` accepts a `u32` [GEN-5]: 2^32 is refused (2^32 - 1 is valid:
    `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    b.refuse_genesis({"config": {"staking": {"max_pool_workers": U32_MAX + 1}}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-5", "DEM-2"))
def genesis_democracy_period_past_block_number(b: CaseBuilder) -> None:
    """A democracy period is a `block_number` [GEN-5] [DEM-2]: a voting period of 2^32 is
    refused (2^32 - 1 is valid: `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    b.refuse_genesis({"config": {"democracy": {"voting_period": U32_MAX + 1}}})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-3", "STATE-4"))
def genesis_existential_deposit_of_zero(b: CaseBuilder) -> None:
    """The existential deposit is at least 1 [STATE-4] [GEN-3]: 0 is refused (1 is valid:
    `runtime/genesis/genesis_at_its_bounds`)."""
    b.refuse_genesis({"config": {"existential_deposit": 0}, "balances": [[b.account("alice"), 5]]})


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-5", "STK-2"))
def genesis_wpha_min_balance_of_zero(b: CaseBuilder) -> None:
    """W-PHA's minimum balance is at least 1 [GEN-5] [STK-2]: 0 is refused (1 is valid:
    `runtime/genesis/genesis_at_its_bounds`)."""
    b.refuse_genesis({"config": {"staking": {"wpha_min_balance": 0}}})


# --- `balances` [GEN-3] [GEN-4] ---------------------------------------------------------------


@case(suite=SUITE, handler="genesis_balances", presets=MINIMAL, clauses=("GEN-3",))
def genesis_balances_not_a_list(b: CaseBuilder) -> None:
    """`balances` is a list of `[account, amount]` pairs [GEN-3]: an empty map is refused (an
    empty list is valid: no endowment)."""
    b.refuse_genesis({"balances": {}})


@case(suite=SUITE, handler="genesis_balances", presets=MINIMAL, clauses=("GEN-3",))
def genesis_balance_of_three_items(b: CaseBuilder) -> None:
    """An endowment is a pair [GEN-3]: `[account, amount, 0]` is refused."""
    b.refuse_genesis({"balances": [[b.account("alice"), 1_000, 0]]})


@case(suite=SUITE, handler="genesis_balances", presets=MINIMAL, clauses=("GEN-3",))
def genesis_balance_of_one_item(b: CaseBuilder) -> None:
    """An endowment is a pair [GEN-3]: `[account]` is refused."""
    b.refuse_genesis({"balances": [[b.account("alice")]]})


@case(suite=SUITE, handler="genesis_balances", presets=MINIMAL, clauses=("GEN-3",))
def genesis_balance_not_a_list(b: CaseBuilder) -> None:
    """An endowment is a pair [GEN-3]: a bare account is refused."""
    b.refuse_genesis({"balances": [b.account("alice")]})


@case(suite=SUITE, handler="genesis_balances", presets=MINIMAL, clauses=("GEN-3",))
def genesis_balance_of_an_unknown_dev_account(b: CaseBuilder) -> None:
    """An account is 32 bytes or a dev account's name [GEN-3] [CRYPTO-2]: `zed` is refused."""
    b.refuse_genesis({"balances": [["zed", 1_000]]})


@case(suite=SUITE, handler="genesis_balances", presets=MINIMAL, clauses=("GEN-3",))
def genesis_balance_of_a_short_account(b: CaseBuilder) -> None:
    """An account is 32 bytes [GEN-3]: a 31-byte account is refused."""
    b.refuse_genesis({"balances": [[b.account("alice")[:31], 1_000]]})


@case(suite=SUITE, handler="genesis_balances", presets=MINIMAL, clauses=("GEN-4",))
def genesis_issuance_past_u128(b: CaseBuilder) -> None:
    """The endowments' total fits 128 bits [GEN-4]: two endowments of 2^127 are refused."""
    half = 1 << 127
    b.refuse_genesis({"balances": [[b.account("alice"), half], [b.account("bob"), half]]})


# --- `governance` [COL-2] [ELE-3] ------------------------------------------------------------


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("GEN-3", "COL-2"))
def genesis_governance_not_a_map(b: CaseBuilder) -> None:
    """`governance` is a map [GEN-3] [COL-2]: a list is refused."""
    b.refuse_genesis({"governance": [b.account("alice")]})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("GEN-3", "COL-2"))
def genesis_governance_unknown_field(b: CaseBuilder) -> None:
    """`governance` has only `council`, `technical_committee` and `elections_members`
    [GEN-3] [COL-2]: a `prime` is refused."""
    b.refuse_genesis({"governance": {"prime": b.account("alice")}})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("GEN-3", "COL-2"))
def genesis_council_not_a_list(b: CaseBuilder) -> None:
    """The Council's members are a list [COL-2]: an empty map is refused."""
    b.refuse_genesis({"governance": {"council": {}}})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("GEN-3", "COL-2"))
def genesis_technical_committee_member_twice(b: CaseBuilder) -> None:
    """Members do not repeat [COL-2]: a Technical Committee of alice twice is refused."""
    alice = b.account("alice")
    b.refuse_genesis({"governance": {"technical_committee": [alice, b.account("bob"), alice]}})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("GEN-3", "ELE-3"))
def genesis_elections_members_not_a_list(b: CaseBuilder) -> None:
    """The elections members are a list of pairs [ELE-3]: an empty map is refused."""
    b.refuse_genesis({"governance": {"elections_members": {}}})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("GEN-3", "ELE-3"))
def genesis_elections_member_of_three_items(b: CaseBuilder) -> None:
    """An elections member is a pair `[account, stake]` [ELE-3]: three items are refused."""
    b.refuse_genesis({"governance": {"elections_members": [[b.account("alice"), 10, 0]]}})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("GEN-3", "ELE-3"))
def genesis_elections_member_not_a_pair(b: CaseBuilder) -> None:
    """An elections member is a pair `[account, stake]` [ELE-3]: a bare account is refused."""
    b.refuse_genesis({"governance": {"elections_members": [b.account("alice")]}})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("ELE-3",))
def genesis_elections_member_twice(b: CaseBuilder) -> None:
    """An elections member may not repeat [ELE-3]."""
    alice = b.account("alice")
    b.refuse_genesis({"governance": {"elections_members": [[alice, 10], [alice, 10]]}})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("ELE-3",))
def genesis_elections_stake_above_the_free_balance(b: CaseBuilder) -> None:
    """A member's stake is at most its free balance [ELE-3]: 1,001 of alice's 1,000 is refused
    (her whole balance is valid: `runtime/genesis/genesis_at_its_bounds`)."""
    b.refuse_genesis({"governance": {"elections_members": [[b.account("alice"), 1_001]]}})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("ELE-3",))
def genesis_elections_members_past_desired(b: CaseBuilder) -> None:
    """At most `desired_members` (2 on `minimal`) elections members [ELE-3]: three are refused
    (two are valid: `runtime/genesis/genesis_at_its_bounds`)."""
    members = [[b.account(name), 10] for name in ("alice", "bob", "charlie")]
    b.refuse_genesis({"governance": {"elections_members": members}})


@case(suite=SUITE, handler="genesis_governance", presets=MINIMAL, clauses=("COL-2", "ELE-3"))
def genesis_council_and_elections_members(b: CaseBuilder) -> None:
    """A genesis that seats elections members may not also give the Council's members [COL-2]
    [ELE-3]."""
    b.refuse_genesis(
        {
            "governance": {
                "council": [b.account("bob")],
                "elections_members": [[b.account("alice"), 10]],
            }
        }
    )


# --- `computation` [CMP-4] [GEN-6] ------------------------------------------------------------


@case(suite=SUITE, handler="genesis_computation", presets=MINIMAL, clauses=("GEN-3", "CMP-4"))
def genesis_computation_not_a_map(b: CaseBuilder) -> None:
    """`computation` is a map [GEN-3] [CMP-4]: a list is refused."""
    b.refuse_genesis({"computation": [["heartbeat_paused", False]]})


@case(suite=SUITE, handler="genesis_computation", presets=MINIMAL, clauses=("GEN-3", "CMP-4"))
def genesis_computation_unknown_field(b: CaseBuilder) -> None:
    """`computation` has only the fields of [CMP-4] and [GEN-6]: `sessions` is refused."""
    b.refuse_genesis({"computation": {"sessions": []}})


@case(suite=SUITE, handler="genesis_computation", presets=MINIMAL, clauses=("GEN-3", "CMP-4"))
def genesis_tokenomic_not_a_map(b: CaseBuilder) -> None:
    """`tokenomic` is null or a map from parameter to value [CMP-4]: a list is refused."""
    b.refuse_genesis({"computation": {"tokenomic": [["k", 1]]}})


@case(suite=SUITE, handler="genesis_computation", presets=MINIMAL, clauses=("GEN-3", "CMP-4"))
def genesis_heartbeat_paused_not_a_boolean(b: CaseBuilder) -> None:
    """`heartbeat_paused` is a boolean [CMP-4]: 0 is refused."""
    b.refuse_genesis({"computation": {"heartbeat_paused": 0}})


@case(suite=SUITE, handler="genesis_computation", presets=MINIMAL, clauses=("GEN-3", "CMP-4"))
def genesis_cool_down_period_past_u64(b: CaseBuilder) -> None:
    """The cool-down period is a `u64` of seconds [CMP-4]: 2^64 is refused (2^64 - 1 is valid:
    `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    b.refuse_genesis({"computation": {"cool_down_period": U64_MAX + 1}})


@case(suite=SUITE, handler="genesis_computation", presets=MINIMAL, clauses=("GEN-3", "CMP-4"))
def genesis_contract_account_of_31_bytes(b: CaseBuilder) -> None:
    """The contract account is an account [CMP-4]: 31 bytes are refused."""
    b.refuse_genesis({"computation": {"contract_account": key(7)[:31]}})


@case(suite=SUITE, handler="genesis_computation", presets=MINIMAL, clauses=("GEN-6",))
def genesis_online_workers_past_u32(b: CaseBuilder) -> None:
    """`online_workers` is a `u32` [GEN-6]: 2^32 is refused (2^32 - 1 is valid:
    `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    b.refuse_genesis({"computation": {"online_workers": U32_MAX + 1}})


# --- `mq` and `phat_tokenomic` [GEN-6] --------------------------------------------------------


@case(suite=SUITE, handler="genesis_mq", presets=MINIMAL, clauses=("GEN-6",))
def genesis_mq_not_a_map(b: CaseBuilder) -> None:
    """`mq` is a map `{ingress}` [GEN-6]: a list is refused."""
    b.refuse_genesis({"mq": [[WORKER, 1]]})


@case(suite=SUITE, handler="genesis_mq", presets=MINIMAL, clauses=("GEN-6",))
def genesis_mq_unknown_field(b: CaseBuilder) -> None:
    """`mq` has only `ingress` [GEN-6]: an `egress` is refused."""
    b.refuse_genesis({"mq": {"egress": []}})


@case(suite=SUITE, handler="genesis_mq", presets=MINIMAL, clauses=("GEN-6",))
def genesis_mq_ingress_not_a_list(b: CaseBuilder) -> None:
    """`mq.ingress` is a list of pairs [GEN-6]: an empty map is refused."""
    b.refuse_genesis({"mq": {"ingress": {}}})


@case(suite=SUITE, handler="genesis_mq", presets=MINIMAL, clauses=("GEN-6",))
def genesis_mq_ingress_of_three_items(b: CaseBuilder) -> None:
    """An ingress entry is a pair `[origin, sequence]` [GEN-6]: three items are refused."""
    b.refuse_genesis({"mq": {"ingress": [[WORKER, 1, 0]]}})


@case(suite=SUITE, handler="genesis_mq", presets=MINIMAL, clauses=("GEN-6",))
def genesis_mq_ingress_of_one_item(b: CaseBuilder) -> None:
    """An ingress entry is a pair `[origin, sequence]` [GEN-6]: the origin alone is refused."""
    b.refuse_genesis({"mq": {"ingress": [[WORKER]]}})


@case(suite=SUITE, handler="genesis_mq", presets=MINIMAL, clauses=("GEN-6",))
def genesis_mq_ingress_not_a_pair(b: CaseBuilder) -> None:
    """An ingress entry is a pair `[origin, sequence]` [GEN-6]: a bare origin is refused."""
    b.refuse_genesis({"mq": {"ingress": [WORKER]}})


@case(suite=SUITE, handler="genesis_mq", presets=MINIMAL, clauses=("GEN-6", "MQ-7"))
def genesis_mq_sender_twice(b: CaseBuilder) -> None:
    """A sender appears once in `mq.ingress` [GEN-6]."""
    b.refuse_genesis({"mq": {"ingress": [[WORKER, 1], [WORKER, 2]]}})


@case(suite=SUITE, handler="genesis_mq", presets=MINIMAL, clauses=("GEN-6", "MQ-7"))
def genesis_mq_sequence_past_u64(b: CaseBuilder) -> None:
    """An ingress sequence is a `u64` [GEN-6]: 2^64 is refused (2^64 - 1 is valid:
    `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    b.refuse_genesis({"mq": {"ingress": [[WORKER, U64_MAX + 1]]}})


@case(suite=SUITE, handler="genesis_mq", presets=MINIMAL, clauses=("GEN-6", "MQ-1"))
def genesis_mq_origin_of_no_kind(b: CaseBuilder) -> None:
    """An ingress sender is an origin in its plain-data form `{kind, id}` [MQ-1]: a kind of no
    origin is refused."""
    b.refuse_genesis({"mq": {"ingress": [[{"kind": "Relayer", "id": bytes(32)}, 1]]}})


@case(suite=SUITE, handler="genesis_phat", presets=MINIMAL, clauses=("GEN-6", "PHAT-30"))
def genesis_phat_tokenomic_not_a_map(b: CaseBuilder) -> None:
    """`phat_tokenomic` is a map `{min_stake}` [GEN-6]: a number is refused."""
    b.refuse_genesis({"phat_tokenomic": 5})


@case(suite=SUITE, handler="genesis_phat", presets=MINIMAL, clauses=("GEN-6", "PHAT-30"))
def genesis_phat_tokenomic_unknown_field(b: CaseBuilder) -> None:
    """`phat_tokenomic` has only `min_stake` [GEN-6]: a `user_stakes` is refused."""
    b.refuse_genesis({"phat_tokenomic": {"user_stakes": []}})


@case(suite=SUITE, handler="genesis_phat", presets=MINIMAL, clauses=("GEN-6", "PHAT-30"))
def genesis_min_stake_past_u128(b: CaseBuilder) -> None:
    """`min_stake` is a balance [GEN-6]: 2^128 is refused (2^128 - 1 is valid:
    `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    b.refuse_genesis({"phat_tokenomic": {"min_stake": U128_MAX + 1}})


# --- `registry` [REG-3] [MQ-8] [GEN-6] --------------------------------------------------------


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-3", "REG-3"))
def genesis_registry_not_a_map(b: CaseBuilder) -> None:
    """`registry` is a map [GEN-3]: a list is refused."""
    b.refuse_genesis({"registry": [key(1)]})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-3", "REG-3"))
def genesis_registry_unknown_field(b: CaseBuilder) -> None:
    """`registry` has only the fields of [GEN-3] and [GEN-6]: `gatekeepers` is refused."""
    b.refuse_genesis({"registry": {"gatekeepers": [key(1)]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("MQ-8", "REG-3"))
def genesis_master_key_of_31_bytes(b: CaseBuilder) -> None:
    """The gatekeeper master public key is 32 bytes or null [MQ-8]: 31 bytes are refused."""
    b.refuse_genesis({"registry": {"gatekeeper_master_pubkey": key(1)[:31]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("MQ-8", "REG-3"))
def genesis_cluster_keys_not_a_map(b: CaseBuilder) -> None:
    """`cluster_keys` maps 32-byte ids to 32-byte keys [MQ-8]: a list of pairs is refused."""
    b.refuse_genesis({"registry": {"cluster_keys": [[key(1), key(2)]]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("MQ-8", "REG-3"))
def genesis_contract_key_of_31_bytes(b: CaseBuilder) -> None:
    """`contract_keys` maps 32-byte ids to 32-byte keys [MQ-8]: a 31-byte key is refused."""
    b.refuse_genesis({"registry": {"contract_keys": {key(1): key(2)[:31]}}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("REG-3",))
def genesis_pruntime_allowlist_not_a_list(b: CaseBuilder) -> None:
    """`pruntime_allowlist` is a list of byte strings [REG-3]: one byte string is refused."""
    b.refuse_genesis({"registry": {"pruntime_allowlist": key(1)}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("REG-3",))
def genesis_hash_allowlist_of_31_bytes(b: CaseBuilder) -> None:
    """`genesis_hash_allowlist` holds 32-byte hashes [REG-3]: a 31-byte one is refused."""
    b.refuse_genesis({"registry": {"genesis_hash_allowlist": [key(1)[:31]]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("REG-3",))
def genesis_benchmark_duration_past_u32(b: CaseBuilder) -> None:
    """The benchmark duration is a `u32` or null [REG-3]: 2^32 is refused (2^32 - 1 is valid:
    `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    b.refuse_genesis({"registry": {"benchmark_duration": U32_MAX + 1}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-16"))
def genesis_gatekeeper_launch_not_a_map(b: CaseBuilder) -> None:
    """`gatekeeper_launched_at` is null or `{block, timestamp}` [GEN-6]: a list is refused."""
    b.refuse_genesis({"registry": {"gatekeeper_launched_at": [1, 12]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-16"))
def genesis_gatekeeper_launch_without_its_time(b: CaseBuilder) -> None:
    """`gatekeeper_launched_at` has exactly `block` and `timestamp` [GEN-6]: a block alone is
    refused."""
    b.refuse_genesis({"registry": {"gatekeeper_launched_at": {"block": 1}}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-16"))
def genesis_gatekeeper_launch_with_an_extra_field(b: CaseBuilder) -> None:
    """`gatekeeper_launched_at` has exactly `block` and `timestamp` [GEN-6]: a third field is
    refused."""
    launched = {"block": 1, "timestamp": 12, "number": 1}
    b.refuse_genesis({"registry": {"gatekeeper_launched_at": launched}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-16"))
def genesis_gatekeeper_launch_block_past_u32(b: CaseBuilder) -> None:
    """The launch block is a `block_number` [GEN-6]: 2^32 is refused (2^32 - 1 is valid:
    `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    launched = {"block": U32_MAX + 1, "timestamp": 12}
    b.refuse_genesis({"registry": {"gatekeeper_launched_at": launched}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-16"))
def genesis_gatekeeper_launch_time_past_u64(b: CaseBuilder) -> None:
    """The launch time is a `u64` of seconds [GEN-6]: 2^64 is refused (2^64 - 1 is valid:
    `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    launched = {"block": 1, "timestamp": U64_MAX + 1}
    b.refuse_genesis({"registry": {"gatekeeper_launched_at": launched}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-7"))
def genesis_workers_not_a_list(b: CaseBuilder) -> None:
    """`registry.workers` is a list of worker maps [GEN-6]: an empty map is refused."""
    b.refuse_genesis({"registry": {"workers": {}}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-7"))
def genesis_worker_not_a_map(b: CaseBuilder) -> None:
    """A genesis worker is a map [GEN-6]: a bare public key is refused."""
    b.refuse_genesis({"registry": {"workers": [key(1)]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-7"))
def genesis_worker_without_a_public_key(b: CaseBuilder) -> None:
    """A genesis worker has a `pubkey` [GEN-6]: a worker with only its ECDH key is refused."""
    b.refuse_genesis({"registry": {"workers": [{"ecdh_pubkey": key(1)}]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-7"))
def genesis_worker_with_an_extra_field(b: CaseBuilder) -> None:
    """A genesis worker has only `pubkey`, `ecdh_pubkey`, `operator` and `initial_score`
    [GEN-6]: a `confidence_level` is refused."""
    b.refuse_genesis({"registry": {"workers": [{"pubkey": key(1), "confidence_level": 1}]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-7"))
def genesis_worker_twice(b: CaseBuilder) -> None:
    """A genesis worker's public key appears once [GEN-6]."""
    workers = [{"pubkey": key(1)}, {"pubkey": key(1), "initial_score": 5}]
    b.refuse_genesis({"registry": {"workers": workers}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-7"))
def genesis_worker_key_of_31_bytes(b: CaseBuilder) -> None:
    """A genesis worker's public key is 32 bytes [GEN-6]: 31 bytes are refused."""
    b.refuse_genesis({"registry": {"workers": [{"pubkey": key(1)[:31]}]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-7"))
def genesis_worker_operator_of_an_unknown_dev_account(b: CaseBuilder) -> None:
    """A genesis worker's operator is null, an account or a dev account's name [GEN-6]: `zed`
    is refused."""
    b.refuse_genesis({"registry": {"workers": [{"pubkey": key(1), "operator": "zed"}]}})


@case(suite=SUITE, handler="genesis_registry", presets=MINIMAL, clauses=("GEN-6", "REG-7"))
def genesis_worker_score_past_u32(b: CaseBuilder) -> None:
    """A genesis worker's `initial_score` is a `u32` or null [GEN-6]: 2^32 is refused
    (2^32 - 1 is valid: `runtime/genesis_bounds/genesis_on_its_bounds`)."""
    worker = {"pubkey": key(1), "initial_score": U32_MAX + 1}
    b.refuse_genesis({"registry": {"workers": [worker]}})


# --- `runtimes` and `crypto` [NET-2] ----------------------------------------------------------


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtimes_not_a_list(b: CaseBuilder) -> None:
    """`runtimes` is a list of declarations [NET-2]: an empty map is refused (an empty list is
    a network without runtimes)."""
    b.refuse_genesis({"runtimes": {}})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2", "NET-3"))
def genesis_network_unknown_crypto(b: CaseBuilder) -> None:
    """A network's crypto setting is `real` or `oracle` [NET-2] [NET-3]: `none` is refused."""
    b.refuse_genesis({"runtimes": [runtime()], "crypto": "none"})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",))
def genesis_crypto_without_runtimes(b: CaseBuilder) -> None:
    """`crypto` without `runtimes` is not a chain override [NET-2]."""
    b.refuse_genesis({"crypto": "real"})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_network_with_a_bad_chain_override(b: CaseBuilder) -> None:
    """A network's other overrides build its chain as [GEN-3] says [NET-2]: with runtimes, a
    config parameter the preset does not have is still refused."""
    b.refuse_genesis({"runtimes": [runtime()], "config": {"max_holds": 4}})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_named_twice(b: CaseBuilder) -> None:
    """Runtime names are unique in a network [NET-2]."""
    b.refuse_genesis({"runtimes": [runtime("w1"), runtime("w1", key="w2")]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_not_a_map(b: CaseBuilder) -> None:
    """A runtime declaration is a map [NET-2]: a name alone is refused."""
    b.refuse_genesis({"runtimes": ["w1"]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_with_an_extra_field(b: CaseBuilder) -> None:
    """A declaration has only the fields of [NET-2]: a `gatekeeper` flag is refused."""
    b.refuse_genesis({"runtimes": [runtime(gatekeeper=False)]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_without_a_name(b: CaseBuilder) -> None:
    """A declaration has a `name` [NET-2]: one without is refused."""
    declaration = {k: v for k, v in runtime().items() if k != "name"}
    b.refuse_genesis({"runtimes": [declaration]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_name_of_capitals(b: CaseBuilder) -> None:
    """A runtime's name matches `[a-z0-9][a-z0-9_-]*` [NET-2]: `W1` is refused."""
    b.refuse_genesis({"runtimes": [runtime("W1", key="w1")]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_with_seed_and_key(b: CaseBuilder) -> None:
    """A declaration has exactly one of `seed` and `key` [NET-2]: both are refused."""
    b.refuse_genesis({"runtimes": [runtime(seed=key(9))]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_without_seed_or_key(b: CaseBuilder) -> None:
    """A declaration has exactly one of `seed` and `key` [NET-2]: neither is refused."""
    b.refuse_genesis({"runtimes": [{"name": "w1", "role": "worker"}]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_seed_of_31_bytes(b: CaseBuilder) -> None:
    """A runtime's seed is 32 bytes [NET-2]: 31 bytes are refused."""
    b.refuse_genesis({"runtimes": [{"name": "w1", "seed": key(9)[:31], "role": "worker"}]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_key_empty(b: CaseBuilder) -> None:
    """A runtime's key is a dev key's name, not empty [NET-2]: an empty name is refused."""
    b.refuse_genesis({"runtimes": [runtime(key="")]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_key_not_text(b: CaseBuilder) -> None:
    """A runtime's key is a dev key's name, text [NET-2]: 32 bytes are refused."""
    b.refuse_genesis({"runtimes": [runtime(key=key(9))]})


@case(
    suite=SUITE,
    handler="genesis_network",
    presets=MINIMAL,
    clauses=("NET-2", "OFF-12"),
    crypto="real",
)
def genesis_runtime_of_an_unknown_role(b: CaseBuilder) -> None:
    """A runtime's role is `worker` or `gatekeeper` [NET-2]: `validator` is refused."""
    b.refuse_genesis({"runtimes": [runtime(role="validator")]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_without_a_role(b: CaseBuilder) -> None:
    """A declaration has a `role` [NET-2]: one without is refused."""
    b.refuse_genesis({"runtimes": [{"name": "w1", "key": "w1"}]})


@case(suite=SUITE, handler="genesis_network", presets=MINIMAL, clauses=("NET-2",), crypto="real")
def genesis_runtime_relayer_of_31_bytes(b: CaseBuilder) -> None:
    """A runtime's relayer is a 32-byte account [NET-2]: 31 bytes are refused."""
    b.refuse_genesis({"runtimes": [runtime(relayer=key(3)[:31])]})


@case(
    suite=SUITE,
    handler="genesis_network",
    presets=MINIMAL,
    clauses=("NET-2", "OFF-19"),
    crypto="real",
)
def genesis_runtime_iterations_past_u32(b: CaseBuilder) -> None:
    """A runtime's `iterations_per_block` is a `u32` [NET-2] [OFF-19]: 2^32 is refused
    (2^32 - 1 is valid: `runtime/genesis_bounds/genesis_network_on_its_bounds`)."""
    b.refuse_genesis({"runtimes": [runtime(iterations_per_block=U32_MAX + 1)]})


# --- Genesis exactly on its bounds ------------------------------------------------------------


@case(
    suite=ACCEPTED, handler="genesis_bounds", presets=MINIMAL, clauses=("GEN-3", "GEN-5", "GEN-6")
)
def genesis_on_its_bounds(b: CaseBuilder) -> None:
    """A genesis that gives every section every one of its fields, each integer at the top of
    its width, is valid [GEN-3] [GEN-5] [GEN-6] [CMP-4] [REG-3] [MQ-8] [COL-2] [ELE-3]: a
    parachain id, `max_pool_workers`, a democracy period, a benchmark duration, an initial score,
    a launch block and `online_workers` of 2^32 - 1; a cool-down period, a launch time and an
    ingress sequence of 2^64 - 1; a `min_stake` of 2^128 - 1. Accounts are given by dev account
    name where [GEN-3] allows it; a worker with its public key alone and one with every field."""
    b.genesis(
        config={
            "parachain_id": U32_MAX,
            "staking": {"max_pool_workers": U32_MAX},
            "democracy": {"voting_period": U32_MAX},
        },
        balances=[("alice", 1_000), ("bob", 1_000), ("charlie", 1_000)],
        registry={
            "gatekeeper_master_pubkey": key(1),
            "cluster_keys": {key(2): key(3)},
            "contract_keys": {key(4): key(5)},
            "pruntime_allowlist": [b"\x01\x02"],
            "genesis_hash_allowlist": [key(6)],
            "benchmark_duration": U32_MAX,
            "workers": [
                {"pubkey": key(7)},
                {
                    "pubkey": key(8),
                    "ecdh_pubkey": key(9),
                    "operator": "dave",
                    "initial_score": U32_MAX,
                },
            ],
            "gatekeeper_launched_at": {"block": U32_MAX, "timestamp": U64_MAX},
        },
        computation={
            "tokenomic": {"heartbeat_window": 20},
            "heartbeat_paused": False,
            "cool_down_period": U64_MAX,
            "contract_account": "eve",
            "online_workers": U32_MAX,
        },
        governance={
            "council": [],
            "technical_committee": ["alice", "bob"],
            "elections_members": [["charlie", 1_000]],
        },
        mq={"ingress": [[WORKER, U64_MAX]]},
        phat_tokenomic={"min_stake": U128_MAX},
    )
    b.initialize_block()
    b.expect_outcome("ok")


@case(
    suite=ACCEPTED,
    handler="genesis_bounds",
    presets=MINIMAL,
    clauses=("NET-2", "OFF-19"),
    crypto="oracle",
)
def genesis_network_on_its_bounds(b: CaseBuilder) -> None:
    """A network genesis whose declarations use every optional field is valid [NET-2]: a
    gatekeeper by seed with its relayer and `iterations_per_block` of 2^32 - 1, and a worker by
    dev key with neither."""
    b.genesis(
        runtimes=[
            {
                "name": "gk-0",
                "seed": key(11),
                "role": "gatekeeper",
                "relayer": key(12),
                "iterations_per_block": U32_MAX,
            },
            {"name": "w_1", "key": "w1", "role": "worker"},
        ],
        crypto="oracle",
    )
