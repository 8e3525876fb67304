"""Authored vectors for stake pools (v2) and vaults [STK-40]..[STK-67].

Suite ``staking``, handlers ``stake_pool_v2``, ``vault`` and ``scenario``.
Workers are registered and benchmarked as in the computation suite (score
1200: minimum stake 100·√1200 ≈ 3464.1 PHA); rewards arrive in gatekeeper
reports relayed through the queue, in the ``oracle`` crypto setting (each
signed message carries its validity). Amounts are whole PHA, so the share
price stays exactly 1 until a reward and every expectation follows from
spec/staking.md by hand; the builder checks them at generation time.

The cast: alice operates the workers and owns the pools; bob and charlie
contribute (each wrapped 100,000 PHA); dave never wrapped.

Modules: ``pools`` (workers, contributions and withdrawals [STK-40]..[STK-47]),
``computing`` (computing, rewards and forced withdrawals [STK-48]..[STK-54]),
``vault`` [STK-55]..[STK-67] and ``scenario``; ``common`` holds the cast's
calls and the pool they share.
"""
