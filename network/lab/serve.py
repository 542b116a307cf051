"""Run the lab twin: serve an inventory's devices until told to stop, with lab.json describing them.

``python -m network.lab.serve INVENTORY_DIR --lab-json lab.json --pidfile .egov-lab.pid`` is what
``egov lab up --detach`` starts in the background; ``egov lab down`` ends it by its process id.
The password comes from ``EGOV_LAB_PASSWORD`` and is never written to lab.json.

``--control FILE`` names the conditions file (faults, utilisation): read at start and again on
SIGHUP, which is how ``egov lab set`` changes a running lab.
"""

from __future__ import annotations

import argparse
import asyncio
import fnmatch
import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from network.devices.transport import CredentialError
from network.inventory import Inventory, load_inventory
from network.inventory.platforms import platform_spec
from network.lab.conditions import Conditions, ConditionsError, load_conditions
from network.lab.device import Fabric, TwinDevice, build_fabric
from network.lab.files import LAB_JSON, PASSWORD_VARIABLE, USERNAME
from network.lab.server import Lab, Listener
from network.lab.snmp import SnmpSecrets
from network.textfiles import write_files


def select(
    devices: dict[str, TwinDevice], pattern: str | None, limit: int | None = None
) -> dict[str, TwinDevice]:
    """The devices whose hostname matches a shell glob (all without one), the first ``limit`` of them."""
    chosen = {n: d for n, d in devices.items() if not pattern or fnmatch.fnmatchcase(n, pattern)}
    if limit is not None:
        chosen = dict(list(chosen.items())[:limit])
    return chosen


def lab_entries(listeners: list[Listener]) -> list[dict[str, Any]]:
    """lab.json's entries: where each device answers and how to talk to it; never the password.

    With SNMP, ``snmp_port`` is the agent's UDP port on ``host`` (its credentials are the inventory's
    ``city.snmp`` references: nothing secret here either).
    """
    entries = []
    for listener in sorted(listeners, key=lambda entry: entry.hostname):
        entry: dict[str, Any] = {
            "hostname": listener.hostname,
            "host": listener.host,
            "port": listener.port,
            "username": USERNAME,
            "device_type": platform_spec(listener.platform).netmiko_type,
            "platform": listener.platform,
        }
        if listener.snmp_port is not None:
            entry["snmp_port"] = listener.snmp_port
        entries.append(entry)
    return entries


@dataclass
class Options:
    """How to serve: which devices, where to write, how devices listen and authenticate."""

    inventory: Path
    pattern: str | None = None
    lab_json: Path = Path(LAB_JSON)
    pidfile: Path | None = None
    control: Path | None = None
    per_device_address: bool = False
    port: int = 0
    authorized_keys: Path | None = None
    limit: int | None = None
    snmp: bool = False
    snmp_port: int = 1161


def _reload(fabric: Fabric, control: Path) -> None:
    """SIGHUP: take the control file's conditions; a bad file is logged and the old ones are kept."""
    try:
        fabric.conditions.update(load_conditions(control))
    except ConditionsError as problem:
        print(f"egov lab: control file ignored: {problem}", file=sys.stderr, flush=True)


def _snmp_secrets(inventory: Inventory) -> SnmpSecrets:
    """The inventory's SNMP access with its secrets from the environment (the lab's agents use them)."""
    access = inventory.city.snmp if inventory.city else None
    if access is None:
        raise SystemExit("--snmp: the inventory's city.yaml has no snmp: block (see docs/lab.md)")
    try:
        return SnmpSecrets.resolve(access)
    except CredentialError as problem:
        raise SystemExit(f"--snmp: {problem}") from None
    except ValueError as problem:
        raise SystemExit(f"--snmp: {problem}") from None


async def serve(options: Options) -> None:
    """Start the twin, write lab.json (and the pid file), and run until SIGTERM or SIGINT."""
    password = os.environ.get(PASSWORD_VARIABLE)
    if not password:
        raise SystemExit(f"{PASSWORD_VARIABLE} is not set")
    conditions = Conditions()
    if options.control is not None and options.control.exists():
        try:
            conditions = load_conditions(options.control)
        except ConditionsError as problem:
            raise SystemExit(str(problem)) from None
    inventory = load_inventory(options.inventory).inventory
    fabric = build_fabric(inventory, conditions)
    fabric.devices = select(fabric.devices, options.pattern, options.limit)
    if not fabric.devices:
        raise SystemExit("no device of a supported platform matches")
    lab = Lab(
        fabric,
        USERNAME,
        password,
        per_device_address=options.per_device_address,
        port=options.port,
        authorized_keys_file=options.authorized_keys,
        snmp=_snmp_secrets(inventory) if options.snmp else None,
        snmp_port=options.snmp_port,
    )
    try:
        listeners = await lab.start()
    except (OSError, ValueError) as problem:
        raise SystemExit(f"cannot listen: {problem}") from None
    document = {
        "inventory": str(options.inventory),
        "pid": os.getpid(),
        "key_auth": options.authorized_keys is not None,
        "devices": lab_entries(listeners),
    }
    lab_json = options.lab_json
    write_files(lab_json.parent, {lab_json.name: json.dumps(document, indent=2) + "\n"})
    if options.pidfile is not None:
        write_files(options.pidfile.parent, {options.pidfile.name: f"{os.getpid()}\n"})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if options.control is not None:
        loop.add_signal_handler(signal.SIGHUP, _reload, fabric, options.control)
    try:
        await stop.wait()
    finally:
        lab.close()
        for path in (lab_json, options.pidfile):
            if path is not None:
                path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m network.lab.serve``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("inventory", type=Path)
    parser.add_argument("--devices", default=None, help="hostname glob, e.g. 'SW-*'")
    parser.add_argument("--lab-json", type=Path, default=Path(LAB_JSON))
    parser.add_argument("--pidfile", type=Path, default=None)
    parser.add_argument("--control", type=Path, default=None, help="conditions file, reloaded on SIGHUP")
    parser.add_argument("--per-device-address", action="store_true", help="each device on its own 127.x.y.z")
    parser.add_argument("--port", type=int, default=0, help="the shared port with --per-device-address")
    parser.add_argument("--authorized-keys", type=Path, default=None, help="also accept these public keys")
    parser.add_argument("--limit", type=int, default=None, help="serve only the first N matching devices")
    parser.add_argument("--snmp", action="store_true", help="devices answer SNMP too (city.snmp's secrets)")
    parser.add_argument("--snmp-port", type=int, default=1161, help="SNMP's port with --per-device-address")
    args = parser.parse_args(argv)
    options = Options(
        args.inventory,
        args.devices,
        args.lab_json.resolve(),
        args.pidfile.resolve() if args.pidfile else None,
        args.control.resolve() if args.control else None,
        args.per_device_address,
        args.port,
        args.authorized_keys.resolve() if args.authorized_keys else None,
        args.limit,
        args.snmp,
        args.snmp_port,
    )
    asyncio.run(serve(options))


if __name__ == "__main__":
    main()
