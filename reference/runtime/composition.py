"""The runtime composition: the analogue of Substrate's ``construct_runtime!`` [CHAIN-13].

It is the one place that knows every pallet. It lists the pallets' block hooks
in the runtime's pallet order, binds the message queue's topics to their
handlers, and wires each port a pallet declares for what it needs from a
pallet after it (the stake pool's ``OnReward``, the treasury as
``OnUnbalanced``, democracy's vote for W-PHA, the call table for held calls). The wiring is done once, when
the package is imported; everything else stays pure.
"""

from __future__ import annotations

from collections.abc import Callable

from ..chain import dispatch
from ..chain.phat_payloads import (
    CLUSTER_REGISTRY_TOPIC,
    CONTRACT_REGISTRY_TOPIC,
    WORKER_CLUSTER_REPORT_TOPIC,
)
from ..chain.state import BlockContext, ChainState, Events
from ..pallets import computation, mq, phat
from ..pallets.governance import democracy, democracy_voting, elections, treasury
from ..pallets.registry import gatekeepers, message_check, workers
from ..pallets.staking import base_pool, stake_pool_v2, wrapped_balances
from . import calls

Hook = Callable[[ChainState, BlockContext], tuple[ChainState, Events]]

# Pallet hooks in the runtime's pallet order. Balances has none; PhalaMq
# clears the outbound messages and delivers the queued ones [MQ-16];
# PhalaPhatContracts (index 93) installs a pending system code [PHAT-12].
# Treasury (index 63) spends and PhragmenElection (68) elects before
# PhalaMq's hook [TRS-9] [ELE-14].
# Scheduler and Democracy (61) come before Treasury: they run first, as one hook so that a
# gap of empty blocks is caught up block by block [SCH-4]. PhalaComputation applies
# scheduled parameters and challenges at the end of the block [CMP-23].
ON_INITIALIZE: tuple[Hook, ...] = (
    democracy.on_initialize,
    treasury.on_initialize,
    elections.on_initialize,
    mq.on_initialize,
    phat.on_initialize,
)
ON_FINALIZE: tuple[Hook, ...] = (computation.on_finalize,)

# The runtime's message router (production: the runtime's ``msg_routing``), in
# the order it tries the handlers; a handler is chosen by exact topic equality
# [MQ-14]; the Phat Contracts' handlers come last [PHAT-27].
ROUTING_ORDER: tuple[tuple[bytes, str], ...] = (
    (b"^phala/registry/event", "PhalaRegistry.on_message_received"),
    (b"^phala/registry/gk_event", "PhalaRegistry.on_gk_message_received"),
    (b"^phala/mining/update", "PhalaComputation.on_gk_message_received"),
    (b"phala/mining/report", "PhalaComputation.on_working_message_received"),
    (WORKER_CLUSTER_REPORT_TOPIC, "PhalaPhatContracts.on_worker_cluster_message_received"),
    (CLUSTER_REGISTRY_TOPIC, "PhalaPhatContracts.on_cluster_message_received"),
    (CONTRACT_REGISTRY_TOPIC, "PhalaPhatContracts.on_contract_message_received"),
)

# The on-chain handlers that are specified, as (topic, handler) in routing
# order. A topic without an entry has no on-chain handler; its messages are
# only delivered off-chain.
ROUTES: tuple[tuple[bytes, mq.Handler], ...] = (
    (b"^phala/registry/event", workers.on_message_received),
    (b"^phala/registry/gk_event", gatekeepers.on_gk_message_received),
    (b"^phala/mining/update", computation.on_gk_message_received),
    (b"phala/mining/report", computation.on_working_message_received),
    (WORKER_CLUSTER_REPORT_TOPIC, phat.on_worker_cluster_message_received),
    (CLUSTER_REGISTRY_TOPIC, phat.on_cluster_message_received),
    (CONTRACT_REGISTRY_TOPIC, phat.on_contract_message_received),
)


def route(topic: bytes) -> mq.Handler | None:
    """The on-chain handler of a topic: the first entry of :data:`ROUTES` with exactly this topic [MQ-14]."""
    for handler_topic, handler in ROUTES:
        if handler_topic == topic:
            return handler
    return None


def wire() -> None:
    """Wire every pallet's ports, as Phala's runtime configures them [CHAIN-13]."""
    # Held calls are dispatched through the call table [CHAIN-12].
    dispatch.dispatch.wire(calls.dispatch)
    dispatch.decode_call.wire(calls.decode_call)
    # The message queue: the router, and the registry's signature check [MQ-9] [MQ-14].
    mq.route.wire(route)
    mq.check_message.wire(message_check.check_message)
    # Computation: the stake pools hear of rewards, unbinding and stops [CMP-22];
    # the treasury share goes to the treasury's pot [CMP-18].
    computation.on_reward.wire(stake_pool_v2.on_reward)
    computation.on_unbound.wire(stake_pool_v2.on_unbound)
    computation.on_stopped.wire(stake_pool_v2.on_stopped)
    computation.on_treasury_settled.wire(treasury.on_unbalanced)
    # W-PHA's net value counts pool shares at the base pool's price [STK-4].
    wrapped_balances.stake_value.wire(base_pool.stake_value)
    # The W-PHA account casts its users' votes through democracy's vote [STK-27].
    wrapped_balances.cast_vote.wire(democracy_voting.vote)
    # Slashed deposits and bonds go to the treasury [DEM-21] [ELE-12] [ELE-14]; the treasury's
    # own OnSlash is () in Phala's runtime, so a rejected bond is burnt [TRS-3] [TRS-5].
    democracy.slash.wire(treasury.on_unbalanced)
    elections.kicked_member.wire(treasury.on_unbalanced)
    elections.loser_candidate.wire(treasury.on_unbalanced)


wire()
