"""Addresses: every management address and prefix lies inside the city's declared aggregates."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.refs import NodeRef

_Net = IPv4Network | IPv6Network


class _Aggregates:
    def __init__(self, v4: Sequence[IPv4Network], v6: Sequence[IPv6Network]) -> None:
        self.v4, self.v6 = tuple(v4), tuple(v6)

    def holds(self, value: IPv4Address | IPv6Address | _Net) -> bool:
        if isinstance(value, IPv4Address | IPv4Network):
            blocks: Sequence[_Net] = self.v4
        else:
            blocks = self.v6
        if isinstance(value, IPv4Network | IPv6Network):
            return any(value.version == b.version and value.subnet_of(b) for b in blocks)  # type: ignore[arg-type]
        return any(value in block for block in blocks)

    def describe(self, value: object) -> str:
        family = self.v4 if isinstance(value, IPv4Address | IPv4Network) else self.v6
        return ", ".join(map(str, family)) or "none declared"


def check(inv: Inventory) -> Iterator[Finding]:
    """A001."""
    if inv.city is None:
        return
    aggregates = _Aggregates(inv.city.aggregates.ipv4, inv.city.aggregates.ipv6)
    items: list[tuple[object, NodeRef, str]] = []
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
    for value, at, what in items:
        if not aggregates.holds(value):  # type: ignore[arg-type]
            yield Finding(
                "A001",
                f"{what}: {value} is outside the city's aggregates ({aggregates.describe(value)})",
                at,
                hint="use an address from city.yaml `aggregates`, or declare the block there",
            )
