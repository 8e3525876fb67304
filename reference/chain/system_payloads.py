"""The payloads of the worker's own topics: ``SystemEvent`` and ``WorkingReportEvent``.

``SystemEvent`` [OFF-2] is what the pallets tell every runtime: a
``WorkerEvent`` about one worker's state [OFF-3] (registered, benchmark,
computing session, responsiveness) or the block's heartbeat challenge.
``WorkingReportEvent`` [OFF-4] is a worker's heartbeat. Each record checks the
widths of its fields when it is built, with the two checks below that every
payload record uses. The topics, the SCALE layouts and the codec are
:mod:`phala_spec.chain.worker_messages`'.
"""

from __future__ import annotations

import attrs

from ..primitives.arith import U8_MAX, U32_MAX, U64_MAX, U128_MAX, U256_MAX
from ..primitives.types import is_unsigned


def check_unsigned(value: int, maximum: int, name: str) -> None:
    """A payload field must be an integer in ``0..=maximum`` (its production width)."""
    if not is_unsigned(value, maximum):
        raise ValueError(f"{name} must be an integer in 0..={maximum}, got {value!r}")


def check_key(value: bytes, name: str) -> None:
    """A payload's public key must be 32 bytes."""
    if not isinstance(value, bytes) or len(value) != 32:
        raise ValueError(f"{name} must be 32 bytes")


# --- WorkerEvent [OFF-3] --------------------------------------------------------


@attrs.frozen
class Registered:
    """The worker's registration succeeded (or was refreshed) [OFF-3]."""

    confidence_level: int

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.confidence_level, U8_MAX, "confidence_level")


@attrs.frozen
class BenchStart:
    """Run the benchmark for ``duration`` blocks [OFF-3]."""

    duration: int

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.duration, U32_MAX, "duration")


@attrs.frozen
class BenchScore:
    """The chain's score of the benchmark report (informational for the worker) [OFF-3]."""

    score: int

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.score, U32_MAX, "score")


@attrs.frozen
class Started:
    """A computing session started: global session id, initial V (U64F64 bits) and P [OFF-3]."""

    session_id: int
    init_v: int
    init_p: int

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.session_id, U32_MAX, "session_id")
        check_unsigned(self.init_v, U128_MAX, "init_v")
        check_unsigned(self.init_p, U32_MAX, "init_p")


@attrs.frozen
class Stopped:
    """The computing session stopped [OFF-3]."""


@attrs.frozen
class EnterUnresponsive:
    """The chain marked the worker unresponsive [OFF-3]."""


@attrs.frozen
class ExitUnresponsive:
    """The chain marked the worker responsive again [OFF-3]."""


WorkerEvent = (
    Registered | BenchStart | BenchScore | Started | Stopped | EnterUnresponsive | ExitUnresponsive
)

# --- SystemEvent [OFF-2] --------------------------------------------------------


@attrs.frozen
class WorkerEventWithKey:
    """``SystemEvent::WorkerEvent``: an event about the worker with this public key [OFF-2]."""

    pubkey: bytes
    event: WorkerEvent

    def __attrs_post_init__(self) -> None:
        check_key(self.pubkey, "pubkey")


@attrs.frozen
class HeartbeatChallenge:
    """``SystemEvent::HeartbeatChallenge``: this block's seed and online target (U256) [OFF-2]."""

    seed: int
    online_target: int

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.seed, U256_MAX, "seed")
        check_unsigned(self.online_target, U256_MAX, "online_target")


SystemEvent = WorkerEventWithKey | HeartbeatChallenge

# --- WorkingReportEvent [OFF-4] -------------------------------------------------


@attrs.frozen
class Heartbeat:
    """Legacy heartbeat report (decoded, never emitted by the reference) [OFF-4]."""

    session_id: int
    challenge_block: int
    challenge_time: int
    iterations: int

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.session_id, U32_MAX, "session_id")
        check_unsigned(self.challenge_block, U32_MAX, "challenge_block")
        check_unsigned(self.challenge_time, U64_MAX, "challenge_time")
        check_unsigned(self.iterations, U64_MAX, "iterations")


@attrs.frozen
class HeartbeatV2:
    """Heartbeat report: the answered challenge and the iterations since the session began [OFF-4]."""

    session_id: int
    challenge_block: int
    challenge_time: int
    iterations: int
    n_clusters: int
    n_contracts: int

    def __attrs_post_init__(self) -> None:
        check_unsigned(self.session_id, U32_MAX, "session_id")
        check_unsigned(self.challenge_block, U32_MAX, "challenge_block")
        check_unsigned(self.challenge_time, U64_MAX, "challenge_time")
        check_unsigned(self.iterations, U64_MAX, "iterations")
        check_unsigned(self.n_clusters, U32_MAX, "n_clusters")
        check_unsigned(self.n_contracts, U32_MAX, "n_contracts")


WorkingReportEvent = Heartbeat | HeartbeatV2
