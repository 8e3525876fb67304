"""``phala-spec vectors export``: vectors as ITF traces or as JSON [VEC-24] [VEC-27]."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

FORMATS = ("itf", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        required=True,
        help="itf: an ITF trace per vector (Apalache, Quint); json: the lossless JSON twin",
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="where the files are written"
    )
    parser.add_argument(
        "--vectors",
        type=Path,
        metavar="DIR",
        help="vector directory (default: the vectors shipped with phala-spec)",
    )
    parser.add_argument(
        "-k", dest="select", metavar="TEXT", help="only vectors whose id contains TEXT"
    )


def export(vector: dict[str, object], fmt: str) -> str:
    """One vector's text in the format: an ITF trace, or the JSON twin [VEC-24] [VEC-27]."""
    from .itf import vector_to_itf
    from .twin import dumps

    if fmt == "itf":
        return json.dumps(vector_to_itf(vector), indent=1, ensure_ascii=False) + "\n"
    return dumps(vector)


def run(args: argparse.Namespace) -> int:
    from phala_spec.cli import CliError

    from .schema import VectorFileError, load_vector
    from .store import PACKAGED_DIR, discover

    vectors_dir = args.vectors or PACKAGED_DIR
    if not vectors_dir.is_dir():
        raise CliError(f"no vector directory at {vectors_dir}")
    files = [(i, p) for i, p in discover(vectors_dir) if not args.select or args.select in i]
    if not files:
        raise CliError("no vector selected")
    suffix = ".itf.json" if args.format == "itf" else ".json"
    for vector_id, path in files:
        try:
            vector = load_vector(path)
        except VectorFileError as exc:
            raise CliError(str(exc)) from exc
        target = args.out / f"{vector_id}{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(export(vector, args.format), encoding="utf-8")
    print(f"wrote {len(files)} {args.format} file(s) under {args.out}")
    return 0
