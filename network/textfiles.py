"""Text files the toolkit writes: what would change (``--check``, with diffs), and atomic writes."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Above this many lines, a full diff (difflib is quadratic in the worst case) gives way to the
# first differing hunk: enough to see what changed, and fast on province-scale files.
FULL_DIFF_MAX_LINES = 20_000


@dataclass(frozen=True)
class FileChange:
    """What writing one file would do: ``created``, ``changed`` or ``unchanged``."""

    name: str
    status: str
    old: str = ""
    new: str = ""

    def diff(self, context: int = 2) -> list[str]:
        """A unified diff of the change (for large files: the first differing hunk, then line counts)."""
        if self.status != "changed":
            return []
        old, new = self.old.splitlines(), self.new.splitlines()
        labels = (f"{self.name} (current)", f"{self.name} (new)")
        if max(len(old), len(new)) <= FULL_DIFF_MAX_LINES:
            return list(difflib.unified_diff(old, new, *labels, n=context, lineterm=""))
        first = next(
            (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new))
        )
        start = max(0, first - context)
        hunk = list(
            difflib.unified_diff(
                old[start : first + 20], new[start : first + 20], *labels, n=context, lineterm=""
            )
        )
        return [
            *hunk,
            f"(large file: first difference at line {first + 1}; {len(old)} lines now, {len(new)} after)",
        ]


def plan_changes(out_dir: Path, texts: dict[str, str]) -> list[FileChange]:
    """Compare the texts with what ``out_dir`` holds now (diffs are computed only when asked for)."""
    changes = []
    for name, text in texts.items():
        path = out_dir / name
        if not path.exists():
            changes.append(FileChange(name, "created", new=text))
            continue
        old = path.read_text(encoding="utf-8", errors="replace")
        changes.append(FileChange(name, "unchanged" if old == text else "changed", old, text))
    return changes


def write_files(out_dir: Path, texts: dict[str, str]) -> None:
    """Write every file to a temporary name first, then move them all in place.

    Names may hold subdirectories (``targets/devices.json``); they are created as needed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    mode = 0o666 & ~_umask()
    staged: list[tuple[str, Path]] = []
    try:
        for name, text in texts.items():
            target = out_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.chmod(temp_name, mode)  # mkstemp makes 0600; inventory files are ordinary files
            staged.append((name, Path(temp_name)))
    except BaseException:
        _discard(temp_path for _, temp_path in staged)
        raise
    for name, temp in staged:
        os.replace(temp, out_dir / name)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _discard(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
