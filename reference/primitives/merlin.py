"""Merlin transcripts (merlin 2.0): labelled messages in, challenges and witnesses out [CRYPTO-9].

A transcript is a STROBE-128 object ([CRYPTO-8]) started with the protocol
label ``Merlin v1.0``. Everything appended is framed by its label and its
length, so two different sequences of messages never give the same state.
Challenges are squeezed from the state and change it; a witness is squeezed
from a copy keyed with secrets and never changes the transcript itself.
"""

from __future__ import annotations

import attrs

from . import strobe

PROTOCOL_LABEL = b"Merlin v1.0"


@attrs.frozen
class Transcript:
    """A Merlin transcript [CRYPTO-9]."""

    strobe: strobe.Strobe


def _le32(n: int) -> bytes:
    if not 0 <= n < 1 << 32:
        raise ValueError("Merlin frames lengths as u32")
    return n.to_bytes(4, "little")


def new_transcript(label: bytes) -> Transcript:
    """``Transcript::new(label)``: STROBE on ``Merlin v1.0``, then ``append_message("dom-sep", label)`` [CRYPTO-9]."""
    return append_message(Transcript(strobe.new(PROTOCOL_LABEL)), b"dom-sep", label)


def append_message(t: Transcript, label: bytes, message: bytes) -> Transcript:
    """Absorb ``label`` and ``LE32(len(message))`` as metadata (one operation), then ``message`` as data [CRYPTO-9]."""
    s = strobe.meta_ad(t.strobe, label, more=False)
    s = strobe.meta_ad(s, _le32(len(message)), more=True)
    return Transcript(strobe.ad(s, message, more=False))


def challenge_bytes(t: Transcript, label: bytes, n: int) -> tuple[Transcript, bytes]:
    """Absorb ``label`` and ``LE32(n)`` as metadata (one operation), then squeeze ``n`` bytes [CRYPTO-9]."""
    s = strobe.meta_ad(t.strobe, label, more=False)
    s = strobe.meta_ad(s, _le32(n), more=True)
    s, out = strobe.prf(s, n, more=False)
    return Transcript(s), out


def witness_bytes(
    t: Transcript, label: bytes, n: int, secrets: tuple[bytes, ...], rng: bytes
) -> bytes:
    """``n`` bytes from the transcript's witness generator (``build_rng``) [CRYPTO-9].

    On a copy of the transcript's state: for each secret, absorb ``label`` and
    ``LE32(len(secret))`` as metadata (one operation) and key the state with
    the secret; then absorb ``rng`` as metadata and key the state with the 32
    bytes ``rng``; finally absorb ``LE32(n)`` as metadata (a new operation) and
    squeeze ``n`` bytes. Production draws ``rng`` from the operating system;
    the reference passes a fixed value ([CRYPTO-13]). The transcript itself is
    unchanged.
    """
    if len(rng) != 32:
        raise ValueError("the witness generator is keyed with 32 bytes")
    s = t.strobe
    for secret in secrets:
        s = strobe.meta_ad(s, label, more=False)
        s = strobe.meta_ad(s, _le32(len(secret)), more=True)
        s = strobe.key(s, secret, more=False)
    s = strobe.meta_ad(s, b"rng", more=False)
    s = strobe.key(s, rng, more=False)
    s = strobe.meta_ad(s, _le32(n), more=False)
    return strobe.prf(s, n, more=False)[1]
