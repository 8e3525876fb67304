"""The stake pool and vault obligations [STK-70] [STK-71] are proved, and not vacuously."""

from __future__ import annotations

from phala_spec.pallets.staking.stake_pool_v2 import reward_split
from phala_spec.pallets.staking.vault import owner_share_gain
from phala_spec.proofs.obligations import PROVED, discover, prove


def test_stake_pool_obligations_are_proved() -> None:
    obligations = [ob for ob in discover() if ob.id in ("STK-P10", "STK-P11")]
    assert len(obligations) == 2
    results = prove(obligations, timeout_ms=60_000)
    assert [r.status for r in results] == [PROVED, PROVED]


def test_the_bounds_are_reached() -> None:
    """The tie rounds down (error exactly -10^6/2 x 2); the owner takes the whole gain at 100%."""
    commission, _ = reward_split(3, 500_000)
    assert 2 * (commission * 10**6 - 3 * 500_000) == -(10**6)
    adjust, new_price = owner_share_gain(2 * 10**12, 10**12, 2 * 10**12, 10**12, 1_000_000)
    assert new_price == 10**12 and adjust == 10**12
