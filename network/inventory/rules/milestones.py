"""Milestones: each is bound to a metric that exists, with a scope that metric accepts."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.metrics import METRICS, REPLACED

_SCOPES = ("levels", "departments", "systems")


def check(inv: Inventory) -> Iterator[Finding]:
    """M001–M003."""
    for milestone in inv.milestones:
        binding = milestone.metric
        spec = METRICS.get(binding.name)
        at = milestone.at.child("metric")
        if spec is None:
            close = difflib.get_close_matches(binding.name, sorted(METRICS), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"metrics: {', '.join(sorted(METRICS))}"
            if binding.name in REPLACED:
                hint = f"{binding.name} was replaced by {REPLACED[binding.name]}"
            yield Finding(
                "M001",
                f"milestone {milestone.id} is bound to unknown metric {binding.name!r}",
                at.child("name"),
                hint=hint,
            )
            continue
        for scope in _SCOPES:
            if getattr(binding, scope) and scope not in spec.scopes:
                allowed = ", ".join(sorted(spec.scopes)) or "no scope"
                yield Finding(
                    "M002",
                    f"milestone {milestone.id}: metric {spec.name} takes no {scope!r} scope",
                    at.child(scope),
                    hint=f"{spec.name} takes {allowed}",
                )
        for i, department in enumerate(binding.departments):
            if department not in inv.department_by_id and not inv.could_exist("departments", department):
                yield Finding(
                    "M003",
                    f"milestone {milestone.id} names unknown department {department!r}",
                    at.child("departments", i),
                    hint="use a department id from departments.yaml",
                )
        for i, system in enumerate(binding.systems):
            if system not in inv.system_by_id and not inv.could_exist("systems", system):
                yield Finding(
                    "M003",
                    f"milestone {milestone.id} names unknown system {system!r}",
                    at.child("systems", i),
                    hint="use a system id from systems.yaml",
                )
