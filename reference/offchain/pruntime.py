"""The off-chain runtime (pRuntime) as a pure state machine [OFF-7]..[OFF-30].

A runtime follows the chain block by block: it is handed each block's
outbound messages and the chain's next expected sequence per off-chain sender,
replays the messages addressed to it, and emits signed egress that a relayer
submits back with ``PhalaMq.sync_offchain_message``. Its output depends on its
identity, its configuration and the blocks, and on nothing else: no clock, no
randomness, no benchmark thread.

Entry points: :func:`new_runtime`, :func:`process_block`, :func:`pending`.
The send queue (:func:`open_channel`, :func:`enqueue`, :func:`purge`) and the
worker state machine (:func:`on_worker_event`, :func:`on_heartbeat_challenge`,
:func:`on_block_end`) are usable on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import immutables

from ..chain.computation_payloads import TokenomicParametersChanged, default_tokenomic
from ..chain.key_payloads import KeyDistribution
from ..chain.messages import (
    GATEKEEPER,
    Message,
    MessageOrigin,
    SignedMessage,
    next_sequence,
    signed_bytes,
    topic_is_offchain,
)
from ..chain.phat_payloads import (
    CLUSTER_EVENT_TOPIC,
    CLUSTER_KEY_TOPIC,
    CONTRACT_OP_TOPIC,
    ClusterOperation,
    DeployCluster,
    InstantiateCode,
    decode_cluster_event,
    decode_cluster_operation,
    decode_contract_operation,
)
from ..chain.registry_payloads import BenchReport, GatekeeperChange, GatekeeperLaunch
from ..chain.state import TokenomicParams
from ..chain.system_payloads import (
    BenchStart,
    EnterUnresponsive,
    ExitUnresponsive,
    HeartbeatChallenge,
    HeartbeatV2,
    Registered,
    Started,
    Stopped,
    SystemEvent,
    WorkerEvent,
    WorkerEventWithKey,
    WorkingReportEvent,
)
from ..chain.worker_messages import (
    GATEKEEPER_CHANGE_TOPIC,
    GATEKEEPER_EVENT_TOPIC,
    GATEKEEPER_KEY_TOPIC,
    GATEKEEPER_LAUNCH_TOPIC,
    SYSTEM_EVENT_TOPIC,
    WORKING_REPORT_TOPIC,
    DecodeFailure,
    NewRandomNumber,
    Payload,
    decode_gatekeeper_change,
    decode_gatekeeper_event,
    decode_gatekeeper_launch,
    decode_key_distribution,
    decode_system_event,
    decode_working_report,
    encode_payload,
    topic_of,
)
from ..primitives.arith import U32_MAX, U64_MAX
from ..primitives.codec import blake2b_256, to_data
from ..primitives.crypto import Keypair, keypair_from_seed, sign
from ..primitives.records import evolve
from ..primitives.types import is_unsigned
from . import cluster as phat_cluster
from . import cluster_keys, master_key
from . import gatekeeper as economics
from .cluster import Exit, HostedCluster, OpenChannel, Report, SendAs
from .master_key import MASTER_KEY_INFO as MASTER_KEY_INFO
from .master_key import Count, Halt, Live, MasterKeys, Outcome, Send

COMPUTING = "Computing"
PAUSED = "Paused"

# The reference's benchmark speed when the configuration does not say [OFF-19].
DEFAULT_ITERATIONS_PER_BLOCK = 1_000


def worker_origin(pubkey: bytes) -> MessageOrigin:
    """The origin of a worker's own messages: ``Worker(pubkey)``."""
    return MessageOrigin("Worker", pubkey)


# --- Send queue [OFF-7]..[OFF-11] ------------------------------------------------


@attrs.frozen
class Channel:
    """One sender's egress channel: next sequence, dummy flag, pending messages in order [OFF-7]."""

    sequence: int = 0
    dummy: bool = False
    messages: tuple[SignedMessage, ...] = ()


def _channels() -> immutables.Map[MessageOrigin, Channel]:
    return immutables.Map()


def _ingress() -> immutables.Map[MessageOrigin, int]:
    return immutables.Map()


def _as_messages(value: Iterable[Message]) -> tuple[Message, ...]:
    return tuple(value)


def _as_keys(value: Iterable[bytes]) -> tuple[bytes, ...]:
    return tuple(value)


def _as_ingress(value: Mapping[MessageOrigin, int]) -> immutables.Map[MessageOrigin, int]:
    # The chain's own persistent map is kept as is (no copy per block).
    return value if isinstance(value, immutables.Map) else immutables.Map(value)


@attrs.frozen
class SendQueue:
    """The runtime's egress: one channel per sender origin [OFF-7]."""

    channels: immutables.Map[MessageOrigin, Channel] = attrs.field(factory=_channels)

    def __data__(self) -> list[Any]:
        # Channels in the order of their senders' SCALE encodings, so the plain
        # data (and a digest of it) does not depend on map iteration order.
        return [
            {"sender": to_data(sender), **to_data(channel)}
            for sender, channel in sorted(self.channels.items(), key=lambda kv: kv[0].encode())
        ]


def open_channel(queue: SendQueue, sender: MessageOrigin, dummy: bool = False) -> SendQueue:
    """Open ``sender``'s channel at sequence 0, live or dummy; an open channel is kept as is [OFF-7]."""
    if sender in queue.channels:
        return queue
    return SendQueue(queue.channels.set(sender, Channel(dummy=dummy)))


def set_dummy(queue: SendQueue, sender: MessageOrigin, dummy: bool) -> SendQueue:
    """Switch an open channel between dummy and live; the sequence is kept [OFF-9]."""
    channel = queue.channels[sender]
    return SendQueue(queue.channels.set(sender, evolve(channel, dummy=dummy)))


def enqueue(
    queue: SendQueue, sender: MessageOrigin, destination: bytes, payload: bytes, signer: Keypair
) -> tuple[SendQueue, SignedMessage | None]:
    """Sign and queue a message with the channel's current sequence, then advance it [OFF-8] [OFF-9].

    Returns the new queue and the signed message, or ``None`` when the channel
    is dummy: the sequence advances but the message is dropped. Raises
    ``KeyError`` if the channel was never opened.
    """
    channel = queue.channels[sender]
    sequence = channel.sequence
    if channel.dummy:
        counted = evolve(channel, sequence=next_sequence(sequence))
        return SendQueue(queue.channels.set(sender, counted)), None
    message = Message(sender=sender, destination=destination, payload=payload)
    signed = SignedMessage(
        message=message, sequence=sequence, signature=sign(signer, signed_bytes(message, sequence))
    )
    updated = Channel(
        sequence=next_sequence(sequence), dummy=False, messages=(*channel.messages, signed)
    )
    return SendQueue(queue.channels.set(sender, updated)), signed


def skip(queue: SendQueue, sender: MessageOrigin, count: int) -> SendQueue:
    """Advance a dummy channel by ``count`` sequence numbers without sending [OFF-9] [KEY-10]."""
    channel = queue.channels[sender]
    if count == 0:
        return queue
    assert channel.dummy, "only a dummy channel counts without sending"
    return SendQueue(queue.channels.set(sender, evolve(channel, sequence=channel.sequence + count)))


def purge(queue: SendQueue, next_sequence_for: Mapping[MessageOrigin, int]) -> SendQueue:
    """Drop every queued message the chain has already accepted [OFF-10].

    A message is dropped when its sequence is below the chain's next expected
    sequence for its sender (``OffchainIngress``, absent = 0).
    """
    channels = queue.channels
    for sender, channel in queue.channels.items():
        floor = next_sequence_for.get(sender, 0)
        if not channel.messages or channel.messages[0].sequence >= floor:
            continue
        kept = tuple(m for m in channel.messages if m.sequence >= floor)
        channels = channels.set(sender, evolve(channel, messages=kept))
    return queue if channels is queue.channels else SendQueue(channels)


def pending(queue: SendQueue) -> tuple[tuple[MessageOrigin, tuple[SignedMessage, ...]], ...]:
    """Pending egress grouped by sender, senders ordered by SCALE encoding, messages by sequence [OFF-11]."""
    return tuple(
        (sender, channel.messages)
        for sender, channel in sorted(queue.channels.items(), key=lambda kv: kv[0].encode())
        if channel.messages
    )


# --- Worker state machine [OFF-17]..[OFF-22] --------------------------------------


def hashed_id(pubkey: bytes) -> int:
    """The worker's challenge identity: BLAKE2b-256 of the public key read as a big-endian U256 [OFF-20]."""
    return int.from_bytes(blake2b_256(pubkey), "big")


def heartbeat_hit(worker_hashed_id: int, seed: int, online_target: int) -> bool:
    """A challenge hits a worker iff ``hashed_id XOR seed <= online_target`` (all U256) [OFF-20]."""
    return (worker_hashed_id ^ seed) <= online_target


@attrs.frozen
class BenchState:
    """A running benchmark: where it started (block, ms, counter) and how many blocks it lasts [OFF-18]."""

    start_block: int
    start_time: int
    start_iter: int
    duration: int


@attrs.frozen
class WorkingState:
    """A computing session as the worker sees it [OFF-18]."""

    session_id: int
    state: str  # COMPUTING or PAUSED
    start_time: int
    start_iter: int


@attrs.frozen
class WorkerState:
    """What a runtime knows about one worker [OFF-17]."""

    pubkey: bytes
    registered: bool = False
    bench: BenchState | None = None
    working: WorkingState | None = None
    hashed_id: int = attrs.field(init=False)

    @hashed_id.default
    def _hashed_id(self) -> int:
        return hashed_id(self.pubkey)


def _as_version(value: Iterable[int] | None) -> tuple[int, int] | None:
    if value is None:
        return None
    major, minor = value
    return major, minor


@attrs.frozen
class SyncedBlock:
    """What a runtime reads from one verified chain block [OFF-13].

    ``messages`` are the block's ``PhalaMq::OutboundMessages`` in order;
    ``ingress`` is ``OffchainIngress`` after the block (next sequence per sender);
    ``gatekeepers`` is the chain's gatekeeper list after the block [KEY-13];
    ``pink_system_code`` and ``pink_runtime_version`` are the chain's
    ``PinkSystemCode`` (its code, empty if none) and ``PinkRuntimeVersion``
    after the block, which a worker reads when it creates a cluster.
    """

    number: int
    timestamp_ms: int
    messages: tuple[Message, ...] = attrs.field(default=(), converter=_as_messages)
    ingress: immutables.Map[MessageOrigin, int] = attrs.field(
        factory=_ingress, converter=_as_ingress
    )
    gatekeepers: tuple[bytes, ...] = attrs.field(default=(), converter=_as_keys)
    pink_system_code: bytes = b""
    pink_runtime_version: tuple[int, int] | None = attrs.field(default=None, converter=_as_version)

    def __attrs_post_init__(self) -> None:
        if not is_unsigned(self.number, U32_MAX):
            raise ValueError("a block number is a u32")
        if not is_unsigned(self.timestamp_ms, U64_MAX):
            raise ValueError("a timestamp is a u64 of milliseconds")


def on_worker_event(
    worker: WorkerState, event: WorkerEvent, block: SyncedBlock, counter: int
) -> WorkerState:
    """Apply a ``WorkerEvent`` about this worker [OFF-18]; ``counter`` is the bench counter now [OFF-19]."""
    match event:
        case Registered():
            return evolve(worker, registered=True)
        case BenchStart(duration=duration):
            bench = BenchState(block.number, block.timestamp_ms, counter, duration)
            return evolve(worker, bench=bench)
        case Started(session_id=session_id):
            working = WorkingState(session_id, COMPUTING, block.timestamp_ms, counter)
            return evolve(worker, working=working)
        case Stopped():
            return evolve(worker, working=None)
        case EnterUnresponsive() if (
            worker.working is not None and worker.working.state == COMPUTING
        ):
            return evolve(worker, working=evolve(worker.working, state=PAUSED))
        case ExitUnresponsive() if worker.working is not None and worker.working.state == PAUSED:
            return evolve(worker, working=evolve(worker.working, state=COMPUTING))
    return worker  # BenchScore, and Enter/ExitUnresponsive in any other state


def on_heartbeat_challenge(
    worker: WorkerState,
    challenge: HeartbeatChallenge,
    block: SyncedBlock,
    counter: int,
    n_clusters: int = 0,
    n_contracts: int = 0,
) -> HeartbeatV2 | None:
    """The heartbeat a challenge demands of this worker, if it hits [OFF-20] [OFF-21].

    Only a registered worker whose session is computing (not paused) can be
    hit; the report carries the challenge block, its time, the iterations
    counted since the session started, and the clusters and contracts the
    worker hosts.
    """
    working = worker.working
    if not worker.registered or working is None or working.state != COMPUTING:
        return None
    if not heartbeat_hit(worker.hashed_id, challenge.seed, challenge.online_target):
        return None
    return HeartbeatV2(
        session_id=working.session_id,
        challenge_block=block.number,
        challenge_time=block.timestamp_ms,
        iterations=counter - working.start_iter,
        n_clusters=n_clusters,
        n_contracts=n_contracts,
    )


def on_block_end(
    worker: WorkerState, block: SyncedBlock, counter: int
) -> tuple[WorkerState, BenchReport | None]:
    """End of block: a benchmark that has run ``duration`` blocks ends with its report [OFF-22]."""
    bench = worker.bench
    if bench is None or block.number - bench.start_block < bench.duration:
        return worker, None
    report = BenchReport(start_time=bench.start_time, iterations=counter - bench.start_iter)
    return evolve(worker, bench=None), report


# --- Runtime state [OFF-12] ------------------------------------------------------


@attrs.frozen
class RuntimeConfig:
    """A runtime's configuration [OFF-12] [OFF-19]."""

    iterations_per_block: int = DEFAULT_ITERATIONS_PER_BLOCK
    gatekeeper: bool = False

    def __attrs_post_init__(self) -> None:
        # Keeps every counter value below 2^64 for any u32 block number.
        if not is_unsigned(self.iterations_per_block, U32_MAX):
            raise ValueError("iterations_per_block must be in 0..=2^32-1")


@attrs.frozen
class RuntimeHalted:
    """Why a runtime stopped [OFF-15] [GK-20].

    An undecodable payload from an always-well-formed sender, or a poisoned
    gatekeeper: ``index``, ``sender`` and ``destination`` name the message
    that halted it, and are ``None`` when the end of the block did.
    """

    block: int
    index: int | None
    sender: MessageOrigin | None
    destination: bytes | None
    reason: str


@attrs.frozen
class RuntimeExited:
    """The worker process exited: its cluster was destroyed or it was removed from it
    [PHAT-60].

    Like a halt ([OFF-15]) it stops the runtime for good and nothing of the
    block takes effect; ``index``, ``sender`` and ``destination`` name the
    message it exited on.
    """

    block: int
    index: int
    sender: MessageOrigin
    destination: bytes
    reason: str

    def __data__(self) -> dict[str, Any]:
        return {
            "kind": "exit",
            "block": self.block,
            "index": self.index,
            "sender": to_data(self.sender),
            "destination": self.destination,
            "reason": self.reason,
        }


RuntimeStop = RuntimeHalted | RuntimeExited


def _workers() -> immutables.Map[bytes, WorkerState]:
    return immutables.Map()


@attrs.frozen
class RuntimeState:
    """One pRuntime: identity, configuration, tracked workers, egress, progress, and the Phat
    cluster it hosts, if any [OFF-12]."""

    identity: Keypair
    config: RuntimeConfig
    workers: immutables.Map[bytes, WorkerState] = attrs.field(factory=_workers)
    queue: SendQueue = SendQueue()
    last_block: int = 0
    halted: RuntimeStop | None = None
    keys: MasterKeys = attrs.field(factory=MasterKeys)
    economics: economics.Economics | None = None
    cluster: HostedCluster | None = None

    def __data__(self) -> dict[str, Any]:
        # A plain worker has no economics, and its plain data no such field [GK-1]; a runtime
        # that hosts no cluster has no cluster field [PHAT-54].
        data = {f.name: to_data(getattr(self, f.name)) for f in attrs.fields(RuntimeState)}
        if self.economics is None:
            del data["economics"]
        if self.cluster is None:
            del data["cluster"]
        return data

    @property
    def pubkey(self) -> bytes:
        return self.identity.public

    @property
    def master_key(self) -> Keypair | None:
        """The master key in force, if the runtime holds the gatekeeper role [OFF-28] [KEY-1]."""
        return self.keys.current

    @property
    def master_pubkey_on_chain(self) -> bool:
        """Holds the role and the chain confirmed its master key [OFF-28] [KEY-8]."""
        return self.keys.active and self.keys.launched

    @property
    def worker(self) -> WorkerState:
        """The runtime's own worker state."""
        return self.workers[self.identity.public]


def new_runtime(
    seed: bytes, config: RuntimeConfig | None = None, tokenomic: TokenomicParams | None = None
) -> RuntimeState:
    """A runtime that has processed nothing yet [OFF-12].

    It tracks its own worker (unregistered), has its worker channel open and
    live, and, if it is a gatekeeper, the shared ``Gatekeeper`` channel open in
    dummy mode [OFF-9] and economics with no worker, computing with
    ``tokenomic`` (default: the pallet's genesis parameters) [GK-22].
    """
    identity = keypair_from_seed(seed)
    config = config if config is not None else RuntimeConfig()
    queue = open_channel(SendQueue(), worker_origin(identity.public))
    if config.gatekeeper:
        queue = open_channel(queue, GATEKEEPER, dummy=True)
    workers = immutables.Map({identity.public: WorkerState(identity.public)})
    econ = None
    if config.gatekeeper:
        econ = economics.new_economics(default_tokenomic() if tokenomic is None else tokenomic)
    return RuntimeState(
        identity=identity, config=config, workers=workers, queue=queue, economics=econ
    )


def pending_egress(
    runtime: RuntimeState,
) -> tuple[tuple[MessageOrigin, tuple[SignedMessage, ...]], ...]:
    """The runtime's pending egress by sender [OFF-11]."""
    return pending(runtime.queue)


def bench_counter(runtime: RuntimeState, pubkey: bytes, block: SyncedBlock) -> int:
    """The benchmark iteration counter seen by ``pubkey``'s state machine at ``block`` [OFF-19].

    The runtime's own counter is ``iterations_per_block × block number``. A
    gatekeeper cannot observe another worker's counter; its replica of that
    worker's machine reads 0.
    """
    if pubkey != runtime.pubkey:
        return 0
    return runtime.config.iterations_per_block * block.number


def subscriptions(runtime: RuntimeState) -> tuple[bytes, ...]:
    """The system topics the runtime subscribes to [OFF-14] [KEY-16], the Phat topics among
    them; the command topics of the contracts it hosts are read apart (:func:`run_commands`)."""
    if runtime.config.gatekeeper:
        return (
            SYSTEM_EVENT_TOPIC,
            GATEKEEPER_KEY_TOPIC,
            CLUSTER_KEY_TOPIC,
            CONTRACT_OP_TOPIC,
            WORKING_REPORT_TOPIC,
            GATEKEEPER_LAUNCH_TOPIC,
            GATEKEEPER_CHANGE_TOPIC,
            GATEKEEPER_EVENT_TOPIC,
            CLUSTER_EVENT_TOPIC,
        )
    return (SYSTEM_EVENT_TOPIC, GATEKEEPER_KEY_TOPIC, CLUSTER_KEY_TOPIC, CONTRACT_OP_TOPIC)


def _emit(runtime: RuntimeState, payload: Payload) -> tuple[RuntimeState, SignedMessage | None]:
    """Queue a payload from the runtime's own worker origin, on its bound topic [OFF-21] [OFF-22]."""
    queue, signed = enqueue(
        runtime.queue,
        worker_origin(runtime.pubkey),
        topic_of(payload),
        encode_payload(payload),
        runtime.identity,
    )
    return evolve(runtime, queue=queue), signed


Emitted = tuple[SignedMessage, ...]


def _emit_gatekeeper(
    runtime: RuntimeState, payload: Payload
) -> tuple[RuntimeState, SignedMessage | None]:
    """Queue a payload on the ``Gatekeeper`` channel, signed with the key in force [GK-19] [OFF-28].

    While the runtime holds no live gatekeeper role (no key yet, unregistered,
    or the role dropped) the channel is dummy [OFF-9] [KEY-9]: the sequence
    is counted and nothing is signed, so a gatekeeper that receives the key
    later has counted these messages as its peers sent them [KEY-10].
    """
    signer = runtime.master_key if runtime.master_key is not None else runtime.identity
    queue, signed = enqueue(
        runtime.queue, GATEKEEPER, topic_of(payload), encode_payload(payload), signer
    )
    return evolve(runtime, queue=queue), signed


def on_system_event(
    runtime: RuntimeState, block: SyncedBlock, sender: MessageOrigin, event: SystemEvent
) -> tuple[RuntimeState, Emitted]:
    """Handle a decoded ``SystemEvent`` [OFF-16] [OFF-17] [OFF-20] [OFF-21]."""
    if sender.kind != "Pallet":
        return runtime, ()
    if isinstance(event, WorkerEventWithKey):
        runtime = _on_worker_event_with_key(runtime, block, event)
        return _economics_of_worker_event(runtime, block, event), ()
    emitted: list[SignedMessage] = []
    hits: list[bytes] = []
    hosted = runtime.cluster
    clusters, contracts = (0, 0) if hosted is None else (1, len(hosted.contracts))
    for pubkey in sorted(runtime.workers):
        worker = runtime.workers[pubkey]
        report = on_heartbeat_challenge(
            worker, event, block, bench_counter(runtime, pubkey, block), clusters, contracts
        )
        if report is not None:
            hits.append(pubkey)
        if report is not None and pubkey == runtime.pubkey:
            runtime, signed = _emit(runtime, report)
            if signed is not None:
                emitted.append(signed)
    if runtime.economics is not None:
        # A gatekeeper expects a heartbeat from every worker the challenge hits [GK-10].
        econ = economics.on_challenge(runtime.economics, hits, block.number)
        runtime = evolve(runtime, economics=econ)
    return runtime, tuple(emitted)


def _economics_of_worker_event(
    runtime: RuntimeState, block: SyncedBlock, event: WorkerEventWithKey
) -> RuntimeState:
    """A gatekeeper's economics follow a worker event, after its replica did [GK-7]..[GK-9]."""
    econ = runtime.economics
    if econ is None:
        return runtime
    match event.event:
        case Registered(confidence_level=level):
            econ = economics.on_registered(econ, event.pubkey, level)
        case Started(init_v=init_v, init_p=init_p):
            econ = economics.on_started(
                econ, event.pubkey, init_v, init_p, block.number, block.timestamp_ms
            )
        case Stopped():
            econ = economics.on_stopped(econ, event.pubkey)
        case _:
            return runtime
    return evolve(runtime, economics=econ)


def sessions(runtime: RuntimeState) -> dict[bytes, int]:
    """The session id of every tracked worker whose replica has a session [GK-6]."""
    return {
        pubkey: worker.working.session_id
        for pubkey, worker in runtime.workers.items()
        if worker.working is not None
    }


def _on_worker_event_with_key(
    runtime: RuntimeState, block: SyncedBlock, event: WorkerEventWithKey
) -> RuntimeState:
    """Route a worker event to the tracked worker it is about [OFF-17]."""
    worker = runtime.workers.get(event.pubkey)
    if worker is None:
        if not (runtime.config.gatekeeper and isinstance(event.event, Registered)):
            return runtime
        worker = WorkerState(event.pubkey)
    updated = on_worker_event(
        worker, event.event, block, bench_counter(runtime, event.pubkey, block)
    )
    return evolve(runtime, workers=runtime.workers.set(event.pubkey, updated))


def on_working_report(
    runtime: RuntimeState, block: SyncedBlock, sender: MessageOrigin, report: WorkingReportEvent
) -> tuple[RuntimeState, Emitted]:
    """A gatekeeper's handling of a decoded heartbeat report [OFF-24] [GK-11].

    Only a worker's own report counts; a ``Heartbeat`` counts as a
    ``HeartbeatV2`` without clusters. Raises :class:`~.gatekeeper.Poisoned`
    for a heartbeat the worker does not owe.
    """
    econ = runtime.economics
    if econ is None or sender.kind != "Worker":
        return runtime, ()
    clusters = report.n_clusters if isinstance(report, HeartbeatV2) else 0
    replica = runtime.workers.get(sender.id)
    working = None if replica is None else replica.working
    econ = economics.on_heartbeat(
        econ,
        sender.id,
        None if working is None else working.session_id,
        (
            report.session_id,
            report.challenge_block,
            report.challenge_time,
            report.iterations,
            clusters,
        ),
        block.number,
        block.timestamp_ms,
    )
    return evolve(runtime, economics=econ), ()


# --- The master key [OFF-28]..[OFF-30] [KEY-1]..[KEY-16] -------------------------------------


def generate_master_key(runtime: RuntimeState) -> Keypair:
    """The master key the first gatekeeper generates [OFF-29] [KEY-4]."""
    return master_key.generate_key(runtime.identity, 0)


def apply_keys(runtime: RuntimeState, outcome: Outcome) -> tuple[RuntimeState, Emitted] | Halt:
    """Apply a key-life rule's outcome: the new record, then its effects in order [KEY-1].

    ``Send`` queues on the worker or ``Gatekeeper`` channel with the given
    signer; ``Count`` advances the ``Gatekeeper`` channel without sending;
    ``Live`` switches it live or dummy.
    """
    if isinstance(outcome, Halt):
        return outcome
    keys, effects = outcome
    queue = runtime.queue
    emitted: list[SignedMessage] = []
    for effect in effects:
        match effect:
            case Send(channel=channel, payload=payload, signer=signer):
                sender = (
                    GATEKEEPER
                    if channel == master_key.GATEKEEPER_CHANNEL
                    else worker_origin(runtime.pubkey)
                )
                queue, signed = enqueue(
                    queue, sender, topic_of(payload), encode_payload(payload), signer
                )
                if signed is not None:
                    emitted.append(signed)
            case Count(messages=count):
                queue = skip(queue, GATEKEEPER, count)
            case Live(live=live):
                queue = set_dummy(queue, GATEKEEPER, dummy=not live)
    return evolve(runtime, keys=keys, queue=queue), tuple(emitted)


def on_gatekeeper_launch(
    runtime: RuntimeState, block: SyncedBlock, sender: MessageOrigin, launch: GatekeeperLaunch
) -> tuple[RuntimeState, Emitted] | Halt:
    """A gatekeeper's ``GatekeeperLaunch`` [OFF-29] [OFF-30] [KEY-7] [KEY-8] [KEY-12]."""
    return apply_keys(
        runtime,
        master_key.on_launch(runtime.keys, runtime.identity, block.number, sender, launch),
    )


def on_gatekeeper_change(
    runtime: RuntimeState, block: SyncedBlock, sender: MessageOrigin, change: GatekeeperChange
) -> tuple[RuntimeState, Emitted] | Halt:
    """A gatekeeper's ``GatekeeperChange`` [KEY-9]."""
    return apply_keys(
        runtime,
        master_key.on_change(runtime.keys, runtime.identity, block.number, sender, change),
    )


def on_key_distribution(
    runtime: RuntimeState, block: SyncedBlock, sender: MessageOrigin, payload: KeyDistribution
) -> tuple[RuntimeState, Emitted] | Halt:
    """Every runtime's ``KeyDistribution`` [KEY-11] [KEY-13]."""
    outcome = master_key.on_key_distribution(
        runtime.keys,
        runtime.identity,
        block.number,
        sender,
        payload,
        block.gatekeepers,
        runtime.config.gatekeeper,
    )
    return apply_keys(runtime, outcome)


def on_gatekeeper_event(
    runtime: RuntimeState,
    block: SyncedBlock,
    sender: MessageOrigin,
    event: NewRandomNumber | TokenomicParametersChanged,
) -> tuple[RuntimeState, Emitted] | Halt:
    """A gatekeeper's ``GatekeeperEvent`` [OFF-32]: a beacon is checked [KEY-15], new tokenomic
    parameters go to the economics [GK-18].

    Raises :class:`~.gatekeeper.Poisoned` for parameters the economics cannot take.
    """
    if isinstance(event, NewRandomNumber):
        return apply_keys(runtime, master_key.on_new_random_number(runtime.keys, sender, event))
    econ = runtime.economics
    if econ is None:
        return runtime, ()
    econ = economics.on_parameters_changed(econ, sender.kind == "Pallet", event.params)
    return evolve(runtime, economics=econ), ()


# --- Phat clusters [PHAT-50]..[PHAT-63] ------------------------------------------------------


def apply_cluster(
    runtime: RuntimeState, outcome: phat_cluster.Outcome
) -> tuple[RuntimeState, Emitted] | Halt | Exit:
    """Apply a cluster rule's outcome: the new hosted cluster, then its effects in order
    [PHAT-54].

    ``Report`` queues on the runtime's worker channel, signed by its identity;
    ``OpenChannel`` opens a live channel; ``SendAs`` queues on a cluster's or a
    contract's channel with the given signer.
    """
    if isinstance(outcome, Halt | Exit):
        return outcome
    hosted, effects = outcome
    state = runtime if hosted is runtime.cluster else evolve(runtime, cluster=hosted)
    emitted: list[SignedMessage] = []
    for effect in effects:
        match effect:
            case Report(payload=payload):
                state, signed = _emit(state, payload)
            case OpenChannel(sender=origin):
                state = evolve(state, queue=open_channel(state.queue, origin))
                signed = None
            case SendAs(sender=origin, payload=payload, signer=signer):
                queue, signed = enqueue(
                    state.queue, origin, topic_of(payload), encode_payload(payload), signer
                )
                state = evolve(state, queue=queue)
        if signed is not None:
            emitted.append(signed)
    return state, tuple(emitted)


def on_cluster_event(
    runtime: RuntimeState, block: SyncedBlock, sender: MessageOrigin, deploy: DeployCluster
) -> tuple[RuntimeState, Emitted] | Halt:
    """A gatekeeper's ``ClusterEvent::DeployCluster`` [PHAT-52]."""
    return apply_keys(
        runtime, cluster_keys.on_deploy_cluster(runtime.keys, block.number, sender, deploy)
    )


def on_cluster_operation(
    runtime: RuntimeState, block: SyncedBlock, sender: MessageOrigin, operation: ClusterOperation
) -> tuple[RuntimeState, Emitted] | Halt | Exit:
    """Every runtime's ``ClusterOperation`` [PHAT-55] [PHAT-58]..[PHAT-60]."""
    outcome = phat_cluster.on_cluster_operation(
        runtime.cluster,
        runtime.identity,
        runtime.config.gatekeeper,
        sender,
        operation,
        block.pink_system_code,
        block.pink_runtime_version,
    )
    return apply_cluster(runtime, outcome)


def on_contract_operation(
    runtime: RuntimeState, sender: MessageOrigin, operation: InstantiateCode
) -> tuple[RuntimeState, Emitted] | Halt | Exit:
    """Every runtime's ``ContractOperation::InstantiateCode`` [PHAT-57]."""
    return apply_cluster(
        runtime, phat_cluster.on_contract_operation(runtime.cluster, sender, operation)
    )


def run_commands(
    runtime: RuntimeState, block: SyncedBlock, commands: Iterable[tuple[int, Message]]
) -> RuntimeState | RuntimeHalted:
    """Hand the block's commands to the hosted contracts [PHAT-63]: contract by contract in
    the order of their ids, each contract's commands in chain order [PHAT-61] [PHAT-62].

    ``commands`` are the block's messages (with their index in the block) on
    the command topic of a contract the runtime hosted when the block began.
    A command that halts the runtime gives its ``RuntimeHalted`` record.
    """
    hosted = runtime.cluster
    if hosted is None:
        return runtime
    by_contract: dict[bytes, list[tuple[int, Message]]] = {}
    for index, message in commands:
        target = phat_cluster.command_target(hosted, message.destination)
        assert target is not None, "a command topic of a contract hosted when the block began"
        by_contract.setdefault(target, []).append((index, message))
    contracts = hosted.contracts
    for contract_id in sorted(by_contract):
        contract = contracts[contract_id]
        for index, message in by_contract[contract_id]:
            received = phat_cluster.on_command(
                hosted, contract, block.number, message.sender, message.payload
            )
            if isinstance(received, Halt):
                return RuntimeHalted(
                    block.number, index, message.sender, message.destination, received.reason
                )
            contract = received
        contracts = contracts.set(contract_id, contract)
    return evolve(runtime, cluster=evolve(hosted, contracts=contracts))


def deliver(
    runtime: RuntimeState, block: SyncedBlock, index: int, message: Message
) -> tuple[RuntimeState, Emitted] | RuntimeStop:
    """Deliver one outbound message of the block [OFF-14] [OFF-15] [KEY-16] [GK-20].

    The payload is decoded as its topic's type before anything else; a rule
    that halts the runtime (production panics: a key-life ``Halt`` or a
    poisoned economics) gives the ``RuntimeHalted`` record of the message,
    and a worker that exits its ``RuntimeExited`` record.
    """
    topic = message.destination
    if not topic_is_offchain(topic) or topic not in subscriptions(runtime):
        return runtime, ()
    try:
        result = _dispatch(runtime, block, index, message)
    except economics.Poisoned as poisoned:
        result = Halt(poisoned.reason)
    if isinstance(result, Halt):
        return RuntimeHalted(
            block.number, index, message.sender, message.destination, result.reason
        )
    if isinstance(result, Exit):
        return RuntimeExited(
            block.number, index, message.sender, message.destination, result.reason
        )
    return result


def _dispatch(
    runtime: RuntimeState, block: SyncedBlock, index: int, message: Message
) -> tuple[RuntimeState, Emitted] | RuntimeHalted | Halt | Exit:
    """Decode a subscribed message by its topic and hand it to its handler [OFF-14] [OFF-15]."""
    topic = message.destination
    sender = message.sender
    if topic in (CLUSTER_EVENT_TOPIC, CLUSTER_KEY_TOPIC, CONTRACT_OP_TOPIC):
        return _dispatch_phat(runtime, block, index, message)
    if topic == SYSTEM_EVENT_TOPIC:
        event = decode_system_event(message.payload)
        if isinstance(event, DecodeFailure):
            return _decode_failed(runtime, block, index, message, event)
        return on_system_event(runtime, block, sender, event)
    if topic == GATEKEEPER_LAUNCH_TOPIC:
        launch = decode_gatekeeper_launch(message.payload)
        if isinstance(launch, DecodeFailure):
            return _decode_failed(runtime, block, index, message, launch)
        return on_gatekeeper_launch(runtime, block, sender, launch)
    if topic == GATEKEEPER_CHANGE_TOPIC:
        change = decode_gatekeeper_change(message.payload)
        if isinstance(change, DecodeFailure):
            return _decode_failed(runtime, block, index, message, change)
        return on_gatekeeper_change(runtime, block, sender, change)
    if topic == GATEKEEPER_KEY_TOPIC:
        distributed = decode_key_distribution(message.payload)
        if isinstance(distributed, DecodeFailure):
            return _decode_failed(runtime, block, index, message, distributed)
        return on_key_distribution(runtime, block, sender, distributed)
    if topic == GATEKEEPER_EVENT_TOPIC:
        gk_event = decode_gatekeeper_event(message.payload)
        if isinstance(gk_event, DecodeFailure):
            return _decode_failed(runtime, block, index, message, gk_event)
        return on_gatekeeper_event(runtime, block, sender, gk_event)
    report = decode_working_report(message.payload)
    if isinstance(report, DecodeFailure):
        return _decode_failed(runtime, block, index, message, report)
    return on_working_report(runtime, block, sender, report)


def _dispatch_phat(
    runtime: RuntimeState, block: SyncedBlock, index: int, message: Message
) -> tuple[RuntimeState, Emitted] | RuntimeHalted | Halt | Exit:
    """The Phat topics' payloads, decoded as their types [PHAT-50] [OFF-15]."""
    topic, sender, payload = message.destination, message.sender, message.payload
    if topic == CLUSTER_EVENT_TOPIC:
        deploy = decode_cluster_event(payload)
        if deploy is None:
            failure = DecodeFailure("ClusterEvent", "not a valid encoding")
            return _decode_failed(runtime, block, index, message, failure)
        return on_cluster_event(runtime, block, sender, deploy)
    if topic == CLUSTER_KEY_TOPIC:
        operation = decode_cluster_operation(payload)
        if operation is None:
            failure = DecodeFailure("ClusterOperation", "not a valid encoding")
            return _decode_failed(runtime, block, index, message, failure)
        return on_cluster_operation(runtime, block, sender, operation)
    instantiate = decode_contract_operation(payload)
    if instantiate is None:
        failure = DecodeFailure("ContractOperation", "not a valid encoding")
        return _decode_failed(runtime, block, index, message, failure)
    return on_contract_operation(runtime, sender, instantiate)


def _decode_failed(
    runtime: RuntimeState, block: SyncedBlock, index: int, message: Message, failure: DecodeFailure
) -> tuple[RuntimeState, Emitted] | RuntimeHalted:
    """An undecodable payload halts the runtime if its sender is always well formed, else is
    skipped [MQ-6] [OFF-15]."""
    if message.sender.always_well_formed():
        return RuntimeHalted(
            block.number, index, message.sender, message.destination, failure.reason
        )
    return runtime, ()


def end_of_block(runtime: RuntimeState, block: SyncedBlock) -> tuple[RuntimeState, Emitted]:
    """End-of-block hooks in production's order: the gatekeeper's economics [GK-3], finished
    benchmarks report [OFF-22], then the beacon [KEY-14].

    Raises :class:`~.gatekeeper.Poisoned` if the economics cannot close the block.
    """
    emitted: list[SignedMessage] = []
    if runtime.economics is not None:
        econ, update = economics.close_block(runtime.economics, sessions(runtime))
        runtime = evolve(runtime, economics=econ)
        if update is not None:
            runtime, signed = _emit_gatekeeper(runtime, update)
            emitted.extend([] if signed is None else [signed])
    for pubkey in sorted(runtime.workers):
        worker, report = on_block_end(
            runtime.workers[pubkey], block, bench_counter(runtime, pubkey, block)
        )
        if worker is runtime.workers[pubkey]:
            continue
        runtime = evolve(runtime, workers=runtime.workers.set(pubkey, worker))
        if report is not None and pubkey == runtime.pubkey:
            runtime, signed = _emit(runtime, report)
            if signed is not None:
                emitted.append(signed)
    applied = apply_keys(
        runtime, master_key.on_block_end(runtime.keys, block.number, runtime.config.gatekeeper)
    )
    assert not isinstance(applied, Halt), "the end of a block never halts"
    runtime, beacon = applied
    return runtime, (*emitted, *beacon)


def process_block(runtime: RuntimeState, block: SyncedBlock) -> tuple[RuntimeState, Emitted]:
    """Process one synced block; returns the new runtime and the egress it signed in this block [OFF-13].

    A halted runtime, or a block at or below the last processed number, changes
    nothing and emits nothing. Otherwise: purge the send queue by the block's
    ingress [OFF-10], deliver every outbound message in order [OFF-14], run
    the end-of-block hooks [OFF-22] and record the block number. The commands
    to the contracts the runtime hosts go to them after the other messages
    (:func:`run_commands`). If a message halts the runtime [OFF-15], or the
    worker exits, the result is the runtime as it was before the block,
    marked halted (or exited), with no egress.
    """
    if runtime.halted is not None or block.number <= runtime.last_block:
        return runtime, ()
    queue = purge(runtime.queue, block.ingress)
    state = runtime if queue is runtime.queue else evolve(runtime, queue=queue)
    if state.economics is not None:
        try:
            econ = economics.open_block(
                state.economics, sessions(state), block.number, block.timestamp_ms
            )
        except economics.Poisoned as poisoned:
            return _poisoned_at_block_end(runtime, block, poisoned), ()
        state = evolve(state, economics=econ)
    egress: list[SignedMessage] = []
    # The command topics are those of the contracts hosted when the block began [PHAT-63].
    # Looked up in O(log n) of the contracts, not by listing every topic [PHAT-63].
    hosted_at_start = state.cluster
    commands: list[tuple[int, Message]] = []
    for index, message in enumerate(block.messages):
        if phat_cluster.command_target(hosted_at_start, message.destination) is not None:
            commands.append((index, message))
            continue
        delivered = deliver(state, block, index, message)
        if isinstance(delivered, RuntimeHalted | RuntimeExited):
            return evolve(runtime, halted=delivered), ()
        state, emitted = delivered
        egress.extend(emitted)
    if commands:
        ran = run_commands(state, block, commands)
        if isinstance(ran, RuntimeHalted):
            return evolve(runtime, halted=ran), ()
        state = ran
    try:
        state, emitted = end_of_block(state, block)
    except economics.Poisoned as poisoned:
        return _poisoned_at_block_end(runtime, block, poisoned), ()
    egress.extend(emitted)
    return evolve(state, last_block=block.number), tuple(egress)


def _poisoned_at_block_end(
    runtime: RuntimeState, block: SyncedBlock, poisoned: economics.Poisoned
) -> RuntimeState:
    """The runtime as before the block, halted by its economics outside any message [GK-20]."""
    return evolve(runtime, halted=RuntimeHalted(block.number, None, None, None, poisoned.reason))
