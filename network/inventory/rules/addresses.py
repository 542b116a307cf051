"""Addresses: every management address and prefix lies inside the city's declared aggregates."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.model import CdnEdge, Resolver, Website
from network.inventory.refs import NodeRef

_Value = IPv4Address | IPv6Address | IPv4Network | IPv6Network


class _Aggregates:
    """Containment by integer masks: province inventories check tens of thousands of addresses."""

    def __init__(self, blocks: tuple[IPv4Network, ...] | tuple[IPv6Network, ...], label: str) -> None:
        self.blocks = [(int(b.network_address), int(b.netmask), b.prefixlen) for b in blocks]
        self.label = label

    def holds(self, value: _Value) -> bool:
        if isinstance(value, IPv4Network | IPv6Network):
            start, length = int(value.network_address), value.prefixlen
        else:
            start, length = int(value), value.max_prefixlen
        return any(start & mask == network and length >= prefix for network, mask, prefix in self.blocks)


def check(inv: Inventory) -> Iterator[Finding]:
    """A001."""
    if inv.city is None:
        return
    declared = inv.city.aggregates
    families = {
        4: _Aggregates(declared.ipv4, ", ".join(map(str, declared.ipv4)) or "no IPv4 aggregate declared"),
        6: _Aggregates(declared.ipv6, ", ".join(map(str, declared.ipv6)) or "no IPv6 aggregate declared"),
    }
    items: list[tuple[_Value, NodeRef, str]] = []
    for device in inv.devices:
        items.append((device.management, device.at.child("management"), f"device {device.hostname}"))
    for department in inv.departments:
        for i, lan in enumerate(department.lans):
            items.append((lan, department.at.child("lans", i), f"department {department.id} LAN"))
        for n, network in enumerate(department.private_networks):
            for i, prefix in enumerate(network.prefixes):
                items.append(
                    (
                        prefix,
                        department.at.child("private_networks", n, "prefixes", i),
                        f"private network {network.id}",
                    )
                )
    items.extend(_service_addresses(inv))
    for value, at, what in items:
        aggregates = families[value.version]
        if not aggregates.holds(value):
            yield Finding(
                "A001",
                f"{what}: {value} is outside the city's aggregates ({aggregates.label})",
                at,
                hint="use an address from city.yaml `aggregates`, or declare the block there",
            )


def _service_addresses(inv: Inventory) -> Iterator[tuple[_Value, NodeRef, str]]:
    """Websites', resolvers', CDN edges' and name servers' own addresses (not the parent's servers)."""
    records: list[tuple[str, tuple[Website | Resolver | CdnEdge, ...]]] = [
        ("website", inv.websites),
        ("resolver", inv.resolvers),
        ("CDN edge", inv.cdn_edges),
    ]
    for kind, group in records:
        for record in group:
            for field in ("ipv4", "ipv6"):
                if (value := getattr(record, field)) is not None:
                    yield value, record.at.child(field), f"{kind} {record.id}"
    for zone in inv.zones:
        for i, server in enumerate(zone.servers):
            for field in ("ipv4", "ipv6"):
                if (value := getattr(server, field)) is not None:
                    yield value, zone.at.child("servers", i, field), f"name server {server.name}"
