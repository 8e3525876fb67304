"""pallet-balances [BAL-1]..[BAL-29]: unit and property tests of the reference.

Expected values are derived from the rules in spec/balances.md (computed from
the inputs), never copied from the reference's output.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phala_spec.chain.state import (
    AccountData,
    AccountInfo,
    BlockContext,
    ChainState,
    Event,
    PalletOrigin,
    Root,
    Signed,
    Unsigned,
)
from phala_spec.chain.system import account_exists, account_info
from phala_spec.pallets.balances.accounts import account_data, free_balance, locks, total_issuance
from phala_spec.pallets.balances.fungible import (
    Fortitude,
    Preservation,
    can_withdraw,
    ensure_can_withdraw_consequence,
    reducible_balance,
)
from phala_spec.pallets.balances.lockable import LOCK_REASONS
from phala_spec.pallets.balances.reservable import BALANCE_STATUS
from phala_spec.primitives.arith import U128_MAX
from phala_spec.primitives.codec import digest
from phala_spec.primitives.errors import DispatchError, InvalidInput
from phala_spec.primitives.types import ACCOUNT_ID, BALANCE, BOOL, LOCK_ID, Kind
from phala_spec.runtime.block import apply_call, initialize_block
from phala_spec.runtime.calls import CALLS
from phala_spec.runtime.genesis import dev_account, genesis

ED = 10  # the minimal preset
ALICE, BOB, CHARLIE = dev_account("alice"), dev_account("bob"), dev_account("charlie")
DAVE = b"\xdd" * 32  # never endowed
OPS = PalletOrigin("Test")
LOCK_A, LOCK_B, LOCK_C = b"lock_aaa", b"lock_bbb", b"lock_ccc"


def chain(
    balances: Iterable[tuple[bytes, int]] = ((ALICE, 1000), (BOB, 1000)), **config: int
) -> ChainState:
    """A minimal-preset state with an open block."""
    state = genesis("minimal", {"balances": [list(x) for x in balances], "config": config})
    state, _ = initialize_block(state, BlockContext(1, 12_000))
    return state


def call(
    state: ChainState, name: str, origin: Any = OPS, **args: Any
) -> tuple[ChainState, str, list[tuple[str, dict[str, Any]]], Any]:
    result = apply_call(state, origin, name, args)
    return (
        result.state,
        result.outcome,
        [(e.name, dict(e.fields)) for e in result.events],
        result.returned,
    )


def ok(
    state: ChainState, name: str, origin: Any = OPS, **args: Any
) -> tuple[ChainState, list[tuple[str, dict[str, Any]]]]:
    state, outcome, events, _ = call(state, name, origin, **args)
    assert outcome == "ok", outcome
    return state, events


def names(events: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [name for name, _ in events]


def data(state: ChainState, who: bytes) -> AccountData:
    return account_data(state, who)


def with_account(state: ChainState, who: bytes, info: AccountInfo) -> ChainState:
    """Place an arbitrary record (for checks on states the calls cannot build)."""
    accounts = state.system.accounts.set(who, info)
    return attrs.evolve(state, system=attrs.evolve(state.system, accounts=accounts))


def held(state: ChainState) -> int:
    return sum(info.data.total for info in state.system.accounts.values())


# --- [BAL-2] genesis and issuance -----------------------------------------------------------


def test_genesis_issuance_is_the_sum_of_endowments() -> None:
    state = genesis("minimal")
    assert total_issuance(state) == 6 * 1000 == held(state)
    phala = genesis("phala")
    assert total_issuance(phala) == 10**9 * 10**12 == held(phala)
    assert phala.config.existential_deposit == 10**10


# --- [BAL-9]..[BAL-11] transfers -------------------------------------------------------------


def test_transfer_moves_the_amount() -> None:
    state, events = ok(chain(), "Balances.transfer_allow_death", Signed(ALICE), dest=BOB, value=300)
    assert (data(state, ALICE).free, data(state, BOB).free) == (700, 1300)
    assert events == [("Balances.Transfer", {"from": ALICE, "to": BOB, "amount": 300})]


def test_reaping_transfer_burns_the_dust_in_event_order() -> None:
    before = chain()
    value = 1000 - (ED - 1)  # leaves ED - 1: dust
    state, events = ok(
        before, "Balances.transfer_allow_death", Signed(ALICE), dest=DAVE, value=value
    )
    assert events == [
        ("System.KilledAccount", {"account": ALICE}),
        ("Balances.DustLost", {"account": ALICE, "amount": ED - 1}),
        ("System.NewAccount", {"account": DAVE}),
        ("Balances.Endowed", {"account": DAVE, "free_balance": value}),
        ("Balances.Transfer", {"from": ALICE, "to": DAVE, "amount": value}),
    ]
    assert not account_exists(state, ALICE)
    assert total_issuance(state) == total_issuance(before) - (ED - 1) == held(state)


@pytest.mark.parametrize(
    ("call_name", "value", "expected"),
    [
        ("Balances.transfer_keep_alive", 1000 - ED, "ok"),
        ("Balances.transfer_keep_alive", 1000 - ED + 1, "Token.NotExpendable"),
        ("Balances.transfer_allow_death", 1000 - ED + 1, "ok"),
        ("Balances.transfer_allow_death", 1001, "Token.FundsUnavailable"),
        ("Balances.transfer_allow_death", 2001, "Arithmetic.Underflow"),  # issuance is 2000
        ("Balances.transfer", 1001, "Token.FundsUnavailable"),
    ],
)
def test_transfer_limits(call_name: str, value: int, expected: str) -> None:
    _, outcome, _, _ = call(chain(), call_name, Signed(ALICE), dest=BOB, value=value)
    assert outcome == expected


def test_transfer_to_self_passes_checks_and_does_nothing() -> None:
    before = chain()
    state, events = ok(
        before, "Balances.transfer_allow_death", Signed(ALICE), dest=ALICE, value=999
    )
    assert events == [] and digest(state) == digest(before)
    _, outcome, _, _ = call(
        before, "Balances.transfer_keep_alive", Signed(ALICE), dest=ALICE, value=999
    )
    assert outcome == "Token.NotExpendable"


def test_zero_transfer_from_empty_account_emits_endowed_zero() -> None:
    state, events = ok(chain(), "Balances.transfer_allow_death", Signed(DAVE), dest=BOB, value=0)
    assert events == [
        ("Balances.Endowed", {"account": DAVE, "free_balance": 0}),
        ("Balances.Transfer", {"from": DAVE, "to": BOB, "amount": 0}),
    ]
    assert not account_exists(state, DAVE)


def test_destination_checks_come_after_source_checks() -> None:
    _, outcome, _, _ = call(
        chain(), "Balances.transfer_allow_death", Signed(DAVE), dest=CHARLIE, value=ED - 1
    )
    assert outcome == "Token.FundsUnavailable"
    _, outcome, _, _ = call(
        chain(), "Balances.transfer_allow_death", Signed(ALICE), dest=CHARLIE, value=ED - 1
    )
    assert outcome == "Token.BelowMinimum"


def test_origin_is_checked_first() -> None:
    for origin in (Root(), Unsigned(), OPS):
        _, outcome, _, _ = call(
            chain(), "Balances.transfer_allow_death", origin, dest=BOB, value=10**9
        )
        assert outcome == "BadOrigin"
    for name, args in (
        ("Balances.force_transfer", {"source": ALICE, "dest": BOB, "value": 1}),
        ("Balances.force_set_balance", {"who": ALICE, "new_free": 1}),
        ("Balances.force_unreserve", {"who": ALICE, "amount": 1}),
    ):
        _, outcome, _, _ = call(chain(), name, Signed(ALICE), **args)
        assert outcome == "BadOrigin"


@pytest.mark.parametrize(
    "name",
    sorted(n for n, c in CALLS.items() if c.kind == "operation" and n.startswith("Balances.")),
)
def test_operations_only_accept_a_pallet_origin(name: str) -> None:
    sample: dict[Kind[Any], Any] = {
        ACCOUNT_ID: ALICE,
        BALANCE: 1,
        BOOL: True,
        LOCK_ID: LOCK_A,
        LOCK_REASONS: "All",
        BALANCE_STATUS: "Free",
    }
    args = {param: sample[kind] for param, kind in CALLS[name].params}
    for origin in (Signed(ALICE), Root(), Unsigned()):
        state = chain()
        _, outcome, events, _ = call(state, name, origin, **args)
        assert (outcome, events) == ("BadOrigin", [])


# --- [BAL-5] withdraw consequence order -------------------------------------------------------


def test_can_withdraw_order_on_constructed_states() -> None:
    state = chain()
    # free 100, reserved 0, frozen 50, no consumer (not reachable through calls).
    odd = with_account(state, DAVE, AccountInfo(providers=1, data=AccountData(100, 0, 50)))
    assert can_withdraw(odd, DAVE, 95) == ("Frozen", 0)  # Frozen beats ReducedToZero
    assert can_withdraw(odd, DAVE, 50) == ("Success", 0)
    # The same with a consumer: WouldDie beats Frozen.
    locked = with_account(
        state, DAVE, AccountInfo(providers=1, consumers=1, data=AccountData(100, 0, 50))
    )
    assert can_withdraw(locked, DAVE, 95) == ("WouldDie", 0)
    assert can_withdraw(locked, DAVE, 101) == ("BalanceLow", 0)
    # Issuance underflow comes before everything.
    assert can_withdraw(locked, DAVE, total_issuance(locked) + 1) == ("Underflow", 0)
    # ReducedToZero carries the remainder.
    plain = with_account(state, DAVE, AccountInfo(providers=1, data=AccountData(100, 0, 0)))
    assert can_withdraw(plain, DAVE, 95) == ("ReducedToZero", 5)


@pytest.mark.parametrize(
    ("consequence", "keep", "error"),
    [
        ("Underflow", False, "Arithmetic.Underflow"),
        ("BalanceLow", False, "Token.FundsUnavailable"),
        ("WouldDie", False, "Token.OnlyProvider"),
        ("Frozen", False, "Token.Frozen"),
        ("ReducedToZero", True, "Token.NotExpendable"),
        ("ReducedToZero", False, None),
        ("Success", True, None),
    ],
)
def test_withdraw_consequence_errors(consequence: str, keep: bool, error: str | None) -> None:
    if error is None:
        ensure_can_withdraw_consequence(consequence, keep)
        return
    with pytest.raises(DispatchError) as raised:
        ensure_can_withdraw_consequence(consequence, keep)
    assert raised.value.code == error


# --- [BAL-4] reducible balance ----------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    free=st.integers(0, 500),
    reserved=st.integers(0, 500),
    frozen=st.integers(0, 800),
    consumers=st.integers(0, 2),
    providers=st.integers(1, 2),
    preservation=st.sampled_from(list(Preservation)),
    force=st.sampled_from(list(Fortitude)),
)
def test_reducible_balance_formula(
    free: int,
    reserved: int,
    frozen: int,
    consumers: int,
    providers: int,
    preservation: Preservation,
    force: Fortitude,
) -> None:
    state = with_account(
        chain(),
        DAVE,
        AccountInfo(
            consumers=consumers, providers=providers, data=AccountData(free, reserved, frozen)
        ),
    )
    floor = max(frozen - reserved, 0) if force is Fortitude.POLITE else 0
    can_lose_provider = consumers == 0 or providers > 1
    keep_ed = {
        Preservation.PRESERVE: True,
        Preservation.PROTECT: free != 0 and providers == 1,
        Preservation.EXPENDABLE: free != 0 and not can_lose_provider,
    }[preservation]
    if keep_ed:
        floor = max(floor, ED)
    assert reducible_balance(state, DAVE, preservation, force) == max(free - floor, 0)


# --- [BAL-13] transfer_all ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reserve", "lock", "keep_alive", "sent"),
    [
        (0, 0, False, 1000),
        (0, 0, True, 1000 - ED),
        (0, 300, False, 700),  # the lock stays, not lock + ED
        (300, 0, False, 700 - ED),  # a reserve's consumer forces the ED to stay
        (300, 500, False, 700 - (500 - 300)),  # the reserve covers part of the lock
        (300, 200, True, 700 - ED),
    ],
)
def test_transfer_all_amount(reserve: int, lock: int, keep_alive: bool, sent: int) -> None:
    state = chain()
    if reserve:
        state, _ = ok(state, "Balances.reserve", who=ALICE, value=reserve)
    if lock:
        state, _ = ok(
            state, "Balances.set_lock", lock_id=LOCK_A, who=ALICE, amount=lock, reasons="All"
        )
    state, events = ok(
        state, "Balances.transfer_all", Signed(ALICE), dest=BOB, keep_alive=keep_alive
    )
    assert events[-1] == ("Balances.Transfer", {"from": ALICE, "to": BOB, "amount": sent})
    assert data(state, BOB).free == 1000 + sent


# --- [BAL-14] force_set_balance -----------------------------------------------------------


def test_force_set_balance_moves_issuance_by_the_difference() -> None:
    before = chain()
    for new_free, stored in ((1500, 1500), (400, 400), (ED - 1, 0), (0, 0)):
        state, events = ok(
            before, "Balances.force_set_balance", Root(), who=ALICE, new_free=new_free
        )
        assert data(state, ALICE).free == stored
        assert events[-1] == ("Balances.BalanceSet", {"who": ALICE, "free": stored})
        assert total_issuance(state) == total_issuance(before) + stored - 1000
        assert account_exists(state, ALICE) is (stored > 0)


def test_force_set_balance_saturates_issuance() -> None:
    state, _ = ok(chain(), "Balances.force_set_balance", Root(), who=BOB, new_free=U128_MAX)
    assert total_issuance(state) == U128_MAX
    state, _ = ok(state, "Balances.force_set_balance", Root(), who=ALICE, new_free=0)
    assert total_issuance(state) == U128_MAX - 1000
    assert data(state, BOB).free > total_issuance(state)


# --- [BAL-16]..[BAL-20] reserves --------------------------------------------------------------


def test_reserve_and_unreserve_round_trip() -> None:
    before = chain()
    state, events = ok(before, "Balances.reserve", who=ALICE, value=300)
    assert events == [("Balances.Reserved", {"who": ALICE, "amount": 300})]
    assert data(state, ALICE) == AccountData(700, 300, 0)
    assert account_info(state, ALICE).consumers == 1
    state, outcome, events, leftover = call(state, "Balances.unreserve", who=ALICE, value=1000)
    assert (outcome, leftover) == ("ok", 700)
    assert events == [("Balances.Unreserved", {"who": ALICE, "amount": 300})]
    assert data(state, ALICE) == AccountData(1000, 0, 0)
    assert account_info(state, ALICE).consumers == 0
    assert digest(state) == digest(before)


@pytest.mark.parametrize(
    ("lock", "value", "expected"),
    [
        (0, 1001, "Balances.InsufficientBalance"),
        (0, 1000 - ED + 1, "ConsumerRemaining"),
        (0, 1000 - ED, "ok"),
        (500, 501, "Balances.LiquidityRestrictions"),
        (500, 500, "ok"),
        (500, 1200, "Balances.InsufficientBalance"),
        (100, 995, "Balances.LiquidityRestrictions"),
    ],
)
def test_reserve_checks(lock: int, value: int, expected: str) -> None:
    state = chain()
    if lock:
        state, _ = ok(
            state, "Balances.set_lock", lock_id=LOCK_A, who=ALICE, amount=lock, reasons="All"
        )
    _, outcome, _, _ = call(state, "Balances.reserve", who=ALICE, value=value)
    assert outcome == expected


def test_fungible_and_currency_disagree_about_locks() -> None:
    state = chain()
    state, _ = ok(state, "Balances.reserve", who=ALICE, value=200)
    state, _ = ok(state, "Balances.set_lock", lock_id=LOCK_A, who=ALICE, amount=800, reasons="All")
    assert data(state, ALICE) == AccountData(800, 200, 800)
    # Currency: the free balance must stay above the lock.
    for name, args in (
        ("Balances.withdraw", {"who": ALICE, "value": 1, "keep_alive": False}),
        ("Balances.reserve", {"who": ALICE, "value": 1}),
    ):
        _, outcome, _, _ = call(state, name, **args)
        assert outcome == "Balances.LiquidityRestrictions"
    # fungible: free + reserved must stay above the lock.
    assert reducible_balance(state, ALICE, Preservation.EXPENDABLE, Fortitude.POLITE) == 800 - (
        800 - 200
    )
    _, outcome, _, _ = call(
        state, "Balances.transfer_allow_death", Signed(ALICE), dest=BOB, value=201
    )
    assert outcome == "Token.Frozen"
    state, _ = ok(state, "Balances.transfer_allow_death", Signed(ALICE), dest=BOB, value=200)
    assert data(state, ALICE) == AccountData(600, 200, 800)


def test_unreserve_and_slash_report_zero_when_nothing_is_reserved() -> None:
    state = chain()
    _, outcome, events, leftover = call(state, "Balances.unreserve", who=ALICE, value=50)
    assert (outcome, events, leftover) == (
        "ok",
        [("Balances.Unreserved", {"who": ALICE, "amount": 0})],
        50,
    )
    _, outcome, events, leftover = call(state, "Balances.slash_reserved", who=ALICE, value=50)
    assert (outcome, events, leftover) == (
        "ok",
        [("Balances.Slashed", {"who": ALICE, "amount": 0})],
        50,
    )
    for name in ("Balances.unreserve", "Balances.slash_reserved"):
        after, outcome, events, leftover = call(state, name, who=DAVE, value=50)
        assert (outcome, events, leftover) == ("ok", [], 50)
        assert after is state


def test_slash_burns_from_issuance() -> None:
    state, _ = ok(chain(), "Balances.reserve", who=ALICE, value=300)
    before = total_issuance(state)
    state, outcome, events, leftover = call(state, "Balances.slash_reserved", who=ALICE, value=500)
    assert (outcome, leftover) == ("ok", 200)
    assert events == [("Balances.Slashed", {"who": ALICE, "amount": 300})]
    assert total_issuance(state) == before - 300 == held(state)
    assert account_info(state, ALICE).consumers == 0


def test_unreserve_saturates_the_free_balance() -> None:
    # force_set_balance does not bound free + reserved; unreserving then saturates free.
    state, _ = ok(chain(), "Balances.reserve", who=ALICE, value=100)
    state, _ = ok(state, "Balances.force_set_balance", Root(), who=ALICE, new_free=U128_MAX)
    issuance = total_issuance(state)
    state, outcome, events, leftover = call(state, "Balances.unreserve", who=ALICE, value=100)
    assert (outcome, leftover) == ("ok", 0)
    assert data(state, ALICE) == AccountData(U128_MAX, 0, 0)
    assert events == [("Balances.Unreserved", {"who": ALICE, "amount": 100})]
    assert total_issuance(state) == issuance


def test_repatriate_moves_only_the_part_not_needed_by_the_lock() -> None:
    state = chain()
    state, _ = ok(state, "Balances.reserve", who=ALICE, value=300)
    state, _ = ok(state, "Balances.set_lock", lock_id=LOCK_A, who=ALICE, amount=900, reasons="All")
    movable = 300 - (900 - 700)
    state, outcome, events, leftover = call(
        state,
        "Balances.repatriate_reserved",
        slashed=ALICE,
        beneficiary=BOB,
        value=300,
        status="Reserved",
    )
    assert (outcome, leftover) == ("ok", 300 - movable)
    assert events == [
        (
            "Balances.ReserveRepatriated",
            {"from": ALICE, "to": BOB, "amount": movable, "destination_status": "Reserved"},
        )
    ]
    assert data(state, BOB) == AccountData(1000, movable, 0)
    assert account_info(state, BOB).consumers == 1


def test_repatriate_checks_beneficiary_before_overflow_and_after_zero() -> None:
    state, _ = ok(chain(), "Balances.reserve", who=ALICE, value=300)
    _, outcome, _, _ = call(
        state,
        "Balances.repatriate_reserved",
        slashed=ALICE,
        beneficiary=DAVE,
        value=10,
        status="Free",
    )
    assert outcome == "Balances.DeadAccount"
    _, outcome, events, leftover = call(
        state,
        "Balances.repatriate_reserved",
        slashed=ALICE,
        beneficiary=DAVE,
        value=0,
        status="Free",
    )
    assert (outcome, events, leftover) == ("ok", [], 0)
    rich, _ = ok(state, "Balances.force_set_balance", Root(), who=BOB, new_free=U128_MAX)
    _, outcome, _, _ = call(
        rich,
        "Balances.repatriate_reserved",
        slashed=ALICE,
        beneficiary=BOB,
        value=10,
        status="Free",
    )
    assert outcome == "Arithmetic.Overflow"


# --- [BAL-21]..[BAL-24] locks -------------------------------------------------------------


def test_lock_events_and_consumers() -> None:
    state, events = ok(
        chain(), "Balances.set_lock", lock_id=LOCK_A, who=ALICE, amount=300, reasons="All"
    )
    assert events == [("Balances.Locked", {"who": ALICE, "amount": 300})]
    assert account_info(state, ALICE).consumers == 2
    state, events = ok(
        state, "Balances.set_lock", lock_id=LOCK_B, who=ALICE, amount=100, reasons="Fee"
    )
    assert events == [] and data(state, ALICE).frozen == 300
    state, events = ok(state, "Balances.remove_lock", lock_id=LOCK_A, who=ALICE)
    assert events == [("Balances.Unlocked", {"who": ALICE, "amount": 200})]
    state, events = ok(
        state, "Balances.set_lock", lock_id=LOCK_B, who=ALICE, amount=0, reasons="Fee"
    )
    assert events == [("Balances.Unlocked", {"who": ALICE, "amount": 100})]
    assert account_info(state, ALICE).consumers == 0
    assert locks(state, ALICE) == ()


LOCK_OPS = st.lists(
    st.tuples(
        st.sampled_from(["set", "extend", "remove"]),
        st.sampled_from([LOCK_A, LOCK_B, LOCK_C]),
        st.integers(0, 2000),
        st.sampled_from(["None", "Fee", "Misc", "All"]),
    ),
    max_size=12,
)


def merge(a: str, b: str) -> str:
    return a if a == b else "All"


@settings(max_examples=120, deadline=None)
@given(ops=LOCK_OPS)
def test_frozen_is_the_largest_lock(ops: list[tuple[str, bytes, int, str]]) -> None:
    """A dictionary model of set/extend/remove; frozen must be the maximum, never the sum."""
    state = chain()
    model: dict[bytes, tuple[int, str]] = {}
    for op, lock_id, amount, reasons in ops:
        before = data(state, ALICE).frozen
        if op == "set":
            state, events = ok(
                state,
                "Balances.set_lock",
                lock_id=lock_id,
                who=ALICE,
                amount=amount,
                reasons=reasons,
            )
            if amount == 0 or reasons == "None":
                model.pop(lock_id, None)
            else:
                model[lock_id] = (amount, reasons)
        elif op == "extend":
            state, events = ok(
                state,
                "Balances.extend_lock",
                lock_id=lock_id,
                who=ALICE,
                amount=amount,
                reasons=reasons,
            )
            if amount and reasons != "None":
                old = model.get(lock_id)
                model[lock_id] = (
                    (max(old[0], amount), merge(old[1], reasons)) if old else (amount, reasons)
                )
        else:
            state, events = ok(state, "Balances.remove_lock", lock_id=lock_id, who=ALICE)
            model.pop(lock_id, None)
        frozen = max((a for a, _ in model.values()), default=0)
        assert data(state, ALICE).frozen == frozen
        assert {lock.id: (lock.amount, lock.reasons) for lock in locks(state, ALICE)} == model
        assert account_info(state, ALICE).consumers == (2 if model else 0)
        expected = (
            [("Balances.Locked", {"who": ALICE, "amount": frozen - before})]
            if frozen > before
            else [("Balances.Unlocked", {"who": ALICE, "amount": before - frozen})]
            if frozen < before
            else []
        )
        assert events == expected
        assert data(state, ALICE).free == 1000  # locks never move funds


def test_lock_on_provider_less_account_is_stored_without_freezing() -> None:
    state, events = ok(
        chain(), "Balances.set_lock", lock_id=LOCK_A, who=DAVE, amount=300, reasons="All"
    )
    assert events == [("Balances.Locked", {"who": DAVE, "amount": 300})]
    assert not account_exists(state, DAVE)
    assert [lock.amount for lock in locks(state, DAVE)] == [300]
    state, _ = ok(state, "Balances.deposit_creating", who=DAVE, value=500)
    assert data(state, DAVE) == AccountData(500, 0, 0)
    assert account_info(state, DAVE).consumers == 0


def test_max_locks_is_not_enforced() -> None:
    state = chain()
    count = state.config.max_locks + 2
    for i in range(count):
        state, _ = ok(
            state,
            "Balances.set_lock",
            lock_id=b"lock%04d" % i,
            who=ALICE,
            amount=10 * (i + 1),
            reasons="Misc",
        )
    assert len(locks(state, ALICE)) == count
    assert data(state, ALICE).frozen == 10 * count


# --- [BAL-25]..[BAL-28] minting and burning -----------------------------------------------


def test_mint_and_burn_change_issuance_by_the_amount() -> None:
    before = chain()
    state, events = ok(before, "Balances.mint_into", who=DAVE, amount=500)
    assert names(events) == ["System.NewAccount", "Balances.Endowed", "Balances.Minted"]
    assert total_issuance(state) == total_issuance(before) + 500
    state, events = ok(state, "Balances.burn_from", who=DAVE, amount=500 - (ED - 1))
    assert events == [
        ("System.KilledAccount", {"account": DAVE}),
        ("Balances.DustLost", {"account": DAVE, "amount": ED - 1}),
        ("Balances.Burned", {"who": DAVE, "amount": 500 - (ED - 1)}),
    ]
    assert total_issuance(state) == total_issuance(before)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("Balances.mint_into", {"who": DAVE, "amount": ED - 1}, "Token.BelowMinimum"),
        ("Balances.mint_into", {"who": DAVE, "amount": 0}, "Token.BelowMinimum"),
        ("Balances.mint_into", {"who": ALICE, "amount": 0}, "ok"),
        ("Balances.mint_into", {"who": ALICE, "amount": U128_MAX - 1999}, "Arithmetic.Overflow"),
        ("Balances.mint_into", {"who": ALICE, "amount": U128_MAX - 2000}, "ok"),
        ("Balances.burn_from", {"who": ALICE, "amount": 1001}, "Token.FundsUnavailable"),
        ("Balances.burn_from", {"who": ALICE, "amount": 1000}, "ok"),
        (
            "Balances.withdraw",
            {"who": ALICE, "value": 1001, "keep_alive": True},
            "Balances.InsufficientBalance",
        ),
        (
            "Balances.withdraw",
            {"who": ALICE, "value": 1000 - ED + 1, "keep_alive": True},
            "Balances.Expendability",
        ),
        ("Balances.withdraw", {"who": ALICE, "value": 1000 - ED + 1, "keep_alive": False}, "ok"),
        ("Balances.deposit_into_existing", {"who": DAVE, "value": 500}, "Balances.DeadAccount"),
        (
            "Balances.deposit_into_existing",
            {"who": ALICE, "value": U128_MAX},
            "Arithmetic.Overflow",
        ),
        ("Balances.deposit_creating", {"who": DAVE, "value": ED - 1}, "ok"),
        ("Balances.deposit_creating", {"who": ALICE, "value": U128_MAX}, "ok"),
    ],
)
def test_mint_burn_withdraw_deposit_outcomes(
    name: str, args: dict[str, Any], expected: str
) -> None:
    _, outcome, _, _ = call(chain(), name, **args)
    assert outcome == expected


def test_mint_overflow_boundary() -> None:
    # Minting exactly up to U128_MAX is allowed when the account can hold it.
    state = chain([(ALICE, 1000)])
    state, _ = ok(state, "Balances.mint_into", who=ALICE, amount=U128_MAX - 1000)
    assert total_issuance(state) == U128_MAX == data(state, ALICE).free


def test_deposit_creating_drops_silently() -> None:
    before = chain()
    for who, value in ((DAVE, ED - 1), (ALICE, U128_MAX)):
        state, outcome, events, _ = call(before, "Balances.deposit_creating", who=who, value=value)
        assert (outcome, events) == ("ok", [])
        assert digest(state) == digest(before)


def test_deposit_and_withdraw_event_order() -> None:
    state, events = ok(chain(), "Balances.deposit_creating", who=DAVE, value=50)
    assert names(events) == ["Balances.Deposit", "System.NewAccount", "Balances.Endowed"]
    state, events = ok(state, "Balances.withdraw", who=DAVE, value=45, keep_alive=False)
    assert events == [
        ("Balances.Withdraw", {"who": DAVE, "amount": 45}),
        ("System.KilledAccount", {"account": DAVE}),
        ("Balances.DustLost", {"account": DAVE, "amount": 5}),
    ]


def test_burn_from_reports_issuance_underflow_as_overflow() -> None:
    state, _ = ok(chain(), "Balances.force_set_balance", Root(), who=BOB, new_free=U128_MAX)
    state, _ = ok(state, "Balances.force_set_balance", Root(), who=ALICE, new_free=0)
    issuance = total_issuance(state)
    _, outcome, _, _ = call(state, "Balances.burn_from", who=BOB, amount=issuance + 1)
    assert outcome == "Arithmetic.Overflow"
    _, outcome, _, _ = call(
        state, "Balances.transfer_allow_death", Signed(BOB), dest=ALICE, value=issuance + 1
    )
    assert outcome == "Arithmetic.Underflow"


def test_consumer_remaining_paths() -> None:
    state, _ = ok(chain(), "Balances.reserve", who=ALICE, value=100)
    for name, origin, args in (
        ("Balances.force_set_balance", Root(), {"who": ALICE, "new_free": 0}),
        ("Balances.withdraw", OPS, {"who": ALICE, "value": 900, "keep_alive": False}),
        ("Balances.reserve", OPS, {"who": ALICE, "value": 900 - ED + 1}),
    ):
        _, outcome, _, _ = call(state, name, origin, **args)
        assert outcome == "ConsumerRemaining", name


def test_too_many_consumers() -> None:
    state = chain(max_consumers=0)
    _, outcome, _, _ = call(state, "Balances.reserve", who=ALICE, value=100)
    assert outcome == "TooManyConsumers"
    # set_lock swallows it: the lock is stored, the frozen amount is not written.
    state, events = ok(
        state, "Balances.set_lock", lock_id=LOCK_A, who=ALICE, amount=100, reasons="All"
    )
    assert events == [("Balances.Locked", {"who": ALICE, "amount": 100})]
    assert data(state, ALICE).frozen == 0
    assert account_info(state, ALICE).consumers == 1


def test_invalid_arguments_are_not_dispatch_errors() -> None:
    state = chain()
    for name, args in (
        ("Balances.transfer_allow_death", {"dest": BOB, "value": -1}),
        ("Balances.transfer_allow_death", {"dest": BOB, "value": U128_MAX + 1}),
        ("Balances.transfer_allow_death", {"dest": BOB[:31], "value": 1}),
        ("Balances.set_lock", {"lock_id": b"short", "who": ALICE, "amount": 1, "reasons": "All"}),
        ("Balances.set_lock", {"lock_id": LOCK_A, "who": ALICE, "amount": 1, "reasons": "Some"}),
        (
            "Balances.repatriate_reserved",
            {"slashed": ALICE, "beneficiary": BOB, "value": 1, "status": "Held"},
        ),
        ("Balances.transfer_all", {"dest": BOB, "keep_alive": 1}),
        ("Balances.nope", {}),
    ):
        origin = Signed(ALICE) if name.startswith("Balances.transfer") else OPS
        with pytest.raises(InvalidInput):
            apply_call(state, origin, name, args)


# --- Properties over random call sequences ------------------------------------------------

ACCOUNTS = (ALICE, BOB, CHARLIE, DAVE)
# Small amounts, edges around the ED and the endowments (to reach dust and reaping), any amount.
AMOUNT = st.one_of(
    st.integers(0, 30),
    st.sampled_from([ED - 1, ED, ED + 1, 15, 985, 990, 995, 1000, 1005]),
    st.integers(0, 3000),
)
ACCOUNT = st.sampled_from(ACCOUNTS)


def _call_strategy() -> st.SearchStrategy[tuple[str, Any, dict[str, Any]]]:
    signed = ACCOUNT.map(Signed)
    return st.one_of(
        st.builds(
            lambda o, d, v: ("Balances.transfer_allow_death", o, {"dest": d, "value": v}),
            signed,
            ACCOUNT,
            AMOUNT,
        ),
        st.builds(
            lambda o, d, v: ("Balances.transfer_keep_alive", o, {"dest": d, "value": v}),
            signed,
            ACCOUNT,
            AMOUNT,
        ),
        st.builds(
            lambda o, d, k: ("Balances.transfer_all", o, {"dest": d, "keep_alive": k}),
            signed,
            ACCOUNT,
            st.booleans(),
        ),
        st.builds(
            lambda s, d, v: (
                "Balances.force_transfer",
                Root(),
                {"source": s, "dest": d, "value": v},
            ),
            ACCOUNT,
            ACCOUNT,
            AMOUNT,
        ),
        st.builds(
            lambda w, v: ("Balances.force_set_balance", Root(), {"who": w, "new_free": v}),
            ACCOUNT,
            AMOUNT,
        ),
        st.builds(
            lambda w, v: ("Balances.force_unreserve", Root(), {"who": w, "amount": v}),
            ACCOUNT,
            AMOUNT,
        ),
        st.builds(
            lambda n, w, v: (n, OPS, {"who": w, "value": v}),
            st.sampled_from(
                [
                    "Balances.reserve",
                    "Balances.unreserve",
                    "Balances.slash_reserved",
                    "Balances.deposit_creating",
                    "Balances.deposit_into_existing",
                ]
            ),
            ACCOUNT,
            AMOUNT,
        ),
        st.builds(
            lambda n, w, v: (n, OPS, {"who": w, "amount": v}),
            st.sampled_from(["Balances.mint_into", "Balances.burn_from"]),
            ACCOUNT,
            AMOUNT,
        ),
        st.builds(
            lambda w, v, k: ("Balances.withdraw", OPS, {"who": w, "value": v, "keep_alive": k}),
            ACCOUNT,
            AMOUNT,
            st.booleans(),
        ),
        st.builds(
            lambda s, t, v, st_: (
                "Balances.repatriate_reserved",
                OPS,
                {"slashed": s, "beneficiary": t, "value": v, "status": st_},
            ),
            ACCOUNT,
            ACCOUNT,
            AMOUNT,
            st.sampled_from(["Free", "Reserved"]),
        ),
        st.builds(
            lambda n, i, w, v, r: (n, OPS, {"lock_id": i, "who": w, "amount": v, "reasons": r}),
            st.sampled_from(["Balances.set_lock", "Balances.extend_lock"]),
            st.sampled_from([LOCK_A, LOCK_B]),
            ACCOUNT,
            AMOUNT,
            st.sampled_from(["Fee", "Misc", "All"]),
        ),
        st.builds(
            lambda i, w: ("Balances.remove_lock", OPS, {"lock_id": i, "who": w}),
            st.sampled_from([LOCK_A, LOCK_B]),
            ACCOUNT,
        ),
        st.builds(
            lambda o, d, v: ("Balances.transfer", o, {"dest": d, "value": v}),
            st.sampled_from([Root(), Unsigned(), OPS]),
            ACCOUNT,
            AMOUNT,
        ),
    )


CALL_SEQUENCES = st.lists(_call_strategy(), min_size=1, max_size=25)


def issuance_delta(
    before: ChainState, name: str, args: dict[str, Any], events: list[tuple[str, dict[str, Any]]]
) -> int:
    """How [BAL-2] says the issuance moves for a successful call, read off its events."""
    delta = 0
    for event, fields in events:
        if event in ("Balances.Minted", "Balances.Deposit"):
            delta += fields["amount"]
        elif event in (
            "Balances.Burned",
            "Balances.Slashed",
            "Balances.Withdraw",
            "Balances.DustLost",
        ):
            delta -= fields["amount"]
        elif event == "Balances.BalanceSet":
            delta += fields["free"] - data(before, fields["who"]).free
    return delta


def check_account_invariants(state: ChainState) -> None:
    for who, info in state.system.accounts.items():
        # [SYS-1] a stored record has a provider; [BAL-8] dust does not stay.
        assert info.providers >= 1
        assert info.data.free >= ED or info.data.reserved > 0
        # [BAL-3] reserves and frozen amounts hold a consumer.
        if info.data.reserved or info.data.frozen:
            assert info.consumers >= 1
        # [BAL-21] the frozen amount is the largest lock (or was never written).
        largest = max((lock.amount for lock in locks(state, who)), default=0)
        assert info.data.frozen in (0, largest)
        assert 0 <= info.data.free <= U128_MAX and 0 <= info.data.reserved <= U128_MAX


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls=CALL_SEQUENCES)
def test_conservation_and_atomicity(calls: list[tuple[str, Any, dict[str, Any]]]) -> None:
    """After every call: a rejection changes nothing (same digest, no events); a success moves
    the issuance exactly as [BAL-2] lists; the issuance equals the sum of all balances."""
    state = chain([(ALICE, 1000), (BOB, 1000), (CHARLIE, 20)])
    for name, origin, args in calls:
        before = state
        result = apply_call(before, origin, name, args)
        state = result.state
        events = [(e.name, dict(e.fields)) for e in result.events]
        if result.outcome != "ok":
            assert events == []
            assert digest(state) == digest(before)
            continue
        expected = total_issuance(before) + issuance_delta(before, name, args, events)
        assert total_issuance(state) == expected, (name, args, events)
        assert total_issuance(state) == held(state)
        check_account_invariants(state)


def _events_of(result_events: tuple[Event, ...]) -> list[str]:
    return [e.name for e in result_events]


@settings(max_examples=80, deadline=None)
@given(
    free=st.integers(ED, 5000),
    value=st.integers(0, 6000),
    dest_free=st.integers(0, 5000),
    keep_alive=st.booleans(),
)
def test_transfer_outcome_matches_the_rules(
    free: int, value: int, dest_free: int, keep_alive: bool
) -> None:
    """The outcome of a plain transfer (no locks, no reserves), computed from [BAL-5]/[BAL-7]."""
    balances = [(ALICE, free)] + ([(BOB, dest_free)] if dest_free >= ED else [])
    state = chain(balances)
    issuance = free + (dest_free if dest_free >= ED else 0)
    name = "Balances.transfer_keep_alive" if keep_alive else "Balances.transfer_allow_death"
    result = apply_call(state, Signed(ALICE), name, {"dest": BOB, "value": value})
    dest_has = dest_free if dest_free >= ED else 0
    if value == 0:
        expected = "ok"
    elif value > issuance:
        expected = "Arithmetic.Underflow"
    elif value > free:
        expected = "Token.FundsUnavailable"
    elif free - value < ED and keep_alive:
        expected = "Token.NotExpendable"
    elif dest_has + value < ED:
        expected = "Token.BelowMinimum"
    else:
        expected = "ok"
    assert result.outcome == expected
    if expected != "ok":
        return
    left = free - value
    dust = left if left < ED else 0
    assert free_balance(result.state, ALICE) == (left if left >= ED else 0)
    assert free_balance(result.state, BOB) == dest_has + (value if dest_has + value >= ED else 0)
    assert total_issuance(result.state) == issuance - dust
    evs = _events_of(result.events)
    assert evs[-1] == "Balances.Transfer"
    assert ("Balances.DustLost" in evs) is (dust > 0)
    assert ("System.KilledAccount" in evs) is (left < ED)
    assert ("System.NewAccount" in evs) is (dest_has == 0 and value >= ED)
