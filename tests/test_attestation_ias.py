"""IAS attestation [ATT-1]..[ATT-12] on real Intel evidence and on a test CA.

The real samples (production's own fixtures) are in tests/data/attestation. Expected values are derived from the evidence here, with
an independent parser of the SGX quote layout, never copied from the
reference's output. Checks that come after the signature (JSON, timestamp,
quote status, quote body) cannot be reached with Intel's key, so they run
against a throw-away CA passed in ``trust_roots``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

from phala_spec.pallets.registry.workers import WorkerRegistrationInfoV2, validate_attestation
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.primitives.errors import DispatchError
from phala_spec.runtime.genesis import genesis
from phala_spec.tee import ias as ias
from phala_spec.tee.attestation import (
    ADVISORY_WHITELIST,
    AttestationReport,
    confidence_level,
    dcap_runtime_hash,
    ias_runtime_hash,
)
from phala_spec.tee.evidence import IasAttestation
from phala_spec.tee.ias_test_root import TEST_IAS_ROOT_PEM, ias_test_evidence
from phala_spec.tee.intel_roots import INTEL_IAS_REPORT_SIGNING_ROOT_PEM

TESTDATA = Path(__file__).resolve().parent / "data" / "attestation"  # production's fixtures

ALL_CODES = {
    ias.INVALID_IAS_SIGNING_CERT,
    ias.INVALID_REPORT,
    ias.BAD_IAS_REPORT,
    "PhalaRegistry.InvalidQuoteStatus",
    ias.UNKNOWN_QUOTE_BODY_FORMAT,
    ias.PRUNTIME_REJECTED,
    ias.OUTDATED_IAS_REPORT,
    ias.INVALID_RUNTIME_INFO_HASH,
}


# --- an independent reading of the evidence -------------------------------------------

# SGX quote (sgx_quote_t): 48-byte header, then sgx_report_body_t.
HEADER = 48
LAYOUT = {  # offset in the report body, length
    "mr_enclave": (64, 32),
    "mr_signer": (128, 32),
    "isv_prod_id": (256, 2),
    "isv_svn": (258, 2),
    "report_data": (320, 64),
}
RESERVED = ((20, 48), (96, 128), (160, 256), (260, 320))  # all zero in a real quote
LEVELS = {"OK": 1, "SW_HARDENING_NEEDED": 2, "GROUP_OUT_OF_DATE": 5}


def quote_fields(report: bytes) -> dict[str, Any]:
    doc = json.loads(report)
    body = base64.b64decode(doc["isvEnclaveQuoteBody"])
    fields: dict[str, Any] = {
        name: body[HEADER + off : HEADER + off + n] for name, (off, n) in LAYOUT.items()
    }
    when = dt.datetime.fromisoformat(doc["timestamp"]).replace(tzinfo=dt.UTC)
    fields["timestamp"] = int(when.timestamp())
    fields["status"] = doc["isvEnclaveQuoteStatus"]
    fields["advisories"] = tuple(doc.get("advisoryIDs", ()))
    fields["body"] = body
    return fields


def load_sample(name: str) -> tuple[ias.IasEvidence, dict[str, Any]]:
    raw = json.loads((TESTDATA / f"ias_report_{name}_sample.json").read_text())
    encoding = "hex" if name == "pallet" else "base64"
    evidence = ias.decode_ias_evidence(
        raw["raReport"], raw["signature"], raw["rawSigningCert"], encoding
    )
    return evidence, quote_fields(evidence.ra_report)


SAMPLES = ("pallet", "crate")


def code_of(fn: Callable[[], object]) -> str:
    with pytest.raises(DispatchError) as info:
        fn()
    return info.value.code


def flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


# --- the real samples ----------------------------------------------------------------


def test_pinned_root_is_intels_published_root() -> None:
    pem = (TESTDATA / "intel_ias_report_signing_root_ca.pem").read_text()
    assert pem == INTEL_IAS_REPORT_SIGNING_ROOT_PEM


@pytest.mark.parametrize("name", SAMPLES)
def test_quote_layout_matches_the_samples(name: str) -> None:
    """The offsets of [ATT-11] land on a well-formed quote: version 2, zeros where reserved."""
    _, f = load_sample(name)
    body = f["body"]
    assert len(body) == 432
    assert int.from_bytes(body[0:2], "little") == 2  # EPID quote version
    report = body[HEADER:]
    for start, end in RESERVED:
        assert report[start:end] == bytes(end - start), (start, end)
    assert any(f["mr_enclave"]) and any(f["mr_signer"])


def test_crate_sample_report_data_is_hello_world() -> None:
    _, f = load_sample("crate")
    assert f["report_data"] == b"Hello World".ljust(64, b"\0")


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_verifies_at_report_time(name: str) -> None:
    ev, f = load_sample(name)
    got = ias.verify_ias(ev.ra_report, ev.signature, ev.raw_signing_cert, f["timestamp"])
    expected_hash = f["mr_enclave"] + f["isv_prod_id"] + f["isv_svn"] + f["mr_signer"]
    assert got == AttestationReport(
        provider="Ias",
        confidence_level=LEVELS[f["status"]],
        runtime_hash=expected_hash,
        report_data=f["report_data"],
        timestamp=f["timestamp"],
    )
    assert len(got.runtime_hash) == 68


def test_sample_timestamps_are_utc() -> None:
    """The report time is UTC (production appends "Z"); 1631441180, the pallet test's
    clock, is 8 hours earlier than the pallet sample's report time."""
    _, pallet = load_sample("pallet")
    _, crate = load_sample("crate")
    assert pallet["timestamp"] == 1631441180 + 8 * 3600
    assert crate["timestamp"] == int(dt.datetime(2023, 10, 18, 9, 1, 15, tzinfo=dt.UTC).timestamp())


def test_pallet_sample_validates_at_production_test_clock() -> None:
    ev, f = load_sample("pallet")
    got = ias.validate_ias(
        ev.ra_report,
        ev.signature,
        ev.raw_signing_cert,
        f["report_data"][:32],
        1631441180,
        (),
        False,
    )
    assert got.timestamp == f["timestamp"]


def _validate(ev: ias.IasEvidence, f: dict[str, Any], **kw: Any) -> AttestationReport:
    args: dict[str, Any] = {
        "user_data_hash": f["report_data"][:32],
        "now": f["timestamp"],
        "allowlist": (f["mr_enclave"] + f["isv_prod_id"] + f["isv_svn"] + f["mr_signer"],),
        "verify_pruntime": True,
    }
    args.update(kw)
    return ias.validate_ias(ev.ra_report, ev.signature, ev.raw_signing_cert, **args)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_validates(name: str) -> None:
    ev, f = load_sample(name)
    assert _validate(ev, f).timestamp == f["timestamp"]
    assert _validate(ev, f, now=f["timestamp"] + 7199).timestamp == f["timestamp"]
    assert _validate(ev, f, allowlist=(), verify_pruntime=False).confidence_level >= 1


@pytest.mark.parametrize("name", SAMPLES)
def test_stale_report(name: str) -> None:
    ev, f = load_sample(name)
    assert code_of(lambda: _validate(ev, f, now=f["timestamp"] + 7200)) == ias.OUTDATED_IAS_REPORT


@pytest.mark.parametrize("name", SAMPLES)
def test_cert_validity_window(name: str) -> None:
    ev, _ = load_sample(name)
    cert = x509.load_der_x509_certificate(ev.raw_signing_cert)
    not_before = int(cert.not_valid_before_utc.timestamp())
    not_after = int(cert.not_valid_after_utc.timestamp())
    assert dt.datetime.fromtimestamp(not_after, dt.UTC).date() == dt.date(2026, 11, 20)

    def at(now: int) -> object:
        return ias.verify_ias(ev.ra_report, ev.signature, ev.raw_signing_cert, now)

    at(not_before)
    at(not_after)
    assert code_of(lambda: at(not_before - 1)) == ias.INVALID_IAS_SIGNING_CERT
    assert code_of(lambda: at(not_after + 1)) == ias.INVALID_IAS_SIGNING_CERT
    assert code_of(lambda: at(0)) == ias.INVALID_IAS_SIGNING_CERT


@pytest.mark.parametrize("name", SAMPLES)
def test_tampered_evidence(name: str) -> None:
    ev, f = load_sample(name)
    now = f["timestamp"]
    for i in (0, len(ev.signature) // 2, len(ev.signature) - 1):
        sig = flip(ev.signature, i)
        assert (
            code_of(lambda s=sig: ias.verify_ias(ev.ra_report, s, ev.raw_signing_cert, now))
            == ias.INVALID_IAS_SIGNING_CERT
        )
    for i in (0, len(ev.ra_report) // 2, len(ev.ra_report) - 1):
        rep = flip(ev.ra_report, i)
        assert (
            code_of(lambda r=rep: ias.verify_ias(r, ev.signature, ev.raw_signing_cert, now))
            == ias.INVALID_IAS_SIGNING_CERT
        )
    # A byte of the certificate's own signature: still parses, no longer chains to the root.
    cert = flip(ev.raw_signing_cert, len(ev.raw_signing_cert) - 1)
    assert (
        code_of(lambda: ias.verify_ias(ev.ra_report, ev.signature, cert, now))
        == ias.INVALID_IAS_SIGNING_CERT
    )


@pytest.mark.parametrize("name", SAMPLES)
def test_report_data_must_bind(name: str) -> None:
    ev, f = load_sample(name)
    wrong = flip(f["report_data"][:32], 31)
    assert code_of(lambda: _validate(ev, f, user_data_hash=wrong)) == ias.INVALID_RUNTIME_INFO_HASH
    assert (
        code_of(lambda: _validate(ev, f, user_data_hash=f["report_data"]))  # 64 bytes, not 32
        == ias.INVALID_RUNTIME_INFO_HASH
    )


@pytest.mark.parametrize("name", SAMPLES)
def test_runtime_must_be_allowlisted(name: str) -> None:
    ev, f = load_sample(name)
    other = bytes(68)
    assert code_of(lambda: _validate(ev, f, allowlist=(other,))) == ias.PRUNTIME_REJECTED
    assert code_of(lambda: _validate(ev, f, allowlist=())) == ias.PRUNTIME_REJECTED
    _validate(ev, f, allowlist=(other,), verify_pruntime=False)


def test_policy_order() -> None:
    """Allowlist, then freshness, then binding [ATT-12]."""
    ev, f = load_sample("pallet")
    stale = f["timestamp"] + 7200
    wrong = bytes(32)
    assert (
        code_of(lambda: _validate(ev, f, now=stale, allowlist=(), user_data_hash=wrong))
        == ias.PRUNTIME_REJECTED
    )
    assert code_of(lambda: _validate(ev, f, now=stale, user_data_hash=wrong)) == (
        ias.OUTDATED_IAS_REPORT
    )
    # An expired certificate beats every policy check.
    late = int(x509.load_der_x509_certificate(ev.raw_signing_cert).not_valid_after_utc.timestamp())
    assert code_of(lambda: _validate(ev, f, now=late + 1, allowlist=())) == (
        ias.INVALID_IAS_SIGNING_CERT
    )


def test_samples_are_not_interchangeable() -> None:
    a, fa = load_sample("pallet")
    b, _ = load_sample("crate")
    now = fa["timestamp"]
    assert (
        code_of(lambda: ias.verify_ias(a.ra_report, b.signature, a.raw_signing_cert, now))
        == ias.INVALID_IAS_SIGNING_CERT
    )


def test_malformed_signature_and_cert() -> None:
    ev, f = load_sample("pallet")
    now = f["timestamp"]
    root_der = x509.load_pem_x509_certificate(
        INTEL_IAS_REPORT_SIGNING_ROOT_PEM.encode()
    ).public_bytes(serialization.Encoding.DER)
    bad: list[tuple[bytes, bytes, bytes]] = [
        (ev.ra_report, b"", ev.raw_signing_cert),
        (ev.ra_report, ev.signature[:-1], ev.raw_signing_cert),
        (ev.ra_report, ev.signature + b"\0", ev.raw_signing_cert),
        (ev.ra_report, ev.signature, b""),
        (ev.ra_report, ev.signature, ev.raw_signing_cert[:100]),
        (ev.ra_report, ev.signature, ev.raw_signing_cert + b"\0"),
        (ev.ra_report, ev.signature, b"\x30\x82\xff\xff"),
        (ev.ra_report, ev.signature, root_der),  # the root is not the signing cert
        (ev.ra_report, ev.signature, INTEL_IAS_REPORT_SIGNING_ROOT_PEM.encode()),  # PEM, not DER
        (b"", ev.signature, ev.raw_signing_cert),
        (b"\xff\xfe" + ev.ra_report, ev.signature, ev.raw_signing_cert),  # not UTF-8
    ]
    for report, sig, cert in bad:
        assert (
            code_of(lambda r=report, s=sig, c=cert: ias.verify_ias(r, s, c, now))
            == ias.INVALID_IAS_SIGNING_CERT
        )


def test_decode_evidence_encodings() -> None:
    raw = ias.decode_ias_evidence("{}", "0a0b", "ff", "hex")
    assert raw == ias.IasEvidence(b"{}", b"\x0a\x0b", b"\xff")
    assert ias.decode_ias_evidence(b"{}", "Cgs=", "/w==", "base64") == raw
    assert ias.decode_ias_evidence("{}", b"\x0a\x0b", b"\xff", "raw") == raw
    for sig, enc in (
        ("0g", "hex"),
        ("abc", "hex"),
        ("0a 0b", "hex"),
        ("Cgs", "base64"),
        ("C$s=", "base64"),
    ):
        assert (
            code_of(lambda s=sig, e=enc: ias.decode_ias_evidence("{}", s, "", e))
            == ias.INVALID_IAS_SIGNING_CERT
        )
    assert (
        code_of(lambda: ias.decode_ias_evidence("{}", b"\xff", "", "hex"))
        == ias.INVALID_IAS_SIGNING_CERT
    )


@given(st.binary(max_size=600), st.binary(max_size=300), st.binary(max_size=300))
def test_arbitrary_bytes_are_typed_errors(report: bytes, sig: bytes, cert: bytes) -> None:
    try:
        ias.verify_ias(report, sig, cert, 1697619675)
    except DispatchError as exc:
        assert exc.code == ias.INVALID_IAS_SIGNING_CERT
    else:  # pragma: no cover - would need a forged Intel signature
        pytest.fail("random evidence verified")


# --- the common rules ---------------------------------------------------------------------


def test_confidence_level_table() -> None:
    for s in ("OK", "UpToDate"):
        assert confidence_level(s, ("INTEL-SA-99999",)) == 1
    for s in ("SW_HARDENING_NEEDED", "SWHardeningNeeded"):
        assert confidence_level(s, ("INTEL-SA-99999",)) == 2
    for s in (
        "CONFIGURATION_NEEDED",
        "CONFIGURATION_AND_SW_HARDENING_NEEDED",
        "ConfigurationNeeded",
        "ConfigurationAndSWHardeningNeeded",
    ):
        assert confidence_level(s, ()) == 3
        assert confidence_level(s, ADVISORY_WHITELIST) == 3
        assert confidence_level(s, (*ADVISORY_WHITELIST, "INTEL-SA-00220")) == 4
    for s in ("GROUP_OUT_OF_DATE", "OutOfDate", "OutOfDateConfigurationNeeded"):
        assert confidence_level(s, ("INTEL-SA-99999",)) == 5
    for s in ("", "UNKNOWN", "ok", "Revoked", "GROUP_REVOKED", "SIGNATURE_INVALID"):
        assert code_of(lambda s=s: confidence_level(s, ())) == "PhalaRegistry.InvalidQuoteStatus"


def test_runtime_hash_layouts() -> None:
    e, s = bytes(range(32)), bytes(range(32, 64))
    assert ias_runtime_hash(e, b"\x01\x00", b"\x02\x00", s) == e + b"\x01\x00\x02\x00" + s
    assert dcap_runtime_hash(e, 1, 2, s) == e + b"\x00\x01\x00\x02" + s
    assert dcap_runtime_hash(e, 0, 0, s) == ias_runtime_hash(e, b"\0\0", b"\0\0", s)
    with pytest.raises(ValueError):
        ias_runtime_hash(e, b"\x01", b"\0\0", s)
    with pytest.raises(ValueError):
        dcap_runtime_hash(e, 0x10000, 0, s)
    with pytest.raises(ValueError):
        dcap_runtime_hash(e[:31], 0, 0, s)


# --- the later checks, reached through a throw-away CA -----------------------------------


class SigningCA:
    def __init__(self) -> None:
        self.root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.root = self._cert("Test Root", self.root_key, self.root_key, "Test Root")
        self.leaf = self._cert("Test Signer", self.leaf_key, self.root_key, "Test Root")
        self.root_pem = self.root.public_bytes(serialization.Encoding.PEM).decode()
        self.leaf_der = self.leaf.public_bytes(serialization.Encoding.DER)
        self.not_before = int(self.leaf.not_valid_before_utc.timestamp())

    @staticmethod
    def _cert(
        subject: str, key: rsa.RSAPrivateKey, issuer_key: rsa.RSAPrivateKey, issuer: str
    ) -> x509.Certificate:
        def name(cn: str) -> x509.Name:
            return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

        return (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(name(issuer))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
            .not_valid_after(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
            .sign(issuer_key, hashes.SHA256())
        )

    def sign(self, report: bytes) -> bytes:
        return self.leaf_key.sign(report, padding.PKCS1v15(), hashes.SHA256())

    def verify(self, report: bytes, now: int = 1_700_000_000) -> AttestationReport:
        return ias.verify_ias(
            report, self.sign(report), self.leaf_der, now, trust_roots=(self.root_pem,)
        )


@pytest.fixture(scope="module")
def ca() -> SigningCA:
    return SigningCA()


def make_body(prod_id: int = 0x0102, svn: int = 0x0304, length: int = 432) -> bytes:
    body = bytearray(max(length, 432))
    body[0:2] = (2).to_bytes(2, "little")
    r = HEADER
    body[r + 64 : r + 96] = bytes([0xE1]) * 32
    body[r + 128 : r + 160] = bytes([0x51]) * 32
    body[r + 256 : r + 258] = prod_id.to_bytes(2, "little")
    body[r + 258 : r + 260] = svn.to_bytes(2, "little")
    body[r + 320 : r + 384] = bytes(range(64))
    return bytes(body[:length])


def make_report(**fields: Any) -> bytes:
    doc: dict[str, Any] = {
        "id": "1",
        "timestamp": "2023-11-14T22:13:20.5",
        "version": 4,
        "isvEnclaveQuoteStatus": "CONFIGURATION_NEEDED",
        "advisoryIDs": ["INTEL-SA-00334"],
        "isvEnclaveQuoteBody": base64.b64encode(make_body()).decode(),
    }
    for key, value in fields.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return json.dumps(doc).encode()


def test_test_ca_report(ca: SigningCA) -> None:
    got = ca.verify(make_report())
    assert got.timestamp == 1_700_000_000
    assert got.confidence_level == 3
    # Raw little-endian quote bytes, not big-endian numbers [ATT-3].
    assert got.runtime_hash == bytes([0xE1]) * 32 + b"\x02\x01\x04\x03" + bytes([0x51]) * 32
    assert got.report_data == bytes(range(64))
    # [ATT-10] advisories outside the whitelist make level 3 a 4; absent advisories are none.
    assert ca.verify(make_report(advisoryIDs=["INTEL-SA-00334", "X"])).confidence_level == 4
    assert ca.verify(make_report(advisoryIDs=[])).confidence_level == 3
    assert ca.verify(make_report(advisoryIDs=None)).confidence_level == 3
    # A longer quote body (e.g. with a signature) still decodes.
    longer = base64.b64encode(make_body(length=500)).decode()
    assert ca.verify(make_report(isvEnclaveQuoteBody=longer)).report_data == bytes(range(64))


def test_pinned_root_rejects_other_issuers(ca: SigningCA) -> None:
    report = make_report()
    assert (
        code_of(lambda: ias.verify_ias(report, ca.sign(report), ca.leaf_der, 1_700_000_000))
        == ias.INVALID_IAS_SIGNING_CERT
    )
    other = SigningCA()  # same names, different keys
    assert (
        code_of(
            lambda: ias.verify_ias(
                report, ca.sign(report), ca.leaf_der, 1_700_000_000, trust_roots=(other.root_pem,)
            )
        )
        == ias.INVALID_IAS_SIGNING_CERT
    )


def test_signing_key_must_be_rsa(ca: SigningCA) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EC")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca.root.subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        .sign(ca.root_key, hashes.SHA256())
    )
    report = make_report()
    sig = key.sign(report, ec.ECDSA(hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    assert (
        code_of(lambda: ias.verify_ias(report, sig, der, 1_700_000_000, trust_roots=(ca.root_pem,)))
        == ias.INVALID_IAS_SIGNING_CERT
    )


@pytest.mark.parametrize(
    "report",
    [
        b"",
        b"{",
        b"\xff\xfe{}",
        "{}".encode("utf-16"),
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": "\\ud800"}',
        b"\xef\xbb\xbf{}",
        b"[" * 100_000,
    ],
)
def test_invalid_json(ca: SigningCA, report: bytes) -> None:
    assert code_of(lambda: ca.verify(report)) == ias.INVALID_REPORT


@pytest.mark.parametrize(
    "timestamp",
    [
        "",
        "2023-11-14 22:13:20",
        "2023-11-14T22:13:20Z",
        "2023-11-14T22:13:20+00:00",
        "2023-11-14T22:13",
        "2023-02-29T00:00:00",
        "2023-13-01T00:00:00",
        "2023-11-14T24:00:00",
        "2023-11-14T22:13:20.",
        "23-11-14T22:13:20",
        "２０２３-11-14T22:13:20",
    ],
)
def test_bad_timestamp(ca: SigningCA, timestamp: Any) -> None:
    report = make_report(timestamp=timestamp)
    assert code_of(lambda: ca.verify(report)) == ias.BAD_IAS_REPORT


def test_timestamp_forms(ca: SigningCA) -> None:
    assert ca.verify(make_report(timestamp="2023-11-14t22:13:20")).timestamp == 1_700_000_000
    assert ca.verify(make_report(timestamp="2023-11-14T22:13:20.999999999")).timestamp == (
        1_700_000_000
    )
    assert ca.verify(make_report(timestamp="2024-02-29T00:00:00")).timestamp == int(
        dt.datetime(2024, 2, 29, tzinfo=dt.UTC).timestamp()
    )


def test_non_object_json_is_invalid_report(ca: SigningCA) -> None:
    """[ATT-8] A document that is not an object does not fill the typed structure."""
    for report in (b"[]", b"null", b"1", b'"x"'):
        assert code_of(lambda r=report: ca.verify(r)) == ias.INVALID_REPORT


MISSING_OR_MISTYPED = [
    ("timestamp", None),
    ("timestamp", 1_700_000_000),
    ("timestamp", ["2023-11-14T22:13:20"]),
    ("isvEnclaveQuoteStatus", None),
    ("isvEnclaveQuoteStatus", 1),
    ("isvEnclaveQuoteBody", None),
    ("isvEnclaveQuoteBody", {"body": "AA=="}),
    ("advisoryIDs", "INTEL-SA-00334"),
    ("advisoryIDs", ["INTEL-SA-00334", 7]),
    ("advisoryIDs", {"0": "INTEL-SA-00334"}),
]


@pytest.mark.parametrize(("name", "value"), MISSING_OR_MISTYPED)
def test_missing_or_mistyped_field_is_invalid_report(ca: SigningCA, name: str, value: Any) -> None:
    """[ATT-8] Each field the chain reads must be there with its type (``None`` removes it);
    no default stands in for it. ``advisoryIDs`` alone may be absent (see the CA report test)."""
    assert code_of(lambda: ca.verify(make_report(**{name: value}))) == ias.INVALID_REPORT


def test_null_field_is_invalid_report(ca: SigningCA) -> None:
    """[ATT-8] ``null`` is not a string, nor a list of advisories."""
    for name in ("timestamp", "isvEnclaveQuoteStatus", "isvEnclaveQuoteBody", "advisoryIDs"):
        doc = json.loads(make_report())
        doc[name] = None
        assert code_of(lambda d=doc: ca.verify(json.dumps(d).encode())) == ias.INVALID_REPORT


def test_field_given_twice_is_invalid_report(ca: SigningCA) -> None:
    """[ATT-8] A field the chain reads may appear once; other members are ignored, twice or not."""
    good = make_report().decode()
    for name in ("timestamp", "isvEnclaveQuoteStatus", "isvEnclaveQuoteBody", "advisoryIDs"):
        value = json.dumps(json.loads(good)[name])
        twice = good[:-1] + f', "{name}": {value}}}'
        assert code_of(lambda r=twice: ca.verify(r.encode())) == ias.INVALID_REPORT
    other = good[:-1] + ', "id": 7, "id": [null], "platformInfoBlob": {"a": 1}}'
    assert ca.verify(other.encode()).confidence_level == 3
    assert ca.verify(make_report(id=None, version=None)).confidence_level == 3


@pytest.mark.parametrize("status", ["", "UNKNOWN", "GROUP_REVOKED", "ok"])
def test_bad_quote_status(ca: SigningCA, status: Any) -> None:
    report = make_report(isvEnclaveQuoteStatus=status)
    assert code_of(lambda: ca.verify(report)) == "PhalaRegistry.InvalidQuoteStatus"


@pytest.mark.parametrize(
    "body",
    [
        "",
        "UNKNOWN",
        base64.b64encode(make_body(length=431)).decode(),
        base64.b64encode(make_body(length=433)).decode().rstrip("="),
        base64.b64encode(make_body(length=433)).decode()[:-3] + "B==",  # non-zero trailing bits
        base64.b64encode(make_body()).decode() + "=",
        base64.urlsafe_b64encode(bytes([0xFF]) * 432).decode(),
        " " + base64.b64encode(make_body()).decode(),
    ],
)
def test_bad_quote_body(ca: SigningCA, body: Any) -> None:
    report = make_report(isvEnclaveQuoteBody=body)
    assert code_of(lambda: ca.verify(report)) == ias.UNKNOWN_QUOTE_BODY_FORMAT


def test_check_order(ca: SigningCA) -> None:
    """Signature and chain, JSON, timestamp, status, quote body [ATT-7]..[ATT-11]."""
    all_bad = make_report(timestamp="x", isvEnclaveQuoteStatus="x", isvEnclaveQuoteBody="x")
    assert code_of(lambda: ca.verify(all_bad)) == ias.BAD_IAS_REPORT
    assert code_of(lambda: ca.verify(all_bad, now=0)) == ias.INVALID_IAS_SIGNING_CERT
    status_and_body = make_report(isvEnclaveQuoteStatus="x", isvEnclaveQuoteBody="x")
    assert code_of(lambda: ca.verify(status_and_body)) == "PhalaRegistry.InvalidQuoteStatus"


SHORT_BODY = base64.b64encode(make_body(length=431)).decode()
CA_RUNTIME = bytes([0xE1]) * 32 + b"\x02\x01\x04\x03" + bytes([0x51]) * 32  # make_body's


def _ca_validate(
    ca: SigningCA,
    report: bytes,
    now: int = 1_700_000_000,
    allowlisted: bool = True,
    bound: bool = True,
) -> AttestationReport:
    return ias.validate_ias(
        report,
        ca.sign(report),
        ca.leaf_der,
        bytes(range(32)) if bound else bytes(32),
        now,
        (CA_RUNTIME,) if allowlisted else (),
        True,
        trust_roots=(ca.root_pem,),
    )


GOOD_BODY = base64.b64encode(make_body()).decode()
NOW = 1_700_000_000  # make_report's timestamp
STALE = NOW + ias.IAS_REPORT_MAX_AGE


@attrs.frozen
class Pair:
    """An input failing two adjacent checks [ATT-6] [ATT-12]: ``first`` decides; with the
    first failure cured (``cure`` fields, ``cure_settings``), ``second`` does."""

    name: str
    fields: dict[str, Any]
    settings: dict[str, Any]
    cure: dict[str, Any]
    cure_settings: dict[str, Any]
    first: str
    second: str


PRECEDENCE = [
    Pair(
        "certificate, JSON",
        {"timestamp": None},
        {"now": 0},
        {},
        {"now": NOW},
        ias.INVALID_IAS_SIGNING_CERT,
        ias.INVALID_REPORT,
    ),
    Pair(
        "JSON, time",
        {"timestamp": "x", "isvEnclaveQuoteBody": None},
        {},
        {"isvEnclaveQuoteBody": GOOD_BODY},
        {},
        ias.INVALID_REPORT,
        ias.BAD_IAS_REPORT,
    ),
    Pair(
        "time, status",
        {"timestamp": "x", "isvEnclaveQuoteStatus": "x"},
        {},
        {"timestamp": "2023-11-14T22:13:20.5"},
        {},
        ias.BAD_IAS_REPORT,
        "PhalaRegistry.InvalidQuoteStatus",
    ),
    Pair(
        "status, quote body",
        {"isvEnclaveQuoteStatus": "x", "isvEnclaveQuoteBody": SHORT_BODY},
        {},
        {"isvEnclaveQuoteStatus": "OK"},
        {},
        "PhalaRegistry.InvalidQuoteStatus",
        ias.UNKNOWN_QUOTE_BODY_FORMAT,
    ),
    Pair(
        "quote body, allowlist",
        {"isvEnclaveQuoteBody": SHORT_BODY},
        {"allowlisted": False},
        {"isvEnclaveQuoteBody": GOOD_BODY},
        {},
        ias.UNKNOWN_QUOTE_BODY_FORMAT,
        ias.PRUNTIME_REJECTED,
    ),
    Pair(
        "allowlist, freshness",
        {},
        {"allowlisted": False, "now": STALE},
        {},
        {"allowlisted": True},
        ias.PRUNTIME_REJECTED,
        ias.OUTDATED_IAS_REPORT,
    ),
    Pair(
        "freshness, user data",
        {},
        {"now": STALE, "bound": False},
        {},
        {"now": STALE - 1},
        ias.OUTDATED_IAS_REPORT,
        ias.INVALID_RUNTIME_INFO_HASH,
    ),
]


@pytest.mark.parametrize("pair", PRECEDENCE, ids=[p.name for p in PRECEDENCE])
def test_each_check_before_the_next(ca: SigningCA, pair: Pair) -> None:
    """Certificate, JSON, time, status, quote body, allowlist, freshness, user data."""
    both = make_report(**pair.fields)
    assert code_of(lambda: _ca_validate(ca, both, **pair.settings)) == pair.first
    cured = make_report(**{**pair.fields, **pair.cure})
    settings = {**pair.settings, **pair.cure_settings}
    assert code_of(lambda: _ca_validate(ca, cured, **settings)) == pair.second


def test_future_report_is_fresh(ca: SigningCA) -> None:
    report = make_report()
    got = ias.validate_ias(
        report,
        ca.sign(report),
        ca.leaf_der,
        bytes(range(32)),
        1_700_000_000 - 86_400,
        (),
        False,
        trust_roots=(ca.root_pem,),
    )
    assert got.timestamp == 1_700_000_000


@given(st.binary(max_size=700))
def test_arbitrary_signed_reports_are_typed_errors(report: bytes) -> None:
    ca = _shared_ca()
    try:
        ca.verify(report)
    except DispatchError as exc:
        assert exc.code in ALL_CODES


@given(
    st.dictionaries(
        st.sampled_from(
            ["timestamp", "isvEnclaveQuoteStatus", "isvEnclaveQuoteBody", "advisoryIDs"]
        ),
        st.none()
        | st.integers()
        | st.text(max_size=20)
        | st.lists(st.text(max_size=5), max_size=3),
    )
)
def test_arbitrary_signed_fields_are_typed_errors(fields: dict[str, Any]) -> None:
    ca = _shared_ca()
    try:
        ca.verify(make_report(**fields))
    except DispatchError as exc:
        assert exc.code in ALL_CODES


_CA: list[SigningCA] = []


def _shared_ca() -> SigningCA:
    if not _CA:
        _CA.append(SigningCA())
    return _CA[0]


@given(st.data())
def test_mutated_certificate_is_a_typed_error(data: st.DataObject) -> None:
    ev, f = load_sample("crate")
    cert = bytearray(ev.raw_signing_cert)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(cert) - 1))
        cert[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(cert)))
    mutated = bytes(cert[:cut]) if data.draw(st.booleans()) else bytes(cert)
    try:
        ias.verify_ias(ev.ra_report, ev.signature, mutated, f["timestamp"])
    except DispatchError as exc:
        assert exc.code == ias.INVALID_IAS_SIGNING_CERT
    else:
        # Only a change outside what the root signed could still verify.
        original = x509.load_der_x509_certificate(ev.raw_signing_cert)
        assert x509.load_der_x509_certificate(mutated).tbs_certificate_bytes == (
            original.tbs_certificate_bytes
        )


@pytest.mark.parametrize(
    "raw",
    [
        "2021-09-12T18:06:20",
        "2021-09-12T18:06:20.123456",
        "2020-02-29T00:00:00",
        "2021-06-30T23:59:60",
    ],
)
def test_report_timestamps_that_parse(raw: str) -> None:
    """[ATT-9] RFC 3339 in UTC, the fraction dropped, a leap second counted as the 59th."""
    import calendar

    date, time = raw.split("T")
    y, mo, d = (int(x) for x in date.split("-"))
    h, mi, sec = time.split(":")
    expected = calendar.timegm((y, mo, d, int(h), int(mi), min(int(float(sec)), 59), 0, 0, 0))
    assert ias.parse_report_timestamp(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2021-09-12 18:06:20",
        "2021-02-29T00:00:00",
        "2021-13-01T00:00:00",
        "2021-09-12T24:00:00",
        "2021-09-12T18:06:20Z",
        "tomorrow",
    ],
)
def test_malformed_report_timestamps_are_bad_ias_reports(raw: str) -> None:
    """[ATT-9] a timestamp that is not a valid RFC 3339 UTC time: `BadIASReport`."""
    with pytest.raises(DispatchError) as info:
        ias.parse_report_timestamp(raw)
    assert info.value.code == "PhalaRegistry.BadIASReport"


@pytest.mark.parametrize(
    "raw", ["not base64!", "QUJD", base64.b64encode(bytes(431)).decode(), "QUJ=D"]
)
def test_malformed_quote_bodies(raw: str) -> None:
    """[ATT-11] a quote body that is not canonical base64 of at least 432 bytes: `UnknownQuoteBodyFormat`."""
    with pytest.raises(DispatchError) as info:
        ias.decode_quote_body(raw)
    assert info.value.code == "PhalaRegistry.UnknownQuoteBodyFormat"
    assert ias.decode_quote_body(base64.b64encode(bytes(432)).decode()) == bytes(432)


# --- the test signing root [ATT-13] -----------------------------------------------------------


INFO = WorkerRegistrationInfoV2(
    version=1,
    machine_id=b"m",
    pubkey=dev_keypair("w").public,
    ecdh_pubkey=b"\x02" * 32,
    genesis_block_hash=b"\x03" * 32,
    features=(1, 4),
    operator=None,
    para_id=2035,
    max_consensus_version=0,
)


def test_test_root_signs_deterministically_and_only_it_verifies() -> None:
    """[ATT-13] The shipped signing certificate is issued by the test root, not by Intel's;
    its signatures are PKCS#1 v1.5, so the same report gives the same evidence."""
    report = make_report()
    ev = ias_test_evidence(report)
    assert ev == ias_test_evidence(report)
    cert = x509.load_der_x509_certificate(ev.raw_signing_cert)
    root = x509.load_pem_x509_certificate(TEST_IAS_ROOT_PEM.encode())
    cert.verify_directly_issued_by(root)
    assert (cert.not_valid_before_utc, cert.not_valid_after_utc) == (
        dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2039, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
    )
    got = ias.verify_ias(
        ev.ra_report,
        ev.signature,
        ev.raw_signing_cert,
        NOW,
        trust_roots=(INTEL_IAS_REPORT_SIGNING_ROOT_PEM, TEST_IAS_ROOT_PEM),
    )
    assert (got.timestamp, got.confidence_level) == (NOW, 3)
    assert (
        code_of(lambda: ias.verify_ias(ev.ra_report, ev.signature, ev.raw_signing_cert, NOW))
        == ias.INVALID_IAS_SIGNING_CERT
    )


def test_chain_trusts_the_test_root_only_when_configured() -> None:
    """[ATT-13] Off on every preset, and then absent from the config's plain data; a genesis
    override turns it on, and the chain then verifies test-root evidence through [ATT-12]."""
    body = bytearray(make_body())
    body[HEADER + 320 : HEADER + 352] = blake2b_256(INFO.encode())
    report = make_report(isvEnclaveQuoteBody=base64.b64encode(bytes(body)).decode())
    ev = ias_test_evidence(report)
    att = IasAttestation(ev.ra_report, ev.signature, ev.raw_signing_cert)

    def outcome(state: Any) -> object:
        state = attrs.evolve(
            state, registry=attrs.evolve(state.registry, pruntime_allowlist=(CA_RUNTIME,))
        )
        try:
            return validate_attestation(state, att, blake2b_256(INFO.encode()), NOW)
        except DispatchError as exc:
            return exc.code

    for preset in ("phala", "khala", "minimal"):
        state = genesis(preset)
        assert state.config.ias_test_root is False
        assert "ias_test_root" not in to_data(state.config)
        assert outcome(state) == ias.INVALID_IAS_SIGNING_CERT
    on = genesis("minimal", {"config": {"ias_test_root": True}})
    assert to_data(on.config)["ias_test_root"] is True
    assert outcome(on) == ("Ias", 3)
