"""Benchmark: the IPv6 plan at province scale, from scratch and incremental (+100 villages).

Baseline, measured in the same run on the same workload: NetBox-style first-fit allocation, where
each request computes ``IPSet(parent) - IPSet(children)`` with netaddr and takes the first free
block of the wanted length (NetBox's ``get_available_prefixes`` / ``get_first_available_prefix``).
The baseline is given the lengths our planner chose and only direct children (NetBox queries every
descendant): it allocates site prefixes top down, then a /64 per link and per department LAN inside
the site it belongs to. Our planner does more (loopbacks, cloud tenants, the lock text).

Targets (issue 3): full plan <= 5 s, incremental <= 1 s, >= 10x the baseline at province scale.
The inventory is loaded once beforehand (its load time is reported apart).

    python bench/plan_scale.py [--repeat 3] [--update-docs]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import netaddr
from common import generated_inventory, update_docs

from network.addressing import AddressingPolicy, Lock, plan
from network.inventory import Inventory, load_inventory
from network.inventory.model import Device, Link, Site

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

POLICY = AddressingPolicy.model_validate(
    {
        "ipv6": {
            "aggregate": "2001:db8::/32",
            "reserved": [
                "2001:db8:ff00::/40",
                "2001:db8:fe00::/40",
            ],  # the generator's management and LAN blocks
            "levels": {
                "city": {"mode": "sparse"},
                "county": {"mode": "sparse"},
                "town": {"mode": "sparse"},
                "village": {"mode": "sequential"},
            },
            # ~950 department tenants share the province's cloud block: /48s would not fit in its /40.
            "cloud": {"tenant_length": 52},
        }
    }
)


def with_new_villages(inventory: Inventory, count: int) -> Inventory:
    """The inventory plus ``count`` villages, each with a CPE and an uplink to its town's router."""
    towns = [s for s in inventory.sites if s.level.value == "town"][:: max(1, 1600 // count)][:count]
    routers = {d.site: d for d in inventory.devices}
    sites, devices, links = list(inventory.sites), list(inventory.devices), list(inventory.links)
    for n, town in enumerate(towns):
        village = f"{town.id}-new{n}"
        sites.append(Site(id=village, name=f"新村{n}", level="village", parent=town.id, on_demand="20M"))
        devices.append(
            Device(
                hostname=village.upper(),
                site=village,
                role="access",
                platform="huawei_vrp5",
                management=f"2001:db8:ff00:ffff::{n + 1:x}",
                credentials="env:EGOV_SSH_ACCESS",
                interfaces=[{"name": "GigabitEthernet0/0/0"}],
            )
        )
        router = routers[town.id]
        links.append(
            Link(
                id=f"{village}-up",
                a={"device": router.hostname, "interface": f"new{n}"},
                b={"device": village.upper(), "interface": "GigabitEthernet0/0/0"},
                capacity="20M",
            )
        )
    return dataclasses.replace(inventory, sites=tuple(sites), devices=tuple(devices), links=tuple(links))


class FirstFit:
    """NetBox-style allocation: every request recomputes the free space of its parent as an IPSet."""

    def __init__(self) -> None:
        self.children: dict[str, list[netaddr.IPNetwork]] = {}
        self.count = 0

    def allocate(self, parent: netaddr.IPNetwork, length: int) -> netaddr.IPNetwork:
        taken = self.children.setdefault(str(parent), [])
        available = netaddr.IPSet([parent]) - netaddr.IPSet(taken)
        for cidr in available.iter_cidrs():
            if cidr.prefixlen <= length:
                chosen = netaddr.IPNetwork(f"{cidr.network}/{length}")
                taken.append(chosen)
                self.count += 1
                return chosen
        raise RuntimeError(f"{parent} is full")


def baseline(
    inventory: Inventory,
    lengths: dict[str, int],
    root: str,
    existing: dict[str, netaddr.IPNetwork] | None = None,
    only: set[str] | None = None,
) -> int:
    """First-fit allocation of the same workload as ours; returns how many allocations it made.

    Site prefixes top down; per loopback scope (the city and each county) an infrastructure
    container, a /64 of loopbacks in it with a /128 per device (``get_first_available_ip``), and a
    /64 per link; a /64 per department LAN in its site's prefix.
    """
    allocator = FirstFit()
    prefixes = _site_prefixes(allocator, inventory, lengths, root, existing, only)
    scope = _scopes(inventory, root)
    infrastructure: dict[str, netaddr.IPNetwork] = {}
    loopbacks: dict[str, tuple[netaddr.IPNetwork, list[netaddr.IPAddress]]] = {}
    for scope_id in sorted(set(scope.values())):
        child = lengths["county"] if scope_id == root else lengths["town"]
        infrastructure[scope_id] = allocator.allocate(prefixes[scope_id], child)
        loopbacks[scope_id] = (allocator.allocate(infrastructure[scope_id], 64), [])
    for device in inventory.devices:
        if device.site in scope and (only is None or device.site in only):
            block, taken = loopbacks[scope[device.site]]
            free = netaddr.IPSet([block]) - netaddr.IPSet(taken)  # NetBox's get_available_ips
            taken.append(next(iter(free)))
            allocator.count += 1
    for link in inventory.links:
        served = inventory.served_site(link)
        if served is not None and served.id in scope and (only is None or served.id in only):
            allocator.allocate(infrastructure[scope[served.id]], 64)
    if only is None:
        for department in inventory.departments:
            for _ in department.lans:
                if department.site in prefixes:
                    allocator.allocate(prefixes[department.site], 64)
    return allocator.count


def _site_prefixes(
    allocator: FirstFit,
    inventory: Inventory,
    lengths: dict[str, int],
    root: str,
    existing: dict[str, netaddr.IPNetwork] | None,
    only: set[str] | None,
) -> dict[str, Any]:
    prefixes: dict[str, netaddr.IPNetwork] = dict(existing or {root: netaddr.IPNetwork("2001:db8::/32")})
    for site_id, prefix in prefixes.items():  # what exists already counts as taken in its parent
        parent = inventory.site_by_id[site_id].parent if site_id in inventory.site_by_id else None
        if parent in prefixes and site_id != root:
            allocator.children.setdefault(str(prefixes[parent]), []).append(prefix)
    for site in _top_down(inventory, root):
        if site.id not in prefixes and (only is None or site.id in only):
            prefixes[site.id] = allocator.allocate(prefixes[site.parent or root], lengths[site.level.value])
    return prefixes


def _scopes(inventory: Inventory, root: str) -> dict[str, str]:
    """Site id -> its loopback scope: its county, or the root above the counties."""
    out = {root: root}
    for site in _top_down(inventory, root):
        out[site.id] = site.id if site.level.value == "county" else out[site.parent]  # type: ignore[index]
    return out


def _top_down(inventory: Inventory, root: str) -> list[Site]:
    kids: dict[str, list[Site]] = {}
    for site in inventory.sites:
        if site.parent is not None:
            kids.setdefault(site.parent, []).append(site)
    out, stack = [], list(kids.get(root, []))
    while stack:
        site = stack.pop(0)
        out.append(site)
        stack.extend(kids.get(site.id, []))
    return out


def timed(function: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    target = generated_inventory("province", args.seed)
    load_s, loaded = timed(load_inventory, target)
    inventory: Inventory = loaded.inventory
    grown = with_new_villages(inventory, 100)
    full, incremental, base_full, base_incremental = [], [], [], []
    lock: Lock | None = None
    for i in range(args.repeat):
        print(f"  run {i + 1}/{args.repeat}", file=sys.stderr, flush=True)
        fresh, fresh_grown = dataclasses.replace(inventory), dataclasses.replace(grown)  # no warm caches
        seconds, lock = timed(_plan_text, fresh, None)
        full.append(seconds)
        seconds, _ = timed(_plan_text, fresh_grown, lock)
        incremental.append(seconds)
        assert lock is not None
        lengths, root = lock.lengths, lock.root
        seconds, allocations = timed(baseline, dataclasses.replace(inventory), lengths, root)
        base_full.append(seconds)
        existing = {
            k: netaddr.IPNetwork(f"{netaddr.IPAddress(v[0], 6)}/{v[1]}") for k, v in lock.sites.items()
        }
        new_sites = {s.id for s in grown.sites if "-new" in s.id}
        seconds, _ = timed(baseline, dataclasses.replace(grown), lengths, root, existing, new_sites)
        base_incremental.append(seconds)
    assert lock is not None
    ours = plan(inventory, POLICY, None)
    results = {
        "sites": len(inventory.sites),
        "devices": len(inventory.devices),
        "links": len(inventory.links),
        "allocations": ours.added,
        "baseline_allocations": allocations,
        "load_s": load_s,
        "repeat": args.repeat,
        "full_s": statistics.median(full),
        "incremental_s": statistics.median(incremental),
        "baseline_full_s": statistics.median(base_full),
        "baseline_incremental_s": statistics.median(base_incremental),
        "lengths": lock.lengths,
    }
    (OUT / "plan_scale.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = table(results)
    print(text)
    if args.update_docs:
        update_docs("plan_scale", text)


def _plan_text(inventory: Inventory, previous: Lock | None) -> Lock:
    result = plan(inventory, POLICY, previous)
    result.lock.to_text()
    return result.lock


def table(r: dict[str, Any]) -> str:
    full_ratio = r["baseline_full_s"] / r["full_s"]
    inc_ratio = r["baseline_incremental_s"] / r["incremental_s"]
    ok = r["full_s"] <= 5 and r["incremental_s"] <= 1 and full_ratio >= 10
    lengths = ", ".join(f"{k} /{v}" for k, v in r["lengths"].items())
    return "\n".join(
        [
            f"Province-scale inventory: {r['sites']:,} sites, {r['devices']:,} devices, "
            f"{r['links']:,} links (loaded once beforehand in {r['load_s']:.1f} s, not counted). "
            f"Our plan makes {r['allocations']:,} allocations (lengths {lengths}); "
            f"the baseline {r['baseline_allocations']:,}. Medians of {r['repeat']} runs, "
            "each on a fresh inventory object (no warm caches).",
            "",
            "| step | ours (plan + lock text) | baseline: first-fit by IPSet difference | ours faster by |",
            "| --- | ---: | ---: | ---: |",
            f"| full plan from scratch | {r['full_s']:.2f} s | {r['baseline_full_s']:.2f} s | "
            f"**{full_ratio:.0f}x** |",
            f"| incremental: +100 villages | {r['incremental_s']:.2f} s | "
            f"{r['baseline_incremental_s']:.2f} s | {inc_ratio:.2f}x |",
            "",
            f"Targets (full <= 5 s, incremental <= 1 s, >= 10x the baseline on the full plan): "
            f"{'met' if ok else 'NOT met'}.",
        ]
    )


if __name__ == "__main__":
    main()
