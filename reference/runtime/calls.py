"""The call table: every dispatchable call and pallet operation by name [CHAIN-7].

A call is addressed as ``Pallet.name`` and takes named arguments of a few
plain types. *Extrinsics* are the pallet's dispatchable calls and check their
origin themselves. *Operations* are the trait functions other pallets call
(``Currency``, ``ReservableCurrency``, ``LockableCurrency``); they are not
extrinsics in production, so only a pallet origin may invoke them here, which
lets vectors test them one by one (like consensus-specs' ``process_*``
vectors).

Argument decoding is strict: an argument that is missing, of the wrong type or
out of its type's range cannot be a SCALE-encoded call at all, so it is an
:class:`~phala_spec.primitives.errors.InvalidInput`, not a dispatch error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..chain import democracy_state
from ..chain.dispatch import CallData as CallData
from ..chain.messages import signed_message_from_data
from ..chain.state import ChainState, Events, Origin, PalletOrigin, TokenomicParams
from ..pallets import balances, computation, mq, registry
from ..pallets.governance import collective, democracy, elections, membership, treasury
from ..pallets.staking import assets, base_pool, stake_pool_v2, vault, wrapped_balances
from ..primitives.arith import U128_MAX
from ..primitives.codec import encode
from ..primitives.errors import BadOrigin, DispatchError, InvalidInput
from ..tee.attestation import Attestation, DcapAttestation, IasAttestation, SimulatedAttestation

PlainArgs = Mapping[str, Any]
Returned = Any


@attrs.frozen
class Call:
    """One entry of the call table."""

    name: str
    kind: str  # "extrinsic" or "operation"
    params: tuple[tuple[str, str], ...]
    run: Callable[..., tuple[ChainState, Events, Returned]]
    clause: str


def _decode_arg(name: str, kind: str, value: Any) -> Any:
    if kind == "pid":
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64:
            return value
        raise InvalidInput(f"argument {name!r} must be a pool id: an integer in 0..2^64-1")
    if kind == "account":
        if isinstance(value, bytes) and len(value) == 32:
            return value
        raise InvalidInput(f"argument {name!r} must be a 32-byte account id")
    if kind == "balance":
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= U128_MAX:
            return value
        raise InvalidInput(f"argument {name!r} must be a balance: an integer in 0..2^128-1")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise InvalidInput(f"argument {name!r} must be a boolean")
    if kind == "lock_id":
        if isinstance(value, bytes) and len(value) == 8:
            return value
        raise InvalidInput(f"argument {name!r} must be an 8-byte lock id")
    if kind == "reasons":
        if value in balances.REASONS:
            return value
        raise InvalidInput(f"argument {name!r} must be one of {balances.REASONS}")
    if kind == "status":
        if value in balances.STATUSES:
            return value
        raise InvalidInput(f"argument {name!r} must be one of {balances.STATUSES}")
    if kind == "bytes":
        if isinstance(value, bytes):
            return value
        raise InvalidInput(f"argument {name!r} must be bytes")
    if kind == "signed_message":
        return signed_message_from_data(value)
    if kind == "bytes32":
        if isinstance(value, bytes) and len(value) == 32:
            return value
        raise InvalidInput(f"argument {name!r} must be 32 bytes")
    if kind == "u32":
        if _is_u32(value):
            return value
        raise InvalidInput(f"argument {name!r} must be an integer in 0..2^32-1")
    if kind == "option_account":
        if value is None or (isinstance(value, bytes) and len(value) == 32):
            return value
        raise InvalidInput(f"argument {name!r} must be a 32-byte account id or null")
    if kind == "option_permill":
        if value is None or (_is_u32(value) and value <= 1_000_000):
            return value
        raise InvalidInput(f"argument {name!r} must be Permill parts (0..1000000) or null")
    if kind == "option_pid":
        if value is None or (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64
        ):
            return value
        raise InvalidInput(f"argument {name!r} must be a pool id or null")
    if kind == "pruntime_info":
        return _pruntime_info(value)
    if kind == "attestation":
        return _attestation(value)
    if kind == "call":
        return decode_call(value)
    if kind == "u64":
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64:
            return value
        raise InvalidInput(f"argument {name!r} must be an integer in 0..2^64-1")
    if kind == "fixed_bits":
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= U128_MAX:
            return value
        raise InvalidInput(f"argument {name!r} must be U64F64 bits: an integer in 0..2^128-1")
    if kind == "tokenomic":
        return _tokenomic(value)
    if kind == "pruntime_info_v1":
        return _pruntime_info_v1(value)
    if kind == "ias_attestation":
        attestation = _attestation(value)
        if not isinstance(attestation, IasAttestation):
            raise InvalidInput(
                f"argument {name!r} is {{kind: SgxIas, ra_report, signature, raw_signing_cert}}"
            )
        return attestation
    if kind == "endpoint_payload":
        return _endpoint_payload(value)
    if kind == "signature":
        if isinstance(value, bytes | bool):
            return value
        raise InvalidInput(
            f"argument {name!r} is a signature: bytes, or a boolean in the oracle setting"
        )
    if kind == "accounts":
        if isinstance(value, list | tuple) and all(
            isinstance(v, bytes) and len(v) == 32 for v in value
        ):
            return tuple(value)
        raise InvalidInput(f"argument {name!r} must be a list of 32-byte account ids")
    if kind == "renouncing":
        return _renouncing(value)
    if kind == "vote":
        return _account_vote(value)
    if kind == "conviction":
        if _is_u32(value) and value <= 6:
            return value
        raise InvalidInput(f"argument {name!r} must be a conviction: an integer in 0..6")
    if kind == "option_u32":
        if value is None or _is_u32(value):
            return value
        raise InvalidInput(f"argument {name!r} must be a u32 or null")
    raise AssertionError(f"unknown parameter type {kind}")


def _is_u32(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 2**32 - 1


def _is_balance(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= U128_MAX


def _account_vote(value: Any) -> democracy_state.AccountVote:
    """``AccountVote`` [DEM-8]: ``{kind: "Standard", aye, conviction, balance}`` or ``{kind: "Split", aye, nay}``."""
    if (
        isinstance(value, Mapping)
        and value.get("kind") == "Standard"
        and sorted(value) == ["aye", "balance", "conviction", "kind"]
        and isinstance(value["aye"], bool)
        and _is_u32(value["conviction"])
        and value["conviction"] <= 6
        and _is_balance(value["balance"])
    ):
        return democracy_state.Standard(value["aye"], value["conviction"], value["balance"])
    if (
        isinstance(value, Mapping)
        and value.get("kind") == "Split"
        and sorted(value) == ["aye", "kind", "nay"]
        and _is_balance(value["aye"])
        and _is_balance(value["nay"])
    ):
        return democracy_state.Split(value["aye"], value["nay"])
    raise InvalidInput(
        "a vote is {kind: Standard, aye: bool, conviction: 0..6, balance} "
        "or {kind: Split, aye: balance, nay: balance}"
    )


def _renouncing(value: Any) -> tuple[str, int]:
    """``Renouncing`` [ELE-11]: ``"Member"``, ``"RunnerUp"`` or ``{"Candidate": u32}``."""
    if value in ("Member", "RunnerUp"):
        return value, 0
    if isinstance(value, Mapping) and set(value) == {"Candidate"} and _is_u32(value["Candidate"]):
        return "Candidate", value["Candidate"]
    raise InvalidInput('renouncing is "Member", "RunnerUp" or {"Candidate": u32}')


_PRUNTIME_INFO_FIELDS = (
    "version",
    "machine_id",
    "pubkey",
    "ecdh_pubkey",
    "genesis_block_hash",
    "features",
    "operator",
    "para_id",
    "max_consensus_version",
)


def _pruntime_info(value: Any) -> registry.WorkerRegistrationInfoV2:
    """``WorkerRegistrationInfoV2`` from plain data [REG-8]."""
    if not isinstance(value, Mapping) or sorted(value) != sorted(_PRUNTIME_INFO_FIELDS):
        raise InvalidInput(f"pruntime_info is a map with fields {list(_PRUNTIME_INFO_FIELDS)}")
    for field in ("version", "para_id", "max_consensus_version"):
        if not _is_u32(value[field]):
            raise InvalidInput(f"pruntime_info.{field} is a u32")
    if not isinstance(value["machine_id"], bytes):
        raise InvalidInput("pruntime_info.machine_id is bytes")
    for field in ("pubkey", "ecdh_pubkey", "genesis_block_hash"):
        if not (isinstance(value[field], bytes) and len(value[field]) == 32):
            raise InvalidInput(f"pruntime_info.{field} is 32 bytes")
    features = value["features"]
    if not isinstance(features, list | tuple) or not all(_is_u32(f) for f in features):
        raise InvalidInput("pruntime_info.features is a list of u32")
    operator = value["operator"]
    if operator is not None and not (isinstance(operator, bytes) and len(operator) == 32):
        raise InvalidInput("pruntime_info.operator is a 32-byte account id or null")
    return registry.WorkerRegistrationInfoV2(
        version=value["version"],
        machine_id=value["machine_id"],
        pubkey=value["pubkey"],
        ecdh_pubkey=value["ecdh_pubkey"],
        genesis_block_hash=value["genesis_block_hash"],
        features=tuple(features),
        operator=operator,
        para_id=value["para_id"],
        max_consensus_version=value["max_consensus_version"],
    )


def _pruntime_info_v1(value: Any) -> registry.WorkerRegistrationInfo:
    """The legacy ``WorkerRegistrationInfo`` from plain data [REG-23]: v2 without two fields."""
    fields = _PRUNTIME_INFO_FIELDS[:-2]
    extended = (
        {**value, "para_id": 0, "max_consensus_version": 0} if isinstance(value, Mapping) else value
    )
    if not isinstance(value, Mapping) or sorted(value) != sorted(
        f for f in _PRUNTIME_INFO_FIELDS if f in fields
    ):
        raise InvalidInput(
            f"pruntime_info is a map with fields {[f for f in _PRUNTIME_INFO_FIELDS if f in fields]}"
        )
    v2 = _pruntime_info(extended)
    return registry.WorkerRegistrationInfo(
        version=v2.version,
        machine_id=v2.machine_id,
        pubkey=v2.pubkey,
        ecdh_pubkey=v2.ecdh_pubkey,
        genesis_block_hash=v2.genesis_block_hash,
        features=v2.features,
        operator=v2.operator,
    )


def _endpoint_payload(value: Any) -> registry.WorkerEndpointPayload:
    """``WorkerEndpointPayload`` from plain data ``{pubkey, endpoints: [text], signing_time}`` [REG-22]."""
    if not (
        isinstance(value, Mapping)
        and set(value) == {"pubkey", "endpoints", "signing_time"}
        and isinstance(value["pubkey"], bytes)
        and len(value["pubkey"]) == 32
        and isinstance(value["endpoints"], list | tuple)
        and all(isinstance(e, str) for e in value["endpoints"])
        and isinstance(value["signing_time"], int)
        and not isinstance(value["signing_time"], bool)
        and 0 <= value["signing_time"] < 2**64
    ):
        raise InvalidInput(
            "endpoint_payload is {pubkey: 32 bytes, endpoints: [text], signing_time: u64}"
        )
    return registry.WorkerEndpointPayload(
        value["pubkey"], tuple(value["endpoints"]), value["signing_time"]
    )


def _tokenomic(value: Any) -> TokenomicParams:
    """``TokenomicParams`` from plain data: every field, U64F64 bits (``heartbeat_window`` a u32) [CMP-20]."""
    names = [f.name for f in attrs.fields(TokenomicParams)]
    if (
        not isinstance(value, Mapping)
        or sorted(value) != sorted(names)
        or not all(
            isinstance(v, int)
            and not isinstance(v, bool)
            and 0 <= v <= (2**32 - 1 if k == "heartbeat_window" else U128_MAX)
            for k, v in value.items()
        )
    ):
        raise InvalidInput(f"tokenomic parameters are a map with every field of {names}")
    return TokenomicParams(**value)


def _attestation(value: Any) -> Attestation:
    """``Option<AttestationReport>`` from plain data [REG-9]: null, ``{kind: "SgxIas", ...}``,
    ``{kind: "SgxDcap", ...}`` or the reference-only ``{kind: "Simulated", report, signature}`` [ATT-40]."""
    if value is None:
        return None
    ias_fields = ("ra_report", "signature", "raw_signing_cert")
    if (
        isinstance(value, Mapping)
        and value.get("kind") == "SgxIas"
        and sorted(value) == sorted(("kind", *ias_fields))
        and all(isinstance(value[f], bytes) for f in ias_fields)
    ):
        return IasAttestation(value["ra_report"], value["signature"], value["raw_signing_cert"])
    if (
        isinstance(value, Mapping)
        and value.get("kind") == "SgxDcap"
        and sorted(value) == ["collateral", "kind", "quote"]
        and isinstance(value["quote"], bytes)
    ):
        collateral = value["collateral"]
        if collateral is None:
            return DcapAttestation(value["quote"], None)
        if isinstance(collateral, bytes):
            from ..tee.dcap import decode_collateral  # the X.509 stack, loaded on demand

            try:
                return DcapAttestation(value["quote"], decode_collateral(collateral))
            except DispatchError as exc:  # not the SCALE encoding of a collateral: not a call
                raise InvalidInput(f"attestation.collateral: {exc}") from exc
    if (
        isinstance(value, Mapping)
        and value.get("kind") == "Simulated"
        and sorted(value) == ["kind", "report", "signature"]
        and isinstance(value["report"], bytes)
        and isinstance(value["signature"], bytes)
    ):
        return SimulatedAttestation(value["report"], value["signature"])  # [ATT-40]
    raise InvalidInput(
        "attestation is null, {kind: SgxIas, ra_report, signature, raw_signing_cert}, "
        "{kind: SgxDcap, quote, collateral: bytes | null} "
        "or {kind: Simulated, report, signature}"
    )


def decode_args(call: Call, args: Any) -> dict[str, Any]:
    """Check and decode a call's named arguments [CHAIN-7]."""
    if not isinstance(args, Mapping):
        raise InvalidInput("call arguments are a map from parameter name to value")
    if not all(isinstance(key, str) for key in args):
        raise InvalidInput("argument names are text")
    expected = [name for name, _ in call.params]
    if sorted(args) != sorted(expected):
        raise InvalidInput(f"{call.name} takes arguments {expected}, got {sorted(args)}")
    return {name: _decode_arg(name, kind, args[name]) for name, kind in call.params}


def _extrinsic(fn: Callable[..., tuple[ChainState, Events]]) -> Callable[..., Any]:
    def run(state: ChainState, origin: Origin, **kwargs: Any) -> tuple[ChainState, Events, None]:
        new_state, events = fn(state, origin, **kwargs)
        return new_state, events, None

    return run


def _in_block(fn: Callable[..., tuple[ChainState, Events]]) -> Callable[..., Any]:
    """An extrinsic written as ``fn(state, ctx, origin, ...)``: it gets the open block's context."""

    def run(state: ChainState, origin: Origin, **kwargs: Any) -> tuple[ChainState, Events, None]:
        new_state, events = fn(state, state.system.block, origin, **kwargs)
        return new_state, events, None

    return run


def _operation_in_block(fn: Callable[..., tuple[Any, ...]]) -> Callable[..., Any]:
    """An operation written as ``fn(state, ctx, ...)``: it gets the open block's context."""

    def run(state: ChainState, origin: Origin, **kwargs: Any) -> tuple[ChainState, Events, Any]:
        if not isinstance(origin, PalletOrigin):
            raise BadOrigin()
        result = fn(state, state.system.block, *kwargs.values())
        returned = result[2] if len(result) == 3 else None
        return result[0], result[1], returned

    return run


def _operation(fn: Callable[..., tuple[Any, ...]]) -> Callable[..., Any]:
    def run(state: ChainState, origin: Origin, **kwargs: Any) -> tuple[ChainState, Events, Any]:
        if not isinstance(origin, PalletOrigin):
            raise BadOrigin()
        result = fn(state, **kwargs)
        returned = result[2] if len(result) == 3 else None
        return result[0], result[1], returned

    return run


_ACCOUNT_VALUE = (("dest", "account"), ("value", "balance"))

_SP = "PhalaStakePoolv2."
_PID_WORKER = (("pid", "pid"), ("worker", "bytes32"))
_STAKE_POOL_CALLS = (
    Call(_SP + "create", "extrinsic", (), _in_block(stake_pool_v2.create), "STK-41"),
    Call(
        _SP + "add_worker",
        "extrinsic",
        (("pid", "pid"), ("pubkey", "bytes32")),
        _in_block(stake_pool_v2.add_worker),
        "STK-42",
    ),
    Call(
        _SP + "remove_worker",
        "extrinsic",
        _PID_WORKER,
        _in_block(stake_pool_v2.remove_worker),
        "STK-43",
    ),
    Call(
        _SP + "set_cap",
        "extrinsic",
        (("pid", "pid"), ("cap", "balance")),
        _in_block(stake_pool_v2.set_cap),
        "STK-44",
    ),
    Call(
        _SP + "set_payout_pref",
        "extrinsic",
        (("pid", "pid"), ("payout_commission", "option_permill")),
        _in_block(stake_pool_v2.set_payout_pref),
        "STK-45",
    ),
    Call(
        _SP + "contribute",
        "extrinsic",
        (("pid", "pid"), ("amount", "balance"), ("as_vault", "option_pid")),
        _in_block(stake_pool_v2.contribute),
        "STK-46",
    ),
    Call(
        _SP + "withdraw",
        "extrinsic",
        (("pid", "pid"), ("shares", "balance"), ("as_vault", "option_pid")),
        _in_block(stake_pool_v2.withdraw),
        "STK-47",
    ),
    Call(
        _SP + "start_computing",
        "extrinsic",
        (*_PID_WORKER, ("stake", "balance")),
        _in_block(stake_pool_v2.start_computing),
        "STK-48",
    ),
    Call(
        _SP + "stop_computing",
        "extrinsic",
        _PID_WORKER,
        _in_block(stake_pool_v2.stop_computing),
        "STK-49",
    ),
    Call(
        _SP + "reclaim_pool_worker",
        "extrinsic",
        _PID_WORKER,
        _in_block(stake_pool_v2.reclaim_pool_worker),
        "STK-50",
    ),
    Call(
        _SP + "restart_computing",
        "extrinsic",
        (*_PID_WORKER, ("stake", "balance")),
        _in_block(stake_pool_v2.restart_computing),
        "STK-51",
    ),
    Call(
        _SP + "claim_owner_rewards",
        "extrinsic",
        (("pid", "pid"), ("target", "account")),
        _in_block(stake_pool_v2.claim_owner_rewards),
        "STK-52",
    ),
    Call(
        _SP + "check_and_maybe_force_withdraw",
        "extrinsic",
        (("pid", "pid"),),
        _in_block(stake_pool_v2.check_and_maybe_force_withdraw),
        "STK-54",
    ),
    Call("PhalaVault.create", "extrinsic", (), _in_block(vault.create), "STK-60"),
    Call(
        "PhalaVault.set_payout_pref",
        "extrinsic",
        (("pid", "pid"), ("payout_commission", "option_permill")),
        _in_block(vault.set_payout_pref),
        "STK-62",
    ),
    Call(
        "PhalaVault.claim_owner_shares",
        "extrinsic",
        (("vault_pid", "pid"), ("target", "account"), ("shares", "balance")),
        _in_block(vault.claim_owner_shares),
        "STK-63",
    ),
    Call(
        "PhalaVault.maybe_gain_owner_shares",
        "extrinsic",
        (("vault_pid", "pid"),),
        _in_block(vault.maybe_gain_owner_shares),
        "STK-63",
    ),
    Call(
        "PhalaVault.contribute",
        "extrinsic",
        (("pid", "pid"), ("amount", "balance")),
        _in_block(vault.contribute),
        "STK-64",
    ),
    Call(
        "PhalaVault.withdraw",
        "extrinsic",
        (("pid", "pid"), ("shares", "balance")),
        _in_block(vault.withdraw),
        "STK-65",
    ),
    Call(
        "PhalaVault.check_and_maybe_force_withdraw",
        "extrinsic",
        (("vault_pid", "pid"),),
        _in_block(vault.check_and_maybe_force_withdraw),
        "STK-66",
    ),
)


def _collective_calls(instance: str) -> tuple[Call, ...]:
    """The calls of one collective instance [COL-3]..[COL-12]."""

    def bind(fn: Callable[..., tuple[ChainState, Events]]) -> Callable[..., Any]:
        return _in_block(
            lambda state, ctx, origin, **kwargs: fn(state, ctx, origin, instance, **kwargs)
        )

    return (
        Call(
            f"{instance}.propose",
            "extrinsic",
            (("threshold", "u32"), ("proposal", "call"), ("length_bound", "u32")),
            bind(collective.propose),
            "COL-3",
        ),
        Call(
            f"{instance}.vote",
            "extrinsic",
            (("proposal", "bytes32"), ("index", "u32"), ("approve", "bool")),
            bind(collective.vote),
            "COL-5",
        ),
        Call(
            f"{instance}.close",
            "extrinsic",
            (("proposal_hash", "bytes32"), ("index", "u32"), ("length_bound", "u32")),
            bind(collective.close),
            "COL-6",
        ),
        Call(
            f"{instance}.disapprove_proposal",
            "extrinsic",
            (("proposal_hash", "bytes32"),),
            bind(collective.disapprove_proposal),
            "COL-8",
        ),
        Call(
            f"{instance}.execute",
            "extrinsic",
            (("proposal", "call"), ("length_bound", "u32")),
            bind(collective.execute),
            "COL-9",
        ),
        Call(
            f"{instance}.set_members",
            "extrinsic",
            (("new_members", "accounts"), ("prime", "option_account"), ("old_count", "u32")),
            bind(collective.set_members),
            "COL-12",
        ),
    )


CALLS: Mapping[str, Call] = {
    call.name: call
    for call in (
        Call(
            "Balances.transfer_allow_death",
            "extrinsic",
            _ACCOUNT_VALUE,
            _extrinsic(balances.transfer_allow_death),
            "BAL-10",
        ),
        # The legacy name of the same call, kept by the Phala runtimes' clients.
        Call(
            "Balances.transfer",
            "extrinsic",
            _ACCOUNT_VALUE,
            _extrinsic(balances.transfer_allow_death),
            "BAL-10",
        ),
        Call(
            "Balances.transfer_keep_alive",
            "extrinsic",
            _ACCOUNT_VALUE,
            _extrinsic(balances.transfer_keep_alive),
            "BAL-11",
        ),
        Call(
            "Balances.force_transfer",
            "extrinsic",
            (("source", "account"), ("dest", "account"), ("value", "balance")),
            _extrinsic(balances.force_transfer),
            "BAL-12",
        ),
        Call(
            "Balances.transfer_all",
            "extrinsic",
            (("dest", "account"), ("keep_alive", "bool")),
            _extrinsic(balances.transfer_all),
            "BAL-13",
        ),
        Call(
            "Balances.force_set_balance",
            "extrinsic",
            (("who", "account"), ("new_free", "balance")),
            _extrinsic(balances.force_set_balance),
            "BAL-14",
        ),
        Call(
            "Balances.force_unreserve",
            "extrinsic",
            (("who", "account"), ("amount", "balance")),
            _extrinsic(balances.force_unreserve),
            "BAL-15",
        ),
        Call(
            "Balances.reserve",
            "operation",
            (("who", "account"), ("value", "balance")),
            _operation(balances.reserve),
            "BAL-17",
        ),
        Call(
            "Balances.unreserve",
            "operation",
            (("who", "account"), ("value", "balance")),
            _operation(balances.unreserve),
            "BAL-18",
        ),
        Call(
            "Balances.slash_reserved",
            "operation",
            (("who", "account"), ("value", "balance")),
            _operation(balances.slash_reserved),
            "BAL-19",
        ),
        Call(
            "Balances.repatriate_reserved",
            "operation",
            (
                ("slashed", "account"),
                ("beneficiary", "account"),
                ("value", "balance"),
                ("status", "status"),
            ),
            _operation(balances.repatriate_reserved),
            "BAL-20",
        ),
        Call(
            "Balances.set_lock",
            "operation",
            (
                ("lock_id", "lock_id"),
                ("who", "account"),
                ("amount", "balance"),
                ("reasons", "reasons"),
            ),
            _operation(
                lambda state, lock_id, who, amount, reasons: balances.set_lock(
                    state, who, lock_id, amount, reasons
                )
            ),
            "BAL-22",
        ),
        Call(
            "Balances.extend_lock",
            "operation",
            (
                ("lock_id", "lock_id"),
                ("who", "account"),
                ("amount", "balance"),
                ("reasons", "reasons"),
            ),
            _operation(
                lambda state, lock_id, who, amount, reasons: balances.extend_lock(
                    state, who, lock_id, amount, reasons
                )
            ),
            "BAL-23",
        ),
        Call(
            "Balances.remove_lock",
            "operation",
            (("lock_id", "lock_id"), ("who", "account")),
            _operation(lambda state, lock_id, who: balances.remove_lock(state, who, lock_id)),
            "BAL-24",
        ),
        Call(
            "Balances.mint_into",
            "operation",
            (("who", "account"), ("amount", "balance")),
            _operation(balances.mint_into),
            "BAL-25",
        ),
        Call(
            "Balances.burn_from",
            "operation",
            (("who", "account"), ("amount", "balance")),
            _operation(balances.burn_from),
            "BAL-26",
        ),
        Call(
            "Balances.withdraw",
            "operation",
            (("who", "account"), ("value", "balance"), ("keep_alive", "bool")),
            _operation(balances.withdraw),
            "BAL-27",
        ),
        Call(
            "Balances.deposit_creating",
            "operation",
            (("who", "account"), ("value", "balance")),
            _operation(balances.deposit_creating),
            "BAL-28",
        ),
        Call(
            "Balances.deposit_into_existing",
            "operation",
            (("who", "account"), ("value", "balance")),
            _operation(balances.deposit_into_existing),
            "BAL-28",
        ),
        Call(
            "PhalaMq.sync_offchain_message",
            "extrinsic",
            (("signed_message", "signed_message"),),
            _in_block(mq.sync_offchain_message),
            "MQ-10",
        ),
        Call(
            "PhalaMq.push_message",
            "extrinsic",
            (("destination", "bytes"), ("payload", "bytes")),
            _in_block(mq.push_message_extrinsic),
            "MQ-11",
        ),
        Call(
            "PhalaMq.force_push_pallet_message",
            "extrinsic",
            (("destination", "bytes"), ("payload", "bytes")),
            _in_block(mq.force_push_pallet_message),
            "MQ-12",
        ),
        Call(
            "PhalaRegistry.add_pruntime",
            "extrinsic",
            (("pruntime_hash", "bytes"),),
            _in_block(registry.add_pruntime),
            "REG-5",
        ),
        Call(
            "PhalaRegistry.remove_pruntime",
            "extrinsic",
            (("pruntime_hash", "bytes"),),
            _in_block(registry.remove_pruntime),
            "REG-5",
        ),
        Call(
            "PhalaRegistry.add_relaychain_genesis_block_hash",
            "extrinsic",
            (("genesis_block_hash", "bytes32"),),
            _in_block(registry.add_relaychain_genesis_block_hash),
            "REG-6",
        ),
        Call(
            "PhalaRegistry.remove_relaychain_genesis_block_hash",
            "extrinsic",
            (("genesis_block_hash", "bytes32"),),
            _in_block(registry.remove_relaychain_genesis_block_hash),
            "REG-6",
        ),
        Call(
            "PhalaRegistry.force_set_benchmark_duration",
            "extrinsic",
            (("value", "u32"),),
            _in_block(registry.force_set_benchmark_duration),
            "REG-6",
        ),
        Call(
            "PhalaRegistry.force_register_worker",
            "extrinsic",
            (("pubkey", "bytes32"), ("ecdh_pubkey", "bytes32"), ("operator", "option_account")),
            _in_block(registry.force_register_worker),
            "REG-7",
        ),
        Call(
            "PhalaRegistry.register_worker_v2",
            "extrinsic",
            (("pruntime_info", "pruntime_info"), ("attestation", "attestation")),
            _in_block(registry.register_worker_v2),
            "REG-10",
        ),
        Call(
            "PhalaRegistry.register_worker",
            "extrinsic",
            (("pruntime_info", "pruntime_info_v1"), ("attestation", "ias_attestation")),
            _in_block(registry.register_worker),
            "REG-23",
        ),
        Call(
            "PhalaRegistry.register_gatekeeper",
            "extrinsic",
            (("gatekeeper", "bytes32"),),
            _in_block(registry.register_gatekeeper),
            "REG-17",
        ),
        Call(
            "PhalaRegistry.unregister_gatekeeper",
            "extrinsic",
            (("gatekeeper", "bytes32"),),
            _in_block(registry.unregister_gatekeeper),
            "REG-18",
        ),
        Call(
            "PhalaRegistry.rotate_master_key",
            "extrinsic",
            (),
            _in_block(registry.rotate_master_key),
            "REG-19",
        ),
        Call(
            "PhalaRegistry.update_worker_endpoint",
            "extrinsic",
            (("endpoint_payload", "endpoint_payload"), ("signature", "signature")),
            _in_block(registry.update_worker_endpoint),
            "REG-22",
        ),
        Call(
            "PhalaComputation.bind",
            "operation",
            (("session", "account"), ("worker", "bytes32")),
            _operation_in_block(computation.bind),
            "CMP-9",
        ),
        Call(
            "PhalaComputation.unbind",
            "extrinsic",
            (("session", "account"),),
            _in_block(computation.unbind),
            "CMP-10",
        ),
        Call(
            "PhalaComputation.unbind_session",
            "operation",
            (("session", "account"), ("notify", "bool")),
            _operation_in_block(computation.unbind_session),
            "CMP-10",
        ),
        Call(
            "PhalaComputation.start_computing",
            "operation",
            (("session", "account"), ("stake", "balance")),
            _operation_in_block(computation.start_computing),
            "CMP-11",
        ),
        Call(
            "PhalaComputation.stop_computing",
            "operation",
            (("session", "account"),),
            _operation_in_block(computation.stop_computing),
            "CMP-12",
        ),
        Call(
            "PhalaComputation.reclaim",
            "operation",
            (("session", "account"), ("check_cooldown", "bool")),
            _operation_in_block(computation.reclaim),
            "CMP-13",
        ),
        Call(
            "PhalaComputation.force_heartbeat",
            "extrinsic",
            (),
            _in_block(computation.force_heartbeat),
            "CMP-14",
        ),
        Call(
            "PhalaComputation.force_start_computing",
            "extrinsic",
            (("session", "account"), ("stake", "balance")),
            _in_block(computation.force_start_computing),
            "CMP-11",
        ),
        Call(
            "PhalaComputation.force_stop_computing",
            "extrinsic",
            (("session", "account"),),
            _in_block(computation.force_stop_computing),
            "CMP-12",
        ),
        Call(
            "PhalaComputation.set_cool_down_expiration",
            "extrinsic",
            (("period", "u64"),),
            _in_block(computation.set_cool_down_expiration),
            "CMP-20",
        ),
        Call(
            "PhalaComputation.set_heartbeat_paused",
            "extrinsic",
            (("paused", "bool"),),
            _in_block(computation.set_heartbeat_paused),
            "CMP-20",
        ),
        Call(
            "PhalaComputation.update_tokenomic",
            "extrinsic",
            (("new_params", "tokenomic"),),
            _in_block(computation.update_tokenomic),
            "CMP-20",
        ),
        Call(
            "PhalaComputation.set_budget_per_block",
            "extrinsic",
            (("nonce", "u64"), ("block_number", "u32"), ("budget", "fixed_bits")),
            _in_block(computation.set_budget_per_block),
            "CMP-21",
        ),
        Call(
            "PhalaComputation.update_contract_root",
            "extrinsic",
            (("account_id", "account"),),
            _in_block(computation.update_contract_root),
            "CMP-21",
        ),
        *_collective_calls(collective.COUNCIL),
        *_collective_calls(collective.TECHNICAL_COMMITTEE),
        Call(
            "PhragmenElection.vote",
            "extrinsic",
            (("votes", "accounts"), ("value", "balance")),
            _in_block(elections.vote),
            "ELE-4",
        ),
        Call(
            "PhragmenElection.remove_voter",
            "extrinsic",
            (),
            _in_block(elections.remove_voter),
            "ELE-5",
        ),
        Call(
            "PhragmenElection.submit_candidacy",
            "extrinsic",
            (("candidate_count", "u32"),),
            _in_block(elections.submit_candidacy),
            "ELE-6",
        ),
        Call(
            "PhragmenElection.renounce_candidacy",
            "extrinsic",
            (("renouncing", "renouncing"),),
            _in_block(elections.renounce_candidacy),
            "ELE-11",
        ),
        Call(
            "PhragmenElection.remove_member",
            "extrinsic",
            (("who", "account"), ("slash_bond", "bool"), ("rerun_election", "bool")),
            _in_block(elections.remove_member),
            "ELE-13",
        ),
        Call(
            "PhragmenElection.clean_defunct_voters",
            "extrinsic",
            (("num_voters", "u32"), ("num_defunct", "u32")),
            _in_block(elections.clean_defunct_voters),
            "ELE-15",
        ),
        Call(
            "TechnicalMembership.add_member",
            "extrinsic",
            (("who", "account"),),
            _in_block(membership.add_member),
            "COL-14",
        ),
        Call(
            "TechnicalMembership.remove_member",
            "extrinsic",
            (("who", "account"),),
            _in_block(membership.remove_member),
            "COL-14",
        ),
        Call(
            "TechnicalMembership.swap_member",
            "extrinsic",
            (("remove", "account"), ("add", "account")),
            _in_block(membership.swap_member),
            "COL-14",
        ),
        Call(
            "TechnicalMembership.reset_members",
            "extrinsic",
            (("members", "accounts"),),
            _in_block(membership.reset_members),
            "COL-14",
        ),
        Call(
            "TechnicalMembership.change_key",
            "extrinsic",
            (("new", "account"),),
            _in_block(membership.change_key),
            "COL-14",
        ),
        Call(
            "TechnicalMembership.set_prime",
            "extrinsic",
            (("who", "account"),),
            _in_block(membership.set_prime),
            "COL-14",
        ),
        Call(
            "TechnicalMembership.clear_prime",
            "extrinsic",
            (),
            _in_block(membership.clear_prime),
            "COL-14",
        ),
        Call(
            "Treasury.propose_spend",
            "extrinsic",
            (("value", "balance"), ("beneficiary", "account")),
            _in_block(treasury.propose_spend),
            "TRS-4",
        ),
        Call(
            "Treasury.reject_proposal",
            "extrinsic",
            (("proposal_id", "u32"),),
            _in_block(treasury.reject_proposal),
            "TRS-5",
        ),
        Call(
            "Treasury.approve_proposal",
            "extrinsic",
            (("proposal_id", "u32"),),
            _in_block(treasury.approve_proposal),
            "TRS-6",
        ),
        Call(
            "Treasury.spend",
            "extrinsic",
            (("amount", "balance"), ("beneficiary", "account")),
            _in_block(treasury.spend),
            "TRS-7",
        ),
        Call(
            "Treasury.remove_approval",
            "extrinsic",
            (("proposal_id", "u32"),),
            _in_block(treasury.remove_approval),
            "TRS-8",
        ),
        Call(
            "Democracy.propose",
            "extrinsic",
            (("proposal", "call"), ("value", "balance")),
            _in_block(democracy.propose),
            "DEM-4",
        ),
        Call(
            "Democracy.second",
            "extrinsic",
            (("proposal", "u32"),),
            _in_block(democracy.second),
            "DEM-5",
        ),
        Call(
            "Democracy.vote",
            "extrinsic",
            (("ref_index", "u32"), ("vote", "vote")),
            _in_block(democracy.vote),
            "DEM-9",
        ),
        Call(
            "Democracy.emergency_cancel",
            "extrinsic",
            (("ref_index", "u32"),),
            _in_block(democracy.emergency_cancel),
            "DEM-19",
        ),
        Call(
            "Democracy.external_propose",
            "extrinsic",
            (("proposal", "call"),),
            _in_block(democracy.external_propose),
            "DEM-14",
        ),
        Call(
            "Democracy.external_propose_majority",
            "extrinsic",
            (("proposal", "call"),),
            _in_block(democracy.external_propose_majority),
            "DEM-15",
        ),
        Call(
            "Democracy.external_propose_default",
            "extrinsic",
            (("proposal", "call"),),
            _in_block(democracy.external_propose_default),
            "DEM-15",
        ),
        Call(
            "Democracy.fast_track",
            "extrinsic",
            (("proposal_hash", "bytes32"), ("voting_period", "u32"), ("delay", "u32")),
            _in_block(democracy.fast_track),
            "DEM-16",
        ),
        Call(
            "Democracy.veto_external",
            "extrinsic",
            (("proposal_hash", "bytes32"),),
            _in_block(democracy.veto_external),
            "DEM-17",
        ),
        Call(
            "Democracy.cancel_referendum",
            "extrinsic",
            (("ref_index", "u32"),),
            _in_block(democracy.cancel_referendum),
            "DEM-20",
        ),
        Call(
            "Democracy.delegate",
            "extrinsic",
            (("to", "account"), ("conviction", "conviction"), ("balance", "balance")),
            _in_block(democracy.delegate),
            "DEM-12",
        ),
        Call("Democracy.undelegate", "extrinsic", (), _in_block(democracy.undelegate), "DEM-13"),
        Call(
            "Democracy.clear_public_proposals",
            "extrinsic",
            (),
            _in_block(democracy.clear_public_proposals),
            "DEM-23",
        ),
        Call(
            "Democracy.unlock",
            "extrinsic",
            (("target", "account"),),
            _in_block(democracy.unlock),
            "DEM-11",
        ),
        Call(
            "Democracy.remove_vote",
            "extrinsic",
            (("index", "u32"),),
            _in_block(democracy.remove_vote),
            "DEM-11",
        ),
        Call(
            "Democracy.remove_other_vote",
            "extrinsic",
            (("target", "account"), ("index", "u32")),
            _in_block(democracy.remove_other_vote),
            "DEM-11",
        ),
        Call(
            "Democracy.blacklist",
            "extrinsic",
            (("proposal_hash", "bytes32"), ("maybe_ref_index", "option_u32")),
            _in_block(democracy.blacklist),
            "DEM-22",
        ),
        Call(
            "Democracy.cancel_proposal",
            "extrinsic",
            (("prop_index", "u32"),),
            _in_block(democracy.cancel_proposal),
            "DEM-21",
        ),
        # The operation checks the pallet origin itself: the sender is the calling pallet.
        Call(
            "PhalaMq.queue_message",
            "operation",
            (("destination", "bytes"), ("payload", "bytes")),
            _extrinsic(mq.queue_message_operation),
            "MQ-15",
        ),
        # Staking [STK-5] [STK-7] [STK-22]: W-PHA's extrinsics, and the base pool's library
        # functions as operations (only a pallet origin may invoke them).
        Call(
            "PhalaWrappedBalances.wrap",
            "extrinsic",
            (("amount", "balance"),),
            _extrinsic(wrapped_balances.wrap),
            "STK-5",
        ),
        Call(
            "PhalaWrappedBalances.unwrap",
            "extrinsic",
            (("amount", "balance"),),
            _extrinsic(wrapped_balances.unwrap),
            "STK-5",
        ),
        Call(
            "PhalaWrappedBalances.unwrap_all",
            "extrinsic",
            (),
            _extrinsic(wrapped_balances.unwrap_all),
            "STK-5",
        ),
        Call(
            "PhalaWrappedBalances.set_locked",
            "operation",
            (("who", "account"), ("amount", "balance")),
            _operation(wrapped_balances.set_locked),
            "STK-7",
        ),
        Call(
            "Assets.transfer",
            "operation",
            (("source", "account"), ("dest", "account"), ("amount", "balance")),
            _operation(assets.transfer),
            "STK-1",
        ),
        Call(
            "BasePool.create",
            "operation",
            (("owner", "account"),),
            _operation(base_pool.create_operation),
            "STK-22",
        ),
        Call(
            "BasePool.contribute",
            "operation",
            (("pid", "pid"), ("who", "account"), ("amount", "balance")),
            _operation(base_pool.contribute_operation),
            "STK-22",
        ),
        Call(
            "BasePool.withdraw",
            "operation",
            (("pid", "pid"), ("who", "account"), ("shares", "balance")),
            _operation(base_pool.withdraw_operation),
            "STK-22",
        ),
        Call(
            "BasePool.process_withdraw_queue",
            "operation",
            (("pid", "pid"),),
            _operation(base_pool.process_queue_operation),
            "STK-22",
        ),
        Call(
            "BasePool.distribute_reward",
            "operation",
            (("pid", "pid"), ("source", "account"), ("amount", "balance")),
            _operation(base_pool.reward_operation),
            "STK-22",
        ),
        # Stake pools [STK-41]..[STK-54] and vaults [STK-60]..[STK-66].
        *_STAKE_POOL_CALLS,
    )
}


def decode_call(value: Any) -> CallData:
    """A held call from plain data ``{call: "Pallet.name", args: {...}}`` [CHAIN-12]."""
    if not isinstance(value, Mapping) or set(value) != {"call", "args"}:
        raise InvalidInput("a call is a map {call, args}")
    call = lookup(value["call"])
    decode_args(call, value["args"])
    args = dict(value["args"])
    return CallData(call.name, args, encode({"call": call.name, "args": args}))


def dispatch(state: ChainState, origin: Origin, call: CallData) -> tuple[ChainState, str, Events]:
    """Dispatch a held call with ``origin`` [CHAIN-12].

    Like every dispatch in production it is transactional: on an error the
    state is the one before the call and the outcome is the error code;
    otherwise the outcome is ``"ok"``.
    """
    entry = lookup(call.name)
    try:
        new_state, events, _ = entry.run(state, origin, **decode_args(entry, call.args))
    except DispatchError as error:
        return state, error.code, ()
    return new_state, "ok", events


def lookup(name: Any) -> Call:
    """The call named ``name``; an unknown name is invalid input [CHAIN-7]."""
    if not isinstance(name, str) or name not in CALLS:
        raise InvalidInput(f"unknown call {name!r}")
    return CALLS[name]
