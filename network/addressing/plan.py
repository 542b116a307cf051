"""The IPv6 planner: hierarchical, nibble-aligned, stable.

Cutting (per site, top down from the city — or the province for province-scale inventories):

* each site's prefix is split into slots of the next level's length; slot 0 is the site's own block,
  the others go to its child sites in ``sequential`` or ``sparse`` (RFC 3531 bisection) order;
* a site's own block is cut into 16 parts: part 0 holds the /64 of /128 loopbacks (for a loopback
  scope: each county, or the city), part 1 a /64 per point-to-point link (RFC 6164: /64 reserved,
  /127 configured), part 2 a /64 per department LAN segment; links that outgrow part 1 continue in
  parts 3-8, LANs in 9-15 (a county with more than 256 links), and beyond that the plan stops (P002);
* the cloud node takes the highest free slot of the root; in it, slot 0 holds the shared networks and
  each department tenant takes a prefix with a /64 per security zone.

Stability: everything already in the lock stays where it is. Records that disappear go to the
quarantine and their space is not reused until ``egov plan release``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from network.addressing.hosts import HostPlanError, plan_hosts
from network.addressing.lock import SHARED_TENANT, Lock, Prefix
from network.addressing.policy import AddressingPolicy, Mode
from network.addressing.prefixes import (
    IPV6_BITS,
    LAN_LENGTH,
    NIBBLE,
    P2P_RESERVED,
    blocked_slots,
    contains,
    is_nibble_aligned,
    nibble_round_up,
    order,
    slot_of,
    slot_prefix,
    text,
    width_for,
)
from network.inventory import Inventory, Level
from network.inventory.model import Classification, Link, Target

_PLURAL = {
    Level.PROVINCE: "provinces",
    Level.CITY: "cities",
    Level.COUNTY: "counties",
    Level.TOWN: "towns",
    Level.VILLAGE: "villages",
}
PART_LOOPBACKS, PART_LINKS, PART_LANS = 0, 1, 2
# When a site's links or LANs outgrow their part, they continue in these parts of its own block, in
# order (parts 3-14 are otherwise unused): links first in 3-8, LANs in 9-14.
OVERFLOW_PARTS = {PART_LINKS: (3, 4, 5, 6, 7, 8), PART_LANS: (9, 10, 11, 12, 13, 14)}
# The root site's part 15 holds the VPN instances' IPv6 space: a /56 each (a /64 per access interface
# and per prefix of the business network it carries; see network.render.vpn).
PART_VPNS, VPN_LENGTH = 15, 56


@dataclass(frozen=True)
class _Space:
    """Blocks of equal length, used in order, cut into /``bits``: index i is slot i of the whole run."""

    blocks: tuple[Prefix, ...]
    bits: int

    @property
    def per_block(self) -> int:
        return 1 << (self.bits - self.blocks[0][1])

    @property
    def capacity(self) -> int:
        return self.per_block * len(self.blocks)

    def index_of(self, network: int, length: int) -> int | None:
        """The index of the slot holding ``network/length`` (None: in none of the blocks)."""
        for n, (block, block_length) in enumerate(self.blocks):
            if length >= self.bits and contains(block, block_length, network, length):
                return n * self.per_block + ((network - block) >> (IPV6_BITS - self.bits))
        return None

    def address(self, index: int) -> int | None:
        """The network of slot ``index`` (None: beyond the last block)."""
        n, slot = divmod(index, self.per_block)
        if n >= len(self.blocks):
            return None
        return self.blocks[n][0] + (slot << (IPV6_BITS - self.bits))


@dataclass(frozen=True)
class _Block:
    """A parent prefix cut into slots of ``length``."""

    network: int
    parent_length: int
    length: int


class PlanError(Exception):
    """A plan that cannot be made as the policy asks (bad length, out of space…): code, message, hint."""

    def __init__(
        self,
        code: str,
        message: str,
        hint: str,
        where: str = "addressing.yaml",
        path: tuple[str | int, ...] = (),
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.where, self.path = code, message, hint, where, path


@dataclass
class PlanResult:
    """The new lock and what happened on the way."""

    lock: Lock
    notes: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)  # (code, message, hint)
    added: int = 0
    kept: int = 0
    quarantined: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)


def plan(inventory: Inventory, policy: AddressingPolicy, previous: Lock | None) -> PlanResult:
    """Plan (or update) the allocations of an inventory. Pure: reads nothing, writes nothing."""
    return _Planner(inventory, policy, previous).run()


class _Planner:
    def __init__(self, inventory: Inventory, policy: AddressingPolicy, previous: Lock | None) -> None:
        self.inv, self.policy, self.prev = inventory, policy, previous
        aggregate = policy.ipv6.aggregate
        self.aggregate: Prefix = (int(aggregate.network_address), aggregate.prefixlen)
        self.reserved = [(int(r.network_address), r.prefixlen) for r in policy.ipv6.reserved]
        self.root = self._root()
        self.levels = [level for level in Level if level.depth > self.root_level.depth]
        self.children = self._tree()
        self.result = PlanResult(Lock(aggregate=self.aggregate, root=self.root))
        self.lock = self.result.lock
        self.lock.quarantine = dict(previous.quarantine) if previous else {}
        self.site_level: dict[str, Level] = {site.id: site.level for site in inventory.sites}

    # --- set-up ----------------------------------------------------------------------------------

    def _root(self) -> str:
        city = self.inv.city
        self.root_level = Level(city.level) if city is not None else Level.CITY
        roots = sorted(s.id for s in self.inv.sites if s.level is self.root_level)
        if len(roots) != 1:
            raise PlanError(
                "P012",
                f"the plan needs exactly one {self.root_level} site to root it, found {len(roots)}",
                "fix sites.yaml (egov validate shows how)",
                "sites.yaml",
            )
        if self.prev is not None and (self.prev.root != roots[0] or self.prev.aggregate != self.aggregate):
            raise PlanError(
                "P012",
                f"the lock was planned for {text(*self.prev.aggregate)} under "
                f"{self.prev.root!r}; the policy now says {text(*self.aggregate)} under {roots[0]!r}",
                "changing the aggregate or the root renumbers everything: move the old lock "
                "away to plan from scratch",
                "allocations.lock.yaml",
                ("aggregate",),
            )
        return roots[0]

    def _tree(self) -> dict[str, list[str]]:
        by_parent: dict[str, list[str]] = {}
        for site in self.inv.sites:
            if site.parent is not None:
                by_parent.setdefault(site.parent, []).append(site.id)
        tree: dict[str, list[str]] = {}
        stack, seen = [self.root], {self.root}
        while stack:
            current = stack.pop()
            kids = sorted(k for k in by_parent.get(current, ()) if k not in seen)
            tree[current] = kids
            seen.update(kids)
            stack.extend(kids)
        return tree

    # --- the run ---------------------------------------------------------------------------------

    def run(self) -> PlanResult:
        self._lengths()
        self._quarantine_removed()
        self._sites()
        self._loopbacks()
        self._links()
        self._lans()
        self._vpns()
        self._tenants()
        self._cloud_hosts()
        return self.result

    def _lengths(self) -> None:
        parent_length = self.aggregate[1]
        parents = [self.root]
        cloud = 1 if self.policy.ipv6.cloud is not None else 0
        for depth, level in enumerate(self.levels):
            most = max((len(self.children.get(p, ())) for p in parents), default=0)
            needed = most + 1 + (cloud if depth == 0 else 0)  # + the parent's own block (+ the cloud node)
            reserve = self.policy.reserve(level)
            pinned = self.policy.level(level).length
            locked = self.prev.lengths.get(level.value) if self.prev else None
            if pinned is not None:
                length = self._pinned(level, pinned, parent_length, locked)
            elif locked is not None:
                if not parent_length < locked <= LAN_LENGTH - NIBBLE:
                    raise PlanError(
                        "P011",
                        f"the lock holds /{locked} for {level}, which cannot follow /{parent_length}",
                        "restore the lock from version control, or move it away to plan from scratch",
                        "allocations.lock.yaml",
                        ("lengths", level.value),
                    )
                length = locked
            else:
                length = parent_length + width_for(needed, reserve)
                self.result.notes.append(
                    f"{level}: /{length} derived — up to {most} {_PLURAL[level]} under one "
                    f"{level.parent_level}, plus its own block"
                    f"{' and the cloud node' if cloud and depth == 0 else ''}: {needed} of "
                    f"{1 << (length - parent_length)} slots, leaving at least {reserve:.0%} free"
                )
            slots = 1 << (length - parent_length)
            if needed > (1 - reserve) * slots and needed <= slots:
                self.result.warnings.append(
                    (
                        "P010",
                        f"{level}: /{length} leaves less than {reserve:.0%} of "
                        f"slots free ({needed} of {slots} used)",
                        f"a /{parent_length + width_for(needed, reserve)} per {level} would keep the reserve",
                    )
                )
            self.lock.lengths[level.value] = length
            parent_length = length
            parents = [kid for p in parents for kid in self.children.get(p, ())]
        if parent_length + NIBBLE > LAN_LENGTH:
            raise PlanError(
                "P002",
                f"{self.levels[-1] if self.levels else self.root_level} prefixes of "
                f"/{parent_length} leave no room for their own /64s",
                "use a shorter aggregate or pin shorter lengths: a site needs at least a /60",
                path=("addressing", "ipv6"),
            )

    def _pinned(self, level: Level, pinned: int, parent_length: int, locked: int | None) -> int:
        path = ("addressing", "ipv6", "levels", level.value, "length")
        if not is_nibble_aligned(pinned):
            lower, upper = pinned - pinned % NIBBLE, nibble_round_up(pinned)
            raise PlanError(
                "P001",
                f"{level}: /{pinned} is not nibble-aligned",
                f"use /{lower} or /{upper}: "
                "prefixes on 4-bit boundaries read as whole hex digits (RFC 3531, RIPE-690)",
                path=path,
            )
        if pinned <= parent_length:
            raise PlanError(
                "P001",
                f"{level}: /{pinned} is not longer than its parent's /{parent_length}",
                f"use /{parent_length + NIBBLE} or longer",
                path=path,
            )
        if locked is not None and locked != pinned:
            raise PlanError(
                "P001",
                f"{level}: the policy pins /{pinned} but the lock holds /{locked}",
                "changing a level's length renumbers every site of it: keep the locked length, "
                "or move the lock away to plan from scratch",
                path=path,
            )
        return pinned

    # --- quarantine ------------------------------------------------------------------------------

    def _wanted(self) -> dict[str, set[str]]:
        in_tree = set(self.children)
        return {
            "sites": in_tree,  # the root included: its prefix is the aggregate
            "loopbacks": {d.hostname for d in self.inv.devices if d.site in in_tree},
            "links": {link.id for link in self.inv.links if self._link_scope_site(link) is not None},
            "lans": {f"{d.id} {lan}" for d in self.inv.departments if d.site in in_tree for lan in d.lans},
            "vpns": {v.name for v in self.inv.vpn_instances},
            "tenants": self._tenant_ids(),
        }

    def _quarantine_removed(self) -> None:
        self.wanted = self._wanted()
        if self.prev is None:
            return
        previous: dict[str, dict[str, Prefix]] = {
            "sites": self.prev.sites,
            "loopbacks": {k: (v, 128) for k, v in self.prev.loopbacks.items()},
            "links": {k: (v, P2P_RESERVED) for k, v in self.prev.links.items()},
            "lans": self.prev.lans,
            "vpns": self.prev.vpns,
            "tenants": self.prev.tenants,
        }
        for section, entries in previous.items():
            for key, prefix in entries.items():
                if key not in self.wanted[section]:
                    self._to_quarantine(f"{section}/{key}", prefix)

    def _to_quarantine(self, key: str, prefix: Prefix) -> None:
        name, n = key, 1
        while name in self.lock.quarantine and self.lock.quarantine[name] != prefix:
            n += 1
            name = f"{key}#{n}"
        if name not in self.lock.quarantine:
            self.lock.quarantine[name] = prefix
            self.result.quarantined.append(name)

    def _blocks(self, slot_length: int) -> list[Prefix]:
        """Space that slots of ``slot_length`` must avoid: reserved blocks of any size, and quarantined
        prefixes that cover a whole slot. A quarantined prefix deeper than the slot belongs to a child
        that stays (a removed village inside a kept town's slot) and blocks nothing at this level."""
        quarantined = [q for q in self.lock.quarantine.values() if q[1] <= slot_length]
        return [*self.reserved, *quarantined]

    # --- sites and the cloud block -----------------------------------------------------------------

    def _sites(self) -> None:
        self.lock.sites[self.root] = self.aggregate
        stack = [(self.root, 0)]
        while stack:
            site, depth = stack.pop()
            kids = self.children.get(site, [])
            if depth >= len(self.levels):
                continue
            level = self.levels[depth]
            self._allocate_children(site, kids, level, self._blocks(self.lock.lengths[level.value]))
            stack.extend((kid, depth + 1) for kid in kids)

    def _allocate_children(self, parent: str, kids: list[str], level: Level, blocks: list[Prefix]) -> None:
        network, parent_length = self.lock.sites[parent]
        length = self.lock.lengths[level.value]
        block = _Block(network, parent_length, length)
        used = {0} | blocked_slots(network, parent_length, length, blocks)
        previous = self.prev.sites if self.prev else {}
        new = self._keep(block, kids, previous, used, self.lock.sites, "sites")
        overhead = 1 + len(blocked_slots(network, parent_length, length, blocks))  # own block + reserved
        if parent == self.root and self.policy.ipv6.cloud is not None:
            self._cloud(network, parent_length, length, used)
            overhead += 1
        self._fill(
            block,
            new,
            used,
            self.policy.level(level).mode is Mode.SPARSE,
            self.lock.sites,
            lambda: self._out_of_space(parent, level, len(kids), parent_length, length, overhead),
        )

    def _keep(
        self,
        block: _Block,
        keys: Iterable[str],
        previous: dict[str, Prefix],
        used: set[int],
        out: dict[str, Prefix],
        section: str,
    ) -> list[str]:
        """Keep each key's previous slot if it still fits and is free; return the keys that need one.

        A key whose old prefix no longer fits (its parent moved, its slot became reserved) is moved:
        the old prefix goes to the quarantine."""
        new = []
        for key in keys:
            old = previous.get(key)
            slot = None if old is None else slot_of(old[0], block.parent_length, block.length)
            if (
                old is not None
                and old[1] == block.length
                and contains(block.network, block.parent_length, *old)
                and slot not in used
            ):
                out[key] = old
                used.add(slot)  # type: ignore[arg-type]
                self.result.kept += 1
                continue
            if old is not None:
                self.result.moved.append(key)
                self._to_quarantine(f"{section}/{key}", old)
            new.append(key)
        return new

    def _fill(
        self,
        block: _Block,
        keys: list[str],
        used: set[int],
        sparse: bool,
        out: dict[str, Prefix],
        full: Callable[[], PlanError],
    ) -> None:
        """Give each key the next free slot of the block, in sequential or bisection order."""
        slots = self._free_slots(block.length - block.parent_length, used, sparse)
        for key in keys:
            slot = next(slots, None)
            if slot is None:
                raise full()
            out[key] = (slot_prefix(block.network, block.parent_length, block.length, slot), block.length)
            used.add(slot)
            self.result.added += 1

    def _cloud(self, network: int, parent_length: int, length: int, used: set[int]) -> None:
        old = self.prev.cloud if self.prev else None
        if old is not None and old[1] == length and contains(network, parent_length, *old):
            self.lock.cloud = old
            used.add(slot_of(old[0], parent_length, length))
            return
        free = [s for s in range((1 << (length - parent_length)) - 1, 0, -1) if s not in used]
        if not free:
            raise PlanError(
                "P002",
                f"no slot of {text(network, parent_length)} is left for the cloud node",
                "use a larger aggregate or fewer reserved blocks",
            )
        self.lock.cloud = (slot_prefix(network, parent_length, length, free[0]), length)
        used.add(free[0])
        self.result.notes.append(f"cloud node: {text(*self.lock.cloud)} (the highest free slot of the root)")

    @staticmethod
    def _free_slots(width: int, used: set[int], sparse: bool) -> Iterator[int]:
        return (slot for slot in order(width, sparse) if slot not in used)

    def _out_of_space(
        self, parent: str, level: Level, children: int, parent_length: int, length: int, overhead: int
    ) -> PlanError:
        fits = (1 << (length - parent_length)) - overhead
        better = parent_length + width_for(children + overhead, 0)
        return PlanError(
            "P002",
            f"out of space: {parent} needs {children} {level} prefixes but its /{parent_length} holds "
            f"{max(fits, 0)} /{length}s (after its own block"
            f"{', the cloud node' if parent == self.root else ''} and reserved or quarantined space)",
            f"a /{better} per {level} would fit: pin `levels: {{{level.value}: {{length: {better}}}}}` and "
            "plan from scratch, or release quarantined space with `egov plan release`",
            path=("addressing", "ipv6", "levels"),
        )

    # --- own blocks --------------------------------------------------------------------------------

    def _own_part(self, site: str, part: int) -> Prefix:
        network, length = self.lock.sites[site]
        depth = self.levels.index(self.site_level[site]) + 1 if site != self.root else 0
        own_length = self.lock.lengths[self.levels[depth].value] if depth < len(self.levels) else length
        part_length = own_length + NIBBLE
        return network | (part << (IPV6_BITS - part_length)), part_length

    def _parts(self, site: str, part: int) -> tuple[Prefix, ...]:
        """A part of the site's own block, then its overflow parts."""
        return tuple(self._own_part(site, p) for p in (part, *OVERFLOW_PARTS[part]))

    # --- loopbacks, links, LANs ---------------------------------------------------------------------

    def _scopes(self) -> dict[str, str]:
        per_county = self.policy.ipv6.loopbacks.per == "county"
        scope: dict[str, str] = {self.root: self.root}
        stack = [self.root]
        while stack:
            site = stack.pop()
            for kid in self.children.get(site, ()):
                own = per_county and self.site_level.get(kid) is Level.COUNTY
                scope[kid] = kid if own else scope[site]
                stack.append(kid)
        return scope

    def _loopbacks(self) -> None:
        self.scope = self._scopes()
        for scope in sorted(set(self.scope.values())):
            self.lock.loopback_blocks[scope] = (self._own_part(scope, PART_LOOPBACKS)[0], LAN_LENGTH)
        wanted = [(d.hostname, self.scope[d.site]) for d in self.inv.devices if d.site in self.scope]
        self._hosts(
            wanted,
            self.lock.loopbacks,
            lambda scope: (self.lock.loopback_blocks[scope],),
            self.prev.loopbacks if self.prev else {},
            bits=IPV6_BITS,
            first=1,
            section="loopbacks",
        )

    def _link_scope_site(self, link: Link) -> str | None:
        facts = self.inv.link_facts(link)
        if facts is None:
            return None
        site = facts.served.id if facts.served is not None else facts.a.id
        return site if site in self.children else None

    def _links(self) -> None:
        wanted = []
        for link in self.inv.links:
            site = self._link_scope_site(link)
            if site is not None:
                wanted.append((link.id, self.scope[site]))
        self._hosts(
            wanted,
            self.lock.links,
            lambda scope: self._parts(scope, PART_LINKS),
            self.prev.links if self.prev else {},
            bits=P2P_RESERVED,
            first=0,
            section="links",
        )

    def _lans(self) -> None:
        wanted = [
            (f"{d.id} {lan}", d.site) for d in self.inv.departments if d.site in self.scope for lan in d.lans
        ]
        found: dict[str, int] = {}
        previous = {k: v[0] for k, v in self.prev.lans.items()} if self.prev else {}
        self._hosts(
            wanted,
            found,
            lambda site: self._parts(site, PART_LANS),
            previous,
            bits=LAN_LENGTH,
            first=0,
            section="lans",
        )
        self.lock.lans = {key: (network, LAN_LENGTH) for key, network in found.items()}

    def _vpns(self) -> None:
        found: dict[str, int] = {}
        previous = {k: v[0] for k, v in self.prev.vpns.items()} if self.prev else {}
        self._hosts(
            [(vpn.name, self.root) for vpn in self.inv.vpn_instances],
            found,
            lambda root: (self._own_part(root, PART_VPNS),),
            previous,
            bits=VPN_LENGTH,
            first=0,
            section="vpns",
        )
        self.lock.vpns = {key: (network, VPN_LENGTH) for key, network in found.items()}

    def _hosts(
        self,
        wanted: Iterable[tuple[str, str]],
        out: dict[str, int],
        blocks_of: Callable[[str], tuple[Prefix, ...]],
        previous: dict[str, int],
        bits: int,
        first: int,
        section: str = "",
    ) -> None:
        """Give each key a /``bits`` inside its group's blocks: keep old ones, fill the lowest free index.

        A group's blocks are used in order (the first, then its overflow parts); a key whose old value
        lies in none of them (its site moved) gets a new one and the old one is quarantined like any
        removed allocation. A group that needs more than its blocks hold is an error (P002), never an
        allocation spilling into a neighbour's part."""
        by_group: dict[str, list[str]] = {}
        for key, group in wanted:
            by_group.setdefault(group, []).append(key)
        spaces = {group: _Space(blocks_of(group), bits) for group in by_group}
        quarantined = [q for q in self.lock.quarantine.values() if q[1] >= bits]
        used: dict[str, set[int]] = {
            group: {i for q in quarantined if (i := space.index_of(*q)) is not None}
            for group, space in spaces.items()
        }
        new: dict[str, list[str]] = {}
        # First keep what still fits, and quarantine what moved, everywhere; only then hand out space.
        for group in sorted(by_group):
            space = spaces[group]
            for key in sorted(by_group[group]):
                old = previous.get(key)
                index = None if old is None else space.index_of(old, bits)
                if old is not None and index is not None and index not in used[group]:
                    out[key] = old
                    used[group].add(index)
                    self.result.kept += 1
                    continue
                if old is not None:
                    self.result.moved.append(key)
                    self._to_quarantine(f"{section}/{key}", (old, bits))
                    for other, other_space in spaces.items():
                        if (taken := other_space.index_of(old, bits)) is not None:
                            used[other].add(taken)
                new.setdefault(group, []).append(key)
        for group in sorted(new):
            space = spaces[group]
            index = first
            for key in new[group]:
                while index in used[group]:
                    index += 1
                address = space.address(index)
                if address is None:
                    raise self._part_full(section, group, space, len(by_group[group]))
                out[key] = address
                used[group].add(index)
                self.result.added += 1

    @staticmethod
    def _part_full(section: str, group: str, space: _Space, count: int) -> PlanError:
        what = {"links": "point-to-point links", "lans": "LAN segments", "vpns": "VPN instances"}.get(
            section, section
        )
        return PlanError(
            "P002",
            f"out of space: {group} needs {count} {what}; its parts hold {space.capacity} /{space.bits}s",
            "spread them over more sites, or give this level a shorter prefix (`levels: {…: {length: …}}`) "
            "and plan from scratch",
            path=("addressing", "ipv6", "levels"),
        )

    # --- cloud tenants ------------------------------------------------------------------------------

    def _tenant_ids(self) -> set[str]:
        if self.policy.ipv6.cloud is None:
            return set()
        departments = {
            s.department
            for s in self.inv.systems
            if s.classification is Classification.NON_CLASSIFIED and s.migration.target is Target.CLOUD
        }
        return {d for d in departments if d in self.inv.department_by_id} | {SHARED_TENANT}

    def _tenants(self) -> None:
        cloud_policy = self.policy.ipv6.cloud
        if cloud_policy is None or self.lock.cloud is None:
            return
        network, length = self.lock.cloud
        tenant_length = cloud_policy.tenant_length
        path = ("addressing", "ipv6", "cloud", "tenant_length")
        if not is_nibble_aligned(tenant_length) or tenant_length <= length:
            raise PlanError(
                "P001",
                f"cloud: tenant /{tenant_length} must be nibble-aligned and longer than the "
                f"cloud block's /{length}",
                f"use /{max(length + NIBBLE, nibble_round_up(tenant_length))}",
                path=path,
            )
        zones = max(len(cloud_policy.zones), len(cloud_policy.shared))
        if tenant_length + max(1, (zones - 1).bit_length()) > LAN_LENGTH:
            raise PlanError(
                "P002",
                f"cloud: a /{tenant_length} tenant cannot hold {zones} /64 zones",
                "use a shorter tenant_length",
                path=path,
            )
        used = blocked_slots(network, length, tenant_length, self._blocks(tenant_length))
        previous = self.prev.tenants if self.prev else {}
        wanted = sorted(self.wanted["tenants"] - {SHARED_TENANT})
        self.lock.tenants[SHARED_TENANT] = (network, tenant_length)
        used.add(0)
        block = _Block(network, length, tenant_length)
        new = self._keep(block, wanted, previous, used, self.lock.tenants, "tenants")
        full = PlanError(
            "P002",
            f"out of space: the cloud block {text(network, length)} holds no more "
            f"/{tenant_length} tenants ({len(wanted)} needed)",
            f"use a longer tenant_length (e.g. /{tenant_length + NIBBLE})",
            path=path,
        )
        self._fill(block, new, used, cloud_policy.mode is Mode.SPARSE, self.lock.tenants, lambda: full)
        for tenant, (tenant_network, _) in self.lock.tenants.items():
            names = cloud_policy.shared if tenant == SHARED_TENANT else cloud_policy.zones
            old_zones = self.prev.subnets.get(tenant, {}) if self.prev else {}
            self.lock.subnets[tenant] = self._zones(tenant_network, tenant_length, names, old_zones)

    def _cloud_hosts(self) -> None:
        """IPv4 zones per project and a host per system tier (network.addressing.hosts)."""
        if self.policy.ipv6.cloud is None or self.lock.cloud is None:
            return
        try:
            done = plan_hosts(self.inv, self.policy.ipv4.cloud, self.lock, self.prev)
        except HostPlanError as problem:
            raise PlanError("P002", problem.message, problem.hint, path=problem.path) from None
        self.result.kept += done.kept
        self.result.added += done.added
        self.result.moved += list(done.moved)
        self.result.quarantined += list(done.quarantined)

    def _zones(
        self, network: int, length: int, names: tuple[str, ...], old: dict[str, int]
    ) -> dict[str, int]:
        out: dict[str, int] = {}
        used: set[int] = set()
        shift = IPV6_BITS - LAN_LENGTH
        for name in names:
            previous = old.get(name)
            if previous is not None and contains(network, length, previous, LAN_LENGTH):
                out[name] = previous
                used.add((previous - network) >> shift)
        index = 0
        for name in names:
            if name in out:
                continue
            while index in used:
                index += 1
            out[name] = network + (index << shift)
            used.add(index)
        return out
