"""Elections [ELE-1]..[ELE-18] and treasury [TRS-1]..[TRS-10] rules, one at a time."""

from __future__ import annotations

import attrs
import pytest

from phala_spec import dev_account
from phala_spec.chain.state import (
    BlockContext,
    ChainState,
    ElectionsVoter,
    Root,
    Signed,
    TreasuryProposal,
)
from phala_spec.pallets.governance.elections import (
    TOO_MANY_CANDIDATES,
    borda_prime,
    clean_defunct_voters,
    deposit_of,
    do_phragmen,
    submit_candidacy,
    to_currency,
    to_vote,
    vote_factor,
    voters_in_storage_order,
)
from phala_spec.pallets.governance.treasury import POT, calculate_bond, pot, spend_funds
from phala_spec.primitives.arith import U64_MAX
from phala_spec.primitives.codec import twox_64
from phala_spec.primitives.errors import DispatchError, InvalidInput
from phala_spec.runtime.genesis import UNIT, genesis

ALICE, BOB, CHARLIE = (dev_account(n) for n in ("alice", "bob", "charlie"))
PEOPLE = tuple(dev_account(n) for n in ("alice", "bob", "charlie", "dave", "eve", "ferdie"))
CTX = BlockContext(1, 12_000)


def test_currency_to_vote_scales_by_issuance() -> None:
    """factor = max(issuance // (2^64 - 1), 1): 54 for 10^9 PHA; on a small chain 1 [ELE-7]."""
    issuance = genesis("phala").balances.total_issuance
    assert issuance == 10**9 * UNIT
    assert vote_factor(issuance) == 54
    assert to_vote(1_000, issuance) == 1_000 // 54
    assert to_currency(to_vote(1_000, issuance), issuance) == 1_000 - 1_000 % 54
    assert vote_factor(10**6) == 1 and to_vote(2**70, 10**6) == U64_MAX
    assert to_currency(U64_MAX, 2**128 - 1) == 2**128 - 1


def test_voting_deposit_on_phala() -> None:
    """79 cents base plus 32 cents per vote [ELE-2] [ELE-4]."""
    state = genesis("phala")
    assert deposit_of(state, 0) == 790_000_000_000
    assert deposit_of(state, 16) == 790_000_000_000 + 16 * 320_000_000_000


def _with_voters(state: ChainState, voters: dict[bytes, ElectionsVoter]) -> ChainState:
    voting = state.elections.voting
    for who, voter in voters.items():
        voting = voting.set(who, voter)
    return attrs.evolve(state, elections=attrs.evolve(state.elections, voting=voting))


def test_borda_prime_weighs_positions_and_breaks_ties_upwards() -> None:
    """A target at position k scores stake * (16 - k); equal scores go to the highest id [ELE-16]."""
    state = genesis("minimal")
    low, high = sorted((ALICE, BOB))
    state = _with_voters(state, {CHARLIE: ElectionsVoter((low, high), 15, 0)})
    # low: 15 * 16 = 240, high: 15 * 15 = 225
    assert borda_prime(state, (low, high)) == low
    state = _with_voters(state, {ALICE: ElectionsVoter((high,), 1, 0)})
    # high: 225 + 16 = 241
    assert borda_prime(state, (low, high)) == high
    tied = _with_voters(
        genesis("minimal"),
        {CHARLIE: ElectionsVoter((low,), 15, 0), ALICE: ElectionsVoter((high,), 15, 0)},
    )
    assert borda_prime(tied, (low, high)) == high
    assert borda_prime(state, ()) is None


def test_voters_are_taken_in_storage_order() -> None:
    """Voters come in the order of their Twox64Concat keys: by the little-endian XXH64 of the
    account id, which for the dev accounts is not their id order [ELE-17] [CRYPTO-17]."""
    state = _with_voters(genesis("minimal"), {who: ElectionsVoter((who,), 1, 0) for who in PEOPLE})
    order = [who for who, _ in voters_in_storage_order(state)]
    hashes = [twox_64(who) for who in order]
    assert sorted(order) == sorted(PEOPLE) and hashes == sorted(hashes)
    assert order != sorted(PEOPLE)


def test_clean_defunct_voters_goes_by_storage_order() -> None:
    """With every voter defunct, ``num_voters = 2`` looks at the first two in storage order and
    ``num_defunct = 1`` removes the first of those: the smallest hash, not the smallest id
    [ELE-15] [ELE-17]."""
    gone = b"\x00" * 32  # no candidate, member or runner-up
    state = _with_voters(genesis("minimal"), {who: ElectionsVoter((gone,), 1, 0) for who in PEOPLE})
    by_hash = sorted(PEOPLE, key=twox_64)
    assert by_hash[0] != min(PEOPLE)
    after, _ = clean_defunct_voters(state, CTX, Root(), 2, 1)
    assert set(state.elections.voting) - set(after.elections.voting) == {by_hash[0]}
    after, _ = clean_defunct_voters(state, CTX, Root(), 2, 5)
    assert set(state.elections.voting) - set(after.elections.voting) == set(by_hash[:2])


def test_one_candidate_more_than_the_limit_gets_in() -> None:
    """The limit is checked as ``count <= MaxCandidates``: with 5 candidates (minimal's limit)
    a sixth is accepted, a seventh is not [ELE-6]."""
    accounts = [dev_account(f"c{i}") for i in range(7)]
    state = genesis("minimal", {"balances": [[who, 1_000] for who in accounts]})
    limit = state.config.elections.max_candidates
    assert len(accounts) == limit + 2
    for who in accounts[: limit + 1]:
        state, _ = submit_candidacy(state, CTX, Signed(who), limit + 2)
    assert len(state.elections.candidates) == limit + 1
    with pytest.raises(DispatchError) as err:
        submit_candidacy(state, CTX, Signed(accounts[-1]), limit + 2)
    assert err.value.code == TOO_MANY_CANDIDATES


def test_exactly_max_voters_still_elect() -> None:
    """``ElectionError`` needs more than ``MaxVoters`` voters: with exactly 8 (minimal) the
    election runs, with 9 it does not and nothing changes [ELE-14]."""
    state = genesis("minimal")
    limit = state.config.elections.max_voters
    voters = {dev_account(f"v{i}"): ElectionsVoter((ALICE,), 1, 0) for i in range(limit)}
    state = attrs.evolve(state, elections=attrs.evolve(state.elections, candidates=((ALICE, 0),)))
    state = _with_voters(state, voters)
    elected, events = do_phragmen(state)
    assert [e.name for e in events][-1] == "PhragmenElection.NewTerm"
    assert [m.who for m in elected.elections.members] == [ALICE]
    crowded = _with_voters(state, {BOB: ElectionsVoter((ALICE,), 1, 0)})
    after, events = do_phragmen(crowded)
    assert [e.name for e in events] == ["PhragmenElection.ElectionError"]
    assert after == crowded


def test_genesis_member_needs_its_stake() -> None:
    """A genesis member's stake may not exceed its free balance; at most DesiredMembers [ELE-3]."""
    with pytest.raises(InvalidInput):
        genesis("minimal", {"governance": {"elections_members": [["alice", 1_001]]}})
    with pytest.raises(InvalidInput):  # minimal seats two members
        genesis(
            "minimal",
            {"governance": {"elections_members": [["alice", 1], ["bob", 1], ["charlie", 1]]}},
        )
    state = genesis("minimal", {"governance": {"elections_members": [["alice", 1_000]]}})
    assert state.elections.voting[ALICE] == ElectionsVoter((ALICE,), 1_000, 0)
    assert state.council.members == (ALICE,)


def test_proposal_bond_rounds_to_nearest() -> None:
    """5% of 19 is 0.95, rounded to 1; the minimum wins below it; 5% of 10^6 is 50 000 [TRS-4]."""
    state = genesis("minimal", {"config": {"treasury": {"proposal_bond_minimum": 0}}})
    assert calculate_bond(state, 19) == 1
    assert calculate_bond(state, 10) == 0  # 0.5 rounds down (ties towards zero)
    assert calculate_bond(genesis("minimal"), 19) == 10
    assert calculate_bond(genesis("phala"), 10**6 * UNIT) == 50_000 * UNIT


def test_pot_account_is_the_pallet_id() -> None:
    """``modl`` ++ ``py/trsry``, zero-padded to 32 bytes [TRS-3]."""
    assert POT == b"modlpy/trsry" + b"\x00" * 20


def _pot_state(pot_free: int, approvals: list[int], burn: int = 0) -> ChainState:
    state = genesis(
        "minimal",
        {"balances": [["alice", 1_000], [POT, pot_free]], "config": {"treasury": {"burn": burn}}},
    )
    proposals = state.treasury.proposals
    for index, value in enumerate(approvals):
        proposals = proposals.set(index, TreasuryProposal(ALICE, value, BOB, 0))
    return attrs.evolve(
        state,
        treasury=attrs.evolve(
            state.treasury,
            proposals=proposals,
            approvals=tuple(range(len(approvals))),
            proposal_count=len(approvals),
        ),
    )


def test_spend_funds_skips_what_it_cannot_pay_and_burns_only_without_misses() -> None:
    """Budget 90 (pot 100, existential deposit 10): 50 paid, 60 missed, 40 paid; nothing burnt
    although the burn is 50%. Without a miss, half of the rest leaves the issuance [TRS-9]."""
    state = _pot_state(100, [50, 60, 40], burn=500_000)
    new, events = spend_funds(state)
    assert [e.name for e in events].count("Treasury.Awarded") == 2
    assert new.treasury.approvals == (1,)
    assert "Treasury.Burnt" not in [e.name for e in events]
    assert pot(new) == 0 and new.balances.total_issuance == state.balances.total_issuance
    state = _pot_state(100, [50], burn=500_000)
    new, events = spend_funds(state)
    assert dict(events[-1].fields) == {"rollover_balance": 20}
    assert new.balances.total_issuance == state.balances.total_issuance - 20
