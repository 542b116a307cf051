"""Run a playbook of ``playbooks/`` through ansible-runner, its events written into the rollout journal.

Only events that say what happened to a host (ok, changed, failed, unreachable, skipped) and the
play/task starts are kept, with the task name and, for failures, the message. Nothing secret reaches
the journal: the modules take no passwords (the lab's comes from the environment).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from network.rollout.journal import Journal

PLAYBOOK_DIR = Path(__file__).resolve().parents[2] / "playbooks"
ANSIBLE_CFG = PLAYBOOK_DIR.parent / "ansible.cfg"
_KEPT = {
    "playbook_on_play_start",
    "playbook_on_task_start",
    "runner_on_ok",
    "runner_on_failed",
    "runner_on_unreachable",
    "runner_on_skipped",
    "playbook_on_stats",
}


class PlaybookError(Exception):
    """A playbook that does not exist, or ansible-runner missing: message and hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass
class PlaybookRun:
    """ansible-runner's status (successful, failed…), its return code, and the journal run id."""

    status: str
    rc: int
    run: int
    failed_hosts: list[str]


def available() -> list[str]:
    """The playbooks there are (names without .yml)."""
    return sorted(p.stem for p in PLAYBOOK_DIR.glob("*.yml"))


def run_playbook(
    name: str,
    inventory: Path,
    journal: Journal,
    lab: Path | None = None,
    limit: str | None = None,
    check: bool = False,
    extravars: dict[str, Any] | None = None,
) -> PlaybookRun:
    """Run ``playbooks/NAME.yml`` on an inventory; every host event goes into the journal."""
    playbook = PLAYBOOK_DIR / f"{name}.yml"
    if not playbook.is_file():
        raise PlaybookError(f"no playbook {name!r}", f"playbooks: {', '.join(available())}")
    try:
        import ansible_runner  # noqa: PLC0415 - only this command needs it
    except ImportError:
        raise PlaybookError(
            "ansible-runner is not installed", "pip install 'egov-extranet[ansible]'"
        ) from None
    run = journal.start_run(f"playbook {name}" + (" check" if check else ""))
    failed: list[str] = []

    def handler(event: dict[str, Any]) -> bool:
        kind = event.get("event", "")
        if kind not in _KEPT:
            return True
        data = event.get("event_data", {})
        host = data.get("host")
        detail = ""
        if kind in ("runner_on_failed", "runner_on_unreachable"):
            detail = str(data.get("res", {}).get("msg", ""))[:2000]
            if host:
                failed.append(host)
        elif kind == "playbook_on_stats":
            detail = json.dumps({k: data.get(k) for k in ("ok", "changed", "failures", "dark")}, default=str)
        journal.playbook_event(run, name, kind, host, data.get("task") or data.get("play"), detail)
        return True

    cmdline = ["--diff"] + (["--check"] if check else [])
    env = {"ANSIBLE_CONFIG": str(ANSIBLE_CFG)}
    if lab is not None:
        env["EGOV_LAB_JSON"] = str(lab.resolve())
    # ansible-playbook beside this python (the venv's) first, whatever PATH says.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    with tempfile.TemporaryDirectory(prefix="egov-runner-") as private:
        result = ansible_runner.run(
            private_data_dir=private,
            playbook=str(playbook),
            inventory=str(inventory.resolve()),
            limit=limit,
            extravars=extravars or {},
            cmdline=" ".join(cmdline),
            envvars=env,
            event_handler=handler,
            quiet=True,
        )
    status, rc = str(result.status), int(result.rc or 0)
    journal.finish_run(run, f"playbook {status} rc={rc}")
    return PlaybookRun(status, rc, run, sorted(set(failed)))
