"""Phat Contracts obligations [PHAT-8] [PHAT-31] [PHAT-34] [PHAT-43].

``PHAT-P1`` runs the reference's ``stake_moves`` (what ``adjust_stake``
computes) on Z3 integers; ``PHAT-P2`` runs the schedule's ``decayed`` on Z3
reals; ``PHAT-P3`` runs the balance arithmetic a deposit into a cluster goes
through (``deposit_to_cluster`` → ``currency_transfer`` keeping the depositor
alive → ``transfer_funds``: ``debit``, ``credit``, ``split_dust``). The
composition inside the state machine (transfers, both maps, the pallet's
account) is checked by the ``phat`` and ``phat_offchain`` models.
"""

from __future__ import annotations

import z3

from phala_spec.offchain.budget_schedule import (
    FIRST_PERIOD_TOTAL,
    MINING_ALLOCATION,
    decayed,
)
from phala_spec.pallets.balances.arithmetic import credit, debit, split_dust
from phala_spec.pallets.phat_tokenomic import stake_moves
from phala_spec.primitives.arith import U128_MAX

from .obligations import Claim, obligation


@obligation(
    id="PHAT-P1",
    clauses=("PHAT-31", "PHAT-34"),
    description="adjust_stake moves exactly the change of the stake: the user's free balance "
    "plus the pallet's is unchanged, the contract's total changes by the change of the stake, "
    "and the pallet's account still holds every total when it did before and is not reaped",
)
def adjust_stake_conserves() -> Claim:
    orig, amount, total, others, user, pallet, ed = (
        z3.Int(n) for n in ("orig", "amount", "total", "others", "user", "pallet", "ed")
    )
    new_total, paid_in, paid_out = stake_moves(orig, total, amount)
    user_after = user - paid_in + paid_out
    pallet_after = pallet + paid_in - paid_out
    return Claim(
        goal=z3.And(
            user_after + pallet_after == user + pallet,
            new_total - total == amount - orig,
            z3.Or(paid_in == 0, paid_out == 0),
            paid_in >= 0,
            paid_out >= 0,
            new_total >= 0,
            pallet_after == new_total + others,
        ),
        given=(
            *(z3.And(v >= 0, v <= U128_MAX) for v in (orig, amount, total, others, user, pallet)),
            orig <= total,  # the user's stake is part of the contract's total
            pallet == total + others,  # the account holds every contract's total [PHAT-34]
            amount - orig <= user,  # else the transfer in fails and nothing changes
            ed >= 1,
            # not reaped: a withdrawal leaving the account below the existential deposit loses
            # the rest as dust [PHAT-34]
            z3.Or(pallet_after == 0, pallet_after >= ed),
        ),
    )


@obligation(
    id="PHAT-P2",
    clauses=("PHAT-41", "PHAT-43", "PHAT-40"),
    description="the schedule's emission after N periods is 4U(1 - q) with q = 0.75^N in (0, 1], "
    "step by step, so it stays below 4U = 518.4 M PHA, itself below the 700 M PHA allocation",
)
def emission_below_allocation() -> Claim:
    emitted, q = z3.Reals("emitted q")
    first = z3.RealVal(str(FIRST_PERIOD_TOTAL))
    after = emitted + first * q  # period N+1 emits U * 0.75^N
    q_after = decayed(q)
    return Claim(
        goal=z3.And(
            after == 4 * first * (1 - q_after),
            q_after > 0,
            q_after <= 1,
            after < 4 * first,
            4 * first < MINING_ALLOCATION,
        ),
        given=(emitted == 4 * first * (1 - q), q > 0, q <= 1),
    )


@obligation(
    id="PHAT-P3",
    clauses=("PHAT-8", "PHAT-4", "PHAT-34", "BAL-9"),
    description="a deposit into a cluster (transfer_to_cluster, or the deposit of "
    "instantiate_contract or push_contract_message) moves exactly the amount from the "
    "depositor, kept alive, to the cluster's account: no dust on either side, the pair's sum "
    "and the total issuance unchanged",
)
def deposit_conserves() -> Claim:
    names = ("fa", "ra", "fb", "rb", "rest", "amount", "ed")
    fa, ra, fb, rb, rest, amount, ed = (z3.Int(n) for n in names)
    issuance = fa + ra + fb + rb + rest
    fa_kept, dust_a = split_dust(debit(fa, amount), ra, ed)
    fb_kept, dust_b = split_dust(credit(fb, amount), rb, ed)
    issuance_after = issuance - dust_a - dust_b
    return Claim(
        goal=z3.And(
            dust_a == 0,
            dust_b == 0,
            fb_kept == fb + amount,
            fa_kept + fb_kept == fa + fb,
            issuance_after == issuance,
            issuance_after == fa_kept + ra + fb_kept + rb + rest,
        ),
        given=(
            *(z3.And(v >= 0, v <= U128_MAX) for v in (fa, ra, fb, rb, rest, amount, ed)),
            issuance <= U128_MAX,
            ed >= 1,
            amount > 0,  # a zero deposit moves nothing [PHAT-4]
            amount <= fa,  # can_withdraw: not BalanceLow [BAL-5]
            fa - amount >= ed,  # kept alive: else the transfer fails (Preservation::Preserve)
            fb + amount >= ed,  # can_deposit: not BelowMinimum [BAL-7]
        ),
    )
