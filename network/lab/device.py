"""The lab twin's devices and the world they share: configuration, links, counters, neighbours, ping.

A :class:`TwinDevice` holds its running configuration (and, on VRP8, sessions hold candidates).
The :class:`Fabric` knows every twin and the inventory's links between them, so a device can show
its IPv6 neighbours (when both ends of a link have addresses) and answer ``ping ipv6`` to a linked
peer. Interface speeds are the link's capacity (the port's own speed where no link is declared);
counters advance with the link's utilisation from :class:`~network.lab.conditions.Conditions`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass, field

from network.devices.names import expand
from network.inventory import Inventory
from network.inventory.model import Device
from network.inventory.platforms import PlatformSpec, known_platforms, platform_spec
from network.lab.conditions import Conditions
from network.lab.vpn import Block

_PACKET_BYTES = 800  # average packet size the counters assume
BOOTED_BEFORE = 12 * 86400 + 3 * 3600 + 4 * 60  # the twin's devices came up 12 days 3 h 4 min before the lab


@dataclass
class TwinInterface:
    """An interface of a twin: speed in Mbit/s, addresses as configured (``ADDR/LEN``, VRP's upper case)."""

    name: str
    speed: int | None
    description: str = ""
    shutdown: bool = False
    ipv6_enabled: bool = False
    ipv6: list[str] = field(default_factory=list)
    ipv4: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # routing and ND lines (``ospfv3 1 area 0.0.0.1``)
    logical: bool = False  # created by configuration (Vlanif, LoopBack), so `undo interface` may delete it
    vpn: str | None = None  # the VPN instance it is bound to (``ip binding vpn-instance``)


# Configuration lines the twin keeps without modelling them further, by platform family.
SECTION_HEADS = {"huawei": ("ospfv3",), "ios": ("ipv6 router ospf",)}
SECTION_CHILDREN = {
    "huawei": ("router-id", "area", "import-route", "default-route-advertise"),
    "ios": ("router-id", "redistribute", "default-information"),
}
INTERFACE_EXTRAS = {
    "huawei": ("ospfv3", "ipv6 nd ra halt", "traffic-filter", "packet-filter"),
    "ios": ("ipv6 ospf", "ipv6 nd ra suppress", "ip access-group", "ipv6 traffic-filter"),
}
LOGICAL_INTERFACES = {"huawei": ("Vlanif", "LoopBack", "Vlan-interface"), "ios": ("Vlan", "Loopback")}


@dataclass
class TwinConfig:
    """The configuration a twin holds (running, or a VRP8 candidate)."""

    interfaces: dict[str, TwinInterface]
    ipv6: bool = False  # global IPv6 forwarding (VRP ``ipv6``, IOS ``ipv6 unicast-routing``)
    statics: list[str] = field(default_factory=list)  # ``ip[v6] route-static …`` lines as entered
    sections: dict[str, list[str]] = field(default_factory=dict)  # ``ospfv3 1`` -> its lines
    blocks: dict[str, Block] = field(default_factory=dict)  # VPN instances, ACLs, BGP (network.lab.vpn)

    def lines(self, hostname: str, platform: str) -> list[str]:
        """``display current-configuration`` (``show running-config`` on IOS) in the platform's layout."""
        spec = platform_spec(platform)
        if spec.family == "ios":
            return self._ios_lines(hostname)
        out = ["#", f" sysname {hostname}", "#"]
        if self.ipv6 and spec.ipv6_global:
            out += [spec.ipv6_global, "#"]
        for header, block in self.blocks.items():  # VPN instances and ACLs come before the interfaces
            if not header.startswith("bgp "):
                out += [*block.lines(), "#"]
        for interface in self.interfaces.values():
            out += _huawei_interface(interface, spec.ipv6_interface_enable)
        for header, children in self.sections.items():
            out += [header, *(f" {line}" for line in children), "#"]
        for header, block in self.blocks.items():
            if header.startswith("bgp "):
                out += [*block.lines(), "#"]
        out.extend(self.statics)
        if self.statics:
            out.append("#")
        out.append("return")
        return out

    def _ios_lines(self, hostname: str) -> list[str]:
        out = [
            "Building configuration...",
            "",
            "Current configuration : 1024 bytes",
            "!",
            f"hostname {hostname}",
        ]
        out.append("!")
        if self.ipv6:
            out += ["ipv6 unicast-routing", "!"]
        for header, block in self.blocks.items():  # VRFs and access lists come before the interfaces
            if not header.startswith("router bgp "):
                out += [*block.lines(closing="exit-address-family"), "!"]
        for interface in self.interfaces.values():
            out += [*_ios_interface(interface), "!"]
        for header, children in self.sections.items():
            out += [header, *(f" {line}" for line in children), "!"]
        for header, block in self.blocks.items():
            if header.startswith("router bgp "):
                out += [*block.lines(closing="exit-address-family"), "!"]
        out.extend(self.statics)
        out += ["!", "end"]
        return out

    def copy(self) -> TwinConfig:
        """An independent copy (a VRP8 candidate, a saved configuration)."""
        return TwinConfig(
            {
                name: TwinInterface(
                    i.name,
                    i.speed,
                    i.description,
                    i.shutdown,
                    i.ipv6_enabled,
                    list(i.ipv6),
                    list(i.ipv4),
                    list(i.extra),
                    i.logical,
                    i.vpn,
                )
                for name, i in self.interfaces.items()
            },
            self.ipv6,
            list(self.statics),
            {header: list(lines) for header, lines in self.sections.items()},
            {header: block.copy() for header, block in self.blocks.items()},
        )


def _ios_interface(interface: TwinInterface) -> list[str]:
    """One interface as IOS prints it (the VRF first: entering one clears the addresses)."""
    out = [f"interface {interface.name}"]
    if interface.description:
        out.append(f" description {interface.description}")
    if interface.vpn:
        out.append(f" vrf forwarding {interface.vpn}")
    for address in interface.ipv4:
        net = ipaddress.IPv4Interface(address)
        out.append(f" ip address {net.ip} {net.netmask}")
    if not interface.ipv4:
        out.append(" no ip address")
    if interface.shutdown:
        out.append(" shutdown")
    if interface.ipv6_enabled:
        out.append(" ipv6 enable")
    out.extend(f" ipv6 address {address}" for address in interface.ipv6)
    out.extend(f" {line}" for line in interface.extra)
    return out


def _huawei_interface(interface: TwinInterface, ipv6_enable: bool) -> list[str]:
    """One interface as VRP and Comware print it (the binding first: it clears what follows)."""
    out = [f"interface {interface.name}"]
    if interface.description:
        out.append(f" description {interface.description}")
    if interface.vpn:
        out.append(f" ip binding vpn-instance {interface.vpn}")
    if interface.shutdown:
        out.append(" shutdown")
    if interface.ipv6_enabled and ipv6_enable:
        out.append(" ipv6 enable")
    for address in interface.ipv4:
        net = ipaddress.IPv4Interface(address)
        out.append(f" ip address {net.ip} {net.netmask}")
    out.extend(f" ipv6 address {address}" for address in interface.ipv6)
    out.extend(f" {line}" for line in interface.extra)
    out.append("#")
    return out


@dataclass
class Trial:
    """A trial (confirmed) commit: the configuration to go back to, and when (monotonic seconds).

    VRP8 ties a trial to the session that made it unless it was given a persist id (``commit trial N
    persist ID``): ``owner`` is that session, and the trial reverts when the session ends. Comware's
    commit delay belongs to the device (``owner`` None).
    """

    previous: TwinConfig
    deadline: float
    persist: str | None = None
    owner: int | None = None


@dataclass
class Endpoint:
    """The far end of a link seen from one interface."""

    link: str
    device: str
    interface: str


@dataclass
class _Counter:
    rx_octets: float = 0.0
    tx_octets: float = 0.0
    at: float = 0.0


@dataclass
class TwinDevice:
    """One simulated device: identity, running configuration, when each address appeared, counters."""

    hostname: str
    platform: str
    model: str
    running: TwinConfig
    serial: str = ""
    saved: bool = True
    trial: Trial | None = None
    fabric: Fabric | None = field(default=None, repr=False)
    address_since: dict[tuple[str, str], float] = field(default_factory=dict)
    _counters: dict[str, _Counter] = field(default_factory=dict, repr=False)
    started: float = field(default_factory=time.monotonic)
    booted_before: float = BOOTED_BEFORE  # seconds up when the lab started (0 after a restart)
    restarts: int = 0  # the restart number of the lab's conditions this twin last went through
    if_indexes: dict[str, int] = field(default_factory=dict, repr=False)
    acl_matches: dict[tuple[int, str, str], int] = field(
        default_factory=dict, repr=False
    )  # (family, ACL, rule)

    @property
    def spec(self) -> PlatformSpec:
        """What the platform is (network.inventory.platforms)."""
        return platform_spec(self.platform)

    @property
    def vrp8(self) -> bool:
        """VRP8 keeps a candidate configuration that only ``commit`` applies (trial commits)."""
        return self.spec.commit == "trial"

    @property
    def comware(self) -> bool:
        """H3C Comware (5 and 7): VRP-like views, its own messages and ``save force``."""
        return self.spec.family == "comware"

    @property
    def comware5(self) -> bool:
        """Comware 5's output layout (` NAME current state:`, two-line version) and no commit delay."""
        return self.comware and self.spec.major == 5

    def set_running(self, config: TwinConfig) -> None:
        """Replace the running configuration (a VRP8 commit, a rollback) and note new addresses."""
        self.running = config
        self.refresh()

    def refresh(self) -> None:
        """Note when each configured IPv6 address appeared (it is tentative for the DAD time)."""
        now = time.monotonic()
        present = {(i.name, a) for i in self.running.interfaces.values() for a in i.ipv6}
        for key in present - self.address_since.keys():
            self.address_since[key] = now
        for key in self.address_since.keys() - present:
            del self.address_since[key]

    def address_state(self, interface: str, address: str) -> str:
        """``preferred``, ``tentative`` (within the DAD time) or ``duplicate`` (the linked peer holds it)."""
        fabric = self.fabric
        dad = fabric.conditions.dad_seconds if fabric else 0.0
        if fabric is not None and fabric.duplicate(self, interface, address):
            return "duplicate"
        since = self.address_since.get((interface, address), 0.0)
        return "tentative" if time.monotonic() - since < dad else "preferred"

    def mac(self, interface: str) -> str:
        """A stable MAC per interface (Huawei's 00e0-fc OUI, H3C's 3822-d6, Cisco's aabb.cc)."""
        digest = hashlib.sha256(f"{self.hostname}/{interface}".encode()).hexdigest()
        prefix = self.spec.mac_prefix
        return prefix + digest[:6]

    def link_local(self, interface: str) -> str:
        """The EUI-64 link-local address of an interface (upper case, as VRP prints it)."""
        mac = bytes.fromhex(self.mac(interface))
        eui = bytes([mac[0] ^ 0x02, *mac[1:3], 0xFF, 0xFE, *mac[3:]])
        return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + eui)).upper()

    def speed(self, interface: TwinInterface) -> int | None:
        """Mbit/s the port runs at now: its link's degraded speed when the lab set one, else its own."""
        if self.fabric is not None:
            degraded = self.fabric.link_speed(self.hostname, interface.name)
            if degraded is not None:
                return degraded
        return interface.speed

    def _restarted(self) -> None:
        """A restart the lab's conditions ask for (``egov lab set --restart``): uptime and counters from 0."""
        wanted = self.fabric.conditions.restart_for(self.hostname) if self.fabric is not None else 0
        if wanted != self.restarts:
            self.restarts, self.started, self.booted_before = wanted, time.monotonic(), 0.0
            self._counters.clear()

    def uptime(self) -> float:
        """Seconds since the device (re)started: what ``display version`` and sysUpTime say."""
        self._restarted()
        return self.booted_before + time.monotonic() - self.started

    def if_index(self, name: str) -> int:
        """The interface's ifIndex: given when the twin first sees it, never reused (as IF-MIB asks)."""
        index = self.if_indexes.get(name)
        if index is None:
            index = self.if_indexes[name] = len(self.if_indexes) + 1
        return index

    def counters(self, interface: TwinInterface) -> tuple[int, int]:
        """Octets received and sent so far: they grow at the link's utilisation of the interface speed."""
        self._restarted()
        now = time.monotonic()
        counter = self._counters.setdefault(interface.name, _Counter(at=self.started))
        speed = self.speed(interface)
        if not interface.shutdown and speed:
            utilisation = self.fabric.utilisation(self.hostname, interface.name) if self.fabric else 0.0
            rate = speed * 1_000_000 / 8 * utilisation
            elapsed = now - counter.at
            counter.rx_octets += rate * elapsed
            counter.tx_octets += rate * elapsed * 0.6
        counter.at = now
        return int(counter.rx_octets), int(counter.tx_octets)

    @staticmethod
    def packets(octets: int) -> int:
        """Packets for a byte count (an average packet size)."""
        return octets // _PACKET_BYTES


@dataclass
class Fabric:
    """Every twin, the links between them, and the conditions they run under."""

    devices: dict[str, TwinDevice]
    peers: dict[tuple[str, str], Endpoint] = field(default_factory=dict)
    conditions: Conditions = field(default_factory=Conditions)

    def __post_init__(self) -> None:
        for device in self.devices.values():
            device.fabric = self

    def peer(self, hostname: str, interface: str) -> tuple[TwinDevice, TwinInterface] | None:
        """The device and interface at the far end of a link, when that device is in the lab."""
        end = self.peers.get((hostname, interface))
        if end is None or end.device not in self.devices:
            return None
        device = self.devices[end.device]
        far = device.running.interfaces.get(end.interface)
        return None if far is None else (device, far)

    def link_speed(self, hostname: str, interface: str) -> int | None:
        """The degraded speed (Mbit/s) of the link on this interface, if the conditions set one."""
        end = self.peers.get((hostname, interface))
        return self.conditions.speed(end.link if end else None)

    def utilisation(self, hostname: str, interface: str) -> float:
        """The configured utilisation of the link on this interface (0 for interfaces without a link)."""
        end = self.peers.get((hostname, interface))
        return self.conditions.link(end.link if end else None)

    def link_up(self, device: TwinDevice, interface: TwinInterface) -> bool:
        """Both ends of the link are in the lab and neither is shut down."""
        far = self.peer(device.hostname, interface.name)
        return far is not None and not interface.shutdown and not far[1].shutdown

    def duplicate(self, device: TwinDevice, interface: str, address: str) -> bool:
        """The linked peer holds the same address (duplicate-address detection would fail)."""
        far = self.peer(device.hostname, interface)
        if far is None:
            return False
        mine = address.split("/", maxsplit=1)[0]
        return any(a.split("/")[0] == mine for a in far[1].ipv6)

    def neighbors(self, device: TwinDevice) -> list[tuple[str, str, str]]:
        """(address, MAC, local interface) for each linked peer address, when both ends have addresses."""
        out = []
        for interface in device.running.interfaces.values():
            far = self.peer(device.hostname, interface.name)
            if far is None or not self.link_up(device, interface) or not interface.ipv6:
                continue
            peer, remote = far
            if not remote.ipv6 or not (remote.ipv6_enabled or peer.comware):
                continue
            mac = peer.mac(remote.name)
            out.append((peer.link_local(remote.name), mac, interface.name))
            out += [
                (a.split("/")[0], mac, interface.name) for a in remote.ipv6 if _same_net(a, interface.ipv6)
            ]
        return out

    def reachable(self, device: TwinDevice, target: str) -> bool:
        """``ping ipv6 target`` works: a linked peer holds it (not tentative), this end is on its prefix."""
        try:
            wanted = ipaddress.IPv6Address(target)
        except ValueError:
            return False
        for interface in device.running.interfaces.values():
            far = self.peer(device.hostname, interface.name)
            if far is None or not self.link_up(device, interface):
                continue
            peer, remote = far
            for address in remote.ipv6:
                here = ipaddress.IPv6Interface(address)
                if here.ip != wanted or not _same_net(address, interface.ipv6):
                    continue
                local = next(a for a in interface.ipv6 if _same_net(address, [a]))
                states = (
                    peer.address_state(remote.name, address),
                    device.address_state(interface.name, local),
                )
                return states == ("preferred", "preferred")
        return False


def _same_net(address: str, others: list[str]) -> bool:
    network = ipaddress.IPv6Interface(address).network
    return any(ipaddress.IPv6Interface(other).network == network for other in others)


def build_fabric(inventory: Inventory, conditions: Conditions | None = None) -> Fabric:
    """One twin per inventory device of a supported platform; ports at their link's capacity."""
    capacity: dict[tuple[str, str], int] = {}
    peers: dict[tuple[str, str], Endpoint] = {}
    for link in inventory.links:
        for near, far in ((link.a, link.b), (link.b, link.a)):
            capacity[(near.device, near.interface)] = link.capacity
            peers[(near.device, near.interface)] = Endpoint(link.id, far.device, far.interface)
    devices = {
        device.hostname: _twin(device, capacity)
        for device in inventory.devices
        if device.platform in known_platforms()
    }
    return Fabric(devices, peers, conditions or Conditions())


def build_devices(inventory: Inventory) -> dict[str, TwinDevice]:
    """The twins of an inventory (with their fabric), keyed by hostname."""
    return build_fabric(inventory).devices


def _twin(device: Device, capacity: dict[tuple[str, str], int]) -> TwinDevice:
    interfaces: dict[str, TwinInterface] = {}
    for interface in device.interfaces:
        bits = capacity.get((device.hostname, interface.name), interface.speed)
        speed = None if bits is None else max(1, bits // 10**6)
        name = expand(interface.name, device.platform)  # IOS spells it Loopback0, VRP LoopBack0
        interfaces[name] = TwinInterface(name, speed, interface.description)
    if isinstance(device.management, ipaddress.IPv4Address):
        loopback = platform_spec(device.platform).loopback
        interfaces.setdefault(loopback, TwinInterface(loopback, None, "management"))
        interfaces[loopback].ipv4.append(f"{device.management}/32")
    serial = hashlib.sha256(device.hostname.encode()).hexdigest()[:12].upper()
    model = device.model or platform_spec(device.platform).model
    return TwinDevice(device.hostname, device.platform, model, TwinConfig(interfaces), serial=f"21{serial}")
