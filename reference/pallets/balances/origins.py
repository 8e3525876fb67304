"""The origin checks every extrinsic begins with: ``ensure_signed`` and ``ensure_root`` [CHAIN-2].

Every pallet uses them; they sit with the first pallet so that any pallet may
import them.
"""

from __future__ import annotations

from ...chain.state import AccountId, Origin, Root, Signed
from ...primitives.errors import BadOrigin


def ensure_signed(origin: Origin) -> AccountId:
    """The signer of a signed origin, else ``BadOrigin`` [CHAIN-2]."""
    if not isinstance(origin, Signed):
        raise BadOrigin()
    return origin.who


def ensure_root(origin: Origin) -> None:
    """Reject every origin but root with ``BadOrigin`` [CHAIN-2]."""
    if not isinstance(origin, Root):
        raise BadOrigin()
