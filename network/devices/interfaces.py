"""Parse ``display interface`` from Huawei VRP5, VRP8 and H3C Comware into one typed shape.

Units are normalised here and nowhere else: speed in Mbit/s (VRP5 ``Speed : 1000``, VRP8
``Port BW: 10G``, Comware ``Bandwidth: 1000000 kbps`` all become 1000 or 10000), counters in
octets and packets. A value the device does not print is ``None``, never a guess.

The ntc-templates TextFSM template for VRP stops on VRP8 output (``Link quality grade``) and keeps
no counters, so this is a small parser of our own, tested on the real captures.

Errors and discards: VRP5 prints totals (``Total Error``, ``Discard``; ``Packet Errors``,
``Packet Discards`` on AR Ethernet ports); VRP8 trunks and logical ports print ``N errors, N drops``;
VRP8 physical ports print categories, summed here: input errors = CRC + Symbol + Alignment +
Fragment + Jabber + Undersized Frame + LongPacket, input discards = Overrun, output errors =
Underrun, output discards = Lost + Overflow. Comware prints ``input errors``, ``output errors``
and, on logical interfaces, ``drops``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_MBIT = {"k": 1 / 1000, "M": 1, "G": 1000, "T": 1_000_000}


@dataclass
class InterfaceCounters:
    """Counters since they were last cleared: octets and packets, errors and discards (in and out)."""

    rx_octets: int | None = None
    rx_packets: int | None = None
    rx_errors: int | None = None
    rx_discards: int | None = None
    tx_octets: int | None = None
    tx_packets: int | None = None
    tx_errors: int | None = None
    tx_discards: int | None = None
    rx_unicast_packets: int | None = None
    rx_multicast_packets: int | None = None
    rx_broadcast_packets: int | None = None
    tx_unicast_packets: int | None = None
    tx_multicast_packets: int | None = None
    tx_broadcast_packets: int | None = None


@dataclass
class InterfaceState:
    """One interface as ``display interface`` shows it.

    ``enabled``: not administratively down. ``up``: the line protocol is up. ``speed``: Mbit/s (None
    when the device prints none, e.g. a dialer). ``mtu``: bytes (None when only a frame length is
    printed, as on VRP5 switch ports).
    """

    name: str
    enabled: bool
    up: bool
    description: str = ""
    mtu: int | None = None
    speed: int | None = None
    mac_address: str = ""
    counters: InterfaceCounters = field(default_factory=InterfaceCounters)


# --- Huawei VRP (5 and 8) -----------------------------------------------------------------------

_VRP_HEADER = re.compile(r"^(?P<name>\S+) current state : (?P<state>.+?)\s*(?:\(ifindex: \d+\))?\s*,?\s*$")
_VRP_PROTOCOL = re.compile(r"^Line protocol current state : (?P<state>\S+)")
_VRP_DESCRIPTION = re.compile(r"^Description:\s?(?P<text>.*?)\s*$")
_VRP_MTU = re.compile(r"The (?:Maximum Transmit Unit|MTU) is (?P<mtu>\d+)")
_VRP_SPEED = re.compile(r"^Speed\s*:\s*(?P<speed>\d+)")  # VRP5: Mbit/s
_VRP_PORT_BW = re.compile(r"^Port BW: (?P<value>\d+(?:\.\d+)?)(?P<unit>[kMGT])")  # VRP8
_VRP_CURRENT_BW = re.compile(r"Current BW\s*:\s*(?P<value>\d+(?:\.\d+)?)(?P<unit>[kMGT])")  # Eth-Trunk
_VRP_MAC = re.compile(r"Hardware address is (?P<mac>[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})")
# "Input:  31012 packets, 3690428 bytes" (VRP5) / "Input: 785773731492 bytes, 8072105483 packets" (VRP8)
# and "Input:  0 Packets, 0 Bytes" (S-series management ports)
_VRP_PACKETS_BYTES = re.compile(
    r"^\s*(?P<dir>Input|Output)\s*:\s*(?P<p>\d+) [Pp]ackets,\s*(?P<b>\d+) [Bb]ytes"
)
_VRP_BYTES_PACKETS = re.compile(
    r"^\s*(?P<dir>Input|Output)\s*:\s*(?P<b>\d+) [Bb]ytes,\s*(?P<p>\d+) [Pp]ackets"
)
_VRP_TUNNEL_PACKETS = re.compile(r"^\s*(?P<p>\d+) packets (?P<dir>input|output),\s*(?P<b>\d+) bytes")
_VRP_TUNNEL_ERRORS = re.compile(r"^\s*(?P<e>\d+) (?P<dir>input|output) errors?\s*$")
_VRP_DISCARD = re.compile(r"(?:Packet Discards|Discard):\s*(?P<n>\d+)")
_VRP_TOTAL_ERROR = re.compile(r"(?:Packet Errors|Total Error):\s*(?P<n>\d+)")
_VRP_ERRORS_DROPS = re.compile(r"^\s*(?P<e>\d+) errors,\s*(?P<d>\d+) drops")
# "Unicast:  18,  Multicast:  410" (VRP5), "Unicast: 7945564334 packets" (VRP8)
_CAST_KEYED = re.compile(r"(?P<kind>Unicast|Multicast|Broadcast):\s*(?P<n>\d+)")
# "0 unicast,0 broadcast,0 multicast" (VRP8 trunks), "80218843 unicasts, 12 broadcasts" (Comware)
_CAST_COUNTED = re.compile(r"(?P<n>\d+) (?P<kind>unicast|multicast|broadcast)s?\b")
# VRP8 physical ports print categories instead of totals ("CRC: 0 packets, Symbol: 0 packets").
_VRP8_CATEGORY = re.compile(r"(?P<key>[A-Za-z][A-Za-z ]*?): (?P<n>\d+) packets")
_VRP8_RX_ERRORS = frozenset(
    {"CRC", "Symbol", "Alignment", "Fragment", "Jabber", "Undersized Frame", "LongPacket"}
)
_VRP8_RX_DISCARDS = frozenset({"Overrun"})
_VRP8_TX_ERRORS = frozenset({"Underrun"})
_VRP8_TX_DISCARDS = frozenset({"Lost", "Overflow"})


def _mbit(value: str, unit: str) -> int:
    return round(float(value) * _MBIT[unit])


def _vrp_blocks(text: str) -> Iterator[list[str]]:
    block: list[str] = []
    for line in text.splitlines():
        if _VRP_HEADER.match(line) and block:
            yield block
            block = []
        if block or _VRP_HEADER.match(line):
            block.append(line)
    if block:
        yield block


def parse_vrp_interfaces(text: str) -> dict[str, InterfaceState]:
    """``display interface`` of VRP5 or VRP8, by interface name."""
    out: dict[str, InterfaceState] = {}
    for block in _vrp_blocks(text):
        interface = _vrp_interface(block)
        out[interface.name] = interface
    return out


def _vrp_interface(block: list[str]) -> InterfaceState:
    header = _VRP_HEADER.match(block[0])
    assert header is not None
    state = header.group("state").strip()
    interface = InterfaceState(name=header.group("name"), enabled="Administratively" not in state, up=False)
    direction = ""
    for line in block[1:]:
        direction = _vrp_line(interface, line, direction)
    return interface


def _vrp_line(interface: InterfaceState, line: str, direction: str) -> str:
    """Apply one line; returns the counter direction (Input/Output) the following lines belong to."""
    counters = interface.counters
    if match := _VRP_PROTOCOL.match(line):
        interface.up = match.group("state").upper().startswith("UP")
    elif (match := _VRP_DESCRIPTION.match(line)) and not interface.description:
        interface.description = match.group("text")
    elif match := (_VRP_PACKETS_BYTES.match(line) or _VRP_BYTES_PACKETS.match(line)):
        direction = match.group("dir")
        if direction == "Input":
            counters.rx_packets, counters.rx_octets = int(match.group("p")), int(match.group("b"))
        else:
            counters.tx_packets, counters.tx_octets = int(match.group("p")), int(match.group("b"))
    elif match := _VRP_TUNNEL_PACKETS.match(line):  # tunnels: "0 packets input,  0 bytes", "0 input error"
        side = "rx" if match.group("dir") == "input" else "tx"
        setattr(counters, f"{side}_packets", int(match.group("p")))
        setattr(counters, f"{side}_octets", int(match.group("b")))
    elif match := _VRP_TUNNEL_ERRORS.match(line):
        setattr(counters, f"{'rx' if match.group('dir') == 'input' else 'tx'}_errors", int(match.group("e")))
    elif re.match(r"^\s*(Input|Output):\s*$", line):  # VRP8: the detailed block of one direction
        direction = line.strip().rstrip(":")
    elif direction and (match := _VRP_ERRORS_DROPS.match(line)):
        _casts(counters, line, direction)
        _count(counters, direction, "errors", int(match.group("e")))
        _count(counters, direction, "discards", int(match.group("d")))
    elif direction:
        _vrp_counter_line(counters, line, direction)
        _vrp_properties(interface, line)
    else:
        _vrp_properties(interface, line)
    return direction


def _count(counters: InterfaceCounters, direction: str, kind: str, value: int, add: bool = False) -> None:
    name = f"{'rx' if direction == 'Input' else 'tx'}_{kind}"
    current = getattr(counters, name)
    setattr(counters, name, (current or 0) + value if add else value)


def _casts(counters: InterfaceCounters, line: str, direction: str) -> None:
    """Unicast, multicast and broadcast packet counts of one direction, however the line writes them."""
    side = "rx" if direction == "Input" else "tx"
    for match in (*_CAST_KEYED.finditer(line), *_CAST_COUNTED.finditer(line)):
        setattr(counters, f"{side}_{match.group('kind').lower()}_packets", int(match.group("n")))


def _vrp_counter_line(counters: InterfaceCounters, line: str, direction: str) -> None:
    _casts(counters, line, direction)
    if match := _VRP_DISCARD.search(line):
        _count(counters, direction, "discards", int(match.group("n")))
    if match := _VRP_TOTAL_ERROR.search(line):
        _count(counters, direction, "errors", int(match.group("n")))
    for match in _VRP8_CATEGORY.finditer(line):
        key, value = match.group("key").strip(), int(match.group("n"))
        rx = direction == "Input"
        if key in (_VRP8_RX_ERRORS if rx else _VRP8_TX_ERRORS):
            _count(counters, direction, "errors", value, add=True)
        elif key in (_VRP8_RX_DISCARDS if rx else _VRP8_TX_DISCARDS):
            _count(counters, direction, "discards", value, add=True)


def _vrp_properties(interface: InterfaceState, line: str) -> None:
    if match := _VRP_MTU.search(line):
        interface.mtu = int(match.group("mtu"))
    if match := _VRP_SPEED.match(line):
        interface.speed = int(match.group("speed"))
    else:
        # VRP8 "Port BW: 10G"; an Eth-Trunk's "Current BW: 20G" only where no port speed was printed.
        match = _VRP_PORT_BW.match(line)
        if match is None and interface.speed is None:
            match = _VRP_CURRENT_BW.search(line)
        if match is not None:
            interface.speed = _mbit(match.group("value"), match.group("unit"))
    if (match := _VRP_MAC.search(line)) and not interface.mac_address:
        interface.mac_address = match.group("mac")


# --- H3C Comware 5 and 7 ---------------------------------------------------------------------------
# Shapes seen in real captures (ntc-templates' hp_comware tests): Comware 7 starts a block with the name
# alone, then `Current state: UP`; Comware 5 with ` NAME current state: UP` on one line. Physical ports
# print their counters indented (` Input (total):  N packets, N bytes`), MSR routers on two lines
# (`Input:` then `  N packets, N bytes`); an `IPv4 traffic statistics:` section repeats `Input: N packets`
# for one family only, so totals are taken from `(total)` lines where a block has them. Bandwidth may be
# `1000000kbps`, the MTU `Maximum Transmit Unit`, the MAC `Hardware Address`; some ports print no line
# protocol state (then the port's own state counts).

_CW_STATE = re.compile(r"^Current state\s*:\s*(?P<state>.+?)\s*$", re.IGNORECASE)
_CW5_HEAD = re.compile(r"^\s?(?P<name>[A-Za-z][\w./:-]*\d) current state\s*:\s*(?P<state>.+?)\s*$")
_CW_PROTOCOL = re.compile(r"^Line protocol (?:current )?state\s*:\s*(?P<state>\S+)", re.IGNORECASE)
_CW_DESCRIPTION = re.compile(r"^Description\s*: ?(?P<text>.*?)\s*$")
_CW_BANDWIDTH = re.compile(r"^Bandwidth\s*:\s*(?P<kbps>\d+)\s*kbps", re.IGNORECASE)  # kbit/s
_CW_MTU = re.compile(
    r"^(?:Maximum transmi(?:ssion|t) unit|The Maximum Transmit Unit(?: is)?)\s*:?\s*(?P<mtu>\d+)",
    re.IGNORECASE,
)
_CW_MAC = re.compile(
    r"hardware address(?: is)?\s*:?\s*(?P<mac>[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})", re.IGNORECASE
)
_CW_TOTAL = re.compile(
    r"^(?P<dir>[Ii]nput|[Oo]utput)(?P<total> \(total\))?\s*:\s*(?P<p>\d+) packets, (?P<b>\d+) bytes"
    r"(?:, (?P<d>\d+) drops)?"
)
_CW5_PACKETS = re.compile(
    r"^(?P<p>\d+) packets (?P<dir>input|output),\s*(?P<b>\d+) bytes(?:, (?P<d>\d+) drops)?"
)
_CW5_SPEED = re.compile(r"^(?P<n>\d+)(?P<unit>[MG])bps-speed mode")
_CW_BARE_TOTAL = re.compile(r"^(?P<p>\d+) packets, (?P<b>\d+) bytes(?:, (?P<d>\d+) drops)?")
_CW_IN_ERRORS = re.compile(r"^Input:\s*(?P<e>\d+) input errors")
_CW_OUT_ERRORS = re.compile(r"^Output:\s*(?P<e>\d+) output errors")
_CW_NAME = re.compile(r"^(?P<name>[A-Za-z][\w./:-]*\d)\s*$")


def parse_comware_interfaces(text: str) -> dict[str, InterfaceState]:
    """``display interface`` of Comware 5 and 7, by interface name (empty when none is found)."""
    out: dict[str, InterfaceState] = {}
    lines = text.splitlines()
    starts = [
        i
        for i, line in enumerate(lines)
        if _CW5_HEAD.match(line)
        or (_CW_NAME.match(line) and i + 1 < len(lines) and _CW_STATE.match(lines[i + 1].strip()))
    ]
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=False):
        interface = _comware_interface(lines[start:end])
        out[interface.name] = interface
    return out


_CW_BARE_ERRORS = re.compile(r"^(?P<e>\d+) errors\b")


def _comware_interface(block: list[str]) -> InterfaceState:
    head = _CW5_HEAD.match(block[0])
    if head is not None:  # Comware 5: the name and its state on one line
        name, state, rest = head.group("name"), head.group("state"), block[1:]
    else:
        state_match = _CW_STATE.match(block[1].strip())
        name, state, rest = block[0].strip(), state_match.group("state") if state_match else "", block[2:]
    interface = InterfaceState(name=name, enabled="ADMINISTRATIVELY" not in state.upper(), up=False)
    protocol: str | None = None
    direction, waiting = "", ""
    totals: set[str] = set()
    for line in rest:
        stripped = line.strip()
        if stripped.startswith(("Input", "Output")):
            direction = "Input" if stripped.startswith("Input") else "Output"
            waiting = direction if stripped in ("Input:", "Output:") else ""  # MSR: numbers follow
        elif direction and line[:1] in (" ", "\t") and re.search(r"unicasts|broadcasts|multicasts", line):
            _casts(interface.counters, stripped, direction)
        if direction and line[:1] in (" ", "\t") and (errors := _CW_BARE_ERRORS.match(stripped)):
            if direction == "Input":  # MSR: "  0 errors, 0 runts, 0 giants" under "Input:"
                interface.counters.rx_errors = int(errors.group("e"))
            else:
                interface.counters.tx_errors = int(errors.group("e"))
        if waiting and (bare := _CW_BARE_TOTAL.match(stripped)):
            _comware_total(interface.counters, waiting, bare, totals, total=False)
            waiting = ""
        elif (match := _CW_PROTOCOL.match(stripped)) and protocol is None:
            protocol = match.group("state")
        elif not _comware_counters(interface.counters, stripped, totals):
            _comware_properties(interface, stripped)
    interface.up = (protocol if protocol is not None else state).upper().startswith("UP")
    return interface


def _comware_properties(interface: InterfaceState, line: str) -> None:
    if (match := _CW_DESCRIPTION.match(line)) and not interface.description:
        interface.description = match.group("text")
    elif (match := _CW_BANDWIDTH.match(line)) and interface.speed is None:
        interface.speed = round(int(match.group("kbps")) / 1000)  # kbit/s -> Mbit/s
    elif (match := _CW_MTU.match(line)) and interface.mtu is None:
        interface.mtu = int(match.group("mtu"))
    elif (match := _CW5_SPEED.match(line)) and interface.speed is None:  # Comware 5: `1000Mbps-speed mode`
        interface.speed = _mbit(match.group("n"), match.group("unit"))
    if (match := _CW_MAC.search(line)) and not interface.mac_address:
        interface.mac_address = match.group("mac")


def _comware_total(
    counters: InterfaceCounters, direction: str, match: re.Match[str], totals: set[str], total: bool
) -> None:
    """Packets, octets (and drops) of one direction; a `(total)` line wins over a per-family one."""
    if direction in totals and not total:
        return
    if total:
        totals.add(direction)
    packets, octets = int(match.group("p")), int(match.group("b"))
    drops = int(match.group("d")) if match.group("d") is not None else None
    if direction == "Input":
        counters.rx_packets, counters.rx_octets = packets, octets
        counters.rx_discards = drops if drops is not None else counters.rx_discards
    else:
        counters.tx_packets, counters.tx_octets = packets, octets
        counters.tx_discards = drops if drops is not None else counters.tx_discards


def _comware_counters(counters: InterfaceCounters, line: str, totals: set[str]) -> bool:
    """Apply a totals or errors line; False when the line is not one."""
    if match := _CW_TOTAL.match(line) or _CW5_PACKETS.match(line):
        total = "total" in match.groupdict() and match.group("total") is not None
        _comware_total(counters, match.group("dir").capitalize(), match, totals, total=total)
    elif match := _CW_IN_ERRORS.match(line):
        counters.rx_errors = int(match.group("e"))
    elif match := _CW_OUT_ERRORS.match(line):
        counters.tx_errors = int(match.group("e"))
    elif match := _VRP_TUNNEL_ERRORS.match(line):  # tunnels: "0 input error"
        setattr(counters, f"{'rx' if match.group('dir') == 'input' else 'tx'}_errors", int(match.group("e")))
    else:
        return False
    return True


# --- Cisco IOS ------------------------------------------------------------------------------------

# "GigabitEthernet0/1 is up, line protocol is up (connected)",
# "Control Plane Interface is down, line protocol is down",
# "Vlan1 is administratively down, line protocol is down"; genieparser's copies lose the indentation.
# "GigabitEthernet0/0 is reset, line protocol is down (notconnect)", "pseudowire100006 is up" (no protocol).
_IOS_HEADER = re.compile(
    r"^(?P<name>\S.*?) is (?P<admin>administratively down|up|down|deleted|reset)(?: \([^)]*\))?"
    r"(?:, line protocol is (?P<protocol>\w+).*|\s*)$"
)
_IOS_MAC = re.compile(r"address is (?P<mac>[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4})")
_IOS_MTU = re.compile(r"\bMTU (?P<mtu>\d+) bytes")
_IOS_BW = re.compile(r"\bBW (?P<kbit>\d+) Kbit")
_IOS_DESCRIPTION = re.compile(r"^\s*Description: ?(?P<text>.*?)\s*$")
_IOS_BYTES = re.compile(r"^\s*(?P<p>\d+) packets (?P<dir>input|output), (?P<b>\d+) bytes")
_IOS_ERRORS = re.compile(r"^\s*(?P<n>\d+) (?P<dir>input|output) errors")


def parse_ios_interfaces(text: str) -> dict[str, InterfaceState]:
    """IOS and IOS-XE ``show interfaces``: ``BW 1000000 Kbit/sec`` -> speed 1000 Mbit/s, octets and packets
    from ``N packets input, N bytes``, errors from ``N input errors`` / ``N output errors``."""
    out: dict[str, InterfaceState] = {}
    current: InterfaceState | None = None
    for line in text.splitlines():
        if match := _IOS_HEADER.match(line.strip()):
            current = InterfaceState(
                name=match.group("name"),
                enabled=match.group("admin") not in ("administratively down", "deleted"),
                up=(match.group("protocol") or match.group("admin")) == "up",
            )
            out[current.name] = current
            continue
        if current is not None:
            _ios_line(current, line)
    return out


def _ios_line(current: InterfaceState, line: str) -> None:
    counters = current.counters
    if (match := _IOS_DESCRIPTION.match(line)) and not current.description:
        current.description = match.group("text")
    elif match := _IOS_BYTES.match(line):
        if match.group("dir") == "input":
            counters.rx_packets, counters.rx_octets = int(match.group("p")), int(match.group("b"))
        else:
            counters.tx_packets, counters.tx_octets = int(match.group("p")), int(match.group("b"))
    elif match := _IOS_ERRORS.match(line):
        if match.group("dir") == "input":
            counters.rx_errors = int(match.group("n"))
        else:
            counters.tx_errors = int(match.group("n"))
    else:
        if not current.mac_address and (match := _IOS_MAC.search(line)):
            current.mac_address = match.group("mac").replace(".", "").lower()
        if current.mtu is None and (match := _IOS_MTU.search(line)):
            current.mtu = int(match.group("mtu"))
        if current.speed is None and (match := _IOS_BW.search(line)):
            current.speed = round(int(match.group("kbit")) / 1000)
