"""kill -9 while trial commits wait in their postcheck, then `egov rollout resume`, on every trial platform.

Real processes: the lab (`egov lab up --detach`, its own process, so the killed engine's SSH sessions
end as they would on a device), `egov rollout run` killed with SIGKILL once every device of the wave
has its trial committed and sits in its postcheck (addresses stay tentative for a few seconds), then
`egov rollout resume` — at once, or only after the trial timers ran out. After the trial time has
passed, every device is read back through its driver and compared with what the journal claims.
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

from network.devices.collect import targets_from_lab
from network.devices.drivers import driver_for
from network.rollout.journal import config_hash
from tests.helpers import SHANWEI, lab_up, run_egov

PASSWORD = "trial-resume-lab-password"  # a throwaway password for a lab on loopback
DEVICES = {  # the trial-commit platforms of 华侨管理区 (sw-hq)
    "huawei_vrp8": ["SW-HQ-CORE-01", "SW-HQ-AGG-01"],
    "h3c_comware7": ["SW-HQ-P1-V15-CPE", "SW-HQ-P2-V10-CPE", "SW-HQ-P2-V13-CPE"],
}
TRIAL_SCALE = 0.04  # trial_seconds 300 (VRP8 `commit trial 300`, Comware `delay 5`) run out in 12 s
TRIAL = 300 * TRIAL_SCALE
DAD_SECONDS = 4.0  # how long each postcheck waits for its addresses: the window the kill aims at


def _rows(journal: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(journal) as db:
        return list(db.execute(query).fetchall())


def _read_back(lab: Path, hostnames: list[str]) -> dict[str, str]:
    """Each device's running configuration, read through its driver (not the journal)."""
    found = {t.hostname: t for t in targets_from_lab(lab)}
    out = {}
    for hostname in hostnames:
        target = found[hostname]
        driver = driver_for(target.platform)(
            target.host, "egov", PASSWORD, optional_args={"port": target.port, "name": hostname}
        )
        driver.open()
        try:
            out[hostname] = driver.running_config()
        finally:
            driver.close()
    return out


def _kill_in_postcheck(tmp_path: Path, inventory: Path, journal: Path, devices: list[str]) -> float:
    """Start the wave, SIGKILL it once every device has its trial committed and is in its postcheck."""
    egov = Path(sys.executable).with_name("egov")
    command = [str(egov), "rollout", "run", str(inventory), "--lab", "lab.json", "--wave", "1"]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ)
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            rows = _rows(journal, "SELECT hostname, state, stage FROM devices") if journal.exists() else []
        except sqlite3.OperationalError:  # the file is there, its tables not yet
            continue
        if {h for h, state, stage in rows if state == "running" and stage == "postcheck"} >= set(devices):
            break
    else:
        process.kill()
        pytest.fail("the devices never reached their postcheck together")
    os.kill(process.pid, signal.SIGKILL)  # the process this test started, by its pid
    process.wait(timeout=30)
    return time.monotonic()


@pytest.mark.parametrize("late", [False, True], ids=["resumed-in-time", "resumed-after-the-trial-ran-out"])
@pytest.mark.parametrize("platform", sorted(DEVICES))
def test_kill_9_in_postcheck_then_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str, late: bool
) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    devices = DEVICES[platform]
    inventory = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, inventory)
    (inventory / "rollout.yaml").write_text(
        f"rollout:\n  workers: 4\n  waves:\n    - {{name: trials, devices: {json.dumps(devices)}}}\n",
        encoding="utf-8",
    )
    journal = tmp_path / "shanwei.state" / "rollout.sqlite"
    try:
        lab = lab_up(inventory, tmp_path, "SW-HQ-*", {"dad_seconds": DAD_SECONDS, "trial_scale": TRIAL_SCALE})
        before = _read_back(lab, devices)
        killed = _kill_in_postcheck(tmp_path, inventory, journal, devices)
        trials = _rows(journal, "SELECT hostname, outcome FROM changes")
        assert {h for h, _ in trials} == set(devices) and {o for _, o in trials} == {None}, (
            "each device's trial is in the journal, open"
        )
        if late:
            time.sleep(max(0.0, killed + TRIAL + 2 - time.monotonic()))
        resuming = time.monotonic()
        resumed = run_egov("rollout", "resume", str(inventory), "--lab", "lab.json", cwd=tmp_path)
        assert resumed.returncode in (0, 1), resumed.stdout + resumed.stderr
        if not late:  # past every timer that could still revert a device: the first trial's, and the
            # one a new session gave again (Comware) — unless it was confirmed, as the journal says
            time.sleep(max(0.0, max(killed, resuming) + TRIAL + 1 - time.monotonic()))
        after = _read_back(lab, devices)
        rows = _rows(journal, "SELECT hostname, state, reason, hash_before, hash_after FROM devices")
        claims = {h: (state, reason, hb, ha) for h, state, reason, hb, ha in rows if h in devices}
        for hostname in devices:
            state, reason, hash_before, hash_after = claims[hostname]
            now = config_hash(after[hostname])
            assert hash_before == config_hash(before[hostname])
            assert state in ("done", "rolled_back"), (hostname, state, reason)
            assert hash_after == now, f"{hostname}: the journal says {state}, the device holds otherwise"
            if state == "done":
                assert now != hash_before, f"{hostname}: done means the change is on the device"
            else:
                assert now == hash_before, f"{hostname}: rolled back means the device is as it was"
        states = {claims[h][0] for h in devices}
        if late:
            assert states == {"rolled_back"}, claims
            assert all("ran out" in str(claims[h][1]) for h in devices), claims
        else:
            assert states == {"done"}, claims
        outcomes = dict(_rows(journal, "SELECT hostname, outcome FROM changes"))
        assert set(outcomes.values()) == ({"reverted"} if late else {"confirmed"}), outcomes
        pushes = _rows(journal, "SELECT hostname FROM steps WHERE step = 'push' AND result = 'ok'")
        assert sorted(h for (h,) in pushes) == sorted(devices), "no device changed twice"
    finally:
        run_egov("lab", "down", cwd=tmp_path)
