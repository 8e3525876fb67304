"""Balance transfers: ``transfer_allow_death`` and its legacy name ``transfer`` [BAL-9] [BAL-10],
with the dust and reaping rules they exercise [BAL-8] [SYS-3] [SYS-4]."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case, none_origin, root, signed
from phala_spec.conformance.suites.balances.common import (
    BOTH,
    LEGACY,
    MINIMAL,
    SUITE,
    TRANSFER,
    do,
    ev,
    expect,
    expect_issuance,
    lock,
    reserve,
    set_balance,
    setup,
    tr,
    transfer,
    watch,
)
from phala_spec.primitives.arith import U128_MAX

# --- transfer_allow_death [BAL-9] [BAL-10] ------------------------------------------------


@case(
    suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-9", "BAL-10"), block=1
)
def transfer_between_existing_accounts(b: CaseBuilder) -> None:
    """A transfer between two live accounts moves the amount and emits only Transfer."""
    a = setup(b)
    transfer(
        b,
        a.alice,
        a.bob,
        300 * a.u,
        events=[tr(a.alice, a.bob, 300 * a.u)],
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, free=700 * a.u)
    expect(b, a.bob, free=1300 * a.u)
    expect_issuance(b, 3000 * a.u)


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=BOTH,
    clauses=("BAL-9", "BAL-10", "BAL-3", "SYS-3"),
    block=1,
)
def transfer_creates_destination(b: CaseBuilder) -> None:
    """Funding a fresh account creates it: System.NewAccount, then Endowed, then Transfer."""
    a = setup(b)
    transfer(
        b,
        a.alice,
        a.dave,
        300 * a.u,
        events=[
            ev("System.NewAccount", account=a.dave),
            ev("Balances.Endowed", account=a.dave, free_balance=300 * a.u),
            tr(a.alice, a.dave, 300 * a.u),
        ],
        observe=watch(a.alice, a.dave),
    )
    expect(b, a.dave, free=300 * a.u, exists=True, providers=1, consumers=0)
    expect_issuance(b, 3000 * a.u)


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=BOTH,
    clauses=("BAL-10", "BAL-8", "SYS-4"),
    block=1,
)
def transfer_reaps_sender_and_burns_dust(b: CaseBuilder) -> None:
    """Leaving 5u (below the ED) reaps the sender: KilledAccount, DustLost 5u, Transfer; the dust
    leaves the total issuance."""
    a = setup(b)
    transfer(
        b,
        a.alice,
        a.bob,
        995 * a.u,
        events=[
            ev("System.KilledAccount", account=a.alice),
            ev("Balances.DustLost", account=a.alice, amount=5 * a.u),
            tr(a.alice, a.bob, 995 * a.u),
        ],
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, free=0, exists=False)
    expect(b, a.bob, free=1995 * a.u)
    expect_issuance(b, 3000 * a.u - 5 * a.u)


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-10", "BAL-8", "SYS-4"),
    block=1,
)
def transfer_entire_balance_reaps_without_dust(b: CaseBuilder) -> None:
    """Sending everything reaps the sender with no DustLost and no change of issuance."""
    a = setup(b)
    transfer(
        b,
        a.alice,
        a.bob,
        1000 * a.u,
        events=[ev("System.KilledAccount", account=a.alice), tr(a.alice, a.bob, 1000 * a.u)],
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, exists=False)
    expect_issuance(b, 3000 * a.u)


@case(
    suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-7", "BAL-9"), block=1
)
def transfer_below_ed_to_new_account_fails(b: CaseBuilder) -> None:
    """A transfer that would create an account below the ED is refused: Token.BelowMinimum."""
    a = setup(b)
    transfer(
        b, a.alice, a.dave, 5 * a.u, outcome="Token.BelowMinimum", observe=watch(a.alice, a.dave)
    )


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-7", "BAL-9"),
    block=1,
)
def transfer_below_ed_to_existing_account(b: CaseBuilder) -> None:
    """Any amount may go to an account that already holds at least the ED."""
    a = setup(b)
    transfer(b, a.alice, a.bob, 5 * a.u, events=[tr(a.alice, a.bob, 5 * a.u)], observe=watch(a.bob))
    expect(b, a.bob, free=1005 * a.u)


@case(
    suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-5", "BAL-9"), block=1
)
def transfer_more_than_free_balance(b: CaseBuilder) -> None:
    """Sending more than the free balance (but less than the issuance) is Token.FundsUnavailable."""
    a = setup(b)
    transfer(
        b, a.alice, a.bob, 1001 * a.u, outcome="Token.FundsUnavailable", observe=watch(a.alice)
    )


@case(
    suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-5", "BAL-9"), block=1
)
def transfer_more_than_total_issuance_underflows(b: CaseBuilder) -> None:
    """The issuance check comes first: an amount above the total issuance is Arithmetic.Underflow,
    not Token.FundsUnavailable."""
    a = setup(b)
    transfer(b, a.alice, a.bob, 3001 * a.u, outcome="Arithmetic.Underflow", observe=watch(a.alice))


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-10", "CHAIN-2"),
    block=1,
)
def transfer_requires_signed_origin(b: CaseBuilder) -> None:
    """Root cannot call transfer_allow_death: BadOrigin."""
    a = setup(b)
    do(b, TRANSFER, {"dest": a.bob, "value": 10 * a.u}, root(), outcome="BadOrigin")


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-10", "CHAIN-2"),
    block=1,
)
def bad_origin_checked_before_funds(b: CaseBuilder) -> None:
    """An unsigned transfer of more than exists is BadOrigin: the origin is checked first."""
    a = setup(b)
    do(b, TRANSFER, {"dest": a.bob, "value": 5000 * a.u}, none_origin(), outcome="BadOrigin")


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-9",), block=1)
def zero_transfer_emits_event(b: CaseBuilder) -> None:
    """A zero transfer succeeds and still emits Transfer with amount 0."""
    a = setup(b)
    transfer(b, a.alice, a.bob, 0, events=[tr(a.alice, a.bob, 0)], observe=watch(a.alice, a.bob))
    expect(b, a.alice, free=1000 * a.u)


@case(
    suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-9", "BAL-3"), block=1
)
def zero_transfer_from_empty_account_endows_zero(b: CaseBuilder) -> None:
    """Quirk: a zero transfer from an account with no balance emits Endowed with free_balance 0
    for the sender, which still does not exist afterwards."""
    a = setup(b)
    transfer(
        b,
        a.dave,
        a.bob,
        0,
        events=[ev("Balances.Endowed", account=a.dave, free_balance=0), tr(a.dave, a.bob, 0)],
        observe=watch(a.dave),
    )
    expect(b, a.dave, exists=False)


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-6", "BAL-9"),
    block=1,
)
def zero_transfer_to_new_account_creates_nothing(b: CaseBuilder) -> None:
    """A zero transfer to a fresh account does not create it (the best-effort credit is dropped)."""
    a = setup(b)
    transfer(b, a.alice, a.dave, 0, events=[tr(a.alice, a.dave, 0)], observe=watch(a.dave))
    expect(b, a.dave, exists=False)


@case(suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-9",), block=1)
def transfer_to_self_is_a_noop(b: CaseBuilder) -> None:
    """A transfer to oneself that passes the checks changes nothing and emits no event."""
    a = setup(b)
    transfer(b, a.alice, a.alice, 300 * a.u, events=[], observe=watch(a.alice))
    expect(b, a.alice, free=1000 * a.u)


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-5", "BAL-9"),
    block=1,
)
def transfer_to_self_still_checks_funds(b: CaseBuilder) -> None:
    """The checks run before the self-transfer shortcut: too much is Token.FundsUnavailable."""
    a = setup(b)
    transfer(b, a.alice, a.alice, 1001 * a.u, outcome="Token.FundsUnavailable")


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-5", "BAL-9"),
    block=1,
)
def transfer_to_self_may_go_below_ed(b: CaseBuilder) -> None:
    """An expendable transfer to oneself that 'would' leave 5u passes the checks and does nothing."""
    a = setup(b)
    transfer(b, a.alice, a.alice, 995 * a.u, events=[], observe=watch(a.alice))
    expect(b, a.alice, free=1000 * a.u, exists=True)


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=BOTH,
    clauses=("BAL-5", "BAL-21", "SYS-2"),
    block=1,
)
def locked_account_cannot_be_reaped(b: CaseBuilder) -> None:
    """With a lock the account has consumers, so dropping below the ED is WouldDie
    (Token.OnlyProvider), which is checked before the lock itself (Token.Frozen)."""
    a = setup(b)
    lock(b, a.alice, 100 * a.u)
    transfer(b, a.alice, a.bob, 995 * a.u, outcome="Token.OnlyProvider", observe=watch(a.alice))


@case(
    suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-5", "BAL-21"), block=1
)
def frozen_balance_cannot_move(b: CaseBuilder) -> None:
    """A lock of 500u leaves 500u transferable: 600u is Token.Frozen, 500u succeeds."""
    a = setup(b)
    lock(b, a.alice, 500 * a.u)
    transfer(b, a.alice, a.bob, 600 * a.u, outcome="Token.Frozen")
    transfer(
        b, a.alice, a.bob, 500 * a.u, events=[tr(a.alice, a.bob, 500 * a.u)], observe=watch(a.alice)
    )
    expect(b, a.alice, free=500 * a.u, frozen=500 * a.u)


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-5",), block=1)
def insufficient_funds_beats_frozen(b: CaseBuilder) -> None:
    """Above the free balance and against a lock: Token.FundsUnavailable wins over Token.Frozen."""
    a = setup(b)
    lock(b, a.alice, 500 * a.u)
    transfer(b, a.alice, a.bob, 1001 * a.u, outcome="Token.FundsUnavailable")


@case(
    suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-7", "BAL-14"), block=1
)
def transfer_destination_overflow(b: CaseBuilder) -> None:
    """A destination whose free balance would pass 2^128-1 refuses the credit: Arithmetic.Overflow."""
    a = setup(b)
    set_balance(b, a.bob, U128_MAX - 5 * a.u)
    transfer(b, a.alice, a.bob, 100 * a.u, outcome="Arithmetic.Overflow", observe=watch(a.bob))


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-7", "BAL-14", "BAL-17"),
    block=1,
)
def transfer_destination_total_overflow(b: CaseBuilder) -> None:
    """The new free balance fits but free + reserved would not: Arithmetic.Overflow."""
    a = setup(b)
    reserve(b, a.bob, 100 * a.u)
    set_balance(b, a.bob, U128_MAX - 150 * a.u)
    transfer(b, a.alice, a.bob, 60 * a.u, outcome="Arithmetic.Overflow", observe=watch(a.bob))


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-5", "BAL-7"),
    block=1,
)
def withdraw_error_beats_deposit_error(b: CaseBuilder) -> None:
    """An empty sender paying 5u to a fresh account fails the source check first:
    Token.FundsUnavailable, not Token.BelowMinimum."""
    a = setup(b)
    transfer(b, a.dave, a.eve, 5 * a.u, outcome="Token.FundsUnavailable")


# --- transfer (legacy name) [BAL-10] ------------------------------------------------------


@case(suite=SUITE, handler="transfer", presets=BOTH, clauses=("BAL-10",), block=1)
def legacy_transfer_name(b: CaseBuilder) -> None:
    """Balances.transfer is the legacy name of transfer_allow_death."""
    a = setup(b)
    do(
        b,
        LEGACY,
        {"dest": a.bob, "value": 300 * a.u},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 300 * a.u)],
        observe=watch(a.alice, a.bob),
    )


@case(suite=SUITE, handler="transfer", presets=MINIMAL, clauses=("BAL-10", "BAL-8"), block=1)
def legacy_transfer_may_reap(b: CaseBuilder) -> None:
    """Like transfer_allow_death, the legacy call may reap the sender and burn the dust."""
    a = setup(b)
    do(
        b,
        LEGACY,
        {"dest": a.bob, "value": 995 * a.u},
        signed(a.alice),
        events=[
            "System.KilledAccount",
            ev("Balances.DustLost", amount=5 * a.u),
            tr(a.alice, a.bob, 995 * a.u),
        ],
        observe=watch(a.alice),
    )
    expect_issuance(b, 2995 * a.u)
