"""Run the lab twin: serve an inventory's devices until told to stop, with lab.json describing them.

``python -m network.lab.serve INVENTORY_DIR --lab-json lab.json --pidfile .egov-lab.pid`` is what
``egov lab up --detach`` starts in the background; ``egov lab down`` ends it by its process id.
The password comes from ``EGOV_LAB_PASSWORD`` and is never written to lab.json.
"""

from __future__ import annotations

import argparse
import asyncio
import fnmatch
import json
import os
import signal
from pathlib import Path
from typing import Any

from network.devices.transport import NETMIKO_DEVICE_TYPES
from network.inventory import load_inventory
from network.lab.device import TwinDevice, build_devices
from network.lab.files import LAB_JSON, PASSWORD_VARIABLE, USERNAME
from network.lab.server import Lab, Listener
from network.textfiles import write_files


def select(devices: dict[str, TwinDevice], pattern: str | None) -> dict[str, TwinDevice]:
    """The devices whose hostname matches a shell glob (all without one)."""
    if not pattern:
        return devices
    return {name: device for name, device in devices.items() if fnmatch.fnmatchcase(name, pattern)}


def lab_entries(listeners: list[Listener]) -> list[dict[str, Any]]:
    """lab.json's entries: where each device answers and how to talk to it; never the password."""
    return [
        {
            "hostname": listener.hostname,
            "host": listener.host,
            "port": listener.port,
            "username": USERNAME,
            "device_type": NETMIKO_DEVICE_TYPES[listener.platform],
            "platform": listener.platform,
        }
        for listener in sorted(listeners, key=lambda entry: entry.hostname)
    ]


async def serve(inventory_dir: Path, pattern: str | None, lab_json: Path, pidfile: Path | None) -> None:
    """Start the twin, write lab.json (and the pid file), and run until SIGTERM or SIGINT."""
    password = os.environ.get(PASSWORD_VARIABLE)
    if not password:
        raise SystemExit(f"{PASSWORD_VARIABLE} is not set")
    devices = select(build_devices(load_inventory(inventory_dir).inventory), pattern)
    if not devices:
        raise SystemExit("no device of a supported platform matches")
    lab = Lab(devices, USERNAME, password)
    listeners = await lab.start()
    document = {"inventory": str(inventory_dir), "pid": os.getpid(), "devices": lab_entries(listeners)}
    write_files(lab_json.parent, {lab_json.name: json.dumps(document, indent=2) + "\n"})
    if pidfile is not None:
        write_files(pidfile.parent, {pidfile.name: f"{os.getpid()}\n"})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        lab.close()
        for path in (lab_json, pidfile):
            if path is not None:
                path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m network.lab.serve``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("inventory", type=Path)
    parser.add_argument("--devices", default=None, help="hostname glob, e.g. 'SW-*'")
    parser.add_argument("--lab-json", type=Path, default=Path(LAB_JSON))
    parser.add_argument("--pidfile", type=Path, default=None)
    args = parser.parse_args(argv)
    asyncio.run(
        serve(
            args.inventory,
            args.devices,
            args.lab_json.resolve(),
            args.pidfile.resolve() if args.pidfile else None,
        )
    )


if __name__ == "__main__":
    main()
