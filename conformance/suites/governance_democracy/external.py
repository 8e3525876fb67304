"""External proposals, fast-track and veto [DEM-14]..[DEM-17], and cancelling, blacklisting
and clearing [DEM-19]..[DEM-23] (handlers ``external``, ``cancellation``)."""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import (
    CaseBuilder,
    case,
    collective,
    collective_member,
    root,
    signed,
)
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.governance_democracy.common import (
    EXTERNAL,
    EXTERNAL_DEFAULT,
    EXTERNAL_MAJORITY,
    FAST_TRACK,
    PROPOSE,
    SECOND,
    SUITE,
    VETO,
    at,
    call_hash,
    dem,
    finished,
    instant_referendum,
    names,
    ongoing,
    reserved,
    transfer,
)
from phala_spec.pallets.governance.treasury import POT

# --- External proposals [DEM-14]..[DEM-17] -----------------------------------------------------------


@case(suite=SUITE, handler="external", clauses=("DEM-3", "DEM-16"), block=1)
def fast_track_checks_in_order(b: CaseBuilder) -> None:
    """Two thirds of the technical committee may fast-track with a voting period of at least 2
    blocks; below that it takes the whole committee (`BadOrigin` for 2 of 3). Then
    `VotingPeriodLow` (0), `ProposalMissing` (nothing queued), `NotSimpleMajority` (a
    super-majority-approve proposal), `InvalidHash`. A fast-tracked referendum ends at
    now + period with the given delay."""
    tech = collective("TechnicalCommittee", 2, 3)
    call = transfer("ferdie", 7)
    h = call_hash(call)
    dem(b, FAST_TRACK, {"proposal_hash": h, "voting_period": 1, "delay": 0}, tech, "BadOrigin")
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 2, "delay": 0},
        collective("Council", 3, 3),
        "BadOrigin",
    )
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 0, "delay": 0},
        root(),
        "Democracy.VotingPeriodLow",
    )
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 2, "delay": 0},
        tech,
        "Democracy.ProposalMissing",
    )
    dem(b, EXTERNAL, {"proposal": call}, collective("Council", 1, 2))
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 2, "delay": 0},
        tech,
        "Democracy.NotSimpleMajority",
    )
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, collective("Council", 2, 3), "BadOrigin")
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, collective("Council", 3, 4))
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": call_hash(transfer("ferdie", 8)), "voting_period": 2, "delay": 0},
        tech,
        "Democracy.InvalidHash",
    )
    dem(b, FAST_TRACK, {"proposal_hash": h, "voting_period": 2, "delay": 5}, tech)
    info = ongoing(b, 0)
    check((info.end, info.delay, info.threshold) == (3, 5, "SimpleMajority"), "ends at 3, delay 5")
    dem(b, EXTERNAL_DEFAULT, {"proposal": call}, collective("Council", 3, 4), "BadOrigin")
    dem(
        b, EXTERNAL_DEFAULT, {"proposal": call}, collective("TechnicalCommittee", 3, 3), "BadOrigin"
    )
    dem(b, EXTERNAL_DEFAULT, {"proposal": call}, collective("Council", 4, 4))
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 1, "delay": 0},
        collective("TechnicalCommittee", 3, 3),
    )
    check(ongoing(b, 1).threshold == "SuperMajorityAgainst", "instant, against")


@case(suite=SUITE, handler="external", clauses=("DEM-16",), block=1)
def fast_track_needs_two_thirds(b: CaseBuilder) -> None:
    """The fast-track origin is at least two thirds of the technical committee
    (`yes * 3 >= total * 2`): 1 of 2 and 3 of 5 (between a half and two thirds) are `BadOrigin`
    even with a queued majority proposal, 4 of 6 (exactly two thirds) fast-tracks it."""
    call = transfer("ferdie", 7)
    h = call_hash(call)
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, collective("Council", 3, 4))
    args = {"proposal_hash": h, "voting_period": 2, "delay": 0}
    dem(b, FAST_TRACK, args, collective("TechnicalCommittee", 1, 2), "BadOrigin")
    dem(b, FAST_TRACK, args, collective("TechnicalCommittee", 3, 5), "BadOrigin")
    dem(b, FAST_TRACK, args, collective("TechnicalCommittee", 4, 6))
    check(ongoing(b, 0).end == 1 + 2, "a referendum ending at now + 2")


@case(suite=SUITE, handler="external", clauses=("DEM-16", "DEM-2"), block=1)
def instant_not_allowed(b: CaseBuilder) -> None:
    """With `instant_allowed` false, the instant path fails with `InstantNotAllowed` after the
    origin check (still `BadOrigin` for a non-instant origin) and before `VotingPeriodLow`;
    a full-length fast-track still works."""
    config: Any = {"democracy": {"instant_allowed": False}}
    b.genesis(config=config)
    call = transfer("ferdie", 7)
    h = call_hash(call)
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 0, "delay": 0},
        collective("TechnicalCommittee", 2, 3),
        "BadOrigin",
    )
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 0, "delay": 0},
        root(),
        "Democracy.InstantNotAllowed",
    )
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, root())
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": h, "voting_period": 2, "delay": 0},
        collective("TechnicalCommittee", 2, 3),
    )


@case(suite=SUITE, handler="external", clauses=("DEM-17", "DEM-14", "DEM-15", "DEM-3"), block=1)
def veto_cooloff_and_vetoers(b: CaseBuilder) -> None:
    """A committee member vetoes the queued external proposal: `NoProposal` when none is queued,
    `ProposalMissing` for another hash, root is not a member (`BadOrigin`). The hash is blacklisted
    until 1 + 4 = 5: `external_propose` fails with `ProposalBlacklisted`, but
    `external_propose_majority` has no blacklist check. A member vetoes a hash once
    (`AlreadyVetoed`); the vetoer list is bounded (max 2: `TooMany`). A queued proposal makes
    `external_propose` fail with `DuplicateProposal` before the blacklist is looked at. At
    block 5 the cool-off is over."""
    call = transfer("ferdie", 3)
    h = call_hash(call)
    alice, bob, charlie = (
        collective_member("TechnicalCommittee", w) for w in ("alice", "bob", "charlie")
    )
    dem(b, VETO, {"proposal_hash": h}, alice, "Democracy.NoProposal")
    dem(b, EXTERNAL, {"proposal": call}, root())
    dem(b, VETO, {"proposal_hash": h}, root(), "BadOrigin")
    dem(b, VETO, {"proposal_hash": h}, collective_member("Council", "alice"), "BadOrigin")
    dem(
        b,
        VETO,
        {"proposal_hash": call_hash(transfer("ferdie", 4))},
        alice,
        "Democracy.ProposalMissing",
    )
    dem(b, VETO, {"proposal_hash": h}, bob)
    check(b.chain.democracy.blacklist[h] == (5, (b.account("bob"),)), "blacklisted until 5 by bob")
    check(b.chain.democracy.next_external is None, "the queue is emptied")
    b.observe("blacklist", h)
    b.observe("democracy")
    dem(b, EXTERNAL, {"proposal": call}, root(), "Democracy.ProposalBlacklisted")
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, collective("Council", 3, 4))
    dem(b, VETO, {"proposal_hash": h}, bob, "Democracy.AlreadyVetoed")
    dem(b, VETO, {"proposal_hash": h}, alice)
    vetoers = b.chain.democracy.blacklist[h][1]
    check(vetoers == tuple(sorted((b.account("alice"), b.account("bob")))), "vetoers kept sorted")
    b.observe("blacklist", h)
    dem(b, EXTERNAL_MAJORITY, {"proposal": call}, root())
    dem(b, EXTERNAL, {"proposal": call}, root(), "Democracy.DuplicateProposal")
    dem(b, VETO, {"proposal_hash": h}, charlie, "Democracy.TooMany")
    dem(b, VETO, {"proposal_hash": h}, bob, "Democracy.AlreadyVetoed")
    at(b, 4)
    dem(b, EXTERNAL, {"proposal": transfer("ferdie", 5)}, root(), "Democracy.DuplicateProposal")
    dem(b, "Democracy.veto_external", {"proposal_hash": h}, charlie, "Democracy.TooMany")
    at(b, 6)  # block 5 launched the queued proposal
    dem(b, EXTERNAL, {"proposal": call}, root())
    dem(b, EXTERNAL, {"proposal": call}, root(), "Democracy.DuplicateProposal")


# --- Cancelling [DEM-19]..[DEM-23] ---------------------------------------------------------------


@case(suite=SUITE, handler="cancellation", clauses=("DEM-19", "DEM-20", "DEM-3"), block=1)
def emergency_cancel_once_per_hash(b: CaseBuilder) -> None:
    """Two thirds of the council cancel an ongoing referendum (3 of 5 is not enough); the same
    call, fast-tracked again, can never be emergency-cancelled again (`AlreadyCanceled`), only
    cancelled by root; an unknown referendum is `ReferendumInvalid`. Root's `cancel_referendum`
    of an index that does not exist still deposits `Cancelled`."""
    call = transfer("ferdie", 3)
    r0 = instant_referendum(b, call, 3)
    dem(
        b, "Democracy.emergency_cancel", {"ref_index": r0}, collective("Council", 3, 5), "BadOrigin"
    )
    dem(
        b,
        "Democracy.emergency_cancel",
        {"ref_index": 7},
        collective("Council", 2, 3),
        "Democracy.ReferendumInvalid",
    )
    dem(b, "Democracy.emergency_cancel", {"ref_index": r0}, collective("Council", 2, 3))
    check(r0 not in b.chain.democracy.referendum_info, "removed")
    r1 = instant_referendum(b, call, 3)
    dem(b, "Democracy.emergency_cancel", {"ref_index": r1}, root(), "Democracy.AlreadyCanceled")
    dem(
        b,
        "Democracy.cancel_referendum",
        {"ref_index": r1},
        collective("Council", 3, 3),
        "BadOrigin",
    )
    dem(b, "Democracy.cancel_referendum", {"ref_index": r1}, root())
    cancelled = names(dem(b, "Democracy.cancel_referendum", {"ref_index": 42}, root()))
    check(cancelled == ["Democracy.Cancelled"], "an absent referendum is 'cancelled' too")


@case(suite=SUITE, handler="cancellation", clauses=("DEM-21", "DEM-22", "DEM-23", "DEM-3"), block=1)
def slashing_blacklist_and_clearing(b: CaseBuilder) -> None:
    """`cancel_proposal` (the whole technical committee) slashes each depositor entry into the
    treasury pot: 20 from alice and 2 x 20 from bob. `blacklist` removes the first queued
    proposal with the hash (slashing it), drops a matching external proposal and cancels the
    named ongoing referendum. `clear_public_proposals` empties the queue and refunds nothing."""
    dem(b, PROPOSE, {"proposal": transfer("ferdie", 1), "value": 20}, signed("alice"))
    dem(b, SECOND, {"proposal": 0}, signed("bob"))
    dem(b, SECOND, {"proposal": 0}, signed("bob"))
    dem(
        b,
        "Democracy.cancel_proposal",
        {"prop_index": 0},
        collective("TechnicalCommittee", 2, 3),
        "BadOrigin",
    )
    issuance = b.chain.balances.total_issuance
    dem(b, "Democracy.cancel_proposal", {"prop_index": 0}, collective("TechnicalCommittee", 3, 3))
    check(b.chain.system.accounts[POT].data.free == 60, "60 slashed into the pot")
    check(b.chain.balances.total_issuance == issuance, "a slash paid to the pot keeps the issuance")
    check(reserved(b, "alice") == 0 and reserved(b, "bob") == 0, "deposits gone")
    banned = transfer("ferdie", 2)
    dem(b, PROPOSE, {"proposal": banned, "value": 15}, signed("charlie"))
    dem(b, PROPOSE, {"proposal": banned, "value": 11}, signed("dave"))
    ref = instant_referendum(b, banned, 3)
    dem(b, EXTERNAL_MAJORITY, {"proposal": banned}, root())
    dem(
        b,
        "Democracy.blacklist",
        {"proposal_hash": call_hash(banned), "maybe_ref_index": ref},
        collective("Council", 3, 3),
        "BadOrigin",
    )
    dem(
        b,
        "Democracy.blacklist",
        {"proposal_hash": call_hash(banned), "maybe_ref_index": ref},
        root(),
    )
    check([p.index for p in b.chain.democracy.public_props] == [2], "only the first match removed")
    b.observe("blacklist", call_hash(banned))
    b.observe("democracy")
    check(reserved(b, "charlie") == 0 and reserved(b, "dave") == 11, "charlie slashed")
    check(
        b.chain.democracy.next_external is None and ref not in b.chain.democracy.referendum_info,
        "external dropped, referendum cancelled",
    )
    dem(b, "Democracy.clear_public_proposals", {}, signed("alice"), "BadOrigin")
    dem(b, "Democracy.clear_public_proposals", {}, root())
    check(
        b.chain.democracy.public_props == () and reserved(b, "dave") == 11, "deposit stays reserved"
    )
    check(2 in b.chain.democracy.deposit_of, "and its record stays")
    b.observe("deposit_of", 2)
    b.observe("deposit_of", 1)


@case(suite=SUITE, handler="external", clauses=("DEM-14", "DEM-16", "DEM-17", "DEM-3"), block=1)
def external_precedence_and_the_end_of_a_cooloff(b: CaseBuilder) -> None:
    """`external_propose` checks its origin before the queue: a third of the council, with a
    proposal already queued, is `BadOrigin`, not `DuplicateProposal`. `fast_track` of the queued
    super-majority-approve proposal under another hash is `NotSimpleMajority`: the threshold is
    checked before the hash. A veto at block 1 blacklists the hash until 1 + 4 = 5, exclusive:
    at block 4 `external_propose` is `ProposalBlacklisted`, at block 5 it is accepted."""
    call = transfer("ferdie", 3)
    other = transfer("ferdie", 4)
    dem(b, EXTERNAL, {"proposal": call}, root())
    dem(b, EXTERNAL, {"proposal": other}, collective("Council", 1, 3), "BadOrigin")
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": call_hash(other), "voting_period": 2, "delay": 0},
        root(),
        "Democracy.NotSimpleMajority",
    )
    dem(b, VETO, {"proposal_hash": call_hash(call)}, collective_member("TechnicalCommittee", "bob"))
    check(b.chain.democracy.blacklist[call_hash(call)][0] == 5, "blacklisted until 5")
    at(b, 4)
    dem(b, EXTERNAL, {"proposal": call}, root(), "Democracy.ProposalBlacklisted")
    at(b, 5)
    dem(b, EXTERNAL, {"proposal": call}, root())
    check(b.chain.democracy.next_external is not None, "queued again at the end of the cool-off")


@case(suite=SUITE, handler="cancellation", clauses=("DEM-22", "DEM-18", "SCH-4"), block=1)
def blacklist_touches_only_its_hash(b: CaseBuilder) -> None:
    """Three public proposals, the middle one banned: `blacklist` removes just that one and keeps
    the others' order, [p0, p2]. The referendum it names is cancelled only when it is ongoing
    with the hash: naming referendum 0 (another call) or an index that does not exist cancels
    nothing; naming referendum 1 (the banned call) cancels it. With referendum 0 still ongoing
    below the cancelled 1, later blocks skip the gap in the indices: referendum 0 is baked at
    its end and the lowest unbaked index moves past both."""
    banned = transfer("ferdie", 2)
    h = call_hash(banned)
    for n, who in ((1, "alice"), (2, "bob"), (3, "charlie")):
        dem(b, PROPOSE, {"proposal": transfer("ferdie", n), "value": 10}, signed(who))
    r0 = instant_referendum(b, transfer("ferdie", 7), 3)
    r1 = instant_referendum(b, banned, 3)
    dem(b, "Democracy.blacklist", {"proposal_hash": h, "maybe_ref_index": r0}, root())
    check([p.index for p in b.chain.democracy.public_props] == [0, 2], "only p1 removed")
    check(reserved(b, "bob") == 0, "p1's deposit slashed")
    check(r0 in b.chain.democracy.referendum_info, "referendum 0 holds another call: kept")
    dem(b, "Democracy.blacklist", {"proposal_hash": h, "maybe_ref_index": 99}, root())
    check(r1 in b.chain.democracy.referendum_info, "an absent index cancels nothing")
    dem(b, "Democracy.blacklist", {"proposal_hash": h, "maybe_ref_index": r1}, root())
    check(r1 not in b.chain.democracy.referendum_info, "referendum 1 cancelled")
    at(b, 2)
    check(b.chain.democracy.lowest_unbaked == r0, "referendum 0 is still ongoing")
    at(b, 4)
    check(not finished(b, r0), "no turnout: not passed")
    check(b.chain.democracy.lowest_unbaked == 2, "past the baked 0 and the cancelled 1")


@case(suite=SUITE, handler="cancellation", clauses=("DEM-21", "TRS-3", "BAL-15"), block=1)
def cancel_proposal_pays_what_was_slashed(b: CaseBuilder) -> None:
    """alice proposes with a deposit of 40; root then unreserves 15 of it. `cancel_proposal`
    slashes the deposit, but only 25 is still reserved: 25 is slashed and 25 goes to the treasury
    pot; the 15 short are neither taken nor paid."""
    dem(b, PROPOSE, {"proposal": transfer("ferdie", 1), "value": 40}, signed("alice"))
    dem(b, "Balances.force_unreserve", {"who": b.account("alice"), "amount": 15}, root())
    check(reserved(b, "alice") == 25, "25 left reserved")
    issuance = b.chain.balances.total_issuance
    dem(b, "Democracy.cancel_proposal", {"prop_index": 0}, collective("TechnicalCommittee", 3, 3))
    check(b.chain.system.accounts[POT].data.free == 25, "the pot gets the 25 slashed")
    check(b.chain.balances.total_issuance == issuance, "slashed into the pot: issuance kept")
    b.observe("balance", POT)
