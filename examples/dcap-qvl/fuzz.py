"""Differential fuzzing of DCAP verification: the reference against dcap-qvl [ATT-38].

Each trial flips one bit of production's DCAP sample (the quote, or one field of its
``SgxV30`` collateral), verifies the copy with the reference (``phala_spec.tee.dcap``,
through the ``verify_dcap`` step [STEP-8]) and with dcap-qvl (mapped as [ATT-36]), and
compares the chain's outcomes and returned reports. A disagreement belongs to a *class*:
the region of the flipped bit and the two outcomes. Every class must be in the ledger
``conformance/dcap-qvl-ledger.toml``, resolved against what the chain's verifier does.

Run: ``python examples/dcap-qvl/fuzz.py --target quote|collateral --trials 2000 [--seed N]``
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import adapter

from phala_spec.network import State, genesis_state
from phala_spec.steps import apply_step
from phala_spec.tee.dcap import SIGNED_LEN

# An instant at which both verifiers accept the pristine sample: after the issue dates of
# its TCB info and QE identity (dcap-qvl checks them, the chain does not [ATT-37]) and
# before their nextUpdate; 2023-12-01T00:00:00Z.
COMMON_TIME = 1_701_388_800
LEDGER = Path(__file__).resolve().parents[2] / "conformance" / "dcap-qvl-ledger.toml"
FIELDS = (
    "pck_crl_issuer_chain",
    "root_ca_crl",
    "pck_crl",
    "tcb_info_issuer_chain",
    "tcb_info",
    "tcb_info_signature",
    "qe_identity_issuer_chain",
    "qe_identity",
    "qe_identity_signature",
)
_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)


def sample() -> tuple[bytes, bytes]:
    """Production's DCAP quote and its SCALE collateral (conformance/evidence)."""
    ev = resources.files("phala_spec.conformance") / "evidence"
    return (ev / "dcap_quote_v3.bin").read_bytes(), (
        ev / "dcap_collateral_sgxv30.scale"
    ).read_bytes()


def encode_compact(n: int) -> bytes:
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    if n < 1 << 30:
        return ((n << 2) | 2).to_bytes(4, "little")
    raw = n.to_bytes((n.bit_length() + 7) // 8, "little")
    return bytes([((len(raw) - 4) << 2) | 3]) + raw


def encode_collateral(fields: list[bytes]) -> bytes:
    return b"".join(encode_compact(len(f)) + f for f in fields)


def _pem_regions(data: bytes, start: int, prefix: str) -> list[tuple[int, int, str]]:
    """The byte ranges of a text's PEM certificates: leaf, then ca1, ca2... [ATT-24]."""
    names = ["leaf"] + [f"ca{i}" for i in range(1, 10)]
    out = []
    for i, m in enumerate(_PEM.finditer(data)):
        out.append((start + m.start(), start + m.end(), f"{prefix}.{names[i]}"))
    return out


def quote_regions(quote: bytes) -> list[tuple[int, int, str]]:
    """The layout of a v3 quote [ATT-23] as (start, end, name); certificates one by one."""
    auth_len = int.from_bytes(quote[1012:1014], "little")
    cert_at = 1014 + auth_len
    regions = [
        (0, 2, "quote.version"),
        (2, 4, "quote.attestation_key_type"),
        (4, 48, "quote.header_rest"),
        (48, 368, "quote.isv_body"),
        (368, SIGNED_LEN, "quote.isv_report_data"),
        (432, 436, "quote.signature_data_len"),
        (436, 500, "quote.isv_signature"),
        (500, 564, "quote.attestation_key"),
        (564, 948, "quote.qe_report"),
        (948, 1012, "quote.qe_signature"),
        (1012, 1014, "quote.qe_auth_len"),
        (1014, cert_at, "quote.qe_auth_data"),
        (cert_at, cert_at + 2, "quote.cert_type"),
        (cert_at + 2, cert_at + 6, "quote.cert_len"),
    ]
    certs = _pem_regions(quote[cert_at + 6 :], cert_at + 6, "quote.pck_chain")
    return regions + certs


def region_of(regions: list[tuple[int, int, str]], at: int, default: str) -> str:
    for start, end, name in regions:
        if start <= at < end:
            return name
    return default


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def reference_verdict(quote: bytes, collateral: bytes | None, now: int) -> tuple[str, Any]:
    """The chain's verdict as the reference gives it: a ``verify_dcap`` step [STEP-8]."""
    step = {"kind": "verify_dcap", "quote": quote, "collateral": collateral, "now": now}
    result = apply_step(_chain(), step)  # the step reads only the chain's trust [ATT-39]
    return result.outcome, result.returned


@functools.cache
def _chain() -> State:
    """A `minimal` genesis: the chain trusts Intel's root alone, as production [ATT-22]."""
    return genesis_state("minimal")


def label(outcome: str, other_outcome: str, returned: Any, other: Any) -> str:
    """An outcome without the pallet prefix; two ``ok`` with different reports are marked."""
    short = outcome.removeprefix("PhalaRegistry.")
    both_ok = outcome == other_outcome == "ok"
    return f"{short} (report differs)" if both_ok and returned != other else short


def trials(count: int, seed: int, target: str) -> Iterator[tuple[str, bytes, bytes]]:
    """``count`` one-bit mutants of the ``quote`` or of one ``collateral`` field."""
    quote, collateral = sample()
    fields = adapter.decode_collateral(collateral)
    regions = quote_regions(quote)
    rng = random.Random(seed)
    for _ in range(count):
        if target == "quote":
            bit = rng.randrange(len(quote) * 8)
            region = region_of(regions, bit // 8, "quote.trailing")
            yield region, flip(quote, bit), collateral
        else:
            index = rng.randrange(len(FIELDS))
            field = fields[index]
            bit = rng.randrange(len(field) * 8)
            name = f"collateral.{FIELDS[index]}"
            region = region_of(_pem_regions(field, 0, name), bit // 8, name)
            mutated = [*fields[:index], flip(field, bit), *fields[index + 1 :]]
            yield region, quote, encode_collateral(mutated)


def run(
    count: int, seed: int, target: str = "quote", now: int = COMMON_TIME
) -> tuple[int, Counter[str], dict[str, str]]:
    """Agreements, the divergence classes with their counts and one dcap-qvl message each."""
    agree, classes, examples = 0, Counter[str](), {}
    for region, quote, collateral in trials(count, seed, target):
        ref_outcome, ref_returned = reference_verdict(quote, collateral, now)
        raw = adapter.raw_verdict(quote, collateral, now)
        qvl_outcome, qvl_returned = adapter.chain_verdict(raw)
        if raw["kind"] != "panic" and (ref_outcome, ref_returned) == (qvl_outcome, qvl_returned):
            agree += 1
            continue
        ref = label(ref_outcome, qvl_outcome, ref_returned, qvl_returned)
        qvl = label(qvl_outcome, ref_outcome, qvl_returned, ref_returned)
        name = f"{region}: chain {ref} / dcap-qvl {'panic' if raw['kind'] == 'panic' else qvl}"
        classes[name] += 1
        examples.setdefault(name, raw.get("message", raw.get("status", "")))
    return agree, classes, examples


def ledger_classes(path: Path = LEDGER) -> dict[str, dict[str, Any]]:
    """The ledger's divergence classes, by class name."""
    with path.open("rb") as f:
        entries = tomllib.load(f).get("divergence", [])
    return {entry["class"]: entry for entry in entries}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--target", choices=("quote", "collateral"), default="quote")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--now", type=int, default=COMMON_TIME)
    parser.add_argument("--ledger", type=Path, default=LEDGER)
    args = parser.parse_args(argv)
    agree, classes, examples = run(args.trials, args.seed, args.target, args.now)
    known = ledger_classes(args.ledger)
    print(
        f"{args.target}: {agree}/{args.trials} bit flips agree ({100 * agree / args.trials:.1f} %)"
    )
    for name, n in sorted(classes.items()):
        mark = "ledger" if name in known else "NEW"
        print(f"{n:5}  [{mark}] {name}    ({examples[name][:70]})")
    return 0 if all(name in known for name in classes) else 1


if __name__ == "__main__":
    sys.exit(main())
