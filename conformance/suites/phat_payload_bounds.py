"""Authored vectors: the Phat payloads' decoding at its bounds [PHAT-23] [PHAT-50] [PHAT-62].

Suite ``phat``. Each case offers payloads exactly on a bound of their layout and just past it:
a worker's deployment report one byte short of its fixed fields and exactly as long as they
are (handler ``keys``, on the chain); and, to a hosted contract and on `phala/cluster/key`, an
ink command's nonce of 32 and 33 bytes, its `storage_deposit_limit` flag 1 and 2, its last
field one byte short or with its length prefix missing, and a resource type of index 2 and 3
(handler ``offchain``, a network).
"""

from __future__ import annotations

from typing import Any

from phala_spec.chain.messages import Message, MessageOrigin
from phala_spec.chain.phat_payloads import (
    CLUSTER_KEY_TOPIC,
    WORKER_CLUSTER_REPORT_TOPIC,
    ClusterDeploymentFailed,
    InkMessage,
    UploadResource,
)
from phala_spec.chain.phat_state import RESOURCE_TYPES
from phala_spec.conformance.authoring import CaseBuilder, case_per_crypto, root
from phala_spec.conformance.checks import check, event_names
from phala_spec.conformance.suites.phat import C1, WORKERS, relay, setup
from phala_spec.conformance.suites.phat_offchain import (
    COMMAND,
    MASTER,
    declare,
    deployed_cluster,
    hosted,
    push_command,
    records,
    watch,
)
from phala_spec.offchain import cluster

SUITE = "phat"


@case_per_crypto(suite=SUITE, handler="keys", clauses=("PHAT-23", "PHAT-26", "OFF-6"), block=1)
def worker_report_on_its_length(b: CaseBuilder, setting: str) -> None:
    """A `ClusterDeploymentFailed` report is its variant byte and a 32-byte cluster id
    [PHAT-23]: 32 bytes in all (the id one byte short) do not decode (`MessageCodecError`,
    swallowed: no event), 33 bytes do, and the report deposits its event [PHAT-26]."""
    setup(b)
    worker = MessageOrigin("Worker", WORKERS[0].public)
    full = ClusterDeploymentFailed(C1).encode()
    relay(b, setting, WORKERS[0], Message(worker, WORKER_CLUSTER_REPORT_TOPIC, full[:-1]), 0)
    check(b.last_events == (), "one byte short: not a report")
    relay(b, setting, WORKERS[0], Message(worker, WORKER_CLUSTER_REPORT_TOPIC, full), 1)
    check(
        event_names(b) == ["PhalaPhatContracts.ClusterDeploymentFailed"],
        "exactly its length: the report's event",
    )


def ink(**changes: Any) -> bytes:
    """The encoding of ``COMMAND`` with fields changed [PHAT-62]."""
    fields = {
        "nonce": COMMAND.nonce,
        "message": COMMAND.message,
        "transfer": COMMAND.transfer,
        "gas_limit": COMMAND.gas_limit,
        "storage_deposit_limit": COMMAND.storage_deposit_limit,
        **changes,
    }
    return InkMessage(**fields).encode()


def force_pushed(topic: bytes, payload: bytes) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Root's message from ``Pallet("ForcePushed")`` [MQ-12]."""
    return (
        "PhalaMq.force_push_pallet_message",
        {"destination": topic, "payload": payload},
        root(),
    )


@case_per_crypto(
    suite=SUITE,
    handler="offchain",
    clauses=("PHAT-21", "PHAT-50", "PHAT-58", "PHAT-62", "PHAT-64", "OFF-6", "OFF-15"),
)
def payloads_on_their_bounds(b: CaseBuilder, setting: str) -> None:
    """w1 and w2 host cluster 1 and bob's contract. Block 6: charlie's plain commands: a
    32-byte nonce (decodes), a 33-byte one (`BadInput`); a `storage_deposit_limit` flag 1
    with its 16 bytes (decodes), flag 2 with 16 bytes after it (`BadInput`: an option flag is 0
    or 1); the limit one byte short, and a command that ends before its nonce's length prefix
    (both `BadInput`: too few bytes) [PHAT-62]. Block 7: root's pallet uploads a resource of
    type index 2, the last of the three (recorded [PHAT-58]). Block 8: the same with index 3,
    which is no resource type: the payload does not decode, and from a pallet that halts both
    workers [PHAT-50] [OFF-15]."""
    declare(b, setting, {"w1": "worker", "w2": "worker"}, gatekeeper_master_pubkey=MASTER.public)
    contract = deployed_cluster(b, setting)
    limited = ink(storage_deposit_limit=5)
    flag_two = limited[:-17] + b"\x02" + limited[-16:]
    commands = [
        ink(nonce=bytes(32)),
        ink(nonce=bytes(33)),
        limited,
        flag_two,
        limited[:-1],
        b"\x00",
    ]
    b.network_block(
        [push_command(contract, cluster.plain_command(c), "charlie") for c in commands],
        observe=watch("w1", "w2"),
    )
    got = records(b, "w1", contract)[-len(commands) :]
    check(
        [r.error for r in got] == [None, "BadInput", None, "BadInput", "BadInput", "BadInput"],
        "each pair: on the bound decodes, past it BadInput [PHAT-62]",
    )
    check(got[2].command is not None and got[2].command.storage_deposit_limit == 5, "flag 1")
    upload = UploadResource(b.account("bob"), C1, RESOURCE_TYPES[2], b"a resource")
    encoded = upload.encode()
    report = b.network_block([force_pushed(CLUSTER_KEY_TOPIC, encoded)], observe=watch("w1", "w2"))
    check(report["halted"] == [], "no runtime halts")
    held = hosted(b, "w1")
    check(
        held is not None and held.uploads[-1].resource_type == RESOURCE_TYPES[2],
        "resource type 2 decodes: the upload is recorded",
    )
    kind_at = 1 + 32 + 32
    past = encoded[:kind_at] + bytes([len(RESOURCE_TYPES)]) + encoded[kind_at + 1 :]
    report = b.network_block(
        [force_pushed(CLUSTER_KEY_TOPIC, past)], observe=[("runtime", "w1"), ("runtime", "w2")]
    )
    check(report["halted"] == ["w1", "w2"], "resource type 3 does not decode: both halt")
