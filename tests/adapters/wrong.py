"""A wrong implementation: the reference with one deliberate divergence.

Modes (first argument):

* ``event``: on every step whose reply has events, rename the first event;
* ``digest``: on every ``call`` step, flip the first byte of the ``system`` digest
  (the state itself is right: only its commitment is wrong);
* ``state``: as ``digest``, and the ``system`` state it shows has one more free
  unit on the first account: a wrong state;
* ``observation``: every ``balance`` query answers one more free unit;
* ``genesis``: ``load`` answers a wrong ``system`` digest;
* ``bool``: ``block`` queries answer ``open`` as the integer 0/1 instead of a boolean;
* ``partial``: declares the subsystems ``balances`` and ``system`` only, and
  answers only their digests.
"""

import sys

from _wrap import serve

MODE = sys.argv[1]


PARTIAL = ("balances", "system")


def flip(digest):
    return bytes([digest[0] ^ 0xFF]) + digest[1:]


def flip_system(reply):
    return dict(reply, digests=dict(reply["digests"], system=flip(reply["digests"]["system"])))


def richer_first_account(system):
    first = min(system["accounts"])
    account = system["accounts"][first]
    data = dict(account["data"], free=account["data"]["free"] + 1)
    return dict(system, accounts={**system["accounts"], first: dict(account, data=data)})


def after(request, reply):
    if reply.get("status") != "ok":
        return reply
    kind = request.get("request")
    if MODE == "event" and kind == "step" and reply["events"]:
        first = dict(reply["events"][0], name="Balances.Wrong")
        reply = dict(reply, events=[first, *reply["events"][1:]])
    elif MODE in ("digest", "state") and kind == "step" and request["step"].get("kind") == "call":
        reply = flip_system(reply)
    elif MODE == "state" and kind == "state" and request.get("subsystem") == "system":
        reply = dict(reply, value=richer_first_account(reply["value"]))
    elif MODE == "observation" and kind == "query" and request.get("view") == "balance":
        reply = dict(reply, value=dict(reply["value"], free=reply["value"]["free"] + 1))
    elif MODE == "genesis" and kind == "load":
        reply = flip_system(reply)
    elif MODE == "partial" and kind == "hello":
        reply = dict(reply, capabilities=dict(reply["capabilities"], subsystems=list(PARTIAL)))
    elif MODE == "partial" and "digests" in reply:
        reply = dict(reply, digests={k: v for k, v in reply["digests"].items() if k in PARTIAL})
    elif MODE == "bool" and kind == "query" and request.get("view") == "block":
        reply = dict(reply, value=dict(reply["value"], open=int(reply["value"]["open"])))
    return reply


serve(after=after)
