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
# IOS: blocks from global configuration, their sub-modes, and the lines each takes (anything else leaves
# the block: IOS takes a global command in a sub-mode).
IOS_HEADS = (
    re.compile(r"^vrf definition \S+$"),
    re.compile(r"^ip access-list (extended|standard) \S+$"),
    re.compile(r"^ipv6 access-list \S+$"),
    re.compile(r"^router bgp \d+$"),
)
IOS_SUBVIEWS = {
    "vrf": re.compile(r"^address-family (ipv4|ipv6)( unicast)?$"),
    "router": re.compile(r"^address-family (ipv4|ipv6|vpnv4|vpnv6)( unicast)?( vrf \S+)?$"),
}
IOS_LEAVES = {
    "vrf": ("description", "rd", "route-target"),
    "ip": ("permit", "deny", "remark"),
    "ipv6": ("permit", "deny", "remark", "sequence"),
    "router": ("bgp", "neighbor", "redistribute", "network"),
}
IOS_VRF_MISSING = "% VRF {name} not configured."
IOS_VRF_CLEARED = (
    "% Interface {interface} {family} disabled and address(es) removed due to {action} VRF {name}"
)
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

    def lines(self, depth: int = 0, closing: str = "") -> list[str]:
        """The block as printed; ``closing``: the line IOS ends a sub-mode with (``exit-address-family``)."""
        out = [" " * depth + self.header]
        for child in self.children:
            if isinstance(child, Block):
                out += child.lines(depth + 1, closing)
                if closing:
                    out.append(" " * (depth + 1) + closing)
            else:
                out.append(" " * (depth + 1) + child)
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


def ios_block_header(text: str) -> str | None:
    """The header when ``text`` opens a block from IOS global configuration (``vrf definition X``…)."""
    line = " ".join(text.split())
    return line if any(pattern.match(line.lower()) for pattern in IOS_HEADS) else None


def ios_subview(path: list[Block], text: str) -> bool:
    """``text`` opens a sub-mode (an address family) inside the IOS block at the top of ``path``."""
    pattern = IOS_SUBVIEWS.get(path[0].header.split()[0]) if len(path) == 1 else None
    return pattern is not None and pattern.match(" ".join(text.split()).lower()) is not None


def ios_leaf(path: list[Block], text: str) -> bool:
    """``text`` is a line the IOS block (or its sub-mode) at ``path`` takes."""
    words = [w.lower() for w in text.split()]
    if words[:1] and words[0].isdigit():  # a sequence-numbered ACL entry
        words = words[1:]
    return bool(words) and words[0] in IOS_LEAVES.get(path[0].header.split()[0], ())


def ios_prompt(path: list[Block]) -> str:
    """The mode in the prompt: ``(config-vrf)``, ``(config-vrf-af)``, ``(config-ext-nacl)``…"""
    head = path[0].header.split()
    base = {"vrf": "config-vrf", "router": "config-router"}.get(head[0])
    if base is None:
        base = (
            "config-ipv6-acl"
            if head[0] == "ipv6"
            else f"config-{'ext' if head[2] == 'extended' else 'std'}-nacl"
        )
    return f"({base}{'-af' if len(path) > 1 else ''})"


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
        if words[:2] == ["vrf", "definition"]:
            out[words[2]] = _ios_instance(words[2], block)
            continue
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


def _ios_instance(name: str, block: Block) -> Instance:
    """``vrf definition X``: its ``rd`` for every family it opens, ``route-target`` per address family."""
    rd_line = next(
        (c.split()[1] for c in block.leaves() if c.startswith("rd ") and len(c.split()) == 2), None
    )
    rd: dict[int, str] = {}
    exports: dict[int, set[str]] = {4: set(), 6: set()}
    imports: dict[int, set[str]] = {4: set(), 6: set()}
    for child in block.children:
        if not isinstance(child, Block):
            continue
        family = 6 if "ipv6" in child.header else 4
        if rd_line is not None:
            rd[family] = rd_line
        for line in child.leaves():
            words = line.split()
            if words[0] == "route-target" and len(words) == 3:
                if words[1] in ("export", "both"):
                    exports[family].add(words[2])
                if words[1] in ("import", "both"):
                    imports[family].add(words[2])
    return Instance(name, rd, exports, imports)


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
    ios = device.spec.family == "ios"
    keyword = ("ip" if family == 4 else "ipv6") + (" route vrf " if ios else " route-static vpn-instance ")
    keyword += name + " "
    for line in device.running.statics:
        if not line.startswith(keyword):
            continue
        words = line[len(keyword) :].split()
        if "/" in words[0]:  # IOS IPv6: ``PREFIX/LEN HOP``
            words = [*words[0].split("/"), *words[1:]]
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
    """Who this configuration's BGP gives VPNv4/VPNv6 routes (VRP, Comware ``peer X enable``; IOS
    ``neighbor X activate``)."""
    block = next((b for h, b in config.blocks.items() if h.startswith(("bgp ", "router bgp "))), None)
    if block is None:
        return set()
    out: set[str] = set()
    for child in block.children:
        if isinstance(child, Block) and child.header.split()[-1] == ("vpnv4" if family == 4 else "vpnv6"):
            out |= {
                line.split()[1].lower() for line in child.leaves() if line.endswith((" enable", " activate"))
            }
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


def show_vrf(device: TwinDevice) -> str:
    """IOS ``show vrf``: name, default RD, the protocols it opens and its interfaces (one per line)."""
    out = ["  Name                             Default RD            Protocols   Interfaces"]
    for instance in instances(device.running).values():
        protocols = ",".join(f"ipv{f}" for f in (4, 6) if f in instance.rd) or ""
        rd = instance.rd.get(4, instance.rd.get(6, "<not set>"))
        bound = [
            abbreviate(i.name, device.platform)
            for i in device.running.interfaces.values()
            if i.vpn == instance.name
        ]
        first = bound[0] if bound else ""
        out.append(f"  {instance.name:<33}{rd:<22}{protocols:<12}{first}".rstrip())
        out += [f"{'':<69}{name}" for name in bound[1:]]
    return "\n".join(out)


IOS_CODES = """Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR"""


def show_ip_route_vrf(device: TwinDevice, name: str) -> str:
    """IOS ``show ip route vrf X``: connected networks with their local /32, static and BGP routes, under
    their classful network's ``is (variably) subnetted`` line."""
    rows: list[tuple[ipaddress.IPv4Network, str]] = []
    for route in routes(device, name, 4):
        prefix = ipaddress.IPv4Network(route.prefix)
        if route.protocol == "Direct":
            rows.append((prefix, f"C        {prefix} is directly connected, {route.interface}"))
            local = ipaddress.IPv4Network(f"{route.next_hop}/32")
            rows.append((local, f"L        {local} is directly connected, {route.interface}"))
        elif route.protocol == "Static":
            rows.append((prefix, f"S        {prefix} [1/0] via {route.next_hop}"))
        else:
            rows.append((prefix, f"B        {prefix} [200/0] via {route.next_hop}, 00:12:07"))
    out = [f"Routing Table: {name}", IOS_CODES, "", "Gateway of last resort is not set", ""]
    groups: dict[ipaddress.IPv4Network, list[tuple[ipaddress.IPv4Network, str]]] = {}
    for prefix, line in rows:
        groups.setdefault(_classful(prefix), []).append((prefix, line))
    for network, members in sorted(groups.items()):
        masks = {p.prefixlen for p, _ in members}
        if len(masks) > 1:
            out.append(f"      {network} is variably subnetted, {len(members)} subnets, {len(masks)} masks")
        else:
            out.append(
                f"      {network.network_address}/{network.prefixlen} is subnetted, {len(members)} subnets"
            )
        out += [line for _, line in sorted(members)]
    return "\n".join(out)


def show_ipv6_route_vrf(device: TwinDevice, name: str) -> str:
    """IOS ``show ipv6 route vrf X``: each route on two lines, connected networks with their local /128."""
    entries: list[tuple[str, str]] = []
    for route in routes(device, name, 6):
        prefix = f"{str(route.prefix.network_address).upper()}/{route.prefix.prefixlen}"
        if route.protocol == "Direct":
            entries.append((f"C   {prefix} [0/0]", f"     via {route.interface}, directly connected"))
            entries.append((f"L   {route.next_hop}/128 [0/0]", f"     via {route.interface}, receive"))
        elif route.protocol == "Static":
            entries.append((f"S   {prefix} [1/0]", f"     via {route.next_hop}"))
        else:
            entries.append((f"B   {prefix} [200/0]", f"     via {route.next_hop}"))
    out = [
        f"IPv6 Routing Table - {name} - {len(entries)} entries",
        "Codes: C - Connected, L - Local, S - Static, U - Per-user Static route",
        "       B - BGP, R - RIP, H - NHRP, I1 - ISIS L1, I2 - ISIS L2",
        "       IA - ISIS interarea, IS - ISIS summary, D - EIGRP, EX - EIGRP external",
        "       O - OSPF Intra, OI - OSPF Inter, OE1 - OSPF ext 1, OE2 - OSPF ext 2",
        "       ON1 - OSPF NSSA ext 1, ON2 - OSPF NSSA ext 2, la - LISP alt",
        "       lr - LISP site-registrations, ld - LISP dyn-eid, a - Application",
    ]
    return "\n".join(out + [line for entry in entries for line in entry])


def _classful(prefix: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
    first = int(prefix.network_address) >> 24
    length = 8 if first < 128 else 16 if first < 192 else 24
    return ipaddress.IPv4Network(f"{prefix.network_address}/{length}", strict=False)


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
