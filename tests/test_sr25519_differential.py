"""The two verifiers agree [CRYPTO-12]: the pure-Python specification and the schnorrkel binding.

Cases are drawn from a seeded generator: random keys and messages, signatures
made by the binding (random nonce) and by the reference (fixed or random
witness input), each checked as made and mutated: another message or key, the
marker bit cleared, a non-canonical or high ``s``, ``R`` replaced, invalid,
identity and Edwards small-order encodings as keys, wrong lengths (each case
checks its valid signature and six of the seventeen mutations, drawn at
random). Every fifth case also compares hard and soft derivation with the
binding's.

CI runs ``PHALA_SPEC_SR25519_CASES`` cases (300 by default); the full run is

    PHALA_SPEC_SR25519_CASES=10000 python -m pytest -q -p no:xdist tests/test_sr25519_differential.py
"""

from __future__ import annotations

import os
import random

import sr25519 as schnorrkel

from phala_spec.primitives import crypto, ristretto255, sr25519

CASES = int(os.environ.get("PHALA_SPEC_SR25519_CASES", "300"))
MUTATIONS_PER_CASE = 6  # of the 17 kinds, drawn per case
L = ristretto255.L

# Encodings of edwards25519 points of small order (the identity, -1 and the
# points of order 4 and 8, with non-canonical variants): as ristretto255
# strings each is either the identity or invalid.
EDWARDS_SMALL_ORDER = [
    bytes.fromhex(h)
    for h in (
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    )
]
# Non-canonical encodings of 0: P, and 0 or P with the top bit set.
LAX_IDENTITY = [
    n.to_bytes(32, "little") for n in (ristretto255.P, 1 << 255, ristretto255.P + (1 << 255))
]
NON_CANONICAL_FIELD = [(ristretto255.P + k).to_bytes(32, "little") for k in (0, 2, 4, 16)]


def binding_verify(signature: bytes, message: bytes, public: bytes) -> bool:
    """The binding as the reference calls it (``crypto.verify`` without its length guard)."""
    try:
        return bool(schnorrkel.verify(signature, message, public))
    except ValueError:
        return False


def with_s(signature: bytes, s: int, marked: bool = True) -> bytes:
    raw = bytearray(signature[:32] + (s % (1 << 256)).to_bytes(32, "little"))
    raw[63] = raw[63] | 0x80 if marked else raw[63] & 0x7F
    return bytes(raw)


def variants(
    rng: random.Random, public: bytes, other: bytes, message: bytes, signature: bytes
) -> list[tuple[str, bytes, bytes, bytes]]:
    """(label, public, message, signature) inputs derived from one valid signature."""
    s = int.from_bytes(signature[32:], "little") & ((1 << 255) - 1)
    r = signature[:32]
    bad_key = rng.choice(EDWARDS_SMALL_ORDER + NON_CANONICAL_FIELD)
    flipped = bytearray(signature)
    flipped[rng.randrange(64)] ^= 1 << rng.randrange(8)
    out = [
        ("valid", public, message, signature),
        ("other message", public, message + b"\x00", signature),
        ("other key", other, message, signature),
        ("bit flipped", public, message, bytes(flipped)),
        ("marker cleared", public, message, with_s(signature, s, marked=False)),
        ("s + L", public, message, with_s(signature, s + L)),
        ("s = L", public, message, with_s(signature, L)),
        ("s high", public, message, with_s(signature, s | 1 << 254)),
        ("random R", public, message, rng.randbytes(32) + signature[32:]),
        ("identity R", public, message, bytes(32) + signature[32:]),
        ("small-order key", bad_key, message, signature),
        ("random key", rng.randbytes(32), message, signature),
        ("short signature", public, message, signature[:63]),
        ("long signature", public, message, signature + b"\x00"),
        ("short key", public[:31], message, signature),
    ]
    # Under the identity key, (enc(s·B), s) verifies for every message.
    forged_s = rng.randrange(L)
    forged_r = ristretto255.encode(ristretto255.base_mul(forged_s))
    out.append(("identity key", bytes(32), message, with_s(forged_r, forged_s)))
    out.append(("identity key, bad R", bytes(32), message, with_s(r, forged_s)))
    # The same forgery under encodings that a lax decoder would read as the identity.
    lax_identity = rng.choice(LAX_IDENTITY)
    out.append(("lax identity key", lax_identity, message, with_s(forged_r, forged_s)))
    return out


def test_verifiers_agree_and_derivations_match() -> None:
    """[CRYPTO-11]..[CRYPTO-14] no input on which the two implementations differ."""
    rng = random.Random(0x5125519)
    disagreements: list[tuple[int, str]] = []
    for case in range(CASES):
        mini = rng.randbytes(32)
        public, secret64 = schnorrkel.pair_from_seed(mini)
        secret = sr25519.expand_ed25519(mini)
        assert (secret.to_bytes(), sr25519.public_key(secret)) == (secret64, public), case
        other = schnorrkel.pair_from_seed(rng.randbytes(32))[0]
        message = rng.randbytes(rng.choice((0, 1, 32, rng.randrange(400))))
        made_by = case % 3
        if made_by == 0:
            signature = schnorrkel.sign((public, secret64), message)
        elif made_by == 1:
            signature = sr25519.sign(secret, public, message)
        else:
            signature = sr25519.sign(secret, public, message, rng=rng.randbytes(32))
        valid, *mutated = variants(rng, public, other, message, signature)
        for label, key, msg, sig in [valid, *rng.sample(mutated, MUTATIONS_PER_CASE)]:
            ours = sr25519.verify(key, msg, sig)
            if ours != binding_verify(sig, msg, key) or ours != crypto.verify(key, msg, sig):
                disagreements.append((case, label))
            if label in ("valid", "identity key") and not ours:
                disagreements.append((case, label + " rejected"))
        if case % 5 == 0:
            disagreements.extend((case, d) for d in derivation_differences(rng, secret, public))
    assert disagreements == []


def derivation_differences(
    rng: random.Random, secret: sr25519.SecretKey, public: bytes
) -> list[str]:
    """Hard and soft derivation at a random chain code, against the binding's."""
    chain_code = rng.randbytes(32)
    extended = (chain_code, public, secret.to_bytes())
    out = []
    hard = sr25519.expand_ed25519(sr25519.hard_derive(secret, chain_code))
    _, hard_public, hard_secret = schnorrkel.hard_derive_keypair(extended, b"")
    if (sr25519.public_key(hard), hard.to_bytes()[:32]) != (hard_public, hard_secret[:32]):
        out.append("hard")
    soft = sr25519.soft_derive(secret, chain_code)
    _, soft_public, soft_secret = schnorrkel.derive_keypair(extended, b"")
    if (sr25519.public_key(soft), soft.to_bytes()[:32]) != (soft_public, soft_secret[:32]):
        out.append("soft")
    if (
        sr25519.soft_derive_public(public, chain_code)
        != schnorrkel.derive_pubkey((chain_code, public), b"")[1]
    ):
        out.append("soft public")
    # The binding signs with a soft child's secret; the reference verifies.
    message = rng.randbytes(16)
    if not sr25519.verify(
        soft_public, message, schnorrkel.sign((soft_public, soft_secret), message)
    ):
        out.append("soft child signature")
    return out
