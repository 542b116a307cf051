"""Counts that describe an inventory at a glance: sites per level, links per tier, systems per department."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from network.inventory.inventory import Inventory
from network.inventory.model import Level, Target, Tier, format_bandwidth


@dataclass(frozen=True)
class TierRow:
    """Links of one tier: how many, the target and how many fall short of it."""

    tier: Tier
    links: int
    target: str
    below_target: int


@dataclass(frozen=True)
class DepartmentRow:
    """Systems of one department: total, bound for the cloud, and staying."""

    department: str
    name: str
    systems: int
    to_cloud: int
    staying: int


def sites_per_level(inv: Inventory) -> list[tuple[Level, int]]:
    """(level, number of sites) for every level, top down."""
    counts = Counter(site.level for site in inv.sites)
    return [(level, counts.get(level, 0)) for level in Level]


def links_per_tier(inv: Inventory) -> list[TierRow]:
    """One row per tier, in tier order."""
    counts: Counter[Tier] = Counter()
    short: Counter[Tier] = Counter()
    for link in inv.links:
        tier = inv.tier(link)
        if tier is None:
            continue
        counts[tier] += 1
        target = inv.tier_target(link)
        if target is not None and link.capacity < target:
            short[tier] += 1
    rows = []
    for tier in Tier:
        goal = inv.tier_targets.get(tier)
        label = format_bandwidth(goal) if goal else ("on demand" if tier is Tier.VILLAGE else "-")
        rows.append(TierRow(tier, counts.get(tier, 0), label, short.get(tier, 0)))
    return rows


def systems_per_department(inv: Inventory) -> list[DepartmentRow]:
    """One row per department that has systems, most systems first."""
    total: Counter[str] = Counter()
    cloud: Counter[str] = Counter()
    for system in inv.systems:
        total[system.department] += 1
        if system.migration.target is Target.CLOUD:
            cloud[system.department] += 1
    rows = []
    for department_id, count in total.most_common():
        department = inv.department_by_id.get(department_id)
        rows.append(
            DepartmentRow(
                department_id,
                department.name if department else "?",
                count,
                cloud[department_id],
                count - cloud[department_id],
            )
        )
    return rows
