"""What the program is given: settings checked by key, which systems get hosts, errors before any resource."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from infra.blueprint import BlueprintError, build_blueprint, load_blueprint, wanted
from infra.settings import ROOT, SettingsError, read_stack_file, settings_from
from network.addressing.hosts import cloud_systems
from network.addressing.lock import LOCK_FILE, read_lock
from network.inventory.loader import load_inventory
from network.migration.ledger import Ledger
from network.migration.lifecycle import State
from network.state import LEDGER_FILE
from tests.cloud.conftest import stack_values
from tests.helpers import SHANWEI, apply_edit, run_egov

INVENTORY = load_inventory(SHANWEI).inventory
LOCK = read_lock(SHANWEI / LOCK_FILE)
MOVING = cloud_systems(INVENTORY)


@pytest.mark.parametrize(
    ("changes", "key", "says"),
    [
        ({"flavors": {"small": "a", "medium": "b", "large": "c"}}, "flavors.xlarge", "is missing"),
        ({"images": {"default": "kylin", "gpu": "x"}}, "images.gpu", "not a known key"),
        ({"images": "kylin"}, "images", "expected a mapping"),
        ({"provision": "everything"}, "provision", "neither ledger nor plan"),
        ({"ipv6Mode": "dhcpv6-stateless"}, "ipv6Mode", "not supported"),
        ({"dnsZone": "cloud.shanwei.gov.example"}, "dnsZone", "fully qualified"),
        ({"dnsNameservers": "2001:db8::53"}, "dnsNameservers", "a list of addresses"),
        ({"quotaCoresPerSystem": 0}, "quotaCoresPerSystem", "not a positive integer"),
        ({"quotaCoresPerSystem": True}, "quotaCoresPerSystem", "not a positive integer"),
        ({"inventory": "inventories/nowhere"}, "inventory", "is not an inventory directory"),
    ],
)
def test_a_bad_setting_names_its_key(changes: dict[str, Any], key: str, says: str) -> None:
    with pytest.raises(SettingsError) as raised:
        settings_from(stack_values(SHANWEI, **changes))
    assert raised.value.key == key
    assert raised.value.message.startswith(f"egov-cloud:{key}: ") and says in raised.value.message
    assert raised.value.hint


def test_the_stack_file_gives_plain_values_and_leaves_secrets_to_pulumi(tmp_path: Path) -> None:
    values = read_stack_file(ROOT / "Pulumi.shanwei.yaml")
    assert values["inventory"] == "inventories/shanwei" and values["flavors"]["large"]
    stack = tmp_path / "Pulumi.test.yaml"
    stack.write_text(
        "config:\n  egov-cloud:dnsZone: a.example.\n  egov-cloud:bootstrapToken:\n    secure: AAABAJ0x\n"
        "  other:key: 1\n",
        encoding="utf-8",
    )
    assert read_stack_file(stack) == {"dnsZone": "a.example."}
    stack.write_text("- not a mapping\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="has no config: mapping"):
        read_stack_file(stack)
    stack.write_text("config: {a: [\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="cannot be read"):
        read_stack_file(stack)


def test_the_stack_file_holds_no_secret_in_clear() -> None:
    text = (ROOT / "Pulumi.shanwei.yaml").read_text(encoding="utf-8")
    assert "bootstrapToken" not in read_stack_file(ROOT / "Pulumi.shanwei.yaml")
    for word in ("password", "token:", "secret:", "OS_PASSWORD"):
        assert word not in text.replace("--secret", "")


def test_which_states_get_hosts() -> None:
    assert not wanted(State.NOT_STARTED, "ledger") and wanted(State.NOT_STARTED, "plan")
    for state in (State.ASSESSED, State.PROVISIONED, State.CUT_OVER, State.FINALIZED):
        assert wanted(state, "ledger") and wanted(state, "plan")
    for state in (State.ROLLED_BACK, State.FAILED):  # keep their hosts for the next attempt
        assert wanted(state, "ledger")
    for state in (State.RETAINED, State.RETIRED):
        assert not wanted(state, "ledger") and not wanted(state, "plan")


def test_the_ledger_decides_which_systems_are_built(shanwei_copy: Path) -> None:
    assessed, provisioned, retired, untouched = MOVING[0], MOVING[1], MOVING[2], MOVING[3]
    state_dir = shanwei_copy.parent / "shanwei.state"
    with Ledger(state_dir / LEDGER_FILE) as ledger:
        ledger.sync(INVENTORY.systems)
        ledger.transition(assessed.id, State.ASSESSED)
        ledger.transition(provisioned.id, State.ASSESSED)
        ledger.transition(provisioned.id, State.PROVISIONED)
        ledger.transition(retired.id, State.RETIRED, detail="replaced by the provincial platform")
    settings = settings_from(stack_values(shanwei_copy))
    assert settings.provision == "ledger" and settings.state_dir == state_dir
    built = {s.id for s in load_blueprint(settings).systems}
    assert built == {assessed.id, provisioned.id}
    everything = {s.id for s in load_blueprint(dataclasses.replace(settings, provision="plan")).systems}
    assert everything == {s.id for s in MOVING} - {retired.id}
    assert untouched.id in everything and untouched.id not in built


def test_no_ledger_means_no_system_yet(shanwei_copy: Path) -> None:
    blueprint = load_blueprint(settings_from(stack_values(shanwei_copy)))
    assert blueprint.systems == [] and blueprint.tenants == () and blueprint.shared


def test_an_unreadable_ledger_is_an_error_naming_it(shanwei_copy: Path) -> None:
    ledger = shanwei_copy.parent / "shanwei.state" / LEDGER_FILE
    ledger.parent.mkdir()
    ledger.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BlueprintError) as raised:
        load_blueprint(settings_from(stack_values(shanwei_copy)))
    assert str(ledger) in raised.value.message and "cannot be read" in raised.value.message
    with pytest.raises(sqlite3.DatabaseError):  # the file was left as it was
        sqlite3.connect(ledger).execute("SELECT * FROM sqlite_master").fetchall()


def test_a_system_without_an_address_is_an_error_naming_it() -> None:
    victim = MOVING[5]
    hosts = {k: v for k, v in LOCK.hosts.items() if k != victim.id}
    partial = {**hosts, MOVING[6].id: {"web": LOCK.hosts[MOVING[6].id]["web"]}}
    for lock in (dataclasses.replace(LOCK, hosts=hosts), dataclasses.replace(LOCK, hosts=partial)):
        with pytest.raises(BlueprintError) as raised:
            build_blueprint(INVENTORY, lock, {}, "plan")
        assert "no address in" in raised.value.message and "egov plan" in raised.value.hint
    with pytest.raises(BlueprintError, match=victim.id):
        build_blueprint(INVENTORY, dataclasses.replace(LOCK, hosts=hosts), {}, "plan")
    # not building that system (ledger mode, not started) needs no address for it
    assert victim.id not in {
        s.id for s in build_blueprint(INVENTORY, dataclasses.replace(LOCK, hosts=hosts), {}, "ledger").systems
    }


def test_a_stale_lock_is_refused_before_any_resource(shanwei_copy: Path) -> None:
    level2 = next(s for s in MOVING if s.mlps_level == 2 and s.id == "sw-zsj-s02")
    apply_edit(
        shanwei_copy,
        {
            "file": "systems.yaml",
            "replace": [
                (
                    f"  - id: {level2.id}\n    name: {level2.name}\n    department: sw-zsj\n"
                    "    classification: non-classified\n    mlps_level: 2\n",
                    f"  - id: {level2.id}\n    name: {level2.name}\n    department: sw-zsj\n"
                    "    classification: non-classified\n    mlps_level: 3\n",
                )
            ],
        },
    )
    with pytest.raises(BlueprintError) as raised:
        load_blueprint(settings_from(stack_values(shanwei_copy, provision="plan")))
    assert "is stale" in raised.value.message and str(shanwei_copy / LOCK_FILE) in raised.value.message
    assert f"egov plan {shanwei_copy}" in raised.value.hint


def test_a_missing_lock_is_refused(shanwei_copy: Path) -> None:
    (shanwei_copy / LOCK_FILE).unlink()
    with pytest.raises(BlueprintError) as raised:
        load_blueprint(settings_from(stack_values(shanwei_copy, provision="plan")))
    assert raised.value.message == f"there is no {shanwei_copy / LOCK_FILE}"
    assert "egov plan" in raised.value.hint


def test_an_invalid_inventory_names_the_file_and_line(shanwei_copy: Path) -> None:
    text = (shanwei_copy / "systems.yaml").read_text(encoding="utf-8")
    (shanwei_copy / "systems.yaml").write_text(text.replace("mlps_level: 2", "mlps_level: 7", 1), "utf-8")
    with pytest.raises(BlueprintError) as raised:
        load_blueprint(settings_from(stack_values(shanwei_copy, provision="plan")))
    assert raised.value.message == f"{shanwei_copy}: the inventory has errors: nothing was planned"
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "mlps_level: 2" in t)
    assert any(d.startswith(f"{shanwei_copy / 'systems.yaml'}:{line}: ") for d in raised.value.details)


def test_a_city_without_a_cloud_node_is_refused() -> None:
    assert INVENTORY.city is not None
    no_cloud = dataclasses.replace(INVENTORY, city=INVENTORY.city.model_copy(update={"cloud": None}))
    with pytest.raises(BlueprintError, match="declares no cloud node"):
        build_blueprint(no_cloud, LOCK, {}, "plan")


def test_a_city_without_ipv4_aggregates_is_refused_for_a_dual_stack_cloud() -> None:
    assert INVENTORY.city is not None
    aggregates = INVENTORY.city.aggregates.model_copy(update={"ipv4": ()})
    v6_only = dataclasses.replace(
        INVENTORY, city=INVENTORY.city.model_copy(update={"aggregates": aggregates})
    )
    with pytest.raises(BlueprintError) as raised:
        build_blueprint(v6_only, LOCK, {}, "plan")
    assert "city.yaml" in raised.value.message and "no IPv4 aggregate" in raised.value.message
    assert "aggregates" in raised.value.hint and "ipv4.cloud" in raised.value.hint


def test_an_ipv6_only_cloud_has_no_ipv4_anywhere(shanwei_copy: Path) -> None:
    from infra.offline import run_offline  # noqa: PLC0415

    policy = shanwei_copy / "addressing.yaml"
    text = policy.read_text(encoding="utf-8")
    cloud = text.index("    cloud:                              # inside every cloud project")
    policy.write_text(text[:cloud], encoding="utf-8")
    done = run_egov("plan", str(shanwei_copy))
    assert done.returncode == 0, done.stderr
    settings = settings_from(stack_values(shanwei_copy, provision="plan"))
    blueprint = load_blueprint(settings)
    assert all(h.ipv4 is None for s in blueprint.systems for h in s.hosts)
    two = dataclasses.replace(blueprint, tenants=blueprint.tenants[:2])
    plan = run_offline(two, settings)
    subnets = plan.of_type("openstack:networking/subnet:Subnet")
    assert subnets and {s.inputs["ipVersion"] for s in subnets} == {6}
    assert not plan.of_type("openstack:networking/floatingIp:FloatingIp")  # floating IPs are IPv4
    records = plan.of_type("openstack:dns/recordSet:RecordSet")
    assert records and {r.inputs["type"] for r in records} == {"AAAA"}
    assert plan.violations == []  # no twins to ask for in a single-family stack
