"""Authored vectors for the runtime's own rules, one rule a story [OFF-9]..[OFF-24] [GK-11] [GK-22].

Suite ``network``, handler ``runtime``. Each case is a small network ([NET-2])
registered in both crypto settings ([NET-3]): a worker runtime and, where the
rule is a gatekeeper's, one gatekeeper runtime. Root drives the runtimes with
``SystemEvent`` payloads pushed as ``Pallet`` messages ([OFF-16]); where a rule
reads a message no honest runtime sends, the case signs it with the worker's
key and relays it itself. While generating, each case checks the records the
rule leaves, and records them as observations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from phala_spec.chain.computation_payloads import WorkingInfoUpdateEvent, default_tokenomic
from phala_spec.chain.messages import Message, MessageOrigin
from phala_spec.chain.system_payloads import (
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
    SYSTEM_EVENT_TOPIC,
    WORKING_INFO_UPDATE_TOPIC,
    WORKING_REPORT_TOPIC,
    decode_working_info_update,
    encode_payload,
)
from phala_spec.conformance import relaying
from phala_spec.conformance.authoring import CaseBuilder, case_per_crypto, root, signed
from phala_spec.conformance.checks import check
from phala_spec.offchain import gatekeeper as gk
from phala_spec.offchain.pruntime import (
    COMPUTING,
    PAUSED,
    RuntimeState,
    hashed_id,
    heartbeat_hit,
)
from phala_spec.primitives.arith import U256_MAX
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.primitives.fixed import from_literal

SUITE = "network"
HANDLER = "runtime"
SYNC = "PhalaMq.sync_offchain_message"

W1_KEY = "runtime/worker1"
W1 = dev_keypair(W1_KEY)
GK_KEY = "runtime/gatekeeper"
MASTER = dev_keypair("runtime/master")
WORKER = {"name": "worker1", "key": W1_KEY, "role": "worker"}
GATEKEEPER = {"name": "gk", "key": GK_KEY, "role": "gatekeeper"}

Extrinsic = tuple[str, dict[str, Any], dict[str, Any]]


def setup(b: CaseBuilder, setting: str, runtimes: Iterable[dict[str, Any]], **pallets: Any) -> None:
    """A network genesis: the preset's chain with a master key registered, the given runtimes."""
    b.genesis(
        registry={"gatekeeper_master_pubkey": MASTER.public},
        runtimes=list(runtimes),
        crypto=setting,
        **pallets,
    )


def event(what: Any) -> Extrinsic:
    """Root pushes a ``WorkerEventWithKey`` about worker1: a ``Pallet`` sender [MQ-12] [OFF-16]."""
    payload = encode_payload(WorkerEventWithKey(W1.public, what))
    return (
        "PhalaMq.force_push_pallet_message",
        {"destination": SYSTEM_EVENT_TOPIC, "payload": payload},
        root(),
    )


def challenge() -> Extrinsic:
    """A challenge every computing worker answers [OFF-20]."""
    payload = encode_payload(HeartbeatChallenge(seed=0, online_target=U256_MAX))
    return (
        "PhalaMq.force_push_pallet_message",
        {"destination": SYSTEM_EVENT_TOPIC, "payload": payload},
        root(),
    )


def runtime(b: CaseBuilder, name: str) -> RuntimeState:
    found = b.network.runtimes[name]
    check(isinstance(found, RuntimeState), f"{name} runs")
    return found


def working(b: CaseBuilder, name: str) -> str | None:
    record = runtime(b, name).workers[W1.public].working
    return None if record is None else record.state


def ok_block(
    b: CaseBuilder, extrinsics: Iterable[Extrinsic], withheld: Iterable[str] = ()
) -> dict[str, Any]:
    """A network block whose every extrinsic succeeds and in which no runtime halts."""
    report = b.network_block(list(extrinsics), withheld=list(withheld))
    check(all(e["outcome"] == "ok" for e in report["extrinsics"]), "every extrinsic succeeds")
    check(report["halted"] == [], "no runtime halts")
    return report


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("OFF-18", "OFF-16", "OFF-17"))
def unresponsive_events_follow_the_session(b: CaseBuilder, setting: str) -> None:
    """`EnterUnresponsive` pauses only a computing session and `ExitUnresponsive` resumes only a
    paused one; either is ignored by a worker with no session, and by a session already in the
    state it asks for. The worker and the gatekeeper's replica of it follow the same rule."""
    setup(b, setting, [WORKER, GATEKEEPER])
    names = ("worker1", "gk")
    ok_block(b, [event(Registered(confidence_level=1))])
    # No session yet: both events leave the record as it is.
    ok_block(b, [event(EnterUnresponsive()), event(ExitUnresponsive())])
    for name in names:
        check(working(b, name) is None, f"{name}: no session, nothing to pause or resume")
        b.observe("runtime_worker", name, W1.public)
    ok_block(b, [event(Started(session_id=7, init_v=0, init_p=0))])
    # Computing: resuming changes nothing; pausing twice pauses once.
    ok_block(b, [event(ExitUnresponsive())])
    check(all(working(b, n) == COMPUTING for n in names), "a computing session is not resumed")
    ok_block(b, [event(EnterUnresponsive()), event(EnterUnresponsive())])
    check(all(working(b, n) == PAUSED for n in names), "paused")
    ok_block(b, [event(ExitUnresponsive()), event(ExitUnresponsive())])
    check(all(working(b, n) == COMPUTING for n in names), "resumed")
    for name in names:
        b.observe("runtime_worker", name, W1.public)


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("GK-22", "GK-2", "OFF-12"))
def gatekeeper_starts_from_the_chain_parameters(b: CaseBuilder, setting: str) -> None:
    """A gatekeeper runtime starts its economics with the chain's genesis tokenomic parameters,
    not the pallet's defaults: here a 30 % treasury ratio and a 20-block heartbeat window."""
    params = attrs.evolve(
        default_tokenomic(), treasury_ratio=from_literal("0.3"), heartbeat_window=20
    )
    check(params != default_tokenomic(), "the genesis parameters are not the defaults")
    setup(b, setting, [GATEKEEPER], computation={"tokenomic": attrs.asdict(params)})
    ok_block(b, [])
    econ = runtime(b, "gk").economics
    check(econ is not None and econ.params == gk.gatekeeper_params(params), "the chain's")
    b.observe("runtime", "gk")


def heartbeat_message(b: CaseBuilder, setting: str, payload: Any) -> dict[str, Any]:
    """A report on `phala/mining/report` signed with worker1's key, at its next sequence."""
    return relaying.next_message(
        b.chain,
        MessageOrigin("Worker", W1.public),
        WORKING_REPORT_TOPIC,
        encode_payload(payload),
        W1,
        setting,
    )


def computing_and_challenged(b: CaseBuilder, setting: str) -> int:
    """worker1 (withheld: its relayer submits nothing) registered, computing session 1 and hit
    by a challenge; returns the challenge's block."""
    setup(b, setting, [WORKER, GATEKEEPER], balances=[(W1.public, 10**15)])
    ok_block(b, [event(Registered(confidence_level=1))])
    ok_block(b, [event(Started(session_id=1, init_v=0, init_p=0))])
    report = b.network_block([challenge()], withheld=["worker1"])
    check(len(report["egress"].get("worker1", [])) == 1, "worker1 answers the challenge")
    return b.chain.system.block.number


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("OFF-24", "GK-11", "MQ-11"))
def heartbeat_from_an_account_is_not_a_workers(b: CaseBuilder, setting: str) -> None:
    """An account whose id is worker1's public key pushes a heartbeat that answers worker1's
    challenge on `phala/mining/report`: the gatekeeper reads only a `Worker` sender's
    heartbeats, so worker1 still owes the challenge."""
    number = computing_and_challenged(b, setting)
    owed = runtime(b, "gk").economics
    check(owed is not None and owed.workers[W1.public].waiting_heartbeats == (number,), "owed")
    payload = encode_payload(HeartbeatV2(1, number, b.chain.system.block.timestamp, 5, 0, 0))
    ok_block(
        b,
        [
            (
                "PhalaMq.push_message",
                {"destination": WORKING_REPORT_TOPIC, "payload": payload},
                signed(W1.public),
            )
        ],
        withheld=["worker1"],
    )
    econ = runtime(b, "gk").economics
    check(econ is not None and econ.workers[W1.public].waiting_heartbeats == (number,), "owed")
    b.observe("runtime", "gk")


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("OFF-24", "GK-11"))
def heartbeat_with_clusters_marks_contracts_running(b: CaseBuilder, setting: str) -> None:
    """worker1's key signs a `HeartbeatV2` with one cluster for the challenge it owes: the
    gatekeeper records that the worker runs contracts. A second challenge is answered with a
    first-version `Heartbeat`, which counts as no cluster, and the flag falls again."""
    number = computing_and_challenged(b, setting)
    now = b.chain.system.block.timestamp
    first = heartbeat_message(b, setting, HeartbeatV2(1, number, now, 5, 1, 1))
    ok_block(b, [(SYNC, {"signed_message": first}, signed("eve"))], withheld=["worker1"])
    econ = runtime(b, "gk").economics
    check(econ is not None and econ.workers[W1.public].tokenomic.contract_running, "running")
    b.observe("runtime", "gk")
    b.network_block([challenge()], withheld=["worker1"])
    second_block, second_time = b.chain.system.block.number, b.chain.system.block.timestamp
    second = heartbeat_message(b, setting, Heartbeat(1, second_block, second_time, 10))
    ok_block(b, [(SYNC, {"signed_message": second}, signed("eve"))], withheld=["worker1"])
    econ = runtime(b, "gk").economics
    check(econ is not None and not econ.workers[W1.public].tokenomic.contract_running, "none")
    b.observe("runtime", "gk")


def pushed(payload: bytes) -> Extrinsic:
    """Root pushes raw bytes on `phala/system/event` as a `Pallet` sender [MQ-12]."""
    return (
        "PhalaMq.force_push_pallet_message",
        {"destination": SYSTEM_EVENT_TOPIC, "payload": payload},
        root(),
    )


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("OFF-6", "OFF-2", "OFF-17"))
def system_event_with_trailing_bytes(b: CaseBuilder, setting: str) -> None:
    """A `Registered` event about worker1 followed by bytes up to 65 in all (the length of a
    challenge), the last one 1: the bytes after the event's encoding are ignored, and worker1
    records that it is registered."""
    setup(b, setting, [WORKER])
    payload = encode_payload(WorkerEventWithKey(W1.public, Registered(confidence_level=1)))
    padded = payload + b"\x01" * (65 - len(payload))
    check(len(padded) == 65 and padded[0] == 0, "a worker event as long as a challenge")
    ok_block(b, [pushed(padded)])
    check(runtime(b, "worker1").workers[W1.public].registered, "registered")
    b.observe("runtime_worker", "worker1", W1.public)


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("OFF-2", "OFF-6", "OFF-15"))
def challenge_one_byte_short_halts(b: CaseBuilder, setting: str) -> None:
    """A pallet's payload of 64 bytes whose first is the `HeartbeatChallenge` index: one byte
    short of the challenge's 65, so it does not decode, and a pallet's undecodable message
    halts the runtime."""
    setup(b, setting, [WORKER])
    report = b.network_block([pushed(b"\x01" + bytes(range(63)))])
    check(report["halted"] == ["worker1"], "worker1 halts")
    b.observe("runtime", "worker1")


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("OFF-2", "OFF-6", "OFF-15"))
def long_payload_of_no_variant_halts(b: CaseBuilder, setting: str) -> None:
    """A pallet's payload of 65 bytes whose first is 2, no `SystemEvent` variant (its second
    and last bytes are the challenge's index): it does not decode, and the runtime halts."""
    setup(b, setting, [WORKER])
    report = b.network_block([pushed(b"\x02\x01" + bytes(62) + b"\x01")])
    check(report["halted"] == ["worker1"], "worker1 halts")
    b.observe("runtime", "worker1")


def raw_challenge(seed: int, target: int) -> bytes:
    """A `HeartbeatChallenge`'s 65 bytes: the index 1, then seed and target, little-endian."""
    return b"\x01" + seed.to_bytes(32, "little") + target.to_bytes(32, "little")


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("OFF-20", "OFF-2", "OFF-6"))
def challenge_hits_at_the_target(b: CaseBuilder, setting: str) -> None:
    """worker1 computes. A challenge whose seed XOR worker1's hashed id equals the target hits
    it, and it answers; one whose XOR exceeds the target by one misses it, with a byte after
    the challenge's encoding that is ignored."""
    setup(b, setting, [WORKER])
    ok_block(b, [event(Registered(confidence_level=1))])
    ok_block(b, [event(Started(session_id=1, init_v=0, init_p=0))])
    ident = hashed_id(W1.public)
    check(heartbeat_hit(ident, ident ^ 1, 1), "the first challenge hits")
    report = ok_block(b, [pushed(raw_challenge(ident ^ 1, 1))])
    check(len(report["egress"].get("worker1", [])) == 1, "worker1 answers the challenge")
    check(not heartbeat_hit(ident, ident ^ 2, 1), "the second misses")
    report = ok_block(b, [pushed(raw_challenge(ident ^ 2, 1) + b"\x01")])
    check(report["egress"] == {}, "worker1 is not hit")
    b.observe("runtime", "worker1")


# --- A gatekeeper's economics, driven by pushed events and the case's heartbeats [GK-4]..[GK-17] ---

LEVELS = (1, 2, 3, 4, 5, 128, 6)
"""A worker per confidence level: those scoring 1, 0.8 and 0.7, and one outside the table."""
LEVEL_KEYS = tuple(dev_keypair(f"runtime/level{level}") for level in LEVELS)
TINY_BUDGET = 1 << 40
"""A budget per block (U64F64 bits) far below a block's growth of V, so that a payout takes
only part of the deductible V and V after it shows the payout [GK-13]."""


def push_all(*payloads: Any) -> list[Extrinsic]:
    return [
        (
            "PhalaMq.force_push_pallet_message",
            {"destination": SYSTEM_EVENT_TOPIC, "payload": encode_payload(p)},
            root(),
        )
        for p in payloads
    ]


def heartbeats(
    b: CaseBuilder, setting: str, keys: Iterable[Any], payloads: Iterable[Any]
) -> list[Extrinsic]:
    """Each key's heartbeat from its `Worker` origin, at its next sequences in order, relayed
    by eve."""
    extrinsics: list[Extrinsic] = []
    sent: dict[bytes, int] = {}
    for key, payload in zip(keys, payloads, strict=True):
        sender = MessageOrigin("Worker", key.public)
        sequence = b.chain.mq.ingress.get(sender, 0) + sent.get(key.public, 0)
        sent[key.public] = sent.get(key.public, 0) + 1
        message = Message(sender, WORKING_REPORT_TOPIC, encode_payload(payload))
        signature = relaying.signature(key, message, sequence, setting)
        signed_message = relaying.signed_message(message, sequence, signature)
        extrinsics.append((SYNC, {"signed_message": signed_message}, signed("eve")))
    return extrinsics


def gk_economics(b: CaseBuilder) -> gk.Economics:
    econ = runtime(b, "gk").economics
    check(econ is not None, "the gatekeeper runs economics")
    assert econ is not None
    return econ


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("GK-4", "GK-5", "GK-6", "GK-13"))
def payouts_by_confidence_level(b: CaseBuilder, setting: str) -> None:
    """Seven workers, one per confidence level 1, 2, 3, 4, 5, 128 and 6, start with the same
    P and no V; V grows for two blocks and a challenge hits them all. Their heartbeats are
    paid from a tiny budget by share: the levels scoring 1 alike, 4 and 5 less (0.8, 0.7),
    level 6 only for its V (it scores 0). Then the level-6 worker stops, and the others'
    next payouts are shared among them alone."""
    params = attrs.evolve(default_tokenomic(), budget_per_block=TINY_BUDGET)
    setup(b, setting, [GATEKEEPER], computation={"tokenomic": attrs.asdict(params)})
    keys = LEVEL_KEYS
    ok_block(
        b,
        push_all(
            *(
                WorkerEventWithKey(k.public, Registered(level))
                for k, level in zip(keys, LEVELS, strict=True)
            )
        ),
    )
    p = 1_000
    ok_block(
        b,
        push_all(
            *(
                WorkerEventWithKey(k.public, Started(session_id=i, init_v=0, init_p=p))
                for i, k in enumerate(keys, start=1)
            )
        ),
    )
    ok_block(b, push_all(HeartbeatChallenge(seed=0, online_target=U256_MAX)))
    challenge_block, challenge_time = b.chain.system.block.number, b.chain.system.block.timestamp
    before = gk_economics(b).workers
    iterations = 4 * p  # about P per block since the start, under the cap [GK-12]
    ok_block(
        b,
        heartbeats(
            b,
            setting,
            keys,
            [
                HeartbeatV2(i, challenge_block, challenge_time, iterations, 0, 0)
                for i in range(1, len(keys) + 1)
            ],
        ),
    )
    after = gk_economics(b).workers
    paid = [before[k.public].tokenomic.v - after[k.public].tokenomic.v for k in keys]
    for key, amount in zip(keys, paid, strict=True):
        check(
            0 < amount < before[key.public].tokenomic.v_deductible,
            f"a part of the growth paid: {amount}, {before[key.public].tokenomic}",
        )
    check(len(set(paid[:3] + paid[5:6])) == 1, "levels 1, 2, 3 and 128 score alike")
    check(paid[0] > paid[3] > paid[4] > paid[6], "then 0.8, 0.7, and 0 (V alone)")
    b.observe("runtime", "gk")
    # The level-6 worker stops: a record without a session is left out of the sum [GK-6].
    ok_block(
        b,
        push_all(
            WorkerEventWithKey(keys[-1].public, Stopped()),
            HeartbeatChallenge(seed=0, online_target=U256_MAX),
        ),
    )
    challenge_block, challenge_time = b.chain.system.block.number, b.chain.system.block.timestamp
    ok_block(b, [])
    ok_block(
        b,
        heartbeats(
            b,
            setting,
            keys[:-1],
            [
                HeartbeatV2(i, challenge_block, challenge_time, 2 * iterations, 0, 0)
                for i in range(1, len(keys))
            ],
        ),
    )
    b.observe("runtime", "gk")


def live_gatekeeper(b: CaseBuilder, setting: str, params: Any) -> None:
    """Blocks 1 and 2: root registers the gatekeeper runtime's key as a worker and as the first
    gatekeeper; it generates the master key and its reports go out signed with it [KEY-7]."""
    gatekeeper_key = dev_keypair(GK_KEY)
    b.genesis(
        runtimes=[GATEKEEPER],
        crypto=setting,
        computation={"tokenomic": attrs.asdict(params)},
    )
    b.network_block(
        [
            (
                "PhalaRegistry.force_register_worker",
                {
                    "pubkey": gatekeeper_key.public,
                    "ecdh_pubkey": gatekeeper_key.ecdh_public,
                    "operator": None,
                },
                root(),
            ),
            ("PhalaRegistry.register_gatekeeper", {"gatekeeper": gatekeeper_key.public}, root()),
        ]
    )
    b.network_block()
    check(b.chain.registry.gatekeeper_master_pubkey is not None, "the master key is on chain")


def start(keys: Iterable[Any], levels: Iterable[int], p: int, v: int = 0) -> list[Extrinsic]:
    """Root registers each key at its level and starts session 1, 2, ... with V ``v`` and P ``p``."""
    keys = tuple(keys)
    return push_all(
        *(
            WorkerEventWithKey(k.public, Registered(level))
            for k, level in zip(keys, levels, strict=True)
        ),
        *(
            WorkerEventWithKey(k.public, Started(session_id=i, init_v=v, init_p=p))
            for i, k in enumerate(keys, start=1)
        ),
    )


def settled(report: dict[str, Any]) -> list[Any]:
    """The settlements of the gatekeeper's reports signed in the block [GK-19]."""
    found: list[Any] = []
    for signed_message in report["egress"].get("gk", []):
        message = signed_message["message"]
        if message["destination"] == WORKING_INFO_UPDATE_TOPIC:
            decoded = decode_working_info_update(message["payload"])
            check(isinstance(decoded, WorkingInfoUpdateEvent), "a report")
            assert isinstance(decoded, WorkingInfoUpdateEvent)
            found.extend(decoded.settle)
    return found


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("GK-13", "GK-11", "GK-17", "GK-19"))
def heartbeat_after_a_paid_block_pays_nothing(b: CaseBuilder, setting: str) -> None:
    """A live gatekeeper; a worker owes two challenges and answers them in two blocks in a row.
    The first heartbeat is paid; a worker that answered in a block does not grow at its end,
    so the second finds nothing deductible and its settlement pays nothing."""
    live_gatekeeper(b, setting, default_tokenomic())
    key = LEVEL_KEYS[0]
    # No P and a small V (2^-24): the worker's share is its V alone, below one unit, so the
    # block's sum of shares shows in the payout to its last bit [GK-6] [GK-13]; some V stays
    # after the payout.
    b.network_block(start([key], [1], 0, 1 << 40))
    owed = []
    for _ in range(2):
        b.network_block(push_all(HeartbeatChallenge(seed=0, online_target=U256_MAX)))
        owed.append((b.chain.system.block.number, b.chain.system.block.timestamp))
    settlements = []
    for i, (number, time) in enumerate(owed):
        payload = HeartbeatV2(1, number, time, 4_000 * (i + 1), 0, 0)
        report = b.network_block(heartbeats(b, setting, [key], [payload]))
        check(report["halted"] == [], "nobody halts")
        settlements.extend(settled(report))
        b.observe("runtime", "gk")
    check(
        [s.pubkey for s in settlements] == [key.public] * 2
        and settlements[0].payout > 0
        and (settlements[1].payout, settlements[1].treasury) == (0, 0),
        f"paid once: {settlements}",
    )


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("GK-13", "GK-6", "GK-4", "GK-7"))
def heartbeats_with_no_share_are_not_paid(b: CaseBuilder, setting: str) -> None:
    """A live gatekeeper whose `v_max` is 0, so no worker ever has V. Worker A (level 1) and
    workers Z and Y (level 6, scoring 0; Y's P is 2^31) start; the heartbeats of Z and Y find
    a share of 0 and are paid nothing, their deductible growth kept. A and Y stop; the next
    block's sum of shares is 0 (Z alone). Z is registered again at level 1 and then answers
    in the same block: its share is no longer 0, but the block's sum is, and nothing is
    paid."""
    params = attrs.evolve(default_tokenomic(), v_max=0)
    live_gatekeeper(b, setting, params)
    a, z, y = LEVEL_KEYS[0], LEVEL_KEYS[-1], LEVEL_KEYS[-2]
    # Y's P, 2^31, is the smallest whose doubled square reaches one unit (2^64 bits), so that
    # the least confidence above 0 (one bit) would give it a share [GK-5].
    y_p = 1 << 31
    b.network_block(
        [
            *push_all(
                *(
                    WorkerEventWithKey(k.public, Registered(level))
                    for k, level in ((a, 1), (z, 6), (y, 6))
                )
            ),
            *push_all(
                *(
                    WorkerEventWithKey(k.public, Started(session_id=i, init_v=0, init_p=p))
                    for i, (k, p) in enumerate(((a, 1_000), (z, 1_000), (y, y_p)), start=1)
                )
            ),
        ]
    )
    b.network_block(push_all(HeartbeatChallenge(seed=0, online_target=U256_MAX)))
    challenge = (b.chain.system.block.number, b.chain.system.block.timestamp)
    before = gk_economics(b).workers
    # Z counted about P a block; Y four times its P, so its measured P is the cap, 1.2 · 2^31
    # [GK-12].
    report = b.network_block(
        heartbeats(
            b,
            setting,
            [z, y],
            [HeartbeatV2(2, *challenge, 4_000, 0, 0), HeartbeatV2(3, *challenge, 16 * y_p, 0, 0)],
        )
    )
    after = gk_economics(b).workers
    for key in (z, y):
        deductible = before[key.public].tokenomic.v_deductible
        check(deductible > 0 and after[key.public].tokenomic.v_deductible == deductible, "kept")
    check([(s.payout, s.treasury) for s in settled(report)] == [(0, 0)] * 2, "nothing paid")
    b.observe("runtime", "gk")
    b.network_block(
        push_all(
            WorkerEventWithKey(a.public, Stopped()),
            WorkerEventWithKey(y.public, Stopped()),
            HeartbeatChallenge(seed=0, online_target=U256_MAX),
        )
    )
    challenge = (b.chain.system.block.number, b.chain.system.block.timestamp)
    report = b.network_block(
        [
            *push_all(WorkerEventWithKey(z.public, Registered(1))),
            *heartbeats(b, setting, [z], [HeartbeatV2(2, *challenge, 8_000, 0, 0)]),
        ]
    )
    check(report["halted"] == [], "nobody halts")
    econ = gk_economics(b)
    check(econ.workers[z.public].tokenomic.confidence_level == 1, "level 1 now")
    check([(s.payout, s.treasury) for s in settled(report)] == [(0, 0)], "nothing paid")
    b.observe("runtime", "gk")


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("GK-12", "GK-11", "NET-17"))
def heartbeat_with_no_time_passed_keeps_p(b: CaseBuilder, setting: str) -> None:
    """A worker starts, is challenged and answers in three blocks that share one timestamp:
    no time has passed since its last update, so its measured P stays as it was."""
    setup(b, setting, [GATEKEEPER])
    key = LEVEL_KEYS[0]
    b.network_block(start([key], [1], 1_000))
    now = b.chain.system.block.timestamp
    b.network_block(push_all(HeartbeatChallenge(seed=0, online_target=U256_MAX)), timestamp=now)
    challenge = (b.chain.system.block.number, now)
    before = gk_economics(b).workers[key.public].tokenomic
    report = b.network_block(
        heartbeats(b, setting, [key], [HeartbeatV2(1, *challenge, 9_000, 0, 0)]), timestamp=now
    )
    check(report["halted"] == [], "nobody halts")
    after = gk_economics(b).workers[key.public].tokenomic
    check(after.p_instant == before.p_instant, "P kept")
    b.observe("runtime", "gk")


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("GK-11", "GK-8"))
def heartbeat_of_another_session_only_answers(b: CaseBuilder, setting: str) -> None:
    """A worker in session 1 answers its challenge with a heartbeat of session 2: the challenge
    is answered, and nothing else happens (no heartbeat flag, no measured P, no payout)."""
    setup(b, setting, [GATEKEEPER])
    key = LEVEL_KEYS[0]
    b.network_block(start([key], [1], 1_000))
    b.network_block(push_all(HeartbeatChallenge(seed=0, online_target=U256_MAX)))
    challenge = (b.chain.system.block.number, b.chain.system.block.timestamp)
    before = gk_economics(b).workers[key.public]
    report = b.network_block(
        heartbeats(b, setting, [key], [HeartbeatV2(2, *challenge, 4_000, 0, 0)])
    )
    check(report["halted"] == [], "nobody halts")
    after = gk_economics(b).workers[key.public]
    check(
        after.waiting_heartbeats == () and before.waiting_heartbeats == (challenge[0],), "answered"
    )
    check(after.tokenomic.p_instant == before.tokenomic.p_instant, "P not measured")
    b.observe("runtime", "gk")


@case_per_crypto(suite=SUITE, handler=HANDLER, clauses=("GK-15", "GK-10"))
def offline_by_the_oldest_owed_challenge(b: CaseBuilder, setting: str) -> None:
    """A heartbeat window of 2 blocks. A worker is challenged in two blocks in a row and never
    answers: it stays online while its oldest challenge is at most 2 blocks old, and goes
    offline at the end of the block 3 blocks after it, though the newer one is only 2 old."""
    params = attrs.evolve(default_tokenomic(), heartbeat_window=2)
    setup(b, setting, [GATEKEEPER], computation={"tokenomic": attrs.asdict(params)})
    key = LEVEL_KEYS[0]
    b.network_block(start([key], [1], 1_000))
    first = b.chain.system.block.number + 1
    for _ in range(2):
        b.network_block(push_all(HeartbeatChallenge(seed=0, online_target=U256_MAX)))
    check(gk_economics(b).workers[key.public].waiting_heartbeats == (first, first + 1), "owed")
    b.network_block()
    check(b.chain.system.block.number == first + 2, "two blocks after the first challenge")
    check(not gk_economics(b).workers[key.public].unresponsive, "still online")
    b.observe("runtime", "gk")
    b.network_block()
    check(gk_economics(b).workers[key.public].unresponsive, "offline")
    b.observe("runtime", "gk")
