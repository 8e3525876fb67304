"""Authored vectors for pallet-balances and frame_system refcounting [BAL-1]..[BAL-29] [SYS-1]..[SYS-5].

Every case is written against the rules of ``spec/balances.md``, not against
whatever the reference prints: each call states the outcome it must have and,
where it matters, the events (names in order, with the fields the rule fixes),
the balances, the reference counters and the total issuance that the rule
implies. The builder checks them while generating, so a reference that drifts
from the rules fails generation instead of silently rewriting the vectors.

Amounts are written in a *unit* ``u`` that is a tenth of the existential
deposit: in ``minimal`` (ED 10) ``u`` is 1, in ``phala`` (ED 0.01 PHA) it is
10^9, so the same story holds in both presets with exact production numbers.
The standard genesis endows alice, bob and charlie with 1000u each; dave, eve
and ferdie are never endowed ("fresh") unless a case says otherwise.

Handlers are the call name without the pallet; ``scenario`` holds stories of
several blocks and calls, and the origin checks of the trait operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from phala_spec.chain.system import account_exists, account_info
from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    case,
    none_origin,
    pallet,
    root,
    signed,
)
from phala_spec.primitives.arith import U128_MAX
from phala_spec.primitives.codec import blake2b_256
from phala_spec.runtime.block import apply_call
from phala_spec.steps import decode_origin

SUITE = "balances"
MINIMAL = ("minimal",)
BOTH = ("minimal", "phala")

# The pallet on whose behalf trait operations are called; any pallet will do.
OPS = pallet("Caller")

TRANSFER = "Balances.transfer_allow_death"
LEGACY = "Balances.transfer"
KEEP_ALIVE = "Balances.transfer_keep_alive"
FORCE_TRANSFER = "Balances.force_transfer"
TRANSFER_ALL = "Balances.transfer_all"
SET_BALANCE = "Balances.force_set_balance"
FORCE_UNRESERVE = "Balances.force_unreserve"
RESERVE = "Balances.reserve"
UNRESERVE = "Balances.unreserve"
SLASH = "Balances.slash_reserved"
REPATRIATE = "Balances.repatriate_reserved"
SET_LOCK = "Balances.set_lock"
EXTEND_LOCK = "Balances.extend_lock"
REMOVE_LOCK = "Balances.remove_lock"
MINT = "Balances.mint_into"
BURN = "Balances.burn_from"
WITHDRAW = "Balances.withdraw"
DEPOSIT_CREATING = "Balances.deposit_creating"
DEPOSIT_EXISTING = "Balances.deposit_into_existing"

# Lock identifiers as production pallets use them (8 bytes).
DEMOCRACY = b"democrac"
ELECTIONS = b"phrelect"
STAKING = b"stkpool_"


# --- Helpers ---------------------------------------------------------------------------


class Accounts:
    """The cast of a case: three endowed accounts, three fresh ones, and the unit ``u``."""

    def __init__(self, b: CaseBuilder) -> None:
        self.alice = b.account("alice")
        self.bob = b.account("bob")
        self.charlie = b.account("charlie")
        self.dave = b.account("dave")
        self.eve = b.account("eve")
        self.ferdie = b.account("ferdie")
        self.ed = b.config.existential_deposit
        self.u = self.ed // 10


def setup(
    b: CaseBuilder,
    config: Mapping[str, int] | None = None,
    balances: Mapping[str, int] | None = None,
) -> Accounts:
    """The standard genesis: alice, bob and charlie hold 1000u each (``balances`` in u overrides)."""
    u = b.config.existential_deposit // 10
    amounts = {"alice": 1000, "bob": 1000, "charlie": 1000} if balances is None else balances
    b.genesis(config=config, balances=[(name, units * u) for name, units in amounts.items()])
    return Accounts(b)


def fresh(name: str) -> bytes:
    """An account id no preset endows."""
    return blake2b_256(b"phala-spec/vectors/balances/" + name.encode())


def watch(*accounts: bytes) -> list[tuple[Any, ...]]:
    """Observations: balance and reference counters of each account, then the total issuance."""
    views: list[tuple[Any, ...]] = []
    for who in accounts:
        views += [("balance", who), ("account", who)]
    return [*views, ("total_issuance",)]


Expected = str | tuple[str, Mapping[str, Any]]


def do(
    b: CaseBuilder,
    call: str,
    args: Mapping[str, Any],
    origin: Mapping[str, Any],
    *,
    outcome: str = "ok",
    events: Sequence[Expected] | None = None,
    returned: Any = None,
    check_returned: bool = False,
    observe: Iterable[Sequence[Any]] = (),
) -> None:
    """Apply a call and check, at generation time, the outcome the rules require.

    ``events`` lists the events in order, each a name or ``(name, fields)``
    where ``fields`` is the subset of fields the rule fixes. A rejected call
    must leave no events and the state exactly as it was.
    """
    before = b.chain
    b.call(call, dict(args), origin=origin, observe=observe)
    b.expect_outcome(outcome)
    result = apply_call(before, decode_origin(origin), call, dict(args))
    got = [(e.name, dict(e.fields)) for e in result.events]
    if outcome != "ok":
        if got or result.state is not before:
            raise AuthoringError(f"{call}: a rejected call must change nothing, got {got}")
        return
    if events is not None:
        want = [(e, {}) if isinstance(e, str) else e for e in events]
        names = [name for name, _ in got]
        if names != [name for name, _ in want]:
            raise AuthoringError(f"{call}: events {names}, the rules give {[n for n, _ in want]}")
        for (name, fields), (_, expected_fields) in zip(got, want, strict=True):
            for key, value in expected_fields.items():
                if fields.get(key) != value:
                    raise AuthoringError(
                        f"{call}: {name}.{key} is {fields.get(key)!r}, the rules give {value!r}"
                    )
    if check_returned and result.returned != returned:
        raise AuthoringError(f"{call}: returned {result.returned!r}, the rules give {returned!r}")


def expect(
    b: CaseBuilder,
    who: bytes,
    *,
    free: int | None = None,
    reserved: int | None = None,
    frozen: int | None = None,
    exists: bool | None = None,
    providers: int | None = None,
    consumers: int | None = None,
) -> None:
    """Check an account's balances and counters against the values the rules give."""
    info = account_info(b.chain, who)
    got = {
        "free": info.data.free,
        "reserved": info.data.reserved,
        "frozen": info.data.frozen,
        "exists": account_exists(b.chain, who),
        "providers": info.providers,
        "consumers": info.consumers,
    }
    want = {
        "free": free,
        "reserved": reserved,
        "frozen": frozen,
        "exists": exists,
        "providers": providers,
        "consumers": consumers,
    }
    for key, value in want.items():
        if value is not None and got[key] != value:
            raise AuthoringError(f"{key} is {got[key]!r}, the rules give {value!r}")


def expect_issuance(b: CaseBuilder, value: int) -> None:
    got = b.chain.balances.total_issuance
    if got != value:
        raise AuthoringError(f"total issuance is {got}, the rules give {value}")


def expect_locks(b: CaseBuilder, who: bytes, want: Sequence[tuple[bytes, int, str]]) -> None:
    got = [(lock.id, lock.amount, lock.reasons) for lock in b.chain.balances.locks.get(who, ())]
    if got != list(want):
        raise AuthoringError(f"locks are {got}, the rules give {list(want)}")


def transfer(b: CaseBuilder, source: bytes, dest: bytes, value: int, **kw: Any) -> None:
    do(b, TRANSFER, {"dest": dest, "value": value}, signed(source), **kw)


def lock(
    b: CaseBuilder,
    who: bytes,
    amount: int,
    lock_id: bytes = DEMOCRACY,
    reasons: str = "All",
    **kw: Any,
) -> None:
    do(
        b,
        SET_LOCK,
        {"lock_id": lock_id, "who": who, "amount": amount, "reasons": reasons},
        OPS,
        **kw,
    )


def reserve(b: CaseBuilder, who: bytes, value: int, **kw: Any) -> None:
    do(b, RESERVE, {"who": who, "value": value}, OPS, **kw)


def set_balance(b: CaseBuilder, who: bytes, new_free: int, **kw: Any) -> None:
    do(b, SET_BALANCE, {"who": who, "new_free": new_free}, root(), **kw)


def ev(name: str, **fields: Any) -> tuple[str, dict[str, Any]]:
    return (name, fields)


def tr(source: bytes, dest: bytes, amount: int) -> tuple[str, dict[str, Any]]:
    return ("Balances.Transfer", {"from": source, "to": dest, "amount": amount})


# --- transfer_allow_death [BAL-9] [BAL-10] ------------------------------------------------


@case(suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-9", "BAL-10"))
def transfer_between_existing_accounts(b: CaseBuilder) -> None:
    """A transfer between two live accounts moves the amount and emits only Transfer."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=BOTH,
    clauses=("BAL-9", "BAL-10", "BAL-3", "SYS-3"),
)
def transfer_creates_destination(b: CaseBuilder) -> None:
    """Funding a fresh account creates it: System.NewAccount, then Endowed, then Transfer."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(
    suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-10", "BAL-8", "SYS-4")
)
def transfer_reaps_sender_and_burns_dust(b: CaseBuilder) -> None:
    """Leaving 5u (below the ED) reaps the sender: KilledAccount, DustLost 5u, Transfer; the dust
    leaves the total issuance."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-10", "BAL-8", "SYS-4"),
)
def transfer_entire_balance_reaps_without_dust(b: CaseBuilder) -> None:
    """Sending everything reaps the sender with no DustLost and no change of issuance."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-7", "BAL-9"))
def transfer_below_ed_to_new_account_fails(b: CaseBuilder) -> None:
    """A transfer that would create an account below the ED is refused: Token.BelowMinimum."""
    a = setup(b)
    b.initialize_block()
    transfer(
        b, a.alice, a.dave, 5 * a.u, outcome="Token.BelowMinimum", observe=watch(a.alice, a.dave)
    )
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-7", "BAL-9"))
def transfer_below_ed_to_existing_account(b: CaseBuilder) -> None:
    """Any amount may go to an account that already holds at least the ED."""
    a = setup(b)
    b.initialize_block()
    transfer(b, a.alice, a.bob, 5 * a.u, events=[tr(a.alice, a.bob, 5 * a.u)], observe=watch(a.bob))
    expect(b, a.bob, free=1005 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-5", "BAL-9"))
def transfer_more_than_free_balance(b: CaseBuilder) -> None:
    """Sending more than the free balance (but less than the issuance) is Token.FundsUnavailable."""
    a = setup(b)
    b.initialize_block()
    transfer(
        b, a.alice, a.bob, 1001 * a.u, outcome="Token.FundsUnavailable", observe=watch(a.alice)
    )
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-5", "BAL-9"))
def transfer_more_than_total_issuance_underflows(b: CaseBuilder) -> None:
    """The issuance check comes first: an amount above the total issuance is Arithmetic.Underflow,
    not Token.FundsUnavailable."""
    a = setup(b)
    b.initialize_block()
    transfer(b, a.alice, a.bob, 3001 * a.u, outcome="Arithmetic.Underflow", observe=watch(a.alice))
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-10", "CHAIN-2"))
def transfer_requires_signed_origin(b: CaseBuilder) -> None:
    """Root cannot call transfer_allow_death: BadOrigin."""
    a = setup(b)
    b.initialize_block()
    do(b, TRANSFER, {"dest": a.bob, "value": 10 * a.u}, root(), outcome="BadOrigin")
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-10", "CHAIN-2"))
def bad_origin_checked_before_funds(b: CaseBuilder) -> None:
    """An unsigned transfer of more than exists is BadOrigin: the origin is checked first."""
    a = setup(b)
    b.initialize_block()
    do(b, TRANSFER, {"dest": a.bob, "value": 5000 * a.u}, none_origin(), outcome="BadOrigin")
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-9",))
def zero_transfer_emits_event(b: CaseBuilder) -> None:
    """A zero transfer succeeds and still emits Transfer with amount 0."""
    a = setup(b)
    b.initialize_block()
    transfer(b, a.alice, a.bob, 0, events=[tr(a.alice, a.bob, 0)], observe=watch(a.alice, a.bob))
    expect(b, a.alice, free=1000 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-9", "BAL-3"))
def zero_transfer_from_empty_account_endows_zero(b: CaseBuilder) -> None:
    """Quirk: a zero transfer from an account with no balance emits Endowed with free_balance 0
    for the sender, which still does not exist afterwards."""
    a = setup(b)
    b.initialize_block()
    transfer(
        b,
        a.dave,
        a.bob,
        0,
        events=[ev("Balances.Endowed", account=a.dave, free_balance=0), tr(a.dave, a.bob, 0)],
        observe=watch(a.dave),
    )
    expect(b, a.dave, exists=False)
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-6", "BAL-9"))
def zero_transfer_to_new_account_creates_nothing(b: CaseBuilder) -> None:
    """A zero transfer to a fresh account does not create it (the best-effort credit is dropped)."""
    a = setup(b)
    b.initialize_block()
    transfer(b, a.alice, a.dave, 0, events=[tr(a.alice, a.dave, 0)], observe=watch(a.dave))
    expect(b, a.dave, exists=False)
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-9",))
def transfer_to_self_is_a_noop(b: CaseBuilder) -> None:
    """A transfer to oneself that passes the checks changes nothing and emits no event."""
    a = setup(b)
    b.initialize_block()
    transfer(b, a.alice, a.alice, 300 * a.u, events=[], observe=watch(a.alice))
    expect(b, a.alice, free=1000 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-5", "BAL-9"))
def transfer_to_self_still_checks_funds(b: CaseBuilder) -> None:
    """The checks run before the self-transfer shortcut: too much is Token.FundsUnavailable."""
    a = setup(b)
    b.initialize_block()
    transfer(b, a.alice, a.alice, 1001 * a.u, outcome="Token.FundsUnavailable")
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-5", "BAL-9"))
def transfer_to_self_may_go_below_ed(b: CaseBuilder) -> None:
    """An expendable transfer to oneself that 'would' leave 5u passes the checks and does nothing."""
    a = setup(b)
    b.initialize_block()
    transfer(b, a.alice, a.alice, 995 * a.u, events=[], observe=watch(a.alice))
    expect(b, a.alice, free=1000 * a.u, exists=True)
    b.finalize_block()


@case(
    suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-5", "BAL-21", "SYS-2")
)
def locked_account_cannot_be_reaped(b: CaseBuilder) -> None:
    """With a lock the account has consumers, so dropping below the ED is WouldDie
    (Token.OnlyProvider), which is checked before the lock itself (Token.Frozen)."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 100 * a.u)
    transfer(b, a.alice, a.bob, 995 * a.u, outcome="Token.OnlyProvider", observe=watch(a.alice))
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-5", "BAL-21"))
def frozen_balance_cannot_move(b: CaseBuilder) -> None:
    """A lock of 500u leaves 500u transferable: 600u is Token.Frozen, 500u succeeds."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 500 * a.u)
    transfer(b, a.alice, a.bob, 600 * a.u, outcome="Token.Frozen")
    transfer(
        b, a.alice, a.bob, 500 * a.u, events=[tr(a.alice, a.bob, 500 * a.u)], observe=watch(a.alice)
    )
    expect(b, a.alice, free=500 * a.u, frozen=500 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-5",))
def insufficient_funds_beats_frozen(b: CaseBuilder) -> None:
    """Above the free balance and against a lock: Token.FundsUnavailable wins over Token.Frozen."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 500 * a.u)
    transfer(b, a.alice, a.bob, 1001 * a.u, outcome="Token.FundsUnavailable")
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=BOTH, clauses=("BAL-7", "BAL-14"))
def transfer_destination_overflow(b: CaseBuilder) -> None:
    """A destination whose free balance would pass 2^128-1 refuses the credit: Arithmetic.Overflow."""
    a = setup(b)
    b.initialize_block()
    set_balance(b, a.bob, U128_MAX - 5 * a.u)
    transfer(b, a.alice, a.bob, 100 * a.u, outcome="Arithmetic.Overflow", observe=watch(a.bob))
    b.finalize_block()


@case(
    suite=SUITE,
    handler="transfer_allow_death",
    presets=MINIMAL,
    clauses=("BAL-7", "BAL-14", "BAL-17"),
)
def transfer_destination_total_overflow(b: CaseBuilder) -> None:
    """The new free balance fits but free + reserved would not: Arithmetic.Overflow."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.bob, 100 * a.u)
    set_balance(b, a.bob, U128_MAX - 150 * a.u)
    transfer(b, a.alice, a.bob, 60 * a.u, outcome="Arithmetic.Overflow", observe=watch(a.bob))
    b.finalize_block()


@case(suite=SUITE, handler="transfer_allow_death", presets=MINIMAL, clauses=("BAL-5", "BAL-7"))
def withdraw_error_beats_deposit_error(b: CaseBuilder) -> None:
    """An empty sender paying 5u to a fresh account fails the source check first:
    Token.FundsUnavailable, not Token.BelowMinimum."""
    a = setup(b)
    b.initialize_block()
    transfer(b, a.dave, a.eve, 5 * a.u, outcome="Token.FundsUnavailable")
    b.finalize_block()


# --- transfer (legacy name) [BAL-10] ------------------------------------------------------


@case(suite=SUITE, handler="transfer", presets=BOTH, clauses=("BAL-10",))
def legacy_transfer_name(b: CaseBuilder) -> None:
    """Balances.transfer is the legacy name of transfer_allow_death."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        LEGACY,
        {"dest": a.bob, "value": 300 * a.u},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 300 * a.u)],
        observe=watch(a.alice, a.bob),
    )
    b.finalize_block()


@case(suite=SUITE, handler="transfer", presets=MINIMAL, clauses=("BAL-10", "BAL-8"))
def legacy_transfer_may_reap(b: CaseBuilder) -> None:
    """Like transfer_allow_death, the legacy call may reap the sender and burn the dust."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


# --- transfer_keep_alive [BAL-11] ---------------------------------------------------------


@case(suite=SUITE, handler="transfer_keep_alive", presets=BOTH, clauses=("BAL-11",))
def keep_alive_transfer(b: CaseBuilder) -> None:
    """A keep-alive transfer that leaves plenty behind works like any transfer."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.bob, "value": 300 * a.u},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 300 * a.u)],
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, free=700 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="transfer_keep_alive", presets=BOTH, clauses=("BAL-5", "BAL-11"))
def keep_alive_below_ed(b: CaseBuilder) -> None:
    """Leaving 5u (below the ED) is refused by keep-alive: Token.NotExpendable."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.bob, "value": 995 * a.u},
        signed(a.alice),
        outcome="Token.NotExpendable",
        observe=watch(a.alice, a.bob),
    )
    b.finalize_block()


@case(suite=SUITE, handler="transfer_keep_alive", presets=BOTH, clauses=("BAL-5", "BAL-11"))
def keep_alive_may_leave_exactly_ed(b: CaseBuilder) -> None:
    """Leaving exactly the ED is allowed."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.bob, "value": 990 * a.u},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 990 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=a.ed, exists=True)
    b.finalize_block()


@case(
    suite=SUITE,
    handler="transfer_keep_alive",
    presets=MINIMAL,
    clauses=("BAL-5", "BAL-11", "BAL-21"),
)
def keep_alive_with_lock_reports_only_provider(b: CaseBuilder) -> None:
    """With a lock, dropping below the ED is WouldDie (Token.OnlyProvider), which wins over
    keep-alive's Token.NotExpendable."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 100 * a.u)
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.bob, "value": 995 * a.u},
        signed(a.alice),
        outcome="Token.OnlyProvider",
    )
    b.finalize_block()


@case(
    suite=SUITE,
    handler="transfer_keep_alive",
    presets=MINIMAL,
    clauses=("BAL-5", "BAL-11", "BAL-21"),
)
def keep_alive_frozen(b: CaseBuilder) -> None:
    """Above the ED but into the locked part: Token.Frozen."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 500 * a.u)
    do(b, KEEP_ALIVE, {"dest": a.bob, "value": 600 * a.u}, signed(a.alice), outcome="Token.Frozen")
    b.finalize_block()


@case(
    suite=SUITE,
    handler="transfer_keep_alive",
    presets=MINIMAL,
    clauses=("BAL-5", "BAL-7", "BAL-11"),
)
def not_expendable_beats_below_minimum(b: CaseBuilder) -> None:
    """Alice holds 15u: sending 8u to a fresh account breaks keep-alive and the destination's
    minimum; the source check wins (Token.NotExpendable)."""
    a = setup(b, balances={"alice": 15, "bob": 1000})
    b.initialize_block()
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.dave, "value": 8 * a.u},
        signed(a.alice),
        outcome="Token.NotExpendable",
    )
    b.finalize_block()


@case(suite=SUITE, handler="transfer_keep_alive", presets=MINIMAL, clauses=("BAL-11", "CHAIN-2"))
def keep_alive_requires_signed_origin(b: CaseBuilder) -> None:
    """Root cannot call transfer_keep_alive: BadOrigin."""
    a = setup(b)
    b.initialize_block()
    do(b, KEEP_ALIVE, {"dest": a.bob, "value": 10 * a.u}, root(), outcome="BadOrigin")
    b.finalize_block()


@case(suite=SUITE, handler="transfer_keep_alive", presets=MINIMAL, clauses=("BAL-9", "BAL-11"))
def keep_alive_to_self_still_checked(b: CaseBuilder) -> None:
    """The keep-alive check runs even for a transfer to oneself: Token.NotExpendable."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        KEEP_ALIVE,
        {"dest": a.alice, "value": 995 * a.u},
        signed(a.alice),
        outcome="Token.NotExpendable",
    )
    b.finalize_block()


# --- force_transfer [BAL-12] --------------------------------------------------------------


@case(suite=SUITE, handler="force_transfer", presets=BOTH, clauses=("BAL-12",))
def force_transfer_moves_funds(b: CaseBuilder) -> None:
    """Root moves funds between two accounts."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="force_transfer", presets=BOTH, clauses=("BAL-12", "BAL-8", "BAL-3"))
def force_transfer_reaps_source_and_creates_dest(b: CaseBuilder) -> None:
    """Event order across two accounts: the source is reaped (KilledAccount, DustLost) before
    the destination is created (NewAccount, Endowed); Transfer comes last."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="force_transfer", presets=MINIMAL, clauses=("BAL-12", "CHAIN-2"))
def force_transfer_requires_root(b: CaseBuilder) -> None:
    """A signed origin cannot force a transfer, not even from its own account: BadOrigin."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        FORCE_TRANSFER,
        {"source": a.alice, "dest": a.bob, "value": 10 * a.u},
        signed(a.alice),
        outcome="BadOrigin",
    )
    b.finalize_block()


@case(suite=SUITE, handler="force_transfer", presets=MINIMAL, clauses=("BAL-12", "BAL-5"))
def force_transfer_respects_locks(b: CaseBuilder) -> None:
    """force_transfer is polite: it cannot move locked funds (Token.Frozen)."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 500 * a.u)
    do(
        b,
        FORCE_TRANSFER,
        {"source": a.alice, "dest": a.bob, "value": 600 * a.u},
        root(),
        outcome="Token.Frozen",
    )
    b.finalize_block()


@case(suite=SUITE, handler="force_transfer", presets=MINIMAL, clauses=("BAL-12", "BAL-5"))
def force_transfer_from_empty_account(b: CaseBuilder) -> None:
    """Root cannot take from an account that has nothing: Token.FundsUnavailable."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        FORCE_TRANSFER,
        {"source": a.dave, "dest": a.bob, "value": 10 * a.u},
        root(),
        outcome="Token.FundsUnavailable",
    )
    b.finalize_block()


# --- transfer_all [BAL-13] ----------------------------------------------------------------


@case(suite=SUITE, handler="transfer_all", presets=BOTH, clauses=("BAL-13", "BAL-4"))
def transfer_all_reaps_sender(b: CaseBuilder) -> None:
    """Without keep-alive everything goes and the sender is reaped."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="transfer_all", presets=BOTH, clauses=("BAL-13", "BAL-4"))
def transfer_all_keep_alive_leaves_ed(b: CaseBuilder) -> None:
    """With keep-alive the ED stays behind."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.bob, "keep_alive": True},
        signed(a.alice),
        events=[tr(a.alice, a.bob, 1000 * a.u - a.ed)],
        observe=watch(a.alice, a.bob),
    )
    expect(b, a.alice, free=a.ed, exists=True)
    b.finalize_block()


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-13", "BAL-4", "BAL-21"))
def transfer_all_leaves_the_lock(b: CaseBuilder) -> None:
    """A 300u lock stays behind (not the ED on top of it: the reducible balance subtracts the
    larger of the two)."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-13", "BAL-4", "SYS-2"))
def transfer_all_with_reserve_keeps_ed(b: CaseBuilder) -> None:
    """A reserve takes a consumer, so even without keep-alive the account must keep the ED."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-13", "BAL-4", "BAL-21"))
def transfer_all_reserve_covers_part_of_lock(b: CaseBuilder) -> None:
    """A lock bounds the total: with 300u reserved, a 500u lock only holds back 200u of free."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-13", "BAL-3"))
def transfer_all_from_empty_account(b: CaseBuilder) -> None:
    """Quirk: transfer_all from an account with nothing transfers 0 and emits Endowed 0."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.bob, "keep_alive": False},
        signed(a.dave),
        events=[ev("Balances.Endowed", account=a.dave, free_balance=0), tr(a.dave, a.bob, 0)],
        observe=watch(a.dave),
    )
    expect(b, a.dave, exists=False)
    b.finalize_block()


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-13", "BAL-7"))
def transfer_all_below_ed_to_new_account(b: CaseBuilder) -> None:
    """Alice holds 15u: keep-alive transfer_all sends 5u, too little to create dave:
    Token.BelowMinimum."""
    a = setup(b, balances={"alice": 15, "bob": 1000})
    b.initialize_block()
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.dave, "keep_alive": True},
        signed(a.alice),
        outcome="Token.BelowMinimum",
    )
    b.finalize_block()


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-13", "CHAIN-2"))
def transfer_all_requires_signed_origin(b: CaseBuilder) -> None:
    """An unsigned transfer_all is BadOrigin."""
    a = setup(b)
    b.initialize_block()
    do(b, TRANSFER_ALL, {"dest": a.bob, "keep_alive": False}, none_origin(), outcome="BadOrigin")
    b.finalize_block()


@case(suite=SUITE, handler="transfer_all", presets=MINIMAL, clauses=("BAL-9", "BAL-13"))
def transfer_all_to_self(b: CaseBuilder) -> None:
    """transfer_all to oneself passes the checks and does nothing."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        TRANSFER_ALL,
        {"dest": a.alice, "keep_alive": False},
        signed(a.alice),
        events=[],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1000 * a.u)
    b.finalize_block()


# --- force_set_balance [BAL-14] -----------------------------------------------------------


@case(suite=SUITE, handler="force_set_balance", presets=BOTH, clauses=("BAL-14", "BAL-2"))
def set_balance_up_mints(b: CaseBuilder) -> None:
    """Raising a balance adds the difference to the total issuance."""
    a = setup(b)
    b.initialize_block()
    set_balance(
        b,
        a.alice,
        1500 * a.u,
        events=[ev("Balances.BalanceSet", who=a.alice, free=1500 * a.u)],
        observe=watch(a.alice),
    )
    expect_issuance(b, 3500 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="force_set_balance", presets=BOTH, clauses=("BAL-14", "BAL-2"))
def set_balance_down_burns(b: CaseBuilder) -> None:
    """Lowering a balance removes the difference from the total issuance."""
    a = setup(b)
    b.initialize_block()
    set_balance(
        b,
        a.alice,
        400 * a.u,
        events=[ev("Balances.BalanceSet", who=a.alice, free=400 * a.u)],
        observe=watch(a.alice),
    )
    expect_issuance(b, 2400 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "SYS-4"))
def set_balance_below_ed_reaps(b: CaseBuilder) -> None:
    """A new balance below the ED is taken as zero: the account is reaped, BalanceSet says 0."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "SYS-3"))
def set_balance_creates_account(b: CaseBuilder) -> None:
    """Setting a balance on a fresh account creates it."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "BAL-3"))
def set_balance_below_ed_on_new_account_endows_zero(b: CaseBuilder) -> None:
    """Quirk: setting 5u on a fresh account stores nothing but emits Endowed 0 and BalanceSet 0."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="force_set_balance", presets=BOTH, clauses=("BAL-14", "SYS-4", "BAL-17"))
def set_balance_zero_with_reserve_fails(b: CaseBuilder) -> None:
    """An account with a reserve has a consumer, so its provider cannot go: ConsumerRemaining."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.alice, 300 * a.u)
    set_balance(b, a.alice, 0, outcome="ConsumerRemaining", observe=watch(a.alice))
    b.finalize_block()


@case(suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "CHAIN-2"))
def set_balance_requires_root(b: CaseBuilder) -> None:
    """A signed origin cannot set balances: BadOrigin."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        SET_BALANCE,
        {"who": a.alice, "new_free": 2000 * a.u},
        signed(a.alice),
        outcome="BadOrigin",
    )
    b.finalize_block()


@case(suite=SUITE, handler="force_set_balance", presets=MINIMAL, clauses=("BAL-14", "BAL-2"))
def set_balance_issuance_saturates(b: CaseBuilder) -> None:
    """The issuance is adjusted with a saturating add: it stops at 2^128-1 even though the balances
    now sum to more."""
    a = setup(b)
    b.initialize_block()
    set_balance(
        b,
        a.bob,
        U128_MAX,
        events=[ev("Balances.BalanceSet", who=a.bob, free=U128_MAX)],
        observe=watch(a.bob),
    )
    expect_issuance(b, U128_MAX)
    b.finalize_block()


# --- force_unreserve [BAL-15] [BAL-18] ----------------------------------------------------


@case(suite=SUITE, handler="force_unreserve", presets=BOTH, clauses=("BAL-15", "BAL-18"))
def force_unreserve_part(b: CaseBuilder) -> None:
    """Root unreserves 100u of a 300u reserve."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(
    suite=SUITE, handler="force_unreserve", presets=MINIMAL, clauses=("BAL-15", "BAL-18", "SYS-5")
)
def force_unreserve_more_than_reserved(b: CaseBuilder) -> None:
    """Asking for more than is reserved unreserves all of it and drops the consumer."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="force_unreserve", presets=MINIMAL, clauses=("BAL-15", "BAL-18"))
def force_unreserve_nothing_reserved_still_emits(b: CaseBuilder) -> None:
    """Quirk: with nothing reserved, Unreserved is still emitted, with amount 0."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        FORCE_UNRESERVE,
        {"who": a.alice, "amount": 100 * a.u},
        root(),
        events=[ev("Balances.Unreserved", who=a.alice, amount=0)],
        observe=watch(a.alice),
    )
    b.finalize_block()


@case(suite=SUITE, handler="force_unreserve", presets=MINIMAL, clauses=("BAL-15", "BAL-18"))
def force_unreserve_unknown_account(b: CaseBuilder) -> None:
    """An account with no balance at all: nothing happens, no event."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        FORCE_UNRESERVE,
        {"who": a.dave, "amount": 100 * a.u},
        root(),
        events=[],
        observe=watch(a.dave),
    )
    b.finalize_block()


@case(suite=SUITE, handler="force_unreserve", presets=MINIMAL, clauses=("BAL-15", "CHAIN-2"))
def force_unreserve_requires_root(b: CaseBuilder) -> None:
    """A signed origin cannot force an unreserve: BadOrigin."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.alice, 300 * a.u)
    do(
        b,
        FORCE_UNRESERVE,
        {"who": a.alice, "amount": 100 * a.u},
        signed(a.alice),
        outcome="BadOrigin",
    )
    b.finalize_block()


# --- reserve [BAL-16] [BAL-17] ------------------------------------------------------------


@case(suite=SUITE, handler="reserve", presets=BOTH, clauses=("BAL-17", "SYS-5"))
def reserve_moves_free_to_reserved(b: CaseBuilder) -> None:
    """Reserving moves free to reserved, takes one consumer and leaves the issuance alone."""
    a = setup(b)
    b.initialize_block()
    reserve(
        b,
        a.alice,
        300 * a.u,
        events=[ev("Balances.Reserved", who=a.alice, amount=300 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=700 * a.u, reserved=300 * a.u, consumers=1, providers=1)
    expect_issuance(b, 3000 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17",))
def reserve_more_than_free(b: CaseBuilder) -> None:
    """Reserving more than the free balance: Balances.InsufficientBalance."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.alice, 1001 * a.u, outcome="Balances.InsufficientBalance")
    b.finalize_block()


@case(suite=SUITE, handler="reserve", presets=BOTH, clauses=("BAL-17", "BAL-3", "SYS-4"))
def reserve_leaving_dust_is_refused(b: CaseBuilder) -> None:
    """Reserving all but 5u would drop the provider of an account that now has a consumer:
    ConsumerRemaining."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.alice, 995 * a.u, outcome="ConsumerRemaining", observe=watch(a.alice))
    b.finalize_block()


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17",))
def reserve_down_to_ed(b: CaseBuilder) -> None:
    """Reserving all but the ED is fine."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.alice, 990 * a.u, events=["Balances.Reserved"], observe=watch(a.alice))
    expect(b, a.alice, free=a.ed, reserved=990 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="reserve", presets=BOTH, clauses=("BAL-16", "BAL-17", "BAL-21"))
def reserve_blocked_by_lock(b: CaseBuilder) -> None:
    """Currency's check: the new *free* balance must cover the lock. Reserving 600u under a 500u
    lock is Balances.LiquidityRestrictions although the total balance would not change."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 500 * a.u)
    reserve(b, a.alice, 600 * a.u, outcome="Balances.LiquidityRestrictions")
    reserve(b, a.alice, 500 * a.u, events=["Balances.Reserved"], observe=watch(a.alice))
    expect(b, a.alice, free=500 * a.u, reserved=500 * a.u, frozen=500 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-16", "BAL-17"))
def reserve_insufficient_beats_liquidity(b: CaseBuilder) -> None:
    """Too much and against a lock: Balances.InsufficientBalance is checked first."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 500 * a.u)
    reserve(b, a.alice, 1200 * a.u, outcome="Balances.InsufficientBalance")
    b.finalize_block()


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-16", "BAL-17", "SYS-4"))
def reserve_liquidity_beats_consumer_remaining(b: CaseBuilder) -> None:
    """Leaving 5u under a 100u lock: the lock check (LiquidityRestrictions) comes before the
    reference-count bookkeeping (ConsumerRemaining)."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 100 * a.u)
    reserve(b, a.alice, 995 * a.u, outcome="Balances.LiquidityRestrictions")
    b.finalize_block()


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17",))
def reserve_zero_is_a_noop(b: CaseBuilder) -> None:
    """Reserving zero does nothing and emits nothing, even for an account that does not exist."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.dave, 0, events=[], observe=watch(a.dave))
    expect(b, a.dave, exists=False)
    b.finalize_block()


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17", "SYS-5"))
def reserve_too_many_consumers(b: CaseBuilder) -> None:
    """With max_consumers 0 a reserve cannot take its consumer: TooManyConsumers."""
    a = setup(b, config={"max_consumers": 0})
    b.initialize_block()
    reserve(b, a.alice, 300 * a.u, outcome="TooManyConsumers", observe=watch(a.alice))
    b.finalize_block()


@case(suite=SUITE, handler="reserve", presets=MINIMAL, clauses=("BAL-17", "BAL-14"))
def reserve_overflow(b: CaseBuilder) -> None:
    """force_set_balance does not bound free + reserved, so a reserve can overflow: with 100u
    reserved and 2^128-1 free, reserving 2^128-1 - 50u is Arithmetic.Overflow (checked after the
    free balance and before the locks)."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.bob, 100 * a.u)
    set_balance(b, a.bob, U128_MAX)
    lock(b, a.bob, U128_MAX)
    reserve(b, a.bob, U128_MAX - 50 * a.u, outcome="Arithmetic.Overflow", observe=watch(a.bob))
    b.finalize_block()


# --- unreserve [BAL-18] -------------------------------------------------------------------


@case(suite=SUITE, handler="unreserve", presets=BOTH, clauses=("BAL-18",))
def unreserve_part(b: CaseBuilder) -> None:
    """Unreserve 100u of 300u; nothing is left over (returned 0)."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="unreserve", presets=MINIMAL, clauses=("BAL-18", "SYS-5"))
def unreserve_everything_releases_consumer(b: CaseBuilder) -> None:
    """Asking for 1000u of a 300u reserve unreserves 300u, returns 700u, drops the consumer."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="unreserve", presets=MINIMAL, clauses=("BAL-18",))
def unreserve_without_reserve_emits_zero_event(b: CaseBuilder) -> None:
    """Quirk: Unreserved with amount 0 when nothing is reserved; all of the value is returned."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        UNRESERVE,
        {"who": a.alice, "value": 100 * a.u},
        OPS,
        events=[ev("Balances.Unreserved", who=a.alice, amount=0)],
        returned=100 * a.u,
        check_returned=True,
    )
    b.finalize_block()


@case(suite=SUITE, handler="unreserve", presets=MINIMAL, clauses=("BAL-18",))
def unreserve_unknown_account(b: CaseBuilder) -> None:
    """No balance at all: no event, the whole value is returned."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="unreserve", presets=MINIMAL, clauses=("BAL-18",))
def unreserve_zero(b: CaseBuilder) -> None:
    """Unreserving zero does nothing and returns 0."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.alice, 300 * a.u)
    do(b, UNRESERVE, {"who": a.alice, "value": 0}, OPS, events=[], returned=0, check_returned=True)
    b.finalize_block()


# --- slash_reserved [BAL-19] --------------------------------------------------------------


@case(suite=SUITE, handler="slash_reserved", presets=BOTH, clauses=("BAL-19", "BAL-2"))
def slash_part_of_reserve(b: CaseBuilder) -> None:
    """Slashing 100u of a 300u reserve burns it from the total issuance."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="slash_reserved", presets=MINIMAL, clauses=("BAL-19", "BAL-2", "SYS-5"))
def slash_more_than_reserved(b: CaseBuilder) -> None:
    """Slashing 500u of a 300u reserve burns 300u, returns 200u and drops the consumer."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="slash_reserved", presets=MINIMAL, clauses=("BAL-19",))
def slash_without_reserve(b: CaseBuilder) -> None:
    """Nothing reserved: Slashed with amount 0, the whole value returned, free untouched."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="slash_reserved", presets=MINIMAL, clauses=("BAL-19",))
def slash_unknown_account(b: CaseBuilder) -> None:
    """No balance at all: no event, the whole value returned."""
    a = setup(b)
    b.initialize_block()
    do(
        b,
        SLASH,
        {"who": a.dave, "value": 100 * a.u},
        OPS,
        events=[],
        returned=100 * a.u,
        check_returned=True,
    )
    b.finalize_block()


@case(suite=SUITE, handler="slash_reserved", presets=MINIMAL, clauses=("BAL-19", "BAL-21"))
def slash_ignores_locks(b: CaseBuilder) -> None:
    """Slashing ignores locks: the whole reserve goes even though the total falls below the lock."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


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


@case(suite=SUITE, handler="repatriate_reserved", presets=BOTH, clauses=("BAL-20",))
def repatriate_to_free_balance(b: CaseBuilder) -> None:
    """200u of alice's reserve become bob's free balance."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=BOTH, clauses=("BAL-20", "SYS-5"))
def repatriate_to_reserved_balance(b: CaseBuilder) -> None:
    """Into bob's reserved balance: bob takes a consumer."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20", "SYS-5"))
def repatriate_more_than_reserved(b: CaseBuilder) -> None:
    """Asking for 500u of a 300u reserve moves 300u and returns 200u; alice loses her consumer."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=BOTH, clauses=("BAL-20",))
def repatriate_to_dead_account(b: CaseBuilder) -> None:
    """The beneficiary must exist: Balances.DeadAccount."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.alice, 300 * a.u)
    repatriate(b, a.alice, a.dave, 200 * a.u, "Free", outcome="Balances.DeadAccount")
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20",))
def repatriate_dead_account_checked_even_if_nothing_moves(b: CaseBuilder) -> None:
    """With nothing reserved there is nothing to move, yet a dead beneficiary is still refused."""
    a = setup(b)
    b.initialize_block()
    repatriate(b, a.alice, a.dave, 100 * a.u, "Reserved", outcome="Balances.DeadAccount")
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20",))
def repatriate_zero_to_dead_account_is_ok(b: CaseBuilder) -> None:
    """A zero value returns before any check: ok, no event, even to a dead beneficiary."""
    a = setup(b)
    b.initialize_block()
    repatriate(b, a.alice, a.dave, 0, "Free", events=[], returned=0, check_returned=True)
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20", "BAL-14"))
def repatriate_overflow_free(b: CaseBuilder) -> None:
    """A beneficiary free balance that would pass 2^128-1: Arithmetic.Overflow (after the
    DeadAccount check)."""
    a = setup(b)
    b.initialize_block()
    set_balance(b, a.bob, U128_MAX - 5 * a.u)
    reserve(b, a.alice, 100 * a.u)
    repatriate(b, a.alice, a.bob, 100 * a.u, "Free", outcome="Arithmetic.Overflow")
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20", "BAL-14"))
def repatriate_overflow_reserved(b: CaseBuilder) -> None:
    """A beneficiary reserve that would pass 2^128-1: Arithmetic.Overflow."""
    a = setup(b)
    b.initialize_block()
    set_balance(b, a.bob, U128_MAX)
    reserve(b, a.bob, U128_MAX - 50 * a.u)
    reserve(b, a.alice, 100 * a.u)
    repatriate(b, a.alice, a.bob, 100 * a.u, "Reserved", outcome="Arithmetic.Overflow")
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=BOTH, clauses=("BAL-20", "BAL-21"))
def repatriate_keeps_frozen_part(b: CaseBuilder) -> None:
    """Free 700u, reserved 300u, lock 900u: only 300u - (900u - 700u) = 100u of the reserve can
    move; 200u are returned."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-18", "BAL-20"))
def repatriate_to_self_free_unreserves(b: CaseBuilder) -> None:
    """To oneself into free balance is an unreserve: Unreserved, no ReserveRepatriated."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20",))
def repatriate_to_self_reserved_is_noop(b: CaseBuilder) -> None:
    """To oneself into reserved balance changes nothing and emits nothing."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="repatriate_reserved", presets=MINIMAL, clauses=("BAL-20", "BAL-3"))
def repatriate_from_empty_account_endows_zero(b: CaseBuilder) -> None:
    """Quirk: from an account with no balance, 0 moves; the source gets Endowed 0 and the
    ReserveRepatriated event reports 0; the whole value is returned."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


# --- set_lock [BAL-21] [BAL-22] -----------------------------------------------------------


@case(suite=SUITE, handler="set_lock", presets=BOTH, clauses=("BAL-21", "BAL-22", "SYS-5"))
def set_lock_freezes(b: CaseBuilder) -> None:
    """A lock freezes its amount (Locked) and takes two consumers: one for the frozen balance,
    one for the lock storage."""
    a = setup(b)
    b.initialize_block()
    lock(
        b,
        a.alice,
        300 * a.u,
        events=[ev("Balances.Locked", who=a.alice, amount=300 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, free=1000 * a.u, frozen=300 * a.u, consumers=2)
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "All")])
    b.finalize_block()


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22"))
def set_lock_lowering_unlocks(b: CaseBuilder) -> None:
    """Replacing a 300u lock by 100u: Unlocked 200u."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 300 * a.u)
    lock(
        b,
        a.alice,
        100 * a.u,
        events=[ev("Balances.Unlocked", who=a.alice, amount=200 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=100 * a.u, consumers=2)
    b.finalize_block()


@case(suite=SUITE, handler="set_lock", presets=BOTH, clauses=("BAL-21", "BAL-22"))
def locks_take_the_max_not_the_sum(b: CaseBuilder) -> None:
    """Locks of 300u and 500u freeze 500u, not 800u; lowering the larger to 200u leaves 300u
    frozen."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-22", "BAL-24", "SYS-5"))
def set_lock_zero_amount_removes(b: CaseBuilder) -> None:
    """set_lock with amount 0 removes the lock and gives both consumers back."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-22", "BAL-24"))
def set_lock_no_reasons_removes(b: CaseBuilder) -> None:
    """set_lock with reasons None removes the lock whatever the amount."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22", "BAL-5"))
def set_lock_above_balance(b: CaseBuilder) -> None:
    """A lock may exceed the balance; then nothing at all can be transferred."""
    a = setup(b)
    b.initialize_block()
    lock(
        b,
        a.alice,
        5000 * a.u,
        events=[ev("Balances.Locked", amount=5000 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1000 * a.u, frozen=5000 * a.u)
    transfer(b, a.alice, a.bob, 1 * a.u, outcome="Token.Frozen")
    b.finalize_block()


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22", "SYS-5"))
def set_lock_on_empty_account_is_recorded(b: CaseBuilder) -> None:
    """Quirk: a lock on an account with no provider is stored and reported (Locked), but no account
    record, frozen amount or consumer comes into existence."""
    a = setup(b)
    b.initialize_block()
    lock(
        b,
        a.dave,
        300 * a.u,
        events=[ev("Balances.Locked", who=a.dave, amount=300 * a.u)],
        observe=[*watch(a.dave), ("locks", a.dave)],
    )
    expect(b, a.dave, exists=False, frozen=0, consumers=0)
    expect_locks(b, a.dave, [(DEMOCRACY, 300 * a.u, "All")])
    b.finalize_block()


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22"))
def more_locks_than_max_locks_are_kept(b: CaseBuilder) -> None:
    """max_locks (4 in minimal) is only a warning: a fifth lock is stored like the others."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22"))
def set_lock_same_amount_emits_nothing(b: CaseBuilder) -> None:
    """Re-setting a lock to the same amount (other reasons) changes no frozen amount: no event."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 300 * a.u)
    lock(b, a.alice, 300 * a.u, reasons="Fee", events=[], observe=[("locks", a.alice)])
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "Fee")])
    b.finalize_block()


@case(suite=SUITE, handler="set_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-22", "SYS-5"))
def set_lock_without_consumer_room_skips_freeze(b: CaseBuilder) -> None:
    """Quirk: with max_consumers 0 the frozen amount cannot take its (limited) consumer, so it is
    not written; the lock is stored anyway and takes its unlimited consumer; Locked reports the
    intended 300u."""
    a = setup(b, config={"max_consumers": 0})
    b.initialize_block()
    lock(
        b,
        a.alice,
        300 * a.u,
        events=[ev("Balances.Locked", amount=300 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=0, consumers=1)
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "All")])
    b.finalize_block()


# --- extend_lock [BAL-23] -----------------------------------------------------------------


def extend(
    b: CaseBuilder,
    who: bytes,
    amount: int,
    lock_id: bytes = DEMOCRACY,
    reasons: str = "All",
    **kw: Any,
) -> None:
    do(
        b,
        EXTEND_LOCK,
        {"lock_id": lock_id, "who": who, "amount": amount, "reasons": reasons},
        OPS,
        **kw,
    )


@case(suite=SUITE, handler="extend_lock", presets=BOTH, clauses=("BAL-21", "BAL-23"))
def extend_lock_raises_amount(b: CaseBuilder) -> None:
    """Extending a 300u lock to 500u: Locked 200u."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 300 * a.u)
    extend(
        b,
        a.alice,
        500 * a.u,
        events=[ev("Balances.Locked", who=a.alice, amount=200 * a.u)],
        observe=[*watch(a.alice), ("locks", a.alice)],
    )
    expect(b, a.alice, frozen=500 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="extend_lock", presets=MINIMAL, clauses=("BAL-23",))
def extend_lock_never_lowers(b: CaseBuilder) -> None:
    """Extending a 300u Fee lock with 100u Misc keeps 300u and merges the reasons into All."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 300 * a.u, reasons="Fee")
    extend(b, a.alice, 100 * a.u, reasons="Misc", events=[], observe=[("locks", a.alice)])
    expect(b, a.alice, frozen=300 * a.u)
    expect_locks(b, a.alice, [(DEMOCRACY, 300 * a.u, "All")])
    b.finalize_block()


@case(suite=SUITE, handler="extend_lock", presets=MINIMAL, clauses=("BAL-23", "SYS-5"))
def extend_lock_creates_missing_lock(b: CaseBuilder) -> None:
    """Extending a lock that does not exist creates it."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="extend_lock", presets=MINIMAL, clauses=("BAL-23",))
def extend_lock_zero_is_noop(b: CaseBuilder) -> None:
    """Extending by a zero amount (or with no reasons) does nothing, even without a lock."""
    a = setup(b)
    b.initialize_block()
    extend(b, a.alice, 0, events=[], observe=[("locks", a.alice)])
    extend(b, a.alice, 300 * a.u, reasons="None", events=[])
    expect_locks(b, a.alice, [])
    expect(b, a.alice, consumers=0)
    b.finalize_block()


# --- remove_lock [BAL-24] -----------------------------------------------------------------


@case(suite=SUITE, handler="remove_lock", presets=BOTH, clauses=("BAL-21", "BAL-24", "SYS-5"))
def remove_lock_unfreezes(b: CaseBuilder) -> None:
    """Removing the only lock unfreezes everything and gives back both consumers."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="remove_lock", presets=MINIMAL, clauses=("BAL-21", "BAL-24"))
def remove_lock_keeps_the_others(b: CaseBuilder) -> None:
    """Removing the larger of two locks unfreezes only the difference."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="remove_lock", presets=MINIMAL, clauses=("BAL-24",))
def remove_absent_lock_is_noop(b: CaseBuilder) -> None:
    """Removing a lock that is not there changes nothing."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


# --- mint_into [BAL-25] -------------------------------------------------------------------


def mint(b: CaseBuilder, who: bytes, amount: int, **kw: Any) -> None:
    do(b, MINT, {"who": who, "amount": amount}, OPS, **kw)


@case(suite=SUITE, handler="mint_into", presets=BOTH, clauses=("BAL-25", "BAL-2"))
def mint_into_existing_account(b: CaseBuilder) -> None:
    """Minting raises the balance and the total issuance."""
    a = setup(b)
    b.initialize_block()
    mint(
        b,
        a.alice,
        500 * a.u,
        events=[ev("Balances.Minted", who=a.alice, amount=500 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=1500 * a.u)
    expect_issuance(b, 3500 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="mint_into", presets=MINIMAL, clauses=("BAL-25", "SYS-3"))
def mint_into_creates_account(b: CaseBuilder) -> None:
    """Minting into a fresh account creates it: NewAccount, Endowed, Minted."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="mint_into", presets=BOTH, clauses=("BAL-25", "BAL-6"))
def mint_below_ed_into_new_account_fails(b: CaseBuilder) -> None:
    """Minting less than the ED into a fresh account: Token.BelowMinimum."""
    a = setup(b)
    b.initialize_block()
    mint(b, a.dave, 5 * a.u, outcome="Token.BelowMinimum")
    b.finalize_block()


@case(suite=SUITE, handler="mint_into", presets=MINIMAL, clauses=("BAL-25",))
def mint_overflowing_issuance_fails(b: CaseBuilder) -> None:
    """Minting 2^128-1 on top of a positive issuance: Arithmetic.Overflow."""
    a = setup(b)
    b.initialize_block()
    mint(b, a.alice, U128_MAX, outcome="Arithmetic.Overflow")
    b.finalize_block()


@case(suite=SUITE, handler="mint_into", presets=MINIMAL, clauses=("BAL-25", "BAL-14"))
def mint_issuance_overflow_beats_below_minimum(b: CaseBuilder) -> None:
    """With the issuance saturated, minting 5u into a fresh account is Arithmetic.Overflow (the
    issuance is checked before the ED)."""
    a = setup(b)
    b.initialize_block()
    set_balance(b, a.bob, U128_MAX)
    expect_issuance(b, U128_MAX)
    mint(b, a.dave, 5 * a.u, outcome="Arithmetic.Overflow")
    b.finalize_block()


@case(suite=SUITE, handler="mint_into", presets=MINIMAL, clauses=("BAL-25", "BAL-6"))
def mint_zero(b: CaseBuilder) -> None:
    """Minting zero into a live account emits Minted 0; into a fresh account it is
    Token.BelowMinimum (0 is below the ED)."""
    a = setup(b)
    b.initialize_block()
    mint(b, a.alice, 0, events=[ev("Balances.Minted", who=a.alice, amount=0)])
    mint(b, a.dave, 0, outcome="Token.BelowMinimum")
    expect_issuance(b, 3000 * a.u)
    b.finalize_block()


# --- burn_from [BAL-26] -------------------------------------------------------------------


def burn(b: CaseBuilder, who: bytes, amount: int, **kw: Any) -> None:
    do(b, BURN, {"who": who, "amount": amount}, OPS, **kw)


@case(suite=SUITE, handler="burn_from", presets=BOTH, clauses=("BAL-26", "BAL-2"))
def burn_from_account(b: CaseBuilder) -> None:
    """Burning lowers the balance and the total issuance."""
    a = setup(b)
    b.initialize_block()
    burn(
        b,
        a.alice,
        300 * a.u,
        events=[ev("Balances.Burned", who=a.alice, amount=300 * a.u)],
        observe=watch(a.alice),
    )
    expect(b, a.alice, free=700 * a.u)
    expect_issuance(b, 2700 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="burn_from", presets=BOTH, clauses=("BAL-26", "BAL-8"))
def burn_may_reap_and_burn_dust(b: CaseBuilder) -> None:
    """Burning 995u reaps alice; the 5u of dust are burnt too: the issuance falls by 1000u."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="burn_from", presets=MINIMAL, clauses=("BAL-26",))
def burn_more_than_free_fails(b: CaseBuilder) -> None:
    """Burning more than the balance: Token.FundsUnavailable."""
    a = setup(b)
    b.initialize_block()
    burn(b, a.alice, 1001 * a.u, outcome="Token.FundsUnavailable")
    b.finalize_block()


@case(suite=SUITE, handler="burn_from", presets=MINIMAL, clauses=("BAL-26", "BAL-4", "BAL-21"))
def burn_respects_locks(b: CaseBuilder) -> None:
    """Burning is polite: under a 300u lock only 700u can go (800u is Token.FundsUnavailable)."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="burn_from", presets=MINIMAL, clauses=("BAL-26", "BAL-4", "SYS-2"))
def burn_with_reserve_keeps_ed(b: CaseBuilder) -> None:
    """An account with a reserve must keep the ED: of 700u free only 690u can be burnt."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="burn_from", presets=MINIMAL, clauses=("BAL-26", "BAL-14"))
def burn_issuance_underflow_reports_overflow(b: CaseBuilder) -> None:
    """Quirk: once bob holds more than the whole issuance, burning more than the issuance fails
    with Arithmetic.Overflow (production's label for this underflow)."""
    a = setup(b)
    b.initialize_block()
    set_balance(b, a.bob, U128_MAX)
    set_balance(b, a.alice, 0)
    expect_issuance(b, U128_MAX - 1000 * a.u)
    burn(b, a.bob, U128_MAX - 500 * a.u, outcome="Arithmetic.Overflow", observe=watch(a.bob))
    b.finalize_block()


@case(suite=SUITE, handler="burn_from", presets=MINIMAL, clauses=("BAL-26",))
def burn_zero(b: CaseBuilder) -> None:
    """Burning zero emits Burned 0 and changes nothing."""
    a = setup(b)
    b.initialize_block()
    burn(b, a.alice, 0, events=[ev("Balances.Burned", who=a.alice, amount=0)])
    expect_issuance(b, 3000 * a.u)
    b.finalize_block()


# --- withdraw [BAL-27] --------------------------------------------------------------------


def withdraw(b: CaseBuilder, who: bytes, value: int, keep_alive: bool, **kw: Any) -> None:
    do(b, WITHDRAW, {"who": who, "value": value, "keep_alive": keep_alive}, OPS, **kw)


@case(suite=SUITE, handler="withdraw", presets=BOTH, clauses=("BAL-27", "BAL-2"))
def withdraw_burns(b: CaseBuilder) -> None:
    """A withdrawal takes from the free balance and the total issuance."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="withdraw", presets=BOTH, clauses=("BAL-27", "BAL-8"))
def withdraw_allow_death_reaps(b: CaseBuilder) -> None:
    """Withdraw comes first, then the reaping: Withdraw, KilledAccount, DustLost; the issuance falls
    by the value and the dust."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="withdraw", presets=BOTH, clauses=("BAL-27",))
def withdraw_keep_alive_refuses_to_kill(b: CaseBuilder) -> None:
    """Keep-alive and a remainder below the ED: Balances.Expendability."""
    a = setup(b)
    b.initialize_block()
    withdraw(b, a.alice, 995 * a.u, True, outcome="Balances.Expendability")
    b.finalize_block()


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-27",))
def withdraw_insufficient_beats_expendability(b: CaseBuilder) -> None:
    """More than the free balance, with keep-alive: Balances.InsufficientBalance is first."""
    a = setup(b)
    b.initialize_block()
    withdraw(b, a.alice, 1001 * a.u, True, outcome="Balances.InsufficientBalance")
    b.finalize_block()


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-16", "BAL-27"))
def withdraw_expendability_beats_liquidity(b: CaseBuilder) -> None:
    """Keep-alive broken and a 500u lock violated: Balances.Expendability is first."""
    a = setup(b)
    b.initialize_block()
    lock(b, a.alice, 500 * a.u)
    withdraw(b, a.alice, 995 * a.u, True, outcome="Balances.Expendability")
    withdraw(b, a.alice, 995 * a.u, False, outcome="Balances.LiquidityRestrictions")
    b.finalize_block()


@case(suite=SUITE, handler="withdraw", presets=BOTH, clauses=("BAL-16", "BAL-27", "BAL-21"))
def withdraw_reserve_does_not_cover_lock(b: CaseBuilder) -> None:
    """Currency's check ignores the reserve: free 800u, reserved 200u, lock 800u; withdrawing 100u
    is Balances.LiquidityRestrictions although the total would still cover the lock."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-27", "BAL-3", "SYS-4"))
def withdraw_with_reserve_cannot_reap(b: CaseBuilder) -> None:
    """Withdrawing all free balance of an account with a reserve: ConsumerRemaining."""
    a = setup(b)
    b.initialize_block()
    reserve(b, a.alice, 100 * a.u)
    withdraw(b, a.alice, 900 * a.u, False, outcome="ConsumerRemaining", observe=watch(a.alice))
    b.finalize_block()


@case(suite=SUITE, handler="withdraw", presets=MINIMAL, clauses=("BAL-27",))
def withdraw_zero(b: CaseBuilder) -> None:
    """Withdrawing zero does nothing, even from an account that does not exist."""
    a = setup(b)
    b.initialize_block()
    withdraw(b, a.dave, 0, True, events=[])
    b.finalize_block()


# --- deposit_creating / deposit_into_existing [BAL-28] ------------------------------------


def deposit(b: CaseBuilder, call: str, who: bytes, value: int, **kw: Any) -> None:
    do(b, call, {"who": who, "value": value}, OPS, **kw)


@case(suite=SUITE, handler="deposit_creating", presets=BOTH, clauses=("BAL-28", "BAL-2"))
def deposit_creating_into_existing_account(b: CaseBuilder) -> None:
    """A deposit into a live account raises the balance and the issuance."""
    a = setup(b)
    b.initialize_block()
    deposit(
        b,
        DEPOSIT_CREATING,
        a.alice,
        500 * a.u,
        events=[ev("Balances.Deposit", who=a.alice, amount=500 * a.u)],
        observe=watch(a.alice),
    )
    expect_issuance(b, 3500 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="deposit_creating", presets=BOTH, clauses=("BAL-28", "SYS-3"))
def deposit_creating_new_account(b: CaseBuilder) -> None:
    """Deposit comes before the account's creation events: Deposit, NewAccount, Endowed."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="deposit_creating", presets=BOTH, clauses=("BAL-28",))
def deposit_creating_below_ed_is_dropped(b: CaseBuilder) -> None:
    """Quirk: 5u into a fresh account is silently dropped: ok, no event, no account, no issuance."""
    a = setup(b)
    b.initialize_block()
    deposit(b, DEPOSIT_CREATING, a.dave, 5 * a.u, events=[], observe=watch(a.dave))
    expect(b, a.dave, exists=False)
    expect_issuance(b, 3000 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="deposit_creating", presets=MINIMAL, clauses=("BAL-28",))
def deposit_creating_small_amount_into_existing(b: CaseBuilder) -> None:
    """Below the ED is fine for an account that exists."""
    a = setup(b)
    b.initialize_block()
    deposit(b, DEPOSIT_CREATING, a.alice, 5 * a.u, events=[ev("Balances.Deposit", amount=5 * a.u)])
    expect(b, a.alice, free=1005 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="deposit_creating", presets=MINIMAL, clauses=("BAL-28",))
def deposit_creating_overflow_is_dropped(b: CaseBuilder) -> None:
    """Quirk: a deposit that would overflow the balance is silently dropped."""
    a = setup(b)
    b.initialize_block()
    deposit(b, DEPOSIT_CREATING, a.alice, U128_MAX, events=[], observe=watch(a.alice))
    expect(b, a.alice, free=1000 * a.u)
    expect_issuance(b, 3000 * a.u)
    b.finalize_block()


@case(suite=SUITE, handler="deposit_into_existing", presets=BOTH, clauses=("BAL-28", "BAL-2"))
def deposit_into_existing_account(b: CaseBuilder) -> None:
    """A deposit into a live account raises the balance and the issuance."""
    a = setup(b)
    b.initialize_block()
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
    b.finalize_block()


@case(suite=SUITE, handler="deposit_into_existing", presets=BOTH, clauses=("BAL-28",))
def deposit_into_dead_account_fails(b: CaseBuilder) -> None:
    """deposit_into_existing refuses an account with no balance: Balances.DeadAccount."""
    a = setup(b)
    b.initialize_block()
    deposit(b, DEPOSIT_EXISTING, a.dave, 500 * a.u, outcome="Balances.DeadAccount")
    b.finalize_block()


@case(suite=SUITE, handler="deposit_into_existing", presets=MINIMAL, clauses=("BAL-28",))
def deposit_into_existing_overflow(b: CaseBuilder) -> None:
    """A deposit that would overflow the balance: Arithmetic.Overflow (not dropped here)."""
    a = setup(b)
    b.initialize_block()
    deposit(b, DEPOSIT_EXISTING, a.alice, U128_MAX, outcome="Arithmetic.Overflow")
    b.finalize_block()


@case(suite=SUITE, handler="deposit_into_existing", presets=MINIMAL, clauses=("BAL-28",))
def deposit_zero_into_dead_account_is_ok(b: CaseBuilder) -> None:
    """Zero returns before the existence check: ok, no event."""
    a = setup(b)
    b.initialize_block()
    deposit(b, DEPOSIT_EXISTING, a.dave, 0, events=[])
    b.finalize_block()


# --- scenarios ----------------------------------------------------------------------------


@case(
    suite=SUITE,
    handler="scenario",
    presets=BOTH,
    clauses=("BAL-9", "BAL-10", "BAL-11", "BAL-13", "BAL-8", "SYS-3", "SYS-4"),
)
def payments_over_several_blocks(b: CaseBuilder) -> None:
    """Four blocks of everyday payments between five accounts: creation, keep-alive refusals,
    reaping with dust, re-creation of a reaped account, transfer_all; the issuance only moves by
    the dust burnt."""
    a = setup(b)
    u = a.u
    b.initialize_block()
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
    b.finalize_block()

    b.initialize_block()
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
)
def lock_lifecycle(b: CaseBuilder) -> None:
    """A lock is set, extended, overlapped by a second one, lowered and removed, across blocks;
    transfers are refused or allowed by the frozen amount of the moment."""
    a = setup(b)
    u = a.u
    b.initialize_block()
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
)
def lock_and_reserve_interplay(b: CaseBuilder) -> None:
    """fungible and Currency disagree about locks: with free 800u, reserved 200u and an 800u lock,
    a transfer of 200u is allowed (the lock bounds the total) but a Currency withdrawal or
    reserve of 100u is refused (the lock bounds the free balance)."""
    a = setup(b)
    u = a.u
    b.initialize_block()
    reserve(b, a.alice, 200 * u)
    lock(b, a.alice, 800 * u)
    expect(b, a.alice, free=800 * u, reserved=200 * u, frozen=800 * u, consumers=2)
    withdraw(b, a.alice, 100 * u, False, outcome="Balances.LiquidityRestrictions")
    reserve(b, a.alice, 100 * u, outcome="Balances.LiquidityRestrictions")
    transfer(b, a.alice, a.bob, 201 * u, outcome="Token.Frozen")
    transfer(
        b, a.alice, a.bob, 200 * u, events=[tr(a.alice, a.bob, 200 * u)], observe=watch(a.alice)
    )
    b.finalize_block()

    b.initialize_block()
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
)
def issuance_bookkeeping(b: CaseBuilder) -> None:
    """Every way the total issuance moves, one after the other, with the running total checked
    after each step: mint, burn, slash, withdraw, deposits, force_set_balance and dust."""
    a = setup(b)
    u = a.u
    total = 3000 * u
    b.initialize_block()
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
    b.finalize_block()

    b.initialize_block()
    withdraw(b, a.alice, 50 * u, True, observe=[("total_issuance",)])
    total -= 50 * u
    expect_issuance(b, total)
    deposit(b, DEPOSIT_CREATING, a.dave, 70 * u, observe=[("total_issuance",)])
    total += 70 * u
    deposit(b, DEPOSIT_CREATING, a.eve, 7 * u, events=[])  # dropped: below the ED
    deposit(b, DEPOSIT_EXISTING, a.dave, 30 * u, observe=[("total_issuance",)])
    total += 30 * u
    expect_issuance(b, total)
    b.finalize_block()

    b.initialize_block()
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
)
def lock_on_empty_account_does_not_freeze_later_deposit(b: CaseBuilder) -> None:
    """Quirk: a lock set on an account with no provider is stored without a frozen amount; funds
    deposited later are not frozen by it until the locks are next updated."""
    a = setup(b)
    u = a.u
    b.initialize_block()
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
    b.finalize_block()

    b.initialize_block()
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
    b.finalize_block()


@case(
    suite=SUITE, handler="scenario", presets=MINIMAL, clauses=("BAL-2", "BAL-5", "BAL-14", "BAL-26")
)
def saturated_issuance(b: CaseBuilder) -> None:
    """force_set_balance saturates the issuance at 2^128-1; after alice is wiped, bob holds more
    than the whole issuance: transferring or burning more than it fails with
    Arithmetic.Underflow and Arithmetic.Overflow respectively, less than it works."""
    a = setup(b)
    u = a.u
    b.initialize_block()
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
)
def reference_counts_through_an_account_life(b: CaseBuilder) -> None:
    """dave is created, reserves, locks, is refused reaping while he has consumers, releases them
    and is reaped, then created again: each step's providers and consumers follow the rules."""
    a = setup(b)
    u = a.u
    b.initialize_block()
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
    b.finalize_block()

    b.initialize_block()
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
    b.finalize_block()

    b.initialize_block()
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


@case(suite=SUITE, handler="scenario", presets=MINIMAL, clauses=("CHAIN-2", "CHAIN-7"))
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
    b.initialize_block()
    for i, (call, args) in enumerate(calls):
        do(b, call, args, origins[i % len(origins)], outcome="BadOrigin")
    b.finalize_block(observe=watch(a.alice, a.dave))
    expect_issuance(b, 3000 * u)


@case(
    suite=SUITE,
    handler="scenario",
    presets=("phala",),
    clauses=("BAL-10", "BAL-11", "BAL-13", "BAL-17", "BAL-22"),
)
def phala_genesis_accounts(b: CaseBuilder) -> None:
    """On the production genesis (1,000,000 PHA per dev account, the rest with the foundation,
    1e9 PHA in total): a 1 PHA payment, a keep-alive sweep leaving the 0.01 PHA ED, a staking
    lock and a reserve, and a fresh account funded with exactly the ED."""
    pha = 10**12
    ed = b.config.existential_deposit
    alice, bob, foundation = b.account("alice"), b.account("bob"), b.account("foundation")
    zed = fresh("zed")
    b.initialize_block()
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
    b.finalize_block()

    b.initialize_block()
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
