"""The computation pallet [CMP-1]..[CMP-23]: unit tests of the reference.

Expected values are derived from the rules in spec/computation.md with exact
rationals or independent integer arithmetic, never copied from the
reference's output.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phala_spec.chain.computation_payloads import (
    SettleInfo,
    TokenomicParametersChanged,
    WorkingInfoUpdateEvent,
)
from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.state import BlockContext, ChainState, PalletOrigin, Root, Signed
from phala_spec.chain.system_payloads import (
    HeartbeatChallenge,
    HeartbeatV2,
    Started,
    WorkerEventWithKey,
)
from phala_spec.chain.worker_messages import decode_system_event, encode_payload
from phala_spec.conformance.relaying import apply_relay
from phala_spec.pallets import computation
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.primitives.errors import RuntimePanic
from phala_spec.primitives.fixed import from_literal, to_fraction
from phala_spec.runtime.block import CallResult, apply_call, finalize_block, initialize_block
from phala_spec.runtime.genesis import dev_account, genesis

PALLET = PalletOrigin("PhalaStakePoolv2")
WORKER = dev_keypair("test-computation/worker")
WORKER2 = dev_keypair("test-computation/worker2")
MASTER = dev_keypair("test-computation/master")
SESSION = b"\x51" * 32
SESSION2 = b"\x52" * 32
ALICE = dev_account("alice")
PHA = 10**12
T0 = 1_700_000_000_000
SUBSIDY = computation.SUBSIDY_POOL


def block(state: ChainState, number: int, randomness: bytes = b"\x00" * 32) -> ChainState:
    if state.system.in_block:
        state, _ = finalize_block(state)
    state, _ = initialize_block(state, BlockContext(number, T0 + 12_000 * number, randomness))
    return state


def ok(result: CallResult) -> ChainState:
    assert result.outcome == "ok", result.outcome
    return result.state


def with_worker(
    score: int | None = 1000, level: int = 1, **computation_overrides: Any
) -> ChainState:
    balances = [["alice", 10**6 * PHA], [SUBSIDY, 10**6 * PHA]]
    state = genesis(
        "minimal",
        {
            "balances": balances,
            "registry": {"gatekeeper_master_pubkey": MASTER.public},
            "computation": computation_overrides,
        },
    )
    state = block(state, 1)
    for kp in (WORKER, WORKER2):
        state = ok(
            apply_call(
                state,
                Root(),
                "PhalaRegistry.force_register_worker",
                {"pubkey": kp.public, "ecdh_pubkey": kp.ecdh_public, "operator": ALICE},
            )
        )
        record = attrs.evolve(
            state.registry.workers[kp.public], initial_score=score, confidence_level=level
        )
        state = attrs.evolve(
            state,
            registry=attrs.evolve(
                state.registry, workers=state.registry.workers.set(kp.public, record)
            ),
        )
    return block(state, 2)


def op(state: ChainState, name: str, **args: Any) -> CallResult:
    return apply_call(state, PALLET, f"PhalaComputation.{name}", args)


def bound(**kw: Any) -> ChainState:
    return ok(op(with_worker(**kw), "bind", session=SESSION, worker=WORKER.public))


# --- [CMP-4] .. [CMP-8] formulas ------------------------------------------------------------


def test_default_parameters_follow_the_genesis_arithmetic() -> None:
    p = computation.default_tokenomic()
    two64 = 2**64
    # a literal rounds to nearest; × an integer is exact; ÷ an integer truncates
    assert p.budget_per_block == from_literal("720000") * 12 // 86400
    assert to_fraction(p.budget_per_block) == 100
    assert p.slash_rate == from_literal("0.001") * 12 // 3600
    assert p.cost_k == from_literal("0.0415625") * 12 // (365 * 86400)
    assert (
        p.re == round(Fraction("1.3") * two64) and p.k == 100 * two64 and p.v_max == 30000 * two64
    )
    assert p.heartbeat_window == 10 and p.rig_b == 0


@given(p=st.integers(0, 10**6))
def test_minimal_stake_is_k_times_the_32_bit_square_root(p: int) -> None:
    params = computation.default_tokenomic()
    root_bits = math.isqrt(p << 64) << 32  # [FIX-10]: only 32 fractional bits are exact
    expected = params.k * root_bits >> 64  # U64F64 product, truncated
    expected_balance = ((expected >> 16) * PHA) >> 48  # from_fixed
    assert computation.minimal_stake(params, p) == expected_balance


def test_confidence_score_table() -> None:
    one = 2**64
    assert [computation.confidence_score(level) for level in (1, 2, 3, 128, 0, 7)] == [one] * 6
    assert computation.confidence_score(4) == round(Fraction("0.8") * one)
    assert computation.confidence_score(5) == round(Fraction("0.7") * one)


def test_initial_v_worked_example() -> None:
    params = computation.default_tokenomic()
    # 1.3 · (3000 PHA + 0.3 · 1000) ≈ 4290 (up to the U64F64 rounding of 1.3 and 0.3)
    ve = computation.initial_v(params, 3000 * PHA, 1000, 1)
    assert abs(to_fraction(ve) - Fraction(4290)) < Fraction(1, 10**9)
    lower = computation.initial_v(params, 3000 * PHA, 1000, 5)  # score 0.7: (0.3·0.7 + 1)·3300
    assert abs(to_fraction(lower) - Fraction(121, 100) * 3300) < Fraction(1, 10**9)


@given(num_tx=st.integers(0, 100), workers=st.integers(0, 10**6))
def test_pow_target_in_u32f32(num_tx: int, workers: int) -> None:
    target = computation.pow_target(num_tx, workers, 12)
    if workers == 0:
        assert target == 0
        return
    one = 2**32
    max_tx = (workers * one * 2 * one >> 32) * one // (300 * one)  # truncating U32F32 ops
    target_tx = min(max_tx, num_tx * one)
    ratio = target_tx * one // (workers * one)
    assert target == ((2**256 - 1) >> 24) * ((ratio << 24) >> 32)


# --- [CMP-9]..[CMP-13] sessions ------------------------------------------------------------------


def test_bind_check_order() -> None:
    state = with_worker(score=None)
    assert (
        op(state, "bind", session=SESSION, worker=b"\x09" * 32).outcome
        == "PhalaComputation.WorkerNotRegistered"
    )
    assert (
        op(state, "bind", session=SESSION, worker=WORKER.public).outcome
        == "PhalaComputation.BenchmarkMissing"
    )
    state = bound()
    assert (
        op(state, "bind", session=SESSION, worker=WORKER2.public).outcome
        == "PhalaComputation.DuplicateBoundSession"
    )
    assert (
        op(state, "bind", session=SESSION2, worker=WORKER.public).outcome
        == "PhalaComputation.DuplicateBoundWorker"
    )
    assert (
        apply_call(
            state,
            Signed(ALICE),
            "PhalaComputation.bind",
            {"session": SESSION2, "worker": WORKER2.public},
        ).outcome
        == "BadOrigin"
    )
    info = state.computation.sessions[SESSION]
    assert (info.state, info.v, info.v_updated_at) == (
        "Ready",
        0,
        state.system.block.timestamp // 1000,
    )


def test_register_time_check_when_configured() -> None:
    state = with_worker()
    state = attrs.evolve(
        state,
        config=attrs.evolve(
            state.config,
            computation=attrs.evolve(state.config.computation, check_worker_register_time=True),
        ),
    )
    assert (
        op(state, "bind", session=SESSION, worker=WORKER.public).outcome
        == "PhalaComputation.WorkerReregisterNeeded"
    )


def test_start_computing_checks_and_effects() -> None:
    state = bound()
    params = computation.default_tokenomic()
    minimum = computation.minimal_stake(params, 1000)
    assert (
        op(state, "start_computing", session=SESSION2, stake=minimum).outcome
        == "PhalaComputation.SessionNotFound"
    )
    assert (
        op(state, "start_computing", session=SESSION, stake=minimum - 1).outcome
        == "PhalaComputation.InsufficientStake"
    )
    too_much = 30000 * PHA  # 1.3 · (30000 + 300) > 30000
    assert (
        op(state, "start_computing", session=SESSION, stake=too_much).outcome
        == "PhalaComputation.TooMuchStake"
    )
    low = bound(score=49)
    assert (
        op(low, "start_computing", session=SESSION, stake=10**9 * PHA).outcome
        == "PhalaComputation.BenchmarkTooLow"
    )
    r = op(state, "start_computing", session=SESSION, stake=minimum)
    assert r.outcome == "ok"
    comp = r.state.computation
    ve = computation.initial_v(params, minimum, 1000, 1)
    info = comp.sessions[SESSION]
    assert (info.state, info.ve, info.v, info.benchmark.p_init) == ("WorkerIdle", ve, ve, 1000)
    assert (comp.stakes[SESSION], comp.online_workers, comp.next_session_id) == (minimum, 1, 1)
    (pushed,) = [m for m in r.state.mq.outbound if m.destination == b"phala/system/event"]
    assert decode_system_event(pushed.payload) == WorkerEventWithKey(
        WORKER.public, Started(0, ve, 1000)
    )
    assert (
        op(r.state, "start_computing", session=SESSION, stake=minimum).outcome
        == "PhalaComputation.WorkerNotReady"
    )


def started() -> ChainState:
    state = bound()
    return ok(op(state, "start_computing", session=SESSION, stake=5000 * PHA))


def test_stop_then_reclaim_after_the_cool_down() -> None:
    state = started()
    assert (
        op(state, "reclaim", session=SESSION, check_cooldown=False).outcome
        == "PhalaComputation.CoolDownNotReady"
    )
    state = ok(op(state, "stop_computing", session=SESSION))
    assert state.computation.online_workers == 0
    assert (
        op(state, "stop_computing", session=SESSION).outcome
        == "PhalaComputation.WorkerNotComputing"
    )
    stopped_at = state.computation.sessions[SESSION].cool_down_start
    assert (
        op(state, "reclaim", session=SESSION, check_cooldown=True).outcome
        == "PhalaComputation.CoolDownNotReady"
    )
    later = state
    for n in range(3, 6):
        later = block(later, n)
    later = attrs.evolve(
        later,
        system=attrs.evolve(
            later.system,
            block=BlockContext(later.system.block.number, (stopped_at + 604_800) * 1000),
        ),
    )
    r = op(later, "reclaim", session=SESSION, check_cooldown=True)
    assert r.outcome == "ok" and r.returned == (5000 * PHA, 0)
    assert SESSION not in r.state.computation.stakes
    assert r.state.computation.sessions[SESSION].state == "Ready"


def test_unbind_is_the_operators_and_forces_a_stop() -> None:
    state = started()
    r = apply_call(
        state, Signed(dev_account("bob")), "PhalaComputation.unbind", {"session": SESSION}
    )
    assert r.outcome == "PhalaComputation.BadSender"
    r = apply_call(state, Signed(ALICE), "PhalaComputation.unbind", {"session": SESSION})
    assert [e.name for e in r.events] == [
        "PhalaComputation.WorkerStopped",
        "PhalaComputation.SessionUnbound",
    ]
    comp = r.state.computation
    assert SESSION not in comp.session_bindings and WORKER.public not in comp.worker_bindings
    assert comp.sessions[SESSION].state == "WorkerCoolingDown"


# --- [CMP-14]..[CMP-16] heartbeats ---------------------------------------------------------------


def challenges(state: ChainState) -> list[HeartbeatChallenge]:
    out = []
    for m in state.mq.outbound:
        decoded = decode_system_event(m.payload) if m.destination == b"phala/system/event" else None
        if isinstance(decoded, HeartbeatChallenge):
            out.append(decoded)
    return out


def test_challenge_at_the_end_of_the_block_unless_paused() -> None:
    state = started()
    finalized, _ = finalize_block(state)
    assert challenges(finalized) == []
    state = ok(
        apply_call(state, Root(), "PhalaComputation.set_heartbeat_paused", {"paused": False})
    )
    finalized, _ = finalize_block(state)
    randomness = state.system.block.randomness
    assert challenges(finalized) == [
        HeartbeatChallenge(int.from_bytes(randomness, "big"), computation.pow_target(20, 1, 12))
    ]


def relay(
    state: ChainState, sender: MessageOrigin, topic: bytes, payload: bytes, key: Any
) -> CallResult:
    return apply_relay(state, Signed(ALICE), sender, topic, payload, key)


def test_heartbeat_updates_the_benchmark_with_the_cap() -> None:
    state = block(started(), 3)
    now = state.system.block.timestamp // 1000
    beat = HeartbeatV2(
        session_id=0,
        challenge_block=2,
        challenge_time=(now - 5) * 1000,
        iterations=10**6,
        n_clusters=0,
        n_contracts=0,
    )
    r = relay(
        state,
        MessageOrigin("Worker", WORKER.public),
        b"phala/mining/report",
        encode_payload(beat),
        WORKER,
    )
    bench = r.state.computation.sessions[SESSION].benchmark
    # the first heartbeat measures from challenge_time_last = 0: 6·10^6 iterations over `now` seconds
    assert (bench.p_instant, bench.iterations, bench.challenge_time_last) == (
        (6 * 10**6) // now,
        10**6,
        now - 5,
    )
    assert [e.name for e in r.events] == ["PhalaComputation.BenchmarkUpdated"]
    fast = computation.update_benchmark(bench, now + 10, 10**6 + 10**5, now + 5)
    assert fast.p_instant == 1000 * 12 // 10  # 6·10^5 / 15 s = 40000, capped at 1.2 · p_init
    slow = computation.update_benchmark(bench, now + 100, 10**6 + 1000, now)
    assert slow.p_instant == (1000 * 6) // 105
    reset = computation.update_benchmark(bench, now + 100, 500, now)  # a restarted counter
    assert (reset.p_instant, reset.iterations) == (0, 500)
    with pytest.raises(RuntimePanic):
        computation.update_benchmark(bench, now - 5, 1, 1)


# --- [CMP-17] [CMP-18] settlement ------------------------------------------------------------------


def report(state: ChainState, event: WorkingInfoUpdateEvent) -> CallResult:
    return relay(
        state,
        MessageOrigin("Gatekeeper", b""),
        b"^phala/mining/update",
        encode_payload(event),
        MASTER,
    )


def test_offline_recovered_and_settlement() -> None:
    state = block(started(), 3)
    ts = state.system.block.timestamp
    r = report(state, WorkingInfoUpdateEvent(3, ts, offline=(WORKER.public, WORKER2.public)))
    assert r.state.computation.sessions[SESSION].state == "WorkerUnresponsive"
    assert [e.name for e in r.events if e.name.startswith("PhalaComputation")] == [
        "PhalaComputation.WorkerEnterUnresponsive"
    ]
    state = block(r.state, 4)
    ts = state.system.block.timestamp
    v_bits, payout_bits, treasury_bits = 4000 * 2**64, 3 * 2**64, 2**63  # 0.5 PHA to the treasury
    r = report(
        state,
        WorkingInfoUpdateEvent(
            4,
            ts,
            recovered_to_online=(WORKER.public,),
            settle=(SettleInfo(WORKER.public, v_bits, payout_bits, treasury_bits),),
        ),
    )
    info = r.state.computation.sessions[SESSION]
    assert (info.state, info.v, info.v_updated_at, info.total_reward) == (
        "WorkerIdle",
        v_bits,
        ts // 1000,
        3 * PHA,
    )
    accounts = r.state.system.accounts
    assert accounts[computation.TREASURY].data.free == PHA // 2
    assert accounts[SUBSIDY].data.free == state.system.accounts[SUBSIDY].data.free - PHA // 2
    names = [e.name for e in r.events if e.name.startswith("PhalaComputation")]
    assert names == ["PhalaComputation.WorkerExitUnresponsive", "PhalaComputation.SessionSettled"]
    # a report stamped no later than the session's last update is dropped
    late = report(
        r.state, WorkingInfoUpdateEvent(4, ts, settle=(SettleInfo(WORKER.public, 1, 2, 2**64),))
    )
    assert [e.name for e in late.events if e.name.startswith("PhalaComputation")] == [
        "PhalaComputation.SessionSettlementDropped"
    ]
    assert late.state.computation.sessions[SESSION] == info
    assert late.state.system.accounts[computation.TREASURY] == accounts[computation.TREASURY]


def test_settlement_the_subsidy_pool_cannot_pay() -> None:
    state = block(started(), 3)
    ts = state.system.block.timestamp + 1000
    huge = (10**7) * 2**64
    r = report(
        state, WorkingInfoUpdateEvent(3, ts, settle=(SettleInfo(WORKER.public, 7, 0, huge),))
    )
    assert [e.name for e in r.events if e.name.startswith("PhalaComputation")] == [
        "PhalaComputation.InternalErrorWorkerSettleFailed"
    ]
    assert r.state.computation.sessions[SESSION].v == 7


# --- [CMP-20] [CMP-21] parameters ---------------------------------------------------------------------


def test_challenge_precedes_the_scheduled_update() -> None:
    """[CMP-23]: the block's end challenges first, then applies the scheduled parameters."""
    state = with_worker(heartbeat_paused=False)
    new = attrs.evolve(computation.default_tokenomic(), v_max=10 * 2**64)
    r = apply_call(
        state, Root(), "PhalaComputation.update_tokenomic", {"new_params": attrs.asdict(new)}
    )
    finalized, _ = finalize_block(r.state)
    assert [m.destination for m in finalized.mq.outbound] == [
        b"phala/system/event",
        b"phala/gatekeeper/event",
    ]
    challenge, update = finalized.mq.outbound
    assert decode_system_event(challenge.payload) == HeartbeatChallenge(
        int.from_bytes(state.system.block.randomness, "big"), computation.pow_target(20, 0, 12)
    )
    assert update.payload == encode_payload(TokenomicParametersChanged(new))


def test_tokenomic_update_applies_at_the_end_of_the_block() -> None:
    state = with_worker()
    new = attrs.evolve(computation.default_tokenomic(), v_max=10 * 2**64)
    r = apply_call(
        state, Root(), "PhalaComputation.update_tokenomic", {"new_params": attrs.asdict(new)}
    )
    assert r.state.computation.tokenomic != new
    finalized, events = finalize_block(r.state)
    assert (
        finalized.computation.tokenomic == new and finalized.computation.scheduled_tokenomic is None
    )
    assert "PhalaComputation.TokenomicParametersChanged" in [e.name for e in events]
    assert any(m.destination == b"phala/gatekeeper/event" for m in finalized.mq.outbound)


def test_budget_per_block_rules() -> None:
    state = with_worker()
    balancer = Signed(dev_keypair("budget-balancer").public)
    limit = state.computation.max_budget_limit

    def budget(origin: Any, nonce: int, number: int, value: int) -> CallResult:
        return apply_call(
            state,
            origin,
            "PhalaComputation.set_budget_per_block",
            {"nonce": nonce, "block_number": number, "budget": value},
        )

    assert budget(Signed(ALICE), 1, 1, 1).outcome == "BadOrigin"
    assert budget(balancer, 0, 1, 1).outcome == "PhalaComputation.NonceIndexInvalid"
    assert budget(balancer, 1, 0, 1).outcome == "PhalaComputation.BudgetUpdateBlockInvalid"
    assert budget(balancer, 1, 1, 2 * limit + 1).outcome == "PhalaComputation.BudgetExceedMaxLimit"
    r = budget(balancer, 1, 1, 2 * limit)
    params = r.state.computation.tokenomic
    assert params == attrs.evolve(state.computation.tokenomic, budget_per_block=2 * limit)
    assert to_fraction(2 * limit) == Fraction(375, 2)
    assert (
        r.state.computation.budget_update_nonce,
        r.state.computation.last_budget_update_block,
    ) == (1, 1)
    # [CMP-21]: the parameters are pushed to the gatekeepers, and BudgetUpdated is the only event.
    assert [e.name for e in r.events if e.name.startswith("PhalaComputation")] == [
        "PhalaComputation.BudgetUpdated",
    ]
    assert [(m.destination, m.payload) for m in r.state.mq.outbound] == [
        (b"phala/gatekeeper/event", encode_payload(TokenomicParametersChanged(params)))
    ]


@pytest.mark.parametrize(
    ("origin", "nonce", "number", "over", "code"),
    [
        ("stranger", 0, 1, False, "BadOrigin"),
        ("balancer", 0, 0, False, "PhalaComputation.NonceIndexInvalid"),
        ("balancer", 1, 0, True, "PhalaComputation.BudgetUpdateBlockInvalid"),
        ("balancer", 1, 1, True, "PhalaComputation.BudgetExceedMaxLimit"),
        ("balancer", 1, 1, False, "PhalaComputation.InternalErrorBadTokenomicParameters"),
    ],
)
def test_budget_per_block_check_order(
    origin: str, nonce: int, number: int, over: bool, code: str
) -> None:
    """[CMP-21]: origin, nonce, block, budget, then the parameters present; each row but the
    last fails the named check and the next one too. A rejection changes nothing."""
    state = with_worker(tokenomic=None)
    assert state.computation.tokenomic is None
    signer = ALICE if origin == "stranger" else dev_keypair("budget-balancer").public
    value = 2 * state.computation.max_budget_limit + (1 if over else 0)
    r = apply_call(
        state,
        Signed(signer),
        "PhalaComputation.set_budget_per_block",
        {"nonce": nonce, "block_number": number, "budget": value},
    )
    assert r.outcome == code
    assert r.state == state
