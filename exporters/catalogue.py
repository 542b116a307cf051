"""Every metric the exporter gives: one place for names, types, help and labels (docs/metrics.md follows).

Names follow prometheus.io's conventions: the ``egov_`` prefix, base units in the name (bytes,
seconds), ``_total`` for counters, ``_info`` for metadata (value 1), ``_timestamp_seconds`` for
times, ``_ratio`` for values in [0, 1]. Label sets are bounded by the inventory (links, sites,
departments, milestones, waves) or by fixed lists (levels, states), never by free text.
"""

from __future__ import annotations

from dataclasses import dataclass

INTENT, PROGRAMME, PROBE, EXPORTER = "intent", "programme", "probe", "exporter"


@dataclass(frozen=True)
class MetricDef:
    """A metric: its full name (counters without ``_total``, as client_python wants them), type, help."""

    name: str
    kind: str  # gauge, counter, info
    help: str
    labels: tuple[str, ...]
    group: str

    @property
    def exposed(self) -> str:
        """The name as it appears in the exposition (``_total`` / ``_info`` added)."""
        return self.name + {"counter": "_total", "info": "_info"}.get(self.kind, "")


def _m(name: str, kind: str, labels: str, group: str, help_text: str) -> MetricDef:
    return MetricDef(name, kind, help_text, tuple(labels.split()) if labels else (), group)


METRICS: tuple[MetricDef, ...] = (
    # --- intent: the inventory and the address plan ---------------------------------------------
    _m("egov_link_target_bytes_per_second", "gauge", "link site level county tier", INTENT,
       "Bandwidth the link's tier asks for (10G province, 1G county, 100M town, on demand village)."),
    _m("egov_link_planned_capacity_bytes_per_second", "gauge", "link site level county tier", INTENT,
       "Capacity the inventory plans for the link (links.yaml capacity)."),
    _m("egov_link_endpoint", "info", "link device interface site level county tier target", INTENT,
       "One end of a link: the device and its interface named in full, as IF-MIB's ifName, with the link's "
       "served site, level, county, tier and tier target (joins snmp_exporter's series to links)."),
    _m("egov_sites", "gauge", "level county", INTENT, "Sites of the extranet per level and county."),
    _m("egov_sites_with_devices", "gauge", "level county", INTENT,
       "Sites that have devices in the inventory."),
    _m("egov_sites_connected", "gauge", "level county", INTENT,
       "Sites with an uplink planned at or above its tier target."),
    _m("egov_departments", "gauge", "level", INTENT, "Departments per level of their site."),
    _m("egov_systems_planned", "gauge", "department", INTENT,
       "Business systems of a department that are to run on the cloud (non-classified, moving)."),
    _m("egov_address_plan_allocations", "gauge", "section", INTENT,
       "Allocations in the IPv6 address lock per section (sites, loopbacks, links, lans, tenants)."),
    _m("egov_migration_wave_deadline_timestamp_seconds", "gauge", "wave", INTENT,
       "Deadline of a migration wave (the latest of its systems' deadlines), end of that day UTC+8."),
    _m("egov_migration_wave_systems", "gauge", "wave", INTENT, "Systems of a wave that are to move."),
    _m("egov_milestone", "info", "milestone task title metric", INTENT, "A dated task of the city's plan."),
    _m("egov_milestone_due_timestamp_seconds", "gauge", "milestone task", INTENT,
       "When the milestone is due (end of its day, UTC+8)."),
    _m("egov_milestone_target_ratio", "gauge", "milestone task", INTENT,
       "The value of the milestone's metric that completes it."),
    _m("egov_milestone_level", "info", "milestone task level", INTENT,
       "A level whose sites a tier milestone (sites_connected_ratio) counts: its observed progress is "
       "the share of those sites with an uplink observed at or above its tier target."),
    # --- programme: the rollout journal, the migration ledger -----------------------------------
    _m("egov_ipv6_sites", "gauge", "level county", PROGRAMME,
       "Sites whose every device is done in the IPv6 rollout journal (dual-stack)."),
    _m("egov_rollout_devices", "gauge", "state level county", PROGRAMME,
       "Devices per IPv6 rollout state (pending, running, done, failed, rolled_back)."),
    _m("egov_departments_connected", "gauge", "level", PROGRAMME,
       "Departments on the extranet (departments.yaml, or their LAN's onboarding done)."),
    _m("egov_private_networks", "gauge", "department", PROGRAMME,
       "A department's private business networks."),
    _m("egov_private_networks_merged", "gauge", "department", PROGRAMME,
       "Private business networks cut over onto the extranet."),
    _m("egov_systems", "gauge", "department state", PROGRAMME,
       "Business systems per department and migration state (every state, zeros included)."),
    _m("egov_migration_wave_on_cloud", "gauge", "wave", PROGRAMME,
       "Systems of a wave cut over or finalized."),
    _m("egov_cloud_node_ready", "gauge", "", PROGRAMME,
       "1 when the city's cloud node is declared and hosts a provisioned system."),
    _m("egov_milestone_progress_ratio", "gauge", "milestone task", PROGRAMME,
       "The milestone's metric now, in [0, 1]."),
    _m("egov_source_readable", "gauge", "source", PROGRAMME,
       "1 when the rollout journal or migration ledger could be read (or does not exist yet), 0 otherwise."),
    # --- probe: one device, observed through its driver -----------------------------------------
    _m("egov_device_up", "gauge", "", PROBE, "1 when the device answered the probe within its deadline."),
    _m("egov_probe_duration_seconds", "gauge", "", PROBE, "How long the probe took."),
    _m("egov_probe_timed_out", "gauge", "", PROBE, "1 when the probe was cut off at its deadline."),
    _m("egov_interface_up", "gauge", "interface link", PROBE, "1 when the interface's line protocol is up."),
    _m("egov_interface_speed_bytes_per_second", "gauge", "interface", PROBE, "The interface's speed."),
    _m("egov_link_capacity_bytes_per_second", "gauge", "link interface", PROBE,
       "Observed capacity of a link at this end: its interface's speed."),
    _m("egov_interface_received_bytes", "counter", "interface link", PROBE, "Octets received."),
    _m("egov_interface_transmitted_bytes", "counter", "interface link", PROBE, "Octets sent."),
    _m("egov_interface_receive_errors", "counter", "interface link", PROBE, "Input errors."),
    _m("egov_interface_transmit_errors", "counter", "interface link", PROBE, "Output errors."),
    _m("egov_interface_ipv6_address", "info", "interface address prefix_length state", PROBE,
       "An IPv6 address configured on the interface and its duplicate-address state."),
    _m("egov_device_ipv6_addresses", "gauge", "state", PROBE,
       "The device's global IPv6 addresses per state (preferred, tentative, duplicate)."),
    # --- the exporter itself --------------------------------------------------------------------
    _m("egov_exporter_build", "info", "version python prometheus_client", EXPORTER, "The exporter's build."),
    _m("egov_exporter_inventory_loaded_timestamp_seconds", "gauge", "", EXPORTER,
       "When the inventory in use was loaded."),
    _m("egov_exporter_inventory_reload_success", "gauge", "", EXPORTER,
       "1 when the last reload attempt succeeded (a failed one keeps the previous inventory)."),
    _m("egov_exporter_inventory_records", "gauge", "kind", EXPORTER, "Records of the inventory in use."),
    _m("egov_exporter_collect_duration_seconds", "gauge", "collector", EXPORTER,
       "How long each collector took at the previous scrape."),
    _m("egov_exporter_probes", "counter", "result", EXPORTER,
       "Probes answered, by result (success, failure, timeout, busy)."),
)  # fmt: skip

BY_NAME = {m.name: m for m in METRICS}
