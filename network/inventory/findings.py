"""Findings of validation and the catalogue of rules that produce them.

Every rule has a stable code (never reused), a short name, a default severity and a one-line summary.
``docs/validation.md`` documents each one; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from network.inventory.refs import NodeRef


class Severity(StrEnum):
    """How bad a finding is: errors fail validation, warnings fail it only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """A validation rule: stable code, kebab-case name, default severity and summary."""

    code: str
    name: str
    severity: Severity
    summary: str


_E, _W = Severity.ERROR, Severity.WARNING

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        # files and schema
        Rule("S001", "yaml-syntax", _E, "the file is not valid YAML"),
        Rule("S002", "not-utf8", _E, "the file is not UTF-8 (e.g. saved as GBK)"),
        Rule("S003", "duplicate-key", _E, "a mapping repeats a key (YAML loaders silently keep one)"),
        Rule("S004", "alias-bomb", _E, "anchors and aliases expand beyond the allowed size (billion laughs)"),
        Rule("S005", "empty-file", _W, "the file or its entity list is empty"),
        Rule("S006", "truncated-file", _W, "the file does not end with a newline: it may be cut short"),
        Rule("S007", "wrong-shape", _E, "a mapping or list is expected where something else stands"),
        Rule("S008", "missing-file", _E, "a required inventory file is missing"),
        Rule("S009", "unknown-file", _W, "a YAML file the inventory does not read"),
        Rule("S010", "invalid-value", _E, "a value has the wrong type or is out of range"),
        Rule("S011", "missing-field", _E, "a required field is missing"),
        Rule("S012", "unknown-key", _E, "a key the model does not know (typo?)"),
        # references
        Rule("R001", "unknown-parent", _E, "a site's parent is not a known site"),
        Rule("R002", "unknown-device-site", _E, "a device's site is not a known site"),
        Rule("R003", "unknown-link-device", _E, "a link endpoint names an unknown device"),
        Rule("R004", "unknown-link-interface", _E, "a link endpoint names an interface its device lacks"),
        Rule("R005", "unknown-department-site", _E, "a department's site is not a known site"),
        Rule("R006", "unknown-system-department", _E, "a system's department is not a known department"),
        Rule("R007", "unknown-cloud-site", _E, "the cloud node's or a system's hosting site is not known"),
        # hierarchy
        Rule("H001", "level-order", _E, "a site's parent is not exactly one level up"),
        Rule("H002", "site-cycle", _E, "sites form a cycle through their parents"),
        Rule("H003", "root-site", _E, "a province site has a parent, or another site has none"),
        Rule(
            "H004",
            "link-across-hierarchy",
            _W,
            "a link joins sites that are neither the same, peers nor parent and child",
        ),
        # uniqueness
        Rule("U001", "duplicate-id", _E, "two records of one kind share an id"),
        Rule("U002", "duplicate-hostname", _E, "two devices share a hostname"),
        Rule("U003", "duplicate-management-address", _E, "two devices share a management address"),
        Rule("U004", "duplicate-interface", _E, "a device lists an interface twice"),
        Rule("U005", "endpoint-reused", _E, "an interface is an endpoint of more than one link"),
        Rule("U006", "link-loop", _E, "both ends of a link are the same interface"),
        # tiers
        Rule("T001", "below-tier-target", _E, "a link's planned capacity is below its tier target"),
        Rule("T002", "village-demand-missing", _W, "a village uplink without the village's on-demand figure"),
        Rule("T003", "on-demand-not-village", _E, "an on-demand figure on a site that is not a village"),
        Rule("T004", "capacity-over-port", _E, "a link plans more capacity than an endpoint port's speed"),
        # coverage
        Rule("C001", "no-uplink", _E, "a city, county or town has no uplink toward its parent"),
        Rule("C002", "access-undated", _E, "a department is neither connected nor planned with a date"),
        # classification
        Rule("K001", "classified-to-cloud", _E, "a classified system targets the cloud or a moving strategy"),
        Rule("K002", "cloud-level-exceeded", _E, "a system's MLPS level is above the cloud node's level"),
        Rule("K003", "reason-missing", _W, "a retained or retired system gives no reason"),
        Rule("K004", "migration-undated", _E, "a system moving to the cloud has no wave or deadline"),
        Rule("K005", "no-cloud-node", _E, "systems target the cloud but the city declares no cloud node"),
        # addresses and platforms
        Rule("A001", "outside-aggregates", _E, "an address or prefix lies outside the city's aggregates"),
        Rule("D001", "unknown-platform", _E, "a device platform no driver knows"),
        Rule("D002", "secret-in-inventory", _E, "a secret or non-reference credential in an inventory file"),
        # the IPv6 address plan (network.addressing)
        Rule(
            "P001",
            "misaligned-length",
            _E,
            "a pinned prefix length is not nibble-aligned or not longer than its parent's",
        ),
        Rule("P002", "out-of-space", _E, "a parent prefix cannot hold all its children (or tenants)"),
        Rule("P003", "lock-stale", _E, "the lock file is not what `egov plan` would write"),
        Rule("P004", "allocation-overlap", _E, "two allocations in the lock overlap"),
        Rule("P005", "outside-parent", _E, "an allocation lies outside the prefix it belongs to"),
        Rule("P006", "wrong-length", _E, "an allocation has the wrong prefix length for its level"),
        Rule("P007", "unallocated", _E, "an addressable object has no allocation (or there is no lock)"),
        Rule("P008", "ipv4-overlap", _E, "two IPv4 LAN or private-network prefixes overlap"),
        Rule(
            "P009",
            "ipv4-outside-plan",
            _E,
            "an IPv4 address or prefix lies outside the blocks declared for its use",
        ),
        Rule("P010", "reserve-low", _W, "a level leaves less than its growth reserve free"),
        Rule("P011", "lock-unreadable", _E, "the lock file cannot be read"),
        Rule(
            "P012",
            "plan-root",
            _E,
            "the plan has no single root site, or the lock was made for another aggregate or root",
        ),
        # zones and VPN instances: the public, private and Internet-access zones, the flow policy
        Rule("V001", "unknown-zone-ref", _E, "a zone, VPN instance or PE names something that is not known"),
        Rule("V002", "duplicate-rd", _E, "two VPN instances share a route distinguisher"),
        Rule("V003", "malformed-community", _E, "a route distinguisher or route target is malformed"),
        Rule("V004", "vpn-prefix-public", _E, "a VPN instance's prefix overlaps the public zone's"),
        Rule("V005", "vpn-prefix-overlap", _E, "two prefixes overlap within one VPN instance"),
        Rule(
            "V006", "one-family", _E, "a flow rule, VPN instance or shared service is written for one family"
        ),
        Rule("V007", "not-an-access-interface", _E, "a PE or egress is not a PE, or lacks the interface"),
        Rule("V008", "lan-zone", _E, "a department's office LANs are in no zone, or in more than one"),
        Rule(
            "V009", "network-without-vpn", _W, "a department business network is carried by no VPN instance"
        ),
        Rule("V010", "unknown-flow-end", _E, "a flow rule names a zone or VPN instance that is not known"),
        # services: websites, DNS zones, resolvers, CDN edges
        Rule("N001", "unknown-website-system", _E, "a website names a system that is not known"),
        Rule(
            "N002",
            "unknown-service-ref",
            _E,
            "a website's department, or a resolver's or edge's site, is not known",
        ),
        Rule("N003", "zone-one-family", _E, "a zone has no name server in one of the two address families"),
        Rule(
            "N004",
            "few-ipv6-nameservers",
            _W,
            "a zone has fewer than two name servers with IPv6 (Zonemaster)",
        ),
        Rule("N005", "primary-not-server", _E, "a zone's primary is not one of its name servers"),
        Rule("N006", "glue-missing", _E, "an in-zone name server has no address to give as glue"),
        Rule("N007", "duplicate-host", _E, "two websites share a host name"),
        Rule("N008", "service-ipv4-only", _W, "a resolver or CDN edge has no IPv6 address"),
        Rule("N009", "cdn-without-edges", _E, "a website is served through the CDN but no edge is declared"),
        Rule("N010", "host-outside-zones", _E, "a website's host name lies in no declared zone"),
        Rule(
            "N011",
            "website-addresses",
            _E,
            "a website's addresses are missing, or declared where the lock gives them",
        ),
        Rule(
            "N012",
            "service-aaaa-unplanned",
            _E,
            "a cloud-hosted website's system has no web host (AAAA) in the lock",
        ),
        # milestones
        Rule("M001", "unknown-metric", _E, "a milestone is bound to a metric that does not exist"),
        Rule("M002", "metric-scope", _E, "a milestone's metric scope is invalid for that metric"),
        Rule(
            "M003",
            "unknown-scope-ref",
            _E,
            "a milestone's scope names an unknown level, department or system",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in an inventory, with its place and a hint to fix it.

    ``at`` is where it was found (file and YAML path); ``line`` and ``column`` (1-based) are filled in
    by :func:`network.inventory.locate.resolve_locations` just before findings are reported.
    """

    code: str
    message: str
    at: NodeRef
    hint: str = ""
    severity: Severity | None = None
    line: int | None = None
    column: int | None = None

    def __post_init__(self) -> None:
        if self.code not in RULES:
            raise ValueError(f"unknown rule code {self.code}")  # a bug, not bad input
        if self.severity is None:
            object.__setattr__(self, "severity", RULES[self.code].severity)

    @property
    def rule(self) -> Rule:
        """The catalogue entry of this finding's rule."""
        return RULES[self.code]

    @property
    def level(self) -> Severity:
        """The effective severity."""
        return self.severity or self.rule.severity

    def with_position(self, line: int | None, column: int | None) -> Finding:
        """A copy placed at a line and column."""
        return replace(self, line=line, column=column)

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order: by file, then line, column and code."""
        return (self.at.file, self.line or 0, self.column or 0, self.code)
