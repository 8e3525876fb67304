"""[CODEC-1] [CODEC-2]: canonical encoding and the state digest; [CRYPTO-17] storage hashers."""

import cbor2
import immutables
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phala_spec.chain.state import AccountData, event
from phala_spec.primitives.codec import (
    blake2b_256,
    decode,
    digest,
    encode,
    to_data,
    twox_64,
)
from phala_spec.runtime.genesis import genesis

plain = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**200), 2**200) | st.text() | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5) | st.binary(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(plain)
def test_round_trip_is_lossless(value):
    assert decode(encode(value)) == value


@given(st.dictionaries(st.text(max_size=4), st.integers(), min_size=2, max_size=6))
def test_encoding_ignores_insertion_order(mapping):
    reversed_mapping = dict(reversed(list(mapping.items())))
    assert encode(mapping) == encode(reversed_mapping)


def test_map_keys_sorted_by_encoded_bytes():
    # RFC 8949 §4.2.1: keys ordered by the bytewise order of their encodings,
    # so the one-byte-longer key "aa" (0x62...) follows "b" (0x61...).
    blob = encode({"aa": 1, "b": 2})
    assert blob.index(cbor2.dumps("b")) < blob.index(cbor2.dumps("aa"))


def test_big_integers_use_bignum_tags():
    assert encode(2**64) == bytes([0xC2, 0x49, 0x01]) + bytes(8)
    assert decode(encode(2**128 - 1)) == 2**128 - 1


def test_non_plain_values_are_rejected():
    with pytest.raises(ValueError):
        encode(1.5)
    with pytest.raises(ValueError):
        decode(b"\xff\xff")
    with pytest.raises(ValueError):
        decode(cbor2.dumps(1.5))


def test_records_and_maps_become_plain_data():
    assert to_data(AccountData(free=3)) == {"free": 3, "reserved": 0, "frozen": 0}
    assert to_data(immutables.Map({b"k": (1, 2)})) == {b"k": [1, 2]}
    assert to_data(event("Balances.Transfer", amount=5)) == {
        "name": "Balances.Transfer",
        "fields": {"amount": 5},
    }


def test_digest_is_blake2b_of_canonical_encoding():
    state = genesis("minimal")
    assert digest(state) == blake2b_256(encode(to_data(state)))
    assert len(digest(state)) == 32


def test_digest_distinguishes_states():
    assert digest(genesis("minimal")) != digest(genesis("phala"))
    assert digest(genesis("minimal")) == digest(genesis("minimal"))


def test_twox_64_matches_substrate() -> None:
    """XXH64 with seed 0, little-endian: XXH64 of nothing is 0xef46db3751d8e999, and the first
    halves of twox_128("System") and twox_128("Account"), Substrate's storage prefixes
    26aa394eea5630e0... and b99d880ec681799c..., are twox_64 of those words [CRYPTO-17]."""
    assert twox_64(b"") == (0xEF46DB3751D8E999).to_bytes(8, "little")
    assert twox_64(b"System") == bytes.fromhex("26aa394eea5630e0")
    assert twox_64(b"Account") == bytes.fromhex("b99d880ec681799c")
