"""Keccak-f[1600], the permutation under STROBE and Merlin [CRYPTO-7].

FIPS 202 section 3, written step by step for reading, not for speed. The
state is 200 bytes; it is read as 25 little-endian 64-bit lanes, lane
``x + 5·y`` holding column ``x`` of row ``y``. A permutation is 24 rounds of
theta, rho, pi, chi and iota.
"""

from __future__ import annotations

import struct

STATE_BYTES = 200
ROUNDS = 24
_MASK = (1 << 64) - 1


def _rc_bit(t: int) -> int:
    """FIPS 202 Algorithm 5: output bit ``t`` of the LFSR x^8 + x^6 + x^5 + x^4 + 1 [CRYPTO-7].

    The register's bit ``i`` is ``R[i]``; each step shifts it up by one and
    feeds ``R[8]`` back into bits 0, 4, 5 and 6.
    """
    r = 1  # R = 10000000
    for _ in range(t % 255):
        r <<= 1
        if r & 0x100:
            r ^= 0x171  # bits 8 (dropped), 6, 5, 4 and 0
    return r & 1


def round_constant(round_index: int) -> int:
    """The iota constant of a round: bit ``2^j - 1`` is rc(j + 7·round) [CRYPTO-7]."""
    return sum(_rc_bit(j + 7 * round_index) << ((1 << j) - 1) for j in range(7))


def rotation_offsets() -> tuple[int, ...]:
    """The rho offsets by lane, walking (x, y) → (y, 2x + 3y) from (1, 0) [CRYPTO-7]."""
    offsets = [0] * 25
    x, y = 1, 0
    for t in range(24):
        offsets[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return tuple(offsets)


ROUND_CONSTANTS = tuple(round_constant(i) for i in range(ROUNDS))
ROTATIONS = rotation_offsets()

# rho then pi as one table: lane (x, y), rotated by its offset, moves to (y, 2x + 3y).
_RHO_PI = tuple(
    (y + 5 * ((2 * x + 3 * y) % 5), x + 5 * y, ROTATIONS[x + 5 * y])
    for x in range(5)
    for y in range(5)
)
# chi's neighbours: lane (x, y) with (x + 1, y) and (x + 2, y).
_CHI = tuple((i, (i % 5 + 1) % 5 + i - i % 5, (i % 5 + 2) % 5 + i - i % 5) for i in range(25))


def _rotl(lane: int, n: int) -> int:
    return ((lane << n) | (lane >> (64 - n))) & _MASK


def theta(a: list[int]) -> list[int]:
    """Each lane absorbs the parities of the two neighbouring columns [CRYPTO-7]."""
    c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
    d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
    return [a[i] ^ d[i % 5] for i in range(25)]


def rho_pi(a: list[int]) -> list[int]:
    """Rotate every lane by its offset (rho) and move (x, y) to (y, 2x + 3y) (pi) [CRYPTO-7]."""
    b = [0] * 25
    for dest, src, n in _RHO_PI:
        lane = a[src]
        b[dest] = ((lane << n) | (lane >> (64 - n))) & _MASK
    return b


def chi(b: list[int]) -> list[int]:
    """The only non-linear step: each bit XORs (not next) and (the one after) in its row [CRYPTO-7]."""
    return [b[i] ^ ((b[j] ^ _MASK) & b[k]) for i, j, k in _CHI]


def keccak_f1600(state: bytes) -> bytes:
    """Keccak-f[1600] of a 200-byte state [CRYPTO-7]: 24 rounds of theta, rho, pi, chi, iota."""
    if len(state) != STATE_BYTES:
        raise ValueError("a Keccak-f[1600] state is 200 bytes")
    lanes = list(struct.unpack("<25Q", state))  # 25 little-endian u64 lanes
    for rc in ROUND_CONSTANTS:
        lanes = chi(rho_pi(theta(lanes)))
        lanes[0] ^= rc  # iota
    return struct.pack("<25Q", *lanes)
