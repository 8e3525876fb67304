"""[CHAIN-*], [GEN-*], [STEP-*], [VIEW-*]: block execution, genesis, steps and views."""

import pytest

from phala_spec import (
    PRESETS,
    BlockContext,
    InvalidInput,
    Root,
    Signed,
    apply_call,
    apply_step,
    dev_account,
    digest,
    execute_block,
    finalize_block,
    initialize_block,
    observe,
)
from phala_spec.runtime.genesis import UNIT, genesis

ALICE, BOB = dev_account("alice"), dev_account("bob")


def open_block(state, number=1):
    state, _ = initialize_block(state, BlockContext(number, number * 12_000))
    return state


def test_phala_genesis_supply_is_one_billion_pha():
    state = genesis("phala")
    assert observe(state, "total_issuance") == 1_000_000_000 * 10**12
    assert state.config.existential_deposit == UNIT // 100


def test_genesis_issuance_is_sum_of_endowments():
    for preset, data in PRESETS.items():
        state = genesis(preset)
        assert observe(state, "total_issuance") == sum(amount for _, amount in data["balances"])


def test_genesis_overrides_and_validation():
    state = genesis("minimal", {"config": {"existential_deposit": 1}, "balances": [[ALICE, 5]]})
    assert state.config.existential_deposit == 1
    assert observe(state, "balance", [ALICE])["free"] == 5
    for bad in (
        {"balances": [[ALICE, 9]]},  # below the existential deposit of 10
        {"balances": [[ALICE, 10], [ALICE, 10]]},
        {"balances": [[b"short", 10]]},
        {"config": {"nonsense": 1}},
        {"config": {"existential_deposit": -1}},
        {"unknown": 1},
    ):
        with pytest.raises(InvalidInput):
            genesis("minimal", bad)
    with pytest.raises(InvalidInput):
        genesis("nonexistent")


def test_block_phases_are_enforced():
    state = genesis("minimal")
    with pytest.raises(InvalidInput):
        apply_call(state, Signed(ALICE), "Balances.transfer_allow_death", {"dest": BOB, "value": 1})
    with pytest.raises(InvalidInput):
        finalize_block(state)
    opened = open_block(state)
    with pytest.raises(InvalidInput):
        initialize_block(opened, BlockContext(2, 24_000))  # previous block still open
    closed, _ = finalize_block(opened)
    with pytest.raises(InvalidInput):
        initialize_block(closed, BlockContext(1, 24_000))  # number must increase
    with pytest.raises(InvalidInput):
        initialize_block(closed, BlockContext(2, 0))  # timestamp must not decrease
    skipped, _ = initialize_block(closed, BlockContext(10, 120_000))
    assert observe(skipped, "block")["number"] == 10


def test_rejected_call_keeps_state_and_drops_events():
    state = open_block(genesis("minimal"))
    # More than alice has (1,000) but less than the total issuance (6,000) [BAL-5].
    result = apply_call(
        state, Signed(ALICE), "Balances.transfer_allow_death", {"dest": BOB, "value": 2_000}
    )
    assert result.outcome == "Token.FundsUnavailable"
    assert result.state is state
    assert result.events == ()


def test_bad_origin_is_checked_first():
    state = open_block(genesis("minimal"))
    result = apply_call(
        state, Root(), "Balances.transfer_allow_death", {"dest": BOB, "value": 10**6}
    )
    assert result.outcome == "BadOrigin"


def test_malformed_calls_are_invalid_input():
    state = open_block(genesis("minimal"))
    for name, args in (
        ("Balances.nonexistent", {}),
        ("Balances.transfer_allow_death", {"dest": BOB}),
        ("Balances.transfer_allow_death", {"dest": BOB, "value": -1}),
        ("Balances.transfer_allow_death", {"dest": BOB, "value": 2**128}),
        ("Balances.transfer_allow_death", {"dest": BOB, "value": True}),
        ("Balances.transfer_allow_death", {"dest": b"x", "value": 1}),
        ("Balances.transfer_all", {"dest": BOB, "keep_alive": 1}),
    ):
        with pytest.raises(InvalidInput):
            apply_call(state, Signed(ALICE), name, args)


def test_execute_block_equals_its_steps():
    state = genesis("minimal")
    ctx = BlockContext(1, 12_000, b"\x07" * 32)
    calls = [(Signed(ALICE), "Balances.transfer_allow_death", {"dest": BOB, "value": 100})] * 2
    whole, results = execute_block(state, ctx, calls)
    assert [r.outcome for r in results] == ["ok", "ok"]
    stepped = apply_step(
        state,
        {"kind": "initialize_block", "number": 1, "timestamp": 12_000, "randomness": b"\x07" * 32},
    ).state
    call = {
        "kind": "call",
        "origin": {"kind": "signed", "who": ALICE},
        "call": "Balances.transfer_allow_death",
        "args": {"dest": BOB, "value": 100},
    }
    stepped = apply_step(apply_step(stepped, call).state, call).state
    stepped = apply_step(stepped, {"kind": "finalize_block"}).state
    assert digest(whole) == digest(stepped)
    assert observe(whole, "balance", [BOB])["free"] == 1_200


def test_malformed_steps_are_invalid_input():
    state = genesis("minimal")
    for step in (
        None,
        {"kind": "nonsense"},
        {"kind": "finalize_block", "extra": 1},
        {"kind": "initialize_block", "number": 1, "timestamp": 0},
        {"kind": "initialize_block", "number": 1, "timestamp": 0, "randomness": b"short"},
        {"kind": "call", "origin": {"kind": "signed"}, "call": "Balances.transfer", "args": {}},
        {
            "kind": "call",
            "origin": {"kind": "collective", "collective": "Council", "yes": 3, "total": 2},
            "call": "Balances.transfer",
            "args": {},
        },
    ):
        with pytest.raises(InvalidInput):
            apply_step(state, step)


def test_views_reject_bad_arguments():
    state = genesis("minimal")
    with pytest.raises(InvalidInput):
        observe(state, "nonexistent")
    with pytest.raises(InvalidInput):
        observe(state, "balance", [])
    with pytest.raises(InvalidInput):
        observe(state, "total_issuance", [ALICE])
    assert observe(state, "account", [dev_account("foundation")])["exists"] is False


def test_held_call_is_checked_on_decode_and_dispatched_transactionally() -> None:
    """[CHAIN-12] a held call is validated when it is decoded; its dispatch keeps the state on an error."""
    from phala_spec.chain.state import BlockContext, Root, Signed
    from phala_spec.primitives.errors import InvalidInput
    from phala_spec.runtime.calls import decode_call, dispatch
    from phala_spec.runtime.genesis import dev_account, genesis
    from phala_spec.steps import initialize_block

    with pytest.raises(InvalidInput):
        decode_call({"call": "Balances.nope", "args": {}})
    with pytest.raises(InvalidInput):
        decode_call({"call": "Balances.transfer", "args": {"dest": b"\x01" * 32}})
    state, _ = initialize_block(genesis("minimal"), BlockContext(1, 12_000))
    alice, bob = dev_account("alice"), dev_account("bob")
    pay = decode_call(
        {"call": "Balances.force_transfer", "args": {"source": alice, "dest": bob, "value": 100}}
    )
    assert pay.hash == decode_call(to_data_of(pay)).hash
    assert (
        pay.hash
        != decode_call(
            {
                "call": "Balances.force_transfer",
                "args": {"source": alice, "dest": bob, "value": 101},
            }
        ).hash
    )
    after, outcome, events = dispatch(state, Root(), pay)
    assert outcome == "ok" and events
    assert after.system.accounts[bob].data.free == state.system.accounts[bob].data.free + 100
    same, outcome, events = dispatch(state, Signed(alice), pay)
    assert (same, outcome, events) == (state, "BadOrigin", ())


def to_data_of(call: object) -> object:
    from phala_spec.primitives.codec import to_data

    return to_data(call)


# --- [CHAIN-14] calls at the genesis block ---------------------------------------------------


def test_calls_at_the_genesis_block() -> None:
    from phala_spec import dev_account, finalize_block, genesis, initialize_block, observe
    from phala_spec.chain.state import BlockContext, Signed
    from phala_spec.primitives.codec import to_data
    from phala_spec.primitives.errors import InvalidInput
    from phala_spec.runtime.block import apply_call, open_genesis_block

    alice, bob = dev_account("alice"), dev_account("bob")
    state = genesis("minimal")
    opened, events = initialize_block(state, BlockContext(0, 0))
    assert events == () and opened == open_genesis_block(state, BlockContext(0, 0))
    assert observe(opened, "block") == {
        "number": 0,
        "timestamp": 0,
        "randomness": bytes(32),
        "open": True,
    }
    assert to_data(opened)["system"]["genesis_opened"] is True
    assert "genesis_opened" not in to_data(state)["system"]
    result = apply_call(
        opened, Signed(alice), "Balances.transfer_keep_alive", {"dest": bob, "value": 5}
    )
    assert result.outcome == "ok" and observe(result.state, "balance", [bob])["free"] == 1_005
    closed, _ = finalize_block(result.state)
    with pytest.raises(InvalidInput):  # once only
        initialize_block(closed, BlockContext(0, 0))
    with pytest.raises(InvalidInput):
        open_genesis_block(closed, BlockContext(0, 0))
    with pytest.raises(InvalidInput):  # not while it is open
        initialize_block(opened, BlockContext(0, 0))
    after, _ = initialize_block(closed, BlockContext(1, 12_000))
    assert after.system.parent_number == 0
    with pytest.raises(InvalidInput):  # not after block 1
        initialize_block(finalize_block(after)[0], BlockContext(0, 12_000))
    with pytest.raises(InvalidInput):
        open_genesis_block(state, BlockContext(0, 0, b"short"))


def test_event_fields_read_by_name() -> None:
    from phala_spec.chain.state import Event, event
    from phala_spec.primitives.codec import to_data

    transfer = event("Balances.Transfer", **{"from": b"a" * 32, "to": b"b" * 32, "amount": 5})
    assert transfer["amount"] == 5 and transfer.get("amount") == 5
    assert "to" in transfer and "value" not in transfer and transfer.get("value", 0) == 0
    assert dict(transfer.field_map) == {"from": b"a" * 32, "to": b"b" * 32, "amount": 5}
    assert transfer.field_names == ("from", "to", "amount")
    with pytest.raises(KeyError, match="amount"):
        Event("System.Remarked")["amount"]
    with pytest.raises(TypeError):
        transfer.field_map["amount"] = 6  # type: ignore[index]
    assert to_data(transfer) == {
        "name": "Balances.Transfer",
        "fields": {"from": b"a" * 32, "to": b"b" * 32, "amount": 5},
    }
    assert transfer == Event("Balances.Transfer", transfer.fields)
