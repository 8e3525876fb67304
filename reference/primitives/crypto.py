"""Production's crypto profile [CRYPTO-1]..[CRYPTO-6].

Signatures are sr25519 as Substrate makes them ([CRYPTO-11]..[CRYPTO-16],
:mod:`.sr25519`); key agreement is ristretto255 point multiplication
([CRYPTO-4]); encryption is AES-256-GCM with a 12-byte IV ([CRYPTO-6]); child
keys come from HKDF-SHA256 with production's salt ([CRYPTO-5]). Test keys are
Substrate's dev keys ([CRYPTO-2]).

Verification runs on the schnorrkel binding (``py-sr25519-bindings``), the
code production runs; :mod:`.sr25519` is the readable specification of the
same function, and the differential tests hold the two equal. Signing, key
expansion and derivation run on :mod:`.sr25519`, so that they are
deterministic ([CRYPTO-13]).
"""

from __future__ import annotations

import functools

import attrs
import sr25519 as schnorrkel
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import ristretto255, sr25519

# Production's HKDF salt (phala-crypto's KDF_SALT, the genesis hash of the
# PoC-4 test network) [CRYPTO-5].
KDF_SALT = bytes.fromhex("18e876adfa74cc743b4b7d7f92c96e03de559a3c15270581fce445963d90f85e")

AEAD_KEY_BYTES = 32
AEAD_IV_BYTES = 12
AEAD_NONCE_BYTES = AEAD_IV_BYTES  # the name this module gave the IV before [CRYPTO-6]
AEAD_TAG_BYTES = 16
SIGNATURE_BYTES = sr25519.SIGNATURE_BYTES
PUBLIC_KEY_BYTES = sr25519.PUBLIC_BYTES
SECRET_KEY_BYTES = sr25519.SECRET_BYTES


@attrs.frozen
class Keypair:
    """An sr25519 key pair [CRYPTO-1].

    ``secret`` is schnorrkel's 64 bytes ``key ‖ nonce``; ``seed`` is the
    32-byte mini secret it was expanded from, when there is one (a key
    reached through a soft junction has none). The same key agrees keys
    ([CRYPTO-4]): its ECDH public key is its public key.
    """

    public: bytes
    secret: bytes = attrs.field(repr=False)
    seed: bytes | None = attrs.field(default=None, repr=False)

    @property
    def ecdh_public(self) -> bytes:
        """The agreement public key: production's ``EcdhKey::from_secret`` uses the identity secret [CRYPTO-4]."""
        return self.public

    def __data__(self) -> dict[str, bytes]:
        return {"public": self.public}


def _keypair(secret: sr25519.SecretKey, seed: bytes | None = None) -> Keypair:
    return Keypair(public=sr25519.public_key(secret), secret=secret.to_bytes(), seed=seed)


@functools.lru_cache(maxsize=4096)
def keypair_from_seed(seed: bytes) -> Keypair:
    """The key pair of a 32-byte mini secret, expanded as Substrate does ([CRYPTO-11]) [CRYPTO-1]."""
    return _keypair(sr25519.expand_ed25519(bytes(seed)), bytes(seed))


def keypair_from_secret(secret: bytes) -> Keypair:
    """The key pair of a 64-byte schnorrkel secret (``Pair::from_seed_slice``) [CRYPTO-1]."""
    return _keypair(sr25519.secret_from_bytes(secret))


@functools.lru_cache(maxsize=1024)
def keypair_from_suri(suri: str) -> Keypair:
    """The key pair a secret URI names, as ``subkey`` reads it ([CRYPTO-16]) [CRYPTO-2]."""
    secret, mini = sr25519.secret_from_suri(suri)
    return _keypair(secret, mini)


def dev_suri(name: str) -> str:
    """The secret URI of a dev key name [CRYPTO-2].

    Each ``/``-separated part of the name is a hard junction on the dev
    phrase, the first part with its first letter in upper case: ``alice`` is
    ``//Alice``, ``relayer/alice`` is ``//Relayer//alice``.
    """
    parts = name.split("/")
    if not all(parts):
        raise ValueError(f"a dev key name is non-empty parts separated by '/': {name!r}")
    parts[0] = parts[0][0].upper() + parts[0][1:]
    return "".join("//" + part for part in parts)


def dev_keypair(name: str) -> Keypair:
    """The dev key of a name: the key of :func:`dev_suri` [CRYPTO-2]."""
    return keypair_from_suri(dev_suri(name))


def dev_seed(name: str) -> bytes:
    """The 32-byte mini secret of a dev key; every dev key has one, its junctions being hard [CRYPTO-2]."""
    seed = dev_keypair(name).seed
    if seed is None:  # unreachable: dev_suri has hard junctions only
        raise ValueError(f"the dev key {name!r} has no mini secret")
    return seed


def sign(key: Keypair, message: bytes) -> bytes:
    """The reference's sr25519 signature of ``message`` (64 bytes) [CRYPTO-1] [CRYPTO-13]."""
    return _sign(key.secret, key.public, bytes(message))


@functools.lru_cache(maxsize=4096)
def _sign(secret: bytes, public: bytes, message: bytes) -> bytes:
    # Deterministic, hence cacheable: the same message is signed once.
    return sr25519.sign(sr25519.secret_from_bytes(secret), public, message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Substrate's ``sr25519::Pair::verify`` ([CRYPTO-12]), run by the schnorrkel binding [CRYPTO-1].

    Malformed keys and signatures verify as false; they never raise.
    """
    if len(public) != PUBLIC_KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        return bool(schnorrkel.verify(bytes(signature), bytes(message), bytes(public)))
    except ValueError:  # unmarked signature, non-canonical scalar, invalid key
        return False


def agree(key: Keypair, peer_public: bytes) -> bytes:
    """phala-crypto's ``ecdh::agree``: ``key·peer``, encoded, 32 bytes; no hashing [CRYPTO-4].

    Raises ``ValueError`` when ``peer_public`` is not a ristretto255 encoding
    (production's ``EcdhInvalidPublicKey``).
    """
    point = ristretto255.decode(bytes(peer_public))
    if point is None:
        raise ValueError("the peer's agreement key is not a ristretto255 point")
    scalar = sr25519.secret_from_bytes(key.secret).key
    return ristretto255.encode(ristretto255.scalar_mul(scalar, point))


def derive_seed(parent: Keypair, info_parts: tuple[bytes, ...]) -> bytes:
    """phala-crypto's KDF: HKDF-SHA256, salt ``KDF_SALT``, input the parent's 64-byte secret,
    info the concatenated parts, 32 bytes out [CRYPTO-5]."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=KDF_SALT, info=b"".join(info_parts))
    return hkdf.derive(parent.secret)


def derive_keypair(parent: Keypair, info_parts: tuple[bytes, ...]) -> Keypair:
    """The child key pair at a path: :func:`derive_seed` as a mini secret ([CRYPTO-11]) [CRYPTO-5]."""
    return keypair_from_seed(derive_seed(parent, info_parts))


def aead_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-256-GCM with a 12-byte IV and no associated data: ciphertext, then the 16-byte tag [CRYPTO-6]."""
    if len(key) != AEAD_KEY_BYTES or len(iv) != AEAD_IV_BYTES:
        raise ValueError("AES-256-GCM takes a 32-byte key and a 12-byte IV")
    return AESGCM(bytes(key)).encrypt(bytes(iv), bytes(plaintext), None)


def aead_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes | None:
    """Decrypt and authenticate; ``None`` when the ciphertext is not authentic [CRYPTO-6]."""
    if len(key) != AEAD_KEY_BYTES or len(iv) != AEAD_IV_BYTES:
        raise ValueError("AES-256-GCM takes a 32-byte key and a 12-byte IV")
    try:
        return AESGCM(bytes(key)).decrypt(bytes(iv), bytes(ciphertext), None)
    except InvalidTag:
        return None


def encrypt_secret_to(
    key: Keypair, info_parts: tuple[bytes, ...], peer_public: bytes, secret: bytes, iv: bytes
) -> tuple[bytes, bytes]:
    """phala-crypto's ``encrypt_secret_to`` [CRYPTO-6]: ``(ecdh_pubkey, encrypted_key)``.

    A one-time key derived from ``key`` at ``info_parts`` ([CRYPTO-5]) agrees
    with the peer ([CRYPTO-4]) and encrypts ``secret``; its public key travels
    with the ciphertext.
    """
    one_time = derive_keypair(key, info_parts)
    return one_time.public, aead_encrypt(agree(one_time, peer_public), iv, secret)


def decrypt_secret_from(
    key: Keypair, ecdh_pubkey: bytes, encrypted_key: bytes, iv: bytes
) -> bytes | None:
    """The 64-byte secret :func:`encrypt_secret_to` sent to ``key``; ``None`` if not authentic or not 64 bytes [CRYPTO-6]."""
    plain = aead_decrypt(agree(key, ecdh_pubkey), iv, encrypted_key)
    return plain if plain is not None and len(plain) == SECRET_KEY_BYTES else None
