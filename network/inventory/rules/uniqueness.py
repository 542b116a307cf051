"""Uniqueness: ids, hostnames, management addresses, interface names, link endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.model import Entity
from network.inventory.refs import NodeRef

_E = TypeVar("_E", bound=Entity)


def _repeats(records: Iterable[tuple[str, NodeRef]], code: str, what: str, hint: str) -> Iterator[Finding]:
    first: dict[str, NodeRef] = {}
    for key, at in records:
        if key in first:
            yield Finding(
                code,
                f"{what} {key!r} is used again (first in {first[key].file} at {first[key].dotted()})",
                at,
                hint=hint,
            )
        else:
            first[key] = at


def _ids(records: Iterable[_E], field: str, key: Callable[[_E], str]) -> Iterator[tuple[str, NodeRef]]:
    return ((key(record), record.at.child(field)) for record in records)


def check(inv: Inventory) -> Iterator[Finding]:
    """U001–U006."""
    hint = "ids are stable keys: give each record its own"
    yield from _repeats(_ids(inv.sites, "id", lambda r: r.id), "U001", "site id", hint)
    yield from _repeats(_ids(inv.departments, "id", lambda r: r.id), "U001", "department id", hint)
    yield from _repeats(_ids(inv.links, "id", lambda r: r.id), "U001", "link id", hint)
    yield from _repeats(_ids(inv.systems, "id", lambda r: r.id), "U001", "system id", hint)
    yield from _repeats(_ids(inv.milestones, "id", lambda r: r.id), "U001", "milestone id", hint)
    networks = (
        (net.id, d.at.child("private_networks", i, "id"))
        for d in inv.departments
        for i, net in enumerate(d.private_networks)
    )
    yield from _repeats(networks, "U001", "private network id", hint)
    yield from _repeats(
        _ids(inv.devices, "hostname", lambda r: r.hostname),
        "U002",
        "hostname",
        "hostnames identify devices: rename one",
    )
    yield from _repeats(
        _ids(inv.devices, "management", lambda r: str(r.management)),
        "U003",
        "management address",
        "each device needs its own management address",
    )
    for device in inv.devices:
        names = (
            (interface.name, device.at.child("interfaces", i, "name"))
            for i, interface in enumerate(device.interfaces)
        )
        yield from _repeats(names, "U004", f"{device.hostname} interface", "list each interface once")
    endpoints = (
        (f"{end.device} {end.interface}", link.at.child(side))
        for link in inv.links
        for side, end in (("a", link.a), ("b", link.b))
        if side == "a" or link.b != link.a
    )  # a self-loop is U006, not U005
    yield from _repeats(
        endpoints, "U005", "link endpoint", "an interface carries one point-to-point link: pick a free port"
    )
    for link in inv.links:
        if link.a == link.b:
            yield Finding(
                "U006",
                f"link {link.id} has the same interface at both ends",
                link.at.child("b"),
                hint="set end b to the peer device's interface",
            )
