"""docs/cookbook.md stays true: every Python block runs, in order, in a fresh namespace."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.+?)\n```", (ROOT / "docs" / "cookbook.md").read_text(), re.S)


def test_the_cookbook_has_recipes() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_recipe_runs(index: int) -> None:
    exec(compile(BLOCKS[index], f"docs/cookbook.md block {index + 1}", "exec"), {})
