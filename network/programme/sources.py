"""Read-only snapshots of the rollout journal and the migration ledger (either may not exist yet).

Both are SQLite files in WAL mode written by other processes; they are opened read-only
(``mode=ro``), so a reader never creates, locks for writing, or changes them, and sees the last
committed state. A file that cannot be read is reported, not hidden: the snapshot says so, and the
exporter exports that as a metric.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from network.migration import sm2
from network.migration.chain import verify_chain
from network.migration.lifecycle import State
from network.programme.measured import MeasureError, ServicesMeasure, read_measure
from network.state import JOURNAL_FILE, LEDGER_FILE, SERVICES_FILE


@dataclass(frozen=True)
class Snapshot:
    """What the journal and the ledger say now.

    ``devices``: hostname -> rollout state (pending, running, done, failed, rolled_back).
    ``onboarded``: departments whose LAN onboarding last ended done; ``merged``: (department,
    private network) cut over. ``systems``: system id -> migration state. ``services``: the last
    recorded IPv6 services measurement (None: never measured). ``problems``: files that exist but
    could not be read, with the reason.
    """

    devices: dict[str, str] = field(default_factory=dict)
    onboarded: frozenset[str] = frozenset()
    merged: frozenset[tuple[str, str]] = frozenset()
    systems: dict[str, State] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    services: ServicesMeasure | None = None
    chain: ChainState | None = None  # the ledger's chain, verified (None: no ledger)


@dataclass(frozen=True)
class ChainState:
    """The migration ledger's SM3 chain as last verified: events, findings, what the last checkpoint
    covers, and whether the checkpoints were checked with the operator's key (EGOV_LEDGER_SM2_PUBLIC_KEY)."""

    events: int
    findings: int
    signed: int  # the sequence number of the last checkpoint (0: none)
    anchored: bool


_CHAINS: dict[tuple[str, tuple[int, ...]], ChainState] = {}  # verified once per content of the files


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    conn.execute("PRAGMA query_only = 1")
    return conn


def _journal(path: Path) -> tuple[dict[str, str], frozenset[str], frozenset[tuple[str, str]]]:
    conn = _open(path)
    try:
        devices = dict(conn.execute("SELECT hostname, state FROM devices").fetchall())
        runs = conn.execute(
            "SELECT command, result FROM runs WHERE finished IS NOT NULL AND command NOT LIKE '% check' "
            "ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    latest: dict[tuple[str, ...], str] = {}
    for command, result in runs:
        words = tuple(str(command).split())
        if words and words[0] in ("onboard", "cutover"):
            latest[words] = str(result)
    onboarded = frozenset(
        w[1] for w, r in latest.items() if w[0] == "onboard" and len(w) == 2 and r == "done"
    )
    merged = frozenset(
        (w[1], w[2]) for w, r in latest.items() if w[0] == "cutover" and len(w) == 3 and r == "done"
    )
    return devices, onboarded, merged


def _ledger(path: Path) -> tuple[dict[str, State], ChainState | None]:
    conn = _open(path)
    try:
        rows = conn.execute("SELECT id, state FROM systems").fetchall()
        chain = _chain(conn, path)
    finally:
        conn.close()
    return {str(system): State(state) for system, state in rows}, chain


def _chain(conn: sqlite3.Connection, path: Path) -> ChainState | None:
    """The chain verified, again only when the ledger's files changed since (a scrape is frequent)."""
    stamp = tuple(
        n
        for f in (path, path.with_name(path.name + "-wal"))
        if f.exists()
        for n in (f.stat().st_mtime_ns, f.stat().st_size)
    )
    key = (str(path), stamp)
    if key not in _CHAINS:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
        if "chain" not in columns:
            return None  # a schema-1 ledger, chained when egov next writes it
        public = sm2.key_file(sm2.PUBLIC_KEY_VARIABLE)
        report = verify_chain(conn, public.read_text(encoding="ascii") if public is not None else None)
        signed = conn.execute("SELECT coalesce(max(seq), 0) FROM checkpoints").fetchone()[0]
        _CHAINS.clear()
        _CHAINS[key] = ChainState(report.events, len(report.findings), int(signed), report.anchored)
    return _CHAINS[key]


def read_snapshot(state_dir: Path) -> Snapshot:
    """The journal and the ledger of a state directory (``<inventory>.state``), read-only."""
    devices: dict[str, str] = {}
    onboarded: frozenset[str] = frozenset()
    merged: frozenset[tuple[str, str]] = frozenset()
    systems: dict[str, State] = {}
    problems: dict[str, str] = {}
    journal, ledger = state_dir / JOURNAL_FILE, state_dir / LEDGER_FILE
    if journal.exists():
        try:
            devices, onboarded, merged = _journal(journal)
        except (sqlite3.Error, ValueError) as problem:
            problems[JOURNAL_FILE] = str(problem)
    chain = None
    if ledger.exists():
        try:
            systems, chain = _ledger(ledger)
        except (sqlite3.Error, ValueError, OSError, sm2.Sm2Error) as problem:
            problems[LEDGER_FILE] = str(problem)
    services = None
    try:
        services = read_measure(state_dir)
    except MeasureError as problem:
        problems[SERVICES_FILE] = str(problem)
    return Snapshot(devices, onboarded, merged, systems, problems, services, chain)
