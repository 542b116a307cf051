"""The addressing policy of a city (``inventories/<city>/addressing.yaml``): how the IPv6 plan is cut.

```yaml
addressing:
  ipv6:
    aggregate: "2001:db8::/32"            # the city's block
    reserved: ["2001:db8:ff00::/40"]      # existing blocks the plan must never use
    reserve: 0.25                          # growth reserve per level (share of slots left free)
    levels:
      county: {mode: sparse}               # length derived (nibble-aligned) unless pinned: {length: 36}
      town: {mode: sparse}
      village: {mode: sequential}
    loopbacks: {per: county}               # a /64 of /128 loopbacks per county (or per city)
    cloud: {tenant_length: 48, zones: [web, app, db], shared: [management, dmz, services]}
  ipv4:                                    # the existing IPv4 plan: checked, never re-planned
    blocks:
      - {prefix: "192.0.2.0/25", use: management}
      - {prefix: "198.51.100.0/24", use: lan}
```
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError

from network.inventory.findings import Finding
from network.inventory.model import Level, Node
from network.inventory.refs import NodeRef
from network.inventory.schema_errors import findings_from_validation
from network.inventory.source import read_source

POLICY_FILE = "addressing.yaml"
_Nibble = Annotated[int, Field(ge=4, le=64)]


def _text_only(value: Any) -> Any:
    if isinstance(value, int | bool):
        raise ValueError("write the prefix as text, e.g. 2001:db8::/32")
    return value


IPv6Prefix = Annotated[IPv6Network, BeforeValidator(_text_only)]
IPv4Prefix = Annotated[IPv4Network, BeforeValidator(_text_only)]


class Mode(StrEnum):
    """How children take the slots of their parent."""

    SEQUENTIAL = "sequential"  # 1, 2, 3, … : compact, easy to read
    SPARSE = "sparse"  # RFC 3531 bisection: siblings spread out so each can grow in place


class LevelPolicy(Node):
    """How sites of one level are given prefixes."""

    length: _Nibble | None = Field(default=None, description="pinned prefix length (nibble-aligned)")
    mode: Mode = Mode.SPARSE
    reserve: float | None = Field(default=None, ge=0, lt=1, description="growth reserve for this level")


class LoopbackPolicy(Node):
    """Where /128 loopbacks come from: a /64 per county, or one per city."""

    per: Literal["county", "city"] = "county"


class CloudPolicy(Node):
    """The government cloud node's block: a root slot, a prefix per department tenant, a /64 per zone."""

    tenant_length: _Nibble = 48
    zones: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")], ...] = ("web", "app", "db")
    shared: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")], ...] = (
        "management",
        "dmz",
        "services",
    )
    mode: Mode = Mode.SEQUENTIAL


class IPv6Policy(Node):
    """The IPv6 plan."""

    aggregate: IPv6Prefix
    reserved: tuple[IPv6Prefix, ...] = ()
    reserve: float = Field(default=0.25, ge=0, lt=1)
    levels: dict[Level, LevelPolicy] = Field(default_factory=dict)
    loopbacks: LoopbackPolicy = LoopbackPolicy()
    cloud: CloudPolicy | None = CloudPolicy()


class IPv4Block(Node):
    """A block of the existing IPv4 plan and what it is used for."""

    prefix: IPv4Prefix
    use: Literal["management", "lan", "private", "infrastructure", "cloud"]


class CloudIPv4(Node):
    """IPv4 inside the cloud's projects: one block, cut the same way in every project.

    Department projects' networks are private to their project and leave it through its router, so
    every department project reuses the block: its zones (web, app, db) take its slices in order, of
    the lengths given. The shared project (management, dmz, services) has its own ``shared_block``,
    unique, so that the departments' security rules can name its management network. IPv6, globally
    routed, is unique per project.
    """

    block: IPv4Prefix
    zone_lengths: tuple[Annotated[int, Field(ge=8, le=29)], ...] = (27, 28, 28)
    shared_block: IPv4Prefix | None = Field(
        default=None,
        description="the shared project's own block (management, dmz, services), unique: tenants reach it",
    )
    shared_zone_lengths: tuple[Annotated[int, Field(ge=8, le=29)], ...] = (28, 29, 29)
    first_host: Annotated[int, Field(ge=2, le=16)] = Field(
        default=3, description="the first host number: 1 is the gateway, 2 the network's DHCP port"
    )


class IPv4Policy(Node):
    """The existing IPv4 plan (checked, never re-planned), and the cloud projects' IPv4."""

    blocks: tuple[IPv4Block, ...] = ()
    cloud: CloudIPv4 | None = None


class AddressingPolicy(Node):
    """The whole ``addressing:`` mapping."""

    ipv6: IPv6Policy
    ipv4: IPv4Policy = IPv4Policy()

    def level(self, level: Level) -> LevelPolicy:
        """The policy of one level (defaults when the file says nothing about it)."""
        return self.ipv6.levels.get(level, LevelPolicy())

    def reserve(self, level: Level) -> float:
        """The growth reserve of one level."""
        own = self.level(level).reserve
        return self.ipv6.reserve if own is None else own


@dataclass(frozen=True)
class LoadedPolicy:
    """A policy (None when unusable) and the findings of reading it."""

    policy: AddressingPolicy | None
    findings: tuple[Finding, ...]
    present: bool


def load_policy(root: Path) -> LoadedPolicy:
    """Read ``addressing.yaml``; a missing file is ``present=False``, not an error."""
    if not (root / POLICY_FILE).exists():
        return LoadedPolicy(None, (), False)
    source = read_source(root, POLICY_FILE)
    findings = list(source.findings)
    data = source.data
    at = NodeRef(POLICY_FILE, ())
    if not isinstance(data, dict) or "addressing" not in data:
        if source.readable and data is not None:
            findings.append(
                Finding(
                    "S007",
                    f"{POLICY_FILE} must be a mapping with key 'addressing'",
                    at,
                    hint="start the file with `addressing:`",
                    line=1,
                    column=1,
                )
            )
        return LoadedPolicy(None, tuple(findings), True)
    try:
        policy = AddressingPolicy.model_validate(data["addressing"])
    except ValidationError as error:
        findings.extend(findings_from_validation(error, at.child("addressing"), AddressingPolicy))
        return LoadedPolicy(None, tuple(findings), True)
    for top in data:
        if top != "addressing":
            findings.append(
                Finding(
                    "S012",
                    f"unknown top-level key {top!r} in {POLICY_FILE}",
                    at.child(str(top)),
                    hint="the file holds one key: `addressing`",
                )
            )
    return LoadedPolicy(policy, tuple(findings), True)


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of ``addressing.yaml`` (for editors), generated from the model."""
    body = AddressingPolicy.model_json_schema(mode="validation")
    definitions = body.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "addressing.schema.json",
        "title": "e-gov extranet inventory: addressing.yaml (the IPv6 plan policy)",
        "type": "object",
        "properties": {"addressing": body},
        "required": ["addressing"],
        "additionalProperties": False,
        "$defs": definitions,
    }
