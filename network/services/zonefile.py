"""Zone files (RFC 1035 master format) from the planned records, with SOA serials that only go up.

The serial is ``YYYYMMDDnn`` (RFC 1912 §2.2). A zone whose records did not change keeps the serial of
the file already on disk; a changed zone takes the larger of today's first serial and the old one
plus one, so secondaries always see the change and a serial never goes back (RFC 1982 arithmetic is
never needed). The text is deterministic: one owner per line group, sorted, no timestamps but the serial.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from network.services.records import Record, ZonePlan, fqdn

SOA_TIMERS = (3600, 900, 1209600, 300)  # refresh, retry, expire, negative TTL (RFC 1912, RFC 2308)
_SERIAL_RE = re.compile(r"^@\s+IN\s+SOA\s+\S+\s+\S+\s+\(\s*(\d+)\s*;\s*serial", re.MULTILINE)
_MAX_SERIAL = 2**32 - 1


class ZoneFileError(Exception):
    """A zone file on disk cannot be read, or its serial cannot go up (names the file)."""


def filename(zone_name: str) -> str:
    """The zone file's name: ``shanwei.gov.example.zone``."""
    return fqdn(zone_name).rstrip(".") + ".zone"


def _relative(name: str, origin: str) -> str:
    if name == origin:
        return "@"
    if name.endswith("." + origin):
        return name[: -len(origin) - 1]
    return name


def _contact(plan: ZonePlan) -> str:
    contact = plan.zone.contact.rstrip(".")
    return contact + "." if "." in contact else f"{contact}.{plan.origin}"


def render(plan: ZonePlan, serial: int) -> str:
    """The zone file's text with ``serial``."""
    origin = plan.origin
    refresh, retry, expire, negative = SOA_TIMERS
    lines = [
        f"; {origin} written by `egov dns zones` from the inventory and the address lock; do not edit.",
        f"$ORIGIN {origin}",
        f"$TTL {plan.zone.ttl}",
        f"@ IN SOA {fqdn(plan.zone.primary)} {_contact(plan)} ( {serial} ; serial",
        f"    {refresh} {retry} {expire} {negative} )",
    ]
    previous = None
    for record in plan.records:
        owner = _relative(record.owner, origin)
        shown = owner if owner != previous else ""
        previous = owner
        lines.append(f"{shown:<24} IN {record.rtype:<5} {_data(record, origin)}")
    return "\n".join(lines) + "\n"


def _data(record: Record, origin: str) -> str:
    if record.rtype in ("NS", "CNAME"):
        return _relative(record.data, origin) if record.data.endswith("." + origin) else record.data
    return record.data


def serial_of(text: str) -> int | None:
    """The SOA serial in a file ``render`` wrote (None when there is none)."""
    match = _SERIAL_RE.search(text)
    return int(match.group(1)) if match else None


def _without_serial(text: str) -> str:
    return _SERIAL_RE.sub("@ IN SOA", text)


@dataclass(frozen=True)
class ZoneFile:
    """A zone file to write: its name, the text, and the text on disk before (None: new)."""

    name: str
    text: str
    before: str | None
    serial: int

    @property
    def changed(self) -> bool:
        """True when writing it changes the file."""
        return self.text != self.before


def next_serial(old: int | None, today: dt.date) -> int:
    """The serial after ``old``: today's first (``YYYYMMDD00``) or ``old + 1``, whichever is larger."""
    first = int(today.strftime("%Y%m%d")) * 100
    serial = first if old is None else max(first, old + 1)
    if serial > _MAX_SERIAL:
        raise ZoneFileError(f"serial {serial} does not fit in 32 bits")
    return serial


def zone_files(plans: dict[str, ZonePlan], directory: Path, today: dt.date | None = None) -> list[ZoneFile]:
    """What each zone's file should hold, against what ``directory`` holds now."""
    today = today or dt.date.today()
    out = []
    for plan in plans.values():
        name = filename(plan.zone.name)
        path = directory / name
        try:
            before = path.read_text(encoding="utf-8") if path.exists() else None
        except (OSError, UnicodeDecodeError) as problem:
            raise ZoneFileError(f"{path}: cannot be read ({problem})") from None
        old = serial_of(before) if before is not None else None
        if before is not None and old is None:
            raise ZoneFileError(f"{path}: no SOA serial in the form `egov dns zones` writes")
        unchanged = render(plan, old or 0)
        if before is not None and old is not None and _without_serial(unchanged) == _without_serial(before):
            out.append(ZoneFile(name, before, before, old))
            continue
        serial = next_serial(old, today)
        out.append(ZoneFile(name, render(plan, serial), before, serial))
    return out
