"""Sequential Phragmén [ELE-8]..[ELE-10] against an independent exact-rational version, and
sp-arithmetic's normalisation [ELE-18]."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phala_spec.pallets.governance.phragmen import (
    PhragmenVoter,
    normalize,
    seq_phragmen,
    setup_edges,
)
from phala_spec.primitives.arith import U128_MAX
from phala_spec.primitives.errors import InvalidInput


def exact_phragmen(
    to_elect: int, candidates: list[bytes], voters: list[PhragmenVoter]
) -> tuple[list[bytes], dict[bytes, Fraction], list[list[Fraction]]]:
    """Phragmén's method with exact rationals, no rounding: winners in order, their backing,
    and each round's scores (to tell clear decisions from near ties)."""
    approval = {c: 0 for c in candidates}
    edges = []
    for v in voters:
        mine = []
        for t in v.targets:
            if t in approval and t not in mine:
                mine.append(t)
        if mine:
            edges.append((v.stake, mine))
            for t in mine:
                approval[t] += v.stake
    load = [Fraction(0)] * len(edges)
    edge_load: list[dict[bytes, Fraction]] = [{} for _ in edges]
    elected: list[bytes] = []
    rounds = []
    for _ in range(min(to_elect, len(candidates))):
        score = {}
        for c in candidates:
            if c in elected:
                continue
            if approval[c] == 0:
                score[c] = Fraction(10**60)
                continue
            score[c] = Fraction(1, approval[c]) + sum(
                (
                    load[i] * budget / approval[c]
                    for i, (budget, mine) in enumerate(edges)
                    if c in mine
                ),
                Fraction(0),
            )
        rounds.append(sorted(score.values()))
        winner = min(score, key=lambda c: score[c])
        elected.append(winner)
        for i, (_, mine) in enumerate(edges):
            if winner in mine:
                edge_load[i][winner] = score[winner] - load[i]
                load[i] = score[winner]
    backing = {c: Fraction(0) for c in elected}
    for i, (budget, mine) in enumerate(edges):
        for c in mine:
            if c in backing and load[i] > 0:
                backing[c] += budget * edge_load[i][c] / load[i]
    return elected, backing, rounds


NAMES = [bytes([i]) * 32 for i in range(1, 7)]


@st.composite
def elections(draw: st.DrawFn) -> tuple[int, list[bytes], list[PhragmenVoter]]:
    candidates = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    voters = [
        PhragmenVoter(
            bytes([100 + i]) * 32,
            draw(st.integers(10, 10**6)),
            tuple(draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4))),
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    return draw(st.integers(1, 5)), candidates, voters


@settings(max_examples=300, derandomize=True, deadline=None)
@given(elections())
def test_integer_phragmen_agrees_with_exact_rationals(
    case: tuple[int, list[bytes], list[PhragmenVoter]],
) -> None:
    """Where every round has a clear winner, the integer version elects the same candidates in
    the same order [ELE-9]. Each voter's weights are rounded down and then normalised: a voter
    loses less than one unit per elected edge to rounding and gets it back on its other edges,
    so a backing is off the exact one by less than the sum, over the voters naming it, of
    their numbers of elected edges [ELE-10]. Stakes of at least 10 keep every score below
    one, far from the saturation of the next test."""
    to_elect, candidates, voters = case
    elected, backing, rounds = exact_phragmen(to_elect, candidates, voters)
    clear = all(len(r) < 2 or r[1] - r[0] > Fraction(1, 10**25) for r in rounds)
    result = seq_phragmen(to_elect, candidates, voters)
    got = [who for who, _ in result.winners]
    if clear:
        assert got == elected
    if got == elected:
        reach = dict.fromkeys(elected, 0)
        for v in voters:
            named = {t for t in v.targets if t in reach}
            for c in named:
                reach[c] += len(named)
        for who, backed in result.winners:
            assert abs(backing[who] - backed) < reach[who] or backing[who] == backed


@settings(max_examples=300, derandomize=True, deadline=None)
@given(elections())
def test_normalised_weights_add_up_to_each_budget(
    case: tuple[int, list[bytes], list[PhragmenVoter]],
) -> None:
    """After normalisation every voter left with an edge spends exactly its budget, on elected
    candidates only, so the winners' backings add up to those voters' budgets [ELE-10]."""
    to_elect, candidates, voters = case
    result = seq_phragmen(to_elect, candidates, voters)
    budget = {v.who: v.stake for v in voters}
    winners = {who for who, _ in result.winners}
    for who, edges in result.assignments:
        assert sum(w for _, w in edges) == budget[who]
        assert all(w > 0 and c in winners for c, w in edges)
    assert sum(b for _, b in result.winners) == sum(budget[w] for w, _ in result.assignments)


def test_setup_drops_unknown_and_duplicate_targets() -> None:
    """Targets that are not candidates are ignored, duplicates count once, voters left with
    nothing do not take part, approvals add up [ELE-8]."""
    a, b, c = NAMES[:3]
    voters = [
        PhragmenVoter(NAMES[5], 10, (a, a, c, b)),
        PhragmenVoter(NAMES[4], 7, (c,)),
        PhragmenVoter(NAMES[3], 5, (a,)),
    ]
    kept, approval = setup_edges([a, b], voters)
    assert kept == [(voters[0], [0, 1]), (voters[2], [0])]
    assert approval == [15, 10]


def test_ties_go_to_the_first_candidate() -> None:
    """Equal scores: Rust's min_by_key keeps the first candidate in candidate order [ELE-9]."""
    a, b = NAMES[:2]
    voters = [PhragmenVoter(NAMES[5], 10, (b,)), PhragmenVoter(NAMES[4], 10, (a,))]
    assert [w for w, _ in seq_phragmen(1, [b, a], voters).winners] == [b]
    assert [w for w, _ in seq_phragmen(1, [a, b], voters).winners] == [a]


def test_unapproved_candidate_is_elected_last_with_no_backing() -> None:
    """A candidate nobody approves scores infinity: elected only when nothing else is left, with
    zero backing (the pallet then drops it) [ELE-9] [ELE-14]."""
    a, b = NAMES[:2]
    result = seq_phragmen(2, [a, b], [PhragmenVoter(NAMES[5], 10, (b,))])
    assert result.winners == ((b, 10), (a, 0))


def test_upstream_phragmen_core_poc_works() -> None:
    """sp-npos-elections' ``phragmen_core_poc_works`` (and ``phragmen_poc_works``): candidates
    1, 2, 3; voters 10 -> [1, 2] stake 10, 20 -> [1, 3] stake 20, 30 -> [2, 3] stake 30; two
    seats. Upstream expects the voters' edges (10: [(2, 10)], 20: [(3, 20)], 30: [(2, 15),
    (3, 15)]) and candidate 3 elected in round 0 backed by 35, candidate 2 in round 1 backed
    by 25. Voter 30's weights round down to 14 and 15; normalised to its budget the smaller
    gains the unit, so candidate 2 has 25, not 24 [ELE-10] [ELE-18]."""
    c1, c2, c3 = NAMES[:3]
    v10, v20, v30 = (bytes([n]) * 32 for n in (10, 20, 30))
    voters = [
        PhragmenVoter(v10, 10, (c1, c2)),
        PhragmenVoter(v20, 20, (c1, c3)),
        PhragmenVoter(v30, 30, (c2, c3)),
    ]
    result = seq_phragmen(2, [c1, c2, c3], voters)
    assert result.assignments == (
        (v10, ((c2, 10),)),
        (v20, ((c3, 20),)),
        (v30, ((c2, 15), (c3, 15))),
    )
    assert result.winners == ((c3, 35), (c2, 25))
    elected, backing, _ = exact_phragmen(2, [c1, c2, c3], voters)
    assert [w for w, _ in result.winners] == elected
    assert backing == {c3: 35, c2: 25}


def test_a_share_rounded_to_zero_is_not_given_back() -> None:
    """Edges of weight 0 are dropped before normalising, so a voter whose every share rounds
    down to 0 backs nobody: with a budget of 1 split between two winners both shares are 0 and
    only the other voters' budgets back them [ELE-10]."""
    a, b = NAMES[:2]
    split, for_a, for_b = NAMES[5], NAMES[4], NAMES[3]
    voters = [
        PhragmenVoter(split, 1, (a, b)),
        PhragmenVoter(for_a, 10, (a,)),
        PhragmenVoter(for_b, 10, (b,)),
    ]
    result = seq_phragmen(2, [a, b], voters)
    assert dict(result.winners) == {a: 10, b: 10}
    assert split not in dict(result.assignments)


def test_scores_saturate_at_the_largest_numerator() -> None:
    """With an approval of 1 a score is already DEN // 1 = 2^128 - 1, and adding the voter's load
    saturates: the second winner's edge load is then 0 and the whole budget backs the first
    (exactly it would be split in halves) [ELE-9] [ELE-10]."""
    a, b = NAMES[:2]
    result = seq_phragmen(2, [a, b], [PhragmenVoter(NAMES[5], 1, (a, b))])
    assert result.winners == ((a, 1), (b, 0))
    _, backing, _ = exact_phragmen(2, [a, b], [PhragmenVoter(NAMES[5], 1, (a, b))])
    assert backing == {a: Fraction(1, 2), b: Fraction(1, 2)}


@pytest.mark.parametrize(
    ("values", "target", "expected"),
    [
        # raising: the smallest first, moving on at target // n
        ([8, 9, 7, 10], 40, [10, 10, 10, 10]),
        ([7, 7, 7, 7], 40, [10, 10, 10, 10]),
        ([7, 7, 7, 10], 40, [11, 11, 8, 10]),
        ([7, 8, 7, 10], 40, [11, 8, 11, 10]),
        ([7, 7, 8, 10], 40, [11, 11, 8, 10]),
        ([8, 11, 9, 10], 40, [10, 11, 9, 10]),
        ([10, 7, 10, 10], 40, [10, 10, 10, 10]),
        ([10, 10, 10, 7], 40, [10, 10, 10, 10]),
        # lowering: the largest first (the later on a tie), moving on at the smallest input
        ([12, 11, 13, 10], 40, [10, 10, 10, 10]),
        ([13, 13, 13, 13], 40, [10, 10, 10, 10]),
        ([13, 13, 13, 10], 40, [12, 9, 9, 10]),
        ([13, 12, 13, 10], 40, [9, 12, 9, 10]),
        ([13, 13, 12, 10], 40, [9, 9, 12, 10]),
    ],
)
def test_normalize_matches_sp_arithmetic(
    values: list[int], target: int, expected: list[int]
) -> None:
    """The expectations of sp-arithmetic's own ``normalize`` tests [ELE-18]."""
    assert list(normalize(values, target)) == expected


@given(st.lists(st.integers(0, 10**6), max_size=8), st.integers(0, 10**7))
def test_normalize_reaches_the_target(values: list[int], target: int) -> None:
    """Any list reaches its target; a list already there, or empty, is unchanged; raising only
    adds and lowering only takes away, never below 0 [ELE-18]."""
    out = normalize(values, target)
    assert len(out) == len(values)
    if not values:
        assert out == ()
        return
    assert sum(out) == target
    if sum(values) == target:
        assert list(out) == values
    elif sum(values) < target:
        assert all(o >= v for o, v in zip(out, values, strict=True))
    else:
        assert all(0 <= o <= v for o, v in zip(out, values, strict=True))


def test_normalize_rejects_a_sum_beyond_u128() -> None:
    """sp-arithmetic refuses values whose sum does not fit in u128 [ELE-18]."""
    with pytest.raises(InvalidInput):
        normalize([U128_MAX, 1], 5)
