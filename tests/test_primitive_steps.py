"""The ``primitive`` step, its catalogue and its vectors [STEP-9] [PRIM-1]..[PRIM-12] [SCALE-2] [SCALE-3].

The step changes no state and has no events; the catalogue matches the table of
spec/primitives.md; a runner sends a ``primitive`` step only to an adapter that
declares the primitive [ADP-5]. The vectors' answers are checked against sources
that are not the reference: published test vectors (RFC 8949's CBOR examples,
RFC 9496's ristretto255 points, BLAKE2b, Keccak, XXH64, the GCM specification,
merlin's conformance transcript), schnorrkel itself through its binding, and an
HKDF written from RFC 5869 with the standard library.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sr25519 as schnorrkel
from hypothesis import given
from hypothesis import strategies as st
from test_crypto import GCM_IV, GCM_KEY, GCM_PLAIN, GCM_SEALED
from test_sr25519 import BAD_ENCODINGS, SMALL_MULTIPLES

from phala_spec.chain.worker_messages import DecodeFailure, decode_payload
from phala_spec.conformance.client import AdapterProcess
from phala_spec.conformance.itf import vector_to_itf
from phala_spec.conformance.runner import counts, run_all
from phala_spec.conformance.schema import load_vector
from phala_spec.conformance.store import PACKAGED_DIR, discover
from phala_spec.network import commitments, genesis_state
from phala_spec.primitives import crypto, keccak, scale
from phala_spec.primitives.catalogue import PRIMITIVES, apply_primitive
from phala_spec.primitives.errors import InvalidInput
from phala_spec.steps import apply_step

ROOT = Path(__file__).resolve().parent.parent
ADAPTERS = Path(__file__).resolve().parent / "adapters"
SUITE_DIR = PACKAGED_DIR / "minimal" / "primitives"


def step(name: str, **args: Any) -> dict[str, Any]:
    return {"kind": "primitive", "name": name, "args": args}


@functools.cache
def shipped_steps() -> tuple[tuple[str, dict[str, Any], str, Any], ...]:
    """Every ``(name, args, outcome, returned)`` of the shipped `primitives` vectors."""
    found = []
    for path in sorted(SUITE_DIR.glob("*/*.cbor")):
        for entry in load_vector(path)["steps"]:
            expect = entry["expect"]
            found.append(
                (
                    entry["step"]["name"],
                    entry["step"]["args"],
                    expect["outcome"],
                    expect["returned"],
                )
            )
    return tuple(found)


def answers(name: str) -> Iterator[tuple[dict[str, Any], str, Any]]:
    """Every ``(args, outcome, returned)`` of one primitive in the shipped vectors."""
    found = [
        (args, outcome, returned) for n, args, outcome, returned in shipped_steps() if n == name
    ]
    assert found, f"no vector calls {name}"
    yield from found


# --- the step ----------------------------------------------------------------------------


def test_a_primitive_step_changes_no_state_and_has_no_events() -> None:
    """[STEP-9] on a chain: the state object is the same, no events, the result returned."""
    chain = genesis_state("minimal", {})
    result = apply_step(chain, step("checked_add", a=2, b=3))
    assert result.state is chain and result.events == () and result.outcome == "ok"
    assert result.returned == 5
    failed = apply_step(chain, step("checked_sub", a=2, b=3))
    assert (failed.outcome, failed.returned, failed.state) == ("Arithmetic.Underflow", None, chain)


def test_a_primitive_step_applies_to_a_network_too() -> None:
    """[STEP-6] [STEP-9] a network takes a primitive step and keeps its commitment."""
    net = genesis_state("minimal", {"runtimes": [{"name": "w", "key": "w", "role": "worker"}]})
    before = commitments(net)
    result = apply_step(net, step("blake2b_256", data=b""))
    assert result.state is net and commitments(result.state) == before


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("no_such_primitive", {}),
        ("checked_add", {"a": 1}),
        ("checked_add", {"a": 1, "b": 2, "c": 3}),
        ("checked_add", {"a": -1, "b": 2}),
        ("checked_add", {"a": True, "b": 2}),
        ("checked_add", {"a": 1 << 128, "b": 0}),
        ("fixed_add", {"format": "U16F16", "a": 0, "b": 0}),
        ("fixed_add", {"format": "U32F32", "a": 1 << 64, "b": 0}),
        ("fixed_div", {"format": "U64F64", "a": 1, "b": 0}),
        ("fixed_div_int", {"format": "U64F64", "a": 1, "n": 0}),
        ("balance_div_fixed", {"balance": 1, "divisor": 0}),
        ("perthing_mul", {"per_thing": "Permill", "parts": 10**6 + 1, "x": 1, "rounding": "Up"}),
        ("perthing_mul", {"per_thing": "Percent", "parts": 1, "x": 1, "rounding": "Up"}),
        ("perthing_mul", {"per_thing": "Permill", "parts": 1, "x": 1, "rounding": "up"}),
        ("compact_decode", {"width": 16, "data": b"\x00"}),
        ("compact_decode", {"width": True, "data": b"\x00"}),
        ("keccak_f1600", {"state": bytes(199)}),
        ("merlin_challenge", {"label": b"", "messages": [[b"a"]], "challenges": []}),
        ("merlin_challenge", {"label": b"", "messages": [], "challenges": [[b"c", -1]]}),
        ("ristretto255_base_mul", {"scalar": bytes(31)}),
        ("sr25519_junction", {"text": b"Alice"}),
    ],
)
def test_arguments_outside_the_domain_are_invalid_input(name: str, args: dict[str, Any]) -> None:
    """[PRIM-1] an unknown name, a missing or extra argument, a value outside its kind, a zero
    divisor or too many parts: invalid input, never an outcome."""
    with pytest.raises(InvalidInput):
        apply_primitive(name, args)
    with pytest.raises(InvalidInput):
        apply_step(genesis_state("minimal", {}), {"kind": "primitive", "name": name, "args": args})


def test_a_primitive_step_has_exactly_its_fields() -> None:
    chain = genesis_state("minimal", {})
    with pytest.raises(InvalidInput):
        apply_step(chain, {"kind": "primitive", "name": "checked_add"})
    with pytest.raises(InvalidInput):
        apply_step(chain, {**step("checked_add", a=1, b=1), "extra": 1})


def _spec_rows() -> dict[str, str]:
    """The rows of the tables of spec/primitives.md: each primitive name to its arguments cell."""
    rows: dict[str, str] = {}
    for line in (ROOT / "spec" / "primitives.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            for name in re.findall(r"`([a-z0-9_]+)`", cells[0]):
                rows[name] = cells[1]
    return rows


def test_the_catalogue_is_the_specified_table() -> None:
    """[PRIM-1] every primitive has a row naming each of its arguments, and every row a primitive."""
    rows = _spec_rows()
    assert set(rows) == set(PRIMITIVES)
    for name, primitive in PRIMITIVES.items():
        for param, _ in primitive.params:
            assert f"`{param}`" in rows[name] or param in rows[name], (name, param)


def test_every_primitive_has_vectors() -> None:
    """Every primitive is called by a vector; each handler of the suite is a primitive."""
    handlers = {path.name for path in SUITE_DIR.iterdir() if path.is_dir()}
    assert handlers <= set(PRIMITIVES)
    assert {name for name, *_ in shipped_steps()} == set(PRIMITIVES)


def test_a_primitive_vector_exports_as_an_itf_trace() -> None:
    """[VEC-27] the step is a record like any other step."""
    vector = load_vector(SUITE_DIR / "checked_add" / "around_the_maximum.cbor")
    trace = vector_to_itf(vector)
    first = trace["states"][1]
    assert first["step"]["kind"] == "primitive" and first["step"]["name"] == "checked_add"
    assert first["returned"] == {"#bigint": "0"}


# --- capabilities [ADP-5] -------------------------------------------------------------------


@pytest.fixture(scope="module")
def few(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three primitive vectors: checked_add, checked_sub and blake2b_256."""
    out = tmp_path_factory.mktemp("primitives") / "vectors"
    for handler in ("checked_add", "checked_sub", "blake2b_256"):
        shutil.copytree(SUITE_DIR / handler, out / "minimal" / "primitives" / handler)
    return out


def run(vectors: Path, mode: str) -> dict[str, Any]:
    command = [sys.executable, str(ADAPTERS / "primitives_partial.py"), mode]
    results = run_all(AdapterProcess(command, timeout=30), discover(vectors))
    return {r.id.split("/")[2]: r for r in results}


def test_an_adapter_without_the_capability_runs_no_primitive(few: Path) -> None:
    """An adapter that predates the capability declares none: every vector is unsupported, none sent."""
    results = run(few, "omit")
    assert {r.status for r in results.values()} == {"unsupported"}
    assert "primitive checked_add" in results["checked_add"].message


def test_an_adapter_runs_the_primitives_it_declares(few: Path) -> None:
    results = run(few, "some")
    assert counts(list(results.values())) == {"pass": 1, "fail": 0, "unsupported": 2, "error": 0}
    assert results["checked_add"].status == "pass"
    assert "primitive blake2b_256" in results["blake2b_256"].message


def test_a_step_answered_unsupported_is_not_a_pass(few: Path) -> None:
    """[ADP-3] an adapter may decline a primitive step itself."""
    results = run(few, "reply")
    assert results["checked_sub"].status == "unsupported"
    assert results["checked_sub"].step == 0 and "no subtraction" in results["checked_sub"].message
    assert results["checked_add"].status == "pass"


def test_a_wrong_primitive_fails_at_its_step(few: Path) -> None:
    result = run(few, "wrong")["checked_add"]
    assert result.status == "fail" and result.where == "returned"
    assert result.step_label == "primitive checked_add"


# --- compact integers [SCALE-2] [SCALE-3] -----------------------------------------------------


@given(st.integers(0, (1 << 128) - 1))
def test_compact_round_trip_matches_scalecodec(n: int) -> None:
    encoded = scale.compact(n)
    assert encoded == scale.encode("Compact<u128>", n)
    assert scale.decode_compact(encoded + b"\xff", 0, 128) == (n, len(encoded))


def _form(data: bytes) -> tuple[int, int]:
    """The size of the form the first byte names, and the value its bytes hold."""
    if data[0] & 3 < 3:
        size = 1 << (data[0] & 3)
        return size, int.from_bytes(data[:size], "little") >> 2
    size = (data[0] >> 2) + 5
    return size, int.from_bytes(data[1:size], "little")


@given(
    st.one_of(st.binary(max_size=20), st.integers(0, (1 << 128) - 1).map(scale.compact)),
    st.sampled_from(scale.COMPACT_WIDTHS),
)
def test_a_compact_is_accepted_exactly_when_it_is_the_canonical_form(
    data: bytes, width: int
) -> None:
    """[SCALE-3] accepted iff the whole form is there, its value fits the width and re-encodes to
    the very bytes read."""
    found = scale.decode_compact(data, 0, width)
    if not data:
        assert scale.decode_compact(data, 0, width) is None
        return
    size, value = _form(data)
    canonical = len(data) >= size and value < 1 << width and scale.compact(value) == data[:size]
    assert found == ((value, size) if canonical else None)


def test_compact_known_answers() -> None:
    """parity-scale-codec's documented examples, and the refusals of [SCALE-3]."""
    known = {
        0: "00",
        1: "04",
        42: "a8",
        63: "fc",
        64: "0101",
        69: "1501",
        16383: "fdff",
        16384: "02000100",
        (1 << 30) - 1: "feffffff",
        1 << 30: "0300000040",
        (1 << 32) - 1: "03ffffffff",
        1 << 32: "070000000001",
        (1 << 64) - 1: "13ffffffffffffffff",
        100000000000000: "0b00407a10f35a",
    }
    for n, text in known.items():
        assert scale.compact(n).hex() == text
    for text in ("0100", "fd00", "feff0000", "03ffffff3f", "070000004000"):
        assert scale.decode_compact(bytes.fromhex(text), 0, 128) is None
    assert scale.decode_compact(bytes.fromhex("070000000001"), 0, 32) is None
    assert scale.decode_compact(bytes.fromhex("070000000001"), 0, 64) == (1 << 32, 6)


def test_a_payload_with_a_non_canonical_length_does_not_decode() -> None:
    """[OFF-6] [SCALE-3] a `Vec` whose length prefix is 0 in the two-byte form is refused."""
    head = (7).to_bytes(4, "little") + (8).to_bytes(8, "little")
    valid = head + b"\x00\x00\x00"
    assert not isinstance(decode_payload("WorkingInfoUpdateEvent", valid), DecodeFailure)
    refused = head + b"\x01\x00\x00\x00"
    assert isinstance(decode_payload("WorkingInfoUpdateEvent", refused), DecodeFailure)


def test_compact_vectors_agree_with_scalecodec() -> None:
    """Every `compact_encode` vector is the encoding an independent SCALE library writes."""
    for args, outcome, returned in answers("compact_encode"):
        assert outcome == "ok" and returned == scale.encode("Compact<u128>", args["value"])


# --- known answers from outside the reference -----------------------------------------------


RFC_8949: list[tuple[Any, str]] = [  # RFC 8949 appendix A (and 4.2.1 for the key order)
    (0, "00"),
    (1, "01"),
    (23, "17"),
    (24, "1818"),
    (255, "18ff"),
    (256, "190100"),
    (65535, "19ffff"),
    (65536, "1a00010000"),
    ((1 << 32) - 1, "1affffffff"),
    (1 << 32, "1b0000000100000000"),
    ((1 << 64) - 1, "1bffffffffffffffff"),
    (1 << 64, "c249010000000000000000"),
    (-1, "20"),
    (-24, "37"),
    (-25, "3818"),
    (-(1 << 64), "3bffffffffffffffff"),
    (-(1 << 64) - 1, "c349010000000000000000"),
    ("", "60"),
    ("x", "6178"),
    (b"", "40"),
    (True, "f5"),
    (False, "f4"),
    (None, "f6"),
    ([], "80"),
    ({"b": 1, "a": 2, "aa": 3, "": 4}, "a4600461610261620162616103"),
]


def test_cbor_vectors_match_rfc_8949() -> None:
    pairs = [(a["value"], r) for a, _, r in answers("cbor_encode")]
    for value, text in RFC_8949:
        found = [r for v, r in pairs if type(v) is type(value) and v == value]
        assert [r.hex() for r in found] == [text], value


def test_blake2b_vectors() -> None:
    """BLAKE2b-256 of the empty string and of `abc`, as published; the rest as hashlib computes."""
    for args, _, returned in answers("blake2b_256"):
        assert returned == hashlib.blake2b(args["data"], digest_size=32).digest()
        if args["data"] == b"":
            assert (
                returned.hex() == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
            )
        if args["data"] == b"abc":
            assert (
                returned.hex() == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"
            )


def _xxh64(data: bytes, seed: int = 0) -> int:
    """XXH64 written from its specification, independent of the xxhash package."""
    p1, p2, p3 = 11400714785074694791, 14029467366897019727, 1609587929392839161
    p4, p5, mask = 9650029242287828579, 2870177450012600261, (1 << 64) - 1

    def rotl(x: int, r: int) -> int:
        return ((x << r) | (x >> (64 - r))) & mask

    def round_(acc: int, lane: int) -> int:
        return (rotl((acc + lane * p2) & mask, 31) * p1) & mask

    n, i = len(data), 0
    if n >= 32:
        v = [(seed + p1 + p2) & mask, (seed + p2) & mask, seed, (seed - p1) & mask]
        while i + 32 <= n:
            v = [
                round_(v[j], int.from_bytes(data[i + 8 * j : i + 8 * j + 8], "little"))
                for j in range(4)
            ]
            i += 32
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & mask
        for lane in v:
            h = ((h ^ round_(0, lane)) * p1 + p4) & mask
    else:
        h = (seed + p5) & mask
    h = (h + n) & mask
    while i + 8 <= n:
        h = (rotl(h ^ round_(0, int.from_bytes(data[i : i + 8], "little")), 27) * p1 + p4) & mask
        i += 8
    if i + 4 <= n:
        h = (rotl(h ^ (int.from_bytes(data[i : i + 4], "little") * p1 & mask), 23) * p2 + p3) & mask
        i += 4
    while i < n:
        h = (rotl(h ^ (data[i] * p5 & mask), 11) * p1) & mask
        i += 1
    h ^= h >> 33
    h = (h * p2) & mask
    h ^= h >> 29
    h = (h * p3) & mask
    return h ^ (h >> 32)


def test_twox_vectors() -> None:
    """XXH64 of nothing is 0xef46db3751d8e999 (little-endian bytes), `System` is Substrate's
    prefix; every vector agrees with XXH64 written from its specification."""
    assert _xxh64(b"") == 0xEF46DB3751D8E999
    for args, _, returned in answers("twox_64"):
        assert returned == _xxh64(args["data"]).to_bytes(8, "little")
        if args["data"] == b"System":
            assert returned.hex() == "26aa394eea5630e0"
    for args, _, returned in answers("twox_64_concat"):
        assert returned == _xxh64(args["data"]).to_bytes(8, "little") + args["data"]


def _keccak_256(data: bytes) -> bytes:
    """Keccak-256 (the pre-standard padding 0x01) as a sponge over the reference's permutation."""
    rate = 136
    padded = bytearray(data + b"\x01" + bytes(-(len(data) + 1) % rate))
    padded[-1] |= 0x80
    state = bytes(200)
    for at in range(0, len(padded), rate):
        block = padded[at : at + rate] + bytes(200 - rate)
        state = keccak.keccak_f1600(bytes(a ^ b for a, b in zip(state, block, strict=True)))
    return state[:32]


def test_keccak_vectors() -> None:
    """The zero state's permutation begins as the Keccak team's intermediate values say; a
    Keccak-256 sponge over the permutation gives the published hashes, at the rate's edges too."""
    zero = [r for a, _, r in answers("keccak_f1600") if a["state"] == bytes(200)]
    assert zero and zero[0][:8].hex() == "e7dde140798f25f1"
    assert (
        _keccak_256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert (
        _keccak_256(b"abc").hex()
        == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )
    for args, _, returned in answers("keccak_f1600"):
        assert returned == keccak.keccak_f1600(args["state"])


def test_merlin_vector_is_merlins_conformance_transcript() -> None:
    first = next(answers("merlin_challenge"))
    assert first[0]["label"] == b"test protocol"
    assert first[2] == [
        bytes.fromhex("d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615")
    ]


def test_ristretto_vectors_match_rfc_9496() -> None:
    """A.1: the multiples 0·B .. 15·B; A.2: every refused encoding gives null."""
    for args, _, returned in answers("ristretto255_base_mul"):
        k = int.from_bytes(args["scalar"], "little")
        if k < 16:
            assert returned.hex() == SMALL_MULTIPLES[k]
    refused = [a["point"].hex() for a, _, r in answers("ristretto255_scalar_mul") if r is None]
    assert set(BAD_ENCODINGS) <= set(refused)


def _binding_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(public) != 32 or len(signature) != 64:
        return False
    try:
        return bool(schnorrkel.verify(signature, message, public))
    except ValueError:
        return False


def test_verification_vectors_are_schnorrkels_verdicts() -> None:
    """[CRYPTO-12] every sr25519_verify answer is schnorrkel's, and both answers occur."""
    verdicts = []
    for args, outcome, returned in answers("sr25519_verify"):
        assert outcome == "ok"
        assert returned is _binding_verify(args["public"], args["message"], args["signature"])
        verdicts.append(returned)
    assert verdicts.count(True) >= 5 and verdicts.count(False) >= 20


def test_keys_and_signatures_agree_with_schnorrkel() -> None:
    """[CRYPTO-11] [CRYPTO-13] mini secrets expand as schnorrkel expands them; every signature a
    vector returns verifies with schnorrkel under its key."""
    for args, _, returned in answers("sr25519_pair_from_seed"):
        if len(args["seed"]) == 32:
            assert returned["public"] == schnorrkel.pair_from_seed(args["seed"])[0]
    signed = 0
    for args, _, returned in answers("sr25519_sign"):
        if returned is not None:
            public = crypto.keypair_from_secret(args["secret"]).public
            assert _binding_verify(public, args["message"], returned)
            signed += 1
    assert signed >= 10


def test_dev_keys_are_substrates() -> None:
    """[CRYPTO-2] the spec's table of dev accounts."""
    known = {
        "alice": "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
        "bob": "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48",
        "ferdie": "1cbd2d43530a44705ad088af313e18f80b53ef16b36177cd4b77b846f2a5f07c",
        "foundation": "04a7e334acfeccd035ed052705040cc944c70eb92247d4770b55bceec4072664",
    }
    for args, _, returned in answers("sr25519_dev_key"):
        if args["name"] in known:
            assert returned["public"].hex() == known[args["name"]]
    suri = {a["suri"]: r for a, _, r in answers("sr25519_from_suri")}
    assert suri["//Alice"]["public"].hex() == known["alice"]
    dev_phrase_seed = "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"
    assert suri[""]["seed"].hex() == dev_phrase_seed


def _hkdf(salt: bytes, ikm: bytes, info: bytes) -> bytes:
    """HKDF-SHA256 (RFC 5869), 32 bytes, with the standard library."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def test_kdf_vectors_are_rfc_5869_hkdf() -> None:
    for args, _, returned in answers("kdf_derive"):
        if returned is not None:
            assert returned == _hkdf(crypto.KDF_SALT, args["secret"], b"".join(args["parts"]))


def test_agreement_vectors_are_symmetric() -> None:
    """[CRYPTO-4] the first two agreements are the two sides of one."""
    results = [r for _, _, r in answers("ecdh_agree")]
    assert results[0] == results[1] is not None


def test_aead_known_answers() -> None:
    """The GCM specification's AES-256 test cases 13, 14 and 15 (the last one is a vector)."""
    assert (
        crypto.aead_encrypt(bytes(32), bytes(12), b"").hex() == "530f8afbc74536b9a963b4f1c4cb738b"
    )
    assert crypto.aead_encrypt(bytes(32), bytes(12), bytes(16)).hex() == (
        "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"
    )
    sealed = [r for a, _, r in answers("aead_seal") if a["key"] == GCM_KEY and a["iv"] == GCM_IV]
    assert sealed == [GCM_SEALED]
    assert GCM_PLAIN
