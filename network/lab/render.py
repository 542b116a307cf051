"""What a twin prints for display (show) commands: the shapes of the real captures.

VRP5 writes ``Speed : 1000`` and ``Input:  N packets, N bytes``; VRP8 writes ``Port BW: 10G`` and
``Input: N bytes, N packets``; Comware writes ``Bandwidth: 1000000 kbps`` (see
tests/fixtures/captures). IOS prints its classic ``show`` layouts, which ntc-templates
parse. The toolkit's parsers in ``network.devices`` read all of these back; tests check that round trip.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from network.devices.names import abbreviate

if TYPE_CHECKING:  # the session modules call these functions: only their types are needed here
    from network.lab.device import TwinDevice, TwinInterface

_COMWARE_VERSION = "7.1.064, Release 0821P11"
_COMWARE5_VERSION = "5.20.99, Release 2222P11"
_VERSION = {
    "huawei_vrp5": ("5.170", "AR6280 V200R010C10SPC700"),
    "huawei_vrp8": ("8.180", "NE40E V800R011C00SPC200"),
}
_STATE_MARK = {"tentative": " [TENTATIVE]", "duplicate": " [DUPLICATE]", "preferred": ""}
_IOS_MARK = {"tentative": " [TEN]", "duplicate": " [DUP]", "preferred": ""}


def _uptime(device: TwinDevice, weeks: bool = False) -> str:
    """The device's uptime as the platform prints it: VRP counts days, Comware and IOS weeks and days."""
    minutes = int(device.uptime()) // 60
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    rest = f"{hours} hours, {minutes} minutes"
    if not weeks:
        return f"{days} days, {rest}"
    unit = "weeks" if device.comware else ("week" if days // 7 == 1 else "weeks")
    return f"{days // 7} {unit}, {days % 7} days, {rest}"


IOS_DEFAULT_BANDWIDTH = 8000  # Mbit/s IOS gives an interface without a speed (a loopback): BW 8000000 Kbit


def bandwidth(device: TwinDevice, interface: TwinInterface) -> int | None:
    """The Mbit/s the platform reports for the interface (IF-MIB's ifHighSpeed says the same)."""
    speed = device.speed(interface)
    if speed is None and device.spec.family == "ios":
        return IOS_DEFAULT_BANDWIDTH
    return speed


def described(device: TwinDevice, interface: TwinInterface) -> str:
    """The interface's description as the device reports it (and IF-MIB's ifAlias): Comware gives an
    interface without one ``NAME Interface``, the others nothing."""
    if not interface.description and device.comware:
        return f"{interface.name} Interface"
    return interface.description


def sys_descr(device: TwinDevice) -> str:
    """SNMPv2-MIB sysDescr: the opening lines of ``display version`` (``show version``), as devices give it.

    VRP's and Comware's are the software and version lines (with Comware's copyright), IOS's the four
    lines up to ``Compiled``; the uptime line never (it changes).
    """
    text = ios_version(device) if device.spec.family == "ios" else version(device)
    lines = text.splitlines()
    if device.spec.family == "ios":
        return "\r\n".join(lines[:4])
    if device.spec.family == "huawei":
        return "\r\n".join(lines[:2])
    return "\r\n".join(line for line in lines if " uptime is " not in line)


def version(device: TwinDevice) -> str:
    """``display version``: the VRP major tells VRP5 from VRP8; Comware and IOS name themselves."""
    if device.comware5:  # Comware 5 names the platform, then the version on a line of its own
        return "\n".join(
            [
                "H3C Comware Platform Software",
                f"Comware Software, Version {_COMWARE5_VERSION}",
                "Copyright (c) 2004-2013 Hangzhou H3C Tech. Co., Ltd. All rights reserved.",
                f"H3C {device.model} uptime is {_uptime(device, weeks=True)}",
            ]
        )
    if device.comware:
        return "\n".join(
            [
                f"H3C Comware Software, Version {_COMWARE_VERSION}",
                "Copyright (c) 2004-2019 New H3C Technologies Co., Ltd. All rights reserved.",
                f"H3C {device.model} uptime is {_uptime(device, weeks=True)}",
            ]
        )
    number, build = _VERSION[device.platform]
    return "\n".join(
        [
            "Huawei Versatile Routing Platform Software",
            f"VRP (R) software, Version {number} ({build})",
            "Copyright (C) 2012-2018 Huawei Technologies Co., Ltd.",
            f"HUAWEI {device.model} uptime is {_uptime(device)}",
        ]
    )


def serial(device: TwinDevice) -> str:
    """VRP ``display esn``; Comware ``display device manuinfo``."""
    if device.comware:
        return "\n".join(
            [
                "Slot 0 CPU 0:",
                f"DEVICE_NAME          : {device.model}",
                f"DEVICE_SERIAL_NUMBER : {device.serial}",
                "MANUFACTURING_DATE   : 2019-06-18",
                "VENDOR_NAME          : H3C",
            ]
        )
    return f"ESN of slot 0: {device.serial}"


def _bandwidth(speed: int) -> str:
    return f"{speed // 1000}G" if speed >= 1000 and speed % 1000 == 0 else f"{speed}M"


def _state(interface: TwinInterface) -> tuple[str, str]:
    if interface.shutdown:
        return "Administratively DOWN", "DOWN"
    return "UP", "UP"


def _block(device: TwinDevice, interface: TwinInterface) -> list[str]:
    state, protocol = _state(interface)
    rx, tx = device.counters(interface)
    mac = device.mac(interface.name)
    lines = [
        f"{interface.name} current state : {state}",
        f"Line protocol current state : {protocol}",
        f"Description:{interface.description}",
        "Route Port,The Maximum Transmit Unit is 1500",
        *(f"Internet Address is {a}" for a in interface.ipv4),
        f"IP Sending Frames' Format is PKTFMT_ETHNT_2, Hardware address is {mac[:4]}-{mac[4:8]}-{mac[8:]}",
    ]
    if device.vrp8:  # NE40E's layout (napalm-huawei-vrp's capture)
        lines[2:2] = ["Last line protocol up time : 2026-01-05 09:12:40", "Link quality grade : GOOD"]
        if (speed := device.speed(interface)) is not None:
            bw = _bandwidth(speed)
            lines += [
                f"Port BW: {bw}, Transceiver max BW: {bw}, Transceiver Mode: SingleMode",
                "Loopback: none, LAN full-duplex mode, Pause Flowcontrol: Receive Enable and Send Enable",
            ]
        lines += [
            "Current system time: 2026-01-17 12:16:44",
            "Statistics last cleared:never",
            "    Last 300 seconds input rate: 0 bits/sec, 0 packets/sec",
            "    Last 300 seconds output rate: 0 bits/sec, 0 packets/sec",
            f"    Input: {rx} bytes, {device.packets(rx)} packets",
            f"    Output: {tx} bytes, {device.packets(tx)} packets",
            "    Input:",
            f"      Unicast: {device.packets(rx)} packets, Multicast: 0 packets",
            "      Broadcast: 0 packets, JumboOctets: 0 packets",
            "      CRC: 0 packets, Symbol: 0 packets",
            "      Overrun: 0 packets, InRangeLength: 0 packets",
            "    Output:",
            f"      Unicast: {device.packets(tx)} packets, Multicast: 0 packets",
            "      Broadcast: 0 packets, JumboOctets: 0 packets",
            "      Lost: 0 packets, Overflow: 0 packets, Underrun: 0 packets",
            "    Local fault: normal, Remote fault: normal.",
            "    Last 300 seconds input utility rate:  0.00%",
            "    Last 300 seconds output utility rate: 0.00%",
        ]
    else:
        if (speed := device.speed(interface)) is not None:
            lines.append(f"Speed : {speed},  Loopback: NONE")
        lines += [
            f"Input:  {device.packets(rx)} packets, {rx} bytes",
            f"  Unicast:            {device.packets(rx)},  Multicast:                   0",
            "  Broadcast:                  0,  Jumbo:                       0",
            "  Discard:                    0,  Total Error:                 0",
            f"Output:  {device.packets(tx)} packets, {tx} bytes",
            f"  Unicast:            {device.packets(tx)},  Multicast:                   0",
            "  Broadcast:                  0,  Jumbo:                       0",
            "  Discard:                    0,  Total Error:                 0",
        ]
    return lines


def _selected(device: TwinDevice, name: str | None) -> list[TwinInterface]:
    """The one interface asked for, or all of them."""
    return [device.running.interfaces[name]] if name else list(device.running.interfaces.values())


def interfaces(device: TwinDevice, name: str | None) -> str:
    """``display interface [NAME]`` (``show interfaces`` on IOS)."""
    if device.comware:
        return comware_interfaces(device, name)
    if device.platform == "cisco_ios":
        return ios_interfaces(device, name)
    out: list[str] = []
    for interface in _selected(device, name):
        out += [*_block(device, interface), ""]
    return "\n".join(out).rstrip("\n")


def interface_brief(device: TwinDevice) -> str:
    """``display interface brief`` (Comware: its route-mode table, as captured)."""
    if device.comware:
        return comware_brief(device)
    out = [
        "PHY: Physical",
        "*down: administratively down",
        "(l): loopback",
        "(s): spoofing",
        "InUti/OutUti: input utility/output utility",
        "Interface                   PHY   Protocol  InUti OutUti   inErrors  outErrors",
    ]
    for interface in device.running.interfaces.values():
        phy = "*down" if interface.shutdown else "up"
        protocol = "down" if interface.shutdown else "up"
        out.append(f"{interface.name:<27} {phy:<5} {protocol:<8} {'0%':>6} {'0%':>6} {0:>10} {0:>10}")
    return "\n".join(out)


def comware_brief(device: TwinDevice) -> str:
    """Comware ``display interface brief``: the route-mode table with abbreviated names."""
    out = [
        "The brief information of interface(s) under route mode:",
        "Link: ADM - administratively down; Stby - standby",
        "Protocol: (s) - spoofing",
        "Interface            Link Protocol Main IP         Description",
    ]
    for interface in device.running.interfaces.values():
        link = "ADM" if interface.shutdown else "UP"
        protocol = "DOWN" if interface.shutdown else "UP"
        address = interface.ipv4[0].split("/")[0] if interface.ipv4 else "--"
        name = abbreviate(interface.name, device.platform)
        out.append(f"{name:<20} {link:<4} {protocol:<8} {address:<15} {interface.description}".rstrip())
    return "\n".join(out)


def comware5_interfaces(device: TwinDevice, name: str | None) -> str:
    """Comware 5 ``display interface [NAME]`` (ntc-templates' Comware 5 captures): a port's block starts
    `` NAME current state: UP`` indented, prints its speed as ``1000Mbps-speed mode`` and a frame length,
    no line protocol; VLAN interfaces and loopbacks start unindented and print their line protocol."""
    out: list[str] = []
    for interface in _selected(device, name):
        state = "DOWN ( Administratively )" if interface.shutdown else "UP"
        rx, tx = device.counters(interface)
        rx_packets, tx_packets = device.packets(rx), device.packets(tx)
        mac = device.mac(interface.name)
        hardware = f"{mac[:4]}-{mac[4:8]}-{mac[8:]}"
        description = described(device, interface)
        if "Ethernet" in interface.name:
            speed = device.speed(interface)
            gbps = speed is not None and speed >= 10000 and speed % 1000 == 0  # "10Gbps", but "1000Mbps"
            mode = f"{(speed or 0) // 1000}Gbps-speed mode" if gbps else f"{speed}Mbps-speed mode"
            out += [
                f" {interface.name} current state: {state}",
                f" IP Packet Frame Type: PKTFMT_ETHNT_2, Hardware Address: {hardware}",
                f" Description: {description}",
                " Loopback is not set",
                " Media type is twisted pair",
                f" {mode if speed else 'Unknown-speed mode'}, full-duplex mode",
                " Link speed type is autonegotiation, link duplex type is autonegotiation",
                " The Maximum Frame Length is 1536",
                *(f" Internet Address is {a} Primary" for a in interface.ipv4),
                " Last clearing of counters:  Never",
                f" Input (total):  {rx_packets} packets, {rx} bytes",
                f"         {rx_packets} unicasts, 0 broadcasts, 0 multicasts, 0 pauses",
                " Input:  0 input errors, 0 runts, 0 giants, 0 throttles",
                f" Output (total): {tx_packets} packets, {tx} bytes",
                f"         {tx_packets} unicasts, 0 broadcasts, 0 multicasts, 0 pauses",
                " Output: 0 output errors, - underruns, - buffer failures",
                "",
            ]
        else:
            out += [
                f"{interface.name} current state: {state}",
                f"Line protocol current state: {'DOWN' if interface.shutdown else 'UP'}",
                f"Description: {description}",
                "The Maximum Transmit Unit is 1500",
                *(f"Internet Address is {a} Primary" for a in interface.ipv4),
                f"IP Packet Frame Type: PKTFMT_ETHNT_2,  Hardware Address: {hardware}",
                f"IPv6 Packet Frame Type: PKTFMT_ETHNT_2,  Hardware Address: {hardware}",
                " Last clearing of counters:  Never",
                f"    {rx_packets} packets input, {rx} bytes, 0 drops",
                f"    {tx_packets} packets output, {tx} bytes, 0 drops",
                "",
            ]
    return "\n".join(out).rstrip("\n")


def comware_interfaces(device: TwinDevice, name: str | None) -> str:
    """Comware ``display interface [NAME]``: ``Current state:``, ``Bandwidth: N kbps`` (as captured)."""
    if device.comware5:
        return comware5_interfaces(device, name)
    out: list[str] = []
    for interface in _selected(device, name):
        state, protocol = _state(interface)
        rx, tx = device.counters(interface)
        mac = device.mac(interface.name)
        out += [
            interface.name,
            f"Current state: {state}",
            f"Line protocol state: {protocol}",
            f"Description: {described(device, interface)}",
        ]
        if (speed := device.speed(interface)) is not None:
            out.append(f"Bandwidth: {speed * 1000} kbps")
        # Physical ports indent their counters by one space and add the `(normal)` lines; logical
        # interfaces do not (ntc-templates' Comware 7 captures).
        pad = " " if "Ethernet" in interface.name or "GigE" in interface.name else ""
        rx_packets, tx_packets = device.packets(rx), device.packets(tx)
        out += [
            "Maximum transmission unit: 1500",
            *(f"Internet address: {a} (primary)" for a in interface.ipv4),
            f"IP packet frame type: Ethernet II, hardware address: {mac[:4]}-{mac[4:8]}-{mac[8:]}",
            "Last clearing of counters: Never",
            f"{pad}Input (total):  {rx_packets} packets, {rx} bytes",
            f"         {rx_packets} unicasts, 0 broadcasts, 0 multicasts, 0 pauses",
            *([f" Input (normal):  {rx_packets} packets, - bytes"] if pad else []),
            f"{pad}Input:  0 input errors, 0 runts, 0 giants, 0 throttles",
            f"{pad}Output (total): {tx_packets} packets, {tx} bytes",
            f"         {tx_packets} unicasts, 0 broadcasts, 0 multicasts, 0 pauses",
            *([f" Output (normal): {tx_packets} packets, - bytes"] if pad else []),
            f"{pad}Output: 0 output errors, - underruns, - buffer failures",
            "",
        ]
    return "\n".join(out).rstrip("\n")


# --- IPv6 -----------------------------------------------------------------------------------------


def _ipv6_on(device: TwinDevice, interface: TwinInterface) -> bool:
    return interface.ipv6_enabled or (device.comware and bool(interface.ipv6))


def ipv6_interface_brief(device: TwinDevice) -> str:
    """``display ipv6 interface brief``: interfaces with IPv6 on, and their global addresses."""
    if device.comware:
        out = [
            "*down: administratively down",
            "(s): spoofing",
            "Interface                                Physical Protocol IPv6 Address",
        ]
        for interface in device.running.interfaces.values():
            if _ipv6_on(device, interface):
                phy = "*down" if interface.shutdown else "up"
                first = interface.ipv6[0].split("/")[0] if interface.ipv6 else "Unassigned"
                proto = "down" if interface.shutdown else "up"
                out.append(f"{interface.name:<40} {phy:<8} {proto:<8} {first}")
        return "\n".join(out)
    out = [
        "*down: administratively down",
        "(l): loopback",
        "(s): spoofing",
        "Interface                                Physical                   Protocol",
    ]
    for interface in device.running.interfaces.values():
        if _ipv6_on(device, interface):
            phy = "*down" if interface.shutdown else "up"
            proto = "down" if interface.shutdown else "up"
            out.append(f"{interface.name:<40} {phy:<26} {proto}")
            addresses = [a.split("/")[0] for a in interface.ipv6] or ["Unassigned"]
            out += [f"[IPv6 Address] {a}" for a in addresses]
    return "\n".join(out)


def ipv6_interfaces(device: TwinDevice, name: str | None) -> str:
    """``display ipv6 interface [NAME]``: link-local and global addresses, each with its DAD state."""
    out: list[str] = []
    for interface in _selected(device, name):
        if not _ipv6_on(device, interface):
            continue
        state, protocol = _state(interface)
        separator = ":" if device.comware else " :"
        out += [
            f"{interface.name} current state{separator} {state}",
            f"{'Line protocol' if device.comware else 'IPv6 protocol'} current state{separator} {protocol}",
            f"IPv6 is enabled, link-local address is {device.link_local(interface.name)}",
            "  Global unicast address(es):",
        ]
        for address in interface.ipv6:
            net = ipaddress.IPv6Interface(address)
            mark = _STATE_MARK[device.address_state(interface.name, address)]
            subnet = str(net.network.network_address).upper()
            out.append(f"    {str(net.ip).upper()}, subnet is {subnet}/{net.network.prefixlen}{mark}")
        out += ["  MTU is 1500 bytes", "  ND DAD is enabled, number of DAD attempts: 1", ""]
    return "\n".join(out).rstrip("\n")


def ipv6_neighbors(device: TwinDevice) -> str:
    """``display ipv6 neighbors`` (VRP: ``Key : value`` blocks as captured; Comware: a table)."""
    entries = device.fabric.neighbors(device) if device.fabric else []
    if device.comware:
        out = [
            "Type: S-Static    D-Dynamic    O-Openflow     R-Rule    IS-Invalid static",
            "IPv6 address                            MAC address    VLAN/VSI   Interface            "
            "State T  Aging",
        ]
        for address, mac, interface in entries:
            short = abbreviate(interface, device.platform)
            dotted = f"{mac[:4]}-{mac[4:8]}-{mac[8:]}"
            out.append(f"{address:<39} {dotted:<14} {'N/A':<10} {short:<20} REACH D  30")
        return "\n".join(out)
    rule = "-" * 77
    out = [rule]
    for address, mac, interface in entries:
        short = abbreviate(interface, device.platform)
        dotted = f"{mac[:4]}-{mac[4:8]}-{mac[8:]}"
        out += [
            f"IPv6 Address : {address}",
            f"Link-layer   : {dotted:<34}State : REACH",
            f"Interface    : {short:<34}Age   : 00h00m30s",
            f"VLAN         : {'-':<34}CEVLAN: -",
            f"VPN name     : {'':<34}Is Router: TRUE",
            "Secure FLAG  : UN-SECURE",
            "",
        ]
    out += [rule, f"Total: {len(entries)}       Dynamic: {len(entries)}       Static: 0"]
    return "\n".join(out)


def ping(device: TwinDevice, target: str, reachable: bool) -> str:
    """``ping ipv6 TARGET``: five probes, all answered or all lost."""
    shown = target.upper()
    received = 5 if reachable else 0
    if device.comware:
        lines = [f"Ping6(56 data bytes) --> {shown}, press CTRL+C to break"]
        lines += (
            [f"56 bytes from {shown}, icmp_seq={n} hlim=64 time=1.000 ms" for n in range(5)]
            if reachable
            else ["Request time out"] * 5
        )
        lines += [
            "",
            f"--- Ping6 statistics for {shown} ---",
            f"5 packet(s) transmitted, {received} packet(s) received, {100 - received * 20:.1f}% packet loss",
        ]
        if reachable:
            lines.append("round-trip min/avg/max/std-dev = 1.000/1.000/1.000/0.000 ms")
        return "\n".join(lines)
    lines = [f"  PING {shown} : 56  data bytes, press CTRL_C to break"]
    for n in range(1, 6):
        lines += (
            [f"    Reply from {shown}", f"    bytes=56 Sequence={n} hop limit=64 time=1 ms"]
            if reachable
            else ["    Request time out"]
        )
    lines += [
        "",
        f"  --- {shown} ping statistics ---",
        "    5 packet(s) transmitted",
        f"    {received} packet(s) received",
        f"    {100 - received * 20:.2f}% packet loss",
    ]
    if reachable:
        lines.append("    round-trip min/avg/max = 1/1/1 ms")
    return "\n".join(lines)


# --- Cisco IOS ------------------------------------------------------------------------------------


def ios_version(device: TwinDevice) -> str:
    """``show version`` in the classic IOS 15 layout."""
    return "\n".join(
        [
            "Cisco IOS Software, ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 15.5(3)S5, "
            "RELEASE SOFTWARE (fc2)",
            "Technical Support: http://www.cisco.com/techsupport",
            "Copyright (c) 1986-2017 by Cisco Systems, Inc.",
            "Compiled Fri 21-Apr-17 07:29 by mcpre",
            "",
            "ROM: IOS-XE ROMMON",
            "",
            f"{device.hostname} uptime is {_uptime(device, weeks=True)}",
            f"Uptime for this control processor is {_uptime(device, weeks=True)}",
            "System returned to ROM by reload",
            'System image file is "bootflash:isr4300-universalk9.03.16.05.S.155-3.S5-ext.SPA.bin"',
            "Last reload reason: Reload Command",
            "",
            f"cisco {device.model}/K9 (1RU) processor with 1795999K/6147K bytes of memory.",
            f"Processor board ID {device.serial}",
            f"{len(device.running.interfaces)} Gigabit Ethernet interfaces",
            "32768K bytes of non-volatile configuration memory.",
            "",
            "Configuration register is 0x2102",
        ]
    )


def ios_interfaces(device: TwinDevice, name: str | None) -> str:
    """``show interfaces [NAME]``: ``BW N Kbit/sec`` is the speed, counters in packets and bytes."""
    out: list[str] = []
    for interface in _selected(device, name):
        rx, tx = device.counters(interface)
        mac = device.mac(interface.name)
        dotted = f"{mac[:4]}.{mac[4:8]}.{mac[8:]}"
        head = "administratively down" if interface.shutdown else "up"
        protocol = "down" if interface.shutdown else "up"
        loopback = interface.name.startswith("Loopback")
        out.append(f"{interface.name} is {head}, line protocol is {protocol} ")
        out.append(
            "  Hardware is Loopback"
            if loopback
            else f"  Hardware is ISR4331-3x1GE, address is {dotted} (bia {dotted})"
        )
        if interface.description:
            out.append(f"  Description: {interface.description}")
        out += [f"  Internet address is {a}" for a in interface.ipv4]
        speed = device.speed(interface)
        kbit = (bandwidth(device, interface) or 0) * 1000
        mtu = 1514 if loopback else 1500
        out += [
            f"  MTU {mtu} bytes, BW {kbit} Kbit/sec, DLY 10 usec, ",
            "     reliability 255/255, txload 1/255, rxload 1/255",
            "  Encapsulation ARPA, loopback not set",
            "  Keepalive not supported ",
            f"  Full Duplex, {speed or 1000}Mbps, link type is auto, media type is RJ45",
            "  Last input 00:00:00, output 00:00:00, output hang never",
            '  Last clearing of "show interface" counters never',
            "  Input queue: 0/375/0/0 (size/max/drops/flushes); Total output drops: 0",
            "  Queueing strategy: fifo",
            "  Output queue: 0/40 (size/max)",
            "  5 minute input rate 0 bits/sec, 0 packets/sec",
            "  5 minute output rate 0 bits/sec, 0 packets/sec",
            f"     {device.packets(rx)} packets input, {rx} bytes, 0 no buffer",
            "     Received 0 broadcasts (0 IP multicasts)",
            "     0 runts, 0 giants, 0 throttles ",
            "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
            "     0 watchdog, 0 multicast, 0 pause input",
            f"     {device.packets(tx)} packets output, {tx} bytes, 0 underruns",
            "     0 output errors, 0 collisions, 0 interface resets",
            "     0 unknown protocol drops",
            "     0 babbles, 0 late collision, 0 deferred",
            "     0 lost carrier, 0 no carrier, 0 pause output",
            "     0 output buffer failures, 0 output buffers swapped out",
        ]
    return "\n".join(out)


def ios_ipv6_interface_brief(device: TwinDevice) -> str:
    """``show ipv6 interface brief``: ``[up/up]`` and each address, ``[TEN]`` while tentative."""
    out: list[str] = []
    for interface in device.running.interfaces.values():
        status = "administratively down/down" if interface.shutdown else "up/up"
        out.append(f"{interface.name:<23}[{status}]")
        if not interface.ipv6_enabled and not interface.ipv6:
            out.append("    unassigned")
            continue
        out.append(f"    {device.link_local(interface.name)}")
        for address in interface.ipv6:
            mark = _IOS_MARK[device.address_state(interface.name, address)]
            out.append(f"    {address.split('/')[0]}{mark}")
    return "\n".join(out)


def ios_ipv6_neighbors(device: TwinDevice) -> str:
    """``show ipv6 neighbors``."""
    entries = device.fabric.neighbors(device) if device.fabric else []
    out = ["IPv6 Address                              Age Link-layer Addr State Interface"]
    for address, mac, interface in entries:
        dotted = f"{mac[:4]}.{mac[4:8]}.{mac[8:]}"
        out.append(f"{address:<41} {0:>3} {dotted:<15} REACH {abbreviate(interface, device.platform)}")
    return "\n".join(out)


def ios_ping(target: str, reachable: bool) -> str:
    """``ping ipv6 TARGET``: ``!!!!!`` or ``.....`` and the success rate."""
    lines = [
        "Type escape sequence to abort.",
        f"Sending 5, 100-byte ICMP Echos to {target.upper()}, timeout is 2 seconds:",
        "!!!!!" if reachable else ".....",
    ]
    if reachable:
        lines.append("Success rate is 100 percent (5/5), round-trip min/avg/max = 1/1/1 ms")
    else:
        lines.append("Success rate is 0 percent (0/5)")
    return "\n".join(lines)


def route_block(destination: str, length: int, next_hop: str, protocol: str, interface: str) -> list[str]:
    preference, flags = (0, "D") if protocol == "Direct" else (60, "RD")
    return [
        f" Destination  : {destination:<32}PrefixLength : {length}",
        f" NextHop      : {next_hop:<32}Preference   : {preference}",
        f" Neighbour    : {'::':<32}ProcessID    : 0",
        f" Label        : {'NULL':<32}Protocol     : {protocol}",
        f" State        : {'Active Adv':<32}Cost         : 0",
        f" Entry ID     : {0:<32}EntryFlags   : 0x00000000",
        f" Reference Cnt: {1:<32}Tag          : 0",
        f" Priority     : {'medium':<32}Age          : 30sec",
        f" IndirectID   : {'0x0':<32}",
        f" RelayNextHop : {'::':<32}TunnelID     : 0x0",
        f" Interface    : {interface:<32}Flags        : {flags}",
        "",
    ]


def ipv6_routes(device: TwinDevice) -> str:
    """VRP ``display ipv6 routing-table verbose``: loopback, connected prefixes, static routes."""
    blocks = [route_block("::1", 128, "::1", "Direct", "InLoopBack0")]
    connected: list[tuple[ipaddress.IPv6Network, str, str]] = []
    for interface in device.running.interfaces.values():
        if interface.shutdown or not _ipv6_on(device, interface):
            continue
        for address in interface.ipv6:
            net = ipaddress.IPv6Interface(address)
            connected.append((net.network, interface.name, str(net.ip).upper()))
            blocks.append(
                route_block(
                    str(net.network.network_address).upper(),
                    net.network.prefixlen,
                    str(net.ip).upper(),
                    "Direct",
                    interface.name,
                )
            )
    for line in device.running.statics:
        words = line.split()
        if len(words) < 5 or words[0] != "ipv6":
            continue
        destination, length, hop = words[2], int(words[3]), words[4]
        via = next((name for network, name, _ in connected if _in(hop, network)), "NULL0")
        blocks.append(route_block(destination.upper(), length, hop.upper(), "Static", via))
    count = len(blocks)
    head = ["Routing Table : Public", f"\tDestinations : {count}\tRoutes : {count}", ""]
    return "\n".join(head + [line for block in blocks for line in block]).rstrip("\n")


def _in(address: str, network: ipaddress.IPv6Network) -> bool:
    try:
        return ipaddress.IPv6Address(address) in network
    except ValueError:
        return False
