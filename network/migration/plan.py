"""Where every system stands, and the waves with their deadlines (``egov migrate status`` and ``plan``).

Read-only: the inventory says which systems exist and their plan (wave, deadline, strategy); the
ledger, when there is one, says where each stands. A system the ledger has not recorded yet stands
where :func:`network.migration.ledger.initial_state` puts it (classified systems: retained).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from network.inventory import Inventory
from network.migration.ledger import SystemRecord, initial_state
from network.migration.lifecycle import State


@dataclass(frozen=True)
class SystemStatus:
    """One system: who owns it, its plan, and its state (with the reason when it is set aside)."""

    id: str
    name: str
    department: str
    classification: str
    mlps_level: int
    strategy: str
    wave: int | None
    deadline: dt.date | None
    state: State
    reason: str | None

    @property
    def moving(self) -> bool:
        """True for systems that are to run on the cloud (not retained, not retired)."""
        return self.state not in (State.RETAINED, State.RETIRED) and self.strategy != "retire"

    def overdue(self, today: dt.date) -> bool:
        """True when its deadline has passed and it is not on the cloud yet."""
        return self.moving and self.deadline is not None and self.deadline < today and not self.state.on_cloud


def statuses(inventory: Inventory, records: Mapping[str, SystemRecord]) -> list[SystemStatus]:
    """Every system of the inventory with its state (from the ledger, else its initial state)."""
    out = []
    for system in inventory.systems:
        record = records.get(system.id)
        state, reason = (record.state, record.reason) if record else initial_state(system)
        out.append(
            SystemStatus(
                system.id,
                system.name,
                system.department,
                system.classification.value,
                system.mlps_level,
                system.migration.strategy.value,
                system.migration.wave,
                system.migration.deadline,
                state,
                reason,
            )
        )
    return out


@dataclass(frozen=True)
class Wave:
    """A migration wave: its number (None: systems without one), deadline, systems and their states."""

    number: int | None
    deadline: dt.date | None
    systems: tuple[SystemStatus, ...]

    @property
    def states(self) -> Counter[State]:
        """How many systems of the wave are in each state."""
        return Counter(s.state for s in self.systems)

    @property
    def on_cloud(self) -> int:
        """Systems of the wave running on the cloud."""
        return sum(1 for s in self.systems if s.state.on_cloud)

    @property
    def moving(self) -> int:
        """Systems of the wave that are to move."""
        return sum(1 for s in self.systems if s.moving)

    def status(self, today: dt.date) -> str:
        """done, on track, or overdue (with the count of systems left)."""
        left = self.moving - self.on_cloud
        if left == 0:
            return "done"
        if self.deadline is not None and self.deadline < today:
            return f"overdue ({left} left)"
        return f"on track ({left} left)"


def waves(systems: list[SystemStatus]) -> list[Wave]:
    """Systems grouped by wave (in order; systems without a wave last), each with its latest deadline."""
    grouped: dict[int | None, list[SystemStatus]] = {}
    for system in systems:
        grouped.setdefault(system.wave, []).append(system)
    out = []
    for number in sorted(grouped, key=lambda n: (n is None, n or 0)):
        members = grouped[number]
        deadlines = [s.deadline for s in members if s.deadline is not None]
        out.append(Wave(number, max(deadlines) if deadlines else None, tuple(members)))
    return out
