"""pallet-democracy as Phala configures it (polkadot-sdk v1.2.0) [DEM-1]..[DEM-27].

Public proposals and seconds, the launch period with external/public
alternation, referenda with adaptive quorum biasing, standard/split/conviction
votes, single-level delegation, vote locks and ``unlock``, enactment through
the scheduler, fast-track, veto, cancellation and the blacklist.

The arithmetic of thresholds, convictions and locks ([DEM-7] [DEM-8]
[DEM-11]) is written with :mod:`.arith` so that ``proofs/governance.py``
proves its properties over these very functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, overload

import attrs

from ...chain.democracy_state import (
    SIMPLE_MAJORITY,
    SUPER_MAJORITY_AGAINST,
    SUPER_MAJORITY_APPROVE,
    AccountVote,
    Conviction,
    Delegating,
    Delegations,
    Direct,
    Finished,
    Ongoing,
    PriorLock,
    PublicProposal,
    ReferendumInfo,
    Standard,
    Tally,
    Vote,
    Voting,
)
from ...chain.dispatch import CallData, HeldCall
from ...chain.ports import Port
from ...chain.state import AccountId, BlockContext, ChainState, Events, Origin, Root, event
from ...primitives.arith import (
    U32_MAX,
    checked_add,
    checked_sub,
    floor_div,
    isqrt,
    ite,
    le,
    lt,
    max_,
    require,
    saturating_add,
    saturating_mul,
    saturating_sub,
)
from ...primitives.errors import BadOrigin, DispatchError, RuntimePanic
from ...primitives.types import U32, Balance, BlockNumber, Bytes32, OptionU32
from .. import balances
from ..balances import ensure_root, ensure_signed
from . import scheduler
from .collective import COUNCIL, TECHNICAL_COMMITTEE, ensure_root_or, member_of, proportion_at_least

if TYPE_CHECKING:
    from ...primitives.arith import Cond, Num

PALLET = "Democracy"
LOCK_ID = b"democrac"
ENACTMENT_PRIORITY = 63

VALUE_LOW = "Democracy.ValueLow"
PROPOSAL_MISSING = "Democracy.ProposalMissing"
ALREADY_CANCELED = "Democracy.AlreadyCanceled"
DUPLICATE_PROPOSAL = "Democracy.DuplicateProposal"
PROPOSAL_BLACKLISTED = "Democracy.ProposalBlacklisted"
NOT_SIMPLE_MAJORITY = "Democracy.NotSimpleMajority"
INVALID_HASH = "Democracy.InvalidHash"
NO_PROPOSAL = "Democracy.NoProposal"
ALREADY_VETOED = "Democracy.AlreadyVetoed"
REFERENDUM_INVALID = "Democracy.ReferendumInvalid"
NOT_VOTER = "Democracy.NotVoter"
NO_PERMISSION = "Democracy.NoPermission"
ALREADY_DELEGATING = "Democracy.AlreadyDelegating"
INSUFFICIENT_FUNDS = "Democracy.InsufficientFunds"
NOT_DELEGATING = "Democracy.NotDelegating"
VOTES_EXIST = "Democracy.VotesExist"
INSTANT_NOT_ALLOWED = "Democracy.InstantNotAllowed"
NONSENSE = "Democracy.Nonsense"
MAX_VOTES_REACHED = "Democracy.MaxVotesReached"
TOO_MANY = "Democracy.TooMany"
VOTING_PERIOD_LOW = "Democracy.VotingPeriodLow"


# --- Arithmetic: convictions, thresholds, locks [DEM-7] [DEM-8] [DEM-11] -----------------


slash: Port[[ChainState, int], tuple[ChainState, Events]] = Port("Democracy.Slash")
"""``Slash``: takes slashed deposits; Phala's runtime gives them to the treasury [DEM-21] [TRS-3]."""


def conviction_votes(conviction: int, capital: Num) -> Delegations:
    """``Conviction::votes``: the votes ``capital`` gives at ``conviction`` (0..6) [DEM-8].

    ``None`` (0) gives a tenth, rounded down; ``LockedNx`` gives ``N`` times,
    saturating at the largest balance. The capital is always the whole amount.
    """
    if conviction == 0:
        # the record's fields are typed for the chain; in proofs they hold Z3 terms
        return Delegations(floor_div(capital, 10), capital)  # type: ignore[arg-type]
    # the record's fields are typed for the chain; in proofs they hold Z3 terms
    return Delegations(saturating_mul(capital, conviction), capital)  # type: ignore[arg-type]


def lock_periods(conviction: int) -> int:
    """``Conviction::lock_periods``: 0 for ``None``, then 1, 2, 4, 8, 16, 32 [DEM-8]."""
    return 0 if conviction == 0 else 1 << (conviction - 1)


@overload
def unlock_block(start: int, locking_period: int, periods: int) -> int: ...
@overload
def unlock_block(start: Num, locking_period: Num, periods: int) -> Num: ...
def unlock_block(start: Num, locking_period: Num, periods: int) -> Num:
    """``start + locking_period * periods`` in saturating block-number (u32) arithmetic [DEM-11]."""
    return saturating_add(start, saturating_mul(locking_period, periods, U32_MAX), U32_MAX)


def accumulate(prior: PriorLock, until: Num, amount: Num) -> PriorLock:
    """``PriorLock::accumulate``: the later end and the larger amount [DEM-11]."""
    # the record's fields are typed for the chain; in proofs they hold Z3 terms
    return PriorLock(max_(prior.until, until), max_(prior.amount, amount))  # type: ignore[arg-type]


def rejig(prior: PriorLock, now: Num) -> PriorLock:
    """``PriorLock::rejig``: a prior lock whose end has come is forgotten [DEM-11]."""
    expired = le(prior.until, now)
    # the record's fields are typed for the chain; in proofs they hold Z3 terms
    return PriorLock(ite(expired, 0, prior.until), ite(expired, 0, prior.amount))  # type: ignore[arg-type]


@overload
def locked_balance(prior_amount: int, amounts: tuple[int, ...]) -> int: ...
@overload
def locked_balance(prior_amount: Num, amounts: tuple[Num, ...]) -> Num: ...
def locked_balance(prior_amount: Num, amounts: tuple[Num, ...]) -> Num:
    """The lock a voting record needs: the largest of the prior lock and every amount it holds [DEM-11]."""
    needed = prior_amount
    for amount in amounts:
        needed = max_(needed, amount)
    return needed


@overload
def compare_rationals(n1: int, d1: int, n2: int, d2: int) -> bool: ...
@overload
def compare_rationals(n1: Num, d1: Num, n2: Num, d2: Num) -> Cond: ...
def compare_rationals(n1: Num, d1: Num, n2: Num, d2: Num) -> Cond:
    """``n1 / d1 < n2 / d2`` exactly, for positive denominators [DEM-7].

    Production compares with a continued-fraction loop that never overflows;
    for positive denominators it decides the same strict inequality as the
    cross-multiplication used here.
    """
    return lt(n1 * d2, n2 * d1)


@overload
def threshold_holds(
    threshold: str, ayes: int, nays: int, sqrt_voters: int, sqrt_electorate: int
) -> bool: ...
@overload
def threshold_holds(
    threshold: str, ayes: Num, nays: Num, sqrt_voters: Num, sqrt_electorate: Num
) -> Cond: ...
def threshold_holds(
    threshold: str, ayes: Num, nays: Num, sqrt_voters: Num, sqrt_electorate: Num
) -> Cond:
    """The comparison of each threshold kind, given the two integer square roots [DEM-7]."""
    if threshold == SUPER_MAJORITY_APPROVE:
        return compare_rationals(nays, sqrt_voters, ayes, sqrt_electorate)
    if threshold == SUPER_MAJORITY_AGAINST:
        return compare_rationals(nays, sqrt_electorate, ayes, sqrt_voters)
    return lt(nays, ayes)


def approved(threshold: str, tally: Tally, electorate: Num) -> Cond:
    """``VoteThreshold::approved`` with adaptive quorum biasing [DEM-7].

    No turnout (its integer square root is 0) never passes. An electorate
    below 1 would divide by zero in production (a panic, unreachable while any
    balance exists).
    """
    sqrt_voters = isqrt(tally.turnout)
    sqrt_electorate = isqrt(electorate)
    no_turnout = le(sqrt_voters, 0)
    if isinstance(no_turnout, bool):
        if no_turnout:
            return False
        if threshold != SIMPLE_MAJORITY:
            require(lt(0, sqrt_electorate), lambda: RuntimePanic("referendum electorate is zero"))
        return threshold_holds(threshold, tally.ayes, tally.nays, sqrt_voters, sqrt_electorate)
    import z3

    if threshold != SIMPLE_MAJORITY:
        require(
            z3.Or(no_turnout, lt(0, sqrt_electorate)),
            lambda: RuntimePanic("referendum electorate is zero"),
        )
    holds = threshold_holds(threshold, tally.ayes, tally.nays, sqrt_voters, sqrt_electorate)
    return z3.And(z3.Not(no_turnout), holds)


# --- Tallies [DEM-9] ---------------------------------------------------------------------


def vote_balance(vote: AccountVote) -> int:
    """``AccountVote::balance``: the amount a vote locks [DEM-8]."""
    if isinstance(vote, Standard):
        return vote.balance
    return int(saturating_add(vote.aye, vote.nay))


def _count(tally: Tally, vote: AccountVote, op: Callable[[int, int], int]) -> Tally:
    """Apply ``op`` (checked add or sub) of a vote's capital to the turnout and its votes to its side."""
    if isinstance(vote, Standard):
        d = conviction_votes(vote.conviction, vote.balance)
        sides = (d.votes, 0) if vote.aye else (0, d.votes)
        turnout = op(tally.turnout, d.capital)
    else:
        aye, nay = conviction_votes(0, vote.aye), conviction_votes(0, vote.nay)
        sides = (aye.votes, nay.votes)
        turnout = op(op(tally.turnout, aye.capital), nay.capital)
    return Tally(op(tally.ayes, sides[0]), op(tally.nays, sides[1]), turnout)


def tally_add(tally: Tally, vote: AccountVote) -> Tally:
    """Count a vote (checked: an overflow fails the call) [DEM-9]."""
    return _count(tally, vote, checked_add)


def tally_remove(tally: Tally, vote: AccountVote) -> Tally:
    """Uncount a vote (checked subtraction) [DEM-9]."""
    return _count(tally, vote, checked_sub)


def _shift(tally: Tally, aye: bool, d: Delegations, op: Callable[[int, int], Any]) -> Tally:
    ayes, nays = (d.votes, 0) if aye else (0, d.votes)
    return Tally(
        int(op(tally.ayes, ayes)), int(op(tally.nays, nays)), int(op(tally.turnout, d.capital))
    )


def tally_increase(tally: Tally, aye: bool, d: Delegations) -> Tally:
    """Add delegated weight to one side (saturating) [DEM-9]."""
    return _shift(tally, aye, d, saturating_add)


def tally_reduce(tally: Tally, aye: bool, d: Delegations) -> Tally:
    """Take delegated weight from one side (saturating) [DEM-9]."""
    return _shift(tally, aye, d, saturating_sub)


def _add_delegations(a: Delegations, b: Delegations) -> Delegations:
    return Delegations(
        int(saturating_add(a.votes, b.votes)), int(saturating_add(a.capital, b.capital))
    )


def _sub_delegations(a: Delegations, b: Delegations) -> Delegations:
    return Delegations(
        int(saturating_sub(a.votes, b.votes)), int(saturating_sub(a.capital, b.capital))
    )


# --- Storage helpers ---------------------------------------------------------------------


def _cfg(state: ChainState) -> Any:
    return state.config.democracy


def _set(state: ChainState, **changes: Any) -> ChainState:
    return attrs.evolve(state, democracy=attrs.evolve(state.democracy, **changes))


def voting_of(state: ChainState, who: AccountId) -> Voting:
    """An account's voting record; absent means the empty direct record [DEM-1]."""
    return state.democracy.voting_of.get(who, Direct())


def _put_voting(state: ChainState, who: AccountId, record: Voting) -> ChainState:
    voting = state.democracy.voting_of
    voting = (
        voting.delete(who)
        if record == Direct() and who in voting
        else (voting if record == Direct() else voting.set(who, record))
    )
    return _set(state, voting_of=voting)


def _put_info(state: ChainState, index: int, info: ReferendumInfo | None) -> ChainState:
    infos = state.democracy.referendum_info
    if info is None:
        return _set(state, referendum_info=infos.delete(index) if index in infos else infos)
    return _set(state, referendum_info=infos.set(index, info))


def referendum_status(state: ChainState, index: int) -> Ongoing:
    """The ongoing referendum ``index``, else ``ReferendumInvalid`` [DEM-1]."""
    info = state.democracy.referendum_info.get(index)
    if not isinstance(info, Ongoing):
        raise DispatchError(REFERENDUM_INVALID)
    return info


def backing_for(state: ChainState, index: int) -> int | None:
    """``deposit * len(depositors)`` (saturating) of a public proposal [DEM-4]."""
    entry = state.democracy.deposit_of.get(index)
    if entry is None:
        return None
    return int(saturating_mul(entry[1], len(entry[0])))


# --- Origins [DEM-3] ---------------------------------------------------------------------


def ensure_collective(origin: Origin, collective: str, n: int, d: int) -> None:
    """Root, or at least ``n/d`` of ``collective`` (``EnsureProportionAtLeast``); else ``BadOrigin`` [DEM-3] [COL-10]."""
    ensure_root_or(origin, lambda o: proportion_at_least(o, collective, n, d))


def ensure_veto(origin: Origin) -> AccountId:
    """``VetoOrigin``: one member of the technical committee acting alone; returns that member [DEM-3] [COL-10]."""
    who = member_of(origin, TECHNICAL_COMMITTEE)
    if who is None:
        raise BadOrigin()
    return who


# --- Public proposals [DEM-4] [DEM-5] ----------------------------------------------------


def _ensure_not_blacklisted(state: ChainState, proposal_hash: bytes, now: int) -> None:
    entry = state.democracy.blacklist.get(proposal_hash)
    if entry is not None and now < entry[0]:
        raise DispatchError(PROPOSAL_BLACKLISTED)


def propose(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal: HeldCall, value: Balance
) -> tuple[ChainState, Events]:
    """A signed account proposes a call with a deposit [DEM-4].

    Checks in order: signed origin, ``value >= MinimumDeposit`` (``ValueLow``),
    fewer than ``MaxProposals`` queued (``TooMany``), not blacklisted
    (``ProposalBlacklisted``), then the deposit is reserved.
    """
    who = ensure_signed(origin)
    dem = state.democracy
    if value < _cfg(state).minimum_deposit:
        raise DispatchError(VALUE_LOW)
    if len(dem.public_props) >= _cfg(state).max_proposals:
        raise DispatchError(TOO_MANY)
    _ensure_not_blacklisted(state, proposal.hash, ctx.number)
    state, events = balances.reserve(state, who, value)
    index = dem.public_prop_count
    state = _set(
        state,
        deposit_of=dem.deposit_of.set(index, ((who,), value)),
        public_prop_count=index + 1,
        public_props=(*dem.public_props, PublicProposal(index, proposal, who)),
    )
    return state, (*events, event("Democracy.Proposed", proposal_index=index, deposit=value))


def second(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal: U32
) -> tuple[ChainState, Events]:
    """Second a public proposal by reserving its deposit again [DEM-5].

    Checks in order: signed origin, the proposal exists (``ProposalMissing``),
    fewer than ``MaxDeposits`` depositors (``TooMany``), the reserve. The same
    account may second many times; each time is one more deposit.
    """
    who = ensure_signed(origin)
    entry = state.democracy.deposit_of.get(proposal)
    if entry is None:
        raise DispatchError(PROPOSAL_MISSING)
    depositors, deposit = entry
    if len(depositors) >= _cfg(state).max_deposits:
        raise DispatchError(TOO_MANY)
    state, events = balances.reserve(state, who, deposit)
    state = _set(
        state, deposit_of=state.democracy.deposit_of.set(proposal, ((*depositors, who), deposit))
    )
    return state, (*events, event("Democracy.Seconded", seconder=who, prop_index=proposal))


# --- Launching and baking [DEM-6] [DEM-10] -----------------------------------------------


def inject_referendum(
    state: ChainState, end: int, proposal: CallData, threshold: str, delay: int
) -> tuple[ChainState, Events, int]:
    """Start a referendum with an empty tally [DEM-6]; returns its index."""
    index = state.democracy.referendum_count
    state = _set(state, referendum_count=index + 1)
    state = _put_info(state, index, Ongoing(end, proposal, threshold, delay))
    return state, (event("Democracy.Started", ref_index=index, threshold=threshold),), index


def launch_public(state: ChainState, now: int) -> tuple[ChainState, Events] | None:
    """Table the best-backed public proposal [DEM-6]; ``None`` when none waits.

    Ties go to the *last* maximal entry (Rust's ``max_by_key``); the winner
    leaves the list by ``swap_remove`` (the last entry takes its place); every
    deposit is unreserved, one unreserve per depositor entry.
    """
    props = state.democracy.public_props
    if not props:
        return None
    winner = 0
    best = -1
    for i, prop in enumerate(props):
        backing = backing_for(state, prop.index)
        backing = 0 if backing is None else backing
        if backing >= best:
            winner, best = i, backing
    chosen = props[winner]
    rest = list(props)
    rest[winner] = rest[-1]
    rest.pop()
    state = _set(state, public_props=tuple(rest))
    entry = state.democracy.deposit_of.get(chosen.index)
    if entry is None:
        return state, ()
    state = _set(state, deposit_of=state.democracy.deposit_of.delete(chosen.index))
    depositors, deposit = entry
    events: Events = ()
    for who in depositors:
        state, unreserved, _ = balances.unreserve(state, who, deposit)
        events = (*events, *unreserved)
    events = (*events, event("Democracy.Tabled", proposal_index=chosen.index, deposit=deposit))
    cfg = _cfg(state)
    state, started, _ = inject_referendum(
        state,
        int(saturating_add(now, cfg.voting_period, U32_MAX)),
        chosen.proposal,
        SUPER_MAJORITY_APPROVE,
        cfg.enactment_period,
    )
    return state, (*events, *started)


def launch_external(state: ChainState, now: int) -> tuple[ChainState, Events] | None:
    """Table the next external proposal with its threshold [DEM-6]; ``None`` when none waits."""
    external = state.democracy.next_external
    if external is None:
        return None
    state = _set(state, next_external=None, last_tabled_was_external=True)
    cfg = _cfg(state)
    state, started, _ = inject_referendum(
        state,
        int(saturating_add(now, cfg.voting_period, U32_MAX)),
        external[0],
        external[1],
        cfg.enactment_period,
    )
    return state, (event("Democracy.ExternalTabled"), *started)


def launch_next(state: ChainState, now: int) -> tuple[ChainState, Events]:
    """Alternate between external and public proposals [DEM-6].

    The flag ``LastTabledWasExternal`` is read and reset first: after an
    external launch the public queue goes first, otherwise the external one.
    A launch block with nothing to launch leaves the flag reset.
    """
    was_external = state.democracy.last_tabled_was_external
    state = _set(state, last_tabled_was_external=False)
    order = (launch_public, launch_external) if was_external else (launch_external, launch_public)
    for launch in order:
        launched = launch(state, now)
        if launched is not None:
            return launched
    return state, ()


def bake_referendum(
    state: ChainState, now: int, index: int, status: Ongoing
) -> tuple[ChainState, Events, bool]:
    """Decide a referendum at its end [DEM-10].

    The electorate is the total issuance at that moment. A passed proposal is
    scheduled as root at ``now + max(delay, 1)`` under the task name
    ``("democrac", index)`` with priority 63.
    """
    passed = bool(approved(status.threshold, status.tally, state.balances.total_issuance))
    if not passed:
        return state, (event("Democracy.NotPassed", ref_index=index),), False
    when = int(saturating_add(now, max(status.delay, 1), U32_MAX))
    state, scheduled = scheduler.schedule_named(
        state, now, enactment_task_name(index), when, ENACTMENT_PRIORITY, status.proposal
    )
    return state, (event("Democracy.Passed", ref_index=index), *scheduled), True


def enactment_task_name(index: int) -> bytes:
    """``(b"democrac", index).encode_into()``: 8 bytes, the u32 little-endian, zero-padded to 32 [DEM-10]."""
    return (LOCK_ID + index.to_bytes(4, "little")).ljust(32, b"\x00")


def begin_block(state: ChainState, now: int) -> tuple[ChainState, Events]:
    """Democracy's part of block ``now`` [DEM-6] [DEM-10].

    Launch on multiples of the launch period; then bake, in index order, every
    unbaked referendum ending now; then move ``LowestUnbaked`` past finished
    and cancelled referenda. The range is read before the launch.
    """
    dem = state.democracy
    first, last = dem.lowest_unbaked, dem.referendum_count
    events: Events = ()
    if now % _cfg(state).launch_period == 0:
        state, events = launch_next(state, now)
    for index in range(first, last):
        info = state.democracy.referendum_info.get(index)
        if isinstance(info, Ongoing) and info.end == now:
            state, baked, passed = bake_referendum(state, now, index, info)
            state = _put_info(state, index, Finished(passed, now))
            events = (*events, *baked)
    lowest = first
    while lowest < last and not isinstance(state.democracy.referendum_info.get(lowest), Ongoing):
        lowest += 1
    return _set(state, lowest_unbaked=lowest), events


def _next_due(state: ChainState, after: int, until: int) -> int:
    """The first block in ``(after, until]`` at which the scheduler or democracy acts [SCH-4]."""
    period: int = _cfg(state).launch_period
    due: list[int] = [until, (after // period + 1) * period]
    due += [when for when in state.scheduler.agenda if after < when]
    dem = state.democracy
    for index in range(dem.lowest_unbaked, dem.referendum_count):
        info = dem.referendum_info.get(index)
        if isinstance(info, Ongoing) and after < info.end:
            due.append(info.end)
    return min(due)


def on_initialize(state: ChainState, ctx: BlockContext) -> tuple[ChainState, Events]:
    """The scheduler's agenda, then democracy's ``begin_block``, for every block up to this one [SCH-4].

    Blocks skipped by a gap are empty blocks whose hooks ran: each block in
    the gap where either pallet acts is run here, in block order, and its
    events come before this block's.
    """
    events: Events = ()
    after = state.system.parent_number
    while after < ctx.number:
        now = _next_due(state, after, ctx.number)
        state, served = scheduler.service_agenda(state, now)
        state, begun = begin_block(state, now)
        events = (*events, *served, *begun)
        after = now
    return state, events


# --- Voting [DEM-8] [DEM-9] [DEM-11] -----------------------------------------------------


def _extend_lock(state: ChainState, who: AccountId, amount: int) -> tuple[ChainState, Events]:
    return balances.extend_lock(state, who, LOCK_ID, amount, "All")


def vote(
    state: ChainState, ctx: BlockContext, origin: Origin, ref_index: U32, vote: Vote
) -> tuple[ChainState, Events]:
    """Vote on an ongoing referendum, or replace one's vote [DEM-8] [DEM-9].

    Checks in order: signed origin, ongoing referendum (``ReferendumInvalid``),
    the vote's balance within the free balance (``InsufficientFunds``), not
    delegating (``AlreadyDelegating``), room for a new vote
    (``MaxVotesReached``). A replaced vote is uncounted with its delegations
    first; a standard vote carries the voter's delegations. The lock is
    extended to the vote's balance.
    """
    who = ensure_signed(origin)
    status = referendum_status(state, ref_index)
    if vote_balance(vote) > balances.free_balance(state, who):
        raise DispatchError(INSUFFICIENT_FUNDS)
    record = voting_of(state, who)
    if not isinstance(record, Direct):
        raise DispatchError(ALREADY_DELEGATING)
    tally = status.tally
    votes = dict(record.votes)
    if ref_index in votes:
        old = votes[ref_index]
        tally = tally_remove(tally, old)
        if isinstance(old, Standard):
            tally = tally_reduce(tally, old.aye, record.delegations)
    elif len(votes) >= _cfg(state).max_votes:
        raise DispatchError(MAX_VOTES_REACHED)
    votes[ref_index] = vote
    tally = tally_add(tally, vote)
    if isinstance(vote, Standard):
        tally = tally_increase(tally, vote.aye, record.delegations)
    state = _put_voting(state, who, attrs.evolve(record, votes=tuple(sorted(votes.items()))))
    state, lock_events = _extend_lock(state, who, vote_balance(vote))
    state = _put_info(state, ref_index, attrs.evolve(status, tally=tally))
    return state, (
        event("Democracy.Voted", voter=who, ref_index=ref_index, vote=vote),
        *lock_events,
    )


def _remove_vote(
    state: ChainState, now: int, who: AccountId, ref_index: int, only_expired: bool
) -> ChainState:
    """``try_remove_vote`` [DEM-11]: the rules for removing ``who``'s vote on ``ref_index``."""
    record = voting_of(state, who)
    if not isinstance(record, Direct):
        return state  # production quietly succeeds for a delegating account
    votes = dict(record.votes)
    if ref_index not in votes:
        raise DispatchError(NOT_VOTER)
    old = votes.pop(ref_index)
    prior = record.prior
    info = state.democracy.referendum_info.get(ref_index)
    if isinstance(info, Ongoing):
        if only_expired:
            raise DispatchError(NO_PERMISSION)
        tally = tally_remove(info.tally, old)
        if isinstance(old, Standard):
            tally = tally_reduce(tally, old.aye, record.delegations)
        state = _put_info(state, ref_index, attrs.evolve(info, tally=tally))
    elif (
        isinstance(info, Finished)
        and isinstance(old, Standard)
        and old.conviction > 0
        and old.aye == info.approved
    ):
        unlock_at = unlock_block(
            info.end, _cfg(state).vote_locking_period, lock_periods(old.conviction)
        )
        if now < unlock_at:
            if only_expired:
                raise DispatchError(NO_PERMISSION)
            prior = accumulate(prior, unlock_at, old.balance)
    return _put_voting(state, who, Direct(tuple(sorted(votes.items())), record.delegations, prior))


def remove_vote(
    state: ChainState, ctx: BlockContext, origin: Origin, index: U32
) -> tuple[ChainState, Events]:
    """Remove one's own vote [DEM-11]."""
    who = ensure_signed(origin)
    return _remove_vote(state, ctx.number, who, index, only_expired=False), ()


def remove_other_vote(
    state: ChainState, ctx: BlockContext, origin: Origin, target: AccountId, index: U32
) -> tuple[ChainState, Events]:
    """Remove someone's vote; for another account only when it no longer locks [DEM-11]."""
    who = ensure_signed(origin)
    return _remove_vote(state, ctx.number, target, index, only_expired=target != who), ()


def lock_needed(record: Voting) -> int:
    """The lock a (rejigged) record needs [DEM-11]."""
    if isinstance(record, Delegating):
        return int(locked_balance(record.prior.amount, (record.balance,)))
    return int(locked_balance(record.prior.amount, tuple(vote_balance(v) for _, v in record.votes)))


def unlock(
    state: ChainState, ctx: BlockContext, origin: Origin, target: AccountId
) -> tuple[ChainState, Events]:
    """Anyone recomputes ``target``'s lock: expired prior locks drop, the lock is set to what remains [DEM-11]."""
    ensure_signed(origin)
    record = voting_of(state, target)
    record = attrs.evolve(record, prior=rejig(record.prior, ctx.number))
    state = _put_voting(state, target, record)
    needed = lock_needed(record)
    if needed == 0:
        return balances.remove_lock(state, target, LOCK_ID)
    return balances.set_lock(state, target, LOCK_ID, needed, "All")


# --- Delegation [DEM-12] [DEM-13] --------------------------------------------------------


def _upstream(state: ChainState, target: AccountId, amount: Delegations, add: bool) -> ChainState:
    """Add (or take) delegated weight at ``target``; a direct target passes it to its standard votes [DEM-12]."""
    record = voting_of(state, target)
    change = _add_delegations if add else _sub_delegations
    state = _put_voting(
        state, target, attrs.evolve(record, delegations=change(record.delegations, amount))
    )
    if isinstance(record, Direct):
        for ref_index, account_vote in record.votes:
            info = state.democracy.referendum_info.get(ref_index)
            if isinstance(account_vote, Standard) and isinstance(info, Ongoing):
                move = tally_increase if add else tally_reduce
                tally = move(info.tally, account_vote.aye, amount)
                state = _put_info(state, ref_index, attrs.evolve(info, tally=tally))
    return state


def _release_delegation(
    state: ChainState, now: int, record: Delegating
) -> tuple[ChainState, PriorLock]:
    """Withdraw a delegation from its target; its balance stays locked for its conviction's periods [DEM-12]."""
    state = _upstream(
        state, record.target, conviction_votes(record.conviction, record.balance), add=False
    )
    until = unlock_block(now, _cfg(state).vote_locking_period, lock_periods(record.conviction))
    return state, accumulate(record.prior, until, record.balance)


def delegate(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    to: AccountId,
    conviction: Conviction,
    balance: Balance,
) -> tuple[ChainState, Events]:
    """Lend one's voting power to another account (one level only) [DEM-12].

    Checks in order: signed origin, not oneself (``Nonsense``), balance within
    the free balance (``InsufficientFunds``), no votes in place when not
    delegating yet (``VotesExist``). A previous delegation is withdrawn first
    and leaves a prior lock. The lock is extended to ``balance``.
    """
    who = ensure_signed(origin)
    if who == to:
        raise DispatchError(NONSENSE)
    if balance > balances.free_balance(state, who):
        raise DispatchError(INSUFFICIENT_FUNDS)
    record = voting_of(state, who)
    if isinstance(record, Delegating):
        state, prior = _release_delegation(state, ctx.number, record)
    else:
        if record.votes:
            raise DispatchError(VOTES_EXIST)
        prior = record.prior
    # The old target's record may have changed: re-read ours (never the target).
    delegations = voting_of(state, who).delegations
    state = _put_voting(state, who, Delegating(balance, to, conviction, delegations, prior))
    state = _upstream(state, to, conviction_votes(conviction, balance), add=True)
    state, lock_events = _extend_lock(state, who, balance)
    return state, (*lock_events, event("Democracy.Delegated", who=who, target=to))


def undelegate(state: ChainState, ctx: BlockContext, origin: Origin) -> tuple[ChainState, Events]:
    """End one's delegation; its balance stays locked for its conviction's periods [DEM-13]."""
    who = ensure_signed(origin)
    record = voting_of(state, who)
    if not isinstance(record, Delegating):
        raise DispatchError(NOT_DELEGATING)
    state, prior = _release_delegation(state, ctx.number, record)
    delegations = voting_of(state, who).delegations
    state = _put_voting(state, who, Direct((), delegations, prior))
    return state, (event("Democracy.Undelegated", account=who),)


# --- External proposals, fast-track, veto [DEM-14]..[DEM-18] -----------------------------


def external_propose(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal: HeldCall
) -> tuple[ChainState, Events]:
    """Half of the council queues the next external proposal (super-majority approve) [DEM-14].

    Checks in order: origin, no external proposal queued (``DuplicateProposal``),
    not blacklisted (``ProposalBlacklisted``).
    """
    ensure_collective(origin, COUNCIL, 1, 2)
    if state.democracy.next_external is not None:
        raise DispatchError(DUPLICATE_PROPOSAL)
    _ensure_not_blacklisted(state, proposal.hash, ctx.number)
    return _set(state, next_external=(proposal, SUPER_MAJORITY_APPROVE)), ()


def external_propose_majority(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal: HeldCall
) -> tuple[ChainState, Events]:
    """Three quarters of the council queue a simple-majority external proposal, replacing any [DEM-15]."""
    ensure_collective(origin, COUNCIL, 3, 4)
    return _set(state, next_external=(proposal, SIMPLE_MAJORITY)), ()


def external_propose_default(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal: HeldCall
) -> tuple[ChainState, Events]:
    """The whole council queues a negative-turnout-bias external proposal, replacing any [DEM-15]."""
    ensure_collective(origin, COUNCIL, 1, 1)
    return _set(state, next_external=(proposal, SUPER_MAJORITY_AGAINST)), ()


def _fast_track_origin(state: ChainState, origin: Origin, voting_period: int) -> None:
    """Fast-track needs two thirds of the technical committee; a shorter vote needs the instant origin [DEM-16]."""
    if voting_period >= _cfg(state).fast_track_voting_period and (
        isinstance(origin, Root) or proportion_at_least(origin, TECHNICAL_COMMITTEE, 2, 3)
    ):
        return
    ensure_collective(origin, TECHNICAL_COMMITTEE, 1, 1)
    if not _cfg(state).instant_allowed:
        raise DispatchError(INSTANT_NOT_ALLOWED)


def fast_track(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    proposal_hash: Bytes32,
    voting_period: BlockNumber,
    delay: BlockNumber,
) -> tuple[ChainState, Events]:
    """Start a referendum on the queued external proposal now [DEM-16].

    Checks in order: the origin (fast-track, or instant when the period is
    below ``FastTrackVotingPeriod``: ``BadOrigin``, ``InstantNotAllowed``), a
    positive period (``VotingPeriodLow``), a queued external proposal
    (``ProposalMissing``) that is not super-majority approve
    (``NotSimpleMajority``) and has this hash (``InvalidHash``).
    """
    _fast_track_origin(state, origin, voting_period)
    if voting_period == 0:
        raise DispatchError(VOTING_PERIOD_LOW)
    external = state.democracy.next_external
    if external is None:
        raise DispatchError(PROPOSAL_MISSING)
    proposal, threshold = external
    if threshold == SUPER_MAJORITY_APPROVE:
        raise DispatchError(NOT_SIMPLE_MAJORITY)
    if proposal_hash != proposal.hash:
        raise DispatchError(INVALID_HASH)
    state = _set(state, next_external=None)
    end = int(saturating_add(ctx.number, voting_period, U32_MAX))
    state, events, _ = inject_referendum(state, end, proposal, threshold, delay)
    return state, events


def veto_external(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal_hash: Bytes32
) -> tuple[ChainState, Events]:
    """A technical committee member vetoes the queued external proposal [DEM-17].

    Checks in order: the origin, a queued external proposal (``NoProposal``)
    with this hash (``ProposalMissing``), a first veto by this member on this
    hash, ever (``AlreadyVetoed``), room among the vetoers (``TooMany``). The
    hash is blacklisted until ``now + CooloffPeriod``.
    """
    who = ensure_veto(origin)
    external = state.democracy.next_external
    if external is None:
        raise DispatchError(NO_PROPOSAL)
    if proposal_hash != external[0].hash:
        raise DispatchError(PROPOSAL_MISSING)
    entry = state.democracy.blacklist.get(proposal_hash)
    vetoers = () if entry is None else entry[1]
    if who in vetoers:
        raise DispatchError(ALREADY_VETOED)
    if len(vetoers) >= _cfg(state).max_blacklisted:
        raise DispatchError(TOO_MANY)
    until = int(saturating_add(ctx.number, _cfg(state).cooloff_period, U32_MAX))
    blacklist = state.democracy.blacklist.set(
        proposal_hash, (until, tuple(sorted((*vetoers, who))))
    )
    state = _set(state, blacklist=blacklist, next_external=None)
    return state, (event("Democracy.Vetoed", who=who, proposal_hash=proposal_hash, until=until),)


# --- Cancelling [DEM-19]..[DEM-23] -------------------------------------------------------


def _cancel(state: ChainState, index: int) -> tuple[ChainState, Events]:
    return _put_info(state, index, None), (event("Democracy.Cancelled", ref_index=index),)


def emergency_cancel(
    state: ChainState, ctx: BlockContext, origin: Origin, ref_index: U32
) -> tuple[ChainState, Events]:
    """Two thirds of the council cancel an ongoing referendum, once per proposal hash ever [DEM-19]."""
    ensure_collective(origin, COUNCIL, 2, 3)
    status = referendum_status(state, ref_index)
    proposal_hash = status.proposal.hash
    if proposal_hash in state.democracy.cancellations:
        raise DispatchError(ALREADY_CANCELED)
    state = _set(state, cancellations=state.democracy.cancellations.set(proposal_hash, True))
    return _cancel(state, ref_index)


def cancel_referendum(
    state: ChainState, ctx: BlockContext, origin: Origin, ref_index: U32
) -> tuple[ChainState, Events]:
    """Root removes a referendum, whatever its state, even one that does not exist [DEM-20]."""
    ensure_root(origin)
    return _cancel(state, ref_index)


def _slash_deposits(state: ChainState, prop_index: int) -> tuple[ChainState, Events]:
    """Take a public proposal's deposit record and slash every deposit into the treasury [DEM-21] [TRS-3]."""
    entry = state.democracy.deposit_of.get(prop_index)
    if entry is None:
        return state, ()
    state = _set(state, deposit_of=state.democracy.deposit_of.delete(prop_index))
    events: Events = ()
    for who in entry[0]:
        state, slashed, missing = balances.slash_reserved(state, who, entry[1])
        state, paid = slash(state, entry[1] - missing)
        events = (*events, *slashed, *paid)
    return state, events


def cancel_proposal(
    state: ChainState, ctx: BlockContext, origin: Origin, prop_index: U32
) -> tuple[ChainState, Events]:
    """The whole technical committee removes a public proposal and slashes its deposits [DEM-21].

    No existence check: an unknown index only deposits the event.
    """
    ensure_collective(origin, TECHNICAL_COMMITTEE, 1, 1)
    props = tuple(p for p in state.democracy.public_props if p.index != prop_index)
    state, events = _slash_deposits(_set(state, public_props=props), prop_index)
    return state, (*events, event("Democracy.ProposalCanceled", prop_index=prop_index))


def blacklist(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    proposal_hash: Bytes32,
    maybe_ref_index: OptionU32,
) -> tuple[ChainState, Events]:
    """Root blacklists a hash for ever and removes it from everywhere it waits [DEM-22].

    The first public proposal with the hash is removed (deposits slashed),
    a matching external proposal is dropped, and the referendum named, if
    ongoing with the hash, is cancelled.
    """
    ensure_root(origin)
    dem = state.democracy
    state = _set(state, blacklist=dem.blacklist.set(proposal_hash, (U32_MAX, ())))
    events: Events = ()
    for i, prop in enumerate(dem.public_props):
        if prop.proposal.hash == proposal_hash:
            state = _set(state, public_props=(*dem.public_props[:i], *dem.public_props[i + 1 :]))
            state, events = _slash_deposits(state, prop.index)
            break
    if dem.next_external is not None and dem.next_external[0].hash == proposal_hash:
        state = _set(state, next_external=None)
    if maybe_ref_index is not None:
        info = state.democracy.referendum_info.get(maybe_ref_index)
        if isinstance(info, Ongoing) and info.proposal.hash == proposal_hash:
            state, cancelled = _cancel(state, maybe_ref_index)
            events = (*events, *cancelled)
    return state, (*events, event("Democracy.Blacklisted", proposal_hash=proposal_hash))


def clear_public_proposals(
    state: ChainState, ctx: BlockContext, origin: Origin
) -> tuple[ChainState, Events]:
    """Root empties the public queue; deposits stay reserved and their records stay [DEM-23]."""
    ensure_root(origin)
    return _set(state, public_props=()), ()
