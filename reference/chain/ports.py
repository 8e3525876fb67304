"""Ports: what a pallet needs from a pallet that the runtime puts after it [CHAIN-13].

A Substrate pallet names such a dependency in its ``Config`` trait (the
computation pallet's ``type OnReward``, the message queue's router) and the
runtime's ``construct_runtime!`` supplies it. Here a pallet declares a
:class:`Port` for it, and the runtime composition
(:mod:`phala_spec.runtime.composition`) wires every port once, when the
package is imported. So a pallet never imports its caller, and reading the
composition shows every callback between pallets in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class UnwiredPort(RuntimeError):
    """A port was called before the runtime composition wired it (a programming error)."""


class Port(Generic[P, R]):
    """A callback a pallet declares and the runtime composition supplies [CHAIN-13]."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._implementation: Callable[P, R] | None = None

    def wire(self, implementation: Callable[P, R]) -> None:
        """Supply the port's implementation (the runtime composition does, once)."""
        self._implementation = implementation

    @property
    def implementation(self) -> Callable[P, R]:
        """What the port is wired to."""
        if self._implementation is None:
            raise UnwiredPort(f"port {self.name} is not wired")
        return self._implementation

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.implementation(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Port({self.name!r})"
