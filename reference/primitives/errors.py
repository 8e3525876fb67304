"""Typed errors [CHAIN-6].

A rejected call raises :class:`DispatchError` carrying a language-neutral code.
Module errors are named ``Pallet.Name`` exactly as the production pallet names
them (``Balances.InsufficientBalance``); Substrate's non-module errors keep the
names polkadot.js shows for them (``BadOrigin``, ``Token.FundsUnavailable``,
``Arithmetic.Overflow``, ``ConsumerRemaining``). The block executor keeps the
state from before the call, so a rejection never changes anything.
"""

from __future__ import annotations


class DispatchError(Exception):
    """A call was rejected; ``code`` says why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class ArithmeticOverflow(DispatchError):
    def __init__(self) -> None:
        super().__init__("Arithmetic.Overflow")


class ArithmeticUnderflow(DispatchError):
    def __init__(self) -> None:
        super().__init__("Arithmetic.Underflow")


class BadOrigin(DispatchError):
    def __init__(self) -> None:
        super().__init__("BadOrigin")


class InvalidInput(Exception):
    """Input that cannot even be expressed as a call (a malformed step or argument).

    This is not a protocol outcome: the reference reports it as a harness error,
    and the conformance runner reports it with status ``error``.
    """


class RuntimePanic(InvalidInput):
    """The production runtime would panic executing this input [CHAIN-11].

    A panicking extrinsic cannot be part of any block: a block author drops it
    and the chain never sees it. A single step that panics is therefore input
    that cannot happen (invalid input); a block producer that meets one, such as
    the network's relayers, leaves the extrinsic out and goes on.
    """
