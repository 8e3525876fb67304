"""The part of STROBE-128 (v1.0.2) that Merlin transcripts use [CRYPTO-8].

A STROBE object is a Keccak-f[1600] state ([CRYPTO-7]) read as a duplex
sponge with a rate of 166 bytes, a write position, the position where the
current operation began and the current operation's flags. Merlin needs four
operations: ``meta_ad`` and ``ad`` absorb, ``prf`` squeezes, ``key``
overwrites. Each function here returns a new object; none mutates its input.
"""

from __future__ import annotations

import functools

import attrs

from .keccak import STATE_BYTES, keccak_f1600
from .records import evolve

RATE = 166  # STROBE-128: 200 - 2·(128/8) - 2
VERSION = b"STROBEv1.0.2"

# The operation flags [CRYPTO-8].
FLAG_I = 1  # inbound
FLAG_A = 2  # application data
FLAG_C = 4  # cipher: the state is used as keystream
FLAG_T = 8  # transport (Merlin never sets it)
FLAG_M = 16  # metadata
FLAG_K = 32  # key tree (Merlin never sets it)


@attrs.frozen
class Strobe:
    """A STROBE-128 state [CRYPTO-8]."""

    state: bytes
    pos: int
    pos_begin: int
    cur_flags: int


@functools.cache
def new(protocol_label: bytes) -> Strobe:
    """A fresh object [CRYPTO-8].

    The first bytes of a zero state are ``1, RATE + 2, 1, 0, 1, 96`` and the
    version string; the state is permuted once, then the protocol label is
    absorbed as metadata. (A pure function of the label, so it is computed
    once per label.)
    """
    head = bytes([1, RATE + 2, 1, 0, 1, 96]) + VERSION
    state = keccak_f1600(head + bytes(STATE_BYTES - len(head)))
    return meta_ad(Strobe(state, 0, 0, 0), protocol_label, more=False)


def _run_f(state: bytearray, pos: int, pos_begin: int) -> bytes:
    """Pad and permute [CRYPTO-8]: XOR ``pos_begin`` at ``pos``, 0x04 after it and 0x80 at ``RATE + 1``."""
    state[pos] ^= pos_begin
    state[pos + 1] ^= 0x04
    state[RATE + 1] ^= 0x80
    return keccak_f1600(bytes(state))


def _duplex(s: Strobe, data: bytes, mode: str) -> tuple[Strobe, bytes]:
    """Run ``data`` through the rate, permuting whenever it fills [CRYPTO-8].

    ``absorb`` XORs each byte into the state; ``overwrite`` replaces the state
    byte; ``squeeze`` outputs the state byte and zeroes it.
    """
    state, pos, pos_begin = bytearray(s.state), s.pos, s.pos_begin
    out = bytearray()
    for byte in data:
        if mode == "absorb":
            state[pos] ^= byte
        elif mode == "overwrite":
            state[pos] = byte
        else:
            out.append(state[pos])
            state[pos] = 0
        pos += 1
        if pos == RATE:
            state = bytearray(_run_f(state, pos, pos_begin))
            pos, pos_begin = 0, 0
    return Strobe(bytes(state), pos, pos_begin, s.cur_flags), bytes(out)


def begin_op(s: Strobe, flags: int, more: bool) -> Strobe:
    """Start an operation [CRYPTO-8].

    ``more`` continues the current operation (its flags must be the same) and
    does nothing else. Otherwise ``pos_begin`` becomes ``pos + 1``, the old
    ``pos_begin`` and the flags are absorbed, and an operation that uses the state as a cipher (C or K) first permutes
    unless the position is already 0.
    """
    if more:
        if s.cur_flags != flags:
            raise ValueError("a continued STROBE operation keeps its flags")
        return s
    if flags & FLAG_T:
        raise ValueError("Merlin's STROBE has no transport operations")
    old_begin = s.pos_begin
    s = evolve(s, pos_begin=s.pos + 1, cur_flags=flags)
    s, _ = _duplex(s, bytes([old_begin, flags]), "absorb")
    if flags & (FLAG_C | FLAG_K) and s.pos != 0:
        state = _run_f(bytearray(s.state), s.pos, s.pos_begin)
        s = evolve(s, state=state, pos=0, pos_begin=0)
    return s


def meta_ad(s: Strobe, data: bytes, more: bool) -> Strobe:
    """Absorb metadata (flags M | A) [CRYPTO-8]."""
    return _duplex(begin_op(s, FLAG_M | FLAG_A, more), data, "absorb")[0]


def ad(s: Strobe, data: bytes, more: bool) -> Strobe:
    """Absorb associated data (flag A) [CRYPTO-8]."""
    return _duplex(begin_op(s, FLAG_A, more), data, "absorb")[0]


def prf(s: Strobe, n: int, more: bool) -> tuple[Strobe, bytes]:
    """Squeeze ``n`` pseudorandom bytes (flags I | A | C) [CRYPTO-8]."""
    return _duplex(begin_op(s, FLAG_I | FLAG_A | FLAG_C, more), bytes(n), "squeeze")


def key(s: Strobe, data: bytes, more: bool) -> Strobe:
    """Overwrite the state with key material (flags A | C) [CRYPTO-8]."""
    return _duplex(begin_op(s, FLAG_A | FLAG_C, more), data, "overwrite")[0]
