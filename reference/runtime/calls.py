"""The call table: every dispatchable call and pallet operation by name [CHAIN-7].

A call is addressed as ``Pallet.name`` and takes named arguments. *Extrinsics*
are the pallet's dispatchable calls and check their origin themselves.
*Operations* are the trait functions other pallets call (``Currency``,
``ReservableCurrency``, ``LockableCurrency``); they are not extrinsics in
production, so only a pallet origin may invoke them here, which lets vectors
test them one by one (like consensus-specs' ``process_*`` vectors).

Each entry names the pallet function that implements it; the call's
parameters are read from that function's signature. The runtime supplies the
parameters named ``state``, ``ctx`` (the open block's context), ``origin`` and
``instance`` (a collective's name); every other parameter is an argument of
the call, and its annotation carries its kind
(:mod:`phala_spec.primitives.types`), which decodes the plain-data value.

Argument decoding is strict: an argument that is missing, of the wrong type or
out of its kind's range cannot be a SCALE-encoded call at all, so it is an
:class:`~phala_spec.primitives.errors.InvalidInput`, not a dispatch error.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..chain.dispatch import CallData as CallData
from ..chain.state import ChainState, Events, Origin, PalletOrigin
from ..pallets import computation, mq, phat, phat_tokenomic
from ..pallets.balances import issuance, lockable, reservable, transfers
from ..pallets.governance import (
    collective,
    democracy,
    democracy_voting,
    elections,
    membership,
    treasury,
)
from ..pallets.registry import allowlists, endpoints, gatekeepers, workers
from ..pallets.staking import assets, base_pool, stake_pool_v2, vault, wrapped_balances
from ..primitives.codec import encode
from ..primitives.errors import BadOrigin, DispatchError, InvalidInput
from ..primitives.types import MAPPING, Kind, kind_of
from .call_filter import ensure_admitted

PlainArgs = Mapping[str, Any]
Returned = Any
Params = tuple[tuple[str, Kind[Any]], ...]

# What the runtime passes to a pallet function besides the call's arguments.
SUPPLIED = ("state", "ctx", "origin", "instance")


@attrs.frozen
class Call:
    """One entry of the call table: ``params`` are the arguments' names and kinds, in order."""

    name: str
    kind: str  # "extrinsic" or "operation"
    params: Params
    run: Callable[..., tuple[ChainState, Events, Returned]]
    clause: str
    names: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """The arguments' names, as a set."""
    decoders: tuple[tuple[str, Kind[Any], str], ...] = attrs.field(init=False, eq=False, repr=False)
    """Each argument's name, kind and the words naming it in an error, made once."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "names", frozenset(name for name, _ in self.params))
        decoders = tuple((name, kind, f"argument {name!r}") for name, kind in self.params)
        object.__setattr__(self, "decoders", decoders)


def params_of(fn: Callable[..., Any]) -> Params:
    """A call's parameters read from its pallet function's signature [CHAIN-7].

    Every parameter but the supplied ones, in order, with the kind its
    annotation carries; a parameter without a kind is an error in the table.
    """
    hints = typing.get_type_hints(fn, include_extras=True)
    params = []
    for name in inspect.signature(fn).parameters:
        if name in SUPPLIED:
            continue
        kind = kind_of(hints.get(name))
        if kind is None:
            raise TypeError(f"{fn.__module__}.{fn.__qualname__}: {name!r} has no argument kind")
        params.append((name, kind))
    return tuple(params)


def decode_args(call: Call, args: Any) -> dict[str, Any]:
    """Check and decode a call's named arguments [CHAIN-7]."""
    if not isinstance(args, MAPPING):
        raise InvalidInput("call arguments are a map from parameter name to value")
    if args.keys() != call.names:  # the names are text: a map of them has text keys
        if not all(isinstance(key, str) for key in args):
            raise InvalidInput("argument names are text")
        expected = [name for name, _ in call.params]
        raise InvalidInput(f"{call.name} takes arguments {expected}, got {sorted(args)}")
    return {name: kind.decode(args[name], what) for name, kind, what in call.decoders}


def _call(
    name: str, kind: str, fn: Callable[..., tuple[Any, ...]], clause: str, instance: str | None
) -> Call:
    """The entry ``name`` run by ``fn`` with what it takes of the supplied values.

    An extrinsic first passes the runtime's call filter [CHAIN-15]; operations
    are not calls in production and are never filtered. An operation whose
    function takes no origin accepts only a pallet origin [CHAIN-7]; every other
    function checks its origin itself. An operation may return a value as the
    third item of its result.
    """
    takes = [p for p in inspect.signature(fn).parameters if p in SUPPLIED]
    if kind == "extrinsic" and "origin" not in takes:
        raise TypeError(f"extrinsic {name} must take an origin")

    filtered, takes_origin = kind == "extrinsic", "origin" in takes

    def run(state: ChainState, origin: Origin, **args: Any) -> tuple[ChainState, Events, Any]:
        _admit(state, origin, name, filtered, takes_origin)
        supplied = {
            "state": state,
            "ctx": state.system.block,
            "origin": origin,
            "instance": instance,
        }
        for p in takes:
            args[p] = supplied[p]
        result = fn(**args)
        returned = result[2] if len(result) == 3 else None
        return result[0], result[1], returned

    return Call(name, kind, params_of(fn), run, clause)


def _admit(
    state: ChainState, origin: Origin, name: str, filtered: bool, takes_origin: bool
) -> None:
    """What a call meets before its own checks: the runtime's call filter for an extrinsic
    [CHAIN-15], and for an operation whose function takes no origin, a pallet origin [CHAIN-7].
    """
    if filtered:
        ensure_admitted(state.config.call_filter, origin, name)
    if not takes_origin and not isinstance(origin, PalletOrigin):
        raise BadOrigin()


def _extrinsic(
    name: str, fn: Callable[..., tuple[Any, ...]], clause: str, instance: str | None = None
) -> Call:
    return _call(name, "extrinsic", fn, clause, instance)


def _operation(name: str, fn: Callable[..., tuple[Any, ...]], clause: str) -> Call:
    return _call(name, "operation", fn, clause, None)


def _collective_calls(instance: str) -> tuple[Call, ...]:
    """The calls of one collective instance [COL-3]..[COL-12]."""
    return (
        _extrinsic(f"{instance}.propose", collective.propose, "COL-3", instance),
        _extrinsic(f"{instance}.vote", collective.vote, "COL-5", instance),
        _extrinsic(f"{instance}.close", collective.close, "COL-6", instance),
        _extrinsic(
            f"{instance}.disapprove_proposal", collective.disapprove_proposal, "COL-8", instance
        ),
        _extrinsic(f"{instance}.execute", collective.execute, "COL-9", instance),
        _extrinsic(f"{instance}.set_members", collective.set_members, "COL-12", instance),
    )


def _phat_calls() -> tuple[Call, ...]:
    """The Phat Contracts pallets' calls, in production's index order [PHAT-6]..[PHAT-15]
    [PHAT-31]."""
    pc = f"{phat.PALLET}."
    return (
        _extrinsic(pc + "add_cluster", phat.add_cluster, "PHAT-6"),
        _extrinsic(pc + "cluster_upload_resource", phat.cluster_upload_resource, "PHAT-7"),
        _extrinsic(pc + "transfer_to_cluster", phat.transfer_to_cluster, "PHAT-8"),
        _extrinsic(pc + "push_contract_message", phat.push_contract_message, "PHAT-9"),
        _extrinsic(pc + "instantiate_contract", phat.instantiate_contract, "PHAT-10"),
        _extrinsic(pc + "cluster_destroy", phat.cluster_destroy, "PHAT-11"),
        _extrinsic(pc + "set_pink_system_code", phat.set_pink_system_code, "PHAT-12"),
        _extrinsic(pc + "set_pink_runtime_version", phat.set_pink_runtime_version, "PHAT-12"),
        _extrinsic(pc + "add_worker_to_cluster", phat.add_worker_to_cluster, "PHAT-13"),
        _extrinsic(pc + "remove_worker_from_cluster", phat.remove_worker_from_cluster, "PHAT-14"),
        _extrinsic(pc + "cleanup_removed_workers", phat.cleanup_removed_workers, "PHAT-15"),
        _extrinsic(f"{phat_tokenomic.PALLET}.adjust_stake", phat_tokenomic.adjust_stake, "PHAT-31"),
    )


def _call_table() -> dict[str, Call]:
    """Every call by name; built once the held call's kind (below) exists."""
    sp = "PhalaStakePoolv2."
    calls = (
        _extrinsic("Balances.transfer_allow_death", transfers.transfer_allow_death, "BAL-10"),
        # The legacy name of the same call, kept by the Phala runtimes' clients.
        _extrinsic("Balances.transfer", transfers.transfer_allow_death, "BAL-10"),
        _extrinsic("Balances.transfer_keep_alive", transfers.transfer_keep_alive, "BAL-11"),
        _extrinsic("Balances.force_transfer", transfers.force_transfer, "BAL-12"),
        _extrinsic("Balances.transfer_all", transfers.transfer_all, "BAL-13"),
        _extrinsic("Balances.force_set_balance", transfers.force_set_balance, "BAL-14"),
        _extrinsic("Balances.force_unreserve", transfers.force_unreserve, "BAL-15"),
        _operation("Balances.reserve", reservable.reserve, "BAL-17"),
        _operation("Balances.unreserve", reservable.unreserve, "BAL-18"),
        _operation("Balances.slash_reserved", reservable.slash_reserved, "BAL-19"),
        _operation("Balances.repatriate_reserved", reservable.repatriate_reserved, "BAL-20"),
        _operation("Balances.set_lock", lockable.set_lock, "BAL-22"),
        _operation("Balances.extend_lock", lockable.extend_lock, "BAL-23"),
        _operation("Balances.remove_lock", lockable.remove_lock, "BAL-24"),
        _operation("Balances.mint_into", issuance.mint_into, "BAL-25"),
        _operation("Balances.burn_from", issuance.burn_from, "BAL-26"),
        _operation("Balances.withdraw", issuance.withdraw, "BAL-27"),
        _operation("Balances.deposit_creating", issuance.deposit_creating, "BAL-28"),
        _operation("Balances.deposit_into_existing", issuance.deposit_into_existing, "BAL-28"),
        _extrinsic("PhalaMq.sync_offchain_message", mq.sync_offchain_message, "MQ-10"),
        _extrinsic("PhalaMq.push_message", mq.push_message_extrinsic, "MQ-11"),
        _extrinsic("PhalaMq.force_push_pallet_message", mq.force_push_pallet_message, "MQ-12"),
        # The operation checks the pallet origin itself: the sender is the calling pallet.
        _operation("PhalaMq.queue_message", mq.queue_message_operation, "MQ-15"),
        _extrinsic("PhalaRegistry.add_pruntime", allowlists.add_pruntime, "REG-5"),
        _extrinsic("PhalaRegistry.remove_pruntime", allowlists.remove_pruntime, "REG-5"),
        _extrinsic(
            "PhalaRegistry.add_relaychain_genesis_block_hash",
            allowlists.add_relaychain_genesis_block_hash,
            "REG-6",
        ),
        _extrinsic(
            "PhalaRegistry.remove_relaychain_genesis_block_hash",
            allowlists.remove_relaychain_genesis_block_hash,
            "REG-6",
        ),
        _extrinsic(
            "PhalaRegistry.force_set_benchmark_duration",
            allowlists.force_set_benchmark_duration,
            "REG-6",
        ),
        _extrinsic("PhalaRegistry.force_register_worker", workers.force_register_worker, "REG-7"),
        _extrinsic("PhalaRegistry.register_worker_v2", workers.register_worker_v2, "REG-10"),
        _extrinsic("PhalaRegistry.register_worker", workers.register_worker, "REG-23"),
        _extrinsic("PhalaRegistry.register_gatekeeper", gatekeepers.register_gatekeeper, "REG-17"),
        _extrinsic(
            "PhalaRegistry.unregister_gatekeeper", gatekeepers.unregister_gatekeeper, "REG-18"
        ),
        _extrinsic("PhalaRegistry.rotate_master_key", gatekeepers.rotate_master_key, "REG-19"),
        _extrinsic(
            "PhalaRegistry.update_worker_endpoint", endpoints.update_worker_endpoint, "REG-22"
        ),
        _operation("PhalaComputation.bind", computation.bind, "CMP-9"),
        _extrinsic("PhalaComputation.unbind", computation.unbind, "CMP-10"),
        _operation("PhalaComputation.unbind_session", computation.unbind_session, "CMP-10"),
        _operation("PhalaComputation.start_computing", computation.start_computing, "CMP-11"),
        _operation("PhalaComputation.stop_computing", computation.stop_computing, "CMP-12"),
        _operation("PhalaComputation.reclaim", computation.reclaim, "CMP-13"),
        _extrinsic("PhalaComputation.force_heartbeat", computation.force_heartbeat, "CMP-14"),
        _extrinsic(
            "PhalaComputation.force_start_computing", computation.force_start_computing, "CMP-11"
        ),
        _extrinsic(
            "PhalaComputation.force_stop_computing", computation.force_stop_computing, "CMP-12"
        ),
        _extrinsic(
            "PhalaComputation.set_cool_down_expiration",
            computation.set_cool_down_expiration,
            "CMP-20",
        ),
        _extrinsic(
            "PhalaComputation.set_heartbeat_paused", computation.set_heartbeat_paused, "CMP-20"
        ),
        _extrinsic("PhalaComputation.update_tokenomic", computation.update_tokenomic, "CMP-20"),
        _extrinsic(
            "PhalaComputation.set_budget_per_block", computation.set_budget_per_block, "CMP-21"
        ),
        _extrinsic(
            "PhalaComputation.update_contract_root", computation.update_contract_root, "CMP-21"
        ),
        *_collective_calls(collective.COUNCIL),
        *_collective_calls(collective.TECHNICAL_COMMITTEE),
        _extrinsic("PhragmenElection.vote", elections.vote, "ELE-4"),
        _extrinsic("PhragmenElection.remove_voter", elections.remove_voter, "ELE-5"),
        _extrinsic("PhragmenElection.submit_candidacy", elections.submit_candidacy, "ELE-6"),
        _extrinsic("PhragmenElection.renounce_candidacy", elections.renounce_candidacy, "ELE-11"),
        _extrinsic("PhragmenElection.remove_member", elections.remove_member, "ELE-13"),
        _extrinsic(
            "PhragmenElection.clean_defunct_voters", elections.clean_defunct_voters, "ELE-15"
        ),
        _extrinsic("TechnicalMembership.add_member", membership.add_member, "COL-14"),
        _extrinsic("TechnicalMembership.remove_member", membership.remove_member, "COL-14"),
        _extrinsic("TechnicalMembership.swap_member", membership.swap_member, "COL-14"),
        _extrinsic("TechnicalMembership.reset_members", membership.reset_members, "COL-14"),
        _extrinsic("TechnicalMembership.change_key", membership.change_key, "COL-14"),
        _extrinsic("TechnicalMembership.set_prime", membership.set_prime, "COL-14"),
        _extrinsic("TechnicalMembership.clear_prime", membership.clear_prime, "COL-14"),
        _extrinsic("Treasury.propose_spend", treasury.propose_spend, "TRS-4"),
        _extrinsic("Treasury.reject_proposal", treasury.reject_proposal, "TRS-5"),
        _extrinsic("Treasury.approve_proposal", treasury.approve_proposal, "TRS-6"),
        _extrinsic("Treasury.spend", treasury.spend, "TRS-7"),
        _extrinsic("Treasury.remove_approval", treasury.remove_approval, "TRS-8"),
        _extrinsic("Democracy.propose", democracy.propose, "DEM-4"),
        _extrinsic("Democracy.second", democracy.second, "DEM-5"),
        _extrinsic("Democracy.vote", democracy_voting.vote, "DEM-9"),
        _extrinsic("Democracy.emergency_cancel", democracy.emergency_cancel, "DEM-19"),
        _extrinsic("Democracy.external_propose", democracy.external_propose, "DEM-14"),
        _extrinsic(
            "Democracy.external_propose_majority", democracy.external_propose_majority, "DEM-15"
        ),
        _extrinsic(
            "Democracy.external_propose_default", democracy.external_propose_default, "DEM-15"
        ),
        _extrinsic("Democracy.fast_track", democracy.fast_track, "DEM-16"),
        _extrinsic("Democracy.veto_external", democracy.veto_external, "DEM-17"),
        _extrinsic("Democracy.cancel_referendum", democracy.cancel_referendum, "DEM-20"),
        _extrinsic("Democracy.delegate", democracy_voting.delegate, "DEM-12"),
        _extrinsic("Democracy.undelegate", democracy_voting.undelegate, "DEM-13"),
        _extrinsic("Democracy.clear_public_proposals", democracy.clear_public_proposals, "DEM-23"),
        _extrinsic("Democracy.unlock", democracy_voting.unlock, "DEM-11"),
        _extrinsic("Democracy.remove_vote", democracy_voting.remove_vote, "DEM-11"),
        _extrinsic("Democracy.remove_other_vote", democracy_voting.remove_other_vote, "DEM-11"),
        _extrinsic("Democracy.blacklist", democracy.blacklist, "DEM-22"),
        _extrinsic("Democracy.cancel_proposal", democracy.cancel_proposal, "DEM-21"),
        # Staking [STK-5] [STK-22] [STK-27] [STK-28]: W-PHA's extrinsics, and the base pool's
        # library functions as operations (only a pallet origin may invoke them).
        _extrinsic("PhalaWrappedBalances.wrap", wrapped_balances.wrap, "STK-5"),
        _extrinsic("PhalaWrappedBalances.unwrap", wrapped_balances.unwrap, "STK-5"),
        _extrinsic("PhalaWrappedBalances.unwrap_all", wrapped_balances.unwrap_all, "STK-5"),
        _extrinsic("PhalaWrappedBalances.vote", wrapped_balances.vote, "STK-27"),
        _extrinsic("PhalaWrappedBalances.unlock", wrapped_balances.unlock, "STK-28"),
        _operation("Assets.transfer", assets.transfer, "STK-1"),
        _operation("BasePool.create", base_pool.create_operation, "STK-22"),
        _operation("BasePool.contribute", base_pool.contribute_operation, "STK-22"),
        _operation("BasePool.withdraw", base_pool.withdraw_operation, "STK-22"),
        _operation("BasePool.process_withdraw_queue", base_pool.process_queue_operation, "STK-22"),
        _operation("BasePool.distribute_reward", base_pool.reward_operation, "STK-22"),
        # Stake pools [STK-41]..[STK-54] and vaults [STK-60]..[STK-66].
        _extrinsic(sp + "create", stake_pool_v2.create, "STK-41"),
        _extrinsic(sp + "add_worker", stake_pool_v2.add_worker, "STK-42"),
        _extrinsic(sp + "remove_worker", stake_pool_v2.remove_worker, "STK-43"),
        _extrinsic(sp + "set_cap", stake_pool_v2.set_cap, "STK-44"),
        _extrinsic(sp + "set_payout_pref", stake_pool_v2.set_payout_pref, "STK-45"),
        _extrinsic(sp + "contribute", stake_pool_v2.contribute, "STK-46"),
        _extrinsic(sp + "withdraw", stake_pool_v2.withdraw, "STK-47"),
        _extrinsic(sp + "start_computing", stake_pool_v2.start_computing, "STK-48"),
        _extrinsic(sp + "stop_computing", stake_pool_v2.stop_computing, "STK-49"),
        _extrinsic(sp + "reclaim_pool_worker", stake_pool_v2.reclaim_pool_worker, "STK-50"),
        _extrinsic(sp + "restart_computing", stake_pool_v2.restart_computing, "STK-51"),
        _extrinsic(sp + "claim_owner_rewards", stake_pool_v2.claim_owner_rewards, "STK-52"),
        _extrinsic(
            sp + "check_and_maybe_force_withdraw",
            stake_pool_v2.check_and_maybe_force_withdraw,
            "STK-54",
        ),
        _extrinsic("PhalaVault.create", vault.create, "STK-60"),
        _extrinsic("PhalaVault.set_payout_pref", vault.set_payout_pref, "STK-62"),
        _extrinsic("PhalaVault.claim_owner_shares", vault.claim_owner_shares, "STK-63"),
        _extrinsic("PhalaVault.maybe_gain_owner_shares", vault.maybe_gain_owner_shares, "STK-63"),
        _extrinsic("PhalaVault.contribute", vault.contribute, "STK-64"),
        _extrinsic("PhalaVault.withdraw", vault.withdraw, "STK-65"),
        _extrinsic(
            "PhalaVault.check_and_maybe_force_withdraw",
            vault.check_and_maybe_force_withdraw,
            "STK-66",
        ),
        *_phat_calls(),
    )
    return {call.name: call for call in calls}


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

    The call passes the runtime's call filter first, as a directly applied one
    does: only a root origin bypasses it [CHAIN-15]. Like every dispatch in
    production it is transactional: on an error the state is the one before
    the call and the outcome is the error code; otherwise the outcome is ``"ok"``.
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


CALLS: Mapping[str, Call] = _call_table()
