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

from collections.abc import Iterable
from dataclasses import dataclass, field

from network.inventory import Inventory
from network.inventory.model import Family, FlowProtocol, FlowRule, ZoneKind
from network.render.vpn import VpnIntentBuilder
from network.verify.config import GLOBAL, AclConfig, AclRuleConfig, DeviceConfig, InterfaceConfig, Line, Net
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


def _in(address: Net | None, prefix: Net | None) -> bool:
    if prefix is None or prefix.prefixlen == 0:
        return True
    if address is None:
        return False  # "outside the city" is in no specific prefix
    return address.version == prefix.version and address.subnet_of(prefix)  # type: ignore[arg-type]


def _rule_matches(rule: AclRuleConfig, packet: Packet, source: Net | None, destination: Net | None) -> bool:
    if rule.protocol not in ("ip", packet.protocol):
        return False
    if not (_in(source, rule.source) and _in(destination, rule.destination)):
        return False
    if rule.source_port is not None:
        return False  # forward packets come from an ephemeral port: only replies match a source port
    return rule.destination_port is None or rule.destination_port == packet.port


def evaluate(
    acl: AclConfig, packet: Packet, source: Net | None, destination: Net | None
) -> tuple[bool, Line | None]:
    """First match wins; a packet no rule matches gets the ACL's default. The verdict, and the rule's line."""
    for rule in acl.rules:
        if _rule_matches(rule, packet, source, destination):
            return rule.action == "permit", rule.line
    return acl.default == "permit", None


# --- the check --------------------------------------------------------------------------------------------


@dataclass
class Check:
    """The configurations, their tables, the ends and the policy: everything a verdict needs."""

    configs: dict[str, DeviceConfig]
    tables: Tables
    ends: list[End]
    policy: Policy
    egress: dict[int, list[Ingress]] = field(default_factory=dict)
    ports: frozenset[tuple[str, int]] = frozenset()

    def __post_init__(self) -> None:
        internet = [e for e in self.ends if e.kind == "internet"]
        self.egress = {f: [g for e in internet for g in e.ingress[f]] for f in (4, 6)}
        named: set[tuple[str, int]] = set()
        for config in self.configs.values():
            for acl in config.acls.values():
                for rule in acl.rules:
                    if rule.destination_port is not None:
                        protocols = ("tcp", "udp") if rule.protocol == "ip" else (rule.protocol,)
                        named |= {(p, rule.destination_port) for p in protocols if p in ("tcp", "udp")}
        self.ports = frozenset(named)

    def run(self) -> list[Verdict]:
        """Every leak and every block, in a stable order."""
        out: list[Verdict] = []
        for family in (4, 6):
            for source in self.ends:
                for destination in self.ends:
                    if source is destination or (source.kind == destination.kind == "internet"):
                        continue
                    out += self.pair(source, destination, family)
        return out

    def pair(self, source: End, destination: End, family: int) -> list[Verdict]:
        """The verdicts for one ordered pair in one family (none when the configurations match the policy)."""
        rules = self.policy.between(source, destination, family)
        leak = Verdict("leak", source.name, destination.name, family)
        blocked = Verdict("blocked", source.name, destination.name, family)
        targets = destination.prefixes[family]
        for packet in probes(rules, self.ports):
            wanted = Policy.permits(rules, packet)
            outcomes = [
                self._through(gate, address, target, family, packet, destination)
                for gate in source.ingress[family]
                for address in gate.sources
                for target in _stand_ins(targets)
            ]
            if not outcomes:
                continue
            allowed = [o for o in outcomes if o[0]]
            if allowed and not wanted:
                leak.packets.append(packet)
                _add(leak.blame, allowed[0][1])
            elif wanted and len(allowed) < len(outcomes):
                blocked.packets.append(packet)
                _add(blocked.blame, next(o[1] for o in outcomes if not o[0]))
        return [v for v in (leak, blocked) if v.packets]

    def _through(
        self,
        gate: Ingress,
        source: Net | None,
        destination: Net | None,
        family: int,
        packet: Packet,
        end: End,
    ) -> tuple[bool, list[Blame]]:
        """Whether one packet gets from an ingress to a destination stand-in, and the lines that decide."""
        config = self.configs.get(gate.device)
        interface = config.interfaces.get(gate.interface) if config and gate.interface else None
        if gate.device and (config is None or interface is None):
            what = "no configuration for it" if config is None else f"has no interface {gate.interface}"
            return False, [Blame(gate.device, None, what)]
        table_name = interface.vpn if interface is not None else GLOBAL
        table = self.tables.lookup((gate.device, table_name), family)
        blame: list[Blame] = []
        route: Route | None = table.default() if end.kind == "internet" else (
            table.covering(destination) if destination is not None else None)  # fmt: skip
        where = f"table {table_name or 'global'}" + (f" of {gate.device}" if gate.device else "")
        if route is None:
            line = (config.vpns[table_name].line if config and table_name in config.vpns
                    else interface.line if interface is not None else None)  # fmt: skip
            target = "the Internet (no default route)" if end.kind == "internet" else str(destination)
            return False, [Blame(gate.device, line, f"{where} has no route to {target}")]
        blame.append(_route_blame(route, where))
        if interface is not None and config is not None:
            ok, rule = self._filter(config, interface, family, "in", packet, (source, destination))
            blame.append(rule)
            if not ok:
                return False, [rule]
        if end.kind == "internet":
            exits = self.egress[family]
            verdicts = [self._exit(g, family, packet, source) for g in exits]
            passing = [b for ok, b in verdicts if ok]
            if not passing:
                return False, [b for _, b in verdicts][:1] or [Blame("", None, "no egress")]
            blame.append(passing[0])
        return True, blame

    def _exit(self, gate: Ingress, family: int, packet: Packet, source: Net | None) -> tuple[bool, Blame]:
        config = self.configs.get(gate.device)
        interface = config.interfaces.get(gate.interface or "") if config else None
        if config is None or interface is None:
            return False, Blame(gate.device, None, f"egress {gate.interface} not configured")
        return self._filter(config, interface, family, "out", packet, (source, None))

    @staticmethod
    def _filter(
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
        ok, line = evaluate(acl, packet, source, destination)
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
