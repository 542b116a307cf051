"""blackbox_exporter beside the egov exporter: ``blackbox.yml`` and its targets for the city's websites.

What blackbox_exporter can say about a website over IPv6 is two probes: a DNS probe asking the
extranet resolver for the host's AAAA (over IPv6), and an HTTP probe of the home page over IPv6 only
(``preferred_ip_protocol: ip6``, ``ip_protocol_fallback: false``: without it a blackholed IPv6
listener would be hidden by IPv4, blackbox_exporter #818/#819). It has no crawl, no content parity,
no delegation chain and no latency ratio; the egov exporter's ``ipv6_web`` module gives those, and the
two are written side by side so that they can be compared on the same targets.

A DNS module's ``query_name`` is fixed in blackbox.yml, so there is one ``dns_aaaa_<website>`` module
per website. In production the HTTP probe's target is ``https://HOST/`` (one ``http_ip6`` module).
In a services lab the host's planned address has a loopback listener: the target is that listener as
an IP-literal URL and the module (one per website) sends the site's name as ``Host`` and TLS
``server_name``, verifying against the lab CA.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from exporters.binaries import BinaryNotFound, find_binary
from network.emit import scalar
from network.services.reach import Reach, ReachError
from network.services.records import PlannedSite

BLACKBOX_YML = "blackbox.yml"
HTTP_TARGETS, DNS_TARGETS = "targets/blackbox_http.json", "targets/blackbox_dns.json"


@dataclass(frozen=True)
class BlackboxPlan:
    """blackbox.yml's text and the file_sd groups of its two jobs."""

    config: str
    http: list[dict[str, object]]
    dns: list[dict[str, object]]


def _module_id(website_id: str) -> str:
    return website_id.replace("-", "_")


def blackbox_plan(
    sites: list[PlannedSite], resolvers_v6: list[str], reach: Reach | None, timeout: str = "10s"
) -> BlackboxPlan:
    """Modules and targets for ``sites`` (``reach`` is the services lab's map; None: production)."""
    lines = [
        "# Written by `egov monitoring config`: blackbox_exporter's probes of the city's websites over IPv6.",
        "modules:",
    ]
    lab = reach is not None and not reach.production
    if not lab:
        lines += _http_module("http_ip6", timeout, None, None)
    resolver = _resolver_target(resolvers_v6, reach)
    http: list[dict[str, object]] = []
    dns: list[dict[str, object]] = []
    for planned in sites:
        website = planned.website
        host = website.host.rstrip(".")
        module = _module_id(website.id)
        labels = {"website": website.id, "department": website.department, "host": host}
        lines += [
            f"  dns_aaaa_{module}:",
            "    prober: dns",
            f"    timeout: {timeout}",
            "    dns:",
            "      transport_protocol: udp",
            "      preferred_ip_protocol: ip6",
            "      ip_protocol_fallback: false",
            f"      query_name: {scalar(host)}",
            "      query_type: AAAA",
            "      valid_rcodes: [NOERROR]",
            "      validate_answer_rrs:",
            "        fail_if_none_matches_regexp: ['.*\\tAAAA\\t.*']",
        ]
        if resolver is not None:
            dns.append({"targets": [resolver], "labels": {**labels, "__param_module": f"dns_aaaa_{module}"}})
        if not lab:
            http.append({"targets": [f"https://{host}/"], "labels": {**labels, "__param_module": "http_ip6"}})
            continue
        assert reach is not None
        if planned.ipv6 is None:
            continue  # no IPv6 address is planned: nothing to point blackbox at in the lab
        try:
            address, port = reach.web(str(planned.ipv6))
        except ReachError:
            continue
        lines += _http_module(f"http_ip6_{module}", timeout, host, reach.ca_file)
        http.append({
            "targets": [f"https://[{address}]:{port}/"],
            "labels": {**labels, "__param_module": f"http_ip6_{module}"},
        })  # fmt: skip
    return BlackboxPlan("\n".join(lines) + "\n", http, dns)


def _http_module(name: str, timeout: str, host: str | None, ca_file: str | None) -> list[str]:
    lines = [
        f"  {name}:",
        "    prober: http",
        f"    timeout: {timeout}",
        "    http:",
        "      preferred_ip_protocol: ip6",
        "      ip_protocol_fallback: false",
        "      valid_status_codes: [200]",
        "      fail_if_not_ssl: true",
    ]
    if host is not None:
        lines += ["      headers:", f"        Host: {scalar(host)}"]
    if host is not None or ca_file is not None:
        lines.append("      tls_config:")
        if ca_file is not None:
            lines.append(f"        ca_file: {scalar(ca_file)}")
        if host is not None:
            lines.append(f"        server_name: {scalar(host)}")
    return lines


def _resolver_target(resolvers_v6: list[str], reach: Reach | None) -> str | None:
    """The first resolver's IPv6 address as blackbox's DNS target (its lab listener in a lab)."""
    for address in resolvers_v6:
        if reach is None or reach.production:
            return f"[{address}]:53"
        try:
            host, port = reach.dns(address)
        except ReachError:
            continue
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return None


BINARIES = ("blackbox_exporter", "prometheus-blackbox-exporter")  # upstream's name, Debian's


class BlackboxError(Exception):
    """blackbox_exporter cannot be run: message and hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def blackbox_command(config: Path, listen: str, binary: str | None = None) -> list[str]:
    """The command line that runs blackbox_exporter on ``config`` at ``listen`` (host:port)."""
    if not config.is_file():
        raise BlackboxError(
            f"{config}: no such file",
            "write it with `egov monitoring config INVENTORY --out DIR --blackbox ADDR`",
        )
    try:
        program = find_binary(BINARIES, binary)
    except BinaryNotFound as problem:
        raise BlackboxError(
            f"blackbox_exporter is not installed ({problem})",
            "install Debian's prometheus-blackbox-exporter (.ci/run does), or give --binary",
        ) from None
    return [program, f"--config.file={config}", f"--web.listen-address={listen}"]


def exec_blackbox(config: Path, listen: str, binary: str | None = None) -> None:
    """Become blackbox_exporter on ``config`` (this process's pid is the exporter's); never returns."""
    command = blackbox_command(config, listen, binary)
    os.execv(command[0], command)
