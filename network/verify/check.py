"""The offline isolation check: what the configurations let through against what the zone policy says.

For every ordered pair of ends (a VPN instance, the public zone, the Internet-access zone) and each
family, a few packets stand for the traffic: every protocol and port the policy names between them, and
TCP, UDP and ICMP to a port no rule names. A packet enters where its source end meets the extranet —
each access interface of a VPN instance (the table the configuration binds it to, the interface's
inbound ACL), the public zone's global table, or the Internet egress (its inbound ACL) — and reaches a
destination prefix if that table holds a route covering it and, toward the Internet, the table has a
default route and the egress's outbound ACL lets it out. The policy permits a packet when a ``permit``
flow from the source end (or the private zone holding it) to the destination end covers it, in its
family. A packet the configurations let through that the policy does not permit is a **leak**; one the
policy permits that they block is **blocked**. Each names the device and line responsible: the route
(an import target, a static route, a connected address), the ACL rule that let it through or stopped it,
or the interface that has no filter for that family.

No packet is ever sent: this reads configurations only (intended, from files, or read back from the twin).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from network.inventory import Inventory
from network.inventory.model import Family, FlowProtocol, FlowRule, ZoneKind
from network.render.vpn import VpnIntentBuilder
from network.verify.config import GLOBAL, AclConfig, DeviceConfig, InterfaceConfig, Line, Net
from network.verify.tables import Route, Tables, host_of

OTHER_PORT = 1  # a port no flow rule names: what "anything else" means for TCP and UDP


@dataclass(frozen=True)
class Packet:
    """What stands for a class of traffic: a protocol and, for TCP and UDP, a destination port."""

    protocol: str
    port: int | None = None

    def __str__(self) -> str:
        return self.protocol if self.port is None else f"{self.protocol}/{self.port}"


@dataclass(frozen=True)
class Ingress:
    """Where an end's traffic enters: a device's interface (None: the public zone's global table)."""

    device: str
    interface: str | None
    sources: tuple[Net | None, ...]  # stand-ins of the source addresses (None: outside the city)


@dataclass
class End:
    """A flow end: its prefixes (None: the Internet, anything outside) and where its traffic enters."""

    name: str
    kind: str  # vpn, public, private, internet
    prefixes: dict[int, list[Net] | None]
    ingress: dict[int, list[Ingress]]
    zone: str = ""  # the zone a VPN instance is in
    targets: dict[int, list[Net | None]] = field(default_factory=dict)  # stand-ins of the prefixes

    def __post_init__(self) -> None:
        self.targets = {f: list(_stand_ins(p)) for f, p in self.prefixes.items()}


@dataclass(frozen=True)
class Blame:
    """The device and line responsible, and what the line did."""

    device: str
    line: Line | None
    what: str

    def text(self, sources: dict[str, str]) -> str:
        where = sources.get(self.device, self.device)
        if self.line is None:
            return f"{self.device}: {self.what}"
        return f"{self.device} ({where}:{self.line.number}) `{self.line.text}`: {self.what}"


@dataclass
class Verdict:
    """A leak or a block between two ends in one family: the packets, and why."""

    kind: str  # leak, blocked
    source: str
    destination: str
    family: int
    packets: list[Packet] = field(default_factory=list)
    blame: list[Blame] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, int]:
        return self.kind, self.source, self.destination, self.family


# --- the ends, from the inventory -------------------------------------------------------------------------


def ends_of(inventory: Inventory, vpns: VpnIntentBuilder) -> list[End]:
    """Every VPN instance, every public and Internet-access zone, with prefixes and ingress per family."""
    out: list[End] = []
    for vpn in inventory.vpn_instances:
        prefixes: dict[int, list[Net] | None] = {}
        ingress: dict[int, list[Ingress]] = {}
        for family in (4, 6):
            prefixes[family] = vpns.network_prefixes(vpn, family)
            ingress[family] = [
                Ingress(pe, access.interface, tuple(host_of(p) for p in vpns.behind(vpn, k, family)))
                for pe, k, access in vpns.accesses_of(vpn)
            ]
        out.append(End(f"vpn:{vpn.name}", "vpn", prefixes, ingress, vpn.zone))
    for zone in inventory.network_zones:
        if zone.kind is ZoneKind.PUBLIC:
            prefixes = {f: vpns.public_prefixes(zone, f) for f in (4, 6)}
            ingress = {
                f: [Ingress("", None, tuple(host_of(p) for p in (prefixes[f] or [])[:1]))] for f in (4, 6)
            }
            out.append(End(f"zone:{zone.id}", "public", prefixes, ingress))
        elif zone.kind is ZoneKind.INTERNET:
            gates = [Ingress(e.device, e.interface, (None,)) for e in zone.egress]
            out.append(End(f"zone:{zone.id}", "internet", {4: None, 6: None}, {4: gates, 6: gates}))
    return out


# --- the policy -------------------------------------------------------------------------------------------


@dataclass
class Policy:
    """The permit flows, looked up by (source end, destination end, family)."""

    flows: list[FlowRule]
    private_zone_of: dict[str, str]  # vpn end -> its zone end

    def _matches(self, written: str, end: End) -> bool:
        return written == end.name or (end.kind == "vpn" and written == f"zone:{end.zone}")

    def between(self, source: End, destination: End, family: int) -> list[FlowRule]:
        wanted = Family.IPV4 if family == 4 else Family.IPV6
        return [
            f
            for f in self.flows
            if f.action == "permit"
            and wanted in f.families
            and self._matches(f.source, source)
            and self._matches(f.destination, destination)
        ]

    @staticmethod
    def permits(rules: list[FlowRule], packet: Packet) -> bool:
        for rule in rules:
            protocol_ok = rule.protocol is FlowProtocol.ANY or rule.protocol.value == packet.protocol
            port_ok = not rule.ports or packet.port in rule.ports
            if protocol_ok and port_ok:
                return True
        return False


def probes(rules: list[FlowRule], ports: frozenset[tuple[str, int]] = frozenset()) -> list[Packet]:
    """The packets that stand for the traffic between two ends: what the rules name, every protocol and
    port an ACL of the configurations names (a rule may open one the policy never mentions), the rest."""
    out = {Packet("tcp", OTHER_PORT), Packet("udp", OTHER_PORT), Packet("icmp")}
    out |= {Packet(protocol, port) for protocol, port in ports}
    for rule in rules:
        protocols = ("tcp", "udp") if rule.protocol is FlowProtocol.ANY else (rule.protocol.value,)
        for protocol in protocols:
            if rule.ports and protocol in ("tcp", "udp"):
                out |= {Packet(protocol, port) for port in rule.ports}
            else:
                out.add(Packet(protocol, None if protocol == "icmp" else OTHER_PORT))
    return sorted(out, key=lambda p: (p.protocol, p.port or 0))


# --- ACLs -------------------------------------------------------------------------------------------------


_ANY = (0, -1)  # a rule's prefix that matches every address, "outside the city" included


def _span(prefix: Net | None) -> tuple[int, int]:
    """A rule's prefix as the range of addresses it matches (any: everything)."""
    if prefix is None or prefix.prefixlen == 0:
        return _ANY
    return int(prefix.network_address), int(prefix.broadcast_address)


def _matches(span: tuple[int, int], address: int | None) -> bool:
    if span == _ANY:
        return True
    return address is not None and span[0] <= address <= span[1]


@dataclass(frozen=True)
class _Compiled:
    """A rule as integers, for the many packets the check asks about (the same first-match semantics)."""

    permit: bool
    protocol: str
    source: tuple[int, int]
    destination: tuple[int, int]
    replies_only: bool  # a source port: only answers match it, never a packet that opens a flow
    ports: tuple[int, int] | None  # the destination ports it matches, None: every one
    line: Line


def compile_acl(acl: AclConfig) -> list[_Compiled]:
    """The ACL's rules in order, compiled."""
    return [
        _Compiled(
            rule.action == "permit",
            rule.protocol,
            _span(rule.source),
            _span(rule.destination),
            rule.source_ports is not None,
            rule.destination_ports,
            rule.line,
        )
        for rule in acl.rules
    ]


def _address(stand_in: Net | None) -> int | None:
    return None if stand_in is None else int(stand_in.network_address)


def for_packet(compiled: list[_Compiled], packet: Packet) -> list[_Compiled]:
    """The rules that can match a packet of this protocol and port, in order: the others never do."""
    port = packet.port if packet.port is not None else -1  # no port (ICMP): no port range holds it
    return [
        rule
        for rule in compiled
        if rule.protocol in ("ip", packet.protocol)
        and not rule.replies_only
        and (rule.ports is None or rule.ports[0] <= port <= rule.ports[1])
    ]


def evaluate(
    acl: AclConfig,
    packet: Packet,
    source: Net | None,
    destination: Net | None,
    candidates: list[_Compiled] | None = None,
) -> tuple[bool, Line | None]:
    """First match wins; a packet no rule matches gets the ACL's default. The verdict, and the rule's line.

    A rule matches on protocol (``ip`` matches every one), source and destination prefix, and
    destination port; a rule with a source port matches only replies, so never a packet opening a flow.
    ``candidates``: :func:`for_packet` of the compiled rules, when the caller keeps them."""
    src, dst = _address(source), _address(destination)
    for rule in candidates if candidates is not None else for_packet(compile_acl(acl), packet):
        if _matches(rule.source, src) and _matches(rule.destination, dst):
            return rule.permit, rule.line
    return acl.default == "permit", None


# --- the check --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Path:
    """One way a source end's packets may take to a destination stand-in: where they enter, from which
    address, the route that reaches (None: none does) and the line that put it there (or says none)."""

    gate: Ingress
    config: DeviceConfig | None
    interface: InterfaceConfig | None
    source: Net | None
    target: Net | None
    route: Route | None
    blame: Blame


@dataclass
class Check:
    """The configurations, their tables, the ends and the policy: everything a verdict needs."""

    configs: dict[str, DeviceConfig]
    tables: Tables
    ends: list[End]
    policy: Policy
    ports: frozenset[tuple[str, int]] = frozenset()
    _routes: dict[tuple[tuple[str, str], int, int | None, bool], Route | None] = field(default_factory=dict)
    _acls: dict[tuple[str, int, str, Packet, int | None, int | None], tuple[bool, Line | None]] = field(
        default_factory=dict
    )
    _compiled: dict[tuple[str, int, str, Packet | None], list[_Compiled]] = field(default_factory=dict)
    _reach: dict[tuple[tuple[str, str], int], set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        named: set[tuple[str, int]] = set()
        for config in self.configs.values():
            for acl in config.acls.values():
                for rule in acl.rules:
                    if rule.destination_ports is not None:  # a port in its range, and one past a range
                        low, high = rule.destination_ports
                        protocols = ("tcp", "udp") if rule.protocol == "ip" else (rule.protocol,)
                        ports = {low} | ({high + 1} if low < high < 65535 else set())
                        named |= {(p, port) for p in protocols if p in ("tcp", "udp") for port in ports}
        self.ports = frozenset(named)

    def run(self, sources: list[End] | None = None) -> list[Verdict]:
        """Every leak and every block, in a stable order.

        A pair is judged only where it can matter: the policy names it (something may be blocked), or a
        table of the source holds a route toward the destination (something may leak). Which
        destinations a table reaches is found once per table, from its routes, not once per pair."""
        out: list[Verdict] = []
        for family in (4, 6):
            index = self._stand_in_index(family)
            for source in self.ends if sources is None else sources:
                reached = self._reached(source, family, index)
                for destination in self.ends:
                    if source is destination or (source.kind == destination.kind == "internet"):
                        continue
                    named = destination.name in reached or self.policy.between(source, destination, family)
                    if named:
                        out += self.pair(source, destination, family)
        return out

    def _stand_in_index(self, family: int) -> tuple[list[int], list[str]]:
        """Every end's destination stand-ins in one family, sorted by address, with the end's name."""
        pairs = sorted(
            (int(t.network_address), end.name)
            for end in self.ends
            for t in end.targets.get(family, [])
            if t is not None
        )
        return [a for a, _ in pairs], [n for _, n in pairs]

    def _reached(self, source: End, family: int, index: tuple[list[int], list[str]]) -> set[str]:
        """The ends some table of ``source`` has a route toward (the Internet: a default route)."""
        out: set[str] = set()
        addresses, names = index
        for gate in source.ingress[family]:
            config = self.configs.get(gate.device)
            interface = config.interfaces.get(gate.interface) if config and gate.interface else None
            key = (gate.device, interface.vpn if interface is not None else GLOBAL)
            memo = (key, family)
            found = self._reach.get(memo)
            if found is None:
                table = self.tables.lookup(key, family)
                found = set()
                for route in table.routes:
                    if route.prefix.prefixlen == 0:
                        found.add("")  # the way to the Internet
                        continue
                    if route.discards:
                        continue
                    low = bisect.bisect_left(addresses, int(route.prefix.network_address))
                    high = bisect.bisect_right(addresses, int(route.prefix.broadcast_address))
                    found.update(names[low:high])
                self._reach[memo] = found
            out |= found
        if "" in out:
            out |= {end.name for end in self.ends if end.kind == "internet"}
        return out

    def pair(self, source: End, destination: End, family: int) -> list[Verdict]:
        """The verdicts for one ordered pair in one family (none when the configurations match the policy).

        Routes do not depend on the packet: each way in is resolved once, and only the ways that reach
        the destination are asked about packets (most pairs of VPN instances have no route at all)."""
        rules = self.policy.between(source, destination, family)
        paths = self._paths(source, destination, family)
        if not rules and not any(p.route is not None for p in paths):
            return []
        leak = Verdict("leak", source.name, destination.name, family)
        blocked = Verdict("blocked", source.name, destination.name, family)
        exits = [g for g in destination.ingress[family]] if destination.kind == "internet" else []
        for packet in probes(rules, self.ports):
            wanted = Policy.permits(rules, packet)
            outcomes = [self._through(path, packet, family, exits) for path in paths]
            allowed = [o for o in outcomes if o[0]]
            if allowed and not wanted:
                leak.packets.append(packet)
                _add(leak.blame, allowed[0][1])
            elif wanted and len(allowed) < len(outcomes):
                blocked.packets.append(packet)
                _add(blocked.blame, next(o[1] for o in outcomes if not o[0]))
        return [v for v in (leak, blocked) if v.packets]

    def _paths(self, source: End, destination: End, family: int) -> list[_Path]:
        """Every (way in, source address, destination stand-in), with the route that reaches it if any."""
        out = []
        for gate in source.ingress[family]:
            config = self.configs.get(gate.device)
            interface = config.interfaces.get(gate.interface) if config and gate.interface else None
            if gate.device and (config is None or interface is None):
                what = "no configuration for it" if config is None else f"has no interface {gate.interface}"
                out.append(_Path(gate, None, None, None, None, None, Blame(gate.device, None, what)))
                continue
            table_name = interface.vpn if interface is not None else GLOBAL
            key = (gate.device, table_name)
            where = f"table {table_name or 'global'}" + (f" of {gate.device}" if gate.device else "")
            for target in destination.targets[family]:
                route = self._route(key, family, target, destination.kind == "internet")
                blame = _route_blame(route, where) if route is not None else self._no_route(
                    config, interface, table_name, where, target, destination.kind == "internet")  # fmt: skip
                for address in gate.sources:
                    out.append(_Path(gate, config, interface, address, target, route, blame))
        return out

    def _route(self, key: tuple[str, str], family: int, target: Net | None, internet: bool) -> Route | None:
        memo = (key, family, _address(target), internet)
        if memo not in self._routes:
            table = self.tables.lookup(key, family)
            found = table.default() if internet else (table.covering(target) if target is not None else None)
            self._routes[memo] = found
        return self._routes[memo]

    @staticmethod
    def _no_route(
        config: DeviceConfig | None,
        interface: InterfaceConfig | None,
        table_name: str,
        where: str,
        target: Net | None,
        internet: bool,
    ) -> Blame:
        line = (config.vpns[table_name].line if config and table_name in config.vpns
                else interface.line if interface is not None else None)  # fmt: skip
        what = "the Internet (no default route)" if internet else str(target)
        return Blame(config.hostname if config else "", line, f"{where} has no route to {what}")

    def _through(
        self, path: _Path, packet: Packet, family: int, exits: list[Ingress]
    ) -> tuple[bool, list[Blame]]:
        """Whether one packet gets through one path, and the lines that decide."""
        if path.route is None:
            return False, [path.blame]
        blame = [path.blame]
        if path.interface is not None and path.config is not None:
            ok, rule = self._filter(
                path.config, path.interface, family, "in", packet, (path.source, path.target)
            )
            blame.append(rule)
            if not ok:
                return False, [rule]
        if exits:
            first: Blame | None = None
            for gate in exits:  # one egress letting it out is enough
                ok, verdict = self._exit(gate, family, packet, path.source)
                if ok:
                    blame.append(verdict)
                    return True, blame
                first = first or verdict
            return False, [first or Blame("", None, "no egress")]
        return True, blame

    def _exit(self, gate: Ingress, family: int, packet: Packet, source: Net | None) -> tuple[bool, Blame]:
        config = self.configs.get(gate.device)
        interface = config.interfaces.get(gate.interface or "") if config else None
        if config is None or interface is None:
            return False, Blame(gate.device, None, f"egress {gate.interface} not configured")
        return self._filter(config, interface, family, "out", packet, (source, None))

    def _filter(
        self,
        config: DeviceConfig,
        interface: InterfaceConfig,
        family: int,
        direction: str,
        packet: Packet,
        ends: tuple[Net | None, Net | None],
    ) -> tuple[bool, Blame]:
        """The verdict of the interface's ACL in one direction (no filter: it passes), and its line."""
        source, destination = ends
        name = interface.name
        applied = interface.filters.get((family, direction))
        word = "inbound" if direction == "in" else "outbound"
        if applied is None:
            return True, Blame(config.hostname, interface.line, f"no IPv{family} {word} filter on {name}")
        acl = config.acls.get((family, applied[0]))
        if acl is None:
            return True, Blame(
                config.hostname, applied[1], f"applies IPv{family} ACL {applied[0]}, which is not defined"
            )
        key = (config.hostname, acl.family, acl.key, packet, _address(source), _address(destination))
        found = self._acls.get(key)
        if found is None:
            which = (config.hostname, acl.family, acl.key, packet)
            candidates = self._compiled.get(which)
            if candidates is None:
                compiled = self._compiled.get((config.hostname, acl.family, acl.key, None))
                if compiled is None:
                    compiled = self._compiled[(config.hostname, acl.family, acl.key, None)] = compile_acl(acl)
                candidates = self._compiled[which] = for_packet(compiled, packet)
            found = self._acls[key] = evaluate(acl, packet, source, destination, candidates)
        ok, line = found
        if line is None:
            verdict = "permits" if ok else "denies"
            return ok, Blame(config.hostname, acl.line, f"no rule matches; the default {verdict}")
        return ok, Blame(config.hostname, line, "permits" if ok else "denies")


def _stand_ins(targets: list[Net] | None) -> Iterable[Net | None]:
    if targets is None:
        return (None,)
    return [host_of(p) for p in targets]


def _route_blame(route: Route, where: str) -> Blame:
    if route.origin == "bgp" and route.via is not None:
        return Blame(
            route.device,
            route.line,
            f"imports {route.prefix} into {where} (exported by {route.via[0]} line {route.via[1].number})",
        )
    if route.origin == "assumed":
        return Blame("", None, f"{where} holds {route.prefix} (the existing network)")
    return Blame(route.device, route.line, f"puts {route.prefix} in {where} ({route.origin})")


def _add(blame: list[Blame], more: list[Blame]) -> None:
    for item in more:
        if item not in blame:
            blame.append(item)
