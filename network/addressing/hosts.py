"""Addresses inside the cloud's projects: IPv4 zones per project, and a host per business-system tier.

Every project (a department's tenant, and the shared one) cuts the policy's IPv4 block the same way:
zone *i* takes the *i*-th slice (``ipv4.cloud.zone_lengths``). Project networks are private to their
project and leave it through its router, so the block repeats; IPv6 is global and unique per project
(its /64 zones come from the tenant prefixes the planner already cut).

A system that is to run on the cloud (non-classified, moving) gets a host per tier:

* ``web`` always — the front that answers its health URL;
* ``app`` at MLPS level 3, where the database must not be reachable from the web zone;
* ``db`` when it keeps a database (any store that is not files).

A host has one *number* in its zone, used for both families: ``203.0.113.195`` is host 3 of a
``203.0.113.192/27`` web zone and ``2001:db8:e00a::3`` the same host of that project's web /64.
Numbers start at ``first_host`` (3: 1 is the gateway, 2 the network's DHCP port). Kept hosts stay
where they are; a system that leaves the plan puts its hosts in the quarantine (as /128s), and their
numbers are not given to another system until released.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network

from network.addressing.lock import SHARED_TENANT, Host, Lock, V4Prefix
from network.addressing.policy import CloudIPv4
from network.addressing.prefixes import IPV6_BITS, LAN_LENGTH, contains
from network.inventory import Inventory
from network.inventory.model import MOVING_STRATEGIES, Classification, StoreKind, System, Target

FIRST_HOST = 3  # without an IPv4 policy (IPv6-only projects)
TIERS = ("web", "app", "db")
_SHIFT = IPV6_BITS - LAN_LENGTH


class HostPlanError(Exception):
    """Hosts cannot be placed as the policy asks: code, message, hint, YAML path in addressing.yaml."""

    def __init__(self, message: str, hint: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message, self.hint, self.path = message, hint, path


def cloud_systems(inventory: Inventory) -> list[System]:
    """Systems that are to run on the cloud: non-classified, moving, with a department (by id)."""
    return sorted(
        (
            s for s in inventory.systems
            if s.classification is Classification.NON_CLASSIFIED and s.migration.target is Target.CLOUD
            and s.migration.strategy in MOVING_STRATEGIES and s.department in inventory.department_by_id
        ),
        key=lambda s: s.id,
    )  # fmt: skip


def tiers(system: System) -> tuple[str, ...]:
    """The tiers a system runs in the cloud: web; app at MLPS level 3; db when it keeps a database."""
    out = ["web"]
    if system.mlps_level >= 3:
        out.append("app")
    if any(store.kind is not StoreKind.FILES for store in system.data_stores):
        out.append("db")
    return tuple(out)


def zones_ipv4(policy: CloudIPv4, names: tuple[str, ...], shared: bool = False) -> dict[str, V4Prefix]:
    """The IPv4 zones of a project: slice *i* of its block for zone *i*, aligned, in order.

    Department projects cut ``block``; the shared project ``shared_block`` (or ``block`` without one).
    """
    own = shared and policy.shared_block is not None
    block = policy.shared_block if own and policy.shared_block is not None else policy.block
    lengths = policy.shared_zone_lengths if own else policy.zone_lengths
    key = "shared_zone_lengths" if own else "zone_lengths"
    if len(names) > len(lengths):
        raise HostPlanError(
            f"ipv4.cloud: {len(names)} zones ({', '.join(names)}), {len(lengths)} {key}",
            "give one length per zone",
            ("addressing", "ipv4", "cloud", key),
        )
    out: dict[str, V4Prefix] = {}
    cursor = int(block.network_address)
    end = int(block.broadcast_address) + 1
    for name, length in zip(names, lengths, strict=False):
        size = 1 << (32 - length)
        cursor = (cursor + size - 1) // size * size  # align the slice to its own size
        if length < block.prefixlen or cursor + size > end:
            raise HostPlanError(
                f"ipv4.cloud: the zones /{', /'.join(map(str, lengths))} do not fit in {block}",
                "use a larger block or longer zone lengths",
                ("addressing", "ipv4", "cloud"),
            )
        out[name] = (cursor, length)
        cursor += size
    return out


@dataclass
class HostPlan:
    """What placing hosts did: how many kept, added, moved (re-numbered), quarantined."""

    kept: int = 0
    added: int = 0
    moved: tuple[str, ...] = ()
    quarantined: tuple[str, ...] = ()


def plan_hosts(
    inventory: Inventory, cloud_v4: CloudIPv4 | None, lock: Lock, previous: Lock | None
) -> HostPlan:
    """Fill ``lock.tenant_ipv4`` and ``lock.hosts`` (the lock's tenants and subnets are already planned)."""
    if cloud_v4 is not None:
        for tenant, subnets in lock.subnets.items():
            lock.tenant_ipv4[tenant] = zones_ipv4(cloud_v4, tuple(subnets), shared=tenant == SHARED_TENANT)
    first = cloud_v4.first_host if cloud_v4 is not None else FIRST_HOST
    wanted = {
        (s.id, tier): s for s in cloud_systems(inventory) for tier in tiers(s) if s.department in lock.subnets
    }
    old = previous.hosts if previous else {}
    result = HostPlan()
    moved: list[str] = []
    quarantined: list[str] = []
    for gone_id, roles in sorted(old.items()):
        for gone_tier, gone_host in roles.items():
            if (gone_id, gone_tier) not in wanted:
                gone_key = f"hosts/{gone_id}/{gone_tier}"
                if gone_key not in lock.quarantine:
                    lock.quarantine[gone_key] = (gone_host[1], IPV6_BITS)
                    quarantined.append(gone_key)
    taken = _taken(lock)
    for (system_id, tier), system in sorted(wanted.items(), key=lambda kv: (kv[0][0], TIERS.index(kv[0][1]))):
        zone_v6 = lock.subnets[system.department][tier]
        zone_v4 = lock.tenant_ipv4.get(system.department, {}).get(tier)
        host = old.get(system_id, {}).get(tier)
        key = (system.department, tier)
        used = taken.setdefault(key, set())
        if host is not None and _fits(host, zone_v6, zone_v4, first) and _number(host, zone_v6) not in used:
            # the host keeps its number; its IPv4 follows the project's zone (a changed ipv4.cloud
            # re-addresses IPv4 and leaves IPv6 where it was)
            number = _number(host, zone_v6)
            lock.hosts.setdefault(system_id, {})[tier] = (
                None if zone_v4 is None else zone_v4[0] + number,
                host[1],
            )
            used.add(number)
            result.kept += 1
            continue
        if host is not None:  # re-numbered: the old address rests in the quarantine, its number taken
            moved.append(f"{system_id}/{tier}")
            quarantined_key = f"hosts/{system_id}/{tier}"
            if quarantined_key not in lock.quarantine:
                lock.quarantine[quarantined_key] = (host[1], IPV6_BITS)
                quarantined.append(quarantined_key)
            if contains(zone_v6, LAN_LENGTH, host[1], IPV6_BITS):
                used.add(_number(host, zone_v6))
        number = _free_number(used, zone_v4, system, tier, first)
        lock.hosts.setdefault(system_id, {})[tier] = (
            None if zone_v4 is None else zone_v4[0] + number,
            zone_v6 + number,
        )
        result.added += 1
    result.moved, result.quarantined = tuple(moved), tuple(quarantined)
    return result


def _number(host: Host, zone_v6: int) -> int:
    return host[1] - zone_v6


def _fits(host: Host, zone_v6: int, zone_v4: V4Prefix | None, first: int) -> bool:
    """The host lies in its zone /64 and its number is a host of the project's IPv4 zone, when it has one."""
    v6 = host[1]
    if not contains(zone_v6, LAN_LENGTH, v6, IPV6_BITS):
        return False
    number = v6 - zone_v6
    if zone_v4 is None:
        return number >= first
    return first <= number < (1 << (32 - zone_v4[1])) - 1


def _taken(lock: Lock) -> dict[tuple[str, str], set[int]]:
    """Numbers no new host may take: those of quarantined hosts, per (tenant, zone)."""
    out: dict[tuple[str, str], set[int]] = {}
    for key, (address, length) in lock.quarantine.items():
        if not key.startswith("hosts/") or length != IPV6_BITS:
            continue
        for tenant, zones in lock.subnets.items():
            for zone, network in zones.items():
                if contains(network, LAN_LENGTH, address, IPV6_BITS):
                    out.setdefault((tenant, zone), set()).add(address - network)
    return out


def _free_number(taken: set[int], zone_v4: V4Prefix | None, system: System, tier: str, first: int) -> int:
    """The lowest free host number of a zone (within its IPv4 slice when it has one)."""
    last = ((1 << (32 - zone_v4[1])) - 2) if zone_v4 is not None else (1 << 16)
    number = first
    while number in taken:
        number += 1
    if number > last:
        prefix = IPv4Network((zone_v4[0], zone_v4[1])) if zone_v4 else None
        raise HostPlanError(
            f"out of space: the {tier} zone of {system.department} ({prefix}) has no host for {system.id}",
            "give that zone a longer slice: a shorter length in ipv4.cloud.zone_lengths",
            ("addressing", "ipv4", "cloud", "zone_lengths"),
        )
    taken.add(number)
    return number
