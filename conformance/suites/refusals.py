"""Authored refusals: steps an implementation must refuse as invalid input [VEC-28].

Each case puts the chain in a plain state, offers one step that is not valid
input ([STEP-1]..[STEP-4], [CHAIN-2], [CHAIN-7], [CHAIN-8], [CHAIN-14]) and
expects it refused; the step after it shows the state was left as it was.
Where a rule is a bound, the refused step sits just past it and the step after
it exactly on it, so a reader that moves the bound by one fails one of the two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, root, signed
from phala_spec.primitives.codec import to_data

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
def block_number_and_timestamp_widths(b: CaseBuilder) -> None:
    """A block number is a u32 and a timestamp a u64 [CHAIN-8]: block 2^32, and a timestamp of
    2^64, are refused; block 2^32 - 1 at 2^64 - 1 ms opens."""
    b.initialize_block(number=1, timestamp=6_000)
    b.finalize_block()
    b.refuse(block_step(1 << 32, 12_000))
    b.refuse(block_step(2, 1 << 64))
    b.initialize_block(number=(1 << 32) - 1, timestamp=(1 << 64) - 1)
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


# --- Origins, step kinds and stateless steps [STEP-1]..[STEP-9] [CHAIN-2] --------------------


def held(call: Any, args: Any) -> dict[str, Any]:
    """A ``Council.execute`` call step by alice holding ``{call, args}`` [COL-9] [CHAIN-12]."""
    return {
        "kind": "call",
        "origin": signed("alice"),
        "call": "Council.execute",
        "args": {"proposal": {"call": call, "args": args}, "length_bound": 1_000},
    }


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-2", "STEP-3"), block=1)
def origin_forms_at_their_edges(b: CaseBuilder) -> None:
    """An origin is a map of exactly one of the forms of [CHAIN-2]: an origin that is not a map, a
    `none` or `pallet` origin with a field too many, a collective origin with a boolean or text
    count, a non-text collective, a negative total or a field too many, and a collective member
    with a field too many are refused. The smallest collective origin, 0 of 0, is valid, and so
    are the unsigned and pallet forms (the transfer then fails on its origin)."""
    alice = b.account("alice")
    for origin in (
        "root",
        ["signed", alice],
        {"kind": "none", "who": alice},
        {"kind": "pallet", "pallet": "Treasury", "who": alice},
        {"kind": "collective", "collective": "Council", "yes": True, "total": 3},
        {"kind": "collective", "collective": "Council", "yes": 1, "total": "3"},
        {"kind": "collective", "collective": 1, "yes": 1, "total": 3},
        {"kind": "collective", "collective": "Council", "yes": 0, "total": -1},
        {"kind": "collective", "collective": "Council", "yes": 1, "total": 3, "who": alice},
        {"kind": "collective_member", "collective": "Council", "who": alice, "yes": 1},
    ):
        b.refuse(transfer(5, origin=origin))
    for valid in (
        {"kind": "collective", "collective": "Council", "yes": 0, "total": 0},
        {"kind": "none"},
        {"kind": "pallet", "pallet": "Treasury"},
        {"kind": "collective_member", "collective": "Council", "who": alice},
    ):
        b.step(transfer(5, origin=valid))
        b.expect_outcome("BadOrigin")


@case(
    suite=SUITE, handler="step", presets=MINIMAL, clauses=("STEP-1", "STEP-6", "STEP-8", "STEP-9")
)
def chain_refuses_network_steps(b: CaseBuilder) -> None:
    """A chain (a genesis without runtimes) advances by chain steps only [STEP-6]: a
    `network_block` and a `network_blocks` step are refused, and so are a step whose kind is not
    text and a call's fields under the kind `network_block` or under no known kind [STEP-1]. A `verify_dcap` step has exactly its fields, a bytes quote, bytes-or-null collateral and
    a u64 `now` [STEP-8]: a text quote, numeric collateral, a field too many, a negative `now` and
    `now` = 2^64 are refused; `now` = 2^64 - 1 is valid (the empty quote then fails to verify). A
    `primitive` step has exactly `name` and `args` [STEP-9]."""
    network_block = {
        "kind": "network_block",
        "number": 1,
        "timestamp": 6_000,
        "randomness": bytes(32),
        "extrinsics": [],
    }
    b.refuse(network_block)
    b.refuse({"kind": "network_blocks", "count": 1, "interval": 6_000})
    b.refuse({"kind": 1})
    dcap = {"kind": "verify_dcap", "quote": b"", "collateral": None, "now": 0}
    b.refuse(dcap | {"quote": ""})
    b.refuse(dcap | {"collateral": 0})
    b.refuse(dcap | {"tcb": None})
    b.refuse(dcap | {"now": -1})
    b.refuse(dcap | {"now": 1 << 64})
    b.step(dcap | {"now": (1 << 64) - 1})
    b.refuse({"kind": "primitive", "name": "u128.add", "args": {}, "extra": 0})
    b.step(dcap | {"collateral": b""})
    b.initialize_block(number=1, timestamp=6_000)
    b.expect_outcome("ok")
    # A kind decides the step, whatever fields it carries: a call's fields under another kind,
    # inside an open block where the call itself would apply.
    b.refuse(transfer(5) | {"kind": "network_block"})
    b.refuse(transfer(5) | {"kind": "apply_extrinsic"})
    b.step(transfer(5))
    b.expect_outcome("ok")


# --- Network steps [STEP-5] [STEP-7] [NET-4] [NET-17] ----------------------------------------

RUNTIME = {"name": "w1", "key": "net/worker1", "role": "worker"}


def network_genesis(b: CaseBuilder) -> None:
    """A network of one worker runtime, in the oracle crypto setting [NET-2] [NET-3]."""
    b.genesis(runtimes=[RUNTIME], crypto="oracle")


def network_block(number: int, timestamp: int, **fields: Any) -> dict[str, Any]:
    """A ``network_block`` step, without extrinsics unless ``fields`` give them [STEP-5]."""
    return {
        "kind": "network_block",
        "number": number,
        "timestamp": timestamp,
        "randomness": bytes(32),
        "extrinsics": [],
        **fields,
    }


@case(
    suite=SUITE,
    handler="network",
    presets=MINIMAL,
    clauses=("STEP-5", "STEP-6", "NET-4", "NET-15"),
    crypto="oracle",
)
def network_refuses_chain_steps(b: CaseBuilder) -> None:
    """A network advances by network steps only, so every runtime sees every block [STEP-6]:
    `initialize_block`, `call` and `finalize_block` are refused on it, and so are a network
    block's fields under the kind `initialize_block` or no known kind. A `network_block` has
    exactly its fields, with optional `withheld` [STEP-5]: a field too many, extrinsics that are
    not a list, an extrinsic that is not `{origin, call, args}` (a list, or a transfer with a
    field too many), `withheld` that is not a list of names (a text, even the empty one), or
    names no runtime [NET-4]. Withholding the one runtime, with the transfer well formed, is
    valid."""
    network_genesis(b)
    b.refuse(block_step(1, 6_000))
    b.refuse(transfer(5))
    b.refuse({"kind": "finalize_block"})
    # A network block's fields under a chain step's kind, or under no kind at all.
    b.refuse(network_block(1, 6_000) | {"kind": "initialize_block"})
    b.refuse(network_block(1, 6_000) | {"kind": "block"})
    b.refuse(network_block(1, 6_000, parent=0))
    b.refuse(network_block(1, 6_000) | {"extrinsics": {}})
    transfer_args = {"dest": b.account("bob"), "value": 5}
    extrinsic = {"origin": signed("alice"), "call": "Balances.transfer", "args": transfer_args}
    b.refuse(network_block(1, 6_000) | {"extrinsics": [extrinsic | {"tip": 0}]})
    b.refuse(network_block(1, 6_000) | {"extrinsics": [[signed("alice"), "Balances.transfer"]]})
    b.refuse(network_block(1, 6_000, withheld="w1"))
    b.refuse(network_block(1, 6_000, withheld=""))
    b.refuse(network_block(1, 6_000, withheld=[1]))
    b.refuse(network_block(1, 6_000, withheld=["w2"]))
    b.step(network_block(1, 6_000, withheld=["w1"], extrinsics=[extrinsic]))
    b.expect_outcome("ok")
    b.step(network_block(2, 12_000))
    b.expect_outcome("ok")


@case(
    suite=SUITE,
    handler="network",
    presets=MINIMAL,
    clauses=("NET-4", "NET-15", "CHAIN-14"),
    crypto="oracle",
)
def network_block_numbers_and_times(b: CaseBuilder) -> None:
    """A network block's number is a u32 above the genesis block's and its timestamp a u64
    [NET-4]: block 0 (which a chain may open once, [CHAIN-14]), block 2^32 and a timestamp of
    2^64 are refused; block 2^32 - 1 at time 2^64 - 1 is valid."""
    network_genesis(b)
    b.refuse(network_block(0, 0))
    b.refuse(network_block(1 << 32, 6_000))
    b.refuse(network_block(1, 1 << 64))
    b.step(network_block(1, (1 << 64) - 1))
    b.expect_outcome("ok")
    b.step(network_block((1 << 32) - 1, (1 << 64) - 1))
    b.expect_outcome("ok")


@case(
    suite=SUITE,
    handler="network",
    presets=MINIMAL,
    clauses=("STEP-7", "NET-15", "NET-17"),
    crypto="oracle",
)
def network_blocks_count_and_interval(b: CaseBuilder) -> None:
    """A `network_blocks` step takes a u32 count of at least one and a u64 interval, and its
    last block must still have a u32 number and a u64 timestamp [STEP-7] [NET-17]: a count of 0, a
    text count, a negative interval, a field too many, and runs whose last block would be number
    2^32 or at time 2^64 are refused; the runs ending exactly at 2^32 - 1 and 2^64 - 1 are valid."""
    network_genesis(b)
    b.refuse({"kind": "network_blocks", "count": 0, "interval": 6_000})
    b.refuse({"kind": "network_blocks", "count": "1", "interval": 6_000})
    b.refuse({"kind": "network_blocks", "count": 1, "interval": -1})
    b.refuse({"kind": "network_blocks", "count": 1, "interval": 6_000, "from": 0})
    b.step({"kind": "network_blocks", "count": 1, "interval": 6_000})
    b.expect_outcome("ok")
    last = (1 << 64) - 1 - 6_000
    b.refuse({"kind": "network_blocks", "count": 2, "interval": last // 2 + 1})
    b.step({"kind": "network_blocks", "count": 1, "interval": last})
    b.expect_outcome("ok")
    b.step(network_block((1 << 32) - 3, (1 << 64) - 1))
    b.refuse({"kind": "network_blocks", "count": 3, "interval": 0})
    b.step({"kind": "network_blocks", "count": 2, "interval": 0})
    b.expect_outcome("ok")


# --- Call arguments: held calls, messages, clusters, tokenomic [CHAIN-7] ----------------------


def call_step(call: Any, args: Any, origin: Any = None) -> dict[str, Any]:
    """A call step, by alice unless ``origin`` is given [STEP-3]."""
    return {
        "kind": "call",
        "origin": signed("alice") if origin is None else origin,
        "call": call,
        "args": args,
    }


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-7", "CHAIN-12"), block=1)
def call_names_and_held_calls(b: CaseBuilder) -> None:
    """A call's name is text naming a call of the table, and its arguments a map with text keys
    [CHAIN-7]: a numeric or null name and arguments keyed by a number are refused. A held call
    (kind `call`) is `{call, args}` checked against the same table [CHAIN-12]: a held call that
    is not a map, lacks its arguments, has a field too many, names no call or carries a
    malformed argument is refused; a well-formed one is valid (alice is no member of the
    council, so the execution fails on its origin)."""
    bob = b.account("bob")
    b.refuse(call_step(5, {"dest": bob, "value": 5}))
    b.refuse(call_step(None, {"dest": bob, "value": 5}))
    b.refuse(call_step("Balances.transfer", {1: bob, "value": 5}))
    good = {"dest": bob, "value": 5}
    b.refuse(held("Balances.transfer", good) | {"args": {"proposal": [], "length_bound": 1_000}})
    held_alone = {"proposal": {"call": "Balances.transfer"}, "length_bound": 1_000}
    b.refuse(held("Balances.transfer", good) | {"args": held_alone})
    extra = {"proposal": {"call": "Balances.transfer", "args": good, "weight": 0}}
    b.refuse(held("Balances.transfer", good) | {"args": extra | {"length_bound": 1_000}})
    b.refuse(held("Balances.transfer_everything", good))
    b.refuse(held(7, good))
    b.refuse(held("Balances.transfer", {"dest": bob, "value": -1}))
    b.refuse(held("Balances.transfer", {"dest": bob}))
    b.step(held("Balances.transfer", good))
    b.expect_outcome("Council.NotMember")


@case(
    suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-6", "CHAIN-7", "BAL-25"), block=1
)
def operation_takes_a_pallet_origin(b: CaseBuilder) -> None:
    """A malformed call of an operation is invalid input whatever the origin, a well-formed one
    from the wrong origin a dispatch error [CHAIN-6]: minting -1 is refused. An operation whose
    function takes no origin accepts only a pallet origin [CHAIN-7]: minting 7 by alice or by
    root is `BadOrigin` and changes nothing; a pallet mints [BAL-25]."""
    mint = {"who": b.account("bob"), "amount": 7}
    b.refuse(
        call_step(
            "Balances.mint_into", mint | {"amount": -1}, {"kind": "pallet", "pallet": "Treasury"}
        )
    )
    for origin in (signed("alice"), root()):
        b.step(call_step("Balances.mint_into", mint, origin))
        b.expect_outcome("BadOrigin")
    b.step(call_step("Balances.mint_into", mint, {"kind": "pallet", "pallet": "Treasury"}))
    b.expect_outcome("ok")
    b.observe("balance", b.account("bob"))


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-7", "BAL-1", "BAL-18"), block=1)
def unreserve_with_free_equal_to_reserved(b: CaseBuilder) -> None:
    """An unreserved amount is a balance [CHAIN-7]: 2^128 is refused. An account's total is its
    free plus its reserved balance [BAL-1], so an account with as much reserved as free is no
    empty account, and `unreserve` moves the amount back and deposits `Unreserved` [BAL-18] (a
    total read as their difference would be 0)."""
    alice = b.account("alice")
    treasury = {"kind": "pallet", "pallet": "Treasury"}
    b.refuse(call_step("Balances.unreserve", {"who": alice, "value": 1 << 128}, treasury))
    free = b.chain.system.accounts[alice].data.free
    if free % 2:
        b.step(transfer(1))
        free -= 1
    b.step(call_step("Balances.reserve", {"who": alice, "value": free // 2}, treasury))
    b.expect_outcome("ok")
    b.observe("balance", alice)
    b.step(call_step("Balances.unreserve", {"who": alice, "value": 1}, treasury))
    b.expect_outcome("ok")
    b.observe("balance", alice)


def sync(signed_message: Any) -> dict[str, Any]:
    """Alice relays ``signed_message`` with ``PhalaMq.sync_offchain_message`` [MQ-10]."""
    return call_step("PhalaMq.sync_offchain_message", {"signed_message": signed_message})


def relayed(sender: Any = None, sequence: Any = 5, **changes: Any) -> dict[str, Any]:
    """A signed message in plain data [MQ-4]: from a pallet unless ``sender`` is given, at
    ``sequence``, with 64 zero bytes as its signature; ``changes`` replace message fields."""
    message = {
        "sender": {"kind": "Pallet", "id": b"Treasury"} if sender is None else sender,
        "destination": b"phala/test",
        "payload": b"",
        **changes,
    }
    return {"message": message, "sequence": sequence, "signature": bytes(64)}


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-7", "MQ-3", "MQ-4"), block=1)
def signed_message_fields(b: CaseBuilder) -> None:
    """A `signed_message` argument is `{message, sequence, signature}` with a u64 sequence and a
    bytes signature, its message `{sender, destination, payload}` with bytes topic and payload
    [CHAIN-7] [MQ-3] [MQ-4]: a list, a missing or extra field, a sequence of -1, 2^64 or true, a
    numeric or text signature, a message that is not a map or has a field too many, and a text
    destination or payload, or one given as a list of byte values or a number, are refused.
    Sequence 2^64 - 1 is valid (a pallet sender is then `BadSender`, [MQ-10])."""
    good = relayed()
    b.refuse(sync([good["message"], 5, bytes(64)]))
    b.refuse(sync({k: v for k, v in good.items() if k != "signature"}))
    b.refuse(sync(good | {"nonce": 0}))
    for sequence in (-1, 1 << 64, True):
        b.refuse(sync(good | {"sequence": sequence}))
    b.refuse(sync(good | {"signature": 1}))
    b.refuse(sync(good | {"signature": "00" * 64}))
    b.refuse(sync(good | {"message": [b"Treasury", b"phala/test", b""]}))
    b.refuse(sync(good | {"message": good["message"] | {"topic": b""}}))
    b.refuse(sync(relayed(destination="phala/test")))
    b.refuse(sync(relayed(payload="")))
    # Values a lax reader could turn into bytes: a list of byte values, a length.
    b.refuse(sync(relayed(destination=list(b"phala/test"))))
    b.refuse(sync(relayed(payload=0)))
    b.step(sync(relayed(sequence=(1 << 64) - 1)))
    b.expect_outcome("PhalaMq.BadSender")


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-7", "MQ-1"), block=1)
def message_origin_forms(b: CaseBuilder) -> None:
    """A message origin is `{kind, id}` with a kind of [MQ-1] and bytes id; the kinds that carry
    an id of 32 bytes carry exactly 32, `Gatekeeper` and `Reserved` none: an origin that is not a
    map or has a field too many, an unknown kind, an id that is text, a number or a list of byte
    values, a worker key of 31, 33 or 0 bytes, and a gatekeeper or `Reserved` origin with a byte
    are refused. A 32-byte worker and the empty gatekeeper are valid off-chain senders (the chain
    expects their sequence 0, so sequence 5 is `BadSequence`, [MQ-10]); `Reserved` and a pallet
    of any name are not off-chain (`BadSender`)."""
    key = bytes(range(32))
    for sender in (
        [b"Worker", key],
        {"kind": "Worker", "id": key, "name": b""},
        {"kind": "Parachain", "id": key},
        {"kind": "Worker", "id": key.hex()},
        {"kind": "Pallet", "id": 8},
        {"kind": "Pallet", "id": list(b"Treasury")},
        {"kind": "Worker", "id": key[:31]},
        {"kind": "Worker", "id": key + b"\x00"},
        {"kind": "Worker", "id": b""},
        {"kind": "Gatekeeper", "id": b"\x00"},
        {"kind": "Reserved", "id": b"\x00"},
    ):
        b.refuse(sync(relayed(sender)))
    for sender, outcome in (
        ({"kind": "Worker", "id": key}, "PhalaMq.BadSequence"),
        ({"kind": "Gatekeeper", "id": b""}, "PhalaMq.BadSequence"),
        ({"kind": "Reserved", "id": b""}, "PhalaMq.BadSender"),
        ({"kind": "Pallet", "id": b""}, "PhalaMq.BadSender"),
    ):
        b.step(sync(relayed(sender)))
        b.expect_outcome(outcome)


PHAT = "PhalaPhatContracts."


def cluster_args(b: CaseBuilder, permission: Any) -> dict[str, Any]:
    """``add_cluster``'s arguments with no workers and ``permission`` [PHAT-6]."""
    return {
        "owner": b.account("alice"),
        "permission": permission,
        "deploy_workers": [],
        "deposit": 100,
        "gas_price": 1,
        "deposit_per_item": 2,
        "deposit_per_byte": 3,
        "treasury_account": b.account("ferdie"),
    }


@case(
    suite=SUITE,
    handler="call",
    presets=MINIMAL,
    clauses=("CHAIN-7", "PHAT-5", "PHAT-7", "PHAT-10"),
    block=1,
)
def cluster_argument_forms(b: CaseBuilder) -> None:
    """The Phat Contracts kinds of [CHAIN-7]: a cluster permission is `{kind: Public}` or
    `{kind: OnlyOwner, account}` [PHAT-5]: `Public` with an account, `OnlyOwner` without one or
    with 31 bytes, an unknown kind and a text are refused; `OnlyOwner` of any account is valid
    (root's cluster without workers is then `NoWorkerSpecified`). A code index is
    `{kind: WasmCode, code_hash: 32 bytes}` [PHAT-10] and a resource type one of three texts
    [PHAT-7]: other forms are refused; the valid ones fail on the missing cluster."""
    alice, bob = b.account("alice"), b.account("bob")
    for permission in (
        {"kind": "Public", "account": alice},
        {"kind": "OnlyOwner"},
        {"kind": "OnlyOwner", "account": alice[:31]},
        {"kind": "Owner", "account": alice},
        "Public",
    ):
        b.refuse(call_step(PHAT + "add_cluster", cluster_args(b, permission), root()))
    only_bob = {"kind": "OnlyOwner", "account": bob}
    b.step(call_step(PHAT + "add_cluster", cluster_args(b, only_bob), root()))
    b.expect_outcome("PhalaPhatContracts.NoWorkerSpecified")
    b.step(call_step(PHAT + "add_cluster", cluster_args(b, {"kind": "Public"}), root()))
    b.expect_outcome("PhalaPhatContracts.NoWorkerSpecified")
    code_hash = bytes(32)
    instantiate = {
        "code_index": {"kind": "WasmCode", "code_hash": code_hash},
        "data": b"",
        "salt": b"",
        "cluster_id": bytes(32),
        "transfer": 0,
        "gas_limit": 1_000_000,
        "storage_deposit_limit": None,
        "deposit": 0,
    }
    for code_index in (
        {"kind": "WasmCode", "code_hash": code_hash[:31]},
        {"kind": "Wasm", "code_hash": code_hash},
        {"kind": "WasmCode", "code_hash": code_hash, "version": 0},
        code_hash,
    ):
        b.refuse(call_step(PHAT + "instantiate_contract", instantiate | {"code_index": code_index}))
    b.step(call_step(PHAT + "instantiate_contract", instantiate))
    b.expect_outcome("PhalaPhatContracts.ClusterNotFound")
    upload = {"cluster_id": bytes(32), "resource_type": "InkCode", "resource_data": b""}
    for resource_type in ("inkCode", 0, None):
        b.refuse(
            call_step(PHAT + "cluster_upload_resource", upload | {"resource_type": resource_type})
        )
    for resource_type in ("SidevmCode", "IndeterministicInkCode"):
        b.step(
            call_step(PHAT + "cluster_upload_resource", upload | {"resource_type": resource_type})
        )
        b.expect_outcome("PhalaPhatContracts.ClusterNotFound")


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-7", "CMP-20"), block=1)
def tokenomic_parameter_kinds(b: CaseBuilder) -> None:
    """Tokenomic parameters are every field of [CMP-1], `heartbeat_window` a u32 and every other
    one U64F64 bits [CMP-20]: a map without a field or with one too many, a heartbeat window of
    2^32 and a `v_max` of 2^128 are refused. A heartbeat window of 2^32 - 1 and a `v_max` of
    2^128 - 1 (far past a u32) are valid (alice is not governance: `BadOrigin`)."""
    params = b.chain.computation.tokenomic
    assert params is not None
    current = dict(to_data(params))
    update = "PhalaComputation.update_tokenomic"
    without = {k: v for k, v in current.items() if k != "v_max"}
    for new in (
        without,
        current | {"gamma": 0},
        current | {"heartbeat_window": 1 << 32},
        current | {"v_max": 1 << 128},
        current | {"heartbeat_window": -1},
    ):
        b.refuse(call_step(update, {"new_params": new}))
    for new in (
        current | {"heartbeat_window": (1 << 32) - 1},
        current | {"v_max": (1 << 128) - 1},
        current | {"v_max": 1 << 32},
    ):
        b.step(call_step(update, {"new_params": new}))
        b.expect_outcome("BadOrigin")


# --- Network genesis: runtime declarations [NET-2] ---------------------------------------------


def network_overrides(*runtimes: Any, crypto: Any = "oracle") -> dict[str, Any]:
    """Genesis overrides declaring ``runtimes`` in the ``crypto`` setting [NET-2] [NET-3]."""
    return {"runtimes": list(runtimes), "crypto": crypto}


def network_case(func: Callable[[CaseBuilder], None]) -> Callable[[CaseBuilder], None]:
    """Register a refused network genesis: the refusals suite, handler ``network_genesis``."""
    return case(
        suite=SUITE, handler="network_genesis", presets=MINIMAL, clauses=("NET-2",), crypto="oracle"
    )(func)


@network_case
def network_runtimes_not_a_list(b: CaseBuilder) -> None:
    """`runtimes` is a list of declarations [NET-2]: one declaration given bare, as a map, is
    refused."""
    b.refuse_genesis({"runtimes": RUNTIME, "crypto": "oracle"})


@network_case
def network_runtimes_empty_text(b: CaseBuilder) -> None:
    """`runtimes` is a list [NET-2]: the empty text, which holds no declaration, is refused as
    well (the empty list is a valid network without runtimes)."""
    b.refuse_genesis({"runtimes": "", "crypto": "oracle"})


@network_case
def network_declaration_not_a_map(b: CaseBuilder) -> None:
    """A runtime declaration is a map [NET-2]: a list of its values is refused."""
    b.refuse_genesis(network_overrides(["w1", "net/worker1", "worker"]))


@network_case
def network_declaration_with_an_unknown_field(b: CaseBuilder) -> None:
    """A declaration has only the fields of [NET-2]: a `port` is refused."""
    b.refuse_genesis(network_overrides(RUNTIME | {"port": 8000}))


@network_case
def network_runtime_name_not_in_the_pattern(b: CaseBuilder) -> None:
    """A runtime's name matches `[a-z0-9][a-z0-9_-]*` [NET-2]: `-w1`, which starts with a hyphen,
    is refused (`w-1` is valid: `network/...` cases use such names)."""
    b.refuse_genesis(network_overrides(RUNTIME | {"name": "-w1"}))


@network_case
def network_runtime_name_not_text(b: CaseBuilder) -> None:
    """A runtime's name is text [NET-2]: the number 1 is refused."""
    b.refuse_genesis(network_overrides(RUNTIME | {"name": 1}))


@network_case
def network_runtime_with_seed_and_key(b: CaseBuilder) -> None:
    """A declaration gives exactly one of `seed` and `key` [NET-2]: both are refused."""
    b.refuse_genesis(network_overrides(RUNTIME | {"seed": bytes(32)}))


@network_case
def network_runtime_without_seed_or_key(b: CaseBuilder) -> None:
    """A declaration gives exactly one of `seed` and `key` [NET-2]: neither is refused."""
    b.refuse_genesis(network_overrides({"name": "w1", "role": "worker"}))


@network_case
def network_runtime_seed_of_31_bytes(b: CaseBuilder) -> None:
    """A seed is a 32-byte mini secret [NET-2] [CRYPTO-11]: 31 bytes are refused."""
    b.refuse_genesis(network_overrides({"name": "w1", "seed": bytes(31), "role": "worker"}))


@network_case
def network_runtime_empty_key_name(b: CaseBuilder) -> None:
    """A key is a dev key's name, non-empty text [NET-2] [CRYPTO-2]: the empty name is refused."""
    b.refuse_genesis(network_overrides(RUNTIME | {"key": ""}))


@network_case
def network_runtime_key_not_text(b: CaseBuilder) -> None:
    """A key is a dev key's name, text [NET-2]: bytes are refused."""
    b.refuse_genesis(network_overrides(RUNTIME | {"key": b"net/worker1"}))


@network_case
def network_runtime_of_an_unknown_role(b: CaseBuilder) -> None:
    """A runtime's role is `worker` or `gatekeeper` [NET-2]: `relayer` is refused."""
    b.refuse_genesis(network_overrides(RUNTIME | {"role": "relayer"}))


@network_case
def network_runtime_relayer_of_31_bytes(b: CaseBuilder) -> None:
    """A relayer is a 32-byte account [NET-2]: 31 bytes are refused."""
    b.refuse_genesis(network_overrides(RUNTIME | {"relayer": bytes(31)}))


@network_case
def network_runtime_iterations_past_u32(b: CaseBuilder) -> None:
    """A runtime's `iterations_per_block` is a u32 [NET-2] [OFF-19]: 2^32 is refused (2^32 - 1
    is valid: `network_runtime_iterations_at_u32`)."""
    b.refuse_genesis(network_overrides(RUNTIME | {"iterations_per_block": 1 << 32}))


@network_case
def network_runtimes_of_one_name(b: CaseBuilder) -> None:
    """Runtime names are unique in the network [NET-2]: two runtimes named `w1` are refused."""
    second = {"name": "w1", "key": "net/worker2", "role": "worker"}
    b.refuse_genesis(network_overrides(RUNTIME, second))


@case(suite=SUITE, handler="network_genesis", presets=MINIMAL, clauses=("NET-2", "NET-3"))
def network_crypto_setting_none(b: CaseBuilder) -> None:
    """A network's crypto setting is `real` or `oracle` [NET-2] [NET-3]: `none` is refused."""
    b.refuse_genesis(network_overrides(RUNTIME, crypto="none"))


@case(
    suite=SUITE,
    handler="network",
    presets=MINIMAL,
    clauses=("NET-2", "NET-15", "OFF-19"),
    crypto="oracle",
)
def network_runtime_iterations_at_u32(b: CaseBuilder) -> None:
    """The valid side of the bounds the refused network geneses sit past [NET-2]: a runtime
    benchmarking 2^32 - 1 iterations per block, named `w-1`, with a 32-byte seed and its own
    32-byte relayer, next to a gatekeeper, runs a block; withholding `w1`, which is not its name,
    is refused [NET-15]."""
    b.genesis(
        runtimes=[
            {
                "name": "w-1",
                "seed": bytes(range(32)),
                "role": "worker",
                "relayer": b.account("eve"),
                "iterations_per_block": (1 << 32) - 1,
            },
            {"name": "0gk", "key": "net/gatekeeper", "role": "gatekeeper"},
        ],
        crypto="oracle",
    )
    b.refuse(network_block(1, 6_000, withheld=["w1"]))
    b.step(network_block(1, 6_000))
    b.expect_outcome("ok")


@case(suite=SUITE, handler="call", presets=MINIMAL, clauses=("CHAIN-7", "ELE-11"), block=1)
def renouncing_forms(b: CaseBuilder) -> None:
    """`renouncing` is `Member`, `RunnerUp` or `{Candidate: u32}` [CHAIN-7] [ELE-11]: another
    text, a number, a candidate count of 2^32 and a map with another key are refused; a
    well-formed renouncing from an account that is none of them is a dispatch error."""
    b.genesis(config={"call_filter": "Everything"})  # the minimal preset filters the pallet
    call = "PhragmenElection.renounce_candidacy"
    for renouncing in ("Bogus", "member", 7, {"Candidate": 1 << 32}, {"Member": 0}):
        b.refuse(call_step(call, {"renouncing": renouncing}))
    b.step(call_step(call, {"renouncing": {"Candidate": (1 << 32) - 1}}))
    b.expect_outcome("PhragmenElection.InvalidRenouncing")
    b.step(call_step(call, {"renouncing": "RunnerUp"}))
    b.expect_outcome("PhragmenElection.InvalidRenouncing")
