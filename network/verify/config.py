"""A device configuration as text → what isolation depends on: VPN instances, bindings, routes, ACLs, BGP.

One parser per CLI family, over the indented tree the devices print (``display current-configuration``,
``show running-config``) or the toolkit renders: VRP5/VRP8 and Comware share most of their words, IOS
has its own. Every fact keeps its line number, so a finding can name the line responsible. Lines the
check does not need are skipped, never refused: a real configuration holds far more than this reads.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network

Net = IPv4Network | IPv6Network
PORT_NUMBERS = {"www": 80, "http": 80, "domain": 53, "ftp": 21, "telnet": 23, "smtp": 25, "https": 443}
GLOBAL = ""  # the name of the public (global) routing table


@dataclass(frozen=True)
class Line:
    """Where a fact was written: ``number`` (1-based) in the device's configuration, and its text."""

    number: int
    text: str


@dataclass
class VpnInstanceConfig:
    """A VPN instance (VRF): per family (4, 6) its RD, export and import route targets, each with its line."""

    name: str
    line: Line
    rd: dict[int, str] = field(default_factory=dict)
    exports: dict[int, list[tuple[str, Line]]] = field(default_factory=lambda: {4: [], 6: []})
    imports: dict[int, list[tuple[str, Line]]] = field(default_factory=lambda: {4: [], 6: []})


@dataclass
class InterfaceConfig:
    """An interface: the table it is in (``GLOBAL`` or a VPN instance), its addresses and its filters."""

    name: str
    line: Line
    vpn: str = GLOBAL
    vpn_line: Line | None = None
    addresses: list[tuple[IPv4Interface | IPv6Interface, Line]] = field(default_factory=list)
    filters: dict[tuple[int, str], tuple[str, Line]] = field(default_factory=dict)  # (family, in|out) -> ACL
    shutdown: bool = False


@dataclass(frozen=True)
class StaticRoute:
    """A static route in a table: ``next_hop`` an address, or an interface name."""

    table: str
    prefix: Net
    next_hop: str
    line: Line

    @property
    def discards(self) -> bool:
        """A route to the null interface (``NULL0``, ``Null0``): a blackhole, not a way to the prefix."""
        return self.next_hop.lower() in ("null0", "null 0")


Ports = tuple[int, int]  # an inclusive range: ``eq 80`` is (80, 80), ``range 1000 2000``, ``gt 1023`` ...


@dataclass(frozen=True)
class AclRuleConfig:
    """One rule; ``protocol`` ip (any IP), tcp, udp, icmp (ICMPv6 in IPv6) or a number; None means any."""

    action: str
    protocol: str
    source: Net | None
    destination: Net | None
    source_ports: Ports | None
    destination_ports: Ports | None
    line: Line


@dataclass
class AclConfig:
    """An ACL of one family; ``default``: what a packet no rule matches gets where it is applied."""

    key: str
    family: int
    line: Line
    rules: list[AclRuleConfig] = field(default_factory=list)
    default: str = "permit"


@dataclass
class BgpConfig:
    """MP-BGP: the AS, peers (address -> its line), who gets VPNv4/VPNv6, what each instance imports."""

    asn: str
    line: Line
    peers: dict[str, Line] = field(default_factory=dict)
    vpn_peers: dict[int, set[str]] = field(default_factory=lambda: {4: set(), 6: set()})
    redistributes: dict[tuple[str, int], set[str]] = field(
        default_factory=dict
    )  # (vpn, family) -> {direct, static}


@dataclass
class DeviceConfig:
    """What one device's configuration says, for the isolation check."""

    hostname: str
    platform: str
    source: str  # where the text came from, for messages (a file, "intended", the lab)
    vpns: dict[str, VpnInstanceConfig] = field(default_factory=dict)
    interfaces: dict[str, InterfaceConfig] = field(default_factory=dict)
    statics: list[StaticRoute] = field(default_factory=list)
    acls: dict[tuple[int, str], AclConfig] = field(default_factory=dict)  # (family, key)
    bgp: BgpConfig | None = None
    unparsed: list[Line] = field(default_factory=list)  # lines of the sections read that were not understood


# --- the indented tree ---------------------------------------------------------------------------------


@dataclass
class _Node:
    line: Line
    depth: int
    children: list[_Node] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.line.text.split()


def _tree(text: str) -> list[_Node]:
    """Top-level nodes, each with its indented children. A ``#``/``!`` separator ends the sections at its
    depth (Comware prints its global commands one space in, after a ``#``); frame lines are dropped."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        depth = len(raw) - len(raw.lstrip(" "))
        if stripped in ("#", "!"):  # the end of the sections at its depth and deeper
            while stack and stack[-1].depth >= depth:
                stack.pop()
            continue
        if not stripped or stripped in ("return", "end") or stripped.startswith(("!", "[V")):
            continue
        node = _Node(Line(number, stripped), depth)
        while stack and stack[-1].depth >= depth:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


# --- shared words ---------------------------------------------------------------------------------------


def _net(words: list[str], at: int, family: int) -> tuple[Net | None, int]:
    """A prefix at ``words[at]``: ``any``, ``A/len``, ``A W`` (IPv4 wildcard), ``A len``, ``host A``;
    returns it (None for any) and how many words it took."""
    word = words[at]
    if word == "any":
        return None, 1
    if word == "host":
        return ipaddress.ip_network(words[at + 1]), 2
    if "/" in word:
        return ipaddress.ip_network(word.lower(), strict=False), 1
    nxt = words[at + 1] if at + 1 < len(words) else ""
    return _ipv4_net(word, nxt) if family == 4 else _ipv6_net(word, nxt)


def _ipv4_net(word: str, nxt: str) -> tuple[Net, int]:
    """``A W`` (a wildcard mask; ``0`` for a host) or a bare address."""
    if nxt.count(".") == 3:
        length = 32 - int(IPv4Address(nxt)).bit_length()
        return IPv4Network(f"{word}/{length}", strict=False), 2
    return IPv4Network(f"{word}/32"), 2 if nxt == "0" else 1


def _ipv6_net(word: str, nxt: str) -> tuple[Net, int]:
    """``A len`` or a bare address."""
    if nxt.isdigit():
        return IPv6Network(f"{word.lower()}/{nxt}", strict=False), 2
    return IPv6Network(f"{word.lower()}/128"), 1


def _port(word: str) -> int | None:
    return int(word) if word.isdigit() else PORT_NUMBERS.get(word)


def _ports(words: list[str], at: int) -> tuple[Ports | None, int]:
    """A port operator at ``words[at]`` (``eq P``, ``range A B``, ``gt P``, ``lt P``, ``neq P`` read as
    any): the range it matches and how many words it took (0: no operator there)."""
    operator = words[at] if at < len(words) else ""
    first = _port(words[at + 1]) if at + 1 < len(words) else None
    if operator not in ("eq", "range", "gt", "lt", "neq") or first is None:
        return None, 0
    if operator == "range":
        last = _port(words[at + 2]) if at + 2 < len(words) else None
        return ((first, last), 3) if last is not None else (None, 0)
    spans = {"eq": (first, first), "gt": (first + 1, 65535), "lt": (0, first - 1)}
    return spans.get(operator), 2


def _family_word(word: str) -> int | None:
    return {"ipv4-family": 4, "ipv6-family": 6, "ipv4": 4, "ipv6": 6}.get(word)


def _mask_or_length(word: str) -> int:
    return int(word) if word.isdigit() else IPv4Network(f"0.0.0.0/{word}").prefixlen


# --- VRP and Comware ------------------------------------------------------------------------------------


_UNREADABLE = (ValueError, IndexError)  # a line with the expected words but not a value they can hold


def _huawei_section(config: DeviceConfig, node: _Node) -> None:
    words = node.words
    head = " ".join(words[:2])
    if head == "ip vpn-instance" and len(words) >= 3:
        config.vpns[words[2]] = _huawei_vpn(words[2], node)
    elif words[:3] == ["ip", "dcn", "vpn-instance"] and len(words) >= 4:  # VRP8's DCN instance
        config.vpns[words[3]] = _huawei_vpn(words[3], node)
    elif words[0] == "interface" and len(words) >= 2:
        config.interfaces[words[1]] = _huawei_interface(" ".join(words[1:]), node, config.unparsed)
    elif head in ("ip route-static", "ipv6 route-static"):
        route = _huawei_static(node.line, 4 if words[0] == "ip" else 6)
        if route is not None:
            config.statics.append(route)
    elif words[0] == "acl":
        names: dict[str, AclConfig] = {}
        _huawei_acl(node, words, config.unparsed, names)
        config.acls |= {(acl.family, name): acl for name, acl in names.items()}
    elif words[0] == "bgp" and len(words) >= 2:
        config.bgp = _huawei_bgp(node)


def _huawei_vpn(name: str, node: _Node) -> VpnInstanceConfig:
    vpn = VpnInstanceConfig(name, node.line)
    families = (4, 6)  # Comware: what is on the instance applies to both families
    for child in node.children:
        family = _family_word(child.words[0]) if child.words[0] in ("ipv4-family", "ipv6-family") else None
        if child.words[:1] == ["address-family"] and len(child.words) >= 2:
            family = _family_word(child.words[1])
        if family is not None:
            for grandchild in child.children:
                _huawei_vpn_line(vpn, grandchild, (family,))
        else:
            _huawei_vpn_line(vpn, child, families)
    return vpn


def _huawei_vpn_line(vpn: VpnInstanceConfig, node: _Node, families: tuple[int, ...]) -> None:
    words = node.words
    if words[0] == "route-distinguisher" and len(words) >= 2:
        for family in families:
            vpn.rd[family] = words[1]
    elif words[0] == "vpn-target":
        kind = words[-1] if words[-1] in ("export-extcommunity", "import-extcommunity", "both") else "both"
        targets = [w for w in words[1:] if w not in ("export-extcommunity", "import-extcommunity", "both")]
        for family in families:
            for target in targets:
                if kind in ("export-extcommunity", "both"):
                    vpn.exports[family].append((target, node.line))
                if kind in ("import-extcommunity", "both"):
                    vpn.imports[family].append((target, node.line))


def _huawei_interface(name: str, node: _Node, unparsed: list[Line]) -> InterfaceConfig:
    interface = InterfaceConfig(name, node.line)
    for child in node.children:
        try:
            _huawei_interface_line(interface, child)
        except _UNREADABLE:
            unparsed.append(child.line)
    return interface


def _huawei_interface_line(interface: InterfaceConfig, child: _Node) -> None:
    words = child.words
    if words[:3] == ["ip", "binding", "vpn-instance"] and len(words) >= 4:
        interface.vpn, interface.vpn_line = words[3], child.line
    elif words[:2] == ["ip", "address"] and len(words) >= 4 and words[2].count(".") == 3:
        interface.addresses.append((IPv4Interface(f"{words[2]}/{_mask_or_length(words[3])}"), child.line))
    elif words[:2] == ["ipv6", "address"] and len(words) >= 3 and ":" in words[2]:
        text = words[2] if "/" in words[2] else f"{words[2]}/{words[3]}"
        if words[-1] != "link-local":
            interface.addresses.append((IPv6Interface(text.lower()), child.line))
    elif words[0] == "traffic-filter" and len(words) >= 4:
        direction = "in" if words[1] == "inbound" else "out"
        family = 6 if words[2] == "ipv6" else 4
        interface.filters[(family, direction)] = (words[-1], child.line)
    elif words[0] == "packet-filter" and len(words) >= 3:
        family = 6 if words[1] == "ipv6" else 4
        direction = "in" if words[-1] == "inbound" else "out"
        named = [w for w in words[1:-1] if w not in ("ipv6", "name")]  # NUMBER, or ``name`` NAME
        if named:
            interface.filters[(family, direction)] = (named[0], child.line)
    elif words == ["shutdown"]:
        interface.shutdown = True


def _huawei_static(line: Line, family: int) -> StaticRoute | None:
    words = line.text.split()[2:]
    table = GLOBAL
    if words[:1] == ["vpn-instance"] and len(words) >= 2:
        table, words = words[1], words[2:]
    if len(words) < 3:
        return None
    try:
        length = _mask_or_length(words[1]) if family == 4 else int(words[1])
        prefix: Net = ipaddress.ip_network(f"{words[0].lower()}/{length}", strict=False)
    except ValueError:
        return None
    return StaticRoute(table, prefix, _next_hop(words[2:]), line)


def _next_hop(words: list[str]) -> str:
    """The next hop of a static route's words after the prefix: its address (lower case), else the
    interface it names as written."""
    hop = next((w for w in words if _is_address(w)), None)
    return hop.lower() if hop is not None else words[0]


def _is_address(word: str) -> bool:
    try:
        ipaddress.ip_address(word)
    except ValueError:
        return False
    return True


def _huawei_acl(
    node: _Node, words: list[str], unparsed: list[Line], aliases: dict[str, AclConfig]
) -> AclConfig | None:
    family = 6 if "ipv6" in words[1:3] else 4
    rest = [w for w in words[1:] if w not in ("ipv6", "number", "advanced", "basic")]
    if not rest:
        return None
    key = rest[1] if rest[0] == "name" and len(rest) > 1 else rest[0]
    acl = AclConfig(key, family, node.line)
    aliases[key] = acl
    for i, word in enumerate(rest):  # ``acl number N name NAME``: a filter may name it either way
        if word.isdigit() or (i and rest[i - 1] == "name"):
            aliases[word] = acl
    for child in node.children:
        try:
            rule = _huawei_rule(child.line, family)
        except _UNREADABLE:
            unparsed.append(child.line)
            continue
        if rule is not None:
            acl.rules.append(rule)
    return acl


def _huawei_rule(line: Line, family: int) -> AclRuleConfig | None:
    words = line.text.split()
    if words[0] != "rule":
        return None
    at = 2 if len(words) > 2 and words[1].isdigit() else 1
    if at >= len(words) or words[at] not in ("permit", "deny"):
        return None
    action = words[at]
    protocol = _protocol(words[at + 1]) if at + 1 < len(words) else "ip"
    fields = _rule_fields(words[at + 2 :], family)
    return AclRuleConfig(action, protocol, *fields, line)


def _protocol(word: str) -> str:
    return {"ipv6": "ip", "icmpv6": "icmp", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmp"}.get(
        word, word
    )


def _rule_fields(words: list[str], family: int) -> tuple[Net | None, Net | None, Ports | None, Ports | None]:
    source = destination = None
    sport = dport = None
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("source", "destination") and i + 1 < len(words):
            net, used = _net(words, i + 1, family)
            if word == "source":
                source = net
            else:
                destination = net
            i += 1 + used
        elif word in ("source-port", "destination-port"):
            ports, used = _ports(words, i + 1)
            if word == "source-port":
                sport = ports
            else:
                dport = ports
            i += 1 + used
        else:
            i += 1
    return source, destination, sport, dport


def _huawei_bgp(node: _Node) -> BgpConfig:
    bgp = BgpConfig(node.words[1], node.line)
    for child in node.children:
        words = child.words
        if words[0] == "peer" and len(words) >= 4 and words[2] == "as-number":
            bgp.peers[words[1].lower()] = child.line
        family = None
        if words[:2] in (["ipv4-family", "vpnv4"], ["address-family", "vpnv4"]):
            family = 4
        elif words[:2] in (["ipv6-family", "vpnv6"], ["address-family", "vpnv6"]):
            family = 6
        if family is not None:
            for grandchild in child.children:
                gw = grandchild.words
                if gw[0] == "peer" and len(gw) >= 3 and gw[2] == "enable":
                    bgp.vpn_peers[family].add(gw[1].lower())
            continue
        if words[0] in ("ipv4-family", "ipv6-family") and words[1:2] == ["vpn-instance"] and len(words) >= 3:
            _imports_into(bgp, words[2], 4 if words[0] == "ipv4-family" else 6, child.children)
        elif words[:2] == ["ip", "vpn-instance"] and len(words) >= 3:  # Comware 7
            for af in child.children:
                fam = (
                    _family_word(af.words[1])
                    if af.words[0] == "address-family" and len(af.words) > 1
                    else None
                )
                if fam is not None:
                    _imports_into(bgp, words[2], fam, af.children)
    return bgp


def _imports_into(bgp: BgpConfig, vpn: str, family: int, nodes: list[_Node]) -> None:
    wanted = bgp.redistributes.setdefault((vpn, family), set())
    for node in nodes:
        words = node.words
        if words[0] in ("import-route", "redistribute") and len(words) >= 2:
            wanted.add("direct" if words[1] in ("direct", "connected") else words[1])


# --- IOS -------------------------------------------------------------------------------------------------


def _ios_section(config: DeviceConfig, node: _Node) -> None:
    words = node.words
    if words[:2] in (["vrf", "definition"], ["ip", "vrf"]) and len(words) >= 3:
        config.vpns[words[2]] = _ios_vrf(words[2], node, legacy=words[0] == "ip")
    elif words[0] == "interface" and len(words) >= 2:
        config.interfaces[" ".join(words[1:])] = _ios_interface(" ".join(words[1:]), node, config.unparsed)
    elif words[:2] in (["ip", "route"], ["ipv6", "route"]):
        route = _ios_static(node.line, 4 if words[0] == "ip" else 6)
        if route is not None:
            config.statics.append(route)
    elif words[:2] == ["ip", "access-list"] and len(words) >= 4 and words[2] in ("extended", "standard"):
        config.acls[(4, words[3])] = _ios_acl(words[3], 4, node, words[2] == "standard", config.unparsed)
    elif words[:2] == ["ipv6", "access-list"] and len(words) >= 3:
        config.acls[(6, words[2])] = _ios_acl(words[2], 6, node, False, config.unparsed)
    elif words[0] == "access-list":
        _ios_numbered(config, node)
    elif words[:2] == ["router", "bgp"] and len(words) >= 3:
        config.bgp = _ios_bgp(node)


def _ios_vrf(name: str, node: _Node, legacy: bool) -> VpnInstanceConfig:
    vpn = VpnInstanceConfig(name, node.line)
    for child in node.children:
        words = child.words
        if words[0] == "rd" and len(words) >= 2:  # ``ip vrf`` is IPv4 only; ``vrf definition`` both
            vpn.rd[4] = words[1]
            if not legacy:
                vpn.rd[6] = words[1]
        elif words[0] == "route-target" and legacy:
            _ios_target(vpn, child, 4)
        elif words[0] == "address-family" and len(words) >= 2 and (family := _family_word(words[1])):
            for grandchild in child.children:
                if grandchild.words[0] == "route-target":
                    _ios_target(vpn, grandchild, family)
    return vpn


def _ios_target(vpn: VpnInstanceConfig, node: _Node, family: int) -> None:
    words = node.words
    if len(words) < 3:
        return
    kind, target = words[1], words[2]
    if kind in ("export", "both"):
        vpn.exports[family].append((target, node.line))
    if kind in ("import", "both"):
        vpn.imports[family].append((target, node.line))


def _ios_interface(name: str, node: _Node, unparsed: list[Line]) -> InterfaceConfig:
    interface = InterfaceConfig(name, node.line)
    for child in node.children:
        try:
            _ios_interface_line(interface, child)
        except _UNREADABLE:
            unparsed.append(child.line)
    return interface


def _ios_interface_line(interface: InterfaceConfig, child: _Node) -> None:
    words = child.words
    if words[:2] == ["vrf", "forwarding"] or words[:3] == ["ip", "vrf", "forwarding"]:
        interface.vpn, interface.vpn_line = words[-1], child.line
    elif words[:2] == ["ip", "address"] and len(words) >= 4 and words[2].count(".") == 3:
        interface.addresses.append((IPv4Interface(f"{words[2]}/{words[3]}"), child.line))
    elif words[:2] == ["ipv6", "address"] and len(words) >= 3 and "/" in words[2]:
        interface.addresses.append((IPv6Interface(words[2].lower()), child.line))
    elif words[:2] == ["ip", "access-group"] and len(words) >= 4:
        interface.filters[(4, words[3])] = (words[2], child.line)
    elif words[:2] == ["ipv6", "traffic-filter"] and len(words) >= 4:
        interface.filters[(6, words[3])] = (words[2], child.line)
    elif words == ["shutdown"]:
        interface.shutdown = True


def _ios_static(line: Line, family: int) -> StaticRoute | None:
    words = line.text.split()[2:]
    table = GLOBAL
    if words[:1] == ["vrf"] and len(words) >= 2:
        table, words = words[1], words[2:]
    try:
        if family == 4:
            prefix: Net = IPv4Network(f"{words[0]}/{words[1]}", strict=False)
            rest = words[2:]
        else:
            prefix, rest = IPv6Network(words[0].lower(), strict=False), words[1:]
    except (ValueError, IndexError):
        return None
    if not rest:
        return None
    return StaticRoute(table, prefix, _next_hop(rest), line)


def _ios_acl(name: str, family: int, node: _Node, standard: bool, unparsed: list[Line]) -> AclConfig:
    acl = AclConfig(name, family, node.line, default="deny")  # IOS: the implicit deny at the end
    for child in node.children:
        words = child.words[1:] if child.words[0].isdigit() else child.words
        try:
            rule = _ios_rule(words, family, standard, child.line)
        except _UNREADABLE:
            unparsed.append(child.line)
            continue
        if rule is not None:
            acl.rules.append(rule)
    return acl


def _ios_rule(words: list[str], family: int, standard: bool, line: Line) -> AclRuleConfig | None:
    """``permit|deny SOURCE`` (a standard ACL) or ``permit|deny PROTOCOL SOURCE [PORTS] DESTINATION
    [PORTS]`` (extended, and every IPv6 ACL); a remark, or a rule this cannot read, is None."""
    if len(words) < 2 or words[0] not in ("permit", "deny"):
        return None
    if standard:
        source, _ = _net(words, 1, family)
        return AclRuleConfig(words[0], "ip", source, None, None, None, line)
    if len(words) < 4:
        return None
    source, used = _net(words, 2, family)
    sport, taken = _ports(words, 2 + used)
    i = 2 + used + taken
    if i >= len(words):
        return None
    destination, used = _net(words, i, family)
    dport, _ = _ports(words, i + used)
    return AclRuleConfig(words[0], _protocol(words[1]), source, destination, sport, dport, line)


def _ios_numbered(config: DeviceConfig, node: _Node) -> None:
    """``access-list N ...``: one rule per line, numbers 1-99 and 1300-1999 standard, the rest extended."""
    words = node.words
    if len(words) < 4 or not words[1].isdigit():
        return
    number = int(words[1])
    standard = number < 100 or 1300 <= number < 2000
    acl = config.acls.setdefault((4, words[1]), AclConfig(words[1], 4, node.line, default="deny"))
    rule = _ios_rule(words[2:], 4, standard, node.line)
    if rule is not None:
        acl.rules.append(rule)


def _ios_bgp(node: _Node) -> BgpConfig:
    bgp = BgpConfig(node.words[2], node.line)
    for child in node.children:
        words = child.words
        if words[0] == "neighbor" and len(words) >= 4 and words[2] == "remote-as":
            bgp.peers[words[1].lower()] = child.line
        elif words[:2] in (["address-family", "vpnv4"], ["address-family", "vpnv6"]):
            family = 4 if words[1] == "vpnv4" else 6
            for grandchild in child.children:
                gw = grandchild.words
                if gw[0] == "neighbor" and len(gw) >= 3 and gw[2] == "activate":
                    bgp.vpn_peers[family].add(gw[1].lower())
        elif words[0] == "address-family" and len(words) >= 4 and words[2] == "vrf":
            vrf_family = _family_word(words[1])
            if vrf_family is not None:
                _imports_into(bgp, words[3], vrf_family, child.children)
    return bgp


# --- entry point -----------------------------------------------------------------------------------------


def parse(text: str, hostname: str, platform: str, source: str) -> DeviceConfig:
    """What a configuration text says, in the words of ``platform``'s CLI family."""
    config = DeviceConfig(hostname, platform, source)
    section = _ios_section if platform.startswith("cisco_") else _huawei_section
    for node in _tree(text):
        try:
            section(config, node)
        except _UNREADABLE:  # kept, with its line: the check goes on without it
            config.unparsed.append(node.line)
    return config


def interface_networks(config: DeviceConfig, family: int) -> Iterator[tuple[str, Net, InterfaceConfig, Line]]:
    """(table, connected network, interface, address line) of every up interface address in a family."""
    for interface in config.interfaces.values():
        if interface.shutdown:
            continue
        for address, line in interface.addresses:
            if address.version == family:
                yield interface.vpn, address.network, interface, line


def addresses_in(config: DeviceConfig) -> set[IPv4Address | IPv6Address]:
    """Every address the device's interfaces hold (to resolve a static route's next hop)."""
    return {address.ip for i in config.interfaces.values() for address, _ in i.addresses}
