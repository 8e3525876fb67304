"""[NET-*]: the network of chain, runtimes and relayers; replicas, the relayer, determinism."""

from __future__ import annotations

import random
from typing import Any

import pytest

from phala_spec.chain.messages import Message, MessageOrigin, signed_bytes
from phala_spec.chain.state import BlockContext, Root, Signed
from phala_spec.chain.system_payloads import (
    BenchStart,
    EnterUnresponsive,
    ExitUnresponsive,
    HeartbeatChallenge,
    Registered,
    Started,
    Stopped,
    WorkerEventWithKey,
)
from phala_spec.chain.worker_messages import SYSTEM_EVENT_TOPIC, encode_payload
from phala_spec.conformance.adapter import ReferenceAdapter
from phala_spec.conformance.authoring import default_randomness
from phala_spec.conformance.client import parse_hello
from phala_spec.conformance.protocol import PROTOCOL_VERSION
from phala_spec.conformance.schema import vector_requirements
from phala_spec.network import (
    NetworkState,
    commitments,
    default_relayer,
    genesis_state,
    network_step,
    observe,
    relay_batch,
    unaccepted_egress,
)
from phala_spec.offchain.pruntime import RuntimeConfig, SyncedBlock, new_runtime, process_block
from phala_spec.primitives.arith import U256_MAX
from phala_spec.primitives.codec import digest, encode, to_data
from phala_spec.primitives.crypto import dev_keypair, sign, verify
from phala_spec.primitives.errors import InvalidInput
from phala_spec.runtime.genesis import genesis
from phala_spec.steps import apply_step

GK = dev_keypair("test/gk")
W1 = dev_keypair("test/w1")
W2 = dev_keypair("test/w2")
FORGER = dev_keypair("test/forger")
FORCE_PUSH = "PhalaMq.force_push_pallet_message"
SYNC = "PhalaMq.sync_offchain_message"


def worker(key: Any) -> MessageOrigin:
    return MessageOrigin("Worker", key.public)


def push(payload: Any) -> tuple[Any, str, dict[str, Any]]:
    return (
        Root(),
        FORCE_PUSH,
        {"destination": SYSTEM_EVENT_TOPIC, "payload": encode_payload(payload)},
    )


def replicas_genesis(crypto: str = "real", extra: tuple[dict[str, Any], ...] = ()) -> NetworkState:
    runtimes = [{"name": f"gk-{x}", "key": "test/gk", "role": "gatekeeper"} for x in "abc"]
    state = genesis_state("minimal", {"runtimes": [*runtimes, *extra], "crypto": crypto})
    assert isinstance(state, NetworkState)
    return state


def ctx(number: int) -> BlockContext:
    return BlockContext(number, number * 12_000, default_randomness(number))


def story(
    n_blocks: int, keys: tuple[Any, ...], seed: int = 7
) -> list[list[tuple[Any, str, dict[str, Any]]]]:
    """A seeded, eventful sequence of blocks of system events for ``keys``."""
    rng = random.Random(seed)
    blocks: list[list[tuple[Any, str, dict[str, Any]]]] = [[]]
    for key in keys:
        blocks[0] += [
            push(WorkerEventWithKey(key.public, Registered(1))),
            push(WorkerEventWithKey(key.public, BenchStart(rng.randrange(0, 4)))),
        ]
    session = 0
    for _ in range(n_blocks - 1):
        extrinsics = []
        for key in keys:
            roll = rng.random()
            if roll < 0.15:
                session += 1
                extrinsics.append(push(WorkerEventWithKey(key.public, Started(session, 0, 0))))
            elif roll < 0.2:
                extrinsics.append(push(WorkerEventWithKey(key.public, Stopped())))
            elif roll < 0.25:
                extrinsics.append(push(WorkerEventWithKey(key.public, EnterUnresponsive())))
            elif roll < 0.3:
                extrinsics.append(push(WorkerEventWithKey(key.public, ExitUnresponsive())))
            elif roll < 0.35:
                extrinsics.append(
                    push(WorkerEventWithKey(key.public, BenchStart(rng.randrange(0, 3))))
                )
        if rng.random() < 0.6:
            target = rng.choice([U256_MAX, 0, rng.randrange(U256_MAX), U256_MAX // 2])
            extrinsics.append(push(HeartbeatChallenge(rng.randrange(U256_MAX), target)))
        blocks.append(extrinsics)
    return blocks


# --- Replicas [NET-9] [NET-16] ------------------------------------------------------------


def test_three_gatekeeper_replicas_emit_byte_identical_egress_over_100_blocks() -> None:
    net = replicas_genesis(extra=({"name": "worker1", "key": "test/w1", "role": "worker"},))
    names = ("gk-a", "gk-b", "gk-c")
    total = 0
    for number, extrinsics in enumerate(story(100, (GK, W1)), start=1):
        net, report = network_step(net, ctx(number), extrinsics)
        egress = [report.egress.get(name, ()) for name in names]
        blobs = [encode(to_data(e)) for e in egress]
        assert blobs[0] == blobs[1] == blobs[2]
        for message in egress[0]:
            assert isinstance(message.signature, bytes)
            assert verify(
                GK.public, signed_bytes(message.message, message.sequence), message.signature
            )
        total += len(egress[0])
        # the race of [NET-9]: gk-a's copies win, the other replicas' fail harmlessly
        for entry in report.extrinsics:
            if entry.runtime in ("gk-b", "gk-c"):
                assert entry.outcome == "PhalaMq.BadSequence"
            elif entry.runtime is not None:
                assert entry.outcome == "ok"
        states = [digest(to_data(net.runtimes[name])) for name in names]
        assert states[0] == states[1] == states[2]
    assert total >= 20  # the story is eventful: heartbeats and benchmark reports
    # every message the replicas signed was accepted exactly once
    assert (
        observe(net, "mq_ingress", [to_data(worker(GK))])
        + len(unaccepted_egress(net.chain, net.runtimes["gk-a"]))
        == net.runtimes["gk-a"].queue.channels[worker(GK)].sequence
    )


def test_replicas_fed_the_same_blocks_directly_agree_byte_for_byte() -> None:
    """[OFF-23] off the network: three runtimes built separately, the same 100 synced blocks."""
    net = genesis_state(
        "minimal", {"runtimes": [{"name": "probe", "key": "test/w2", "role": "worker"}]}
    )
    assert isinstance(net, NetworkState)
    blocks = []
    for number, extrinsics in enumerate(story(100, (GK,), seed=3), start=1):
        net, _ = network_step(net, ctx(number), extrinsics)
        blocks.append(
            SyncedBlock(
                number=number,
                timestamp_ms=number * 12_000,
                messages=net.chain.mq.outbound,
                ingress={},
            )
        )
    replicas = [new_runtime(GK.seed, RuntimeConfig(gatekeeper=True)) for _ in range(3)]
    streams: list[list[bytes]] = [[], [], []]
    for block in blocks:
        for i, runtime in enumerate(replicas):
            replicas[i], egress = process_block(runtime, block)
            streams[i].append(encode(to_data(egress)))
    assert streams[0] == streams[1] == streams[2]
    assert len({digest(to_data(r)) for r in replicas}) == 1
    assert sum(len(b) > 1 for b in streams[0]) > 0


# --- The relayer [NET-5] [NET-6] ----------------------------------------------------------


def _busy_network(crypto: str = "real") -> NetworkState:
    net = genesis_state(
        "minimal",
        {
            "crypto": crypto,
            "runtimes": [
                {"name": "zeta", "key": "test/w1", "role": "worker"},
                {
                    "name": "alpha",
                    "key": "test/w2",
                    "role": "worker",
                    "relayer": dev_keypair("bob").public,
                },
            ],
        },
    )
    assert isinstance(net, NetworkState)
    events = [
        push(WorkerEventWithKey(k.public, e))
        for k in (W1, W2)
        for e in (Registered(1), Started(1, 0, 0), BenchStart(1))
    ]
    net, _ = network_step(net, ctx(1), events)
    net, report = network_step(net, ctx(2), [push(HeartbeatChallenge(0, U256_MAX))])
    assert {name: len(e) for name, e in report.egress.items()} == {"alpha": 2, "zeta": 2}
    return net


def test_relayers_submit_in_name_then_sender_then_sequence_order() -> None:
    net = _busy_network()
    batch = relay_batch(net)
    assert [(r.runtime, r.signed.sequence) for r in batch] == [
        ("alpha", 0),
        ("alpha", 1),
        ("zeta", 0),
        ("zeta", 1),
    ]
    assert batch[0].relayer == dev_keypair("bob").public  # a declared relayer account
    assert batch[2].relayer == default_relayer("zeta")
    assert [r.runtime for r in relay_batch(net, withheld=["alpha"])] == ["zeta", "zeta"]

    after, report = network_step(net, ctx(3))
    assert [(e.runtime, e.sequence, e.outcome) for e in report.extrinsics] == [
        ("alpha", 0, "ok"),
        ("alpha", 1, "ok"),
        ("zeta", 0, "ok"),
        ("zeta", 1, "ok"),
    ]
    assert relay_batch(after) == ()
    assert observe(after, "pending_egress", ["alpha"]) == []


def test_a_withheld_relayer_delays_and_a_halted_runtime_is_filtered() -> None:
    net = _busy_network()
    net, report = network_step(net, ctx(3), withheld=["zeta"])
    assert {e.runtime for e in report.extrinsics} == {"alpha"}
    assert len(observe(net, "pending_egress", ["zeta"])) == 2
    # halt everyone with an undecodable system event from a self-made worker key [OFF-15]
    poison = Message(worker(FORGER), SYSTEM_EVENT_TOPIC, b"\xff")
    signed = {
        "message": to_data(poison),
        "sequence": 0,
        "signature": sign(FORGER, signed_bytes(poison, 0)),
    }
    net, report = network_step(
        net, ctx(4), [(Signed(FORGER.public), SYNC, {"signed_message": signed})], withheld=["zeta"]
    )
    assert report.halted == ("alpha", "zeta")
    net, report = network_step(net, ctx(5))
    assert [(e.runtime, e.outcome) for e in report.extrinsics] == [("zeta", "ok"), ("zeta", "ok")]
    # the halted queue is never purged, but the relayer skips what the chain has [NET-5]
    assert len(net.runtimes["zeta"].queue.channels[worker(W1)].messages) == 2
    net, report = network_step(net, ctx(6))
    assert report.extrinsics == ()


def test_oracle_setting_writes_runtime_signatures_as_true() -> None:
    real, oracle = _busy_network("real"), _busy_network("oracle")
    pending_real = observe(real, "pending_egress", ["alpha"])
    pending_oracle = observe(oracle, "pending_egress", ["alpha"])
    assert all(isinstance(m["signature"], bytes) for m in pending_real)
    assert all(m["signature"] is True for m in pending_oracle)
    assert [{**m, "signature": True} for m in pending_real] == pending_oracle
    blob = encode(to_data(oracle))
    assert pending_real[0]["signature"] not in blob  # the digest hides the signature bytes
    _, report = network_step(oracle, ctx(3))
    assert all(e.outcome == "ok" for e in report.extrinsics)


# --- Determinism [NET-16] ------------------------------------------------------------------


def test_a_runtime_depends_on_nothing_but_its_key_config_and_blocks() -> None:
    """Same key in two networks that differ in names, relayers, neighbours and withholding."""
    first = genesis_state(
        "minimal", {"runtimes": [{"name": "one", "key": "test/w1", "role": "worker"}]}
    )
    second = genesis_state(
        "minimal",
        {
            "runtimes": [
                {
                    "name": "other-name",
                    "key": "test/w1",
                    "role": "worker",
                    "relayer": dev_keypair("eve").public,
                },
                {"name": "neighbour", "key": "test/w2", "role": "gatekeeper"},
            ]
        },
    )
    assert isinstance(first, NetworkState) and isinstance(second, NetworkState)
    for number, extrinsics in enumerate(story(40, (W1,), seed=11), start=1):
        first, a = network_step(first, ctx(number), extrinsics)
        second, b = network_step(
            second, ctx(number), extrinsics, withheld=["other-name"] if number % 3 == 0 else []
        )
        assert encode(to_data(a.egress.get("one", ()))) == encode(
            to_data(b.egress.get("other-name", ()))
        )
    assert first.runtimes["one"].workers == second.runtimes["other-name"].workers


def test_network_steps_are_deterministic_and_pure() -> None:
    def run() -> tuple[bytes, list[Any]]:
        net = replicas_genesis()
        reports = []
        for number, extrinsics in enumerate(story(20, (GK,), seed=5), start=1):
            net, report = network_step(net, ctx(number), extrinsics)
            reports.append(to_data(report))
        return digest(net), reports

    assert run() == run()
    net = replicas_genesis()
    before = digest(net)
    network_step(net, ctx(1), story(2, (GK,))[0])
    assert digest(net) == before  # the input state is never mutated


# --- Genesis, steps and views [NET-2] [NET-11]..[NET-15] ---------------------------------


def test_chain_genesis_is_unchanged_without_runtimes() -> None:
    assert digest(genesis_state("minimal", {"config": {"existential_deposit": 1}})) == digest(
        genesis("minimal", {"config": {"existential_deposit": 1}})
    )
    empty = genesis_state("minimal", {"runtimes": []})
    assert isinstance(empty, NetworkState) and not empty.runtimes


@pytest.mark.parametrize(
    "bad",
    [
        {"runtimes": "w1"},
        {"runtimes": [{"name": "w", "role": "worker"}]},  # neither seed nor key
        {"runtimes": [{"name": "w", "key": "k", "seed": b"\x00" * 32, "role": "worker"}]},
        {"runtimes": [{"name": "w", "seed": b"\x00" * 31, "role": "worker"}]},
        {"runtimes": [{"name": "w", "key": "k", "role": "miner"}]},
        {"runtimes": [{"name": "W!", "key": "k", "role": "worker"}]},
        {"runtimes": [{"name": "w", "key": "k", "role": "worker", "colour": 1}]},
        {"runtimes": [{"name": "w", "key": "k", "role": "worker", "relayer": b"\x01"}]},
        {"runtimes": [{"name": "w", "key": "k", "role": "worker", "iterations_per_block": -1}]},
        {"runtimes": [{"name": "w", "key": "k", "role": "worker"}] * 2},
        {"runtimes": [], "crypto": "none"},
        {"crypto": "oracle"},  # not a chain override
    ],
)
def test_bad_network_genesis_is_invalid_input(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        genesis_state("minimal", bad)


def test_steps_fit_their_state() -> None:
    net = replicas_genesis()
    chain = genesis("minimal")
    block = {
        "kind": "network_block",
        "number": 1,
        "timestamp": 12_000,
        "randomness": default_randomness(1),
        "extrinsics": [],
    }
    with pytest.raises(InvalidInput):
        apply_step(chain, block)
    for step in (
        {"kind": "initialize_block", "number": 1, "timestamp": 1, "randomness": b"\x00" * 32},
        {"kind": "finalize_block"},
    ):
        with pytest.raises(InvalidInput):
            apply_step(net, step)
    for bad in (
        {**block, "withheld": ["nobody"]},
        {**block, "number": 2**32},
        {**block, "timestamp": 2**64},
        {**block, "extrinsics": [{"call": "x"}]},
        {**block, "extrinsics": [{"origin": {"kind": "root"}, "call": "Nope.nope", "args": {}}]},
        {**block, "extra": 1},
        {**block, "withheld": "gk-a"},
    ):
        with pytest.raises(InvalidInput):
            apply_step(net, bad)
    result = apply_step(net, {**block, "withheld": ["gk-a"]})
    assert result.outcome == "ok" and result.returned == {
        "extrinsics": [],
        "egress": {},
        "halted": [],
    }
    with pytest.raises(InvalidInput):  # the number must increase [CHAIN-8]
        apply_step(result.state, block)


def test_views_of_a_network() -> None:
    net = _busy_network()
    assert [r["name"] for r in observe(net, "runtimes")] == ["alpha", "zeta"]
    runtime = observe(net, "runtime", ["zeta"])
    assert runtime["role"] == "worker" and runtime["last_block"] == 2 and runtime["halted"] is None
    assert runtime["channels"] == [
        {"sender": to_data(worker(W1)), "sequence": 2, "dummy": False, "pending": 2}
    ]
    record = observe(net, "runtime_worker", ["zeta", W1.public])
    assert record["registered"] is True and record["working"]["state"] == "Computing"
    assert observe(net, "runtime_worker", ["zeta", W2.public]) is None
    assert observe(net, "block")["number"] == 2  # chain views see the network's chain
    for view, args in (
        ("runtime", ["nobody"]),
        ("runtime", []),
        ("runtime_worker", ["zeta", b"x"]),
    ):
        with pytest.raises(InvalidInput):
            observe(net, view, args)
    with pytest.raises(InvalidInput):
        observe(genesis("minimal"), "runtimes")


def test_chain_events_of_a_network_block() -> None:
    net = replicas_genesis()
    alice, bob = dev_keypair("alice").public, dev_keypair("bob").public
    result = apply_step(
        net,
        {
            "kind": "network_block",
            "number": 1,
            "timestamp": 12_000,
            "randomness": b"\x00" * 32,
            "extrinsics": [
                {
                    "origin": {"kind": "signed", "who": alice},
                    "call": "Balances.transfer_allow_death",
                    "args": {"dest": bob, "value": 7},
                }
            ],
        },
    )
    assert [e.name for e in result.events] == ["Balances.Transfer"]
    assert result.returned["extrinsics"][0]["outcome"] == "ok"


# --- Conformance plumbing ----------------------------------------------------------------


def test_reference_adapter_runs_a_network() -> None:
    adapter = ReferenceAdapter()
    hello = parse_hello(adapter.handle({"request": "hello", "protocol": PROTOCOL_VERSION}))
    assert not hello.lacks("steps", "network_block") and not hello.lacks("views", "pending_egress")
    overrides = {"runtimes": [{"name": "w", "key": "test/w1", "role": "worker"}]}
    loaded = adapter.handle(
        {"request": "load", "genesis": {"preset": "minimal", "overrides": overrides}}
    )
    assert loaded["digests"] == commitments(genesis_state("minimal", overrides))
    step = {
        "kind": "network_block",
        "number": 1,
        "timestamp": 12_000,
        "randomness": b"\x00" * 32,
        "extrinsics": [],
    }
    assert adapter.handle({"request": "step", "step": step})["outcome"] == "ok"
    assert (
        adapter.handle({"request": "query", "view": "runtime", "args": ["w"]})["value"][
            "last_block"
        ]
        == 1
    )
    assert (
        adapter.handle({"request": "step", "step": {"kind": "finalize_block"}})["status"] == "error"
    )


def test_an_adapter_without_network_steps_finds_network_vectors_unsupported() -> None:
    reply = ReferenceAdapter().handle({"request": "hello", "protocol": PROTOCOL_VERSION})
    del reply["capabilities"]["steps"]  # an adapter written before the capability existed
    hello = parse_hello(reply)
    vector = {
        "preset": "minimal",
        "suite": "network",
        "crypto": "real",
        "steps": [
            {
                "step": {"kind": "network_block", "extrinsics": [{"call": "Balances.transfer"}]},
                "expect": {"observations": [{"view": "runtime"}]},
            }
        ],
    }
    requirements = set(vector_requirements(vector))
    assert {
        ("steps", "network_block"),
        ("calls", SYNC),
        ("calls", "Balances.transfer"),
        ("views", "runtime"),
    } <= requirements
    assert hello.lacks("steps", "network_block")
    assert not hello.lacks("steps", "call")


def test_bench_sections_for_the_network(tmp_path, capsys) -> None:
    """``phala-spec bench --only mq --only network``: the figures' shape, never their values."""
    import json

    from phala_spec.cli import main

    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--only", "mq", "--only", "network", "--json", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "sync_offchain_message" in shown and "runtime-blocks/s" in shown
    figures = json.loads(out.read_text())
    assert figures["sections"] == ["mq", "network"] and "measurements" not in figures
    mq = figures["mq"]
    assert mq["all_accepted"] is True
    assert {m["name"] for m in mq["measurements"]} == {
        "sync_offchain_message_apply_step",
        "sync_offchain_message_pallet_function",
        "sr25519_verify_binding",
        "sr25519_verify_python",
        "sr25519_sign_python",
    }
    assert all(m["per_second"] > 0 for m in mq["measurements"])
    assert set(mq["ratios"]) == {
        "accepted_over_verify",
        "pallet_function_over_verify",
        "binding_over_python_verify",
    }
    network = figures["network"]
    assert [m["runtimes"] for m in network["measurements"]] == [10, 100]
    assert all(m["steps_per_second"] > 0 for m in network["measurements"])
    assert set(network["ratios"]) == {"steps_small_over_large", "per_runtime_cost_large_over_small"}


def test_a_network_never_opens_the_genesis_block() -> None:
    """Block 0 opens only on a chain [CHAIN-14]."""
    with pytest.raises(InvalidInput, match="genesis"):
        network_step(replicas_genesis(), ctx(0), [])


# --- A run of blocks [STEP-7] [NET-17] ------------------------------------------------------------


def test_network_blocks_is_the_same_as_its_blocks_one_by_one() -> None:
    from phala_spec.chain.state import BlockContext
    from phala_spec.network import block_randomness, genesis_state, network_blocks, network_step
    from phala_spec.primitives.codec import blake2b_256, encode, to_data
    from phala_spec.steps import apply_step

    overrides = {
        "runtimes": [{"name": "w", "key": "tests/run/w", "role": "worker"}],
        "computation": {"heartbeat_paused": False},
    }
    net = genesis_state("minimal", overrides)
    assert isinstance(net, NetworkState)
    by_run, summary = network_blocks(net, 5, 12_000)
    one_by_one, trace = net, []
    for number in range(1, 6):
        ctx = BlockContext(number, number * 12_000, block_randomness(number))
        one_by_one, report = network_step(one_by_one, ctx)
        trace.append({"events": [to_data(e) for e in report.events], "report": to_data(report)})
    assert to_data(by_run) == to_data(one_by_one)
    assert summary == {"blocks": 5, "last": 5, "digest": blake2b_256(encode(trace))}
    result = apply_step(net, {"kind": "network_blocks", "count": 5, "interval": 12_000})
    assert (result.outcome, result.events, result.returned) == ("ok", (), summary)


@pytest.mark.parametrize(
    "step",
    [
        {"kind": "network_blocks", "count": 0, "interval": 12_000},
        {"kind": "network_blocks", "count": 2**32, "interval": 12_000},
        {"kind": "network_blocks", "count": 1},
        {"kind": "network_blocks", "count": 1, "interval": 1, "extrinsics": []},
        {"kind": "network_blocks", "count": 1, "interval": -1},
    ],
)
def test_network_blocks_invalid_input(step: dict[str, object]) -> None:
    from phala_spec.network import genesis_state
    from phala_spec.primitives.errors import InvalidInput
    from phala_spec.steps import apply_step

    net = genesis_state("minimal", {"runtimes": []})
    with pytest.raises(InvalidInput):
        apply_step(net, step)
    with pytest.raises(InvalidInput):
        apply_step(genesis_state("minimal"), {"kind": "network_blocks", "count": 1, "interval": 1})
