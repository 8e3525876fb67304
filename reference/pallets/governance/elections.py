"""pallet-elections-phragmen: the Council's elections [ELE-1]..[ELE-18].

Candidates reserve a bond, voters reserve a deposit and lock a stake; at the
end of every term sequential Phragmén ([ELE-9]) elects the members and
runners-up, the prime is chosen by a Borda count, and losers lose their bond
to the treasury. The Council's members follow the elected members
([COL-11]).

Production's call filter (``BaseCallFilter``) refuses every call of this
pallet on Phala and Khala unless root makes it, so only the term-end election
and root's calls run there [CHAIN-15]. The pallet's calls are specified all the
same; they are reached with the ``Everything`` filter, as the pallet's own tests
reach them [ELE-3].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, overload

from ...chain.ports import Port
from ...chain.state import (
    AccountId,
    BlockContext,
    ChainState,
    ElectionsState,
    ElectionsVoter,
    Events,
    Origin,
    SeatHolder,
    event,
)
from ...primitives.arith import U64_MAX, U128_MAX, Num, floor_div, max_, min_
from ...primitives.codec import twox_64_concat
from ...primitives.errors import DispatchError, InvalidInput
from ...primitives.records import evolve
from ...primitives.types import U32, U32_KIND, AccountIds, Balance, Bool, Kind
from ..balances.accounts import existential_deposit, free_balance, total_issuance
from ..balances.lockable import remove_lock, set_lock
from ..balances.origins import ensure_root as _ensure_root
from ..balances.origins import ensure_signed as _ensure_signed
from ..balances.reservable import reserve, slash_reserved, unreserve
from . import collective
from .phragmen import PhragmenVoter, seq_phragmen

PALLET = "PhragmenElection"
LOCK_ID = b"phrelect"

UNABLE_TO_VOTE = f"{PALLET}.UnableToVote"
NO_VOTES = f"{PALLET}.NoVotes"
TOO_MANY_VOTES = f"{PALLET}.TooManyVotes"
MAXIMUM_VOTES_EXCEEDED = f"{PALLET}.MaximumVotesExceeded"
LOW_BALANCE = f"{PALLET}.LowBalance"
UNABLE_TO_PAY_BOND = f"{PALLET}.UnableToPayBond"
MUST_BE_VOTER = f"{PALLET}.MustBeVoter"
DUPLICATED_CANDIDATE = f"{PALLET}.DuplicatedCandidate"
TOO_MANY_CANDIDATES = f"{PALLET}.TooManyCandidates"
MEMBER_SUBMIT = f"{PALLET}.MemberSubmit"
RUNNER_UP_SUBMIT = f"{PALLET}.RunnerUpSubmit"
INSUFFICIENT_CANDIDATE_FUNDS = f"{PALLET}.InsufficientCandidateFunds"
NOT_MEMBER = f"{PALLET}.NotMember"
INVALID_WITNESS_DATA = f"{PALLET}.InvalidWitnessData"
INVALID_RENOUNCING = f"{PALLET}.InvalidRenouncing"
INVALID_REPLACEMENT = f"{PALLET}.InvalidReplacement"  # declared, never raised by v1.2.0


# What the slashed bonds pay: Phala's runtime gives both to the treasury
# (wired by the runtime composition) [CHAIN-13] [TRS-3].
kicked_member: Port[[ChainState, int], tuple[ChainState, Events]] = Port(
    "PhragmenElection.KickedMember"
)
"""``KickedMember``: takes the bond of a member removed with a slash [ELE-12]."""

loser_candidate: Port[[ChainState, int], tuple[ChainState, Events]] = Port(
    "PhragmenElection.LoserCandidate"
)
"""``LoserCandidate``: takes the bonds of the candidates an election leaves out [ELE-14]."""


def _set(state: ChainState, **changes: Any) -> ChainState:
    return evolve(state, elections=evolve(state.elections, **changes))


def _ids(holders: tuple[SeatHolder, ...]) -> tuple[AccountId, ...]:
    return tuple(h.who for h in holders)


def is_candidate(state: ChainState, who: AccountId) -> bool:
    return any(c == who for c, _ in state.elections.candidates)


def is_member(state: ChainState, who: AccountId) -> bool:
    return who in _ids(state.elections.members)


def is_runner_up(state: ChainState, who: AccountId) -> bool:
    return who in _ids(state.elections.runners_up)


def voters_in_storage_order(state: ChainState) -> list[tuple[AccountId, ElectionsVoter]]:
    """The voters as production iterates its ``Voting`` map: by ``Twox64Concat`` key, the
    xxh64 hash of the account id first [ELE-17] [CRYPTO-17]."""
    return sorted(state.elections.voting.items(), key=lambda item: twox_64_concat(item[0]))


# --- Currency to vote [ELE-7] -------------------------------------------------------------


@overload
def vote_factor(issuance: int) -> int: ...
@overload
def vote_factor(issuance: Num) -> Num: ...
def vote_factor(issuance: Num) -> Num:
    """``U128CurrencyToVote``'s factor: ``max(issuance / (2^64 - 1), 1)`` [ELE-7]."""
    return max_(floor_div(issuance, U64_MAX), 1)


@overload
def to_vote(value: int, issuance: int) -> int: ...
@overload
def to_vote(value: Num, issuance: Num) -> Num: ...
def to_vote(value: Num, issuance: Num) -> Num:
    """A balance as a u64 vote weight: divided by the factor, saturating at 2^64 - 1 [ELE-7]."""
    return min_(floor_div(value, vote_factor(issuance)), U64_MAX)


@overload
def to_currency(value: int, issuance: int) -> int: ...
@overload
def to_currency(value: Num, issuance: Num) -> Num: ...
def to_currency(value: Num, issuance: Num) -> Num:
    """A vote weight back as a balance: multiplied by the factor, saturating at 2^128 - 1 [ELE-7]."""
    return min_(value * vote_factor(issuance), U128_MAX)


# --- Voting [ELE-4] [ELE-5] -------------------------------------------------------------------


def deposit_of(state: ChainState, count: int) -> int:
    """A voter's deposit: ``VotingBondBase + VotingBondFactor * count``, saturating [ELE-4]."""
    cfg = state.config.elections
    return min(cfg.voting_bond_base + cfg.voting_bond_factor * count, U128_MAX)


def vote(
    state: ChainState, ctx: BlockContext, origin: Origin, votes: AccountIds, value: Balance
) -> tuple[ChainState, Events]:
    """Vote for up to ``MaxVotesPerVoter`` targets with a locked stake and a deposit [ELE-4]."""
    who = _ensure_signed(origin)
    el = state.elections
    if len(votes) > state.config.elections.max_votes_per_voter:
        raise DispatchError(MAXIMUM_VOTES_EXCEEDED)
    if not votes:
        raise DispatchError(NO_VOTES)
    allowed = len(el.candidates) + len(el.members) + len(el.runners_up)
    if allowed == 0:
        raise DispatchError(UNABLE_TO_VOTE)
    if len(votes) > allowed:
        raise DispatchError(TOO_MANY_VOTES)
    if value <= existential_deposit(state):
        raise DispatchError(LOW_BALANCE)
    new_deposit = deposit_of(state, len(votes))
    old = el.voting.get(who)
    old_deposit = 0 if old is None else old.deposit
    events: Events = ()
    if new_deposit > old_deposit:
        try:
            state, events = reserve(state, who, new_deposit - old_deposit)
        except DispatchError as exc:
            raise DispatchError(UNABLE_TO_PAY_BOND) from exc
    elif new_deposit < old_deposit:
        state, events, _ = unreserve(state, who, old_deposit - new_deposit)
    stake = min(value, free_balance(state, who))
    state, lock_events = set_lock(state, who, LOCK_ID, stake, "All")
    voter = ElectionsVoter(tuple(votes), stake, new_deposit)
    state = _set(state, voting=state.elections.voting.set(who, voter))
    return state, (*events, *lock_events)


def do_remove_voter(state: ChainState, who: AccountId) -> tuple[ChainState, Events]:
    """Forget a voter, remove its lock and return its deposit [ELE-5]."""
    voter = state.elections.voting[who]
    state = _set(state, voting=state.elections.voting.delete(who))
    state, lock_events = remove_lock(state, who, LOCK_ID)
    state, events, _ = unreserve(state, who, voter.deposit)
    return state, (*lock_events, *events)


def remove_voter(state: ChainState, ctx: BlockContext, origin: Origin) -> tuple[ChainState, Events]:
    """A voter withdraws: lock removed, deposit returned [ELE-5]."""
    who = _ensure_signed(origin)
    if who not in state.elections.voting:
        raise DispatchError(MUST_BE_VOTER)
    return do_remove_voter(state, who)


def is_defunct_voter(state: ChainState, votes: tuple[AccountId, ...]) -> bool:
    """A voter none of whose targets is a candidate, member or runner-up [ELE-15]."""
    return not any(
        is_candidate(state, v) or is_member(state, v) or is_runner_up(state, v) for v in votes
    )


def clean_defunct_voters(
    state: ChainState, ctx: BlockContext, origin: Origin, num_voters: U32, num_defunct: U32
) -> tuple[ChainState, Events]:
    """Root removes defunct voters among the first ``num_voters`` in storage order [ELE-15] [ELE-17]."""
    _ensure_root(origin)
    first = voters_in_storage_order(state)[:num_voters]
    defunct = [who for who, v in first if is_defunct_voter(state, v.votes)][:num_defunct]
    events: Events = ()
    for who in defunct:
        state, more = do_remove_voter(state, who)
        events = (*events, *more)
    return state, events


# --- Candidacy [ELE-6] [ELE-11] ---------------------------------------------------------------


def submit_candidacy(
    state: ChainState, ctx: BlockContext, origin: Origin, candidate_count: U32
) -> tuple[ChainState, Events]:
    """Stand for the next election with a bond [ELE-6]."""
    who = _ensure_signed(origin)
    el = state.elections
    actual = len(el.candidates)
    if actual > candidate_count:
        raise DispatchError(INVALID_WITNESS_DATA)
    if actual > state.config.elections.max_candidates:  # one more than the limit gets in
        raise DispatchError(TOO_MANY_CANDIDATES)
    if is_candidate(state, who):
        raise DispatchError(DUPLICATED_CANDIDATE)
    if is_member(state, who):
        raise DispatchError(MEMBER_SUBMIT)
    if is_runner_up(state, who):
        raise DispatchError(RUNNER_UP_SUBMIT)
    bond = state.config.elections.candidacy_bond
    try:
        state, events = reserve(state, who, bond)
    except DispatchError as exc:
        raise DispatchError(INSUFFICIENT_CANDIDATE_FUNDS) from exc
    candidates = tuple(sorted((*state.elections.candidates, (who, bond))))
    return _set(state, candidates=candidates), events


def _renouncing(value: Any) -> tuple[str, int]:
    if isinstance(value, str) and value in ("Member", "RunnerUp"):
        return value, 0
    if isinstance(value, Mapping) and set(value) == {"Candidate"}:
        return "Candidate", U32_KIND.decode(value["Candidate"], "the candidate count")
    raise InvalidInput()


RENOUNCING: Kind[tuple[str, int]] = Kind(
    "renouncing", 'renouncing: "Member", "RunnerUp" or {"Candidate": u32}', _renouncing
)
Renouncing = Annotated[tuple[str, int], RENOUNCING]  # [ELE-11]


def renounce_candidacy(
    state: ChainState, ctx: BlockContext, origin: Origin, renouncing: Renouncing
) -> tuple[ChainState, Events]:
    """Give up a seat, a runner-up place or a candidacy; the deposit comes back [ELE-11]."""
    who = _ensure_signed(origin)
    kind, count = renouncing
    renounced = event(f"{PALLET}.Renounced", candidate=who)
    if kind == "Member":
        if not is_member(state, who):
            raise DispatchError(INVALID_RENOUNCING)
        state, events = remove_and_replace_member(state, who, slash=False)
        return state, (*events, renounced)
    if kind == "RunnerUp":
        runners = state.elections.runners_up
        if not is_runner_up(state, who):
            raise DispatchError(INVALID_RENOUNCING)
        holder = next(r for r in runners if r.who == who)
        state = _set(state, runners_up=tuple(r for r in runners if r.who != who))
        state, events, _ = unreserve(state, who, holder.deposit)
        return state, (*events, renounced)
    candidates = state.elections.candidates
    if count < len(candidates):
        raise DispatchError(INVALID_WITNESS_DATA)
    if not is_candidate(state, who):
        raise DispatchError(INVALID_RENOUNCING)
    deposit = next(d for c, d in candidates if c == who)
    state = _set(state, candidates=tuple(c for c in candidates if c[0] != who))
    state, events, _ = unreserve(state, who, deposit)
    return state, (*events, renounced)


def remove_and_replace_member(
    state: ChainState, who: AccountId, slash: bool
) -> tuple[ChainState, Events]:
    """Remove a member (slashing or returning its deposit) and seat the best runner-up [ELE-12].

    The Council follows; its prime is kept unless it was the removed member.
    The caller has checked that ``who`` is a member.
    """
    el = state.elections
    removed = next(m for m in el.members if m.who == who)
    members = tuple(m for m in el.members if m.who != who)
    events: Events = ()
    if slash:
        before = total_issuance(state)
        state, events, _ = slash_reserved(state, who, removed.deposit)
        state, deposit_events = kicked_member(state, before - total_issuance(state))
        events = (
            *events,
            *deposit_events,
            event(f"{PALLET}.SeatHolderSlashed", seat_holder=who, amount=removed.deposit),
        )
    else:
        state, events, _ = unreserve(state, who, removed.deposit)
    runners = el.runners_up
    if runners:
        members = tuple(sorted((*members, runners[-1]), key=lambda m: m.who))
        runners = runners[:-1]
    state = _set(state, members=members, runners_up=runners)
    prime = state.council.prime
    state = collective.change_members_sorted(state, collective.COUNCIL, (who,), _ids(members))
    if prime is not None and prime != who:
        state = collective.set_prime(state, collective.COUNCIL, prime)
    return state, events


def remove_member(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    who: AccountId,
    slash_bond: Bool,
    rerun_election: Bool,
) -> tuple[ChainState, Events]:
    """Root removes a member, optionally slashing its bond and electing again at once [ELE-13]."""
    _ensure_root(origin)
    if not is_member(state, who):
        raise DispatchError(NOT_MEMBER)
    state, events = remove_and_replace_member(state, who, slash_bond)
    events = (*events, event(f"{PALLET}.MemberKicked", member=who))
    if rerun_election:
        state, more = do_phragmen(state)
        events = (*events, *more)
    return state, events


# --- The election [ELE-14] ------------------------------------------------------------------------


def on_initialize(state: ChainState, ctx: BlockContext) -> tuple[ChainState, Events]:
    """Hold the election at the end of every term: blocks that are multiples of ``TermDuration`` [ELE-14]."""
    term = state.config.elections.term_duration
    if term == 0 or ctx.number % term != 0:
        return state, ()
    return do_phragmen(state)


def borda_prime(state: ChainState, members: tuple[AccountId, ...]) -> AccountId | None:
    """The prime: the new member with the highest Borda score; ties go to the highest id [ELE-16].

    A voter's ``k``-th target (from 0) scores ``stake * (MaxVotesPerVoter - k)``
    with the voter's locked stake, saturating; voters in storage order [ELE-17].
    """
    maximum = state.config.elections.max_votes_per_voter
    scores = dict.fromkeys(members, 0)
    for _, voter in voters_in_storage_order(state):
        for position, target in enumerate(voter.votes):
            if target in scores:
                scores[target] = min(
                    scores[target] + min(voter.stake * (maximum - position), U128_MAX), U128_MAX
                )
    best: AccountId | None = None
    for who in sorted(members):
        if best is None or scores[who] >= scores[best]:
            best = who
    return best


def do_phragmen(state: ChainState) -> tuple[ChainState, Events]:
    """Run an election: Phragmén over candidates, members and runners-up; seat, slash, report [ELE-14]."""
    el = state.elections
    cfg = state.config.elections
    candidates = (
        *el.candidates,
        *((m.who, m.deposit) for m in el.members),
        *((r.who, r.deposit) for r in el.runners_up),
    )
    if not candidates:
        return state, (event(f"{PALLET}.EmptyTerm"),)
    if len(el.voting) > cfg.max_voters:
        return state, (event(f"{PALLET}.ElectionError"),)
    issuance = total_issuance(state)
    voters = [
        PhragmenVoter(who, to_vote(v.stake, issuance), v.votes)
        for who, v in voters_in_storage_order(state)
    ]
    result = seq_phragmen(
        cfg.desired_members + cfg.desired_runners_up, [c for c, _ in candidates], voters
    )
    winners = [(who, to_currency(b, issuance)) for who, b in result.winners if b > 0]
    split = min(cfg.desired_members, len(winners))
    deposits = dict(candidates)
    new_members = tuple(
        sorted((SeatHolder(w, s, deposits[w]) for w, s in winners[:split]), key=lambda m: m.who)
    )
    new_runners = tuple(SeatHolder(w, s, deposits[w]) for w, s in reversed(winners[split:]))
    member_ids = _ids(new_members)
    prime = borda_prime(state, member_ids)
    state = collective.set_members_sorted(state, collective.COUNCIL, member_ids)
    state = collective.set_prime(state, collective.COUNCIL, prime)
    events: Events = ()
    seated = set(member_ids) | set(_ids(new_runners))
    for who, deposit in candidates:
        if who in seated:
            continue
        before = total_issuance(state)
        state, slashed, _ = slash_reserved(state, who, deposit)
        state, deposited = loser_candidate(state, before - total_issuance(state))
        events = (
            *events,
            *slashed,
            *deposited,
            event(f"{PALLET}.CandidateSlashed", candidate=who, amount=deposit),
        )
    state = _set(
        state,
        members=new_members,
        runners_up=new_runners,
        candidates=(),
        election_rounds=state.elections.election_rounds + 1,
    )
    new_term = event(f"{PALLET}.NewTerm", new_members=[[m.who, m.stake] for m in new_members])
    return state, (*events, new_term)


def genesis_members(state: ChainState, members: list[tuple[AccountId, int]]) -> ElectionsState:
    """Genesis members [ELE-3]: seated without deposit, each voting for itself with its stake,
    without bond or lock."""
    holders = tuple(
        sorted((SeatHolder(who, stake, 0) for who, stake in members), key=lambda m: m.who)
    )
    voting = state.elections.voting
    for who, stake in members:
        voting = voting.set(who, ElectionsVoter((who,), stake, 0))
    return evolve(state.elections, members=holders, voting=voting)
