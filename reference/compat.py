"""The import names of phala-spec 0.1, kept for code written against them.

0.1 kept every module flat in ``phala_spec``; the layers now hold them
(``phala_spec.pallets.staking.stake_pool_v2``). ``import phala_spec.stake_pool_v2``
and ``from phala_spec import stake_pool_v2`` still work: the old name is the
same module object as the new one, so patches and ``isinstance`` checks see one
module. ``phala_spec.chain`` and ``phala_spec.offchain`` are now packages that
re-export what the 0.1 modules of those names held.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

MOVED: dict[str, str] = {
    "arith": "primitives.arith",
    "assets": "pallets.staking.assets",
    "attestation": "tee.attestation",
    "attestation_dcap": "tee.dcap",
    "attestation_ias": "tee.ias",
    "attestation_simulated": "tee.simulated",
    "balances": "pallets.balances",
    "base_pool": "pallets.staking.base_pool",
    "block": "runtime.block",
    "calls": "runtime.calls",
    "codec": "primitives.codec",
    "collective": "pallets.governance.collective",
    "computation": "pallets.computation",
    "crypto": "primitives.crypto",
    "democracy": "pallets.governance.democracy",
    "democracy_state": "chain.democracy_state",
    "elections": "pallets.governance.elections",
    "errors": "primitives.errors",
    "fixed": "primitives.fixed",
    "genesis": "runtime.genesis",
    "intel_dcap_root": "tee.intel_dcap_root",
    "intel_roots": "tee.intel_roots",
    "membership": "pallets.governance.membership",
    "messages": "chain.messages",
    "mq": "pallets.mq",
    "perthings": "primitives.perthings",
    "phragmen": "pallets.governance.phragmen",
    "registry": "pallets.registry",
    "scale": "primitives.scale",
    "scheduler": "pallets.governance.scheduler",
    "stake_pool_v2": "pallets.staking.stake_pool_v2",
    "staking_state": "chain.staking_state",
    "system": "chain.system",
    "treasury": "pallets.governance.treasury",
    "vault": "pallets.staking.vault",
    "views": "runtime.views",
    "worker_messages": "chain.worker_messages",
    "wrapped_balances": "pallets.staking.wrapped_balances",
}
"""0.1's module name (under ``phala_spec``) → its module in the layers."""


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves ``phala_spec.<0.1 name>`` to the module that now holds it."""

    def __init__(self) -> None:
        self._own_specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != "phala_spec" or name not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(f"phala_spec.{MOVED[spec.name.rpartition('.')[2]]}")
        self._own_specs[module.__name__] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The module already ran under its own name; the import system has just
        # given it the old name's spec: give it back its own.
        module.__spec__ = self._own_specs[module.__name__]


def install() -> None:
    """Make the 0.1 names importable (once).

    A module already loaded is entered in ``sys.modules`` under its old name
    at once, so importing the old name never rebinds an attribute of the
    package (``phala_spec.genesis`` stays the function, as in 0.1); the others
    (the verifiers, which load the X.509 stack) are found when first imported.
    """
    for old, new in MOVED.items():
        module = sys.modules.get(f"phala_spec.{new}")
        if module is not None:
            sys.modules.setdefault(f"phala_spec.{old}", module)
    if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModules())


def load(name: str) -> ModuleType:
    """The module 0.1 called ``phala_spec.<name>``."""
    if name not in MOVED:
        raise AttributeError(f"module 'phala_spec' has no attribute {name!r}")
    return importlib.import_module(f"phala_spec.{name}")
