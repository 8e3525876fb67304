"""``phala-spec vectors show``: a vector as JSON for humans [VEC-11]."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ORDER = (
    "format",
    "id",
    "description",
    "clauses",
    "preset",
    "suite",
    "handler",
    "case",
    "crypto",
    "provenance",
    "genesis",
    "genesis_outcome",
    "subsystems",
    "genesis_digests",
    "steps",
)
PROVENANCE_ORDER = ("generator", "generator_version", "spec_version", "origin", "seed", "source")
EXPECT_ORDER = ("outcome", "events", "returned", "observations", "digests")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "vector",
        metavar="ID_OR_PATH",
        help="a vector id (preset/suite/handler/case) or the path of a .cbor file",
    )
    parser.add_argument(
        "--vectors",
        type=Path,
        metavar="DIR",
        help="vector directory to look ids up in (default: the shipped vectors)",
    )
    parser.add_argument(
        "--state",
        action="store_true",
        help="also print the state, subsystem by subsystem, at the genesis and after every "
        "step, as the reference computes it [VEC-11]",
    )


def _add_states(ordered: dict[str, Any], vector: dict[str, Any]) -> None:
    """The reference's state at the genesis and after each step, by subsystem [VEC-11]."""
    from phala_spec.cli import CliError
    from phala_spec.network import genesis_state, subsystems
    from phala_spec.primitives.errors import InvalidInput
    from phala_spec.steps import apply_step

    from .schema import REFUSED

    if vector["genesis_outcome"] == REFUSED:  # refused: there is no state [VEC-28]
        ordered["genesis_state"] = None
        return
    try:
        state = genesis_state(vector["genesis"]["preset"], vector["genesis"]["overrides"])
        ordered["genesis_state"] = subsystems(state)
        for entry in ordered["steps"]:
            if entry["expect"]["outcome"] != REFUSED:  # a refusal leaves the state [VEC-28]
                state = apply_step(state, entry["step"]).state
            entry["state"] = subsystems(state)
    except InvalidInput as exc:
        raise CliError(f"the reference cannot replay this vector: {exc}") from exc


def run(args: argparse.Namespace) -> int:
    from phala_spec.cli import CliError

    from .authoring import vector_path
    from .schema import VectorFileError, load_vector, to_json
    from .store import PACKAGED_DIR

    candidate = Path(args.vector)
    if candidate.suffix == ".cbor" or candidate.is_file():
        path = candidate
        if not path.is_file():
            raise CliError(f"no vector file at {path}")
    else:
        vectors_dir = args.vectors or PACKAGED_DIR
        if not vectors_dir.is_dir():
            raise CliError(f"no vector directory at {vectors_dir}")
        if args.vector.strip("/").count("/") != 3:
            raise CliError(f"{args.vector!r} is neither a file nor an id preset/suite/handler/case")
        path = vectors_dir / vector_path(args.vector.strip("/"))
        if not path.is_file():
            raise CliError(f"unknown vector id {args.vector!r} (no file {path})")
    try:
        vector = load_vector(path)
    except VectorFileError as exc:
        raise CliError(str(exc)) from exc
    ordered = {key: vector[key] for key in ORDER}
    ordered["steps"] = [
        {
            "step": {"kind": e["step"].get("kind"), **e["step"]},
            "expect": {key: e["expect"][key] for key in EXPECT_ORDER},
        }
        for e in vector["steps"]
    ]
    ordered["provenance"] = {key: vector["provenance"][key] for key in PROVENANCE_ORDER}
    if args.state:
        _add_states(ordered, vector)
    text = json.dumps(to_json(ordered), indent=2, ensure_ascii=False) + "\n"
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
