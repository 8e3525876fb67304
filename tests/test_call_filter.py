"""The runtime's call filter [CHAIN-15] and where slashed funds go [TRS-3] [TRS-5]."""

from __future__ import annotations

from typing import Any

import pytest

from phala_spec import BlockContext, Signed, apply_call, initialize_block
from phala_spec.chain.dispatch import dispatch
from phala_spec.chain.state import (
    ChainState,
    CollectiveMember,
    CollectiveOrigin,
    PalletOrigin,
    Root,
)
from phala_spec.pallets.governance.treasury import POT, calculate_bond
from phala_spec.primitives.codec import to_data
from phala_spec.primitives.errors import InvalidInput
from phala_spec.runtime.call_filter import (
    ALLOW_LISTS,
    BLOCKED_EVERYWHERE,
    CALL_FILTERED,
    PHAT_PALLETS,
    admits,
)
from phala_spec.runtime.calls import CALLS, decode_call
from phala_spec.runtime.genesis import dev_account, genesis

ALICE, BOB = dev_account("alice"), dev_account("bob")
REMOVE = "PhragmenElection.remove_member"


def _open(preset: str = "minimal", **config: Any) -> ChainState:
    overrides = {
        "config": config,
        "governance": {"elections_members": [["alice", 100], ["bob", 100]]},
    }
    state, _ = initialize_block(genesis(preset, overrides), BlockContext(1, 12_000))
    return state


def _removal(who: bytes) -> dict[str, Any]:
    return {"who": who, "slash_bond": False, "rerun_election": False}


def test_every_extrinsic_pallet_is_classified() -> None:
    """Each pallet with extrinsics is on both production lists, on neither, or (the Phat
    pallets) on Phala's only [CHAIN-15] [PHAT-2]."""
    pallets = {c.name.split(".")[0] for c in CALLS.values() if c.kind == "extrinsic"}
    assert pallets >= PHAT_PALLETS
    for pallet in pallets:
        on = {name for name, allowed in ALLOW_LISTS.items() if pallet in allowed}
        if pallet in PHAT_PALLETS:
            assert on == {"Phala"}, pallet
            continue
        assert on in (set(ALLOW_LISTS), set()), pallet
        assert (not on) == (pallet in BLOCKED_EVERYWHERE), pallet
    assert sorted(BLOCKED_EVERYWHERE) == ["PhragmenElection"]


def test_phat_pallets_are_admitted_on_phala_only() -> None:
    for pallet in PHAT_PALLETS:
        assert admits("Phala", f"{pallet}.any_call")
        assert not admits("Khala", f"{pallet}.any_call")
        assert admits("Everything", f"{pallet}.any_call")


@pytest.mark.parametrize(
    ("preset", "expected"), [("minimal", "Phala"), ("phala", "Phala"), ("khala", "Khala")]
)
def test_presets_keep_production_filters(preset: str, expected: str) -> None:
    """The filter is a preset parameter; its plain data appears only when it is not Phala's
    [GEN-2] [GEN-5]."""
    config = genesis(preset).config
    assert config.call_filter == expected
    assert to_data(config).get("call_filter") == (None if expected == "Phala" else expected)
    unfiltered = genesis(preset, {"config": {"call_filter": "Everything"}}).config
    assert to_data(unfiltered)["call_filter"] == "Everything"


@pytest.mark.parametrize("value", ["Polkadot", "everything", 0, None, True])
def test_bad_filter_is_invalid_input(value: Any) -> None:
    with pytest.raises(InvalidInput):
        genesis("minimal", {"config": {"call_filter": value}})


@pytest.mark.parametrize("preset", ["minimal", "phala", "khala"])
def test_filter_comes_before_the_origin_check(preset: str) -> None:
    """A signed root-only call of a refused pallet: `CallFiltered`, not `BadOrigin`; unchanged."""
    state = _open(preset)
    result = apply_call(state, Signed(ALICE), REMOVE, _removal(BOB))
    assert (result.outcome, result.state, result.events) == (CALL_FILTERED, state, ())
    unfiltered = _open(preset, call_filter="Everything")
    assert apply_call(unfiltered, Signed(ALICE), REMOVE, _removal(BOB)).outcome == "BadOrigin"


def test_root_bypasses_the_filter() -> None:
    result = apply_call(_open(), Root(), REMOVE, _removal(BOB))
    assert result.outcome == "ok"
    assert [m.who for m in result.state.elections.members] == [ALICE]


@pytest.mark.parametrize(
    "origin",
    [
        CollectiveOrigin("Council", 2, 2),
        CollectiveMember("Council", ALICE),
        PalletOrigin("Democracy"),
    ],
)
def test_held_calls_from_other_origins_are_filtered(origin: Any) -> None:
    """A held call dispatched with any origin but root meets the filter too [CHAIN-12]."""
    state = _open()
    call = decode_call({"call": REMOVE, "args": _removal(BOB)})
    assert dispatch(state, origin, call) == (state, CALL_FILTERED, ())
    after, outcome, _ = dispatch(state, Root(), call)
    assert outcome == "ok" and [m.who for m in after.elections.members] == [ALICE]


def test_operations_are_not_filtered() -> None:
    """Operations are trait functions, not calls: a pallet on no allow-list still runs them."""
    assert not admits("Khala", "BasePool.create")
    state = _open("khala")
    result = apply_call(
        state, PalletOrigin("PhalaStakePoolv2"), "BasePool.create", {"owner": ALICE}
    )
    assert result.outcome == "ok" and result.returned == 0


def test_democracy_is_admitted() -> None:
    """Signed democracy calls reach the pallet: its own check decides."""
    state = _open("khala")
    result = apply_call(state, Signed(ALICE), "Democracy.second", {"proposal": 7})
    assert result.outcome == "Democracy.ProposalMissing"


@pytest.mark.parametrize("preset", ["minimal", "phala", "khala"])
def test_rejected_bond_is_burnt(preset: str) -> None:
    """`OnSlash = ()`: the bond leaves the reserve and the issuance; the pot gains nothing [TRS-5]."""
    state = _open(preset)
    state = apply_call(
        state, Signed(ALICE), "Treasury.propose_spend", {"value": 1_000, "beneficiary": BOB}
    ).state
    bond = calculate_bond(state, 1_000)
    result = apply_call(state, Root(), "Treasury.reject_proposal", {"proposal_id": 0})
    assert result.outcome == "ok"
    after = result.state
    assert after.balances.total_issuance == state.balances.total_issuance - bond
    assert (
        after.system.accounts[ALICE].data.reserved
        == state.system.accounts[ALICE].data.reserved - bond
    )
    assert after.system.accounts.get(POT) == state.system.accounts.get(POT)
    assert [e.name for e in result.events] == ["Balances.Slashed", "Treasury.Rejected"]
