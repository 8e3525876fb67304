"""A simulated block is a network block without the transport [SIM-3] [SIM-4] [NET-17].

The gatekeeper suite's launch builds a network the long way: a gatekeeper
runtime with its master key, three worker runtimes registered, benchmarked
and started through the chain, relayers carrying every signed message. From
there the simulation takes over the same state (the chain, the gatekeeper's
economics, its replicas' sessions and pauses, the messages in flight) and
runs the same blocks as ``network_blocks``; every subsystem of the chain but
the message queue, and the gatekeeper's economics, must end equal, on both
of the simulation's paths, and so must the simulation's digest. The message queue is left out: the simulation dispatches
without the transport, so its ingress counters never move [SIM-4].
"""

from __future__ import annotations

import random

import attrs
import pytest

from phala_spec.chain.system_payloads import HeartbeatV2
from phala_spec.chain.worker_messages import (
    WORKING_INFO_UPDATE_TOPIC,
    WORKING_REPORT_TOPIC,
    decode_working_info_update,
    decode_working_report,
)
from phala_spec.conformance.authoring import CaseBuilder
from phala_spec.conformance.suites import gatekeeper as suite
from phala_spec.network import NetworkState, network_blocks, unaccepted_egress
from phala_spec.offchain import gatekeeper_arrays as gka
from phala_spec.offchain.pruntime import COMPUTING, PAUSED
from phala_spec.primitives.codec import to_data
from phala_spec.simulate import BLOCK_MS, Simulation, Sizes, digest, step

BLOCKS = 1_200


def launched() -> NetworkState:
    b = CaseBuilder("minimal")
    suite.launch(b, "oracle")
    net = b.state
    assert isinstance(net, NetworkState)
    return net


def in_flight(net: NetworkState, name: str, topic: bytes) -> list[object]:
    """The decoded payloads runtime ``name`` signed that the chain has not accepted yet."""
    runtime = net.runtimes[name]
    return [
        m.message.payload
        for m in unaccepted_egress(net.chain, runtime)
        if m.message.destination == topic
    ]


def simulation_of(net: NetworkState, fast: bool) -> Simulation:
    """The simulation's state for the network's [SIM-3]: what a block needs from the runtimes."""
    gk_runtime = net.runtimes["gk"]
    econ = gk_runtime.economics
    assert econ is not None
    names = sorted(n for n in net.runtimes if n != "gk")
    workers = [net.runtimes[n].identity.public for n in names]
    speed, start, owed = {}, {}, []
    for name, key in zip(names, workers, strict=True):
        runtime = net.runtimes[name]
        working = runtime.workers[key].working
        assert working is not None
        speed[key] = runtime.config.iterations_per_block
        start[key] = working.start_iter // speed[key]
        for payload in in_flight(net, name, WORKING_REPORT_TOPIC):
            beat = decode_working_report(payload)
            assert isinstance(beat, HeartbeatV2)
            owed.append((key, beat.challenge_block))
    replicas = {k: gk_runtime.workers[k].working for k in workers}
    reports = [
        decode_working_info_update(p) for p in in_flight(net, "gk", WORKING_INFO_UPDATE_TOPIC)
    ]
    assert len(reports) <= 1
    return Simulation(
        sizes=Sizes(len(workers), 1, 1, BLOCKS, withdrawals_per_block=0, silent_per_mille=0),
        chain=net.chain,
        readable_econ=econ,
        arrays=gka.from_economics(econ) if fast else None,
        workers=workers,
        hashed_ids=[gk_runtime.workers[k].hashed_id for k in workers],
        speed=speed,
        start_block=start,
        sessions={k: w.session_id for k, w in replicas.items() if w is not None},
        paused={k for k, w in replicas.items() if w is not None and w.state == PAUSED},
        silent=frozenset(),
        owed=owed,
        report=reports[0] if reports else None,  # type: ignore[arg-type]
        rng=random.Random(0),
    )


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "readable"])
def test_the_simulation_runs_the_networks_blocks(fast: bool) -> None:
    net = launched()
    sim = simulation_of(net, fast)
    assert all(
        net.runtimes["gk"].workers[k].working.state == COMPUTING  # type: ignore[union-attr]
        for k in sim.workers
    )
    net, _ = network_blocks(net, BLOCKS, BLOCK_MS)
    for _ in range(BLOCKS):
        step(sim)
    assert sim.halted is None and net.runtimes["gk"].halted is None
    assert sim.chain.system.block.number == net.chain.system.block.number
    simulated, networked = to_data(sim.chain), to_data(net.chain)
    # every subsystem but the message queue's ingress counters [SIM-4]
    assert sorted(k for k in simulated if simulated[k] != networked[k]) == ["mq"]
    assert to_data(sim.econ) == to_data(net.runtimes["gk"].economics)
    # and so the simulation's digest [SIM-5]
    as_network = attrs.evolve(
        sim, chain=net.chain, readable_econ=net.runtimes["gk"].economics, arrays=None
    )
    assert digest(sim) == digest(as_network)
    # the run paid the workers: the comparison is not of an idle chain
    assert any(s.total_reward for s in sim.chain.computation.sessions.values())
