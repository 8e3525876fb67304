"""pallet-treasury: spending proposals and the spend period [TRS-1]..[TRS-10].

The treasury's funds are the free balance of its pot account (``py/trsry``).
Proposals reserve a bond; governance approves or rejects them ([COL-10]);
every ``SpendPeriod`` blocks the approved proposals are paid in order while
the budget lasts, and the (zero on Phala) burn takes a share of what is left
when nothing was missed. Slashed funds of other pallets (democracy's
deposits, elections' bonds) are deposited into the pot; the treasury's own
slash, a rejected proposal's bond, is burnt (Phala's ``OnSlash`` is ``()``)
([TRS-3], [TRS-5]).
"""

from __future__ import annotations

from typing import Any

from ...chain.state import (
    AccountId,
    BlockContext,
    ChainState,
    Events,
    Origin,
    TreasuryProposal,
    event,
)
from ...primitives.errors import DispatchError
from ...primitives.perthings import Permill
from ...primitives.records import evolve
from ...primitives.types import U32, Balance
from ..balances.accounts import account_data, existential_deposit, free_balance
from ..balances.issuance import deposit_creating, withdraw
from ..balances.origins import ensure_signed as _ensure_signed
from ..balances.reservable import reserve, slash_reserved, unreserve
from . import collective

PALLET = "Treasury"
PALLET_ID = b"py/trsry"
POT = (b"modl" + PALLET_ID).ljust(32, b"\x00")

INSUFFICIENT_PROPOSERS_BALANCE = f"{PALLET}.InsufficientProposersBalance"
INVALID_INDEX = f"{PALLET}.InvalidIndex"
TOO_MANY_APPROVALS = f"{PALLET}.TooManyApprovals"
PROPOSAL_NOT_APPROVED = f"{PALLET}.ProposalNotApproved"
# Declared; unreachable on Phala, whose spend origins allow up to 2^128 - 1 [TRS-7].
INSUFFICIENT_PERMISSION = f"{PALLET}.InsufficientPermission"


def _set(state: ChainState, **changes: Any) -> ChainState:
    return evolve(state, treasury=evolve(state.treasury, **changes))


def pot(state: ChainState) -> int:
    """The spendable funds: the pot's free balance above the existential deposit [TRS-3]."""
    return max(free_balance(state, POT) - existential_deposit(state), 0)


def on_unbalanced(state: ChainState, amount: int) -> tuple[ChainState, Events]:
    """Treasury as ``OnUnbalanced``: funds slashed elsewhere go into the pot, ``Deposit{value}`` [TRS-3].

    Phala's runtime plugs it into democracy's ``Slash``, the elections'
    ``LoserCandidate`` and ``KickedMember``, and computation's ``OnTreasurySettled``.

    The caller has already taken ``amount`` out of the issuance (a slash);
    depositing it into the pot puts it back, so the issuance is unchanged
    overall. A deposit the pot cannot take (a new pot below the existential
    deposit) is lost, as production drops the imbalance.
    """
    if amount == 0:
        return state, ()
    state, events = deposit_creating(state, POT, amount)
    return state, (*events, event(f"{PALLET}.Deposit", value=amount))


# --- Proposals [TRS-4]..[TRS-7] ------------------------------------------------------------


def calculate_bond(state: ChainState, value: int) -> int:
    """``max(ProposalBondMinimum, ProposalBond * value)``; Phala sets no maximum [TRS-4]."""
    cfg = state.config.treasury
    return max(cfg.proposal_bond_minimum, int(Permill.from_parts(cfg.proposal_bond) * value))


def propose_spend(
    state: ChainState, ctx: BlockContext, origin: Origin, value: Balance, beneficiary: AccountId
) -> tuple[ChainState, Events]:
    """Anyone proposes a spend, reserving the bond [TRS-4]."""
    proposer = _ensure_signed(origin)
    bond = calculate_bond(state, value)
    try:
        state, events = reserve(state, proposer, bond)
    except DispatchError as exc:
        raise DispatchError(INSUFFICIENT_PROPOSERS_BALANCE) from exc
    index = state.treasury.proposal_count
    proposal = TreasuryProposal(proposer, value, beneficiary, bond)
    state = _set(
        state, proposal_count=index + 1, proposals=state.treasury.proposals.set(index, proposal)
    )
    return state, (*events, event(f"{PALLET}.Proposed", proposal_index=index))


def ensure_reject_origin(origin: Origin) -> None:
    """``RejectOrigin`` (also ``remove_approval``'s and the spend origin): root or more than half
    of the Council [TRS-2]."""
    collective.ensure_root_or_half_council(origin)


def reject_proposal(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal_id: U32
) -> tuple[ChainState, Events]:
    """Governance rejects a proposal: its bond is slashed and burnt [TRS-5].

    Phala's ``OnSlash`` is ``()``: the slashed imbalance is dropped, so the
    issuance falls by what was slashed and the pot gains nothing [TRS-3].
    """
    ensure_reject_origin(origin)
    proposal = state.treasury.proposals.get(proposal_id)
    if proposal is None:
        raise DispatchError(INVALID_INDEX)
    state = _set(state, proposals=state.treasury.proposals.delete(proposal_id))
    state, events, _ = slash_reserved(state, proposal.proposer, proposal.bond)
    rejected = event(f"{PALLET}.Rejected", proposal_index=proposal_id, slashed=proposal.bond)
    return state, (*events, rejected)


def approve_proposal(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal_id: U32
) -> tuple[ChainState, Events]:
    """Root or three fifths of the Council queue a proposal for payment [TRS-6]."""
    collective.ensure_root_or(
        origin, lambda o: collective.proportion_at_least(o, collective.COUNCIL, 3, 5)
    )
    if proposal_id not in state.treasury.proposals:
        raise DispatchError(INVALID_INDEX)
    return _append_approval(state, proposal_id), ()


def _append_approval(state: ChainState, proposal_id: int) -> ChainState:
    if len(state.treasury.approvals) >= state.config.treasury.max_approvals:
        raise DispatchError(TOO_MANY_APPROVALS)
    return _set(state, approvals=(*state.treasury.approvals, proposal_id))


def spend(
    state: ChainState, ctx: BlockContext, origin: Origin, amount: Balance, beneficiary: AccountId
) -> tuple[ChainState, Events]:
    """Governance approves a spend directly, without a bond [TRS-7]."""
    ensure_reject_origin(origin)
    index = state.treasury.proposal_count
    state = _append_approval(state, index)
    proposal = TreasuryProposal(beneficiary, amount, beneficiary, 0)
    state = _set(
        state, proposals=state.treasury.proposals.set(index, proposal), proposal_count=index + 1
    )
    approved = event(
        f"{PALLET}.SpendApproved", proposal_index=index, amount=amount, beneficiary=beneficiary
    )
    return state, (approved,)


def remove_approval(
    state: ChainState, ctx: BlockContext, origin: Origin, proposal_id: U32
) -> tuple[ChainState, Events]:
    """Governance takes a proposal out of the approvals (it stays proposed, bond reserved) [TRS-8]."""
    ensure_reject_origin(origin)
    approvals = state.treasury.approvals
    if proposal_id not in approvals:
        raise DispatchError(PROPOSAL_NOT_APPROVED)
    position = approvals.index(proposal_id)
    return _set(state, approvals=approvals[:position] + approvals[position + 1 :]), ()


# --- The spend period [TRS-9] [TRS-10] ------------------------------------------------------------


def on_initialize(state: ChainState, ctx: BlockContext) -> tuple[ChainState, Events]:
    """Report the inactive pot when it changed [TRS-10], then spend at every ``SpendPeriod`` [TRS-9]."""
    events: Events = ()
    current = pot(state)
    deactivated = state.treasury.deactivated
    if current != deactivated:
        state = _set(state, deactivated=current)
        events = (event(f"{PALLET}.UpdatedInactive", reactivated=deactivated, deactivated=current),)
    period = state.config.treasury.spend_period
    if period != 0 and ctx.number % period == 0:
        state, spent = spend_funds(state)
        events = (*events, *spent)
    return state, events


def spend_funds(state: ChainState) -> tuple[ChainState, Events]:
    """Pay approved proposals in order while the budget lasts; burn if none was missed [TRS-9]."""
    budget = pot(state)
    events: Events = (event(f"{PALLET}.Spending", budget_remaining=budget),)
    missed_any = False
    paid = 0
    kept: list[int] = []
    for index in state.treasury.approvals:
        proposal = state.treasury.proposals.get(index)
        if proposal is None:
            continue
        if proposal.value > budget:
            missed_any = True
            kept.append(index)
            continue
        budget -= proposal.value
        state = _set(state, proposals=state.treasury.proposals.delete(index))
        state, unreserved, _ = unreserve(state, proposal.proposer, proposal.bond)
        before = account_data(state, proposal.beneficiary).free
        state, deposited = deposit_creating(state, proposal.beneficiary, proposal.value)
        paid += account_data(state, proposal.beneficiary).free - before
        awarded = event(
            f"{PALLET}.Awarded",
            proposal_index=index,
            award=proposal.value,
            account=proposal.beneficiary,
        )
        events = (*events, *unreserved, *deposited, awarded)
    state = _set(state, approvals=tuple(kept))
    if not missed_any:
        burn = min(int(Permill.from_parts(state.config.treasury.burn) * budget), budget)
        budget -= burn
        paid += burn
        events = (*events, event(f"{PALLET}.Burnt", burnt_funds=burn))
    try:
        state, withdrawn = withdraw(state, POT, paid, keep_alive=True)
    except DispatchError:  # "must never happen" in production: the imbalance is dropped
        withdrawn = ()
    return state, (*events, *withdrawn, event(f"{PALLET}.Rollover", rollover_balance=budget))
