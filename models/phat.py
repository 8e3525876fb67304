"""The Phat Contracts model [MOD-1]: deposits, instantiations, stakes and destroyed clusters.

:class:`PhatMachine` drives ``PhalaPhatContracts`` and ``PhalaPhatTokenomic``
through :func:`phala_spec.apply_step` only. Users deposit into clusters (one
that exists, one destroyed, one never created), instantiate contracts with
deposits, send commands with deposits, and stake on known and unknown
contracts, raising and lowering their stakes, beyond their means too; root
destroys clusters and governance creates new ones on the free workers.

Invariants (named after the clause they check):

* ``inv_PHAT_34_issuance_falls_only_by_dust``: no Phat call creates PHA; the
  total issuance is the sum of all balances, and falls from the genesis's only
  by the dust of reaped accounts (``Balances.DustLost``);
* ``inv_PHAT_34_pallet_account_short_by_its_dust``: the tokenomic pallet's
  account holds the sum of every contract's total less the dust it lost when a
  withdrawal reaped it (the stakes that dust stands for can never come back);
* ``inv_PHAT_30_totals_are_sums``: each contract's total is the sum of its
  users' stakes;
* ``inv_PHAT_33_cluster_accounts_only_grow``: no call takes PHA out of a
  cluster's account, destroyed or not;
* ``inv_PHAT_1_workers_consistent``: every worker listed in a cluster maps to
  that cluster, and a worker maps to at most one cluster.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from phala_spec.pallets.phat import cluster_account, cluster_id
from phala_spec.pallets.phat_tokenomic import PALLET_ACCOUNT
from phala_spec.primitives.codec import blake2b_256
from phala_spec.runtime.genesis import DEV_ACCOUNTS, dev_account, genesis

from .balances import check
from .machine import ChainMachine

PRESET = "minimal"
SUITE = "phat"
PEOPLE = tuple(dev_account(n) for n in DEV_ACCOUNTS)
WORKERS = tuple(blake2b_256(b"phat-model/worker%d" % i) for i in range(4))
CLUSTERS = tuple(cluster_id(n) for n in (1, 2, 3))
CODE = blake2b_256(b"phat-model/code")
PC = "PhalaPhatContracts."
ROOT: dict[str, Any] = {"kind": "root"}

people = st.sampled_from(PEOPLE)
clusters = st.sampled_from(CLUSTERS)
amounts = st.integers(0, 400)


def signed(who: bytes) -> dict[str, Any]:
    return {"kind": "signed", "who": who}


class PhatMachine(ChainMachine):
    """Deposits, contracts, stakes and destroyed clusters [MOD-1]."""

    model_name = "phat"
    suite = SUITE
    preset = PRESET

    def __init__(self) -> None:
        super().__init__()
        self.issuance = 0
        self.cluster_balances: dict[bytes, int] = {}
        self.contracts: list[bytes] = [blake2b_256(b"phat-model/unknown")]
        self.dust = 0
        self.pallet_dust = 0

    def call(self, origin: dict[str, Any], name: str, **args: Any) -> str:
        """Apply a call, counting the dust reaped accounts lose [BAL-8]."""
        step = {"kind": "call", "origin": origin, "call": name, "args": args}
        result = self.apply(step)
        for e in result.events:
            if e.name == "Balances.DustLost":
                self.dust += e["amount"]
                if e["account"] == PALLET_ACCOUNT:
                    self.pallet_dust += e["amount"]
        return result.outcome

    def free(self, who: bytes) -> int:
        account = self.chain.system.accounts.get(who)
        return 0 if account is None else account.data.free

    @initialize()
    def genesis(self) -> None:
        """Four registered workers; the system code installed; cluster 1 on the first worker."""
        self.genesis_overrides = {"registry": {"workers": [{"pubkey": w} for w in WORKERS]}}
        self.state = genesis(PRESET, self.genesis_overrides)
        self.issuance = self.chain.balances.total_issuance
        self.open_block(1)
        self.call(ROOT, PC + "set_pink_system_code", code=b"model system code")
        self.open_block(2)
        self.create_cluster(0, PEOPLE[0], 50)

    @rule(first=st.integers(0, 3), owner=people, deposit=amounts)
    def create_cluster(self, first: int, owner: bytes, deposit: int) -> None:
        """Governance creates a cluster on one worker, busy or not [PHAT-6]."""
        self.call(
            ROOT,
            PC + "add_cluster",
            owner=owner,
            permission={"kind": "Public"},
            deploy_workers=[WORKERS[first]],
            deposit=deposit,
            gas_price=0,
            deposit_per_item=0,
            deposit_per_byte=0,
            treasury_account=owner,
        )

    @rule(who=people, amount=amounts, cluster=clusters)
    def deposit(self, who: bytes, amount: int, cluster: bytes) -> None:
        """A deposit to any cluster id, existing or not [PHAT-8]."""
        self.call(
            signed(who),
            PC + "transfer_to_cluster",
            amount=amount,
            cluster_id=cluster,
            dest_account=who,
        )

    @rule(who=people, salt=st.binary(max_size=2), cluster=clusters, deposit=amounts)
    def instantiate(self, who: bytes, salt: bytes, cluster: bytes, deposit: int) -> None:
        """Instantiate with a deposit [PHAT-10]; a new contract joins the ones users stake on."""
        outcome = self.call(
            signed(who),
            PC + "instantiate_contract",
            code_index={"kind": "WasmCode", "code_hash": CODE},
            data=b"",
            salt=salt,
            cluster_id=cluster,
            transfer=0,
            gas_limit=0,
            storage_deposit_limit=None,
            deposit=deposit,
        )
        if outcome == "ok":
            self.contracts = sorted(self.chain.phat.contracts) + self.contracts[-1:]

    @rule(who=people, pick=st.integers(0, 20), deposit=amounts)
    def command(self, who: bytes, pick: int, deposit: int) -> None:
        """A command with a deposit into the contract's cluster [PHAT-9]."""
        contract = self.contracts[pick % len(self.contracts)]
        self.call(
            signed(who),
            PC + "push_contract_message",
            contract_id=contract,
            payload=b"\x00cmd",
            deposit=deposit,
        )

    @rule(who=people, pick=st.integers(0, 20), amount=st.integers(0, 1_200))
    def stake(self, who: bytes, pick: int, amount: int) -> None:
        """A new stake, up or down, on a known or unknown contract [PHAT-31]."""
        contract = self.contracts[pick % len(self.contracts)]
        self.call(signed(who), "PhalaPhatTokenomic.adjust_stake", contract=contract, amount=amount)

    @rule(cluster=clusters)
    def destroy(self, cluster: bytes) -> None:
        """Root destroys a cluster [PHAT-11]."""
        self.call(ROOT, PC + "cluster_destroy", cluster=cluster)

    @rule()
    def next_block(self) -> None:
        self.open_block(self.chain.system.block.number + 1)

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def inv_PHAT_34_issuance_falls_only_by_dust(self) -> None:
        if self.state is None:
            return
        total = sum(a.data.free + a.data.reserved for a in self.chain.system.accounts.values())
        check(
            self.chain.balances.total_issuance == self.issuance - self.dust == total,
            "inv_PHAT_34_issuance_falls_only_by_dust",
            lambda: f"issuance {self.chain.balances.total_issuance}, sum {total}",
        )

    @invariant()
    def inv_PHAT_34_pallet_account_short_by_its_dust(self) -> None:
        if self.state is None:
            return
        totals = sum(self.chain.phat_tokenomic.total_stakes.values())
        check(
            self.free(PALLET_ACCOUNT) == totals - self.pallet_dust,
            "inv_PHAT_34_pallet_account_short_by_its_dust",
            lambda: f"account {self.free(PALLET_ACCOUNT)}, totals {totals}",
        )

    @invariant()
    def inv_PHAT_30_totals_are_sums(self) -> None:
        if self.state is None:
            return
        tokenomic = self.chain.phat_tokenomic
        sums: dict[bytes, int] = {}
        for stakes in tokenomic.user_stakes.values():
            for contract, stake in stakes.items():
                sums[contract] = sums.get(contract, 0) + stake
        check(
            {c: t for c, t in tokenomic.total_stakes.items() if t}
            == {c: s for c, s in sums.items() if s},
            "inv_PHAT_30_totals_are_sums",
        )

    @invariant()
    def inv_PHAT_33_cluster_accounts_only_grow(self) -> None:
        if self.state is None:
            return
        for cluster in CLUSTERS:
            now = self.free(cluster_account(cluster))
            check(
                now >= self.cluster_balances.get(cluster, 0),
                "inv_PHAT_33_cluster_accounts_only_grow",
            )
            self.cluster_balances[cluster] = now

    @invariant()
    def inv_PHAT_1_workers_consistent(self) -> None:
        if self.state is None:
            return
        phat = self.chain.phat
        listed = [w for workers in phat.cluster_workers.values() for w in workers]
        check(len(listed) == len(set(listed)), "inv_PHAT_1_workers_consistent", "a worker twice")
        for cluster, workers in phat.cluster_workers.items():
            for worker in workers:
                check(
                    phat.cluster_by_workers.get(worker) == cluster,
                    "inv_PHAT_1_workers_consistent",
                )
