"""Authored vectors for pallet-balances and frame_system refcounting [BAL-1]..[BAL-29] [SYS-1]..[SYS-5].

Every case is written against the rules of ``spec/balances.md``, not against
whatever the reference prints: each call states the outcome it must have and,
where it matters, the events (names in order, with the fields the rule fixes),
the balances, the reference counters and the total issuance that the rule
implies. The builder checks them while generating, so a reference that drifts
from the rules fails generation instead of silently rewriting the vectors.

Amounts are written in a *unit* ``u`` that is a tenth of the existential
deposit: in ``minimal`` (ED 10) ``u`` is 1, in ``phala`` (ED 0.01 PHA) it is
10^9, so the same story holds in both presets with exact production numbers.
The standard genesis endows alice, bob and charlie with 1000u each; dave, eve
and ferdie are never endowed ("fresh") unless a case says otherwise.

Handlers are the call name without the pallet; ``scenario`` holds stories of
several blocks and calls, and the origin checks of the trait operations.

Modules: ``transfers`` [BAL-9] [BAL-10], ``keep_alive`` [BAL-11] [BAL-13],
``root_calls`` [BAL-12] [BAL-14] [BAL-15], ``reserves`` [BAL-16]..[BAL-20],
``locks`` [BAL-21]..[BAL-24], ``issuance`` [BAL-25] [BAL-26], ``currency``
[BAL-27] [BAL-28] and ``scenarios``; ``common`` holds the cast, the calls and
the checks they share.
"""
