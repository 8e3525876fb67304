"""The network: the chain, the off-chain runtimes and their relayers, one block at a time [NET-1]..[NET-14].

A network state is the chain state, the runtimes by name and, for each
runtime, the account of the relayer that serves it. The network advances only
by whole blocks (:func:`network_step`):

1. the chain opens the block [CHAIN-8];
2. each runtime's relayer submits, as ``PhalaMq.sync_offchain_message``
   extrinsics, the runtime's pending egress whose sequence the chain has not
   accepted yet, runtimes in name order, each runtime's messages by sender and
   sequence [NET-6];
3. the block's other extrinsics are applied in the order given [NET-7];
4. the chain finalizes the block [CHAIN-10];
5. every runtime processes the block: its outbound messages, its timestamp and
   the chain's ingress after it [NET-8] [OFF-13]; what a runtime signs is
   pending for the next block's relayers.

The relayers keep no state of their own: like production's relayer, each one
reads its runtime's pending egress and the chain's ingress when a block is
built [NET-5]. Replicas of a runtime (same seed, same configuration) given the
same blocks sign byte-identical egress; when their relayers submit it in the
same block the first submission is accepted and the others fail with
``PhalaMq.BadSequence``, which changes nothing [NET-9].
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import immutables

from .chain.messages import MessageOrigin, SignedMessage
from .chain.state import BlockContext, ChainState, Events, Origin, Signed, TokenomicParams
from .offchain.pruntime import (
    RuntimeConfig,
    RuntimeState,
    SyncedBlock,
    new_runtime,
    pending_egress,
    process_block,
)
from .pallets import mq
from .primitives.codec import PlainData, blake2b_256, encode, to_data
from .primitives.crypto import dev_keypair, dev_seed
from .primitives.errors import InvalidInput, RuntimePanic
from .primitives.records import evolve
from .primitives.types import ACCOUNT_ID, BLOCK_NUMBER, BYTES32, U32_KIND, U64_KIND
from .runtime.block import apply_call, finalize_block, initialize_block
from .runtime.genesis import genesis
from .runtime.views import VIEWS
from .runtime.views import observe as observe_chain

ROLES = ("worker", "gatekeeper")
CRYPTO_SETTINGS = ("real", "oracle")
RUNTIME_FIELDS = frozenset({"name", "seed", "key", "role", "relayer", "iterations_per_block"})
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
SYNC_CALL = "PhalaMq.sync_offchain_message"
# The outcome recorded for a relayed extrinsic that production would panic on:
# it is left out of the block, its sequence is not consumed [NET-5].
PANIC = "Panic"


def _runtimes() -> immutables.Map[str, RuntimeState]:
    return immutables.Map()


def _relayers() -> immutables.Map[str, bytes]:
    return immutables.Map()


@attrs.frozen
class NetworkState:
    """The chain, the runtimes by name, each runtime's relayer account, the crypto setting [NET-1].

    ``crypto`` is ``real`` or ``oracle`` [NET-3]: in the oracle setting the
    relayers submit every runtime-made signature as ``True`` and the network's
    plain data shows it so.
    """

    chain: ChainState
    runtimes: immutables.Map[str, RuntimeState] = attrs.field(factory=_runtimes)
    relayers: immutables.Map[str, bytes] = attrs.field(factory=_relayers)
    crypto: str = "real"

    @property
    def names(self) -> tuple[str, ...]:
        """The runtimes' names in the network's order: by code point [NET-1]."""
        return tuple(sorted(self.runtimes))

    def __data__(self) -> dict[str, Any]:
        # [NET-3]: the digest covers the chain and every runtime in full.
        return {
            "chain": to_data(self.chain),
            "crypto": self.crypto,
            "runtimes": {
                name: {
                    "relayer": self.relayers[name],
                    "runtime": runtime_data(self.runtimes[name], self.crypto),
                }
                for name in self.runtimes
            },
        }


def signed_data(signed: SignedMessage, crypto: str) -> dict[str, Any]:
    """A runtime-made signed message as plain data; in the oracle setting its signature is ``True`` [NET-3]."""
    data: dict[str, Any] = to_data(signed)
    if crypto == "oracle":
        data["signature"] = True
    return data


def runtime_data(runtime: RuntimeState, crypto: str) -> PlainData:
    """A runtime's plain data [NET-3].

    A key pair shows its public key only. In the oracle setting every
    signature in its queue is ``True``.
    """
    data: dict[str, Any] = to_data(runtime)
    if crypto == "oracle":
        for channel in data["queue"]:
            channel["messages"] = [{**m, "signature": True} for m in channel["messages"]]
    return data


State = ChainState | NetworkState


# --- Genesis [NET-2] ----------------------------------------------------------------


NETWORK_SUBSYSTEM = "network"
"""The subsystem of a network state that holds the runtimes and the crypto setting [CODEC-3]."""


def subsystems(state: State) -> dict[str, PlainData]:
    """A state's plain data by subsystem [CODEC-3], laid out as [STATE-1]..[STATE-9] say.

    A chain state's subsystems are the top-level keys of its plain data
    (``system``, ``balances``, ``mq``, ...); a network's are its chain's, and
    ``network``: the crypto setting and the runtimes with their relayers.
    """
    if isinstance(state, NetworkState):
        data = to_data(state)
        return {
            **data["chain"],
            NETWORK_SUBSYSTEM: {"crypto": data["crypto"], "runtimes": data["runtimes"]},
        }
    chain: dict[str, PlainData] = to_data(state)
    return chain


def commitments(state: State) -> dict[str, bytes]:
    """The state commitment: each subsystem's digest, BLAKE2b-256 of its canonical encoding [CODEC-3]."""
    return {name: blake2b_256(encode(data)) for name, data in subsystems(state).items()}


def genesis_state(preset: str = "minimal", overrides: Mapping[str, Any] | None = None) -> State:
    """The genesis of a vector: a chain, or a network when the overrides declare ``runtimes`` [NET-2].

    The preset's parameters, with the overrides applied, are the configuration
    [GEN-2] [CHAIN-4]; every other field starts at its default [STATE-6].

    Without a ``runtimes`` override this is exactly :func:`~phala_spec.runtime.genesis.genesis`.
    """
    if overrides is None or not isinstance(overrides, Mapping) or "runtimes" not in overrides:
        return genesis(preset, overrides)
    rest = {key: value for key, value in overrides.items() if key not in ("runtimes", "crypto")}
    crypto = overrides.get("crypto", "real")
    if crypto not in CRYPTO_SETTINGS:
        raise InvalidInput(f"a network's crypto setting is one of {CRYPTO_SETTINGS}")
    return network_genesis(genesis(preset, rest), overrides["runtimes"], crypto)


def default_relayer(name: str) -> bytes:
    """The relayer account of a runtime whose declaration names none: the dev key ``relayer/<name>`` [NET-2]."""
    return dev_keypair(f"relayer/{name}").public


def network_genesis(chain: ChainState, declarations: Any, crypto: str = "real") -> NetworkState:
    """A network of ``chain`` and the declared runtimes, none of which has processed a block [NET-2]."""
    if not isinstance(declarations, list | tuple):
        raise InvalidInput("genesis runtimes are a list of runtime declarations")
    runtimes: dict[str, RuntimeState] = {}
    relayers: dict[str, bytes] = {}
    for declaration in declarations:
        name, runtime, relayer = _runtime_from_declaration(declaration, chain.computation.tokenomic)
        if name in runtimes:
            raise InvalidInput(f"two runtimes are named {name!r}")
        runtimes[name] = runtime
        relayers[name] = relayer
    return NetworkState(chain, immutables.Map(runtimes), immutables.Map(relayers), crypto)


def _runtime_from_declaration(
    data: Any, tokenomic: TokenomicParams | None
) -> tuple[str, RuntimeState, bytes]:
    if not isinstance(data, Mapping) or not set(data) <= RUNTIME_FIELDS:
        raise InvalidInput(
            f"a runtime declaration is a map with fields among {sorted(RUNTIME_FIELDS)}"
        )
    name = data.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise InvalidInput(f"a runtime's name is text matching {NAME_PATTERN.pattern}")
    if ("seed" in data) == ("key" in data):
        raise InvalidInput(
            f"runtime {name!r}: give exactly one of seed (32 bytes) and key (a name)"
        )
    if "seed" in data:
        seed = BYTES32.decode(data["seed"], f"runtime {name!r}: the seed")
    else:
        key = data["key"]
        if not isinstance(key, str) or not key:
            raise InvalidInput(f"runtime {name!r}: a key is a non-empty dev key name")
        try:
            seed = dev_seed(key)
        except ValueError as exc:
            raise InvalidInput(f"runtime {name!r}: {exc}") from None
    role = data.get("role")
    if role not in ROLES:
        raise InvalidInput(f"runtime {name!r}: role is one of {ROLES}")
    relayer = data["relayer"] if "relayer" in data else default_relayer(name)
    relayer = ACCOUNT_ID.decode(relayer, f"runtime {name!r}: the relayer account")
    options: dict[str, Any] = {"gatekeeper": role == "gatekeeper"}
    if "iterations_per_block" in data:
        options["iterations_per_block"] = U32_KIND.decode(
            data["iterations_per_block"], f"runtime {name!r}: iterations_per_block"
        )
    try:
        config = RuntimeConfig(**options)
    except ValueError as exc:
        raise InvalidInput(f"runtime {name!r}: {exc}") from exc
    # A gatekeeper starts from the chain's genesis parameters [GK-22].
    return name, new_runtime(seed, config, tokenomic), relayer


def role_of(runtime: RuntimeState) -> str:
    """``gatekeeper`` or ``worker`` [NET-2]."""
    return "gatekeeper" if runtime.config.gatekeeper else "worker"


# --- The relayer [NET-5] [NET-6] -------------------------------------------------------


@attrs.frozen
class Relayed:
    """One message a relayer submits: whose runtime, which relayer, the signed message [NET-6]."""

    runtime: str
    relayer: bytes
    signed: SignedMessage


def unaccepted_egress(chain: ChainState, runtime: RuntimeState) -> tuple[SignedMessage, ...]:
    """A runtime's pending egress that the chain has not accepted, by sender then sequence [NET-5].

    The order of senders is the order of their SCALE encodings; within a
    sender, messages are in sequence order. A message is accepted once the
    chain's next sequence for its sender is above its own.
    """
    return tuple(
        signed
        for sender, messages in pending_egress(runtime)
        for signed in sorted(messages, key=lambda m: m.sequence)
        if signed.sequence >= mq.ingress(chain, sender)
    )


def relay_batch(net: NetworkState, withheld: Iterable[str] = ()) -> tuple[Relayed, ...]:
    """What the relayers submit at the start of the next block, in order [NET-6].

    Runtimes in name order; relayers of ``withheld`` runtimes submit nothing.
    Every relayer reads the same chain state: the state before the block.
    """
    skipped = frozenset(withheld)
    return tuple(
        Relayed(name, net.relayers[name], signed)
        for name in net.names
        if name not in skipped
        for signed in unaccepted_egress(net.chain, net.runtimes[name])
    )


def sync_call_args(signed: SignedMessage, crypto: str = "real") -> dict[str, Any]:
    """The arguments of ``PhalaMq.sync_offchain_message`` carrying ``signed`` [NET-6] [MQ-10].

    In the oracle setting the signature is submitted as ``True``: a runtime's
    signature is valid [NET-3].
    """
    return {"signed_message": signed_data(signed, crypto)}


# --- One block of the network [NET-4]..[NET-10] -------------------------------------------

Extrinsic = tuple[Origin, str, Any]


@attrs.frozen
class ExtrinsicReport:
    """The outcome of one extrinsic of the block [NET-10].

    ``runtime`` names the runtime whose egress a relayer submitted (with the
    message's ``sender`` and ``sequence``); all three are ``None`` for the
    block's other extrinsics.
    """

    runtime: str | None
    sender: MessageOrigin | None
    sequence: int | None
    call: str
    outcome: str


@attrs.frozen
class BlockReport:
    """What one network block did [NET-10].

    ``extrinsics``: every extrinsic in block order with its outcome;
    ``events``: every event the chain deposited, in order (hooks and
    successful extrinsics); ``egress``: what each runtime signed while
    processing the block (runtimes that signed nothing are absent);
    ``halted``: the runtimes that halted on this block.
    """

    extrinsics: tuple[ExtrinsicReport, ...]
    events: Events
    egress: immutables.Map[str, tuple[SignedMessage, ...]]
    halted: tuple[str, ...]
    crypto: str = "real"

    def __data__(self) -> dict[str, Any]:
        return {
            "extrinsics": [to_data(e) for e in self.extrinsics],
            "egress": {
                name: [signed_data(m, self.crypto) for m in self.egress[name]]
                for name in sorted(self.egress)
            },
            "halted": list(self.halted),
        }


def synced_block(chain: ChainState) -> SyncedBlock:
    """What a runtime reads from the chain's last finalized block [NET-8] [OFF-13] [KEY-13]."""
    block = chain.system.block
    return SyncedBlock(
        number=block.number,
        timestamp_ms=block.timestamp,
        messages=chain.mq.outbound,
        ingress=chain.mq.ingress,
        gatekeepers=chain.registry.gatekeepers,
        pink_system_code=chain.phat.pink_system_code,
        pink_runtime_version=chain.phat.pink_runtime_version,
    )


def network_step(
    net: NetworkState,
    ctx: BlockContext,
    extrinsics: Sequence[Extrinsic] = (),
    withheld: Iterable[str] = (),
) -> tuple[NetworkState, BlockReport]:
    """Advance the network by one block [NET-4].

    ``extrinsics`` are the block's extrinsics other than the relayers', as
    ``(origin, call, args)``; ``withheld`` names runtimes whose relayers submit
    nothing in this block. Input that is not a block (a block number or
    timestamp out of range or not increasing, an unknown call or runtime, a
    malformed argument) is invalid input and changes nothing.
    """
    skipped = frozenset(withheld)
    unknown = sorted(skipped - set(net.runtimes))
    if unknown:
        raise InvalidInput(f"withheld names unknown runtimes {unknown}")
    if ctx.number == 0:
        # The genesis block opens only on a chain, for calls a test makes at block 0 [CHAIN-14].
        raise InvalidInput("a network block's number must exceed the genesis block's")
    batch = relay_batch(net, skipped)
    chain, events = initialize_block(net.chain, ctx)
    reports: list[ExtrinsicReport] = []
    for item in batch:
        try:
            result = apply_call(
                chain, Signed(item.relayer), SYNC_CALL, sync_call_args(item.signed, net.crypto)
            )
        except RuntimePanic:
            # The block author drops an extrinsic that would panic [CHAIN-11] [NET-5].
            reports.append(
                ExtrinsicReport(
                    item.runtime, item.signed.message.sender, item.signed.sequence, SYNC_CALL, PANIC
                )
            )
            continue
        chain = result.state
        events = (*events, *result.events)
        reports.append(
            ExtrinsicReport(
                item.runtime,
                item.signed.message.sender,
                item.signed.sequence,
                SYNC_CALL,
                result.outcome,
            )
        )
    chain, applied, others = apply_extrinsics(chain, extrinsics)
    events = (*events, *applied)
    reports.extend(others)
    chain, finalized = finalize_block(chain)
    events = (*events, *finalized)
    runtimes, egress, halted = process_all(net.runtimes, synced_block(chain))
    report = BlockReport(tuple(reports), events, egress, halted, net.crypto)
    return evolve(net, chain=chain, runtimes=runtimes), report


def apply_extrinsics(
    chain: ChainState, extrinsics: Sequence[Extrinsic]
) -> tuple[ChainState, Events, list[ExtrinsicReport]]:
    """The block's other extrinsics, after the relayers', in the order given [NET-7].

    Each is a call of the call table with its origin; a failed one changes
    nothing and the next is applied all the same. Returns the chain, their
    events in order and one report per extrinsic [NET-10].
    """
    events: Events = ()
    reports: list[ExtrinsicReport] = []
    for origin, call, args in extrinsics:
        result = apply_call(chain, origin, call, args)
        chain = result.state
        events = (*events, *result.events)
        reports.append(ExtrinsicReport(None, None, None, call, result.outcome))
    return chain, events, reports


def block_randomness(number: int) -> bytes:
    """The randomness of a block of a ``network_blocks`` run: BLAKE2b-256 of the number as 8 little-endian bytes [NET-17]."""
    return blake2b_256(number.to_bytes(8, "little"))


def network_blocks(
    net: NetworkState, count: int, interval: int
) -> tuple[NetworkState, dict[str, PlainData]]:
    """Advance the network by ``count`` blocks without extrinsics [NET-17].

    Block ``n`` follows the chain's last block, its timestamp is the previous
    one plus ``interval`` milliseconds and its randomness
    :func:`block_randomness`. Returns the network and the run's summary:
    ``blocks`` (the count), ``last`` (the last block's number) and ``digest``,
    BLAKE2b-256 of the canonical encoding of the list of every block's
    ``{events, report}`` in order.
    """
    U32_KIND.decode(count, "a network_blocks count")
    U64_KIND.decode(interval, "a network_blocks interval")
    if count == 0:
        raise InvalidInput("a network_blocks step runs at least one block")
    block = net.chain.system.block
    BLOCK_NUMBER.decode(block.number + count, "the last block's number")
    U64_KIND.decode(block.timestamp + count * interval, "the last block's timestamp")
    trace: list[PlainData] = []
    number, timestamp = block.number, block.timestamp
    for _ in range(count):
        number, timestamp = number + 1, timestamp + interval
        net, report = network_step(net, BlockContext(number, timestamp, block_randomness(number)))
        trace.append({"events": [to_data(e) for e in report.events], "report": to_data(report)})
    return net, {"blocks": count, "last": number, "digest": blake2b_256(encode(trace))}


def process_all(
    runtimes: immutables.Map[str, RuntimeState], block: SyncedBlock
) -> tuple[
    immutables.Map[str, RuntimeState],
    immutables.Map[str, tuple[SignedMessage, ...]],
    tuple[str, ...],
]:
    """Every runtime processes the block [NET-8]; returns the runtimes, their new egress, who halted."""
    egress: dict[str, tuple[SignedMessage, ...]] = {}
    halted: list[str] = []
    with runtimes.mutate() as updated:
        for name in sorted(runtimes):
            before = runtimes[name]
            after, emitted = process_block(before, block)
            if after is not before:
                updated[name] = after
            if emitted:
                egress[name] = emitted
            if after.halted is not None and before.halted is None:
                halted.append(name)
        result = updated.finish()
    return result, immutables.Map(egress), tuple(halted)


# --- Views [NET-11]..[NET-14] -----------------------------------------------------------


def _runtime_arg(net: NetworkState, args: Sequence[Any], count: int = 1) -> RuntimeState:
    if len(args) != count or not isinstance(args[0], str):
        raise InvalidInput(f"this view takes a runtime name{' and more' if count > 1 else ''}")
    runtime = net.runtimes.get(args[0])
    if runtime is None:
        raise InvalidInput(f"no runtime is named {args[0]!r}")
    return runtime


def view_runtimes(net: NetworkState, args: Sequence[Any]) -> PlainData:
    """``runtimes()``: every runtime's name, role, public key and relayer, in name order [NET-11]."""
    if args:
        raise InvalidInput("this view takes no arguments")
    return [
        {
            "name": name,
            "role": role_of(net.runtimes[name]),
            "pubkey": net.runtimes[name].pubkey,
            "relayer": net.relayers[name],
        }
        for name in net.names
    ]


def view_runtime(net: NetworkState, args: Sequence[Any]) -> PlainData:
    """``runtime(name)``: progress, halt and egress channels of a runtime [NET-12]."""
    runtime = _runtime_arg(net, args)
    return {
        "role": role_of(runtime),
        "pubkey": runtime.pubkey,
        "last_block": runtime.last_block,
        "halted": to_data(runtime.halted),
        "channels": [
            {
                "sender": to_data(sender),
                "sequence": channel.sequence,
                "dummy": channel.dummy,
                "pending": len(channel.messages),
            }
            for sender, channel in sorted(
                runtime.queue.channels.items(), key=lambda item: item[0].encode()
            )
        ],
    }


def view_pending_egress(net: NetworkState, args: Sequence[Any]) -> PlainData:
    """``pending_egress(name)``: what the runtime's relayer submits in the next block, in order [NET-13]."""
    return [
        signed_data(m, net.crypto) for m in unaccepted_egress(net.chain, _runtime_arg(net, args))
    ]


def view_runtime_worker(net: NetworkState, args: Sequence[Any]) -> PlainData:
    """``runtime_worker(name, pubkey)``: the runtime's record of a worker, or null [NET-14]."""
    runtime = _runtime_arg(net, args, 2)
    pubkey = BYTES32.decode(args[1], "a worker's public key")
    worker = runtime.workers.get(pubkey)
    if worker is None:
        return None
    return {
        "registered": worker.registered,
        "bench": to_data(worker.bench),
        "working": to_data(worker.working),
    }


def view_runtime_keys(net: NetworkState, args: Sequence[Any]) -> PlainData:
    """``runtime_keys(name)``: what the runtime holds of the master key [KEY-20]."""
    keys = _runtime_arg(net, args).keys
    return {
        "active": keys.active,
        "history": [
            {"rotation_id": k.rotation_id, "block_height": k.block_height, "pubkey": k.key.public}
            for k in keys.history
        ],
        "iv_seq": keys.iv_seq,
        "last_random_number": keys.last_random_number,
        "launched": keys.launched,
        "registered": keys.registered,
        "journal": len(keys.journal),
    }


def view_runtime_cluster(net: NetworkState, args: Sequence[Any]) -> PlainData:
    """``runtime_cluster(name)``: the Phat cluster the runtime hosts, or null [PHAT-66]."""
    cluster = _runtime_arg(net, args).cluster
    return None if cluster is None else to_data(cluster)


NETWORK_VIEWS: Mapping[str, Callable[[NetworkState, Sequence[Any]], PlainData]] = {
    "runtimes": view_runtimes,
    "runtime": view_runtime,
    "pending_egress": view_pending_egress,
    "runtime_worker": view_runtime_worker,
    "runtime_keys": view_runtime_keys,
    "runtime_cluster": view_runtime_cluster,
}


def observe(state: State, view: Any, args: Any = ()) -> PlainData:
    """A view of a chain or a network state [VIEW-1] [NET-11].

    On a network, the chain's views see its chain; the network views need a
    network.
    """
    if isinstance(state, NetworkState):
        if isinstance(view, str) and view in NETWORK_VIEWS:
            if not isinstance(args, list | tuple):
                raise InvalidInput("view arguments are a list")
            return NETWORK_VIEWS[view](state, args)
        return observe_chain(state.chain, view, args)
    if isinstance(view, str) and view in NETWORK_VIEWS and view not in VIEWS:
        raise InvalidInput(f"the view {view!r} needs a network (a genesis with runtimes)")
    return observe_chain(state, view, args)


def view_names() -> list[str]:
    """Every view a state may answer: the chain's and the network's [VIEW-1] [NET-11]."""
    return sorted({*VIEWS, *NETWORK_VIEWS})


def chain_of(state: State) -> ChainState:
    """The chain of a chain or network state."""
    return state.chain if isinstance(state, NetworkState) else state
