"""phala-spec: the executable specification of the Phala Network protocol.

The reference state machine is pure: every transition takes a state and
returns a new one. Start with :func:`genesis` and :func:`apply_step`, or call
the pallet functions (``phala_spec.pallets.balances``) directly.

The package is laid out in layers; imports point one way:
primitives ← chain ← pallets ← runtime ← network and steps, with the TEE
verifiers (``tee``) beside the chain and the off-chain runtime (``offchain``)
using only primitives and chain. The 0.1 flat module names
(``phala_spec.stake_pool_v2``) still import: see :mod:`.compat`.
"""

from typing import TYPE_CHECKING

from . import compat
from .chain.state import (
    BlockContext,
    ChainState,
    CollectiveOrigin,
    Event,
    PalletOrigin,
    Root,
    Signed,
    Unsigned,
)
from .primitives.codec import digest, to_data
from .primitives.errors import DispatchError, InvalidInput
from .runtime.block import CallResult, apply_call, execute_block, finalize_block, initialize_block
from .runtime.genesis import PRESETS, dev_account, genesis
from .runtime.views import observe
from .steps import StepResult, apply_step

if TYPE_CHECKING:  # the 0.1 module names, for type checkers (resolved at run time by compat)
    from .chain import democracy_state as democracy_state
    from .chain import messages as messages
    from .chain import staking_state as staking_state
    from .chain import system as system
    from .chain import worker_messages as worker_messages
    from .pallets import balances as balances
    from .pallets import computation as computation
    from .pallets import mq as mq
    from .pallets import registry as registry
    from .pallets.governance import collective as collective
    from .pallets.governance import democracy as democracy
    from .pallets.governance import elections as elections
    from .pallets.governance import membership as membership
    from .pallets.governance import phragmen as phragmen
    from .pallets.governance import scheduler as scheduler
    from .pallets.governance import treasury as treasury
    from .pallets.staking import assets as assets
    from .pallets.staking import base_pool as base_pool
    from .pallets.staking import stake_pool_v2 as stake_pool_v2
    from .pallets.staking import vault as vault
    from .pallets.staking import wrapped_balances as wrapped_balances
    from .primitives import arith as arith
    from .primitives import codec as codec
    from .primitives import crypto as crypto
    from .primitives import errors as errors
    from .primitives import fixed as fixed
    from .primitives import perthings as perthings
    from .primitives import scale as scale
    from .runtime import block as block
    from .runtime import calls as calls
    from .runtime import views as views
    from .tee import attestation as attestation
    from .tee import dcap as attestation_dcap  # noqa: F401
    from .tee import ias as attestation_ias  # noqa: F401
    from .tee import intel_dcap_root as intel_dcap_root
    from .tee import intel_roots as intel_roots
    from .tee import simulated as attestation_simulated  # noqa: F401

SPEC_VERSION = "0.1.0"

compat.install()


def __getattr__(name: str) -> object:
    """``phala_spec.balances`` and the other 0.1 module names [compat]."""
    return compat.load(name)


__all__ = [
    "PRESETS",
    "SPEC_VERSION",
    "BlockContext",
    "CallResult",
    "ChainState",
    "CollectiveOrigin",
    "DispatchError",
    "Event",
    "InvalidInput",
    "PalletOrigin",
    "Root",
    "Signed",
    "StepResult",
    "Unsigned",
    "apply_call",
    "apply_step",
    "dev_account",
    "digest",
    "execute_block",
    "finalize_block",
    "genesis",
    "initialize_block",
    "observe",
    "to_data",
]
