"""Authored refusals: the Phat governance calls' arguments past their kinds [VEC-28] [PHAT-12].

The system code is a `BoundedVec<u8, 2 MiB>` ([PHAT-12], [CHAIN-7]): a code one byte past
2 MiB is refused (the code of exactly 2 MiB is accepted by the ``phat`` suite's
``system_code_of_exactly_two_mib``). The runtime version is exactly a pair of u32s: a triple,
a single number in a list, and two bytes are refused, and the pair is accepted.
"""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, root
from phala_spec.conformance.checks import check
from phala_spec.pallets.phat import SYSTEM_CODE_LIMIT
from phala_spec.primitives.codec import blake2b_256

SUITE = "refusals"
MINIMAL = ("minimal",)
PC = "PhalaPhatContracts."


def governance_call(call: str, args: dict[str, Any]) -> dict[str, Any]:
    """A call step of ``PhalaPhatContracts`` from the root origin [PHAT-12]."""
    return {"kind": "call", "origin": root(), "call": PC + call, "args": args}


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("PHAT-12", "CHAIN-7"), block=1)
def system_code_past_two_mib(b: CaseBuilder) -> None:
    """The system code is at most 2 MiB, a bound of its type [PHAT-12]: a code of 2 MiB and
    one byte is refused and nothing waits for the next block; a short code is then accepted
    and installed when the next block opens."""
    b.refuse(governance_call("set_pink_system_code", {"code": bytes(SYSTEM_CODE_LIMIT + 1)}))
    code = b"phat refusals: the system contract"
    b.step(governance_call("set_pink_system_code", {"code": code}))
    b.expect_outcome("ok")
    b.next_block()
    check(
        b.chain.phat.pink_system_code_hash == blake2b_256(code)
        and b.chain.phat.pink_system_code_version == 1,
        "the short code installed, version 1",
    )


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("PHAT-12", "CHAIN-7"), block=1)
def runtime_version_not_a_pair(b: CaseBuilder) -> None:
    """The runtime version is exactly a pair `[major, minor]` of u32s [PHAT-12]: three
    numbers, one number, and two bytes (whose items would read as numbers) are refused;
    the pair `[1, 0]` is accepted and stored."""
    b.refuse(governance_call("set_pink_runtime_version", {"version": [1, 0, 0]}))
    b.step(governance_call("set_pink_runtime_version", {"version": [1, 0]}))
    b.expect_outcome("ok")
    check(b.chain.phat.pink_runtime_version == (1, 0), "the pair stored")
    b.refuse(governance_call("set_pink_runtime_version", {"version": [2]}))
    b.step(governance_call("set_pink_runtime_version", {"version": [2, 1]}))
    b.expect_outcome("ok")
    b.refuse(governance_call("set_pink_runtime_version", {"version": b"\x03\x00"}))
    b.step(governance_call("set_pink_runtime_version", {"version": [3, 0]}))
    b.expect_outcome("ok")
    check(b.chain.phat.pink_runtime_version == (3, 0), "the last pair stored")
