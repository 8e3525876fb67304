"""Every decoder meets random and mutated input with typed errors only (``phala-spec fuzz``)."""

from __future__ import annotations

import random

from phala_spec.conformance.fuzz import Target, fuzz, mutate, targets


def test_no_decoder_raises_an_untyped_error() -> None:
    """A bounded budget in CI; `phala-spec fuzz --inputs 15000` runs over 100,000 inputs."""
    report = fuzz(300, seed=0)
    assert set(report.inputs) == {t.name for t in targets()}
    assert report.findings == [], report.findings[:3]


def test_the_harness_reports_what_a_decoder_lets_escape() -> None:
    def fragile(data: bytes) -> object:
        return {b"": 1}[data[:1]]  # a KeyError for any non-empty input

    report = fuzz(50, seed=1, chosen=[Target("fragile", fragile, lambda: [b"ab"], ())])
    assert report.findings and report.findings[0].error.startswith("KeyError")


def test_inputs_are_reproducible_from_the_seed() -> None:
    samples = [b"sample-one", b"sample-two"]
    first = [mutate(random.Random("7/x"), samples) for _ in range(3)]
    again = [mutate(random.Random("7/x"), samples) for _ in range(3)]
    assert first == again
