"""The simulated attestation provider (reference only): registering, confidence levels,
rejections in order, freshness and allowlists [ATT-40]..[ATT-46]."""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.suites.attestation.common import (
    BAD_CERT,
    BAD_REPORT,
    BAD_STATUS,
    HANDLER,
    MINIMAL,
    OUTDATED,
    REJECTED,
    SIM_RUNTIME,
    SIM_RUNTIME2,
    SUITE,
    UNBOUND,
    UNSUPPORTED,
    E,
    flip,
    info_object,
)
from phala_spec.conformance.suites.registry import (
    ADD_PRUNTIME,
    REGISTER,
    REMOVE_PRUNTIME,
    WORKER,
    WORKER2,
    pruntime_info,
    setup,
)
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.tee.attestation import confidence_level
from phala_spec.tee.simulated import authority_key, simulated_attestation_for

# --- Simulated evidence [ATT-40]..[ATT-46] ----------------------------------------------------


def simulated(
    info: dict[str, Any], timestamp: int, runtime: bytes = SIM_RUNTIME, **kw: Any
) -> dict[str, Any]:
    """Simulated evidence for a plain-data registration info [ATT-46], as call data."""
    att = simulated_attestation_for(info_object(info), runtime, timestamp, **kw)
    return {"kind": "Simulated", "report": att.report, "signature": att.signature}


def now_s(b: CaseBuilder) -> int:
    return b.chain.system.block.timestamp // 1000


SIM_TIME = 1_700_000_000  # a block time (unix seconds) far enough from 0 for stale reports


def sim_setup(b: CaseBuilder, timestamp: int = SIM_TIME * 1000, **registry: Any) -> None:
    registry.setdefault("pruntime_allowlist", [SIM_RUNTIME])
    setup(b, timestamp, **registry)


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=MINIMAL,
    clauses=("ATT-40", "ATT-44", "ATT-46", "REG-11"),
    crypto="real",
)
def simulated_register_and_refresh(b: CaseBuilder) -> None:
    """A worker registers with simulated evidence (status `OK`): `WorkerAdded`, provider
    `Simulated`, confidence 1. In the next block it registers again with another ECDH key and
    status `GROUP_OUT_OF_DATE` (level 5): `WorkerUpdated`, confidence 5, the ECDH key and the
    initial score unchanged."""
    sim_setup(b)
    info = pruntime_info()
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
    )
    w = b.chain.registry.workers[WORKER.public]
    check(
        (w.attestation_provider, w.confidence_level) == ("Simulated", 1),
        "provider Simulated, level 1",
    )
    b.next_block()
    again = pruntime_info(ecdh=b"\x09" * 32, version=2)
    do(
        b,
        REGISTER,
        {
            "pruntime_info": again,
            "attestation": simulated(again, now_s(b), status="GROUP_OUT_OF_DATE"),
        },
        signed("alice"),
    )
    after = b.chain.registry.workers[WORKER.public]
    check(
        (after.confidence_level, after.ecdh_pubkey, after.initial_score, after.runtime_version)
        == (5, w.ecdh_pubkey, w.initial_score, 2),
        "level 5, ECDH key and score kept",
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-4", "ATT-43"), crypto="real")
def simulated_confidence_levels(b: CaseBuilder) -> None:
    """Statuses go through the confidence table in both spellings: `SWHardeningNeeded` 2;
    `CONFIGURATION_NEEDED` with whitelisted advisories 3, with `INTEL-SA-00615` 4;
    `OutOfDateConfigurationNeeded` 5; `GROUP_REVOKED` is `InvalidQuoteStatus`."""
    sim_setup(b)
    cases = [
        ("SWHardeningNeeded", ()),
        ("CONFIGURATION_NEEDED", ("INTEL-SA-00334", "INTEL-SA-00219")),
        ("CONFIGURATION_NEEDED", ("INTEL-SA-00334", "INTEL-SA-00615")),
        ("OutOfDateConfigurationNeeded", ()),
    ]
    for i, (status, advisories) in enumerate(cases):
        key = dev_keypair(f"attestation/level-worker{i}").public
        info = pruntime_info(key)
        do(
            b,
            REGISTER,
            {
                "pruntime_info": info,
                "attestation": simulated(info, now_s(b), status=status, advisory_ids=advisories),
            },
            signed("alice"),
        )
        check(
            b.chain.registry.workers[key].confidence_level == confidence_level(status, advisories),
            f"the table's level for {status}",
        )
    info = pruntime_info(WORKER2.public)
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b), status="GROUP_REVOKED")},
        signed("alice"),
        outcome=BAD_STATUS,
    )
    b.finalize_block()


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=MINIMAL,
    clauses=("ATT-41", "ATT-42", "ATT-43", "ATT-44", "REG-9", "REG-10"),
    crypto="real",
)
def simulated_rejections_in_order(b: CaseBuilder) -> None:
    """Evidence that fails every check, with a wrong para id, is repaired one check at a time;
    each step shows the next check's code: signed by another key (`InvalidIASSigningCert`),
    a report with a trailing byte (`InvalidReport`), status `BOGUS` (`InvalidQuoteStatus`), a
    pRuntime not allowlisted (`PRuntimeRejected`), 7200 s old (`OutdatedIASReport`), report
    data binding another info (`InvalidRuntimeInfoHash`), then attestation passes and the para
    id fails (`ParachainIdMismatch`). Nothing changes."""
    sim_setup(b)
    info = pruntime_info(para_id=1)
    now = now_s(b)
    other = dict(info, machine_id=b"another machine")
    mallory = authority_key("mallory")
    bad: dict[str, Any] = {"runtime": SIM_RUNTIME2, "timestamp": now - 7200}
    steps: list[tuple[dict[str, Any], str]] = [
        (simulated(other, status="BOGUS", authority=mallory, **bad), BAD_CERT),
        (_trailing_byte(simulated(other, status="BOGUS", **bad)), BAD_REPORT),
        (simulated(other, status="BOGUS", **bad), BAD_STATUS),
        (simulated(other, **bad), REJECTED),
        (simulated(other, now - 7200), OUTDATED),
        (simulated(other, now), UNBOUND),
        (simulated(info, now), E + "ParachainIdMismatch"),
    ]
    for evidence, outcome in steps:
        do(
            b,
            REGISTER,
            {"pruntime_info": info, "attestation": evidence},
            signed("alice"),
            outcome=outcome,
        )
    b.finalize_block()


def _trailing_byte(evidence: dict[str, Any]) -> dict[str, Any]:
    """The same report with one byte appended, signed again by the authority [ATT-42]."""
    from phala_spec.tee.simulated import sign_report

    report = evidence["report"] + b"\x00"
    return {**evidence, "report": report, "signature": sign_report(report)}


@case(
    suite=SUITE,
    handler=HANDLER,
    presets=MINIMAL,
    clauses=("ATT-5", "ATT-42", "ATT-43"),
    crypto="real",
)
def simulated_garbled_and_tampered(b: CaseBuilder) -> None:
    """A flipped signature bit, a 63-byte signature and a report byte changed after signing
    are `InvalidIASSigningCert`; an authority-signed empty report and one cut inside its
    status are `InvalidReport`."""
    from phala_spec.tee.simulated import sign_report

    sim_setup(b)
    info = pruntime_info()
    good = simulated(info, now_s(b))
    for change, outcome in (
        ({"signature": flip(good["signature"], 0)}, BAD_CERT),
        ({"signature": good["signature"][:63]}, BAD_CERT),
        ({"report": flip(good["report"], 70)}, BAD_CERT),
        ({"report": b"", "signature": sign_report(b"")}, BAD_REPORT),
        (
            {"report": good["report"][:-2], "signature": sign_report(good["report"][:-2])},
            BAD_REPORT,
        ),
    ):
        do(
            b,
            REGISTER,
            {"pruntime_info": info, "attestation": {**good, **change}},
            signed("alice"),
            outcome=outcome,
        )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-44",), crypto="real")
def simulated_freshness_bounds(b: CaseBuilder) -> None:
    """A report 7199 s old registers; 7200 s old is `OutdatedIASReport`; one dated an hour
    after the block is fresh and registers."""
    sim_setup(b)
    now = now_s(b)
    info = pruntime_info()
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now - 7200)},
        signed("alice"),
        outcome=OUTDATED,
    )
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now - 7199)},
        signed("alice"),
    )
    info2 = pruntime_info(WORKER2.public)
    do(
        b,
        REGISTER,
        {"pruntime_info": info2, "attestation": simulated(info2, now + 3600)},
        signed("alice"),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-44", "REG-5"), crypto="real")
def simulated_deallowlisted_runtime(b: CaseBuilder) -> None:
    """A worker registers; governance removes its pRuntime from the allowlist; registering
    again is `PRuntimeRejected` and leaves the record as it was; the council adds it back and
    the refresh succeeds."""
    sim_setup(b)
    info = pruntime_info()
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
    )
    do(b, REMOVE_PRUNTIME, {"pruntime_hash": SIM_RUNTIME}, root())
    b.next_block()
    before = b.chain.registry.workers[WORKER.public]
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
        outcome=REJECTED,
    )
    check(b.chain.registry.workers[WORKER.public] == before, "the record unchanged")
    do(b, ADD_PRUNTIME, {"pruntime_hash": SIM_RUNTIME}, root())
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-44", "REG-2"), crypto="real")
def simulated_without_pruntime_verification(b: CaseBuilder) -> None:
    """With `verify_pruntime` off, a pRuntime absent from the allowlist registers; freshness
    and binding still apply (`OutdatedIASReport`)."""
    b.genesis(
        config={"verify_pruntime": False},
        registry={"genesis_hash_allowlist": [pruntime_info()["genesis_block_hash"]]},
    )
    b.initialize_block(timestamp=SIM_TIME * 1000)
    info = pruntime_info()
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b) - 7200, SIM_RUNTIME2)},
        signed("alice"),
        outcome=OUTDATED,
    )
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b), SIM_RUNTIME2)},
        signed("alice"),
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=("phala", "khala"), clauses=("ATT-40",), crypto="real")
def simulated_refused_on_production(b: CaseBuilder) -> None:
    """Production chains have no simulated provider: valid, bound, allowlisted evidence is
    `UnsupportedAttestationType`, and so is garbage."""
    sim_setup(b)
    info = pruntime_info(para_id=b.config.parachain_id)
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
        outcome=UNSUPPORTED,
    )
    do(
        b,
        REGISTER,
        {
            "pruntime_info": info,
            "attestation": {"kind": "Simulated", "report": b"", "signature": b""},
        },
        signed("alice"),
        outcome=UNSUPPORTED,
    )
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-40", "GEN-3"), crypto="real")
def simulated_switched_off_at_genesis(b: CaseBuilder) -> None:
    """On `minimal` with `simulated_attestation` overridden to false, valid evidence is
    `UnsupportedAttestationType`."""
    b.genesis(
        config={"simulated_attestation": False},
        registry={
            "pruntime_allowlist": [SIM_RUNTIME],
            "genesis_hash_allowlist": [pruntime_info()["genesis_block_hash"]],
        },
    )
    b.initialize_block(timestamp=SIM_TIME * 1000)
    info = pruntime_info()
    do(
        b,
        REGISTER,
        {"pruntime_info": info, "attestation": simulated(info, now_s(b))},
        signed("alice"),
        outcome=UNSUPPORTED,
    )
    b.finalize_block()
