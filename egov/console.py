"""Output for people and pipes: rich tables on a terminal, plain aligned text when piped."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from network.inventory.findings import Severity
from network.inventory.report import summary_line
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
