"""sr25519 keys, signatures, verification and derivation [PRIM-10] [PRIM-11] [CRYPTO-2] [CRYPTO-11]..[CRYPTO-16].

Signatures the cases make are the reference's (fixed witness input,
[CRYPTO-13]); one is made with other witness randomness, as production's
would be, and verifies all the same. The verification cases take each way a
signature is invalid in the order [CRYPTO-12] checks them; the project's
tests check every `sr25519_verify` answer against schnorrkel itself.
"""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case
from phala_spec.primitives import sr25519

from .common import MINIMAL, SUITE, pattern, run
from .ristretto import RFC_9496_BAD, L, scalar

DEV_PHRASE_SEED = bytes.fromhex("fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e")


def _pair(b: CaseBuilder, seed: bytes) -> dict[str, Any]:
    pair = run(b, "sr25519_pair_from_seed", seed=seed)
    assert isinstance(pair, dict)
    return pair


@case(
    suite=SUITE, handler="sr25519_pair_from_seed", presets=MINIMAL, clauses=("PRIM-10", "CRYPTO-11")
)
def mini_secrets_and_secrets(b: CaseBuilder) -> None:
    """`sr25519_pair_from_seed`: 32-byte mini secrets expanded in Ed25519 mode (the dev phrase's,
    zeros, ones); 64-byte secrets taken as they are when their scalar is below L (L - 1 is, L
    and 2^256 - 1 are not); null for any other length."""
    for seed in (DEV_PHRASE_SEED, bytes(32), b"\xff" * 32, pattern(32)):
        pair = _pair(b, seed)
        run(b, "sr25519_pair_from_seed", seed=pair["secret"])
    nonce = pattern(32, 11)
    for key in (0, 1, L - 1, L, L + 1, (1 << 256) - 1):
        run(b, "sr25519_pair_from_seed", seed=scalar(key) + nonce)
    for n in (0, 16, 31, 33, 63, 65, 96):
        run(b, "sr25519_pair_from_seed", seed=pattern(n))


@case(suite=SUITE, handler="sr25519_sign", presets=MINIMAL, clauses=("PRIM-10", "CRYPTO-13"))
def deterministic_signatures(b: CaseBuilder) -> None:
    """`sr25519_sign` with the reference's fixed witness input: a function of the secret and the
    message (lengths 0, 1 and around STROBE's rate); null for a mini secret, a secret of
    another length or a scalar not below L."""
    for seed in (DEV_PHRASE_SEED, pattern(32, 1)):
        secret = _pair(b, seed)["secret"]
        for n in (0, 1, 32, 165, 166, 167, 1000):
            run(b, "sr25519_sign", secret=secret, message=pattern(n, 2))
    for secret in (DEV_PHRASE_SEED, scalar(L) + bytes(32), pattern(63)):
        run(b, "sr25519_sign", secret=secret, message=b"m")


def _s_byte(secret: bytes, message: bytes) -> int:
    """The last byte of the reference's signature, marker cleared (computed, not recorded)."""
    key = sr25519.secret_from_bytes(secret)
    return sr25519.sign(key, sr25519.public_key(key), message)[63] & 0x7F


def _marked(r: bytes, s: int) -> bytes:
    raw = bytearray(r + s.to_bytes(32, "little"))
    raw[63] |= 0x80
    return bytes(raw)


@case(suite=SUITE, handler="sr25519_verify", presets=MINIMAL, clauses=("PRIM-10", "CRYPTO-12"))
def each_way_to_fail(b: CaseBuilder) -> None:
    """`sr25519_verify`: a valid signature, one made with other witness randomness, one under the
    identity key, one whose `s` uses byte 63's low bit; then invalid by length (63, 65), by a
    clear marker, by `s ≥ L` (s + L, L, 2^255 - 1, and `s = L` under the identity key, where
    only that check refuses), by the key (31 or 33 bytes, RFC 9496 A.2 encodings), by another
    key, another message or another `R` (a point, a non-canonical string: `R` is compared,
    never decoded)."""
    alice = _pair(b, DEV_PHRASE_SEED)
    bob = _pair(b, pattern(32, 1))
    message = b"phala"
    signature = run(b, "sr25519_sign", secret=alice["secret"], message=message)
    assert isinstance(signature, bytes)
    public = alice["public"]

    def verify(public: bytes, message: bytes, signature: bytes) -> None:
        run(b, "sr25519_verify", public=public, message=message, signature=signature)

    verify(public, message, signature)
    key = sr25519.secret_from_bytes(alice["secret"])
    verify(public, message, sr25519.sign(key, public, message, rng=pattern(32, 4)))
    for n in (0, 1, 5, L - 1):
        verify(
            bytes(32), b"anything", _marked(run(b, "ristretto255_base_mul", scalar=scalar(n)), n)
        )
    r, s = signature[:32], int.from_bytes(signature[32:], "little") & ~(1 << 255)
    verify(public, message, signature[:63])
    verify(public, message, signature + b"\x00")
    verify(public, message, signature[:63] + bytes([signature[63] & 0x7F]))
    verify(public, message, _marked(r, s + L))
    verify(public, message, _marked(r, L))
    verify(public, message, _marked(r, (1 << 255) - 1))
    verify(public[:31], message, signature)
    verify(public + b"\x00", message, signature)
    for text in RFC_9496_BAD[:8]:
        verify(bytes.fromhex(text), message, signature)
    verify(bob["public"], message, signature)
    verify(public, message + b"!", signature)
    verify(public, b"", signature)
    verify(public, message, _marked(run(b, "ristretto255_base_mul", scalar=scalar(7)), s))
    verify(public, message, _marked(bytes.fromhex(RFC_9496_BAD[1]), s))
    verify(public, message, bytes(64))
    # s = L under the identity key would pass the final equation (L·B is the identity, which
    # encodes as R = 0): only the scalar check refuses it
    verify(bytes(32), message, _marked(bytes(32), L))
    # a valid signature whose s has bit 248 set (the low bit of byte 63, beside the marker)
    high = next(m for m in (b"s%d" % i for i in range(64)) if _s_byte(alice["secret"], m) & 1)
    verify(public, high, run(b, "sr25519_sign", secret=alice["secret"], message=high))


JUNCTIONS = [
    "Alice",
    "/Alice",
    "//Alice",
    "1",
    "+1",
    "/42",
    "18446744073709551615",
    "18446744073709551616",
    "",
    "/",
    "é",
    "a" * 30,
    "a" * 31,
    "a" * 32,
    "1" * 40,
    "-1",
    "0x01",
]


@case(suite=SUITE, handler="sr25519_junction", presets=MINIMAL, clauses=("PRIM-11", "CRYPTO-15"))
def chain_codes(b: CaseBuilder) -> None:
    """`sr25519_junction`: one leading `/` makes it hard; digits (with an optional `+`) that fit a
    u64 are 8 little-endian bytes, anything else a SCALE string; 32 bytes or fewer padded with
    zeros, more hashed with BLAKE2b-256 (31 letters fit, 32 do not)."""
    for text in JUNCTIONS:
        run(b, "sr25519_junction", text=text)


@case(suite=SUITE, handler="sr25519_hard_derive", presets=MINIMAL, clauses=("PRIM-11", "CRYPTO-14"))
def hard_children(b: CaseBuilder) -> None:
    """`sr25519_hard_derive`: the child mini secret of `//Alice`, `//1` and an all-zero chain code
    from the dev phrase's key and from another; null for a secret that is not one."""
    for seed in (DEV_PHRASE_SEED, pattern(32, 1)):
        secret = _pair(b, seed)["secret"]
        for text in ("/Alice", "/1", "/"):
            code = run(b, "sr25519_junction", text=text)
            assert isinstance(code, dict)
            run(b, "sr25519_hard_derive", secret=secret, chain_code=code["chain_code"])
    run(b, "sr25519_hard_derive", secret=scalar(L) + bytes(32), chain_code=bytes(32))
    run(b, "sr25519_hard_derive", secret=DEV_PHRASE_SEED, chain_code=bytes(32))


@case(suite=SUITE, handler="sr25519_soft_derive", presets=MINIMAL, clauses=("PRIM-11", "CRYPTO-14"))
def soft_children(b: CaseBuilder) -> None:
    """`sr25519_soft_derive` and `sr25519_soft_derive_public`: the child's secret (its nonce from
    the fixed witness input) and a public key anyone derives alike from the parent's; null for
    an invalid secret or a public key that does not decode."""
    for seed in (DEV_PHRASE_SEED, pattern(32, 1)):
        pair = _pair(b, seed)
        for text in ("Alice", "1", ""):
            code = run(b, "sr25519_junction", text=text)
            assert isinstance(code, dict)
            run(b, "sr25519_soft_derive", secret=pair["secret"], chain_code=code["chain_code"])
            run(
                b,
                "sr25519_soft_derive_public",
                public=pair["public"],
                chain_code=code["chain_code"],
            )
    run(b, "sr25519_soft_derive", secret=scalar(L) + bytes(32), chain_code=bytes(32))
    run(
        b, "sr25519_soft_derive_public", public=bytes.fromhex(RFC_9496_BAD[2]), chain_code=bytes(32)
    )
    run(b, "sr25519_soft_derive_public", public=bytes(31), chain_code=bytes(32))


DEV_PHRASE_ENTROPY = bytes.fromhex("1a1e6ea18bc53bda5c5f2d4d7c8b2ad6")


@case(
    suite=SUITE,
    handler="sr25519_mini_secret_from_entropy",
    presets=MINIMAL,
    clauses=("PRIM-11", "CRYPTO-16"),
)
def entropy_lengths(b: CaseBuilder) -> None:
    """`sr25519_mini_secret_from_entropy`: PBKDF2-HMAC-SHA512 of the entropy, 2048 rounds, salt
    `mnemonic` and the password; entropy of 16 to 32 bytes in steps of 4, null otherwise."""
    for n in (12, 15, 16, 17, 20, 24, 28, 31, 32, 33, 36):
        run(b, "sr25519_mini_secret_from_entropy", entropy=pattern(n), password="")
    for password in ("", "password", "é"):
        run(b, "sr25519_mini_secret_from_entropy", entropy=DEV_PHRASE_ENTROPY, password=password)


@case(suite=SUITE, handler="sr25519_from_suri", presets=MINIMAL, clauses=("PRIM-11", "CRYPTO-16"))
def secret_uris(b: CaseBuilder) -> None:
    """`sr25519_from_suri`: the dev phrase alone and with hard, soft and mixed paths (no mini
    secret past a soft junction), a password, a hex mini secret, a whole phrase; null for a
    phrase whose checksum fails and for text that is no secret URI (a path ending in `/`)."""
    phrase = sr25519.DEV_PHRASE
    for suri in (
        "",
        "//Alice",
        "//Alice///password",
        "/soft",
        "//hard/soft",
        "/soft//hard",
        "//1//2",
        f"{phrase}//Alice",
        f"0x{DEV_PHRASE_SEED.hex()}//Alice",
        f"0x{DEV_PHRASE_SEED.hex()}",
        "///password",
        phrase.replace("walk", "abandon"),
        "not a phrase",
        "//Alice/",
        "/",
        "//",
    ):
        run(b, "sr25519_from_suri", suri=suri)


@case(suite=SUITE, handler="sr25519_dev_key", presets=MINIMAL, clauses=("PRIM-11", "CRYPTO-2"))
def dev_names(b: CaseBuilder) -> None:
    """`sr25519_dev_key`: `alice` is `//Alice`, `relayer/alice` is `//Relayer//alice`; null for a
    name with an empty part."""
    for name in (
        "alice",
        "bob",
        "ferdie",
        "foundation",
        "relayer/alice",
        "gk",
        "x",
        "",
        "/alice",
        "alice/",
        "a//b",
    ):
        run(b, "sr25519_dev_key", name=name)
