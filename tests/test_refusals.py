"""Refusal vectors: input an implementation must refuse [VEC-28] [ADP-6] [ADP-7].

The runner's side is checked with in-process adapters around the reference's
own: one that applies what it should refuse (it must fail exactly at the
refusal), one that refuses everything (refusing a step it should apply is an
error, never a pass). The authoring and schema side: a refusal is recorded
only when the reference refuses, carries nothing but the refusal, and never
ends a vector.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from phala_spec.conformance import adequacy
from phala_spec.conformance.authoring import AuthoringError, CaseBuilder, build_vector
from phala_spec.conformance.runner import replay_vector
from phala_spec.conformance.schema import SchemaError, check_vector, load_vector
from phala_spec.conformance.store import PACKAGED_DIR, discover
from phala_spec.primitives import codec


def shipped_refusals() -> list[dict[str, Any]]:
    vectors = [load_vector(path) for vid, path in discover(PACKAGED_DIR) if "/refusals/" in vid]
    assert vectors, "the refusals suite ships vectors"
    return vectors


def refused_steps(vector: dict[str, Any]) -> list[int]:
    return [i for i, e in enumerate(vector["steps"]) if e["expect"]["outcome"] == "invalid"]


class Lenient(adequacy.InProcessAdapter):
    """Applies what the reference refuses: a refused step becomes a step that changed nothing."""

    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        reply = super().request(message)
        if reply["status"] != "error" or message["request"] not in ("step", "load"):
            return reply
        return {"status": "ok", "outcome": "ok", "events": [], "returned": None, "digests": {}}


class Refusing(adequacy.InProcessAdapter):
    """Refuses every step."""

    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        if message["request"] == "step":
            return {"status": "error", "message": "cannot read steps"}
        return super().request(message)


def test_the_reference_passes_every_refusal() -> None:
    for vector in shipped_refusals():
        result = replay_vector(adequacy.InProcessAdapter(codec), vector)
        assert result.status == "pass", result.headline()


def test_applying_refused_input_fails_at_the_refusal() -> None:
    kinds = set()
    for vector in shipped_refusals():
        result = replay_vector(Lenient(codec), vector)
        assert result.status == "fail", result.headline()
        assert result.expected == "invalid" and result.actual == "ok"
        if vector["genesis_outcome"] == "invalid":
            kinds.add("genesis")
            assert result.step is None and result.where == "genesis"
        else:
            kinds.add("step")
            assert result.step == refused_steps(vector)[0] and result.where == "outcome"
    assert kinds == {"genesis", "step"}


def test_refusing_a_step_to_apply_is_an_error_not_a_pass() -> None:
    for vector in shipped_refusals():
        result = replay_vector(Refusing(codec), vector)
        if vector["genesis_outcome"] == "invalid":
            assert result.status == "pass"  # a refused genesis has no steps
            continue
        first_applied = next(
            i for i, e in enumerate(vector["steps"]) if e["expect"]["outcome"] != "invalid"
        )
        assert result.status == "error" and result.step == first_applied, result.headline()


def test_a_refused_step_leaves_the_commitment_as_it_was() -> None:
    for vector in shipped_refusals():
        for index in refused_steps(vector):
            before = (
                vector["genesis_digests"]
                if index == 0
                else vector["steps"][index - 1]["expect"]["digests"]
            )
            assert vector["steps"][index]["expect"]["digests"] == before


def test_the_schema_holds_refusals_to_their_form() -> None:
    vector = next(v for v in shipped_refusals() if refused_steps(v))
    index = refused_steps(vector)[0]
    with_event = copy.deepcopy(vector)
    with_event["steps"][index]["expect"]["events"] = [{"name": "System.Remarked", "fields": {}}]
    ending = copy.deepcopy(vector)
    ending["steps"] = ending["steps"][: index + 1]
    genesis = next(v for v in shipped_refusals() if v["genesis_outcome"] == "invalid")
    with_steps = copy.deepcopy(genesis)
    with_steps["steps"] = vector["steps"]
    unknown = copy.deepcopy(vector)
    unknown["genesis_outcome"] = "refused"
    for bad, message in (
        (with_event, "must be [] for a refused step"),
        (ending, "never ends with a refused step"),
        (with_steps, "must be empty when the genesis is refused"),
        (unknown, "must be 'ok' or 'invalid'"),
    ):
        with pytest.raises(SchemaError, match=re.escape(message)):
            check_vector(bad)


def test_authoring_records_a_refusal_only_when_the_reference_refuses() -> None:
    b = CaseBuilder("minimal")
    with pytest.raises(AuthoringError, match="the reference applies"):
        b.refuse({"kind": "initialize_block", "number": 1, "timestamp": 0, "randomness": bytes(32)})
    with pytest.raises(AuthoringError, match="the reference accepts this genesis"):
        CaseBuilder("minimal").refuse_genesis({"config": {"existential_deposit": 2}})
    b.refuse({"kind": "finalize_block"})
    spec = b.to_spec(suite="refusals", handler="t", case="last")
    with pytest.raises(AuthoringError, match="never ends with a refused step"):
        build_vector(spec)
    refused = CaseBuilder("minimal")
    refused.refuse_genesis({"treasury": {}})
    with pytest.raises(AuthoringError, match="has no steps"):
        refused.finalize_block()
