"""Intel SGX DCAP quote verification [ATT-20]..[ATT-34] (spec/attestation.md, section DCAP).

:func:`verify_dcap` turns a DCAP quote (version 3, ECDSA-P256 attestation key,
PEM PCK certificate chain) and its ``SgxV30`` collateral into an
:class:`~phala_spec.tee.attestation.AttestationReport`, as production's
``utils/attestation.rs`` does with the ``sgx-attestation`` DCAP verifier.
``now`` is the block's unix time in seconds, never the wall clock. Every
failure is ``DispatchError("PhalaRegistry.InvalidDCAPQuote")`` with a
``detail`` naming the failed check; a missing collateral is
``PhalaRegistry.UnsupportedAttestationType``. Malformed input of any shape
never escapes as another exception type.

The allowlist check and the report-data binding that follow verification in
production belong to the registry, not here: the report carries
``runtime_hash`` and ``report_data`` for them.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import re
import struct
from typing import Any

import attrs
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import SignatureAlgorithmOID

from ..primitives.errors import DispatchError
from ..primitives.types import is_unsigned
from .attestation import PROVIDER_DCAP, AttestationReport, confidence_level, dcap_runtime_hash
from .intel_dcap_root import INTEL_SGX_ROOT_CA_PEM, INTEL_SGX_ROOT_CA_SHA256

INVALID_DCAP_QUOTE = "PhalaRegistry.InvalidDCAPQuote"
UNSUPPORTED_ATTESTATION_TYPE = "PhalaRegistry.UnsupportedAttestationType"

# [ATT-23] Quote v3 layout.
HEADER_LEN = 48
REPORT_BODY_LEN = 384
SIGNED_LEN = HEADER_LEN + REPORT_BODY_LEN
QUOTE_VERSION = 3
ATTESTATION_KEY_TYPE_ECDSA_P256 = 2
CERT_DATA_TYPE_PCK_CHAIN = 5

# [ATT-29] Intel SGX PCK certificate extension.
SGX_EXTENSION_OID = "1.2.840.113741.1.13.1"
SGX_TCB_OID = SGX_EXTENSION_OID + ".2"
SGX_PCESVN_OID = SGX_TCB_OID + ".17"
SGX_CPUSVN_OID = SGX_TCB_OID + ".18"
SGX_FMSPC_OID = SGX_EXTENSION_OID + ".4"

_MAX_CHAIN_DEPTH = 6

# [ATT-22] The roots production trusts: Intel's alone ([ATT-39] adds the test root).
INTEL_ONLY = (INTEL_SGX_ROOT_CA_PEM,)


def _fail(detail: str) -> DispatchError:
    return DispatchError(INVALID_DCAP_QUOTE, detail)


# ---------------------------------------------------------------------------
# [ATT-21] Collateral


@attrs.frozen
class SgxV30Collateral:
    """Production's ``Collateral::SgxV30`` (``SgxV30QuoteCollateral``), fields in SCALE order."""

    pck_crl_issuer_chain: str
    root_ca_crl: str
    pck_crl: str
    tcb_info_issuer_chain: str
    tcb_info: str
    tcb_info_signature: bytes
    qe_identity_issuer_chain: str
    qe_identity: str
    qe_identity_signature: bytes


def _read_compact(data: bytes, offset: int) -> tuple[int, int]:
    if offset >= len(data):
        raise _fail("collateral: truncated compact length")
    mode = data[offset] & 3
    if mode == 3:
        n = (data[offset] >> 2) + 4
        raw = data[offset + 1 : offset + 1 + n]
        if len(raw) != n:
            raise _fail("collateral: truncated compact length")
        value = int.from_bytes(raw, "little")
        if value < 1 << 30 or raw[-1] == 0:
            raise _fail("collateral: non-canonical compact length")
        return value, offset + 1 + n
    width = (1, 2, 4)[mode]
    raw = data[offset : offset + width]
    if len(raw) != width:
        raise _fail("collateral: truncated compact length")
    value = int.from_bytes(raw, "little") >> 2
    if (mode == 1 and value < 1 << 6) or (mode == 2 and value < 1 << 14):
        raise _fail("collateral: non-canonical compact length")
    return value, offset + width


def decode_collateral(data: bytes) -> SgxV30Collateral:
    """SCALE-decode an ``SgxV30QuoteCollateral`` [ATT-21]: 9 length-prefixed fields, nothing after."""
    fields: list[bytes] = []
    offset = 0
    for _ in range(9):
        n, offset = _read_compact(data, offset)
        if offset + n > len(data):
            raise _fail("collateral: truncated field")
        fields.append(bytes(data[offset : offset + n]))
        offset += n
    if offset != len(data):
        raise _fail("collateral: trailing bytes")
    text: list[str] = []
    for i in (0, 1, 2, 3, 4, 6, 7):
        try:
            text.append(fields[i].decode("utf-8"))
        except UnicodeDecodeError:
            raise _fail("collateral: String field is not UTF-8") from None
    return SgxV30Collateral(
        pck_crl_issuer_chain=text[0],
        root_ca_crl=text[1],
        pck_crl=text[2],
        tcb_info_issuer_chain=text[3],
        tcb_info=text[4],
        tcb_info_signature=fields[5],
        qe_identity_issuer_chain=text[5],
        qe_identity=text[6],
        qe_identity_signature=fields[8],
    )


# ---------------------------------------------------------------------------
# [ATT-23] Quote v3


@attrs.frozen
class EnclaveReport:
    """An SGX report body (384 bytes) [ATT-23]."""

    cpu_svn: bytes
    mr_enclave: bytes
    mr_signer: bytes
    isv_prod_id: int
    isv_svn: int
    report_data: bytes
    raw: bytes


@attrs.frozen
class QuoteV3:
    version: int
    attestation_key_type: int
    report: EnclaveReport
    isv_report_signature: bytes
    attestation_key: bytes
    qe_report: EnclaveReport
    qe_report_signature: bytes
    qe_auth_data: bytes
    cert_data_type: int
    cert_data: bytes
    signed_bytes: bytes


def parse_report_body(raw: bytes) -> EnclaveReport:
    if len(raw) != REPORT_BODY_LEN:
        raise _fail("report body must be 384 bytes")
    return EnclaveReport(
        cpu_svn=raw[0:16],
        mr_enclave=raw[64:96],
        mr_signer=raw[128:160],
        isv_prod_id=struct.unpack_from("<H", raw, 256)[0],
        isv_svn=struct.unpack_from("<H", raw, 258)[0],
        report_data=raw[320:384],
        raw=raw,
    )


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise _fail(f"quote truncated in {what}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u16(self, what: str) -> int:
        return int(struct.unpack("<H", self.take(2, what))[0])

    def u32(self, what: str) -> int:
        return int(struct.unpack("<I", self.take(4, what))[0])


def parse_quote(quote: bytes) -> QuoteV3:
    """Decode a v3 quote [ATT-23]; only truncation is rejected here, field values in [ATT-26]."""
    r = _Reader(bytes(quote))
    header = r.take(HEADER_LEN, "header")
    version, key_type = struct.unpack_from("<HH", header, 0)
    report = parse_report_body(r.take(REPORT_BODY_LEN, "report body"))
    r.u32("signature data length")  # read, not cross-checked (see [ATT-23])
    isv_sig = r.take(64, "ISV report signature")
    att_key = r.take(64, "attestation key")
    qe_report = parse_report_body(r.take(REPORT_BODY_LEN, "QE report"))
    qe_sig = r.take(64, "QE report signature")
    qe_auth = r.take(r.u16("QE auth data length"), "QE auth data")
    cert_type = r.u16("certification data type")
    cert_data = r.take(r.u32("certification data length"), "certification data")
    return QuoteV3(
        version=version,
        attestation_key_type=key_type,
        report=report,
        isv_report_signature=isv_sig,
        attestation_key=att_key,
        qe_report=qe_report,
        qe_report_signature=qe_sig,
        qe_auth_data=qe_auth,
        cert_data_type=cert_type,
        cert_data=cert_data,
        signed_bytes=bytes(quote[:SIGNED_LEN]),
    )


# ---------------------------------------------------------------------------
# Certificates and signatures [ATT-24], [ATT-25]

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", re.S)


def extract_certs(pem: bytes, what: str) -> list[x509.Certificate]:
    """Every PEM block, in order; text outside blocks is ignored [ATT-24]."""
    certs: list[x509.Certificate] = []
    for m in _PEM_BLOCK.finditer(pem):
        if m.group(1) != b"CERTIFICATE" or m.group(3) != b"CERTIFICATE":
            raise _fail(f"{what}: PEM block is not a CERTIFICATE")
        body = b"".join(m.group(2).split())
        try:
            der = base64.b64decode(body, validate=True)
            certs.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError):
            raise _fail(f"{what}: bad certificate encoding") from None
    if len(certs) < 2:
        raise _fail(f"{what}: certificate chain is too short")
    return certs


def _root() -> x509.Certificate:
    cert = x509.load_pem_x509_certificate(INTEL_SGX_ROOT_CA_PEM.encode())
    if hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest() != INTEL_SGX_ROOT_CA_SHA256:
        raise AssertionError("pinned Intel SGX root CA was modified")
    return cert


def trust_anchors(trust_roots: tuple[str, ...]) -> tuple[x509.Certificate, ...]:
    """The anchors of [ATT-22] from PEM: the pinned Intel root (its hash checked), the test
    root of [ATT-39] when the chain trusts it."""
    return tuple(
        _root() if pem == INTEL_SGX_ROOT_CA_PEM else x509.load_pem_x509_certificate(pem.encode())
        for pem in trust_roots
    )


def _p256_key(cert: x509.Certificate) -> ec.EllipticCurvePublicKey | None:
    try:
        key = cert.public_key()
    except ValueError:
        return None
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    return None


def _verify_der(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def raw_to_der(signature: bytes) -> bytes:
    """A 64-byte ``r ‖ s`` (big-endian) P-256 signature as ASN.1 DER [ATT-25]."""
    if len(signature) != 64:
        raise _fail("ECDSA signature must be 64 bytes r||s")
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    return encode_dss_signature(r, s)


def verify_raw(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    return _verify_der(key, raw_to_der(signature), data)


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    if cert.signature_algorithm_oid != SignatureAlgorithmOID.ECDSA_WITH_SHA256:
        return False
    key = _p256_key(issuer)
    return key is not None and _verify_der(key, cert.signature, cert.tbs_certificate_bytes)


def _valid_at(cert: x509.Certificate, now: int) -> bool:
    t = datetime.datetime.fromtimestamp(now, datetime.UTC)
    return cert.not_valid_before_utc <= t <= cert.not_valid_after_utc


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    return bc.ca


def verify_chain(
    certs: list[x509.Certificate],
    now: int,
    what: str,
    anchors: tuple[x509.Certificate, ...],
) -> x509.Certificate:
    """[ATT-24] ``certs[0]`` chains through ``certs[1:]`` to a trusted root at ``now``.

    Returns the leaf. Leaf and every intermediate used must be valid at ``now``
    (bounds inclusive); intermediates must be CAs; the leaf must not be one; each
    link is an ECDSA-P256-SHA256 signature. An anchor is only a name and a key
    (:func:`trust_anchors`: the pinned Intel root [ATT-22], the test root [ATT-39]).
    """
    leaf = certs[0]
    if not _valid_at(leaf, now):
        raise _fail(f"{what}: leaf certificate not valid at now")
    if _is_ca(leaf):
        raise _fail(f"{what}: leaf certificate is a CA")

    def build(cert: x509.Certificate, depth: int) -> bool:
        if any(_signed_by(cert, root) for root in anchors):
            return True
        if depth >= _MAX_CHAIN_DEPTH:
            return False
        for ca in certs[1:]:
            if ca is cert or not _is_ca(ca) or not _valid_at(ca, now):
                continue
            if _signed_by(cert, ca) and build(ca, depth + 1):
                return True
        return False

    try:
        ok = build(leaf, 0)
    except ValueError:
        ok = False
    if not ok:
        raise _fail(f"{what}: no valid chain to a trusted root at now")
    return leaf


# ---------------------------------------------------------------------------
# [ATT-29] PCK certificate SGX extension (minimal DER reader)


def _der_items(data: bytes) -> list[tuple[int, bytes]]:
    items: list[tuple[int, bytes]] = []
    i = 0
    while i < len(data):
        if i + 2 > len(data):
            raise _fail("SGX extension: truncated DER")
        tag, first = data[i], data[i + 1]
        i += 2
        if first < 0x80:
            length = first
        else:
            n = first & 0x7F
            if n == 0 or n > 4 or i + n > len(data):
                raise _fail("SGX extension: bad DER length")
            length = int.from_bytes(data[i : i + n], "big")
            i += n
        if i + length > len(data):
            raise _fail("SGX extension: truncated DER")
        items.append((tag, data[i : i + length]))
        i += length
    return items


def _decode_oid(body: bytes) -> str:
    if not body:
        raise _fail("SGX extension: empty OID")
    parts: list[int] = []
    value = 0
    for b in body:
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            parts.append(value)
            value = 0
    if body[-1] & 0x80:
        raise _fail("SGX extension: bad OID")
    first = parts[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(p) for p in head + parts[1:])


def _oid_map(seq_body: bytes) -> dict[str, tuple[int, bytes]]:
    """SEQUENCE OF SEQUENCE { OID, value } as {oid: (tag, value body)}."""
    out: dict[str, tuple[int, bytes]] = {}
    for tag, body in _der_items(seq_body):
        inner = _der_items(body)
        if tag != 0x30 or len(inner) != 2 or inner[0][0] != 0x06:
            raise _fail("SGX extension: malformed entry")
        out[_decode_oid(inner[0][1])] = inner[1]
    return out


def _der_uint(item: tuple[int, bytes], bound: int) -> int:
    tag, body = item
    if tag != 0x02 or not body or body[0] & 0x80:
        raise _fail("SGX extension: expected a non-negative INTEGER")
    value = int.from_bytes(body, "big")
    if value > bound:
        raise _fail("SGX extension: INTEGER out of range")
    return value


@attrs.frozen
class PckTcb:
    """What the PCK leaf says of the platform [ATT-29]: FMSPC, CPU SVN (16 bytes), PCESVN."""

    fmspc: bytes
    cpu_svn: bytes
    pce_svn: int


CPU_SVN_LEN = 16


def pck_tcb(leaf: x509.Certificate) -> PckTcb:
    """FMSPC, CPU SVN and PCESVN of a PCK leaf [ATT-29].

    The CPU SVN is the 16-byte OCTET STRING ``.2.18``; the INTEGER components
    ``.2.1``..``.2.16`` are not read.
    """
    try:
        ext = leaf.extensions.get_extension_for_oid(x509.ObjectIdentifier(SGX_EXTENSION_OID))
    except (x509.ExtensionNotFound, ValueError):
        raise _fail("PCK certificate has no SGX extension") from None
    value = ext.value
    if not isinstance(value, x509.UnrecognizedExtension):
        raise _fail("SGX extension: unexpected type")
    top = _der_items(value.value)
    if len(top) != 1 or top[0][0] != 0x30:
        raise _fail("SGX extension: not a SEQUENCE")
    fields = _oid_map(top[0][1])
    fmspc_item = fields.get(SGX_FMSPC_OID)
    tcb_item = fields.get(SGX_TCB_OID)
    if fmspc_item is None or fmspc_item[0] != 0x04 or len(fmspc_item[1]) != 6:
        raise _fail("SGX extension: FMSPC missing or not 6 bytes")
    if tcb_item is None or tcb_item[0] != 0x30:
        raise _fail("SGX extension: TCB missing")
    tcb = _oid_map(tcb_item[1])
    cpu_svn = tcb.get(SGX_CPUSVN_OID)
    if cpu_svn is None or cpu_svn[0] != 0x04 or len(cpu_svn[1]) != CPU_SVN_LEN:
        raise _fail("SGX extension: CPUSVN missing or not 16 bytes")
    pce = tcb.get(SGX_PCESVN_OID)
    if pce is None:
        raise _fail("SGX extension: PCESVN missing")
    return PckTcb(fmspc=fmspc_item[1], cpu_svn=cpu_svn[1], pce_svn=_der_uint(pce, 0xFFFF))


# ---------------------------------------------------------------------------
# [ATT-27] TCB info


@attrs.frozen
class TcbLevel:
    components: tuple[int, ...]
    pce_svn: int
    status: str
    advisory_ids: tuple[str, ...]


@attrs.frozen
class TcbInfo:
    next_update: int
    fmspc: bytes
    levels: tuple[TcbLevel, ...]


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")


def parse_rfc3339(text: object) -> int:
    if not isinstance(text, str) or not _RFC3339.fullmatch(text):
        raise _fail("TCB info: nextUpdate is not an RFC 3339 date-time")
    try:
        dt = datetime.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        raise _fail("TCB info: nextUpdate is not a valid date-time") from None
    return int(dt.timestamp())


def _int_in(v: object, bound: int, what: str) -> int:
    if not is_unsigned(v, bound):
        raise _fail(f"TCB info: {what} out of range")
    return v


def parse_tcb_info(text: str) -> TcbInfo:
    try:
        doc: Any = json.loads(text)
    except (ValueError, RecursionError):
        raise _fail("TCB info: not JSON") from None
    if not isinstance(doc, dict):
        raise _fail("TCB info: not an object")
    next_update = parse_rfc3339(doc.get("nextUpdate"))
    fmspc = doc.get("fmspc")
    if not isinstance(fmspc, str) or not _HEX.fullmatch(fmspc):
        raise _fail("TCB info: fmspc is not hex")
    raw_levels = doc.get("tcbLevels")
    if not isinstance(raw_levels, list):
        raise _fail("TCB info: tcbLevels missing")
    levels: list[TcbLevel] = []
    for lv in raw_levels:
        if not isinstance(lv, dict) or not isinstance(lv.get("tcb"), dict):
            raise _fail("TCB info: malformed TCB level")
        comps = lv["tcb"].get("sgxtcbcomponents")
        if not isinstance(comps, list) or len(comps) != 16:
            raise _fail("TCB info: sgxtcbcomponents must list 16 components")
        svns: list[int] = []
        for c in comps:
            if not isinstance(c, dict):
                raise _fail("TCB info: malformed component")
            svns.append(_int_in(c.get("svn"), 0xFF, "component svn"))
        status = lv.get("tcbStatus")
        advisories = lv.get("advisoryIDs", [])
        if not isinstance(status, str):
            raise _fail("TCB info: tcbStatus missing")
        if not isinstance(advisories, list) or not all(isinstance(a, str) for a in advisories):
            raise _fail("TCB info: advisoryIDs must be strings")
        levels.append(
            TcbLevel(
                components=tuple(svns),
                pce_svn=_int_in(lv["tcb"].get("pcesvn"), 0xFFFF, "pcesvn"),
                status=status,
                advisory_ids=tuple(advisories),
            )
        )
    return TcbInfo(next_update=next_update, fmspc=bytes.fromhex(fmspc), levels=tuple(levels))


def select_tcb_level(info: TcbInfo, tcb: PckTcb) -> tuple[str, tuple[str, ...]]:
    """[ATT-30] The first level the platform meets or exceeds; ``("Unknown", ())`` if none."""
    for level in info.levels:
        if tcb.pce_svn >= level.pce_svn and all(
            have >= need for have, need in zip(tcb.cpu_svn, level.components, strict=True)
        ):
            return level.status, level.advisory_ids
    return "Unknown", ()


# ---------------------------------------------------------------------------
# [ATT-20] Entry point


@attrs.frozen
class VerifiedQuote:
    """What the cryptographic checks establish, before the confidence level [ATT-30]."""

    report: EnclaveReport
    tcb_status: str
    advisory_ids: tuple[str, ...]


def verify_quote(
    quote: bytes,
    collateral: SgxV30Collateral,
    now: int,
    trust_roots: tuple[str, ...] = INTEL_ONLY,
) -> VerifiedQuote:
    """The checks of [ATT-23]..[ATT-30], in the order of [ATT-34]; chains end at one of
    ``trust_roots`` [ATT-22] [ATT-39]."""
    anchors = trust_anchors(trust_roots)
    q = parse_quote(quote)
    # [ATT-27] TCB info: parsed, fresh, signed by a TCB signing cert chaining to the root.
    tcb_info = parse_tcb_info(collateral.tcb_info)
    if now > tcb_info.next_update:
        raise _fail("TCB info expired (now > nextUpdate)")
    tcb_certs = extract_certs(collateral.tcb_info_issuer_chain.encode(), "TCB info issuer chain")
    tcb_signer = verify_chain(tcb_certs, now, "TCB info issuer chain", anchors)
    tcb_key = _p256_key(tcb_signer)
    if tcb_key is None or not verify_raw(
        tcb_key, collateral.tcb_info_signature, collateral.tcb_info.encode()
    ):
        raise _fail("TCB info signature invalid")
    # [ATT-26] quote fields.
    if q.version != QUOTE_VERSION:
        raise _fail("unsupported quote version")
    if q.attestation_key_type != ATTESTATION_KEY_TYPE_ECDSA_P256:
        raise _fail("unsupported attestation key type")
    if q.cert_data_type != CERT_DATA_TYPE_PCK_CHAIN:
        raise _fail("unsupported certification data type")
    # [ATT-28] PCK chain, QE report signature, QE report binding, ISV report signature.
    pck_certs = extract_certs(q.cert_data, "PCK chain")
    pck_leaf = verify_chain(pck_certs, now, "PCK chain", anchors)
    pck_key = _p256_key(pck_leaf)
    if pck_key is None or not verify_raw(pck_key, q.qe_report_signature, q.qe_report.raw):
        raise _fail("QE report signature invalid")
    if hashlib.sha256(q.attestation_key + q.qe_auth_data).digest() != q.qe_report.report_data[:32]:
        raise _fail("QE report data does not bind the attestation key")
    try:
        att_key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), b"\x04" + q.attestation_key
        )
    except ValueError:
        raise _fail("attestation key is not a P-256 point") from None
    if not verify_raw(att_key, q.isv_report_signature, q.signed_bytes):
        raise _fail("ISV report signature invalid")
    # [ATT-29] FMSPC; [ATT-30] TCB level.
    tcb = pck_tcb(pck_leaf)
    if tcb.fmspc != tcb_info.fmspc:
        raise _fail("FMSPC mismatch between PCK certificate and TCB info")
    status, advisories = select_tcb_level(tcb_info, tcb)
    return VerifiedQuote(report=q.report, tcb_status=status, advisory_ids=advisories)


def verify_dcap_quote(
    quote: bytes,
    collateral: SgxV30Collateral | None,
    now: int,
    *,
    trust_roots: tuple[str, ...] = INTEL_ONLY,
) -> tuple[VerifiedQuote, bytes]:
    """The checks of [ATT-20] before the confidence level: the verified quote and its pRuntime hash."""
    if collateral is None:
        raise DispatchError(UNSUPPORTED_ATTESTATION_TYPE, "DCAP quote without SgxV30 collateral")
    try:
        verified = verify_quote(quote, collateral, now, trust_roots)
    except DispatchError:
        raise
    except Exception as exc:  # [ATT-31] no malformed input escapes untyped
        raise _fail(f"malformed input: {type(exc).__name__}") from exc
    r = verified.report
    return verified, dcap_runtime_hash(r.mr_enclave, r.isv_prod_id, r.isv_svn, r.mr_signer)


def verify_dcap(
    quote: bytes,
    collateral: SgxV30Collateral | None,
    now: int,
    *,
    trust_roots: tuple[str, ...] = INTEL_ONLY,
) -> AttestationReport:
    """Verify a DCAP quote at block time ``now`` (unix seconds) [ATT-20]; the report of [ATT-33].

    Production trusts the pinned Intel root alone; the chain adds the test root [ATT-39]
    when its configuration enables it."""
    verified, runtime_hash = verify_dcap_quote(quote, collateral, now, trust_roots=trust_roots)
    return AttestationReport(
        provider=PROVIDER_DCAP,
        confidence_level=confidence_level(verified.tcb_status, verified.advisory_ids),
        runtime_hash=runtime_hash,
        report_data=verified.report.report_data,
        timestamp=None,
    )
