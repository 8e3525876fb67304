"""The runtime's call filter: frame_system's ``BaseCallFilter`` [CHAIN-15].

Phala's and Khala's runtimes admit a call only if its pallet is on an
allow-list; any other call fails with frame_system's ``CallFiltered`` before
the pallet sees it. The root origin bypasses the filter. The configuration
parameter ``call_filter`` names the list: ``Phala``, ``Khala``, or
``Everything`` (the allow-all filter of Substrate's pallet test runtimes).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..chain.state import Origin, Root
from ..primitives.errors import DispatchError

CALL_FILTERED = "System.CallFiltered"

EVERYTHING = "Everything"

# The modelled pallets whose every call both runtimes admit [CHAIN-15].
_BOTH = frozenset(
    {
        "Balances",
        "PhalaMq",
        "PhalaRegistry",
        "PhalaComputation",
        "PhalaWrappedBalances",
        "PhalaStakePoolv2",
        "PhalaVault",
        "Democracy",
        "Council",
        "TechnicalCommittee",
        "TechnicalMembership",
        "Treasury",
    }
)

# The Phat pallets: on Phala's list; absent from Khala's runtime and list [CHAIN-15].
PHAT_PALLETS = frozenset({"PhalaPhatContracts", "PhalaPhatTokenomic"})

ALLOW_LISTS: Mapping[str, frozenset[str]] = {
    "Phala": _BOTH | PHAT_PALLETS,
    "Khala": _BOTH,
}
"""Each production filter's allow-list, as pallet names, restricted to the pallets
this specification models."""

BLOCKED_EVERYWHERE = frozenset({"PhragmenElection"})
"""The modelled pallets no production list admits: elections are disabled [ELE-3]."""

CALL_FILTERS = (*ALLOW_LISTS, EVERYTHING)
"""The values the ``call_filter`` parameter takes [GEN-5]."""


def admits(call_filter: str, call_name: str) -> bool:
    """Whether the filter ``call_filter`` admits the call ``Pallet.name`` [CHAIN-15]."""
    if call_filter == EVERYTHING:
        return True
    return call_name.split(".", 1)[0] in ALLOW_LISTS[call_filter]


def ensure_admitted(call_filter: str, origin: Origin, call_name: str) -> None:
    """Refuse a call the filter does not admit, unless its origin is root [CHAIN-15].

    ``System.CallFiltered`` comes before every check of the call itself, its
    origin check included.
    """
    if not isinstance(origin, Root) and not admits(call_filter, call_name):
        raise DispatchError(CALL_FILTERED)
