"""ristretto255: multiples, sums, and the encodings decoding refuses [PRIM-9] [CRYPTO-10].

The multiples 0·B .. 15·B are RFC 9496's appendix A.1 and the refused
encodings its appendix A.2 (non-canonical field elements, negative field
elements, non-square `x²`, negative `xy`, `y = 0`); the project's tests check
the vectors' answers against both lists.
"""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case

from .common import MINIMAL, SUITE, pattern, run

L = 2**252 + 27742317777372353535851937790883648493
P = 2**255 - 19

# RFC 9496 appendix A.2: encodings every decoder must reject.
RFC_9496_BAD = [
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]


def scalar(k: int) -> bytes:
    """A scalar as 32 little-endian bytes (any value below 2^256)."""
    return k.to_bytes(32, "little")


SCALARS = [
    *range(16),
    L - 1,
    L,
    L + 1,
    2 * L,
    (1 << 255) - 1,
    (1 << 256) - 1,
    int.from_bytes(pattern(32, 5), "little"),
]


@case(
    suite=SUITE, handler="ristretto255_base_mul", presets=MINIMAL, clauses=("PRIM-9", "CRYPTO-10")
)
def multiples_of_the_base(b: CaseBuilder) -> None:
    """`ristretto255_base_mul`: 0·B .. 15·B (RFC 9496 A.1), around the group order L (L·B is the
    identity, (L+1)·B is B) and scalars up to 2^256 - 1, unreduced."""
    for k in SCALARS:
        run(b, "ristretto255_base_mul", scalar=scalar(k))


@case(
    suite=SUITE, handler="ristretto255_scalar_mul", presets=MINIMAL, clauses=("PRIM-9", "CRYPTO-10")
)
def multiples_of_points(b: CaseBuilder) -> None:
    """`ristretto255_scalar_mul`: multiples of B, of 2·B and of the identity; null for every
    encoding RFC 9496 A.2 refuses, for p itself and for strings of 0, 31 and 33 bytes."""
    base = run(b, "ristretto255_base_mul", scalar=scalar(1))
    double = run(b, "ristretto255_base_mul", scalar=scalar(2))
    for point in (base, double, bytes(32)):
        for k in (0, 1, 2, 3, 7, L - 1, L, (1 << 256) - 1):
            run(b, "ristretto255_scalar_mul", scalar=scalar(k), point=point)
    for text in RFC_9496_BAD:
        run(b, "ristretto255_scalar_mul", scalar=scalar(1), point=bytes.fromhex(text))
    for point in (
        P.to_bytes(32, "little"),
        (P + 1).to_bytes(32, "little"),
        b"",
        bytes(31),
        bytes(33),
    ):
        run(b, "ristretto255_scalar_mul", scalar=scalar(1), point=point)


@case(suite=SUITE, handler="ristretto255_add", presets=MINIMAL, clauses=("PRIM-9", "CRYPTO-10"))
def sums(b: CaseBuilder) -> None:
    """`ristretto255_add`: B + B = 2·B, B + (L-1)·B = the identity, the identity + P = P, sums of
    larger multiples; null when either side does not decode."""
    multiples = [run(b, "ristretto255_base_mul", scalar=scalar(k)) for k in (0, 1, 2, 5, L - 1)]
    for p in multiples:
        for q in multiples:
            run(b, "ristretto255_add", a=p, b=q)
    bad = bytes.fromhex(RFC_9496_BAD[6])
    for p, q in ((multiples[1], bad), (bad, multiples[1]), (bad, bad), (multiples[1], bytes(31))):
        run(b, "ristretto255_add", a=p, b=q)
