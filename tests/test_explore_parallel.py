"""``explore`` in parallel processes over a shared example database [MOD-6].

Campaigns of one model, each with its own seed, run in a process pool and save
what they find in one Hypothesis example database; a later run, in other
processes, replays every failure the database holds. The Redis test starts a
real ``redis-server`` (CI installs it; it is skipped where the binary is
missing).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.stateful import invariant

from phala_spec.cli import main
from phala_spec.models import MODELS
from phala_spec.models.balances import BalancesMachine, check
from phala_spec.models.cli import open_database


class NoReapingDemo(BalancesMachine):
    """A deliberately false invariant, so that every campaign finds a failure."""

    @invariant()
    def inv_BAL_8_demo_no_endowed_account_is_reaped(self) -> None:
        endowed = [who for who, _ in self.genesis_overrides["balances"]]
        check(
            all(who in self.chain.system.accounts for who in endowed),
            "inv_BAL_8_demo_no_endowed_account_is_reaped",
            "an endowed account was reaped",
        )


@pytest.fixture
def demo_model(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(MODELS, "no_reaping_demo", f"{__name__}:NoReapingDemo")
    return "no_reaping_demo"


def explore(*args: str) -> int:
    return main(["explore", "-k", "no_reaping_demo", *args])


def vectors_in(out: Path) -> list[Path]:
    return sorted(out.rglob("*.cbor"))


def test_a_failure_saved_by_parallel_campaigns_is_replayed_from_a_directory(
    demo_model: str, tmp_path: Path
) -> None:
    db = str(tmp_path / "examples")
    found = tmp_path / "found"
    # two campaigns (seeds 3 and 4) in two processes, one database
    assert (
        explore(
            "--out", str(found), "--seed", "3", "--jobs", "2", "--campaigns", "2", "--database", db
        )
        == 1
    )
    assert len(vectors_in(found)) >= 1
    assert open_database(db).fetch  # the directory database opens again
    # a later run generates nothing: it only replays what the database holds
    replayed = tmp_path / "replayed"
    assert explore("--out", str(replayed), "--seed", "99", "--replay", "--database", db) == 1
    assert vectors_in(replayed)
    # the same replay on an empty database finds nothing: the failure came from the database
    empty = tmp_path / "empty"
    assert explore("--out", str(empty), "--replay", "--database", str(tmp_path / "none")) == 0
    assert not vectors_in(empty)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (CI installs it)")
    pytest.importorskip("redis")
    from redis import Redis

    port = _free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                if client.ping():
                    break
            except Exception:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_failure_found_by_one_process_is_replayed_by_another_through_redis(
    demo_model: str, tmp_path: Path, redis_url: str
) -> None:
    from redis import Redis

    found = tmp_path / "found"
    assert explore("--out", str(found), "--seed", "3", "--jobs", "2", "--database", redis_url) == 1
    assert vectors_in(found)
    keys = Redis.from_url(redis_url).keys(b"phala-spec-explore:*")
    assert keys, "the failing example is saved in Redis"
    # another process pool, another seed, no generation: the failure comes back from Redis
    replayed = tmp_path / "replayed"
    assert (
        explore(
            "--out",
            str(replayed),
            "--seed",
            "99",
            "--jobs",
            "2",
            "--replay",
            "--database",
            redis_url,
        )
        == 1
    )
    assert vectors_in(replayed)
    # the same replay against another (empty) Redis database finds nothing
    other = redis_url.rsplit("/", 1)[0] + "/1"
    empty = tmp_path / "empty"
    assert explore("--out", str(empty), "--jobs", "2", "--replay", "--database", other) == 0
    assert not vectors_in(empty)
