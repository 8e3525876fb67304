"""The records of pallet-democracy and pallet-scheduler: parameters and storage [DEM-1] [DEM-2] [SCH-1].

They live apart from :mod:`.democracy` so that :mod:`.chain` can hold them in
``ChainConfig`` and ``ChainState`` without importing the pallet's rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import attrs
import immutables

from ..primitives.codec import to_data
from ..primitives.errors import InvalidInput
from ..primitives.types import BALANCE, BOOL, AccountId, Kind, fields_of, is_unsigned

if TYPE_CHECKING:
    from .dispatch import CallData

SUPER_MAJORITY_APPROVE = "SuperMajorityApprove"
SUPER_MAJORITY_AGAINST = "SuperMajorityAgainst"
SIMPLE_MAJORITY = "SimpleMajority"
THRESHOLDS = (SUPER_MAJORITY_APPROVE, SUPER_MAJORITY_AGAINST, SIMPLE_MAJORITY)


def _map() -> immutables.Map[Any, Any]:
    return immutables.Map()


def _positive(_instance: Any, attribute: Any, value: int) -> None:
    if value < 1:
        raise InvalidInput(
            f"democracy.{attribute.name} must be at least 1 (production divides by it)"
        )


@attrs.frozen
class DemocracyConfig:
    """pallet-democracy's parameters [DEM-2]; defaults are Phala's (periods in 12-second blocks)."""

    launch_period: int = attrs.field(default=50_400, validator=_positive)
    voting_period: int = 50_400
    fast_track_voting_period: int = 900
    instant_allowed: bool = True
    minimum_deposit: int = 10 * 10**12
    enactment_period: int = 57_600
    vote_locking_period: int = 57_600
    cooloff_period: int = 50_400
    max_votes: int = 100
    max_proposals: int = 100
    max_deposits: int = 100
    max_blacklisted: int = 100


@attrs.frozen
class SchedulerConfig:
    """pallet-scheduler's parameters [SCH-1]: the most tasks one block's agenda holds."""

    max_scheduled_per_block: int = 50


@attrs.frozen
class Tally:
    """A referendum's running tally [DEM-9]: post-conviction ``ayes``/``nays``, pre-conviction ``turnout``."""

    ayes: int = 0
    nays: int = 0
    turnout: int = 0


@attrs.frozen
class Delegations:
    """Delegated weight [DEM-12]: conviction-weighted ``votes`` and the ``capital`` behind them."""

    votes: int = 0
    capital: int = 0


@attrs.frozen
class Standard:
    """``AccountVote::Standard``: one side, a conviction 0..6 and the balance behind it [DEM-8]."""

    aye: bool
    conviction: int
    balance: int

    def __data__(self) -> dict[str, Any]:
        return {
            "kind": "Standard",
            "aye": self.aye,
            "conviction": self.conviction,
            "balance": self.balance,
        }


@attrs.frozen
class Split:
    """``AccountVote::Split``: balance on both sides, each without conviction [DEM-8]."""

    aye: int
    nay: int

    def __data__(self) -> dict[str, Any]:
        return {"kind": "Split", "aye": self.aye, "nay": self.nay}


AccountVote = Standard | Split


def _conviction(value: Any) -> int:
    if is_unsigned(value, 6):
        return value
    raise InvalidInput()


def _account_vote(value: Any) -> AccountVote:
    tag = value.get("kind") if isinstance(value, Mapping) else None
    if tag == "Standard":
        fields = fields_of(value, ("kind", "aye", "conviction", "balance"))
        return Standard(
            BOOL.decode(fields["aye"], "aye"),
            CONVICTION.decode(fields["conviction"], "conviction"),
            BALANCE.decode(fields["balance"], "balance"),
        )
    if tag == "Split":
        fields = fields_of(value, ("kind", "aye", "nay"))
        return Split(BALANCE.decode(fields["aye"], "aye"), BALANCE.decode(fields["nay"], "nay"))
    raise InvalidInput()


CONVICTION: Kind[int] = Kind("conviction", "a conviction: an integer in 0..6", _conviction)
VOTE: Kind[AccountVote] = Kind(
    "vote",
    "a vote: {kind: Standard, aye: bool, conviction: 0..6, balance} "
    "or {kind: Split, aye: balance, nay: balance}",
    _account_vote,
)
Conviction = Annotated[int, CONVICTION]
Vote = Annotated[AccountVote, VOTE]  # [DEM-8]


@attrs.frozen
class PriorLock:
    """``PriorLock(until, amount)``: a lock still owed after its vote or delegation is gone [DEM-11]."""

    until: int = 0
    amount: int = 0


@attrs.frozen
class Direct:
    """``Voting::Direct``: the account's votes sorted by referendum, delegations received, prior lock [DEM-1]."""

    votes: tuple[tuple[int, AccountVote], ...] = ()
    delegations: Delegations = Delegations()
    prior: PriorLock = PriorLock()

    def __data__(self) -> dict[str, Any]:
        return {
            "kind": "Direct",
            "votes": [[i, to_data(v)] for i, v in self.votes],
            "delegations": to_data(self.delegations),
            "prior": to_data(self.prior),
        }


@attrs.frozen
class Delegating:
    """``Voting::Delegating``: balance and conviction lent to ``target``, delegations received, prior lock [DEM-1]."""

    balance: int
    target: AccountId
    conviction: int
    delegations: Delegations = Delegations()
    prior: PriorLock = PriorLock()

    def __data__(self) -> dict[str, Any]:
        return {
            "kind": "Delegating",
            "balance": self.balance,
            "target": self.target,
            "conviction": self.conviction,
            "delegations": to_data(self.delegations),
            "prior": to_data(self.prior),
        }


Voting = Direct | Delegating


@attrs.frozen
class Ongoing:
    """``ReferendumInfo::Ongoing``: end block, held proposal, threshold, enactment delay, tally [DEM-1]."""

    end: int
    proposal: CallData
    threshold: str
    delay: int
    tally: Tally = Tally()

    def __data__(self) -> dict[str, Any]:
        return {
            "kind": "Ongoing",
            "end": self.end,
            "proposal": to_data(self.proposal),
            "threshold": self.threshold,
            "delay": self.delay,
            "tally": to_data(self.tally),
        }


@attrs.frozen
class Finished:
    """``ReferendumInfo::Finished``: whether it passed and the block it was baked [DEM-1]."""

    approved: bool
    end: int

    def __data__(self) -> dict[str, Any]:
        return {"kind": "Finished", "approved": self.approved, "end": self.end}


ReferendumInfo = Ongoing | Finished


@attrs.frozen
class PublicProposal:
    """An entry of ``PublicProps``: index, held call, proposer [DEM-1]."""

    index: int
    proposal: CallData
    proposer: AccountId


@attrs.frozen
class DemocracyState:
    """pallet-democracy's storage [DEM-1].

    ``public_props`` unsorted, in the order launches leave it; ``deposit_of``
    index -> (depositors with repetitions, deposit); ``referendum_info``
    index -> info (absent: cancelled); ``voting_of`` account -> record (absent:
    the empty direct record); ``blacklist`` hash -> (until, sorted vetoers);
    ``cancellations`` hashes ever emergency-cancelled; ``next_external`` the
    queued external proposal and its threshold.
    """

    public_prop_count: int = 0
    public_props: tuple[PublicProposal, ...] = ()
    deposit_of: immutables.Map[int, tuple[tuple[AccountId, ...], int]] = attrs.field(factory=_map)
    referendum_count: int = 0
    lowest_unbaked: int = 0
    referendum_info: immutables.Map[int, ReferendumInfo] = attrs.field(factory=_map)
    voting_of: immutables.Map[AccountId, Voting] = attrs.field(factory=_map)
    last_tabled_was_external: bool = False
    next_external: tuple[CallData, str] | None = None
    blacklist: immutables.Map[bytes, tuple[int, tuple[AccountId, ...]]] = attrs.field(factory=_map)
    cancellations: immutables.Map[bytes, bool] = attrs.field(factory=_map)


@attrs.frozen
class ScheduledTask:
    """A task of the agenda [SCH-2]: optional name, priority, held call, dispatched as root."""

    id: bytes | None
    priority: int
    call: CallData


@attrs.frozen
class SchedulerState:
    """pallet-scheduler's storage [SCH-1].

    ``agenda`` block -> slots (a served or cancelled slot is ``None``);
    ``lookup`` task name -> (block, slot). A gap of empty blocks is caught up
    from ``system.parent_number`` [SCH-4].
    """

    agenda: immutables.Map[int, tuple[ScheduledTask | None, ...]] = attrs.field(factory=_map)
    lookup: immutables.Map[bytes, tuple[int, int]] = attrs.field(factory=_map)
