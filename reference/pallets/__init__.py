"""Pallets: the chain's rules, a module (or a package of modules) per production pallet.

Balances (:mod:`.balances`, a package), the message queue (:mod:`.mq`), the
registry (:mod:`.registry`, a package), computation, and two families:
:mod:`.staking` and :mod:`.governance`.

May use: :mod:`phala_spec.primitives`, :mod:`phala_spec.chain`,
:mod:`phala_spec.tee`, and pallets that come before them (a pallet never
imports its caller). What a pallet needs from a later one (OnReward,
OnUnbalanced, mq routes, the dispatch of held calls) is a port that the
runtime composition (:mod:`phala_spec.runtime`) wires.
"""
