"""DCAP verification on its own: ``verify_dcap`` steps on production's sample [STEP-8] [ATT-35].

Two suites. ``dcap`` holds what the chain's verifier shares with a verifier of Intel's
whole policy (dcap-qvl answers it, [ATT-36]): the sample verifies between the issue dates
of its collateral and the TCB info's nextUpdate, and each kind of tampering fails.
``dcap_chain_policy`` holds where the chain checks less than Intel's policy and accepts
what dcap-qvl refuses ([ATT-37]): collateral issue dates, the QE identity and the CRLs.
The instants come from the evidence, read when the vectors are generated.
"""

from __future__ import annotations

import json
from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case
from phala_spec.conformance.suites.attestation.common import BAD_DCAP, UNSUPPORTED, flip
from phala_spec.conformance.suites.attestation.real import DCAP_TIME, dcap_evidence, dcap_facts
from phala_spec.tee.dcap import SIGNED_LEN, parse_rfc3339

SUITE = "dcap"
POLICY_SUITE = "dcap_chain_policy"
HANDLER = "verify_dcap"
MINIMAL = ("minimal",)
FIELDS = (
    "pck_crl_issuer_chain",
    "root_ca_crl",
    "pck_crl",
    "tcb_info_issuer_chain",
    "tcb_info",
    "tcb_info_signature",
    "qe_identity_issuer_chain",
    "qe_identity",
    "qe_identity_signature",
)
# [ATT-23] offsets in the v3 quote
ISV_SIGNATURE, ATTESTATION_KEY, QE_REPORT, QE_SIGNATURE = 436, 500, 564, 948


def sample() -> tuple[bytes, bytes]:
    ev = dcap_evidence()
    return ev["quote"], ev["collateral"]


def _compact(n: int) -> bytes:
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    return ((n << 2) | 2).to_bytes(4, "little")


def collateral_fields(raw: bytes) -> dict[str, bytes]:
    """The nine SCALE fields of the sample's collateral [ATT-21], by name."""
    out: dict[str, bytes] = {}
    at = 0
    for name in FIELDS:
        mode = raw[at] & 3
        width = (1, 2, 4)[mode]
        n = int.from_bytes(raw[at : at + width], "little") >> 2
        at += width
        out[name] = raw[at : at + n]
        at += n
    return out


def with_fields(raw: bytes, **changes: bytes) -> bytes:
    """The sample's collateral with some fields replaced, re-encoded [ATT-21]."""
    fields = {**collateral_fields(raw), **changes}
    return b"".join(_compact(len(fields[n])) + fields[n] for n in FIELDS)


def issue_dates() -> tuple[int, int]:
    """The TCB info's and the QE identity's issueDate, unix seconds."""
    fields = collateral_fields(sample()[1])
    tcb: Any = json.loads(fields["tcb_info"])
    qe: Any = json.loads(fields["qe_identity"])
    return parse_rfc3339(tcb["issueDate"]), parse_rfc3339(qe["issueDate"])


def common_time() -> int:
    """The first instant at which both collateral documents are issued."""
    return max(issue_dates())


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-27", "ATT-30", "ATT-33"))
def sample_verifies_until_next_update(b: CaseBuilder) -> None:
    """Once both collateral documents are issued the sample verifies (confidence 4: a level-3
    status with advisories outside the whitelist), still at the TCB info's nextUpdate
    instant, and is `InvalidDCAPQuote` one second later."""
    quote, collateral = sample()
    _, next_update, _ = dcap_facts()
    for now, outcome in ((common_time(), "ok"), (next_update, "ok"), (next_update + 1, BAD_DCAP)):
        b.verify_dcap(quote, collateral, now)
        b.expect_outcome(outcome)


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-20",))
def without_collateral(b: CaseBuilder) -> None:
    """A quote without collateral: `UnsupportedAttestationType`."""
    b.verify_dcap(sample()[0], None, common_time())
    b.expect_outcome(UNSUPPORTED)


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-28"))
def before_pck_certificate(b: CaseBuilder) -> None:
    """One second before the PCK leaf's notBefore: `InvalidDCAPQuote`."""
    quote, collateral = sample()
    _, _, not_before = dcap_facts()
    b.verify_dcap(quote, collateral, not_before - 1)
    b.expect_outcome(BAD_DCAP)


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=MINIMAL,
    clauses=("ATT-23", "ATT-25", "ATT-26", "ATT-28", "ATT-31"),
)
def tampered_quote(b: CaseBuilder) -> None:
    """Each alteration of the quote is `InvalidDCAPQuote`: the version, the attestation key
    type, a bit of the report data, of the ISV signature, of the attestation key, of the QE
    report, of the QE signature, of the QE auth data; a quote cut after its report body;
    the certification data type."""
    quote, collateral = sample()
    auth_len = int.from_bytes(quote[1012:1014], "little")
    variants = [
        flip(quote, 0),
        flip(quote, 2),
        flip(quote, SIGNED_LEN - 1),
        flip(quote, ISV_SIGNATURE + 5),
        flip(quote, ATTESTATION_KEY + 7),
        flip(quote, QE_REPORT + 64),
        flip(quote, QE_SIGNATURE + 40),
        flip(quote, 1014),
        quote[:SIGNED_LEN],
        flip(quote, 1014 + auth_len),
    ]
    for bad in variants:
        b.verify_dcap(bad, collateral, common_time())
        b.expect_outcome(BAD_DCAP)


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-21", "ATT-25", "ATT-27"))
def tampered_collateral(b: CaseBuilder) -> None:
    """Each alteration of what the chain reads of the collateral is `InvalidDCAPQuote`: a bit
    of the TCB info signature; one character of the TCB info; the TCB info issuer chain
    without its leaf; a truncated encoding; a trailing byte."""
    quote, collateral = sample()
    fields = collateral_fields(collateral)
    tcb_info = fields["tcb_info"]
    chain = fields["tcb_info_issuer_chain"]
    end = b"-----END CERTIFICATE-----"
    variants = [
        with_fields(collateral, tcb_info_signature=flip(fields["tcb_info_signature"], 10)),
        with_fields(collateral, tcb_info=tcb_info.replace(b'"version":3', b'"version":2', 1)),
        with_fields(collateral, tcb_info_issuer_chain=chain[chain.index(end) + len(end) :]),
        collateral[:-1],
        collateral + b"\x00",
    ]
    assert variants[1] != collateral
    for bad in variants:
        b.verify_dcap(quote, bad, common_time())
        b.expect_outcome(BAD_DCAP)


# --- Where the chain's policy is not Intel's [ATT-37] ---------------------------------------


@case(suite=POLICY_SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-27", "ATT-37"))
def before_issue_dates(b: CaseBuilder) -> None:
    """At production's own test instant, before the TCB info and the QE identity were issued,
    the sample verifies: the chain reads no issue date (dcap-qvl refuses a document issued
    in the future)."""
    quote, collateral = sample()
    assert min(issue_dates()) > DCAP_TIME
    b.verify_dcap(quote, collateral, DCAP_TIME)
    b.expect_outcome("ok")


@case(suite=POLICY_SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-32", "ATT-37"))
def qe_identity_and_crls_not_checked(b: CaseBuilder) -> None:
    """The sample verifies with a QE identity naming another signer, with a flipped QE
    identity signature, and with both CRLs replaced by text that is not even hex: the chain
    checks neither the QE identity nor revocation (dcap-qvl refuses each)."""
    quote, collateral = sample()
    fields = collateral_fields(collateral)
    qe: Any = json.loads(fields["qe_identity"])
    qe["mrsigner"] = "00" * 32
    variants = [
        with_fields(collateral, qe_identity=json.dumps(qe).encode()),
        with_fields(collateral, qe_identity_signature=flip(fields["qe_identity_signature"], 3)),
        with_fields(collateral, root_ca_crl=b"not a CRL", pck_crl=b"not a CRL"),
    ]
    for bad in variants:
        b.verify_dcap(quote, bad, common_time())
        b.expect_outcome("ok")


@case(suite=POLICY_SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-23", "ATT-37"))
def signature_data_length_not_checked(b: CaseBuilder) -> None:
    """The reference does not cross-check the signature-data length (bytes 432..435): the
    sample with that length doubled still verifies (dcap-qvl refuses to decode it). Whether
    production checks it is unverified ([ATT-23])."""
    quote, collateral = sample()
    length = int.from_bytes(quote[SIGNED_LEN : SIGNED_LEN + 4], "little")
    bad = quote[:SIGNED_LEN] + (2 * length).to_bytes(4, "little") + quote[SIGNED_LEN + 4 :]
    b.verify_dcap(bad, collateral, common_time())
    b.expect_outcome("ok")
