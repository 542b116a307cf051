"""PostgreSQL for the migration: transfer (pg_dump | pg_restore), ordered table digests, freeze and clean-up.

The integrity proof per database is, for every table, its row count and a digest (SHA-256 and SM3)
of its rows in primary-key order, as ``COPY … TO STDOUT`` prints them, plus every sequence's last
value. The session's output settings are fixed first (UTC, ISO dates, hex bytea, exact floats) so the
same rows print the same bytes on both servers; a missing, extra or changed row changes the count or
the digest. One pass over each table gives all three (``COPY`` text has one row per line).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from network.migration.endpoints import Database, secret
from network.migration.integrity import ALGORITHMS, hasher

_SESSION = (
    "SET TimeZone TO 'UTC'",
    "SET DateStyle TO 'ISO, YMD'",
    "SET IntervalStyle TO 'iso_8601'",
    "SET extra_float_digits TO 1",
    "SET bytea_output TO 'hex'",
)
DEFAULT_CREDENTIALS: tuple[tuple[str, str], ...] = (
    ("postgres", ""),
    ("postgres", "postgres"),
    ("postgres", "123456"),
    ("postgres", "password"),
    ("admin", "admin"),
    ("root", "root"),
)
"""User/password pairs a security check must find refused (installers' and habits' defaults)."""


class DatabaseError(Exception):
    """A database step that failed: names the database and says what the server or tool said."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client tool: the newest Debian install, else PATH."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    if candidates:
        return candidates[-1]
    found = shutil.which(name)
    if found is None:
        raise DatabaseError(
            f"{name} is not installed", "install PostgreSQL's client tools (Debian: postgresql)"
        )
    return found


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parts[-3]
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def connect(db: Database, admin: bool = False, dbname: str | None = None, timeout: int = 10) -> Any:
    """A psycopg connection (autocommit) as the application's user, or the administrator."""
    import psycopg  # noqa: PLC0415 - only migrations and the lab need it

    user = db.admin_user if admin else db.user
    password = secret(db.admin_password if admin else db.password)
    try:
        return psycopg.connect(
            host=db.host,
            port=db.port,
            dbname=dbname or (db.dbname if not admin else "postgres"),
            user=user,
            password=password,
            connect_timeout=timeout,
            application_name="egov-migrate",
            autocommit=True,
        )
    except psycopg.Error as problem:
        raise DatabaseError(
            f"{db.host}:{db.port}/{dbname or db.dbname} as {user}: {_first(problem)}"
        ) from None


def _first(problem: BaseException) -> str:
    text = str(problem).strip()
    return text.splitlines()[0] if text else type(problem).__name__


@contextlib.contextmanager
def session(db: Database, admin: bool = False, dbname: str | None = None) -> Iterator[Any]:
    """A connection that is closed afterwards; psycopg errors become DatabaseError naming the database."""
    import psycopg  # noqa: PLC0415

    conn = connect(db, admin, dbname)
    try:
        yield conn
    except psycopg.Error as problem:
        raise DatabaseError(f"{db.host}:{db.port}/{dbname or db.dbname}: {_first(problem)}") from None
    finally:
        conn.close()


def _tables(conn: Any) -> list[tuple[str, str, list[str]]]:
    """(schema, table, ordering columns) of every user table: the primary key, else every column."""
    rows = conn.execute(
        "SELECT n.nspname, c.relname, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%' AND NOT c.relispartition ORDER BY 1, 2"
    ).fetchall()
    out = []
    for schema, table, oid in rows:
        key = [
            r[0]
            for r in conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s AND i.indisprimary "
                "ORDER BY array_position(i.indkey, a.attnum)",
                (oid,),
            ).fetchall()
        ]
        if not key:
            key = [
                r[0]
                for r in conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 "
                    "AND NOT attisdropped ORDER BY attnum",
                    (oid,),
                ).fetchall()
            ]
        out.append((schema, table, key))
    return out


def table_digests(db: Database, algorithms: Iterable[str] = ALGORITHMS) -> dict[str, Any]:
    """Per table its row count and ordered-row digests; per sequence its last value."""
    from psycopg import sql  # noqa: PLC0415

    chosen = tuple(algorithms)
    tables: dict[str, Any] = {}
    with session(db) as conn:
        for statement in _SESSION:
            conn.execute(statement)
        for schema, table, key in _tables(conn):
            hashes = {a: hasher(a) for a in chosen}
            rows = 0
            query = sql.SQL("COPY (SELECT * FROM {}.{} ORDER BY {}) TO STDOUT").format(
                sql.Identifier(schema), sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, key))
            )
            with conn.cursor() as cursor, cursor.copy(query) as copy:
                for block in copy:
                    data = bytes(block)
                    rows += data.count(b"\n")
                    for h in hashes.values():
                        h.update(data)
            tables[f"{schema}.{table}"] = {"rows": rows, **{a: h.hexdigest() for a, h in hashes.items()}}
        sequences = {
            f"{schema}.{name}": value
            for schema, name, value in conn.execute(
                "SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2"
            ).fetchall()
        }
    return {"database": db.dbname, "tables": tables, "sequences": sequences}


def compare_digests(source: dict[str, Any], target: dict[str, Any]) -> list[str]:
    """What differs between two databases' digests (empty when identical), for people and evidence."""
    problems = []
    src, tgt = source["tables"], target["tables"]
    problems += [f"table {t} missing on the target" for t in sorted(set(src) - set(tgt))]
    problems += [f"table {t} only on the target" for t in sorted(set(tgt) - set(src))]
    for table in sorted(set(src) & set(tgt)):
        a, b = src[table], tgt[table]
        if a["rows"] != b["rows"]:
            problems.append(f"table {table}: {a['rows']} rows on the source, {b['rows']} on the target")
        elif any(a[k] != b[k] for k in a if k != "rows" and k in b):
            problems.append(f"table {table}: same row count ({a['rows']}), different rows")
    for name in sorted(set(source["sequences"]) | set(target["sequences"])):
        a, b = source["sequences"].get(name), target["sequences"].get(name)
        if a != b:
            problems.append(f"sequence {name}: {a} on the source, {b} on the target")
    return problems


@dataclass(frozen=True)
class DatabaseCopy:
    """What a transfer did: the database, its size on the target (bytes) and the seconds it took."""

    dbname: str
    bytes: int
    seconds: float


def _passfile(entries: Iterable[tuple[Database, bool]]) -> str:
    """A libpq password file (0600) for the tools; the caller removes it. Secrets never reach argv."""
    handle, path = tempfile.mkstemp(prefix="egov-pgpass-")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        for db, admin in entries:
            password = secret(db.admin_password if admin else db.password)
            escaped = password.replace("\\", "\\\\").replace(":", "\\:")
            stream.write(f"{db.host}:{db.port}:*:{db.admin_user if admin else db.user}:{escaped}\n")
    return path


def recreate(target: Database) -> None:
    """An empty target database owned by the application's user (dropped first if it exists)."""
    from psycopg import sql  # noqa: PLC0415

    with session(target, admin=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.dbname)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(target.dbname), sql.Identifier(target.user)
            )
        )


def drop(target: Database) -> bool:
    """Remove the target database (a rollback's clean-up); True if there was one."""
    from psycopg import sql  # noqa: PLC0415

    with session(target, admin=True) as conn:
        existed = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.dbname,)).fetchone()
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.dbname)))
    return existed is not None


def size(db: Database) -> int:
    """The database's size in bytes (0 when it does not exist)."""
    with session(db, admin=True) as conn:
        row = conn.execute(
            "SELECT pg_database_size(datname) FROM pg_database WHERE datname = %s", (db.dbname,)
        ).fetchone()
    return int(row[0]) if row else 0


def role_exists(db: Database) -> bool:
    """True when the application's user exists on the server."""
    with session(db, admin=True) as conn:
        return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (db.user,)).fetchone() is not None


def copy_database(source: Database, target: Database) -> DatabaseCopy:
    """pg_dump (custom format) piped into pg_restore on a freshly created target database."""
    import time  # noqa: PLC0415

    started = time.monotonic()
    recreate(target)
    passfile = _passfile([(source, False), (target, False)])
    env = {**os.environ, "PGPASSFILE": passfile, "PGCONNECT_TIMEOUT": "10"}
    dump_cmd = [
        pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--compress=0",
        f"--host={source.host}", f"--port={source.port}", f"--username={source.user}", source.dbname,
    ]  # fmt: skip
    restore_cmd = [
        pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
        f"--host={target.host}", f"--port={target.port}", f"--username={target.user}",
        f"--dbname={target.dbname}",
    ]  # fmt: skip
    try:
        with tempfile.TemporaryFile() as dump_err, tempfile.TemporaryFile() as restore_err:
            dump = subprocess.Popen(dump_cmd, stdout=subprocess.PIPE, stderr=dump_err, env=env)
            restore = subprocess.Popen(restore_cmd, stdin=dump.stdout, stderr=restore_err, env=env)
            assert dump.stdout is not None
            dump.stdout.close()  # pg_restore holds the pipe; pg_dump gets SIGPIPE if it goes away
            restore_rc, dump_rc = restore.wait(), dump.wait()
            for rc, name, stream in ((dump_rc, "pg_dump", dump_err), (restore_rc, "pg_restore", restore_err)):
                if rc != 0:
                    stream.seek(0)
                    said = stream.read().decode("utf-8", "replace").strip().splitlines()
                    raise DatabaseError(
                        f"{source.dbname}: {name} failed (exit {rc}): {said[-1] if said else 'no message'}",
                        "check both servers are reachable and the target role exists",
                    )
    finally:
        os.unlink(passfile)
    return DatabaseCopy(target.dbname, size(target), time.monotonic() - started)


def freeze(db: Database) -> None:
    """Make the database read-only for new transactions and end the sessions that could still write."""
    from psycopg import sql  # noqa: PLC0415

    with session(db, admin=True) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET default_transaction_read_only = on").format(
                sql.Identifier(db.dbname)
            )
        )
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid()",
            (db.dbname,),
        )


def unfreeze(db: Database) -> None:
    """Let the database be written again (a rollback)."""
    from psycopg import sql  # noqa: PLC0415

    with session(db, admin=True) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} RESET default_transaction_read_only").format(sql.Identifier(db.dbname))
        )


def is_frozen(db: Database) -> bool:
    """True when a new session of the application's user is read-only."""
    with session(db) as conn:
        return str(conn.execute("SHOW default_transaction_read_only").fetchone()[0]) == "on"


def accepted_defaults(db: Database, pairs: Iterable[tuple[str, str]] = DEFAULT_CREDENTIALS) -> list[str]:
    """The default user/password pairs the server accepts (each one is a finding)."""
    import psycopg  # noqa: PLC0415

    accepted = []
    for user, password in pairs:
        try:
            conn = psycopg.connect(
                host=db.host, port=db.port, dbname="postgres", user=user, password=password, connect_timeout=5
            )
        except psycopg.Error:
            continue
        conn.close()
        accepted.append(f"{user}/{password or '(empty)'}")
    return accepted
