"""dcap-qvl, Phala's maintained DCAP quote verifier, served through the adapter protocol.

A second implementation of the chain's DCAP verification [ATT-35]: it answers the
``verify_dcap`` steps [STEP-8] of the ``dcap`` suite with dcap-qvl's verdict mapped to
the chain's outcomes as [ATT-36] writes down, and ``unsupported`` for everything else
(no calls, views or state subsystems). It does not import the reference: the collateral's
SCALE decoding, the confidence table [ATT-4] and the pRuntime hash [ATT-3] are written
here again from the specification.

Run: ``phala-spec conformance run --adapter "python examples/dcap-qvl/adapter.py" -k /dcap/``.
The ``dcap_corpus`` suite, made under the reference's test root ([ATT-39]), is not declared,
and a genesis that sets ``dcap_test_root`` is answered ``unsupported``: dcap-qvl trusts
Intel's root only.
With ``--chain-policy`` it also declares the ``dcap_chain_policy`` suite, whose vectors it
fails, one per departure of the chain from Intel's policy listed in the ledger [ATT-37].
"""

from __future__ import annotations

import json
import struct
import sys
from typing import Any

import cbor2
import dcap_qvl

PROTOCOL = 2
INVALID = "PhalaRegistry.InvalidDCAPQuote"
UNSUPPORTED = "PhalaRegistry.UnsupportedAttestationType"
BAD_STATUS = "PhalaRegistry.InvalidQuoteStatus"

# [ATT-4] the chain's confidence table, DCAP (TCB status) spellings and IAS ones alike.
LEVELS = {
    **dict.fromkeys(("OK", "UpToDate"), 1),
    **dict.fromkeys(("SW_HARDENING_NEEDED", "SWHardeningNeeded"), 2),
    **dict.fromkeys(
        (
            "CONFIGURATION_NEEDED",
            "CONFIGURATION_AND_SW_HARDENING_NEEDED",
            "ConfigurationNeeded",
            "ConfigurationAndSWHardeningNeeded",
        ),
        3,
    ),
    **dict.fromkeys(("GROUP_OUT_OF_DATE", "OutOfDate", "OutOfDateConfigurationNeeded"), 5),
}
ADVISORY_WHITELIST = {"INTEL-SA-00334", "INTEL-SA-00219", "INTEL-SA-00381", "INTEL-SA-00389"}


class CollateralError(ValueError):
    """The collateral bytes are not an ``SgxV30QuoteCollateral`` [ATT-21]."""


def _compact(data: bytes, at: int) -> tuple[int, int]:
    """A canonical SCALE compact length at ``at``: (value, next offset) [ATT-21]."""
    if at >= len(data):
        raise CollateralError("truncated length")
    mode = data[at] & 3
    if mode == 3:
        n = (data[at] >> 2) + 4
        raw = data[at + 1 : at + 1 + n]
        value = int.from_bytes(raw, "little")
        if len(raw) != n or value < 1 << 30 or raw[-1] == 0:
            raise CollateralError("bad big length")
        return value, at + 1 + n
    width = (1, 2, 4)[mode]
    raw = data[at : at + width]
    if len(raw) != width:
        raise CollateralError("truncated length")
    value = int.from_bytes(raw, "little") >> 2
    if (mode == 1 and value < 1 << 6) or (mode == 2 and value < 1 << 14):
        raise CollateralError("non-canonical length")
    return value, at + width


def decode_collateral(data: bytes) -> list[bytes]:
    """The nine fields of an ``SgxV30QuoteCollateral`` [ATT-21]; the String ones must be UTF-8."""
    fields, at = [], 0
    for _ in range(9):
        n, at = _compact(data, at)
        if at + n > len(data):
            raise CollateralError("truncated field")
        fields.append(data[at : at + n])
        at += n
    if at != len(data):
        raise CollateralError("trailing bytes")
    for i in (0, 1, 2, 3, 4, 6, 7):
        try:
            fields[i].decode("utf-8")
        except UnicodeDecodeError:
            raise CollateralError("String field is not UTF-8") from None
    return fields


def qvl_collateral(fields: list[bytes]) -> Any:
    """dcap-qvl's collateral: the chain's fields, the two CRLs from hex text to DER [ATT-36]."""
    text = [f.decode("utf-8") if i not in (5, 8) else "" for i, f in enumerate(fields)]
    try:
        root_ca_crl, pck_crl = bytes.fromhex(text[1]), bytes.fromhex(text[2])
    except ValueError:
        raise CollateralError("a CRL is not hex") from None
    return dcap_qvl.QuoteCollateralV3(
        text[0], root_ca_crl, pck_crl, text[3], text[4], fields[5], text[6], text[7], fields[8]
    )


def raw_verdict(quote: bytes, collateral: bytes | None, now: int) -> dict[str, Any]:
    """What dcap-qvl says, before the chain's mapping: ``{kind, ...}`` with kind ``no collateral``,
    ``bad collateral``, ``refused`` (its message), ``panic`` or ``verified`` (status, report)."""
    if collateral is None:
        return {"kind": "no collateral"}
    try:
        coll = qvl_collateral(decode_collateral(collateral))
    except CollateralError as exc:
        return {"kind": "bad collateral", "message": str(exc)}
    try:
        report = dcap_qvl.verify(quote, coll, now)
    except ValueError as exc:
        return {"kind": "refused", "message": str(exc).splitlines()[0]}
    except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return {"kind": "panic", "message": f"{type(exc).__name__}: {exc}"}
    body = json.loads(report.to_json())
    return {
        "kind": "verified",
        "status": report.status,
        "advisory_ids": list(report.advisory_ids),
        "report": body.get("report", {}),
    }


def confidence_level(status: str, advisory_ids: list[str]) -> int | None:
    """[ATT-4]: the level of a status, ``None`` for a status the chain refuses."""
    level = LEVELS.get(status)
    if level == 3 and any(a not in ADVISORY_WHITELIST for a in advisory_ids):
        return 4
    return level


def chain_verdict(raw: dict[str, Any]) -> tuple[str, Any]:
    """dcap-qvl's verdict as the chain's outcome and returned report [ATT-36]."""
    kind = raw["kind"]
    if kind == "no collateral":
        return UNSUPPORTED, None
    if kind != "verified":
        return INVALID, None
    sgx = raw["report"].get("SgxEnclave")
    if not isinstance(sgx, dict):  # a TDX report: the chain verifies SGX quotes only [ATT-26]
        return INVALID, None
    level = confidence_level(raw["status"], raw["advisory_ids"])
    if level is None:
        return BAD_STATUS, None
    runtime_hash = (
        bytes.fromhex(sgx["mr_enclave"])
        + struct.pack(">HH", sgx["isv_prod_id"], sgx["isv_svn"])
        + bytes.fromhex(sgx["mr_signer"])
    )
    return "ok", {
        "provider": "Dcap",
        "confidence_level": level,
        "runtime_hash": runtime_hash,
        "report_data": bytes.fromhex(sgx["report_data"]),
        "timestamp": None,
    }


def verify(quote: bytes, collateral: bytes | None, now: int) -> tuple[str, Any]:
    """The outcome and returned value of a ``verify_dcap`` step [STEP-8], by dcap-qvl."""
    return chain_verdict(raw_verdict(quote, collateral, now))


# --- The adapter protocol [ADP-1]..[ADP-13] ------------------------------------------------


def _read() -> Any:
    head = sys.stdin.buffer.read(4)
    if len(head) < 4:
        return None
    (n,) = struct.unpack(">I", head)
    return cbor2.loads(sys.stdin.buffer.read(n))


def _write(message: dict[str, Any]) -> None:
    body = cbor2.dumps(message, canonical=True)
    sys.stdout.buffer.write(struct.pack(">I", len(body)) + body)
    sys.stdout.buffer.flush()


def _unsupported(reason: str) -> dict[str, Any]:
    return {"status": "unsupported", "reason": reason}


def _step(step: Any) -> dict[str, Any]:
    if not isinstance(step, dict) or step.get("kind") != "verify_dcap":
        return _unsupported(f"dcap-qvl applies verify_dcap steps only, not {step!r:.60}")
    quote, collateral, now = step.get("quote"), step.get("collateral"), step.get("now")
    if set(step) != {"kind", "quote", "collateral", "now"} or not (
        isinstance(quote, bytes)
        and (collateral is None or isinstance(collateral, bytes))
        and isinstance(now, int)
        and 0 <= now < 1 << 64
    ):
        return {"status": "error", "message": "malformed verify_dcap step"}
    raw = raw_verdict(quote, collateral, now)
    if raw["kind"] == "panic":
        return {"status": "error", "message": f"dcap-qvl panicked: {raw['message']}"}
    outcome, returned = chain_verdict(raw)
    return {"status": "ok", "outcome": outcome, "events": [], "returned": returned, "digests": {}}


def _unsupported_genesis(genesis: Any) -> str | None:
    """Why a genesis cannot be served, if it cannot: one that trusts the reference's test DCAP
    root [ATT-39]. dcap-qvl verifies against Intel's root and Intel's whole policy (QE
    identity, CRLs, issue dates), which the corpus made under the test root does not carry."""
    overrides = genesis.get("overrides") if isinstance(genesis, dict) else None
    config = overrides.get("config") if isinstance(overrides, dict) else None
    if isinstance(config, dict) and config.get("dcap_test_root"):
        return "dcap-qvl trusts Intel's SGX root only, not the test root of [ATT-39]"
    return None


def handle(request: Any, loaded: list[bool]) -> dict[str, Any]:
    kind = request.get("request") if isinstance(request, dict) else None
    if kind == "hello":
        if request.get("protocol") != PROTOCOL:
            return _unsupported(f"protocol {PROTOCOL} only")
        return {
            "status": "ok",
            "protocol": PROTOCOL,
            "implementation": {"name": "dcap-qvl", "version": dcap_qvl.__version__},
            "capabilities": {
                "suites": SUITES,
                "presets": ["minimal"],
                "crypto": ["none", "real"],
                "calls": [],
                "views": [],
                "subsystems": [],
                "steps": ["verify_dcap"],
            },
        }
    if kind == "load":
        reason = _unsupported_genesis(request.get("genesis"))
        if reason is not None:
            return _unsupported(reason)
        loaded[0] = True  # no state: verification is a pure function of the step [STEP-8]
        return {"status": "ok", "digests": {}}
    if kind == "step":
        if not loaded[0]:
            return {"status": "error", "message": "no state loaded"}
        return _step(request.get("step"))
    if kind in ("query", "state"):
        return _unsupported("dcap-qvl has no chain state: no views, no subsystems")
    if kind == "reset":
        loaded[0] = False
        return {"status": "ok"}
    if kind == "bye":
        return {"status": "ok"}
    return {"status": "error", "message": f"unknown request {kind!r}"}


SUITES = ["dcap"]


def main() -> None:
    if "--chain-policy" in sys.argv[1:]:  # to show the suite's vectors fail [ATT-37]
        SUITES.append("dcap_chain_policy")
    loaded = [False]
    while (request := _read()) is not None:
        _write(handle(request, loaded))
        if isinstance(request, dict) and request.get("request") == "bye":
            break


if __name__ == "__main__":
    main()
