"""Parse ``display version`` (Huawei VRP, H3C Comware), ``show version`` (IOS), ``display ipv6 neighbors``
and VRP8's ``display configuration trial status``.

``display version`` tells VRP5 from VRP8 (``Version 5.x`` / ``Version 8.x``): the driver layer uses
it to check that a device runs the platform the inventory says. IOS goes through ntc-templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^VRP \(R\) software, Version (?P<major>\d+)\.(?P<minor>\d+)\s*\((?P<detail>[^)]*)\)")
_UPTIME = re.compile(r"^(?:HUAWEI|Huawei) (?P<model>\S+)(?: [A-Za-z]+)? uptime is (?P<uptime>.+?)\s*$")
_DURATION = re.compile(r"(?P<n>\d+)\s*(?P<unit>week|day|hour|minute|second)s?")
_SECONDS = {"week": 604_800, "day": 86_400, "hour": 3_600, "minute": 60, "second": 1}


@dataclass(frozen=True)
class Version:
    """What ``display version`` says: ``os_version`` like ``8.180 (NE40E V800R011C00SPC200)``,
    ``uptime`` in seconds, ``platform`` the inventory's name (``huawei_vrp8``, ``h3c_comware7``…)."""

    vendor: str
    model: str
    os_version: str
    major: int
    uptime: int | None
    serial: str = ""
    hostname: str = ""  # when the output names it (IOS); prompts may be shortened

    @property
    def platform(self) -> str:
        """The inventory's platform name for this vendor and major version."""
        if self.vendor == "H3C":
            return f"h3c_comware{self.major}"
        if self.vendor == "Cisco":
            return "cisco_ios"
        return f"huawei_vrp{self.major}"


class ParseError(ValueError):
    """Output that is not what the command prints (wrong command, truncated session)."""


def parse_uptime(text: str) -> int:
    """Seconds from ``161 days, 0 hour, 20 minutes`` or ``1 week, 2 days, 3 hours, 4 minutes``."""
    return sum(int(m.group("n")) * _SECONDS[m.group("unit")] for m in _DURATION.finditer(text))


def parse_vrp_version(text: str) -> Version:
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
    return Version("Huawei", model or "", os_version, int(version.group("major")), uptime)


_COMWARE = re.compile(
    r"^H3C Comware Software, Version (?P<major>\d+)\.(?P<rest>\S+?),?\s*(?P<release>Release \S+)?$"
)
_COMWARE_UPTIME = re.compile(r"^H3C (?P<model>\S+) uptime is (?P<uptime>.+?)\s*$")
_SERIAL = re.compile(
    r"^\s*(?:DEVICE_SERIAL_NUMBER|ESN of (?:master|slot \d+))\s*:\s*(?P<serial>\S+)", re.MULTILINE
)


def parse_comware_version(text: str) -> Version:
    """Facts from Comware ``display version``; raises ParseError when the version line is missing."""
    version = model = None
    uptime = None
    for line in text.splitlines():
        if version is None and (match := _COMWARE.match(line.strip())):
            version = match
        elif model is None and (match := _COMWARE_UPTIME.match(line.strip())):
            model, uptime = match.group("model"), parse_uptime(match.group("uptime"))
    if version is None:
        raise ParseError("no 'H3C Comware Software, Version' line: is this `display version` of Comware?")
    os_version = f"{version.group('major')}.{version.group('rest')}"
    if version.group("release"):
        os_version += f", {version.group('release')}"
    return Version("H3C", model or "", os_version, int(version.group("major")), uptime)


def parse_serial(text: str) -> str:
    """The serial number from VRP ``display esn`` or Comware ``display device manuinfo`` ("" if none)."""
    match = _SERIAL.search(text)
    return match.group("serial") if match else ""


def parse_ios_version(text: str) -> Version:
    """Facts from IOS ``show version`` through ntc-templates (``VERSION``, ``HARDWARE``, ``SERIAL``)."""
    from ntc_templates.parse import parse_output  # noqa: PLC0415 - TextFSM loads only when IOS is parsed

    rows = parse_output(platform="cisco_ios", command="show version", data=text)
    if not rows or not rows[0].get("version"):
        raise ParseError("no 'Cisco IOS Software, … Version' line: is this `show version` of Cisco IOS?")
    row = rows[0]
    hardware = row.get("hardware") or [""]
    serial = row.get("serial") or [""]
    leading = re.match(r"\d+", row["version"])
    major = int(leading.group(0)) if leading else 0
    model = hardware[0].removesuffix("/K9")
    uptime = parse_uptime(row.get("uptime", ""))
    return Version("Cisco", model, row["version"], major, uptime, serial[0], row.get("hostname", ""))


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


@dataclass(frozen=True)
class TrialStatus:
    """A trial commit pending on the device, whichever session made it: seconds left, its persist id."""

    active: bool
    seconds_left: int | None = None
    persist: str | None = None


def parse_vrp_trial_status(text: str) -> TrialStatus:
    """VRP8 ``display configuration trial status`` (``Trial status: ACTIVE``, ``Trial time left (sec): 51``,
    ``Persist id: X`` when the trial was given one). CANCELING and WAITCANCEL count as not pending:
    the device is already going back."""
    status = re.search(r"(?m)^\s*Trial status\s*:\s*(\w+)", text)
    if status is None:
        raise ParseError("no `Trial status:` line in display configuration trial status")
    left = re.search(r"(?m)^\s*Trial time left \(sec\)\s*:\s*(\d+)", text)
    persist = re.search(r"(?m)^\s*Persist id\s*:\s*(\S+)", text)
    return TrialStatus(
        status.group(1).upper() == "ACTIVE",
        int(left.group(1)) if left else None,
        persist.group(1) if persist else None,
    )
