"""``phala-spec adapter``: serve the reference over the adapter protocol on stdin/stdout [ADP-1].

Also runnable as ``python -m phala_spec.conformance.cli_adapter``, which is how
``phala-spec conformance run`` starts it by default.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Frames are a 4-byte big-endian length and a deterministic CBOR map; "
        "see spec/adapter-protocol.md. stdout carries frames only; logs go to stderr."
    )


def run(args: argparse.Namespace) -> int:
    from .adapter import serve

    channel_in, channel_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # [ADP-2]: nothing but frames may reach stdout
    return serve(channel_in, channel_out)


def main() -> int:
    return run(argparse.Namespace())


if __name__ == "__main__":
    sys.exit(main())
