"""``phala-spec vectors generate``: write the vectors and their lock [VEC-8] [VEC-10]."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="directory to write <preset>/<suite>/<handler>/<case>.cbor files into",
    )
    parser.add_argument(
        "-k",
        dest="pattern",
        metavar="PATTERN",
        help="only cases whose id contains every word (a 'not WORD' excludes)",
    )
    parser.add_argument(
        "--lock", type=Path, metavar="FILE", help="lock file (default: DIR.lock next to DIR)"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="also write each vector's lossless JSON twin, <case>.json beside <case>.cbor [VEC-24]",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail if regenerated vectors differ from the lock or the files",
    )


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from phala_spec.cli import CliError

    from .authoring import AuthoringError, load_suites, vector_path
    from .schema import SchemaError
    from .store import LockError, compare_with_lock, default_lock, generate, read_lock, write_all

    console = Console(stderr=True)
    lock = args.lock or default_lock(args.out)
    registry = load_suites()
    try:
        generated = generate(registry.specs(args.pattern))
    except (AuthoringError, SchemaError, ValueError) as exc:
        raise CliError(f"generation failed: {exc}") from exc
    if not generated:
        raise CliError(
            f"no case matches -k {args.pattern!r}" if args.pattern else "no cases are registered"
        )
    partial = bool(args.pattern)
    if args.check:
        try:
            entries = read_lock(lock)
        except LockError as exc:
            raise CliError(str(exc)) from exc
        problems = compare_with_lock(generated, entries, partial)
        for item in generated:
            path = args.out / vector_path(item.id)
            if not path.is_file():
                problems.append(f"{item.id}: file {path} is missing")
            elif path.read_bytes() != item.blob:
                problems.append(f"{item.id}: file {path} differs from the regenerated vector")
        for problem in problems:
            console.print(Text.assemble(("differs ", "red"), problem), soft_wrap=True)
        console.print(
            Text(
                f"{len(generated)} vectors regenerated; "
                + (
                    f"{len(problems)} differences"
                    if problems
                    else "identical to the lock and files"
                )
            ),
            soft_wrap=True,
        )
        return 1 if problems else 0
    try:
        removed = write_all(generated, args.out, lock, partial=partial, twins=args.json)
    except (OSError, LockError) as exc:
        raise CliError(f"cannot write vectors: {exc}") from exc
    console.print(
        Text(
            f"wrote {len(generated)} vectors to {args.out} and the lock {lock}"
            + (f"; removed {len(removed)} stale files" if removed else "")
        ),
        soft_wrap=True,
    )
    return 0
