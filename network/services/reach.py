"""Where a planned address is asked: itself in production, its lab listener with services-lab.json.

Every address goes through the transport's safety check before a socket opens: outside production
only loopback (the lab) may be reached, whatever the DNS answered.
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import Any

from network.devices.transport import check_target

DNS_PORT, HTTPS_PORT = 53, 443


class ReachError(Exception):
    """services-lab.json cannot be read, or an address has no listener (names the file or address)."""


@dataclass(frozen=True)
class Reach:
    """How to reach planned addresses: a lab's map (address -> host, port), or production (identity)."""

    dns_map: dict[str, tuple[str, int]] = field(default_factory=dict)
    web_map: dict[str, tuple[str, int]] = field(default_factory=dict)
    ca_file: str | None = None
    production: bool = False
    primaries: dict[str, tuple[str, int]] = field(default_factory=dict)
    tsig: str | None = None

    @classmethod
    def from_lab(cls, path: Path) -> Reach:
        """The map a running services lab wrote."""
        try:
            document: Any = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                {a: (str(v[0]), int(v[1])) for a, v in document["dns"].items()},
                {a: (str(v[0]), int(v[1])) for a, v in document["web"].items()},
                str(document["ca"]),
                False,
                {z: (str(v[0]), int(v[1])) for z, v in document.get("primaries", {}).items()},
                document.get("tsig"),
            )
        except FileNotFoundError:
            raise ReachError(f"{path}: no such file") from None
        except (OSError, ValueError, KeyError, TypeError, IndexError) as problem:
            raise ReachError(
                f"{path}: not a services-lab.json ({type(problem).__name__}: {problem})"
            ) from None

    def _find(self, table: dict[str, tuple[str, int]], address: str, port: int) -> tuple[str, int]:
        text = str(ip_address(address))
        if self.production:
            check_target(text, production=True)
            return text, port
        if text not in table:
            raise ReachError(f"{text}: the lab has no listener for this address (planned elsewhere?)")
        host, lab_port = table[text]
        check_target(host)  # the lab's listeners are on loopback; anything else is refused here
        return host, lab_port

    def dns(self, address: str) -> tuple[str, int]:
        """Where to send DNS queries meant for ``address``."""
        return self._find(self.dns_map, address, DNS_PORT)

    def web(self, address: str) -> tuple[str, int]:
        """Where to open HTTPS meant for ``address``."""
        return self._find(self.web_map, address, HTTPS_PORT)

    def tls(self) -> ssl.SSLContext:
        """A client context that verifies certificates (against the lab CA in a lab)."""
        context = (
            ssl.create_default_context(cafile=self.ca_file) if self.ca_file else ssl.create_default_context()
        )
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context
