"""The systems lab for the migration tests: real PostgreSQL servers, shares and HTTPS apps on loopback.

One lab per test module, with enough sample systems that every test migrates systems of its own
(files only, PostgreSQL only, both), so tests do not depend on each other's order.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from network.inventory import Inventory
from network.inventory.loader import load_inventory
from network.inventory.model import StoreKind, System
from network.lab.systems.lab import SystemsLab, _movable
from network.migration.endpoints import Endpoints
from tests.helpers import SHANWEI, copy_inventory

PASSWORD = "lab-test-Pw-7"
KINDS = {
    "files": frozenset({StoreKind.FILES}),
    "pg": frozenset({StoreKind.POSTGRESQL}),
    "both": frozenset({StoreKind.FILES, StoreKind.POSTGRESQL}),
}


def pick(inventory: Inventory, kind: str, count: int) -> list[System]:
    """The first ``count`` movable systems whose stores are exactly ``kind``."""
    found = [
        s
        for s in inventory.systems
        if _movable(s) is None and frozenset(d.kind for d in s.data_stores) == KINDS[kind]
    ]
    assert len(found) >= count, f"the sample has {len(found)} {kind} systems"
    return found[:count]


@dataclass
class Lab:
    """A running systems lab: its inventory copy, endpoints file, the systems by role."""

    inventory: Path
    json: Path
    endpoints: Endpoints
    lab: SystemsLab
    systems: dict[str, list[System]]

    def system(self, kind: str, n: int) -> System:
        return self.systems[kind][n]


def have_postgres() -> bool:
    return bool(shutil.which("pg_dump") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))


@pytest.fixture(scope="module")
def systems_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A systems lab over a copy of the Shanwei inventory (EGOV_LAB_PASSWORD set for the module)."""
    if not have_postgres():
        pytest.fail("PostgreSQL is not installed: .ci/run installs Debian's postgresql")
    base = tmp_path_factory.mktemp("migration")
    inventory = copy_inventory(SHANWEI, base / "shanwei")
    loaded = load_inventory(inventory).inventory
    roles = {"files": pick(loaded, "files", 4), "pg": pick(loaded, "pg", 5), "both": pick(loaded, "both", 2)}
    systems = [s for group in roles.values() for s in group]
    previous = os.environ.get("EGOV_LAB_PASSWORD")
    os.environ["EGOV_LAB_PASSWORD"] = PASSWORD
    lab = SystemsLab(base / "lab", PASSWORD, systems, megabytes=1.0)
    endpoints = lab.start()
    path = base / "systems-lab.json"
    path.write_text(lab.document(os.getpid()), encoding="utf-8")
    try:
        yield Lab(inventory, path, endpoints, lab, roles)
    finally:
        lab.stop()
        if previous is None:
            os.environ.pop("EGOV_LAB_PASSWORD", None)
        else:
            os.environ["EGOV_LAB_PASSWORD"] = previous
