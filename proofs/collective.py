"""Collective and elections obligations [COL-6] [COL-7] [COL-10] [ELE-7].

They run the reference's own rules on Z3 integers: the close decision
(``phala_spec.pallets.governance.collective.close_decision``, which ``close`` calls), the
origin checks Phala uses (``proportion_at_least``, ``proportion_more_than``)
and the currency-to-vote conversion of the elections
(``phala_spec.pallets.governance.elections.to_vote`` / ``to_currency``).
"""

from __future__ import annotations

from typing import Any

import z3

from phala_spec.chain.state import CollectiveOrigin, Root
from phala_spec.pallets.governance.collective import (
    APPROVE,
    COUNCIL,
    DISAPPROVE,
    TECHNICAL_COMMITTEE,
    TOO_EARLY_DECISION,
    close_decision,
    proportion_at_least,
    proportion_more_than,
)
from phala_spec.pallets.governance.elections import to_currency, to_vote, vote_factor
from phala_spec.primitives.arith import U64_MAX, U128_MAX

from .obligations import Claim, obligation

# The proportions Phala's origins ask of the Council or the Technical Committee [COL-13].
AT_LEAST = ((1, 2), (3, 5), (2, 3), (3, 4), (1, 1))
MORE_THAN = ((1, 2),)


def _motion() -> tuple[tuple[z3.ArithRef, ...], z3.BoolRef, z3.BoolRef, list[z3.BoolRef]]:
    """A motion's counts with votes from members only (yes + no <= seats, [COL-11])."""
    yes, no, seats, threshold = z3.Ints("yes no seats threshold")
    ended, prime_aye = z3.Bools("ended prime_aye")
    given = [yes >= 0, no >= 0, threshold >= 0, yes + no <= seats, seats <= 100]
    return (yes, no, seats, threshold), ended, prime_aye, given


@obligation(
    id="COL-P1",
    clauses=("COL-6", "COL-10"),
    description="an approved motion dispatches with Members(yes, seats), yes at least its "
    "threshold and at most the seats; so a threshold meeting an origin's proportion of the "
    "seats always yields an origin that passes it",
)
def approved_motion_meets_its_threshold() -> Claim:
    (yes, no, seats, threshold), ended, prime_aye, given = _motion()
    decision, closed_yes, _ = close_decision(yes, no, seats, threshold, ended, prime_aye)
    # the origin's fields are typed for the chain; here they hold Z3 terms
    origin = CollectiveOrigin(COUNCIL, closed_yes, seats)  # type: ignore[arg-type]
    implied = [
        z3.Implies(threshold * d >= n * seats, proportion_at_least(origin, COUNCIL, n, d))
        for n, d in AT_LEAST
    ]
    implied += [
        z3.Implies(threshold * d > n * seats, proportion_more_than(origin, COUNCIL, n, d))
        for n, d in MORE_THAN
    ]
    return Claim(
        goal=z3.Implies(
            decision == APPROVE, z3.And(closed_yes >= threshold, closed_yes <= seats, *implied)
        ),
        given=tuple(given),
    )


@obligation(
    id="COL-P2",
    clauses=("COL-6", "COL-7"),
    description="after its end a motion always closes; when it was not decided early, Closed "
    "counts every seat (yes + no = seats) and the motion passes exactly when the prime voted aye",
)
def prime_decides_after_the_end() -> Claim:
    (yes, no, seats, threshold), ended, prime_aye, given = _motion()
    decision, closed_yes, closed_no = close_decision(yes, no, seats, threshold, ended, prime_aye)
    undecided = z3.And(yes < threshold, seats - no >= threshold)
    return Claim(
        goal=z3.And(
            z3.Implies(ended, decision != TOO_EARLY_DECISION),
            z3.Implies(
                z3.And(ended, undecided),
                z3.And(closed_yes + closed_no == seats, (decision == APPROVE) == prime_aye),
            ),
            z3.Implies(z3.Not(ended), (decision == TOO_EARLY_DECISION) == undecided),
        ),
        given=tuple(given),
    )


@obligation(
    id="COL-P3",
    clauses=("COL-6",),
    description="early decisions are final: a motion approved early would be approved after its "
    "end too, and one disapproved early would be disapproved whatever the prime did",
)
def early_decisions_agree_with_late_ones() -> Claim:
    (yes, no, seats, threshold), _, prime_aye, given = _motion()
    early, _, _ = close_decision(yes, no, seats, threshold, False, prime_aye)
    late, _, _ = close_decision(yes, no, seats, threshold, True, prime_aye)
    late_any_prime = [close_decision(yes, no, seats, threshold, True, p)[0] for p in (True, False)]
    return Claim(
        goal=z3.And(
            z3.Implies(early == APPROVE, late == APPROVE),
            z3.Implies(early == DISAPPROVE, z3.And(*(d == DISAPPROVE for d in late_any_prime))),
        ),
        given=tuple(given),
    )


@obligation(
    id="COL-P4",
    clauses=("COL-10",),
    description="the proportion origins are exactly their formulas: Members(yes, total) of the "
    "named collective passes at least n/d when yes*d >= n*total and more than n/d when "
    "yes*d > n*total; another collective's Members and root never pass",
)
def proportions_are_their_formulas() -> Claim:
    yes, total = z3.Ints("yes total")
    # the origin's fields are typed for the chain; here they hold Z3 terms
    origin = CollectiveOrigin(COUNCIL, yes, total)  # type: ignore[arg-type]
    other = CollectiveOrigin(TECHNICAL_COMMITTEE, yes, total)  # type: ignore[arg-type]
    facts: list[Any] = []  # the checks give plain bools on the wrong origins
    for n, d in (*AT_LEAST, *MORE_THAN):
        at_least = proportion_at_least(origin, COUNCIL, n, d)
        more_than = proportion_more_than(origin, COUNCIL, n, d)
        facts += [at_least == (yes * d >= n * total), more_than == (yes * d > n * total)]
        for wrong in (other, Root()):
            facts += [
                z3.Not(proportion_at_least(wrong, COUNCIL, n, d)),
                z3.Not(proportion_more_than(wrong, COUNCIL, n, d)),
            ]
    return Claim(goal=z3.And(*facts), given=(yes >= 0, total >= yes, total <= 100))


@obligation(
    id="ELE-P1",
    clauses=("ELE-7",),
    description="currency to vote and back never adds, and loses less than one factor while the "
    "vote weight does not saturate at 2^64 - 1: b - factor < to_currency(to_vote(b)) <= b",
)
def currency_to_vote_round_trip() -> Claim:
    balance, issuance = z3.Ints("balance issuance")
    back = to_currency(to_vote(balance, issuance), issuance)
    factor = vote_factor(issuance)
    return Claim(
        goal=z3.And(
            back <= balance, z3.Implies(balance / factor <= U64_MAX, balance - factor < back)
        ),
        given=(balance >= 0, balance <= issuance, issuance >= 0, issuance <= U128_MAX),
    )


@obligation(
    id="ELE-P2",
    clauses=("ELE-7",),
    description="the currency-to-vote factor is issuance / (2^64 - 1) rounded down, and 1 when "
    "that is 0",
)
def vote_factor_formula() -> Claim:
    issuance = z3.Int("issuance")
    factor = vote_factor(issuance)
    return Claim(
        goal=factor == z3.If(issuance < U64_MAX, 1, issuance / U64_MAX),
        given=(issuance >= 0, issuance <= U128_MAX),
    )
