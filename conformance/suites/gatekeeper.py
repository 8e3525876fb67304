"""Authored vectors for the gatekeeper's economics, the loop closed through the network
[GK-1]..[GK-22] [CMP-17] [CMP-18] [STK-53].

Suite ``gatekeeper``. Every case is a network: one gatekeeper runtime and a few
worker runtimes, each registered through the chain, benchmarked by its own
runtime, added to a stake pool and started by the pool's owner. The chain
challenges them every block; the workers answer, the gatekeeper settles what
it sees in ``WorkingInfoUpdateEvent`` reports signed with the master key, the
relayers carry them back, the chain settles and the stake pool is paid. No
settlement is ever written by hand.

Each story is registered in both crypto settings ([VEC-7], [NET-3]). Long
stretches of blocks are ``network_blocks`` steps ([STEP-7]), so a day of
blocks stays a small vector; while generating, each case recomputes what the
rules give from the gatekeeper's own records and checks the chain against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from phala_spec.chain.computation_payloads import WorkingInfoUpdateEvent
from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin
from phala_spec.chain.system_payloads import HeartbeatV2
from phala_spec.chain.worker_messages import (
    WORKING_INFO_UPDATE_TOPIC,
    WORKING_REPORT_TOPIC,
    decode_working_info_update,
    encode_payload,
)
from phala_spec.conformance import relaying
from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    case_per_crypto,
    root,
    signed,
)
from phala_spec.conformance.checks import check
from phala_spec.network import NetworkState
from phala_spec.offchain import gatekeeper as gk
from phala_spec.pallets import computation
from phala_spec.primitives import fixed
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.crypto import Keypair, dev_keypair

SUITE = "gatekeeper"
PHA = 10**12
DAY = 7_200  # blocks of 12 s
GENESIS_HASH = blake2b_256(b"phala-spec/vectors/gatekeeper/relay-genesis")
C = "PhalaComputation."
SP = "PhalaStakePoolv2."
OWNER = "alice"  # operates every worker and owns the pool
BACKER = "bob"  # contributes to the pool

GK_KEY = "gatekeeper/gk"
GATEKEEPER_KEY = dev_keypair(GK_KEY)
WORKER_KEYS = ("gatekeeper/worker1", "gatekeeper/worker2", "gatekeeper/worker3")
WORKERS = tuple(dev_keypair(k) for k in WORKER_KEYS)
# Each worker's benchmark speed: they score differently, so their shares differ.
SPEEDS = (2_000, 2_400, 3_000)


def per_crypto(handler: str, clauses: Sequence[str]) -> Any:
    return case_per_crypto(suite=SUITE, handler=handler, clauses=tuple(clauses))


def runtime_name(index: int) -> str:
    return f"worker{index + 1}"


def events(b: CaseBuilder, prefix: str = "") -> list[str]:
    return [e.name for e in b.last_events if e.name.startswith(prefix)]


def economics(b: CaseBuilder) -> gk.Economics:
    econ = b.network.runtimes["gk"].economics
    if econ is None:
        raise AuthoringError("the gatekeeper runs no economics")
    return econ


def outcomes(report: dict[str, Any]) -> list[str]:
    return [e["outcome"] for e in report["extrinsics"]]


def gatekeeper_reports(report: dict[str, Any]) -> list[WorkingInfoUpdateEvent]:
    """The ``WorkingInfoUpdateEvent`` reports the gatekeeper signed in a block [GK-19]."""
    found = []
    for signed_message in report["egress"].get("gk", []):
        message = signed_message["message"]
        if message["destination"] == WORKING_INFO_UPDATE_TOPIC:
            decoded = decode_working_info_update(message["payload"])
            if not isinstance(decoded, WorkingInfoUpdateEvent):
                raise AuthoringError("the gatekeeper signed an undecodable report")
            found.append(decoded)
    return found


# --- The cast's setup ----------------------------------------------------------------------------


def pruntime_info(b: CaseBuilder, key: Keypair) -> dict[str, Any]:
    return {
        "version": 1,
        "machine_id": b"machine-" + key.public[:4],
        "pubkey": key.public,
        "ecdh_pubkey": key.ecdh_public,
        "genesis_block_hash": GENESIS_HASH,
        "features": [1, 4],
        "operator": b.account(OWNER),
        "para_id": 2035,
        "max_consensus_version": 0,
    }


def launch(
    b: CaseBuilder,
    setting: str,
    count: int = 3,
    tokenomic: dict[str, int] | None = None,
) -> None:
    """A network of the gatekeeper and ``count`` workers, launched and computing.

    Block 1: root registers the gatekeeper's worker and makes it the first
    gatekeeper; alice registers the workers (no attestation on this preset).
    The gatekeeper uploads its master key (accepted in block 2) and the
    workers report their one-block benchmarks (block 3). Block 4: alice
    creates pool 0 and adds the workers; bob wraps and contributes 100,000
    PHA. Block 5: alice starts every worker with 5,000 PHA, governance
    unpauses the heartbeat. From block 5 the chain challenges every block.
    """
    b.genesis(
        balances=[
            ("alice", 10**7 * PHA),
            ("bob", 10**6 * PHA),
            ("charlie", 10**6 * PHA),
            (computation.SUBSIDY_POOL, 10**6 * PHA),
        ],
        registry={"benchmark_duration": 1, "genesis_hash_allowlist": [GENESIS_HASH]},
        computation={} if tokenomic is None else {"tokenomic": tokenomic},
        runtimes=[
            {"name": "gk", "key": GK_KEY, "role": "gatekeeper"},
            *(
                {
                    "name": runtime_name(i),
                    "key": WORKER_KEYS[i],
                    "role": "worker",
                    "iterations_per_block": SPEEDS[i],
                }
                for i in range(count)
            ),
        ],
        crypto=setting,
    )
    report = b.network_block(
        [
            (
                "PhalaRegistry.force_register_worker",
                {
                    "pubkey": GATEKEEPER_KEY.public,
                    "ecdh_pubkey": GATEKEEPER_KEY.ecdh_public,
                    "operator": None,
                },
                root(),
            ),
            ("PhalaRegistry.register_gatekeeper", {"gatekeeper": GATEKEEPER_KEY.public}, root()),
            *(
                (
                    "PhalaRegistry.register_worker_v2",
                    {"pruntime_info": pruntime_info(b, WORKERS[i]), "attestation": None},
                    signed(OWNER),
                )
                for i in range(count)
            ),
        ]
    )
    check(set(outcomes(report)) == {"ok"}, "the gatekeeper and the workers registered")
    b.network_block()
    check(b.chain.registry.gatekeeper_master_pubkey is not None, "the master key is on chain")
    b.network_block()
    for i in range(count):
        check(
            b.chain.registry.workers[WORKERS[i].public].initial_score is not None,
            f"worker {i + 1} benchmarked",
        )
    report = b.network_block(
        [
            (SP + "create", {}, signed(OWNER)),
            *((SP + "add_worker", {"pid": 0, "pubkey": w.public}, signed(OWNER)) for w in WORKERS[:count]),
            ("PhalaWrappedBalances.wrap", {"amount": 100_000 * PHA}, signed(BACKER)),
            (SP + "contribute", {"pid": 0, "amount": 100_000 * PHA, "as_vault": None}, signed(BACKER)),
        ]
    )
    check(set(outcomes(report)) == {"ok"}, "the pool is ready")
    report = b.network_block(
        [
            *(
                (SP + "start_computing", {"pid": 0, "worker": w.public, "stake": 5_000 * PHA}, signed(OWNER))
                for w in WORKERS[:count]
            ),
            (C + "set_heartbeat_paused", {"paused": False}, root()),
        ]
    )
    check(set(outcomes(report)) == {"ok"}, "every worker computes")
    econ = economics(b)
    for w in WORKERS[:count]:
        info = econ.workers[w.public].tokenomic
        session = b.chain.computation.sessions[b.chain.computation.worker_bindings[w.public]]
        # The start block already grew V once [GK-8] [GK-17].
        check(info.v_init == session.ve and info.v > session.v, "the gatekeeper starts V as the chain")
