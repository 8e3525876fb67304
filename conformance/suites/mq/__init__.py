"""Authored vectors for the message queue (pallet mq) [MQ-1]..[MQ-23].

Every case is written against the rules of ``spec/mq.md``: each call states
the outcome the rules give, and after it the case checks (at generation time)
the sequence the chain expects next from each sender involved and the block's
outbound and queued messages; the same quantities are recorded as
observations, so a failing implementation learns which one differs.

Signed messages come in both crypto settings [MQ-22]. A story that carries
signed input is written once and registered twice, as ``<name>_real`` (sr25519
signatures made with :func:`phala_spec.primitives.crypto.sign` over the signed bytes) and
``<name>_oracle`` (each signature is the boolean it stands for). Stories whose
signatures only make sense as bytes (a signature over other bytes, a
domain-separated signature) exist in ``real`` only. In ``oracle`` vectors a
byte string appears only where the rule rejects it before any cryptography
(a length other than 64).

The only on-chain handler specified is the registry's ([MQ-14], [REG-12]);
the messages these vectors send to its topic fail in it (undecodable payloads
or reports of unregistered workers), so dispatching only ever appends to the
outbound messages and no mq vector has events.

Modules: ``sync`` (``sync_offchain_message``: acceptance, rejections and their
order [MQ-9] [MQ-10] [MQ-13]), ``pool`` (the pool rule [MQ-17] [MQ-21] and the
racing relayers story), ``push_and_queue`` (``push_message``,
``force_push_pallet_message``, ``queue_message`` and the block hooks [MQ-11]
[MQ-12] [MQ-15] [MQ-16]); ``common`` holds the cast, the signer and the checks
they share.
"""
