"""Dynamic updates (RFC 2136) signed with TSIG (RFC 8945), through dnspython.

The key is a reference (``env:EGOV_DNS_TSIG``) whose value is written as BIND's ``-y`` takes it:
``hmac-sha256:KEYNAME:BASE64SECRET``. It is resolved where the update is sent and never logged.

:func:`repoint` replaces a name's A and AAAA records in one update message (the server applies it
atomically) and returns what was there before, so a rollback can put it back with :func:`restore`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from ipaddress import ip_address

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsig
import dns.tsigkeyring
import dns.update

from network.devices.transport import check_target, resolve_credential

ADDRESS_TYPES = ("A", "AAAA")
_ALGORITHMS = {
    "hmac-sha256": dns.tsig.HMAC_SHA256,
    "hmac-sha384": dns.tsig.HMAC_SHA384,
    "hmac-sha512": dns.tsig.HMAC_SHA512,
}


class UpdateError(Exception):
    """A dynamic update was refused or could not be sent (names the server and the name)."""


@dataclass(frozen=True)
class TsigKey:
    """A TSIG key: algorithm, name and secret (the secret is never printed)."""

    algorithm: str
    name: str
    secret: str = ""

    def __repr__(self) -> str:
        return f"TsigKey({self.algorithm}, {self.name})"

    def keyring(self) -> dict[dns.name.Name, dns.tsig.Key]:
        """dnspython's keyring for this key."""
        key = dns.tsig.Key(self.name, self.secret, _ALGORITHMS[self.algorithm])
        return {key.name: key}


def parse_tsig(text: str, where: str = "the TSIG key") -> TsigKey:
    """``hmac-sha256:NAME:SECRET`` (``-y`` form of nsupdate and dig) as a key; a clear error otherwise."""
    parts = text.strip().split(":")
    if len(parts) == 2:
        parts = ["hmac-sha256", *parts]
    if len(parts) != 3 or parts[0].lower() not in _ALGORITHMS or not parts[1]:
        raise UpdateError(
            f"{where}: not in the form hmac-sha256:KEYNAME:BASE64SECRET "
            f"(algorithms: {', '.join(_ALGORITHMS)})"
        )
    try:
        base64.b64decode(parts[2], validate=True)
    except (binascii.Error, ValueError):
        raise UpdateError(f"{where}: the secret is not base64") from None
    return TsigKey(parts[0].lower(), parts[1], parts[2])


def key_from_reference(reference: str, environ: dict[str, str] | None = None) -> TsigKey:
    """The TSIG key a credential reference names."""
    return parse_tsig(resolve_credential(reference, environ), reference)


@dataclass(frozen=True)
class Server:
    """Where updates go: the zone's primary, as an address and port (checked by the safety rules)."""

    address: str
    port: int = 53
    production: bool = False

    def __post_init__(self) -> None:
        check_target(self.address, self.production)


def current(server: Server, zone: str, name: str, timeout: float = 5.0) -> dict[str, list[str]]:
    """The A and AAAA records ``name`` has on ``server`` now (asked over TCP, no recursion)."""
    out: dict[str, list[str]] = {}
    for rtype in ADDRESS_TYPES:
        query = dns.message.make_query(name, rtype)
        query.flags &= ~dns.flags.RD
        try:
            answer = dns.query.tcp(query, server.address, timeout=timeout, port=server.port)
        except (OSError, dns.exception.DNSException) as problem:
            raise UpdateError(f"{server.address}#{server.port}: {name} {rtype}: {problem}") from None
        out[rtype] = sorted(
            item.to_text()
            for rrset in answer.answer
            if rrset.rdtype == dns.rdatatype.from_text(rtype)
            for item in rrset
        )
    return out


def _send(server: Server, update: dns.update.UpdateMessage, what: str, timeout: float) -> None:
    try:
        response = dns.query.tcp(update, server.address, timeout=timeout, port=server.port)
    except dns.tsig.PeerError as problem:
        where = f"{server.address}#{server.port}"
        raise UpdateError(
            f"{where} refused the update of {what}: the TSIG key was not accepted ({problem})"
        ) from None
    except (OSError, dns.exception.DNSException) as problem:
        raise UpdateError(f"{server.address}#{server.port}: {what}: {problem}") from None
    if response.rcode() != dns.rcode.NOERROR:
        code = dns.rcode.to_text(response.rcode())
        raise UpdateError(f"{server.address}#{server.port} refused the update of {what}: {code}")


def replace_addresses(
    server: Server,
    zone: str,
    name: str,
    records: dict[str, list[str]],
    key: TsigKey,
    ttl: int = 300,
    timeout: float = 5.0,
) -> None:
    """Make ``name``'s A and AAAA records exactly ``records`` (a type absent or empty: deleted)."""
    update = dns.update.UpdateMessage(zone, keyring=key.keyring(), keyalgorithm=_ALGORITHMS[key.algorithm])
    for rtype in ADDRESS_TYPES:
        values = records.get(rtype, [])
        update.delete(name, rtype)
        for value in values:
            update.add(name, ttl, rtype, value)
    _send(server, update, name, timeout)


def repoint(
    server: Server, zone: str, name: str, addresses: list[str], key: TsigKey, ttl: int = 300
) -> dict[str, list[str]]:
    """Point ``name`` at ``addresses`` (A and AAAA by family); returns the records it had before."""
    before = current(server, zone, name)
    wanted: dict[str, list[str]] = {"A": [], "AAAA": []}
    for address in addresses:
        wanted["A" if ip_address(address).version == 4 else "AAAA"].append(str(ip_address(address)))
    replace_addresses(server, zone, name, wanted, key, ttl)
    return before


def restore(server: Server, zone: str, name: str, before: dict[str, list[str]], key: TsigKey) -> None:
    """Put back the records :func:`repoint` returned."""
    replace_addresses(server, zone, name, before, key)


def set_type(
    server: Server, zone: str, name: str, rtype: str, values: list[str], key: TsigKey, ttl: int = 300
) -> None:
    """Make ``name``'s ``rtype`` records exactly ``values`` (empty: none), leaving its other types alone."""
    update = dns.update.UpdateMessage(zone, keyring=key.keyring(), keyalgorithm=_ALGORITHMS[key.algorithm])
    update.delete(name, rtype)
    for value in values:
        update.add(name, ttl, rtype, value)
    _send(server, update, f"{name} {rtype}", 5.0)
