"""The runtime composition, the analogue of Substrate's ``construct_runtime!``.

The call table (:mod:`.calls`), block execution with the pallets' hooks in
the runtime's pallet order (:mod:`.block`), presets and genesis
(:mod:`.genesis`) and the named views that vectors observe (:mod:`.views`).

May use: every layer below (primitives, chain, tee, pallets). Used by the
network and the steps.
"""
