"""The chain layer: the state records every pallet reads and writes, frame_system,
the mq message formats and the payloads chain and workers share.

May use: :mod:`phala_spec.primitives`. Used by the pallets, the runtime
composition, the off-chain runtime and the network.

``from phala_spec.chain import ChainState`` keeps 0.1's module of this name
working: the names below are :mod:`phala_spec.chain.state`'s.
"""

from .state import (
    AccountData as AccountData,
)
from .state import (
    AccountId as AccountId,
)
from .state import (
    AccountInfo as AccountInfo,
)
from .state import (
    BalanceLock as BalanceLock,
)
from .state import (
    BalancesState as BalancesState,
)
from .state import (
    Benchmark as Benchmark,
)
from .state import (
    BlockContext as BlockContext,
)
from .state import (
    ChainConfig as ChainConfig,
)
from .state import (
    ChainState as ChainState,
)
from .state import (
    CollectiveConfig as CollectiveConfig,
)
from .state import (
    CollectiveMember as CollectiveMember,
)
from .state import (
    CollectiveOrigin as CollectiveOrigin,
)
from .state import (
    CollectiveState as CollectiveState,
)
from .state import (
    ComputationConfig as ComputationConfig,
)
from .state import (
    ComputationState as ComputationState,
)
from .state import (
    ConsensusVersionCount as ConsensusVersionCount,
)
from .state import (
    ElectionsConfig as ElectionsConfig,
)
from .state import (
    ElectionsState as ElectionsState,
)
from .state import (
    ElectionsVoter as ElectionsVoter,
)
from .state import (
    Event as Event,
)
from .state import (
    Events as Events,
)
from .state import (
    GatekeeperLaunchedAt as GatekeeperLaunchedAt,
)
from .state import (
    MembershipState as MembershipState,
)
from .state import (
    MotionVotes as MotionVotes,
)
from .state import (
    MqState as MqState,
)
from .state import (
    Origin as Origin,
)
from .state import (
    PalletOrigin as PalletOrigin,
)
from .state import (
    RegistryState as RegistryState,
)
from .state import (
    Root as Root,
)
from .state import (
    SeatHolder as SeatHolder,
)
from .state import (
    SessionInfo as SessionInfo,
)
from .state import (
    Signed as Signed,
)
from .state import (
    SystemState as SystemState,
)
from .state import (
    TokenomicParams as TokenomicParams,
)
from .state import (
    TreasuryConfig as TreasuryConfig,
)
from .state import (
    TreasuryProposal as TreasuryProposal,
)
from .state import (
    TreasuryState as TreasuryState,
)
from .state import (
    Unsigned as Unsigned,
)
from .state import (
    WorkerInfo as WorkerInfo,
)
from .state import (
    event as event,
)
