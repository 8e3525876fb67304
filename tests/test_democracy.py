"""Democracy and the scheduler [DEM-1]..[DEM-27] [SCH-1]..[SCH-4]: rules, the model, the proofs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

import phala_spec.pallets.governance.democracy as dem
from phala_spec.chain.democracy_state import Finished, PriorLock, Tally
from phala_spec.chain.state import BlockContext, ChainState, Events, Root, Signed
from phala_spec.conformance.schema import load_vector
from phala_spec.models.balances import InvariantViolation
from phala_spec.models.democracy import DemocracyMachine
from phala_spec.models.settings import profile
from phala_spec.pallets.governance import democracy_arithmetic, democracy_voting
from phala_spec.primitives.errors import InvalidInput, RuntimePanic
from phala_spec.proofs.obligations import PROVED, discover, prove_one, select
from phala_spec.runtime.block import apply_call, finalize_block, initialize_block
from phala_spec.runtime.genesis import dev_account, genesis

ALICE, BOB, CHARLIE = (dev_account(n) for n in ("alice", "bob", "charlie"))
# Finding a planted bug needs no shrinking.
FIND = settings(profile("ci"), max_examples=200, phases=[Phase.generate])


def rust_compare_rationals(n1: int, d1: int, n2: int, d2: int) -> int:
    """Production's continued-fraction ``compare_rationals``, transcribed: -1, 0 or 1."""
    while True:
        q1, q2 = n1 // d1, n2 // d2
        if q1 != q2:
            return -1 if q1 < q2 else 1
        r1, r2 = n1 % d1, n2 % d2
        if r2 == 0:
            return 0 if r1 == 0 else 1
        if r1 == 0:
            return -1
        n1, n2, d1, d2 = d2, d1, r2, r1


@given(
    st.integers(0, 2**128 - 1),
    st.integers(1, 2**64),
    st.integers(0, 2**128 - 1),
    st.integers(1, 2**64),
)
def test_compare_rationals_agrees_with_productions_loop(n1: int, d1: int, n2: int, d2: int) -> None:
    assert democracy_arithmetic.compare_rationals(n1, d1, n2, d2) == (
        rust_compare_rationals(n1, d1, n2, d2) < 0
    )


@pytest.mark.parametrize(
    ("threshold", "ayes", "nays", "turnout", "electorate", "passes"),
    [
        # Upstream's vote_threshold tests: 60 ayes / 50 nays, turnout 110 of 210.
        ("SuperMajorityApprove", 60, 50, 110, 210, False),
        ("SuperMajorityAgainst", 60, 50, 110, 210, True),
        ("SimpleMajority", 60, 50, 110, 210, True),
        # Equal ratios fail: 2/1 < 4/2 is false (isqrt(4) = 2, isqrt(1) = 1).
        ("SuperMajorityApprove", 4, 2, 1, 4, False),
        # No turnout never passes, not even a simple majority.
        ("SimpleMajority", 10, 0, 0, 100, False),
        # No turnout is checked first: no issuance then is no division by zero.
        ("SuperMajorityApprove", 0, 0, 0, 0, False),
        # A tiny turnout with only None-conviction votes: 0 ayes, 0 nays.
        ("SuperMajorityAgainst", 0, 0, 9, 100, False),
    ],
)
def test_thresholds(
    threshold: str, ayes: int, nays: int, turnout: int, electorate: int, passes: bool
) -> None:
    assert (
        democracy_arithmetic.approved(threshold, Tally(ayes, nays, turnout), electorate) is passes
    )


def test_turnout_is_not_monotone_for_super_majority_against() -> None:
    """[DEM-7]: 4 ayes against 2 nays pass with a turnout of 2, and fail once low-conviction
    votes raise the turnout to 100 without changing the sides."""
    assert democracy_arithmetic.approved("SuperMajorityAgainst", Tally(4, 2, 2), 2)
    assert not democracy_arithmetic.approved("SuperMajorityAgainst", Tally(4, 2, 100), 2)


def test_turnout_without_electorate_is_a_panic() -> None:
    with pytest.raises(RuntimePanic):
        democracy_arithmetic.approved("SuperMajorityAgainst", Tally(1, 0, 1), 0)
    assert democracy_arithmetic.approved("SimpleMajority", Tally(1, 0, 1), 0)


def test_conviction_table() -> None:
    assert [democracy_arithmetic.conviction_votes(c, 105).votes for c in range(7)] == [
        10,
        105,
        210,
        315,
        420,
        525,
        630,
    ]
    assert [democracy_arithmetic.lock_periods(c) for c in range(7)] == [0, 1, 2, 4, 8, 16, 32]
    assert democracy_arithmetic.conviction_votes(6, 2**128 - 1).votes == 2**128 - 1  # saturates
    # Phala: Locked6x locks for 32 x 57 600 blocks after the end.
    assert democracy_arithmetic.unlock_block(100, 57_600, 32) == 100 + 1_843_200
    assert democracy_arithmetic.unlock_block(2**32 - 5, 57_600, 1) == 2**32 - 1


def test_a_zero_launch_period_is_invalid_genesis() -> None:
    with pytest.raises(InvalidInput):
        genesis("minimal", {"config": {"democracy": {"launch_period": 0}}})


def test_enactment_task_name_is_the_encoded_pair() -> None:
    assert dem.enactment_task_name(258) == b"democrac\x02\x01\x00\x00" + bytes(20)


def _block(state: ChainState, number: int) -> ChainState:
    if state.system.in_block:
        state, _ = finalize_block(state)
    state, _ = initialize_block(state, BlockContext(number, number * 12_000))
    return state


def _do(state: ChainState, origin: Any, name: str, **args: Any) -> ChainState:
    result = apply_call(state, origin, name, args)
    assert result.outcome == "ok", result.outcome
    return result.state


def _transfer(value: int) -> dict[str, Any]:
    return {
        "call": "Balances.force_transfer",
        "args": {"source": ALICE, "dest": CHARLIE, "value": value},
    }


def _scenario(numbers: list[int]) -> ChainState:
    """Two public proposals, a vote, launches, a bake and an enactment, opening ``numbers`` in turn."""
    state = _block(genesis("minimal"), 1)
    state = _do(state, Signed(ALICE), "Democracy.propose", proposal=_transfer(7), value=10)
    state = _do(state, Signed(BOB), "Democracy.propose", proposal=_transfer(8), value=10)
    state = _block(state, 5)
    state = _do(
        state,
        Signed(BOB),
        "Democracy.vote",
        ref_index=0,
        vote={"kind": "Standard", "aye": True, "conviction": 1, "balance": 100},
    )
    for number in numbers:
        state = _block(state, number)
    return state


def test_a_gap_is_the_empty_blocks_it_stands_for() -> None:
    """[SCH-4]: skipping blocks gives the state that executing every empty block gives.

    Only the record of the block opened before the current one tells them apart [CHAIN-8].
    """
    stepped = _scenario(list(range(6, 21)))
    skipped = _scenario([20])
    assert (stepped.system.parent_number, skipped.system.parent_number) == (19, 5)
    assert stepped == attrs.evolve(skipped, system=attrs.evolve(skipped.system, parent_number=19))
    # Block 5 launched bob's proposal (a tie: the last maximal entry), block 10 alice's;
    # referendum 0 passed at 10 and was enacted at 13, referendum 1 had no votes.
    assert dict(skipped.democracy.referendum_info) == {
        0: Finished(True, 10),
        1: Finished(False, 15),
    }
    assert skipped.system.accounts[CHARLIE].data.free == 1_008
    assert skipped.democracy.lowest_unbaked == 2 and not skipped.scheduler.agenda


def test_launch_ties_go_to_the_last_maximal_entry_and_swap_remove() -> None:
    state = _block(genesis("minimal"), 1)
    for value, who in ((1, ALICE), (2, BOB), (3, CHARLIE)):
        state = _do(state, Signed(who), "Democracy.propose", proposal=_transfer(value), value=10)
    state, _ = dem.launch_next(state, 5)
    assert state.democracy.referendum_info[0].proposal.args["value"] == 3  # type: ignore[union-attr]
    state = _do(state, Root(), "Democracy.external_propose", proposal=_transfer(9))
    state, _ = dem.launch_next(state, 10)  # the last launch was public: external first
    assert state.democracy.last_tabled_was_external
    state = _do(state, Signed(ALICE), "Democracy.second", proposal=0)
    state, _ = dem.launch_next(state, 15)
    assert [p.index for p in state.democracy.public_props] == [1]


def test_democracy_model_holds_under_the_ci_profile() -> None:
    run_state_machine_as_test(DemocracyMachine, settings=profile("ci"))


def test_the_model_catches_an_early_unlock(monkeypatch: pytest.MonkeyPatch) -> None:
    # ``unlock`` calls the ``rejig`` its module imported [DEM-11]
    monkeypatch.setattr(democracy_voting, "rejig", lambda prior, now: PriorLock())
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(DemocracyMachine, settings=FIND)
    assert caught.value.invariant == "inv_DEM_11_locks_never_release_early"


def test_the_model_catches_lost_delegations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(democracy_voting, "tally_increase", lambda tally, aye, d: tally)
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(DemocracyMachine, settings=FIND)
    assert caught.value.invariant == "inv_DEM_9_tally_is_the_sum_of_votes"


def test_democracy_obligations_are_proved() -> None:
    obligations = select(discover(), "DEM-P")
    # the thirteen properties, and the four that pin each threshold kind's formula [DEM-7]
    assert {"DEM-P11a", "DEM-P11b", "DEM-P11c", "DEM-P12"} <= {ob.id for ob in obligations}
    assert len(obligations) == 17
    for ob in obligations:
        assert prove_one(ob).status == PROVED, ob.id


def test_every_democracy_error_is_reached_by_a_vector() -> None:
    """Each error code the democracy rules can give is the outcome of some governance vector."""
    folder = Path(__file__).resolve().parent.parent / "conformance" / "vectors"
    outcomes = {
        step["expect"]["outcome"]
        for path in folder.glob("*/governance/*/*.cbor")
        for step in load_vector(path)["steps"]
    }
    codes = {
        value
        for name, value in vars(dem).items()
        if name.isupper() and isinstance(value, str) and value.startswith("Democracy.")
    }
    assert len(codes) == 21
    assert codes <= outcomes, sorted(codes - outcomes)


def test_a_long_gap_costs_what_is_due_in_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """[SCH-4]: with nothing waiting, no launch block in the gap is visited, however long it is."""
    visited: list[int] = []
    real = dem.begin_block

    def counting(state: ChainState, now: int) -> tuple[ChainState, Events]:
        visited.append(now)
        return real(state, now)

    monkeypatch.setattr(dem, "begin_block", counting)
    state, _ = initialize_block(genesis("phala"), BlockContext(number=2**32 - 1, timestamp=12_000))
    assert visited == [2**32 - 1]
    assert state.system.parent_number == 0


def test_an_empty_launch_in_a_gap_still_resets_the_alternation() -> None:
    """[DEM-6]: the first launch block of a gap resets LastTabledWasExternal, as stepping does."""
    base = genesis("minimal")
    flagged = attrs.evolve(
        base, democracy=attrs.evolve(base.democracy, last_tabled_was_external=True)
    )
    period = base.config.democracy.launch_period
    stepped = flagged
    for number in range(1, 3 * period + 2):
        stepped, _ = initialize_block(
            stepped, BlockContext(number=number, timestamp=number * 12_000)
        )
        stepped, _ = finalize_block(stepped)
    skipped, _ = initialize_block(flagged, BlockContext(number=3 * period + 1, timestamp=12_000))
    skipped, _ = finalize_block(skipped)
    assert not stepped.democracy.last_tabled_was_external
    assert skipped.democracy == stepped.democracy
