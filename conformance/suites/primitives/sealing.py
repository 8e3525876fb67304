"""Agreement, derivation and encryption [PRIM-12] [CRYPTO-4] [CRYPTO-5] [CRYPTO-6].

AES-256-GCM is taken at its block boundaries (0, 1, 15, 16, 17 bytes), with
the GCM specification's test case 15 among its inputs, and opened after each
kind of tampering: a flipped tag, a flipped ciphertext byte, a cut ciphertext,
another IV; a 16-byte key or IV makes a valid AES-128-GCM (or 16-byte-IV)
ciphertext that the primitive still refuses.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from phala_spec.conformance.authoring import CaseBuilder, case

from .common import MINIMAL, SUITE, pattern, run
from .keys import DEV_PHRASE_SEED
from .ristretto import RFC_9496_BAD, L, scalar

GCM_KEY = bytes.fromhex("feffe9928665731c6d6a8f9467308308" * 2)
GCM_IV = bytes.fromhex("cafebabefacedbaddecaf888")
GCM_PLAIN = bytes.fromhex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
)


def _secret(b: CaseBuilder, seed: bytes) -> bytes:
    pair = run(b, "sr25519_pair_from_seed", seed=seed)
    assert isinstance(pair, dict)
    return bytes(pair["secret"])


def _public(b: CaseBuilder, seed: bytes) -> bytes:
    pair = run(b, "sr25519_pair_from_seed", seed=seed)
    assert isinstance(pair, dict)
    return bytes(pair["public"])


@case(suite=SUITE, handler="ecdh_agree", presets=MINIMAL, clauses=("PRIM-12", "CRYPTO-4"))
def symmetric_agreement(b: CaseBuilder) -> None:
    """`ecdh_agree`: the same 32 bytes from both sides; with the identity as the peer, the
    identity; null for an invalid secret or a peer key that does not decode."""
    seeds = (DEV_PHRASE_SEED, pattern(32, 1))
    a, c = (_secret(b, s) for s in seeds)
    pa, pc = (_public(b, s) for s in seeds)
    run(b, "ecdh_agree", secret=a, public=pc)
    run(b, "ecdh_agree", secret=c, public=pa)
    run(b, "ecdh_agree", secret=a, public=pa)
    run(b, "ecdh_agree", secret=a, public=bytes(32))
    for peer in (bytes.fromhex(RFC_9496_BAD[3]), bytes(31), b""):
        run(b, "ecdh_agree", secret=a, public=peer)
    run(b, "ecdh_agree", secret=scalar(L) + bytes(32), public=pc)
    run(b, "ecdh_agree", secret=DEV_PHRASE_SEED, public=pc)


@case(suite=SUITE, handler="kdf_derive", presets=MINIMAL, clauses=("PRIM-12", "CRYPTO-5"))
def hkdf_paths(b: CaseBuilder) -> None:
    """`kdf_derive`: HKDF-SHA256 with production's salt over the 64-byte secret; the parts are
    concatenated (`[cluster_key, id]` and `[cluster_key ‖ id]` agree); null for a secret that is
    not one."""
    secret = _secret(b, DEV_PHRASE_SEED)
    cluster = pattern(32, 3)
    for parts in (
        [b"cluster_key", cluster],
        [b"cluster_key" + cluster],
        [],
        [b""],
        [b"master_key_sharing"],
        [b"iv_generator", b"x" * 100],
    ):
        run(b, "kdf_derive", secret=secret, parts=parts)
    run(b, "kdf_derive", secret=scalar(L) + bytes(32), parts=[b"x"])
    run(b, "kdf_derive", secret=DEV_PHRASE_SEED, parts=[b"x"])


@case(suite=SUITE, handler="aead_seal", presets=MINIMAL, clauses=("PRIM-12", "CRYPTO-6"))
def block_lengths(b: CaseBuilder) -> None:
    """`aead_seal`: ciphertext then the 16-byte tag, for 0, 1, 15, 16, 17 and 64 bytes and the GCM
    specification's test case 15; null for a key of 16 or 31 bytes or an IV of 16 or 0 bytes."""
    run(b, "aead_seal", key=GCM_KEY, iv=GCM_IV, plaintext=GCM_PLAIN)
    for n in (0, 1, 15, 16, 17, 64):
        run(b, "aead_seal", key=pattern(32, 1), iv=pattern(12, 2), plaintext=pattern(n, 3))
    for key, iv in (
        (bytes(16), bytes(12)),
        (bytes(31), bytes(12)),
        (bytes(32), bytes(16)),
        (bytes(32), b""),
    ):
        run(b, "aead_seal", key=key, iv=iv, plaintext=b"x")


@case(suite=SUITE, handler="aead_open", presets=MINIMAL, clauses=("PRIM-12", "CRYPTO-6"))
def tag_failures(b: CaseBuilder) -> None:
    """`aead_open`: the plaintext of an authentic ciphertext; null after flipping a tag or a
    ciphertext byte, cutting the ciphertext (below the tag too), under another IV or key, and for
    a valid AES-128-GCM ciphertext under a 16-byte key or one made with a 16-byte IV."""
    key, iv = pattern(32, 1), pattern(12, 2)
    for n in (0, 1, 17, 64):
        sealed = run(b, "aead_seal", key=key, iv=iv, plaintext=pattern(n, 3))
        assert isinstance(sealed, bytes)
        run(b, "aead_open", key=key, iv=iv, ciphertext=sealed)
        run(b, "aead_open", key=key, iv=iv, ciphertext=sealed[:-1] + bytes([sealed[-1] ^ 1]))
        run(b, "aead_open", key=key, iv=iv, ciphertext=bytes([sealed[0] ^ 0x80]) + sealed[1:])
        run(b, "aead_open", key=key, iv=iv, ciphertext=sealed[:-1])
        run(b, "aead_open", key=key, iv=pattern(12, 9), ciphertext=sealed)
        run(b, "aead_open", key=pattern(32, 9), iv=iv, ciphertext=sealed)
    for cut in (b"", pattern(15)):
        run(b, "aead_open", key=key, iv=iv, ciphertext=cut)
    short_key = pattern(16, 5)
    run(b, "aead_open", key=short_key, iv=iv, ciphertext=AESGCM(short_key).encrypt(iv, b"x", None))
    long_iv = pattern(16, 6)
    run(b, "aead_open", key=key, iv=long_iv, ciphertext=AESGCM(key).encrypt(long_iv, b"x", None))


@case(
    suite=SUITE, handler="secret_seal", presets=MINIMAL, clauses=("PRIM-12", "CRYPTO-5", "CRYPTO-6")
)
def round_trip(b: CaseBuilder) -> None:
    """`secret_seal` and `secret_open`: a one-time key derived at the path agrees with the peer and
    seals the payload; the peer opens a 64-byte payload; null for another receiver, a tampered
    ciphertext, a payload of 63 or 65 bytes, or an invalid peer key."""
    sender, receiver, other = (
        _secret(b, s) for s in (DEV_PHRASE_SEED, pattern(32, 1), pattern(32, 2))
    )
    peer = _public(b, pattern(32, 1))
    iv = pattern(12, 7)
    for payload in (pattern(64, 8), pattern(63, 8), pattern(65, 8)):
        sealed = run(
            b,
            "secret_seal",
            secret=sender,
            parts=[b"master_key_sharing"],
            peer=peer,
            payload=payload,
            iv=iv,
        )
        assert isinstance(sealed, dict)
        run(
            b,
            "secret_open",
            secret=receiver,
            ecdh_pubkey=sealed["ecdh_pubkey"],
            encrypted_key=sealed["encrypted_key"],
            iv=iv,
        )
    sealed = run(
        b,
        "secret_seal",
        secret=sender,
        parts=[b"cluster_key_sharing"],
        peer=peer,
        payload=pattern(64),
        iv=iv,
    )
    assert isinstance(sealed, dict)
    run(
        b,
        "secret_open",
        secret=other,
        ecdh_pubkey=sealed["ecdh_pubkey"],
        encrypted_key=sealed["encrypted_key"],
        iv=iv,
    )
    run(
        b,
        "secret_open",
        secret=receiver,
        ecdh_pubkey=sealed["ecdh_pubkey"],
        encrypted_key=sealed["encrypted_key"][:-1] + b"\x00",
        iv=iv,
    )
    run(
        b,
        "secret_open",
        secret=receiver,
        ecdh_pubkey=bytes.fromhex(RFC_9496_BAD[4]),
        encrypted_key=sealed["encrypted_key"],
        iv=iv,
    )
    run(
        b,
        "secret_seal",
        secret=sender,
        parts=[b"x"],
        peer=bytes.fromhex(RFC_9496_BAD[4]),
        payload=pattern(64),
        iv=iv,
    )
    run(b, "secret_seal", secret=sender, parts=[b"x"], peer=peer, payload=pattern(64), iv=bytes(8))
