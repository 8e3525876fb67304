"""The Council's genesis and calls shared by the collective cases [COL-3]..[COL-13]."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, signed
from phala_spec.conformance.checks import do
from phala_spec.runtime.calls import decode_call

SUITE = "governance"
MINIMAL = ("minimal",)
BOTH = ("minimal", "phala")

COUNCIL = "Council"
TC = "TechnicalCommittee"
LONG = 10_000  # a length bound no held call here reaches

ADD_PRUNTIME = "PhalaRegistry.add_pruntime"


# --- Helpers --------------------------------------------------------------------------------


def held(name: str, **args: Any) -> dict[str, Any]:
    """A held call as plain data [CHAIN-12]."""
    return {"call": name, "args": args}


def call_hash(call: dict[str, Any]) -> bytes:
    return decode_call(call).hash


def pruntime(n: int) -> dict[str, Any]:
    """A registry call that needs root or more than half of the Council [REG-4] [COL-13]."""
    return held(ADD_PRUNTIME, pruntime_hash=b"pruntime-%d" % n)


def ids(b: CaseBuilder, *names: str) -> list[bytes]:
    return [b.account(n) for n in names]


def council_setup(
    b: CaseBuilder, members: Sequence[str] = ("alice", "bob", "charlie"), **config: Any
) -> None:
    b.genesis(
        governance={"council": list(members), "technical_committee": ["dave", "eve"]},
        config=config or None,
    )


def propose(
    b: CaseBuilder,
    who: str,
    call: dict[str, Any],
    threshold: int = 2,
    instance: str = COUNCIL,
    outcome: str = "ok",
    length_bound: int = LONG,
) -> bytes:
    do(
        b,
        f"{instance}.propose",
        {"threshold": threshold, "proposal": call, "length_bound": length_bound},
        signed(who),
        outcome=outcome,
    )
    return call_hash(call)


def vote(
    b: CaseBuilder,
    who: str,
    proposal: bytes,
    index: int,
    approve: bool,
    instance: str = COUNCIL,
    outcome: str = "ok",
) -> None:
    do(
        b,
        f"{instance}.vote",
        {"proposal": proposal, "index": index, "approve": approve},
        signed(who),
        outcome=outcome,
    )


def close(
    b: CaseBuilder,
    proposal: bytes,
    index: int,
    who: str = "ferdie",
    instance: str = COUNCIL,
    outcome: str = "ok",
    length_bound: int = LONG,
) -> None:
    do(
        b,
        f"{instance}.close",
        {"proposal_hash": proposal, "index": index, "length_bound": length_bound},
        signed(who),
        outcome=outcome,
    )


def motion(b: CaseBuilder, proposal: bytes, instance: str = COUNCIL) -> Any:
    col = b.chain.council if instance == COUNCIL else b.chain.technical_committee
    return col.voting.get(proposal)
