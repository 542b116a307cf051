"""Every metric the exporter gives: one place for names, types, help and labels (docs/metrics.md follows).

Names follow prometheus.io's conventions: the ``egov_`` prefix, base units in the name (bytes,
seconds), ``_total`` for counters, ``_info`` for metadata (value 1), ``_timestamp_seconds`` for
times, ``_ratio`` for values in [0, 1]. Label sets are bounded by the inventory (links, sites,
departments, milestones, waves) or by fixed lists (levels, states), never by free text.
"""

from __future__ import annotations

from dataclasses import dataclass

INTENT, PROGRAMME, PROBE, SERVICES, EXPORTER = "intent", "programme", "probe", "services", "exporter"


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
    _m("egov_ipv6_services_planned", "gauge", "kind", INTENT,
       "Services m04-dns-cdn measures, per kind (website, zone, resolver, cdn_edge): what is to answer over "
       "IPv6."),
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
    _m("egov_migration_ledger_events", "gauge", "", PROGRAMME,
       "Events in the migration ledger's log."),
    _m("egov_migration_ledger_chain_findings", "gauge", "", PROGRAMME,
       "Events or checkpoints the ledger's SM3 chain and SM2 signatures show were changed (0: intact)."),
    _m("egov_migration_ledger_signed_events", "gauge", "", PROGRAMME,
       "Events covered by the last SM2-signed checkpoint (its sequence number; 0: none signed)."),
    _m("egov_migration_ledger_chain_anchored", "gauge", "", PROGRAMME,
       "1 when the checkpoints were verified with the operator's public key (EGOV_LEDGER_SM2_PUBLIC_KEY)."),
    _m("egov_cloud_node_ready", "gauge", "", PROGRAMME,
       "1 when the city's cloud node is declared and hosts a provisioned system."),
    _m("egov_milestone_progress_ratio", "gauge", "milestone task", PROGRAMME,
       "The milestone's metric now, in [0, 1]."),
    _m("egov_source_readable", "gauge", "source", PROGRAMME,
       "1 when the rollout journal, the migration ledger or the IPv6 services measurement (source "
       "ipv6-services) could be read (or does not exist yet), 0 otherwise."),
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
    # --- services: a website, zone, resolver or CDN edge over each family (/probe?module=ipv6_*) ---
    _m("egov_web_up", "gauge", "family", SERVICES,
       "1 when the home page answered over the family (from its A or AAAA address only: no fallback)."),
    _m("egov_web_dns_record", "gauge", "type", SERVICES,
       "1 when the extranet resolver gave the host's A (asked over IPv4) or AAAA (asked over IPv6)."),
    _m("egov_web_ipv6_ready", "gauge", "", SERVICES,
       "1 when the site is IPv6-ready: AAAA, home page over IPv6, the same content as over IPv4."),
    _m("egov_web_ipv6_score", "gauge", "", SERVICES,
       "The site's IPv6 score, 0-100 points: the indicators weighted as docs/services.md says."),
    _m("egov_web_ipv6_indicator_ratio", "gauge", "indicator", SERVICES,
       "Each indicator of the score in [0, 1] (aaaa, delegation, home_v6, success_rate, same_content, "
       "links_l2, links_l3, latency)."),
    _m("egov_web_ipv6_success_ratio", "gauge", "", SERVICES,
       "Share of the repeated IPv6 home-page probes that succeeded."),
    _m("egov_web_same_content", "gauge", "", SERVICES,
       "1 when the home page's bytes are the same over IPv4 and IPv6."),
    _m("egov_web_links", "gauge", "level", SERVICES,
       "Links found at crawl level 2 or 3 (the home page is 1)."),
    _m("egov_web_ipv6_links", "gauge", "level", SERVICES,
       "Links of that level whose page answered over IPv6."),
    _m("egov_web_phase_seconds", "gauge", "family phase", SERVICES,
       "Time of a phase over a family: dns (resolution), connect (TCP), first_byte, total (the home page)."),
    _m("egov_web_ipv6_latency_ratio", "gauge", "phase", SERVICES,
       "IPv6 time over IPv4 time for the phase (above 1: IPv6 slower)."),
    _m("egov_web_delegation_complete", "gauge", "", SERVICES,
       "1 when the site's zone has a complete IPv6 delegation (see egov_dns_zone_ipv6_complete)."),
    _m("egov_web_crawl_complete", "gauge", "", SERVICES,
       "0 when the deadline cut the crawl short: the answer holds what was measured by then."),
    _m("egov_web_probe_requests", "gauge", "protocol", SERVICES,
       "What the probe cost: HTTPS requests (protocol https) and DNS queries (dns) it sent."),
    _m("egov_dns_zone_ipv6_complete", "gauge", "", SERVICES,
       "1 when the parent answers over IPv6 with AAAA glue for every in-zone name server and every name "
       "server answers authoritatively over IPv6."),
    _m("egov_dns_zone_parent_ipv6", "gauge", "", SERVICES, "1 when a parent server answered over IPv6."),
    _m("egov_dns_zone_nameservers", "gauge", "", SERVICES, "Name servers the parent delegates the zone to."),
    _m("egov_dns_zone_nameservers_ipv6", "gauge", "", SERVICES,
       "Name servers that answered authoritatively over IPv6."),
    _m("egov_dns_zone_glue_aaaa", "gauge", "", SERVICES,
       "In-zone name servers with AAAA glue from the parent."),
    _m("egov_dns_zone_nameservers_in_zone", "gauge", "", SERVICES,
       "Name servers inside the zone (they need glue)."),
    _m("egov_dns_resolver_up", "gauge", "family", SERVICES,
       "1 when the resolver answered a recursive query over the family (0 when it has no address in it)."),
    _m("egov_dns_resolver_seconds", "gauge", "family", SERVICES, "How long the resolver took to answer."),
    _m("egov_cdn_edge_up", "gauge", "family", SERVICES,
       "1 when the edge serves every CDN site over the family with the origin's content."),
    _m("egov_cdn_edge_sites_served", "gauge", "family", SERVICES,
       "CDN sites the edge served over the family with the origin's content."),
    _m("egov_cdn_sites", "gauge", "", SERVICES, "Websites the city serves through its CDN."),
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
