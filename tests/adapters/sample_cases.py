"""A small test-only suite, registered in its own registry so it never mixes with the shipped suites.

The case ``magic_transfer`` transfers exactly :data:`MAGIC` units: the broken
adapters in this folder misbehave on that step only, so a test can check that
one vector is reported and the others still pass after the adapter restarts.
"""

from __future__ import annotations

from pathlib import Path

from phala_spec.conformance.authoring import (
    AuthoringError,
    CaseBuilder,
    Registry,
    case,
    pallet,
    signed,
)
from phala_spec.conformance.store import generate, write_all

MAGIC = 13
SAMPLE = Registry()


@case(
    suite="sample",
    handler="transfer",
    presets=("minimal", "phala"),
    clauses=("BAL-10",),
    registry=SAMPLE,
)
def plain_transfer(b: CaseBuilder) -> None:
    """Alice sends Bob a little; balances and issuance are observed."""
    alice, bob = b.account("alice"), b.account("bob")
    b.initialize_block()
    b.call(
        "Balances.transfer_allow_death",
        {"dest": bob, "value": 5},
        origin=signed(alice),
        observe=[("balance", alice), ("balance", bob), ("total_issuance",)],
    )
    b.expect_outcome("ok")
    b.finalize_block(observe=[("block",)])


@case(
    suite="sample", handler="transfer", presets=("minimal",), clauses=("BAL-10",), registry=SAMPLE
)
def too_much(b: CaseBuilder) -> None:
    """A transfer above the free balance is rejected and changes nothing."""
    alice, bob = b.account("alice"), b.account("bob")
    b.genesis(balances=[(alice, 100), (bob, 100)])
    b.initialize_block()
    b.call(
        "Balances.transfer_allow_death",
        {"dest": bob, "value": 1_000},
        origin=signed(alice),
        observe=[("balance", alice)],
    )
    if b.outcome == "ok":  # the exact code is the balances suite's business
        raise AuthoringError("the transfer should have been rejected")
    b.finalize_block()


@case(suite="sample", handler="transfer", presets=("minimal",), registry=SAMPLE)
def magic_transfer(b: CaseBuilder) -> None:
    """Transfers the magic amount that makes the broken test adapters misbehave."""
    alice, bob = b.account("alice"), b.account("bob")
    b.initialize_block()
    b.call("Balances.transfer_allow_death", {"dest": bob, "value": MAGIC}, origin=signed(alice))
    b.finalize_block()


@case(suite="sample", handler="big", presets=("phala",), registry=SAMPLE)
def big_numbers(b: CaseBuilder) -> None:
    """Amounts beyond 64 bits travel as CBOR bignums without loss."""
    foundation = b.account("foundation")
    b.initialize_block()
    b.call(
        "Balances.transfer_allow_death",
        {"dest": b.account("bob"), "value": 2**65},
        origin=signed(foundation),
        observe=[("balance", foundation), ("total_issuance",)],
    )
    b.expect_outcome("ok")
    b.finalize_block()


@case(suite="sample", handler="reserve", presets=("minimal",), registry=SAMPLE)
def reserve_then_slash(b: CaseBuilder) -> None:
    """Trait operations by a pallet origin, over two blocks; slash_reserved returns a value."""
    alice = b.account("alice")
    b.block(calls=[("Balances.reserve", {"who": alice, "value": 50}, pallet("Test"))])
    b.initialize_block()
    b.call(
        "Balances.slash_reserved",
        {"who": alice, "value": 20},
        origin=pallet("Test"),
        observe=[("balance", alice), ("account", alice)],
    )
    b.finalize_block()


def write_sample_vectors(out: Path, pattern: str | None = None) -> list[str]:
    """Generate the sample suite into ``out`` (lock at ``out.lock``); returns the ids."""
    generated = generate(SAMPLE.specs(pattern))
    write_all(generated, out, out.parent / f"{out.name}.lock", partial=False)
    return [g.id for g in generated]
