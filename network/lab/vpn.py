"""The twin's VPN instances, ACLs and BGP: configuration blocks with sub-views, what they mean, and the
displays that show them (``display ip vpn-instance``, ``display ip[v6] routing-table vpn-instance X``,
``display acl [ipv6] all``), in the layouts of the real captures ntc-templates parses.

Blocks are kept as the lines the device was given, nested as its views nest them (``ip vpn-instance X``
→ ``ipv4-family``; ``bgp N`` → ``ipv4-family vpnv4`` or ``ipv4-family vpn-instance X``; Comware's
``address-family`` views), so the running configuration prints them back in the device's order. What
they mean — an instance's RD and route targets, an interface's binding, the routes of an instance — is
read from them when asked: a VPN instance's routing table holds the networks of the interfaces bound to
it, its static routes, and the routes other instances export with a route target it imports, from this
twin or another twin of the fabric whose BGP names this one as a VPNv4/VPNv6 peer.
"""

from __future__ import annotations

import ipaddress
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from network.devices.names import abbreviate

if TYPE_CHECKING:
    from network.lab.device import TwinConfig, TwinDevice

# Blocks that open a view from system view, per CLI family (VRP and Comware share them).
_HEADS = (
    re.compile(r"^ip vpn-instance \S+$"),
    re.compile(r"^acl (ipv6 )?number \d+$"),
    re.compile(r"^bgp \d+$"),
)
# Views inside a block, by where they open: an instance's families, BGP's address families and
# instances (VRP ``ipv4-family vpn-instance X``; Comware ``ip vpn-instance X`` then ``address-family``).
_SUBVIEWS = {
    "vpn": re.compile(r"^(ipv4-family|ipv6-family|address-family (ipv4|ipv6))$"),
    "bgp": re.compile(
        r"^((ipv4-family|ipv6-family) (unicast|vpnv4|vpnv6|vpn-instance \S+)"
        r"|address-family (ipv4|ipv6|vpnv4|vpnv6)( unicast)?|ip vpn-instance \S+)$"
    ),
    "bgp-vpn": re.compile(r"^address-family (ipv4|ipv6)( unicast)?$"),
}
NO_INSTANCE = "Error: The VPN instance does not exist."
RD_CHANGED = "Error: The RD cannot be changed. To change it, delete the RD first."
BOUND_IPV4 = "Info: All IPv4 related configurations on this interface are removed!"
BOUND_IPV6 = "Info: All IPv6 related configurations on this interface are removed!"


@dataclass
class Block:
    """A configuration block: its header line and its children, lines or nested blocks, in order."""

    header: str
    children: list[str | Block] = field(default_factory=list)

    def copy(self) -> Block:
        return Block(self.header, [c.copy() if isinstance(c, Block) else c for c in self.children])

    def lines(self, depth: int = 0) -> list[str]:
        out = [" " * depth + self.header]
        for child in self.children:
            out += child.lines(depth + 1) if isinstance(child, Block) else [" " * (depth + 1) + child]
        return out

    def sub(self, header: str) -> Block | None:
        return next((c for c in self.children if isinstance(c, Block) and c.header == header), None)

    def leaves(self) -> list[str]:
        return [c for c in self.children if isinstance(c, str)]


def block_header(text: str) -> str | None:
    """The header when ``text`` opens a block from system view (``ip vpn-instance X``, ``acl number N``…)."""
    line = " ".join(text.split())
    lowered = line.lower()
    if any(pattern.match(lowered) for pattern in _HEADS):
        return line if lowered.startswith("ip vpn-instance") else lowered
    return None


def _context(path: list[Block]) -> str:
    head = path[0].header.split()
    if head[:2] == ["ip", "vpn-instance"] and len(path) == 1:
        return "vpn"
    if head[0] == "bgp" and len(path) == 1:
        return "bgp"
    if head[0] == "bgp" and len(path) == 2 and path[1].header.startswith("ip vpn-instance"):
        return "bgp-vpn"
    return ""


def subview(path: list[Block], text: str) -> bool:
    """``text`` opens a view inside the innermost block of ``path``."""
    pattern = _SUBVIEWS.get(_context(path))
    return pattern is not None and pattern.match(" ".join(text.split()).lower()) is not None


def prompt_suffix(path: list[Block]) -> str:
    """The prompt of a block view: ``vpn-instance-X``, ``vpn-instance-X-af-ipv4``, ``acl-adv-N``…"""
    head = path[0].header.split()
    if head[:2] == ["ip", "vpn-instance"]:
        suffix = f"vpn-instance-{head[2]}"
    elif head[0] == "acl":
        suffix = f"acl{'6' if 'ipv6' in head else ''}-adv-{head[-1]}"
    else:
        suffix = "bgp"
    for block in path[1:]:
        words = block.header.split()
        if "vpn-instance" in words:
            suffix = f"bgp-{words[-1]}"
        else:
            suffix += "-af-" + words[-1] if words[0] != "address-family" else f"-af-{words[1]}"
    return suffix


# --- what the blocks mean ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """A VPN instance as configured: per family (4, 6) its RD and route targets."""

    name: str
    rd: dict[int, str]
    exports: dict[int, set[str]]
    imports: dict[int, set[str]]


def instances(config: TwinConfig) -> dict[str, Instance]:
    """Every VPN instance of a configuration."""
    out = {}
    for header, block in config.blocks.items():
        words = header.split()
        if words[:2] != ["ip", "vpn-instance"]:
            continue
        rd: dict[int, str] = {}
        exports: dict[int, set[str]] = {4: set(), 6: set()}
        imports: dict[int, set[str]] = {4: set(), 6: set()}
        for child in block.children:
            if isinstance(child, Block):
                family = 6 if "ipv6" in child.header else 4
                _targets(child.leaves(), (family,), rd, exports, imports)
            else:
                _targets([child], (4, 6), rd, exports, imports)
        out[words[2]] = Instance(words[2], rd, exports, imports)
    return out


def _targets(
    lines: list[str],
    families: tuple[int, ...],
    rd: dict[int, str],
    exports: dict[int, set[str]],
    imports: dict[int, set[str]],
) -> None:
    for line in lines:
        words = line.split()
        if words[0] == "route-distinguisher" and len(words) == 2:
            for family in families:
                rd[family] = words[1]
        elif words[0] == "vpn-target":
            kind = words[-1] if words[-1].endswith("extcommunity") or words[-1] == "both" else "both"
            for target in (w for w in words[1:] if ":" in w):
                for family in families:
                    if kind in ("export-extcommunity", "both"):
                        exports[family].add(target)
                    if kind in ("import-extcommunity", "both"):
                        imports[family].add(target)


def rd_conflict(config: TwinConfig, path: list[Block], line: str) -> bool:
    """``route-distinguisher X`` where the instance (or its family) already has another RD."""
    words = line.split()
    if words[:1] != ["route-distinguisher"] or len(words) != 2:
        return False
    current = [c for c in path[-1].leaves() if c.startswith("route-distinguisher ")]
    return bool(current) and current[0] != line


@dataclass(frozen=True)
class Route:
    """A route of a VPN instance: prefix, next hop, protocol (Direct, Static, IBGP) and interface."""

    prefix: ipaddress.IPv4Network | ipaddress.IPv6Network
    next_hop: str
    protocol: str
    interface: str


def _local(device: TwinDevice, name: str, family: int) -> list[Route]:
    out = []
    for interface in device.running.interfaces.values():
        if interface.vpn != name or interface.shutdown:
            continue
        for address in interface.ipv4 if family == 4 else interface.ipv6:
            net = ipaddress.ip_interface(address)
            out.append(Route(net.network, str(net.ip).upper(), "Direct", interface.name))
    keyword = ("ip" if family == 4 else "ipv6") + " route-static vpn-instance " + name + " "
    for line in device.running.statics:
        if not line.startswith(keyword):
            continue
        words = line[len(keyword) :].split()
        length = (
            words[1]
            if family == 6 or words[1].isdigit()
            else ipaddress.IPv4Network(f"0.0.0.0/{words[1]}").prefixlen
        )
        prefix = ipaddress.ip_network(f"{words[0]}/{length}", strict=False)
        via = next((r.interface for r in out if ipaddress.ip_address(words[2]) in r.prefix), "NULL0")
        out.append(Route(prefix, words[2].upper(), "Static", via))
    return out


def _bgp_peers(config: TwinConfig, family: int) -> set[str]:
    block = next((b for h, b in config.blocks.items() if h.startswith("bgp ")), None)
    if block is None:
        return set()
    out: set[str] = set()
    for child in block.children:
        if isinstance(child, Block) and child.header.split()[-1] == ("vpnv4" if family == 4 else "vpnv6"):
            out |= {line.split()[1].lower() for line in child.leaves() if line.endswith(" enable")}
    return out


def _addresses(device: TwinDevice) -> set[str]:
    return {a.split("/")[0].lower() for i in device.running.interfaces.values() for a in (*i.ipv4, *i.ipv6)}


def _router_address(device: TwinDevice) -> str:
    """The address BGP peers reach a twin on: its loopback's IPv4 (the management address)."""
    loopback = device.running.interfaces.get(device.spec.loopback)
    if loopback is not None and loopback.ipv4:
        return loopback.ipv4[0].split("/")[0]
    return "0.0.0.0"


def routes(device: TwinDevice, name: str, family: int) -> list[Route]:
    """The routing table of one VPN instance in one family: connected, static, and BGP VPN routes."""
    mine = instances(device.running).get(name)
    if mine is None:
        return []
    out = _local(device, name, family)
    others = [device] + (
        [d for d in device.fabric.devices.values() if d is not device] if device.fabric else []
    )
    me = _addresses(device)
    for other in others:
        if other is not device:
            peers = _bgp_peers(device.running, family)
            if not (peers & _addresses(other)) or not (_bgp_peers(other.running, family) & me):
                continue
        for instance in instances(other.running).values():
            if other is device and instance.name == name:
                continue
            if not (instance.exports[family] & mine.imports[family]):
                continue
            for route in _local(other, instance.name, family):
                if other is device:  # another instance of this PE: leaked locally, as it is
                    out.append(route)
                    continue
                peer = _router_address(other)
                hop = f"::FFFF:{peer}" if family == 6 else peer  # 6VPE: the IPv4 next hop, mapped
                out.append(Route(route.prefix, hop, "IBGP", route.interface))
    return out


def route_lookup(device: TwinDevice, name: str, address: str) -> Route | None:
    """The longest match for ``address`` in a VPN instance's table."""
    wanted = ipaddress.ip_address(address)
    found = [r for r in routes(device, name, wanted.version) if wanted in r.prefix]
    return max(found, key=lambda r: r.prefix.prefixlen) if found else None


# --- displays ----------------------------------------------------------------------------------------------


def display_instances(device: TwinDevice) -> str:
    """``display ip vpn-instance``: totals, then a line per instance and family."""
    found = instances(device.running)
    v4 = [i for i in found.values() if 4 in i.rd]
    v6 = [i for i in found.values() if 6 in i.rd]
    out = [
        f" Total VPN-Instances configured      : {len(found)}",
        f" Total IPv4 VPN-Instances configured : {len(v4)}",
        f" Total IPv6 VPN-Instances configured : {len(v6)}",
        "",
        f"  {'VPN-Instance Name':<32}{'RD':<22}Address-family",
    ]
    for instance in found.values():
        for family in (4, 6):
            if family in instance.rd:
                out.append(f"  {instance.name:<32}{instance.rd[family]:<22}IPv{family}")
    return "\n".join(out)


def display_instances_comware(device: TwinDevice) -> str:
    """Comware 7's ``display ip vpn-instance``: the total, then a line per instance (its RD, when it was
    created: the twin's boot)."""
    found = instances(device.running)
    created = time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(time.time() - device.uptime()))
    out = [
        f"  Total VPN-Instances configured : {len(found)}",
        f"  {'VPN-Instance Name':<32}{'RD':<23}Create time",
    ]
    out += [f"  {i.name:<32}{i.rd.get(4, i.rd.get(6, '')):<23}{created}" for i in found.values()]
    return "\n".join(out)


def display_instance_comware(device: TwinDevice, name: str) -> str:
    """Comware 7's ``display ip vpn-instance instance-name X``: its index, RD, description, interfaces,
    and per family its export and import targets."""
    found = instances(device.running)
    instance = found[name]
    block = device.running.blocks[f"ip vpn-instance {name}"]
    description = next((c.split(maxsplit=1)[1] for c in block.leaves() if c.startswith("description ")), "")
    bound = [i.name for i in device.running.interfaces.values() if i.vpn == name]
    out = [
        f"  VPN-Instance Name and Index : {name}, {list(found).index(name) + 1}",
        f"  Route Distinguisher : {instance.rd.get(4, instance.rd.get(6, ''))}",
    ]
    if description:
        out.append(f"  Description : {description}")
    if bound:
        out.append("  Interfaces : " + ",\n               ".join(bound))
    for family in (4, 6):
        if not instance.exports[family] and not instance.imports[family]:
            continue
        out += [
            f"  Address-family IPv{family}:",
            "   Export VPN Targets :",
            "       " + " ".join(sorted(instance.exports[family])),
            "   Import VPN Targets :",
            "       " + " ".join(sorted(instance.imports[family])),
        ]
    return "\n".join(out)


def display_routes_comware(device: TwinDevice, name: str) -> str:
    """Comware 7's ``display ip routing-table vpn-instance X``: the counts, then a row per route
    (``Destination/Mask Proto Pre Cost NextHop Interface``, the interface abbreviated)."""
    table = routes(device, name, 4)
    out = [
        "",
        f"Destinations : {len(table):<10}Routes : {len(table)}",
        "",
        f"{'Destination/Mask':<19}{'Proto':<8}{'Pre':<4}{'Cost':<12}{'NextHop':<16}Interface",
    ]
    for route in table:
        protocol = {"IBGP": "BGP"}.get(route.protocol, route.protocol)
        preference = {"Direct": 0, "Static": 60}.get(route.protocol, 255)
        interface = abbreviate(route.interface, device.platform)
        out.append(f"{route.prefix!s:<19}{protocol:<8}{preference:<4}{0:<12}{route.next_hop:<16}{interface}")
    return "\n".join(out)


def display_routes(device: TwinDevice, name: str, family: int) -> str:
    """``display ip[v6] routing-table vpn-instance X [verbose]``, in the verbose layouts of VRP's IPv4
    (``Destination: A/L``, ``Routing Tables: X``) and IPv6 (``Routing Table : X``) tables."""
    table = routes(device, name, family)
    if family == 6:
        from network.lab.render import route_block  # noqa: PLC0415 - the layout the public table uses

        blocks = [
            route_block(
                str(r.prefix.network_address).upper(), r.prefix.prefixlen, r.next_hop, r.protocol, r.interface
            )
            for r in table
        ]
        head = [f"Routing Table : {name}", f"\tDestinations : {len(blocks)}\tRoutes : {len(blocks)}", ""]
        return "\n".join(head + [line for block in blocks for line in block]).rstrip("\n")
    out = [
        "Route Flags: R - relay, D - download to fib, T - to vpn-instance",
        "-" * 78,
        f"Routing Tables: {name}",
        f"         Destinations : {len(table):<9}Routes : {len(table):<9}",
        "",
    ]
    for route in table:
        direct = route.protocol == "Direct"
        neighbour = route.next_hop if route.protocol == "IBGP" else "0.0.0.0"
        priority = "high" if direct else "medium" if route.protocol == "Static" else "low"
        out += [
            "",
            f"Destination: {route.prefix}",
            f"     Protocol: {route.protocol:<17}Process ID: 0",
            f"   Preference: {0 if direct else 60 if route.protocol == 'Static' else 255:<21}Cost: 0",
            f"      NextHop: {route.next_hop:<18}Neighbour: {neighbour}",
            f"        State: {'Active Adv':<22}Age: 00h12m07s",
            f"          Tag: {0:<18}Priority: {priority}",
            f"        Label: {'NULL':<19}QoSInfo: 0x0",
            f"   IndirectID: {'0x0':<15}",
            f" RelayNextHop: {'0.0.0.0':<17}Interface: {route.interface}",
            f"     TunnelID: {'0x0':<19}Flags: {' D' if direct else 'RD'}",
        ]
    return "\n".join(out)


def display_acls(device: TwinDevice, family: int) -> str:
    """``display acl all`` / ``display acl ipv6 all``: each ACL, its rules and their match counters."""
    found = [
        (header, block)
        for header, block in device.running.blocks.items()
        if header.startswith("acl ") and (("ipv6" in header.split()) == (family == 6))
    ]
    nonempty = [(h, b) for h, b in found if any(c.startswith("rule ") for c in b.leaves())]
    if family == 4:
        out = [f" Total quantity of nonempty ACL number is {len(nonempty)} ", ""]
    else:
        out = [f" Total nonempty acl6 number is {len(nonempty)}", ""]
    for header, block in found:
        number = header.split()[-1]
        rules = [c for c in block.leaves() if c.startswith("rule ")]
        kind = ("Advanced" if int(number) >= 3000 else "Basic") + (" IPv6" if family == 6 else "")
        plural = "rule" if len(rules) == 1 else "rules"
        out.append(f"{kind} ACL {number}, {len(rules)} {plural}")
        out.append("Acl's step is 5")
        for rule in rules:
            count = device.acl_matches.get((family, number, rule.split()[1]), 0)
            out.append(f" {rule} ({count} matches)" if count else f" {rule} ")
        out.append("")
    return "\n".join(out).rstrip("\n")
