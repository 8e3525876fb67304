"""pytest plugin: ``pytest --phala-vectors DIR [--phala-adapter CMD]`` [VEC-20].

Each vector file becomes a test item run through the adapter (the reference
by default), so ``pytest -n auto --phala-vectors DIR`` runs vectors in
parallel with one long-lived adapter per worker. ``fail`` and ``error`` are
test failures naming the diverging step; ``unsupported`` is a skip whose reason
says so, and the summary reminds that a skipped vector was not checked.
Without ``--phala-vectors`` the plugin does nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

_STATE = pytest.StashKey["_PluginState"]()
_STATUS = "phala_vector_status"
_SUMMARY = "phala-spec-vectors-summary"


class _PluginState:
    def __init__(self, vectors: Path, command: list[str], timeout: float, digests: str) -> None:
        from .client import AdapterProcess

        self.vectors = vectors
        self.digests = digests
        self.adapter = AdapterProcess(command, timeout=timeout)
        self.statuses: dict[str, int] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("phala-spec", "phala-spec conformance vectors")
    group.addoption(
        "--phala-vectors",
        metavar="DIR",
        default=None,
        help="collect every vector under DIR as a test ('packaged': the shipped vectors)",
    )
    group.addoption(
        "--phala-adapter",
        metavar="CMD",
        default=None,
        help="command starting the adapter under test (default: the reference)",
    )
    group.addoption(
        "--phala-timeout",
        metavar="S",
        type=float,
        default=10.0,
        help="seconds to wait for each adapter reply (default: 10)",
    )
    group.addoption(
        "--phala-digests",
        choices=("full", "subsystems", "off"),
        default="subsystems",
        help="state commitments compared: full, the adapter's subsystems (default), or off",
    )


def pytest_configure(config: pytest.Config) -> None:
    option = config.getoption("phala_vectors")
    if not option:
        return
    from .cli_run import adapter_command
    from .store import PACKAGED_DIR

    vectors = PACKAGED_DIR if option == "packaged" else Path(option).resolve()
    if not vectors.is_dir():
        raise pytest.UsageError(f"--phala-vectors: no vector directory at {vectors}")
    try:
        command = adapter_command(config.getoption("phala_adapter"))
    except Exception as exc:
        raise pytest.UsageError(f"--phala-adapter: {exc}") from exc
    config.stash[_STATE] = _PluginState(
        vectors, command, config.getoption("phala_timeout"), config.getoption("phala_digests")
    )
    config.pluginmanager.register(_Summary(), _SUMMARY)
    # With no explicit paths on the command line, collect the vectors only.
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args[:] = [str(vectors)]
    elif str(vectors) not in config.args:
        config.args.append(str(vectors))


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None:
        state.adapter.stop()
        summary = config.pluginmanager.get_plugin(_SUMMARY)
        if summary is not None:
            config.pluginmanager.unregister(summary)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    state = parent.config.stash.get(_STATE, None)
    if state is None or file_path.suffix != ".cbor" or not file_path.is_relative_to(state.vectors):
        return None
    file: VectorFile = VectorFile.from_parent(parent, path=file_path)
    return file


class VectorFile(pytest.File):
    """One vector file; it is opened when its item runs, so a broken file fails that item only."""

    def collect(self) -> list[pytest.Item]:
        from .store import vector_id_of

        state = self.config.stash[_STATE]
        vector_id = vector_id_of(self.path, state.vectors) or str(
            self.path.relative_to(state.vectors)
        )
        return [VectorItem.from_parent(self, name=vector_id)]


class VectorMismatch(Exception):
    """A vector's status is ``fail`` or ``error``."""


class VectorItem(pytest.Item):
    """Runs one vector through the adapter [VEC-16]."""

    def runtest(self) -> None:
        from .runner import run_vector

        state = self.config.stash[_STATE]
        result = run_vector(state.adapter, self.name, self.path, state.digests)
        self.user_properties.append((_STATUS, result.status))
        if result.status == "unsupported":
            pytest.skip(f"unsupported (not a pass): {result.message}")
        if result.status != "pass":
            lines = [f"{result.status}: {result.id}", f"  {result.headline()}"]
            if result.status == "fail":
                from .runner import short

                lines += [
                    f"  expected: {short(result.expected, 400)}",
                    f"  actual:   {short(result.actual, 400)}",
                ]
            raise VectorMismatch("\n".join(lines))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, VectorMismatch):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"vector {self.name}"


class _Summary:
    """Counts vector statuses from test reports (also those sent back by xdist workers)."""

    def __init__(self) -> None:
        self.tally: dict[str, int] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in report.user_properties:
            if key == _STATUS and report.when == "call":
                self.tally[str(value)] = self.tally.get(str(value), 0) + 1

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        order = ("pass", "fail", "unsupported", "error")
        terminalreporter.write_sep("=", "phala-spec vectors")
        terminalreporter.write_line(", ".join(f"{self.tally.get(s, 0)} {s}" for s in order))
        if self.tally.get("unsupported"):
            terminalreporter.write_line(
                f"{self.tally['unsupported']} vectors are unsupported by the adapter and were "
                "skipped: skipped is not passed",
                yellow=True,
            )
