"""IAS reports under the test signing root: the checks after the signature, their order, and
registration that succeeds [ATT-8]..[ATT-13].

The chain trusts the test root only with ``ias_test_root`` set at genesis ([ATT-13]), which
every case here does except the one that shows it off. Reports are built field by field:
a JSON object in Intel's compact form and a 432-byte quote body whose report data binds the
registration info, unless a case says otherwise.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.suites.attestation.common import (
    BAD_CERT,
    BAD_REPORT,
    BAD_STATUS,
    BOTH_PRESETS,
    HANDLER,
    MINIMAL,
    OUTDATED,
    REJECTED,
    SUITE,
    UNBOUND,
    E,
    flip,
    info_object,
)
from phala_spec.conformance.suites.registry import (
    ADD_PRUNTIME,
    GENESIS,
    REGISTER,
    WORKER,
    pruntime_info,
)
from phala_spec.pallets.registry.workers import WorkerRegistrationInfo
from phala_spec.primitives.codec import blake2b_256
from phala_spec.tee.ias_test_root import ias_test_evidence

BAD_TIME, BAD_BODY = E + "BadIASReport", E + "UnknownQuoteBodyFormat"
PARA_MISMATCH = E + "ParachainIdMismatch"

NOW = 1_700_000_000  # the block's unix second in every case
NOW_TEXT = "2023-11-14T22:13:20.5"  # NOW as Intel writes a report time (UTC, no zone)
MAX_AGE = 7200  # [ATT-12]

# The enclave of the reports: isv_prod_id 1 and isv_svn 2, so the IAS pRuntime hash keeps the
# quote's little-endian bytes [ATT-3].
MR_ENCLAVE = blake2b_256(b"phala-spec/vectors/attestation/ias/mr_enclave")
MR_SIGNER = blake2b_256(b"phala-spec/vectors/attestation/ias/mr_signer")
RUNTIME = MR_ENCLAVE + b"\x01\x00\x02\x00" + MR_SIGNER

QUOTE_HEADER = 48
LEGACY_FIELDS = (
    "version",
    "machine_id",
    "pubkey",
    "ecdh_pubkey",
    "genesis_block_hash",
    "features",
    "operator",
)  # the seven fields of the legacy registration info [REG-23]
QUOTE_BODY = QUOTE_HEADER + 384  # [ATT-11]


def quote_body(report_data: bytes, length: int = QUOTE_BODY) -> str:
    """An EPID quote (version 2) without its signature, base64 [ATT-11]: the enclave above and
    ``report_data``, cut or zero-padded to ``length`` bytes."""
    body = bytearray(max(length, QUOTE_BODY))
    body[0:2] = (2).to_bytes(2, "little")
    r = QUOTE_HEADER
    body[r + 64 : r + 96] = MR_ENCLAVE
    body[r + 128 : r + 160] = MR_SIGNER
    body[r + 256 : r + 258] = (1).to_bytes(2, "little")
    body[r + 258 : r + 260] = (2).to_bytes(2, "little")
    body[r + 320 : r + 384] = report_data.ljust(64, b"\x00")
    return base64.b64encode(bytes(body[:length])).decode()


def binding(info: dict[str, Any]) -> bytes:
    """The report data that binds a registration info [REG-8]."""
    return blake2b_256(info_object(info).encode())


def report(info: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A report's members; a field given as ``None`` is left out."""
    doc: dict[str, Any] = {
        "id": "1",
        "timestamp": NOW_TEXT,
        "version": 4,
        "isvEnclaveQuoteStatus": "OK",
        "isvEnclaveQuoteBody": quote_body(binding(info)),
    }
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not None}


def compact(doc: dict[str, Any], *extra: str) -> bytes:
    """The report's JSON as Intel writes it, with ``extra`` raw members appended (a member
    may so be given twice)."""
    text = json.dumps(doc, separators=(",", ":"))
    return (text[:-1] + "".join("," + member for member in extra) + "}").encode()


def report_time(seconds: int) -> str:
    """A unix second as Intel writes a report time (UTC, no zone) [ATT-9]."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def evidence(doc: dict[str, Any] | bytes) -> dict[str, Any]:
    """The report (members, or raw bytes) signed under the test root, as call data [REG-9]."""
    raw = doc if isinstance(doc, bytes) else compact(doc)
    ev = ias_test_evidence(raw)
    return {
        "kind": "SgxIas",
        "ra_report": ev.ra_report,
        "signature": ev.signature,
        "raw_signing_cert": ev.raw_signing_cert,
    }


def ias_setup(b: CaseBuilder, *, trusted: bool = True, allowlisted: bool = True) -> None:
    """Genesis with the test root trusted (or not) and the enclave allowlisted (or not)."""
    b.genesis(
        config={"ias_test_root": True} if trusted else None,
        registry={
            "genesis_hash_allowlist": [GENESIS],
            "pruntime_allowlist": [RUNTIME] if allowlisted else [],
        },
    )
    b.initialize_block(timestamp=NOW * 1000)


def register(b: CaseBuilder, info: dict[str, Any], att: dict[str, Any], outcome: str) -> None:
    do(b, REGISTER, {"pruntime_info": info, "attestation": att}, signed("alice"), outcome=outcome)


def expect_worker(b: CaseBuilder, level: int) -> None:
    w = b.chain.registry.workers[WORKER.public]
    check(
        (w.attestation_provider, w.confidence_level) == ("Ias", level),
        f"provider Ias, confidence {level}",
    )


# --- the test root ------------------------------------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-8", "ATT-11", "ATT-13"))
def ias_test_root_registers_a_worker(b: CaseBuilder) -> None:
    """With the test root trusted, a report of status `OK` without `advisoryIDs`, whose
    report data binds the info, registers the worker: provider `Ias`, confidence 1. Members
    the chain does not read (`id`, `version`) are there and ignored."""
    ias_setup(b)
    info = pruntime_info()
    register(b, info, evidence(report(info)), "ok")
    expect_worker(b, 1)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=BOTH_PRESETS, clauses=("ATT-7", "ATT-13"))
def ias_test_root_not_trusted_by_default(b: CaseBuilder) -> None:
    """Without the genesis override the chain trusts Intel's root alone: the same evidence
    is `InvalidIASSigningCert`."""
    ias_setup(b, trusted=False)
    info = pruntime_info()
    register(b, info, evidence(report(info)), BAD_CERT)
    b.finalize_block()


# --- [ATT-8] the typed report --------------------------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-8", "ATT-10", "ATT-13"))
def ias_missing_or_mistyped_fields(b: CaseBuilder) -> None:
    """Each field the chain reads, missing or of another JSON type, is `InvalidReport`
    (no default stands in): the timestamp missing, a number; the status missing, null; the
    quote body missing, a number; `advisoryIDs` a string, null, a list holding a number;
    the timestamp given twice; a document that is a list. Then `advisoryIDs` absent and an
    unread member given twice register the worker."""
    ias_setup(b)
    info = pruntime_info()
    good = report(info)
    variants: list[dict[str, Any] | bytes] = [
        report(info, timestamp=None),
        report(info, timestamp=NOW),
        report(info, isvEnclaveQuoteStatus=None),
        {**good, "isvEnclaveQuoteStatus": None},
        report(info, isvEnclaveQuoteBody=None),
        report(info, isvEnclaveQuoteBody=432),
        report(info, advisoryIDs="INTEL-SA-00334"),
        {**good, "advisoryIDs": None},
        report(info, advisoryIDs=["INTEL-SA-00334", 334]),
        compact(good, f'"timestamp":"{NOW_TEXT}"'),
        json.dumps([good]).encode(),
    ]
    for doc in variants:
        register(b, info, evidence(doc), BAD_REPORT)
    register(b, info, evidence(compact(good, '"id":7')), "ok")
    expect_worker(b, 1)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-4", "ATT-10", "ATT-13"))
def ias_advisories_grade_the_status(b: CaseBuilder) -> None:
    """`CONFIGURATION_NEEDED` with only whitelisted advisories is level 3; with
    `INTEL-SA-00615` as well, the next registration updates the worker to level 4."""
    ias_setup(b)
    info = pruntime_info()
    status = {"isvEnclaveQuoteStatus": "CONFIGURATION_NEEDED"}
    register(b, info, evidence(report(info, **status, advisoryIDs=["INTEL-SA-00334"])), "ok")
    expect_worker(b, 3)
    b.next_block()
    ids = ["INTEL-SA-00334", "INTEL-SA-00615"]
    register(b, info, evidence(report(info, **status, advisoryIDs=ids)), "ok")
    expect_worker(b, 4)
    b.finalize_block()


# --- [ATT-11] the quote body ------------------------------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-11", "ATT-13"))
def ias_short_quote_body(b: CaseBuilder) -> None:
    """A quote body of 431 bytes (one short of header and report body) is
    `UnknownQuoteBodyFormat`, and so is an empty one; 432 bytes register the worker."""
    ias_setup(b)
    info = pruntime_info()
    for length in (431, 0):
        short = quote_body(binding(info), length)
        register(b, info, evidence(report(info, isvEnclaveQuoteBody=short)), BAD_BODY)
    register(b, info, evidence(report(info)), "ok")
    b.finalize_block()


# --- [ATT-12] freshness ---------------------------------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-9", "ATT-12", "ATT-13"))
def ias_report_from_the_future_registers(b: CaseBuilder) -> None:
    """Freshness is `now − report time ≥ 7200` outdated, signed: a report dated a day after
    the block registers the worker; one dated 7200 s before it is `OutdatedIASReport`, and
    one dated 7199 s before it registers again."""
    ias_setup(b)
    info = pruntime_info()
    register(b, info, evidence(report(info, timestamp="2023-11-15T22:13:20")), "ok")
    expect_worker(b, 1)
    b.next_block()
    now = b.chain.system.block.timestamp // 1000
    stale, fresh = report_time(now - MAX_AGE), report_time(now - MAX_AGE + 1)
    register(b, info, evidence(report(info, timestamp=stale)), OUTDATED)
    register(b, info, evidence(report(info, timestamp=fresh)), "ok")
    b.finalize_block()


# --- the check order, one adjacent pair at a time [ATT-6] [ATT-12] [REG-10] ----------------


def both(
    b: CaseBuilder,
    info: dict[str, Any],
    first: tuple[dict[str, Any], str],
    then: tuple[dict[str, Any], str],
) -> None:
    """Evidence failing two adjacent checks, then the same with the first failure cured."""
    for att, outcome in (first, then):
        register(b, info, att, outcome)


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-7", "ATT-8", "ATT-13"))
def ias_precedence_certificate_before_json(b: CaseBuilder) -> None:
    """A report that is not JSON, with a flipped signature bit: `InvalidIASSigningCert`;
    properly signed: `InvalidReport`."""
    ias_setup(b)
    signed_ok = evidence(b"not json")
    tampered = {**signed_ok, "signature": flip(signed_ok["signature"], 9)}
    both(b, pruntime_info(), (tampered, BAD_CERT), (signed_ok, BAD_REPORT))
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-8", "ATT-9", "ATT-13"))
def ias_precedence_json_before_time(b: CaseBuilder) -> None:
    """A report time that is not RFC 3339 and no quote body: `InvalidReport`; with the
    body: `BadIASReport`."""
    ias_setup(b)
    info = pruntime_info()
    both(
        b,
        info,
        (evidence(report(info, timestamp="yesterday", isvEnclaveQuoteBody=None)), BAD_REPORT),
        (evidence(report(info, timestamp="yesterday")), BAD_TIME),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-9", "ATT-10", "ATT-13"))
def ias_precedence_time_before_status(b: CaseBuilder) -> None:
    """A report time carrying a zone (`…Z`, to which the chain appends another) and status
    `GROUP_REVOKED`: `BadIASReport`; with a good time: `InvalidQuoteStatus`."""
    ias_setup(b)
    info = pruntime_info()
    revoked = {"isvEnclaveQuoteStatus": "GROUP_REVOKED"}
    both(
        b,
        info,
        (evidence(report(info, timestamp=NOW_TEXT + "Z", **revoked)), BAD_TIME),
        (evidence(report(info, **revoked)), BAD_STATUS),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-10", "ATT-11", "ATT-13"))
def ias_precedence_status_before_quote_body(b: CaseBuilder) -> None:
    """Status `GROUP_REVOKED` and a 431-byte quote body: `InvalidQuoteStatus`; status `OK`:
    `UnknownQuoteBodyFormat`."""
    ias_setup(b)
    info = pruntime_info()
    short = quote_body(binding(info), QUOTE_BODY - 1)
    both(
        b,
        info,
        (
            evidence(
                report(info, isvEnclaveQuoteStatus="GROUP_REVOKED", isvEnclaveQuoteBody=short)
            ),
            BAD_STATUS,
        ),
        (evidence(report(info, isvEnclaveQuoteBody=short)), BAD_BODY),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-11", "ATT-12", "ATT-13"))
def ias_precedence_quote_body_before_allowlist(b: CaseBuilder) -> None:
    """The enclave not allowlisted and a 431-byte quote body: `UnknownQuoteBodyFormat`; the
    full body: `PRuntimeRejected`."""
    ias_setup(b, allowlisted=False)
    info = pruntime_info()
    short = quote_body(binding(info), QUOTE_BODY - 1)
    both(
        b,
        info,
        (evidence(report(info, isvEnclaveQuoteBody=short)), BAD_BODY),
        (evidence(report(info)), REJECTED),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-12", "ATT-13"))
def ias_precedence_allowlist_before_freshness(b: CaseBuilder) -> None:
    """A report 7200 s old of an enclave not allowlisted: `PRuntimeRejected`; once root
    allowlists it: `OutdatedIASReport`."""
    ias_setup(b, allowlisted=False)
    info = pruntime_info()
    stale = evidence(report(info, timestamp=report_time(NOW - MAX_AGE)))
    register(b, info, stale, REJECTED)
    do(b, ADD_PRUNTIME, {"pruntime_hash": RUNTIME}, root())
    register(b, info, stale, OUTDATED)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-12", "ATT-13"))
def ias_precedence_freshness_before_user_data(b: CaseBuilder) -> None:
    """A report 7200 s old whose report data binds nothing: `OutdatedIASReport`; 7199 s old:
    `InvalidRuntimeInfoHash`."""
    ias_setup(b)
    info = pruntime_info()
    unbound = {"isvEnclaveQuoteBody": quote_body(b"")}
    stale, fresh = report_time(NOW - MAX_AGE), report_time(NOW - MAX_AGE + 1)
    both(
        b,
        info,
        (evidence(report(info, timestamp=stale, **unbound)), OUTDATED),
        (evidence(report(info, timestamp=fresh, **unbound)), UNBOUND),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-12", "ATT-13", "REG-10"))
def ias_precedence_user_data_before_para_id(b: CaseBuilder) -> None:
    """An info with another para id, under a report whose data binds nothing:
    `InvalidRuntimeInfoHash`; bound to that info: `ParachainIdMismatch`."""
    ias_setup(b)
    info = pruntime_info(para_id=1)
    both(
        b,
        info,
        (evidence(report(info, isvEnclaveQuoteBody=quote_body(b""))), UNBOUND),
        (evidence(report(info)), PARA_MISMATCH),
    )
    b.finalize_block()


# --- the legacy call [REG-23] ---------------------------------------------------------------


@case(suite=SUITE, handler="register_worker", presets=MINIMAL, clauses=("REG-23", "ATT-13"))
def legacy_register_checks_the_genesis_hash(b: CaseBuilder) -> None:
    """The legacy `register_worker` with a report under the test root that binds its seven-field
    info: the evidence passes, then a relay-chain genesis hash the registry does not allow is
    `GenesisBlockHashRejected`; with an allowed hash the same kind of report registers the
    worker (provider `Ias`, confidence 1)."""
    ias_setup(b)
    stranger = blake2b_256(b"phala-spec/vectors/attestation/ias/other-genesis")
    for genesis, outcome in ((stranger, E + "GenesisBlockHashRejected"), (GENESIS, "ok")):
        info = {k: v for k, v in pruntime_info(genesis=genesis).items() if k in LEGACY_FIELDS}
        bound = blake2b_256(WorkerRegistrationInfo(**info).encode())
        doc = {**report(pruntime_info()), "isvEnclaveQuoteBody": quote_body(bound)}
        args = {"pruntime_info": info, "attestation": evidence(doc)}
        do(b, "PhalaRegistry.register_worker", args, signed("alice"), outcome=outcome)
    expect_worker(b, 1)
    b.finalize_block()
