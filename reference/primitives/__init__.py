"""Primitives: what every layer computes with and nothing above it.

Fixed-width and fixed-point arithmetic (:mod:`.arith`, :mod:`.fixed`), the
Perthings (:mod:`.perthings`), the state codec and digest (:mod:`.codec`),
SCALE (:mod:`.scale`), the crypto profile (:mod:`.crypto`) and the typed errors
(:mod:`.errors`).

May use: the standard library and the pinned third-party libraries only.
"""
