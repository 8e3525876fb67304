"""``phala-spec simulate`` [SIM-1]..[SIM-6]."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from phala_spec.cli import main
from phala_spec.offchain import gatekeeper as gk
from phala_spec.offchain.pruntime import hashed_id, heartbeat_hit
from phala_spec.pallets import computation
from phala_spec.primitives.errors import InvalidInput
from phala_spec.simulate import (
    Sizes,
    account,
    challenged,
    digest,
    setup,
    simulate_day,
    step,
    summary,
)

U256_MAX = (1 << 256) - 1

SMALL = Sizes(workers=40, pools=10, stakers=60, blocks=120, seed=3, silent_per_mille=100)


def test_a_run_is_determined_by_its_sizes_and_seed() -> None:
    # [SIM-1]: same sizes and seed, same digest; another seed, another run.
    first, second = simulate_day(SMALL), simulate_day(SMALL)
    assert digest(first) == digest(second)
    other = simulate_day(Sizes(40, 10, 60, 120, seed=4, silent_per_mille=100))
    assert digest(other) != digest(first)


def test_rewards_reach_the_pools_and_silent_workers_go_offline() -> None:
    sim = setup(SMALL)
    values = [p.basepool.total_value for p in sim.chain.base_pool.pools.values()]
    for _ in range(SMALL.blocks):
        step(sim)
    after = [p.basepool.total_value for p in sim.chain.base_pool.pools.values()]
    # [SIM-3] [STK-53]: what the sessions earned is in the pools
    earned = sum(s.total_reward for s in sim.chain.computation.sessions.values())
    withdrawn_or_not = sum(after) - sum(values)
    assert earned > 0 and withdrawn_or_not <= earned
    # [SIM-4]: silent workers are held offline by the gatekeeper and slashed
    assert sim.paused and sim.paused <= sim.silent
    for worker in sim.paused:
        assert sim.econ.workers[worker].unresponsive
    result = summary(sim)
    assert all(result["invariants"].values())
    assert result["payout_pha"] > 0 and result["treasury_share_pha"] > 0


def test_the_economics_are_the_reference_gatekeepers() -> None:
    # [SIM-3] step 6: replaying the block with the gatekeeper's functions gives the same records.
    sim = setup(SMALL)
    for _ in range(30):
        step(sim)
    for key, worker in sim.econ.workers.items():
        assert 0 <= worker.tokenomic.v <= sim.econ.params.v_max
        assert isinstance(worker, gk.WorkerEconomics) and key in sim.sessions


def test_bad_sizes_are_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        setup(Sizes(workers=500, pools=2, stakers=1, blocks=1))
    with pytest.raises(InvalidInput):
        setup(Sizes(workers=0, pools=1, stakers=1, blocks=1))


def test_the_command_prints_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    status = main(
        [
            "simulate",
            "--workers",
            "20",
            "--pools",
            "5",
            "--stakers",
            "20",
            "--blocks",
            "30",
            "--json",
            str(out),
        ]
    )
    assert status == 0
    result = json.loads(out.read_text())
    assert result["blocks"] == 30 and result["halted"] is None
    assert main(["simulate", "--workers", "0"]) == 2


def test_the_fast_path_gives_the_readable_paths_run() -> None:
    # [SIM-7]: the columns and the readable gatekeeper give the same day, digest and summary
    fast, readable = simulate_day(SMALL, fast=True), simulate_day(SMALL, fast=False)
    assert fast.arrays is not None and readable.arrays is None
    assert digest(fast) == digest(readable)
    assert summary(fast) == summary(readable)
    assert fast.paused == readable.paused and fast.paused


def test_the_challenge_range_finds_the_rules_hits() -> None:
    # [OFF-20]: the ids in the seed's range, tested by the rule, are the ids the rule hits
    rng = random.Random(5)
    ids = [hashed_id(account("worker", i)) for i in range(3_000)]
    ids += [ids[0], ids[1] ^ 1, 0, U256_MAX]  # a repeated id, a neighbour, both ends
    sorted_ids = sorted(zip(ids, range(len(ids)), strict=True))
    targets = [0, 1, U256_MAX, U256_MAX >> 1]
    targets += [computation.pow_target(20, online, 12) for online in (1, 30, 3_000, 30_000)]
    for target in targets:
        seeds = [rng.getrandbits(256) for _ in range(40)] + [ids[0], ids[1], 0, U256_MAX]
        for seed in seeds:
            expected = [i for i, h in enumerate(ids) if heartbeat_hit(h, seed, target)]
            assert challenged(sorted_ids, seed, target) == expected
    # the ranges are not vacuous: some seeds hit several ids at the mainnet target
    target = computation.pow_target(20, len(ids), 12)
    assert sum(len(challenged(sorted_ids, rng.getrandbits(256), target)) for _ in range(50)) > 0
