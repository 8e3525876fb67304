"""``phala-spec vectors coverage``: the clauses and error codes the vectors exercise [VEC-25]."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vectors",
        type=Path,
        metavar="DIR",
        help="vector directory (default: the vectors shipped with phala-spec)",
    )
    parser.add_argument(
        "--write",
        type=Path,
        metavar="README",
        help="rewrite the coverage matrix between the markers of this file",
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="write, per vector, the clauses and error codes it exercises",
    )


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from phala_spec.cli import CliError

    from .coverage import (
        SPEC_DIR,
        iter_missing,
        matrix,
        measure,
        read_exempt,
        replace_matrix,
        trace_all,
    )
    from .store import PACKAGED_DIR, discover

    if not SPEC_DIR.is_dir():
        raise CliError(f"coverage reads the specification's clauses from {SPEC_DIR}: not found")
    vectors_dir = args.vectors or PACKAGED_DIR
    if not vectors_dir.is_dir():
        raise CliError(f"no vector directory at {vectors_dir}")
    traces = trace_all(discover(vectors_dir))
    coverage = measure(traces)
    exempt = read_exempt()
    block = matrix(coverage, exempt)
    if args.write is not None:
        try:
            text = args.write.read_text(encoding="utf-8")
            args.write.write_text(replace_matrix(text, block), encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise CliError(f"{args.write}: {exc}") from exc
    if args.json is not None:
        data = {t.id: {"clauses": sorted(t.clauses), "errors": sorted(t.errors)} for t in traces}
        args.json.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    console = Console(highlight=False)
    console.print(block)
    missing = list(iter_missing(coverage, exempt))
    for line in missing:
        console.print(f"[red]{line}[/]")
    return 1 if missing else 0
