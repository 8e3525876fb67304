"""`phala-spec adequacy`: the mutation operators, the in-process replay and the ledger [ADQ-1]..[ADQ-7]."""

from __future__ import annotations

import inspect
import signal
import time
from pathlib import Path
from types import FunctionType

import pytest

from phala_spec.cli import main
from phala_spec.conformance import adequacy
from phala_spec.conformance.mutation import Mutant, mutants_of, mutated_code
from phala_spec.conformance.schema import load_vector
from phala_spec.conformance.store import PACKAGED_DIR, discover
from phala_spec.pallets.staking import wrapped_balances

SOURCE = '''
def rule(a, b):
    """A rule [XYZ-1]."""
    if a < b:
        raise ValueError("low")
    ensure_ok(a)
    return min(a + 1, 2 * b)


def ensure_ok(a):
    return a


def table():
    return [1] + [a for a in "ab"]


def with_defaults(a, limit=5, *, step=3):
    return a + 9


CONSTANT = 7
'''


def by_change(mutants: list[Mutant], function: str = "rule") -> set[tuple[str, str, str]]:
    return {(m.operator, m.original, m.mutated) for m in mutants if m.function == function}


def load(source: str, mutant: Mutant | None = None) -> FunctionType:
    namespace: dict[str, object] = {}
    exec(compile(source, "<rule>", "exec"), namespace)
    function = namespace["rule"]
    assert isinstance(function, FunctionType)
    if mutant is not None:
        function.__code__ = mutated_code(source, mutant)
    return function


def test_every_operator_of_the_table_applies_where_it_should():
    """[ADQ-2]: each family's changes, derived from the operator table, and nothing else."""
    mutants = mutants_of("example", "<rule>", SOURCE)
    assert by_change(mutants) == {
        ("boundary", "a < b", "a <= b"),
        ("drop-check", "a < b", "(check dropped)"),
        ("drop-check", "ensure_ok(a)", "(check dropped)"),
        ("swap-checks", "a < b; ensure_ok(a)", "ensure_ok(a); a < b"),
        ("constant", "1", "2"),
        ("constant", "1", "0"),
        ("constant", "2", "3"),
        ("constant", "2", "1"),
        ("constant", "2", "0"),
        ("arithmetic", "a + 1", "+ → -"),
        ("arithmetic", "2 * b", "* → //"),
        ("arithmetic", "min", "max"),
    }
    # joining sequences is not arithmetic; the literal 1 inside the list is still a constant
    assert by_change(mutants, "table") == {("constant", "1", "2"), ("constant", "1", "0")}
    # default argument values are not mutated, the body is [ADQ-1]
    assert by_change(mutants, "with_defaults") == {
        ("constant", "9", "10"),
        ("constant", "9", "8"),
        ("constant", "9", "0"),
        ("arithmetic", "a + 9", "+ → -"),
    }
    # module-level constants and the docstring are not mutated [ADQ-1]
    assert all(m.line != SOURCE.splitlines().index("CONSTANT = 7") + 1 for m in mutants)
    assert {m.clauses for m in mutants if m.function == "rule"} == {("XYZ-1",)}


def test_mutated_code_changes_behaviour_as_described():
    """[ADQ-3]: the installed code object carries exactly the described change."""
    mutants = {
        (m.operator, m.original, m.mutated): m for m in mutants_of("example", "<rule>", SOURCE)
    }
    original = load(SOURCE)
    with pytest.raises(ValueError):
        original(1, 2)
    assert original(2, 2) == 3
    with pytest.raises(ValueError):
        load(SOURCE, mutants[("boundary", "a < b", "a <= b")])(2, 2)
    assert load(SOURCE, mutants[("drop-check", "a < b", "(check dropped)")])(1, 2) == 2
    assert load(SOURCE, mutants[("arithmetic", "min", "max")])(2, 2) == 4
    assert load(SOURCE, mutants[("arithmetic", "a + 1", "+ → -")])(2, 2) == 1


def test_keys_do_not_depend_on_line_numbers():
    """[ADQ-2]: an edit elsewhere in the module moves lines but keeps every key."""
    before = mutants_of("example", "<rule>", SOURCE)
    after = mutants_of("example", "<rule>", "\n\n\ndef other():\n    return 5\n" + SOURCE)
    assert {m.key for m in before} <= {m.key for m in after}
    moved = {m.key: m.line for m in after}
    assert all(moved[m.key] == m.line + 5 for m in before)
    assert len({m.key for m in before}) == len(before)


def test_functions_called_while_importing_are_marked():
    """[ADQ-4]: a function the module's top level calls cannot be judged by an installed mutant."""
    source = (
        "def make(n):\n    return n + 1\n\n\nTABLE = make(3)\n\n\ndef later(n):\n    return n + 1\n"
    )
    marked = {m.function: m.import_time for m in mutants_of("example", "<m>", source)}
    assert marked == {"make": True, "later": False}


def test_functions_reached_from_import_time_calls_are_marked_too():
    """[ADQ-4]: a module function that an import-time call calls in turn runs at import too
    (Keccak's round constants are computed through ``round_constant`` and ``_rc_bit``)."""
    source = (
        "def bit(n):\n    return n % 2\n\n\ndef make(n):\n    return bit(n) + 1\n\n\n"
        "TABLE = make(3)\n\n\ndef later(n):\n    return n + 1\n"
    )
    marked = {m.function: m.import_time for m in mutants_of("example", "<m>", source)}
    assert marked == {"bit": True, "make": True, "later": False}


def test_a_memoised_function_counts_for_every_vector_that_calls_it():
    """[ADQ-3]: STROBE's start state is memoised; every Merlin vector calls it, and each is
    credited with its lines, not only the first one that computed it."""
    from phala_spec.primitives import strobe

    ids = ("merlin_challenge/across_the_rate", "merlin_witness/keyed_with_secrets")
    vectors = [load_vector(PACKAGED_DIR / "minimal" / "primitives" / f"{i}.cbor") for i in ids]
    adapter = adequacy.InProcessAdapter(adequacy._pristine_codec())
    with adequacy._comparing_with(adapter.codec):
        baseline = adequacy.trace_baseline(vectors, [strobe.__file__], adapter)
    source, start = inspect.getsourcelines(strobe.new.__wrapped__)
    line = start + next(i for i, text in enumerate(source) if "head = bytes(" in text)
    assert baseline.lines[strobe.__file__][line] == {0, 1}
    assert hasattr(strobe.new, "cache_clear")  # the proxies are gone again


def test_shards_partition_the_selection():
    """[ADQ-7]: N shards cover the selected mutants exactly once; a sample is seeded."""
    mutants = mutants_of("example", "<rule>", SOURCE)
    shards = [adequacy.select(mutants, shard=(i, 3)) for i in (1, 2, 3)]
    keys = [m.key for shard in shards for m in shard]
    assert sorted(keys) == sorted(m.key for m in mutants)
    assert adequacy.select(mutants, sample=4, seed=5) == adequacy.select(mutants, sample=4, seed=5)
    assert len(adequacy.select(mutants, sample=4, seed=5)) == 4
    assert {m.operator for m in adequacy.select(mutants, operators=["constant"])} == {"constant"}
    for bad in ("0/2", "3/2", "1", "a/b"):
        with pytest.raises(ValueError):
            adequacy.parse_shard(bad)


def test_ledger_entries_need_a_reason(tmp_path: Path):
    """[ADQ-6]: every entry names a mutant once and says why it is equivalent."""
    ledger = tmp_path / "ledger.toml"
    ledger.write_text('[[equivalent]]\nmutant = "m.f/constant/00000000"\nreason = "r"\n')
    assert adequacy.read_ledger(ledger) == {"m.f/constant/00000000": "r"}
    ledger.write_text('[[equivalent]]\nmutant = "m.f/constant/00000000"\nreason = " "\n')
    with pytest.raises(ValueError):
        adequacy.read_ledger(ledger)
    ledger.write_text('[[equivalent]]\nmutant = "k"\nreason = "r"\n' * 2)
    with pytest.raises(ValueError):
        adequacy.read_ledger(ledger)
    committed = adequacy.read_ledger(adequacy.LEDGER)
    keys = {m.key for m in adequacy.all_mutants(adequacy.rule_modules())}
    assert set(committed) <= keys, "every committed entry names an existing mutant"


def test_time_limit_interrupts_a_runaway_vector():
    """[ADQ-4]: a vector past its limit is stopped (and the mutant counted as killed)."""
    started = time.perf_counter()
    with pytest.raises(adequacy._Timeout), adequacy._time_limit(0.05):
        while True:
            pass
    assert time.perf_counter() - started < 5
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def unwrap_vectors() -> list[dict[str, object]]:
    return [
        load_vector(path)
        for vector_id, path in discover(PACKAGED_DIR)
        if vector_id.startswith("minimal/staking/unwrap/")
    ]


def test_mutants_of_a_rule_are_killed_by_the_vectors_that_execute_it():
    """[ADQ-3] [ADQ-4]: a mutant of the unwrap bound is killed by an unwrap vector, named as its
    killer; the live function is restored afterwards; a ledger entry makes a survivor equivalent."""
    function = wrapped_balances.unwrappable
    original = function.__code__
    every = adequacy.all_mutants(adequacy.rule_modules("wrapped_balances"))
    chosen = [m for m in every if m.function == "unwrappable"]
    assert chosen
    vectors = unwrap_vectors()
    survivor_keys = {m.key for m in chosen}
    measured = adequacy.measure(chosen, vectors, ledger=dict.fromkeys(survivor_keys, "test"))
    assert function.__code__ is original
    outcomes = {o.key: o for o in measured.outcomes}
    killed = [o for o in outcomes.values() if o.status in adequacy.KILLED]
    assert killed, "the unwrap vectors pin the bound down"
    ids = {v["id"] for v in vectors}
    assert all(o.vector in ids for o in killed)
    # a survivor named in the ledger is equivalent, never survived
    assert all(o.status != "survived" for o in outcomes.values())
    # the reference itself still passes every vector once the mutants are gone
    adapter = adequacy.InProcessAdapter(adequacy._pristine_codec())
    from phala_spec.conformance.runner import replay_vector

    assert all(replay_vector(adapter, v, "full").status == "pass" for v in vectors)


def test_scores_leave_equivalent_and_import_time_mutants_out():
    """[ADQ-5]: killed over killed, survived and uncovered."""
    base = {
        "module": "m",
        "function": "f",
        "operator": "constant",
        "line": 1,
        "original": "1",
        "mutated": "2",
        "clauses": ("XYZ-1",),
    }
    statuses = ["killed", "timeout", "survived", "uncovered", "equivalent", "import-time"]
    outcomes = [adequacy.Outcome(key=str(i), status=s, **base) for i, s in enumerate(statuses)]
    total = adequacy.overall(outcomes)
    assert (total.killed, total.counted) == (2, 4)
    assert total.score == 50.0
    assert total.covered_score == pytest.approx(200 / 3)
    assert adequacy.scores(outcomes, adequacy.by_clause)["XYZ-1"] == total


def test_cli_lists_and_refuses_bad_shards(capsys: pytest.CaptureFixture[str]):
    """[ADQ-7]: ``--list`` runs nothing; a bad ``--shard`` is a one-line error."""
    assert main(["adequacy", "--list", "-k", "wrapped_balances.unwrappable"]) == 0
    out = capsys.readouterr().out
    assert "wrapped_balances.unwrappable/" in out
    assert main(["adequacy", "--list", "--shard", "3/2"]) == 2
    assert main(["adequacy", "--list", "-k", "no_such_function_anywhere"]) == 2


def test_only_the_live_definition_of_an_overloaded_function_is_mutated():
    """[ADQ-1]: ``@overload`` stubs are dead code; the implementation's mutants install."""
    source = (
        "from typing import overload\n\n\n@overload\ndef rule(a: int) -> int: ...\n"
        "@overload\ndef rule(a: str) -> str: ...\ndef rule(a):\n    return a - 1\n"
    )
    mutants = [m for m in mutants_of("example", "<o>", source) if m.function == "rule"]
    assert {(m.operator, m.line) for m in mutants} >= {("arithmetic", 9)}
    for mutant in mutants:
        assert load(source, mutant)(5) != 4


def test_closures_made_before_the_mutant_get_its_code():
    """[ADQ-3]: a closure a factory made at import time runs the mutated factory's inner code."""
    source = "def factory(n):\n    def inner(x):\n        return x + n\n    return inner\n\n\nADD = factory(1)\n"
    namespace: dict[str, object] = {}
    exec(compile(source, "<factory>", "exec"), namespace)
    factory, add = namespace["factory"], namespace["ADD"]
    assert isinstance(factory, FunctionType) and isinstance(add, FunctionType)
    mutant = next(
        m for m in mutants_of("example", "<factory>", source) if m.operator == "arithmetic"
    )
    closures = adequacy.closures_of(["<factory>"])
    before = factory.__code__
    swapped = adequacy._swap_closures(before, mutated_code(source, mutant), closures)
    assert [f for f, _ in swapped] == [add]
    assert add(5) == 4
    for function, code in swapped:
        function.__code__ = code
    assert add(5) == 6


def test_merged_reports_are_held_to_the_floor(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """[ADQ-7]: shards' reports merge into one score; below ``--floor`` the command fails."""
    import json

    def report(name: str, statuses: list[str]) -> Path:
        outcomes = [
            adequacy.Outcome(
                key=f"{name}.f/constant/{i:08x}",
                module=name,
                function="f",
                operator="constant",
                line=1,
                original="1",
                mutated="2",
                clauses=(),
                status=status,
            ).to_json()
            for i, status in enumerate(statuses)
        ]
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"info": {"shard": name}, "outcomes": outcomes}))
        return path

    first, second = report("a", ["killed", "survived"]), report("b", ["killed", "killed"])
    merge = ["adequacy", "--merge", str(first), str(second)]
    assert main([*merge, "--floor", "75"]) == 0
    assert "75.0 % of 4 mutants killed" in capsys.readouterr().out
    assert main([*merge, "--floor", "76"]) == 1
    assert "below the floor" in capsys.readouterr().out


def test_the_authoring_functions_left_out_exist() -> None:
    """Each function [ADQ-1] leaves out is one of its module's, so the list cannot go stale."""
    from phala_spec.conformance.adequacy import AUTHORING, rule_modules
    from phala_spec.conformance.mutation import mutants_of

    modules = {function.rsplit(".", 2)[0] for function in AUTHORING} | {
        function.rsplit(".", 1)[0] for function in AUTHORING
    }
    functions = {
        f"{name}.{mutant.function}"
        for name, path in rule_modules()
        if name in modules
        for mutant in mutants_of(name, str(path), path.read_text())
    }
    assert set(AUTHORING) <= functions
