"""Authored vectors for the runtime as a whole: the steps' domains and the views [STEP-1] [VIEW-1].

The pallet and network suites exercise what a step does; these cases pin what a step
accepts at the edge of its domain, where an implementation that decodes a field into a
narrower type than the spec's would refuse valid input, and views in states the pallet
suites do not observe them in.
"""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case, root
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.attestation.common import BAD_DCAP
from phala_spec.conformance.suites.dcap import sample
from phala_spec.conformance.suites.governance_democracy.common import (
    EXTERNAL,
    EXTERNAL_MAJORITY,
    transfer,
)
from phala_spec.primitives.arith import U64_MAX
from phala_spec.primitives.crypto import dev_keypair

SUITE = "runtime"
MINIMAL = ("minimal",)


@case(suite=SUITE, handler="verify_dcap", presets=MINIMAL, clauses=("STEP-8", "ATT-30"))
def dcap_at_the_last_u64_second(b: CaseBuilder) -> None:
    """`now` of a `verify_dcap` step is any u64 [STEP-8]: at 2^64 - 1 seconds, and at 2^63, the
    first instant that does not fit a signed 64-bit integer, production's sample is long past
    its TCB info's nextUpdate and fails with `InvalidDCAPQuote`; the step is valid input."""
    quote, collateral = sample()
    for now in (1 << 63, U64_MAX):
        b.verify_dcap(quote, collateral, now)
        b.expect_outcome(BAD_DCAP)


@case(suite=SUITE, handler="views", presets=MINIMAL, clauses=("VIEW-7", "DEM-14"), block=1)
def democracy_view_with_an_external_proposal(b: CaseBuilder) -> None:
    """`democracy()` shows the queued external proposal as `{proposal, threshold}` [VIEW-7]:
    the held call and super-majority-approve after `external_propose`, the same call and
    simple majority once `external_propose_majority` replaces it [DEM-14]."""
    call = transfer("ferdie", 3)
    b.call(EXTERNAL, {"proposal": call}, root())
    b.expect_outcome("ok")
    b.observe("democracy")
    b.call(EXTERNAL_MAJORITY, {"proposal": call}, root())
    b.expect_outcome("ok")
    external = b.chain.democracy.next_external
    check(external is not None and external[1] == "SimpleMajority", "the majority replaces it")
    b.observe("democracy")


@case(suite=SUITE, handler="genesis", presets=MINIMAL, clauses=("GEN-3", "GEN-4", "GEN-5", "ELE-3"))
def genesis_at_its_bounds(b: CaseBuilder) -> None:
    """A genesis exactly at its bounds is valid [GEN-3] [GEN-4] [GEN-5]: an existential deposit
    and a W-PHA minimum balance of 1 (the least each accepts), a treasury burn overridden with 0
    (the least non-negative integer), an endowment equal to the existential deposit, and as many
    elections members as `desired_members` (2), one of them staking its whole free balance
    [ELE-3]. The two members are the Council."""
    b.genesis(
        config={
            "existential_deposit": 1,
            "staking": {"wpha_min_balance": 1},
            "treasury": {"burn": 0},
        },
        balances=[("alice", 1_000), ("bob", 1), ("charlie", 500)],
        governance={"elections_members": [("alice", 1_000), ("charlie", 400)]},
    )
    config = b.config
    check(
        config.existential_deposit == 1 and config.elections.desired_members == 2,
        "the minimal preset wants two members",
    )
    members = tuple(sorted((b.account("alice"), b.account("charlie"))))
    check(b.chain.council.members == members, "the elections members are the Council")
    b.initialize_block()
    b.observe("balance", b.account("bob"))
    b.observe("account", b.account("bob"))
    b.observe("balance", b.account("alice"))
    b.observe("locks", b.account("alice"))
    b.observe("elections")
    b.observe("collective", "Council")
    b.observe("wpha_totals")
    b.observe("total_issuance")


WORKER_KEY = dev_keypair("runtime/genesis-worker").public
WORKER_ECDH = dev_keypair("runtime/genesis-worker-ecdh").public
SENDER = {"kind": "Worker", "id": WORKER_KEY}
MASTER = dev_keypair("runtime/genesis-master").public
CLUSTER, CLUSTER_KEY = bytes([1] * 32), dev_keypair("runtime/genesis-cluster").public
CONTRACT, CONTRACT_KEY = bytes([2] * 32), dev_keypair("runtime/genesis-contract").public


@case(
    suite=SUITE,
    handler="genesis",
    presets=MINIMAL,
    clauses=("GEN-3", "GEN-6", "REG-3", "REG-7", "CMP-4", "COL-2", "ELE-3", "MQ-7"),
)
def genesis_with_every_optional_field(b: CaseBuilder) -> None:
    """Every section of a genesis override may give all of its fields at once [GEN-3] [GEN-6]:
    all eight registry fields [REG-3], among them a worker with its public key, ECDH key,
    operator and initial score [REG-7], a gatekeeper launch and no benchmark duration; all five computation fields [CMP-4]; an empty Council list beside the
    Technical Committee and the elections members [COL-2] [ELE-3] (only a non-empty Council
    conflicts with elected members); and a message-queue ingress entry, a worker's next
    sequence 5 [MQ-7]."""
    b.genesis(
        registry={
            "workers": [
                {
                    "pubkey": WORKER_KEY,
                    "ecdh_pubkey": WORKER_ECDH,
                    "operator": "bob",
                    "initial_score": 7,
                }
            ],
            "gatekeeper_launched_at": {"block": 0, "timestamp": 3},
            "gatekeeper_master_pubkey": MASTER,
            "cluster_keys": {CLUSTER: CLUSTER_KEY},
            "contract_keys": {CONTRACT: CONTRACT_KEY},
            "pruntime_allowlist": [b"pruntime-hash"],
            "genesis_hash_allowlist": [bytes(32)],
            "benchmark_duration": None,
        },
        computation={
            "tokenomic": {},
            "heartbeat_paused": False,
            "cool_down_period": 60,
            "contract_account": "ferdie",
            "online_workers": 1,
        },
        governance={
            "council": [],
            "technical_committee": ["dave"],
            "elections_members": [("alice", 100)],
        },
        mq={"ingress": [[SENDER, 5]]},
    )
    check(b.chain.council.members == (b.account("alice"),), "alice is elected to the Council")
    b.initialize_block()
    b.observe("worker", WORKER_KEY)
    b.observe("gatekeepers")
    b.observe("computation")
    b.observe("collective", "Council")
    b.observe("collective", "TechnicalCommittee")
    b.observe("mq_ingress", SENDER)
