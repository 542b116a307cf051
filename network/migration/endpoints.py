"""Where each system's source and target are: the lab's ``systems-lab.json`` or ``migration.yaml``.

The inventory says what a system keeps (its data stores) and how it answers (its health URL, whose
host is the service name and whose scheme and port are the declared service); this file says where,
for one migration host: the directories of file stores, the PostgreSQL servers of databases, the
address each side's application answers on, and the name map the cutover rewrites. Secrets are
references (``env:NAME``), resolved only when a connection is opened.

```yaml
migration:
  names: {kind: hosts, path: /etc/egov/service-names.hosts}   # what the cutover repoints, or DNS:
  # names: {kind: dns, key: "env:EGOV_DNS_TSIG", zones: {sys.gov.example: {server: 192.0.2.121}}}
  ca: /etc/egov/gov-ca.pem                                    # TLS of the systems' services
  baseline_ports: [22]          # listeners of the target image that are not the system's own
  bandwidth_limit_kbps: 50000   # rsync's --bwlimit: spare the extranet links
  systems:
    sw-zsj-s01:
      source:
        address: 192.0.2.40
        files: {/srv/sw-zsj-s01: /mnt/source/sw-zsj-s01}
        databases:
          sw_zsj_s01: {host: 192.0.2.41, dbname: sw_zsj_s01, user: app, password: "env:SRC_DB",
                       admin_user: postgres, admin_password: "env:SRC_DB_ADMIN"}
      target: {...the same keys...}
```
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from network.devices.transport import TargetRefused, check_target, resolve_credential
from network.inventory.model import CredentialRef, StoreKind, System
from network.settings import SettingsFileError, read_model

MIGRATION_FILE = "migration.yaml"
LAB_SYSTEMS_JSON = "systems-lab.json"
SUPPORTED_STORES = frozenset({StoreKind.FILES, StoreKind.POSTGRESQL})

Port = Annotated[int, Field(ge=1, le=65535)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Database(_Strict):
    """A PostgreSQL database: the application's user, and an administrator for create, drop, freeze."""

    host: str
    port: Port = 5432
    dbname: Annotated[str, Field(min_length=1, max_length=63)]
    user: str
    password: CredentialRef
    admin_user: str
    admin_password: CredentialRef


class Side(_Strict):
    """One side of a migration: where the application answers, where its data lives."""

    address: str
    port_map: dict[Port, Port] = Field(
        default_factory=dict, description="declared port -> the port it is reached on (the lab's forwards)"
    )
    files: dict[str, Path] = Field(default_factory=dict, description="file store name -> directory")
    databases: dict[str, Database] = Field(default_factory=dict, description="database store name -> server")

    def port(self, declared: int) -> int:
        """Where a declared port is reached on this side."""
        return self.port_map.get(declared, declared)


class SystemEndpoints(_Strict):
    """A system's two sides."""

    source: Side
    target: Side


class HostsNameMap(_Strict):
    """The names the cutover repoints: a hosts-format file (``address name`` per line)."""

    kind: Literal["hosts"] = "hosts"
    path: Path


class ZonePrimary(_Strict):
    """A zone's primary name server, where dynamic updates go."""

    server: str
    port: Port = 53


class DnsNameMap(_Strict):
    """The names the cutover repoints: DNS records, changed by dynamic update (RFC 2136) signed with the
    TSIG key ``key`` references, on the primary of the zone that holds the name (the longest match)."""

    kind: Literal["dns"]
    key: CredentialRef
    ttl: Annotated[int, Field(ge=5, le=86400)] = 300
    zones: dict[str, ZonePrimary] = Field(min_length=1, description="zone name -> its primary")


NameMap = Annotated[HostsNameMap | DnsNameMap, Field(discriminator="kind")]


class Endpoints(_Strict):
    """The whole file: the name map, TLS trust, target baseline, transfer limits, systems."""

    names: NameMap
    ca: Path | None = None

    baseline_ports: tuple[Port, ...] = ()
    scan_ports: tuple[Port, Port] = (1, 65535)
    bandwidth_limit_kbps: Annotated[int, Field(ge=1)] | None = None
    systems: dict[str, SystemEndpoints] = Field(default_factory=dict)

    @field_validator("names", mode="before")
    @classmethod
    def _hosts_by_default(cls, value: object) -> object:
        """``names: {path: …}`` without a kind is the hosts file, as before DNS was a kind."""
        if isinstance(value, dict) and "kind" not in value:
            return {"kind": "hosts", **value}
        return value


class EndpointsError(Exception):
    """The endpoints cannot serve a system (names the file or the system, with a hint)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def load_endpoints(path: Path) -> Endpoints:
    """Read an endpoints file (the lab's JSON, or production's migration.yaml)."""
    try:
        return read_model(path, Endpoints, "migration", "see docs/migration.md for the endpoints file")
    except SettingsFileError as problem:
        raise EndpointsError(problem.message, problem.hint) from None


def lab_document(endpoints: Endpoints, extra: dict[str, object]) -> str:
    """The text of a systems-lab.json: the endpoints under ``migration`` plus the lab's own facts."""
    body = {"migration": endpoints.model_dump(mode="json"), **extra}
    return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Service:
    """How a system answers, from its health URL: service name, declared port, TLS or not, path."""

    def __init__(self, system: System) -> None:
        if system.health is None:
            raise EndpointsError(
                f"{system.id}: declares no health endpoint", "add `health:` to the system in systems.yaml"
            )
        url = urlsplit(str(system.health))
        self.name = url.hostname or ""
        self.tls = url.scheme == "https"
        self.port = url.port or (443 if self.tls else 80)
        self.path = url.path or "/"
        self.url = str(system.health)


def endpoints_of(endpoints: Endpoints, system: System, production: bool) -> SystemEndpoints:
    """A system's sides, checked against its data stores and the safety rules, before anything runs."""
    found = endpoints.systems.get(system.id)
    if found is None:
        raise EndpointsError(
            f"{system.id}: no endpoints for this system",
            f"add it under migration.systems (there: {', '.join(sorted(endpoints.systems)) or 'none'})",
        )
    for store in system.data_stores:
        if store.kind not in SUPPORTED_STORES:
            raise EndpointsError(
                f"{system.id}: data store {store.name} is {store.kind.value}; this runbook moves "
                f"{' and '.join(sorted(k.value for k in SUPPORTED_STORES))}",
                "migrate it with the vendor's tools, then record the state with `egov migrate run`",
            )
        for label, side in (("source", found.source), ("target", found.target)):
            table = side.files if store.kind is StoreKind.FILES else side.databases
            if store.name not in table:
                raise EndpointsError(
                    f"{system.id}: {label} has no endpoint for data store {store.name}",
                    f"add migration.systems.{system.id}.{label}."
                    f"{'files' if store.kind is StoreKind.FILES else 'databases'}.{store.name}",
                )
    for label, side in (("source", found.source), ("target", found.target)):
        hosts = [side.address, *(db.host for db in side.databases.values())]
        for host in hosts:
            try:
                check_target(host, production)
            except TargetRefused as problem:
                raise EndpointsError(f"{system.id}: {label} {problem}", problem.hint) from None
    return found


def secret(reference: str) -> str:
    """The secret behind a credential reference (EndpointsError naming the reference otherwise)."""
    from network.devices.transport import CredentialError  # noqa: PLC0415

    try:
        return resolve_credential(reference)
    except CredentialError as problem:
        raise EndpointsError(str(problem), problem.hint) from None
