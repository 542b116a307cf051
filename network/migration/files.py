"""File stores: transfer with rsync (checksums, resumable), freeze the source read-only, clean the target.

rsync runs with ``--checksum`` (files are compared by content, not by size and time), ``--partial``
(a transfer killed half-way resumes instead of starting again), ``--delete`` (the target is an exact
copy) and, when set, ``--bwlimit`` so that a migration does not saturate an extranet link. Check
mode is rsync's own ``--dry-run --itemize-changes``: the list of what would be copied or deleted.

Freezing makes every file and directory of the source read-only (``a-w``); the previous permission
bits are returned so that a rollback restores them exactly, and the final transfer of a cutover keeps
the target's own bits (``--no-perms``) so that the target is not frozen with the source.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


class FilesError(Exception):
    """A file step that failed: names the directory and what rsync or the system said."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class FilesCopy:
    """What a transfer did: bytes sent over the wire, bytes of the tree, seconds, and (check) changes."""

    sent: int
    total: int
    seconds: float
    changes: tuple[str, ...] = ()


def rsync_binary() -> str:
    """rsync's path (FilesError when it is not installed)."""
    found = shutil.which("rsync")
    if found is None:
        raise FilesError("rsync is not installed", "install it (Debian: apt-get install rsync)")
    return found


def _stat_number(output: str, label: str) -> int:
    match = re.search(rf"^{re.escape(label)}: ([\d,]+)", output, re.MULTILINE)
    return int(match.group(1).replace(",", "")) if match else 0


def copy_tree(
    source: Path,
    target: Path,
    bandwidth_kbps: int | None = None,
    check: bool = False,
    keep_target_modes: bool = False,
) -> FilesCopy:
    """Make ``target`` an exact copy of ``source`` (contents by checksum, links, modes unless kept)."""
    if not source.is_dir():
        raise FilesError(f"{source}: the source directory does not exist", "check the endpoints file")
    target.mkdir(parents=True, exist_ok=True)
    command = [rsync_binary(), "--archive", "--checksum", "--delete", "--partial", "--stats"]
    command.append("--no-human-readable")  # --stats numbers as plain integers
    if keep_target_modes:
        command.append("--no-perms")
    if bandwidth_kbps:
        command.append(f"--bwlimit={bandwidth_kbps}")
    if check:
        command += ["--dry-run", "--itemize-changes"]
    command += [f"{source}/", f"{target}/"]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise FilesError(
            f"rsync {source} -> {target} failed (exit {done.returncode}): {said[-1] if said else ''}",
            "check space and permissions on the target",
        )
    changes: tuple[str, ...] = ()
    if check:
        changes = tuple(
            line for line in done.stdout.splitlines() if re.match(r"^(?:[<>ch.*][fdLDS]|\*deleting)", line)
        )
    return FilesCopy(
        _stat_number(done.stdout, "Total bytes sent"),
        _stat_number(done.stdout, "Total file size"),
        time.monotonic() - started,
        changes,
    )


def _paths(root: Path) -> list[Path]:
    out = [root]
    for directory, dirs, files in os.walk(root):
        out += [Path(directory) / name for name in dirs + files]
    return out


def freeze(root: Path) -> dict[str, int]:
    """Remove every write bit under ``root``; returns the previous bits (relative path -> mode)."""
    before: dict[str, int] = {}
    # Children before parents: a read-only directory must still let us reach what is inside it.
    for path in sorted(_paths(root), key=lambda p: -len(p.parts)):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            continue
        mode = stat.S_IMODE(info.st_mode)
        before[path.relative_to(root).as_posix()] = mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return before


def unfreeze(root: Path, modes: dict[str, int]) -> None:
    """Put back the permission bits :func:`freeze` recorded (parents first, so children can be reached)."""
    for relative in sorted(modes, key=lambda p: (p.count("/") if p != "." else -1, p)):
        path = root / relative if relative != "." else root
        if path.exists() and not path.is_symlink():
            path.chmod(modes[relative])


def is_frozen(root: Path) -> bool:
    """True when nothing under ``root`` has a write bit."""
    write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    return all(path.is_symlink() or not stat.S_IMODE(path.lstat().st_mode) & write for path in _paths(root))


def clear(target: Path) -> int:
    """Empty a target directory (a rollback's clean-up), keeping the directory; returns entries removed."""
    if not target.is_dir():
        return 0
    removed = 0
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
        removed += 1
    return removed


def free_bytes(path: Path) -> int:
    """Free space where ``path`` is (or would be created)."""
    probe = path
    while not probe.exists():
        probe = probe.parent
    return shutil.disk_usage(probe).free
