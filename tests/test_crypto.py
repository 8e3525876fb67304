"""[CRYPTO-1]..[CRYPTO-6]: the reference crypto profile."""

import hashlib

from phala_spec.primitives import crypto


def test_dev_keys_are_deterministic_and_distinct():
    alice, again, bob = (
        crypto.dev_keypair("alice"),
        crypto.dev_keypair("alice"),
        crypto.dev_keypair("bob"),
    )
    assert alice == again
    assert alice.public != bob.public
    assert alice.seed == hashlib.blake2b(b"phala-spec/dev/alice", digest_size=32).digest()


def test_sign_and_verify():
    key = crypto.dev_keypair("alice")
    signature = crypto.sign(key, b"message")
    assert len(signature) == 64
    assert crypto.verify(key.public, b"message", signature)
    assert not crypto.verify(key.public, b"messagf", signature)
    assert not crypto.verify(crypto.dev_keypair("bob").public, b"message", signature)


def test_malformed_signatures_and_keys_are_invalid_not_errors():
    key = crypto.dev_keypair("alice")
    signature = crypto.sign(key, b"m")
    assert not crypto.verify(key.public, b"m", signature[:63])
    assert not crypto.verify(key.public[:31], b"m", signature)
    assert not crypto.verify(b"\xff" * 32, b"m", signature)


def test_agreement_is_symmetric():
    alice, bob = crypto.dev_keypair("alice"), crypto.dev_keypair("bob")
    assert crypto.agree(alice, bob.ecdh_public) == crypto.agree(bob, alice.ecdh_public)


def test_derivation_depends_on_path():
    master = crypto.dev_keypair("master")
    a = crypto.derive_keypair(master, (b"cluster_key", b"\x01" * 32))
    b = crypto.derive_keypair(master, (b"cluster_key", b"\x02" * 32))
    assert a != b
    assert a == crypto.derive_keypair(master, (b"cluster_key", b"\x01" * 32))


def test_aead_round_trip_and_tamper_detection():
    key, nonce = b"k" * 32, b"n" * 24
    sealed = crypto.aead_encrypt(key, nonce, b"secret", b"ad")
    assert crypto.aead_decrypt(key, nonce, sealed, b"ad") == b"secret"
    assert crypto.aead_decrypt(key, nonce, sealed, b"other") is None
    tampered = bytes([sealed[0] ^ 1]) + sealed[1:]
    assert crypto.aead_decrypt(key, nonce, tampered, b"ad") is None
