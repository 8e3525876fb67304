"""Run ``phala-spec`` with only the subcommands whose modules are ready.

Other packages add their subcommand modules independently; until they all
exist, the real parser cannot be built. This shim keeps the real ``main``
(and its error handling) and drops the missing subcommands only.
"""

import importlib
import sys

from phala_spec import cli


def _available(module: str) -> bool:
    try:
        return hasattr(importlib.import_module(module), "add_arguments")
    except Exception:
        return False


cli.COMMANDS = {path: entry for path, entry in cli.COMMANDS.items() if _available(entry[0])}

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
