"""The master key's payloads: key distribution and the random beacon [KEY-2] [KEY-3].

``KeyDistribution`` is what the gatekeepers send every runtime on
``phala/gatekeeper/key`` from the ``Gatekeeper`` origin: the master key for a
newly registered gatekeeper, in the single-key form
(``MasterKeyDistribution``) or the history form (``MasterKeyHistory``), and
each gatekeeper's batch of a rotation (``MasterKeyRotation``). The random
beacon is the ``GatekeeperEvent::NewRandomNumber`` they send on
``phala/gatekeeper/event``. The topics, the SCALE layouts and the codec are
:mod:`phala_spec.chain.worker_messages`'.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..primitives import scale
from ..primitives.arith import U32_MAX, U64_MAX
from .messages import wrap_content_to_sign
from .system_payloads import check_key, check_unsigned

IV_BYTES = 12

# The SCALE layouts of this module's payloads, in production's declaration
# order (the list position is the enum index) [KEY-2] [KEY-3].
KEY_TYPES: dict[str, object] = {
    "OffEncryptedKey": {
        "type": "struct",
        "type_mapping": [
            ["ecdh_pubkey", "[u8; 32]"],
            ["encrypted_key", "Vec<u8>"],
            ["iv", "[u8; 12]"],
        ],
    },
    "OffDispatchMasterKey": {
        "type": "struct",
        "type_mapping": [
            ["dest", "[u8; 32]"],
            ["ecdh_pubkey", "[u8; 32]"],
            ["encrypted_master_key", "Vec<u8>"],
            ["iv", "[u8; 12]"],
        ],
    },
    "OffRotationData": {
        "type": "struct",
        "type_mapping": [
            ["rotation_id", "u64"],
            ["secret_keys", "BTreeMap<[u8; 32], OffEncryptedKey>"],
            ["sender", "[u8; 32]"],
        ],
    },
    "OffBatchRotateMasterKey": {
        "type": "struct",
        "type_mapping": [
            ["rotation_id", "u64"],
            ["secret_keys", "BTreeMap<[u8; 32], OffEncryptedKey>"],
            ["sender", "[u8; 32]"],
            ["sig", "Vec<u8>"],
        ],
    },
    "OffDispatchMasterKeyHistory": {
        "type": "struct",
        "type_mapping": [
            ["dest", "[u8; 32]"],
            ["encrypted_master_key_history", "Vec<(u64, u32, OffEncryptedKey)>"],
        ],
    },
    "OffKeyDistribution": {
        "type": "enum",
        "type_mapping": [
            ["MasterKeyDistribution", "OffDispatchMasterKey"],
            ["MasterKeyRotation", "OffBatchRotateMasterKey"],
            ["MasterKeyHistory", "OffDispatchMasterKeyHistory"],
        ],
    },
}
scale.register_types(KEY_TYPES)


def _check_iv(iv: bytes) -> None:
    if not isinstance(iv, bytes) or len(iv) != IV_BYTES:
        raise ValueError("an AEAD IV is 12 bytes")


def _check_bytes(value: bytes, name: str) -> None:
    if not isinstance(value, bytes):
        raise ValueError(f"{name} must be bytes")


@attrs.frozen
class EncryptedKey:
    """A secret key encrypted to one worker: the sender's one-time agreement key, the
    ciphertext with its tag, the IV [KEY-2]."""

    ecdh_pubkey: bytes
    encrypted_key: bytes
    iv: bytes

    def __attrs_post_init__(self) -> None:
        check_key(self.ecdh_pubkey, "ecdh_pubkey")
        _check_bytes(self.encrypted_key, "encrypted_key")
        _check_iv(self.iv)


@attrs.frozen
class MasterKeyDistribution:
    """``KeyDistribution::MasterKeyDistribution``: the single master key for ``dest`` [KEY-2]."""

    dest: bytes
    ecdh_pubkey: bytes
    encrypted_master_key: bytes
    iv: bytes

    def __attrs_post_init__(self) -> None:
        check_key(self.dest, "dest")
        check_key(self.ecdh_pubkey, "ecdh_pubkey")
        _check_bytes(self.encrypted_master_key, "encrypted_master_key")
        _check_iv(self.iv)


@attrs.frozen
class HistoryEntry:
    """One key of a distributed history: its rotation id, the block it took effect, the key [KEY-2]."""

    rotation_id: int
    block_height: int
    key: EncryptedKey

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.rotation_id, U64_MAX, "rotation_id")
        check_unsigned(self.block_height, U32_MAX, "block_height")


@attrs.frozen
class MasterKeyHistory:
    """``KeyDistribution::MasterKeyHistory``: every master key so far, for ``dest`` [KEY-2]."""

    dest: bytes
    history: tuple[HistoryEntry, ...]

    def __attrs_post_init__(self) -> None:
        check_key(self.dest, "dest")


def _sorted_keys(
    entries: Iterable[tuple[bytes, EncryptedKey]],
) -> tuple[tuple[bytes, EncryptedKey], ...]:
    """A ``BTreeMap``'s entries: ascending by key, a repeated key keeping its last value [KEY-2]."""
    merged: dict[bytes, EncryptedKey] = {}
    for pubkey, key in entries:
        check_key(pubkey, "a batch recipient")
        merged[pubkey] = key
    return tuple(sorted(merged.items()))


@attrs.frozen
class MasterKeyRotation:
    """``KeyDistribution::MasterKeyRotation`` (production's ``BatchRotateMasterKeyEvent``):
    one gatekeeper's new master key encrypted to every listed gatekeeper, signed by the
    sender's identity [KEY-2] [KEY-12].

    ``secret_keys`` is a map: its entries are kept ascending by public key, a
    repeated key keeping its last value, as SCALE decodes a ``BTreeMap``.
    """

    rotation_id: int
    secret_keys: tuple[tuple[bytes, EncryptedKey], ...] = attrs.field(converter=_sorted_keys)
    sender: bytes
    sig: bytes

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.rotation_id, U64_MAX, "rotation_id")
        check_key(self.sender, "sender")
        _check_bytes(self.sig, "sig")

    def entry_for(self, pubkey: bytes) -> EncryptedKey | None:
        """The key encrypted to ``pubkey``, if the batch lists it."""
        return dict(self.secret_keys).get(pubkey)

    def signed_data(self) -> bytes:
        """What the sender signs [KEY-12]: ``SCALE(rotation_id, secret_keys, sender)`` wrapped
        as ``MasterKeyRotation`` content ([MQ-5]: ``0xff 0x03`` first)."""
        return wrap_content_to_sign(rotation_data(self), "MasterKeyRotation")


def rotation_data(batch: MasterKeyRotation) -> bytes:
    """``SCALE((rotation_id, secret_keys, sender))``: a batch's fields without its signature [KEY-2]."""
    encoded = scale.encode(
        "OffRotationData",
        {
            "rotation_id": batch.rotation_id,
            "secret_keys": [(pubkey, attrs.asdict(key)) for pubkey, key in batch.secret_keys],
            "sender": batch.sender,
        },
    )
    return encoded


KeyDistribution = MasterKeyDistribution | MasterKeyRotation | MasterKeyHistory


@attrs.frozen
class NewRandomNumber:
    """``GatekeeperEvent::NewRandomNumber``: the beacon of a block and the one it chains from [KEY-3]."""

    block_number: int
    random_number: bytes
    last_random_number: bytes

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.block_number, U32_MAX, "block_number")
        check_key(self.random_number, "random_number")
        check_key(self.last_random_number, "last_random_number")
