"""Output for people and pipes: rich tables on a terminal, plain aligned text when piped."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from network.inventory.findings import Severity
from network.inventory.loader import LoadResult
from network.inventory.report import render_text, summary_line
from network.inventory.validate import Report

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 1
) -> None:
    """Print a table: boxed with rich on a terminal, tab-free aligned columns when piped."""
    if stdout.is_terminal:
        rich_table = Table(title=title, title_justify="left")
        for i, column in enumerate(columns):
            rich_table.add_column(column, justify="right" if i >= numeric_from else "left")
        for row in rows:
            rich_table.add_row(*(str(cell) for cell in row))
        stdout.print(rich_table)
        return
    cells = [[str(c) for c in columns], *[[str(c) for c in row] for row in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(columns))]
    print(title)
    for row in cells:
        parts = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(cell))
            parts.append(pad + cell if i >= numeric_from else cell + pad)
        print("  ".join(parts).rstrip())
    print()


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def error(message: str, hint: str = "") -> None:
    """An error for the user, with a hint, on stderr (never a traceback)."""
    stderr.print(f"[bold red]error:[/] {message}" if stderr.is_terminal else f"error: {message}")
    if hint:
        stderr.print(f"hint: {hint}")


def fail(problem: Any, code: int | None = None) -> typer.Exit:
    """Report a user's error and the exit to end with: the findings behind it first (a validation
    ``report``, or ``findings``), then the message and hint; ``code`` or the problem's ``exit_code``."""
    report = getattr(problem, "report", None)
    if report is not None:
        for line in render_text(report):
            plain(line)
    else:
        for finding in getattr(problem, "findings", ()):
            place = f"{report_root(problem)}{finding.at.file}:{finding.line or '-'}"
            plain(f"{place}  {finding.code}  {finding.message}  (hint: {finding.hint})")
    error(getattr(problem, "message", str(problem)), getattr(problem, "hint", ""))
    return typer.Exit(code if code is not None else getattr(problem, "exit_code", 2))


def readable_inventory(inventory: Path) -> LoadResult:
    """The inventory's records, or the end of the command (exit 2) naming each file that cannot be
    read: what a command needs before it works on what an inventory holds (not its validity)."""
    from network.inventory import InventoryNotFound, load_inventory  # noqa: PLC0415
    from network.inventory.validate import UNREADABLE_CODES  # noqa: PLC0415

    try:
        result = load_inventory(inventory)
    except InventoryNotFound as problem:
        error(str(problem), problem.hint)
        raise typer.Exit(2) from None
    unreadable = [f for f in result.findings if f.code in UNREADABLE_CODES]
    for finding in unreadable:  # working on a part of it would mislead: say which file, and stop
        error(f"{inventory / finding.at.file}: {finding.message}", finding.hint)
    if unreadable:
        raise typer.Exit(2)
    return result


def report_root(problem: Any) -> str:
    """The directory findings are relative to, as a prefix (empty when the problem does not say)."""
    root = getattr(problem, "root", None)
    return f"{root}/" if root is not None else ""


def plain(line: str = "") -> None:
    """A line of plain output (no markup interpretation)."""
    sys.stdout.write(line + "\n")


def findings(report: Report) -> None:
    """A validation report for a terminal: the same layout as the plain text, with colour."""
    for file, group in groupby(report.findings, key=lambda f: f.at.file):
        stdout.print(Text(str(report.root / file) if file else str(report.root), style="bold underline"))
        for finding in group:
            place = f"{finding.line}:{finding.column}" if finding.line else "-"
            error_level = finding.level is Severity.ERROR
            line = Text()
            line.append(f"  {place:>9}  ", style="dim")
            line.append(f"{finding.level.value:<7}", style="bold red" if error_level else "yellow")
            line.append(f"  {finding.code}  ", style="cyan")
            line.append(finding.message)
            line.append(f"  [{finding.rule.name}]", style="dim")
            stdout.print(line)
            if finding.hint:
                stdout.print(Text(f"  {'':>9}  {'':<7}        hint: {finding.hint}", style="green"))
        stdout.print()
    style = "bold red" if report.errors else ("yellow" if report.warnings else "bold green")
    stdout.print(Text(summary_line(report), style=style))
