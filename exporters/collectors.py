"""The collectors of ``/metrics``: intent (the plan), programme (what happened), the exporter itself.

Custom collectors in client_python's way (``process_collector.py``): nothing is registered at import
time, each collector is given its data source, builds its metric families when a scrape collects
it, and answers ``describe()`` with its metric names. The intent depends only on the inventory, so
its families are built once per loaded inventory and kept with it; the programme is read fresh at
every scrape (the journal and the ledger change while the exporter runs).

Every known site, department, state and wave gets its series, zeros included, so that a query over
them never mistakes "nothing yet" for "no data".
"""

from __future__ import annotations

import datetime as dt
import platform
import threading
from collections.abc import Iterable, Iterator
from importlib import metadata
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector

from exporters.catalogue import BY_NAME, EXPORTER, INTENT, METRICS, PROGRAMME, MetricDef
from exporters.source import InventorySource, Loaded
from network.devices.names import expand
from network.inventory.model import Level, format_bandwidth
from network.migration.lifecycle import State
from network.programme.progress import Progress
from network.programme.sources import read_snapshot
from network.rollout.journal import STATES as ROLLOUT_STATES
from network.state import JOURNAL_FILE, LEDGER_FILE, SERVICES_FILE

CHINA = dt.timezone(dt.timedelta(hours=8))
BYTES = 8  # bits per byte: the inventory's bandwidths are bit/s, metrics are bytes per second


def family(defn: MetricDef) -> Metric:
    """An empty family for a catalogue entry."""
    if defn.kind == "counter":
        return CounterMetricFamily(defn.name, defn.help, labels=list(defn.labels))
    if defn.kind == "info":
        return InfoMetricFamily(defn.name, defn.help, labels=list(defn.labels))
    return GaugeMetricFamily(defn.name, defn.help, labels=list(defn.labels))


def families(names: Iterable[str]) -> dict[str, Any]:
    """Empty families by name (gauge, counter and info families differ in what ``add_metric`` takes)."""
    return {name: family(BY_NAME[name]) for name in names}


def end_of_day(day: dt.date) -> float:
    """A due date as a timestamp: the end of that day in China Standard Time."""
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=CHINA).timestamp()


def _described(group: str) -> list[Metric]:
    return [family(m) for m in METRICS if m.group == group]


class IntentCollector(Collector):
    """The plan: links and their tier targets, sites, departments, systems, waves, milestones."""

    def __init__(self, source: InventorySource) -> None:
        self.source = source

    def describe(self) -> list[Metric]:
        """The intent metrics' names (no samples)."""
        return _described(INTENT)

    def collect(self) -> Iterator[Metric]:
        """Built once per loaded inventory."""
        loaded = self.source.current
        built = loaded.cache.get("intent")
        if built is None:
            built = loaded.cache["intent"] = list(self._build(loaded))
        yield from built

    def _build(self, loaded: Loaded) -> Iterator[Metric]:
        yield from self._links(loaded)
        yield from self._sites(loaded)
        yield from self._plan(loaded)

    def _links(self, loaded: Loaded) -> Iterator[Metric]:
        inventory, county_of = loaded.inventory, loaded.intent.county_of
        out = families(
            [
                "egov_link_target_bytes_per_second",
                "egov_link_planned_capacity_bytes_per_second",
                "egov_link_endpoint",
            ]
        )
        platform = {d.hostname: d.platform for d in inventory.devices}
        for link in inventory.links:
            facts = inventory.link_facts(link)
            if facts is None:
                continue
            site = facts.served or facts.a
            labels = [link.id, site.id, site.level.value, county_of.get(site.id, ""), facts.tier.value]
            out["egov_link_planned_capacity_bytes_per_second"].add_metric(labels, link.capacity / BYTES)
            target = ""
            if facts.target is not None:
                out["egov_link_target_bytes_per_second"].add_metric(labels, facts.target / BYTES)
                target = format_bandwidth(facts.target)
            for end in (link.a, link.b):
                if_name = expand(end.interface, platform.get(end.device, ""))  # ifName: the full name
                out["egov_link_endpoint"].add_metric([link.id, end.device, if_name, *labels[1:], target], {})
        yield from out.values()

    def _sites(self, loaded: Loaded) -> Iterator[Metric]:
        out = families(["egov_sites", "egov_sites_with_devices", "egov_sites_connected", "egov_departments"])
        counts: dict[tuple[str, str], list[int]] = {}
        for facts in loaded.intent.sites:
            row = counts.setdefault((facts.site.level.value, facts.county), [0, 0, 0])
            row[0] += 1
            row[1] += bool(facts.devices)
            row[2] += facts.planned_connected
        for key, (sites, with_devices, connected) in sorted(counts.items()):
            out["egov_sites"].add_metric(list(key), sites)
            out["egov_sites_with_devices"].add_metric(list(key), with_devices)
            out["egov_sites_connected"].add_metric(list(key), connected)
        levels = loaded.intent.department_level
        for level in Level:
            n = sum(1 for d in loaded.inventory.departments if levels.get(d.id) is level)
            out["egov_departments"].add_metric([level.value], n)
        yield from out.values()

    def _plan(self, loaded: Loaded) -> Iterator[Metric]:
        inventory, moving = loaded.inventory, loaded.intent.moving
        out = families(
            [
                "egov_systems_planned", "egov_address_plan_allocations",
                "egov_migration_wave_deadline_timestamp_seconds", "egov_migration_wave_systems",
                "egov_milestone", "egov_milestone_due_timestamp_seconds", "egov_milestone_target_ratio",
                "egov_milestone_level", "egov_ipv6_services_planned",
            ]
        )  # fmt: skip
        planned = {d.id: 0 for d in inventory.departments}
        for system in inventory.systems:
            if system.id in moving:
                planned[system.department] = planned.get(system.department, 0) + 1
        for department, n in sorted(planned.items()):
            out["egov_systems_planned"].add_metric([department], n)
        sections = loaded.lock.sections() if loaded.lock else {}
        for section in ("sites", "loopbacks", "links", "lans", "tenants"):
            out["egov_address_plan_allocations"].add_metric([section], len(sections.get(section, {})))
        for wave, (deadline, systems) in sorted(_waves(loaded).items()):
            if deadline is not None:
                out["egov_migration_wave_deadline_timestamp_seconds"].add_metric([wave], end_of_day(deadline))
            out["egov_migration_wave_systems"].add_metric([wave], len(systems))
        for kind, n in loaded.intent.services.items():
            out["egov_ipv6_services_planned"].add_metric([kind], n)
        for milestone in inventory.milestones:
            labels = [milestone.id, str(milestone.task)]
            out["egov_milestone"].add_metric([*labels, milestone.title, milestone.metric.name], {})
            out["egov_milestone_due_timestamp_seconds"].add_metric(labels, end_of_day(milestone.due))
            out["egov_milestone_target_ratio"].add_metric(labels, milestone.target)
            if milestone.metric.name == "sites_connected_ratio":
                for level in loaded.intent.tiered_levels(milestone.metric):
                    out["egov_milestone_level"].add_metric([*labels, level.value], {})
        yield from out.values()


def _waves(loaded: Loaded) -> dict[str, tuple[dt.date | None, list[str]]]:
    """Wave (as a label) -> (its latest deadline, the moving systems in it)."""
    built: dict[str, tuple[dt.date | None, list[str]]] | None = loaded.cache.get("waves")
    if built is not None:
        return built
    out: dict[str, tuple[dt.date | None, list[str]]] = {}
    for system in loaded.inventory.systems:
        if system.id not in loaded.intent.moving or system.migration.wave is None:
            continue
        wave = str(system.migration.wave)
        deadline, members = out.get(wave, (None, []))
        due = system.migration.deadline
        if due is not None and (deadline is None or due > deadline):
            deadline = due
        out[wave] = (deadline, [*members, system.id])
    loaded.cache["waves"] = out
    return out


class ProgrammeCollector(Collector):
    """What has happened: IPv6 per site, rollout states, departments, private networks, systems,
    waves, milestones — read from the rollout journal and the migration ledger at every scrape."""

    def __init__(self, source: InventorySource) -> None:
        self.source = source

    def describe(self) -> list[Metric]:
        """The programme metrics' names (no samples)."""
        return _described(PROGRAMME)

    def collect(self) -> Iterator[Metric]:
        """Read the journal and the ledger (read-only), join them with the inventory."""
        loaded = self.source.current
        snapshot = read_snapshot(self.source.state_dir)
        progress = Progress(loaded.intent, snapshot)
        yield from self._network(loaded, progress)
        yield from self._systems(loaded, progress)
        readable = families(["egov_source_readable"])["egov_source_readable"]
        for source in (JOURNAL_FILE, LEDGER_FILE, SERVICES_FILE):
            name = source.removesuffix(".sqlite").removesuffix(".json")
            readable.add_metric([name], 0 if source in snapshot.problems else 1)
        yield readable

    def _network(self, loaded: Loaded, progress: Progress) -> Iterator[Metric]:
        out = families(
            ["egov_ipv6_sites", "egov_rollout_devices", "egov_departments_connected",
             "egov_private_networks", "egov_private_networks_merged"]
        )  # fmt: skip
        ipv6: dict[tuple[str, str], int] = {}
        devices: dict[tuple[str, str, str], int] = {}
        states = progress.snapshot.devices
        for facts in loaded.intent.sites:
            key = (facts.site.level.value, facts.county)
            ipv6[key] = ipv6.get(key, 0) + progress.ipv6(facts)
            if facts.devices:
                for state in ROLLOUT_STATES:
                    devices.setdefault((state, *key), 0)
                for host in facts.devices:
                    state_key = (states.get(host, "pending"), *key)
                    devices[state_key] = devices.get(state_key, 0) + 1
        for key, n in sorted(ipv6.items()):
            out["egov_ipv6_sites"].add_metric(list(key), n)
        for key3, n in sorted(devices.items()):
            out["egov_rollout_devices"].add_metric(list(key3), n)
        levels = loaded.intent.department_level
        connected = dict.fromkeys((level.value for level in Level), 0)
        for department in loaded.inventory.departments:
            level = levels.get(department.id)
            if level is not None and progress.department_connected(department):
                connected[level.value] += 1
            if department.private_networks:
                merged = sum(progress.merged(department.id, n.id) for n in department.private_networks)
                out["egov_private_networks"].add_metric([department.id], len(department.private_networks))
                out["egov_private_networks_merged"].add_metric([department.id], merged)
        for level_name, n in connected.items():
            out["egov_departments_connected"].add_metric([level_name], n)
        yield from out.values()

    def _systems(self, loaded: Loaded, progress: Progress) -> Iterator[Metric]:
        out = families(
            [
                "egov_systems",
                "egov_migration_wave_on_cloud",
                "egov_cloud_node_ready",
                "egov_milestone_progress_ratio",
                "egov_migration_ledger_events",
                "egov_migration_ledger_chain_findings",
                "egov_migration_ledger_signed_events",
                "egov_migration_ledger_chain_anchored",
            ]
        )
        chain = progress.snapshot.chain
        if chain is not None:
            out["egov_migration_ledger_events"].add_metric([], chain.events)
            out["egov_migration_ledger_chain_findings"].add_metric([], chain.findings)
            out["egov_migration_ledger_signed_events"].add_metric([], chain.signed)
            out["egov_migration_ledger_chain_anchored"].add_metric([], 1 if chain.anchored else 0)
        counts = {(d.id, s.value): 0 for d in loaded.inventory.departments for s in State}
        state_of = {}
        for system in loaded.inventory.systems:
            state = state_of[system.id] = progress.system_state(system)
            counts[(system.department, state.value)] = counts.get((system.department, state.value), 0) + 1
        for key, n in sorted(counts.items()):
            out["egov_systems"].add_metric(list(key), n)
        for wave, (_, members) in sorted(_waves(loaded).items()):
            on_cloud = sum(1 for m in members if state_of[m].on_cloud)
            out["egov_migration_wave_on_cloud"].add_metric([wave], on_cloud)
        out["egov_cloud_node_ready"].add_metric([], 1 if progress.cloud_ready() else 0)
        for milestone in loaded.inventory.milestones:
            value = progress.metric(milestone.metric)
            out["egov_milestone_progress_ratio"].add_metric([milestone.id, str(milestone.task)], value)
        yield from out.values()


class ExporterStats:
    """What the server measures of itself: collect durations per collector, probe results."""

    def __init__(self) -> None:
        self.durations: dict[str, float] = {}
        self.probes: dict[str, int] = dict.fromkeys(("success", "failure", "timeout", "busy"), 0)
        self.lock = threading.Lock()

    def probed(self, result: str) -> None:
        """Count one probe answer."""
        with self.lock:
            self.probes[result] = self.probes.get(result, 0) + 1


class ExporterCollector(Collector):
    """The exporter's own health: build, inventory in use, reloads, collect durations, probes."""

    def __init__(self, source: InventorySource, stats: ExporterStats) -> None:
        self.source, self.stats = source, stats

    def describe(self) -> list[Metric]:
        """The exporter metrics' names (no samples)."""
        return _described(EXPORTER)

    def collect(self) -> Iterator[Metric]:
        """Build info, inventory, reloads, durations, probes."""
        loaded = self.source.current
        out = families(
            ["egov_exporter_build", "egov_exporter_inventory_loaded_timestamp_seconds",
             "egov_exporter_inventory_reload_success", "egov_exporter_inventory_records",
             "egov_exporter_collect_duration_seconds", "egov_exporter_probes"]
        )  # fmt: skip
        out["egov_exporter_build"].add_metric(
            [_version("egov-extranet"), platform.python_version(), _version("prometheus-client")], {}
        )
        out["egov_exporter_inventory_loaded_timestamp_seconds"].add_metric([], loaded.loaded_at)
        out["egov_exporter_inventory_reload_success"].add_metric([], 1 if self.source.reload_ok else 0)
        inventory = loaded.inventory
        kinds: dict[str, tuple[object, ...]] = {
            "sites": inventory.sites,
            "departments": inventory.departments,
            "devices": inventory.devices,
            "links": inventory.links,
            "systems": inventory.systems,
            "milestones": inventory.milestones,
        }
        for kind, records in kinds.items():
            out["egov_exporter_inventory_records"].add_metric([kind], len(records))
        with self.stats.lock:
            durations, probes = dict(self.stats.durations), dict(self.stats.probes)
        for collector, seconds in sorted(durations.items()):
            out["egov_exporter_collect_duration_seconds"].add_metric([collector], seconds)
        for result, n in sorted(probes.items()):
            out["egov_exporter_probes"].add_metric([result], n)
        yield from out.values()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"
