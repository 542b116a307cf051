"""The exporter's HTTP(S) server: ``/metrics``, ``/probe?target=DEVICE``, ``/-/healthy``, ``/-/ready``, and
``/probe?module=ipv6_web&target=HOST`` (and the other services modules of :mod:`exporters.web`).

One process, one registry of custom collectors (intent, programme, exporter), each timed. The app is a
WSGI application served by the standard library's threading WSGI server (client_python's own
``ThreadingWSGIServer``). ``/metrics`` and each ``/probe`` answer are served by client_python's WSGI
app (``make_wsgi_app``): text format, or OpenMetrics when the scraper asks for it in ``Accept``, gzip
as ``Accept-Encoding`` negotiates it (``gzip_accepted``), ``name[]`` filters, ``OPTIONS``. The
project's own routes are ``/probe``'s target handling, ``/-/healthy``, ``/-/ready`` and ``/``. TLS with
``--tls-cert``/``--tls-key``, and client certificates required with ``--tls-client-ca`` (mutual TLS),
as Prometheus's ``tls_config`` expects.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.core import Metric
from prometheus_client.exposition import ThreadingWSGIServer, choose_encoder
from prometheus_client.registry import Collector

from exporters.collectors import ExporterCollector, ExporterStats, IntentCollector, ProgrammeCollector
from exporters.probe import Prober, UnknownTarget, probe_deadline
from exporters.source import InventorySource
from exporters.web import MODULES, ServicesProber, UnknownService

log = logging.getLogger("egov.exporter")
INDEX = """<!doctype html><meta charset=utf-8><title>egov exporter</title>
<h1>egov exporter</h1><p>{inventory}</p>
<ul><li><a href="/metrics">/metrics</a>: intent and programme</li>
<li>/probe?target=DEVICE: one device, observed (e.g. <a href="/probe?target={example}">{example}</a>)</li>
<li>/probe?module=ipv6_web&amp;target=HOST (and ipv6_zone, ipv6_resolver, ipv6_cdn): a service over IPv6</li>
<li><a href="/-/healthy">/-/healthy</a>, <a href="/-/ready">/-/ready</a></li></ul>
"""


class Timed(Collector):
    """A collector whose collection time is recorded (``egov_exporter_collect_duration_seconds``)."""

    def __init__(self, name: str, inner: Any, stats: ExporterStats) -> None:
        self.name, self.inner, self.stats = name, inner, stats

    def describe(self) -> Iterable[Metric]:
        """The inner collector's names."""
        described: Iterable[Metric] = self.inner.describe()
        return described

    def collect(self) -> Iterator[Metric]:
        """Collect, and remember how long it took."""
        started = time.perf_counter()
        collected = list(self.inner.collect())
        with self.stats.lock:
            self.stats.durations[self.name] = time.perf_counter() - started
        return iter(collected)


class _Families(Collector):
    """A fixed list of families (a probe's answer) for one exposition."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


@dataclass
class Response:
    """What a request gets: status, content type, body."""

    status: int
    content_type: str
    body: bytes

    def send(self, start_response: Callable[..., Any]) -> list[bytes]:
        """Answer a WSGI request with it."""
        status = {200: "200 OK", 400: "400 Bad Request", 404: "404 Not Found"}[self.status]
        start_response(status, [("Content-Type", self.content_type), ("Content-Length", str(len(self.body)))])
        return [self.body]


class ExporterApp:
    """The routes, as a WSGI application (``app(environ, start_response)``); tests call them directly too."""

    def __init__(
        self,
        source: InventorySource,
        prober: Prober | None,
        stats: ExporterStats | None = None,
        services: ServicesProber | None = None,
        max_seconds: float = 10.0,
    ) -> None:
        self.source, self.prober, self.services, self.max_seconds = source, prober, services, max_seconds
        self.stats = stats or ExporterStats()
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(Timed("intent", IntentCollector(source), self.stats))
        self.registry.register(Timed("programme", ProgrammeCollector(source), self.stats))
        self.registry.register(Timed("exporter", ExporterCollector(source, self.stats), self.stats))
        self._metrics = make_wsgi_app(self.registry)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """WSGI: route the request; expositions go through client_python's own WSGI app."""
        path = environ.get("PATH_INFO", "/")
        if path == "/metrics":
            answer: Iterable[bytes] = self._metrics(environ, start_response)
            return answer
        if path == "/probe":
            timeout = environ.get("HTTP_X_PROMETHEUS_SCRAPE_TIMEOUT_SECONDS")
            probed = self.probe_registry(environ.get("QUERY_STRING", ""), timeout)
            if isinstance(probed, Response):
                return probed.send(start_response)
            environ = {**environ, "QUERY_STRING": ""}  # `target` is not client_python's name[] filter
            answer = make_wsgi_app(probed)(environ, start_response)
            return answer
        if path in ("/-/healthy", "/-/ready"):
            return _text(200, "ok\n").send(start_response)
        if path == "/":
            return self.index().send(start_response)
        return _text(404, "not found: /metrics, /probe?target=DEVICE, /-/healthy\n").send(start_response)

    def metrics(self, accept: str | None) -> Response:
        """The exposition of every collector, in the format asked for (in-process callers, benchmarks)."""
        encoder, content_type = choose_encoder(accept or "")
        return Response(200, content_type, encoder(self.registry))

    def probe_registry(self, query: str, scrape_timeout: str | None) -> CollectorRegistry | Response:
        """Probe what ``module`` (default: a device) and ``target`` name: its families in a registry, or
        the error to answer."""
        params = parse_qs(query)
        modules = params.get("module", ["device"])
        targets = params.get("target", [])
        if len(modules) != 1 or modules[0] not in ("device", *MODULES):
            return _text(400, f"module: one of device, {', '.join(MODULES)}\n")
        if len(targets) != 1 or not targets[0]:
            return _text(400, f"give one target: /probe?module={modules[0]}&target=NAME\n")
        module, target = modules[0], targets[0]
        try:
            if module == "device":
                if self.prober is None:
                    return _text(400, "device probes need --lab lab.json or --production\n")
                found: list[Metric] = self.prober.probe(target, self.prober.deadline(scrape_timeout)).families
            else:
                if self.services is None:
                    return _text(
                        400, "service probes need --services-lab services-lab.json or --production\n"
                    )
                seconds = probe_deadline(scrape_timeout, self.max_seconds)
                found = self.services.probe(module, target, seconds).families
        except (UnknownTarget, UnknownService) as problem:
            return _text(400, f"{problem}\n")
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Families(found))
        return registry

    def index(self) -> Response:
        """A small page for people."""
        devices = self.source.current.inventory.devices
        page = INDEX.format(
            inventory=self.source.root, example=devices[0].hostname if devices else "HOSTNAME"
        )
        return Response(200, "text/html; charset=utf-8", page.encode("utf-8"))


def _text(status: int, text: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", text.encode("utf-8"))


class _Handler(WSGIRequestHandler):
    """Requests logged at debug level (Prometheus scrapes every few seconds), not on stderr."""

    server_version = "egov-exporter"
    timeout = 60

    def log_message(self, format: str, *args: Any) -> None:  # http.server's signature
        log.debug("%s " + format, self.address_string(), *args)


@dataclass(frozen=True)
class TlsFiles:
    """Certificate and key of the exporter; a CA whose clients it requires (mutual TLS), optional."""

    cert: Path
    key: Path
    client_ca: Path | None = None

    def context(self) -> ssl.SSLContext:
        """The server's TLS context (TLS 1.2 or later)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert, self.key)
        if self.client_ca is not None:
            context.load_verify_locations(self.client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        return context


class _Server(ThreadingWSGIServer):
    """A failed request (a client that breaks off, a TLS handshake refused) is logged, not printed."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys  # noqa: PLC0415

        problem = sys.exc_info()[1]
        log.info("request from %s failed: %s: %s", client_address[0], type(problem).__name__, problem)


class _Server6(_Server):
    address_family = socket.AF_INET6


def serve(app: ExporterApp, address: str, port: int, tls: TlsFiles | None = None) -> ThreadingWSGIServer:
    """A bound server (call ``serve_forever`` or :func:`serve_in_thread`); port 0 picks a free one."""
    server_class = _Server6 if ":" in address else _Server
    server = make_server(address, port, app, server_class=server_class, handler_class=_Handler)
    if tls is not None:
        server.socket = tls.context().wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    return server


def serve_in_thread(server: ThreadingWSGIServer) -> threading.Thread:
    """Serve in a daemon thread (tests, benchmarks)."""
    thread = threading.Thread(target=server.serve_forever, name="egov-exporter-http", daemon=True)
    thread.start()
    return thread
