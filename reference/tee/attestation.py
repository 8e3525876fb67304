"""Attestation: what every provider's verifier produces [ATT-1]..[ATT-5].

A worker registers with attestation evidence produced by its SGX enclave.
Each provider (Intel IAS/EPID in :mod:`phala_spec.tee.ias`, DCAP in
:mod:`phala_spec.tee.dcap`) turns its evidence into one
:class:`AttestationReport`; the rules shared by all providers live here: the
pRuntime hash layouts [ATT-3] and the confidence level table [ATT-4]
(production ``utils/constants.rs`` and ``utils/attestation.rs``).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..primitives.errors import DispatchError
from ..primitives.types import is_unsigned

INVALID_QUOTE_STATUS = "PhalaRegistry.InvalidQuoteStatus"
PRUNTIME_REJECTED = "PhalaRegistry.PRuntimeRejected"
OUTDATED_IAS_REPORT = "PhalaRegistry.OutdatedIASReport"
# Production's attestation error ``InvalidUserDataHash``, as the pallet reports it.
INVALID_RUNTIME_INFO_HASH = "PhalaRegistry.InvalidRuntimeInfoHash"

# [ATT-12] A dated report is outdated once this many seconds old.
REPORT_MAX_AGE = 7200

PROVIDER_IAS = "Ias"
PROVIDER_DCAP = "Dcap"
PROVIDER_SIMULATED = "Simulated"

# Confidence level of "no attestation" and of root-forced registrations [ATT-4].
CONFIDENCE_NONE = 128

RUNTIME_HASH_LEN = 68
REPORT_DATA_LEN = 64


@attrs.frozen
class AttestationReport:
    """The outcome of a successful verification [ATT-1].

    ``runtime_hash`` is the 68-byte pRuntime hash [ATT-3], ``report_data`` the
    64 bytes the enclave put in its quote, ``timestamp`` the unix seconds of an
    IAS report (``None`` for DCAP, which has no report time).
    """

    provider: str
    confidence_level: int
    runtime_hash: bytes
    report_data: bytes
    timestamp: int | None


# [ATT-4] Quote status strings, IAS spelling and DCAP (TCB status) spelling.
_LEVEL_1 = ("OK", "UpToDate")
_LEVEL_2 = ("SW_HARDENING_NEEDED", "SWHardeningNeeded")
_LEVEL_3 = (
    "CONFIGURATION_NEEDED",
    "CONFIGURATION_AND_SW_HARDENING_NEEDED",
    "ConfigurationNeeded",
    "ConfigurationAndSWHardeningNeeded",
)
_LEVEL_5 = ("GROUP_OUT_OF_DATE", "OutOfDate", "OutOfDateConfigurationNeeded")

ADVISORY_WHITELIST = ("INTEL-SA-00334", "INTEL-SA-00219", "INTEL-SA-00381", "INTEL-SA-00389")


def confidence_level(status: str, advisory_ids: tuple[str, ...]) -> int:
    """The confidence level of a quote status [ATT-4].

    Level 3 becomes 4 when any advisory ID is outside :data:`ADVISORY_WHITELIST`;
    advisories do not matter at the other levels. An unknown status is rejected
    with ``PhalaRegistry.InvalidQuoteStatus``.
    """
    if status in _LEVEL_1:
        return 1
    if status in _LEVEL_2:
        return 2
    if status in _LEVEL_3:
        if any(a not in ADVISORY_WHITELIST for a in advisory_ids):
            return 4
        return 3
    if status in _LEVEL_5:
        return 5
    raise DispatchError(INVALID_QUOTE_STATUS, f"unknown quote status {status!r}")


def _check_len(name: str, value: bytes, n: int) -> None:
    if len(value) != n:
        raise ValueError(f"{name} must be {n} bytes, got {len(value)}")


def ias_runtime_hash(
    mr_enclave: bytes, isv_prod_id_raw: bytes, isv_svn_raw: bytes, mr_signer: bytes
) -> bytes:
    """The IAS pRuntime hash [ATT-3]: the quote's raw bytes copied.

    ``isv_prod_id_raw`` and ``isv_svn_raw`` are the 2 bytes each as they appear
    in the quote (little-endian u16), not re-encoded.
    """
    _check_len("mr_enclave", mr_enclave, 32)
    _check_len("isv_prod_id", isv_prod_id_raw, 2)
    _check_len("isv_svn", isv_svn_raw, 2)
    _check_len("mr_signer", mr_signer, 32)
    return bytes(mr_enclave) + bytes(isv_prod_id_raw) + bytes(isv_svn_raw) + bytes(mr_signer)


def dcap_runtime_hash(mr_enclave: bytes, isv_prod_id: int, isv_svn: int, mr_signer: bytes) -> bytes:
    """The DCAP pRuntime hash [ATT-3]: ``isv_prod_id`` and ``isv_svn`` as big-endian u16."""
    _check_len("mr_enclave", mr_enclave, 32)
    _check_len("mr_signer", mr_signer, 32)
    for name, v in (("isv_prod_id", isv_prod_id), ("isv_svn", isv_svn)):
        if not is_unsigned(v, 0xFFFF):
            raise ValueError(f"{name} must be a u16, got {v}")
    return (
        bytes(mr_enclave)
        + isv_prod_id.to_bytes(2, "big")
        + isv_svn.to_bytes(2, "big")
        + bytes(mr_signer)
    )


def dated_report_policy(
    report: AttestationReport,
    user_data_hash: bytes,
    now: int,
    allowlist: Iterable[bytes],
    verify_pruntime: bool,
) -> AttestationReport:
    """The registration policy of a dated report, checks in this order [ATT-12] [ATT-44].

    The allowlist (when ``verify_pruntime``), freshness (``now − timestamp <
    7200``, signed), then the report data's binding to ``user_data_hash``.
    """
    if verify_pruntime and report.runtime_hash not in tuple(bytes(h) for h in allowlist):
        raise DispatchError(PRUNTIME_REJECTED, f"pRuntime {report.runtime_hash.hex()}")
    assert report.timestamp is not None
    if now - report.timestamp >= REPORT_MAX_AGE:
        raise DispatchError(OUTDATED_IAS_REPORT, f"report of {report.timestamp} at {now}")
    if report.report_data[:32] != bytes(user_data_hash):
        raise DispatchError(INVALID_RUNTIME_INFO_HASH, "report data does not bind the runtime info")
    return report
