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
    from .schema import VectorFileError, load_vector
    from .store import PACKAGED_DIR, discover

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
        vectors_dir: Path = args.vectors or PACKAGED_DIR
        if not vectors_dir.is_dir():
            raise CliError(f"no vector directory at {vectors_dir}")
        try:
            vectors = [load_vector(path) for _, path in discover(vectors_dir)]
        except VectorFileError as exc:
            raise CliError(str(exc)) from exc
        progress = _progress(len(chosen), args.verbose)
        measured = adequacy.measure(chosen, vectors, ledger, on_outcome=progress)
        outcomes = list(measured.outcomes)
        info = {
            **measured.info,
            "modules": args.pattern or "all",
            "operators": args.operator or list(OPERATORS),
            "mutants_in_modules": len(every),
            "selected": len(chosen),
            "sample": args.sample,
            "seed": args.seed,
            "shard": args.shard,
        }
    complete = info.get("modules") == "all" and info.get("sample") is None
    stale = _stale_entries(ledger, outcomes, complete=complete and info.get("shard") == "1/1")
    print_report(sys.stdout, outcomes, info, args.survivors, stale)
    if args.json:
        args.json.write_text(
            json.dumps({"info": info, "outcomes": [o.to_json() for o in outcomes]}, indent=1) + "\n"
        )
    if args.markdown:
        args.markdown.write_text(markdown(outcomes, info))
    total = adequacy.overall(outcomes)
    if args.floor is not None and total.score < args.floor:
        print(f"adequacy: the score {total.score:.1f} % is below the floor of {args.floor:g} %")
        return 1
    return 0


def _merged(paths: Sequence[Path], ledger: dict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """The shards' outcomes as one run; the ledger as it is now judges their survivors [ADQ-6]."""
    import attrs

    from phala_spec.cli import CliError

    from .adequacy import Outcome

    outcomes: dict[str, Outcome] = {}
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
            outcomes[outcome.key] = outcome
    info = {**infos[0], "shard": f"merged from {len(paths)} reports"}
    info["mutate_seconds"] = round(sum(i.get("mutate_seconds", 0) for i in infos), 1)
    return sorted(outcomes.values(), key=lambda o: o.key), info


def _stale_entries(ledger: dict[str, str], outcomes: Sequence[Any], complete: bool) -> list[str]:
    """Ledger entries that name a killed mutant, or (on a complete run) no mutant at all."""
    status = {o.key: o.status for o in outcomes}
    stale = [key for key in ledger if status.get(key) in ("killed", "timeout")]
    if complete:
        stale += [key for key in ledger if key not in status]
    return sorted(stale)


def _progress(total: int, verbose: bool) -> Any:
    done = [0]

    def show(outcome: Any) -> None:
        done[0] += 1
        if verbose:
            where = f" by {outcome.vector}" if outcome.vector else ""
            print(
                f"[{done[0]}/{total}] {outcome.status}{where} ({outcome.seconds:.1f} s): "
                f"{outcome.module}:{outcome.line} `{outcome.original}` → `{outcome.mutated}`",
                file=sys.stderr,
                flush=True,
            )

    return show


def _rows(outcomes: Sequence[Any], by: Any) -> list[list[str]]:
    from .adequacy import scores

    rows = []
    for name, score in scores(outcomes, by).items():
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


def print_report(
    out: TextIO,
    outcomes: Sequence[Any],
    info: dict[str, Any],
    survivors: int,
    stale: Sequence[str],
) -> None:
    """The scores per module, operator and clause, then the survivors [ADQ-5]."""
    from .adequacy import by_clause, by_module, by_operator, operator_order, overall

    total = overall(outcomes)
    for title, by in (("module", by_module), ("operator", by_operator)):
        rows = _rows(outcomes, by)
        if title == "operator":
            rows.sort(key=lambda r: operator_order(r[0]))
        _table(out, [title, *HEADER[1:]], rows)
        print(file=out)
    clause_rows = sorted(_rows(outcomes, by_clause), key=lambda r: (float(r[6]), r[0]))
    print("weakest clauses:", file=out)
    _table(out, ["clause", *HEADER[1:]], clause_rows[:15])
    print(file=out)
    left = [o for o in outcomes if o.status in ("survived", "uncovered")]
    if left:
        print(f"surviving mutants ({len(left)}; the first {min(survivors, len(left))}):", file=out)
        for o in left[:survivors]:
            print(
                f"  {o.status:9} {o.module}:{o.line} {o.function}: `{o.original}` → "
                f"`{o.mutated}`  [{o.key}]",
                file=out,
            )
        print(file=out)
    invalid = [o for o in outcomes if o.status == "invalid"]
    if invalid:
        print(f"{len(invalid)} mutants could not be installed (left out of the score)", file=out)
    early = [o for o in outcomes if o.status == "import-time"]
    if early:
        print(
            f"{len(early)} mutants change only what a module computes while it is imported "
            "(left out of the score)",
            file=out,
        )
    for key in stale:
        print(f"ledger entry not borne out (killed, or no such mutant): {key}", file=out)
    failing = info.get("vectors_failing_unmutated") or []
    if failing:
        print(f"{len(failing)} vectors fail unmutated and were not used: {failing[:5]}", file=out)
    print(
        f"adequacy: {total.score:.1f} % of {total.counted} mutants killed "
        f"({total.covered_score:.1f} % of those a vector executes); "
        f"{total.killed} killed, {total.survived} survived, {total.uncovered} uncovered, "
        f"{total.equivalent} equivalent",
        file=out,
    )


def _table(out: TextIO, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        print("  ".join(cells).rstrip(), file=out)


def markdown(outcomes: Sequence[Any], info: dict[str, Any]) -> str:
    """The module and operator tables as Markdown, for the README [ADQ-5]."""
    from .adequacy import by_module, by_operator, operator_order, overall

    total = overall(outcomes)
    lines = [
        f"Overall: **{total.score:.1f} %** of {total.counted} non-equivalent mutants killed "
        f"({total.covered_score:.1f} % of those some vector executes; "
        f"{total.equivalent} judged equivalent).",
        "",
    ]
    for title, by in (("module", by_module), ("operator", by_operator)):
        rows = _rows(outcomes, by)
        if title == "operator":
            rows.sort(key=lambda r: operator_order(r[0]))
        lines.append("| " + " | ".join([title, *HEADER[1:]]) + " |")
        lines.append("|" + "---|" * len(HEADER))
        lines += [
            "| "
            + " | ".join(f"`{r[0]}`" if title == "module" else r[0] for r in [row])
            + " | "
            + " | ".join(row[1:])
            + " |"
            for row in rows
        ]
        lines.append("")
    return "\n".join(lines)
