"""Exports of the plan: NetBox prefix bulk import (CSV), JSON, and an Ansible inventory with host vars.

NetBox CSV columns (IPAM › Prefixes › Import; fields of NetBox's PrefixImportForm that need no
other NetBox object to exist first):

| column | value |
| --- | --- |
| prefix | the prefix |
| status | ``container`` (site, cloud, tenant blocks); ``active`` (loopback and LAN /64s, zones, |
|        | link /127s); ``reserved`` (the /64 behind each /127); ``deprecated`` (quarantined) |
| is_pool | ``true`` for loopback /64s (every address usable), else ``false`` |
| mark_utilized | ``true`` for link /127s, else ``false`` |
| description | what it is, in the inventory's words (site name and level, department, link ends) |
| comments | the stable key in allocations.lock.yaml (``sites/sw-hf``) |
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from network.addressing.lock import SHARED_TENANT, Lock
from network.addressing.prefixes import LAN_LENGTH, P2P_CONFIGURED, P2P_RESERVED, address_text, text
from network.emit import dump_file
from network.inventory import Inventory

NETBOX_COLUMNS = ("prefix", "status", "is_pool", "mark_utilized", "description", "comments")


def _rows(lock: Lock, inventory: Inventory) -> Iterator[tuple[str, str, bool, bool, str, str]]:
    sites = inventory.site_by_id
    for key, prefix in sorted(lock.sites.items(), key=lambda kv: kv[1]):
        site = sites.get(key)
        label = f"{site.name} ({site.level})" if site else key
        yield text(*prefix), "container", False, False, label, f"sites/{key}"
    if lock.cloud is not None:
        yield text(*lock.cloud), "container", False, False, "government cloud node", "cloud"
    departments = inventory.department_by_id
    for key, prefix in sorted(lock.tenants.items()):
        name = (
            "cloud shared networks"
            if key == SHARED_TENANT
            else f"cloud tenant {departments[key].name}"
            if key in departments
            else f"cloud tenant {key}"
        )
        yield text(*prefix), "container", False, False, name, f"tenants/{key}"
        for zone, network in lock.subnets.get(key, {}).items():
            yield (
                text(network, LAN_LENGTH),
                "active",
                False,
                False,
                f"{name}: {zone}",
                f"subnets/{key}/{zone}",
            )
    for key, prefix in sorted(lock.loopback_blocks.items()):
        yield text(*prefix), "active", True, False, f"loopbacks of {key}", f"loopback_blocks/{key}"
    links = {link.id: link for link in inventory.links}
    for key, network in sorted(lock.links.items()):
        link = links.get(key)
        ends = f"{link.a.device} {link.a.interface} - {link.b.device} {link.b.interface}" if link else key
        yield (
            text(network, P2P_RESERVED),
            "reserved",
            False,
            False,
            f"reserved for link {key}",
            f"links/{key}",
        )
        yield text(network, P2P_CONFIGURED), "active", False, True, f"link {ends}", f"links/{key}"
    for key, prefix in sorted(lock.lans.items()):
        department, _, v4 = key.partition(" ")
        owner = departments[department].name if department in departments else department
        yield text(*prefix), "active", False, False, f"{owner} LAN (IPv6 twin of {v4})", f"lans/{key}"
    for key, prefix in sorted(lock.vpns.items()):
        yield text(*prefix), "active", True, False, f"VPN instance {key} (its IPv6 space)", f"vpns/{key}"
    for key, prefix in sorted(lock.quarantine.items()):
        yield (
            text(*prefix),
            "deprecated",
            False,
            False,
            "quarantined: reusable after `egov plan release`",
            f"quarantine/{key}",
        )


def netbox_csv(lock: Lock, inventory: Inventory) -> str:
    """The plan as a CSV that NetBox's prefix bulk import accepts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(NETBOX_COLUMNS)
    for prefix, status, is_pool, utilized, description, comments in _rows(lock, inventory):
        writer.writerow([prefix, status, str(is_pool).lower(), str(utilized).lower(), description, comments])
    return out.getvalue()


def as_json(lock: Lock) -> str:
    """The lock as JSON (prefixes as text)."""
    document = {
        "aggregate": text(*lock.aggregate),
        "root": lock.root,
        "lengths": lock.lengths,
        "sites": {k: text(*v) for k, v in sorted(lock.sites.items())},
        "loopback_blocks": {k: text(*v) for k, v in sorted(lock.loopback_blocks.items())},
        "loopbacks": {k: address_text(v) for k, v in sorted(lock.loopbacks.items())},
        "links": {
            k: {
                "reserved": text(v, P2P_RESERVED),
                "configured": text(v, P2P_CONFIGURED),
                "a": address_text(v),
                "b": address_text(v + 1),
            }
            for k, v in sorted(lock.links.items())
        },
        "lans": {k: text(*v) for k, v in sorted(lock.lans.items())},
        "vpns": {k: text(*v) for k, v in sorted(lock.vpns.items())},
        "cloud": text(*lock.cloud) if lock.cloud else None,
        "tenants": {
            k: {
                "prefix": text(*v),
                "subnets": {z: text(n, LAN_LENGTH) for z, n in lock.subnets.get(k, {}).items()},
            }
            for k, v in sorted(lock.tenants.items())
        },
        "quarantine": {k: text(*v) for k, v in sorted(lock.quarantine.items())},
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def group_name(site_id: str) -> str:
    """An Ansible group name for a site: letters, digits and underscores only."""
    return "site_" + re.sub(r"[^A-Za-z0-9_]", "_", site_id)


def ansible_inventory(lock: Lock, inventory: Inventory) -> str:
    """A YAML inventory Ansible reads as is: a group per site, each device with its IPv6 host vars.

    Host vars: ``egov_loopback_ipv6`` (/128), ``egov_ipv6_interfaces`` (interface -> address/127, link,
    peer). Group vars: ``egov_site_prefix``, ``egov_site_level``.
    """
    interfaces: dict[str, dict[str, dict[str, str]]] = {}
    for link in inventory.links:
        network = lock.links.get(link.id)
        if network is None:
            continue
        for end, peer, offset in ((link.a, link.b, 0), (link.b, link.a, 1)):
            interfaces.setdefault(end.device, {})[end.interface] = {
                "address": f"{address_text(network + offset)}/{P2P_CONFIGURED}",
                "link": link.id,
                "peer": peer.device,
            }
    groups: dict[str, Any] = {}
    site_of_group: dict[str, str] = {}
    for device in inventory.devices:
        if device.hostname not in lock.loopbacks:
            continue
        host: dict[str, Any] = {
            "ansible_host": str(device.management),
            "egov_platform": device.platform,
            "egov_loopback_ipv6": f"{address_text(lock.loopbacks[device.hostname])}/128",
        }
        if device.hostname in interfaces:
            host["egov_ipv6_interfaces"] = interfaces[device.hostname]
        site_of_group[group_name(device.site)] = device.site
        group = groups.setdefault(group_name(device.site), {"hosts": {}, "vars": {}})
        group["hosts"][device.hostname] = host
    for name, group in groups.items():
        site = inventory.site_by_id.get(site_of_group[name])
        prefix = lock.sites.get(site.id) if site else None
        group["vars"] = {
            "egov_site_prefix": text(*prefix) if prefix else None,
            "egov_site_level": site.level.value if site else None,
        }
    body = {"vars": {"egov_ipv6_aggregate": text(*lock.aggregate)}, "children": dict(sorted(groups.items()))}
    header = [
        "An Ansible inventory with the IPv6 plan as host and group vars, from `egov plan export`.",
        "Use it as is (ansible-inventory -i FILE --list) or beside the egov inventory plugin.",
    ]
    return dump_file("all", body, header)
