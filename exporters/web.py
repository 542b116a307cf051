"""``/probe?module=ipv6_web|ipv6_zone|ipv6_resolver|ipv6_cdn&target=…``: the city's services over IPv6.

blackbox_exporter's multi-target pattern, with the indicators it cannot give (docs/services.md): one
answer per website (``target`` = its host or id), per DNS zone (its name), per resolver and per CDN
edge (their ids). Each probe runs :class:`network.services.probe.Prober` afresh (no answer is cached
from one scrape to the next), each family on its own, every address through the transport's safety
check, all within the scrape's deadline (``X-Prometheus-Scrape-Timeout-Seconds`` less half a second):
a slow site answers in time with what was measured (``egov_web_crawl_complete 0``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client.core import Metric

from exporters.collectors import ExporterStats, families
from exporters.source import InventorySource
from network.inventory import Inventory
from network.services.probe import (
    WEIGHTS,
    Deadline,
    Delegation,
    EdgeResult,
    Prober,
    SiteResult,
    check_delegation,
    resolver_answers,
)
from network.services.reach import Reach
from network.services.records import fqdn

log = logging.getLogger("egov.exporter")
MODULES = ("ipv6_web", "ipv6_zone", "ipv6_resolver", "ipv6_cdn")
PHASES = ("dns", "connect", "first_byte", "total")


class UnknownService(Exception):
    """A target that is not one of the inventory's services of that module (HTTP 400)."""


@dataclass(frozen=True)
class ServiceAnswer:
    """The families of one service probe."""

    families: list[Metric]
    ok: bool


class ServicesProber:
    """Answers the ``ipv6_*`` modules for one inventory through one :class:`Reach`."""

    def __init__(self, source: InventorySource, reach: Reach, stats: ExporterStats, repeats: int = 3) -> None:
        self.source, self.reach, self.stats, self.repeats = source, reach, stats, repeats
        self._handlers: dict[str, Callable[[Prober, str, float], ServiceAnswer]] = {
            "ipv6_web": self._web, "ipv6_zone": self._zone,
            "ipv6_resolver": self._resolver, "ipv6_cdn": self._edge,
        }  # fmt: skip

    def probe(self, module: str, target: str, seconds: float) -> ServiceAnswer:
        """Probe ``target`` with ``module`` within ``seconds``; UnknownService for a target not planned."""
        started = time.monotonic()
        prober = Prober(self.source.current.inventory, self.reach, repeats=self.repeats)
        answer = self._handlers[module](prober, target, seconds)
        duration = families(["egov_probe_duration_seconds"])["egov_probe_duration_seconds"]
        duration.add_metric([], time.monotonic() - started)
        self.stats.probed("success" if answer.ok else "failure")
        return ServiceAnswer([*answer.families, duration], answer.ok)

    # --- the modules -------------------------------------------------------------------------

    def _web(self, prober: Prober, target: str, seconds: float) -> ServiceAnswer:
        inventory = prober.inventory
        wanted = target.rstrip(".").lower()
        website = next(
            (w for w in inventory.websites if w.id == target or w.host.rstrip(".").lower() == wanted), None
        )
        if website is None:
            raise UnknownService(f"{target}: not a website of the inventory (websites.yaml: host or id)")
        result = prober.site(website, seconds)
        log.debug("ipv6_web %s: score %.1f %s", website.host, result.score, "; ".join(result.problems))
        return ServiceAnswer(web_families(result), result.ready)

    def _zone(self, prober: Prober, target: str, seconds: float) -> ServiceAnswer:
        zones = prober.inventory.zones
        zone = next((z for z in zones if fqdn(z.name) == fqdn(target) or z.id == target), None)
        if zone is None:
            raise UnknownService(f"{target}: not a zone of the inventory (zones.yaml: name or id)")
        delegation = check_delegation(self.reach, zone, prober.resolvers, Deadline(seconds))
        return ServiceAnswer(zone_families(delegation), delegation.complete)

    def _resolver(self, prober: Prober, target: str, seconds: float) -> ServiceAnswer:
        resolver = next((r for r in prober.inventory.resolvers if r.id == target), None)
        if resolver is None:
            raise UnknownService(f"{target}: not a resolver of the inventory (resolvers.yaml: id)")
        answers = resolver_answers(prober, resolver, Deadline(seconds))
        out = families(["egov_dns_resolver_up", "egov_dns_resolver_seconds"])
        for family, query in answers.items():
            out["egov_dns_resolver_up"].add_metric([family], int(bool(query and query.ok)))
            if query is not None and query.ok:
                out["egov_dns_resolver_seconds"].add_metric([family], query.seconds)
        v6 = answers["ipv6"]
        return ServiceAnswer(list(out.values()), bool(v6 and v6.ok))

    def _edge(self, prober: Prober, target: str, seconds: float) -> ServiceAnswer:
        edge = next((e for e in prober.inventory.cdn_edges if e.id == target), None)
        if edge is None:
            raise UnknownService(f"{target}: not a CDN edge of the inventory (cdn_edges.yaml: id)")
        result = prober.edge(edge, seconds)
        return ServiceAnswer(edge_families(result, prober.inventory), result.serves("ipv6"))


def web_families(result: SiteResult) -> list[Metric]:
    """A website's answer: every indicator, the score, the phases per family."""
    out = families([
        "egov_web_up", "egov_web_dns_record", "egov_web_ipv6_ready", "egov_web_ipv6_score",
        "egov_web_ipv6_indicator_ratio", "egov_web_ipv6_success_ratio", "egov_web_same_content",
        "egov_web_links", "egov_web_ipv6_links", "egov_web_phase_seconds", "egov_web_ipv6_latency_ratio",
        "egov_web_delegation_complete", "egov_web_crawl_complete", "egov_web_probe_requests",
    ])  # fmt: skip
    for family, home in (("ipv4", result.home_v4), ("ipv6", result.home_v6)):
        out["egov_web_up"].add_metric([family], int(bool(home and home.ok)))
        dns = result.dns_v4 if family == "ipv4" else result.dns_v6
        if dns is not None:
            out["egov_web_phase_seconds"].add_metric([family, "dns"], dns)
        if home is not None and home.ok:
            for phase in PHASES[1:]:
                out["egov_web_phase_seconds"].add_metric([family, phase], getattr(home, phase))
    out["egov_web_dns_record"].add_metric(["A"], int(result.a))
    out["egov_web_dns_record"].add_metric(["AAAA"], int(result.aaaa))
    out["egov_web_ipv6_ready"].add_metric([], int(result.ready))
    out["egov_web_ipv6_score"].add_metric([], result.score)
    parts = result.parts()
    for indicator in WEIGHTS:
        out["egov_web_ipv6_indicator_ratio"].add_metric([indicator], parts[indicator])
    out["egov_web_ipv6_success_ratio"].add_metric([], result.success_rate)
    out["egov_web_same_content"].add_metric([], int(result.same_content))
    for level in (2, 3):
        supported, total = result.links.get(level, (0, 0))
        out["egov_web_links"].add_metric([str(level)], total)
        out["egov_web_ipv6_links"].add_metric([str(level)], supported)
    for phase in PHASES:
        ratio = result.latency_ratio(phase)
        if ratio is not None:
            out["egov_web_ipv6_latency_ratio"].add_metric([phase], ratio)
    complete = bool(result.delegation and result.delegation.complete)
    out["egov_web_delegation_complete"].add_metric([], int(complete))
    out["egov_web_crawl_complete"].add_metric([], int(result.complete))
    out["egov_web_probe_requests"].add_metric(["https"], result.http_requests)
    out["egov_web_probe_requests"].add_metric(["dns"], result.dns_queries)
    return list(out.values())


def zone_families(delegation: Delegation) -> list[Metric]:
    """A zone's delegation over IPv6."""
    values: dict[str, Any] = {
        "egov_dns_zone_ipv6_complete": int(delegation.complete),
        "egov_dns_zone_parent_ipv6": int(delegation.parent_v6),
        "egov_dns_zone_nameservers": delegation.nameservers,
        "egov_dns_zone_nameservers_ipv6": delegation.answering_v6,
        "egov_dns_zone_glue_aaaa": delegation.glue_aaaa,
        "egov_dns_zone_nameservers_in_zone": delegation.in_zone,
    }
    out = families(values)
    for name, value in values.items():
        out[name].add_metric([], value)
    return list(out.values())


def edge_families(result: EdgeResult, inventory: Inventory) -> list[Metric]:
    """A CDN edge: per family, whether (and for how many CDN sites) it serves the origin's content."""
    out = families(["egov_cdn_edge_up", "egov_cdn_edge_sites_served", "egov_cdn_sites"])
    for family in ("ipv4", "ipv6"):
        out["egov_cdn_edge_up"].add_metric([family], int(result.serves(family)))
        served = sum(ok for (_, f), ok in result.served.items() if f == family)
        out["egov_cdn_edge_sites_served"].add_metric([family], served)
    out["egov_cdn_sites"].add_metric([], sum(w.cdn for w in inventory.websites))
    return list(out.values())
