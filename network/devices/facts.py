"""Parse ``display version`` (Huawei VRP, H3C Comware), ``show version`` (IOS), ``display ipv6 neighbors``
and VRP8's ``display configuration trial status``.

``display version`` tells VRP5 from VRP8 (``Version 5.x`` / ``Version 8.x``): the driver layer uses
it to check that a device runs the platform the inventory says. IOS goes through ntc-templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^VRP \(R\) software, Version (?P<major>\d+)\.(?P<minor>\d+)\s*\((?P<detail>[^)]*)\)")
# "HUAWEI NE40E-X8A uptime is", "Huawei AR6280 Router uptime is", "HUAWEI ATN 910C-B uptime is",
# "Quidway S7706 Terabit Routing Switch uptime is": the model, then perhaps words that describe it.
_UPTIME = re.compile(r"^(?:HUAWEI|Huawei|Quidway) (?P<model>.+?) uptime is (?P<uptime>.+?)\s*$")
_DESCRIPTIVE = re.compile(r"^[A-Z][a-z]+$")  # "Router", "Terabit", "Switch": not part of a model
_DURATION = re.compile(r"(?P<n>\d+)\s*(?P<unit>year|week|day|hour|minute|second)s?")
_SECONDS = {"year": 31_536_000, "week": 604_800, "day": 86_400, "hour": 3_600, "minute": 60, "second": 1}


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


def _model(words: str) -> str:
    """``AR6280 Router`` -> ``AR6280``, ``ATN 910C-B`` stays, ``S7706 Terabit Routing Switch`` -> S7706."""
    kept: list[str] = []
    for word in words.split():
        if kept and _DESCRIPTIVE.match(word):
            break
        kept.append(word)
    return " ".join(kept)


def parse_uptime(text: str) -> int:
    """Seconds from ``161 days, 0 hour, 20 minutes`` or ``2 years, 1 week, 2 days, 3 hours, 4 minutes``
    (a year is 365 days, as IOS counts it)."""
    return sum(int(m.group("n")) * _SECONDS[m.group("unit")] for m in _DURATION.finditer(text))


def parse_vrp_version(text: str) -> Version:
    """Facts from ``display version`` of VRP5 or VRP8; raises ParseError when the version line is missing."""
    version = model = None
    uptime = None
    for line in text.splitlines():
        if version is None and (match := _VERSION.match(line.strip())):
            version = match
        elif model is None and (match := _UPTIME.match(line.strip())):
            model, uptime = _model(match.group("model")), parse_uptime(match.group("uptime"))
    if version is None:
        raise ParseError(
            "no 'VRP (R) software, Version' line: is this `display version` of a Huawei VRP device?"
        )
    os_version = f"{version.group('major')}.{version.group('minor')} ({version.group('detail')})"
    return Version("Huawei", model or "", os_version, int(version.group("major")), uptime)


# Comware 7 "H3C Comware Software, Version 7.1.070, Release 6616P51"; Comware 5 prints "H3C Comware Platform
# Software" and then "Comware Software, Version 5.20, Release 2202"; HPE-branded devices say HPE.
_COMWARE = re.compile(
    r"^(?:(?:H3C|HPE|HP) )?Comware Software, Version (?P<major>\d+)\.(?P<rest>[^\s,]+),?"
    r"\s*(?P<release>Release \S+)?"
)
_COMWARE_UPTIME = re.compile(r"^(?:H3C|HPE|HP) (?P<model>.+?) uptime is (?P<uptime>.+?)\s*$")
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
            model, uptime = _model(match.group("model")), parse_uptime(match.group("uptime"))
    if version is None:
        raise ParseError("no 'H3C Comware Software, Version' line: is this `display version` of Comware?")
    os_version = f"{version.group('major')}.{version.group('rest')}"
    if version.group("release"):
        os_version += f", {version.group('release')}"
    return Version("H3C", model or "", os_version, int(version.group("major")), uptime)


def parse_serial(text: str) -> str:
    """The serial number from VRP ``display esn`` or Comware ``display device manuinfo`` ("" if none)."""
    chassis = re.search(r"(?ms)^Chassis self:\s*$(?P<body>.*?)(?=^\S|\Z)", text)
    if chassis:  # a chassis device: the chassis's own serial, not a board's ("" when it cannot tell)
        text = chassis.group("body")
    match = _SERIAL.search(text)
    return match.group("serial") if match else ""


# "Cisco IOS Software, C1900 Software (C1900-UNIVERSALK9-M), Version 15.1(4)M8, RELEASE SOFTWARE (fc2)",
# "IOS (tm) 2500 Software (C2500-J-L), Version 11.2(5)P, ...",
# debug builds "... Experimental Version 17.6.20210302:012459 [...]".
_IOS_VERSION = re.compile(r"^(?:Cisco IOS Software|IOS \(tm\)).*?\bVersion (?P<version>[^\s,]+)")
_IOS_UPTIME = re.compile(r"^(?P<hostname>\S+) uptime is (?P<uptime>.+?)\s*$")
# "cisco WS-C3750X-24S (PowerPC405) processor (revision A0) with 524288K bytes of memory.",
# "Cisco CISCO1941/K9 (revision 1.0) with 491520K/32768K bytes of memory.",
# "Allen-Bradley 1783-CMS20DN (ARM) processor ..."
_IOS_MODEL = re.compile(r"^(?:[Cc]isco|Allen-Bradley) (?P<model>\S+) \(.*bytes of .*memory")
_IOS_SERIAL = re.compile(r"^Processor board ID (?P<serial>[^\s,]+)")


def parse_ios_version(text: str) -> Version:
    """Facts from IOS and IOS-XE ``show version``: the ``Cisco IOS Software`` (or old ``IOS (tm)``) line's
    version, ``HOST uptime is ...`` (years count 365 days), ``cisco MODEL (...) processor``, the first
    ``Processor board ID``. Raises ParseError when there is no version line."""
    version = hostname = model = serial = ""
    uptime = None
    for raw in text.splitlines():
        line = raw.strip()
        if not version and (match := _IOS_VERSION.match(line)):
            version = match.group("version")
        elif uptime is None and (match := _IOS_UPTIME.match(line)):
            hostname, uptime = match.group("hostname"), parse_uptime(match.group("uptime"))
        elif not model and (match := _IOS_MODEL.match(line)):
            model = match.group("model")
        elif not serial and (match := _IOS_SERIAL.match(line)):
            serial = match.group("serial")
    if not version:
        raise ParseError("no 'Cisco IOS Software, … Version' line: is this `show version` of Cisco IOS?")
    leading = re.match(r"\d+", version)
    return Version("Cisco", model, version, int(leading.group(0)) if leading else 0, uptime, serial, hostname)


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


def key_values(line: str) -> dict[str, str]:
    """The ``Key : value`` pairs of one line of a VRP detail display (several per line)."""
    return {m.group("key").strip(): (m.group("value") or "").strip() for m in _FIELD.finditer(line)}


_AGE = re.compile(r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?")


def _age(text: str) -> int | None:
    """``00h05m12s`` (routers) or a plain number (CloudEngine: ``Age : 75``, read as seconds like the
    ``Age`` column of Comware's table; Huawei's reference does not name the unit)."""
    if text.isdigit():
        return int(text)
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
        fields.update(key_values(line))
    flush()
    return out


# "2001:DB8::1    0 aabb.cc00.0100  REACH Gi0/1":
# address, age in minutes or "-", MAC or "-", state, interface.
_IOS_NEIGHBOR = re.compile(
    r"^(?P<address>[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)\s+(?P<age>\d+|-)\s+(?P<mac>[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}|-)"
    r"\s+(?P<state>[A-Z]+)\s+(?P<interface>\S+)\s*$"
)


def parse_ios_ipv6_neighbors(text: str) -> list[Ipv6Neighbor]:
    """Rows of IOS ``show ipv6 neighbors`` (the age is in minutes; ``-`` for a static entry)."""
    out = []
    for line in text.splitlines():
        if match := _IOS_NEIGHBOR.match(line.strip()):
            age = match.group("age")
            out.append(
                Ipv6Neighbor(
                    address=match.group("address").lower(),
                    mac="" if match.group("mac") == "-" else match.group("mac").lower(),
                    interface=match.group("interface"),
                    state=match.group("state"),
                    age=int(age) * 60 if age.isdigit() else None,
                )
            )
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
