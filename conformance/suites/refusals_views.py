"""Authored refusals of queries: views asked with arguments they do not take [VEC-28] [VIEW-1].

A view is a function of the state and a list of arguments of fixed kinds
([VIEW-1]..[VIEW-11], and the views each chapter defines); anything else is
invalid input. For every view, one vector applies a plain step and then asks
the view with arguments that are not its own, each of which must be refused:

* arguments that are not a list (the first argument given bare);
* one argument too few and one too many;
* each argument replaced in turn by values just outside its kind (a 31- and
  a 33-byte id, a text where bytes go, -1 and 2^32 for a u32, a boolean where
  an integer goes, a collective or runtime that does not exist).

The vector's last observation asks the view with valid arguments, so an
implementation that refuses every query fails it. The network's views
([NET-11]..[NET-14], [KEY-20], [PHAT-66]) get the same on a network, and a
chain refuses them; a view name that is not one is refused everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case

from .refusals import MINIMAL, RUNTIME, SUITE, network_genesis

ID = bytes(range(32))  # a 32-byte id: an account, a public key, a hash
BYTES32_BAD = (ID[:31], ID + b"\x00", "alice")
U32_BAD = (-1, 1 << 32, True, "0")
U64_BAD = (-1, 1 << 64, True, "0")
ORIGIN = {"kind": "Worker", "id": ID}
MESSAGE = {"sender": ORIGIN, "destination": b"phala/topic", "payload": b""}
SIGNED = {
    "message": MESSAGE,
    "sequence": 0,
    "signature": bytes(64),
}

# A kind of argument: a valid value and values just outside it.
KINDS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "account": (ID, BYTES32_BAD),
    "bytes32": (ID, BYTES32_BAD),
    "u32": (0, U32_BAD),
    "pool_id": (0, U64_BAD),
    "collective": ("Council", ("council", "Senate", ["Council"], 0)),
    "origin": (
        ORIGIN,
        (
            {"kind": "Worker"},
            {"kind": "Worker", "id": ID[:31]},
            {"kind": "Elsewhere", "id": ID},
            {"kind": ["Worker"], "id": ID},
            "Worker",
        ),
    ),
    "signed_message": (
        SIGNED,
        (
            {**SIGNED, "extra": 0},
            {**SIGNED, "sequence": 1 << 64},
            {**SIGNED, "message": {**MESSAGE, "payload": "text"}},
            [SIGNED],
        ),
    ),
    "runtime": ("w1", ("w2", "", b"w1", 1)),
}


def refuse_arguments(b: CaseBuilder, view: str, kinds: Sequence[str]) -> None:
    """Ask ``view`` with every malformed form of its arguments, then with valid ones [VIEW-1]."""
    valid = [KINDS[kind][0] for kind in kinds]
    b.refuse_observation(view, valid[0] if valid else {})
    if valid:
        b.refuse_observation(view, valid[:-1])
    b.refuse_observation(view, [*valid, valid[-1] if valid else 0])
    for position, kind in enumerate(kinds):
        for bad in KINDS[kind][1]:
            b.refuse_observation(view, [*valid[:position], bad, *valid[position + 1 :]])
    b.observe(view, *valid)


# Each chain view, its argument kinds and the clause that defines it.
CHAIN_VIEWS: dict[str, tuple[tuple[str, ...], str]] = {
    "balance": (("account",), "VIEW-2"),
    "account": (("account",), "VIEW-3"),
    "locks": (("account",), "VIEW-4"),
    "total_issuance": ((), "VIEW-5"),
    "block": ((), "VIEW-6"),
    "democracy": ((), "VIEW-7"),
    "blacklist": (("bytes32",), "VIEW-8"),
    "deposit_of": (("u32",), "VIEW-9"),
    "agenda": (("u32",), "VIEW-10"),
    "elections_voter": (("account",), "VIEW-11"),
    "mq_ingress": (("origin",), "MQ-18"),
    "mq_outbound": ((), "MQ-19"),
    "mq_queued": ((), "MQ-20"),
    "mq_pool_validity": (("signed_message",), "MQ-21"),
    "worker": (("bytes32",), "REG-24"),
    "gatekeepers": ((), "REG-24"),
    "registered_after_gk_launched": (("bytes32",), "REG-24"),
    "session": (("account",), "CMP-19"),
    "computation": ((), "CMP-19"),
    "wpha": (("account",), "STK-8"),
    "wpha_totals": ((), "STK-8"),
    "wpha_votes": (("u32",), "STK-8"),
    "base_pool": (("pool_id",), "STK-23"),
    "pool_shares": (("pool_id", "account"), "STK-23"),
    "stake_pool": (("pool_id",), "STK-56"),
    "collective": (("collective",), "COL-1"),
    "motion": (("collective", "bytes32"), "COL-1"),
    "elections": ((), "ELE-1"),
    "treasury": ((), "TRS-1"),
    "referendum": (("u32",), "DEM-1"),
    "democracy_voting": (("account",), "DEM-1"),
    "phat_cluster": (("bytes32",), "PHAT-28"),
    "phat_contract": (("bytes32",), "PHAT-28"),
    "phat_stake": (("account", "bytes32"), "PHAT-28"),
}

NETWORK_VIEWS: dict[str, tuple[tuple[str, ...], str]] = {
    "runtimes": ((), "NET-11"),
    "runtime": (("runtime",), "NET-12"),
    "pending_egress": (("runtime",), "NET-13"),
    "runtime_worker": (("runtime", "bytes32"), "NET-14"),
    "runtime_keys": (("runtime",), "KEY-20"),
    "runtime_cluster": (("runtime",), "PHAT-66"),
}


def _chain_view_case(view: str, kinds: tuple[str, ...], clause: str) -> None:
    def refused_arguments(b: CaseBuilder) -> None:
        b.initialize_block()
        refuse_arguments(b, view, kinds)

    refused_arguments.__name__ = refused_arguments.__qualname__ = view
    refused_arguments.__doc__ = (
        f"`{view}` takes {_described(kinds)} [{clause}] [VIEW-1]: arguments that are not a list, "
        "one too few or too many, or one outside its kind are refused; valid ones are answered."
    )
    case(
        suite=SUITE,
        handler="views",
        presets=MINIMAL,
        clauses=("VIEW-1", "VEC-28", clause),
    )(refused_arguments)


def _network_view_case(view: str, kinds: tuple[str, ...], clause: str) -> None:
    def refused_arguments(b: CaseBuilder) -> None:
        network_genesis(b)
        b.network_blocks(1)
        refuse_arguments(b, view, kinds)

    refused_arguments.__name__ = refused_arguments.__qualname__ = view
    refused_arguments.__doc__ = (
        f"On a network, `{view}` takes {_described(kinds)} [{clause}] [NET-11]: arguments that "
        "are not a list, one too few or too many, or one outside its kind (a runtime the network "
        f"does not have: only {RUNTIME['name']!r} is) are refused; valid ones are answered."
    )
    case(
        suite=SUITE,
        handler="network_views",
        presets=MINIMAL,
        clauses=("NET-11", "VEC-28", clause),
        crypto="oracle",
    )(refused_arguments)


def _described(kinds: tuple[str, ...]) -> str:
    if not kinds:
        return "no arguments"
    return "the arguments (" + ", ".join(kind.replace("_", " ") for kind in kinds) + ")"


def _register(
    views: dict[str, tuple[tuple[str, ...], str]],
    make: Callable[[str, tuple[str, ...], str], None],
) -> None:
    for view, (kinds, clause) in views.items():
        make(view, kinds, clause)


_register(CHAIN_VIEWS, _chain_view_case)
_register(NETWORK_VIEWS, _network_view_case)


@case(suite=SUITE, handler="views", presets=MINIMAL, clauses=("VIEW-1", "NET-11", "VEC-28"))
def unknown_views(b: CaseBuilder) -> None:
    """A view is named by one of the view names [VIEW-1]: a near miss (`balances`), a name in
    another case (`Balance`), the empty name and a name that is not text are refused, and on a
    chain so are the network's views [NET-11]; `balance` itself is answered."""
    b.initialize_block()
    for view in ("balances", "Balance", "", 0, ["balance"]):
        b.refuse_observation(view, [ID])
    for view in NETWORK_VIEWS:
        b.refuse_observation(view, [])
        b.refuse_observation(view, [RUNTIME["name"]])
    b.observe("balance", ID)


@case(
    suite=SUITE,
    handler="network_views",
    presets=MINIMAL,
    clauses=("NET-11", "VIEW-1", "VEC-28"),
    crypto="oracle",
)
def chain_views_on_a_network(b: CaseBuilder) -> None:
    """On a network the chain's views see its chain [NET-11], with the same arguments: a 31-byte
    account, arguments that are not a list and an unknown view are refused there too; valid
    arguments are answered."""
    network_genesis(b)
    b.network_blocks(1)
    b.refuse_observation("balance", [ID[:31]])
    b.refuse_observation("balance", ID)
    b.refuse_observation("total_issuance", [0])
    b.refuse_observation("balances", [ID])
    b.observe("balance", ID)
    b.observe("total_issuance")
