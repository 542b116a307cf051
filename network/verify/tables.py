"""The routing tables the configurations give, per device, table (global or VPN instance) and family.

- **connected**: the networks of the interfaces bound to the table (up ones);
- **static**: the table's static routes;
- **BGP VPN routes** (RFC 4364, 6VPE RFC 4659): an instance's connected and static routes, where its
  ``import-route direct``/``static`` (IOS ``redistribute connected``/``static``) says so, are exported
  with the instance's export targets; every instance whose import targets meet them takes them — on
  the same PE, and on every PE with which the exporting PE has a VPNv4/VPNv6 session configured at
  both ends (``peer X enable`` / ``neighbor X activate`` toward an address of the other);
- **the global table** is one routing domain (OSPF/OSPFv3 carries connected and redistributed static
  routes across the city): the union of every device's global connected and static routes, and,
  because the existing IPv4 network is not modelled, the public zone's own prefixes and an IPv4
  default route, which it has today.

Each route keeps the line that put it there, so a leak can be blamed on it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network

from network.verify.config import GLOBAL, DeviceConfig, Line, Net, interface_networks

Table = tuple[str, str]  # (device, VPN instance); the global domain is ("", GLOBAL)
GLOBAL_DOMAIN: Table = ("", GLOBAL)


@dataclass(frozen=True)
class Route:
    """A route in a table and why it is there: ``origin`` connected, static, bgp or assumed (the
    unmodelled existing network); ``device``/``line``: the line that put it there (for BGP, the import
    target's line at the importing PE; ``via`` the export's device and line)."""

    prefix: Net
    origin: str
    device: str
    line: Line | None
    via: tuple[str, Line] | None = None
    discards: bool = False  # a static route to a null interface (a blackhole)


@dataclass
class RouteTable:
    """The routes of one table in one family, indexed for longest-prefix lookups."""

    routes: list[Route] = field(default_factory=list)
    _by_length: dict[int, dict[int, Route]] = field(default_factory=dict)

    def add(self, route: Route) -> None:
        self.routes.append(route)
        key = int(route.prefix.network_address)
        self._by_length.setdefault(route.prefix.prefixlen, {}).setdefault(key, route)

    def covering(self, prefix: Net) -> Route | None:
        """The most specific route that takes traffic for ``prefix`` toward it (None: the table cannot
        reach it). A default route leads away, to the uplink or the Internet, not to a destination of
        the city, and a route to a null interface discards; neither reaches."""
        start = int(prefix.network_address)
        bits = prefix.max_prefixlen
        for length in sorted(self._by_length, reverse=True):
            if length > prefix.prefixlen or length == 0:
                continue
            key = start >> (bits - length) << (bits - length) if length else 0
            found = self._by_length[length].get(key)
            if found is not None:
                return None if found.discards else found
        return None

    def default(self) -> Route | None:
        """A default route (the way to the Internet)."""
        return self._by_length.get(0, {}).get(0)


@dataclass
class Tables:
    """Every table of every device, in both families."""

    tables: dict[tuple[Table, int], RouteTable] = field(default_factory=dict)

    def table(self, key: Table, family: int) -> RouteTable:
        return self.tables.setdefault((key, family), RouteTable())

    def lookup(self, key: Table, family: int) -> RouteTable:
        """A device's table (the global domain for a device's global table)."""
        if key[1] == GLOBAL:
            key = GLOBAL_DOMAIN
        return self.tables.get((key, family)) or RouteTable()


def _local(config: DeviceConfig, family: int) -> dict[str, list[Route]]:
    out: dict[str, list[Route]] = {}
    for table, network, _, line in interface_networks(config, family):
        out.setdefault(table, []).append(Route(network, "connected", config.hostname, line))
    for static in config.statics:
        if static.prefix.version == family:
            out.setdefault(static.table, []).append(
                Route(static.prefix, "static", config.hostname, static.line, discards=static.discards)
            )
    return out


def build_tables(
    configs: dict[str, DeviceConfig],
    addresses: dict[str, set[str]],
    assumed_global: dict[int, list[Net]],
) -> Tables:
    """The tables of all ``configs``; ``addresses``: each device's addresses (management and interfaces),
    to match BGP peers to devices; ``assumed_global``: per family, what the global table holds beyond
    the configurations (the existing network)."""
    tables = Tables()
    owner = {address: device for device, known in addresses.items() for address in known}
    for family in (4, 6):
        global_table = tables.table(GLOBAL_DOMAIN, family)
        for prefix in assumed_global.get(family, []):
            global_table.add(Route(prefix, "assumed", "", None))
        local = {hostname: _local(config, family) for hostname, config in configs.items()}
        for hostname in configs:
            for table, routes in local[hostname].items():
                target = GLOBAL_DOMAIN if table == GLOBAL else (hostname, table)
                for route in routes:
                    tables.table(target, family).add(route)
        exports = _exports(configs, local, family)
        for hostname, config in configs.items():
            for vpn in config.vpns.values():
                _import(
                    tables, configs=configs, owner=owner, hostname=hostname, name=vpn.name,
                    imports=vpn.imports[family], exports=exports, family=family,
                )  # fmt: skip
    return tables


def _import(  # noqa: PLR0913 - one instance's import, from everything exported
    tables: Tables,
    *,
    configs: dict[str, DeviceConfig],
    owner: dict[str, str],
    hostname: str,
    name: str,
    imports: list[tuple[str, Line]],
    exports: list[tuple[str, str, list[tuple[str, Line]], list[Route]]],
    family: int,
) -> None:
    """Into one instance of one PE: every exported route whose targets meet its import targets, from
    itself (other instances) or a PE it has a VPN session with."""
    wanted = dict(imports)
    if not wanted:
        return
    into = tables.table((hostname, name), family)
    for source, exporter, targets, routes in exports:
        if source == hostname and exporter == name:
            continue  # its own routes are already there
        if source != hostname and not _session(configs, owner, hostname, source, family):
            continue
        matched = next((rt for rt, _ in targets if rt in wanted), None)
        if matched is None:
            continue
        export_line = next(line for rt, line in targets if rt == matched)
        for route in routes:
            into.add(Route(route.prefix, "bgp", hostname, wanted[matched], (source, export_line)))


def _exports(
    configs: dict[str, DeviceConfig], local: dict[str, dict[str, list[Route]]], family: int
) -> list[tuple[str, str, list[tuple[str, Line]], list[Route]]]:
    """(device, instance, export targets, routes it advertises) of every instance that exports."""
    out = []
    for hostname, config in configs.items():
        for vpn in config.vpns.values():
            targets = vpn.exports[family]
            if not targets or config.bgp is None:
                continue
            kinds = config.bgp.redistributes.get((vpn.name, family), set())
            routes = [r for r in local[hostname].get(vpn.name, []) if _advertised(r, kinds)]
            out.append((hostname, vpn.name, targets, routes))
    return out


def _advertised(route: Route, kinds: set[str]) -> bool:
    return (route.origin == "connected" and "direct" in kinds) or (
        route.origin == "static" and "static" in kinds
    )


def _session(configs: dict[str, DeviceConfig], owner: dict[str, str], a: str, b: str, family: int) -> bool:
    """A VPNv4/VPNv6 session between two PEs, configured at both ends."""
    one, other = configs[a].bgp, configs[b].bgp
    if one is None or other is None:
        return False
    return any(owner.get(p) == b for p in one.vpn_peers[family]) and any(
        owner.get(p) == a for p in other.vpn_peers[family]
    )


def default_route(family: int) -> Net:
    """0.0.0.0/0 or ::/0."""
    return IPv4Network("0.0.0.0/0") if family == 4 else IPv6Network("::/0")


def host_of(prefix: Net) -> Net:
    """A host of ``prefix`` as a /32 or /128 (the first usable one), to stand for the prefix's addresses."""
    first = prefix.network_address + (1 if prefix.num_addresses > 2 else 0)
    return ipaddress.ip_network(f"{first}/{prefix.max_prefixlen}")
