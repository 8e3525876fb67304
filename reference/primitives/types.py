"""The kinds of call arguments, and the one check of each [CHAIN-7].

A call's arguments arrive as plain data. Each parameter of a pallet function
that a call exposes is annotated with an *argument kind*: a
``typing.Annotated`` alias whose first part is the plain Python type mypy
checks (``Balance = Annotated[int, BALANCE]`` is an ``int`` to mypy) and whose
metadata is the :class:`Kind`, which names the domain and decodes a value
into it. The call table reads the kinds from the functions' signatures, so a
parameter's type is written once, where the function is.

Every kind has exactly one decoder, which genesis, steps, views and the
network use for their plain-data inputs too, and every unsigned width one
range check (:func:`is_unsigned` with the width's maximum), which records
also use for their invariants.

Where kinds live. This module holds the kinds made of primitives only:
accounts, balances, fixed-width integers, byte strings, and the option and
list of another kind. A kind whose value is a record lives next to the record,
in the layer that owns it, so dependencies keep pointing down: the signed
message in :mod:`phala_spec.chain.messages`, the tokenomic parameters in
:mod:`phala_spec.chain.state`, the vote and conviction in
:mod:`phala_spec.chain.democracy_state`, the attestation evidence in
:mod:`phala_spec.tee.attestation`, the registry's pRuntime info and endpoint
payload in :mod:`phala_spec.pallets.registry.workers` and
:mod:`phala_spec.pallets.registry.endpoints`, lock reasons in
:mod:`phala_spec.pallets.balances.lockable` and balance status in
:mod:`phala_spec.pallets.balances.reservable`, ``Renouncing`` in the elections pallet,
and the held call, whose decoder needs the call table, in
:mod:`phala_spec.runtime.calls`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Generic, TypeGuard, TypeVar

import attrs

from .arith import U32_MAX, U64_MAX, U128_MAX
from .errors import InvalidInput

T = TypeVar("T")


@attrs.frozen(eq=False)
class Kind(Generic[T]):
    """An argument kind [CHAIN-7]: its name, its domain in words, and its decoder.

    ``parse`` returns the decoded value or raises :class:`InvalidInput`, with a
    message only when it can say which part of a structured value is wrong.
    Kinds compare by identity: two kinds with the same domain (a block number
    and a u32) are still two kinds.
    """

    name: str
    expected: str
    parse: Callable[[Any], T] = attrs.field(repr=False)

    def decode(self, value: Any, what: str) -> T:
        """``value`` as this kind, or :class:`InvalidInput` naming ``what`` and the kind."""
        try:
            return self.parse(value)
        except InvalidInput as exc:
            detail = f" ({exc})" if str(exc) else ""
            raise InvalidInput(f"{what} must be {self.expected}{detail}") from exc


def kind_of(hint: Any) -> Kind[Any] | None:
    """The kind an ``Annotated`` type hint carries, or ``None`` when it carries none."""
    kinds = [item for item in getattr(hint, "__metadata__", ()) if isinstance(item, Kind)]
    return kinds[0] if len(kinds) == 1 else None


def is_unsigned(value: Any, maximum: int) -> TypeGuard[int]:
    """An ``int`` in ``0..=maximum`` [CHAIN-6]: the range check of every unsigned width.

    A boolean is not an integer here, although Python's ``bool`` is an ``int``.
    """
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= maximum


MAPPING = (dict, Mapping)
"""What a plain-data map is: ``isinstance(value, MAPPING)`` answers as ``isinstance(value,
Mapping)`` does, and at once for a ``dict``, without the abstract class's subclass check."""


def fields_of(value: Any, names: tuple[str, ...]) -> Mapping[str, Any]:
    """``value`` as a map with exactly the fields ``names``, for a structured kind's decoder."""
    if not isinstance(value, Mapping) or set(value) != set(names):
        raise InvalidInput(f"the fields are exactly {list(names)}")
    return value


# --- Integers -------------------------------------------------------------------------------------


def _u32(value: Any) -> int:
    if is_unsigned(value, U32_MAX):
        return value
    raise InvalidInput()


def _u64(value: Any) -> int:
    if is_unsigned(value, U64_MAX):
        return value
    raise InvalidInput()


def _u128(value: Any) -> int:
    if is_unsigned(value, U128_MAX):
        return value
    raise InvalidInput()


def _permill(value: Any) -> int:
    if is_unsigned(value, 1_000_000):
        return value
    raise InvalidInput()


U32_KIND: Kind[int] = Kind("u32", "an integer in 0..2^32-1", _u32)
U64_KIND: Kind[int] = Kind("u64", "an integer in 0..2^64-1", _u64)
U128_KIND: Kind[int] = Kind("u128", "an integer in 0..2^128-1", _u128)
BLOCK_NUMBER: Kind[int] = Kind("block_number", "a block number: an integer in 0..2^32-1", _u32)
POOL_ID: Kind[int] = Kind("pool_id", "a pool id: an integer in 0..2^64-1", _u64)
BALANCE: Kind[int] = Kind("balance", "a balance: an integer in 0..2^128-1", _u128)
FIXED_BITS: Kind[int] = Kind("fixed_bits", "U64F64 bits: an integer in 0..2^128-1", _u128)
PERMILL: Kind[int] = Kind("permill", "Permill parts: an integer in 0..1000000", _permill)

# A kind is named like its alias in capitals; the widths' aliases take the plain
# names U32 and U64, so their kinds are U32_KIND and U64_KIND.
U32 = Annotated[int, U32_KIND]
U64 = Annotated[int, U64_KIND]
BlockNumber = Annotated[int, BLOCK_NUMBER]
PoolId = Annotated[int, POOL_ID]
Balance = Annotated[int, BALANCE]
FixedBits = Annotated[int, FIXED_BITS]
PermillParts = Annotated[int, PERMILL]


# --- Booleans, byte strings and text --------------------------------------------------------------


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise InvalidInput()


def _bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    raise InvalidInput()


def _bytes32(value: Any) -> bytes:
    if isinstance(value, bytes) and len(value) == 32:
        return value
    raise InvalidInput()


def _bytes8(value: Any) -> bytes:
    if isinstance(value, bytes) and len(value) == 8:
        return value
    raise InvalidInput()


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise InvalidInput()


def _signature(value: Any) -> bytes | bool:
    if isinstance(value, bytes | bool):
        return value
    raise InvalidInput()


BOOL: Kind[bool] = Kind("bool", "a boolean", _bool)
BYTES: Kind[bytes] = Kind("bytes", "bytes", _bytes)
BYTES32: Kind[bytes] = Kind("bytes32", "32 bytes", _bytes32)
ACCOUNT_ID: Kind[bytes] = Kind("account_id", "a 32-byte account id", _bytes32)
LOCK_ID: Kind[bytes] = Kind("lock_id", "an 8-byte lock id", _bytes8)
TEXT: Kind[str] = Kind("text", "text", _text)
SIGNATURE: Kind[bytes | bool] = Kind(
    "signature", "a signature: bytes, or a boolean in the oracle crypto setting", _signature
)

Bool = Annotated[bool, BOOL]
Bytes = Annotated[bytes, BYTES]
Bytes32 = Annotated[bytes, BYTES32]  # a hash or a worker's public key
AccountId = Annotated[bytes, ACCOUNT_ID]  # as Substrate's AccountId32
LockId = Annotated[bytes, LOCK_ID]
Signature = Annotated[bytes | bool, SIGNATURE]


# --- Options and lists ----------------------------------------------------------------------------


def option(kind: Kind[T]) -> Kind[T | None]:
    """``Option<kind>``: null, or a value of ``kind``."""

    def parse(value: Any) -> T | None:
        return None if value is None else kind.parse(value)

    return Kind(f"option<{kind.name}>", f"{kind.expected}, or null", parse)


def list_of(kind: Kind[T]) -> Kind[tuple[T, ...]]:
    """``Vec<kind>``: a list of values of ``kind``, decoded to a tuple."""

    def parse(value: Any) -> tuple[T, ...]:
        if not isinstance(value, list | tuple):
            raise InvalidInput()
        return tuple(kind.decode(item, f"item {i}") for i, item in enumerate(value))

    return Kind(f"list<{kind.name}>", f"a list, each item {kind.expected}", parse)


OPTION_U32 = option(U32_KIND)
OPTION_POOL_ID = option(POOL_ID)
OPTION_PERMILL = option(PERMILL)
OPTION_ACCOUNT_ID = option(ACCOUNT_ID)
ACCOUNT_IDS = list_of(ACCOUNT_ID)

OptionU32 = Annotated[int | None, OPTION_U32]
OptionPoolId = Annotated[int | None, OPTION_POOL_ID]
OptionPermillParts = Annotated[int | None, OPTION_PERMILL]
OptionAccountId = Annotated[bytes | None, OPTION_ACCOUNT_ID]
AccountIds = Annotated[tuple[bytes, ...], ACCOUNT_IDS]
