"""Smoke test of ``phala-spec bench --only staking``: the figures' shape, never timings."""

from __future__ import annotations

import json
from pathlib import Path

from phala_spec.bench.staking import HOLDING, OPERATIONS, QUICK_SIZES, pool_with_stakers, staker
from phala_spec.cli import main
from phala_spec.pallets.staking import base_pool, stake_pool_v2


def test_bench_staking_section_shape(tmp_path: Path, capsys) -> None:
    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--only", "staking", "--json", str(out)]) == 0
    assert "stake pool operations" in capsys.readouterr().out
    figures = json.loads(out.read_text())["staking"]
    assert figures["sizes"] == list(QUICK_SIZES)
    assert {(m["name"], m["stakers"]) for m in figures["measurements"]} == {
        (op, n) for op in OPERATIONS for n in QUICK_SIZES
    }
    assert all(m["per_second"] > 0 for m in figures["measurements"])
    assert set(figures["ratios"]) == {f"{op}_small_over_large" for op in OPERATIONS}
    assert figures["all_succeeded"] is True and figures["value_is_free_plus_locked"] is True


def test_the_built_pool_is_a_consistent_pool() -> None:
    """The directly built state is one a run of contributions would give: shares sum, value = free [STK-57]."""
    state = pool_with_stakers(50)
    pool = stake_pool_v2.ensure_stake_pool(state, 0)
    assert base_pool.shares_of(state, pool.basepool, staker(7)) == HOLDING
    records = state.base_pool.records[pool.basepool.cid]
    assert sum(r.shares for r in records.values()) == pool.basepool.total_shares == 50 * HOLDING
    assert stake_pool_v2.stake_value(state, pool.basepool, staker(7)) == HOLDING
