"""Authored refusals: democracy's inputs an implementation must refuse [VEC-28] [DEM-2] [DEM-8].

A conviction is an integer in 0..6 ([DEM-8]): a vote or a delegation with conviction 7 is
refused, and one with conviction 6 is valid input. The launch period is at least 1 ([DEM-2]):
a genesis with a launch period of 0 is refused, and one of exactly 1 loads and launches every
block.
"""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, signed

SUITE = "refusals"
MINIMAL = ("minimal",)


def vote(conviction: Any, ref_index: int = 0) -> dict[str, Any]:
    """Alice's ``Democracy.vote`` step: aye, 10 at ``conviction`` [DEM-8]."""
    standard = {"kind": "Standard", "aye": True, "conviction": conviction, "balance": 10}
    return {
        "kind": "call",
        "origin": signed("alice"),
        "call": "Democracy.vote",
        "args": {"ref_index": ref_index, "vote": standard},
    }


def delegate(b: CaseBuilder, conviction: Any) -> dict[str, Any]:
    """Alice's ``Democracy.delegate`` step: 10 to bob at ``conviction`` [DEM-12]."""
    return {
        "kind": "call",
        "origin": signed("alice"),
        "call": "Democracy.delegate",
        "args": {"to": b.account("bob"), "conviction": conviction, "balance": 10},
    }


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("DEM-8", "DEM-12", "CHAIN-7"), block=1)
def conviction_past_six(b: CaseBuilder) -> None:
    """A conviction is an integer in 0..6 [DEM-8]: a vote and a delegation with conviction 7
    are refused. A vote with conviction 6 is valid input (no referendum exists, so it fails
    with `ReferendumInvalid`), and so is a delegation with conviction 6."""
    b.refuse(vote(7))
    b.step(vote(6))
    b.expect_outcome("Democracy.ReferendumInvalid")
    b.refuse(delegate(b, 7))
    b.step(delegate(b, 6))
    b.expect_outcome("ok")
    b.observe("balance", b.account("alice"))


@case(suite=SUITE, handler="genesis_config", presets=MINIMAL, clauses=("GEN-5", "DEM-2"))
def genesis_launch_period_of_zero(b: CaseBuilder) -> None:
    """The launch period is at least 1: production divides the block number by it [DEM-2]. A
    genesis with a launch period of 0 is refused (1 is valid:
    `governance/launch/launch_period_of_one`)."""
    b.refuse_genesis({"config": {"democracy": {"launch_period": 0}}})


@case(suite="governance", handler="launch", presets=MINIMAL, clauses=("DEM-2", "DEM-6"))
def launch_period_of_one(b: CaseBuilder) -> None:
    """A launch period of exactly 1 is valid [DEM-2]: every block number is a multiple of it,
    so democracy tries to launch in every block [DEM-6]; with both queues empty nothing
    launches. The genesis on this bound loads and its first blocks run."""
    b.genesis(config={"democracy": {"launch_period": 1}})
    for number in (1, 2):
        b.initialize_block(number=number, timestamp=12_000 * number)
        b.finalize_block()
    b.observe("democracy")
