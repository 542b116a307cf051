"""``egov cloud plan`` as a reviewer runs it: the offline plan's table and JSON, errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egov.cli import app
from network.addressing.hosts import cloud_systems, tiers
from network.inventory.loader import load_inventory
from network.migration.ledger import Ledger
from network.migration.lifecycle import State
from network.state import LEDGER_FILE
from tests.helpers import SHANWEI, run_egov

INVENTORY = load_inventory(SHANWEI).inventory
STARTED = cloud_systems(INVENTORY)[:2]


@pytest.fixture
def started(shanwei_copy: Path) -> Path:
    """Shanwei with two systems assessed in its ledger (the cloud builds those two)."""
    with Ledger(shanwei_copy.parent / "shanwei.state" / LEDGER_FILE) as ledger:
        ledger.sync(INVENTORY.systems)
        for system in STARTED:
            ledger.transition(system.id, State.ASSESSED)
    return shanwei_copy


def test_the_json_plan_lists_each_resource_with_its_type_name_and_key_properties(started: Path) -> None:
    done = run_egov("cloud", "plan", str(started), "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["offline"] is True and "nothing was sent to a cloud" in document["note"]
    assert (document["stack"], document["provision"], document["violations"]) == ("shanwei", "ledger", [])
    resources = document["resources"]
    assert all(set(r) == {"type", "name", "parent", "department", "properties"} for r in resources)
    systems = [r["name"] for r in resources if r["type"] == "egov:cloud:BusinessSystem"]
    assert systems == sorted(s.id for s in STARTED)
    ports = [r for r in resources if r["type"] == "openstack:networking/port:Port"]
    assert len(ports) == sum(len(tiers(s)) for s in STARTED)
    for port in ports:
        addresses = [f["ipAddress"] for f in port["properties"]["fixedIps"]]
        assert len(addresses) == 2 and ":" in addresses[1]
        assert port["department"] in {s.department for s in STARTED}
    subnet = next(r for r in resources if r["type"] == "openstack:networking/subnet:Subnet")
    assert set(subnet["properties"]) >= {"name", "cidr", "ipVersion"}


def test_the_table_says_it_is_an_offline_plan_and_lists_the_hosts(started: Path) -> None:
    done = run_egov("cloud", "plan", str(started))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OFFLINE PLAN of stack shanwei (Pulumi's mock engine")
    for system in STARTED:
        assert system.id in done.stdout and system.department in done.stdout
    assert "policies: every MLPS policy passes" in done.stdout


def test_provision_plan_builds_every_system_to_move(shanwei_copy: Path) -> None:
    none = run_egov("cloud", "plan", str(shanwei_copy), "--format", "json")
    assert none.returncode == 0
    assert not [r for r in json.loads(none.stdout)["resources"] if r["type"] == "egov:cloud:BusinessSystem"]
    table = run_egov("cloud", "plan", str(shanwei_copy))
    assert "no system has started its migration: `--provision plan`" in table.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--format", "xml"], "--format xml: unknown"),
        (["--stack", "nowhere"], "Pulumi.nowhere.yaml does not exist"),
        (["--provision", "some"], "egov-cloud:provision: 'some' is neither ledger nor plan"),
    ],
)
def test_unusable_input_exits_2_with_a_hint(shanwei_copy: Path, args: list[str], says: str) -> None:
    done = run_egov("cloud", "plan", str(shanwei_copy), *args)
    assert done.returncode == 2
    assert says in done.stderr and "hint:" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_an_invalid_inventory_is_shown_file_and_line_and_exits_2(shanwei_copy: Path) -> None:
    systems = shanwei_copy / "systems.yaml"
    text = systems.read_text(encoding="utf-8")
    systems.write_text(text.replace("mlps_level: 2", "mlps_level: 9", 1), encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "mlps_level: 2" in t)
    done = run_egov("cloud", "plan", str(shanwei_copy))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{systems}:{line}: " in done.stdout and "the inventory has errors" in done.stderr


def test_a_policy_violation_exits_1_and_is_listed(started: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A program change that opens SSH to the world: the plan still prints, the policies name it."""
    import infra.blueprint  # noqa: PLC0415
    from infra.security import Rule  # noqa: PLC0415

    real = infra.blueprint.tenant_groups

    def opened(*args: object) -> object:
        groups = real(*args)  # type: ignore[arg-type]
        first = groups[1]
        wide = (
            Rule("ingress", "tcp", 22, 22, "IPv4", "0.0.0.0/0"),
            Rule("ingress", "tcp", 22, 22, "IPv6", "::/0"),
        )
        groups[1] = type(first)(first.key, first.level, first.zone, (*first.rules, *wide))
        return groups

    monkeypatch.setattr(infra.blueprint, "tenant_groups", opened)
    result = CliRunner().invoke(app, ["cloud", "plan", str(started), "--format", "json"])
    assert result.exit_code == 1, result.output
    violations = json.loads(result.stdout)["violations"]
    assert {v["policy"] for v in violations} == {
        "egov-no-open-ingress",
        "egov-management-from-management-network",
    }
    assert all(v["clause"].startswith("GB/T 22239-2019") and v["resource"] for v in violations)
