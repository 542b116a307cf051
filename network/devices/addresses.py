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
from dataclasses import dataclass

from network.devices.facts import Ipv6Neighbor
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
_COMWARE_HEADER = re.compile(r"^(?P<name>[A-Za-z][\w/.:-]*\d)\s*$")
_IOS_HEADER = re.compile(r"^(?P<name>\S+) is (?:administratively )?(?:up|down)")
_IPV4 = re.compile(
    r"^\s*Internet [Aa]ddress(?: is|:)(?: negotiated,)? (?P<address>\d+\.\d+\.\d+\.\d+)/(?P<length>\d+)"
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
    """VRP ``display ipv6 routing-table verbose`` through ntc-templates' template for it."""
    from ntc_templates.parse import parse_output  # noqa: PLC0415 - TextFSM loads only when routes are read

    rows = parse_output(platform="huawei_vrp", command="display ipv6 routing-table verbose", data=text)
    return [
        Route(
            destination=row["destination"].lower(),
            prefix_length=int(row["prefix_length"]),
            next_hop=row["next_hop"].lower(),
            protocol=row["protocol"],
            interface=row["interface"],
            preference=int(row["preference"] or 0),
            cost=int(row["cost"] or 0),
            active=row["state"].startswith("Active"),
            age=int(row["age"].removesuffix("sec")) if row["age"].removesuffix("sec").isdigit() else None,
        )
        for row in rows
    ]
