"""Democracy's calls, blocks and the independent statements of its rules (thresholds, tallies)
shared by the democracy cases [DEM-7] [DEM-15] [DEM-16]."""

from __future__ import annotations

from fractions import Fraction
from math import isqrt
from typing import Any

from phala_spec.chain.democracy_state import Finished, Ongoing, Tally
from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    account_id,
    default_randomness,
    root,
)
from phala_spec.conformance.checks import check
from phala_spec.runtime.calls import decode_call
from phala_spec.steps import apply_step

SUITE = "governance"
BOTH_PRESETS = ("minimal", "phala")

PROPOSE = "Democracy.propose"
SECOND = "Democracy.second"
VOTE = "Democracy.vote"
DELEGATE = "Democracy.delegate"
UNDELEGATE = "Democracy.undelegate"
EXTERNAL = "Democracy.external_propose"
EXTERNAL_MAJORITY = "Democracy.external_propose_majority"
EXTERNAL_DEFAULT = "Democracy.external_propose_default"
FAST_TRACK = "Democracy.fast_track"
VETO = "Democracy.veto_external"
REMOVE_VOTE = "Democracy.remove_vote"
REMOVE_OTHER = "Democracy.remove_other_vote"
UNLOCK = "Democracy.unlock"


# --- Helpers ------------------------------------------------------------------------------


def run(b: CaseBuilder, step: dict[str, Any]) -> list[dict[str, Any]]:
    """Record a step and return its events (plain data), as a runner will see them."""
    report = apply_step(b.state, step).report()
    b.step(step)
    events: list[dict[str, Any]] = report["events"]
    return events


def dem(
    b: CaseBuilder, name: str, args: dict[str, Any], origin: dict[str, Any], outcome: str = "ok"
) -> list[dict[str, Any]]:
    """Apply a call, check its outcome (a rejection must leave the state as it was); its events."""
    before = b.chain
    events = run(b, {"kind": "call", "origin": origin, "call": name, "args": args})
    b.expect_outcome(outcome)
    if outcome != "ok":
        check(b.chain == before, f"{name} rejected with {outcome} changes nothing")
    return events


def transfer(dest: str, value: int, source: str = "alice") -> dict[str, Any]:
    """A held ``Balances.force_transfer`` (root only): what the referenda below enact."""
    return {
        "call": "Balances.force_transfer",
        "args": {"source": account_id(source), "dest": account_id(dest), "value": value},
    }


def call_hash(call: dict[str, Any]) -> bytes:
    return decode_call(call).hash


def standard(aye: bool, conviction: int, balance: int) -> dict[str, Any]:
    return {"kind": "Standard", "aye": aye, "conviction": conviction, "balance": balance}


def split(aye: int, nay: int) -> dict[str, Any]:
    return {"kind": "Split", "aye": aye, "nay": nay}


def at(b: CaseBuilder, number: int) -> list[dict[str, Any]]:
    """Close the open block (if any), open block ``number`` (12 s per block); its events."""
    if b.chain.system.in_block:
        b.finalize_block()
    return run(
        b,
        {
            "kind": "initialize_block",
            "number": number,
            "timestamp": number * b.config.block_time_ms,
            "randomness": default_randomness(number),
        },
    )


def names(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events]


def ongoing(b: CaseBuilder, index: int) -> Ongoing:
    info = b.chain.democracy.referendum_info.get(index)
    if not isinstance(info, Ongoing):
        raise AuthoringError(f"referendum {index} should be ongoing, it is {info!r}")
    return info


def finished(b: CaseBuilder, index: int) -> bool:
    info = b.chain.democracy.referendum_info.get(index)
    if not isinstance(info, Finished):
        raise AuthoringError(f"referendum {index} should be finished, it is {info!r}")
    return info.approved


def passes(threshold: str, tally: Tally, electorate: int) -> bool:
    """[DEM-7] with Python fractions: the independent statement of the thresholds."""
    sv, se = isqrt(tally.turnout), isqrt(electorate)
    if sv == 0:
        return False
    if threshold == "SuperMajorityApprove":
        return Fraction(tally.nays, sv) < Fraction(tally.ayes, se)
    if threshold == "SuperMajorityAgainst":
        return Fraction(tally.nays, se) < Fraction(tally.ayes, sv)
    return tally.ayes > tally.nays


def instant_referendum(
    b: CaseBuilder,
    call: dict[str, Any],
    voting_period: int,
    delay: int = 0,
    kind: str = EXTERNAL_MAJORITY,
) -> int:
    """Root queues ``call`` as a simple-majority external proposal and fast-tracks it [DEM-15] [DEM-16]."""
    dem(b, kind, {"proposal": call}, root())
    dem(
        b,
        FAST_TRACK,
        {"proposal_hash": call_hash(call), "voting_period": voting_period, "delay": delay},
        root(),
    )
    return b.chain.democracy.referendum_count - 1


def lock_of(b: CaseBuilder, who: str) -> int:
    for lock in b.chain.balances.locks.get(b.account(who), ()):
        if lock.id == b"democrac":
            return lock.amount
    return 0


def reserved(b: CaseBuilder, who: str) -> int:
    data = b.chain.system.accounts.get(b.account(who))
    return 0 if data is None else data.data.reserved
