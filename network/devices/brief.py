"""Parse ``display interface brief`` tables (Huawei VRP, H3C Comware) into one typed shape.

VRP marks ``*down`` (administratively down), ``^down`` (standby), ``(l)`` loopback and ``(s)``
spoofing; trunk members are indented under their Eth-Trunk and may carry their speed, e.g.
``GigabitEthernet15/1/0(10G)``. Comware prints a route-mode table (``ADM`` for administratively
down, main IP, description) and a bridge-mode table (speed, duplex, link type, PVID).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"^(?P<name>[^()\s]+)(?:\((?P<tag>[^)]*)\))?$")
_SPEED_TAG = re.compile(r"^(?P<value>\d+(?:\.\d+)?)(?P<unit>[MGT])$")
_MBIT = {"M": 1, "G": 1000, "T": 1_000_000}


@dataclass(frozen=True)
class InterfaceBrief:
    """One row of a brief table. ``speed`` in Mbit/s where the table shows it; utilisation in percent."""

    name: str
    enabled: bool
    up: bool
    protocol_up: bool
    standby: bool = False
    trunk: str = ""
    speed: int | None = None
    in_utilisation: float | None = None
    out_utilisation: float | None = None
    in_errors: int | None = None
    out_errors: int | None = None
    address: str = ""
    description: str = ""


def _percent(text: str) -> float | None:
    return float(text.rstrip("%")) if text.endswith("%") else None


def _speed(tag: str | None) -> int | None:
    match = _SPEED_TAG.match(tag or "")
    return round(float(match.group("value")) * _MBIT[match.group("unit")]) if match else None


_VRP_PHY = re.compile(r"^[*^]?(?:up|down)")


def parse_vrp_brief(text: str) -> list[InterfaceBrief]:
    """Rows of VRP ``display interface brief``, trunk members linked to their trunk."""
    rows: list[InterfaceBrief] = []
    in_table = False
    trunk = ""
    for line in text.splitlines():
        if line.startswith("Interface") and "PHY" in line and "Protocol" in line:
            in_table = True
            continue
        columns = line.split()
        if not in_table or len(columns) != 7 or not (columns[5].isdigit() and columns[6].isdigit()):
            continue
        if not _VRP_PHY.match(columns[1]):
            continue
        name_match = _NAME.match(columns[0])
        if name_match is None:
            continue
        name = name_match.group("name")
        member = line.startswith(" ")
        if not member:
            trunk = name if name.startswith("Eth-Trunk") else ""
        phy, protocol = columns[1], columns[2]
        rows.append(
            InterfaceBrief(
                name=name,
                enabled=not phy.startswith("*"),
                up=phy.startswith("up"),
                protocol_up=protocol.startswith("up"),
                standby=phy.startswith("^"),
                trunk=trunk if member else "",
                speed=_speed(name_match.group("tag")),
                in_utilisation=_percent(columns[3]),
                out_utilisation=_percent(columns[4]),
                in_errors=int(columns[5]),
                out_errors=int(columns[6]),
            )
        )
    return rows


_COMWARE_LINK = frozenset({"UP", "DOWN", "ADM", "Stby"})
_COMWARE_NAME = re.compile(r"^[A-Za-z][\w./:-]*\d$")


def parse_comware_brief(text: str) -> list[InterfaceBrief]:
    """Rows of Comware ``display interface brief`` (route mode and bridge mode tables)."""
    rows: list[InterfaceBrief] = []
    mode = ""
    for line in text.splitlines():
        if line.startswith("Interface") and "Protocol" in line:
            mode = "route"
            continue
        if line.startswith("Interface") and "Speed" in line:
            mode = "bridge"
            continue
        columns = line.split()
        if len(columns) < 2 or columns[1] not in _COMWARE_LINK or not _COMWARE_NAME.match(columns[0]):
            continue  # blank lines, legends ("Brief information on interfaces in route mode:", "Duplex: ...")
        if mode == "route":
            rows.append(_comware_route_row(line))
        elif mode == "bridge":
            rows.append(_comware_bridge_row(line))
    return rows


def _comware_route_row(line: str) -> InterfaceBrief:
    name, link, protocol, address, *rest = line.split(maxsplit=4) + [""] * 3
    description = rest[0].strip() if rest else ""
    return InterfaceBrief(
        name=name,
        enabled=link != "ADM",
        up=link == "UP",
        protocol_up=protocol.startswith("UP") or (protocol == "--" and link == "UP"),  # "--": no protocol
        standby=link == "Stby",
        address="" if address == "--" else address,
        description="" if description == "--" else description,
    )


def _comware_bridge_row(line: str) -> InterfaceBrief:
    name, link, speed, *rest = line.split(maxsplit=6) + [""] * 4
    description = rest[3].strip() if len(rest) > 3 else ""
    match = re.match(r"^(?P<value>\d+)(?P<unit>[MG])", speed)
    mbit = int(match.group("value")) * _MBIT[match.group("unit")] if match else None
    return InterfaceBrief(
        name=name,
        enabled=link != "ADM",
        up=link == "UP",
        protocol_up=link == "UP",
        standby=link == "Stby",
        speed=mbit,
        description=description,
    )
