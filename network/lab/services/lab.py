"""The services lab: real knot, unbound and nginx serving a city's zones, websites and CDN edges on loopback.

Production addresses stay what the inventory and the lock say: the zones knot serves are the very files
`egov dns zones` writes (documentation addresses in every record). What the lab changes is where each
address *listens*: every planned address gets its own listener on loopback, ``127.0.0.1:PORT`` for an
IPv4 address and ``[::1]:PORT`` for an IPv6 one, and services-lab.json maps one to the other. The
prober and blackbox_exporter follow that map, exactly as the device lab's lab.json stands in for
management addresses. Sites sharing an address (cloud projects repeat their IPv4 block) share a
listener and are told apart by SNI and Host, as name-based virtual hosts are.

- knot (authoritative): the city's zones and a stand-in parent zone holding the delegations and their
  glue, on one listener per name server address; dynamic updates signed with the lab's TSIG key.
- unbound (recursive, the extranet's resolvers): a stub zone per city zone pointing at knot's
  listeners; everything else is forwarded to knot too (which refuses it), so nothing leaves loopback.
- nginx: a TLS server per website and family (certificates from the lab CA), pages linking to second-
  and third-level pages; CDN edges as caching proxies in front of the origins.

Conditions (``ServicesConditions``) are applied while it runs: a website without AAAA (a real dynamic
update), its IPv6 listener down, other content or a slow transfer over IPv6 (nginx reloaded); a name
server without IPv6 (its AAAA and glue removed by update); a CDN edge's IPv6 listener down.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import dns.message
import dns.query

from network.inventory.model import Zone
from network.lab.services.pages import write_site
from network.lab.systems.pki import LabCA
from network.services import update
from network.services.context import ServicesContext
from network.services.records import ZonePlan, delegation, fqdn, parent_of, parent_server_records
from network.services.zonefile import filename, next_serial, render

SITE_CONDITIONS = ("no-aaaa", "v6-down", "v6-content", "v6-slow")
NAMESERVER_CONDITIONS = ("no-ipv6",)
EDGE_CONDITIONS = ("v6-down",)
SLOW_RATE = "2k"  # bytes/s on a slow IPv6 listener: a 6 KB page takes about 3 s
TSIG_KEY_NAME = "egov-update"


class ServicesLabError(Exception):
    """The services lab cannot start or apply a condition (names the program or the target)."""


@dataclass
class ServicesConditions:
    """What is broken now: per website host, per name server name, per CDN edge id."""

    sites: dict[str, list[str]] = field(default_factory=dict)
    nameservers: dict[str, list[str]] = field(default_factory=dict)
    edges: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The control file's document."""
        return {
            "sites": {k: sorted(v) for k, v in sorted(self.sites.items()) if v},
            "nameservers": {k: sorted(v) for k, v in sorted(self.nameservers.items()) if v},
            "edges": {k: sorted(v) for k, v in sorted(self.edges.items()) if v},
        }

    @classmethod
    def from_json(cls, document: Any, where: str = "conditions") -> ServicesConditions:
        """Read a control document; unknown keys and conditions are errors naming them."""
        if not isinstance(document, dict):
            raise ServicesLabError(f"{where}: not a JSON object")
        out = cls()
        for key, allowed in (
            ("sites", SITE_CONDITIONS),
            ("nameservers", NAMESERVER_CONDITIONS),
            ("edges", EDGE_CONDITIONS),
        ):
            part = document.get(key, {})
            if not isinstance(part, dict):
                raise ServicesLabError(f"{where}: {key}: not an object")
            for target, conditions in part.items():
                if not isinstance(conditions, list) or any(c not in allowed for c in conditions):
                    raise ServicesLabError(
                        f"{where}: {key}.{target}: {conditions!r}; conditions are {', '.join(allowed)}"
                    )
                getattr(out, key)[str(target)] = sorted(set(conditions))
        for key in document:
            if key not in ("sites", "nameservers", "edges"):
                raise ServicesLabError(f"{where}: unknown key {key!r} (sites, nameservers, edges)")
        return out

    def has(self, kind: str, target: str, condition: str) -> bool:
        """True when ``condition`` holds for ``target`` of ``kind``."""
        return condition in getattr(self, kind).get(target, [])


def _free_port(family: int) -> int:
    host = "127.0.0.1" if family == socket.AF_INET else "::1"
    for _ in range(200):
        with socket.socket(family, socket.SOCK_STREAM) as tcp:
            tcp.bind((host, 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(family, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind((host, port))
                except OSError:
                    continue
            return port
    raise ServicesLabError(f"no free port on {host}")


@dataclass(frozen=True)
class Listener:
    """Where a planned address answers in the lab."""

    host: str
    port: int

    def url_host(self) -> str:
        """``127.0.0.1:PORT`` or ``[::1]:PORT``."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


class AddressMap:
    """Planned address -> its lab listener, one per address and service (DNS or web)."""

    def __init__(self) -> None:
        self.dns: dict[str, Listener] = {}
        self.web: dict[str, Listener] = {}

    def add(self, table: dict[str, Listener], address: object) -> Listener:
        """The listener of ``address`` in ``table``, made on first use."""
        text = str(ip_address(str(address)))
        if text not in table:
            family = socket.AF_INET if ip_address(text).version == 4 else socket.AF_INET6
            table[text] = Listener("127.0.0.1" if family == socket.AF_INET else "::1", _free_port(family))
        return table[text]


class _Program:
    """A server program the lab started (stopped by its pid)."""

    def __init__(self, name: str, command: list[str], log: Path) -> None:
        self.name = name
        with log.open("w", encoding="utf-8") as stream:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=stream, stderr=subprocess.STDOUT
            )
        self.log = log

    def check(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            raise ServicesLabError(f"{self.name} exited ({self.process.returncode}): {' | '.join(tail)}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _program(name: str) -> str:
    for folder in ("/usr/sbin", "/usr/bin", "/sbin", "/bin"):
        if Path(folder, name).exists():
            return str(Path(folder, name))
    found = shutil.which(name)
    if found is None:
        raise ServicesLabError(f"{name} is not installed (Debian: apt-get install knot unbound nginx-light)")
    return found


class ServicesLab:
    """Build the configuration, start knot, unbound and nginx, describe the lab, apply conditions, stop."""

    def __init__(
        self, directory: Path, context: ServicesContext, tsig: update.TsigKey, tsig_reference: str
    ) -> None:
        self.directory, self.context, self.tsig, self.tsig_reference = (
            directory,
            context,
            tsig,
            tsig_reference,
        )
        self.inventory = context.inventory
        self.map = AddressMap()
        self.programs: list[_Program] = []
        self.conditions = ServicesConditions()
        self.ca: LabCA | None = None
        self._sites = {w.host.rstrip("."): context.sites[w.id] for w in self.inventory.websites}
        self._parents: dict[str, ZonePlan] = {}

    # --- layout -------------------------------------------------------------------------------

    def _listeners(self) -> None:
        for zone in self.inventory.zones:
            for server in (*zone.servers, *zone.parent_servers):
                for address in server.addresses():
                    self.map.add(self.map.dns, address)
        for resolver in self.inventory.resolvers:
            for address in resolver.addresses():
                self.map.add(self.map.dns, address)
        for site in self._sites.values():
            for address in (site.ipv4, site.ipv6):
                if address is not None:
                    self.map.add(self.map.web, address)
        for edge in self.inventory.cdn_edges:
            for address in edge.addresses():
                self.map.add(self.map.web, address)

    def _parent_plans(self) -> dict[str, ZonePlan]:
        """A stand-in parent zone for each parent the city's zones name (with their delegations)."""
        plans: dict[str, ZonePlan] = {}
        for zone in self.inventory.zones:
            parent = parent_of(zone)
            if parent in self.context.zones or not zone.parent_servers:
                continue
            if parent not in plans:
                stand_in = Zone.model_validate(
                    {
                        "id": "parent",
                        "name": parent,
                        "primary": zone.parent_servers[0].name,
                        "servers": [s.model_dump(mode="json") for s in zone.parent_servers],
                    }
                )
                plans[parent] = ZonePlan(stand_in, list(parent_server_records(zone)))
            plans[parent].records.extend(delegation(zone))
        for plan in plans.values():
            plan.records = sorted(set(plan.records))
        return plans

    def _knot(self, name: str, plans: list[ZonePlan], addresses: set[str]) -> list[str]:
        """One knotd: the city's name servers, or the stand-in parent's (its own process, as in life)."""
        root = self.directory / name
        (root / "zones").mkdir(parents=True, exist_ok=True)
        (root / "db").mkdir(exist_ok=True)
        serial = next_serial(None, dt.date.today())
        for plan in plans:
            (root / "zones" / filename(plan.zone.name)).write_text(render(plan, serial), encoding="utf-8")
        keys = root / "keys.conf"
        keys.touch(mode=0o600)
        key = self.tsig
        keys.write_text(
            f"key:\n  - id: {key.name}\n    algorithm: {key.algorithm}\n    secret: {key.secret}\n",
            encoding="utf-8",
        )
        listen = ", ".join(f"{self.map.dns[a].host}@{self.map.dns[a].port}" for a in sorted(addresses))
        zones = "".join(f"  - domain: {plan.origin}\n    acl: update\n" for plan in plans)
        config = (
            f"# the services lab's authoritative server: {name} (egov lab up --services)\n"
            f"server:\n  rundir: {root}\n  listen: [ {listen} ]\n"
            f"log:\n  - target: stderr\n    any: info\n"
            f"database:\n  storage: {root / 'db'}\n"
            f"include: {keys}\n"
            f"acl:\n  - id: update\n    key: {self.tsig.name}\n    action: update\n"
            f'template:\n  - id: default\n    storage: {root / "zones"}\n    file: "%s.zone"\n'
            "    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: changes\n"
            "    semantic-checks: on\n"
            f"zone:\n{zones}"
        )
        (root / "knot.conf").write_text(config, encoding="utf-8")
        return [_program("knotd"), "-c", str(root / "knot.conf")]

    def _authoritative(self) -> list[tuple[str, list[str]]]:
        """The two knotd commands: the city's servers and the stand-in parent's."""
        self._parents = self._parent_plans()
        city = {
            str(ip_address(str(a))) for z in self.inventory.zones for s in z.servers for a in s.addresses()
        }
        parent = {
            str(ip_address(str(a)))
            for z in self.inventory.zones
            for s in z.parent_servers
            for a in s.addresses()
        } - city
        out = [("knotd", self._knot("knot", list(self.context.zones.values()), city))]
        if self._parents and parent:
            out.append(("knotd-parent", self._knot("knot-parent", list(self._parents.values()), parent)))
        return out

    def _resolver_listeners(self) -> set[Listener]:
        return {
            self.map.dns[str(ip_address(str(a)))] for r in self.inventory.resolvers for a in r.addresses()
        }

    def _is_resolver(self, listener: Listener) -> bool:
        return listener in self._resolver_listeners()

    def _unbound(self) -> list[str]:
        root = self.directory / "unbound"
        root.mkdir(parents=True, exist_ok=True)
        lines = [
            "# the services lab's recursive resolvers (egov lab up --services)",
            "server:",
            *(
                f"  interface: {v.host}@{v.port}"
                for v in sorted(self._resolver_listeners(), key=lambda v: (v.host, v.port))
            ),
            "  do-daemonize: no",
            '  username: ""',
            '  chroot: ""',
            f'  directory: "{root}"',
            f'  pidfile: "{root / "unbound.pid"}"',
            '  logfile: ""',
            "  use-syslog: no",
            "  verbosity: 1",
            "  do-ip4: yes",
            "  do-ip6: yes",
            "  access-control: 127.0.0.0/8 allow",
            "  access-control: ::1/128 allow",
            "  do-not-query-localhost: no",
            '  module-config: "iterator"',
            "  qname-minimisation: no",
            "  cache-max-ttl: 60",
            "  cache-max-negative-ttl: 10",
            "remote-control:",
            "  control-enable: yes",
            f'  control-interface: "{root / "control.sock"}"',
            "  control-use-cert: no",
        ]
        for zone in self.inventory.zones:
            lines += ["stub-zone:", f'  name: "{fqdn(zone.name)}"']
            for server in zone.servers:
                for address in server.addresses():
                    v = self.map.dns[str(ip_address(str(address)))]
                    lines.append(f"  stub-addr: {v.host}@{v.port}")
        first = next(v for v in self.map.dns.values() if not self._is_resolver(v))
        lines += ["forward-zone:", '  name: "."', f"  forward-addr: {first.host}@{first.port}"]
        (root / "unbound.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return [_program("unbound"), "-d", "-c", str(root / "unbound.conf")]

    def _pages(self) -> None:
        ca = self.ca
        assert ca is not None
        hosts = sorted(self._sites)
        v4_only = [h for h in hosts if self._sites[h].ipv6 is None]
        dual = [h for h in hosts if self._sites[h].ipv6 is not None]
        for i, host in enumerate(hosts):
            others = [
                h
                for h in (
                    v4_only[i % len(v4_only)] if v4_only else None,
                    dual[i % len(dual)] if dual else None,
                )
                if h and h != host
            ]
            title = next(w.name for w in self.inventory.websites if w.host.rstrip(".") == host)
            write_site(self.directory / "sites" / host / "same", host, title, others)
            write_site(
                self.directory / "sites" / host / "other", host, title, others, marker="IPv6 copy out of date"
            )
            ca.issue(host)

    def _nginx_conf(self) -> str:
        root = self.directory / "nginx"
        out = [
            "# the services lab's web servers and CDN edges (egov lab up --services)",
            "daemon off;",
            "master_process on;",
            "worker_processes 1;",
            f"pid {root / 'nginx.pid'};",
            f"error_log {root / 'error.log'} warn;",
        ]
        if os.geteuid() == 0:
            out.append(
                "user root root;  # lab only, on loopback: the lab's files are under the caller's directory"
            )
        out += [
            "events { worker_connections 1024; }",
            "http {",
            "  access_log off;",
            "  types { text/html html; }",
            "  default_type text/html;",
            "  server_tokens off;",
            "  ssl_protocols TLSv1.2 TLSv1.3;",
        ]
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            out.append(f"  {temp}_temp_path {root / 'tmp' / temp};")
        out += self._site_servers()
        out += self._edge_servers()
        out.append("}")
        return "\n".join(out) + "\n"

    def _tls(self, host: str) -> list[str]:
        pki = self.directory / "pki"
        return [
            f"    server_name {host};",
            f"    ssl_certificate {pki / (host + '.crt')};",
            f"    ssl_certificate_key {pki / (host + '.key')};",
        ]

    def _site_servers(self) -> list[str]:
        """A TLS server per website and family, as the conditions leave it."""
        out: list[str] = []
        for host in sorted(self._sites):
            site = self._sites[host]
            for address, v6 in ((site.ipv4, False), (site.ipv6, True)):
                if address is None or (v6 and self.conditions.has("sites", host, "v6-down")):
                    continue
                content = "other" if v6 and self.conditions.has("sites", host, "v6-content") else "same"
                out += [
                    "  server {",
                    f"    listen {self.map.web[str(address)].url_host()} ssl;",
                    *self._tls(host),
                    f"    root {self.directory / 'sites' / host / content};",
                ]
                if v6 and self.conditions.has("sites", host, "v6-slow"):
                    out.append(f"    limit_rate {SLOW_RATE};")
                out.append("  }")
        return out

    def _edge_servers(self) -> list[str]:
        """Each CDN edge: a caching proxy per CDN site on each of its listeners."""
        root, pki = self.directory / "nginx", self.directory / "pki"
        cdn_hosts = [w.host.rstrip(".") for w in self.inventory.websites if w.cdn]
        origins = {h: self.map.web[str(self._sites[h].ipv4)] for h in cdn_hosts if self._sites[h].ipv4}
        out: list[str] = []
        if origins:
            out.append("  map $host $egov_origin {")
            out += [f"    {h} {v.url_host()};" for h, v in sorted(origins.items())]
            out.append("  }")
        for edge in self.inventory.cdn_edges:
            zone = "edge_" + edge.id.replace("-", "_")
            out.append(f"  proxy_cache_path {root / 'cache' / edge.id} keys_zone={zone}:1m max_size=16m;")
            for address in edge.addresses():
                if address.version == 6 and self.conditions.has("edges", edge.id, "v6-down"):
                    continue
                listener = self.map.web[str(address)]
                for host in sorted(origins):
                    out += [
                        "  server {",
                        f"    listen {listener.url_host()} ssl;",
                        *self._tls(host),
                        "    location / {",
                        "      proxy_pass https://$egov_origin;",
                        "      proxy_ssl_server_name on;",
                        "      proxy_ssl_name $host;",
                        "      proxy_ssl_verify on;",
                        f"      proxy_ssl_trusted_certificate {pki / 'ca.pem'};",
                        "      proxy_set_header Host $host;",
                        f"      proxy_cache {zone};",
                        "      proxy_cache_key $scheme$host$request_uri;",
                        "      proxy_cache_valid 200 1m;",
                        f"      add_header X-Egov-Edge {edge.id};",
                        "      add_header X-Cache-Status $upstream_cache_status;",
                        "    }",
                        "  }",
                    ]
        return out

    def _nginx(self) -> list[str]:
        root = self.directory / "nginx"
        (root / "tmp").mkdir(parents=True, exist_ok=True)
        (root / "cache").mkdir(exist_ok=True)
        (root / "nginx.conf").write_text(self._nginx_conf(), encoding="utf-8")
        return [
            _program("nginx"),
            "-p",
            str(root),
            "-c",
            str(root / "nginx.conf"),
            "-e",
            str(root / "error.log"),
        ]

    # --- life ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Write every configuration, start the three programs, wait until each answers."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._listeners()
        self.ca = LabCA(self.directory / "pki")
        self._pages()
        try:
            for name, command in (
                *self._authoritative(),
                ("unbound", self._unbound()),
                ("nginx", self._nginx()),
            ):
                self.programs.append(_Program(name, command, self.directory / f"{name}.log"))
            self._wait()
        except BaseException:
            self.stop()
            raise

    def _wait(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        pending = {"dns": True, "resolver": True, "web": True}
        while any(pending.values()):
            for program in self.programs:
                program.check()
            if time.monotonic() > deadline:
                waiting = ", ".join(k for k, v in pending.items() if v)
                raise ServicesLabError(f"the services lab did not answer within {timeout:.0f} s: {waiting}")
            zone = next(iter(self.context.zones.values()), None)
            if zone is not None and pending["dns"]:
                pending["dns"] = not all(
                    self._answers(v, zone.origin) for v in self.map.dns.values() if not self._is_resolver(v)
                )
            elif zone is None:
                pending["dns"] = False
            if not pending["dns"] and pending["resolver"]:
                pending["resolver"] = zone is not None and not all(
                    self._answers(v, zone.origin, recursive=True) for v in self._resolver_listeners()
                )
            if pending["web"]:
                pending["web"] = not all(self._listening(v) for v in self._live_web())
            time.sleep(0.1)

    def _live_web(self) -> list[Listener]:
        conf = (self.directory / "nginx" / "nginx.conf").read_text(encoding="utf-8")
        return [v for v in self.map.web.values() if f"listen {v.url_host()} ssl;" in conf]

    @staticmethod
    def _answers(listener: Listener, name: str, recursive: bool = False) -> bool:
        query = dns.message.make_query(name, "SOA")
        if not recursive:
            query.flags &= ~dns.flags.RD
        try:
            dns.query.udp(query, listener.host, timeout=0.5, port=listener.port)
        except (OSError, dns.exception.DNSException):
            return False
        return True

    @staticmethod
    def _listening(listener: Listener) -> bool:
        family = socket.AF_INET6 if ":" in listener.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.3)
            return probe.connect_ex((listener.host, listener.port)) == 0

    def stop(self) -> None:
        """Stop every program the lab started (by pid), newest first."""
        for program in reversed(self.programs):
            program.stop()
        self.programs = []
        for name in ("knot", "knot-parent"):
            (self.directory / name / "keys.conf").unlink(missing_ok=True)

    # --- conditions ---------------------------------------------------------------------------

    def _primary(self, zone_name: str) -> update.Server:
        zone = self.inventory.zone_of(zone_name)
        plans = {**self.context.zones, **self._parents}
        plan = plans.get(fqdn(zone_name)) or (plans.get(fqdn(zone.name)) if zone else None)
        if plan is None:
            raise ServicesLabError(f"{zone_name}: no zone of the lab holds it")
        server = next(s for s in plan.zone.servers if fqdn(s.name) == fqdn(plan.zone.primary))
        listener = self.map.dns[str(ip_address(str(server.addresses()[0])))]
        return update.Server(listener.host, listener.port)

    def _parent_zone(self, name: str) -> str | None:
        try:
            return self._zone_holding(name)
        except ServicesLabError:
            return None

    def _zone_holding(self, name: str) -> str:
        plans = {**self.context.zones, **self._parents}
        labels = fqdn(name).split(".")
        for i in range(len(labels) - 1):
            candidate = ".".join(labels[i:])
            if candidate in plans:
                return candidate
        raise ServicesLabError(f"{name}: no zone of the lab holds it")

    def _set_aaaa(self, name: str, addresses: list[str], zone: str) -> None:
        update.set_type(self._primary(zone), zone, fqdn(name), "AAAA", addresses, self.tsig)

    def apply(self, wanted: ServicesConditions) -> None:
        """Make the running lab show ``wanted``: DNS by dynamic update, listeners by an nginx reload."""
        for host in {*self.conditions.sites, *wanted.sites}:
            if host not in self._sites:
                raise ServicesLabError(f"website {host}: not a website of the inventory")
        for name in {*wanted.nameservers}:
            if not any(fqdn(s.name) == fqdn(name) for z in self.inventory.zones for s in z.servers):
                raise ServicesLabError(f"name server {name}: not a name server of zones.yaml")
        for edge_id in wanted.edges:
            if not any(e.id == edge_id for e in self.inventory.cdn_edges):
                raise ServicesLabError(f"CDN edge {edge_id}: not an edge of cdn_edges.yaml")
        old, self.conditions = self.conditions, wanted
        self._apply_dns(old, wanted)
        (self.directory / "nginx" / "nginx.conf").write_text(self._nginx_conf(), encoding="utf-8")
        nginx = next((p for p in self.programs if p.name == "nginx"), None)
        if nginx is not None:
            nginx.process.send_signal(signal.SIGHUP)
            time.sleep(0.5)  # the master starts new workers and closes listeners no longer configured
        self._flush_resolvers()

    def _apply_dns(self, old: ServicesConditions, wanted: ServicesConditions) -> None:
        """``no-aaaa`` and ``no-ipv6`` by dynamic update (and back to the plan when they are cleared)."""
        for host, site in self._sites.items():
            before, after = old.has("sites", host, "no-aaaa"), wanted.has("sites", host, "no-aaaa")
            if before != after and site.ipv6 is not None:
                self._set_aaaa(host, [] if after else [str(site.ipv6)], self._zone_holding(host))
        servers = {s.name.rstrip("."): s for z in self.inventory.zones for s in z.servers}
        for name, server in servers.items():
            before, after = (
                old.has("nameservers", name, "no-ipv6"),
                wanted.has("nameservers", name, "no-ipv6"),
            )
            if before == after or server.ipv6 is None:
                continue
            value = [] if after else [str(server.ipv6)]
            holder = self._zone_holding(name)
            self._set_aaaa(name, value, holder)
            above = holder.split(".", 1)[1]
            if above and (parent := self._parent_zone(above)) is not None:
                self._set_aaaa(name, value, parent)  # the glue the parent gives out

    def _flush_resolvers(self) -> None:
        root = self.directory / "unbound"
        for zone in (*self.context.zones, *self._parents):
            subprocess.run(
                [_program("unbound-control"), "-c", str(root / "unbound.conf"), "flush_zone", zone],
                check=False, capture_output=True, timeout=10,
            )  # fmt: skip
        subprocess.run(
            [_program("unbound-control"), "-c", str(root / "unbound.conf"), "flush_negative"],
            check=False, capture_output=True, timeout=10,
        )  # fmt: skip

    def document(self, pid: int) -> str:
        """services-lab.json: the address map, the CA, where updates go (the key as a reference only)."""
        assert self.ca is not None
        primaries = {}
        for zone in self.inventory.zones:
            server = self._primary(zone.name)
            primaries[fqdn(zone.name)] = [server.address, server.port]
        return (
            json.dumps(
                {
                    "pid": pid,
                    "inventory": str(self.context.root.resolve()),
                    "ca": str(self.ca.path),
                    "tsig": self.tsig_reference,
                    "dns": {a: [v.host, v.port] for a, v in sorted(self.map.dns.items())},
                    "web": {a: [v.host, v.port] for a, v in sorted(self.map.web.items())},
                    "primaries": primaries,
                    "resolvers": {r.id: [str(a) for a in r.addresses()] for r in self.inventory.resolvers},
                    "control": str(self.directory / "conditions.json"),
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
