"""A PostgreSQL cluster for the lab: initdb, a server on one loopback address, roles, stop by its pid.

Debian's binaries (``/usr/lib/postgresql/N/bin``) are used as they are. PostgreSQL refuses to run as
root, so when the lab runs as root the cluster belongs to, and runs as, the ``postgres`` account the
Debian package creates; its data directory is then a private directory under /tmp (the lab's own
directory may sit where that account cannot go). The superuser is ``egov_admin`` (no ``postgres``
role exists), every login uses SCRAM-SHA-256 over TCP, and the password comes from the environment
(a private file holds it only for the moment initdb reads it).

The lab trades durability for speed (``fsync=off``): it is a rehearsal, not a store of record.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from network.migration.postgres import pg_tool

ADMIN = "egov_admin"


class ClusterError(Exception):
    """The lab's PostgreSQL could not be set up (says which step and what the tool printed)."""


def _account() -> pwd.struct_passwd | None:
    """The account PostgreSQL runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterError(
            "running as root and there is no postgres account: PostgreSQL refuses to run as root",
            "install Debian's postgresql package (it creates the account), or run the lab as a user",
        ) from None


def free_port(address: str, start: int) -> int:
    """The first port from ``start`` that can be bound on ``address``."""
    for port in range(start, start + 2000):
        with socket.socket() as probe:
            try:
                probe.bind((address, port))
            except OSError:
                continue
            return port
    raise ClusterError(f"no free port on {address} from {start}")


class Cluster:
    """One PostgreSQL server on ``address``; call :meth:`start`, then :meth:`stop`."""

    def __init__(self, name: str, address: str, password: str) -> None:
        self.name, self.address, self.password = name, address, password
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.root = Path(tempfile.mkdtemp(prefix=f"egov-lab-pg-{name}-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._account = _account()

    def _as_owner(self) -> dict[str, Any]:
        """subprocess options that run a tool as the cluster's owner (no preexec_fn: threads run)."""
        account = self._account
        if account is None:
            return {}
        return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    def _own(self, path: Path) -> None:
        if self._account is not None:
            os.chown(path, self._account.pw_uid, self._account.pw_gid)

    def start(self, port_from: int = 15432) -> None:
        """initdb, then the server in the foreground of a child process; wait until it accepts logins."""
        self._own(self.root)
        self.root.chmod(0o700)
        secret = self.root / "pw"
        secret.write_text(self.password + "\n", encoding="utf-8")
        secret.chmod(0o600)
        self._own(secret)
        try:
            done = subprocess.run(
                [
                    pg_tool("initdb"), "-D", str(self.data), "-U", ADMIN, f"--pwfile={secret}",
                    "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8",
                    "--locale=C.UTF-8", "--no-sync",
                ],
                capture_output=True, text=True, check=False, **self._as_owner(),
            )  # fmt: skip
        finally:
            secret.unlink(missing_ok=True)
        if done.returncode != 0:
            raise ClusterError(f"initdb for the {self.name} cluster failed: {done.stderr.strip()[-300:]}")
        self.port = free_port(self.address, port_from)
        with self.log.open("wb") as log:
            self._own(self.log)
            self.process = subprocess.Popen(
                [
                    pg_tool("postgres"), "-D", str(self.data), "-p", str(self.port),
                    "-c", f"listen_addresses={self.address}", "-c", f"unix_socket_directories={self.root}",
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", "max_connections=60", "-c", "shared_buffers=64MB",
                ],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **self._as_owner(),
            )  # fmt: skip
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30.0) -> None:
        import psycopg  # noqa: PLC0415

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ClusterError(f"the {self.name} server stopped: {self.log.read_text()[-400:]}")
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise ClusterError(f"the {self.name} server did not accept logins within {timeout:.0f} s")

    def dsn(self, dbname: str, user: str = ADMIN) -> str:
        """A libpq connection string (the password inside: for this process's own use only)."""
        return f"host={self.address} port={self.port} dbname={dbname} user={user} password={self.password}"

    def execute(self, *statements: str, dbname: str = "postgres") -> None:
        """Run statements as the superuser (autocommit)."""
        import psycopg  # noqa: PLC0415

        with psycopg.connect(self.dsn(dbname), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement.encode("utf-8"))

    def stop(self) -> None:
        """Fast shutdown (SIGINT) of the server this object started, then remove its directory."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
