"""The gatekeeper's economics over columns of plain integers, for long runs [GK-3] [SIM-7].

:mod:`.gatekeeper` is the readable rule: a frozen record per worker in a
persistent map, rebuilt by ``attrs.evolve`` whenever a field changes. Its
block goes over every worker twice (the sum of shares [GK-6] and the end of
the block [GK-15]..[GK-17]), which at tens of thousands of workers is
nearly all of a simulated block. This module keeps the same records as one
Python list per field, indexed by the workers' key order, and goes over
every worker once a block, in a few list comprehensions with the same
U64F64 arithmetic (:mod:`..primitives.fixed`'s, inlined: truncating shifts,
the same overflow bounds, ``math.isqrt`` for the root): the end of a block
grows every worker and adds up the roots of their shares for the next
block's sum (nothing changes V in between), which then only takes out the
workers it does not count.

At this size the time goes less to arithmetic than to reaching numbers in
memory, so the module reads and makes as few of them as it can: the
deductible part of V is kept as its difference from V, which idle growth
does not change; the range tests use upper bounds of the columns kept
beside them; and the columns a heartbeat rewrites one number at a time are
copied whole now and then, so that their numbers lie together again
(:func:`_gather`).

Everything else, and every unusual case, goes through the readable
functions: a heartbeat, a challenge and a worker event are applied by
:mod:`.gatekeeper` to the one worker's record; a pass that meets a value out
of U64F64's range is redone by the readable function on the whole state,
which raises the same :class:`~.gatekeeper.Poisoned` [GK-20]. A test replays
randomized populations on both and requires the same records and reports.
The parameters are those the columns were made with: a parameter change
[GK-18] is not offered here (the simulation never makes one); it would go
through :func:`to_economics` and :func:`from_economics`.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from itertools import compress, filterfalse

import attrs
import immutables

from ..chain.computation_payloads import WorkingInfoUpdateEvent
from ..primitives.fixed import U64F64
from . import gatekeeper as gk

MAX = U64F64.max_bits
FRAC = U64F64.frac_bits
HALF = FRAC // 2


@attrs.define
class Bounds:
    """At least the largest value of four columns (equal after :func:`_gather`) [SIM-7].

    The gap's bound is never below 0: a slashed worker's gap, minus its V,
    stays within it.
    """

    weighted_square: int = 0
    multiplier: int = 0
    cost_idle: int = 0
    deductible_gap: int = 0


@attrs.define
class ArrayEconomics:
    """:class:`~.gatekeeper.Economics` as columns: field ``f`` of worker ``keys[i]`` is ``f[i]`` [GK-1].

    ``deductible_gap`` is ``v_deductible − v``. Three columns are derived
    from a worker's record and the parameters, the parts of the formulas
    that change only when its P or confidence does (:func:`derived`);
    ``bounds`` holds upper bounds of those and of the gap, for the range
    tests. ``root_total`` is the sum of every worker's share root for the
    V the last block left (:func:`close_block`), ``None`` once a record was
    written since or when a radicand could leave the range.
    ``without_session`` keeps the positions of the workers an immutable map
    of sessions leaves out (:func:`_left_out`); ``rewritten`` counts the
    records written one at a time (:func:`_gather`). ``journal`` keeps what
    the current block changed, so a block that poisons the gatekeeper can be
    undone as the readable state is never replaced [GK-20].
    """

    params: gk.GatekeeperParams
    keys: list[bytes]
    index: dict[bytes, int]
    v: list[int]
    v_init: list[int]
    deductible_gap: list[int]
    v_update_at: list[int]
    v_update_block: list[int]
    iteration_last: list[int]
    challenge_time_last: list[int]
    p_bench: list[int]
    p_instant: list[int]
    confidence_level: list[int]
    contract_running: list[bool]
    waiting_heartbeats: list[tuple[int, ...]]
    unresponsive: list[bool]
    heartbeat_flag: list[bool]
    weighted_square: list[int]
    multiplier: list[int]
    cost_idle: list[int]
    bounds: Bounds = attrs.field(factory=Bounds)
    root_total: int | None = None
    sum_share: int = 0
    report: WorkingInfoUpdateEvent = attrs.field(factory=lambda: WorkingInfoUpdateEvent(0, 0))
    journal: list[tuple[int, gk.WorkerEconomics | None]] = attrs.field(factory=list)
    saved_flags: list[bool] | None = None
    without_session: tuple[immutables.Map[bytes, int], frozenset[int]] | None = None
    rewritten: int = 0


_COLUMNS = tuple(
    f.name
    for f in attrs.fields(ArrayEconomics)
    if f.name
    not in (
        "params",
        "keys",
        "index",
        "bounds",
        "root_total",
        "sum_share",
        "report",
        "journal",
        "saved_flags",
        "without_session",
        "rewritten",
    )
)
"""The per-worker columns."""


def from_economics(econ: gk.Economics) -> ArrayEconomics:
    """The columns of a readable state between blocks [GK-1]."""
    keys = sorted(econ.workers)
    records = [econ.workers[k] for k in keys]
    infos = [w.tokenomic for w in records]
    derivations = [derived(t, econ.params) for t in infos]
    arr = ArrayEconomics(
        params=econ.params,
        keys=keys,
        index={k: i for i, k in enumerate(keys)},
        v=[t.v for t in infos],
        v_init=[t.v_init for t in infos],
        deductible_gap=[t.v_deductible - t.v for t in infos],
        v_update_at=[t.v_update_at for t in infos],
        v_update_block=[t.v_update_block for t in infos],
        iteration_last=[t.iteration_last for t in infos],
        challenge_time_last=[t.challenge_time_last for t in infos],
        p_bench=[t.p_bench for t in infos],
        p_instant=[t.p_instant for t in infos],
        confidence_level=[t.confidence_level for t in infos],
        contract_running=[t.contract_running for t in infos],
        waiting_heartbeats=[w.waiting_heartbeats for w in records],
        unresponsive=[w.unresponsive for w in records],
        heartbeat_flag=[w.heartbeat_flag for w in records],
        weighted_square=[d[0] for d in derivations],
        multiplier=[d[1] for d in derivations],
        cost_idle=[d[2] for d in derivations],
    )
    arr.bounds = _bounds(arr)
    return arr


def _bounds(arr: ArrayEconomics) -> Bounds:
    """The columns' largest values (the gap's at least 0, so that slashing keeps it a bound)."""
    return Bounds(
        max(arr.weighted_square, default=0),
        max(arr.multiplier, default=0),
        max(arr.cost_idle, default=0),
        max([0, *arr.deductible_gap]),
    )


OUT_OF_RANGE = MAX + 1
"""A derived value that a U64F64 intermediate overflowed: it fails the passes' range test."""


def derived(info: gk.TokenomicInfo, params: gk.GatekeeperParams) -> tuple[int, int, int]:
    """A worker's ``w · w`` [GK-5], ``k_p`` and ``cost_k · p_bench + cost_b`` [GK-17].

    With ``w = (2 · p()) · confidence``, ``k_p = p() / p_bench`` (1 when
    ``p_bench`` is 0), each product shifted right 64 bits as
    :mod:`..primitives.fixed` does; :data:`OUT_OF_RANGE` where an
    intermediate leaves U64F64, so the pass that uses it falls back to the
    readable rule.
    """
    p = gk.performance(info)
    doubled = (gk.TWO * p) >> FRAC
    weighted = (doubled * gk.confidence_score(info.confidence_level)) >> FRAC
    square = (weighted * weighted) >> FRAC
    bench = info.p_bench
    multiplier = gk.ONE if bench == 0 else (p << FRAC) // bench
    cost_idle = ((params.cost_k * bench) >> FRAC) + params.cost_b
    return (
        OUT_OF_RANGE if (doubled | weighted | square) > MAX else square,
        OUT_OF_RANGE if multiplier > MAX else multiplier,
        OUT_OF_RANGE if ((params.cost_k * bench) >> FRAC | cost_idle) > MAX else cost_idle,
    )


def share_roots(v: list[int], weighted_square: list[int]) -> list[int]:
    """Each worker's ``isqrt(v · v + w · w)``: its share [GK-5] is the root shifted left 32 bits.

    :data:`OUT_OF_RANGE` where the radicand leaves U64F64 (and where ``w ·
    w`` already did), so that a sum that meets it leaves the range too.
    Summing the roots and shifting the sum is the same as summing the
    shifted roots.
    """
    radicands = [
        ((value * value) >> FRAC) + square for value, square in zip(v, weighted_square, strict=True)
    ]
    return [math.isqrt(x) if x <= MAX else OUT_OF_RANGE for x in radicands]


def record(arr: ArrayEconomics, i: int) -> gk.WorkerEconomics:
    """Worker ``keys[i]``'s readable record [GK-1]."""
    tokenomic = gk.TokenomicInfo(
        v=arr.v[i],
        v_init=arr.v_init[i],
        v_deductible=arr.v[i] + arr.deductible_gap[i],
        v_update_at=arr.v_update_at[i],
        v_update_block=arr.v_update_block[i],
        iteration_last=arr.iteration_last[i],
        challenge_time_last=arr.challenge_time_last[i],
        p_bench=arr.p_bench[i],
        p_instant=arr.p_instant[i],
        confidence_level=arr.confidence_level[i],
        contract_running=arr.contract_running[i],
    )
    return gk.WorkerEconomics(
        tokenomic, arr.waiting_heartbeats[i], arr.unresponsive[i], arr.heartbeat_flag[i]
    )


def to_economics(arr: ArrayEconomics) -> gk.Economics:
    """The readable state between blocks [GK-1]."""
    workers = immutables.Map((k, record(arr, i)) for i, k in enumerate(arr.keys))
    return gk.Economics(arr.params, workers)


def _store(arr: ArrayEconomics, i: int, worker: gk.WorkerEconomics) -> None:
    arr.journal.append((i, record(arr, i)))
    _write(arr, i, worker)


def _write(arr: ArrayEconomics, i: int, worker: gk.WorkerEconomics) -> None:
    t = worker.tokenomic
    arr.v[i], arr.v_init[i] = t.v, t.v_init
    arr.deductible_gap[i] = t.v_deductible - t.v
    arr.v_update_at[i], arr.v_update_block[i] = t.v_update_at, t.v_update_block
    arr.iteration_last[i], arr.challenge_time_last[i] = t.iteration_last, t.challenge_time_last
    arr.p_bench[i], arr.p_instant[i] = t.p_bench, t.p_instant
    arr.confidence_level[i] = t.confidence_level
    arr.contract_running[i] = t.contract_running
    arr.waiting_heartbeats[i] = worker.waiting_heartbeats
    arr.unresponsive[i], arr.heartbeat_flag[i] = worker.unresponsive, worker.heartbeat_flag
    square, multiplier, cost_idle = derived(t, arr.params)
    arr.weighted_square[i], arr.multiplier[i], arr.cost_idle[i] = square, multiplier, cost_idle
    bounds = arr.bounds
    bounds.weighted_square = max(bounds.weighted_square, square)
    bounds.multiplier = max(bounds.multiplier, multiplier)
    bounds.cost_idle = max(bounds.cost_idle, cost_idle)
    bounds.deductible_gap = max(bounds.deductible_gap, arr.deductible_gap[i])
    arr.root_total = None
    arr.rewritten += 1


def _gather(arr: ArrayEconomics) -> None:
    """The derived columns copied whole once a sixteenth of the records were written one at a time.

    The end of a block makes V's column anew, its numbers one after another,
    so they lie together in memory. The derived columns change a worker at a
    time, with its heartbeats: their numbers end up scattered through
    memory, and a pass over scattered numbers costs several times as much.
    Copying them (``value + 0`` is a new number, the same value) gathers
    them again, and the bounds become the largest values again. Nothing
    else changes.
    """
    if arr.rewritten * 16 <= len(arr.keys):
        return
    arr.weighted_square = [value + 0 for value in arr.weighted_square]
    arr.multiplier = [value + 0 for value in arr.multiplier]
    arr.cost_idle = [value + 0 for value in arr.cost_idle]
    arr.bounds = _bounds(arr)
    arr.rewritten = 0


def rollback(arr: ArrayEconomics) -> None:
    """Undo what the block changed since :func:`open_block` (the gatekeeper halted) [GK-20]."""
    for i, worker in reversed(arr.journal):
        if worker is not None:
            _write(arr, i, worker)
            continue
        del arr.keys[i]  # a worker registered in the block
        for name in _COLUMNS:
            del getattr(arr, name)[i]
        if arr.saved_flags is not None:
            del arr.saved_flags[i]
    arr.index = {k: n for n, k in enumerate(arr.keys)}
    arr.without_session = None
    if arr.saved_flags is not None:
        arr.heartbeat_flag = arr.saved_flags
    arr.journal, arr.saved_flags = [], None
    arr.sum_share, arr.report = 0, WorkingInfoUpdateEvent(0, 0)


# --- Every worker, once a block ------------------------------------------------------------------


def _left_out(arr: ArrayEconomics, sessions: Mapping[bytes, int]) -> frozenset[int]:
    """The workers without a session [GK-6] [GK-15], by position.

    Looking every worker up costs about as much as a step of the pass, so
    the answer for an ``immutables.Map`` of sessions, which cannot change, is
    kept: it holds while the same map comes back and no worker is added or
    removed.
    """
    kept = arr.without_session
    if kept is not None and kept[0] is sessions:
        return kept[1]
    absent = frozenset(arr.index[key] for key in filterfalse(sessions.__contains__, arr.keys))
    if isinstance(sessions, immutables.Map):
        arr.without_session = (sessions, absent)
    return absent


def sum_share(arr: ArrayEconomics, sessions: Mapping[bytes, int]) -> int:
    """The sum of the shares of the workers with a session, not unresponsive [GK-6].

    Each share is :func:`.gatekeeper.share_of`'s ``sqrt(v · v + w · w)``
    [GK-5], a root (:func:`share_roots`) shifted left 32 bits: the sum is
    the sum of the roots, shifted. The last block's end left the sum of all
    the roots (``root_total``); the workers left out are taken out of it.
    Shares are never negative, so the sum's partial totals in key order stay
    in U64F64's range if and only if the whole sum does; a root out of range
    puts the sum out of range. An out-of-range sum is taken again by the
    readable rule, which raises as it does.
    """
    positions = range(len(arr.keys))
    left_out = sorted(_left_out(arr, sessions).union(compress(positions, arr.unresponsive)))
    v, weighted_square = arr.v, arr.weighted_square
    if arr.root_total is None:
        roots = share_roots(v, weighted_square)
        total = sum(roots) - sum(roots[i] for i in left_out)
    else:
        out = share_roots([v[i] for i in left_out], [weighted_square[i] for i in left_out])
        total = arr.root_total - sum(out)
    total <<= HALF
    if total > MAX:
        return gk.sum_share(to_economics(arr), sessions)  # raises Poisoned as the rule does
    return total


def open_block(
    arr: ArrayEconomics, sessions: Mapping[bytes, int], number: int, now_ms: int
) -> None:
    """Open a block [GK-3]: the block's ``sum_share``, every heartbeat flag down, an empty report."""
    arr.journal, arr.saved_flags = [], None
    total = sum_share(arr, sessions)
    arr.saved_flags = arr.heartbeat_flag
    arr.heartbeat_flag = [False] * len(arr.keys)
    arr.sum_share, arr.report = total, WorkingInfoUpdateEvent(number, now_ms)


def close_block(
    arr: ArrayEconomics, sessions: Mapping[bytes, int]
) -> WorkingInfoUpdateEvent | None:
    """Close the block [GK-15]..[GK-17] [GK-19] as :func:`.gatekeeper.close_block`; the report.

    Each worker with a session, in key order: an unresponsive one that
    answered recovers, a responsive one owing a challenge older than the
    window goes offline; then the unresponsive are slashed [GK-16] and the
    responsive that did not answer grow [GK-17].

    Nearly every worker grows, so the pass first grows them all, then goes
    over the few others (those without a session, unresponsive, flagged or
    owing a challenge) in key order. Growth keeps a worker's gap between
    its deductible part and V, unless the cap cuts V. The range is tested on
    upper bounds of every worker's growth, even one that does not grow, and
    any step that may leave the range hands the block to the readable rule:
    a needless hand-over gives the same result, only slower. The new
    columns, and the sum of the share roots of the new V for the next
    block's sum of shares [GK-6], replace the old ones only when the whole
    pass stayed in range.
    """
    params, number, bounds = arr.params, arr.report.block_number, arr.bounds
    window, slash_rate, v_max = params.heartbeat_window, params.slash_rate, params.v_max
    rho_less_one = params.rho - gk.ONE  # rho − 1 [GK-17]
    v = arr.v
    # idle growth [GK-17]: V + ΔV, ΔV = k_p · ((rho − 1) · v + cost_idle), in one expression a
    # worker so that the steps' numbers are gone at once
    grown = [
        value + ((scale * (((rho_less_one * value) >> FRAC) + cost)) >> FRAC)
        for value, cost, scale in zip(v, arr.cost_idle, arr.multiplier, strict=True)
    ]
    top = max(grown, default=0)  # no V is above it: ΔV is never negative
    inner = ((rho_less_one * top) >> FRAC) + bounds.cost_idle  # (rho − 1) · v + cost_idle
    owed = top + bounds.deductible_gap  # v_deductible + ΔV: V + ΔV plus the gap
    if rho_less_one < 0 or max(bounds.multiplier, inner, top, owed) > MAX:
        return _close_readable(arr, sessions)
    gap = arr.deductible_gap
    if top >= v_max:  # min [GK-17]: what the cap cuts off stays deductible
        capped = [value if value < v_max else v_max for value in grown]
        gap = [g + value - cut for g, value, cut in zip(gap, grown, capped, strict=True)]
        grown = capped
    else:
        gap = list(gap)
    unresponsive = list(arr.unresponsive)
    flag, waiting = arr.heartbeat_flag, arr.waiting_heartbeats
    positions = range(len(arr.keys))
    absent = _left_out(arr, sessions)
    others = absent.union(
        compress(positions, unresponsive), compress(positions, flag), compress(positions, waiting)
    )
    recovered: list[bytes] = []
    offline: list[bytes] = []
    for i in sorted(others):
        if i in absent:
            grown[i], gap[i] = v[i], arr.deductible_gap[i]
            continue
        key = arr.keys[i]
        if unresponsive[i]:
            if flag[i]:
                unresponsive[i] = False
                recovered.append(key)
        elif waiting[i] and number - waiting[i][0] > window:
            unresponsive[i] = True
            offline.append(key)
        if unresponsive[i]:  # slashed [GK-16]: v − v · slash_rate, nothing deductible
            value = v[i]
            cut = (value * slash_rate) >> FRAC
            if cut > MAX or cut > value:
                return _close_readable(arr, sessions)
            grown[i] = value - cut
            gap[i] = -grown[i]
        elif flag[i]:  # answered in the block: as it was
            grown[i], gap[i] = v[i], arr.deductible_gap[i]
    arr.v, arr.deductible_gap, arr.unresponsive = grown, gap, unresponsive
    if top >= v_max:
        bounds.deductible_gap = max(bounds.deductible_gap, max(gap))
    _gather(arr)
    # the roots for the next block's sum [GK-6]; no V is above top, so no radicand is above this
    if ((top * top) >> FRAC) + arr.bounds.weighted_square <= MAX:
        arr.root_total = sum(
            math.isqrt(((value * value) >> FRAC) + square)
            for value, square in zip(grown, arr.weighted_square, strict=True)
        )
    else:
        arr.root_total = None
    report = arr.report
    if offline or recovered:
        report = attrs.evolve(
            report,
            offline=(*report.offline, *offline),
            recovered_to_online=(*report.recovered_to_online, *recovered),
        )
    arr.sum_share, arr.report = 0, WorkingInfoUpdateEvent(0, 0)
    arr.journal, arr.saved_flags = [], None
    return None if report.is_empty() else report


def _close_readable(
    arr: ArrayEconomics, sessions: Mapping[bytes, int]
) -> WorkingInfoUpdateEvent | None:
    """:func:`.gatekeeper.close_block` on the whole state: it raises as the rule does, or closes."""
    econ = attrs.evolve(to_economics(arr), sum_share=arr.sum_share, report=arr.report)
    closed, report = gk.close_block(econ, sessions)  # raises Poisoned as the rule does
    _load(arr, closed)
    return report


def _load(arr: ArrayEconomics, econ: gk.Economics) -> None:
    fresh = from_economics(econ)
    for field in attrs.fields(ArrayEconomics):
        setattr(arr, field.name, getattr(fresh, field.name))


# --- One worker at a time: the readable rules on that worker's record --------------------------------


def _single(arr: ArrayEconomics, key: bytes) -> gk.Economics:
    """The readable state of one worker, with the block's sum of shares and report [GK-3]."""
    i = arr.index.get(key)
    workers: immutables.Map[bytes, gk.WorkerEconomics] = immutables.Map(
        {} if i is None else {key: record(arr, i)}
    )
    return gk.Economics(arr.params, workers, arr.sum_share, arr.report)


def _apply(arr: ArrayEconomics, key: bytes, econ: gk.Economics) -> None:
    """Take back one worker's record and the report from a readable rule's result."""
    arr.report = econ.report
    worker = econ.workers.get(key)
    if worker is None:
        return
    i = arr.index.get(key)
    if i is None:  # a new worker: its place in key order
        i = bisect.bisect_left(arr.keys, key)
        arr.keys.insert(i, key)
        arr.index = {k: n for n, k in enumerate(arr.keys)}
        arr.without_session = None
        for name in _COLUMNS:
            getattr(arr, name).insert(i, None)
        if arr.saved_flags is not None:
            arr.saved_flags.insert(i, False)
        arr.journal.append((i, None))
        _write(arr, i, worker)
        return
    _store(arr, i, worker)


def on_heartbeat(
    arr: ArrayEconomics,
    key: bytes,
    session: int | None,
    heartbeat: tuple[int, int, int, int, int],
    number: int,
    now_ms: int,
) -> None:
    """A heartbeat [GK-11]..[GK-14]: :func:`.gatekeeper.on_heartbeat` on the worker's record."""
    _apply(arr, key, gk.on_heartbeat(_single(arr, key), key, session, heartbeat, number, now_ms))


def on_challenge(arr: ArrayEconomics, hits: Iterable[bytes], number: int) -> None:
    """A challenge: each worker it hits owes a heartbeat for this block [GK-10]."""
    for key in hits:
        i = arr.index.get(key)
        if i is not None:
            arr.journal.append((i, record(arr, i)))
            arr.waiting_heartbeats[i] = (*arr.waiting_heartbeats[i], number)


def on_registered(arr: ArrayEconomics, key: bytes, confidence_level: int) -> None:
    """``Registered`` [GK-7]: :func:`.gatekeeper.on_registered` on the worker's record."""
    _apply(arr, key, gk.on_registered(_single(arr, key), key, confidence_level))


def on_started(
    arr: ArrayEconomics, key: bytes, init_v: int, init_p: int, number: int, now_ms: int
) -> None:
    """``Started`` [GK-8]: :func:`.gatekeeper.on_started` on the worker's record."""
    _apply(arr, key, gk.on_started(_single(arr, key), key, init_v, init_p, number, now_ms))


def on_stopped(arr: ArrayEconomics, key: bytes) -> None:
    """``Stopped`` [GK-9]: :func:`.gatekeeper.on_stopped` on the worker's record."""
    _apply(arr, key, gk.on_stopped(_single(arr, key), key))
