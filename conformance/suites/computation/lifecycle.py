"""A session's life: binding, starting, stopping, reclaiming and unbinding [CMP-9]..[CMP-13]."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.suites.attestation.common import SIM_RUNTIME
from phala_spec.conformance.suites.attestation.simulated import simulated
from phala_spec.conformance.suites.computation.common import (
    OPERATOR,
    PHA,
    POOL,
    SESSION,
    SESSION2,
    SUITE,
    WORKER,
    WORKER2,
    WORKER3,
    C,
    computing,
    names,
    per_crypto,
    setup,
)
from phala_spec.conformance.suites.registry import GENESIS, REGISTER, pruntime_info
from phala_spec.pallets import computation
from phala_spec.primitives.crypto import dev_keypair


@per_crypto("bind", ("CMP-9",))
def bind_check_order(b: CaseBuilder, setting: str) -> None:
    """`bind` checks, in order: a registered worker (`WorkerNotRegistered`), a benchmark
    (`BenchmarkMissing` for worker 3, never benchmarked), an unbound session
    (`DuplicateBoundSession`), an unbound worker (`DuplicateBoundWorker`); the origin is the stake
    pool's (`BadOrigin` for a signed account). A bound session is `Ready` with `v_updated_at` now."""
    setup(b, setting, {WORKER: 1200, WORKER2: 1200})
    stranger = dev_keypair("computation/stranger").public
    do(b, C + "bind", {"session": SESSION, "worker": stranger}, POOL, C + "WorkerNotRegistered")
    do(b, C + "bind", {"session": SESSION, "worker": WORKER3.public}, POOL, C + "BenchmarkMissing")
    do(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, signed("alice"), "BadOrigin")
    do(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    check(names(b) == [C + "SessionBound"], "SessionBound")
    do(
        b,
        C + "bind",
        {"session": SESSION, "worker": WORKER2.public},
        POOL,
        C + "DuplicateBoundSession",
    )
    do(
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
    launched cannot be bound: `WorkerReregisterNeeded`, checked before the benchmark and after
    the registration (`WorkerNotRegistered` for an unknown worker)."""
    setup(b, setting, {WORKER: 1200})
    stranger = dev_keypair("computation/stranger").public
    do(b, C + "bind", {"session": SESSION, "worker": stranger}, POOL, C + "WorkerNotRegistered")
    do(
        b,
        C + "bind",
        {"session": SESSION, "worker": WORKER.public},
        POOL,
        C + "WorkerReregisterNeeded",
    )
    do(
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
    do(
        b,
        C + "start_computing",
        {"session": SESSION, "stake": minimum},
        POOL,
        C + "SessionNotFound",
    )
    do(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    do(b, C + "bind", {"session": SESSION2, "worker": WORKER2.public}, POOL)
    do(
        b,
        C + "start_computing",
        {"session": SESSION2, "stake": 10**6 * PHA},
        POOL,
        C + "BenchmarkTooLow",
    )
    do(
        b,
        C + "start_computing",
        {"session": SESSION, "stake": minimum - 1},
        POOL,
        C + "InsufficientStake",
    )
    do(
        b,
        C + "start_computing",
        {"session": SESSION, "stake": 25_000 * PHA},
        POOL,
        C + "TooMuchStake",
    )
    do(b, C + "start_computing", {"session": SESSION, "stake": minimum}, POOL)
    info = b.chain.computation.sessions[SESSION]
    check(
        info.state == computation.IDLE
        and info.ve == computation.initial_v(params, minimum, 1200, 128),
        "WorkerIdle with Ve of [CMP-7]",
    )
    check(names(b) == [C + "WorkerStarted"], "WorkerStarted")
    do(b, C + "start_computing", {"session": SESSION, "stake": minimum}, POOL, C + "WorkerNotReady")
    b.observe("session", SESSION)
    b.observe("computation")
    b.finalize_block()


# --- Stopping, reclaiming, unbinding [CMP-10] [CMP-12] [CMP-13] ----------------------------------


@per_crypto("reclaim", ("CMP-12", "CMP-13"))
def stop_and_reclaim_after_the_cool_down(b: CaseBuilder, setting: str) -> None:
    """A 60-second cool-down. Stopping an unbound session fails `SessionNotBound`, a ready one
    `WorkerNotComputing`; stopping the
    computing one cools it down (online workers back to 0, `Stopped` pushed). Reclaiming before
    60 s fails `CoolDownNotReady` (so does reclaiming a ready session even without the check);
    at exactly 60 s it returns to `Ready` and its stake is released with nothing slashed."""
    computing(b, setting, cool_down_period=60)
    do(b, C + "stop_computing", {"session": bytes(32)}, POOL, C + "SessionNotBound")
    do(b, C + "stop_computing", {"session": SESSION2}, POOL, C + "WorkerNotComputing")
    do(b, C + "stop_computing", {"session": SESSION}, POOL)
    check(names(b) == [C + "WorkerStopped"] and b.chain.computation.online_workers == 0, "stopped")
    stopped_at = b.chain.computation.sessions[SESSION].cool_down_start
    do(
        b,
        C + "reclaim",
        {"session": SESSION2, "check_cooldown": False},
        POOL,
        C + "CoolDownNotReady",
    )
    b.next_block(timestamp=(stopped_at + 59) * 1000)
    do(b, C + "reclaim", {"session": SESSION, "check_cooldown": True}, POOL, C + "CoolDownNotReady")
    b.next_block(timestamp=(stopped_at + 60) * 1000)
    do(b, C + "reclaim", {"session": SESSION, "check_cooldown": True}, POOL)
    check(
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
    do(b, C + "unbind", {"session": SESSION}, signed("bob"), C + "BadSender")
    do(b, C + "unbind", {"session": bytes(32)}, signed(OPERATOR), C + "SessionNotFound")
    do(b, C + "unbind", {"session": SESSION}, signed(OPERATOR))
    check(names(b) == [C + "WorkerStopped", C + "SessionUnbound"], "stop, then unbind")
    do(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL, C + "WorkerNotReady")
    b.observe("session", SESSION)
    do(b, C + "unbind_session", {"session": SESSION2, "notify": False}, POOL)
    check(names(b) == [C + "SessionUnbound"], "a ready session is unbound without a stop")
    do(b, C + "unbind_session", {"session": SESSION2, "notify": False}, POOL, C + "SessionNotBound")
    b.finalize_block()


# --- Origins, precedence and boundaries [CMP-9] [CMP-11] [CMP-12] [CMP-13] [CMP-14] [CMP-20] ------


@case(
    suite=SUITE, handler="force_start_computing", clauses=("CMP-11", "CMP-12", "CMP-14", "CMP-20")
)
def root_and_governance_calls_refuse_a_signed_account(b: CaseBuilder) -> None:
    """Root's calls (`force_start_computing`, `force_stop_computing`, `force_heartbeat`,
    `set_cool_down_expiration`) and governance's (`set_heartbeat_paused`,
    `update_contract_root`) refuse a signed account with `BadOrigin`, changing nothing."""
    setup(b, "oracle", {WORKER: 1200})
    do(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    alice = signed(OPERATOR)
    for call, args in (
        ("force_start_computing", {"session": SESSION, "stake": 4000 * PHA}),
        ("force_stop_computing", {"session": SESSION}),
        ("force_heartbeat", {}),
        ("set_cool_down_expiration", {"period": 60}),
        ("set_heartbeat_paused", {"paused": False}),
        ("update_contract_root", {"account_id": b.account("bob")}),
    ):
        do(b, C + call, args, alice, "BadOrigin")
    b.finalize_block()


@per_crypto("bind", ("CMP-9",))
def bind_duplicate_session_before_duplicate_worker(b: CaseBuilder, setting: str) -> None:
    """A bound session asked to bind a worker that is bound elsewhere fails
    `DuplicateBoundSession`: the session is checked before the worker."""
    setup(b, setting, {WORKER: 1200, WORKER2: 1200})
    do(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    do(b, C + "bind", {"session": SESSION2, "worker": WORKER2.public}, POOL)
    do(
        b,
        C + "bind",
        {"session": SESSION, "worker": WORKER2.public},
        POOL,
        C + "DuplicateBoundSession",
    )
    b.finalize_block()


@per_crypto("start_computing", ("CMP-6", "CMP-7", "CMP-11"))
def start_computing_bounds_are_inclusive(b: CaseBuilder, setting: str) -> None:
    """With `MinInitP` set to 1200 and `v_max` set to exactly the Ve of the minimum stake, worker 1
    (score 1200, at the bound) starts with the minimum stake (Ve equal to `v_max` is allowed).
    Worker 2 is bound, then force-registered again by root, which clears its benchmark: starting
    it fails `BenchmarkMissing`, the benchmark checked before `MinInitP`."""
    defaults = computation.default_tokenomic()
    minimum = computation.minimal_stake(defaults, 1200)
    v_max = computation.initial_v(defaults, minimum, 1200, 128)
    setup(
        b,
        setting,
        {WORKER: 1200, WORKER2: 1200},
        config={"computation": {"min_init_p": 1200}},
        tokenomic={"v_max": v_max},
    )
    do(b, C + "bind", {"session": SESSION, "worker": WORKER.public}, POOL)
    do(b, C + "bind", {"session": SESSION2, "worker": WORKER2.public}, POOL)
    do(b, C + "start_computing", {"session": SESSION, "stake": minimum}, POOL)
    check(b.chain.computation.sessions[SESSION].ve == v_max, "Ve equal to v_max")
    do(
        b,
        "PhalaRegistry.force_register_worker",
        {
            "pubkey": WORKER2.public,
            "ecdh_pubkey": WORKER2.ecdh_public,
            "operator": b.account(OPERATOR),
        },
        root(),
    )
    do(
        b,
        C + "start_computing",
        {"session": SESSION2, "stake": minimum},
        POOL,
        C + "BenchmarkMissing",
    )
    b.observe("session", SESSION)
    b.finalize_block()


@per_crypto("stop_computing", ("CMP-11", "CMP-12", "CMP-13"))
def stop_one_of_two_computing_workers(b: CaseBuilder, setting: str) -> None:
    """Two computing workers; stopping one leaves one online worker. Reclaiming a session that
    was never bound fails `SessionNotFound`."""
    computing(b, setting)
    do(b, C + "start_computing", {"session": SESSION2, "stake": 4000 * PHA}, POOL)
    check(b.chain.computation.online_workers == 2, "two online")
    do(b, C + "stop_computing", {"session": SESSION}, POOL)
    check(b.chain.computation.online_workers == 1, "one online")
    do(
        b,
        C + "reclaim",
        {"session": bytes(32), "check_cooldown": False},
        POOL,
        C + "SessionNotFound",
    )
    b.observe("computation")
    b.finalize_block()


@per_crypto("start_computing", ("CMP-5", "CMP-7", "CMP-11", "ATT-4", "ATT-46"))
def start_computing_at_confidence_levels_3_4_and_5(b: CaseBuilder, setting: str) -> None:
    """Three benchmarked workers (score 1200) registered again with simulated evidence, which keeps
    their benchmark and sets their confidence level [ATT-4]: worker 1 `CONFIGURATION_NEEDED` with
    an advisory outside the whitelist (level 4), worker 2 `OutOfDateConfigurationNeeded` (level
    5), worker 3 `CONFIGURATION_NEEDED` with whitelisted advisories (level 3). Each starts with
    the same stake; its Ve is ((Re - 1) · score + 1) · (stake + rig cost) with the level's score:
    0.8 at level 4, 0.7 at level 5, 1 at level 3 [CMP-5] [CMP-7], so the three Ve differ."""
    setup(
        b,
        setting,
        {WORKER: 1200, WORKER2: 1200, WORKER3: 1200},
        registry={"genesis_hash_allowlist": [GENESIS], "pruntime_allowlist": [SIM_RUNTIME]},
    )
    session3 = bytes([0x60]) * 32
    levels = (
        (WORKER, SESSION, "CONFIGURATION_NEEDED", ("INTEL-SA-00334", "INTEL-SA-00615"), 4),
        (WORKER2, SESSION2, "OutOfDateConfigurationNeeded", (), 5),
        (WORKER3, session3, "CONFIGURATION_NEEDED", ("INTEL-SA-00334", "INTEL-SA-00219"), 3),
    )
    now = b.chain.system.block.timestamp // 1000
    for key, _, status, advisories, level in levels:
        info = pruntime_info(key.public, ecdh=key.ecdh_public, operator=OPERATOR)
        evidence = simulated(info, now, status=status, advisory_ids=advisories)
        do(
            b,
            REGISTER,
            {"pruntime_info": info, "attestation": evidence},
            signed(OPERATOR),
        )
        record = b.chain.registry.workers[key.public]
        check(
            (record.confidence_level, record.initial_score) == (level, 1200),
            f"level {level}, the benchmark kept [ATT-4]",
        )
    params = b.chain.computation.tokenomic
    assert params is not None
    stake = 4000 * PHA
    for key, session, _, _, level in levels:
        do(b, C + "bind", {"session": session, "worker": key.public}, POOL)
        do(b, C + "start_computing", {"session": session, "stake": stake}, POOL)
        check(
            b.chain.computation.sessions[session].ve
            == computation.initial_v(params, stake, 1200, level),
            f"Ve with the score of level {level} [CMP-5] [CMP-7]",
        )
        b.observe("session", session)
    ves = {b.chain.computation.sessions[s].ve for _, s, _, _, _ in levels}
    check(len(ves) == 3, "three levels, three Ve [CMP-5]")
    b.finalize_block()
