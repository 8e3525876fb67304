"""Sequential Phragmén in exact integer arithmetic, as ``sp-npos-elections`` runs it [ELE-8]..[ELE-10].

Scores and loads are rationals over one fixed denominator ``DEN = 2^128 - 1``
(production's ``Rational128`` with identical denominators), so they are
stored as their numerators and every addition saturates at ``2^128 - 1``.
Divisions round down. A candidate nobody approves scores "infinity" (a value
above every numerator), so it is picked only when every remaining candidate
has no approval.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ...primitives.arith import U128_MAX

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
    """The winners in the order they were elected, each with its backing (sum of edge weights)."""

    winners: tuple[tuple[bytes, int], ...]


def setup_edges(
    candidates: Sequence[bytes], voters: Sequence[PhragmenVoter]
) -> tuple[list[tuple[int, list[int]]], list[int]]:
    """``setup_inputs`` [ELE-8]: keep each voter's targets that are candidates (first occurrence only),
    drop voters left without any, and sum each candidate's approval stake (saturating)."""
    index = {c: i for i, c in enumerate(candidates)}
    approval = [0] * len(candidates)
    kept: list[tuple[int, list[int]]] = []
    for voter in voters:
        edges: list[int] = []
        for target in voter.targets:
            i = index.get(target)
            if i is None or i in edges:
                continue
            edges.append(i)
            approval[i] = min(approval[i] + voter.stake, U128_MAX)
        if edges:
            kept.append((voter.stake, edges))
    return kept, approval


def seq_phragmen(
    to_elect: int, candidates: Sequence[bytes], voters: Sequence[PhragmenVoter]
) -> ElectionResult:
    """Elect up to ``to_elect`` candidates one round at a time [ELE-9], then weigh the edges [ELE-10]."""
    kept, approval = setup_edges(candidates, voters)
    n = len(candidates)
    elected_round: list[int | None] = [None] * n
    loads = [0] * len(kept)
    edge_loads = [dict.fromkeys(edges, 0) for _, edges in kept]
    for round_ in range(min(to_elect, n)):
        score = [INFINITY if approval[c] == 0 else DEN // approval[c] for c in range(n)]
        for (budget, edges), load in zip(kept, loads, strict=True):
            for c in edges:
                if elected_round[c] is None and approval[c] > 0:
                    score[c] = min(U128_MAX, score[c] + load * budget // approval[c])
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
    for v, (budget, edges) in enumerate(kept):
        for c in edges:
            if elected_round[c] is not None and loads[v] > 0:
                weight = min(budget * edge_loads[v][c] // loads[v], U128_MAX)
                backed[c] = min(backed[c] + weight, U128_MAX)
    order = sorted((r, c) for c, r in enumerate(elected_round) if r is not None)
    return ElectionResult(tuple((candidates[c], backed[c]) for _, c in order))
