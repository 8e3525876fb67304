"""Sequential Phragmén in exact integer arithmetic, as ``sp-npos-elections`` runs it [ELE-8]..[ELE-10].

Scores and loads are rationals over one fixed denominator ``DEN = 2^128 - 1``
(production's ``Rational128`` with identical denominators), so they are
stored as their numerators and every addition saturates at ``2^128 - 1``.
Divisions round down. A candidate nobody approves scores "infinity" (a value
above every numerator), so it is picked only when every remaining candidate
has no approval. After the rounds each voter's rounded-down edge weights are
normalised back to its whole budget with sp-arithmetic's ``normalize``
[ELE-18], and the backing follows [ELE-10].
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ...primitives.arith import U128_MAX
from ...primitives.errors import InvalidInput

DEN = U128_MAX
INFINITY = U128_MAX + 1  # Rational128::max_value() = MAX/1, above every n/DEN


@attrs.frozen
class PhragmenVoter:
    """A voter as the election sees it: who, budget (vote weight) and targets in the voter's order."""

    who: bytes
    stake: int
    targets: tuple[bytes, ...]


@attrs.frozen
class ElectionResult:
    """The winners in the order they were elected, each with its backing, and the voters that
    took part, each with its normalised edge weights ``(candidate, weight)`` in its edge
    order (the edges of weight 0 left out) [ELE-10]."""

    winners: tuple[tuple[bytes, int], ...]
    assignments: tuple[tuple[bytes, tuple[tuple[bytes, int], ...]], ...]


def setup_edges(
    candidates: Sequence[bytes], voters: Sequence[PhragmenVoter]
) -> tuple[list[tuple[PhragmenVoter, list[int]]], list[int]]:
    """``setup_inputs`` [ELE-8]: keep each voter's targets that are candidates (first occurrence only),
    drop voters left without any, and sum each candidate's approval stake (saturating)."""
    index = {c: i for i, c in enumerate(candidates)}
    approval = [0] * len(candidates)
    kept: list[tuple[PhragmenVoter, list[int]]] = []
    for voter in voters:
        edges: list[int] = []
        for target in voter.targets:
            i = index.get(target)
            if i is None or i in edges:
                continue
            edges.append(i)
            approval[i] = min(approval[i] + voter.stake, U128_MAX)
        if edges:
            kept.append((voter, edges))
    return kept, approval


def normalize(values: Sequence[int], target: int) -> tuple[int, ...]:
    """sp-arithmetic's ``normalize``: move ``values`` to sum to ``target``, keeping their order [ELE-18].

    The difference is split into ``diff // n`` per round and ``diff % n`` single units. To
    raise the sum, the smallest value is raised first (ties: the earlier one), moving on to
    the next smallest once a value reaches ``target // n``; to lower it, the largest is
    lowered first (ties: the later one), moving on to the next largest once a value is down
    to the smallest input, a value never going below 0. Values outside u128, or a sum
    outside it, are invalid input (production's error).
    """
    total = sum(values)
    if not 0 <= target <= U128_MAX or any(v < 0 for v in values) or total > U128_MAX:
        raise InvalidInput("normalize: the values and their sum must be u128")
    count = len(values)
    if count == 0 or total == target:
        return tuple(values)
    out = list(values)
    order = sorted(range(count), key=lambda i: values[i])  # stable, as Rust's sort_by_key
    per_round, leftover = divmod(abs(target - total), count)
    if target > total:
        threshold = target // count
        at = 0
        steps = [per_round] * count if per_round else []
        for step in (*steps, *[1] * leftover):
            out[order[at]] += step
            if out[order[at]] >= threshold:
                at = (at + 1) % count
        return tuple(out)
    threshold = values[order[0]]
    at = count - 1
    if per_round:
        for _ in range(count):
            i = order[at]
            if out[i] < per_round:
                leftover += per_round - out[i]
            out[i] = max(out[i] - per_round, 0)
            if out[i] <= threshold:
                at = at - 1 if at else count - 1
    while leftover:
        i = order[at]
        if out[i] > 0:
            out[i] -= 1
            leftover -= 1
            if out[i] > threshold:
                continue
        at = at - 1 if at else count - 1
    return tuple(out)


def seq_phragmen(
    to_elect: int, candidates: Sequence[bytes], voters: Sequence[PhragmenVoter]
) -> ElectionResult:
    """Elect up to ``to_elect`` candidates one round at a time [ELE-9], then weigh the edges,
    normalise each voter's weights to its budget and report the backing [ELE-10].

    Voters are taken in the order given (the pallet gives them in storage order [ELE-17]).
    """
    kept, approval = setup_edges(candidates, voters)
    n = len(candidates)
    elected_round: list[int | None] = [None] * n
    loads = [0] * len(kept)
    edge_loads = [dict.fromkeys(edges, 0) for _, edges in kept]
    for round_ in range(min(to_elect, n)):
        score = [INFINITY if approval[c] == 0 else DEN // approval[c] for c in range(n)]
        for (voter, edges), load in zip(kept, loads, strict=True):
            for c in edges:
                if elected_round[c] is None and approval[c] > 0:
                    score[c] = min(U128_MAX, score[c] + load * voter.stake // approval[c])
        open_ = [c for c in range(n) if elected_round[c] is None]
        winner = min(
            open_, key=lambda c: score[c]
        )  # min() keeps the first minimum, as Rust's min_by_key
        elected_round[winner] = round_
        for v, (_, edges) in enumerate(kept):
            if winner in edges:
                edge_loads[v][winner] = max(score[winner] - loads[v], 0)
                loads[v] = score[winner]
    backed = [0] * n
    assignments: list[tuple[bytes, tuple[tuple[bytes, int], ...]]] = []
    for v, (voter, edges) in enumerate(kept):
        weights = [
            min(voter.stake * edge_loads[v][c] // loads[v], U128_MAX)
            if elected_round[c] is not None and loads[v] > 0
            else 0
            for c in edges
        ]
        for c, weight in zip(edges, weights, strict=True):
            backed[c] = min(backed[c] + weight, U128_MAX)
        positive = [(c, w) for c, w in zip(edges, weights, strict=True) if w > 0]
        corrected = normalize([w for _, w in positive], voter.stake)
        for (c, weight), fixed in zip(positive, corrected, strict=True):
            backed[c] = min(max(backed[c] - weight, 0) + fixed, U128_MAX)
        edges_out = tuple((candidates[c], w) for (c, _), w in zip(positive, corrected, strict=True))
        if edges_out:
            assignments.append((voter.who, edges_out))
    order = sorted((r, c) for c, r in enumerate(elected_round) if r is not None)
    return ElectionResult(tuple((candidates[c], backed[c]) for _, c in order), tuple(assignments))
