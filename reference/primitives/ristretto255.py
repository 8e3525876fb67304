"""The ristretto255 group of RFC 9496 over edwards25519 [CRYPTO-10].

Ristretto255 is a prime-order group of order ``L`` built from the
edwards25519 curve: a group element is a class of four curve points that
differ by a point of order 4, and each class has exactly one canonical 32-byte
encoding. Decoding rejects every other string, so there are no small-order
elements, no cofactor and no second encoding of a point.

Points are kept in extended coordinates ``(X : Y : Z : T)`` with
``x = X/Z``, ``y = Y/Z`` and ``x·y = T/Z`` on the twisted Edwards curve
``-x² + y² = 1 + d·x²·y²``. Field elements are integers modulo ``P``.
Nothing here is constant time; the reference handles no secret worth
protecting.
"""

from __future__ import annotations

import functools

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493  # the group order
D = (-121665 * pow(121666, -1, P)) % P  # the curve constant d
SQRT_M1 = pow(2, (P - 1) // 4, P)  # a square root of -1


Point = tuple[int, int, int, int]
"""A point in extended coordinates ``(X, Y, Z, T)``."""


def is_negative(x: int) -> bool:
    """RFC 9496 §4.1: a field element is negative iff its canonical value is odd [CRYPTO-10]."""
    return (x % P) & 1 == 1


def ct_abs(x: int) -> int:
    """The non-negative one of ``x`` and ``-x`` [CRYPTO-10]."""
    return (-x) % P if is_negative(x) else x % P


def sqrt_ratio_m1(u: int, v: int) -> tuple[bool, int]:
    """RFC 9496 §4.2: ``(True, sqrt(u/v))`` if ``u/v`` is square, else ``(False, sqrt(i·u/v))`` [CRYPTO-10].

    The root returned is the non-negative one; ``v = 0`` gives ``(u == 0, 0)``.
    """
    r = (u * pow(v, 3, P)) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    check = v * r * r % P
    correct_sign = check == u % P
    flipped_sign = check == (-u) % P
    flipped_sign_i = check == (-u * SQRT_M1) % P
    if flipped_sign or flipped_sign_i:
        r = r * SQRT_M1 % P
    return correct_sign or flipped_sign, ct_abs(r)


INVSQRT_A_MINUS_D = sqrt_ratio_m1(1, (-1 - D) % P)[1]  # 1/sqrt(a - d), with a = -1

IDENTITY: Point = (0, 1, 1, 0)


def _basepoint() -> Point:
    # The edwards25519 base point: y = 4/5 and x non-negative.
    y = 4 * pow(5, -1, P) % P
    _, x = sqrt_ratio_m1((y * y - 1) % P, (D * y * y + 1) % P)
    return (x, y, 1, x * y % P)


BASEPOINT: Point = _basepoint()


def add(p: Point, q: Point) -> Point:
    """The sum of two points (complete extended-coordinate addition for ``a = -1``) [CRYPTO-10].

    It also doubles: ``add(p, p)`` is ``2·p`` (:func:`double` is the same, faster).
    """
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * D * t1 * t2 % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def double(p: Point) -> Point:
    """``2·p`` (extended-coordinate doubling for ``a = -1``; it does not use ``T``) [CRYPTO-10]."""
    x1, y1, z1, _ = p
    a = x1 * x1 % P
    b = y1 * y1 % P
    c = 2 * z1 * z1 % P
    e = ((x1 + y1) * (x1 + y1) - a - b) % P
    g = b - a  # D + B with D = -A
    f = g - c
    h = -a - b  # D - B
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def negate(p: Point) -> Point:
    """``-p``: negate x (and so t) [CRYPTO-10]."""
    x, y, z, t = p
    return ((-x) % P, y, z, (-t) % P)


def scalar_mul(k: int, p: Point) -> Point:
    """``k·p`` by double-and-add from the top bit; ``k`` is any non-negative integer [CRYPTO-10]."""
    if k < 0:
        raise ValueError("a scalar multiple takes a non-negative integer")
    acc = IDENTITY
    for bit in bin(k)[2:]:
        acc = double(acc)
        if bit == "1":
            acc = add(acc, p)
    return acc


@functools.cache
def _basepoint_powers() -> tuple[Point, ...]:
    powers = [BASEPOINT]
    for _ in range(255):
        powers.append(double(powers[-1]))
    return tuple(powers)


def base_mul(k: int) -> Point:
    """``k·B`` for ``0 <= k < 2^256``: the sum of the precomputed ``2^i·B`` for the set bits of ``k`` [CRYPTO-10]."""
    if not 0 <= k < 1 << 256:
        raise ValueError("a base-point multiple takes a 256-bit scalar")
    acc = IDENTITY
    for i, power in enumerate(_basepoint_powers()):
        if k >> i & 1:
            acc = add(acc, power)
    return acc


def decode(data: bytes) -> Point | None:
    """RFC 9496 §4.3.1: the element a 32-byte string encodes, or ``None`` if it is not canonical [CRYPTO-10].

    Rejected: a length other than 32, ``s >= P`` (a non-canonical field
    element), odd ``s`` (negative), ``u/v`` not a square, negative ``x·y``,
    and ``y = 0``.
    """
    if len(data) != 32:
        return None
    s = int.from_bytes(data, "little")
    if s >= P or is_negative(s):
        return None
    ss = s * s % P
    u1 = (1 - ss) % P
    u2 = (1 + ss) % P
    u2_sqr = u2 * u2 % P
    v = (-(D * u1 * u1) - u2_sqr) % P
    was_square, invsqrt = sqrt_ratio_m1(1, v * u2_sqr % P)
    den_x = invsqrt * u2 % P
    den_y = invsqrt * den_x * v % P
    x = ct_abs(2 * s * den_x)
    y = u1 * den_y % P
    t = x * y % P
    if not was_square or is_negative(t) or y == 0:
        return None
    return (x, y, 1, t)


def encode(p: Point) -> bytes:
    """RFC 9496 §4.3.2: the canonical 32-byte encoding of the element ``p`` represents [CRYPTO-10]."""
    x0, y0, z0, t0 = p
    u1 = (z0 + y0) * (z0 - y0) % P
    u2 = x0 * y0 % P
    _, invsqrt = sqrt_ratio_m1(1, u1 * u2 * u2 % P)
    den1 = invsqrt * u1 % P
    den2 = invsqrt * u2 % P
    z_inv = den1 * den2 * t0 % P
    if is_negative(t0 * z_inv):  # rotate by the 4-torsion point
        x, y = y0 * SQRT_M1 % P, x0 * SQRT_M1 % P
        den_inv = den1 * INVSQRT_A_MINUS_D % P
    else:
        x, y, den_inv = x0, y0, den2
    if is_negative(x * z_inv):
        y = (-y) % P
    s = ct_abs(den_inv * (z0 - y))
    return s.to_bytes(32, "little")
