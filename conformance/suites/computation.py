"""Authored vectors for the computation pallet [CMP-1]..[CMP-23].

Suite ``computation``. Workers are registered by root and get their initial
score from a benchmark report relayed through the queue; the gatekeepers'
reports come from the ``Gatekeeper`` origin under a master key set at genesis.
Stories that relay messages come in both crypto settings [MQ-22] as
``<name>_real`` and ``<name>_oracle``. The stake pool's internal calls
(``bind``, ``start_computing``, ...) are operations here, made with the
origin ``Pallet("PhalaStakePoolv2")`` [CMP-24]. Every expectation is checked
at generation time against spec/computation.md.
"""

from __future__ import annotations

from typing import Any

from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.worker_messages import (
    BenchReport,
    HeartbeatChallenge,
    HeartbeatV2,
    SettleInfo,
    WorkingInfoUpdateEvent,
    encode_payload,
)
from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    case,
    case_per_crypto,
    pallet,
    root,
    signed,
)
from phala_spec.conformance.relaying import relay
from phala_spec.pallets import computation
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import Keypair, dev_keypair

SUITE = "computation"
SETTINGS = ("real", "oracle")
PHA = 10**12
ONE = 2**64
T0 = 1_700_000_000_000

WORKER = dev_keypair("computation/worker1")
WORKER2 = dev_keypair("computation/worker2")
WORKER3 = dev_keypair("computation/worker3")
MASTER = dev_keypair("computation/master")
SESSION = bytes([0x5E]) * 32
SESSION2 = bytes([0x5F]) * 32
OPERATOR = "alice"
POOL = pallet("PhalaStakePoolv2")
GATEKEEPER = MessageOrigin("Gatekeeper", b"")
SYNC = "PhalaMq.sync_offchain_message"
C = "PhalaComputation."


def per_crypto(
    handler: str, clauses: tuple[str, ...], presets: tuple[str, ...] = ("minimal",)
) -> Any:
    return case_per_crypto(
        suite=SUITE,
        handler=handler,
        settings=SETTINGS,
        argument=lambda s: s,
        clauses=clauses,
        presets=presets,
    )


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise AuthoringError(f"the rules give {what}")


def call(
    b: CaseBuilder, name: str, args: dict[str, Any], origin: dict[str, Any], outcome: str = "ok"
) -> None:
    before = b.chain
    b.call(name, args, origin=origin)
    b.expect_outcome(outcome)
    if outcome != "ok" and b.chain.computation != before.computation:
        raise AuthoringError(f"{name}: a rejected call must change nothing")


def names(b: CaseBuilder) -> list[str]:
    return [e.name for e in b.last_events if e.name.startswith(C)]


def setup(
    b: CaseBuilder,
    setting: str,
    scores: dict[Keypair, int],
    config: dict[str, Any] | None = None,
    **computation_overrides: Any,
) -> None:
    """Workers force-registered by root (operator alice) and benchmarked: each relays a report of
    ``score/6 · 5`` iterations over five seconds, which scores ``score`` [REG-13]."""
    balances: list[tuple[bytes | str, int]] = [
        ("alice", 10**7 * PHA),
        ("bob", 10**6 * PHA),
        ("charlie", 10**6 * PHA),
        (computation.SUBSIDY_POOL, 10**6 * PHA),
    ]
    b.genesis(
        config=config,
        balances=balances,
        registry={"gatekeeper_master_pubkey": MASTER.public},
        computation=computation_overrides,
    )
    b.initialize_block(timestamp=T0)
    for key in (WORKER, WORKER2, WORKER3):
        call(
            b,
            "PhalaRegistry.force_register_worker",
            {"pubkey": key.public, "ecdh_pubkey": key.ecdh_public, "operator": b.account(OPERATOR)},
            root(),
        )
    b.next_block()
    now = b.chain.system.block.timestamp
    for key, score in scores.items():
        relay(
            b,
            setting,
            MessageOrigin("Worker", key.public),
            b"^phala/registry/event",
            encode_payload(BenchReport(now - 5000, score // 6 * 5)),
            key,
        )
        expect(
            b.chain.registry.workers[key.public].initial_score == score // 6 * 6, f"score {score}"
        )
    b.next_block()


# --- Binding and starting [CMP-9] [CMP-11] ---------------------------------------------------------


@per_crypto("bind", ("CMP-9",))
def bind_check_order(b: CaseBuilder, setting: str) -> None:
    """`bind` checks, in order: a registered worker (`WorkerNotRegistered`), a benchmark
    (`BenchmarkMissing` for worker 3, never benchmarked), an unbound session
    (`DuplicateBoundSession`), an unbound worker (`DuplicateBoundWorker`); the origin is the stake
    pool's (`BadOrigin` for a signed account). A bound session is `Ready` with `v_updated_at` now."""
    setup(b, setting, {WORKER: 1200, WORKER2: 1200})
    stranger = dev_keypair("computation/stranger").public
    call(b, C + "bind", {"session": SESSION, "worker": stranger}, POOL, C + "WorkerNotRegistered")
    call(
        b, C + "bind", {"session": SESSION, "worker": WORKER3.public}, POOL, C + "BenchmarkMissing"
    )
    call(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, signed("alice"), "BadOrigin")
    call(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    expect(names(b) == [C + "SessionBound"], "SessionBound")
    call(
        b,
        C + "bind",
        {"session": SESSION, "worker": WORKER2.public},
        POOL,
        C + "DuplicateBoundSession",
    )
    call(
        b,
        C + "bind",
        {"session": SESSION2, "worker": WORKER.public},
        POOL,
        C + "DuplicateBoundWorker",
    )
    b.observe("session", SESSION)
    b.finalize_block()


@per_crypto("bind", ("CMP-9", "REG-21"), presets=("phala",))
def bind_needs_registration_after_the_launch(b: CaseBuilder, setting: str) -> None:
    """On `phala` (`CheckWorkerRegisterTime`), a worker registered while no gatekeeper has
    launched cannot be bound: `WorkerReregisterNeeded`, checked before the benchmark."""
    setup(b, setting, {WORKER: 1200})
    call(
        b,
        C + "bind",
        {"session": SESSION, "worker": WORKER.public},
        POOL,
        C + "WorkerReregisterNeeded",
    )
    call(
        b,
        C + "bind",
        {"session": SESSION, "worker": WORKER3.public},
        POOL,
        C + "WorkerReregisterNeeded",
    )
    b.finalize_block()


@per_crypto("start_computing", ("CMP-5", "CMP-6", "CMP-7", "CMP-11"), presets=("minimal", "phala"))
def start_computing_check_order(b: CaseBuilder, setting: str) -> None:
    """Worker 1 scores 1200 (minimum stake 100·√1200 ≈ 3464.1 PHA), worker 2 scores 42 (below
    `MinInitP`). In order: an unbound session (`SessionNotFound`), a benchmark below 50
    (`BenchmarkTooLow`), a stake below the minimum (`InsufficientStake`), a Ve above 30000
    (`TooMuchStake`: 1.3·(25000 + 360) > 30000). The minimum stake starts it: `WorkerIdle`,
    Ve = 1.3·(stake + 0.3·1200), session id 0, `Started` pushed; starting again fails
    `WorkerNotReady`."""
    setup(
        b,
        setting,
        {WORKER: 1200, WORKER2: 42},
        config={"computation": {"check_worker_register_time": False}},
    )
    params = b.chain.computation.tokenomic
    assert params is not None
    minimum = computation.minimal_stake(params, 1200)
    call(
        b,
        C + "start_computing",
        {"session": SESSION, "stake": minimum},
        POOL,
        C + "SessionNotFound",
    )
    call(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    call(b, C + "bind", {"session": SESSION2, "worker": WORKER2.public}, POOL)
    call(
        b,
        C + "start_computing",
        {"session": SESSION2, "stake": 10**6 * PHA},
        POOL,
        C + "BenchmarkTooLow",
    )
    call(
        b,
        C + "start_computing",
        {"session": SESSION, "stake": minimum - 1},
        POOL,
        C + "InsufficientStake",
    )
    call(
        b,
        C + "start_computing",
        {"session": SESSION, "stake": 25_000 * PHA},
        POOL,
        C + "TooMuchStake",
    )
    call(b, C + "start_computing", {"session": SESSION, "stake": minimum}, POOL)
    info = b.chain.computation.sessions[SESSION]
    expect(
        info.state == computation.IDLE
        and info.ve == computation.initial_v(params, minimum, 1200, 128),
        "WorkerIdle with Ve of [CMP-7]",
    )
    expect(names(b) == [C + "WorkerStarted"], "WorkerStarted")
    call(
        b, C + "start_computing", {"session": SESSION, "stake": minimum}, POOL, C + "WorkerNotReady"
    )
    b.observe("session", SESSION)
    b.observe("computation")
    b.finalize_block()


def computing(b: CaseBuilder, setting: str, stake: int = 4000 * PHA, **overrides: Any) -> None:
    """Worker 1 (score 1200) computing on SESSION with ``stake``; worker 2 bound to SESSION2, ready."""
    setup(b, setting, {WORKER: 1200, WORKER2: 1200}, **overrides)
    call(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    call(b, C + "bind", {"session": SESSION2, "worker": WORKER2.public}, POOL)
    call(b, C + "start_computing", {"session": SESSION, "stake": stake}, POOL)


# --- Stopping, reclaiming, unbinding [CMP-10] [CMP-12] [CMP-13] ----------------------------------


@per_crypto("reclaim", ("CMP-12", "CMP-13"))
def stop_and_reclaim_after_the_cool_down(b: CaseBuilder, setting: str) -> None:
    """A 60-second cool-down. Stopping an unbound session fails `SessionNotBound`, a ready one
    `WorkerNotComputing`; stopping the
    computing one cools it down (online workers back to 0, `Stopped` pushed). Reclaiming before
    60 s fails `CoolDownNotReady` (so does reclaiming a ready session even without the check);
    at exactly 60 s it returns to `Ready` and its stake is released with nothing slashed."""
    computing(b, setting, cool_down_period=60)
    call(b, C + "stop_computing", {"session": bytes(32)}, POOL, C + "SessionNotBound")
    call(b, C + "stop_computing", {"session": SESSION2}, POOL, C + "WorkerNotComputing")
    call(b, C + "stop_computing", {"session": SESSION}, POOL)
    expect(names(b) == [C + "WorkerStopped"] and b.chain.computation.online_workers == 0, "stopped")
    stopped_at = b.chain.computation.sessions[SESSION].cool_down_start
    call(
        b,
        C + "reclaim",
        {"session": SESSION2, "check_cooldown": False},
        POOL,
        C + "CoolDownNotReady",
    )
    b.next_block(timestamp=(stopped_at + 59) * 1000)
    call(
        b, C + "reclaim", {"session": SESSION, "check_cooldown": True}, POOL, C + "CoolDownNotReady"
    )
    b.next_block(timestamp=(stopped_at + 60) * 1000)
    call(b, C + "reclaim", {"session": SESSION, "check_cooldown": True}, POOL)
    expect(
        [(e.name, dict(e.fields)) for e in b.last_events]
        == [
            (
                C + "WorkerReclaimed",
                {"session": SESSION, "original_stake": 4000 * PHA, "slashed": 0},
            )
        ],
        "the whole stake released",
    )
    b.observe("session", SESSION)
    b.finalize_block()


@per_crypto("unbind", ("CMP-10",))
def operator_unbinds_a_computing_session(b: CaseBuilder, setting: str) -> None:
    """Only the worker's operator may unbind (`BadSender` for bob; `SessionNotFound` for an unbound
    session). Unbinding a computing session stops it first (`WorkerStopped`, then
    `SessionUnbound`); the session record stays, cooling down, so binding the worker to it again
    fails `WorkerNotReady`. The stake pool's own unbinding of the ready session 2 stops nothing;
    repeating it fails `SessionNotBound`."""
    computing(b, setting)
    call(b, C + "unbind", {"session": SESSION}, signed("bob"), C + "BadSender")
    call(b, C + "unbind", {"session": bytes(32)}, signed(OPERATOR), C + "SessionNotFound")
    call(b, C + "unbind", {"session": SESSION}, signed(OPERATOR))
    expect(names(b) == [C + "WorkerStopped", C + "SessionUnbound"], "stop, then unbind")
    call(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL, C + "WorkerNotReady")
    b.observe("session", SESSION)
    call(b, C + "unbind_session", {"session": SESSION2, "notify": False}, POOL)
    expect(names(b) == [C + "SessionUnbound"], "a ready session is unbound without a stop")
    call(
        b, C + "unbind_session", {"session": SESSION2, "notify": False}, POOL, C + "SessionNotBound"
    )
    b.finalize_block()


# --- Heartbeats [CMP-14]..[CMP-16] ----------------------------------------------------------------


@per_crypto("heartbeat_challenge", ("CMP-8", "CMP-14", "CMP-23"))
def challenges_follow_the_pause_flag(b: CaseBuilder, setting: str) -> None:
    """The heartbeat starts paused: a block ends without a challenge. After governance unpauses
    it, every block ends with a challenge whose seed is the block's randomness and whose target is
    `pow_target(20, online workers, 12)`; root's `force_heartbeat` challenges at once with seed 0
    and the greatest target."""
    computing(b, setting)
    b.finalize_block()
    b.initialize_block()
    call(b, C + "set_heartbeat_paused", {"paused": False}, root())
    call(b, C + "force_heartbeat", {}, root())
    b.finalize_block()
    b.observe("mq_outbound")
    expect(
        b.chain.mq.outbound[-1].payload
        == encode_payload(
            HeartbeatChallenge(
                int.from_bytes(b.chain.system.block.randomness, "big"),
                computation.pow_target(20, 1, 12),
            )
        ),
        "the block's challenge",
    )
    b.initialize_block()
    b.finalize_block()
    b.observe("mq_outbound")


@per_crypto("on_working_message_received", ("CMP-15", "CMP-16", "MQ-13"))
def heartbeats_update_the_benchmark(b: CaseBuilder, setting: str) -> None:
    """A computing worker's heartbeats: the first measures from time 0 (p_instant 0), the second,
    100,000 iterations over 12 s, would give 50,000 and is capped at 1.2 × 1200 = 1440
    (`BenchmarkUpdated`). A heartbeat from the unbound worker 3 (`WorkerNotBound`) and one from a
    contract (`BadSender`) are swallowed."""
    computing(b, setting)
    now = b.chain.system.block.timestamp
    beat = HeartbeatV2(
        session_id=0,
        challenge_block=3,
        challenge_time=now,
        iterations=10**6,
        n_clusters=0,
        n_contracts=0,
    )
    relay(
        b,
        setting,
        MessageOrigin("Worker", WORKER.public),
        b"phala/mining/report",
        encode_payload(beat),
        WORKER,
    )
    expect(names(b) == [C + "BenchmarkUpdated"], "BenchmarkUpdated")
    b.next_block()
    beat = HeartbeatV2(
        session_id=0,
        challenge_block=4,
        challenge_time=now + 12_000,
        iterations=10**6 + 10**5,
        n_clusters=0,
        n_contracts=0,
    )
    relay(
        b,
        setting,
        MessageOrigin("Worker", WORKER.public),
        b"phala/mining/report",
        encode_payload(beat),
        WORKER,
    )
    expect(b.chain.computation.sessions[SESSION].benchmark.p_instant == 1440, "capped at 1440")
    before = b.chain.computation
    relay(
        b,
        setting,
        MessageOrigin("Worker", WORKER3.public),
        b"phala/mining/report",
        encode_payload(beat),
        WORKER3,
    )
    expect(b.chain.computation == before and names(b) == [], "swallowed")
    b.observe("session", SESSION)
    b.finalize_block()


# --- The gatekeepers' report [CMP-17] [CMP-18] -------------------------------------------------------


def gk_report(b: CaseBuilder, setting: str, report: WorkingInfoUpdateEvent) -> None:
    relay(b, setting, GATEKEEPER, b"^phala/mining/update", encode_payload(report), MASTER)


@per_crypto("on_gk_message_received", ("CMP-17", "CMP-18", "CMP-3"))
def gatekeeper_reports_across_blocks(b: CaseBuilder, setting: str) -> None:
    """Block 4: worker 1 goes offline (`WorkerEnterUnresponsive`, `EnterUnresponsive` pushed); the
    ready worker 2 and an unknown key are skipped. Block 5: worker 1 recovers and is settled with
    V = 4100, a payout of 2 PHA and 0.5 PHA for the treasury, which moves from the subsidy pool to
    the treasury (`SessionSettled`). A second report of the same time in the same block is
    dropped (`SessionSettlementDropped`): the session was updated at the chain's time, not the
    report's; no treasury share moves. Block 6: a treasury share larger than the subsidy pool
    fails (`InternalErrorWorkerSettleFailed`) yet V is stored."""
    computing(b, setting)
    b.next_block()
    ts = b.chain.system.block.timestamp
    gk_report(
        b,
        setting,
        WorkingInfoUpdateEvent(4, ts, offline=(WORKER.public, WORKER2.public, bytes(32))),
    )
    expect(names(b) == [C + "WorkerEnterUnresponsive"], "only the computing worker")
    b.next_block()
    ts = b.chain.system.block.timestamp
    settle = SettleInfo(WORKER.public, 4100 * ONE, 2 * ONE, ONE // 2)
    gk_report(
        b,
        setting,
        WorkingInfoUpdateEvent(5, ts, recovered_to_online=(WORKER.public,), settle=(settle,)),
    )
    expect(
        names(b) == [C + "WorkerExitUnresponsive", C + "SessionSettled"], "recovered and settled"
    )
    treasury = b.chain.system.accounts[computation.TREASURY].data.free
    expect(treasury == PHA // 2, "0.5 PHA in the treasury")
    gk_report(
        b,
        setting,
        WorkingInfoUpdateEvent(5, ts, settle=(SettleInfo(WORKER.public, ONE, ONE, ONE),)),
    )
    expect(names(b) == [C + "SessionSettlementDropped"], "dropped")
    expect(b.chain.system.accounts[computation.TREASURY].data.free == treasury, "no share moved")
    b.observe("session", SESSION)
    b.next_block()
    ts = b.chain.system.block.timestamp
    gk_report(
        b,
        setting,
        WorkingInfoUpdateEvent(6, ts, settle=(SettleInfo(WORKER.public, 77, 0, 10**7 * ONE),)),
    )
    expect(names(b) == [C + "InternalErrorWorkerSettleFailed"], "the pool cannot pay")
    expect(b.chain.computation.sessions[SESSION].v == 77, "V stored")
    b.observe("session", SESSION)
    b.finalize_block()


@per_crypto("on_gk_message_received", ("CMP-17", "MQ-9", "MQ-13"))
def gatekeeper_report_sender_and_payload(b: CaseBuilder, setting: str) -> None:
    """A report is only the gatekeepers': the same report from a worker is accepted by the queue
    but its handler fails `BadSender`; an undecodable report fails `MessageCodecError`; an empty
    report changes nothing. All swallowed."""
    computing(b, setting)
    ts = b.chain.system.block.timestamp
    before = b.chain.computation
    report = WorkingInfoUpdateEvent(3, ts, offline=(WORKER.public,))
    relay(
        b,
        setting,
        MessageOrigin("Worker", WORKER.public),
        b"^phala/mining/update",
        encode_payload(report),
        WORKER,
    )
    gk_report(b, setting, WorkingInfoUpdateEvent(3, ts))
    relay(b, setting, GATEKEEPER, b"^phala/mining/update", b"\x01\x02", MASTER)
    expect(b.chain.computation == before, "nothing changed")
    b.finalize_block()


# --- Parameters [CMP-20] [CMP-21] ----------------------------------------------------------------------


@case(
    suite=SUITE,
    handler="update_tokenomic",
    presets=("minimal", "phala"),
    clauses=("CMP-4", "CMP-20", "CMP-23"),
)
def tokenomic_update_applies_at_the_block_end(b: CaseBuilder) -> None:
    """A council majority schedules new parameters (v_max 40000); a signed account cannot
    (`BadOrigin`). They are not in force during the block; its end stores them, pushes
    `TokenomicParametersChanged` to the gatekeepers and deposits the event. The genesis values are
    the pallet's defaults."""
    b.initialize_block()
    params = b.chain.computation.tokenomic
    assert params is not None
    expect(params == computation.default_tokenomic(), "the genesis defaults")
    new = dict(to_data(params))
    new["v_max"] = 40_000 * ONE
    call(b, C + "update_tokenomic", {"new_params": new}, signed("alice"), "BadOrigin")
    call(
        b,
        C + "update_tokenomic",
        {"new_params": new},
        {"kind": "collective", "collective": "Council", "yes": 2, "total": 3},
    )
    expect(b.chain.computation.tokenomic == params, "not yet")
    b.observe("computation")
    b.finalize_block()
    tokenomic = b.chain.computation.tokenomic
    expect(tokenomic is not None and tokenomic.v_max == 40_000 * ONE, "applied")
    b.observe("computation")


@case(suite=SUITE, handler="set_budget_per_block", clauses=("CMP-21",))
def budget_per_block_rules(b: CaseBuilder) -> None:
    """Only the budget balancer's account may set the budget (`BadOrigin`); the nonce must grow
    (`NonceIndexInvalid`), then the block (`BudgetUpdateBlockInvalid`), and the budget stay within
    twice the limit, 187.5 PHA (`BudgetExceedMaxLimit`). An accepted budget applies at once
    (`TokenomicParametersChanged`, `BudgetUpdated`); the same nonce again is refused. Governance
    then names another account."""
    b.initialize_block()
    balancer = signed(dev_keypair("budget-balancer").public)
    limit = b.chain.computation.max_budget_limit

    def budget(
        origin: dict[str, Any], nonce: int, number: int, value: int, outcome: str = "ok"
    ) -> None:
        call(
            b,
            C + "set_budget_per_block",
            {"nonce": nonce, "block_number": number, "budget": value},
            origin,
            outcome,
        )

    budget(signed("alice"), 1, 1, ONE, "BadOrigin")
    budget(balancer, 1, 1, 2 * limit + 1, C + "BudgetExceedMaxLimit")
    budget(balancer, 1, 1, 2 * limit)
    expect(names(b) == [C + "TokenomicParametersChanged", C + "BudgetUpdated"], "applied at once")
    budget(balancer, 1, 2, ONE, C + "NonceIndexInvalid")
    budget(balancer, 2, 1, ONE, C + "BudgetUpdateBlockInvalid")
    budget(balancer, 5, 9, 50 * ONE)
    call(b, C + "update_contract_root", {"account_id": b.account("bob")}, root())
    budget(balancer, 6, 10, ONE, "BadOrigin")
    budget(signed("bob"), 6, 10, ONE)
    b.observe("computation")
    b.finalize_block()


# --- End to end: a worker computes through the network [CMP-11] [CMP-14] [CMP-16] [OFF-20] ------


@per_crypto(
    "scenario", ("CMP-9", "CMP-11", "CMP-14", "CMP-16", "REG-13", "OFF-20", "OFF-21", "NET-4")
)
def computing_worker_round_trip(b: CaseBuilder, setting: str) -> None:
    """One worker runtime (1,000 iterations a block) and a benchmark of one block. Block 1: alice
    registers it as its operator (no attestation: the development preset). Its runtime reports
    the benchmark, relayed in block 3
    (score from the iterations over the elapsed seconds). Block 4: the stake pool binds and
    starts it with 5,000 PHA (`Started` reaches the runtime). Block 5: root's forced challenge
    hits every computing worker; the runtime signs a heartbeat, relayed in block 6, which updates
    the on-chain benchmark (`BenchmarkUpdated`)."""
    worker = dev_keypair("computation/net-worker")
    genesis_hash = bytes([0x11]) * 32
    b.genesis(
        registry={"benchmark_duration": 1, "genesis_hash_allowlist": [genesis_hash]},
        runtimes=[{"name": "worker1", "key": "computation/net-worker", "role": "worker"}],
        crypto=setting,
    )
    info = {
        "version": 1,
        "machine_id": b"machine-1",
        "pubkey": worker.public,
        "ecdh_pubkey": worker.ecdh_public,
        "genesis_block_hash": genesis_hash,
        "features": [1, 4],
        "operator": b.account(OPERATOR),
        "para_id": 2035,
        "max_consensus_version": 0,
    }
    report = b.network_block(
        [
            (
                "PhalaRegistry.register_worker_v2",
                {"pruntime_info": info, "attestation": None},
                signed(OPERATOR),
            )
        ]
    )
    expect([e["outcome"] for e in report["extrinsics"]] == ["ok"], "registered")
    b.network_block()
    b.network_block()
    expect(b.chain.registry.workers[worker.public].initial_score is not None, "benchmarked")
    report = b.network_block(
        [
            (C + "bind", {"session": SESSION, "worker": worker.public}, POOL),
            (C + "start_computing", {"session": SESSION, "stake": 5000 * PHA}, POOL),
        ]
    )
    expect([e["outcome"] for e in report["extrinsics"]] == ["ok", "ok"], "bound and started")
    report = b.network_block([(C + "force_heartbeat", {}, root())])
    expect(
        {name: len(m) for name, m in report["egress"].items()} == {"worker1": 1},
        "one heartbeat signed",
    )
    report = b.network_block()
    expect(
        [(e["runtime"], e["outcome"]) for e in report["extrinsics"]] == [("worker1", "ok")],
        "relayed",
    )
    expect(C + "BenchmarkUpdated" in names(b), "the benchmark updated")
    b.observe("session", SESSION)
