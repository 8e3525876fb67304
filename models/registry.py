"""The registry model [MOD-9]: workers registering with simulated evidence, governance and gatekeepers.

:class:`RegistryMachine` drives the reference only through
:func:`phala_spec.apply_step` (``real`` signatures: the simulated authority's
and the message queue's), so its trace is a conformance case. Genesis is the
``minimal`` preset (the simulated provider on, [ATT-40]) with one of three
pRuntimes allowlisted and the relay-chain genesis hash admitted; blocks are
dated in 2023 so reports can be hours old.

* Honest workers (four keys) register with ``register_worker_v2`` and evidence
  the test authority signs for their own registration info ([ATT-46]),
  fresh, with a status drawn from the confidence table [ATT-4]; they
  re-register with another ECDH key, version or status; they report a
  benchmark through the message queue, which sets their initial score. A
  worker that is not registered reports one too: it is scored and announced
  but stores nothing [REG-13].
* Governance (root, or a council majority; a minority is refused) adds and
  removes pRuntimes [REG-5]; the gatekeeper rules [REG-14] [REG-17]..[REG-20]:
  register and unregister gatekeepers, start a rotation, gatekeepers (and
  workers that are not) upload a master public key, and the gatekeeper origin
  reports a rotated key with the locked or another rotation id.
* Adversaries submit evidence with one flaw: stale (7200 s or more old),
  report data binding another info, a tampered signature, another signing
  key, an unknown status; and evidence for a pRuntime governance never
  allowed or removed.

Ghost state: the allowlist as governance changed it, every registration the
model submitted with whether its evidence verifies and is allowlisted, each
worker's first ECDH key, the gatekeeper set at each rotation's start and the
master keys the model handed out. Invariants, named after their clause:

* ``inv_ATT_44_outcome_follows_check_order``: a registration's outcome is the
  first failing check of [ATT-43] [ATT-44] (or ``ok``);
* ``inv_ATT_44_only_valid_evidence_registers``: a registration succeeds only
  with evidence that verifies and is allowlisted, and every registered worker
  got there that way;
* ``inv_REG_11_reregistration_keeps_key_and_score``: a re-registration never
  changes the ECDH key or the initial score;
* ``inv_REG_13_bench_sets_score``, ``inv_REG_13_unregistered_report_stores_nothing``
  and ``inv_REG_13_report_is_announced``: a benchmark report's score (truncated to
  32 bits before the cap) is stored for a registered worker only, and pushed and
  evented for any worker;
* ``inv_REG_5_allowlist_follows_governance`` and governance outcomes;
* ``inv_REG_18_gatekeepers_never_empty_once_launched``;
* ``inv_REG_19_gatekeepers_frozen_during_rotation``;
* ``inv_REG_19_rotation_counter_never_decreases``;
* ``inv_REG_20_master_key_changes_only_by_matching_rotation``: the master key
  changes only in the step where a gatekeeper makes the first upload or the
  gatekeeper origin reports the locked rotation id, and to that key (a worker
  reporting a rotated key changes nothing);
* ``inv_REG_14_non_gatekeeper_upload_has_no_effect``;
* ``inv_CHAIN_9_rejected_calls_change_nothing``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin, signed_bytes
from phala_spec.chain.registry_payloads import BenchReport, MasterPubkey, RotatedMasterPubkey
from phala_spec.chain.system_payloads import BenchScore, WorkerEventWithKey
from phala_spec.chain.worker_messages import SYSTEM_EVENT_TOPIC, encode_payload
from phala_spec.conformance.authoring import default_randomness
from phala_spec.pallets.registry.allowlists import PALLET as REGISTRY_PALLET
from phala_spec.pallets.registry.workers import WorkerRegistrationInfoV2
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import Keypair, dev_keypair, sign
from phala_spec.steps import StepResult
from phala_spec.tee.attestation import confidence_level
from phala_spec.tee.simulated import AUTHORITY, authority_key, simulated_attestation_for

from .balances import InvariantViolation, check, violated
from .machine import ChainMachine

PRESET = "minimal"
SUITE = "registry"
REGISTER = "PhalaRegistry.register_worker_v2"
SYNC = "PhalaMq.sync_offchain_message"
E = "PhalaRegistry."

WORKER_KEYS = tuple(dev_keypair(f"models/registry/worker{i}") for i in range(4))
ECDH_KEYS = tuple(blake2b_256(b"models/registry/ecdh%d" % i) for i in range(3))
MASTER_KEYS = tuple(dev_keypair(f"models/registry/master{i}") for i in range(3))
MALLORY = authority_key("models/registry/mallory")
RUNTIMES = tuple(
    blake2b_256(b"models/registry/pruntime%d" % i) * 2 + bytes([i, 0, 0, 0]) for i in range(3)
)
RELAY_GENESIS = blake2b_256(b"models/registry/relay-genesis")
RELAYER = dev_keypair("models/registry/relayer").public
START = 1_700_000_000  # unix seconds of block 1
PARA_ID = 2035

STATUSES = (
    "OK",
    "UpToDate",
    "SW_HARDENING_NEEDED",
    "SWHardeningNeeded",
    "CONFIGURATION_NEEDED",
    "ConfigurationAndSWHardeningNeeded",
    "GROUP_OUT_OF_DATE",
    "OutOfDate",
)
ADVISORIES = ((), ("INTEL-SA-00334",), ("INTEL-SA-00615",))
FLAWS = ("stale", "unbound", "tampered", "wrong_authority", "bad_status")

GOVERNANCE = (
    {"kind": "root"},
    {"kind": "collective", "collective": "Council", "yes": 2, "total": 3},
)
MINORITY = {"kind": "collective", "collective": "Council", "yes": 1, "total": 2}

workers = st.integers(0, len(WORKER_KEYS) - 1)
# Five seconds of iterations whose u64 product by 6 is at least 2^32 with low 32 bits
# drawn near the cap of 6000, so truncating before the cap matters [REG-13].
wrapping_iterations = st.builds(
    lambda high, low, extra: ((high << 32) + low) // 6 * 5 + extra,
    st.integers(1, 2**32 - 1),
    st.integers(0, 7_000),
    st.integers(0, 4),
)


def expected_attestation_outcome(*, flaw: str | None, allowlisted: bool) -> str:
    """The first failing check of [ATT-43] then [ATT-44], or ``ok``; derived from the clauses."""
    if flaw in ("tampered", "wrong_authority"):
        return E + "InvalidIASSigningCert"
    if flaw == "bad_status":
        return E + "InvalidQuoteStatus"
    if not allowlisted:
        return E + "PRuntimeRejected"
    if flaw == "stale":
        return E + "OutdatedIASReport"
    if flaw == "unbound":
        return E + "InvalidRuntimeInfoHash"
    return "ok"


class RegistryMachine(ChainMachine):
    """pallet registry under honest workers, governance, gatekeepers and forged evidence [MOD-9]."""

    model_name = "registry"
    suite = SUITE
    preset = PRESET
    crypto = "real"

    def __init__(self) -> None:
        super().__init__()
        self.allowlist: list[bytes] = []
        self.validly_registered: set[bytes] = set()
        self.first_ecdh: dict[bytes, bytes] = {}
        self.rotation_start_set: tuple[bytes, ...] | None = None
        self.counter_seen = 0
        self.allowed_key: bytes | None = None  # the master key the step being sent may install

    # -- plumbing -------------------------------------------------------------------------

    def call(self, name: str, args: Mapping[str, Any], origin: Mapping[str, Any]) -> StepResult:
        """Apply a call; a rejected one must return the state it was given and no events [CHAIN-9]."""
        before = self.chain
        result = self.apply(
            {"kind": "call", "origin": dict(origin), "call": name, "args": dict(args)}
        )
        key = self.chain.registry.gatekeeper_master_pubkey
        if key != before.registry.gatekeeper_master_pubkey:
            check(
                key is not None and key == self.allowed_key,
                "inv_REG_20_master_key_changes_only_by_matching_rotation",
                "the master key changed outside a gatekeeper's first upload or a matching rotation",
            )
        if result.outcome != "ok":
            check(
                result.state is before and result.events == (),
                "inv_CHAIN_9_rejected_calls_change_nothing",
                f"{name} failed with {result.outcome} but changed the state",
            )
        return result

    def expect(self, result: StepResult, code: str, invariant_name: str, why: str) -> None:
        check(
            result.outcome == code,
            invariant_name,
            f"{why}: outcome {result.outcome}, the rules give {code}",
        )

    def now(self) -> int:
        return self.chain.system.block.timestamp // 1000

    def send(self, sender: MessageOrigin, key: Keypair, topic: bytes, payload: bytes) -> StepResult:
        """Relay one properly signed message at the sender's next sequence; the queue accepts it [MQ-10]."""
        sequence = int(self.chain.mq.ingress.get(sender, 0))
        message = Message(sender, topic, payload)
        signed = {
            "message": to_data(message),
            "sequence": sequence,
            "signature": sign(key, signed_bytes(message, sequence)),
        }
        result = self.call(SYNC, {"signed_message": signed}, {"kind": "signed", "who": RELAYER})
        check(
            result.outcome == "ok",
            "inv_MQ_10_honest_relay_is_accepted",
            f"a signed message at the next sequence: {result.outcome}",
        )
        return result

    def info(self, worker: int, ecdh: int = 0, version: int = 1) -> dict[str, Any]:
        return {
            "version": version,
            "machine_id": b"machine-%d" % worker,
            "pubkey": WORKER_KEYS[worker].public,
            "ecdh_pubkey": ECDH_KEYS[ecdh],
            "genesis_block_hash": RELAY_GENESIS,
            "features": [1, 4],
            "operator": None,
            "para_id": PARA_ID,
            "max_consensus_version": 0,
        }

    # -- genesis and blocks -----------------------------------------------------------------

    @initialize()
    def genesis(self) -> None:
        """``minimal`` with the first pRuntime allowlisted and the relay genesis admitted [REG-3]."""
        from phala_spec.runtime.genesis import genesis

        self.allowlist = [RUNTIMES[0]]
        self.genesis_overrides = {
            "registry": {
                "pruntime_allowlist": [RUNTIMES[0]],
                "genesis_hash_allowlist": [RELAY_GENESIS],
            }
        }
        self.state = genesis(PRESET, self.genesis_overrides)
        self.apply(
            {
                "kind": "initialize_block",
                "number": 1,
                "timestamp": START * 1000,
                "randomness": default_randomness(1),
            }
        )

    @rule(seconds=st.sampled_from((12, 3_600, 7_200)))
    def next_block(self, seconds: int) -> None:
        """Close the block; the next one comes ``seconds`` later."""
        self.apply({"kind": "finalize_block"})
        number = self.chain.system.block.number + 1
        self.apply(
            {
                "kind": "initialize_block",
                "number": number,
                "timestamp": self.chain.system.block.timestamp + seconds * 1000,
                "randomness": default_randomness(number),
            }
        )

    # -- registration [ATT-40]..[ATT-46] [REG-10] [REG-11] ------------------------------------

    def register(
        self,
        worker: int,
        runtime: int,
        *,
        ecdh: int,
        version: int,
        status: str,
        advisories: tuple[str, ...],
        age: int,
        flaw: str | None,
    ) -> None:
        args = self.info(worker, ecdh, version)
        info = WorkerRegistrationInfoV2(**{**args, "features": tuple(args["features"])})
        other = WorkerRegistrationInfoV2(**{**args, "features": (), "machine_id": b"someone else"})
        evidence = simulated_attestation_for(
            other if flaw == "unbound" else info,
            RUNTIMES[runtime],
            self.now() - age,
            status="BOGUS" if flaw == "bad_status" else status,
            advisory_ids=advisories,
            authority=MALLORY if flaw == "wrong_authority" else AUTHORITY,
        )
        signature = evidence.signature
        if flaw == "tampered":
            signature = bytes([signature[0] ^ 0x80]) + signature[1:]
        pubkey = WORKER_KEYS[worker].public
        before = self.chain.registry.workers.get(pubkey)
        valid = flaw is None and RUNTIMES[runtime] in self.allowlist
        result = self.call(
            REGISTER,
            {
                "pruntime_info": args,
                "attestation": {
                    "kind": "Simulated",
                    "report": evidence.report,
                    "signature": signature,
                },
            },
            {"kind": "signed", "who": pubkey},
        )
        expected = expected_attestation_outcome(
            flaw=flaw, allowlisted=RUNTIMES[runtime] in self.allowlist
        )
        self.expect(
            result,
            expected,
            "inv_ATT_44_outcome_follows_check_order",
            f"registration with flaw {flaw} for pRuntime {runtime}",
        )
        if result.outcome != "ok":
            return
        check(
            valid,
            "inv_ATT_44_only_valid_evidence_registers",
            f"evidence with flaw {flaw} for pRuntime {runtime} registered a worker",
        )
        self.validly_registered.add(pubkey)
        record = self.chain.registry.workers[pubkey]
        check(
            (record.attestation_provider, record.confidence_level)
            == ("Simulated", confidence_level(status, advisories)),
            "inv_ATT_43_confidence_from_the_table",
            f"{status} {advisories} gave {record.confidence_level}",
        )
        if before is None:
            self.first_ecdh.setdefault(pubkey, record.ecdh_pubkey)
        else:
            check(
                (record.ecdh_pubkey, record.initial_score)
                == (before.ecdh_pubkey, before.initial_score),
                "inv_REG_11_reregistration_keeps_key_and_score",
                "a re-registration changed the ECDH key or the initial score",
            )

    @rule(
        worker=workers,
        runtime=st.integers(0, 2),
        ecdh=st.integers(0, 2),
        version=st.integers(1, 3),
        status=st.sampled_from(STATUSES),
        advisories=st.sampled_from(ADVISORIES),
        age=st.integers(-3_600, 7_199),
    )
    def honest_register(
        self,
        worker: int,
        runtime: int,
        ecdh: int,
        version: int,
        status: str,
        advisories: tuple[str, ...],
        age: int,
    ) -> None:
        """A worker registers (or refreshes) with fresh, bound evidence from the authority."""
        self.register(
            worker,
            runtime,
            ecdh=ecdh,
            version=version,
            status=status,
            advisories=advisories,
            age=age,
            flaw=None,
        )

    @rule(
        worker=workers,
        runtime=st.integers(0, 2),
        flaw=st.sampled_from(FLAWS),
        extra_age=st.integers(0, 100_000),
    )
    def flawed_register(self, worker: int, runtime: int, flaw: str, extra_age: int) -> None:
        """Evidence with one flaw: the check order fixes the code [ATT-43] [ATT-44]."""
        age = 7_200 + extra_age if flaw == "stale" else 0
        self.register(
            worker, runtime, ecdh=1, version=1, status="OK", advisories=(), age=age, flaw=flaw
        )

    @rule(worker=workers, iterations=st.one_of(st.integers(0, 40_000), wrapping_iterations))
    def bench_report(self, worker: int, iterations: int) -> None:
        """A worker, registered or not, reports a benchmark of five seconds through the queue
        [REG-13]: the u64 product truncated to 32 bits, then capped, is pushed and evented; only
        a registered worker's record stores it."""
        key = WORKER_KEYS[worker]
        now_ms = self.chain.system.block.timestamp
        before = self.chain.registry
        result = self.send(
            MessageOrigin("Worker", key.public),
            key,
            b"^phala/registry/event",
            encode_payload(BenchReport(now_ms - 5_000, iterations)),
        )
        score = min(6000, (iterations // 5 * 6) % 2**64 % 2**32)
        record = self.chain.registry.workers.get(key.public)
        if key.public in before.workers:
            check(
                record is not None
                and (record.initial_score, record.last_updated) == (score, now_ms // 1000),
                "inv_REG_13_bench_sets_score",
                f"a benchmark report did not set the score {score}",
            )
        else:
            check(
                self.chain.registry == before,
                "inv_REG_13_unregistered_report_stores_nothing",
                "a report from an unregistered worker changed the registry",
            )
        pushed = Message(
            REGISTRY_PALLET,
            SYSTEM_EVENT_TOPIC,
            encode_payload(WorkerEventWithKey(key.public, BenchScore(score))),
        )
        scored = [(e.name, dict(e.fields)) for e in result.events if e.name.startswith(E)]
        check(
            self.chain.mq.outbound[-1:] == (pushed,)
            and scored == [(E + "InitialScoreSet", {"pubkey": key.public, "init_score": score})],
            "inv_REG_13_report_is_announced",
            f"a benchmark report did not push BenchScore({score}) and deposit InitialScoreSet",
        )

    # -- governance [REG-4] [REG-5] --------------------------------------------------------------

    @rule(
        add=st.booleans(),
        runtime=st.integers(0, 2),
        origin=st.sampled_from((*GOVERNANCE, MINORITY)),
    )
    def governance_pruntime(self, add: bool, runtime: int, origin: dict[str, Any]) -> None:
        """Governance adds or removes a pRuntime; a council minority is ``BadOrigin``."""
        pruntime = RUNTIMES[runtime]
        name = "PhalaRegistry.add_pruntime" if add else "PhalaRegistry.remove_pruntime"
        result = self.call(name, {"pruntime_hash": pruntime}, origin)
        present = pruntime in self.allowlist
        if origin is MINORITY:
            code = "BadOrigin"
        elif add:
            code = E + "PRuntimeAlreadyExists" if present else "ok"
        else:
            code = "ok" if present else E + "PRuntimeNotFound"
        self.expect(
            result,
            code,
            "inv_REG_5_governance_outcome",
            f"{name} ({'present' if present else 'absent'})",
        )
        if result.outcome == "ok":
            if add:
                self.allowlist.append(pruntime)
            else:
                self.allowlist.remove(pruntime)

    # -- gatekeepers and the master key [REG-14] [REG-17]..[REG-20] -------------------------------

    def pick_worker(self, data: st.DataObject, among: Any) -> int:
        """A worker index, from ``among`` (public keys) when it has any, else any worker."""
        indices = [i for i, k in enumerate(WORKER_KEYS) if k.public in among]
        return int(data.draw(st.sampled_from(indices or range(len(WORKER_KEYS)))))

    @rule(data=st.data(), registered=st.booleans(), origin=st.sampled_from(GOVERNANCE))
    def register_gatekeeper(
        self, data: st.DataObject, registered: bool, origin: dict[str, Any]
    ) -> None:
        """Governance makes a worker (mostly a registered one) a gatekeeper [REG-17]."""
        reg = self.chain.registry
        pubkey = WORKER_KEYS[self.pick_worker(data, reg.workers if registered else ())].public
        if reg.master_key_rotation_lock is not None:
            code = E + "MasterKeyInRotation"
        elif reg.gatekeepers and reg.gatekeeper_master_pubkey is None:
            code = E + "MasterKeyUninitialized"
        elif pubkey not in reg.gatekeepers and pubkey not in reg.workers:
            code = E + "WorkerNotFound"
        else:
            code = "ok"
        result = self.call("PhalaRegistry.register_gatekeeper", {"gatekeeper": pubkey}, origin)
        self.expect(result, code, "inv_REG_17_register_gatekeeper_outcome", "register_gatekeeper")

    @rule(data=st.data(), gatekeeper=st.booleans())
    def unregister_gatekeeper(self, data: st.DataObject, gatekeeper: bool) -> None:
        """Governance removes a gatekeeper; never during a rotation, never the last [REG-18]."""
        reg = self.chain.registry
        pubkey = WORKER_KEYS[self.pick_worker(data, reg.gatekeepers if gatekeeper else ())].public
        if reg.master_key_rotation_lock is not None:
            code = E + "MasterKeyInRotation"
        elif pubkey not in reg.gatekeepers:
            code = E + "InvalidGatekeeper"
        elif len(reg.gatekeepers) <= 1:
            code = E + "CannotRemoveLastGatekeeper"
        else:
            code = "ok"
        result = self.call(
            "PhalaRegistry.unregister_gatekeeper", {"gatekeeper": pubkey}, {"kind": "root"}
        )
        self.expect(
            result, code, "inv_REG_18_unregister_gatekeeper_outcome", "unregister_gatekeeper"
        )

    @precondition(
        lambda self: (
            self.state is not None and self.chain.registry.gatekeeper_master_pubkey is not None
        )
    )
    @rule()
    def rotate_master_key(self) -> None:
        """Once launched, governance starts a rotation; refused while one is in progress [REG-19]."""
        reg = self.chain.registry
        code = E + "MasterKeyInRotation" if reg.master_key_rotation_lock is not None else "ok"
        result = self.call("PhalaRegistry.rotate_master_key", {}, {"kind": "root"})
        self.expect(result, code, "inv_REG_19_rotate_outcome", "rotate_master_key")
        if result.outcome == "ok":
            self.rotation_start_set = self.chain.registry.gatekeepers

    @rule(data=st.data(), gatekeeper=st.booleans(), master=st.integers(0, len(MASTER_KEYS) - 1))
    def upload_master_key(self, data: st.DataObject, gatekeeper: bool, master: int) -> None:
        """A worker, gatekeeper (mostly) or not, uploads a master public key [REG-14]."""
        reg = self.chain.registry
        worker = self.pick_worker(data, reg.gatekeepers if gatekeeper else ())
        pubkey = WORKER_KEYS[worker].public
        before = reg.gatekeeper_master_pubkey
        if pubkey in reg.gatekeepers and before is None:
            self.allowed_key = MASTER_KEYS[master].public
        self.send(
            MessageOrigin("Worker", pubkey),
            WORKER_KEYS[worker],
            b"^phala/registry/event",
            encode_payload(MasterPubkey(MASTER_KEYS[master].public)),
        )
        self.allowed_key = None
        if pubkey not in reg.gatekeepers:
            check(
                self.chain.registry.gatekeeper_master_pubkey == before,
                "inv_REG_14_non_gatekeeper_upload_has_no_effect",
                "a non-gatekeeper's upload took effect",
            )

    @precondition(
        lambda self: (
            self.state is not None and self.chain.registry.gatekeeper_master_pubkey is not None
        )
    )
    @rule(new=st.integers(0, len(MASTER_KEYS) - 1), offset=st.sampled_from((0, 0, 1, -1)))
    def rotated_master_key(self, new: int, offset: int) -> None:
        """The gatekeeper origin (signed with the current master key) reports a rotated key [REG-20]."""
        reg = self.chain.registry
        current = next((k for k in MASTER_KEYS if k.public == reg.gatekeeper_master_pubkey), None)
        if current is None:
            return
        lock = reg.master_key_rotation_lock
        rotation_id = max(0, (lock if lock is not None else reg.rotation_counter) + offset)
        matching = lock is not None and rotation_id == lock
        if matching:
            self.allowed_key = MASTER_KEYS[new].public
        self.send(
            GATEKEEPER,
            current,
            b"^phala/registry/gk_event",
            encode_payload(RotatedMasterPubkey(rotation_id, MASTER_KEYS[new].public)),
        )
        self.allowed_key = None
        if matching:
            check(
                self.chain.registry.master_key_rotation_lock is None
                and self.chain.registry.gatekeeper_master_pubkey == MASTER_KEYS[new].public,
                "inv_REG_20_matching_rotation_installs_key",
                "a matching rotation did not complete",
            )
            self.rotation_start_set = None

    @rule(worker=workers, new=st.integers(0, len(MASTER_KEYS) - 1))
    def worker_reports_rotation(self, worker: int, new: int) -> None:
        """A worker, not the gatekeeper origin, reports a rotated key with the locked id:
        the handler refuses the sender ([REG-20]), so nothing changes (checked by the call)."""
        reg = self.chain.registry
        rotation_id = reg.master_key_rotation_lock or reg.rotation_counter
        self.send(
            MessageOrigin("Worker", WORKER_KEYS[worker].public),
            WORKER_KEYS[worker],
            b"^phala/registry/gk_event",
            encode_payload(RotatedMasterPubkey(rotation_id, MASTER_KEYS[new].public)),
        )
        check(
            self.chain.registry.master_key_rotation_lock == reg.master_key_rotation_lock,
            "inv_REG_20_only_the_gatekeeper_rotates",
            "a worker's rotated key released the lock",
        )

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def inv_ATT_44_only_valid_evidence_registers(self) -> None:
        """Every registered worker was registered by evidence that verified and was allowlisted."""
        if self.state is None:
            return
        for pubkey in self.chain.registry.workers:
            if pubkey not in self.validly_registered:
                violated(
                    "inv_ATT_44_only_valid_evidence_registers",
                    f"worker {pubkey.hex()[:8]} appeared",
                )

    @invariant()
    def inv_REG_11_reregistration_keeps_key_and_score(self) -> None:
        """A worker's ECDH key is the one it first registered with."""
        if self.state is None:
            return
        for pubkey, ecdh in self.first_ecdh.items():
            check(
                self.chain.registry.workers[pubkey].ecdh_pubkey == ecdh,
                "inv_REG_11_reregistration_keeps_key_and_score",
                "the ECDH key changed",
            )

    @invariant()
    def inv_REG_5_allowlist_follows_governance(self) -> None:
        if self.state is not None:
            check(
                list(self.chain.registry.pruntime_allowlist) == self.allowlist,
                "inv_REG_5_allowlist_follows_governance",
                "the allowlist differs from governance's calls",
            )

    @invariant()
    def inv_REG_18_gatekeepers_never_empty_once_launched(self) -> None:
        if self.state is not None and self.chain.registry.gatekeeper_launched_at is not None:
            check(
                bool(self.chain.registry.gatekeepers),
                "inv_REG_18_gatekeepers_never_empty_once_launched",
                "no gatekeeper left after the launch",
            )

    @invariant()
    def inv_REG_19_gatekeepers_frozen_during_rotation(self) -> None:
        if self.state is not None and self.chain.registry.master_key_rotation_lock is not None:
            check(
                self.chain.registry.gatekeepers == self.rotation_start_set,
                "inv_REG_19_gatekeepers_frozen_during_rotation",
                "the gatekeepers changed during a rotation",
            )

    @invariant()
    def inv_REG_19_rotation_counter_never_decreases(self) -> None:
        if self.state is None:
            return
        counter = self.chain.registry.rotation_counter
        check(
            counter >= self.counter_seen,
            "inv_REG_19_rotation_counter_never_decreases",
            f"the counter went from {self.counter_seen} to {counter}",
        )
        self.counter_seen = counter


__all__ = ["InvariantViolation", "RegistryMachine"]
