"""The SCALE codec's type registry: a codec class is made once per type name, until types change;
byte vectors decode to exactly their bytes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phala_spec.primitives import scale


def test_a_type_declared_after_a_lookup_is_found() -> None:
    name = "PhalaSpecTestPair"
    with pytest.raises(NotImplementedError):
        scale.encode(name, {"first": 1, "rest": "0x0203"})  # not declared yet: no class kept
    scale.register_types(
        {name: {"type": "struct", "type_mapping": [["first", "u32"], ["rest", "Vec<u8>"]]}}
    )
    encoded = scale.encode(name, {"first": 1, "rest": "0x0203"})
    assert encoded == (1).to_bytes(4, "little") + bytes([2 << 2, 2, 3])
    assert scale.as_bytes(scale.decode(name, encoded)["rest"]) == bytes([2, 3])
    assert scale.encode(name, {"first": 1, "rest": "0x0203"}) == encoded  # the kept class


def test_composite_names_encode_alike_every_time() -> None:
    for _ in range(3):
        assert scale.encode("Vec<u8>", "0x0102") == bytes([2 << 2, 1, 2])
        assert scale.encode("[u8; 2]", "0x0102") == bytes([1, 2])
        assert scale.decode("(u8, u16)", bytes([1, 2, 0])) == (1, 2)


@given(st.binary(max_size=40) | st.sampled_from([b"0x00ff", b"0x", b"hello", b"0xzz"]))
def test_a_byte_vector_decodes_to_its_own_bytes(data: bytes) -> None:
    """Bytes that read as text, even text that looks like hex, decode to themselves [SCALE-1]."""
    encoded = scale.encode("Vec<u8>", data)
    assert scale.as_bytes(scale.decode("Vec<u8>", encoded)) == data
    message = {"sender": {"Pallet": data}, "destination": data, "payload": data}
    decoded = scale.decode("PhalaMessage", scale.encode("PhalaMessage", message))
    assert scale.as_bytes(decoded["sender"]["Pallet"]) == data
    assert scale.as_bytes(decoded["destination"]) == scale.as_bytes(decoded["payload"]) == data


def test_a_byte_field_is_never_read_from_text() -> None:
    with pytest.raises(ValueError, match="not a byte field"):
        scale.as_bytes("hello")
