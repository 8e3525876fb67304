"""The Technical Committee's membership pallet and what it tells the committee [COL-14]
(handler ``membership``)."""

from __future__ import annotations

from typing import Any

from phala_spec.conformance.authoring import CaseBuilder, case, collective, root, signed
from phala_spec.conformance.checks import check, do
from phala_spec.conformance.suites.governance_collective.common import (
    COUNCIL,
    SUITE,
    TC,
    council_setup,
    ids,
    motion,
    propose,
    pruntime,
    vote,
)


def membership(
    b: CaseBuilder, name: str, args: dict[str, Any], origin: dict[str, Any], *, outcome: str = "ok"
) -> None:
    do(b, f"TechnicalMembership.{name}", args, origin, outcome=outcome)


@case(suite=SUITE, handler="membership", clauses=("COL-14", "COL-11", "COL-13"), block=1)
def membership_changes_reach_the_committee(b: CaseBuilder) -> None:
    """`TechnicalMembership` keeps the committee's members: a Council majority adds ferdie; root
    sets dave as prime; removing eve takes her aye off the open motion and keeps the prime;
    adding someone clears the committee's prime but not the membership's (no rejig); swapping
    rejigs it back. Errors in order: `BadOrigin` first, then `AlreadyMember`, `NotMember`,
    `TooManyMembers` (10 on minimal)."""
    council_setup(b)
    h = propose(b, "dave", pruntime(1), threshold=3, instance=TC)
    vote(b, "eve", h, 0, True, instance=TC)
    membership(b, "add_member", {"who": b.account("ferdie")}, signed("alice"), outcome="BadOrigin")
    membership(b, "add_member", {"who": b.account("ferdie")}, collective(COUNCIL, 2, 3))
    membership(
        b,
        "add_member",
        {"who": b.account("ferdie")},
        root(),
        outcome="TechnicalMembership.AlreadyMember",
    )
    membership(
        b, "set_prime", {"who": b.account("alice")}, root(), outcome="TechnicalMembership.NotMember"
    )
    membership(b, "set_prime", {"who": b.account("dave")}, root())
    membership(b, "remove_member", {"who": b.account("eve")}, root())
    check(
        motion(b, h, TC).ayes == () and b.chain.technical_committee.prime == b.account("dave"),
        "eve's aye gone, dave still prime",
    )
    membership(
        b,
        "remove_member",
        {"who": b.account("eve")},
        root(),
        outcome="TechnicalMembership.NotMember",
    )
    membership(b, "add_member", {"who": b.account("eve")}, root())
    check(
        b.chain.technical_committee.prime is None
        and b.chain.technical_membership.prime == b.account("dave"),
        "no rejig on add",
    )
    membership(
        b,
        "swap_member",
        {"remove": b.account("eve"), "add": b.account("ferdie")},
        root(),
        outcome="TechnicalMembership.AlreadyMember",
    )
    membership(b, "swap_member", {"remove": b.account("eve"), "add": b.account("alice")}, root())
    check(b.chain.technical_committee.prime == b.account("dave"), "the swap rejigs the prime")
    crowd = [b.account(f"member{i}") for i in range(11)]
    membership(
        b, "reset_members", {"members": crowd}, root(), outcome="TechnicalMembership.TooManyMembers"
    )
    b.observe("collective", TC)


@case(suite=SUITE, handler="membership", clauses=("COL-14",), block=1)
def change_key_and_reset(b: CaseBuilder) -> None:
    """`change_key`: the prime hands over its seat and the prime with it; another member's change
    leaves the committee without a prime (only the changer's prime is told again). A
    non-member gets `NotMember`, a key already seated `AlreadyMember`, the same key only
    `KeyChanged`. `reset_members` replaces everyone, drops the prime not among them;
    `clear_prime` clears both."""
    council_setup(b)
    membership(b, "set_prime", {"who": b.account("dave")}, root())
    membership(
        b,
        "change_key",
        {"new": b.account("ferdie")},
        signed("alice"),
        outcome="TechnicalMembership.NotMember",
    )
    membership(
        b,
        "change_key",
        {"new": b.account("eve")},
        signed("dave"),
        outcome="TechnicalMembership.AlreadyMember",
    )
    membership(b, "change_key", {"new": b.account("dave")}, signed("dave"))
    membership(b, "change_key", {"new": b.account("ferdie")}, signed("dave"))
    check(
        b.chain.technical_committee.prime == b.account("ferdie")
        and b.chain.technical_membership.prime == b.account("ferdie"),
        "the prime moves along",
    )
    membership(b, "change_key", {"new": b.account("charlie")}, signed("eve"))
    check(
        b.chain.technical_committee.prime is None
        and b.chain.technical_membership.prime == b.account("ferdie"),
        "not told again",
    )
    membership(b, "reset_members", {"members": ids(b, "alice", "bob")}, root())
    check(
        b.chain.technical_membership.prime is None
        and b.chain.technical_committee.members == tuple(sorted(ids(b, "alice", "bob"))),
        "the prime was not kept",
    )
    membership(b, "set_prime", {"who": b.account("bob")}, root())
    membership(b, "clear_prime", {}, collective(COUNCIL, 1, 3), outcome="BadOrigin")
    membership(b, "clear_prime", {}, root())
    check(b.chain.technical_committee.prime is None, "cleared")


@case(suite=SUITE, handler="membership", clauses=("COL-14", "COL-13"), block=1)
def membership_bound_and_check_order(b: CaseBuilder) -> None:
    """With a bound of 3 members: `reset_members` of exactly 3 is accepted and `add_member` to
    those 3 is `TooManyMembers`, while `add_member` of one of them is `AlreadyMember` (checked
    first). Every call but `change_key` checks its origin before anything else: a signed
    account's `remove_member`, `swap_member`, `reset_members` of too many, `set_prime` of a
    non-member are all `BadOrigin`. `swap_member` of a non-member for a seated member is
    `NotMember` (the removed one is checked first)."""
    council_setup(b, technical_committee={"max_members": 3})
    trio = ids(b, "alice", "bob", "charlie")
    membership(b, "reset_members", {"members": trio}, root())
    check(b.chain.technical_membership.members == tuple(sorted(trio)), "three seats, all taken")
    membership(
        b,
        "add_member",
        {"who": b.account("ferdie")},
        root(),
        outcome="TechnicalMembership.TooManyMembers",
    )
    membership(
        b,
        "add_member",
        {"who": b.account("alice")},
        root(),
        outcome="TechnicalMembership.AlreadyMember",
    )
    outsider = signed("ferdie")
    membership(b, "remove_member", {"who": b.account("alice")}, outsider, outcome="BadOrigin")
    membership(
        b,
        "swap_member",
        {"remove": b.account("alice"), "add": b.account("ferdie")},
        outsider,
        outcome="BadOrigin",
    )
    crowd = ids(b, "alice", "bob", "charlie", "dave")
    membership(b, "reset_members", {"members": crowd}, outsider, outcome="BadOrigin")
    membership(b, "set_prime", {"who": b.account("ferdie")}, outsider, outcome="BadOrigin")
    membership(
        b,
        "swap_member",
        {"remove": b.account("ferdie"), "add": b.account("bob")},
        root(),
        outcome="TechnicalMembership.NotMember",
    )
    b.observe("collective", TC)
