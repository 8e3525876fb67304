"""pallet-balances, as the Phala runtimes use it [BAL-1]..[BAL-29].

Extrinsics go through the ``fungible`` traits of frame-support; other pallets
use the older ``Currency`` / ``ReservableCurrency`` / ``LockableCurrency``
traits for reserves, locks, deposits and withdrawals. Both families are
specified here exactly as production computes them, including the places where
the two disagree (a lock bounds the *total* balance in ``fungible`` checks but
the *free* balance in ``Currency`` checks) and the quirks (an empty source
account emits ``Endowed`` with zero; ``deposit_creating`` silently drops a
deposit below the existential deposit; ``set_lock`` on an account without a
provider still records the lock).

Every function is pure: it takes a state and returns a new one. Functions that
reject raise :class:`~phala_spec.primitives.errors.DispatchError`; the caller then keeps
the state it had, which is how a Substrate extrinsic is transactional.

The rules are in the modules of this package, in the order of the chapter
(``spec/balances.md``), each using only those listed before it:

* :mod:`.arithmetic`: the balance arithmetic the proofs run [BAL-29];
* :mod:`.origins`: ``ensure_signed`` and ``ensure_root`` [CHAIN-2];
* :mod:`.accounts`: reading an account, ``mutate_account`` and dust [BAL-1]..[BAL-3] [BAL-8];
* :mod:`.fungible`: the ``fungible`` checks and free-balance writes [BAL-4]..[BAL-7];
* :mod:`.reservable`: reserves (``ReservableCurrency``) [BAL-16]..[BAL-20];
* :mod:`.lockable`: locks (``LockableCurrency``) [BAL-21]..[BAL-24];
* :mod:`.issuance`: minting, burning, withdrawals and deposits [BAL-25]..[BAL-28];
* :mod:`.transfers`: transfers and the extrinsics [BAL-9]..[BAL-15].
"""

# The names of the single module this package was: they moved to the modules
# above and are re-exported for code that imports them from here.
from .accounts import PALLET as PALLET
from .accounts import account_data as account_data
from .accounts import existential_deposit as existential_deposit
from .accounts import free_balance as free_balance
from .accounts import locks as locks
from .accounts import mutate_account as mutate_account
from .accounts import reserved_balance as reserved_balance
from .accounts import total_balance as total_balance
from .accounts import total_issuance as total_issuance
from .arithmetic import credit as credit
from .arithmetic import debit as debit
from .arithmetic import frozen_amount as frozen_amount
from .arithmetic import reserve_amounts as reserve_amounts
from .arithmetic import slash_amounts as slash_amounts
from .arithmetic import split_dust as split_dust
from .arithmetic import unreserve_amounts as unreserve_amounts
from .fungible import Fortitude as Fortitude
from .fungible import Precision as Precision
from .fungible import Preservation as Preservation
from .fungible import Provenance as Provenance
from .fungible import can_deposit as can_deposit
from .fungible import can_withdraw as can_withdraw
from .fungible import decrease_balance as decrease_balance
from .fungible import ensure_can_withdraw_consequence as ensure_can_withdraw_consequence
from .fungible import increase_balance as increase_balance
from .fungible import reducible_balance as reducible_balance
from .fungible import write_balance as write_balance
from .issuance import burn_from as burn_from
from .issuance import deposit_creating as deposit_creating
from .issuance import deposit_into_existing as deposit_into_existing
from .issuance import mint_into as mint_into
from .issuance import withdraw as withdraw
from .lockable import LOCK_REASONS as LOCK_REASONS
from .lockable import REASONS as REASONS
from .lockable import LockReasons as LockReasons
from .lockable import extend_lock as extend_lock
from .lockable import remove_lock as remove_lock
from .lockable import set_lock as set_lock
from .lockable import update_locks as update_locks
from .origins import ensure_root as ensure_root
from .origins import ensure_signed as ensure_signed
from .reservable import BALANCE_STATUS as BALANCE_STATUS
from .reservable import STATUSES as STATUSES
from .reservable import BalanceStatus as BalanceStatus
from .reservable import ensure_can_withdraw as ensure_can_withdraw
from .reservable import repatriate_reserved as repatriate_reserved
from .reservable import reserve as reserve
from .reservable import slash_reserved as slash_reserved
from .reservable import unreserve as unreserve
from .transfers import force_set_balance as force_set_balance
from .transfers import force_transfer as force_transfer
from .transfers import force_unreserve as force_unreserve
from .transfers import transfer_all as transfer_all
from .transfers import transfer_allow_death as transfer_allow_death
from .transfers import transfer_funds as transfer_funds
from .transfers import transfer_keep_alive as transfer_keep_alive
