"""A network day at scale: the chain and the gatekeeper's economics, driven directly [SIM-1]..[SIM-7].

The simulation runs the reference's own rules without the parts other
vectors cover at byte level: no runtime signs, no relayer submits, no
signature is checked. Each block, the chain opens, receives the gatekeeper's
report of the previous block and the heartbeats the previous block's
challenge asked for (dispatched as the message queue dispatches an accepted
message, [MQ-13]), applies the stakers' withdrawals, and closes (its
challenge [CMP-14]); the gatekeeper's economics then process the block
([GK-3]) with the functions of :mod:`.offchain.gatekeeper`. The population is
built in block 1 through the chain's own calls [SIM-2].
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs
import immutables

from .chain.computation_payloads import WorkingInfoUpdateEvent
from .chain.messages import GATEKEEPER, Message, MessageOrigin
from .chain.state import BlockContext, ChainState, Root, Signed
from .chain.system_payloads import HeartbeatV2
from .chain.worker_messages import WORKING_INFO_UPDATE_TOPIC, WORKING_REPORT_TOPIC, encode_payload
from .network import block_randomness
from .offchain import gatekeeper as gk
from .offchain import gatekeeper_arrays as gka
from .offchain.pruntime import hashed_id
from .pallets import computation, mq
from .pallets.staking import base_pool, stake_pool_v2
from .primitives.codec import blake2b_256, encode, to_data
from .primitives.errors import InvalidInput
from .runtime.block import apply_call, finalize_block, initialize_block
from .runtime.genesis import genesis

PHA = 10**12
BLOCK_MS = 12_000
DEFAULT_BLOCKS = 7_200
DEFAULT_WORKERS = 30_000
DEFAULT_POOLS = 10_000
DEFAULT_STAKERS = 100_000
SP = "PhalaStakePoolv2."


@attrs.frozen
class Sizes:
    """The simulation's sizes and rates [SIM-1]."""

    workers: int = DEFAULT_WORKERS
    pools: int = DEFAULT_POOLS
    stakers: int = DEFAULT_STAKERS
    blocks: int = DEFAULT_BLOCKS
    seed: int = 0
    silent_per_mille: int = 10  # workers that never answer a challenge
    withdrawals_per_block: int = 2

    def check(self) -> None:
        """Positive sizes; at most 200 workers a pool [STK-44]; rates within range."""
        if min(self.workers, self.pools, self.stakers, self.blocks) < 1:
            raise InvalidInput("sizes and the number of blocks are at least 1")
        if self.workers > self.pools * stake_pool_v2.MAX_POOL_WORKERS:
            raise InvalidInput("more workers than the pools can hold (200 a pool)")
        if not 0 <= self.silent_per_mille <= 1000 or self.withdrawals_per_block < 0:
            raise InvalidInput("silent workers are 0..1000 per mille; withdrawals at least 0")


def account(kind: str, index: int) -> bytes:
    """A simulated account or worker key: BLAKE2b-256 of ``phala-spec/simulate/<kind>/<index>``."""
    return blake2b_256(f"phala-spec/simulate/{kind}/{index}".encode())


@attrs.define
class Simulation:
    """The simulation's state between blocks: the chain, the economics and what is in flight [SIM-3].

    Mutable only as a driver: every rule it applies is a pure function of the
    reference; the records themselves are the reference's frozen ones.
    """

    sizes: Sizes
    chain: ChainState
    readable_econ: (
        gk.Economics
    )  # the gatekeeper's state on the readable path (the setup's on the fast)
    arrays: gka.ArrayEconomics | None  # the same state on the fast path [SIM-7]
    workers: list[bytes]  # by index
    hashed_ids: list[int]  # each worker's challenge identity [OFF-20], by index
    speed: dict[bytes, int]  # iterations per block of each worker's runtime
    start_block: dict[bytes, int]
    # the gatekeeper's replicas: worker -> session id; a map that never changes in place, so the
    # columns keep which workers it leaves out [SIM-7]
    sessions: Mapping[bytes, int]
    paused: set[bytes]
    silent: frozenset[bytes]
    owed: list[tuple[bytes, int]]  # heartbeats due in the next block: (worker, challenge block)
    report: WorkingInfoUpdateEvent | None
    rng: random.Random
    emitted_payout: int = 0
    emitted_treasury: int = 0
    budget: int = 0
    halted: str | None = None
    sorted_ids: list[tuple[int, int]] = attrs.field(init=False)  # (hashed id, index), ascending

    @sorted_ids.default
    def _sort_ids(self) -> list[tuple[int, int]]:
        return sorted(zip(self.hashed_ids, range(len(self.hashed_ids)), strict=True))

    @property
    def econ(self) -> gk.Economics:
        """The gatekeeper's economics between blocks, whichever path keeps them [SIM-7]."""
        if self.arrays is not None:
            return gka.to_economics(self.arrays)
        return self.readable_econ

    @property
    def params(self) -> gk.GatekeeperParams:
        """The gatekeeper's parameters [GK-2]."""
        return self.readable_econ.params if self.arrays is None else self.arrays.params


def _call(chain: ChainState, origin: Any, name: str, args: dict[str, Any]) -> ChainState:
    result = apply_call(chain, origin, name, args)
    if result.outcome != "ok":
        raise InvalidInput(f"simulation setup: {name} failed with {result.outcome}")
    return result.state


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off within, as it was after.

    Block 1 builds hundreds of thousands of records that all stay alive;
    the collector, which looks only for unreachable cycles, would walk them
    again and again for nothing. No result depends on it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def collector_settled() -> Iterator[None]:
    """Python's cycle collector leaves what exists now alone, and runs less often, within.

    The population lives through the run: ``gc.freeze`` takes it out of the
    collector's passes, and a youngest generation of 20,000 objects instead
    of 700 makes the passes rarer. Both are undone after. No result depends
    on them.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 20, 10)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def setup(sizes: Sizes, fast: bool = True) -> Simulation:
    """The population, built in block 1 through the chain's calls [SIM-2].

    ``fast`` keeps the gatekeeper's economics in columns
    (:mod:`.offchain.gatekeeper_arrays`) from the end of the setup on;
    otherwise in the readable records. Both give the same run [SIM-7].
    """
    sizes.check()
    with collector_paused():
        return _populate(sizes, fast)


def _populate(sizes: Sizes, fast: bool) -> Simulation:
    rng = random.Random(sizes.seed)
    workers = [account("worker", i) for i in range(sizes.workers)]
    scores = {w: rng.randrange(1_000, 4_000) for w in workers}
    owners = [account("owner", i) for i in range(sizes.pools)]
    stakers = [account("staker", i) for i in range(sizes.stakers)]
    pool_of = {w: i % sizes.pools for i, w in enumerate(workers)}
    chain = genesis(
        "minimal",
        {
            "balances": [
                *([o, 10**6 * PHA] for o in owners),
                *([s, 10**5 * PHA] for s in stakers),
                [computation.SUBSIDY_POOL, 10**9 * PHA],
            ],
            "registry": {
                "workers": [
                    {"pubkey": w, "operator": owners[pool_of[w]], "initial_score": scores[w]}
                    for w in workers
                ]
            },
        },
    )
    ctx = BlockContext(1, BLOCK_MS, block_randomness(1))
    chain, _ = initialize_block(chain, ctx)
    params = computation.tokenomic(chain)
    econ = gk.new_economics(params)
    for owner in owners:
        chain = _call(chain, Signed(owner), SP + "create", {})
    for w in workers:
        chain = _call(
            chain, Signed(owners[pool_of[w]]), SP + "add_worker", {"pid": pool_of[w], "pubkey": w}
        )
    # Stakers back pools at random; owners stake what their workers need on top.
    for s in stakers:
        amount = rng.randrange(100, 10_000) * PHA
        chain = _call(chain, Signed(s), "PhalaWrappedBalances.wrap", {"amount": amount})
        chain = _call(
            chain,
            Signed(s),
            SP + "contribute",
            {"pid": rng.randrange(sizes.pools), "amount": amount, "as_vault": None},
        )
    stake = {w: computation.minimal_stake(params, scores[w]) for w in workers}
    for pid, owner in enumerate(owners):
        need = sum(stake[w] for w in workers[pid :: sizes.pools])
        chain = _call(chain, Signed(owner), "PhalaWrappedBalances.wrap", {"amount": need})
        chain = _call(
            chain, Signed(owner), SP + "contribute", {"pid": pid, "amount": need, "as_vault": None}
        )
    sessions: dict[bytes, int] = {}
    for w in workers:
        econ = gk.on_registered(econ, w, chain.registry.workers[w].confidence_level)
        session_id = chain.computation.next_session_id
        chain = _call(
            chain,
            Signed(owners[pool_of[w]]),
            SP + "start_computing",
            {"pid": pool_of[w], "worker": w, "stake": stake[w]},
        )
        session = chain.computation.sessions[chain.computation.worker_bindings[w]]
        econ = gk.on_started(econ, w, session.ve, scores[w], 1, BLOCK_MS)
        sessions[w] = session_id
    chain = _call(chain, Root(), "PhalaComputation.set_heartbeat_paused", {"paused": False})
    chain, _ = finalize_block(chain)
    silent_count = sizes.workers * sizes.silent_per_mille // 1000
    sim = Simulation(
        sizes,
        chain,
        econ,
        gka.from_economics(econ) if fast else None,
        workers,
        [hashed_id(w) for w in workers],
        {w: scores[w] for w in workers},
        dict.fromkeys(workers, 1),
        immutables.Map(sessions),
        set(),
        frozenset(rng.sample(workers, silent_count)),
        [],
        None,
        rng,
    )
    _gatekeeper_block(sim, 1, BLOCK_MS, [])
    return sim


def challenged(sorted_ids: list[tuple[int, int]], seed: int, target: int) -> list[int]:
    """The positions of the hashed ids a challenge hits, ascending [OFF-20].

    ``sorted_ids`` holds ``(hashed_id, position)`` pairs in ascending order.
    An id is hit when ``hashed_id XOR seed <= target``, which needs the XOR
    to have no bit at or above the target's highest one, that is the id to
    agree with the seed on those bits: the only candidates are the ids of one
    range, found by bisection, and each is then tested as the rule says.
    """
    width = target.bit_length()
    low = (seed >> width) << width
    first = bisect.bisect_left(sorted_ids, (low, -1))
    last = bisect.bisect_left(sorted_ids, (low + (1 << width), -1))
    return sorted(i for hashed, i in sorted_ids[first:last] if hashed ^ seed <= target)


def _challenge_hits(sim: Simulation, number: int) -> list[bytes]:
    """The workers the block's challenge hits [CMP-14] [OFF-20]: computing, not paused, in range."""
    seed = int.from_bytes(block_randomness(number), "big")
    target = computation.pow_target(
        computation.DEFAULT_HEARTBEAT_COUNT,
        sim.chain.computation.online_workers,
        sim.chain.config.computation.expected_block_time_sec,
    )
    sessions, paused = sim.sessions, sim.paused
    hit = (sim.workers[i] for i in challenged(sim.sorted_ids, seed, target))
    return [w for w in hit if w in sessions and w not in paused]


def _heartbeat(sim: Simulation, worker: bytes, challenge: int) -> HeartbeatV2:
    """What an honest worker's runtime answers [OFF-21]: iterations counted since its session started."""
    return HeartbeatV2(
        session_id=sim.sessions[worker],
        challenge_block=challenge,
        challenge_time=challenge * BLOCK_MS,
        iterations=sim.speed[worker] * (challenge - sim.start_block[worker]),
        n_clusters=0,
        n_contracts=0,
    )


def _gatekeeper_block(
    sim: Simulation, number: int, now: int, beats: list[tuple[bytes, HeartbeatV2]]
) -> None:
    """The gatekeeper's block [GK-3]: open, the heartbeats in order, the challenge, close."""
    if sim.arrays is not None:
        _gatekeeper_block_fast(sim, sim.arrays, number, now, beats)
        return
    try:
        econ = gk.open_block(sim.readable_econ, sim.sessions, number, now)
        for worker, beat in beats:
            econ = gk.on_heartbeat(
                econ,
                worker,
                sim.sessions.get(worker),
                (
                    beat.session_id,
                    beat.challenge_block,
                    beat.challenge_time,
                    beat.iterations,
                    beat.n_clusters,
                ),
                number,
                now,
            )
        hits = _challenge_hits(sim, number)
        econ = gk.on_challenge(econ, hits, number)
        econ, report = gk.close_block(econ, sim.sessions)
    except gk.Poisoned as poisoned:
        sim.halted = poisoned.reason
        return
    sim.readable_econ, sim.report = econ, report
    sim.owed = [(w, number) for w in hits if w not in sim.silent]


def _gatekeeper_block_fast(
    sim: Simulation,
    arr: gka.ArrayEconomics,
    number: int,
    now: int,
    beats: list[tuple[bytes, HeartbeatV2]],
) -> None:
    """:func:`_gatekeeper_block` on the columns [SIM-7]: the same steps, the same results."""
    try:
        gka.open_block(arr, sim.sessions, number, now)
        for worker, beat in beats:
            gka.on_heartbeat(
                arr,
                worker,
                sim.sessions.get(worker),
                (
                    beat.session_id,
                    beat.challenge_block,
                    beat.challenge_time,
                    beat.iterations,
                    beat.n_clusters,
                ),
                number,
                now,
            )
        hits = _challenge_hits(sim, number)
        gka.on_challenge(arr, hits, number)
        report = gka.close_block(arr, sim.sessions)
    except gk.Poisoned as poisoned:
        gka.rollback(arr)
        sim.halted = poisoned.reason
        return
    sim.report = report
    sim.owed = [(w, number) for w in hits if w not in sim.silent]


def step(sim: Simulation) -> None:
    """One block [SIM-3]."""
    number = sim.chain.system.block.number + 1
    now = number * BLOCK_MS
    ctx = BlockContext(number, now, block_randomness(number))
    chain, _ = initialize_block(sim.chain, ctx)
    if sim.report is not None:
        message = Message(GATEKEEPER, WORKING_INFO_UPDATE_TOPIC, encode_payload(sim.report))
        chain, _ = mq.dispatch_message(chain, ctx, message)
        for info in sim.report.settle:
            sim.emitted_payout += info.payout
            sim.emitted_treasury += info.treasury
        for w in sim.report.offline:
            sim.paused.add(w)
        for w in sim.report.recovered_to_online:
            sim.paused.discard(w)
    beats = [(w, _heartbeat(sim, w, block)) for w, block in sim.owed]
    for w, beat in beats:
        message = Message(MessageOrigin("Worker", w), WORKING_REPORT_TOPIC, encode_payload(beat))
        chain, _ = mq.dispatch_message(chain, ctx, message)
    for _ in range(sim.sizes.withdrawals_per_block):
        who = account("staker", sim.rng.randrange(sim.sizes.stakers))
        pid = sim.rng.randrange(sim.sizes.pools)
        pool = stake_pool_v2.ensure_stake_pool(chain, pid)
        shares = base_pool.shares_of(chain, pool.basepool, who)
        if shares:
            chain = apply_call(
                chain,
                Signed(who),
                SP + "withdraw",
                {"pid": pid, "shares": shares // 2 or shares, "as_vault": None},
            ).state
    chain, _ = finalize_block(chain)
    sim.chain = chain
    sim.budget += sim.params.budget_per_block
    _gatekeeper_block(sim, number, now, beats)


def digest(sim: Simulation) -> bytes:
    """The simulation's digest [SIM-5]: the chain's computation, pools, balances and system, and the economics."""
    data = to_data(sim.chain)
    return blake2b_256(
        encode(
            {
                "chain": {k: data[k] for k in ("computation", "base_pool", "balances", "system")},
                "economics": to_data(sim.econ),
            }
        )
    )


def simulate_day(
    sizes: Sizes, progress: Callable[[int], None] | None = None, fast: bool = True
) -> Simulation:
    """Set up and run ``sizes.blocks`` blocks after the setup block [SIM-3] [SIM-7]."""
    sim = setup(sizes, fast)
    with collector_settled():
        for _ in range(sizes.blocks):
            if sim.halted is not None:
                break
            step(sim)
            if progress is not None:
                progress(1)
    return sim


def summary(sim: Simulation) -> dict[str, Any]:
    """What the run did [SIM-6]: emission against the budget, the treasury, V and the pools, the invariants."""
    from .primitives import fixed

    econ = sim.econ
    values = sorted(w.tokenomic.v for w in econ.workers.values())
    pools = sorted(
        p.basepool.total_value
        for p in (stake_pool_v2.ensure_stake_pool(sim.chain, pid) for pid in range(sim.sizes.pools))
    )

    def quantiles(items: list[int]) -> list[int]:
        return [items[min(len(items) - 1, len(items) * q // 4)] for q in range(5)]

    treasury = sim.chain.system.accounts.get(computation.TREASURY)
    v_max = econ.params.v_max
    return {
        "blocks": sim.chain.system.block.number - 1,
        "halted": sim.halted,
        "budget_pha": fixed.from_fixed(sim.budget) / PHA,
        "payout_pha": fixed.from_fixed(sim.emitted_payout) / PHA,
        "treasury_share_pha": fixed.from_fixed(sim.emitted_treasury) / PHA,
        "treasury_balance_pha": (0 if treasury is None else treasury.data.free) / PHA,
        "v_quartiles": [v / 2**64 for v in quantiles(values)],
        "pool_value_quartiles_pha": [v / PHA for v in quantiles(pools)],
        "offline_workers": len(sim.paused),
        "invariants": {
            "the gatekeeper runs [GK-20]": sim.halted is None,
            "0 ≤ V ≤ v_max for every worker [GK-21]": all(0 <= v <= v_max for v in values),
            "payout + treasury ≤ 1.2 × budget [GK-21]": (
                sim.emitted_payout + sim.emitted_treasury <= sim.budget * 6 // 5
            ),
        },
        "digest": digest(sim).hex(),
    }


def add_arguments(parser: Any) -> None:
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, metavar="N")
    parser.add_argument("--pools", type=int, default=DEFAULT_POOLS, metavar="N")
    parser.add_argument("--stakers", type=int, default=DEFAULT_STAKERS, metavar="N")
    parser.add_argument("--blocks", type=int, default=DEFAULT_BLOCKS, metavar="N")
    parser.add_argument("--seed", type=int, default=0, metavar="N")
    parser.add_argument("--json", default=None, metavar="FILE", help="also write the summary")
    parser.add_argument(
        "--readable",
        action="store_true",
        help="keep the gatekeeper's readable records throughout (slower, the same run) [SIM-7]",
    )


def run(args: Any) -> int:
    """``phala-spec simulate`` [SIM-6]."""
    import json

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Table

    sizes = Sizes(args.workers, args.pools, args.stakers, args.blocks, args.seed)
    try:
        sizes.check()
    except InvalidInput as exc:
        Console(stderr=True).print(f"phala-spec simulate: {exc}", highlight=False)
        return 2
    err = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        err.print(
            f"setting up {sizes.workers:,} workers, {sizes.pools:,} pools, {sizes.stakers:,} stakers"
        )
        sim = setup(sizes, fast=not args.readable)
        task = progress.add_task("simulating", total=sizes.blocks)
        with collector_settled():
            for _ in range(sizes.blocks):
                if sim.halted is not None:
                    break
                step(sim)
                progress.advance(task)
    result = summary(sim)
    table = Table(title=f"phala-spec simulate: {result['blocks']:,} blocks, seed {sizes.seed}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in result.items():
        if key != "invariants":
            table.add_row(key, str(value))
    for name, held in result["invariants"].items():
        table.add_row(name, "[green]holds[/]" if held else "[red]FAILS[/]")
    Console().print(table)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(result, out, indent=1)
    return 0 if all(result["invariants"].values()) else 1
