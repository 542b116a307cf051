"""kill -9 in the middle of a wave, then `egov rollout resume`: nothing changed twice, nothing half-done.

Real processes: the lab (`egov lab up --detach`), `egov rollout run` killed with SIGKILL while devices
are mid-change (a slow fault keeps each push long enough to be caught), then `egov rollout resume`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import SHANWEI, lab_up, run_egov

PASSWORD = "resume-lab-password"  # a throwaway password for a lab on loopback
ROLLOUT = """rollout:
  workers: 2
  waves:
    - {name: hq core, counties: [sw-hq], levels: [county]}
    - {name: hq towns, counties: [sw-hq], levels: [town]}
    - {name: hq villages, counties: [sw-hq], levels: [village]}
"""


def _states(journal: Path) -> dict[str, str]:
    with sqlite3.connect(journal) as db:
        return dict(db.execute("SELECT hostname, state FROM devices").fetchall())


def test_kill_9_then_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    inventory = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, inventory)
    (inventory / "rollout.yaml").write_text(ROLLOUT, encoding="utf-8")
    journal = tmp_path / "shanwei.state" / "rollout.sqlite"
    try:
        slow = {"faults": {"SW-HQ-*-V*": {"kind": "slow", "delay": 0.03}}, "dad_seconds": 0.2}
        lab_up(inventory, tmp_path, "SW-HQ-*", slow)
        for wave in ("1", "2"):
            done = run_egov(
                "rollout", "run", str(inventory), "--lab", "lab.json", "--wave", wave, cwd=tmp_path
            )
            assert done.returncode == 0, done.stdout + done.stderr
        egov = Path(sys.executable).with_name("egov")
        command = [str(egov), "rollout", "run", str(inventory), "--lab", "lab.json", "--wave", "3"]
        process = subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ)
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = _states(journal)
            if list(states.values()).count("done") >= 4 and "running" in states.values():
                break
            time.sleep(0.05)
        else:
            process.kill()
            pytest.fail(f"no device was caught mid-change: {states}")
        os.kill(process.pid, signal.SIGKILL)  # the process this test started, by its pid
        process.wait(timeout=30)
        caught = {h for h, s in _states(journal).items() if s == "running"}
        assert caught, "kill -9 left no device mid-change"
        resumed = run_egov("rollout", "resume", str(inventory), "--lab", "lab.json", cwd=tmp_path)
        # Exit 0 when every caught device could be completed, 1 when some had to be rolled back.
        assert resumed.returncode in (0, 1), resumed.stdout + resumed.stderr
        status = json.loads(
            run_egov("rollout", "status", str(inventory), "--format", "json", cwd=tmp_path).stdout
        )
        states = {d["hostname"]: d["state"] for d in status}
        assert {s for h, s in states.items() if h not in caught} == {"done"}, states
        assert {states[h] for h in caught} <= {"done", "rolled_back"}, (
            "completed or put back, never half-done"
        )
        with sqlite3.connect(journal) as db:
            pushes = db.execute(
                "SELECT hostname, COUNT(*) FROM steps WHERE step = 'push' AND result = 'ok' GROUP BY hostname"
            ).fetchall()
            settled = db.execute("SELECT hostname, result FROM steps WHERE step = 'resume'").fetchall()
        assert all(count == 1 for _, count in pushes), "no device changed twice"
        assert {host for host, _ in settled} == caught
    finally:
        run_egov("lab", "down", cwd=tmp_path)


def test_ctrl_c_stops_between_devices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    inventory = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, inventory)
    (inventory / "rollout.yaml").write_text(ROLLOUT, encoding="utf-8")
    journal = tmp_path / "shanwei.state" / "rollout.sqlite"
    try:
        assert (
            run_egov("lab", "up", str(inventory), "--detach", "--devices", "SW-HQ-*", cwd=tmp_path).returncode
            == 0
        )
        for wave in ("1", "2"):
            assert (
                run_egov(
                    "rollout", "run", str(inventory), "--lab", "lab.json", "--wave", wave, cwd=tmp_path
                ).returncode
                == 0
            )
        egov = Path(sys.executable).with_name("egov")
        command = [str(egov), "rollout", "run", str(inventory), "--lab", "lab.json", "--wave", "3"]
        # As from a terminal: SIGINT at its default even when this test runs in a background job
        # (which starts with SIGINT ignored, so Python would not turn it into KeyboardInterrupt).
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads here
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and list(_states(journal).values()).count("done") < 6:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)  # Ctrl-C, to the process this test started
        assert process.wait(timeout=120) == 130
        states = _states(journal)
        assert "running" not in states.values(), "the devices in flight were finished, none left half-way"
        assert "pending" in states.values(), "it stopped before the end of the wave"
        resumed = run_egov("rollout", "resume", str(inventory), "--lab", "lab.json", cwd=tmp_path)
        assert resumed.returncode == 0 and set(_states(journal).values()) == {"done"}
    finally:
        run_egov("lab", "down", cwd=tmp_path)
