"""The lock file (``allocations.lock.yaml``): every allocation of the plan, keyed by stable ids.

Deterministic (sorted keys, no timestamps) so that planning twice gives the same bytes, and
reviewed like any lock file: a diff shows exactly which prefixes appear, move or are quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address
from pathlib import Path
from typing import Any

import yaml_rs

from network.addressing.prefixes import address_text, parse, text
from network.emit import scalar

LOCK_FILE = "allocations.lock.yaml"
SHARED_TENANT = ".shared"  # the cloud node's own networks; never a department id (ids start with [a-z0-9])
LOCK_VERSION = 1

Prefix = tuple[int, int]  # (network as int, length)
V4Prefix = tuple[int, int]  # an IPv4 prefix: (network as int, length)
Host = tuple[int | None, int]  # a cloud host's (IPv4 or None, IPv6) addresses as ints


@dataclass
class Lock:
    """All allocations. Prefixes are (int, length); link and loopback entries are single ints."""

    aggregate: Prefix
    root: str
    lengths: dict[str, int] = field(default_factory=dict)
    sites: dict[str, Prefix] = field(default_factory=dict)
    loopback_blocks: dict[str, Prefix] = field(default_factory=dict)
    loopbacks: dict[str, int] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)
    lans: dict[str, Prefix] = field(default_factory=dict)
    vpns: dict[str, Prefix] = field(default_factory=dict)  # a /56 per VPN instance (its IPv6 space)
    cloud: Prefix | None = None
    tenants: dict[str, Prefix] = field(default_factory=dict)
    subnets: dict[str, dict[str, int]] = field(default_factory=dict)
    tenant_ipv4: dict[str, dict[str, V4Prefix]] = field(default_factory=dict)
    hosts: dict[str, dict[str, Host]] = field(default_factory=dict)
    quarantine: dict[str, Prefix] = field(default_factory=dict)

    def sections(self) -> dict[str, dict[str, Any]]:
        """Section name -> its allocations (for quarantine keys and counting)."""
        return {
            "sites": self.sites,
            "loopbacks": self.loopbacks,
            "links": self.links,
            "lans": self.lans,
            "vpns": self.vpns,
            "tenants": self.tenants,
        }

    def to_text(self) -> str:
        """The lock file's text: deterministic, sorted, no timestamps."""
        out = [
            "# allocations.lock.yaml: the IPv6 plan, written by `egov plan`. Review changes like any",
            "# lock file; do not edit by hand. Links show the /127 configured; each reserves the /64 it",
            "# starts (RFC 6164). tenant_ipv4 is the same in every cloud project (its networks are private",
            "# to it); hosts are a cloud system's tiers, [IPv4, IPv6] with one host number in both.",
            f"version: {LOCK_VERSION}",
            f"aggregate: {scalar(text(*self.aggregate))}",
            f"root: {scalar(self.root)}",
            f"cloud: {scalar(text(*self.cloud)) if self.cloud else 'null'}",
        ]
        out += _section("lengths", {k: str(v) for k, v in self.lengths.items()}, sort=False)
        out += _section("sites", {k: text(*v) for k, v in self.sites.items()})
        out += _section("loopback_blocks", {k: text(*v) for k, v in self.loopback_blocks.items()})
        out += _section("loopbacks", {k: address_text(v) for k, v in self.loopbacks.items()})
        out += _section("links", {k: text(v, 127) for k, v in self.links.items()})
        out += _section("lans", {k: text(*v) for k, v in self.lans.items()})
        if self.vpns:  # (a lock of an inventory without VPN instances stays as it was)
            out += _section("vpns", {k: text(*v) for k, v in self.vpns.items()})
        out += _section("tenants", {k: text(*v) for k, v in self.tenants.items()})
        out.append("subnets:" if self.subnets else "subnets: {}")
        for tenant in sorted(self.subnets):
            zones = ", ".join(f"{zone}: {scalar(text(n, 64))}" for zone, n in self.subnets[tenant].items())
            out.append(f"  {scalar(tenant)}: {{{zones}}}")
        out.append("tenant_ipv4:" if self.tenant_ipv4 else "tenant_ipv4: {}")
        for tenant in sorted(self.tenant_ipv4):
            zones = ", ".join(
                f"{zone}: {scalar(_v4_text(*p))}" for zone, p in self.tenant_ipv4[tenant].items()
            )
            out.append(f"  {scalar(tenant)}: {{{zones}}}")
        out.append("hosts:" if self.hosts else "hosts: {}")
        for system in sorted(self.hosts):
            roles = ", ".join(f"{role}: {_host_text(*host)}" for role, host in self.hosts[system].items())
            out.append(f"  {scalar(system)}: {{{roles}}}")
        out += _section("quarantine", {k: text(*v) for k, v in self.quarantine.items()})
        return "\n".join(out) + "\n"


def _section(name: str, entries: dict[str, str], sort: bool = True) -> list[str]:
    if not entries:
        return [f"{name}: {{}}"]
    keys = sorted(entries) if sort else list(entries)
    # Values are prefixes, addresses or numbers: they never need escaping, so quote them directly.
    return [f"{name}:", *(f"  {scalar(k)}: {_value(entries[k])}" for k in keys)]


def _host_text(v4: int | None, v6: int) -> str:
    first = "null" if v4 is None else f'"{IPv4Address(v4)}"'
    return f'[{first}, "{address_text(v6)}"]'


def _v4_text(network: int, length: int) -> str:
    return f"{IPv4Address(network)}/{length}"


def _value(value: str) -> str:
    return value if value.isdigit() else '"' + value + '"'


class LockError(Exception):
    """The lock file cannot be read: ``str()`` names the file and the key that is wrong; ``message``
    alone is what is wrong (for a finding that already carries the file's location)."""

    def __init__(self, message: str, key: tuple[str | int, ...] = (), path: Path | None = None) -> None:
        super().__init__(f"{path}: {message}" if path is not None else message)
        self.message, self.key, self.path = message, key, path


def read_lock(path: Path) -> Lock | None:
    """The lock at ``path`` (None when there is none); raises LockError when it is not a valid lock."""
    if not path.exists():
        return None
    try:
        data = yaml_rs.loads(path.read_text(encoding="utf-8"))
    except (yaml_rs.YAMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise LockError(f"cannot be read: {str(error).splitlines()[0]}", (), path) from None
    if not isinstance(data, dict):
        raise LockError("not a mapping", (), path)
    if data.get("version") != LOCK_VERSION:
        raise LockError(
            f"version {data.get('version')!r}; this egov writes {LOCK_VERSION}", ("version",), path
        )
    try:
        return _lock_from(data)
    except LockError as error:
        raise LockError(error.message, error.key, path) from None


def _lock_from(data: dict[str, Any]) -> Lock:
    def prefixes(section: str) -> dict[str, tuple[int, int]]:
        return {str(k): _prefix(v, (section, k)) for k, v in _section_of(data, section).items()}

    lock = Lock(aggregate=_prefix(data.get("aggregate"), ("aggregate",)), root=str(data.get("root", "")))
    lock.lengths = {str(k): _length(v, ("lengths", k)) for k, v in _section_of(data, "lengths").items()}
    lock.sites = prefixes("sites")
    lock.loopback_blocks = prefixes("loopback_blocks")
    lock.loopbacks = {
        str(k): _prefix(f"{v}/128" if isinstance(v, str) else v, ("loopbacks", k))[0]
        for k, v in _section_of(data, "loopbacks").items()
    }
    lock.links = {k: v[0] for k, v in prefixes("links").items()}
    lock.lans = prefixes("lans")
    lock.vpns = prefixes("vpns")
    lock.cloud = _prefix(data["cloud"], ("cloud",)) if data.get("cloud") else None
    lock.tenants = prefixes("tenants")
    lock.subnets = {
        str(t): {str(z): _prefix(p, ("subnets", t, z))[0] for z, p in _section_of(data["subnets"], t).items()}
        for t in _section_of(data, "subnets")
    }
    lock.tenant_ipv4 = {
        str(t): {
            str(z): _v4_prefix(p, ("tenant_ipv4", t, z))
            for z, p in _section_of(data["tenant_ipv4"], t).items()
        }
        for t in _section_of(data, "tenant_ipv4")
    }
    lock.hosts = {
        str(s): {str(r): _host(v, ("hosts", s, r)) for r, v in _section_of(data["hosts"], s).items()}
        for s in _section_of(data, "hosts")
    }
    lock.quarantine = prefixes("quarantine")
    return lock


def _section_of(data: dict[str, Any], section: Any) -> dict[Any, Any]:
    value = data.get(section)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LockError(f"{section}: expected a mapping, got {type(value).__name__}", (section,))
    return value


def _v4_prefix(value: Any, key: tuple[Any, ...]) -> V4Prefix:
    try:
        network = IPv4Network(value) if isinstance(value, str) else None
    except ValueError as error:
        raise LockError(f"{'.'.join(map(str, key))}: {error}", key) from None
    if network is None:
        raise LockError(f"{'.'.join(map(str, key))}: expected an IPv4 prefix, got {value!r}", key)
    return int(network.network_address), network.prefixlen


def _host(value: Any, key: tuple[Any, ...]) -> Host:
    where = ".".join(map(str, key))
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[1], str):
        raise LockError(f"{where}: expected [IPv4 or null, IPv6], got {value!r}", key)
    try:
        v4 = None if value[0] is None else int(IPv4Address(value[0]))
        return v4, int(IPv6Address(value[1]))
    except ValueError as error:
        raise LockError(f"{where}: {error}", key) from None


def _length(value: Any, key: tuple[Any, ...]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 128:
        raise LockError(f"{'.'.join(map(str, key))}: expected a prefix length (1-128), got {value!r}", key)
    return value


def _prefix(value: Any, key: tuple[Any, ...]) -> tuple[int, int]:
    if not isinstance(value, str):
        raise LockError(f"{'.'.join(map(str, key))}: expected an IPv6 prefix, got {value!r}", key)
    try:
        return parse(value)
    except ValueError as error:
        raise LockError(f"{'.'.join(map(str, key))}: {error}", key) from None
