"""The collectives and elections model [MOD-10]: motions under changing membership.

:class:`CollectiveMachine` drives the Council, the Technical Committee, the
Council elections and the treasury through :func:`phala_spec.apply_step`
only, with the allow-all call filter so that the elections' calls reach the
pallet (production's filter refuses them, [CHAIN-15]). Members propose motions (registry calls, treasury spends, Technical
Committee membership, calls that fail their origin check), vote, switch sides
and close them; candidates stand, voters vote and leave, members renounce or
are removed by root, and blocks pass so that terms end and the Council's
membership changes under open motions. Adversarial steps vote and close as
non-members, with wrong indices and on unknown motions, and must be
rejected without any change.

Invariants (named after the clause they check):

* ``inv_COL_11_votes_from_members``: a motion's ayes and nays only hold
  current members of its collective;
* ``inv_COL_5_one_vote_each``: nobody is both an aye and a nay, or twice on
  one side;
* ``inv_COL_1_motions_consistent``: open motions, their calls and their votes
  have the same hashes; their indices are distinct and below the count;
  no more than ``max_proposals`` are open;
* ``inv_COL_11_prime_is_member``;
* ``inv_COL_14_committee_follows_membership`` (after each membership change);
* ``inv_ELE_14_council_follows_elections``: the Council's members are the
  elections' members (the model never sets the Council's members directly);
* ``inv_ELE_1_seats_disjoint``: members, runners-up and candidates are
  pairwise disjoint, and at most ``desired_members`` members;
* ``inv_ELE_4_reserves_are_deposits``: every account's reserved balance is
  the sum of its recorded deposits (candidacy, seat, voter) and treasury bonds;
* ``inv_ELE_4_lock_is_stake``: a voter who paid a deposit has the lock
  ``phrelect`` at its stake, and non-voters have none;
* ``inv_TRS_3_issuance_is_sum``: slashes paid into the pot (and slashes burnt)
  leave the issuance equal to the sum of all balances (Phala's burn is 0).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from phala_spec.chain.state import CollectiveState
from phala_spec.pallets.governance.elections import LOCK_ID
from phala_spec.runtime.genesis import DEV_ACCOUNTS, dev_account, genesis
from phala_spec.steps import StepResult

from .balances import check
from .machine import ChainMachine

PRESET = "minimal"
SUITE = "governance"
INSTANCES = ("Council", "TechnicalCommittee")
PEOPLE = tuple(dev_account(n) for n in DEV_ACCOUNTS)
LONG = 10_000

people = st.sampled_from(PEOPLE)
instances = st.sampled_from(INSTANCES)


def signed(who: bytes) -> dict[str, Any]:
    return {"kind": "signed", "who": who}


ROOT: dict[str, Any] = {"kind": "root"}


def held_call(kind: int, n: int, members: list[bytes]) -> dict[str, Any]:
    """A call a motion may hold: needs more than half of the Council, a treasury spend, the
    Technical Committee's membership, or a call no collective origin can make."""
    if kind == 0:
        return {"call": "PhalaRegistry.add_pruntime", "args": {"pruntime_hash": b"p%d" % n}}
    if kind == 1:
        return {"call": "Treasury.spend", "args": {"amount": n, "beneficiary": PEOPLE[n % 6]}}
    if kind == 2:
        return {
            "call": "TechnicalCommittee.set_members",
            "args": {"new_members": members, "prime": None, "old_count": n},
        }
    return {"call": "Balances.transfer_keep_alive", "args": {"dest": PEOPLE[0], "value": n}}


class CollectiveMachine(ChainMachine):
    """Council and Technical Committee motions while elections change the Council [MOD-10]."""

    model_name = "collective"
    suite = SUITE
    preset = PRESET

    def __init__(self) -> None:
        super().__init__()
        self.stale_voters: set[bytes] = (
            set()
        )  # accounts whose votes production leaves behind [COL-14]

    def call(self, origin: dict[str, Any], name: str, **args: Any) -> StepResult:
        """Apply a call; a rejected one is checked to change nothing [CHAIN-9]."""
        return self.apply({"kind": "call", "origin": origin, "call": name, "args": args})

    def collective(self, instance: str) -> CollectiveState:
        return self.chain.council if instance == "Council" else self.chain.technical_committee

    def actor(self, instance: str, pick: int, outsider: bytes | None) -> bytes:
        """A member of ``instance`` (the ``pick``-th, cyclically), or ``outsider`` if one is given
        or there are no members."""
        members = self.collective(instance).members
        if outsider is not None or not members:
            return outsider if outsider is not None else PEOPLE[pick % len(PEOPLE)]
        return members[pick % len(members)]

    # -- genesis and blocks ----------------------------------------------------------

    @initialize(stakes=st.lists(st.integers(20, 600), min_size=1, max_size=2))
    def genesis(self, stakes: list[int]) -> None:
        """Elections members with self-votes seat the Council; two Technical Committee members."""
        members = [[name, stake] for name, stake in zip(DEV_ACCOUNTS, stakes, strict=False)]
        # The elections' calls run with the allow-all call filter: production's refuses them
        # [CHAIN-15] [ELE-3].
        self.genesis_overrides = {
            "config": {"call_filter": "Everything"},
            "governance": {"elections_members": members, "technical_committee": ["dave", "eve"]},
        }
        self.state = genesis(PRESET, self.genesis_overrides)
        self.open_block(1)

    @rule(skip=st.integers(1, 6))
    def next_block(self, skip: int) -> None:
        """Close the block and open a later one; a term may end in between [ELE-14]."""
        self.open_block(self.chain.system.block.number + skip)

    # -- motions [COL-3]..[COL-8] -------------------------------------------------------

    @rule(
        instance=instances,
        pick=st.integers(0, 5),
        outsider=st.none() | people,
        threshold=st.integers(0, 4),
        kind=st.integers(0, 3),
        n=st.integers(0, 40),
        picks=st.lists(people, max_size=3),
        slack=st.sampled_from((None, 0, -1)),
    )
    def propose(
        self,
        instance: str,
        pick: int,
        outsider: bytes | None,
        threshold: int,
        kind: int,
        n: int,
        picks: list[bytes],
        slack: int | None,
    ) -> None:
        """Members and others propose; only members succeed [COL-3] [COL-4].

        The length bound is ample, exactly the proposal's encoded length, or
        one byte short: only the last is refused (``WrongProposalLength``).
        """
        from phala_spec.runtime.calls import decode_call

        who = self.actor(instance, pick, outsider)
        proposal = held_call(kind, n, picks)
        length = len(decode_call(proposal).encoded)
        member = who in self.collective(instance).members
        result = self.call(
            signed(who),
            f"{instance}.propose",
            threshold=threshold,
            proposal=proposal,
            length_bound=LONG if slack is None else length + slack,
        )
        if not member:
            check(
                result.outcome == f"{instance}.NotMember",
                "inv_COL_3_members_only",
                f"a non-member's proposal gave {result.outcome}",
            )
        elif slack is not None:
            check(
                (result.outcome == f"{instance}.WrongProposalLength") == (slack < 0),
                "inv_COL_3_length_bound",
                f"a bound {slack:+} from the length {length} gave {result.outcome}",
            )

    @precondition(
        lambda self: bool(self.chain.council.proposals or self.chain.technical_committee.proposals)
    )
    @rule(
        instance=instances,
        voter=st.integers(0, 5),
        outsider=st.none() | st.none() | people,
        pick=st.integers(0, 10),
        approve=st.booleans(),
        wrong_index=st.integers(0, 5),
    )
    def vote(
        self,
        instance: str,
        voter: int,
        outsider: bytes | None,
        pick: int,
        approve: bool,
        wrong_index: int,
    ) -> None:
        """Members vote, switch sides, or repeat themselves; the rest is rejected [COL-5]."""
        who = self.actor(instance, voter, outsider)
        col = self.collective(instance)
        if not col.proposals:
            return
        proposal = col.proposals[pick % len(col.proposals)]
        index = col.voting[proposal].index + (1 if wrong_index == 0 else 0)
        result = self.call(
            signed(who), f"{instance}.vote", proposal=proposal, index=index, approve=approve
        )
        if who in col.members and wrong_index == 0:
            check(
                result.outcome == f"{instance}.WrongIndex",
                "inv_COL_5_index_checked",
                f"a wrong index gave {result.outcome}",
            )

    @precondition(
        lambda self: bool(self.chain.council.proposals or self.chain.technical_committee.proposals)
    )
    @rule(instance=instances, sides=st.lists(st.booleans(), min_size=1, max_size=6))
    def rally(self, instance: str, sides: list[bool]) -> None:
        """Every member votes on the newest motion, aye or nay as drawn [COL-5]."""
        col = self.collective(instance)
        if not col.proposals:
            return
        proposal = col.proposals[-1]
        for who, approve in zip(col.members, sides * len(col.members), strict=False):
            self.call(
                signed(who),
                f"{instance}.vote",
                proposal=proposal,
                index=col.voting[proposal].index,
                approve=approve,
            )

    @precondition(
        lambda self: bool(self.chain.council.proposals or self.chain.technical_committee.proposals)
    )
    @rule(instance=instances, who=people, pick=st.integers(0, 10))
    def close(self, instance: str, who: bytes, pick: int) -> None:
        """Anyone closes a motion; a closed motion is gone whatever it decided [COL-6]."""
        col = self.collective(instance)
        if not col.proposals:
            return
        proposal = col.proposals[pick % len(col.proposals)]
        result = self.call(
            signed(who),
            f"{instance}.close",
            proposal_hash=proposal,
            index=col.voting[proposal].index,
            length_bound=LONG,
        )
        if result.outcome == "ok":
            check(
                proposal not in self.collective(instance).voting,
                "inv_COL_6_closed_is_removed",
                "a closed motion is still open",
            )

    @rule(instance=instances, pick=st.integers(0, 10), unknown=st.integers(0, 3))
    def disapprove(self, instance: str, pick: int, unknown: int) -> None:
        """Root removes a motion, or a hash that is not one (still fine) [COL-8]."""
        col = self.collective(instance)
        proposal = (
            b"\x07" * 32
            if unknown or not col.proposals
            else col.proposals[pick % len(col.proposals)]
        )
        result = self.call(ROOT, f"{instance}.disapprove_proposal", proposal_hash=proposal)
        check(result.outcome == "ok", "inv_COL_8_root_disapproves", result.outcome)

    @rule(new=st.lists(people, max_size=4, unique=True))
    def set_technical_committee(self, new: list[bytes]) -> None:
        """Root replaces the Technical Committee, removing the outgoing members' votes [COL-12]."""
        self.call(ROOT, "TechnicalCommittee.set_members", new_members=new, prime=None, old_count=0)

    @rule(
        kind=st.sampled_from(
            ["add_member", "remove_member", "swap_member", "reset_members", "change_key"]
        ),
        who=people,
        other=people,
        crowd=st.lists(people, max_size=4, unique=True),
    )
    def technical_membership(self, kind: str, who: bytes, other: bytes, crowd: list[bytes]) -> None:
        """Root changes the committee through ``TechnicalMembership``; a member changes its key
        [COL-14]. Afterwards the committee's members are the membership's."""
        before_committee = set(self.chain.technical_committee.members)
        before_membership = set(self.chain.technical_membership.members)
        if kind == "change_key":
            result = self.call(signed(who), "TechnicalMembership.change_key", new=other)
        elif kind == "swap_member":
            result = self.call(ROOT, "TechnicalMembership.swap_member", remove=who, add=other)
        elif kind == "reset_members":
            result = self.call(ROOT, "TechnicalMembership.reset_members", members=crowd)
        else:
            result = self.call(ROOT, f"TechnicalMembership.{kind}", who=who)
        unchanged = kind in ("change_key", "swap_member") and who == other  # nothing happens
        if result.outcome == "ok" and not unchanged:
            # Members that TechnicalCommittee.set_members added but the membership never had are
            # dropped without being named outgoing: their votes stay [COL-14].
            self.stale_voters |= (before_committee - before_membership) - set(
                self.chain.technical_committee.members
            )
        if result.outcome == "ok" and not unchanged:
            check(
                self.chain.technical_committee.members == self.chain.technical_membership.members,
                "inv_COL_14_committee_follows_membership",
                "the committee's members differ from the membership's after a change",
            )

    # -- elections [ELE-4]..[ELE-13] ------------------------------------------------------------

    @rule(who=people)
    def stand(self, who: bytes) -> None:
        """Stand for election [ELE-6]."""
        self.call(signed(who), "PhragmenElection.submit_candidacy", candidate_count=20)

    @rule(who=people, choice=st.lists(people, min_size=1, max_size=4), value=st.integers(5, 900))
    def elections_vote(self, who: bytes, choice: list[bytes], value: int) -> None:
        """Vote with a stake and a deposit [ELE-4]."""
        self.call(signed(who), "PhragmenElection.vote", votes=choice, value=value)

    @rule(who=people)
    def remove_voter(self, who: bytes) -> None:
        """Leave the voters [ELE-5]."""
        self.call(signed(who), "PhragmenElection.remove_voter")

    @rule(who=people, kind=st.sampled_from(["Member", "RunnerUp", "Candidate"]))
    def renounce(self, who: bytes, kind: str) -> None:
        """Renounce a seat, a runner-up place or a candidacy [ELE-11]."""
        renouncing: Any = {"Candidate": 20} if kind == "Candidate" else kind
        self.call(signed(who), "PhragmenElection.renounce_candidacy", renouncing=renouncing)

    @rule(who=people, slash=st.booleans(), rerun=st.booleans())
    def remove_member(self, who: bytes, slash: bool, rerun: bool) -> None:
        """Root removes a member, maybe slashing and electing again [ELE-13]."""
        self.call(
            ROOT, "PhragmenElection.remove_member", who=who, slash_bond=slash, rerun_election=rerun
        )

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def inv_COL_11_votes_from_members(self) -> None:
        if self.state is None:
            return
        for instance in INSTANCES:
            col = self.collective(instance)
            for proposal, votes in col.voting.items():
                strangers = set(votes.ayes + votes.nays) - set(col.members)
                if instance == "TechnicalCommittee":
                    strangers -= self.stale_voters  # [COL-14]
                check(
                    not strangers,
                    "inv_COL_11_votes_from_members",
                    f"{instance} motion {proposal.hex()[:8]} holds votes of non-members",
                )

    @invariant()
    def inv_COL_5_one_vote_each(self) -> None:
        if self.state is None:
            return
        for instance in INSTANCES:
            for votes in self.collective(instance).voting.values():
                everyone = votes.ayes + votes.nays
                check(
                    len(set(everyone)) == len(everyone),
                    "inv_COL_5_one_vote_each",
                    f"{instance}: someone voted twice",
                )

    @invariant()
    def inv_COL_1_motions_consistent(self) -> None:
        if self.state is None:
            return
        for instance in INSTANCES:
            col = self.collective(instance)
            hashes = set(col.proposals)
            check(
                hashes == set(col.voting) == set(col.proposal_of)
                and len(hashes) == len(col.proposals),
                "inv_COL_1_motions_consistent",
                f"{instance}: proposals, calls and votes disagree",
            )
            indices = [v.index for v in col.voting.values()]
            check(
                len(set(indices)) == len(indices) and all(i < col.proposal_count for i in indices),
                "inv_COL_1_motions_consistent",
                f"{instance}: motion indices {indices}",
            )
            limit = getattr(
                self.chain.config, "council" if instance == "Council" else "technical_committee"
            ).max_proposals
            check(len(col.proposals) <= limit, "inv_COL_1_motions_consistent", "too many motions")

    @invariant()
    def inv_COL_11_prime_is_member(self) -> None:
        if self.state is None:
            return
        for instance in INSTANCES:
            col = self.collective(instance)
            check(
                col.prime is None or col.prime in col.members,
                "inv_COL_11_prime_is_member",
                f"{instance}'s prime is not a member",
            )

    @invariant()
    def inv_ELE_14_council_follows_elections(self) -> None:
        if self.state is None:
            return
        elected = tuple(m.who for m in self.chain.elections.members)
        check(
            self.chain.council.members == elected,
            "inv_ELE_14_council_follows_elections",
            "the Council's members are not the elected members",
        )

    @invariant()
    def inv_ELE_1_seats_disjoint(self) -> None:
        if self.state is None:
            return
        el = self.chain.elections
        groups = [
            {m.who for m in el.members},
            {r.who for r in el.runners_up},
            {c for c, _ in el.candidates},
        ]
        total = len(el.members) + len(el.runners_up) + len(el.candidates)
        check(
            len(set().union(*groups)) == total,
            "inv_ELE_1_seats_disjoint",
            "an account holds two places",
        )
        check(
            len(el.members) <= self.chain.config.elections.desired_members,
            "inv_ELE_1_seats_disjoint",
            "more members than seats",
        )

    @invariant()
    def inv_ELE_6_candidate_limit(self) -> None:
        """At most one candidate more than ``max_candidates`` ([ELE-6]: production checks
        ``count <= MaxCandidates`` before adding one)."""
        if self.state is None:
            return
        check(
            len(self.chain.elections.candidates) <= self.chain.config.elections.max_candidates + 1,
            "inv_ELE_6_candidate_limit",
            "more than one candidate over the limit",
        )

    @invariant()
    def inv_ELE_4_reserves_are_deposits(self) -> None:
        if self.state is None:
            return
        chain = self.chain
        owed = dict.fromkeys(PEOPLE, 0)
        el = chain.elections
        for holder in (*el.members, *el.runners_up):
            owed[holder.who] += holder.deposit
        for who, deposit in el.candidates:
            owed[who] += deposit
        for who, voter in el.voting.items():
            owed[who] += voter.deposit
        for proposal in chain.treasury.proposals.values():
            owed[proposal.proposer] = owed.get(proposal.proposer, 0) + proposal.bond
        for who, amount in owed.items():
            info = chain.system.accounts.get(who)
            reserved = 0 if info is None else info.data.reserved
            check(
                reserved == amount,
                "inv_ELE_4_reserves_are_deposits",
                f"{who.hex()[:8]} has {reserved} reserved, deposits say {amount}",
            )

    @invariant()
    def inv_ELE_4_lock_is_stake(self) -> None:
        if self.state is None:
            return
        chain = self.chain
        for who in PEOPLE:
            lock = next(
                (lk.amount for lk in chain.balances.locks.get(who, ()) if lk.id == LOCK_ID), 0
            )
            voter = chain.elections.voting.get(who)
            if voter is None:
                check(lock == 0, "inv_ELE_4_lock_is_stake", "a non-voter keeps the elections lock")
            elif voter.deposit > 0:
                check(
                    lock == voter.stake,
                    "inv_ELE_4_lock_is_stake",
                    f"lock {lock} but stake {voter.stake}",
                )

    @invariant()
    def inv_TRS_3_issuance_is_sum(self) -> None:
        if self.state is None:
            return
        chain = self.chain
        total = sum(info.data.free + info.data.reserved for info in chain.system.accounts.values())
        check(
            chain.balances.total_issuance == total,
            "inv_TRS_3_issuance_is_sum",
            lambda: f"issuance {chain.balances.total_issuance}, balances {total}",
        )
