"""The computation payloads: the gatekeepers' settlement report and tokenomic parameters.

``WorkingInfoUpdateEvent`` [OFF-31] is the gatekeepers' per-block report to
the computation pallet on ``^phala/mining/update`` (offline and recovered
workers, each settled worker's V, payout and treasury share);
``TokenomicParametersChanged`` [OFF-32] is the computation pallet's
``GatekeeperEvent`` carrying the parameters the gatekeepers must use. The
topics, the SCALE layouts and the codec are
:mod:`phala_spec.chain.worker_messages`'.
"""

from __future__ import annotations

import attrs

from ..primitives import fixed
from ..primitives.arith import U32_MAX, U64_MAX, U128_MAX
from .state import TokenomicParams
from .system_payloads import check_key, check_unsigned

# --- Computation: settlement and tokenomic parameters [OFF-31] [OFF-32] ----------


@attrs.frozen
class SettleInfo:
    """One worker's settlement in a gatekeeper report: V, payout and treasury share, U64F64 bits [OFF-31]."""

    pubkey: bytes
    v: int
    payout: int
    treasury: int

    def __attrs_post_init__(self) -> None:
        check_key(self.pubkey, "pubkey")
        for name in ("v", "payout", "treasury"):
            check_unsigned(getattr(self, name), U128_MAX, name)


@attrs.frozen
class WorkingInfoUpdateEvent:
    """The gatekeepers' per-block computation report to the chain [OFF-31]."""

    block_number: int
    timestamp_ms: int
    offline: tuple[bytes, ...] = ()
    recovered_to_online: tuple[bytes, ...] = ()
    settle: tuple[SettleInfo, ...] = ()

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.block_number, U32_MAX, "block_number")
        check_unsigned(self.timestamp_ms, U64_MAX, "timestamp_ms")
        for key in (*self.offline, *self.recovered_to_online):
            check_key(key, "worker")

    def is_empty(self) -> bool:
        """No offline, recovered or settled worker."""
        return not (self.offline or self.recovered_to_online or self.settle)


@attrs.frozen
class TokenomicParametersChanged:
    """``GatekeeperEvent::TokenomicParametersChanged``: the parameters gatekeepers must use [OFF-32]."""

    params: TokenomicParams


def default_tokenomic(block_sec: int = 12) -> TokenomicParams:
    """The pallet's genesis parameters (``GenesisConfig::default``) [CMP-4].

    Hourly, daily and yearly rates are converted to per-block values in
    U64F64 arithmetic, left to right, as production's genesis code does
    (``fp!(0.001) * block_sec / hour_sec``).
    """
    hour = 3600
    year = 365 * 24 * hour
    per_block = fixed.div_int

    def rate(literal: str, period: int) -> int:
        return int(per_block(fixed.mul_int(fixed.from_literal(literal), block_sec), period))

    return TokenomicParams(
        pha_rate=fixed.from_int(1),
        rho=fixed.from_literal("1.000000666600231"),
        budget_per_block=rate("720000", 24 * hour),
        v_max=fixed.from_literal("30000"),
        cost_k=rate("0.0415625", year),
        cost_b=rate("88.59375", year),
        slash_rate=rate("0.001", hour),
        treasury_ratio=fixed.from_literal("0.2"),
        heartbeat_window=10,
        rig_k=fixed.from_literal("0.3"),
        rig_b=0,
        re=fixed.from_literal("1.3"),
        k=fixed.from_literal("100"),
        kappa=fixed.from_int(1),
    )
