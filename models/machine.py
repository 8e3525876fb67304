"""A base for machines that drive one chain state through plain-data steps [MOD-1] [MOD-3].

It holds what every chain model keeps (its genesis overrides, the state, the
trace of applied steps, the step that raised, if any) and applies a step the
way [MOD-3] requires: recorded in the trace, and a rejected call checked to
change nothing ([CHAIN-9]).
"""

from __future__ import annotations

from typing import Any

from hypothesis.stateful import RuleBasedStateMachine

from phala_spec.chain.state import ChainState
from phala_spec.network import chain_of
from phala_spec.steps import StepResult, apply_step

from .balances import check


class ChainMachine(RuleBasedStateMachine):
    """A machine over a chain state; subclasses set ``model_name``, ``suite`` and ``preset``."""

    def __init__(self) -> None:
        super().__init__()
        self.genesis_overrides: dict[str, Any] = {}
        self.state: ChainState | None = None
        self.trace: list[dict[str, Any]] = []  # every plain step applied, in order [MOD-3]
        self.failed_step: Any = None  # a step that raised instead of giving an outcome

    @property
    def chain(self) -> ChainState:
        assert self.state is not None, "the genesis rule runs first"
        return self.state

    def apply(self, step: dict[str, Any]) -> StepResult:
        """Apply a step, record it, and check that a rejected call changed nothing [CHAIN-9]."""
        before = self.chain
        self.failed_step = step
        result = apply_step(before, step)
        self.failed_step = None
        self.trace.append(step)
        after = chain_of(result.state)
        if step["kind"] == "call" and result.outcome != "ok":
            check(
                after is before and result.events == (),
                "inv_CHAIN_9_rejected_calls_change_nothing",
                f"{step['call']} failed with {result.outcome} but changed the state",
            )
        self.state = after
        return result

    def open_block(self, number: int) -> None:
        """Finalize the open block, if any, and open block ``number`` (block time apart per number)."""
        from phala_spec.conformance.authoring import default_randomness

        if self.chain.system.in_block:
            self.apply({"kind": "finalize_block"})
        self.apply(
            {
                "kind": "initialize_block",
                "number": number,
                "timestamp": number * self.chain.config.block_time_ms,
                "randomness": default_randomness(number),
            }
        )
