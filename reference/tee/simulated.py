"""The simulated attestation provider [ATT-40]..[ATT-46]: a reference-only device for vectors.

Production has no such provider. A *test attestation authority* (an Ed25519
key of its own, from a name, [ATT-41]) signs reports carrying the same
fields the real providers extract from their evidence: the pRuntime hash, the
64 bytes of report data, a report time and a TCB status with its advisory IDs.
The chain accepts them only when its configuration enables the provider
(``simulated_attestation``: on for the ``minimal`` preset, off for ``phala``
and ``khala``); the checks then run in the order of the IAS provider
[ATT-44], with the IAS error codes.

:func:`simulated_attestation_for` produces the evidence that registers a given
``WorkerRegistrationInfoV2`` (its report data binds the info [ATT-12]), so
vectors and models can register workers that pass every check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import attrs
import nacl.exceptions
import nacl.signing

from ..primitives.arith import U64_MAX
from ..primitives.codec import blake2b_256
from ..primitives.errors import DispatchError
from ..primitives.types import is_unsigned
from .attestation import (
    PROVIDER_SIMULATED,
    REPORT_DATA_LEN,
    RUNTIME_HASH_LEN,
    AttestationReport,
    confidence_level,
    dated_report_policy,
)
from .evidence import SimulatedAttestation

# The IAS codes, which the simulated provider reuses [ATT-45] (spelled here so
# that this module does not load the X.509 stack of the IAS verifier).
INVALID_SIGNATURE = "PhalaRegistry.InvalidIASSigningCert"
INVALID_REPORT = "PhalaRegistry.InvalidReport"
UNSUPPORTED_ATTESTATION_TYPE = "PhalaRegistry.UnsupportedAttestationType"

SIGNATURE_BYTES = 64


@attrs.frozen
class AuthorityKey:
    """An Ed25519 key of the simulated provider: its 32-byte seed and public key [ATT-41]."""

    seed: bytes = attrs.field(repr=False)
    public: bytes


def authority_key(name: str) -> AuthorityKey:
    """The Ed25519 key of a name: seed = BLAKE2b-256(``"phala-spec/dev/" ‖ name``) [ATT-41].

    Only the simulated provider uses Ed25519; everything else signs with
    sr25519 ([CRYPTO-1]).
    """
    seed = blake2b_256(b"phala-spec/dev/" + name.encode())
    return AuthorityKey(seed, bytes(nacl.signing.SigningKey(seed).verify_key))


# [ATT-41] the authority and the signing domain.
AUTHORITY = authority_key("attestation-authority")
SIGNING_DOMAIN = b"phala-spec/simulated-attestation/v1"


@attrs.frozen
class SimulatedReport:
    """The signed content of a simulated report [ATT-42]."""

    runtime_hash: bytes
    report_data: bytes
    timestamp: int
    status: str
    advisory_ids: tuple[str, ...] = ()

    def encode(self) -> bytes:
        """``runtime_hash (68) ‖ report_data (64) ‖ timestamp (u64 LE) ‖ status ‖ advisories`` [ATT-42].

        A string is a u8 length and its UTF-8 bytes; the advisories are a u8
        count, then the strings.
        """
        if len(self.runtime_hash) != RUNTIME_HASH_LEN or len(self.report_data) != REPORT_DATA_LEN:
            raise ValueError("a runtime hash is 68 bytes and report data 64 bytes")
        if not is_unsigned(self.timestamp, U64_MAX) or len(self.advisory_ids) > 255:
            raise ValueError("the timestamp is a u64 and there are at most 255 advisories")
        out = self.runtime_hash + self.report_data + self.timestamp.to_bytes(8, "little")
        out += _encode_str(self.status) + bytes([len(self.advisory_ids)])
        return out + b"".join(_encode_str(a) for a in self.advisory_ids)


def _encode_str(text: str) -> bytes:
    raw = text.encode()
    if len(raw) > 255:
        raise ValueError("a string of a simulated report is at most 255 bytes")
    return bytes([len(raw)]) + raw


class _Reader:
    """Reads the fields of [ATT-42]; running past the end is ``InvalidReport``."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, n: int) -> bytes:
        if self.offset + n > len(self.data):
            raise DispatchError(INVALID_REPORT, "simulated report truncated")
        raw = self.data[self.offset : self.offset + n]
        self.offset += n
        return raw

    def text(self) -> str:
        try:
            return self.take(self.take(1)[0]).decode("utf-8")
        except UnicodeDecodeError:
            raise DispatchError(INVALID_REPORT, "simulated report string is not UTF-8") from None


def decode_report(data: bytes) -> SimulatedReport:
    """Decode [ATT-42]; truncation, invalid UTF-8 or trailing bytes give ``InvalidReport``."""
    r = _Reader(bytes(data))
    runtime_hash = r.take(RUNTIME_HASH_LEN)
    report_data = r.take(REPORT_DATA_LEN)
    timestamp = int.from_bytes(r.take(8), "little")
    status = r.text()
    advisories = tuple(r.text() for _ in range(r.take(1)[0]))
    if r.offset != len(r.data):
        raise DispatchError(INVALID_REPORT, "trailing bytes after the simulated report")
    return SimulatedReport(runtime_hash, report_data, timestamp, status, advisories)


def sign_report(report: bytes, authority: AuthorityKey = AUTHORITY) -> bytes:
    """The authority's Ed25519 signature of ``SIGNING_DOMAIN ‖ report`` [ATT-41]."""
    signing = nacl.signing.SigningKey(authority.seed)
    return bytes(signing.sign(SIGNING_DOMAIN + report).signature)


def _verify_ed25519(public: bytes, message: bytes, signature: bytes) -> bool:
    """A 64-byte Ed25519 signature that verifies under RFC 8032 [ATT-41]."""
    if len(public) != 32 or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        nacl.signing.VerifyKey(public).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


def verify_simulated(
    report: bytes, signature: bytes, authority_public: bytes = AUTHORITY.public
) -> AttestationReport:
    """[ATT-43] signature, decoding, then the confidence level [ATT-4]."""
    if not _verify_ed25519(authority_public, SIGNING_DOMAIN + report, signature):
        raise DispatchError(INVALID_SIGNATURE, "not signed by the test attestation authority")
    decoded = decode_report(report)
    return AttestationReport(
        provider=PROVIDER_SIMULATED,
        confidence_level=confidence_level(decoded.status, decoded.advisory_ids),
        runtime_hash=decoded.runtime_hash,
        report_data=decoded.report_data,
        timestamp=decoded.timestamp,
    )


def validate_simulated(
    report: bytes,
    signature: bytes,
    user_data_hash: bytes,
    now: int,
    allowlist: Iterable[bytes],
    verify_pruntime: bool,
    authority_public: bytes = AUTHORITY.public,
) -> AttestationReport:
    """[ATT-44] :func:`verify_simulated`, then allowlist, freshness and binding, as [ATT-12]."""
    verified = verify_simulated(report, signature, authority_public)
    return dated_report_policy(verified, user_data_hash, now, allowlist, verify_pruntime)


class _Encodable(Protocol):
    def encode(self) -> bytes: ...


def binding_report_data(info: _Encodable) -> bytes:
    """The report data that binds a registration info: its BLAKE2b-256, then 32 zero bytes [ATT-12]."""
    return blake2b_256(info.encode()) + bytes(32)


def simulated_attestation_for(
    info: _Encodable,
    runtime_hash: bytes,
    timestamp: int,
    *,
    status: str = "OK",
    advisory_ids: tuple[str, ...] = (),
    report_data: bytes | None = None,
    authority: AuthorityKey = AUTHORITY,
) -> SimulatedAttestation:
    """Evidence for registering ``info`` (a ``WorkerRegistrationInfoV2``) [ATT-46].

    By default the report binds ``info`` and is signed by the test authority;
    ``report_data`` and ``authority`` let a test produce evidence that fails.
    """
    data = binding_report_data(info) if report_data is None else report_data
    report = SimulatedReport(runtime_hash, data, timestamp, status, advisory_ids).encode()
    return SimulatedAttestation(report, sign_report(report, authority))
