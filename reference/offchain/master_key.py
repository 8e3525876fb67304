"""The master key's life in a runtime: launch, distribution, rotation, the beacon [KEY-1]..[KEY-16].

Every rule is a pure function of a runtime's :class:`MasterKeys` record, its
identity and what the block shows; it returns the new record and the
*effects* the runtime applies to its send queue, in order (:class:`Send`,
:class:`Count`, :class:`Live`), or a :class:`Halt` (production panics). The
runtime (:mod:`phala_spec.offchain.pruntime`) routes the messages here and
applies the effects.

Production draws the first master key and every rotation's candidate key
from the enclave's random source; the reference derives them from the
gatekeeper's identity ([KEY-4]) so that a run is a function of its inputs.
Everything else is production's bytes: the agreement, the AES-256-GCM
encryption, the KDF paths and the deterministic IV generator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import attrs

from ..chain.key_payloads import (
    EncryptedKey,
    HistoryEntry,
    KeyDistribution,
    MasterKeyDistribution,
    MasterKeyHistory,
    MasterKeyRotation,
    NewRandomNumber,
)
from ..chain.messages import MessageOrigin
from ..chain.registry_payloads import (
    FirstGatekeeper,
    GatekeeperChange,
    GatekeeperLaunch,
    GatekeeperRegistered,
    GatekeeperUnregistered,
    MasterPubkey,
    MasterPubkeyOnChain,
    RotatedMasterPubkey,
    RotateMasterKey,
    WorkerIdentity,
)
from ..chain.worker_messages import Payload
from ..primitives.codec import blake2b_256
from ..primitives.crypto import (
    Keypair,
    decrypt_secret_from,
    derive_keypair,
    encrypt_secret_to,
    keypair_from_secret,
    sign,
    verify,
)
from ..primitives.records import evolve

ZERO32 = bytes(32)

# The reference's generation path [KEY-4]: production draws these keys at random.
MASTER_KEY_PATH = b"phala-spec/master-key"
MASTER_KEY_INFO = (MASTER_KEY_PATH, b"rotation-0")

# phala-crypto's derivation infos [KEY-5] [KEY-6] [KEY-14] (CRYPTO-5 paths).
MASTER_KEY_SHARING = b"master_key_sharing"
IV_GENERATOR = b"iv_generator"
RANDOM_NUMBER = b"random_number"

BEACON_INTERVAL = 5  # production's VRF_INTERVAL [KEY-14]

WORKER_CHANNEL = "worker"
GATEKEEPER_CHANNEL = "gatekeeper"


# --- The record [KEY-1] -------------------------------------------------------------------


def _as_secret_key(key: Keypair) -> Keypair:
    """A key as production keeps it: its 64-byte secret, without the seed it came from."""
    return key if key.seed is None else Keypair(public=key.public, secret=key.secret)


@attrs.frozen
class RotatedKey:
    """One master key of a history (production's ``RotatedMasterKey``) [KEY-1].

    ``rotation_id`` 0 is the launch key; ``block_height`` is the block in whose
    processing the key took effect (0 for the launch key). The key is kept as
    its 64-byte secret, as production seals it, so a generated key and the
    same key received equal each other.
    """

    rotation_id: int
    block_height: int
    key: Keypair = attrs.field(converter=_as_secret_key)


@attrs.frozen
class Blocks:
    """Journal: the runtime processed every block from ``first`` to ``last`` after the launch [KEY-10]."""

    first: int
    last: int

    def __data__(self) -> dict[str, Any]:
        return {"kind": "Blocks", "first": self.first, "last": self.last}


@attrs.frozen
class Joined:
    """Journal: ``GatekeeperChange::Registered{pubkey, ecdh_pubkey}`` in ``block`` [KEY-10]."""

    block: int
    pubkey: bytes
    ecdh_pubkey: bytes

    def __data__(self) -> dict[str, Any]:
        return {
            "kind": "Joined",
            "block": self.block,
            "pubkey": self.pubkey,
            "ecdh_pubkey": self.ecdh_pubkey,
        }


@attrs.frozen
class RotationStarted:
    """Journal: ``GatekeeperLaunch::RotateMasterKey`` in ``block`` [KEY-10]."""

    block: int
    rotation_id: int
    identities: tuple[WorkerIdentity, ...]

    def __data__(self) -> dict[str, Any]:
        return {
            "kind": "RotationStarted",
            "block": self.block,
            "rotation_id": self.rotation_id,
            "identities": [
                {"pubkey": i.pubkey, "ecdh_pubkey": i.ecdh_pubkey} for i in self.identities
            ],
        }


@attrs.frozen
class RotationDone:
    """Journal: an accepted batch of rotation ``rotation_id`` in ``block`` [KEY-10]."""

    block: int
    rotation_id: int

    def __data__(self) -> dict[str, Any]:
        return {"kind": "RotationDone", "block": self.block, "rotation_id": self.rotation_id}


class ReplayedEntry(Protocol):
    """A journal entry another rule contributes, which replays itself [KEY-10] [PHAT-52].

    ``replay`` applies the entry to an active record as the live rule would
    have, and returns the record after it and the number of ``Gatekeeper``
    messages the live rule would have sent; it raises ``ValueError`` where the
    live rule halts the runtime.
    """

    @property
    def block(self) -> int: ...

    def replay(self, keys: MasterKeys, identity: Keypair) -> tuple[MasterKeys, int]: ...

    def __data__(self) -> dict[str, Any]: ...


JournalEntry = Blocks | Joined | RotationStarted | RotationDone | ReplayedEntry


@attrs.frozen
class MasterKeys:
    """What a runtime holds of the master key [KEY-1].

    ``history``: the master keys it knows, oldest first. ``active``: it holds
    the gatekeeper role, and the last key of ``history`` is the key in force
    (the ``Gatekeeper`` channel's signer). ``iv_seq``: the IV counter [KEY-5].
    ``last_random_number``: the last beacon it emitted [KEY-14]. ``launched``:
    the chain has confirmed the master key [KEY-8]. ``registered``: the chain
    lists it as a gatekeeper [KEY-9]. ``journal``: while a gatekeeper runtime
    is not active, the inputs a resync would replay [KEY-10].
    """

    history: tuple[RotatedKey, ...] = ()
    active: bool = False
    iv_seq: int = 0
    last_random_number: bytes = ZERO32
    launched: bool = False
    registered: bool = False
    journal: tuple[JournalEntry, ...] = ()

    @property
    def current(self) -> Keypair | None:
        """The key in force: the ``Gatekeeper`` channel's signer, if the runtime is active."""
        return self.history[-1].key if self.active and self.history else None

    @property
    def live(self) -> bool:
        """Does the ``Gatekeeper`` channel send (not dummy)? Active and registered [KEY-9]."""
        return self.active and self.registered


# --- Effects ------------------------------------------------------------------------------


@attrs.frozen
class Send:
    """Queue ``payload`` on a channel (``worker`` or ``gatekeeper``), signed by ``signer``."""

    channel: str
    payload: Payload
    signer: Keypair


@attrs.frozen
class Count:
    """Advance the (dummy) ``Gatekeeper`` channel by ``messages`` sequence numbers [KEY-10]."""

    messages: int


@attrs.frozen
class Live:
    """Switch the ``Gatekeeper`` channel live (``True``) or dummy [KEY-9]."""

    live: bool


Effect = Send | Count | Live


@attrs.frozen
class Halt:
    """The runtime stops: production panics here [KEY-11] [KEY-13] [KEY-15]."""

    reason: str


Outcome = tuple[MasterKeys, tuple[Effect, ...]] | Halt


def _journal(keys: MasterKeys, entry: JournalEntry) -> MasterKeys:
    return evolve(keys, journal=(*keys.journal, entry))


# --- Generation, IVs, encryption [KEY-4] [KEY-5] [KEY-6] ------------------------------------------


def generate_key(identity: Keypair, rotation_id: int) -> Keypair:
    """The master key a gatekeeper generates for rotation ``rotation_id`` (0: the launch) [KEY-4].

    The reference derives it from the gatekeeper's identity by [CRYPTO-5] at
    ``("phala-spec/master-key", "rotation-<id>")``; production draws it at random.
    """
    return derive_keypair(identity, (MASTER_KEY_PATH, b"rotation-%d" % rotation_id))


def generate_iv(keys: MasterKeys, master: Keypair, block_number: int) -> tuple[bytes, MasterKeys]:
    """The gatekeeper's deterministic IV and the counter after it [KEY-5]:

    ``blake2_256(derive(master, "iv_generator").secret ‖ be32(block) ‖ be64(iv_seq))[0..12]``.
    """
    secret = derive_keypair(master, (IV_GENERATOR,)).secret
    digest = blake2b_256(secret + block_number.to_bytes(4, "big") + keys.iv_seq.to_bytes(8, "big"))
    return digest[:12], evolve(keys, iv_seq=keys.iv_seq + 1)


def encrypt_key_to(
    keys: MasterKeys,
    master: Keypair,
    ecdh_pubkey: bytes,
    secret: bytes,
    block_number: int,
    info: bytes = MASTER_KEY_SHARING,
) -> tuple[EncryptedKey, MasterKeys]:
    """Encrypt a 64-byte secret key to a worker's agreement key [KEY-6].

    The one-time key is the master key's child at ``info`` ([CRYPTO-6]):
    ``"master_key_sharing"`` for the master key, ``"cluster_key_sharing"`` for
    a cluster key; the IV is the next of [KEY-5], the one counter both draw
    from. Raises ``ValueError`` when ``ecdh_pubkey`` is not a ristretto255
    point.
    """
    iv, keys = generate_iv(keys, master, block_number)
    one_time, ciphertext = encrypt_secret_to(master, (info,), ecdh_pubkey, secret, iv)
    return EncryptedKey(one_time, ciphertext, iv), keys


def decrypt_key(identity: Keypair, encrypted: EncryptedKey) -> Keypair | None:
    """The key a gatekeeper encrypted to this runtime's identity, or ``None`` [KEY-6] [KEY-11]."""
    try:
        secret = decrypt_secret_from(
            identity, encrypted.ecdh_pubkey, encrypted.encrypted_key, encrypted.iv
        )
    except ValueError:  # the one-time key is not a point
        return None
    if secret is None:
        return None
    try:
        return keypair_from_secret(secret)
    except ValueError:  # not a canonical schnorrkel secret
        return None


# --- Launch [KEY-7] [KEY-8] -------------------------------------------------------------------------


def on_first_gatekeeper(keys: MasterKeys, identity: Keypair, launch: FirstGatekeeper) -> Outcome:
    """``FirstGatekeeper`` naming this runtime, which never held a key: generate the launch key,
    upload its public key from the worker channel, go live [KEY-7]."""
    if launch.pubkey != identity.public or keys.history:
        return keys, ()
    master = generate_key(identity, 0)
    keys = evolve(
        keys, history=(RotatedKey(0, 0, master),), active=True, registered=True, journal=()
    )
    return keys, (Live(True), Send(WORKER_CHANNEL, MasterPubkey(master.public), identity))


def on_master_pubkey_on_chain(keys: MasterKeys, launch: MasterPubkeyOnChain) -> Outcome:
    """The chain confirms the master key: the gatekeeper is launched [KEY-8].

    An active runtime is launched when the key on chain is its key in force;
    a gatekeeper runtime without a key records the launch for its journal.
    """
    current = keys.current
    if current is None or launch.master_pubkey == current.public:
        return evolve(keys, launched=True), ()
    return keys, ()


# --- Distribution [KEY-9] -----------------------------------------------------------------------------


def distribution(
    keys: MasterKeys, block_number: int, pubkey: bytes, ecdh_pubkey: bytes
) -> tuple[KeyDistribution, MasterKeys]:
    """The master key for a newly registered gatekeeper, by an active runtime [KEY-9].

    One key held: the single-key form. More: the history form, every key
    encrypted in order, each with its own IV. Raises ``ValueError`` when the
    agreement key is not a point.
    """
    master = keys.current
    assert master is not None, "only an active runtime distributes"
    if len(keys.history) == 1:
        encrypted, keys = encrypt_key_to(keys, master, ecdh_pubkey, master.secret, block_number)
        single = MasterKeyDistribution(
            pubkey, encrypted.ecdh_pubkey, encrypted.encrypted_key, encrypted.iv
        )
        return single, keys
    entries = []
    for rotated in keys.history:
        encrypted, keys = encrypt_key_to(
            keys, master, ecdh_pubkey, rotated.key.secret, block_number
        )
        entries.append(HistoryEntry(rotated.rotation_id, rotated.block_height, encrypted))
    return MasterKeyHistory(pubkey, tuple(entries)), keys


def on_gatekeeper_registered(
    keys: MasterKeys, identity: Keypair, block_number: int, change: GatekeeperRegistered
) -> Outcome:
    """``GatekeeperChange::Registered``: an active runtime sends the newcomer the master key
    (still dummy if the newcomer is itself), then a runtime that is the newcomer is registered
    [KEY-9]; a runtime without a key journals the event [KEY-10]."""
    effects: list[Effect] = []
    master = keys.current
    if master is not None:
        try:
            payload, keys = distribution(keys, block_number, change.pubkey, change.ecdh_pubkey)
        except ValueError:
            return Halt("a registered gatekeeper's agreement key is not a ristretto255 point")
        effects.append(Send(GATEKEEPER_CHANNEL, payload, master))
    else:
        keys = _journal(keys, Joined(block_number, change.pubkey, change.ecdh_pubkey))
    if change.pubkey == identity.public:
        keys = evolve(keys, registered=True)
        effects.append(Live(keys.live))
    return keys, tuple(effects)


def on_gatekeeper_unregistered(
    keys: MasterKeys, identity: Keypair, change: GatekeeperUnregistered
) -> Outcome:
    """``GatekeeperChange::Unregistered`` naming this runtime: its ``Gatekeeper`` channel turns
    dummy; it keeps its key and goes on processing (silent syncing) [KEY-9]."""
    if change.pubkey != identity.public:
        return keys, ()
    return evolve(keys, registered=False), (Live(False),)


def received_history(
    identity: Keypair, payload: MasterKeyDistribution | MasterKeyHistory
) -> tuple[RotatedKey, ...] | None:
    """The history a distribution carries, decrypted with the runtime's identity, or ``None``
    when an entry does not decrypt [KEY-11]."""
    if isinstance(payload, MasterKeyDistribution):
        encrypted = EncryptedKey(payload.ecdh_pubkey, payload.encrypted_master_key, payload.iv)
        key = decrypt_key(identity, encrypted)
        return None if key is None else (RotatedKey(0, 0, key),)
    history = []
    for entry in payload.history:
        key = decrypt_key(identity, entry.key)
        if key is None:
            return None
        history.append(RotatedKey(entry.rotation_id, entry.block_height, key))
    return tuple(history)


def on_distribution(
    keys: MasterKeys,
    identity: Keypair,
    sender: MessageOrigin,
    payload: MasterKeyDistribution | MasterKeyHistory,
    gatekeeper_role: bool,
) -> Outcome:
    """A master key sent to a newly registered gatekeeper [KEY-11].

    Only the ``Gatekeeper`` origin counts, and only a distribution to this
    runtime; an active runtime keeps its keys. The runtime decrypts every
    key (one that does not decrypt halts it). A worker runtime then halts:
    production seals the key and asks to be restarted as a gatekeeper. A
    gatekeeper runtime resyncs [KEY-10].
    """
    if sender.kind != "Gatekeeper" or payload.dest != identity.public or keys.active:
        return keys, ()
    history = received_history(identity, payload)
    if history is None:
        return Halt("a distributed master key does not decrypt")
    if not gatekeeper_role:
        return Halt("the master key was received: restart as a gatekeeper")
    return resync(keys, identity, history)


# --- Rotation [KEY-12] [KEY-13] ----------------------------------------------------------------------------


def rotation_batch(
    keys: MasterKeys, identity: Keypair, block_number: int, request: RotateMasterKey
) -> tuple[MasterKeyRotation, MasterKeys]:
    """An active runtime's batch for a rotation [KEY-12]: its candidate key encrypted to every
    listed gatekeeper in the listed order, signed by its identity. Raises ``ValueError`` when an
    agreement key is not a point."""
    master = keys.current
    assert master is not None, "only an active runtime rotates"
    candidate = generate_key(identity, request.rotation_id)
    secret_keys = []
    for gatekeeper in request.gk_identities:
        encrypted, keys = encrypt_key_to(
            keys, master, gatekeeper.ecdh_pubkey, candidate.secret, block_number
        )
        secret_keys.append((gatekeeper.pubkey, encrypted))
    unsigned = MasterKeyRotation(request.rotation_id, secret_keys, identity.public, b"")
    batch = evolve(unsigned, sig=sign(identity, unsigned.signed_data()))
    return batch, keys


def on_rotate_master_key(
    keys: MasterKeys, identity: Keypair, block_number: int, request: RotateMasterKey
) -> Outcome:
    """``RotateMasterKey``: an active runtime sends its batch on the ``Gatekeeper`` channel; a
    gatekeeper runtime without a key journals the request [KEY-12] [KEY-10]."""
    master = keys.current
    if master is None:
        return _journal(
            keys, RotationStarted(block_number, request.rotation_id, request.gk_identities)
        ), ()
    try:
        batch, keys = rotation_batch(keys, identity, block_number, request)
    except ValueError:
        return Halt("a gatekeeper's agreement key is not a ristretto255 point")
    return keys, (Send(GATEKEEPER_CHANNEL, batch, master),)


def batch_accepted(
    sender: MessageOrigin, batch: MasterKeyRotation, gatekeepers: Sequence[bytes]
) -> bool:
    """The checks every runtime makes of a batch, in order [KEY-13]: the ``Gatekeeper`` origin;
    the sender's identity signature; the sender is a gatekeeper on chain (else a leak)."""
    if sender.kind != "Gatekeeper":
        return False
    if not verify(batch.sender, batch.signed_data(), batch.sig):
        return False
    return batch.sender in gatekeepers


def on_rotation_batch(
    keys: MasterKeys,
    identity: Keypair,
    block_number: int,
    sender: MessageOrigin,
    batch: MasterKeyRotation,
    gatekeepers: Sequence[bytes],
    gatekeeper_role: bool,
) -> Outcome:
    """A rotation's batch [KEY-13].

    After [KEY-13]'s checks: a runtime without the gatekeeper role that finds
    itself listed halts; one that is not listed journals the rotation (a
    gatekeeper runtime) or ignores it. An active runtime that is listed
    decrypts its key and appends it (the rotation id must be its history's
    length, else it halts), reports ``RotatedMasterPubkey`` signed with the
    key in force, and signs with the new key from then on; one that is not
    listed drops the gatekeeper role.
    """
    if not batch_accepted(sender, batch, gatekeepers):
        return keys, ()
    entry = batch.entry_for(identity.public)
    old = keys.current
    if old is None:
        if entry is not None:
            return Halt("a runtime without the master key is listed in a rotation batch")
        if gatekeeper_role:
            return _journal(keys, RotationDone(block_number, batch.rotation_id)), ()
        return keys, ()
    if entry is None:
        dropped = evolve(
            keys, active=False, journal=(RotationDone(block_number, batch.rotation_id),)
        )
        return dropped, (Live(False),)
    new = decrypt_key(identity, entry)
    if new is None:
        return Halt("a rotated master key does not decrypt")
    if batch.rotation_id != len(keys.history):
        return Halt("a rotation id that is not the next one of the history")
    keys = evolve(keys, history=(*keys.history, RotatedKey(batch.rotation_id, block_number, new)))
    report = RotatedMasterPubkey(batch.rotation_id, new.public)
    return keys, (Send(GATEKEEPER_CHANNEL, report, old),)


# --- The random beacon [KEY-14] [KEY-15] -----------------------------------------------------------


def next_random_number(master: Keypair, block_number: int, last: bytes) -> bytes:
    """``blake2_256(last ‖ be32(block) ‖ derive(master, "random_number").secret)`` [KEY-14]."""
    secret = derive_keypair(master, (RANDOM_NUMBER,)).secret
    return blake2b_256(last + block_number.to_bytes(4, "big") + secret)


def beacon(keys: MasterKeys, block_number: int) -> tuple[NewRandomNumber, MasterKeys] | None:
    """The beacon an active, launched runtime emits at the end of a block that is a multiple of
    5, with the key in force [KEY-14]; ``None`` in any other block."""
    master = keys.current
    if master is None or not keys.launched or block_number % BEACON_INTERVAL != 0:
        return None
    number = next_random_number(master, block_number, keys.last_random_number)
    event = NewRandomNumber(block_number, number, keys.last_random_number)
    return event, evolve(keys, last_random_number=number)


def on_block_end(keys: MasterKeys, block_number: int, gatekeeper_role: bool) -> Outcome:
    """End of block [KEY-14] [KEY-10]: the beacon; a launched gatekeeper runtime without a key
    journals the block instead."""
    emitted = beacon(keys, block_number)
    if emitted is not None:
        event, after = emitted
        master = keys.current
        assert master is not None
        return after, (Send(GATEKEEPER_CHANNEL, event, master),)
    if keys.active or not gatekeeper_role or not keys.launched:
        return keys, ()
    last = keys.journal[-1] if keys.journal else None
    if isinstance(last, Blocks) and last.last + 1 == block_number:
        return evolve(keys, journal=(*keys.journal[:-1], Blocks(last.first, block_number))), ()
    return _journal(keys, Blocks(block_number, block_number)), ()


def beacon_key(keys: MasterKeys, block_number: int) -> Keypair:
    """The key a beacon of ``block_number`` is checked with [KEY-15]: the newest key, or the one
    before it when the beacon's block precedes the newest key's block."""
    newest = keys.history[-1]
    if block_number < newest.block_height and len(keys.history) > 1:
        return keys.history[-2].key
    return newest.key


def on_new_random_number(
    keys: MasterKeys, sender: MessageOrigin, event: NewRandomNumber
) -> Outcome:
    """An active runtime recomputes every beacon from the ``Gatekeeper`` origin; a mismatch
    poisons it (halts) [KEY-15]."""
    if sender.kind != "Gatekeeper" or not keys.active:
        return keys, ()
    master = beacon_key(keys, event.block_number)
    expected = next_random_number(master, event.block_number, event.last_random_number)
    if expected != event.random_number:
        return Halt("a beacon does not match its recomputation")
    return keys, ()


# --- Resync [KEY-10] -----------------------------------------------------------------------------------


def resync(keys: MasterKeys, identity: Keypair, history: tuple[RotatedKey, ...]) -> Outcome:
    """A gatekeeper runtime that receives the master key replays its journal as a resync from
    genesis would [KEY-10].

    The replay starts from the record as the runtime left the role (or never
    had it) with the received keys it held then (the launch key if none), and
    applies each journal entry with the rules of an active runtime: blocks
    emit beacons, ``Joined`` a distribution, ``RotationStarted`` a batch,
    ``RotationDone`` the rotated key report and the switch to the received
    key of that rotation; an entry another rule journals (a cluster's
    deployment) replays itself. Every gatekeeper message the
    replay makes is counted, none is sent. The result is active, with an
    empty journal.
    """
    start = max(1, len(keys.history))
    state = evolve(keys, history=history[:start], active=True, journal=())
    counted = 0
    try:
        for entry in keys.journal:
            match entry:
                case Blocks(first=first, last=last):
                    for number in range(first, last + 1):
                        emitted = beacon(state, number)
                        if emitted is not None:
                            state = emitted[1]
                            counted += 1
                case Joined(block=block, pubkey=pubkey, ecdh_pubkey=ecdh):
                    state = distribution(state, block, pubkey, ecdh)[1]
                    counted += 1
                case RotationStarted(block=block, rotation_id=rotation_id, identities=identities):
                    request = RotateMasterKey(rotation_id, identities)
                    state = rotation_batch(state, identity, block, request)[1]
                    counted += 1
                case RotationDone(rotation_id=rotation_id):
                    if rotation_id != len(state.history) or rotation_id >= len(history):
                        return Halt("the received history lacks a rotation this runtime saw")
                    state = evolve(state, history=(*state.history, history[rotation_id]))
                    counted += 1
                case _:
                    state, messages = entry.replay(state, identity)
                    counted += messages
    except ValueError:
        return Halt("a gatekeeper's agreement key is not a ristretto255 point")
    if len(state.history) != len(history):
        return Halt("the received history does not match the rotations this runtime saw")
    return state, (Count(counted), Live(state.live))


# --- Dispatch --------------------------------------------------------------------------------------------


def on_launch(
    keys: MasterKeys,
    identity: Keypair,
    block_number: int,
    sender: MessageOrigin,
    launch: GatekeeperLaunch,
) -> Outcome:
    """A gatekeeper runtime's ``GatekeeperLaunch`` from a pallet [KEY-7] [KEY-8] [KEY-12]."""
    if sender.kind != "Pallet":
        return keys, ()
    match launch:
        case FirstGatekeeper():
            return on_first_gatekeeper(keys, identity, launch)
        case MasterPubkeyOnChain():
            return on_master_pubkey_on_chain(keys, launch)
        case RotateMasterKey():
            return on_rotate_master_key(keys, identity, block_number, launch)
    return keys, ()  # MasterPubkeyRotated: nothing to do


def on_change(
    keys: MasterKeys,
    identity: Keypair,
    block_number: int,
    sender: MessageOrigin,
    change: GatekeeperChange,
) -> Outcome:
    """A gatekeeper runtime's ``GatekeeperChange`` from a pallet [KEY-9]."""
    if sender.kind != "Pallet":
        return keys, ()
    if isinstance(change, GatekeeperRegistered):
        return on_gatekeeper_registered(keys, identity, block_number, change)
    return on_gatekeeper_unregistered(keys, identity, change)


def on_key_distribution(
    keys: MasterKeys,
    identity: Keypair,
    block_number: int,
    sender: MessageOrigin,
    payload: KeyDistribution,
    gatekeepers: Sequence[bytes],
    gatekeeper_role: bool,
) -> Outcome:
    """Every runtime's ``KeyDistribution`` [KEY-11] [KEY-13]."""
    if isinstance(payload, MasterKeyRotation):
        return on_rotation_batch(
            keys, identity, block_number, sender, payload, gatekeepers, gatekeeper_role
        )
    return on_distribution(keys, identity, sender, payload, gatekeeper_role)
