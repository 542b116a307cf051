"""Finding the Prometheus project's exporters on PATH (upstream's names, then Debian's)."""

from __future__ import annotations

import shutil


class BinaryNotFound(Exception):
    """None of the names is on PATH: the message names what was looked for."""


def find_binary(names: tuple[str, ...], given: str | None = None) -> str:
    """The program to run: ``given`` (a name or path) if it exists, else the first of ``names`` on PATH."""
    for name in (given,) if given else names:
        found = shutil.which(name)
        if found:
            return found
    raise BinaryNotFound(f"looked for {given or ' and '.join(names)} on PATH")
