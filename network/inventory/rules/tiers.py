"""Tier conformance: each uplink plans at least the bandwidth of the level it serves."""

from __future__ import annotations

from collections.abc import Iterator

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.model import Level, Link, Tier, format_bandwidth


def check(inv: Inventory) -> Iterator[Finding]:
    """T001–T004."""
    for site in inv.sites:
        if site.on_demand is not None and site.level is not Level.VILLAGE:
            yield Finding(
                "T003",
                f"{site.level} {site.id} declares an on-demand bandwidth; only villages do",
                site.at.child("on_demand"),
                hint=f"a {site.level}'s uplink target is its tier's: remove `on_demand`",
            )
    for link in inv.links:
        sites = inv.link_sites(link)
        if sites is None:
            continue
        tier = inv.tier(link)
        served = inv.served_site(link)
        target = inv.tier_target(link)
        if tier is Tier.VILLAGE and target is None and served is not None:
            yield Finding(
                "T002",
                f"link {link.id} serves village {served.id}, which declares no on-demand bandwidth",
                link.at.child("capacity"),
                hint=f"add `on_demand:` (e.g. 20M) to site {served.id}",
            )
        elif target is not None and link.capacity < target and served is not None:
            yield Finding(
                "T001",
                f"link {link.id} plans {format_bandwidth(link.capacity)} for {served.level} "
                f"{served.id} ({served.name}); the {tier} tier needs {format_bandwidth(target)}",
                link.at.child("capacity"),
                hint=f"raise `capacity` to at least {format_bandwidth(target)}",
            )
        yield from _port_speeds(inv, link)


def _port_speeds(inv: Inventory, link: Link) -> Iterator[Finding]:
    for end in (link.a, link.b):
        device = inv.device_by_hostname.get(end.device)
        if device is None:
            continue
        port = next((i for i in device.interfaces if i.name == end.interface), None)
        if port is not None and port.speed is not None and link.capacity > port.speed:
            yield Finding(
                "T004",
                f"link {link.id} plans {format_bandwidth(link.capacity)} but "
                f"{device.hostname} {port.name} is a {format_bandwidth(port.speed)} port",
                link.at.child("capacity"),
                hint="use a faster port or plan less capacity",
            )
