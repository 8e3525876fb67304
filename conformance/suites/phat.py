"""Authored vectors for the Phat Contracts pallets [PHAT-1]..[PHAT-34] (suite ``phat``).

Handlers: ``clusters`` (creating, the system code, workers, destroying),
``contracts`` (deposits, code upload, instantiation, commands), ``stakes``
(``adjust_stake``) and ``keys`` (the handlers of the gatekeepers', the
clusters' and the workers' messages, signed in the ``real`` and ``oracle``
crypto settings, in a cluster's full life). Every error a call can return has
a vector, most of them in a precedence check: an input failing two checks
gets the error of the one production checks first. The errors no path
returns (``CodeNotFound``, ``ClusterNotDeployed``, ``DuplicatedDeployment``)
have none; ``InvalidSender`` and ``MessageCodecError`` come from handlers,
whose errors are swallowed ([MQ-13]): their vectors show that nothing
changed.
"""

from __future__ import annotations

from typing import Any

from phala_spec.chain.messages import GATEKEEPER, Message, MessageOrigin
from phala_spec.chain.phat_payloads import (
    CLUSTER_KEY_TOPIC,
    CLUSTER_REGISTRY_TOPIC,
    CONTRACT_REGISTRY_TOPIC,
    WORKER_CLUSTER_REPORT_TOPIC,
    ClusterDeployed,
    ClusterPubkeyAvailable,
    ContractPubkeyAvailable,
    Deposit,
    command_topic,
    ink_message_payload,
)
from phala_spec.conformance import relaying
from phala_spec.conformance.authoring import (
    CaseBuilder,
    case,
    case_per_crypto,
    collective,
    root,
    signed,
)
from phala_spec.conformance.checks import check, do, event_names
from phala_spec.pallets.phat import (
    REMOVED,
    SYSTEM_CODE_LIMIT,
    cluster_account,
    cluster_id,
    contract_id,
)
from phala_spec.pallets.phat_tokenomic import CHANGE_DEPOSIT_SELECTOR, PALLET_ACCOUNT
from phala_spec.primitives.codec import blake2b_256, to_data
from phala_spec.primitives.crypto import dev_keypair

SUITE = "phat"
PC = "PhalaPhatContracts."
STAKE = "PhalaPhatTokenomic.adjust_stake"
SYNC = "PhalaMq.sync_offchain_message"

WORKERS = [dev_keypair(f"phat/worker{i}") for i in (1, 2, 3)]
W1, W2, W3 = (w.public for w in WORKERS)
UNKNOWN_WORKER = dev_keypair("phat/unregistered").public
MASTER = dev_keypair("phat/gatekeeper-master")
CLUSTER_KEY = dev_keypair("phat/cluster1")
CONTRACT_KEY = dev_keypair("phat/contract1")
SYSTEM_CODE = b"phat system contract"
CODE_HASH = blake2b_256(b"phat/code1")
C1, C2 = cluster_id(1), cluster_id(2)


def setup(b: CaseBuilder, **registry: Any) -> None:
    """Three registered workers (each with an ECDH key of its own), optionally more registry
    storage."""
    workers = [
        {"pubkey": w.public, "ecdh_pubkey": blake2b_256(b"ecdh" + w.public)} for w in WORKERS
    ]
    b.genesis(registry={"workers": workers, **registry})


def install_code(b: CaseBuilder) -> None:
    """Governance sets the system code; it is installed when the next block opens [PHAT-12]."""
    do(b, PC + "set_pink_system_code", {"code": SYSTEM_CODE}, root())
    check(b.chain.phat.pink_system_code_hash is None, "the code waits for the next block")
    b.next_block()
    check(
        b.chain.phat.pink_system_code_hash == blake2b_256(SYSTEM_CODE)
        and b.chain.phat.pink_system_code_version == 1,
        "installed with its hash, version 1",
    )


def cluster_args(b: CaseBuilder, workers: list[bytes], **changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "owner": b.account("alice"),
        "permission": {"kind": "Public"},
        "deploy_workers": workers,
        "deposit": 100,
        "gas_price": 1,
        "deposit_per_item": 2,
        "deposit_per_byte": 3,
        "treasury_account": b.account("ferdie"),
    }
    args.update(changes)
    return args


def instantiate_args(cluster: bytes, salt: bytes = b"salt", deposit: int = 0) -> dict[str, Any]:
    return {
        "code_index": {"kind": "WasmCode", "code_hash": CODE_HASH},
        "data": b"\xed\x4b\x9d\x1b",
        "salt": salt,
        "cluster_id": cluster,
        "transfer": 0,
        "gas_limit": 1_000_000,
        "storage_deposit_limit": None,
        "deposit": deposit,
    }


def free(b: CaseBuilder, who: bytes) -> int:
    account = b.chain.system.accounts.get(who)
    return 0 if account is None else account.data.free


# --- clusters [PHAT-6] [PHAT-11]..[PHAT-15] ---------------------------------------------------


@case(
    suite=SUITE,
    handler="clusters",
    clauses=("PHAT-3", "PHAT-6", "PHAT-12", "PHAT-16", "PHAT-21", "COL-10"),
    block=1,
)
def add_cluster_check_order(b: CaseBuilder) -> None:
    """`add_cluster`'s checks in production's order, each vector input failing two of them:
    a signed origin with no workers is `BadOrigin`; no workers and no system code is
    `NoWorkerSpecified`; an unregistered worker and no code is `WorkerNotFound`; a worker
    listed twice (no code) is `WorkerIsBusy`; then `NoPinkSystemCode`. Once the code is
    installed, half of the Council is not enough (`BadOrigin`) and more than half is; a
    deposit the owner cannot pay fails the whole call (the counter is not spent). The cluster
    gets id 1 (24 zero bytes and the big-endian number), its system contract's id is the
    contract id of the owner, the code hash, the cluster and an empty salt, the deposit is
    paid by the owner (alice) to the cluster's account, and `DeployCluster` goes to the
    gatekeepers. A second cluster on a worker of the first: `WorkerIsBusy`."""
    setup(b)
    fail = "PhalaPhatContracts."
    do(b, PC + "add_cluster", cluster_args(b, []), signed("alice"), outcome="BadOrigin")
    do(b, PC + "add_cluster", cluster_args(b, []), root(), outcome=fail + "NoWorkerSpecified")
    do(
        b,
        PC + "add_cluster",
        cluster_args(b, [W1, UNKNOWN_WORKER]),
        root(),
        outcome=fail + "WorkerNotFound",
    )
    do(b, PC + "add_cluster", cluster_args(b, [W1, W1]), root(), outcome=fail + "WorkerIsBusy")
    do(b, PC + "add_cluster", cluster_args(b, [W1]), root(), outcome=fail + "NoPinkSystemCode")
    install_code(b)
    do(
        b,
        PC + "add_cluster",
        cluster_args(b, [W1, W2]),
        collective("Council", 1, 2),
        outcome="BadOrigin",
    )
    do(
        b,
        PC + "add_cluster",
        cluster_args(b, [W1, W2], deposit=5_000),
        root(),
        outcome="Token.FundsUnavailable",
    )
    alice = free(b, b.account("alice"))
    do(
        b,
        PC + "add_cluster",
        cluster_args(b, [W1, W2]),
        collective("Council", 2, 3),
        events=[
            fail + "ClusterCreated",
            "System.NewAccount",
            "Balances.Endowed",
            "Balances.Transfer",
        ],
        observe=[("phat_cluster", C1), ("mq_outbound",)],
    )
    system = contract_id(b.account("alice"), blake2b_256(SYSTEM_CODE), C1, b"")
    info = b.chain.phat.clusters[C1]
    check(bytes(31) + b"\x01" == C1 and info.system_contract == system, "id 1, its system contract")
    check(
        free(b, cluster_account(C1)) == 100 and free(b, b.account("alice")) == alice - 100,
        "alice pays the deposit into the cluster's account",
    )
    message = b.chain.mq.outbound[-1]
    check(
        message.destination == b"phala/cluster/event" and message.payload[:1] == b"\x00",
        "DeployCluster to the gatekeepers",
    )
    do(b, PC + "add_cluster", cluster_args(b, [W3, W2]), root(), outcome=fail + "WorkerIsBusy")
    b.observe("phat_cluster", C1)


@case(suite=SUITE, handler="clusters", clauses=("PHAT-12",), block=1)
def system_code_of_exactly_two_mib(b: CaseBuilder) -> None:
    """The system code is a `BoundedVec<u8, 2 MiB>` [PHAT-12]: a code of exactly 2 MiB is
    accepted and installed when the next block opens."""
    setup(b)
    code = bytes(SYSTEM_CODE_LIMIT)
    do(b, PC + "set_pink_system_code", {"code": code}, root(), events=[])
    b.next_block()
    check(b.chain.phat.pink_system_code_hash == blake2b_256(code), "installed")


@case(
    suite=SUITE,
    handler="clusters",
    clauses=("PHAT-5", "PHAT-13", "PHAT-14", "PHAT-15", "PHAT-16", "PHAT-21"),
    block=1,
)
def workers_join_and_leave(b: CaseBuilder) -> None:
    """The owner adds and removes workers; others get `ClusterPermissionDenied`. Add: unknown
    cluster before the owner (`ClusterNotFound`), the owner before the worker
    (`ClusterPermissionDenied` for bob with an unregistered worker), `WorkerNotFound`, then
    `WorkerIsBusy`; no message goes to the workers. Remove: `WorkerNotFound` for a worker of no
    cluster, the owner checked first (`ClusterPermissionDenied` for bob with that worker); the removed worker maps to the zero id, `RemoveWorker` goes to the workers, and
    it can never join again (`WorkerIsBusy`). Root's clean-up drops nothing more here, since
    removal already took it out of the list."""
    setup(b)
    install_code(b)
    do(b, PC + "add_cluster", cluster_args(b, [W1]), root())
    add = PC + "add_worker_to_cluster"
    fail = "PhalaPhatContracts."
    do(
        b,
        add,
        {"worker_pubkey": W2, "cluster_id": C2},
        signed("bob"),
        outcome=fail + "ClusterNotFound",
    )
    do(
        b,
        add,
        {"worker_pubkey": UNKNOWN_WORKER, "cluster_id": C1},
        signed("bob"),
        outcome=fail + "ClusterPermissionDenied",
    )
    do(
        b,
        add,
        {"worker_pubkey": UNKNOWN_WORKER, "cluster_id": C1},
        signed("alice"),
        outcome=fail + "WorkerNotFound",
    )
    do(
        b,
        add,
        {"worker_pubkey": W1, "cluster_id": C1},
        signed("alice"),
        outcome=fail + "WorkerIsBusy",
    )
    outbound = b.chain.mq.outbound
    do(
        b,
        add,
        {"worker_pubkey": W2, "cluster_id": C1},
        signed("alice"),
        events=[fail + "WorkerAddedToCluster"],
    )
    check(b.chain.mq.outbound == outbound, "no message to the workers")
    remove = PC + "remove_worker_from_cluster"
    do(
        b,
        remove,
        {"worker_pubkey": W3, "cluster_id": C1},
        signed("alice"),
        outcome=fail + "WorkerNotFound",
    )
    do(
        b,
        remove,
        {"worker_pubkey": W3, "cluster_id": C1},
        signed("bob"),
        outcome=fail + "ClusterPermissionDenied",
    )
    do(
        b,
        remove,
        {"worker_pubkey": W2, "cluster_id": C1},
        signed("bob"),
        outcome=fail + "ClusterPermissionDenied",
    )
    do(
        b,
        remove,
        {"worker_pubkey": W2, "cluster_id": C1},
        signed("alice"),
        events=[fail + "WorkerRemovedFromCluster"],
        observe=[("phat_cluster", C1), ("mq_outbound",)],
    )
    check(
        b.chain.phat.cluster_by_workers[W2] == REMOVED
        and b.chain.phat.cluster_workers[C1] == (W1,),
        "W2 maps to the zero id and left the list",
    )
    do(
        b,
        add,
        {"worker_pubkey": W2, "cluster_id": C1},
        signed("alice"),
        outcome=fail + "WorkerIsBusy",
    )
    do(b, PC + "cleanup_removed_workers", {"cluster_id": C1}, signed("alice"), outcome="BadOrigin")
    do(b, PC + "cleanup_removed_workers", {"cluster_id": C1}, root(), events=[])
    b.observe("phat_cluster", C1)


@case(
    suite=SUITE,
    handler="clusters",
    presets=("minimal", "phala", "khala"),
    clauses=("PHAT-2", "CHAIN-15"),
    block=1,
)
def phat_calls_filtered_on_khala(b: CaseBuilder) -> None:
    """Phala admits the Phat pallets' calls; Khala's filter refuses them with
    `System.CallFiltered` before their own checks (here, without it: `ClusterNotFound` and
    `ok`)."""
    setup(b)
    khala = b.config.call_filter == "Khala"
    upload = {"cluster_id": C1, "resource_type": "InkCode", "resource_data": b"x"}
    outcome = "System.CallFiltered" if khala else "PhalaPhatContracts.ClusterNotFound"
    do(b, PC + "cluster_upload_resource", upload, signed("alice"), outcome=outcome)
    stake = {"contract": CODE_HASH, "amount": 0}
    do(b, STAKE, stake, signed("alice"), outcome="System.CallFiltered" if khala else "ok")


# --- deposits, code, contracts [PHAT-7]..[PHAT-10] ----------------------------------------------


@case(
    suite=SUITE,
    handler="contracts",
    clauses=("PHAT-5", "PHAT-7", "PHAT-2", "PHAT-21", "PHAT-10"),
    block=1,
)
def upload_resource_limits(b: CaseBuilder) -> None:
    """Uploading code: an `OnlyOwner(charlie)` cluster (owner alice) admits charlie only, so
    alice, its owner, gets `ClusterPermissionDenied`, before the size check (her payload is
    too large as well). `ClusterNotFound` comes before the permission. Ink code (and
    indeterministic ink code) may be 64 bytes on minimal, not 65 (`PayloadTooLarge`); sidevm
    code 128. Each accepted upload sends `UploadResource` to the workers and deposits no
    event. Instantiating follows the same permission [PHAT-10]: alice is refused
    (`ClusterPermissionDenied`, before her deposit, which is more than she holds), charlie
    instantiates."""
    setup(b)
    install_code(b)
    owner_only = {"kind": "OnlyOwner", "account": b.account("charlie")}
    do(b, PC + "add_cluster", cluster_args(b, [W1], permission=owner_only), root())
    upload = PC + "cluster_upload_resource"
    ink, sidevm = b.config.phat.ink_code_size_limit, b.config.phat.sidevm_code_size_limit
    fail = "PhalaPhatContracts."

    def args(kind: str, size: int, cluster: bytes = C1) -> dict[str, Any]:
        return {"cluster_id": cluster, "resource_type": kind, "resource_data": b"c" * size}

    do(b, upload, args("InkCode", 1, C2), signed("charlie"), outcome=fail + "ClusterNotFound")
    do(
        b,
        upload,
        args("InkCode", ink + 1),
        signed("alice"),
        outcome=fail + "ClusterPermissionDenied",
    )
    do(b, upload, args("InkCode", ink + 1), signed("charlie"), outcome=fail + "PayloadTooLarge")
    do(
        b,
        upload,
        args("IndeterministicInkCode", ink + 1),
        signed("charlie"),
        outcome=fail + "PayloadTooLarge",
    )
    do(
        b,
        upload,
        args("SidevmCode", sidevm + 1),
        signed("charlie"),
        outcome=fail + "PayloadTooLarge",
    )
    do(b, upload, args("InkCode", ink), signed("charlie"), events=[])
    do(b, upload, args("SidevmCode", sidevm), signed("charlie"), events=[])
    instantiate = PC + "instantiate_contract"
    too_much = free(b, b.account("alice")) + 1
    do(
        b,
        instantiate,
        instantiate_args(C1, deposit=too_much),
        signed("alice"),
        outcome=fail + "ClusterPermissionDenied",
    )
    do(b, instantiate, instantiate_args(C1), signed("charlie"), events=[fail + "Instantiating"])
    uploads = [m for m in b.chain.mq.outbound if m.destination == CLUSTER_KEY_TOPIC]
    check(
        [m.payload[:1] for m in uploads] == [b"\x02", b"\x02"]
        and uploads[0].payload[65:66] == b"\x00"
        and uploads[1].payload[65:66] == b"\x01",
        "two UploadResource messages, ink then sidevm",
    )
    b.observe("mq_outbound")


@case(
    suite=SUITE,
    handler="contracts",
    clauses=("PHAT-3", "PHAT-4", "PHAT-8", "PHAT-9", "PHAT-10", "PHAT-16", "PHAT-20", "PHAT-21"),
    block=1,
)
def deposit_instantiate_and_command(b: CaseBuilder) -> None:
    """Deposits and contracts. `transfer_to_cluster` moves PHA into the cluster's account,
    sends `Deposit` to the workers and deposits `Transfered`; a zero amount moves nothing
    but still sends and deposits. `instantiate_contract`: `ClusterNotFound` before anything;
    a deposit the signer cannot pay fails before `DuplicatedContract` is looked at; the
    contract id is BLAKE2b-256 of deployer, code hash, cluster and salt (not the data);
    instantiating the same code, cluster and salt again is `DuplicatedContract`, another salt
    is a new contract. `push_contract_message` with a deposit to an unknown contract is
    `ContractNotFound`; without a deposit any id will do; with one it pays into the contract's
    cluster. Commands reach the contract's topic from `AccountId(signer)`."""
    setup(b)
    install_code(b)
    do(b, PC + "add_cluster", cluster_args(b, [W1]), root())
    fail = "PhalaPhatContracts."
    account = cluster_account(C1)
    before = free(b, account)
    do(
        b,
        PC + "transfer_to_cluster",
        {"amount": 50, "cluster_id": C1, "dest_account": b.account("dave")},
        signed("bob"),
        events=["Balances.Transfer", fail + "Transfered"],
    )
    check(free(b, account) == before + 50, "the cluster's account gets 50")
    check(
        b.chain.mq.outbound[-1].payload == Deposit(C1, b.account("dave"), 50).encode(),
        "Deposit credits dave in the cluster",
    )
    do(
        b,
        PC + "transfer_to_cluster",
        {"amount": 0, "cluster_id": C1, "dest_account": b.account("dave")},
        signed("bob"),
        events=[fail + "Transfered"],
    )
    inst = PC + "instantiate_contract"
    do(b, inst, instantiate_args(C2), signed("bob"), outcome=fail + "ClusterNotFound")
    contract = contract_id(b.account("bob"), CODE_HASH, C1, b"salt")
    do(
        b,
        inst,
        instantiate_args(C1, deposit=40),
        signed("bob"),
        events=["Balances.Transfer", fail + "Transfered", fail + "Instantiating"],
        observe=[("phat_contract", contract), ("mq_outbound",)],
    )
    check(
        b.chain.phat.contracts[contract].deployer == b.account("bob"),
        "the id from deployer, code hash, cluster and salt",
    )
    do(
        b,
        inst,
        instantiate_args(C1, deposit=5_000),
        signed("bob"),
        outcome="Token.FundsUnavailable",
    )
    do(b, inst, instantiate_args(C1), signed("bob"), outcome=fail + "DuplicatedContract")
    do(b, inst, instantiate_args(C1, salt=b"other"), signed("bob"))
    push = PC + "push_contract_message"
    unknown = blake2b_256(b"no such contract")
    do(
        b,
        push,
        {"contract_id": unknown, "payload": b"\x00cmd", "deposit": 1},
        signed("charlie"),
        outcome=fail + "ContractNotFound",
    )
    do(b, push, {"contract_id": unknown, "payload": b"\x00cmd", "deposit": 0}, signed("charlie"))
    do(
        b,
        push,
        {"contract_id": contract, "payload": b"\x00cmd", "deposit": 20},
        signed("charlie"),
        events=["Balances.Transfer", fail + "Transfered"],
        observe=[("mq_outbound",), ("phat_cluster", C1)],
    )
    last = b.chain.mq.outbound[-1]
    check(
        last
        == Message(
            MessageOrigin("AccountId", b.account("charlie")), command_topic(contract), b"\x00cmd"
        ),
        "the command on the contract's topic from charlie's account",
    )


# --- stakes [PHAT-30]..[PHAT-32] -----------------------------------------------------------------


@case(
    suite=SUITE,
    handler="stakes",
    clauses=("PHAT-4", "PHAT-12", "PHAT-22", "PHAT-30", "PHAT-31", "PHAT-34"),
    block=1,
)
def adjust_stake_moves_the_difference(b: CaseBuilder) -> None:
    """With `MinStake` 20 (a genesis value; no call sets it): 5 and 19 are
    `InvalidAmountOfStake`, 20 and 0 are fine. `amount` is the new stake: 100 moves 100 into the
    pallet's account, 60 moves 40 back, 60 again moves nothing (no transfer event), 100 again
    (a stake raised from a non-zero one) moves only the 40 difference in, 20 (exactly
    `MinStake`) moves 80 back, 0 moves the rest back and stays
    written as 0. A stake the user cannot pay fails the call. The contract's cluster exists,
    so each change sends the system contract `change_deposit(contract, total)` as a plain ink
    message from `Pallet(PhalaPhatTokenomic)`. A stake on an unknown id is allowed: its events
    name no cluster and nothing is sent. The pallet's account always holds the sum of the
    totals. Setting the system code or the runtime version needs governance (`BadOrigin` for a
    signed account) [PHAT-12]."""
    workers = [{"pubkey": w.public} for w in WORKERS]
    b.genesis(registry={"workers": workers}, phat_tokenomic={"min_stake": 20})
    install_code(b)
    do(b, PC + "set_pink_system_code", {"code": SYSTEM_CODE}, signed("bob"), outcome="BadOrigin")
    do(
        b,
        PC + "set_pink_runtime_version",
        {"version": [1, 0]},
        signed("bob"),
        outcome="BadOrigin",
    )
    do(b, PC + "add_cluster", cluster_args(b, [W1]), root())
    do(b, PC + "instantiate_contract", instantiate_args(C1), signed("bob"))
    contract = contract_id(b.account("bob"), CODE_HASH, C1, b"salt")
    system = b.chain.phat.clusters[C1].system_contract
    bad = "PhalaPhatTokenomic.InvalidAmountOfStake"
    do(b, STAKE, {"contract": contract, "amount": 5}, signed("charlie"), outcome=bad)
    do(b, STAKE, {"contract": contract, "amount": 19}, signed("charlie"), outcome=bad)
    do(
        b,
        STAKE,
        {"contract": contract, "amount": 5_000},
        signed("charlie"),
        outcome="Token.FundsUnavailable",
    )
    changed = ["PhalaPhatTokenomic.ContractDepositChanged", "PhalaPhatTokenomic.UserStakeChanged"]
    watch = [("phat_stake", b.account("charlie"), contract), ("phat_contract", contract)]
    orig = 0
    for amount, total, moves in (
        (100, 100, True),
        (60, 60, True),
        (60, 60, False),
        (100, 100, True),
        (20, 20, True),
        (0, 0, True),
    ):
        before = free(b, b.account("charlie"))
        do(b, STAKE, {"contract": contract, "amount": amount}, signed("charlie"), observe=watch)
        names = event_names(b)
        check(names[-2:] == changed and ("Balances.Transfer" in names) == moves, "events")
        message = CHANGE_DEPOSIT_SELECTOR + contract + total.to_bytes(16, "little")
        check(
            b.chain.mq.outbound[-1].destination == command_topic(system)
            and b.chain.mq.outbound[-1].payload == ink_message_payload(message),
            "change_deposit to the system contract",
        )
        check(free(b, PALLET_ACCOUNT) == total, "the pallet's account holds the total")
        check(free(b, b.account("charlie")) - before == orig - amount, "the difference moved")
        orig = amount
    check(b.chain.phat_tokenomic.user_stakes[b.account("charlie")][contract] == 0, "0 written")
    outbound = b.chain.mq.outbound
    do(
        b,
        STAKE,
        {"contract": CODE_HASH, "amount": 30},
        signed("dave"),
        observe=[("phat_contract", CODE_HASH), ("mq_outbound",)],
    )
    check(b.last_events[-1]["cluster"] is None and b.chain.mq.outbound == outbound, "no cluster")
    b.observe("balance", PALLET_ACCOUNT)


# --- a cluster's full life and the keys [PHAT-24]..[PHAT-27] [PHAT-33] -------------------------


def relay(
    b: CaseBuilder, setting: str, key: Any, message: Message, sequence: int, valid: bool = True
) -> None:
    signature = relaying.signature(key, message, sequence, setting, valid)
    do(
        b,
        SYNC,
        {"signed_message": relaying.signed_message(message, sequence, signature)},
        signed("eve"),
        observe=[("mq_ingress", to_data(message.sender))],
    )


@case_per_crypto(
    suite=SUITE,
    handler="keys",
    clauses=(
        "PHAT-6",
        "PHAT-10",
        "PHAT-11",
        "PHAT-23",
        "PHAT-24",
        "PHAT-25",
        "PHAT-26",
        "PHAT-27",
        "PHAT-31",
        "PHAT-33",
        "MQ-9",
        "MQ-13",
    ),
    block=1,
)
def cluster_life(b: CaseBuilder, setting: str) -> None:
    """A cluster's life with the keys on chain. Governance creates the cluster on two
    workers; the gatekeepers' `PubkeyAvailable` (signed with the master key) stores the
    cluster key (`ClusterPubkeyAvailable`); a worker's report deposits `ClusterDeployed` and
    stores nothing; bob instantiates a contract and the cluster, signing with its key,
    reports the contract key (`ContractPubkeyAvailable`, `Instantiated`; bob's record is
    kept), then a contract another contract created in the cluster (recorded with its
    deployer). Swallowed handler errors change nothing but the sequence: a cluster report
    from a worker's origin (`InvalidSender`) and an undecodable gatekeeper payload
    (`MessageCodecError`), and likewise an undecodable or a gatekeeper's worker report, and an
    undecodable or a worker's contract key. A command from the contract's own origin now verifies against its
    key. Root destroys the cluster: only its record goes. Its workers stay busy (removing one
    is `ClusterNotFound`), its account keeps its PHA and still receives deposits, and stakes
    still move, with no message to the gone system contract."""
    setup(b, gatekeeper_master_pubkey=MASTER.public)
    install_code(b)
    do(b, PC + "add_cluster", cluster_args(b, [W1, W2]), root())
    fail = "PhalaPhatContracts."
    key_message = Message(
        GATEKEEPER, CLUSTER_REGISTRY_TOPIC, ClusterPubkeyAvailable(C1, CLUSTER_KEY.public).encode()
    )
    relay(b, setting, MASTER, key_message, 0)
    check(event_names(b) == [fail + "ClusterPubkeyAvailable"], "the cluster key stored")
    check(b.chain.registry.cluster_keys[C1] == CLUSTER_KEY.public, "ClusterKeys[1]")
    worker = MessageOrigin("Worker", W1)
    report = Message(
        worker, WORKER_CLUSTER_REPORT_TOPIC, ClusterDeployed(C1, CLUSTER_KEY.public).encode()
    )
    before = b.chain.phat
    relay(b, setting, WORKERS[0], report, 0)
    check(
        event_names(b) == [fail + "ClusterDeployed"] and b.chain.phat == before,
        "an event, no storage change",
    )
    forged = Message(worker, CLUSTER_REGISTRY_TOPIC, key_message.payload)
    relay(b, setting, WORKERS[0], forged, 1)
    check(b.last_events == () and b.chain.phat == before, "InvalidSender swallowed")
    relay(b, setting, MASTER, Message(GATEKEEPER, CLUSTER_REGISTRY_TOPIC, b"\x07"), 1)
    check(b.last_events == (), "MessageCodecError swallowed")
    relay(b, setting, WORKERS[0], Message(worker, WORKER_CLUSTER_REPORT_TOPIC, b"\x07"), 2)
    check(b.last_events == (), "an undecodable worker report swallowed")
    relay(b, setting, MASTER, Message(GATEKEEPER, WORKER_CLUSTER_REPORT_TOPIC, report.payload), 2)
    check(b.last_events == (), "a worker report from the gatekeepers swallowed")
    do(b, PC + "instantiate_contract", instantiate_args(C1), signed("bob"))
    contract = contract_id(b.account("bob"), CODE_HASH, C1, b"salt")
    cluster = MessageOrigin("Cluster", C1)
    registered = ContractPubkeyAvailable(contract, CONTRACT_KEY.public, b.account("charlie"))
    relay(
        b, setting, CLUSTER_KEY, Message(cluster, CONTRACT_REGISTRY_TOPIC, registered.encode()), 0
    )
    check(
        event_names(b) == [fail + "ContractPubkeyAvailable", fail + "Instantiated"]
        and b.chain.phat.contracts[contract].deployer == b.account("bob"),
        "the contract key stored; bob's record kept",
    )
    inner = blake2b_256(b"phat/inner contract")
    created = ContractPubkeyAvailable(inner, CLUSTER_KEY.public, contract)
    relay(b, setting, CLUSTER_KEY, Message(cluster, CONTRACT_REGISTRY_TOPIC, created.encode()), 1)
    before = b.chain.phat
    relay(b, setting, CLUSTER_KEY, Message(cluster, CONTRACT_REGISTRY_TOPIC, b"\x07"), 2)
    check(b.last_events == () and b.chain.phat == before, "an undecodable contract key swallowed")
    relay(b, setting, WORKERS[0], Message(worker, CONTRACT_REGISTRY_TOPIC, created.encode()), 3)
    check(b.last_events == () and b.chain.phat == before, "a contract key from a worker swallowed")
    check(
        b.chain.phat.contracts[inner].deployer == contract
        and b.chain.phat.cluster_contracts[C1] == (contract, inner),
        "a contract created in the cluster is recorded",
    )
    output = Message(MessageOrigin("Contract", contract), b"phala/contract/output", b"\x00out")
    relay(b, setting, CONTRACT_KEY, output, 0)
    b.observe("phat_cluster", C1)
    b.observe("phat_contract", contract)
    do(b, STAKE, {"contract": contract, "amount": 50}, signed("dave"))
    do(b, PC + "cluster_destroy", {"cluster": C1}, signed("alice"), outcome="BadOrigin")
    do(b, PC + "cluster_destroy", {"cluster": C1}, root(), events=[fail + "ClusterDestroyed"])
    do(b, PC + "cluster_destroy", {"cluster": C1}, root(), outcome=fail + "ClusterNotFound")
    check(
        b.chain.phat.cluster_workers[C1] == (W1, W2)
        and b.chain.phat.cluster_by_workers[W1] == C1
        and C1 in b.chain.registry.cluster_keys
        and contract in b.chain.phat.contracts,
        "workers, contracts and keys stay",
    )
    do(
        b,
        PC + "remove_worker_from_cluster",
        {"worker_pubkey": W1, "cluster_id": C1},
        signed("alice"),
        outcome=fail + "ClusterNotFound",
    )
    held = free(b, cluster_account(C1))
    do(
        b,
        PC + "transfer_to_cluster",
        {"amount": 30, "cluster_id": C1, "dest_account": b.account("alice")},
        signed("alice"),
    )
    check(free(b, cluster_account(C1)) == held + 30, "deposits still arrive, and stay")
    outbound = b.chain.mq.outbound
    do(
        b,
        STAKE,
        {"contract": contract, "amount": 0},
        signed("dave"),
        observe=[("phat_stake", b.account("dave"), contract), ("mq_outbound",)],
    )
    check(
        b.last_events[-1]["cluster"] == C1 and b.chain.mq.outbound == outbound,
        "the stake comes back; the events name the cluster; nothing is sent",
    )
    b.observe("phat_cluster", C1)


@case(suite=SUITE, handler="stakes", clauses=("PHAT-31", "PHAT-34", "BAL-8"), block=1)
def withdrawal_reaps_the_pallet_account(b: CaseBuilder) -> None:
    """A stake lost to dust, as production behaves: a first stake below the existential
    deposit (10 on minimal) fails its transfer into the empty pallet's account
    (`Token.BelowMinimum`); alice stakes 10, then lowers it to 1: 9 moves back "allow
    death", which leaves the account at 1, below the existential deposit, so it is reaped
    and the 1 is lost as dust (`Balances.DustLost`, the issuance falls by 1), while her
    stake and the total still say 1. Lowering it to 0 then fails
    (`Token.FundsUnavailable`): the stake is stuck."""
    setup(b)
    contract = blake2b_256(b"phat/any contract")
    args = {"contract": contract, "amount": 9}
    do(b, STAKE, args, signed("alice"), outcome="Token.BelowMinimum")
    do(b, STAKE, {**args, "amount": 10}, signed("alice"))
    issuance = b.chain.balances.total_issuance
    do(
        b,
        STAKE,
        {**args, "amount": 1},
        signed("alice"),
        observe=[("balance", PALLET_ACCOUNT), ("total_issuance",), ("phat_contract", contract)],
    )
    check(
        "Balances.DustLost" in event_names(b)
        and PALLET_ACCOUNT not in b.chain.system.accounts
        and b.chain.balances.total_issuance == issuance - 1
        and b.chain.phat_tokenomic.total_stakes[contract] == 1,
        "reaped, 1 lost as dust, the total still 1",
    )
    do(b, STAKE, {**args, "amount": 0}, signed("alice"), outcome="Token.FundsUnavailable")
    b.observe("phat_stake", b.account("alice"), contract)
