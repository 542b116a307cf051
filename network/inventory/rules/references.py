"""References between records: every site, device, interface and department named must exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory


def _did_you_mean(name: str, known: Mapping[str, object], otherwise: str) -> str:
    close = difflib.get_close_matches(name, known.keys(), n=1, cutoff=0.75) if len(known) < 50_000 else []
    return f"did you mean {close[0]!r}?" if close else otherwise


def check(inv: Inventory) -> Iterator[Finding]:
    """R001–R007."""
    sites = inv.site_by_id
    for site in inv.sites:
        if site.parent is not None and site.parent not in sites and not inv.could_exist("sites", site.parent):
            yield Finding(
                "R001",
                f"site {site.id} names parent {site.parent!r}, which is not a site",
                site.at.child("parent"),
                hint=_did_you_mean(site.parent, sites, "add the site to sites.yaml"),
            )
    for device in inv.devices:
        if device.site not in sites and not inv.could_exist("sites", device.site):
            yield Finding(
                "R002",
                f"device {device.hostname} is at site {device.site!r}, which is not a site",
                device.at.child("site"),
                hint=_did_you_mean(device.site, sites, "add the site to sites.yaml"),
            )
    yield from _link_endpoints(inv)
    for department in inv.departments:
        if department.site not in sites and not inv.could_exist("sites", department.site):
            yield Finding(
                "R005",
                f"department {department.id} is at site {department.site!r}, which is not a site",
                department.at.child("site"),
                hint=_did_you_mean(department.site, sites, "add the site to sites.yaml"),
            )
    for system in inv.systems:
        departments = inv.department_by_id
        if system.department not in departments and not inv.could_exist("departments", system.department):
            yield Finding(
                "R006",
                f"system {system.id} belongs to {system.department!r}, which is not a department",
                system.at.child("department"),
                hint=_did_you_mean(system.department, departments, "add the department"),
            )
        host_site = system.hosting.site
        if host_site is not None and host_site not in sites and not inv.could_exist("sites", host_site):
            yield Finding(
                "R007",
                f"system {system.id} is hosted at site {host_site!r}, which is not a site",
                system.at.child("hosting", "site"),
                hint=_did_you_mean(host_site, sites, "add the site to sites.yaml"),
            )
    cloud = inv.city.cloud if inv.city else None
    if cloud is not None and cloud.site not in sites and not inv.could_exist("sites", cloud.site):
        assert inv.city is not None
        yield Finding(
            "R007",
            f"the cloud node is at site {cloud.site!r}, which is not a site",
            inv.city.at.child("cloud", "site"),
            hint=_did_you_mean(cloud.site, sites, "add the site to sites.yaml"),
        )


def _link_endpoints(inv: Inventory) -> Iterator[Finding]:
    devices = inv.device_by_hostname
    for link in inv.links:
        for side, endpoint in (("a", link.a), ("b", link.b)):
            device = devices.get(endpoint.device)
            if device is None:
                if not inv.could_exist("devices", endpoint.device):
                    yield Finding(
                        "R003",
                        f"link {link.id} end {side} names device {endpoint.device!r}, which is not a device",
                        link.at.child(side, "device"),
                        hint=_did_you_mean(endpoint.device, devices, "add the device"),
                    )
                continue
            names = {interface.name for interface in device.interfaces}
            if endpoint.interface not in names:
                close = difflib.get_close_matches(endpoint.interface, sorted(names), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"add it to {device.hostname}'s interfaces"
                yield Finding(
                    "R004",
                    f"link {link.id} end {side}: {device.hostname} has no interface {endpoint.interface!r}",
                    link.at.child(side, "interface"),
                    hint=hint,
                )
