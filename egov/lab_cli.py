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
from typing import Annotated, Any, NamedTuple

import typer

from egov.console import error, plain, readable_inventory, table
from egov.options import InventoryDir
from network.lab.conditions import FAULT_KINDS, Conditions, ConditionsError, Fault, load_conditions
from network.lab.files import (
    CONTROL_FILE,
    LAB_JSON,
    LOGFILE,
    PASSWORD_VARIABLE,
    PIDFILE,
    SERVICES_DIR,
    SERVICES_JSON,
    SERVICES_LOGFILE,
    SERVICES_PIDFILE,
    SYSTEMS_DIR,
    SYSTEMS_JSON,
    SYSTEMS_LOGFILE,
    SYSTEMS_PIDFILE,
    TSIG_VARIABLE,
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
START_TIMEOUT = 120.0

app = typer.Typer(
    no_args_is_help=True, help="The lab twin: simulated devices of an inventory over SSH on loopback."
)


def _running_pid(directory: Path, pidfile: str = PIDFILE, marker: bytes = b"network.lab.serve") -> int | None:
    """The pid of the lab started from ``directory``, if that process is alive and is our lab server."""
    try:
        pid = int((directory / pidfile).read_text(encoding="utf-8").strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except (OSError, ValueError):
        return None
    return pid if marker in cmdline else None


def _systems_pid(directory: Path) -> int | None:
    return _running_pid(directory, SYSTEMS_PIDFILE, b"network.lab.systems.serve")


def _services_pid(directory: Path) -> int | None:
    return _running_pid(directory, SERVICES_PIDFILE, b"network.lab.services.serve")


@app.command("up")
def up_command(  # noqa: PLR0913, PLR0917 - typer: each option is one of the lab's settings
    inventory: InventoryDir,
    devices: Annotated[str | None, typer.Option("--devices", help="hostname glob, e.g. 'SW-*'")] = None,
    detach: Annotated[
        bool, typer.Option("--detach", help="run in the background; stop with `egov lab down`")
    ] = False,
    per_device_address: Annotated[
        bool,
        typer.Option("--per-device-address", help="each device on its own 127.x.y.z (one shared --port)"),
    ] = False,
    port: Annotated[int, typer.Option("--port", help="the shared port with --per-device-address")] = 2222,
    authorized_keys: Annotated[
        Path | None, typer.Option("--authorized-keys", help="also accept these public keys (key auth)")
    ] = None,
    conditions: Annotated[
        Path | None,
        typer.Option("--conditions", help="start with these faults and utilisations (JSON, see docs/lab.md)"),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="only the first N matching devices")
    ] = None,
    systems: Annotated[
        bool,
        typer.Option(
            "--systems", help="also sample business systems: PostgreSQL, shares, apps (docs/migration.md)"
        ),
    ] = False,
    system: Annotated[
        list[str] | None, typer.Option("--system", help="with --systems: this system (repeatable)")
    ] = None,
    megabytes: Annotated[
        float, typer.Option("--megabytes", min=0.1, help="with --systems: data per store, in MB")
    ] = 2.0,
    no_devices: Annotated[
        bool, typer.Option("--no-devices", help="with --systems: no device twin, only the systems")
    ] = False,
    snmp: Annotated[
        bool,
        typer.Option("--snmp", help="devices answer SNMP v2c/v3 too, with city.snmp's credentials (UDP)"),
    ] = False,
    snmp_port: Annotated[
        int, typer.Option("--snmp-port", help="SNMP's shared UDP port with --per-device-address")
    ] = 1161,
    services: Annotated[
        bool,
        typer.Option(
            "--services", help="also the city's DNS (knot, unbound) and websites (nginx) (docs/services.md)"
        ),
    ] = False,
) -> None:
    """Start the twin of INVENTORY_DIR; lab.json here says where each device answers (never the password).

    With --systems, sample business systems too; systems-lab.json says where they are. With
    --services, the city's zones, resolvers, websites and CDN edges; services-lab.json maps them.
    """
    here = Path.cwd()
    if not (inventory / "city.yaml").exists():
        error(f"{inventory} is not an inventory directory", "give a directory like inventories/shanwei")
        raise typer.Exit(EXIT_USAGE)
    if no_devices and not systems and not services:
        error("--no-devices leaves nothing to start", "add --systems or --services, or drop --no-devices")
        raise typer.Exit(EXIT_USAGE)
    readable_inventory(inventory)  # before anything starts: a file that cannot be read ends it here
    for running, what in (
        (None if no_devices else _running_pid(here), "lab"),
        (_systems_pid(here) if systems else None, "systems lab"),
        (_services_pid(here) if services else None, "services lab"),
    ):
        if running is not None:
            error(f"a {what} started from {here} is running (pid {running})", "stop it with `egov lab down`")
            raise typer.Exit(EXIT_FINDINGS)
    env = dict(os.environ)
    if not env.get(PASSWORD_VARIABLE):
        env[PASSWORD_VARIABLE] = secrets.token_urlsafe(12)
        plain(f"{PASSWORD_VARIABLE} was not set; the lab's password for this run (shown once):")
        plain(f"  export {PASSWORD_VARIABLE}={env[PASSWORD_VARIABLE]}")
    if snmp and not no_devices:
        _snmp_environment(inventory, env)
    processes: list[subprocess.Popen[str]] = []
    if not no_devices:
        _write_control(here, _start_conditions(conditions, authorized_keys))
        options = _DeviceOptions(
            devices, limit, per_device_address, port, authorized_keys, snmp_port if snmp else None
        )
        command = _device_command(inventory, here, options)
        processes.append(_start_devices(inventory, command, env, detach, here))
    if services:  # first: with both, the systems' service names live in its zones
        processes.append(_start_services(inventory, env, detach, here, processes))
    if systems:
        chosen = _SystemsOptions(tuple(system or ()), megabytes, here / SERVICES_JSON if services else None)
        processes.append(_start_systems(inventory, chosen, env, detach, here, processes))
    if detach:
        pids = ", ".join(str(p.pid) for p in processes)
        plain(f"running in the background (pid {pids}); stop with `egov lab down`")
        return
    plain("running; Ctrl-C stops it")
    _wait_all(processes)


class _DeviceOptions(NamedTuple):
    devices: str | None
    limit: int | None
    per_device_address: bool
    port: int
    authorized_keys: Path | None
    snmp_port: int | None  # None: no SNMP


def _device_command(inventory: Path, here: Path, options: _DeviceOptions) -> list[str]:
    devices, limit, per_device_address, port, authorized_keys, snmp_port = options
    command = [
        sys.executable, "-m", "network.lab.serve", str(inventory.resolve()),
        "--lab-json", str(here / LAB_JSON), "--pidfile", str(here / PIDFILE),
        "--control", str(here / CONTROL_FILE),
    ]  # fmt: skip
    if devices:
        command += ["--devices", devices]
    if limit is not None:
        command += ["--limit", str(limit)]
    if per_device_address:
        command += ["--per-device-address", "--port", str(port)]
    if authorized_keys is not None:
        command += ["--authorized-keys", str(authorized_keys.resolve())]
    if snmp_port is not None:
        command += ["--snmp", "--snmp-port", str(snmp_port)]
    return command


def _snmp_environment(inventory: Path, env: dict[str, str]) -> None:
    """The variables city.snmp's references name: those not set get a secret for this run, shown once."""
    from network.inventory import load_inventory  # noqa: PLC0415

    city = load_inventory(inventory).inventory.city
    access = city.snmp if city else None
    if access is None:
        error(f"{inventory}/city.yaml has no snmp: block", "add one (docs/lab.md shows it), or drop --snmp")
        raise typer.Exit(EXIT_USAGE)
    for reference in (access.community, access.auth, access.priv):
        if reference is None:
            continue
        scheme, _, name = reference.partition(":")
        if scheme != "env":
            error(f"city.snmp: {reference}: the lab resolves env: references only", "use env:NAME")
            raise typer.Exit(EXIT_USAGE)
        if not env.get(name):
            env[name] = secrets.token_urlsafe(12)
            plain(f"{name} was not set; the lab's SNMP secret for this run (shown once):")
            plain(f"  export {name}={env[name]}")


def _spawn(command: list[str], env: dict[str, str], detach: bool, log: Path) -> subprocess.Popen[str]:
    # The lab never holds this terminal's pipes (a detached lab outlives them): its errors go to a log file.
    with log.open("w", encoding="utf-8") as stream:
        return subprocess.Popen(
            command, env=env, start_new_session=detach, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=stream, text=True,
        )  # fmt: skip


def _start_devices(
    inventory: Path, command: list[str], env: dict[str, str], detach: bool, here: Path
) -> subprocess.Popen[str]:
    (here / LAB_JSON).unlink(missing_ok=True)
    process = _spawn(command, env, detach, here / LOGFILE)
    document = _wait_for_lab(here / LAB_JSON, process, here / LOGFILE)
    entries: list[dict[str, Any]] = document["devices"]
    table(
        f"lab of {inventory}: {len(entries)} devices on loopback",
        ["hostname", "host", "port", "device_type"],
        [(e["hostname"], e["host"], e["port"], e["device_type"]) for e in entries[:20]],
        numeric_from=2,
    )
    if len(entries) > 20:
        plain(f"… and {len(entries) - 20} more in {here / LAB_JSON}")
    return process


class _SystemsOptions(NamedTuple):
    systems: tuple[str, ...]
    megabytes: float
    names_dns: Path | None  # a services-lab.json: the service names live in its zones


def _start_systems(
    inventory: Path,
    options: _SystemsOptions,
    env: dict[str, str],
    detach: bool,
    here: Path,
    started: list[subprocess.Popen[str]],
) -> subprocess.Popen[str]:
    names_dns = options.names_dns
    command = [
        sys.executable, "-m", "network.lab.systems.serve", str(inventory.resolve()),
        "--dir", str(here / SYSTEMS_DIR), "--json", str(here / SYSTEMS_JSON),
        "--pidfile", str(here / SYSTEMS_PIDFILE), "--megabytes", str(options.megabytes),
    ]  # fmt: skip
    for system_id in options.systems:
        command += ["--system", system_id]
    if names_dns is not None:
        command += ["--names-dns", str(names_dns)]
    (here / SYSTEMS_JSON).unlink(missing_ok=True)
    process = _spawn(command, env, detach, here / SYSTEMS_LOGFILE)
    try:
        document = _wait_for_lab(here / SYSTEMS_JSON, process, here / SYSTEMS_LOGFILE)
    except typer.Exit:
        for other in started:  # the device twin started a moment ago: do not leave it behind
            other.send_signal(signal.SIGTERM)
        raise
    described: dict[str, Any] = document["migration"]["systems"]
    table(
        f"systems lab of {inventory}: {len(described)} systems on loopback",
        ["system", "source", "target", "stores"],
        [
            (
                name,
                e["source"]["address"],
                e["target"]["address"],
                ", ".join([*e["source"]["files"], *e["source"]["databases"]]),
            )
            for name, e in described.items()
        ],
        numeric_from=4,
    )
    where = "the services lab's DNS" if names_dns is not None else str(here / SYSTEMS_DIR / "names.hosts")
    plain(f"endpoints in {here / SYSTEMS_JSON}; service names in {where}")
    return process


def _start_services(
    inventory: Path, env: dict[str, str], detach: bool, here: Path, started: list[subprocess.Popen[str]]
) -> subprocess.Popen[str]:
    import base64  # noqa: PLC0415

    if not env.get(TSIG_VARIABLE):
        secret = base64.b64encode(secrets.token_bytes(32)).decode()
        env[TSIG_VARIABLE] = f"hmac-sha256:egov-update:{secret}"
        plain(f"{TSIG_VARIABLE} was not set; the lab's TSIG key for this run (shown once):")
        plain(f"  export {TSIG_VARIABLE}={env[TSIG_VARIABLE]}")
    command = [
        sys.executable, "-m", "network.lab.services.serve", str(inventory.resolve()),
        "--dir", str(here / SERVICES_DIR), "--json", str(here / SERVICES_JSON),
        "--pidfile", str(here / SERVICES_PIDFILE),
    ]  # fmt: skip
    (here / SERVICES_JSON).unlink(missing_ok=True)
    process = _spawn(command, env, detach, here / SERVICES_LOGFILE)
    try:
        document = _wait_for_lab(here / SERVICES_JSON, process, here / SERVICES_LOGFILE)
    except typer.Exit:
        for other in started:
            other.send_signal(signal.SIGTERM)
        raise
    plain(
        f"services lab of {inventory}: {len(document['dns'])} DNS and {len(document['web'])} web listeners "
        f"on loopback; the map in {here / SERVICES_JSON}"
    )
    return process


def _wait_all(processes: list[subprocess.Popen[str]]) -> None:
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


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
    """Stop the labs started from the current directory (and only those): devices and systems."""
    here = Path.cwd()
    running = [
        (pid, name)
        for pid, name in (
            (_running_pid(here), "lab"),
            (_systems_pid(here), "systems lab"),
            (_services_pid(here), "services lab"),
        )
        if pid
    ]
    if not running:
        error(f"no lab started from {here} is running", "start one with `egov lab up INVENTORY_DIR --detach`")
        (here / PIDFILE).unlink(missing_ok=True)
        (here / SYSTEMS_PIDFILE).unlink(missing_ok=True)
        (here / SERVICES_PIDFILE).unlink(missing_ok=True)
        raise typer.Exit(EXIT_FINDINGS)
    for pid, _ in running:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    for pid, name in running:
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists() and _alive_lab(here, pid):
            time.sleep(0.1)
        plain(f"stopped the {name} (pid {pid})")


def _alive_lab(here: Path, pid: int) -> bool:
    return pid in (_running_pid(here), _systems_pid(here), _services_pid(here))


def _start_conditions(conditions: Path | None, authorized_keys: Path | None) -> Conditions:
    """The conditions a new lab starts with; bad files are usage errors naming the file."""
    start = Conditions()
    if conditions is not None:
        try:
            start = load_conditions(conditions)
        except ConditionsError as problem:
            error(str(problem), "see docs/lab.md for the conditions file's keys")
            raise typer.Exit(EXIT_USAGE) from None
    if authorized_keys is not None and not authorized_keys.is_file():
        error(f"{authorized_keys}: no such file", "give an OpenSSH authorized_keys file")
        raise typer.Exit(EXIT_USAGE)
    return start


def _link_speed(link: str | None, speed: str) -> dict[str, int]:
    """``--link X --speed 100M`` as {X: Mbit/s}; ``--speed planned`` removes the degradation."""
    from network.inventory.model import parse_bandwidth  # noqa: PLC0415

    if link is None:
        raise ConditionsError("--speed needs --link: the link whose ends run slower")
    if speed == "planned":
        return {link: 0}
    try:
        bits = int(parse_bandwidth(speed))
    except Exception:  # pydantic's own error type: a bad value, said plainly below
        raise ConditionsError(f"--speed {speed}: not a bandwidth (e.g. 100M, 1G)") from None
    if bits < 10**6:
        raise ConditionsError(f"--speed {speed}: below 1 Mbit/s")
    return {link: bits // 10**6}


def _link_changes(wanted: Conditions, link: str | None, speed: str | None, restart: str | None) -> None:
    """``--speed`` for ``--link``, ``--restart GLOB`` (a restart number above any so far: once more)."""
    if speed is not None:
        merged = {**wanted.link_speed, **_link_speed(link, speed)}
        wanted.link_speed = {k: v for k, v in merged.items() if v}
    if restart is not None:
        wanted.restarts = {**wanted.restarts, restart: max(wanted.restarts.values(), default=0) + 1}


def _write_control(directory: Path, conditions: Conditions) -> None:
    from network.textfiles import write_files  # noqa: PLC0415

    write_files(directory, {CONTROL_FILE: json.dumps(conditions.to_json(), indent=2, sort_keys=True) + "\n"})


def _show_change(control: Path, before: Any, after: Any) -> bool:
    """Print the control file's diff (or "no change"); True when there is a change."""
    import difflib  # noqa: PLC0415

    old = json.dumps(before, indent=2, sort_keys=True).splitlines()
    new = json.dumps(after, indent=2, sort_keys=True).splitlines()
    changes = list(difflib.unified_diff(old, new, str(control), str(control), lineterm=""))
    for line in changes:
        plain(line)
    if not changes:
        plain("no change")
    return bool(changes)


@app.command("set")
def set_command(  # noqa: PLR0913, PLR0917 - typer: each option is one condition of the lab
    fault: Annotated[
        str | None, typer.Option("--fault", help=f"inject a fault: {', '.join(FAULT_KINDS)}")
    ] = None,
    devices: Annotated[str, typer.Option("--devices", help="hostname glob the fault applies to")] = "*",
    delay: Annotated[float, typer.Option("--delay", help="seconds per answer, for --fault slow")] = 2.0,
    after: Annotated[int, typer.Option("--after", help="commands before the drop, for --fault drop")] = 3,
    rate: Annotated[
        float | None, typer.Option("--rate", help="fault a share of new sessions at random (0..1)")
    ] = None,
    utilisation: Annotated[
        float | None, typer.Option("--utilisation", help="link utilisation 0..1 (all links, or --link)")
    ] = None,
    link: Annotated[
        str | None, typer.Option("--link", help="the link id --utilisation or --speed applies to")
    ] = None,
    speed: Annotated[
        str | None,
        typer.Option(
            "--speed", help="with --link: run it at this speed (e.g. 100M), as a mis-negotiated port"
        ),
    ] = None,
    restart: Annotated[
        str | None,
        typer.Option(
            "--restart",
            help="restart devices matching this glob: uptime and counters from 0 (a discontinuity)",
        ),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="remove every fault, the random rate and degraded speeds")
    ] = False,
    check: Annotated[bool, typer.Option("--check", help="show the change; change nothing")] = False,
) -> None:
    """Change a running lab's conditions: faults per device or at a random rate, link utilisation."""
    here = Path.cwd()
    pid = _running_pid(here)
    if pid is None and not check:
        error(f"no lab started from {here} is running", "start one with `egov lab up INVENTORY_DIR --detach`")
        raise typer.Exit(EXIT_FINDINGS)
    control = here / CONTROL_FILE
    try:
        current = load_conditions(control) if control.exists() else Conditions()
        wanted = Conditions.from_json(current.to_json())
        if clear:
            wanted.faults, wanted.rate, wanted.link_speed = {}, 0.0, {}
        if fault is not None:
            wanted.faults[devices] = Fault(fault, delay=delay, after=after)
        if rate is not None:
            wanted.rate = rate
        if utilisation is not None:
            if link is None:
                wanted.utilisation = utilisation
            else:
                wanted.link_utilisation[link] = utilisation
        _link_changes(wanted, link, speed, restart)
        wanted.check("options")
    except ConditionsError as problem:
        error(str(problem), "see `egov lab set --help` and docs/lab.md")
        raise typer.Exit(EXIT_USAGE) from None
    if not _show_change(control, current.to_json(), wanted.to_json()) or check:
        return
    _write_control(here, wanted)
    assert pid is not None
    os.kill(pid, signal.SIGHUP)
    plain(f"the lab (pid {pid}) took the new conditions")


def _service_target(loaded: Any, target: str, inventory: Path) -> tuple[str, tuple[str, ...], str]:
    """What ``target`` names in the services lab: (kind, its conditions, its key)."""
    from network.lab.services.lab import EDGE_CONDITIONS, NAMESERVER_CONDITIONS, SITE_CONDITIONS  # noqa: PLC0415

    name = target.rstrip(".").lower()
    if name in {w.host.rstrip(".") for w in loaded.websites}:
        return "sites", SITE_CONDITIONS, name
    if name in {s.name.rstrip(".") for z in loaded.zones for s in z.servers}:
        return "nameservers", NAMESERVER_CONDITIONS, name
    if target in {e.id for e in loaded.cdn_edges}:
        return "edges", EDGE_CONDITIONS, target
    error(
        f"{target}: not a website host, name server or CDN edge of {inventory}",
        "see websites.yaml, zones.yaml and cdn_edges.yaml",
    )
    raise typer.Exit(EXIT_USAGE)


@app.command("set-service")
def set_service_command(
    target: Annotated[str, typer.Argument(help="a website host, a name server's name, or a CDN edge id")],
    condition: Annotated[
        str,
        typer.Argument(
            help="no-aaaa, v6-down, v6-content, v6-slow (websites); no-ipv6 (name servers); v6-down (edges)"
        ),
    ],
    clear: Annotated[bool, typer.Option("--clear", help="remove this condition instead")] = False,
    check: Annotated[bool, typer.Option("--check", help="show the change; change nothing")] = False,
) -> None:
    """Break (or mend) one thing in the running services lab; it applies the change at once (SIGHUP)."""
    from network.lab.services.lab import ServicesConditions, ServicesLabError  # noqa: PLC0415

    here = Path.cwd()
    pid = _services_pid(here)
    if pid is None and not check:
        error(
            f"no services lab started from {here} is running",
            "start one with `egov lab up INVENTORY --services --detach`",
        )
        raise typer.Exit(EXIT_FINDINGS)
    try:
        lab = json.loads((here / SERVICES_JSON).read_text(encoding="utf-8"))
        inventory = Path(lab["inventory"])
    except (OSError, ValueError, KeyError) as problem:
        error(
            f"{here / SERVICES_JSON}: cannot be read ({problem})", "start the services lab in this directory"
        )
        raise typer.Exit(EXIT_USAGE) from None
    from network.inventory import load_inventory  # noqa: PLC0415

    loaded = load_inventory(inventory).inventory
    kind, allowed, name = _service_target(loaded, target, inventory)
    if condition not in allowed:
        error(f"{condition}: not a condition for {target}", f"use one of {', '.join(allowed)}")
        raise typer.Exit(EXIT_USAGE)
    control = here / SERVICES_DIR / "conditions.json"
    try:
        current = ServicesConditions.from_json(
            json.loads(control.read_text(encoding="utf-8")) if control.exists() else {}, str(control)
        )
    except (ServicesLabError, ValueError) as problem:
        error(str(problem), "remove the file to start without conditions")
        raise typer.Exit(EXIT_USAGE) from None
    wanted = ServicesConditions.from_json(current.to_json())
    held = set(getattr(wanted, kind).get(name, []))
    held = held - {condition} if clear else held | {condition}
    getattr(wanted, kind)[name] = sorted(held)
    if not _show_change(control, current.to_json(), wanted.to_json()) or check:
        return
    from network.textfiles import write_files  # noqa: PLC0415

    write_files(control.parent, {control.name: json.dumps(wanted.to_json(), indent=2, sort_keys=True) + "\n"})
    assert pid is not None
    os.kill(pid, signal.SIGHUP)
    plain(f"the services lab (pid {pid}) takes the new conditions")


@app.command("collect")
def collect_command(
    devices: Annotated[str | None, typer.Option("--devices", help="hostname glob, e.g. 'SW-CQ-*'")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=256, help="sessions at a time")] = 32,
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    lab_json: Annotated[Path, typer.Option("--lab", help="the lab.json of a running lab")] = Path(LAB_JSON),
) -> None:
    """Read facts and interfaces from the lab's devices with the drivers, many sessions at once."""
    from network.devices.collect import LabFileError, collect, targets_from_lab  # noqa: PLC0415

    if output_format not in ("table", "json"):
        error(f"--format {output_format}: unknown", "use table or json")
        raise typer.Exit(EXIT_USAGE)
    password = os.environ.get(PASSWORD_VARIABLE)
    if not password:
        error(f"{PASSWORD_VARIABLE} is not set", "export the password `egov lab up` printed")
        raise typer.Exit(EXIT_USAGE)
    try:
        targets = targets_from_lab(lab_json, devices)
    except LabFileError as problem:
        error(str(problem), "start a lab with `egov lab up INVENTORY_DIR --detach` in this directory")
        raise typer.Exit(EXIT_USAGE) from None
    started = time.monotonic()
    results = collect(targets, password, workers=workers, with_facts=True)
    elapsed = time.monotonic() - started
    failed = [r for r in results if r.error]
    if output_format == "json":
        document = [
            {
                "hostname": r.hostname,
                "platform": r.platform,
                "error": r.error or None,
                "facts": None
                if r.facts is None
                else {**r.facts.__dict__, "interfaces": list(r.facts.interfaces)},
                "interfaces": {
                    name: {"enabled": i.enabled, "up": i.up, "speed_mbit": i.speed, "mtu": i.mtu}
                    for name, i in r.interfaces.items()
                },
            }
            for r in results
        ]
        plain(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        rows = []
        for r in results:
            up = sum(1 for i in r.interfaces.values() if i.up)
            version = r.facts.os_version if r.facts else ""
            rows.append((r.hostname, r.platform, version, f"{up}/{len(r.interfaces)}", r.error or "ok"))
        table(
            f"{len(results)} devices in {elapsed:.1f} s ({workers} sessions at a time)",
            ["hostname", "platform", "os_version", "up", "result"],
            rows,
            numeric_from=3,
        )
    if failed:
        raise typer.Exit(EXIT_FINDINGS)
