"""The evidence a worker submits: production's ``AttestationReport`` enum [REG-9].

An IAS report with its signature and certificate, a DCAP quote with its
collateral, or the reference-only simulated report [ATT-40], and the argument
kinds that read them from a call [CHAIN-7]. The registry hands the evidence to
the verifier of its provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import attrs

from ..primitives.errors import DispatchError, InvalidInput
from ..primitives.types import BYTES, Kind, fields_of, option

if TYPE_CHECKING:  # the DCAP verifier loads the X.509 stack
    from .dcap import SgxV30Collateral


@attrs.frozen
class IasAttestation:
    """``AttestationReport::SgxIas``: the IAS report, its signature and signing certificate [REG-9]."""

    ra_report: bytes
    signature: bytes
    raw_signing_cert: bytes


@attrs.frozen
class DcapAttestation:
    """``AttestationReport::SgxDcap``: a quote and its ``SgxV30`` collateral, if any [REG-9]."""

    quote: bytes
    collateral: SgxV30Collateral | None


@attrs.frozen
class SimulatedAttestation:
    """The reference-only simulated provider's evidence: a report and the authority's signature [ATT-40]."""

    report: bytes
    signature: bytes


Attestation = IasAttestation | DcapAttestation | SimulatedAttestation | None


_COLLATERAL = option(BYTES)  # the SCALE encoding of an SgxV30QuoteCollateral [ATT-21]


def _evidence(value: Any) -> Attestation:
    """``Option<AttestationReport>`` from plain data [REG-9]: IAS evidence as its three raw byte
    strings [ATT-6], DCAP evidence as a quote and its collateral, simulated evidence [ATT-40]."""
    if value is None:
        return None
    tag = value.get("kind") if isinstance(value, Mapping) else None
    if tag == "SgxIas":
        fields = fields_of(value, ("kind", "ra_report", "signature", "raw_signing_cert"))
        return IasAttestation(
            BYTES.decode(fields["ra_report"], "ra_report"),
            BYTES.decode(fields["signature"], "signature"),
            BYTES.decode(fields["raw_signing_cert"], "raw_signing_cert"),
        )
    if tag == "SgxDcap":
        fields = fields_of(value, ("kind", "quote", "collateral"))
        quote = BYTES.decode(fields["quote"], "quote")
        collateral = _COLLATERAL.decode(fields["collateral"], "collateral")
        if collateral is None:
            return DcapAttestation(quote, None)
        from .dcap import decode_collateral  # the X.509 stack, loaded on demand

        try:
            return DcapAttestation(quote, decode_collateral(collateral))
        except DispatchError as exc:  # not the SCALE encoding of a collateral: not a call
            raise InvalidInput(f"collateral: {exc}") from exc
    if tag == "Simulated":
        fields = fields_of(value, ("kind", "report", "signature"))
        return SimulatedAttestation(
            BYTES.decode(fields["report"], "report"), BYTES.decode(fields["signature"], "signature")
        )
    raise InvalidInput()


def _ias_evidence(value: Any) -> IasAttestation:
    """The legacy registration's evidence: an IAS report only [REG-23]."""
    evidence = _evidence(value)
    if isinstance(evidence, IasAttestation):
        return evidence
    raise InvalidInput()


ATTESTATION: Kind[Attestation] = Kind(
    "attestation",
    "null, {kind: SgxIas, ra_report, signature, raw_signing_cert}, "
    "{kind: SgxDcap, quote, collateral: bytes | null} or {kind: Simulated, report, signature}",
    _evidence,
)
IAS_ATTESTATION: Kind[IasAttestation] = Kind(
    "ias_attestation", "{kind: SgxIas, ra_report, signature, raw_signing_cert}", _ias_evidence
)
Evidence = Annotated[Attestation, ATTESTATION]
IasEvidence = Annotated[IasAttestation, IAS_ATTESTATION]
