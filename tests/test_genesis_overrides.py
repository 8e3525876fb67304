"""Genesis overrides for what production's pallet tests configure [GEN-5] [GEN-6].

Each parameter is checked by a rule that reads it, with a value that changes the outcome,
and the default is checked to keep the preset's plain data as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from phala_spec import BlockContext, Signed, apply_call, finalize_block, initialize_block
from phala_spec.chain.messages import MessageOrigin
from phala_spec.chain.state import ChainState, GatekeeperLaunchedAt, Root
from phala_spec.pallets import computation
from phala_spec.pallets.governance.collective import (
    more_than_majority_then_prime_default_vote,
    prime_default_vote,
)
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.crypto import dev_keypair
from phala_spec.primitives.errors import InvalidInput
from phala_spec.runtime.genesis import UNIT, dev_account, genesis

ALICE, BOB, CHARLIE = (dev_account(n) for n in ("alice", "bob", "charlie"))
W1, W2 = (dev_keypair(f"test-genesis/worker{i}").public for i in (1, 2))
SP = "PhalaStakePoolv2."
T0 = 1_700_000_000_000


def _chain(staking: dict[str, Any]) -> ChainState:
    """Alice operates two workers benchmarked at genesis; bob wraps 10,000 PHA."""
    state = genesis(
        "minimal",
        {
            "balances": [[n, 10**6 * UNIT] for n in ("alice", "bob", "charlie")],
            "config": {"staking": staking},
            "registry": {
                "workers": [
                    {"pubkey": W1, "operator": "alice", "initial_score": 1000},
                    {"pubkey": W2, "operator": ALICE, "initial_score": 1000},
                ]
            },
        },
    )
    state, _ = initialize_block(state, BlockContext(1, T0))
    for who, name, args in (
        (BOB, "PhalaWrappedBalances.wrap", {"amount": 10_000 * UNIT}),
        (ALICE, SP + "create", {}),
        (ALICE, SP + "add_worker", {"pid": 0, "pubkey": W1}),
    ):
        result = apply_call(state, Signed(who), name, args)
        assert result.outcome == "ok", result.outcome
        state = result.state
    return state


def _outcome(state: ChainState, who: bytes, name: str, **args: Any) -> str:
    return apply_call(state, Signed(who), name, args).outcome


def test_min_contribution() -> None:
    state = _chain({"min_contribution": 5 * UNIT})
    contribute = SP + "contribute"
    assert (
        _outcome(state, BOB, contribute, pid=0, amount=5 * UNIT - 1, as_vault=None)
        == SP + "InsufficientContribution"
    )
    assert _outcome(state, BOB, contribute, pid=0, amount=5 * UNIT, as_vault=None) == "ok"
    # production's 1 CENT otherwise
    state = _chain({})
    assert _outcome(state, BOB, contribute, pid=0, amount=UNIT // 100, as_vault=None) == "ok"


def test_wpha_min_balance() -> None:
    """W-PHA's minimum balance is a genesis parameter, 1 CENT by default in production's
    presets [STK-2]: wrapping less than it mints nothing."""
    assert genesis("phala").config.staking.wpha_min_balance == UNIT // 100
    assert genesis("khala").config.staking.wpha_min_balance == UNIT // 100
    state = _chain({"wpha_min_balance": 5 * UNIT})
    below = apply_call(
        state, Signed(CHARLIE), "PhalaWrappedBalances.wrap", {"amount": 5 * UNIT - 1}
    )
    assert below.outcome == "ok"
    assert below.state.assets.balances.get(CHARLIE) is None
    assert below.state.wrapped_balances.unmintable_dust == 5 * UNIT - 1
    at = apply_call(state, Signed(CHARLIE), "PhalaWrappedBalances.wrap", {"amount": 5 * UNIT})
    assert at.state.assets.balances[CHARLIE] == 5 * UNIT


def test_max_pool_workers() -> None:
    state = _chain({"max_pool_workers": 1})
    assert _outcome(state, ALICE, SP + "add_worker", pid=0, pubkey=W2) == SP + "WorkersExceedLimit"
    assert _outcome(_chain({}), ALICE, SP + "add_worker", pid=0, pubkey=W2) == "ok"


def test_grace_period() -> None:
    """Bob's 5,000 PHA, 4,000 computing; he asks for all: 4,000 queued. With a 60-second grace period the
    worker is stopped 61 seconds later (production's seven days would leave it computing)."""

    def stopped_after(staking: dict[str, Any], seconds: int) -> bool:
        state = _chain(staking)
        for who, name, args in (
            (BOB, SP + "contribute", {"pid": 0, "amount": 5_000 * UNIT, "as_vault": None}),
            (ALICE, SP + "start_computing", {"pid": 0, "worker": W1, "stake": 4_000 * UNIT}),
            (BOB, SP + "withdraw", {"pid": 0, "shares": 5_000 * UNIT, "as_vault": None}),
        ):
            result = apply_call(state, Signed(who), name, args)
            assert result.outcome == "ok", (name, result.outcome)
            state = result.state
        state, _ = finalize_block(state)
        state, _ = initialize_block(state, BlockContext(2, T0 + seconds * 1000))
        result = apply_call(
            state, Signed(CHARLIE), SP + "check_and_maybe_force_withdraw", {"pid": 0}
        )
        return any(e.name == "PhalaComputation.WorkerStopped" for e in result.events)

    assert not stopped_after({"grace_period": 60}, 60)
    assert stopped_after({"grace_period": 60}, 61)
    assert not stopped_after({}, 61)


def test_vault_queue_period_is_configured() -> None:
    state = genesis("minimal", {"config": {"staking": {"vault_queue_period": 3600}}})
    assert state.config.staking.vault_queue_period == 3600
    assert genesis("phala").config.staking.vault_queue_period == 21 * 24 * 3600


@pytest.mark.parametrize(
    ("prime_vote", "yes", "seats", "expected"),
    [
        (None, 3, 5, True),  # more than half voted aye
        (None, 2, 4, False),  # exactly half is not more
        (True, 1, 5, True),  # else the prime's aye
        (False, 2, 5, False),
    ],
)
def test_more_than_majority_then_prime(
    prime_vote: bool | None, yes: int, seats: int, expected: bool
) -> None:
    assert more_than_majority_then_prime_default_vote(prime_vote, yes, 0, seats) is expected


def test_collective_default_vote_decides_a_closed_motion() -> None:
    """Three of five council members vote aye on a motion needing four; nobody is prime. At the end,
    Phala's rule counts the two abstentions as nays; Substrate's other rule counts them as ayes."""

    def closes(rule: str | None) -> str:
        council = {} if rule is None else {"default_vote": rule}
        members = ["alice", "bob", "charlie", "dave", "eve"]
        state = genesis(
            "minimal", {"config": {"council": council}, "governance": {"council": members}}
        )
        state, _ = initialize_block(state, BlockContext(1, 12_000))
        proposal = {"call": "Balances.transfer_keep_alive", "args": {"dest": BOB, "value": 1}}
        result = apply_call(
            state,
            Signed(ALICE),
            "Council.propose",
            {"threshold": 4, "proposal": proposal, "length_bound": 100},
        )
        assert result.outcome == "ok", result.outcome
        state = result.state
        motion = state.council.proposals[0]
        for who in ("alice", "bob", "charlie"):
            args = {"proposal": motion, "index": 0, "approve": True}
            state = apply_call(state, Signed(dev_account(who)), "Council.vote", args).state
        state, _ = finalize_block(state)
        state, _ = initialize_block(state, BlockContext(10, 120_000))
        args = {"proposal_hash": motion, "index": 0, "length_bound": 100}
        result = apply_call(state, Signed(ALICE), "Council.close", args)
        return result.events[1].name

    assert closes(None) == "Council.Disapproved"
    assert closes("PrimeDefaultVote") == "Council.Disapproved"
    assert closes("MoreThanMajorityThenPrimeDefaultVote") == "Council.Approved"
    assert prime_default_vote(None, 3, 0, 5) is False


def test_defaults_keep_the_plain_data() -> None:
    """Parameters at production's value are left out of the config's plain data [GEN-5]."""
    config = to_data(genesis("phala"))["config"]
    assert config["staking"] == {"wpha_min_balance": UNIT // 100}
    assert set(config["council"]) == {"motion_duration", "max_proposals", "max_members"}
    changed = genesis(
        "phala",
        {
            "config": {
                "staking": {"grace_period": 1},
                "technical_committee": {"default_vote": "MoreThanMajorityThenPrimeDefaultVote"},
            }
        },
    )
    config = to_data(changed)["config"]
    assert config["staking"] == {"wpha_min_balance": UNIT // 100, "grace_period": 1}
    assert config["technical_committee"]["default_vote"] == "MoreThanMajorityThenPrimeDefaultVote"


def test_starting_state() -> None:
    worker_origin = {"kind": "Worker", "id": W1}
    state = genesis(
        "minimal",
        {
            "computation": {"online_workers": 7},
            "mq": {"ingress": [[worker_origin, 3]]},
            "registry": {
                "workers": [{"pubkey": W1, "ecdh_pubkey": W2, "initial_score": 40}],
                "gatekeeper_launched_at": {"block": 5, "timestamp": 60},
            },
        },
    )
    assert state.computation.online_workers == 7
    assert state.computation.tokenomic == computation.default_tokenomic()
    assert genesis("minimal", {"computation": {"tokenomic": None}}).computation.tokenomic is None
    assert dict(state.mq.ingress) == {MessageOrigin("Worker", W1): 3}
    info = state.registry.workers[W1]
    assert (info.initial_score, info.ecdh_pubkey, info.operator) == (40, W2, None)
    assert (info.attestation_provider, info.confidence_level) == ("Root", 128)
    assert state.registry.worker_added_at[W1] == 0
    assert state.registry.gatekeeper_launched_at == GatekeeperLaunchedAt(5, 60)
    # the same record root's force_register_worker writes, but for the score
    state, _ = initialize_block(genesis("minimal"), BlockContext(1, 12_000))
    forced = apply_call(
        state,
        Root(),
        "PhalaRegistry.force_register_worker",
        {"pubkey": W1, "ecdh_pubkey": W2, "operator": None},
    ).state.registry.workers[W1]
    assert forced == info.__class__(**{**to_data(info), "initial_score": None, "features": (1, 4)})


@pytest.mark.parametrize(
    "overrides",
    [
        {"config": {"staking": {"wpha_min_balance": 0}}},
        {"config": {"staking": {"wpha_min_balance": 2**128}}},
        {"config": {"staking": {"min_contribution": -1}}},
        {"config": {"staking": {"min_contribution": 2**128}}},
        {"config": {"staking": {"grace_period": 2**64}}},
        {"config": {"staking": {"vault_queue_period": True}}},
        {"config": {"staking": {"max_pool_workers": 2**32}}},
        {"config": {"council": {"default_vote": "MoreThanMajority"}}},
        {"config": {"technical_committee": {"default_vote": 1}}},
        {"config": {"democracy": {"voting_period": 2**32}}},
        {"config": {"democracy": {"instant_allowed": 1}}},
        {"computation": {"online_workers": -1}},
        {"computation": {"online_workers": 2**32}},
        {"computation": {"tokenomic": [1]}},
        {"mq": {"ingress": [[{"kind": "Worker", "id": W1}, -1]]}},
        {"mq": {"ingress": [[{"kind": "Worker", "id": W1}, 1], [{"kind": "Worker", "id": W1}, 2]]}},
        {"mq": {"ingress": [{"kind": "Worker", "id": W1}]}},
        {"mq": {"egress": []}},
        {"mq": []},
        {"registry": {"workers": [{"pubkey": b"short"}]}},
        {"registry": {"workers": [{"pubkey": W1, "initial_score": 2**32}]}},
        {"registry": {"workers": [{"pubkey": W1, "confidence_level": 1}]}},
        {"registry": {"workers": [{"pubkey": W1}, {"pubkey": W1}]}},
        {"registry": {"workers": [{"ecdh_pubkey": W1}]}},
        {"registry": {"workers": {"pubkey": W1}}},
        {"registry": {"gatekeeper_launched_at": {"block": 1}}},
        {"registry": {"gatekeeper_launched_at": {"block": 2**32, "timestamp": 0}}},
    ],
)
def test_bad_values_are_invalid_input(overrides: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        genesis("minimal", overrides)
