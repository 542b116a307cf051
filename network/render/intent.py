"""What each device should carry for dual-stack, from the inventory, the lock and the routing policy.

Per device: the /128 on its loopback; the /127 on each point-to-point link (the link's ``a`` end takes
the first address, ``b`` the second, as in ``egov plan export``); a /64 gateway with router
advertisements for each department LAN at its site (on the site's first core, aggregation or access
device, VLAN interface ``lan_vlan_base + n``); and routing toward the parent: OSPFv3 (area 0 at the
city, one area per county; links between OSPF devices join it) or a static default toward the uplink
peer; OSPF devices carry static routes to the static sites below them and redistribute them; city
devices point a static default at the province and originate it into OSPF. IPv4 is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from network.addressing.lock import Lock
from network.addressing.prefixes import LAN_LENGTH, P2P_CONFIGURED, address_text
from network.inventory import Inventory
from network.inventory.model import Device, Endpoint, Level, Link, Role, Site
from network.inventory.platforms import platform_spec
from network.render.settings import RenderSettings

_GATEWAY_ROLES = (Role.CORE, Role.AGGREGATION, Role.ACCESS)


class IntentError(Exception):
    """A device whose intent cannot be computed (names the device, the missing allocation, a hint)."""

    def __init__(self, hostname: str, reason: str, hint: str) -> None:
        super().__init__(f"{hostname}: {reason}")
        self.hostname, self.reason, self.hint = hostname, reason, hint


@dataclass(frozen=True)
class LinkIntent:
    """One point-to-point link end: ``address`` and ``peer_address`` without their /127."""

    link: str
    interface: str
    address: str
    peer: str
    peer_interface: str
    peer_address: str
    area: str | None  # the OSPFv3 area when both ends run OSPF
    prefix_length: int = P2P_CONFIGURED


@dataclass(frozen=True)
class LanIntent:
    """A department LAN's IPv6 gateway: ``address`` is the gateway (prefix ::1)."""

    department: str
    ipv4: str
    vlan: int
    interface: str
    address: str
    prefix_length: int = LAN_LENGTH


@dataclass(frozen=True)
class StaticRoute:
    """``destination/length`` via ``next_hop``."""

    destination: str
    length: int
    next_hop: str


@dataclass(frozen=True)
class Ospf:
    """The device's OSPFv3 process: router id (IPv4 form), its own area, what it redistributes."""

    process: int
    router_id: str
    area: str
    import_static: bool
    originate_default: bool


@dataclass(frozen=True)
class DeviceIntent:
    """Everything the dual-stack configuration of one device is rendered from."""

    hostname: str
    platform: str
    level: Level
    loopback_interface: str
    loopback: str
    links: tuple[LinkIntent, ...]
    lans: tuple[LanIntent, ...] = ()
    statics: tuple[StaticRoute, ...] = ()
    ospf: Ospf | None = None
    addresses: tuple[tuple[str, str, int], ...] = field(
        default=(), repr=False
    )  # (interface, address, length)


def _county_of(site: Site, sites: dict[str, Site]) -> Site | None:
    current: Site | None = site
    while current is not None and current.level not in (Level.COUNTY, Level.CITY, Level.PROVINCE):
        current = sites.get(current.parent) if current.parent else None
    return current if current is not None and current.level == Level.COUNTY else None


def _router_id(device: Device, loopback: int) -> str:
    if device.management.version == 4:
        return str(device.management)
    low = loopback & 0xFFFFFFFF
    return ".".join(str((low >> shift) & 0xFF) for shift in (24, 16, 8, 0))


class IntentBuilder:
    """Computes :class:`DeviceIntent` for any device of one inventory (indexes built once)."""

    def __init__(self, inventory: Inventory, lock: Lock, config: RenderSettings) -> None:
        self.inventory, self.lock, self.config = inventory, lock, config
        self.sites = inventory.site_by_id
        counties = sorted(s.id for s in inventory.sites if s.level == Level.COUNTY)
        self.area_of_county = {county: f"0.0.0.{n + 1}" for n, county in enumerate(counties)}
        self.devices = inventory.device_by_hostname
        self.links_of: dict[str, list[tuple[Link, Endpoint, Endpoint, int]]] = {}
        for link in inventory.links:
            self.links_of.setdefault(link.a.device, []).append((link, link.a, link.b, 0))
            self.links_of.setdefault(link.b.device, []).append((link, link.b, link.a, 1))
        self.gateway_lans: dict[str, list[tuple[str, str]]] = {}
        for department in sorted(inventory.departments, key=lambda d: d.id):
            gateway = self._gateway(department.site)
            if gateway is not None:
                for lan in department.lans:
                    self.gateway_lans.setdefault(gateway, []).append((department.id, str(lan)))

    def _gateway(self, site_id: str) -> str | None:
        at_site = [d for d in self.inventory.devices if d.site == site_id and d.role in _GATEWAY_ROLES]
        at_site.sort(key=lambda d: (_GATEWAY_ROLES.index(d.role), d.hostname))
        return at_site[0].hostname if at_site else None

    def level(self, device: Device) -> Level:
        """The level of the device's site."""
        return self.sites[device.site].level

    def area(self, device: Device) -> str | None:
        """The device's OSPFv3 area, or None when its level does not run OSPF."""
        site = self.sites[device.site]
        if site.level not in self.config.routing.ospfv3.levels:
            return None
        if site.level == Level.CITY:
            return "0.0.0.0"
        county = _county_of(site, self.sites)
        return self.area_of_county.get(county.id, "0.0.0.0") if county else "0.0.0.0"

    def build(self, hostname: str) -> DeviceIntent:
        """The intent of one device; IntentError when the lock lacks an allocation it needs."""
        device = self.devices[hostname]
        loopback = self.lock.loopbacks.get(hostname)
        if loopback is None:
            raise IntentError(
                hostname, "has no loopback in the address plan", "run `egov plan INVENTORY_DIR`"
            )
        area = self.area(device)
        links, statics = self._links(device, area)
        lans = self._lans(device, area)
        ospf = None
        if area is not None:
            province_peer = any(self.level(self.devices[link.peer]) == Level.PROVINCE for link in links)
            ospf = Ospf(
                self.config.routing.ospfv3.process,
                _router_id(device, loopback),
                area,
                import_static=bool(statics),
                originate_default=province_peer,
            )
        loopback_interface = platform_spec(device.platform).loopback
        addresses = (
            (loopback_interface, address_text(loopback), 128),
            *((link.interface, link.address, link.prefix_length) for link in links),
            *((lan.interface, lan.address, lan.prefix_length) for lan in lans),
        )
        return DeviceIntent(
            hostname,
            device.platform,
            self.level(device),
            loopback_interface,
            address_text(loopback),
            tuple(links),
            tuple(lans),
            tuple(statics),
            ospf,
            addresses,
        )

    def _links(self, device: Device, area: str | None) -> tuple[list[LinkIntent], list[StaticRoute]]:
        links: list[LinkIntent] = []
        statics: list[StaticRoute] = []
        my_level = self.level(device)
        for link, near, far, offset in self.links_of.get(device.hostname, []):
            network = self.lock.links.get(link.id)
            if network is None:
                raise IntentError(
                    device.hostname, f"link {link.id} has no /127 in the address plan", "run `egov plan`"
                )
            peer = self.devices.get(far.device)
            if peer is None:
                continue
            peer_level, peer_area = self.level(peer), self.area(peer)
            link_area = None
            if area is not None and peer_area is not None:
                link_area = "0.0.0.0" if Level.CITY in (my_level, peer_level) else area
            here, there = address_text(network + offset), address_text(network + 1 - offset)
            links.append(
                LinkIntent(link.id, near.interface, here, peer.hostname, far.interface, there, link_area)
            )
            statics += self._statics(my_level, peer, peer_level, area, there)
        return links, statics

    def _statics(
        self, my_level: Level, peer: Device, peer_level: Level, area: str | None, there: str
    ) -> list[StaticRoute]:
        static_levels = self.config.routing.static_default
        if peer_level == Level.PROVINCE or (my_level in static_levels and peer_level.depth < my_level.depth):
            return [StaticRoute("::", 0, there)]  # the default route toward the parent
        if area is not None and peer_level in static_levels and peer_level.depth > my_level.depth:
            site = self.lock.sites.get(peer.site)
            if site is not None:
                return [StaticRoute(address_text(site[0]), site[1], there)]  # the static site below
        return []

    def _lans(self, device: Device, area: str | None) -> list[LanIntent]:
        prefix = platform_spec(device.platform).vlan_interface
        out = []
        for n, (department, ipv4) in enumerate(self.gateway_lans.get(device.hostname, [])):
            allocation = self.lock.lans.get(f"{department} {ipv4}")
            if allocation is None:
                raise IntentError(
                    device.hostname,
                    f"department LAN {department} {ipv4} has no /64 in the plan",
                    "run `egov plan`",
                )
            vlan = self.config.lan_vlan_base + n
            out.append(LanIntent(department, ipv4, vlan, f"{prefix}{vlan}", address_text(allocation[0] + 1)))
        return out
