"""DCAP evidence under the test root CA through registration: a worker registered, and the
order of the registry's checks after verification [ATT-3] [ATT-30] [ATT-39] [REG-9].

The chain trusts the test root only with ``dcap_test_root`` set at genesis ([ATT-39]), which
every case here does except the one that shows it off. The evidence is the DCAP corpus's
default quote and collateral (``phala_spec.conformance.dcap_corpus``), with report data
that binds the registration info unless a case says otherwise.
"""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.dcap_corpus import (
    ISV_PROD_ID,
    ISV_SVN,
    MR_ENCLAVE,
    MR_SIGNER,
    NOW,
    RUNTIME_HASH,
    collateral,
    level,
    quote,
    sign_raw,
    tcb_info,
)
from phala_spec.conformance.suites.attestation.common import (
    BAD_DCAP,
    BAD_STATUS,
    BOTH_PRESETS,
    HANDLER,
    MINIMAL,
    REJECTED,
    SUITE,
    UNBOUND,
    E,
    info_object,
)
from phala_spec.conformance.suites.registry import (
    ADD_PRUNTIME,
    GENESIS,
    REGISTER,
    WORKER,
    pruntime_info,
)
from phala_spec.primitives.codec import blake2b_256

PARA_MISMATCH = E + "ParachainIdMismatch"
REVOKED = collateral(tcb_info([level(status="Revoked")]))  # a status the chain refuses [ATT-4]


def binding(info: dict[str, Any]) -> bytes:
    """Report data that binds a registration info: its BLAKE2b-256, then zeros [REG-8]."""
    return blake2b_256(info_object(info).encode()) + bytes(32)


def evidence(quote_bytes: bytes, collateral_bytes: bytes | None = None) -> dict[str, Any]:
    """DCAP evidence as call data [REG-9]; the corpus's default collateral unless given."""
    return {
        "kind": "SgxDcap",
        "quote": quote_bytes,
        "collateral": collateral() if collateral_bytes is None else collateral_bytes,
    }


def bound(info: dict[str, Any], **changes: Any) -> bytes:
    """The corpus quote whose report data binds ``info``."""
    return quote(report_data=binding(info), **changes)


def dcap_setup(
    b: CaseBuilder, *, trusted: bool = True, allowlist: tuple[bytes, ...] = (RUNTIME_HASH,)
) -> None:
    """Genesis with the test root trusted (or not) and ``allowlist`` as the pRuntime allowlist,
    then a block at the corpus instant."""
    b.genesis(
        config={"dcap_test_root": True} if trusted else None,
        registry={"genesis_hash_allowlist": [GENESIS], "pruntime_allowlist": list(allowlist)},
    )
    b.initialize_block(timestamp=NOW * 1000)


def register(b: CaseBuilder, info: dict[str, Any], att: dict[str, Any], outcome: str) -> None:
    do(b, REGISTER, {"pruntime_info": info, "attestation": att}, signed("alice"), outcome=outcome)


def expect_worker(b: CaseBuilder, level_: int) -> None:
    w = b.chain.registry.workers[WORKER.public]
    check(
        (w.attestation_provider, w.confidence_level) == ("Dcap", level_),
        f"provider Dcap, confidence {level_}",
    )


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-30", "ATT-39", "REG-9"))
def dcap_test_root_registers_a_worker(b: CaseBuilder) -> None:
    """With the test root trusted, a quote whose report data binds the info registers the
    worker: provider `Dcap`, confidence 1 (`UpToDate`). In the next block its TCB level is
    `ConfigurationNeeded` with an advisory outside the whitelist: the worker is updated to
    confidence 4."""
    dcap_setup(b)
    info = pruntime_info()
    register(b, info, evidence(bound(info)), "ok")
    expect_worker(b, 1)
    b.next_block()
    needed = tcb_info([level(status="ConfigurationNeeded", advisories=["INTEL-SA-00615"])])
    register(b, info, evidence(bound(info), collateral(needed)), "ok")
    expect_worker(b, 4)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=BOTH_PRESETS, clauses=("ATT-22", "ATT-39"))
def dcap_test_root_not_trusted_by_default(b: CaseBuilder) -> None:
    """Without the genesis override the chain trusts Intel's root alone: the same evidence is
    `InvalidDCAPQuote`."""
    dcap_setup(b, trusted=False)
    info = pruntime_info()
    register(b, info, evidence(bound(info)), BAD_DCAP)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-3", "ATT-39", "REG-9"))
def dcap_runtime_hash_is_big_endian(b: CaseBuilder) -> None:
    """The enclave's `isv_prod_id` is 0x0102 and `isv_svn` 0x0304. Allowlisted in the layout
    IAS uses (the quote's little-endian bytes `02 01 04 03`) the DCAP quote is
    `PRuntimeRejected`; once root allowlists the DCAP layout (big-endian, `01 02 03 04`) the
    worker registers."""
    as_quoted = ISV_PROD_ID.to_bytes(2, "little") + ISV_SVN.to_bytes(2, "little")
    little = MR_ENCLAVE + as_quoted + MR_SIGNER
    dcap_setup(b, allowlist=(little,))
    info = pruntime_info()
    register(b, info, evidence(bound(info)), REJECTED)
    do(b, ADD_PRUNTIME, {"pruntime_hash": RUNTIME_HASH}, root())
    register(b, info, evidence(bound(info)), "ok")
    expect_worker(b, 1)
    b.finalize_block()


# --- the order after verification, one adjacent pair at a time [REG-9] [ATT-30] ------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-20", "ATT-39", "REG-9"))
def dcap_precedence_quote_before_allowlist(b: CaseBuilder) -> None:
    """An enclave not allowlisted, whose ISV report signature is broken: `InvalidDCAPQuote`;
    properly signed: `PRuntimeRejected`."""
    dcap_setup(b, allowlist=())
    info = pruntime_info()
    broken = bound(info, isv_signature=sign_raw("someone-else", b"another message"))
    register(b, info, evidence(broken), BAD_DCAP)
    register(b, info, evidence(bound(info)), REJECTED)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-30", "ATT-39", "REG-9"))
def dcap_precedence_allowlist_before_user_data(b: CaseBuilder) -> None:
    """An enclave not allowlisted, whose report data binds nothing, at a TCB level the chain
    refuses (`Revoked`): `PRuntimeRejected`; once root allowlists it:
    `InvalidRuntimeInfoHash`. The status is graded after both ([ATT-30])."""
    dcap_setup(b, allowlist=())
    info = pruntime_info()
    unbound = evidence(quote(), REVOKED)
    register(b, info, unbound, REJECTED)
    do(b, ADD_PRUNTIME, {"pruntime_hash": RUNTIME_HASH}, root())
    register(b, info, unbound, UNBOUND)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-30", "ATT-39", "REG-9"))
def dcap_precedence_user_data_before_status(b: CaseBuilder) -> None:
    """Report data that binds nothing, at TCB level `Revoked`: `InvalidRuntimeInfoHash`;
    bound to the info: `InvalidQuoteStatus`."""
    dcap_setup(b)
    info = pruntime_info()
    register(b, info, evidence(quote(), REVOKED), UNBOUND)
    register(b, info, evidence(bound(info), REVOKED), BAD_STATUS)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-30", "ATT-39", "REG-10"))
def dcap_precedence_status_before_para_id(b: CaseBuilder) -> None:
    """An info with another para id, bound, at TCB level `Revoked`: `InvalidQuoteStatus`; at
    level `UpToDate`: `ParachainIdMismatch`."""
    dcap_setup(b)
    info = pruntime_info(para_id=1)
    register(b, info, evidence(bound(info), REVOKED), BAD_STATUS)
    register(b, info, evidence(bound(info)), PARA_MISMATCH)
    b.finalize_block()
