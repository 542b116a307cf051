"""MLPS-derived policies (GB/T 22239-2019 level 3 clauses; level 2 has them under 7.1) as pure functions.

They read a neutral view of the stack — :class:`Resource` (type token, name, properties in the
provider's camelCase, the resources each property refers to) — built either from a
pulumi-policy ``StackValidationArgs`` (``pulumi preview --policy-pack infra/policy``) or from the mock
engine's registrations (``egov cloud plan``, the tests). Each policy names the clause it stands for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Any

RULE = "openstack:networking/secGroupRule:SecGroupRule"
GROUP = "openstack:networking/secGroup:SecGroup"
SUBNET = "openstack:networking/subnet:Subnet"
MANAGEMENT_PORTS = (22, 23, 3389)  # ssh, telnet, rdp
WEB_PORTS = (80, 443)
OPEN = {"0.0.0.0/0", "::/0"}
TAGGED = {
    "openstack:identity/project:Project": "tags",
    "openstack:networking/network:Network": "tags",
    "openstack:networking/subnet:Subnet": "tags",
    "openstack:networking/router:Router": "tags",
    "openstack:networking/secGroup:SecGroup": "tags",
    "openstack:networking/port:Port": "tags",
    "openstack:networking/floatingIp:FloatingIp": "tags",
    "openstack:compute/instance:Instance": "tags",
    "openstack:blockstorage/volume:Volume": "metadata",
}
REQUIRED_TAGS = ("department", "mlps_level", "system")


@dataclass(frozen=True)
class Resource:
    """A resource as the policies see it. ``refs``: property name -> the resources its value comes from."""

    type: str
    name: str
    props: dict[str, Any]
    refs: dict[str, tuple[Resource, ...]] = field(default_factory=dict, compare=False, hash=False)

    def ref(self, prop: str) -> Resource | None:
        """The (first) resource a property refers to."""
        found = self.refs.get(prop, ())
        return found[0] if found else None


@dataclass(frozen=True)
class Violation:
    """A policy a resource breaks: the policy, the MLPS clause, the resource, what is wrong."""

    policy: str
    clause: str
    resource: str
    message: str


@dataclass(frozen=True)
class Context:
    """What the policies need to know of the city: its management networks (IPv4 and IPv6)."""

    management: tuple[IPv4Network | IPv6Network, ...] = ()
    dual_stack: bool = True  # the stack has subnets of both families (an IPv6-only cloud has no twins)


@dataclass(frozen=True)
class Policy:
    """A named policy, the MLPS clause it stands for, and its check over the whole stack."""

    name: str
    clause: str
    description: str
    check: Callable[[list[Resource], Context], Iterable[tuple[Resource, str]]]

    def run(self, resources: list[Resource], context: Context) -> list[Violation]:
        """The violations of this policy."""
        return [Violation(self.name, self.clause, r.name, m) for r, m in self.check(resources, context)]


def _rules(resources: list[Resource]) -> list[Resource]:
    return [r for r in resources if r.type == RULE]


def _ports(rule: Resource) -> tuple[int, int]:
    low = rule.props.get("portRangeMin")
    high = rule.props.get("portRangeMax")
    return int(low if low is not None else 1), int(high if high is not None else 65535)


def _covers(rule: Resource, ports: Iterable[int]) -> list[int]:
    low, high = _ports(rule)
    protocol = rule.props.get("protocol")
    if protocol not in (None, "", "any", "tcp", "udp"):
        return []
    return [p for p in ports if low <= p <= high]


def _zone(group: Resource | None) -> str:
    if group is None:
        return ""
    name = str(group.props.get("name", group.name))
    return name.rsplit("-", 1)[-1]


def _level(group: Resource | None) -> str:
    if group is None:
        return ""
    name = str(group.props.get("name", group.name))
    parts = name.rsplit("-", 2)
    return parts[-2] if len(parts) >= 2 else ""


def open_ingress(resources: list[Resource], _: Context) -> Iterable[tuple[Resource, str]]:
    """No ingress from anywhere (0.0.0.0/0, ::/0) except HTTP(S) into a web zone."""
    for rule in _rules(resources):
        if rule.props.get("direction") != "ingress" or rule.props.get("remoteIpPrefix") not in OPEN:
            continue
        group = rule.ref("securityGroupId")
        web = _zone(group) == "web"
        low, high = _ports(rule)
        if not (web and low == high and low in WEB_PORTS):
            where = f"zone {_zone(group) or '?'}"
            yield rule, f"ingress from {rule.props['remoteIpPrefix']} on ports {low}-{high} ({where})"


def management_ports(resources: list[Resource], context: Context) -> Iterable[tuple[Resource, str]]:
    """SSH, telnet and RDP only from the management network."""
    for rule in _rules(resources):
        if rule.props.get("direction") != "ingress":
            continue
        ports = _covers(rule, MANAGEMENT_PORTS)
        if not ports:
            continue
        prefix = rule.props.get("remoteIpPrefix")
        if prefix is None:
            yield rule, f"port {ports[0]} is open to a security group, not to the management network"
            continue
        try:
            network = ip_network(str(prefix), strict=False)
        except ValueError:
            yield rule, f"port {ports[0]} from {prefix!r}, not an address range"
            continue
        if not any(network.version == m.version and network.subnet_of(m) for m in context.management):  # type: ignore[arg-type]
            yield rule, f"port {ports[0]} from {prefix}, outside the management network"


def db_not_from_web(resources: list[Resource], _: Context) -> Iterable[tuple[Resource, str]]:
    """At MLPS level 3 the db zone admits nothing from the web zone (the app zone sits between)."""
    for rule in _rules(resources):
        group = rule.ref("securityGroupId")
        if rule.props.get("direction") != "ingress" or _zone(group) != "db" or _level(group) != "l3":
            continue
        remote = rule.ref("remoteGroupId")
        if remote is not None and _zone(remote) == "web":
            yield rule, f"the level-3 db zone admits the web zone ({remote.props.get('name', remote.name)})"
        prefix = rule.props.get("remoteIpPrefix")
        if prefix:
            for subnet in _web_subnets(resources, group):
                if _overlaps(str(prefix), subnet):
                    yield rule, f"the level-3 db zone admits {prefix}, which holds the web zone {subnet}"


def _web_subnets(resources: list[Resource], group: Resource | None) -> list[str]:
    tenant = group.props.get("tenantId") if group else None
    return [
        str(r.props.get("cidr"))
        for r in resources
        if r.type == SUBNET and r.props.get("tenantId") == tenant and "-web-" in str(r.props.get("name", ""))
    ]


def _overlaps(a: str, b: str) -> bool:
    try:
        x, y = ip_network(a, strict=False), ip_network(b, strict=False)
    except ValueError:
        return False
    return x.version == y.version and x.overlaps(y)


def tagged(resources: list[Resource], _: Context) -> Iterable[tuple[Resource, str]]:
    """Every taggable resource names its department, MLPS level and system."""
    for resource in resources:
        where = TAGGED.get(resource.type)
        if where is None:
            continue
        value = resource.props.get(where) or ([] if where == "tags" else {})
        keys = {str(t).split("=", 1)[0] for t in value} if where == "tags" else set(value)
        missing = [k for k in REQUIRED_TAGS if k not in keys]
        if missing:
            yield resource, f"no {', '.join(missing)} tag"


def _signature(rule: Resource) -> tuple[Any, ...]:
    remote = rule.ref("remoteGroupId")
    prefix = rule.props.get("remoteIpPrefix")
    kind = ("group", remote.name) if remote is not None else ("open" if prefix in OPEN else "prefix", None)
    group = rule.ref("securityGroupId")
    return (
        group.name if group else None,
        rule.props.get("direction"),
        rule.props.get("protocol"),
        _ports(rule),
        kind,
    )


def dual_stack_parity(resources: list[Resource], context: Context) -> Iterable[tuple[Resource, str]]:
    """Every rule of one family has its twin in the other (same group, direction, protocol, ports, kind)."""
    if not context.dual_stack:
        return
    families: dict[tuple[Any, ...], set[str]] = {}
    first: dict[tuple[Any, ...], Resource] = {}
    for rule in _rules(resources):
        key = _signature(rule)
        families.setdefault(key, set()).add(str(rule.props.get("ethertype", "IPv4")))
        first.setdefault(key, rule)
    for key, found in families.items():
        if found != {"IPv4", "IPv6"}:
            (have,) = found
            other = "IPv6" if have == "IPv4" else "IPv4"
            yield first[key], f"an {have} rule without its {other} twin"


def ethertype_matches(resources: list[Resource], _: Context) -> Iterable[tuple[Resource, str]]:
    """A rule's ethertype is its remote prefix's family (the provider defaults to IPv4)."""
    for rule in _rules(resources):
        prefix = rule.props.get("remoteIpPrefix")
        if not prefix:
            continue
        try:
            version = ip_network(str(prefix), strict=False).version
        except ValueError:
            continue
        wanted = "IPv4" if version == 4 else "IPv6"
        if rule.props.get("ethertype", "IPv4") != wanted:
            yield (
                rule,
                f"{prefix} needs ethertype {wanted}, not {rule.props.get('ethertype', 'IPv4 (default)')}",
            )


POLICIES: tuple[Policy, ...] = (
    Policy(
        "egov-no-open-ingress",
        "GB/T 22239-2019 8.1.3.1 边界防护",
        "No ingress from 0.0.0.0/0 or ::/0 except HTTP(S) to a web zone.",
        open_ingress,
    ),
    Policy(
        "egov-management-from-management-network",
        "GB/T 22239-2019 8.1.4.4 c) 入侵防范",
        "SSH, telnet and RDP are reachable only from the management network.",
        management_ports,
    ),
    Policy(
        "egov-level3-db-isolated-from-web",
        "GB/T 22239-2019 8.1.2.1 网络架构",
        "At level 3 the db zone is not reachable from the web zone.",
        db_not_from_web,
    ),
    Policy(
        "egov-tagged",
        "GB/T 22239-2019 8.1.10.2 资产管理",
        "Every taggable resource carries its department, MLPS level and system.",
        tagged,
    ),
    Policy(
        "egov-dual-stack-parity",
        "GB/T 22239-2019 8.1.3.2 访问控制",
        "Every IPv4 rule has its IPv6 twin and every IPv6 rule its IPv4 twin.",
        dual_stack_parity,
    ),
    Policy(
        "egov-ethertype-matches-prefix",
        "GB/T 22239-2019 8.1.3.2 访问控制",
        "A rule's ethertype is the family of its remote prefix.",
        ethertype_matches,
    ),
)


def run_policies(resources: list[Resource], context: Context) -> list[Violation]:
    """Every violation of every policy."""
    return [v for policy in POLICIES for v in policy.run(resources, context)]
