"""pallet-collective: the Council and the Technical Committee [COL-1]..[COL-13].

Both collectives are instances of one pallet; every function takes the
instance name (``"Council"`` or ``"TechnicalCommittee"``), which is also the
prefix of its error and event codes. A motion holds a call ([CHAIN-12]); when
it is approved the call is dispatched with the origin ``Members(yes, seats)``
([COL-10]), and the outcome is reported in ``Executed`` instead of failing the
close.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import overload

from ...chain.dispatch import CallData, HeldCall, dispatch
from ...chain.state import (
    AccountId,
    BlockContext,
    ChainState,
    CollectiveConfig,
    CollectiveMember,
    CollectiveOrigin,
    CollectiveState,
    Event,
    Events,
    MotionVotes,
    Origin,
    Root,
    event,
)
from ...primitives.arith import Cond, Num, ite, le, lt, saturating_sub
from ...primitives.errors import BadOrigin, DispatchError
from ...primitives.records import evolve
from ...primitives.types import U32, AccountIds, Bool, Bytes32, OptionAccountId
from ..balances.origins import ensure_root, ensure_signed

COUNCIL = "Council"
TECHNICAL_COMMITTEE = "TechnicalCommittee"
INSTANCES = {COUNCIL: "council", TECHNICAL_COMMITTEE: "technical_committee"}

NOT_MEMBER = "NotMember"
DUPLICATE_PROPOSAL = "DuplicateProposal"
PROPOSAL_MISSING = "ProposalMissing"
WRONG_INDEX = "WrongIndex"
DUPLICATE_VOTE = "DuplicateVote"
TOO_EARLY = "TooEarly"
TOO_MANY_PROPOSALS = "TooManyProposals"
WRONG_PROPOSAL_LENGTH = "WrongProposalLength"
PRIME_ACCOUNT_NOT_MEMBER = "PrimeAccountNotMember"
# Declared by production; the reference does not model weights, so
# WrongProposalWeight is never raised, and AlreadyInitialized is a genesis
# panic (members given twice), which genesis reports as invalid input [COL-2].


def error(instance: str, name: str) -> DispatchError:
    """The module error ``<instance>.<name>``."""
    return DispatchError(f"{instance}.{name}")


def collective_state(state: ChainState, instance: str) -> CollectiveState:
    """The storage of one collective instance [COL-1]."""
    field: CollectiveState = getattr(state, INSTANCES[instance])
    return field


def _store(state: ChainState, instance: str, col: CollectiveState) -> ChainState:
    if instance == COUNCIL:
        return evolve(state, council=col)
    return evolve(state, technical_committee=col)


def _config_motion_duration(state: ChainState, instance: str) -> int:
    duration: int = getattr(state.config, INSTANCES[instance]).motion_duration
    return duration


def _max_proposals(state: ChainState, instance: str) -> int:
    limit: int = getattr(state.config, INSTANCES[instance]).max_proposals
    return limit


def ensure_member(state: ChainState, instance: str, origin: Origin) -> AccountId:
    """A signed origin whose account is a member, else ``BadOrigin`` / ``NotMember`` [COL-3]."""
    who = ensure_signed(origin)
    if who not in collective_state(state, instance).members:
        raise error(instance, NOT_MEMBER)
    return who


# --- Origins [COL-10] --------------------------------------------------------------


def proportion_at_least(origin: Origin, instance: str, n: int, d: int) -> bool:
    """``EnsureProportionAtLeast<N, D>``: ``Members(yes, total)`` with ``yes * D >= N * total`` [COL-10]."""
    return (
        isinstance(origin, CollectiveOrigin)
        and origin.collective == instance
        and origin.yes * d >= n * origin.total
    )


def proportion_more_than(origin: Origin, instance: str, n: int, d: int) -> bool:
    """``EnsureProportionMoreThan<N, D>``: ``yes * D > N * total`` [COL-10]."""
    return (
        isinstance(origin, CollectiveOrigin)
        and origin.collective == instance
        and origin.yes * d > n * origin.total
    )


def members_at_least(origin: Origin, instance: str, n: int) -> bool:
    """``EnsureMembers<N>``: at least ``N`` members approved [COL-10]."""
    return (
        isinstance(origin, CollectiveOrigin) and origin.collective == instance and origin.yes >= n
    )


def member_of(origin: Origin, instance: str) -> AccountId | None:
    """``EnsureMember``: the member acting alone through ``execute``, or none [COL-10]."""
    if isinstance(origin, CollectiveMember) and origin.collective == instance:
        return origin.who
    return None


def ensure_root_or(origin: Origin, check: Callable[[Origin], bool]) -> None:
    """``EitherOfDiverse<EnsureRoot, C>``: root, or an origin ``check`` accepts; else ``BadOrigin`` [COL-10]."""
    if isinstance(origin, Root) or check(origin):
        return
    raise BadOrigin()


def ensure_root_or_half_council(origin: Origin) -> None:
    """``EnsureRootOrHalfCouncil``: root or more than half of the Council [COL-10]."""
    ensure_root_or(origin, lambda o: proportion_more_than(o, COUNCIL, 1, 2))


# --- Calls [COL-3]..[COL-9] ------------------------------------------------------------


def _executed(instance: str, name: str, proposal_hash: bytes, outcome: str) -> Events:
    return (event(f"{instance}.{name}", proposal_hash=proposal_hash, result=outcome),)


def propose(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    instance: str,
    threshold: U32,
    proposal: HeldCall,
    length_bound: U32,
) -> tuple[ChainState, Events]:
    """A member proposes a motion [COL-3]; a threshold below 2 executes it at once [COL-4]."""
    who = ensure_member(state, instance, origin)
    if len(proposal.encoded) > length_bound:
        raise error(instance, WRONG_PROPOSAL_LENGTH)
    proposal_hash = proposal.hash
    col = collective_state(state, instance)
    if proposal_hash in col.proposal_of:
        raise error(instance, DUPLICATE_PROPOSAL)
    if threshold < 2:
        seats = len(col.members)
        state, outcome, events = dispatch(state, CollectiveOrigin(instance, 1, seats), proposal)
        return state, (*events, *_executed(instance, "Executed", proposal_hash, outcome))
    if len(col.proposals) >= _max_proposals(state, instance):
        raise error(instance, TOO_MANY_PROPOSALS)
    index = col.proposal_count
    votes = MotionVotes(
        index, threshold, (), (), ctx.number + _config_motion_duration(state, instance)
    )
    col = evolve(
        col,
        proposals=(*col.proposals, proposal_hash),
        proposal_count=index + 1,
        proposal_of=col.proposal_of.set(proposal_hash, proposal),
        voting=col.voting.set(proposal_hash, votes),
    )
    proposed = event(
        f"{instance}.Proposed",
        account=who,
        proposal_index=index,
        proposal_hash=proposal_hash,
        threshold=threshold,
    )
    return _store(state, instance, col), (proposed,)


def vote(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    instance: str,
    proposal: Bytes32,
    index: U32,
    approve: Bool,
) -> tuple[ChainState, Events]:
    """A member votes on an open motion, or switches sides [COL-5]."""
    who = ensure_member(state, instance, origin)
    col = collective_state(state, instance)
    votes = open_motion(col, instance, proposal, index)
    mine, other = (votes.ayes, votes.nays) if approve else (votes.nays, votes.ayes)
    if who in mine:
        raise error(instance, DUPLICATE_VOTE)
    mine = (*mine, who)
    if who in other:
        other = swap_remove(other, other.index(who))
    ayes, nays = (mine, other) if approve else (other, mine)
    votes = evolve(votes, ayes=ayes, nays=nays)
    col = evolve(col, voting=col.voting.set(proposal, votes))
    voted = event(
        f"{instance}.Voted",
        account=who,
        proposal_hash=proposal,
        voted=approve,
        yes=len(ayes),
        no=len(nays),
    )
    return _store(state, instance, col), (voted,)


def open_motion(
    col: CollectiveState, instance: str, proposal_hash: bytes, index: int
) -> MotionVotes:
    """The votes of an open motion: ``ProposalMissing`` if none, ``WrongIndex`` if ``index`` is not its own [COL-5]."""
    votes = col.voting.get(proposal_hash)
    if votes is None:
        raise error(instance, PROPOSAL_MISSING)
    if votes.index != index:
        raise error(instance, WRONG_INDEX)
    return votes


def swap_remove(items: tuple[AccountId, ...], position: int) -> tuple[AccountId, ...]:
    """Rust's ``Vec::swap_remove``: the last element takes the removed one's place [COL-5]."""
    rest = list(items)
    rest[position] = rest[-1]
    rest.pop()
    return tuple(rest)


def prime_default_vote(prime_vote: bool | None, yes: int, no: int, seats: int) -> bool:
    """``PrimeDefaultVote``: abstentions follow the prime's aye; no prime or a nay means nay [COL-7]."""
    del yes, no, seats
    return bool(prime_vote)


def default_vote(state: ChainState, instance: str) -> Callable[[bool | None, int, int, int], bool]:
    """The default-vote rule the collective ``instance`` is configured with [COL-7] [GEN-5]."""
    params: CollectiveConfig = getattr(state.config, INSTANCES[instance])
    return DEFAULT_VOTES[params.default_vote]


def more_than_majority_then_prime_default_vote(
    prime_vote: bool | None, yes: int, no: int, seats: int
) -> bool:
    """``MoreThanMajorityThenPrimeDefaultVote``: abstentions are ayes when more than half of the
    seats voted aye, else they follow the prime's aye as :func:`prime_default_vote` [COL-7]."""
    del no
    return 2 * yes > seats or bool(prime_vote)


DEFAULT_VOTES = {
    "PrimeDefaultVote": prime_default_vote,
    "MoreThanMajorityThenPrimeDefaultVote": more_than_majority_then_prime_default_vote,
}
"""The default-vote rules a collective may be configured with [COL-7] [GEN-5]."""


TOO_EARLY_DECISION, APPROVE, DISAPPROVE = 0, 1, 2


@overload
def close_decision(
    yes: int, no: int, seats: int, threshold: int, ended: bool, prime_aye: bool
) -> tuple[int, int, int]: ...
@overload
def close_decision(
    yes: Num, no: Num, seats: Num, threshold: Num, ended: Cond, prime_aye: Cond
) -> tuple[Num, Num, Num]: ...
def close_decision(
    yes: Num, no: Num, seats: Num, threshold: Num, ended: Cond, prime_aye: Cond
) -> tuple[Num, Num, Num]:
    """``(decision, yes, no)`` of closing a motion [COL-6] [COL-7].

    ``decision`` is :data:`APPROVE`, :data:`DISAPPROVE` or
    :data:`TOO_EARLY_DECISION`; the counts are those ``Closed`` reports (with
    the abstentions added after the end). ``ended`` says whether the end has
    come, ``prime_aye`` the abstentions' default vote (with ``PrimeDefaultVote``, whether the
    prime voted aye).
    Written with the helpers of :mod:`.arith`, so proofs run it on Z3 terms.
    """
    early_yes = le(threshold, yes)
    early_no = lt(saturating_sub(seats, no), threshold)
    abstentions = saturating_sub(seats, yes + no)
    final_yes = ite(prime_aye, yes + abstentions, yes)
    final_no = ite(prime_aye, no, no + abstentions)
    early = _or(early_yes, early_no)
    decision = ite(
        early_yes,
        APPROVE,
        ite(
            early_no,
            DISAPPROVE,
            ite(ended, ite(le(threshold, final_yes), APPROVE, DISAPPROVE), TOO_EARLY_DECISION),
        ),
    )
    return decision, ite(early, yes, final_yes), ite(early, no, final_no)


def _or(a: Cond, b: Cond) -> Cond:
    if isinstance(a, bool) and isinstance(b, bool):
        return a or b
    import z3

    return z3.Or(a, b)


def close(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    instance: str,
    proposal_hash: Bytes32,
    index: U32,
    length_bound: U32,
) -> tuple[ChainState, Events]:
    """Anyone closes a motion: early if decided, else after its end with default votes [COL-6] [COL-7]."""
    ensure_signed(origin)
    col = collective_state(state, instance)
    votes = open_motion(col, instance, proposal_hash, index)
    seats = len(col.members)
    prime_vote = None if col.prime is None else col.prime in votes.ayes
    decision, yes, no = close_decision(
        len(votes.ayes),
        len(votes.nays),
        seats,
        votes.threshold,
        ctx.number >= votes.end,
        default_vote(state, instance)(prime_vote, len(votes.ayes), len(votes.nays), seats),
    )
    if decision == TOO_EARLY_DECISION:
        raise error(instance, TOO_EARLY)
    closed = event(f"{instance}.Closed", proposal_hash=proposal_hash, yes=yes, no=no)
    if decision == APPROVE:
        proposal = col.proposal_of[proposal_hash]
        if len(proposal.encoded) > length_bound:
            raise error(instance, WRONG_PROPOSAL_LENGTH)
        return approve_motion(state, instance, proposal_hash, proposal, yes, seats, closed)
    state, events = disapprove_motion(state, instance, proposal_hash)
    return state, (closed, *events)


def approve_motion(
    state: ChainState,
    instance: str,
    proposal_hash: bytes,
    proposal: CallData,
    yes: int,
    seats: int,
    closed: Event,
) -> tuple[ChainState, Events]:
    """Dispatch an approved motion with ``Members(yes, seats)`` and remove it [COL-6]."""
    approved = event(f"{instance}.Approved", proposal_hash=proposal_hash)
    state, outcome, call_events = dispatch(state, CollectiveOrigin(instance, yes, seats), proposal)
    state = remove_motion(state, instance, proposal_hash)
    executed = _executed(instance, "Executed", proposal_hash, outcome)
    return state, (closed, approved, *call_events, *executed)


def disapprove_motion(
    state: ChainState, instance: str, proposal_hash: bytes
) -> tuple[ChainState, Events]:
    """Remove a motion without executing it: ``Disapproved`` [COL-6] [COL-8]."""
    state = remove_motion(state, instance, proposal_hash)
    return state, (event(f"{instance}.Disapproved", proposal_hash=proposal_hash),)


def remove_motion(state: ChainState, instance: str, proposal_hash: bytes) -> ChainState:
    """Forget a motion: its hash, its call and its votes [COL-6]."""
    col = collective_state(state, instance)
    col = evolve(
        col,
        proposals=tuple(h for h in col.proposals if h != proposal_hash),
        proposal_of=col.proposal_of.delete(proposal_hash)
        if proposal_hash in col.proposal_of
        else col.proposal_of,
        voting=col.voting.delete(proposal_hash) if proposal_hash in col.voting else col.voting,
    )
    return _store(state, instance, col)


def disapprove_proposal(
    state: ChainState, ctx: BlockContext, origin: Origin, instance: str, proposal_hash: Bytes32
) -> tuple[ChainState, Events]:
    """Root removes a motion [COL-8]; an unknown hash is not an error (``Disapproved`` all the same)."""
    ensure_root(origin)
    return disapprove_motion(state, instance, proposal_hash)


def execute(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    instance: str,
    proposal: HeldCall,
    length_bound: U32,
) -> tuple[ChainState, Events]:
    """A member dispatches a call alone with the origin ``Member(who)`` [COL-9]."""
    who = ensure_member(state, instance, origin)
    if len(proposal.encoded) > length_bound:
        raise error(instance, WRONG_PROPOSAL_LENGTH)
    state, outcome, events = dispatch(state, CollectiveMember(instance, who), proposal)
    return state, (*events, *_executed(instance, "MemberExecuted", proposal.hash, outcome))


# --- Membership [COL-11] [COL-12] ------------------------------------------------------------


def change_members_sorted(
    state: ChainState, instance: str, outgoing: tuple[AccountId, ...], new: tuple[AccountId, ...]
) -> ChainState:
    """``ChangeMembers::change_members_sorted``: drop the outgoing members' votes from every open
    motion, store the new members and clear the prime [COL-11]."""
    col = collective_state(state, instance)
    voting = col.voting
    for proposal_hash in col.proposals:
        votes = voting.get(proposal_hash)
        if votes is None:
            continue
        voting = voting.set(
            proposal_hash,
            evolve(
                votes,
                ayes=tuple(a for a in votes.ayes if a not in outgoing),
                nays=tuple(a for a in votes.nays if a not in outgoing),
            ),
        )
    return _store(
        state, instance, evolve(col, voting=voting, members=tuple(sorted(new)), prime=None)
    )


def set_members_sorted(state: ChainState, instance: str, new: tuple[AccountId, ...]) -> ChainState:
    """``ChangeMembers::set_members_sorted``: the outgoing members are the old ones not in ``new`` [COL-11]."""
    old = collective_state(state, instance).members
    outgoing = tuple(m for m in old if m not in new)
    return change_members_sorted(state, instance, outgoing, new)


def set_prime(state: ChainState, instance: str, prime: AccountId | None) -> ChainState:
    """``ChangeMembers::set_prime`` [COL-11]."""
    return _store(state, instance, evolve(collective_state(state, instance), prime=prime))


def set_members(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    instance: str,
    new_members: AccountIds,
    prime: OptionAccountId,
    old_count: U32,
) -> tuple[ChainState, Events]:
    """``SetMembersOrigin`` replaces the members and the prime [COL-12].

    More than ``MaxMembers`` members or an ``old_count`` below the current
    count are only logged by production, not rejected. The prime must be one
    of the new members.
    """
    if instance == COUNCIL:
        ensure_root(origin)
    else:
        ensure_root_or_half_council(origin)
    del old_count  # a witness production only logs about
    if prime is not None and prime not in new_members:
        raise error(instance, PRIME_ACCOUNT_NOT_MEMBER)
    state = set_members_sorted(state, instance, tuple(sorted(new_members)))
    return set_prime(state, instance, prime), ()
