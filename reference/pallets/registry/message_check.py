"""The message check: which key authenticates each off-chain sender, and its signature [MQ-8] [MQ-9].

``PhalaRegistry``'s ``check_message``, the check the message queue makes of
every signed message ([MQ-14], through the port the runtime wires): the
sender's public key ([MQ-9] steps 1-5), then the signature over the signed
bytes ([MQ-4]).
"""

from __future__ import annotations

from ...chain.messages import MessageOrigin, SignedMessage, signed_bytes, wrap_content_to_sign
from ...chain.state import ChainState
from ...primitives import crypto
from ...primitives.errors import DispatchError

UNKNOWN_CLUSTER = "PhalaRegistry.UnknownCluster"
UNKNOWN_CONTRACT = "PhalaRegistry.UnknownContract"
MASTER_KEY_UNINITIALIZED = "PhalaRegistry.MasterKeyUninitialized"
CANNOT_HANDLE_UNKNOWN_MESSAGE = "PhalaRegistry.CannotHandleUnknownMessage"
INVALID_SIGNATURE_LENGTH = "PhalaRegistry.InvalidSignatureLength"
# Declared by production but unreachable: after the length check, turning 64
# bytes into an sr25519 signature cannot fail (it only checks the length) [MQ-9].
MALFORMED_SIGNATURE = "PhalaRegistry.MalformedSignature"
INVALID_SIGNATURE = "PhalaRegistry.InvalidSignature"


def message_public_key(state: ChainState, sender: MessageOrigin) -> bytes:
    """The public key that must have signed a message from ``sender`` [MQ-9] steps 1-5.

    A worker signs with its own key (the one in the origin; the worker need
    not be registered); a cluster or a contract with the key the registry
    holds for it; the gatekeeper with the master public key. Any other sender
    cannot be authenticated.
    """
    registry = state.registry
    if sender.kind == "Worker":
        return sender.id
    if sender.kind == "Contract":
        key = registry.contract_keys.get(sender.id)
        if key is None:
            raise DispatchError(UNKNOWN_CONTRACT)
        return key
    if sender.kind == "Cluster":
        key = registry.cluster_keys.get(sender.id)
        if key is None:
            raise DispatchError(UNKNOWN_CLUSTER)
        return key
    if sender.kind == "Gatekeeper":
        if registry.gatekeeper_master_pubkey is None:
            raise DispatchError(MASTER_KEY_UNINITIALIZED)
        return registry.gatekeeper_master_pubkey
    raise DispatchError(CANNOT_HANDLE_UNKNOWN_MESSAGE)


def check_message(state: ChainState, signed_message: SignedMessage) -> None:
    """Production's ``registry::check_message``: is the message signed by its sender? [MQ-9]

    Checks in order: the sender's key ([MQ-9] steps 1-5), the signature's
    length (64 bytes), then the signature over the signed bytes ([MQ-4]) under
    the reference profile ([CRYPTO-1]). In the ``oracle`` crypto setting the
    signature is a boolean that stands for a 64-byte signature whose validity
    it states [MQ-22].
    """
    message = signed_message.message
    public = message_public_key(state, message.sender)
    signature = signed_message.signature
    if isinstance(signature, bool):
        if not signature:
            raise DispatchError(INVALID_SIGNATURE)
        return
    if len(signature) != crypto.SIGNATURE_BYTES:
        raise DispatchError(INVALID_SIGNATURE_LENGTH)
    data = wrap_content_to_sign(signed_bytes(message, signed_message.sequence), "MqMessage")
    if not crypto.verify(public, data, signature):
        raise DispatchError(INVALID_SIGNATURE)
