"""``phala-spec bench`` section ``attestation`` [ATT-6] [ATT-20] [ATT-43].

Verifications per second of each provider on its evidence, at a block time
where it verifies: production's two IAS samples (alternating) with
``verify_ias``, production's DCAP sample with ``verify_dcap`` (collateral
decoded once, as the call's decoding does), and a simulated report with
``verify_simulated``. Beside them, measured in the same run on the same
machine: one raw RSA-2048 PKCS#1 v1.5 SHA-256 verification (the IAS report's
signature under its signing certificate) and one raw ECDSA P-256 SHA-256
verification (the DCAP quote's ISV report signature under its attestation
key). The ratios say how many raw verifications each provider costs. Each
figure is the median over rounds that time every operation in turn. Every
timed verification must succeed (checked).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

DCAP_TIME = 1_699_301_000  # production's verification time of its DCAP sample [ATT-34]
PROVIDERS = ("ias", "dcap", "simulated")
RAW = ("rsa2048_verify", "p256_verify")


def _evidence(name: str) -> bytes:
    return (resources.files("phala_spec.conformance") / "evidence" / name).read_bytes()


def _ias_sample(sample: str) -> tuple[bytes, bytes, bytes]:
    return (
        _evidence(f"ias_{sample}_ra_report.json"),
        _evidence(f"ias_{sample}_signature.bin"),
        _evidence(f"ias_{sample}_signing_cert.der"),
    )


def _operations() -> dict[str, Callable[[], bool]]:
    """One zero-argument verification per figure; each returns whether it verified."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    from phala_spec.tee.dcap import decode_collateral, parse_quote, raw_to_der, verify_dcap
    from phala_spec.tee.ias import verify_ias
    from phala_spec.tee.simulated import SimulatedReport, sign_report, verify_simulated

    samples = [_ias_sample("pallet"), _ias_sample("crate")]
    times = [verify_ias(*s, now=1_697_619_675).timestamp or 0 for s in samples]
    turn = [0]

    def ias() -> bool:
        i = turn[0] = 1 - turn[0]
        return verify_ias(*samples[i], now=times[i]).provider == "Ias"

    quote = _evidence("dcap_quote_v3.bin")
    collateral = decode_collateral(_evidence("dcap_collateral_sgxv30.scale"))

    def dcap() -> bool:
        return verify_dcap(quote, collateral, DCAP_TIME).provider == "Dcap"

    report = SimulatedReport(bytes(68), bytes(64), DCAP_TIME, "OK").encode()
    signature = sign_report(report)

    def simulated() -> bool:
        return verify_simulated(report, signature).provider == "Simulated"

    ra_report, ias_signature, cert_der = samples[0]
    rsa_key = x509.load_der_x509_certificate(cert_der).public_key()
    assert isinstance(rsa_key, rsa.RSAPublicKey) and rsa_key.key_size == 2048

    def rsa2048() -> bool:
        try:
            rsa_key.verify(ias_signature, ra_report, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True

    parsed = parse_quote(quote)
    p256_key = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), b"\x04" + parsed.attestation_key
    )
    isv_signature = raw_to_der(parsed.isv_report_signature)

    def p256() -> bool:
        try:
            p256_key.verify(isv_signature, parsed.signed_bytes, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True

    return {
        "ias": ias,
        "dcap": dcap,
        "simulated": simulated,
        "rsa2048_verify": rsa2048,
        "p256_verify": p256,
    }


def measure_attestation(*, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Verifications per second of each provider and of the raw primitives, and their ratios.

    ``seed`` is accepted for symmetry with the other sections; the workload is
    fixed evidence.
    """
    operations = _operations()
    verified = all(op() for op in operations.values())
    per_batch, rounds = (2, 2) if quick else (50, 9)

    samples: dict[str, list[float]] = {name: [] for name in operations}
    for _ in range(rounds):  # interleaved, so that load from elsewhere hits every figure alike
        for name, op in operations.items():
            start = time.perf_counter()
            for _ in range(per_batch):
                op()
            samples[name].append(per_batch / (time.perf_counter() - start))
    rates = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "per_batch": per_batch,
        "rounds": rounds,
        "measurements": [{"name": name, "per_second": rate} for name, rate in rates.items()],
        # how many raw verifications one provider verification costs
        "ratios": {
            f"{provider}_over_{raw}": rates[raw] / rates[provider]
            for provider in PROVIDERS
            for raw in RAW
        },
        "all_verified": verified,
    }


def print_attestation(console: Any, figures: dict[str, Any], quick: bool) -> bool:
    from rich.table import Table

    from . import rates_table

    console.print(rates_table("attestation verifications", figures["measurements"], quick))
    ratios = Table(title="cost in raw verifications (measured in this run)")
    ratios.add_column("provider")
    for raw in RAW:
        ratios.add_column(f"× {raw}", justify="right")
    for provider in PROVIDERS:
        ratios.add_row(
            provider, *(f"{figures['ratios'][f'{provider}_over_{raw}']:.2f}" for raw in RAW)
        )
    console.print(ratios)
    verdict = "[green]all verified[/]" if figures["all_verified"] else "[red]NOT ALL VERIFIED[/]"
    console.print(f"IAS (2 samples), DCAP (1 sample), simulated (1 report): {verdict}")
    return bool(figures["all_verified"])
