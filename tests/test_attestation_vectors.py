"""The ``attestation`` vector suite: its evidence and its coverage of the attestation codes.

The codes are those the attestation clauses give ([ATT-4], [ATT-7]..[ATT-12],
[ATT-20], [ATT-40]..[ATT-45]), read from the reference modules' constants;
the checks after the IAS signature are reached with reports under the test
root [ATT-13].
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import cbor2
import pytest

from phala_spec.tee import attestation
from phala_spec.tee import dcap as attestation_dcap
from phala_spec.tee import ias as attestation_ias
from phala_spec.tee import simulated as attestation_simulated

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "attestation"
VECTORS = ROOT / "conformance" / "vectors"


def _codes() -> set[str]:
    modules = (attestation, attestation_ias, attestation_dcap, attestation_simulated)
    return {
        value
        for module in modules
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and value.startswith("PhalaRegistry.")
    }


def _outcomes(suite: str) -> set[str]:
    found = set()
    for path in VECTORS.glob(f"*/{suite}/*/*.cbor"):
        for entry in cbor2.loads(path.read_bytes())["steps"]:
            found.add(entry["expect"]["outcome"])
    return found


@pytest.mark.parametrize("sample", ["pallet", "crate"])
def test_shipped_ias_evidence_is_the_sample(sample: str) -> None:
    """The package ships production's IAS samples, decoded to raw bytes [ATT-6]."""
    raw = json.loads((SAMPLES / f"ias_report_{sample}_sample.json").read_text())
    evidence = attestation_ias.decode_ias_evidence(
        raw["raReport"],
        raw["signature"],
        raw["rawSigningCert"],
        "hex" if sample == "pallet" else "base64",
    )
    shipped = resources.files("phala_spec.conformance") / "evidence"
    assert (shipped / f"ias_{sample}_ra_report.json").read_bytes() == evidence.ra_report
    assert (shipped / f"ias_{sample}_signature.bin").read_bytes() == evidence.signature
    assert (shipped / f"ias_{sample}_signing_cert.der").read_bytes() == evidence.raw_signing_cert


def test_every_attestation_code_has_a_vector() -> None:
    """Each provider code is some vector's outcome, those behind the IAS signature included."""
    codes = _codes()
    assert {attestation_ias.BAD_IAS_REPORT, attestation_ias.UNKNOWN_QUOTE_BODY_FORMAT} <= codes
    missing = codes - _outcomes("attestation")
    assert not missing


def test_test_root_vectors_set_the_flag_at_genesis() -> None:
    """[ATT-13] The vectors with reports under the test root set ``ias_test_root`` in their
    genesis, but the one showing that, left off, the root is not trusted."""
    flagged = set()
    for path in VECTORS.glob("*/attestation/*/ias_*.cbor"):
        vector = cbor2.loads(path.read_bytes())
        config = vector["genesis"].get("overrides", {}).get("config", {})
        if config.get("ias_test_root"):
            flagged.add(vector["case"])
    assert {"ias_short_quote_body", "ias_missing_or_mistyped_fields"} <= flagged
    assert "ias_test_root_not_trusted_by_default" not in flagged


def test_dcap_corpus_vectors_set_the_flag_at_genesis() -> None:
    """[ATT-39] The vectors made under the test DCAP root set ``dcap_test_root`` in their
    genesis, but the ones showing that, left off, the root is not trusted."""
    flagged, unflagged = set(), set()
    for pattern in ("*/dcap*/*/corpus_*.cbor", "*/attestation/*/dcap_*.cbor"):
        for path in VECTORS.glob(pattern):
            vector = cbor2.loads(path.read_bytes())
            config = vector["genesis"].get("overrides", {}).get("config", {})
            (flagged if config.get("dcap_test_root") else unflagged).add(vector["case"])
    assert {"corpus_verifies_under_test_root", "dcap_test_root_registers_a_worker"} <= flagged
    on_real_evidence = {  # production's sample, which needs no test root
        "dcap_sample_precedence",
        "dcap_validity_window",
        "dcap_before_pck_certificate",
        "dcap_tampered_quote",
    }
    assert unflagged - on_real_evidence == {
        "corpus_test_root_not_trusted_by_default",
        "dcap_test_root_not_trusted_by_default",
    }


def test_simulated_vectors_run_only_where_enabled() -> None:
    """[ATT-40] simulated evidence registers workers on minimal only; elsewhere it is refused."""
    for path in VECTORS.glob("*/attestation/*/simulated_*.cbor"):
        vector = cbor2.loads(path.read_bytes())
        assert vector["crypto"] == "real"
        outcomes = {
            entry["expect"]["outcome"]
            for entry in vector["steps"]
            if entry["step"].get("call") == "PhalaRegistry.register_worker_v2"
        }
        if vector["preset"] != "minimal":
            assert outcomes == {attestation_simulated.UNSUPPORTED_ATTESTATION_TYPE}
