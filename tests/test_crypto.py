"""[CRYPTO-1]..[CRYPTO-6]: production's crypto profile.

Expected values come from public sources (Substrate's well-known dev
accounts, the GCM specification's test cases, RFC 5869's construction
computed here with the standard library) or from the schnorrkel binding,
never from the code under test.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest
import sr25519 as schnorrkel

from phala_spec import dev_account
from phala_spec.primitives import crypto, ristretto255

# Substrate's well-known dev accounts (subkey inspect //Alice, //Bob).
ALICE = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
ALICE_MINI_SECRET = "e5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a"
BOB = "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48"
CHARLIE = "90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22"
DEV_ROOT = "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a"


def test_dev_accounts_are_substrates() -> None:
    """[CRYPTO-2] ``alice`` is ``//Alice`` on the dev phrase: Substrate's account id and secret seed."""
    alice = crypto.dev_keypair("alice")
    assert alice.public.hex() == ALICE
    assert dev_account("alice").hex() == ALICE
    assert alice.seed is not None and alice.seed.hex() == ALICE_MINI_SECRET
    assert crypto.dev_keypair("bob").public.hex() == BOB
    assert crypto.dev_keypair("charlie").public.hex() == CHARLIE
    assert crypto.keypair_from_suri("").public.hex() == DEV_ROOT
    assert crypto.keypair_from_suri("//Alice") == alice


def test_dev_names_map_to_hard_junctions() -> None:
    """[CRYPTO-2] every part of a name is a hard junction; the first is capitalised."""
    assert crypto.dev_suri("alice") == "//Alice"
    assert crypto.dev_suri("relayer/alice") == "//Relayer//alice"
    assert crypto.dev_keypair("relayer/alice") == crypto.keypair_from_suri("//Relayer//alice")
    assert crypto.dev_seed("alice").hex() == ALICE_MINI_SECRET
    with pytest.raises(ValueError):
        crypto.dev_suri("a//b")


def test_keypair_from_seed_is_the_bindings() -> None:
    """[CRYPTO-1] a 32-byte seed expands as ``Pair::from_seed`` does."""
    for i in range(8):
        seed = hashlib.sha256(b"seed %d" % i).digest()
        public, secret = schnorrkel.pair_from_seed(seed)
        key = crypto.keypair_from_seed(seed)
        assert (key.public, key.secret, key.seed) == (public, secret, seed)
        assert crypto.keypair_from_secret(secret) == crypto.Keypair(public, secret)
        assert key.ecdh_public == key.public


def test_signatures_are_deterministic_and_verify_with_the_binding() -> None:
    """[CRYPTO-1] [CRYPTO-13] the reference signs the same bytes the same way; production verifies it."""
    key = crypto.dev_keypair("alice")
    signature = crypto.sign(key, b"message")
    assert signature == crypto.sign(key, b"message")
    assert len(signature) == 64 and signature[63] & 0x80
    assert schnorrkel.verify(signature, b"message", key.public)
    assert crypto.verify(key.public, b"message", signature)
    assert not crypto.verify(key.public, b"messagf", signature)
    assert not crypto.verify(crypto.dev_keypair("bob").public, b"message", signature)


def test_any_valid_signature_is_accepted() -> None:
    """[CRYPTO-1] production's randomised signatures verify too."""
    key = crypto.dev_keypair("bob")
    produced = {schnorrkel.sign((key.public, key.secret), b"m") for _ in range(3)}
    assert len(produced) == 3
    assert all(crypto.verify(key.public, b"m", s) for s in produced)


def test_malformed_signatures_and_keys_are_invalid_not_errors() -> None:
    """[CRYPTO-1] [CRYPTO-12] wrong lengths, an unmarked signature, an invalid key: false."""
    key = crypto.dev_keypair("alice")
    signature = crypto.sign(key, b"m")
    unmarked = signature[:63] + bytes([signature[63] & 0x7F])
    assert not crypto.verify(key.public, b"m", signature[:63])
    assert not crypto.verify(key.public, b"m", signature + b"\x00")
    assert not crypto.verify(key.public[:31], b"m", signature)
    assert not crypto.verify(b"\xff" * 32, b"m", signature)
    assert not crypto.verify(key.public, b"m", unmarked)


def test_agreement_is_ristretto_multiplication() -> None:
    """[CRYPTO-4] ``agree`` is ``a·P`` encoded; symmetric; an invalid point raises."""
    alice, bob = crypto.dev_keypair("alice"), crypto.dev_keypair("bob")
    shared = crypto.agree(alice, bob.ecdh_public)
    assert shared == crypto.agree(bob, alice.ecdh_public)
    a = int.from_bytes(alice.secret[:32], "little")
    b = int.from_bytes(bob.secret[:32], "little")
    expected = ristretto255.encode(ristretto255.base_mul(a * b % ristretto255.L))
    assert shared == expected and len(shared) == 32
    with pytest.raises(ValueError):
        crypto.agree(alice, b"\xff" * 32)


def _hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    # RFC 5869 with the standard library.
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, block = b"", b""
    for i in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
    return out[:length]


def test_derivation_is_phala_cryptos_kdf() -> None:
    """[CRYPTO-5] HKDF-SHA256 over the 64-byte secret with production's salt; the output is a seed."""
    assert crypto.KDF_SALT.hex() == (
        "18e876adfa74cc743b4b7d7f92c96e03de559a3c15270581fce445963d90f85e"
    )
    master = crypto.dev_keypair("master")
    parts = (b"cluster_key", b"\x01" * 32)
    seed = _hkdf_sha256(crypto.KDF_SALT, master.secret, b"".join(parts), 32)
    child = crypto.derive_keypair(master, parts)
    assert crypto.derive_seed(master, parts) == seed
    assert child.public == schnorrkel.pair_from_seed(seed)[0]
    assert child == crypto.derive_keypair(master, (b"cluster_key" + b"\x01" * 32,))
    assert child != crypto.derive_keypair(master, (b"cluster_key", b"\x02" * 32))


# The GCM specification's test case 15 (AES-256, 96-bit IV, no associated data).
GCM_KEY = bytes.fromhex("feffe9928665731c6d6a8f9467308308" * 2)
GCM_IV = bytes.fromhex("cafebabefacedbaddecaf888")
GCM_PLAIN = bytes.fromhex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
)
GCM_SEALED = bytes.fromhex(
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
    "b094dac5d93471bdec1a502270e3cc6c"
)


def test_aead_is_aes_256_gcm_with_the_tag_appended() -> None:
    """[CRYPTO-6] a known answer; a 64-byte secret seals to 80 bytes; tampering gives None."""
    assert crypto.aead_encrypt(GCM_KEY, GCM_IV, GCM_PLAIN) == GCM_SEALED
    assert crypto.aead_decrypt(GCM_KEY, GCM_IV, GCM_SEALED) == GCM_PLAIN
    tampered = bytes([GCM_SEALED[0] ^ 1]) + GCM_SEALED[1:]
    assert crypto.aead_decrypt(GCM_KEY, GCM_IV, tampered) is None
    with pytest.raises(ValueError):
        crypto.aead_encrypt(GCM_KEY, bytes(24), b"")


def test_secret_sharing_round_trip() -> None:
    """[CRYPTO-6] ``encrypt_secret_to`` / ``decrypt_secret_from`` carry a 64-byte secret."""
    gatekeeper, worker = crypto.dev_keypair("gk"), crypto.dev_keypair("worker")
    cluster = crypto.derive_keypair(gatekeeper, (b"cluster_key", bytes(32)))
    iv = bytes(range(12))
    ecdh_pubkey, sealed = crypto.encrypt_secret_to(
        gatekeeper, (b"cluster_key_sharing",), worker.ecdh_public, cluster.secret, iv
    )
    assert len(sealed) == 80
    assert ecdh_pubkey == crypto.derive_keypair(gatekeeper, (b"cluster_key_sharing",)).public
    assert crypto.decrypt_secret_from(worker, ecdh_pubkey, sealed, iv) == cluster.secret
    assert crypto.decrypt_secret_from(gatekeeper, ecdh_pubkey, sealed, iv) is None
