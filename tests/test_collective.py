"""Collectives [COL-1]..[COL-13]: origins, default votes, motions and membership changes."""

from __future__ import annotations

from typing import Any

import pytest

from phala_spec import apply_step, dev_account
from phala_spec.chain.state import ChainState, CollectiveMember, CollectiveOrigin, Root, Signed
from phala_spec.conformance.authoring import default_randomness
from phala_spec.pallets.governance.collective import (
    COUNCIL,
    TECHNICAL_COMMITTEE,
    change_members_sorted,
    ensure_root_or_half_council,
    member_of,
    members_at_least,
    prime_default_vote,
    proportion_at_least,
    proportion_more_than,
    swap_remove,
)
from phala_spec.primitives.errors import BadOrigin, InvalidInput
from phala_spec.runtime.calls import decode_call
from phala_spec.runtime.genesis import genesis

ALICE, BOB, CHARLIE, DAVE = (dev_account(n) for n in ("alice", "bob", "charlie", "dave"))


def smallest(check: Any, seats: int) -> int:
    """The fewest ayes of ``seats`` an origin check accepts."""
    return next(yes for yes in range(seats + 1) if check(CollectiveOrigin(COUNCIL, yes, seats)))


def test_proportions_on_an_eight_seat_council() -> None:
    """The worked thresholds for 8 seats: at least 1/2 -> 4, more than 1/2 -> 5, at least
    3/5 -> 5, at least 2/3 -> 6, at least 3/4 -> 6, 1/1 -> 8 [COL-10]."""
    assert smallest(lambda o: proportion_at_least(o, COUNCIL, 1, 2), 8) == 4
    assert smallest(lambda o: proportion_more_than(o, COUNCIL, 1, 2), 8) == 5
    assert smallest(lambda o: proportion_at_least(o, COUNCIL, 3, 5), 8) == 5
    assert smallest(lambda o: proportion_at_least(o, COUNCIL, 2, 3), 8) == 6
    assert smallest(lambda o: proportion_at_least(o, COUNCIL, 3, 4), 8) == 6
    assert smallest(lambda o: proportion_at_least(o, COUNCIL, 1, 1), 8) == 8


def test_origins_belong_to_one_collective() -> None:
    """Another collective's origin, a signed or a member origin never pass a proportion check;
    ``EnsureMember`` only takes a member origin of its own collective [COL-10]."""
    tc = CollectiveOrigin(TECHNICAL_COMMITTEE, 8, 8)
    assert not proportion_at_least(tc, COUNCIL, 1, 2)
    assert not members_at_least(Signed(ALICE), COUNCIL, 0)
    assert members_at_least(CollectiveOrigin(COUNCIL, 3, 9), COUNCIL, 3)
    assert member_of(CollectiveMember(TECHNICAL_COMMITTEE, ALICE), TECHNICAL_COMMITTEE) == ALICE
    assert member_of(CollectiveMember(COUNCIL, ALICE), TECHNICAL_COMMITTEE) is None
    ensure_root_or_half_council(Root())
    with pytest.raises(BadOrigin):
        ensure_root_or_half_council(CollectiveOrigin(COUNCIL, 4, 8))


@pytest.mark.parametrize(("prime_vote", "expected"), [(True, True), (False, False), (None, False)])
def test_prime_default_vote(prime_vote: bool | None, expected: bool) -> None:
    """Abstentions are ayes only when the prime voted aye [COL-7]."""
    assert prime_default_vote(prime_vote, 0, 0, 5) is expected


def test_swap_remove_moves_the_last_entry() -> None:
    """Rust's swap_remove [COL-5]."""
    assert swap_remove((ALICE, BOB, CHARLIE, DAVE), 0) == (DAVE, BOB, CHARLIE)
    assert swap_remove((ALICE, BOB), 1) == (ALICE,)


def _step(state: ChainState, step: dict[str, Any]) -> tuple[ChainState, str]:
    result = apply_step(state, step)
    assert isinstance(result.state, ChainState)
    return result.state, result.outcome


def _council(*members: str) -> ChainState:
    state = genesis("minimal", {"governance": {"council": list(members)}})
    state, _ = _step(
        state,
        {
            "kind": "initialize_block",
            "number": 1,
            "timestamp": 12_000,
            "randomness": default_randomness(1),
        },
    )
    return state


def _call(state: ChainState, who: bytes, name: str, **args: Any) -> tuple[ChainState, str]:
    return _step(
        state,
        {"kind": "call", "origin": {"kind": "signed", "who": who}, "call": name, "args": args},
    )


def test_membership_change_removes_votes_and_the_prime() -> None:
    """The outgoing members' votes leave every open motion, the rest keep their order, and the
    prime is cleared [COL-11]."""
    state = _council("alice", "bob", "charlie", "dave")
    held = {"call": "Balances.transfer_keep_alive", "args": {"dest": ALICE, "value": 1}}
    state, outcome = _call(
        state, ALICE, "Council.propose", threshold=3, proposal=held, length_bound=1000
    )
    assert outcome == "ok"
    h = decode_call(held).hash
    for who, approve in ((DAVE, True), (BOB, True), (CHARLIE, False), (ALICE, True)):
        state, outcome = _call(state, who, "Council.vote", proposal=h, index=0, approve=approve)
        assert outcome == "ok"
    state = change_members_sorted(state, COUNCIL, (BOB, CHARLIE), (ALICE, DAVE))
    votes = state.council.voting[h]
    assert votes.ayes == (DAVE, ALICE) and votes.nays == ()
    assert state.council.members == tuple(sorted((ALICE, DAVE))) and state.council.prime is None


def test_threshold_above_the_seats_closes_early() -> None:
    """A motion whose threshold exceeds the seats can never pass: it closes early, disapproved,
    since seats - no < threshold [COL-3] [COL-6]."""
    state = _council("alice", "bob")
    held = {"call": "Balances.transfer_keep_alive", "args": {"dest": ALICE, "value": 1}}
    state, outcome = _call(
        state, ALICE, "Council.propose", threshold=3, proposal=held, length_bound=1000
    )
    assert outcome == "ok"
    state, outcome = _call(
        state, BOB, "Council.close", proposal_hash=decode_call(held).hash, index=0, length_bound=0
    )
    assert outcome == "ok" and not state.council.proposals


def test_bad_held_call_is_invalid_input() -> None:
    """A motion's call is checked when proposed: an unknown call is not a call at all [CHAIN-12]."""
    state = _council("alice")
    with pytest.raises(InvalidInput):
        _call(
            state,
            ALICE,
            "Council.propose",
            threshold=2,
            proposal={"call": "Nope.nothing", "args": {}},
            length_bound=10,
        )


def test_genesis_refuses_council_members_twice() -> None:
    """Elections members initialize the Council; giving both is a genesis panic [COL-2] [ELE-3]."""
    with pytest.raises(InvalidInput):
        genesis(
            "minimal", {"governance": {"council": ["bob"], "elections_members": [["alice", 10]]}}
        )
    with pytest.raises(InvalidInput):
        genesis("minimal", {"governance": {"technical_committee": ["bob", "bob"]}})
