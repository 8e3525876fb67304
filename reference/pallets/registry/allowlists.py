"""The registry's governance calls on its allowlists [REG-4]..[REG-6], and its storage update.

The governance origin [REG-4]; the pRuntime allowlist [REG-5], the relay-chain
genesis hashes and the benchmark duration [REG-6]. The pallet's message
origin and its storage update are here too, for every module of the registry.
"""

from __future__ import annotations

from typing import Any

from ...chain.messages import pallet_origin
from ...chain.state import BlockContext, ChainState, CollectiveOrigin, Events, Origin, Root
from ...primitives.errors import BadOrigin, DispatchError
from ...primitives.records import evolve
from ...primitives.types import U32, Bytes, Bytes32

PRUNTIME_ALREADY_EXISTS = "PhalaRegistry.PRuntimeAlreadyExists"
PRUNTIME_NOT_FOUND = "PhalaRegistry.PRuntimeNotFound"
GENESIS_BLOCK_HASH_ALREADY_EXISTS = "PhalaRegistry.GenesisBlockHashAlreadyExists"
GENESIS_BLOCK_HASH_NOT_FOUND = "PhalaRegistry.GenesisBlockHashNotFound"

PALLET = pallet_origin("PhalaRegistry")


def ensure_governance(origin: Origin) -> None:
    """``GovernanceOrigin``: root, or more than half of the Council [REG-4]."""
    if isinstance(origin, Root):
        return
    if (
        isinstance(origin, CollectiveOrigin)
        and origin.collective == "Council"
        and origin.yes * 2 > origin.total
    ):
        return
    raise BadOrigin()


def update_registry(state: ChainState, **changes: Any) -> ChainState:
    """The registry's storage with ``changes`` made [REG-1]."""
    return evolve(state, registry=evolve(state.registry, **changes))


def add_pruntime(
    state: ChainState, ctx: BlockContext, origin: Origin, pruntime_hash: Bytes
) -> tuple[ChainState, Events]:
    """Governance adds a pRuntime hash to the allowlist and records the block [REG-5]."""
    ensure_governance(origin)
    reg = state.registry
    if pruntime_hash in reg.pruntime_allowlist:
        raise DispatchError(PRUNTIME_ALREADY_EXISTS)
    return update_registry(
        state,
        pruntime_allowlist=(*reg.pruntime_allowlist, pruntime_hash),
        pruntime_added_at=reg.pruntime_added_at.set(pruntime_hash, ctx.number),
    ), ()


def remove_pruntime(
    state: ChainState, ctx: BlockContext, origin: Origin, pruntime_hash: Bytes
) -> tuple[ChainState, Events]:
    """Governance removes a pRuntime hash from the allowlist and forgets its block [REG-5]."""
    ensure_governance(origin)
    reg = state.registry
    if pruntime_hash not in reg.pruntime_allowlist:
        raise DispatchError(PRUNTIME_NOT_FOUND)
    kept = tuple(h for h in reg.pruntime_allowlist if h != pruntime_hash)
    added = (
        reg.pruntime_added_at.delete(pruntime_hash)
        if pruntime_hash in reg.pruntime_added_at
        else reg.pruntime_added_at
    )
    return update_registry(state, pruntime_allowlist=kept, pruntime_added_at=added), ()


def add_relaychain_genesis_block_hash(
    state: ChainState, ctx: BlockContext, origin: Origin, genesis_block_hash: Bytes32
) -> tuple[ChainState, Events]:
    """Governance admits a relay-chain genesis hash [REG-6]."""
    ensure_governance(origin)
    hashes = state.registry.genesis_hash_allowlist
    if genesis_block_hash in hashes:
        raise DispatchError(GENESIS_BLOCK_HASH_ALREADY_EXISTS)
    return update_registry(state, genesis_hash_allowlist=(*hashes, genesis_block_hash)), ()


def remove_relaychain_genesis_block_hash(
    state: ChainState, ctx: BlockContext, origin: Origin, genesis_block_hash: Bytes32
) -> tuple[ChainState, Events]:
    """Governance withdraws a relay-chain genesis hash [REG-6]."""
    ensure_governance(origin)
    hashes = state.registry.genesis_hash_allowlist
    if genesis_block_hash not in hashes:
        raise DispatchError(GENESIS_BLOCK_HASH_NOT_FOUND)
    return update_registry(
        state, genesis_hash_allowlist=tuple(h for h in hashes if h != genesis_block_hash)
    ), ()


def force_set_benchmark_duration(
    state: ChainState, ctx: BlockContext, origin: Origin, value: U32
) -> tuple[ChainState, Events]:
    """Governance sets the benchmark duration, in blocks [REG-6]."""
    ensure_governance(origin)
    return update_registry(state, benchmark_duration=value), ()
