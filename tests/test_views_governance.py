"""Governance views a pallet test asserts [VIEW-7]..[VIEW-11], on a referendum's whole life.

Minimal preset: launch period 5, voting period 5, enactment period 3, minimum deposit 10.
"""

from __future__ import annotations

from typing import Any

import pytest

from phala_spec import (
    BlockContext,
    CollectiveOrigin,
    Root,
    Signed,
    apply_call,
    dev_account,
    finalize_block,
    genesis,
    initialize_block,
    observe,
)
from phala_spec.chain.state import ChainState, Origin
from phala_spec.primitives.errors import InvalidInput
from phala_spec.runtime.calls import decode_call

ALICE, BOB, CHARLIE = (dev_account(n) for n in ("alice", "bob", "charlie"))
CALL = {"call": "Balances.transfer_keep_alive", "args": {"dest": BOB, "value": 1}}
OTHER = {"call": "Balances.transfer_keep_alive", "args": {"dest": CHARLIE, "value": 2}}


def _do(state: ChainState, origin: Origin, name: str, **args: Any) -> ChainState:
    result = apply_call(state, origin, name, args)
    assert result.outcome == "ok", (name, result.outcome)
    return result.state


def _at(state: ChainState, number: int) -> ChainState:
    state, _ = finalize_block(state)
    state, _ = initialize_block(state, BlockContext(number, number * 12_000))
    return state


def test_democracy_and_agenda() -> None:
    state, _ = initialize_block(genesis("minimal"), BlockContext(1, 12_000))
    state = _do(state, Signed(ALICE), "Democracy.propose", proposal=CALL, value=10)
    state = _do(state, Signed(BOB), "Democracy.second", proposal=0)
    assert observe(state, "deposit_of", [0]) == {"depositors": [ALICE, BOB], "deposit": 10}
    council = CollectiveOrigin("Council", 1, 1)
    state = _do(state, council, "Democracy.external_propose", proposal=OTHER)
    seen = observe(state, "democracy")
    assert seen == {
        "referendum_count": 0,
        "lowest_unbaked": 0,
        "public_prop_count": 1,
        "public_props": [{"index": 0, "proposal": CALL, "proposer": ALICE}],
        "next_external": {"proposal": OTHER, "threshold": "SuperMajorityApprove"},
        "last_tabled_was_external": False,
    }
    # block 5 launches the external proposal first (the alternation starts with it)
    state = _at(state, 5)
    seen = observe(state, "democracy")
    assert (seen["referendum_count"], seen["next_external"]) == (1, None)
    assert seen["last_tabled_was_external"] is True
    state = _do(
        state,
        Signed(ALICE),
        "Democracy.vote",
        ref_index=0,
        vote={"kind": "Standard", "aye": True, "conviction": 1, "balance": 100},
    )
    # it ends at block 10, passes, and is scheduled for block 13
    state = _at(state, 10)
    assert observe(state, "democracy")["lowest_unbaked"] == 1
    agenda = observe(state, "agenda", [13])
    assert len(agenda) == 1 and agenda[0]["call"] == OTHER and agenda[0]["priority"] == 63
    assert observe(state, "agenda", [12]) == []


def test_blacklist() -> None:
    state, _ = initialize_block(genesis("minimal"), BlockContext(1, 12_000))
    proposal_hash = decode_call(OTHER).hash
    assert observe(state, "blacklist", [proposal_hash]) is None
    state = _do(
        state, Root(), "Democracy.blacklist", proposal_hash=proposal_hash, maybe_ref_index=None
    )
    assert observe(state, "blacklist", [proposal_hash]) == {"until": 2**32 - 1, "vetoers": []}


def test_elections_voter() -> None:
    # Phala's call filter refuses elections calls; the pallet's rules run unfiltered [CHAIN-15].
    unfiltered = genesis("minimal", {"config": {"call_filter": "Everything"}})
    state, _ = initialize_block(unfiltered, BlockContext(1, 12_000))
    state = _do(state, Signed(CHARLIE), "PhragmenElection.submit_candidacy", candidate_count=0)
    assert observe(state, "elections_voter", [BOB]) is None
    state = _do(state, Signed(BOB), "PhragmenElection.vote", votes=[CHARLIE], value=300)
    # minimal preset: voting bond base 20 plus factor 5 per vote
    assert observe(state, "elections_voter", [BOB]) == {
        "votes": [CHARLIE],
        "stake": 300,
        "deposit": 25,
    }


@pytest.mark.parametrize(
    ("view", "args"),
    [
        ("democracy", [1]),
        ("blacklist", [b"short"]),
        ("deposit_of", [-1]),
        ("agenda", [2**32]),
        ("agenda", []),
        ("elections_voter", [b"x"]),
    ],
)
def test_bad_arguments(view: str, args: list[Any]) -> None:
    with pytest.raises(InvalidInput):
        observe(genesis("minimal"), view, args)
