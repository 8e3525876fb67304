"""An adapter that writes garbage instead of a reply on the magic step.

``--short`` writes a plausible length followed by bytes that are not CBOR; the
default writes text, whose first four bytes read as an absurd frame length;
``--no-status`` writes a valid frame that is not a reply.
"""

import os
import sys

from _wrap import is_magic, serve

from phala_spec.conformance.protocol import frame


def before(request):
    if is_magic(request):
        if "--short" in sys.argv:
            blob = (5).to_bytes(4, "big") + b"\xff\xff\xff\xff\xff"
        elif "--no-status" in sys.argv:
            blob = frame({"hello": "world"})
        else:
            blob = b"garbage, not a frame\n"
        sys.stdout.buffer.write(blob)
        sys.stdout.buffer.flush()
        # then carry on as if nothing happened: the runner must not trust this stream any more
        if "--exit" in sys.argv:
            os._exit(0)


serve(before=before)
