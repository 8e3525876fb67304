"""The governance family: democracy (:mod:`.democracy`, built on
:mod:`.democracy_arithmetic`, :mod:`.democracy_storage` and
:mod:`.democracy_voting`) and the scheduler, the Council and the Technical
Committee (:mod:`.collective`, :mod:`.membership`), elections with sequential
Phragmén, and the treasury.

May use: the layers below the pallets, and the balances pallet.
"""
