"""Authored vectors: the reason a poisoned gatekeeper halts with [GK-11] [GK-20] [OFF-15].

Suite ``gatekeeper``, handler ``adversary``. The halt record's reason names the owed
challenges, at most the first three of them ([GK-20]); this case makes a worker owe four, so
a reason that lists fewer or more of them differs from the rule.
"""

from __future__ import annotations

from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.system_payloads import HeartbeatV2
from phala_spec.chain.worker_messages import WORKING_REPORT_TOPIC, encode_payload
from phala_spec.conformance import relaying
from phala_spec.conformance.authoring import CaseBuilder, signed
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.gatekeeper import (
    SYNC,
    WORKERS,
    economics,
    force_challenge,
    launch,
    per_crypto,
    runtime_name,
)


@per_crypto("adversary", ("GK-11", "GK-20", "OFF-15", "MQ-9", "MQ-10"))
def poisoned_while_four_challenges_are_owed(b: CaseBuilder, setting: str) -> None:
    """Root challenges worker 1 in four blocks in a row while its relayer withholds, so the
    gatekeeper expects four heartbeats from it. The worker then signs a heartbeat for the
    newest of them under its next sequence number; the gatekeeper, expecting the oldest, is
    poisoned, and its halt record's reason lists the first three challenges owed, not the
    fourth [GK-20]."""
    launch(b, setting, count=1)
    worker = WORKERS[0]
    name = runtime_name(0)
    for _ in range(4):
        b.network_block([force_challenge()], withheld=[name])
    owed = economics(b).workers[worker.public].waiting_heartbeats
    check(len(owed) >= 4, "at least four heartbeats owed")
    beat = HeartbeatV2(
        session_id=0,
        challenge_block=owed[-1],
        challenge_time=b.chain.system.block.timestamp,
        iterations=0,
        n_clusters=0,
        n_contracts=0,
    )
    sender = MessageOrigin("Worker", worker.public)
    message = relaying.next_message(
        b.chain, sender, WORKING_REPORT_TOPIC, encode_payload(beat), worker, setting
    )
    report = b.network_block([(SYNC, {"signed_message": message}, signed("eve"))], withheld=[name])
    check(report["halted"] == ["gk"], "the gatekeeper is poisoned")
    halted = b.network.runtimes["gk"].halted
    check(
        halted is not None and halted.reason.endswith(f"owed {list(owed[:3])}"),
        "the reason lists the first three challenges owed",
    )
    b.observe("runtime", "gk")
