"""``phala-spec vectors verify``: schema, encoding, hashes and the lock [VEC-2] [VEC-10]."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "vectors",
        nargs="?",
        type=Path,
        metavar="DIR",
        help="vector directory (default: the vectors shipped with phala-spec)",
    )
    parser.add_argument(
        "--lock", type=Path, metavar="FILE", help="lock file (default: DIR.lock next to DIR)"
    )


def verify(vectors_dir: Path, lock: Path) -> tuple[int, list[str]]:
    """Check every file and the lock; returns the number of files and the problems found."""
    from .schema import VectorFileError, load_vector
    from .store import discover, file_hash, read_lock, vector_id_of
    from .twin import dumps

    entries = read_lock(lock)
    problems = []
    files = discover(vectors_dir)
    for vector_id, path in files:
        if vector_id_of(path, vectors_dir) is None:
            problems.append(f"{vector_id}: not at <preset>/<suite>/<handler>/<case>.cbor")
            continue
        try:
            vector = load_vector(path)
        except VectorFileError as exc:
            problems.append(str(exc))
        else:
            if vector["id"] != vector_id:
                problems.append(f"{path}: the file says it is {vector['id']!r}")
            twin = path.with_suffix(".json")
            if twin.is_file() and twin.read_text(encoding="utf-8") != dumps(vector):
                problems.append(f"{twin}: not the JSON twin of {path.name} [VEC-24]")
        if vector_id not in entries:
            problems.append(f"{vector_id}: file has no lock entry")
        elif entries[vector_id] != file_hash(path.read_bytes()):
            problems.append(f"{vector_id}: file hash differs from the lock")
    present = {vector_id for vector_id, _ in files}
    problems += [
        f"{i}: in the lock but the file is missing" for i in sorted(set(entries) - present)
    ]
    return len(files), problems


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from phala_spec.cli import CliError

    from .store import PACKAGED_DIR, LockError, default_lock

    vectors_dir = args.vectors or PACKAGED_DIR
    if not vectors_dir.is_dir():
        raise CliError(f"no vector directory at {vectors_dir}")
    lock = args.lock or default_lock(vectors_dir)
    try:
        count, problems = verify(vectors_dir, lock)
    except LockError as exc:
        raise CliError(str(exc)) from exc
    console = Console(stderr=True, highlight=False)
    for problem in problems:
        console.print(Text.assemble(("problem ", "red"), problem), soft_wrap=True)
    console.print(
        Text(
            f"{count} files checked against {lock}: "
            + (f"{len(problems)} problems" if problems else "all good")
        ),
        soft_wrap=True,
    )
    return 1 if problems else 0
