"""Classification: classified systems never go to the cloud; MLPS levels fit the cloud node."""

from __future__ import annotations

from collections.abc import Iterator

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.model import MOVING_STRATEGIES, Classification, Strategy, Target


def check(inv: Inventory) -> Iterator[Finding]:
    """K001–K005."""
    cloud = inv.city.cloud if inv.city else None
    to_cloud = []
    for system in inv.systems:
        migration = system.migration
        if system.classification is Classification.CLASSIFIED and (
            migration.target is Target.CLOUD or migration.strategy in MOVING_STRATEGIES
        ):
            yield Finding(
                "K001",
                f"system {system.id} ({system.name}) is classified but targets "
                f"{migration.target} with strategy {migration.strategy}",
                system.at.child("migration"),
                hint="classified systems never move: use strategy retain, target department",
            )
            continue
        if migration.target is not Target.CLOUD:
            if migration.strategy in (Strategy.RETAIN, Strategy.RETIRE) and not migration.reason:
                yield Finding(
                    "K003",
                    f"system {system.id} is to {migration.strategy} without a reason",
                    system.at.child("migration"),
                    hint="add `reason:` (e.g. 涉密系统, 本地数据需保留)",
                )
            continue
        to_cloud.append(system)
        if cloud is not None and system.mlps_level > cloud.mlps_level:
            yield Finding(
                "K002",
                f"system {system.id} is MLPS level {system.mlps_level}; the cloud node is rated "
                f"level {cloud.mlps_level}",
                system.at.child("mlps_level"),
                hint="keep it in its department's room (retain) or rate the cloud node higher",
            )
        if migration.strategy in MOVING_STRATEGIES and (migration.wave is None or migration.deadline is None):
            missing = " and ".join(f for f in ("wave", "deadline") if getattr(migration, f) is None)
            yield Finding(
                "K004",
                f"system {system.id} moves to the cloud without a {missing}",
                system.at.child("migration"),
                hint=f"add `{missing.split()[0]}:` to its migration",
            )
    if to_cloud and cloud is None and inv.city is not None:
        yield Finding(
            "K005",
            f"{len(to_cloud)} systems target the cloud but city.yaml declares no cloud node",
            inv.city.at,
            hint="add `cloud: {name: ..., site: ..., mlps_level: 3}` to city.yaml",
        )
