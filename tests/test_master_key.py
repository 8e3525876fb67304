"""The master key's life off chain [KEY-1]..[KEY-17].

Expected bytes are recomputed from the formulas of spec/master-key.md with the
primitives of spec/crypto.md (HKDF, BLAKE2b, agreement, AES-GCM); the stories
run on the network, block by block, and check what the rules imply.
"""

from __future__ import annotations

import hashlib
from typing import Any

import attrs
import pytest

from phala_spec.chain.key_payloads import (
    EncryptedKey,
    HistoryEntry,
    MasterKeyDistribution,
    MasterKeyHistory,
    MasterKeyRotation,
    NewRandomNumber,
)
from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin, signed_bytes
from phala_spec.chain.registry_payloads import (
    GatekeeperRegistered,
    RotatedMasterPubkey,
    RotateMasterKey,
    WorkerIdentity,
)
from phala_spec.chain.state import BlockContext, Root, Signed
from phala_spec.chain.worker_messages import (
    decode_gatekeeper_event,
    decode_gatekeeper_registry_event,
    decode_key_distribution,
    encode_payload,
)
from phala_spec.network import NetworkState, genesis_state, network_step
from phala_spec.offchain import master_key
from phala_spec.offchain.master_key import (
    Halt,
    Live,
    MasterKeys,
    RotatedKey,
    Send,
    batch_accepted,
    on_distribution,
    on_new_random_number,
    on_rotation_batch,
)
from phala_spec.primitives import scale
from phala_spec.primitives.crypto import (
    KDF_SALT,
    Keypair,
    aead_decrypt,
    agree,
    dev_keypair,
    keypair_from_seed,
    sign,
    verify,
)
from phala_spec.runtime.genesis import dev_account

NAMES = ("gk1", "gk2", "gk3", "gk4")
KEYS = {name: dev_keypair(f"test-keys/{name}") for name in (*NAMES, "worker")}
WORKER_ORIGIN = MessageOrigin("Worker", KEYS["worker"].public)
FORCE = "PhalaRegistry.force_register_worker"
REGISTER = "PhalaRegistry.register_gatekeeper"
UNREGISTER = "PhalaRegistry.unregister_gatekeeper"
ROTATE = "PhalaRegistry.rotate_master_key"
SYNC = "PhalaMq.sync_offchain_message"


def hkdf_child(parent: Keypair, info: bytes) -> Keypair:
    """[CRYPTO-5] restated with hashlib: HKDF-SHA256 extract and one expand block."""
    import hmac

    prk = hmac.new(KDF_SALT, parent.secret, hashlib.sha256).digest()
    okm = hmac.new(prk, info + b"\x01", hashlib.sha256).digest()
    return keypair_from_seed(okm)


def blake2(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


# --- Formulas [KEY-4] [KEY-5] [KEY-6] [KEY-14] ---------------------------------------------------


def test_generated_keys_follow_the_reference_path() -> None:
    identity = KEYS["gk1"]
    for rotation in (0, 1, 12):
        info = b"phala-spec/master-key" + b"rotation-%d" % rotation
        assert master_key.generate_key(identity, rotation) == hkdf_child(identity, info)
    assert master_key.generate_key(identity, 0) != master_key.generate_key(identity, 1)


def test_iv_generator_formula_and_counter() -> None:
    master = dev_keypair("test-keys/master")
    keys = MasterKeys(iv_seq=41)
    secret = hkdf_child(master, b"iv_generator").secret
    iv, after = master_key.generate_iv(keys, master, 0x01020304)
    expected = blake2(secret + bytes([1, 2, 3, 4]) + (41).to_bytes(8, "big"))[:12]
    assert iv == expected and after.iv_seq == 42
    iv2, _ = master_key.generate_iv(after, master, 0x01020304)
    assert iv2 == blake2(secret + bytes([1, 2, 3, 4]) + (42).to_bytes(8, "big"))[:12] != iv


def test_encrypt_key_to_uses_the_sharing_child_and_decrypts_only_for_the_recipient() -> None:
    master = dev_keypair("test-keys/master")
    secret = dev_keypair("test-keys/secret").secret
    recipient = KEYS["gk2"]
    encrypted, keys = master_key.encrypt_key_to(MasterKeys(), master, recipient.public, secret, 9)
    one_time = hkdf_child(master, b"master_key_sharing")
    assert encrypted.ecdh_pubkey == one_time.public
    assert keys.iv_seq == 1
    assert encrypted.iv == master_key.generate_iv(MasterKeys(), master, 9)[0]
    # the AES key is the agreement, both ways [CRYPTO-4]; 64 bytes + the 16-byte tag
    assert agree(one_time, recipient.public) == agree(recipient, one_time.public)
    assert len(encrypted.encrypted_key) == 80
    plain = aead_decrypt(agree(recipient, one_time.public), encrypted.iv, encrypted.encrypted_key)
    assert plain == secret
    decrypted = master_key.decrypt_key(recipient, encrypted)
    assert decrypted is not None and decrypted.secret == secret
    assert master_key.decrypt_key(KEYS["gk3"], encrypted) is None
    with pytest.raises(ValueError):
        master_key.encrypt_key_to(MasterKeys(), master, b"\xff" * 32, secret, 9)


def test_beacon_formula_and_interval() -> None:
    master = dev_keypair("test-keys/master")
    keys = MasterKeys(history=(RotatedKey(0, 0, master),), active=True, launched=True)
    secret = hkdf_child(master, b"random_number").secret
    assert master_key.beacon(keys, 4) is None
    event, after = master_key.beacon(keys, 10) or (None, keys)
    assert event == NewRandomNumber(
        10, blake2(bytes(32) + (10).to_bytes(4, "big") + secret), bytes(32)
    )
    assert after.last_random_number == event.random_number
    # not launched, or not active: no beacon
    assert master_key.beacon(attrs.evolve(keys, launched=False), 10) is None
    assert master_key.beacon(attrs.evolve(keys, active=False), 10) is None


def test_beacon_check_uses_the_key_in_force_at_the_block() -> None:
    old, new = dev_keypair("test-keys/k0"), dev_keypair("test-keys/k1")
    keys = MasterKeys(history=(RotatedKey(0, 0, old), RotatedKey(1, 12, new)), active=True)
    last = bytes(range(32))
    for number, key in ((10, old), (11, old), (12, new), (15, new)):
        good = NewRandomNumber(number, master_key.next_random_number(key, number, last), last)
        assert on_new_random_number(keys, GATEKEEPER, good) == (keys, ())
        other = new if key is old else old
        bad = attrs.evolve(good, random_number=master_key.next_random_number(other, number, last))
        assert isinstance(on_new_random_number(keys, GATEKEEPER, bad), Halt)
        # from another origin, or at a runtime without the role: ignored
        assert on_new_random_number(keys, WORKER_ORIGIN, bad) == (keys, ())
        assert on_new_random_number(attrs.evolve(keys, active=False), GATEKEEPER, bad)[1] == ()


# --- Payloads [KEY-2] [KEY-3] ---------------------------------------------------------------------


def encrypted(n: int) -> EncryptedKey:
    return EncryptedKey(bytes([n]) * 32, bytes([n]) * 80, bytes([n]) * 12)


def test_key_distribution_layouts() -> None:
    dest = bytes([9]) * 32
    single = MasterKeyDistribution(dest, bytes([1]) * 32, bytes([2]) * 80, bytes([3]) * 12)
    assert (
        encode_payload(single)
        == b"\x00" + dest + bytes([1]) * 32 + scale.compact(80) + bytes([2]) * 80 + bytes([3]) * 12
    )
    history = MasterKeyHistory(
        dest, (HistoryEntry(0, 0, encrypted(1)), HistoryEntry(1, 7, encrypted(2)))
    )
    body = b"".join(
        r.to_bytes(8, "little")
        + h.to_bytes(4, "little")
        + bytes([n]) * 32
        + scale.compact(80)
        + bytes([n]) * 92
        for r, h, n in ((0, 0, 1), (1, 7, 2))
    )
    assert encode_payload(history) == b"\x02" + dest + scale.compact(2) + body
    for payload in (single, history):
        assert decode_key_distribution(encode_payload(payload) + b"more") == payload
    beacon = NewRandomNumber(5, bytes([1]) * 32, bytes(32))
    assert encode_payload(beacon) == b"\x00" + (5).to_bytes(4, "little") + bytes([1]) * 32 + bytes(
        32
    )
    assert decode_gatekeeper_event(encode_payload(beacon)) == beacon


def test_batch_is_a_btreemap_and_signs_its_fields_with_the_rotation_prefix() -> None:
    low, high = bytes([1]) * 32, bytes([2]) * 32
    batch = MasterKeyRotation(
        3, [(high, encrypted(5)), (low, encrypted(6)), (high, encrypted(7))], low, b""
    )
    assert batch.secret_keys == ((low, encrypted(6)), (high, encrypted(7)))
    entry = lambda k, n: k + bytes([n]) * 32 + scale.compact(80) + bytes([n]) * 92  # noqa: E731
    fields = (3).to_bytes(8, "little") + scale.compact(2) + entry(low, 6) + entry(high, 7) + low
    assert batch.signed_data() == b"\xff\x03" + fields
    assert encode_payload(batch) == b"\x01" + fields + scale.compact(0)
    signed = attrs.evolve(batch, sig=sign(KEYS["gk1"], batch.signed_data()))
    assert decode_key_distribution(encode_payload(signed)) == signed
    # a duplicate key on the wire decodes to the normal form, later value kept
    wire = (
        b"\x01"
        + (3).to_bytes(8, "little")
        + scale.compact(2)
        + entry(high, 5)
        + entry(high, 7)
        + low
        + scale.compact(0)
    )
    decoded = decode_key_distribution(wire)
    assert isinstance(decoded, MasterKeyRotation) and decoded.secret_keys == ((high, encrypted(7)),)


# --- Rotation rules [KEY-12] [KEY-13] -----------------------------------------------------------------


def active(identity: Keypair, *history: Keypair) -> MasterKeys:
    return MasterKeys(
        history=tuple(RotatedKey(i, 0 if i == 0 else 10 * i, k) for i, k in enumerate(history)),
        active=True,
        launched=True,
        registered=True,
    )


def signed_batch(sender: Keypair, request: RotateMasterKey, master: Keypair) -> MasterKeyRotation:
    return master_key.rotation_batch(active(sender, master), sender, 20, request)[0]


def test_rotation_batch_encrypts_the_candidate_to_each_listed_gatekeeper_in_order() -> None:
    gk1, gk2, gk3 = KEYS["gk1"], KEYS["gk2"], KEYS["gk3"]
    master = master_key.generate_key(gk1, 0)
    request = RotateMasterKey(1, tuple(WorkerIdentity(k.public, k.public) for k in (gk3, gk1, gk2)))
    keys = active(gk1, master)
    batch, after = master_key.rotation_batch(keys, gk1, 20, request)
    assert after.iv_seq == 3 and batch.sender == gk1.public and batch.rotation_id == 1
    assert verify(gk1.public, batch.signed_data(), batch.sig)
    candidate = master_key.generate_key(gk1, 1)
    ivs = []
    state = keys
    for gatekeeper in (gk3, gk1, gk2):  # the IVs are taken in the listed order
        iv, state = master_key.generate_iv(state, master, 20)
        ivs.append(iv)
        entry = batch.entry_for(gatekeeper.public)
        assert entry is not None and entry.iv == iv
        decrypted = master_key.decrypt_key(gatekeeper, entry)
        assert decrypted is not None and decrypted.secret == candidate.secret
    assert len(set(ivs)) == 3


def test_batch_checks_in_order_only_an_authentic_gatekeeper_batch_halts_a_listed_worker() -> None:
    gk1, worker = KEYS["gk1"], KEYS["worker"]
    master = master_key.generate_key(gk1, 0)
    request = RotateMasterKey(1, (WorkerIdentity(worker.public, worker.public),))
    batch = signed_batch(gk1, request, master)
    empty = MasterKeys()

    def run(sender: MessageOrigin, batch: MasterKeyRotation, gatekeepers: tuple[bytes, ...]) -> Any:
        return on_rotation_batch(empty, worker, 21, sender, batch, gatekeepers, False)

    listed = (gk1.public,)
    # each batch below fails one check and passes the later ones: nothing happens
    assert run(WORKER_ORIGIN, batch, listed) == (empty, ())
    forged = attrs.evolve(batch, sig=sign(KEYS["gk2"], batch.signed_data()))
    assert run(GATEKEEPER, forged, listed) == (empty, ())
    assert run(GATEKEEPER, batch, (KEYS["gk2"].public,)) == (empty, ())
    assert not batch_accepted(WORKER_ORIGIN, batch, listed)
    # all three pass: the listed worker halts
    assert isinstance(run(GATEKEEPER, batch, listed), Halt)


def test_a_listed_gatekeeper_appends_reports_with_the_old_key_and_switches() -> None:
    gk1, gk2 = KEYS["gk1"], KEYS["gk2"]
    master = master_key.generate_key(gk1, 0)
    request = RotateMasterKey(1, tuple(WorkerIdentity(k.public, k.public) for k in (gk1, gk2)))
    batch = signed_batch(gk1, request, master)
    keys = active(gk2, master)
    outcome = on_rotation_batch(keys, gk2, 21, GATEKEEPER, batch, (gk1.public, gk2.public), True)
    assert not isinstance(outcome, Halt)
    after, effects = outcome
    new = master_key.generate_key(gk1, 1)
    assert after.history == (*keys.history, RotatedKey(1, 21, new))
    assert after.current is not None and after.current.secret == new.secret
    assert effects == (
        Send(
            master_key.GATEKEEPER_CHANNEL, RotatedMasterPubkey(1, new.public), keys.history[0].key
        ),
    )
    # the same batch again: the rotation id is no longer the next one
    assert isinstance(
        on_rotation_batch(after, gk2, 22, GATEKEEPER, batch, (gk1.public,), True), Halt
    )
    # a gatekeeper the batch leaves out drops the role and journals the rotation
    gk3 = KEYS["gk3"]
    dropped = on_rotation_batch(
        active(gk3, master), gk3, 21, GATEKEEPER, batch, (gk1.public,), True
    )
    assert not isinstance(dropped, Halt)
    assert dropped[0].current is None and dropped[1] == (Live(False),)
    assert dropped[0].journal == (master_key.RotationDone(21, 1),)


def test_distribution_is_ignored_unless_from_the_gatekeeper_to_this_runtime() -> None:
    gk1, gk2 = KEYS["gk1"], KEYS["gk2"]
    master = master_key.generate_key(gk1, 0)
    payload, _ = master_key.distribution(active(gk1, master), 5, gk2.public, gk2.public)
    assert isinstance(payload, MasterKeyDistribution)
    empty = MasterKeys()
    assert on_distribution(empty, gk2, WORKER_ORIGIN, payload, True) == (empty, ())
    assert on_distribution(empty, KEYS["gk3"], GATEKEEPER, payload, True) == (empty, ())
    held = active(gk2, dev_keypair("test-keys/other"))
    assert on_distribution(held, gk2, GATEKEEPER, payload, True) == (held, ())
    # a worker runtime given the key halts (restart as a gatekeeper)
    assert isinstance(on_distribution(empty, gk2, GATEKEEPER, payload, False), Halt)
    # a ciphertext that does not decrypt halts
    broken = attrs.evolve(payload, encrypted_master_key=b"\x00" * 80)
    assert isinstance(on_distribution(empty, gk2, GATEKEEPER, broken, True), Halt)
    # a gatekeeper runtime adopts it
    adopted = on_distribution(empty, gk2, GATEKEEPER, payload, True)
    assert not isinstance(adopted, Halt) and adopted[0].history == (RotatedKey(0, 0, master),)


# --- Stories on the network [KEY-7]..[KEY-15] --------------------------------------------------------


class Story:
    def __init__(self, roles: dict[str, str] | None = None) -> None:
        roles = roles or {}
        declarations = [
            {"name": name, "key": f"test-keys/{name}", "role": roles.get(name, "gatekeeper")}
            for name in NAMES
        ] + [{"name": "worker", "key": "test-keys/worker", "role": "worker"}]
        state = genesis_state("minimal", {"runtimes": declarations, "crypto": "real"})
        assert isinstance(state, NetworkState)
        self.net = state
        self.number = 0
        self.reports: list[Any] = []

    def block(self, *extrinsics: Any, withheld: tuple[str, ...] = ()) -> Any:
        self.number += 1
        self.net, report = network_step(
            self.net, BlockContext(self.number, self.number * 12_000), extrinsics, withheld
        )
        self.reports.append(report)
        return report

    def launch(self) -> None:
        self.block(
            *(
                (Root(), FORCE, {"pubkey": k.public, "ecdh_pubkey": k.public, "operator": None})
                for k in KEYS.values()
            ),
            (Root(), REGISTER, {"gatekeeper": KEYS["gk1"].public}),
        )

    def keys(self, name: str) -> MasterKeys:
        return self.net.runtimes[name].keys

    def gk_sequence(self, name: str) -> int:
        return self.net.runtimes[name].queue.channels[GATEKEEPER].sequence


def gk_egress(report: Any, name: str) -> list[Any]:
    return [m for m in report.egress.get(name, ()) if m.message.sender == GATEKEEPER]


def test_full_rotation_with_three_gatekeepers_and_a_fourth_that_joins_after() -> None:
    s = Story()
    s.launch()
    s.block((Root(), REGISTER, {"gatekeeper": KEYS["gk2"].public}))
    s.block((Root(), REGISTER, {"gatekeeper": KEYS["gk3"].public}))
    s.block()
    s.block()  # block 5: the first beacon
    s.block((Root(), ROTATE, {}))
    report = s.block()  # the winning batch is gk1's: the first relayer in name order
    outcomes = [(e.runtime, e.outcome) for e in report.extrinsics]
    assert outcomes[0] == ("gk1", "ok") and all(o == "PhalaMq.BadSequence" for _, o in outcomes[1:])
    winner = master_key.generate_key(KEYS["gk1"], 1)
    # each runtime reports the new key, signed with the old one
    for name in ("gk1", "gk2", "gk3"):
        (reported,) = gk_egress(report, name)
        assert decode_gatekeeper_registry_event(reported.message.payload) == RotatedMasterPubkey(
            1, winner.public
        )
        current = s.keys(name).current
        assert current is not None and current.secret == winner.secret
    report = s.block()
    assert any(e.name == "PhalaRegistry.MasterKeyRotated" for e in report.events)
    assert s.net.chain.registry.gatekeeper_master_pubkey == winner.public
    report = s.block((Root(), REGISTER, {"gatekeeper": KEYS["gk4"].public}))
    (history,) = gk_egress(report, "gk1")
    payload = decode_key_distribution(history.message.payload)
    assert isinstance(payload, MasterKeyHistory) and [e.rotation_id for e in payload.history] == [
        0,
        1,
    ]
    assert s.keys("gk4").current is None
    s.block()  # block 10: gk4 receives the history and resyncs
    for _ in range(5):
        report = s.block()  # up to block 15, a beacon block
    # every gatekeeper holds the same record and signs byte-identical beacons
    records = {name: s.keys(name) for name in NAMES}
    assert all(r == records["gk1"] for r in records.values())
    assert [k.key.secret for k in records["gk4"].history] == [
        master_key.generate_key(KEYS["gk1"], 0).secret,
        winner.secret,
    ]
    assert {s.gk_sequence(name) for name in NAMES} == {s.net.chain.mq.ingress[GATEKEEPER] + 1}
    beacons = {bytes(m.message.encode()) + m.signature for n in NAMES for m in gk_egress(report, n)}
    assert len(beacons) == 1 and s.number % 5 == 0
    # the beacon the chain accepted after the rotation is checked with the new key by all
    assert all(s.net.runtimes[n].halted is None for n in (*NAMES, "worker"))


def test_unregistered_gatekeeper_syncs_silently_and_drops_the_role_at_the_next_rotation() -> None:
    s = Story()
    s.launch()
    s.block((Root(), REGISTER, {"gatekeeper": KEYS["gk2"].public}))
    s.block((Root(), UNREGISTER, {"gatekeeper": KEYS["gk2"].public}))
    assert s.keys("gk2").active and not s.keys("gk2").registered
    assert s.net.runtimes["gk2"].queue.channels[GATEKEEPER].dummy
    s.block()
    report = s.block()  # block 5: gk2 counts its beacon without sending it
    assert gk_egress(report, "gk2") == [] and len(gk_egress(report, "gk1")) == 1
    assert s.gk_sequence("gk2") == s.gk_sequence("gk1")
    s.block((Root(), ROTATE, {}))
    s.block()
    assert not s.keys("gk2").active and s.keys("gk1").active
    assert s.keys("gk2").journal[0] == master_key.RotationDone(7, 1)


def test_a_worker_runtime_listed_in_a_batch_halts() -> None:
    s = Story(roles={"gk2": "worker"})
    s.launch()
    s.block((Root(), REGISTER, {"gatekeeper": KEYS["gk2"].public}))
    report = s.block()  # the distribution reaches gk2, a worker runtime: it halts
    assert report.halted == ("gk2",)


def test_forged_beacon_signed_with_the_master_key_poisons_the_gatekeepers() -> None:
    s = Story()
    s.launch()
    s.block()
    master = s.keys("gk1").current
    assert master is not None
    forged = NewRandomNumber(5, bytes([7]) * 32, bytes(32))
    message = Message(GATEKEEPER, b"phala/gatekeeper/event", encode_payload(forged))
    sequence = s.net.chain.mq.ingress.get(GATEKEEPER, 0)
    signed = {
        "message": {
            "sender": {"kind": "Gatekeeper", "id": b""},
            "destination": message.destination,
            "payload": message.payload,
        },
        "sequence": sequence,
        "signature": sign(master, signed_bytes(message, sequence)),
    }
    report = s.block((Signed(dev_account("eve")), SYNC, {"signed_message": signed}))
    assert "gk1" in report.halted and "worker" not in report.halted


def test_a_distribution_to_an_invalid_agreement_key_halts_the_gatekeepers() -> None:
    s = Story()
    s.launch()
    s.block(
        (
            Root(),
            FORCE,
            {"pubkey": KEYS["gk3"].public, "ecdh_pubkey": b"\xff" * 32, "operator": None},
        ),
        (Root(), REGISTER, {"gatekeeper": KEYS["gk3"].public}),
    )
    assert s.net.runtimes["gk1"].halted is not None
    assert s.net.runtimes["gk2"].halted is None  # no key: it only journals


def test_registered_event_is_journaled_and_replayed() -> None:
    gk1, gk2 = KEYS["gk1"], KEYS["gk2"]
    change = GatekeeperRegistered(gk2.public, gk2.public)
    keys, effects = master_key.on_gatekeeper_registered(MasterKeys(launched=True), gk2, 3, change)
    assert keys.journal == (master_key.Joined(3, gk2.public, gk2.public),) and keys.registered
    assert effects == (Live(False),)
    master = master_key.generate_key(gk1, 0)
    replayed = master_key.resync(keys, gk2, (RotatedKey(0, 0, master),))
    assert not isinstance(replayed, Halt)
    after, effects = replayed
    assert after.active and after.journal == () and after.iv_seq == 1
    assert effects == (master_key.Count(1), Live(True))
