"""Zones and VPN instances: the extranet's three zones, a VPN instance per business network, the flow policy.

Route distinguishers and route targets follow RFC 4364 / RFC 4360: ``AS:number`` with a 2-byte AS
and a 4-byte number, a 4-byte AS (as an integer above 65535, or ``X.Y``) with a 2-byte number, or
``IPv4:number`` with a 2-byte number — the forms VRP, Comware and IOS take.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from ipaddress import IPv4Network, IPv6Network

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.model import Family, FlowRule, NetworkZone, Role, VpnInstance, ZoneKind
from network.inventory.refs import NodeRef

PE_ROLES = (Role.CORE, Role.AGGREGATION)  # where VPN instances are configured
_AS_DOTTED = re.compile(r"^(\d{1,5})\.(\d{1,5})$")


def ext_community_problem(value: str) -> str | None:
    """Why ``value`` is not a route distinguisher or route target (None: it is one)."""
    head, sep, tail = value.rpartition(":")
    if not sep or not tail.isdigit() or not head:
        return "write it as AS:number (65010:101) or IPv4:number (192.0.2.1:101)"
    number = int(tail)
    if head.count(".") == 3:
        return _after_ipv4(head, number)
    if (dotted := _AS_DOTTED.match(head)) is not None:
        if max(int(dotted.group(1)), int(dotted.group(2))) > 0xFFFF:
            return f"{head}: each half of an AS in dotted form is at most 65535"
        return None if number <= 0xFFFF else "after a 4-byte AS the number must be at most 65535"
    if not head.isdigit():
        return f"{head} is neither an AS number nor an IPv4 address"
    return _after_as(int(head), number)


def _after_ipv4(head: str, number: int) -> str | None:
    try:
        ipaddress.IPv4Address(head)
    except ValueError:
        return f"{head} is not an IPv4 address"
    return None if number <= 0xFFFF else "after an IPv4 address the number must be at most 65535"


def _after_as(asn: int, number: int) -> str | None:
    if asn == 0 or asn > 0xFFFFFFFF:
        return f"AS {asn} is out of range (1-4294967295)"
    if asn <= 0xFFFF:
        return None if number <= 0xFFFFFFFF else "after a 2-byte AS the number must be at most 4294967295"
    return None if number <= 0xFFFF else "after a 4-byte AS the number must be at most 65535"


def check(inv: Inventory) -> Iterator[Finding]:
    """V001–V010."""
    if not inv.network_zones and not inv.vpn_instances and not inv.flows:
        return  # an inventory that does not model its zones yet (the departments say nothing either)
    yield from _zones(inv)
    yield from _vpns(inv)
    yield from _flows(inv)


# --- zones ------------------------------------------------------------------------------------------


def _zones(inv: Inventory) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for zone in inv.network_zones:
        yield from _zone_departments(inv, zone, seen)
        if zone.kind is ZoneKind.PUBLIC:
            yield from _shared_services(zone.id, zone.shared_services, zone.at)
        yield from _egress(inv, zone)
    for department in inv.departments:
        if department.lans and department.id not in seen:
            yield Finding(
                "V008",
                f"department {department.id} has LANs but is in no zone",
                department.at.child("lans"),
                hint="list it under the public zone's `departments` in network_zones.yaml",
            )


def _zone_departments(inv: Inventory, zone: NetworkZone, seen: dict[str, str]) -> Iterator[Finding]:
    for i, department in enumerate(zone.departments):
        at = zone.at.child("departments", i)
        if department not in inv.department_by_id:
            if not inv.could_exist("departments", department):
                yield Finding(
                    "V001",
                    f"zone {zone.id} lists department {department!r}, which is not known",
                    at,
                    hint="give a department id from departments.yaml",
                )
            continue
        if zone.kind is not ZoneKind.PUBLIC:
            yield Finding(
                "V008",
                f"zone {zone.id} is the {zone.kind.value} zone: department {department}'s office LANs "
                "belong in a public zone",
                at,
                hint="list the department under the public zone; its business networks are VPN instances",
            )
        first = seen.setdefault(department, zone.id)
        if first != zone.id:
            yield Finding(
                "V008",
                f"department {department}'s LANs are in zone {first} and again in zone {zone.id}",
                at,
                hint="a department's office LANs are in exactly one zone",
            )


def _egress(inv: Inventory, zone: NetworkZone) -> Iterator[Finding]:
    for i, egress in enumerate(zone.egress):
        device = inv.device_by_hostname.get(egress.device)
        at = zone.at.child("egress", i)
        if device is None:
            if not inv.could_exist("devices", egress.device):
                yield Finding(
                    "V001",
                    f"zone {zone.id}'s egress device {egress.device} is not known",
                    at.child("device"),
                    hint="give a hostname from devices.yaml",
                )
        elif device.interfaces and egress.interface not in {i.name for i in device.interfaces}:
            yield Finding(
                "V007",
                f"zone {zone.id}'s egress {egress.device} {egress.interface}: the device has no such port",
                at.child("interface"),
                hint="use one of the device's interfaces in devices.yaml",
            )


def _shared_services(
    zone: str, prefixes: tuple[IPv4Network | IPv6Network, ...], at: NodeRef
) -> Iterator[Finding]:
    families = {p.version for p in prefixes}
    if prefixes and families != {4, 6}:
        missing = "IPv6" if 6 not in families else "IPv4"
        yield Finding(
            "V006",
            f"zone {zone}'s shared services are written for one family only: no {missing} prefix",
            at.child("shared_services"),
            hint="the extranet is dual-stack: give the services' prefixes in both families",
        )


# --- VPN instances ----------------------------------------------------------------------------------


def _vpns(inv: Inventory) -> Iterator[Finding]:
    rds: dict[str, str] = {}
    carried: dict[tuple[str, str], str] = {}
    public = _public_prefixes(inv)
    link_ports: dict[str, set[str]] = {}
    for link in inv.links:
        for end in (link.a, link.b):
            link_ports.setdefault(end.device, set()).add(end.interface)
    for vpn in inv.vpn_instances:
        yield from _vpn_references(inv, vpn)
        yield from _access(inv, vpn, link_ports)
        yield from _communities(vpn)
        first = rds.setdefault(vpn.rd, vpn.name)
        if first != vpn.name:
            yield Finding(
                "V002",
                f"VPN instance {vpn.name} has route distinguisher {vpn.rd}, as {first} does",
                vpn.at.child("rd"),
                hint="every VPN instance needs its own RD (RFC 4364), or its routes are taken for another's",
            )
        key = (vpn.department, vpn.network)
        other = carried.setdefault(key, vpn.name)
        if other != vpn.name:
            yield Finding(
                "V001",
                f"VPN instance {vpn.name} carries {vpn.department}'s network {vpn.network}, as {other} does",
                vpn.at.child("network"),
                hint="one VPN instance per business network",
            )
        if set(vpn.families) != set(Family):
            yield Finding(
                "V006",
                f"VPN instance {vpn.name} has only the {vpn.families[0].value if vpn.families else 'no'} "
                "family",
                vpn.at.child("families"),
                hint="give it both ipv4 and ipv6: the extranet is dual-stack (task 3)",
            )
        yield from _vpn_prefixes(inv, vpn, public)
    for department in inv.departments:
        for n, network in enumerate(department.private_networks):
            if (department.id, network.id) not in carried:
                yield Finding(
                    "V009",
                    f"private network {network.id} of {department.id} is carried by no VPN instance",
                    department.at.child("private_networks", n),
                    hint="add a VPN instance for it to vpn_instances.yaml (task 7: each business network in "
                    "its own VPN instance, never in the public table)",
                )


def _communities(vpn: VpnInstance) -> Iterator[Finding]:
    fields = (
        ("rd", (vpn.rd,)),
        ("export_targets", vpn.export_targets),
        ("import_targets", vpn.import_targets),
    )
    for field, values in fields:
        for i, value in enumerate(values):
            problem = ext_community_problem(value)
            if problem is not None:
                name = "route distinguisher" if field == "rd" else "route target"
                yield Finding(
                    "V003",
                    f"VPN instance {vpn.name}: {name} {value!r} is malformed: {problem}",
                    vpn.at.child(field) if field == "rd" else vpn.at.child(field, i),
                    hint="AS:number (65010:101), 4-byte-AS:number, or IPv4:number (192.0.2.1:101)",
                )


def _vpn_references(inv: Inventory, vpn: VpnInstance) -> Iterator[Finding]:
    department = inv.department_by_id.get(vpn.department)
    if department is None:
        if not inv.could_exist("departments", vpn.department):
            yield Finding(
                "V001",
                f"VPN instance {vpn.name} names department {vpn.department!r}, which is not known",
                vpn.at.child("department"),
                hint="give a department id from departments.yaml",
            )
    elif vpn.network not in {p.id for p in department.private_networks}:
        known = ", ".join(p.id for p in department.private_networks) or "none"
        yield Finding(
            "V001",
            f"VPN instance {vpn.name} carries {vpn.network!r}, which is not a private network of "
            f"{vpn.department} (its networks: {known})",
            vpn.at.child("network"),
            hint="name one of the department's private_networks",
        )
    zone = inv.network_zone_by_id.get(vpn.zone)
    if zone is None:
        if not inv.could_exist("network_zones", vpn.zone):
            yield Finding(
                "V001",
                f"VPN instance {vpn.name} is in zone {vpn.zone!r}, which is not known",
                vpn.at.child("zone"),
                hint="give the id of the private zone in network_zones.yaml",
            )
    elif zone.kind is not ZoneKind.PRIVATE:
        yield Finding(
            "V001",
            f"VPN instance {vpn.name} is in zone {vpn.zone}, the {zone.kind.value} zone",
            vpn.at.child("zone"),
            hint="VPN instances make up the private zone (专用网络区)",
        )


def _access(inv: Inventory, vpn: VpnInstance, link_ports: dict[str, set[str]]) -> Iterator[Finding]:
    for p, pe in enumerate(vpn.pes):
        device = inv.device_by_hostname.get(pe.device)
        at = vpn.at.child("pes", p)
        if device is None:
            if not inv.could_exist("devices", pe.device):
                yield Finding(
                    "V001",
                    f"VPN instance {vpn.name}'s PE {pe.device} is not a known device",
                    at.child("device"),
                    hint="give a hostname from devices.yaml",
                )
            continue
        if device.role not in PE_ROLES:
            yield Finding(
                "V007",
                f"VPN instance {vpn.name}'s PE {pe.device} is a {device.role.value} device",
                at.child("device"),
                hint="PEs are core or aggregation devices",
            )
        declared = {i.name for i in device.interfaces}
        on_links = link_ports.get(pe.device, set())
        for i, access in enumerate(pe.interfaces):
            if declared and access.name not in declared:
                yield Finding(
                    "V007",
                    f"VPN instance {vpn.name}: {pe.device} has no interface {access.name}",
                    at.child("interfaces", i, "name"),
                    hint="use an interface of the device as devices.yaml lists it",
                )
            elif access.name in on_links:
                yield Finding(
                    "V007",
                    f"VPN instance {vpn.name}: {pe.device} {access.name} is an extranet link, not an "
                    "access interface",
                    at.child("interfaces", i, "name"),
                    hint="binding it to the VPN instance would take the link out of the public table",
                )
            if access.peer not in access.ipv4.network or access.peer == access.ipv4.ip:
                yield Finding(
                    "V005",
                    f"VPN instance {vpn.name}: {pe.device} {access.name}'s peer {access.peer} is not another "
                    f"address of {access.ipv4.network}",
                    at.child("interfaces", i, "peer"),
                    hint="the business network's router must be on the access interface's subnet",
                )


def _public_prefixes(inv: Inventory) -> list[tuple[IPv4Network | IPv6Network, str]]:
    out: list[tuple[IPv4Network | IPv6Network, str]] = []
    for zone in inv.network_zones:
        if zone.kind is not ZoneKind.PUBLIC:
            continue
        out += [(p, f"zone {zone.id}'s shared services") for p in zone.shared_services]
        for department in zone.departments:
            found = inv.department_by_id.get(department)
            if found is not None:
                out += [(lan, f"the LAN of {department}") for lan in found.lans]
    return out


def _vpn_prefixes(
    inv: Inventory, vpn: VpnInstance, public: list[tuple[IPv4Network | IPv6Network, str]]
) -> Iterator[Finding]:
    department = inv.department_by_id.get(vpn.department)
    network = (
        next((p for p in department.private_networks if p.id == vpn.network), None) if department else None
    )
    mine: list[tuple[IPv4Network | IPv6Network, str, NodeRef]] = []
    if network is not None and department is not None:
        n = department.private_networks.index(network)
        mine += [(prefix, f"{network.id} prefix", department.at.child("private_networks", n, "prefixes", i))
                 for i, prefix in enumerate(network.prefixes)]  # fmt: skip
    for p, pe in enumerate(vpn.pes):
        for i, access in enumerate(pe.interfaces):
            at = vpn.at.child("pes", p, "interfaces", i, "ipv4")
            mine.append((access.ipv4.network, f"{pe.device} {access.name}", at))
    for prefix, what, at in mine:
        clash = next((name for other, name in public if other.version == prefix.version
                      and other.overlaps(prefix)), None)  # fmt: skip
        if clash is not None:
            yield Finding(
                "V004",
                f"VPN instance {vpn.name}: {what} {prefix} overlaps {clash} in the public zone",
                at,
                hint="a VPN's prefixes are never in the public table: renumber one, or move the LAN",
            )
    for i, (prefix, what, at) in enumerate(mine):
        for other, other_what, _ in mine[:i]:
            if other.version == prefix.version and other.overlaps(prefix):
                yield Finding(
                    "V005",
                    f"VPN instance {vpn.name}: {what} {prefix} overlaps {other_what} {other}",
                    at,
                    hint="within one VPN instance every prefix is its own (across instances they may repeat)",
                )
                break


# --- the flow policy --------------------------------------------------------------------------------


def _flows(inv: Inventory) -> Iterator[Finding]:
    for flow in inv.flows:
        for field in ("source", "destination"):
            problem = _end_problem(inv, getattr(flow, field))
            if problem is not None:
                hint = "zone:ID of network_zones.yaml, or vpn:NAME of vpn_instances.yaml"
                yield Finding("V010", f"flow {flow.id}: {field} {problem}", flow.at.child(field), hint=hint)
        yield from _flow_families(flow)


def _end_problem(inv: Inventory, end: str) -> str | None:
    kind, _, name = end.partition(":")
    if kind == "zone":
        if name in inv.network_zone_by_id or inv.could_exist("network_zones", name):
            return None
        return f"{end}: no such zone"
    if name in inv.vpn_by_name or inv.could_exist("vpn_instances", name):
        return None
    return f"{end}: no such VPN instance"


def _flow_families(flow: FlowRule) -> Iterator[Finding]:
    if set(flow.families) != set(Family):
        written = flow.families[0].value if flow.families else "no family"
        yield Finding(
            "V006",
            f"flow {flow.id} is written for {written} only",
            flow.at.child("families"),
            hint="write every flow rule for both ipv4 and ipv6: a rule in one family leaves the other "
            "open or shut by accident",
        )
