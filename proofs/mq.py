"""Message-queue sequence obligations [MQ-4] [MQ-10] [MQ-17].

They run the reference's own sequence rules (``phala_spec.pallets.mq.accepts``,
``is_stale``, ``is_future`` and ``phala_spec.chain.messages.next_sequence``, the
functions ``sync_offchain_message``, the pool rule and the off-chain send
queues call) on Z3 integers bounded to u64, as production's sequences are.
"""

from __future__ import annotations

import z3

from phala_spec.chain.messages import next_sequence
from phala_spec.pallets.mq import accepts, is_future, is_stale
from phala_spec.primitives.arith import U64_MAX

from .obligations import Claim, obligation


def _u64(*names: str) -> tuple[list[z3.ArithRef], list[z3.BoolRef]]:
    terms = [z3.Int(name) for name in names]
    return terms, [z3.And(t >= 0, t <= U64_MAX) for t in terms]


@obligation(
    id="MQ-P1",
    clauses=("MQ-4", "MQ-10"),
    description="an accepted message raises the sender's ingress by exactly one, and the same "
    "sequence is never accepted again (it is stale from then on)",
)
def accepted_sequence_advances_by_one() -> Claim:
    (expected, sequence), bounds = _u64("expected", "sequence")
    after = next_sequence(expected)
    return Claim(
        goal=z3.And(
            after == expected + 1,
            z3.Not(accepts(after, sequence)),
            is_stale(after, sequence),
        ),
        given=(*bounds, expected < U64_MAX, accepts(expected, sequence)),
    )


@obligation(
    id="MQ-P2",
    clauses=("MQ-17", "MQ-10"),
    description="the pool rule is a trichotomy: every sequence is exactly one of stale, the "
    "accepted one, or future, and pre-dispatch admits exactly what the call accepts",
)
def pool_rule_trichotomy() -> Claim:
    (expected, sequence), bounds = _u64("expected", "sequence")
    stale, ok, future = (
        is_stale(expected, sequence),
        accepts(expected, sequence),
        is_future(expected, sequence),
    )
    exactly_one = z3.And(
        z3.Or(stale, ok, future),
        z3.Not(z3.And(stale, ok)),
        z3.Not(z3.And(stale, future)),
        z3.Not(z3.And(ok, future)),
    )
    return Claim(goal=exactly_one, given=tuple(bounds))


@obligation(
    id="MQ-P3",
    clauses=("MQ-4", "MQ-10"),
    description="after n acceptances starting from 0 the ingress is n: sequences are numbered "
    "0, 1, 2, ... with no gap (checked for three consecutive acceptances)",
)
def sequences_have_no_gaps() -> Claim:
    (s0, s1, s2), bounds = _u64("s0", "s1", "s2")
    e1 = next_sequence(0)
    e2 = next_sequence(e1)
    e3 = next_sequence(e2)
    return Claim(
        goal=z3.And(s0 == 0, s1 == 1, s2 == 2, e3 == 3),
        given=(*bounds, accepts(0, s0), accepts(e1, s1), accepts(e2, s2)),
    )
