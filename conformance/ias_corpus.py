"""Signing certificates under the test IAS root [ATT-13]: other keys, other validity periods.

The test root's private key ships with the reference, so the vectors can issue signing
certificates that the default one is not: an RSA key one bit short of 2048 bits, an RSA key
of exactly 8192 bits, keys that are not RSA, and validity periods anywhere from 2000 to 9999
(so that a report time can be checked near any date the chain may see). The RSA keys, whose
generation is not deterministic, ship as files beside the production evidence; the other keys
are derived from labels. Signatures are PKCS#1 v1.5 with SHA-256, deterministic.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from phala_spec.primitives.codec import blake2b_256
from phala_spec.tee.ias_test_root import TEST_IAS_ROOT_KEY_PEM, TEST_IAS_SIGNING_KEY_PEM

ROOT_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "phala-spec"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Test IAS Report Signing CA"),
    ]
)

# The keys a signing certificate may carry: the default (RSA-2048), RSA keys at the bounds of
# [ATT-7] (2047 bits, refused; 8192 bits, accepted), and keys that are not RSA.
KEYS = ("default", "rsa2047", "rsa8192", "ed25519", "p256")


def _rsa(pem: bytes) -> rsa.RSAPrivateKey:
    # The keys are the project's own, committed: checking their consistency (slow for 8192
    # bits) would only re-check what was checked when they were made.
    key = serialization.load_pem_private_key(pem, None, unsafe_skip_rsa_key_validation=True)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@functools.cache
def private_key(kind: str) -> Any:
    """The private key of a signing certificate of kind ``kind`` (one of :data:`KEYS`)."""
    if kind == "default":
        return _rsa(TEST_IAS_SIGNING_KEY_PEM.encode())
    if kind in ("rsa2047", "rsa8192"):
        folder = resources.files("phala_spec.conformance") / "evidence"
        return _rsa((folder / f"test_ias_{kind}_key.pem").read_bytes())
    seed = blake2b_256(f"phala-spec/dev/ias-corpus/{kind}".encode())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    if kind == "p256":
        return ec.derive_private_key(int.from_bytes(seed, "big") >> 8, ec.SECP256R1())
    raise ValueError(f"unknown key kind {kind!r}")


def _time(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


@functools.cache
def signing_cert(kind: str = "default", not_before: int = 946_684_800, not_after: int = 0) -> bytes:
    """A signing certificate issued directly by the test root [ATT-7] [ATT-13], DER: a key of
    ``kind``, valid from ``not_before`` (default 2000-01-01) to ``not_after`` (default, ``0``:
    9999-12-31T23:59:59Z)."""
    root = _rsa(TEST_IAS_ROOT_KEY_PEM.encode())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "phala-spec"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Test IAS Report Signing ({kind})"),
        ]
    )
    until = (
        dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
        if not_after == 0
        else (_time(not_after))
    )
    serial = int.from_bytes(blake2b_256(f"{kind}/{not_before}/{not_after}".encode())[:8], "big")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ROOT_NAME)
        .public_key(private_key(kind).public_key())
        .serial_number(serial >> 1)
        .not_valid_before(_time(not_before))
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(root, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def evidence(ra_report: bytes, kind: str = "default", **validity: int) -> dict[str, Any]:
    """``ra_report`` under a signing certificate of ``kind`` (:func:`signing_cert`), as call data
    [REG-9]. A key that cannot sign PKCS#1 v1.5 leaves the default key's signature, which the
    chain never gets to check [ATT-7]."""
    key = (
        private_key(kind) if kind in ("default", "rsa2047", "rsa8192") else (private_key("default"))
    )
    return {
        "kind": "SgxIas",
        "ra_report": ra_report,
        "signature": key.sign(ra_report, padding.PKCS1v15(), hashes.SHA256()),
        "raw_signing_cert": signing_cert(kind, **validity),
    }
