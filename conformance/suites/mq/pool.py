"""The transaction pool's rule for relayed messages [MQ-17] [MQ-21], and relayers racing over
several blocks [MQ-10] [MQ-16] [MQ-23]."""

from __future__ import annotations

from collections.abc import Sequence

from phala_spec.chain.messages import GATEKEEPER, Message, pallet_origin
from phala_spec.conformance import relaying
from phala_spec.conformance.authoring import AuthoringError, CaseBuilder
from phala_spec.conformance.suites.mq.common import (
    BOTH_PRESETS,
    GK_EVENT,
    WORKER2_ORIGIN,
    WORKER_ORIGIN,
    Signer,
    expect_ingress,
    expect_outbound,
    msg,
    setup,
    signed_case,
    sync,
    watch,
)
from phala_spec.pallets.mq import sequence_tag
from phala_spec.runtime.views import observe

# --- The pool rule [MQ-17] [MQ-21] ----------------------------------------------------------


def pool(
    b: CaseBuilder,
    message: Message,
    sequence: int,
    signature: bytes | bool,
    validate: str,
    provides: Sequence[int],
    requires: Sequence[int],
    pre_dispatch: str,
) -> None:
    """Observe the pool rule for ``(message, sequence)`` and check it against the rule."""
    args = relaying.signed_message(message, sequence, signature)
    b.observe("mq_pool_validity", args)
    sender = message.sender
    want = {
        "validate": validate,
        "provides": [sequence_tag(sender, n) for n in provides],
        "requires": [sequence_tag(sender, n) for n in requires],
        "pre_dispatch": pre_dispatch,
    }
    got = observe(b.chain, "mq_pool_validity", [args])
    if got != want:
        raise AuthoringError(f"pool rule gives {got}, the rules give {want}")


@signed_case("pool_validity", ("MQ-17", "MQ-21"))
def pool_rule_orders_a_senders_messages(b: CaseBuilder, s: Signer) -> None:
    """Before anything is accepted, sequence 0 is ready (provides its tag), 2 is future in the
    pool (provides 2, requires 1) and rejected by pre-dispatch as `Future`; once 0 is accepted,
    0 is `Stale` in both forms and 1 is ready."""
    setup(b)
    message = msg(WORKER_ORIGIN)
    sig = s.signature(message, 0)
    pool(b, message, 0, sig, "valid", [0], [], "ok")
    pool(b, message, 1, sig, "valid", [1], [0], "Future")
    pool(b, message, 2, sig, "valid", [2], [1], "Future")
    sync(b, s, message, 0, signature=sig)
    pool(b, message, 0, sig, "Stale", [], [], "Stale")
    pool(b, message, 1, sig, "valid", [1], [], "ok")
    pool(b, message, 5, sig, "valid", [5], [4], "Future")


@signed_case("pool_validity", ("MQ-17", "MQ-21"))
def pool_rule_sees_only_the_sequence(b: CaseBuilder, s: Signer) -> None:
    """The pool rule reads nothing but the sender's expected sequence: a pallet sender, an
    invalid topic or a bad signature still make a valid transaction, which dispatch then rejects;
    tags of different senders differ."""
    setup(b)
    sender = pallet_origin("PhalaRegistry")
    pool(b, msg(sender), 0, True if s.setting == "oracle" else b"\x00" * 64, "valid", [0], [], "ok")
    pool(
        b,
        msg(WORKER_ORIGIN, b""),
        0,
        s.signature(msg(WORKER_ORIGIN), 0, valid=False),
        "valid",
        [0],
        [],
        "ok",
    )
    sync(b, s, msg(WORKER2_ORIGIN), 0)
    pool(b, msg(WORKER2_ORIGIN), 0, s.signature(msg(WORKER2_ORIGIN), 0), "Stale", [], [], "Stale")
    pool(b, msg(WORKER_ORIGIN), 0, s.signature(msg(WORKER_ORIGIN), 0), "valid", [0], [], "ok")


# --- Stories -----------------------------------------------------------------------------------


@signed_case("scenario", ("MQ-10", "MQ-16", "MQ-17", "MQ-23"), presets=BOTH_PRESETS)
def racing_relayers(b: CaseBuilder, s: Signer) -> None:
    """Two relayers submit the same gatekeeper egress stream over three blocks, as every
    gatekeeper replica's relayer would: each message is accepted exactly once, in sequence
    order, the duplicate is `PhalaMq.BadSequence`, and each block's outbound messages hold the
    messages accepted in it."""
    setup(b)
    stream = [msg(GATEKEEPER, GK_EVENT, bytes([n])) for n in range(4)]
    signatures = [s.signature(m, n) for n, m in enumerate(stream)]
    plan = [[0, 1], [2], [3]]
    for block_messages in plan:
        for n in block_messages:
            for relayer in ("alice", "bob"):
                outcome = "ok" if relayer == "alice" else "PhalaMq.BadSequence"
                sync(b, s, stream[n], n, signature=signatures[n], relayer=relayer, outcome=outcome)
        expect_outbound(b, [stream[n] for n in block_messages])
        b.finalize_block(observe=watch(GATEKEEPER))
        b.initialize_block()
    expect_ingress(b, GATEKEEPER, 4)
