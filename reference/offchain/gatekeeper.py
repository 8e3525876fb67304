"""The gatekeeper's mining economics, as production computes it in U64F64 [GK-1]..[GK-22].

Every gatekeeper replays the same blocks and keeps, for each registered
worker, a *tokenomic* record: its value V, the part of V's growth not yet paid
out, its performance P (the benchmark's and the last measured one) and the
heartbeats it still owes. Once a block it settles the workers that answered a
challenge (payout and treasury share from the block's budget), slashes those
that went quiet, grows the V of the others, and reports the result to the
chain as one ``WorkingInfoUpdateEvent`` [OFF-31].

The functions here are pure: one per rule, over plain records. The runtime
(:mod:`.pruntime`) owns the worker replicas (which worker has a session, which
challenge hits whom) and calls these at the points of a block that [GK-3]
names. Arithmetic is :mod:`..primitives.fixed`'s, bit for bit; anything that
production's fixed-point types cannot compute (an overflow, an underflow, a
division by zero) and production's own assertion on heartbeats raise
:class:`Poisoned`, which halts the gatekeeper [GK-20].
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import immutables

from ..chain.computation_payloads import SettleInfo, WorkingInfoUpdateEvent
from ..chain.state import TokenomicParams
from ..primitives import fixed
from ..primitives.arith import Num, min_
from ..primitives.errors import ArithmeticOverflow, ArithmeticUnderflow
from ..primitives.records import evolve

ONE = fixed.from_int(1)
TWO = fixed.from_int(2)
CONFIDENCE_0_8 = fixed.from_literal("0.8")
CONFIDENCE_0_7 = fixed.from_literal("0.7")
P_CAP = fixed.from_literal("1.2")


class Poisoned(Exception):
    """The gatekeeper's state is poisoned: production panics here [GK-20].

    ``reason`` says which rule; the runtime turns it into its halted state.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@contextlib.contextmanager
def _checked(reason: str) -> Iterator[None]:
    """Fixed-point failures within become :class:`Poisoned` [GK-20]."""
    try:
        yield
    except (ArithmeticOverflow, ArithmeticUnderflow, ZeroDivisionError) as exc:
        raise Poisoned(f"{reason}: {type(exc).__name__}") from exc


# --- State [GK-1] [GK-2] ------------------------------------------------------------------------


@attrs.frozen
class GatekeeperParams:
    """The parameters the gatekeeper computes with, U64F64 bits but ``heartbeat_window`` [GK-2]."""

    rho: int
    slash_rate: int
    budget_per_block: int
    v_max: int
    cost_k: int
    cost_b: int
    treasury_ratio: int
    payout_ratio: int
    heartbeat_window: int


def gatekeeper_params(params: TokenomicParams) -> GatekeeperParams:
    """The gatekeeper's parameters from the chain's: ``payout_ratio = 1 − treasury_ratio`` [GK-2].

    A treasury ratio above 1 cannot be converted (the subtraction underflows):
    :class:`Poisoned`.
    """
    with _checked("payout ratio"):
        payout_ratio = fixed.sub(ONE, params.treasury_ratio)
    return GatekeeperParams(
        rho=params.rho,
        slash_rate=params.slash_rate,
        budget_per_block=params.budget_per_block,
        v_max=params.v_max,
        cost_k=params.cost_k,
        cost_b=params.cost_b,
        treasury_ratio=params.treasury_ratio,
        payout_ratio=payout_ratio,
        heartbeat_window=params.heartbeat_window,
    )


@attrs.frozen
class TokenomicInfo:
    """One worker's economics: V, its unpaid growth, P, and where the last update left them [GK-1].

    ``v``, ``v_init``, ``v_deductible``, ``p_bench`` and ``p_instant`` are
    U64F64 bits; times are milliseconds; ``v_update_block`` a block number.
    """

    v: int = 0
    v_init: int = 0
    v_deductible: int = 0
    v_update_at: int = 0
    v_update_block: int = 0
    iteration_last: int = 0
    challenge_time_last: int = 0
    p_bench: int = 0
    p_instant: int = 0
    confidence_level: int = 0
    contract_running: bool = False


@attrs.frozen
class WorkerEconomics:
    """What the gatekeeper keeps of one worker beside its replica state machine [GK-1]."""

    tokenomic: TokenomicInfo = TokenomicInfo()
    waiting_heartbeats: tuple[int, ...] = ()
    unresponsive: bool = False
    heartbeat_flag: bool = False


def _workers() -> immutables.Map[bytes, WorkerEconomics]:
    return immutables.Map()


def _no_report() -> WorkingInfoUpdateEvent:
    return WorkingInfoUpdateEvent(0, 0)


@attrs.frozen
class Economics:
    """The gatekeeper's economics: parameters and the workers by public key [GK-1].

    ``sum_share`` and ``report`` live within one block only [GK-3]: the sum
    taken when the block opens and the report being built. Between blocks the
    report is empty, and neither is part of the state's plain data.
    """

    params: GatekeeperParams
    workers: immutables.Map[bytes, WorkerEconomics] = attrs.field(factory=_workers)
    sum_share: int = 0
    report: WorkingInfoUpdateEvent = attrs.field(factory=_no_report)

    def __data__(self) -> dict[str, Any]:
        from ..primitives.codec import to_data

        return {
            "params": to_data(self.params),
            "workers": {key: to_data(self.workers[key]) for key in sorted(self.workers)},
        }


def new_economics(params: TokenomicParams) -> Economics:
    """Economics with no worker and the given chain parameters [GK-2] [GK-22]."""
    return Economics(gatekeeper_params(params))


# --- Formulas [GK-4]..[GK-6] ---------------------------------------------------------------------


def confidence_score(level: int) -> int:
    """The gatekeeper's confidence score (U64F64 bits) [GK-4].

    Levels 1, 2, 3 and 128 score 1; 4 scores 0.8; 5 scores 0.7; any other
    level scores 0 (the pallet's own table, [CMP-5], gives 1 there).
    """
    if level in (1, 2, 3, 128):
        return ONE
    if level == 4:
        return CONFIDENCE_0_8
    if level == 5:
        return CONFIDENCE_0_7
    return 0


def performance(info: TokenomicInfo) -> int:
    """``p()``: the benchmark's P while contracts run, else the last measured one [GK-5]."""
    return info.p_bench if info.contract_running else info.p_instant


def _bits(value: Num) -> int:
    """The bits a rule computed on plain integers (never a Z3 term at run time)."""
    assert isinstance(value, int)
    return value


# --- The arithmetic of the rules, on plain numbers (ints, or Z3 terms for the proofs) ---------------


def weighted_performance(p: Num, confidence: Num) -> Num:
    """``w = (2 · p) · confidence`` [GK-5]."""
    return fixed.mul(fixed.mul(TWO, p), confidence)


def radicand(v: Num, weighted: Num) -> Num:
    """``v · v + w · w`` [GK-5]."""
    return fixed.add(fixed.mul(v, v), fixed.mul(weighted, weighted))


def share_of(v: Num, p: Num, confidence: Num) -> Num:
    """``sqrt(v · v + w · w)`` with ``w = (2 · p) · confidence`` [GK-5]."""
    return fixed.sqrt(radicand(v, weighted_performance(p, confidence)))


def budget_of(worker_share: Num, block_sum_share: Num, budget_per_block: Num, blocks: Num) -> Num:
    """``((share / sum_share) · budget_per_block) · from_int(blocks)`` [GK-13]."""
    ratio = fixed.div(worker_share, block_sum_share)
    return fixed.mul(fixed.mul(ratio, budget_per_block), fixed.from_int(blocks))


def split_budget(budget: Num, payout_ratio: Num, treasury_ratio: Num) -> tuple[Num, Num]:
    """The payout and the treasury's part of a budget [GK-13]."""
    return fixed.mul(budget, payout_ratio), fixed.mul(budget, treasury_ratio)


def deducted(v: Num, deductible: Num, to_payout: Num) -> Num:
    """V after a payout: ``v − min(v_deductible, payout)`` [GK-13]."""
    return fixed.sub(v, min_(deductible, to_payout))


def slashed(v: Num, slash_rate: Num) -> Num:
    """``v − v · slash_rate`` [GK-16]."""
    return fixed.sub(v, fixed.mul(v, slash_rate))


def growth(v: Num, p_bench: Num, rho: Num, cost_k: Num, cost_b: Num, multiplier: Num) -> Num:
    """``ΔV = k_p · ((rho − 1) · v + cost_k · p_bench + cost_b)`` for the given ``k_p`` [GK-17]."""
    cost_idle = fixed.add(fixed.mul(cost_k, p_bench), cost_b)
    return fixed.mul(multiplier, fixed.add(fixed.mul(fixed.sub(rho, ONE), v), cost_idle))


def grown(v: Num, delta: Num, v_max: Num) -> Num:
    """``min(v + ΔV, v_max)`` [GK-17]."""
    return min_(fixed.add(v, delta), v_max)


def share(info: TokenomicInfo) -> int:
    """``share = sqrt(v² + (2 · p() · confidence)²)`` in U64F64, the root with 32 fractional bits [GK-5]."""
    with _checked("share"):
        return _bits(share_of(info.v, performance(info), confidence_score(info.confidence_level)))


def sum_share(econ: Economics, sessions: Mapping[bytes, int]) -> int:
    """The sum of the shares of the workers with a session that are not unresponsive [GK-6].

    ``sessions`` maps the public key of each worker whose replica has a
    working session to its session id; workers are summed in key order.
    """
    total = 0
    with _checked("sum of shares"):
        for key in sorted(econ.workers):
            worker = econ.workers[key]
            if key in sessions and not worker.unresponsive:
                total = fixed.add(total, share(worker.tokenomic))
    return total


# --- The block [GK-3] -------------------------------------------------------------------------------


def open_block(
    econ: Economics, sessions: Mapping[bytes, int], number: int, now_ms: int
) -> Economics:
    """Open a block [GK-3]: every heartbeat flag down, the block's ``sum_share`` taken, an empty report."""
    cleared = econ.workers
    if any(w.heartbeat_flag for w in econ.workers.values()):
        with econ.workers.mutate() as workers:
            for key, worker in econ.workers.items():
                if worker.heartbeat_flag:
                    workers[key] = evolve(worker, heartbeat_flag=False)
            cleared = workers.finish()
    econ = Economics(econ.params, cleared)
    return Economics(
        econ.params, cleared, sum_share(econ, sessions), WorkingInfoUpdateEvent(number, now_ms)
    )


def _settle(econ: Economics, info: SettleInfo) -> Economics:
    """Append a settlement to the block's report [GK-19]."""
    report = evolve(econ.report, settle=(*econ.report.settle, info))
    return evolve(econ, report=report)


def _put(econ: Economics, key: bytes, worker: WorkerEconomics) -> Economics:
    return evolve(econ, workers=econ.workers.set(key, worker))


# --- Worker events [GK-7]..[GK-10] ------------------------------------------------------------------


def on_registered(econ: Economics, key: bytes, confidence_level: int) -> Economics:
    """``Registered{confidence_level}``: the worker gets a record if it has none; its level is stored [GK-7]."""
    worker = econ.workers.get(key, WorkerEconomics())
    tokenomic = evolve(worker.tokenomic, confidence_level=confidence_level)
    return _put(econ, key, evolve(worker, tokenomic=tokenomic))


def on_started(
    econ: Economics, key: bytes, init_v: int, init_p: int, number: int, now_ms: int
) -> Economics:
    """``Started{init_v, init_p}``: a fresh tokenomic record; the owed heartbeats stay [GK-8]."""
    worker = econ.workers.get(key)
    if worker is None:
        return econ
    with _checked("initial P"):
        p = fixed.from_int(init_p)
    tokenomic = TokenomicInfo(
        v=init_v,
        v_init=init_v,
        v_deductible=0,
        v_update_at=now_ms,
        v_update_block=number,
        iteration_last=0,
        challenge_time_last=now_ms,
        p_bench=p,
        p_instant=p,
        confidence_level=worker.tokenomic.confidence_level,
        contract_running=False,
    )
    return _put(econ, key, evolve(worker, tokenomic=tokenomic, unresponsive=False))


def on_stopped(econ: Economics, key: bytes) -> Economics:
    """``Stopped``: the final settlement, V with no payout and no treasury share [GK-9]."""
    worker = econ.workers.get(key)
    if worker is None:
        return econ
    return _settle(econ, SettleInfo(key, worker.tokenomic.v, 0, 0))


def on_challenge(econ: Economics, hits: Iterable[bytes], number: int) -> Economics:
    """A challenge: each worker it hits owes a heartbeat for this block [GK-10]."""
    for key in hits:
        worker = econ.workers.get(key)
        if worker is not None:
            owed = (*worker.waiting_heartbeats, number)
            econ = _put(econ, key, evolve(worker, waiting_heartbeats=owed))
    return econ


# --- Heartbeats [GK-11]..[GK-14] -----------------------------------------------------------------------


def update_p_instant(info: TokenomicInfo, now_ms: int, iterations: int) -> TokenomicInfo:
    """The measured P [GK-12].

    Only when the block is later than the last challenge: a counter below the
    last one restarts the count; ``p = Δiterations / (Δms / 1000) · 6``,
    capped at ``1.2 · p_bench``.
    """
    if now_ms <= info.challenge_time_last:
        return info
    last = min(info.iteration_last, iterations)
    with _checked("measured P"):
        seconds = fixed.div_int(fixed.from_int(now_ms - info.challenge_time_last), 1000)
        rate = fixed.mul_int(fixed.div(fixed.from_int(iterations - last), seconds), 6)
        cap = fixed.mul(info.p_bench, P_CAP)
    return evolve(info, iteration_last=last, p_instant=min(rate, cap))


def payout(
    info: TokenomicInfo,
    params: GatekeeperParams,
    block_sum_share: int,
    number: int,
    now_ms: int,
) -> tuple[TokenomicInfo, int, int]:
    """A heartbeat's payout and treasury share, and V after it [GK-13].

    Nothing (0, 0, the record unchanged) when the block's sum of shares is 0,
    nothing is deductible, the worker was already updated in this block, or
    its share is 0. Otherwise the worker's budget is ``share / sum_share ·
    budget_per_block · blocks`` (``blocks`` since its last update), split by
    the two ratios; V loses the deductible growth, at most the payout.
    """
    if block_sum_share == 0 or info.v_deductible == 0 or number <= info.v_update_block:
        return info, 0, 0
    worker_share = share(info)
    if worker_share == 0:
        return info, 0, 0
    with _checked("payout"):
        budget = budget_of(
            worker_share, block_sum_share, params.budget_per_block, number - info.v_update_block
        )
        parts = split_budget(budget, params.payout_ratio, params.treasury_ratio)
        to_payout, to_treasury = _bits(parts[0]), _bits(parts[1])
        v = _bits(deducted(info.v, info.v_deductible, to_payout))
    updated = evolve(info, v=v, v_deductible=0, v_update_at=now_ms, v_update_block=number)
    return updated, to_payout, to_treasury


def recover(info: TokenomicInfo, number: int, now_ms: int) -> TokenomicInfo:
    """An unresponsive worker's heartbeat: nothing paid, nothing deductible, updated now [GK-14]."""
    return evolve(info, v_deductible=0, v_update_at=now_ms, v_update_block=number)


def on_heartbeat(
    econ: Economics,
    key: bytes,
    session: int | None,
    heartbeat: tuple[int, int, int, int, int],
    number: int,
    now_ms: int,
) -> Economics:
    """A worker's heartbeat, in the block's message order [GK-11].

    ``session`` is the session id of the worker's replica (``None``: no
    session); ``heartbeat`` is ``(session_id, challenge_block,
    challenge_time, iterations, n_clusters)``. An unknown worker's heartbeat
    is ignored. A heartbeat that does not answer the oldest challenge the
    worker owes poisons the gatekeeper. Otherwise the challenge is answered;
    with no session, or another session's, that is all. Then the heartbeat
    flag goes up, P is measured [GK-12], the challenge's time and counter are
    kept, and an unresponsive worker recovers [GK-14] while a responsive one
    is paid [GK-13] and settled in the report.
    """
    worker = econ.workers.get(key)
    if worker is None:
        return econ
    session_id, challenge_block, challenge_time, iterations, n_clusters = heartbeat
    owed = worker.waiting_heartbeats
    if not owed or owed[0] != challenge_block:
        raise Poisoned(
            f"unexpected heartbeat for challenge {challenge_block} from 0x{key.hex()}: "
            f"owed {list(owed[:3])}"
        )
    worker = evolve(worker, waiting_heartbeats=owed[1:])
    if session is None or session != session_id:
        return _put(econ, key, worker)
    info = evolve(worker.tokenomic, contract_running=n_clusters > 0)
    info = update_p_instant(info, now_ms, iterations)
    info = evolve(info, challenge_time_last=challenge_time, iteration_last=iterations)
    if worker.unresponsive:
        info = recover(info, number, now_ms)
        return _put(econ, key, evolve(worker, tokenomic=info, heartbeat_flag=True))
    info, paid, treasury = payout(info, econ.params, econ.sum_share, number, now_ms)
    econ = _put(econ, key, evolve(worker, tokenomic=info, heartbeat_flag=True))
    return _settle(econ, SettleInfo(key, info.v, paid, treasury))


# --- Parameters [GK-18] --------------------------------------------------------------------------------


def on_parameters_changed(econ: Economics, from_pallet: bool, params: TokenomicParams) -> Economics:
    """``TokenomicParametersChanged``: taken at once from a pallet, ignored from anyone else [GK-18]."""
    if not from_pallet:
        return econ
    return evolve(econ, params=gatekeeper_params(params))


# --- The end of the block [GK-15]..[GK-17] --------------------------------------------------------------


def slash(info: TokenomicInfo, params: GatekeeperParams) -> TokenomicInfo:
    """An unresponsive worker's block: ``v −= v · slash_rate``, nothing deductible [GK-16]."""
    with _checked("slash"):
        v = _bits(slashed(info.v, params.slash_rate))
    return evolve(info, v=v, v_deductible=0)


def idle_growth(info: TokenomicInfo, params: GatekeeperParams) -> TokenomicInfo:
    """A responsive worker's block without a heartbeat: V grows, capped at ``v_max`` [GK-17].

    ``ΔV = k_p · ((rho − 1) · v + cost_k · p_bench + cost_b)`` with ``k_p =
    p() / p_bench`` (1 when ``p_bench`` is 0). The whole ΔV becomes
    deductible, even the part the cap cuts off.
    """
    with _checked("idle growth"):
        p = performance(info)
        multiplier = ONE if info.p_bench == 0 else fixed.div(p, info.p_bench)
        delta = _bits(
            growth(info.v, info.p_bench, params.rho, params.cost_k, params.cost_b, multiplier)
        )
        v = _bits(grown(info.v, delta, params.v_max))
        deductible = fixed.add(info.v_deductible, delta)
    return evolve(info, v=v, v_deductible=deductible)


def close_worker(
    econ: Economics, key: bytes, worker: WorkerEconomics, number: int
) -> tuple[WorkerEconomics, bytes | None, bytes | None]:
    """One worker with a session at the end of the block [GK-15].

    Returns the worker, and its key if it is reported recovered or offline.
    An unresponsive worker that answered in this block recovers; a responsive
    one whose oldest owed challenge is more than ``heartbeat_window`` blocks
    old goes offline. Then an unresponsive worker is slashed [GK-16] and a
    responsive one that did not answer grows [GK-17].
    """
    recovered = offline = None
    unresponsive = worker.unresponsive
    if unresponsive:
        if worker.heartbeat_flag:
            unresponsive = False
            recovered = key
    elif worker.waiting_heartbeats and (
        number - worker.waiting_heartbeats[0] > econ.params.heartbeat_window
    ):
        unresponsive = True
        offline = key
    if unresponsive:
        tokenomic = slash(worker.tokenomic, econ.params)
    elif not worker.heartbeat_flag:
        tokenomic = idle_growth(worker.tokenomic, econ.params)
    else:
        tokenomic = worker.tokenomic
    closed = WorkerEconomics(
        tokenomic, worker.waiting_heartbeats, unresponsive, worker.heartbeat_flag
    )
    return closed, recovered, offline


def close_block(
    econ: Economics, sessions: Mapping[bytes, int]
) -> tuple[Economics, WorkingInfoUpdateEvent | None]:
    """Close the block [GK-3] [GK-15] [GK-19]: every worker with a session, in key order; the report.

    Returns the economics (with an empty report again) and the block's
    report, or ``None`` when it is empty and nothing is sent.
    """
    recovered: list[bytes] = []
    offline: list[bytes] = []
    with econ.workers.mutate() as workers:
        for key in sorted(econ.workers):
            if key not in sessions:
                continue
            worker, back, gone = close_worker(
                econ, key, econ.workers[key], econ.report.block_number
            )
            workers[key] = worker
            recovered.extend([back] if back is not None else [])
            offline.extend([gone] if gone is not None else [])
        closed = workers.finish()
    report = econ.report
    if offline or recovered:
        report = evolve(
            report,
            offline=(*report.offline, *offline),
            recovered_to_online=(*report.recovered_to_online, *recovered),
        )
    return Economics(econ.params, closed), None if report.is_empty() else report
