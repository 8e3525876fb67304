"""``phala-spec fuzz``: every decoder against random and mutated input [CODEC-1] [ADP-2].

Each target is a decoder that reads bytes from outside: a vector file, an
adapter frame (both directions, a ``primitive`` step among the requests),
SCALE compact integers and the payloads of the system topics, IAS report
text, DCAP quotes and collateral. Inputs are random bytes and
mutations (flipped, inserted, deleted and truncated bytes, spliced pieces) of
real samples: shipped vectors, protocol frames, production's DCAP quote and
collateral, an IAS report. A decoder may reject an input only with the
project's typed errors; anything else, and the slowest input, is reported.
Generation is seeded, so a finding can be replayed.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

TypedErrors = tuple[type[BaseException], ...]


@attrs.frozen
class Target:
    """A decoder, the samples its inputs grow from, and the errors it may raise."""

    name: str
    decode: Callable[[bytes], object]
    samples: Callable[[], list[bytes]]
    typed: TypedErrors


@attrs.frozen
class Finding:
    """An input a decoder met with an untyped exception."""

    target: str
    index: int
    data: bytes
    error: str


@attrs.define
class Report:
    """What a fuzz run found: counts, findings, and the slowest input per target."""

    inputs: dict[str, int] = attrs.field(factory=dict)
    findings: list[Finding] = attrs.field(factory=list)
    slowest: dict[str, float] = attrs.field(factory=dict)


# --- Targets ---------------------------------------------------------------------------


def _evidence(name: str) -> bytes:
    return (resources.files("phala_spec.conformance") / "evidence" / name).read_bytes()


def _vector_samples() -> list[bytes]:
    from .store import PACKAGED_DIR, discover

    files = discover(PACKAGED_DIR)
    return [path.read_bytes() for _, path in files[:: max(1, len(files) // 8)]]


def _frame_samples() -> list[bytes]:
    from .protocol import frame

    load = {"request": "load", "genesis": {"preset": "minimal", "overrides": {}}}
    primitive = {  # [STEP-9]: the adapter must answer whatever its arguments become
        "request": "step",
        "step": {
            "kind": "primitive",
            "name": "compact_decode",
            "args": {"width": 32, "data": b"\x01\x01"},
        },
    }
    messages: list[dict[str, Any]] = [
        {"request": "hello", "protocol": 2},
        load,
        {"request": "step", "step": {"kind": "finalize_block"}},
        {"status": "ok", "digests": {"system": bytes(32)}, "events": [], "outcome": "ok"},
    ]
    return [frame(m) for m in messages] + [frame(load) + frame(primitive)]


def _compact_samples() -> list[bytes]:
    from phala_spec.primitives.scale import compact

    return [compact(n) for n in (0, 63, 64, 1 << 14, 1 << 30, 1 << 32, (1 << 128) - 1)]


def _decode_compacts(blob: bytes) -> object:
    """[SCALE-3] a compact integer at every width: a value and a length, or None; never raises."""
    from phala_spec.primitives.scale import COMPACT_WIDTHS, decode_compact

    return [decode_compact(blob, 0, width) for width in COMPACT_WIDTHS]


def _payload_samples() -> list[bytes]:
    from phala_spec.chain.system_payloads import HeartbeatChallenge
    from phala_spec.chain.worker_messages import encode_payload

    return [encode_payload(HeartbeatChallenge(seed=2**200, online_target=2**32 - 1)), b"\x00" * 40]


def _decode_vector(blob: bytes) -> object:
    from .schema import parse_vector

    return parse_vector(blob)


def _read_frame(blob: bytes) -> object:
    from .protocol import read_frame

    return read_frame(io.BytesIO(blob))


def _serve(blob: bytes) -> object:
    """The reference adapter, fed the input as its request stream: it must never raise."""
    from .adapter import serve

    return serve(io.BytesIO(blob), io.BytesIO(), io.StringIO())


def _decode_payloads(blob: bytes) -> object:
    from phala_spec.chain.worker_messages import KINDS, decode_payload

    return [decode_payload(kind, blob) for kind in KINDS]


def _ias_text(blob: bytes) -> object:
    from phala_spec.tee.ias import decode_quote_body, parse_report_json, parse_report_timestamp

    doc = parse_report_json(blob)
    text = blob.decode("utf-8", "replace")
    return doc, _swallow(parse_report_timestamp, text), _swallow(decode_quote_body, text)


def _swallow(fn: Callable[[str], object], text: str) -> object:
    from phala_spec.primitives.errors import DispatchError

    try:
        return fn(text)
    except DispatchError as error:
        return error


def _dcap_quote(blob: bytes) -> object:
    from phala_spec.tee.dcap import decode_collateral, verify_dcap_quote

    collateral = decode_collateral(_evidence("dcap_collateral_sgxv30.scale"))
    return verify_dcap_quote(blob, collateral, 1_699_301_000)


def _dcap_collateral(blob: bytes) -> object:
    from phala_spec.tee.dcap import decode_collateral

    return decode_collateral(blob)


def targets() -> list[Target]:
    """Every decoder that reads bytes from outside, with the errors it may raise."""
    from phala_spec.primitives.errors import DispatchError

    from .protocol import ProtocolError
    from .schema import SchemaError

    return [
        Target("vector file", _decode_vector, _vector_samples, (SchemaError,)),
        Target("frame (runner reading a reply)", _read_frame, _frame_samples, (ProtocolError,)),
        Target("frame (adapter reading requests)", _serve, _frame_samples, ()),
        Target("SCALE compact integers", _decode_compacts, _compact_samples, ()),
        Target("SCALE payloads", _decode_payloads, _payload_samples, ()),
        Target(
            "IAS report text",
            _ias_text,
            lambda: [_evidence("ias_pallet_ra_report.json"), _evidence("ias_crate_ra_report.json")],
            (DispatchError,),
        ),
        Target(
            "DCAP quote", _dcap_quote, lambda: [_evidence("dcap_quote_v3.bin")], (DispatchError,)
        ),
        Target(
            "DCAP collateral",
            _dcap_collateral,
            lambda: [_evidence("dcap_collateral_sgxv30.scale")],
            (DispatchError,),
        ),
    ]


# --- Inputs ----------------------------------------------------------------------------


def mutate(rng: random.Random, samples: Sequence[bytes]) -> bytes:
    """A random input: fresh random bytes, or a sample mutated a few times."""
    if not samples or rng.random() < 0.2:
        return rng.randbytes(rng.choice((0, 1, 4, 16, 64, 512, 4096)))
    data = bytearray(rng.choice(samples))
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        at = rng.randrange(len(data) + 1)
        if op == 0 and data:  # flip bits of a byte
            at = min(at, len(data) - 1)
            data[at] ^= 1 << rng.randrange(8)
        elif op == 1:  # insert bytes
            data[at:at] = rng.randbytes(rng.randint(1, 8))
        elif op == 2 and data:  # delete bytes
            del data[at : at + rng.randint(1, 8)]
        elif op == 3:  # truncate
            del data[at:]
        else:  # splice a piece of another sample
            other = rng.choice(samples)
            start = rng.randrange(len(other) + 1)
            data[at:at] = other[start : start + rng.randint(1, 64)]
    return bytes(data)


def fuzz(
    inputs: int,
    seed: int,
    chosen: Sequence[Target] | None = None,
    on_target: Callable[[str], None] | None = None,
) -> Report:
    """Feed each target ``inputs`` inputs made from ``seed``; returns what was found."""
    report = Report()
    for target in chosen if chosen is not None else targets():
        if on_target is not None:
            on_target(target.name)
        rng = random.Random(f"{seed}/{target.name}")
        samples = target.samples()
        slowest = 0.0
        for index in range(inputs):
            data = mutate(rng, samples)
            started = time.perf_counter()
            try:
                target.decode(data)
            except target.typed:
                pass  # a typed rejection is the answer a decoder owes to bad input
            except Exception as exc:  # the finding this tool exists for
                report.findings.append(
                    Finding(target.name, index, data, f"{type(exc).__name__}: {exc}"[:300])
                )
            slowest = max(slowest, time.perf_counter() - started)
        report.inputs[target.name] = inputs
        report.slowest[target.name] = slowest
    return report


# --- Command line ------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--inputs", type=int, default=2_000, metavar="N", help="inputs per decoder (default: 2000)"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="seed (default: 0)")
    group = parser.add_argument_group(
        "differential fuzzing [VEC-26]",
        "with --adapter, the models drive the reference and the implementation in lockstep; "
        "the first divergence is shrunk and written as a vector",
    )
    group.add_argument(
        "--adapter",
        metavar="CMD",
        help="the implementation under test: an adapter command line, split as a shell would",
    )
    group.add_argument(
        "-k", dest="select", metavar="MODEL", help="only models whose name contains MODEL"
    )
    group.add_argument(
        "--examples", type=int, default=100, metavar="N", help="runs per model (default: 100)"
    )
    group.add_argument(
        "--steps", type=int, default=30, metavar="N", help="steps per run at most (default: 30)"
    )
    group.add_argument(
        "--out",
        type=Path,
        default=Path("fuzz-vectors"),
        metavar="DIR",
        help="where divergences are written as vectors (default: fuzz-vectors)",
    )
    group.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds per reply (default: 10)"
    )


def run(args: argparse.Namespace) -> int:
    if args.adapter is not None:
        return run_differential(args)
    from rich.console import Console
    from rich.table import Table

    from phala_spec.cli import CliError

    if args.inputs <= 0:
        raise CliError("--inputs must be positive")
    err = Console(stderr=True)
    report = fuzz(args.inputs, args.seed, on_target=lambda name: err.print(f"fuzzing {name}…"))
    table = Table(title=f"phala-spec fuzz (seed {args.seed})")
    for column in ("decoder", "inputs", "untyped errors", "slowest input (s)"):
        table.add_column(column, justify="left" if column == "decoder" else "right")
    for name, count in report.inputs.items():
        found = sum(f.target == name for f in report.findings)
        table.add_row(name, str(count), str(found), f"{report.slowest[name]:.3f}")
    console = Console()
    console.print(table)
    for finding in report.findings[:20]:
        console.print(
            f"[red]{finding.target}[/] input {finding.index}: {finding.error}\n"
            f"    {finding.data[:64].hex()}{'…' if len(finding.data) > 64 else ''}",
            highlight=False,
        )
    return 1 if report.findings else 0


def run_differential(args: argparse.Namespace) -> int:
    """``fuzz --adapter CMD``: each model in lockstep with the adapter [VEC-26]."""
    import shlex

    from rich.console import Console
    from rich.table import Table

    from phala_spec.cli import CliError
    from phala_spec.models.cli import select_models

    from .differential import fuzz_models

    command = shlex.split(args.adapter)
    if not command:
        raise CliError("--adapter needs a command")
    if args.examples <= 0 or args.steps <= 0:
        raise CliError("--examples and --steps must be positive")
    names = select_models(args.select)
    if not names:
        raise CliError(f"no model matches {args.select!r}")
    err = Console(stderr=True, highlight=False)
    err.print(f"phala-spec fuzz: {', '.join(names)} against {args.adapter} (seed {args.seed})")
    results = fuzz_models(
        command,
        names,
        seed=args.seed,
        examples=args.examples,
        steps=args.steps,
        out_dir=args.out,
        timeout=args.timeout,
    )
    table = Table(title=f"phala-spec fuzz --adapter (seed {args.seed})")
    for column in ("model", "runs", "steps compared", "steps skipped", "result", "vector"):
        table.add_column(column, overflow="fold")
    for r in results:
        outcome = (
            "[green]agreed[/]"
            if r.invariant is None
            else ("[red]DIVERGED[/]" if r.diverged else f"[red]FAILED[/] {r.invariant}")
        )
        table.add_row(
            r.model, str(r.runs), str(r.compared), str(r.skipped), outcome, str(r.vector or "-")
        )
    console = Console(highlight=False)
    console.print(table)
    for r in results:
        if r.invariant is not None:
            console.print(f"[red]{r.model}[/]: {r.detail}")
    return 0 if all(r.invariant is None for r in results) else 1
