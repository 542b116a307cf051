"""The migration ledger: one record per system, an append-only event log with evidence, run leases.

Every event is chained to its predecessor by SM3 and the chain's head can be signed with SM2
(:mod:`network.migration.chain`): an edited, deleted, inserted or reordered event is found and named.

SQLite in WAL mode with ``synchronous=FULL``: a committed event survives kill -9 and power loss, and
readers (the exporter, ``egov migrate status``) never block the operator writing. Every change is
one ``BEGIN IMMEDIATE`` transaction that re-reads the state it changes, so two operators at once
cannot both move a system: the second is refused with the state the first one left. Triggers refuse
any UPDATE or DELETE of the event log.

A *lease* says which run is working on a system (its run id, process id and start time, host). A
second run is refused while the holder is alive; a holder killed with -9 is recognised as gone
(same host, that process no longer running) and its lease is taken over, which is recorded too.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from network.inventory.model import Classification, Strategy, System, Target
from network.migration import sm2
from network.migration.chain import (
    CONTENT_COLUMNS,
    GENESIS,
    ChainReport,
    chain_hash,
    checkpoint_message,
    export_bundle,
    verify_chain,
)
from network.migration.integrity import canonical_json
from network.migration.lifecycle import State, TransitionRefused, check_transition
from network.state import StateFileError, connect

SCHEMA_VERSION = 2  # 2: the SM3 chain (events.prev, events.chain) and signed checkpoints

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS systems (
    id TEXT PRIMARY KEY, department TEXT NOT NULL, state TEXT NOT NULL, strategy TEXT NOT NULL,
    wave INTEGER, deadline TEXT, target TEXT NOT NULL, classification TEXT NOT NULL, reason TEXT,
    in_inventory INTEGER NOT NULL DEFAULT 1, updated REAL NOT NULL, version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, system TEXT NOT NULL, at REAL NOT NULL, actor TEXT NOT NULL,
    kind TEXT NOT NULL, step TEXT, from_state TEXT, to_state TEXT, result TEXT, detail TEXT,
    evidence TEXT, evidence_sha256 TEXT, run TEXT, prev TEXT, chain TEXT
);
CREATE INDEX IF NOT EXISTS events_by_system ON events (system, seq);
CREATE TABLE IF NOT EXISTS leases (
    system TEXT PRIMARY KEY, run TEXT NOT NULL, pid INTEGER NOT NULL, started TEXT NOT NULL,
    host TEXT NOT NULL, actor TEXT NOT NULL, since REAL NOT NULL
);
CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the migration event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the migration event log is append-only'); END;
CREATE TABLE IF NOT EXISTS checkpoints (
    seq INTEGER PRIMARY KEY, chain TEXT NOT NULL, at REAL NOT NULL, actor TEXT NOT NULL,
    public_key TEXT NOT NULL, signature TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'the ledger checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'the ledger checkpoints are append-only'); END;
"""
_CHAIN_V1 = ("ALTER TABLE events ADD COLUMN prev TEXT", "ALTER TABLE events ADD COLUMN chain TEXT")

TRANSITION, STEP, NOTE, LEASE, PLAYBOOK = "transition", "step", "note", "lease", "playbook"


class LedgerError(Exception):
    """The ledger file cannot be used (names the file; a hint says what to do)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class UnknownSystem(LedgerError):
    """A system id the ledger does not hold."""


class LeaseHeld(Exception):
    """Another run, still alive, is working on this system."""

    def __init__(self, system: str, lease: Lease) -> None:
        self.system, self.lease = system, lease
        when = dt.datetime.fromtimestamp(lease.since, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        super().__init__(
            f"{system} is being migrated by run {lease.run} ({lease.actor}, pid {lease.pid} on "
            f"{lease.host}, since {when})"
        )
        self.hint = "wait for that run to end; a run killed on this host is recognised and taken over"


@dataclass(frozen=True)
class SystemRecord:
    """One system's line in the ledger."""

    id: str
    department: str
    state: State
    strategy: str
    wave: int | None
    deadline: dt.date | None
    target: str
    classification: str
    reason: str | None
    in_inventory: bool
    updated: float
    version: int


@dataclass(frozen=True)
class Event:
    """One entry of the event log: who, when, what, and the evidence (JSON) with its SHA-256."""

    seq: int
    system: str
    at: float
    actor: str
    kind: str
    step: str | None
    from_state: str | None
    to_state: str | None
    result: str | None
    detail: str | None
    evidence: Any
    evidence_sha256: str | None
    run: str | None


@dataclass(frozen=True)
class Lease:
    """Who holds a system: run id, process (pid and its start time), host, actor, since when."""

    system: str
    run: str
    pid: int
    started: str
    host: str
    actor: str
    since: float


def operator() -> str:
    """Who is acting: ``EGOV_OPERATOR`` if set, else user@host."""
    return os.environ.get("EGOV_OPERATOR") or f"{getpass.getuser()}@{socket.gethostname()}"


def process_start(pid: int) -> str:
    """The start time of a process (clock ticks since boot), to tell a reused pid from its holder."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return ""
    # Field 22; the command name (field 2) may hold spaces, so count from its closing parenthesis.
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int, started: str) -> bool:
    return bool(started) and process_start(pid) == started


def initial_state(system: System) -> tuple[State, str | None]:
    """Where a system starts in the ledger, and why when it is set aside."""
    if system.classification is Classification.CLASSIFIED:
        return State.RETAINED, f"classified (涉密): {system.migration.reason or 'never moves to the cloud'}"
    staying = system.migration.strategy is Strategy.RETAIN or system.migration.target is not Target.CLOUD
    if staying and system.migration.strategy is not Strategy.RETIRE:
        return State.RETAINED, system.migration.reason or f"target is {system.migration.target.value}"
    return State.NOT_STARTED, None


class Ledger:
    """A ledger file. Each process opens its own; within one, threads share a connection and a lock."""

    def __init__(self, path: Path, actor: str | None = None, scratch: bool = False) -> None:
        self.path = path
        self.actor = actor or operator()
        self.scratch = scratch  # check mode: an in-memory copy, the file never changed
        try:
            self._db = connect(path, "migration ledger", scratch)
        except StateFileError as problem:
            raise LedgerError(
                problem.message,
                "check the file; the ledger is never rewritten, so keep a copy before any repair",
            ) from None
        try:
            old = self._db.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchone()
            version = (
                self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() if old else None
            )
            if version is not None and int(version[0]) == 1:
                _chain_v1(self._db)
            self._db.executescript(_SCHEMA)
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
            )
            version = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
        except (sqlite3.DatabaseError, OSError) as problem:
            raise LedgerError(
                f"{path}: not a usable migration ledger ({problem})",
                "check the file; the ledger is never rewritten, so keep a copy before any repair",
            ) from None
        if int(version) != SCHEMA_VERSION:
            raise LedgerError(
                f"{path}: ledger schema {version}; this egov reads {SCHEMA_VERSION}", "upgrade egov"
            )
        self._lock = threading.RLock()  # re-entered by the writes inside bulk()
        self._bulk = False

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._bulk:  # inside bulk(): one transaction holds them all
                yield self._db
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Many writes as one transaction (an import, a benchmark): all of them or none."""
        with self._transaction():
            self._bulk = True
            try:
                yield
            finally:
                self._bulk = False

    def count(self) -> int:
        """How many events the log holds."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM events").fetchone()[0])

    # --- the systems ---------------------------------------------------------------------------

    def sync(self, systems: Iterable[System]) -> int:
        """Every inventory system has a record; plan fields follow the inventory, states never do.

        New systems start as :func:`initial_state` says. A system that left the inventory keeps its
        record and events (``in_inventory`` 0). Returns the number of new records.
        """
        now, added = time.time(), 0
        listed = list(systems)
        with self._transaction() as db:
            known = {row[0]: State(row[1]) for row in db.execute("SELECT id, state FROM systems")}
            for system in listed:
                migration = system.migration
                plan = (
                    system.department,
                    migration.strategy.value,
                    migration.wave,
                    migration.deadline.isoformat() if migration.deadline else None,
                    migration.target.value,
                    system.classification.value,
                )
                if system.id in known:
                    db.execute(
                        "UPDATE systems SET department = ?, strategy = ?, wave = ?, deadline = ?, "
                        "target = ?, classification = ?, in_inventory = 1 WHERE id = ?",
                        (*plan, system.id),
                    )
                    if (
                        system.classification is Classification.CLASSIFIED
                        and known[system.id] is State.NOT_STARTED
                    ):
                        draft = _Draft(system.id, TRANSITION, None, State.NOT_STARTED, State.RETAINED)
                        self._move(db, replace(draft, result="ok", detail="classified (涉密)"))
                    continue
                state, reason = initial_state(system)
                db.execute(
                    "INSERT INTO systems (id, department, state, strategy, wave, deadline, target, "
                    "classification, reason, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (system.id, plan[0], state.value, *plan[1:], reason, now),
                )
                noted = f"recorded as {state.label}" + _because(reason)
                self._append(db, _Draft(system.id, NOTE, detail=noted))
                added += 1
            present = {s.id for s in listed}
            for gone in set(known) - present:
                db.execute("UPDATE systems SET in_inventory = 0 WHERE id = ?", (gone,))
        return added

    def records(self, department: str | None = None) -> list[SystemRecord]:
        """Every system (of one department), by wave then id; systems without a wave last."""
        query = f"SELECT {_RECORD_COLUMNS} FROM systems"
        args: tuple[object, ...] = ()
        if department is not None:
            query, args = query + " WHERE department = ?", (department,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY wave IS NULL, wave, id", args).fetchall()
        return [_record(row) for row in rows]

    def record(self, system: str) -> SystemRecord:
        """One system's record (UnknownSystem when the ledger has none)."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_RECORD_COLUMNS} FROM systems WHERE id = ?", (system,)
            ).fetchone()
        if row is None:
            raise UnknownSystem(f"{system}: not in the ledger {self.path}", "is it in systems.yaml?")
        return _record(row)

    def transition(
        self,
        system: str,
        to: State,
        *,
        expect: State | None = None,
        step: str | None = None,
        detail: str = "",
        evidence: Any = None,
        run: str | None = None,
    ) -> Event:
        """Move ``system`` to ``to`` if the lifecycle allows it from its current state.

        With ``expect``, the move happens only if the system is still in that state (another operator
        may have moved it): otherwise :class:`TransitionRefused` says where it is now. For set-aside
        and failure states (retained, retired, rolled back, failed) ``detail`` is kept as the reason.
        """
        with self._transaction() as db:
            current = self._state(db, system)
            if expect is not None and current is not expect:
                moved = f"it is {current.label} now, not {expect.label}: another run moved it"
                raise TransitionRefused(system, current, to, moved)
            check_transition(system, current, to)
            draft = _Draft(system, TRANSITION, step, current, to, "ok", detail, evidence, run)
            return self._move(db, draft)

    def record_step(
        self,
        system: str,
        step: str,
        result: str,
        detail: str = "",
        evidence: Any = None,
        run: str | None = None,
    ) -> Event:
        """Append what a step did (started, ok, failed…) without changing the state."""
        with self._transaction() as db:
            state = self._state(db, system)
            return self._append(db, _Draft(system, STEP, step, state, state, result, detail, evidence, run))

    def note(self, system: str, detail: str, run: str | None = None, kind: str = NOTE) -> Event:
        """Append a note (or a playbook event) to a system's log."""
        with self._transaction() as db:
            self._state(db, system)
            return self._append(db, _Draft(system, kind, detail=detail, run=run))

    def events(self, system: str | None = None, since: int = 0) -> list[Event]:
        """Events (of one system) after sequence number ``since``, oldest first."""
        query = f"SELECT {_EVENT_COLUMNS} FROM events WHERE seq > ?"
        args: tuple[object, ...] = (since,)
        if system is not None:
            query, args = query + " AND system = ?", (since, system)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY seq", args).fetchall()
        return [_event(row) for row in rows]

    def last_step(self, system: str, step: str) -> Event | None:
        """The latest event of one step of a system (None if it never ran)."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE system = ? AND step = ? "
                "ORDER BY seq DESC LIMIT 1",
                (system, step),
            ).fetchone()
        return None if row is None else _event(row)

    def entered(self, system: str, state: State) -> Event | None:
        """The latest transition of a system into ``state``."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE system = ? AND kind = ? AND to_state = ? "
                "ORDER BY seq DESC LIMIT 1",
                (system, TRANSITION, state.value),
            ).fetchone()
        return None if row is None else _event(row)

    # --- leases --------------------------------------------------------------------------------

    def acquire(self, system: str, run: str, pid: int | None = None) -> Lease:
        """Hold ``system`` for ``run`` (by process ``pid``, default this one); LeaseHeld if taken."""
        pid = os.getpid() if pid is None else pid
        mine = Lease(system, run, pid, process_start(pid), socket.gethostname(), self.actor, time.time())
        with self._transaction() as db:
            self._state(db, system)
            row = db.execute(f"SELECT {_LEASE_COLUMNS} FROM leases WHERE system = ?", (system,)).fetchone()
            if row is not None:
                held = Lease(*row)
                if held.run == run:
                    return held
                if held.host != mine.host or _alive(held.pid, held.started):
                    raise LeaseHeld(system, held)
                gone = f"took over from run {held.run} (pid {held.pid} is gone)"
                self._append(db, _Draft(system, LEASE, detail=gone, run=run))
            db.execute(
                "INSERT OR REPLACE INTO leases (system, run, pid, started, host, actor, since) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (system, run, mine.pid, mine.started, mine.host, mine.actor, mine.since),
            )
        return mine

    def release(self, system: str, run: str) -> None:
        """Let go of ``system`` if ``run`` holds it."""
        with self._transaction() as db:
            db.execute("DELETE FROM leases WHERE system = ? AND run = ?", (system, run))

    def lease(self, system: str) -> Lease | None:
        """Who holds ``system`` now (None: nobody)."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_LEASE_COLUMNS} FROM leases WHERE system = ?", (system,)
            ).fetchone()
        return None if row is None else Lease(*row)

    # --- internals -----------------------------------------------------------------------------

    def _state(self, db: sqlite3.Connection, system: str) -> State:
        row = db.execute("SELECT state FROM systems WHERE id = ?", (system,)).fetchone()
        if row is None:
            raise UnknownSystem(f"{system}: not in the ledger {self.path}", "is it in systems.yaml?")
        return State(row[0])

    def _move(self, db: sqlite3.Connection, draft: _Draft) -> Event:
        assert draft.to_state is not None
        reason = draft.detail if draft.to_state in _REASONED else None
        db.execute(
            "UPDATE systems SET state = ?, reason = ?, updated = ?, version = version + 1 WHERE id = ?",
            (draft.to_state.value, reason, time.time(), draft.system),
        )
        return self._append(db, draft)

    def _append(self, db: sqlite3.Connection, draft: _Draft) -> Event:
        text = None if draft.evidence is None else canonical_json(draft.evidence)
        digest = None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()
        now = time.time()
        values = (
            draft.system,
            now,
            self.actor,
            draft.kind,
            draft.step,
            draft.from_state.value if draft.from_state else None,
            draft.to_state.value if draft.to_state else None,
            draft.result,
            draft.detail,
        )
        last = db.execute("SELECT seq, chain FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
        chain = chain_hash(prev, (*values, text, digest, draft.run))
        db.execute(
            "INSERT INTO events (seq, system, at, actor, kind, step, from_state, to_state, result, detail, "
            "evidence, evidence_sha256, run, prev, chain) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, *values, text, digest, draft.run, prev, chain),
        )
        return Event(seq, *values, draft.evidence, digest, draft.run)

    # --- the chain -----------------------------------------------------------------------------

    def checkpoint(self, private_key: Path) -> tuple[int, str]:
        """Sign the chain's head with SM2 (the key a file the operator holds); (its seq, its chain)."""
        with self._transaction() as db:
            last = db.execute("SELECT seq, chain FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            if last is None:
                raise LedgerError(f"{self.path}: no events to sign", "sign after the first migration step")
            seq, chain = int(last[0]), str(last[1])
            done = db.execute("SELECT 1 FROM checkpoints WHERE seq = ?", (seq,)).fetchone()
            if done is None:
                at = time.time()
                signature = sm2.sign(checkpoint_message(seq, chain, at), private_key)
                db.execute(
                    "INSERT INTO checkpoints (seq, chain, at, actor, public_key, signature) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (seq, chain, at, self.actor, sm2.public_key(private_key), signature.hex()),
                )
        return seq, chain

    def export_bundle(self, system: str, out: Path) -> dict[str, Any]:
        """The system's evidence bundle (:func:`network.migration.chain.export_bundle`); its manifest."""
        state = self.record(system).state.value
        with self._lock:
            return export_bundle(self._db, system, state, out)

    def verify_chain(self, public_pem: str | None = None) -> ChainReport:
        """Every event and checkpoint checked (:func:`network.migration.chain.verify_chain`)."""
        with self._lock:
            return verify_chain(self._db, public_pem)


@dataclass(frozen=True)
class _Draft:
    """An event before it is written: everything but its sequence number, time and actor."""

    system: str
    kind: str
    step: str | None = None
    from_state: State | None = None
    to_state: State | None = None
    result: str | None = None
    detail: str = ""
    evidence: Any = None
    run: str | None = None


_REASONED = frozenset({State.RETAINED, State.RETIRED, State.ROLLED_BACK, State.FAILED})

_RECORD_COLUMNS = (
    "id, department, state, strategy, wave, deadline, target, classification, reason, in_inventory, "
    "updated, version"
)
_EVENT_COLUMNS = (
    "seq, system, at, actor, kind, step, from_state, to_state, result, detail, evidence, evidence_sha256, run"
)
_LEASE_COLUMNS = "system, run, pid, started, host, actor, since"


def _chain_v1(db: sqlite3.Connection) -> None:
    """A schema-1 ledger gains the chain: its events, as they are when this egov first opens it, are
    chained in sequence (the append-only triggers are lifted for that one transaction, then put back).
    What happened to them before cannot be proven; what happens after can."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in _CHAIN_V1:
            db.execute(statement)
        db.execute("DROP TRIGGER IF EXISTS events_append_only_update")
        prev = GENESIS
        for row in db.execute(f"SELECT {CONTENT_COLUMNS} FROM events ORDER BY seq").fetchall():
            chain = chain_hash(prev, tuple(row[1:]))
            db.execute("UPDATE events SET prev = ?, chain = ? WHERE seq = ?", (prev, chain, row[0]))
            prev = chain
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('chained_from', ?)", (str(time.time()),))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _record(row: tuple[Any, ...]) -> SystemRecord:
    deadline = dt.date.fromisoformat(row[5]) if row[5] else None
    return SystemRecord(
        row[0], row[1], State(row[2]), row[3], row[4], deadline, row[6], row[7], row[8], bool(row[9]),
        row[10], row[11],
    )  # fmt: skip


def _event(row: tuple[Any, ...]) -> Event:
    seq, system, at, actor, kind, step, from_state, to_state, result, detail, text, digest, run = row
    evidence = json.loads(text) if text else None
    return Event(
        seq, system, at, actor, kind, step, from_state, to_state, result, detail, evidence, digest, run
    )


def _because(reason: str | None) -> str:
    return f" ({reason})" if reason else ""
