"""The gatekeeper's economics [GK-1]..[GK-22]: each rule on its own, then through a runtime."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

from phala_spec.chain.computation_payloads import (
    SettleInfo,
    TokenomicParametersChanged,
    WorkingInfoUpdateEvent,
    default_tokenomic,
)
from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin, signed_bytes
from phala_spec.chain.system_payloads import (
    HeartbeatChallenge,
    HeartbeatV2,
    Registered,
    Started,
    Stopped,
    WorkerEventWithKey,
)
from phala_spec.chain.worker_messages import (
    GATEKEEPER_EVENT_TOPIC,
    SYSTEM_EVENT_TOPIC,
    WORKING_INFO_UPDATE_TOPIC,
    WORKING_REPORT_TOPIC,
    NewRandomNumber,
    decode_gatekeeper_event,
    decode_working_info_update,
    encode_payload,
)
from phala_spec.cli import main
from phala_spec.offchain import gatekeeper as gk
from phala_spec.offchain import master_key
from phala_spec.offchain.master_key import MasterKeys, RotatedKey
from phala_spec.offchain.pruntime import (
    RuntimeConfig,
    RuntimeState,
    SyncedBlock,
    hashed_id,
    new_runtime,
    process_block,
    set_dummy,
)
from phala_spec.primitives import fixed
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import Keypair, dev_keypair, verify

ONE = fixed.from_int(1)
PARAMS = gk.gatekeeper_params(default_tokenomic())
PALLET = MessageOrigin("Pallet", b"PhalaComputation")
WORKER = dev_keypair("tests/gk/worker")
OTHER = dev_keypair("tests/gk/other")


def value(bits: int) -> Fraction:
    return fixed.to_fraction(bits)


# --- formulas [GK-2] [GK-4] [GK-5] -----------------------------------------------------------------


def test_payout_ratio_is_one_minus_treasury_ratio_and_above_one_poisons() -> None:
    assert PARAMS.payout_ratio == ONE - fixed.from_literal("0.2")
    with pytest.raises(gk.Poisoned):
        gk.gatekeeper_params(attrs.evolve(default_tokenomic(), treasury_ratio=ONE + 1))


@pytest.mark.parametrize(
    ("level", "score"),
    [
        (1, ONE),
        (2, ONE),
        (3, ONE),
        (128, ONE),
        (4, fixed.from_literal("0.8")),
        (5, fixed.from_literal("0.7")),
        (0, 0),
        (6, 0),
        (127, 0),
        (255, 0),
    ],
)
def test_confidence_score_is_the_gatekeepers_table(level: int, score: int) -> None:
    # [GK-4]: unlike the pallet's [CMP-5], unknown levels score 0.
    assert gk.confidence_score(level) == score


def test_share_is_the_root_of_the_sum_of_squares_with_32_fractional_bits() -> None:
    info = gk.TokenomicInfo(v=fixed.from_int(3), p_instant=fixed.from_int(2), confidence_level=1)
    # sqrt(3² + (2·2·1)²) = 5, exactly representable
    assert gk.share(info) == fixed.from_int(5)
    odd = attrs.evolve(info, v=fixed.from_int(1), p_instant=0)
    assert gk.share(odd) == ONE
    # the confidence weighs P: level 4 scores 0.8, so w = 2 · 2 · 0.8 (truncated)
    weak = attrs.evolve(info, confidence_level=4)
    w = fixed.mul(fixed.from_int(4), fixed.from_literal("0.8"))
    assert gk.share(weak) == fixed.sqrt(fixed.add(fixed.from_int(9), fixed.mul(w, w)))
    assert value(gk.share(weak)) < 5
    # the root keeps 32 fractional bits: its low 32 bits are always 0
    assert gk.share(attrs.evolve(info, v=fixed.from_literal("1.5"))) % 2**32 == 0


def test_contracts_running_use_the_benchmark_p() -> None:
    info = gk.TokenomicInfo(p_bench=fixed.from_int(100), p_instant=fixed.from_int(7))
    assert gk.performance(info) == fixed.from_int(7)
    assert gk.performance(attrs.evolve(info, contract_running=True)) == fixed.from_int(100)


# --- heartbeats [GK-11]..[GK-14] ---------------------------------------------------------------------


def started(econ: gk.Economics, key: bytes, v: int = 6000, p: int = 500) -> gk.Economics:
    econ = gk.on_registered(econ, key, 1)
    return gk.on_started(econ, key, fixed.from_int(v), p, 10, 120_000)


def test_p_is_measured_per_six_seconds_and_capped() -> None:
    info = gk.TokenomicInfo(p_bench=fixed.from_int(500), challenge_time_last=120_000)
    # 600 iterations over 12 s: 300 per 6 s
    measured = gk.update_p_instant(info, 132_000, 600)
    assert measured.p_instant == fixed.from_int(300)
    # far more: capped at 1.2 × 500 = 600 (the literal 1.2 rounded)
    assert gk.update_p_instant(info, 132_000, 10**6).p_instant == fixed.mul(
        fixed.from_int(500), fixed.from_literal("1.2")
    )
    # not later than the last challenge: nothing changes
    assert gk.update_p_instant(info, 120_000, 600) == info
    # a counter below the last restarts the count from it
    restarted = gk.update_p_instant(attrs.evolve(info, iteration_last=900), 132_000, 600)
    assert restarted.iteration_last == 600 and restarted.p_instant == 0


def test_payout_splits_the_share_of_the_budget_and_deducts_v() -> None:
    info = gk.TokenomicInfo(
        v=fixed.from_int(1000),
        v_deductible=fixed.from_int(3),
        v_update_block=10,
        p_instant=fixed.from_int(100),
        p_bench=fixed.from_int(100),
        confidence_level=1,
    )
    share = gk.share(info)
    updated, paid, treasury = gk.payout(info, PARAMS, 4 * share, 15, 180_000)
    # a quarter of the sum, five blocks: budget = 1/4 · budget_per_block · 5
    budget = fixed.mul(
        fixed.mul(fixed.div(share, 4 * share), PARAMS.budget_per_block), fixed.from_int(5)
    )
    assert paid == fixed.mul(budget, PARAMS.payout_ratio)
    assert treasury == fixed.mul(budget, PARAMS.treasury_ratio)
    assert paid + treasury <= budget
    # V loses the deductible growth (3), less than the payout
    assert updated.v == fixed.from_int(997) and updated.v_deductible == 0
    assert (updated.v_update_block, updated.v_update_at) == (15, 180_000)


@pytest.mark.parametrize(
    "change",
    [
        {"sum_share": 0},
        {"v_deductible": 0},
        {"block": 10},
        {"share_zero": True},
    ],
)
def test_payout_early_returns_change_nothing(change: dict[str, object]) -> None:
    info = gk.TokenomicInfo(
        v=fixed.from_int(1000),
        v_deductible=0 if "v_deductible" in change else ONE,
        v_update_block=10,
        p_instant=fixed.from_int(1),
        confidence_level=1,
    )
    if change.get("share_zero"):
        info = attrs.evolve(info, v=0, p_instant=0)
    total = 0 if "sum_share" in change else ONE
    block = 10 if "block" in change else 12
    assert gk.payout(info, PARAMS, total, block, 1) == (info, 0, 0)


def test_an_unexpected_heartbeat_poisons() -> None:
    econ = started(gk.new_economics(default_tokenomic()), WORKER.public)
    beat = (0, 11, 132_000, 100, 0)
    with pytest.raises(gk.Poisoned, match="unexpected heartbeat"):
        gk.on_heartbeat(econ, WORKER.public, 0, beat, 12, 144_000)
    owed = gk.on_challenge(econ, [WORKER.public], 11)
    owed = gk.on_challenge(owed, [WORKER.public], 12)
    # not the oldest owed challenge: poisoned too
    with pytest.raises(gk.Poisoned):
        gk.on_heartbeat(owed, WORKER.public, 0, (0, 12, 144_000, 100, 0), 13, 156_000)


def test_a_heartbeat_of_another_session_only_answers_the_challenge() -> None:
    econ = gk.on_challenge(
        started(gk.new_economics(default_tokenomic()), WORKER.public), [WORKER.public], 11
    )
    econ = gk.open_block(econ, {WORKER.public: 0}, 12, 144_000)
    after = gk.on_heartbeat(econ, WORKER.public, 1, (0, 11, 132_000, 100, 0), 12, 144_000)
    worker = after.workers[WORKER.public]
    assert worker.waiting_heartbeats == () and not worker.heartbeat_flag
    assert worker.tokenomic == econ.workers[WORKER.public].tokenomic
    assert after.report.settle == ()


def test_unknown_workers_and_non_pallet_parameters_are_ignored() -> None:
    econ = gk.new_economics(default_tokenomic())
    assert gk.on_heartbeat(econ, OTHER.public, 0, (0, 1, 1, 1, 0), 2, 2) is econ
    assert gk.on_started(econ, OTHER.public, ONE, 1, 1, 1) is econ
    assert gk.on_stopped(econ, OTHER.public) is econ
    changed = attrs.evolve(default_tokenomic(), budget_per_block=ONE)
    assert gk.on_parameters_changed(econ, False, changed) is econ
    assert gk.on_parameters_changed(econ, True, changed).params.budget_per_block == ONE


# --- the end of the block [GK-15]..[GK-17] ------------------------------------------------------------


def test_idle_growth_adds_the_whole_delta_to_the_deductible_even_when_capped() -> None:
    info = gk.TokenomicInfo(
        v=PARAMS.v_max, p_bench=fixed.from_int(500), p_instant=fixed.from_int(500)
    )
    grown = gk.idle_growth(info, PARAMS)
    cost = fixed.add(fixed.mul(PARAMS.cost_k, info.p_bench), PARAMS.cost_b)
    delta = fixed.mul(ONE, fixed.add(fixed.mul(PARAMS.rho - ONE, info.v), cost))
    assert grown.v == PARAMS.v_max and grown.v_deductible == delta > 0


def test_offline_after_the_window_then_slashed_then_recovered() -> None:
    key = WORKER.public
    sessions = {key: 0}
    econ = gk.on_challenge(started(gk.new_economics(default_tokenomic()), key), [key], 11)
    for number in range(12, 12 + PARAMS.heartbeat_window):
        econ = gk.open_block(econ, sessions, number, number * 12_000)
        econ, report = gk.close_block(econ, sessions)
        assert report is None and not econ.workers[key].unresponsive  # 11 + window: not yet
    number = 12 + PARAMS.heartbeat_window
    before = econ.workers[key].tokenomic
    econ = gk.open_block(econ, sessions, number, number * 12_000)
    econ, report = gk.close_block(econ, sessions)
    assert report is not None and report.offline == (key,)
    assert econ.workers[key].unresponsive
    assert econ.workers[key].tokenomic.v == fixed.sub(
        before.v, fixed.mul(before.v, PARAMS.slash_rate)
    )
    # no second offline report while unresponsive
    econ = gk.open_block(econ, sessions, number + 1, (number + 1) * 12_000)
    econ, report = gk.close_block(econ, sessions)
    assert report is None
    # the late answer: recovered, nothing paid or settled
    econ = gk.open_block(econ, sessions, number + 2, (number + 2) * 12_000)
    econ = gk.on_heartbeat(
        econ, key, 0, (0, 11, 132_000, 5000, 0), number + 2, (number + 2) * 12_000
    )
    assert econ.report.settle == ()
    econ, report = gk.close_block(econ, sessions)
    assert report is not None and report.recovered_to_online == (key,)
    assert not econ.workers[key].unresponsive and econ.workers[key].tokenomic.v_deductible == 0


def test_the_sum_of_shares_counts_responsive_workers_with_a_session() -> None:
    econ = started(
        started(gk.new_economics(default_tokenomic()), WORKER.public), OTHER.public, 9000
    )
    both = gk.sum_share(econ, {WORKER.public: 0, OTHER.public: 1})
    one = gk.sum_share(econ, {WORKER.public: 0})
    assert both == one + gk.share(econ.workers[OTHER.public].tokenomic)
    quiet = attrs.evolve(econ.workers[OTHER.public], unresponsive=True)
    econ = attrs.evolve(econ, workers=econ.workers.set(OTHER.public, quiet))
    assert gk.sum_share(econ, {WORKER.public: 0, OTHER.public: 1}) == one


# --- through a runtime [GK-3] [GK-19] [GK-20] ------------------------------------------------------------


def block(number: int, *messages: Message) -> SyncedBlock:
    return SyncedBlock(number=number, timestamp_ms=number * 12_000, messages=messages)


def system(event: object) -> Message:
    return Message(PALLET, SYSTEM_EVENT_TOPIC, encode_payload(event))  # type: ignore[arg-type]


def test_a_gatekeeper_runtime_settles_and_signs_its_report_on_the_gatekeeper_channel() -> None:
    runtime = new_runtime(blake2b_256(b"tests/gk"), RuntimeConfig(gatekeeper=True))
    master = dev_keypair("tests/gk/master")
    keys = MasterKeys(history=(RotatedKey(0, 0, master),), active=True, registered=True)
    runtime = attrs.evolve(runtime, keys=keys, queue=set_dummy(runtime.queue, GATEKEEPER, False))
    init_v = fixed.from_int(6000)
    runtime, _ = process_block(
        runtime,
        block(
            1,
            system(WorkerEventWithKey(WORKER.public, Registered(1))),
            system(WorkerEventWithKey(WORKER.public, Started(0, init_v, 500))),
            system(HeartbeatChallenge(seed=hashed_id(WORKER.public), online_target=0)),
        ),
    )
    assert runtime.economics is not None
    assert runtime.economics.workers[WORKER.public].waiting_heartbeats == (1,)
    beat = HeartbeatV2(0, 1, 12_000, 100, 0, 0)
    runtime, egress = process_block(
        runtime,
        block(
            2,
            Message(
                MessageOrigin("Worker", WORKER.public), WORKING_REPORT_TOPIC, encode_payload(beat)
            ),
        ),
    )
    (signed,) = egress
    assert signed.message.sender == GATEKEEPER
    assert signed.message.destination == WORKING_INFO_UPDATE_TOPIC
    assert verify(master.public, signed_bytes(signed.message, signed.sequence), signed.signature)
    report = decode_working_info_update(signed.message.payload)
    assert isinstance(report, WorkingInfoUpdateEvent)
    (settled,) = report.settle
    assert settled.pubkey == WORKER.public and settled.payout > 0
    # Stopped: the final settlement, V with nothing paid
    v = runtime.economics.workers[WORKER.public].tokenomic.v
    runtime, egress = process_block(
        runtime, block(3, system(WorkerEventWithKey(WORKER.public, Stopped())))
    )
    report = decode_working_info_update(egress[0].message.payload)
    assert isinstance(report, WorkingInfoUpdateEvent)
    assert report.settle == (SettleInfo(WORKER.public, v, 0, 0),)


def test_a_poisoned_gatekeeper_halts_as_before_the_block() -> None:
    runtime = new_runtime(blake2b_256(b"tests/gk"), RuntimeConfig(gatekeeper=True))
    runtime, _ = process_block(
        runtime, block(1, system(WorkerEventWithKey(WORKER.public, Registered(1))))
    )
    message = Message(
        MessageOrigin("Worker", WORKER.public),
        WORKING_REPORT_TOPIC,
        encode_payload(HeartbeatV2(0, 1, 1, 1, 0, 0)),
    )
    halted, egress = process_block(runtime, block(2, message))
    assert egress == () and halted.halted is not None
    assert (halted.halted.block, halted.halted.index, halted.halted.sender) == (
        2,
        0,
        message.sender,
    )
    assert "unexpected heartbeat" in halted.halted.reason
    assert attrs.evolve(halted, halted=None) == runtime
    # parameters that cannot be converted poison at their message, from a pallet only
    bad = attrs.evolve(default_tokenomic(), treasury_ratio=2 * ONE)
    changed = Message(
        PALLET, GATEKEEPER_EVENT_TOPIC, encode_payload(TokenomicParametersChanged(bad))
    )
    assert process_block(runtime, block(2, changed))[0].halted is not None
    from_worker = Message(
        MessageOrigin("Worker", WORKER.public), GATEKEEPER_EVENT_TOPIC, changed.payload
    )
    assert process_block(runtime, block(2, from_worker))[0].halted is None


def live_gatekeeper(master: Keypair) -> RuntimeState:
    """A gatekeeper runtime holding ``master``, launched and registered: its channel is live."""
    runtime = new_runtime(blake2b_256(b"tests/gk"), RuntimeConfig(gatekeeper=True))
    keys = MasterKeys(
        history=(RotatedKey(0, 0, master),), active=True, launched=True, registered=True
    )
    return attrs.evolve(runtime, keys=keys, queue=set_dummy(runtime.queue, GATEKEEPER, False))


def test_the_report_is_queued_before_the_beacon() -> None:
    """[GK-19] [KEY-14] [OFF-22]: production closes the economics before it emits the beacon."""
    master = dev_keypair("tests/gk/master")
    runtime = live_gatekeeper(master)
    runtime, _ = process_block(
        runtime,
        block(
            4,
            system(WorkerEventWithKey(WORKER.public, Registered(1))),
            system(WorkerEventWithKey(WORKER.public, Started(0, fixed.from_int(6000), 500))),
            system(HeartbeatChallenge(seed=hashed_id(WORKER.public), online_target=0)),
        ),
    )
    beat = HeartbeatV2(0, 4, 48_000, 100, 0, 0)
    sender = MessageOrigin("Worker", WORKER.public)
    runtime, egress = process_block(
        runtime, block(5, Message(sender, WORKING_REPORT_TOPIC, encode_payload(beat)))
    )
    report, beacon = egress
    assert report.message.destination == WORKING_INFO_UPDATE_TOPIC
    assert beacon.message.destination == GATEKEEPER_EVENT_TOPIC
    assert beacon.sequence == report.sequence + 1
    expected = master_key.next_random_number(master, 5, bytes(32))
    assert decode_gatekeeper_event(beacon.message.payload) == NewRandomNumber(
        5, expected, bytes(32)
    )


def test_gatekeeper_events_go_to_the_economics_or_to_the_beacon_check() -> None:
    """[OFF-32]: new parameters reach the economics [GK-18] and leave the key record alone;
    a beacon is checked by the key life [KEY-15] and leaves the economics alone."""
    master = dev_keypair("tests/gk/master")
    runtime = live_gatekeeper(master)
    new = attrs.evolve(default_tokenomic(), budget_per_block=7 * ONE)
    changed = Message(
        PALLET, GATEKEEPER_EVENT_TOPIC, encode_payload(TokenomicParametersChanged(new))
    )
    after, _ = process_block(runtime, block(1, changed))
    assert after.economics is not None and after.economics.params == gk.gatekeeper_params(new)
    assert after.keys == runtime.keys
    wrong = NewRandomNumber(1, bytes([1]) * 32, bytes(32))
    beacon = Message(GATEKEEPER, GATEKEEPER_EVENT_TOPIC, encode_payload(wrong))
    halted, _ = process_block(runtime, block(1, beacon))
    assert halted.halted is not None and halted.economics == runtime.economics
    right = NewRandomNumber(1, master_key.next_random_number(master, 1, bytes(32)), bytes(32))
    beacon = Message(GATEKEEPER, GATEKEEPER_EVENT_TOPIC, encode_payload(right))
    checked, _ = process_block(runtime, block(1, beacon))
    assert checked.halted is None and checked.economics == runtime.economics


def test_plain_workers_have_no_economics_in_their_data() -> None:
    worker = new_runtime(blake2b_256(b"tests/w"))
    assert worker.economics is None and "economics" not in to_data(worker)
    keeper = new_runtime(blake2b_256(b"tests/gk"), RuntimeConfig(gatekeeper=True))
    assert to_data(keeper)["economics"] == {"params": to_data(PARAMS), "workers": {}}


def test_bench_gatekeeper_section_shape(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--only", "gatekeeper", "--json", str(out)]) == 0
    figures = json.loads(out.read_text())["gatekeeper"]
    assert [m["workers"] for m in figures["measurements"]] == [100, 1_000]
    assert figures["ratios"]["per_worker_cost_large_over_small"] > 0
