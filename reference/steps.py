"""Steps as plain data: the unit of a conformance vector [STEP-1]..[STEP-4].

A step is a map with a ``kind``:

* ``initialize_block`` with ``number``, ``timestamp`` (ms) and ``randomness``
  (32 bytes) [STEP-2];
* ``call`` with ``origin`` (a map with ``kind``: ``signed`` + ``who``,
  ``root``, ``none``, ``pallet`` + ``pallet``, ``collective`` +
  ``collective``/``yes``/``total``, ``collective_member`` + ``collective``/``who``), ``call`` (``Pallet.name``) and ``args`` (a
  map) [STEP-3];
* ``finalize_block`` [STEP-4];
* ``network_block`` with ``number``, ``timestamp``, ``randomness``,
  ``extrinsics`` (a list of ``{origin, call, args}``) and optionally
  ``withheld`` (runtime names whose relayers submit nothing): one block of
  the whole network, for states that have runtimes [STEP-5] [NET-4];
* ``network_blocks`` with ``count`` and ``interval`` (ms): that many empty
  network blocks, summarised by a digest [STEP-7] [NET-17];
* ``verify_dcap`` with ``quote``, ``collateral`` (SCALE bytes or null) and
  ``now`` (unix seconds): the chain's DCAP verification alone, state
  unchanged [STEP-8] [ATT-35];
* ``primitive`` with ``name`` and ``args`` (a map): one primitive of the
  catalogue (integers, fixed point, per-things, hashes, encodings, sr25519
  and the rest of the crypto profile) on its own, state unchanged [STEP-9]
  [PRIM-1].

A chain state advances by the first three kinds, a network state
(:class:`~phala_spec.network.NetworkState`) by the two network kinds only;
``verify_dcap`` and ``primitive`` apply to either and change neither.
:func:`apply_step` is the whole reference as the conformance runner sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import attrs

from .chain.state import (
    BlockContext,
    CollectiveMember,
    CollectiveOrigin,
    Events,
    Origin,
    PalletOrigin,
    Root,
    Signed,
    Unsigned,
)
from .network import Extrinsic, NetworkState, State, chain_of, network_blocks, network_step
from .primitives.catalogue import apply_primitive
from .primitives.codec import PlainData, to_data
from .primitives.errors import DispatchError, InvalidInput
from .primitives.types import ACCOUNT_ID, MAPPING
from .runtime.block import apply_call, finalize_block, initialize_block
from .tee.dcap import decode_collateral, verify_dcap
from .tee.dcap_test_root import dcap_trust_roots

CHAIN_STEP_KINDS = ("initialize_block", "call", "finalize_block")
NETWORK_STEP_KINDS = ("network_block", "network_blocks")
STATELESS_STEP_KINDS = ("verify_dcap", "primitive")
"""The steps that apply to a chain or a network and change neither [STEP-6]."""
STEP_KINDS = (*CHAIN_STEP_KINDS, *NETWORK_STEP_KINDS, *STATELESS_STEP_KINDS)


@attrs.frozen
class StepResult:
    """The outcome of one step: new state, ``ok`` or an error code, events, and a returned value."""

    state: State
    outcome: str
    events: Events
    returned: PlainData = None

    def report(self) -> dict[str, PlainData]:
        """The plain-data part of the result that vectors record and adapters return."""
        return {
            "outcome": self.outcome,
            "events": [to_data(e) for e in self.events],
            "returned": self.returned,
        }


def decode_origin(data: Any) -> Origin:
    """An origin from plain data [STEP-3]."""
    if not isinstance(data, MAPPING) or "kind" not in data:
        raise InvalidInput("an origin is a map with a 'kind'")
    kind = data["kind"]
    fields = dict(data)
    del fields["kind"]
    if kind == "signed" and fields.keys() == {"who"}:
        return Signed(ACCOUNT_ID.decode(fields["who"], "a signed origin's account"))
    elif kind == "root" and not fields:
        return Root()
    elif kind == "none" and not fields:
        return Unsigned()
    elif kind == "pallet" and set(fields) == {"pallet"} and isinstance(fields["pallet"], str):
        return PalletOrigin(fields["pallet"])
    elif kind == "collective" and set(fields) == {"collective", "yes", "total"}:
        yes, total = fields["yes"], fields["total"]
        if isinstance(fields["collective"], str) and _nat(yes) and _nat(total) and yes <= total:
            return CollectiveOrigin(fields["collective"], yes, total)
    elif kind == "collective_member" and set(fields) == {"collective", "who"}:
        who = ACCOUNT_ID.decode(fields["who"], "a collective member's account")
        if isinstance(fields["collective"], str):
            return CollectiveMember(fields["collective"], who)
    raise InvalidInput(f"malformed origin {data!r}")


def _nat(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def apply_step(state: State, step: Any) -> StepResult:
    """Apply one plain-data step to a chain or network state [STEP-1]..[STEP-6].

    A chain takes ``initialize_block``, ``call`` and ``finalize_block``
    ([STEP-2]..[STEP-4]); a network only ``network_block`` [STEP-5] [STEP-6].
    """
    if not isinstance(step, MAPPING) or step.get("kind") not in STEP_KINDS:
        raise InvalidInput(f"a step is a map whose kind is one of {STEP_KINDS}")
    kind = step["kind"]
    if kind == "verify_dcap":
        return _verify_dcap(state, step)
    if kind == "primitive":
        return _primitive(state, step)
    if isinstance(state, NetworkState):
        if kind not in NETWORK_STEP_KINDS:
            raise InvalidInput(
                "a network advances by network_block(s) steps only: every runtime must see every block"
            )
        if kind == "network_blocks":
            return _network_blocks(state, step)
        return _network_block(state, step)
    if kind in NETWORK_STEP_KINDS:
        raise InvalidInput(f"a {kind} step needs a network: a genesis with runtimes")
    if kind == "initialize_block":
        _require_fields(step, {"kind", "number", "timestamp", "randomness"})
        chain, events = initialize_block(state, decode_block_context(step))
        return StepResult(chain, "ok", events)
    if kind == "finalize_block":
        _require_fields(step, {"kind"})
        state, events = finalize_block(state)
        return StepResult(state, "ok", events)
    _require_fields(step, CALL_FIELDS)
    result = apply_call(state, decode_origin(step["origin"]), step["call"], step["args"])
    return StepResult(result.state, result.outcome, result.events, to_data(result.returned))


CALL_FIELDS = frozenset({"kind", "origin", "call", "args"})
"""The fields of a ``call`` step [STEP-3]."""


def _require_fields(
    step: Mapping[str, Any], fields: AbstractSet[str], optional: AbstractSet[str] = frozenset()
) -> None:
    if not fields <= set(step) <= (fields | optional if optional else fields):
        extra = f" (and optionally {sorted(optional)})" if optional else ""
        raise InvalidInput(f"a {step['kind']} step has exactly the fields {sorted(fields)}{extra}")


def decode_block_context(step: Mapping[str, Any]) -> BlockContext:
    """The block context of an ``initialize_block`` or ``network_block`` step [STEP-2] [STEP-5]."""
    return BlockContext(step["number"], step["timestamp"], step["randomness"])


def decode_extrinsic(data: Any) -> Extrinsic:
    """An extrinsic of a ``network_block`` step: ``{origin, call, args}`` [STEP-5]."""
    if not isinstance(data, MAPPING) or set(data) != {"origin", "call", "args"}:
        raise InvalidInput("an extrinsic is a map {origin, call, args}")
    return decode_origin(data["origin"]), data["call"], data["args"]


def _network_block(net: NetworkState, step: Mapping[str, Any]) -> StepResult:
    """One block of the network [STEP-5] [NET-4]: outcome ``ok``, the block's events, its report."""
    _require_fields(step, {"kind", "number", "timestamp", "randomness", "extrinsics"}, {"withheld"})
    ctx = decode_block_context(step)
    extrinsics = step["extrinsics"]
    if not isinstance(extrinsics, list | tuple):
        raise InvalidInput("a network_block's extrinsics are a list")
    withheld = step.get("withheld", [])
    if not isinstance(withheld, list | tuple) or not all(isinstance(n, str) for n in withheld):
        raise InvalidInput("a network_block's withheld runtimes are a list of names")
    new_net, report = network_step(net, ctx, [decode_extrinsic(e) for e in extrinsics], withheld)
    return StepResult(new_net, "ok", report.events, to_data(report))


def _network_blocks(net: NetworkState, step: Mapping[str, Any]) -> StepResult:
    """A run of empty network blocks [STEP-7] [NET-17]: outcome ``ok``, no events, the run's summary."""
    _require_fields(step, {"kind", "count", "interval"})
    count, interval = step["count"], step["interval"]
    if not (_nat(count) and _nat(interval)):
        raise InvalidInput("network_blocks takes integers count and interval")
    new_net, summary = network_blocks(net, count, interval)
    return StepResult(new_net, "ok", (), summary)


def _verify_dcap(state: State, step: Mapping[str, Any]) -> StepResult:
    """DCAP verification on its own [STEP-8] [ATT-35]: the chain's verdict, the state unchanged.

    The outcome is ``ok`` with the attestation report [ATT-33] as the returned
    value, or the verifier's error code [ATT-20] with ``null``; no events. The chains may
    end at the test root when the state's configuration trusts it [ATT-39].
    """
    _require_fields(step, {"kind", "quote", "collateral", "now"})
    quote, collateral, now = step["quote"], step["collateral"], step["now"]
    if not (isinstance(quote, bytes) and (collateral is None or isinstance(collateral, bytes))):
        raise InvalidInput("verify_dcap takes bytes quote and bytes-or-null collateral")
    if not (_nat(now) and now < 1 << 64):
        raise InvalidInput("verify_dcap takes a u64 now (unix seconds)")
    try:
        decoded = None if collateral is None else decode_collateral(collateral)
        roots = dcap_trust_roots(chain_of(state).config.dcap_test_root)
        report = verify_dcap(quote, decoded, now, trust_roots=roots)
    except DispatchError as exc:
        return StepResult(state, exc.code, ())
    return StepResult(state, "ok", (), to_data(report))


def _primitive(state: State, step: Mapping[str, Any]) -> StepResult:
    """One primitive on its own [STEP-9] [PRIM-1]: its outcome and result, no events, the state unchanged."""
    _require_fields(step, {"kind", "name", "args"})
    outcome, returned = apply_primitive(step["name"], step["args"])
    return StepResult(state, outcome, (), returned)
