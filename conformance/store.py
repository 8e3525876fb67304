"""Vector directories, generation and the lock file [VEC-1] [VEC-8] [VEC-10].

A vector directory holds ``<preset>/<suite>/<handler>/<case>.cbor`` files. Its
lock is a text file, by default the sibling ``<dir>.lock`` (so the packaged
``conformance/vectors/`` has ``conformance/vectors.lock``): a header line naming
the format, then one ``<id> <blake2b-256 hex of the file bytes>`` line per
vector, sorted by id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from phala_spec.primitives.codec import blake2b_256, decode, encode

from .authoring import FORMAT, CaseSpec, build_vector, vector_path
from .schema import check_vector
from .twin import dumps

LOCK_HEADER = f"# format {FORMAT} (written by `phala-spec vectors generate`; do not edit)"
PACKAGED_DIR = Path(__file__).resolve().parent / "vectors"


class LockError(ValueError):
    """A lock file is missing or malformed."""


def default_lock(vectors_dir: Path) -> Path:
    """The default lock of a vector directory: the sibling file ``<dir>.lock``."""
    resolved = Path(vectors_dir).resolve()
    return resolved.parent / f"{resolved.name}.lock"


def file_hash(blob: bytes) -> str:
    """The lock hash of a vector file: BLAKE2b-256 of its bytes, in hex [VEC-10]."""
    return blake2b_256(blob).hex()


def vector_id_of(path: Path, root: Path) -> str | None:
    """The id a file's place in the tree gives it, or ``None`` if it is not at depth 4."""
    parts = path.relative_to(root).with_suffix("").parts
    return "/".join(parts) if len(parts) == 4 else None


def discover(vectors_dir: Path) -> list[tuple[str, Path]]:
    """Every ``.cbor`` file under a directory with its path-derived id, sorted by id.

    A file that is not at ``<preset>/<suite>/<handler>/<case>.cbor`` gets its
    relative path as id, so that it is still reported (as an error) [VEC-1].
    """
    found = []
    for path in Path(vectors_dir).rglob("*.cbor"):
        vector_id = vector_id_of(path, Path(vectors_dir))
        found.append((vector_id or str(path.relative_to(vectors_dir)), path))
    return sorted(found)


def read_lock(path: Path) -> dict[str, str]:
    """Parse a lock file into ``{id: hash}``; raises :class:`LockError`."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LockError(f"cannot read lock file {path} ({exc.strerror or exc})") from exc
    if not lines or lines[0] != LOCK_HEADER:
        raise LockError(f"{path}: the first line must be {LOCK_HEADER!r}")
    entries: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split()
        if len(fields) != 2 or len(fields[1]) != 64:
            raise LockError(f"{path}:{number}: expected '<id> <64 hex digits>'")
        if fields[0] in entries:
            raise LockError(f"{path}:{number}: duplicate id {fields[0]}")
        entries[fields[0]] = fields[1]
    return entries


def lock_text(entries: dict[str, str]) -> str:
    """The text of a lock file [VEC-10]."""
    return "\n".join([LOCK_HEADER, *(f"{k} {entries[k]}" for k in sorted(entries))]) + "\n"


@attrs.frozen
class Generated:
    """One generated vector: its id, its bytes and their hash."""

    id: str
    blob: bytes

    @property
    def hash(self) -> str:
        return file_hash(self.blob)


def generate(specs: Iterable[CaseSpec]) -> list[Generated]:
    """Build, schema-check and encode vectors, sorted by id [VEC-8].

    The schema check is a fill-time check: a vector that breaks format v1 is
    never written.
    """
    out = []
    seen = set()
    for spec in specs:
        vector = build_vector(spec)
        check_vector(vector)
        if vector["id"] in seen:
            raise ValueError(f"two cases have the id {vector['id']}")
        seen.add(vector["id"])
        out.append(Generated(vector["id"], encode(vector)))
    return sorted(out, key=lambda g: g.id)


def write_all(
    generated: Sequence[Generated],
    out_dir: Path,
    lock: Path,
    *,
    partial: bool,
    twins: bool = False,
) -> list[Path]:
    """Write vectors and the lock (and, with ``twins``, each one's JSON twin); returns stale files removed.

    A full generation (``partial=False``) replaces the lock and removes
    ``.cbor`` files no case produced, with their twins; a partial one (``-k``)
    only adds or replaces its own entries.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries: dict[str, str] = {}
    if partial and Path(lock).exists():
        entries = read_lock(lock)
    wanted = set()
    for item in generated:
        path = out_dir / vector_path(item.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != item.blob:
            path.write_bytes(item.blob)
        if twins:
            path.with_suffix(".json").write_text(dumps(decode(item.blob)), encoding="utf-8")
        entries[item.id] = item.hash
        wanted.add(path.resolve())
    removed = []
    if not partial:
        for _, path in discover(out_dir):
            if path.resolve() not in wanted:
                path.unlink()
                removed.append(path)
                twin = path.with_suffix(".json")
                if twin.is_file():
                    twin.unlink()
                    removed.append(twin)
        _prune_empty_dirs(out_dir)
    Path(lock).parent.mkdir(parents=True, exist_ok=True)
    Path(lock).write_text(lock_text(entries), encoding="utf-8")
    return removed


def _prune_empty_dirs(root: Path) -> None:
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def compare_with_lock(
    generated: Sequence[Generated], lock: dict[str, str], partial: bool
) -> list[str]:
    """Differences between regenerated vectors and a lock, one line each [VEC-10]."""
    problems = []
    produced = {g.id: g.hash for g in generated}
    for vector_id, digest in sorted(produced.items()):
        if vector_id not in lock:
            problems.append(f"{vector_id}: generated but not in the lock")
        elif lock[vector_id] != digest:
            problems.append(f"{vector_id}: regenerated bytes differ from the lock")
    if not partial:
        problems += [
            f"{i}: in the lock but no case generates it" for i in sorted(set(lock) - set(produced))
        ]
    return problems
