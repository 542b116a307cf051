"""Validate an inventory: load it, run every rule, place each finding at its file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from network.inventory.findings import Finding, Severity
from network.inventory.inventory import Inventory
from network.inventory.loader import load_inventory
from network.inventory.locate import resolve_locations
from network.inventory.rules import run_checks

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2

# Findings that mean a file could not be read at all (not merely that its content is wrong).
UNREADABLE_CODES = frozenset({"S001", "S002", "S004", "S008"})


@dataclass(frozen=True)
class Report:
    """The outcome of validating one inventory."""

    root: Path
    inventory: Inventory
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for f in self.findings if f.level is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return sum(1 for f in self.findings if f.level is Severity.WARNING)

    @property
    def unusable(self) -> bool:
        """True when the inventory cannot be read whole: a required file (city.yaml, sites.yaml) is
        missing, or any of its files cannot be read, decoded or parsed (the rules saw only a part)."""
        return any(f.code in UNREADABLE_CODES for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        """0 when clean, 1 on errors (or warnings when strict), 2 when the inventory cannot be read whole."""
        if self.unusable:
            return EXIT_UNREADABLE
        if self.errors or (strict and self.warnings):
            return EXIT_FINDINGS
        return EXIT_CLEAN


def validate(root: Path) -> Report:
    """Every finding for the inventory at ``root``, sorted by file and line.

    Raises :class:`network.inventory.loader.InventoryNotFound` when ``root`` is not a directory.
    """
    loaded = load_inventory(root)
    findings = [*loaded.findings, *run_checks(loaded.inventory)]
    return Report(root, loaded.inventory, tuple(resolve_locations(findings, root)))
