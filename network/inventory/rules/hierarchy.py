"""The site tree: village under town under county under city under province, without cycles."""

from __future__ import annotations

from collections.abc import Iterator

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory, tier_between
from network.inventory.model import Level, Site, Tier


def check(inv: Inventory) -> Iterator[Finding]:
    """H001–H004."""
    sites = inv.site_by_id
    for site in inv.sites:
        if site.level is Level.PROVINCE:
            if site.parent is not None:
                yield Finding(
                    "H003",
                    f"province site {site.id} has a parent ({site.parent})",
                    site.at.child("parent"),
                    hint="a province is the top of the tree: remove `parent`",
                )
            continue
        if site.parent is None:
            yield Finding(
                "H003",
                f"{site.level} site {site.id} has no parent",
                site.at,
                hint=f"add `parent:` naming its {site.level.parent_level} site",
            )
            continue
        parent = sites.get(site.parent)
        if parent is not None and parent.level is not site.level.parent_level:
            yield Finding(
                "H001",
                f"{site.level} {site.id} hangs under {parent.level} {parent.id}; a "
                f"{site.level} hangs under a {site.level.parent_level}",
                site.at.child("parent"),
                hint=f"name a {site.level.parent_level} site as its parent, or fix its level",
            )
    yield from _cycles(inv.sites, sites)
    yield from _links_across(inv)


def _cycles(all_sites: tuple[Site, ...], sites: dict[str, Site]) -> Iterator[Finding]:
    state: dict[str, int] = {}  # 1: on the current walk, 2: known to reach the root
    for start in all_sites:
        walk: list[str] = []
        current: str | None = start.id
        while current is not None and current in sites and current not in state:
            state[current] = 1
            walk.append(current)
            current = sites[current].parent
        if current is not None and state.get(current) == 1 and current in walk:
            cycle = walk[walk.index(current) :]
            first = min(cycle)
            yield Finding(
                "H002",
                "sites form a cycle: " + " -> ".join([*cycle, current]),
                sites[first].at.child("parent"),
                hint="one of these parents is wrong",
            )
        for site_id in walk:
            state[site_id] = 2


def _links_across(inv: Inventory) -> Iterator[Finding]:
    for link in inv.links:
        sites = inv.link_sites(link)
        if sites is None:
            continue
        a, b = sites
        if tier_between(a, b) is Tier.LOCAL:
            continue
        deeper, upper = (a, b) if a.level.depth > b.level.depth else (b, a)
        if deeper.parent != upper.id:
            yield Finding(
                "H004",
                f"link {link.id} joins {deeper.level} {deeper.id} to {upper.level} {upper.id}, "
                "which is not its parent",
                link.at,
                hint=f"uplinks run to the parent site ({deeper.parent}); check the endpoints",
            )
