"""Worker endpoints: a worker publishes where it can be reached, signed by its key [REG-22]."""

from __future__ import annotations

from typing import Annotated, Any

import attrs

from ...chain.messages import wrap_content_to_sign
from ...chain.state import BlockContext, ChainState, Events, Origin
from ...primitives import crypto, scale
from ...primitives.errors import DispatchError
from ...primitives.types import BYTES32, TEXT, U64_KIND, Kind, Signature, fields_of, list_of
from ..balances.origins import ensure_signed
from .allowlists import update_registry
from .message_check import INVALID_SIGNATURE, INVALID_SIGNATURE_LENGTH

INVALID_PUBKEY = "PhalaRegistry.InvalidPubKey"
INVALID_ENDPOINT_SIGNING_TIME = "PhalaRegistry.InvalidEndpointSigningTime"

ENDPOINT_SIGNING_WINDOW_MS = 4 * 60 * 60 * 1000


@attrs.frozen
class WorkerEndpointPayload:
    """``WorkerEndpointPayload``: a worker's endpoints, signed at ``signing_time`` (ms) [REG-22]."""

    pubkey: bytes
    endpoints: tuple[str, ...]
    signing_time: int

    def encode(self) -> bytes:
        """SCALE: [u8;32], ``VersionedWorkerEndpoints::V1(Vec<String>)``, u64 [REG-22]."""
        out = self.pubkey + b"\x00" + scale.compact(len(self.endpoints))
        for endpoint in self.endpoints:
            text = endpoint.encode()
            out += scale.compact(len(text)) + text
        return out + scale.u64_le(self.signing_time)


_ENDPOINTS = list_of(TEXT)


def _endpoint_payload(value: Any) -> WorkerEndpointPayload:
    fields = fields_of(value, ("pubkey", "endpoints", "signing_time"))
    return WorkerEndpointPayload(
        BYTES32.decode(fields["pubkey"], "pubkey"),
        _ENDPOINTS.decode(fields["endpoints"], "endpoints"),
        U64_KIND.decode(fields["signing_time"], "signing_time"),
    )


ENDPOINT_PAYLOAD: Kind[WorkerEndpointPayload] = Kind(
    "endpoint_payload",
    "an endpoint payload {pubkey: bytes32, endpoints: [text], signing_time: u64}",
    _endpoint_payload,
)
EndpointPayload = Annotated[WorkerEndpointPayload, ENDPOINT_PAYLOAD]


def update_worker_endpoint(
    state: ChainState,
    ctx: BlockContext,
    origin: Origin,
    endpoint_payload: EndpointPayload,
    signature: Signature,
) -> tuple[ChainState, Events]:
    """A worker publishes its endpoints, signed by its identity key [REG-22].

    Anyone may submit; the signature (under ``EndpointInfo`` domain
    separation, [MQ-5]) must be the worker's, the signing time at most four
    hours old and strictly in the past, and the worker registered. No event.
    """
    ensure_signed(origin)
    if isinstance(signature, bool):
        if not signature:
            raise DispatchError(INVALID_SIGNATURE)
    else:
        if len(signature) != crypto.SIGNATURE_BYTES:
            raise DispatchError(INVALID_SIGNATURE_LENGTH)
        data = wrap_content_to_sign(endpoint_payload.encode(), "EndpointInfo")
        if not crypto.verify(endpoint_payload.pubkey, data, signature):
            raise DispatchError(INVALID_SIGNATURE)
    now_ms = ctx.timestamp
    signed_at = endpoint_payload.signing_time
    if not signed_at < now_ms <= signed_at + ENDPOINT_SIGNING_WINDOW_MS:
        raise DispatchError(INVALID_ENDPOINT_SIGNING_TIME)
    if endpoint_payload.pubkey not in state.registry.workers:
        raise DispatchError(INVALID_PUBKEY)
    endpoints = state.registry.endpoints.set(endpoint_payload.pubkey, endpoint_payload.endpoints)
    return update_registry(state, endpoints=endpoints), ()
