"""The authoring API, vector building and deterministic generation [VEC-8] [VEC-12]..[VEC-15]."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from adapters.sample_cases import SAMPLE, write_sample_vectors

from phala_spec.conformance.authoring import (
    FORMAT,
    AuthoringError,
    CaseBuilder,
    CaseSpec,
    Provenance,
    Registry,
    StepSpec,
    build_vector,
    case,
    case_source,
    default_randomness,
    matches,
    pallet,
    signed,
    write_vector,
)
from phala_spec.conformance.schema import SchemaError, check_vector, parse_vector
from phala_spec.conformance.store import read_lock
from phala_spec.primitives.codec import decode, encode

ROOT = Path(__file__).resolve().parent.parent


def test_builder_defaults_and_state() -> None:
    b = CaseBuilder("minimal")
    assert b.preset == "minimal" and b.config.existential_deposit == 10
    b.initialize_block()
    block = b.state.system.block
    assert (block.number, block.timestamp, block.randomness) == (
        1,
        b.config.block_time_ms,
        default_randomness(1),
    )
    b.finalize_block()
    b.initialize_block(number=5)
    assert b.state.system.block.number == 5
    assert b.state.system.block.timestamp == 2 * b.config.block_time_ms


def test_genesis_overrides_are_recorded_with_account_ids() -> None:
    b = CaseBuilder("phala")
    alice = b.account("alice")
    b.genesis(config={"existential_deposit": 7}, balances=[("alice", 500)])
    assert b.config.existential_deposit == 7
    spec = b.to_spec(suite="s", handler="h", case="c")
    assert spec.genesis == {"config": {"existential_deposit": 7}, "balances": [[alice, 500]]}


def test_builder_refuses_misuse() -> None:
    b = CaseBuilder("minimal")
    with pytest.raises(AuthoringError, match="needs a step"):
        b.expect_outcome("ok")
    b.initialize_block()
    with pytest.raises(AuthoringError, match="before the first step"):
        b.genesis(balances=[])
    with pytest.raises(AuthoringError, match="not valid input"):
        b.call("Balances.no_such_call", {}, origin=signed("alice"))
    with pytest.raises(AuthoringError, match="not valid input"):
        b.finalize_block(observe=[("no_such_view",)])
    assert b.account("mallory") == b.account("mallory") != b.account("alice")
    with pytest.raises(AuthoringError, match="32 bytes"):
        signed(b"short")
    b.call(
        "Balances.transfer_allow_death",
        {"dest": b.account("bob"), "value": 10**9},
        origin=signed("alice"),
    )
    with pytest.raises(AuthoringError, match="expected outcome 'ok'"):
        b.expect_outcome("ok")


def test_block_convenience_and_observe() -> None:
    b = CaseBuilder("minimal")
    alice = b.account("alice")
    outcomes = b.block(
        calls=[
            ("Balances.reserve", {"who": alice, "value": 5}, pallet("Test"), [("balance", alice)])
        ],
        observe=[("block",)],
    )
    assert outcomes == ["ok"]
    b.observe("total_issuance")
    spec = b.to_spec(suite="s", handler="h", case="c")
    assert [s.step["kind"] for s in spec.steps] == ["initialize_block", "call", "finalize_block"]
    assert spec.steps[1].observations == (("balance", (alice,)),)
    assert spec.steps[2].observations == (("block", ()), ("total_issuance", ()))


def test_case_registry_rules() -> None:
    registry = Registry()

    @case(
        suite="x", handler="y", presets=("minimal", "phala"), clauses=("BAL-10",), registry=registry
    )
    def one(b: CaseBuilder) -> None:
        """Doc."""
        b.initialize_block()

    specs = registry.specs()
    assert [s.id for s in specs] == ["minimal/x/y/one", "phala/x/y/one"]
    assert specs[0].description == "Doc." and specs[0].clauses == ("BAL-10",)
    assert specs[0].provenance.source.endswith(":test_case_registry_rules.<locals>.one")
    assert [s.id for s in registry.specs("phala")] == ["phala/x/y/one"]
    with pytest.raises(AuthoringError, match="must match"):
        case(suite="Bad Name", handler="y", registry=registry)(one)
    with pytest.raises(AuthoringError, match="presets"):
        case(suite="x", handler="y", presets=("mainnet",), registry=registry)(one)

    def clash(b: CaseBuilder) -> None:
        pass

    clash.__name__ = clash.__qualname__ = "one"
    with pytest.raises(AuthoringError, match="defined twice"):
        case(suite="x", handler="y", registry=registry)(clash)


def test_case_declares_its_block() -> None:
    """``block=N``: the builder opens block N after the genesis and closes it at the end [VEC-12]."""
    registry = Registry()

    @case(suite="x", handler="y", registry=registry, block=1)
    def in_one_block(b: CaseBuilder) -> None:
        b.genesis(balances=[("alice", 1000)])
        assert b.chain.system.in_block
        b.call("Balances.reserve", {"who": b.account("alice"), "value": 5}, pallet("Test"))

    @case(suite="x", handler="y", registry=registry, block=1)
    def closes_itself(b: CaseBuilder) -> None:
        b.call("Balances.reserve", {"who": b.account("alice"), "value": 5}, pallet("Test"))
        b.finalize_block(observe=[("total_issuance",)])

    built, closed = registry.specs()[1], registry.specs()[0]
    kinds = ["initialize_block", "call", "finalize_block"]
    assert [s.step["kind"] for s in built.steps] == kinds
    assert built.steps[0].step["number"] == 1
    assert [s.step["kind"] for s in closed.steps] == kinds
    assert closed.steps[2].observations == (("total_issuance", ()),)


def test_case_source_names_the_suite_module() -> None:
    """A case in a suite package's module records the suite's module as its source [VEC-9]."""

    def story(b: CaseBuilder) -> None:
        pass

    story.__qualname__ = "story"
    story.__module__ = "phala_spec.conformance.suites.balances.transfers"
    assert case_source(story) == "phala_spec.conformance.suites.balances:story"
    story.__module__ = "phala_spec.conformance.suites.network"
    assert case_source(story) == "phala_spec.conformance.suites.network:story"
    story.__module__ = "tests.somewhere"
    assert case_source(story) == "tests.somewhere:story"


def test_matches() -> None:
    assert matches("minimal/balances/transfer/a", None)
    assert matches("minimal/balances/transfer/a", "balances transfer")
    assert not matches("minimal/balances/transfer/a", "phala")
    assert not matches("minimal/balances/transfer/a", "not transfer")
    assert matches("minimal/balances/transfer/a", "balances not phala")


def test_build_vector_from_plain_steps() -> None:
    """A Hypothesis-shrunk trace becomes a vector with origin 'hypothesis' [VEC-15]."""
    alice = CaseBuilder("minimal").account("alice")
    steps = (
        StepSpec(
            {"kind": "initialize_block", "number": 1, "timestamp": 6, "randomness": bytes(32)}
        ),
        StepSpec(
            {
                "kind": "call",
                "origin": {"kind": "pallet", "pallet": "M"},
                "call": "Balances.reserve",
                "args": {"who": alice, "value": 3},
            },
            (("balance", (alice,)),),
        ),
    )
    spec = CaseSpec(
        preset="minimal",
        suite="models",
        handler="balances",
        case="shrunk_0001",
        description="found by a model",
        genesis={},
        steps=steps,
        provenance=Provenance("hypothesis", 1234, "models.balances:BalancesMachine"),
        checks=((1, "ok"),),
    )
    vector = build_vector(spec)
    check_vector(vector)
    assert vector["format"] == FORMAT and vector["id"] == "minimal/models/balances/shrunk_0001"
    assert vector["provenance"]["origin"] == "hypothesis" and vector["provenance"]["seed"] == 1234
    assert vector["steps"][1]["expect"]["observations"][0]["value"]["reserved"] == 3
    with pytest.raises(AuthoringError, match="expected outcome"):
        build_vector(attrs.evolve(spec, checks=((1, "BadOrigin"),)))
    with pytest.raises(AuthoringError, match="origin must be"):
        Provenance("guessed")


def test_generation_is_deterministic(tmp_path: Path) -> None:
    ids = write_sample_vectors(tmp_path / "a" / "vectors")
    write_sample_vectors(tmp_path / "b" / "vectors")
    assert ids and len(ids) == sum(len(d.presets) for d in SAMPLE.cases.values())
    for vector_id in ids:
        rel = Path(*vector_id.split("/")).with_suffix(".cbor")
        assert (tmp_path / "a" / "vectors" / rel).read_bytes() == (
            tmp_path / "b" / "vectors" / rel
        ).read_bytes()
    assert (tmp_path / "a" / "vectors.lock").read_bytes() == (
        tmp_path / "b" / "vectors.lock"
    ).read_bytes()


def test_generation_is_independent_of_hash_seed_and_cwd(tmp_path: Path) -> None:
    write_sample_vectors(tmp_path / "here" / "vectors")
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
        "from adapters.sample_cases import write_sample_vectors;"
        "write_sample_vectors(Path(sys.argv[1]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = tmp_path / "there" / "vectors"
    subprocess.run(
        [sys.executable, "-c", script, str(other), str(ROOT / "tests")],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    assert read_lock(tmp_path / "here" / "vectors.lock") == read_lock(
        tmp_path / "there" / "vectors.lock"
    )


def test_vectors_follow_the_format(tmp_path: Path) -> None:
    for spec in SAMPLE.specs():
        vector = build_vector(spec)
        path = write_vector(vector, tmp_path)
        assert path == tmp_path / spec.preset / spec.suite / spec.handler / f"{spec.case}.cbor"
        blob = path.read_bytes()
        assert parse_vector(blob) == vector
        assert encode(decode(blob)) == blob
        assert len(vector["steps"]) == len(spec.steps)


def test_big_integers_are_bignums() -> None:
    [spec] = SAMPLE.specs("big_numbers")
    vector = build_vector(spec)
    blob = encode(vector)
    assert b"\xc2" in blob  # tag 2: positive bignum [VEC-3]
    value = vector["steps"][1]["expect"]["observations"][1]["value"]
    assert value > 2**64 and decode(blob)["steps"][1]["expect"]["observations"][1]["value"] == value


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda v: v.update(format="phala-spec/vector/0"), "format"),
        (lambda v: v.pop("genesis_digests"), "missing field"),
        (lambda v: v.update(extra=1), "unknown field"),
        (lambda v: v.update(id="minimal/x/y/other"), "id"),
        (lambda v: v["steps"][0]["expect"].update(outcome="not a code"), "outcome"),
        (lambda v: v["steps"][0]["expect"]["digests"].update(system=b"short"), "32-byte"),
        (lambda v: v["provenance"].update(origin="guess"), "provenance.origin"),
        (lambda v: v.update(crypto="maybe"), "crypto"),
    ],
)
def test_schema_rejects(mutate, message) -> None:
    vector = build_vector(SAMPLE.specs("minimal plain_transfer")[0])
    mutate(vector)
    with pytest.raises(SchemaError, match=message):
        check_vector(vector)


def test_non_canonical_encoding_is_rejected() -> None:
    import cbor2

    vector = build_vector(SAMPLE.specs("minimal plain_transfer")[0])
    loose = cbor2.dumps(vector)  # insertion order, not the deterministic encoding
    assert loose != encode(vector)
    with pytest.raises(SchemaError, match="deterministic"):
        parse_vector(loose)


def test_case_crypto_setting_reaches_the_vector() -> None:
    """``case(crypto=...)`` sets the vector's crypto setting [VEC-7]; the default is ``none``."""
    registry = Registry()

    @case(suite="s", handler="h", registry=registry, crypto="oracle")
    def with_oracle(b: CaseBuilder) -> None:
        b.initialize_block()

    @case(suite="s", handler="h", registry=registry)
    def without(b: CaseBuilder) -> None:
        b.initialize_block()

    vectors = {spec.case: build_vector(spec) for spec in registry.specs()}
    assert vectors["with_oracle"]["crypto"] == "oracle"
    assert vectors["without"]["crypto"] == "none"
    with pytest.raises(AuthoringError, match="crypto"):
        case(suite="s", handler="h", registry=registry, crypto="maybe")(without)


def test_builder_records_registry_overrides() -> None:
    b = CaseBuilder("minimal")
    b.genesis(registry={"gatekeeper_master_pubkey": b"\x01" * 32})
    assert b.state.registry.gatekeeper_master_pubkey == b"\x01" * 32
    spec = b.to_spec(suite="s", handler="h", case="c")
    assert spec.genesis == {"registry": {"gatekeeper_master_pubkey": b"\x01" * 32}}
