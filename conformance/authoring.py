"""Authoring conformance cases [VEC-12]..[VEC-15].

A case is a Python function decorated with :func:`case`. It receives a
:class:`CaseBuilder` that runs the reference as the case is written, so the
author can read ``b.state`` and ``b.config`` to make decisions, and
``b.expect_outcome`` checks the reference at generation time (a fill-time
check, as leanSpec does). The builder records a :class:`CaseSpec`: the genesis,
plain-data steps and the observations to make after each step.
:func:`build_vector` turns any ``CaseSpec`` (authored, or a Hypothesis-shrunk
trace) into a vector by replaying it on the reference, and
:func:`write_vector` stores it at ``<preset>/<suite>/<handler>/<case>.cbor``.

Example::

    @case(suite="balances", handler="transfer_keep_alive", presets=("minimal",),
          clauses=("BAL-11",), block=1)
    def keep_alive_below_ed(b: CaseBuilder) -> None:
        \"\"\"Docstring becomes the vector description.\"\"\"
        alice, bob = b.account("alice"), b.account("bob")
        b.genesis(config={"existential_deposit": 10}, balances=[(alice, 1000)])
        b.call("Balances.transfer_keep_alive", {"dest": bob, "value": 995},
               origin=signed(alice), observe=[("balance", alice)])

A case declares the block it starts in (``block=1``): the builder opens that
block as soon as the genesis is fixed (at ``genesis()``, or when the case
first reads the state or records a step) and, when the case returns, closes the
block then open, so the steps are ``initialize_block``, the case's own, and
``finalize_block``. In between, a case of several blocks moves on with
:meth:`CaseBuilder.next_block`; one that declares no block opens and closes
its blocks itself.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from phala_spec import SPEC_VERSION
from phala_spec.chain.state import ChainConfig, ChainState, Events
from phala_spec.network import NetworkState, State, chain_of, commitments, genesis_state
from phala_spec.network import observe as observe_view
from phala_spec.primitives.codec import PlainData, blake2b_256, encode, to_data
from phala_spec.primitives.errors import InvalidInput
from phala_spec.runtime.genesis import PRESETS, dev_account
from phala_spec.steps import apply_step

FORMAT = "phala-spec/vector/4"
REFUSED = "invalid"
"""The outcome of a step, of an observation and the ``genesis_outcome``, of input to be refused [VEC-28]."""
GENERATOR = "phala-spec"
# Bumped whenever the generator's output changes for the same spec [VEC-9].
GENERATOR_VERSION = "3"
ORIGINS = ("authored", "hypothesis", "z3", "mutant")
CRYPTO_SETTINGS = ("none", "real", "oracle")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
SUITES_PACKAGE = "phala_spec.conformance.suites"


class AuthoringError(Exception):
    """A case cannot be turned into a vector: bad input, or the reference disagrees with a check."""


# --- Origins as plain data [STEP-3] -------------------------------------------


def account_id(who: bytes | str) -> bytes:
    """A 32-byte account id, or the id of a named test account [CRYPTO-2]."""
    if isinstance(who, str):
        return dev_account(who)
    if isinstance(who, bytes) and len(who) == 32:
        return who
    raise AuthoringError(f"an account is 32 bytes or a name, not {who!r}")


def signed(who: bytes | str) -> dict[str, Any]:
    """A signed origin; ``who`` is a 32-byte account id or a test account name."""
    return {"kind": "signed", "who": account_id(who)}


def root() -> dict[str, Any]:
    """The root origin."""
    return {"kind": "root"}


def none_origin() -> dict[str, Any]:
    """The ``None`` origin (unsigned transactions, inherents)."""
    return {"kind": "none"}


def pallet(name: str) -> dict[str, Any]:
    """A pallet acting on its own behalf (the only origin of trait operations)."""
    return {"kind": "pallet", "pallet": name}


def collective(name: str, yes: int, total: int) -> dict[str, Any]:
    """``Members(yes, total)`` of a collective."""
    return {"kind": "collective", "collective": name, "yes": yes, "total": total}


def collective_member(name: str, who: bytes | str) -> dict[str, Any]:
    """``Member(who)`` of a collective, as ``execute`` dispatches [COL-9]."""
    return {"kind": "collective_member", "collective": name, "who": account_id(who)}


# --- Records -------------------------------------------------------------------


@attrs.frozen
class Provenance:
    """Where a case comes from [VEC-9]: origin authored/hypothesis/z3/mutant, seed, source."""

    origin: str = "authored"
    seed: int | None = None
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if self.origin not in ORIGINS:
            raise AuthoringError(f"origin must be one of {ORIGINS}, not {self.origin!r}")


@attrs.frozen
class RefusedQuery:
    """An observation the reference refuses: a view or arguments that are not valid input [VEC-28].

    ``view`` and ``args`` are any plain data (a view name that is not text,
    arguments that are not a list).
    """

    view: Any
    args: Any


@attrs.frozen
class StepSpec:
    """One plain-data step and the observations to make after it."""

    step: Any  # a map, except for a refused step, which may be any plain data
    observations: tuple[tuple[str, tuple[Any, ...]] | RefusedQuery, ...] = ()
    refused: bool = False  # the step is invalid input and must be refused [VEC-28]


@attrs.frozen
class CaseSpec:
    """Everything needed to build a vector, independent of how it was found.

    ``checks`` are fill-time checks ``(step index, expected outcome)``; they
    are verified by :func:`build_vector` and not written to the vector.
    """

    preset: str
    suite: str
    handler: str
    case: str
    description: str
    genesis: Mapping[str, Any]
    steps: tuple[StepSpec, ...]
    clauses: tuple[str, ...] = ()
    provenance: Provenance = Provenance()
    crypto: str = "none"
    checks: tuple[tuple[int, str], ...] = ()
    genesis_refused: bool = False  # the genesis is invalid input and must be refused [VEC-28]

    @property
    def id(self) -> str:
        return f"{self.preset}/{self.suite}/{self.handler}/{self.case}"


# --- The builder -----------------------------------------------------------------


Observation = Sequence[Any]  # (view, *args)


class CaseBuilder:
    """Records a case while running it on the reference; see the module docstring."""

    def __init__(self, preset: str, block: int | None = None) -> None:
        if preset not in PRESETS:
            raise AuthoringError(f"unknown preset {preset!r}")
        self.preset = preset
        # The block the whole case runs in, opened once the genesis is fixed.
        self._block = block
        self._block_opened = False
        self._overrides: dict[str, Any] = {}
        self._genesis_refused = False
        self._state: State = genesis_state(preset)
        self._steps: list[StepSpec] = []
        self._outcomes: list[str] = []
        self._checks: list[tuple[int, str]] = []
        self._returned: PlainData = None
        self._events: Events = ()

    # read-only views for authoring decisions
    @property
    def state(self) -> State:
        """The reference state after the last recorded step: a chain, or a network [NET-1]."""
        self._open_case_block()
        return self._state

    @property
    def chain(self) -> ChainState:
        """The chain state after the last recorded step (a network's chain) [NET-1]."""
        return chain_of(self.state)

    @property
    def network(self) -> NetworkState:
        """The network state after the last recorded step; only for a genesis with runtimes."""
        self._open_case_block()
        if not isinstance(self._state, NetworkState):
            raise AuthoringError("this case has no runtimes: declare them in genesis(runtimes=...)")
        return self._state

    @property
    def config(self) -> ChainConfig:
        """The runtime parameters of this case's genesis."""
        return chain_of(self._state).config

    @property
    def last_events(self) -> Events:
        """The events of the last recorded step."""
        return self._events

    @property
    def outcome(self) -> str | None:
        """The outcome of the last recorded step, if any."""
        return self._outcomes[-1] if self._outcomes else None

    def account(self, name: str) -> bytes:
        """The 32-byte id of a named test account: alice, ..., ferdie, foundation, or any fresh name."""
        return account_id(name)

    def genesis(
        self,
        config: Mapping[str, Any] | None = None,
        balances: Iterable[tuple[bytes | str, int]] | None = None,
        registry: Mapping[str, Any] | None = None,
        runtimes: Iterable[Mapping[str, Any]] | None = None,
        crypto: str | None = None,
        **pallets: Mapping[str, Any] | None,
    ) -> None:
        """Replace the preset's genesis with overrides; only before the first step.

        ``runtimes`` declares off-chain runtimes ([NET-2]: ``{name, seed | key,
        role, relayer?, iterations_per_block?}``); the case is then a network
        case, which advances by :meth:`network_block` only. ``crypto`` is the
        network's crypto setting (``real`` or ``oracle``, [NET-3]); it must be
        the case's. Any other keyword is a pallet's genesis override
        (``computation={...}``, ``governance={...}``, [GEN-3]); ``None`` leaves it out.
        """
        if self._steps:
            raise AuthoringError("genesis() must come before the first step")
        overrides: dict[str, Any] = {}
        if config is not None:
            overrides["config"] = dict(config)
        if balances is not None:
            overrides["balances"] = [[account_id(who), amount] for who, amount in balances]
        if registry is not None:
            overrides["registry"] = dict(registry)
        if runtimes is not None:
            overrides["runtimes"] = [dict(r) for r in runtimes]
        if crypto is not None:
            overrides["crypto"] = crypto
        overrides.update(
            {name: dict(value) for name, value in pallets.items() if value is not None}
        )
        try:
            self._state = genesis_state(self.preset, overrides)
        except InvalidInput as exc:
            raise AuthoringError(f"bad genesis: {exc}") from exc
        self._overrides = overrides
        self._open_case_block()

    def refuse_genesis(self, overrides: Mapping[str, Any]) -> None:
        """Record a genesis the reference refuses as invalid input; the case then ends [VEC-28].

        ``overrides`` is written as given (account names are not resolved), so a
        case can state any malformed shape.
        """
        if self._steps or self._overrides or self._block is not None:
            raise AuthoringError("refuse_genesis() is a case of its own: no genesis, block or step")
        try:
            genesis_state(self.preset, to_data(dict(overrides)))
        except InvalidInput:
            self._overrides = dict(overrides)
            self._genesis_refused = True
            return
        raise AuthoringError("refuse_genesis(): the reference accepts this genesis")

    def _open_case_block(self) -> None:
        """Open the block the case declared, once the case has fixed its genesis: at genesis(),
        or when it first reads the state or records a step."""
        if self._block is not None and not self._block_opened:
            self._block_opened = True
            self.initialize_block(number=self._block)

    def close_case_block(self) -> None:
        """For a case that declared its block: close the block the case left open, if any."""
        if self._block is not None and self.chain.system.in_block:
            self.finalize_block()

    def refuse(self, step: Any) -> None:
        """Record a step the reference refuses as invalid input; the state stays as it was [VEC-28].

        A refused step is never the last one: the next step checks that nothing changed.
        """
        self._refusal_allowed()
        try:
            apply_step(self._state, to_data(step))
        except InvalidInput:
            self._steps.append(StepSpec(step, refused=True))
            self._outcomes.append(REFUSED)
            self._returned, self._events = None, ()
            return
        raise AuthoringError(f"refuse(): the reference applies step {len(self._steps)}")

    def _refusal_allowed(self) -> None:
        self._open_case_block()
        if self._genesis_refused:
            raise AuthoringError("a case whose genesis is refused has no steps")

    def step(self, step: Mapping[str, Any], observe: Iterable[Observation] = ()) -> str:
        """Record any plain-data step; returns its outcome."""
        self._refusal_allowed()
        requests = tuple(_observation(o) for o in observe)
        try:
            result = apply_step(self._state, step)
            for view, args in requests:
                observe_view(result.state, view, list(args))
        except InvalidInput as exc:
            raise AuthoringError(f"step {len(self._steps)} is not valid input: {exc}") from exc
        self._state = result.state
        self._steps.append(StepSpec(dict(step), requests))
        self._outcomes.append(result.outcome)
        self._returned = result.returned
        self._events = result.events
        return result.outcome

    def initialize_block(
        self,
        number: int | None = None,
        timestamp: int | None = None,
        randomness: bytes | None = None,
        observe: Iterable[Observation] = (),
    ) -> str:
        """Open a block; defaults: next number, previous time + block time, BLAKE2b of the number."""
        current = self.chain.system.block
        if number is None:
            number = current.number + 1
        if timestamp is None:
            timestamp = current.timestamp + self.config.block_time_ms
        if randomness is None:
            randomness = default_randomness(number)
        step = {
            "kind": "initialize_block",
            "number": number,
            "timestamp": timestamp,
            "randomness": randomness,
        }
        return self.step(step, observe)

    def call(
        self,
        call: str,
        args: Mapping[str, Any] | None = None,
        origin: Mapping[str, Any] | None = None,
        observe: Iterable[Observation] = (),
    ) -> str:
        """Apply a call (``Pallet.name``) with named arguments; default origin: root."""
        step = {
            "kind": "call",
            "origin": dict(origin) if origin is not None else root(),
            "call": call,
            "args": dict(args or {}),
        }
        return self.step(step, observe)

    def finalize_block(self, observe: Iterable[Observation] = ()) -> str:
        """Close the open block."""
        return self.step({"kind": "finalize_block"}, observe)

    def next_block(self, **init: Any) -> None:
        """Finalize the open block and initialize the next one (``init``: :meth:`initialize_block`'s arguments)."""
        self.finalize_block()
        self.initialize_block(**init)

    def block(
        self,
        calls: Iterable[Sequence[Any]] = (),
        observe: Iterable[Observation] = (),
        **init: Any,
    ) -> list[str]:
        """A whole block: initialize (``init`` kwargs), each ``(call, args, origin[, observe])``, finalize.

        ``observe`` is made after finalization. Returns the calls' outcomes.
        """
        self.initialize_block(**init)
        outcomes = []
        for entry in calls:
            name, args, origin, *rest = entry
            outcomes.append(self.call(name, args, origin, observe=rest[0] if rest else ()))
        self.finalize_block(observe=observe)
        return outcomes

    def network_block(
        self,
        extrinsics: Iterable[Sequence[Any]] = (),
        *,
        withheld: Iterable[str] = (),
        number: int | None = None,
        timestamp: int | None = None,
        randomness: bytes | None = None,
        observe: Iterable[Observation] = (),
    ) -> dict[str, Any]:
        """One block of the network [STEP-5]: each extrinsic is ``(call, args, origin)``.

        The block context defaults as for :meth:`initialize_block`; ``withheld``
        names runtimes whose relayers submit nothing. Returns the block's
        report ([NET-10]: ``extrinsics`` with their outcomes, ``egress``,
        ``halted``).
        """
        current = self.chain.system.block
        number = current.number + 1 if number is None else number
        if timestamp is None:
            timestamp = current.timestamp + self.config.block_time_ms
        step: dict[str, Any] = {
            "kind": "network_block",
            "number": number,
            "timestamp": timestamp,
            "randomness": default_randomness(number) if randomness is None else randomness,
            "extrinsics": [
                {
                    "origin": dict(origin) if origin is not None else root(),
                    "call": call,
                    "args": dict(args or {}),
                }
                for call, args, origin in extrinsics
            ],
        }
        withheld = list(withheld)
        if withheld:
            step["withheld"] = withheld
        self.step(step, observe)
        report: dict[str, Any] = self._returned
        return report

    def network_blocks(
        self, count: int, *, interval: int | None = None, observe: Iterable[Observation] = ()
    ) -> dict[str, Any]:
        """``count`` empty network blocks, ``interval`` ms apart (default: the preset's block time) [STEP-7].

        Returns the run's summary ([NET-17]: ``blocks``, ``last``, ``digest``).
        """
        step = {
            "kind": "network_blocks",
            "count": count,
            "interval": self.config.block_time_ms if interval is None else interval,
        }
        self.step(step, observe)
        summary: dict[str, Any] = self._returned
        return summary

    def verify_dcap(self, quote: bytes, collateral: bytes | None, now: int) -> str:
        """The chain's DCAP verification of ``quote`` and SCALE ``collateral`` at ``now`` (unix
        seconds), state unchanged [STEP-8] [ATT-35]; returns the outcome."""
        return self.step(
            {"kind": "verify_dcap", "quote": quote, "collateral": collateral, "now": now}
        )

    def primitive(self, name: str, args: Mapping[str, Any]) -> PlainData:
        """One primitive of the catalogue on ``args``, state unchanged [STEP-9] [PRIM-1];
        returns its result (``None`` when the outcome is an error code)."""
        self.step({"kind": "primitive", "name": name, "args": dict(args)})
        return self._returned

    def observe(self, view: str, *args: Any) -> None:
        """Add an observation to the last recorded step."""
        if not self._steps:
            raise AuthoringError("observe() needs a step first")
        request = _observation((view, *args))
        try:
            observe_view(self._state, view, list(args))
        except InvalidInput as exc:
            raise AuthoringError(f"bad observation {view}: {exc}") from exc
        self._add_observation(request)

    def refuse_observation(self, view: Any, args: Any) -> None:
        """Add to the last recorded step an observation the reference refuses [VEC-28].

        ``view`` and ``args`` are taken as they are (``args`` need not be a list):
        the adapter is asked exactly this query and must answer it with an error.
        """
        if not self._steps or self._steps[-1].refused:
            raise AuthoringError("refuse_observation() needs an applied step first")
        query = RefusedQuery(to_data(view), to_data(args))
        try:
            observe_view(self._state, query.view, query.args)
        except InvalidInput:
            self._add_observation(query)
            return
        raise AuthoringError(f"refuse_observation(): the reference answers {view!r} {args!r}")

    def _add_observation(self, request: tuple[str, tuple[Any, ...]] | RefusedQuery) -> None:
        last = self._steps[-1]
        self._steps[-1] = attrs.evolve(last, observations=(*last.observations, request))

    def expect_outcome(self, outcome: str) -> None:
        """Fill-time check: the last step's outcome must be ``outcome`` (``ok`` or an error code)."""
        if not self._steps:
            raise AuthoringError("expect_outcome() needs a step first")
        index = len(self._steps) - 1
        if self._outcomes[index] != outcome:
            raise AuthoringError(
                f"step {index}: expected outcome {outcome!r}, the reference gives "
                f"{self._outcomes[index]!r}"
            )
        self._checks.append((index, outcome))

    def to_spec(
        self,
        *,
        suite: str,
        handler: str,
        case: str,
        description: str = "",
        clauses: Sequence[str] = (),
        provenance: Provenance = Provenance(),
        crypto: str = "none",
    ) -> CaseSpec:
        """The recorded case as a :class:`CaseSpec`."""
        return CaseSpec(
            preset=self.preset,
            suite=suite,
            handler=handler,
            case=case,
            description=description,
            genesis=self._overrides,
            steps=tuple(self._steps),
            clauses=tuple(clauses),
            provenance=provenance,
            crypto=crypto,
            checks=tuple(self._checks),
            genesis_refused=self._genesis_refused,
        )


def default_randomness(number: int) -> bytes:
    """The default block randomness: BLAKE2b-256 of the number as 8 little-endian bytes."""
    return blake2b_256(number.to_bytes(8, "little"))


def _observation(request: Observation) -> tuple[str, tuple[Any, ...]]:
    if isinstance(request, str):
        return request, ()
    if not request or not isinstance(request[0], str):
        raise AuthoringError(f"an observation is (view, *args), got {request!r}")
    return request[0], tuple(request[1:])


# --- Registry --------------------------------------------------------------------


@attrs.frozen
class CaseDef:
    """A registered case function and its metadata."""

    suite: str
    handler: str
    name: str
    presets: tuple[str, ...]
    clauses: tuple[str, ...]
    description: str
    source: str
    func: Callable[[CaseBuilder], None]
    crypto: str = "none"
    block: int | None = None
    location: str = ""

    def build(self, preset: str) -> CaseSpec:
        """Run the case function for one preset."""
        if preset not in self.presets:
            raise AuthoringError(f"{self.name} is not defined for preset {preset!r}")
        builder = CaseBuilder(preset, block=self.block)
        try:
            self.func(builder)
            builder.close_case_block()
        except AuthoringError as exc:
            raise AuthoringError(
                f"{preset}/{self.suite}/{self.handler}/{self.name}: {exc}"
            ) from exc
        return builder.to_spec(
            suite=self.suite,
            handler=self.handler,
            case=self.name,
            description=self.description,
            clauses=self.clauses,
            provenance=Provenance("authored", None, self.source),
            crypto=self.crypto,
        )

    def ids(self) -> list[str]:
        return [f"{p}/{self.suite}/{self.handler}/{self.name}" for p in self.presets]


class Registry:
    """Registered cases, keyed by ``suite/handler/case``."""

    def __init__(self) -> None:
        self.cases: dict[str, CaseDef] = {}

    def add(self, definition: CaseDef) -> None:
        key = f"{definition.suite}/{definition.handler}/{definition.name}"
        if key in self.cases and self.cases[key].location != definition.location:
            raise AuthoringError(f"case {key} is defined twice")
        self.cases[key] = definition

    def specs(self, pattern: str | None = None) -> list[CaseSpec]:
        """Build every case for every preset whose id matches ``pattern`` (sorted by id)."""
        wanted = [
            (vector_id, definition, vector_id.split("/")[0])
            for definition in self.cases.values()
            for vector_id in definition.ids()
            if matches(vector_id, pattern)
        ]
        return [
            definition.build(preset) for _, definition, preset in sorted(wanted, key=lambda w: w[0])
        ]


REGISTRY = Registry()


def case(
    *,
    suite: str,
    handler: str,
    presets: Sequence[str] = ("minimal",),
    clauses: Sequence[str] = (),
    registry: Registry | None = None,
    crypto: str = "none",
    block: int | None = None,
) -> Callable[[Callable[[CaseBuilder], None]], Callable[[CaseBuilder], None]]:
    """Register a case function; its name is the case name, its docstring the description.

    ``crypto`` is the vector's crypto setting [VEC-7]: ``none`` (no signed
    input), ``real`` or ``oracle``. ``block`` is the number of the block the
    case starts in: the builder opens it after the genesis and closes the
    block then open when the case returns (see the module docstring).
    """

    def register(func: Callable[[CaseBuilder], None]) -> Callable[[CaseBuilder], None]:
        for label, value in (("suite", suite), ("handler", handler), ("case", func.__name__)):
            if not NAME_PATTERN.match(value):
                raise AuthoringError(f"{label} name {value!r} must match {NAME_PATTERN.pattern}")
        unknown = [p for p in presets if p not in PRESETS]
        if unknown or not presets:
            raise AuthoringError(f"{func.__name__}: unknown or no presets {unknown}")
        if crypto not in CRYPTO_SETTINGS:
            raise AuthoringError(f"{func.__name__}: crypto must be one of {CRYPTO_SETTINGS}")
        definition = CaseDef(
            suite=suite,
            handler=handler,
            name=func.__name__,
            presets=tuple(presets),
            clauses=tuple(clauses),
            description=inspect.cleandoc(func.__doc__ or ""),
            source=case_source(func),
            func=func,
            crypto=crypto,
            block=block,
            location=f"{func.__module__}:{func.__qualname__}",
        )
        (registry if registry is not None else REGISTRY).add(definition)
        return func

    return register


def case_source(func: Callable[..., Any]) -> str:
    """A case's ``source`` [VEC-9]: ``module:function``, where the module of a suite that is a
    package of modules (``suites/balances/transfers.py``) is the suite's (``suites.balances``)."""
    module = func.__module__
    prefix = f"{SUITES_PACKAGE}."
    if module.startswith(prefix):
        module = prefix + module.removeprefix(prefix).split(".")[0]
    return f"{module}:{func.__qualname__}"


Story = Callable[[CaseBuilder, Any], None]
"""A story registered once per crypto setting: it also takes a value for the setting."""


def case_per_crypto(
    *,
    suite: str,
    handler: str,
    settings: Sequence[str] = ("real", "oracle"),
    argument: Callable[[str], Any] | None = None,
    presets: Sequence[str] = ("minimal",),
    clauses: Sequence[str] = (),
    block: int | None = None,
) -> Callable[[Story], Story]:
    """Register a story once per crypto setting, as the case ``<name>_<setting>`` [VEC-7].

    The story receives ``argument(setting)`` (by default the setting itself;
    or, say, a signer for it) besides the builder.
    """

    def register(story: Story) -> Story:
        for setting in settings:
            value = setting if argument is None else argument(setting)

            def run(b: CaseBuilder, story: Any = story, value: Any = value) -> None:
                story(b, value)

            run.__name__ = run.__qualname__ = f"{story.__name__}_{setting}"
            run.__doc__ = story.__doc__
            run.__module__ = story.__module__
            case(
                suite=suite,
                handler=handler,
                presets=presets,
                clauses=clauses,
                crypto=setting,
                block=block,
            )(run)
        return story

    return register


def load_suites() -> Registry:
    """Import every module of ``phala_spec.conformance.suites`` and of its packages; returns the
    default registry."""
    package = importlib.import_module(SUITES_PACKAGE)
    for info in pkgutil.walk_packages(package.__path__, f"{SUITES_PACKAGE}."):
        importlib.import_module(info.name)
    return REGISTRY


def matches(vector_id: str, pattern: str | None) -> bool:
    """``-k`` selection: every whitespace-separated word must occur in the id (``not w`` excludes)."""
    if not pattern:
        return True
    words = pattern.split()
    negate = False
    for word in words:
        if word == "not":
            negate = True
            continue
        if (word in vector_id) == negate:
            return False
        negate = False
    return True


# --- Vectors ---------------------------------------------------------------------


def build_vector(spec: CaseSpec) -> dict[str, PlainData]:
    """Replay a case on the reference and record everything a runner checks [VEC-2]..[VEC-6]."""
    for label, value in (("suite", spec.suite), ("handler", spec.handler), ("case", spec.case)):
        if not NAME_PATTERN.match(value):
            raise AuthoringError(f"{label} name {value!r} must match {NAME_PATTERN.pattern}")
    if spec.crypto not in CRYPTO_SETTINGS:
        raise AuthoringError(f"crypto must be one of {CRYPTO_SETTINGS}")
    overrides = to_data(dict(spec.genesis))
    if "runtimes" in overrides and overrides.get("crypto", "real") != spec.crypto:
        raise AuthoringError(
            f"{spec.id}: a network's crypto setting [NET-3] must be the vector's ({spec.crypto!r})"
        )
    if spec.genesis_refused:
        try:
            genesis_state(spec.preset, overrides)
        except InvalidInput:
            return _vector(spec, overrides, REFUSED, {}, set(), [])
        raise AuthoringError(f"{spec.id}: the genesis should be refused, the reference loads it")
    try:
        state = genesis_state(spec.preset, overrides)
    except InvalidInput as exc:
        raise AuthoringError(f"{spec.id}: bad genesis: {exc}") from exc
    genesis_digests = commitments(state)
    previous = genesis_digests
    touched: set[str] = set()  # the subsystems some step changes [VEC-5]
    checks = dict(spec.checks)
    steps = []
    for index, step_spec in enumerate(spec.steps):
        if step_spec.refused:
            steps.append(_refusal(spec, index, state, to_data(step_spec.step), previous))
            continue
        step = to_data(dict(step_spec.step))
        try:
            result = apply_step(state, step)
            observations = [_observe(result.state, request) for request in step_spec.observations]
        except InvalidInput as exc:
            raise AuthoringError(f"{spec.id}: step {index} is not valid input: {exc}") from exc
        if index in checks and checks[index] != result.outcome:
            raise AuthoringError(
                f"{spec.id}: step {index}: expected outcome {checks[index]!r}, "
                f"the reference gives {result.outcome!r}"
            )
        state = result.state
        after = commitments(state)
        touched |= {name for name in after if previous.get(name) != after[name]}
        previous = after
        steps.append(
            {
                "step": step,
                "expect": {
                    **result.report(),
                    "observations": observations,
                    "digests": after,
                },
            }
        )
    if steps and steps[-1]["expect"]["outcome"] == REFUSED:
        raise AuthoringError(f"{spec.id}: a vector never ends with a refused step [VEC-28]")
    return _vector(spec, overrides, "ok", genesis_digests, touched, steps)


def _observe(
    state: State, request: tuple[str, tuple[Any, ...]] | RefusedQuery
) -> dict[str, PlainData]:
    """An observation's entry: the view's value, or the refusal the reference gives [VEC-28]."""
    if isinstance(request, RefusedQuery):
        try:
            observe_view(state, request.view, request.args)
        except InvalidInput:
            return {"view": request.view, "args": request.args, "outcome": REFUSED}
        raise AuthoringError(f"the observation {request.view!r} should be refused, it is answered")
    view, args = request
    return {
        "view": view,
        "args": to_data(list(args)),
        "value": observe_view(state, view, list(args)),
    }


def _refusal(
    spec: CaseSpec, index: int, state: State, step: PlainData, before: dict[str, bytes]
) -> dict[str, PlainData]:
    """The entry of a step the reference refuses: nothing but the refusal is expected [VEC-28]."""
    try:
        apply_step(state, step)
    except InvalidInput:
        expect: dict[str, PlainData] = {
            "outcome": REFUSED,
            "events": [],
            "returned": None,
            "observations": [],
        }
        return {"step": step, "expect": {**expect, "digests": before}}
    raise AuthoringError(f"{spec.id}: step {index} should be refused, the reference applies it")


def _vector(
    spec: CaseSpec,
    overrides: PlainData,
    genesis_outcome: str,
    genesis_digests: dict[str, bytes],
    touched: set[str],
    steps: list[dict[str, PlainData]],
) -> dict[str, PlainData]:
    """The vector's fields in the order of the schema [VEC-2]."""
    vector = {
        "format": FORMAT,
        "id": spec.id,
        "preset": spec.preset,
        "suite": spec.suite,
        "handler": spec.handler,
        "case": spec.case,
        "description": spec.description,
        "clauses": list(spec.clauses),
        "crypto": spec.crypto,
        "provenance": {
            "generator": GENERATOR,
            "generator_version": GENERATOR_VERSION,
            "spec_version": SPEC_VERSION,
            "origin": spec.provenance.origin,
            "seed": spec.provenance.seed,
            "source": spec.provenance.source,
        },
        "genesis": {"preset": spec.preset, "overrides": overrides},
        "genesis_outcome": genesis_outcome,
        "subsystems": sorted(touched),
        "genesis_digests": genesis_digests,
        "steps": steps,
    }
    encode(vector)  # plain data check
    return vector


def vector_path(vector_id: str) -> Path:
    """The relative path of a vector file: ``<preset>/<suite>/<handler>/<case>.cbor`` [VEC-1]."""
    preset, suite, handler, name = vector_id.split("/")
    return Path(preset, suite, handler, f"{name}.cbor")


def write_vector(vector: Mapping[str, PlainData], out_dir: Path | str) -> Path:
    """Write a vector in deterministic CBOR under ``out_dir``; returns the file path."""
    path = Path(out_dir) / vector_path(vector["id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(dict(vector)))
    return path
