"""Output for people and pipes: rich tables on a terminal, plain aligned text when piped."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

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
