"""The loaded inventory: every record of every kind, with the indexes the rules and consumers need."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from network.inventory.model import (
    City,
    Department,
    Device,
    Level,
    Link,
    Milestone,
    Site,
    System,
    Tier,
)

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
    def tier_targets(self) -> dict[Tier, int]:
        """Tier targets in bit/s: the plan's, overridden by the city file."""
        targets = dict(DEFAULT_TIER_TARGETS)
        if self.city is not None:
            targets.update(self.city.tier_targets)
        return targets

    def could_exist(self, kind: str, key: str) -> bool:
        """True when ``key`` may be a record of ``kind`` that failed to load (do not call it unknown)."""
        return kind in self.unreadable or key in self.broken.get(kind, frozenset())

    def link_sites(self, link: Link) -> tuple[Site, Site] | None:
        """The sites of a link's two endpoints, when both are known."""
        a = self.device_by_hostname.get(link.a.device)
        b = self.device_by_hostname.get(link.b.device)
        if a is None or b is None:
            return None
        site_a, site_b = self.site_by_id.get(a.site), self.site_by_id.get(b.site)
        if site_a is None or site_b is None:
            return None
        return site_a, site_b

    def tier(self, link: Link) -> Tier | None:
        """The tier of a link (None when an endpoint's site is unknown)."""
        sites = self.link_sites(link)
        return None if sites is None else tier_between(*sites)

    def tier_target(self, link: Link) -> int | None:
        """The capacity the link's tier asks for, in bit/s (None: no target or unknown)."""
        sites = self.link_sites(link)
        if sites is None:
            return None
        tier = tier_between(*sites)
        if tier is Tier.VILLAGE:
            village = sites[0] if sites[0].level is Level.VILLAGE else sites[1]
            return village.on_demand
        return self.tier_targets.get(tier)

    def served_site(self, link: Link) -> Site | None:
        """The deeper site of a tiered link: the one whose uplink it is."""
        sites = self.link_sites(link)
        if sites is None or tier_between(*sites) is Tier.LOCAL:
            return None
        a, b = sites
        return a if a.level.depth > b.level.depth else b

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
