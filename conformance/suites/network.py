"""Authored vectors for the network: chain, runtimes and relayers block by block [NET-1]..[NET-16].

Every case is a multi-block story on a network declared in its genesis
([NET-2]). The chain drives the runtimes the way pallets will: root pushes
``SystemEvent`` payloads on ``phala/system/event`` with
``PhalaMq.force_push_pallet_message`` (a ``Pallet`` sender, which runtimes
obey, [OFF-16]). The runtimes answer with benchmark reports and heartbeats,
their relayers carry them back in the next block, and adversaries add
extrinsics of their own.

Each story is written once and registered in both crypto settings, as
``<name>_real`` and ``<name>_oracle`` ([NET-3]): the runtimes' signatures are
the 64 sr25519 bytes in the first ([CRYPTO-13]: the reference's fixed
witness) and written ``true`` in the second; a
forger's signature is bytes made with the wrong key, or ``false``.

While generating, every case checks what the rules imply: each extrinsic's
outcome in the block report ([NET-10]), which runtimes signed what, replicas'
egress being byte-identical, and the chain's next sequences; the same
quantities are recorded as observations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin
from phala_spec.chain.system_payloads import (
    BenchStart,
    EnterUnresponsive,
    HeartbeatChallenge,
    Registered,
    Started,
    WorkerEventWithKey,
)
from phala_spec.chain.worker_messages import (
    SYSTEM_EVENT_TOPIC,
    WORKING_REPORT_TOPIC,
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
from phala_spec.network import NetworkState
from phala_spec.pallets.mq import ingress
from phala_spec.primitives.arith import U256_MAX
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import Keypair, dev_keypair

SUITE = "network"
MINIMAL = ("minimal",)
BOTH_PRESETS = ("minimal", "phala")

SYNC = "PhalaMq.sync_offchain_message"
FORCE_PUSH = "PhalaMq.force_push_pallet_message"

# The cast: runtime keys and the master key, derived from names [CRYPTO-2].
W1 = dev_keypair("net/worker1")
W2 = dev_keypair("net/worker2")
GK = dev_keypair("net/gatekeeper")  # the identity of the three gatekeeper replicas
MASTER = dev_keypair("net/master")
FORGER = dev_keypair("net/forger")
ADVERSARY = "eve"  # the account an adversarial relayer signs with

RUNTIMES = [
    {"name": "worker1", "key": "net/worker1", "role": "worker"},
    {"name": "worker2", "key": "net/worker2", "role": "worker"},
]
REPLICAS = [
    {"name": f"gk-{x}", "key": "net/gatekeeper", "role": "gatekeeper"} for x in ("a", "b", "c")
]


def worker(key: Keypair) -> MessageOrigin:
    return MessageOrigin("Worker", key.public)


# --- Helpers ---------------------------------------------------------------------------


def setup(b: CaseBuilder, setting: str, runtimes: Iterable[dict[str, Any]] = RUNTIMES) -> None:
    """A network genesis: the preset's chain with the master key registered, the given runtimes."""
    b.genesis(
        registry={"gatekeeper_master_pubkey": MASTER.public},
        runtimes=list(runtimes),
        crypto=setting,
    )


def push(payload: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Root pushes a system event: a ``Pallet("ForcePushed")`` message runtimes obey [MQ-12] [OFF-16]."""
    return (
        FORCE_PUSH,
        {"destination": SYSTEM_EVENT_TOPIC, "payload": encode_payload(payload)},
        root(),
    )


def event(key: Keypair, what: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return push(WorkerEventWithKey(key.public, what))


def challenge(
    online_target: int = U256_MAX, seed: int = 0
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return push(HeartbeatChallenge(seed=seed, online_target=online_target))


def relay(signed_message: Any, who: str = ADVERSARY) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """An extrinsic relaying a signed message (plain data) from any account."""
    return SYNC, {"signed_message": signed_message}, signed(who)


def forged(setting: str, message: Message, sequence: int, key: Keypair = FORGER) -> dict[str, Any]:
    """A signed message whose signature is not the sender's: another key's bytes, or ``false``."""
    signature = relaying.signature(key, message, sequence, setting, valid=False)
    return relaying.signed_message(message, sequence, signature)


def authentic(setting: str, key: Keypair, message: Message, sequence: int) -> dict[str, Any]:
    """A message properly signed by ``key`` (``true`` in the oracle setting)."""
    signature = relaying.signature(key, message, sequence, setting)
    return relaying.signed_message(message, sequence, signature)


def watch(b: CaseBuilder, *senders: MessageOrigin) -> list[tuple[Any, ...]]:
    """Observations: every runtime and its pending egress, then the senders' next sequences."""
    net = b.network
    return [
        *(obs for name in net.names for obs in (("runtime", name), ("pending_egress", name))),
        *(("mq_ingress", to_data(s)) for s in senders),
    ]


def block(
    b: CaseBuilder,
    extrinsics: Sequence[Any] = (),
    *,
    expect: Sequence[tuple[Any, ...]] = (),
    withheld: Sequence[str] = (),
    senders: Sequence[MessageOrigin] = (),
    **context: Any,
) -> dict[str, Any]:
    """One network block; checks the outcome of every extrinsic against ``expect``.

    ``expect`` lists ``(runtime, sequence, outcome)`` for the relayed messages
    followed by ``(None, None, outcome)`` for the other extrinsics, in block
    order [NET-6] [NET-7].
    """
    report = b.network_block(extrinsics, withheld=withheld, **context)
    got = [(e["runtime"], e["sequence"], e["outcome"]) for e in report["extrinsics"]]
    wanted = [tuple(e) for e in expect]
    if got != wanted:
        raise AuthoringError(
            f"block {b.chain.system.block.number}: extrinsics {got}, the rules give {wanted}"
        )
    for entry in report["extrinsics"]:
        if entry["runtime"] is not None and entry["outcome"] == "PhalaMq.BadSequence":
            # [NET-9]: an honest relayer's copy fails only once the chain has the original
            sender = MessageOrigin(entry["sender"]["kind"], entry["sender"]["id"])
            if ingress(b.chain, sender) <= entry["sequence"]:
                raise AuthoringError("a relayed copy failed before the chain had the original")
    for obs in watch(b, *senders):
        b.observe(*obs)
    return report


def egress_of(report: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return list(report["egress"].get(name, []))


def expect_egress(report: dict[str, Any], counts: dict[str, int]) -> None:
    got = {name: len(messages) for name, messages in report["egress"].items()}
    if got != counts:
        raise AuthoringError(f"egress {got}, the rules give {counts}")


def expect_ingress(b: CaseBuilder, sender: MessageOrigin, value: int) -> None:
    got = ingress(b.chain, sender)
    if got != value:
        raise AuthoringError(f"next sequence of {sender.kind} is {got}, the rules give {value}")


def expect_identical(report: dict[str, Any], names: Sequence[str]) -> None:
    """[NET-9] [OFF-23]: replicas sign byte-identical egress."""
    first = egress_of(report, names[0])
    if not first or any(egress_of(report, n) != first for n in names[1:]):
        raise AuthoringError(f"replicas {list(names)} did not sign identical, non-empty egress")


Story = Callable[[CaseBuilder, str], None]


def network_case(
    handler: str, clauses: Sequence[str], presets: Sequence[str] = MINIMAL
) -> Callable[[Story], Story]:
    """Register a story once per crypto setting, as ``<name>_<setting>`` [NET-3]."""
    return case_per_crypto(suite=SUITE, handler=handler, presets=presets, clauses=clauses)


def start_computing(b: CaseBuilder, *keys: Keypair) -> None:
    """Block: register each worker and start a session for it (session ids 1, 2, ...)."""
    extrinsics = [event(k, Registered(confidence_level=1)) for k in keys]
    extrinsics += [
        event(k, Started(session_id=i, init_v=0, init_p=0)) for i, k in enumerate(keys, start=1)
    ]
    report = block(b, extrinsics, expect=[(None, None, "ok")] * len(extrinsics))
    expect_egress(report, {})


# --- Blocks and genesis [NET-1] [NET-2] [NET-4] [NET-8] ----------------------------------


@network_case(
    "network_block",
    ("NET-1", "NET-2", "NET-3", "NET-4", "NET-8", "NET-11", "NET-12"),
    presets=BOTH_PRESETS,
)
def empty_blocks(b: CaseBuilder, setting: str) -> None:
    """Two workers follow three empty blocks, the last one after a gap of block numbers: each
    runtime records the block it processed, signs nothing, and nothing is relayed."""
    setup(b, setting)
    for number in (1, 2, 5):
        report = block(b, number=number)
        expect_egress(report, {})
        if b.network.runtimes["worker1"].last_block != number:
            raise AuthoringError("a runtime records the last block it processed [OFF-13]")
    b.observe("runtimes")


@network_case("network_block", ("NET-7", "NET-10", "CHAIN-9"))
def chain_extrinsics_and_events(b: CaseBuilder, setting: str) -> None:
    """A network block carries ordinary extrinsics after the relayers': a transfer succeeds and
    its events are the step's events; an overdraft fails and changes nothing; the report lists
    both outcomes in block order."""
    setup(b, setting)
    alice, bob = b.account("alice"), b.account("bob")
    report = block(
        b,
        [
            ("Balances.transfer_allow_death", {"dest": bob, "value": 5}, signed(alice)),
            ("Balances.transfer_allow_death", {"dest": bob, "value": 2_000}, signed(alice)),
        ],
        expect=[(None, None, "ok"), (None, None, "Token.FundsUnavailable")],
    )
    expect_egress(report, {})
    b.observe("balance", alice)
    b.observe("balance", bob)


# --- Relaying [NET-5] [NET-6] [NET-8] --------------------------------------------------


@network_case(
    "relay",
    ("NET-5", "NET-6", "NET-8", "NET-10", "NET-13", "OFF-22", "MQ-10"),
    presets=BOTH_PRESETS,
)
def bench_report_relayed_next_block(b: CaseBuilder, setting: str) -> None:
    """A worker told to benchmark for one block signs its report while processing the next
    block; the report is pending for one block, then its relayer submits it with
    `sync_offchain_message` and the chain accepts it (sequence 0, next 1). The worker's queue is
    purged after the block and nothing more is submitted."""
    setup(b, setting)
    w1 = worker(W1)
    report = block(
        b,
        [event(W1, Registered(confidence_level=1)), event(W1, BenchStart(duration=1))],
        expect=[(None, None, "ok")] * 2,
        senders=[w1],
    )
    expect_egress(report, {})
    report = block(b, senders=[w1])
    expect_egress(report, {"worker1": 1})
    block(b, expect=[("worker1", 0, "ok")], senders=[w1])
    expect_ingress(b, w1, 1)
    report = block(b, senders=[w1])
    expect_egress(report, {})


@network_case("relay", ("NET-5", "CHAIN-11", "REG-13", "MQ-10"))
def panicking_report_is_left_out_until_it_can_be_included(b: CaseBuilder, setting: str) -> None:
    """Blocks 1 ms apart: the worker's benchmark report reaches the chain less than a second
    after it started, where production divides by zero and panics. The relayer's extrinsic is
    left out of the block (outcome Panic, ingress stays 0); the same message is relayed again in
    the next block, a second later, and accepted (sequence 0, next 1)."""
    setup(b, setting)
    w1 = worker(W1)
    block(
        b,
        [event(W1, Registered(confidence_level=1)), event(W1, BenchStart(duration=1))],
        expect=[(None, None, "ok")] * 2,
        senders=[w1],
        timestamp=1_000,
    )
    report = block(b, senders=[w1], timestamp=1_001)
    expect_egress(report, {"worker1": 1})
    block(b, expect=[("worker1", 0, "Panic")], senders=[w1], timestamp=1_002)
    expect_ingress(b, w1, 0)
    block(b, expect=[("worker1", 0, "ok")], senders=[w1], timestamp=3_000)
    expect_ingress(b, w1, 1)


@network_case("relay", ("NET-6", "NET-8", "OFF-20", "OFF-21", "OFF-24", "MQ-13"))
def heartbeat_round_trip(b: CaseBuilder, setting: str) -> None:
    """Two computing workers hit by a challenge each sign a heartbeat; the next block relays both
    (runtimes in name order) to `phala/mining/report`, an off-chain topic, so the heartbeats are
    in that block's outbound messages; the gatekeeper runtime, subscribed to the topic, reads
    them and signs nothing. A third challenge with target 0 hits no one."""
    setup(b, setting, [*RUNTIMES, REPLICAS[0]])
    w1, w2 = worker(W1), worker(W2)
    start_computing(b, W1, W2)
    report = block(b, [challenge()], expect=[(None, None, "ok")])
    expect_egress(report, {"worker1": 1, "worker2": 1})
    report = block(
        b,
        [challenge(online_target=0)],
        expect=[("worker1", 0, "ok"), ("worker2", 0, "ok"), (None, None, "ok")],
        senders=[w1, w2],
    )
    expect_egress(report, {})
    b.observe("mq_outbound")
    topics = [m.destination for m in b.chain.mq.outbound]
    if topics != [WORKING_REPORT_TOPIC, WORKING_REPORT_TOPIC, SYSTEM_EVENT_TOPIC]:
        raise AuthoringError(f"outbound topics {topics}")


@network_case("relay", ("NET-6", "NET-9", "NET-13", "NET-16"))
def withheld_relayer_catches_up(b: CaseBuilder, setting: str) -> None:
    """A worker's relayer is withheld for two blocks while the worker keeps signing heartbeats:
    the messages stay pending and the chain accepts none; when the relayer is back it submits
    all three in sequence order in one block, and all are accepted."""
    setup(b, setting)
    w1 = worker(W1)
    start_computing(b, W1)
    block(b, [challenge()], expect=[(None, None, "ok")])
    block(b, [challenge()], expect=[(None, None, "ok")], withheld=["worker1"], senders=[w1])
    block(b, [challenge()], expect=[(None, None, "ok")], withheld=["worker1"], senders=[w1])
    expect_ingress(b, w1, 0)
    if len(b.network.runtimes["worker1"].queue.channels[w1].messages) != 3:
        raise AuthoringError("three heartbeats are pending")
    block(
        b, expect=[("worker1", 0, "ok"), ("worker1", 1, "ok"), ("worker1", 2, "ok")], senders=[w1]
    )
    expect_ingress(b, w1, 3)


@network_case("relay", ("NET-6", "NET-9", "MQ-10", "OFF-10"))
def anyone_may_relay(b: CaseBuilder, setting: str) -> None:
    """While a worker's own relayer is withheld, another account relays its pending heartbeat
    (the pending egress as observed): the chain accepts it, since any account may relay. The
    worker purges it after the block, so its returning relayer has nothing to submit."""
    setup(b, setting)
    w1 = worker(W1)
    start_computing(b, W1)
    report = block(b, [challenge()], expect=[(None, None, "ok")])
    (heartbeat,) = egress_of(report, "worker1")
    block(b, [relay(heartbeat)], expect=[(None, None, "ok")], withheld=["worker1"], senders=[w1])
    expect_ingress(b, w1, 1)
    block(b, expect=[], senders=[w1])


# --- Replicas [NET-9] ------------------------------------------------------------------


@network_case("replicas", ("NET-9", "NET-16", "OFF-23", "MQ-10", "MQ-23"), presets=BOTH_PRESETS)
def three_gatekeeper_replicas_race(b: CaseBuilder, setting: str) -> None:
    """Three gatekeeper replicas (one key, one configuration) follow the same blocks: registered,
    benchmarking and computing, they sign byte-identical egress (a heartbeat, then a benchmark
    report). Their three relayers submit each message in the same block: the first submission
    (gk-a's) is accepted and the other two fail with `PhalaMq.BadSequence`, changing nothing.
    After the block every replica has purged its copy and nothing is submitted again."""
    setup(b, setting, [*REPLICAS, RUNTIMES[0]])
    gk = worker(GK)
    names = [r["name"] for r in REPLICAS]
    report = block(
        b,
        [
            event(GK, Registered(confidence_level=1)),
            event(GK, BenchStart(duration=1)),
            event(GK, Started(session_id=1, init_v=0, init_p=0)),
        ],
        expect=[(None, None, "ok")] * 3,
    )
    expect_egress(report, {})
    report = block(b, [challenge()], expect=[(None, None, "ok")])
    expect_egress(report, {name: 2 for name in names})  # the heartbeat, then the report
    expect_identical(report, names)
    race = [
        (name, seq, "ok" if name == "gk-a" else "PhalaMq.BadSequence")
        for name in names
        for seq in (0, 1)
    ]
    block(b, expect=race, senders=[gk])
    expect_ingress(b, gk, 2)
    block(b, expect=[], senders=[gk])


@network_case("replicas", ("NET-9", "NET-6", "NET-16"))
def withheld_replica_loses_nothing(b: CaseBuilder, setting: str) -> None:
    """The first replica's relayer is withheld: the second replica's copy is accepted and the
    third's fails with `PhalaMq.BadSequence`. The withheld replica purges its copy after the
    block all the same, so when its relayer returns there is nothing to submit."""
    setup(b, setting, REPLICAS)
    gk = worker(GK)
    start_computing(b, GK)
    report = block(b, [challenge()], expect=[(None, None, "ok")])
    expect_identical(report, [r["name"] for r in REPLICAS])
    block(
        b,
        expect=[("gk-b", 0, "ok"), ("gk-c", 0, "PhalaMq.BadSequence")],
        withheld=["gk-a"],
        senders=[gk],
    )
    block(b, expect=[], senders=[gk])


# --- Adversarial relayers [NET-7] [NET-9] [NET-16] ----------------------------------------


@network_case("adversary", ("NET-7", "NET-9", "NET-16", "MQ-10", "MQ-23"))
def replayed_egress_is_rejected(b: CaseBuilder, setting: str) -> None:
    """An adversary replays a worker's heartbeat after the chain accepted it, in the same block
    and in a later one: both copies fail with `PhalaMq.BadSequence` and change nothing."""
    setup(b, setting)
    w1 = worker(W1)
    start_computing(b, W1)
    report = block(b, [challenge()], expect=[(None, None, "ok")])
    (heartbeat,) = egress_of(report, "worker1")
    block(
        b,
        [relay(heartbeat)],
        expect=[("worker1", 0, "ok"), (None, None, "PhalaMq.BadSequence")],
        senders=[w1],
    )
    block(b, [relay(heartbeat)], expect=[(None, None, "PhalaMq.BadSequence")], senders=[w1])
    expect_ingress(b, w1, 1)


@network_case("adversary", ("NET-7", "NET-16", "MQ-10", "MQ-23"))
def reordered_egress(b: CaseBuilder, setting: str) -> None:
    """With the worker's relayer withheld, an adversary submits the worker's two pending messages
    in the wrong order: the later sequence fails with `PhalaMq.BadSequence`, the earlier is
    accepted. The worker's relayer then submits the remaining one, which is accepted: nothing is
    lost and nothing is accepted out of order."""
    setup(b, setting)
    w1 = worker(W1)
    report = block(
        b,
        [
            event(W1, Registered(confidence_level=1)),
            event(W1, Started(session_id=1, init_v=0, init_p=0)),
            event(W1, BenchStart(duration=1)),
        ],
        expect=[(None, None, "ok")] * 3,
    )
    report = block(b, [challenge()], expect=[(None, None, "ok")])
    first, second = egress_of(report, "worker1")
    block(
        b,
        [relay(second), relay(first)],
        expect=[(None, None, "PhalaMq.BadSequence"), (None, None, "ok")],
        withheld=["worker1"],
        senders=[w1],
    )
    block(b, expect=[("worker1", 1, "ok")], senders=[w1])
    expect_ingress(b, w1, 2)


@network_case("adversary", ("NET-16", "MQ-9", "MQ-10", "MQ-22", "CHAIN-9"))
def forged_worker_message(b: CaseBuilder, setting: str) -> None:
    """An adversary submits a heartbeat in a worker's name signed with another key (`false` in
    the oracle setting) before the worker's own: it fails with `PhalaRegistry.InvalidSignature`
    and changes nothing; the worker's authentic message is accepted in the next block."""
    setup(b, setting)
    w1 = worker(W1)
    start_computing(b, W1)
    report = block(b, [challenge()], expect=[(None, None, "ok")])
    (heartbeat,) = egress_of(report, "worker1")
    message = Message(w1, heartbeat["message"]["destination"], heartbeat["message"]["payload"])
    block(
        b,
        [relay(forged(setting, message, 0))],
        expect=[(None, None, "PhalaRegistry.InvalidSignature")],
        withheld=["worker1"],
        senders=[w1],
    )
    b.observe("mq_outbound")
    block(b, expect=[("worker1", 0, "ok")], senders=[w1])


@network_case("adversary", ("NET-16", "MQ-8", "MQ-9", "MQ-22"))
def impersonated_gatekeeper(b: CaseBuilder, setting: str) -> None:
    """An adversary submits a `Gatekeeper` message signed with a worker's key instead of the
    master key (`false` in the oracle setting): `PhalaRegistry.InvalidSignature`, nothing
    dispatched. The same message signed with the master key is accepted (sequence 0)."""
    setup(b, setting)
    message = Message(GATEKEEPER, b"phala/gatekeeper/event", b"\x00")
    block(
        b,
        [relay(forged(setting, message, 0, W1)), relay(authentic(setting, MASTER, message, 0))],
        expect=[(None, None, "PhalaRegistry.InvalidSignature"), (None, None, "ok")],
        senders=[GATEKEEPER],
    )
    expect_ingress(b, GATEKEEPER, 1)
    b.observe("mq_outbound")


# --- Halting [OFF-15] [NET-5] ------------------------------------------------------------


@network_case("halt", ("NET-5", "NET-8", "NET-10", "NET-12", "OFF-15", "OFF-16"))
def poison_message_halts_every_runtime(b: CaseBuilder, setting: str) -> None:
    """A self-made worker key puts an undecodable payload on `phala/system/event`. The chain
    accepts it (it checks only the signature), and every runtime halts on it, since a `Worker`
    sender is always well formed (production panics). A well-formed system event from that key
    is merely ignored (not a pallet). worker1 had a heartbeat pending: its halted queue is no
    longer purged, yet its relayer submits the heartbeat once and stops once the chain has it."""
    setup(b, setting, [*RUNTIMES, REPLICAS[0]])
    w1, rogue = worker(W1), worker(FORGER)
    start_computing(b, W1)
    report = block(b, [challenge()], expect=[(None, None, "ok")])
    expect_egress(report, {"worker1": 1})
    ignored = Message(
        rogue,
        SYSTEM_EVENT_TOPIC,
        encode_payload(WorkerEventWithKey(W2.public, EnterUnresponsive())),
    )
    poison = Message(rogue, SYSTEM_EVENT_TOPIC, b"\xff")
    report = block(
        b,
        [relay(authentic(setting, FORGER, ignored, 0))],
        expect=[(None, None, "ok")],
        withheld=["worker1"],
        senders=[w1, rogue],
    )
    expect_egress(report, {})
    report = block(
        b,
        [relay(authentic(setting, FORGER, poison, 1))],
        expect=[(None, None, "ok")],
        withheld=["worker1"],
        senders=[w1, rogue],
    )
    if report["halted"] != ["gk-a", "worker1", "worker2"]:
        raise AuthoringError(f"halted {report['halted']}")
    block(b, expect=[("worker1", 0, "ok")], senders=[w1, rogue])
    block(b, expect=[], senders=[w1, rogue])
    net = b.network
    if not isinstance(net, NetworkState) or net.runtimes["worker1"].last_block != 3:
        raise AuthoringError("a halted runtime processes nothing more")


@network_case("halt", ("MQ-6", "MQ-11", "OFF-15", "OFF-16", "NET-14"))
def undecodable_payload_from_an_account_is_skipped(b: CaseBuilder, setting: str) -> None:
    """An account pushes a payload that does not decode on `phala/system/event` with
    `PhalaMq.push_message`: an `AccountId` sender is not always well formed, so every runtime
    skips the message and goes on. Root's `Registered` event for worker1, later in the same
    block, is applied: worker1's record of itself is registered, and so is the gatekeeper's
    (a gatekeeper tracks every worker); worker2 keeps no record of worker1. Nobody halts."""
    setup(b, setting, [*RUNTIMES, REPLICAS[0]])
    garbage = ("PhalaMq.push_message", {"destination": SYSTEM_EVENT_TOPIC, "payload": b"\xff"})
    report = block(
        b,
        [(*garbage, signed(ADVERSARY)), event(W1, Registered(confidence_level=1))],
        expect=[(None, None, "ok"), (None, None, "ok")],
    )
    if report["halted"]:
        raise AuthoringError(f"halted {report['halted']}: an account's garbage is skipped [MQ-6]")
    expect_egress(report, {})
    for name in ("worker1", "gk-a"):
        record = b.network.runtimes[name].workers.get(W1.public)
        if record is None or not record.registered:
            raise AuthoringError(f"{name} applied the event after the skipped message")
        b.observe("runtime_worker", name, W1.public)
    if W1.public in b.network.runtimes["worker2"].workers:
        raise AuthoringError("a plain worker tracks only itself [OFF-17]")
    b.observe("runtime_worker", "worker2", W1.public)


@network_case("network_block", ("NET-17", "NET-4", "NET-8"))
def blocks_without_time_passing(b: CaseBuilder, setting: str) -> None:
    """A run of three empty blocks 0 ms apart: block numbers advance, the timestamp stays (it
    may not decrease, it need not grow), and every runtime follows them."""
    setup(b, setting)
    block(b, number=1)
    start = b.chain.system.block.timestamp
    summary = b.network_blocks(3, interval=0)
    if summary["last"] != 4 or b.chain.system.block.timestamp != start:
        raise AuthoringError(f"blocks 2..4 at the same time, not {summary}")
    if b.network.runtimes["worker1"].last_block != 4:
        raise AuthoringError("the runtimes followed the run")
    b.observe("runtimes")


@network_case("network_block", ("NET-17", "NET-4"))
def a_run_of_one_block(b: CaseBuilder, setting: str) -> None:
    """The shortest run [NET-17]: `network_blocks` with a count of one is one empty block after
    genesis, block 1 one block time later; its summary counts one block, the last is block 1."""
    setup(b, setting)
    summary = b.network_blocks(1)
    if summary["blocks"] != 1 or summary["last"] != 1:
        raise AuthoringError(f"a run of one block is block 1, not {summary}")
    if b.network.runtimes["worker1"].last_block != 1:
        raise AuthoringError("the runtimes followed the run")
    b.observe("runtime", "worker1")
