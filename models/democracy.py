"""The democracy model [MOD-2]: many voters, delegations and referenda against the reference.

:class:`DemocracyMachine` drives the reference only through
:func:`phala_spec.apply_step`: root starts referenda of the three threshold
kinds (fast-tracked external proposals) and public proposals are launched;
six accounts vote (standard votes of every conviction, split votes), replace
and remove votes, delegate, re-delegate and undelegate, unlock themselves and
each other; root cancels referenda; blocks advance with gaps. Rejected calls
are part of the run (the rules decide them) and must change nothing.

The machine keeps its own ghost record of every vote and delegation it made,
and of every lock it is owed (a winning conviction vote removed before its
end, a withdrawn delegation), computed from [DEM-8] and [DEM-11] without the
reference's functions. After every step:

* ``inv_DEM_9_tally_is_the_sum_of_votes``: each ongoing referendum's tally is
  the sum of the live votes on it, each standard vote carrying the weight of
  the accounts delegating to its voter [DEM-9] [DEM-12];
* ``inv_DEM_11_locks_never_release_early``: every account's `democrac` lock is
  at least each live vote's balance, its delegated balance and every owed
  amount whose end has not come [DEM-11];
* ``inv_DEM_1_records_match``: the reference's voting records hold exactly the
  votes and delegations the machine made [DEM-1].
* ``inv_DEM_4_reserves_are_deposits``: every reserve is the account's deposits
  on public proposals, seconds included [DEM-4] [DEM-5];
* ``inv_DEM_21_slashes_keep_the_issuance``: slashed deposits go into the
  treasury pot, so the issuance stays the sum of all balances [DEM-21].
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from phala_spec.chain.democracy_state import Delegating, Direct, Finished, Ongoing, Tally
from phala_spec.primitives.codec import to_data
from phala_spec.runtime.genesis import DEV_ACCOUNTS, dev_account

from .balances import call_step, check
from .machine import ChainMachine

PRESET = "minimal"
SUITE = "governance"
ACCOUNTS = tuple(dev_account(name) for name in DEV_ACCOUNTS)
ROOT = {"kind": "root"}
THRESHOLD_CALLS = ("Democracy.external_propose_majority", "Democracy.external_propose_default")
# Short periods so that referenda end, locks expire and launches happen within a run.
CONFIG = {
    "democracy": {
        "launch_period": 4,
        "voting_period": 5,
        "fast_track_voting_period": 2,
        "enactment_period": 2,
        "vote_locking_period": 2,
        "max_votes": 8,
        "max_proposals": 4,
        "max_deposits": 4,
    }
}

votes = st.one_of(
    st.tuples(st.just("Standard"), st.booleans(), st.integers(0, 6), st.integers(0, 400)),
    st.tuples(st.just("Split"), st.integers(0, 200), st.integers(0, 200)),
)


def weight(conviction: int, balance: int) -> tuple[int, int]:
    """(votes, capital) of a balance at a conviction [DEM-8], written out again."""
    return (balance // 10 if conviction == 0 else balance * conviction), balance


def periods(conviction: int) -> int:
    return {0: 0, 1: 1, 2: 2, 3: 4, 4: 8, 5: 16, 6: 32}[conviction]


def as_data(vote: tuple[Any, ...]) -> dict[str, Any]:
    if vote[0] == "Standard":
        return {"kind": "Standard", "aye": vote[1], "conviction": vote[2], "balance": vote[3]}
    return {"kind": "Split", "aye": vote[1], "nay": vote[2]}


def vote_balance(vote: tuple[Any, ...]) -> int:
    return int(vote[3] if vote[0] == "Standard" else vote[1] + vote[2])


class DemocracyMachine(ChainMachine):
    """Voters, delegators and root against the democracy reference [DEM-1]..[DEM-23]."""

    model_name = "democracy"
    suite = SUITE
    preset = PRESET

    def __init__(self) -> None:
        super().__init__()
        self.votes: dict[bytes, dict[int, tuple[Any, ...]]] = {a: {} for a in ACCOUNTS}
        self.delegating: dict[bytes, tuple[bytes, int, int]] = {}
        self.owed: dict[bytes, list[tuple[int, int]]] = {a: [] for a in ACCOUNTS}
        self.calls_made = 0

    @property
    def now(self) -> int:
        return int(self.chain.system.block.number)

    def call(self, who: bytes | None, name: str, **args: Any) -> bool:
        origin = ROOT if who is None else {"kind": "signed", "who": who}
        return self.apply(call_step(origin, name, **args)).outcome == "ok"

    # -- genesis and blocks -----------------------------------------------------------

    @initialize()
    def genesis(self) -> None:
        from phala_spec.runtime.genesis import genesis

        self.genesis_overrides = {"config": CONFIG}
        self.state = genesis(PRESET, self.genesis_overrides)
        self.open_block(1)

    @rule(skip=st.integers(1, 4))
    def next_block(self, skip: int) -> None:
        self.open_block(self.now + skip)

    # -- referenda ----------------------------------------------------------------------

    def _fresh_call(self) -> dict[str, Any]:
        self.calls_made += 1
        return {
            "call": "Balances.force_transfer",
            "args": {"source": ACCOUNTS[0], "dest": ACCOUNTS[1], "value": self.calls_made},
        }

    @rule(kind=st.sampled_from(THRESHOLD_CALLS), period=st.integers(1, 6))
    def start_referendum(self, kind: str, period: int) -> None:
        from phala_spec.runtime.calls import decode_call

        call = self._fresh_call()
        self.call(None, kind, proposal=call)
        self.call(
            None,
            "Democracy.fast_track",
            proposal_hash=decode_call(call).hash,
            voting_period=period,
            delay=0,
        )

    @rule(who=st.sampled_from(ACCOUNTS), value=st.integers(5, 40))
    def propose(self, who: bytes, value: int) -> None:
        self.call(who, "Democracy.propose", proposal=self._fresh_call(), value=value)

    @rule(who=st.sampled_from(ACCOUNTS), back=st.integers(0, 3))
    def second(self, who: bytes, back: int) -> None:
        self.call(
            who, "Democracy.second", proposal=max(self.chain.democracy.public_prop_count - back, 0)
        )

    @rule(back=st.integers(0, 3), how=st.sampled_from(("cancel_proposal", "blacklist", "clear")))
    def drop_proposals(self, back: int, how: str) -> None:
        """The technical committee cancels a proposal, root blacklists one, or root clears them all."""
        from phala_spec.runtime.calls import decode_call

        dem = self.chain.democracy
        index = max(dem.public_prop_count - back, 0)
        if how == "cancel_proposal":
            self.apply(
                call_step(
                    {
                        "kind": "collective",
                        "collective": "TechnicalCommittee",
                        "yes": 3,
                        "total": 3,
                    },
                    "Democracy.cancel_proposal",
                    prop_index=index,
                )
            )
        elif how == "blacklist" and dem.public_props:
            target = dem.public_props[back % len(dem.public_props)].proposal
            self.call(
                None,
                "Democracy.blacklist",
                proposal_hash=decode_call(to_data(target)).hash,
                maybe_ref_index=None,
            )
        else:
            self.call(None, "Democracy.clear_public_proposals")

    def recent(self, back: int) -> int:
        """A referendum index counted back from the newest (one past it when ``back`` is 0)."""
        return max(self.chain.democracy.referendum_count - back, 0)

    @rule(back=st.integers(0, 6))
    def cancel(self, back: int) -> None:
        self.call(None, "Democracy.cancel_referendum", ref_index=self.recent(back))

    # -- votes and delegations ------------------------------------------------------------

    @rule(who=st.sampled_from(ACCOUNTS), back=st.integers(0, 4), vote=votes)
    def vote(self, who: bytes, back: int, vote: tuple[Any, ...]) -> None:
        index = self.recent(back)
        if self.call(who, "Democracy.vote", ref_index=index, vote=as_data(vote)):
            self.votes[who][index] = vote

    def free(self, who: bytes) -> int:
        info = self.chain.system.accounts.get(who)
        return 0 if info is None else int(info.data.free)

    @rule(
        who=st.sampled_from(ACCOUNTS),
        back=st.integers(0, 4),
        aye=st.booleans(),
        conviction=st.integers(0, 6),
        offset=st.sampled_from((0, 1, -1)),
    )
    def vote_the_free_balance(
        self, who: bytes, back: int, aye: bool, conviction: int, offset: int
    ) -> None:
        """A standard vote of exactly the free balance, or one planck more or less [DEM-8].

        The outcome is checked against the checks' order: an ongoing
        referendum, the balance within the free balance, not delegating, room
        for a new vote.
        """
        index, free = self.recent(back), self.free(who)
        vote = ("Standard", aye, conviction, max(free + offset, 0))
        if not isinstance(self.chain.democracy.referendum_info.get(index), Ongoing):
            expected = "Democracy.ReferendumInvalid"
        elif vote[3] > free:
            expected = "Democracy.InsufficientFunds"
        elif who in self.delegating:
            expected = "Democracy.AlreadyDelegating"
        elif (
            index not in self.votes[who]
            and len(self.votes[who]) >= CONFIG["democracy"]["max_votes"]
        ):
            expected = "Democracy.MaxVotesReached"
        else:
            expected = "ok"
        origin = {"kind": "signed", "who": who}
        outcome = self.apply(
            call_step(origin, "Democracy.vote", ref_index=index, vote=as_data(vote))
        ).outcome
        check(
            outcome == expected,
            "inv_DEM_8_vote_outcome",
            f"a vote of {vote[3]} with {free} free gave {outcome}, not {expected}",
        )
        if outcome == "ok":
            self.votes[who][index] = vote

    @rule(
        who=st.sampled_from(ACCOUNTS),
        to=st.sampled_from(ACCOUNTS),
        conviction=st.integers(0, 6),
        offset=st.sampled_from((0, 1, -1)),
    )
    def delegate_the_free_balance(
        self, who: bytes, to: bytes, conviction: int, offset: int
    ) -> None:
        """A delegation of exactly the free balance, or one planck more or less [DEM-12]."""
        free = self.free(who)
        balance = max(free + offset, 0)
        if who == to:
            expected = "Democracy.Nonsense"
        elif balance > free:
            expected = "Democracy.InsufficientFunds"
        elif who not in self.delegating and self.votes[who]:
            expected = "Democracy.VotesExist"
        else:
            expected = "ok"
        old = self.delegating.get(who)
        origin = {"kind": "signed", "who": who}
        outcome = self.apply(
            call_step(origin, "Democracy.delegate", to=to, conviction=conviction, balance=balance)
        ).outcome
        check(
            outcome == expected,
            "inv_DEM_12_delegate_outcome",
            f"a delegation of {balance} with {free} free gave {outcome}, not {expected}",
        )
        if outcome == "ok":
            if old is not None:
                self._release(who, old)
            self.delegating[who] = (to, conviction, balance)

    @rule(caller=st.sampled_from(ACCOUNTS), voter=st.sampled_from(ACCOUNTS), back=st.integers(0, 6))
    def remove_vote(self, caller: bytes, voter: bytes, back: int) -> None:
        target, index = voter, self.recent(back)
        vote = self.votes[target].get(index)
        info = self.chain.democracy.referendum_info.get(index)
        if caller == target:
            done = self.call(caller, "Democracy.remove_vote", index=index)
        else:
            done = self.call(caller, "Democracy.remove_other_vote", target=target, index=index)
        if not done or vote is None:
            return
        del self.votes[target][index]
        if (
            isinstance(info, Finished)
            and vote[0] == "Standard"
            and vote[2] > 0
            and vote[1] == info.approved
        ):
            until = info.end + CONFIG["democracy"]["vote_locking_period"] * periods(vote[2])
            check(
                caller == target or self.now >= until,
                "inv_DEM_11_others_remove_only_expired_votes",
                "another account removed a vote still locked",
            )
            self.owed[target].append((vote[3], until))

    @rule(
        who=st.sampled_from(ACCOUNTS),
        to=st.sampled_from(ACCOUNTS),
        conviction=st.integers(0, 6),
        balance=st.integers(0, 400),
    )
    def delegate(self, who: bytes, to: bytes, conviction: int, balance: int) -> None:
        old = self.delegating.get(who)
        if self.call(who, "Democracy.delegate", to=to, conviction=conviction, balance=balance):
            if old is not None:
                self._release(who, old)
            self.delegating[who] = (to, conviction, balance)

    @rule(who=st.sampled_from(ACCOUNTS))
    def undelegate(self, who: bytes) -> None:
        old = self.delegating.get(who)
        if self.call(who, "Democracy.undelegate"):
            assert old is not None
            self._release(who, old)
            del self.delegating[who]

    def _release(self, who: bytes, old: tuple[bytes, int, int]) -> None:
        until = self.now + CONFIG["democracy"]["vote_locking_period"] * periods(old[1])
        self.owed[who].append((old[2], until))

    @rule(caller=st.sampled_from(ACCOUNTS), whose=st.sampled_from(ACCOUNTS))
    def unlock(self, caller: bytes, whose: bytes) -> None:
        self.call(caller, "Democracy.unlock", target=whose)

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def inv_DEM_9_tally_is_the_sum_of_votes(self) -> None:
        if self.state is None:
            return
        for index, info in self.chain.democracy.referendum_info.items():
            if not isinstance(info, Ongoing):
                continue
            ayes = nays = turnout = 0
            for voter, voter_votes in self.votes.items():
                vote = voter_votes.get(index)
                if vote is None:
                    continue
                if vote[0] == "Split":
                    ayes, nays, turnout = (
                        ayes + vote[1] // 10,
                        nays + vote[2] // 10,
                        turnout + vote[1] + vote[2],
                    )
                    continue
                votes_, capital = weight(vote[2], vote[3])
                for target, conviction, balance in self.delegating.values():
                    if target == voter:
                        v, c = weight(conviction, balance)
                        votes_, capital = votes_ + v, capital + c
                if vote[1]:
                    ayes += votes_
                else:
                    nays += votes_
                turnout += capital
            check(
                info.tally == Tally(ayes, nays, turnout),
                "inv_DEM_9_tally_is_the_sum_of_votes",
                f"referendum {index}: {info.tally} != {Tally(ayes, nays, turnout)}",
            )

    @invariant()
    def inv_DEM_11_locks_never_release_early(self) -> None:
        if self.state is None:
            return
        for who in ACCOUNTS:
            lock = next(
                (
                    lk.amount
                    for lk in self.chain.balances.locks.get(who, ())
                    if lk.id == b"democrac"
                ),
                0,
            )
            needed = [vote_balance(v) for v in self.votes[who].values()]
            needed += [amount for amount, until in self.owed[who] if self.now < until]
            if who in self.delegating:
                needed.append(self.delegating[who][2])
            check(
                lock >= max(needed, default=0),
                "inv_DEM_11_locks_never_release_early",
                f"lock {lock} below {max(needed, default=0)} at block {self.now}",
            )

    @invariant()
    def inv_DEM_4_reserves_are_deposits(self) -> None:
        if self.state is None:
            return
        owed = dict.fromkeys(ACCOUNTS, 0)
        for depositors, deposit in self.chain.democracy.deposit_of.values():
            for who in depositors:
                owed[who] += deposit
        for who in ACCOUNTS:
            info = self.chain.system.accounts.get(who)
            reserved = 0 if info is None else info.data.reserved
            check(
                reserved == owed[who],
                "inv_DEM_4_reserves_are_deposits",
                f"reserved {reserved}, deposits {owed[who]}",
            )

    @invariant()
    def inv_DEM_21_slashes_keep_the_issuance(self) -> None:
        if self.state is None:
            return
        total = sum(
            info.data.free + info.data.reserved for info in self.chain.system.accounts.values()
        )
        check(
            total == self.chain.balances.total_issuance,
            "inv_DEM_21_slashes_keep_the_issuance",
            f"issuance {self.chain.balances.total_issuance}, balances {total}",
        )

    @invariant()
    def inv_DEM_1_records_match(self) -> None:
        if self.state is None:
            return
        for who in ACCOUNTS:
            record = self.chain.democracy.voting_of.get(who, Direct())
            if who in self.delegating:
                target, conviction, balance = self.delegating[who]
                check(
                    isinstance(record, Delegating)
                    and (record.target, record.conviction, record.balance)
                    == (target, conviction, balance),
                    "inv_DEM_1_records_match",
                    "delegation differs",
                )
            else:
                check(
                    isinstance(record, Direct)
                    and [i for i, _ in record.votes] == sorted(self.votes[who]),
                    "inv_DEM_1_records_match",
                    "votes differ",
                )
