"""The treasury: proposals, approvals, spend periods and burns [TRS-3]..[TRS-10] (handler
``treasury``), and the ``wiring`` story from a Council motion to a treasury spend."""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, collective, root, signed
from phala_spec.conformance.checks import check, do, event_names
from phala_spec.conformance.suites.governance_collective.common import (
    BOTH,
    COUNCIL,
    SUITE,
    TC,
    call_hash,
    close,
    held,
    propose,
    vote,
)
from phala_spec.pallets.governance.treasury import POT

# --- Treasury [TRS-3]..[TRS-10] -------------------------------------------------------------------


def fund_pot(b: CaseBuilder, amount: int, who: str = "foundation") -> None:
    do(b, "Balances.transfer_allow_death", {"dest": POT, "value": amount}, signed(who))


def treasury_setup(b: CaseBuilder, **treasury: Any) -> None:
    b.genesis(
        balances=[
            (n, 1_000) for n in ("alice", "bob", "charlie", "dave", "eve", "ferdie", "foundation")
        ],
        config={"treasury": treasury} if treasury else None,
    )


@case(
    suite=SUITE,
    handler="treasury",
    presets=(*BOTH, "khala"),
    clauses=("TRS-4", "TRS-5", "TRS-3"),
    block=1,
)
def propose_and_reject(b: CaseBuilder) -> None:
    """The bond is the larger of the minimum and 5% of the value; a proposer who cannot reserve
    it gets `InsufficientProposersBalance`. Rejection slashes the bond and burns it (Phala's
    `OnSlash` is `()`): `Balances.Slashed`, then `Rejected`, no `Treasury.Deposit`; the total
    issuance falls by the bond and the pot stays empty. Rejecting again gives `InvalidIndex`;
    a signed origin gets `BadOrigin`, even for an unknown index (the origin is checked
    first)."""
    cfg = b.config.treasury
    free = b.chain.system.accounts[b.account("alice")].data.free
    small, large = cfg.proposal_bond_minimum, 100 * cfg.proposal_bond_minimum
    do(
        b,
        "Treasury.propose_spend",
        {"value": small, "beneficiary": b.account("bob")},
        signed("alice"),
    )
    do(
        b,
        "Treasury.propose_spend",
        {"value": large, "beneficiary": b.account("bob")},
        signed("alice"),
    )
    proposals = b.chain.treasury.proposals
    check(
        proposals[0].bond == cfg.proposal_bond_minimum and proposals[1].bond == 5 * small,
        "the minimum, then 5% of 100 minimums",
    )
    do(
        b,
        "Treasury.propose_spend",
        {"value": 40 * free, "beneficiary": b.account("bob")},
        signed("alice"),
        outcome="Treasury.InsufficientProposersBalance",
    )
    do(b, "Treasury.reject_proposal", {"proposal_id": 9}, signed("alice"), outcome="BadOrigin")
    do(b, "Treasury.reject_proposal", {"proposal_id": 1}, signed("alice"), outcome="BadOrigin")
    issuance = b.chain.balances.total_issuance
    reserved = b.chain.system.accounts[b.account("alice")].data.reserved
    do(
        b,
        "Treasury.reject_proposal",
        {"proposal_id": 1},
        root(),
        events=["Balances.Slashed", "Treasury.Rejected"],
        observe=[("total_issuance",), ("balance", POT)],
    )
    check(
        b.chain.balances.total_issuance == issuance - 5 * small
        and POT not in b.chain.system.accounts
        and b.chain.system.accounts[b.account("alice")].data.reserved == reserved - 5 * small,
        "the bond (5% of 100 minimums) leaves alice's reserve and the issuance; the pot gets nothing",
    )
    do(b, "Treasury.reject_proposal", {"proposal_id": 1}, root(), outcome="Treasury.InvalidIndex")
    b.observe("treasury")
    b.observe("balance", b.account("alice"))


@case(suite=SUITE, handler="treasury", clauses=("TRS-6", "TRS-9"), block=1)
def spend_period_pays_in_order(b: CaseBuilder) -> None:
    """Pot 500 (spendable 490 above the existential deposit). Approved in order: 300, 400, 100.
    At the spend period 300 is paid, 400 is missed (190 left), 100 is paid; no burn since one
    was missed; the 400 stays approved and is paid at the next period once the pot is refilled.
    Approving an unknown index fails with `InvalidIndex`."""
    treasury_setup(b)
    fund_pot(b, 500)
    for value in (300, 400, 100):
        do(
            b,
            "Treasury.propose_spend",
            {"value": value, "beneficiary": b.account("eve")},
            signed("bob"),
        )
    for index in (0, 1, 2):
        do(b, "Treasury.approve_proposal", {"proposal_id": index}, root())
    do(b, "Treasury.approve_proposal", {"proposal_id": 7}, root(), outcome="Treasury.InvalidIndex")
    period = b.config.treasury.spend_period
    b.next_block(number=period)
    awarded = [e.fields[0][1] for e in b.last_events if e.name == "Treasury.Awarded"]
    check(awarded == [0, 2], "0 and 2 paid, 1 missed")
    check("Treasury.Burnt" not in event_names(b), "no burn when one was missed")
    check(b.chain.treasury.approvals == (1,), "1 stays approved")
    fund_pot(b, 400)
    b.next_block(number=2 * period)
    check(
        b.chain.treasury.approvals == ()
        and b.chain.system.accounts[b.account("eve")].data.free == 1_000 + 800,
        "all paid",
    )
    b.observe("treasury")
    b.observe("balance", POT)


@case(suite=SUITE, handler="treasury", clauses=("TRS-6", "TRS-9"), block=1)
def spend_period_of_one_block(b: CaseBuilder) -> None:
    """With a spend period of one block every block is a spend block (its number is a multiple
    of 1): a proposal approved in block 1 is paid when block 2 begins."""
    treasury_setup(b, spend_period=1)
    fund_pot(b, 500)
    do(b, "Treasury.propose_spend", {"value": 100, "beneficiary": b.account("eve")}, signed("bob"))
    do(b, "Treasury.approve_proposal", {"proposal_id": 0}, root())
    b.next_block(number=2)
    awarded = [e.fields[0][1] for e in b.last_events if e.name == "Treasury.Awarded"]
    check(awarded == [0], "paid at the next block")
    check(b.chain.system.accounts[b.account("eve")].data.free == 1_000 + 100, "eve paid")


@case(suite=SUITE, handler="treasury", clauses=("TRS-7", "TRS-8", "TRS-9", "TRS-10"), block=1)
def spend_remove_approval_and_burn(b: CaseBuilder) -> None:
    """With a 10% burn (an override; Phala burns nothing): `spend` queues a bond-less spend
    (`SpendApproved`), up to `MaxApprovals` (3 on minimal, then `TooManyApprovals`; approving
    checks the origin, then the index, then the room);
    `remove_approval` takes one out (`ProposalNotApproved` if absent); at the period the
    queued spends are paid, nothing is missed, and 10% of the rest is burnt, leaving the
    issuance. `UpdatedInactive` reports the pot whenever it changed."""
    treasury_setup(b, burn=100_000)
    fund_pot(b, 610)
    for value in (100, 200, 300):
        do(
            b,
            "Treasury.spend",
            {"amount": value, "beneficiary": b.account("dave")},
            collective(COUNCIL, 2, 3),
        )
    do(
        b,
        "Treasury.spend",
        {"amount": 1, "beneficiary": b.account("dave")},
        root(),
        outcome="Treasury.TooManyApprovals",
    )
    do(b, "Treasury.approve_proposal", {"proposal_id": 7}, signed("dave"), outcome="BadOrigin")
    do(b, "Treasury.approve_proposal", {"proposal_id": 7}, root(), outcome="Treasury.InvalidIndex")
    do(
        b,
        "Treasury.approve_proposal",
        {"proposal_id": 0},
        root(),
        outcome="Treasury.TooManyApprovals",
    )
    do(b, "Treasury.remove_approval", {"proposal_id": 1}, signed("dave"), outcome="BadOrigin")
    do(b, "Treasury.remove_approval", {"proposal_id": 1}, root())
    do(
        b,
        "Treasury.remove_approval",
        {"proposal_id": 1},
        root(),
        outcome="Treasury.ProposalNotApproved",
    )
    issuance = b.chain.balances.total_issuance
    b.next_block(number=b.config.treasury.spend_period)
    check(event_names(b)[0] == "Treasury.UpdatedInactive", "the pot changed since genesis")
    # spendable 600; pays 100 and 300; 200 left; burn 10% = 20
    check(b.chain.balances.total_issuance == issuance - 20, "20 burnt")
    check(b.last_events[-1].fields == (("rollover_balance", 180),), "180 rolls over")
    b.observe("treasury")
    b.observe("total_issuance")


@case(
    suite=SUITE,
    handler="wiring",
    clauses=("COL-6", "COL-10", "COL-13", "CHAIN-12", "DEM-15", "DEM-16", "TRS-7", "TRS-9"),
    block=1,
)
def council_referendum_treasury(b: CaseBuilder) -> None:
    """Governance end to end, through real motions. Three of the four councillors pass a motion
    that queues a simple-majority external proposal (Democracy needs at least 3/4 of the Council);
    both Technical Committee members pass a motion that fast-tracks it with a 2-block vote (2/3
    of the committee); bob votes aye; the referendum passes at block 3 and its call, a treasury
    spend, is enacted as root at block 4 (`SpendApproved`); at the spend period (block 8) the
    treasury pays ferdie."""
    people = ("alice", "bob", "charlie", "dave", "eve", "ferdie", "foundation")
    b.genesis(
        balances=[(n, 1_000) for n in people],
        governance={
            "council": ["alice", "bob", "charlie", "dave"],
            "technical_committee": ["eve", "ferdie"],
        },
    )
    fund_pot(b, 500)
    spend = held("Treasury.spend", amount=200, beneficiary=b.account("ferdie"))
    external = held("Democracy.external_propose_majority", proposal=spend)
    h = propose(b, "alice", external, threshold=3)
    for who in ("alice", "bob", "charlie"):
        vote(b, who, h, 0, True)
    close(b, h, 0)
    check(b.last_events[-1].fields[-1] == ("result", "ok"), "3 of 4 may queue it")
    fast = held("Democracy.fast_track", proposal_hash=call_hash(spend), voting_period=2, delay=0)
    h = propose(b, "eve", fast, instance=TC)
    vote(b, "eve", h, 0, True, instance=TC)
    vote(b, "ferdie", h, 0, True, instance=TC)
    close(b, h, 0, instance=TC)
    check(b.last_events[-1].fields[-1] == ("result", "ok"), "2 of 2 may fast-track it")
    do(
        b,
        "Democracy.vote",
        {
            "ref_index": 0,
            "vote": {"kind": "Standard", "aye": True, "conviction": 1, "balance": 100},
        },
        signed("bob"),
    )
    for number in (2, 3, 4):
        b.next_block(number=number)
    check(
        b.chain.treasury.approvals == (0,) and "Treasury.SpendApproved" in event_names(b),
        "the referendum enacted the spend at block 4",
    )
    free = b.chain.system.accounts[b.account("ferdie")].data.free
    b.next_block(number=b.config.treasury.spend_period)
    check(b.chain.system.accounts[b.account("ferdie")].data.free == free + 200, "ferdie paid")
    b.observe("treasury")
    b.observe("balance", b.account("ferdie"))


@case(suite=SUITE, handler="treasury", clauses=("TRS-6", "TRS-7", "TRS-9", "TRS-2"), block=1)
def exact_budget_and_the_spend_origins(b: CaseBuilder) -> None:
    """Approving a proposal takes root or three fifths of the Council: exactly half (1 of 2) is
    `BadOrigin`, 3 of 5 approves. `spend` takes root or more than half of the Council: a signed
    account is `BadOrigin`. A proposal of exactly the budget is paid: the pot holds 300 above
    the existential deposit, the approved 300 is awarded and nothing rolls over."""
    treasury_setup(b)
    ed = b.config.existential_deposit
    fund_pot(b, 300 + ed)
    do(
        b,
        "Treasury.propose_spend",
        {"value": 300, "beneficiary": b.account("bob")},
        signed("alice"),
    )
    do(
        b,
        "Treasury.approve_proposal",
        {"proposal_id": 0},
        collective(COUNCIL, 1, 2),
        outcome="BadOrigin",
    )
    do(b, "Treasury.approve_proposal", {"proposal_id": 0}, collective(COUNCIL, 3, 5))
    do(
        b,
        "Treasury.spend",
        {"amount": 5, "beneficiary": b.account("carol")},
        signed("alice"),
        outcome="BadOrigin",
    )
    bob = b.chain.system.accounts[b.account("bob")].data.free
    b.next_block(number=b.config.treasury.spend_period)
    check(
        b.chain.system.accounts[b.account("bob")].data.free == bob + 300,
        "the whole budget awarded",
    )
    check(b.chain.treasury.approvals == (), "nothing left to pay")
    check(b.chain.system.accounts[POT].data.free == ed, "the pot is down to the deposit")


@case(suite=SUITE, handler="treasury", clauses=("TRS-9", "TRS-10"), block=1)
def a_spend_period_of_zero_never_spends(b: CaseBuilder) -> None:
    """With `SpendPeriod` 0 there is no spend block: an approved proposal stays approved and
    unpaid block after block, while the inactive pot is still reported."""
    treasury_setup(b, spend_period=0)
    fund_pot(b, 500)
    do(b, "Treasury.spend", {"amount": 50, "beneficiary": b.account("bob")}, root())
    for number in (2, 8, 16):
        b.next_block(number=number)
    check(b.chain.treasury.approvals == (0,), "still approved, never paid")
