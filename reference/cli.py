"""The ``phala-spec`` command line.

One tool with subcommands; each subcommand lives with the package it serves
and exposes ``add_arguments(parser)`` and ``run(args) -> int``. Bad input ends
in a one-line message and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import version

# subcommand path -> (module, help)
COMMANDS: dict[tuple[str, ...], tuple[str, str]] = {
    ("conformance", "run"): (
        "phala_spec.conformance.cli_run",
        "run the conformance vectors against an implementation (default: the reference)",
    ),
    ("vectors", "generate"): ("phala_spec.conformance.cli_generate", "generate the vectors"),
    ("vectors", "verify"): (
        "phala_spec.conformance.cli_verify",
        "check vectors: schema, hashes, lock",
    ),
    ("vectors", "coverage"): (
        "phala_spec.conformance.cli_coverage",
        "trace the clauses and error codes each vector exercises [VEC-25]",
    ),
    ("vectors", "export"): (
        "phala_spec.conformance.cli_export",
        "export vectors as ITF traces or as JSON",
    ),
    ("vectors", "show"): ("phala_spec.conformance.cli_show", "print a vector as JSON"),
    ("adapter",): (
        "phala_spec.conformance.cli_adapter",
        "serve the reference over the adapter protocol",
    ),
    ("prove",): ("phala_spec.proofs.cli", "run the Z3 proof obligations"),
    ("explore",): ("phala_spec.models.cli", "run the Hypothesis models; write failures as vectors"),
    ("bench",): ("phala_spec.bench", "measure the reference's performance"),
    ("simulate",): ("phala_spec.simulate", "simulate a network day at scale: economics and pools"),
    ("fuzz",): ("phala_spec.conformance.fuzz", "feed every decoder random and mutated input"),
    ("adequacy",): (
        "phala_spec.conformance.cli_adequacy",
        "mutation testing: how many wrong rules the vectors catch",
    ),
}


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phala-spec",
        description="Executable specification of the Phala Network protocol.",
    )
    parser.add_argument(
        "--version", action="version", version=f"phala-spec {version('phala-spec')}"
    )
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    top = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for path, (module, help_text) in COMMANDS.items():
        if len(path) == 1:
            sub = top.add_parser(path[0], help=help_text, description=help_text)
        else:
            if path[0] not in groups:
                group = top.add_parser(path[0], help=f"{path[0]} commands")
                groups[path[0]] = group.add_subparsers(
                    dest="subcommand", required=True, metavar="SUBCOMMAND"
                )
            sub = groups[path[0]].add_parser(path[1], help=help_text, description=help_text)
        sub.set_defaults(_module=module)
        importlib.import_module(module).add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = importlib.import_module(args._module)
    try:
        status: int = module.run(args)
    except CliError as error:
        print(f"phala-spec: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("phala-spec: interrupted", file=sys.stderr)
        return 130
    return status
