"""Block execution [CHAIN-8]..[CHAIN-10].

A block is executed in three phases, as Substrate's executive does: every
pallet's ``on_initialize`` hook, the extrinsics in order, every pallet's
``on_finalize`` hook. An extrinsic that is rejected leaves the state as it was
before it (its events are dropped too) and the block goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from ..chain.state import BlockContext, ChainState, Events, Origin
from ..primitives.errors import DispatchError, InvalidInput
from ..primitives.records import evolve
from ..primitives.types import BLOCK_NUMBER, BYTES32, U64_KIND
from .calls import decode_args, lookup
from .composition import ON_FINALIZE, ON_INITIALIZE


@attrs.frozen
class CallResult:
    """What one call did: ``outcome`` is ``"ok"`` or an error code [CHAIN-9]."""

    state: ChainState
    outcome: str
    events: Events
    returned: Any = None


def initialize_block(state: ChainState, ctx: BlockContext) -> tuple[ChainState, Events]:
    """Open block ``ctx.number`` and run the ``on_initialize`` hooks [CHAIN-8].

    A block number is a u32, a timestamp a u64 and the randomness 32 bytes;
    block numbers strictly increase (they may skip, which stands for empty
    blocks), timestamps never decrease, and a block must be finalized before
    the next one opens. The one exception is block 0 right after genesis,
    which opens without hooks for calls a test makes at the genesis block
    [CHAIN-14].
    """
    current = state.system.block
    BLOCK_NUMBER.decode(ctx.number, "a block number")
    U64_KIND.decode(ctx.timestamp, "a block timestamp")
    BYTES32.decode(ctx.randomness, "the block randomness")
    if state.system.in_block:
        raise InvalidInput("the current block has not been finalized")
    if ctx.number == 0:
        return open_genesis_block(state, ctx), ()
    if ctx.number <= current.number:
        raise InvalidInput("block numbers must increase")
    if ctx.timestamp < current.timestamp:
        raise InvalidInput("timestamps must not decrease")
    system = evolve(state.system, block=ctx, in_block=True, parent_number=current.number)
    state = evolve(state, system=system)
    events: Events = ()
    for hook in ON_INITIALIZE:
        state, hook_events = hook(state, ctx)
        events = (*events, *hook_events)
    return state, events


def at_genesis(state: ChainState) -> bool:
    """Whether no block was ever opened: the closed genesis block is current [CHAIN-14]."""
    system = state.system
    return system.block.number == 0 and not system.in_block and not system.genesis_opened


def open_genesis_block(state: ChainState, ctx: BlockContext) -> ChainState:
    """Open the genesis block for calls, as a test dispatching at block 0 does [CHAIN-14].

    Only right after genesis (:func:`at_genesis`), and only once: block 0 on any
    other state is refused, as a number that does not increase is [CHAIN-8]. The
    context is block 0 at any timestamp; no ``on_initialize`` hook runs, since
    production builds the genesis state rather than executing block 0. Calls then
    apply as in any open block, and :func:`finalize_block` closes it.
    """
    if not at_genesis(state):
        raise InvalidInput("the genesis block opens only right after genesis, once")
    if ctx.number != 0:
        raise InvalidInput("the genesis block is block 0")
    if len(ctx.randomness) != 32:
        raise InvalidInput("block randomness is 32 bytes")
    system = evolve(state.system, block=ctx, in_block=True, genesis_opened=True)
    return evolve(state, system=system)


def apply_call(state: ChainState, origin: Origin, name: str, args: Any) -> CallResult:
    """Dispatch one call inside the open block [CHAIN-9].

    A :class:`DispatchError` becomes the outcome and the state is kept; input
    that cannot be a call raises :class:`InvalidInput`. An extrinsic passes the
    runtime's call filter before its own checks [CHAIN-15].
    """
    if not state.system.in_block:
        raise InvalidInput("calls are applied inside a block: initialize one first")
    call = lookup(name)
    kwargs = decode_args(call, args)
    try:
        new_state, events, returned = call.run(state, origin, **kwargs)
    except DispatchError as error:
        return CallResult(state, error.code, ())
    return CallResult(new_state, "ok", events, returned)


def finalize_block(state: ChainState) -> tuple[ChainState, Events]:
    """Run the ``on_finalize`` hooks and close the block [CHAIN-10]."""
    if not state.system.in_block:
        raise InvalidInput("no block is open")
    ctx = state.system.block
    events: Events = ()
    for hook in ON_FINALIZE:
        state, hook_events = hook(state, ctx)
        events = (*events, *hook_events)
    return evolve(state, system=evolve(state.system, in_block=False)), events


def execute_block(
    state: ChainState, ctx: BlockContext, calls: Sequence[tuple[Origin, str, Any]]
) -> tuple[ChainState, list[CallResult]]:
    """Execute a whole block: initialize, every call in order, finalize [CHAIN-8]..[CHAIN-10]."""
    state, _ = initialize_block(state, ctx)
    results = []
    for origin, name, args in calls:
        result = apply_call(state, origin, name, args)
        state = result.state
        results.append(result)
    state, _ = finalize_block(state)
    return state, results
