"""Observations: named views of the state that vectors check [VIEW-1].

A view is a function of the state and some plain-data arguments returning
plain data. Vectors list observations by view name; an implementation answers
``query`` requests with the same views, so a failing vector can say which
quantity differs, not only that the state digest does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..chain.messages import origin_from_data, signed_message_from_data
from ..chain.state import ChainState
from ..chain.system import account_exists, account_info
from ..pallets import mq, phat, phat_tokenomic
from ..pallets.balances import accounts
from ..pallets.governance import collective, democracy_storage, treasury
from ..pallets.registry import gatekeepers
from ..pallets.staking import assets, base_pool, wrapped_balances
from ..primitives.codec import PlainData, to_data
from ..primitives.errors import InvalidInput
from ..primitives.types import ACCOUNT_ID, BLOCK_NUMBER, BYTES32, POOL_ID, U32_KIND


def _account_arg(args: Sequence[Any]) -> bytes:
    if len(args) != 1:
        raise InvalidInput("this view takes one 32-byte account id")
    return ACCOUNT_ID.decode(args[0], "the account")


def _no_args(args: Sequence[Any]) -> None:
    if args:
        raise InvalidInput("this view takes no arguments")


def view_balance(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``balance(acct)``: ``{free, reserved, frozen}`` [VIEW-2]."""
    return to_data(accounts.account_data(state, _account_arg(args)))


def view_account(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``account(acct)``: existence and reference counters [VIEW-3]."""
    who = _account_arg(args)
    info = account_info(state, who)
    return {
        "exists": account_exists(state, who),
        "providers": info.providers,
        "consumers": info.consumers,
        "sufficients": info.sufficients,
    }


def view_locks(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``locks(acct)``: the account's locks in storage order [VIEW-4]."""
    return to_data(accounts.locks(state, _account_arg(args)))


def view_total_issuance(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``total_issuance()`` [VIEW-5]."""
    _no_args(args)
    return accounts.total_issuance(state)


def view_block(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``block()``: the current block context and whether it is open [VIEW-6]."""
    _no_args(args)
    return {**to_data(state.system.block), "open": state.system.in_block}


def _one_arg(args: Sequence[Any]) -> Any:
    if len(args) != 1:
        raise InvalidInput("this view takes one argument")
    return args[0]


def view_mq_ingress(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``mq_ingress(origin)``: the next sequence expected from a sender [MQ-18]."""
    return mq.ingress(state, origin_from_data(_one_arg(args)))


def view_mq_outbound(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``mq_outbound()``: this block's outbound messages, in order [MQ-19]."""
    _no_args(args)
    return to_data(state.mq.outbound)


def view_mq_queued(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``mq_queued()``: the messages waiting for the next block, in order [MQ-20]."""
    _no_args(args)
    return to_data(state.mq.queued)


def view_mq_pool_validity(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``mq_pool_validity(signed_message)``: the transaction-pool rule [MQ-21]."""
    validity = mq.check_sequence(state, signed_message_from_data(_one_arg(args)))
    return to_data(validity)


def _pubkey_arg(args: Sequence[Any]) -> bytes:
    return BYTES32.decode(_one_arg(args), "the worker public key")


def view_worker(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``worker(pubkey)``: the worker record and its insertion block, or null [REG-24]."""
    pubkey = _pubkey_arg(args)
    info = state.registry.workers.get(pubkey)
    if info is None:
        return None
    return {
        **to_data(info),
        "added_at": state.registry.worker_added_at.get(pubkey),
        "endpoints": to_data(state.registry.endpoints.get(pubkey)),
    }


def view_gatekeepers(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``gatekeepers()``: the gatekeeper set, master key, launch and rotation state [REG-24]."""
    _no_args(args)
    reg = state.registry
    return {
        "gatekeepers": list(reg.gatekeepers),
        "master_pubkey": reg.gatekeeper_master_pubkey,
        "launched_at": to_data(reg.gatekeeper_launched_at),
        "rotation_counter": reg.rotation_counter,
        "rotation_lock": reg.master_key_rotation_lock,
    }


def view_registered_after_gk_launched(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``registered_after_gk_launched(pubkey)`` [REG-21] [REG-24]."""
    return gatekeepers.is_worker_registered_after_gk_launched(state, _pubkey_arg(args))


def view_session(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``session(account)``: the session record, its worker and stake, or null [CMP-19]."""
    account = ACCOUNT_ID.decode(_one_arg(args), "the session account")
    comp = state.computation
    info = comp.sessions.get(account)
    if info is None:
        return None
    return {
        **to_data(info),
        "worker": comp.session_bindings.get(account),
        "stake": comp.stakes.get(account),
    }


def view_computation(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``computation()``: the pallet's counters and parameters [CMP-19]."""
    _no_args(args)
    comp = state.computation
    return {
        "online_workers": comp.online_workers,
        "next_session_id": comp.next_session_id,
        "heartbeat_paused": comp.heartbeat_paused,
        "cool_down_period": comp.cool_down_period,
        "tokenomic": to_data(comp.tokenomic),
        "scheduled_tokenomic": to_data(comp.scheduled_tokenomic),
        "budget_update_nonce": comp.budget_update_nonce,
        "last_budget_update_block": comp.last_budget_update_block,
    }


def _pid_arg(value: Any) -> int:
    return POOL_ID.decode(value, "the pool id")


def view_wpha(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``wpha(acct)``: W-PHA balance, staker account and net value [STK-8]."""
    who = _account_arg(args)
    account = wrapped_balances.staker_account(state, who)
    return {
        "balance": assets.balance(state, who),
        "staker_account": to_data(account),
        "net_value": wrapped_balances.net_value(state, who),
    }


def view_wpha_totals(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``wpha_totals()``: W-PHA supply, unmintable dust, PHA held by the W-PHA account [STK-8]."""
    _no_args(args)
    return {
        "supply": assets.supply(state),
        "unmintable_dust": state.wrapped_balances.unmintable_dust,
        "wpha_account": accounts.free_balance(state, wrapped_balances.WPHA_ACCOUNT),
    }


def view_wpha_votes(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``wpha_votes(vote_id)``: the users' W-PHA votes on a referendum in storage order [STK-8]."""
    vote_id = U32_KIND.decode(_one_arg(args), "the referendum index")
    return [
        {"user": who, "aye": v.aye, "nay": v.nay}
        for who, v in wrapped_balances.voters(state, vote_id)
    ]


def view_base_pool(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``base_pool(pid)``: the pool record, its share price bits (or null) and its free W-PHA, or null [STK-23]."""
    if len(args) != 1:
        raise InvalidInput("this view takes one pool id")
    pid = _pid_arg(args[0])
    if pid not in state.base_pool.pools:
        return None
    pool = base_pool.get_basepool(state, pid)
    return {
        **to_data(pool),
        "share_price": base_pool.share_price(pool),
        "free": assets.balance(state, pool.pool_account),
    }


def view_pool_shares(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``pool_shares(pid, acct)``: the owner's merged record (id, shares) and queued shares [STK-23]."""
    if len(args) != 2:
        raise InvalidInput("this view takes a pool id and an account")
    pid, who = _pid_arg(args[0]), _account_arg(args[1:])
    if pid not in state.base_pool.pools:
        return None
    pool = base_pool.get_basepool(state, pid)
    rid = base_pool.owner_record_id(state, pool.cid, who)
    held = base_pool.record(state, pool.cid, rid).shares if rid is not None else None
    return {"record": rid, "shares": held, "total": base_pool.shares_of(state, pool, who)}


def view_stake_pool(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``stake_pool(pid)``: a stake pool or vault record with its share price bits, free and locked
    W-PHA, or null [STK-56] [STK-67]."""
    if len(args) != 1:
        raise InvalidInput("this view takes one pool id")
    record = state.base_pool.pools.get(_pid_arg(args[0]))
    if record is None or not hasattr(record, "basepool"):
        return None
    locked = assets.balance(state, record.lock_account) if hasattr(record, "lock_account") else 0
    return {
        **to_data(record),
        "share_price": base_pool.share_price(record.basepool),
        "free": assets.balance(state, record.basepool.pool_account),
        "locked": locked,
    }


def _instance_arg(value: Any) -> str:
    if not isinstance(value, str) or value not in collective.INSTANCES:
        raise InvalidInput(f"a collective is one of {sorted(collective.INSTANCES)}")
    return str(value)


def view_collective(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``collective(instance)``: members, prime, open motions and the motion count [COL-1]."""
    col = collective.collective_state(state, _instance_arg(_one_arg(args)))
    return {
        "members": list(col.members),
        "prime": col.prime,
        "proposals": list(col.proposals),
        "proposal_count": col.proposal_count,
    }


def view_motion(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``motion(instance, hash)``: the motion's votes and held call, or null [COL-1]."""
    if len(args) != 2:
        raise InvalidInput("motion(instance, hash) takes a collective name and a 32-byte hash")
    col = collective.collective_state(state, _instance_arg(args[0]))
    motion = BYTES32.decode(args[1], "the motion's hash")
    votes = col.voting.get(motion)
    if votes is None:
        return None
    return {**to_data(votes), "proposal": to_data(col.proposal_of[motion])}


def view_elections(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``elections()``: members, runners-up, candidates, voters and the round count [ELE-1]."""
    _no_args(args)
    return to_data(state.elections)


def view_treasury(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``treasury()``: the spendable pot, proposals, approvals and the proposal count [TRS-1]."""
    _no_args(args)
    return {"pot": treasury.pot(state), **to_data(state.treasury)}


def view_referendum(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``referendum(index)``: a referendum's info (ongoing with its tally, or finished), or null
    [DEM-26] [DEM-1]."""
    index = U32_KIND.decode(_one_arg(args), "the referendum index")
    return to_data(state.democracy.referendum_info.get(index))


def view_democracy_voting(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``democracy_voting(account)``: the account's voting record, direct or delegating [DEM-26]
    [DEM-1]."""
    return to_data(democracy_storage.voting_of(state, _account_arg(args)))


def view_democracy(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``democracy()``: the counters, the public proposals and the external proposal [VIEW-7]."""
    _no_args(args)
    dem = state.democracy
    external = dem.next_external
    return {
        "referendum_count": dem.referendum_count,
        "lowest_unbaked": dem.lowest_unbaked,
        "public_prop_count": dem.public_prop_count,
        "public_props": to_data(dem.public_props),
        "next_external": None
        if external is None
        else {"proposal": to_data(external[0]), "threshold": external[1]},
        "last_tabled_was_external": dem.last_tabled_was_external,
    }


def _hash_arg(args: Sequence[Any]) -> bytes:
    return BYTES32.decode(_one_arg(args), "the proposal hash")


def view_blacklist(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``blacklist(hash)``: ``{until, vetoers}`` of a blacklisted proposal hash, or null [VIEW-8]."""
    entry = state.democracy.blacklist.get(_hash_arg(args))
    return None if entry is None else {"until": entry[0], "vetoers": list(entry[1])}


def view_deposit_of(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``deposit_of(index)``: ``{depositors, deposit}`` of a public proposal, or null [VIEW-9]."""
    index = U32_KIND.decode(_one_arg(args), "the public proposal index")
    entry = state.democracy.deposit_of.get(index)
    return None if entry is None else {"depositors": list(entry[0]), "deposit": entry[1]}


def view_agenda(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``agenda(block)``: the scheduler's slots for a block, a served or cancelled one null [VIEW-10]."""
    block = BLOCK_NUMBER.decode(_one_arg(args), "the block number")
    return to_data(state.scheduler.agenda.get(block, ()))


def view_elections_voter(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``elections_voter(account)``: ``{votes, stake, deposit}`` of an elections voter, or null [VIEW-11]."""
    return to_data(state.elections.voting.get(_account_arg(args)))


def view_phat_cluster(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``phat_cluster(cluster_id)``: ``{info, workers, contracts, pubkey, account}`` [PHAT-28]."""
    cluster = BYTES32.decode(_one_arg(args), "the cluster id")
    p = state.phat
    account = phat.cluster_account(cluster)
    return {
        "info": to_data(p.clusters.get(cluster)),
        "workers": to_data(p.cluster_workers.get(cluster, ())),
        "contracts": to_data(p.cluster_contracts.get(cluster, ())),
        "pubkey": state.registry.cluster_keys.get(cluster),
        "account": account,
        "balance": to_data(accounts.account_data(state, account)),
    }


def view_phat_contract(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``phat_contract(contract_id)``: ``{info, pubkey, total_stake}`` [PHAT-28]."""
    contract = BYTES32.decode(_one_arg(args), "the contract id")
    return {
        "info": to_data(state.phat.contracts.get(contract)),
        "pubkey": state.registry.contract_keys.get(contract),
        "total_stake": phat_tokenomic.total_stake(state, contract),
    }


def view_phat_stake(state: ChainState, args: Sequence[Any]) -> PlainData:
    """``phat_stake(account, contract_id)``: the account's stake on the contract, 0 if none
    [PHAT-28]."""
    if len(args) != 2:
        raise InvalidInput("phat_stake takes an account and a contract id")
    who = ACCOUNT_ID.decode(args[0], "the account")
    contract = BYTES32.decode(args[1], "the contract id")
    return phat_tokenomic.user_stake(state, who, contract)


VIEWS: Mapping[str, Callable[[ChainState, Sequence[Any]], PlainData]] = {
    "balance": view_balance,
    "account": view_account,
    "locks": view_locks,
    "total_issuance": view_total_issuance,
    "block": view_block,
    "mq_ingress": view_mq_ingress,
    "mq_outbound": view_mq_outbound,
    "mq_queued": view_mq_queued,
    "mq_pool_validity": view_mq_pool_validity,
    "worker": view_worker,
    "gatekeepers": view_gatekeepers,
    "registered_after_gk_launched": view_registered_after_gk_launched,
    "session": view_session,
    "computation": view_computation,
    "wpha": view_wpha,
    "wpha_totals": view_wpha_totals,
    "wpha_votes": view_wpha_votes,
    "base_pool": view_base_pool,
    "pool_shares": view_pool_shares,
    "stake_pool": view_stake_pool,
    "collective": view_collective,
    "motion": view_motion,
    "elections": view_elections,
    "treasury": view_treasury,
    "referendum": view_referendum,
    "democracy_voting": view_democracy_voting,
    "democracy": view_democracy,
    "blacklist": view_blacklist,
    "deposit_of": view_deposit_of,
    "agenda": view_agenda,
    "elections_voter": view_elections_voter,
    "phat_cluster": view_phat_cluster,
    "phat_contract": view_phat_contract,
    "phat_stake": view_phat_stake,
}


def observe(state: ChainState, view: Any, args: Any = ()) -> PlainData:
    """Evaluate a named view [VIEW-1]; an unknown view or bad arguments are invalid input."""
    if not isinstance(view, str) or view not in VIEWS:
        raise InvalidInput(f"unknown view {view!r}; views are {sorted(VIEWS)}")
    if not isinstance(args, list | tuple):
        raise InvalidInput("view arguments are a list")
    return VIEWS[view](state, args)
