"""``evolve`` makes the records ``attrs.evolve`` makes [CHAIN-5]."""

from __future__ import annotations

import pickle

import attrs
import pytest

from phala_spec.chain.messages import Message, MessageOrigin
from phala_spec.chain.state import AccountData, AccountInfo, ChainState, SystemState
from phala_spec.offchain.pruntime import RuntimeConfig, SyncedBlock, WorkerState
from phala_spec.primitives.records import copied_by_dictionary, evolve
from phala_spec.runtime.genesis import genesis


def same_record(made: object, expected: object) -> bool:
    """Equal, of the same class, field by field (``==`` of attrs skips ``eq=False`` fields)."""
    fields = attrs.fields(type(expected))
    return type(made) is type(expected) and all(
        getattr(made, f.name) == getattr(expected, f.name) for f in fields
    )


def test_small_records_as_attrs_evolves_them() -> None:
    data = AccountData(free=5, reserved=2, frozen=1)
    info = AccountInfo(consumers=1, providers=2, sufficients=0, data=data)
    for record, changes in [
        (data, {"free": 7}),
        (data, {"reserved": 0, "frozen": 3}),
        (data, {}),
        (info, {"data": AccountData(free=9)}),
        (info, {"providers": 3, "consumers": 0}),
    ]:
        made = evolve(record, **changes)
        assert same_record(made, attrs.evolve(record, **changes))
        assert made is not record
    assert data == AccountData(free=5, reserved=2, frozen=1)  # the original is untouched


def test_the_chain_state_copied_by_dictionary_as_attrs_evolves_it() -> None:
    state = genesis("minimal", {"balances": [["alice", 1_000]]})
    system = evolve(state.system, in_block=True, parent_number=3)
    assert same_record(system, attrs.evolve(state.system, in_block=True, parent_number=3))
    made = evolve(state, system=system)
    assert same_record(made, attrs.evolve(state, system=system))
    assert vars(made) == vars(attrs.evolve(state, system=system))
    assert made.system is system and state.system is not system
    assert hash(made) == hash(attrs.evolve(state, system=system))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.system = state.system  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(made)) == made  # explore's processes exchange states


def test_converters_validators_and_computed_fields_run_as_in_attrs() -> None:
    origin = MessageOrigin("Pallet", b"PhalaRegistry")
    block = SyncedBlock(1, 12_000)
    message = Message(origin, b"topic", b"payload")
    # a converter turns the list into a tuple, as attrs.evolve's call of __init__ does
    made = evolve(block, messages=[message])  # type: ignore[arg-type]
    assert same_record(made, attrs.evolve(block, messages=[message]))  # type: ignore[arg-type]
    assert made.messages == (message,)
    # __attrs_post_init__ checks run: a bad value is refused the same way
    with pytest.raises(ValueError, match="u32"):
        evolve(block, number=1 << 32)
    with pytest.raises(ValueError, match="iterations_per_block"):
        evolve(RuntimeConfig(), iterations_per_block=-1)
    # a field outside __init__ is computed anew from the changed fields
    worker = WorkerState(b"\x01" * 32)
    moved = evolve(worker, pubkey=b"\x02" * 32)
    assert same_record(moved, attrs.evolve(worker, pubkey=b"\x02" * 32))
    assert moved.hashed_id != worker.hashed_id


def test_a_name_that_is_not_a_field_is_refused() -> None:
    state = genesis("minimal")
    with pytest.raises(TypeError):
        evolve(AccountData(), nonce=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        evolve(state, nonce=1)  # type: ignore[call-arg]


def test_only_plain_records_are_copied_by_dictionary() -> None:
    @attrs.frozen
    class Slotted:
        value: int = 0

    @attrs.frozen(slots=False)
    class Converted:
        value: int = attrs.field(default=0, converter=int)

    @attrs.frozen(slots=False)
    class Checked:
        value: int = 0

        def __attrs_post_init__(self) -> None:
            assert self.value >= 0

    for cls in (Slotted, Converted, Checked):
        with pytest.raises(TypeError, match="cannot be copied by dictionary"):
            copied_by_dictionary(cls)
    assert copied_by_dictionary(ChainState) is ChainState
    assert copied_by_dictionary(SystemState) is SystemState


def test_plain_slotted_records_are_copied_slot_by_slot_as_attrs_evolves_them() -> None:
    @attrs.frozen
    class Base:
        a: int = 0

    @attrs.frozen
    class Child(Base):
        b: tuple[int, ...] = ()

    @attrs.frozen(cache_hash=True)
    class Hashed:
        a: int = 0

    child = Child(1, (2,))
    for record, changes in [
        (child, {"a": 5}),
        (child, {"b": (3,), "a": 0}),
        (child, {}),
        (Hashed(1), {"a": 2}),
    ]:
        made = evolve(record, **changes)
        assert same_record(made, attrs.evolve(record, **changes))
        assert made is not record
    assert child == Child(1, (2,))
    assert hash(evolve(Hashed(1), a=2)) == hash(Hashed(2))  # the cached hash is the new one
    with pytest.raises(TypeError):
        evolve(child, c=1)  # type: ignore[call-arg]
