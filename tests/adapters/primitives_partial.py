"""An implementation of some primitives only [ADP-5] [STEP-9].

``omit``: its ``hello`` has no ``primitives`` capability (an adapter written before it);
``some``: declares the primitive ``checked_add`` only;
``reply``: declares every primitive but answers ``unsupported`` to ``checked_sub`` steps;
``wrong``: declares every primitive and returns ``checked_add``'s sum plus one.
"""

import sys

from _wrap import serve

MODE = sys.argv[1]


def after(request, reply):
    kind = request.get("request")
    if kind == "hello":
        caps = dict(reply["capabilities"])
        if MODE == "omit":
            del caps["primitives"]
        if MODE == "some":
            caps["primitives"] = ["checked_add"]
        return dict(reply, capabilities=caps)
    step = request.get("step") if kind == "step" else None
    if not isinstance(step, dict) or step.get("kind") != "primitive":
        return reply
    if MODE == "reply" and step.get("name") == "checked_sub":
        return {"status": "unsupported", "reason": "no subtraction here"}
    if MODE == "wrong" and step.get("name") == "checked_add" and reply.get("outcome") == "ok":
        return dict(reply, returned=reply["returned"] + 1)
    return reply


serve(after=after)
