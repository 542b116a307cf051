"""The MLPS security groups of a department's tenant and their rules, as data (no Pulumi here).

A ``base`` group on every port of the tenant, then one group per MLPS level and zone the
department's systems use (``l2-web``, ``l3-app``, ``l3-db``…). Default rules are deleted; every rule
is explicit, least privilege, and written for both families (each IPv4 rule has its IPv6 twin):

- **base** (every host): SSH (22) in only from the cloud node's management network (8.1.4.4 c,
  管理终端的网络地址范围); DNS (53) and NTP (123) out to its services network — written once per
  tenant rather than in each zone's group;
- **web**: HTTPS (443) in from the city's extranet aggregates; at level 3 out to its app zone (8443),
  at level 2 out to its db zone on the database ports;
- **app** (level 3): 8443 in from the web zone; out to the db zone on the database ports;
- **db**: the database ports in from the app zone (level 3) or the web zone (level 2) — at level 3 the
  web zone never reaches the database (GB/T 22239-2019 8.1.2.1, 网络区域之间的技术隔离);

Remote groups are referred to by key; IPv6 prefixes always carry ``ethertype IPv6`` (the OpenStack
provider's default ethertype is IPv4, and an IPv6 CIDR under it fails).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

from network.inventory.model import StoreKind

APP_PORT = 8443
HTTPS = 443
SSH = 22
DB_PORTS = {
    StoreKind.POSTGRESQL: 5432,
    StoreKind.MYSQL: 3306,
    StoreKind.ORACLE: 1521,
    StoreKind.DAMENG: 5236,
    StoreKind.KINGBASE: 54321,
    StoreKind.SQLSERVER: 1433,
    StoreKind.MONGODB: 27017,
    StoreKind.REDIS: 6379,
}
FAMILIES = ("IPv4", "IPv6")
BASE = "base"


@dataclass(frozen=True)
class Rule:
    """One rule: direction, protocol, ports, family, and its remote (a prefix, or a group's key)."""

    direction: str
    protocol: str
    port_min: int
    port_max: int
    ethertype: str
    remote_prefix: str | None = None
    remote_group: str | None = None
    why: str = ""


@dataclass(frozen=True)
class GroupSpec:
    """A security group: its key (``l3-db``, ``base``), MLPS level, zone (``all`` for base) and rules."""

    key: str
    level: int
    zone: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Boundaries:
    """The networks the rules name: the extranet's aggregates, the cloud node's management and services."""

    extranet: tuple[IPv4Network | IPv6Network, ...]
    management: tuple[IPv4Network | IPv6Network, ...]
    services: tuple[IPv4Network | IPv6Network, ...]


def _family(prefix: IPv4Network | IPv6Network) -> str:
    return "IPv4" if prefix.version == 4 else "IPv6"


def _from_prefixes(
    direction: str,
    protocol: str,
    ports: tuple[int, int],
    prefixes: Iterable[IPv4Network | IPv6Network],
    why: str,
) -> Iterator[Rule]:
    for prefix in prefixes:
        yield Rule(direction, protocol, ports[0], ports[1], _family(prefix), str(prefix), None, why)


def _with_group(
    direction: str, protocol: str, ports: tuple[int, int], group: str, why: str
) -> Iterator[Rule]:
    for family in FAMILIES:  # a group reference is written once per family: the twin rule
        yield Rule(direction, protocol, ports[0], ports[1], family, None, group, why)


def _services(boundaries: Boundaries) -> Iterator[Rule]:
    for protocol, port in (("udp", 53), ("tcp", 53), ("udp", 123)):
        yield from _from_prefixes("egress", protocol, (port, port), boundaries.services, "DNS and NTP")


def tenant_groups(
    zones: dict[int, set[str]], db_ports: dict[int, set[int]], boundaries: Boundaries
) -> list[GroupSpec]:
    """The groups of one tenant: ``zones`` by MLPS level (web, app, db), ``db_ports`` by level.

    The first is the tenant's ``base`` group (management in, services out), which every port carries.
    """
    base = [
        *_from_prefixes("ingress", "tcp", (SSH, SSH), boundaries.management, "management from its network"),
        *_services(boundaries),
    ]
    out = [GroupSpec(BASE, max(zones, default=2), "all", tuple(base))]
    for level in sorted(zones):
        present = zones[level]
        ports = sorted(db_ports.get(level, set()))
        for zone in ("web", "app", "db"):
            if zone not in present:
                continue
            rules: list[Rule] = []
            if zone == "web":
                rules += _from_prefixes(
                    "ingress", "tcp", (HTTPS, HTTPS), boundaries.extranet, "HTTPS from the extranet"
                )
                if "app" in present:
                    rules += _with_group(
                        "egress", "tcp", (APP_PORT, APP_PORT), f"l{level}-app", "to its app zone"
                    )
                elif "db" in present:
                    for port in ports:
                        rules += _with_group("egress", "tcp", (port, port), f"l{level}-db", "to its database")
            elif zone == "app":
                rules += _with_group(
                    "ingress", "tcp", (APP_PORT, APP_PORT), f"l{level}-web", "from its web zone"
                )
                if "db" in present:
                    for port in ports:
                        rules += _with_group("egress", "tcp", (port, port), f"l{level}-db", "to its database")
            else:
                caller = "app" if "app" in present else "web"
                for port in ports:
                    rules += _with_group(
                        "ingress", "tcp", (port, port), f"l{level}-{caller}", f"from its {caller} zone"
                    )
            out.append(GroupSpec(f"l{level}-{zone}", level, zone, tuple(rules)))
    return out
