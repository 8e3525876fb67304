"""The W-PHA and base pool cases' genesis, pool, referenda and observations [STK-1]..[STK-29]."""

from __future__ import annotations

from typing import Any

from phala_spec.chain.staking_state import BasePool
from phala_spec.conformance.authoring import CaseBuilder, pallet, root, signed
from phala_spec.conformance.checks import do
from phala_spec.pallets.staking import base_pool
from phala_spec.runtime.calls import decode_call
from phala_spec.runtime.genesis import UNIT

SUITE = "staking"
MINIMAL = ("minimal",)
BOTH = ("minimal", "phala")
OPS = pallet("Caller")
U = UNIT
PRICE_1_5 = 3 << 63

WRAP = "PhalaWrappedBalances.wrap"
UNWRAP = "PhalaWrappedBalances.unwrap"
UNWRAP_ALL = "PhalaWrappedBalances.unwrap_all"
VOTE = "PhalaWrappedBalances.vote"
UNLOCK = "PhalaWrappedBalances.unlock"
TRANSFER = "Assets.transfer"
CREATE = "BasePool.create"
CONTRIBUTE = "BasePool.contribute"
WITHDRAW = "BasePool.withdraw"
PROCESS = "BasePool.process_withdraw_queue"
REWARD = "BasePool.distribute_reward"


# --- helpers -----------------------------------------------------------------------


def setup(b: CaseBuilder, wrapped: int = 1_000, config: dict[str, Any] | None = None) -> None:
    """Alice, bob, charlie and dave hold 10,000 PHA; alice, bob and dave wrap ``wrapped`` PHA;
    charlie's pool 0. ``config``: genesis parameter overrides."""
    b.genesis(
        config=config, balances=[(name, 10_000 * U) for name in ("alice", "bob", "charlie", "dave")]
    )
    b.initialize_block()
    for name in ("alice", "bob", "dave"):
        if wrapped:
            do(b, WRAP, {"amount": wrapped * U}, signed(name))
    do(b, CREATE, {"owner": b.account("charlie")}, OPS, events=[])


def pool(b: CaseBuilder, pid: int = 0) -> BasePool:
    return base_pool.get_basepool(b.chain, pid)


def watch(b: CaseBuilder, pid: int = 0, *names: str) -> None:
    """Observe the pool and the W-PHA view of each named account."""
    b.observe("base_pool", pid)
    for name in names:
        b.observe("wpha", b.account(name))
        b.observe("pool_shares", pid, b.account(name))


def paid(b: CaseBuilder) -> list[tuple[bytes, int, int, int]]:
    """The ``Withdrawal`` events of the last step as ``(user, amount, shares, burnt_shares)``."""
    return [
        (f["user"], f["amount"], f["shares"], f["burnt_shares"])
        for f in (dict(e.fields) for e in b.last_events if e.name == "PhalaBasePool.Withdrawal")
    ]


def stake_out(b: CaseBuilder, amount: int, pid: int = 0) -> None:
    """Move ``amount`` W-PHA out of the pool account (a stake pool staking a worker)."""
    do(
        b,
        TRANSFER,
        {"source": pool(b, pid).pool_account, "dest": b.account("ferdie"), "amount": amount},
        OPS,
    )


def referendum(b: CaseBuilder, voting_period: int, value: int = 1) -> int:
    """Root starts a simple-majority referendum ending ``voting_period`` blocks from now [DEM-15]
    [DEM-16]; its index. It enacts a transfer of ``value`` from charlie to ferdie."""
    call = {
        "call": "Balances.force_transfer",
        "args": {"source": b.account("charlie"), "dest": b.account("ferdie"), "value": value},
    }
    do(b, "Democracy.external_propose_majority", {"proposal": call}, root())
    do(
        b,
        "Democracy.fast_track",
        {"proposal_hash": decode_call(call).hash, "voting_period": voting_period, "delay": 0},
        root(),
    )
    return b.chain.democracy.referendum_count - 1


def vote(b: CaseBuilder, who: str, vote_id: int, aye: int, nay: int, outcome: str = "ok") -> None:
    """``who`` votes ``aye`` and ``nay`` of their W-PHA on referendum ``vote_id`` [STK-27]."""
    do(
        b,
        VOTE,
        {"aye_amount": aye, "nay_amount": nay, "vote_id": vote_id},
        signed(who),
        outcome,
    )
