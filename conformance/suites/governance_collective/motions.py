"""Collective motions: propose, vote, close, disapprove, execute, and what membership
changes do to them [COL-3]..[COL-13] (handler ``collective``)."""

from __future__ import annotations

from phala_spec.conformance.authoring import (
    CaseBuilder,
    case,
    collective,
    collective_member,
    root,
    signed,
)
from phala_spec.conformance.checks import check, do, event_names
from phala_spec.conformance.suites.governance_collective.common import (
    BOTH,
    COUNCIL,
    LONG,
    SUITE,
    TC,
    call_hash,
    close,
    council_setup,
    held,
    ids,
    motion,
    propose,
    pruntime,
    vote,
)
from phala_spec.runtime.calls import decode_call

# --- Collective [COL-3]..[COL-13] ---------------------------------------------------------


@case(
    suite=SUITE,
    handler="collective",
    presets=BOTH,
    clauses=("COL-3", "COL-5", "COL-6", "COL-10"),
    block=1,
)
def motion_passes_and_enacts(b: CaseBuilder) -> None:
    """Alice proposes a registry call with threshold 2; Bob and Alice vote aye; anyone closes it
    early: `Closed{2, 0}`, `Approved`, `Executed{ok}`, and the call ran with `Members(2, 3)`,
    more than half of the Council, so the pRuntime hash is allowed."""
    council_setup(b)
    h = propose(b, "alice", pruntime(1))
    check(motion(b, h).end == 1 + b.config.council.motion_duration, "end = now + MotionDuration")
    vote(b, "bob", h, 0, True)
    vote(b, "alice", h, 0, True)
    close(b, h, 0)
    b.observe("collective", COUNCIL)
    check(b"pruntime-1" in b.chain.registry.pruntime_allowlist, "the call enacted")
    check(motion(b, h) is None and not b.chain.council.proposals, "the motion removed")


@case(suite=SUITE, handler="collective", clauses=("COL-4", "COL-10"), block=1)
def low_threshold_executes_at_once(b: CaseBuilder) -> None:
    """A threshold below 2 executes at once with `Members(1, seats)`, nothing is stored: on a
    3-seat Council the registry call fails its origin check (`Executed{BadOrigin}`) though
    `propose` succeeds; once root makes the Council a single seat, a threshold-0 motion enacts
    the call (1 of 1 is more than half)."""
    council_setup(b)
    propose(b, "alice", pruntime(1), threshold=1)
    check(
        b.last_events[-1].fields[-1] == ("result", "BadOrigin")
        and not b.chain.council.proposals
        and b.chain.registry.pruntime_allowlist == (),
        "nothing stored, nothing enacted",
    )
    do(
        b,
        "Council.set_members",
        {"new_members": ids(b, "alice"), "prime": None, "old_count": 3},
        root(),
    )
    propose(b, "alice", pruntime(2), threshold=0)
    check(b.chain.registry.pruntime_allowlist == (b"pruntime-2",), "1 of 1 is more than half")


@case(suite=SUITE, handler="collective", clauses=("COL-3",), block=1)
def propose_errors_in_order(b: CaseBuilder) -> None:
    """`propose` checks the origin, membership, the length bound, duplicates, then the number of
    open motions: root gets `BadOrigin`; a non-member with a too-long call `NotMember`; a member
    with a too-long duplicate `WrongProposalLength`; a duplicate when the queue is full
    `DuplicateProposal`; a fifth motion `TooManyProposals` (MaxProposals 4 on minimal)."""
    council_setup(b)
    first = pruntime(1)
    length = len(decode_call(first).encoded)
    propose(b, "alice", first)
    do(
        b,
        "Council.propose",
        {"threshold": 2, "proposal": first, "length_bound": LONG},
        root(),
        outcome="BadOrigin",
    )
    propose(b, "dave", first, outcome="Council.NotMember", length_bound=0)
    propose(b, "bob", first, outcome="Council.WrongProposalLength", length_bound=length - 1)
    propose(b, "bob", first, outcome="Council.DuplicateProposal", length_bound=length)
    for n in (2, 3, 4):
        propose(b, "bob", pruntime(n))
    propose(b, "charlie", first, outcome="Council.DuplicateProposal")
    propose(b, "charlie", pruntime(5), outcome="Council.TooManyProposals")
    check(b.chain.council.proposal_count == 4, "four motions, indices 0..3")


@case(suite=SUITE, handler="collective", clauses=("COL-5",), block=1)
def vote_errors_and_switching(b: CaseBuilder) -> None:
    """`vote` checks membership, the motion, its index, then duplicates: `NotMember`,
    `ProposalMissing`, `WrongIndex`, `DuplicateVote`. Switching sides moves the voter with
    `swap_remove`: nays [alice, bob, charlie], alice switches, nays become [charlie, bob]."""
    council_setup(b, members=("alice", "bob", "charlie", "dave"), council={"max_members": 10})
    h = propose(b, "alice", pruntime(1), threshold=4)
    missing = call_hash(pruntime(2))
    vote(b, "eve", missing, 7, True, outcome="Council.NotMember")
    vote(b, "alice", missing, 0, True, outcome="Council.ProposalMissing")
    vote(b, "alice", h, 1, True, outcome="Council.WrongIndex")
    for who in ("alice", "bob", "charlie"):
        vote(b, who, h, 0, False)
    vote(b, "bob", h, 0, False, outcome="Council.DuplicateVote")
    vote(b, "alice", h, 0, True)
    votes = motion(b, h)
    check(
        votes.ayes == tuple(ids(b, "alice")) and votes.nays == tuple(ids(b, "charlie", "bob")),
        "ayes [alice], nays [charlie, bob] after the swap_remove",
    )
    vote(b, "alice", h, 0, True, outcome="Council.DuplicateVote")
    b.observe("motion", COUNCIL, h)


@case(suite=SUITE, handler="collective", clauses=("COL-6",), block=1)
def close_early_and_too_early(b: CaseBuilder) -> None:
    """Threshold 3 of 4: after one aye the motion is open and `close` fails with `TooEarly`;
    after two nays it cannot pass any more (4 - 2 < 3) and closes early, disapproved. `close`
    checks the motion (`ProposalMissing`) before the index (`WrongIndex`), and any signed
    account may close, root may not (`BadOrigin`)."""
    council_setup(b, members=("alice", "bob", "charlie", "dave"))
    h = propose(b, "alice", pruntime(1), threshold=3)
    vote(b, "alice", h, 0, True)
    close(b, h, 0, outcome="Council.TooEarly")
    close(b, call_hash(pruntime(2)), 5, outcome="Council.ProposalMissing")
    close(b, h, 1, outcome="Council.WrongIndex")
    do(
        b,
        "Council.close",
        {"proposal_hash": h, "index": 0, "length_bound": LONG},
        root(),
        outcome="BadOrigin",
    )
    vote(b, "bob", h, 0, False)
    vote(b, "charlie", h, 0, False)
    close(b, h, 0)
    check(event_names(b) == ["Council.Closed", "Council.Disapproved"], "Closed, Disapproved")
    check(b.chain.registry.pruntime_allowlist == (), "not enacted")


@case(suite=SUITE, handler="collective", clauses=("COL-6", "COL-7"), block=1)
def prime_default_vote(b: CaseBuilder) -> None:
    """After the end, abstentions follow the prime (4 seats, threshold 3). Motion 0: prime alice
    aye, bob nay, two abstain: yes = 1 + 2 = 3, approved (`Closed{3, 1}`). Motion 1: bob aye,
    the prime did not vote: the abstentions are nays, disapproved. Motion 2: the prime's aye
    carries it, and only this approve path checks the length bound (`WrongProposalLength`)."""
    b.genesis(governance={"council": ["alice", "bob", "charlie", "dave"]})
    do(
        b,
        "Council.set_members",
        {
            "new_members": ids(b, "alice", "bob", "charlie", "dave"),
            "prime": b.account("alice"),
            "old_count": 4,
        },
        root(),
    )
    h0 = propose(b, "bob", pruntime(1), threshold=3)
    h1 = propose(b, "bob", pruntime(2), threshold=3)
    h2 = propose(b, "bob", pruntime(3), threshold=3)
    vote(b, "alice", h0, 0, True)
    vote(b, "bob", h0, 0, False)
    vote(b, "bob", h1, 1, True)
    vote(b, "alice", h2, 2, True)
    b.next_block(number=1 + b.config.council.motion_duration)
    close(b, h0, 0)
    check(
        b.last_events[0].fields == (("proposal_hash", h0), ("yes", 3), ("no", 1)),
        "Closed{yes: 3, no: 1} after the default votes",
    )
    close(b, h1, 1)
    check(event_names(b)[-1] == "Council.Disapproved", "no prime aye: disapproved")
    close(b, h2, 2, outcome="Council.WrongProposalLength", length_bound=1)
    close(b, h2, 2)
    check(b.chain.registry.pruntime_allowlist == (b"pruntime-1", b"pruntime-3"), "motions 0, 2")


@case(suite=SUITE, handler="collective", clauses=("COL-8",), block=1)
def disapprove_proposal_by_root(b: CaseBuilder) -> None:
    """Root removes a motion with `disapprove_proposal`; an unknown hash succeeds too and still
    emits `Disapproved`; a member gets `BadOrigin`. Voting on the removed motion fails."""
    council_setup(b)
    h = propose(b, "alice", pruntime(1))
    do(b, "Council.disapprove_proposal", {"proposal_hash": h}, signed("alice"), outcome="BadOrigin")
    do(b, "Council.disapprove_proposal", {"proposal_hash": h}, root())
    do(b, "Council.disapprove_proposal", {"proposal_hash": h}, root())
    check(event_names(b) == ["Council.Disapproved"], "Disapproved for an unknown hash")
    vote(b, "bob", h, 0, True, outcome="Council.ProposalMissing")


@case(suite=SUITE, handler="collective", clauses=("COL-9", "COL-10"), block=1)
def execute_as_member(b: CaseBuilder) -> None:
    """`execute` dispatches with `Member(who)`: a transfer needs a signed origin, so it fails
    inside (`MemberExecuted{BadOrigin}`) while `execute` succeeds. Non-members get
    `NotMember`, a too small length bound `WrongProposalLength`."""
    council_setup(b)
    transfer = held("Balances.transfer_keep_alive", dest=b.account("bob"), value=1)
    do(
        b,
        "TechnicalCommittee.execute",
        {"proposal": transfer, "length_bound": LONG},
        signed("alice"),
        outcome="TechnicalCommittee.NotMember",
    )
    do(
        b,
        "TechnicalCommittee.execute",
        {"proposal": transfer, "length_bound": 3},
        signed("dave"),
        outcome="TechnicalCommittee.WrongProposalLength",
    )
    do(
        b,
        "TechnicalCommittee.execute",
        {"proposal": transfer, "length_bound": LONG},
        signed("dave"),
    )
    check(b.last_events[-1].fields[-1] == ("result", "BadOrigin"), "the transfer needs Signed")


@case(suite=SUITE, handler="collective", clauses=("COL-11", "COL-12", "COL-13"), block=1)
def membership_change_removes_votes(b: CaseBuilder) -> None:
    """A Council motion (2 of 3, more than half) sets the Technical Committee's members: the
    wiring of [COL-13]. Root then replaces the Council: the outgoing member's votes leave every
    open motion, the prime is set; a prime that is not a new member fails with
    `PrimeAccountNotMember`; a Council `set_members` by a Council origin, and the Technical
    Committee's by a single Council member (`Member(alice)`), get `BadOrigin`."""
    council_setup(b)
    tc = held(
        "TechnicalCommittee.set_members",
        new_members=ids(b, "ferdie", "eve"),
        prime=b.account("ferdie"),
        old_count=2,
    )
    h = propose(b, "alice", tc)
    vote(b, "alice", h, 0, True)
    vote(b, "bob", h, 0, True)
    other = propose(b, "alice", pruntime(1), threshold=3)
    vote(b, "bob", other, 1, True)
    vote(b, "charlie", other, 1, False)
    close(b, h, 0)
    check(
        b.chain.technical_committee.members == tuple(sorted(ids(b, "eve", "ferdie"))),
        "the TC's members sorted",
    )
    check(b.chain.technical_committee.prime == b.account("ferdie"), "the TC's prime")
    new = ids(b, "alice", "charlie", "dave")
    do(
        b,
        "Council.set_members",
        {"new_members": new, "prime": b.account("bob"), "old_count": 3},
        root(),
        outcome="Council.PrimeAccountNotMember",
    )
    do(
        b,
        "Council.set_members",
        {"new_members": new, "prime": None, "old_count": 3},
        collective(COUNCIL, 3, 3),
        outcome="BadOrigin",
    )
    do(
        b,
        "TechnicalCommittee.set_members",
        {"new_members": new, "prime": None, "old_count": 2},
        collective_member(COUNCIL, "alice"),
        outcome="BadOrigin",
    )
    do(
        b,
        "Council.set_members",
        {"new_members": new, "prime": b.account("dave"), "old_count": 0},
        root(),
    )
    votes = motion(b, other)
    check(votes.ayes == () and votes.nays == tuple(ids(b, "charlie")), "bob's aye removed")
    b.observe("motion", COUNCIL, other)
    b.observe("collective", COUNCIL)


@case(suite=SUITE, handler="collective", clauses=("COL-10", "COL-13", "TRS-6", "TRS-5"), block=1)
def council_proportions_for_treasury(b: CaseBuilder) -> None:
    """Treasury approval needs at least 3/5 of the Council, rejection more than 1/2. With 5
    seats, a 3-aye motion approves (15 >= 15); with 4 seats a 2-aye motion cannot reject
    (4 > 4 is false: `Executed{BadOrigin}`) and a 3-aye one can. A Technical Committee origin
    never counts."""
    council_setup(b, members=("alice", "bob", "charlie", "dave", "eve"))
    do(
        b,
        "Treasury.propose_spend",
        {"value": 100, "beneficiary": b.account("ferdie")},
        signed("ferdie"),
    )
    do(
        b,
        "Treasury.approve_proposal",
        {"proposal_id": 0},
        collective(COUNCIL, 2, 5),
        outcome="BadOrigin",
    )
    do(
        b,
        "Treasury.approve_proposal",
        {"proposal_id": 0},
        collective(TC, 5, 5),
        outcome="BadOrigin",
    )
    approve = held("Treasury.approve_proposal", proposal_id=0)
    h = propose(b, "alice", approve, threshold=3)
    for who in ("alice", "bob", "charlie"):
        vote(b, who, h, 0, True)
    close(b, h, 0)
    check(b.chain.treasury.approvals == (0,), "approved with 3 of 5")
    do(
        b,
        "Treasury.propose_spend",
        {"value": 100, "beneficiary": b.account("ferdie")},
        signed("ferdie"),
    )
    do(
        b,
        "Council.set_members",
        {"new_members": ids(b, "alice", "bob", "charlie", "dave"), "prime": None, "old_count": 5},
        root(),
    )
    reject = held("Treasury.reject_proposal", proposal_id=1)
    h = propose(b, "alice", reject, threshold=2)
    vote(b, "alice", h, 1, True)
    vote(b, "bob", h, 1, True)
    close(b, h, 1)
    check(b.last_events[-1].fields[-1] == ("result", "BadOrigin"), "2 of 4 is not more than half")
    h = propose(b, "alice", reject, threshold=3)
    for who in ("alice", "bob", "charlie"):
        vote(b, who, h, 2, True)
    close(b, h, 2)
    check(1 not in b.chain.treasury.proposals, "rejected with 3 of 4")
    b.observe("treasury")


@case(suite=SUITE, handler="collective", clauses=("COL-3", "COL-5", "COL-6"), block=1)
def technical_committee_motion(b: CaseBuilder) -> None:
    """The Technical Committee is a second instance with its own storage and codes: its motion
    index starts at 0 whatever the Council did, a Council member is `TechnicalCommittee.NotMember`,
    and its passed motion dispatches with a `TechnicalCommittee` origin, which the registry
    refuses (`Executed{BadOrigin}`)."""
    council_setup(b)
    propose(b, "alice", pruntime(1))
    h = propose(b, "dave", pruntime(1), instance=TC)
    vote(b, "alice", h, 0, True, instance=TC, outcome="TechnicalCommittee.NotMember")
    vote(b, "dave", h, 0, True, instance=TC)
    vote(b, "eve", h, 0, True, instance=TC)
    close(b, h, 0, instance=TC)
    check(
        b.last_events[-1].name == "TechnicalCommittee.Executed"
        and b.last_events[-1].fields[-1] == ("result", "BadOrigin"),
        "the registry wants the Council",
    )
    b.observe("collective", TC)


@case(suite=SUITE, handler="collective", clauses=("COL-3", "COL-5", "COL-6", "COL-12"), block=1)
def technical_committee_errors(b: CaseBuilder) -> None:
    """The Technical Committee's own error codes, in the same check order as the Council's:
    `DuplicateProposal`, `TooManyProposals`, `ProposalMissing`, `WrongIndex`, `DuplicateVote`,
    `TooEarly` and, from `set_members` by more than half of the Council,
    `PrimeAccountNotMember`."""
    council_setup(b)
    first = propose(b, "dave", pruntime(1), threshold=2, instance=TC)
    propose(b, "eve", pruntime(1), instance=TC, outcome="TechnicalCommittee.DuplicateProposal")
    for n in (2, 3, 4):
        propose(b, "eve", pruntime(n), instance=TC)
    propose(b, "eve", pruntime(5), instance=TC, outcome="TechnicalCommittee.TooManyProposals")
    vote(
        b,
        "dave",
        call_hash(pruntime(5)),
        0,
        True,
        instance=TC,
        outcome="TechnicalCommittee.ProposalMissing",
    )
    vote(b, "dave", first, 3, True, instance=TC, outcome="TechnicalCommittee.WrongIndex")
    vote(b, "dave", first, 0, True, instance=TC)
    vote(b, "dave", first, 0, True, instance=TC, outcome="TechnicalCommittee.DuplicateVote")
    close(b, first, 0, instance=TC, outcome="TechnicalCommittee.TooEarly")
    do(
        b,
        "TechnicalCommittee.set_members",
        {"new_members": ids(b, "dave"), "prime": b.account("eve"), "old_count": 2},
        collective(COUNCIL, 2, 3),
        outcome="TechnicalCommittee.PrimeAccountNotMember",
    )
    do(
        b,
        "TechnicalCommittee.set_members",
        {"new_members": ids(b, "dave"), "prime": b.account("dave"), "old_count": 2},
        collective(COUNCIL, 2, 3),
    )
    check(motion(b, first, TC).ayes == tuple(ids(b, "dave")), "dave stays, his aye too")
    b.observe("collective", TC)


@case(suite=SUITE, handler="collective", clauses=("COL-3", "COL-6", "COL-9"), block=1)
def length_bound_equal_to_the_length(b: CaseBuilder) -> None:
    """The length bound is an upper bound on the proposal's encoded length: a bound equal to the
    length is enough and one byte less is `WrongProposalLength`, when `close` approves a motion
    and when a member `execute`s a call."""
    council_setup(b)
    call = pruntime(1)
    length = len(decode_call(call).encoded)
    h = propose(b, "alice", call, length_bound=length)
    vote(b, "alice", h, 0, True)
    vote(b, "bob", h, 0, True)
    close(b, h, 0, outcome="Council.WrongProposalLength", length_bound=length - 1)
    close(b, h, 0, length_bound=length)
    check(b"pruntime-1" in b.chain.registry.pruntime_allowlist, "approved at the exact bound")
    transfer = held("Balances.transfer_keep_alive", dest=b.account("bob"), value=1)
    size = len(decode_call(transfer).encoded)
    do(
        b,
        "TechnicalCommittee.execute",
        {"proposal": transfer, "length_bound": size - 1},
        signed("dave"),
        outcome="TechnicalCommittee.WrongProposalLength",
    )
    do(
        b,
        "TechnicalCommittee.execute",
        {"proposal": transfer, "length_bound": size},
        signed("dave"),
    )
    check(event_names(b) == ["TechnicalCommittee.MemberExecuted"], "executed at the exact bound")


@case(suite=SUITE, handler="collective", clauses=("COL-7", "COL-6", "GEN-5"), block=1)
def more_than_majority_then_prime(b: CaseBuilder) -> None:
    """With the default vote `MoreThanMajorityThenPrimeDefaultVote`, 4 seats, threshold 4 and no
    prime, the abstentions of a motion closed after its end are ayes only when more than half
    of the seats voted aye: motion 0 (3 ayes, one abstention) closes `Closed{4, 0}` and is
    approved; motion 1 (exactly half, 2 ayes) gets its abstentions as nays, `Closed{2, 2}`,
    disapproved."""
    council_setup(
        b,
        members=("alice", "bob", "charlie", "dave"),
        council={"default_vote": "MoreThanMajorityThenPrimeDefaultVote"},
    )
    h0 = propose(b, "alice", pruntime(1), threshold=4)
    h1 = propose(b, "alice", pruntime(2), threshold=4)
    for who in ("alice", "bob", "charlie"):
        vote(b, who, h0, 0, True)
    for who in ("alice", "bob"):
        vote(b, who, h1, 1, True)
    b.next_block(number=1 + b.config.council.motion_duration)
    close(b, h0, 0)
    check(
        b.last_events[0].fields == (("proposal_hash", h0), ("yes", 4), ("no", 0)),
        "3 of 4 is more than half: the abstention is an aye",
    )
    close(b, h1, 1)
    check(
        b.last_events[0].fields == (("proposal_hash", h1), ("yes", 2), ("no", 2)),
        "2 of 4 is not more than half: the abstentions are nays",
    )
    check(event_names(b)[-1] == "Council.Disapproved", "disapproved")
    check(b.chain.registry.pruntime_allowlist == (b"pruntime-1",), "only motion 0 enacted")
