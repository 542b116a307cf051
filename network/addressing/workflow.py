"""What `egov plan` does, step by step, for the command to call: read, check, plan, diff, write."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from network.addressing.lock import LOCK_FILE, Lock, LockError, read_lock
from network.addressing.plan import PlanError, PlanResult, plan
from network.addressing.policy import POLICY_FILE, AddressingPolicy, load_policy
from network.inventory import Finding, Inventory, InventoryNotFound, Severity
from network.inventory.validate import Report
from network.inventory.validate import validate as validate_inventory
from network.textfiles import FileChange, plan_changes, write_files


class PlanUnavailable(Exception):
    """Planning cannot start or finish; carries findings to show and the exit code (1 or 2)."""

    def __init__(
        self,
        message: str,
        hint: str,
        exit_code: int = 1,
        findings: tuple[Finding, ...] = (),
        report: Report | None = None,
        root: Path | None = None,
    ) -> None:
        super().__init__(message)
        self.root = root  # the inventory ``findings`` are relative to
        self.message, self.hint, self.exit_code, self.findings, self.report = (
            message,
            hint,
            exit_code,
            findings,
            report,
        )


@dataclass
class Prepared:
    """A valid inventory, its policy and its current lock (if any)."""

    root: Path
    inventory: Inventory
    policy: AddressingPolicy
    lock: Lock | None
    warnings: list[Finding] = field(default_factory=list)


def prepare(root: Path) -> Prepared:
    """Read and check everything planning needs; refuse an inventory with errors (records would be lost)."""
    try:
        report = validate_inventory(root)
    except InventoryNotFound as problem:
        raise PlanUnavailable(str(problem), problem.hint, 2) from None
    if report.unusable or report.errors:
        raise PlanUnavailable(
            f"{root}: the inventory has errors: nothing was planned",
            "fix them first (a broken record would lose its allocation)",
            2 if report.unusable else 1,
            report.findings,
            report,
        )
    loaded = load_policy(root)
    if not loaded.present:
        raise PlanUnavailable(
            f"{root / POLICY_FILE} does not exist",
            "write the addressing policy first: see inventories/shanwei/addressing.yaml",
            2,
        )
    errors = tuple(f for f in loaded.findings if f.level is Severity.ERROR)
    if loaded.policy is None or errors:
        raise PlanUnavailable(
            f"{root / POLICY_FILE} has errors: nothing was planned",
            "fix the policy",
            1,
            loaded.findings,
            None,
            root,
        )
    try:
        lock = read_lock(root / LOCK_FILE)
    except LockError as error:
        raise PlanUnavailable(  # unusable input: the lock cannot be read as a lock
            str(error), "restore the lock from version control, or move it away to plan from scratch", 2
        ) from None
    return Prepared(root, report.inventory, loaded.policy, lock)


@dataclass
class Planned:
    """The outcome of planning: the result, the new lock text and what writing it would change."""

    prepared: Prepared
    result: PlanResult
    text: str
    change: FileChange


def run_plan(prepared: Prepared) -> Planned:
    """Plan from the current lock; raises PlanUnavailable (exit 1) for out of space, bad lengths…"""
    try:
        result = plan(prepared.inventory, prepared.policy, prepared.lock)
    except PlanError as error:
        raise PlanUnavailable(f"{error.code}: {error.message}", error.hint, 1) from None
    text = result.lock.to_text()
    (change,) = plan_changes(prepared.root, {LOCK_FILE: text})
    return Planned(prepared, result, text, change)


def write_lock(planned: Planned) -> None:
    """Write the new lock (atomically)."""
    write_files(planned.prepared.root, {LOCK_FILE: planned.text})


def release(prepared: Prepared, keys: list[str], everything: bool) -> tuple[Lock, list[str]]:
    """The lock with quarantined keys released (their space is reusable again); unknown keys are refused."""
    lock = prepared.lock
    if lock is None:
        raise PlanUnavailable(f"there is no {LOCK_FILE}", f"run `egov plan {prepared.root}` first", 1)
    chosen = sorted(lock.quarantine) if everything else keys
    for key in chosen:
        if key not in lock.quarantine:
            close = difflib.get_close_matches(key, sorted(lock.quarantine), n=1, cutoff=0.6)
            raise PlanUnavailable(
                f"{key!r} is not in the quarantine",
                f"did you mean {close[0]!r}?" if close else "see `egov plan show` for the quarantine list",
                1,
            )
    for key in chosen:
        del lock.quarantine[key]
    return lock, chosen
