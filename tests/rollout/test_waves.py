"""Waves: the default order (canary, city, county cores before their towns, villages last), declared ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from network.inventory.model import Level
from network.rollout.context import load_context
from network.rollout.waves import plan_waves
from tests.helpers import SHANWEI, run_egov


def test_auto_waves_follow_the_hierarchy() -> None:
    context = load_context(SHANWEI)
    plan = plan_waves(context.inventory, context.config)
    devices, sites = context.inventory.device_by_hostname, context.inventory.site_by_id
    levels = [{sites[devices[h].site].level for h in wave.hostnames} for wave in plan.waves]
    assert [w.number for w in plan.waves] == list(range(1, len(plan.waves) + 1))
    assert plan.waves[0].name == "canary" and len(plan.waves[0].hostnames) == 1
    assert plan.waves[0].max_fail_percentage == 0
    assert levels[0] == levels[1] == {Level.CITY}
    first_village = next(i for i, found in enumerate(levels) if Level.VILLAGE in found)
    assert all(found == {Level.VILLAGE} for found in levels[first_village:]), "villages last"
    for i, wave in enumerate(plan.waves):
        if wave.name.endswith(" core"):
            assert plan.waves[i + 1].name == wave.name.removesuffix(" core") + " towns"
    every = [h for wave in plan.waves for h in wave.hostnames]
    assert len(every) == len(set(every))
    province = {d.hostname for d in context.inventory.devices if sites[d.site].level == Level.PROVINCE}
    assert province and not province & set(every), "the province's devices are never rolled out"


def test_declared_waves_and_their_budgets(tmp_path: Path) -> None:
    copy = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, copy)
    (copy / "rollout.yaml").write_text(
        "rollout:\n"
        "  max_fail_percentage: 25\n"
        "  waves:\n"
        "    - {name: canary, devices: [SW-CORE-01]}\n"
        "    - {name: 城区, counties: [sw-cq], levels: [county, town], max_fail_percentage: 5}\n",
        encoding="utf-8",
    )
    result = run_egov("rollout", "plan", str(copy), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    canary, county = document["waves"]
    assert canary == {"number": 1, "name": "canary", "max_fail_percentage": 0.0, "devices": ["SW-CORE-01"]}
    assert county["max_fail_percentage"] == 5 and "SW-CQ-CORE-01" in county["devices"]
    assert "SW-CORE-02" in document["left_out"] and "SW-CQ-FS-V01-CPE" in document["left_out"]


def test_a_bad_rollout_file_is_named_with_its_key(tmp_path: Path) -> None:
    copy = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, copy)
    (copy / "rollout.yaml").write_text("rollout:\n  workers: 0\n", encoding="utf-8")
    result = run_egov("rollout", "plan", str(copy))
    assert result.returncode == 2
    assert "rollout.yaml: rollout.workers:" in result.stderr and "Traceback" not in result.stderr
