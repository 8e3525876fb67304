"""The primitives by name: what a ``primitive`` step computes [PRIM-1] [STEP-9].

Each entry is a function of plain-data arguments that returns plain data. Its
parameters are annotated with argument kinds (:mod:`.types`), read from the
signature as the call table reads a pallet function's, so a parameter's domain
is written once. :func:`apply_primitive` decodes the arguments, runs the
function and gives the step's outcome and returned value: ``ok`` and the
result, or the code of a :class:`~.errors.DispatchError` (``Arithmetic.Overflow``,
``Arithmetic.Underflow``) and ``null``. Arguments outside a primitive's domain
are :class:`~.errors.InvalidInput`; input the production function refuses by
returning an error or nothing gives the result ``null``.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any

import attrs

from . import arith, crypto, fixed, keccak, merlin, ristretto255, scale, sr25519
from .codec import PlainData, blake2b_256, encode, twox_64, twox_64_concat
from .errors import DispatchError, InvalidInput
from .fixed import FixedFormat
from .perthings import Perbill, Permill, PerThing, Rounding
from .types import (
    BYTES,
    BYTES32,
    TEXT,
    U32_KIND,
    U128_KIND,
    Kind,
    fields_of,
    kind_of,
    list_of,
)

Params = tuple[tuple[str, Kind[Any]], ...]


def _choice(name: str, table: Mapping[Any, Any]) -> Kind[Any]:
    """A kind whose values are the keys of ``table``, decoded to the table's values."""

    def parse(value: Any) -> Any:
        if isinstance(value, str | int) and not isinstance(value, bool) and value in table:
            return table[value]
        raise InvalidInput()

    return Kind(name, "one of " + ", ".join(map(str, table)), parse)


def _labelled(value: Any) -> tuple[bytes, bytes]:
    if isinstance(value, list) and len(value) == 2:
        return BYTES.decode(value[0], "the label"), BYTES.decode(value[1], "the message")
    raise InvalidInput()


def _challenge(value: Any) -> tuple[bytes, int]:
    if isinstance(value, list) and len(value) == 2:
        return BYTES.decode(value[0], "the label"), U32_KIND.decode(value[1], "the length")
    raise InvalidInput()


FORMATS = {f.name: f for f in (fixed.U64F64, fixed.U32F32, fixed.U80F48)}
PER_THINGS: dict[str, type[PerThing[int]]] = {"Permill": Permill, "Perbill": Perbill}
ROUNDINGS = {r.value: r for r in Rounding}

FORMAT: Kind[FixedFormat] = _choice("fixed_format", FORMATS)
PER_THING: Kind[type[PerThing[int]]] = _choice("per_thing", PER_THINGS)
ROUNDING: Kind[Rounding] = _choice("rounding", ROUNDINGS)
COMPACT_WIDTH: Kind[int] = _choice("compact_width", {w: w for w in scale.COMPACT_WIDTHS})
PLAIN: Kind[PlainData] = Kind("plain", "plain data", lambda value: value)
BYTES_LIST: Kind[tuple[bytes, ...]] = list_of(BYTES)
LABELLED: Kind[tuple[tuple[bytes, bytes], ...]] = list_of(
    Kind("labelled", "[label, message]: two byte strings", _labelled)
)
CHALLENGES: Kind[tuple[tuple[bytes, int], ...]] = list_of(
    Kind("challenge", "[label, length]: bytes and a u32", _challenge)
)

U32 = Annotated[int, U32_KIND]
U128 = Annotated[int, U128_KIND]
Bytes = Annotated[bytes, BYTES]
Bytes32 = Annotated[bytes, BYTES32]
Text = Annotated[str, TEXT]
Format = Annotated[FixedFormat, FORMAT]
PerThingType = Annotated[type[PerThing[int]], PER_THING]
RoundingMode = Annotated[Rounding, ROUNDING]
CompactWidth = Annotated[int, COMPACT_WIDTH]
Plain = Annotated[PlainData, PLAIN]
BytesList = Annotated[tuple[bytes, ...], BYTES_LIST]
Labelled = Annotated[tuple[tuple[bytes, bytes], ...], LABELLED]
Challenges = Annotated[tuple[tuple[bytes, int], ...], CHALLENGES]


def _value(fmt: FixedFormat, *bits: int) -> None:
    """Every operand is the bits of a value of ``fmt``, else the step is invalid input [PRIM-3]."""
    if any(x > fmt.max_bits for x in bits):
        raise InvalidInput(f"fixed-point operands are bits of a {fmt.name} value")


def _nonzero(divisor: int) -> None:
    """A zero divisor is a panic in production, not an outcome: invalid input [ARITH-3] [PRIM-3]."""
    if divisor == 0:
        raise InvalidInput("division by zero is not an outcome of any primitive")


# --- integers [PRIM-2] ------------------------------------------------------------------------


def checked_add(a: U128, b: U128) -> int:
    """``a + b`` of two u128, ``Arithmetic.Overflow`` past 2^128 - 1 [PRIM-2] [ARITH-2]."""
    return arith.checked_add(a, b)


def checked_sub(a: U128, b: U128) -> int:
    """``a - b`` of two u128, ``Arithmetic.Underflow`` below 0 [PRIM-2] [ARITH-2]."""
    return arith.checked_sub(a, b)


def checked_mul(a: U128, b: U128) -> int:
    """``a * b`` of two u128, ``Arithmetic.Overflow`` past 2^128 - 1 [PRIM-2] [ARITH-2]."""
    return arith.checked_mul(a, b)


def saturating_add(a: U128, b: U128) -> int:
    """``a + b`` clamped at 2^128 - 1 [PRIM-2] [ARITH-2]."""
    return arith.saturating_add(a, b)


def saturating_sub(a: U128, b: U128) -> int:
    """``a - b`` clamped at 0 [PRIM-2] [ARITH-2]."""
    return arith.saturating_sub(a, b)


def saturating_mul(a: U128, b: U128) -> int:
    """``a * b`` clamped at 2^128 - 1 [PRIM-2] [ARITH-2]."""
    return arith.saturating_mul(a, b)


# --- fixed point [PRIM-3] ---------------------------------------------------------------------


def fixed_from_int(format: Format, n: U128) -> int:
    """The bits of the integer ``n`` [PRIM-3] [FIX-1]; ``Arithmetic.Overflow`` if it does not fit."""
    return fixed.from_int(n, format)


def fixed_to_int(format: Format, x: U128) -> int:
    """The integer part of ``x``, rounded down [PRIM-3] [FIX-1]."""
    _value(format, x)
    return fixed.to_int_floor(x, format)


def fixed_convert(source: Format, target: Format, x: U128) -> int:
    """``x`` re-expressed in ``target``, truncated [PRIM-3] [FIX-1]; ``Arithmetic.Overflow`` if too large."""
    _value(source, x)
    return fixed.convert(x, source, target)


def fixed_add(format: Format, a: U128, b: U128) -> int:
    """``a + b`` [PRIM-3] [FIX-9]; ``Arithmetic.Overflow`` past the format's maximum."""
    _value(format, a, b)
    return fixed.add(a, b, format)


def fixed_sub(format: Format, a: U128, b: U128) -> int:
    """``a - b`` [PRIM-3] [FIX-9]; ``Arithmetic.Underflow`` below zero."""
    _value(format, a, b)
    return fixed.sub(a, b, format)


def fixed_mul(format: Format, a: U128, b: U128) -> int:
    """``a * b`` truncated [PRIM-3] [FIX-3]; ``Arithmetic.Overflow`` past the maximum."""
    _value(format, a, b)
    return fixed.mul(a, b, format)


def fixed_div(format: Format, a: U128, b: U128) -> int:
    """``a / b`` truncated, ``b`` not zero [PRIM-3] [FIX-4]; ``Arithmetic.Overflow`` past the maximum."""
    _value(format, a, b)
    _nonzero(b)
    return fixed.div(a, b, format)


def fixed_mul_int(format: Format, a: U128, n: U128) -> int:
    """``a`` times the integer ``n`` [PRIM-3] [FIX-3]; ``Arithmetic.Overflow`` past the maximum."""
    _value(format, a)
    return fixed.mul_int(a, n, format)


def fixed_div_int(format: Format, a: U128, n: U128) -> int:
    """``a`` divided by the integer ``n`` (not zero), truncated [PRIM-3] [FIX-4]."""
    _value(format, a)
    _nonzero(n)
    return fixed.div_int(a, n, format)


def fixed_saturating_add(format: Format, a: U128, b: U128) -> int:
    """``a + b`` clamped at the format's maximum [PRIM-3] [FIX-9]."""
    _value(format, a, b)
    return fixed.saturating_add(a, b, format)


def fixed_saturating_sub(format: Format, a: U128, b: U128) -> int:
    """``a - b`` clamped at zero [PRIM-3] [FIX-9]."""
    _value(format, a, b)
    return fixed.saturating_sub(a, b, format)


def fixed_saturating_mul(format: Format, a: U128, b: U128) -> int:
    """``a * b`` truncated, clamped at the format's maximum [PRIM-3] [FIX-9]."""
    _value(format, a, b)
    return fixed.saturating_mul(a, b, format)


def fixed_sqrt(format: Format, x: U128) -> int:
    """The square root as ``fixed-sqrt`` computes it [PRIM-3] [FIX-10] [ARITH-4]."""
    _value(format, x)
    return fixed.sqrt(x, format)


def fixed_from_str(format: Format, text: Text) -> int | None:
    """The bits of decimal text as ``FromStr`` reads it [PRIM-3] [FIX-12]; null when refused."""
    try:
        return fixed.from_str(text, format)
    except ValueError:
        return None


def fixed_from_literal(format: Format, text: Text) -> int | None:
    """The bits of a ``fp!`` literal [PRIM-3] [FIX-2]; null for one that would not compile."""
    try:
        return fixed.from_literal(text, format)
    except ValueError:
        return None


def fixed_to_str(format: Format, x: U128) -> str:
    """The decimal text ``Display`` prints [PRIM-3] [FIX-11]."""
    _value(format, x)
    return fixed.to_str(x, format)


# --- balance and fixed point [PRIM-4] ---------------------------------------------------------


def balance_to_fixed(balance: U128) -> int:
    """A balance in planck as U64F64 PHA [PRIM-4] [FIX-5]; ``Arithmetic.Overflow`` past 2^80 - 1."""
    return fixed.to_fixed(balance)


def fixed_to_balance(x: U128) -> int:
    """U64F64 PHA as a balance in planck [PRIM-4] [FIX-6]; ``Arithmetic.Overflow`` past ``FROM_FIXED_MAX``."""
    return fixed.from_fixed(x)


def balance_mul_fixed(balance: U128, factor: U128) -> int:
    """``bmul``: a balance times a U64F64 factor [PRIM-4] [FIX-7]."""
    return fixed.bmul(balance, factor)


def balance_div_fixed(balance: U128, divisor: U128) -> int:
    """``bdiv``: a balance divided by a U64F64 divisor, not zero [PRIM-4] [FIX-8]."""
    _nonzero(divisor)
    return fixed.bdiv(balance, divisor)


# --- per-things [PRIM-5] ----------------------------------------------------------------------


def _per_thing(per_thing: type[PerThing[int]], parts: int) -> PerThing[int]:
    """A per-thing of ``parts`` parts; more parts than its accuracy are invalid input [PERX-1]."""
    if parts > per_thing.ACCURACY:
        raise InvalidInput(f"{per_thing.__name__} has at most {per_thing.ACCURACY} parts")
    return per_thing(parts)


def perthing_from_parts(per_thing: PerThingType, parts: U32) -> int:
    """``from_parts``: the parts, saturating at one [PRIM-5] [PERX-2]."""
    return per_thing.from_parts(parts).parts


def perthing_from_percent(per_thing: PerThingType, percent: U32) -> int:
    """``from_percent``: the parts of ``percent`` percent, saturating at 100 [PRIM-5] [PERX-2]."""
    return per_thing.from_percent(percent).parts


def perthing_from_rational(per_thing: PerThingType, p: U128, q: U128) -> int:
    """``from_rational``: the parts of ``p / q`` rounded down, one when ``q = 0`` or ``p > q`` [PRIM-5] [PERX-3]."""
    return per_thing.from_rational(p, q).parts


def perthing_mul(per_thing: PerThingType, parts: U32, x: U128, rounding: RoundingMode) -> int:
    """``parts / ACCURACY`` of the integer ``x``, rounded as ``rounding`` says [PRIM-5] [PERX-4] [PERX-5].

    ``Down`` is ``mul_floor``, ``Up`` ``mul_ceil``, ``NearestPrefDown`` the plain
    product ``*``; ``NearestPrefUp`` is ``mul_rounding`` with that mode.
    """
    fraction = _per_thing(per_thing, parts)
    if rounding is Rounding.DOWN:
        return fraction.mul_floor(x)
    if rounding is Rounding.UP:
        return fraction.mul_ceil(x)
    if rounding is Rounding.NEAREST_PREF_DOWN:
        return fraction * x
    return fraction.mul_rounding(x, rounding)


# --- hashes [PRIM-6] --------------------------------------------------------------------------


def blake2b_256_of(data: Bytes) -> bytes:
    """BLAKE2b with a 32-byte output [PRIM-6] [CRYPTO-3]."""
    return blake2b_256(data)


def twox_64_of(data: Bytes) -> bytes:
    """XXH64 with seed 0, 8 little-endian bytes [PRIM-6] [CRYPTO-17]."""
    return twox_64(data)


def twox_64_concat_of(data: Bytes) -> bytes:
    """The ``Twox64Concat`` key of ``data`` [PRIM-6] [CRYPTO-17]."""
    return twox_64_concat(data)


# --- encodings [PRIM-7] -----------------------------------------------------------------------


def compact_encode(value: U128) -> bytes:
    """The SCALE compact encoding of a u128 [PRIM-7] [SCALE-2]."""
    return scale.compact(value)


def compact_decode(width: CompactWidth, data: Bytes) -> dict[str, int] | None:
    """The compact integer at the start of ``data``: ``{value, length}``, null when refused [PRIM-7] [SCALE-3]."""
    found = scale.decode_compact(data, 0, width)
    return None if found is None else {"value": found[0], "length": found[1]}


def cbor_encode(value: Plain) -> bytes:
    """The canonical CBOR encoding of plain data [PRIM-7] [CODEC-1]."""
    try:
        return encode(value)
    except ValueError as exc:  # a frame carries plain data only; a caller in-process may not
        raise InvalidInput(str(exc)) from exc


# --- Keccak, Merlin [PRIM-8] ------------------------------------------------------------------


def keccak_f1600(state: Bytes) -> bytes:
    """Keccak-f[1600] of a 200-byte state [PRIM-8] [CRYPTO-7]."""
    if len(state) != keccak.STATE_BYTES:
        raise InvalidInput("a Keccak-f[1600] state is 200 bytes")
    return keccak.keccak_f1600(state)


def _transcript(label: bytes, messages: tuple[tuple[bytes, bytes], ...]) -> merlin.Transcript:
    t = merlin.new_transcript(label)
    for message_label, message in messages:
        t = merlin.append_message(t, message_label, message)
    return t


def merlin_challenge(label: Bytes, messages: Labelled, challenges: Challenges) -> list[bytes]:
    """A transcript ``new(label)``, the messages appended in order, then each challenge drawn [PRIM-8] [CRYPTO-9]."""
    t = _transcript(label, messages)
    out = []
    for challenge_label, length in challenges:
        t, drawn = merlin.challenge_bytes(t, challenge_label, length)
        out.append(drawn)
    return out


def merlin_witness(
    label: Bytes,
    messages: Labelled,
    witness_label: Bytes,
    length: U32,
    secrets: BytesList,
    rng: Bytes32,
) -> bytes:
    """``witness_bytes`` of the transcript of ``label`` and the messages [PRIM-8] [CRYPTO-9]."""
    return merlin.witness_bytes(_transcript(label, messages), witness_label, length, secrets, rng)


# --- ristretto255 [PRIM-9] --------------------------------------------------------------------


def _scalar(scalar: bytes) -> int:
    return int.from_bytes(scalar, "little")


def ristretto255_base_mul(scalar: Bytes32) -> bytes:
    """The encoding of ``scalar·B``, the scalar 32 little-endian bytes [PRIM-9] [CRYPTO-10]."""
    return ristretto255.encode(ristretto255.base_mul(_scalar(scalar)))


def ristretto255_scalar_mul(scalar: Bytes32, point: Bytes) -> bytes | None:
    """The encoding of ``scalar·P``; null when ``point`` does not decode [PRIM-9] [CRYPTO-10]."""
    decoded = ristretto255.decode(point)
    if decoded is None:
        return None
    return ristretto255.encode(ristretto255.scalar_mul(_scalar(scalar), decoded))


def ristretto255_add(a: Bytes, b: Bytes) -> bytes | None:
    """The encoding of ``A + B``; null when either does not decode [PRIM-9] [CRYPTO-10]."""
    p, q = ristretto255.decode(a), ristretto255.decode(b)
    if p is None or q is None:
        return None
    return ristretto255.encode(ristretto255.add(p, q))


# --- sr25519 [PRIM-10] [PRIM-11] --------------------------------------------------------------


def _pair(secret: sr25519.SecretKey) -> dict[str, bytes]:
    return {"secret": secret.to_bytes(), "public": sr25519.public_key(secret)}


def sr25519_pair_from_seed(seed: Bytes) -> dict[str, bytes] | None:
    """``Pair::from_seed_slice``: a 32-byte mini secret expanded, or a 64-byte secret [PRIM-10] [CRYPTO-11].

    ``{secret, public}``; null for another length or a secret whose scalar is not canonical.
    """
    try:
        if len(seed) == sr25519.MINI_SECRET_BYTES:
            return _pair(sr25519.expand_ed25519(seed))
        return _pair(sr25519.secret_from_bytes(seed))
    except ValueError:
        return None


def sr25519_sign(secret: Bytes, message: Bytes) -> bytes | None:
    """The reference's signature of ``message`` under a 64-byte secret [PRIM-10] [CRYPTO-13]; null
    for a secret that is not one."""
    try:
        key = sr25519.secret_from_bytes(secret)
    except ValueError:
        return None
    return sr25519.sign(key, sr25519.public_key(key), message)


def sr25519_verify(public: Bytes, message: Bytes, signature: Bytes) -> bool:
    """Whether ``signature`` is valid for ``message`` under ``public`` [PRIM-10] [CRYPTO-12]."""
    return sr25519.verify(public, message, signature)


def sr25519_junction(text: Text) -> dict[str, Any]:
    """The junction ``text``: ``{hard, chain_code}`` [PRIM-11] [CRYPTO-15]."""
    hard, chain_code = sr25519.junction(text)
    return {"hard": hard, "chain_code": chain_code}


def sr25519_hard_derive(secret: Bytes, chain_code: Bytes32) -> bytes | None:
    """The mini secret of a hard junction from a 64-byte secret [PRIM-11] [CRYPTO-14]; null for an invalid secret."""
    try:
        return sr25519.hard_derive(sr25519.secret_from_bytes(secret), chain_code)
    except ValueError:
        return None


def sr25519_soft_derive(secret: Bytes, chain_code: Bytes32) -> dict[str, bytes] | None:
    """The key pair of a soft junction, its nonce from the fixed witness input [PRIM-11] [CRYPTO-14]."""
    try:
        return _pair(sr25519.soft_derive(sr25519.secret_from_bytes(secret), chain_code))
    except ValueError:
        return None


def sr25519_soft_derive_public(public: Bytes, chain_code: Bytes32) -> bytes | None:
    """The public key of a soft junction [PRIM-11] [CRYPTO-14]; null for a key that does not decode."""
    try:
        return sr25519.soft_derive_public(public, chain_code)
    except ValueError:
        return None


def sr25519_mini_secret_from_entropy(entropy: Bytes, password: Text) -> bytes | None:
    """substrate-bip39's mini secret of BIP-39 entropy [PRIM-11] [CRYPTO-16]; null for bad entropy."""
    try:
        return sr25519.mini_secret_from_entropy(entropy, password)
    except ValueError:
        return None


def sr25519_from_suri(suri: Text) -> dict[str, Any] | None:
    """The key of a secret URI: ``{secret, public, seed}``, ``seed`` null past a soft junction [PRIM-11]
    [CRYPTO-16]; null for text that is not one."""
    try:
        secret, mini = sr25519.secret_from_suri(suri)
    except ValueError:
        return None
    return {**_pair(secret), "seed": mini}


def sr25519_dev_key(name: Text) -> dict[str, Any] | None:
    """The dev key of a name: ``{suri, public, seed}`` [PRIM-11] [CRYPTO-2]; null for a name with an empty part."""
    try:
        return {
            "suri": crypto.dev_suri(name),
            "public": crypto.dev_keypair(name).public,
            "seed": crypto.dev_seed(name),
        }
    except ValueError:
        return None


# --- agreement, derivation, encryption [PRIM-12] ----------------------------------------------


def ecdh_agree(secret: Bytes, public: Bytes) -> bytes | None:
    """``agree``: the encoding of the secret's scalar times the peer's point [PRIM-12] [CRYPTO-4];
    null when the secret or the peer's key is invalid."""
    try:
        return crypto.agree(crypto.keypair_from_secret(secret), public)
    except ValueError:
        return None


def kdf_derive(secret: Bytes, parts: BytesList) -> bytes | None:
    """phala-crypto's KDF: the child's 32-byte mini secret [PRIM-12] [CRYPTO-5]; null for an invalid secret."""
    try:
        return crypto.derive_seed(crypto.keypair_from_secret(secret), parts)
    except ValueError:
        return None


def aead_seal(key: Bytes, iv: Bytes, plaintext: Bytes) -> bytes | None:
    """AES-256-GCM: ciphertext then tag [PRIM-12] [CRYPTO-6]; null unless the key is 32 bytes and the IV 12."""
    try:
        return crypto.aead_encrypt(key, iv, plaintext)
    except ValueError:
        return None


def aead_open(key: Bytes, iv: Bytes, ciphertext: Bytes) -> bytes | None:
    """The plaintext of an authentic AES-256-GCM ciphertext [PRIM-12] [CRYPTO-6]; null otherwise."""
    try:
        return crypto.aead_decrypt(key, iv, ciphertext)
    except ValueError:
        return None


def secret_seal(
    secret: Bytes, parts: BytesList, peer: Bytes, payload: Bytes, iv: Bytes
) -> dict[str, bytes] | None:
    """``encrypt_secret_to``: ``{ecdh_pubkey, encrypted_key}`` [PRIM-12] [CRYPTO-6]; null when a key
    or the IV is invalid."""
    try:
        key = crypto.keypair_from_secret(secret)
        ecdh_pubkey, encrypted = crypto.encrypt_secret_to(key, parts, peer, payload, iv)
    except ValueError:
        return None
    return {"ecdh_pubkey": ecdh_pubkey, "encrypted_key": encrypted}


def secret_open(secret: Bytes, ecdh_pubkey: Bytes, encrypted_key: Bytes, iv: Bytes) -> bytes | None:
    """``decrypt_secret_from``: the 64-byte secret, null if anything is invalid or not authentic [PRIM-12]
    [CRYPTO-6]."""
    try:
        return crypto.decrypt_secret_from(
            crypto.keypair_from_secret(secret), ecdh_pubkey, encrypted_key, iv
        )
    except ValueError:
        return None


# --- the table --------------------------------------------------------------------------------


@attrs.frozen
class Primitive:
    """One entry: the name a step gives, the parameters' names and kinds, the function."""

    name: str
    params: Params
    run: Callable[..., PlainData]


def params_of(fn: Callable[..., Any]) -> Params:
    """A primitive's parameters read from its function's signature, each with its kind [PRIM-1]."""
    hints = typing.get_type_hints(fn, include_extras=True)
    params = []
    for name in inspect.signature(fn).parameters:
        kind = kind_of(hints.get(name))
        if kind is None:
            raise TypeError(f"{fn.__qualname__}: {name!r} has no argument kind")
        params.append((name, kind))
    return tuple(params)


def _table(*entries: tuple[str, Callable[..., PlainData]]) -> dict[str, Primitive]:
    return {name: Primitive(name, params_of(fn), fn) for name, fn in entries}


PRIMITIVES: dict[str, Primitive] = _table(
    ("checked_add", checked_add),
    ("checked_sub", checked_sub),
    ("checked_mul", checked_mul),
    ("saturating_add", saturating_add),
    ("saturating_sub", saturating_sub),
    ("saturating_mul", saturating_mul),
    ("fixed_from_int", fixed_from_int),
    ("fixed_to_int", fixed_to_int),
    ("fixed_convert", fixed_convert),
    ("fixed_add", fixed_add),
    ("fixed_sub", fixed_sub),
    ("fixed_mul", fixed_mul),
    ("fixed_div", fixed_div),
    ("fixed_mul_int", fixed_mul_int),
    ("fixed_div_int", fixed_div_int),
    ("fixed_saturating_add", fixed_saturating_add),
    ("fixed_saturating_sub", fixed_saturating_sub),
    ("fixed_saturating_mul", fixed_saturating_mul),
    ("fixed_sqrt", fixed_sqrt),
    ("fixed_from_str", fixed_from_str),
    ("fixed_from_literal", fixed_from_literal),
    ("fixed_to_str", fixed_to_str),
    ("balance_to_fixed", balance_to_fixed),
    ("fixed_to_balance", fixed_to_balance),
    ("balance_mul_fixed", balance_mul_fixed),
    ("balance_div_fixed", balance_div_fixed),
    ("perthing_from_parts", perthing_from_parts),
    ("perthing_from_percent", perthing_from_percent),
    ("perthing_from_rational", perthing_from_rational),
    ("perthing_mul", perthing_mul),
    ("blake2b_256", blake2b_256_of),
    ("twox_64", twox_64_of),
    ("twox_64_concat", twox_64_concat_of),
    ("compact_encode", compact_encode),
    ("compact_decode", compact_decode),
    ("cbor_encode", cbor_encode),
    ("keccak_f1600", keccak_f1600),
    ("merlin_challenge", merlin_challenge),
    ("merlin_witness", merlin_witness),
    ("ristretto255_base_mul", ristretto255_base_mul),
    ("ristretto255_scalar_mul", ristretto255_scalar_mul),
    ("ristretto255_add", ristretto255_add),
    ("sr25519_pair_from_seed", sr25519_pair_from_seed),
    ("sr25519_sign", sr25519_sign),
    ("sr25519_verify", sr25519_verify),
    ("sr25519_junction", sr25519_junction),
    ("sr25519_hard_derive", sr25519_hard_derive),
    ("sr25519_soft_derive", sr25519_soft_derive),
    ("sr25519_soft_derive_public", sr25519_soft_derive_public),
    ("sr25519_mini_secret_from_entropy", sr25519_mini_secret_from_entropy),
    ("sr25519_from_suri", sr25519_from_suri),
    ("sr25519_dev_key", sr25519_dev_key),
    ("ecdh_agree", ecdh_agree),
    ("kdf_derive", kdf_derive),
    ("aead_seal", aead_seal),
    ("aead_open", aead_open),
    ("secret_seal", secret_seal),
    ("secret_open", secret_open),
)


def apply_primitive(name: Any, args: Any) -> tuple[str, PlainData]:
    """The outcome and returned value of the primitive ``name`` on ``args`` [PRIM-1].

    Raises :class:`InvalidInput` for an unknown name or arguments outside the
    primitive's domain.
    """
    if not isinstance(name, str) or name not in PRIMITIVES:
        raise InvalidInput(f"no primitive {name!r}")
    primitive = PRIMITIVES[name]
    decoded = {
        param: kind.decode(value, f"argument {param!r}")
        for param, kind, value in _arguments(primitive, args)
    }
    try:
        return "ok", primitive.run(**decoded)
    except DispatchError as exc:
        return exc.code, None


def _arguments(primitive: Primitive, args: Any) -> list[tuple[str, Kind[Any], Any]]:
    names = tuple(name for name, _ in primitive.params)
    given = fields_of(args, names)
    return [(name, kind, given[name]) for name, kind in primitive.params]
