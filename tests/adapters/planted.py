"""A copy of the reference with one planted bug, served as an adapter.

``planted.py BUG`` copies the installed ``phala_spec`` package into a
temporary folder, makes the one source change named ``BUG`` (see
:data:`BUGS`), puts the copy first on the import path and serves it
over the adapter protocol. ``planted.py none`` serves the unchanged copy.
"""

import shutil
import sys
import tempfile
from pathlib import Path

# bug -> (module path inside the package, source before, source after)
BUGS = {
    "none": None,
    # a withdrawal of exactly the free balance refused as BalanceLow [BAL-6]
    "balance_low_at_equal": (
        "pallets/balances/fungible.py",
        '    if data.free < amount:\n        return "BalanceLow", 0',
        '    if data.free <= amount:\n        return "BalanceLow", 0',
    ),
    # the frozen amount is the sum of the locks, not the largest [BAL-21]
    "frozen_is_sum_of_locks": (
        "pallets/balances/arithmetic.py",
        "        frozen = max_(frozen, amount)",
        "        frozen = frozen + amount",
    ),
    # a transfer's Transfer event names the sender as both ends [BAL-10]
    "transfer_event_to_sender": (
        "pallets/balances/transfers.py",
        '**{"from": source, "to": dest, "amount": amount}',
        '**{"from": source, "to": source, "amount": amount}',
    ),
}


def copy_with(bug):
    import phala_spec
    import phala_spec.conformance

    tree = Path(tempfile.mkdtemp(prefix="phala-spec-planted-"))
    package = tree / "phala_spec"
    shutil.copytree(Path(phala_spec.__file__).parent, package)
    for name in ("conformance", "models", "proofs"):
        module = __import__(f"phala_spec.{name}", fromlist=["__file__"])
        target = package / name
        if not target.exists():
            shutil.copytree(
                Path(module.__file__).parent, target, ignore=shutil.ignore_patterns("vectors")
            )
    change = BUGS[bug]
    if change is not None:
        path, before, after = change
        source = (package / path).read_text()
        if source.count(before) != 1:
            raise SystemExit(f"planted.py: {bug}: the source to change is not found once")
        (package / path).write_text(source.replace(before, after))
    return tree


def main():
    bug = sys.argv[1] if len(sys.argv) > 1 else "none"
    if bug not in BUGS:
        raise SystemExit(f"planted.py: unknown bug {bug!r}; bugs are {', '.join(BUGS)}")
    tree = copy_with(bug)
    for name in [m for m in sys.modules if m == "phala_spec" or m.startswith("phala_spec.")]:
        del sys.modules[name]
    sys.path.insert(0, str(tree))
    from phala_spec.conformance.adapter import serve

    assert Path(sys.modules["phala_spec"].__file__).is_relative_to(tree)
    try:
        raise SystemExit(serve(sys.stdin.buffer, sys.stdout.buffer))
    finally:
        shutil.rmtree(tree, ignore_errors=True)


main()
