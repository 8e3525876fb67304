"""A wrong implementation: the reference with one deliberate divergence.

Modes (first argument):

* ``event``: on every step whose reply has events, rename the first event;
* ``digest``: on every ``call`` step, flip the digest's first byte;
* ``observation``: every ``balance`` query answers one more free unit;
* ``genesis``: ``load`` answers a wrong digest;
* ``bool``: ``block`` queries answer ``open`` as the integer 0/1 instead of a boolean.
"""

import sys

from _wrap import serve

MODE = sys.argv[1]


def flip(digest):
    return bytes([digest[0] ^ 0xFF]) + digest[1:]


def after(request, reply):
    if reply.get("status") != "ok":
        return reply
    kind = request.get("request")
    if MODE == "event" and kind == "step" and reply["events"]:
        first = dict(reply["events"][0], name="Balances.Wrong")
        reply = dict(reply, events=[first, *reply["events"][1:]])
    elif MODE == "digest" and kind == "step" and request["step"].get("kind") == "call":
        reply = dict(reply, digest=flip(reply["digest"]))
    elif MODE == "observation" and kind == "query" and request.get("view") == "balance":
        reply = dict(reply, value=dict(reply["value"], free=reply["value"]["free"] + 1))
    elif MODE == "genesis" and kind == "load":
        reply = dict(reply, digest=flip(reply["digest"]))
    elif MODE == "bool" and kind == "query" and request.get("view") == "block":
        reply = dict(reply, value=dict(reply["value"], open=int(reply["value"]["open"])))
    return reply


serve(after=after)
