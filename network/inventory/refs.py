"""Where a value was read: an inventory file and the YAML path inside it."""

from __future__ import annotations

from typing import NamedTuple

PathStep = str | int


class NodeRef(NamedTuple):
    """A file (relative to the inventory directory) and the path of keys and indexes inside it."""

    file: str
    path: tuple[PathStep, ...]

    def child(self, *steps: PathStep) -> NodeRef:
        """The reference of a value below this one."""
        return NodeRef(self.file, self.path + steps)

    def dotted(self) -> str:
        """The path as people write it: ``devices[3].interfaces[0].name``."""
        out = ""
        for step in self.path:
            out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
        return out
