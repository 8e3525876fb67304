"""Democracy's constants, error codes and storage [DEM-1] [DEM-2].

The pallet's lock id and error codes, and the readers and writers of its
storage that its calls and hooks share: parameters, voting records,
referendum information, and the backing of a public proposal.
"""

from __future__ import annotations

from typing import Any

from ...chain.democracy_state import Direct, Ongoing, ReferendumInfo, Voting
from ...chain.state import AccountId, ChainState
from ...primitives.arith import saturating_mul
from ...primitives.errors import DispatchError
from ...primitives.records import evolve

PALLET = "Democracy"
LOCK_ID = b"democrac"

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


def parameters(state: ChainState) -> Any:
    """Democracy's parameters in this preset [DEM-2]."""
    return state.config.democracy


def update_democracy(state: ChainState, **changes: Any) -> ChainState:
    """Democracy's storage with ``changes`` made [DEM-1]."""
    return evolve(state, democracy=evolve(state.democracy, **changes))


def voting_of(state: ChainState, who: AccountId) -> Voting:
    """An account's voting record; absent means the empty direct record [DEM-1]."""
    return state.democracy.voting_of.get(who, Direct())


def put_voting(state: ChainState, who: AccountId, record: Voting) -> ChainState:
    """Store an account's voting record; the empty direct record is stored as absent [DEM-1]."""
    voting = state.democracy.voting_of
    voting = (
        voting.delete(who)
        if record == Direct() and who in voting
        else (voting if record == Direct() else voting.set(who, record))
    )
    return update_democracy(state, voting_of=voting)


def put_referendum_info(state: ChainState, index: int, info: ReferendumInfo | None) -> ChainState:
    """Store (or, with ``None``, remove) the information of referendum ``index`` [DEM-1]."""
    infos = state.democracy.referendum_info
    if info is None:
        return update_democracy(
            state, referendum_info=infos.delete(index) if index in infos else infos
        )
    return update_democracy(state, referendum_info=infos.set(index, info))


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
