"""Heartbeats [CMP-14]..[CMP-16] and the gatekeepers' reports [CMP-17] [CMP-18], and a worker
computing through the network [CMP-11] [CMP-14] [CMP-16] [OFF-20]."""

from __future__ import annotations

from phala_spec.chain.computation_payloads import SettleInfo, WorkingInfoUpdateEvent
from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.system_payloads import Heartbeat, HeartbeatChallenge, HeartbeatV2
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.conformance.authoring import CaseBuilder, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.relaying import relay
from phala_spec.conformance.suites.computation.common import (
    GATEKEEPER,
    MASTER,
    ONE,
    OPERATOR,
    PHA,
    POOL,
    SESSION,
    WORKER,
    WORKER2,
    WORKER3,
    C,
    computing,
    gk_report,
    names,
    per_crypto,
)
from phala_spec.pallets import computation
from phala_spec.primitives.crypto import dev_keypair

# --- Heartbeats [CMP-14]..[CMP-16] ----------------------------------------------------------------


@per_crypto("heartbeat_challenge", ("CMP-8", "CMP-14", "CMP-23"))
def challenges_follow_the_pause_flag(b: CaseBuilder, setting: str) -> None:
    """The heartbeat starts paused: a block ends without a challenge. After governance unpauses
    it, every block ends with a challenge whose seed is the block's randomness and whose target is
    `pow_target(20, online workers, 12)`; root's `force_heartbeat` challenges at once with seed 0
    and the greatest target."""
    computing(b, setting)
    b.next_block()
    do(b, C + "set_heartbeat_paused", {"paused": False}, root())
    do(b, C + "force_heartbeat", {}, root())
    b.finalize_block()
    b.observe("mq_outbound")
    check(
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
    check(names(b) == [C + "BenchmarkUpdated"], "BenchmarkUpdated")
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
    check(b.chain.computation.sessions[SESSION].benchmark.p_instant == 1440, "capped at 1440")
    before = b.chain.computation
    relay(
        b,
        setting,
        MessageOrigin("Worker", WORKER3.public),
        b"phala/mining/report",
        encode_payload(beat),
        WORKER3,
    )
    check(b.chain.computation == before and names(b) == [], "swallowed")
    b.observe("session", SESSION)
    b.finalize_block()


@per_crypto("on_working_message_received", ("CMP-15", "CMP-16", "OFF-4"))
def legacy_heartbeat_updates_the_benchmark(b: CaseBuilder, setting: str) -> None:
    """A computing worker answers with a legacy `Heartbeat` (no cluster counts): the chain decodes
    it like a `HeartbeatV2` and measures it the same way. The first heartbeat measures from time 0
    (p_instant 0); the second, 100,000 more iterations over 12 s, is capped at 1.2 x 1200 = 1440
    (`BenchmarkUpdated`)."""
    computing(b, setting)
    now = b.chain.system.block.timestamp
    w = MessageOrigin("Worker", WORKER.public)
    beat = Heartbeat(session_id=0, challenge_block=3, challenge_time=now, iterations=10**6)
    relay(b, setting, w, b"phala/mining/report", encode_payload(beat), WORKER)
    check(names(b) == [C + "BenchmarkUpdated"], "BenchmarkUpdated")
    b.next_block()
    beat = Heartbeat(
        session_id=0, challenge_block=4, challenge_time=now + 12_000, iterations=10**6 + 10**5
    )
    relay(b, setting, w, b"phala/mining/report", encode_payload(beat), WORKER)
    check(b.chain.computation.sessions[SESSION].benchmark.p_instant == 1440, "capped at 1440")
    b.observe("session", SESSION)
    b.finalize_block()


# --- The gatekeepers' report [CMP-17] [CMP-18] -------------------------------------------------------


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
    check(names(b) == [C + "WorkerEnterUnresponsive"], "only the computing worker")
    b.next_block()
    ts = b.chain.system.block.timestamp
    settle = SettleInfo(WORKER.public, 4100 * ONE, 2 * ONE, ONE // 2)
    gk_report(
        b,
        setting,
        WorkingInfoUpdateEvent(5, ts, recovered_to_online=(WORKER.public,), settle=(settle,)),
    )
    check(names(b) == [C + "WorkerExitUnresponsive", C + "SessionSettled"], "recovered and settled")
    treasury = b.chain.system.accounts[computation.TREASURY].data.free
    check(treasury == PHA // 2, "0.5 PHA in the treasury")
    gk_report(
        b,
        setting,
        WorkingInfoUpdateEvent(5, ts, settle=(SettleInfo(WORKER.public, ONE, ONE, ONE),)),
    )
    check(names(b) == [C + "SessionSettlementDropped"], "dropped")
    check(b.chain.system.accounts[computation.TREASURY].data.free == treasury, "no share moved")
    b.observe("session", SESSION)
    b.next_block()
    ts = b.chain.system.block.timestamp
    gk_report(
        b,
        setting,
        WorkingInfoUpdateEvent(6, ts, settle=(SettleInfo(WORKER.public, 77, 0, 10**7 * ONE),)),
    )
    check(names(b) == [C + "InternalErrorWorkerSettleFailed"], "the pool cannot pay")
    check(b.chain.computation.sessions[SESSION].v == 77, "V stored")
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
    check(b.chain.computation == before, "nothing changed")
    b.finalize_block()


# --- End to end: a worker computes through the network [CMP-11] [CMP-14] [CMP-16] [OFF-20] ------


NET_WORKER = dev_keypair("computation/net-worker")


def computing_network_worker(b: CaseBuilder, setting: str) -> None:
    """Blocks 1 to 4 of a worker runtime computing through the network: alice registers it (no
    attestation), its one-block benchmark is relayed in block 3, and in block 4 the stake pool
    binds and starts it with 5,000 PHA [CMP-9] [CMP-11] [REG-13]."""
    worker = NET_WORKER
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
    check([e["outcome"] for e in report["extrinsics"]] == ["ok"], "registered")
    b.network_block()
    b.network_block()
    check(b.chain.registry.workers[worker.public].initial_score is not None, "benchmarked")
    report = b.network_block(
        [
            (C + "bind", {"session": SESSION, "worker": worker.public}, POOL),
            (C + "start_computing", {"session": SESSION, "stake": 5000 * PHA}, POOL),
        ]
    )
    check([e["outcome"] for e in report["extrinsics"]] == ["ok", "ok"], "bound and started")


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
    computing_network_worker(b, setting)
    report = b.network_block([(C + "force_heartbeat", {}, root())])
    check(
        {name: len(m) for name, m in report["egress"].items()} == {"worker1": 1},
        "one heartbeat signed",
    )
    report = b.network_block()
    check(
        [(e["runtime"], e["outcome"]) for e in report["extrinsics"]] == [("worker1", "ok")],
        "relayed",
    )
    check(C + "BenchmarkUpdated" in names(b), "the benchmark updated")
    b.observe("session", SESSION)


@per_crypto("scenario", ("CMP-15", "CMP-16", "CHAIN-11", "NET-5", "OFF-20", "OFF-21"))
def heartbeat_in_the_second_of_the_last_challenge_is_left_out(b: CaseBuilder, setting: str) -> None:
    """The worker of the round trip computes (blocks 1 to 4). Blocks 5 to 7 are 1 ms apart, within
    one second: block 5's forced challenge makes the runtime sign a heartbeat; block 6 relays it
    (its challenge second becomes the benchmark's last) and challenges again; block 7 relays the
    second heartbeat in that same second, where production's assertion that the heartbeat comes
    after the last challenge fails: the extrinsic panics and is left out (outcome `Panic`, the
    worker's ingress unchanged) [CMP-15]. Block 8, a second later, relays it again and the
    benchmark is updated."""
    computing_network_worker(b, setting)
    w1 = MessageOrigin("Worker", NET_WORKER.public)
    start = (b.chain.system.block.timestamp // 1000 + 1) * 1000
    report = b.network_block([(C + "force_heartbeat", {}, root())], timestamp=start)
    check(len(report["egress"].get("worker1", [])) == 1, "a heartbeat signed in block 5")
    report = b.network_block([(C + "force_heartbeat", {}, root())], timestamp=start + 1)
    check(
        [(e["runtime"], e["outcome"]) for e in report["extrinsics"]]
        == [("worker1", "ok"), (None, "ok")],
        "the first heartbeat is accepted",
    )
    bench = b.chain.computation.sessions[SESSION].benchmark
    check(bench.challenge_time_last == start // 1000, "its challenge's second is the last [CMP-15]")
    check(len(report["egress"].get("worker1", [])) == 1, "a second heartbeat signed in block 6")
    ingress = b.chain.mq.ingress.get(w1, 0)
    report = b.network_block(timestamp=start + 2, observe=[("session", SESSION)])
    check(
        [(e["runtime"], e["outcome"]) for e in report["extrinsics"]] == [("worker1", "Panic")],
        "no later than the last challenge: the heartbeat panics and is left out [CMP-15]",
    )
    check(
        b.chain.mq.ingress.get(w1, 0) == ingress
        and b.chain.computation.sessions[SESSION].benchmark == bench,
        "nothing changes",
    )
    report = b.network_block(timestamp=start + 1000, observe=[("session", SESSION)])
    check(
        [(e["runtime"], e["outcome"]) for e in report["extrinsics"]] == [("worker1", "ok")]
        and C + "BenchmarkUpdated" in names(b),
        "a second later it is accepted [CMP-15]",
    )


CONTRACT_KEY = dev_keypair("computation/contract-named-like-worker1")


@per_crypto("on_working_message_received", ("CMP-8", "CMP-14", "CMP-16", "MQ-13"))
def heartbeat_sender_and_payload_checked(b: CaseBuilder, setting: str) -> None:
    """A contract whose id is worker 1's public key sends a valid heartbeat: refused
    (`BadSender`, swallowed), worker 1's benchmark untouched. Worker 1's own message that does
    not decode as a heartbeat is refused too (`MessageCodecError`, swallowed). With a 13-second
    block time the challenge's target scales by 3600 // 13 = 276 blocks an hour."""
    computing(
        b,
        setting,
        config={"computation": {"expected_block_time_sec": 13}},
        registry={"contract_keys": {WORKER.public: CONTRACT_KEY.public}},
        heartbeat_paused=False,
    )
    now = b.chain.system.block.timestamp
    beat = HeartbeatV2(
        session_id=0,
        challenge_block=3,
        challenge_time=now,
        iterations=10**6,
        n_clusters=0,
        n_contracts=0,
    )
    before = b.chain.computation
    relay(
        b,
        setting,
        MessageOrigin("Contract", WORKER.public),
        b"phala/mining/report",
        encode_payload(beat),
        CONTRACT_KEY,
    )
    check(b.chain.computation == before and names(b) == [], "BadSender swallowed")
    relay(
        b,
        setting,
        MessageOrigin("Worker", WORKER.public),
        b"phala/mining/report",
        b"\xff\xff",
        WORKER,
    )
    check(b.chain.computation == before and names(b) == [], "MessageCodecError swallowed")
    b.observe("session", SESSION)
    b.finalize_block()
    b.observe("mq_outbound")
