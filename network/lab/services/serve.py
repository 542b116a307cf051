"""``python -m network.lab.services.serve``: the services lab until SIGTERM (`egov lab up --services`).

Writes the pid file first and ``services-lab.json`` last, when knot, unbound and nginx all answer.
SIGHUP re-reads the conditions file (``egov lab set-service`` writes it); SIGTERM or SIGINT stops the
three programs it started, by pid, and removes the two files.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from network.devices.transport import CredentialError
from network.lab.services.lab import ServicesConditions, ServicesLab, ServicesLabError
from network.services.context import ServicesUnavailable, load_services
from network.services.update import UpdateError, key_from_reference

TSIG_REFERENCE = "env:EGOV_DNS_TSIG"


def _conditions(path: Path) -> ServicesConditions:
    if not path.exists():
        return ServicesConditions()
    try:
        return ServicesConditions.from_json(json.loads(path.read_text(encoding="utf-8")), str(path))
    except ValueError as problem:
        raise ServicesLabError(f"{path}: not JSON ({problem})") from None


def _serve(lab: ServicesLab, control: Path, stop: threading.Event, reload: threading.Event) -> None:
    """Until SIGTERM: on each SIGHUP, apply the conditions file."""
    while True:
        stop.wait()
        if not reload.is_set():
            return
        reload.clear()
        stop.clear()
        try:
            lab.apply(_conditions(control))
            print("conditions applied", file=sys.stderr, flush=True)
        except (ServicesLabError, UpdateError) as problem:
            print(f"conditions not applied: {problem}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: build the lab, serve until told to stop."""
    parser = argparse.ArgumentParser(prog="python -m network.lab.services.serve")
    parser.add_argument("inventory", type=Path)
    parser.add_argument("--dir", type=Path, required=True, help="the lab's directory (configs, pages, PKI)")
    parser.add_argument("--json", type=Path, required=True, help="where to write services-lab.json")
    parser.add_argument("--pidfile", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        context = load_services(args.inventory)
        reference = next((z.update_key for z in context.inventory.zones if z.update_key), TSIG_REFERENCE)
        key = key_from_reference(reference)
    except ServicesUnavailable as problem:
        print(f"{problem.message} ({problem.hint})", file=sys.stderr)
        return 2
    except (CredentialError, UpdateError) as problem:
        print(f"the TSIG key: {problem}", file=sys.stderr)
        return 2
    args.pidfile.write_text(f"{os.getpid()}\n", encoding="utf-8")
    stop, reload = threading.Event(), threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def _hangup(*_: object) -> None:
        reload.set()
        stop.set()

    signal.signal(signal.SIGHUP, _hangup)
    directory = args.dir.resolve()
    lab = ServicesLab(directory, context, key, reference)
    try:
        lab.start()
        lab.apply(_conditions(directory / "conditions.json"))
    except (ServicesLabError, UpdateError, OSError) as problem:
        print(f"the services lab did not start: {problem}", file=sys.stderr)
        lab.stop()
        args.pidfile.unlink(missing_ok=True)
        return 1
    try:
        args.json.write_text(lab.document(os.getpid()), encoding="utf-8")
        _serve(lab, directory / "conditions.json", stop, reload)
    finally:
        lab.stop()
        args.json.unlink(missing_ok=True)
        args.pidfile.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
