"""What a twin prints for display commands: the shapes of the real VRP captures.

VRP5 writes ``Speed : 1000`` and ``Input:  N packets, N bytes``; VRP8 writes ``Port BW: 10G`` and
``Input: N bytes, N packets`` (see ../shared/fixtures/device-captures). The toolkit's parsers in
``network.devices`` read these back; tests check that round trip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # device.py calls these functions: only their types are needed here
    from network.lab.device import TwinDevice, TwinInterface

_COMWARE_VERSION = "7.1.064, Release 0821P11"
_VERSION = {
    "huawei_vrp5": ("5.170", "AR6280 V200R010C10SPC700"),
    "huawei_vrp8": ("8.180", "NE40E V800R011C00SPC200"),
}


def version(device: TwinDevice) -> str:
    """``display version``: the VRP major tells VRP5 from VRP8; Comware names itself."""
    if device.comware:
        return "\n".join(
            [
                f"H3C Comware Software, Version {_COMWARE_VERSION}",
                "Copyright (c) 2004-2019 New H3C Technologies Co., Ltd. All rights reserved.",
                f"H3C {device.model} uptime is 0 weeks, 12 days, 3 hours, 4 minutes",
            ]
        )
    number, build = _VERSION[device.platform]
    return "\n".join(
        [
            "Huawei Versatile Routing Platform Software",
            f"VRP (R) software, Version {number} ({build})",
            "Copyright (C) 2012-2018 Huawei Technologies Co., Ltd.",
            f"HUAWEI {device.model} uptime is 12 days, 3 hours, 4 minutes",
        ]
    )


def _bandwidth(speed: int) -> str:
    return f"{speed // 1000}G" if speed >= 1000 and speed % 1000 == 0 else f"{speed}M"


def _block(device: TwinDevice, interface: TwinInterface) -> list[str]:
    state = "Administratively DOWN" if interface.shutdown else "UP"
    protocol = "DOWN" if interface.shutdown else "UP"
    lines = [
        f"{interface.name} current state : {state}",
        f"Line protocol current state : {protocol}",
        f"Description:{interface.description}",
    ]
    if device.vrp8:
        lines.append("Route Port,The Maximum Transmit Unit is 1500")
        if interface.speed is not None:
            lines.append(
                f"Port BW: {_bandwidth(interface.speed)}, Transceiver max BW: {_bandwidth(interface.speed)}"
            )
        lines += ["    Input: 0 bytes, 0 packets", "    Output: 0 bytes, 0 packets"]
    else:
        lines.append("Route Port,The Maximum Transmit Unit is 1500")
        if interface.speed is not None:
            lines.append(f"Speed : {interface.speed},  Loopback: NONE")
        lines += [
            "Input:  0 packets, 0 bytes",
            "  Discard:                  0,  Total Error:                 0",
            "Output:  0 packets, 0 bytes",
            "  Discard:                  0,  Total Error:                 0",
        ]
    for address in interface.ipv6:
        lines.append(f"IPv6 address is {address}")
    return lines


def _selected(device: TwinDevice, name: str | None) -> list[TwinInterface]:
    """The one interface asked for, or all of them."""
    return [device.running.interfaces[name]] if name else list(device.running.interfaces.values())


def interfaces(device: TwinDevice, name: str | None) -> str:
    """``display interface [NAME]``."""
    chosen = _selected(device, name)
    out: list[str] = []
    for interface in chosen:
        out += [*_block(device, interface), ""]
    return "\n".join(out).rstrip("\n")


def interface_brief(device: TwinDevice) -> str:
    """``display interface brief``."""
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


def comware_interfaces(device: TwinDevice, name: str | None) -> str:
    """Comware ``display interface [NAME]``: ``Current state:``, ``Bandwidth: N kbps`` (as captured)."""
    chosen = _selected(device, name)
    out: list[str] = []
    for interface in chosen:
        state = "Administratively DOWN" if interface.shutdown else "UP"
        out += [
            interface.name,
            f"Current state: {state}",
            f"Line protocol state: {'DOWN' if interface.shutdown else 'UP'}",
            f"Description: {interface.description or interface.name + ' Interface'}",
        ]
        if interface.speed is not None:
            out.append(f"Bandwidth: {interface.speed * 1000} kbps")
        out += [
            "Maximum transmission unit: 1500",
            *(f"IPv6 address: {a}" for a in interface.ipv6),
            "Input (total):  0 packets, 0 bytes",
            "        0 unicasts, 0 broadcasts, 0 multicasts, 0 pauses",
            "Input:  0 input errors, 0 runts, 0 giants, 0 throttles",
            "Output (total): 0 packets, 0 bytes",
            "        0 unicasts, 0 broadcasts, 0 multicasts, 0 pauses",
            "Output: 0 output errors, - underruns, - buffer failures",
            "",
        ]
    return "\n".join(out).rstrip("\n")
