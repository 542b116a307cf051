"""The state directory of an inventory, and how its SQLite files are opened.

``<inventory>.state/`` beside the inventory (unless given) holds the rollout journal
(``rollout.sqlite``), the migration ledger (``migration.sqlite``) and the last recorded measurement of
the city's services over IPv6 (``ipv6-services.json``). Both are SQLite in WAL mode,
written by the engine, the runbook and the Ansible modules, read by the exporter.

A state file is opened either for writing, or — what check mode uses — as a *scratch copy*: an
in-memory copy of the file (empty when there is none) that a dry run may write into as it likes,
so that the file itself is never created, locked for writing or changed. An existing file is
checked when opened (``PRAGMA quick_check``), so a damaged or truncated one is reported with its
path instead of failing later in the middle of a command.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

JOURNAL_FILE = "rollout.sqlite"
LEDGER_FILE = "migration.sqlite"
SERVICES_FILE = "ipv6-services.json"  # the last IPv6 services measurement (network.programme.measured)


class StateFileError(Exception):
    """A state file cannot be used: the message names the file, the hint says what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def state_dir(inventory: Path, state: Path | None = None) -> Path:
    """``<inventory>.state`` beside the inventory, unless ``state`` is given."""
    root = inventory.resolve()
    return state if state is not None else root.parent / f"{root.name}.state"


def journal_path(inventory: Path, state: Path | None = None) -> Path:
    """The rollout journal of an inventory."""
    return state_dir(inventory, state) / JOURNAL_FILE


def ledger_path(inventory: Path, state: Path | None = None) -> Path:
    """The migration ledger of an inventory."""
    return state_dir(inventory, state) / LEDGER_FILE


def connect(path: Path, what: str, scratch: bool = False) -> sqlite3.Connection:
    """A connection to the state file at ``path`` (``what`` names it in errors: "rollout journal").

    For writing: the file (created with its directory if missing), WAL, synchronous FULL. With
    ``scratch``: an in-memory copy, the file only read. An existing file is checked first, on a copy,
    so that a damaged one is refused without anything created beside it; StateFileError then.
    """
    hint = f"move {path.name} aside (keep it: it is the record of what was done) and run again"
    try:
        copy = _snapshot(path) if path.exists() else None
        if scratch:
            return copy if copy is not None else _memory()
        if copy is not None:
            copy.close()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        return db
    except (sqlite3.DatabaseError, OSError) as problem:
        raise StateFileError(f"{path}: not a usable {what} ({problem})", hint) from None


def _memory() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)


def _snapshot(path: Path) -> sqlite3.Connection:
    """An in-memory copy of the file, checked. Where a writer has the file open (its ``-wal`` exists)
    SQLite reads it, WAL included; otherwise the copy is made from the file's bytes, so that reading
    creates no ``-wal`` or ``-shm`` beside it."""
    db = _memory()
    if path.with_name(path.name + "-wal").exists():
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            _check(source)
            source.backup(db)
        finally:
            source.close()
        return db
    image = bytearray(path.read_bytes())
    if not image:
        return db  # an empty file is an empty database
    if len(image) >= 20 and image[18] == 2 and image[19] == 2:
        image[18] = image[19] = 1  # header bytes 18-19: WAL; an in-memory copy keeps a rollback journal
    db.deserialize(bytes(image))
    _check(db)
    return db


def _check(db: sqlite3.Connection) -> None:
    """Raise DatabaseError unless SQLite finds the file sound."""
    verdict = db.execute("PRAGMA quick_check").fetchone()
    if verdict is None or verdict[0] != "ok":
        raise sqlite3.DatabaseError(str(verdict[0]) if verdict else "quick_check said nothing")
