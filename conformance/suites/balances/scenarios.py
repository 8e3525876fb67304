"""Stories of several blocks and calls across the balances rules, and the origin checks of the
trait operations (handler ``scenario``)."""

from __future__ import annotations

from typing import Any

from phala_spec.chain.system import account_info
from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    case,
    none_origin,
    root,
    signed,
)
from phala_spec.conformance.checks import check
from phala_spec.conformance.suites.balances.common import (
    BOTH,
    BURN,
    DEMOCRACY,
    DEPOSIT_CREATING,
    DEPOSIT_EXISTING,
    ELECTIONS,
    EXTEND_LOCK,
    FORCE_TRANSFER,
    KEEP_ALIVE,
    LEGACY,
    MINIMAL,
    MINT,
    OPS,
    REMOVE_LOCK,
    REPATRIATE,
    RESERVE,
    SET_LOCK,
    SLASH,
    STAKING,
    SUITE,
    TRANSFER,
    TRANSFER_ALL,
    UNRESERVE,
    WITHDRAW,
    burn,
    deposit,
    do,
    ev,
    expect,
    expect_issuance,
    expect_locks,
    extend,
    fresh,
    lock,
    mint,
    reserve,
    set_balance,
    setup,
    tr,
    transfer,
    watch,
    withdraw,
)
from phala_spec.primitives.arith import U128_MAX

# --- scenarios ----------------------------------------------------------------------------


@case(
    suite=SUITE,
    handler="scenario",
    presets=BOTH,
    clauses=("BAL-9", "BAL-10", "BAL-11", "BAL-13", "BAL-8", "SYS-3", "SYS-4"),
    block=1,
)
def payments_over_several_blocks(b: CaseBuilder) -> None:
    """Four blocks of everyday payments between five accounts: creation, keep-alive refusals,
    reaping with dust, re-creation of a reaped account, transfer_all; the issuance only moves by
    the dust burnt."""
    a = setup(b)
    u = a.u
    transfer(
        b,
        a.alice,
        a.dave,
        250 * u,
        events=["System.NewAccount", "Balances.Endowed", tr(a.alice, a.dave, 250 * u)],
    )
    transfer(b, a.bob, a.dave, 50 * u, events=[tr(a.bob, a.dave, 50 * u)])
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.eve, "value": 296 * u},
        signed(a.dave),
        outcome="Token.NotExpendable",
    )
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.eve, "value": 290 * u},
        signed(a.dave),
        events=["System.NewAccount", "Balances.Endowed", tr(a.dave, a.eve, 290 * u)],
        observe=watch(a.dave, a.eve),
    )
    b.next_block()
    transfer(
        b,
        a.eve,
        a.charlie,
        285 * u,
        events=[
            ev("System.KilledAccount", account=a.eve),
            ev("Balances.DustLost", account=a.eve, amount=5 * u),
            tr(a.eve, a.charlie, 285 * u),
        ],
    )
    transfer(b, a.eve, a.charlie, 1 * u, outcome="Token.FundsUnavailable")
    transfer(b, a.charlie, a.eve, 5 * u, outcome="Token.BelowMinimum")
    transfer(
        b,
        a.charlie,
        a.eve,
        10 * u,
        events=[
            "System.NewAccount",
            ev("Balances.Endowed", free_balance=10 * u),
            tr(a.charlie, a.eve, 10 * u),
        ],
        observe=watch(a.eve, a.charlie),
    )
    b.finalize_block()
    expect_issuance(b, 3000 * u - 5 * u)

    b.initialize_block()
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.alice, "keep_alive": True},
        signed(a.dave),
        events=[tr(a.dave, a.alice, 0)],
    )  # dave holds exactly the ED: nothing is reducible
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.alice, "keep_alive": False},
        signed(a.dave),
        events=["System.KilledAccount", tr(a.dave, a.alice, 10 * u)],
    )
    transfer(b, a.alice, a.bob, 0, events=[tr(a.alice, a.bob, 0)])
    do(
        b,
        FORCE_TRANSFER,
        {"source": a.bob, "dest": a.ferdie, "value": 450 * u},
        root(),
        events=["System.NewAccount", "Balances.Endowed", tr(a.bob, a.ferdie, 450 * u)],
    )
    b.finalize_block(observe=watch(a.alice, a.bob, a.charlie, a.dave, a.eve, a.ferdie))

    b.initialize_block()
    do(b, TRANSFER, {"dest": a.alice, "value": 1 * u}, root(), outcome="BadOrigin")
    do(
        b,
        LEGACY,
        {"dest": a.alice, "value": 445 * u},
        signed(a.ferdie),
        events=[
            "System.KilledAccount",
            ev("Balances.DustLost", amount=5 * u),
            tr(a.ferdie, a.alice, 445 * u),
        ],
    )
    b.finalize_block(observe=watch(a.alice, a.bob, a.charlie, a.dave, a.eve, a.ferdie))
    expect(b, a.alice, free=(1000 - 250 + 10 + 445) * u)
    expect(b, a.bob, free=(1000 - 50 - 450) * u)
    expect(b, a.charlie, free=(1000 + 285 - 10) * u)
    expect(b, a.dave, exists=False)
    expect(b, a.eve, free=10 * u)
    expect(b, a.ferdie, exists=False)
    expect_issuance(b, 3000 * u - 10 * u)


@case(
    suite=SUITE,
    handler="scenario",
    presets=BOTH,
    clauses=("BAL-5", "BAL-21", "BAL-22", "BAL-23", "BAL-24"),
    block=1,
)
def lock_lifecycle(b: CaseBuilder) -> None:
    """A lock is set, extended, overlapped by a second one, lowered and removed, across blocks;
    transfers are refused or allowed by the frozen amount of the moment."""
    a = setup(b)
    u = a.u
    lock(b, a.alice, 400 * u, DEMOCRACY, events=[ev("Balances.Locked", amount=400 * u)])
    transfer(b, a.alice, a.bob, 601 * u, outcome="Token.Frozen")
    extend(b, a.alice, 600 * u, DEMOCRACY, events=[ev("Balances.Locked", amount=200 * u)])
    transfer(b, a.alice, a.bob, 401 * u, outcome="Token.Frozen")
    b.finalize_block(observe=[*watch(a.alice), ("locks", a.alice)])

    b.initialize_block()
    lock(b, a.alice, 300 * u, ELECTIONS, events=[])
    do(
        b,
        REMOVE_LOCK,
        {"lock_id": DEMOCRACY, "who": a.alice},
        OPS,
        events=[ev("Balances.Unlocked", amount=300 * u)],
    )
    transfer(b, a.alice, a.bob, 700 * u, events=[tr(a.alice, a.bob, 700 * u)])
    b.finalize_block(observe=[*watch(a.alice), ("locks", a.alice)])

    b.initialize_block()
    transfer(b, a.alice, a.bob, 1 * u, outcome="Token.Frozen")
    extend(b, a.alice, 100 * u, ELECTIONS, reasons="Fee", events=[])
    do(
        b,
        REMOVE_LOCK,
        {"lock_id": ELECTIONS, "who": a.alice},
        OPS,
        events=[ev("Balances.Unlocked", amount=300 * u)],
    )
    transfer(
        b, a.alice, a.bob, 300 * u, events=["System.KilledAccount", tr(a.alice, a.bob, 300 * u)]
    )
    b.finalize_block(observe=[*watch(a.alice, a.bob), ("locks", a.alice)])
    expect(b, a.alice, exists=False)
    expect_locks(b, a.alice, [])
    expect_issuance(b, 3000 * u)


@case(
    suite=SUITE,
    handler="scenario",
    presets=BOTH,
    clauses=("BAL-4", "BAL-5", "BAL-16", "BAL-17", "BAL-21", "BAL-27"),
    block=1,
)
def lock_and_reserve_interplay(b: CaseBuilder) -> None:
    """fungible and Currency disagree about locks: with free 800u, reserved 200u and an 800u lock,
    a transfer of 200u is allowed (the lock bounds the total) but a Currency withdrawal or
    reserve of 100u is refused (the lock bounds the free balance)."""
    a = setup(b)
    u = a.u
    reserve(b, a.alice, 200 * u)
    lock(b, a.alice, 800 * u)
    expect(b, a.alice, free=800 * u, reserved=200 * u, frozen=800 * u, consumers=2)
    withdraw(b, a.alice, 100 * u, False, outcome="Balances.LiquidityRestrictions")
    reserve(b, a.alice, 100 * u, outcome="Balances.LiquidityRestrictions")
    transfer(b, a.alice, a.bob, 201 * u, outcome="Token.Frozen")
    transfer(
        b, a.alice, a.bob, 200 * u, events=[tr(a.alice, a.bob, 200 * u)], observe=watch(a.alice)
    )
    b.next_block()
    do(
        b,
        UNRESERVE,
        {"who": a.alice, "value": 200 * u},
        OPS,
        events=[ev("Balances.Unreserved", amount=200 * u)],
        returned=0,
        check_returned=True,
    )
    expect(b, a.alice, free=800 * u, reserved=0, frozen=800 * u, consumers=2)
    transfer(b, a.alice, a.bob, 1 * u, outcome="Token.Frozen")
    withdraw(b, a.alice, 1 * u, False, outcome="Balances.LiquidityRestrictions")
    lock(b, a.alice, 0, events=[ev("Balances.Unlocked", amount=800 * u)])
    expect(b, a.alice, consumers=0)
    withdraw(
        b,
        a.alice,
        800 * u,
        False,
        events=["Balances.Withdraw", "System.KilledAccount"],
        observe=watch(a.alice),
    )
    b.finalize_block()
    expect_issuance(b, 3000 * u - 800 * u)


@case(
    suite=SUITE,
    handler="scenario",
    presets=BOTH,
    clauses=("BAL-2", "BAL-8", "BAL-14", "BAL-19", "BAL-25", "BAL-26", "BAL-27", "BAL-28"),
    block=1,
)
def issuance_bookkeeping(b: CaseBuilder) -> None:
    """Every way the total issuance moves, one after the other, with the running total checked
    after each step: mint, burn, slash, withdraw, deposits, force_set_balance and dust."""
    a = setup(b)
    u = a.u
    total = 3000 * u
    mint(b, a.alice, 200 * u, observe=[("total_issuance",)])
    total += 200 * u
    expect_issuance(b, total)
    burn(b, a.bob, 100 * u, observe=[("total_issuance",)])
    total -= 100 * u
    expect_issuance(b, total)
    reserve(b, a.charlie, 300 * u)
    do(b, SLASH, {"who": a.charlie, "value": 120 * u}, OPS, observe=[("total_issuance",)])
    total -= 120 * u
    expect_issuance(b, total)
    b.next_block()
    withdraw(b, a.alice, 50 * u, True, observe=[("total_issuance",)])
    total -= 50 * u
    expect_issuance(b, total)
    deposit(b, DEPOSIT_CREATING, a.dave, 70 * u, observe=[("total_issuance",)])
    total += 70 * u
    deposit(b, DEPOSIT_CREATING, a.eve, 7 * u, events=[])  # dropped: below the ED
    deposit(b, DEPOSIT_EXISTING, a.dave, 30 * u, observe=[("total_issuance",)])
    total += 30 * u
    expect_issuance(b, total)
    b.next_block()
    set_balance(b, a.bob, 2000 * u, observe=[("total_issuance",)])
    total += 2000 * u - 900 * u
    expect_issuance(b, total)
    set_balance(b, a.dave, 0, observe=[("total_issuance",)])
    total -= 100 * u
    expect_issuance(b, total)
    transfer(
        b,
        a.alice,
        a.eve,
        1145 * u,
        events=[
            "System.KilledAccount",
            ev("Balances.DustLost", amount=5 * u),
            "System.NewAccount",
            "Balances.Endowed",
            tr(a.alice, a.eve, 1145 * u),
        ],
    )
    total -= 5 * u
    b.finalize_block(observe=watch(a.alice, a.bob, a.charlie, a.dave, a.eve))
    expect_issuance(b, total)
    held = sum(
        account_info(b.chain, who).data.total for who in (a.alice, a.bob, a.charlie, a.dave, a.eve)
    )
    if held != total:
        raise AuthoringError(f"balances sum to {held}, the issuance is {total}")


@case(
    suite=SUITE,
    handler="scenario",
    presets=MINIMAL,
    clauses=("BAL-21", "BAL-22", "BAL-24", "BAL-28", "SYS-5"),
    block=1,
)
def lock_on_empty_account_does_not_freeze_later_deposit(b: CaseBuilder) -> None:
    """Quirk: a lock set on an account with no provider is stored without a frozen amount; funds
    deposited later are not frozen by it until the locks are next updated."""
    a = setup(b)
    u = a.u
    lock(b, a.dave, 300 * u, events=[ev("Balances.Locked", who=a.dave, amount=300 * u)])
    deposit(
        b,
        DEPOSIT_CREATING,
        a.dave,
        500 * u,
        events=["Balances.Deposit", "System.NewAccount", "Balances.Endowed"],
        observe=[*watch(a.dave), ("locks", a.dave)],
    )
    expect(b, a.dave, free=500 * u, frozen=0, consumers=0)
    b.next_block()
    transfer(b, a.dave, a.bob, 400 * u, events=[tr(a.dave, a.bob, 400 * u)])
    extend(
        b,
        a.dave,
        50 * u,
        reasons="Fee",
        events=[ev("Balances.Locked", who=a.dave, amount=300 * u)],
        observe=[*watch(a.dave), ("locks", a.dave)],
    )
    expect(b, a.dave, free=100 * u, frozen=300 * u, consumers=1)
    transfer(b, a.dave, a.bob, 1 * u, outcome="Token.Frozen")
    do(
        b,
        REMOVE_LOCK,
        {"lock_id": DEMOCRACY, "who": a.dave},
        OPS,
        events=[ev("Balances.Unlocked", amount=300 * u)],
        observe=watch(a.dave),
    )
    expect(b, a.dave, frozen=0, consumers=0)


@case(
    suite=SUITE,
    handler="scenario",
    presets=MINIMAL,
    clauses=("BAL-2", "BAL-5", "BAL-14", "BAL-26"),
    block=1,
)
def saturated_issuance(b: CaseBuilder) -> None:
    """force_set_balance saturates the issuance at 2^128-1; after alice is wiped, bob holds more
    than the whole issuance: transferring or burning more than it fails with
    Arithmetic.Underflow and Arithmetic.Overflow respectively, less than it works."""
    a = setup(b)
    u = a.u
    set_balance(b, a.bob, U128_MAX)
    expect_issuance(b, U128_MAX)
    set_balance(b, a.alice, 0, events=["System.KilledAccount", "Balances.BalanceSet"])
    issuance = U128_MAX - 1000 * u
    expect_issuance(b, issuance)
    b.finalize_block(observe=watch(a.bob))

    b.initialize_block()
    transfer(b, a.bob, a.charlie, issuance + 1, outcome="Arithmetic.Underflow")
    burn(b, a.bob, issuance + 1, outcome="Arithmetic.Overflow")
    burn(b, a.bob, issuance, events=[ev("Balances.Burned", amount=issuance)], observe=watch(a.bob))
    expect_issuance(b, 0)
    expect(b, a.bob, free=1000 * u)
    transfer(b, a.bob, a.charlie, 1 * u, outcome="Arithmetic.Underflow")
    b.finalize_block(observe=watch(a.bob, a.charlie))


@case(
    suite=SUITE,
    handler="scenario",
    presets=MINIMAL,
    clauses=("BAL-3", "BAL-8", "BAL-17", "BAL-18", "SYS-3", "SYS-4", "SYS-5"),
    block=1,
)
def reference_counts_through_an_account_life(b: CaseBuilder) -> None:
    """dave is created, reserves, locks, is refused reaping while he has consumers, releases them
    and is reaped, then created again: each step's providers and consumers follow the rules."""
    a = setup(b)
    u = a.u
    transfer(b, a.alice, a.dave, 100 * u)
    expect(b, a.dave, providers=1, consumers=0)
    reserve(b, a.dave, 30 * u)
    expect(b, a.dave, providers=1, consumers=1)
    lock(b, a.dave, 20 * u)
    expect(b, a.dave, providers=1, consumers=2)
    transfer(b, a.dave, a.alice, 70 * u, outcome="Token.OnlyProvider")
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.alice, "keep_alive": False},
        signed(a.dave),
        events=[tr(a.dave, a.alice, 60 * u)],
        observe=watch(a.dave),
    )
    b.next_block()
    do(b, REMOVE_LOCK, {"lock_id": DEMOCRACY, "who": a.dave}, OPS)
    expect(b, a.dave, providers=1, consumers=1)
    do(b, UNRESERVE, {"who": a.dave, "value": 30 * u}, OPS)
    expect(b, a.dave, providers=1, consumers=0, free=40 * u)
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.alice, "keep_alive": False},
        signed(a.dave),
        events=["System.KilledAccount", tr(a.dave, a.alice, 40 * u)],
        observe=watch(a.dave),
    )
    expect(b, a.dave, exists=False, providers=0, consumers=0)
    b.next_block()
    transfer(
        b,
        a.bob,
        a.dave,
        10 * u,
        events=["System.NewAccount", "Balances.Endowed", tr(a.bob, a.dave, 10 * u)],
        observe=watch(a.dave),
    )
    expect(b, a.dave, exists=True, providers=1, consumers=0, free=10 * u)
    b.finalize_block()
    expect_issuance(b, 3000 * u)


@case(suite=SUITE, handler="scenario", presets=MINIMAL, clauses=("CHAIN-2", "CHAIN-7"), block=1)
def operations_need_a_pallet_origin(b: CaseBuilder) -> None:
    """The trait operations are not extrinsics: signed, root and unsigned origins all get
    BadOrigin, whatever else is wrong with the call."""
    a = setup(b)
    u = a.u
    calls: list[tuple[str, dict[str, Any]]] = [
        (RESERVE, {"who": a.alice, "value": 5000 * u}),
        (UNRESERVE, {"who": a.alice, "value": 10 * u}),
        (SLASH, {"who": a.alice, "value": 10 * u}),
        (
            REPATRIATE,
            {"slashed": a.alice, "beneficiary": a.dave, "value": 10 * u, "status": "Free"},
        ),
        (SET_LOCK, {"lock_id": DEMOCRACY, "who": a.alice, "amount": 10 * u, "reasons": "All"}),
        (EXTEND_LOCK, {"lock_id": DEMOCRACY, "who": a.alice, "amount": 10 * u, "reasons": "All"}),
        (REMOVE_LOCK, {"lock_id": DEMOCRACY, "who": a.alice}),
        (MINT, {"who": a.dave, "amount": 1 * u}),
        (BURN, {"who": a.alice, "amount": 5000 * u}),
        (WITHDRAW, {"who": a.alice, "value": 995 * u, "keep_alive": True}),
        (DEPOSIT_CREATING, {"who": a.alice, "value": 10 * u}),
        (DEPOSIT_EXISTING, {"who": a.dave, "value": 10 * u}),
    ]
    origins = [signed(a.alice), root(), none_origin()]
    for i, (call, args) in enumerate(calls):
        do(b, call, args, origins[i % len(origins)], outcome="BadOrigin")
    b.finalize_block(observe=watch(a.alice, a.dave))
    expect_issuance(b, 3000 * u)


@case(
    suite=SUITE,
    handler="scenario",
    presets=("phala",),
    clauses=("BAL-10", "BAL-11", "BAL-13", "BAL-17", "BAL-22"),
    block=1,
)
def phala_genesis_accounts(b: CaseBuilder) -> None:
    """On the production genesis (1,000,000 PHA per dev account, the rest with the foundation,
    1e9 PHA in total): a 1 PHA payment, a keep-alive sweep leaving the 0.01 PHA ED, a staking
    lock and a reserve, and a fresh account funded with exactly the ED."""
    pha = 10**12
    ed = b.config.existential_deposit
    alice, bob, foundation = b.account("alice"), b.account("bob"), b.account("foundation")
    zed = fresh("zed")
    expect_issuance(b, 10**9 * pha)
    transfer(b, alice, bob, 1 * pha, events=[tr(alice, bob, 1 * pha)], observe=watch(alice, bob))
    do(
        b,
        KEEP_ALIVE,
        {"dest": zed, "value": ed - 1},
        signed(foundation),
        outcome="Token.BelowMinimum",
    )
    do(
        b,
        KEEP_ALIVE,
        {"dest": zed, "value": ed},
        signed(foundation),
        events=[
            "System.NewAccount",
            ev("Balances.Endowed", account=zed, free_balance=ed),
            tr(foundation, zed, ed),
        ],
        observe=watch(zed),
    )
    b.next_block()
    lock(b, bob, 500_000 * pha, STAKING, events=[ev("Balances.Locked", amount=500_000 * pha)])
    reserve(b, bob, 200_000 * pha)
    do(
        b,
        TRANSFER_ALL,
        {"dest": alice, "keep_alive": True},
        signed(bob),
        events=[tr(bob, alice, 1_000_001 * pha - 500_000 * pha)],
        observe=watch(alice, bob),
    )
    expect(b, bob, free=300_000 * pha, reserved=200_000 * pha, frozen=500_000 * pha)
    do(
        b,
        TRANSFER_ALL,
        {"dest": alice, "keep_alive": True},
        signed(zed),
        events=[tr(zed, alice, 0)],
    )
    b.finalize_block(observe=watch(alice, bob, zed))
    expect_issuance(b, 10**9 * pha)


# --- consumer references at their edges [BAL-3] [SYS-5] -----------------------------------


@case(
    suite=SUITE, handler="scenario", presets=MINIMAL, clauses=("BAL-3", "SYS-5", "BAL-21"), block=1
)
def one_unit_reserved_or_frozen_consumes(b: CaseBuilder) -> None:
    """An account consumes while anything at all is reserved or frozen [BAL-3]: alice reserves a
    single unit (one consumer) and bob locks a single unit (two consumers: the frozen amount and
    the lock entry). A transfer from each changes neither count: both were consuming before and
    still are."""
    a = setup(b)
    reserve(b, a.alice, 1)
    expect(b, a.alice, reserved=1, consumers=1)
    transfer(b, a.alice, a.charlie, 100 * a.u, observe=watch(a.alice))
    expect(b, a.alice, reserved=1, consumers=1)
    lock(b, a.bob, 1)
    expect(b, a.bob, frozen=1, consumers=2)
    transfer(b, a.bob, a.charlie, 100 * a.u, observe=watch(a.bob))
    expect(b, a.bob, frozen=1, consumers=2)


@case(
    suite=SUITE,
    handler="scenario",
    presets=MINIMAL,
    clauses=("BAL-3", "BAL-21", "BAL-22", "SYS-5"),
    block=1,
)
def lock_entry_consumer_without_frozen_amount(b: CaseBuilder) -> None:
    """With max_consumers 0, alice's lock cannot write its frozen amount (the consumer it needs
    is refused, and the refusal ignored [BAL-21]), yet the lock entry takes its consumer without
    a limit: frozen 0, one consumer. A later transfer from alice neither consumed before nor
    consumes after, so it leaves that consumer alone."""
    a = setup(b, config={"max_consumers": 0})
    lock(b, a.alice, 300 * a.u)
    expect(b, a.alice, frozen=0, consumers=1)
    transfer(b, a.alice, a.bob, 100 * a.u, observe=watch(a.alice))
    expect(b, a.alice, free=900 * a.u, frozen=0, consumers=1)


@case(
    suite=SUITE,
    handler="scenario",
    presets=MINIMAL,
    clauses=("BAL-3", "BAL-21", "BAL-22", "BAL-24", "SYS-5"),
    block=1,
)
def reserve_left_without_a_consumer_gets_one_back(b: CaseBuilder) -> None:
    """Production's defensive bump [BAL-3] step 4, reached: a lock set on dave before he has a
    provider is stored without its entry consumer. Funded, then locked again, dave takes one
    consumer, for the frozen amount. He reserves 10u (already consuming: no new consumer), and
    the lock's removal gives back the entry consumer he never took: dave holds a reserve with 0
    consumers. The next change of his account, a transfer, finds him consuming with no consumer
    and takes one."""
    a = setup(b)
    lock(b, a.dave, 300 * a.u)
    transfer(b, a.alice, a.dave, 500 * a.u)
    expect(b, a.dave, frozen=0, consumers=0)
    lock(b, a.dave, 300 * a.u)
    expect(b, a.dave, frozen=300 * a.u, consumers=1)
    reserve(b, a.dave, 10 * a.u)
    expect(b, a.dave, reserved=10 * a.u, consumers=1)
    do(b, REMOVE_LOCK, {"lock_id": DEMOCRACY, "who": a.dave}, OPS, observe=watch(a.dave))
    expect(b, a.dave, reserved=10 * a.u, frozen=0, consumers=0)
    transfer(b, a.dave, a.bob, 100 * a.u, observe=watch(a.dave))
    expect(b, a.dave, free=390 * a.u, reserved=10 * a.u, consumers=1)


@case(
    suite=SUITE,
    handler="scenario",
    presets=MINIMAL,
    clauses=("BAL-2", "BAL-5", "BAL-6", "BAL-7", "BAL-9", "BAL-11", "BAL-25"),
    block=1,
)
def balances_at_the_u128_edges(b: CaseBuilder) -> None:
    """force_set_balance saturates the issuance: bob is set to 2^128-1 - 10, then alice and
    charlie are wiped, so bob holds more than the issuance (2^128-1 - 2000u). Minting 10 brings
    bob to exactly 2^128-1, which is allowed; minting 1 more is Arithmetic.Overflow, though the
    issuance could take it. A transfer of exactly the whole issuance passes the underflow check
    (only more than the issuance underflows): bob pays it to dave. A transfer that brings dave
    to exactly 2^128-1 is allowed. A keep-alive transfer of 0 from
    eve, who has nothing, succeeds: a zero withdrawal has no consequence."""
    a = setup(b)
    u = a.u
    set_balance(b, a.bob, U128_MAX - 10)
    expect_issuance(b, U128_MAX)
    set_balance(b, a.alice, 0)
    set_balance(b, a.charlie, 0)
    expect_issuance(b, U128_MAX - 2000 * u)
    mint(b, a.bob, 10, observe=watch(a.bob))
    expect(b, a.bob, free=U128_MAX)
    mint(b, a.bob, 1, outcome="Arithmetic.Overflow")
    issuance = b.chain.balances.total_issuance
    check(issuance == U128_MAX - 2000 * u + 10, "the mint of 10 counted")
    transfer(b, a.bob, a.dave, issuance, observe=watch(a.bob, a.dave))
    expect(b, a.dave, free=issuance)
    rest = U128_MAX - issuance
    expect(b, a.bob, free=rest)
    transfer(b, a.bob, a.dave, rest, observe=watch(a.bob, a.dave))
    expect(b, a.dave, free=U128_MAX)
    expect(b, a.bob, exists=False)
    do(b, KEEP_ALIVE, {"dest": a.bob, "value": 0}, signed(a.eve), observe=watch(a.eve, a.bob))
