"""The cloud program under Pulumi's mock engine (set_mocks + MockMonitor): what it declares for Shanwei.

The expectations come from the inventory and the committed address lock, read here on their own, not
from the blueprint the program is given. The mock engine hands the inputs over camelCase, as the
engine would (``fixedIps``/``ipAddress``, ``securityGroupIds``, ``ipv6AddressMode``).
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from pathlib import Path

from infra.blueprint import CloudBlueprint
from infra.offline import ASSIGNED, Declared, OfflinePlan, run_offline
from infra.settings import Settings, settings_from
from network.addressing.hosts import cloud_systems, tiers
from network.addressing.lock import LOCK_FILE, SHARED_TENANT, read_lock
from network.inventory.loader import load_inventory
from network.inventory.model import StoreKind
from tests.cloud.conftest import stack_values
from tests.helpers import SHANWEI

INVENTORY = load_inventory(SHANWEI).inventory
LOCK = read_lock(SHANWEI / LOCK_FILE)
MOVING = cloud_systems(INVENTORY)
DEPARTMENTS = sorted({s.department for s in MOVING})

PROJECT = "openstack:identity/project:Project"
NETWORK = "openstack:networking/network:Network"
SUBNET = "openstack:networking/subnet:Subnet"
PORT = "openstack:networking/port:Port"
INSTANCE = "openstack:compute/instance:Instance"
VOLUME = "openstack:blockstorage/volume:Volume"
RECORD = "openstack:dns/recordSet:RecordSet"
GROUP = "openstack:networking/secGroup:SecGroup"
RULE = "openstack:networking/secGroupRule:SecGroupRule"


def by_name(plan: OfflinePlan, token: str) -> dict[str, Declared]:
    return {r.name: r for r in plan.of_type(token)}


def test_resource_counts_and_types_of_the_shanwei_stack(full_plan: OfflinePlan) -> None:
    counts = Counter(r.type for r in full_plan.resources)
    hosts = [(s, t) for s in MOVING for t in tiers(s)]
    stores = sum(len(s.data_stores) for s in MOVING)
    zones = sum(len({t for s in MOVING if s.department == d for t in tiers(s)}) for d in DEPARTMENTS)
    assert counts["egov:cloud:CloudNode"] == 1
    assert counts["egov:cloud:DepartmentTenant"] == len(DEPARTMENTS)
    assert counts["egov:cloud:BusinessSystem"] == len(MOVING)
    assert counts[PROJECT] == len(DEPARTMENTS) + 1  # and the node's own project
    assert counts[NETWORK] == zones + len(LOCK.subnets[SHARED_TENANT])
    assert counts[SUBNET] == 2 * counts[NETWORK]  # every zone dual-stack in Shanwei
    assert counts["openstack:networking/routerInterface:RouterInterface"] == counts[SUBNET]
    assert counts["openstack:networking/router:Router"] == len(DEPARTMENTS) + 1
    assert counts[PORT] == counts[INSTANCE] == len(hosts)
    assert counts[VOLUME] == counts["openstack:compute/volumeAttach:VolumeAttach"] == stores
    assert counts[RECORD] == 2 * len(hosts) + 2 * len(MOVING)  # A and AAAA per host and per service
    assert counts["openstack:networking/floatingIp:FloatingIp"] == len(MOVING)
    assert counts["openstack:dns/zone:Zone"] == 1
    for quota in ("compute/quotaSetV2:QuotaSetV2", "networking/quotaV2:QuotaV2"):
        assert counts[f"openstack:{quota}"] == len(DEPARTMENTS)
    assert sum(counts.values()) == len(full_plan.resources) > 4000
    assert {r.type.split(":")[0] for r in full_plan.resources} == {"egov", "openstack"}


def test_every_department_has_its_project_network_and_both_subnets_from_the_lock(
    full_plan: OfflinePlan,
) -> None:
    projects = {r.inputs["name"]: r for r in full_plan.of_type(PROJECT)}
    subnets = by_name(full_plan, SUBNET)
    networks = by_name(full_plan, NETWORK)
    for department in DEPARTMENTS:
        assert projects[department].parent == department
        for zone in sorted({t for s in MOVING if s.department == department for t in tiers(s)}):
            network = networks[f"{department}-{zone}"]
            assert network.inputs["tenantId"] == f"{department}-project-id"
            v6 = subnets[f"{department}-{zone}-v6"].inputs
            v4 = subnets[f"{department}-{zone}-v4"].inputs
            assert v6["cidr"] == str(IPv6Network((LOCK.subnets[department][zone], 64)))
            assert v4["cidr"] == str(IPv4Network(LOCK.tenant_ipv4[department][zone]))
            assert (v6["ipVersion"], v4["ipVersion"]) == (6, 4)
            assert v6["ipv6AddressMode"] == v6["ipv6RaMode"] == "dhcpv6-stateful"
            assert v6["networkId"] == v4["networkId"] == f"{department}-{zone}-id"
            assert v6["gatewayIp"] == str(IPv6Network(v6["cidr"]).network_address + 1)


def test_every_system_port_carries_its_planned_addresses_and_the_instance_uses_the_port(
    full_plan: OfflinePlan,
) -> None:
    ports, instances = by_name(full_plan, PORT), by_name(full_plan, INSTANCE)
    for system in MOVING:
        for tier in tiers(system):
            v4, v6 = LOCK.hosts[system.id][tier]
            assert v4 is not None
            port = ports[f"{system.id}-{tier}-port"]
            assert port.parent == system.id
            fixed = {f["ipAddress"]: f["subnetId"] for f in port.inputs["fixedIps"]}
            assert fixed == {
                str(IPv4Address(v4)): f"{system.department}-{tier}-v4-id",
                str(IPv6Address(v6)): f"{system.department}-{tier}-v6-id",
            }
            assert port.inputs["securityGroupIds"] == [
                f"{system.department}-base-id",
                f"{system.department}-l{system.mlps_level}-{tier}-id",
            ]
            instance = instances[f"{system.id}-{tier}"].inputs
            # the provider ignores an instance's fixed_ip_v6 and replaces it: the port carries it
            assert instance["networks"] == [{"port": f"{system.id}-{tier}-port-id"}]
            assert "fixedIpV6" not in json.dumps(instance)
            assert sorted(instance["tags"]) == sorted(
                [f"department={system.department}", f"mlps_level={system.mlps_level}", f"system={system.id}"]
            )


def test_volumes_hold_every_data_store_with_its_size(full_plan: OfflinePlan) -> None:
    volumes = full_plan.of_type(VOLUME)
    for system in MOVING:
        mine = {
            v.inputs["metadata"]["store"]: v for v in volumes if v.inputs["metadata"]["system"] == system.id
        }
        assert set(mine) == {s.name for s in system.data_stores}
        for store in system.data_stores:
            volume = mine[store.name]
            assert volume.inputs["size"] >= store.size_gb
            tier = "db" if store.kind is not StoreKind.FILES else ("app" if "app" in tiers(system) else "web")
            assert volume.name.startswith(f"{system.id}-{tier}-")


def test_dns_names_every_host_and_service_in_both_families(full_plan: OfflinePlan) -> None:
    records = {(r.inputs["name"], r.inputs["type"]): r.inputs["records"] for r in full_plan.of_type(RECORD)}
    zone = "cloud.shanwei.gov.example."
    for system in MOVING:
        for tier in tiers(system):
            v4, v6 = LOCK.hosts[system.id][tier]
            assert v4 is not None
            name = f"{tier}.{system.id}.{zone}"
            assert records[(name, "A")] == [str(IPv4Address(v4))]
            assert records[(name, "AAAA")] == [str(IPv6Address(v6))]
        web_v6 = LOCK.hosts[system.id]["web"][1]
        assert records[(f"{system.id}.{zone}", "AAAA")] == [str(IPv6Address(web_v6))]
        assert records[(f"{system.id}.{zone}", "A")] == [ASSIGNED]  # the floating IP, given by the cloud


def test_classified_systems_never_appear(full_plan: OfflinePlan) -> None:
    classified = [s for s in INVENTORY.systems if s.classification.value == "classified"]
    staying = [s for s in INVENTORY.systems if s.migration.target.value != "cloud"]
    assert classified and staying
    text = json.dumps([(r.name, r.inputs) for r in full_plan.resources], ensure_ascii=False)
    for system in {*classified, *staying}:
        assert system.id not in text


def test_every_ipv4_rule_has_its_ipv6_twin_and_the_stack_passes_every_policy(
    full_plan: OfflinePlan,
) -> None:
    rules = full_plan.of_type(RULE)
    families = Counter(r.inputs["ethertype"] for r in rules if "remoteGroupId" in r.inputs)
    assert families["IPv4"] == families["IPv6"] > 0
    assert all(
        r.inputs["ethertype"] == ("IPv6" if ":" in r.inputs["remoteIpPrefix"] else "IPv4")
        for r in rules
        if "remoteIpPrefix" in r.inputs
    )
    assert all(g.inputs["deleteDefaultRules"] for g in full_plan.of_type(GROUP))
    assert full_plan.violations == []


def test_level3_web_hosts_reach_only_their_app_zone(full_plan: OfflinePlan) -> None:
    department = next(s.department for s in MOVING if s.mlps_level == 3 and "db" in tiers(s))
    mine = [r.inputs for r in full_plan.of_type(RULE) if r.name.startswith(f"{department}-l3-")]
    db_in = [
        r for r in mine if r["securityGroupId"] == f"{department}-l3-db-id" and r["direction"] == "ingress"
    ]
    assert db_in and {r["remoteGroupId"] for r in db_in} == {f"{department}-l3-app-id"}
    web_out = [
        r for r in mine if r["securityGroupId"] == f"{department}-l3-web-id" and r["direction"] == "egress"
    ]
    assert {(r["portRangeMin"], r.get("remoteGroupId")) for r in web_out} == {
        (8443, f"{department}-l3-app-id")
    }


def test_slaac_leaves_ipv6_to_the_cloud(full_blueprint: CloudBlueprint, shanwei_inventory: Path) -> None:
    settings = settings_from(stack_values(shanwei_inventory, provision="plan", ipv6Mode="slaac"))
    one = dataclasses.replace(full_blueprint, tenants=full_blueprint.tenants[:1])
    plan = run_offline(one, settings)
    subnets = [r.inputs for r in plan.of_type(SUBNET) if r.inputs["ipVersion"] == 6]
    assert subnets and all(s["ipv6AddressMode"] == "slaac" and "allocationPools" not in s for s in subnets)
    for port in plan.of_type(PORT):
        v6 = [f for f in port.inputs["fixedIps"] if str(f["subnetId"]).endswith("-v6-id")]
        assert v6 and all("ipAddress" not in f for f in v6)
    aaaa = [r.inputs["records"] for r in plan.of_type(RECORD) if r.inputs["type"] == "AAAA"]
    assert aaaa and all(records and "assigned by the cloud" in records[0] for records in aaaa)
    assert plan.violations == []


def test_the_plan_is_the_same_on_every_run(
    full_plan: OfflinePlan, full_blueprint: CloudBlueprint, plan_settings: Settings
) -> None:
    one = dataclasses.replace(full_blueprint, tenants=full_blueprint.tenants[:2])
    first, second = run_offline(one, plan_settings), run_offline(one, plan_settings)
    assert [(r.type, r.name, r.inputs) for r in first.resources] == [
        (r.type, r.name, r.inputs) for r in second.resources
    ]
    names = {r.name for r in full_plan.resources if r.parent in {t.department for t in one.tenants}}
    assert names <= {r.name for r in first.resources}
