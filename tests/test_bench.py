"""Smoke test of ``phala-spec bench``: it runs and reports the figures' shape (never timings)."""

from __future__ import annotations

import json
from pathlib import Path

from phala_spec.bench import (
    ENDOWMENT,
    DictAccount,
    DictEvent,
    DictLedger,
    account_ids,
    baseline_agrees,
    workload,
)
from phala_spec.cli import main


def test_bench_quick_reports_every_figure(tmp_path: Path, capsys) -> None:
    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--json", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "transfers/s" in shown and "agree" in shown

    figures = json.loads(out.read_text())
    assert figures["quick"] is True
    measured = {(m["name"], m["accounts"]) for m in figures["measurements"]}
    names = (
        "reference_apply_step",
        "reference_pallet_function",
        "dict_baseline",
        "dict_free_balances_only",
    )
    assert measured == {(name, size) for name in names for size in (100, 1_000)}
    assert all(m["transfers_per_second"] > 0 for m in figures["measurements"])
    runs = figures["collector"]["runs"]
    assert set(runs) == {
        f"{name}{policy}"
        for name in ("reference_pallet_function", "dict_baseline")
        for policy in ("", "_collector_settled")
    }
    assert all(run["transfers_per_second"] > 0 for run in runs.values())
    assert all(0 <= run["collector_share"] < 1 for run in runs.values())
    assert set(figures["ratios"]) == {
        "throughput_large_over_small",
        "pallet_function_cost_over_dict",
        "pallet_function_cost_over_dict_at_small_size",
        "pallet_function_cost_over_dict_with_collector",
        "pallet_function_cost_over_dict_with_collector_settled",
        "apply_step_cost_over_dict",
        "pallet_function_cost_over_free_balances_only",
    }
    assert all(value > 0 for value in figures["ratios"].values())
    check = figures["baseline_check"]
    assert check["agrees"] is True and check["free_balances_only_agrees"] is True


class ForgetfulLedger(DictLedger):
    """A baseline that forgets to burn dust: the agreement check must notice."""

    issuance: int

    def transfer_allow_death(
        self, source: bytes, dest: bytes, value: int
    ) -> tuple[str, list[DictEvent]]:
        issuance = self.issuance
        result = super().transfer_allow_death(source, dest, value)
        self.issuance = issuance
        return result


class SilentLedger(DictLedger):
    """A baseline that deposits no ``Balances.Endowed``: the agreement check must notice."""

    def transfer_allow_death(
        self, source: bytes, dest: bytes, value: int
    ) -> tuple[str, list[DictEvent]]:
        outcome, events = super().transfer_allow_death(source, dest, value)
        return outcome, [e for e in events if e[0] != "Balances.Endowed"]


class ReorderedLedger(DictLedger):
    """A baseline that deposits ``Balances.DustLost`` before ``System.KilledAccount``:
    the agreement check must notice the order [BAL-3]."""

    def set_free(
        self, who: bytes, account: DictAccount | None, free: int, events: list[DictEvent]
    ) -> None:
        written: list[DictEvent] = []
        super().set_free(who, account, free, written)
        events.extend(sorted(written, key=lambda e: e[0] != "Balances.DustLost"))


def test_the_baseline_check_catches_a_wrong_baseline() -> None:
    ids = account_ids(50)
    transfers = workload(ids, 400, seed=0)
    assert baseline_agrees(ids, transfers)
    for wrong in (ForgetfulLedger, SilentLedger, ReorderedLedger):
        assert not baseline_agrees(ids, transfers, wrong), wrong.__name__


def test_the_dict_baseline_reaps_and_burns_dust_like_the_reference() -> None:
    """The workload's round trips reap new accounts [BAL-8]; the baseline agrees on them."""
    ids = account_ids(20)
    transfers = workload(ids, 2_000, seed=3)
    ledger = DictLedger(dict.fromkeys(ids, ENDOWMENT), 10)
    seen = set()
    for source, dest, value in transfers:
        _outcome, events = ledger.transfer_allow_death(source, dest, value)
        seen.update(name for name, _fields in events)
    assert {
        "System.NewAccount",
        "System.KilledAccount",
        "Balances.Endowed",
        "Balances.DustLost",
        "Balances.Transfer",
    } <= seen
    assert ledger.issuance < ENDOWMENT * len(ids)  # dust was burnt
    assert baseline_agrees(ids, transfers)


def test_bench_attestation_section_shape(tmp_path: Path, capsys) -> None:
    """``--only attestation``: every provider and raw primitive measured, all ratios, all verified."""
    from phala_spec.bench.attestation import PROVIDERS, RAW

    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--only", "attestation", "--json", str(out)]) == 0
    assert "all verified" in capsys.readouterr().out
    figures = json.loads(out.read_text())
    assert figures["sections"] == ["attestation"] and "measurements" not in figures
    section = figures["attestation"]
    assert {m["name"] for m in section["measurements"]} == {*PROVIDERS, *RAW}
    assert all(m["per_second"] > 0 for m in section["measurements"])
    assert set(section["ratios"]) == {f"{p}_over_{r}" for p in PROVIDERS for r in RAW}
    assert all(value > 0 for value in section["ratios"].values())
    assert section["all_verified"] is True


def test_bench_simulate_section_shape(tmp_path: Path, capsys) -> None:
    """``--only simulate`` [SIM-7]: every size measured, split, linearity, the readable overhead."""
    from phala_spec.bench.simulate import QUICK_SIZES

    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--only", "simulate", "--json", str(out)]) == 0
    assert "digests agree" in capsys.readouterr().out
    figures = json.loads(out.read_text())["simulate"]
    assert [m["workers"] for m in figures["measurements"]] == [s[0] for s in QUICK_SIZES]
    for m in figures["measurements"]:
        assert m["seconds_per_block"] > 0 and m["gatekeeper_seconds"] > 0
        assert abs(m["gatekeeper_seconds"] + m["chain_seconds"] - m["seconds_per_block"]) < 1e-9
    assert all(v > 0 for v in figures["ratios"].values())
    overhead = figures["readable_overhead"]
    assert overhead["same_digest"] is True and overhead["readable_over_fast_gatekeeper"] > 0


def test_bench_phat_section_shape(tmp_path: Path, capsys) -> None:
    """``--only phat`` [PHAT-63]: both sizes measured, the ratio, every command delivered."""
    from phala_spec.bench.phat import QUICK_SIZES

    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--only", "phat", "--json", str(out)]) == 0
    assert "both workers equal: yes" in capsys.readouterr().out
    figures = json.loads(out.read_text())["phat"]
    assert [m["contracts"] for m in figures["measurements"]] == list(QUICK_SIZES)
    assert all(m["per_second"] > 0 for m in figures["measurements"])
    assert figures["ratios"]["small_over_large"] > 0 and figures["all_delivered"] is True
