"""Argument kinds and the call table's parameters read from signatures [CHAIN-7]."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from phala_spec.chain.democracy_state import CONVICTION, VOTE
from phala_spec.chain.dispatch import HELD_CALL
from phala_spec.chain.messages import SIGNED_MESSAGE
from phala_spec.chain.phat_state import CODE_INDEX, PERMISSION, RESOURCE_TYPE
from phala_spec.chain.state import TOKENOMIC, TOKENOMIC_FIELDS, ChainState
from phala_spec.pallets.balances.lockable import LOCK_REASONS
from phala_spec.pallets.balances.reservable import BALANCE_STATUS
from phala_spec.pallets.governance.elections import RENOUNCING
from phala_spec.pallets.phat import (
    OPTION_BALANCE,
    RUNTIME_VERSION,
    SYSTEM_CODE,
    SYSTEM_CODE_LIMIT,
    WORKERS,
)
from phala_spec.pallets.registry.endpoints import ENDPOINT_PAYLOAD
from phala_spec.pallets.registry.workers import PRUNTIME_INFO, PRUNTIME_INFO_V1
from phala_spec.primitives.arith import U32_MAX, U64_MAX, U128_MAX
from phala_spec.primitives.errors import InvalidInput
from phala_spec.primitives.types import (
    ACCOUNT_ID,
    ACCOUNT_IDS,
    BALANCE,
    BLOCK_NUMBER,
    BOOL,
    BYTES,
    BYTES32,
    FIXED_BITS,
    LOCK_ID,
    OPTION_ACCOUNT_ID,
    OPTION_PERMILL,
    OPTION_POOL_ID,
    OPTION_U32,
    PERMILL,
    POOL_ID,
    SIGNATURE,
    U32_KIND,
    U64_KIND,
    Balance,
    Kind,
    is_unsigned,
)
from phala_spec.runtime.calls import CALLS, decode_args, params_of
from phala_spec.tee.evidence import ATTESTATION, IAS_ATTESTATION

SPEC = Path(__file__).resolve().parents[1] / "spec" / "chain.md"
KEY = b"\x01" * 32
IAS = {"kind": "SgxIas", "ra_report": b"r", "signature": b"s", "raw_signing_cert": b"c"}
INFO_V1 = {
    "version": 1,
    "machine_id": b"m",
    "pubkey": KEY,
    "ecdh_pubkey": KEY,
    "genesis_block_hash": KEY,
    "features": [1, 4],
    "operator": None,
}
MESSAGE = {"sender": {"kind": "Pallet", "id": b"p"}, "destination": b"d", "payload": b""}

# Every kind of the call table: a value it accepts, and values of the right
# shape it must refuse (beyond the values no kind accepts, below).
KINDS: dict[Kind[Any], tuple[Any, list[Any]]] = {
    U32_KIND: (U32_MAX, [-1, U32_MAX + 1, True, False, 1.0, "1"]),
    BLOCK_NUMBER: (U32_MAX, [-1, U32_MAX + 1, True]),
    U64_KIND: (U64_MAX, [-1, U64_MAX + 1, 2**64, True]),
    POOL_ID: (U64_MAX, [-1, 2**64, False]),
    BALANCE: (U128_MAX, [-1, U128_MAX + 1, True, "10"]),
    FIXED_BITS: (U128_MAX, [-1, 2**128, True]),
    PERMILL: (1_000_000, [-1, 1_000_001, True]),
    CONVICTION: (6, [-1, 7, True]),
    BOOL: (False, [0, 1, None, b"\x01"]),
    BYTES: (b"", [None, [1]]),
    BYTES32: (KEY, [b"\x01" * 31, b"\x01" * 33, None]),
    ACCOUNT_ID: (KEY, [b"\x01" * 31, b"", "alice", None]),
    LOCK_ID: (b"staking ", [b"staking", b"staking  ", "staking "]),
    LOCK_REASONS: ("All", ["all", 3, None, b"All"]),
    BALANCE_STATUS: ("Free", ["free", 0, None]),
    SIGNATURE: (True, [None, "sig", 1]),
    OPTION_ACCOUNT_ID: (None, [b"\x01" * 31, False]),
    OPTION_POOL_ID: (None, [2**64, -1, True]),
    OPTION_PERMILL: (None, [1_000_001, True]),
    OPTION_U32: (None, [2**32, -1, False]),
    ACCOUNT_IDS: ([KEY, KEY], [KEY, [KEY, b"short"], [None], "ab"]),
    SIGNED_MESSAGE: (
        {"message": MESSAGE, "sequence": 0, "signature": b"s"},
        [
            {"message": MESSAGE, "sequence": 2**64, "signature": b"s"},
            {"message": MESSAGE, "sequence": True, "signature": b"s"},
            {"message": MESSAGE, "sequence": 0, "signature": None},
        ],
    ),
    PRUNTIME_INFO: (
        {**INFO_V1, "para_id": 2035, "max_consensus_version": 0},
        [
            INFO_V1,
            {**INFO_V1, "para_id": 2**32, "max_consensus_version": 0},
            {**INFO_V1, "para_id": 1, "max_consensus_version": 0, "features": [True]},
            {**INFO_V1, "para_id": 1, "max_consensus_version": 0, "operator": b"short"},
        ],
    ),
    PRUNTIME_INFO_V1: (
        INFO_V1,
        [{**INFO_V1, "para_id": 0}, {**INFO_V1, "version": -1}, {**INFO_V1, "pubkey": b"k"}],
    ),
    ATTESTATION: (
        None,
        [
            {"kind": "SgxDcap", "quote": b"q", "collateral": 5},
            {"kind": "SgxDcap", "quote": b"q", "collateral": b"not scale"},
            {"kind": "Simulated", "report": "r", "signature": b"s"},
            {**IAS, "extra": 1},
        ],
    ),
    IAS_ATTESTATION: (IAS, [None, {"kind": "Simulated", "report": b"r", "signature": b"s"}]),
    ENDPOINT_PAYLOAD: (
        {"pubkey": KEY, "endpoints": ["https://w"], "signing_time": 0},
        [
            {"pubkey": KEY, "endpoints": [b"https://w"], "signing_time": 0},
            {"pubkey": KEY, "endpoints": [], "signing_time": 2**64},
        ],
    ),
    TOKENOMIC: (
        dict.fromkeys(TOKENOMIC_FIELDS, 1),
        [
            {**dict.fromkeys(TOKENOMIC_FIELDS, 1), "heartbeat_window": 2**32},
            {**dict.fromkeys(TOKENOMIC_FIELDS, 1), "rho": 2**128},
            {**dict.fromkeys(TOKENOMIC_FIELDS, 1), "rho": True},
            dict.fromkeys(TOKENOMIC_FIELDS[1:], 1),
        ],
    ),
    VOTE: (
        {"kind": "Standard", "aye": True, "conviction": 6, "balance": 1},
        [
            {"kind": "Standard", "aye": True, "conviction": 7, "balance": 1},
            {"kind": "Standard", "aye": 1, "conviction": 0, "balance": 1},
            {"kind": "Split", "aye": -1, "nay": 0},
            {"kind": "Split", "aye": 0},
        ],
    ),
    RENOUNCING: ("Member", ["member", {"Candidate": -1}, {"Candidate": True}, {"Runner": 1}]),
    HELD_CALL: (
        {"call": "Balances.transfer", "args": {"dest": KEY, "value": 1}},
        [
            {"call": "Balances.nothing", "args": {}},
            {"call": "Balances.transfer", "args": {"dest": KEY, "value": 2**128}},
            {"call": ["Balances.transfer"], "args": {}},
        ],
    ),
    PERMISSION: (
        {"kind": "OnlyOwner", "account": KEY},
        [
            {"kind": "OnlyOwner"},
            {"kind": "OnlyOwner", "account": b"short"},
            {"kind": "Public", "account": KEY},
            {"kind": "Private"},
            "Public",
        ],
    ),
    CODE_INDEX: (
        {"kind": "WasmCode", "code_hash": KEY},
        [{"kind": "WasmCode", "code_hash": b"short"}, {"kind": "SidevmCode", "code_hash": KEY}],
    ),
    RESOURCE_TYPE: ("IndeterministicInkCode", ["inkCode", 0, None, b"InkCode"]),
    SYSTEM_CODE: (b"\x00" * SYSTEM_CODE_LIMIT, [b"\x00" * (SYSTEM_CODE_LIMIT + 1), None, "code"]),
    RUNTIME_VERSION: ([U32_MAX, 0], [[U32_MAX + 1, 0], [1], [1, 2, 3], [True, 0], None]),
    WORKERS: ([KEY, KEY], [KEY, [KEY, b"short"], [None], "ab"]),
    OPTION_BALANCE: (None, [U128_MAX + 1, -1, True]),
}
# Values that are no kind's: wrong Python types and maps of unknown shape.
NO_KIND = [object(), 1.5, "not a value", {"unknown": 1}, {1: b"", "kind": "Split"}]


def table_kinds() -> list[Kind[Any]]:
    seen: list[Kind[Any]] = []
    for call in CALLS.values():
        seen += [kind for _, kind in call.params if kind not in seen]
    return seen


def test_every_kind_of_the_table_is_tested() -> None:
    assert set(table_kinds()) <= set(KINDS)


@pytest.mark.parametrize("kind", list(KINDS), ids=lambda kind: kind.name)
def test_each_kind_accepts_its_sample_and_refuses_the_rest(kind: Kind[Any]) -> None:
    """[CHAIN-6] [CHAIN-7] every kind has exactly its domain; anything else is invalid input."""
    good, bad = KINDS[kind]
    kind.decode(good, "the value")
    for value in [*bad, *NO_KIND]:
        with pytest.raises(InvalidInput, match=re.escape(f"'arg' must be {kind.expected}")):
            kind.decode(value, "'arg'")


def test_integer_kinds_accept_their_bounds() -> None:
    for kind, top in ((U32_KIND, U32_MAX), (U64_KIND, U64_MAX), (BALANCE, U128_MAX)):
        assert kind.decode(0, "x") == 0 and kind.decode(top, "x") == top


def test_is_unsigned_is_the_one_range_check() -> None:
    assert is_unsigned(0, U32_MAX) and is_unsigned(U32_MAX, U32_MAX)
    for value in (-1, U32_MAX + 1, True, False, 1.0, "1", None):
        assert not is_unsigned(value, U32_MAX)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_argument_of_each_call_is_checked(name: str) -> None:
    """A bad value in any one argument is invalid input that names the argument, never a TypeError."""
    call = CALLS[name]
    good = {param: KINDS[kind][0] for param, kind in call.params}
    decode_args(call, good)
    for param, kind in call.params:
        for value in [*KINDS[kind][1], *NO_KIND]:
            with pytest.raises(InvalidInput, match=re.escape(f"argument {param!r} must be")):
                decode_args(call, {**good, param: value})


def test_argument_names_are_checked_before_their_values() -> None:
    """Missing, extra or non-text names are invalid input naming the call's arguments [CHAIN-7];
    any mapping of the right names is decoded as a dict of them."""
    from types import MappingProxyType

    call = CALLS["Balances.transfer_keep_alive"]
    good = {"dest": b"\x01" * 32, "value": 5}
    assert decode_args(call, MappingProxyType(good)) == good
    for names in ({"dest": good["dest"]}, {**good, "memo": 1}, {}):
        with pytest.raises(InvalidInput, match=re.escape("takes arguments ['dest', 'value']")):
            decode_args(call, names)
    for names in ({**good, 1: 0}, {1: 0, 2: 0}):
        with pytest.raises(InvalidInput, match="argument names are text"):
            decode_args(call, names)
    with pytest.raises(InvalidInput, match="map from parameter name"):
        decode_args(call, [("dest", good["dest"]), ("value", 5)])


def test_params_are_read_from_the_signatures() -> None:
    def params(name: str) -> list[tuple[str, str]]:
        return [(param, kind.name) for param, kind in CALLS[name].params]

    assert params("Balances.transfer_keep_alive") == [("dest", "account_id"), ("value", "balance")]
    assert CALLS["Balances.transfer_keep_alive"].params == (
        ("dest", ACCOUNT_ID),
        ("value", BALANCE),
    )
    assert params("PhalaStakePoolv2.contribute") == [
        ("pid", "pool_id"),
        ("amount", "balance"),
        ("as_vault", "option<pool_id>"),
    ]
    assert params("PhalaComputation.bind") == [("session", "account_id"), ("worker", "bytes32")]
    assert params("PhalaComputation.set_budget_per_block") == [
        ("nonce", "u64"),
        ("block_number", "block_number"),
        ("budget", "fixed_bits"),
    ]
    assert CALLS["Democracy.vote"].params == (("ref_index", U32_KIND), ("vote", VOTE))
    assert CALLS["Council.propose"].params == (
        ("threshold", U32_KIND),
        ("proposal", HELD_CALL),
        ("length_bound", U32_KIND),
    )
    assert CALLS["PhalaRegistry.register_worker"].params == (
        ("pruntime_info", PRUNTIME_INFO_V1),
        ("attestation", IAS_ATTESTATION),
    )
    assert CALLS["PhalaRegistry.rotate_master_key"].params == ()


def test_every_kind_is_specified() -> None:
    """Each kind a call takes is described in [CHAIN-7], so the spec alone gives its domain."""
    text = SPEC.read_text()
    clause = text[text.index("**[CHAIN-7]") : text.index("**[CHAIN-8]")]
    for kind in table_kinds():
        assert f"`{kind.name}`" in clause, kind.name


def test_a_parameter_without_a_kind_is_refused() -> None:
    def plain(state: ChainState, amount: int) -> None: ...

    def unannotated(state: ChainState, amount) -> None:  # type: ignore[no-untyped-def]
        ...

    def annotated(state: ChainState, ctx: Any, origin: Any, amount: Balance) -> None: ...

    for fn in (plain, unannotated):
        with pytest.raises(TypeError, match="'amount' has no argument kind"):
            params_of(fn)
    assert params_of(annotated) == (("amount", BALANCE),)
