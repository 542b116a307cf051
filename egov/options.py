"""Command-line arguments shared by the subcommands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

InventoryDir = Annotated[
    Path, typer.Argument(help="inventory directory, e.g. inventories/shanwei", show_default=False)
]
