"""The master-key model [KEY-18]: gatekeepers that launch, join, leave and rotate the key, under
honest, withholding and adversarial relayers.

:class:`MasterKeyMachine` drives a network through :func:`phala_spec.apply_step`
with ``network_block`` steps ([STEP-5]), so its trace is a conformance case.
The runtimes: three gatekeeper identities (``gk1`` with a replica served by
another relayer, ``gk2``, ``gk3``) and a worker. Governance launches ``gk1``
at genesis, then registers and unregisters the others and rotates the key;
any relayer may be withheld in a block. An adversary sends a stranger's batch
(from a worker origin, listing gatekeepers), resends an accepted batch's
payload from its worker origin, replays accepted ``Gatekeeper`` messages, and
forges ``RotatedMasterPubkey`` (from a worker origin, or under a stranger's
key).

Invariants, after every block, named after the clause they check:

* ``inv_KEY_17_replicas_agree``: the two ``gk1`` runtimes are equal, and every
  runtime holding the role holds the same history, IV counter, last beacon
  and ``Gatekeeper`` sequence;
* ``inv_KEY_17_chain_key_is_newest``: with no rotation in progress, the
  chain's master key is the newest key of every history in force;
* ``inv_KEY_17_secrets_only_to_gatekeepers``: every key a gatekeeper encrypts
  goes to a gatekeeper the chain lists, and decrypts with that gatekeeper's
  identity;
* ``inv_KEY_17_no_honest_halt``: no runtime halts;
* ``inv_KEY_17_adversaries_change_nothing``: a block carrying an adversary's
  messages (a stranger's batch, an accepted batch's payload resent from a
  worker origin, replays, forged reports) ends with the runtimes, the chain's
  key and its rotation lock as the same block without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from phala_spec.chain.key_payloads import (
    EncryptedKey,
    MasterKeyDistribution,
    MasterKeyHistory,
    MasterKeyRotation,
)
from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin, signed_bytes
from phala_spec.chain.registry_payloads import RotatedMasterPubkey, RotateMasterKey, WorkerIdentity
from phala_spec.chain.worker_messages import (
    GATEKEEPER_KEY_TOPIC,
    GATEKEEPER_REGISTRY_EVENT_TOPIC,
    decode_key_distribution,
    encode_payload,
)
from phala_spec.network import NetworkState, genesis_state, relay_batch
from phala_spec.offchain import master_key
from phala_spec.offchain.master_key import MasterKeys, RotatedKey
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import Keypair, dev_keypair, sign
from phala_spec.steps import StepResult, apply_step

from .balances import InvariantViolation, check
from .network import next_block_step

PRESET = "minimal"
SUITE = "gatekeeper"
SYNC = "PhalaMq.sync_offchain_message"

IDENTITIES = ("gk1", "gk2", "gk3")
KEY_NAMES = {name: f"models/keys/{name}" for name in (*IDENTITIES, "worker")}
KEYS = {name: dev_keypair(key) for name, key in KEY_NAMES.items()}
STRANGER = dev_keypair("models/keys/stranger")
ADVERSARY = dev_keypair("models/keys/adversary").public
ROOT = {"kind": "root"}

RUNTIMES: tuple[dict[str, Any], ...] = (
    {"name": "gk1", "key": KEY_NAMES["gk1"], "role": "gatekeeper"},
    {
        "name": "gk1-replica",
        "key": KEY_NAMES["gk1"],
        "role": "gatekeeper",
        "relayer": dev_keypair("models/keys/other-relayer").public,
    },
    {"name": "gk2", "key": KEY_NAMES["gk2"], "role": "gatekeeper"},
    {"name": "gk3", "key": KEY_NAMES["gk3"], "role": "gatekeeper"},
    {"name": "worker", "key": KEY_NAMES["worker"], "role": "worker"},
)
NAMES = tuple(sorted(r["name"] for r in RUNTIMES))

withholdings = st.lists(st.sampled_from(NAMES), max_size=3, unique=True)


def call(name: str, args: dict[str, Any], origin: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"origin": origin or ROOT, "call": name, "args": args}


def relay(signed: Any) -> dict[str, Any]:
    return call(SYNC, {"signed_message": signed}, {"kind": "signed", "who": ADVERSARY})


class MasterKeyMachine(RuleBasedStateMachine):
    """Gatekeepers and the master key under honest and adversarial relayers [KEY-18]."""

    model_name = "master_key"
    suite = SUITE
    preset = PRESET

    def __init__(self) -> None:
        super().__init__()
        self.crypto = "real"
        self.genesis_overrides: dict[str, Any] = {}
        self.state: NetworkState | None = None
        self.trace: list[dict[str, Any]] = []
        self.failed_step: Any = None
        self.accepted: list[dict[str, Any]] = []  # Gatekeeper messages the chain accepted

    @property
    def net(self) -> NetworkState:
        assert self.state is not None, "the genesis rule runs first"
        return self.state

    # -- the step ------------------------------------------------------------------------------

    def block(
        self, extrinsics: Sequence[dict[str, Any]] = (), withheld: Sequence[str] = ()
    ) -> StepResult:
        """Apply one network block and check the per-block properties [NET-4] [KEY-17]."""
        before = self.net
        step = next_block_step(before, extrinsics, withheld)
        self.failed_step = step
        result = apply_step(before, step)
        self.failed_step = None
        self.trace.append(step)
        assert isinstance(result.state, NetworkState)
        self.state = result.state
        report = result.returned
        self._record_accepted(before, report)
        self._check_secrets(report)
        return result

    def _record_accepted(self, before: NetworkState, report: dict[str, Any]) -> None:
        """Keep the ``Gatekeeper`` messages the chain accepted from the runtimes, for replays."""
        for entry in report["extrinsics"]:
            if entry["runtime"] is None or entry["outcome"] != "ok":
                continue
            if entry["sender"] != {"kind": "Gatekeeper", "id": b""}:
                continue
            runtime = before.runtimes[entry["runtime"]]
            for m in runtime.queue.channels[GATEKEEPER].messages:
                if m.sequence == entry["sequence"]:
                    signed = to_data(m)
                    if self.crypto == "oracle":
                        signed["signature"] = True
                    self.accepted.append(signed)

    def _check_secrets(self, report: dict[str, Any]) -> None:
        listed = set(self.net.chain.registry.gatekeepers)
        by_key = {KEYS[i].public: KEYS[i] for i in IDENTITIES}
        for name, messages in report["egress"].items():
            for m in messages:
                if m["message"]["destination"] != GATEKEEPER_KEY_TOPIC:
                    continue
                payload = decode_key_distribution(m["message"]["payload"])
                if isinstance(payload, MasterKeyRotation):
                    recipients = [(pk, [key]) for pk, key in payload.secret_keys]
                elif isinstance(payload, MasterKeyHistory):
                    recipients = [(payload.dest, [e.key for e in payload.history])]
                elif isinstance(payload, MasterKeyDistribution):
                    single = EncryptedKey(
                        payload.ecdh_pubkey, payload.encrypted_master_key, payload.iv
                    )
                    recipients = [(payload.dest, [single])]
                else:  # pragma: no cover - a decode failure would have halted the sender
                    continue
                for pubkey, encrypted in recipients:
                    check(
                        pubkey in listed,
                        "inv_KEY_17_secrets_only_to_gatekeepers",
                        f"{name} encrypted a master secret to a non-gatekeeper",
                    )
                    owner = by_key.get(pubkey)
                    check(
                        owner is not None
                        and all(master_key.decrypt_key(owner, e) is not None for e in encrypted),
                        "inv_KEY_17_secrets_only_to_gatekeepers",
                        f"{name} encrypted a master secret that its recipient cannot decrypt",
                    )

    # -- helpers -------------------------------------------------------------------------------

    def gatekeepers(self) -> tuple[bytes, ...]:
        return self.net.chain.registry.gatekeepers

    def locked(self) -> bool:
        return self.net.chain.registry.master_key_rotation_lock is not None

    def master(self) -> Keypair | None:
        for runtime in self.net.runtimes.values():
            if runtime.keys.current is not None:
                return runtime.keys.current
        return None

    def adversary_block(self, extrinsics: Sequence[dict[str, Any]], what: str) -> StepResult:
        """A block carrying only the adversary's extrinsics: every runtime, the chain's master
        key and its rotation lock end as they do in the same block without them."""
        before = self.net
        quiet = next_block_step(before)
        baseline = apply_step(before, quiet).state
        assert isinstance(baseline, NetworkState)
        result = self.block(extrinsics)
        registry, expected = self.net.chain.registry, baseline.chain.registry
        check(
            self.net.runtimes == baseline.runtimes
            and registry.gatekeeper_master_pubkey == expected.gatekeeper_master_pubkey
            and registry.master_key_rotation_lock == expected.master_key_rotation_lock,
            "inv_KEY_17_adversaries_change_nothing",
            what,
        )
        return result

    # -- genesis -------------------------------------------------------------------------------

    @initialize(crypto=st.sampled_from(("real", "oracle")))
    def genesis(self, crypto: str) -> None:
        """Five runtimes on the ``minimal`` chain; gk1 becomes the first gatekeeper and launches."""
        self.crypto = crypto
        self.genesis_overrides = {"runtimes": [dict(r) for r in RUNTIMES], "crypto": crypto}
        state = genesis_state(PRESET, self.genesis_overrides)
        assert isinstance(state, NetworkState)
        self.state = state
        enroll = [
            call(
                "PhalaRegistry.force_register_worker",
                {"pubkey": k.public, "ecdh_pubkey": k.ecdh_public, "operator": None},
            )
            for k in KEYS.values()
        ]
        register = call("PhalaRegistry.register_gatekeeper", {"gatekeeper": KEYS["gk1"].public})
        self.block([*enroll, register])
        self.block()

    # -- governance ----------------------------------------------------------------------------

    @rule(who=st.sampled_from(IDENTITIES[1:] + IDENTITIES[:1]), withheld=withholdings)
    def join(self, who: str, withheld: list[str]) -> None:
        """Governance registers a gatekeeper (when the set may change)."""
        if self.locked() or KEYS[who].public in self.gatekeepers():
            return
        args = {"gatekeeper": KEYS[who].public}
        self.block([call("PhalaRegistry.register_gatekeeper", args)], withheld)

    @rule(who=st.sampled_from(IDENTITIES), withheld=withholdings)
    def leave(self, who: str, withheld: list[str]) -> None:
        """Governance unregisters a gatekeeper (never the last)."""
        if self.locked() or KEYS[who].public not in self.gatekeepers():
            return
        if len(self.gatekeepers()) < 2:
            return
        args = {"gatekeeper": KEYS[who].public}
        self.block([call("PhalaRegistry.unregister_gatekeeper", args)], withheld)

    @rule(withheld=withholdings)
    def rotate(self, withheld: list[str]) -> None:
        """Governance rotates the master key."""
        if self.locked():
            return
        self.block([call("PhalaRegistry.rotate_master_key", {})], withheld)

    @rule(withheld=withholdings, blocks=st.integers(1, 3))
    def idle(self, withheld: list[str], blocks: int) -> None:
        """Blocks without extrinsics; some relayers withheld."""
        for _ in range(blocks):
            self.block((), withheld)

    # -- adversaries ---------------------------------------------------------------------------

    @rule(listed=st.lists(st.sampled_from(IDENTITIES), min_size=1, max_size=3, unique=True))
    def stranger_batch(self, listed: list[str]) -> None:
        """A stranger's batch from its worker origin, listing gatekeepers: nobody acts on it."""
        master = self.master()
        if master is None:
            return
        identities = tuple(WorkerIdentity(KEYS[n].public, KEYS[n].ecdh_public) for n in listed)
        holder = MasterKeys(history=(RotatedKey(0, 0, master),), active=True)
        rotation = self.net.chain.registry.rotation_counter + 1
        batch, _ = master_key.rotation_batch(
            holder, STRANGER, 1, RotateMasterKey(rotation, identities)
        )
        signed = self._signed(MessageOrigin("Worker", STRANGER.public), batch)
        self.adversary_block([relay(signed)], "a stranger's batch took effect")

    @precondition(lambda self: bool(self.accepted))
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        """Replay accepted ``Gatekeeper`` messages (batches among them): each is refused."""
        replays = data.draw(st.lists(st.sampled_from(self.accepted), min_size=1, max_size=2))
        result = self.adversary_block([relay(m) for m in replays], "a replay took effect")
        outcomes = [e["outcome"] for e in result.returned["extrinsics"][-len(replays) :]]
        check(
            all(o == "PhalaMq.BadSequence" for o in outcomes),
            "inv_KEY_17_adversaries_change_nothing",
            f"replays gave {outcomes}",
        )

    @precondition(lambda self: any(_is_batch(m) for m in self.accepted))
    @rule(data=st.data())
    def replayed_batch_payload(self, data: st.DataObject) -> None:
        """An accepted batch's payload, sent again from a stranger's worker origin: it carries a
        gatekeeper's valid identity signature, and only the origin check stops it."""
        batch = data.draw(st.sampled_from([m for m in self.accepted if _is_batch(m)]))
        sender = MessageOrigin("Worker", STRANGER.public)
        payload = batch["message"]["payload"]
        signed = self._signed_raw(sender, GATEKEEPER_KEY_TOPIC, payload, STRANGER)
        self.adversary_block([relay(signed)], "a batch's payload from a worker origin took effect")

    @rule(how=st.sampled_from(("worker_origin", "stranger_key")))
    def forged_report(self, how: str) -> None:
        """A forged ``RotatedMasterPubkey`` naming the stranger's key: the chain keeps its key."""
        registry = self.net.chain.registry
        rotation = registry.master_key_rotation_lock or registry.rotation_counter
        payload = encode_payload(RotatedMasterPubkey(rotation, STRANGER.public))
        if how == "worker_origin":
            sender = MessageOrigin("Worker", STRANGER.public)
            signed = self._signed_raw(sender, GATEKEEPER_REGISTRY_EVENT_TOPIC, payload, STRANGER)
        else:
            signed = self._signed_raw(
                GATEKEEPER, GATEKEEPER_REGISTRY_EVENT_TOPIC, payload, STRANGER, valid=False
            )
        self.adversary_block([relay(signed)], f"a forged report ({how}) took effect")

    def _signed(self, sender: MessageOrigin, batch: MasterKeyRotation) -> dict[str, Any]:
        return self._signed_raw(sender, GATEKEEPER_KEY_TOPIC, encode_payload(batch), STRANGER)

    def _signed_raw(
        self, sender: MessageOrigin, topic: bytes, payload: bytes, key: Keypair, valid: bool = True
    ) -> dict[str, Any]:
        """A message at the sender's next sequence once the block's relayers are through."""
        pending = {
            r.signed.sequence for r in relay_batch(self.net) if r.signed.message.sender == sender
        }
        sequence = self.net.chain.mq.ingress.get(sender, 0) + len(pending)
        message = Message(sender, topic, payload)
        signature: bytes | bool
        if self.crypto == "oracle":
            signature = valid
        else:
            signer = key if valid else dev_keypair("models/keys/forger")
            signature = sign(signer, signed_bytes(message, sequence))
        return {"message": to_data(message), "sequence": sequence, "signature": signature}

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def inv_KEY_17_replicas_agree(self) -> None:
        """Replicas are equal; every runtime holding the role holds the same keys and counters, and
        every gatekeeper runtime the same economics."""
        if self.state is None:
            return
        runtimes = self.net.runtimes
        check(
            runtimes["gk1"] == runtimes["gk1-replica"],
            "inv_KEY_17_replicas_agree",
            "the gk1 replicas diverged",
        )
        active = [rt for rt in runtimes.values() if rt.keys.active and rt.halted is None]
        records = {
            (
                rt.keys.history,
                rt.keys.iv_seq,
                rt.keys.last_random_number,
                rt.queue.channels[GATEKEEPER].sequence,
            )
            for rt in active
        }
        check(
            len(records) <= 1,
            "inv_KEY_17_replicas_agree",
            "the runtimes holding the role disagree on their keys or counters",
        )
        # The economics depend on no key: every gatekeeper runtime computes the same [GK-1].
        gatekeepers = [rt for rt in runtimes.values() if rt.config.gatekeeper and rt.halted is None]
        check(
            all(rt.economics == gatekeepers[0].economics for rt in gatekeepers),
            "inv_KEY_17_replicas_agree",
            "the gatekeeper runtimes disagree on their economics",
        )

    @invariant()
    def inv_KEY_17_chain_key_is_newest(self) -> None:
        """With no rotation in progress, the chain's key is every history's newest key."""
        if self.state is None or self.locked():
            return
        chain_key = self.net.chain.registry.gatekeeper_master_pubkey
        if chain_key is None:
            return
        for name, runtime in self.net.runtimes.items():
            if runtime.keys.active:
                check(
                    runtime.keys.history[-1].key.public == chain_key,
                    "inv_KEY_17_chain_key_is_newest",
                    f"{name}'s newest key is not the chain's",
                )

    @invariant()
    def inv_KEY_17_no_honest_halt(self) -> None:
        """No runtime halts: nothing the honest gatekeepers or the adversary sends poisons one."""
        if self.state is None:
            return
        for name, runtime in self.net.runtimes.items():
            check(
                runtime.halted is None,
                "inv_KEY_17_no_honest_halt",
                f"{name} halted: {runtime.halted}",
            )


def _is_batch(signed: dict[str, Any]) -> bool:
    message = signed["message"]
    return bool(
        message["destination"] == GATEKEEPER_KEY_TOPIC and message["payload"][:1] == b"\x01"
    )


__all__ = ["InvariantViolation", "MasterKeyMachine"]
