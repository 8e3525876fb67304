"""The runtime's call filter on the governance pallets [CHAIN-15] [ELE-3] (handler
``call_filter``): Phala's and Khala's filters refuse every ``PhragmenElection`` call with
``System.CallFiltered`` before the pallet's own checks, from any origin but root, whether the
call is made directly or held by a Council motion; root, and a referendum enacted as root,
pass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from phala_spec.conformance.authoring import (
    CaseBuilder,
    case,
    collective_member,
    none_origin,
    root,
    signed,
)
from phala_spec.conformance.checks import check, do, event_names
from phala_spec.conformance.suites.governance_collective.common import (
    COUNCIL,
    LONG,
    SUITE,
    call_hash,
    close,
    held,
    propose,
    vote,
)
from phala_spec.steps import apply_step

HANDLER = "call_filter"
PRODUCTION_FILTERS = ("minimal", "phala", "khala")
CALL_FILTERED = "System.CallFiltered"
REMOVE_MEMBER = "PhragmenElection.remove_member"


def members_setup(b: CaseBuilder, *names: str) -> None:
    """Genesis elections members (their self-votes seat the Council), each with a stake of 100."""
    b.genesis(governance={"elections_members": [(name, 100) for name in names]})


def members(b: CaseBuilder) -> list[bytes]:
    return [m.who for m in b.chain.elections.members]


def remove_member(b: CaseBuilder, who: str) -> dict[str, Any]:
    return {"who": b.account(who), "slash_bond": False, "rerun_election": False}


def unfiltered_outcome(
    b: CaseBuilder, name: str, args: Mapping[str, Any], origin: Mapping[str, Any]
) -> str:
    """The outcome the same call would have on this state with the allow-all filter: the check
    the call filter comes before [CHAIN-15]."""
    chain = b.chain
    config = attrs.evolve(chain.config, call_filter="Everything")
    step = {"kind": "call", "origin": dict(origin), "call": name, "args": dict(args)}
    return apply_step(attrs.evolve(chain, config=config), step).outcome


def filtered(
    b: CaseBuilder, name: str, args: Mapping[str, Any], origin: Mapping[str, Any], second: str
) -> None:
    """The call fails with `System.CallFiltered` and changes nothing, where the allow-all filter
    would give ``second``: the filter is checked first."""
    check(
        unfiltered_outcome(b, name, args, origin) == second,
        f"{name} would give {second} without the filter",
    )
    do(b, name, args, origin, outcome=CALL_FILTERED)


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=PRODUCTION_FILTERS,
    clauses=("CHAIN-15", "CHAIN-2", "ELE-3", "ELE-4", "ELE-6", "ELE-13"),
    block=1,
)
def election_calls_are_filtered(b: CaseBuilder) -> None:
    """On every preset with a production filter, signed and unsigned `PhragmenElection` calls
    fail with `System.CallFiltered` and change nothing. Precedence: the filter comes before the
    pallet's own checks, its origin check included: a candidacy that would pass, a member's
    candidacy (`MemberSubmit` without the filter), a vote (`ok` without the filter), an
    unsigned vote and a signed `remove_member` (`BadOrigin` without the filter) all give
    `System.CallFiltered`."""
    members_setup(b, "alice")
    candidacy = {"candidate_count": 0}
    filtered(b, "PhragmenElection.submit_candidacy", candidacy, signed("bob"), "ok")
    filtered(
        b,
        "PhragmenElection.submit_candidacy",
        candidacy,
        signed("alice"),
        "PhragmenElection.MemberSubmit",
    )
    ballot = {"votes": [b.account("alice")], "value": 50 * b.config.existential_deposit}
    filtered(b, "PhragmenElection.vote", ballot, signed("bob"), "ok")
    filtered(b, "PhragmenElection.vote", ballot, none_origin(), "BadOrigin")
    filtered(b, REMOVE_MEMBER, remove_member(b, "alice"), signed("bob"), "BadOrigin")
    filtered(b, "PhragmenElection.remove_voter", {}, signed("bob"), "PhragmenElection.MustBeVoter")
    check(members(b) == [b.account("alice")] and not b.chain.elections.candidates, "unchanged")
    b.observe("elections")
    b.observe("balance", b.account("bob"))


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=PRODUCTION_FILTERS,
    clauses=("CHAIN-15", "ELE-3", "ELE-12", "ELE-13", "ELE-15"),
    block=1,
)
def root_bypasses_the_filter(b: CaseBuilder) -> None:
    """Root passes the call filter: under production's filter root removes a member
    (`MemberKicked`; the Council follows) and cleans the defunct voters (the removed member's
    self-vote), while the same removal signed by a member is `System.CallFiltered`."""
    members_setup(b, "alice", "bob")
    args = remove_member(b, "alice")
    filtered(b, REMOVE_MEMBER, args, signed("bob"), "BadOrigin")
    do(b, REMOVE_MEMBER, args, root())
    check(event_names(b)[-1] == "PhragmenElection.MemberKicked", "alice kicked")
    check(
        members(b) == [b.account("bob")] and list(b.chain.council.members) == [b.account("bob")],
        "bob alone is a member, and the Council follows",
    )
    do(b, "PhragmenElection.clean_defunct_voters", {"num_voters": 10, "num_defunct": 10}, root())
    check(
        set(b.chain.elections.voting) == {b.account("bob")},
        "alice's self-vote names no member any more and is removed",
    )
    b.observe("elections")
    b.observe("collective", COUNCIL)


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=("minimal", "phala"),
    clauses=("CHAIN-15", "CHAIN-12", "COL-4", "COL-6", "COL-9", "COL-10"),
    block=1,
)
def collective_origins_are_filtered(b: CaseBuilder) -> None:
    """A collective's origins are not root, so a held `PhragmenElection` call is filtered: a
    motion both councillors pass ends `Executed{result: System.CallFiltered}` (without the
    filter `Members(2, 2)` would still be refused `BadOrigin`: `remove_member` wants root);
    a threshold-1 motion executes at once with the same result, and so does a member's
    `execute` (`MemberExecuted`). Nothing changes in the elections."""
    members_setup(b, "alice", "bob")
    call = held(REMOVE_MEMBER, **remove_member(b, "bob"))
    h = propose(b, "alice", call, threshold=2)
    vote(b, "alice", h, 0, True)
    vote(b, "bob", h, 0, True)
    close(b, h, 0)
    check(
        b.last_events[-1].name == "Council.Executed"
        and b.last_events[-1]["result"] == CALL_FILTERED,
        "the passed motion's call is filtered",
    )
    propose(b, "bob", call, threshold=1)
    check(b.last_events[-1]["result"] == CALL_FILTERED, "executed at once, filtered")
    do(b, "Council.execute", {"proposal": call, "length_bound": LONG}, signed("alice"))
    check(
        b.last_events[-1].name == "Council.MemberExecuted"
        and b.last_events[-1]["result"] == CALL_FILTERED,
        "a member's execute is filtered",
    )
    check(
        unfiltered_outcome(
            b, REMOVE_MEMBER, remove_member(b, "bob"), collective_member(COUNCIL, "alice")
        )
        == "BadOrigin",
        "without the filter the member origin fails remove_member's origin check",
    )
    check(members(b) == sorted([b.account("alice"), b.account("bob")]), "both still members")
    b.observe("elections")


@case(
    suite=SUITE,
    handler=HANDLER,
    clauses=("CHAIN-15", "SCH-3", "DEM-9", "DEM-10", "DEM-15", "DEM-16", "ELE-13"),
    block=1,
)
def referendum_enacts_a_filtered_call_as_root(b: CaseBuilder) -> None:
    """Democracy's calls pass Phala's filter, and an enacted referendum dispatches its call as
    root, which bypasses the filter: root queues a simple-majority external proposal to remove
    bob from the Council's elections and fast-tracks it to a 2-block vote; charlie votes aye
    (a signed `Democracy.vote`, admitted); the referendum passes at block 3 and the scheduler
    dispatches the removal as root at block 4 (`MemberKicked`, `Scheduler.Dispatched{result:
    ok}`), where bob's own signed attempt was `System.CallFiltered`."""
    members_setup(b, "alice", "bob")
    removal = held(REMOVE_MEMBER, **remove_member(b, "bob"))
    filtered(b, REMOVE_MEMBER, remove_member(b, "bob"), signed("bob"), "BadOrigin")
    do(b, "Democracy.external_propose_majority", {"proposal": removal}, root())
    do(
        b,
        "Democracy.fast_track",
        {"proposal_hash": call_hash(removal), "voting_period": 2, "delay": 0},
        root(),
    )
    ballot = {"kind": "Standard", "aye": True, "conviction": 1, "balance": 100}
    do(b, "Democracy.vote", {"ref_index": 0, "vote": ballot}, signed("charlie"))
    for number in (2, 3, 4):
        b.next_block(number=number)
    dispatched = [e for e in b.last_events if e.name == "Scheduler.Dispatched"]
    check(
        len(dispatched) == 1
        and dispatched[0]["result"] == "ok"
        and "PhragmenElection.MemberKicked" in event_names(b),
        "enacted as root at block 4, past the filter",
    )
    check(members(b) == [b.account("alice")], "bob removed")
    b.observe("elections")
