"""Waves: which devices change together, in which order, and how many may fail before a wave stops.

``waves: auto`` (the default): 1 a canary (the city's first core device), 2 the rest of the city, then
for each county (by site id) its core sites' devices and then its towns' devices, and last each
county's villages. Waves are numbered from 1. Province devices are the province's and never change.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from network.inventory import Inventory
from network.inventory.model import Device, Level, Role, Site
from network.inventory.platforms import known_platforms
from network.rollout.config import RolloutConfig, WaveSpec


@dataclass(frozen=True)
class Wave:
    """One wave: its number (from 1), name, devices (hostnames, in order) and failure budget (percent)."""

    number: int
    name: str
    hostnames: tuple[str, ...]
    max_fail_percentage: float


@dataclass(frozen=True)
class WavePlan:
    """The waves, and the devices no wave takes (reported, never changed)."""

    waves: tuple[Wave, ...]
    left_out: tuple[str, ...]

    def wave_of(self) -> dict[str, int]:
        """Hostname -> wave number."""
        return {host: wave.number for wave in self.waves for host in wave.hostnames}


def county_of(site: Site, sites: dict[str, Site]) -> Site | None:
    """The county a site is in (itself if it is one), None above the counties."""
    current: Site | None = site
    while current is not None and current.level != Level.COUNTY:
        current = sites.get(current.parent) if current.parent else None
    return current


def eligible(inventory: Inventory) -> list[Device]:
    """Devices the rollout may change: a platform with a driver, not at a province site."""
    sites = inventory.site_by_id
    return sorted(
        (
            d
            for d in inventory.devices
            if d.platform in known_platforms() and sites[d.site].level != Level.PROVINCE
        ),
        key=lambda d: d.hostname,
    )


def plan_waves(inventory: Inventory, config: RolloutConfig) -> WavePlan:
    """The waves of an inventory under its rollout settings."""
    devices = eligible(inventory)
    if config.waves == "auto":
        return _auto(inventory, devices, config)
    return _declared(inventory, devices, config.waves, config)


def _auto(inventory: Inventory, devices: list[Device], config: RolloutConfig) -> WavePlan:
    sites = inventory.site_by_id
    budget = config.max_fail_percentage
    city = [d for d in devices if sites[d.site].level == Level.CITY]
    cores = [d for d in city if d.role == Role.CORE] or city
    groups: list[tuple[str, list[Device], float]] = []
    if cores:
        canary = cores[0]
        groups += [("canary", [canary], 0.0), ("city", [d for d in city if d is not canary], budget)]
    counties = sorted((s for s in inventory.sites if s.level == Level.COUNTY), key=lambda s: s.id)
    by_county: dict[str, dict[Level, list[Device]]] = {}
    others: list[Device] = []
    for device in devices:
        site = sites[device.site]
        county = county_of(site, sites)
        if site.level == Level.CITY:
            continue
        if county is None:
            others.append(device)
            continue
        by_county.setdefault(county.id, {}).setdefault(site.level, []).append(device)
    for county in counties:
        levels = by_county.get(county.id, {})
        groups.append((f"{county.name} ({county.id}) core", levels.get(Level.COUNTY, []), budget))
        groups.append((f"{county.name} ({county.id}) towns", levels.get(Level.TOWN, []), budget))
    for county in counties:
        villages = by_county.get(county.id, {}).get(Level.VILLAGE, [])
        groups.append((f"{county.name} ({county.id}) villages", villages, budget))
    groups.append(("others", others, budget))
    waves: list[Wave] = []
    for name, members, fail in groups:
        if members:
            waves.append(Wave(len(waves) + 1, name, tuple(d.hostname for d in members), fail))
    return WavePlan(tuple(waves), ())


def _selects(spec: WaveSpec, device: Device, inventory: Inventory) -> bool:
    sites = inventory.site_by_id
    site = sites[device.site]
    if spec.devices and not any(fnmatch.fnmatchcase(device.hostname, glob) for glob in spec.devices):
        return False
    if spec.levels and site.level not in spec.levels:
        return False
    if spec.roles and device.role not in spec.roles:
        return False
    if spec.counties:
        county = county_of(site, sites)
        if county is None or county.id not in spec.counties:
            return False
    return True


def _declared(
    inventory: Inventory, devices: list[Device], specs: tuple[WaveSpec, ...], config: RolloutConfig
) -> WavePlan:
    taken: set[str] = set()
    waves: list[Wave] = []
    for spec in specs:
        members = [d.hostname for d in devices if d.hostname not in taken and _selects(spec, d, inventory)]
        taken.update(members)
        budget = spec.max_fail_percentage
        if budget is None:
            budget = 0.0 if not waves and spec.name == "canary" else config.max_fail_percentage
        waves.append(Wave(len(waves) + 1, spec.name, tuple(members), budget))
    left_out = tuple(d.hostname for d in devices if d.hostname not in taken)
    return WavePlan(tuple(waves), left_out)
