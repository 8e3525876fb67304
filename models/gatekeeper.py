"""The gatekeeper model [MOD-14]: the economics run through the network, with late and duplicated heartbeats.

:class:`GatekeeperMachine` drives a network through :func:`phala_spec.apply_step`
with ``network_block`` steps ([STEP-5]): two replicas of one gatekeeper and two
workers, set up through the chain as the ``gatekeeper`` suite does (registered,
benchmarked by their runtimes, in a stake pool, started with stakes), the
heartbeat unpaused. Then blocks pass: plain ones, ones in which a worker's
relayer withholds (its heartbeats arrive late, it may go offline and recover),
root's challenges that hit every worker at once (so answers pile up and arrive
in one block), copies of accepted heartbeats relayed again by an adversary,
governance changing the budget, ``rho`` or the slash rate.

Invariants, after every block:

* ``inv_GK_21_replicas_agree``: the two replicas hold equal economics and
  signed identical egress;
* ``inv_GK_21_v_bounded``: every worker's V is within ``[0, v_max]``;
* ``inv_GK_21_payout_within_budget``: each paid heartbeat's payout plus
  treasury is at most the worker's share of the budget for the blocks it
  covers, with its share at most the one with P at its cap (GK-P6, GK-P7) and
  the sum of shares at the block's opening;
* ``inv_GK_20_honest_network_never_poisons``: no gatekeeper halts (only
  copies the chain rejects are ever replayed);
* ``inv_GK_19_reports_reach_the_chain``: every message the gatekeeper signs
  on its ``Gatekeeper`` channel in a block (its reports, and the beacon of
  [KEY-14] every fifth block) is accepted by the chain in the next one.

The overshoot of the block-start sum ([GK-21] 3), ``Σ share paid / sum_share``
over a block's paid heartbeats, is measured from what was paid (each
payout plus treasury over the budget of the blocks it covers): Hypothesis
``target``s it, and :data:`OVERSHOOT` keeps the largest seen in the process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis import target
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from phala_spec.chain.computation_payloads import WorkingInfoUpdateEvent
from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.worker_messages import (
    WORKING_INFO_UPDATE_TOPIC,
    WORKING_REPORT_TOPIC,
    decode_working_info_update,
)
from phala_spec.network import NetworkState, genesis_state
from phala_spec.offchain import gatekeeper as gk
from phala_spec.pallets import computation
from phala_spec.pallets.mq import ingress
from phala_spec.primitives import fixed
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.steps import StepResult, apply_step

from .balances import check
from .network import next_block_step

PRESET = "minimal"
SUITE = "gatekeeper"
PHA = 10**12
SYNC = "PhalaMq.sync_offchain_message"
C = "PhalaComputation."
SP = "PhalaStakePoolv2."
GENESIS_HASH = blake2b_256(b"phala-spec/models/gatekeeper/relay-genesis")
GK_KEY = "models/gk/gatekeeper"
WORKER_KEYS = {"w1": "models/gk/worker1", "w2": "models/gk/worker2"}
WORKERS = {name: dev_keypair(key) for name, key in WORKER_KEYS.items()}
GATEKEEPER = dev_keypair(GK_KEY)
SPEEDS = {"w1": 1_500, "w2": 4_000}
REPLICAS = ("gk-a", "gk-b")
ALICE = dev_keypair("alice").public
BOB = dev_keypair("bob").public
EVE = dev_keypair("eve").public

OVERSHOOT: list[float] = [1.0]
"""The largest ``Σ share paid / sum_share`` of a block seen in this process [GK-21]."""


def _signed(who: bytes) -> dict[str, Any]:
    return {"kind": "signed", "who": who}


def _root() -> dict[str, Any]:
    return {"kind": "root"}


def _x(origin: dict[str, Any], call: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"origin": origin, "call": call, "args": args}


class GatekeeperMachine(RuleBasedStateMachine):
    """Gatekeeper replicas and workers computing through the network [MOD-14]."""

    model_name = "gatekeeper"
    suite = SUITE
    preset = PRESET

    def __init__(self) -> None:
        super().__init__()
        self.crypto = "real"
        self.genesis_overrides: dict[str, Any] = {}
        self.state: NetworkState | None = None
        self.trace: list[dict[str, Any]] = []
        self.failed_step: Any = None
        self.signed_heartbeats: list[dict[str, Any]] = []  # workers' heartbeats, as signed
        self.accepted_heartbeats: list[dict[str, Any]] = []  # the last ones the chain accepted
        self.signed_reports = 0
        self.overshoot = 1.0  # the largest of this run [GK-21] 3

    @property
    def net(self) -> NetworkState:
        assert self.state is not None, "the genesis rule runs first"
        return self.state

    # -- the step ----------------------------------------------------------------------

    def block(
        self, extrinsics: Sequence[dict[str, Any]] = (), withheld: Sequence[str] = ()
    ) -> StepResult:
        """One network block [NET-4], then every per-block check."""
        before = self.net
        step = next_block_step(before, extrinsics, withheld)
        self.failed_step = step
        result = apply_step(before, step)
        self.failed_step = None
        self.trace.append(step)
        assert isinstance(result.state, NetworkState)
        self.state = result.state
        report = result.returned
        assert isinstance(report, dict)
        self._check_reports_accepted(report)
        self._check_payouts(before, report)
        for name in WORKERS:
            self.signed_heartbeats.extend(
                m
                for m in report["egress"].get(name, [])
                if m["message"]["destination"] == WORKING_REPORT_TOPIC
            )
        accepted = [m for m in self.signed_heartbeats if self._accepted(m)]
        self.accepted_heartbeats = accepted[-8:]
        return result

    def _accepted(self, signed: dict[str, Any]) -> bool:
        sender = signed["message"]["sender"]
        origin = MessageOrigin(sender["kind"], sender["id"])
        return bool(signed["sequence"] < ingress(self.net.chain, origin))

    def _economics(self, net: NetworkState, name: str = "gk-a") -> gk.Economics:
        econ = net.runtimes[name].economics
        assert econ is not None
        return econ

    def _check_reports_accepted(self, report: dict[str, Any]) -> None:
        gk_relays = [
            e
            for e in report["extrinsics"]
            if e["runtime"] in REPLICAS
            and e["sender"]["kind"] == "Gatekeeper"
            and e["outcome"] == "ok"
        ]
        check(
            len(gk_relays) == self.signed_reports,
            "inv_GK_19_reports_reach_the_chain",
            f"{self.signed_reports} messages signed last block, {len(gk_relays)} accepted",
        )
        # Its reports, and its beacon every fifth block [KEY-14]: all on the Gatekeeper channel.
        self.signed_reports = sum(
            1
            for m in report["egress"].get("gk-a", [])
            if m["message"]["sender"]["kind"] == "Gatekeeper"
        )

    def _check_payouts(self, before: NetworkState, report: dict[str, Any]) -> None:
        """[GK-21] 2 and 3: each payout within its budget; the block's overshoot measured."""
        econ_before = self._economics(before)
        runtime = before.runtimes["gk-a"]
        sessions = {
            k: w.working.session_id for k, w in runtime.workers.items() if w.working is not None
        }
        total = gk.sum_share(econ_before, sessions)
        used = 0.0
        for signed in report["egress"].get("gk-a", []):
            if signed["message"]["destination"] != WORKING_INFO_UPDATE_TOPIC:
                continue
            update = decode_working_info_update(signed["message"]["payload"])
            assert isinstance(update, WorkingInfoUpdateEvent)
            for settled in update.settle:
                if settled.payout == 0:
                    continue
                old = econ_before.workers[settled.pubkey].tokenomic
                # The share paid is at most the share with P at its cap (GK-P6, GK-P7).
                capped = gk.share_of(
                    old.v,
                    fixed.mul(old.p_bench, gk.P_CAP),
                    gk.confidence_score(old.confidence_level),
                )
                blocks = update.block_number - old.v_update_block
                budget = gk.budget_of(capped, total, econ_before.params.budget_per_block, blocks)
                check(
                    bool(settled.payout + settled.treasury <= budget),
                    "inv_GK_21_payout_within_budget",
                    f"paid {settled.payout + settled.treasury} of a budget of {budget}",
                )
                # share paid / sum_share, read back from what was paid for the blocks covered
                whole = econ_before.params.budget_per_block * blocks
                used += (settled.payout + settled.treasury) / whole if whole else 0.0
        if used:
            self.overshoot = max(self.overshoot, used)
            OVERSHOOT[0] = max(OVERSHOOT[0], used)

    def teardown(self) -> None:
        # Hypothesis searches for runs with a larger overshoot [GK-21] 3.
        if self.overshoot > 1.0:
            target(self.overshoot, label="gatekeeper overshoot (share paid / block-start sum)")

    # -- genesis and launch --------------------------------------------------------------

    @initialize(crypto=st.sampled_from(("real", "oracle")))
    def genesis(self, crypto: str) -> None:
        """Two replicas of one gatekeeper and two workers, launched and computing (5 blocks)."""
        self.crypto = crypto
        self.genesis_overrides = {
            "balances": [
                [ALICE, 10**7 * PHA],
                [BOB, 10**6 * PHA],
                [EVE, 10**3 * PHA],
                [computation.SUBSIDY_POOL, 10**6 * PHA],
            ],
            "registry": {"benchmark_duration": 1, "genesis_hash_allowlist": [GENESIS_HASH]},
            "computation": {"heartbeat_paused": False},
            "runtimes": [
                *({"name": name, "key": GK_KEY, "role": "gatekeeper"} for name in REPLICAS),
                *(
                    {
                        "name": name,
                        "key": WORKER_KEYS[name],
                        "role": "worker",
                        "iterations_per_block": SPEEDS[name],
                    }
                    for name in WORKERS
                ),
            ],
            "crypto": crypto,
        }
        state = genesis_state(PRESET, self.genesis_overrides)
        assert isinstance(state, NetworkState)
        self.state = state
        self.block(
            [
                _x(
                    _root(),
                    "PhalaRegistry.force_register_worker",
                    {
                        "pubkey": GATEKEEPER.public,
                        "ecdh_pubkey": GATEKEEPER.ecdh_public,
                        "operator": None,
                    },
                ),
                _x(_root(), "PhalaRegistry.register_gatekeeper", {"gatekeeper": GATEKEEPER.public}),
                *(
                    _x(
                        _signed(ALICE),
                        "PhalaRegistry.register_worker_v2",
                        {"pruntime_info": self._info(key), "attestation": None},
                    )
                    for key in WORKERS.values()
                ),
            ]
        )
        self.block()
        self.block()
        self.block(
            [
                _x(_signed(ALICE), SP + "create", {}),
                *(
                    _x(_signed(ALICE), SP + "add_worker", {"pid": 0, "pubkey": key.public})
                    for key in WORKERS.values()
                ),
                _x(_signed(BOB), "PhalaWrappedBalances.wrap", {"amount": 100_000 * PHA}),
                _x(
                    _signed(BOB),
                    SP + "contribute",
                    {"pid": 0, "amount": 100_000 * PHA, "as_vault": None},
                ),
            ]
        )
        result = self.block(
            [
                _x(
                    _signed(ALICE),
                    SP + "start_computing",
                    {"pid": 0, "worker": key.public, "stake": 5_000 * PHA},
                )
                for key in WORKERS.values()
            ]
        )
        assert isinstance(result.returned, dict)
        started = [e["outcome"] for e in result.returned["extrinsics"] if e["runtime"] is None]
        assert started == ["ok", "ok"], started

    def _info(self, key: Any) -> dict[str, Any]:
        return {
            "version": 1,
            "machine_id": b"machine-" + key.public[:4],
            "pubkey": key.public,
            "ecdh_pubkey": key.ecdh_public,
            "genesis_block_hash": GENESIS_HASH,
            "features": [1, 4],
            "operator": ALICE,
            "para_id": 2035,
            "max_consensus_version": 0,
        }

    # -- rules ----------------------------------------------------------------------------

    @rule(count=st.integers(1, 40))
    def blocks(self, count: int) -> None:
        """Plain blocks: every relayer honest."""
        for _ in range(count):
            self.block()

    @rule(worker=st.sampled_from(sorted(WORKERS)), count=st.integers(1, 16))
    def late(self, worker: str, count: int) -> None:
        """A worker's relayer withholds for ``count`` blocks: its heartbeats arrive late."""
        for _ in range(count):
            self.block(withheld=[worker])

    @rule(withheld=st.lists(st.sampled_from(sorted(WORKERS)), max_size=2, unique=True))
    def challenge_everyone(self, withheld: list[str]) -> None:
        """Root's challenge hits every computing worker in this block [CMP-14]."""
        self.block([_x(_root(), C + "force_heartbeat", {})], withheld=withheld)

    @precondition(lambda self: bool(self.accepted_heartbeats))
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        """An adversary relays a copy of an accepted heartbeat: the chain rejects it [MQ-10]."""
        copy = data.draw(st.sampled_from(self.accepted_heartbeats))
        result = self.block([_x(_signed(EVE), SYNC, {"signed_message": copy})])
        assert isinstance(result.returned, dict)
        check(
            result.returned["extrinsics"][-1]["outcome"] == "PhalaMq.BadSequence",
            "inv_GK_20_honest_network_never_poisons",
            "a copy of an accepted heartbeat was not rejected",
        )

    @rule(
        budget=st.sampled_from((1, 2, 4)),
        rho_growth=st.sampled_from((1, 3)),
        slash=st.sampled_from((0, 1, 10)),
    )
    def change_parameters(self, budget: int, rho_growth: int, slash: int) -> None:
        """Governance changes the budget, rho's growth and the slash rate [CMP-20] [GK-18]."""
        params = computation.default_tokenomic()
        new = {
            **attrs.asdict(params),
            "budget_per_block": params.budget_per_block // budget,
            "rho": gk.ONE + rho_growth * (params.rho - gk.ONE),
            "slash_rate": params.slash_rate * slash,
        }
        self.block([_x(_root(), C + "update_tokenomic", {"new_params": new})])

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def inv_GK_21_replicas_agree(self) -> None:
        if self.state is None:
            return
        a, b = self.net.runtimes["gk-a"], self.net.runtimes["gk-b"]
        check(
            to_data(a) == to_data(b),
            "inv_GK_21_replicas_agree",
            "the gatekeeper replicas differ",
        )

    @invariant()
    def inv_GK_21_v_bounded(self) -> None:
        if self.state is None:
            return
        econ = self._economics(self.net)
        for key, worker in econ.workers.items():
            check(
                0 <= worker.tokenomic.v <= econ.params.v_max,
                "inv_GK_21_v_bounded",
                f"V of 0x{key.hex()[:8]} is {worker.tokenomic.v}",
            )

    @invariant()
    def inv_GK_20_honest_network_never_poisons(self) -> None:
        if self.state is None:
            return
        for name in REPLICAS:
            halted = self.net.runtimes[name].halted
            check(
                halted is None,
                "inv_GK_20_honest_network_never_poisons",
                f"{name} halted: {None if halted is None else halted.reason}",
            )
