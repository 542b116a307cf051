"""``egov lab``: start and stop the lab twin of an inventory (simulated devices over SSH on loopback)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from egov.console import error, plain, table
from egov.options import InventoryDir
from network.lab.files import LAB_JSON, LOGFILE, PASSWORD_VARIABLE, PIDFILE

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
START_TIMEOUT = 120.0

app = typer.Typer(
    no_args_is_help=True, help="The lab twin: simulated devices of an inventory over SSH on loopback."
)


def _running_pid(directory: Path) -> int | None:
    """The pid of the lab started from ``directory``, if that process is alive and is our lab server."""
    try:
        pid = int((directory / PIDFILE).read_text(encoding="utf-8").strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except (OSError, ValueError):
        return None
    return pid if b"network.lab.serve" in cmdline else None


@app.command("up")
def up_command(
    inventory: InventoryDir,
    devices: Annotated[str | None, typer.Option("--devices", help="hostname glob, e.g. 'SW-*'")] = None,
    detach: Annotated[
        bool, typer.Option("--detach", help="run in the background; stop with `egov lab down`")
    ] = False,
) -> None:
    """Start the twin of INVENTORY_DIR; lab.json here says where each device answers (never the password)."""
    here = Path.cwd()
    if not (inventory / "city.yaml").exists():
        error(f"{inventory} is not an inventory directory", "give a directory like inventories/shanwei")
        raise typer.Exit(EXIT_USAGE)
    pid = _running_pid(here)
    if pid is not None:
        error(f"a lab started from {here} is running (pid {pid})", "stop it with `egov lab down`")
        raise typer.Exit(EXIT_FINDINGS)
    env = dict(os.environ)
    if not env.get(PASSWORD_VARIABLE):
        env[PASSWORD_VARIABLE] = secrets.token_urlsafe(12)
        plain(f"{PASSWORD_VARIABLE} was not set; the lab's password for this run (shown once):")
        plain(f"  export {PASSWORD_VARIABLE}={env[PASSWORD_VARIABLE]}")
    (here / LAB_JSON).unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "network.lab.serve",
        str(inventory.resolve()),
        "--lab-json",
        str(here / LAB_JSON),
        "--pidfile",
        str(here / PIDFILE),
    ]
    if devices:
        command += ["--devices", devices]
    # The lab never holds this terminal's pipes (a detached lab outlives them): its errors go to a log file.
    log = here / LOGFILE
    with log.open("w", encoding="utf-8") as stream:
        process = subprocess.Popen(
            command,
            env=env,
            start_new_session=detach,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stream,
            text=True,
        )
    document = _wait_for_lab(here / LAB_JSON, process, log)
    entries: list[dict[str, Any]] = document["devices"]
    table(
        f"lab of {inventory}: {len(entries)} devices on loopback",
        ["hostname", "host", "port", "device_type"],
        [(e["hostname"], e["host"], e["port"], e["device_type"]) for e in entries[:20]],
        numeric_from=2,
    )
    if len(entries) > 20:
        plain(f"… and {len(entries) - 20} more in {here / LAB_JSON}")
    if detach:
        plain(f"running in the background (pid {process.pid}); stop it with `egov lab down`")
        return
    plain("running; Ctrl-C stops it")
    try:
        process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _wait_for_lab(lab_json: Path, process: subprocess.Popen[str], log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            message = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            error(
                "the lab did not start: " + (message[-1] if message else f"exit code {process.returncode}"),
                "check the inventory with `egov validate`",
            )
            raise typer.Exit(EXIT_FINDINGS)
        try:
            document: dict[str, Any] = json.loads(lab_json.read_text(encoding="utf-8"))
            if document.get("pid") == process.pid:
                return document
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    error(f"the lab did not start within {START_TIMEOUT:.0f} s", "try fewer devices with --devices")
    raise typer.Exit(EXIT_FINDINGS)


@app.command("down")
def down_command() -> None:
    """Stop the lab started from the current directory (and only that one)."""
    here = Path.cwd()
    pid = _running_pid(here)
    if pid is None:
        error(f"no lab started from {here} is running", "start one with `egov lab up INVENTORY_DIR --detach`")
        (here / PIDFILE).unlink(missing_ok=True)
        raise typer.Exit(EXIT_FINDINGS)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _running_pid(here) == pid and Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    plain(f"stopped the lab (pid {pid})")
