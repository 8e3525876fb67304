"""``phala-spec bench`` section ``staking`` [STK-46] [STK-47] [STK-53].

Stake pool operations per second with 10 and with 100,000 stakers in one
pool (100 and 1,000 with ``--quick``), measured in one run: ``contribute``
(a staker adds 1 PHA: a transfer and a merged share record), ``withdraw``
(a staker takes 1 PHA of shares back, paid at once from the pool's free
W-PHA) and ``reward`` (a gatekeeper settlement of 10 PHA to the pool's worker
through ``OnReward``: the commission split, two mints and the distribution).
The pool is built directly: every staker holds one share record and W-PHA,
the pool holds their contributions free (state built by data, not by
100,000 calls). The pallet functions are called with the block's context.

Persistent maps make each operation O(log n); production itself iterates the
withdraw queue and the vault subscribers, which stay empty here, so the
throughput ratio between the sizes should stay near 1. Figures are medians
of interleaved rounds; every timed call must succeed (checked).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import attrs
import immutables

from phala_spec.chain.computation_payloads import SettleInfo
from phala_spec.chain.staking_state import ShareRecord
from phala_spec.chain.state import BlockContext, ChainState, Signed
from phala_spec.pallets import computation
from phala_spec.pallets.staking import assets, stake_pool_v2
from phala_spec.primitives.codec import blake2b_256
from phala_spec.runtime.block import initialize_block
from phala_spec.runtime.genesis import UNIT, dev_account, genesis

SIZES = (10, 100_000)
QUICK_SIZES = (100, 1_000)
OPERATIONS = ("contribute", "withdraw", "reward")
HOLDING = 100 * UNIT
OWNER = dev_account("alice")
WORKER = blake2b_256(b"bench/staking/worker")


def staker(i: int) -> bytes:
    return blake2b_256(b"bench/staking/" + i.to_bytes(8, "little"))


def pool_with_stakers(n: int) -> ChainState:
    """Stake pool 0 with worker ``WORKER`` and ``n`` stakers, each with 100 PHA of shares and 100 W-PHA."""
    state = genesis(
        "minimal", {"balances": [["alice", 10**6 * UNIT], [computation.SUBSIDY_POOL, 10**9 * UNIT]]}
    )
    state = initialize_block(state, BlockContext(1, 1_700_000_000_000))[0]
    state, _ = stake_pool_v2.create(state, state.system.block, Signed(OWNER))
    pool = stake_pool_v2.ensure_stake_pool(state, 0)
    cid = pool.basepool.cid
    no_records: immutables.Map[int, ShareRecord] = immutables.Map()
    no_index: immutables.Map[bytes, int] = immutables.Map()
    with (
        no_records.mutate() as records,
        no_index.mutate() as index,
        state.assets.balances.mutate() as held,
    ):
        for i in range(n):
            who = staker(i)
            records[i] = ShareRecord(who, HOLDING)
            index[who] = i
            held[who] = HOLDING
        held[pool.basepool.pool_account] = n * HOLDING
        records_map, index_map, balances = records.finish(), index.finish(), held.finish()
    bp = state.base_pool
    state = attrs.evolve(
        state,
        assets=attrs.evolve(
            state.assets, balances=balances, supply=state.assets.supply + 2 * n * HOLDING
        ),
        base_pool=attrs.evolve(
            bp,
            records=bp.records.set(cid, records_map),
            owner_index=bp.owner_index.set(cid, index_map),
            next_record_id=bp.next_record_id.set(cid, n),
            worker_assignments=bp.worker_assignments.set(WORKER, 0),
        ),
    )
    base = attrs.evolve(pool.basepool, total_shares=n * HOLDING, total_value=n * HOLDING)
    pool = attrs.evolve(pool, basepool=base, workers=(WORKER,), payout_commission=100_000)
    return stake_pool_v2.put_pool(state, pool)


def _operations(current: list[ChainState], n: int, seed: int) -> dict[str, Callable[[], bool]]:
    """Each operation applies one call to ``current[0]``; it returns whether the call succeeded."""
    rng = random.Random(seed)

    def contribute() -> bool:
        s = current[0]
        who = staker(rng.randrange(n))
        current[0], _ = stake_pool_v2.contribute(s, s.system.block, Signed(who), 0, UNIT, None)
        return True

    def withdraw() -> bool:
        s = current[0]
        who = staker(rng.randrange(n))
        current[0], events = stake_pool_v2.withdraw(
            s, s.system.block, Signed(who), 0, UNIT // 2, None
        )
        return any(e.name == "PhalaBasePool.Withdrawal" for e in events)

    def reward() -> bool:
        s = current[0]
        settle = (SettleInfo(WORKER, 0, 10 << 64, 0),)
        current[0], events = stake_pool_v2.on_reward(s, s.system.block, settle)
        return any(e.name == "PhalaStakePoolv2.RewardReceived" for e in events)

    return {"contribute": contribute, "withdraw": withdraw, "reward": reward}


def measure_staking(*, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Operations per second at both sizes, interleaved rounds, and the small/large ratios."""
    sizes = QUICK_SIZES if quick else SIZES
    per_batch, rounds = (5, 2) if quick else (200, 7)
    states = {n: [pool_with_stakers(n)] for n in sizes}
    operations = {n: _operations(states[n], n, seed) for n in sizes}
    succeeded = True
    samples: dict[tuple[str, int], list[float]] = {(op, n): [] for op in OPERATIONS for n in sizes}
    for _ in range(rounds):
        for op in OPERATIONS:
            for n in sizes:
                run = operations[n][op]
                start = time.perf_counter()
                for _ in range(per_batch):
                    succeeded = run() and succeeded
                samples[(op, n)].append(per_batch / (time.perf_counter() - start))
    rates = {key: statistics.median(values) for key, values in samples.items()}
    small, large = sizes
    return {
        "sizes": list(sizes),
        "per_batch": per_batch,
        "rounds": rounds,
        "measurements": [
            {"name": op, "stakers": n, "per_second": rates[(op, n)]}
            for op in OPERATIONS
            for n in sizes
        ],
        "ratios": {
            f"{op}_small_over_large": rates[(op, small)] / rates[(op, large)] for op in OPERATIONS
        },
        "all_succeeded": succeeded,
        "value_is_free_plus_locked": all(_balanced(states[n][0]) for n in sizes),
    }


def _balanced(state: ChainState) -> bool:
    """The pool's value equals its free plus locked W-PHA after the run [STK-57]."""
    pool = stake_pool_v2.ensure_stake_pool(state, 0)
    backing = assets.balance(state, pool.basepool.pool_account) + stake_pool_v2.locked_stake(
        state, pool
    )
    return pool.basepool.total_value == backing


def print_staking(console: Any, figures: dict[str, Any], quick: bool) -> bool:
    from rich.table import Table

    small, large = figures["sizes"]
    table = Table(
        title="phala-spec bench: stake pool operations" + (" (--quick: noisy)" if quick else "")
    )
    table.add_column("operation")
    table.add_column(f"per second, {small:,} stakers", justify="right")
    table.add_column(f"per second, {large:,} stakers", justify="right")
    table.add_column(f"{small:,} / {large:,}", justify="right")
    rate = {(m["name"], m["stakers"]): m["per_second"] for m in figures["measurements"]}
    for op in OPERATIONS:
        table.add_row(
            op,
            f"{rate[(op, small)]:,.0f}",
            f"{rate[(op, large)]:,.0f}",
            f"{figures['ratios'][f'{op}_small_over_large']:.2f}",
        )
    console.print(table)
    verdict = "[green]all succeeded[/]" if figures["all_succeeded"] else "[red]NOT ALL SUCCEEDED[/]"
    console.print(
        f"one pool, {figures['rounds']} interleaved rounds of {figures['per_batch']} calls: {verdict}"
    )
    balanced = "[green]equal[/]" if figures["value_is_free_plus_locked"] else "[red]DIFFERENT[/]"
    console.print(f"pool value vs free + locked W-PHA after the run: {balanced}")
    return bool(figures["all_succeeded"] and figures["value_is_free_plus_locked"])
