"""``prometheus.yml`` for the extranet, with file-based target discovery from the inventory.

Written into one directory, self-contained: ``prometheus.yml`` (or ``prometheus-<i>.yml`` per shard),
``targets/devices.json`` (every device to probe, with its site, level, county, platform and role as
labels: Prometheus re-reads it without a restart when the inventory changes and the command is run
again), ``targets/snmp.json`` when an snmp_exporter is given, and ``rules/`` (copies of the toolkit's
recording and alerting rules). With an snmp_exporter, ``snmp.yml`` too: its ``if_mib`` module and the
inventory's SNMP access in the layout of the snmp_exporter version given (:mod:`exporters.snmp`),
secrets as ``${VARIABLES}`` filled in when it starts.

Device probes follow the multi-target pattern (snmp_exporter's ``/snmp``, blackbox's ``/probe``): the
device is the ``target`` parameter, ``instance`` is relabelled to it, the address is the exporter's.
With ``shards`` > 1, each Prometheus server keeps the devices whose ``hashmod`` of the target falls
on its number, and scrapes ``/metrics`` itself (the rules need the plan's metrics beside the probes).
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from pathlib import Path

from exporters.blackbox import BLACKBOX_YML, DNS_TARGETS, HTTP_TARGETS, BlackboxPlan
from exporters.snmp import IP_MODULE, MODULE, SNMP_YML, SnmpExporterError, scrape_params, snmp_yml
from network.emit import scalar
from network.inventory import Inventory
from network.programme.progress import Intent

RULES_DIR = Path(__file__).resolve().parent / "rules"
RULE_FILES = ("egov.rules.yml", "egov.alerts.yml")


@dataclass(frozen=True)
class MonitoringSettings:
    """How Prometheus reaches the exporter (and an snmp_exporter), how often, in how many shards."""

    exporters: tuple[str, ...] = ("127.0.0.1:9630",)  # all serve /metrics; the first also probes
    scheme: str = "http"
    scrape_interval: str = "30s"
    scrape_timeout: str = "10s"
    probe_timeout: str = "10s"
    shards: int = 1
    snmp_exporter: str | None = None
    snmp_version: tuple[int, int, int] = (0, 21, 0)  # of that snmp_exporter: its snmp.yml layout
    snmp_ip_interval: str = "1m"  # how often ip_mib (the addresses) is scraped; if_mib every interval
    devices: tuple[str, ...] = ()  # hostname globs: probe only these (all when empty)
    services_interval: str = "1m"  # websites, zones, resolvers and CDN edges over IPv6 (module=ipv6_*)
    blackbox: str | None = None  # host:port of a blackbox_exporter probing the websites beside ours


def _chosen(hostname: str, patterns: tuple[str, ...]) -> bool:
    return not patterns or any(fnmatch.fnmatchcase(hostname, p) for p in patterns)


def device_targets(
    inventory: Inventory, reachable: set[str] | None, patterns: tuple[str, ...] = ()
) -> list[dict[str, object]]:
    """file_sd groups: one per device, its labels from the inventory."""
    county_of = Intent(inventory).county_of
    sites = inventory.site_by_id
    groups: list[dict[str, object]] = []
    for device in inventory.devices:
        if reachable is not None and device.hostname not in reachable:
            continue
        if not _chosen(device.hostname, patterns):
            continue
        site = sites.get(device.site)
        labels = {
            "site": device.site,
            "level": site.level.value if site else "",
            "county": county_of.get(device.site, ""),
            "platform": device.platform,
            "role": device.role.value,
        }
        groups.append({"targets": [device.hostname], "labels": labels})
    return groups


def snmp_targets(
    inventory: Inventory, patterns: tuple[str, ...] = (), agents: dict[str, str] | None = None
) -> list[dict[str, object]]:
    """file_sd groups for snmp_exporter: the management address (or, in a lab, the twin's agent
    ``host:port`` from ``agents``), the hostname as ``device``."""
    return [
        {
            "targets": [agents[d.hostname] if agents is not None else str(d.management)],
            "labels": {"device": d.hostname},
        }
        for d in inventory.devices
        if _chosen(d.hostname, patterns) and (agents is None or d.hostname in agents)
    ]


def service_targets(inventory: Inventory) -> list[dict[str, object]]:
    """file_sd groups for the exporter's ``ipv6_*`` modules: every website, zone, resolver and CDN edge,
    the module as the ``__param_module`` label."""
    groups: list[dict[str, object]] = []
    for website in inventory.websites:
        labels = {"__param_module": "ipv6_web", "service": "website", "website": website.id,
                  "department": website.department}  # fmt: skip
        groups.append({"targets": [website.host.rstrip(".")], "labels": labels})
    for zone in inventory.zones:
        groups.append(
            {
                "targets": [zone.name.rstrip(".")],
                "labels": {"__param_module": "ipv6_zone", "service": "zone", "zone": zone.id},
            }
        )
    for module, kind, nodes in (
        ("ipv6_resolver", "resolver", inventory.resolvers), ("ipv6_cdn", "cdn_edge", inventory.cdn_edges)
    ):  # fmt: skip
        for node in nodes:
            groups.append(
                {
                    "targets": [node.id],
                    "labels": {"__param_module": module, "service": kind, "site": node.site},
                }
            )
    return groups


def _services_jobs(s: MonitoringSettings) -> list[str]:
    """The exporter's services probes, and blackbox_exporter's beside them when one is given."""
    jobs = [("egov_services", "targets/services.json", s.exporters[0])]
    if s.blackbox:
        jobs += [("blackbox_http", HTTP_TARGETS, s.blackbox), ("blackbox_dns", DNS_TARGETS, s.blackbox)]
    lines: list[str] = []
    for job, targets, address in jobs:
        lines += [
            f"  - job_name: {job}",
            f"    scheme: {s.scheme if job == 'egov_services' else 'http'}",
            "    metrics_path: /probe",
            f"    scrape_interval: {s.services_interval}",
            f"    scrape_timeout: {s.probe_timeout}",
            "    file_sd_configs:",
            f"      - files: [{targets}]",
            "    relabel_configs:",
            "      - {source_labels: [__address__], target_label: __param_target}",
            "      - {source_labels: [__param_target], target_label: instance}",
            f"      - {{target_label: __address__, replacement: {scalar(address)}}}",
        ]
    return lines


def prometheus_yml(settings: MonitoringSettings, city: str, shard: int, services: bool = False) -> str:
    """One server's configuration (shard ``shard`` of ``settings.shards``; the services on shard 0)."""
    s = settings
    external = f"{{city: {scalar(city)}" + (f", shard: {scalar(str(shard))}}}" if s.shards > 1 else "}")
    lines = [
        "# Written by `egov monitoring config`: regenerate rather than edit (targets/ is re-read on change).",
        "global:",
        f"  scrape_interval: {s.scrape_interval}",
        f"  scrape_timeout: {s.scrape_timeout}",
        f"  evaluation_interval: {s.scrape_interval}",
        f"  external_labels: {external}",
        "rule_files:",
        *(f"  - rules/{name}" for name in RULE_FILES),
        "scrape_configs:",
        "  - job_name: egov",
        f"    scheme: {s.scheme}",
        "    static_configs:",
        f"      - targets: [{', '.join(scalar(e) for e in s.exporters)}]",
        "  - job_name: egov_probe",
        f"    scheme: {s.scheme}",
        "    metrics_path: /probe",
        f"    scrape_timeout: {s.probe_timeout}",
        "    file_sd_configs:",
        "      - files: [targets/devices.json]",
        "        refresh_interval: 1m",
        "    relabel_configs:",
        "      - {source_labels: [__address__], target_label: __param_target}",
        "      - {source_labels: [__param_target], target_label: instance}",
    ]
    if s.shards > 1:
        lines += [
            f"      - {{source_labels: [__param_target], modulus: {s.shards}, target_label: __tmp_shard, "
            "action: hashmod}",
            f"      - {{source_labels: [__tmp_shard], regex: {scalar(str(shard))}, action: keep}}",
        ]
    lines.append(f"      - {{target_label: __address__, replacement: {scalar(s.exporters[0])}}}")
    if s.snmp_exporter:
        lines += _snmp_job(s, "snmp", MODULE, None, shard)  # every scrape interval: counters and speeds
        lines += _snmp_job(s, "snmp_ip", IP_MODULE, s.snmp_ip_interval, shard)  # addresses: less often
    if services and shard == 0:
        lines += _services_jobs(s)
    return "\n".join(lines) + "\n"


def _snmp_job(s: MonitoringSettings, job: str, module: str, interval: str | None, shard: int) -> list[str]:
    """A job of snmp_exporter's multi-target pattern for one module of snmp.yml."""
    lines = [f"  - job_name: {job}", "    metrics_path: /snmp"]
    if interval is not None:
        lines.append(f"    scrape_interval: {interval}")
    lines += [
        f"    params: {_params(scrape_params(s.snmp_version, module))}",
        "    file_sd_configs:",
        "      - files: [targets/snmp.json]",
        "    relabel_configs:",
        "      - {source_labels: [__address__], target_label: __param_target}",
        "      - {source_labels: [device], target_label: instance}  # the hostname: rules join on it",
        f"      - {{target_label: __address__, replacement: {scalar(s.snmp_exporter)}}}",
    ]
    if s.shards > 1:
        lines += [
            f"      - {{source_labels: [instance], modulus: {s.shards}, target_label: __tmp_shard, "
            "action: hashmod}",
            f"      - {{source_labels: [__tmp_shard], regex: {scalar(str(shard))}, action: keep}}",
        ]
    return lines


def _params(params: dict[str, list[str]]) -> str:
    return "{" + ", ".join(f"{key}: [{', '.join(values)}]" for key, values in params.items()) + "}"


def monitoring_files(
    inventory: Inventory,
    settings: MonitoringSettings,
    reachable: set[str] | None = None,
    agents: dict[str, str] | None = None,
    blackbox: BlackboxPlan | None = None,
) -> dict[str, str]:
    """Every file of the configuration directory: relative path -> text.

    ``agents``: hostname -> ``host:port`` of the lab's SNMP agents (snmp_exporter polls those).
    ``blackbox``: blackbox.yml and its targets (with ``settings.blackbox``).
    """
    city = inventory.city.code if inventory.city else "city"
    services = bool(inventory.websites or inventory.zones or inventory.resolvers or inventory.cdn_edges)
    files: dict[str, str] = {}
    if settings.shards == 1:
        files["prometheus.yml"] = prometheus_yml(settings, city, 0, services)
    else:
        for shard in range(settings.shards):
            files[f"prometheus-{shard}.yml"] = prometheus_yml(settings, city, shard, services)
    files["targets/devices.json"] = _json(device_targets(inventory, reachable, settings.devices))
    if services:
        files["targets/services.json"] = _json(service_targets(inventory))
    if settings.blackbox and blackbox is not None:
        files[BLACKBOX_YML] = blackbox.config
        files[HTTP_TARGETS] = _json(blackbox.http)
        files[DNS_TARGETS] = _json(blackbox.dns)
    if settings.snmp_exporter:
        access = inventory.city.snmp if inventory.city else None
        if access is None:
            raise SnmpExporterError(
                "city.yaml has no snmp: block: snmp_exporter would not know how to log in",
                "add city.snmp (version, username, auth/priv references; see docs/monitoring.md)",
            )
        files["targets/snmp.json"] = _json(snmp_targets(inventory, settings.devices, agents))
        files[SNMP_YML] = snmp_yml(access, settings.snmp_version)
    for name in RULE_FILES:
        files[f"rules/{name}"] = (RULES_DIR / name).read_text(encoding="utf-8")
    return files


def _json(value: object) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
