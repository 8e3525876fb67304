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

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from phala_spec.chain.computation_payloads import (
    SettleInfo,
    TokenomicParametersChanged,
    WorkingInfoUpdateEvent,
)
from phala_spec.chain.messages import GATEKEEPER, MessageOrigin
from phala_spec.chain.state import TokenomicParams
from phala_spec.chain.system_payloads import HeartbeatV2
from phala_spec.chain.worker_messages import (
    GATEKEEPER_EVENT_TOPIC,
    WORKING_INFO_UPDATE_TOPIC,
    WORKING_REPORT_TOPIC,
    decode_working_info_update,
    encode_payload,
)
from phala_spec.conformance import relaying
from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    Story,
    case_per_crypto,
    root,
    signed,
)
from phala_spec.conformance.checks import check
from phala_spec.network import block_randomness
from phala_spec.offchain import gatekeeper as gk
from phala_spec.offchain import master_key
from phala_spec.offchain.pruntime import hashed_id, heartbeat_hit
from phala_spec.pallets import computation
from phala_spec.pallets.staking import stake_pool_v2
from phala_spec.primitives import fixed
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.crypto import Keypair, dev_keypair

SUITE = "gatekeeper"
PHA = 10**12
DAY = 7_200  # blocks of 12 s
GENESIS_HASH = blake2b_256(b"phala-spec/vectors/gatekeeper/relay-genesis")
C = "PhalaComputation."
SYNC = "PhalaMq.sync_offchain_message"
SP = "PhalaStakePoolv2."
OWNER = "alice"  # operates every worker and owns the pool
BACKER = "bob"  # contributes to the pool

GK_KEY = "gatekeeper/gk"
GATEKEEPER_KEY = dev_keypair(GK_KEY)
JOINER_KEY = "gatekeeper/gk2"  # a gatekeeper registered later [KEY-9] [KEY-10]
JOINER = dev_keypair(JOINER_KEY)
WORKER_KEYS = ("gatekeeper/worker1", "gatekeeper/worker2", "gatekeeper/worker3")
WORKERS = tuple(dev_keypair(k) for k in WORKER_KEYS)
# Each worker's benchmark speed: they score differently, so their shares differ.
SPEEDS = (2_000, 2_400, 3_000)


def per_crypto(handler: str, clauses: Sequence[str]) -> Callable[[Story], Story]:
    return case_per_crypto(suite=SUITE, handler=handler, clauses=tuple(clauses))


def runtime_name(index: int) -> str:
    return f"worker{index + 1}"


def events(b: CaseBuilder, prefix: str = "") -> list[str]:
    return [e.name for e in b.last_events if e.name.startswith(prefix)]


def chain_params(b: CaseBuilder) -> TokenomicParams:
    params = b.chain.computation.tokenomic
    if params is None:
        raise AuthoringError("the chain has no tokenomic parameters")
    return params


def working_state(b: CaseBuilder, name: str) -> str:
    working = b.network.runtimes[name].worker.working
    if working is None:
        raise AuthoringError(f"{name} has no session")
    return working.state


def economics(b: CaseBuilder) -> gk.Economics:
    econ = b.network.runtimes["gk"].economics
    if econ is None:
        raise AuthoringError("the gatekeeper runs no economics")
    return econ


def from_gatekeeper(extrinsic: dict[str, Any]) -> bool:
    """A relayed message of the ``Gatekeeper`` origin: a report [GK-19], a beacon [KEY-14] or a
    key distribution [KEY-9]."""
    sender = extrinsic.get("sender")
    return sender is not None and sender["kind"] == "Gatekeeper"


def outcomes(report: dict[str, Any]) -> list[str]:
    """The outcomes of a block's extrinsics, but the ``Gatekeeper`` origin's relayed messages (the
    beacon every fifth block among them)."""
    return [e["outcome"] for e in report["extrinsics"] if not from_gatekeeper(e)]


def gatekeeper_outcomes(report: dict[str, Any]) -> list[str]:
    """The outcomes of the relayed messages of the ``Gatekeeper`` origin."""
    return [e["outcome"] for e in report["extrinsics"] if from_gatekeeper(e)]


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
    joiner: bool = False,
) -> None:
    """A network of the gatekeeper and ``count`` workers, launched and computing.

    With ``joiner``, a second gatekeeper runtime (``gk2``) follows every
    block from genesis but is not registered on chain.

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
            *([{"name": "gk2", "key": JOINER_KEY, "role": "gatekeeper"}] if joiner else []),
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
            *(
                (SP + "add_worker", {"pid": 0, "pubkey": w.public}, signed(OWNER))
                for w in WORKERS[:count]
            ),
            ("PhalaWrappedBalances.wrap", {"amount": 100_000 * PHA}, signed(BACKER)),
            (
                SP + "contribute",
                {"pid": 0, "amount": 100_000 * PHA, "as_vault": None},
                signed(BACKER),
            ),
        ]
    )
    check(set(outcomes(report)) == {"ok"}, "the pool is ready")
    report = b.network_block(
        [
            *(
                (
                    SP + "start_computing",
                    {"pid": 0, "worker": w.public, "stake": 5_000 * PHA},
                    signed(OWNER),
                )
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
        check(
            info.v_init == session.ve and info.v > session.v, "the gatekeeper starts V as the chain"
        )


# --- Predicting challenges [CMP-8] [CMP-14] [OFF-20] -----------------------------------------------


def next_hit(b: CaseBuilder, key: Keypair, after: int, workers_online: int) -> int:
    """The first block after ``after`` whose challenge hits ``key``, from the rules alone.

    A block's seed is its randomness read big-endian [CMP-14] (the default
    randomness of a ``network_blocks`` run, [NET-17]) and the target is
    ``pow_target(20, online workers, 12)`` [CMP-8]; the hit rule is [OFF-20].
    """
    target = computation.pow_target(20, workers_online, 12)
    ident = hashed_id(key.public)
    number = after + 1
    while not heartbeat_hit(ident, int.from_bytes(block_randomness(number), "big"), target):
        number += 1
    return number


def run_to(b: CaseBuilder, number: int) -> None:
    """Empty blocks up to and including ``number`` (nothing when already there)."""
    count = number - b.chain.system.block.number
    if count > 0:
        b.network_blocks(count)


def session_of(b: CaseBuilder, key: Keypair) -> Any:
    return b.chain.computation.sessions[b.chain.computation.worker_bindings[key.public]]


def watch(b: CaseBuilder, *keys: Keypair) -> None:
    for key in keys:
        b.observe("session", b.chain.computation.worker_bindings[key.public])
    b.observe("stake_pool", 0)


# --- The loop closed: a worker from registration to the stake pool's reward -----------------------


@per_crypto(
    "scenario",
    ("GK-3", "GK-8", "GK-10", "GK-11", "GK-13", "GK-19", "CMP-17", "CMP-18", "STK-53", "NET-17"),
)
def worker_to_stake_pool_reward(b: CaseBuilder, setting: str) -> None:
    """One worker and one gatekeeper. The worker is registered, benchmarks itself, is added to a
    stake pool and started; the gatekeeper launches and signs with the master key. The chain
    challenges every block; at the first block whose challenge hits the worker, its runtime signs
    a heartbeat; the next block relays it and the gatekeeper pays it from the block's budget
    (`share / sum_share · budget · blocks`: alone, the worker's sum of shares is its share before
    the heartbeat, and the share paid uses the P just measured, at its cap of 1.2 × the
    benchmark, so the payout exceeds the blocks' budget by that ratio) in a
    `WorkingInfoUpdateEvent` signed with the master key; the block after, the chain settles V
    and the treasury's part (`SessionSettled`) and the stake pool receives the payout
    (`RewardReceived`). No settlement is written by hand."""
    launch(b, setting, count=1)
    worker = WORKERS[0]
    hit = next_hit(b, worker, b.chain.system.block.number, 1)
    run_to(b, hit)
    check(economics(b).workers[worker.public].waiting_heartbeats == (hit,), "a heartbeat owed")
    owed = economics(b).workers[worker.public].tokenomic
    report = b.network_block()
    check(outcomes(report) == ["ok"], "the heartbeat relayed")
    (update,) = gatekeeper_reports(report)
    params = economics(b).params
    # [GK-12]: the worker counted SPEEDS[0] iterations a block since its start, measured over
    # one block more (the heartbeat arrives a block late): far above the cap 1.2 · p_bench.
    cap = fixed.mul(owed.p_bench, gk.P_CAP)
    check(economics(b).workers[worker.public].tokenomic.p_instant == cap, "P measured at its cap")
    # [GK-13]: alone, the block's sum of shares is its share before the heartbeat; the share
    # paid uses the new P, so it overshoots the block budget by their ratio [GK-21].
    ratio = fixed.div(gk.share(attrs.evolve(owed, p_instant=cap)), gk.share(owed))
    check(ratio > gk.ONE, "the overshoot of the block-start sum")
    blocks = fixed.from_int(hit + 1 - owed.v_update_block)
    budget = fixed.mul(fixed.mul(ratio, params.budget_per_block), blocks)
    check(len(update.settle) == 1, "one settlement")
    settled = update.settle[0]
    check(
        settled.payout == fixed.mul(budget, params.payout_ratio), "the payout is the whole budget's"
    )
    check(settled.treasury == fixed.mul(budget, params.treasury_ratio), "the treasury's part")
    watch(b, worker)
    report = b.network_block()
    check(set(gatekeeper_outcomes(report)) == {"ok"}, "the report relayed")
    check(C + "SessionSettled" in events(b), "settled on chain")
    check(SP + "RewardReceived" in events(b), "the stake pool rewarded")
    check(session_of(b, worker).v == settled.v, "the chain stores the gatekeeper's V")
    check(
        session_of(b, worker).total_reward == fixed.from_fixed(settled.payout),
        "the payout counted",
    )
    watch(b, worker)


# --- A day of economics [GK-3] [GK-13] [GK-15] [GK-17] [GK-18] -------------------------------------


def check_books(b: CaseBuilder) -> None:
    """What the rules imply at any point: the gatekeeper runs, V within [0, v_max] [GK-21], the
    chain's V is the gatekeeper's last settled V, and the pool holds what the sessions earned."""
    runtime = b.network.runtimes["gk"]
    check(runtime.halted is None, "the gatekeeper runs")
    econ = economics(b)
    for key in econ.workers:
        if key in b.chain.computation.worker_bindings:
            check(0 <= econ.workers[key].tokenomic.v <= econ.params.v_max, "0 ≤ V ≤ v_max")


@case_per_crypto(
    suite=SUITE,
    handler="economics",
    settings=("oracle",),
    clauses=(
        "GK-3",
        "GK-6",
        "GK-13",
        "GK-15",
        "GK-17",
        "GK-18",
        "GK-21",
        "CMP-20",
        "STK-53",
        "NET-17",
    ),
)
def a_day_of_three_workers(b: CaseBuilder, setting: str) -> None:
    """Three workers of different speeds compute for a day (7,200 blocks, in four runs of
    `network_blocks`). Half way, governance halves the budget per block and doubles `rho`'s
    growth (`update_tokenomic`, applied at that block's end and pushed to the gatekeeper, which
    computes with the new values from then on). After each run: the gatekeeper still runs,
    every V is within [0, v_max], the stake pool has received exactly what the sessions
    earned, and the treasury holds the treasury's parts. The oracle setting only: a day of
    signatures is the same bytes in both settings, and the shorter stories run in both."""
    launch(b, setting)
    start_value = stake_pool_v2.ensure_stake_pool(b.chain, 0).basepool.total_value
    for run in range(4):
        if run == 2:
            params = chain_params(b)
            new = {
                **attrs.asdict(params),
                "budget_per_block": params.budget_per_block // 2,
                "rho": gk.ONE + 2 * (params.rho - gk.ONE),
            }
            report = b.network_block([(C + "update_tokenomic", {"new_params": new}, root())])
            check(outcomes(report) == ["ok"], "the update scheduled")
            check(
                economics(b).params.budget_per_block == new["budget_per_block"],
                "the gatekeeper computes with the new budget",
            )
        run_to(b, 5 + (run + 1) * DAY // 4)
        check_books(b)
        earned = sum(session_of(b, w).total_reward for w in WORKERS)
        check(earned > 0, "the workers earned")
        value = stake_pool_v2.ensure_stake_pool(b.chain, 0).basepool.total_value
        check(value - start_value == earned, "the pool received what the sessions earned")
        watch(b, *WORKERS)
    b.observe("account", computation.TREASURY)


# --- Offline, slash, recovery [GK-14] [GK-15] [GK-16] ------------------------------------------------


@per_crypto(
    "offline",
    ("GK-10", "GK-11", "GK-14", "GK-15", "GK-16", "GK-19", "CMP-17", "OFF-18", "OFF-20", "NET-6"),
)
def offline_slash_recovery(b: CaseBuilder, setting: str) -> None:
    """Two workers. At the first block whose challenge hits worker 1, its relayer withholds its
    heartbeat. While it is owed for no more than `heartbeat_window` (10) blocks worker 1 keeps
    growing; at the block where the oldest owed challenge is 11 blocks old the gatekeeper reports
    it offline, and from that block slashes its V every block (`v −= v · slash_rate`). The chain
    marks the session `WorkerUnresponsive` and pushes `EnterUnresponsive`: the replicas pause it
    and no challenge hits it any more. Three blocks later the relayer submits the late heartbeat:
    the gatekeeper recovers the worker (nothing paid, nothing settled) and reports it recovered;
    the chain makes it `WorkerIdle` again and V grows anew."""
    launch(b, setting, count=2)
    worker = WORKERS[0]
    name = runtime_name(0)
    window = economics(b).params.heartbeat_window
    hit = next_hit(b, worker, b.chain.system.block.number, 2)
    run_to(b, hit)
    for offset in range(1, window + 1):
        report = b.network_block(withheld=[name])
        check(
            gatekeeper_reports(report) == []
            or all(worker.public not in r.offline for r in gatekeeper_reports(report)),
            "not yet offline",
        )
        check(
            not economics(b).workers[worker.public].unresponsive,
            f"{offset} blocks owed: responsive",
        )
    v_before = economics(b).workers[worker.public].tokenomic.v
    report = b.network_block(withheld=[name])
    (update,) = [r for r in gatekeeper_reports(report) if r.offline]
    check(update.offline == (worker.public,), "reported offline once the window passed")
    info = economics(b).workers[worker.public].tokenomic
    expected = fixed.sub(v_before, fixed.mul(v_before, economics(b).params.slash_rate))
    check(info.v == expected and info.v_deductible == 0, "slashed in the same block")
    report = b.network_block(withheld=[name])
    check(C + "WorkerEnterUnresponsive" in events(b), "the chain marks it unresponsive")
    check(session_of(b, worker).state == computation.UNRESPONSIVE, "unresponsive on chain")
    watch(b, worker)
    b.network_block(withheld=[name])
    check(working_state(b, name) == "Paused", "its runtime paused it")
    slashed = economics(b).workers[worker.public].tokenomic.v
    check(slashed < expected, "slashed every block")
    report = b.network_block()
    check(outcomes(report) == ["ok"], "the late heartbeat relayed")
    (update,) = gatekeeper_reports(report)
    check(
        update.recovered_to_online == (worker.public,) and update.settle == (), "recovered, unpaid"
    )
    check(not economics(b).workers[worker.public].unresponsive, "responsive again")
    b.network_block()
    check(C + "WorkerExitUnresponsive" in events(b), "the chain makes it idle")
    watch(b, worker)
    b.network_block()
    check(working_state(b, name) == "Computing", "its runtime resumes")
    check(economics(b).workers[worker.public].tokenomic.v > slashed, "V grows again")


# --- Late and duplicated heartbeats [GK-11] [GK-12] [GK-13] [MQ-10] -----------------------------------


def force_challenge() -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Root's challenge that hits every computing worker at once [CMP-14]."""
    return (C + "force_heartbeat", {}, root())


@per_crypto("heartbeats", ("GK-11", "GK-12", "GK-13", "GK-19", "CMP-18", "MQ-10", "NET-9"))
def late_and_duplicated_heartbeats(b: CaseBuilder, setting: str) -> None:
    """Root challenges worker 1 in two blocks in a row while its relayer withholds. When the
    relayer submits, both heartbeats reach the gatekeeper in one block: the first is paid, the
    second finds the worker already updated in this block and is settled with nothing. Eve
    then submits a copy of the first heartbeat: the chain rejects it (`BadSequence`) and the
    gatekeeper never sees it. On chain the second settlement of the report is dropped
    (`SessionSettlementDropped`): the first set the session's time to the chain's."""
    launch(b, setting, count=1)
    worker = WORKERS[0]
    name = runtime_name(0)
    first = b.network_block([force_challenge()], withheld=[name])
    check(len(first["egress"].get(name, [])) == 1, "a heartbeat signed")
    copy = first["egress"][name][0]
    b.network_block([force_challenge()], withheld=[name])
    owed = economics(b).workers[worker.public].waiting_heartbeats
    check(len(owed) == 2, "two heartbeats owed")
    report = b.network_block()
    check(outcomes(report) == ["ok", "ok"], "both relayed late")
    (update,) = gatekeeper_reports(report)
    check([s.pubkey for s in update.settle] == [worker.public] * 2, "two settlements")
    check(update.settle[0].payout > 0 and update.settle[1].payout == 0, "the second pays nothing")
    report = b.network_block([(SYNC, {"signed_message": copy}, signed("eve"))])
    check(outcomes(report)[-1] == "PhalaMq.BadSequence", "the copy is rejected")
    names = events(b, C)
    check(
        names.count(C + "SessionSettled") == 1 and names.count(C + "SessionSettlementDropped") == 1,
        "the second settlement dropped",
    )
    check(b.network.runtimes["gk"].halted is None, "the gatekeeper runs")
    watch(b, worker)


def worker_heartbeat(
    b: CaseBuilder, setting: str, worker: Keypair, challenge_block: int, challenge_time: int
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A heartbeat for ``challenge_block`` that ``worker`` signs outside its runtime, under its
    next sequence number, and eve relays [MQ-9] [GK-11]."""
    beat = HeartbeatV2(
        session_id=0,
        challenge_block=challenge_block,
        challenge_time=challenge_time,
        iterations=0,
        n_clusters=0,
        n_contracts=0,
    )
    sender = MessageOrigin("Worker", worker.public)
    message = relaying.next_message(
        b.chain, sender, WORKING_REPORT_TOPIC, encode_payload(beat), worker, setting
    )
    return SYNC, {"signed_message": message}, signed("eve")


@per_crypto("adversary", ("GK-11", "GK-20", "OFF-15", "MQ-9", "MQ-10"))
def unexpected_heartbeat_poisons(b: CaseBuilder, setting: str) -> None:
    """A registered worker signs a second copy of a heartbeat it already sent, under its next
    sequence number. The chain accepts it (the signature is the worker's) and the gatekeeper,
    which owes no such challenge, is poisoned: it halts with the reason, as production's
    assertion panics; its report of that block is never signed and it processes nothing more."""
    launch(b, setting, count=1)
    worker = WORKERS[0]
    b.network_block([force_challenge()])
    report = b.network_block()
    check(outcomes(report) == ["ok"], "the heartbeat relayed")
    forged = worker_heartbeat(
        b,
        setting,
        worker,
        b.chain.system.block.number - 1,
        b.chain.system.block.timestamp - 12_000,
    )
    report = b.network_block([forged])
    check(report["halted"] == ["gk"], "the gatekeeper is poisoned")
    halted = b.network.runtimes["gk"].halted
    check(halted is not None and "unexpected heartbeat" in halted.reason, "with the reason")
    b.observe("runtime", "gk")
    report = b.network_block()
    check("gk" not in report["egress"], "a halted gatekeeper signs nothing")


@per_crypto("parameters", ("GK-2", "GK-18", "CMP-20", "OFF-16"))
def parameters_from_a_pallet_only(b: CaseBuilder, setting: str) -> None:
    """Worker 1 relays a `TokenomicParametersChanged` of its own on `phala/gatekeeper/event`: the
    chain accepts the message, the gatekeeper ignores it (not a pallet). Governance's
    `update_tokenomic` with a 30 % treasury ratio is applied at the block's end, pushed, and the
    gatekeeper computes with it at once (payout ratio 0.7)."""
    launch(b, setting, count=1)
    worker = WORKERS[0]
    params = chain_params(b)
    forged = attrs.evolve(params, budget_per_block=params.budget_per_block * 100)
    before = economics(b).params
    sender = MessageOrigin("Worker", worker.public)
    message = relaying.next_message(
        b.chain,
        sender,
        GATEKEEPER_EVENT_TOPIC,
        encode_payload(TokenomicParametersChanged(forged)),
        worker,
        setting,
    )
    report = b.network_block([(SYNC, {"signed_message": message}, signed("eve"))])
    check(outcomes(report)[-1] == "ok", "accepted by the queue")
    check(economics(b).params == before, "ignored by the gatekeeper")
    new = {**attrs.asdict(params), "treasury_ratio": fixed.from_literal("0.3")}
    report = b.network_block([(C + "update_tokenomic", {"new_params": new}, root())])
    check(outcomes(report) == ["ok"], "scheduled")
    check(
        economics(b).params.payout_ratio == fixed.sub(gk.ONE, fixed.from_literal("0.3")),
        "the gatekeeper's payout ratio is 1 − 0.3",
    )
    b.observe("computation")


@per_crypto("stopped", ("GK-9", "GK-19", "CMP-12", "CMP-18", "STK-49"))
def stopped_worker_final_settlement(b: CaseBuilder, setting: str) -> None:
    """Alice stops worker 1. The gatekeeper reads `Stopped` and settles its final V with no payout
    and no treasury share; the chain stores V on the cooling-down session; the worker is no
    longer challenged, grown or counted."""
    launch(b, setting, count=1)
    worker = WORKERS[0]
    report = b.network_block(
        [(SP + "stop_computing", {"pid": 0, "worker": worker.public}, signed(OWNER))]
    )
    (update,) = gatekeeper_reports(report)
    v = economics(b).workers[worker.public].tokenomic.v
    check(update.settle == (SettleInfo(worker.public, v, 0, 0),), "the final settlement")
    b.network_block()
    check(session_of(b, worker).v == v, "the chain stores the final V")
    watch(b, worker)
    b.network_block()
    check(economics(b).workers[worker.public].tokenomic.v == v, "V no longer grows")


# --- A gatekeeper that joins after the economics reported [GK-19] [KEY-9] [KEY-10] -------------------


def gatekeeper_egress(report: dict[str, Any], name: str) -> list[Any]:
    """What a runtime signed on the ``Gatekeeper`` channel in a block: (destination, payload,
    sequence, signature) per message."""
    return [
        (m["message"]["destination"], m["message"]["payload"], m["sequence"], m["signature"])
        for m in report["egress"].get(name, [])
        if m["message"]["sender"]["kind"] == "Gatekeeper"
    ]


def gatekeeper_sequence(b: CaseBuilder, name: str) -> int:
    return b.network.runtimes[name].queue.channels[GATEKEEPER].sequence


@per_crypto("joiner", ("GK-19", "KEY-9", "KEY-10", "KEY-11", "KEY-14", "KEY-17", "OFF-9", "MQ-10"))
def late_gatekeeper_replays_the_economics(b: CaseBuilder, setting: str) -> None:
    """A second gatekeeper runtime follows every block from genesis, unregistered. The first
    settles a heartbeat and emits beacons: the second computes the same economics, counts the
    report on its dummy `Gatekeeper` channel as it is made and journals the blocks, signing
    nothing. Governance then registers it: the first sends it the master key, it replays its
    journal (counting the beacons) and goes live. From then on both hold equal economics and key records, sit at the same
    `Gatekeeper` sequence, and sign byte-identical reports and beacons; the chain accepts the
    first copy of each and rejects the other (`BadSequence`)."""
    launch(b, setting, count=1, joiner=True)
    worker = WORKERS[0]
    hit = next_hit(b, worker, b.chain.system.block.number, 1)
    run_to(b, hit)
    report = b.network_block()
    check(len(gatekeeper_reports(report)) == 1, "the first gatekeeper settles")
    check(gatekeeper_egress(report, "gk2") == [], "the second signs nothing")
    run_to(b, 5 * (b.chain.system.block.number // 5 + 1))  # a beacon block
    gk2 = b.network.runtimes["gk2"]
    check(gk2.keys.current is None and gk2.economics == economics(b), "same economics, no key")
    # The first launched at block 2, so it sent a beacon at every multiple of 5 [KEY-14]; the
    # second journals those blocks [KEY-10] and has counted only the economics' report [GK-19].
    beacons = b.chain.system.block.number // 5
    check(gk2.keys.journal == (master_key.Blocks(2, b.chain.system.block.number),), "journaled")
    check(
        gatekeeper_sequence(b, "gk2") == gatekeeper_sequence(b, "gk") - beacons == 1,
        "the report counted, the beacons not yet",
    )
    report = b.network_block(
        [
            (
                "PhalaRegistry.force_register_worker",
                {"pubkey": JOINER.public, "ecdh_pubkey": JOINER.ecdh_public, "operator": None},
                root(),
            ),
            ("PhalaRegistry.register_gatekeeper", {"gatekeeper": JOINER.public}, root()),
        ]
    )
    check(set(outcomes(report)) == {"ok"}, "registered as a gatekeeper")
    check(len(gatekeeper_egress(report, "gk")) >= 1, "the master key sent to it")
    b.network_block()
    gk2 = b.network.runtimes["gk2"]
    first = b.network.runtimes["gk"]
    check(gk2.keys == first.keys, "the same key record after the resync")
    check(gk2.economics == first.economics, "the same economics")
    check(gatekeeper_sequence(b, "gk2") == gatekeeper_sequence(b, "gk"), "the same sequence")
    b.observe("runtime_keys", "gk2")
    start = b.chain.system.block.number
    hit = next_hit(b, worker, start, 1)
    run_to(b, hit)
    report = b.network_block()
    (update,) = gatekeeper_reports(report)
    check([s.pubkey for s in update.settle] == [worker.public], "a settlement")
    check(
        gatekeeper_egress(report, "gk2") == gatekeeper_egress(report, "gk"),
        "both sign the same report, byte for byte",
    )
    report = b.network_block()
    relayed = gatekeeper_outcomes(report)
    check(relayed.count("ok") == relayed.count("PhalaMq.BadSequence") > 0, "each copy once")
    check(SP + "RewardReceived" in events(b), "the stake pool rewarded")
    run_to(b, b.chain.system.block.number + 5)
    check(all(runtime.halted is None for runtime in b.network.runtimes.values()), "nobody halts")
    check(b.network.runtimes["gk2"].economics == economics(b), "still the same economics")
    watch(b, worker)
