"""``egov exporter serve`` and ``egov monitoring config|dashboards``: Prometheus and Grafana for the extranet.

Exit codes: 0 ok; 1 changes pending (with --check); 2 unusable input (an inventory with errors, a
bad option, a certificate that cannot be read, no lab password).
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from egov.changes import apply_changes
from egov.console import error, fail, plain
from egov.options import InventoryDir

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

exporter_app = typer.Typer(no_args_is_help=True, help="The Prometheus exporter: /metrics and /probe.")
monitoring_app = typer.Typer(
    no_args_is_help=True, help="Prometheus configuration and Grafana dashboards for the extranet."
)


@exporter_app.command("serve")
def serve_command(  # noqa: PLR0913, PLR0917 - typer: each option is one of the exporter's settings
    inventory: InventoryDir,
    lab: Annotated[
        Path | None, typer.Option("--lab", help="probe the lab twin described by lab.json")
    ] = None,
    production: Annotated[
        bool,
        typer.Option(
            "--production", help="probe the real devices (management addresses) and services (their own)"
        ),
    ] = False,
    services_lab: Annotated[
        Path | None,
        typer.Option("--services-lab", help="probe the services lab (services-lab.json) for module=ipv6_*"),
    ] = None,
    address: Annotated[str, typer.Option("--address", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="port (0: any free one)")] = 9630,
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", help="serve HTTPS with this certificate")
    ] = None,
    tls_key: Annotated[Path | None, typer.Option("--tls-key", help="the certificate's private key")] = None,
    tls_client_ca: Annotated[
        Path | None, typer.Option("--tls-client-ca", help="require client certificates from this CA")
    ] = None,
    probe_timeout: Annotated[
        float, typer.Option("--probe-timeout", min=1, help="longest a probe may take, in seconds")
    ] = 10.0,
    state: Annotated[
        Path | None, typer.Option("--state", help="journal and ledger directory (default <inventory>.state)")
    ] = None,
    reload_interval: Annotated[
        float, typer.Option("--reload-interval", min=1, help="seconds between checks for inventory changes")
    ] = 10.0,
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning, error")] = "info",
) -> None:
    """Serve /metrics (the plan and the programme), /probe?target=DEVICE (devices, through drivers) and
    /probe?module=ipv6_web&target=HOST (websites, zones, resolvers, CDN edges over IPv6)."""
    from exporters.collectors import ExporterStats  # noqa: PLC0415 - loads prometheus_client
    from exporters.probe import Prober  # noqa: PLC0415
    from exporters.server import ExporterApp, TlsFiles, serve  # noqa: PLC0415
    from exporters.source import InventorySource, InventoryUnusable  # noqa: PLC0415
    from network.inventory import InventoryNotFound  # noqa: PLC0415
    from network.state import state_dir  # noqa: PLC0415

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if (tls_cert is None) != (tls_key is None):
        error("--tls-cert and --tls-key go together", "give both, or neither for plain HTTP")
        raise typer.Exit(EXIT_USAGE)
    try:
        source = InventorySource(inventory, state_dir(inventory, state), reload_interval)
    except InventoryNotFound as problem:
        error(str(problem), problem.hint)
        raise typer.Exit(EXIT_USAGE) from None
    except InventoryUnusable as problem:
        error(f"{inventory}: the inventory has errors; the exporter serves only a valid one", str(problem))
        raise typer.Exit(EXIT_USAGE) from None
    stats = ExporterStats()
    prober = None
    if lab is not None or production:
        found, opener = _targets(source.current.inventory, lab, production)
        prober = Prober(source, found, opener, stats, max_seconds=probe_timeout)
    services = _services(source, services_lab, production, stats)
    tls = TlsFiles(tls_cert, tls_key, tls_client_ca) if tls_cert and tls_key else None
    try:
        app = ExporterApp(source, prober, stats, services, max_seconds=probe_timeout)
        server = serve(app, address, port, tls)
    except (OSError, ValueError) as problem:  # port in use, unreadable certificate
        error(f"cannot serve on {address}:{port}: {problem}", "choose another --port, check the TLS files")
        raise typer.Exit(EXIT_USAGE) from None
    scheme = "https" if tls else "http"
    bound = server.server_address[1]
    plain(f"serving {inventory} on {scheme}://{address}:{bound}/metrics and /probe?target=DEVICE")
    sys.stdout.flush()
    source.watch()
    signal.signal(signal.SIGTERM, lambda *_: _stop(server))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        source.stop()
        if prober is not None:
            prober.close()
        server.server_close()


def _stop(server: Any) -> None:
    import threading  # noqa: PLC0415

    threading.Thread(target=server.shutdown, daemon=True).start()


def _services(source: Any, services_lab: Path | None, production: bool, stats: Any) -> Any:
    """The services prober (None when neither a services lab nor production is chosen)."""
    if services_lab is None and not production:
        return None
    from exporters.web import ServicesProber  # noqa: PLC0415 - loads dnspython
    from network.services.reach import Reach, ReachError  # noqa: PLC0415

    try:
        reach = Reach.from_lab(services_lab) if services_lab is not None else Reach(production=True)
    except ReachError as problem:
        error(str(problem), "start the services lab with `egov lab up INVENTORY --services --detach`")
        raise typer.Exit(EXIT_USAGE) from None
    return ServicesProber(source, reach, stats)


def _targets(inventory: Any, lab: Path | None, production: bool) -> tuple[dict[str, Any], Any]:
    from network.rollout.targets import TargetsError, targets  # noqa: PLC0415

    try:
        return targets(inventory, lab, production)
    except TargetsError as problem:
        error(problem.message, problem.hint)
        raise typer.Exit(EXIT_USAGE) from None


@monitoring_app.command("config")
def config_command(  # noqa: PLR0913, PLR0917 - typer: each option is one of the configuration's settings
    inventory: InventoryDir,
    out: Annotated[
        Path, typer.Option("--out", help="directory to write prometheus.yml, targets/, rules/ into")
    ],
    exporter: Annotated[
        list[str] | None,
        typer.Option(
            "--exporter", help="host:port of an egov exporter (repeatable; the first probes devices)"
        ),
    ] = None,
    lab: Annotated[
        Path | None, typer.Option("--lab", help="probe only the devices this lab.json serves")
    ] = None,
    devices: Annotated[
        list[str] | None,
        typer.Option("--devices", help="probe only hostnames matching this glob (repeatable)"),
    ] = None,
    shards: Annotated[
        int, typer.Option("--shards", min=1, max=64, help="split the device probes over N Prometheus servers")
    ] = 1,
    snmp_exporter: Annotated[
        str | None,
        typer.Option("--snmp-exporter", help="host:port of an snmp_exporter (if_mib) to scrape too"),
    ] = None,
    snmp_exporter_version: Annotated[
        str | None,
        typer.Option(
            "--snmp-exporter-version",
            help="write snmp.yml for this snmp_exporter (e.g. 0.21, 0.26); default: the installed one",
        ),
    ] = None,
    snmp_ip_interval: Annotated[
        str, typer.Option("--snmp-ip-interval", help="how often snmp_exporter reads the addresses (ip_mib)")
    ] = "1m",
    blackbox: Annotated[
        str | None,
        typer.Option(
            "--blackbox", help="host:port of a blackbox_exporter: blackbox.yml and its website probes"
        ),
    ] = None,
    services_lab: Annotated[
        Path | None,
        typer.Option("--services-lab", help="point blackbox_exporter at this services lab's listeners"),
    ] = None,
    services_interval: Annotated[
        str,
        typer.Option("--services-interval", help="how often websites, zones, resolvers, edges are probed"),
    ] = "1m",
    scrape_interval: Annotated[str, typer.Option("--scrape-interval", help="e.g. 30s, 1m")] = "30s",
    scrape_timeout: Annotated[str, typer.Option("--scrape-timeout", help="e.g. 10s")] = "10s",
    https: Annotated[bool, typer.Option("--https", help="the exporter serves HTTPS")] = False,
    check: Annotated[bool, typer.Option("--check", help="show what would change; write nothing")] = False,
) -> None:
    """Write prometheus.yml (one per shard) with file-based discovery of every device to probe.

    With --snmp-exporter, also snmp.yml (the if_mib module and city.snmp's access, secrets as
    ${VARIABLES}) and targets/snmp.json (with --lab: the twin's SNMP agents). The city's websites,
    zones, resolvers and CDN edges are probed through the exporter's ipv6_* modules
    (targets/services.json); with --blackbox, blackbox_exporter probes the websites beside them
    (blackbox.yml, targets/blackbox_*.json; with --services-lab: the lab's listeners).
    """
    from exporters.config import MonitoringSettings, monitoring_files  # noqa: PLC0415
    from exporters.snmp import SnmpExporterError  # noqa: PLC0415
    from network.devices.collect import LabFileError, targets_from_lab  # noqa: PLC0415
    from network.migration.context import MigrationContextError, load_valid_inventory  # noqa: PLC0415

    durations = (
        (scrape_interval, "--scrape-interval"), (scrape_timeout, "--scrape-timeout"),
        (snmp_ip_interval, "--snmp-ip-interval"), (services_interval, "--services-interval"),
    )  # fmt: skip
    for value, option in durations:
        if not _duration(value):
            error(f"{option} {value}: not a Prometheus duration", "write e.g. 15s, 30s, 1m")
            raise typer.Exit(EXIT_USAGE)
    try:
        loaded = load_valid_inventory(inventory)
    except MigrationContextError as problem:
        raise fail(problem) from None
    reachable = agents = None
    if lab is not None:
        try:
            served = targets_from_lab(lab)
        except LabFileError as problem:
            error(str(problem), "start the lab with `egov lab up INVENTORY_DIR --detach`")
            raise typer.Exit(EXIT_USAGE) from None
        reachable = {t.hostname for t in served}
        agents = {t.hostname: f"{t.host}:{t.snmp_port}" for t in served if t.snmp_port is not None}
        if snmp_exporter and not agents:
            error(f"{lab}: the lab runs no SNMP agents", "start it with `egov lab up INVENTORY_DIR --snmp`")
            raise typer.Exit(EXIT_USAGE)
    settings = MonitoringSettings(
        exporters=tuple(exporter or ["127.0.0.1:9630"]),
        scheme="https" if https else "http",
        scrape_interval=scrape_interval,
        scrape_timeout=scrape_timeout,
        probe_timeout=scrape_timeout,
        shards=shards,
        snmp_exporter=snmp_exporter,
        snmp_version=_snmp_version(snmp_exporter_version) if snmp_exporter else (0, 21, 0),
        snmp_ip_interval=snmp_ip_interval,
        devices=tuple(devices or ()),
        services_interval=services_interval,
        blackbox=blackbox,
    )
    plan = _blackbox_plan(inventory, services_lab, scrape_timeout) if blackbox else None
    try:
        files = monitoring_files(loaded, settings, reachable, agents, plan)
    except SnmpExporterError as problem:
        error(f"{inventory}/{problem.message}", problem.hint)
        raise typer.Exit(EXIT_USAGE) from None
    apply_changes(out, files, check, force=True)


def _blackbox_plan(inventory: Path, services_lab: Path | None, timeout: str) -> Any:
    """blackbox.yml and its targets: for the services lab's listeners, or (no lab) the real names."""
    from exporters.blackbox import blackbox_plan  # noqa: PLC0415
    from network.services.context import ServicesUnavailable, load_services  # noqa: PLC0415
    from network.services.reach import Reach, ReachError  # noqa: PLC0415

    try:
        context = load_services(inventory)
        reach = Reach.from_lab(services_lab) if services_lab is not None else None
    except ServicesUnavailable as problem:
        raise fail(problem) from None
    except ReachError as problem:
        error(str(problem), "start the services lab with `egov lab up INVENTORY --services --detach`")
        raise typer.Exit(EXIT_USAGE) from None
    resolvers = [str(r.ipv6) for r in context.inventory.resolvers if r.ipv6 is not None]
    return blackbox_plan(list(context.sites.values()), resolvers, reach, timeout)


def _snmp_version(given: str | None) -> tuple[int, int, int]:
    """The snmp_exporter version snmp.yml is written for: the one given, else the installed one."""
    from exporters.snmp import SnmpExporterError, installed_version, parse_version  # noqa: PLC0415

    try:
        return parse_version(given) if given is not None else installed_version()
    except SnmpExporterError as problem:
        error(problem.message, problem.hint)
        raise typer.Exit(EXIT_USAGE) from None


@monitoring_app.command("snmp-exporter")
def snmp_exporter_command(
    config: Annotated[
        Path,
        typer.Argument(help="the directory `egov monitoring config --snmp-exporter` wrote (or its snmp.yml)"),
    ],
    listen: Annotated[
        str, typer.Option("--listen", help="address:port snmp_exporter serves on")
    ] = "127.0.0.1:9116",
    binary: Annotated[
        str | None, typer.Option("--binary", help="the snmp_exporter to run (default: found on PATH)")
    ] = None,
) -> None:
    """Run snmp_exporter on snmp.yml with its ${VARIABLES} filled from the environment, in memory only.

    This process becomes snmp_exporter (same pid): stop it as you would stop snmp_exporter.
    """
    from exporters.snmp import SNMP_YML, SnmpExporterError, exec_snmp_exporter  # noqa: PLC0415

    path = config / SNMP_YML if config.is_dir() else config
    try:
        exec_snmp_exporter(path, listen, binary)
    except SnmpExporterError as problem:
        error(problem.message, problem.hint)
        raise typer.Exit(EXIT_USAGE) from None


@monitoring_app.command("blackbox-exporter")
def blackbox_exporter_command(
    config: Annotated[
        Path,
        typer.Argument(help="the directory `egov monitoring config --blackbox` wrote (or its blackbox.yml)"),
    ],
    listen: Annotated[
        str, typer.Option("--listen", help="address:port blackbox_exporter serves on")
    ] = "127.0.0.1:9115",
    binary: Annotated[
        str | None, typer.Option("--binary", help="the blackbox_exporter to run (default: found on PATH)")
    ] = None,
) -> None:
    """Run blackbox_exporter on blackbox.yml (this process becomes it: same pid; stop it by that pid)."""
    from exporters.blackbox import BLACKBOX_YML, BlackboxError, exec_blackbox  # noqa: PLC0415

    path = config / BLACKBOX_YML if config.is_dir() else config
    try:
        exec_blackbox(path, listen, binary)
    except BlackboxError as problem:
        error(problem.message, problem.hint)
        raise typer.Exit(EXIT_USAGE) from None


def _duration(value: str) -> bool:
    import re  # noqa: PLC0415

    return re.fullmatch(r"(\d+(ms|s|m|h))+", value) is not None


@monitoring_app.command("dashboards")
def dashboards_command(
    out: Annotated[
        Path, typer.Option("--out", help="directory for the dashboards' JSON and Grafana provisioning files")
    ] = Path("exporters/dashboards"),
    check: Annotated[bool, typer.Option("--check", help="exit 1 if the files differ; write nothing")] = False,
) -> None:
    """Build the Grafana dashboards (grafana-foundation-sdk) and their provisioning files."""
    from exporters.dashboards.build import dashboard_files  # noqa: PLC0415

    apply_changes(out, dashboard_files(), check, force=True)
