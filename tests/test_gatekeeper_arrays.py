"""The gatekeeper's economics over columns agree with the readable rules [SIM-7] [GK-3]..[GK-20].

Randomized small populations run through many blocks on both
:mod:`phala_spec.offchain.gatekeeper` and
:mod:`phala_spec.offchain.gatekeeper_arrays`: workers register, start, stop
and change session, answer challenges on time, late or never, with and
without contracts; every block's report and every worker's record must be
the same, and a block that poisons the gatekeeper must poison both with the
same reason and leave the state it found.
"""

from __future__ import annotations

import random

import attrs
import immutables
import pytest

from phala_spec.chain.state import TokenomicParams
from phala_spec.offchain import gatekeeper as gk
from phala_spec.offchain import gatekeeper_arrays as gka
from phala_spec.pallets import computation
from phala_spec.primitives import fixed
from phala_spec.runtime.genesis import genesis

BLOCK_MS = 12_000
LEVELS = (1, 2, 3, 4, 5, 6, 128)


def chain_params() -> TokenomicParams:
    return computation.tokenomic(genesis("minimal", {}))


class Pair:
    """The same gatekeeper on both paths, driven together and compared after every step."""

    def __init__(self, params: TokenomicParams) -> None:
        self.econ = gk.new_economics(params)
        self.arr = gka.from_economics(self.econ)

    def same(self) -> None:
        converted = gka.to_economics(self.arr)
        assert converted.params == self.econ.params
        assert dict(converted.workers) == dict(self.econ.workers)

    def event(self, name: str, *args: object) -> object:
        """Rule ``name`` on both; a poisoned readable rule must poison the columns alike [GK-20]."""
        try:
            result = getattr(gk, name)(self.econ, *args)
        except gk.Poisoned as readable:
            with pytest.raises(gk.Poisoned) as fast:
                getattr(gka, name)(self.arr, *args)
            assert fast.value.reason == readable.reason
            raise
        returned = getattr(gka, name)(self.arr, *args)
        if name == "close_block":
            self.econ, report = result
            assert returned == report
            return report
        self.econ = result
        assert self.arr.report == self.econ.report
        if name == "open_block":
            assert self.arr.sum_share == self.econ.sum_share
        return None


def _heartbeat(
    rng: random.Random, owed: tuple[int, ...], session: int | None, iterations: int
) -> tuple[int, int, int, int, int]:
    challenge = owed[0] if owed else rng.randrange(1, 50)
    sid = session if session is not None and rng.random() < 0.9 else rng.randrange(100)
    return (sid, challenge, challenge * BLOCK_MS, iterations, rng.choice((0, 0, 0, 2)))


def run_blocks(pair: Pair, rng: random.Random, blocks: int, population: int) -> int:
    """Random blocks on both paths; the number of blocks that poisoned the gatekeeper."""
    keys = [rng.randbytes(32) for _ in range(population)]
    # an immutable map, replaced when a session starts or stops: the columns keep which
    # workers it leaves out while the same map comes back
    sessions: immutables.Map[bytes, int] = immutables.Map()
    counters = dict.fromkeys(keys, 0)
    next_session = 0
    poisoned = 0
    answering = dict.fromkeys(keys, 0.9)
    for number in range(1, blocks + 1):
        now = number * BLOCK_MS
        if number % 25 == 0:  # phases: diligent, sluggish (late past the window), silent
            answering = {k: rng.choice((0.95, 0.9, 0.05, 0.0)) for k in keys}
        before = pair.econ
        try:
            pair.event("open_block", sessions, number, now)
            for _ in range(rng.randrange(6)):
                key = rng.choice(keys)
                kind = rng.random()
                if kind < 0.15:
                    pair.event("on_registered", key, rng.choice(LEVELS))
                elif kind < 0.3:
                    sessions = sessions.set(key, next_session)
                    next_session += 1
                    init_v = fixed.from_int(rng.randrange(0, 30_000))
                    pair.event("on_started", key, init_v, rng.randrange(0, 5_000), number, now)
                elif kind < 0.35 and key in sessions:
                    pair.event("on_stopped", key)
                    sessions = sessions.delete(key)
            for key in keys:
                worker = pair.econ.workers.get(key)
                owed = () if worker is None else worker.waiting_heartbeats
                if (owed and rng.random() < answering[key]) or rng.random() < 0.002:
                    counters[key] = (
                        counters[key] + rng.randrange(0, 60_000)
                        if rng.random() < 0.95
                        else rng.randrange(0, 100)
                    )
                    beat = _heartbeat(rng, owed, sessions.get(key), counters[key])
                    pair.event("on_heartbeat", key, sessions.get(key), beat, number, now)
            hits = [k for k in keys if rng.random() < 0.3]
            pair.event("on_challenge", hits, number)
            pair.event("close_block", sessions)
        except gk.Poisoned:
            # the block is lost on both paths: the state stays the one it found
            gka.rollback(pair.arr)
            pair.econ = before
            poisoned += 1
        pair.same()
    return poisoned


@pytest.mark.parametrize("seed", range(8))
def test_random_populations_agree_block_by_block(seed: int) -> None:
    rng = random.Random(seed)
    pair = Pair(chain_params())
    run_blocks(pair, rng, blocks=150, population=rng.randrange(3, 14))


def _started_pair(params: TokenomicParams, init_v: int, init_p: int) -> tuple[Pair, bytes]:
    pair = Pair(params)
    key = bytes(range(32))
    pair.event("on_registered", key, 1)
    pair.event("on_started", key, init_v, init_p, 1, BLOCK_MS)
    return pair, key


@pytest.mark.parametrize(
    ("change", "init_v", "reason"),
    [
        # v · v past U64F64 in the sum of shares [GK-6]
        ({}, 1 << 100, "share"),
        # cost_k · p_bench past U64F64 in the idle growth [GK-17]
        ({"cost_k": fixed.U64F64.max_bits}, fixed.from_int(10), "idle growth"),
        # rho − 1 underflows in the idle growth [GK-17]
        ({"rho": fixed.from_int(1) // 2}, fixed.from_int(10), "idle growth"),
        # v · slash_rate past v (a rate above 1) in the slash [GK-16]
        ({"slash_rate": fixed.from_int(2)}, fixed.from_int(10), "slash"),
    ],
)
def test_out_of_range_passes_poison_both_alike(
    change: dict[str, int], init_v: int, reason: str
) -> None:
    # [GK-20]: the columns' passes hand an out-of-range value to the readable rule
    pair, key = _started_pair(attrs.evolve(chain_params(), **change), init_v, 2_000)
    sessions = {key: 0}
    last = 2
    if reason == "slash":  # a challenge left unanswered past the window [GK-15]
        pair.event("open_block", sessions, 2, 2 * BLOCK_MS)
        pair.event("on_challenge", [key], 2)
        pair.event("close_block", sessions)
        for number in range(3, 13):
            pair.event("open_block", sessions, number, number * BLOCK_MS)
            pair.event("close_block", sessions)
        last = 13
    before = pair.econ
    with pytest.raises(gk.Poisoned) as caught:
        pair.event("open_block", sessions, last, last * BLOCK_MS)
        pair.event("close_block", sessions)
    assert caught.value.reason.startswith(reason)
    gka.rollback(pair.arr)
    assert dict(gka.to_economics(pair.arr).workers) == dict(before.workers)


def test_growth_stops_at_v_max_on_both() -> None:
    # [GK-17]: V grows to v_max and stays there while the whole ΔV keeps becoming deductible
    params = chain_params()
    pair, capped = _started_pair(params, params.v_max - fixed.from_int(1) // 100, 2_000)
    below = bytes(range(1, 33))
    pair.event("on_registered", below, 1)
    pair.event("on_started", below, fixed.from_int(10), 2_000, 1, BLOCK_MS)
    sessions = {capped: 0, below: 1}
    for number in range(2, 12):
        pair.event("open_block", sessions, number, number * BLOCK_MS)
        pair.event("close_block", sessions)
        pair.same()
    record = pair.econ.workers[capped].tokenomic
    assert record.v == params.v_max and record.v_deductible > fixed.from_int(1) // 100
    assert pair.econ.workers[below].tokenomic.v < params.v_max


def test_a_needless_hand_over_closes_as_the_rule_does() -> None:
    # [SIM-7]: rho below 1 puts every worker's growth out of range, so the columns hand the block
    # to the readable rule; a worker that does not grow (no session, or answered) closes normally
    params = attrs.evolve(chain_params(), rho=fixed.from_int(1) // 2)
    pair, idle = _started_pair(params, fixed.from_int(10), 2_000)
    answering = bytes(range(1, 33))
    pair.event("on_registered", answering, 1)
    pair.event("on_started", answering, fixed.from_int(10), 2_000, 1, BLOCK_MS)
    pair.event("open_block", {}, 2, 2 * BLOCK_MS)
    pair.event("on_challenge", [answering], 2)
    pair.event("close_block", {})  # no session: no worker grows
    pair.same()
    sessions = {answering: 7}
    pair.event("open_block", sessions, 3, 3 * BLOCK_MS)
    beat = (7, 2, 2 * BLOCK_MS, 1_000, 0)
    pair.event("on_heartbeat", answering, 7, beat, 3, 3 * BLOCK_MS)
    pair.event("close_block", sessions)  # the one with a session answered: no worker grows
    pair.same()
    assert idle not in sessions and pair.econ.workers[answering].heartbeat_flag
    pair.event("open_block", sessions, 4, 4 * BLOCK_MS)  # the next sum of shares agrees too


def test_a_share_out_of_range_that_the_sum_leaves_out() -> None:
    # [GK-6]: a worker without a session is not summed, so its share may be out of U64F64's
    # range without poisoning; the columns then cannot keep the roots' sum and take it again
    pair, huge = _started_pair(chain_params(), 1 << 100, 2_000)
    counted = bytes(range(1, 33))
    pair.event("on_registered", counted, 2)
    pair.event("on_started", counted, fixed.from_int(10), 2_000, 1, BLOCK_MS)
    sessions = {counted: 3}
    for number in range(2, 6):
        pair.event("open_block", sessions, number, number * BLOCK_MS)
        pair.event("close_block", sessions)
        pair.same()
    pair.event("open_block", sessions, 6, 6 * BLOCK_MS)  # both sums agree (checked by the pair)
    assert pair.econ.sum_share == gk.share(pair.econ.workers[counted].tokenomic) > 0
    assert pair.econ.workers[huge].tokenomic.v == 1 << 100  # no session: never grown
    with pytest.raises(gk.Poisoned):
        gk.share(pair.econ.workers[huge].tokenomic)  # out of range, had it been counted
