"""The typed, immutable model of a city's e-gov extranet inventory.

Each entity kind maps to one YAML file under ``inventories/<city>/``. Entities are frozen pydantic
models; each one remembers where it was read (:class:`NodeRef`, file and YAML path), so a finding
about it can name its file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Network
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    IPvAnyAddress,
    IPvAnyNetwork,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from network.inventory.refs import NodeRef


class Level(StrEnum):
    """A level of the extranet (政务外网 省/市/县/镇/村), from the top down."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"

    @property
    def depth(self) -> int:
        """0 for province … 4 for village."""
        return _LEVEL_DEPTH[self]

    @property
    def parent_level(self) -> Level | None:
        """The level a site of this level hangs under (None for province)."""
        return None if self is Level.PROVINCE else _LEVELS[self.depth - 1]


_LEVELS = tuple(Level)
_LEVEL_DEPTH = {level: i for i, level in enumerate(_LEVELS)}


class Tier(StrEnum):
    """The bandwidth tier of a link, named by the level it serves (万兆到省、千兆到县、百兆到镇、按需到村).

    ``local`` is a link inside one site or between peers of one level: it has no tier target.
    """

    PROVINCE = "province"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"
    LOCAL = "local"


class Role(StrEnum):
    """What a device does at its site."""

    CORE = "core"
    AGGREGATION = "aggregation"
    ACCESS = "access"
    FIREWALL = "firewall"


class Classification(StrEnum):
    """Whether a system handles state secrets (涉密). Classified systems never move to the cloud."""

    NON_CLASSIFIED = "non-classified"
    CLASSIFIED = "classified"


class Strategy(StrEnum):
    """The 7R migration strategy of a system."""

    REHOST = "rehost"
    REPLATFORM = "replatform"
    REFACTOR = "refactor"
    REPURCHASE = "repurchase"
    RELOCATE = "relocate"
    RETIRE = "retire"
    RETAIN = "retain"


MOVING_STRATEGIES = frozenset(
    {Strategy.REHOST, Strategy.REPLATFORM, Strategy.REFACTOR, Strategy.REPURCHASE, Strategy.RELOCATE}
)


class Target(StrEnum):
    """Where a system is meant to run when its migration is done."""

    CLOUD = "cloud"
    DEPARTMENT = "department"
    NONE = "none"


class StoreKind(StrEnum):
    """Kinds of data store a system keeps (what the migration must move and prove intact)."""

    POSTGRESQL = "postgresql"
    MYSQL = "mysql"
    ORACLE = "oracle"
    DAMENG = "dameng"
    KINGBASE = "kingbase"
    SQLSERVER = "sqlserver"
    MONGODB = "mongodb"
    REDIS = "redis"
    FILES = "files"


# --- scalar types -----------------------------------------------------------------------------

_BANDWIDTH_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:bit/s|bps|b)?\s*$")
_UNIT = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}


@lru_cache(maxsize=1024)
def _bandwidth_text(text: str) -> int | None:
    match = _BANDWIDTH_RE.match(text)
    return round(float(match.group(1)) * _UNIT[match.group(2).lower()]) if match else None


def parse_bandwidth(value: Any) -> Any:
    """Read a bandwidth as bits per second: ``10G``, ``100M``, ``512k``, ``1.5G`` or an integer (bit/s)."""
    if isinstance(value, bool):
        raise PydanticCustomError("bandwidth", "a bandwidth must be like 10G, 100M or 512k, not a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        bits = _bandwidth_text(value)
        if bits is not None:
            return bits
    raise PydanticCustomError(
        "bandwidth", "{value!r} is not a bandwidth: write e.g. 10G, 1G, 100M, 20M", {"value": value}
    )


def format_bandwidth(bits_per_second: int) -> str:
    """Print a bandwidth the way engineers write it: 10G, 100M, 512k."""
    for unit, factor in (("T", 10**12), ("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if bits_per_second >= factor and bits_per_second % factor == 0:
            return f"{bits_per_second // factor}{unit}"
    if bits_per_second >= 10**6:
        return f"{bits_per_second / 10**6:g}M"
    return f"{bits_per_second}"


Bandwidth = Annotated[
    int,
    BeforeValidator(parse_bandwidth),
    Field(gt=0),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "description": "bits per second"},
                {"type": "string", "pattern": _BANDWIDTH_RE.pattern, "examples": ["10G", "1G", "100M"]},
            ],
            "description": "bandwidth: 10G, 1G, 100M, 20M or an integer in bit/s",
        }
    ),
]
"""A bandwidth in bits per second."""

_CREDENTIAL_RE = re.compile(r"^(env|vault|pulumi|file):[A-Za-z0-9_./#@-]+$")


def check_credential_reference(value: Any) -> Any:
    """Accept only references to a secret (``env:NAME``, ``vault:path#key``…), never the secret."""
    if isinstance(value, str) and _CREDENTIAL_RE.match(value):
        return value
    raise PydanticCustomError(
        "credential_reference",
        "credentials must be a reference such as env:EGOV_SSH_PASSWORD or vault:network/core#password, "
        "never a secret",
    )


CredentialRef = Annotated[
    str,
    BeforeValidator(check_credential_reference),
    WithJsonSchema({"type": "string", "pattern": _CREDENTIAL_RE.pattern, "examples": ["env:EGOV_SSH_CORE"]}),
]


def _address_text(value: Any) -> Any:
    """Addresses are written as text: a bare integer or boolean would silently become 0.0.0.1."""
    if isinstance(value, str) or not isinstance(value, int | bool):
        return value
    raise PydanticCustomError(
        "address_text", "an address or prefix must be written as text like 192.0.2.1 or 2001:db8::/32"
    )


Address = Annotated[IPvAnyAddress, BeforeValidator(_address_text)]
Prefix = Annotated[IPvAnyNetwork, BeforeValidator(_address_text)]
IPv4Prefix = Annotated[IPv4Network, BeforeValidator(_address_text)]
IPv6Prefix = Annotated[IPv6Network, BeforeValidator(_address_text)]

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
"""A stable identifier: lower-case ASCII letters, digits, ``.``, ``_`` and ``-``."""
Hostname = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
AdminCode = Annotated[
    str,
    BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v),
    StringConstraints(pattern=r"^\d{6}$"),
]
"""The 6-digit administrative division code (GB/T 2260), e.g. 441500 for Shanwei."""
MlpsLevel = Annotated[int, Field(ge=1, le=4, description="MLPS 2.0 protection level (等保), 1–4")]


# --- base classes -----------------------------------------------------------------------------


class Node(BaseModel):
    """Any mapping read from an inventory file: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


_NOWHERE = NodeRef("", ())


class Entity(Node):
    """A top-level inventory record; remembers where it was read.

    The origin lives in a slot, not a pydantic field: it is not data (equality, dumps and the JSON
    schema ignore it) and setting it costs nothing per record, which matters at province scale.
    """

    __slots__ = ("_where",)

    @property
    def at(self) -> NodeRef:
        """Where this record was read (file and YAML path)."""
        where: NodeRef = getattr(self, "_where", _NOWHERE)
        return where

    def locate(self, at: NodeRef) -> None:
        """Record where this record was read (the loader calls it once)."""
        object.__setattr__(self, "_where", at)

    @property
    def key(self) -> str:
        """The record's stable identifier within its kind."""
        raise NotImplementedError


# --- city -------------------------------------------------------------------------------------


class Aggregates(Node):
    """The address blocks the city holds; every address in the inventory lies inside them."""

    ipv4: tuple[IPv4Prefix, ...] = ()
    ipv6: tuple[IPv6Prefix, ...] = ()


class CloudNode(Node):
    """The city node of the government cloud (政务云)."""

    name: Name
    site: Id
    mlps_level: MlpsLevel = 3


class SnmpAccess(Node):
    """How monitoring reads the devices over SNMP: v3 USM (authPriv, the default) or v2c.

    Secrets are references (``env:NAME``…) resolved where they are used: when snmp_exporter starts,
    and by the lab twin's agents. ``community`` is for v2c, ``auth``/``priv`` for v3.
    """

    version: Literal["2c", "3"] = "3"
    community: CredentialRef | None = None
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,32}$")] = "egov-monitor"
    security_level: Literal["authPriv", "authNoPriv"] = "authPriv"
    auth_protocol: Literal["SHA", "SHA256"] = "SHA"
    auth: CredentialRef | None = None
    priv_protocol: Literal["AES"] = "AES"
    priv: CredentialRef | None = None

    @model_validator(mode="after")
    def _secrets_for_version(self) -> SnmpAccess:
        if self.version == "2c" and self.community is None:
            raise ValueError("SNMP v2c needs community: a reference such as env:EGOV_SNMP_COMMUNITY")
        if self.version == "3" and self.auth is None:
            raise ValueError("SNMP v3 needs auth: a reference such as env:EGOV_SNMP_AUTH")
        if self.version == "3" and self.security_level == "authPriv" and self.priv is None:
            raise ValueError("SNMP v3 authPriv needs priv: a reference such as env:EGOV_SNMP_PRIV")
        return self


class City(Entity):
    """The owner of the inventory: a city (or, for province-scale inventories, a province)."""

    name: Name
    code: AdminCode
    level: Literal["city", "province"] = "city"
    aggregates: Aggregates
    cloud: CloudNode | None = None
    snmp: SnmpAccess | None = Field(
        default=None, description="SNMP access for monitoring (snmp_exporter); credentials as references"
    )
    tier_targets: dict[Tier, Bandwidth] = Field(
        default_factory=dict,
        description="override the plan's tier targets (province 10G, county 1G, town 100M)",
    )

    @property
    def key(self) -> str:
        return self.code


# --- sites ------------------------------------------------------------------------------------


class Site(Entity):
    """A place on the extranet at one level, hanging under a parent site."""

    id: Id
    name: Name
    level: Level
    parent: Id | None = None
    on_demand: Bandwidth | None = Field(
        default=None, description="villages only: the bandwidth asked for (按需到村)"
    )
    synthetic: bool = Field(default=False, description="true when the name is made up, not the real one")

    @property
    def key(self) -> str:
        return self.id


# --- departments ------------------------------------------------------------------------------


class Access(Node):
    """A department's extranet access: connected, or planned with a date."""

    state: Literal["connected", "planned"]
    date: dt.date | None = Field(default=None, description="when connected, or when planned to be")


class PrivateNetwork(Node):
    """A department's separate non-classified business network (业务专网) to be cut over."""

    id: Id
    name: Name
    prefixes: tuple[Prefix, ...] = Field(min_length=1)
    cutover: dt.date


class Department(Entity):
    """A government body whose office LAN joins the extranet at a site."""

    id: Id
    name: Name
    site: Id
    lans: tuple[Prefix, ...] = ()
    access: Access
    private_networks: tuple[PrivateNetwork, ...] = ()

    @property
    def key(self) -> str:
        return self.id


# --- devices ----------------------------------------------------------------------------------


class Interface(Node):
    """A port of a device; ``speed`` is the port's own capacity."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    description: str = ""
    speed: Bandwidth | None = None


class Device(Entity):
    """A router, switch or firewall of the extranet."""

    hostname: Hostname
    site: Id
    role: Role
    platform: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
    model: str | None = None
    management: Address
    credentials: CredentialRef
    interfaces: tuple[Interface, ...] = ()

    @property
    def key(self) -> str:
        return self.hostname


# --- links ------------------------------------------------------------------------------------


class Endpoint(Node):
    """One end of a link: a device and one of its interfaces."""

    device: Hostname
    interface: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Circuit(Node):
    """The carrier circuit behind a link."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    provider: Name


class Link(Entity):
    """A point-to-point link; its tier follows from the levels of the two sites."""

    id: Id
    a: Endpoint
    b: Endpoint
    capacity: Bandwidth
    circuit: Circuit | None = None

    @property
    def key(self) -> str:
        return self.id


# --- systems ----------------------------------------------------------------------------------


class DataStore(Node):
    """A database or file tree a system keeps."""

    kind: StoreKind
    name: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    size_gb: float = Field(default=0, ge=0)


class Hosting(Node):
    """Where a system runs today."""

    room: Name = Field(description="the machine room, e.g. 市公安局机房")
    site: Id | None = None


class Migration(Node):
    """How and when a system moves (or why it stays)."""

    strategy: Strategy
    target: Target
    wave: int | None = Field(default=None, ge=1)
    deadline: dt.date | None = None
    reason: str | None = Field(default=None, description="why a system is retained or retired")


class System(Entity):
    """A department's business information system (业务信息系统)."""

    id: Id
    name: Name
    department: Id
    classification: Classification
    mlps_level: MlpsLevel
    hosting: Hosting
    data_stores: tuple[DataStore, ...] = ()
    health: HttpUrl | None = Field(default=None, description="health endpoint answered by the running system")
    migration: Migration

    @property
    def key(self) -> str:
        return self.id


# --- services: websites, DNS zones, resolvers, CDN edges ------------------------------------------

DnsName = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v),
    StringConstraints(
        max_length=254,
        pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?\.?$",
    ),
]
"""A fully qualified domain name, lower case (the trailing dot is optional)."""


class Audience(StrEnum):
    """Who a website serves: the public Internet, or the extranet's users."""

    PUBLIC = "public"
    EXTRANET = "extranet"


class DualStack(Node):
    """Mixin: ``ipv4`` and ``ipv6`` fields, each of its own family."""

    @model_validator(mode="after")
    def _family_per_field(self) -> Any:
        for field, version in (("ipv4", 4), ("ipv6", 6)):
            value = getattr(self, field, None)
            if value is not None and value.version != version:
                raise ValueError(f"{field}: {value} is not an IPv{version} address")
        return self

    def addresses(self) -> tuple[Any, ...]:
        """The declared addresses, IPv4 first."""
        return tuple(a for a in (getattr(self, "ipv4", None), getattr(self, "ipv6", None)) if a is not None)


class NameServer(DualStack):
    """An authoritative name server of a zone: its name and an address per family (either may be absent)."""

    name: DnsName
    ipv4: Address | None = None
    ipv6: Address | None = None


class Zone(Entity):
    """A DNS zone the city serves (RFC 1035), its authoritative servers and the parent that delegates it.

    ``primary`` takes dynamic updates (RFC 2136) signed with the TSIG key ``update_key`` references;
    ``parent_servers`` are the parent zone's servers (the province's), asked for the delegation and its glue.
    """

    id: Id
    name: DnsName
    primary: DnsName
    servers: tuple[NameServer, ...] = Field(min_length=1)
    parent_servers: tuple[NameServer, ...] = ()
    contact: DnsName = Field(default="hostmaster", description="SOA RNAME, relative to the zone or absolute")
    ttl: int = Field(default=3600, ge=60, le=86400)
    update_key: CredentialRef | None = Field(
        default=None, description="the TSIG key's secret (base64) as a reference, for dynamic updates"
    )

    @property
    def key(self) -> str:
        return self.id


class Website(Entity, DualStack):
    """A website (门户网站, a department's site, the service hall's) and the system that serves it.

    A site served by a system that runs on the cloud takes its addresses from the lock (the system's
    ``web`` host); any other site declares ``ipv4``/``ipv6`` here (no ``ipv6``: an IPv4-only site).
    """

    id: Id
    name: Name
    host: DnsName
    department: Id
    system: Id | None = None
    audience: Audience = Audience.PUBLIC
    cdn: bool = Field(default=False, description="served through the city's CDN edges")
    ipv4: Address | None = None
    ipv6: Address | None = None

    @property
    def key(self) -> str:
        return self.id


class SiteService(Entity, DualStack):
    """A service node at a site, with an address per family (a resolver, a CDN edge)."""

    id: Id
    site: Id
    ipv4: Address | None = None
    ipv6: Address | None = None

    @property
    def key(self) -> str:
        return self.id


class Resolver(SiteService):
    """A recursive resolver of the extranet (what users' machines ask)."""


class CdnEdge(SiteService):
    """An edge node of the city's content delivery network (a caching proxy in front of the origins)."""


# --- extranet zones, VPN instances and the flow policy ---------------------------------------------


class ZoneKind(StrEnum):
    """The three zones of a national e-gov extranet."""

    PUBLIC = "public"  # 公用网络区: departments and regions interconnect; shared services
    PRIVATE = "private"  # 专用网络区: a VPN instance per department's vertical business network
    INTERNET = "internet"  # 互联网接入区: the extranet's way to the Internet


class Family(StrEnum):
    """An address family of the dual-stack extranet."""

    IPV4 = "ipv4"
    IPV6 = "ipv6"


BOTH_FAMILIES = (Family.IPV4, Family.IPV6)


class Egress(Node):
    """Where the Internet-access zone leaves the extranet: a device and its interface."""

    device: Hostname
    interface: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class NetworkZone(Entity):
    """A zone of the extranet (公用网络区, 专用网络区, 互联网接入区) and its MLPS protection level.

    ``departments``: those whose office LANs are in this zone; ``shared_services``: the public zone's
    shared service prefixes (the cloud node's services), in both families; ``egress``: the
    Internet-access zone's exits. The private zone's members are the VPN instances naming it.
    """

    id: Id
    name: Name
    kind: ZoneKind
    mlps_level: MlpsLevel
    departments: tuple[Id, ...] = ()
    shared_services: tuple[Prefix, ...] = ()
    egress: tuple[Egress, ...] = ()

    @property
    def key(self) -> str:
        return self.id


VpnName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$")]
"""A VPN instance's name as devices take it: 1–31 characters, no spaces (VRP, Comware, IOS VRF)."""

ExtCommunity = Annotated[str, StringConstraints(min_length=3, max_length=32)]
"""A route distinguisher or route target, ``AS:number`` or ``IPv4:number`` (RFC 4364/4360; rule V003)."""


class AccessInterface(Node):
    """A PE's interface toward a business network's router, bound to the VPN instance.

    ``ipv4``: the PE's address on it with its length (the business network's existing link); ``peer``:
    the business network's router, the next hop of the network's IPv4 prefixes. The IPv6 side comes
    from the address plan (the VPN's /56: a /64 per access interface, the PE ::1, the router ::2).
    """

    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    ipv4: Annotated[IPv4Interface, BeforeValidator(_address_text)]
    peer: Annotated[IPv4Address, BeforeValidator(_address_text)]


class ProviderEdge(Node):
    """A PE of a VPN instance: the device and its access interfaces (none: it only carries the routes)."""

    device: Hostname
    interfaces: tuple[AccessInterface, ...] = ()


class VpnInstance(Entity):
    """A department business network (业务专网) on the extranet as a VPN instance (MPLS L3VPN, RFC 4364).

    ``network``: the department's private network it carries; ``zone``: a private zone. Routes of the
    instance are exchanged between its PEs by MP-BGP (VPNv4, VPNv6) with the route targets.
    """

    name: VpnName
    department: Id
    network: Id
    zone: Id
    rd: ExtCommunity
    export_targets: tuple[ExtCommunity, ...] = Field(min_length=1)
    import_targets: tuple[ExtCommunity, ...] = Field(min_length=1)
    families: tuple[Family, ...] = BOTH_FAMILIES
    pes: tuple[ProviderEdge, ...] = Field(min_length=1)

    @property
    def key(self) -> str:
        return self.name


class FlowProtocol(StrEnum):
    """What a flow rule matches."""

    ANY = "any"
    TCP = "tcp"
    UDP = "udp"
    ICMP = "icmp"  # ICMP for IPv4, ICMPv6 for IPv6


FlowEnd = Annotated[str, StringConstraints(pattern=r"^(zone|vpn):[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
"""One end of a flow: ``zone:ID`` (a zone) or ``vpn:NAME`` (a VPN instance)."""


class FlowRule(Entity):
    """One line of the inter-zone flow policy: what ``source`` may (or may not) reach in ``destination``.

    Between different zones and VPN instances everything not permitted is forbidden; within one zone
    or one VPN instance traffic flows. ``families``: written for both unless a family is left out on
    purpose (rule V006 asks for both).
    """

    id: Id
    source: FlowEnd
    destination: FlowEnd
    action: Literal["permit", "deny"] = "permit"
    protocol: FlowProtocol = FlowProtocol.ANY
    ports: tuple[Annotated[int, Field(ge=1, le=65535)], ...] = ()
    families: tuple[Family, ...] = BOTH_FAMILIES
    reason: Name | None = None

    @model_validator(mode="after")
    def _ports_need_a_transport(self) -> FlowRule:
        if self.ports and self.protocol not in (FlowProtocol.TCP, FlowProtocol.UDP):
            raise ValueError("ports need protocol tcp or udp")
        return self

    @property
    def key(self) -> str:
        return self.id


# --- milestones -------------------------------------------------------------------------------


class MetricBinding(Node):
    """The measurable metric a milestone is judged by, and its scope."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    levels: tuple[Level, ...] = ()
    departments: tuple[Id, ...] = ()
    systems: tuple[Id, ...] = ()


class Milestone(Entity):
    """A dated task of the city's plan, bound to a metric."""

    id: Id
    task: int = Field(ge=1, description="the task number in the plan's annex")
    title: Name
    due: dt.date
    metric: MetricBinding
    target: float = Field(default=1.0, gt=0, le=1, description="the metric value that completes it")

    @property
    def key(self) -> str:
        return self.id
