"""`make demo`: start one rollout wave, kill -9 it while its devices wait in their postcheck.

Usage: python scripts/kill_in_postcheck.py INVENTORY_DIR LAB_JSON WAVE. The devices then hold a trial
commit that nobody will confirm — unless `egov rollout resume` takes it over. Prints who was caught.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from network.state import journal_path


def main() -> int:
    """Start the wave, wait until a device is in its postcheck, SIGKILL the run (by its own pid)."""
    inventory, lab, wave = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    egov = Path(sys.executable).with_name("egov")
    run = subprocess.Popen(  # the process this script starts, and the only one it ends
        [str(egov), "rollout", "run", str(inventory), "--lab", lab, "--wave", wave],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    journal, caught, deadline = journal_path(inventory), [], time.monotonic() + 60
    while not caught and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.02)
        try:
            with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
                rows = db.execute(
                    "SELECT hostname FROM devices WHERE state = 'running' AND stage = 'postcheck'"
                )
                caught = [hostname for (hostname,) in rows]
        except sqlite3.Error:  # not created yet
            continue
    if run.poll() is None:
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    print(f"   killed (SIGKILL) with a trial commit pending on: {', '.join(caught) or 'none'}")
    return 0 if caught else 1


if __name__ == "__main__":
    sys.exit(main())
