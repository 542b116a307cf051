"""Everything a migration command or module reads once: a valid inventory, the endpoints, the ledger path.

Shared by ``egov migrate`` and the Ansible modules, so both refuse the same things the same way:
an inventory with errors, no target (neither a lab nor production chosen), an unreadable endpoints
file, an unknown system (with the closest id as a hint).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from network.inventory import Inventory, InventoryNotFound
from network.inventory.model import System
from network.inventory.validate import Report, validate
from network.migration.endpoints import MIGRATION_FILE, Endpoints, EndpointsError, load_endpoints
from network.state import ledger_path

LAB_VARIABLE = "EGOV_SYSTEMS_LAB_JSON"


class MigrationContextError(Exception):
    """The migration cannot start: message, hint, exit code (1 refused or findings, 2 unusable input)."""

    def __init__(self, message: str, hint: str, exit_code: int = 2, report: Report | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.exit_code = message, hint, exit_code
        self.report = report  # the validation that refused the inventory (the command prints it)


ledger_file = ledger_path  # the migration ledger of an inventory (network.state keeps the convention)


def load_valid_inventory(root: Path) -> Inventory:
    """The inventory, if it validates without errors."""
    try:
        report = validate(root)
    except InventoryNotFound as problem:
        raise MigrationContextError(str(problem), problem.hint) from None
    if report.unusable or report.errors:
        raise MigrationContextError(
            f"{root}: the inventory has {report.errors} errors; nothing was migrated",
            f"see `egov validate {root}`",
            2 if report.unusable else 1,
            report,
        )
    return report.inventory


def find_system(inventory: Inventory, system_id: str) -> System:
    """A system of the inventory by id (the closest id is suggested when it is unknown)."""
    system = inventory.system_by_id.get(system_id)
    if system is None:
        close = difflib.get_close_matches(system_id, list(inventory.system_by_id), n=1)
        where = inventory.root / "systems.yaml"
        raise MigrationContextError(
            f"{system_id}: no such system in {where}",
            f"did you mean {close[0]}?" if close else "see systems.yaml",
        )
    return system


def endpoints_file(inventory: Path, lab: Path | None, production: bool) -> Path:
    """Which endpoints file to read: the lab's JSON, or the inventory's migration.yaml in production."""
    if lab is None and not production:
        from_env = os.environ.get(LAB_VARIABLE)
        if from_env:
            return Path(from_env)
        raise MigrationContextError(
            "no target: give the systems lab (--lab systems-lab.json) or choose --production",
            "start the lab with `egov lab up INVENTORY_DIR --systems --detach` and rehearse there first",
        )
    if lab is not None:
        return lab
    return inventory / MIGRATION_FILE


@dataclass(frozen=True)
class MigrationContext:
    """A valid inventory, the endpoints of its migrations, and where the ledger is."""

    inventory: Inventory
    endpoints: Endpoints
    ledger: Path
    production: bool


def load_migration(
    inventory: Path, lab: Path | None, production: bool, state: Path | None = None
) -> MigrationContext:
    """Read and check the inventory and the endpoints (MigrationContextError on any problem)."""
    loaded = load_valid_inventory(inventory)
    path = endpoints_file(inventory, lab, production)
    if not path.exists():
        hint = (
            "start the lab with `egov lab up INVENTORY_DIR --systems --detach`"
            if lab is not None
            else f"write {MIGRATION_FILE} (see docs/migration.md)"
        )
        raise MigrationContextError(f"{path}: no such file", hint)
    try:
        endpoints = load_endpoints(path)
    except EndpointsError as problem:
        raise MigrationContextError(problem.message, problem.hint) from None
    return MigrationContext(loaded, endpoints, ledger_file(inventory, state), production)
