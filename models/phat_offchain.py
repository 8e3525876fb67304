"""The Phat Contracts off-chain model [MOD-16]: clusters deployed through the gatekeepers, their
keys, their contracts and their commands, under honest users and adversaries.

:class:`PhatOffchainMachine` drives a network through :func:`phala_spec.apply_step`
with ``network_block`` steps ([STEP-5]), so its trace is a conformance case.
The runtimes: a gatekeeper and four workers. Governance creates clusters on
subsets of the workers; users upload code, instantiate contracts, deposit,
stake and send plain and encrypted commands; the owner adds and removes
workers; root destroys clusters. Adversaries send commands sealed to a wrong
key, envelopes that do not decode, commands from a worker origin no runtime
owns, and a ``DispatchKeys`` of their own from an account origin.

Invariants, after every block, named after the clause they check:

* ``inv_PHAT_67_key_only_to_listed_workers``: a runtime hosting a cluster is
  one ``DeployCluster`` listed; no other runtime's state holds the cluster
  key's secret; every ``DispatchKeys`` sent seals each entry to a listed
  worker, opens with that worker's identity and with no other runtime's;
* ``inv_PHAT_51_keys_are_derived``: every hosted cluster key is the master
  key's child for its id and matches ``ClusterKeys``; every hosted contract
  key is the child of its own cluster's key for its id, and every
  ``ContractKeys`` entry is that child's public key;
* ``inv_PHAT_64_workers_agree``: the live workers hosting a cluster hold equal
  hosted clusters (every contract's records byte for byte);
* ``inv_PHAT_34_issuance_is_sum``: the total issuance is the sum of all
  balances and never rises above the genesis's;
* ``inv_PHAT_67_no_honest_halt``: a runtime stops only by exiting its
  destroyed or left cluster ([PHAT-60]).
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from phala_spec.chain.messages import Message, MessageOrigin, signed_bytes
from phala_spec.chain.phat_payloads import (
    CLUSTER_KEY_TOPIC,
    DispatchKeys,
    EncryptedKey,
    InkMessage,
    command_topic,
    decode_cluster_operation,
)
from phala_spec.chain.worker_messages import encode_payload
from phala_spec.network import NetworkState, genesis_state, relay_batch
from phala_spec.offchain import cluster, cluster_keys, master_key
from phala_spec.offchain.pruntime import RuntimeExited
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import Keypair, dev_keypair, sign
from phala_spec.runtime.genesis import DEV_ACCOUNTS, dev_account
from phala_spec.steps import StepResult, apply_step

from .balances import InvariantViolation, check
from .network import next_block_step

PRESET = "minimal"
SUITE = "phat"
PC = "PhalaPhatContracts."
SYNC = "PhalaMq.sync_offchain_message"

WORKER_NAMES = ("w1", "w2", "w3", "w4")
NAMES = ("gk", *WORKER_NAMES)
KEY_NAMES = {name: f"models/phat/{name}" for name in NAMES}
KEYS = {name: dev_keypair(key) for name, key in KEY_NAMES.items()}
STRANGER = dev_keypair("models/phat/stranger")  # a worker key no runtime uses
WRONG = dev_keypair("models/phat/wrong")  # a key no contract has
ROOT: dict[str, Any] = {"kind": "root"}
PEOPLE = tuple(dev_account(n) for n in DEV_ACCOUNTS[:4])
OWNER = PEOPLE[0]
ADVERSARY = PEOPLE[-1]
CODE = b"phat model: a contract's code"
CODE_HASH = blake2b_256(CODE)
SALTS = (b"", b"a", b"b")

RUNTIMES: tuple[dict[str, Any], ...] = (
    {"name": "gk", "key": KEY_NAMES["gk"], "role": "gatekeeper"},
    *({"name": n, "key": KEY_NAMES[n], "role": "worker"} for n in WORKER_NAMES),
)

people = st.sampled_from(PEOPLE)
picks = st.integers(0, 20)
amounts = st.integers(0, 400)
messages = st.binary(max_size=6)


def call(name: str, args: dict[str, Any], origin: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"origin": origin or ROOT, "call": name, "args": args}


def signed(who: bytes) -> dict[str, Any]:
    return {"kind": "signed", "who": who}


def ink(nonce: int, message: bytes) -> bytes:
    """An ``InkMessage`` command [PHAT-62]."""
    return InkMessage(nonce.to_bytes(4, "little"), message, 0, 1_000, None).encode()


class PhatOffchainMachine(RuleBasedStateMachine):
    """Clusters, keys, contracts and commands through the network [MOD-16]."""

    model_name = "phat_offchain"
    suite = SUITE
    preset = PRESET

    def __init__(self) -> None:
        super().__init__()
        self.crypto = "real"
        self.genesis_overrides: dict[str, Any] = {}
        self.state: NetworkState | None = None
        self.trace: list[dict[str, Any]] = []
        self.failed_step: Any = None
        self.issuance = 0
        self.listed: dict[bytes, frozenset[bytes]] = {}  # cluster -> workers DeployCluster listed
        self.nonce = 0
        self.forged = False

    @property
    def net(self) -> NetworkState:
        assert self.state is not None, "the genesis rule runs first"
        return self.state

    # -- the step ------------------------------------------------------------------------------

    def block(self, extrinsics: Sequence[dict[str, Any]] = ()) -> StepResult:
        """Apply one network block; record the workers each new cluster lists; check the sealed
        keys the block's runtimes sent [PHAT-53]."""
        before = self.net
        step = next_block_step(before, extrinsics)
        self.failed_step = step
        result = apply_step(before, step)
        self.failed_step = None
        self.trace.append(step)
        assert isinstance(result.state, NetworkState)
        self.state = result.state
        phat = self.net.chain.phat
        for cid in phat.clusters:
            if cid not in before.chain.phat.clusters:
                self.listed[cid] = frozenset(phat.cluster_workers.get(cid, ()))
        self._check_dispatched(result.returned)
        return result

    def _check_dispatched(self, report: dict[str, Any]) -> None:
        """Every ``DispatchKeys`` a runtime signed seals each entry to a worker the cluster's
        ``DeployCluster`` listed, which opens it; no other runtime's identity opens it."""
        for name, sent in report["egress"].items():
            for m in sent:
                if m["message"]["destination"] != CLUSTER_KEY_TOPIC:
                    continue
                operation = decode_cluster_operation(m["message"]["payload"])
                if not isinstance(operation, DispatchKeys):
                    continue
                listed = self.listed.get(operation.cluster, frozenset())
                for pubkey, entry in operation.secret_keys:
                    check(
                        pubkey in listed,
                        "inv_PHAT_67_key_only_to_listed_workers",
                        f"{name} sealed cluster {operation.cluster.hex()[:8]} to an unlisted key",
                    )
                    for other in NAMES:
                        opened = master_key.decrypt_key(KEYS[other], entry)
                        check(
                            (opened is not None) == (KEYS[other].public == pubkey),
                            "inv_PHAT_67_key_only_to_listed_workers",
                            f"{name}'s sealed key for {pubkey.hex()[:8]}: {other} "
                            + ("opens it" if opened is not None else "cannot open it"),
                        )

    # -- helpers -------------------------------------------------------------------------------

    def master(self) -> Keypair | None:
        return self.net.runtimes["gk"].keys.current

    def clusters(self) -> list[bytes]:
        return sorted(self.net.chain.phat.clusters)

    def contracts(self) -> list[bytes]:
        return sorted(self.net.chain.phat.contracts)

    def pick(self, items: Sequence[bytes], n: int) -> bytes | None:
        return items[n % len(items)] if items else None

    def next_nonce(self) -> int:
        self.nonce += 1
        return self.nonce

    def relayed(self, sender: MessageOrigin, topic: bytes, payload: bytes, key: Keypair) -> Any:
        """A message from ``sender`` at its next sequence once the block's relayers are
        through, relayed by the adversary."""
        pending = {
            r.signed.sequence for r in relay_batch(self.net) if r.signed.message.sender == sender
        }
        sequence = self.net.chain.mq.ingress.get(sender, 0) + len(pending)
        message = Message(sender, topic, payload)
        signature: bytes | bool = (
            True if self.crypto == "oracle" else sign(key, signed_bytes(message, sequence))
        )
        signed_message = {"message": to_data(message), "sequence": sequence, "signature": signature}
        return call(SYNC, {"signed_message": signed_message}, signed(ADVERSARY))

    # -- genesis -------------------------------------------------------------------------------

    @initialize(crypto=st.sampled_from(("real", "oracle")))
    def genesis(self, crypto: str) -> None:
        """A gatekeeper and four workers enrolled; the gatekeeper launches the master key; the
        system code and runtime version set [PHAT-12]."""
        self.crypto = crypto
        self.genesis_overrides = {"runtimes": [dict(r) for r in RUNTIMES], "crypto": crypto}
        state = genesis_state(PRESET, self.genesis_overrides)
        assert isinstance(state, NetworkState)
        self.state = state
        self.issuance = state.chain.balances.total_issuance
        enroll = [
            call(
                "PhalaRegistry.force_register_worker",
                {"pubkey": k.public, "ecdh_pubkey": k.ecdh_public, "operator": None},
            )
            for k in KEYS.values()
        ]
        self.block(
            [
                *enroll,
                call("PhalaRegistry.register_gatekeeper", {"gatekeeper": KEYS["gk"].public}),
                call(PC + "set_pink_system_code", {"code": b"phat model: the system contract"}),
                call(PC + "set_pink_runtime_version", {"version": [1, 0]}),
            ]
        )
        self.block()

    # -- governance and owners -----------------------------------------------------------------

    @rule(
        workers=st.lists(st.sampled_from(WORKER_NAMES), min_size=1, max_size=3, unique=True),
        deposit=amounts,
    )
    def add_cluster(self, workers: list[str], deposit: int) -> None:
        """Governance creates a public cluster on some workers, busy or not [PHAT-6] [PHAT-52]."""
        args = {
            "owner": OWNER,
            "permission": {"kind": "Public"},
            "deploy_workers": [KEYS[w].public for w in workers],
            "deposit": deposit,
            "gas_price": 1,
            "deposit_per_item": 0,
            "deposit_per_byte": 0,
            "treasury_account": OWNER,
        }
        self.block([call(PC + "add_cluster", args)])

    @rule(worker=st.sampled_from(WORKER_NAMES), pick=picks, add=st.booleans())
    def change_workers(self, worker: str, pick: int, add: bool) -> None:
        """The owner adds a worker to a cluster (it hosts nothing, [PHAT-13]) or removes one
        (it exits, [PHAT-60])."""
        cid = self.pick(self.clusters(), pick)
        if cid is None:
            return
        name = PC + ("add_worker_to_cluster" if add else "remove_worker_from_cluster")
        args = {"worker_pubkey": KEYS[worker].public, "cluster_id": cid}
        self.block([call(name, args, signed(OWNER))])

    @rule(pick=picks)
    def destroy(self, pick: int) -> None:
        """Root destroys a cluster: its workers exit [PHAT-11] [PHAT-60]."""
        cid = self.pick(self.clusters(), pick)
        if cid is not None:
            self.block([call(PC + "cluster_destroy", {"cluster": cid})])

    # -- users ---------------------------------------------------------------------------------

    @rule(who=people, pick=picks, salt=st.sampled_from(SALTS), deposit=amounts)
    def deploy_contract(self, who: bytes, pick: int, salt: bytes, deposit: int) -> None:
        """A user uploads the code to a cluster, then instantiates it with a deposit, in the
        next block [PHAT-7] [PHAT-10] [PHAT-57]; one more block brings the contract's key on
        chain [PHAT-56]."""
        cid = self.pick(self.clusters(), pick)
        if cid is None:
            return
        upload = {"cluster_id": cid, "resource_type": "InkCode", "resource_data": CODE}
        self.block([call(PC + "cluster_upload_resource", upload, signed(who))])
        args = {
            "code_index": {"kind": "WasmCode", "code_hash": CODE_HASH},
            "data": b"",
            "salt": salt,
            "cluster_id": cid,
            "transfer": 0,
            "gas_limit": 1_000,
            "storage_deposit_limit": None,
            "deposit": deposit,
        }
        self.block([call(PC + "instantiate_contract", args, signed(who))])
        self.block()

    @rule(who=people, pick=picks, amount=amounts)
    def deposit(self, who: bytes, pick: int, amount: int) -> None:
        """A deposit into a cluster, or into a cluster id never created [PHAT-8] [PHAT-59]."""
        cid = self.pick([*self.clusters(), blake2b_256(b"phat model: no cluster")], pick)
        assert cid is not None
        args = {"amount": amount, "cluster_id": cid, "dest_account": who}
        self.block([call(PC + "transfer_to_cluster", args, signed(who))])

    @rule(who=people, pick=picks, amount=st.integers(0, 1_200))
    def stake(self, who: bytes, pick: int, amount: int) -> None:
        """A stake set on a contract, up or down, beyond one's means too [PHAT-31]."""
        contract = self.pick([*self.contracts(), blake2b_256(b"phat model: no contract")], pick)
        args = {"contract": contract, "amount": amount}
        self.block([call("PhalaPhatTokenomic.adjust_stake", args, signed(who))])

    @precondition(lambda self: bool(self.net.chain.phat.contracts))
    @rule(
        commands=st.lists(
            st.tuples(people, picks, st.booleans(), messages, amounts), min_size=1, max_size=3
        )
    )
    def commands(self, commands: list[tuple[bytes, int, bool, bytes, int]]) -> None:
        """Users send plain and encrypted commands, with deposits, in one block [PHAT-9]
        [PHAT-65]; an encrypted one is sealed to the key the chain holds, if any."""
        extrinsics = []
        for who, pick, encrypted, body, deposit in commands:
            contract = self.pick(self.contracts(), pick)
            assert contract is not None
            command = ink(self.next_nonce(), body)
            pubkey = self.net.chain.registry.contract_keys.get(contract)
            if encrypted and pubkey is not None:
                seed = blake2b_256(b"phat model: seed %d" % self.nonce)
                payload = cluster.encrypted_command(pubkey, seed, bytes(12), command)
            else:
                payload = cluster.plain_command(command)
            args = {"contract_id": contract, "payload": payload, "deposit": deposit}
            extrinsics.append(call(PC + "push_contract_message", args, signed(who)))
        self.block(extrinsics)

    # -- adversaries ---------------------------------------------------------------------------

    @precondition(lambda self: bool(self.net.chain.phat.contracts))
    @rule(pick=picks, how=st.sampled_from(("wrong_key", "garbage", "worker_origin")))
    def bad_command(self, pick: int, how: str) -> None:
        """An adversary's command: sealed to a key no contract has, an envelope that does not
        decode (from an account: skipped), or a command from a worker origin (``BadOrigin``)
        [PHAT-61] [PHAT-62]."""
        contract = self.pick(self.contracts(), pick)
        assert contract is not None
        command = ink(self.next_nonce(), b"adversary")
        if how == "worker_origin":
            sender = MessageOrigin("Worker", STRANGER.public)
            extrinsic = self.relayed(
                sender, command_topic(contract), cluster.plain_command(command), STRANGER
            )
        else:
            if how == "wrong_key":
                payload = cluster.encrypted_command(WRONG.public, bytes(32), bytes(12), command)
            else:
                payload = b"\x07" + command
            args = {"contract_id": contract, "payload": payload, "deposit": 0}
            extrinsic = call(PC + "push_contract_message", args, signed(ADVERSARY))
        self.block([extrinsic])

    @precondition(lambda self: not self.forged)
    @rule(pick=picks, to=st.sampled_from(WORKER_NAMES))
    def forged_dispatch(self, pick: int, to: str) -> None:
        """An account pushes a ``DispatchKeys`` of its own to the key topic: every runtime
        refuses it (``BadOrigin``) and reports a failed deployment [PHAT-55]. Once a run:
        every runtime signs its report, the costliest block of the model."""
        self.forged = True
        cid = self.pick(self.clusters(), pick) or blake2b_256(b"phat model: no cluster")
        sealed, _ = master_key.encrypt_key_to(
            master_key.MasterKeys(), WRONG, KEYS[to].ecdh_public, WRONG.secret, 1
        )
        forged = DispatchKeys(((KEYS[to].public, sealed),), cid, ADVERSARY, 0, 0, 0, 0, ADVERSARY)
        args = {"destination": CLUSTER_KEY_TOPIC, "payload": encode_payload(forged)}
        self.block([call("PhalaMq.push_message", args, signed(ADVERSARY))])

    @rule()
    def idle(self) -> None:
        """A block without extrinsics."""
        self.block()

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def inv_PHAT_67_key_only_to_listed_workers(self) -> None:
        """Only the workers ``DeployCluster`` listed host a cluster or hold its key's secret."""
        if self.state is None:
            return
        master = self.master()
        hosted = {n: rt.cluster for n, rt in self.net.runtimes.items()}
        for cid, listed in self.listed.items():
            if master is None:
                continue
            secret = cluster_keys.derive_cluster_key(master, cid).secret
            for name, runtime in self.net.runtimes.items():
                host = hosted[name]
                if runtime.pubkey in listed and host is not None and host.id == cid:
                    continue
                check(
                    secret not in pickle.dumps(runtime),
                    "inv_PHAT_67_key_only_to_listed_workers",
                    f"{name} holds the key of cluster {cid.hex()[:8]} without hosting it",
                )
        for name, host in hosted.items():
            if host is not None:
                check(
                    self.net.runtimes[name].pubkey in self.listed.get(host.id, frozenset()),
                    "inv_PHAT_67_key_only_to_listed_workers",
                    f"{name} hosts a cluster that did not list it",
                )

    @invariant()
    def inv_PHAT_51_keys_are_derived(self) -> None:
        """Cluster keys are the master key's children, contract keys their cluster key's; the
        chain's ``ClusterKeys`` and ``ContractKeys`` hold their public halves."""
        if self.state is None:
            return
        master = self.master()
        chain = self.net.chain
        for name, runtime in self.net.runtimes.items():
            host = runtime.cluster
            if host is None:
                continue
            assert master is not None
            # The sealed key carries the 64-byte secret only, no seed [PHAT-53].
            check(
                host.key.secret == cluster_keys.derive_cluster_key(master, host.id).secret
                and chain.registry.cluster_keys.get(host.id) == host.key.public,
                "inv_PHAT_51_keys_are_derived",
                f"{name}'s cluster key",
            )
            for cid, contract in host.contracts.items():
                check(
                    contract.key.secret == cluster_keys.derive_contract_key(host.key, cid).secret,
                    "inv_PHAT_51_keys_are_derived",
                    f"{name}'s key of contract {cid.hex()[:8]}",
                )
        owners = {info.system_contract: c for c, info in chain.phat.clusters.items()}
        for cid, pubkey in chain.registry.contract_keys.items():
            info = chain.phat.contracts.get(cid)
            cluster_of = info.cluster if info is not None else owners.get(cid)
            assert master is not None and cluster_of is not None
            expected = cluster_keys.derive_contract_key(
                cluster_keys.derive_cluster_key(master, cluster_of), cid
            )
            check(
                pubkey == expected.public,
                "inv_PHAT_51_keys_are_derived",
                f"ContractKeys of {cid.hex()[:8]}",
            )

    @invariant()
    def inv_PHAT_64_workers_agree(self) -> None:
        """The live workers hosting a cluster hold equal clusters, records byte for byte."""
        if self.state is None:
            return
        by_cluster: dict[bytes, set[bytes]] = {}
        for runtime in self.net.runtimes.values():
            if runtime.cluster is not None and runtime.halted is None:
                by_cluster.setdefault(runtime.cluster.id, set()).add(
                    pickle.dumps(to_data(runtime.cluster))
                )
        for cid, held in by_cluster.items():
            check(
                len(held) == 1,
                "inv_PHAT_64_workers_agree",
                f"the workers of cluster {cid.hex()[:8]} disagree",
            )

    @invariant()
    def inv_PHAT_34_issuance_is_sum(self) -> None:
        """No move creates PHA: the issuance is the sum of all balances, at most the genesis's."""
        if self.state is None:
            return
        chain = self.net.chain
        total = sum(a.data.free + a.data.reserved for a in chain.system.accounts.values())
        check(
            chain.balances.total_issuance == total <= self.issuance,
            "inv_PHAT_34_issuance_is_sum",
            lambda: f"issuance {chain.balances.total_issuance}, sum {total}",
        )

    @invariant()
    def inv_PHAT_67_no_honest_halt(self) -> None:
        """A runtime stops only by exiting its cluster [PHAT-60]."""
        if self.state is None:
            return
        for name, runtime in self.net.runtimes.items():
            check(
                runtime.halted is None or isinstance(runtime.halted, RuntimeExited),
                "inv_PHAT_67_no_honest_halt",
                f"{name} halted: {runtime.halted}",
            )


__all__ = ["EncryptedKey", "InvariantViolation", "PhatOffchainMachine"]
