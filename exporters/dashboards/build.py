"""The Grafana dashboards, as code (grafana-foundation-sdk, Grafana 11.6 build), and their provisioning.

``egov monitoring dashboards`` writes them into ``exporters/dashboards/`` (a test keeps the committed
JSON identical to what this module builds). Six boards, every query on the provisioned Prometheus
data source (uid ``egov-prometheus``), with variables for level, county and department:

- extranet bandwidth tiers: compliance per level (observed and planned), links below target,
  utilisation;
- IPv6 rollout: progress per level and county, devices per rollout state, failures, addresses;
- websites, DNS and CDN over IPv6: scores and indicators per website and department, zones'
  delegation, resolvers and edges, blackbox_exporter's view beside the probes;
- cloud migration: systems per department and state, the waves' burn-down against their deadlines;
- programme milestones: the plan's dated tasks against their progress, overdue ones;
- exporter health: scrapes, collect and probe durations, probe results, the inventory in use.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from grafana_foundation_sdk.builders import bargauge, stat, table, timeseries
from grafana_foundation_sdk.builders.dashboard import Dashboard, QueryVariable, Row
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef, VariableRefresh, VariableSort
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

DATASOURCE_UID = "egov-prometheus"
DATASOURCE = DataSourceRef(type_val="prometheus", uid=DATASOURCE_UID)
DASHBOARD_DIR = "/var/lib/grafana/dashboards/egov"  # where the provider reads them (see docs/metrics.md)
LEVEL = 'level=~"$level"'
COUNTY = 'county=~"$county"'
DEPARTMENT = 'department=~"$department"'

# A milestone's title joined onto a series by (milestone, task) (once, whichever exporter of a pair gave it).
TITLES = "on (milestone, task) group_left (title) max by (milestone, task, title) (egov_milestone_info)"

Panel = Any  # the SDK's panel builders share no base class usable in annotations


def _query(expr: str, legend: str = "", instant: bool = False, as_table: bool = False) -> Dataquery:
    query = Dataquery().expr(expr).datasource(DATASOURCE).ref_id("A")
    if legend:
        query = query.legend_format(legend)
    if instant:
        query = query.instant()
    if as_table:
        query = query.format(PromQueryFormat.TABLE)
    return query


def _variable(name: str, query: str, label: str) -> QueryVariable:
    return (
        QueryVariable(name)
        .label(label)
        .query(query)
        .datasource(DATASOURCE)
        .multi(True)
        .include_all(True)
        .all_value(".*")
        .refresh(VariableRefresh.ON_DASHBOARD_LOAD)
        .sort(VariableSort.ALPHABETICAL_ASC)
    )


LEVEL_VARIABLE = _variable("level", "label_values(egov_sites, level)", "level")
COUNTY_VARIABLE = _variable("county", 'label_values(egov_sites{level=~"$level"}, county)', "county")
DEPARTMENT_VARIABLE = _variable("department", "label_values(egov_systems, department)", "department")


def _board(uid: str, title: str, description: str) -> Dashboard:
    return (
        Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["egov", "generated"])
        .refresh("1m")
        .time("now-6h", "now")
        .timezone("browser")
        .editable()
    )


def _stat(title: str, expr: str, unit: str = "percentunit", legend: str = "", width: int = 6) -> Panel:
    return (
        stat.Panel()
        .title(title)
        .unit(unit)
        .span(width)
        .height(5)
        .with_target(_query(expr, legend, instant=True))
    )


def _bars(title: str, expr: str, legend: str, unit: str = "percentunit", width: int = 12) -> Panel:
    return (
        bargauge.Panel()
        .title(title)
        .datasource(DATASOURCE)
        .unit(unit)
        .min(0)
        .span(width)
        .height(8)
        .with_target(_query(expr, legend, instant=True))
    )


def _series(title: str, expr: str, legend: str, unit: str = "percentunit", width: int = 12) -> Panel:
    return (
        timeseries.Panel()
        .title(title)
        .datasource(DATASOURCE)
        .unit(unit)
        .span(width)
        .height(8)
        .with_target(_query(expr, legend))
    )


def _table(title: str, expr: str, unit: str = "", width: int = 12, description: str = "") -> Panel:
    panel = (
        table.Panel()
        .title(title)
        .span(width)
        .height(8)
        .with_target(_query(expr, instant=True, as_table=True))
    )
    if unit:
        panel = panel.unit(unit)
    if description:
        panel = panel.description(description)
    return panel


def bandwidth() -> Dashboard:
    """Extranet bandwidth tiers: 10G to the province, 1G to counties, 100M to towns, on demand to villages."""
    return (
        _board(
            "egov-bandwidth",
            "e-gov extranet: bandwidth tiers",
            "Links against their tier targets (万兆到省、千兆到县、百兆到镇、按需到村).",
        )
        .with_variable(LEVEL_VARIABLE)
        .with_variable(COUNTY_VARIABLE)
        .with_row(Row("Tier compliance"))
        .with_panel(
            _bars(
                "Links meeting their tier target (observed), per level",
                f"level:egov_link_tier_compliance:ratio{{{LEVEL}}}",
                "{{level}}",
            )
        )
        .with_panel(
            _bars(
                "Links meeting their tier target (planned), per level",
                f"level:egov_link_planned_compliance:ratio{{{LEVEL}}}",
                "{{level}}",
            )
        )
        .with_panel(
            _bars(
                "Lowest observed capacity / target, per level",
                f"level:egov_link_capacity_target:ratio_min{{{LEVEL}}}",
                "{{level}}",
            )
        )
        .with_panel(
            _table(
                "Links below their tier target",
                f"link:egov_link_capacity_target:ratio{{{LEVEL},{COUNTY}}} < 1",
                "percentunit",
                description="Observed capacity (snmp_exporter, else the SSH probe) over the tier's target.",
            )
        )
        .with_panel(
            _table(
                "Links meeting their tier target (observed), per level and county",
                f"level_county:egov_link_tier_compliance:ratio{{{LEVEL},{COUNTY}}}",
                "percentunit",
                width=24,
            )
        )
        .with_row(Row("Utilisation"))
        .with_panel(
            _series(
                "Busiest links (utilisation of the capacity they run at)",
                f"topk(10, link:egov_link_utilisation:ratio_rate2m{{{LEVEL},{COUNTY}}})",
                "{{link}} ({{level}} {{site}})",
            )
        )
        .with_panel(
            _series(
                "Busiest link per level", f"level:egov_link_utilisation:ratio_max{{{LEVEL}}}", "{{level}}"
            )
        )
        .with_panel(
            _table(
                "Planned capacity of every link",
                f"egov_link_planned_capacity_bytes_per_second{{{LEVEL},{COUNTY}}}",
                "Bps",
                width=24,
            )
        )
    )


def ipv6() -> Dashboard:
    """The dual-stack rollout: sites per level and county, devices per state, failures, addresses."""
    return (
        _board(
            "egov-ipv6",
            "e-gov extranet: IPv6 rollout",
            "Sites whose every device is dual-stack (the rollout journal), and what the devices show.",
        )
        .with_variable(LEVEL_VARIABLE)
        .with_variable(COUNTY_VARIABLE)
        .with_row(Row("Progress"))
        .with_panel(
            _bars("Dual-stack sites, per level", f"level:egov_ipv6_sites:ratio{{{LEVEL}}}", "{{level}}")
        )
        .with_panel(
            _bars("Dual-stack sites, per county", f"county:egov_ipv6_sites:ratio{{{COUNTY}}}", "{{county}}")
        )
        .with_panel(
            _series(
                "Devices per rollout state",
                f"sum by (state) (egov_rollout_devices{{{LEVEL},{COUNTY}}})",
                "{{state}}",
                unit="short",
                width=24,
            )
        )
        .with_row(Row("Failures and addresses"))
        .with_panel(
            _table(
                "Failed or rolled back devices",
                f'sum by (level, county, state) (egov_rollout_devices{{state=~"failed|rolled_back",'
                f"{LEVEL},{COUNTY}}}) > 0",
            )
        )
        .with_panel(
            _stat(
                "Global IPv6 addresses on the probed devices, by state",
                f"sum by (state) (egov_device_ipv6_addresses{{{LEVEL},{COUNTY}}})",
                "short",
                "{{state}}",
                width=12,
            )
        )
        .with_panel(
            _table(
                "IPv6 addresses seen on the devices",
                f"egov_interface_ipv6_address_info{{{LEVEL},{COUNTY}}}",
                width=24,
            )
        )
    )


def services() -> Dashboard:
    """Websites, DNS and CDN over IPv6 (task 4): the national platform's indicators, as probed."""
    web = f"{{{DEPARTMENT}}}"
    return (
        _board(
            "egov-ipv6-services",
            "e-gov extranet: websites, DNS and CDN over IPv6",
            "Each website's IPv6 readiness and score (AAAA, delegation, home page, success rate, content, "
            "second- and third-level links, latency), the zones' IPv6 delegation, resolvers and CDN edges, "
            "from the exporter's ipv6_* probes; blackbox_exporter's view beside it.",
        )
        .with_variable(_variable("department", "label_values(egov_web_ipv6_ready, department)", "department"))
        .with_row(Row("Readiness"))
        .with_panel(_stat("m04-dns-cdn, measured", "city:egov_ipv6_services:ratio"))
        .with_panel(_stat("Mean website score (0-100)", "city:egov_web_ipv6_score:avg", "none"))
        .with_panel(
            _stat("IPv6-ready websites", "count(max by (website) (egov_web_ipv6_ready) == 1)", "short")
        )
        .with_panel(
            _stat(
                "Zones with a complete IPv6 delegation",
                "count(max by (instance) (egov_dns_zone_ipv6_complete) == 1) or vector(0)",
                "short",
            )
        )
        .with_panel(
            _bars(
                "IPv6-ready websites, per department",
                f"department:egov_web_ipv6_ready:ratio{web}",
                "{{department}}",
                width=12,
            )
        )
        .with_panel(
            _bars(
                "Mean score, per department",
                f"department:egov_web_ipv6_score:avg{web}",
                "{{department}}",
                unit="none",
                width=12,
            )
        )
        .with_row(Row("Websites"))
        .with_panel(
            _table(
                "Score of each website",
                f"max by (instance, website, department) (egov_web_ipv6_score{web})",
                width=12,
                description="0-100 points: the indicators weighted as docs/services.md says.",
            )
        )
        .with_panel(
            _table(
                "Indicators below 1",
                f"max by (instance, indicator) (egov_web_ipv6_indicator_ratio{web}) < 1",
                "percentunit",
                width=12,
            )
        )
        .with_panel(
            _series(
                "IPv6 over IPv4 time of the home page (above 1: IPv6 slower)",
                f'max by (instance) (egov_web_ipv6_latency_ratio{{phase="total",{DEPARTMENT}}})',
                "{{instance}}",
                unit="none",
            )
        )
        .with_panel(
            _series(
                "Second- and third-level links over IPv6",
                f"sum by (level) (egov_web_ipv6_links{web}) / sum by (level) (egov_web_links{web})",
                "level {{level}}",
            )
        )
        .with_row(Row("DNS, CDN and blackbox_exporter"))
        .with_panel(
            _table(
                "Zones: name servers over IPv6 and AAAA glue",
                "max by (instance) (egov_dns_zone_nameservers_ipv6)"
                " / max by (instance) (egov_dns_zone_nameservers)",
                "percentunit",
                width=8,
            )
        )
        .with_panel(
            _table(
                "Resolvers and CDN edges over IPv6",
                'max by (instance, site) (egov_dns_resolver_up{family="ipv6"}'
                ' or egov_cdn_edge_up{family="ipv6"})',
                width=8,
            )
        )
        .with_panel(
            _table(
                "blackbox_exporter's home page over IPv6 against the egov probe",
                'max by (host) (probe_success{job="blackbox_http"}) - on (host) max by (host) '
                '(label_replace(egov_web_up{family="ipv6"}, "host", "$1", "instance", "(.*)"))',
                width=8,
                description="0: both agree; 1 or -1: they differ (blackbox: no crawl, parity, delegation).",
            )
        )
    )


def migration() -> Dashboard:
    """Systems moving onto the cloud: per department and state, waves against their deadlines."""
    return (
        _board(
            "egov-migration",
            "Government cloud: system migration",
            "Departments' non-classified systems moving to the cloud node (the migration ledger).",
        )
        .with_variable(DEPARTMENT_VARIABLE)
        .with_row(Row("Systems"))
        .with_panel(
            _stat(
                "Systems on the cloud, of those to move",
                f'sum(egov_systems{{state=~"cut_over|finalized",{DEPARTMENT}}}) '
                f"/ sum(egov_systems_planned{{{DEPARTMENT}}})",
            )
        )
        .with_panel(
            _stat(
                "Systems in migration now",
                f'sum(egov_systems{{state=~"assessed|provisioned|replicating|verified|testing|'
                f'ready_for_cutover",{DEPARTMENT}}})',
                "short",
            )
        )
        .with_panel(
            _stat(
                "Rolled back or failed",
                f'sum(egov_systems{{state=~"rolled_back|failed",{DEPARTMENT}}})',
                "short",
            )
        )
        .with_panel(
            _stat(
                "Retained (classified or by plan)",
                f'sum(egov_systems{{state="retained",{DEPARTMENT}}})',
                "short",
            )
        )
        .with_panel(
            _table(
                "Systems per department and state",
                f"sum by (department, state) (egov_systems{{{DEPARTMENT}}}) > 0",
                width=24,
            )
        )
        .with_row(Row("Waves against their deadlines"))
        .with_panel(
            _series(
                "Systems left per wave (burn-down)",
                "wave:egov_migration_remaining:sum",
                "wave {{wave}}",
                unit="short",
            )
        )
        .with_panel(
            _series(
                "On the cloud at the deadline, at the last day's rate",
                "wave:egov_migration_projected_on_cloud:at_deadline",
                "wave {{wave}}",
                unit="short",
            )
        )
        .with_panel(
            _table(
                "Wave deadlines",
                "egov_migration_wave_deadline_timestamp_seconds * 1000",
                "dateTimeAsIso",
                width=24,
            )
        )
    )


def milestones() -> Dashboard:
    """The plan's dated tasks (annex 3–14) against their progress."""
    return (
        _board(
            "egov-milestones",
            "Digital-government plan: milestones",
            "Each dated task of the plan, the metric it is judged by, and how far it has come.",
        )
        .with_row(Row("Progress"))
        .with_panel(
            _bars(
                "Progress of each milestone (the tier milestones as observed on the wire)",
                f"milestone:egov_milestone_progress:ratio * {TITLES}",
                "{{task}} {{title}}",
                width=24,
            )
        )
        .with_panel(
            _bars(
                "Tier milestones: observed (uplinks running at their tier)",
                f"milestone:egov_milestone_observed_progress:ratio * {TITLES}",
                "{{milestone}} observed",
            )
        )
        .with_panel(
            _bars(
                "Tier milestones: planned (uplinks planned at their tier)",
                "max by (milestone, task) (egov_milestone_progress_ratio)"
                " and on (milestone, task) max by (milestone, task) (egov_milestone_level_info)",
                "{{milestone}} planned",
            )
        )
        .with_panel(
            _table(
                "Overdue milestones (past due, below target)",
                "milestone:egov_milestone_progress:ratio"
                " < on (milestone, task) max by (milestone, task) (egov_milestone_target_ratio)"
                " and on (milestone, task)"
                " (max by (milestone, task) (egov_milestone_due_timestamp_seconds) < time())",
                "percentunit",
            )
        )
        .with_panel(
            _table(
                "Days to (or since, negative) each due date",
                "(egov_milestone_due_timestamp_seconds - time()) / 86400",
                "d",
            )
        )
        .with_row(Row("The extranet and the cloud"))
        .with_panel(
            _stat("Departments on the extranet", "sum(egov_departments_connected) / sum(egov_departments)")
        )
        .with_panel(_stat("Sites connected at their tier", "sum(egov_sites_connected) / sum(egov_sites)"))
        .with_panel(
            _stat("Private networks merged", "sum(egov_private_networks_merged) / sum(egov_private_networks)")
        )
        .with_panel(_stat("Cloud node ready", "egov_cloud_node_ready", "bool_yes_no"))
    )


def exporter_health() -> Dashboard:
    """The exporter: scrapes, durations, probe results, the inventory it serves."""
    return (
        _board("egov-exporter", "egov exporter health", "Is the monitoring itself healthy?")
        .with_row(Row("Scrapes"))
        .with_panel(
            _stat("Targets up, per job", 'sum by (job) (up{job=~"egov|egov_probe|snmp"})', "short", "{{job}}")
        )
        .with_panel(_stat("Devices not answering", "count(egov_device_up == 0) or vector(0)", "short"))
        .with_panel(
            _stat("Inventory reload succeeded", "egov_exporter_inventory_reload_success", "bool_yes_no")
        )
        .with_panel(
            _stat(
                "Age of the inventory in use",
                "time() - egov_exporter_inventory_loaded_timestamp_seconds",
                "s",
            )
        )
        .with_panel(
            _series(
                "Scrape duration per job",
                'max by (job) (scrape_duration_seconds{job=~"egov|egov_probe|snmp"})',
                "{{job}}",
                unit="s",
            )
        )
        .with_panel(
            _series(
                "Collect duration per collector",
                "egov_exporter_collect_duration_seconds",
                "{{collector}}",
                unit="s",
            )
        )
        .with_row(Row("Probes"))
        .with_panel(
            _series(
                "Probe answers per second, by result",
                "sum by (result) (rate(egov_exporter_probes_total[$__rate_interval]))",
                "{{result}}",
                unit="reqps",
            )
        )
        .with_panel(_series("Slowest probe", "max(egov_probe_duration_seconds)", "slowest", unit="s"))
        .with_panel(_table("Build", "egov_exporter_build_info", width=24))
    )


BOARDS: dict[str, Callable[[], Dashboard]] = {
    "egov-bandwidth.json": bandwidth,
    "egov-ipv6.json": ipv6,
    "egov-ipv6-services.json": services,
    "egov-migration.json": migration,
    "egov-milestones.json": milestones,
    "egov-exporter.json": exporter_health,
}

DATASOURCES = f"""# Grafana provisioning: the Prometheus data source every egov dashboard queries (fixed uid).
apiVersion: 1
datasources:
  - name: egov Prometheus
    uid: {DATASOURCE_UID}
    type: prometheus
    access: proxy
    url: http://127.0.0.1:9090
    isDefault: true
    jsonData:
      timeInterval: 30s
"""

PROVIDERS = f"""# Grafana provisioning: the egov dashboards, read from disk (copy exporters/dashboards/*.json)
apiVersion: 1
providers:
  - name: egov
    orgId: 1
    folder: e-gov extranet
    type: file
    disableDeletion: true
    allowUiUpdates: false
    updateIntervalSeconds: 60
    options:
      path: {DASHBOARD_DIR}
      foldersFromFilesStructure: false
"""


def render(board: Dashboard) -> str:
    """A dashboard's JSON as Grafana imports it (stable: sorted keys)."""
    text = JSONEncoder(sort_keys=True, indent=2).encode(board.build())
    return json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def dashboard_files() -> dict[str, str]:
    """Every file of exporters/dashboards: the boards and the two provisioning files."""
    files = {name: render(build()) for name, build in BOARDS.items()}
    files["provisioning/datasources/egov.yml"] = DATASOURCES
    files["provisioning/dashboards/egov.yml"] = PROVIDERS
    return files


def panel_queries(board: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, expr) of every query of a dashboard's JSON (what the Prometheus test runs)."""
    out = []
    for panel in board.get("panels", []):
        for target in panel.get("targets", []) or []:
            if target.get("expr"):
                out.append((str(panel.get("title", "")), str(target["expr"])))
    return out


def variable_queries(board: dict[str, Any]) -> list[tuple[str, str]]:
    """(variable name, query) of a dashboard's template variables."""
    variables = board.get("templating", {}).get("list", [])
    return [(str(v["name"]), str(v["query"])) for v in variables if v.get("type") == "query"]
