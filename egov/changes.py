"""Writing generated files the way every command does: show what changes, --check writes nothing."""

from __future__ import annotations

from pathlib import Path

import typer

from egov.console import error, plain
from network.textfiles import FileChange, plan_changes, write_files

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def apply_changes(out_dir: Path, texts: dict[str, str], check: bool, force: bool) -> None:
    """Show what writing ``texts`` into ``out_dir`` would change; write unless --check (exit 1 then)."""
    if out_dir.exists() and not out_dir.is_dir():
        error(f"{out_dir} is a file", "give a directory to write into")
        raise typer.Exit(EXIT_USAGE)
    changes = plan_changes(out_dir, texts)
    for change in changes:
        plain(f"{change.status:>9}  {out_dir / change.name}")
        if check:
            _show_diff(change)
    pending = [c for c in changes if c.status != "unchanged"]
    if check:
        raise typer.Exit(EXIT_FINDINGS if pending else EXIT_OK)
    overwritten = [c for c in changes if c.status == "changed"]
    if overwritten and not force:
        error(
            f"{len(overwritten)} files in {out_dir} differ from what would be written",
            "see them with --check; overwrite with --force",
        )
        raise typer.Exit(EXIT_FINDINGS)
    if pending:
        try:
            write_files(out_dir, {c.name: texts[c.name] for c in pending})
        except OSError as problem:
            error(
                f"cannot write {out_dir}: {problem.strerror}",
                "choose a writable directory; nothing was changed",
            )
            raise typer.Exit(EXIT_USAGE) from None
    plain(f"wrote {len(pending)} of {len(changes)} files to {out_dir}")


def _show_diff(change: FileChange, limit: int = 40) -> None:
    diff = change.diff()
    for line in diff[:limit]:
        plain(f"           {line}")
    if len(diff) > limit:
        plain(f"           … {len(diff) - limit} more diff lines")
