"""Write docs/api.md, the API reference, from the reference's docstrings.

Run ``python docs/gen_api.py`` after changing a public docstring or signature;
``python docs/gen_api.py --check`` exits 1 when docs/api.md is out of date
(``tests/test_docs.py`` runs the same comparison).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "api.md"

# (module, names, title): the public entry points, in reading order.
SECTIONS: list[tuple[str, tuple[str, ...] | None, str]] = [
    ("phala_spec", None, "`phala_spec`: the public API"),
    (
        "phala_spec.runtime.genesis",
        (
            "registry_genesis",
            "computation_genesis",
            "governance_genesis",
            "mq_genesis",
            "resolve_account",
        ),
        "`phala_spec.runtime.genesis`: presets and genesis overrides",
    ),
    (
        "phala_spec.runtime.block",
        ("open_genesis_block", "at_genesis"),
        "`phala_spec.runtime.block`: the genesis block",
    ),
    (
        "phala_spec.primitives.fixed",
        (
            "from_int",
            "from_literal",
            "from_str",
            "to_str",
            "to_fraction",
            "to_int_floor",
            "convert",
            "add",
            "sub",
            "mul",
            "div",
            "mul_int",
            "div_int",
            "saturating_add",
            "saturating_sub",
            "saturating_mul",
            "sqrt",
            "to_fixed",
            "from_fixed",
            "bmul",
            "bdiv",
        ),
        "`phala_spec.primitives.fixed`: fixed point",
    ),
]

MEMBERS = {"Event": ("__getitem__", "get", "field_map", "field_names")}


def _doc(obj: Any) -> str:
    return inspect.cleandoc(obj.__doc__ or "(undocumented)")


def _default(value: Any) -> str:
    text = repr(value)
    if len(text) <= 30 and text != "NOTHING":
        return text
    return str(getattr(value, "name", "…"))


def _signature(name: str, obj: Callable[..., Any]) -> str:
    """``name(params)``: a class shows its fields' names, a function its annotations too;
    a long default shows as its ``name`` or ``…``."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return name
    params = []
    for param in signature.parameters.values():
        text = param.name
        if param.kind is param.VAR_KEYWORD:
            text = "**" + text
        elif param.kind is param.VAR_POSITIONAL:
            text = "*" + text
        if not inspect.isclass(obj) and param.annotation is not param.empty:
            text += f": {param.annotation}"
        if param.default is not param.empty:
            text += f" = {_default(param.default)}"
        params.append(text)
    returns = ""
    if not inspect.isclass(obj) and signature.return_annotation is not signature.empty:
        returns = f" -> {signature.return_annotation}"
    return f"{name}({', '.join(params)}){returns}"


def _entry(name: str, obj: Any) -> list[str]:
    lines = [f"### `{_signature(name, obj)}`", "", _doc(obj), ""]
    for member in MEMBERS.get(name, ()):
        attr = getattr(obj, member)
        target = attr.fget if isinstance(attr, property) else attr
        shown = member if isinstance(attr, property) else _signature(member, target)
        lines += [f"* `{name}.{shown}`: {_doc(target).splitlines()[0]}"]
    if name in MEMBERS:
        lines.append("")
    return lines


def render() -> str:
    """The text of docs/api.md."""
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings by `python docs/gen_api.py`; do not edit by hand.",
        "The rules themselves are in [spec/](../spec/index.md); the docstrings cite their clauses.",
        "",
    ]
    for module_name, names, title in SECTIONS:
        module = importlib.import_module(module_name)
        lines += [f"## {title}", ""]
        for name in names if names is not None else sorted(module.__all__):
            obj = getattr(module, name)
            if isinstance(obj, str | int | dict) or (not callable(obj) and name.isupper()):
                lines += [f"### `{name}`", "", f"A constant of `{module_name}`.", ""]
                continue
            lines += _entry(name, obj)
    views = importlib.import_module("phala_spec.runtime.views")
    lines += ["## Views", "", "`observe(state, name, args)` evaluates these [VIEW-1].", ""]
    for view, function in views.VIEWS.items():
        lines += [f"* `{view}`: {' '.join(_doc(function).split())}"]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text() != text:
            print("docs/api.md is out of date: run python docs/gen_api.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
