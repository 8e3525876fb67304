"""``phala-spec bench``: what the persistent reference costs, measured in one run.

Figures, all from the same process and the same seeded workload:

* transfers per second through :func:`phala_spec.apply_step` with 1,000 and
  with 100,000 funded accounts, and their ratio. State is built directly by
  genesis overrides; transfers go between random pairs. Persistent maps update
  in O(log n), so the ratio stays near 1 as the state grows [CHAIN-5].
* the same workload on the pallet function (:func:`balances.transfer_allow_death`,
  no step decoding) and on :class:`DictLedger`, a plain mutable-dict
  re-implementation of the transfer arithmetic; the ratios say what
  immutability and the spec's structure cost. A sample is run on both first
  and must give identical balances, issuance and outcomes.

Two more sections live in :mod:`phala_spec.bench.network`: ``mq`` (signed
messages accepted per second by ``sync_offchain_message`` beside the raw
sr25519 verification rate of the schnorrkel binding, and the pure-Python
verify and sign rates) and ``network`` (network steps per second with 10
and 1,000 runtimes). :mod:`phala_spec.bench.attestation` has ``attestation``
(IAS, DCAP and simulated verifications per second beside raw RSA-2048 and
P-256 verifications). :mod:`phala_spec.bench.staking` has ``staking`` (stake
pool contribute, withdraw and reward calls per second with 10 and 100,000
stakers in one pool). :mod:`phala_spec.bench.gatekeeper` has ``gatekeeper``
(a gatekeeper runtime's block processing with 1,000 and 30,000 working
workers: cost per worker at each size and their ratio). :mod:`phala_spec.bench.simulate`
has ``simulate`` (``phala-spec simulate``'s blocks per second at 1/100, 1/10
and all of the mainnet sizes, split between the gatekeeper and the chain, and
what the readable gatekeeper records cost beside the fast path's columns).
:mod:`phala_spec.bench.phat` has ``phat`` (command delivery per second through a
cluster's workers with 10 and 1,000 contracts in the cluster, [PHAT-63]).
``--only SECTION`` (repeatable) runs a subset; by default all eight run, in
one process.

Nothing here is a pass/fail timing test: the command prints figures (and
``--json FILE`` writes them); tests only check the output's shape.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from phala_spec.primitives.arith import U128_MAX

SIZES = (1_000, 100_000)
QUICK_SIZES = (100, 1_000)
ENDOWMENT = 1_000_000  # per account, with the minimal preset's existential deposit of 10
SECTIONS = (
    "balances",
    "mq",
    "network",
    "attestation",
    "staking",
    "gatekeeper",
    "simulate",
    "phat",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and few iterations (for smoke tests; figures are noisy)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the figures as JSON to FILE",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed of the workload (default 0)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        default=None,
        metavar="SECTION",
        help=f"run only this section ({', '.join(SECTIONS)}); repeatable; default: all",
    )


# --- the dict baseline ------------------------------------------------------------


class DictLedger:
    """A minimal mutable re-implementation of ``transfer_allow_death`` [BAL-10].

    Only what the benchmark's accounts need: free balances (no reserves, locks
    or consumers, one provider each), the existential deposit with dust
    reaping [BAL-8], and the total issuance [BAL-2]. The checks are the
    reference's, in its order: withdraw ([BAL-5]: issuance underflow, funds),
    deposit ([BAL-7]: overflow, below minimum), then a transfer to oneself is a
    no-op.
    """

    free: dict[bytes, int]
    ed: int
    issuance: int

    def __init__(self, balances: dict[bytes, int], existential_deposit: int) -> None:
        self.free = dict(balances)
        self.ed = existential_deposit
        self.issuance = sum(balances.values())

    def copy(self) -> DictLedger:
        clone = DictLedger({}, self.ed)
        clone.free = dict(self.free)
        clone.issuance = self.issuance
        return clone

    def transfer_allow_death(self, source: bytes, dest: bytes, value: int) -> str:
        free = self.free
        if value:
            if self.issuance < value:
                return "Arithmetic.Underflow"
            have = free.get(source, 0)
            if have < value:
                return "Token.FundsUnavailable"
            new_dest = free.get(dest, 0) + value
            if new_dest > U128_MAX:
                return "Arithmetic.Overflow"
            if new_dest < self.ed:
                return "Token.BelowMinimum"
        if source == dest or not value:
            return "ok"
        left = free[source] - value
        if left < self.ed:  # the source is reaped; what is left is dust and burnt
            del free[source]
            self.issuance -= left
        else:
            free[source] = left
        free[dest] = free.get(dest, 0) + value
        return "ok"


# --- workload ---------------------------------------------------------------------


def account_ids(n: int) -> list[bytes]:
    """``n`` distinct 32-byte account ids, derived from their index."""
    from phala_spec.primitives.codec import blake2b_256

    return [blake2b_256(b"phala-spec/bench/%d" % i) for i in range(n)]


def workload(ids: Sequence[bytes], count: int, seed: int) -> list[tuple[bytes, bytes, int]]:
    """``count`` transfers between random pairs of ``ids``, seeded.

    Mostly small amounts; 2% overdraw (rejected); 1% send less than the
    existential deposit to a new account (rejected); and 2% are round trips
    through a new account: one transfer creates it, the next sends all but
    0..9 units on, which reaps it and burns the rest as dust [BAL-8].
    """
    import random

    from phala_spec.primitives.codec import blake2b_256

    rng = random.Random(seed)
    transfers: list[tuple[bytes, bytes, int]] = []
    fresh = 0
    while len(transfers) < count:
        source, dest = ids[rng.randrange(len(ids))], ids[rng.randrange(len(ids))]
        roll = rng.random()
        if roll < 0.02:
            transfers.append((source, dest, 2 * ENDOWMENT))
        elif roll < 0.03:
            newcomer = blake2b_256(b"phala-spec/bench/fresh/%d/%d" % (seed, fresh))
            fresh += 1
            transfers.append((source, newcomer, rng.randrange(1, 10)))
        elif roll < 0.04:
            newcomer = blake2b_256(b"phala-spec/bench/fresh/%d/%d" % (seed, fresh))
            fresh += 1
            value = rng.randrange(10, 1_000)
            transfers.append((source, newcomer, value))
            transfers.append((newcomer, dest, value - rng.randrange(0, 10)))
        else:
            transfers.append((source, dest, rng.randrange(1, ENDOWMENT // 20)))
    return transfers[:count]


def reference_state(ids: Sequence[bytes]) -> Any:
    """The ``minimal`` genesis with every id endowed, inside an open block 1."""
    from phala_spec import apply_step
    from phala_spec.runtime.genesis import genesis

    state = genesis("minimal", {"balances": [[who, ENDOWMENT] for who in ids]})
    opened = {
        "kind": "initialize_block",
        "number": 1,
        "timestamp": 12_000,
        "randomness": b"\x00" * 32,
    }
    return apply_step(state, opened).state


def as_steps(transfers: Sequence[tuple[bytes, bytes, int]]) -> list[dict[str, Any]]:
    return [
        {
            "kind": "call",
            "origin": {"kind": "signed", "who": source},
            "call": "Balances.transfer_allow_death",
            "args": {"dest": dest, "value": value},
        }
        for source, dest, value in transfers
    ]


def run_steps(state: Any, steps: Sequence[dict[str, Any]]) -> tuple[Any, list[str]]:
    """Apply call steps with :func:`apply_step`; returns the state and the outcomes."""
    from phala_spec import apply_step

    outcomes = []
    for step in steps:
        result = apply_step(state, step)
        state = result.state
        outcomes.append(result.outcome)
    return state, outcomes


def run_pallet(state: Any, transfers: Sequence[tuple[bytes, bytes, int]]) -> Any:
    """The same transfers on the pallet function, as a block keeps the state on failure."""
    from phala_spec.chain.state import Signed
    from phala_spec.pallets.balances.transfers import transfer_allow_death
    from phala_spec.primitives.errors import DispatchError

    for source, dest, value in transfers:
        with contextlib.suppress(DispatchError):
            state, _events = transfer_allow_death(state, Signed(source), dest, value)
    return state


def run_dict(ledger: DictLedger, transfers: Sequence[tuple[bytes, bytes, int]]) -> list[str]:
    transfer = ledger.transfer_allow_death
    return [transfer(source, dest, value) for source, dest, value in transfers]


def baseline_agrees(
    ids: Sequence[bytes],
    transfers: Sequence[tuple[bytes, bytes, int]],
    ledger_class: type[DictLedger] = DictLedger,
) -> bool:
    """The dict baseline and the reference give the same outcomes, balances and issuance."""
    state, outcomes = run_steps(reference_state(ids), as_steps(transfers))
    ledger = ledger_class(dict.fromkeys(ids, ENDOWMENT), 10)
    if run_dict(ledger, transfers) != outcomes:
        return False
    reference = {who: info.data.free for who, info in state.system.accounts.items()}
    return reference == ledger.free and state.balances.total_issuance == ledger.issuance


# --- timing -------------------------------------------------------------------------


class Runner:
    """One measured implementation: applies batches in order, timing each [CHAIN-5]."""

    def __init__(
        self,
        name: str,
        accounts: int,
        batches: Sequence[Sequence[Any]],
        apply: Callable[[Sequence[Any]], None],
    ) -> None:
        self.name, self.accounts, self.batches, self.apply = name, accounts, batches, apply
        self.rates: list[float] = []

    def time_batch(self, index: int) -> None:
        import time

        batch = self.batches[index]
        start = time.perf_counter()
        self.apply(batch)
        self.rates.append(len(batch) / (time.perf_counter() - start))


class DictRunner(Runner):
    """The dict baseline's batches are too fast to time once: each is timed ``repeat``
    times on fresh copies of the ledger as it was before the batch (copies are
    not timed); then the ledger advances, so it sees the states the reference sees."""

    def __init__(
        self, accounts: int, batches: Sequence[Sequence[Any]], ledger: DictLedger, repeat: int
    ) -> None:
        super().__init__("dict_baseline", accounts, batches, lambda batch: None)
        self.ledger, self.repeat = ledger, repeat

    def time_batch(self, index: int) -> None:
        import time

        batch = self.batches[index]
        for _ in range(self.repeat):
            trial = self.ledger.copy()
            start = time.perf_counter()
            run_dict(trial, batch)
            self.rates.append(len(batch) / (time.perf_counter() - start))
        run_dict(self.ledger, batch)


def measure(*, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Run the whole benchmark and return its figures as plain data.

    The implementations' batches are interleaved (batch 1 of each, then batch
    2 of each, ...) so that load from other processes hits every figure alike;
    each figure is the median over its batches.
    """
    import os
    import platform
    import statistics

    sizes = QUICK_SIZES if quick else SIZES
    per_batch, batches = (100, 3) if quick else (1_000, 8)
    count = per_batch * batches

    sample_ids = account_ids(min(sizes[0], 200))
    sample = workload(sample_ids, 300 if quick else 3_000, seed)
    agrees = baseline_agrees(sample_ids, sample)

    def chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
        return [items[i : i + per_batch] for i in range(0, len(items), per_batch)]

    runners: list[Runner] = []
    for size in sizes:
        ids = account_ids(size)
        transfers = workload(ids, count, seed + size)
        start_state = reference_state(ids)  # immutable: every runner starts from it
        by_steps = {"state": start_state}

        def apply_steps(batch: Sequence[Any], holder: dict[str, Any] = by_steps) -> None:
            holder["state"], _ = run_steps(holder["state"], batch)

        runners.append(
            Runner("reference_apply_step", size, chunks(as_steps(transfers)), apply_steps)
        )
        if size == sizes[-1]:
            by_pallet = {"state": start_state}

            def apply_pallet(batch: Sequence[Any], holder: dict[str, Any] = by_pallet) -> None:
                holder["state"] = run_pallet(holder["state"], batch)

            runners.append(
                Runner("reference_pallet_function", size, chunks(transfers), apply_pallet)
            )
            ledger = DictLedger(dict.fromkeys(ids, ENDOWMENT), 10)
            runners.append(DictRunner(size, chunks(transfers), ledger, 3 if quick else 20))

    for index in range(batches):
        for runner in runners:
            runner.time_batch(index)

    rates = {(r.name, r.accounts): statistics.median(r.rates) for r in runners}
    small, large = sizes
    return {
        "benchmark": "balances transfers",
        "quick": quick,
        "seed": seed,
        "transfers_per_measurement": count,
        "batches": batches,
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "measurements": [
            {"name": name, "accounts": accounts, "transfers_per_second": value}
            for (name, accounts), value in rates.items()
        ],
        "ratios": {
            # about 1 when a transfer costs the same on the large state as on the small one
            "throughput_large_over_small": rates["reference_apply_step", large]
            / rates["reference_apply_step", small],
            # how many times more a transfer costs on the reference than on a dict
            "reference_cost_over_dict": rates["dict_baseline", large]
            / rates["reference_apply_step", large],
            "pallet_function_cost_over_dict": rates["dict_baseline", large]
            / rates["reference_pallet_function", large],
        },
        "baseline_check": {"accounts": len(sample_ids), "transfers": len(sample), "agrees": agrees},
    }


# --- command ------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    import json

    from rich.console import Console

    from phala_spec.cli import CliError

    sections = [s for s in SECTIONS if s in (args.only or SECTIONS)]
    console = Console()
    figures: dict[str, Any] = {"sections": sections, "quick": args.quick, "seed": args.seed}
    agrees = True
    if "balances" in sections:
        figures.update(measure(quick=args.quick, seed=args.seed))
        agrees = _print_balances(console, figures, args.quick)
    if "mq" in sections or "network" in sections:
        from .network import measure_mq, measure_network

        if "mq" in sections:
            figures["mq"] = measure_mq(quick=args.quick, seed=args.seed)
            agrees = _print_mq(console, figures["mq"], args.quick) and agrees
        if "network" in sections:
            figures["network"] = measure_network(quick=args.quick, seed=args.seed)
            _print_network(console, figures["network"], args.quick)
    if "attestation" in sections:
        from .attestation import measure_attestation, print_attestation

        figures["attestation"] = measure_attestation(quick=args.quick, seed=args.seed)
        agrees = print_attestation(console, figures["attestation"], args.quick) and agrees
    if "staking" in sections:
        from .staking import measure_staking, print_staking

        figures["staking"] = measure_staking(quick=args.quick, seed=args.seed)
        agrees = print_staking(console, figures["staking"], args.quick) and agrees
    if "gatekeeper" in sections:
        from .gatekeeper import measure_gatekeeper, print_gatekeeper

        figures["gatekeeper"] = measure_gatekeeper(quick=args.quick, seed=args.seed)
        print_gatekeeper(console, figures["gatekeeper"], args.quick)
    if "simulate" in sections:
        from .simulate import measure_simulate, print_simulate

        figures["simulate"] = measure_simulate(quick=args.quick, seed=args.seed)
        agrees = print_simulate(console, figures["simulate"], args.quick) and agrees
    if "phat" in sections:
        from .phat import measure_phat, print_phat

        figures["phat"] = measure_phat(quick=args.quick, seed=args.seed)
        agrees = print_phat(console, figures["phat"], args.quick) and agrees
    if args.json is not None:
        try:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.json} ({exc.strerror or exc})") from exc
    return 0 if agrees else 1


def _print_balances(console: Any, figures: dict[str, Any], quick: bool) -> bool:
    from rich.table import Table

    table = Table(
        title="phala-spec bench: balances transfers" + (" (--quick: noisy)" if quick else "")
    )
    table.add_column("measurement")
    table.add_column("accounts", justify="right")
    table.add_column("transfers/s", justify="right")
    for m in figures["measurements"]:
        table.add_row(m["name"], f"{m['accounts']:,}", f"{m['transfers_per_second']:,.0f}")
    console.print(table)
    ratios = Table(title="ratios (measured in this run)")
    ratios.add_column("ratio")
    ratios.add_column("value", justify="right")
    small, large = QUICK_SIZES if quick else SIZES
    labels = {
        "throughput_large_over_small": f"throughput at {large:,} / at {small:,} accounts",
        "reference_cost_over_dict": "reference (apply_step) cost / dict baseline cost",
        "pallet_function_cost_over_dict": "reference (pallet function) cost / dict baseline cost",
    }
    for key, value in figures["ratios"].items():
        ratios.add_row(labels[key], f"{value:.2f}")
    console.print(ratios)
    check = figures["baseline_check"]
    verdict = "[green]agree[/]" if check["agrees"] else "[red]DISAGREE[/]"
    console.print(
        f"dict baseline vs reference on {check['transfers']:,} transfers "
        f"between {check['accounts']:,} accounts: {verdict}"
    )
    return bool(check["agrees"])


def rates_table(title: str, measurements: list[dict[str, Any]], quick: bool) -> Any:
    """A table of ``{name, per_second}`` measurements, titled ``phala-spec bench: <title>``."""
    from rich.table import Table

    table = Table(title=f"phala-spec bench: {title}" + (" (--quick: noisy)" if quick else ""))
    table.add_column("measurement")
    table.add_column("per second", justify="right")
    for m in measurements:
        table.add_row(m["name"], f"{m['per_second']:,.0f}")
    return table


def _print_mq(console: Any, figures: dict[str, Any], quick: bool) -> bool:
    table = rates_table(
        "signed messages (PhalaMq.sync_offchain_message)", figures["measurements"], quick
    )
    ratios = figures["ratios"]
    table.add_row(
        "accepted (apply_step) / sr25519 verifications (binding)",
        f"{ratios['accepted_over_verify']:.2f}",
    )
    table.add_row(
        "accepted (pallet function) / sr25519 verifications (binding)",
        f"{ratios['pallet_function_over_verify']:.2f}",
    )
    table.add_row(
        "sr25519 verifications: binding / pure Python",
        f"{ratios['binding_over_python_verify']:.0f}",
    )
    console.print(table)
    verdict = "[green]all accepted[/]" if figures["all_accepted"] else "[red]NOT ALL ACCEPTED[/]"
    console.print(
        f"{figures['messages']:,} messages from {figures['senders']} workers, "
        f"{figures['per_block']} per block: {verdict}"
    )
    return bool(figures["all_accepted"])


def _print_network(console: Any, figures: dict[str, Any], quick: bool) -> None:
    from rich.table import Table

    table = Table(
        title="phala-spec bench: network steps (chain block + every runtime)"
        + (" (--quick: noisy)" if quick else "")
    )
    for column in ("runtimes", "steps/s", "runtime-blocks/s", "relayed/block", "egress/block"):
        table.add_column(column, justify="right")
    for m in figures["measurements"]:
        table.add_row(
            f"{m['runtimes']:,}",
            f"{m['steps_per_second']:,.1f}",
            f"{m['steps_per_second'] * m['runtimes']:,.0f}",
            f"{m['relayed_per_block']:.1f}",
            f"{m['egress_per_block']:.1f}",
        )
    console.print(table)
    small, large = figures["measurements"]
    ratios = figures["ratios"]
    console.print(
        f"steps/s at {small['runtimes']:,} / at {large['runtimes']:,} runtimes: "
        f"{ratios['steps_small_over_large']:.1f}; cost per runtime at "
        f"{large['runtimes']:,} / at {small['runtimes']:,}: "
        f"{ratios['per_runtime_cost_large_over_small']:.2f}"
    )
