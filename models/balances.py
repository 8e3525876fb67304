"""The pallet-balances model [MOD-2]: honest users and adversaries against the reference.

:class:`BalancesMachine` drives the reference only through
:func:`phala_spec.apply_step` with plain-data steps, so the steps it applied
(:attr:`BalancesMachine.trace`, after the genesis in
:attr:`BalancesMachine.genesis_overrides`) replay anywhere, and a failing run is
a conformance case. Honest rules move value between a pool of dev accounts and
never-funded ("fresh") accounts with every transfer, reserve, lock, mint and
burn the call table offers, and open new blocks. Adversarial rules overdraw,
break keep-alive, move locked funds, sign from accounts that never existed,
pass values at and beyond 2^128-1, negative and wrong-typed arguments, and
use the wrong origin; they assert the rejection the spec requires.

Invariants are named ``inv_<CLAUSE>_<what>`` after the clause they check and
raise :class:`InvariantViolation` carrying that name. Two production quirks
scope them, and are tracked as ghost state on the machine:

* *clipped issuance*: ``Currency`` deposits and ``force_set_balance`` add to
  the total issuance with a saturating add [BAL-14] [BAL-28], so once a mint
  has saturated at 2^128-1 the issuance is below the sum of balances for good;
* *lock without provider*: ``set_lock``/``extend_lock`` on an account with no
  provider store the lock without its consumer reference or frozen amount
  [BAL-21]; such ("tainted") accounts are exempt from the consumer and frozen
  equalities until they are gone from both the account and the lock storage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from phala_spec.chain.state import ChainState
from phala_spec.conformance.authoring import default_randomness
from phala_spec.network import chain_of
from phala_spec.pallets.balances.lockable import LOCK_REASONS
from phala_spec.pallets.balances.reservable import BALANCE_STATUS
from phala_spec.primitives.arith import U128_MAX
from phala_spec.primitives.codec import blake2b_256, digest
from phala_spec.primitives.errors import InvalidInput
from phala_spec.primitives.types import ACCOUNT_ID, BALANCE, BOOL, LOCK_ID, Kind
from phala_spec.runtime.calls import CALLS as ALL_CALLS
from phala_spec.runtime.genesis import DEV_ACCOUNTS, dev_account
from phala_spec.steps import StepResult, apply_step

PRESET = "minimal"
# This machine drives pallet-balances: the balances part of the call table.
CALLS = {name: call for name, call in ALL_CALLS.items() if name.startswith("Balances.")}
SUITE = "balances"
MODEL_PALLET = "Model"  # the pallet origin the model uses for trait operations [CHAIN-7]

DEV = tuple(dev_account(name) for name in DEV_ACCOUNTS[:4])
# Accounts that no genesis endows: they exist only when the model funds them.
FRESH = tuple(blake2b_256(b"phala-spec/models/fresh/%d" % i) for i in range(3))
ACCOUNTS = DEV + FRESH
LOCK_IDS = (b"staking ", b"vesting ", b"democrac")
REASONS = ("None", "Fee", "Misc", "All")

SIGNED_TRANSFERS = (
    "Balances.transfer_allow_death",
    "Balances.transfer",
    "Balances.transfer_keep_alive",
)
FUNGIBLE_TRANSFERS = (*SIGNED_TRANSFERS, "Balances.force_transfer")

accounts = st.sampled_from(ACCOUNTS)
strangers = st.binary(min_size=32, max_size=32).filter(lambda b: b not in ACCOUNTS)
lock_ids = st.sampled_from(LOCK_IDS)
reasons = st.sampled_from(REASONS)
# An amount relative to the state: a permille of a base balance, a distance
# from the existential deposit, a distance from "base minus ED", or absolute.
amounts = st.one_of(
    st.tuples(st.just("part"), st.integers(0, 1000)),
    st.tuples(st.just("near_ed"), st.integers(-3, 3)),
    st.tuples(st.just("below"), st.integers(-3, 3)),
    st.tuples(st.just("abs"), st.integers(0, 2_000)),
)
huge_values = st.one_of(
    st.integers(U128_MAX - 2**16, U128_MAX),
    st.integers(2**64, U128_MAX),
)
endowments = st.lists(
    st.one_of(st.integers(0, 5_000), st.integers(0, 2**100)), min_size=1, max_size=len(DEV)
)


class InvariantViolation(AssertionError):
    """An invariant or a required outcome failed; ``invariant`` names it (``inv_BAL_2_...``)."""

    def __init__(self, invariant: str, detail: str) -> None:
        super().__init__(f"{invariant}: {detail}")
        self.invariant = invariant
        self.detail = detail


def violated(invariant: str, detail: str) -> NoReturn:
    """Raise :class:`InvariantViolation` named ``invariant``."""
    raise InvariantViolation(invariant, detail)


def check(condition: bool, invariant: str, detail: str | Callable[[], str] = "violated") -> None:
    """Raise :class:`InvariantViolation` named ``invariant`` unless ``condition``.

    ``detail`` may be a function, so that a message is only built on failure.
    """
    if not condition:
        violated(invariant, detail() if callable(detail) else detail)


def clause_of(invariant: str) -> str | None:
    """The clause id an invariant name cites: ``inv_BAL_2_x`` -> ``BAL-2``."""
    match = re.match(r"^inv_([A-Z]+)_(\d+)_", invariant)
    return f"{match.group(1)}-{match.group(2)}" if match else None


def call_step(origin: Mapping[str, Any], call: str, **args: Any) -> dict[str, Any]:
    """A plain-data call step [STEP-3]."""
    return {"kind": "call", "origin": dict(origin), "call": call, "args": args}


def signed(who: bytes) -> dict[str, Any]:
    return {"kind": "signed", "who": who}


ROOT: dict[str, Any] = {"kind": "root"}
NONE: dict[str, Any] = {"kind": "none"}
PALLET: dict[str, Any] = {"kind": "pallet", "pallet": MODEL_PALLET}
COLLECTIVE: dict[str, Any] = {"kind": "collective", "collective": "Council", "yes": 1, "total": 1}


def _short(who: bytes) -> str:
    return who.hex()[:8]


# --- Malformed input [CHAIN-6] [STEP-1] -----------------------------------------

_BAD_BY_KIND: dict[Kind[Any], st.SearchStrategy[Any]] = {
    BALANCE: st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=U128_MAX + 1, max_value=2**140),
        st.booleans(),
        st.sampled_from(["1", None, b"\x01", [1]]),
    ),
    ACCOUNT_ID: st.one_of(
        st.binary(max_size=31),
        st.binary(min_size=33, max_size=40),
        st.sampled_from(["alice", 0, None, [b"\x00" * 32]]),
    ),
    BOOL: st.sampled_from([0, 1, "true", None, b"\x01"]),
    LOCK_ID: st.one_of(
        st.binary(max_size=7), st.binary(min_size=9, max_size=12), st.sampled_from(["staking ", 0])
    ),
    LOCK_REASONS: st.sampled_from(["all", "Everything", 3, None, b"All"]),
    BALANCE_STATUS: st.sampled_from(["free", "Locked", 0, None]),
}


def _good_arg(kind: Kind[Any]) -> st.SearchStrategy[Any]:
    return {
        BALANCE: st.integers(0, 2_000),
        ACCOUNT_ID: accounts,
        BOOL: st.booleans(),
        LOCK_ID: lock_ids,
        LOCK_REASONS: reasons,
        BALANCE_STATUS: st.sampled_from(("Free", "Reserved")),
    }[kind]


_VALID_ARGS = {
    name: st.fixed_dictionaries({param: _good_arg(kind) for param, kind in call.params})
    for name, call in CALLS.items()
}
_PARAMS = {name: st.sampled_from(call.params) for name, call in CALLS.items()}
_CALL_NAMES = st.sampled_from(sorted(CALLS))


def valid_args(call: str) -> st.SearchStrategy[dict[str, Any]]:
    """Well-typed arguments for a call of the table [CHAIN-7]."""
    return _VALID_ARGS[call]


@st.composite
def malformed_calls(draw: st.DrawFn) -> dict[str, Any]:
    """A call step that cannot be a call: bad argument, bad arguments map, unknown name or bad origin."""
    name: Any = draw(_CALL_NAMES)
    args: Any = dict(draw(valid_args(name)))
    origin: Any = PALLET if CALLS[name].kind == "operation" else signed(DEV[0])
    how = draw(st.sampled_from(("arg", "missing", "extra", "args", "name", "origin")))
    if how == "arg":
        param, kind = draw(_PARAMS[name])
        args[param] = draw(_BAD_BY_KIND[kind])
    elif how == "missing":
        args.pop(draw(st.sampled_from(sorted(args))))
    elif how == "extra":
        args[draw(st.sampled_from(["extra", "amount_", 7, b"k"]))] = 1
    elif how == "args":
        args = draw(st.sampled_from([None, [], "args", 5]))
    elif how == "name":
        name = draw(
            st.sampled_from(
                ["Balances.transfer_everything", "balances.transfer", "Balances", "", 42, None]
            )
        )
    else:
        origin = draw(
            st.sampled_from(
                [
                    {"kind": "signed"},
                    {"kind": "signed", "who": b"\x01" * 31},
                    {"kind": "signed", "who": "alice"},
                    {"kind": "root", "who": DEV[0]},
                    {"kind": "god"},
                    {"kind": "collective", "collective": "Council", "yes": 3, "total": 2},
                    {"kind": "collective", "collective": "Council", "yes": -1, "total": 2},
                    {"kind": "pallet"},
                    "root",
                    None,
                ]
            )
        )
    return {"kind": "call", "origin": origin, "call": name, "args": args}


malformed_steps = st.one_of(
    malformed_calls(),
    st.sampled_from(
        [
            None,
            [],
            {},
            {"kind": "transfer"},
            {"kind": "finalize_block", "extra": 1},
            {"kind": "call", "origin": ROOT, "call": "Balances.force_unreserve"},
            # a block is always open between rules, so opening one is invalid [CHAIN-8]
            {
                "kind": "initialize_block",
                "number": 10**9,
                "timestamp": 10**12,
                "randomness": b"\x00" * 32,
            },
            {"kind": "initialize_block", "number": 10**9, "timestamp": 10**12, "randomness": "r"},
            {
                "kind": "initialize_block",
                "number": True,
                "timestamp": 0,
                "randomness": b"\x00" * 32,
            },
        ]
    ),
)


# --- The machine ----------------------------------------------------------------------


class BalancesMachine(RuleBasedStateMachine):
    """pallet-balances and frame_system refcounting under honest and adversarial use [MOD-2]."""

    model_name = "balances"
    suite = SUITE
    preset = PRESET

    def __init__(self) -> None:
        super().__init__()
        self.genesis_overrides: dict[str, Any] = {}
        self.state: ChainState | None = None
        self.trace: list[dict[str, Any]] = []  # every plain step applied, in order [MOD-3]
        self.clipped = False  # a saturating mint clipped the total issuance [BAL-2]
        self.tainted: set[bytes] = set()  # locked while the account had no provider [BAL-21]
        self.failed_step: Any = None  # a step that raised instead of giving an outcome

    # -- plumbing -------------------------------------------------------------------

    @property
    def chain(self) -> ChainState:
        assert self.state is not None, "the genesis rule runs first"
        return self.state

    @property
    def ed(self) -> int:
        return int(self.chain.config.existential_deposit)

    def data(self, who: bytes) -> Any:
        info = self.chain.system.accounts.get(who)
        return info.data if info is not None else None

    def free(self, who: bytes) -> int:
        data = self.data(who)
        return data.free if data is not None else 0

    def amount(self, choice: tuple[str, int], base: int) -> int:
        """Turn an ``amounts`` draw into a balance (clamped to 0..2^128-1)."""
        kind, n = choice
        if kind == "part":
            value = base * n // 1000
        elif kind == "near_ed":
            value = self.ed + n
        elif kind == "below":
            value = base - self.ed + n
        else:
            value = n
        return int(max(0, min(value, U128_MAX)))

    def apply(self, step: dict[str, Any]) -> StepResult:
        """Apply a well-formed step, record it and check the per-step rules [CHAIN-9] [BAL-2]."""
        before = self.chain
        self.failed_step = step
        result = apply_step(before, step)
        self.failed_step = None
        self.trace.append(step)
        after = chain_of(result.state)
        if step["kind"] == "call":
            if result.outcome != "ok":
                check(
                    after is before and result.events == (),
                    "inv_CHAIN_9_rejected_calls_change_nothing",
                    f"{step['call']} failed with {result.outcome} but changed the state or "
                    "kept events",
                )
            self._check_issuance_moves(before, after)
            self._track_locks(step, before, after)
        self.state = after
        # an account gone from every store starts afresh
        self.tainted = {
            who
            for who in self.tainted
            if who in after.system.accounts or who in after.balances.locks
        }
        return result

    def _check_issuance_moves(self, before: ChainState, after: ChainState) -> None:
        d_sum = _sum_balances(after) - _sum_balances(before)
        d_issuance = after.balances.total_issuance - before.balances.total_issuance
        if d_sum == d_issuance:
            return
        saturated_up = after.balances.total_issuance == U128_MAX and d_issuance < d_sum
        saturated_down = after.balances.total_issuance == 0 and d_issuance > d_sum and self.clipped
        check(
            saturated_up or saturated_down,
            "inv_BAL_2_issuance_moves_with_balances",
            f"balances moved by {d_sum}, total issuance by {d_issuance}",
        )
        self.clipped = True

    def _track_locks(self, step: Mapping[str, Any], before: ChainState, after: ChainState) -> None:
        if step["call"] not in ("Balances.set_lock", "Balances.extend_lock"):
            return
        who = step["args"]["who"]
        info = before.system.accounts.get(who)
        created = who not in before.balances.locks and who in after.balances.locks
        if created and (info is None or info.providers == 0):
            self.tainted.add(who)

    def call(self, origin: Mapping[str, Any], name: str, **args: Any) -> StepResult:
        return self.apply(call_step(origin, name, **args))

    def must_reject(
        self, result: StepResult, invariant: str, why: str, codes: Sequence[str] | None = None
    ) -> None:
        """An adversarial call must fail (with one of ``codes`` if given)."""
        check(result.outcome != "ok", invariant, f"{why}: the call succeeded")
        if codes is not None:
            check(
                result.outcome in codes,
                invariant,
                f"{why}: failed with {result.outcome}, expected one of {list(codes)}",
            )

    # -- genesis and blocks [GEN-3] [CHAIN-8] ------------------------------------------

    @initialize(ed=st.sampled_from([10, 1, 1_000]), extra=endowments)
    def genesis(self, ed: int, extra: list[int]) -> None:
        """Start from the ``minimal`` preset with drawn endowments of the first dev accounts."""
        from phala_spec.runtime.genesis import genesis

        self.genesis_overrides = {
            "config": {"existential_deposit": ed},
            "balances": [[DEV[i], ed + x] for i, x in enumerate(extra)],
        }
        self.state = genesis(PRESET, self.genesis_overrides)
        self.apply(
            {
                "kind": "initialize_block",
                "number": 1,
                "timestamp": self.chain.config.block_time_ms,
                "randomness": default_randomness(1),
            }
        )

    @rule(skip=st.integers(1, 3), probe=st.sampled_from(("none", "number", "time", "call")))
    def next_block(self, skip: int, probe: str) -> None:
        """Finalize the block and open a later one; in between, probe invalid block input."""
        self.apply({"kind": "finalize_block"})
        current = self.chain.system.block
        bad: dict[str, Any] | None = None
        if probe == "number":
            bad = {
                "kind": "initialize_block",
                "number": current.number,
                "timestamp": current.timestamp,
                "randomness": default_randomness(0),
            }
        elif probe == "time" and current.timestamp > 0:
            bad = {
                "kind": "initialize_block",
                "number": current.number + 1,
                "timestamp": current.timestamp - 1,
                "randomness": default_randomness(0),
            }
        elif probe == "call":
            bad = call_step(signed(DEV[0]), "Balances.transfer_allow_death", dest=DEV[1], value=0)
        if bad is not None:
            self.expect_invalid(bad)
        number = current.number + skip
        self.apply(
            {
                "kind": "initialize_block",
                "number": number,
                "timestamp": current.timestamp + skip * self.chain.config.block_time_ms,
                "randomness": default_randomness(number),
            }
        )

    # -- honest rules -------------------------------------------------------------------

    @rule(call=st.sampled_from(SIGNED_TRANSFERS), source=accounts, dest=accounts, amount=amounts)
    def transfer(self, call: str, source: bytes, dest: bytes, amount: tuple[str, int]) -> None:
        """A signed transfer [BAL-10] [BAL-11]."""
        value = self.amount(amount, self.free(source))
        self._transfer(signed(source), call, source, dest, value)

    @rule(source=accounts, dest=accounts, amount=amounts)
    def force_transfer(self, source: bytes, dest: bytes, amount: tuple[str, int]) -> None:
        """Root moves funds [BAL-12]."""
        value = self.amount(amount, self.free(source))
        self._transfer(ROOT, "Balances.force_transfer", source, dest, value)

    def _transfer(
        self, origin: dict[str, Any], call: str, source: bytes, dest: bytes, value: int
    ) -> StepResult:
        args = {"dest": dest, "value": value}
        if call == "Balances.force_transfer":
            args["source"] = source
        before = self.chain
        result = self.call(origin, call, **args)
        if result.outcome == "ok":
            self._check_transfer_moves(before, result, source, dest, value)
        return result

    def _check_transfer_moves(
        self, before: ChainState, result: StepResult, source: bytes, dest: bytes, value: int
    ) -> None:
        """A successful transfer moves exactly ``value``; the sender may lose dust [BAL-9]."""
        if source == dest:
            check(
                chain_of(result.state) is before or chain_of(result.state) == before,
                "inv_BAL_9_transfer_moves_value",
                "a transfer to oneself changed the state",
            )
            return
        dust = sum(
            dict(e.fields)["amount"]
            for e in result.events
            if e.name == "Balances.DustLost" and dict(e.fields)["account"] == source
        )
        src_before, src_after = _total(before, source), _total(chain_of(result.state), source)
        dst_before, dst_after = _total(before, dest), _total(chain_of(result.state), dest)
        check(
            src_before - src_after == value + dust and dst_after - dst_before == value,
            "inv_BAL_9_transfer_moves_value",
            f"{_short(source)}: {src_before}->{src_after}, {_short(dest)}: "
            f"{dst_before}->{dst_after}, value {value}, dust {dust}",
        )

    @rule(source=accounts, dest=accounts, keep_alive=st.booleans())
    def transfer_all(self, source: bytes, dest: bytes, keep_alive: bool) -> None:
        """Transfer everything that can go [BAL-13]."""
        self.call(signed(source), "Balances.transfer_all", dest=dest, keep_alive=keep_alive)

    @rule(who=accounts, amount=amounts)
    def force_set_balance(self, who: bytes, amount: tuple[str, int]) -> None:
        """Root sets a free balance [BAL-14]."""
        new_free = self.amount(amount, self.free(who) * 2)
        self.call(ROOT, "Balances.force_set_balance", who=who, new_free=new_free)

    @rule(who=accounts, amount=amounts)
    def force_unreserve(self, who: bytes, amount: tuple[str, int]) -> None:
        """Root unreserves [BAL-15]."""
        data = self.data(who)
        value = self.amount(amount, data.reserved if data is not None else 0)
        self.call(ROOT, "Balances.force_unreserve", who=who, amount=value)

    @rule(
        op=st.sampled_from(("reserve", "unreserve", "slash_reserved")), who=accounts, amount=amounts
    )
    def reserves(self, op: str, who: bytes, amount: tuple[str, int]) -> None:
        """Reserve, unreserve or slash [BAL-17]..[BAL-19]."""
        data = self.data(who)
        base = 0 if data is None else (data.free if op == "reserve" else data.reserved)
        self.call(PALLET, f"Balances.{op}", who=who, value=self.amount(amount, base))

    @rule(
        slashed=accounts,
        beneficiary=accounts,
        amount=amounts,
        status=st.sampled_from(("Free", "Reserved")),
    )
    def repatriate_reserved(
        self, slashed: bytes, beneficiary: bytes, amount: tuple[str, int], status: str
    ) -> None:
        """Move a reserve to another account [BAL-20]."""
        data = self.data(slashed)
        value = self.amount(amount, data.reserved if data is not None else 0)
        self.call(
            PALLET,
            "Balances.repatriate_reserved",
            slashed=slashed,
            beneficiary=beneficiary,
            value=value,
            status=status,
        )

    @rule(
        op=st.sampled_from(("set_lock", "extend_lock")),
        who=accounts,
        lock_id=lock_ids,
        amount=amounts,
        why=reasons,
    )
    def lock(self, op: str, who: bytes, lock_id: bytes, amount: tuple[str, int], why: str) -> None:
        """Set or extend a lock [BAL-22] [BAL-23]."""
        value = self.amount(amount, _total(self.chain, who))
        self.call(PALLET, f"Balances.{op}", lock_id=lock_id, who=who, amount=value, reasons=why)

    @rule(who=accounts, lock_id=lock_ids)
    def remove_lock(self, who: bytes, lock_id: bytes) -> None:
        """Remove a lock [BAL-24]."""
        self.call(PALLET, "Balances.remove_lock", lock_id=lock_id, who=who)

    @rule(op=st.sampled_from(("mint_into", "burn_from")), who=accounts, amount=amounts)
    def mint_or_burn(self, op: str, who: bytes, amount: tuple[str, int]) -> None:
        """``fungible`` mint and burn [BAL-25] [BAL-26]."""
        self.call(PALLET, f"Balances.{op}", who=who, amount=self.amount(amount, self.free(who)))

    @rule(who=accounts, amount=amounts, keep_alive=st.booleans())
    def withdraw(self, who: bytes, amount: tuple[str, int], keep_alive: bool) -> None:
        """``Currency::withdraw`` [BAL-27]."""
        value = self.amount(amount, self.free(who))
        self.call(PALLET, "Balances.withdraw", who=who, value=value, keep_alive=keep_alive)

    @rule(
        op=st.sampled_from(("deposit_creating", "deposit_into_existing")),
        who=accounts,
        amount=amounts,
    )
    def deposit(self, op: str, who: bytes, amount: tuple[str, int]) -> None:
        """``Currency`` deposits [BAL-28]."""
        value = self.amount(amount, max(self.free(who), self.ed))
        self.call(PALLET, f"Balances.{op}", who=who, value=value)

    # -- adversarial rules -------------------------------------------------------------

    @rule(
        call=st.sampled_from(FUNGIBLE_TRANSFERS),
        source=accounts,
        dest=accounts,
        extra=st.one_of(st.integers(1, 1_000), huge_values),
    )
    def overdraft(self, call: str, source: bytes, dest: bytes, extra: int) -> None:
        """Sending more than the free balance is refused [BAL-5]."""
        value = self.free(source) + extra
        if value > U128_MAX:
            return
        origin = ROOT if call == "Balances.force_transfer" else signed(source)
        result = self._transfer(origin, call, source, dest, value)
        self.must_reject(
            result,
            "inv_BAL_5_overdraft_is_rejected",
            f"sending {value}",
            ("Token.FundsUnavailable", "Arithmetic.Underflow"),
        )

    @rule(source=accounts, dest=accounts, under=st.integers(0, 5))
    def break_keep_alive(self, source: bytes, dest: bytes, under: int) -> None:
        """``transfer_keep_alive`` never takes the sender below the existential deposit [BAL-11]."""
        free = self.free(source)
        value = free - self.ed + 1 + under
        if free == 0 or not 0 < value <= free:
            return
        result = self._transfer(signed(source), "Balances.transfer_keep_alive", source, dest, value)
        self.must_reject(
            result,
            "inv_BAL_11_keep_alive_never_reaps",
            f"leaving {free - value} below ED {self.ed}",
        )

    @rule(
        call=st.sampled_from((*FUNGIBLE_TRANSFERS, "Balances.withdraw", "Balances.reserve")),
        source=accounts,
        dest=accounts,
        over=st.integers(0, 5),
    )
    def move_locked_funds(self, call: str, source: bytes, dest: bytes, over: int) -> None:
        """Locked funds cannot leave [BAL-5] (the total balance) [BAL-16] (the free balance)."""
        data = self.data(source)
        if data is None or data.frozen == 0 or source in self.tainted:
            return
        if call in FUNGIBLE_TRANSFERS:
            value = data.free + data.reserved - data.frozen + 1 + over  # total would dip
        else:
            value = data.free - data.frozen + 1 + over  # free would dip
        if not 0 < value <= data.free:
            return
        if call in FUNGIBLE_TRANSFERS:
            origin = ROOT if call == "Balances.force_transfer" else signed(source)
            result = self._transfer(origin, call, source, dest, value)
        elif call == "Balances.withdraw":
            result = self.call(PALLET, call, who=source, value=value, keep_alive=False)
        else:
            result = self.call(PALLET, call, who=source, value=value)
        self.must_reject(
            result,
            "inv_BAL_5_locked_funds_do_not_move",
            f"{call} of {value} with frozen {data.frozen}",
        )

    @rule(
        stranger=strangers,
        dest=accounts,
        call=st.sampled_from(SIGNED_TRANSFERS),
        value=st.one_of(st.integers(1, 1_000), huge_values),
    )
    def unfunded_sender(self, stranger: bytes, dest: bytes, call: str, value: int) -> None:
        """An account that never existed cannot pay [BAL-5]."""
        result = self._transfer(signed(stranger), call, stranger, dest, value)
        self.must_reject(
            result,
            "inv_BAL_5_unfunded_sender_is_rejected",
            f"a never-funded account sent {value}",
            ("Token.FundsUnavailable", "Arithmetic.Underflow"),
        )

    @rule(
        stranger=strangers,
        op=st.sampled_from(
            (
                "reserve",
                "unreserve",
                "slash_reserved",
                "burn_from",
                "deposit_into_existing",
                "set_lock",
                "remove_lock",
            )
        ),
        value=st.integers(0, 1_000),
    )
    def touch_stranger(self, stranger: bytes, op: str, value: int) -> None:
        """Operations on an account that never existed (a lock is stored anyway [BAL-21])."""
        name = f"Balances.{op}"
        if op == "set_lock":
            self.call(PALLET, name, lock_id=LOCK_IDS[0], who=stranger, amount=value, reasons="All")
        elif op == "remove_lock":
            self.call(PALLET, name, lock_id=LOCK_IDS[0], who=stranger)
        elif op == "burn_from":
            self.call(PALLET, name, who=stranger, amount=value)
        else:
            self.call(PALLET, name, who=stranger, value=value)

    @rule(call=st.sampled_from(sorted(CALLS)), who=accounts, value=huge_values)
    def huge_value(self, call: str, who: bytes, value: int) -> None:
        """Values near 2^128-1 are valid input; overflow is checked or saturates as specified."""
        sample: dict[Kind[Any], Any] = {
            BALANCE: value,
            ACCOUNT_ID: who,
            BOOL: False,
            LOCK_ID: LOCK_IDS[1],
            LOCK_REASONS: "All",
            BALANCE_STATUS: "Free",
        }
        args = {name: sample[kind] for name, kind in CALLS[call].params}
        extrinsic = CALLS[call].kind == "extrinsic"
        origin = PALLET if not extrinsic else (ROOT if "force" in call else signed(who))
        self.call(origin, call, **args)

    @rule(
        data=st.data(),
        call=st.sampled_from(sorted(CALLS)),
        origin=st.sampled_from(("signed", "root", "none", "pallet", "collective")),
    )
    def wrong_origin(self, data: st.DataObject, call: str, origin: str) -> None:
        """A call with the wrong kind of origin fails with ``BadOrigin`` [CHAIN-2]."""
        entry = CALLS[call]
        wanted = (
            "pallet"
            if entry.kind == "operation"
            else ("root" if call.startswith("Balances.force_") else "signed")
        )
        if origin == wanted:
            return
        args = data.draw(valid_args(call))
        chosen = {
            "signed": signed(DEV[0]),
            "root": ROOT,
            "none": NONE,
            "pallet": PALLET,
            "collective": COLLECTIVE,
        }[origin]
        result = self.call(chosen, call, **args)
        check(
            result.outcome == "BadOrigin",
            "inv_CHAIN_2_wrong_origin_is_bad_origin",
            f"{call} from a {origin} origin gave {result.outcome}",
        )

    def expect_invalid(self, step: Any) -> None:
        """Malformed input raises ``InvalidInput`` and leaves the state as it was [CHAIN-6]."""
        before = self.chain
        fingerprint = digest(before)
        self.failed_step = step
        try:
            result = apply_step(before, step)
        except InvalidInput:
            self.failed_step = None
            check(
                digest(before) == fingerprint,
                "inv_CHAIN_6_invalid_input_changes_nothing",
                "rejecting the input mutated the state",
            )
            return
        # Accepted: it is a real step now, so record it (the trace stays replayable).
        self.failed_step = None
        self.trace.append(step)
        self.state = chain_of(result.state)
        raise InvariantViolation(
            "inv_CHAIN_6_malformed_input_is_invalid",
            f"the step {step!r} was accepted with outcome {result.outcome}",
        )

    @rule(step=malformed_steps)
    def malformed(self, step: Any) -> None:
        """Wrong-typed, out-of-range, negative, missing or unknown input [CHAIN-6] [STEP-1]."""
        self.expect_invalid(step)

    # -- invariants -------------------------------------------------------------------

    @invariant()
    def inv_SYS_1_stored_accounts_are_referenced(self) -> None:
        """An account is stored only while it has a provider or a sufficient reference."""
        for who, info in self.chain.system.accounts.items():
            if info.providers == 0 and info.sufficients == 0:
                violated("inv_SYS_1_stored_accounts_are_referenced", f"{_short(who)}: {info}")

    @invariant()
    def inv_SYS_5_consumers_need_a_provider(self) -> None:
        """A stored account with consumers has a provider."""
        for who, info in self.chain.system.accounts.items():
            if info.consumers > 0 and info.providers == 0:
                violated("inv_SYS_5_consumers_need_a_provider", f"{_short(who)}: {info}")

    @invariant()
    def inv_BAL_1_balances_are_u128(self) -> None:
        """Free, reserved, frozen and the total issuance each fit 128 bits.

        Not their sum: ``Currency`` deposits check only the free balance for
        overflow, so free + reserved may exceed 2^128-1 (once the issuance has
        clipped, as the sum of all balances then exceeds it) [BAL-28].
        """
        chain = self.chain
        if not 0 <= chain.balances.total_issuance <= U128_MAX:
            violated(
                "inv_BAL_1_balances_are_u128", f"total issuance {chain.balances.total_issuance}"
            )
        for who, info in chain.system.accounts.items():
            d = info.data
            if not (
                0 <= d.free <= U128_MAX
                and 0 <= d.reserved <= U128_MAX
                and 0 <= d.frozen <= U128_MAX
            ):
                violated("inv_BAL_1_balances_are_u128", f"{_short(who)}: {d}")
            if d.total > U128_MAX and not self.clipped:
                violated(
                    "inv_BAL_1_balances_are_u128",
                    f"{_short(who)}: free + reserved exceeds 2^128-1 without a clipped issuance",
                )

    @invariant()
    def inv_BAL_2_total_issuance_is_sum(self) -> None:
        """Total issuance == sum of free + reserved (<= once a saturating mint clipped it)."""
        issuance, total = self.chain.balances.total_issuance, _sum_balances(self.chain)
        if self.clipped and issuance > total:
            violated(
                "inv_BAL_2_total_issuance_is_sum",
                f"clipped issuance {issuance} exceeds the balances' sum {total}",
            )
        if not self.clipped and issuance != total:
            violated(
                "inv_BAL_2_total_issuance_is_sum", f"issuance {issuance} != sum of balances {total}"
            )

    @invariant()
    def inv_BAL_8_dust_is_reaped(self) -> None:
        """No stored account has free < ED and nothing reserved: dust is removed."""
        ed = self.ed
        for who, info in self.chain.system.accounts.items():
            if info.data.free < ed and info.data.reserved == 0:
                violated("inv_BAL_8_dust_is_reaped", f"{_short(who)}: {info.data} with ED {ed}")

    @invariant()
    def inv_BAL_21_frozen_is_max_lock(self) -> None:
        """``frozen`` is the largest lock, never the sum (0 until recomputed on a tainted account)."""
        chain = self.chain
        for who, info in chain.system.accounts.items():
            biggest = max((lock.amount for lock in chain.balances.locks.get(who, ())), default=0)
            frozen = info.data.frozen
            if frozen != biggest and not (frozen == 0 and who in self.tainted):
                violated(
                    "inv_BAL_21_frozen_is_max_lock",
                    f"{_short(who)}: frozen {frozen}, largest lock {biggest}",
                )

    @invariant()
    def inv_BAL_21_locks_belong_to_accounts(self) -> None:
        """A lock is stored only for a stored account, unless it was set without a provider."""
        for who in self.chain.balances.locks:
            if who not in self.chain.system.accounts and who not in self.tainted:
                violated(
                    "inv_BAL_21_locks_belong_to_accounts",
                    f"{_short(who)} has locks but no account record",
                )

    @invariant()
    def inv_BAL_3_consumers_cover_reserves_and_locks(self) -> None:
        """One consumer while anything is reserved or frozen, one more for the lock storage."""
        chain = self.chain
        for who, info in chain.system.accounts.items():
            if who in self.tainted:
                continue
            d = info.data
            needed = int(d.reserved > 0 or d.frozen > 0) + int(who in chain.balances.locks)
            if info.consumers < needed:
                violated(
                    "inv_BAL_3_consumers_cover_reserves_and_locks",
                    f"{_short(who)}: consumers {info.consumers} < {needed} for {d}",
                )


def _total(state: ChainState, who: bytes) -> int:
    info = state.system.accounts.get(who)
    return info.data.total if info is not None else 0


def _sum_balances(state: ChainState) -> int:
    return sum(info.data.total for info in state.system.accounts.values())


__all__ = [
    "ACCOUNTS",
    "DEV",
    "FRESH",
    "BalancesMachine",
    "InvariantViolation",
    "check",
    "clause_of",
]
