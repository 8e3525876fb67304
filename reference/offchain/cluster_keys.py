"""Cluster and contract keys, and the gatekeepers' deployment of a cluster [PHAT-51]..[PHAT-53].

A cluster's key is the master key's child at the cluster's id; a contract's
key is its cluster key's child at the contract's id ([PHAT-51]). When the
chain asks for a cluster (``DeployCluster``), every gatekeeper that holds the
master key derives the cluster key, reports its public key to the chain and
seals the secret to each listed worker ([PHAT-52], [PHAT-53]); every
gatekeeper computes the same bytes with the same sequence numbers, and the
chain keeps the first copy. The rule returns a key-life outcome
(:mod:`.master_key`) that the runtime applies to its ``Gatekeeper`` channel.

Entry points: :func:`derive_cluster_key`, :func:`derive_contract_key`,
:func:`seal_cluster_key`, :func:`cluster_key_messages`,
:func:`on_deploy_cluster`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from ..chain.key_payloads import EncryptedKey
from ..chain.messages import MessageOrigin
from ..chain.phat_payloads import ClusterPubkeyAvailable, DeployCluster, DispatchKeys
from ..chain.registry_payloads import WorkerIdentity
from ..primitives.crypto import Keypair, derive_keypair
from ..primitives.records import evolve
from .master_key import GATEKEEPER_CHANNEL, Halt, MasterKeys, Outcome, Send, encrypt_key_to

# phala-crypto's derivation infos for clusters and contracts ([CRYPTO-5] paths).
CLUSTER_KEY = b"cluster_key"
CONTRACT_KEY = b"contract_key"
CLUSTER_KEY_SHARING = b"cluster_key_sharing"


def derive_cluster_key(master: Keypair, cluster: bytes) -> Keypair:
    """A cluster's key: the master key's child at ``("cluster_key", cluster)`` [PHAT-51]."""
    return derive_keypair(master, (CLUSTER_KEY, cluster))


def derive_contract_key(cluster_key: Keypair, contract: bytes) -> Keypair:
    """A contract's key: its cluster key's child at ``("contract_key", contract)`` [PHAT-51]."""
    return derive_keypair(cluster_key, (CONTRACT_KEY, contract))


def seal_cluster_key(
    keys: MasterKeys,
    master: Keypair,
    cluster_key: Keypair,
    workers: Sequence[WorkerIdentity],
    block_number: int,
) -> tuple[tuple[tuple[bytes, EncryptedKey], ...], MasterKeys]:
    """The cluster key's 64-byte secret sealed to each worker, in the listed order [PHAT-53].

    Each worker takes the next IV of the gatekeeper's one counter ([KEY-5]) and
    the one-time key is the master key's child at ``"cluster_key_sharing"``
    ([KEY-6]). Raises ``ValueError`` when an agreement key is not a point.
    """
    sealed = []
    for worker in workers:
        encrypted, keys = encrypt_key_to(
            keys, master, worker.ecdh_pubkey, cluster_key.secret, block_number, CLUSTER_KEY_SHARING
        )
        sealed.append((worker.pubkey, encrypted))
    return tuple(sealed), keys


def cluster_key_messages(
    keys: MasterKeys, master: Keypair, block_number: int, deploy: DeployCluster
) -> tuple[ClusterPubkeyAvailable, DispatchKeys, MasterKeys]:
    """What a gatekeeper holding ``master`` sends for ``DeployCluster`` [PHAT-52]:
    ``ClusterRegistryEvent::PubkeyAvailable`` of the cluster key, then ``DispatchKeys`` with
    the key sealed to every listed worker and the cluster's parameters, and its record with
    the IV counter advanced. Raises ``ValueError`` when an agreement key is not a point."""
    cluster_key = derive_cluster_key(master, deploy.cluster)
    sealed, keys = seal_cluster_key(keys, master, cluster_key, deploy.workers, block_number)
    dispatch = DispatchKeys(
        sealed,
        deploy.cluster,
        deploy.owner,
        deploy.deposit,
        deploy.gas_price,
        deploy.deposit_per_item,
        deploy.deposit_per_byte,
        deploy.treasury_account,
    )
    return ClusterPubkeyAvailable(deploy.cluster, cluster_key.public), dispatch, keys


@attrs.frozen
class ClusterDeploy:
    """Journal: a ``DeployCluster`` a launched gatekeeper runtime saw without the key
    [PHAT-52] [KEY-10]. Its replay sends (counts) the two messages and draws the IVs."""

    block: int
    deploy: DeployCluster

    def replay(self, keys: MasterKeys, identity: Keypair) -> tuple[MasterKeys, int]:
        """The live rule on the replay's record: two ``Gatekeeper`` messages [KEY-10]."""
        master = keys.current
        assert master is not None, "a replay runs on an active record"
        _, _, keys = cluster_key_messages(keys, master, self.block, self.deploy)
        return keys, 2

    def __data__(self) -> dict[str, Any]:
        return {
            "kind": "ClusterDeploy",
            "block": self.block,
            "cluster": self.deploy.cluster,
            "workers": [
                {"pubkey": w.pubkey, "ecdh_pubkey": w.ecdh_pubkey} for w in self.deploy.workers
            ],
        }


def on_deploy_cluster(
    keys: MasterKeys, block_number: int, sender: MessageOrigin, deploy: DeployCluster
) -> Outcome:
    """``ClusterEvent::DeployCluster`` at a gatekeeper runtime [PHAT-52].

    Dropped unless it comes from a pallet (production logs ``BadOrigin``) and
    the master key is on chain ([KEY-8]). A runtime holding the key sends
    :func:`cluster_key_messages` on the ``Gatekeeper`` channel, signed with the
    key in force; one without it journals the deployment [KEY-10]. An
    agreement key that is not a point halts the runtime ([KEY-6]).
    """
    if sender.kind != "Pallet" or not keys.launched:
        return keys, ()
    master = keys.current
    if master is None:
        return evolve(keys, journal=(*keys.journal, ClusterDeploy(block_number, deploy))), ()
    try:
        available, dispatch, keys = cluster_key_messages(keys, master, block_number, deploy)
    except ValueError:
        return Halt("a cluster worker's agreement key is not a ristretto255 point")
    return keys, (
        Send(GATEKEEPER_CHANNEL, available, master),
        Send(GATEKEEPER_CHANNEL, dispatch, master),
    )
