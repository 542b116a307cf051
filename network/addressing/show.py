"""The plan as a tree of prefixes with the utilisation of each level."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from network.addressing.lock import Lock
from network.addressing.prefixes import text
from network.inventory import Inventory, Level


@dataclass(frozen=True)
class LevelUse:
    """How full the slots of one level are: per parent, the children against the slots available."""

    level: Level
    length: int
    sites: int
    slots_per_parent: int
    busiest: int
    mean_used: float


def level_use(lock: Lock, inventory: Inventory) -> list[LevelUse]:
    """Utilisation per level below the root."""
    out = []
    children: dict[str, int] = {}
    for site in inventory.sites:
        if site.id in lock.sites and site.parent in lock.sites:
            children[site.parent] = children.get(site.parent, 0) + 1
    parent_length = lock.aggregate[1]
    parent_level: Level | None = (
        inventory.site_by_id[lock.root].level if lock.root in inventory.site_by_id else None
    )
    known = {level.value for level in Level}
    for name, length in lock.lengths.items():
        if name not in known:  # a damaged lock: validate reports it
            continue
        level = Level(name)
        parents = [s.id for s in inventory.sites if s.id in lock.sites and s.level is parent_level]
        used = [children.get(p, 0) + 1 + (1 if p == lock.root and lock.cloud else 0) for p in parents]
        slots = 1 << (length - parent_length)
        out.append(
            LevelUse(
                level,
                length,
                sum(1 for s in inventory.sites if s.level is level and s.id in lock.sites),
                slots,
                max(used, default=0),
                (sum(used) / len(used) / slots) if used else 0.0,
            )
        )
        parent_length, parent_level = length, level
    return out


def tree(lock: Lock, inventory: Inventory, top: str | None = None, depth: int | None = None) -> Iterator[str]:
    """Lines of the prefix tree from ``top`` (the root by default), ``depth`` levels deep."""
    kids: dict[str, list[str]] = {}
    for site in inventory.sites:
        if site.id in lock.sites and site.parent is not None:
            kids.setdefault(site.parent, []).append(site.id)
    start = top or lock.root
    stack = [(start, 0)]
    while stack:
        site_id, level = stack.pop()
        record = inventory.site_by_id.get(site_id)
        count = len(kids.get(site_id, ()))
        label = f"{record.name} ({record.level})" if record else site_id
        extra = f"  {count} below" if count else ""
        yield f"{'  ' * level}{text(*lock.sites[site_id]):<28} {site_id:<16} {label}{extra}"
        if site_id == lock.root and lock.cloud is not None:
            yield (
                f"{'  ' * (level + 1)}{text(*lock.cloud):<28} {'(cloud)':<16} government cloud node, "
                f"{len(lock.tenants)} tenants"
            )
        if depth is None or level + 1 <= depth:
            for kid in sorted(kids.get(site_id, ()), key=lambda k: lock.sites[k], reverse=True):
                stack.append((kid, level + 1))
