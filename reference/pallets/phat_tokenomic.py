"""``PhalaPhatTokenomic``: stakes on contracts, and the weight they buy [PHAT-30]..[PHAT-33].

A user stakes PHA on a contract with ``adjust_stake``, naming the new total
of its stake there. The difference moves between the user and the pallet's
account by transfer (not a lock or a reserve), and the contract's new total
is sent to its cluster's system contract as an ink message, which turns it
into the contract's compute weight ([PHAT-32]).
"""

from __future__ import annotations

from typing import overload

import immutables

from ..chain.messages import pallet_origin
from ..chain.phat_payloads import command_topic, ink_message_payload
from ..chain.state import AccountId, BlockContext, ChainState, Events, Origin, event
from ..primitives.arith import Num, floor_div, ite, lt, min_
from ..primitives.errors import DispatchError
from ..primitives.records import evolve
from ..primitives.types import Balance, Bytes32
from . import mq
from .balances.origins import ensure_signed
from .phat import currency_transfer

PALLET = "PhalaPhatTokenomic"
SENDER = pallet_origin(PALLET)
PALLET_ID = b"phat/tok"
PALLET_ACCOUNT = (b"modl" + PALLET_ID).ljust(32, b"\x00")
"""``PalletId(*b"phat/tok").into_account_truncating()`` [PHAT-30]."""

INVALID_AMOUNT_OF_STAKE = f"{PALLET}.InvalidAmountOfStake"

CHANGE_DEPOSIT_SELECTOR = bytes.fromhex("a24bcb44")
"""The system contract's ``change_deposit`` message selector [PHAT-31]."""

WEIGHT_UNIT = 10_000_000_000
"""The reference tokenomic driver's stake per weight unit: 0.01 PHA [PHAT-32]."""
U32_MAX = 2**32 - 1


# --- Arithmetic [PHAT-31] [PHAT-34] -----------------------------------------------------------


def accepts_stake(amount: int, min_stake: int) -> bool:
    """A new stake is zero or at least ``MinStake`` [PHAT-31]."""
    return amount == 0 or amount >= min_stake


@overload
def stake_moves(orig: int, total: int, amount: int) -> tuple[int, int, int]: ...
@overload
def stake_moves(orig: Num, total: Num, amount: Num) -> tuple[Num, Num, Num]: ...
def stake_moves(orig: Num, total: Num, amount: Num) -> tuple[Num, Num, Num]:
    """A stake going from ``orig`` to ``amount`` [PHAT-31]: the contract's new total, what
    the user pays into the pallet's account and what the account pays back (one is zero)."""
    raising = lt(orig, amount)
    paid_in = ite(raising, amount - orig, 0)
    paid_out = ite(raising, 0, orig - amount)
    return total + paid_in - paid_out, paid_in, paid_out


@overload
def stake_weight(deposit: int) -> int: ...
@overload
def stake_weight(deposit: Num) -> Num: ...
def stake_weight(deposit: Num) -> Num:
    """The reference driver's weight: one unit per 0.01 PHA staked, at most ``u32::MAX``
    [PHAT-32]."""
    return min_(floor_div(deposit, WEIGHT_UNIT), U32_MAX)


# --- Storage ---------------------------------------------------------------------------------


def user_stake(state: ChainState, who: AccountId, contract: bytes) -> int:
    """``ContractUserStakes[who][contract]``, 0 if absent [PHAT-30]."""
    return state.phat_tokenomic.user_stakes.get(who, immutables.Map()).get(contract, 0)


def total_stake(state: ChainState, contract: bytes) -> int:
    """``ContractTotalStakes[contract]``, 0 if absent [PHAT-30]."""
    return state.phat_tokenomic.total_stakes.get(contract, 0)


# --- adjust_stake [PHAT-31] -------------------------------------------------------------------


def adjust_stake(
    state: ChainState, ctx: BlockContext, origin: Origin, contract: Bytes32, amount: Balance
) -> tuple[ChainState, Events]:
    """Set the signer's stake on ``contract`` to ``amount`` [PHAT-31].

    ``InvalidAmountOfStake`` unless the amount is zero or at least
    ``MinStake``. The difference moves by transfer: from the user, kept
    alive, when the stake grows; back from the pallet's account otherwise.
    Both stake maps are written (a zero stays as 0). The contract need not
    exist. Events ``ContractDepositChanged`` then ``UserStakeChanged``, with
    the contract's cluster if ``Contracts`` knows it; if that cluster still
    exists, the new total goes to its system contract.
    """
    who = ensure_signed(origin)
    tokenomic = state.phat_tokenomic
    if not accepts_stake(amount, tokenomic.min_stake):
        raise DispatchError(INVALID_AMOUNT_OF_STAKE)
    orig = user_stake(state, who, contract)
    total, paid_in, paid_out = stake_moves(orig, total_stake(state, contract), amount)
    if paid_in:
        state, moved = currency_transfer(state, who, PALLET_ACCOUNT, paid_in, True)
    else:
        state, moved = currency_transfer(state, PALLET_ACCOUNT, who, paid_out, False)
    stakes = tokenomic.user_stakes.get(who, immutables.Map()).set(contract, amount)
    state = evolve(
        state,
        phat_tokenomic=evolve(
            state.phat_tokenomic,
            user_stakes=tokenomic.user_stakes.set(who, stakes),
            total_stakes=tokenomic.total_stakes.set(contract, total),
        ),
    )
    record = state.phat.contracts.get(contract)
    cluster = None if record is None else record.cluster
    events: Events = (
        *moved,
        event(
            f"{PALLET}.ContractDepositChanged", cluster=cluster, contract=contract, deposit=total
        ),
        event(
            f"{PALLET}.UserStakeChanged",
            cluster=cluster,
            account=who,
            contract=contract,
            stake=amount,
        ),
    )
    info = None if cluster is None else state.phat.clusters.get(cluster)
    if info is None:
        return state, events
    message = CHANGE_DEPOSIT_SELECTOR + contract + total.to_bytes(16, "little")
    topic = command_topic(info.system_contract)
    state, pushed = mq.push_message(state, ctx, SENDER, topic, ink_message_payload(message))
    return state, (*events, *pushed)
