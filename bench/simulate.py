"""``phala-spec bench`` section ``simulate``: a network day's blocks per second at three sizes [SIM-7].

The sizes are 1/100, 1/10 and all of the mainnet figures of [SIM-1] (workers,
pools and stakers; ``--quick``: two tiny ones). At each size the
simulation is set up (block 1, timed apart) and runs a few blocks on the fast
path; each block's time is split between the gatekeeper's block (its pass
over every worker, the heartbeats, the challenge) and the rest (the
chain: reports, heartbeats and withdrawals dispatched, the block opened and
closed). At 1/10 size the same blocks also run on the readable path: the
ratio of the gatekeeper's times is what the readable records (frozen attrs
records in a persistent map, rebuilt field by field) cost beside plain
lists of integers, the persistent-state overhead the fast path removes.
The figures: blocks per second, the gatekeeper's cost per worker and block
and its ratio between sizes (1.0 means linear; the chain's part does not grow
with the workers, as the challenge asks about 20 heartbeats a block,
[CMP-8]), and that overhead. Times are the process's CPU time, not the wall
clock, so that other work on a shared machine does not count; the blocks
run as the command runs them, with the cycle collector settled after the
setup (:func:`phala_spec.simulate.collector_settled`).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

SIZES = ((300, 100, 1_000, 20), (3_000, 1_000, 10_000, 20), (30_000, 10_000, 100_000, 5))
QUICK_SIZES = ((20, 5, 20, 3), (200, 50, 200, 3))
COMPARED = 1  # the size also run on the readable path


def run_blocks(sim: Any, count: int) -> dict[str, float]:
    """Time ``count`` blocks: the median block, its gatekeeper part and the rest."""
    from phala_spec import simulate

    gatekeeper_block = simulate._gatekeeper_block
    spent: list[float] = []

    def timed(*args: Any) -> None:
        start = time.process_time()
        gatekeeper_block(*args)
        spent.append(time.process_time() - start)

    totals = []
    simulate._gatekeeper_block = timed  # type: ignore[assignment]
    try:
        with simulate.collector_settled():  # as the command runs its blocks
            for _ in range(count):
                start = time.process_time()
                simulate.step(sim)
                totals.append(time.process_time() - start)
    finally:
        simulate._gatekeeper_block = gatekeeper_block
    block, gk = statistics.median(totals), statistics.median(spent)
    return {"seconds_per_block": block, "gatekeeper_seconds": gk, "chain_seconds": block - gk}


def measure_simulate(*, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Blocks per second at each size, linearity, and the readable records' overhead [SIM-7]."""
    from phala_spec.simulate import Sizes, digest, setup

    sizes = QUICK_SIZES if quick else SIZES
    measurements = []
    overhead: dict[str, Any] = {}
    for index, (workers, pools, stakers, count) in enumerate(sizes):
        shape = Sizes(workers, pools, stakers, count, seed)
        start = time.process_time()
        sim = setup(shape)
        setup_seconds = time.process_time() - start
        figures = run_blocks(sim, count)
        measurements.append(
            {
                "workers": workers,
                "pools": pools,
                "stakers": stakers,
                "blocks": count,
                "setup_seconds": setup_seconds,
                **figures,
                "microseconds_per_worker": figures["seconds_per_block"] / workers * 1e6,
                "gatekeeper_microseconds_per_worker": figures["gatekeeper_seconds"] / workers * 1e6,
            }
        )
        if index == COMPARED:
            readable = setup(shape, fast=False)
            slow = run_blocks(readable, count)
            overhead = {
                "workers": workers,
                "readable_gatekeeper_seconds": slow["gatekeeper_seconds"],
                "fast_gatekeeper_seconds": figures["gatekeeper_seconds"],
                "readable_over_fast_gatekeeper": slow["gatekeeper_seconds"]
                / figures["gatekeeper_seconds"],
                "readable_over_fast_block": slow["seconds_per_block"]
                / figures["seconds_per_block"],
                "same_digest": digest(readable) == digest(sim),
            }
    first, last = measurements[0], measurements[-1]
    return {
        "measurements": measurements,
        "ratios": {
            "per_worker_cost_largest_over_smallest": last["microseconds_per_worker"]
            / first["microseconds_per_worker"],
            "gatekeeper_per_worker_cost_largest_over_smallest": last[
                "gatekeeper_microseconds_per_worker"
            ]
            / first["gatekeeper_microseconds_per_worker"],
        },
        "readable_overhead": overhead,
    }


def print_simulate(console: Any, figures: dict[str, Any], quick: bool) -> bool:
    from rich.table import Table

    table = Table(
        title="phala-spec bench: simulate, fast path" + (" (--quick: noisy)" if quick else "")
    )
    for column in (
        "workers",
        "pools",
        "stakers",
        "setup s",
        "blk/s",
        "ms/blk",
        "gk ms",
        "chain ms",
    ):
        table.add_column(column, justify="right")
    for m in figures["measurements"]:
        table.add_row(
            f"{m['workers']:,}",
            f"{m['pools']:,}",
            f"{m['stakers']:,}",
            f"{m['setup_seconds']:,.1f}",
            f"{1 / m['seconds_per_block']:,.2f}",
            f"{m['seconds_per_block'] * 1e3:,.1f}",
            f"{m['gatekeeper_seconds'] * 1e3:,.1f}",
            f"{m['chain_seconds'] * 1e3:,.1f}",
        )
    console.print(table)
    over = figures["readable_overhead"]
    console.print(
        "the gatekeeper's cost per worker, largest / smallest size: "
        f"{figures['ratios']['gatekeeper_per_worker_cost_largest_over_smallest']:.2f} "
        "(the chain's part is about 20 heartbeats a block at any size); "
        f"at {over['workers']:,} workers the readable records' gatekeeper block costs "
        f"{over['readable_over_fast_gatekeeper']:.1f}× the columns' "
        f"({over['readable_over_fast_block']:.1f}× the whole block); digests "
        + ("agree" if over["same_digest"] else "DIFFER")
    )
    return bool(over["same_digest"])
