"""``egov migrate run``: the cloud_migrate playbook through ansible-runner, its events into the ledger.

This process takes the system's lease for a new run id before the playbook starts and passes the id
on (``egov_migration_run``), so every module of the playbook works under the same lease; a run killed
with -9 leaves a lease whose process is gone, which the next run takes over. Host events (task
start, ok, failed, skipped) become ``playbook`` events of the system, beside the steps the modules
record; nothing secret is in them (the modules take references, never passwords).

ansible-runner reports a play whose failure was *rescued* as successful: the playbook therefore
fails explicitly after its rollback, and this runner also reads the ledger — a system that ends
rolled back or failed is a failed run, whatever ansible-runner says.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from network.migration.context import LAB_VARIABLE
from network.migration.ledger import PLAYBOOK as PLAYBOOK_EVENT
from network.migration.ledger import Ledger
from network.migration.lifecycle import State
from network.rollout.playbooks import ANSIBLE_CFG, PLAYBOOK_DIR, PlaybookError

PLAYBOOK = PLAYBOOK_DIR / "cloud_migrate.yml"
_KEPT = {
    "playbook_on_task_start",
    "runner_on_ok",
    "runner_on_failed",
    "runner_on_skipped",
    "playbook_on_stats",
}


@dataclass(frozen=True)
class MigrationRun:
    """The run id, ansible-runner's status and return code, the state the system ended in, failures."""

    run: str
    status: str
    rc: int
    state: State
    failures: tuple[str, ...]
    details: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        """True when the playbook succeeded and the system did not end rolled back or failed."""
        return self.status == "successful" and self.state not in (State.ROLLED_BACK, State.FAILED)


def new_run_id() -> str:
    """A short unique run id."""
    return uuid.uuid4().hex[:12]


def run_migration(  # noqa: PLR0913 - each is one of the command's options
    inventory: Path,
    system: str,
    ledger: Ledger,
    to: State,
    *,
    lab: Path | None,
    production: bool,
    check: bool = False,
    state: Path | None = None,
) -> MigrationRun:
    """Run playbooks/cloud_migrate.yml for one system (the lease is held by this process throughout)."""
    try:
        import ansible_runner  # noqa: PLC0415 - only this command needs it
    except ImportError:
        raise PlaybookError(
            "ansible-runner is not installed", "pip install 'egov-extranet[ansible]'"
        ) from None
    run = new_run_id()
    if not check:
        ledger.acquire(system, run)
    failures: list[str] = []
    details: list[tuple[str, str]] = []

    def handler(event: dict[str, Any]) -> bool:
        kind = event.get("event", "")
        if kind not in _KEPT:
            return True
        data = event.get("event_data", {})
        task = str(data.get("task") or "")
        said = data.get("res", {}).get("detail") if kind == "runner_on_ok" else None
        if said:
            details.append((task, str(said)))
        if kind == "runner_on_failed" and not data.get("ignore_errors"):
            failures.append(f"{task}: {str(data.get('res', {}).get('msg', ''))[:500]}")
        detail = f"{kind.removeprefix('runner_on_').removeprefix('playbook_on_')}: {task}".rstrip(": ")
        if kind == "playbook_on_stats":
            detail = "stats: " + json.dumps(
                {k: data.get(k) for k in ("ok", "changed", "failures")}, default=str
            )
        ledger.note(system, detail, run=run, kind=PLAYBOOK_EVENT)
        return True

    extravars: dict[str, Any] = {"egov_system": system, "egov_to_state": to.value, "egov_migration_run": run}
    if production:
        extravars["egov_production"] = True
    if state is not None:
        extravars["egov_state_dir"] = str(state.resolve())
    env = {"ANSIBLE_CONFIG": str(ANSIBLE_CFG)}
    if lab is not None:
        env[LAB_VARIABLE] = str(lab.resolve())
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    try:
        with tempfile.TemporaryDirectory(prefix="egov-migrate-") as private:
            result = ansible_runner.run(
                private_data_dir=private,
                playbook=str(PLAYBOOK),
                inventory=str(inventory.resolve()),
                extravars=extravars,
                cmdline="--check --diff" if check else "--diff",
                envvars=env,
                event_handler=handler,
                quiet=True,
            )
    finally:
        if not check:
            ledger.release(system, run)
    state_now = ledger.record(system).state
    return MigrationRun(
        run, str(result.status), int(result.rc or 0), state_now, tuple(failures), tuple(details)
    )
