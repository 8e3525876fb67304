"""Z3 proof obligations over the reference arithmetic.

The runner (:mod:`.obligations`) discovers obligations by importing the modules
listed in :data:`MODULES`; add a module here to extend the suite.
"""

MODULES: tuple[str, ...] = (
    "phala_spec.proofs.fixed_point",
    "phala_spec.proofs.balances",
    "phala_spec.proofs.mq",
    "phala_spec.proofs.staking",
    "phala_spec.proofs.stake_pool",
    "phala_spec.proofs.governance",
    "phala_spec.proofs.collective",
    "phala_spec.proofs.gatekeeper",
    "phala_spec.proofs.phat",
)
