"""The DNS records a city's zones hold, planned from the inventory and the address lock.

Per zone: its SOA and NS records, glue for name servers inside it, and an A and an AAAA record per
website (a cloud-hosted site's from the lock's ``web`` host of its system, any other site's as
declared). The parent's side of each delegation (NS and glue) is planned too: it is what the city
asks the province to hold, and what the services lab serves as the parent.

Nothing here reads the network: it is pure planning, used by the zone files, the services lab and
the prober (which compares what DNS answers with what was planned).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address, ip_address

from network.addressing.lock import Lock
from network.inventory import Finding, Inventory
from network.inventory.model import NameServer, Website, Zone
from network.inventory.rules.services import on_cloud


def fqdn(name: str) -> str:
    """``name`` absolute and lower case (one trailing dot)."""
    return name.rstrip(".").lower() + "."


@dataclass(frozen=True, order=True)
class Record:
    """One resource record: owner (absolute), type, data (presentation format)."""

    owner: str
    rtype: str
    data: str


@dataclass(frozen=True)
class PlannedSite:
    """A website's planned addresses (None where a family is not planned)."""

    website: Website
    ipv4: IPv4Address | None
    ipv6: IPv6Address | None
    source: str  # "lock" or "declared"


@dataclass
class ZonePlan:
    """What one zone holds (without its SOA serial, which the zone file keeps)."""

    zone: Zone
    records: list[Record] = field(default_factory=list)

    @property
    def origin(self) -> str:
        """The zone's apex, absolute."""
        return fqdn(self.zone.name)


def site_addresses(inventory: Inventory, lock: Lock | None, website: Website) -> PlannedSite:
    """Where ``website`` is planned to answer: the lock's web host when its system runs on the cloud."""
    if on_cloud(inventory, website) and website.system is not None:
        host = (lock.hosts.get(website.system, {}) if lock else {}).get("web")
        if host is None:
            return PlannedSite(website, None, None, "lock")
        v4, v6 = host
        return PlannedSite(website, IPv4Address(v4) if v4 is not None else None, IPv6Address(v6), "lock")
    v4_declared = website.ipv4 if isinstance(website.ipv4, IPv4Address) else None
    v6_declared = website.ipv6 if isinstance(website.ipv6, IPv6Address) else None
    return PlannedSite(website, v4_declared, v6_declared, "declared")


def planned_sites(inventory: Inventory, lock: Lock | None) -> dict[str, PlannedSite]:
    """Website id -> its planned addresses."""
    return {w.id: site_addresses(inventory, lock, w) for w in inventory.websites}


def _in_zone(name: str, zone: Zone) -> bool:
    apex = zone.name.rstrip(".")
    name = name.rstrip(".")
    return name == apex or name.endswith("." + apex)


def _address_records(owner: str, addresses: tuple[object, ...]) -> Iterator[Record]:
    for value in addresses:
        address = ip_address(str(value))
        yield Record(owner, "A" if address.version == 4 else "AAAA", str(address))


def plan_zones(inventory: Inventory, lock: Lock | None) -> dict[str, ZonePlan]:
    """Zone name (absolute) -> its records, for every zone of zones.yaml."""
    plans = {fqdn(z.name): ZonePlan(z) for z in inventory.zones}
    for plan in plans.values():
        zone = plan.zone
        for server in zone.servers:
            plan.records.append(Record(plan.origin, "NS", fqdn(server.name)))
            if _in_zone(server.name, zone):
                plan.records.extend(_address_records(fqdn(server.name), server.addresses()))
    for site in planned_sites(inventory, lock).values():
        holder = inventory.zone_of(site.website.host)
        if holder is None:
            continue
        owner = fqdn(site.website.host)
        plans[fqdn(holder.name)].records.extend(
            _address_records(owner, tuple(a for a in (site.ipv4, site.ipv6) if a is not None))
        )
    # A child zone declared here is delegated from its parent zone when that is declared too.
    for plan in plans.values():
        parent = _parent_plan(plans, plan.zone)
        if parent is not None:
            parent.records.extend(delegation(plan.zone))
    for plan in plans.values():
        plan.records = sorted(set(plan.records), key=_order(plan.origin))
    return plans


def _parent_plan(plans: dict[str, ZonePlan], zone: Zone) -> ZonePlan | None:
    labels = fqdn(zone.name).split(".")
    for i in range(1, len(labels) - 1):
        candidate = ".".join(labels[i:])
        if candidate in plans:
            return plans[candidate]
    return None


_TYPE_ORDER = {"SOA": 0, "NS": 1, "A": 2, "AAAA": 3, "CNAME": 4}


def _order(origin: str) -> Callable[[Record], tuple[int, tuple[str, ...], int, str]]:
    def key(record: Record) -> tuple[int, tuple[str, ...], int, str]:
        apex = record.owner == origin
        return (
            0 if apex else 1,
            tuple(reversed(record.owner.split("."))),
            _TYPE_ORDER.get(record.rtype, 9),
            record.data,
        )

    return key


def delegation(zone: Zone) -> list[Record]:
    """The parent's side of ``zone``'s delegation: NS records and the glue of in-zone name servers."""
    origin = fqdn(zone.name)
    out = [Record(origin, "NS", fqdn(s.name)) for s in zone.servers]
    for server in zone.servers:
        if _in_zone(server.name, zone):
            out.extend(_address_records(fqdn(server.name), server.addresses()))
    return sorted(out, key=_order(origin))


def parent_of(zone: Zone) -> str:
    """The parent zone's name (the zone's name less its first label)."""
    labels = fqdn(zone.name).split(".", 1)
    return labels[1] if len(labels) > 1 and labels[1] else "."


def parent_server_records(zone: Zone) -> list[Record]:
    """NS and addresses of the parent's own servers (for a parent zone the lab stands up)."""
    parent = parent_of(zone)
    out = [Record(parent, "NS", fqdn(s.name)) for s in zone.parent_servers]
    for server in zone.parent_servers:
        out.extend(_address_records(fqdn(server.name), server.addresses()))
    return out


def all_name_servers(inventory: Inventory) -> list[NameServer]:
    """Every zone's and parent's name servers, one per name (first wins)."""
    seen: dict[str, NameServer] = {}
    for zone in inventory.zones:
        for server in (*zone.servers, *zone.parent_servers):
            seen.setdefault(fqdn(server.name), server)
    return list(seen.values())


def check_services(inventory: Inventory, lock: Lock | None) -> list[Finding]:
    """N012: a cloud-hosted website whose system has no web host in the lock (so no AAAA can be planned)."""
    if lock is None:
        return []
    out = []
    for site in planned_sites(inventory, lock).values():
        if site.source == "lock" and site.ipv6 is None:
            out.append(
                Finding(
                    "N012",
                    f"website {site.website.id}: system {site.website.system} has no web host in the lock, "
                    "so no AAAA can be planned",
                    site.website.at.child("system"),
                    hint="run `egov plan` so the lock gives the system its hosts",
                )
            )
    return out
