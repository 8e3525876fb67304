"""The test roots and the synthetic evidence made under them [ATT-13] [ATT-39].

The DCAP test root is made again from its label and compared with the committed one; the
corpus's default evidence verifies under it only when the chain trusts it; the IAS test
root's shipped key is the root's, so the corpus can issue signing certificates under it.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from phala_spec.conformance import dcap_corpus as corpus
from phala_spec.conformance import ias_corpus
from phala_spec.network import genesis_state
from phala_spec.pallets.registry.workers import validate_attestation
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.errors import DispatchError
from phala_spec.runtime.genesis import genesis
from phala_spec.steps import apply_step
from phala_spec.tee import dcap, ias
from phala_spec.tee.attestation import dcap_runtime_hash
from phala_spec.tee.dcap_test_root import (
    TEST_DCAP_ROOT_CA_PEM,
    TEST_DCAP_ROOT_KEY_PEM,
    TEST_DCAP_ROOT_LABEL,
    dcap_trust_roots,
)
from phala_spec.tee.evidence import DcapAttestation
from phala_spec.tee.ias_test_root import (
    TEST_IAS_ROOT_KEY_PEM,
    TEST_IAS_ROOT_PEM,
    TEST_IAS_SIGNING_CERT_PEM,
)

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
TRUSTED = dcap_trust_roots(True)


def _verify(quote: bytes, coll: bytes, roots: tuple[str, ...] = TRUSTED) -> object:
    try:
        return dcap.verify_dcap(quote, dcap.decode_collateral(coll), corpus.NOW, trust_roots=roots)
    except DispatchError as exc:
        return exc.code


def test_dcap_test_root_is_made_again_from_its_label() -> None:
    """[ATT-39] The key's scalar is BLAKE2b-256 of the label reduced into 1..n-1; the
    certificate, signed with RFC 6979 ECDSA, comes out byte for byte the committed one."""
    scalar = int.from_bytes(blake2b_256(TEST_DCAP_ROOT_LABEL), "big") % (N - 1) + 1
    key = ec.derive_private_key(scalar, ec.SECP256R1())
    shipped = serialization.load_pem_private_key(TEST_DCAP_ROOT_KEY_PEM.encode(), None)
    assert isinstance(shipped, ec.EllipticCurvePrivateKey)
    assert shipped.private_numbers().private_value == scalar
    cert = x509.load_pem_x509_certificate(TEST_DCAP_ROOT_CA_PEM.encode())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "phala-spec"),
            x509.NameAttribute(NameOID.COMMON_NAME, "TEST ONLY phala-spec SGX Root CA"),
        ]
    )
    again = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(cert.serial_number)
        .not_valid_before(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2099, 12, 31, 23, 59, 59, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    assert again.public_bytes(serialization.Encoding.PEM).decode() == TEST_DCAP_ROOT_CA_PEM
    assert cert.subject == cert.issuer == name


def test_corpus_default_verifies_only_under_the_test_root() -> None:
    """[ATT-39] [ATT-33] The default evidence verifies with the test root trusted: confidence 1,
    the DCAP pRuntime hash (big-endian fields), the quote's report data; with Intel's root
    alone it is `InvalidDCAPQuote`. The generator is deterministic."""
    quote, coll = corpus.quote(), corpus.collateral()
    assert (quote, coll) == (corpus.quote(), corpus.collateral())
    report = _verify(quote, coll)
    assert isinstance(report, dcap.AttestationReport)
    assert report.confidence_level == 1 and report.timestamp is None
    assert report.runtime_hash == dcap_runtime_hash(
        corpus.MR_ENCLAVE, 0x0102, 0x0304, corpus.MR_SIGNER
    )
    assert report.runtime_hash[32:36] == bytes([1, 2, 3, 4])
    assert report.report_data == corpus.REPORT_DATA
    assert _verify(quote, coll, dcap.INTEL_ONLY) == dcap.INVALID_DCAP_QUOTE


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"version": 4}, "quote version"),
        ({"pck_key": "someone-else"}, "QE report signature"),
        ({"qe_report_data": bytes(64)}, "QE report data"),
        ({"cert_data_len": 10_000}, "truncated"),
    ],
)
def test_corpus_changes_one_thing(changes: dict[str, object], detail: str) -> None:
    """Each change of the generator fails the check it aims at, not another [ATT-23]..[ATT-28]."""
    with pytest.raises(DispatchError) as info:
        dcap.verify_dcap(
            corpus.quote(**changes),
            dcap.decode_collateral(corpus.collateral()),
            corpus.NOW,
            trust_roots=TRUSTED,
        )
    assert detail in info.value.detail


def test_dcap_test_root_flag_off_everywhere_and_sparse() -> None:
    """[ATT-39] [GEN-2] Off on every preset and then absent from the config's plain data; a
    genesis override turns it on, for the `verify_dcap` step and for registration alike."""
    quote, coll = corpus.quote(), corpus.collateral()
    step = {"kind": "verify_dcap", "quote": quote, "collateral": coll, "now": corpus.NOW}
    att = DcapAttestation(quote, dcap.decode_collateral(coll))
    user = corpus.REPORT_DATA[:32]

    def register(state: object) -> object:
        chain = attrs.evolve(
            state,
            registry=attrs.evolve(state.registry, pruntime_allowlist=(corpus.RUNTIME_HASH,)),  # type: ignore[attr-defined]
        )
        try:
            return validate_attestation(chain, att, user, corpus.NOW)
        except DispatchError as exc:
            return exc.code

    for preset in ("phala", "khala", "minimal"):
        state = genesis(preset)
        assert state.config.dcap_test_root is False
        assert "dcap_test_root" not in to_data(state.config)
        assert apply_step(genesis_state(preset), step).outcome == dcap.INVALID_DCAP_QUOTE
        assert register(state) == dcap.INVALID_DCAP_QUOTE
    on = genesis("minimal", {"config": {"dcap_test_root": True}})
    assert to_data(on.config)["dcap_test_root"] is True
    overrides = {"config": {"dcap_test_root": True}}
    assert apply_step(genesis_state("minimal", overrides), step).outcome == "ok"
    assert register(on) == ("Dcap", 1)


def test_ias_test_root_key_issues_signing_certificates() -> None:
    """[ATT-13] The shipped root key is the test root's: it signed the default signing
    certificate, and the corpus's other signing certificates chain to the root too."""
    root = x509.load_pem_x509_certificate(TEST_IAS_ROOT_PEM.encode())
    key = serialization.load_pem_private_key(TEST_IAS_ROOT_KEY_PEM.encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.public_key().public_numbers() == root.public_key().public_numbers()  # type: ignore[union-attr]
    x509.load_pem_x509_certificate(TEST_IAS_SIGNING_CERT_PEM.encode()).verify_directly_issued_by(
        root
    )
    for kind in ias_corpus.KEYS:
        cert = x509.load_der_x509_certificate(ias_corpus.signing_cert(kind))
        cert.verify_directly_issued_by(root)
    sizes = {
        kind: ias_corpus.private_key(kind).key_size for kind in ("default", "rsa2047", "rsa8192")
    }
    assert sizes == {"default": 2048, "rsa2047": 2047, "rsa8192": 8192}


def test_ias_corpus_evidence_verifies_under_the_test_root() -> None:
    """[ATT-7] [ATT-13] A report signed with the 8192-bit key verifies through the test root;
    with the 2047-bit key it is `InvalidIASSigningCert`."""
    report = b'{"timestamp":"2023-11-14T22:13:20","isvEnclaveQuoteStatus":"OK",' + (
        b'"isvEnclaveQuoteBody":"' + b"A" * 576 + b'"}'
    )
    roots = (ias.INTEL_ONLY[0], TEST_IAS_ROOT_PEM)
    for kind, ok in (("rsa8192", True), ("rsa2047", False)):
        ev = ias_corpus.evidence(report, kind)
        try:
            ias.verify_ias(
                ev["ra_report"],
                ev["signature"],
                ev["raw_signing_cert"],
                1_700_000_000,
                trust_roots=roots,
            )
            result = True
        except DispatchError as exc:
            assert exc.code == ias.INVALID_IAS_SIGNING_CERT
            result = False
        assert result is ok
    signature = ias_corpus.private_key("rsa8192").sign(report, padding.PKCS1v15(), hashes.SHA256())
    assert ias_corpus.evidence(report, "rsa8192")["signature"] == signature
