"""``phala-spec prove``: run the Z3 proof obligations.

The main command line mounts this module with :func:`add_arguments` and
:func:`run`; ``python -m phala_spec.proofs.cli`` runs it on its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from phala_spec.proofs.obligations import (
    COUNTEREXAMPLE,
    PROVED,
    Result,
    discover,
    prove_one,
    select,
)

_STYLE = {PROVED: "green", COUNTEREXAMPLE: "red"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``prove`` options to ``parser``."""
    parser.add_argument(
        "-k",
        dest="pattern",
        metavar="PATTERN",
        help="only obligations whose id or clause contains PATTERN (case-insensitive)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="solver time limit per obligation (default: %(default)s)",
    )
    parser.add_argument(
        "--json", dest="json_path", metavar="FILE", help="also write results as JSON"
    )
    parser.add_argument("--list", action="store_true", help="list the obligations, prove nothing")


def _table(results: Sequence[Result]) -> Table:
    table = Table(title="proof obligations")
    table.add_column("id", no_wrap=True)
    table.add_column("clauses", no_wrap=True)
    table.add_column("status")
    table.add_column("seconds", justify="right")
    table.add_column("claim")
    for r in results:
        style = _STYLE.get(r.status, "yellow")
        table.add_row(
            r.obligation.id,
            ", ".join(r.obligation.clauses),
            f"[{style}]{r.status}[/{style}]",
            f"{r.seconds:.2f}",
            r.obligation.description,
        )
    return table


def run(args: argparse.Namespace) -> int:
    """Prove the selected obligations; 0 iff all are proved (and at least one was selected)."""
    console = Console()
    obligations = select(discover(), args.pattern)
    if args.list:
        for ob in obligations:
            console.print(f"{ob.id}  [{', '.join(ob.clauses)}]  {ob.description}")
        return 0
    if not obligations:
        from phala_spec.cli import CliError

        raise CliError(f"no obligation matches {args.pattern!r}")

    timeout_ms = max(1, int(args.timeout * 1000))
    results = []
    with console.status("proving...") as status:
        for ob in obligations:
            status.update(f"proving {ob.id}...")
            results.append(prove_one(ob, timeout_ms))
    console.print(_table(results))

    for r in results:
        if r.counterexample is not None:
            values = ", ".join(f"{k} = {v}" for k, v in r.counterexample.items())
            console.print(f"[red]{r.obligation.id}[/red] counterexample: {values}")
        if r.reason:
            console.print(f"{r.obligation.id}: {r.reason}")
    proved = sum(r.proved for r in results)
    total_seconds = sum(r.seconds for r in results)
    console.print(f"{proved}/{len(results)} proved in {total_seconds:.1f} s")

    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as out:
            json.dump([r.to_json() for r in results], out, indent=2)
            out.write("\n")
    return 0 if proved == len(results) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phala-spec prove", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
