"""``python -m network.lab.systems.serve``: the systems lab until SIGTERM (`egov lab up --systems`).

Writes the pid file first and ``systems-lab.json`` last, when every server answers; on SIGTERM or
SIGINT it stops the applications and the PostgreSQL servers it started, and removes the two files.
With ``--names-dns services-lab.json`` the service names live in the services lab's zones (real knot,
changed by dynamic update) instead of the lab's hosts file.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from network.inventory.loader import load_inventory
from network.lab.files import PASSWORD_VARIABLE
from network.lab.systems.cluster import ClusterError
from network.lab.systems.lab import SystemsLab, SystemsLabError, choose_systems
from network.migration import names
from network.migration.endpoints import DnsNameMap, ZonePrimary
from network.services.reach import Reach, ReachError


def dns_names(services_lab: Path) -> DnsNameMap:
    """The services lab's zones and primaries, and its TSIG key's reference, as the cutover's name map."""
    reach = Reach.from_lab(services_lab)
    if not reach.tsig or not reach.primaries:
        raise ReachError(f"{services_lab}: no zone primaries or TSIG key to update names with")
    zones = {z: ZonePrimary(server=host, port=port) for z, (host, port) in reach.primaries.items()}
    return DnsNameMap(kind="dns", key=reach.tsig, zones=zones)


def main(argv: list[str] | None = None) -> int:
    """Entry point: build the lab, serve until told to stop."""
    parser = argparse.ArgumentParser(prog="python -m network.lab.systems.serve")
    parser.add_argument("inventory", type=Path)
    parser.add_argument("--dir", type=Path, required=True, help="the lab's directory (files, names, PKI)")
    parser.add_argument("--json", type=Path, required=True, help="where to write systems-lab.json")
    parser.add_argument("--pidfile", type=Path, required=True)
    parser.add_argument("--system", action="append", default=[], help="a system id (repeatable)")
    parser.add_argument("--megabytes", type=float, default=2.0, help="data per store")
    parser.add_argument("--bwlimit", type=int, default=None, help="rsync --bwlimit in KB/s")
    parser.add_argument(
        "--names-dns", type=Path, default=None, help="a services-lab.json: service names in its zones"
    )
    args = parser.parse_args(argv)
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if not password:
        print(f"{PASSWORD_VARIABLE} is not set", file=sys.stderr)
        return 2
    loaded = load_inventory(args.inventory).inventory
    try:
        systems = choose_systems(loaded, tuple(args.system))
    except SystemsLabError as problem:
        print(f"{problem.message} ({problem.hint})", file=sys.stderr)
        return 2
    args.pidfile.write_text(f"{os.getpid()}\n", encoding="utf-8")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    lab = SystemsLab(args.dir.resolve(), password, systems, args.megabytes, args.bwlimit)
    try:
        if args.names_dns is not None:
            lab.names_dns = dns_names(args.names_dns)
        lab.start()
    except (ClusterError, SystemsLabError, OSError, ReachError, names.NameMapError) as problem:
        print(f"the systems lab did not start: {problem}", file=sys.stderr)
        args.pidfile.unlink(missing_ok=True)
        return 1
    try:
        args.json.write_text(lab.document(os.getpid()), encoding="utf-8")
        stop.wait()
    finally:
        lab.stop()
        args.json.unlink(missing_ok=True)
        args.pidfile.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
