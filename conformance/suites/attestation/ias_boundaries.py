"""IAS reports under the test root at the boundaries of each check: the signing certificate's
key and validity, the report time's calendar and its freshness across dates, the JSON text,
the quote body's base64 [ATT-7]..[ATT-13].

Signing certificates other than the default one are issued under the test root by
``phala_spec.conformance.ias_corpus``; the reports and their helpers are those of
``ias_checks``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case
from phala_spec.conformance.ias_corpus import evidence as evidence_under
from phala_spec.conformance.suites.attestation.common import (
    BAD_CERT,
    BAD_REPORT,
    HANDLER,
    MINIMAL,
    OUTDATED,
    SUITE,
    at,
)
from phala_spec.conformance.suites.attestation.ias_checks import (
    BAD_BODY,
    BAD_TIME,
    MAX_AGE,
    QUOTE_BODY,
    RUNTIME,
    binding,
    compact,
    evidence,
    expect_worker,
    ias_setup,
    quote_body,
    register,
    report,
    report_time,
)
from phala_spec.conformance.suites.registry import GENESIS, pruntime_info


def unix(text: str) -> int:
    """Unix seconds of a UTC date-time written ``YYYY-MM-DDThh:mm:ss``."""
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp())


def genesis_at(b: CaseBuilder, seconds: int) -> None:
    """The test root trusted, the enclave allowlisted, a first block at ``seconds``."""
    b.genesis(
        config={"ias_test_root": True},
        registry={"genesis_hash_allowlist": [GENESIS], "pruntime_allowlist": [RUNTIME]},
    )
    b.initialize_block(timestamp=seconds * 1000)


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-7", "ATT-13"))
def ias_signing_certificate_keys(b: CaseBuilder) -> None:
    """Signing certificates issued by the test root with other keys: RSA of 2047 bits,
    `InvalidIASSigningCert`; RSA of exactly 8192 bits, the worker registers; an Ed25519 key
    and a P-256 key (not RSA), `InvalidIASSigningCert`."""
    ias_setup(b)
    info = pruntime_info()
    raw = compact(report(info))
    for kind, outcome in (
        ("rsa2047", BAD_CERT),
        ("rsa8192", "ok"),
        ("ed25519", BAD_CERT),
        ("p256", BAD_CERT),
    ):
        register(b, info, evidence_under(raw, kind), outcome)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-7", "ATT-13"))
def ias_signing_certificate_not_before(b: CaseBuilder) -> None:
    """The default signing certificate is valid from 2020-01-01T00:00:00Z, inclusive: one
    second before, a fresh report is `InvalidIASSigningCert`; at that second it registers the
    worker."""
    start = unix("2020-01-01T00:00:00")
    genesis_at(b, start - 1)
    info = pruntime_info()
    fresh = evidence(report(info, timestamp=report_time(start - 1)))
    register(b, info, fresh, BAD_CERT)
    at(b, start)
    register(b, info, fresh, "ok")
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-9", "ATT-13"))
def ias_report_time_calendar(b: CaseBuilder) -> None:
    """Report times that are not real instants are `BadIASReport`: month 00 or 13, day 00,
    day 31 of April, June, September, November, day 32 of January, February 29 of 2022 and
    of 2100, February 30 of 2020, hour 24, minute 60, second 61. Their neighbours are real
    (months 01 and 12, day 01, day 30 of those months, day 31 of the others, February 28 of
    2022, February 29 of 2020 and 2000, hour 23, minute 59, second 60 (a leap second), a
    lower-case `t`): long past, they are `OutdatedIASReport`."""
    ias_setup(b)
    info = pruntime_info()
    bad = [
        "2022-00-10T00:00:00",
        "2022-13-10T00:00:00",
        "2022-05-00T00:00:00",
        "2022-04-31T00:00:00",
        "2022-06-31T00:00:00",
        "2022-09-31T00:00:00",
        "2022-11-31T00:00:00",
        "2022-01-32T00:00:00",
        "2022-02-29T00:00:00",
        "2100-02-29T00:00:00",
        "2020-02-30T00:00:00",
        "2022-05-10T24:00:00",
        "2022-05-10T12:60:00",
        "2022-05-10T12:00:61",
    ]
    good = [
        "2022-01-10T00:00:00",
        "2022-12-10T00:00:00",
        "2022-05-01T00:00:00",
        "2022-04-30T00:00:00",
        "2022-06-30T00:00:00",
        "2022-09-30T00:00:00",
        "2022-11-30T00:00:00",
        *(f"2022-{m:02d}-31T00:00:00" for m in (1, 3, 5, 7, 8, 10)),
        "2022-02-28T00:00:00",
        "2020-02-29T00:00:00",
        "2000-02-29T00:00:00",
        "2022-05-10T23:59:59",
        "2022-05-10T12:00:60",
        "2022-05-10t12:00:00",
    ]
    for text in bad:
        register(b, info, evidence(report(info, timestamp=text)), BAD_TIME)
    for text in good:
        register(b, info, evidence(report(info, timestamp=text)), OUTDATED)
    b.finalize_block()


# The instants at which freshness is checked to the second, in order: around the 400-year era
# boundaries, January, February and March of a common and of a leap year, the turn of a year,
# the last day of a leap year, and of the centuries 2099/2100 (2100 is not a leap year).
ACROSS = (
    "2003-06-01T00:00:00",
    "2023-01-15T12:00:00",
    "2023-02-15T12:00:00",
    "2023-03-01T00:00:00",
    "2023-12-31T23:00:00",
    "2024-01-01T00:00:00",
    "2024-02-29T12:00:00",
    "2024-03-01T00:00:00",
    "2024-12-31T12:00:00",
    "2099-06-01T00:00:00",
    "2100-03-01T00:00:00",
    "2395-06-01T00:00:00",
    "2400-03-01T00:00:00",
)


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-9", "ATT-12", "ATT-13"))
def ias_report_time_across_dates(b: CaseBuilder) -> None:
    """Under a signing certificate valid from 2000 to 9999, at each of thirteen instants `T`
    (the 400-year eras, January to March of 2023 and of the leap year 2024, the turn of a
    year, 2099, 2100, 2395, 2400), the block 7200 s after `T`: a report dated `T` is
    `OutdatedIASReport`, one dated a second later registers the worker; the report time is
    counted to the second on the proleptic Gregorian calendar. A leap second
    (`…T23:59:60`) counts as the second before it: 7199 s after `…T23:59:59` it is fresh,
    7200 s after, outdated."""
    first = unix(ACROSS[0])
    genesis_at(b, first + MAX_AGE)
    info = pruntime_info()

    def signed(seconds: int) -> dict[str, Any]:
        return evidence_under(compact(report(info, timestamp=report_time(seconds))))

    for i, text in enumerate(ACROSS):
        when = unix(text)
        if i:
            at(b, when + MAX_AGE)
        register(b, info, signed(when), OUTDATED)
        register(b, info, signed(when + 1), "ok")
    leap = unix("2400-06-30T23:59:59")
    leap_report = evidence_under(compact(report(info, timestamp="2400-06-30T23:59:60")))
    for offset, outcome in ((MAX_AGE - 1, "ok"), (MAX_AGE, OUTDATED)):
        at(b, leap + offset)
        register(b, info, leap_report, outcome)
    expect_worker(b, 1)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-8", "ATT-13"))
def ias_report_json_text(b: CaseBuilder) -> None:
    """The report's text must be one JSON document of valid Unicode: an unpaired surrogate
    escape in a member the chain does not read, in a list inside one, in an object inside one,
    in a member's name; a byte-order mark before the object; `NaN` as a member's value; a
    second object after the first; a byte that is not UTF-8: each `InvalidReport`."""
    ias_setup(b)
    info = pruntime_info()
    good = report(info)
    text = compact(good)
    variants = [
        compact(good, '"note":"\\ud800"'),
        compact(good, '"notes":["a","\\udfff"]'),
        compact(good, '"extra":{"note":"\\ud800"}'),
        compact(good, '"\\ud800":1'),
        "\ufeff".encode() + text,
        compact(good, '"score":NaN'),
        text + b"{}",
        compact(good, '"note":"x"').replace(b'"x"', b'"\xff"'),
    ]
    for raw in variants:
        register(b, info, evidence(raw), BAD_REPORT)
    b.finalize_block()


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-11", "ATT-13"))
def ias_quote_body_base64(b: CaseBuilder) -> None:
    """The quote body must be canonical standard base64: a 433-byte body whose last digit
    carries bits past the data, the same without its padding, with a line break inside, or
    in the URL-safe alphabet: each `UnknownQuoteBodyFormat`. The 433-byte body written
    canonically registers the worker (a body may be longer than 432 bytes)."""
    ias_setup(b)
    info = pruntime_info()
    body = quote_body(binding(info), QUOTE_BODY + 1)
    assert body.endswith("AA==") and ("+" in body or "/" in body)
    url_safe = body.replace("+", "-").replace("/", "_")
    for bad in (body[:-3] + "B==", body[:-2], body[:76] + "\n" + body[76:], url_safe):
        register(b, info, evidence(report(info, isvEnclaveQuoteBody=bad)), BAD_BODY)
    register(b, info, evidence(report(info, isvEnclaveQuoteBody=body)), "ok")
    expect_worker(b, 1)
    b.finalize_block()
