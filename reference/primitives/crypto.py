"""The reference crypto profile [CRYPTO-1]..[CRYPTO-6].

Production signs with sr25519, agrees keys on Ristretto and encrypts with
AES-256-GCM. The reference keeps the same roles, derivation paths and message
layouts but uses primitives every language has: Ed25519 signatures, X25519
agreement, BLAKE2b-256 hashing, HKDF-SHA256 derivation and the
XChaCha20-Poly1305 AEAD of libsodium. spec/crypto.md names the mapping.
Keys for tests and vectors are derived deterministically from seed names.
"""

from __future__ import annotations

import attrs
import nacl.bindings
import nacl.exceptions
import nacl.public
import nacl.signing
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .codec import blake2b_256

# Production salts its HKDF with a fixed 32-byte constant (a genesis hash of an
# early test network). The reference profile fixes its own 32-byte salt; only
# its role is the same [CRYPTO-5].
KDF_SALT = blake2b_256(b"phala-spec/kdf-salt")

AEAD_KEY_BYTES = 32
AEAD_NONCE_BYTES = 24
SIGNATURE_BYTES = 64
PUBLIC_KEY_BYTES = 32


@attrs.frozen
class Keypair:
    """An Ed25519 signing key and the X25519 key agreed from the same seed [CRYPTO-1]."""

    seed: bytes
    public: bytes
    ecdh_public: bytes

    def __data__(self) -> dict[str, bytes]:
        return {"public": self.public, "ecdh_public": self.ecdh_public}


def keypair_from_seed(seed: bytes) -> Keypair:
    """The key pair of a 32-byte seed [CRYPTO-1]."""
    if len(seed) != 32:
        raise ValueError("a seed is 32 bytes")
    signing = nacl.signing.SigningKey(seed)
    ecdh_secret = _ecdh_secret(seed)
    ecdh_public = nacl.bindings.crypto_scalarmult_base(ecdh_secret)
    return Keypair(seed=seed, public=bytes(signing.verify_key), ecdh_public=ecdh_public)


def dev_keypair(name: str) -> Keypair:
    """The deterministic test key of a name: seed = BLAKE2b-256("phala-spec/dev/" + name) [CRYPTO-2]."""
    return keypair_from_seed(blake2b_256(b"phala-spec/dev/" + name.encode()))


def sign(key: Keypair, message: bytes) -> bytes:
    """An Ed25519 signature of ``message`` (64 bytes) [CRYPTO-1]."""
    return bytes(nacl.signing.SigningKey(key.seed).sign(message).signature)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """True iff ``signature`` is a valid Ed25519 signature of ``message`` by ``public`` [CRYPTO-1].

    Malformed keys or signatures verify as false; they never raise.
    """
    if len(public) != PUBLIC_KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        nacl.signing.VerifyKey(public).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


def agree(key: Keypair, peer_ecdh_public: bytes) -> bytes:
    """The X25519 shared secret of our key and a peer's public key [CRYPTO-4]."""
    return bytes(nacl.bindings.crypto_scalarmult(_ecdh_secret(key.seed), peer_ecdh_public))


def derive_seed(parent: Keypair, info_parts: tuple[bytes, ...]) -> bytes:
    """HKDF-SHA256 child seed: salt KDF_SALT, IKM the parent seed, info the concatenated parts [CRYPTO-5]."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=KDF_SALT, info=b"".join(info_parts))
    return hkdf.derive(parent.seed)


def derive_keypair(parent: Keypair, info_parts: tuple[bytes, ...]) -> Keypair:
    """The child key pair at a derivation path [CRYPTO-5]."""
    return keypair_from_seed(derive_seed(parent, info_parts))


def aead_encrypt(key: bytes, nonce: bytes, plaintext: bytes, associated: bytes = b"") -> bytes:
    """XChaCha20-Poly1305 (libsodium IETF variant) encryption [CRYPTO-6]."""
    return bytes(
        nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associated, nonce, key)
    )


def aead_decrypt(
    key: bytes, nonce: bytes, ciphertext: bytes, associated: bytes = b""
) -> bytes | None:
    """Decrypt and authenticate; ``None`` when the ciphertext is not authentic [CRYPTO-6]."""
    try:
        return bytes(
            nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                ciphertext, associated, nonce, key
            )
        )
    except nacl.exceptions.CryptoError:
        return None


def _ecdh_secret(seed: bytes) -> bytes:
    # The agreement key uses the same secret seed as the identity key, as
    # production's EcdhKey::from_secret does; hashing keeps the two uses apart.
    return blake2b_256(b"phala-spec/ecdh/" + seed)
