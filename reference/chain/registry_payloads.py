"""The registry's payloads: ``RegistryEvent`` and the gatekeepers' messages.

``RegistryEvent`` [OFF-5] is what a worker sends the registry pallet on
``^phala/registry/event`` (its benchmark report, or the first gatekeeper's
master public key). The gatekeeper messages are what the registry pallet tells
the runtimes on the gatekeeper topics, ``GatekeeperLaunch`` [OFF-25] and
``GatekeeperChange`` [OFF-26], and what the gatekeepers answer on
``^phala/registry/gk_event``, ``GatekeeperRegistryEvent`` [OFF-27]. The
topics, the SCALE layouts and the codec are
:mod:`phala_spec.chain.worker_messages`'.
"""

from __future__ import annotations

import attrs

from ..primitives.arith import U64_MAX
from .system_payloads import check_key, check_unsigned

# --- RegistryEvent [OFF-5] ------------------------------------------------------


@attrs.frozen
class BenchReport:
    """The benchmark result: start time (ms) and iterations counted [OFF-5]."""

    start_time: int
    iterations: int

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.start_time, U64_MAX, "start_time")
        check_unsigned(self.iterations, U64_MAX, "iterations")


@attrs.frozen
class _MasterKeyRecord:
    """A record carrying one master public key."""

    master_pubkey: bytes

    def __attrs_post_init__(self) -> None:
        check_key(self.master_pubkey, "master_pubkey")


@attrs.frozen
class _IdentityRecord:
    """A record carrying a worker's identity key and ECDH key."""

    pubkey: bytes
    ecdh_pubkey: bytes

    def __attrs_post_init__(self) -> None:
        check_key(self.pubkey, "pubkey")
        check_key(self.ecdh_pubkey, "ecdh_pubkey")


@attrs.frozen
class MasterPubkey(_MasterKeyRecord):
    """The first gatekeeper's master public key [OFF-5]."""


RegistryEvent = BenchReport | MasterPubkey

# --- Gatekeeper launch, change and registry events [OFF-25]..[OFF-27] ------------


@attrs.frozen
class WorkerIdentity(_IdentityRecord):
    """A gatekeeper's identity and encryption keys [OFF-25]."""


@attrs.frozen
class FirstGatekeeper(_IdentityRecord):
    """``GatekeeperLaunch::FirstGatekeeper``: the first gatekeeper is registered [OFF-25]."""


@attrs.frozen
class MasterPubkeyOnChain(_MasterKeyRecord):
    """``GatekeeperLaunch::MasterPubkeyOnChain``: the chain stored the master public key [OFF-25]."""


@attrs.frozen
class RotateMasterKey:
    """``GatekeeperLaunch::RotateMasterKey``: rotation ``rotation_id`` among these gatekeepers [OFF-25]."""

    rotation_id: int
    gk_identities: tuple[WorkerIdentity, ...]

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.rotation_id, U64_MAX, "rotation_id")


@attrs.frozen
class MasterPubkeyRotated(_MasterKeyRecord):
    """``GatekeeperLaunch::MasterPubkeyRotated``: the chain switched to a new master public key [OFF-25]."""


GatekeeperLaunch = FirstGatekeeper | MasterPubkeyOnChain | RotateMasterKey | MasterPubkeyRotated


@attrs.frozen
class GatekeeperRegistered(_IdentityRecord):
    """``GatekeeperChange::Registered``: another gatekeeper joined [OFF-26]."""


@attrs.frozen
class GatekeeperUnregistered:
    """``GatekeeperChange::Unregistered``: a gatekeeper left [OFF-26]."""

    pubkey: bytes

    def __attrs_post_init__(self) -> None:
        check_key(self.pubkey, "pubkey")


GatekeeperChange = GatekeeperRegistered | GatekeeperUnregistered


@attrs.frozen
class RotatedMasterPubkey:
    """``GatekeeperRegistryEvent::RotatedMasterPubkey``: the gatekeepers' new master key [OFF-27]."""

    rotation_id: int
    master_pubkey: bytes

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.rotation_id, U64_MAX, "rotation_id")
        check_key(self.master_pubkey, "master_pubkey")


GatekeeperRegistryEvent = RotatedMasterPubkey
