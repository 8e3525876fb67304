"""The governance family: democracy and the scheduler, the Council and the
Technical Committee (:mod:`.collective`, :mod:`.membership`), elections with
sequential Phragmén, and the treasury.

May use: the layers below the pallets, and the balances pallet.
"""
