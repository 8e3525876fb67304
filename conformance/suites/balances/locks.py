"""Locks (LockableCurrency): ``set_lock``, ``extend_lock`` and ``remove_lock`` [BAL-21]..[BAL-24]."""

from __future__ import annotations

from phala_spec.conformance.authoring import CaseBuilder, case
from phala_spec.conformance.suites.balances.common import (
    BOTH,
    DEMOCRACY,
    ELECTIONS,
    MINIMAL,
    OPS,
    REMOVE_LOCK,
    STAKING,
    SUITE,
    do,
    ev,
    expect,
    expect_locks,
    extend,
    lock,
    setup,
    tr,
    transfer,
    watch,
)

# --- set_lock [BAL-21] [BAL-22] -----------------------------------------------------------


@case(suite=SUITE, handler="set_lock", presets=BOTH, clauses=("BAL-21", "BAL-22", "SYS-5"), block=1)
def set_lock_freezes(b: CaseBuilder) -> None:
    """A lock freezes its amount (Locked) and takes two consumers: one for the frozen balance,
    one for the lock storage."""
    a = setup(b)
    lock(
        b,
        a.alice,
        300 * a.u,
        events=[ev("Balances.Locked", who=a.alice, amount=300 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, free=1000 * a.u, frozen=300 * a.u, consumers=2)
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "All")])


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22"), block=1)
def set_lock_lowering_unlocks(b: CaseBuilder) -> None:
    """Replacing a 300u lock by 100u: Unlocked 200u."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u)
    lock(
        b,
        a.alice,
        100 * a.u,
        events=[ev("Balances.Unlocked", who=a.alice, amount=200 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=100 * a.u, consumers=2)


@case(suite=SUITE, handler="set_lock", presets=BOTH, clauses=("BAL-21", "BAL-22"), block=1)
def locks_take_the_max_not_the_sum(b: CaseBuilder) -> None:
    """Locks of 300u and 500u freeze 500u, not 800u; lowering the larger to 200u leaves 300u
    frozen."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u, DEMOCRACY, events=[ev("Balances.Locked", amount=300 * a.u)])
    lock(
        b,
        a.alice,
        500 * a.u,
        ELECTIONS,
        events=[ev("Balances.Locked", amount=200 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=500 * a.u, consumers=2)
    transfer(b, a.alice, a.bob, 500 * a.u, events=[tr(a.alice, a.bob, 500 * a.u)])
    lock(
        b,
        a.alice,
        200 * a.u,
        ELECTIONS,
        events=[ev("Balances.Unlocked", amount=200 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, free=500 * a.u, frozen=300 * a.u)
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "All"), (ELECTIONS, 200 * a.u, "All")])


@case(
    suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-22", "BAL-24", "SYS-5"), block=1
)
def set_lock_zero_amount_removes(b: CaseBuilder) -> None:
    """set_lock with amount 0 removes the lock and gives both consumers back."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u)
    lock(
        b,
        a.alice,
        0,
        events=[ev("Balances.Unlocked", who=a.alice, amount=300 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=0, consumers=0)
    expect_locks(b, a.alice, [])


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-22", "BAL-24"), block=1)
def set_lock_no_reasons_removes(b: CaseBuilder) -> None:
    """set_lock with reasons None removes the lock whatever the amount."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u)
    lock(
        b,
        a.alice,
        500 * a.u,
        reasons="None",
        events=[ev("Balances.Unlocked", who=a.alice, amount=300 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect_locks(b, a.alice, [])


@case(
    suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22", "BAL-5"), block=1
)
def set_lock_above_balance(b: CaseBuilder) -> None:
    """A lock may exceed the balance; then nothing at all can be transferred."""
    a = setup(b)
    lock(
        b,
        a.alice,
        5000 * a.u,
        events=[ev("Balances.Locked", amount=5000 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1000 * a.u, frozen=5000 * a.u)
    transfer(b, a.alice, a.bob, 1 * a.u, outcome="Token.Frozen")


@case(
    suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22", "SYS-5"), block=1
)
def set_lock_on_empty_account_is_recorded(b: CaseBuilder) -> None:
    """Quirk: a lock on an account with no provider is stored and reported (Locked), but no account
    record, frozen amount or consumer comes into existence."""
    a = setup(b)
    lock(
        b,
        a.dave,
        300 * a.u,
        events=[ev("Balances.Locked", who=a.dave, amount=300 * a.u)],
        observe=[*watch(a.dave), ("locks", a.dave)],
    )
    expect(b, a.dave, exists=False, frozen=0, consumers=0)
    expect_locks(b, a.dave, [(DEMOCRACY, 300 * a.u, "All")])


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22"), block=1)
def more_locks_than_max_locks_are_kept(b: CaseBuilder) -> None:
    """max_locks (4 in minimal) is only a warning: a fifth lock is stored like the others."""
    a = setup(b)
    ids = [b"lock%04d" % i for i in range(5)]
    for i, lock_id in enumerate(ids):
        lock(
            b,
            a.alice,
            (i + 1) * 100 * a.u,
            lock_id,
            events=[ev("Balances.Locked", amount=100 * a.u)],
        )
    b.observe("locks", a.alice)
    expect(b, a.alice, frozen=500 * a.u, consumers=2)
    expect_locks(
        b, a.alice, [(lock_id, (i + 1) * 100 * a.u, "All") for i, lock_id in enumerate(ids)]
    )


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22"), block=1)
def set_lock_same_amount_emits_nothing(b: CaseBuilder) -> None:
    """Re-setting a lock to the same amount (other reasons) changes no frozen amount: no event."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u)
    lock(b, a.alice, 300 * a.u, reasons="Fee", events=[], observe=[("locks", a.alice)])
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "Fee")])


@case(
    suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22", "SYS-5"), block=1
)
def set_lock_without_consumer_room_skips_freeze(b: CaseBuilder) -> None:
    """Quirk: with max_consumers 0 the frozen amount cannot take its (limited) consumer, so it is
    not written; the lock is stored anyway and takes its unlimited consumer; Locked reports the
    intended 300u."""
    a = setup(b, config={"max_consumers": 0})
    lock(
        b,
        a.alice,
        300 * a.u,
        events=[ev("Balances.Locked", amount=300 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=0, consumers=1)
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "All")])


# --- extend_lock [BAL-23] -----------------------------------------------------------------


@case(suite=SUITE, handler="extend_lock", presets=BOTH, clauses=("BAL-21", "BAL-23"), block=1)
def extend_lock_raises_amount(b: CaseBuilder) -> None:
    """Extending a 300u lock to 500u: Locked 200u."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u)
    extend(
        b,
        a.alice,
        500 * a.u,
        events=[ev("Balances.Locked", who=a.alice, amount=200 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=500 * a.u)


@case(suite=SUITE, handler="extend_lock", presets=MINIMAL, clauses=("BAL-23",), block=1)
def extend_lock_never_lowers(b: CaseBuilder) -> None:
    """Extending a 300u Fee lock with 100u Misc keeps 300u and merges the reasons into All."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u, reasons="Fee")
    extend(b, a.alice, 100 * a.u, reasons="Misc", events=[], observe=[("locks", a.alice)])
    expect(b, a.alice, frozen=300 * a.u)
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "All")])


@case(suite=SUITE, handler="extend_lock", presets=MINIMAL, clauses=("BAL-23",), block=1)
def extend_lock_merges_every_pair_of_reasons(b: CaseBuilder) -> None:
    """The merged reasons are the union of the two: Fee+Fee is Fee, Misc+Misc is Misc, Misc+Fee
    is All, and All with either stays All."""
    a = setup(b)
    lock(b, a.alice, 100 * a.u, DEMOCRACY, reasons="Fee")
    lock(b, a.alice, 100 * a.u, ELECTIONS, reasons="Misc")
    lock(b, a.alice, 100 * a.u, STAKING, reasons="All")
    extend(b, a.alice, 100 * a.u, DEMOCRACY, reasons="Fee", events=[], observe=[("locks", a.alice)])
    extend(
        b, a.alice, 100 * a.u, ELECTIONS, reasons="Misc", events=[], observe=[("locks", a.alice)]
    )
    extend(b, a.alice, 100 * a.u, STAKING, reasons="Fee", events=[], observe=[("locks", a.alice)])
    expect_locks(
        b,
        a.alice,
        [
            (DEMOCRACY, 100 * a.u, "Fee"),
            (ELECTIONS, 100 * a.u, "Misc"),
            (STAKING, 100 * a.u, "All"),
        ],
    )
    extend(b, a.alice, 100 * a.u, STAKING, reasons="Misc", events=[], observe=[("locks", a.alice)])
    extend(b, a.alice, 100 * a.u, ELECTIONS, reasons="Fee", events=[], observe=[("locks", a.alice)])
    expect_locks(
        b,
        a.alice,
        [(DEMOCRACY, 100 * a.u, "Fee"), (ELECTIONS, 100 * a.u, "All"), (STAKING, 100 * a.u, "All")],
    )


@case(suite=SUITE, handler="extend_lock", presets=MINIMAL, clauses=("BAL-23", "SYS-5"), block=1)
def extend_lock_creates_missing_lock(b: CaseBuilder) -> None:
    """Extending a lock that does not exist creates it."""
    a = setup(b)
    extend(
        b,
        a.alice,
        300 * a.u,
        STAKING,
        reasons="Misc",
        events=[ev("Balances.Locked", amount=300 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=300 * a.u, consumers=2)
    expect_locks(b, a.alice, [(STAKING, 300 * a.u, "Misc")])


@case(suite=SUITE, handler="extend_lock", presets=MINIMAL, clauses=("BAL-23",), block=1)
def extend_lock_zero_is_noop(b: CaseBuilder) -> None:
    """Extending by a zero amount (or with no reasons) does nothing, even without a lock."""
    a = setup(b)
    extend(b, a.alice, 0, events=[], observe=[("locks", a.alice)])
    extend(b, a.alice, 300 * a.u, reasons="None", events=[])
    expect_locks(b, a.alice, [])
    expect(b, a.alice, consumers=0)


# --- remove_lock [BAL-24] -----------------------------------------------------------------


@case(
    suite=SUITE, handler="remove_lock", presets=BOTH, clauses=("BAL-21", "BAL-24", "SYS-5"), block=1
)
def remove_lock_unfreezes(b: CaseBuilder) -> None:
    """Removing the only lock unfreezes everything and gives back both consumers."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u)
    do(
        b,
        REMOVE_LOCK,
        {"lock_id": DEMOCRACY, "who": a.alice},
        OPS,
        events=[ev("Balances.Unlocked", who=a.alice, amount=300 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=0, consumers=0)
    expect_locks(b, a.alice, [])


@case(suite=SUITE, handler="remove_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-24"), block=1)
def remove_lock_keeps_the_others(b: CaseBuilder) -> None:
    """Removing the larger of two locks unfreezes only the difference."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u, DEMOCRACY)
    lock(b, a.alice, 500 * a.u, ELECTIONS)
    do(
        b,
        REMOVE_LOCK,
        {"lock_id": ELECTIONS, "who": a.alice},
        OPS,
        events=[ev("Balances.Unlocked", amount=200 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=300 * a.u, consumers=2)
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "All")])


@case(suite=SUITE, handler="remove_lock", presets=MINIMAL, clauses=("BAL-24",), block=1)
def remove_absent_lock_is_noop(b: CaseBuilder) -> None:
    """Removing a lock that is not there changes nothing."""
    a = setup(b)
    lock(b, a.alice, 300 * a.u, DEMOCRACY)
    do(
        b,
        REMOVE_LOCK,
        {"lock_id": STAKING, "who": a.alice},
        OPS,
        events=[],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=300 * a.u, consumers=2)
