"""What is done, per site, department and system, and every milestone's metric as a ratio.

Intent comes from the inventory (and the address lock); what has happened comes from a
:class:`~network.programme.sources.Snapshot` of the rollout journal and the migration ledger.

- A site is *connected* when one of its uplinks is planned at or above its tier target (sites of the
  top level have no uplink to meet and are left out of that count).
- A site is *IPv6-enabled* when it has devices and every one of them is ``done`` in the rollout journal.
- A department is *connected* when departments.yaml says so, or its LAN's onboarding ended done.
- A private network is *merged* when its cutover (``private_network_cutover.yml``) ended done.
- A system is *on the cloud* when cut over or finalized in the ledger.
- A website, zone, resolver or CDN edge is *IPv6-ready* when the last recorded measurement
  (``egov ipv6 check --record``) found it so: nothing is counted from the plan alone, and nothing
  measured means nothing ready (Prometheus's rules measure the same from the probes).
- The cloud node is *ready* when the city declares one and the ledger has a system provisioned on it.

A metric whose scope is empty is 1.0: there is nothing left to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from network.inventory import Inventory
from network.inventory.model import Department, Level, MetricBinding, Site, System
from network.migration.ledger import initial_state
from network.migration.lifecycle import State, reached
from network.programme.sources import Snapshot


@dataclass(frozen=True)
class SiteFacts:
    """A site, the county it lies in ('' above county level), its devices, and whether it meets its tier."""

    site: Site
    county: str
    devices: tuple[str, ...]
    planned_connected: bool


class Intent:
    """What the inventory plans, computed once per inventory (the exporter keeps it between scrapes)."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    @cached_property
    def county_of(self) -> dict[str, str]:
        """Site id -> the id of the county it lies in ('' for city and province sites)."""
        out: dict[str, str] = {}
        by_id = self.inventory.site_by_id
        for site in self.inventory.sites:
            here: Site | None = site
            for _ in range(8):
                if here is None or here.level is Level.COUNTY:
                    break
                here = by_id.get(here.parent) if here.parent else None
            out[site.id] = here.id if here is not None and here.level is Level.COUNTY else ""
        return out

    @cached_property
    def sites(self) -> list[SiteFacts]:
        """Every site with its county, devices and planned connection."""
        devices: dict[str, list[str]] = {}
        for device in self.inventory.devices:
            devices.setdefault(device.site, []).append(device.hostname)
        out = []
        for site in self.inventory.sites:
            uplinks = self.inventory.uplinks.get(site.id, [])
            meets = any(
                (target := self.inventory.tier_target(link)) is None or link.capacity >= target
                for link in uplinks
            )
            out.append(SiteFacts(site, self.county_of[site.id], tuple(devices.get(site.id, ())), meets))
        return out

    @cached_property
    def top_level(self) -> Level:
        """The highest level present (its sites have no uplink to meet)."""
        return min((s.level for s in self.inventory.sites), key=lambda level: level.depth, default=Level.CITY)

    def tiered_levels(self, binding: MetricBinding) -> list[Level]:
        """The levels whose sites a tier milestone counts: its levels (all without), never the top one."""
        chosen = binding.levels or tuple(Level)
        return [level for level in Level if level in chosen and level is not self.top_level]

    @cached_property
    def department_level(self) -> dict[str, Level]:
        """Department id -> the level of its site."""
        by_id = self.inventory.site_by_id
        return {d.id: by_id[d.site].level for d in self.inventory.departments if d.site in by_id}

    @cached_property
    def services(self) -> dict[str, int]:
        """Kind -> how many the IPv6 services milestone measures (websites, zones, resolvers, edges)."""
        inventory = self.inventory
        return {
            "website": len(inventory.websites),
            "zone": len(inventory.zones),
            "resolver": len(inventory.resolvers),
            "cdn_edge": len(inventory.cdn_edges),
        }

    @cached_property
    def moving(self) -> frozenset[str]:
        """Systems that are to run on the cloud (the rest stay: classified, retained, retired)."""
        return frozenset(
            s.id
            for s in self.inventory.systems
            if initial_state(s)[0] is State.NOT_STARTED and s.migration.target.value == "cloud"
        )


class Progress:
    """Intent joined with a snapshot of what happened."""

    def __init__(self, intent: Intent, snapshot: Snapshot) -> None:
        self.intent, self.snapshot = intent, snapshot
        self.inventory = intent.inventory

    def ipv6(self, facts: SiteFacts) -> bool:
        """Every device of the site is done in the rollout journal."""
        states = self.snapshot.devices
        return bool(facts.devices) and all(states.get(host) == "done" for host in facts.devices)

    def department_connected(self, department: Department) -> bool:
        """Connected in departments.yaml, or its onboarding ended done."""
        return department.access.state == "connected" or department.id in self.snapshot.onboarded

    def system_state(self, system: System) -> State:
        """The ledger's state, else the state the ledger would start it in."""
        return self.snapshot.systems.get(system.id) or initial_state(system)[0]

    def merged(self, department: str, network: str) -> bool:
        """The private network's cutover ended done."""
        return (department, network) in self.snapshot.merged

    def cloud_ready(self) -> bool:
        """The city declares a cloud node and the ledger has a system provisioned on it."""
        city = self.inventory.city
        return bool(city and city.cloud) and any(
            reached(s, State.PROVISIONED) for s in self.snapshot.systems.values()
        )

    # --- milestone metrics ---------------------------------------------------------------------

    def metric(self, binding: MetricBinding) -> float:
        """The value in [0, 1] of a milestone's metric over its scope (1.0 for an empty scope)."""
        handler = getattr(self, f"_{binding.name}", None)
        if handler is None:
            raise ValueError(f"unknown metric {binding.name!r}")
        done, total = handler(binding)
        return 1.0 if total == 0 else done / total

    def _departments_connected_ratio(self, binding: MetricBinding) -> tuple[int, int]:
        levels = self.intent.department_level
        chosen = [
            d for d in self.inventory.departments
            if (not binding.levels or levels.get(d.id) in binding.levels)
            and (not binding.departments or d.id in binding.departments)
        ]  # fmt: skip
        return sum(1 for d in chosen if self.department_connected(d)), len(chosen)

    def _sites_connected_ratio(self, binding: MetricBinding) -> tuple[int, int]:
        levels = self.intent.tiered_levels(binding)
        chosen = [f for f in self.intent.sites if f.site.level in levels]
        return sum(1 for f in chosen if f.planned_connected), len(chosen)

    def _ipv6_sites_ratio(self, binding: MetricBinding) -> tuple[int, int]:
        chosen = [
            f
            for f in self.intent.sites
            if f.devices and (not binding.levels or f.site.level in binding.levels)
        ]
        return sum(1 for f in chosen if self.ipv6(f)), len(chosen)

    def _scoped_systems(self, binding: MetricBinding) -> list[System]:
        return [
            s for s in self.inventory.systems
            if (not binding.systems or s.id in binding.systems)
            and (not binding.departments or s.department in binding.departments)
        ]  # fmt: skip

    def _ipv6_services_ratio(self, _: MetricBinding) -> tuple[int, int]:
        planned = self.intent.services
        measured = self.snapshot.services
        passing = measured.passing if measured is not None else {}
        return sum(min(passing.get(k, 0), n) for k, n in planned.items()), sum(planned.values())

    def _systems_on_cloud_ratio(self, binding: MetricBinding) -> tuple[int, int]:
        chosen = [s for s in self._scoped_systems(binding) if s.id in self.intent.moving]
        return sum(1 for s in chosen if self.system_state(s).on_cloud), len(chosen)

    def _private_networks_merged_ratio(self, binding: MetricBinding) -> tuple[int, int]:
        networks = [
            (d.id, n.id) for d in self.inventory.departments
            if not binding.departments or d.id in binding.departments
            for n in d.private_networks
        ]  # fmt: skip
        return sum(1 for pair in networks if self.merged(*pair)), len(networks)

    def _cloud_node_ready(self, _: MetricBinding) -> tuple[int, int]:
        return int(self.cloud_ready()), 1


def count_by(items: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """How many times each key occurs."""
    out: dict[tuple[str, ...], int] = {}
    for key in items:
        out[key] = out.get(key, 0) + 1
    return out
