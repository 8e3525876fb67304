"""A partial implementation.

``caps``: declares only the ``minimal`` preset and no ``Balances.reserve``
call, so the runner must not even send those vectors;
``reply``: declares everything but answers ``unsupported`` to ``Balances.slash_reserved`` steps;
``protocol``: refuses the protocol version at ``hello``.
"""

import sys

from _wrap import serve

MODE = sys.argv[1]


def after(request, reply):
    kind = request.get("request")
    if kind == "hello":
        if MODE == "protocol":
            return {"status": "unsupported", "reason": "protocol 7 only"}
        if MODE == "caps":
            caps = dict(reply["capabilities"], presets=["minimal"])
            caps["calls"] = [c for c in caps["calls"] if c != "Balances.reserve"]
            return dict(reply, capabilities=caps)
    if (
        MODE == "reply"
        and kind == "step"
        and request["step"].get("call") == "Balances.slash_reserved"
    ):
        return {"status": "unsupported", "reason": "no slashing here"}
    return reply


serve(after=after)
