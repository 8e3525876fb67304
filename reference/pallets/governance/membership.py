"""pallet-membership as ``TechnicalMembership``: who sits on the Technical Committee [COL-14].

Every call but ``change_key`` needs root or more than half of the Council
(Phala's origins for all of them); each change is passed on to the Technical
Committee ([COL-11]), whose prime follows the membership's prime.
"""

from __future__ import annotations

from typing import Any

from ...chain.state import (
    AccountId,
    BlockContext,
    ChainState,
    Events,
    MembershipState,
    Origin,
    event,
)
from ...primitives.errors import DispatchError
from ...primitives.records import evolve
from ...primitives.types import AccountIds
from ..balances.origins import ensure_signed
from . import collective

PALLET = "TechnicalMembership"
ALREADY_MEMBER = f"{PALLET}.AlreadyMember"
NOT_MEMBER = f"{PALLET}.NotMember"
TOO_MANY_MEMBERS = f"{PALLET}.TooManyMembers"
TC = collective.TECHNICAL_COMMITTEE


def _set(state: ChainState, **changes: Any) -> ChainState:
    return evolve(state, technical_membership=evolve(state.technical_membership, **changes))


def _max_members(state: ChainState) -> int:
    return state.config.technical_committee.max_members


def _store(
    state: ChainState, members: tuple[AccountId, ...], outgoing: tuple[AccountId, ...]
) -> ChainState:
    """Store the sorted members and pass the change on to the committee [COL-11]."""
    members = tuple(sorted(members))
    state = _set(state, members=members)
    return collective.change_members_sorted(state, TC, outgoing, members)


def rejig_prime(state: ChainState) -> ChainState:
    """Keep the prime if it is still a member (telling the committee again), else forget it [COL-14]."""
    ms = state.technical_membership
    if ms.prime is None:
        return state
    if ms.prime in ms.members:
        return collective.set_prime(state, TC, ms.prime)
    return _set(state, prime=None)


def replace_member(state: ChainState, old: AccountId, new: AccountId) -> ChainState:
    """``new`` takes ``old``'s seat: ``old`` must be a member (``NotMember``), ``new`` not
    (``AlreadyMember``) [COL-14]."""
    members = state.technical_membership.members
    if old not in members:
        raise DispatchError(NOT_MEMBER)
    if new in members:
        raise DispatchError(ALREADY_MEMBER)
    return _store(state, tuple(new if m == old else m for m in members), (old,))


def add_member(
    state: ChainState, ctx: BlockContext, origin: Origin, who: AccountId
) -> tuple[ChainState, Events]:
    """Add a member: ``AlreadyMember``, ``TooManyMembers``; ``MemberAdded`` [COL-14]."""
    collective.ensure_root_or_half_council(origin)
    members = state.technical_membership.members
    if who in members:
        raise DispatchError(ALREADY_MEMBER)
    if len(members) >= _max_members(state):
        raise DispatchError(TOO_MANY_MEMBERS)
    return _store(state, (*members, who), ()), (event(f"{PALLET}.MemberAdded"),)


def remove_member(
    state: ChainState, ctx: BlockContext, origin: Origin, who: AccountId
) -> tuple[ChainState, Events]:
    """Remove a member: ``NotMember``; the prime is kept unless removed; ``MemberRemoved`` [COL-14]."""
    collective.ensure_root_or_half_council(origin)
    members = state.technical_membership.members
    if who not in members:
        raise DispatchError(NOT_MEMBER)
    state = _store(state, tuple(m for m in members if m != who), (who,))
    return rejig_prime(state), (event(f"{PALLET}.MemberRemoved"),)


def swap_member(
    state: ChainState, ctx: BlockContext, origin: Origin, remove: AccountId, add: AccountId
) -> tuple[ChainState, Events]:
    """Replace one member by another (nothing at all if they are the same): ``NotMember``,
    ``AlreadyMember``; ``MembersSwapped`` [COL-14]."""
    collective.ensure_root_or_half_council(origin)
    if remove == add:
        return state, ()
    state = replace_member(state, remove, add)
    return rejig_prime(state), (event(f"{PALLET}.MembersSwapped"),)


def reset_members(
    state: ChainState, ctx: BlockContext, origin: Origin, members: AccountIds
) -> tuple[ChainState, Events]:
    """Replace all members (``TooManyMembers`` above the bound); ``MembersReset`` [COL-14]."""
    collective.ensure_root_or_half_council(origin)
    if len(members) > _max_members(state):
        raise DispatchError(TOO_MANY_MEMBERS)
    new = tuple(sorted(members))
    state = collective.set_members_sorted(state, TC, new)
    state = _set(state, members=new)
    return rejig_prime(state), (event(f"{PALLET}.MembersReset"),)


def change_key(
    state: ChainState, ctx: BlockContext, origin: Origin, new: AccountId
) -> tuple[ChainState, Events]:
    """A member hands its seat (and the prime, if it has it) to another account: ``NotMember``,
    ``AlreadyMember``; ``KeyChanged``, also when the key is unchanged [COL-14]."""
    old = ensure_signed(origin)
    if old != new:
        state = replace_member(state, old, new)
        if state.technical_membership.prime == old:
            state = collective.set_prime(_set(state, prime=new), TC, new)
    return state, (event(f"{PALLET}.KeyChanged"),)


def set_prime(
    state: ChainState, ctx: BlockContext, origin: Origin, who: AccountId
) -> tuple[ChainState, Events]:
    """Make a member the prime of the membership and of the committee (``NotMember``) [COL-14]."""
    collective.ensure_root_or_half_council(origin)
    if who not in state.technical_membership.members:
        raise DispatchError(NOT_MEMBER)
    return collective.set_prime(_set(state, prime=who), TC, who), ()


def clear_prime(state: ChainState, ctx: BlockContext, origin: Origin) -> tuple[ChainState, Events]:
    """Forget the prime, in the membership and the committee [COL-14]."""
    collective.ensure_root_or_half_council(origin)
    return collective.set_prime(_set(state, prime=None), TC, None), ()


def genesis_membership(members: tuple[AccountId, ...]) -> MembershipState:
    """The genesis members, which also initialize the committee [COL-2]."""
    return MembershipState(members=tuple(sorted(members)))
