"""Uniqueness: ids, hostnames, management addresses, interface names, link endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.model import Link
from network.inventory.refs import NodeRef

_R = TypeVar("_R")


def _repeats(
    records: Iterable[_R],
    key_of: Callable[[_R], str],
    at_of: Callable[[_R], NodeRef],
    code: str,
    what: str,
    hint: str,
) -> Iterator[Finding]:
    """A finding for every record whose key an earlier record already has (places built only then)."""
    first: dict[str, _R] = {}
    for record in records:
        key = key_of(record)
        earlier = first.setdefault(key, record)
        if earlier is not record:
            where = at_of(earlier)
            yield Finding(
                code,
                f"{what} {key!r} is used again (first in {where.file} at {where.dotted()})",
                at_of(record),
                hint=hint,
            )


def _self_loop(link: Link) -> bool:
    return link.a.device == link.b.device and link.a.interface == link.b.interface


def check(inv: Inventory) -> Iterator[Finding]:
    """U001–U006."""
    hint = "ids are stable keys: give each record its own"
    for kind, records in (
        ("site", inv.sites),
        ("department", inv.departments),
        ("link", inv.links),
        ("system", inv.systems),
        ("milestone", inv.milestones),
        ("website", inv.websites),
        ("zone", inv.zones),
        ("resolver", inv.resolvers),
        ("CDN edge", inv.cdn_edges),
    ):
        yield from _repeats(records, lambda r: r.key, lambda r: r.at.child("id"), "U001", f"{kind} id", hint)
    networks = [
        (net.id, d.at.child("private_networks", i, "id"))
        for d in inv.departments
        for i, net in enumerate(d.private_networks)
    ]
    yield from _repeats(networks, lambda n: n[0], lambda n: n[1], "U001", "private network id", hint)
    yield from _repeats(
        inv.devices,
        lambda d: d.hostname,
        lambda d: d.at.child("hostname"),
        "U002",
        "hostname",
        "hostnames identify devices: rename one",
    )
    yield from _repeats(
        inv.devices,
        lambda d: str(d.management),
        lambda d: d.at.child("management"),
        "U003",
        "management address",
        "each device needs its own management address",
    )
    for device in inv.devices:
        if len({i.name for i in device.interfaces}) == len(device.interfaces):
            continue
        yield from _repeats(
            list(enumerate(device.interfaces)),
            lambda p: p[1].name,
            lambda p, d=device: d.at.child("interfaces", p[0], "name"),  # type: ignore[misc]
            "U004",
            f"{device.hostname} interface",
            "list each interface once",
        )
    endpoints = [
        (f"{end.device} {end.interface}", link, side)
        for link in inv.links
        for side, end in (("a", link.a), ("b", link.b))
        if side == "a" or not _self_loop(link)
    ]  # a self-loop is U006, not U005
    yield from _repeats(
        endpoints,
        lambda e: e[0],
        lambda e: e[1].at.child(e[2]),
        "U005",
        "link endpoint",
        "an interface carries one point-to-point link: pick a free port",
    )
    for link in inv.links:
        if _self_loop(link):
            yield Finding(
                "U006",
                f"link {link.id} has the same interface at both ends",
                link.at.child("b"),
                hint="set end b to the peer device's interface",
            )
