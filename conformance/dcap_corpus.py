"""Synthetic DCAP evidence under the test root CA [ATT-39]: quotes and collateral with chosen fields.

The generator behind the DCAP corpus vectors. Everything the chain reads of DCAP
evidence ([ATT-21]..[ATT-33]) can be chosen here: the quote's header, enclave
report, QE report, signatures, length fields and certification data; the PCK
certificate's SGX extension (FMSPC, CPU SVN, PCESVN, down to the raw DER); every
certificate of both chains (keys, names, validity, CA flag, signer); the TCB info
document, its signature and its issuer chain; the collateral's SCALE encoding. A
default :class:`Quote` and :class:`Collateral` verify at :data:`NOW` under the test
root; each vector changes one thing (or two, for a precedence).

Everything is deterministic: keys are derived from labels, ECDSA signatures follow
RFC 6979, certificate serials and dates are fixed. So the same specification always
gives the same bytes, and the vectors made from it are stable.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence
from typing import Any

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from phala_spec.primitives.codec import blake2b_256
from phala_spec.tee.attestation import dcap_runtime_hash
from phala_spec.tee.dcap_test_root import TEST_DCAP_ROOT_CA_PEM, TEST_DCAP_ROOT_KEY_PEM

NOW = 1_750_000_000  # 2025-06-15T15:06:40Z: the corpus is verified at this block time
DAY = 86_400
VALID_FROM = NOW - 365 * DAY  # the default validity of every certificate the corpus issues
VALID_UNTIL = NOW + 365 * DAY

SGX = "1.2.840.113741.1.13.1"  # [ATT-29] the PCK certificate's SGX extension
ROOT_CN = "TEST ONLY phala-spec SGX Root CA"

# The platform the default PCK certificate describes [ATT-29].
FMSPC = bytes.fromhex("00906EA10000")
CPU_SVN = bytes([5, 5, 2, 2, 4, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0])
PCE_SVN = 11

# The enclave of the default quote [ATT-23]: isv_prod_id and isv_svn not zero, so the DCAP
# pRuntime hash's big-endian fields differ from the quote's little-endian bytes [ATT-3].
MR_ENCLAVE = blake2b_256(b"phala-spec/vectors/dcap/mr_enclave")
MR_SIGNER = blake2b_256(b"phala-spec/vectors/dcap/mr_signer")
ISV_PROD_ID = 0x0102
ISV_SVN = 0x0304
REPORT_DATA = blake2b_256(b"phala-spec/vectors/dcap/report_data") + bytes(32)
RUNTIME_HASH = dcap_runtime_hash(MR_ENCLAVE, ISV_PROD_ID, ISV_SVN, MR_SIGNER)
QE_AUTH_DATA = bytes(range(32))

_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


# --- Keys and signatures ----------------------------------------------------------------------


@functools.cache
def key(label: str) -> ec.EllipticCurvePrivateKey:
    """The corpus key named ``label`` (``root`` is the test root's [ATT-39]): a scalar derived
    from the label, on P-256, or on P-384 when the label ends in ``-p384`` (a key the chain
    must refuse)."""
    if label == "root":
        root = serialization.load_pem_private_key(TEST_DCAP_ROOT_KEY_PEM.encode(), None)
        assert isinstance(root, ec.EllipticCurvePrivateKey)
        return root
    seed = int.from_bytes(blake2b_256(f"phala-spec/dev/dcap-corpus/{label}".encode()), "big")
    curve: ec.EllipticCurve = ec.SECP384R1() if label.endswith("-p384") else ec.SECP256R1()
    return ec.derive_private_key(seed % (_P256_ORDER - 1) + 1, curve)


def sign_raw(label: str, data: bytes) -> bytes:
    """ECDSA-P256-SHA256 of ``data`` as the 64-byte ``r ‖ s`` the chain reads [ATT-25]."""
    der = key(label).sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def public_xy(label: str) -> bytes:
    """The 64-byte ``x ‖ y`` of a P-256 key, as the quote carries the attestation key [ATT-23]."""
    point = (
        key(label)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return point[1:]


# --- DER for the SGX extension [ATT-29] --------------------------------------------------------


def der_length(n: int) -> bytes:
    """A DER length, short form below 128, else the shortest long form."""
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der(tag: int, body: bytes, length: bytes | None = None) -> bytes:
    """A TLV; ``length`` replaces the encoded length (to make bad DER)."""
    return bytes([tag]) + (der_length(len(body)) if length is None else length) + body


def oid_body(dotted: str) -> bytes:
    """The content octets of an OBJECT IDENTIFIER."""
    first, second, *rest = (int(p) for p in dotted.split("."))
    out = bytearray()
    for part in (first * 40 + second, *rest):
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def der_uint(n: int) -> bytes:
    """A non-negative INTEGER, minimal two's complement."""
    return der(0x02, n.to_bytes(n.bit_length() // 8 + 1, "big"))


def entry(oid: str | bytes, value: bytes) -> bytes:
    """One ``SEQUENCE {OID, value}`` of the extension; ``oid`` dotted, or raw content octets."""
    body = oid_body(oid) if isinstance(oid, str) else oid
    return der(0x30, der(0x06, body) + value)


def tcb_entries(cpu_svn: bytes = CPU_SVN, pce_svn: int = PCE_SVN) -> list[bytes]:
    """The TCB's entries as Intel lists them: components ``.2.1``..``.2.16`` (INTEGERs, not read),
    PCESVN ``.2.17``, CPUSVN ``.2.18`` [ATT-29]."""
    components = [entry(f"{SGX}.2.{i + 1}", der_uint(cpu_svn[i])) for i in range(16)]
    return [
        *components,
        entry(f"{SGX}.2.17", der_uint(pce_svn)),
        entry(f"{SGX}.2.18", der(0x04, cpu_svn)),
    ]


def top_entries(
    fmspc: bytes = FMSPC, tcb: Sequence[bytes] | None = None, *, fmspc_tag: int = 0x04
) -> list[bytes]:
    """The extension's entries as Intel lists them: PPID ``.1``, TCB ``.2``, PCE-ID ``.3``,
    FMSPC ``.4``, SGX type ``.5`` [ATT-29]."""
    tcb_body = b"".join(tcb_entries() if tcb is None else tcb)
    return [
        entry(f"{SGX}.1", der(0x04, blake2b_256(b"phala-spec/vectors/dcap/ppid")[:16])),
        entry(f"{SGX}.2", der(0x30, tcb_body)),
        entry(f"{SGX}.3", der(0x04, b"\x00\x00")),
        entry(f"{SGX}.4", der(fmspc_tag, fmspc)),
        entry(f"{SGX}.5", der(0x0A, b"\x00")),
    ]


def sgx_extension(entries: Sequence[bytes] | None = None) -> bytes:
    """The extension's value: ``SEQUENCE OF SEQUENCE {OID, value}`` [ATT-29]."""
    return der(0x30, b"".join(top_entries() if entries is None else entries))


# --- Certificates [ATT-24] ---------------------------------------------------------------------


@attrs.frozen
class Cert:
    """A certificate the corpus issues: its subject, key, issuer name and signer, validity,
    CA flag (``None``: no basic constraints) and, for a PCK certificate, the SGX extension."""

    cn: str
    key: str
    signer: str = "root"
    issuer_cn: str = ROOT_CN
    not_before: int = VALID_FROM
    not_after: int = VALID_UNTIL
    ca: bool | None = False
    signature_hash: str = "sha256"
    sgx: bytes | None = None


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "phala-spec"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _time(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


@functools.cache
def certificate(spec: Cert) -> x509.Certificate:
    """The certificate of ``spec``, signed with deterministic ECDSA."""
    public = key(spec.key).public_key()
    serial = int.from_bytes(blake2b_256(repr(spec).encode())[:8], "big") >> 1
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(spec.cn))
        .issuer_name(_name(spec.issuer_cn))
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(_time(spec.not_before))
        .not_valid_after(_time(spec.not_after))
    )
    if spec.ca is not None:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=spec.ca, path_length=None), critical=True
        )
    if spec.sgx is not None:
        ext = x509.UnrecognizedExtension(x509.ObjectIdentifier(SGX), spec.sgx)
        builder = builder.add_extension(ext, critical=False)
    algorithm = hashes.SHA384() if spec.signature_hash == "sha384" else hashes.SHA256()
    return builder.sign(key(spec.signer), algorithm, ecdsa_deterministic=True)


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


ROOT_PEM = TEST_DCAP_ROOT_CA_PEM
PCK_CA = Cert("TEST SGX PCK Platform CA", "pck-ca", ca=True)
PCK_LEAF = Cert(
    "TEST SGX PCK Certificate", "pck", "pck-ca", PCK_CA.cn, sgx=sgx_extension(), ca=False
)
TCB_SIGNER = Cert("TEST SGX TCB Signing", "tcb-signing")


def chain(*certs: Cert, root: bool = True, tail: str = "") -> str:
    """PEM text of ``certs`` in order, then a copy of the test root (as Intel's chains end with
    theirs), then ``tail``."""
    return "".join(pem(certificate(c)) for c in certs) + (ROOT_PEM if root else "") + tail


def pck_leaf(**changes: Any) -> Cert:
    """The default PCK certificate with some fields changed."""
    return attrs.evolve(PCK_LEAF, **changes)


# --- The quote [ATT-23] ------------------------------------------------------------------------


def report_body(
    *,
    mr_enclave: bytes,
    mr_signer: bytes,
    isv_prod_id: int,
    isv_svn: int,
    report_data: bytes,
    cpu_svn: bytes = CPU_SVN,
) -> bytes:
    """A 384-byte SGX report body [ATT-23]; attributes and reserved ranges zero."""
    body = bytearray(384)
    body[0:16] = cpu_svn
    body[64:96] = mr_enclave
    body[128:160] = mr_signer
    body[256:258] = isv_prod_id.to_bytes(2, "little")
    body[258:260] = isv_svn.to_bytes(2, "little")
    body[320:384] = report_data
    return bytes(body)


QE_MR_ENCLAVE = blake2b_256(b"phala-spec/vectors/dcap/qe_mr_enclave")
QE_MR_SIGNER = blake2b_256(b"phala-spec/vectors/dcap/qe_mr_signer")


@attrs.frozen
class Quote:
    """A v3 quote [ATT-23]. ``None`` fields are computed: the lengths from what follows them,
    the signatures by the right keys, the QE report data from the binding of [ATT-28]."""

    version: int = 3
    key_type: int = 2
    # TEE type 0 (SGX), QE SVN 8, PCE SVN 11, Intel's QE vendor id, user data
    header_rest: bytes = (
        bytes(4)
        + bytes([8, 0, 11, 0])
        + bytes.fromhex("939a7233f79c4ca9940a0db3957f0607")
        + bytes(20)
    )
    mr_enclave: bytes = MR_ENCLAVE
    mr_signer: bytes = MR_SIGNER
    isv_prod_id: int = ISV_PROD_ID
    isv_svn: int = ISV_SVN
    report_data: bytes = REPORT_DATA
    attestation_key: str = "attestation"  # signs the ISV report
    attestation_pubkey: bytes | None = None  # the 64 bytes carried (default: that key's)
    isv_signature: bytes | None = None
    qe_report_data: bytes | None = None
    pck_key: str = "pck"  # signs the QE report
    qe_signature: bytes | None = None
    qe_auth_data: bytes = QE_AUTH_DATA
    cert_type: int = 5
    cert_data: bytes | None = None  # default: the PCK chain, NUL-terminated as Intel's
    signature_data_len: int | None = None
    qe_auth_len: int | None = None
    cert_data_len: int | None = None
    trailing: bytes = b""

    def header(self) -> bytes:
        return (
            self.version.to_bytes(2, "little")
            + self.key_type.to_bytes(2, "little")
            + self.header_rest
        )

    def body(self) -> bytes:
        return report_body(
            mr_enclave=self.mr_enclave,
            mr_signer=self.mr_signer,
            isv_prod_id=self.isv_prod_id,
            isv_svn=self.isv_svn,
            report_data=self.report_data,
        )

    def encode(self) -> bytes:
        signed = self.header() + self.body()
        att_pub = (
            public_xy(self.attestation_key)
            if self.attestation_pubkey is None
            else (self.attestation_pubkey)
        )
        binding = hashlib.sha256(att_pub + self.qe_auth_data).digest() + bytes(32)
        qe_report = report_body(
            mr_enclave=QE_MR_ENCLAVE,
            mr_signer=QE_MR_SIGNER,
            isv_prod_id=1,
            isv_svn=8,
            report_data=binding if self.qe_report_data is None else self.qe_report_data,
        )
        isv_sig = sign_raw(self.attestation_key, signed)
        qe_sig = sign_raw(self.pck_key, qe_report)
        cert_data = (
            (chain(PCK_LEAF, PCK_CA, tail="\x00")).encode()
            if self.cert_data is None
            else (self.cert_data)
        )
        auth_len = len(self.qe_auth_data) if self.qe_auth_len is None else self.qe_auth_len
        cert_len = len(cert_data) if self.cert_data_len is None else self.cert_data_len
        sig_data = (
            (isv_sig if self.isv_signature is None else self.isv_signature)
            + att_pub
            + qe_report
            + (qe_sig if self.qe_signature is None else self.qe_signature)
            + auth_len.to_bytes(2, "little")
            + self.qe_auth_data
            + self.cert_type.to_bytes(2, "little")
            + cert_len.to_bytes(4, "little")
            + cert_data
        )
        sig_len = len(sig_data) if self.signature_data_len is None else self.signature_data_len
        return signed + sig_len.to_bytes(4, "little") + sig_data + self.trailing


def quote(**changes: Any) -> bytes:
    """The default quote with some fields changed, encoded."""
    return Quote(**changes).encode()


def pck_data(*certs: Cert, tail: str = "\x00") -> bytes:
    """Certification data: a PCK chain of ``certs``, the test root, ``tail``."""
    return chain(*certs, tail=tail).encode()


# --- TCB info and the collateral [ATT-21] [ATT-27] ---------------------------------------------


def rfc3339(seconds: int) -> str:
    return _time(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


def level(
    components: Sequence[int] = CPU_SVN,
    pcesvn: int = PCE_SVN,
    status: str = "UpToDate",
    advisories: Sequence[str] | None = None,
) -> dict[str, Any]:
    """One TCB level of the TCB info [ATT-27]; ``advisories`` ``None`` leaves the member out."""
    lv: dict[str, Any] = {
        "tcb": {"sgxtcbcomponents": [{"svn": c} for c in components], "pcesvn": pcesvn},
        "tcbDate": "2024-01-01T00:00:00Z",
        "tcbStatus": status,
    }
    if advisories is not None:
        lv["advisoryIDs"] = list(advisories)
    return lv


def tcb_info(
    levels: Sequence[Any] | None = None,
    *,
    fmspc: Any = None,
    next_update: Any = None,
    issue_date: Any = None,
    **members: Any,
) -> dict[str, Any]:
    """A TCB info document [ATT-27]: by default one level the platform meets exactly
    (`UpToDate`), issued a day before :data:`NOW`, next update thirty days after. Any member
    may be given any JSON value, to make the document malformed."""
    doc: dict[str, Any] = {
        "id": "SGX",
        "version": 3,
        "issueDate": rfc3339(NOW - DAY) if issue_date is None else issue_date,
        "nextUpdate": rfc3339(NOW + 30 * DAY) if next_update is None else next_update,
        "fmspc": FMSPC.hex().upper() if fmspc is None else fmspc,
        "pceId": "0000",
        "tcbType": 0,
        "tcbEvaluationDataNumber": 17,
        "tcbLevels": [level()] if levels is None else list(levels),
    }
    doc.update(members)
    return doc


def text(doc: Any) -> str:
    """JSON as Intel writes it (compact)."""
    return json.dumps(doc, separators=(",", ":"))


def compact(n: int) -> bytes:
    """A canonical SCALE compact length [ATT-21] (the corpus never needs the 2^30 mode)."""
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    return ((n << 2) | 2).to_bytes(4, "little")


@attrs.frozen
class Collateral:
    """An ``SgxV30QuoteCollateral`` [ATT-21]; ``tcb_signature`` ``None`` is the TCB signing
    key's signature of ``tcb_info``. The fields the chain does not read ([ATT-32]) are left
    empty unless a vector fills them."""

    tcb_info: str = attrs.field(factory=lambda: text(tcb_info()))
    tcb_signature: bytes | None = None
    tcb_signer: str = "tcb-signing"
    tcb_chain: str = attrs.field(factory=lambda: chain(TCB_SIGNER))
    pck_crl_issuer_chain: bytes = b""
    root_ca_crl: bytes = b""
    pck_crl: bytes = b""
    qe_identity_issuer_chain: bytes = b""
    qe_identity: bytes = b""
    qe_identity_signature: bytes = b""

    def fields(self) -> list[bytes]:
        """The nine fields in SCALE order, as bytes."""
        info = self.tcb_info.encode()
        signature = (
            sign_raw(self.tcb_signer, info) if self.tcb_signature is None else (self.tcb_signature)
        )
        return [
            self.pck_crl_issuer_chain,
            self.root_ca_crl,
            self.pck_crl,
            self.tcb_chain.encode(),
            info,
            signature,
            self.qe_identity_issuer_chain,
            self.qe_identity,
            self.qe_identity_signature,
        ]

    def encode(self) -> bytes:
        return b"".join(compact(len(f)) + f for f in self.fields())


def collateral(info: Any = None, **changes: Any) -> bytes:
    """The default collateral, with ``info`` (a TCB info document, or its text) and other
    fields changed, encoded."""
    if info is not None:
        changes["tcb_info"] = info if isinstance(info, str) else text(info)
    return Collateral(**changes).encode()
