"""Checks of the address plan for `egov validate`: the lock is sound, complete and current; IPv4 is clean.

The lock is checked on its own terms first (overlaps, containment, lengths, completeness), so a lock
edited by hand or merged badly is caught even before comparing it with what the planner would write.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Network
from itertools import pairwise
from pathlib import Path

from network.addressing.lock import LOCK_FILE, SHARED_TENANT, Lock, LockError, read_lock
from network.addressing.plan import PlanError, plan
from network.addressing.policy import POLICY_FILE, AddressingPolicy, load_policy
from network.addressing.prefixes import LAN_LENGTH, P2P_RESERVED, contains, text
from network.inventory import Finding, Inventory
from network.inventory.refs import NodeRef

_LOCK = NodeRef(LOCK_FILE, ())


def check_plan(root: Path, inventory: Inventory, compare_with_plan: bool = True) -> list[Finding]:
    """Findings about the addressing policy, the IPv4 plan and the lock (none without a policy)."""
    loaded = load_policy(root)
    findings = list(loaded.findings)
    if loaded.policy is None:
        return findings
    findings.extend(check_ipv4(inventory, loaded.policy))
    try:
        lock = read_lock(root / LOCK_FILE)
    except LockError as error:
        return [
            *findings,
            Finding(
                "P011",
                f"{LOCK_FILE}: {error.message}",
                _LOCK.child(*error.key),
                hint="restore it from version control, or move it away and run `egov plan`",
            ),
        ]
    if lock is None:
        return [
            *findings,
            Finding(
                "P007",
                f"there is no {LOCK_FILE}: nothing is allocated yet",
                NodeRef(POLICY_FILE, ("addressing",)),
                hint=f"run `egov plan {root}`",
            ),
        ]
    findings.extend(check_lock(lock, inventory))
    if compare_with_plan:
        findings.extend(_staleness(root, inventory, loaded.policy, lock))
    return findings


def _staleness(root: Path, inventory: Inventory, policy: AddressingPolicy, lock: Lock) -> Iterator[Finding]:
    try:
        result = plan(inventory, policy, lock)
    except PlanError as error:
        line = None if error.path else 1  # a whole-file problem: point at its first line
        yield Finding(
            error.code,
            error.message,
            NodeRef(error.where, error.path),
            hint=error.hint,
            line=line,
            column=None if error.path else 1,
        )
        return
    for code, message, hint in result.warnings:
        yield Finding(code, message, NodeRef(POLICY_FILE, ("addressing", "ipv6", "levels")), hint=hint)
    if result.lock.to_text() != (root / LOCK_FILE).read_text(encoding="utf-8"):
        changes = []
        if result.added:
            changes.append(f"{result.added} to allocate")
        if result.quarantined:
            changes.append(f"{len(result.quarantined)} to quarantine")
        if result.moved:
            changes.append(f"{len(result.moved)} to move")
        summary = ", ".join(changes) or "its text differs"
        yield Finding(
            "P003",
            f"{LOCK_FILE} is stale: {summary}",
            _LOCK,
            hint=f"run `egov plan {root}` and commit the lock (`egov plan --check` shows the diff)",
            line=1,
            column=1,
        )


def check_lock(lock: Lock, inventory: Inventory) -> Iterator[Finding]:
    """Overlaps, containment, lengths and completeness of the allocations in a lock."""
    yield from _sites(lock, inventory)
    yield from _small_blocks(lock)
    yield from _completeness(lock, inventory)


def _sites(lock: Lock, inventory: Inventory) -> Iterator[Finding]:
    sites = inventory.site_by_id
    by_length: dict[int, list[tuple[int, str]]] = {}
    for site_id, (network, length) in lock.sites.items():
        at = _LOCK.child("sites", site_id)
        site = sites.get(site_id)
        if site is not None and site_id != lock.root:
            expected = lock.lengths.get(site.level.value)
            if expected is not None and length != expected:
                yield Finding(
                    "P006",
                    f"site {site_id} holds a /{length}; {site.level} prefixes are /{expected}",
                    at,
                    hint="run `egov plan` to re-allocate it",
                )
            parent = lock.sites.get(site.parent or "")
            if parent is not None and not contains(*parent, network, length):
                yield Finding(
                    "P005",
                    f"site {site_id} ({text(network, length)}) is outside its parent "
                    f"{site.parent} ({text(*parent)})",
                    at,
                    hint="run `egov plan` to re-allocate it",
                )
        if not contains(*lock.aggregate, network, length):
            yield Finding(
                "P005",
                f"site {site_id} ({text(network, length)}) is outside the aggregate {text(*lock.aggregate)}",
                at,
                hint="run `egov plan` to re-allocate it",
            )
        if site_id != lock.root:
            by_length.setdefault(length, []).append((network, site_id))
    if lock.cloud is not None:
        by_length.setdefault(lock.cloud[1], []).append((lock.cloud[0], "(cloud node)"))
    for length, entries in by_length.items():
        yield from _disjoint(sorted(entries), length, "sites")


def _disjoint(entries: list[tuple[int, str]], length: int, section: str) -> Iterator[Finding]:
    for (a, name_a), (b, name_b) in pairwise(entries):
        if a == b or contains(a, length, b, length):
            yield Finding(
                "P004",
                f"{name_b} ({text(b, length)}) overlaps {name_a}",
                _LOCK.child(section, name_b),
                hint="two records share a prefix: run `egov plan` after removing the wrong entry",
            )


def _small_blocks(lock: Lock) -> Iterator[Finding]:
    """Loopback /64s, link /64s, LAN /64s and cloud zones never overlap one another."""
    entries: list[tuple[int, str, str]] = []
    entries += [
        (n, f"loopback block of {k}", "loopback_blocks/" + k) for k, (n, _) in lock.loopback_blocks.items()
    ]
    entries += [(n, f"link {k}", "links/" + k) for k, n in lock.links.items()]
    entries += [(n, f"LAN {k}", "lans/" + k) for k, (n, _) in lock.lans.items()]
    entries += [(n, f"VPN instance {k}", "vpns/" + k) for k, (n, _) in lock.vpns.items()]
    entries += [
        (n, f"{t} zone {z}", f"subnets/{t}") for t, zones in lock.subnets.items() for z, n in zones.items()
    ]
    entries.sort()
    for (a, name_a, _), (b, name_b, key_b) in pairwise(entries):
        if a == b:
            section, _, key = key_b.partition("/")
            yield Finding(
                "P004",
                f"{name_b} ({text(b, LAN_LENGTH)}) is also {name_a}",
                _LOCK.child(section, key),
                hint="two records share a /64: run `egov plan` after removing the wrong entry",
            )
    for key, (network, length) in lock.tenants.items():
        if lock.cloud is None or not contains(*lock.cloud, network, length):
            yield Finding(
                "P005",
                f"tenant {key} ({text(network, length)}) is outside the cloud block",
                _LOCK.child("tenants", key),
                hint="run `egov plan` to re-allocate it",
            )
    for key, network in lock.links.items():
        if network & ((1 << (128 - P2P_RESERVED)) - 1):
            yield Finding(
                "P006",
                f"link {key} does not start a /64 (RFC 6164: reserve the /64, configure the /127)",
                _LOCK.child("links", key),
                hint="run `egov plan` to re-allocate it",
            )


def _vpns_planned(lock: Lock, inventory: Inventory) -> Iterator[Finding]:
    for vpn in inventory.vpn_instances:
        if vpn.name not in lock.vpns:
            yield Finding(
                "P007", f"VPN instance {vpn.name} has no IPv6 space", vpn.at, hint="run `egov plan`"
            )


def _completeness(lock: Lock, inventory: Inventory) -> Iterator[Finding]:
    if lock.root not in inventory.site_by_id:
        return
    for site in inventory.sites:
        if site.id not in lock.sites and site.level.depth > inventory.site_by_id[lock.root].level.depth:
            yield Finding("P007", f"site {site.id} has no prefix", site.at, hint="run `egov plan`")
    in_plan = set(lock.sites)
    for device in inventory.devices:
        if device.site in in_plan and device.hostname not in lock.loopbacks:
            yield Finding(
                "P007", f"device {device.hostname} has no loopback", device.at, hint="run `egov plan`"
            )
    for department in inventory.departments:
        if department.site in in_plan:
            for i, lan in enumerate(department.lans):
                if f"{department.id} {lan}" not in lock.lans:
                    yield Finding(
                        "P007",
                        f"LAN {lan} of {department.id} has no IPv6 /64",
                        department.at.child("lans", i),
                        hint="run `egov plan`",
                    )
    yield from _vpns_planned(lock, inventory)
    if lock.cloud is not None and SHARED_TENANT not in lock.tenants:
        yield Finding(
            "P007",
            "the cloud node's shared networks have no prefix",
            _LOCK.child("tenants"),
            hint="run `egov plan`",
        )


def check_ipv4(inventory: Inventory, policy: AddressingPolicy) -> Iterator[Finding]:
    """The existing IPv4 plan: no overlapping segments; each address inside a block declared for its use."""
    if not policy.ipv4.blocks:
        return
    blocks = {
        use: [b.prefix for b in policy.ipv4.blocks if b.use == use]
        for use in ("management", "lan", "private", "infrastructure")
    }
    prefixes = list(_ipv4_prefixes(inventory))
    for prefix, what, use, at, _ in prefixes:
        if not any(prefix.subnet_of(block) for block in blocks[use]):
            yield _outside(prefix, what, use, at)
    for device in inventory.devices:
        address = device.management
        if isinstance(address, IPv4Address) and not any(address in block for block in blocks["management"]):
            yield _outside(
                address,
                f"management address of {device.hostname}",
                "management",
                device.at.child("management"),
            )
    # One sweep per routing table: the global one, and each VPN instance's own (a business network
    # carried in a VPN instance may reuse another's addresses; within one table they must not overlap).
    vpn_of = {(v.department, v.network): v.name for v in inventory.vpn_instances}
    tables: dict[str, list[tuple[IPv4Network, str, NodeRef]]] = {}
    for prefix, what, _, at, network in prefixes:
        tables.setdefault(vpn_of.get(network, "") if network else "", []).append((prefix, what, at))
    for table, entries in sorted(tables.items()):
        entries.sort(key=lambda p: (int(p[0].network_address), p[0].prefixlen))
        where = f" in VPN instance {table}" if table else ""
        reach: tuple[IPv4Network, str] | None = None  # the prefix reaching furthest so far (a sweep)
        for prefix, what, at in entries:
            if reach is not None and prefix.network_address <= reach[0].broadcast_address:
                yield Finding(
                    "P008",
                    f"{what} {prefix} overlaps {reach[1]} {reach[0]}{where}",
                    at,
                    hint="each segment of one routing table needs its own IPv4 prefix: fix the existing "
                    "plan's record (business networks in different VPN instances may overlap)",
                )
            if reach is None or prefix.broadcast_address > reach[0].broadcast_address:
                reach = (prefix, what)


def _ipv4_prefixes(
    inventory: Inventory,
) -> Iterator[tuple[IPv4Network, str, str, NodeRef, tuple[str, str] | None]]:
    """Every IPv4 LAN and private-network prefix: (prefix, what it is, its use, where it is written,
    and for a private network its (department, network) key)."""
    for department in inventory.departments:
        for i, lan in enumerate(department.lans):
            if isinstance(lan, IPv4Network):
                yield lan, f"LAN of {department.id}", "lan", department.at.child("lans", i), None
        for n, network in enumerate(department.private_networks):
            for i, prefix in enumerate(network.prefixes):
                if isinstance(prefix, IPv4Network):
                    yield (
                        prefix,
                        f"private network {network.id}",
                        "private",
                        department.at.child("private_networks", n, "prefixes", i),
                        (department.id, network.id),
                    )


def _outside(value: object, what: str, use: str, at: NodeRef) -> Finding:
    return Finding(
        "P009",
        f"{what} {value} is outside the IPv4 blocks declared for {use}",
        at,
        hint=f"declare the block in addressing.yaml `ipv4.blocks` with use: {use}, or fix the address",
    )
