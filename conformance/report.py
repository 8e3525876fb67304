"""Reports of a conformance run: terminal summary, JSON and JUnit XML [VEC-19]."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .runner import STATUSES, VectorResult, counts

REPORT_FORMAT = "phala-spec/conformance-report/1"
STYLE = {"pass": "green", "fail": "red", "unsupported": "yellow", "error": "magenta"}


def by_suite(results: Sequence[VectorResult]) -> dict[tuple[str, str], dict[str, int]]:
    """Status counts per ``(preset, suite)``, sorted."""
    table: dict[tuple[str, str], dict[str, int]] = {}
    for result in results:
        row = table.setdefault((result.preset, result.suite), dict.fromkeys(STATUSES, 0))
        row[result.status] += 1
    return dict(sorted(table.items()))


def adapter_label(adapter: dict[str, Any]) -> str:
    """``name version``, or the command line if the adapter never said hello."""
    if "name" in adapter:
        return f"{adapter['name']} {adapter.get('version', '')}".rstrip()
    return " ".join(adapter.get("command", ["?"]))


def print_summary(
    console: Console, results: Sequence[VectorResult], adapter: dict[str, Any]
) -> None:
    """The summary table per suite, then one block per vector that did not pass."""
    mode = adapter.get("digests", "subsystems")
    table = Table(title=Text(f"conformance: {adapter_label(adapter)} (digests: {mode})"))
    table.add_column("preset")
    table.add_column("suite")
    for status in STATUSES:
        table.add_column(status, justify="right", style=STYLE[status])
    for (preset, suite), row in by_suite(results).items():
        table.add_row(preset, suite, *(str(row[s]) if row[s] else "·" for s in STATUSES))
    total = counts(results)
    table.add_section()
    table.add_row("total", "", *(str(total[s]) for s in STATUSES))
    console.print(table)
    for result in results:
        if result.status == "pass":
            continue
        line = Text()
        line.append(f"{result.status.upper():<12}", style=f"bold {STYLE[result.status]}")
        line.append(result.id, style="bold")
        console.print(line)
        console.print(Text("    " + result.headline()), soft_wrap=True)
    verdict = (
        "all vectors passed"
        if total["pass"] == len(results)
        else (f"{len(results) - total['pass']} of {len(results)} vectors did not pass")
    )
    opened = sum(r.opened for r in results)
    console.print(
        Text(
            f"{len(results)} selected, {opened} opened: {verdict}"
            + (" (unsupported vectors are not passes)" if total["unsupported"] else "")
        ),
        soft_wrap=True,
    )


def json_report(
    results: Sequence[VectorResult], adapter: dict[str, Any], vectors: str, pattern: str | None
) -> dict[str, Any]:
    """The machine-readable report [VEC-19]."""
    total = counts(results)
    return {
        "format": REPORT_FORMAT,
        "adapter": adapter,
        "digests": adapter.get("digests", "subsystems"),
        "vectors": vectors,
        "pattern": pattern,
        "selected": len(results),
        "opened": sum(r.opened for r in results),
        "counts": total,
        "passed": total["pass"] == len(results) and bool(results),
        "suites": [
            {"preset": preset, "suite": suite, **row}
            for (preset, suite), row in by_suite(results).items()
        ],
        "results": [r.to_json() for r in results],
    }


def write_json(path: Path, report: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def junit_tree(results: Sequence[VectorResult], adapter: dict[str, Any]) -> ET.ElementTree:
    """JUnit XML: one ``testsuite`` per preset/suite, one ``testcase`` per vector.

    ``fail`` is a ``failure``, ``error`` an ``error``, ``unsupported`` a
    ``skipped`` element whose message says it is unsupported.
    """
    total = counts(results)
    root = ET.Element(
        "testsuites",
        name=f"phala-spec conformance: {adapter_label(adapter)}",
        tests=str(len(results)),
        failures=str(total["fail"]),
        errors=str(total["error"]),
        skipped=str(total["unsupported"]),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    groups: dict[tuple[str, str], list[VectorResult]] = {}
    for result in results:
        groups.setdefault((result.preset, result.suite), []).append(result)
    for (preset, suite), members in sorted(groups.items()):
        tally = counts(members)
        element = ET.SubElement(
            root,
            "testsuite",
            name=f"{preset}/{suite}",
            tests=str(len(members)),
            failures=str(tally["fail"]),
            errors=str(tally["error"]),
            skipped=str(tally["unsupported"]),
            time=f"{sum(r.seconds for r in members):.3f}",
        )
        for result in members:
            parts = result.id.split("/")
            case = ET.SubElement(
                element,
                "testcase",
                name=parts[-1],
                classname=".".join(parts[:-1]) or result.id,
                file=result.path,
                time=f"{result.seconds:.3f}",
            )
            if result.status == "fail":
                ET.SubElement(
                    case, "failure", message=result.headline(), type="fail"
                ).text = json.dumps(result.to_json(), indent=2, ensure_ascii=False)
            elif result.status == "error":
                ET.SubElement(case, "error", message=result.headline(), type="error")
            elif result.status == "unsupported":
                ET.SubElement(case, "skipped", message=f"unsupported: {result.message}")
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(path: Path, results: Sequence[VectorResult], adapter: dict[str, Any]) -> None:
    junit_tree(results, adapter).write(path, encoding="utf-8", xml_declaration=True)
