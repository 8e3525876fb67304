"""Vectors for the primitives on their own: ``primitive`` steps [STEP-9] [PRIM-1]..[PRIM-12].

An implementer can check its integer, fixed-point and per-thing arithmetic, its
hashes, SCALE compact integers and canonical CBOR, and its sr25519 stack
(Keccak, STROBE, Merlin, ristretto255, keys, signatures, derivation) with the
rest of the crypto profile (agreement, KDF, AES-256-GCM) before it runs a
single block. Each handler is one primitive; each case walks its boundaries:
the edges of a width or a format, exact rounding ties, the lengths at which a
hash or a sponge fills a block, canonical and non-canonical encodings, valid
and invalid keys and signatures.

Every returned value is the reference's. Where the rule gives the value
directly (exact integer and rational arithmetic, rounding by the mode), the
case computes it independently and the builder checks the reference against it
while generating ([VEC-14]); the tests check the crypto answers against
published test vectors and against schnorrkel itself.

Modules: ``integers`` [PRIM-2], ``fixed_point`` [PRIM-3] [PRIM-4],
``perthings`` [PRIM-5], ``encodings`` [PRIM-6] [PRIM-7], ``transcripts``
[PRIM-8], ``ristretto`` [PRIM-9], ``keys`` [PRIM-10] [PRIM-11], ``sealing``
[PRIM-12].
"""
