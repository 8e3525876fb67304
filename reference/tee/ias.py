"""Intel IAS (EPID) attestation [ATT-6]..[ATT-12].

A worker attested by Intel's Attestation Service submits three byte strings,
exactly as the pallet receives them (``AttestationReport::SgxIas``):

* ``ra_report``: the JSON attestation report, the body of IAS's HTTP answer,
  byte for byte (it is what Intel signed);
* ``signature``: the raw RSA signature (IAS sends it base64-encoded in the
  ``X-IASReport-Signature`` header; the pRuntime decodes it before submitting);
* ``raw_signing_cert``: the DER signing certificate (IAS sends it as URL-encoded
  PEM in ``X-IASReport-Signing-Certificate``; the pRuntime converts it to DER).

Test fixtures carry the signature and certificate as hex or base64 text;
:func:`decode_ias_evidence` turns such text into the raw bytes above.

:func:`verify_ias` checks the evidence and extracts the enclave's identity
[ATT-7]..[ATT-11]; :func:`validate_ias` adds the registration policy [ATT-12].
``now`` is always the block's time in unix seconds, never the wall clock.
"""

from __future__ import annotations

import binascii
import calendar
import json
import re
from collections.abc import Iterable
from typing import Any, Literal

import attrs
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ..primitives.errors import DispatchError
from .attestation import INVALID_RUNTIME_INFO_HASH as INVALID_RUNTIME_INFO_HASH
from .attestation import OUTDATED_IAS_REPORT as OUTDATED_IAS_REPORT
from .attestation import (
    PROVIDER_IAS,
    REPORT_MAX_AGE,
    AttestationReport,
    confidence_level,
    dated_report_policy,
    ias_runtime_hash,
)
from .attestation import PRUNTIME_REJECTED as PRUNTIME_REJECTED
from .intel_roots import INTEL_IAS_REPORT_SIGNING_ROOT_PEM

INVALID_IAS_SIGNING_CERT = "PhalaRegistry.InvalidIASSigningCert"
INVALID_REPORT = "PhalaRegistry.InvalidReport"
BAD_IAS_REPORT = "PhalaRegistry.BadIASReport"
UNKNOWN_QUOTE_BODY_FORMAT = "PhalaRegistry.UnknownQuoteBodyFormat"

# [ATT-12] A report is outdated once this many seconds old.
IAS_REPORT_MAX_AGE = REPORT_MAX_AGE

# [ATT-11] SGX quote layout: a 48-byte header, then the 384-byte report body.
QUOTE_HEADER_LEN = 48
REPORT_MR_ENCLAVE = 64
REPORT_MR_SIGNER = 128
REPORT_ISV_PROD_ID = 256
REPORT_ISV_SVN = 258
REPORT_REPORT_DATA = 320
QUOTE_BODY_MIN_LEN = QUOTE_HEADER_LEN + 384  # 432: IAS quote bodies carry no signature

# [ATT-7] The roots production trusts: Intel's alone.
INTEL_ONLY = (INTEL_IAS_REPORT_SIGNING_ROOT_PEM,)

# [ATT-7] ring's RSA_PKCS1_2048_8192_SHA256.
_RSA_MIN_BITS = 2048
_RSA_MAX_BITS = 8192


@attrs.frozen
class IasEvidence:
    """The evidence as the pallet receives it: three raw byte strings [ATT-6]."""

    ra_report: bytes
    signature: bytes
    raw_signing_cert: bytes


_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?", re.ASCII)


def _b64decode(text: str) -> bytes | None:
    """Canonical base64 (standard alphabet, padded, zero trailing bits), else ``None``."""
    if _BASE64.fullmatch(text) is None:
        return None
    data = binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    return data if binascii.b2a_base64(data, newline=False).decode("ascii") == text else None


def _decode_text(value: str | bytes, encoding: Literal["raw", "hex", "base64"]) -> bytes:
    if encoding == "raw":
        return value.encode("utf-8") if isinstance(value, str) else bytes(value)
    try:
        text = value if isinstance(value, str) else bytes(value).decode("ascii")
        if encoding == "hex":
            if re.fullmatch(r"(?:[0-9a-fA-F]{2})*", text, re.ASCII) is None:
                raise ValueError("not hex")
            return bytes.fromhex(text)
        data = _b64decode(text)
        if data is None:
            raise ValueError("not canonical base64")
        return data
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise DispatchError(INVALID_IAS_SIGNING_CERT, f"not {encoding}: {exc}") from exc


def decode_ias_evidence(
    ra_report: str | bytes,
    signature: str | bytes,
    raw_signing_cert: str | bytes,
    encoding: Literal["raw", "hex", "base64"],
) -> IasEvidence:
    """Turn evidence written as text into the raw bytes production receives [ATT-6].

    ``ra_report`` is never encoded (a ``str`` is taken as its UTF-8 bytes);
    ``signature`` and ``raw_signing_cert`` are decoded from ``encoding``.
    Text that does not decode leaves no usable signature or certificate, so it
    is rejected with ``PhalaRegistry.InvalidIASSigningCert``, the code the
    chain gives to an unusable signature or certificate.
    """
    report = ra_report.encode("utf-8") if isinstance(ra_report, str) else bytes(ra_report)
    return IasEvidence(
        ra_report=report,
        signature=_decode_text(signature, encoding),
        raw_signing_cert=_decode_text(raw_signing_cert, encoding),
    )


def _reject_cert(detail: str) -> DispatchError:
    return DispatchError(INVALID_IAS_SIGNING_CERT, detail)


def _issued_by(cert: x509.Certificate, root: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def verify_signature_and_chain(
    ra_report: bytes,
    signature: bytes,
    raw_signing_cert: bytes,
    now: int,
    *,
    trust_roots: tuple[str, ...] = INTEL_ONLY,
) -> None:
    """[ATT-7] The report is signed by a certificate issued by a trusted root, valid at ``now``.

    ``trust_roots`` are PEM certificates: the pinned Intel root, and the test root [ATT-13]
    when the chain enables it.
    """
    try:
        cert = x509.load_der_x509_certificate(bytes(raw_signing_cert))
        roots = [x509.load_pem_x509_certificate(pem.encode("ascii")) for pem in trust_roots]
    except (ValueError, TypeError) as exc:
        raise _reject_cert(f"certificate does not parse: {exc}") from exc
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise _reject_cert(f"certificate key does not parse: {exc}") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise _reject_cert("signing key is not RSA")
    if not _RSA_MIN_BITS <= key.key_size <= _RSA_MAX_BITS:
        raise _reject_cert(f"RSA key of {key.key_size} bits")
    try:
        key.verify(bytes(signature), bytes(ra_report), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise _reject_cert("report signature does not verify") from exc
    if not any(_issued_by(cert, root) for root in roots):
        raise _reject_cert("certificate not issued by a trusted root")
    not_before = calendar.timegm(cert.not_valid_before_utc.utctimetuple())
    not_after = calendar.timegm(cert.not_valid_after_utc.utctimetuple())
    if not not_before <= now <= not_after:
        raise _reject_cert(f"certificate not valid at {now} (valid {not_before}..{not_after})")


def _check_strings(value: Any) -> None:
    """serde_json rejects unpaired surrogate escapes; Python's json does not."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_strings(k)
            _check_strings(v)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _Members(dict[str, Any]):
    """A JSON object's members, last value kept, with the names given more than once."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        repeated: set[str] = set()
        for name, _ in pairs:
            (repeated if name in seen else seen).add(name)
        self.repeated = frozenset(repeated)


@attrs.frozen
class RaReport:
    """The report's fields the chain reads, as production's typed structure holds them [ATT-8]."""

    timestamp: str
    isv_enclave_quote_status: str
    isv_enclave_quote_body: str
    advisory_ids: tuple[str, ...]


# [ATT-8] The JSON members of the typed structure.
_TYPED_MEMBERS = frozenset(
    ("timestamp", "isvEnclaveQuoteStatus", "isvEnclaveQuoteBody", "advisoryIDs")
)


def _invalid_report(detail: str) -> DispatchError:
    return DispatchError(INVALID_REPORT, detail)


def _string(doc: dict[str, Any], name: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str):
        raise _invalid_report(f"{name} missing or not a string")
    return value


def parse_report_json(ra_report: bytes) -> RaReport:
    """[ATT-8] The report as production's typed structure; a field missing, mistyped or
    given twice is ``InvalidReport``, and members the chain does not read are ignored."""
    try:
        text = bytes(ra_report).decode("utf-8")
        doc = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_Members)
        _check_strings(doc)
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise _invalid_report(f"report is not JSON: {exc}") from exc
    if not isinstance(doc, _Members):
        raise _invalid_report("report is not a JSON object")
    if doc.repeated & _TYPED_MEMBERS:
        raise _invalid_report(f"duplicate field among {sorted(doc.repeated & _TYPED_MEMBERS)}")
    ids = doc.get("advisoryIDs", [])  # the one member that may be left out
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _invalid_report("advisoryIDs is not a list of strings")
    return RaReport(
        timestamp=_string(doc, "timestamp"),
        isv_enclave_quote_status=_string(doc, "isvEnclaveQuoteStatus"),
        isv_enclave_quote_body=_string(doc, "isvEnclaveQuoteBody"),
        advisory_ids=tuple(ids),
    )


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z", flags=re.ASCII
)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_report_timestamp(raw: str) -> int:
    """[ATT-9] ``raw + "Z"`` read as RFC 3339 UTC; unix seconds, fraction dropped."""
    m = _RFC3339.fullmatch(raw + "Z")
    if m is None:
        raise DispatchError(BAD_IAS_REPORT, f"bad timestamp {raw!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups())
    if not (
        1 <= month <= 12
        and 1 <= day <= _days_in_month(year, month)
        and hour <= 23
        and minute <= 59
        and second <= 60
    ):
        raise DispatchError(BAD_IAS_REPORT, f"bad timestamp {raw!r}")
    # A leap second (60) counts as the 59th second, as chrono's timestamp() does.
    days = _days_from_civil(year, month, day)
    return days * 86_400 + hour * 3_600 + minute * 60 + min(second, 59)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a date of the proleptic Gregorian calendar, year 0 included.

    chrono accepts every year from 0 to 9999 in an RFC 3339 timestamp; Python's
    ``datetime`` starts at year 1, so the count is done by hand (the
    days-from-civil formula: years counted from March, 400-year eras).
    """
    y = year - (month <= 2)
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def decode_quote_body(raw: str) -> bytes:
    """[ATT-11] The quote body: canonical base64, at least 432 bytes."""
    body = _b64decode(raw)
    if body is None:
        raise DispatchError(UNKNOWN_QUOTE_BODY_FORMAT, "quote body is not canonical base64")
    if len(body) < QUOTE_BODY_MIN_LEN:
        raise DispatchError(UNKNOWN_QUOTE_BODY_FORMAT, f"quote body of {len(body)} bytes")
    return body


def _field(body: bytes, offset: int, length: int) -> bytes:
    start = QUOTE_HEADER_LEN + offset
    return body[start : start + length]


def verify_ias(
    ra_report: bytes,
    signature: bytes,
    raw_signing_cert: bytes,
    now: int,
    *,
    trust_roots: tuple[str, ...] = INTEL_ONLY,
) -> AttestationReport:
    """Verify IAS evidence at block time ``now`` [ATT-7]..[ATT-11], checks in this order.

    Production trusts the pinned Intel root alone; the chain adds the test root
    [ATT-13] when its configuration enables it, and tests pass roots of their own.
    """
    verify_signature_and_chain(ra_report, signature, raw_signing_cert, now, trust_roots=trust_roots)
    report = parse_report_json(ra_report)
    timestamp = parse_report_timestamp(report.timestamp)
    level = confidence_level(report.isv_enclave_quote_status, report.advisory_ids)  # [ATT-10]
    body = decode_quote_body(report.isv_enclave_quote_body)
    runtime_hash = ias_runtime_hash(
        _field(body, REPORT_MR_ENCLAVE, 32),
        _field(body, REPORT_ISV_PROD_ID, 2),
        _field(body, REPORT_ISV_SVN, 2),
        _field(body, REPORT_MR_SIGNER, 32),
    )
    return AttestationReport(
        provider=PROVIDER_IAS,
        confidence_level=level,
        runtime_hash=runtime_hash,
        report_data=_field(body, REPORT_REPORT_DATA, 64),
        timestamp=timestamp,
    )


def validate_ias(
    ra_report: bytes,
    signature: bytes,
    raw_signing_cert: bytes,
    user_data_hash: bytes,
    now: int,
    allowlist: Iterable[bytes],
    verify_pruntime: bool,
    *,
    trust_roots: tuple[str, ...] = INTEL_ONLY,
) -> AttestationReport:
    """[ATT-12] Registration policy after :func:`verify_ias`, checks in this order."""
    report = verify_ias(ra_report, signature, raw_signing_cert, now, trust_roots=trust_roots)
    return dated_report_policy(report, user_data_hash, now, allowlist, verify_pruntime)
