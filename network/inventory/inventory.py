"""The loaded inventory: every record of every kind, with the indexes the rules and consumers need."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from network.inventory.locate import Locator
from network.inventory.model import (
    CdnEdge,
    City,
    Department,
    Device,
    Entity,
    FlowRule,
    Level,
    Link,
    Milestone,
    NetworkZone,
    Resolver,
    Site,
    System,
    Tier,
    VpnInstance,
    Website,
    Zone,
)
from network.inventory.refs import NodeRef

_T = TypeVar("_T")

DEFAULT_TIER_TARGETS: Mapping[Tier, int] = {
    # 万兆到省、千兆到县、百兆到镇 (the plan, section 三(一)2); villages: their own on-demand figure.
    Tier.PROVINCE: 10 * 10**9,
    Tier.COUNTY: 10**9,
    Tier.TOWN: 100 * 10**6,
}

_TIER_BY_DEEPER_LEVEL = {
    Level.CITY: Tier.PROVINCE,
    Level.COUNTY: Tier.COUNTY,
    Level.TOWN: Tier.TOWN,
    Level.VILLAGE: Tier.VILLAGE,
}


def tier_between(a: Site, b: Site) -> Tier:
    """The tier of a link between two sites: named by the level it serves.

    A city's link up to the province serves the province (10G); a county's link serves the county
    (1G); a town's the town (100M); a village's the village. Links inside a site or between peers of
    one level have no tier target (``local``).
    """
    if a.id == b.id or a.level == b.level:
        return Tier.LOCAL
    deeper = a if a.level.depth > b.level.depth else b
    return _TIER_BY_DEEPER_LEVEL.get(deeper.level, Tier.LOCAL)


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """What follows from a link's endpoints: their sites, its tier, the site it serves, its target."""

    a: Site
    b: Site
    tier: Tier
    served: Site | None
    target: int | None


@dataclass(frozen=True)
class Inventory:
    """A city's inventory as loaded: records that passed the schema, plus what could not be read.

    ``broken`` holds, per kind, the keys of records that failed the schema (so rules do not report
    references to them as unknown), and ``unreadable`` the kinds whose file could not be read at all.
    """

    root: Path
    city: City | None = None
    sites: tuple[Site, ...] = ()
    departments: tuple[Department, ...] = ()
    devices: tuple[Device, ...] = ()
    links: tuple[Link, ...] = ()
    systems: tuple[System, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    websites: tuple[Website, ...] = ()
    zones: tuple[Zone, ...] = ()
    resolvers: tuple[Resolver, ...] = ()
    cdn_edges: tuple[CdnEdge, ...] = ()
    network_zones: tuple[NetworkZone, ...] = ()
    vpn_instances: tuple[VpnInstance, ...] = ()
    flows: tuple[FlowRule, ...] = ()
    broken: Mapping[str, frozenset[str]] = field(default_factory=dict)
    unreadable: frozenset[str] = frozenset()

    # --- indexes (first record wins when ids repeat; the uniqueness rules report the others) ---

    @cached_property
    def site_by_id(self) -> dict[str, Site]:
        """Sites by id."""
        return _index(self.sites, lambda s: s.id)

    @cached_property
    def device_by_hostname(self) -> dict[str, Device]:
        """Devices by hostname."""
        return _index(self.devices, lambda d: d.hostname)

    @cached_property
    def department_by_id(self) -> dict[str, Department]:
        """Departments by id."""
        return _index(self.departments, lambda d: d.id)

    @cached_property
    def system_by_id(self) -> dict[str, System]:
        """Systems by id."""
        return _index(self.systems, lambda s: s.id)

    @cached_property
    def website_by_id(self) -> dict[str, Website]:
        """Websites by id."""
        return _index(self.websites, lambda w: w.id)

    @cached_property
    def network_zone_by_id(self) -> dict[str, NetworkZone]:
        """Extranet zones (public, private, Internet access) by id."""
        return _index(self.network_zones, lambda z: z.id)

    @cached_property
    def vpn_by_name(self) -> dict[str, VpnInstance]:
        """VPN instances by name."""
        return _index(self.vpn_instances, lambda v: v.name)

    @cached_property
    def zone_of_department(self) -> dict[str, NetworkZone]:
        """The zone each department's office LANs are in (the first that lists it; rule V008 the rest)."""
        out: dict[str, NetworkZone] = {}
        for zone in self.network_zones:
            for department in zone.departments:
                out.setdefault(department, zone)
        return out

    def zone_of(self, name: str) -> Zone | None:
        """The most specific declared zone that holds DNS ``name`` (None: no zone does)."""
        name = name.rstrip(".").lower()
        best: Zone | None = None
        for zone in self.zones:
            apex = zone.name.rstrip(".")
            if (name == apex or name.endswith("." + apex)) and (
                best is None or len(apex) > len(best.name.rstrip("."))
            ):
                best = zone
        return best

    @cached_property
    def tier_targets(self) -> dict[Tier, int]:
        """Tier targets in bit/s: the plan's, overridden by the city file."""
        targets = dict(DEFAULT_TIER_TARGETS)
        if self.city is not None:
            targets.update(self.city.tier_targets)
        return targets

    @cached_property
    def _locators(self) -> dict[str, Locator | None]:
        return {}

    def position(self, at: NodeRef) -> tuple[int, int] | None:
        """Line and column (1-based) of a place in the inventory's files, read on demand."""
        if at.file not in self._locators:
            try:
                self._locators[at.file] = Locator((self.root / at.file).read_bytes())
            except OSError:
                self._locators[at.file] = None
        locator = self._locators[at.file]
        return None if locator is None else locator.position(at.path)

    def where(self, record: Entity) -> str:
        """``file:line`` of a record, for messages of later parts of the toolkit."""
        position = self.position(record.at)
        return f"{self.root / record.at.file}:{position[0] if position else '?'}"

    def could_exist(self, kind: str, key: str) -> bool:
        """True when ``key`` may be a record of ``kind`` that failed to load (do not call it unknown)."""
        return kind in self.unreadable or key in self.broken.get(kind, frozenset())

    @cached_property
    def _link_facts(self) -> dict[int, LinkFacts | None]:
        # Keyed by the link object's identity: ids may repeat in a broken inventory.
        return {id(link): self._facts(link) for link in self.links}

    def _facts(self, link: Link) -> LinkFacts | None:
        devices, sites = self.device_by_hostname, self.site_by_id
        a, b = devices.get(link.a.device), devices.get(link.b.device)
        if a is None or b is None:
            return None
        site_a, site_b = sites.get(a.site), sites.get(b.site)
        if site_a is None or site_b is None:
            return None
        tier = tier_between(site_a, site_b)
        served = None
        target = None
        if tier is not Tier.LOCAL:
            served = site_a if site_a.level.depth > site_b.level.depth else site_b
            target = served.on_demand if tier is Tier.VILLAGE else self.tier_targets.get(tier)
        return LinkFacts(site_a, site_b, tier, served, target)

    def link_facts(self, link: Link) -> LinkFacts | None:
        """The sites, tier, served site and target of a link (None when an endpoint is unknown)."""
        facts = self._link_facts.get(id(link))
        return facts if facts is not None or id(link) in self._link_facts else self._facts(link)

    def link_sites(self, link: Link) -> tuple[Site, Site] | None:
        """The sites of a link's two endpoints, when both are known."""
        facts = self.link_facts(link)
        return None if facts is None else (facts.a, facts.b)

    def tier(self, link: Link) -> Tier | None:
        """The tier of a link (None when an endpoint's site is unknown)."""
        facts = self.link_facts(link)
        return None if facts is None else facts.tier

    def tier_target(self, link: Link) -> int | None:
        """The capacity the link's tier asks for, in bit/s (None: no target or unknown)."""
        facts = self.link_facts(link)
        return None if facts is None else facts.target

    def served_site(self, link: Link) -> Site | None:
        """The deeper site of a tiered link: the one whose uplink it is."""
        facts = self.link_facts(link)
        return None if facts is None else facts.served

    @cached_property
    def uplinks(self) -> dict[str, list[Link]]:
        """Tiered links by the id of the site they serve."""
        out: dict[str, list[Link]] = {}
        for link in self.links:
            site = self.served_site(link)
            if site is not None:
                out.setdefault(site.id, []).append(link)
        return out


def _index(records: tuple[_T, ...], key_of: Callable[[_T], str]) -> dict[str, _T]:
    out: dict[str, _T] = {}
    for record in records:
        out.setdefault(key_of(record), record)
    return out
