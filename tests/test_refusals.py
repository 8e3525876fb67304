"""Refusal vectors: input an implementation must refuse [VEC-28] [ADP-6] [ADP-7] [ADP-8].

The runner's side is checked with in-process adapters around the reference's
own: one that applies what it should refuse and answers the queries it should
refuse (it must fail exactly at the first refusal), one that refuses every
step and one that refuses every query (refusing input it should accept is an
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
from phala_spec.conformance.runner import observation_label, replay_vector
from phala_spec.conformance.schema import SchemaError, check_vector, load_vector
from phala_spec.conformance.store import PACKAGED_DIR, discover
from phala_spec.network import view_names
from phala_spec.primitives import codec


def shipped_refusals() -> list[dict[str, Any]]:
    vectors = [load_vector(path) for vid, path in discover(PACKAGED_DIR) if "/refusals/" in vid]
    assert vectors, "the refusals suite ships vectors"
    return vectors


def refused_steps(vector: dict[str, Any]) -> list[int]:
    return [i for i, e in enumerate(vector["steps"]) if e["expect"]["outcome"] == "invalid"]


def refused_observations(vector: dict[str, Any]) -> list[tuple[int, int]]:
    """``(step, observation)`` of every observation the vector expects refused."""
    return [
        (i, j)
        for i, e in enumerate(vector["steps"])
        for j, o in enumerate(e["expect"]["observations"])
        if o.get("outcome") == "invalid"
    ]


def first_refusal(vector: dict[str, Any]) -> tuple[int, str]:
    """The step of the vector's first refusal, and where the runner reports it."""
    for i, entry in enumerate(vector["steps"]):
        if entry["expect"]["outcome"] == "invalid":
            return i, "outcome"
        for obs in entry["expect"]["observations"]:
            if obs.get("outcome") == "invalid":
                return i, observation_label(obs)
    raise AssertionError(f"{vector['id']} refuses nothing")


class Lenient(adequacy.InProcessAdapter):
    """Applies what the reference refuses: a refused step becomes a step that changed nothing,
    a refused query is answered null."""

    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        reply = super().request(message)
        if reply["status"] != "error":
            return reply
        if message["request"] == "query":
            return {"status": "ok", "value": None}
        return {"status": "ok", "outcome": "ok", "events": [], "returned": None, "digests": {}}


class Refusing(adequacy.InProcessAdapter):
    """Refuses every step."""

    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        if message["request"] == "step":
            return {"status": "error", "message": "cannot read steps"}
        return super().request(message)


class RefusingQueries(adequacy.InProcessAdapter):
    """Refuses every query."""

    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        if message["request"] == "query":
            return {"status": "error", "message": "cannot read views"}
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
        assert result.expected == "invalid"
        if vector["genesis_outcome"] == "invalid":
            kinds.add("genesis")
            assert result.step is None and result.where == "genesis" and result.actual == "ok"
            continue
        step, where = first_refusal(vector)
        assert (result.step, result.where) == (step, where), result.headline()
        if where == "outcome":
            kinds.add("step")
            assert result.actual == "ok"
        else:
            kinds.add("observation")
            assert result.actual is None and "answered" in result.message
    assert kinds == {"genesis", "step", "observation"}


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


def test_refusing_a_query_to_answer_is_an_error_not_a_pass() -> None:
    checked = 0
    for vector in shipped_refusals():
        answered = [
            i
            for i, e in enumerate(vector["steps"])
            if e["expect"]["outcome"] != "invalid"
            and any("value" in o for o in e["expect"]["observations"])
        ]
        result = replay_vector(RefusingQueries(codec), vector)
        if not answered:
            assert result.status == "pass", result.headline()
            continue
        checked += 1
        assert result.status == "error" and result.step == answered[0], result.headline()
    assert checked


def test_every_view_has_refused_arguments() -> None:
    """Each view of the reference is asked with arguments it must refuse, and answered with its
    own, on a chain or on a network [VIEW-1] [NET-11]."""
    refused: set[str] = set()
    answered: set[str] = set()
    for vector in shipped_refusals():
        for entry in vector["steps"]:
            for obs in entry["expect"]["observations"]:
                if not isinstance(obs["view"], str):
                    continue
                (refused if obs.get("outcome") == "invalid" else answered).add(obs["view"])
    assert set(view_names()) <= refused & answered


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
    asking = next(v for v in shipped_refusals() if refused_observations(v))
    step, index = refused_observations(asking)[0]
    with_value = copy.deepcopy(asking)
    with_value["steps"][step]["expect"]["observations"][index]["value"] = None
    other_outcome = copy.deepcopy(asking)
    other_outcome["steps"][step]["expect"]["observations"][index]["outcome"] = "ok"
    for bad, message in (
        (with_event, "must be [] for a refused step"),
        (ending, "never ends with a refused step"),
        (with_steps, "must be empty when the genesis is refused"),
        (unknown, "must be 'ok' or 'invalid'"),
        (with_value, "unknown field(s) value"),
        (other_outcome, "outcome: must be 'invalid'"),
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
    with pytest.raises(AuthoringError, match="needs an applied step"):
        CaseBuilder("minimal").refuse_observation("balance", [])
    asking = CaseBuilder("minimal")
    asking.initialize_block()
    with pytest.raises(AuthoringError, match="the reference answers"):
        asking.refuse_observation("balance", [bytes(32)])
    asking.refuse_observation("balance", bytes(32))
    asking.refuse_observation(7, [])
    entry = build_vector(asking.to_spec(suite="refusals", handler="t", case="query"))["steps"][0]
    assert entry["expect"]["observations"] == [
        {"view": "balance", "args": bytes(32), "outcome": "invalid"},
        {"view": 7, "args": [], "outcome": "invalid"},
    ]
    refused = CaseBuilder("minimal")
    refused.refuse_genesis({"treasury": {}})
    with pytest.raises(AuthoringError, match="has no steps"):
        refused.finalize_block()
