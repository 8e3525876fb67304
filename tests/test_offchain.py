"""[OFF-1]..[OFF-24]: the off-chain runtime, its payloads and its send queue."""

import hashlib
import struct

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phala_spec import digest
from phala_spec.chain.messages import (
    GATEKEEPER,
    Message,
    MessageOrigin,
    pallet_origin,
    signed_bytes,
)
from phala_spec.chain.registry_payloads import BenchReport, MasterPubkey
from phala_spec.chain.system_payloads import (
    BenchScore,
    BenchStart,
    EnterUnresponsive,
    ExitUnresponsive,
    Heartbeat,
    HeartbeatChallenge,
    HeartbeatV2,
    Registered,
    Started,
    Stopped,
    WorkerEventWithKey,
)
from phala_spec.chain.worker_messages import (
    REGISTRY_EVENT_TOPIC,
    SYSTEM_EVENT_TOPIC,
    WORKING_REPORT_TOPIC,
    DecodeFailure,
    decode_payload,
    decode_registry_event,
    decode_system_event,
    decode_working_report,
    encode_payload,
    kind_of,
    message_of,
    topic_of,
)
from phala_spec.offchain.pruntime import (
    COMPUTING,
    PAUSED,
    RuntimeConfig,
    SendQueue,
    SyncedBlock,
    WorkerState,
    WorkingState,
    enqueue,
    hashed_id,
    heartbeat_hit,
    new_runtime,
    on_heartbeat_challenge,
    open_channel,
    pending,
    pending_egress,
    process_block,
    purge,
    set_dummy,
    worker_origin,
)
from phala_spec.primitives import crypto
from phala_spec.primitives.arith import U256_MAX

REGISTRY = pallet_origin("PhalaRegistry")
COMPUTATION = pallet_origin("PhalaComputation")
RATE = 1_000
BLOCK_MS = 12_000
SEED = crypto.dev_keypair("worker-1").seed
OTHER = crypto.dev_keypair("worker-2").public


def ts(number):
    return 1_700_000_000_000 + number * BLOCK_MS


def block(number, *messages, ingress=None):
    return SyncedBlock(number, ts(number), tuple(messages), ingress or {})


def sys(pubkey, event, sender=REGISTRY):
    return message_of(sender, WorkerEventWithKey(pubkey, event))


def challenge(seed, target, sender=COMPUTATION):
    return message_of(sender, HeartbeatChallenge(seed, target))


def independent_hashed_id(pubkey):
    return int.from_bytes(hashlib.blake2b(pubkey, digest_size=32).digest(), "big")


def run(runtime, *blocks):
    egress = []
    for b in blocks:
        runtime, out = process_block(runtime, b)
        egress.append(out)
    return runtime, egress


def computing_runtime(start=3, session_id=7, seed=SEED, config=None):
    """A worker registered at block 1 and computing from block ``start``."""
    runtime = new_runtime(seed, config or RuntimeConfig(iterations_per_block=RATE))
    pk = runtime.pubkey
    runtime, _ = run(
        runtime,
        block(1, sys(pk, Registered(1))),
        block(start, sys(pk, Started(session_id, 2**64, 100), sender=COMPUTATION)),
    )
    return runtime


# --- Payloads [OFF-1]..[OFF-6] ------------------------------------------------------

u32s = st.integers(0, 2**32 - 1)
u64s = st.integers(0, 2**64 - 1)
keys = st.binary(min_size=32, max_size=32)
worker_events = st.one_of(
    st.builds(Registered, st.integers(0, 255)),
    st.builds(BenchStart, u32s),
    st.builds(BenchScore, u32s),
    st.builds(Started, u32s, st.integers(0, 2**128 - 1), u32s),
    st.just(Stopped()),
    st.just(EnterUnresponsive()),
    st.just(ExitUnresponsive()),
)
payloads = st.one_of(
    st.builds(WorkerEventWithKey, keys, worker_events),
    st.builds(HeartbeatChallenge, st.integers(0, U256_MAX), st.integers(0, U256_MAX)),
    st.builds(Heartbeat, u32s, u32s, u64s, u64s),
    st.builds(HeartbeatV2, u32s, u32s, u64s, u64s, u32s, u32s),
    st.builds(BenchReport, u64s, u64s),
    st.builds(MasterPubkey, keys),
)


@given(payloads, st.binary(max_size=8))
def test_payloads_round_trip_and_ignore_trailing_bytes(payload, trailing):
    encoded = encode_payload(payload)
    assert decode_payload(kind_of(payload), encoded) == payload
    assert decode_payload(kind_of(payload), encoded + trailing) == payload


@given(
    st.sampled_from(["SystemEvent", "WorkingReportEvent", "RegistryEvent"]), st.binary(max_size=120)
)
def test_decoding_never_raises(kind, data):
    result = decode_payload(kind, data)
    assert (
        isinstance(result, DecodeFailure)
        or encode_payload(result) == data[: len(encode_payload(result))]
    )


def test_worker_event_layout():
    pk = bytes(range(32))
    prefix = b"\x00" + pk  # SystemEvent::WorkerEvent, then the public key
    assert encode_payload(WorkerEventWithKey(pk, Registered(3))) == prefix + b"\x00\x03"
    assert encode_payload(WorkerEventWithKey(pk, BenchStart(8))) == prefix + b"\x01" + struct.pack(
        "<I", 8
    )
    assert encode_payload(
        WorkerEventWithKey(pk, BenchScore(500))
    ) == prefix + b"\x02" + struct.pack("<I", 500)
    assert encode_payload(WorkerEventWithKey(pk, Started(9, 2**64 + 5, 77))) == (
        prefix
        + b"\x03"
        + struct.pack("<I", 9)
        + (2**64 + 5).to_bytes(16, "little")
        + struct.pack("<I", 77)
    )
    assert encode_payload(WorkerEventWithKey(pk, Stopped())) == prefix + b"\x04"
    assert encode_payload(WorkerEventWithKey(pk, EnterUnresponsive())) == prefix + b"\x05"
    assert encode_payload(WorkerEventWithKey(pk, ExitUnresponsive())) == prefix + b"\x06"


def test_heartbeat_challenge_layout_is_little_endian_u256():
    seed, target = 2**255 + 1, 2**200 + 3
    assert encode_payload(HeartbeatChallenge(seed, target)) == (
        b"\x01" + seed.to_bytes(32, "little") + target.to_bytes(32, "little")
    )


def test_report_and_registry_layouts():
    assert encode_payload(HeartbeatV2(1, 2, 3, 4, 5, 6)) == b"\x01" + struct.pack(
        "<IIQQII", 1, 2, 3, 4, 5, 6
    )
    assert encode_payload(Heartbeat(1, 2, 3, 4)) == b"\x00" + struct.pack("<IIQQ", 1, 2, 3, 4)
    assert encode_payload(BenchReport(12_000, 9)) == b"\x00" + struct.pack("<QQ", 12_000, 9)
    assert encode_payload(MasterPubkey(b"\x07" * 32)) == b"\x01" + b"\x07" * 32


def test_topic_bindings():
    pk = bytes(32)
    assert topic_of(WorkerEventWithKey(pk, Stopped())) == b"phala/system/event"
    assert topic_of(HeartbeatChallenge(0, 0)) == b"phala/system/event"
    assert topic_of(HeartbeatV2(0, 0, 0, 0, 0, 0)) == b"phala/mining/report"
    assert topic_of(BenchReport(0, 0)) == b"^phala/registry/event"
    message = message_of(REGISTRY, WorkerEventWithKey(pk, Stopped()))
    assert message == Message(
        REGISTRY, SYSTEM_EVENT_TOPIC, encode_payload(WorkerEventWithKey(pk, Stopped()))
    )


def test_malformed_payloads_are_typed_failures():
    pk = bytes(32)
    assert isinstance(decode_system_event(b""), DecodeFailure)
    assert isinstance(decode_system_event(b"\x02"), DecodeFailure)  # no variant 2
    assert isinstance(
        decode_system_event(b"\x00" + pk + b"\x07"), DecodeFailure
    )  # no WorkerEvent 7
    assert isinstance(
        decode_system_event(b"\x00" + pk + b"\x01\x08\x00"), DecodeFailure
    )  # short u32
    assert isinstance(decode_working_report(b"\x01" + bytes(31)), DecodeFailure)
    assert isinstance(decode_registry_event(b"\x01" + bytes(31)), DecodeFailure)


def test_payload_fields_are_range_checked():
    with pytest.raises(ValueError):
        Registered(256)
    with pytest.raises(ValueError):
        HeartbeatChallenge(U256_MAX + 1, 0)
    with pytest.raises(ValueError):
        WorkerEventWithKey(b"short", Stopped())


# --- Send queue [OFF-7]..[OFF-11] -----------------------------------------------------

KEY = crypto.dev_keypair("queue")
ME = worker_origin(KEY.public)


def test_enqueue_signs_with_current_sequence_and_advances():
    queue = open_channel(SendQueue(), ME)
    signed = []
    for i in range(3):
        queue, message = enqueue(queue, ME, WORKING_REPORT_TOPIC, bytes([i]), KEY)
        signed.append(message)
    assert [m.sequence for m in signed] == [0, 1, 2]
    for m in signed:
        assert m.message == Message(ME, WORKING_REPORT_TOPIC, bytes([m.sequence]))
        assert crypto.verify(KEY.public, signed_bytes(m.message, m.sequence), m.signature)
    assert queue.channels[ME].sequence == 3
    assert pending(queue) == ((ME, tuple(signed)),)


def test_enqueue_does_not_mutate_and_requires_an_open_channel():
    queue = open_channel(SendQueue(), ME)
    enqueue(queue, ME, WORKING_REPORT_TOPIC, b"x", KEY)
    assert queue.channels[ME].sequence == 0 and queue.channels[ME].messages == ()
    with pytest.raises(KeyError):
        enqueue(SendQueue(), ME, WORKING_REPORT_TOPIC, b"x", KEY)


def test_dummy_channel_counts_but_drops():
    queue = open_channel(SendQueue(), GATEKEEPER, dummy=True)
    for _ in range(2):
        queue, message = enqueue(queue, GATEKEEPER, b"phala/gatekeeper/event", b"x", KEY)
        assert message is None
    assert queue.channels[GATEKEEPER].sequence == 2
    assert pending(queue) == ()
    queue = set_dummy(queue, GATEKEEPER, False)
    queue, message = enqueue(queue, GATEKEEPER, b"phala/gatekeeper/event", b"y", KEY)
    assert message is not None and message.sequence == 2


def test_reopening_a_channel_keeps_it():
    queue = open_channel(SendQueue(), ME)
    queue, _ = enqueue(queue, ME, WORKING_REPORT_TOPIC, b"x", KEY)
    assert open_channel(queue, ME, dummy=True) == queue


@given(st.integers(0, 6), st.integers(0, 6))
def test_purge_drops_exactly_the_accepted_sequences(sent, accepted):
    queue = open_channel(open_channel(SendQueue(), ME), GATEKEEPER)
    for i in range(sent):
        queue, _ = enqueue(queue, ME, WORKING_REPORT_TOPIC, bytes([i]), KEY)
        queue, _ = enqueue(queue, GATEKEEPER, WORKING_REPORT_TOPIC, bytes([i]), KEY)
    purged = purge(queue, {ME: accepted})
    assert [m.sequence for m in purged.channels[ME].messages] == list(range(accepted, sent))
    assert purged.channels[GATEKEEPER] == queue.channels[GATEKEEPER]  # absent sender: floor 0
    assert purged.channels[ME].sequence == sent


def test_pending_orders_senders_by_encoding():
    queue = SendQueue()
    for sender in (ME, GATEKEEPER):
        queue = open_channel(queue, sender)
        queue, _ = enqueue(queue, sender, WORKING_REPORT_TOPIC, b"x", KEY)
    senders = [sender for sender, _ in pending(queue)]
    assert senders == sorted(senders, key=lambda s: s.encode())


# --- The hit rule [OFF-20] --------------------------------------------------------------


@given(keys)
def test_hashed_id_is_big_endian_blake2b(pk):
    assert hashed_id(pk) == independent_hashed_id(pk)


def test_hashed_id_example_of_the_spec():
    assert (
        hashed_id(bytes(32)) == 0x89EB0D6A8A691DAE2CD15ED0369931CE0A949ECAFA5C3F93F8121833646E15C3
    )


@given(keys, st.integers(0, U256_MAX), st.integers(0, U256_MAX))
def test_hit_rule_matches_independent_computation(pk, seed, target):
    expected = (independent_hashed_id(pk) ^ seed) <= target
    assert heartbeat_hit(hashed_id(pk), seed, target) == expected


@given(keys, st.integers(0, U256_MAX))
def test_hit_boundary(pk, seed):
    distance = independent_hashed_id(pk) ^ seed
    assert heartbeat_hit(hashed_id(pk), seed, distance)  # target equal: hit
    if distance > 0:
        assert not heartbeat_hit(hashed_id(pk), seed, distance - 1)  # one below: miss
    assert heartbeat_hit(hashed_id(pk), seed, U256_MAX)


def test_hit_rule_reads_the_hash_big_endian_not_little_endian():
    pk = bytes(32)
    digest_bytes = hashlib.blake2b(pk, digest_size=32).digest()
    little = int.from_bytes(digest_bytes, "little")
    # XOR against the little-endian reading leaves a large distance: a miss at target 0.
    assert not heartbeat_hit(hashed_id(pk), little, 0)
    assert heartbeat_hit(hashed_id(pk), int.from_bytes(digest_bytes, "big"), 0)


def test_challenge_requires_registration_and_computing():
    pk = bytes(32)
    b = block(5)
    hit_all = HeartbeatChallenge(0, U256_MAX)
    working = WorkerState(pk, registered=True)
    computing = attrs.evolve(working, working=WorkingState(1, COMPUTING, 0, 0))
    assert on_heartbeat_challenge(computing, hit_all, b, 0) is not None
    assert on_heartbeat_challenge(attrs.evolve(computing, registered=False), hit_all, b, 0) is None
    paused = attrs.evolve(computing, working=WorkingState(1, PAUSED, 0, 0))
    assert on_heartbeat_challenge(paused, hit_all, b, 0) is None
    assert on_heartbeat_challenge(working, hit_all, b, 0) is None


# --- The runtime [OFF-12]..[OFF-24] --------------------------------------------------------


def test_new_runtime():
    runtime = new_runtime(SEED)
    pk = crypto.keypair_from_seed(SEED).public
    assert runtime.pubkey == pk
    assert dict(runtime.workers) == {pk: WorkerState(pk)}
    assert runtime.queue.channels[worker_origin(pk)].dummy is False
    assert GATEKEEPER not in runtime.queue.channels
    gk = new_runtime(SEED, RuntimeConfig(gatekeeper=True))
    assert gk.queue.channels[GATEKEEPER].dummy is True
    assert runtime.last_block == 0 and runtime.halted is None


def test_benchmark_reports_after_duration():
    runtime = new_runtime(SEED, RuntimeConfig(iterations_per_block=RATE))
    pk = runtime.pubkey
    runtime, out = run(runtime, block(2, sys(pk, Registered(1)), sys(pk, BenchStart(8))))
    assert out == [()]
    assert runtime.worker.registered
    runtime, out = run(runtime, *[block(n) for n in range(3, 10)])
    assert all(o == () for o in out)  # blocks 3..9: 7 blocks elapsed < 8
    runtime, (egress,) = run(runtime, block(10))
    assert len(egress) == 1
    report = egress[0]
    assert report.message.sender == worker_origin(pk)
    assert report.message.destination == REGISTRY_EVENT_TOPIC
    assert decode_registry_event(report.message.payload) == BenchReport(
        start_time=ts(2), iterations=8 * RATE
    )
    assert report.sequence == 0
    assert crypto.verify(pk, signed_bytes(report.message, 0), report.signature)
    assert runtime.worker.bench is None
    runtime, out = run(runtime, block(11))
    assert out == [()]


def test_benchmark_of_zero_blocks_reports_in_the_same_block():
    runtime = new_runtime(SEED)
    pk = runtime.pubkey
    runtime, (egress,) = run(runtime, block(4, sys(pk, Registered(1)), sys(pk, BenchStart(0))))
    assert [decode_registry_event(m.message.payload) for m in egress] == [BenchReport(ts(4), 0)]


def test_benchmark_across_a_gap_of_block_numbers():
    runtime = new_runtime(SEED, RuntimeConfig(iterations_per_block=RATE))
    pk = runtime.pubkey
    runtime, _ = run(runtime, block(1, sys(pk, Registered(1)), sys(pk, BenchStart(3))))
    runtime, (egress,) = run(runtime, block(20))
    assert decode_registry_event(egress[0].message.payload) == BenchReport(ts(1), 19 * RATE)


def test_heartbeat_on_hit():
    runtime = computing_runtime(start=3, session_id=7)
    runtime, (egress,) = run(runtime, block(9, challenge(0, U256_MAX)))
    assert len(egress) == 1
    message = egress[0].message
    assert message.sender == worker_origin(runtime.pubkey)
    assert message.destination == WORKING_REPORT_TOPIC
    assert decode_working_report(message.payload) == HeartbeatV2(
        session_id=7,
        challenge_block=9,
        challenge_time=ts(9),
        iterations=6 * RATE,
        n_clusters=0,
        n_contracts=0,
    )


def test_heartbeat_hit_and_miss_at_the_target_boundary():
    runtime = computing_runtime()
    distance = independent_hashed_id(runtime.pubkey) ^ 12345
    _, (hit,) = run(runtime, block(5, challenge(12345, distance)))
    _, (miss,) = run(runtime, block(5, challenge(12345, distance - 1)))
    assert len(hit) == 1 and miss == ()


def test_paused_worker_is_not_challenged_until_it_exits():
    runtime = computing_runtime(start=3)
    pk = runtime.pubkey
    runtime, (out,) = run(
        runtime, block(4, sys(pk, EnterUnresponsive(), COMPUTATION), challenge(0, U256_MAX))
    )
    assert out == () and runtime.worker.working.state == PAUSED
    runtime, (out,) = run(
        runtime, block(5, sys(pk, ExitUnresponsive(), COMPUTATION), challenge(0, U256_MAX))
    )
    assert len(out) == 1 and runtime.worker.working.state == COMPUTING
    # iterations still count from the session start (block 3)
    assert decode_working_report(out[0].message.payload).iterations == 2 * RATE


def test_unresponsive_transitions_only_from_the_matching_state():
    runtime = computing_runtime()
    pk = runtime.pubkey
    same, _ = run(runtime, block(4, sys(pk, ExitUnresponsive(), COMPUTATION)))
    assert same.worker == runtime.worker
    idle = new_runtime(SEED)
    idle2, _ = run(idle, block(4, sys(idle.pubkey, EnterUnresponsive(), COMPUTATION)))
    assert idle2.worker.working is None


def test_stopped_worker_is_not_challenged():
    runtime = computing_runtime()
    runtime, (out,) = run(
        runtime, block(4, sys(runtime.pubkey, Stopped(), COMPUTATION), challenge(0, U256_MAX))
    )
    assert out == () and runtime.worker.working is None


def test_unregistered_worker_is_not_challenged():
    runtime = new_runtime(SEED)
    pk = runtime.pubkey
    runtime, (out,) = run(
        runtime, block(2, sys(pk, Started(1, 0, 0), COMPUTATION), challenge(0, U256_MAX))
    )
    assert out == ()


def test_heartbeat_and_bench_report_in_one_block_are_in_order():
    runtime = computing_runtime(start=3)
    pk = runtime.pubkey
    runtime, (out,) = run(runtime, block(5, sys(pk, BenchStart(0)), challenge(0, U256_MAX)))
    assert [m.message.destination for m in out] == [WORKING_REPORT_TOPIC, REGISTRY_EVENT_TOPIC]
    assert [m.sequence for m in out] == [0, 1]


def test_plain_worker_ignores_events_about_others():
    runtime = new_runtime(SEED)
    after, _ = run(runtime, block(1, sys(OTHER, Registered(1)), sys(OTHER, BenchStart(0))))
    assert after.workers == runtime.workers


def test_gatekeeper_tracks_registered_workers_only():
    gk = new_runtime(SEED, RuntimeConfig(gatekeeper=True))
    third = crypto.dev_keypair("worker-3").public
    gk, (out,) = run(
        gk,
        block(
            1,
            sys(OTHER, Registered(2)),
            sys(OTHER, BenchStart(0)),
            sys(third, BenchStart(5)),  # unknown and not Registered: ignored
            sys(OTHER, Started(4, 0, 0), COMPUTATION),
            challenge(0, U256_MAX),
        ),
    )
    assert set(gk.workers) == {gk.pubkey, OTHER}
    tracked = gk.workers[OTHER]
    assert tracked.registered and tracked.bench is None  # the 0-block benchmark ended
    assert tracked.working == type(tracked.working)(4, COMPUTING, ts(1), 0)
    assert out == ()  # nothing is emitted for other workers


def test_system_events_from_non_pallets_are_ignored():
    runtime = new_runtime(SEED)
    pk = runtime.pubkey
    account = MessageOrigin("AccountId", b"\x01" * 32)
    for sender in (account, worker_origin(OTHER), GATEKEEPER):
        after, _ = run(runtime, block(1, sys(pk, Registered(1), sender=sender)))
        assert not after.worker.registered


def test_delivery_is_by_exact_topic():
    runtime = new_runtime(SEED)
    pk = runtime.pubkey
    good = sys(pk, Registered(1))
    for topic in (
        b"^phala/system/event",
        b"phala/system/event/",
        b"phala/system",
        b"phala/system/Event",
    ):
        after, _ = run(runtime, block(1, attrs.evolve(good, destination=topic)))
        assert not after.worker.registered
        assert after.halted is None
    after, _ = run(runtime, block(1, good))
    assert after.worker.registered


def test_undecodable_message_from_a_well_formed_sender_halts():
    runtime = computing_runtime(start=3)
    pk = runtime.pubkey
    garbage = Message(REGISTRY, SYSTEM_EVENT_TOPIC, b"\x09")
    halted, (out,) = run(
        runtime, block(5, challenge(0, U256_MAX), sys(pk, Stopped(), COMPUTATION), garbage)
    )
    assert out == ()
    assert halted.halted is not None
    assert (halted.halted.block, halted.halted.index, halted.halted.sender) == (5, 2, REGISTRY)
    assert attrs.evolve(halted, halted=None) == runtime  # nothing of the block took effect
    again, outs = run(halted, block(6, challenge(0, U256_MAX)), block(7))
    assert again == halted and outs == [(), ()]
    assert digest(halted) != digest(runtime)  # the halt is part of the state


def test_synced_block_checks_its_ranges_and_freezes_its_messages():
    with pytest.raises(ValueError):
        SyncedBlock(2**32, 0)
    with pytest.raises(ValueError):
        SyncedBlock(1, 2**64)
    message = sys(bytes(32), Stopped())
    assert SyncedBlock(1, 0, [message]).messages == (message,)


@pytest.mark.parametrize("kind", ["Worker", "Gatekeeper"])
def test_undecodable_message_from_workers_and_the_gatekeeper_halts(kind):
    sender = worker_origin(OTHER) if kind == "Worker" else GATEKEEPER
    runtime, _ = run(new_runtime(SEED), block(1, Message(sender, SYSTEM_EVENT_TOPIC, b"")))
    assert runtime.halted is not None and runtime.halted.sender == sender


@pytest.mark.parametrize("kind", ["AccountId", "Contract", "Cluster", "MultiLocation"])
def test_undecodable_message_from_other_senders_is_skipped(kind):
    sender = MessageOrigin(kind, b"\x05" * 32)
    runtime = new_runtime(SEED)
    pk = runtime.pubkey
    runtime, _ = run(
        runtime, block(1, Message(sender, SYSTEM_EVENT_TOPIC, b"\xff"), sys(pk, Registered(1)))
    )
    assert runtime.halted is None and runtime.worker.registered and runtime.last_block == 1


def test_malformed_message_on_unsubscribed_topic_is_never_decoded():
    runtime = new_runtime(SEED)
    for topic in (
        WORKING_REPORT_TOPIC,
        REGISTRY_EVENT_TOPIC,
        b"phala/gatekeeper/launch",
        b"phala/gatekeeper/change",
        b"phala/gatekeeper/event",
    ):
        after, _ = run(runtime, block(1, Message(REGISTRY, topic, b"\xff")))
        assert after.halted is None


def test_every_runtime_decodes_the_key_topic():
    """[KEY-16]: a worker runtime subscribes to ``phala/gatekeeper/key`` too, so garbage there
    from an always-well-formed sender halts it [OFF-15]."""
    runtime = new_runtime(SEED)
    after, _ = run(runtime, block(1, Message(REGISTRY, b"phala/gatekeeper/key", b"\xff")))
    assert after.halted is not None and after.halted.destination == b"phala/gatekeeper/key"


def test_gatekeeper_decodes_reports_and_halts_on_garbage():
    gk = new_runtime(SEED, RuntimeConfig(gatekeeper=True))
    bad_report = Message(worker_origin(OTHER), WORKING_REPORT_TOPIC, b"\x01\x00")
    good_report = message_of(worker_origin(OTHER), HeartbeatV2(1, 1, 1, 1, 0, 0))
    ok, _ = run(gk, block(1, good_report))
    assert ok.halted is None and ok.last_block == 1
    halted, _ = run(gk, block(1, bad_report))
    assert halted.halted is not None
    plain, _ = run(new_runtime(SEED), block(1, bad_report))
    assert plain.halted is None


def test_process_block_purges_by_ingress():
    runtime = computing_runtime()
    runtime, (first,) = run(runtime, block(4, challenge(0, U256_MAX)))
    runtime, (second,) = run(runtime, block(5, challenge(0, U256_MAX)))
    me = worker_origin(runtime.pubkey)
    assert pending_egress(runtime) == ((me, first + second),)
    assert [m.sequence for m in first + second] == [0, 1]
    runtime, _ = run(runtime, block(6, ingress={me: 1}))
    assert pending_egress(runtime) == ((me, second),)
    runtime, _ = run(runtime, block(7, ingress={me: 2}))
    assert pending_egress(runtime) == ()


def test_already_processed_blocks_change_nothing():
    runtime = computing_runtime(start=3)
    b = block(4, challenge(0, U256_MAX))
    once, _ = run(runtime, b)
    twice, (out,) = run(once, b)
    assert twice is once and out == ()
    older, (out,) = run(once, block(2, challenge(0, U256_MAX)))
    assert older is once and out == ()


def test_gatekeeper_channel_stays_dummy():
    gk = computing_runtime(config=RuntimeConfig(gatekeeper=True))
    assert gk.queue.channels[GATEKEEPER].dummy
    assert all(sender != GATEKEEPER for sender, _ in pending_egress(gk))


# --- Determinism [OFF-23] ----------------------------------------------------------------

event_steps = st.lists(
    st.one_of(
        st.builds(lambda e: ("event", e), worker_events),
        st.builds(
            lambda s, t: ("challenge", s, t), st.integers(0, U256_MAX), st.integers(0, U256_MAX)
        ),
        st.builds(lambda d: ("garbage", d), st.binary(max_size=4)),
        st.just(("challenge", 0, U256_MAX)),
        st.just(("empty",)),
    ),
    max_size=12,
)


def _blocks_of(steps, pk):
    blocks = []
    for number, step in enumerate(steps, start=1):
        if step[0] == "event":
            messages = (sys(pk, step[1]),)
        elif step[0] == "challenge":
            messages = (challenge(step[1], step[2]),)
        elif step[0] == "garbage":
            messages = (
                Message(MessageOrigin("AccountId", bytes(32)), SYSTEM_EVENT_TOPIC, step[1]),
            )
        else:
            messages = ()
        blocks.append(block(number, *messages))
    return blocks


@settings(max_examples=60)
@given(event_steps)
def test_same_identity_same_blocks_same_egress(steps):
    pk = crypto.keypair_from_seed(SEED).public
    prefix = [("event", Registered(1)), ("event", Started(1, 0, 0)), ("event", BenchStart(0))]
    blocks = _blocks_of([*prefix, *steps], pk)
    a, egress_a = run(new_runtime(SEED), *blocks)
    b, egress_b = run(new_runtime(SEED), *blocks)
    assert any(egress_a)  # at least the benchmark report
    encode = [[(m.message.encode(), m.sequence, m.signature) for m in out] for out in egress_a]
    assert encode == [
        [(m.message.encode(), m.sequence, m.signature) for m in out] for out in egress_b
    ]
    assert digest(a) == digest(b)
    # re-feeding every block changes nothing
    again, egress_again = run(a, *blocks)
    assert again is a and all(out == () for out in egress_again)


def test_different_identities_sign_differently():
    other_seed = crypto.dev_keypair("worker-9").seed
    out = []
    for seed in (SEED, other_seed):
        runtime = computing_runtime(seed=seed)
        _, (egress,) = run(runtime, block(4, challenge(0, U256_MAX)))
        out.append(egress[0])
    assert out[0].message.sender != out[1].message.sender
    assert out[0].signature != out[1].signature
