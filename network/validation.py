"""`egov validate`: the inventory's own rules plus the checks of every part that keeps files beside it."""

from __future__ import annotations

from pathlib import Path

from network.addressing.checks import check_plan
from network.addressing.lock import LOCK_FILE, LockError, read_lock
from network.inventory.findings import Severity
from network.inventory.loader import load_inventory
from network.inventory.locate import resolve_locations
from network.inventory.rules import run_checks
from network.inventory.validate import Report
from network.services.records import check_services


def validate(root: Path) -> Report:
    """Every finding for the inventory at ``root`` and its address plan, placed at file and line."""
    loaded = load_inventory(root)
    findings = [*loaded.findings, *run_checks(loaded.inventory)]
    inventory_ok = not any(f.level is Severity.ERROR for f in findings)
    # With errors in the inventory, records are missing: comparing the lock with a plan would misreport.
    findings.extend(check_plan(root, loaded.inventory, compare_with_plan=inventory_ok))
    if loaded.inventory.websites:
        try:
            lock = read_lock(root / LOCK_FILE)
        except LockError:  # check_plan reported it
            lock = None
        findings.extend(check_services(loaded.inventory, lock))
    return Report(root, loaded.inventory, tuple(resolve_locations(findings, root)))
