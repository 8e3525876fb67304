"""pallet computation (``PhalaComputation``): sessions, stakes, heartbeat challenges, settlement.

A *session* is an account (a stake pool's sub-account) bound to one registered
worker. The stake pool starts and stops computing on it with a stake; the
chain challenges computing workers every block, keeps their on-chain
benchmark and applies the gatekeepers' per-block reports: offline and
recovered workers, and settlements whose treasury share leaves the subsidy
pool. Rewards are paid by the stake pools ([CMP-22]). Clauses: spec/computation.md,
[CMP-1]..[CMP-24].
"""

from __future__ import annotations

from typing import Any

import attrs

from ..chain.computation_payloads import SettleInfo, TokenomicParametersChanged
from ..chain.computation_payloads import default_tokenomic as default_tokenomic
from ..chain.messages import Message, pallet_origin
from ..chain.ports import Port
from ..chain.state import (
    Benchmark,
    BlockContext,
    ChainState,
    ComputationState,
    Events,
    Origin,
    SessionInfo,
    Tokenomic,
    TokenomicParams,
    event,
)
from ..chain.system_payloads import (
    EnterUnresponsive,
    ExitUnresponsive,
    HeartbeatChallenge,
    Started,
    Stopped,
    WorkerEvent,
    WorkerEventWithKey,
)
from ..chain.worker_messages import (
    GATEKEEPER_EVENT_TOPIC,
    SYSTEM_EVENT_TOPIC,
    DecodeFailure,
    decode_working_info_update,
    decode_working_report,
    encode_payload,
)
from ..primitives import (
    fixed,
    types,  # its U64 kind; U64 here is the wrap-around modulus 2^64
)
from ..primitives.arith import U256_MAX
from ..primitives.errors import ArithmeticOverflow, BadOrigin, DispatchError, RuntimePanic
from ..primitives.fixed import U32F32
from ..primitives.records import evolve
from ..primitives.types import AccountId, Balance, BlockNumber, Bool, Bytes32, FixedBits
from . import mq
from .balances.issuance import withdraw
from .balances.origins import ensure_root, ensure_signed
from .registry.allowlists import ensure_governance
from .registry.gatekeepers import is_worker_registered_after_gk_launched

PALLET = pallet_origin("PhalaComputation")

# Worker states, by production's names [CMP-1].
READY = "Ready"
IDLE = "WorkerIdle"
UNRESPONSIVE = "WorkerUnresponsive"
COOLING_DOWN = "WorkerCoolingDown"

# PalletId accounts: b"modl" ++ the 8-byte id, zero-padded to 32 bytes [CMP-3].
SUBSIDY_POOL = (b"modl" + b"phala/pp").ljust(32, b"\x00")
TREASURY = (b"modl" + b"py/trsry").ljust(32, b"\x00")  # the treasury's pot [TRS-3]

DEFAULT_HEARTBEAT_COUNT = 20
U64 = 2**64
U32 = 2**32

_ERR = "PhalaComputation."
WORKER_NOT_REGISTERED = _ERR + "WorkerNotRegistered"
WORKER_REREGISTER_NEEDED = _ERR + "WorkerReregisterNeeded"
BENCHMARK_MISSING = _ERR + "BenchmarkMissing"
BENCHMARK_TOO_LOW = _ERR + "BenchmarkTooLow"
DUPLICATE_BOUND_SESSION = _ERR + "DuplicateBoundSession"
DUPLICATE_BOUND_WORKER = _ERR + "DuplicateBoundWorker"
WORKER_NOT_READY = _ERR + "WorkerNotReady"
SESSION_NOT_FOUND = _ERR + "SessionNotFound"
SESSION_NOT_BOUND = _ERR + "SessionNotBound"
WORKER_NOT_BOUND = _ERR + "WorkerNotBound"
WORKER_NOT_COMPUTING = _ERR + "WorkerNotComputing"
EXISTING_STAKE = _ERR + "InternalErrorCannotStartWithExistingStake"
INSUFFICIENT_STAKE = _ERR + "InsufficientStake"
TOO_MUCH_STAKE = _ERR + "TooMuchStake"
COOL_DOWN_NOT_READY = _ERR + "CoolDownNotReady"
BAD_SENDER = _ERR + "BadSender"
NONCE_INDEX_INVALID = _ERR + "NonceIndexInvalid"
BUDGET_UPDATE_BLOCK_INVALID = _ERR + "BudgetUpdateBlockInvalid"
BUDGET_EXCEED_MAX_LIMIT = _ERR + "BudgetExceedMaxLimit"
BAD_TOKENOMIC_PARAMETERS = _ERR + "InternalErrorBadTokenomicParameters"
MESSAGE_CODEC_ERROR = "MessageCodecError"

ONE = int(fixed.from_int(1))
SCORE_LEVEL_4 = fixed.from_literal("0.8")
SCORE_LEVEL_5 = fixed.from_literal("0.7")


def _set(state: ChainState, **changes: Any) -> ChainState:
    return evolve(state, computation=evolve(state.computation, **changes))


def _now(ctx: BlockContext) -> int:
    return ctx.timestamp // 1000


def _push(
    state: ChainState, ctx: BlockContext, topic: bytes, payload: Any
) -> tuple[ChainState, Events]:
    return mq.push_message(state, ctx, PALLET, topic, encode_payload(payload))


def _push_worker_event(
    state: ChainState, ctx: BlockContext, worker: bytes, worker_event: WorkerEvent
) -> tuple[ChainState, Events]:
    return _push(state, ctx, SYSTEM_EVENT_TOPIC, WorkerEventWithKey(worker, worker_event))


def tokenomic(state: ChainState) -> TokenomicParams:
    """The current tokenomic parameters; a chain without them cannot compute [CMP-4]."""
    params = state.computation.tokenomic
    if params is None:
        raise RuntimePanic("the tokenomic parameters are not set")
    return params


def session(state: ChainState, account: bytes) -> SessionInfo | None:
    return state.computation.sessions.get(account)


def _put_session(state: ChainState, account: bytes, info: SessionInfo) -> ChainState:
    return _set(state, sessions=state.computation.sessions.set(account, info))


# --- Tokenomic formulas [CMP-5]..[CMP-7] -----------------------------------------------


def confidence_score(level: int) -> int:
    """The pallet's confidence score (U64F64 bits) [CMP-5]: 1-3 → 1, 4 → 0.8, 5 → 0.7, anything else → 1."""
    if level == 4:
        return SCORE_LEVEL_4
    if level == 5:
        return SCORE_LEVEL_5
    return ONE


def minimal_stake(params: TokenomicParams, p: int) -> int:
    """``k · √p`` as a balance [CMP-6]: the fixed-point square root keeps 32 fractional bits."""
    return int(fixed.from_fixed(fixed.mul(params.k, fixed.sqrt(fixed.from_int(p)))))


def initial_v(params: TokenomicParams, stake: int, p: int, confidence_level: int) -> int:
    """``Ve = ((Re - 1) · score + 1) · (stake + rig_k · p + rig_b)``, U64F64 bits [CMP-7]."""
    tweaked_re = fixed.add(
        fixed.mul(fixed.sub(params.re, ONE), confidence_score(confidence_level)), ONE
    )
    rig_cost = fixed.add(fixed.mul(params.rig_k, fixed.from_int(p)), params.rig_b)
    return int(fixed.mul(tweaked_re, fixed.add(fixed.to_fixed(stake), rig_cost)))


def pow_target(num_tx: int, num_workers: int, secs_per_block: int) -> int:
    """The heartbeat target (U256) [CMP-8]: about ``num_tx`` hits a block, at most two an hour per worker.

    Computed in U32F32 with truncating division; the ratio of target
    transactions to workers, shifted left 24 bits and truncated to an
    integer, scales ``U256::MAX >> 24``.
    """
    if num_workers == 0:
        return 0
    workers = fixed.from_int(num_workers, U32F32)
    max_tx = fixed.div(
        fixed.mul(workers, fixed.from_int(2, U32F32), U32F32),
        fixed.from_int(3600 // secs_per_block, U32F32),
        U32F32,
    )
    target_tx = min(int(max_tx), int(fixed.from_int(num_tx, U32F32)))
    ratio = int(fixed.div(target_tx, workers, U32F32))
    frac = (ratio << 24) >> U32F32.frac_bits
    return int((U256_MAX >> 24) * frac)


# --- Binding [CMP-9] [CMP-10] ----------------------------------------------------------


def bind(
    state: ChainState, ctx: BlockContext, session: AccountId, worker: Bytes32
) -> tuple[ChainState, Events]:
    """Bind a session to a registered, benchmarked worker [CMP-9] (called by the stake pool)."""
    info = state.registry.workers.get(worker)
    if info is None:
        raise DispatchError(WORKER_NOT_REGISTERED)
    if (
        state.config.computation.check_worker_register_time
        and not is_worker_registered_after_gk_launched(state, worker)
    ):
        raise DispatchError(WORKER_REREGISTER_NEEDED)
    if info.initial_score is None:
        raise DispatchError(BENCHMARK_MISSING)
    comp = state.computation
    if session in comp.session_bindings:
        raise DispatchError(DUPLICATE_BOUND_SESSION)
    if worker in comp.worker_bindings:
        raise DispatchError(DUPLICATE_BOUND_WORKER)
    existing = comp.sessions.get(session)
    if existing is not None and existing.state != READY:
        raise DispatchError(WORKER_NOT_READY)
    now = _now(ctx)
    fresh = SessionInfo(
        state=READY, ve=0, v=0, v_updated_at=now, benchmark=Benchmark(working_start_time=now)
    )
    state = _set(
        state,
        sessions=comp.sessions.set(session, fresh),
        session_bindings=comp.session_bindings.set(session, worker),
        worker_bindings=comp.worker_bindings.set(worker, session),
    )
    return state, (event("PhalaComputation.SessionBound", session=session, worker=worker),)


def unbind_session(
    state: ChainState, ctx: BlockContext, session: AccountId, notify: Bool
) -> tuple[ChainState, Events]:
    """Unbind a session, stopping it first if it computes [CMP-10].

    The ``Sessions`` record is kept. With ``notify`` the stake pool is told
    (``OnUnbound``), with ``force`` true when computing had to be stopped.
    """
    comp = state.computation
    worker = comp.session_bindings.get(session)
    if worker is None:
        raise DispatchError(SESSION_NOT_BOUND)
    info = comp.sessions.get(session)
    if info is None:
        raise DispatchError(SESSION_NOT_FOUND)
    events: Events = ()
    force = info.state not in (READY, COOLING_DOWN)
    if force:
        state, events = stop_computing(state, ctx, session)
    comp = state.computation
    state = _set(
        state,
        session_bindings=comp.session_bindings.delete(session),
        worker_bindings=comp.worker_bindings.delete(worker),
    )
    events = (
        *events,
        event("PhalaComputation.SessionUnbound", session=session, worker=worker),
    )
    if notify:
        state, unbound = on_unbound(state, ctx, worker, force)
        events = (*events, *unbound)
    return state, events


def unbind(
    state: ChainState, ctx: BlockContext, origin: Origin, session: AccountId
) -> tuple[ChainState, Events]:
    """The worker's operator unbinds its session [CMP-10]."""
    who = ensure_signed(origin)
    worker = state.computation.session_bindings.get(session)
    if worker is None:
        raise DispatchError(SESSION_NOT_FOUND)
    record = state.registry.workers.get(worker)
    if record is None or record.operator != who:
        raise DispatchError(BAD_SENDER)
    return unbind_session(state, ctx, session, notify=True)


# --- Computing [CMP-11]..[CMP-13] --------------------------------------------------------


def start_computing(
    state: ChainState, ctx: BlockContext, session: AccountId, stake: Balance
) -> tuple[ChainState, Events]:
    """Start computing with ``stake`` [CMP-11]: the minimum stake, Ve within ``v_max``, a global session id."""
    comp = state.computation
    worker = comp.session_bindings.get(session)
    if worker is None:
        raise DispatchError(SESSION_NOT_FOUND)
    info = comp.sessions[session]
    if info.state != READY:
        raise DispatchError(WORKER_NOT_READY)
    if session in comp.stakes:
        raise DispatchError(EXISTING_STAKE)
    record = state.registry.workers[worker]
    p = record.initial_score
    if p is None:
        raise DispatchError(BENCHMARK_MISSING)
    if p < state.config.computation.min_init_p:
        raise DispatchError(BENCHMARK_TOO_LOW)
    params = tokenomic(state)
    if stake < minimal_stake(params, p):
        raise DispatchError(INSUFFICIENT_STAKE)
    ve = initial_v(params, stake, p, record.confidence_level)
    if ve > params.v_max:
        raise DispatchError(TOO_MUCH_STAKE)
    now = _now(ctx)
    started = evolve(
        info,
        state=IDLE,
        ve=ve,
        v=ve,
        v_updated_at=now,
        benchmark=evolve(info.benchmark, p_init=p),
    )
    session_id = comp.next_session_id
    state = _set(
        state,
        stakes=comp.stakes.set(session, stake),
        sessions=comp.sessions.set(session, started),
        online_workers=comp.online_workers + 1,
        next_session_id=(session_id + 1) % U32,
    )
    state, pushed = _push_worker_event(
        state, ctx, worker, Started(session_id=session_id, init_v=ve, init_p=p)
    )
    return state, (
        *pushed,
        event("PhalaComputation.WorkerStarted", session=session, init_v=ve, init_p=p),
    )


def stop_computing(
    state: ChainState, ctx: BlockContext, session: AccountId
) -> tuple[ChainState, Events]:
    """Stop computing: the session cools down from now [CMP-12]; the stake stays until reclaimed."""
    comp = state.computation
    worker = comp.session_bindings.get(session)
    if worker is None:
        raise DispatchError(SESSION_NOT_BOUND)
    info = comp.sessions.get(session)
    if info is None:
        raise DispatchError(SESSION_NOT_FOUND)
    if info.state in (READY, COOLING_DOWN):
        raise DispatchError(WORKER_NOT_COMPUTING)
    stopped = evolve(info, state=COOLING_DOWN, cool_down_start=_now(ctx))
    state = _set(
        state,
        sessions=comp.sessions.set(session, stopped),
        online_workers=max(comp.online_workers - 1, 0),
    )
    state, notified = on_stopped(state, ctx, worker, comp.stakes.get(session, 0), 0)
    state, pushed = _push_worker_event(state, ctx, worker, Stopped())
    return state, (
        *notified,
        *pushed,
        event("PhalaComputation.WorkerStopped", session=session),
    )


def reclaim(
    state: ChainState, ctx: BlockContext, session: AccountId, check_cooldown: Bool
) -> tuple[ChainState, Events, tuple[int, int]]:
    """Return a cooled-down session to ``Ready`` and release its stake [CMP-13].

    Returns ``(original_stake, slashed)``; stake slashing is disabled in
    production, so ``slashed`` is always 0.
    """
    comp = state.computation
    info = comp.sessions.get(session)
    if info is None:
        raise DispatchError(SESSION_NOT_FOUND)
    cooled = info.state == COOLING_DOWN and (
        not check_cooldown or _now(ctx) - info.cool_down_start >= comp.cool_down_period
    )
    if not cooled:
        raise DispatchError(COOL_DOWN_NOT_READY)
    stake = comp.stakes.get(session, 0)
    stakes = comp.stakes.delete(session) if session in comp.stakes else comp.stakes
    state = _set(
        state,
        sessions=comp.sessions.set(session, evolve(info, state=READY, cool_down_start=0)),
        stakes=stakes,
    )
    reclaimed = event(
        "PhalaComputation.WorkerReclaimed", session=session, original_stake=stake, slashed=0
    )
    return state, (reclaimed,), (stake, 0)


# --- The stake pool's hooks [CMP-22] -------------------------------------------------------


on_reward: Port[[ChainState, BlockContext, tuple[SettleInfo, ...]], tuple[ChainState, Events]] = (
    Port("PhalaComputation.OnReward")
)
"""``OnReward``: the stake pools pay the settled rewards [CMP-22] [STK-53]."""

on_unbound: Port[[ChainState, BlockContext, bytes, bool], tuple[ChainState, Events]] = Port(
    "PhalaComputation.OnUnbound"
)
"""``OnUnbound``: the stake pool drops the worker [CMP-22] [STK-43]."""

on_stopped: Port[[ChainState, BlockContext, bytes, int, int], tuple[ChainState, Events]] = Port(
    "PhalaComputation.OnStopped"
)
"""``OnStopped``: the stake pool learns the worker stopped [CMP-22] [STK-49]."""

on_treasury_settled: Port[[ChainState, int], tuple[ChainState, Events]] = Port(
    "PhalaComputation.OnTreasurySettled"
)
"""``OnTreasurySettled``: the treasury takes an imbalance into its pot [CMP-18] [TRS-3]."""


# --- Heartbeats [CMP-14]..[CMP-16] -----------------------------------------------------------


def heartbeat_challenge(state: ChainState, ctx: BlockContext) -> tuple[ChainState, Events]:
    """Challenge the computing workers, unless paused [CMP-14].

    The seed is the block's randomness read as a big-endian U256; the target
    is :func:`pow_target` of the expected heartbeat count (20 when unset) and
    the online workers.
    """
    comp = state.computation
    if comp.heartbeat_paused:
        return state, ()
    count = comp.expected_heartbeat_count
    target = pow_target(
        DEFAULT_HEARTBEAT_COUNT if count is None else count,
        comp.online_workers,
        state.config.computation.expected_block_time_sec,
    )
    seed = int.from_bytes(ctx.randomness, "big")
    return _push(
        state, ctx, SYSTEM_EVENT_TOPIC, HeartbeatChallenge(seed=seed, online_target=target)
    )


def update_benchmark(bench: Benchmark, now: int, iterations: int, challenge_time: int) -> Benchmark:
    """A heartbeat's effect on the on-chain benchmark [CMP-15].

    Production asserts ``now > challenge_time_last`` and panics otherwise
    (:class:`RuntimePanic`). ``p_instant`` is the iteration rate × 6 in u64
    arithmetic (wrapping), truncated to u32, capped at 1.2 × ``p_init``.
    """
    if now <= bench.challenge_time_last:
        raise RuntimePanic(
            "a heartbeat no later than the last challenge: production's expect panics"
        )
    last_iterations = min(bench.iterations, iterations)
    delta_iter = iterations - last_iterations
    delta_ts = now - bench.challenge_time_last
    rate = ((delta_iter * 6) % U64 // delta_ts) % U32
    cap = bench.p_init * 12 // 10
    return evolve(
        bench, p_instant=min(rate, cap), iterations=iterations, challenge_time_last=challenge_time
    )


def on_working_message_received(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Events]:
    """A worker's heartbeat on ``phala/mining/report`` [CMP-16]: update the session's benchmark."""
    report = decode_working_report(message.payload)
    if isinstance(report, DecodeFailure):
        raise DispatchError(MESSAGE_CODEC_ERROR, report.reason)
    if message.sender.kind != "Worker":
        raise DispatchError(BAD_SENDER)
    session_account = state.computation.worker_bindings.get(message.sender.id)
    if session_account is None:
        raise DispatchError(WORKER_NOT_BOUND)
    info = state.computation.sessions.get(session_account)
    if info is None:
        return state, ()
    bench = update_benchmark(
        info.benchmark, _now(ctx), report.iterations, report.challenge_time // 1000
    )
    state = _put_session(state, session_account, evolve(info, benchmark=bench))
    return state, (
        event(
            "PhalaComputation.BenchmarkUpdated", session=session_account, p_instant=bench.p_instant
        ),
    )


# --- The gatekeepers' report [CMP-17]..[CMP-19] ----------------------------------------------


def on_gk_message_received(
    state: ChainState, ctx: BlockContext, message: Message
) -> tuple[ChainState, Events]:
    """The gatekeepers' ``WorkingInfoUpdateEvent`` on ``^phala/mining/update`` [CMP-17].

    Offline workers become unresponsive, recovered ones idle again, then each
    settlement is applied or dropped [CMP-18]; whatever happened, every
    settlement is handed to the stake pools [CMP-19].
    """
    report = decode_working_info_update(message.payload)
    if isinstance(report, DecodeFailure):
        raise DispatchError(MESSAGE_CODEC_ERROR, report.reason)
    if message.sender.kind != "Gatekeeper":
        raise DispatchError(BAD_SENDER)
    events: Events = ()
    if not report.is_empty():
        for worker in report.offline:
            state, changed = _set_responsiveness(state, ctx, worker, UNRESPONSIVE)
            events = (*events, *changed)
        for worker in report.recovered_to_online:
            state, changed = _set_responsiveness(state, ctx, worker, IDLE)
            events = (*events, *changed)
        for info in report.settle:
            state, settled = settle(state, ctx, info, report.timestamp_ms // 1000)
            events = (*events, *settled)
    state, rewarded = on_reward(state, ctx, report.settle)
    return state, (*events, *rewarded)


def _set_responsiveness(
    state: ChainState, ctx: BlockContext, worker: bytes, target: str
) -> tuple[ChainState, Events]:
    """Mark a bound, computing worker unresponsive or idle again [CMP-17]; others are skipped."""
    account = state.computation.worker_bindings.get(worker)
    info = None if account is None else state.computation.sessions.get(account)
    if account is None or info is None or info.state not in (IDLE, UNRESPONSIVE):
        return state, ()
    state = _put_session(state, account, evolve(info, state=target))
    worker_event: WorkerEvent
    if target == UNRESPONSIVE:
        name, worker_event = "PhalaComputation.WorkerEnterUnresponsive", EnterUnresponsive()
    else:
        name, worker_event = "PhalaComputation.WorkerExitUnresponsive", ExitUnresponsive()
    state, pushed = _push_worker_event(state, ctx, worker, worker_event)
    return state, (event(name, session=account), *pushed)


def settle(
    state: ChainState, ctx: BlockContext, info: SettleInfo, emit_ts: int
) -> tuple[ChainState, Events]:
    """Apply one settlement [CMP-18].

    A session updated at or after the report's time drops it
    (``SessionSettlementDropped``: V kept, no treasury share taken). Otherwise
    V and its update time (the *chain's* time) are stored, the payout counted,
    and the treasury share moves from the subsidy pool to the treasury; if
    that move fails, ``InternalErrorWorkerSettleFailed`` is deposited instead
    of ``SessionSettled``.
    """
    account = state.computation.worker_bindings.get(info.pubkey)
    session_info = None if account is None else state.computation.sessions.get(account)
    if account is None or session_info is None:
        return state, ()
    if session_info.v_updated_at >= emit_ts:
        return state, (
            event(
                "PhalaComputation.SessionSettlementDropped",
                session=account,
                v=info.v,
                payout=info.payout,
            ),
        )
    failed = (event("PhalaComputation.InternalErrorWorkerSettleFailed", worker=info.pubkey),)
    try:
        payout = int(fixed.from_fixed(info.payout))
        treasury_share = int(fixed.from_fixed(info.treasury))
    except ArithmeticOverflow:
        return state, failed
    updated = evolve(
        session_info,
        v=info.v,
        v_updated_at=_now(ctx),
        total_reward=(session_info.total_reward + payout) % 2**128,
    )
    state = _put_session(state, account, updated)
    try:
        state, moved = pay_treasury(state, treasury_share)
    except DispatchError:
        return state, failed
    return state, (
        *moved,
        event(
            "PhalaComputation.SessionSettled",
            session=account,
            v_bits=info.v,
            payout_bits=info.payout,
        ),
    )


def pay_treasury(state: ChainState, amount: int) -> tuple[ChainState, Events]:
    """Move ``amount`` from the subsidy pool into the treasury's pot (``OnTreasurySettled``) [CMP-18] [TRS-3]."""
    state, taken = withdraw(state, SUBSIDY_POOL, amount, keep_alive=False)
    state, given = on_treasury_settled(state, amount)
    return state, (*taken, *given)


# --- Parameters [CMP-20] [CMP-21] --------------------------------------------------------------


def update_tokenomic(
    state: ChainState, ctx: BlockContext, origin: Origin, new_params: Tokenomic
) -> tuple[ChainState, Events]:
    """Governance schedules new tokenomic parameters; they apply at this block's end [CMP-20]."""
    ensure_governance(origin)
    return _set(state, scheduled_tokenomic=new_params), ()


def apply_tokenomic(
    state: ChainState, ctx: BlockContext, params: TokenomicParams
) -> tuple[ChainState, Events]:
    """Store the parameters, tell the gatekeepers, deposit ``TokenomicParametersChanged`` [CMP-20]."""
    state = _set(state, tokenomic=params)
    message = TokenomicParametersChanged(params)
    state, pushed = _push(state, ctx, GATEKEEPER_EVENT_TOPIC, message)
    return state, (*pushed, event("PhalaComputation.TokenomicParametersChanged"))


def set_budget_per_block(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    nonce: types.U64,
    block_number: BlockNumber,
    budget: FixedBits,
) -> tuple[ChainState, Events]:
    """The budget balancer sets the budget per block (U64F64 bits) at once [CMP-21].

    Checks: the balancer's account, the nonce, the block, twice the limit, the
    parameters present. The nonce, the block and the parameters are stored and
    the parameters pushed to the gatekeepers; only ``BudgetUpdated`` is deposited.
    """
    who = ensure_signed(origin)
    comp = state.computation
    if who != comp.contract_account:
        raise BadOrigin()
    if nonce <= comp.budget_update_nonce:
        raise DispatchError(NONCE_INDEX_INVALID)
    if block_number <= comp.last_budget_update_block:
        raise DispatchError(BUDGET_UPDATE_BLOCK_INVALID)
    if budget > comp.max_budget_limit * 2:
        raise DispatchError(BUDGET_EXCEED_MAX_LIMIT)
    if comp.tokenomic is None:
        raise DispatchError(BAD_TOKENOMIC_PARAMETERS)
    params = evolve(comp.tokenomic, budget_per_block=budget)
    state = _set(
        state, budget_update_nonce=nonce, last_budget_update_block=block_number, tokenomic=params
    )
    state, pushed = _push(state, ctx, GATEKEEPER_EVENT_TOPIC, TokenomicParametersChanged(params))
    return state, (*pushed, event("PhalaComputation.BudgetUpdated", nonce=nonce, budget=budget))


def set_heartbeat_paused(
    state: ChainState, ctx: BlockContext, origin: Origin, paused: Bool
) -> tuple[ChainState, Events]:
    """Governance pauses or resumes the heartbeat challenges [CMP-20]."""
    ensure_governance(origin)
    return _set(state, heartbeat_paused=paused), ()


def set_cool_down_expiration(
    state: ChainState, ctx: BlockContext, origin: Origin, period: types.U64
) -> tuple[ChainState, Events]:
    """Root sets the cool-down period in seconds [CMP-20]."""
    ensure_root(origin)
    return _set(state, cool_down_period=period), (
        event("PhalaComputation.CoolDownExpirationChanged", period=period),
    )


def update_contract_root(
    state: ChainState, ctx: BlockContext, origin: Origin, account_id: AccountId
) -> tuple[ChainState, Events]:
    """Governance names the budget balancer's account [CMP-21]."""
    ensure_governance(origin)
    return _set(state, contract_account=account_id), ()


def force_heartbeat(
    state: ChainState, ctx: BlockContext, origin: Origin
) -> tuple[ChainState, Events]:
    """Root challenges every worker at once: seed 0, target ``U256::MAX`` [CMP-14]."""
    ensure_root(origin)
    return _push(state, ctx, SYSTEM_EVENT_TOPIC, HeartbeatChallenge(seed=0, online_target=U256_MAX))


def force_start_computing(
    state: ChainState, ctx: BlockContext, origin: Origin, session: AccountId, stake: Balance
) -> tuple[ChainState, Events]:
    """Root starts a session [CMP-11]."""
    ensure_root(origin)
    return start_computing(state, ctx, session, stake)


def force_stop_computing(
    state: ChainState, ctx: BlockContext, origin: Origin, session: AccountId
) -> tuple[ChainState, Events]:
    """Root stops a session [CMP-12]."""
    ensure_root(origin)
    return stop_computing(state, ctx, session)


def on_finalize(state: ChainState, ctx: BlockContext) -> tuple[ChainState, Events]:
    """End of block [CMP-23]: challenge, then apply scheduled tokenomic parameters."""
    state, challenged = heartbeat_challenge(state, ctx)
    scheduled = state.computation.scheduled_tokenomic
    if scheduled is None:
        return state, challenged
    state = _set(state, scheduled_tokenomic=None)
    state, applied = apply_tokenomic(state, ctx, scheduled)
    return state, (*challenged, *applied)


def genesis_state(data: Any, contract_account: bytes) -> ComputationState:
    """The computation storage at genesis [CMP-4]: the default parameters, a paused heartbeat,
    a 7-day cool-down, with a genesis override's ``{tokenomic: {...} or None, heartbeat_paused,
    cool_down_period}`` applied (``tokenomic`` None: no parameters stored)."""
    changes = data.get("tokenomic", {})
    params = None
    if changes is not None:
        params = TokenomicParams(**{**attrs.asdict(default_tokenomic()), **changes})
    return ComputationState(
        tokenomic=params,
        contract_account=contract_account,
        cool_down_period=data.get("cool_down_period", 604_800),
        heartbeat_paused=data.get("heartbeat_paused", True),
    )
