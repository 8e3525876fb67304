"""The balances cases' cast, calls and fill-time checks [BAL-1]..[BAL-29] [SYS-1]..[SYS-5]."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from phala_spec.chain.system import account_exists, account_info
from phala_spec.conformance import checks
from phala_spec.conformance.authoring import AuthoringError, CaseBuilder, pallet, root, signed
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
    checks.do(b, call, args, origin, outcome, observe=observe)
    result = apply_call(before, decode_origin(origin), call, dict(args))
    got = [(e.name, dict(e.fields)) for e in result.events]
    if outcome != "ok":
        if got:
            raise AuthoringError(f"{call}: a rejected call deposits no event, got {got}")
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
    call: str = SET_LOCK,
    **kw: Any,
) -> None:
    """``set_lock`` (or ``call``: ``extend_lock``) of ``amount`` on ``who`` [BAL-22] [BAL-23]."""
    args = {"lock_id": lock_id, "who": who, "amount": amount, "reasons": reasons}
    do(b, call, args, OPS, **kw)


def reserve(b: CaseBuilder, who: bytes, value: int, **kw: Any) -> None:
    do(b, RESERVE, {"who": who, "value": value}, OPS, **kw)


def set_balance(b: CaseBuilder, who: bytes, new_free: int, **kw: Any) -> None:
    do(b, SET_BALANCE, {"who": who, "new_free": new_free}, root(), **kw)


def ev(name: str, **fields: Any) -> tuple[str, dict[str, Any]]:
    return (name, fields)


def tr(source: bytes, dest: bytes, amount: int) -> tuple[str, dict[str, Any]]:
    return ("Balances.Transfer", {"from": source, "to": dest, "amount": amount})


def extend(b: CaseBuilder, who: bytes, amount: int, lock_id: bytes = DEMOCRACY, **kw: Any) -> None:
    """``extend_lock`` [BAL-23], with :func:`lock`'s arguments."""
    lock(b, who, amount, lock_id, call=EXTEND_LOCK, **kw)


def mint(b: CaseBuilder, who: bytes, amount: int, **kw: Any) -> None:
    do(b, MINT, {"who": who, "amount": amount}, OPS, **kw)


def burn(b: CaseBuilder, who: bytes, amount: int, **kw: Any) -> None:
    do(b, BURN, {"who": who, "amount": amount}, OPS, **kw)


def withdraw(b: CaseBuilder, who: bytes, value: int, keep_alive: bool, **kw: Any) -> None:
    do(b, WITHDRAW, {"who": who, "value": value, "keep_alive": keep_alive}, OPS, **kw)


def deposit(b: CaseBuilder, call: str, who: bytes, value: int, **kw: Any) -> None:
    do(b, call, {"who": who, "value": value}, OPS, **kw)
