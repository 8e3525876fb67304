"""The reference-only simulated attestation provider [ATT-40]..[ATT-46].

Reports are built here field by field from the layout of [ATT-42] and signed
with the dev key of [ATT-41] derived independently of the module's constants;
expected outcomes follow the check order of [ATT-43] and [ATT-44].
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phala_spec.chain.state import BlockContext, ChainState, Signed
from phala_spec.pallets.registry.workers import (
    WorkerRegistrationInfoV2,
    register_worker_v2,
    validate_attestation,
)
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.crypto import dev_keypair, keypair_from_seed, sign
from phala_spec.primitives.errors import DispatchError, InvalidInput
from phala_spec.runtime.calls import CALLS, decode_args
from phala_spec.runtime.genesis import genesis
from phala_spec.tee import simulated as sim
from phala_spec.tee.attestation import confidence_level
from phala_spec.tee.evidence import SimulatedAttestation

RUNTIME = bytes(range(68))
NOW = 1_700_000_000
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
# [ATT-41] the authority: seed BLAKE2b-256("phala-spec/dev/attestation-authority") [CRYPTO-2].
AUTHORITY = keypair_from_seed(blake2b_256(b"phala-spec/dev/attestation-authority"))
DOMAIN = b"phala-spec/simulated-attestation/v1"


def _text(s: str) -> bytes:
    raw = s.encode()
    return bytes([len(raw)]) + raw


def report_bytes(
    *,
    runtime: bytes = RUNTIME,
    data: bytes | None = None,
    timestamp: int = NOW,
    status: str = "OK",
    advisories: tuple[str, ...] = (),
) -> bytes:
    """[ATT-42] written out by hand."""
    data = blake2b_256(INFO.encode()) + bytes(32) if data is None else data
    return (
        runtime
        + data
        + timestamp.to_bytes(8, "little")
        + _text(status)
        + bytes([len(advisories)])
        + b"".join(_text(a) for a in advisories)
    )


def evidence(report: bytes, key: Any = AUTHORITY) -> SimulatedAttestation:
    return SimulatedAttestation(report, sign(key, DOMAIN + report))


def chain(allowlist: tuple[bytes, ...] = (RUNTIME,), **config: Any) -> ChainState:
    state = genesis("minimal", {"config": config} if config else None)
    return attrs.evolve(state, registry=attrs.evolve(state.registry, pruntime_allowlist=allowlist))


def outcome(
    state: ChainState, att: SimulatedAttestation, now: int = NOW
) -> str | tuple[str | None, int]:
    try:
        return validate_attestation(state, att, blake2b_256(INFO.encode()), now)
    except DispatchError as exc:
        return exc.code


def test_authority_and_helper_agree_with_the_layout() -> None:
    """[ATT-41] [ATT-42] [ATT-46] the module's key, encoding and helper are the clauses'."""
    assert sim.AUTHORITY.public == AUTHORITY.public
    produced = sim.simulated_attestation_for(INFO, RUNTIME, NOW)
    assert produced == evidence(report_bytes())
    assert sim.decode_report(produced.report).report_data[:32] == blake2b_256(INFO.encode())


def test_accepts_bound_allowlisted_fresh_report() -> None:
    """[ATT-43] [ATT-44] a valid report gives provider Simulated and its level [ATT-4]."""
    assert outcome(chain(), evidence(report_bytes())) == ("Simulated", 1)
    advisories = ("INTEL-SA-00615",)
    level = confidence_level("CONFIGURATION_NEEDED", advisories)
    att = evidence(report_bytes(status="CONFIGURATION_NEEDED", advisories=advisories))
    assert outcome(chain(), att) == ("Simulated", level)


def test_disabled_on_production_presets() -> None:
    """[ATT-40] phala/khala reject the variant before any other check."""
    for preset in ("phala", "khala"):
        state = genesis(preset)
        assert not state.config.simulated_attestation
        garbage = SimulatedAttestation(b"", b"")
        assert outcome(state, garbage) == "PhalaRegistry.UnsupportedAttestationType"
    off = chain(simulated_attestation=False)
    assert outcome(off, evidence(report_bytes())) == "PhalaRegistry.UnsupportedAttestationType"


def test_check_order() -> None:
    """[ATT-43] [ATT-44] signature, decoding, status, allowlist, freshness, binding."""
    mallory = dev_keypair("mallory")
    stale, unbound = NOW - 7200, bytes(64)
    # everything wrong: the signature decides
    worst = report_bytes(status="BOGUS", timestamp=stale, data=unbound)
    assert outcome(chain(()), evidence(worst, mallory)) == "PhalaRegistry.InvalidIASSigningCert"
    assert outcome(chain(()), evidence(worst + b"\x00")) == "PhalaRegistry.InvalidReport"
    assert outcome(chain(()), evidence(worst)) == "PhalaRegistry.InvalidQuoteStatus"
    rest = report_bytes(timestamp=stale, data=unbound)
    assert outcome(chain(()), evidence(rest)) == "PhalaRegistry.PRuntimeRejected"
    assert outcome(chain(), evidence(rest)) == "PhalaRegistry.OutdatedIASReport"
    assert (
        outcome(chain(), evidence(report_bytes(data=unbound)))
        == "PhalaRegistry.InvalidRuntimeInfoHash"
    )
    # the allowlist is not consulted when verify_pruntime is off
    assert outcome(chain((), verify_pruntime=False), evidence(report_bytes())) == ("Simulated", 1)


def test_freshness_bounds() -> None:
    """[ATT-44] 7199 s old is fresh, 7200 s stale, a report from the future fresh."""
    for age, fresh in ((7199, True), (7200, False), (-5000, True)):
        got = outcome(chain(), evidence(report_bytes(timestamp=NOW - age)))
        assert got == (("Simulated", 1) if fresh else "PhalaRegistry.OutdatedIASReport")


def test_tampered_signature_and_report() -> None:
    """[ATT-43] any changed byte of the report or the signature, or a wrong length, is rejected."""
    good = evidence(report_bytes())
    flipped = bytes([good.signature[0] ^ 1]) + good.signature[1:]
    for att in (
        SimulatedAttestation(good.report, flipped),
        SimulatedAttestation(good.report, good.signature[:63]),
        SimulatedAttestation(good.report[:-1] + b"\x01", good.signature),
    ):
        assert outcome(chain(), att) == "PhalaRegistry.InvalidIASSigningCert"


@given(st.binary(max_size=200))
def test_malformed_reports_are_typed(report: bytes) -> None:
    """[ATT-5] [ATT-45] any signed bytes give a provider code or a verdict, never an exception."""
    got = outcome(chain(), evidence(report))
    assert isinstance(got, tuple) or got in {
        "PhalaRegistry.InvalidReport",
        "PhalaRegistry.InvalidQuoteStatus",
        "PhalaRegistry.PRuntimeRejected",
        "PhalaRegistry.OutdatedIASReport",
        "PhalaRegistry.InvalidRuntimeInfoHash",
    }


def test_truncated_and_non_utf8_reports() -> None:
    """[ATT-42] truncation at every length, and a status that is not UTF-8, are InvalidReport."""
    full = report_bytes(advisories=("INTEL-SA-00334",))
    for n in range(len(full)):
        assert outcome(chain(), evidence(full[:n])) == "PhalaRegistry.InvalidReport"
    bad = RUNTIME + bytes(64) + NOW.to_bytes(8, "little") + b"\x01\xff\x00"
    assert outcome(chain(), evidence(bad)) == "PhalaRegistry.InvalidReport"


def test_call_decoding() -> None:
    """[ATT-40] the plain-data form; any other shape is invalid input."""
    call = CALLS["PhalaRegistry.register_worker_v2"]
    info = {
        "version": 1,
        "machine_id": b"m",
        "pubkey": INFO.pubkey,
        "ecdh_pubkey": INFO.ecdh_pubkey,
        "genesis_block_hash": INFO.genesis_block_hash,
        "features": [1, 4],
        "operator": None,
        "para_id": 2035,
        "max_consensus_version": 0,
    }
    args = decode_args(
        call,
        {
            "pruntime_info": info,
            "attestation": {"kind": "Simulated", "report": b"r", "signature": b"s"},
        },
    )
    assert args["attestation"] == SimulatedAttestation(b"r", b"s")
    for bad in (
        {"kind": "Simulated", "report": b"r"},
        {"kind": "Simulated", "report": "r", "signature": b"s"},
        {"kind": "Simulated", "report": b"r", "signature": b"s", "extra": 1},
    ):
        with pytest.raises(InvalidInput):
            decode_args(call, {"pruntime_info": info, "attestation": bad})


def test_register_worker_v2_with_simulated_evidence() -> None:
    """[ATT-46] [REG-10] [REG-11] the produced evidence registers the worker it binds."""
    state = chain()
    ctx = BlockContext(number=1, timestamp=NOW * 1000)
    state = attrs.evolve(
        state,
        registry=attrs.evolve(state.registry, genesis_hash_allowlist=(INFO.genesis_block_hash,)),
    )
    after, _ = register_worker_v2(
        state,
        ctx,
        Signed(dev_keypair("alice").public),
        INFO,
        sim.simulated_attestation_for(INFO, RUNTIME, NOW),
    )
    worker = after.registry.workers[INFO.pubkey]
    assert (worker.attestation_provider, worker.confidence_level) == ("Simulated", 1)
