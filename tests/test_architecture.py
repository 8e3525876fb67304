"""The reference's layers: imports point one way and form no cycle [CHAIN-13].

The graph is read from the source with :mod:`ast`, counting imports inside
functions and leaving out those under ``if TYPE_CHECKING:`` (they never run).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import phala_spec
from phala_spec.chain.ports import Port

REFERENCE = Path(phala_spec.__file__).parent

# What each layer may import (besides itself). The package's own entry points
# (``__init__``, ``compat``, ``cli``, ``__main__``) sit above everything.
ALLOWED = {
    "primitives": set(),
    "tee": {"primitives"},
    "chain": {"primitives"},
    "offchain": {"primitives", "chain"},
    "pallets": {"primitives", "tee", "chain"},
    "runtime": {"primitives", "tee", "chain", "pallets"},
    "network": {"primitives", "tee", "chain", "pallets", "runtime", "offchain"},
    "steps": {"primitives", "tee", "chain", "pallets", "runtime", "offchain", "network"},
    "simulate": {"primitives", "tee", "chain", "pallets", "runtime", "offchain", "network"},
}
TOP = {"", "compat", "cli", "__main__"}

# The pallets in the runtime's dependency order: a pallet may import only
# those before it (its callers reach it through ports wired by the runtime).
PALLET_ORDER = [
    "balances.arithmetic",
    "balances.origins",
    "balances.accounts",
    "balances.fungible",
    "balances.reservable",
    "balances.lockable",
    "balances.issuance",
    "balances.transfers",
    "mq",
    "registry.message_check",
    "registry.allowlists",
    "registry.gatekeepers",
    "registry.workers",
    "registry.endpoints",
    "computation",
    "staking.assets",
    "staking.wrapped_balances",
    "staking.base_pool",
    "staking.stake_pool_v2",
    "staking.vault",
    "governance.collective",
    "governance.membership",
    "governance.treasury",
    "governance.scheduler",
    "governance.phragmen",
    "governance.democracy_arithmetic",
    "governance.democracy_storage",
    "governance.democracy_voting",
    "governance.democracy",
    "governance.elections",
    "phat",
    "phat_tokenomic",
]


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in REFERENCE.rglob("*.py"):
        parts = list(path.relative_to(REFERENCE).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, package)
    return found


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(name: str, path: Path, package: bool, modules: set[str]) -> set[str]:
    """The modules of the reference that ``name`` imports, wherever the import sits."""
    here = name.split(".") if name else []
    base = here if package else here[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    anchor = base[: len(base) - (child.level - 1)]
                    target = ".".join(anchor + ([child.module] if child.module else []))
                elif child.module == "phala_spec" or (child.module or "").startswith("phala_spec."):
                    target = child.module.removeprefix("phala_spec").lstrip(".")
                else:
                    continue
                for alias in child.names:
                    sub = f"{target}.{alias.name}".lstrip(".")
                    found.add(sub if sub in modules else target)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("phala_spec."):
                        found.add(alias.name.removeprefix("phala_spec."))
            visit(child)

    visit(ast.parse(path.read_text()))
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, pkg, set(modules)) for name, (path, pkg) in modules.items()}


def _layer(module: str) -> str:
    return module.split(".")[0]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in graph:
        if v not in index:
            connect(v)
    return components


def test_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


def test_cycle_detection_sees_function_level_imports(tmp_path: Path) -> None:
    """The checker itself: an import inside a function counts, one under TYPE_CHECKING does not."""
    a = tmp_path / "a.py"
    a.write_text("def f():\n    from . import b\n")
    b = tmp_path / "b.py"
    b.write_text(
        "from typing import TYPE_CHECKING\nfrom . import a\nif TYPE_CHECKING:\n    from . import c\n"
    )
    modules = {"a", "b", "c"}
    graph = {
        "a": _imports("a", a, False, modules),
        "b": _imports("b", b, False, modules),
        "c": set(),
    }
    assert graph == {"a": {"b"}, "b": {"a"}, "c": set()}
    assert _cycles(graph) == [["a", "b"]]


@pytest.mark.parametrize("module", sorted(_graph()))
def test_imports_point_down_the_layers(module: str) -> None:
    layer = _layer(module)
    if layer in TOP:
        return
    assert layer in ALLOWED, f"{module} is in no known layer"
    wrong = {m for m in _graph()[module] if _layer(m) != layer and _layer(m) not in ALLOWED[layer]}
    assert wrong == set(), f"{module} imports {sorted(wrong)} from a layer above it"


def test_pallets_import_only_pallets_before_them() -> None:
    graph = _graph()
    pallets = [m for m in graph if m.startswith("pallets.") and m.count(".") >= 1]
    named = {f"pallets.{p}" for p in PALLET_ORDER}
    assert {m for m in pallets if not _is_package(m)} == named
    for position, pallet in enumerate(PALLET_ORDER):
        later = {f"pallets.{p}" for p in PALLET_ORDER[position + 1 :]}
        assert graph[f"pallets.{pallet}"] & later == set(), f"{pallet} imports a pallet after it"


def _is_package(module: str) -> bool:
    return _modules()[module][1]


def test_every_port_is_wired() -> None:
    """The runtime composition supplies every port a pallet declares [CHAIN-13]."""
    ports = []
    for info in pkgutil.walk_packages(phala_spec.__path__, "phala_spec."):
        if info.name == "phala_spec.__main__":  # runs the command line
            continue
        module = importlib.import_module(info.name)
        ports += [v for v in vars(module).values() if isinstance(v, Port)]
    assert len(ports) >= 12
    for port in ports:
        assert callable(port.implementation), port.name
