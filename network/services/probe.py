"""The IPv6 readiness prober: every indicator of the national platform, per website, zone and CDN edge.

Each address family is probed on its own: an AAAA query goes to the resolver over IPv6 and an A query
over IPv4, the IPv6 page is fetched from the AAAA address only (no happy-eyeballs and no fallback, so a
blackholed IPv6 listener is a failure, not a silent IPv4 success). TLS is verified (against the lab CA
in a lab). The crawl follows the home page's links to second- and third-level pages (depth 3),
bounded in pages and time; when the deadline comes, the result says what was measured so far.

Indicators per website (docs/services.md):
  aaaa          the host has an AAAA record (asked of the extranet resolver, over IPv6)
  delegation    its zone's delegation is complete over IPv6: the parent (asked over IPv6) gives AAAA
                glue for every in-zone name server, and every name server answers over IPv6
  home_v6       the home page answers 2xx over IPv6
  success_rate  share of repeated IPv6 home-page probes that succeeded
  same_content  the home page's bytes are the same over IPv4 and IPv6
  links_l2/l3   share of second- / third-level links whose page answers over IPv6
  latency       IPv6 against IPv4: DNS resolution, TCP connect, first byte, whole page (ratios v6/v4)
The score (0–100) weighs them as :data:`WEIGHTS` says.
"""

from __future__ import annotations

import hashlib
import http.client
import socket
import ssl
import statistics
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from ipaddress import ip_address
from typing import Any
from urllib.parse import urljoin, urlsplit

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from network.devices.transport import TargetRefused
from network.inventory import Inventory
from network.inventory.model import CdnEdge, Resolver, Website, Zone
from network.services.reach import Reach, ReachError
from network.services.records import fqdn

MAX_DEPTH = 3  # home page, second-level, third-level
MAX_PAGES = 24  # per site and family
REPEATS = 3
LATENCY_SLACK = 1.2  # IPv6 may be 20% slower than IPv4 before the latency points shrink
WEIGHTS: dict[str, float] = {
    "aaaa": 15,
    "delegation": 10,
    "home_v6": 20,
    "success_rate": 10,
    "same_content": 10,
    "links_l2": 15,
    "links_l3": 10,
    "latency": 10,
}
TIMEOUT = 3.0
CRAWL_WORKERS = 4  # hosts of one crawl level fetched side by side


class Deadline:
    """Seconds left until a fixed moment; every network wait is bounded by it."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self, cap: float = TIMEOUT) -> float:
        """Seconds to wait at most now (never more than ``cap``, never below a small floor)."""
        return max(0.05, min(cap, self.end - time.monotonic()))

    @property
    def over(self) -> bool:
        """True once the moment has passed."""
        return time.monotonic() >= self.end


@dataclass
class Fetch:
    """One HTTPS GET over one family."""

    ok: bool
    status: int = 0
    error: str = ""
    connect: float = 0.0
    first_byte: float = 0.0
    total: float = 0.0
    digest: str = ""
    body: bytes = b""


def _family(address: str) -> int:
    return socket.AF_INET6 if ip_address(address).version == 6 else socket.AF_INET


class _Connection(http.client.HTTPSConnection):
    """HTTPS to one address of one family (SNI and Host are the site's name), timing the connect."""

    def __init__(self, host: str, address: tuple[str, int], context: ssl.SSLContext, timeout: float) -> None:
        super().__init__(host, address[1], context=context, timeout=timeout)
        self._address = address
        self._context = context
        self.connect_seconds = 0.0

    def connect(self) -> None:
        started = time.monotonic()
        sock = socket.socket(_family(self._address[0]), socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._address)
        except OSError:
            sock.close()
            raise
        self.connect_seconds = time.monotonic() - started
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Session:
    """HTTPS to one address of one family for one host, the connection kept alive between requests (the
    crawl's pages of one host share it, as a browser's would); reopened once if the server closed it."""

    def __init__(self, reach: Reach, host: str, address: str, context: ssl.SSLContext) -> None:
        self.reach, self.host, self.address, self.context = reach, host, address, context
        self._connection: _Connection | None = None

    def get(self, path: str, deadline: Deadline) -> Fetch:
        """GET ``https://host/path`` from the address only."""
        try:
            target = self.reach.web(self.address)
        except (ReachError, TargetRefused) as problem:
            return Fetch(False, error=str(problem))
        for attempt in (1, 2):
            reused = self._connection is not None
            if self._connection is None:
                self._connection = _Connection(self.host, target, self.context, deadline.left())
            try:
                return self._get(self._connection, path, deadline)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as problem:
                self.close()
                if not reused or attempt == 2:
                    return Fetch(False, error=f"{type(problem).__name__}: {problem}".rstrip(": "))
            except ssl.SSLError as problem:
                self.close()
                return Fetch(False, error=f"TLS: {problem.reason or problem}")
            except (OSError, http.client.HTTPException) as problem:
                self.close()
                return Fetch(False, error=f"{type(problem).__name__}: {problem}".rstrip(": "))
        return Fetch(False, error="unreachable")  # pragma: no cover - the loop always returns

    def _get(self, connection: _Connection, path: str, deadline: Deadline) -> Fetch:
        started = time.monotonic()
        connection.timeout = deadline.left()
        if connection.sock is not None:
            connection.sock.settimeout(connection.timeout)
        connection.connect_seconds = 0.0
        connection.request("GET", path, headers={"Host": self.host, "User-Agent": "egov-ipv6-prober"})
        response = connection.getresponse()
        first = time.monotonic() - started
        body = b""
        while not deadline.over:
            chunk = response.read(16384)
            if not chunk:
                break
            body += chunk
        if not deadline.over or response.isclosed():
            total = time.monotonic() - started
            ok = 200 <= response.status < 400
            error = "" if ok else f"HTTP {response.status}"
            digest = hashlib.sha256(body).hexdigest()
            if response.will_close:
                self.close()
            return Fetch(ok, response.status, error, connection.connect_seconds, first, total, digest, body)
        self.close()
        return Fetch(
            False, response.status, "deadline reached during the transfer", connection.connect_seconds, first
        )

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def fetch(
    reach: Reach, host: str, address: str, path: str, deadline: Deadline, context: ssl.SSLContext
) -> Fetch:
    """GET ``https://host/path`` from ``address`` only, on a connection of its own (timed from connect)."""
    session = Session(reach, host, address, context)
    try:
        return session.get(path, deadline)
    finally:
        session.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value:
                    self.links.append(value)


def links_of(body: bytes, base: str) -> list[str]:
    """Absolute https links of a page, in order, without fragments and repeats."""
    parser = _Links()
    try:
        parser.feed(body.decode("utf-8", errors="replace"))
    except Exception:  # a page we cannot parse has no links we can follow
        return []
    seen: dict[str, None] = {}
    for link in parser.links:
        absolute = urljoin(base, link).split("#", 1)[0]
        if urlsplit(absolute).scheme == "https":
            seen.setdefault(absolute, None)
    return list(seen)


@dataclass
class Query:
    """One DNS query's answer."""

    ok: bool
    addresses: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""
    sent: int = 0  # queries sent for it (0: answered from the run's cache)


class Resolvers:
    """The extranet's resolvers: A asked over IPv4, AAAA over IPv6, answers cached for one run."""

    def __init__(self, reach: Reach, inventory: Inventory) -> None:
        self.reach = reach
        self.v4 = [str(r.ipv4) for r in inventory.resolvers if r.ipv4 is not None]
        self.v6 = [str(r.ipv6) for r in inventory.resolvers if r.ipv6 is not None]
        self._cache: dict[tuple[str, str], Query] = {}

    def ask(self, name: str, rtype: str, deadline: Deadline) -> Query:
        """``name``'s ``rtype`` (A over IPv4 transport, AAAA over IPv6), the first resolver that answers."""
        key = (fqdn(name), rtype)
        if key in self._cache:
            return replace(self._cache[key], sent=0)
        servers = self.v4 if rtype == "A" else self.v6
        result = Query(False, error=f"no resolver over IPv{4 if rtype == 'A' else 6}")
        sent = 0
        for server in servers:
            result = ask(self.reach, server, name, rtype, deadline, recursive=True)
            sent += 1
            if result.ok or not result.error:
                break
        result = replace(result, sent=sent)
        self._cache[key] = result
        return result


def ask(reach: Reach, server: str, name: str, rtype: str, deadline: Deadline, recursive: bool) -> Query:
    """One query to one server (UDP, TCP on truncation), timed."""
    try:
        host, port = reach.dns(server)
    except (ReachError, TargetRefused) as problem:
        return Query(False, error=str(problem))
    query = dns.message.make_query(fqdn(name), rtype)
    if not recursive:
        query.flags &= ~dns.flags.RD
    started = time.monotonic()
    try:
        response, _ = dns.query.udp_with_fallback(query, host, timeout=deadline.left(), port=port)
    except (OSError, dns.exception.DNSException) as problem:
        return Query(False, seconds=time.monotonic() - started, error=f"{server}: {type(problem).__name__}")
    seconds = time.monotonic() - started
    if response.rcode() != dns.rcode.NOERROR:
        return Query(False, seconds=seconds, error=f"{server}: {dns.rcode.to_text(response.rcode())}")
    wanted = dns.rdatatype.from_text(rtype)
    values = [item.to_text() for rrset in response.answer if rrset.rdtype == wanted for item in rrset]
    return Query(bool(values), sorted(values), seconds)


@dataclass
class Delegation:
    """A zone's delegation as seen over IPv6 (Zonemaster's and the national platform's questions)."""

    zone: str
    parent_v6: bool = False  # a parent server answered over IPv6
    nameservers: int = 0
    glue_aaaa: int = 0  # in-zone name servers with AAAA glue from the parent
    in_zone: int = 0
    answering_v6: int = 0  # name servers that answered authoritatively over IPv6
    problems: list[str] = field(default_factory=list)
    queries: int = 0  # DNS queries sent to find this out

    @property
    def complete(self) -> bool:
        """Parent over IPv6, AAAA glue for every in-zone server, every server answering over IPv6."""
        return (
            self.parent_v6
            and self.glue_aaaa == self.in_zone
            and self.nameservers > 0
            and (self.answering_v6 == self.nameservers)
        )


def check_delegation(reach: Reach, zone: Zone, resolvers: Resolvers, deadline: Deadline) -> Delegation:
    """Ask the parent (over IPv6) for ``zone``'s NS, then each name server over IPv6 for the SOA."""
    out = Delegation(fqdn(zone.name))
    referral = _referral(reach, zone, out, deadline)
    if referral is None:
        out.problems.append("no parent server answered over IPv6")
        return out
    names = sorted({item.target.to_text() for rrset in (*referral.authority, *referral.answer)
                    if rrset.rdtype == dns.rdatatype.NS for item in rrset})  # fmt: skip
    glue = {rrset.name.to_text(): [i.to_text() for i in rrset] for rrset in referral.additional
            if rrset.rdtype == dns.rdatatype.AAAA}  # fmt: skip
    out.nameservers = len(names)
    for name in names:
        inside = name == out.zone or name.endswith("." + out.zone)
        addresses = glue.get(name, [])
        if inside:
            out.in_zone += 1
            if addresses:
                out.glue_aaaa += 1
            else:
                out.problems.append(f"{name}: no AAAA glue from the parent")
        else:
            answer = resolvers.ask(name, "AAAA", deadline)
            out.queries += answer.sent
            addresses = answer.addresses
            if not addresses:
                out.problems.append(f"{name}: no AAAA")
        if _any_authoritative(reach, addresses, out, deadline):
            out.answering_v6 += 1
        elif addresses:
            out.problems.append(f"{name}: does not answer for {out.zone} over IPv6")
    return out


def _referral(reach: Reach, zone: Zone, out: Delegation, deadline: Deadline) -> dns.message.Message | None:
    """The first parent server's answer to ``zone``'s NS over IPv6 (None: none answered)."""
    for server in zone.parent_servers:
        if server.ipv6 is None:
            continue
        try:
            host, port = reach.dns(str(server.ipv6))
            query = dns.message.make_query(out.zone, "NS")
            query.flags &= ~dns.flags.RD
            out.queries += 1
            referral, _ = dns.query.udp_with_fallback(query, host, timeout=deadline.left(), port=port)
            out.parent_v6 = True
            return referral
        except (OSError, dns.exception.DNSException, ReachError, TargetRefused) as problem:
            out.problems.append(f"parent {server.name} over IPv6: {type(problem).__name__}")
    return None


def _any_authoritative(reach: Reach, addresses: list[str], out: Delegation, deadline: Deadline) -> bool:
    """One of a name server's IPv6 addresses answers authoritatively for the zone (queries counted)."""
    for address in addresses:
        out.queries += 1
        if _authoritative(reach, address, out.zone, deadline):
            return True
    return False


def _authoritative(reach: Reach, address: str, zone: str, deadline: Deadline) -> bool:
    try:
        host, port = reach.dns(address)
        query = dns.message.make_query(zone, "SOA")
        query.flags &= ~dns.flags.RD
        response, _ = dns.query.udp_with_fallback(query, host, timeout=deadline.left(), port=port)
    except (OSError, dns.exception.DNSException, ReachError, TargetRefused):
        return False
    return bool(response.flags & dns.flags.AA) and response.rcode() == dns.rcode.NOERROR


@dataclass
class SiteResult:
    """Every indicator of one website, and its score."""

    website: Website
    aaaa: bool = False
    a: bool = False
    dns_v4: float | None = None
    dns_v6: float | None = None
    home_v4: Fetch | None = None
    home_v6: Fetch | None = None
    success_rate: float = 0.0
    same_content: bool = False
    links: dict[int, tuple[int, int]] = field(default_factory=dict)  # level -> (supported, total)
    delegation: Delegation | None = None
    complete: bool = True  # False when the deadline cut the crawl short
    problems: list[str] = field(default_factory=list)
    http_requests: int = 0  # what the probe cost the sites: HTTPS requests sent
    dns_queries: int = 0  # and DNS queries sent (the delegation's included)

    def rate(self, level: int) -> float:
        """Share of links at ``level`` that answer over IPv6 (1.0 when there are none)."""
        supported, total = self.links.get(level, (0, 0))
        return supported / total if total else (1.0 if self.home_v6 and self.home_v6.ok else 0.0)

    def latency_ratio(self, what: str) -> float | None:
        """IPv6 over IPv4 for ``dns``, ``connect``, ``first_byte`` or ``total`` (None: not both measured)."""
        if what == "dns":
            v4, v6 = self.dns_v4, self.dns_v6
        else:
            if not (self.home_v4 and self.home_v4.ok and self.home_v6 and self.home_v6.ok):
                return None
            v4, v6 = getattr(self.home_v4, what), getattr(self.home_v6, what)
        if v4 is None or v6 is None or v4 <= 0:
            return None
        return float(v6 / v4)

    @property
    def ready(self) -> bool:
        """IPv6-ready: AAAA, home page over IPv6, the same content as over IPv4."""
        return self.aaaa and bool(self.home_v6 and self.home_v6.ok) and self.same_content

    def parts(self) -> dict[str, float]:
        """Each indicator as a fraction in [0, 1] (what the score weighs)."""
        home = bool(self.home_v6 and self.home_v6.ok)
        ratio = self.latency_ratio("total")
        latency = 0.0 if ratio is None else min(1.0, LATENCY_SLACK / ratio) if ratio > LATENCY_SLACK else 1.0
        return {
            "aaaa": float(self.aaaa),
            "delegation": float(bool(self.delegation and self.delegation.complete)),
            "home_v6": float(home),
            "success_rate": self.success_rate,
            "same_content": float(self.same_content),
            "links_l2": self.rate(2) if home else 0.0,
            "links_l3": self.rate(3) if home else 0.0,
            "latency": latency if home else 0.0,
        }

    @property
    def score(self) -> float:
        """0–100: the indicators weighted by WEIGHTS."""
        return round(sum(WEIGHTS[k] * v for k, v in self.parts().items()), 1)


class Prober:
    """Probe websites, zones and CDN edges of one inventory through one Reach."""

    def __init__(
        self, inventory: Inventory, reach: Reach, repeats: int = REPEATS, max_pages: int = MAX_PAGES
    ) -> None:
        self.inventory, self.reach, self.repeats, self.max_pages = inventory, reach, repeats, max_pages
        self.resolvers = Resolvers(reach, inventory)
        self.context = reach.tls()
        self._delegations: dict[str, Delegation] = {}
        self._hosts = {w.host.rstrip("."): w for w in inventory.websites}

    def delegation(self, zone: Zone, deadline: Deadline) -> Delegation:
        """The zone's delegation (asked once per prober)."""
        return self._delegation(zone, deadline)[0]

    def _delegation(self, zone: Zone, deadline: Deadline) -> tuple[Delegation, bool]:
        """The zone's delegation, and whether it was asked now (False: this prober knew it)."""
        key = fqdn(zone.name)
        if key in self._delegations:
            return self._delegations[key], False
        found = self._delegations[key] = check_delegation(self.reach, zone, self.resolvers, deadline)
        return found, True

    def site(self, website: Website, seconds: float = 20.0) -> SiteResult:
        """Every indicator of ``website`` within ``seconds`` (its zone's delegation asked meanwhile)."""
        deadline = Deadline(seconds)
        host = website.host.rstrip(".")
        zone = self.inventory.zone_of(host)
        with ThreadPoolExecutor(max_workers=1) as side:
            delegation = side.submit(self._delegation, zone, deadline) if zone is not None else None
            out = self._site(website, host, deadline)
            if delegation is not None:
                out.delegation, asked = delegation.result()
                out.dns_queries += out.delegation.queries if asked else 0
        return out

    def _site(self, website: Website, host: str, deadline: Deadline) -> SiteResult:
        out = SiteResult(website)
        a = self.resolvers.ask(host, "A", deadline)
        aaaa = self.resolvers.ask(host, "AAAA", deadline)
        out.dns_queries += a.sent + aaaa.sent
        out.a, out.aaaa = a.ok, aaaa.ok
        out.dns_v4, out.dns_v6 = (a.seconds if a.ok else None), (aaaa.seconds if aaaa.ok else None)
        if a.error:
            out.problems.append(f"A: {a.error}")
        if not aaaa.ok:
            out.problems.append("no AAAA record" + (f" ({aaaa.error})" if aaaa.error else ""))
        if a.ok:
            out.home_v4 = fetch(self.reach, host, a.addresses[0], "/", deadline, self.context)
            out.http_requests += 1
        if not aaaa.ok:
            return out
        v6 = aaaa.addresses[0]
        tries = [
            fetch(self.reach, host, v6, "/", deadline, self.context) for _ in range(max(1, self.repeats))
        ]
        out.http_requests += len(tries)
        good = [t for t in tries if t.ok]
        out.success_rate = len(good) / len(tries)
        out.home_v6 = good[0] if good else tries[0]
        if not good:
            out.problems.append(f"home page over IPv6: {tries[0].error}")
            return out
        if good:  # the median of the successful tries stands for the site
            out.home_v6 = sorted(good, key=lambda f: f.total)[len(good) // 2]
        out.same_content = bool(out.home_v4 and out.home_v4.ok and out.home_v4.digest == out.home_v6.digest)
        if out.home_v4 and out.home_v4.ok and not out.same_content:
            out.problems.append("the home page differs over IPv4 and IPv6")
        self._crawl(out, host, deadline)
        return out

    def _crawl(self, out: SiteResult, host: str, deadline: Deadline) -> None:
        """Breadth first to MAX_DEPTH, within max_pages and the deadline. Each level's pages are fetched
        host by host over one kept-alive connection per host, the hosts side by side."""
        assert out.home_v6 is not None
        seen = {f"https://{host}/"}
        frontier = links_of(out.home_v6.body, f"https://{host}/")
        fetched = 0
        for level in range(2, MAX_DEPTH + 1):
            wanted = [link for link in dict.fromkeys(frontier) if link not in seen]
            seen.update(wanted)
            if not wanted:
                return
            room = self.max_pages - fetched
            if deadline.over or room < len(wanted):
                out.complete = False
                wanted = [] if deadline.over else wanted[: max(0, room)]
            by_host: dict[str, list[str]] = {}
            for link in wanted:
                by_host.setdefault((urlsplit(link).hostname or "").lower(), []).append(link)
            workers = max(1, min(CRAWL_WORKERS, len(by_host)))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                answers = list(
                    pool.map(lambda item: self._pages(item[0], item[1], deadline), by_host.items())
                )
            frontier = []
            supported = total = 0
            for sent, pages in answers:
                out.dns_queries += sent
                for link, page in pages:
                    total += 1
                    fetched += page is not None
                    out.http_requests += page is not None
                    supported += bool(page and page.ok)
                    same_site = (urlsplit(link).hostname or "").lower() == host
                    if page and page.ok and level < MAX_DEPTH and same_site:
                        frontier += links_of(page.body, link)
            out.links[level] = (supported, total)
            if not out.complete:
                return

    def _pages(
        self, target: str, links: list[str], deadline: Deadline
    ) -> tuple[int, list[tuple[str, Fetch | None]]]:
        """The DNS queries sent, and the pages of one host over IPv6 (None: the host has no AAAA),
        fetched over one connection."""
        answer = self.resolvers.ask(target, "AAAA", deadline)
        if not answer.ok:
            return answer.sent, [(link, None) for link in links]
        session = Session(self.reach, target, answer.addresses[0], self.context)
        try:
            return answer.sent, [(link, session.get(urlsplit(link).path or "/", deadline)) for link in links]
        finally:
            session.close()

    def zones(self, seconds: float = 10.0) -> list[Delegation]:
        """Every zone's delegation over IPv6."""
        deadline = Deadline(seconds)
        return [self.delegation(zone, deadline) for zone in self.inventory.zones]

    def sites(
        self, websites: Iterable[Website], seconds: float = 50.0, workers: int = 16
    ) -> list[SiteResult]:
        """Every site in parallel, all within ``seconds``."""
        chosen = list(websites)
        end = time.monotonic() + seconds
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(chosen) or 1))) as pool:
            return list(pool.map(lambda w: self.site(w, max(0.5, end - time.monotonic())), chosen))

    def edge(self, edge: CdnEdge, seconds: float = 10.0) -> EdgeResult:
        """Whether ``edge`` serves each CDN site over each family, with the origin's content."""
        deadline = Deadline(seconds)
        out = EdgeResult(edge)
        for website in (w for w in self.inventory.websites if w.cdn):
            host = website.host.rstrip(".")
            origin = self.resolvers.ask(host, "A", deadline)
            reference = (
                fetch(self.reach, host, origin.addresses[0], "/", deadline, self.context)
                if origin.ok
                else None
            )
            for family, address in (("ipv4", edge.ipv4), ("ipv6", edge.ipv6)):
                if address is None:
                    out.served[(host, family)] = False
                    continue
                page = fetch(self.reach, host, str(address), "/", deadline, self.context)
                same = bool(page.ok and reference and reference.ok and page.digest == reference.digest)
                out.served[(host, family)] = same
                if not same:
                    out.problems.append(
                        f"{host} over {family}: {page.error or 'content differs from the origin'}"
                    )
        return out


@dataclass
class EdgeResult:
    """A CDN edge: (host, family) -> served with the origin's content."""

    edge: CdnEdge
    served: dict[tuple[str, str], bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def serves(self, family: str) -> bool:
        """True when every CDN site is served over ``family``."""
        values = [ok for (_, f), ok in self.served.items() if f == family]
        return bool(values) and all(values)


@dataclass
class Summary:
    """Per department and city: sites, ready sites, mean score; CDN edges over IPv6; zones complete."""

    departments: dict[str, tuple[int, int, float]]
    city: tuple[int, int, float]
    edges_v6: tuple[int, int]
    zones_complete: tuple[int, int]
    resolvers_v6: tuple[int, int]

    @property
    def services_ratio(self) -> float:
        """What m04-dns-cdn measures: zones, resolvers, websites and edges that pass over IPv6."""
        passing = self.zones_complete[0] + self.resolvers_v6[0] + self.city[1] + self.edges_v6[0]
        total = self.zones_complete[1] + self.resolvers_v6[1] + self.city[0] + self.edges_v6[1]
        return passing / total if total else 1.0


def summarise(
    sites: list[SiteResult],
    edges: list[EdgeResult],
    delegations: Iterable[Delegation],
    resolvers: tuple[int, int],
) -> Summary:
    """Roll the results up per department and for the city."""
    by_department: dict[str, list[SiteResult]] = {}
    for result in sites:
        by_department.setdefault(result.website.department, []).append(result)

    def roll(results: list[SiteResult]) -> tuple[int, int, float]:
        return (
            len(results),
            sum(r.ready for r in results),
            round(statistics.fmean(r.score for r in results), 1) if results else 0.0,
        )

    zones = list(delegations)
    return Summary(
        {d: roll(r) for d, r in sorted(by_department.items())},
        roll(sites),
        (sum(e.serves("ipv6") for e in edges), len(edges)),
        (sum(z.complete for z in zones), len(zones)),
        resolvers,
    )


def resolver_answers(prober: Prober, resolver: Resolver, deadline: Deadline) -> dict[str, Query | None]:
    """Family -> the resolver's answer to a recursive query for the first zone's SOA over that family
    (None: no address planned in it). With no zone, the root's SOA is asked."""
    zone = next(iter(prober.inventory.zones), None)
    name = zone.name if zone is not None else "."
    return {
        family: None if address is None else ask(prober.reach, str(address), name, "SOA", deadline, True)
        for family, address in (("ipv4", resolver.ipv4), ("ipv6", resolver.ipv6))
    }


def resolvers_answering(prober: Prober, deadline: Deadline) -> tuple[int, int]:
    """Resolvers that answer over IPv6, of all the inventory's resolvers (one without IPv6 fails)."""
    results = [resolver_answers(prober, r, deadline)["ipv6"] for r in prober.inventory.resolvers]
    return sum(bool(q and q.ok) for q in results), len(results)


def as_json(result: SiteResult) -> dict[str, Any]:
    """A site's result as JSON (``egov ipv6 check --format json``)."""

    def timing(f: Fetch | None) -> dict[str, Any] | None:
        if f is None:
            return None
        return {"ok": f.ok, "status": f.status, "error": f.error or None, "connect_s": round(f.connect, 4),
                "first_byte_s": round(f.first_byte, 4), "total_s": round(f.total, 4)}  # fmt: skip

    return {
        "website": result.website.id,
        "host": result.website.host,
        "department": result.website.department,
        "score": result.score,
        "ready": result.ready,
        "indicators": result.parts(),
        "aaaa": result.aaaa,
        "home": {"ipv4": timing(result.home_v4), "ipv6": timing(result.home_v6)},
        "success_rate": result.success_rate,
        "same_content": result.same_content,
        "links": {f"level{k}": {"ipv6": v[0], "total": v[1]} for k, v in sorted(result.links.items())},
        "latency_ratio": {k: result.latency_ratio(k) for k in ("dns", "connect", "first_byte", "total")},
        "delegation": None
        if result.delegation is None
        else {
            "zone": result.delegation.zone,
            "complete": result.delegation.complete,
            "nameservers": result.delegation.nameservers,
            "answering_v6": result.delegation.answering_v6,
            "glue_aaaa": result.delegation.glue_aaaa,
            "in_zone": result.delegation.in_zone,
            "problems": result.delegation.problems,
        },
        "complete": result.complete,
        "requests": {"https": result.http_requests, "dns": result.dns_queries},
        "problems": result.problems,
    }


Progress = Callable[[SiteResult], None]
