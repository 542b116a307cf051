"""Services: websites name known systems and lie in declared zones; zones are served in both families."""

from __future__ import annotations

from collections.abc import Iterator

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.model import MOVING_STRATEGIES, Classification, Target, Website, Zone

IPV6_NAME_SERVERS = 2  # Zonemaster's count: at least two name servers reachable over IPv6


def on_cloud(inv: Inventory, website: Website) -> bool:
    """True when the system serving ``website`` is to run on the cloud (its addresses come from the lock)."""
    system = inv.system_by_id.get(website.system or "")
    return (
        system is not None
        and system.classification is Classification.NON_CLASSIFIED
        and system.migration.target is Target.CLOUD
        and system.migration.strategy in MOVING_STRATEGIES
    )


def check(inv: Inventory) -> Iterator[Finding]:
    """N001–N009."""
    for zone in inv.zones:
        yield from _zone(zone)
    hosts: dict[str, Website] = {}
    for website in inv.websites:
        yield from _website(inv, website)
        first = hosts.setdefault(website.host.rstrip("."), website)
        if first is not website:
            yield Finding(
                "N007",
                f"website {website.id} has host {website.host}, as website {first.id} does",
                website.at.child("host"),
                hint="one record per host name: merge them or rename one",
            )
    for kind, records in (("resolver", inv.resolvers), ("CDN edge", inv.cdn_edges)):
        for record in records:
            if record.site not in inv.site_by_id and not inv.could_exist("sites", record.site):
                yield Finding(
                    "N002",
                    f"{kind} {record.id} is at site {record.site!r}, which is not a site",
                    record.at.child("site"),
                    hint="add the site to sites.yaml",
                )
            if record.ipv6 is None:
                yield Finding(
                    "N008",
                    f"{kind} {record.id} has no IPv6 address",
                    record.at,
                    hint="give it `ipv6:`: the extranet is dual-stack (task 4)",
                )
    if any(w.cdn for w in inv.websites) and not inv.cdn_edges:
        first_cdn = next(w for w in inv.websites if w.cdn)
        yield Finding(
            "N009",
            f"website {first_cdn.id} is served through the CDN, but no CDN edge is declared",
            first_cdn.at.child("cdn"),
            hint="declare the edges in cdn_edges.yaml, or set `cdn: false`",
        )


def _zone(zone: Zone) -> Iterator[Finding]:
    names = {s.name.rstrip(".") for s in zone.servers}
    if zone.primary.rstrip(".") not in names:
        yield Finding(
            "N005",
            f"zone {zone.name}: primary {zone.primary} is not one of its name servers",
            zone.at.child("primary"),
            hint=f"name one of {', '.join(sorted(names))}",
        )
    families = {a.version for s in zone.servers for a in s.addresses()}
    for version in (4, 6):
        if version not in families:
            yield Finding(
                "N003",
                f"zone {zone.name} has no name server with an IPv{version} address",
                zone.at.child("servers"),
                hint=f"give its name servers `ipv{version}:` addresses (resolvers of each family ask them)",
            )
    v6 = sum(1 for s in zone.servers if s.ipv6 is not None)
    if 0 < v6 < IPV6_NAME_SERVERS:
        yield Finding(
            "N004",
            f"zone {zone.name} has {v6} name server with IPv6; Zonemaster asks for {IPV6_NAME_SERVERS}",
            zone.at.child("servers"),
            hint="add a second name server with an IPv6 address, on another network",
        )
    apex = zone.name.rstrip(".")
    for i, server in enumerate(zone.servers):
        name = server.name.rstrip(".")
        if (name == apex or name.endswith("." + apex)) and not server.addresses():
            yield Finding(
                "N006",
                f"zone {zone.name}: name server {server.name} lies in the zone and has no address (no glue)",
                zone.at.child("servers", i),
                hint="give it ipv4: and ipv6: addresses: the parent needs them as glue",
            )


def _website(inv: Inventory, website: Website) -> Iterator[Finding]:
    if website.department not in inv.department_by_id and not inv.could_exist(
        "departments", website.department
    ):
        yield Finding(
            "N002",
            f"website {website.id} belongs to {website.department!r}, which is not a department",
            website.at.child("department"),
            hint="add the department to departments.yaml",
        )
    if website.system is not None and (
        website.system not in inv.system_by_id and not inv.could_exist("systems", website.system)
    ):
        yield Finding(
            "N001",
            f"website {website.id} is served by {website.system!r}, which is not a system",
            website.at.child("system"),
            hint="name a system of systems.yaml",
        )
    if inv.zones and inv.zone_of(website.host) is None:
        yield Finding(
            "N010",
            f"website {website.id}: {website.host} lies in no zone of zones.yaml",
            website.at.child("host"),
            hint="declare its zone, or fix the host name",
        )
    if on_cloud(inv, website):
        if website.addresses():
            yield Finding(
                "N011",
                f"website {website.id} runs on the cloud ({website.system}) and also declares addresses",
                website.at.child("ipv4" if website.ipv4 is not None else "ipv6"),
                hint="remove ipv4:/ipv6:; the address lock gives the system's web host",
            )
    elif not website.addresses():
        yield Finding(
            "N011",
            f"website {website.id} is not served from the cloud and declares no address",
            website.at,
            hint="give it ipv4: (and ipv6:), or name the cloud system that serves it",
        )
