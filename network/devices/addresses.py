"""Parse interface addresses, neighbour tables and ping results the drivers need beyond ``display interface``.

- ``display ipv6 interface`` (VRP and Comware print the same shape): global addresses with their
  duplicate-address-detection state (``[TENTATIVE]``, ``[DUPLICATE]``), and the link-local address.
- IPv4 addresses from ``display interface`` / ``show interfaces`` (``Internet Address is A/L``,
  Comware ``Internet address: A/L (primary)``, IOS ``Internet address is A/L``).
- IOS ``show ipv6 interface brief``: ntc-templates' template drops the ``[TEN]``/``[DUP]`` marks, which
  are exactly what a rollout postcheck needs, so this one is ours.
- Comware ``display ipv6 neighbors all`` (a table; ntc-templates has no template for it).
- ``ping ipv6`` on VRP, Comware and IOS: probes sent and received, round-trip times in milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from network.devices.facts import Ipv6Neighbor, key_values
from network.devices.names import expand

PREFERRED, TENTATIVE, DUPLICATE = "preferred", "tentative", "duplicate"


@dataclass(frozen=True)
class InterfaceAddress:
    """One address on an interface: ``family`` 4 or 6, ``state`` preferred, tentative or duplicate."""

    interface: str
    address: str
    prefix_length: int
    family: int
    state: str = PREFERRED


_IPV6_HEADER = re.compile(r"^(?P<name>\S+) current state\s?: (?P<state>.+?)\s*$")
_LINK_LOCAL = re.compile(r"link-local address is (?P<address>[0-9A-Fa-f:]+)")
_GLOBAL = re.compile(
    r"^\s+(?P<address>[0-9A-Fa-f:]+), subnet is (?P<subnet>[0-9A-Fa-f:]+)/(?P<length>\d+)"
    r"(?:\s*\[(?P<mark>[A-Z]+)\])?"
)
_MARKS = {"TENTATIVE": TENTATIVE, "DUPLICATE": DUPLICATE, "TEN": TENTATIVE, "DUP": DUPLICATE}


def parse_ipv6_interfaces(text: str) -> tuple[list[InterfaceAddress], dict[str, str]]:
    """Global addresses of ``display ipv6 interface`` with their state, and the link-local per interface."""
    addresses: list[InterfaceAddress] = []
    link_local: dict[str, str] = {}
    interface = ""
    for line in text.splitlines():
        if match := _IPV6_HEADER.match(line):
            interface = match.group("name")
        elif (match := _LINK_LOCAL.search(line)) and interface:
            link_local[interface] = match.group("address").lower()
        elif (match := _GLOBAL.match(line)) and interface:
            state = _MARKS.get(match.group("mark") or "", PREFERRED)
            address = match.group("address").lower()
            addresses.append(InterfaceAddress(interface, address, int(match.group("length")), 6, state))
    return addresses, link_local


_VRP_HEADER = re.compile(r"^(?P<name>\S+) current state : ")
# Comware 7 starts a block with the name alone; Comware 5 with "NAME current state: UP" (often indented).
_COMWARE_HEADER = re.compile(r"^\s?(?P<name>[A-Za-z][\w/.:-]*\d)(?:\s*| current state: .*)$")
_IOS_HEADER = re.compile(r"^(?P<name>\S+) is (?:administratively )?(?:up|down)")
_IPV4 = re.compile(
    r"^\s*Internet [Aa]ddress(?: is|:)(?: negotiated,| allocated by DHCP,)?"
    r" (?P<address>\d+\.\d+\.\d+\.\d+)/(?P<length>\d+)"
)


def parse_ipv4_addresses(text: str, family: str) -> list[InterfaceAddress]:
    """IPv4 addresses from ``display interface`` (``huawei``, ``comware``), ``show interfaces`` (``ios``)."""
    header = {"huawei": _VRP_HEADER, "comware": _COMWARE_HEADER, "ios": _IOS_HEADER}[family]
    out: list[InterfaceAddress] = []
    interface = ""
    for line in text.splitlines():
        if match := header.match(line):
            interface = match.group("name")
        elif (match := _IPV4.match(line)) and interface:
            out.append(InterfaceAddress(interface, match.group("address"), int(match.group("length")), 4))
    return out


_IOS_BRIEF_HEADER = re.compile(r"^(?P<name>\S+)\s+\[(?P<admin>[^/\]]+)/(?P<protocol>[^\]]+)\]")
_IOS_BRIEF_ADDRESS = re.compile(r"^\s+(?P<address>[0-9A-Fa-f:]+)(?:\s*\[(?P<mark>[A-Z]+)\])?\s*$")


def parse_ios_ipv6_brief(text: str, prefix_lengths: dict[str, int] | None = None) -> list[InterfaceAddress]:
    """Global addresses of IOS ``show ipv6 interface brief`` with their state (link-local ones skipped).

    The brief table prints no prefix length: ``prefix_lengths`` (address -> length, from the running
    config) supplies it; without it the length is 64, IOS's most common.
    """
    out: list[InterfaceAddress] = []
    interface = ""
    lengths = prefix_lengths or {}
    for line in text.splitlines():
        if match := _IOS_BRIEF_HEADER.match(line):
            interface = match.group("name")
        elif (match := _IOS_BRIEF_ADDRESS.match(line)) and interface:
            address = match.group("address").lower()
            if address.startswith("fe80:"):
                continue
            state = _MARKS.get(match.group("mark") or "", PREFERRED)
            out.append(InterfaceAddress(interface, address, lengths.get(address, 64), 6, state))
    return out


@dataclass(frozen=True)
class Ipv6Brief:
    """One row of VRP ``display ipv6 interface brief``: states and the global addresses listed under it."""

    interface: str
    enabled: bool
    up: bool
    protocol_up: bool
    addresses: tuple[str, ...] = ()


_VRP_IPV6_ROW = re.compile(
    r"^(?P<name>[A-Za-z][\w./:-]*\d)\s+(?P<phy>[*^]?(?:up|down))\S*\s+(?P<protocol>(?:up|down)\S*)\s*$"
)
_VRP_IPV6_ADDRESS = re.compile(
    r"^(?:\[IPv6 Address\])?\s+(?P<address>[0-9A-Fa-f:]*:[0-9A-Fa-f:]*|unassigned)\s*$"
)


def parse_vrp_ipv6_brief(text: str) -> list[Ipv6Brief]:
    """VRP ``display ipv6 interface brief``: a row per interface (``*down`` administratively down), then
    ``[IPv6 Address] 2001:DB8::1`` and one more line per further address (``unassigned`` when none).
    Written from the layout in Huawei's command reference: no public capture of it was found."""
    rows: list[Ipv6Brief] = []
    for line in text.splitlines():
        if match := _VRP_IPV6_ROW.match(line.strip()):
            phy = match.group("phy")
            rows.append(
                Ipv6Brief(
                    match.group("name"),
                    not phy.startswith("*"),
                    phy.startswith("up"),
                    match.group("protocol").startswith("up"),
                )
            )
        elif rows and (match := _VRP_IPV6_ADDRESS.match(line)) and match.group("address") != "unassigned":
            last = rows[-1]
            rows[-1] = replace(last, addresses=(*last.addresses, match.group("address").lower()))
    return rows


_COMWARE_NEIGHBOR = re.compile(
    r"^(?P<address>[0-9A-Fa-f:]+)\s+(?P<mac>[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})\s+(?P<vlan>\S+)\s+"
    r"(?P<interface>\S+)\s+(?P<state>[A-Z]+)\s+(?P<type>[A-Z]+)\s+(?P<age>\d+|-)"
)


def parse_comware_ipv6_neighbors(text: str) -> list[Ipv6Neighbor]:
    """Rows of Comware ``display ipv6 neighbors all``: ``Aging`` in seconds, interface names expanded."""
    out = []
    for line in text.splitlines():
        if match := _COMWARE_NEIGHBOR.match(line):
            age = match.group("age")
            out.append(
                Ipv6Neighbor(
                    address=match.group("address").lower(),
                    mac=match.group("mac"),
                    interface=expand(match.group("interface"), "h3c_comware7"),
                    state=match.group("state"),
                    age=None if age == "-" else int(age),
                    vlan="" if match.group("vlan") == "N/A" else match.group("vlan"),
                )
            )
    return out


@dataclass(frozen=True)
class PingResult:
    """Echo requests sent and answered; round-trip times in milliseconds (None without answers)."""

    target: str
    sent: int
    received: int
    rtt_min: float | None = None
    rtt_avg: float | None = None
    rtt_max: float | None = None

    @property
    def success(self) -> bool:
        """At least one answer came back."""
        return self.received > 0


_SENT_RECEIVED = re.compile(
    r"(?P<sent>\d+) packet\(s\) transmitted,?\s*(?:\n\s*)?(?P<received>\d+) packet\(s\) received"
)
_IOS_RATE = re.compile(r"Success rate is \d+ percent \((?P<received>\d+)/(?P<sent>\d+)\)")
_RTT = re.compile(r"round-trip min/avg/max(?:/std-dev)? = (?P<min>[\d.]+)/(?P<avg>[\d.]+)/(?P<max>[\d.]+)")


def parse_ping(text: str, target: str) -> PingResult:
    """``ping ipv6`` output of VRP (one count per line), Comware (one line) or IOS (success rate)."""
    match = _SENT_RECEIVED.search(text) or _IOS_RATE.search(text)
    if match is None:
        return PingResult(target, 0, 0)
    rtt = _RTT.search(text)
    times = (
        (float(rtt.group("min")), float(rtt.group("avg")), float(rtt.group("max"))) if rtt else (None,) * 3
    )
    return PingResult(target, int(match.group("sent")), int(match.group("received")), *times)


@dataclass(frozen=True)
class Route:
    """One IPv6 route: ``preference`` and ``cost`` as the device prints them, ``age`` in seconds."""

    destination: str
    prefix_length: int
    next_hop: str
    protocol: str
    interface: str
    preference: int
    cost: int
    active: bool
    age: int | None = None


def parse_vrp_ipv6_routes(text: str) -> list[Route]:
    """VRP ``display ipv6 routing-table verbose``: one block of ``Key : value`` pairs per route, from
    ``Destination : X  PrefixLength : N`` on (``Age : 93545sec``)."""
    routes: list[Route] = []
    fields: dict[str, str] = {}

    def flush() -> None:
        length = fields.get("PrefixLength", "")
        if "Destination" in fields and length.isdigit():
            age = fields.get("Age", "").removesuffix("sec")
            routes.append(
                Route(
                    destination=fields["Destination"].lower(),
                    prefix_length=int(length),
                    next_hop=fields.get("NextHop", "").lower(),
                    protocol=fields.get("Protocol", ""),
                    interface=fields.get("Interface", ""),
                    preference=_number(fields.get("Preference", "")),
                    cost=_number(fields.get("Cost", "")),
                    active=fields.get("State", "").startswith("Active"),
                    age=int(age) if age.isdigit() else None,
                )
            )
        fields.clear()

    for line in text.splitlines():
        if line.strip().startswith("Destination"):
            flush()
        fields.update(key_values(line))
    flush()
    return routes


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0
