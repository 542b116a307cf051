"""What the zones and VPN instances add to each PE: VPN instances, bound access interfaces, their routes,
MP-BGP between the PEs, and the zone policy's ACLs — computed from the inventory, the lock and settings.

Per VPN instance (``vpn_instances.yaml``), on each of its PEs: the instance with its RD and route
targets in both families; each access interface bound to it with its IPv4 address (the inventory's)
and its IPv6 address (the lock's /56: /64 number *k* for the *k*-th access interface of the instance,
PE ``::1``, the business network's router ``::2``); on the PE of the instance's first access
interface, static routes to the business network's prefixes via its router (IPv4 via ``peer``, each
IPv6 twin — /64 number 128 + *i* of the /56 for the *i*-th IPv4 prefix — via ``::2``); MP-BGP
(VPNv4 and VPNv6, RFC 4364 / RFC 4659) to every other PE of the same instances, the instances'
direct and static routes imported; peers are addressed by their management address, the address the
existing network routes to them.

The zone policy (``flows.yaml``) becomes ACLs where a zone's MLPS level is 3 or more (section 三(一)2:
protection per level), in both families: each access interface filters what enters from its business
network (the flows the policy permits out of the instance, the return traffic of flows it permits
into it, a deny toward every other end those flows name, then only the instance's own source
addresses: anti-spoofing); each Internet egress filters what leaves (the permitted flows to the
Internet, nothing else) and what comes in (their return traffic, and the flows permitted from the
Internet). Everything else the routing tables keep apart: a VPN instance holds only its own routes
and those whose export targets it imports.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network

from network.addressing.lock import Lock
from network.addressing.prefixes import address_text, text
from network.inventory import Inventory
from network.inventory.model import (
    Family,
    FlowProtocol,
    FlowRule,
    NetworkZone,
    VpnInstance,
    ZoneKind,
)
from network.render.intent import IntentError
from network.render.settings import RenderSettings

ACCESS_SLOT, TWIN_SLOT = 0, 128  # /64 numbers inside a VPN instance's /56: access links, then twins
PROTECTED_LEVEL = 3  # zones at this MLPS level or above get the policy's ACLs
RULE_STEP = 5
LINK_LOCAL = "fe80::/10"

Net = IPv4Network | IPv6Network


@dataclass(frozen=True)
class VpnInstanceIntent:
    """One VPN instance on one PE."""

    name: str
    rd: str
    export_targets: tuple[str, ...]
    import_targets: tuple[str, ...]
    families: tuple[Family, ...]
    description: str


@dataclass(frozen=True)
class AccessIntent:
    """An access interface bound to a VPN instance: the PE's addresses and the business router's."""

    interface: str
    vpn: str
    description: str
    ipv4: str  # the PE's address
    ipv4_length: int
    ipv4_mask: str
    peer4: str
    ipv6: str  # the PE's address (::1 of its /64)
    peer6: str  # the business network's router (::2)
    acl: int | None = None  # the number of its inbound ACL (both families), None where unprotected


@dataclass(frozen=True)
class RouteIntent:
    """A static route in a VPN instance: ``prefix``/``length`` (``mask`` for IPv4) via ``next_hop``."""

    vpn: str
    family: int
    prefix: str
    length: int
    mask: str
    next_hop: str


@dataclass(frozen=True)
class AclRule:
    """One ACL rule: ``protocol`` ip, tcp, udp or icmp (ICMPv6 in IPv6); None means any."""

    rule: int
    action: str
    protocol: str
    source: str | None = None  # a prefix as text
    destination: str | None = None
    source_port: int | None = None
    destination_port: int | None = None


@dataclass(frozen=True)
class AclIntent:
    """An advanced ACL of one family; ``name`` is what IOS calls it."""

    number: int
    family: int
    name: str
    description: str
    rules: tuple[AclRule, ...]


@dataclass(frozen=True)
class FilterIntent:
    """An ACL applied to an egress interface in one direction (``inbound``/``outbound``), both families
    (an access interface's inbound ACL is its :attr:`AccessIntent.acl`)."""

    interface: str
    direction: str
    acl: int
    description: str


@dataclass(frozen=True)
class VpnDeviceIntent:
    """Everything the zones add to one device."""

    hostname: str
    platform: str
    asn: int
    instances: tuple[VpnInstanceIntent, ...]
    accesses: tuple[AccessIntent, ...]
    routes: tuple[RouteIntent, ...]
    peers: tuple[str, ...]
    acls: tuple[AclIntent, ...]
    filters: tuple[FilterIntent, ...]

    @property
    def empty(self) -> bool:
        """Nothing to configure on this device."""
        return not (self.instances or self.filters)


@dataclass
class _Acl:
    family: int
    rules: list[AclRule] = field(default_factory=list)

    def add(
        self,
        action: str,
        protocol: str,
        source: str | None = None,
        destination: str | None = None,
        source_port: int | None = None,
        destination_port: int | None = None,
    ) -> None:
        number = RULE_STEP * (len(self.rules) + 1)
        self.rules.append(
            AclRule(number, action, protocol, source, destination, source_port, destination_port)
        )


class VpnIntentBuilder:
    """Computes :class:`VpnDeviceIntent` for any device of one inventory (indexes built once)."""

    def __init__(self, inventory: Inventory, lock: Lock, settings: RenderSettings) -> None:
        self.inventory, self.lock, self.settings = inventory, lock, settings
        self.zones = inventory.network_zone_by_id
        self.on_pe: dict[str, list[VpnInstance]] = {}
        for vpn in inventory.vpn_instances:
            for pe in vpn.pes:
                self.on_pe.setdefault(pe.device, []).append(vpn)
        self.egress: dict[str, list[tuple[NetworkZone, str]]] = {}
        for zone in inventory.network_zones:
            for exit_ in zone.egress:
                self.egress.setdefault(exit_.device, []).append((zone, exit_.interface))

    # --- what is where ---------------------------------------------------------------------------

    def devices(self) -> list[str]:
        """Hostnames the zones configure: every PE and every egress device, sorted."""
        return sorted(set(self.on_pe) | set(self.egress))

    def space(self, vpn: VpnInstance) -> tuple[int, int]:
        """The VPN instance's /56 (IntentError when the lock has none)."""
        found = self.lock.vpns.get(vpn.name)
        if found is None:
            raise IntentError(vpn.name, "has no IPv6 space in the address plan", "run `egov plan`")
        return found

    def accesses_of(self, vpn: VpnInstance) -> list[tuple[str, int, AccessIntent]]:
        """(PE, its index in the instance, intent) for every access interface of the instance, in order."""
        base, _ = self.space(vpn)
        out: list[tuple[str, int, AccessIntent]] = []
        for pe in vpn.pes:
            for access in pe.interfaces:
                k = len(out)
                net = base + ((ACCESS_SLOT + k) << 64)
                out.append(
                    (
                        pe.device,
                        k,
                        AccessIntent(
                            access.name,
                            vpn.name,
                            f"VPN {vpn.name}",
                            str(access.ipv4.ip),
                            access.ipv4.network.prefixlen,
                            str(access.ipv4.netmask),
                            str(access.peer),
                            address_text(net + 1),
                            address_text(net + 2),
                        ),
                    )
                )
        return out

    def network_prefixes(self, vpn: VpnInstance, family: int) -> list[Net]:
        """The business network's prefixes in one family (IPv6: declared ones, or the plan's twins)."""
        department = self.inventory.department_by_id.get(vpn.department)
        network = (
            next((p for p in department.private_networks if p.id == vpn.network), None)
            if department
            else None
        )
        declared = list(network.prefixes) if network is not None else []
        if family == 4:
            return [p for p in declared if isinstance(p, IPv4Network)]
        own: list[Net] = [p for p in declared if isinstance(p, IPv6Network)]
        if own:
            return own
        base, _ = self.space(vpn)
        count = sum(1 for p in declared if isinstance(p, IPv4Network))
        return [IPv6Network((base + ((TWIN_SLOT + i) << 64), 64)) for i in range(count)]

    def behind(self, vpn: VpnInstance, k: int, family: int) -> list[Net]:
        """The addresses behind the instance's *k*-th access interface in one family: its subnet, and
        for the first one the business network's prefixes (routed via its router)."""
        _, _, access = self.accesses_of(vpn)[k]
        if family == 4:
            subnet: Net = IPv4Network(f"{access.ipv4}/{access.ipv4_length}", strict=False)
        else:
            subnet = IPv6Network(f"{access.ipv6}/64", strict=False)
        return [*(self.network_prefixes(vpn, family) if k == 0 else []), subnet]

    def end_prefixes(self, end: str, family: int) -> list[Net] | None:
        """The prefixes of a flow's end in one family; None for the Internet (any address)."""
        kind, _, name = end.partition(":")
        if kind == "vpn":
            vpn = self.inventory.vpn_by_name.get(name)
            return self.network_prefixes(vpn, family) if vpn is not None else []
        zone = self.zones.get(name)
        if zone is None:
            return []
        if zone.kind is ZoneKind.INTERNET:
            return None
        if zone.kind is ZoneKind.PRIVATE:
            vpns = [v for v in self.inventory.vpn_instances if v.zone == zone.id]
            return _collapsed([p for v in vpns for p in self.network_prefixes(v, family)])
        return _collapsed(self.public_prefixes(zone, family))

    def public_prefixes(self, zone: NetworkZone, family: int) -> list[Net]:
        """A public zone's department LANs (IPv6: their /64 twins from the lock) and shared services."""
        out: list[Net] = [p for p in zone.shared_services if p.version == family]
        for department_id in zone.departments:
            department = self.inventory.department_by_id.get(department_id)
            if department is None:
                continue
            for lan in department.lans:
                if lan.version == family:
                    out.append(lan)
                elif family == 6 and (twin := self.lock.lans.get(f"{department.id} {lan}")) is not None:
                    out.append(IPv6Network(text(*twin)))
        return out

    def level_of(self, end: str) -> int:
        """The MLPS level of the zone a flow's end is in."""
        kind, _, name = end.partition(":")
        if kind == "vpn":
            vpn = self.inventory.vpn_by_name.get(name)
            name = vpn.zone if vpn is not None else ""
        zone = self.zones.get(name)
        return zone.mlps_level if zone is not None else 0

    # --- one device ------------------------------------------------------------------------------

    def build(self, hostname: str) -> VpnDeviceIntent:
        """The zones' intent of one device (empty where it is neither a PE nor an egress)."""
        device = self.inventory.device_by_hostname[hostname]
        instances, accesses, routes, acls, filters = [], [], [], [], []
        number = self.settings.vpn.acl_base
        peers: set[str] = set()
        for vpn in self.on_pe.get(hostname, []):
            instances.append(
                VpnInstanceIntent(
                    vpn.name,
                    vpn.rd,
                    vpn.export_targets,
                    vpn.import_targets,
                    vpn.families,
                    f"{vpn.department} business network {vpn.network}",
                )
            )
            peers |= {pe.device for pe in vpn.pes if pe.device != hostname}
            every = self.accesses_of(vpn)
            for pe, k, planned in every:
                if pe != hostname:
                    continue
                access = planned
                if self.level_of(f"vpn:{vpn.name}") >= PROTECTED_LEVEL:
                    acls += self._access_acls(vpn, k, number, access)
                    access = _with_acl(access, number)
                    number += 1
                accesses.append(access)
                if k == 0:
                    routes += self._network_routes(vpn, access)
        for zone, interface in self.egress.get(hostname, []):
            if zone.mlps_level >= PROTECTED_LEVEL:
                for direction in ("outbound", "inbound"):
                    acls += self._egress_acls(zone, number, direction, interface)
                    filters.append(FilterIntent(interface, direction, number, f"zone {zone.id} {direction}"))
                    number += 1
        addresses = sorted(
            str(self.inventory.device_by_hostname[p].management)
            for p in peers
            if p in self.inventory.device_by_hostname
        )
        return VpnDeviceIntent(
            hostname,
            device.platform,
            self.settings.vpn.asn,
            tuple(instances),
            tuple(accesses),
            tuple(routes),
            tuple(addresses),
            tuple(acls),
            tuple(filters),
        )

    def _network_routes(self, vpn: VpnInstance, access: AccessIntent) -> list[RouteIntent]:
        out = []
        for prefix in self.network_prefixes(vpn, 4):
            out.append(
                RouteIntent(
                    vpn.name,
                    4,
                    str(prefix.network_address),
                    prefix.prefixlen,
                    str(prefix.netmask),
                    access.peer4,
                )
            )
        for prefix in self.network_prefixes(vpn, 6):
            out.append(
                RouteIntent(vpn.name, 6, str(prefix.network_address), prefix.prefixlen, "", access.peer6)
            )
        return out

    # --- the zone policy as ACLs -----------------------------------------------------------------

    def _flows(self) -> Iterable[FlowRule]:
        return (f for f in self.inventory.flows if f.action == "permit")

    def _access_acls(self, vpn: VpnInstance, k: int, number: int, access: AccessIntent) -> list[AclIntent]:
        me = f"vpn:{vpn.name}"
        out = []
        for family in (4, 6):
            acl = _Acl(family)
            others: list[Net] = []
            for flow in self._flows():
                if _family(family) not in flow.families:
                    continue
                if flow.source == me:
                    targets = self.end_prefixes(flow.destination, family) or []
                    for prefix in targets:
                        _permit(acl, flow, destination=str(prefix))
                    others += targets
                elif flow.destination == me:
                    sources = self.end_prefixes(flow.source, family) or []
                    for prefix in sources:
                        _permit(acl, flow, destination=str(prefix), reply=True)
                    others += sources
            for prefix in _unique(others):
                acl.add("deny", "ip", destination=str(prefix))
            if family == 6:
                acl.add("permit", "icmp", source=LINK_LOCAL)  # neighbour discovery with the router
            for prefix in self.behind(vpn, k, family):  # anti-spoofing: only what is behind it
                acl.add("permit", "ip", source=str(prefix))
            acl.add("deny", "ip")
            name = f"EGOV-{vpn.name}-IN{'' if family == 4 else '-V6'}"
            out.append(
                AclIntent(number, family, name, f"{access.interface} from {vpn.name}", tuple(acl.rules))
            )
        return out

    def _egress_acls(self, zone: NetworkZone, number: int, direction: str, interface: str) -> list[AclIntent]:
        me = f"zone:{zone.id}"
        out = []
        for family in (4, 6):
            acl = _Acl(family)
            for flow in self._flows():
                if _family(family) not in flow.families:
                    continue
                if flow.destination == me:
                    for prefix in self.end_prefixes(flow.source, family) or []:
                        if direction == "outbound":
                            _permit(acl, flow, source=str(prefix))
                        else:
                            _permit(acl, flow, destination=str(prefix), reply=True)
                elif flow.source == me and direction == "inbound":
                    for prefix in self.end_prefixes(flow.destination, family) or []:
                        _permit(acl, flow, destination=str(prefix))
            if family == 6 and direction == "inbound":
                acl.add("permit", "icmp", source=LINK_LOCAL)
            acl.add("deny", "ip")
            tag = "OUT" if direction == "outbound" else "IN"
            name = f"EGOV-{zone.id}-{tag}{'' if family == 4 else '-V6'}"
            out.append(AclIntent(number, family, name, f"{interface} {direction}", tuple(acl.rules)))
        return out


def _family(family: int) -> Family:
    return Family.IPV4 if family == 4 else Family.IPV6


def _permit(
    acl: _Acl, flow: FlowRule, reply: bool = False, source: str | None = None, destination: str | None = None
) -> None:
    """Permit a flow's packets (or, ``reply``, their answers: the ports as source ports)."""
    protocol = "ip" if flow.protocol is FlowProtocol.ANY else flow.protocol.value
    if not flow.ports:
        acl.add("permit", protocol, source, destination)
        return
    for port in flow.ports:
        if reply:
            acl.add("permit", protocol, source, destination, source_port=port)
        else:
            acl.add("permit", protocol, source, destination, destination_port=port)


def _collapsed(prefixes: list[Net]) -> list[Net]:
    """The fewest prefixes covering exactly the same addresses (one ACL rule each), in address order."""
    v4 = ipaddress.collapse_addresses(p for p in prefixes if isinstance(p, IPv4Network))
    v6 = ipaddress.collapse_addresses(p for p in prefixes if isinstance(p, IPv6Network))
    return [*v4, *v6]


def _unique(prefixes: list[Net]) -> list[Net]:
    seen: dict[str, Net] = {}
    for prefix in prefixes:
        seen.setdefault(str(prefix), prefix)
    return list(seen.values())


def _with_acl(access: AccessIntent, number: int) -> AccessIntent:
    return AccessIntent(**{**access.__dict__, "acl": number})


def wildcard(prefix: str) -> tuple[str, str]:
    """An IPv4 prefix as VRP, Comware and IOS ACLs write it: address and wildcard mask."""
    network = ipaddress.IPv4Network(prefix)
    return str(network.network_address), str(network.hostmask)
