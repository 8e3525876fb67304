"""phala-spec: the executable specification of the Phala Network protocol.

The reference state machine is pure: every transition takes a state and
returns a new one. Start with :func:`genesis` and :func:`apply_step`, or call
the pallet functions (``phala_spec.balances``) directly.
"""

from .block import CallResult, apply_call, execute_block, finalize_block, initialize_block
from .chain import (
    BlockContext,
    ChainState,
    CollectiveOrigin,
    Event,
    PalletOrigin,
    Root,
    Signed,
    Unsigned,
)
from .codec import digest, to_data
from .errors import DispatchError, InvalidInput
from .genesis import PRESETS, dev_account, genesis
from .steps import StepResult, apply_step
from .views import observe

SPEC_VERSION = "0.1.0"

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
