"""The rollout journal's file: a journal written before changes were kept for every platform opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from network.rollout.journal import Journal, config_hash

_OLD = """
CREATE TABLE runs (id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL, command TEXT NOT NULL,
    result TEXT);
CREATE TABLE devices (hostname TEXT PRIMARY KEY, wave INTEGER NOT NULL, state TEXT NOT NULL, stage TEXT,
    updated REAL NOT NULL, reason TEXT, pre_change TEXT, hash_before TEXT, hash_after TEXT);
CREATE TABLE trials (id INTEGER PRIMARY KEY, run INTEGER NOT NULL, hostname TEXT NOT NULL,
    change TEXT NOT NULL, started REAL NOT NULL, seconds INTEGER NOT NULL, pre_change TEXT NOT NULL,
    hash_before TEXT NOT NULL, settled REAL, outcome TEXT);
"""


def test_an_older_journal_keeps_its_trials_as_changes(tmp_path: Path) -> None:
    path = tmp_path / "rollout.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(_OLD)
        db.execute(
            "INSERT INTO trials (run, hostname, change, started, seconds, pre_change, hash_before) "
            "VALUES (1, 'SW-CORE-01', 'onboard sw-gaj', 0, 300, 'sysname SW-CORE-01', ?)",
            (config_hash("sysname SW-CORE-01"),),
        )
    journal = Journal(path)
    try:
        (record,) = journal.open_changes("SW-CORE-01")
        assert (record.change, record.seconds, record.trial, record.outcome) == (
            "onboard sw-gaj",
            300,
            True,
            None,
        )
        journal.settle_change(record.id, "confirmed")
        new = journal.open_change(2, "SW-CORE-01", "rollout", 0, "sysname SW-CORE-01")
        assert [(c.id, c.trial, c.outcome) for c in journal.changes()] == [
            (record.id, True, "confirmed"),
            (new, False, None),
        ]
    finally:
        journal.close()
    with sqlite3.connect(path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "trials" not in tables and "changes" in tables
