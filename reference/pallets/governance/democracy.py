"""pallet-democracy as Phala configures it (polkadot-sdk v1.2.0) [DEM-1]..[DEM-27].

Public proposals and seconds, the launch period with external/public
alternation, referenda with adaptive quorum biasing, standard/split/conviction
votes, single-level delegation, vote locks and ``unlock``, enactment through
the scheduler, fast-track, veto, cancellation and the blacklist.

This module holds the origins [DEM-3], public proposals [DEM-4] [DEM-5],
launching and baking referenda with the block hook [DEM-6] [DEM-10] [DEM-18],
external proposals, fast-track and veto [DEM-14]..[DEM-17], and cancelling
and the blacklist [DEM-19]..[DEM-23]. The rest is in the modules it builds
on: :mod:`.democracy_arithmetic` (thresholds, convictions, locks: the
arithmetic ``proofs/governance.py`` proves over, [DEM-7] [DEM-8] [DEM-11]),
:mod:`.democracy_storage` (the error codes and the storage) and
:mod:`.democracy_voting` (votes, tallies, locks and delegation,
[DEM-8] [DEM-9] [DEM-11]..[DEM-13]).
"""

from __future__ import annotations

from ...chain.democracy_state import (
    SIMPLE_MAJORITY,
    SUPER_MAJORITY_AGAINST,
    SUPER_MAJORITY_APPROVE,
    Finished,
    Ongoing,
    PublicProposal,
)
from ...chain.dispatch import CallData, HeldCall
from ...chain.ports import Port
from ...chain.state import AccountId, BlockContext, ChainState, Events, Origin, Root, event
from ...primitives.arith import U32_MAX, saturating_add
from ...primitives.errors import BadOrigin, DispatchError
from ...primitives.types import U32, Balance, BlockNumber, Bytes32, OptionU32
from ..balances.origins import ensure_root, ensure_signed
from ..balances.reservable import reserve, slash_reserved, unreserve
from . import scheduler
from .collective import COUNCIL, TECHNICAL_COMMITTEE, ensure_root_or, member_of, proportion_at_least
from .democracy_storage import parameters, put_referendum_info, update_democracy

# isort: split
# The names below moved to the modules this one builds on; imported from there
# and re-exported for code that imports them from this module.
from .democracy_arithmetic import accumulate as accumulate
from .democracy_arithmetic import approved as approved
from .democracy_arithmetic import compare_rationals as compare_rationals
from .democracy_arithmetic import conviction_votes as conviction_votes
from .democracy_arithmetic import lock_periods as lock_periods
from .democracy_arithmetic import locked_balance as locked_balance
from .democracy_arithmetic import rejig as rejig
from .democracy_arithmetic import threshold_holds as threshold_holds
from .democracy_arithmetic import unlock_block as unlock_block
from .democracy_storage import ALREADY_CANCELED as ALREADY_CANCELED
from .democracy_storage import ALREADY_DELEGATING as ALREADY_DELEGATING
from .democracy_storage import ALREADY_VETOED as ALREADY_VETOED
from .democracy_storage import DUPLICATE_PROPOSAL as DUPLICATE_PROPOSAL
from .democracy_storage import INSTANT_NOT_ALLOWED as INSTANT_NOT_ALLOWED
from .democracy_storage import INSUFFICIENT_FUNDS as INSUFFICIENT_FUNDS
from .democracy_storage import INVALID_HASH as INVALID_HASH
from .democracy_storage import LOCK_ID as LOCK_ID
from .democracy_storage import MAX_VOTES_REACHED as MAX_VOTES_REACHED
from .democracy_storage import NO_PERMISSION as NO_PERMISSION
from .democracy_storage import NO_PROPOSAL as NO_PROPOSAL
from .democracy_storage import NONSENSE as NONSENSE
from .democracy_storage import NOT_DELEGATING as NOT_DELEGATING
from .democracy_storage import NOT_SIMPLE_MAJORITY as NOT_SIMPLE_MAJORITY
from .democracy_storage import NOT_VOTER as NOT_VOTER
from .democracy_storage import PALLET as PALLET
from .democracy_storage import PROPOSAL_BLACKLISTED as PROPOSAL_BLACKLISTED
from .democracy_storage import PROPOSAL_MISSING as PROPOSAL_MISSING
from .democracy_storage import REFERENDUM_INVALID as REFERENDUM_INVALID
from .democracy_storage import TOO_MANY as TOO_MANY
from .democracy_storage import VALUE_LOW as VALUE_LOW
from .democracy_storage import VOTES_EXIST as VOTES_EXIST
from .democracy_storage import VOTING_PERIOD_LOW as VOTING_PERIOD_LOW
from .democracy_storage import backing_for as backing_for
from .democracy_storage import referendum_status as referendum_status
from .democracy_storage import voting_of as voting_of
from .democracy_voting import delegate as delegate
from .democracy_voting import lock_needed as lock_needed
from .democracy_voting import remove_other_vote as remove_other_vote
from .democracy_voting import remove_vote as remove_vote
from .democracy_voting import tally_add as tally_add
from .democracy_voting import tally_increase as tally_increase
from .democracy_voting import tally_reduce as tally_reduce
from .democracy_voting import tally_remove as tally_remove
from .democracy_voting import undelegate as undelegate
from .democracy_voting import unlock as unlock
from .democracy_voting import vote as vote
from .democracy_voting import vote_balance as vote_balance

ENACTMENT_PRIORITY = 63


slash: Port[[ChainState, int], tuple[ChainState, Events]] = Port("Democracy.Slash")
"""``Slash``: takes slashed deposits; Phala's runtime gives them to the treasury [DEM-21] [TRS-3]."""


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

    The proposal is held inline as a call of the call table, identified by
    its hash; no preimage is involved [DEM-24].

    Checks in order: signed origin, ``value >= MinimumDeposit`` (``ValueLow``),
    fewer than ``MaxProposals`` queued (``TooMany``), not blacklisted
    (``ProposalBlacklisted``), then the deposit is reserved.
    """
    who = ensure_signed(origin)
    dem = state.democracy
    if value < parameters(state).minimum_deposit:
        raise DispatchError(VALUE_LOW)
    if len(dem.public_props) >= parameters(state).max_proposals:
        raise DispatchError(TOO_MANY)
    _ensure_not_blacklisted(state, proposal.hash, ctx.number)
    state, events = reserve(state, who, value)
    index = dem.public_prop_count
    state = update_democracy(
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
    if len(depositors) >= parameters(state).max_deposits:
        raise DispatchError(TOO_MANY)
    state, events = reserve(state, who, deposit)
    state = update_democracy(
        state, deposit_of=state.democracy.deposit_of.set(proposal, ((*depositors, who), deposit))
    )
    return state, (*events, event("Democracy.Seconded", seconder=who, prop_index=proposal))


# --- Launching and baking [DEM-6] [DEM-10] -----------------------------------------------


def inject_referendum(
    state: ChainState, end: int, proposal: CallData, threshold: str, delay: int
) -> tuple[ChainState, Events, int]:
    """Start a referendum with an empty tally [DEM-6]; returns its index."""
    index = state.democracy.referendum_count
    state = update_democracy(state, referendum_count=index + 1)
    state = put_referendum_info(state, index, Ongoing(end, proposal, threshold, delay))
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
    state = update_democracy(state, public_props=tuple(rest))
    entry = state.democracy.deposit_of.get(chosen.index)
    if entry is None:
        return state, ()
    state = update_democracy(state, deposit_of=state.democracy.deposit_of.delete(chosen.index))
    depositors, deposit = entry
    events: Events = ()
    for who in depositors:
        state, unreserved, _ = unreserve(state, who, deposit)
        events = (*events, *unreserved)
    events = (*events, event("Democracy.Tabled", proposal_index=chosen.index, deposit=deposit))
    cfg = parameters(state)
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
    state = update_democracy(state, next_external=None, last_tabled_was_external=True)
    cfg = parameters(state)
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
    state = update_democracy(state, last_tabled_was_external=False)
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
    """Democracy's part of block ``now`` [DEM-18] [DEM-6] [DEM-10].

    Launch on multiples of the launch period; then bake, in index order, every
    unbaked referendum ending now; then move ``LowestUnbaked`` past finished
    and cancelled referenda. The range is read before the launch.
    """
    dem = state.democracy
    first, last = dem.lowest_unbaked, dem.referendum_count
    events: Events = ()
    if now % parameters(state).launch_period == 0:
        state, events = launch_next(state, now)
    for index in range(first, last):
        info = state.democracy.referendum_info.get(index)
        if isinstance(info, Ongoing) and info.end == now:
            state, baked, passed = bake_referendum(state, now, index, info)
            state = put_referendum_info(state, index, Finished(passed, now))
            events = (*events, *baked)
    lowest = first
    while lowest < last and not isinstance(state.democracy.referendum_info.get(lowest), Ongoing):
        lowest += 1
    return update_democracy(state, lowest_unbaked=lowest), events


def _next_due(state: ChainState, after: int, until: int) -> int:
    """The first block in ``(after, until]`` at which the scheduler or democracy acts [SCH-4].

    A launch block acts only when a proposal waits or the alternation flag is
    still set (an empty launch resets it, [DEM-6]); after that, launch blocks
    change nothing, so a long gap costs what is due in it, not its length.
    """
    period: int = parameters(state).launch_period
    dem = state.democracy
    due: list[int] = [until]
    if dem.public_props or dem.next_external is not None or dem.last_tabled_was_external:
        due.append((after // period + 1) * period)
    due += [when for when in state.scheduler.agenda if after < when]
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
    return update_democracy(state, next_external=(proposal, SUPER_MAJORITY_APPROVE)), ()


def external_propose_majority(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal: HeldCall
) -> tuple[ChainState, Events]:
    """Three quarters of the council queue a simple-majority external proposal, replacing any [DEM-15]."""
    ensure_collective(origin, COUNCIL, 3, 4)
    return update_democracy(state, next_external=(proposal, SIMPLE_MAJORITY)), ()


def external_propose_default(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal: HeldCall
) -> tuple[ChainState, Events]:
    """The whole council queues a negative-turnout-bias external proposal, replacing any [DEM-15]."""
    ensure_collective(origin, COUNCIL, 1, 1)
    return update_democracy(state, next_external=(proposal, SUPER_MAJORITY_AGAINST)), ()


def _fast_track_origin(state: ChainState, origin: Origin, voting_period: int) -> None:
    """Fast-track needs two thirds of the technical committee; a shorter vote needs the instant origin [DEM-16]."""
    if voting_period >= parameters(state).fast_track_voting_period and (
        isinstance(origin, Root) or proportion_at_least(origin, TECHNICAL_COMMITTEE, 2, 3)
    ):
        return
    ensure_collective(origin, TECHNICAL_COMMITTEE, 1, 1)
    if not parameters(state).instant_allowed:
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
    state = update_democracy(state, next_external=None)
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
    if len(vetoers) >= parameters(state).max_blacklisted:
        raise DispatchError(TOO_MANY)
    until = int(saturating_add(ctx.number, parameters(state).cooloff_period, U32_MAX))
    blacklist = state.democracy.blacklist.set(
        proposal_hash, (until, tuple(sorted((*vetoers, who))))
    )
    state = update_democracy(state, blacklist=blacklist, next_external=None)
    return state, (event("Democracy.Vetoed", who=who, proposal_hash=proposal_hash, until=until),)


# --- Cancelling [DEM-19]..[DEM-23] -------------------------------------------------------


def _cancel(state: ChainState, index: int) -> tuple[ChainState, Events]:
    return put_referendum_info(state, index, None), (event("Democracy.Cancelled", ref_index=index),)


def emergency_cancel(
    state: ChainState, ctx: BlockContext, origin: Origin, ref_index: U32
) -> tuple[ChainState, Events]:
    """Two thirds of the council cancel an ongoing referendum, once per proposal hash ever [DEM-19]."""
    ensure_collective(origin, COUNCIL, 2, 3)
    status = referendum_status(state, ref_index)
    proposal_hash = status.proposal.hash
    if proposal_hash in state.democracy.cancellations:
        raise DispatchError(ALREADY_CANCELED)
    state = update_democracy(
        state, cancellations=state.democracy.cancellations.set(proposal_hash, True)
    )
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
    state = update_democracy(state, deposit_of=state.democracy.deposit_of.delete(prop_index))
    events: Events = ()
    for who in entry[0]:
        state, slashed, missing = slash_reserved(state, who, entry[1])
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
    state, events = _slash_deposits(update_democracy(state, public_props=props), prop_index)
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
    state = update_democracy(state, blacklist=dem.blacklist.set(proposal_hash, (U32_MAX, ())))
    events: Events = ()
    for i, prop in enumerate(dem.public_props):
        if prop.proposal.hash == proposal_hash:
            state = update_democracy(
                state, public_props=(*dem.public_props[:i], *dem.public_props[i + 1 :])
            )
            state, events = _slash_deposits(state, prop.index)
            break
    if dem.next_external is not None and dem.next_external[0].hash == proposal_hash:
        state = update_democracy(state, next_external=None)
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
    return update_democracy(state, public_props=()), ()
