"""The attestation cases' error codes, runtimes and block and byte helpers [ATT-1]..[ATT-46]."""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder
from phala_spec.conformance.suites.registry import REGISTER
from phala_spec.runtime.calls import CALLS, decode_args

SUITE = "attestation"
HANDLER = "register_worker_v2"
MINIMAL = ("minimal",)
BOTH_PRESETS = ("minimal", "phala")

E = "PhalaRegistry."
REJECTED, OUTDATED, UNBOUND = (
    E + "PRuntimeRejected",
    E + "OutdatedIASReport",
    E + "InvalidRuntimeInfoHash",
)
BAD_CERT, BAD_REPORT, BAD_STATUS = (
    E + "InvalidIASSigningCert",
    E + "InvalidReport",
    E + "InvalidQuoteStatus",
)
BAD_DCAP, UNSUPPORTED = E + "InvalidDCAPQuote", E + "UnsupportedAttestationType"

SIM_RUNTIME = bytes(range(68))
SIM_RUNTIME2 = bytes(range(100, 168))


def info_object(args: dict[str, Any]) -> Any:
    """The ``WorkerRegistrationInfoV2`` of plain-data call arguments, as the chain decodes it."""
    return decode_args(CALLS[REGISTER], {"pruntime_info": args, "attestation": None})[
        "pruntime_info"
    ]


def at(b: CaseBuilder, seconds: int) -> None:
    """Open the next block at unix second ``seconds``."""
    b.finalize_block()
    b.initialize_block(timestamp=seconds * 1000)


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]
