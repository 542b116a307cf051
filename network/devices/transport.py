"""Reaching devices safely: loopback only unless production is chosen; credentials from references.

Every connection the toolkit opens goes through :func:`check_target` first. Outside production
mode a target must resolve to loopback addresses only (127.0.0.0/8, ::1) — the lab twin — or to
addresses the caller explicitly allows (the network namespaces a test created). Nothing is sent
anywhere else: the check happens before any socket is opened.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from network.inventory.platforms import UnknownPlatform, known_platforms, platform_spec

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str], Sequence[str]]


class TargetRefused(Exception):
    """A connection the safety rules forbid (a non-loopback target outside production mode)."""

    def __init__(self, host: str, reason: str, hint: str) -> None:
        super().__init__(f"{host}: {reason}")
        self.host, self.reason, self.hint = host, reason, hint


class CredentialError(Exception):
    """A credential reference that cannot be resolved (names the reference, never a secret)."""

    def __init__(self, reference: str, reason: str, hint: str) -> None:
        super().__init__(f"{reference}: {reason}")
        self.reference, self.reason, self.hint = reference, reason, hint


def _resolve(host: str) -> Sequence[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})


def _is_loopback(address: _Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_target(
    host: str, production: bool = False, allowed: Iterable[_Network] = (), resolver: Resolver = _resolve
) -> list[_Address]:
    """The addresses ``host`` stands for, if the toolkit may connect to them; else TargetRefused.

    Outside production every address must be loopback or inside ``allowed`` (namespaces a test made).
    """
    try:
        literal: _Address | None = ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolver(host)]
        except (OSError, UnicodeError) as error:
            raise TargetRefused(
                host, f"cannot be resolved ({error})", "give an address, or check the name"
            ) from None
        if not addresses:
            raise TargetRefused(host, "resolves to no address", "give an address, or check the name")
    if production:
        return addresses
    networks = list(allowed)
    outside = [a for a in addresses if not _is_loopback(a) and not any(a in n for n in networks)]
    if outside:
        raise TargetRefused(
            host,
            f"{', '.join(map(str, outside))} is not a loopback address and production mode is off",
            "the lab twin listens on 127.0.0.0/8 and ::1; to reach real devices choose production mode "
            "explicitly (--production)",
        )
    return addresses


def resolve_credential(reference: str, environ: dict[str, str] | None = None) -> str:
    """The secret behind a credential reference. Supported here: ``env:NAME``."""
    scheme, _, name = reference.partition(":")
    env = os.environ if environ is None else environ
    if scheme == "env":
        if name not in env:
            raise CredentialError(
                reference,
                f"the environment variable {name} is not set",
                f"export {name}=… before running (it is never written to a file)",
            )
        return env[name]
    raise CredentialError(
        reference,
        f"references of kind {scheme!r} are not resolved by this command",
        "use env:NAME here (Ansible resolves vault: references in playbooks)",
    )


@dataclass(frozen=True)
class ConnectionParams:
    """What netmiko needs to open a session, with the secret already resolved (never logged)."""

    host: str
    port: int
    username: str
    platform: str

    @property
    def device_type(self) -> str:
        """netmiko's stock device type for the platform."""
        try:
            return platform_spec(self.platform).netmiko_type
        except UnknownPlatform:
            raise TargetRefused(
                self.host,
                f"no transport for platform {self.platform!r}",
                f"platforms: {', '.join(sorted(known_platforms()))}",
            ) from None


def connect(
    params: ConnectionParams,
    password: str,
    production: bool = False,
    allowed: Iterable[_Network] = (),
    timeout: float = 10.0,
    **extra: Any,
) -> Any:
    """A netmiko session to the device, after the safety check (which opens no socket itself)."""
    from netmiko import ConnectHandler  # noqa: PLC0415 - pulls in paramiko: only when connecting

    check_target(params.host, production, allowed)
    return ConnectHandler(
        device_type=params.device_type,
        host=params.host,
        port=params.port,
        username=params.username,
        password=password,
        timeout=timeout,
        conn_timeout=timeout,
        **extra,
    )
