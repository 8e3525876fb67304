"""The mutation operators of ``phala-spec adequacy`` [ADQ-2].

A mutant is one small change to one function of the reference: a boundary
flipped, a constant moved by one or set to zero, a check dropped, a condition
negated, two adjacent checks swapped, an arithmetic operator replaced. This
module finds every mutant of a module's source and builds the mutated code
object of the outermost function that contains it; :mod:`.adequacy` installs
that code object in the live function and replays the vectors.

Only code inside functions is mutated: a function's code object can be
swapped in place, so every caller (including the tables that hold the
function, such as the runtime's call table) sees the mutant, and nothing is
re-imported. Module-level tables and constants are not mutated [ADQ-2].
"""

from __future__ import annotations

import ast
import copy
import hashlib
import re
from collections.abc import Callable, Iterator
from types import CodeType

import attrs

OPERATORS = ("boundary", "negate", "logic", "constant", "arithmetic", "drop-check", "swap-checks")
"""The operator families, in the order reports list them [ADQ-2]."""

CLAUSE = re.compile(r"\[([A-Z]+-\d+)\]")

_BOUNDARY: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
}
_NEGATE: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.BitXor: ast.BitOr,
}
_SYMBOL: dict[type[ast.AST], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.FloorDiv: "//",
    ast.Div: "/",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.And: "and",
    ast.Or: "or",
}
_MIN_MAX = {"min": "max", "max": "min"}
_CHECK_CALL = re.compile(r"^(ensure|check|require)_")


@attrs.frozen
class Mutant:
    """One mutation of one function [ADQ-2].

    ``key`` names it stably across edits elsewhere in the module (the
    function, the operator, and a digest of the changed code and its
    occurrence), ``lines`` are the source lines a vector must execute to be
    able to see it, ``clauses`` the clause ids its function cites.
    """

    key: str
    module: str
    path: str
    function: str
    operator: str
    line: int
    lines: tuple[int, ...]
    original: str
    mutated: str
    clauses: tuple[str, ...]
    site: int
    variant: int
    import_time: bool = False

    def describe(self) -> str:
        """One line: where, and what was changed into what."""
        return f"{self.module}:{self.line} {self.function}: `{self.original}` → `{self.mutated}`"


# A site's variants: each yields (the description of the change, a function applying it in place).
Apply = Callable[[], None]


@attrs.frozen
class _Site:
    operator: str
    node: ast.AST
    lines: tuple[int, ...]
    variants: tuple[tuple[str, str, Apply], ...]  # (original text, mutated text, apply)


def _text(node: ast.AST, limit: int = 90) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _span(node: ast.AST) -> tuple[int, ...]:
    start = getattr(node, "lineno", 0)
    end = getattr(node, "end_lineno", start) or start
    return tuple(range(start, end + 1))


def _is_guard(stmt: ast.stmt) -> bool:
    """A check: an ``if`` without ``else`` whose body ends by raising, or a call of ``ensure_…``."""
    if isinstance(stmt, ast.If):
        return not stmt.orelse and isinstance(stmt.body[-1], ast.Raise)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return bool(_CHECK_CALL.match(name))
    return False


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
    )


def _is_sequence(node: ast.AST) -> bool:
    return isinstance(node, ast.List | ast.ListComp | ast.Tuple | ast.Set | ast.Dict | ast.Starred)


def _called_at_import(tree: ast.Module) -> set[str]:
    """The module's own functions that run while it is imported: those its top-level code
    calls, and the module functions those call in turn."""
    defined = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    names: set[str] = set()
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            callee = node.func.id
            if callee not in names and callee in defined:
                stack.extend(defined[callee].body)  # what it calls runs at import too
            names.add(callee)
        stack.extend(ast.iter_child_nodes(node))
    return names


def _sites(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[_Site]:
    """Every mutable site of a function, in a fixed order (nested functions included)."""
    for node in _walk_code(function):
        yield from _node_sites(node)


def _walk_code(function: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's executable code: no docstring, annotations, decorators or
    default argument values [ADQ-1] (a default lives on the function object, which the replay
    keeps: a mutated default would never run)."""
    stack: list[ast.AST] = [function]
    out: list[ast.AST] = []
    while stack:
        node = stack.pop()
        out.append(node)
        children: list[ast.AST] = []
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns", "decorator_list", "type_comment"):
                continue
            if isinstance(node, ast.arguments) and name in ("defaults", "kw_defaults"):
                continue
            if isinstance(node, ast.Call) and name == "func" and isinstance(value, ast.Name):
                children.append(value)
                continue
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, ast.AST):
                    children.append(item)
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            children = [c for c in children if c is not body[0]]
        stack.extend(reversed(children))
    yield from out


def _node_sites(node: ast.AST) -> Iterator[_Site]:
    if isinstance(node, ast.Compare):
        yield from _compare_sites(node)
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield _Site(
            "logic",
            node,
            _span(node),
            ((_SYMBOL[type(node.op)], _SYMBOL[type(other)], _setter(node, "op", other)),),
        )
    elif isinstance(node, ast.If | ast.While | ast.IfExp | ast.Assert):
        test = node.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            negated = ast.UnaryOp(op=ast.Not(), operand=test)
            ast.copy_location(negated, test)
            yield _Site(
                "negate",
                node,
                _span(test),
                ((_text(test), f"not ({_text(test)})", _setter(node, "test", negated)),),
            )
    elif isinstance(node, ast.Constant):
        yield from _constant_sites(node)
    elif isinstance(node, ast.BinOp | ast.AugAssign):
        yield from _arithmetic_sites(node)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name in _MIN_MAX:
            yield _Site(
                "arithmetic",
                node,
                _span(node),
                ((name, _MIN_MAX[name], _setter(node.func, "id", _MIN_MAX[name])),),
            )
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.If | ast.For | ast.While):
        yield from _statement_sites(node)


def _setter(node: ast.AST, field: str, value: object) -> Apply:
    def apply() -> None:
        setattr(node, field, value)

    return apply


def _compare_sites(node: ast.Compare) -> Iterator[_Site]:
    for i, op in enumerate(node.ops):
        for family, table in (("boundary", _BOUNDARY), ("negate", _NEGATE)):
            target = table.get(type(op))
            if target is None:
                continue
            ops = list(node.ops)
            ops[i] = target()
            yield _Site(
                family,
                node,
                _span(node),
                (
                    (
                        _text(node),
                        _text(ast.Compare(node.left, ops, node.comparators)),
                        _ops(node, ops),
                    ),
                ),
            )


def _ops(node: ast.Compare, ops: list[ast.cmpop]) -> Apply:
    def apply() -> None:
        node.ops = ops

    return apply


def _constant_sites(node: ast.Constant) -> Iterator[_Site]:
    value = node.value
    if not isinstance(value, int) or isinstance(value, bool):
        return
    targets = [value + 1, value - 1]
    if value not in (0, 1):
        targets.append(0)
    yield _Site(
        "constant",
        node,
        _span(node),
        tuple((repr(value), repr(t), _setter(node, "value", t)) for t in targets),
    )


def _arithmetic_sites(node: ast.BinOp | ast.AugAssign) -> Iterator[_Site]:
    target = _ARITHMETIC.get(type(node.op))
    if target is None:
        return
    if isinstance(node, ast.BinOp) and (_is_text(node.left) or _is_text(node.right)):
        return  # text formatting, not arithmetic
    if isinstance(node, ast.BinOp) and (_is_sequence(node.left) or _is_sequence(node.right)):
        return  # joining sequences, not arithmetic
    before = _text(node)
    after = _SYMBOL[target]
    yield _Site(
        "arithmetic",
        node,
        _span(node),
        ((before, f"{_SYMBOL[type(node.op)]} → {after}", _setter(node, "op", target())),),
    )


def _statement_sites(node: ast.AST) -> Iterator[_Site]:
    """Dropped checks and swapped adjacent checks in each statement list of ``node``."""
    for field in ("body", "orelse"):
        body = getattr(node, field, None)
        if not isinstance(body, list):
            continue
        for i, stmt in enumerate(body):
            if not _is_guard(stmt):
                continue
            check = stmt.test if isinstance(stmt, ast.If) else stmt
            replacement = [*body[:i], ast.copy_location(ast.Pass(), stmt), *body[i + 1 :]]
            yield _Site(
                "drop-check",
                stmt,
                _span(check),
                ((_text(check), "(check dropped)", _setter(node, field, replacement)),),
            )
            if i + 1 < len(body) and _is_guard(body[i + 1]):
                nxt = body[i + 1]
                swapped = [*body[:i], nxt, stmt, *body[i + 2 :]]
                nxt_check = nxt.test if isinstance(nxt, ast.If) else nxt
                yield _Site(
                    "swap-checks",
                    stmt,
                    _span(check),
                    (
                        (
                            f"{_text(check, 44)}; {_text(nxt_check, 44)}",
                            f"{_text(nxt_check, 44)}; {_text(check, 44)}",
                            _setter(node, field, swapped),
                        ),
                    ),
                )


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """The outermost functions of a module and the methods of its classes, with qualnames.

    Of several definitions under one name (``@overload`` stubs before the
    implementation) only the last is live, so only it is mutated.
    """
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.pop(node.name, None)
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    found.pop(f"{node.name}.{item.name}", None)
                    found[f"{node.name}.{item.name}"] = item
    yield from sorted(found.items(), key=lambda entry: entry[1].lineno)


def _clauses(
    tree: ast.Module, qualname: str, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[str, ...]:
    """The clause ids the function's docstring cites, else its class's [ADQ-5]."""
    found = CLAUSE.findall(ast.get_docstring(function) or "")
    if not found and "." in qualname:
        owner = qualname.split(".")[0]
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == owner:
                found = CLAUSE.findall(ast.get_docstring(node) or "")
    return tuple(dict.fromkeys(found))


def mutants_of(module: str, path: str, source: str) -> list[Mutant]:
    """Every mutant of a module's functions, in source order [ADQ-2]."""
    tree = ast.parse(source)
    mutants: list[Mutant] = []
    seen: dict[str, int] = {}
    at_import = _called_at_import(tree)
    for qualname, function in _functions(tree):
        clauses = _clauses(tree, qualname, function)
        for site_index, site in enumerate(_sites(function)):
            for variant_index, (before, after, _apply) in enumerate(site.variants):
                ident = f"{qualname}|{site.operator}|{before}|{after}"
                occurrence = seen.get(ident, 0)
                seen[ident] = occurrence + 1
                digest = hashlib.sha256(f"{ident}#{occurrence}".encode()).hexdigest()[:8]
                mutants.append(
                    Mutant(
                        key=f"{module}.{qualname}/{site.operator}/{digest}",
                        module=module,
                        path=path,
                        function=qualname,
                        operator=site.operator,
                        line=site.lines[0] if site.lines else 0,
                        lines=site.lines,
                        original=before,
                        mutated=after,
                        clauses=clauses,
                        site=site_index,
                        variant=variant_index,
                        import_time=qualname in at_import,
                    )
                )
    return mutants


def mutated_code(source: str, mutant: Mutant) -> CodeType:
    """The code object of the mutant's outermost function with the mutation applied [ADQ-3]."""
    tree = ast.parse(source)
    for qualname, function in _functions(tree):
        if qualname != mutant.function:
            continue
        fresh = copy.deepcopy(function)
        site = list(_sites(fresh))[mutant.site]
        site.variants[mutant.variant][2]()
        _replace(tree, function, fresh)
        ast.fix_missing_locations(tree)
        module_code = compile(tree, mutant.path, "exec", dont_inherit=True)
        code = _find_code(module_code, mutant.function)
        if code is None:
            break
        return code
    raise LookupError(f"no function {mutant.function} in {mutant.module}")


def _replace(tree: ast.Module, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        body = getattr(parent, "body", None)
        if isinstance(body, list) and any(item is old for item in body):
            parent.body = [new if item is old else item for item in body]  # type: ignore[attr-defined]
            return


def _find_code(code: CodeType, qualname: str) -> CodeType | None:
    """The last code object named ``qualname`` (the live one of several definitions)."""
    if code.co_qualname == qualname:
        return code
    found = None
    for const in code.co_consts:
        if isinstance(const, CodeType):
            found = _find_code(const, qualname) or found
    return found
