"""spec/readings.md lists exactly the clauses whose text marks a reading not checked
against production (outside their *History:* paragraphs)."""

from __future__ import annotations

import re
from pathlib import Path

SPEC = Path(__file__).resolve().parent.parent / "spec"

MARK = re.compile(
    r"\*Unverified:\*|\*Open point\.\*|Layout assumptions?[.:]|\bunverified\b|not checked against (?:production|the code)"
    r"|the reference's reading|this specification's reading|from its documentation and not from its source",
    re.IGNORECASE,
)
HEADING = re.compile(r"^(?:#+ |\*\*)\[([A-Z]+-\d+)\]")
LISTED = re.compile(r"^\| \[([A-Z]+-\d+)\] \|", re.MULTILINE)


def marked_clauses() -> set[str]:
    found: set[str] = set()
    for chapter in SPEC.glob("*.md"):
        if chapter.name == "readings.md":
            continue
        clause, history = None, False
        for line in chapter.read_text().splitlines():
            heading = HEADING.match(line)
            if heading:
                clause = heading.group(1)
            if not line.strip():
                history = False
                continue
            history = history or line.startswith("*History")
            if clause and not history and MARK.search(line):
                found.add(clause)
    return found


def listed_clauses() -> set[str]:
    text = (SPEC / "readings.md").read_text()
    open_part = text.split("## Settled from production's source")[0]
    return set(LISTED.findall(open_part))


def test_every_marked_reading_is_listed_and_every_listed_one_is_marked() -> None:
    marked, listed = marked_clauses(), listed_clauses()
    assert marked - listed == set(), "marked in a chapter, missing from spec/readings.md"
    assert listed - marked == set(), "listed in spec/readings.md, no longer marked in its chapter"


def test_the_marks_are_found() -> None:
    assert {"ATT-23", "STK-28", "GK-13"} <= marked_clauses()
