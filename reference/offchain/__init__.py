"""The off-chain layer: pRuntime, the worker's state machine that replays the
chain's messages inside the TEE (:mod:`.pruntime`), the master key's life
in it (:mod:`.master_key`), and the Phat Contracts clusters: their keys and
the gatekeepers' deployment (:mod:`.cluster_keys`), a worker's hosted cluster
and its commands (:mod:`.cluster`).

May use: :mod:`phala_spec.primitives` and :mod:`phala_spec.chain` (the message
formats and payloads); never a pallet or the runtime composition.

``from phala_spec.offchain import new_runtime`` keeps 0.1's module of this name
working: the names below are :mod:`phala_spec.offchain.pruntime`'s.
"""

from .pruntime import (
    COMPUTING as COMPUTING,
)
from .pruntime import (
    DEFAULT_ITERATIONS_PER_BLOCK as DEFAULT_ITERATIONS_PER_BLOCK,
)
from .pruntime import (
    MASTER_KEY_INFO as MASTER_KEY_INFO,
)
from .pruntime import (
    PAUSED as PAUSED,
)
from .pruntime import (
    BenchState as BenchState,
)
from .pruntime import (
    Channel as Channel,
)
from .pruntime import (
    Emitted as Emitted,
)
from .pruntime import (
    RuntimeConfig as RuntimeConfig,
)
from .pruntime import (
    RuntimeHalted as RuntimeHalted,
)
from .pruntime import (
    RuntimeState as RuntimeState,
)
from .pruntime import (
    SendQueue as SendQueue,
)
from .pruntime import (
    SyncedBlock as SyncedBlock,
)
from .pruntime import (
    WorkerState as WorkerState,
)
from .pruntime import (
    WorkingState as WorkingState,
)
from .pruntime import (
    apply_keys as apply_keys,
)
from .pruntime import (
    bench_counter as bench_counter,
)
from .pruntime import (
    deliver as deliver,
)
from .pruntime import (
    end_of_block as end_of_block,
)
from .pruntime import (
    enqueue as enqueue,
)
from .pruntime import (
    generate_master_key as generate_master_key,
)
from .pruntime import (
    hashed_id as hashed_id,
)
from .pruntime import (
    heartbeat_hit as heartbeat_hit,
)
from .pruntime import (
    new_runtime as new_runtime,
)
from .pruntime import (
    on_block_end as on_block_end,
)
from .pruntime import (
    on_gatekeeper_change as on_gatekeeper_change,
)
from .pruntime import (
    on_gatekeeper_event as on_gatekeeper_event,
)
from .pruntime import (
    on_gatekeeper_launch as on_gatekeeper_launch,
)
from .pruntime import (
    on_heartbeat_challenge as on_heartbeat_challenge,
)
from .pruntime import (
    on_key_distribution as on_key_distribution,
)
from .pruntime import (
    on_system_event as on_system_event,
)
from .pruntime import (
    on_worker_event as on_worker_event,
)
from .pruntime import (
    on_working_report as on_working_report,
)
from .pruntime import (
    open_channel as open_channel,
)
from .pruntime import (
    pending as pending,
)
from .pruntime import (
    pending_egress as pending_egress,
)
from .pruntime import (
    process_block as process_block,
)
from .pruntime import (
    purge as purge,
)
from .pruntime import (
    set_dummy as set_dummy,
)
from .pruntime import (
    skip as skip,
)
from .pruntime import (
    subscriptions as subscriptions,
)
from .pruntime import (
    worker_origin as worker_origin,
)
