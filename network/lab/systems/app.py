"""The lab's application: a system's health endpoint over HTTPS, answered from its database and files.

``GET <health path>`` gives ``200 {"status": "ok", "system": …, "side": …, "data": {…}}`` where
``data`` holds, per store, what the application sees: for a database the number of cases, the last
case id and the sum of amounts; for a share the number of files, their bytes and the SHA-256 of its
index page. A side whose data is missing or unreadable answers ``503`` with the reason. Every other
path is 404. One server (a thread pool) per system and side, each on its own loopback address.
"""

from __future__ import annotations

import hashlib
import json
import os
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class AppStore:
    """A store the application reads: a libpq connection string, or a directory."""

    name: str
    dsn: str | None = None
    directory: Path | None = None


@dataclass(frozen=True)
class AppSpec:
    """One system on one side: where it listens, its certificate, the health path, what it reads."""

    system: str
    side: str
    address: str
    port: int
    certificate: Path
    key: Path
    health_path: str
    stores: tuple[AppStore, ...]


def _database(dsn: str) -> dict[str, Any]:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(dsn, connect_timeout=3) as conn:
        count, last, amount = conn.execute(
            "SELECT count(*), coalesce(max(id), 0), coalesce(sum(amount), 0)::text FROM cases"
        ).fetchone() or (0, 0, "0")
    return {"cases": int(count), "last_case": int(last), "amount": str(amount)}


def _share(directory: Path) -> dict[str, Any]:
    files = total = 0
    for here, _, names in os.walk(directory):
        for name in names:
            path = Path(here) / name
            if not path.is_symlink():
                files += 1
                total += path.stat().st_size
    index = directory / "index.html"
    if not index.is_file():
        raise FileNotFoundError(f"{index} is missing")
    return {"files": files, "bytes": total, "index_sha256": hashlib.sha256(index.read_bytes()).hexdigest()}


def health(spec: AppSpec) -> tuple[int, dict[str, Any]]:
    """The health answer of one system on one side: (HTTP status, body)."""
    data: dict[str, Any] = {}
    try:
        for store in spec.stores:
            data[store.name] = (
                _database(store.dsn) if store.dsn else _share(store.directory or Path("/nonexistent"))
            )
    except Exception as problem:  # any failure to read the data is the answer, not a crash
        return 503, {
            "status": "unavailable",
            "system": spec.system,
            "side": spec.side,
            "error": str(problem)[:300],
        }
    return 200, {"status": "ok", "system": spec.system, "side": spec.side, "data": data}


class _Handler(BaseHTTPRequestHandler):
    spec: AppSpec
    server_version = "egov-lab-app/1"
    timeout = 10

    def do_GET(self) -> None:  # the name http.server calls
        if self.path.split("?", 1)[0] != self.spec.health_path:
            self._send(404, {"status": "not found"})
            return
        self._send(*health(self.spec))

    def _send(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # http.server's signature
        """Quiet: the lab's apps do not log every request."""


class App:
    """One system's application on one side, serving in a thread until :meth:`stop`."""

    def __init__(self, spec: AppSpec) -> None:
        self.spec = spec
        handler = type("Handler", (_Handler,), {"spec": spec})
        self.server = ThreadingHTTPServer((spec.address, spec.port), handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(spec.certificate, spec.key)
        # The handshake happens in the request's thread, so a port scan never holds up the listener.
        self.server.socket = context.wrap_socket(
            self.server.socket, server_side=True, do_handshake_on_connect=False
        )
        self.thread = threading.Thread(
            target=self.server.serve_forever, name=f"app-{spec.system}-{spec.side}"
        )
        self.thread.daemon = True

    def start(self) -> None:
        """Serve in the background."""
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()
