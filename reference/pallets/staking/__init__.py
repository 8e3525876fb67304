"""The staking family: W-PHA (:mod:`.assets`, :mod:`.wrapped_balances`), the
base pool, stake pools v2 and vaults.

May use: the layers below the pallets, and the pallets balances and
computation.
"""
