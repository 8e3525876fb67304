"""Minting and burning: ``mint_into`` [BAL-25] and ``burn_from`` [BAL-26]."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case
from phala_spec.conformance.suites.balances.common import (
    BOTH,
    MINIMAL,
    SUITE,
    burn,
    ev,
    expect,
    expect_issuance,
    lock,
    mint,
    reserve,
    set_balance,
    setup,
    watch,
)
from phala_spec.primitives.arith import U128_MAX

# --- mint_into [BAL-25] -------------------------------------------------------------------


@case(suite=SUITE, handler="mint_into", presets=BOTH, clauses=("BAL-25", "BAL-2"), block=1)
def mint_into_existing_account(b: CaseBuilder) -> None:
    """Minting raises the balance and the total issuance."""
    a = setup(b)
    mint(
        b,
        a.alice,
        500 * a.u,
        events=[ev("Balances.Minted", who=a.alice, amount=500 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1500 * a.u)
    expect_issuance(b, 3500 * a.u)


@case(suite=SUITE, handler="mint_into", presets=MINIMAL, clauses=("BAL-25", "SYS-3"), block=1)
def mint_into_creates_account(b: CaseBuilder) -> None:
    """Minting into a fresh account creates it: NewAccount, Endowed, Minted."""
    a = setup(b)
    mint(
        b,
        a.dave,
        500 * a.u,
        events=[
            ev("System.NewAccount", account=a.dave),
            ev("Balances.Endowed", account=a.dave, free_balance=500 * a.u),
            ev("Balances.Minted", who=a.dave, amount=500 * a.u),
        ],
        observe=watch(a.dave),
    )
    expect_issuance(b, 3500 * a.u)


@case(suite=SUITE, handler="mint_into", presets=BOTH, clauses=("BAL-25", "BAL-6"), block=1)
def mint_below_ed_into_new_account_fails(b: CaseBuilder) -> None:
    """Minting less than the ED into a fresh account: Token.BelowMinimum."""
    a = setup(b)
    mint(b, a.dave, 5 * a.u, outcome="Token.BelowMinimum")


@case(suite=SUITE, handler="mint_into", presets=MINIMAL, clauses=("BAL-25",), block=1)
def mint_overflowing_issuance_fails(b: CaseBuilder) -> None:
    """Minting 2^128-1 on top of a positive issuance: Arithmetic.Overflow."""
    a = setup(b)
    mint(b, a.alice, U128_MAX, outcome="Arithmetic.Overflow")


@case(suite=SUITE, handler="mint_into", presets=MINIMAL, clauses=("BAL-25", "BAL-14"), block=1)
def mint_issuance_overflow_beats_below_minimum(b: CaseBuilder) -> None:
    """With the issuance saturated, minting 5u into a fresh account is Arithmetic.Overflow (the
    issuance is checked before the ED)."""
    a = setup(b)
    set_balance(b, a.bob, U128_MAX)
    expect_issuance(b, U128_MAX)
    mint(b, a.dave, 5 * a.u, outcome="Arithmetic.Overflow")


@case(suite=SUITE, handler="mint_into", presets=MINIMAL, clauses=("BAL-25", "BAL-6"), block=1)
def mint_zero(b: CaseBuilder) -> None:
    """Minting zero into a live account emits Minted 0; into a fresh account it is
    Token.BelowMinimum (0 is below the ED)."""
    a = setup(b)
    mint(b, a.alice, 0, events=[ev("Balances.Minted", who=a.alice, amount=0)])
    mint(b, a.dave, 0, outcome="Token.BelowMinimum")
    expect_issuance(b, 3000 * a.u)


# --- burn_from [BAL-26] -------------------------------------------------------------------


@case(suite=SUITE, handler="burn_from", presets=BOTH, clauses=("BAL-26", "BAL-2"), block=1)
def burn_from_account(b: CaseBuilder) -> None:
    """Burning lowers the balance and the total issuance."""
    a = setup(b)
    burn(
        b,
        a.alice,
        300 * a.u,
        events=[ev("Balances.Burned", who=a.alice, amount=300 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=700 * a.u)
    expect_issuance(b, 2700 * a.u)


@case(suite=SUITE, handler="burn_from", presets=BOTH, clauses=("BAL-26", "BAL-8"), block=1)
def burn_may_reap_and_burn_dust(b: CaseBuilder) -> None:
    """Burning 995u reaps alice; the 5u of dust are burnt too: the issuance falls by 1000u."""
    a = setup(b)
    burn(
        b,
        a.alice,
        995 * a.u,
        events=[
            ev("System.KilledAccount", account=a.alice),
            ev("Balances.DustLost", account=a.alice, amount=5 * a.u),
            ev("Balances.Burned", who=a.alice, amount=995 * a.u),
        ],
        observe=watch(a.alice),
    )
    expect(b, a.alice, exists=False)
    expect_issuance(b, 2000 * a.u)


@case(suite=SUITE, handler="burn_from", presets=MINIMAL, clauses=("BAL-26",), block=1)
def burn_more_than_free_fails(b: CaseBuilder) -> None:
    """Burning more than the balance: Token.FundsUnavailable."""
    a = setup(b)
    burn(b, a.alice, 1001 * a.u, outcome="Token.FundsUnavailable")


@case(
    suite=SUITE,
    handler="burn_from",
    presets=MINIMAL,
    clauses=("BAL-26", "BAL-4", "BAL-21"),
    block=1,
)
def burn_respects_locks(b: CaseBuilder) -> None:
    """Burning is polite: under a 300u lock only 700u can go (800u is Token.FundsUnavailable)."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u)
    burn(b, a.alice, 800 * a.u, outcome="Token.FundsUnavailable")
    burn(
        b,
        a.alice,
        700 * a.u,
        events=[ev("Balances.Burned", amount=700 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=300 * a.u)


@case(
    suite=SUITE, handler="burn_from", presets=MINIMAL, clauses=("BAL-26", "BAL-4", "SYS-2"), block=1
)
def burn_with_reserve_keeps_ed(b: CaseBuilder) -> None:
    """An account with a reserve must keep the ED: of 700u free only 690u can be burnt."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    burn(b, a.alice, 700 * a.u, outcome="Token.FundsUnavailable")
    burn(
        b,
        a.alice,
        690 * a.u,
        events=[ev("Balances.Burned", amount=690 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=a.ed, reserved=300 * a.u)


@case(suite=SUITE, handler="burn_from", presets=MINIMAL, clauses=("BAL-26", "BAL-14"), block=1)
def burn_issuance_underflow_reports_overflow(b: CaseBuilder) -> None:
    """Quirk: once bob holds more than the whole issuance, burning more than the issuance fails
    with Arithmetic.Overflow (production's label for this underflow)."""
    a = setup(b)
    set_balance(b, a.bob, U128_MAX)
    set_balance(b, a.alice, 0)
    expect_issuance(b, U128_MAX - 1000 * a.u)
    burn(b, a.bob, U128_MAX - 500 * a.u, outcome="Arithmetic.Overflow", observe=watch(a.bob))


@case(suite=SUITE, handler="burn_from", presets=MINIMAL, clauses=("BAL-26",), block=1)
def burn_zero(b: CaseBuilder) -> None:
    """Burning zero emits Burned 0 and changes nothing."""
    a = setup(b)
    burn(b, a.alice, 0, events=[ev("Balances.Burned", who=a.alice, amount=0)])
    expect_issuance(b, 3000 * a.u)


@case(suite=SUITE, handler="mint_into", presets=MINIMAL, clauses=("BAL-25", "BAL-2"), block=1)
def mint_up_to_max_issuance(b: CaseBuilder) -> None:
    """The issuance may reach 2^128-1 exactly: minting the headroom is ok, one more planck is
    Arithmetic.Overflow."""
    a = setup(b)
    headroom = U128_MAX - 3000 * a.u
    mint(
        b,
        a.alice,
        headroom,
        events=[ev("Balances.Minted", who=a.alice, amount=headroom)],
        observe=watch(a.alice),
    )
    expect_issuance(b, U128_MAX)
    mint(b, a.bob, 1, outcome="Arithmetic.Overflow")


@case(
    suite=SUITE,
    handler="burn_from",
    presets=MINIMAL,
    clauses=("BAL-26", "BAL-14", "BAL-21"),
    block=1,
)
def burn_funds_unavailable_beats_issuance_underflow(b: CaseBuilder) -> None:
    """Precedence: bob holds more than the issuance and a 100u lock; burning 2^128-1 fails both the
    polite reducible check and the issuance check: Token.FundsUnavailable (checked first)."""
    a = setup(b)
    set_balance(b, a.bob, U128_MAX)
    set_balance(b, a.alice, 0)
    lock(b, a.bob, 100 * a.u)
    expect_issuance(b, U128_MAX - 1000 * a.u)
    burn(b, a.bob, U128_MAX, outcome="Token.FundsUnavailable", observe=watch(a.bob))
