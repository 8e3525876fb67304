"""Authored vectors: the reason a poisoned gatekeeper halts with [GK-11] [GK-20] [OFF-15].

Suite ``gatekeeper``, handler ``adversary``. The halt record's reason names the owed
challenges, at most the first three of them ([GK-20]); this case makes a worker owe four, so
a reason that lists fewer or more of them differs from the rule.
"""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.gatekeeper import (
    WORKERS,
    economics,
    force_challenge,
    launch,
    per_crypto,
    runtime_name,
    worker_heartbeat,
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
    forged = worker_heartbeat(b, setting, worker, owed[-1], b.chain.system.block.timestamp)
    report = b.network_block([forged], withheld=[name])
    check(report["halted"] == ["gk"], "the gatekeeper is poisoned")
    halted = b.network.runtimes["gk"].halted
    check(
        halted is not None and halted.reason.endswith(f"owed {list(owed[:3])}"),
        "the reason lists the first three challenges owed",
    )
    b.observe("runtime", "gk")
