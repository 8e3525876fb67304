"""The network model [MOD-8]: runtimes, honest relayers and adversarial relayers, block by block.

:class:`NetworkMachine` drives a network of four runtimes through
:func:`phala_spec.apply_step` with ``network_block`` steps ([STEP-5]), so its
trace is a conformance case. The runtimes: two gatekeeper replicas that
share one key, a worker, and a replica of that worker served by another
relayer; a second worker key has no runtime, so events about it concern
none of them. The chain drives them with system events pushed by root
(registration, benchmarks, sessions, unresponsiveness, heartbeat challenges),
as pallets will.

Relayers are honest unless a rule withholds them (down, slow or censoring),
and an adversary adds extrinsics of its own after theirs: replays of accepted
messages, pending messages out of order, forgeries (another key or a flipped
signature bit; ``false`` in the oracle setting), a gatekeeper message signed
with a worker's key, a self-made worker's well-formed message on the system
topic (which runtimes must ignore) and, rarely, its undecodable one (which
halts every runtime, [OFF-15]).

Invariants, after every block, named after the clause they check:

* ``inv_NET_9_replicas_agree``: replicas reach equal states and sign
  byte-identical egress in every block;
* ``inv_NET_16_runtime_depends_only_on_blocks``: each runtime equals a solo
  copy (same seed and configuration, built outside the network) fed the same
  synced blocks, and signed the same egress;
* ``inv_NET_16_exactly_once``: every sender's next sequence grows by exactly
  the number of its messages accepted in the block;
* ``inv_NET_16_only_signed_egress_accepted``: every accepted message from a
  runtime's sender is one a runtime signed;
* ``inv_NET_16_honest_relayer_liveness``: a runtime whose relayer is not
  withheld has nothing pending after the block that was pending before it;
* ``inv_NET_10_report_matches_relay_batch``: the report lists the relayed
  messages exactly as [NET-6] orders them, then the block's other extrinsics;
* ``inv_OFF_10_queues_purged``: a runtime that is not halted holds no message
  the chain has accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin, signed_bytes
from phala_spec.chain.system_payloads import (
    BenchStart,
    EnterUnresponsive,
    ExitUnresponsive,
    HeartbeatChallenge,
    Registered,
    Started,
    Stopped,
    WorkerEventWithKey,
)
from phala_spec.chain.worker_messages import SYSTEM_EVENT_TOPIC, encode_payload
from phala_spec.conformance.authoring import default_randomness
from phala_spec.network import NetworkState, genesis_state, relay_batch, signed_data
from phala_spec.offchain.pruntime import (
    RuntimeConfig,
    RuntimeState,
    SyncedBlock,
    new_runtime,
    process_block,
)
from phala_spec.primitives.arith import U256_MAX
from phala_spec.primitives.codec import encode, to_data
from phala_spec.primitives.crypto import dev_keypair, dev_seed, sign
from phala_spec.steps import StepResult, apply_step

from .balances import InvariantViolation, check, violated

PRESET = "minimal"
SUITE = "network"
SYNC = "PhalaMq.sync_offchain_message"
FORCE_PUSH = "PhalaMq.force_push_pallet_message"

KEY_NAMES = {"w1": "models/net/w1", "w2": "models/net/w2", "gk": "models/net/gk"}
# w2 runs no runtime: events about it reach every runtime and concern none of them.
KEYS = {short: dev_keypair(name) for short, name in KEY_NAMES.items()}
MASTER = dev_keypair("models/net/master")
FORGER = dev_keypair("models/net/forger")
ADVERSARY = dev_keypair("models/net/adversary").public

RUNTIMES: tuple[dict[str, Any], ...] = (
    {"name": "gk-a", "key": KEY_NAMES["gk"], "role": "gatekeeper", "iterations_per_block": 7},
    {"name": "gk-b", "key": KEY_NAMES["gk"], "role": "gatekeeper", "iterations_per_block": 7},
    {"name": "w1", "key": KEY_NAMES["w1"], "role": "worker"},
    {
        "name": "w1-replica",
        "key": KEY_NAMES["w1"],
        "role": "worker",
        "relayer": dev_keypair("models/net/other-relayer").public,
    },
)
NAMES = tuple(sorted(r["name"] for r in RUNTIMES))
REPLICA_GROUPS = (("gk-a", "gk-b"), ("w1", "w1-replica"))
# One solo runtime per distinct (key, configuration), outside the network [NET-16].
SOLO_OF = {"gk-a": "gk", "gk-b": "gk", "w1": "w1", "w1-replica": "w1"}
SOLOS = ("gk", "w1")
OWN_SENDERS = frozenset(MessageOrigin("Worker", k.public) for k in KEYS.values()) | {GATEKEEPER}

worker_keys = st.sampled_from(sorted(KEYS))
worker_events = st.one_of(
    st.builds(Registered, st.integers(0, 255)),
    st.builds(BenchStart, st.integers(0, 3)),
    st.builds(Started, st.integers(0, 5), st.just(0), st.just(0)),
    st.just(Stopped()),
    st.just(EnterUnresponsive()),
    st.just(ExitUnresponsive()),
)
challenges = st.builds(
    HeartbeatChallenge,
    seed=st.integers(0, U256_MAX),
    online_target=st.sampled_from((U256_MAX, U256_MAX // 2, U256_MAX // 16, 0)),
)
withholdings = st.lists(st.sampled_from(NAMES), max_size=3, unique=True)


def push(payload: Any) -> dict[str, Any]:
    """Root pushes a system event, as a pallet would [MQ-12] [OFF-16]."""
    return {
        "origin": {"kind": "root"},
        "call": FORCE_PUSH,
        "args": {"destination": SYSTEM_EVENT_TOPIC, "payload": encode_payload(payload)},
    }


def relay(signed: Any, who: bytes = ADVERSARY) -> dict[str, Any]:
    return {
        "origin": {"kind": "signed", "who": who},
        "call": SYNC,
        "args": {"signed_message": signed},
    }


def next_block_step(
    net: NetworkState, extrinsics: Sequence[Any] = (), withheld: Sequence[str] = ()
) -> dict[str, Any]:
    """The ``network_block`` step [STEP-5] after ``net``'s block: the next number, its
    timestamp and randomness, the extrinsics and, if any, the withheld relayers."""
    number = net.chain.system.block.number + 1
    step: dict[str, Any] = {
        "kind": "network_block",
        "number": number,
        "timestamp": number * 12_000,
        "randomness": default_randomness(number),
        "extrinsics": list(extrinsics),
    }
    if withheld:
        step["withheld"] = list(withheld)
    return step


class NetworkMachine(RuleBasedStateMachine):
    """A network of runtimes under honest and adversarial relayers [MOD-8]."""

    model_name = "network"
    suite = SUITE
    preset = PRESET

    def __init__(self) -> None:
        super().__init__()
        self.crypto = "real"
        self.genesis_overrides: dict[str, Any] = {}
        self.state: NetworkState | None = None
        self.trace: list[dict[str, Any]] = []
        self.failed_step: Any = None
        self.solo: dict[str, RuntimeState] = {}
        self.signed_by_runtimes: set[bytes] = set()  # encodings of (message, sequence)
        self.accepted: list[dict[str, Any]] = []  # plain signed messages the chain accepted
        self.poisoned = False

    @property
    def net(self) -> NetworkState:
        assert self.state is not None, "the genesis rule runs first"
        return self.state

    # -- the step ----------------------------------------------------------------------

    def block(
        self, extrinsics: Sequence[dict[str, Any]] = (), withheld: Sequence[str] = ()
    ) -> StepResult:
        """Apply one network block and check every per-block property [NET-4]."""
        before = self.net
        step = next_block_step(before, extrinsics, withheld)
        batch = relay_batch(before, withheld)
        self.failed_step = step
        result = apply_step(before, step)
        self.failed_step = None
        self.trace.append(step)
        assert isinstance(result.state, NetworkState)
        self.state = result.state
        report = result.returned
        self._check_report(before, batch, extrinsics, withheld, report)
        self._check_exactly_once(before, batch, extrinsics, report)
        self._check_liveness(before, withheld)
        self._check_solo(report)
        self._check_replicas(report)
        return result

    def _check_report(
        self,
        before: NetworkState,
        batch: Any,
        extrinsics: Sequence[Any],
        withheld: Sequence[str],
        report: dict[str, Any],
    ) -> None:
        listed = [(e["runtime"], e["sequence"], e["sender"]) for e in report["extrinsics"]]
        # [NET-6], restated: runtimes by name, senders by encoding, sequences the chain lacks
        wanted: list[tuple[Any, Any, Any]] = []
        for name in sorted(before.runtimes):
            if name in withheld:
                continue
            channels = before.runtimes[name].queue.channels
            for sender in sorted(channels, key=lambda origin: origin.encode()):
                floor = before.chain.mq.ingress.get(sender, 0)
                wanted += [
                    (name, m.sequence, to_data(sender))
                    for m in sorted(channels[sender].messages, key=lambda m: m.sequence)
                    if m.sequence >= floor
                ]
        check(
            [(r.runtime, r.signed.sequence) for r in batch] == [w[:2] for w in wanted],
            "inv_NET_6_relay_order",
            "the relay batch is not in [NET-6] order",
        )
        wanted += [(None, None, None)] * len(extrinsics)
        check(
            listed == wanted,
            "inv_NET_10_report_matches_relay_batch",
            f"report lists {listed}, the relay batch is {wanted}",
        )

    def _check_exactly_once(
        self, before: NetworkState, batch: Any, extrinsics: Sequence[Any], report: dict[str, Any]
    ) -> None:
        relayed = iter([signed_data(r.signed, before.crypto) for r in batch])
        others = iter([e["args"]["signed_message"] for e in extrinsics if e["call"] == SYNC])
        accepted_now: dict[bytes, int] = {}
        for entry in report["extrinsics"]:
            if entry["runtime"] is not None:
                signed = next(relayed)
            elif entry["call"] == SYNC:
                signed = next(others)
            else:
                continue
            if entry["outcome"] != "ok":
                continue
            message = signed["message"]
            sender = MessageOrigin(message["sender"]["kind"], message["sender"]["id"])
            key = sender.encode()
            accepted_now[key] = accepted_now.get(key, 0) + 1
            self.accepted.append(signed)
            if sender in OWN_SENDERS:
                decoded = Message(sender, message["destination"], message["payload"])
                check(
                    encode([decoded.encode(), signed["sequence"]]) in self.signed_by_runtimes,
                    "inv_NET_16_only_signed_egress_accepted",
                    f"{sender.kind} #{signed['sequence']} accepted but no runtime signed it",
                )
        after = self.net.chain.mq.ingress
        for sender in set(before.chain.mq.ingress) | set(after):
            grown = after.get(sender, 0) - before.chain.mq.ingress.get(sender, 0)
            check(
                grown == accepted_now.get(sender.encode(), 0),
                "inv_NET_16_exactly_once",
                f"{sender.kind}: next sequence grew by {grown}, "
                f"{accepted_now.get(sender.encode(), 0)} accepted",
            )

    def _check_liveness(self, before: NetworkState, withheld: Sequence[str]) -> None:
        for name in NAMES:
            if name in withheld:
                continue
            for sender, channel in before.runtimes[name].queue.channels.items():
                floor = before.chain.mq.ingress.get(sender, 0)
                pending = [m.sequence for m in channel.messages if m.sequence >= floor]
                if pending and pending[0] == floor:
                    now = self.net.chain.mq.ingress.get(sender, 0)
                    check(
                        now > pending[-1],
                        "inv_NET_16_honest_relayer_liveness",
                        f"{name}: {sender.kind} had {pending} pending, next is now {now}",
                    )

    def _check_solo(self, report: dict[str, Any]) -> None:
        chain = self.net.chain
        # [NET-8], restated: the finalized block's number, time, outbound, ingress, gatekeepers
        block = SyncedBlock(
            number=chain.system.block.number,
            timestamp_ms=chain.system.block.timestamp,
            messages=chain.mq.outbound,
            ingress=dict(chain.mq.ingress.items()),
            gatekeepers=chain.registry.gatekeepers,
        )
        solo_egress = {}
        for key in SOLOS:
            self.solo[key], solo_egress[key] = process_block(self.solo[key], block)
        for name in NAMES:
            key = SOLO_OF[name]
            egress = solo_egress[key]
            check(
                self.net.runtimes[name] == self.solo[key],
                "inv_NET_16_runtime_depends_only_on_blocks",
                f"{name} differs from a solo runtime fed the same blocks",
            )
            shown = [signed_data(m, self.net.crypto) for m in egress]
            check(
                report["egress"].get(name, []) == shown,
                "inv_NET_16_runtime_depends_only_on_blocks",
                f"{name} signed other egress than a solo runtime",
            )
            for m in egress:
                self.signed_by_runtimes.add(encode([m.message.encode(), m.sequence]))

    def _check_replicas(self, report: dict[str, Any]) -> None:
        for group in REPLICA_GROUPS:
            first, *rest = group
            same_state = all(self.net.runtimes[n] == self.net.runtimes[first] for n in rest)
            blobs = {encode(report["egress"].get(n, [])) for n in group}
            check(
                same_state and len(blobs) == 1,
                "inv_NET_9_replicas_agree",
                f"replicas {group} diverged",
            )

    # -- genesis --------------------------------------------------------------------------

    @initialize(crypto=st.sampled_from(("real", "oracle")))
    def genesis(self, crypto: str) -> None:
        """Four runtimes (two replica pairs) on the ``minimal`` chain, the master key registered."""
        self.crypto = crypto
        self.genesis_overrides = {
            "registry": {"gatekeeper_master_pubkey": MASTER.public},
            "runtimes": [dict(r) for r in RUNTIMES],
            "crypto": crypto,
        }
        state = genesis_state(PRESET, self.genesis_overrides)
        assert isinstance(state, NetworkState)
        self.state = state
        for declaration in RUNTIMES:
            config = RuntimeConfig(
                gatekeeper=declaration["role"] == "gatekeeper",
                iterations_per_block=declaration.get("iterations_per_block", 1_000),
            )
            self.solo[SOLO_OF[declaration["name"]]] = new_runtime(
                dev_seed(declaration["key"]), config
            )

    # -- honest blocks --------------------------------------------------------------------

    @rule(
        events=st.lists(st.tuples(worker_keys, worker_events), max_size=4),
        challenge=st.one_of(st.none(), challenges),
        withheld=withholdings,
    )
    def chain_block(
        self,
        events: list[tuple[str, Any]],
        challenge: HeartbeatChallenge | None,
        withheld: list[str],
    ) -> None:
        """A block of system events and maybe a challenge; some relayers withheld."""
        extrinsics = [push(WorkerEventWithKey(KEYS[k].public, e)) for k, e in events]
        if challenge is not None:
            extrinsics.append(push(challenge))
        self.block(extrinsics, withheld)

    @rule(keys=st.lists(worker_keys, min_size=1, max_size=3, unique=True))
    def start_sessions(self, keys: list[str]) -> None:
        """Register workers, start sessions and benchmarks, and challenge them all in one block:
        the runtimes apply the events in order, so the challenge hits and they sign heartbeats."""
        extrinsics = [
            push(WorkerEventWithKey(KEYS[k].public, e))
            for k in keys
            for e in (Registered(1), Started(1, 0, 0), BenchStart(1))
        ]
        self.block([*extrinsics, push(HeartbeatChallenge(0, U256_MAX))])

    # -- adversarial relayers -------------------------------------------------------------

    @precondition(lambda self: bool(self.accepted))
    @rule(data=st.data(), withheld=withholdings)
    def replay(self, data: st.DataObject, withheld: list[str]) -> None:
        """Replay accepted messages in a block: each fails with ``BadSequence``."""
        replays = data.draw(st.lists(st.sampled_from(self.accepted), min_size=1, max_size=3))
        result = self.block([relay(m) for m in replays], withheld)
        outcomes = [e["outcome"] for e in result.returned["extrinsics"][-len(replays) :]]
        check(
            all(o == "PhalaMq.BadSequence" for o in outcomes),
            "inv_NET_9_replay_is_rejected",
            f"replays gave {outcomes}",
        )

    @rule(name=st.sampled_from(NAMES), reverse=st.booleans())
    def reorder(self, name: str, reverse: bool) -> None:
        """Withhold a runtime's relayer and submit its pending egress ourselves, maybe reversed."""
        pending = [
            signed_data(r.signed, self.net.crypto)
            for r in relay_batch(self.net)
            if r.runtime == name
        ]
        if reverse:
            pending.reverse()
        self.block([relay(m) for m in pending], withheld=[name])

    @precondition(
        lambda self: any(
            channel.messages
            for runtime in self.net.runtimes.values()
            for channel in runtime.queue.channels.values()
        )
    )
    @rule(data=st.data(), how=st.sampled_from(("other_key", "flipped_bit")))
    def forge(self, data: st.DataObject, how: str) -> None:
        """Submit a runtime's next message with a bad signature before its relayer can."""
        ingress = self.net.chain.mq.ingress
        batch = [
            r
            for r in relay_batch(self.net)
            if r.signed.sequence == ingress.get(r.signed.message.sender, 0)
        ]
        if not batch:
            return
        target = data.draw(st.sampled_from(batch))
        signed = signed_data(target.signed, self.net.crypto)
        if self.net.crypto == "oracle":
            signed["signature"] = False
        elif how == "other_key":
            signed["signature"] = sign(
                FORGER, signed_bytes(target.signed.message, target.signed.sequence)
            )
        else:
            signature = signed["signature"]
            signed["signature"] = bytes([signature[0] ^ 1]) + signature[1:]
        others = [n for n in NAMES if _same_identity(self.net, n, target.runtime)]
        result = self.block([relay(signed)], withheld=others)
        outcome = result.returned["extrinsics"][-1]["outcome"]
        check(
            outcome == "PhalaRegistry.InvalidSignature",
            "inv_NET_16_forgery_is_rejected",
            f"a forged message gave {outcome}",
        )

    @rule(worker=worker_keys, payload=st.binary(max_size=8))
    def impersonate_gatekeeper(self, worker: str, payload: bytes) -> None:
        """A ``Gatekeeper`` message signed with a worker key (``false`` in oracle)."""
        sequence = self.net.chain.mq.ingress.get(GATEKEEPER, 0)
        message = Message(GATEKEEPER, b"phala/gatekeeper/event", payload)
        signature: bytes | bool = (
            False
            if self.net.crypto == "oracle"
            else sign(KEYS[worker], signed_bytes(message, sequence))
        )
        signed = {"message": to_data(message), "sequence": sequence, "signature": signature}
        result = self.block([relay(signed)])
        outcome = result.returned["extrinsics"][-1]["outcome"]
        check(
            outcome == "PhalaRegistry.InvalidSignature",
            "inv_NET_16_impersonation_is_rejected",
            f"a gatekeeper message signed by a worker key gave {outcome}",
        )

    @rule(event=worker_events, key=worker_keys, poison=st.booleans())
    def rogue_worker(self, event: Any, key: str, poison: bool) -> None:
        """A self-made worker key sends on the system topic: well formed (ignored) or not (halts)."""
        if poison and (self.poisoned or len(self.trace) < 6):
            poison = False  # rarely, and not before the network has done something
        rogue = MessageOrigin("Worker", FORGER.public)
        sequence = self.net.chain.mq.ingress.get(rogue, 0)
        payload = b"\xff" if poison else encode_payload(WorkerEventWithKey(KEYS[key].public, event))
        message = Message(rogue, SYSTEM_EVENT_TOPIC, payload)
        signature: bytes | bool = (
            True if self.net.crypto == "oracle" else sign(FORGER, signed_bytes(message, sequence))
        )
        before = {n: self.net.runtimes[n] for n in NAMES}
        result = self.block(
            [relay({"message": to_data(message), "sequence": sequence, "signature": signature})]
        )
        halted = result.returned["halted"]
        if poison:
            self.poisoned = True
            check(
                halted == [n for n in NAMES if before[n].halted is None],
                "inv_OFF_15_poison_halts_every_runtime",
                f"halted {halted}",
            )
        else:
            check(halted == [], "inv_OFF_16_non_pallet_events_ignored", f"halted {halted}")

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def inv_OFF_10_queues_purged(self) -> None:
        """A runtime that is not halted keeps no message the chain has accepted."""
        if self.state is None:
            return
        ingress = self.net.chain.mq.ingress
        for name, runtime in self.net.runtimes.items():
            if runtime.halted is not None or runtime.last_block == 0:
                continue
            for sender, channel in runtime.queue.channels.items():
                if any(m.sequence < ingress.get(sender, 0) for m in channel.messages):
                    violated("inv_OFF_10_queues_purged", f"{name} still holds an accepted message")


def _same_identity(net: NetworkState, name: str, other: str) -> bool:
    return bool(net.runtimes[name].pubkey == net.runtimes[other].pubkey)


__all__ = ["InvariantViolation", "NetworkMachine"]
