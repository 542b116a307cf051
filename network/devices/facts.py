"""Parse ``display version`` (Huawei VRP) and ``display ipv6 neighbors`` into typed results.

``display version`` tells VRP5 from VRP8 (``Version 5.x`` / ``Version 8.x``): the driver layer uses
it to check that a device runs the platform the inventory says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^VRP \(R\) software, Version (?P<major>\d+)\.(?P<minor>\d+)\s*\((?P<detail>[^)]*)\)")
_UPTIME = re.compile(r"^(?:HUAWEI|Huawei) (?P<model>\S+)(?: [A-Za-z]+)? uptime is (?P<uptime>.+?)\s*$")
_DURATION = re.compile(r"(?P<n>\d+)\s*(?P<unit>week|day|hour|minute|second)s?")
_SECONDS = {"week": 604_800, "day": 86_400, "hour": 3_600, "minute": 60, "second": 1}


@dataclass(frozen=True)
class VrpVersion:
    """What ``display version`` says: ``os_version`` like ``8.180 (NE40E V800R011C00SPC200)``,
    ``uptime`` in seconds, ``platform`` ``huawei_vrp5`` or ``huawei_vrp8``."""

    vendor: str
    model: str
    os_version: str
    major: int
    uptime: int | None

    @property
    def platform(self) -> str:
        """The inventory's platform name for this VRP major version."""
        return f"huawei_vrp{self.major}"


class ParseError(ValueError):
    """Output that is not what the command prints (wrong command, truncated session)."""


def parse_uptime(text: str) -> int:
    """Seconds from ``161 days, 0 hour, 20 minutes`` or ``1 week, 2 days, 3 hours, 4 minutes``."""
    return sum(int(m.group("n")) * _SECONDS[m.group("unit")] for m in _DURATION.finditer(text))


def parse_vrp_version(text: str) -> VrpVersion:
    """Facts from ``display version`` of VRP5 or VRP8; raises ParseError when the version line is missing."""
    version = model = None
    uptime = None
    for line in text.splitlines():
        if version is None and (match := _VERSION.match(line.strip())):
            version = match
        elif model is None and (match := _UPTIME.match(line.strip())):
            model, uptime = match.group("model"), parse_uptime(match.group("uptime"))
    if version is None:
        raise ParseError(
            "no 'VRP (R) software, Version' line: is this `display version` of a Huawei VRP device?"
        )
    os_version = f"{version.group('major')}.{version.group('minor')} ({version.group('detail')})"
    return VrpVersion("Huawei", model or "", os_version, int(version.group("major")), uptime)


@dataclass(frozen=True)
class Ipv6Neighbor:
    """One entry of the IPv6 neighbour table: ``age`` in seconds, ``state`` as the device prints it."""

    address: str
    mac: str
    interface: str
    state: str
    age: int | None
    vlan: str = ""
    is_router: bool = False


# "Key : value" pairs, several per line; a value may be empty ("VPN name :") and has single spaces only.
_FIELD = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9 -]*?)\s*: ?(?P<value>\S+(?: \S+)*)?")
_AGE = re.compile(r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?")


def _age(text: str) -> int | None:
    match = _AGE.fullmatch(text)
    if not text or match is None or not any(match.groups()):
        return None
    return sum(int(match.group(k) or 0) * f for k, f in (("h", 3600), ("m", 60), ("s", 1)))


def parse_vrp_ipv6_neighbors(text: str) -> list[Ipv6Neighbor]:
    """Entries of ``display ipv6 neighbors`` (VRP): one block per neighbour, ``Key : value`` pairs."""
    out: list[Ipv6Neighbor] = []
    fields: dict[str, str] = {}

    def flush() -> None:
        if "IPv6 Address" in fields:
            out.append(
                Ipv6Neighbor(
                    address=fields["IPv6 Address"].lower(),
                    mac=fields.get("Link-layer", ""),
                    interface=fields.get("Interface", ""),
                    state=fields.get("State", ""),
                    age=_age(fields.get("Age", "")),
                    vlan=fields.get("VLAN", "").strip("-"),
                    is_router=fields.get("Is Router", "").upper() == "TRUE",
                )
            )
        fields.clear()

    for line in text.splitlines():
        if line.strip().startswith("IPv6 Address"):
            flush()
        for match in _FIELD.finditer(line):
            fields[match.group("key").strip()] = (match.group("value") or "").strip()
    flush()
    return out
