"""Coverage: every city, county and town has an uplink; every department is connected or planned."""

from __future__ import annotations

from collections.abc import Iterator

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.model import Level

_MUST_BE_CONNECTED = (Level.CITY, Level.COUNTY, Level.TOWN)


def check(inv: Inventory) -> Iterator[Finding]:
    """C001–C002."""
    yield from _uplinks(inv)
    for department in inv.departments:
        if department.access.state == "planned" and department.access.date is None:
            yield Finding(
                "C002",
                f"department {department.id} ({department.name}) is planned for the extranet without a date",
                department.at.child("access"),
                hint="add `date:` with the planned connection date, e.g. 2020-06-30",
            )


def _uplinks(inv: Inventory) -> Iterator[Finding]:
    # A link or device that failed to load may be the missing uplink: do not guess then.
    for kind in ("links", "devices", "sites"):
        if kind in inv.unreadable or inv.broken.get(kind):
            return
    uplinks = inv.uplinks
    for site in inv.sites:
        if site.level in _MUST_BE_CONNECTED and site.id not in uplinks:
            yield Finding(
                "C001",
                f"{site.level} {site.id} ({site.name}) has no uplink toward its {site.level.parent_level}",
                site.at,
                hint="add a link from a device at this site to a device at its parent site",
            )
