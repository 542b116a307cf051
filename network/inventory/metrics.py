"""The metrics milestones can be bound to; later parts of the toolkit compute them.

Each metric is a ratio in [0, 1] (1 = done). A milestone names one and narrows it with a scope.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """A milestone metric: its name, what it measures and which scope keys it takes."""

    name: str
    description: str
    scopes: frozenset[str] = frozenset()


# Metrics that were replaced: an inventory still naming one is told what to write instead.
REPLACED: dict[str, str] = {
    "ipv6_systems_ratio": "ipv6_services_ratio (the websites, zones, resolvers and CDN edges measured over "
    "IPv6; it takes no scope)",
}

METRICS: dict[str, MetricSpec] = {
    spec.name: spec
    for spec in (
        MetricSpec(
            "departments_connected_ratio",
            "departments whose office LAN is on the extranet, of those at sites of the given levels",
            frozenset({"levels", "departments"}),
        ),
        MetricSpec(
            "sites_connected_ratio",
            "sites of the given levels with an uplink that meets its tier target",
            frozenset({"levels"}),
        ),
        MetricSpec(
            "ipv6_sites_ratio",
            "sites of the given levels whose devices run dual-stack (from the rollout journal)",
            frozenset({"levels"}),
        ),
        MetricSpec(
            "ipv6_services_ratio",
            "websites, DNS zones, resolvers and CDN edges measured answering over IPv6 (the prober)",
        ),
        MetricSpec(
            "private_networks_merged_ratio",
            "departments' private business networks cut over onto the extranet",
            frozenset({"departments"}),
        ),
        MetricSpec("cloud_node_ready", "the city's government cloud node is built (0 or 1)"),
        MetricSpec(
            "systems_on_cloud_ratio",
            "non-classified systems running on the cloud (migrated and cut over, or built there)",
            frozenset({"departments", "systems"}),
        ),
    )
}
