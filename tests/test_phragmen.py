"""Sequential Phragmén [ELE-8]..[ELE-10] against an independent exact-rational version."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from phala_spec.pallets.governance.phragmen import PhragmenVoter, seq_phragmen, setup_edges


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
    the same order, and each backing is the exact one rounded down by less than one unit per
    edge [ELE-9] [ELE-10]. Stakes of at least 10 keep every score below one, far from the
    saturation of the next test."""
    to_elect, candidates, voters = case
    elected, backing, rounds = exact_phragmen(to_elect, candidates, voters)
    clear = all(len(r) < 2 or r[1] - r[0] > Fraction(1, 10**25) for r in rounds)
    result = seq_phragmen(to_elect, candidates, voters)
    got = [who for who, _ in result.winners]
    if clear:
        assert got == elected
    if got == elected:
        edges_of = {c: sum(1 for v in voters if c in v.targets) for c in elected}
        for who, backed in result.winners:
            assert 0 <= backing[who] - backed < edges_of[who] + 1


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
    assert kept == [(10, [0, 1]), (5, [0])]
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


def test_split_voter_rounding_of_the_upstream_example() -> None:
    """sp-npos-elections' ``phragmen_poc_works`` inputs (candidates 1, 2, 3; voters 10 -> [1, 2]
    stake 10, 20 -> [1, 3] stake 20, 30 -> [2, 3] stake 30; two seats). Candidate 3 is elected
    first with backing 20 + 15 = 35; candidate 2 then. Voter 30's two weights are each rounded
    down, so candidate 2's backing is 10 + 14 = 24, one below the exact 25 [ELE-10]."""
    c1, c2, c3 = NAMES[:3]
    voters = [
        PhragmenVoter(b"\x0a" * 32, 10, (c1, c2)),
        PhragmenVoter(b"\x14" * 32, 20, (c1, c3)),
        PhragmenVoter(b"\x1e" * 32, 30, (c2, c3)),
    ]
    result = seq_phragmen(2, [c1, c2, c3], voters)
    elected, backing, _ = exact_phragmen(2, [c1, c2, c3], voters)
    assert [w for w, _ in result.winners] == elected == [c3, c2]
    assert backing == {c3: 35, c2: 25}
    assert result.winners == ((c3, 35), (c2, 24))


def test_scores_saturate_at_the_largest_numerator() -> None:
    """With an approval of 1 a score is already DEN // 1 = 2^128 - 1, and adding the voter's load
    saturates: the second winner's edge load is then 0 and the whole budget backs the first
    (exactly it would be split in halves) [ELE-9] [ELE-10]."""
    a, b = NAMES[:2]
    result = seq_phragmen(2, [a, b], [PhragmenVoter(NAMES[5], 1, (a, b))])
    assert result.winners == ((a, 1), (b, 0))
    _, backing, _ = exact_phragmen(2, [a, b], [PhragmenVoter(NAMES[5], 1, (a, b))])
    assert backing == {a: Fraction(1, 2), b: Fraction(1, 2)}
