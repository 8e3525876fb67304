"""Authored vectors for the computation pallet [CMP-1]..[CMP-23].

Suite ``computation``. Workers are registered by root and get their initial
score from a benchmark report relayed through the queue; the gatekeepers'
reports come from the ``Gatekeeper`` origin under a master key set at genesis.
Stories that relay messages come in both crypto settings [MQ-22] as
``<name>_real`` and ``<name>_oracle``. The stake pool's internal calls
(``bind``, ``start_computing``, ...) are operations here, made with the
origin ``Pallet("PhalaStakePoolv2")`` [CMP-24]. Every expectation is checked
at generation time against spec/computation.md.

Modules: ``lifecycle`` (binding, starting, stopping, reclaiming, unbinding
[CMP-9]..[CMP-13]), ``reports`` (heartbeats and the gatekeepers' reports
[CMP-14]..[CMP-18], and a worker computing through the network),
``parameters`` [CMP-20] [CMP-21]; ``common`` holds the cast, the genesis with
benchmarked workers and the calls they share (the stake pool suite uses them
too).
"""
