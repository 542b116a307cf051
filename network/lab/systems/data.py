"""Sample data for the lab's systems: a database of cases and attachments, and a file share.

Sizes follow ``megabytes`` per store, so the same code gives a few MB for tests and a gigabyte for
the benchmark. Rows are made by the server (``generate_series``), files by ``os.urandom``: building
the data costs little next to moving and proving it. The shapes are chosen to exercise the proof: a
table with a composite key, one without any key (ordered by all its columns), a sequence, text with
newlines and tabs, numerics, timestamps; in the share, nested directories, an empty one, a link.
"""

from __future__ import annotations

import os
from pathlib import Path

from network.lab.systems.cluster import Cluster

ROW_BYTES = 1024


def schema_statements(rows: int) -> list[str]:
    """The tables and their rows (the owner runs them in its own database)."""
    body = "repeat(md5(i::text), 30) || E'\\n第' || i || E'号\\t案件'"
    return [
        "CREATE TABLE cases (id bigserial PRIMARY KEY, title text NOT NULL, body text NOT NULL, "
        "amount numeric(12, 2) NOT NULL, created timestamptz NOT NULL)",
        "CREATE TABLE attachments (case_id bigint NOT NULL REFERENCES cases (id), n integer NOT NULL, "
        "name text NOT NULL, sha256 text NOT NULL, PRIMARY KEY (case_id, n))",
        "CREATE TABLE audit (at timestamptz NOT NULL, who text NOT NULL, what text NOT NULL)",
        f"INSERT INTO cases (title, body, amount, created) SELECT '案件 ' || i, {body}, "
        f"(i * 37 % 100000) / 100.0, timestamptz '2019-10-01 08:00:00+08' + i * interval '97 seconds' "
        f"FROM generate_series(1, {rows}) AS i",
        f"INSERT INTO attachments SELECT i, n, 'scan-' || i || '-' || n || '.pdf', "
        f"encode(sha256((i * 10 + n)::text::bytea), 'hex') FROM generate_series(1, {rows}, 3) AS i, "
        "generate_series(1, 2) AS n",
        "INSERT INTO audit SELECT timestamptz '2020-01-01 00:00:00+00' + i * interval '1 hour', "
        f"'operator' || (i % 7), 'viewed case ' || i FROM generate_series(1, {max(1, rows // 10)}) AS i",
        "ANALYZE",
    ]


def fill_database(cluster: Cluster, dbname: str, owner: str, megabytes: float) -> int:
    """Create ``dbname`` owned by ``owner`` with about ``megabytes`` of rows; returns the case count."""
    import psycopg  # noqa: PLC0415

    rows = max(50, int(megabytes * 10**6 / ROW_BYTES))
    cluster.execute(f'CREATE DATABASE "{dbname}" OWNER "{owner}" TEMPLATE template0 ENCODING \'UTF8\'')
    with psycopg.connect(cluster.dsn(dbname, owner), autocommit=True) as conn:
        for statement in schema_statements(rows):
            conn.execute(statement.encode("utf-8"))
    return rows


def fill_files(root: Path, megabytes: float, files: int | None = None) -> int:
    """A share of about ``megabytes`` under ``root``: nested files, an empty directory, a link."""
    total = int(megabytes * 10**6)
    count = files or max(8, min(2000, total // 250_000))
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>政务服务</title><h1>政务服务</h1>\n", encoding="utf-8"
    )
    size = max(1, total // count)
    for n in range(count):
        directory = root / "docs" / f"{n % 10:02d}" / f"{n % 3}"
        directory.mkdir(parents=True, exist_ok=True)
        # Sizes vary around the mean so that no two files are the same length.
        (directory / f"{n:05d}.bin").write_bytes(
            os.urandom(max(1, size + (n * 7919) % (size // 2 + 1) - size // 4))
        )
    (root / "empty").mkdir(exist_ok=True)
    link = root / "latest.bin"
    if not link.is_symlink():
        link.symlink_to("docs/00/0/00000.bin")
    (root / "notes.txt").write_text("第一行\n\ttab\n", encoding="utf-8")
    return count
