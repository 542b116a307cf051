"""The cloud program under Pulumi's mock engine: settings, blueprints and offline plans of Shanwei."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.blueprint import CloudBlueprint, load_blueprint
from infra.offline import OfflinePlan, run_offline
from infra.settings import ROOT, Settings, read_stack_file, settings_from
from tests.helpers import SHANWEI, copy_inventory


def stack_values(root: Path, **changes: Any) -> dict[str, Any]:
    """The Shanwei stack file's values, pointed at the inventory ``root``, with ``changes``."""
    values = read_stack_file(ROOT / "Pulumi.shanwei.yaml")
    values["inventory"] = str(root)
    values.update(changes)
    return values


@pytest.fixture(scope="session")
def shanwei_inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only copy of Shanwei without a state directory (no migration has started)."""
    return copy_inventory(SHANWEI, tmp_path_factory.mktemp("cloud") / "shanwei")


@pytest.fixture(scope="session")
def plan_settings(shanwei_inventory: Path) -> Settings:
    """The Shanwei stack with ``provision: plan`` (every system that is to move)."""
    return settings_from(stack_values(shanwei_inventory, provision="plan"))


@pytest.fixture(scope="session")
def full_blueprint(plan_settings: Settings) -> CloudBlueprint:
    """Shanwei's whole target plan."""
    return load_blueprint(plan_settings)


@pytest.fixture(scope="session")
def full_plan(full_blueprint: CloudBlueprint, plan_settings: Settings) -> OfflinePlan:
    """The Shanwei stack as the program declares it (one run of the mock engine for the session)."""
    return run_offline(full_blueprint, plan_settings)
