"""The service names the cutover repoints: DNS records by dynamic update, or a hosts-format file.

A cutover points a system's service name at its target, a rollback puts back what was there. Both
kinds answer :class:`NameService`'s four questions; :func:`name_service` gives the one the endpoints
name.

- ``dns`` (:class:`DnsNames`): the name's A/AAAA records on the primary of the zone that holds it,
  replaced in one RFC 2136 update signed with TSIG (:mod:`network.services.update`), so resolvers
  see the old records or the new ones, never none. The key is a reference, resolved when sent.
- ``hosts`` (:class:`HostsFile`): one line per name, ``address name``, as in /etc/hosts. Writes go to
  a temporary file that is synced and renamed over the old one while an exclusive lock is held, so a
  reader never sees half a file and two cutovers at once cannot lose each other's change.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from network.devices.transport import CredentialError, TargetRefused

if TYPE_CHECKING:
    from network.migration.endpoints import DnsNameMap, HostsNameMap
    from network.services.update import Server


class NameMapError(Exception):
    """The name map cannot be read or written (names the file)."""


def read_names(path: Path) -> dict[str, str]:
    """Name -> address (later lines win, comments and blank lines ignored)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as problem:
        raise NameMapError(f"{path}: cannot be read ({problem.strerror})") from None
    names: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2:
            for name in fields[1:]:
                names[name.lower()] = fields[0]
    return names


def lookup(path: Path, name: str) -> str | None:
    """The address a service name points to (None when it is not in the map)."""
    return read_names(path).get(name.lower())


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def point(path: Path, name: str, address: str | None) -> str | None:
    """Point ``name`` at ``address`` (None: remove it); returns the address it had (None: it was absent)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        names = read_names(path)
        previous = names.get(name.lower())
        if address is None:
            names.pop(name.lower(), None)
        else:
            names[name.lower()] = address
        text = "# service names (egov migrate): address name\n" + "".join(
            f"{names[n]} {n}\n" for n in sorted(names)
        )
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return previous


class NameService(Protocol):
    """Where a cutover repoints a service name."""

    def where(self, name: str) -> str:
        """Where ``name`` is kept, for messages and the ledger: the file, or its zone's primary."""
        ...

    def addresses(self, name: str) -> list[str]:
        """The addresses ``name`` points to now (empty: none)."""
        ...

    def point(self, name: str, address: str) -> list[str]:
        """Point ``name`` at ``address`` only; returns the addresses it had."""
        ...

    def put_back(self, name: str, previous: list[str]) -> None:
        """Make ``name`` point to ``previous`` again (what :meth:`point` returned)."""
        ...


@dataclass(frozen=True)
class HostsFile:
    """A hosts-format name map."""

    path: Path

    def where(self, name: str) -> str:
        return f"the name map {self.path}"

    def addresses(self, name: str) -> list[str]:
        found = lookup(self.path, name)
        return [found] if found is not None else []

    def point(self, name: str, address: str) -> list[str]:
        previous = point(self.path, name, address)
        return [previous] if previous is not None else []

    def put_back(self, name: str, previous: list[str]) -> None:
        point(self.path, name, previous[0] if previous else None)


@dataclass(frozen=True)
class DnsNames:
    """Names in the city's zones, changed by dynamic update on each zone's primary."""

    zones: dict[str, tuple[str, int]]  # zone (lower case, no final dot) -> primary (address, port)
    key: str  # the TSIG key's reference
    ttl: int = 300
    production: bool = False

    def where(self, name: str) -> str:
        zone = self._zone_name(name)
        chosen = {zone: self.zones[zone]} if zone is not None else self.zones
        return "DNS (" + ", ".join(f"{z} on {a}#{p}" for z, (a, p) in sorted(chosen.items())) + ")"

    def _zone_name(self, name: str) -> str | None:
        """The zone that holds ``name``: the longest of the map's zones it lies in (None: none)."""
        wanted = name.rstrip(".").lower()
        matches = [z for z in self.zones if wanted == z or wanted.endswith("." + z)]
        return max(matches, key=len) if matches else None

    def _zone(self, name: str) -> tuple[str, Server]:
        from network.services.update import Server  # noqa: PLC0415 - dnspython only when DNS is used

        zone = self._zone_name(name)
        if zone is None:
            raise NameMapError(
                f"{name}: in none of the name map's zones ({', '.join(sorted(self.zones))}); "
                "add its zone and primary to migration.yaml's names.zones"
            )
        address, port = self.zones[zone]
        try:
            return zone + ".", Server(address, port, self.production)
        except TargetRefused as problem:
            raise NameMapError(f"the primary of {zone}: {problem}") from None

    def addresses(self, name: str) -> list[str]:
        from network.services import update  # noqa: PLC0415

        zone, server = self._zone(name)
        try:
            records = update.current(server, zone, _absolute(name))
        except update.UpdateError as problem:
            raise NameMapError(str(problem)) from None
        return records.get("A", []) + records.get("AAAA", [])

    def point(self, name: str, address: str) -> list[str]:
        previous = self.addresses(name)
        self._replace(name, [address])
        return previous

    def put_back(self, name: str, previous: list[str]) -> None:
        self._replace(name, previous)

    def _replace(self, name: str, addresses: list[str]) -> None:
        from network.services import update  # noqa: PLC0415

        zone, server = self._zone(name)
        records: dict[str, list[str]] = {"A": [], "AAAA": []}
        for address in addresses:
            records["A" if ip_address(address).version == 4 else "AAAA"].append(str(ip_address(address)))
        try:
            key = update.key_from_reference(self.key)
            update.replace_addresses(server, zone, _absolute(name), records, key, self.ttl)
        except CredentialError as problem:
            raise NameMapError(f"the TSIG key {problem}; {problem.hint}") from None
        except update.UpdateError as problem:
            raise NameMapError(str(problem)) from None


def _absolute(name: str) -> str:
    return name.rstrip(".") + "."


def name_service(names: HostsNameMap | DnsNameMap, production: bool = False) -> NameService:
    """The name service the endpoints' ``names`` describe."""
    if names.kind == "hosts":
        return HostsFile(names.path)
    zones = {z.rstrip(".").lower(): (p.server, p.port) for z, p in names.zones.items()}
    return DnsNames(zones, names.key, names.ttl, production)
