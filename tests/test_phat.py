"""The Phat Contracts pallets, their payloads and the budget schedule [PHAT-1]..[PHAT-43]."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from phala_spec.chain.phat_payloads import (
    ClusterDeployed,
    ContractPubkeyAvailable,
    DispatchKeys,
    EncryptedKey,
    command_topic,
    decode_contract_registry_event,
    decode_worker_cluster_report,
    ink_message_payload,
)
from phala_spec.chain.state import BlockContext, ChainState
from phala_spec.offchain import budget_schedule as bs
from phala_spec.pallets import computation, phat, phat_tokenomic
from phala_spec.primitives import fixed
from phala_spec.primitives.codec import blake2b_256
from phala_spec.primitives.errors import InvalidInput
from phala_spec.runtime.block import finalize_block, initialize_block
from phala_spec.runtime.calls import CALLS, decode_args
from phala_spec.runtime.genesis import UNIT, genesis

W1 = b"\x11" * 32


def _open(preset: str = "minimal", **overrides: Any) -> ChainState:
    state = genesis(preset, {"registry": {"workers": [{"pubkey": W1}]}, **overrides})
    state, _ = initialize_block(state, BlockContext(1, 12_000))
    return state


def test_ids_are_production_preimages() -> None:
    """[PHAT-3]: the cluster id is the number big-endian in 32 bytes; the contract id hashes
    the raw concatenation; the cluster account hashes ``cluster:`` and the id."""
    assert phat.cluster_id(1) == bytes(31) + b"\x01"
    assert phat.cluster_id(258) == bytes(30) + b"\x01\x02"
    deployer, code, cluster = b"\x01" * 32, b"\x02" * 32, phat.cluster_id(1)
    assert phat.contract_id(deployer, code, cluster, b"s") == blake2b_256(
        deployer + code + cluster + b"s"
    )
    assert phat.contract_id(deployer, code, cluster, b"") != phat.contract_id(
        deployer, code, cluster, b"\x00"
    )
    assert phat.cluster_account(cluster) == blake2b_256(b"cluster:" + cluster)


def test_command_topic_and_ink_message_bytes() -> None:
    """[PHAT-20] [PHAT-22]."""
    contract = bytes(range(32))
    assert command_topic(contract) == b"phala/contract/" + contract.hex().encode() + b"/command"
    payload = ink_message_payload(b"\xaa\xbb")
    # Plain, InkMessage, empty nonce, message, transfer 0, gas u64::MAX, no deposit limit
    assert payload == b"\x00\x00\x00\x08\xaa\xbb" + bytes(16) + b"\xff" * 8 + b"\x00"


def test_dispatch_keys_sorts_its_map_by_worker() -> None:
    """[PHAT-21]: a BTreeMap encodes its entries sorted by key."""
    key = EncryptedKey(b"\x05" * 32, b"sealed", b"\x06" * 12)
    a = DispatchKeys(
        ((b"\x02" * 32, key), (b"\x01" * 32, key)), bytes(32), bytes(32), 1, 2, 3, 4, bytes(32)
    )
    b = DispatchKeys(
        ((b"\x01" * 32, key), (b"\x02" * 32, key)), bytes(32), bytes(32), 1, 2, 3, 4, bytes(32)
    )
    assert a.encode() == b.encode()
    assert a.encode()[:3] == b"\x00\x08" + b"\x01"


def test_reports_decode_their_leading_value() -> None:
    """[PHAT-23] [OFF-6]: trailing bytes are ignored; a short or unknown payload is none."""
    report = ClusterDeployed(b"\x01" * 32, b"\x02" * 32)
    assert decode_worker_cluster_report(report.encode() + b"extra") == report
    assert decode_worker_cluster_report(report.encode()[:-1]) is None
    assert decode_worker_cluster_report(b"\x02" + bytes(64)) is None
    event = ContractPubkeyAvailable(b"\x01" * 32, b"\x02" * 32, b"\x03" * 32)
    assert decode_contract_registry_event(event.encode()) == event
    assert decode_contract_registry_event(b"") is None


def test_phala_code_limits_are_production_sizes() -> None:
    """[PHAT-2] [PHAT-7]: 2 MiB of ink code and 8 MiB of sidevm code on Phala."""
    config = genesis("phala").config.phat
    assert (config.ink_code_size_limit, config.sidevm_code_size_limit) == (2**21, 2**23)
    assert genesis("khala").config.phat == config


def test_system_code_is_bounded_by_its_type() -> None:
    """[PHAT-12]: a longer code cannot be a call at all."""
    entry = CALLS["PhalaPhatContracts.set_pink_system_code"]
    assert decode_args(entry, {"code": b"x" * phat.SYSTEM_CODE_LIMIT})["code"]
    with pytest.raises(InvalidInput):
        decode_args(entry, {"code": b"x" * (phat.SYSTEM_CODE_LIMIT + 1)})


def test_system_code_waits_for_the_next_block() -> None:
    """[PHAT-12]: installed by the pallet's hook, the version counted."""
    state = _open()
    state, _ = phat.set_pink_system_code(state, state.system.block, _root(), b"code")
    assert state.phat.pink_system_code_hash is None
    state, _ = finalize_block(state)
    state, _ = initialize_block(state, BlockContext(2, 24_000))
    assert state.phat.pink_system_code == b"code"
    assert state.phat.pink_system_code_hash == blake2b_256(b"code")
    assert state.phat.pink_system_code_version == 1
    assert state.phat.next_pink_system_code is None


def _root() -> Any:
    from phala_spec.chain.state import Root

    return Root()


def test_stake_moves_and_weight() -> None:
    """[PHAT-31] [PHAT-32]: one of the two moves is zero and the total follows the stake."""
    assert phat_tokenomic.stake_moves(30, 100, 50) == (120, 20, 0)
    assert phat_tokenomic.stake_moves(50, 120, 10) == (80, 0, 40)
    assert phat_tokenomic.stake_moves(10, 80, 10) == (80, 0, 0)
    assert phat_tokenomic.stake_weight(10**10 - 1) == 0
    assert phat_tokenomic.stake_weight(3 * 10**10) == 3
    assert phat_tokenomic.stake_weight(10**40) == 2**32 - 1
    assert phat_tokenomic.PALLET_ACCOUNT.hex() == "6d6f646c706861742f746f6b" + "00" * 20


def test_tokenomic_constants_are_the_references() -> None:
    """[PHAT-40]: the supply endowed on both production presets, the treasury's share of the
    budget and the first period's budget per block are those the reference runs."""
    for preset in ("phala", "khala"):
        assert genesis(preset).balances.total_issuance == bs.TOTAL_SUPPLY
    assert bs.MINING_ALLOCATION == 700_000_000 * UNIT
    params = computation.default_tokenomic()
    assert params.treasury_ratio == fixed.from_literal("0.2")
    assert abs(fixed.to_fraction(params.treasury_ratio) - bs.TREASURY_SHARE) < Fraction(1, 2**64)
    per_block = bs.period_budget(1, 1) / 5  # a minute holds five 12-second blocks
    assert per_block == 100 * UNIT
    assert bs.budget_bits(per_block) == params.budget_per_block
    # 1e9 PHA fits U64F64 exactly
    assert fixed.to_fraction(fixed.from_int(bs.TOTAL_SUPPLY // UNIT)) == bs.TOTAL_SUPPLY // UNIT


def test_period_number_uses_the_ceiling() -> None:
    """[PHAT-41]: the start is period 3, the next second period 4, and so on every 180 days."""
    start, period = bs.REFERENCE_START, bs.PERIOD_DAYS * bs.SECONDS_PER_DAY
    assert bs.period_number(start) == 3
    assert bs.period_number(start + 1) == 4
    assert bs.period_number(start + period) == 4
    assert bs.period_number(start + period + 1) == 5
    with pytest.raises(ValueError):
        bs.period_number(start - 1)


def test_budget_per_block_and_the_cap() -> None:
    """[PHAT-42]: a chain's part by shares over its blocks; the chain's cap is 187.5 PHA."""
    cap = genesis("phala").computation.max_budget_limit
    minutes = 60
    budget = bs.period_budget(minutes, 3)
    assert budget == 500 * UNIT * 60 * Fraction(9, 16)
    whole = bs.chain_budget_per_block(budget, 1, 1, minutes * 5)
    assert whole == Fraction(1125, 20) * UNIT  # 56.25 PHA
    assert bs.within_cap(bs.budget_bits(whole), cap)
    half = bs.chain_budget_per_block(budget, 1, 2, minutes * 5)
    assert half * 2 == whole
    starved = bs.chain_budget_per_block(bs.period_budget(minutes, 1), 1, 1, minutes)
    assert not bs.within_cap(bs.budget_bits(starved), cap)  # 500 PHA a block
    assert bs.within_cap(2 * cap, cap) and not bs.within_cap(2 * cap + 1, cap)


def test_total_emission_stays_below_the_mining_allocation() -> None:
    """[PHAT-43]: partial sums are 4U(1 - 0.75^N) below 4U = 518.4 M PHA < 700 M PHA."""
    first = bs.FIRST_PERIOD_TOTAL
    assert first == 129_600_000 * UNIT
    assert bs.SCHEDULE_LIMIT == 518_400_000 * UNIT
    for n in (0, 1, 2, 10, 60):
        total = bs.schedule_total(n)
        assert total == 4 * first * (1 - Fraction(3, 4) ** n)
        assert total < bs.SCHEDULE_LIMIT < bs.MINING_ALLOCATION
    assert bs.MINING_ALLOCATION - bs.SCHEDULE_LIMIT == 181_600_000 * UNIT


def test_handler_failures_write_nothing() -> None:
    """[PHAT-24]..[PHAT-26] [MQ-13]: a wrong sender or an undecodable payload raises before
    any write."""
    from phala_spec.chain.messages import Message, MessageOrigin
    from phala_spec.primitives.errors import DispatchError

    state = _open()
    ctx = state.system.block
    worker = MessageOrigin("Worker", W1)
    for handler, payload in (
        (phat.on_cluster_message_received, b"\x00" + bytes(64)),
        (phat.on_contract_message_received, b"\x00" + bytes(96)),
    ):
        with pytest.raises(DispatchError, match="InvalidSender"):
            handler(state, ctx, Message(worker, b"t", payload))
        with pytest.raises(DispatchError, match="MessageCodecError"):
            handler(state, ctx, Message(worker, b"t", b"\x00"))
    with pytest.raises(DispatchError, match="InvalidSender"):
        phat.on_worker_cluster_message_received(
            state, ctx, Message(MessageOrigin("Cluster", W1), b"t", b"\x01" + bytes(32))
        )
