"""An adapter that exits abruptly on the magic step (or at ``hello`` with ``--at-hello``)."""

import os
import sys

from _wrap import is_magic, serve


def before(request):
    if is_magic(request) or ("--at-hello" in sys.argv and request.get("request") == "hello"):
        print("crash.py: crashing on purpose", file=sys.stderr, flush=True)
        os._exit(3)


serve(before=before)
