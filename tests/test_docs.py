"""docs/api.md is what ``python docs/gen_api.py`` writes; the README links the docs."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_api_reference_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_api", ROOT / "docs" / "gen_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "api.md").read_text() == module.render(), (
        "docs/api.md is out of date: run python docs/gen_api.py"
    )


def test_readme_links_the_docs() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "(docs/api.md)" in readme and "(docs/cookbook.md)" in readme


def test_no_text_file_holds_a_merge_conflict_marker() -> None:
    """A conflict left in the spec or the code would read as text; refuse it."""
    markers = ("<<<<<<< ", ">>>>>>> ")
    found = []
    for folder in ("spec", "reference", "conformance", "models", "proofs", "tests", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".md", ".py", ".cddl", ".toml"} and path.is_file():
                for number, line in enumerate(path.read_text().splitlines(), 1):
                    if line.startswith(markers) or line == "=======":
                        found.append(f"{path.relative_to(ROOT)}:{number}")
    found += [
        "README.md"
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith(markers)
    ]
    assert not found, found
