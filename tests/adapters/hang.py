"""An adapter that stops answering on the magic step (it sleeps)."""

import time

from _wrap import is_magic, serve


def before(request):
    if is_magic(request):
        time.sleep(3600)


serve(before=before)
