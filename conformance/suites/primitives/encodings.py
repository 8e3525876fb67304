"""Hashes, SCALE compact integers and canonical CBOR [PRIM-6] [PRIM-7].

Hash inputs take the lengths at which the function's block or stripe fills
(BLAKE2b's 128-byte block, XXH64's 32-byte stripe and its 8-, 4- and 1-byte
tails). Compact integers take every mode boundary (0, 63, 64, 2^14 - 1, 2^14,
2^30 - 1, 2^30, 2^32, each extra byte of the big-integer form, 2^128 - 1),
encoded and decoded at each width, and the forms production refuses:
non-canonical ones (a longer form than the value needs), ones too wide for
the type, and truncated ones. The compact encodings the cases expect are
written out by [SCALE-2] here and checked against the reference.
"""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case

from .common import MINIMAL, SUITE, U128_MAX, check, pattern, run

HASH_LENGTHS = (0, 1, 3, 4, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257)


@case(suite=SUITE, handler="blake2b_256", presets=MINIMAL, clauses=("PRIM-6", "CRYPTO-3"))
def block_boundaries(b: CaseBuilder) -> None:
    """`blake2b_256` of 0, 1, 127, 128, 129, 255, 256 and 257 bytes (its block is 128 bytes) and
    of `abc`."""
    for n in HASH_LENGTHS:
        run(b, "blake2b_256", data=pattern(n))
    run(b, "blake2b_256", data=b"abc")


@case(suite=SUITE, handler="twox_64", presets=MINIMAL, clauses=("PRIM-6", "CRYPTO-17"))
def stripe_boundaries(b: CaseBuilder) -> None:
    """`twox_64` (XXH64, seed 0, little-endian) of 0 to 257 bytes at its 32-byte stripe and its
    8-, 4- and 1-byte tails, and of the storage words `System` and `Account`."""
    for n in HASH_LENGTHS:
        run(b, "twox_64", data=pattern(n, 7))
    for word in (b"System", b"Account", b"Balances"):
        run(b, "twox_64", data=word)


@case(suite=SUITE, handler="twox_64_concat", presets=MINIMAL, clauses=("PRIM-6", "CRYPTO-17"))
def hash_then_key(b: CaseBuilder) -> None:
    """`twox_64_concat`: `twox_64(k) ‖ k`, for an empty key, a byte and an account id."""
    for data in (b"", b"\x00", pattern(32, 1)):
        run(b, "twox_64_concat", data=data)


def _compact(n: int) -> bytes:
    """[SCALE-2] written out: the shortest of the four forms."""
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return (n << 2 | 1).to_bytes(2, "little")
    if n < 1 << 30:
        return (n << 2 | 2).to_bytes(4, "little")
    size = max(4, -(-n.bit_length() // 8))
    return bytes([(size - 4) << 2 | 3]) + n.to_bytes(size, "little")


BOUNDARIES = sorted(
    {0, 1, 63, 64, 65, (1 << 14) - 1, 1 << 14, (1 << 30) - 1, 1 << 30, (1 << 32) - 1, 1 << 32}
    | {(1 << (8 * k)) - 1 for k in range(4, 17)}
    | {1 << (8 * k) for k in range(4, 16)}
)


@case(suite=SUITE, handler="compact_encode", presets=MINIMAL, clauses=("PRIM-7", "SCALE-2"))
def mode_boundaries(b: CaseBuilder) -> None:
    """`compact_encode` at every mode boundary: one byte to 63, two to 2^14 - 1, four to 2^30 - 1,
    then the big-integer form with 4 to 16 bytes, each extra byte at its first value."""
    for n in BOUNDARIES:
        check(b, "compact_encode", {"value": n}, _compact(n))


def _width_fits(n: int, width: int) -> bool:
    return n < 1 << width


@case(suite=SUITE, handler="compact_decode", presets=MINIMAL, clauses=("PRIM-7", "SCALE-3"))
def canonical_forms(b: CaseBuilder) -> None:
    """`compact_decode` of every boundary's canonical form at widths 32, 64 and 128: the value and
    the length read, or null when the form is wider than the type; bytes after the integer
    are left alone."""
    for width in (32, 64, 128):
        for n in BOUNDARIES:
            data = _compact(n)
            expected = {"value": n, "length": len(data)} if _width_fits(n, width) else None
            check(b, "compact_decode", {"width": width, "data": data}, expected)
    for n in BOUNDARIES:
        data = _compact(n)
        check(
            b,
            "compact_decode",
            {"width": 128, "data": data + b"\xaa\x01"},
            {"value": n, "length": len(data)},
        )


NON_CANONICAL = [
    "0100",  # 0 in the two-byte form
    "fd00",  # 63 in the two-byte form
    "02000000",  # 0 in the four-byte form
    "feff0000",  # 2^14 - 1 in the four-byte form
    "0300000000",  # 0 in the big-integer form
    "03ffffff3f",  # 2^30 - 1 in the big-integer form
    "0300000020",  # 2^29 in the big-integer form
    "070000004000",  # 2^30 in five bytes (the last one zero)
    "07ffffffff00",  # 2^32 - 1 in five bytes
    "0b000000000100",  # 2^32 in six bytes
    "33" + "ff" * 15 + "00",  # 2^120 - 1 in sixteen bytes
]
TRUNCATED = ["", "01", "02", "020000", "03", "03000000", "07ffffffff", "33" + "ff" * 15]
TOO_WIDE = {
    32: ["07000000000100", "0b00000000000001", "13ffffffffffffffff"],
    64: ["17" + "00" * 8 + "01", "33" + "ff" * 16],
    128: ["37" + "00" * 16 + "01", "fb" + "ff" * 67, "ff" + "00" * 66 + "01"],
}


@case(suite=SUITE, handler="compact_decode", presets=MINIMAL, clauses=("PRIM-7", "SCALE-3"))
def refused_forms(b: CaseBuilder) -> None:
    """`compact_decode` refuses (null) a form longer than its value needs (0 or 63 in two bytes,
    2^14 - 1 in four, anything below 2^30 or with a zero last byte in the big-integer form),
    a big-integer form with more bytes than the width, and bytes that end too soon."""
    for width in (32, 64, 128):
        for text in NON_CANONICAL + TRUNCATED:
            check(b, "compact_decode", {"width": width, "data": bytes.fromhex(text)}, None)
    for width, texts in TOO_WIDE.items():
        for text in texts:
            check(b, "compact_decode", {"width": width, "data": bytes.fromhex(text)}, None)
    for text in ("0700000000ff", "13ffffffffffffffff"):
        run(b, "compact_decode", width=64, data=bytes.fromhex(text))
    check(
        b,
        "compact_decode",
        {"width": 128, "data": _compact(U128_MAX)},
        {"value": U128_MAX, "length": 17},
    )


PLAIN = [
    0,
    1,
    23,
    24,
    255,
    256,
    65535,
    65536,
    (1 << 32) - 1,
    1 << 32,
    (1 << 64) - 1,
    1 << 64,
    -1,
    -24,
    -25,
    -(1 << 64),
    -(1 << 64) - 1,
    (1 << 512) - 1,
    1 - (1 << 512),
    True,
    False,
    None,
    "",
    "x",
    "é",
    b"",
    b"\x00" * 24,
    [],
    [1, [2, [3]]],
    {"b": 1, "a": 2, "aa": 3, "": 4},
    {b"\x01": 1, b"": 2},
    {10: "a", -1: "b", 1000: "c"},
    {"nested": {"z": [b"\xff"], "y": None}},
]


@case(suite=SUITE, handler="cbor_encode", presets=MINIMAL, clauses=("PRIM-7", "CODEC-1"))
def deterministic_encoding(b: CaseBuilder) -> None:
    """`cbor_encode`: the core deterministic encoding, at the integer head boundaries (23/24,
    255/256, 2^16, 2^32, 2^64 as a bignum, the same negative), ±(2^512 - 1) at the plain-data
    bound, text, bytes, nested lists, maps whose keys (text, bytes, integers) sort by their
    encoded bytes, shorter first, and lists and maps nested 250 deep."""
    for value in PLAIN:
        run(b, "cbor_encode", value=value)
    run(b, "cbor_encode", value=_nested([], DEEP))
    run(b, "cbor_encode", value=_nested({}, DEEP))


DEEP = 250
"""Nesting near the plain-data bound ([CODEC-1]: 256 levels), which a step's envelope (three
maps) and a vector's (five) leave room for."""


def _nested(inner: list[object] | dict[str, object], depth: int) -> object:
    value: object = inner
    for _ in range(depth - 1):
        value = [value] if isinstance(inner, list) else {"a": value}
    return value
