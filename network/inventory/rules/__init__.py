"""Cross-record validation rules; each module checks one family and yields findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.rules import (
    addresses,
    classification,
    coverage,
    hierarchy,
    milestones,
    platforms,
    references,
    services,
    tiers,
    uniqueness,
    zones,
)

Check = Callable[[Inventory], Iterable[Finding]]

CHECKS: tuple[Check, ...] = (
    references.check,
    hierarchy.check,
    uniqueness.check,
    tiers.check,
    coverage.check,
    classification.check,
    addresses.check,
    platforms.check,
    milestones.check,
    services.check,
    zones.check,
)


def run_checks(inventory: Inventory) -> list[Finding]:
    """Every rule's findings for one inventory."""
    return [finding for check in CHECKS for finding in check(inventory)]
