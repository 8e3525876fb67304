"""``phala-spec adequacy``: the mutation score of the vectors [ADQ-1]..[ADQ-7]."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .mutation import OPERATORS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-k",
        dest="pattern",
        metavar="PATTERN",
        help="only the functions whose dotted name (module.function) contains every word; "
        "'not WORD' excludes (e.g. 'staking', 'tee.dcap', 'democracy._fast_track_origin')",
    )
    parser.add_argument(
        "--against",
        action="append",
        default=[],
        metavar="ORACLE",
        help="what judges the mutants: vectors (default), models or proofs; repeat or give a "
        "comma list (vectors,models,proofs) for their scores side by side",
    )
    parser.add_argument(
        "--operator",
        action="append",
        choices=OPERATORS,
        default=[],
        help="only this operator family (repeatable)",
    )
    parser.add_argument(
        "--sample", type=int, metavar="N", help="a seeded sample of N mutants (default: all)"
    )
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed (default: 0)")
    parser.add_argument(
        "--shard",
        default="1/1",
        metavar="I/N",
        help="run the I-th of N interleaved shards of the selected mutants (for a CI matrix; "
        "combine the shards' --json reports with --merge)",
    )
    parser.add_argument(
        "--floor",
        type=float,
        metavar="PCT",
        help="exit 1 when the overall score is below PCT percent",
    )
    parser.add_argument(
        "--vectors",
        type=Path,
        metavar="DIR",
        help="vector directory (default: the vectors shipped with phala-spec)",
    )
    parser.add_argument(
        "--ledger",
        type=Path,
        metavar="FILE",
        help="the ledger of equivalent mutants (default: the committed one)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every outcome as JSON")
    parser.add_argument(
        "--markdown", type=Path, metavar="FILE", help="write the score tables as Markdown"
    )
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="run nothing: combine the --json reports of shards and report them as one",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the selected mutants and run nothing"
    )
    parser.add_argument(
        "--survivors",
        type=int,
        default=40,
        metavar="N",
        help="how many surviving mutants to print (default: 40; all are in --json)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print each mutant's outcome as it comes"
    )


def run(args: argparse.Namespace) -> int:
    from phala_spec.cli import CliError

    from . import adequacy
    from .authoring import matches

    try:
        shard = adequacy.parse_shard(args.shard)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.sample is not None and args.sample <= 0:
        raise CliError("--sample must be positive")
    try:
        ledger = adequacy.read_ledger(args.ledger or adequacy.LEDGER)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.merge:
        outcomes, info = _merged(args.merge, ledger)
    else:
        try:
            against = _oracles(args.against)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        every = [
            m
            for m in adequacy.all_mutants(adequacy.rule_modules())
            if matches(f"{m.module}.{m.function}", args.pattern)
        ]
        if not every:
            raise CliError(f"no function of the reference matches -k {args.pattern!r}")
        chosen = adequacy.select(every, args.operator, args.sample, args.seed, shard)
        if args.list:
            for mutant in chosen:
                print(f"{mutant.key}  {mutant.describe()}")
            print(f"{len(chosen)} of {len(every)} mutants")
            return 0
        outcomes = []
        info = {
            "modules": args.pattern or "all",
            "operators": args.operator or list(OPERATORS),
            "mutants_in_modules": len(every),
            "selected": len(chosen),
            "sample": args.sample,
            "seed": args.seed,
            "shard": args.shard,
            "against": list(against),
            "oracles": {},
        }
        for oracle in against:
            progress = _progress(len(chosen), args.verbose, oracle)
            measured = _measure(oracle, chosen, args.vectors, ledger, progress)
            outcomes += measured.outcomes
            info["oracles"][oracle] = measured.info
            if oracle == "vectors":
                info.update(measured.info)  # the fields a vectors-only report always had
    complete = info.get("modules") == "all" and info.get("sample") is None
    stale = _stale_entries(ledger, outcomes, complete=complete and info.get("shard") == "1/1")
    print_report(sys.stdout, outcomes, info, args.survivors, stale)
    if args.json:
        args.json.write_text(
            json.dumps({"info": info, "outcomes": [o.to_json() for o in outcomes]}, indent=1) + "\n"
        )
    if args.markdown:
        args.markdown.write_text(markdown(outcomes, info))
    low = False
    for oracle, group in adequacy.by_oracle(outcomes).items():
        total = adequacy.overall(group)
        if args.floor is not None and total.score < args.floor:
            print(
                f"adequacy: the score against the {oracle}, {total.score:.1f} %, is below the floor of "
                f"{args.floor:g} %"
            )
            low = True
    return 1 if low else 0


def _oracles(given: Sequence[str]) -> tuple[str, ...]:
    """The oracles named by ``--against`` (each once, in the order given); vectors by default."""
    from .oracles import ORACLES

    named: list[str] = []
    for item in given or ["vectors"]:
        for name in item.split(","):
            name = name.strip()
            if name not in ORACLES:
                raise ValueError(f"--against takes {', '.join(ORACLES)}, not {name!r}")
            if name not in named:
                named.append(name)
    return tuple(named)


def _measure(
    oracle: str, chosen: Sequence[Any], vectors: Path | None, ledger: dict[str, str], progress: Any
) -> Any:
    """Run the chosen mutants against one oracle [ADQ-3] [ADQ-8] [ADQ-9]."""
    from phala_spec.cli import CliError

    from . import adequacy, oracles
    from .schema import VectorFileError, load_vector
    from .store import PACKAGED_DIR, discover

    if oracle == "models":
        return oracles.measure_models(chosen, ledger, on_outcome=progress)
    if oracle == "proofs":
        return oracles.measure_proofs(chosen, ledger, on_outcome=progress)
    vectors_dir: Path = vectors or PACKAGED_DIR
    if not vectors_dir.is_dir():
        raise CliError(f"no vector directory at {vectors_dir}")
    try:
        loaded = [load_vector(path) for _, path in discover(vectors_dir)]
    except VectorFileError as exc:
        raise CliError(str(exc)) from exc
    return adequacy.measure(chosen, loaded, ledger, on_outcome=progress)


def _merged(paths: Sequence[Path], ledger: dict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """The reports' outcomes as one run; the ledger as it is now judges their survivors [ADQ-6].

    The reports may be shards of one oracle's run, or runs against different
    oracles on the same mutants: the result holds each oracle's outcomes.
    """
    import attrs

    from phala_spec.cli import CliError

    from .adequacy import Outcome, oracle_order

    outcomes: dict[tuple[str, str], Outcome] = {}
    infos = []
    for path in paths:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CliError(f"{path}: cannot read a report ({exc})") from exc
        infos.append(data["info"])
        for item in data["outcomes"]:
            outcome = Outcome.from_json(item)
            if outcome.status in ("survived", "uncovered", "equivalent"):
                if outcome.key in ledger:
                    outcome = attrs.evolve(outcome, status="equivalent", detail=ledger[outcome.key])
                elif outcome.status == "equivalent":
                    outcome = attrs.evolve(outcome, status="survived", detail="")
            outcomes[(outcome.oracle, outcome.key)] = outcome
    info = {**infos[0], "shard": f"merged from {len(paths)} reports"}
    info["mutate_seconds"] = round(sum(i.get("mutate_seconds", 0) for i in infos), 1)
    against = {o.oracle for o in outcomes.values()}
    info["against"] = sorted(against, key=oracle_order)
    oracles: dict[str, Any] = {}
    for item in infos:
        for name, part in item.get("oracles", {}).items():
            seconds = oracles.get(name, {}).get("mutate_seconds", 0) + part.get("mutate_seconds", 0)
            oracles[name] = {**part, "mutate_seconds": round(seconds, 1)}
    info["oracles"] = oracles
    return sorted(outcomes.values(), key=lambda o: (oracle_order(o.oracle), o.key)), info


def _stale_entries(ledger: dict[str, str], outcomes: Sequence[Any], complete: bool) -> list[str]:
    """Ledger entries that name a mutant some oracle kills, or (on a complete run) no mutant."""
    killed = {o.key for o in outcomes if o.status in ("killed", "timeout")}
    known = {o.key for o in outcomes}
    stale = [key for key in ledger if key in killed]
    if complete:
        stale += [key for key in ledger if key not in known]
    return sorted(stale)


def _progress(total: int, verbose: bool, oracle: str = "vectors") -> Any:
    done = [0]

    def show(outcome: Any) -> None:
        done[0] += 1
        if verbose:
            where = f" by {outcome.vector}" if outcome.vector else ""
            print(
                f"[{oracle} {done[0]}/{total}] {outcome.status}{where} ({outcome.seconds:.1f} s): "
                f"{outcome.module}:{outcome.line} `{outcome.original}` → `{outcome.mutated}`",
                file=sys.stderr,
                flush=True,
            )

    return show


def _rows(outcomes: Sequence[Any], by: Any) -> list[list[str]]:
    from .adequacy import scores

    rows = []
    for name, score in scores(outcomes, by).items():
        if score.out_of_scope and not score.counted + score.equivalent:
            continue  # only mutants outside the proofs' modules [ADQ-9]
        rows.append(
            [
                name,
                str(score.killed + score.survived + score.uncovered + score.equivalent),
                str(score.killed),
                str(score.survived),
                str(score.uncovered),
                str(score.equivalent),
                f"{score.score:.1f}",
                f"{score.covered_score:.1f}",
            ]
        )
    return rows


HEADER = ["", "mutants", "killed", "survived", "uncovered", "equivalent", "score %", "covered %"]
CHECK = {"vectors": "a vector", "models": "a model", "proofs": "an obligation"}
"""What executes a mutant, for each oracle."""


def _cell(score: Any) -> tuple[str, str]:
    """A side-by-side cell: the score, and how many of the scored mutants the oracle executes."""
    if not score.counted:
        if score.out_of_scope:
            return "not covered", ""
        return "-", ""
    return f"{score.score:.1f}", f"{score.killed + score.survived}/{score.counted}"


def side_by_side(outcomes: Sequence[Any], by: Any) -> tuple[list[str], list[list[str]]]:
    """One row per group: the mutants, then each oracle's score and coverage [ADQ-10]."""
    from .adequacy import Score, by_oracle, scores

    groups = by_oracle(outcomes)
    tables = {oracle: scores(group, by) for oracle, group in groups.items()}
    keys: dict[str, set[str]] = {}
    for outcome in outcomes:
        for name in by(outcome):
            keys.setdefault(name, set()).add(outcome.key)
    header = ["", "mutants"]
    for oracle in groups:
        header += [f"{oracle} %", "executed"]
    rows = []
    for name in sorted(keys):
        row = [name, str(len(keys[name]))]
        for oracle in groups:
            row += list(_cell(tables[oracle].get(name, Score())))
        rows.append(row)
    total = ["all", str(len({o.key for o in outcomes}))]
    for group in groups.values():
        total += list(_cell(scores(group, lambda o: ("all",)).get("all", Score())))
    rows.append(total)
    return header, rows


def _summary(oracle: str, total: Any) -> str:
    against = "" if oracle == "vectors" else f" against the {oracle}"
    return (
        f"adequacy{against}: {total.score:.1f} % of {total.counted} mutants killed "
        f"({total.covered_score:.1f} % of those {CHECK.get(oracle, 'a check')} executes); "
        f"{total.killed} killed, {total.survived} survived, {total.uncovered} uncovered, "
        f"{total.equivalent} equivalent"
    )


def print_report(
    out: TextIO,
    outcomes: Sequence[Any],
    info: dict[str, Any],
    survivors: int,
    stale: Sequence[str],
) -> None:
    """The scores per module, operator and clause, then the survivors [ADQ-5] [ADQ-10].

    Outcomes of several oracles are shown side by side per module and per
    operator, then each oracle's survivors and summary.
    """
    from .adequacy import by_clause, by_module, by_operator, by_oracle, operator_order, overall

    groups = by_oracle(outcomes)
    if len(groups) > 1:
        for title, by in (("module", by_module), ("operator", by_operator)):
            header, rows = side_by_side(outcomes, by)
            if title == "operator":
                rows[:-1] = sorted(rows[:-1], key=lambda r: operator_order(r[0]))
            _table(out, [title, *header[1:]], rows)
            print(file=out)
    for oracle, group in groups.items():
        if len(groups) == 1:
            for title, by in (("module", by_module), ("operator", by_operator)):
                rows = _rows(group, by)
                if title == "operator":
                    rows.sort(key=lambda r: operator_order(r[0]))
                _table(out, [title, *HEADER[1:]], rows)
                print(file=out)
            clause_rows = sorted(_rows(group, by_clause), key=lambda r: (float(r[6]), r[0]))
            print("weakest clauses:", file=out)
            _table(out, ["clause", *HEADER[1:]], clause_rows[:15])
            print(file=out)
        _details(out, oracle, group, info, survivors)
    for key in stale:
        print(f"ledger entry not borne out (killed, or no such mutant): {key}", file=out)
    for oracle, group in groups.items():
        print(_summary(oracle, overall(group)), file=out)


def _details(
    out: TextIO, oracle: str, group: Sequence[Any], info: dict[str, Any], survivors: int
) -> None:
    """One oracle's survivors and the mutants left out of its score."""
    against = "" if oracle == "vectors" else f" (against the {oracle})"
    left = [o for o in group if o.status in ("survived", "uncovered")]
    if left:
        print(
            f"surviving mutants{against} ({len(left)}; the first {min(survivors, len(left))}):",
            file=out,
        )
        for o in left[:survivors]:
            print(
                f"  {o.status:9} {o.module}:{o.line} {o.function}: `{o.original}` → "
                f"`{o.mutated}`  [{o.key}]",
                file=out,
            )
        print(file=out)
    invalid = [o for o in group if o.status == "invalid"]
    if invalid:
        print(f"{len(invalid)} mutants could not be installed (left out of the score)", file=out)
    early = [o for o in group if o.status == "import-time"]
    if early:
        print(
            f"{len(early)} mutants change only what a module computes while it is imported "
            "(left out of the score)",
            file=out,
        )
    outside = [o for o in group if o.status == "out-of-scope"]
    if outside:
        modules = len({o.module for o in outside})
        print(
            f"{len(outside)} mutants in {modules} modules are not covered by proofs "
            "(no obligation evaluates their module; left out of the score)",
            file=out,
        )
    part = info.get("oracles", {}).get(oracle, info if oracle == "vectors" else {})
    for field, what in (
        ("vectors_failing_unmutated", "vectors fail"),
        ("models_failing_unmutated", "models fail"),
        ("obligations_failing_unmutated", "obligations are not proved"),
    ):
        failing = part.get(field) or []
        if failing:
            print(f"{len(failing)} {what} unmutated and were not used: {failing[:5]}", file=out)


def _table(out: TextIO, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        print("  ".join(cells).rstrip(), file=out)


def _markdown_table(title: str, header: list[str], rows: list[list[str]], code: bool) -> list[str]:
    lines = ["| " + " | ".join([title, *header[1:]]) + " |", "|" + "---|" * len(header)]
    for row in rows:
        name = f"`{row[0]}`" if code and row[0] != "all" else row[0]
        lines.append("| " + " | ".join([name, *row[1:]]) + " |")
    return [*lines, ""]


def markdown(outcomes: Sequence[Any], info: dict[str, Any]) -> str:
    """The module and operator tables as Markdown, for the README [ADQ-5] [ADQ-10]."""
    from .adequacy import by_module, by_operator, by_oracle, operator_order, overall

    groups = by_oracle(outcomes)
    lines = []
    for oracle, group in groups.items():
        total = overall(group)
        against = "" if len(groups) == 1 else f"{oracle.capitalize()}: "
        lines.append(
            f"{against or 'Overall: '}**{total.score:.1f} %** of {total.counted} "
            f"non-equivalent mutants killed ({total.covered_score:.1f} % of those some "
            f"{CHECK.get(oracle, 'a check').split()[-1]} executes; "
            f"{total.equivalent} judged equivalent"
            + (f"; {total.out_of_scope} not covered by proofs" if total.out_of_scope else "")
            + ")."
        )
        lines.append("")
    for title, by in (("module", by_module), ("operator", by_operator)):
        if len(groups) > 1:
            header, rows = side_by_side(outcomes, by)
            if title == "operator":
                rows[:-1] = sorted(rows[:-1], key=lambda r: operator_order(r[0]))
        else:
            header = HEADER
            rows = _rows(outcomes, by)
            if title == "operator":
                rows.sort(key=lambda r: operator_order(r[0]))
        lines += _markdown_table(title, header, rows, code=title == "module")
    return "\n".join(lines)
