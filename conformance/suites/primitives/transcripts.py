"""Keccak-f[1600] and Merlin transcripts (so STROBE-128) [PRIM-8] [CRYPTO-7]..[CRYPTO-9].

Message and challenge lengths cross STROBE's 166-byte rate (165, 166, 167,
332, 333 bytes), so every case of running the permutation mid-operation is
met: absorbing, squeezing, keying, and starting a cipher operation at a
position other than 0. Merlin's own conformance transcript is the first case
(its challenge is checked against merlin's test in the project's tests).
"""

from __future__ import annotations

from phala_spec.conformance.authoring import AuthoringError, CaseBuilder, case
from phala_spec.primitives import merlin, strobe

from .common import MINIMAL, SUITE, pattern, run

RATE_LENGTHS = (0, 1, 2, 150, 163, 164, 165, 166, 167, 200, 331, 332, 333, 500)


@case(suite=SUITE, handler="keccak_f1600", presets=MINIMAL, clauses=("PRIM-8", "CRYPTO-7"))
def states(b: CaseBuilder) -> None:
    """`keccak_f1600` of the zero state, of the zero state permuted once, of all ones, of counting
    bytes, and of one bit set in the last lane."""
    zero = bytes(200)
    once = run(b, "keccak_f1600", state=zero)
    run(b, "keccak_f1600", state=once)
    run(b, "keccak_f1600", state=b"\xff" * 200)
    run(b, "keccak_f1600", state=pattern(200))
    run(b, "keccak_f1600", state=bytes(199) + b"\x80")


@case(
    suite=SUITE,
    handler="merlin_challenge",
    presets=MINIMAL,
    clauses=("PRIM-8", "CRYPTO-8", "CRYPTO-9"),
)
def across_the_rate(b: CaseBuilder) -> None:
    """`merlin_challenge`: merlin's conformance transcript; messages and challenges of lengths
    around STROBE's 166-byte rate; several challenges in a row, each changing the transcript;
    empty labels and messages."""
    run(
        b,
        "merlin_challenge",
        label=b"test protocol",
        messages=[[b"some label", b"some data"]],
        challenges=[[b"challenge", 32]],
    )
    for n in RATE_LENGTHS:
        run(
            b,
            "merlin_challenge",
            label=b"lengths",
            messages=[[b"m", pattern(n)]],
            challenges=[[b"c", 32]],
        )
    for n in RATE_LENGTHS:
        run(b, "merlin_challenge", label=b"", messages=[], challenges=[[b"c", n]])
    run(
        b,
        "merlin_challenge",
        label=b"many",
        messages=[[b"", b""], [pattern(40), pattern(130)]],
        challenges=[[b"a", 64], [b"a", 64], [b"", 1], [pattern(170), 166]],
    )
    label = _filling_label(b"rate", 32)
    run(b, "merlin_challenge", label=b"rate", messages=[], challenges=[[label, 32], [label, 32]])


def _filling_label(transcript_label: bytes, length: int) -> bytes:
    """A label after which the next operation's two opening bytes fill STROBE's rate exactly, so
    a cipher operation begins at position 0 and F is not run again [CRYPTO-8] (found by trying
    lengths when the vector is generated)."""
    start = merlin.new_transcript(transcript_label).strobe
    for n in range(400):
        s = strobe.meta_ad(start, pattern(n), more=False)
        s = strobe.meta_ad(s, length.to_bytes(4, "little"), more=True)
        if s.pos == strobe.RATE - 2:
            return pattern(n)
    raise AuthoringError("no label length fills the rate")


@case(
    suite=SUITE,
    handler="merlin_witness",
    presets=MINIMAL,
    clauses=("PRIM-8", "CRYPTO-8", "CRYPTO-9"),
)
def keyed_with_secrets(b: CaseBuilder) -> None:
    """`merlin_witness`: no secret, one, two (the signing nonce and a 64-byte secret, as soft
    derivation keys it); zero and other `rng`; lengths 0, 32, 64 and past the rate."""
    base = {"label": b"SigningContext", "messages": [[b"", b"substrate"], [b"sign-bytes", b"hi"]]}
    for secrets in ([], [pattern(32)], [pattern(32), pattern(64, 9)], [b""], [pattern(170)]):
        for rng in (bytes(32), pattern(32, 3)):
            run(
                b,
                "merlin_witness",
                **base,
                witness_label=b"signing",
                length=64,
                secrets=secrets,
                rng=rng,
            )
    for n in (0, 1, 32, 166, 167, 400):
        run(
            b,
            "merlin_witness",
            **base,
            witness_label=b"HDKD-nonce",
            length=n,
            secrets=[pattern(32)],
            rng=bytes(32),
        )
    label = _filling_label(b"rate", 32)
    run(
        b,
        "merlin_witness",
        label=b"rate",
        messages=[],
        witness_label=label,
        length=32,
        secrets=[pattern(32)],
        rng=bytes(32),
    )
