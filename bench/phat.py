"""``phala-spec bench`` section ``phat`` [PHAT-63] [PHAT-64].

Command delivery per second through the workers of one cluster with 10 and
with 1,000 contracts in it (5 and 50 with ``--quick``), measured in one run
with the same number of commands at both sizes. The network is a gatekeeper
and two workers hosting the cluster, message-queue signatures in the oracle
setting ([NET-3]); the cluster and its contracts are built through network
blocks (the gatekeeper deploys, the workers install every contract). Each
timed block carries the same count of ``push_contract_message`` calls to
contracts drawn at random, half plain and half encrypted to the contract's
key on chain; a timed unit is one whole ``network_block`` step (the chain, the
relayers and every runtime). After the run both workers must hold equal
records, every command recorded once at each ([PHAT-64]).

Hosted contracts live in a persistent map, so a block's delivery should cost
O(log n) in the number of contracts: the ratio of the rates should stay near 1.
Figures are medians of interleaved rounds.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from phala_spec.chain.phat_payloads import InkMessage, contract_id
from phala_spec.network import NetworkState, genesis_state
from phala_spec.offchain import cluster
from phala_spec.pallets.phat import cluster_id
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.runtime.genesis import dev_account
from phala_spec.steps import apply_step

SIZES = (10, 1_000)
QUICK_SIZES = (5, 50)
PC = "PhalaPhatContracts."
ROOT: dict[str, Any] = {"kind": "root"}
NAMES = ("gk", "w1", "w2")
KEY_NAMES = {name: f"bench/phat/{name}" for name in NAMES}
KEYS = {name: dev_keypair(key) for name, key in KEY_NAMES.items()}
CODE = b"bench phat: a contract's code"
CODE_HASH = blake2b_256(CODE)
OWNER = dev_account("alice")
USERS = tuple(dev_account(n) for n in ("bob", "charlie", "dave"))
CLUSTER = cluster_id(1)


def _call(name: str, args: dict[str, Any], origin: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"origin": origin or ROOT, "call": name, "args": args}


def _signed(who: bytes) -> dict[str, Any]:
    return {"kind": "signed", "who": who}


def _block(net: NetworkState, extrinsics: list[dict[str, Any]]) -> NetworkState:
    from phala_spec.conformance.authoring import default_randomness

    number = net.chain.system.block.number + 1
    step = {
        "kind": "network_block",
        "number": number,
        "timestamp": number * 12_000,
        "randomness": default_randomness(number),
        "extrinsics": extrinsics,
    }
    state = apply_step(net, step).state
    assert isinstance(state, NetworkState)
    return state


def cluster_with_contracts(n: int) -> tuple[NetworkState, list[bytes]]:
    """A gatekeeper and two workers hosting cluster 1 with ``n`` user contracts, their keys on
    chain; the contract ids."""
    net = genesis_state(
        "minimal",
        {
            "runtimes": [
                {
                    "name": name,
                    "key": KEY_NAMES[name],
                    "role": "gatekeeper" if name == "gk" else "worker",
                }
                for name in NAMES
            ],
            "crypto": "oracle",
        },
    )
    assert isinstance(net, NetworkState)
    enroll = [
        _call(
            "PhalaRegistry.force_register_worker",
            {"pubkey": k.public, "ecdh_pubkey": k.ecdh_public, "operator": None},
        )
        for k in KEYS.values()
    ]
    net = _block(
        net,
        [
            *enroll,
            _call("PhalaRegistry.register_gatekeeper", {"gatekeeper": KEYS["gk"].public}),
            _call(PC + "set_pink_system_code", {"code": b"bench phat: the system contract"}),
        ],
    )
    net = _block(net, [])
    add = {
        "owner": OWNER,
        "permission": {"kind": "Public"},
        "deploy_workers": [KEYS["w1"].public, KEYS["w2"].public],
        "deposit": 0,
        "gas_price": 0,
        "deposit_per_item": 0,
        "deposit_per_byte": 0,
        "treasury_account": OWNER,
    }
    net = _block(net, [_call(PC + "add_cluster", add)])
    upload = {"cluster_id": CLUSTER, "resource_type": "InkCode", "resource_data": CODE}
    net = _block(net, [_call(PC + "cluster_upload_resource", upload, _signed(OWNER))])
    salts = [i.to_bytes(4, "little") for i in range(n)]
    net = _block(
        net,
        [
            _call(
                PC + "instantiate_contract",
                {
                    "code_index": {"kind": "WasmCode", "code_hash": CODE_HASH},
                    "data": b"",
                    "salt": salt,
                    "cluster_id": CLUSTER,
                    "transfer": 0,
                    "gas_limit": 0,
                    "storage_deposit_limit": None,
                    "deposit": 0,
                },
                _signed(OWNER),
            )
            for salt in salts
        ],
    )
    net = _block(net, [])
    contracts = [contract_id(OWNER, CODE_HASH, CLUSTER, salt) for salt in salts]
    keys = net.chain.registry.contract_keys
    assert all(c in keys for c in contracts), "every contract key is on chain"
    return net, contracts


def _commands(
    net: NetworkState, contracts: list[bytes], count: int, rng: random.Random, tag: int
) -> list[dict[str, Any]]:
    """``count`` commands to random contracts, every other one encrypted to the chain's key."""
    extrinsics = []
    for i in range(count):
        contract = contracts[rng.randrange(len(contracts))]
        command = InkMessage(b"%d/%d" % (tag, i), b"bench", 0, 1_000, None).encode()
        if i % 2:
            pubkey = net.chain.registry.contract_keys[contract]
            seed = blake2b_256(b"bench phat: seed %d/%d" % (tag, i))
            payload = cluster.encrypted_command(pubkey, seed, bytes(12), command)
        else:
            payload = cluster.plain_command(command)
        args = {"contract_id": contract, "payload": payload, "deposit": 0}
        extrinsics.append(_call(PC + "push_contract_message", args, _signed(USERS[i % 3])))
    return extrinsics


def _recorded(net: NetworkState) -> tuple[int, bool]:
    """The commands recorded at w1, and whether w2 holds the same cluster [PHAT-64]."""
    w1, w2 = net.runtimes["w1"].cluster, net.runtimes["w2"].cluster
    assert w1 is not None
    total = sum(len(c.commands) for c in w1.contracts.values())
    return total, w1 == w2


def measure_phat(*, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Commands delivered per second at both sizes, interleaved rounds, and their ratio."""
    sizes = QUICK_SIZES if quick else SIZES
    per_block, rounds = (4, 2) if quick else (40, 5)
    rng = random.Random(seed)
    built = {n: cluster_with_contracts(n) for n in sizes}
    nets = {n: built[n][0] for n in sizes}
    samples: dict[int, list[float]] = {n: [] for n in sizes}
    for r in range(rounds):
        for n in sizes:
            extrinsics = _commands(nets[n], built[n][1], per_block, rng, r)
            start = time.perf_counter()
            nets[n] = _block(nets[n], extrinsics)
            samples[n].append(per_block / (time.perf_counter() - start))
    rates = {n: statistics.median(samples[n]) for n in sizes}
    small, large = sizes
    checks = {n: _recorded(nets[n]) for n in sizes}
    return {
        "sizes": list(sizes),
        "per_block": per_block,
        "rounds": rounds,
        "measurements": [{"contracts": n, "per_second": rates[n]} for n in sizes],
        "ratios": {"small_over_large": rates[small] / rates[large]},
        "all_delivered": all(
            count == per_block * rounds and agree for count, agree in checks.values()
        ),
    }


def print_phat(console: Any, figures: dict[str, Any], quick: bool) -> bool:
    from rich.table import Table

    table = Table(
        title="phala-spec bench: Phat command delivery (network blocks, two workers)"
        + (" (--quick: noisy)" if quick else "")
    )
    table.add_column("contracts in the cluster", justify="right")
    table.add_column("commands/s", justify="right")
    for m in figures["measurements"]:
        table.add_row(f"{m['contracts']:,}", f"{m['per_second']:,.1f}")
    console.print(table)
    small, large = figures["sizes"]
    console.print(
        f"commands/s at {small:,} / at {large:,} contracts: "
        f"{figures['ratios']['small_over_large']:.2f} "
        f"({figures['rounds']} interleaved blocks of {figures['per_block']} commands each)"
    )
    verdict = "[green]yes[/]" if figures["all_delivered"] else "[red]NO[/]"
    console.print(f"every command recorded once, both workers equal: {verdict}")
    return bool(figures["all_delivered"])
