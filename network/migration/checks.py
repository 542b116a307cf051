"""The target's function test and security check.

Function test: the system's declared health endpoint answers on the target — status 200 over TLS
where the URL says https, the certificate valid for the service name — and says the same as the
source said (its JSON body, less the keys that name the side or the time).

Security check (MLPS 2.0 level 2/3, GB/T 22239-2019 8.1.3 边界防护 and 8.1.4 访问控制/身份鉴别):
- the target listens only on its declared ports (a TCP connect scan of its address, as ``nmap -sT``
  does: it needs nothing on the host and sees wildcard listeners too), less the image's baseline;
- TLS where declared: TLS 1.2 or later, a certificate that verifies for the service name and does not
  expire within 14 days;
- no default credentials: the target's database servers refuse the installers' default logins.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import http.client
import json
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from network.migration.endpoints import Service

VOLATILE_KEYS = frozenset({"side", "time", "hostname", "uptime", "address"})
MIN_CERT_DAYS = 14


class CheckError(Exception):
    """A check that could not be run at all (names what was unreachable)."""


@dataclass(frozen=True)
class Answer:
    """What a health endpoint said: HTTP status, the body (JSON when it parses), TLS details."""

    status: int
    body: Any
    tls: dict[str, Any] = field(default_factory=dict)

    def comparable(self) -> Any:
        """The body less the keys that differ between sides by nature."""
        if isinstance(self.body, dict):
            return {k: v for k, v in self.body.items() if k not in VOLATILE_KEYS}
        return self.body


def tls_context(ca: Path | None) -> ssl.SSLContext:
    """A client context that verifies certificates (against ``ca`` when given) and wants TLS 1.2+."""
    context = ssl.create_default_context(cafile=str(ca) if ca else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def fetch(address: str, port: int, service: Service, ca: Path | None, timeout: float = 10.0) -> Answer:
    """GET the health path at ``address:port`` as ``service.name`` (SNI and Host), TLS if declared."""
    try:
        sock = socket.create_connection((address, port), timeout=timeout)
    except OSError as problem:
        raise CheckError(f"{address}:{port}: cannot connect ({problem.strerror or problem})") from None
    tls: dict[str, Any] = {}
    try:
        if service.tls:
            try:
                sock = tls_context(ca).wrap_socket(sock, server_hostname=service.name)
            except ssl.SSLError as problem:
                raise CheckError(f"{address}:{port}: TLS failed for {service.name} ({problem})") from None
            tls = _tls_facts(sock)
        request = f"GET {service.path} HTTP/1.1\r\nHost: {service.name}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode("ascii"))
        response = http.client.HTTPResponse(sock)
        response.begin()
        raw = response.read()
    except (OSError, http.client.HTTPException) as problem:
        raise CheckError(f"{address}:{port}: {type(problem).__name__}: {problem}") from None
    finally:
        sock.close()
    try:
        body: Any = json.loads(raw)
    except ValueError:
        body = raw.decode("utf-8", "replace")
    return Answer(response.status, body, tls)


def _tls_facts(sock: ssl.SSLSocket) -> dict[str, Any]:
    cert = sock.getpeercert() or {}
    not_after = cert.get("notAfter")
    expires = (
        dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(str(not_after)), dt.UTC) if not_after else None
    )
    subject = dict(pair[0] for pair in cert.get("subject", ()))  # type: ignore[misc]
    return {
        "version": sock.version(),
        "cipher": (sock.cipher() or ("",))[0],
        "subject": subject.get("commonName", ""),
        "not_after": expires.isoformat() if expires else None,
        "days_left": (expires - dt.datetime.now(dt.UTC)).days if expires else None,
    }


def function_test(answer: Answer, expected: Answer | None) -> list[str]:
    """What is wrong with a target's answer (empty: it passes)."""
    problems = []
    if answer.status != 200:
        problems.append(f"health answered HTTP {answer.status}, not 200")
    if isinstance(answer.body, dict) and str(answer.body.get("status", "ok")).lower() not in (
        "ok",
        "up",
        "pass",
    ):
        problems.append(f"health says status {answer.body.get('status')!r}")
    if expected is not None and answer.comparable() != expected.comparable():
        problems.append(
            f"the target says {json.dumps(answer.comparable(), ensure_ascii=False, sort_keys=True)[:300]}; "
            f"the source said {json.dumps(expected.comparable(), ensure_ascii=False, sort_keys=True)[:300]}"
        )
    return problems


async def _probe(address: str, port: int, timeout: float, gate: asyncio.Semaphore) -> int | None:
    async with gate:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(address, port), timeout)
        except (OSError, TimeoutError):
            return None
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return port


def open_ports(address: str, first: int = 1, last: int = 65535, timeout: float = 1.0) -> list[int]:
    """Ports of ``address`` that accept a TCP connection (a connect scan, 512 at a time)."""
    if ":" in address or not _loopback(address):
        return asyncio.run(_scan(address, first, last, timeout))
    # On loopback a refused connect returns at once: a plain loop is faster than the event loop.
    found = []
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    for port in range(first, last + 1):
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            if sock.connect_ex((address, port)) == 0:
                found.append(port)
    return found


async def _scan(address: str, first: int, last: int, timeout: float) -> list[int]:
    gate = asyncio.Semaphore(512)
    results = await asyncio.gather(*(_probe(address, p, timeout, gate) for p in range(first, last + 1)))
    return [p for p in results if p is not None]


def _loopback(address: str) -> bool:
    import ipaddress  # noqa: PLC0415

    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def tls_problems(answer: Answer, service: Service) -> list[str]:
    """TLS findings of an answer from a service that declares TLS."""
    if not service.tls:
        return []
    if not answer.tls:
        return [f"{service.name}: TLS is declared but the answer came without it"]
    problems = []
    if answer.tls.get("version") not in ("TLSv1.2", "TLSv1.3"):
        problems.append(f"{service.name}: {answer.tls.get('version')} is below TLS 1.2")
    days = answer.tls.get("days_left")
    if days is not None and days < MIN_CERT_DAYS:
        problems.append(f"{service.name}: the certificate expires in {days} days")
    return problems
