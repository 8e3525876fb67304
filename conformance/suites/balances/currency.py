"""Currency operations: ``withdraw`` [BAL-27], ``deposit_creating`` and
``deposit_into_existing`` [BAL-28]."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case
from phala_spec.conformance.suites.balances.common import (
    BOTH,
    DEPOSIT_CREATING,
    DEPOSIT_EXISTING,
    MINIMAL,
    SUITE,
    deposit,
    ev,
    expect,
    expect_issuance,
    lock,
    reserve,
    set_balance,
    setup,
    watch,
    withdraw,
)
from phala_spec.primitives.arith import U128_MAX

# --- withdraw [BAL-27] --------------------------------------------------------------------


@case(suite=SUITE, handler="withdraw", presets=BOTH, clauses=("BAL-27", "BAL-2"), block=1)
def withdraw_burns(b: CaseBuilder) -> None:
    """A withdrawal takes from the free balance and the total issuance."""
    a = setup(b)
    withdraw(
        b,
        a.alice,
        300 * a.u,
        True,
        events=[ev("Balances.Withdraw", who=a.alice, amount=300 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=700 * a.u)
    expect_issuance(b, 2700 * a.u)


@case(suite=SUITE, handler="withdraw", presets=BOTH, clauses=("BAL-27", "BAL-8"), block=1)
def withdraw_allow_death_reaps(b: CaseBuilder) -> None:
    """Withdraw comes first, then the reaping: Withdraw, KilledAccount, DustLost; the issuance falls
    by the value and the dust."""
    a = setup(b)
    withdraw(
        b,
        a.alice,
        995 * a.u,
        False,
        events=[
            ev("Balances.Withdraw", who=a.alice, amount=995 * a.u),
            ev("System.KilledAccount", account=a.alice),
            ev("Balances.DustLost", account=a.alice, amount=5 * a.u),
        ],
        observe=watch(a.alice),
    )
    expect(b, a.alice, exists=False)
    expect_issuance(b, 2000 * a.u)


@case(suite=SUITE, handler="withdraw", presets=BOTH, clauses=("BAL-27",), block=1)
def withdraw_keep_alive_refuses_to_kill(b: CaseBuilder) -> None:
    """Keep-alive and a remainder below the ED: Balances.Expendability."""
    a = setup(b)
    withdraw(b, a.alice, 995 * a.u, True, outcome="Balances.Expendability")


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-27",), block=1)
def withdraw_insufficient_beats_expendability(b: CaseBuilder) -> None:
    """More than the free balance, with keep-alive: Balances.InsufficientBalance is first."""
    a = setup(b)
    withdraw(b, a.alice, 1001 * a.u, True, outcome="Balances.InsufficientBalance")


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-16", "BAL-27"), block=1)
def withdraw_expendability_beats_liquidity(b: CaseBuilder) -> None:
    """Keep-alive broken and a 500u lock violated: Balances.Expendability is first."""
    a = setup(b)
    lock(b, a.alice, 500 * a.u)
    withdraw(b, a.alice, 995 * a.u, True, outcome="Balances.Expendability")
    withdraw(b, a.alice, 995 * a.u, False, outcome="Balances.LiquidityRestrictions")


@case(
    suite=SUITE, handler="withdraw", presets=BOTH, clauses=("BAL-16", "BAL-27", "BAL-21"), block=1
)
def withdraw_reserve_does_not_cover_lock(b: CaseBuilder) -> None:
    """Currency's check ignores the reserve: free 800u, reserved 200u, lock 800u; withdrawing 100u
    is Balances.LiquidityRestrictions although the total would still cover the lock."""
    a = setup(b)
    reserve(b, a.alice, 200 * a.u)
    lock(b, a.alice, 800 * a.u)
    withdraw(
        b,
        a.alice,
        100 * a.u,
        True,
        outcome="Balances.LiquidityRestrictions",
        observe=watch(a.alice),
    )


@case(
    suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-27", "BAL-3", "SYS-4"), block=1
)
def withdraw_with_reserve_cannot_reap(b: CaseBuilder) -> None:
    """Withdrawing all free balance of an account with a reserve: ConsumerRemaining."""
    a = setup(b)
    reserve(b, a.alice, 100 * a.u)
    withdraw(b, a.alice, 900 * a.u, False, outcome="ConsumerRemaining", observe=watch(a.alice))


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-27",), block=1)
def withdraw_zero(b: CaseBuilder) -> None:
    """Withdrawing zero does nothing, even from an account that does not exist."""
    a = setup(b)
    withdraw(b, a.dave, 0, True, events=[])


# --- deposit_creating / deposit_into_existing [BAL-28] ------------------------------------


@case(suite=SUITE, handler="deposit_creating", presets=BOTH, clauses=("BAL-28", "BAL-2"), block=1)
def deposit_creating_into_existing_account(b: CaseBuilder) -> None:
    """A deposit into a live account raises the balance and the issuance."""
    a = setup(b)
    deposit(
        b,
        DEPOSIT_CREATING,
        a.alice,
        500 * a.u,
        events=[ev("Balances.Deposit", who=a.alice, amount=500 * a.u)],
        observe=watch(a.alice),
    )
    expect_issuance(b, 3500 * a.u)


@case(suite=SUITE, handler="deposit_creating", presets=BOTH, clauses=("BAL-28", "SYS-3"), block=1)
def deposit_creating_new_account(b: CaseBuilder) -> None:
    """Deposit comes before the account's creation events: Deposit, NewAccount, Endowed."""
    a = setup(b)
    deposit(
        b,
        DEPOSIT_CREATING,
        a.dave,
        500 * a.u,
        events=[
            ev("Balances.Deposit", who=a.dave, amount=500 * a.u),
            ev("System.NewAccount", account=a.dave),
            ev("Balances.Endowed", account=a.dave, free_balance=500 * a.u),
        ],
        observe=watch(a.dave),
    )
    expect_issuance(b, 3500 * a.u)


@case(suite=SUITE, handler="deposit_creating", presets=BOTH, clauses=("BAL-28",), block=1)
def deposit_creating_below_ed_is_dropped(b: CaseBuilder) -> None:
    """Quirk: 5u into a fresh account is silently dropped: ok, no event, no account, no issuance."""
    a = setup(b)
    deposit(b, DEPOSIT_CREATING, a.dave, 5 * a.u, events=[], observe=watch(a.dave))
    expect(b, a.dave, exists=False)
    expect_issuance(b, 3000 * a.u)


@case(suite=SUITE, handler="deposit_creating", presets=MINIMAL, clauses=("BAL-28",), block=1)
def deposit_creating_small_amount_into_existing(b: CaseBuilder) -> None:
    """Below the ED is fine for an account that exists."""
    a = setup(b)
    deposit(b, DEPOSIT_CREATING, a.alice, 5 * a.u, events=[ev("Balances.Deposit", amount=5 * a.u)])
    expect(b, a.alice, free=1005 * a.u)


@case(suite=SUITE, handler="deposit_creating", presets=MINIMAL, clauses=("BAL-28",), block=1)
def deposit_creating_overflow_is_dropped(b: CaseBuilder) -> None:
    """Quirk: a deposit that would overflow the balance is silently dropped."""
    a = setup(b)
    deposit(b, DEPOSIT_CREATING, a.alice, U128_MAX, events=[], observe=watch(a.alice))
    expect(b, a.alice, free=1000 * a.u)
    expect_issuance(b, 3000 * a.u)


@case(
    suite=SUITE, handler="deposit_into_existing", presets=BOTH, clauses=("BAL-28", "BAL-2"), block=1
)
def deposit_into_existing_account(b: CaseBuilder) -> None:
    """A deposit into a live account raises the balance and the issuance."""
    a = setup(b)
    deposit(
        b,
        DEPOSIT_EXISTING,
        a.alice,
        500 * a.u,
        events=[ev("Balances.Deposit", who=a.alice, amount=500 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1500 * a.u)
    expect_issuance(b, 3500 * a.u)


@case(suite=SUITE, handler="deposit_into_existing", presets=BOTH, clauses=("BAL-28",), block=1)
def deposit_into_dead_account_fails(b: CaseBuilder) -> None:
    """deposit_into_existing refuses an account with no balance: Balances.DeadAccount."""
    a = setup(b)
    deposit(b, DEPOSIT_EXISTING, a.dave, 500 * a.u, outcome="Balances.DeadAccount")


@case(suite=SUITE, handler="deposit_into_existing", presets=MINIMAL, clauses=("BAL-28",), block=1)
def deposit_into_existing_overflow(b: CaseBuilder) -> None:
    """A deposit that would overflow the balance: Arithmetic.Overflow (not dropped here)."""
    a = setup(b)
    deposit(b, DEPOSIT_EXISTING, a.alice, U128_MAX, outcome="Arithmetic.Overflow")


@case(suite=SUITE, handler="deposit_into_existing", presets=MINIMAL, clauses=("BAL-28",), block=1)
def deposit_zero_into_dead_account_is_ok(b: CaseBuilder) -> None:
    """Zero returns before the existence check: ok, no event."""
    a = setup(b)
    deposit(b, DEPOSIT_EXISTING, a.dave, 0, events=[])


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-27",), block=1)
def withdraw_keep_alive_down_to_ed(b: CaseBuilder) -> None:
    """Keep-alive allows a remainder of exactly the ED: withdrawing 990u of 1000u is ok."""
    a = setup(b)
    withdraw(
        b,
        a.alice,
        990 * a.u,
        True,
        events=[ev("Balances.Withdraw", who=a.alice, amount=990 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=a.ed)
    expect_issuance(b, 2010 * a.u)


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-27", "BAL-8"), block=1)
def withdraw_keep_alive_from_exactly_ed(b: CaseBuilder) -> None:
    """An account holding exactly the ED is alive: withdrawing one planck with keep-alive is
    Balances.Expendability; without it the account is reaped and the rest is dust."""
    a = setup(b)
    set_balance(b, a.alice, a.ed)
    withdraw(b, a.alice, 1, True, outcome="Balances.Expendability", observe=watch(a.alice))
    withdraw(
        b,
        a.alice,
        1,
        False,
        events=[
            ev("Balances.Withdraw", who=a.alice, amount=1),
            ev("System.KilledAccount", account=a.alice),
            ev("Balances.DustLost", account=a.alice, amount=a.ed - 1),
        ],
        observe=watch(a.alice),
    )
    expect(b, a.alice, exists=False)
    expect_issuance(b, 2000 * a.u)


@case(
    suite=SUITE, handler="deposit_creating", presets=MINIMAL, clauses=("BAL-28", "SYS-3"), block=1
)
def deposit_creating_exactly_ed_into_new_account(b: CaseBuilder) -> None:
    """Exactly the ED into a fresh account is enough to create it."""
    a = setup(b)
    deposit(
        b,
        DEPOSIT_CREATING,
        a.dave,
        a.ed,
        events=[
            ev("Balances.Deposit", who=a.dave, amount=a.ed),
            ev("System.NewAccount", account=a.dave),
            ev("Balances.Endowed", account=a.dave, free_balance=a.ed),
        ],
        observe=watch(a.dave),
    )
    expect_issuance(b, 3000 * a.u + a.ed)


@case(suite=SUITE, handler="deposit_creating", presets=MINIMAL, clauses=("BAL-28",), block=1)
def deposit_creating_up_to_max_balance(b: CaseBuilder) -> None:
    """A balance may reach 2^128-1 exactly (the issuance saturates); one planck more is silently
    dropped."""
    a = setup(b)
    headroom = U128_MAX - 1000 * a.u
    deposit(
        b,
        DEPOSIT_CREATING,
        a.alice,
        headroom,
        events=[ev("Balances.Deposit", who=a.alice, amount=headroom)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=U128_MAX)
    expect_issuance(b, U128_MAX)
    deposit(b, DEPOSIT_CREATING, a.alice, 1, events=[], observe=watch(a.alice))


@case(suite=SUITE, handler="deposit_creating", presets=MINIMAL, clauses=("BAL-28",), block=1)
def deposit_creating_zero_and_one_planck(b: CaseBuilder) -> None:
    """Zero into a live account does nothing (no Deposit event); one planck is deposited."""
    a = setup(b)
    deposit(b, DEPOSIT_CREATING, a.alice, 0, events=[], observe=watch(a.alice))
    deposit(
        b,
        DEPOSIT_CREATING,
        a.alice,
        1,
        events=[ev("Balances.Deposit", who=a.alice, amount=1)],
        observe=watch(a.alice),
    )
    expect_issuance(b, 3000 * a.u + 1)


@case(suite=SUITE, handler="deposit_into_existing", presets=MINIMAL, clauses=("BAL-28",), block=1)
def deposit_into_existing_up_to_max_balance(b: CaseBuilder) -> None:
    """A balance may reach 2^128-1 exactly; one planck more is Arithmetic.Overflow."""
    a = setup(b)
    headroom = U128_MAX - 1000 * a.u
    deposit(
        b,
        DEPOSIT_EXISTING,
        a.alice,
        headroom,
        events=[ev("Balances.Deposit", who=a.alice, amount=headroom)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=U128_MAX)
    deposit(b, DEPOSIT_EXISTING, a.alice, 1, outcome="Arithmetic.Overflow")


@case(suite=SUITE, handler="deposit_into_existing", presets=MINIMAL, clauses=("BAL-28",), block=1)
def deposit_into_existing_zero_and_one_planck(b: CaseBuilder) -> None:
    """Zero into a live account does nothing (no Deposit event); one planck is deposited."""
    a = setup(b)
    deposit(b, DEPOSIT_EXISTING, a.alice, 0, events=[], observe=watch(a.alice))
    deposit(
        b,
        DEPOSIT_EXISTING,
        a.alice,
        1,
        events=[ev("Balances.Deposit", who=a.alice, amount=1)],
        observe=watch(a.alice),
    )
    expect_issuance(b, 3000 * a.u + 1)
