"""``phala-spec conformance run``: run vectors against an implementation [VEC-16]..[VEC-19]."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--adapter",
        metavar="CMD",
        help="command starting the implementation's adapter (default: the reference, "
        "served in a subprocess through the same protocol)",
    )
    parser.add_argument(
        "--vectors",
        type=Path,
        metavar="DIR",
        help="vector directory (default: the vectors shipped with phala-spec)",
    )
    parser.add_argument(
        "-k",
        dest="pattern",
        metavar="PATTERN",
        help="only vectors whose id contains every word (a 'not WORD' excludes)",
    )
    parser.add_argument(
        "--lock",
        type=Path,
        metavar="FILE",
        help="lock listing the vectors that must exist (default: DIR.lock if present)",
    )
    parser.add_argument(
        "--digests",
        choices=("full", "subsystems", "off"),
        default="subsystems",
        help="what of the state commitments to compare: every subsystem, the subsystems the "
        "adapter declares (default; a vector changing another is unsupported), or none "
        "(behaviour only) [VEC-22]",
    )
    parser.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="run only shard I of N (1 ≤ I ≤ N): every N-th vector in id order, from the I-th; "
        "the N shards of a CI matrix together run every vector once [VEC-18]",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write a JSON report")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report")
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds to wait for each reply (default: 10)",
    )


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``I/N`` as ``(I, N)`` with ``1 ≤ I ≤ N``; ``None`` for no sharding [VEC-18]."""
    from phala_spec.cli import CliError

    if text is None:
        return None
    match = re.fullmatch(r"([0-9]+)/([0-9]+)", text)
    if match is None or not 1 <= int(match[1]) <= int(match[2]):
        raise CliError(f"--shard: a shard is I/N with 1 ≤ I ≤ N, not {text!r}")
    return int(match[1]), int(match[2])


def in_shard(ids: list[str], shard: tuple[int, int] | None) -> set[str]:
    """The ids of shard ``I/N``: the ``I``-th of every ``N`` in id order [VEC-18].

    Each id is in exactly one of the ``N`` shards, and the shards' sizes differ
    by at most one.
    """
    if shard is None:
        return set(ids)
    index, count = shard
    return {vid for position, vid in enumerate(sorted(ids)) if position % count == index - 1}


def adapter_command(text: str | None) -> list[str]:
    """The adapter command line: ``--adapter`` split like a shell would, or the reference."""
    from .client import REFERENCE_COMMAND

    if text is None:
        return list(REFERENCE_COMMAND)
    try:
        command = shlex.split(text)
    except ValueError as exc:
        from phala_spec.cli import CliError

        raise CliError(f"cannot parse --adapter: {exc}") from exc
    if not command:
        from phala_spec.cli import CliError

        raise CliError("--adapter is empty")
    return command


def ensure_writable(path: Path, option: str) -> None:
    """Fail before the run, not after it, when a report cannot be written."""
    from phala_spec.cli import CliError

    if path.is_dir():
        raise CliError(f"{option} {path}: is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise CliError(f"{option} {path}: no directory {parent}")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CliError(f"{option} {path}: not writable")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from phala_spec.cli import CliError

    from .authoring import matches
    from .client import AdapterProcess
    from .report import json_report, print_summary, write_json, write_junit
    from .runner import VectorResult, run_all
    from .store import PACKAGED_DIR, LockError, default_lock, discover, read_lock

    if args.timeout <= 0:
        raise CliError("--timeout must be positive")
    shard = parse_shard(args.shard)
    for option, path in (("--json", args.json), ("--junit", args.junit)):
        if path is not None:
            ensure_writable(path, option)
    vectors_dir: Path = args.vectors or PACKAGED_DIR
    if not vectors_dir.is_dir():
        raise CliError(f"no vector directory at {vectors_dir}")
    command = adapter_command(args.adapter)
    selected = [(i, p) for i, p in discover(vectors_dir) if matches(i, args.pattern)]
    lock = args.lock or default_lock(vectors_dir)
    missing: list[str] = []
    entries: dict[str, str] | None = None
    if args.lock is not None or lock.is_file():
        try:
            entries = read_lock(lock)
        except LockError as exc:
            raise CliError(str(exc)) from exc
        present = {i for i, _ in selected}
        missing = sorted(i for i in entries if matches(i, args.pattern) and i not in present)
    chosen = in_shard([*(i for i, _ in selected), *missing], shard)
    selected = [(i, p) for i, p in selected if i in chosen]
    missing = [i for i in missing if i in chosen]
    if not selected and not missing:
        if args.pattern:
            raise CliError(f"no vector in {vectors_dir} matches -k {args.pattern!r}")
        if args.vectors is not None and not any(args.vectors.iterdir()):
            # e.g. the folder of an `explore` run that found nothing
            print(f"no vectors in {vectors_dir}: nothing to run")
            return 0
        raise CliError(f"no vectors in {vectors_dir}")

    out = Console(highlight=False)
    err = Console(stderr=True)
    adapter = AdapterProcess(command, timeout=args.timeout)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("vectors", total=len(selected))
        results = run_all(
            adapter,
            selected,
            on_result=lambda r: progress.advance(task),
            digests=args.digests,
            locked=entries,
        )
    results += [
        VectorResult(i, "error", message=f"listed in {lock.name} but the file is missing")
        for i in missing
    ]
    hello = adapter.last_hello
    info: dict[str, Any] = {"command": command, "digests": args.digests}
    if hello is not None:
        info.update(name=hello.name, version=hello.version, protocol=hello.protocol)
    print_summary(out, results, info)
    if args.json:
        write_json(args.json, json_report(results, info, str(vectors_dir), args.pattern))
    if args.junit:
        write_junit(args.junit, results, info)
    return 0 if all(r.status == "pass" for r in results) else 1


if __name__ == "__main__":
    from phala_spec.cli import main

    sys.exit(main(["conformance", "run", *sys.argv[1:]]))
