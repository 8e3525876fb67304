"""Whole referendum lifecycles and the scheduler's agendas [DEM-10] [SCH-2]..[SCH-4]
(handlers ``enactment``, ``scheduler``)."""

from __future__ import annotations

from phala_spec.chain.democracy_state import Ongoing, Tally
from phala_spec.conformance.authoring import CaseBuilder, case, collective, root, signed
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.governance_democracy.common import (
    BOTH_PRESETS,
    EXTERNAL_MAJORITY,
    FAST_TRACK,
    PROPOSE,
    REMOVE_OTHER,
    REMOVE_VOTE,
    SUITE,
    UNLOCK,
    VOTE,
    at,
    call_hash,
    dem,
    finished,
    instant_referendum,
    lock_of,
    names,
    ongoing,
    passes,
    standard,
    transfer,
)

# --- Enactment [DEM-10] [SCH-2] [SCH-3] [SCH-4] ----------------------------------------------------


@case(
    suite=SUITE,
    handler="enactment",
    presets=BOTH_PRESETS,
    clauses=("DEM-4", "DEM-6", "DEM-10", "DEM-18", "SCH-2", "SCH-3", "SCH-4"),
    block=1,
)
def public_referendum_enacts_a_transfer(b: CaseBuilder) -> None:
    """The whole life of a public proposal with the preset's periods: proposed at block 1,
    launched at the first launch block L, voted on (a 1x aye of a tenth of alice's balance), baked
    at L + voting period, enacted as root `enactment_period` later: ferdie receives the transfer
    from eve, and `Scheduler.Dispatched` reports `ok`. Blocks in between are skipped (empty
    blocks whose hooks ran)."""
    cfg = b.config.democracy
    deposit = cfg.minimum_deposit
    value = 1_000 if b.preset == "minimal" else 1_000 * 10**12
    eve_before = b.chain.system.accounts[b.account("eve")].data.free
    dem(
        b,
        PROPOSE,
        {"proposal": transfer("ferdie", value // 10, source="eve"), "value": deposit},
        signed("alice"),
    )
    launch = cfg.launch_period
    opened = names(at(b, launch))
    check("Democracy.Started" in opened, "launched at the first launch block")
    stake = b.chain.system.accounts[b.account("alice")].data.free // 10
    dem(b, VOTE, {"ref_index": 0, "vote": standard(True, 1, stake)}, signed("alice"))
    end = launch + cfg.voting_period
    check(ongoing(b, 0).end == end, "ends after the voting period")
    check(
        passes("SuperMajorityApprove", ongoing(b, 0).tally, b.chain.balances.total_issuance),
        "the aye passes the positive-turnout-bias threshold",
    )
    at(b, end - 1)
    check(isinstance(b.chain.democracy.referendum_info[0], Ongoing), "still ongoing before its end")
    at(b, end)
    check(finished(b, 0), "passed")
    when = end + cfg.enactment_period
    check(list(b.chain.scheduler.agenda) == [when], "scheduled at end + enactment period")
    b.observe("agenda", when)
    at(b, when - 1)
    check(b.chain.system.accounts[b.account("eve")].data.free == eve_before, "not enacted yet")
    opened = names(at(b, when))
    check("Scheduler.Dispatched" in opened, "dispatched")
    check(
        b.chain.system.accounts[b.account("eve")].data.free == eve_before - value // 10,
        "eve paid ferdie",
    )
    check(not b.chain.scheduler.agenda and not b.chain.scheduler.lookup, "the agenda is served")
    b.finalize_block(observe=[("balance", b.account("ferdie")), ("referendum", 0)])


@case(
    suite=SUITE,
    handler="enactment",
    clauses=("DEM-10", "DEM-16", "SCH-2", "SCH-3", "SCH-4"),
    block=1,
)
def two_enactments_in_one_agenda(b: CaseBuilder) -> None:
    """Two fast-tracked referenda pass at block 3 with delay 0: both enact at 3 + max(0, 1) = 4,
    in slot order. The first adds a pRuntime to the registry's allowlist as root; the second
    (a transfer larger than the balance) fails and the scheduler reports the error code without
    failing the block. The gap from block 1 to 6 is caught up block by block."""
    add = {"call": "PhalaRegistry.add_pruntime", "args": {"pruntime_hash": b"\x01" * 32}}
    r0 = instant_referendum(b, add, 2)
    r1 = instant_referendum(b, transfer("ferdie", 2_000), 2)
    for ref in (r0, r1):
        dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 100)}, signed("bob"))
    opened = at(b, 6)
    check(finished(b, r0) and finished(b, r1), "both passed at block 3")
    dispatched = [e for e in opened if e["name"] == "Scheduler.Dispatched"]
    check(len(dispatched) == 2, "both dispatched at block 4")
    check([d["fields"]["task"] for d in dispatched] == [[4, 0], [4, 1]], "slot order at block 4")
    check(
        dispatched[1]["fields"]["result"] == "Balances.InsufficientBalance"
        or dispatched[1]["fields"]["result"].startswith("Token."),
        "the transfer failed",
    )
    check(b"\x01" * 32 in b.chain.registry.pruntime_allowlist, "the allowlist changed")
    b.finalize_block(observe=[("referendum", r0), ("democracy_voting", b.account("bob"))])


@case(
    suite=SUITE,
    handler="enactment",
    presets=("phala",),
    clauses=("DEM-3", "DEM-15", "DEM-16", "DEM-10", "DEM-11", "SCH-3", "SCH-4"),
    block=1,
)
def council_proposal_fast_tracked_on_phala(b: CaseBuilder) -> None:
    """With Phala's parameters: three quarters of the council (6 of 8) queue a simple-majority
    external proposal to allow a pRuntime; two thirds of the technical committee (2 of 3)
    fast-track it with the shortest allowed period, 900 blocks (3 hours), and a delay of 300.
    bob votes aye with 6x conviction, charlie nay with 1x. It passes at 901 and enacts at 1201 as
    root. bob's winning vote locks 10 PHA for 32 lock periods of 57 600 blocks after the end:
    removed early it leaves a prior lock until 901 + 1 843 200, which `unlock` honours one block
    before and releases at that block. charlie's losing vote is removable by anyone at once."""
    unit = 10**12
    add = {"call": "PhalaRegistry.add_pruntime", "args": {"pruntime_hash": b"\x02" * 32}}
    dem(b, EXTERNAL_MAJORITY, {"proposal": add}, collective("Council", 5, 8), "BadOrigin")
    dem(b, EXTERNAL_MAJORITY, {"proposal": add}, collective("Council", 6, 8))
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": call_hash(add), "voting_period": 899, "delay": 300},
        collective("TechnicalCommittee", 2, 3),
        "BadOrigin",
    )
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": call_hash(add), "voting_period": 900, "delay": 300},
        collective("TechnicalCommittee", 2, 3),
    )
    dem(b, VOTE, {"ref_index": 0, "vote": standard(True, 6, 10 * unit)}, signed("bob"))
    dem(b, VOTE, {"ref_index": 0, "vote": standard(False, 1, 50 * unit)}, signed("charlie"))
    check(ongoing(b, 0).tally == Tally(60 * unit, 50 * unit, 60 * unit), "6x10 ayes, 1x50 nays")
    at(b, 901)
    check(finished(b, 0), "passed at 901")
    check(list(b.chain.scheduler.agenda) == [1201], "enactment at 901 + 300")
    at(b, 1201)
    check(b"\x02" * 32 in b.chain.registry.pruntime_allowlist, "enacted as root")
    dem(b, REMOVE_OTHER, {"target": b.account("charlie"), "index": 0}, signed("dave"))
    dem(
        b,
        REMOVE_OTHER,
        {"target": b.account("bob"), "index": 0},
        signed("dave"),
        "Democracy.NoPermission",
    )
    dem(b, REMOVE_VOTE, {"index": 0}, signed("bob"))
    until = 901 + 32 * 57_600
    at(b, until - 1)
    dem(b, UNLOCK, {"target": b.account("bob")}, signed("dave"))
    check(lock_of(b, "bob") == 10 * unit, "one block before the end the lock holds")
    at(b, until)
    dem(b, UNLOCK, {"target": b.account("bob")}, signed("dave"))
    check(lock_of(b, "bob") == 0, "released at 901 + 1 843 200")
    b.finalize_block(observe=[("locks", b.account("bob")), ("democracy_voting", b.account("bob"))])


@case(suite=SUITE, handler="scheduler", clauses=("SCH-2", "SCH-3", "DEM-10", "DEM-19"), block=1)
def full_agenda_drops_an_enactment(b: CaseBuilder) -> None:
    """Four fast-tracked referenda pass at block 3 with delay 0, all to be enacted at block 4;
    the minimal preset's agenda holds 3 tasks, so the fourth is silently not scheduled (democracy
    ignores the scheduler's error): `Passed` without `Scheduled`, and its transfer never happens.
    Once passed, a referendum can no longer be emergency-cancelled (`ReferendumInvalid`) though
    its enactment is still to come."""
    refs = [instant_referendum(b, transfer("ferdie", n), 2) for n in (1, 2, 3, 4)]
    for ref, voter in zip(refs, ("alice", "bob", "charlie", "dave"), strict=True):
        dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 10)}, signed(voter))
    opened = names(at(b, 3))
    check(
        opened.count("Democracy.Passed") == 4 and opened.count("Scheduler.Scheduled") == 3,
        "four passed, three scheduled",
    )
    check(len(b.chain.scheduler.agenda[4]) == 3, "the agenda of block 4 is full")
    b.observe("agenda", 4)
    b.observe("block")
    dem(
        b,
        "Democracy.emergency_cancel",
        {"ref_index": refs[0]},
        root(),
        "Democracy.ReferendumInvalid",
    )
    ferdie = b.chain.system.accounts[b.account("ferdie")].data.free
    at(b, 4)
    check(
        b.chain.system.accounts[b.account("ferdie")].data.free == ferdie + 1 + 2 + 3,
        "only the first three enacted",
    )
    b.finalize_block(observe=[("balance", b.account("ferdie"))])


@case(suite=SUITE, handler="scheduler", clauses=("SCH-2", "DEM-10", "DEM-16", "SCH-4"), block=1)
def no_enactment_after_the_last_block(b: CaseBuilder) -> None:
    """A referendum fast-tracked with a voting period of 2^32 - 1 blocks ends at the last block
    number, 2^32 - 1 (the end saturates). It passes there, and its enactment block,
    now + max(delay, 1), saturates to that same block: not in the future, so the scheduler drops
    the task and democracy ignores it: `Passed` without `Scheduled`, an empty agenda."""
    last = 2**32 - 1
    ref = instant_referendum(b, transfer("ferdie", 5), last)
    check(ongoing(b, ref).end == last, "the end saturates at the last block")
    dem(b, VOTE, {"ref_index": ref, "vote": standard(True, 1, 10)}, signed("alice"))
    opened = names(at(b, last))
    check(finished(b, ref), "passed at the last block")
    check(
        "Democracy.Passed" in opened and "Scheduler.Scheduled" not in opened,
        "passed, not scheduled",
    )
    check(not b.chain.scheduler.agenda and not b.chain.scheduler.lookup, "nothing to enact")
    b.observe("referendum", ref)
