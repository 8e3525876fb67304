"""Authored vectors for the collectives, the Council elections and the treasury
[COL-1]..[COL-14] [ELE-1]..[ELE-18] [TRS-1]..[TRS-10].

Suite ``governance``, handlers ``collective``, ``membership`` (the Technical
Committee's ``TechnicalMembership``), ``elections``, ``treasury``, ``wiring``
(a Council motion, a Technical Committee motion and a referendum enacting a
treasury spend) and ``call_filter`` (production's filter refusing the
elections' calls, root and an enacted referendum bypassing it, [CHAIN-15]).
The elections cases run with the allow-all filter ``Everything``, as the
pallet's own tests do, since production's filter refuses its calls [ELE-3].

Every case is written against the spec: each call states the outcome the
rules give (checked at generation time), a rejected call must leave the whole
state unchanged, and the facts the rules fix (who voted, who was elected, who
was paid) are checked on the reference's state as the case is built.

Error codes production declares but cannot raise here have no vector:
``WrongProposalWeight`` (weights are not modelled, [COL-3]),
``AlreadyInitialized`` (a genesis panic, [COL-2]), ``InvalidReplacement``
(never raised by v1.2.0, [ELE-11]) and ``InsufficientPermission``
(unreachable with Phala's spend allowance, [TRS-7]).

Modules: ``motions`` [COL-3]..[COL-13], ``membership`` [COL-14], ``elections``
[ELE-3]..[ELE-18], ``treasury`` [TRS-3]..[TRS-10] with the ``wiring`` story,
``call_filter`` [CHAIN-15]; ``common`` holds the Council's calls they share.
"""
