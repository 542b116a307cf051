"""The rollout journal: SQLite (WAL) beside the inventory, every step of every device, never rewritten.

``devices`` holds each device's current state (pending, running, done, failed, rolled_back), the
stage it reached, the configuration saved before the change and the hashes before and after.
``steps`` is append-only: every precheck, push, postcheck and rollback with its timestamps, result
and detail. A device is marked ``running`` with its stage *before* anything is sent to it, so that
after an interruption (even kill -9) ``resume`` knows which devices may be half-way. ``changes`` holds
every change pushed to a device (the rollout's, an onboarding's, a cutover's), with the configuration
before it, opened before anything is sent and closed once it is confirmed or gone back; ``seconds`` is
its trial time where the platform has trial commits (VRP8, Comware 7) and 0 for a plain commit. An
open one after an interruption is a change that may be half-way, or still waiting on the device for
its confirmation, and ``resume`` settles it from the configuration it recorded.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from network.state import StateFileError, connect

PENDING, RUNNING, DONE, FAILED, ROLLED_BACK = "pending", "running", "done", "failed", "rolled_back"
STATES = (PENDING, RUNNING, DONE, FAILED, ROLLED_BACK)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL, command TEXT NOT NULL, result TEXT
);
CREATE TABLE IF NOT EXISTS devices (
    hostname TEXT PRIMARY KEY, wave INTEGER NOT NULL, state TEXT NOT NULL, stage TEXT,
    updated REAL NOT NULL, reason TEXT, pre_change TEXT, hash_before TEXT, hash_after TEXT
);
CREATE TABLE IF NOT EXISTS playbook_events (
    id INTEGER PRIMARY KEY, run INTEGER NOT NULL, playbook TEXT NOT NULL, event TEXT NOT NULL,
    host TEXT, task TEXT, created REAL NOT NULL, detail TEXT
);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY, run INTEGER NOT NULL, hostname TEXT NOT NULL, change TEXT NOT NULL,
    started REAL NOT NULL, seconds INTEGER NOT NULL, pre_change TEXT NOT NULL, hash_before TEXT NOT NULL,
    settled REAL, outcome TEXT
);
CREATE TABLE IF NOT EXISTS steps (
    id INTEGER PRIMARY KEY, run INTEGER NOT NULL, hostname TEXT NOT NULL, wave INTEGER NOT NULL,
    step TEXT NOT NULL, result TEXT NOT NULL, started REAL NOT NULL, finished REAL NOT NULL,
    detail TEXT, hash_before TEXT, hash_after TEXT
);
"""


def config_hash(text: str) -> str:
    """SHA-256 of a configuration as the device printed it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Step:
    """One step of one device in one run: precheck, check, push, postcheck, rollback or resume."""

    run: int
    hostname: str
    wave: int
    step: str
    result: str
    started: float
    detail: str = ""
    hash_before: str | None = None
    hash_after: str | None = None


@dataclass(frozen=True)
class DeviceRecord:
    """One device's line in the journal."""

    hostname: str
    wave: int
    state: str
    stage: str | None
    updated: float
    reason: str | None
    pre_change: str | None
    hash_before: str | None
    hash_after: str | None


# Journals written before changes were recorded for every platform kept only trial commits, in a
# table of the same columns; they are carried over once, on first open.
_LEGACY = """
INSERT INTO changes SELECT id, run, hostname, change, started, seconds, pre_change, hash_before,
    settled, outcome FROM trials;
DROP TABLE trials;
"""


@dataclass(frozen=True)
class ChangeRecord:
    """A change sent to a device: which (``rollout``, ``onboard D``, ``cutover D N``), when, its trial
    time (0: a plain commit), the configuration before it; ``outcome`` once settled (None while open)."""

    id: int
    run: int
    hostname: str
    change: str
    started: float
    seconds: int
    pre_change: str
    hash_before: str
    outcome: str | None

    @property
    def trial(self) -> bool:
        """Sent as a trial commit (the device reverts it by itself unless it is confirmed)."""
        return self.seconds > 0


class Journal:
    """A journal file; safe to share between the engine's threads (one connection, one lock).

    ``scratch``: work on an in-memory copy of the file (check mode: the file is never changed).
    StateFileError when the file is damaged or is not a journal.
    """

    def __init__(self, path: Path, scratch: bool = False) -> None:
        self.path = path
        self.scratch = scratch
        self._lock = threading.Lock()
        self._db = connect(path, "rollout journal", scratch)
        try:
            self._db.executescript(_SCHEMA)
            legacy = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trials'"
            if self._db.execute(legacy).fetchone():
                self._db.executescript("BEGIN IMMEDIATE;" + _LEGACY + "COMMIT;")
            self._db.execute("SELECT hostname, wave, state, stage, pre_change FROM devices LIMIT 1")
        except sqlite3.DatabaseError as problem:
            self._db.close()
            raise StateFileError(
                f"{path}: not a usable rollout journal ({problem})",
                "give the journal of a rollout (`--state DIR`), or move this file aside",
            ) from None

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def start_run(self, command: str) -> int:
        """A new run; returns its id."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO runs (started, command) VALUES (?, ?)", (time.time(), command)
            )
            return int(cursor.lastrowid or 0)

    def finish_run(self, run: int, result: str) -> None:
        """Close a run with its result (completed, stopped: …, interrupted)."""
        with self._lock:
            self._db.execute(
                "UPDATE runs SET finished = ?, result = ? WHERE id = ?", (time.time(), result, run)
            )

    def sync(self, waves: Iterable[tuple[str, int]]) -> None:
        """Every device of the plan has a line (new ones pending); waves follow the current plan."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            for hostname, wave in waves:
                self._db.execute(
                    "INSERT INTO devices (hostname, wave, state, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(hostname) DO UPDATE SET wave = excluded.wave",
                    (hostname, wave, PENDING, now),
                )
            self._db.execute("COMMIT")

    def set_state(
        self,
        hostname: str,
        state: str,
        stage: str | None = None,
        reason: str | None = None,
        **fields: str | None,
    ) -> None:
        """Record a device's state (and optionally pre_change, hash_before, hash_after)."""
        allowed = {"pre_change", "hash_before", "hash_after"}
        assert set(fields) <= allowed, fields
        columns = ["state = ?", "stage = ?", "reason = ?", "updated = ?"]
        values: list[object] = [state, stage, reason, time.time()]
        for name, value in fields.items():
            columns.append(f"{name} = ?")
            values.append(value)
        with self._lock:
            self._db.execute(
                f"UPDATE devices SET {', '.join(columns)} WHERE hostname = ?", (*values, hostname)
            )

    def step(self, entry: Step) -> None:
        """Append one step of one device."""
        with self._lock:
            self._db.execute(
                "INSERT INTO steps (run, hostname, wave, step, result, started, finished, detail, "
                "hash_before, hash_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.run,
                    entry.hostname,
                    entry.wave,
                    entry.step,
                    entry.result,
                    entry.started,
                    time.time(),
                    entry.detail,
                    entry.hash_before,
                    entry.hash_after,
                ),
            )

    def playbook_event(
        self, run: int, playbook: str, event: str, host: str | None, task: str | None, detail: str
    ) -> None:
        """Append one ansible-runner event of a playbook run."""
        with self._lock:
            self._db.execute(
                "INSERT INTO playbook_events (run, playbook, event, host, task, created, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run, playbook, event, host, task, time.time(), detail),
            )

    def playbook_events(self, run: int | None = None) -> list[tuple[object, ...]]:
        """Recorded playbook events (of one run, or all), oldest first."""
        query = "SELECT run, playbook, event, host, task, detail FROM playbook_events"
        args: tuple[object, ...] = ()
        if run is not None:
            query, args = query + " WHERE run = ?", (run,)
        with self._lock:
            return list(self._db.execute(query + " ORDER BY id", args).fetchall())

    def devices(self) -> list[DeviceRecord]:
        """Every device, by wave then hostname."""
        with self._lock:
            rows = self._db.execute(
                "SELECT hostname, wave, state, stage, updated, reason, pre_change, hash_before, hash_after "
                "FROM devices ORDER BY wave, hostname"
            ).fetchall()
        return [DeviceRecord(*row) for row in rows]

    def device(self, hostname: str) -> DeviceRecord | None:
        """One device's line."""
        with self._lock:
            row = self._db.execute(
                "SELECT hostname, wave, state, stage, updated, reason, pre_change, hash_before, hash_after "
                "FROM devices WHERE hostname = ?",
                (hostname,),
            ).fetchone()
        return DeviceRecord(*row) if row else None

    def open_change(self, run: int, hostname: str, change: str, seconds: int, pre_change: str) -> int:
        """Record a change about to be sent, with the configuration before it (before it is sent: a kill
        during the push is covered); ``seconds``: its trial time, 0 for a plain commit."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO changes (run, hostname, change, started, seconds, pre_change, hash_before) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run, hostname, change, time.time(), seconds, pre_change, config_hash(pre_change)),
            )
            return int(cursor.lastrowid or 0)

    def settle_change(self, change: int, outcome: str) -> None:
        """Close a change: confirmed (a trial) or committed, rolled_back (by us), reverted (the device
        went back by itself), failed, not applied, superseded."""
        with self._lock:
            self._db.execute(
                "UPDATE changes SET settled = ?, outcome = ? WHERE id = ? AND settled IS NULL",
                (time.time(), outcome, change),
            )

    def open_changes(self, hostname: str | None = None) -> list[ChangeRecord]:
        """Changes not yet settled (of one device, or all), oldest first."""
        return self.changes(hostname, open_only=True)

    def changes(self, hostname: str | None = None, open_only: bool = False) -> list[ChangeRecord]:
        """Every change (of one device, or all; only those not yet settled), oldest first."""
        where = [
            clause
            for clause, wanted in (("settled IS NULL", open_only), ("hostname = ?", hostname))
            if wanted
        ]
        query = (
            "SELECT id, run, hostname, change, started, seconds, pre_change, hash_before, outcome "
            "FROM changes" + (" WHERE " + " AND ".join(where) if where else "")
        )
        args = (hostname,) if hostname is not None else ()
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [ChangeRecord(*row) for row in rows]

    def steps(self, hostname: str | None = None) -> list[tuple[object, ...]]:
        """Steps (all, or one device's), oldest first."""
        query = "SELECT run, hostname, wave, step, result, started, finished, detail FROM steps"
        args: tuple[object, ...] = ()
        if hostname is not None:
            query, args = query + " WHERE hostname = ?", (hostname,)
        with self._lock:
            return list(self._db.execute(query + " ORDER BY id", args).fetchall())
