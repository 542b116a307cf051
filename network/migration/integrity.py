"""Proof that data arrived intact: file manifests with SHA-256 and SM3, and their comparison.

MLPS 2.0 level 3 (GB/T 22239-2019, 8.1.4.7 数据完整性) asks that the integrity of important data in
transit be ensured with check codes or cryptography; SM3 (GB/T 32905-2016) is China's own hash, and
SHA-256 is what other tools and auditors check against. A manifest lists every file, directory and
symbolic link under a root with its size, permission bits and digests; the manifest's own digest
(of its canonical JSON) is what the ledger records beside it.

Files are read once, each chunk fed to both hashes; files are hashed on a small thread pool
(hashlib releases the GIL on large updates), which is how a manifest keeps up with ``sha256sum``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from network.migration import sm3

ALGORITHMS = ("sha256", "sm3")
CHUNK = 1 << 20


class ManifestError(Exception):
    """A tree that cannot be read (names the path)."""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the form whose digest is recorded with evidence."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def hasher(algorithm: str) -> Any:
    """A new hash object for one of :data:`ALGORITHMS`."""
    if algorithm == "sm3":
        return sm3.new()
    if algorithm == "sha256":
        return hashlib.sha256()
    raise ValueError(f"unknown algorithm {algorithm!r}; known: {', '.join(ALGORITHMS)}")


@dataclass(frozen=True, slots=True)
class Entry:
    """One path of a tree: ``kind`` file, dir or link; ``mode`` the permission bits; digests by algorithm.

    A link's ``target`` is what it points to (never followed); directories have no digests.
    """

    kind: str
    size: int
    mode: int
    digests: dict[str, str] = field(default_factory=dict)
    target: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The entry as the manifest's JSON stores it."""
        out: dict[str, Any] = {"kind": self.kind, "size": self.size, "mode": f"{self.mode:04o}"}
        out.update(self.digests)
        if self.target is not None:
            out["target"] = self.target
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        """Read an entry back."""
        digests = {a: str(data[a]) for a in ALGORITHMS if a in data}
        return cls(
            str(data["kind"]), int(data["size"]), int(str(data["mode"]), 8), digests, data.get("target")
        )


@dataclass(frozen=True)
class Manifest:
    """Every path under a root (relative, ``/``-separated, sorted) with its entry."""

    entries: dict[str, Entry]
    algorithms: tuple[str, ...] = ALGORITHMS

    @property
    def files(self) -> int:
        """Number of regular files."""
        return sum(1 for e in self.entries.values() if e.kind == "file")

    @property
    def bytes(self) -> int:
        """Total size of the regular files."""
        return sum(e.size for e in self.entries.values() if e.kind == "file")

    def to_json(self) -> dict[str, Any]:
        """The manifest as stored in the ledger: algorithms, totals and every entry."""
        return {
            "algorithms": list(self.algorithms),
            "files": self.files,
            "bytes": self.bytes,
            "entries": {path: entry.to_json() for path, entry in sorted(self.entries.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """Read a manifest back (from the ledger, or a file an Ansible task wrote)."""
        entries = {str(p): Entry.from_json(e) for p, e in dict(data["entries"]).items()}
        return cls(entries, tuple(data.get("algorithms", ALGORITHMS)))

    def digest(self, algorithm: str = "sha256") -> str:
        """The digest of the manifest's canonical JSON (what an auditor re-computes)."""
        h = hasher(algorithm)
        h.update(canonical_json(self.to_json()).encode("utf-8"))
        return str(h.hexdigest())


def _walk(root: Path) -> Iterator[tuple[str, os.stat_result, str]]:
    """(relative path, lstat, absolute path) of everything under ``root``, depth first."""
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as listing:
                children = sorted(listing, key=lambda e: e.name)
        except OSError as problem:
            raise ManifestError(f"{directory}: cannot be listed ({problem.strerror})") from None
        for child in children:
            info = child.stat(follow_symlinks=False)
            relative = os.path.relpath(child.path, root).replace(os.sep, "/")
            yield relative, info, child.path
            if stat.S_ISDIR(info.st_mode):
                stack.append(Path(child.path))


def hash_file(path: str, algorithms: Iterable[str] = ALGORITHMS) -> dict[str, str]:
    """The digests of one file, read once in 1 MiB chunks."""
    hashes = {a: hasher(a) for a in algorithms}
    try:
        with open(path, "rb", buffering=0) as stream:
            buffer = bytearray(CHUNK)
            view = memoryview(buffer)
            while True:
                n = stream.readinto(buffer)
                if not n:
                    break
                chunk = view[:n]
                for h in hashes.values():
                    h.update(chunk)
    except OSError as problem:
        raise ManifestError(f"{path}: cannot be read ({problem.strerror})") from None
    return {a: str(h.hexdigest()) for a, h in hashes.items()}


def build_manifest(
    root: Path,
    algorithms: Iterable[str] = ALGORITHMS,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Manifest:
    """The manifest of everything under ``root`` (which must be a directory)."""
    chosen = tuple(algorithms)
    for algorithm in chosen:
        hasher(algorithm)  # refuse unknown names before reading anything
    if not root.is_dir():
        raise ManifestError(f"{root}: not a directory")
    entries: dict[str, Entry] = {}
    files: list[tuple[str, os.stat_result, str]] = []
    for relative, info, absolute in _walk(root):
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISREG(info.st_mode):
            files.append((relative, info, absolute))
        elif stat.S_ISDIR(info.st_mode):
            entries[relative] = Entry("dir", 0, mode)
        elif stat.S_ISLNK(info.st_mode):
            entries[relative] = Entry("link", 0, mode, target=os.readlink(absolute))
        else:
            raise ManifestError(f"{absolute}: neither a file, a directory nor a link")

    def one(item: tuple[str, os.stat_result, str]) -> tuple[str, Entry]:
        relative, info, absolute = item
        digests = hash_file(absolute, chosen)
        if progress is not None:
            progress(info.st_size)
        return relative, Entry("file", info.st_size, stat.S_IMODE(info.st_mode), digests)

    pool_size = workers or min(4, os.cpu_count() or 1)
    # Largest first, so that one big file does not end up alone at the tail of the pool.
    files.sort(key=lambda item: -item[1].st_size)
    if pool_size == 1:
        entries.update(one(item) for item in files)
    else:
        with ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="egov-manifest") as pool:
            entries.update(pool.map(one, files))
    return Manifest(dict(sorted(entries.items())), chosen)


@dataclass(frozen=True)
class ManifestDiff:
    """How a target tree differs from its source: paths missing, extra, or changed (and in what)."""

    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    changed: tuple[tuple[str, str], ...] = ()

    @property
    def equal(self) -> bool:
        """True when the trees are the same in every path, size, mode and digest."""
        return not (self.missing or self.extra or self.changed)

    def summary(self, limit: int = 5) -> str:
        """One line for people: what differs, the first few paths of each kind."""
        if self.equal:
            return "identical"
        parts = []
        for label, paths in (
            ("missing", self.missing),
            ("extra", self.extra),
            ("changed", tuple(f"{p} ({what})" for p, what in self.changed)),
        ):
            if paths:
                shown = ", ".join(paths[:limit]) + (
                    f" and {len(paths) - limit} more" if len(paths) > limit else ""
                )
                parts.append(f"{len(paths)} {label}: {shown}")
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The difference as evidence."""
        return {
            "missing": list(self.missing),
            "extra": list(self.extra),
            "changed": [{"path": p, "what": w} for p, w in self.changed],
        }


def compare(source: Manifest, target: Manifest, modes: bool = True) -> ManifestDiff:
    """What differs between two manifests; digests are compared for every algorithm both hold."""
    missing = tuple(sorted(set(source.entries) - set(target.entries)))
    extra = tuple(sorted(set(target.entries) - set(source.entries)))
    changed: list[tuple[str, str]] = []
    for path in sorted(set(source.entries) & set(target.entries)):
        a, b = source.entries[path], target.entries[path]
        what = [
            name
            for name, differs in (
                ("kind", a.kind != b.kind),
                ("size", a.size != b.size),
                ("mode", modes and a.mode != b.mode),
                ("target", a.target != b.target),
            )
            if differs
        ]
        what += [alg for alg in a.digests if alg in b.digests and a.digests[alg] != b.digests[alg]]
        if what:
            changed.append((path, ", ".join(what)))
    return ManifestDiff(missing, extra, tuple(changed))
