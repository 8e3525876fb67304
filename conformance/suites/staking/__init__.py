"""Authored vectors for W-PHA and the base pool [STK-1]..[STK-24].

Every expectation is derived from spec/staking.md, not read off the
reference: amounts are whole PHA where the fixed-point conversions are exact
(``to_fixed(n PHA) = n << 64``), so prices such as 1.5 and the shares and
payouts they give follow from the rules by hand; the builder checks them at
generation time. ``u`` is one PHA. The cast: alice, bob and dave wrap 1,000
PHA each; charlie owns the pools and pays the rewards; ferdie stands for a
stake pool's lock account (W-PHA moved out of a pool with ``Assets.transfer``,
as a stake pool does when it stakes a worker).

Handlers: the call name without the pallet; ``scenario`` holds the long story.

Modules: ``wrapped`` (W-PHA [STK-1]..[STK-9]), ``base_pool`` ([STK-10]..[STK-24]
with the long story); ``common`` holds the genesis and the pool they share.
"""
