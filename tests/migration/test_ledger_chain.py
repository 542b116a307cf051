"""The ledger's SM3 chain and SM2 checkpoints: every kind of quiet edit to a copy is found and named.

Tampering is done the way someone with the file would: sqlite3 on a copy, the append-only triggers
dropped first. Signatures are OpenSSL 3's SM2 (``openssl pkeyutl``); a key made by ``openssl genpkey``.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from network.inventory.loader import load_inventory
from network.migration import sm2
from network.migration.chain import CONTENT_COLUMNS, GENESIS, chain_hash
from network.migration.ledger import Ledger
from tests.helpers import SHANWEI

INVENTORY = load_inventory(SHANWEI).inventory
SYSTEMS = [s.id for s in INVENTORY.systems][:3]


def _key(directory: Path, name: str = "sm2.pem") -> Path:
    path = directory / name
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "SM2", "-out", str(path)], check=True, capture_output=True
    )
    return path


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path]:
    """A ledger of 12 notes on three systems, a checkpoint after the 8th; and the signing key."""
    key = _key(tmp_path)
    path = tmp_path / "migration.sqlite"
    with Ledger(path, actor="tester@lab") as ledger:
        ledger.sync(INVENTORY.systems)
        for i in range(8):
            ledger.note(SYSTEMS[i % 3], f"note {i}")
        ledger.checkpoint(key)
        for i in range(8, 12):
            ledger.note(SYSTEMS[i % 3], f"note {i}")
    return path, key


def _public(key: Path) -> str:
    return sm2.public_key(key)


def _tampered(path: Path, tmp_path: Path, *statements: str) -> Path:
    copy = tmp_path / "copy.sqlite"
    shutil.copy(path, copy)
    db = sqlite3.connect(copy)
    db.executescript(
        "DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;"
        "DROP TRIGGER checkpoints_append_only_update; DROP TRIGGER checkpoints_append_only_delete;"
        + ";".join(statements)
    )
    db.commit()
    db.close()
    return copy


def _findings(path: Path, key: Path | None) -> list[tuple[str, int]]:
    with Ledger(path, scratch=True) as ledger:
        report = ledger.verify_chain(_public(key) if key else None)
    return [(f.kind, f.seq) for f in report.findings]


def test_every_event_is_chained_and_an_untouched_ledger_verifies(signed: tuple[Path, Path]) -> None:
    path, key = signed
    db = sqlite3.connect(path)
    rows = db.execute("SELECT seq, prev, chain FROM events ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0][1] == GENESIS and all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))
    with Ledger(path, scratch=True) as ledger:
        report = ledger.verify_chain(_public(key))
    assert report.intact and report.events == len(rows) and report.checkpoints == 1 and report.anchored


def test_the_chain_hash_is_sm3_of_the_predecessor_and_the_content() -> None:
    # The standard's own vector: SM3("abc") (GB/T 32905-2016 A.1), through the same function.
    import hashlib  # noqa: PLC0415

    assert hashlib.new("sm3", b"abc").hexdigest().startswith("66c7f0f462eeedd9")
    content = ("s", 1.5, "a", "note", None, None, None, None, "x", None, None, None)
    assert chain_hash(GENESIS, content) != chain_hash("1" * 64, content)
    assert chain_hash(GENESIS, content) == chain_hash(GENESIS, content)


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (["UPDATE events SET detail = 'nothing happened' WHERE seq = 20"], [("edited", 20)]),
        (["DELETE FROM events WHERE seq = 20"], [("deleted", 20)]),
        # an event slipped in: everything after it moved up one, the forger's row in the gap
        (
            [
                "UPDATE events SET seq = seq + 1000 WHERE seq >= 20",
                "UPDATE events SET seq = seq - 999 WHERE seq >= 1000",
                "INSERT INTO events (seq, system, at, actor, kind, detail, prev, chain) "
                "SELECT 20, system, at, actor, kind, 'forged', prev, chain FROM events WHERE seq = 21",
            ],
            [("edited", 20), ("moved", 21)],  # the forger's row hashes to nothing; 21 no longer follows 20
        ),
        # two events swapped
        (
            [
                "UPDATE events SET seq = -1 WHERE seq = 20",
                "UPDATE events SET seq = 20 WHERE seq = 21",
                "UPDATE events SET seq = 21 WHERE seq = -1",
            ],
            [("moved", 20), ("moved", 21)],
        ),
    ],
    ids=["edited", "deleted", "inserted", "reordered"],
)
def test_a_quiet_edit_is_found_and_named(
    signed: tuple[Path, Path], tmp_path: Path, statements: list[str], expected: list[tuple[str, int]]
) -> None:
    path, key = signed
    assert _findings(_tampered(path, tmp_path, *statements), key)[: len(expected)] == expected


def test_a_rewritten_chain_is_caught_by_the_signed_checkpoint(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    path, key = signed
    copy = _tampered(path, tmp_path, "UPDATE events SET detail = 'nothing happened' WHERE seq = 5")
    db = sqlite3.connect(copy)  # the forger recomputes every chain value after the edit: SM3 has no key
    prev = GENESIS
    for row in db.execute(f"SELECT {CONTENT_COLUMNS} FROM events ORDER BY seq").fetchall():
        chain = chain_hash(prev, tuple(row[1:]))
        db.execute("UPDATE events SET prev = ?, chain = ? WHERE seq = ?", (prev, chain, row[0]))
        prev = chain
    db.commit()
    db.close()
    found = _findings(copy, key)
    (checkpoint,) = [f for f in found if f[0] == "checkpoint"]
    assert found == [checkpoint]  # the chain itself is consistent again: only the signature knows


def test_a_forged_checkpoint_fails_with_the_operators_key(signed: tuple[Path, Path], tmp_path: Path) -> None:
    path, key = signed
    other = _key(tmp_path, "other.pem")
    copy = tmp_path / "forged.sqlite"
    shutil.copy(path, copy)
    # the forger rewrites the events, then signs the new head with a key of his own
    with Ledger(copy, actor="forger") as ledger:
        ledger.note(SYSTEMS[0], "added later")
        ledger.checkpoint(other)
    found = _findings(copy, key)
    assert [f[0] for f in found] == ["signature"]
    # without the operator's key the checkpoints are checked against the keys they name: both verify
    assert _findings(copy, None) == []


def test_a_truncated_ledger_no_longer_reaches_its_checkpoint(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    path, key = signed
    db = sqlite3.connect(path)
    (last_signed,) = db.execute("SELECT seq FROM checkpoints").fetchone()
    db.close()
    copy = _tampered(path, tmp_path, f"DELETE FROM events WHERE seq >= {last_signed}")
    assert ("truncated", last_signed) in _findings(copy, key)


def test_a_schema_1_ledger_is_chained_when_first_opened(tmp_path: Path, signed: tuple[Path, Path]) -> None:
    path, _ = signed
    old = tmp_path / "v1.sqlite"
    shutil.copy(path, old)
    db = sqlite3.connect(old)  # make it what an earlier egov wrote: no chain columns, no checkpoints
    db.executescript(
        "DROP TABLE checkpoints; DROP TRIGGER events_append_only_update;"
        "DROP TRIGGER events_append_only_delete;"
        "ALTER TABLE events DROP COLUMN prev; ALTER TABLE events DROP COLUMN chain;"
        "UPDATE meta SET value = '1' WHERE key = 'schema';"
    )
    db.commit()
    db.close()
    with Ledger(old, actor="tester@lab") as ledger:
        assert ledger.verify_chain().intact
        ledger.note(SYSTEMS[0], "after the upgrade")
        assert ledger.verify_chain().intact
    db = sqlite3.connect(old)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("2",)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE events SET detail = 'x' WHERE seq = 1")


def test_egov_signs_and_verifies_and_names_an_edit_in_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`egov migrate checkpoint` with the key a reference names; `egov migrate verify-ledger` on the
    ledger (exit 0) and on an edited copy (exit 1, the event named); no key set is unusable input (2)."""
    import json  # noqa: PLC0415

    from network.state import ledger_path  # noqa: PLC0415
    from tests.helpers import run_egov  # noqa: PLC0415

    state = tmp_path / "state"
    with Ledger(ledger_path(SHANWEI, state), actor="tester@lab") as ledger:
        ledger.sync(INVENTORY.systems)
        for i in range(5):
            ledger.note(SYSTEMS[i % 3], f"note {i}")
    key = _key(tmp_path)
    public = tmp_path / "sm2.pub.pem"
    public.write_text(_public(key), encoding="ascii")
    monkeypatch.delenv(sm2.KEY_VARIABLE, raising=False)
    missing = run_egov("migrate", "checkpoint", str(SHANWEI), "--state", str(state))
    assert (
        missing.returncode == 2 and sm2.KEY_VARIABLE in missing.stderr and "Traceback" not in missing.stderr
    )
    monkeypatch.setenv(sm2.KEY_VARIABLE, str(key))
    signed = run_egov("migrate", "checkpoint", str(SHANWEI), "--state", str(state))
    assert signed.returncode == 0, signed.stderr
    assert "BEGIN" not in signed.stdout + signed.stderr  # the key itself is never printed
    args = ("migrate", "verify-ledger", str(SHANWEI), "--state", str(state), "--public-key", str(public))
    ok = run_egov(*args)
    assert ok.returncode == 0 and "chain intact" in ok.stdout, ok.stdout + ok.stderr
    copy = _tampered(
        ledger_path(SHANWEI, state), tmp_path, "UPDATE events SET actor = 'someone else' WHERE seq = 3"
    )
    bad = run_egov(*args, "--ledger", str(copy), "--format", "json")
    assert bad.returncode == 1
    document = json.loads(bad.stdout)
    assert [(f["kind"], f["seq"]) for f in document["findings"]] == [("edited", 3)]
    assert not document["intact"] and document["anchored"]
    bundle = tmp_path / "bundle"
    exported = run_egov(
        "migrate", "export-evidence", str(SHANWEI), SYSTEMS[0], "--out", str(bundle), "--state", str(state)
    )
    assert exported.returncode == 0, exported.stderr
    checked = run_egov(
        "migrate", "verify-ledger", str(SHANWEI), "--bundle", str(bundle), "--public-key", str(public)
    )
    assert checked.returncode == 0 and "chain intact" in checked.stdout, checked.stdout + checked.stderr
    again = run_egov(
        "migrate", "export-evidence", str(SHANWEI), SYSTEMS[0], "--out", str(bundle), "--state", str(state)
    )
    assert again.returncode == 2 and "not empty" in again.stderr


def test_an_evidence_bundle_is_checked_offline_and_an_edit_in_it_is_named(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    import json  # noqa: PLC0415

    from network.migration.chain import BUNDLE_FILES, _digests, verify_bundle  # noqa: PLC0415

    path, key = signed
    bundle = tmp_path / "bundle"
    with Ledger(path, scratch=True) as ledger:
        manifest = ledger.export_bundle(SYSTEMS[1], bundle)
        mine = len(ledger.events(SYSTEMS[1]))
    assert manifest["system"] == SYSTEMS[1] and set(manifest["files"]) == set(BUNDLE_FILES)
    report = verify_bundle(bundle, _public(key))
    assert report.intact and report.events == mine >= 4 and report.checkpoints == 1, report.findings
    lines = (bundle / "events.jsonl").read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[1])
    row[10] = "the check passed"  # detail: what an auditor would want to read otherwise
    lines[1] = json.dumps(row, ensure_ascii=False)
    (bundle / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    kinds = [(f.kind, f.seq) for f in verify_bundle(bundle, _public(key)).findings]
    assert kinds == [("edited", 0), ("edited", row[0])]  # the manifest's digest, and the event itself
    # the forger fixes the manifest too: the chain still names the event
    manifest["files"]["events.jsonl"] = _digests(bundle / "events.jsonl")
    (bundle / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert [(f.kind, f.seq) for f in verify_bundle(bundle, _public(key)).findings] == [("edited", row[0])]
