"""Migrations end to end on the systems lab: real PostgreSQL, rsync, HTTPS apps, ansible-runner and
ansible-playbook. Each test migrates systems of its own."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from prometheus_client import CollectorRegistry

from exporters.collectors import ProgrammeCollector
from exporters.source import InventorySource
from network.inventory.loader import load_inventory
from network.migration import checks, names, postgres, sm2
from network.migration.endpoints import Service
from network.migration.integrity import build_manifest, compare
from network.migration.ledger import LEASE, Ledger
from network.migration.lifecycle import State
from tests.helpers import ROOT, run_egov
from tests.migration.conftest import PASSWORD, Lab

pytestmark = pytest.mark.slow


def _ledger(lab: Lab) -> Ledger:
    return Ledger(lab.inventory.parent / f"{lab.inventory.name}.state" / "migration.sqlite")


def _migrate(lab: Lab, system: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_egov("migrate", "run", str(lab.inventory), system, "--lab", str(lab.json), *extra)


def _source_manifest(lab: Lab, system: str) -> dict[str, str]:
    side = lab.endpoints.systems[system].source
    return {name: build_manifest(path).digest() for name, path in side.files.items()}


def _through_name(lab: Lab, system_id: str) -> checks.Answer:
    system = next(s for group in lab.systems.values() for s in group if s.id == system_id)
    service = Service(system)
    address = names.lookup(lab.endpoints.names.path, service.name)
    assert address is not None
    port = lab.endpoints.systems[system_id].target.port(service.port)
    return checks.fetch(address, port, service, lab.endpoints.ca)


@pytest.mark.parametrize("kind", ["files", "pg", "both"])
def test_a_system_migrates_end_to_end(systems_lab: Lab, kind: str) -> None:
    system = systems_lab.system(kind, 0)
    sides = systems_lab.endpoints.systems[system.id]
    done = _migrate(systems_lab, system.id)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{system.id}: cut over" in done.stdout
    with _ledger(systems_lab) as ledger:
        assert ledger.record(system.id).state is State.CUT_OVER
        moves = [(e.from_state, e.to_state) for e in ledger.events(system.id) if e.kind == "transition"]
        assert moves[-7:] == [
            ("not_started", "assessed"), ("assessed", "provisioned"), ("provisioned", "replicating"),
            ("replicating", "verified"), ("verified", "testing"), ("testing", "ready_for_cutover"),
            ("ready_for_cutover", "cut_over"),
        ]  # fmt: skip
        verified = ledger.entered(system.id, State.VERIFIED)
        assert verified is not None and verified.evidence_sha256
        for name in sides.source.files:
            proof = verified.evidence["files"][name]
            assert (
                proof["source_sha256"] == proof["target_sha256"]
                and proof["source_sm3"] == proof["target_sm3"]
            )
            assert proof["manifest"]["files"] > 5
        for name in sides.source.databases:
            proof = verified.evidence["databases"][name]
            assert proof["problems"] == [] and proof["source"]["tables"] == proof["target"]["tables"]
        playbook = [e for e in ledger.events(system.id) if e.kind == "playbook"]
        assert any("Compare source and target" in (e.detail or "") for e in playbook)
    # The exporter reads the same ledger: the system is counted on the cloud for its department and wave.
    source = InventorySource(systems_lab.inventory, systems_lab.inventory.parent / "shanwei.state")
    registry = CollectorRegistry()
    registry.register(ProgrammeCollector(source))
    on_cloud = registry.get_sample_value(
        "egov_systems", {"department": system.department, "state": "cut_over"}
    )
    assert on_cloud is not None and on_cloud >= 1
    wave = registry.get_sample_value("egov_migration_wave_on_cloud", {"wave": str(system.migration.wave)})
    assert wave is not None and wave >= 1
    # The name now leads to the target, which answers from the migrated data.
    answer = _through_name(systems_lab, system.id)
    assert answer.status == 200 and answer.body["side"] == "target"
    # The source is frozen until finalize: no writes to its files or databases.
    for directory in sides.source.files.values():
        assert not any(p.stat().st_mode & 0o222 for p in directory.rglob("*") if not p.is_symlink())
    for db in sides.source.databases.values():
        assert postgres.is_frozen(db)


def test_finalize_after_cutover_ends_the_migration(
    systems_lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with the operator's SM2 key named, the run signs the ledger's head when it ends
    key = tmp_path / "sm2.pem"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "SM2", "-out", str(key)], check=True, capture_output=True
    )
    monkeypatch.setenv("EGOV_LEDGER_SM2_KEY", str(key))
    system = systems_lab.system("both", 1)
    done = _migrate(systems_lab, system.id, "--to", "finalized")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ledger signed at event" in done.stdout and "PRIVATE KEY" not in done.stdout + done.stderr
    with _ledger(systems_lab) as ledger:
        assert ledger.record(system.id).state is State.FINALIZED
        report = ledger.verify_chain(sm2.public_key(key))
        assert report.intact and report.checkpoints >= 1, report.findings
    refused = run_egov(
        "migrate", "rollback", str(systems_lab.inventory), system.id, "--lab", str(systems_lab.json)
    )
    assert refused.returncode == 1 and "cannot go from finalized to rolled back" in refused.stderr


def test_plain_ansible_playbook_runs_the_same_runbook(systems_lab: Lab) -> None:
    system = systems_lab.system("pg", 1)
    env = {
        **os.environ,
        "EGOV_SYSTEMS_LAB_JSON": str(systems_lab.json),
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    playbook = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(systems_lab.inventory),
                str(ROOT / "playbooks" / "cloud_migrate.yml"), "-e", f"egov_system={system.id}"]  # fmt: skip
    checked = subprocess.run([*playbook, "--check"], env=env, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout[-3000:]
    with _ledger(systems_lab) as ledger:
        assert ledger.record(system.id).state is State.NOT_STARTED  # check mode changed nothing
    done = subprocess.run(
        [*playbook, "-e", "egov_to_state=ready_for_cutover"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "failed=0" in done.stdout
    with _ledger(systems_lab) as ledger:
        assert ledger.record(system.id).state is State.READY_FOR_CUTOVER
        assert ledger.lease(system.id) is None  # released at the end of the play
    assert (
        names.lookup(systems_lab.endpoints.names.path, Service(system).name)
        == systems_lab.endpoints.systems[system.id].source.address
    )


def test_a_flipped_byte_is_caught_rolled_back_and_recorded(systems_lab: Lab) -> None:
    system = systems_lab.system("files", 1)
    sides = systems_lab.endpoints.systems[system.id]
    before = _source_manifest(systems_lab, system.id)
    first = _migrate(systems_lab, system.id, "--to", "replicating")
    assert first.returncode == 0, first.stdout + first.stderr
    ((store, target_dir),) = sides.target.files.items()
    victim = sorted(p for p in target_dir.rglob("*.bin") if not p.is_symlink())[3]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x10
    victim.write_bytes(bytes(data))
    second = _migrate(systems_lab, system.id)
    assert second.returncode == 1
    relative = victim.relative_to(target_dir).as_posix()
    assert f"1 changed: {relative} (sha256, sm3)" in second.stdout + second.stderr
    with _ledger(systems_lab) as ledger:
        record = ledger.record(system.id)
        assert record.state is State.ROLLED_BACK and relative in (record.reason or "")
        failed = ledger.last_step(system.id, "verify")
        assert failed is not None and failed.result == "failed"
        assert failed.evidence["files"][store]["diff"]["changed"] == [
            {"path": relative, "what": "sha256, sm3"}
        ]
        rolled = ledger.entered(system.id, State.ROLLED_BACK)
        assert rolled is not None and rolled.evidence["source"][store]["unchanged"] is True
    assert _source_manifest(systems_lab, system.id) == before  # the source is untouched
    assert not any(target_dir.iterdir())  # the target's bad copy is gone


def test_a_missing_row_is_caught_and_rolled_back(systems_lab: Lab) -> None:
    system = systems_lab.system("pg", 2)
    ((store, db),) = systems_lab.endpoints.systems[system.id].target.databases.items()
    source_db = systems_lab.endpoints.systems[system.id].source.databases[store]
    before = postgres.table_digests(source_db)
    assert _migrate(systems_lab, system.id, "--to", "replicating").returncode == 0
    with psycopg.connect(
        host=db.host, port=db.port, dbname=db.dbname, user=db.user, password=PASSWORD, autocommit=True
    ) as conn:
        conn.execute("DELETE FROM audit WHERE ctid = (SELECT ctid FROM audit LIMIT 1)")
    done = _migrate(systems_lab, system.id)
    assert done.returncode == 1
    assert "table public.audit" in done.stdout and "rows on the source" in done.stdout
    with _ledger(systems_lab) as ledger:
        assert ledger.record(system.id).state is State.ROLLED_BACK
    assert postgres.compare_digests(before, postgres.table_digests(source_db)) == []
    assert postgres.size(db) == 0  # the target's copy was dropped
    # After the rollback the system can be migrated again, cleanly.
    again = _migrate(systems_lab, system.id, "--to", "verified")
    assert again.returncode == 0, again.stdout + again.stderr


def test_an_undeclared_listener_fails_the_security_check(systems_lab: Lab) -> None:
    system = systems_lab.system("pg", 3)
    address = systems_lab.endpoints.systems[system.id].target.address
    rogue = socket.socket()
    rogue.bind((address, 0))  # e.g. a debug port left open on the new host
    rogue.listen()
    port = rogue.getsockname()[1]
    try:
        done = _migrate(systems_lab, system.id)
    finally:
        rogue.close()
    assert done.returncode == 1
    assert f"{address} listens on undeclared port {port}" in done.stdout
    with _ledger(systems_lab) as ledger:
        assert ledger.record(system.id).state is State.ROLLED_BACK
        failed = ledger.last_step(system.id, "security_check")
        assert failed is not None and port in failed.evidence["open_ports"]


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def test_kill_9_during_the_transfer_then_run_again(systems_lab: Lab, tmp_path: Path) -> None:
    system = systems_lab.system("files", 2)
    ((_, source_dir),) = systems_lab.endpoints.systems[system.id].source.files.items()
    ((_, target_dir),) = systems_lab.endpoints.systems[system.id].target.files.items()
    for n in range(6):  # 12 MB more, sent at 2 MB/s: the transfer takes a few seconds
        (source_dir / f"large-{n}.bin").write_bytes(os.urandom(2 * 10**6))
    slow = json.loads(systems_lab.json.read_text())
    slow["migration"]["bandwidth_limit_kbps"] = 2000
    slow_json = tmp_path / "slow-systems-lab.json"
    slow_json.write_text(json.dumps(slow))
    command = [
        str(Path(sys.executable).with_name("egov")),
        "migrate",
        "run",
        str(systems_lab.inventory),
        system.id,
        "--lab",
        str(slow_json),
    ]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    seen: list[int] = []
    with _ledger(systems_lab) as ledger:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and ledger.record(system.id).state is not State.REPLICATING:
            time.sleep(0.1)
        time.sleep(1.5)  # rsync is copying now
        assert ledger.record(system.id).state is State.REPLICATING and not _transfer_done(ledger, system.id)
        seen = [e.seq for e in ledger.events(system.id)]
        family = _descendants(run.pid)
        os.kill(run.pid, signal.SIGKILL)  # the migration host's operator process dies, as in a power loss
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        run.wait()
        assert any(target_dir.rglob("*")), "the transfer had started"
        lease = ledger.lease(system.id)
        assert lease is not None and lease.pid == run.pid  # left behind by the killed run
    again = _migrate(systems_lab, system.id)
    assert again.returncode == 0, again.stdout + again.stderr
    with _ledger(systems_lab) as ledger:
        events = ledger.events(system.id)
        assert {e.seq for e in events} >= set(seen)  # nothing recorded before the kill was lost
        assert any(e.kind == LEASE and "took over from run" in (e.detail or "") for e in events)
        assert any(e.step == "transfer" and e.result == "restarted" for e in events)
        assert ledger.record(system.id).state is State.CUT_OVER
    # The source is frozen now (its write bits off); contents, links and sizes match exactly.
    assert compare(build_manifest(source_dir), build_manifest(target_dir), modes=False).equal
    answer = _through_name(systems_lab, system.id)
    assert answer.status == 200 and answer.body["side"] == "target"


def _transfer_done(ledger: Ledger, system: str) -> bool:
    entered = ledger.entered(system, State.REPLICATING)
    done = ledger.last_step(system, "transfer")
    return bool(entered and done and done.seq > entered.seq and done.result == "ok")


def test_rollback_after_cutover_puts_everything_back(systems_lab: Lab) -> None:
    system = systems_lab.system("files", 3)
    sides = systems_lab.endpoints.systems[system.id]
    before = _source_manifest(systems_lab, system.id)
    assert _migrate(systems_lab, system.id).returncode == 0
    preview = run_egov(
        "migrate",
        "rollback",
        str(systems_lab.inventory),
        system.id,
        "--lab",
        str(systems_lab.json),
        "--check",
    )
    assert (
        preview.returncode == 0
        and "check mode, nothing changed" in preview.stdout
        and "point" in preview.stdout
    )
    with _ledger(systems_lab) as ledger:
        assert ledger.record(system.id).state is State.CUT_OVER
    done = run_egov(
        "migrate",
        "rollback",
        str(systems_lab.inventory),
        system.id,
        "--lab",
        str(systems_lab.json),
        "--reason",
        "test",
    )
    assert done.returncode == 0, done.stderr
    assert names.lookup(systems_lab.endpoints.names.path, Service(system).name) == sides.source.address
    assert _source_manifest(systems_lab, system.id) == before  # modes restored exactly
    answer = _through_name(systems_lab, system.id)
    assert answer.status == 200 and answer.body["side"] == "source"


def test_check_mode_changes_nothing_and_a_held_lease_refuses(systems_lab: Lab) -> None:
    system = systems_lab.system("pg", 4)
    ((_, target_db),) = systems_lab.endpoints.systems[system.id].target.databases.items()

    def recorded(ledger: Ledger) -> list[int]:  # every event, the playbook's included
        return [e.seq for e in ledger.events(system.id)]

    with _ledger(systems_lab) as ledger:
        ledger.sync([system])
        before = recorded(ledger)
        path = ledger.path
    files = {p.name: p.read_bytes() for p in path.parent.glob(f"{path.name}*")}
    checked = _migrate(systems_lab, system.id, "--check")
    assert {p.name: p.read_bytes() for p in path.parent.glob(f"{path.name}*")} == files, (
        "check mode leaves the ledger byte for byte as it was"
    )
    assert checked.returncode == 0, checked.stderr
    assert "would record assessed and provisioned" in checked.stdout
    assert f"recreate {target_db.dbname} on {target_db.host}:{target_db.port}" in checked.stdout
    assert "check mode, nothing changed" in checked.stdout
    assert postgres.size(target_db) == 0
    with _ledger(systems_lab) as ledger:
        assert ledger.record(system.id).state is State.NOT_STARTED
        assert recorded(ledger) == before
        ledger.acquire(system.id, "someone-else")  # another operator, alive (this test process)
        try:
            refused = _migrate(systems_lab, system.id)
        finally:
            ledger.release(system.id, "someone-else")
    assert refused.returncode == 1
    assert f"{system.id} is being migrated by run someone-else" in refused.stderr


def test_a_classified_system_is_refused(systems_lab: Lab) -> None:
    classified = next(
        s
        for s in load_inventory(systems_lab.inventory).inventory.systems
        if s.classification.value == "classified"
    )
    done = _migrate(systems_lab, classified.id)
    assert done.returncode == 1
    assert "classified (涉密): classified systems never move to the cloud" in done.stderr
    assert "Traceback" not in done.stderr
    with _ledger(systems_lab) as ledger:
        assert ledger.record(classified.id).state is State.RETAINED
