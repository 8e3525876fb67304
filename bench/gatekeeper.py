"""``phala-spec bench`` section ``gatekeeper``: a gatekeeper runtime processing blocks [GK-3].

A gatekeeper runtime whose worker table holds ``n`` registered workers, each
with a computing session and the economics of a started session ([GK-8]),
processes blocks as a network gives them ([OFF-13]): each block carries the
chain's heartbeat challenge (seed from the block, the target of ``n`` online
workers, [CMP-8], so about 20 hits a block, each worker at most twice an
hour) and the heartbeats of the workers hit in the previous block, relayed
([GK-11]); the runtime opens the block with the sum of shares, replays the
challenge on every replica, pays the heartbeats and closes every worker
(idle growth, [GK-17]), then signs its report with the master key ([GK-19]) and, every fifth block,
its beacon ([KEY-14]).
Sizes: 1,000 and 30,000 working workers in one run (``--quick``: 100 and
1,000). The figures: blocks per second, cost per worker and block, and the
ratio of the per-worker costs (1.0 means linear).

Setting the workers up through the chain would replay every registration
for every replica, so the benchmark builds the runtime's tables directly: the
records a gatekeeper holds after the workers registered and started.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

SIZES = (1_000, 30_000)
QUICK_SIZES = (100, 1_000)
BLOCK_MS = 12_000


def gatekeeper_with(n: int) -> tuple[Any, list[Any]]:
    """A gatekeeper runtime tracking ``n`` computing workers, and their key pairs."""
    import attrs
    import immutables

    from phala_spec.chain.computation_payloads import default_tokenomic
    from phala_spec.chain.messages import GATEKEEPER
    from phala_spec.offchain import gatekeeper as gk
    from phala_spec.offchain.master_key import MasterKeys, RotatedKey
    from phala_spec.offchain.pruntime import (
        COMPUTING,
        RuntimeConfig,
        WorkerState,
        WorkingState,
        new_runtime,
        set_dummy,
    )
    from phala_spec.primitives.codec import blake2b_256
    from phala_spec.primitives.crypto import dev_keypair, keypair_from_seed
    from phala_spec.primitives.fixed import from_int

    runtime = new_runtime(blake2b_256(b"bench/gatekeeper"), RuntimeConfig(gatekeeper=True))
    keys = [keypair_from_seed(blake2b_256(b"bench/worker/%d" % i)) for i in range(n)]
    replicas = dict(runtime.workers)
    records = {}
    init_v = from_int(6_000)
    for session_id, key in enumerate(keys):
        replicas[key.public] = WorkerState(
            key.public,
            registered=True,
            working=WorkingState(session_id, COMPUTING, 0, 0),
        )
        records[key.public] = gk.WorkerEconomics(
            gk.TokenomicInfo(
                v=init_v,
                v_init=init_v,
                p_bench=from_int(500),
                p_instant=from_int(500),
                confidence_level=1,
            )
        )
    econ = gk.new_economics(default_tokenomic())
    econ = attrs.evolve(econ, workers=immutables.Map(records))
    runtime = attrs.evolve(
        runtime,
        workers=immutables.Map(replicas),
        economics=econ,
        keys=MasterKeys(
            history=(RotatedKey(0, 0, dev_keypair("bench/master")),),
            active=True,
            launched=True,
            registered=True,
        ),
        queue=set_dummy(runtime.queue, GATEKEEPER, dummy=False),
    )
    return runtime, keys


def blocks_for(runtime: Any, keys: list[Any], count: int, first: int) -> tuple[Any, list[Any]]:
    """``count`` synced blocks from ``first`` on, each with the challenge and the previous block's
    heartbeats; the runtime after processing them all (blocks are built as they are processed)."""
    from phala_spec.chain.messages import Message, MessageOrigin
    from phala_spec.chain.system_payloads import HeartbeatChallenge, HeartbeatV2
    from phala_spec.chain.worker_messages import (
        SYSTEM_EVENT_TOPIC,
        WORKING_REPORT_TOPIC,
        encode_payload,
    )
    from phala_spec.network import block_randomness
    from phala_spec.offchain.pruntime import SyncedBlock, heartbeat_hit, process_block
    from phala_spec.pallets.computation import PALLET, pow_target

    target = pow_target(20, len(keys), 12)
    owed: list[tuple[Any, int]] = []
    timings = []
    for number in range(first, first + count):
        seed = int.from_bytes(block_randomness(number), "big")
        messages = [
            Message(
                MessageOrigin("Worker", key.public),
                WORKING_REPORT_TOPIC,
                encode_payload(
                    HeartbeatV2(
                        session_id=runtime.workers[key.public].working.session_id,
                        challenge_block=block,
                        challenge_time=block * BLOCK_MS,
                        iterations=block * 250,
                        n_clusters=0,
                        n_contracts=0,
                    )
                ),
            )
            for key, block in owed
        ]
        messages.append(
            Message(
                PALLET,
                SYSTEM_EVENT_TOPIC,
                encode_payload(HeartbeatChallenge(seed=seed, online_target=target)),
            )
        )
        synced = SyncedBlock(number=number, timestamp_ms=number * BLOCK_MS, messages=messages)
        start = time.perf_counter()
        runtime, _ = process_block(runtime, synced)
        timings.append(time.perf_counter() - start)
        if runtime.halted is not None:
            raise AssertionError(f"the gatekeeper halted: {runtime.halted.reason}")
        owed = [
            (key, number)
            for key in keys
            if heartbeat_hit(runtime.workers[key.public].hashed_id, seed, target)
        ]
    return runtime, timings


def measure_gatekeeper(*, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Blocks per second and cost per worker at each size, and the ratio [GK-3]."""
    del seed  # the workload is fixed: keys, challenges and heartbeats derive from names
    sizes = QUICK_SIZES if quick else SIZES
    count = 3 if quick else 10
    measurements = []
    for n in sizes:
        runtime, keys = gatekeeper_with(n)
        runtime, timings = blocks_for(runtime, keys, count + 1, 1)
        per_block = statistics.median(timings[1:])  # the first block has no heartbeat to pay
        measurements.append(
            {
                "workers": n,
                "blocks": count,
                "seconds_per_block": per_block,
                "microseconds_per_worker": per_block / n * 1e6,
            }
        )
    small, large = measurements
    return {
        "measurements": measurements,
        "ratios": {
            "per_worker_cost_large_over_small": large["microseconds_per_worker"]
            / small["microseconds_per_worker"]
        },
    }


def print_gatekeeper(console: Any, figures: dict[str, Any], quick: bool) -> None:
    from rich.table import Table

    table = Table(
        title="phala-spec bench: gatekeeper block processing"
        + (" (--quick: noisy)" if quick else "")
    )
    for column in ("working workers", "blocks/s", "ms/block", "µs per worker"):
        table.add_column(column, justify="right")
    for m in figures["measurements"]:
        table.add_row(
            f"{m['workers']:,}",
            f"{1 / m['seconds_per_block']:,.2f}",
            f"{m['seconds_per_block'] * 1e3:,.1f}",
            f"{m['microseconds_per_worker']:,.1f}",
        )
    console.print(table)
    small, large = figures["measurements"]
    console.print(
        f"cost per worker at {large['workers']:,} / at {small['workers']:,} workers: "
        f"{figures['ratios']['per_worker_cost_large_over_small']:.2f}"
    )
