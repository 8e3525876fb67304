"""The stake pool cases' calls, pool and reports shared by every group [STK-40]..[STK-67]."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phala_spec.chain.computation_payloads import SettleInfo, WorkingInfoUpdateEvent
from phala_spec.chain.staking_state import StakePool, Vault
from phala_spec.conformance import checks
from phala_spec.conformance.authoring import CaseBuilder, signed
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.computation.common import (
    MASTER,
    WORKER,
    WORKER2,
    gk_report,
    setup,
)
from phala_spec.pallets.staking import assets, stake_pool_v2, vault
from phala_spec.runtime.genesis import UNIT

SUITE = "staking"
SETTING = "oracle"
U = UNIT
WEEK = 7 * 24 * 3600
SP = "PhalaStakePoolv2."
PV = "PhalaVault."
BP = "PhalaBasePool."
PC = "PhalaComputation."
ALICE, BOB, CHARLIE, DAVE = "alice", "bob", "charlie", "dave"
_ = MASTER  # the gatekeepers' key of the computation suite's genesis


def do(
    b: CaseBuilder,
    call: str,
    who: str,
    outcome: str = "ok",
    events: Sequence[str] | None = None,
    **args: Any,
) -> None:
    """A signed call; its outcome, no change on a failure, and the names of the pools' and the
    computation's events in order."""
    checks.do(b, call, args, signed(who), outcome=outcome)
    if events is not None:
        got = [
            e.name
            for e in b.last_events
            if e.name.startswith(("PhalaStake", "PhalaVault", "PhalaComputation"))
        ]
        check(got == list(events), f"{call}: events {list(events)}, not {got}")


def start(b: CaseBuilder, config: dict[str, Any] | None = None) -> None:
    """Workers 1 and 2 benchmarked (1200), worker 3 not; bob and charlie wrap 100,000 PHA; alice's pool 0."""
    setup(b, SETTING, {WORKER: 1200, WORKER2: 1200}, config=config)
    for who in (BOB, CHARLIE):
        do(b, "PhalaWrappedBalances.wrap", who, amount=100_000 * U)
    do(b, SP + "create", ALICE, events=[SP + "PoolCreated"])


def pool(b: CaseBuilder, pid: int = 0) -> StakePool:
    return stake_pool_v2.ensure_stake_pool(b.chain, pid)


def the_vault(b: CaseBuilder, pid: int) -> Vault:
    return vault.ensure_vault(b.chain, pid)


def wpha(b: CaseBuilder, who: str | bytes) -> int:
    return assets.balance(b.chain, b.account(who) if isinstance(who, str) else who)


def watch(b: CaseBuilder, pid: int, *names: str) -> None:
    b.observe("stake_pool", pid)
    for name in names:
        b.observe("pool_shares", pid, b.account(name))
        b.observe("wpha", b.account(name))


def computing(b: CaseBuilder, contribution: int = 10_000, stake: int = 4_000) -> None:
    """Pool 0 with workers 1 and 2; bob contributed; worker 1 computes with ``stake`` PHA."""
    start(b)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER.public)
    do(b, SP + "add_worker", ALICE, pid=0, pubkey=WORKER2.public)
    do(b, SP + "contribute", BOB, pid=0, amount=contribution * U, as_vault=None)
    do(
        b,
        SP + "start_computing",
        ALICE,
        pid=0,
        worker=WORKER.public,
        stake=stake * U,
        events=[PC + "WorkerStarted", SP + "WorkingStarted"],
    )


def settle(b: CaseBuilder, *payouts: tuple[bytes, int]) -> None:
    """A gatekeeper report in a new block settling ``(worker, payout bits)`` pairs."""
    b.next_block()
    ts = b.chain.system.block.timestamp
    infos = tuple(SettleInfo(worker, 0, bits, 0) for worker, bits in payouts)
    gk_report(b, SETTING, WorkingInfoUpdateEvent(b.chain.system.block.number, ts, settle=infos))


def rewards(b: CaseBuilder) -> list[tuple[str, dict[str, Any]]]:
    return [(e.name, dict(e.fields)) for e in b.last_events if e.name.startswith(SP)]


def later(b: CaseBuilder, seconds: int) -> None:
    b.next_block(timestamp=b.chain.system.block.timestamp + seconds * 1000)
