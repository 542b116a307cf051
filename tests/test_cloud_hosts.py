"""Addresses inside the cloud's projects: IPv4 zones, a host per system tier, stable and quarantined."""

from __future__ import annotations

import dataclasses
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from pathlib import Path

import pytest

from network.addressing import PlanError, plan
from network.addressing.hosts import cloud_systems, tiers, zones_ipv4
from network.addressing.lock import SHARED_TENANT, LockError, read_lock
from network.addressing.policy import CloudIPv4, load_policy
from network.inventory.loader import load_inventory
from tests.helpers import SHANWEI, run_egov

INVENTORY = load_inventory(SHANWEI).inventory
POLICY = load_policy(SHANWEI).policy
assert POLICY is not None and POLICY.ipv4.cloud is not None
CLOUD_V4 = POLICY.ipv4.cloud
LOCK = plan(INVENTORY, POLICY, None).lock


def test_every_cloud_system_has_a_host_per_tier_and_nothing_else_has_one() -> None:
    moving = {s.id: s for s in cloud_systems(INVENTORY)}
    assert set(LOCK.hosts) == set(moving)
    for system_id, roles in LOCK.hosts.items():
        assert tuple(roles) == tiers(moving[system_id])
    staying = [s for s in INVENTORY.systems if s.id not in moving]
    assert any(s.classification.value == "classified" for s in staying)  # never given an address
    assert not {s.id for s in staying} & set(LOCK.hosts)


def test_tiers_follow_mlps_level_and_stores() -> None:
    level3_db = next(
        s
        for s in cloud_systems(INVENTORY)
        if s.mlps_level == 3 and any(d.kind.value != "files" for d in s.data_stores)
    )
    level2_files = next(
        s
        for s in cloud_systems(INVENTORY)
        if s.mlps_level == 2 and {d.kind.value for d in s.data_stores} == {"files"}
    )
    assert tiers(level3_db) == ("web", "app", "db")
    assert tiers(level2_files) == ("web",)


def test_both_families_share_the_host_number_inside_their_zones() -> None:
    by_id = {s.id: s for s in INVENTORY.systems}
    for system_id, roles in LOCK.hosts.items():
        department = by_id[system_id].department
        for tier, (v4, v6) in roles.items():
            zone6 = IPv6Network((LOCK.subnets[department][tier], 64))
            zone4 = IPv4Network(LOCK.tenant_ipv4[department][tier])
            assert IPv6Address(v6) in zone6 and v4 is not None and IPv4Address(v4) in zone4
            number = v6 - int(zone6.network_address)
            assert number == v4 - int(zone4.network_address) >= CLOUD_V4.first_host
            assert IPv4Address(v4) != zone4.broadcast_address
    numbers = [(by_id[s].department, t, h[1]) for s, roles in LOCK.hosts.items() for t, h in roles.items()]
    assert len(numbers) == len(set(numbers))  # no two hosts share an address


def test_every_department_project_cuts_the_ipv4_block_the_same_way() -> None:
    slices = {tuple(zones.values()) for tenant, zones in LOCK.tenant_ipv4.items() if tenant != SHARED_TENANT}
    assert len(slices) == 1 and set(LOCK.tenant_ipv4) == set(LOCK.subnets)
    shared = [IPv4Network(p) for p in LOCK.tenant_ipv4[SHARED_TENANT].values()]
    assert shared == [
        IPv4Network("192.0.2.96/28"),
        IPv4Network("192.0.2.112/29"),
        IPv4Network("192.0.2.120/29"),
    ]
    ((web, app, db),) = slices
    assert [IPv4Network(p) for p in (web, app, db)] == [
        IPv4Network("203.0.113.192/27"),
        IPv4Network("203.0.113.224/28"),
        IPv4Network("203.0.113.240/28"),
    ]


def test_the_lock_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "allocations.lock.yaml"
    path.write_text(LOCK.to_text())
    again = read_lock(path)
    assert again is not None and again.hosts == LOCK.hosts and again.tenant_ipv4 == LOCK.tenant_ipv4
    assert again.to_text() == LOCK.to_text()


def test_adding_and_removing_systems_moves_no_other_host() -> None:
    moving = cloud_systems(INVENTORY)
    gone = moving[5]
    template = moving[0]
    newcomer = template.model_copy(update={"id": "sw-zsj-s99", "department": gone.department})
    changed = dataclasses.replace(
        INVENTORY, systems=(*(s for s in INVENTORY.systems if s.id != gone.id), newcomer)
    )
    result = plan(changed, POLICY, LOCK)
    after = result.lock
    for system_id, roles in LOCK.hosts.items():
        if system_id != gone.id:
            assert after.hosts[system_id] == roles
    assert {f"hosts/{gone.id}/{tier}" for tier in tiers(gone)} <= set(after.quarantine)
    # The newcomer in the same project does not get the numbers of the system that left.
    old_numbers = {tier: LOCK.hosts[gone.id][tier][1] for tier in tiers(gone)}
    for tier, (_, v6) in after.hosts["sw-zsj-s99"].items():
        assert v6 != old_numbers.get(tier)
    assert plan(changed, POLICY, after).lock.to_text() == after.to_text()  # idempotent


def test_changing_the_ipv4_policy_keeps_every_ipv6_host_and_settles() -> None:
    """Dropping ipv4.cloud (an IPv6-only cloud) re-addresses IPv4 only; the next plan changes nothing."""
    assert POLICY is not None
    v6_only = POLICY.model_copy(update={"ipv4": POLICY.ipv4.model_copy(update={"cloud": None})})
    first = plan(INVENTORY, v6_only, LOCK)
    assert first.moved == [] and first.lock.tenant_ipv4 == {}
    for system_id, roles in LOCK.hosts.items():
        assert {t: (None, v6) for t, (_, v6) in roles.items()} == first.lock.hosts[system_id]
    again = plan(INVENTORY, v6_only, first.lock)
    assert again.lock.to_text() == first.lock.to_text() and again.moved == []
    back = plan(INVENTORY, POLICY, again.lock)  # and back to dual-stack: the same numbers in IPv4
    assert back.lock.hosts == LOCK.hosts


def test_a_host_that_moves_department_is_renumbered_and_its_old_address_rests() -> None:
    moving = cloud_systems(INVENTORY)
    mover = next(s for s in moving if s.department != moving[0].department and "db" in tiers(s))
    target = moving[0].department
    changed = dataclasses.replace(
        INVENTORY,
        systems=tuple(
            s.model_copy(update={"department": target}) if s.id == mover.id else s for s in INVENTORY.systems
        ),
    )
    result = plan(changed, POLICY, LOCK)
    assert sorted(result.moved) == sorted(f"{mover.id}/{tier}" for tier in tiers(mover))
    for tier in tiers(mover):
        left = LOCK.hosts[mover.id][tier][1]
        assert result.lock.quarantine[f"hosts/{mover.id}/{tier}"] == (left, 128)
        now = result.lock.hosts[mover.id][tier][1]
        assert IPv6Address(now) in IPv6Network((result.lock.subnets[target][tier], 64))
    resting = {address for key, (address, _) in result.lock.quarantine.items() if key.startswith("hosts/")}
    in_use = [v6 for roles in result.lock.hosts.values() for _, v6 in roles.values()]
    assert len(in_use) == len(set(in_use)) and not resting & set(in_use)
    assert plan(changed, POLICY, result.lock).lock.to_text() == result.lock.to_text()


def test_a_full_zone_is_an_error_naming_the_zone_and_the_system() -> None:
    small = POLICY.model_copy(
        update={
            "ipv4": POLICY.ipv4.model_copy(
                update={"cloud": CLOUD_V4.model_copy(update={"zone_lengths": (28, 29, 29)})}
            )
        }
    )
    with pytest.raises(PlanError) as refused:
        plan(INVENTORY, small, None)
    assert refused.value.code == "P002" and "zone of sw-zsj" in refused.value.message
    assert refused.value.path == ("addressing", "ipv4", "cloud", "zone_lengths")


def test_zones_that_do_not_fit_the_block_are_refused() -> None:
    with pytest.raises(Exception, match="do not fit"):
        zones_ipv4(CloudIPv4(block=IPv4Network("203.0.113.192/26"), zone_lengths=(26, 28)), ("web", "app"))
    with pytest.raises(Exception, match="zone_lengths"):
        zones_ipv4(CloudIPv4(block=IPv4Network("203.0.113.192/26"), zone_lengths=(27,)), ("web", "app"))


def test_a_damaged_hosts_entry_is_p011(shanwei_copy: Path) -> None:
    lock = shanwei_copy / "allocations.lock.yaml"
    text = lock.read_text()
    first = next(line for line in text.splitlines() if line.startswith("  sw-") and "web: [" in line)
    lock.write_text(text.replace(first, first.split(":")[0] + ': {web: "203.0.113.195"}'))
    with pytest.raises(LockError, match="expected \\[IPv4 or null, IPv6\\]"):
        read_lock(lock)
    done = run_egov("validate", str(shanwei_copy))
    assert done.returncode == 1 and "P011" in done.stdout
