"""``egov device``: read a lab device through its driver, and change it with a diff first.

Targets come from a running lab's ``lab.json`` (``--lab``); the password from ``EGOV_LAB_PASSWORD``.
Real devices are reached by the rollout (issue 5), through the same drivers and the same safety check.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from egov.console import error, plain, table
from network.lab.files import LAB_JSON, PASSWORD_VARIABLE

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(no_args_is_help=True, help="One device through its driver: facts, addresses, a change.")

LabOption = Annotated[Path, typer.Option("--lab", help="the lab.json of a running lab")]


def _open(hostname: str, lab_json: Path) -> Any:
    """An open driver for a lab device, or a usage error naming what is missing."""
    from napalm.base.exceptions import ConnectionException  # noqa: PLC0415

    from network.devices.collect import LabFileError, targets_from_lab  # noqa: PLC0415
    from network.devices.drivers import driver_for  # noqa: PLC0415
    from network.devices.transport import TargetRefused  # noqa: PLC0415

    password = os.environ.get(PASSWORD_VARIABLE)
    if not password:
        error(f"{PASSWORD_VARIABLE} is not set", "export the password `egov lab up` printed")
        raise typer.Exit(EXIT_USAGE)
    try:
        target = next((t for t in targets_from_lab(lab_json) if t.hostname == hostname), None)
    except LabFileError as problem:
        error(str(problem), "start a lab with `egov lab up INVENTORY_DIR --detach` in this directory")
        raise typer.Exit(EXIT_USAGE) from None
    if target is None:
        error(f"{hostname}: not in {lab_json}", "see the hostnames with `egov lab collect`")
        raise typer.Exit(EXIT_USAGE)
    driver = driver_for(target.platform)(
        target.host, target.username, password, optional_args={"port": target.port, "name": target.hostname}
    )
    try:
        driver.open()
    except TargetRefused as problem:  # the loopback-only rule, before any connection
        error(f"{lab_json}: {hostname}: {problem}", problem.hint)
        raise typer.Exit(EXIT_USAGE) from None
    except ConnectionException as problem:
        error(
            f"{hostname}: {problem}", "is the lab running, and is a fault injected? (`egov lab set --clear`)"
        )
        raise typer.Exit(EXIT_FINDINGS) from None
    return driver


@app.command("show")
def show_command(
    hostname: Annotated[str, typer.Argument(help="the device's hostname")],
    lab_json: LabOption = Path(LAB_JSON),
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Facts, interfaces, addresses (with their duplicate-address state) and IPv6 neighbours."""
    driver = _open(hostname, lab_json)
    try:
        facts = driver.facts()
        interfaces = driver.interfaces()
        addresses = driver.addresses()
        neighbors = driver.ipv6_neighbors()
    finally:
        driver.close()
    if output_format == "json":
        document = {
            "facts": {**facts.__dict__, "interfaces": list(facts.interfaces)},
            "interfaces": {
                n: {"enabled": i.enabled, "up": i.up, "speed_mbit": i.speed} for n, i in interfaces.items()
            },
            "addresses": [a.__dict__ for a in addresses],
            "ipv6_neighbors": [n.__dict__ for n in neighbors],
        }
        plain(json.dumps(document, indent=2, ensure_ascii=False))
        return
    plain(
        f"{facts.hostname}: {facts.vendor} {facts.model}, {facts.platform} {facts.os_version}, "
        f"serial {facts.serial}"
    )
    table(
        "interfaces",
        ["interface", "up", "speed (Mbit/s)", "rx octets", "tx octets"],
        [
            (n, "up" if i.up else "down", i.speed or "", i.counters.rx_octets or 0, i.counters.tx_octets or 0)
            for n, i in interfaces.items()
        ],
        numeric_from=2,
    )
    table(
        "addresses",
        ["interface", "address", "state"],
        [(a.interface, f"{a.address}/{a.prefix_length}", a.state) for a in addresses],
        numeric_from=3,
    )
    table(
        "IPv6 neighbours",
        ["interface", "address", "mac", "state"],
        [(n.interface, n.address, n.mac, n.state) for n in neighbors],
        numeric_from=4,
    )


@app.command("apply")
def apply_command(
    hostname: Annotated[str, typer.Argument(help="the device's hostname")],
    config: Annotated[
        Path, typer.Argument(help="configuration lines to merge (or a full config with --replace)")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="CONFIG is the whole intended configuration")
    ] = False,
    check: Annotated[bool, typer.Option("--check", help="show the diff; change nothing")] = False,
    trial: Annotated[
        int | None, typer.Option("--trial", help="reverts after this many seconds unless confirmed")
    ] = None,
    backup: Annotated[
        Path | None, typer.Option("--backup", help="write the running config here first")
    ] = None,
    lab_json: LabOption = Path(LAB_JSON),
) -> None:
    """Show the hier_config diff, then commit it (a refused line puts the device back as it was)."""
    from napalm.base.exceptions import CommitError, ConnectionClosedException  # noqa: PLC0415

    from network.devices.config import ConfigTextError  # noqa: PLC0415

    try:
        text = config.read_text(encoding="utf-8")
    except OSError as problem:
        error(f"{config}: cannot be read ({problem.strerror})", "give a file of configuration lines")
        raise typer.Exit(EXIT_USAGE) from None
    driver = _open(hostname, lab_json)
    try:
        running = driver.running_config()
        change = driver.load_candidate(text, replace=replace)
        plain(change.text() or "(no change)")
        if check or change.empty:
            return
        if backup is not None:
            backup.write_text(running, encoding="utf-8")
        driver.commit(trial)
        plain(
            f"committed on {hostname}"
            + (f" as a trial: reverts in {trial} s unless confirmed" if trial else "")
        )
    except NotImplementedError as problem:
        error(f"{hostname}: {problem}", "apply without --trial on this platform")
        raise typer.Exit(EXIT_USAGE) from None
    except ConfigTextError as problem:
        error(f"{config}: {problem}", "nothing was sent to the device")
        raise typer.Exit(EXIT_USAGE) from None
    except (CommitError, ConnectionClosedException) as problem:
        error(
            str(problem),
            "the device was put back as it was where the session allowed it; check with `egov device show`",
        )
        raise typer.Exit(EXIT_FINDINGS) from None
    finally:
        driver.close()


@app.command("confirm")
def confirm_command(
    hostname: Annotated[str, typer.Argument(help="the device's hostname")],
    lab_json: LabOption = Path(LAB_JSON),
) -> None:
    """Confirm a trial commit made with `egov device apply --trial` (VRP8, Comware 7)."""
    from napalm.base.exceptions import CommitError  # noqa: PLC0415

    driver = _open(hostname, lab_json)
    try:
        if not driver.trial_supported:
            error(f"{hostname}: {driver.platform} has no trial commit", "nothing to confirm")
            raise typer.Exit(EXIT_USAGE)
        if not driver.adopt_trial(60):  # the trial was started by an earlier session: asked of the device
            error(f"{hostname}: no trial commit is pending", "a trial that ran out has already reverted")
            raise typer.Exit(EXIT_FINDINGS)
        driver.confirm()
        plain(f"confirmed the trial commit on {hostname}")
    except CommitError as problem:
        error(str(problem), "a trial that ran out has already reverted")
        raise typer.Exit(EXIT_FINDINGS) from None
    finally:
        driver.close()
