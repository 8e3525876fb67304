"""Reserves (ReservableCurrency): ``reserve``, ``unreserve``, ``slash_reserved`` and
``repatriate_reserved`` [BAL-16]..[BAL-20]."""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case
from phala_spec.conformance.suites.balances.common import (
    BOTH,
    MINIMAL,
    OPS,
    REPATRIATE,
    SLASH,
    SUITE,
    UNRESERVE,
    Expected,
    do,
    ev,
    expect,
    expect_issuance,
    lock,
    reserve,
    set_balance,
    setup,
    watch,
)
from phala_spec.primitives.arith import U128_MAX

# --- reserve [BAL-16] [BAL-17] ------------------------------------------------------------


@case(suite=SUITE, handler="reserve", presets=BOTH, clauses=("BAL-17", "SYS-5"), block=1)
def reserve_moves_free_to_reserved(b: CaseBuilder) -> None:
    """Reserving moves free to reserved, takes one consumer and leaves the issuance alone."""
    a = setup(b)
    reserve(
        b,
        a.alice,
        300 * a.u,
        events=[ev("Balances.Reserved", who=a.alice, amount=300 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=700 * a.u, reserved=300 * a.u, consumers=1, providers=1)
    expect_issuance(b, 3000 * a.u)


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17",), block=1)
def reserve_more_than_free(b: CaseBuilder) -> None:
    """Reserving more than the free balance: Balances.InsufficientBalance."""
    a = setup(b)
    reserve(b, a.alice, 1001 * a.u, outcome="Balances.InsufficientBalance")


@case(suite=SUITE, handler="reserve", presets=BOTH, clauses=("BAL-17", "BAL-3", "SYS-4"), block=1)
def reserve_leaving_dust_is_refused(b: CaseBuilder) -> None:
    """Reserving all but 5u would drop the provider of an account that now has a consumer:
    ConsumerRemaining."""
    a = setup(b)
    reserve(b, a.alice, 995 * a.u, outcome="ConsumerRemaining", observe=watch(a.alice))


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17", "BAL-3"), block=1)
def reserve_of_the_whole_free_balance(b: CaseBuilder) -> None:
    """Reserving exactly the free balance passes the balance check (free >= value) and fails
    later, like any reserve that leaves less than the ED: ConsumerRemaining, not
    InsufficientBalance."""
    a = setup(b)
    reserve(b, a.alice, 1000 * a.u, outcome="ConsumerRemaining", observe=watch(a.alice))


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17", "BAL-14"), block=1)
def reserve_up_to_u128_max(b: CaseBuilder) -> None:
    """A reserve may reach exactly 2^128-1: bob, set to 2^128-1 free with 100u reserved, reserves
    2^128-1 - 100u more."""
    a = setup(b)
    reserve(b, a.bob, 100 * a.u)
    set_balance(b, a.bob, U128_MAX)
    reserve(b, a.bob, U128_MAX - 100 * a.u, observe=watch(a.bob))
    expect(b, a.bob, free=100 * a.u, reserved=U128_MAX)


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17",), block=1)
def reserve_down_to_ed(b: CaseBuilder) -> None:
    """Reserving all but the ED is fine."""
    a = setup(b)
    reserve(b, a.alice, 990 * a.u, events=["Balances.Reserved"], observe=watch(a.alice))
    expect(b, a.alice, free=a.ed, reserved=990 * a.u)


@case(suite=SUITE, handler="reserve", presets=BOTH, clauses=("BAL-16", "BAL-17", "BAL-21"), block=1)
def reserve_blocked_by_lock(b: CaseBuilder) -> None:
    """Currency's check: the new *free* balance must cover the lock. Reserving 600u under a 500u
    lock is Balances.LiquidityRestrictions although the total balance would not change."""
    a = setup(b)
    lock(b, a.alice, 500 * a.u)
    reserve(b, a.alice, 600 * a.u, outcome="Balances.LiquidityRestrictions")
    reserve(b, a.alice, 500 * a.u, events=["Balances.Reserved"], observe=watch(a.alice))
    expect(b, a.alice, free=500 * a.u, reserved=500 * a.u, frozen=500 * a.u)


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-16", "BAL-17"), block=1)
def reserve_insufficient_beats_liquidity(b: CaseBuilder) -> None:
    """Too much and against a lock: Balances.InsufficientBalance is checked first."""
    a = setup(b)
    lock(b, a.alice, 500 * a.u)
    reserve(b, a.alice, 1200 * a.u, outcome="Balances.InsufficientBalance")


@case(
    suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-16", "BAL-17", "SYS-4"), block=1
)
def reserve_liquidity_beats_consumer_remaining(b: CaseBuilder) -> None:
    """Leaving 5u under a 100u lock: the lock check (LiquidityRestrictions) comes before the
    reference-count bookkeeping (ConsumerRemaining)."""
    a = setup(b)
    lock(b, a.alice, 100 * a.u)
    reserve(b, a.alice, 995 * a.u, outcome="Balances.LiquidityRestrictions")


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17",), block=1)
def reserve_zero_is_a_noop(b: CaseBuilder) -> None:
    """Reserving zero does nothing and emits nothing, even for an account that does not exist."""
    a = setup(b)
    reserve(b, a.dave, 0, events=[], observe=watch(a.dave))
    expect(b, a.dave, exists=False)


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17", "SYS-5"), block=1)
def reserve_too_many_consumers(b: CaseBuilder) -> None:
    """With max_consumers 0 a reserve cannot take its consumer: TooManyConsumers."""
    a = setup(b, config={"max_consumers": 0})
    reserve(b, a.alice, 300 * a.u, outcome="TooManyConsumers", observe=watch(a.alice))


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17", "BAL-14"), block=1)
def reserve_overflow(b: CaseBuilder) -> None:
    """force_set_balance does not bound free + reserved, so a reserve can overflow: with 100u
    reserved and 2^128-1 free, reserving 2^128-1 - 50u is Arithmetic.Overflow (checked after the
    free balance and before the locks)."""
    a = setup(b)
    reserve(b, a.bob, 100 * a.u)
    set_balance(b, a.bob, U128_MAX)
    lock(b, a.bob, U128_MAX)
    reserve(b, a.bob, U128_MAX - 50 * a.u, outcome="Arithmetic.Overflow", observe=watch(a.bob))


# --- unreserve [BAL-18] -------------------------------------------------------------------


@case(suite=SUITE, handler="unreserve", presets=BOTH, clauses=("BAL-18",), block=1)
def unreserve_part(b: CaseBuilder) -> None:
    """Unreserve 100u of 300u; nothing is left over (returned 0)."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        UNRESERVE,
        {"who": a.alice, "value": 100 * a.u},
        OPS,
        events=[ev("Balances.Unreserved", who=a.alice, amount=100 * a.u)],
        returned=0,
        check_returned=True,
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=800 * a.u, reserved=200 * a.u, consumers=1)


@case(suite=SUITE, handler="unreserve", presets=MINIMAL, clauses=("BAL-18", "SYS-5"), block=1)
def unreserve_everything_releases_consumer(b: CaseBuilder) -> None:
    """Asking for 1000u of a 300u reserve unreserves 300u, returns 700u, drops the consumer."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        UNRESERVE,
        {"who": a.alice, "value": 1000 * a.u},
        OPS,
        events=[ev("Balances.Unreserved", who=a.alice, amount=300 * a.u)],
        returned=700 * a.u,
        check_returned=True,
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1000 * a.u, reserved=0, consumers=0)


@case(suite=SUITE, handler="unreserve", presets=MINIMAL, clauses=("BAL-18",), block=1)
def unreserve_without_reserve_emits_zero_event(b: CaseBuilder) -> None:
    """Quirk: Unreserved with amount 0 when nothing is reserved; all of the value is returned."""
    a = setup(b)
    do(
        b,
        UNRESERVE,
        {"who": a.alice, "value": 100 * a.u},
        OPS,
        events=[ev("Balances.Unreserved", who=a.alice, amount=0)],
        returned=100 * a.u,
        check_returned=True,
    )


@case(suite=SUITE, handler="unreserve", presets=MINIMAL, clauses=("BAL-18",), block=1)
def unreserve_unknown_account(b: CaseBuilder) -> None:
    """No balance at all: no event, the whole value is returned."""
    a = setup(b)
    do(
        b,
        UNRESERVE,
        {"who": a.dave, "value": 100 * a.u},
        OPS,
        events=[],
        returned=100 * a.u,
        check_returned=True,
        observe=watch(a.dave),
    )


@case(suite=SUITE, handler="unreserve", presets=MINIMAL, clauses=("BAL-18",), block=1)
def unreserve_zero(b: CaseBuilder) -> None:
    """Unreserving zero does nothing and returns 0."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(b, UNRESERVE, {"who": a.alice, "value": 0}, OPS, events=[], returned=0, check_returned=True)


# --- slash_reserved [BAL-19] --------------------------------------------------------------


@case(suite=SUITE, handler="slash_reserved", presets=BOTH, clauses=("BAL-19", "BAL-2"), block=1)
def slash_part_of_reserve(b: CaseBuilder) -> None:
    """Slashing 100u of a 300u reserve burns it from the total issuance."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        SLASH,
        {"who": a.alice, "value": 100 * a.u},
        OPS,
        events=[ev("Balances.Slashed", who=a.alice, amount=100 * a.u)],
        returned=0,
        check_returned=True,
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=700 * a.u, reserved=200 * a.u)
    expect_issuance(b, 2900 * a.u)


@case(
    suite=SUITE,
    handler="slash_reserved",
    presets=MINIMAL,
    clauses=("BAL-19", "BAL-2", "SYS-5"),
    block=1,
)
def slash_more_than_reserved(b: CaseBuilder) -> None:
    """Slashing 500u of a 300u reserve burns 300u, returns 200u and drops the consumer."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        SLASH,
        {"who": a.alice, "value": 500 * a.u},
        OPS,
        events=[ev("Balances.Slashed", who=a.alice, amount=300 * a.u)],
        returned=200 * a.u,
        check_returned=True,
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=700 * a.u, reserved=0, consumers=0)
    expect_issuance(b, 2700 * a.u)


@case(suite=SUITE, handler="slash_reserved", presets=MINIMAL, clauses=("BAL-19",), block=1)
def slash_without_reserve(b: CaseBuilder) -> None:
    """Nothing reserved: Slashed with amount 0, the whole value returned, free untouched."""
    a = setup(b)
    do(
        b,
        SLASH,
        {"who": a.alice, "value": 100 * a.u},
        OPS,
        events=[ev("Balances.Slashed", who=a.alice, amount=0)],
        returned=100 * a.u,
        check_returned=True,
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1000 * a.u)
    expect_issuance(b, 3000 * a.u)


@case(suite=SUITE, handler="slash_reserved", presets=MINIMAL, clauses=("BAL-19",), block=1)
def slash_zero(b: CaseBuilder) -> None:
    """Slashing 0 from an account with a reserve does nothing: no event, 0 returned."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        SLASH,
        {"who": a.alice, "value": 0},
        OPS,
        events=[],
        returned=0,
        check_returned=True,
        observe=watch(a.alice),
    )


@case(suite=SUITE, handler="slash_reserved", presets=MINIMAL, clauses=("BAL-19",), block=1)
def slash_unknown_account(b: CaseBuilder) -> None:
    """No balance at all: no event, the whole value returned."""
    a = setup(b)
    do(
        b,
        SLASH,
        {"who": a.dave, "value": 100 * a.u},
        OPS,
        events=[],
        returned=100 * a.u,
        check_returned=True,
    )


@case(suite=SUITE, handler="slash_reserved", presets=MINIMAL, clauses=("BAL-19", "BAL-21"), block=1)
def slash_ignores_locks(b: CaseBuilder) -> None:
    """Slashing ignores locks: the whole reserve goes even though the total falls below the lock."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    lock(b, a.alice, 900 * a.u)
    do(
        b,
        SLASH,
        {"who": a.alice, "value": 300 * a.u},
        OPS,
        events=[ev("Balances.Slashed", amount=300 * a.u)],
        returned=0,
        check_returned=True,
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=700 * a.u, reserved=0, frozen=900 * a.u)


# --- repatriate_reserved [BAL-20] ---------------------------------------------------------


def repatriate(
    b: CaseBuilder, slashed: bytes, beneficiary: bytes, value: int, status: str, **kw: Any
) -> None:
    do(
        b,
        REPATRIATE,
        {"slashed": slashed, "beneficiary": beneficiary, "value": value, "status": status},
        OPS,
        **kw,
    )


def repatriated(source: bytes, dest: bytes, amount: int, status: str) -> Expected:
    return ev(
        "Balances.ReserveRepatriated",
        **{"from": source, "to": dest, "amount": amount, "destination_status": status},
    )


@case(suite=SUITE, handler="repatriate_reserved", presets=BOTH, clauses=("BAL-20",), block=1)
def repatriate_to_free_balance(b: CaseBuilder) -> None:
    """200u of alice's reserve become bob's free balance."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    repatriate(
        b,
        a.alice,
        a.bob,
        200 * a.u,
        "Free",
        events=[repatriated(a.alice, a.bob, 200 * a.u, "Free")],
        returned=0,
        check_returned=True,
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, free=700 * a.u, reserved=100 * a.u)
    expect(b, a.bob, free=1200 * a.u, reserved=0)
    expect_issuance(b, 3000 * a.u)


@case(
    suite=SUITE, handler="repatriate_reserved", presets=BOTH, clauses=("BAL-20", "SYS-5"), block=1
)
def repatriate_to_reserved_balance(b: CaseBuilder) -> None:
    """Into bob's reserved balance: bob takes a consumer."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    repatriate(
        b,
        a.alice,
        a.bob,
        200 * a.u,
        "Reserved",
        events=[repatriated(a.alice, a.bob, 200 * a.u, "Reserved")],
        returned=0,
        check_returned=True,
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.bob, free=1000 * a.u, reserved=200 * a.u, consumers=1)


@case(
    suite=SUITE,
    handler="repatriate_reserved",
    presets=MINIMAL,
    clauses=("BAL-20", "SYS-5"),
    block=1,
)
def repatriate_more_than_reserved(b: CaseBuilder) -> None:
    """Asking for 500u of a 300u reserve moves 300u and returns 200u; alice loses her consumer."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    repatriate(
        b,
        a.alice,
        a.bob,
        500 * a.u,
        "Free",
        events=[repatriated(a.alice, a.bob, 300 * a.u, "Free")],
        returned=200 * a.u,
        check_returned=True,
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, reserved=0, consumers=0)


@case(suite=SUITE, handler="repatriate_reserved", presets=BOTH, clauses=("BAL-20",), block=1)
def repatriate_to_dead_account(b: CaseBuilder) -> None:
    """The beneficiary must exist: Balances.DeadAccount."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    repatriate(b, a.alice, a.dave, 200 * a.u, "Free", outcome="Balances.DeadAccount")


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20",), block=1)
def repatriate_dead_account_checked_even_if_nothing_moves(b: CaseBuilder) -> None:
    """With nothing reserved there is nothing to move, yet a dead beneficiary is still refused."""
    a = setup(b)
    repatriate(b, a.alice, a.dave, 100 * a.u, "Reserved", outcome="Balances.DeadAccount")


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20",), block=1)
def repatriate_zero_to_dead_account_is_ok(b: CaseBuilder) -> None:
    """A zero value returns before any check: ok, no event, even to a dead beneficiary."""
    a = setup(b)
    repatriate(b, a.alice, a.dave, 0, "Free", events=[], returned=0, check_returned=True)


@case(
    suite=SUITE,
    handler="repatriate_reserved",
    presets=MINIMAL,
    clauses=("BAL-20", "BAL-14"),
    block=1,
)
def repatriate_overflow_free(b: CaseBuilder) -> None:
    """A beneficiary free balance that would pass 2^128-1: Arithmetic.Overflow (after the
    DeadAccount check)."""
    a = setup(b)
    set_balance(b, a.bob, U128_MAX - 5 * a.u)
    reserve(b, a.alice, 100 * a.u)
    repatriate(b, a.alice, a.bob, 100 * a.u, "Free", outcome="Arithmetic.Overflow")


@case(
    suite=SUITE,
    handler="repatriate_reserved",
    presets=MINIMAL,
    clauses=("BAL-20", "BAL-14"),
    block=1,
)
def repatriate_overflow_reserved(b: CaseBuilder) -> None:
    """A beneficiary reserve that would pass 2^128-1: Arithmetic.Overflow."""
    a = setup(b)
    set_balance(b, a.bob, U128_MAX)
    reserve(b, a.bob, U128_MAX - 50 * a.u)
    reserve(b, a.alice, 100 * a.u)
    repatriate(b, a.alice, a.bob, 100 * a.u, "Reserved", outcome="Arithmetic.Overflow")


@case(
    suite=SUITE,
    handler="repatriate_reserved",
    presets=MINIMAL,
    clauses=("BAL-20", "BAL-14"),
    block=1,
)
def repatriate_up_to_u128_max(b: CaseBuilder) -> None:
    """A beneficiary may reach exactly 2^128-1: bob's free balance (2^128-1 - 100u) takes 100u of
    alice's reserve into free; then, with 2^128-1 - 100u reserved, another 100u into reserved."""
    a = setup(b)
    set_balance(b, a.bob, U128_MAX - 100 * a.u)
    reserve(b, a.alice, 300 * a.u)
    repatriate(b, a.alice, a.bob, 100 * a.u, "Free", observe=watch(a.bob))
    expect(b, a.bob, free=U128_MAX)
    reserve(b, a.bob, U128_MAX - 100 * a.u)
    repatriate(b, a.alice, a.bob, 100 * a.u, "Reserved", observe=watch(a.bob))
    expect(b, a.bob, free=100 * a.u, reserved=U128_MAX)


@case(
    suite=SUITE, handler="repatriate_reserved", presets=BOTH, clauses=("BAL-20", "BAL-21"), block=1
)
def repatriate_keeps_frozen_part(b: CaseBuilder) -> None:
    """Free 700u, reserved 300u, lock 900u: only 300u - (900u - 700u) = 100u of the reserve can
    move; 200u are returned."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    lock(b, a.alice, 900 * a.u)
    repatriate(
        b,
        a.alice,
        a.bob,
        300 * a.u,
        "Free",
        events=[repatriated(a.alice, a.bob, 100 * a.u, "Free")],
        returned=200 * a.u,
        check_returned=True,
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, free=700 * a.u, reserved=200 * a.u, frozen=900 * a.u)


@case(
    suite=SUITE,
    handler="repatriate_reserved",
    presets=MINIMAL,
    clauses=("BAL-18", "BAL-20"),
    block=1,
)
def repatriate_to_self_free_unreserves(b: CaseBuilder) -> None:
    """To oneself into free balance is an unreserve: Unreserved, no ReserveRepatriated."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    repatriate(
        b,
        a.alice,
        a.alice,
        100 * a.u,
        "Free",
        events=[ev("Balances.Unreserved", who=a.alice, amount=100 * a.u)],
        returned=0,
        check_returned=True,
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=800 * a.u, reserved=200 * a.u)


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20",), block=1)
def repatriate_to_self_reserved_is_noop(b: CaseBuilder) -> None:
    """To oneself into reserved balance changes nothing and emits nothing."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    repatriate(
        b,
        a.alice,
        a.alice,
        100 * a.u,
        "Reserved",
        events=[],
        returned=0,
        check_returned=True,
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=700 * a.u, reserved=300 * a.u)


@case(
    suite=SUITE,
    handler="repatriate_reserved",
    presets=MINIMAL,
    clauses=("BAL-20", "BAL-3"),
    block=1,
)
def repatriate_from_empty_account_endows_zero(b: CaseBuilder) -> None:
    """Quirk: from an account with no balance, 0 moves; the source gets Endowed 0 and the
    ReserveRepatriated event reports 0; the whole value is returned."""
    a = setup(b)
    repatriate(
        b,
        a.dave,
        a.bob,
        100 * a.u,
        "Free",
        events=[
            ev("Balances.Endowed", account=a.dave, free_balance=0),
            repatriated(a.dave, a.bob, 0, "Free"),
        ],
        returned=100 * a.u,
        check_returned=True,
        observe=watch(a.dave, a.bob),
    )
    expect(b, a.dave, exists=False)
