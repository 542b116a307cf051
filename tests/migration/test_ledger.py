"""The ledger: initial states from the inventory, transitions, an append-only log, two operators, kill -9."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from network.inventory.loader import load_inventory
from network.migration.ledger import LEASE, LeaseHeld, Ledger, LedgerError, UnknownSystem
from network.migration.lifecycle import State, TransitionRefused
from tests.helpers import ROOT, SHANWEI

INVENTORY = load_inventory(SHANWEI).inventory


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    opened = Ledger(tmp_path / "migration.sqlite", actor="tester@lab")
    opened.sync(INVENTORY.systems)
    return opened


def _one(predicate: object) -> str:
    return next(s.id for s in INVENTORY.systems if predicate(s))  # type: ignore[operator]


CLASSIFIED = _one(lambda s: s.classification.value == "classified")
RETAINED = _one(lambda s: s.classification.value != "classified" and s.migration.strategy.value == "retain")
RETIRING = _one(lambda s: s.migration.strategy.value == "retire")
MOVING = _one(lambda s: s.migration.target.value == "cloud" and s.classification.value != "classified")


def test_every_system_gets_a_record_in_its_initial_state(ledger: Ledger) -> None:
    records = {r.id: r for r in ledger.records()}
    assert set(records) == {s.id for s in INVENTORY.systems}
    assert records[CLASSIFIED].state is State.RETAINED and "classified" in (records[CLASSIFIED].reason or "")
    assert records[RETAINED].state is State.RETAINED and records[RETAINED].reason
    assert records[RETIRING].state is State.NOT_STARTED
    moving = INVENTORY.system_by_id[MOVING]
    assert records[MOVING].state is State.NOT_STARTED
    assert (records[MOVING].wave, records[MOVING].deadline) == (
        moving.migration.wave,
        moving.migration.deadline,
    )
    assert ledger.sync(INVENTORY.systems) == 0  # idempotent: nothing new the second time


def test_transitions_are_recorded_with_actor_time_and_evidence(ledger: Ledger) -> None:
    before = time.time()
    event = ledger.transition(
        MOVING, State.ASSESSED, step="precheck", detail="ok", evidence={"bytes": 5}, run="r1"
    )
    assert ledger.record(MOVING).state is State.ASSESSED
    logged = ledger.events(MOVING)[-1]
    assert logged.seq == event.seq and logged.actor == "tester@lab" and logged.at >= before
    assert (logged.from_state, logged.to_state, logged.evidence, logged.run) == (
        "not_started",
        "assessed",
        {"bytes": 5},
        "r1",
    )
    assert logged.evidence_sha256 == hashlib.sha256(b'{"bytes":5}').hexdigest()


def test_illegal_and_stale_transitions_are_refused_and_change_nothing(ledger: Ledger) -> None:
    count = len(ledger.events(MOVING))
    with pytest.raises(TransitionRefused, match="cannot go from not started to cut over"):
        ledger.transition(MOVING, State.CUT_OVER)
    ledger.transition(MOVING, State.ASSESSED)
    with pytest.raises(TransitionRefused, match="another run moved it"):
        ledger.transition(MOVING, State.PROVISIONED, expect=State.NOT_STARTED)
    assert ledger.record(MOVING).state is State.ASSESSED
    assert len(ledger.events(MOVING)) == count + 1
    with pytest.raises(TransitionRefused):
        ledger.transition(CLASSIFIED, State.ASSESSED)  # classified: retained for good
    with pytest.raises(UnknownSystem):
        ledger.transition("sw-nope-s99", State.ASSESSED)


def test_the_event_log_is_append_only(ledger: Ledger, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "migration.sqlite")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE events SET detail = 'rewritten'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM events")
    db.close()


def test_a_file_that_is_not_a_ledger_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "migration.sqlite"
    bad.write_text("not a database at all, but long enough to look like a header" * 20)
    with pytest.raises(LedgerError, match="not a usable migration ledger"):
        Ledger(bad)


def _race(path: str, barrier: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue) -> None:
    ledger = Ledger(Path(path), actor=f"operator-{os.getpid()}")
    barrier.wait()
    try:
        ledger.transition(MOVING, State.ASSESSED, expect=State.NOT_STARTED)
        results.put("won")
    except TransitionRefused as refused:
        results.put(f"refused: {refused.reason}")


def test_two_operators_at_once_only_one_moves_the_system(ledger: Ledger, tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    workers = [
        context.Process(target=_race, args=(str(tmp_path / "migration.sqlite"), barrier, results))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert outcomes.count("won") == 1, outcomes
    assert all("another run moved it" in o for o in outcomes if o != "won")
    moves = [e for e in ledger.events(MOVING) if e.kind == "transition"]
    assert len(moves) == 1


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from network.migration.ledger import Ledger
    ledger = Ledger(Path(sys.argv[1]), actor="writer")
    n = 0
    while True:
        event = ledger.record_step(sys.argv[2], "transfer", "progress", f"chunk {n}", {"n": n})
        print(event.seq, flush=True)   # printed only once the transaction has committed
        n += 1
    """
)


def test_kill_9_while_writing_loses_no_committed_event(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "migration.sqlite"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), MOVING, str(ROOT)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    committed = []
    deadline = time.monotonic() + 30
    while len(committed) < 300 and time.monotonic() < deadline:
        committed.append(int(writer.stdout.readline()))
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    reopened = Ledger(path)
    assert reopened._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    present = {e.seq for e in reopened.events(MOVING)}
    assert set(committed) <= present
    assert len(committed) == 300


def test_leases_refuse_a_live_holder_and_take_over_a_dead_one(ledger: Ledger) -> None:
    held = ledger.acquire(MOVING, "run-a")
    assert held.pid == os.getpid() and ledger.acquire(MOVING, "run-a") == held  # same run: fine
    with pytest.raises(LeaseHeld, match="being migrated by run run-a") as refused:
        ledger.acquire(MOVING, "run-b")
    assert "taken over" in refused.value.hint
    ledger.release(MOVING, "run-a")
    assert ledger.lease(MOVING) is None
    dead = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    ledger.acquire(MOVING, "run-c", pid=dead.pid)
    dead.kill()
    dead.wait()
    mine = ledger.acquire(MOVING, "run-d")
    assert mine.run == "run-d"
    takeover = [e for e in ledger.events(MOVING) if e.kind == LEASE]
    assert takeover and "took over from run run-c" in (takeover[-1].detail or "")


def test_a_reused_pid_is_not_taken_for_the_holder(ledger: Ledger) -> None:
    # The same pid with another start time is another process: the lease is stale.
    ledger.acquire(MOVING, "run-a")
    ledger._db.execute("UPDATE leases SET started = '1' WHERE system = ?", (MOVING,))
    assert ledger.acquire(MOVING, "run-b").run == "run-b"
