"""Public proposals and launching: propose, second, alternation and ties [DEM-4]..[DEM-6]
[DEM-18] (handlers ``proposals``, ``launch``)."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case, collective, root, signed
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.governance_democracy.common import (
    EXTERNAL,
    PROPOSE,
    SECOND,
    SUITE,
    at,
    call_hash,
    dem,
    names,
    ongoing,
    reserved,
    transfer,
)
from phala_spec.runtime.calls import decode_call

# --- Proposals [DEM-4] [DEM-5] ---------------------------------------------------------------


@case(suite=SUITE, handler="proposals", clauses=("DEM-3", "DEM-4", "DEM-22"), block=1)
def propose_errors_in_order(b: CaseBuilder) -> None:
    """`propose` checks the origin, then `ValueLow`, then `TooMany`, then the blacklist, then
    the reserve: each case below is built so that every later check would fail too."""
    banned = transfer("bob", 1)
    dem(
        b,
        "Democracy.blacklist",
        {"proposal_hash": call_hash(banned), "maybe_ref_index": None},
        root(),
    )
    dem(b, PROPOSE, {"proposal": banned, "value": 5_000}, root(), "BadOrigin")
    dem(b, PROPOSE, {"proposal": banned, "value": 9}, signed("alice"), "Democracy.ValueLow")
    dem(
        b,
        PROPOSE,
        {"proposal": banned, "value": 5_000},
        signed("alice"),
        "Democracy.ProposalBlacklisted",
    )
    dem(
        b,
        PROPOSE,
        {"proposal": transfer("bob", 2), "value": 5_000},
        signed("alice"),
        "Balances.InsufficientBalance",
    )
    for n in range(3):
        dem(b, PROPOSE, {"proposal": transfer("bob", 10 + n), "value": 10 + n}, signed("bob"))
    check(reserved(b, "bob") == 33, "bob reserved 10 + 11 + 12")
    dem(b, PROPOSE, {"proposal": banned, "value": 5_000}, signed("alice"), "Democracy.TooMany")
    dem(b, PROPOSE, {"proposal": banned, "value": 9}, signed("alice"), "Democracy.ValueLow")


@case(suite=SUITE, handler="proposals", clauses=("DEM-5", "DEM-6"), block=1)
def seconds_are_deposits_refunded_per_entry(b: CaseBuilder) -> None:
    """Seconding reserves the proposal's deposit again, once per call (bob twice); a fourth
    depositor is `TooMany` (max 3); an unknown index is `ProposalMissing`. At the launch block
    every depositor entry is unreserved: bob gets two deposits back."""
    dem(b, PROPOSE, {"proposal": transfer("charlie", 5), "value": 40}, signed("alice"))
    dem(b, SECOND, {"proposal": 1}, signed("bob"), "Democracy.ProposalMissing")
    dem(b, SECOND, {"proposal": 0}, signed("bob"))
    dem(b, SECOND, {"proposal": 0}, signed("bob"))
    check(reserved(b, "bob") == 80, "two deposits of 40 reserved from bob")
    b.observe("deposit_of", 0)
    b.observe("democracy")
    dem(b, SECOND, {"proposal": 0}, signed("charlie"), "Democracy.TooMany")
    dem(b, SECOND, {"proposal": 0}, root(), "BadOrigin")
    opened = names(at(b, 5))
    check(reserved(b, "bob") == 0 and reserved(b, "alice") == 0, "every deposit refunded")
    check(opened[:3] == ["Balances.Unreserved"] * 3, "three unreserves, one per entry")
    check(ongoing(b, 0).threshold == "SuperMajorityApprove", "a public referendum")


# --- Launching [DEM-6] [DEM-18] ----------------------------------------------------------------


@case(suite=SUITE, handler="launch", clauses=("DEM-6", "DEM-18", "DEM-14", "SCH-4"), block=1)
def alternation_tie_break_and_swap_remove(b: CaseBuilder) -> None:
    """Three public proposals p0..p2 (backing 10 each, p0 seconded to 20) and later an external one.
    Block 5: nothing external, so the public p0 launches and leaves by swap-remove (queue becomes
    [p2, p1]). Block 10: referendum 0 ends (no turnout: not passed) after referendum 1 starts from
    the tie p2/p1, won by the last maximal entry, p1. Block 15: the external proposal goes first.
    Block 20: after an external launch the public p2 goes first. Block 25: nothing waits and the
    flag stays reset."""
    for n, who in enumerate(("alice", "bob", "charlie")):
        dem(b, PROPOSE, {"proposal": transfer("ferdie", n + 1), "value": 10}, signed(who))
    dem(b, SECOND, {"proposal": 0}, signed("dave"))
    at(b, 5)
    check(ongoing(b, 0).proposal == decode_call(transfer("ferdie", 1)), "p0 launched first")
    check([p.index for p in b.chain.democracy.public_props] == [2, 1], "swap-remove: [p2, p1]")
    opened = names(at(b, 10))
    check(
        opened.index("Democracy.Started") < opened.index("Democracy.NotPassed"),
        "referendum 0 baked after the launch",
    )
    check(ongoing(b, 1).proposal == decode_call(transfer("ferdie", 2)), "tie: the last maximal, p1")
    at(b, 11)
    dem(b, EXTERNAL, {"proposal": transfer("ferdie", 9)}, collective("Council", 1, 3), "BadOrigin")
    dem(b, EXTERNAL, {"proposal": transfer("ferdie", 9)}, collective("Council", 2, 4))
    opened = names(at(b, 15))
    check("Democracy.ExternalTabled" in opened, "external first after a public launch")
    check(b.chain.democracy.last_tabled_was_external, "the flag is set")
    at(b, 20)
    check(ongoing(b, 3).proposal == decode_call(transfer("ferdie", 3)), "then the public p2")
    at(b, 25)
    check(not b.chain.democracy.last_tabled_was_external, "an empty launch leaves the flag reset")
    check(b.chain.democracy.lowest_unbaked == 4, "referenda 0..3 all baked")


@case(suite=SUITE, handler="launch", clauses=("DEM-6", "DEM-18", "SCH-4"), block=1)
def a_voting_period_of_zero_never_ends(b: CaseBuilder) -> None:
    """With a voting period of 0, the public proposal launched at block 5 ends at block 5. The
    block reads the range of referenda to bake before it launches, so the new referendum is not
    baked at 5, and no later block is its end: it stays ongoing for ever."""
    b.genesis(config={"democracy": {"voting_period": 0}})
    dem(b, PROPOSE, {"proposal": transfer("ferdie", 1), "value": 10}, signed("alice"))
    at(b, 5)
    check(ongoing(b, 0).end == 5, "ends at its launch block")
    at(b, 6)
    at(b, 12)
    check(ongoing(b, 0).end == 5, "never baked")
    b.observe("referendum", 0)
