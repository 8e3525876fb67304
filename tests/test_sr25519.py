"""[CRYPTO-7]..[CRYPTO-16]: Keccak-f, STROBE, Merlin, ristretto255 and sr25519 in pure Python.

Known answers from public sources (FIPS 202 through ``hashlib``, Merlin's
conformance transcript, RFC 9496's appendix A, Substrate's dev accounts),
each also checked against the schnorrkel binding where it can see it.
The randomised comparison with the binding is tests/test_sr25519_differential.py.
"""

from __future__ import annotations

import hashlib

import pytest
import sr25519 as schnorrkel

from phala_spec.primitives import keccak, merlin, ristretto255, sr25519
from phala_spec.primitives.codec import blake2b_256


def _sponge(rate: int, pad: int, message: bytes, out: int) -> bytes:
    # FIPS 202's sponge over the module's permutation.
    padded = bytearray(message + bytes([pad]) + bytes(-(len(message) + 1) % rate))
    padded[-1] |= 0x80
    state = bytes(keccak.STATE_BYTES)
    for i in range(0, len(padded), rate):
        block = padded[i : i + rate] + bytes(keccak.STATE_BYTES - rate)
        state = keccak.keccak_f1600(bytes(a ^ b for a, b in zip(state, block, strict=True)))
    output = b""
    while len(output) < out:
        output += state[:rate]
        state = keccak.keccak_f1600(state)
    return output[:out]


@pytest.mark.parametrize("length", [0, 1, 135, 136, 137, 167, 400])
def test_keccak_f_gives_sha3_and_shake(length: int) -> None:
    """[CRYPTO-7] SHA3-256 and SHAKE128 built on the permutation equal hashlib's."""
    message = bytes(range(256)) * 2
    message = message[:length]
    assert _sponge(136, 0x06, message, 32) == hashlib.sha3_256(message).digest()
    assert _sponge(168, 0x1F, message, 300) == hashlib.shake_128(message).digest(300)


def test_keccak_constants() -> None:
    """[CRYPTO-7] the first and last iota constants and some rho offsets of FIPS 202."""
    assert keccak.ROUND_CONSTANTS[0] == 0x1
    assert keccak.ROUND_CONSTANTS[1] == 0x8082
    assert keccak.ROUND_CONSTANTS[23] == 0x8000000080008008
    assert keccak.ROTATIONS[:5] == (0, 1, 62, 28, 27)


def test_merlin_conformance_transcript() -> None:
    """[CRYPTO-8] [CRYPTO-9] merlin's equivalence test: one message, one 32-byte challenge."""
    t = merlin.new_transcript(b"test protocol")
    t = merlin.append_message(t, b"some label", b"some data")
    _, challenge = merlin.challenge_bytes(t, b"challenge", 32)
    assert challenge.hex() == "d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615"


def test_merlin_challenges_and_witnesses() -> None:
    """[CRYPTO-9] a challenge changes the transcript, a witness does not; witnesses depend on secrets and rng."""
    t = merlin.append_message(merlin.new_transcript(b"x"), b"m", b"long" * 100)
    t2, first = merlin.challenge_bytes(t, b"c", 64)
    assert merlin.challenge_bytes(t2, b"c", 64)[1] != first
    w = merlin.witness_bytes(t, b"w", 32, (b"secret",), bytes(32))
    assert w == merlin.witness_bytes(t, b"w", 32, (b"secret",), bytes(32))
    assert w != merlin.witness_bytes(t, b"w", 32, (b"secrets",), bytes(32))
    assert w != merlin.witness_bytes(t, b"w", 32, (b"secret",), b"\x01" + bytes(31))


# RFC 9496 appendix A.1: the encodings of 0·B, 1·B, ..., 15·B.
SMALL_MULTIPLES = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
]

# RFC 9496 appendix A.2: encodings every decoder must reject.
BAD_ENCODINGS = [
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


def _binding_verify(signature: bytes, message: bytes, public: bytes) -> bool:
    try:
        return bool(schnorrkel.verify(signature, message, public))
    except ValueError:
        return False


def _marked(r: bytes, s: int) -> bytes:
    raw = bytearray(r + s.to_bytes(32, "little"))
    raw[63] |= 0x80
    return bytes(raw)


@pytest.mark.parametrize("n", range(16))
def test_ristretto_small_multiples(n: int) -> None:
    """[CRYPTO-10] RFC 9496 A.1; the binding agrees: under the identity key, ``(R, n)`` verifies iff ``R = enc(n·B)``."""
    expected = bytes.fromhex(SMALL_MULTIPLES[n])
    assert ristretto255.encode(ristretto255.scalar_mul(n, ristretto255.BASEPOINT)) == expected
    assert ristretto255.encode(ristretto255.base_mul(n)) == expected
    decoded = ristretto255.decode(expected)
    assert decoded is not None and ristretto255.encode(decoded) == expected
    identity = bytes(32)
    assert _binding_verify(_marked(expected, n), b"any", identity)
    assert sr25519.verify(identity, b"any", _marked(expected, n))
    other = bytes.fromhex(SMALL_MULTIPLES[(n + 1) % 16])
    assert not _binding_verify(_marked(other, n), b"any", identity)


@pytest.mark.parametrize("encoding", BAD_ENCODINGS)
def test_ristretto_bad_encodings(encoding: str) -> None:
    """[CRYPTO-10] RFC 9496 A.2: rejected here and by the binding (as public keys)."""
    raw = bytes.fromhex(encoding)
    assert ristretto255.decode(raw) is None
    with pytest.raises(ValueError):
        schnorrkel.verify(_marked(bytes(32), 0), b"m", raw)


def equal(p: ristretto255.Point, q: ristretto255.Point) -> bool:
    """RFC 9496 §4.3.3: the same group element iff ``x1·y2 = y1·x2`` or ``y1·y2 = x1·x2``
    [CRYPTO-10]. No rule compares points (signatures compare encodings), so this is the
    tests' own."""
    x1, y1, _, _ = p
    x2, y2, _, _ = q
    prime = ristretto255.P
    return (x1 * y2 - y1 * x2) % prime == 0 or (y1 * y2 - x1 * x2) % prime == 0


def test_ristretto_group_laws() -> None:
    """[CRYPTO-10] ``L·B`` is the identity; the four representatives of a class encode alike."""
    assert ristretto255.encode(ristretto255.base_mul(ristretto255.L)) == bytes(32)
    p = ristretto255.base_mul(123456789)
    x, y, z, t = p
    i = ristretto255.SQRT_M1
    torsion = (i * y % ristretto255.P, i * x % ristretto255.P, z, (-t) % ristretto255.P)
    assert equal(p, torsion)
    assert ristretto255.encode(p) == ristretto255.encode(torsion)
    assert ristretto255.decode(b"\x00" * 31) is None
    assert equal(ristretto255.double(p), ristretto255.add(p, p))
    assert equal(ristretto255.double(ristretto255.IDENTITY), ristretto255.IDENTITY)


def test_expansion_and_public_keys_match_the_binding() -> None:
    """[CRYPTO-11] Ed25519-mode expansion and ``key·B`` equal ``pair_from_seed``."""
    for i in range(6):
        mini = hashlib.sha256(b"mini %d" % i).digest()
        public, secret = schnorrkel.pair_from_seed(mini)
        expanded = sr25519.expand_ed25519(mini)
        assert expanded.to_bytes() == secret
        assert sr25519.public_key(expanded) == public
        assert schnorrkel.public_from_secret_key(secret) == public
    with pytest.raises(ValueError):
        sr25519.secret_from_bytes(ristretto255.L.to_bytes(32, "little") + bytes(32))


def test_signatures_cross_verify() -> None:
    """[CRYPTO-12] [CRYPTO-13] reference signatures verify with the binding and back."""
    secret = sr25519.expand_ed25519(bytes(range(32)))
    public = sr25519.public_key(secret)
    for message in (b"", b"x", bytes(range(256)) * 3):
        ours = sr25519.sign(secret, public, message)
        assert ours == sr25519.sign(secret, public, message)
        assert ours != sr25519.sign(secret, public, message, rng=b"\x01" * 32)
        assert _binding_verify(ours, message, public)
        theirs = schnorrkel.sign((public, secret.to_bytes()), message)
        assert sr25519.verify(public, message, theirs)
        assert not sr25519.verify(public, message + b"!", theirs)
        unmarked = theirs[:63] + bytes([theirs[63] & 0x7F])
        assert not sr25519.verify(public, message, unmarked)


def test_junction_chain_codes() -> None:
    """[CRYPTO-15] strings, numbers and long strings, as sp-core encodes them."""
    assert sr25519.junction("/Alice") == (True, bytes.fromhex("14416c696365") + bytes(26))
    assert sr25519.junction("/1") == (True, b"\x01" + bytes(31))
    assert sr25519.junction("foo") == (False, bytes.fromhex("0c666f6f") + bytes(28))
    assert sr25519.junction("18446744073709551616")[1] == (
        bytes([80]) + b"18446744073709551616" + bytes(11)
    )
    long = "x" * 40
    assert sr25519.junction(long) == (False, blake2b_256(bytes([160]) + long.encode()))


def test_dev_phrase_and_derivation() -> None:
    """[CRYPTO-14] [CRYPTO-16] the dev phrase's mini secret, //Alice, //Alice/foo; the binding's derivations agree."""
    root_mini = sr25519.mini_secret_from_entropy(sr25519.phrase_entropy(sr25519.DEV_PHRASE))
    assert root_mini.hex() == "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"
    root = sr25519.expand_ed25519(root_mini)
    root_public, root_secret = schnorrkel.pair_from_seed(root_mini)
    _, cc = sr25519.junction("/Alice")
    alice_mini = sr25519.hard_derive(root, cc)
    alice = sr25519.expand_ed25519(alice_mini)
    _, alice_public, alice_secret = schnorrkel.hard_derive_keypair(
        (cc, root_public, root_secret), b""
    )
    assert sr25519.public_key(alice) == alice_public
    assert alice.to_bytes()[:32] == alice_secret[:32]
    assert alice_public.hex() == "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
    _, foo = sr25519.junction("foo")
    soft = sr25519.soft_derive(alice, foo)
    expected = "f2d22c92a77441efe17f5f4e5e9fc535df36943a88f81ab941cbecfe1b55367f"
    assert sr25519.public_key(soft).hex() == expected
    assert sr25519.soft_derive_public(alice_public, foo).hex() == expected
    _, by_binding = schnorrkel.derive_pubkey((foo, alice_public), b"")
    assert by_binding.hex() == expected
    assert sr25519.secret_from_suri("//Alice/foo") == (soft, None)
    assert sr25519.secret_from_suri("//Alice")[1] == alice_mini
    assert sr25519.secret_from_suri("//Alice/foo//bar")[1] is None
    with pytest.raises(ValueError):
        sr25519.phrase_entropy(
            "bottom drive obey lake curtain smoke basket hold race lonely fit fit"
        )
