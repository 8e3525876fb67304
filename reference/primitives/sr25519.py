"""sr25519 as Substrate uses it: schnorrkel 0.9 keys, signatures and derivation [CRYPTO-11]..[CRYPTO-16].

Schnorr signatures over ristretto255 ([CRYPTO-10]) whose hashing is a Merlin
transcript ([CRYPTO-9]). This module is the readable specification; the
reference verifies with the schnorrkel binding and this module agrees with it
on every input (spec/crypto.md, "Which verifier").
"""

from __future__ import annotations

import functools
import hashlib
import re

import attrs
from mnemonic import Mnemonic

from . import merlin
from .codec import blake2b_256
from .ristretto255 import L, add, base_mul, decode, encode, negate, scalar_mul
from .scale import compact

SIGNING_CONTEXT = b"substrate"  # sp-core's SIGNING_CTX
MINI_SECRET_BYTES = 32
SECRET_BYTES = 64
PUBLIC_BYTES = 32
SIGNATURE_BYTES = 64
MARKER = 0x80  # schnorrkel's mark: the high bit of a signature's last byte
WITNESS_RNG = bytes(32)  # the reference's fixed witness randomness [CRYPTO-13]
DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"
HDKD_LABEL = b"SchnorrRistrettoHDKD"


@attrs.frozen
class SecretKey:
    """A schnorrkel secret: the signing scalar ``key`` (< L) and the 32-byte ``nonce`` seed [CRYPTO-11]."""

    key: int
    nonce: bytes

    def to_bytes(self) -> bytes:
        """``key`` as 32 little-endian bytes, then ``nonce`` (schnorrkel's ``SecretKey::to_bytes``) [CRYPTO-11]."""
        return self.key.to_bytes(32, "little") + self.nonce


def secret_from_bytes(data: bytes) -> SecretKey:
    """The secret of 64 bytes ``key ‖ nonce``; the key must be a canonical scalar [CRYPTO-11]."""
    if len(data) != SECRET_BYTES:
        raise ValueError("an sr25519 secret is 64 bytes")
    key = int.from_bytes(data[:32], "little")
    if key >= L:
        raise ValueError("an sr25519 secret key is a canonical scalar")
    return SecretKey(key, bytes(data[32:]))


def wide_reduce(data: bytes) -> int:
    """64 bytes read little-endian, modulo the group order L [CRYPTO-11]."""
    return int.from_bytes(data, "little") % L


def expand_ed25519(mini_secret: bytes) -> SecretKey:
    """A 32-byte mini secret expanded as Substrate does (``ExpansionMode::Ed25519``) [CRYPTO-11].

    ``h = SHA-512(mini)``; clamp ``h[0..32]`` as Ed25519 does (clear the low
    three bits and the top bit, set bit 254) and divide it by the cofactor 8:
    that is the key. The nonce is ``h[32..64]``.
    """
    if len(mini_secret) != MINI_SECRET_BYTES:
        raise ValueError("an sr25519 mini secret is 32 bytes")
    h = hashlib.sha512(mini_secret).digest()
    clamped = bytearray(h[:32])
    clamped[0] &= 248
    clamped[31] &= 63
    clamped[31] |= 64
    return SecretKey(int.from_bytes(clamped, "little") >> 3, h[32:])


def public_key(secret: SecretKey) -> bytes:
    """The public key: the ristretto255 encoding of ``key·B`` [CRYPTO-11]."""
    return encode(base_mul(secret.key))


# --- Signing and verification [CRYPTO-12] [CRYPTO-13] ------------------------------------


def signing_transcript(message: bytes, context: bytes = SIGNING_CONTEXT) -> merlin.Transcript:
    """``signing_context(context).bytes(message)`` [CRYPTO-12].

    ``Transcript::new("SigningContext")``, then ``append_message("", context)``
    and ``append_message("sign-bytes", message)``.
    """
    t = merlin.new_transcript(b"SigningContext")
    t = merlin.append_message(t, b"", context)
    return merlin.append_message(t, b"sign-bytes", message)


def _commit_key(t: merlin.Transcript, public: bytes) -> merlin.Transcript:
    t = merlin.append_message(t, b"proto-name", b"Schnorr-sig")
    return merlin.append_message(t, b"sign:pk", public)


def _challenge(t: merlin.Transcript, r_bytes: bytes) -> int:
    t = merlin.append_message(t, b"sign:R", r_bytes)
    return wide_reduce(merlin.challenge_bytes(t, b"sign:c", 64)[1])


def sign(secret: SecretKey, public: bytes, message: bytes, rng: bytes = WITNESS_RNG) -> bytes:
    """A signature of ``message`` in the ``substrate`` context [CRYPTO-13].

    After committing the protocol name and the public key, the nonce
    ``r = wide_reduce(witness("signing", 64, [secret.nonce], rng))``; then
    ``R = r·B`` is committed, the challenge ``k`` is drawn and
    ``s = k·key + r mod L``. The signature is ``R ‖ LE32(s)`` with the marker
    bit set. Production passes 32 random bytes as ``rng``; the reference
    passes ``WITNESS_RNG`` (32 zero bytes), so its signatures are a function
    of the key and the message.
    """
    t = _commit_key(signing_transcript(message), public)
    r = wide_reduce(merlin.witness_bytes(t, b"signing", 64, (secret.nonce,), rng))
    r_bytes = encode(base_mul(r))
    s = (_challenge(t, r_bytes) * secret.key + r) % L
    s_bytes = bytearray(s.to_bytes(32, "little"))
    s_bytes[31] |= MARKER
    return r_bytes + bytes(s_bytes)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Substrate's ``sr25519::Pair::verify`` [CRYPTO-12]. Never raises.

    Invalid, in this order: a signature that is not 64 bytes; the marker bit
    clear (schnorrkel's ``NotMarkedSchnorrkel``); ``s >= L`` once the marker
    is cleared; a public key that is not 32 bytes or not a canonical
    ristretto255 encoding. Otherwise valid iff the encoding of ``s·B - k·A``
    equals the signature's first 32 bytes ``R`` (compared as bytes; ``R`` is
    never decoded), with ``k`` the challenge after committing the protocol
    name, ``A`` and ``R``.
    """
    if len(signature) != SIGNATURE_BYTES or not signature[63] & MARKER:
        return False
    r_bytes = signature[:32]
    s = int.from_bytes(signature[32:63] + bytes([signature[63] & ~MARKER & 0xFF]), "little")
    if s >= L or len(public) != PUBLIC_BYTES:
        return False
    a = decode(public)
    if a is None:
        return False
    k = _challenge(_commit_key(signing_transcript(message), public), r_bytes)
    return encode(add(base_mul(s), scalar_mul(k, negate(a)))) == r_bytes


# --- Derivation [CRYPTO-14] [CRYPTO-15] [CRYPTO-16] ----------------------------------------


def _hdkd_transcript(chain_code: bytes) -> merlin.Transcript:
    t = merlin.new_transcript(HDKD_LABEL)
    t = merlin.append_message(t, b"sign-bytes", b"")
    return merlin.append_message(t, b"chain-code", chain_code)


def hard_derive(secret: SecretKey, chain_code: bytes) -> bytes:
    """The mini secret of a hard junction (``hard_derive_mini_secret_key``) [CRYPTO-14].

    ``SchnorrRistrettoHDKD`` transcript: ``sign-bytes`` (empty), ``chain-code``,
    ``secret-key`` (the 32 key bytes, not the nonce); the child mini secret is
    the 32-byte challenge ``HDKD-hard``. Substrate expands it with
    :func:`expand_ed25519`, so a hard child is a function of its parent.
    """
    t = merlin.append_message(
        _hdkd_transcript(chain_code), b"secret-key", secret.key.to_bytes(32, "little")
    )
    return merlin.challenge_bytes(t, b"HDKD-hard", 32)[1]


def _soft_scalar(public: bytes, chain_code: bytes) -> tuple[merlin.Transcript, int]:
    t = merlin.append_message(_hdkd_transcript(chain_code), b"public-key", public)
    t, scalar = merlin.challenge_bytes(t, b"HDKD-scalar", 64)
    t, _ = merlin.challenge_bytes(t, b"HDKD-chaincode", 32)
    return t, wide_reduce(scalar)


def soft_derive_public(public: bytes, chain_code: bytes) -> bytes:
    """The public key of a soft junction: ``A + δ·B`` [CRYPTO-14].

    ``SchnorrRistrettoHDKD`` transcript: ``sign-bytes`` (empty),
    ``chain-code``, ``public-key``; ``δ`` is the wide-reduced 64-byte
    challenge ``HDKD-scalar``. Raises ``ValueError`` for an invalid key.
    """
    point = decode(public)
    if point is None:
        raise ValueError("not a ristretto255 public key")
    _, delta = _soft_scalar(public, chain_code)
    return encode(add(point, base_mul(delta)))


def soft_derive(secret: SecretKey, chain_code: bytes, rng: bytes = WITNESS_RNG) -> SecretKey:
    """The secret of a soft junction (``derived_key_simple``) [CRYPTO-14].

    The key is ``key + δ mod L`` (``δ`` as in :func:`soft_derive_public`).
    The nonce is the 32-byte witness ``HDKD-nonce`` over the parent's nonce
    and 64-byte secret, drawn after the ``HDKD-chaincode`` challenge;
    production keys the witness with fresh randomness, the reference with
    ``rng``.
    """
    t, delta = _soft_scalar(public_key(secret), chain_code)
    nonce = merlin.witness_bytes(t, b"HDKD-nonce", 32, (secret.nonce, secret.to_bytes()), rng)
    return SecretKey((secret.key + delta) % L, nonce)


_U64 = re.compile(r"\+?[0-9]+")


def junction(text: str) -> tuple[bool, bytes]:
    """A path junction: ``(hard, chain code)`` (sp-core's ``DeriveJunction::from``) [CRYPTO-15].

    One leading ``/`` is stripped and makes the junction hard. The rest is
    SCALE-encoded: as a ``u64`` (8 bytes little-endian) if it parses as one
    (digits with an optional ``+``), else as a string (compact length and
    UTF-8). An encoding longer than 32 bytes is replaced by its BLAKE2b-256;
    a shorter one is padded with zeros to 32 bytes.
    """
    hard = text.startswith("/")
    code = text[1:] if hard else text
    if _U64.fullmatch(code) and int(code) < 1 << 64:
        encoded = int(code).to_bytes(8, "little")
    else:
        raw = code.encode()
        encoded = compact(len(raw)) + raw
    if len(encoded) > 32:
        return hard, blake2b_256(encoded)
    return hard, encoded + bytes(32 - len(encoded))


def mini_secret_from_entropy(entropy: bytes, password: str = "") -> bytes:
    """substrate-bip39: PBKDF2-HMAC-SHA512 of the BIP-39 *entropy* with salt ``"mnemonic" ‖ password`` [CRYPTO-16].

    2048 iterations; the mini secret is the first 32 of the 64 bytes. (Standard
    BIP-39 hashes the phrase itself; Substrate hashes the entropy.)
    """
    if not 16 <= len(entropy) <= 32 or len(entropy) % 4:
        raise ValueError("BIP-39 entropy is 16 to 32 bytes, a multiple of 4")
    salt = b"mnemonic" + password.encode()
    return hashlib.pbkdf2_hmac("sha512", entropy, salt, 2048)[:32]


def phrase_entropy(phrase: str) -> bytes:
    """The entropy of an English BIP-39 phrase, its checksum checked [CRYPTO-16]."""
    try:
        return bytes(_english().to_entropy(phrase))
    except (ValueError, LookupError) as exc:
        raise ValueError(f"not a BIP-39 English phrase: {exc}") from None


@functools.cache
def _english() -> Mnemonic:
    return Mnemonic("english")  # the BIP-39 English word list


_SURI = re.compile(r"(?P<phrase>[^/]+)?(?P<path>(//?[^/]+)*)(///(?P<password>.*))?")
_JUNCTION = re.compile(r"/(/?[^/]+)")


def secret_from_suri(suri: str) -> tuple[SecretKey, bytes | None]:
    """The secret a secret URI names, and its mini secret while no soft junction was taken [CRYPTO-16].

    ``phrase//hard/soft///password``: the phrase (``DEV_PHRASE`` when
    omitted, or ``0x`` and a 32-byte hex mini secret) gives the root mini
    secret, which is expanded ([CRYPTO-11]); each junction is then applied in
    order ([CRYPTO-14], [CRYPTO-15]). A hard junction's output is the new
    mini secret, unless a soft junction came before: as in sp-core's
    ``Pair::derive``, a key past a soft junction has no mini secret.
    """
    match = _SURI.fullmatch(suri)
    if match is None:
        raise ValueError(f"not a secret URI: {suri!r}")
    phrase = match["phrase"] if match["phrase"] is not None else DEV_PHRASE
    if phrase.startswith("0x"):
        root = bytes.fromhex(phrase[2:])
    else:
        root = mini_secret_from_entropy(phrase_entropy(phrase), match["password"] or "")
    mini: bytes | None = root
    secret = expand_ed25519(root)
    for text in _JUNCTION.findall(match["path"]):
        hard, code = junction(text)
        if hard:
            child = hard_derive(secret, code)
            mini, secret = (child if mini is not None else None), expand_ed25519(child)
        else:
            mini, secret = None, soft_derive(secret, code)
    return secret, mini
