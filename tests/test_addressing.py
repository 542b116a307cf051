"""The IPv6 planner: prefix arithmetic, behaviour on named cases, and properties on random site trees."""

from __future__ import annotations

import random
from ipaddress import IPv6Network, ip_network
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from network.addressing import AddressingPolicy, Lock, PlanError, plan
from network.addressing.lock import SHARED_TENANT
from network.addressing.prefixes import bisection_order, blocked_slots, parse, width_for
from network.inventory import Inventory
from network.inventory.model import City, Department, Device, Link, Site, System

# --- prefix arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("needed", "reserve", "bits"),
    [(1, 0.25, 4), (12, 0.25, 4), (13, 0.25, 8), (16, 0.0, 4), (17, 0.0, 8), (193, 0.25, 12)],
)
def test_width_is_the_smallest_nibble_keeping_the_reserve(needed: int, reserve: float, bits: int) -> None:
    assert width_for(needed, reserve) == bits


def test_bisection_spreads_siblings() -> None:
    assert bisection_order(4)[:8] == (0, 8, 4, 12, 2, 10, 6, 14)
    assert sorted(bisection_order(8)) == list(range(256))


def test_reserved_blocks_block_the_slots_they_touch() -> None:
    parent, length = parse("2001:db8::/32")
    assert blocked_slots(parent, length, 36, [parse("2001:db8:ff00::/40")]) == {15}
    assert blocked_slots(parent, length, 36, [parse("2001:db8:8000::/33")]) == set(range(8, 16))
    assert blocked_slots(parent, length, 36, [parse("2001:db9::/32")]) == set()


# --- building inventories in memory -------------------------------------------------------------


def policy(**ipv6: Any) -> AddressingPolicy:
    return AddressingPolicy.model_validate({"ipv6": {"aggregate": "2001:db8::/32", **ipv6}})


class Tree:
    """A city with counties, towns and villages; each site has a device and an uplink to its parent."""

    def __init__(self) -> None:
        self.sites: dict[str, Site] = {}
        self.devices: dict[str, Device] = {}
        self.links: dict[str, Link] = {}
        self.departments: dict[str, Department] = {}
        self.systems: dict[str, System] = {}
        self.add("prv", "province", None)
        self.add("cty", "city", "prv")

    def add(self, site_id: str, level: str, parent: str | None) -> None:
        self.sites[site_id] = Site(
            id=site_id,
            name=site_id,
            level=level,
            parent=parent,
            on_demand="20M" if level == "village" else None,
        )
        host = site_id.upper()
        self.devices[host] = Device(
            hostname=host,
            site=site_id,
            role="core",
            platform="huawei_vrp8",
            management=f"2001:db8:ff00::{len(self.devices) + 1:x}",
            credentials="env:X",
            interfaces=[{"name": "up"}, *({"name": f"d{i}"} for i in range(64))],
        )
        if parent is not None:
            self.links[f"{site_id}-up"] = Link(
                id=f"{site_id}-up",
                a={"device": parent.upper(), "interface": "d0"},
                b={"device": host, "interface": "up"},
                capacity="10G",
            )

    def remove(self, site_id: str) -> None:
        for kid in [s.id for s in self.sites.values() if s.parent == site_id]:
            self.remove(kid)
        del self.sites[site_id], self.devices[site_id.upper()]
        self.links.pop(f"{site_id}-up", None)

    def department(self, dept_id: str, site: str, lans: list[str], cloud: bool) -> None:
        self.departments[dept_id] = Department(
            id=dept_id, name=dept_id, site=site, lans=lans, access={"state": "connected"}
        )
        if cloud:
            self.systems[dept_id] = System(
                id=f"{dept_id}-s1",
                name="s",
                department=dept_id,
                classification="non-classified",
                mlps_level=2,
                hosting={"room": "r"},
                migration={"strategy": "rehost", "target": "cloud", "wave": 1, "deadline": "2020-06-30"},
            )

    def inventory(self) -> Inventory:
        city = City(name="测试市", code="449901", aggregates={"ipv6": ["2001:db8::/32"]})
        return Inventory(
            root=Path("."),
            city=city,
            sites=tuple(self.sites.values()),
            devices=tuple(self.devices.values()),
            links=tuple(self.links.values()),
            departments=tuple(self.departments.values()),
            systems=tuple(self.systems.values()),
        )


def city(counties: int, towns: int, villages: int) -> Tree:
    tree = Tree()
    for c in range(counties):
        tree.add(f"c{c}", "county", "cty")
        for t in range(towns):
            tree.add(f"c{c}-t{t}", "town", f"c{c}")
            for v in range(villages):
                tree.add(f"c{c}-t{t}-v{v}", "village", f"c{c}-t{t}")
    tree.department("d0", "cty", ["198.51.100.0/29"], cloud=True)
    tree.department("d1", "c0", ["198.51.100.8/29"], cloud=False)
    return tree


# --- named cases -----------------------------------------------------------------------------------


def test_lengths_are_derived_and_explained() -> None:
    result = plan(city(6, 20, 19).inventory(), policy(), None)
    assert result.lock.lengths == {"county": 36, "town": 44, "village": 52}
    assert any(note.startswith("town: /44 derived — up to 20 towns") for note in result.notes)


def test_a_misaligned_length_is_refused_with_a_hint() -> None:
    with pytest.raises(PlanError) as caught:
        plan(city(2, 2, 2).inventory(), policy(levels={"county": {"length": 34}}), None)
    assert caught.value.code == "P001"
    assert "use /32 or /36" in caught.value.hint


def test_out_of_space_names_parent_need_fit_and_a_length() -> None:
    with pytest.raises(PlanError) as caught:
        plan(
            city(1, 20, 0).inventory(),
            policy(levels={"county": {"length": 36}, "town": {"length": 40}}),
            None,
        )
    error = caught.value
    assert error.code == "P002"
    assert "c0 needs 20 town prefixes but its /36 holds 15 /40s" in error.message
    assert "a /44 per town would fit" in error.hint


def test_reserved_blocks_are_never_allocated() -> None:
    lock = plan(city(12, 1, 1).inventory(), policy(reserved=["2001:db8:8000::/36"]), None).lock
    reserved = ip_network("2001:db8:8000::/36")
    assert all(not _net(p).overlaps(reserved) for p in lock.sites.values() if p[1] > 32)


def test_sparse_puts_the_first_child_in_the_middle() -> None:
    lock = plan(city(2, 1, 0).inventory(), policy(levels={"county": {"mode": "sparse"}}), None).lock
    assert str(_net(lock.sites["c0"])) == "2001:db8:8000::/36"
    assert str(_net(lock.sites["c1"])) == "2001:db8:4000::/36"
    seq = plan(city(2, 1, 0).inventory(), policy(levels={"county": {"mode": "sequential"}}), None).lock
    assert str(_net(seq.sites["c0"])) == "2001:db8:1000::/36"


def test_links_reserve_a_64_and_configure_a_127_rfc6164() -> None:
    lock = plan(city(1, 1, 1).inventory(), policy(), None).lock
    for network in lock.links.values():
        assert network % (1 << 64) == 0


def test_links_beyond_one_part_continue_in_the_overflow_parts_and_stay_on_replan() -> None:
    """A county with more than 256 links (a /56 part of /64s): they must not spill into the LAN part."""
    tree = city(1, 17, 17)  # 17 towns and 289 villages under one county
    tree.department("d2", "c0", ["198.51.100.16/29", "198.51.100.24/29"], cloud=False)
    tight = policy(loopbacks={"per": "county"}, levels={"town": {"length": 52}})  # parts of /56: 256 /64s
    first = plan(tree.inventory(), tight, None)
    assert sum(1 for k in first.lock.links if k.startswith("c0")) > 256
    assert_sound(tree, first.lock)
    lans = [IPv6Network(p) for p in first.lock.lans.values()]
    assert not any(IPv6Network((n, 64)) in lans for n in first.lock.links.values())
    again = plan(tree.inventory(), tight, first.lock)
    assert (again.added, again.moved, again.quarantined) == (0, [], [])
    assert _flat(again.lock) == _flat(first.lock)


def test_more_links_than_every_part_holds_is_out_of_space() -> None:
    tree = city(1, 45, 41)  # 1,845 villages' links in one county: more than 7 parts of 256
    pinned = policy(loopbacks={"per": "county"}, levels={"town": {"length": 52}})  # parts of /56
    with pytest.raises(PlanError) as raised:
        plan(tree.inventory(), pinned, None)
    assert raised.value.code == "P002" and "point-to-point links" in raised.value.message
    assert "needs 1891" in raised.value.message and "hold 1792 /64s" in raised.value.message


def test_cloud_tenants_and_zones() -> None:
    lock = plan(city(1, 1, 0).inventory(), policy(), None).lock
    assert set(lock.tenants) == {SHARED_TENANT, "d0"}  # d1 has no system bound for the cloud
    assert set(lock.subnets["d0"]) == {"web", "app", "db"}
    assert set(lock.subnets[SHARED_TENANT]) == {"management", "dmz", "services"}
    assert lock.cloud is not None and all(
        _net(lock.cloud).supernet_of(_net(t)) for t in lock.tenants.values()
    )


def test_removal_quarantines_until_released() -> None:
    tree = city(1, 1, 3)
    first = plan(tree.inventory(), policy(levels={"village": {"mode": "sequential"}}), None).lock
    gone = first.sites["c0-t0-v1"]
    tree.remove("c0-t0-v1")
    second = plan(tree.inventory(), policy(levels={"village": {"mode": "sequential"}}), first).lock
    assert second.quarantine["sites/c0-t0-v1"] == gone
    tree.add("c0-t0-v9", "village", "c0-t0")
    third = plan(tree.inventory(), policy(levels={"village": {"mode": "sequential"}}), second).lock
    assert third.sites["c0-t0-v9"] != gone, "quarantined space is not reused"
    del third.quarantine["sites/c0-t0-v1"]  # what `egov plan release` does
    tree.add("c0-t0-v8", "village", "c0-t0")
    fourth = plan(tree.inventory(), policy(levels={"village": {"mode": "sequential"}}), third).lock
    assert fourth.sites["c0-t0-v8"] == gone, "released space is reusable"


def test_a_changed_aggregate_is_refused() -> None:
    lock = plan(city(1, 1, 1).inventory(), policy(), None).lock
    with pytest.raises(PlanError) as caught:
        plan(
            city(1, 1, 1).inventory(),
            AddressingPolicy.model_validate({"ipv6": {"aggregate": "2001:db8::/33"}}),
            lock,
        )
    assert caught.value.code == "P012"


# --- properties on random trees --------------------------------------------------------------------


def _net(prefix: tuple[int, int]) -> IPv6Network:
    return IPv6Network(prefix)


def _all_prefixes(lock: Lock) -> dict[str, list[IPv6Network]]:
    sites_by_length: dict[str, list[IPv6Network]] = {}
    for prefix in lock.sites.values():
        sites_by_length.setdefault(f"sites/{prefix[1]}", []).append(_net(prefix))
    if lock.cloud:
        sites_by_length.setdefault(f"sites/{lock.cloud[1]}", []).append(_net(lock.cloud))
    sixty_fours = [IPv6Network((n, 64)) for n in lock.links.values()]
    sixty_fours += [_net(p) for p in lock.loopback_blocks.values()] + [_net(p) for p in lock.lans.values()]
    sixty_fours += [IPv6Network((n, 64)) for zones in lock.subnets.values() for n in zones.values()]
    return {**sites_by_length, "64s": sixty_fours, "tenants": [_net(p) for p in lock.tenants.values()]}


def _flat(lock: Lock) -> dict[str, object]:
    return {
        **{f"s/{k}": v for k, v in lock.sites.items()},
        **{f"l/{k}": v for k, v in lock.links.items()},
        **{f"o/{k}": v for k, v in lock.loopbacks.items()},
        **{f"n/{k}": v for k, v in lock.lans.items()},
        **{f"t/{k}": v for k, v in lock.tenants.items()},
        "cloud": lock.cloud,
    }


def assert_sound(tree: Tree, lock: Lock) -> None:
    for group in _all_prefixes(lock).values():
        ordered = sorted(group)
        for a, b in pairwise(ordered):
            assert not a.overlaps(b), f"{a} overlaps {b}"
    for site_id, prefix in lock.sites.items():
        site = tree.sites[site_id]
        network = _net(prefix)  # IPv6Network refuses host bits: alignment
        if site.level.value in lock.lengths:
            assert network.prefixlen == lock.lengths[site.level.value]
            assert network.prefixlen % 4 == 0
            assert _net(lock.sites[site.parent]).supernet_of(network)  # type: ignore[index]
    for address in lock.loopbacks.values():
        assert any(
            _net(block).supernet_of(IPv6Network((address, 128))) for block in lock.loopback_blocks.values()
        )
    assert set(lock.sites) == set(tree.sites) - {"prv"}, "every site in the tree is allocated"


def _random_tree(counties: int, shape: list[int], seed: int) -> Tree:
    rng = random.Random(seed)
    tree = Tree()
    for c in range(counties):
        tree.add(f"c{c}", "county", "cty")
        for t in range(rng.choice(shape)):
            tree.add(f"c{c}-t{t}", "town", f"c{c}")
            for v in range(rng.choice(shape)):
                tree.add(f"c{c}-t{t}-v{v}", "village", f"c{c}-t{t}")
    tree.department("d0", "cty", ["198.51.100.0/29"], cloud=True)
    return tree


trees = st.builds(
    _random_tree,
    st.integers(1, 7),
    st.lists(st.integers(0, 14), min_size=1, max_size=6),
    st.integers(0, 10**6),
)
policies = st.builds(
    lambda county, town, village: policy(
        levels={"county": {"mode": county}, "town": {"mode": town}, "village": {"mode": village}}
    ),
    *[st.sampled_from(["sparse", "sequential"])] * 3,
)


PROPERTY = settings(max_examples=40, deadline=None)


@PROPERTY
@given(tree=trees, rules=policies)
def test_plans_are_sound_and_deterministic(tree: Tree, rules: AddressingPolicy) -> None:
    first = plan(tree.inventory(), rules, None).lock
    assert_sound(tree, first)
    assert plan(tree.inventory(), rules, None).lock.to_text() == first.to_text(), "same input, same bytes"
    assert plan(tree.inventory(), rules, first).lock.to_text() == first.to_text(), (
        "re-planning changes nothing"
    )


@PROPERTY
@given(tree=trees, rules=policies, seed=st.integers(0, 10**6), additions=st.integers(1, 30))
def test_additions_never_move_an_allocation(
    tree: Tree, rules: AddressingPolicy, seed: int, additions: int
) -> None:
    before = plan(tree.inventory(), rules, None).lock
    rng = random.Random(seed)
    parents = [s.id for s in tree.sites.values() if s.level.value in ("city", "county", "town")]
    below = {"city": "county", "county": "town", "town": "village"}
    for n in range(additions):
        parent = tree.sites[rng.choice(parents)]
        tree.add(f"new{n}", below[parent.level.value], parent.id)
    tree.department("d9", "cty", ["198.51.100.64/29"], cloud=True)
    try:
        after = plan(tree.inventory(), rules, before).lock
    except PlanError as error:  # the locked lengths may not hold that many more: a clear refusal is right
        assert error.code == "P002" and "needs" in error.message and "would fit" in error.hint
        return
    assert_sound(tree, after)
    old, new = _flat(before), _flat(after)
    assert all(new[key] == value for key, value in old.items()), "an existing allocation moved"


@PROPERTY
@given(tree=trees, rules=policies, seed=st.integers(0, 10**6))
def test_removal_quarantines_and_nothing_reuses_it(tree: Tree, rules: AddressingPolicy, seed: int) -> None:
    before = plan(tree.inventory(), rules, None).lock
    rng = random.Random(seed)
    leaves = [s.id for s in tree.sites.values() if s.level.value in ("town", "village")]
    removed = rng.sample(leaves, min(len(leaves), 3))
    for site_id in removed:
        if site_id in tree.sites:
            tree.remove(site_id)
    for n in range(5):
        tree.add(f"back{n}", "county", "cty")
    after = plan(tree.inventory(), rules, before).lock
    assert_sound(tree, after)
    gone = {key: before.sites[key.split("/", 1)[1]] for key in after.quarantine if key.startswith("sites/")}
    assert all(site in {k.split("/", 1)[1] for k in gone} for site in removed)
    for prefix in gone.values():
        assert not any(_net(prefix).overlaps(_net(p)) for p in after.sites.values() if p[1] >= prefix[1]), (
            "a quarantined prefix was handed out again"
        )


def test_a_moved_device_quarantines_its_old_loopback() -> None:
    tree = city(2, 1, 0)
    before = plan(tree.inventory(), policy(), None).lock
    old = before.loopbacks["C0-T0"]
    moved = tree.devices["C0-T0"]
    tree.devices["C0-T0"] = moved.model_copy(update={"site": "c1-t0"})
    tree.devices["NEW"] = moved.model_copy(update={"hostname": "NEW", "site": "c0-t0"})
    result = plan(tree.inventory(), policy(), before)
    after = result.lock
    assert "C0-T0" in result.moved
    assert after.quarantine["loopbacks/C0-T0"] == (old, 128)
    assert after.loopbacks["C0-T0"] != old and after.loopbacks["NEW"] != old, "quarantined, not reused"


def test_a_tenant_whose_block_becomes_reserved_moves() -> None:
    tree = city(1, 1, 0)
    before = plan(tree.inventory(), policy(), None).lock
    old = before.tenants["d0"]
    reserved = str(_net(old))
    after = plan(tree.inventory(), policy(reserved=[reserved]), before).lock
    assert after.tenants["d0"] != old
    assert after.quarantine["tenants/d0"] == old
    assert not _net(after.tenants["d0"]).overlaps(_net(old))
