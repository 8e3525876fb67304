"""Primitives: what every layer computes with and nothing above it.

Fixed-width and fixed-point arithmetic (:mod:`.arith`, :mod:`.fixed`), the
Perthings (:mod:`.perthings`), the state codec and digest (:mod:`.codec`),
SCALE (:mod:`.scale`), the crypto profile (:mod:`.crypto`) with the readable
sr25519 stack under it (:mod:`.keccak`, :mod:`.strobe`, :mod:`.merlin`,
:mod:`.ristretto255`, :mod:`.sr25519`) and the typed errors (:mod:`.errors`).

May use: the standard library and the pinned third-party libraries only.
"""
