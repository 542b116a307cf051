"""What the DNS and IPv6 commands read first: a valid inventory, its address lock, its planned zones."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from network.addressing.lock import LOCK_FILE, Lock, LockError, read_lock
from network.inventory import Inventory, InventoryNotFound
from network.inventory.validate import Report
from network.services.records import PlannedSite, ZonePlan, plan_zones, planned_sites
from network.validation import validate


class ServicesUnavailable(Exception):
    """The services cannot be planned: message, hint, exit code (1: findings, 2: unusable input)."""

    def __init__(self, message: str, hint: str, exit_code: int = 2, report: Report | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.exit_code, self.report = message, hint, exit_code, report


@dataclass(frozen=True)
class ServicesContext:
    """A valid inventory with its lock: the zones and websites as planned."""

    root: Path
    inventory: Inventory
    lock: Lock | None

    @cached_property
    def zones(self) -> dict[str, ZonePlan]:
        """Zone name (absolute) -> its planned records."""
        return plan_zones(self.inventory, self.lock)

    @cached_property
    def sites(self) -> dict[str, PlannedSite]:
        """Website id -> its planned addresses."""
        return planned_sites(self.inventory, self.lock)


def load_services(root: Path) -> ServicesContext:
    """The inventory at ``root`` validated (errors refuse it: a lost record would lose its names)."""
    try:
        report = validate(root)
    except InventoryNotFound as problem:
        raise ServicesUnavailable(str(problem), problem.hint, 2) from None
    if report.unusable or report.errors:
        raise ServicesUnavailable(
            f"{root}: the inventory has errors: nothing was done",
            f"fix them first (`egov validate {root}`)",
            2 if report.unusable else 1,
            report,
        )
    if not report.inventory.zones and not report.inventory.websites:
        raise ServicesUnavailable(
            f"{root} declares no zones and no websites",
            "add zones.yaml and websites.yaml (see inventories/shanwei and docs/services.md)",
            2,
        )
    try:
        lock = read_lock(root / LOCK_FILE)
    except LockError as problem:  # validate reported it as an error already; kept for the type
        raise ServicesUnavailable(f"{root / LOCK_FILE}: {problem.message}", "run `egov plan`", 2) from None
    return ServicesContext(root, report.inventory, lock)
