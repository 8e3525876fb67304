"""Root calls: ``force_transfer`` [BAL-12], ``force_set_balance`` [BAL-14] and
``force_unreserve`` [BAL-15]."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.conformance.suites.balances.common import (
    BOTH,
    FORCE_TRANSFER,
    FORCE_UNRESERVE,
    MINIMAL,
    SET_BALANCE,
    SUITE,
    do,
    ev,
    expect,
    expect_issuance,
    lock,
    reserve,
    set_balance,
    setup,
    tr,
    watch,
)
from phala_spec.primitives.arith import U128_MAX

# --- force_transfer [BAL-12] --------------------------------------------------------------


@case(suite=SUITE, handler="force_transfer", presets=BOTH, clauses=("BAL-12",), block=1)
def force_transfer_moves_funds(b: CaseBuilder) -> None:
    """Root moves funds between two accounts."""
    a = setup(b)
    do(
        b,
        FORCE_TRANSFER,
        {"source": a.alice, "dest": a.bob, "value": 300 * a.u},
        root(),
        events=[tr(a.alice, a.bob, 300 * a.u)],
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, free=700 * a.u)
    expect(b, a.bob, free=1300 * a.u)


@case(
    suite=SUITE,
    handler="force_transfer",
    presets=BOTH,
    clauses=("BAL-12", "BAL-8", "BAL-3"),
    block=1,
)
def force_transfer_reaps_source_and_creates_dest(b: CaseBuilder) -> None:
    """Event order across two accounts: the source is reaped (KilledAccount, DustLost) before
    the destination is created (NewAccount, Endowed); Transfer comes last."""
    a = setup(b)
    do(
        b,
        FORCE_TRANSFER,
        {"source": a.alice, "dest": a.dave, "value": 995 * a.u},
        root(),
        events=[
            ev("System.KilledAccount", account=a.alice),
            ev("Balances.DustLost", account=a.alice, amount=5 * a.u),
            ev("System.NewAccount", account=a.dave),
            ev("Balances.Endowed", account=a.dave, free_balance=995 * a.u),
            tr(a.alice, a.dave, 995 * a.u),
        ],
        observe=watch(a.alice, a.dave),
    )
    expect_issuance(b, 2995 * a.u)


@case(
    suite=SUITE, handler="force_transfer", presets=MINIMAL, clauses=("BAL-12", "CHAIN-2"), block=1
)
def force_transfer_requires_root(b: CaseBuilder) -> None:
    """A signed origin cannot force a transfer, not even from its own account: BadOrigin."""
    a = setup(b)
    do(
        b,
        FORCE_TRANSFER,
        {"source": a.alice, "dest": a.bob, "value": 10 * a.u},
        signed(a.alice),
        outcome="BadOrigin",
    )


@case(suite=SUITE, handler="force_transfer", presets=MINIMAL, clauses=("BAL-12", "BAL-5"), block=1)
def force_transfer_respects_locks(b: CaseBuilder) -> None:
    """force_transfer is polite: it cannot move locked funds (Token.Frozen)."""
    a = setup(b)
    lock(b, a.alice, 500 * a.u)
    do(
        b,
        FORCE_TRANSFER,
        {"source": a.alice, "dest": a.bob, "value": 600 * a.u},
        root(),
        outcome="Token.Frozen",
    )


@case(suite=SUITE, handler="force_transfer", presets=MINIMAL, clauses=("BAL-12", "BAL-5"), block=1)
def force_transfer_from_empty_account(b: CaseBuilder) -> None:
    """Root cannot take from an account that has nothing: Token.FundsUnavailable."""
    a = setup(b)
    do(
        b,
        FORCE_TRANSFER,
        {"source": a.dave, "dest": a.bob, "value": 10 * a.u},
        root(),
        outcome="Token.FundsUnavailable",
    )


# --- force_set_balance [BAL-14] -----------------------------------------------------------


@case(suite=SUITE, handler="force_set_balance", presets=BOTH, clauses=("BAL-14", "BAL-2"), block=1)
def set_balance_up_mints(b: CaseBuilder) -> None:
    """Raising a balance adds the difference to the total issuance."""
    a = setup(b)
    set_balance(
        b,
        a.alice,
        1500 * a.u,
        events=[ev("Balances.BalanceSet", who=a.alice, free=1500 * a.u)],
        observe=watch(a.alice),
    )
    expect_issuance(b, 3500 * a.u)


@case(suite=SUITE, handler="force_set_balance", presets=BOTH, clauses=("BAL-14", "BAL-2"), block=1)
def set_balance_down_burns(b: CaseBuilder) -> None:
    """Lowering a balance removes the difference from the total issuance."""
    a = setup(b)
    set_balance(
        b,
        a.alice,
        400 * a.u,
        events=[ev("Balances.BalanceSet", who=a.alice, free=400 * a.u)],
        observe=watch(a.alice),
    )
    expect_issuance(b, 2400 * a.u)


@case(
    suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "SYS-4"), block=1
)
def set_balance_below_ed_reaps(b: CaseBuilder) -> None:
    """A new balance below the ED is taken as zero: the account is reaped, BalanceSet says 0."""
    a = setup(b)
    set_balance(
        b,
        a.alice,
        5 * a.u,
        events=[
            ev("System.KilledAccount", account=a.alice),
            ev("Balances.BalanceSet", who=a.alice, free=0),
        ],
        observe=watch(a.alice),
    )
    expect(b, a.alice, exists=False)
    expect_issuance(b, 2000 * a.u)


@case(
    suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "SYS-4"), block=1
)
def set_balance_to_exactly_ed_keeps_account(b: CaseBuilder) -> None:
    """Exactly the ED is kept as it is (alice stays alive); one planck less is taken as zero and
    reaps bob."""
    a = setup(b)
    set_balance(
        b,
        a.alice,
        a.ed,
        events=[ev("Balances.BalanceSet", who=a.alice, free=a.ed)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, exists=True, free=a.ed)
    set_balance(
        b,
        a.bob,
        a.ed - 1,
        events=[
            ev("System.KilledAccount", account=a.bob),
            ev("Balances.BalanceSet", who=a.bob, free=0),
        ],
        observe=watch(a.bob),
    )
    expect(b, a.bob, exists=False)
    expect_issuance(b, 1000 * a.u + a.ed)


@case(
    suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "SYS-3"), block=1
)
def set_balance_creates_account(b: CaseBuilder) -> None:
    """Setting a balance on a fresh account creates it."""
    a = setup(b)
    set_balance(
        b,
        a.dave,
        500 * a.u,
        events=[
            "System.NewAccount",
            ev("Balances.Endowed", free_balance=500 * a.u),
            ev("Balances.BalanceSet", who=a.dave, free=500 * a.u),
        ],
        observe=watch(a.dave),
    )
    expect(b, a.dave, exists=True, providers=1)
    expect_issuance(b, 3500 * a.u)


@case(
    suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "BAL-3"), block=1
)
def set_balance_below_ed_on_new_account_endows_zero(b: CaseBuilder) -> None:
    """Quirk: setting 5u on a fresh account stores nothing but emits Endowed 0 and BalanceSet 0."""
    a = setup(b)
    set_balance(
        b,
        a.dave,
        5 * a.u,
        events=[
            ev("Balances.Endowed", account=a.dave, free_balance=0),
            ev("Balances.BalanceSet", who=a.dave, free=0),
        ],
        observe=watch(a.dave),
    )
    expect(b, a.dave, exists=False)
    expect_issuance(b, 3000 * a.u)


@case(
    suite=SUITE,
    handler="force_set_balance",
    presets=BOTH,
    clauses=("BAL-14", "SYS-4", "BAL-17"),
    block=1,
)
def set_balance_zero_with_reserve_fails(b: CaseBuilder) -> None:
    """An account with a reserve has a consumer, so its provider cannot go: ConsumerRemaining."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    set_balance(b, a.alice, 0, outcome="ConsumerRemaining", observe=watch(a.alice))


@case(
    suite=SUITE,
    handler="force_set_balance",
    presets=MINIMAL,
    clauses=("BAL-14", "CHAIN-2"),
    block=1,
)
def set_balance_requires_root(b: CaseBuilder) -> None:
    """A signed origin cannot set balances: BadOrigin."""
    a = setup(b)
    do(
        b,
        SET_BALANCE,
        {"who": a.alice, "new_free": 2000 * a.u},
        signed(a.alice),
        outcome="BadOrigin",
    )


@case(
    suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "BAL-2"), block=1
)
def set_balance_issuance_saturates(b: CaseBuilder) -> None:
    """The issuance is adjusted with a saturating add: it stops at 2^128-1 even though the balances
    now sum to more."""
    a = setup(b)
    set_balance(
        b,
        a.bob,
        U128_MAX,
        events=[ev("Balances.BalanceSet", who=a.bob, free=U128_MAX)],
        observe=watch(a.bob),
    )
    expect_issuance(b, U128_MAX)


# --- force_unreserve [BAL-15] [BAL-18] ----------------------------------------------------


@case(suite=SUITE, handler="force_unreserve", presets=BOTH, clauses=("BAL-15", "BAL-18"), block=1)
def force_unreserve_part(b: CaseBuilder) -> None:
    """Root unreserves 100u of a 300u reserve."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        FORCE_UNRESERVE,
        {"who": a.alice, "amount": 100 * a.u},
        root(),
        events=[ev("Balances.Unreserved", who=a.alice, amount=100 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=800 * a.u, reserved=200 * a.u, consumers=1)


@case(
    suite=SUITE,
    handler="force_unreserve",
    presets=MINIMAL,
    clauses=("BAL-15", "BAL-18", "SYS-5"),
    block=1,
)
def force_unreserve_more_than_reserved(b: CaseBuilder) -> None:
    """Asking for more than is reserved unreserves all of it and drops the consumer."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        FORCE_UNRESERVE,
        {"who": a.alice, "amount": 500 * a.u},
        root(),
        events=[ev("Balances.Unreserved", who=a.alice, amount=300 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1000 * a.u, reserved=0, consumers=0)


@case(
    suite=SUITE, handler="force_unreserve", presets=MINIMAL, clauses=("BAL-15", "BAL-18"), block=1
)
def force_unreserve_nothing_reserved_still_emits(b: CaseBuilder) -> None:
    """Quirk: with nothing reserved, Unreserved is still emitted, with amount 0."""
    a = setup(b)
    do(
        b,
        FORCE_UNRESERVE,
        {"who": a.alice, "amount": 100 * a.u},
        root(),
        events=[ev("Balances.Unreserved", who=a.alice, amount=0)],
        observe=watch(a.alice),
    )


@case(
    suite=SUITE, handler="force_unreserve", presets=MINIMAL, clauses=("BAL-15", "BAL-18"), block=1
)
def force_unreserve_unknown_account(b: CaseBuilder) -> None:
    """An account with no balance at all: nothing happens, no event."""
    a = setup(b)
    do(
        b,
        FORCE_UNRESERVE,
        {"who": a.dave, "amount": 100 * a.u},
        root(),
        events=[],
        observe=watch(a.dave),
    )


@case(
    suite=SUITE, handler="force_unreserve", presets=MINIMAL, clauses=("BAL-15", "CHAIN-2"), block=1
)
def force_unreserve_requires_root(b: CaseBuilder) -> None:
    """A signed origin cannot force an unreserve: BadOrigin."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        FORCE_UNRESERVE,
        {"who": a.alice, "amount": 100 * a.u},
        signed(a.alice),
        outcome="BadOrigin",
    )
