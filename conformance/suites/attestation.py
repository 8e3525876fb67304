"""Authored vectors for attestation through ``register_worker_v2`` [ATT-1]..[ATT-46].

Real evidence: production's two public IAS samples and its DCAP v3 sample with
its ``SgxV30`` collateral, shipped under ``conformance/evidence/``, submitted at
block times around their own validity. Their report data binds a registration
info no vector can reproduce, so they never register a worker: they show how
far each check lets them go (``InvalidRuntimeInfoHash`` once everything else
passes) and which check decides when several fail. The instants come from the
evidence itself (report time, certificate and TCB-info validity), read when
the vectors are generated.

Simulated evidence ([ATT-40]..[ATT-46], reference only: production has no
such provider) registers workers for real on the ``minimal`` preset, and is
refused on ``phala`` and ``khala``. Its signature is the test authority's
Ed25519 signature under the reference profile, so these vectors have the
``real`` crypto setting [VEC-7].

Codes no vector reaches: ``BadIASReport`` and ``UnknownQuoteBodyFormat`` are
checked after Intel's signature [ATT-7], which no evidence but Intel's own can
pass; the IAS checks after the signature are tested against a throw-away CA in
``tests/test_attestation_ias.py``. ``InvalidReport`` and ``InvalidQuoteStatus``
are reached here through the simulated provider, which shares those checks
[ATT-43] [ATT-45].
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.suites.registry import (
    ADD_PRUNTIME,
    REGISTER,
    REMOVE_PRUNTIME,
    WORKER,
    WORKER2,
    call,
    expect,
    ias_evidence,
    ias_facts,
    pruntime_info,
    setup,
)
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.runtime.calls import CALLS, decode_args
from phala_spec.tee.attestation import confidence_level
from phala_spec.tee.dcap import (
    decode_collateral,
    extract_certs,
    parse_quote,
    parse_tcb_info,
    verify_dcap,
)
from phala_spec.tee.intel_roots import INTEL_IAS_REPORT_SIGNING_ROOT_PEM
from phala_spec.tee.simulated import simulated_attestation_for

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


def at(b: CaseBuilder, seconds: int) -> None:
    """Open the next block at unix second ``seconds``."""
    b.finalize_block()
    b.initialize_block(timestamp=seconds * 1000)


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]


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
    call(b, REGISTER, args, signed("alice"), outcome=REJECTED)
    call(b, ADD_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    call(b, REGISTER, args, signed("alice"), outcome=UNBOUND)
    at(b, when + 7200)
    call(b, REMOVE_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    call(b, REGISTER, args, signed("alice"), outcome=REJECTED)
    call(b, ADD_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    call(b, REGISTER, args, signed("alice"), outcome=OUTDATED)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=BOTH_PRESETS, clauses=("ATT-7", "ATT-9", "ATT-12"))
def ias_report_from_the_future_is_fresh(b: CaseBuilder) -> None:
    """Production's pallet IAS sample eight hours before its report time (production's own
    test instant): a report dated after the block is fresh, so it passes freshness and fails
    on the binding (`InvalidRuntimeInfoHash`)."""
    when, runtime_hash = ias_facts("pallet")
    setup(b, timestamp=(when - 8 * 3600) * 1000, pruntime_allowlist=[runtime_hash])
    call(
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
    call(b, REGISTER, args, signed("alice"), outcome=OUTDATED)
    at(b, not_after + 1)
    call(b, REMOVE_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    call(b, REGISTER, args, signed("alice"), outcome=BAD_CERT)
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
        call(
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
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": dcap_evidence(collateral=None)},
        signed("alice"),
        outcome=UNSUPPORTED,
    )
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": dcap_evidence()},
        signed("alice"),
        outcome=REJECTED,
    )
    call(b, ADD_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    call(
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
    call(b, REGISTER, args, signed("alice"), outcome=UNBOUND)
    at(b, next_update + 1)
    call(b, REMOVE_PRUNTIME, {"pruntime_hash": runtime_hash}, root())
    call(b, REGISTER, args, signed("alice"), outcome=BAD_DCAP)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-28"))
def dcap_before_pck_certificate(b: CaseBuilder) -> None:
    """One second before the PCK certificate's notBefore the chain is not valid:
    `InvalidDCAPQuote`."""
    runtime_hash, _, not_before = dcap_facts()
    setup(b, timestamp=(not_before - 1) * 1000, pruntime_allowlist=[runtime_hash])
    call(
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
        call(
            b,
            REGISTER,
            {"pruntime_info": pruntime_info(), "attestation": dcap_evidence(quote=bad)},
            signed("alice"),
            outcome=BAD_DCAP,
        )
    b.finalize_block()


# --- Simulated evidence [ATT-40]..[ATT-46] ----------------------------------------------------


def info_object(args: dict[str, Any]) -> Any:
    """The ``WorkerRegistrationInfoV2`` of plain-data call arguments, as the chain decodes it."""
    return decode_args(CALLS[REGISTER], {"pruntime_info": args, "attestation": None})[
        "pruntime_info"
    ]


def simulated(
    info: dict[str, Any], timestamp: int, runtime: bytes = SIM_RUNTIME, **kw: Any
) -> dict[str, Any]:
    """Simulated evidence for a plain-data registration info [ATT-46], as call data."""
    att = simulated_attestation_for(info_object(info), runtime, timestamp, **kw)
    return {"kind": "Simulated", "report": att.report, "signature": att.signature}


def now_s(b: CaseBuilder) -> int:
    return b.chain.system.block.timestamp // 1000


SIM_TIME = 1_700_000_000  # a block time (unix seconds) far enough from 0 for stale reports


def sim_setup(b: CaseBuilder, timestamp: int = SIM_TIME * 1000, **registry: Any) -> None:
    registry.setdefault("pruntime_allowlist", [SIM_RUNTIME])
    setup(b, timestamp, **registry)


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=MINIMAL,
    clauses=("ATT-40", "ATT-44", "ATT-46", "REG-11"),
    crypto="real",
)
def simulated_register_and_refresh(b: CaseBuilder) -> None:
    """A worker registers with simulated evidence (status `OK`): `WorkerAdded`, provider
    `Simulated`, confidence 1. In the next block it registers again with another ECDH key and
    status `GROUP_OUT_OF_DATE` (level 5): `WorkerUpdated`, confidence 5, the ECDH key and the
    initial score unchanged."""
    sim_setup(b)
    info = pruntime_info()
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
    )
    w = b.chain.registry.workers[WORKER.public]
    expect(
        (w.attestation_provider, w.confidence_level) == ("Simulated", 1),
        "provider Simulated, level 1",
    )
    b.finalize_block()
    b.initialize_block()
    again = pruntime_info(ecdh=b"\x09" * 32, version=2)
    call(
        b,
        REGISTER,
        {
            "pruntime_info": again,
            "attestation": simulated(again, now_s(b), status="GROUP_OUT_OF_DATE"),
        },
        signed("alice"),
    )
    after = b.chain.registry.workers[WORKER.public]
    expect(
        (after.confidence_level, after.ecdh_pubkey, after.initial_score, after.runtime_version)
        == (5, w.ecdh_pubkey, w.initial_score, 2),
        "level 5, ECDH key and score kept",
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-4", "ATT-43"), crypto="real")
def simulated_confidence_levels(b: CaseBuilder) -> None:
    """Statuses go through the confidence table in both spellings: `SWHardeningNeeded` 2;
    `CONFIGURATION_NEEDED` with whitelisted advisories 3, with `INTEL-SA-00615` 4;
    `OutOfDateConfigurationNeeded` 5; `GROUP_REVOKED` is `InvalidQuoteStatus`."""
    sim_setup(b)
    cases = [
        ("SWHardeningNeeded", ()),
        ("CONFIGURATION_NEEDED", ("INTEL-SA-00334", "INTEL-SA-00219")),
        ("CONFIGURATION_NEEDED", ("INTEL-SA-00334", "INTEL-SA-00615")),
        ("OutOfDateConfigurationNeeded", ()),
    ]
    for i, (status, advisories) in enumerate(cases):
        key = dev_keypair(f"attestation/level-worker{i}").public
        info = pruntime_info(key)
        call(
            b,
            REGISTER,
            {
                "pruntime_info": info,
                "attestation": simulated(info, now_s(b), status=status, advisory_ids=advisories),
            },
            signed("alice"),
        )
        expect(
            b.chain.registry.workers[key].confidence_level == confidence_level(status, advisories),
            f"the table's level for {status}",
        )
    info = pruntime_info(WORKER2.public)
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b), status="GROUP_REVOKED")},
        signed("alice"),
        outcome=BAD_STATUS,
    )
    b.finalize_block()


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=MINIMAL,
    clauses=("ATT-41", "ATT-42", "ATT-43", "ATT-44", "REG-9", "REG-10"),
    crypto="real",
)
def simulated_rejections_in_order(b: CaseBuilder) -> None:
    """Evidence that fails every check, with a wrong para id, is repaired one check at a time;
    each step shows the next check's code: signed by another key (`InvalidIASSigningCert`),
    a report with a trailing byte (`InvalidReport`), status `BOGUS` (`InvalidQuoteStatus`), a
    pRuntime not allowlisted (`PRuntimeRejected`), 7200 s old (`OutdatedIASReport`), report
    data binding another info (`InvalidRuntimeInfoHash`), then attestation passes and the para
    id fails (`ParachainIdMismatch`). Nothing changes."""
    sim_setup(b)
    info = pruntime_info(para_id=1)
    now = now_s(b)
    other = dict(info, machine_id=b"another machine")
    mallory = dev_keypair("mallory")
    bad: dict[str, Any] = {"runtime": SIM_RUNTIME2, "timestamp": now - 7200}
    steps: list[tuple[dict[str, Any], str]] = [
        (simulated(other, status="BOGUS", authority=mallory, **bad), BAD_CERT),
        (_trailing_byte(simulated(other, status="BOGUS", **bad)), BAD_REPORT),
        (simulated(other, status="BOGUS", **bad), BAD_STATUS),
        (simulated(other, **bad), REJECTED),
        (simulated(other, now - 7200), OUTDATED),
        (simulated(other, now), UNBOUND),
        (simulated(info, now), E + "ParachainIdMismatch"),
    ]
    for evidence, outcome in steps:
        call(
            b,
            REGISTER,
            {"pruntime_info": info, "attestation": evidence},
            signed("alice"),
            outcome=outcome,
        )
    b.finalize_block()


def _trailing_byte(evidence: dict[str, Any]) -> dict[str, Any]:
    """The same report with one byte appended, signed again by the authority [ATT-42]."""
    from phala_spec.tee.simulated import sign_report

    report = evidence["report"] + b"\x00"
    return {**evidence, "report": report, "signature": sign_report(report)}


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=MINIMAL,
    clauses=("ATT-5", "ATT-42", "ATT-43"),
    crypto="real",
)
def simulated_garbled_and_tampered(b: CaseBuilder) -> None:
    """A flipped signature bit, a 63-byte signature and a report byte changed after signing
    are `InvalidIASSigningCert`; an authority-signed empty report and one cut inside its
    status are `InvalidReport`."""
    from phala_spec.tee.simulated import sign_report

    sim_setup(b)
    info = pruntime_info()
    good = simulated(info, now_s(b))
    for change, outcome in (
        ({"signature": flip(good["signature"], 0)}, BAD_CERT),
        ({"signature": good["signature"][:63]}, BAD_CERT),
        ({"report": flip(good["report"], 70)}, BAD_CERT),
        ({"report": b"", "signature": sign_report(b"")}, BAD_REPORT),
        (
            {"report": good["report"][:-2], "signature": sign_report(good["report"][:-2])},
            BAD_REPORT,
        ),
    ):
        call(
            b,
            REGISTER,
            {"pruntime_info": info, "attestation": {**good, **change}},
            signed("alice"),
            outcome=outcome,
        )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-44",), crypto="real")
def simulated_freshness_bounds(b: CaseBuilder) -> None:
    """A report 7199 s old registers; 7200 s old is `OutdatedIASReport`; one dated an hour
    after the block is fresh and registers."""
    sim_setup(b)
    now = now_s(b)
    info = pruntime_info()
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now - 7200)},
        signed("alice"),
        outcome=OUTDATED,
    )
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now - 7199)},
        signed("alice"),
    )
    info2 = pruntime_info(WORKER2.public)
    call(
        b,
        REGISTER,
        {"pruntime_info": info2, "attestation": simulated(info2, now + 3600)},
        signed("alice"),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-44", "REG-5"), crypto="real")
def simulated_deallowlisted_runtime(b: CaseBuilder) -> None:
    """A worker registers; governance removes its pRuntime from the allowlist; registering
    again is `PRuntimeRejected` and leaves the record as it was; the council adds it back and
    the refresh succeeds."""
    sim_setup(b)
    info = pruntime_info()
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
    )
    call(b, REMOVE_PRUNTIME, {"pruntime_hash": SIM_RUNTIME}, root())
    b.finalize_block()
    b.initialize_block()
    before = b.chain.registry.workers[WORKER.public]
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
        outcome=REJECTED,
    )
    expect(b.chain.registry.workers[WORKER.public] == before, "the record unchanged")
    call(b, ADD_PRUNTIME, {"pruntime_hash": SIM_RUNTIME}, root())
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-44", "REG-2"), crypto="real")
def simulated_without_pruntime_verification(b: CaseBuilder) -> None:
    """With `verify_pruntime` off, a pRuntime absent from the allowlist registers; freshness
    and binding still apply (`OutdatedIASReport`)."""
    b.genesis(
        config={"verify_pruntime": False},
        registry={"genesis_hash_allowlist": [pruntime_info()["genesis_block_hash"]]},
    )
    b.initialize_block(timestamp=SIM_TIME * 1000)
    info = pruntime_info()
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b) - 7200, SIM_RUNTIME2)},
        signed("alice"),
        outcome=OUTDATED,
    )
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b), SIM_RUNTIME2)},
        signed("alice"),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=("phala", "khala"), clauses=("ATT-40",), crypto="real")
def simulated_refused_on_production(b: CaseBuilder) -> None:
    """Production chains have no simulated provider: valid, bound, allowlisted evidence is
    `UnsupportedAttestationType`, and so is garbage."""
    sim_setup(b)
    info = pruntime_info(para_id=b.config.parachain_id)
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
        outcome=UNSUPPORTED,
    )
    call(
        b,
        REGISTER,
        {
            "pruntime_info": info,
            "attestation": {"kind": "Simulated", "report": b"", "signature": b""},
        },
        signed("alice"),
        outcome=UNSUPPORTED,
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-40", "GEN-3"), crypto="real")
def simulated_switched_off_at_genesis(b: CaseBuilder) -> None:
    """On `minimal` with `simulated_attestation` overridden to false, valid evidence is
    `UnsupportedAttestationType`."""
    b.genesis(
        config={"simulated_attestation": False},
        registry={
            "pruntime_allowlist": [SIM_RUNTIME],
            "genesis_hash_allowlist": [pruntime_info()["genesis_block_hash"]],
        },
    )
    b.initialize_block(timestamp=SIM_TIME * 1000)
    info = pruntime_info()
    call(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
        outcome=UNSUPPORTED,
    )
    b.finalize_block()
