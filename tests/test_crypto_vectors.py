"""[VEC-7] ``real`` means production's crypto: signatures in the shipped vectors verify with schnorrkel.

The signed bytes are rebuilt here from the vector's plain data with SCALE's
rules ([MQ-4]), and checked by the binding (production's verifier), not by
the reference.
"""

from __future__ import annotations

from typing import Any

import cbor2
import sr25519 as schnorrkel

from phala_spec.conformance.store import PACKAGED_DIR, discover

SYNC = "PhalaMq.sync_offchain_message"


def _compact(n: int) -> bytes:
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    return ((n << 2) | 2).to_bytes(4, "little")


def _mq_signed_bytes(message: dict[str, Any], sequence: int) -> bytes:
    # A Worker origin is variant 2 with its 32 bytes; topic and payload are Vec<u8>.
    sender = bytes([2]) + message["sender"]["id"]
    topic, payload = message["destination"], message["payload"]
    return (
        sender
        + _compact(len(topic))
        + topic
        + _compact(len(payload))
        + payload
        + sequence.to_bytes(8, "little")
    )


def accepted_worker_messages() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for vector_id, path in discover(PACKAGED_DIR):
        vector = cbor2.loads(path.read_bytes())
        if vector["crypto"] != "real":
            continue
        for entry in vector["steps"]:
            step = entry["step"]
            if step.get("kind") != "call" or step.get("call") != SYNC:
                continue
            signed = step["args"]["signed_message"]
            if (
                entry["expect"]["outcome"] == "ok"
                and signed["message"]["sender"]["kind"] == "Worker"
            ):
                found.append((vector_id, signed))
    return found


def test_accepted_mq_signatures_of_real_vectors_verify_with_the_binding() -> None:
    """Every accepted worker message in a ``real`` vector carries an sr25519 signature production accepts."""
    found = accepted_worker_messages()
    assert len(found) >= 20
    for vector_id, signed in found:
        message = signed["message"]
        data = _mq_signed_bytes(message, signed["sequence"])
        assert schnorrkel.verify(signed["signature"], data, message["sender"]["id"]), vector_id
        assert not schnorrkel.verify(signed["signature"], data + b"\x00", message["sender"]["id"])


ENDPOINT = "PhalaRegistry.update_worker_endpoint"


def _endpoint_signed_bytes(payload: dict[str, Any]) -> bytes:
    # wrap_content_to_sign(.., EndpointInfo) = 0xff 0x02 ‖ SCALE(WorkerEndpointPayload):
    # [u8; 32], VersionedWorkerEndpoints::V1(Vec<String>), u64.
    out = b"\xff\x02" + payload["pubkey"] + b"\x00" + _compact(len(payload["endpoints"]))
    for endpoint in payload["endpoints"]:
        text = endpoint.encode()
        out += _compact(len(text)) + text
    return out + payload["signing_time"].to_bytes(8, "little")


def test_accepted_endpoint_signatures_verify_with_the_binding() -> None:
    """[MQ-5] an accepted ``update_worker_endpoint`` is signed over ``ff 02 ‖ payload`` with sr25519."""
    checked = 0
    for vector_id, path in discover(PACKAGED_DIR):
        vector = cbor2.loads(path.read_bytes())
        if vector["crypto"] != "real":
            continue
        for entry in vector["steps"]:
            step = entry["step"]
            if step.get("call") != ENDPOINT or entry["expect"]["outcome"] != "ok":
                continue
            payload, signature = step["args"]["endpoint_payload"], step["args"]["signature"]
            data = _endpoint_signed_bytes(payload)
            assert schnorrkel.verify(signature, data, payload["pubkey"]), vector_id
            assert not schnorrkel.verify(signature, data[2:], payload["pubkey"])
            checked += 1
    assert checked >= 1
