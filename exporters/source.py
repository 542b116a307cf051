"""The inventory the collectors read: loaded and validated at start, reloaded in the background.

A scrape never waits for a reload (a province-scale inventory takes seconds to validate): a watcher
thread checks the files' sizes and modification times every ``interval`` seconds, loads and
validates a changed inventory, and swaps it in whole. An inventory that no longer validates is not
taken: the previous one stays in use, and ``egov_exporter_inventory_reload_success`` says 0 until
the files are fixed. What the collectors derive from an inventory (the intent) is kept with it, so
it is computed once per inventory, not once per scrape.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from network.addressing.lock import LOCK_FILE, Lock, LockError, read_lock
from network.inventory import Inventory
from network.inventory.report import render_text
from network.inventory.validate import validate
from network.programme.progress import Intent

log = logging.getLogger("egov.exporter")


class InventoryUnusable(Exception):
    """The inventory cannot be served: its findings (file:line), one per line."""


@dataclass
class Loaded:
    """One loaded inventory: the records, its lock (None when absent), the intent, when, a generation."""

    inventory: Inventory
    lock: Lock | None
    intent: Intent
    loaded_at: float
    generation: int
    cache: dict[str, Any] = field(default_factory=dict)  # what collectors derive once per generation


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in sorted(root.glob("*.yaml")):
        try:
            info = path.stat()
        except OSError:
            continue
        out.append((path.name, info.st_mtime_ns, info.st_size))
    return tuple(out)


def load(root: Path, generation: int = 1) -> Loaded:
    """Load and validate; InventoryUnusable with the findings when it has errors (InventoryNotFound when
    ``root`` is no inventory directory)."""
    report = validate(root)
    if report.unusable or report.errors:
        findings = [line for line in render_text(report) if line.strip()]
        raise InventoryUnusable("\n".join(findings[:40]))
    lock = None
    try:
        lock = read_lock(root / LOCK_FILE)
    except LockError as problem:
        log.warning("%s (the address plan's metrics are left out)", problem)
    return Loaded(report.inventory, lock, Intent(report.inventory), time.time(), generation)


class InventorySource:
    """The current inventory of a directory, and where its state (journal, ledger) lives."""

    def __init__(self, root: Path, state_dir: Path, interval: float = 10.0) -> None:
        self.root, self.state_dir, self.interval = root, state_dir, interval
        self._signature = _signature(root)
        self._current = load(root)
        self.reload_ok = True
        self.last_error = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def current(self) -> Loaded:
        """The inventory in use."""
        with self._lock:
            return self._current

    def reload_if_changed(self) -> bool:
        """Load the files again if they changed; True when a new inventory was taken."""
        signature = _signature(self.root)
        if signature == self._signature:
            return False
        self._signature = signature
        try:
            loaded = load(self.root, self.current.generation + 1)
        except InventoryUnusable as problem:
            self.reload_ok, self.last_error = False, str(problem)
            log.error("inventory %s no longer validates; keeping the previous one:\n%s", self.root, problem)
            return False
        except Exception as problem:  # a half-written file mid-save: try again at the next change
            self.reload_ok, self.last_error = False, f"{type(problem).__name__}: {problem}"
            log.error("inventory %s could not be reloaded: %s", self.root, self.last_error)
            return False
        with self._lock:
            self._current = loaded
        self.reload_ok, self.last_error = True, ""
        log.info("inventory %s reloaded (generation %d)", self.root, loaded.generation)
        return True

    def watch(self, on_reload: Callable[[Loaded], None] | None = None) -> None:
        """Start the background watcher (a daemon thread)."""

        def loop() -> None:
            while not self._stop.wait(self.interval):
                if self.reload_if_changed() and on_reload is not None:
                    on_reload(self.current)

        self._thread = threading.Thread(target=loop, name="egov-inventory-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the watcher."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
