"""Transfers that keep the sender alive or sweep it: ``transfer_keep_alive`` [BAL-11] and
``transfer_all`` [BAL-13]."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case, none_origin, root, signed
from phala_spec.conformance.suites.balances.common import (
    BOTH,
    KEEP_ALIVE,
    MINIMAL,
    SUITE,
    TRANSFER_ALL,
    do,
    ev,
    expect,
    lock,
    reserve,
    setup,
    tr,
    transfer,
    watch,
)

# --- transfer_keep_alive [BAL-11] ---------------------------------------------------------


@case(suite=SUITE, handler="transfer_keep_alive", presets=BOTH, clauses=("BAL-11",), block=1)
def keep_alive_transfer(b: CaseBuilder) -> None:
    """A keep-alive transfer that leaves plenty behind works like any transfer."""
    a = setup(b)
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.bob, "value": 300 * a.u},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 300 * a.u)],
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, free=700 * a.u)


@case(
    suite=SUITE, handler="transfer_keep_alive", presets=BOTH, clauses=("BAL-5", "BAL-11"), block=1
)
def keep_alive_below_ed(b: CaseBuilder) -> None:
    """Leaving 5u (below the ED) is refused by keep-alive: Token.NotExpendable."""
    a = setup(b)
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.bob, "value": 995 * a.u},
        signed(a.alice),
        outcome="Token.NotExpendable",
        observe=watch(a.alice, a.bob),
    )


@case(
    suite=SUITE, handler="transfer_keep_alive", presets=BOTH, clauses=("BAL-5", "BAL-11"), block=1
)
def keep_alive_may_leave_exactly_ed(b: CaseBuilder) -> None:
    """Leaving exactly the ED is allowed."""
    a = setup(b)
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.bob, "value": 990 * a.u},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 990 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=a.ed, exists=True)


@case(
    suite=SUITE,
    handler="transfer_keep_alive",
    presets=MINIMAL,
    clauses=("BAL-5", "BAL-11", "BAL-21"),
    block=1,
)
def keep_alive_with_lock_reports_only_provider(b: CaseBuilder) -> None:
    """With a lock, dropping below the ED is WouldDie (Token.OnlyProvider), which wins over
    keep-alive's Token.NotExpendable."""
    a = setup(b)
    lock(b, a.alice, 100 * a.u)
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.bob, "value": 995 * a.u},
        signed(a.alice),
        outcome="Token.OnlyProvider",
    )


@case(
    suite=SUITE,
    handler="transfer_keep_alive",
    presets=MINIMAL,
    clauses=("BAL-5", "BAL-11", "BAL-21"),
    block=1,
)
def keep_alive_frozen(b: CaseBuilder) -> None:
    """Above the ED but into the locked part: Token.Frozen."""
    a = setup(b)
    lock(b, a.alice, 500 * a.u)
    do(b, KEEP_ALIVE, {"dest": a.bob, "value": 600 * a.u}, signed(a.alice), outcome="Token.Frozen")


@case(
    suite=SUITE,
    handler="transfer_keep_alive",
    presets=MINIMAL,
    clauses=("BAL-5", "BAL-7", "BAL-11"),
    block=1,
)
def not_expendable_beats_below_minimum(b: CaseBuilder) -> None:
    """Alice holds 15u: sending 8u to a fresh account breaks keep-alive and the destination's
    minimum; the source check wins (Token.NotExpendable)."""
    a = setup(b, balances={"alice": 15, "bob": 1000})
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.dave, "value": 8 * a.u},
        signed(a.alice),
        outcome="Token.NotExpendable",
    )


@case(
    suite=SUITE,
    handler="transfer_keep_alive",
    presets=MINIMAL,
    clauses=("BAL-11", "CHAIN-2"),
    block=1,
)
def keep_alive_requires_signed_origin(b: CaseBuilder) -> None:
    """Root cannot call transfer_keep_alive: BadOrigin."""
    a = setup(b)
    do(b, KEEP_ALIVE, {"dest": a.bob, "value": 10 * a.u}, root(), outcome="BadOrigin")


@case(
    suite=SUITE,
    handler="transfer_keep_alive",
    presets=MINIMAL,
    clauses=("BAL-9", "BAL-11"),
    block=1,
)
def keep_alive_to_self_still_checked(b: CaseBuilder) -> None:
    """The keep-alive check runs even for a transfer to oneself: Token.NotExpendable."""
    a = setup(b)
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.alice, "value": 995 * a.u},
        signed(a.alice),
        outcome="Token.NotExpendable",
    )


# --- transfer_all [BAL-13] ----------------------------------------------------------------


@case(suite=SUITE, handler="transfer_all", presets=BOTH, clauses=("BAL-13", "BAL-4"), block=1)
def transfer_all_reaps_sender(b: CaseBuilder) -> None:
    """Without keep-alive everything goes and the sender is reaped."""
    a = setup(b)
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.bob, "keep_alive": False},
        signed(a.alice),
        events=[ev("System.KilledAccount", account=a.alice), tr(a.alice, a.bob, 1000 * a.u)],
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, exists=False)
    expect(b, a.bob, free=2000 * a.u)


@case(suite=SUITE, handler="transfer_all", presets=BOTH, clauses=("BAL-13", "BAL-4"), block=1)
def transfer_all_keep_alive_leaves_ed(b: CaseBuilder) -> None:
    """With keep-alive the ED stays behind."""
    a = setup(b)
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.bob, "keep_alive": True},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 1000 * a.u - a.ed)],
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, free=a.ed, exists=True)


@case(
    suite=SUITE,
    handler="transfer_all",
    presets=MINIMAL,
    clauses=("BAL-13", "BAL-4", "BAL-21"),
    block=1,
)
def transfer_all_leaves_the_lock(b: CaseBuilder) -> None:
    """A 300u lock stays behind (not the ED on top of it: the reducible balance subtracts the
    larger of the two)."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u)
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.bob, "keep_alive": False},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 700 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=300 * a.u, frozen=300 * a.u)


@case(
    suite=SUITE,
    handler="transfer_all",
    presets=MINIMAL,
    clauses=("BAL-13", "BAL-4", "SYS-2"),
    block=1,
)
def transfer_all_with_reserve_keeps_ed(b: CaseBuilder) -> None:
    """A reserve takes a consumer, so even without keep-alive the account must keep the ED."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.bob, "keep_alive": False},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 690 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=a.ed, reserved=300 * a.u)


@case(
    suite=SUITE,
    handler="transfer_all",
    presets=MINIMAL,
    clauses=("BAL-13", "BAL-4", "BAL-21"),
    block=1,
)
def transfer_all_reserve_covers_part_of_lock(b: CaseBuilder) -> None:
    """A lock bounds the total: with 300u reserved, a 500u lock only holds back 200u of free."""
    a = setup(b)
    reserve(b, a.alice, 300 * a.u)
    lock(b, a.alice, 500 * a.u)
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.bob, "keep_alive": False},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 500 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=200 * a.u, reserved=300 * a.u, frozen=500 * a.u)


@case(
    suite=SUITE,
    handler="transfer_all",
    presets=MINIMAL,
    clauses=("BAL-13", "BAL-4", "SYS-2", "GEN-4"),
    block=1,
)
def transfer_all_of_a_single_unit_kept_by_a_reserve(b: CaseBuilder) -> None:
    """With the smallest existential deposit, 1, dave holds exactly 1 free beside a reserve of 5:
    the reserve's consumer means he must keep the ED, so his whole free balance is untouchable
    and transfer_all moves 0."""
    a = setup(b, config={"existential_deposit": 1})
    transfer(b, a.alice, a.dave, 6)
    reserve(b, a.dave, 5)
    expect(b, a.dave, free=1, reserved=5, consumers=1)
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.bob, "keep_alive": False},
        signed(a.dave),
        events=[tr(a.dave, a.bob, 0)],
        observe=watch(a.dave),
    )
    expect(b, a.dave, free=1, reserved=5)


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-13", "BAL-3"), block=1)
def transfer_all_from_empty_account(b: CaseBuilder) -> None:
    """Quirk: transfer_all from an account with nothing transfers 0 and emits Endowed 0."""
    a = setup(b)
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.bob, "keep_alive": False},
        signed(a.dave),
        events=[ev("Balances.Endowed", account=a.dave, free_balance=0), tr(a.dave, a.bob, 0)],
        observe=watch(a.dave),
    )
    expect(b, a.dave, exists=False)


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-13", "BAL-7"), block=1)
def transfer_all_below_ed_to_new_account(b: CaseBuilder) -> None:
    """Alice holds 15u: keep-alive transfer_all sends 5u, too little to create dave:
    Token.BelowMinimum."""
    a = setup(b, balances={"alice": 15, "bob": 1000})
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.dave, "keep_alive": True},
        signed(a.alice),
        outcome="Token.BelowMinimum",
    )


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-13", "CHAIN-2"), block=1)
def transfer_all_requires_signed_origin(b: CaseBuilder) -> None:
    """An unsigned transfer_all is BadOrigin."""
    a = setup(b)
    do(b, TRANSFER_ALL, {"dest": a.bob, "keep_alive": False}, none_origin(), outcome="BadOrigin")


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-9", "BAL-13"), block=1)
def transfer_all_to_self(b: CaseBuilder) -> None:
    """transfer_all to oneself passes the checks and does nothing."""
    a = setup(b)
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.alice, "keep_alive": False},
        signed(a.alice),
        events=[],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1000 * a.u)
