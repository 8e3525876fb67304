"""Production's IAS and DCAP evidence at block times around its validity: which check decides
and how far each lets the evidence go [ATT-1]..[ATT-38]."""

from __future__ import annotations

from importlib import resources
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import do
from phala_spec.conformance.suites.attestation.common import (
    BAD_CERT,
    BAD_DCAP,
    BOTH_PRESETS,
    HANDLER,
    MINIMAL,
    OUTDATED,
    REJECTED,
    SUITE,
    UNBOUND,
    UNSUPPORTED,
    at,
    flip,
)
from phala_spec.conformance.suites.registry import (
    ADD_PRUNTIME,
    REGISTER,
    REMOVE_PRUNTIME,
    ias_evidence,
    ias_facts,
    pruntime_info,
    setup,
)
from phala_spec.tee.dcap import (
    decode_collateral,
    extract_certs,
    parse_quote,
    parse_tcb_info,
    verify_dcap,
)
from phala_spec.tee.intel_roots import INTEL_IAS_REPORT_SIGNING_ROOT_PEM

# --- Real evidence ------------------------------------------------------------------------------


def _evidence_file(name: str) -> bytes:
    return (resources.files("phala_spec.conformance") / "evidence" / name).read_bytes()


def ias_cert_validity(sample: str) -> tuple[int, int]:
    """The signing certificate's notBefore and notAfter, unix seconds [ATT-7]."""
    cert = x509.load_der_x509_certificate(ias_evidence(sample)["raw_signing_cert"])
    return (int(cert.not_valid_before_utc.timestamp()), int(cert.not_valid_after_utc.timestamp()))


def dcap_evidence(
    *, quote: bytes | None = None, collateral: bytes | bool | None = True
) -> dict[str, Any]:
    """Production's DCAP sample as call data [REG-9]; ``collateral=None`` leaves it out."""
    raw = _evidence_file("dcap_collateral_sgxv30.scale")
    return {
        "kind": "SgxDcap",
        "quote": _evidence_file("dcap_quote_v3.bin") if quote is None else quote,
        "collateral": raw if collateral is True else collateral,
    }


DCAP_TIME = 1_699_301_000  # production verifies the sample at this time [ATT-34]


def dcap_facts() -> tuple[bytes, int, int]:
    """The DCAP sample's pRuntime hash, the TCB info's nextUpdate and the PCK leaf's notBefore."""
    ev = dcap_evidence()
    collateral = decode_collateral(ev["collateral"])
    report = verify_dcap(ev["quote"], collateral, DCAP_TIME)
    next_update = parse_tcb_info(collateral.tcb_info).next_update
    pck_leaf = extract_certs(parse_quote(ev["quote"]).cert_data, "PCK")[0]
    return report.runtime_hash, next_update, int(pck_leaf.not_valid_before_utc.timestamp())


@case(suite=SUITE, handler=HANDLER, presets=BOTH_PRESETS, clauses=("ATT-7", "ATT-12", "REG-9"))
def ias_crate_sample_precedence(b: CaseBuilder) -> None:
    """Production's crate IAS sample (status `GROUP_OUT_OF_DATE`, level 5) at its report time,
    with a wrong para id. Not allowlisted: `PRuntimeRejected`. Allowlisted: the report data
    binds another info, `InvalidRuntimeInfoHash`, still before the para id. 7200 s later and
    no longer allowlisted, the allowlist decides (`PRuntimeRejected` before `OutdatedIASReport`);
    allowlisted again, `OutdatedIASReport`."""
    when, runtime_hash = ias_facts("crate")
    setup(b, timestamp=when * 1000)
    args = {"pruntime_info": pruntime_info(para_id=1), "attestation": ias_evidence("crate")}
    do(b, REGISTER, args, signed("alice"), outcome=REJECTED)
    do(b, ADD_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    do(b, REGISTER, args, signed("alice"), outcome=UNBOUND)
    at(b, when + 7200)
    do(b, REMOVE_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    do(b, REGISTER, args, signed("alice"), outcome=REJECTED)
    do(b, ADD_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    do(b, REGISTER, args, signed("alice"), outcome=OUTDATED)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=BOTH_PRESETS, clauses=("ATT-7", "ATT-9", "ATT-12"))
def ias_report_from_the_future_is_fresh(b: CaseBuilder) -> None:
    """Production's pallet IAS sample eight hours before its report time (production's own
    test instant): a report dated after the block is fresh, so it passes freshness and fails
    on the binding (`InvalidRuntimeInfoHash`)."""
    when, runtime_hash = ias_facts("pallet")
    setup(b, timestamp=(when - 8 * 3600) * 1000, pruntime_allowlist=[runtime_hash])
    do(
        b,
        REGISTER,
        {"pruntime_info": pruntime_info(), "attestation": ias_evidence("pallet")},
        signed("alice"),
        outcome=UNBOUND,
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=BOTH_PRESETS, clauses=("ATT-7", "ATT-12"))
def ias_signing_certificate_expiry(b: CaseBuilder) -> None:
    """The signing certificate is checked at the block's time before any policy: at its
    notAfter instant (bounds inclusive) the stale sample is `OutdatedIASReport`; one second
    later `InvalidIASSigningCert`, although the pRuntime is not even allowlisted."""
    _, runtime_hash = ias_facts("crate")
    _, not_after = ias_cert_validity("crate")
    setup(b, timestamp=not_after * 1000, pruntime_allowlist=[runtime_hash])
    args = {"pruntime_info": pruntime_info(), "attestation": ias_evidence("crate")}
    do(b, REGISTER, args, signed("alice"), outcome=OUTDATED)
    at(b, not_after + 1)
    do(b, REMOVE_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    do(b, REGISTER, args, signed("alice"), outcome=BAD_CERT)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-5", "ATT-6", "ATT-7"))
def ias_tampered_or_garbled_evidence(b: CaseBuilder) -> None:
    """At the pallet sample's time, allowlisted, each alteration fails the signature and
    certificate check (`InvalidIASSigningCert`): a flipped signature bit; one changed byte of
    the report; a truncated signature; the crate sample's signature on the pallet report; the
    Intel root itself as signing certificate (the wrong key); a truncated certificate; a
    certificate with a trailing byte."""
    when, runtime_hash = ias_facts("pallet")
    setup(b, timestamp=(when + 60) * 1000, pruntime_allowlist=[runtime_hash])
    good = ias_evidence("pallet")
    root_der = x509.load_pem_x509_certificate(
        INTEL_IAS_REPORT_SIGNING_ROOT_PEM.encode()
    ).public_bytes(Encoding.DER)
    report = good["ra_report"]
    variants = [
        {"signature": flip(good["signature"], 17)},
        {"ra_report": flip(report, 40)},
        {"signature": good["signature"][:-1]},
        {"signature": ias_evidence("crate")["signature"]},
        {"raw_signing_cert": root_der},
        {"raw_signing_cert": good["raw_signing_cert"][:-10]},
        {"raw_signing_cert": good["raw_signing_cert"] + b"\x00"},
    ]
    for change in variants:
        do(
            b,
            REGISTER,
            {"pruntime_info": pruntime_info(), "attestation": {**good, **change}},
            signed("alice"),
            outcome=BAD_CERT,
        )
    b.finalize_block()


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=BOTH_PRESETS,
    clauses=("ATT-20", "ATT-30", "ATT-33", "REG-9"),
)
def dcap_sample_precedence(b: CaseBuilder) -> None:
    """Production's DCAP sample at production's test instant, with a wrong para id. Without
    collateral: `UnsupportedAttestationType`. Not allowlisted: `PRuntimeRejected`. Allowlisted:
    its report data ("Hello, world!") binds nothing, `InvalidRuntimeInfoHash`; the para id is
    never reached."""
    runtime_hash, _, _ = dcap_facts()
    setup(b, timestamp=DCAP_TIME * 1000)
    info = pruntime_info(para_id=1)
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": dcap_evidence(collateral=None)},
        signed("alice"),
        outcome=UNSUPPORTED,
    )
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": dcap_evidence()},
        signed("alice"),
        outcome=REJECTED,
    )
    do(b, ADD_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": dcap_evidence()},
        signed("alice"),
        outcome=UNBOUND,
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-27", "ATT-33"))
def dcap_validity_window(b: CaseBuilder) -> None:
    """DCAP has no report time; the collateral bounds its age. Allowlisted, the sample passes
    attestation (`InvalidRuntimeInfoHash`) at the TCB info's nextUpdate instant; one second
    later the TCB info has expired (`InvalidDCAPQuote`), even with the pRuntime removed from
    the allowlist, since the quote is verified first."""
    runtime_hash, next_update, _ = dcap_facts()
    setup(b, timestamp=next_update * 1000, pruntime_allowlist=[runtime_hash])
    args = {"pruntime_info": pruntime_info(), "attestation": dcap_evidence()}
    do(b, REGISTER, args, signed("alice"), outcome=UNBOUND)
    at(b, next_update + 1)
    do(b, REMOVE_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    do(b, REGISTER, args, signed("alice"), outcome=BAD_DCAP)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-28"))
def dcap_before_pck_certificate(b: CaseBuilder) -> None:
    """One second before the PCK certificate's notBefore the chain is not valid:
    `InvalidDCAPQuote`."""
    runtime_hash, _, not_before = dcap_facts()
    setup(b, timestamp=(not_before - 1) * 1000, pruntime_allowlist=[runtime_hash])
    do(
        b,
        REGISTER,
        {"pruntime_info": pruntime_info(), "attestation": dcap_evidence()},
        signed("alice"),
        outcome=BAD_DCAP,
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-23", "ATT-28", "ATT-31"))
def dcap_tampered_quote(b: CaseBuilder) -> None:
    """At the sample's instant, allowlisted: a flipped bit in the enclave's report data (the
    ISV report signature no longer verifies) and a quote cut after its report body are both
    `InvalidDCAPQuote`."""
    runtime_hash, _, _ = dcap_facts()
    setup(b, timestamp=DCAP_TIME * 1000, pruntime_allowlist=[runtime_hash])
    quote = dcap_evidence()["quote"]
    for bad in (flip(quote, 48 + 320), quote[: 48 + 384]):
        do(
            b,
            REGISTER,
            {"pruntime_info": pruntime_info(), "attestation": dcap_evidence(quote=bad)},
            signed("alice"),
            outcome=BAD_DCAP,
        )
    b.finalize_block()
