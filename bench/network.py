"""``phala-spec bench`` sections ``mq`` and ``network`` [MQ-10] [NET-4].

* ``mq``: signed messages accepted per second by ``PhalaMq.sync_offchain_message``
  (through :func:`phala_spec.apply_step`, and on the pallet function), beside
  the raw Ed25519 verification rate of the same machine on the same signed
  bytes ([CRYPTO-1]); their ratio says how much of an accepted message is the
  signature check. Messages come from 16 workers in sequence order, to an
  off-chain topic, 100 per block; all are accepted (checked).
* ``network``: network steps ([NET-4]) per second with 10 and with 1,000
  runtimes (``--quick``: 10 and 100). Every runtime is a worker that is
  registered and computing; each block root pushes one heartbeat challenge
  that hits about one worker in twenty, so every block carries a challenge
  for all runtimes to read and the previous block's heartbeats for the
  relayers to submit. Setting the workers up through the chain would have
  every runtime read every other worker's registration (n² messages), so the
  benchmark starts from runtimes whose own worker record already says
  registered and computing.

Each figure is the median over interleaved batches, as in the balances
section.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

SENDERS = 16
TOPIC = b"phala/mining/report"
PER_BLOCK = 100
NETWORK_SIZES = (10, 1_000)
QUICK_NETWORK_SIZES = (10, 100)
HIT_ONE_IN = 20


def _median_rate(batches: Sequence[Callable[[], int]], rounds: int) -> float:
    """Run each zero-argument batch ``rounds`` times in turn; median of items per second."""
    rates = []
    for _ in range(rounds):
        for batch in batches:
            start = time.perf_counter()
            items = batch()
            rates.append(items / (time.perf_counter() - start))
    return statistics.median(rates)


# --- mq ------------------------------------------------------------------------------------


def signed_workload(count: int, seed: int) -> list[Any]:
    """``count`` signed messages from :data:`SENDERS` workers, each sender's in sequence order."""
    from phala_spec.chain.messages import Message, MessageOrigin, SignedMessage, signed_bytes
    from phala_spec.primitives.crypto import dev_keypair, sign

    rng = random.Random(seed)
    keys = [dev_keypair(f"bench/mq/worker{i}") for i in range(SENDERS)]
    sequences = [0] * SENDERS
    out = []
    for _ in range(count):
        i = rng.randrange(SENDERS)
        message = Message(MessageOrigin("Worker", keys[i].public), TOPIC, rng.randbytes(32))
        sequence = sequences[i]
        sequences[i] += 1
        out.append(SignedMessage(message, sequence, sign(keys[i], signed_bytes(message, sequence))))
    return out


def _open_chain(number: int = 1) -> Any:
    from phala_spec import apply_step
    from phala_spec.runtime.genesis import genesis

    state = genesis("minimal")
    step = {
        "kind": "initialize_block",
        "number": number,
        "timestamp": number * 12_000,
        "randomness": b"\x00" * 32,
    }
    return apply_step(state, step).state


def _next_block(state: Any) -> Any:
    from phala_spec import apply_step

    number = state.system.block.number + 1
    state = apply_step(state, {"kind": "finalize_block"}).state
    return apply_step(
        state,
        {
            "kind": "initialize_block",
            "number": number,
            "timestamp": number * 12_000,
            "randomness": b"\x00" * 32,
        },
    ).state


def measure_mq(*, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Accepted signed messages per second beside raw Ed25519 verifications per second."""
    from phala_spec import apply_step
    from phala_spec.chain.messages import signed_bytes
    from phala_spec.chain.state import Signed
    from phala_spec.pallets.mq import sync_offchain_message
    from phala_spec.primitives.codec import to_data
    from phala_spec.primitives.crypto import dev_keypair, verify

    batches, rounds = (3, 1) if quick else (12, 1)
    messages = signed_workload(PER_BLOCK * batches, seed)
    chunks = [messages[i : i + PER_BLOCK] for i in range(0, len(messages), PER_BLOCK)]
    relayer = dev_keypair("bench/mq/relayer").public
    origin = {"kind": "signed", "who": relayer}

    steps = {"state": _open_chain(), "outcomes": []}
    pallet = {"state": _open_chain()}

    def by_steps(chunk: Sequence[Any]) -> Callable[[], int]:
        plain = [
            {
                "kind": "call",
                "origin": origin,
                "call": "PhalaMq.sync_offchain_message",
                "args": {"signed_message": to_data(m)},
            }
            for m in chunk
        ]

        def run() -> int:
            state = steps["state"]
            for step in plain:
                result = apply_step(state, step)
                state = result.state
                steps["outcomes"].append(result.outcome)
            steps["state"] = _next_block(state)
            return len(plain)

        return run

    def by_pallet(chunk: Sequence[Any]) -> Callable[[], int]:
        def run() -> int:
            state = pallet["state"]
            ctx, who = state.system.block, Signed(relayer)
            for message in chunk:
                state, _ = sync_offchain_message(state, ctx, who, message)
            pallet["state"] = _next_block(state)
            return len(chunk)

        return run

    verify_inputs = [
        [(m.message.sender.id, signed_bytes(m.message, m.sequence), m.signature) for m in chunk]
        for chunk in chunks
    ]

    def by_verify(inputs: Sequence[tuple[bytes, bytes, bytes]]) -> Callable[[], int]:
        def run() -> int:
            ok = 0
            for public, data, signature in inputs:
                ok += verify(public, data, signature)
            assert ok == len(inputs)
            return len(inputs)

        return run

    # Interleave: batch i of every implementation, then batch i + 1, ...
    rates: dict[str, list[float]] = {"apply_step": [], "pallet_function": [], "ed25519_verify": []}
    for index, chunk in enumerate(chunks):
        for name, make in (
            ("apply_step", by_steps(chunk)),
            ("pallet_function", by_pallet(chunk)),
            ("ed25519_verify", by_verify(verify_inputs[index])),
        ):
            rates[name].append(_median_rate([make], rounds))
    accepted = all(o == "ok" for o in steps["outcomes"]) and len(steps["outcomes"]) == len(messages)
    per_second = {name: statistics.median(values) for name, values in rates.items()}
    return {
        "messages": len(messages),
        "senders": SENDERS,
        "per_block": PER_BLOCK,
        "all_accepted": accepted,
        "measurements": [
            {"name": "sync_offchain_message_apply_step", "per_second": per_second["apply_step"]},
            {
                "name": "sync_offchain_message_pallet_function",
                "per_second": per_second["pallet_function"],
            },
            {"name": "ed25519_verify", "per_second": per_second["ed25519_verify"]},
        ],
        "ratios": {
            # the share of a verification's speed the pallet keeps (1 = nothing but the check)
            "accepted_over_verify": per_second["apply_step"] / per_second["ed25519_verify"],
            "pallet_function_over_verify": per_second["pallet_function"]
            / per_second["ed25519_verify"],
        },
    }


# --- network ---------------------------------------------------------------------------------


def computing_network(size: int) -> Any:
    """A network of ``size`` worker runtimes, each one's own worker registered and computing."""
    import attrs
    import immutables

    from phala_spec.network import NetworkState, genesis_state
    from phala_spec.offchain.pruntime import COMPUTING, WorkingState

    declarations = [{"name": f"w{i:05d}", "seed": _seed(i), "role": "worker"} for i in range(size)]
    net = genesis_state("minimal", {"runtimes": declarations})
    assert isinstance(net, NetworkState)
    runtimes = {}
    for name, runtime in net.runtimes.items():
        own = attrs.evolve(
            runtime.worker, registered=True, working=WorkingState(1, COMPUTING, 0, 0)
        )
        runtimes[name] = attrs.evolve(runtime, workers=runtime.workers.set(runtime.pubkey, own))
    return attrs.evolve(net, runtimes=immutables.Map(runtimes))


def _seed(i: int) -> bytes:
    from phala_spec.primitives.codec import blake2b_256

    return bytes(blake2b_256(b"phala-spec/bench/runtime/%d" % i))


def measure_network(*, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Network steps per second with 10 and 1,000 runtimes (quick: 10 and 100)."""
    from phala_spec.chain.state import BlockContext, Root
    from phala_spec.chain.system_payloads import HeartbeatChallenge
    from phala_spec.chain.worker_messages import SYSTEM_EVENT_TOPIC, encode_payload
    from phala_spec.network import network_step
    from phala_spec.primitives.arith import U256_MAX

    sizes = QUICK_NETWORK_SIZES if quick else NETWORK_SIZES
    rng = random.Random(seed)
    rows = []
    for size in sizes:
        blocks = (4 if quick else 30) if size <= 10 else (2 if quick else 4)
        net = computing_network(size)
        relayed = egress = 0
        rates = []
        for number in range(1, blocks + 2):  # the first block only warms up
            challenge = HeartbeatChallenge(rng.randrange(U256_MAX), U256_MAX // HIT_ONE_IN)
            extrinsics = [
                (
                    Root(),
                    "PhalaMq.force_push_pallet_message",
                    {"destination": SYSTEM_EVENT_TOPIC, "payload": encode_payload(challenge)},
                )
            ]
            ctx = BlockContext(number, number * 12_000, rng.randbytes(32))
            start = time.perf_counter()
            net, report = network_step(net, ctx, extrinsics)
            elapsed = time.perf_counter() - start
            if number > 1:
                rates.append(1 / elapsed)
                relayed += sum(e.runtime is not None for e in report.extrinsics)
                egress += sum(len(m) for m in report.egress.values())
            assert all(e.outcome == "ok" for e in report.extrinsics)
        rows.append(
            {
                "runtimes": size,
                "blocks": blocks,
                "steps_per_second": statistics.median(rates),
                "relayed_per_block": relayed / blocks,
                "egress_per_block": egress / blocks,
            }
        )
    small, large = rows
    return {
        "hit_one_in": HIT_ONE_IN,
        "measurements": rows,
        "ratios": {
            "steps_small_over_large": small["steps_per_second"] / large["steps_per_second"],
            # about 1 when each runtime costs the same in a large network as in a small one
            "per_runtime_cost_large_over_small": (small["steps_per_second"] * small["runtimes"])
            / (large["steps_per_second"] * large["runtimes"]),
        },
    }
