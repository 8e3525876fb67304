"""Authored refusals: steps an implementation must refuse as invalid input [VEC-28].

Each case puts the chain in a plain state, offers one step that is not valid
input ([STEP-1]..[STEP-4], [CHAIN-2], [CHAIN-7], [CHAIN-8], [CHAIN-14]) and
expects it refused; the step after it shows the state was left as it was.
Where a rule is a bound, the refused step sits just past it and the step after
it exactly on it, so a reader that moves the bound by one fails one of the two.
"""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed

SUITE = "refusals"
MINIMAL = ("minimal",)


def block_step(number: Any, timestamp: Any, randomness: Any = None, **extra: Any) -> dict[str, Any]:
    """An ``initialize_block`` step as plain data [STEP-2]."""
    chosen = bytes(32) if randomness is None else randomness
    return {
        "kind": "initialize_block",
        "number": number,
        "timestamp": timestamp,
        "randomness": chosen,
        **extra,
    }


def transfer(value: Any, origin: Any = None, **args: Any) -> dict[str, Any]:
    """A ``Balances.transfer_allow_death`` call step from alice to bob [STEP-3] [BAL-11]."""
    return {
        "kind": "call",
        "origin": signed("alice") if origin is None else origin,
        "call": "Balances.transfer_allow_death",
        "args": {"dest": CaseBuilder("minimal").account("bob"), "value": value, **args},
    }


@case(suite=SUITE, handler="block", presets=MINIMAL, clauses=("CHAIN-8", "STEP-2"))
def block_number_not_above_the_current(b: CaseBuilder) -> None:
    """Block numbers strictly increase [CHAIN-8]: after block 1, a second block 1 is refused
    and block 2 then opens on the state block 1 left."""
    b.initialize_block(number=1, timestamp=6_000)
    b.finalize_block()
    b.refuse(block_step(1, 6_000))
    b.initialize_block(number=2, timestamp=6_000)
    b.expect_outcome("ok")


@case(suite=SUITE, handler="block", presets=MINIMAL, clauses=("CHAIN-8", "STEP-2"))
def block_timestamp_going_back(b: CaseBuilder) -> None:
    """Timestamps never decrease [CHAIN-8]: one millisecond before the current block's time is
    refused; the same time as the current block's is valid."""
    b.initialize_block(number=1, timestamp=6_000)
    b.finalize_block()
    b.refuse(block_step(2, 5_999))
    b.initialize_block(number=2, timestamp=6_000)
    b.expect_outcome("ok")


@case(suite=SUITE, handler="block", presets=MINIMAL, clauses=("CHAIN-8", "STEP-2"))
def block_randomness_of_31_bytes(b: CaseBuilder) -> None:
    """A block's randomness is exactly 32 bytes [STEP-2]: 31 and 33 bytes are refused."""
    b.refuse(block_step(1, 6_000, randomness=bytes(31)))
    b.refuse(block_step(1, 6_000, randomness=bytes(33)))
    b.initialize_block(number=1, timestamp=6_000, randomness=bytes(32))
    b.expect_outcome("ok")


@case(suite=SUITE, handler="block", presets=MINIMAL, clauses=("CHAIN-8", "CHAIN-10"))
def block_opened_twice(b: CaseBuilder) -> None:
    """A block must be finalized before the next opens [CHAIN-8], and only an open block can be
    finalized [CHAIN-10]: opening block 2 inside block 1 is refused, and so is finalizing twice."""
    b.initialize_block(number=1, timestamp=6_000)
    b.refuse(block_step(2, 12_000))
    b.finalize_block()
    b.refuse({"kind": "finalize_block"})
    b.initialize_block(number=2, timestamp=12_000)
    b.expect_outcome("ok")


@case(suite=SUITE, handler="block", presets=MINIMAL, clauses=("CHAIN-14", "STEP-2"))
def genesis_block_opens_once(b: CaseBuilder) -> None:
    """Block 0 opens only right after genesis, once [CHAIN-14]: after it was opened and closed,
    block 0 is refused again (a later block is not)."""
    b.initialize_block(number=0, timestamp=0, randomness=bytes(32))
    b.finalize_block()
    b.refuse(block_step(0, 0, randomness=bytes(32)))
    b.initialize_block(number=1, timestamp=0)
    b.expect_outcome("ok")


@case(suite=SUITE, handler="block", presets=MINIMAL, clauses=("CHAIN-14", "STEP-2"))
def genesis_block_with_short_randomness(b: CaseBuilder) -> None:
    """Block 0's randomness is 32 bytes as any block's [CHAIN-14] [STEP-2]."""
    b.refuse(block_step(0, 0, randomness=bytes(31)))
    b.initialize_block(number=0, timestamp=0, randomness=bytes(32))
    b.expect_outcome("ok")


@case(suite=SUITE, handler="step", presets=MINIMAL, clauses=("STEP-1", "STEP-2", "STEP-4"))
def step_fields(b: CaseBuilder) -> None:
    """A step has exactly its kind's fields, of their types [STEP-1]..[STEP-4]: a block context
    without randomness, with an extra field, with a negative, boolean or text number, and a
    finalize step with a field are refused; so are a step of no known kind and a step that is
    not a map."""
    good = block_step(1, 6_000)
    without = {k: v for k, v in good.items() if k != "randomness"}
    b.refuse(without)
    b.refuse({**good, "parent": 0})
    b.refuse(block_step(-1, 6_000))
    b.refuse(block_step(True, 6_000))
    b.refuse(block_step("1", 6_000))
    b.refuse(block_step(1, -1))
    b.refuse(block_step(1, 6_000, randomness="00" * 32))
    b.refuse({"kind": "skip_block"})
    b.refuse(["initialize_block", 1])
    b.step(good)
    b.expect_outcome("ok")
    b.refuse({"kind": "finalize_block", "number": 1})
    b.finalize_block()
    b.expect_outcome("ok")


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-9", "STEP-3"))
def call_outside_a_block(b: CaseBuilder) -> None:
    """Calls are applied inside a block [CHAIN-9]: a transfer before any block opens, and after
    the block closed, is refused; inside the next block it applies."""
    b.refuse(transfer(5))
    b.initialize_block(number=1, timestamp=6_000)
    b.finalize_block()
    b.refuse(transfer(5))
    b.initialize_block(number=2, timestamp=12_000)
    b.step(transfer(5))
    b.expect_outcome("ok")


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-2", "STEP-3"), block=1)
def call_with_a_malformed_origin(b: CaseBuilder) -> None:
    """An origin is one of the forms of [CHAIN-2], exactly: a signed origin with a 31-byte
    account or an extra field, a root origin with a field, an origin of no known kind, a pallet
    origin without a text name, and a collective origin with more ayes than members are refused;
    as many ayes as members is valid (and the transfer then fails on its origin)."""
    alice = b.account("alice")
    for origin in (
        {"kind": "signed", "who": alice[:31]},
        {"kind": "signed", "who": alice, "nonce": 0},
        {"kind": "root", "who": alice},
        {"kind": "sudo"},
        {"who": alice},
        {"kind": "pallet", "pallet": 7},
        {"kind": "collective", "collective": "Council", "yes": 4, "total": 3},
        {"kind": "collective", "collective": "Council", "yes": -1, "total": 3},
        {"kind": "collective_member", "collective": "Council", "who": alice[:31]},
        {"kind": "collective_member", "collective": 1, "who": alice},
    ):
        b.refuse(transfer(5, origin=origin))
    b.step(
        transfer(5, origin={"kind": "collective", "collective": "Council", "yes": 3, "total": 3})
    )
    b.expect_outcome("BadOrigin")
    b.step(transfer(5, origin=root()))
    b.expect_outcome("BadOrigin")


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-7", "STEP-3"), block=1)
def call_with_malformed_arguments(b: CaseBuilder) -> None:
    """A call's arguments are exactly its parameters, each of its kind [CHAIN-7]: a missing or
    extra argument, a text or negative amount, an amount of 2^128, a 31-byte account, a call of
    no known name and a call step with an extra field are refused; an amount of 2^128 - 1 is a
    valid u128 (the transfer then fails: alice's free balance minus it underflows)."""
    b.refuse({k: v for k, v in transfer(5).items() if k != "args"} | {"args": {"value": 5}})
    b.refuse(transfer(5, memo=b"x"))
    b.refuse(transfer("5"))
    b.refuse(transfer(-1))
    b.refuse(transfer(1 << 128))
    b.refuse(transfer(5) | {"args": {"dest": b.account("bob")[:31], "value": 5}})
    b.refuse(transfer(5) | {"call": "Balances.transfer_everything"})
    b.refuse(transfer(5) | {"args": [b.account("bob"), 5]})
    b.refuse(transfer(5) | {"tip": 0})
    b.step(transfer((1 << 128) - 1))
    b.expect_outcome("Arithmetic.Underflow")
    b.step(transfer(5))
    b.expect_outcome("ok")


@case(suite=SUITE, handler="genesis", presets=MINIMAL, clauses=("GEN-4",))
def genesis_endowment_below_the_existential_deposit(b: CaseBuilder) -> None:
    """Every endowment is at least the existential deposit [GEN-4]: with a deposit of 10, an
    endowment of 9 is refused (10 is valid: `runtime/genesis/genesis_at_its_bounds`)."""
    b.refuse_genesis(
        {
            "config": {"existential_deposit": 10},
            "balances": [[b.account("alice"), 1_000], [b.account("bob"), 9]],
        }
    )


@case(suite=SUITE, handler="genesis", presets=MINIMAL, clauses=("GEN-4",))
def genesis_account_endowed_twice(b: CaseBuilder) -> None:
    """Accounts of the endowments do not repeat [GEN-4]."""
    alice = b.account("alice")
    b.refuse_genesis({"balances": [[alice, 1_000], [alice, 1_000]]})


@case(suite=SUITE, handler="genesis", presets=MINIMAL, clauses=("GEN-3",))
def genesis_parameter_of_another_type(b: CaseBuilder) -> None:
    """A `config` parameter keeps the type the preset gives it [GEN-3]: a boolean existential
    deposit is refused."""
    b.refuse_genesis({"config": {"existential_deposit": True}})
