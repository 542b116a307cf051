"""``egov migrate`` and ``egov lab up --systems`` as a user runs them: output, errors, exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from network.inventory.loader import load_inventory
from tests.helpers import SHANWEI, run_egov

INVENTORY = load_inventory(SHANWEI).inventory
CLASSIFIED = next(s for s in INVENTORY.systems if s.classification.value == "classified")
MOVING = next(s for s in INVENTORY.systems if s.migration.target.value == "cloud" and s.data_stores)


def test_status_lists_every_system_with_classified_ones_retained(shanwei_copy: Path) -> None:
    done = run_egov("migrate", "status", str(shanwei_copy), "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {row["system"]: row for row in json.loads(done.stdout)}
    assert set(rows) == {s.id for s in INVENTORY.systems}
    assert rows[CLASSIFIED.id]["state"] == "retained" and "classified" in rows[CLASSIFIED.id]["reason"]
    assert rows[MOVING.id]["state"] == "not_started"
    assert not (shanwei_copy.parent / "shanwei.state").exists()  # status is read-only: no ledger made


def test_status_of_one_department_as_a_table(shanwei_copy: Path) -> None:
    done = run_egov("migrate", "status", str(shanwei_copy), "--department", CLASSIFIED.department)
    assert done.returncode == 0
    assert CLASSIFIED.id in done.stdout and "retained" in done.stdout
    others = {s.id for s in INVENTORY.systems if s.department != CLASSIFIED.department}
    assert not any(f"{o} " in done.stdout for o in others)
    unknown = run_egov("migrate", "status", str(shanwei_copy), "--department", CLASSIFIED.department + "x")
    assert unknown.returncode == 2 and f"did you mean {CLASSIFIED.department}?" in unknown.stderr


def test_plan_gives_waves_with_deadlines(shanwei_copy: Path) -> None:
    done = run_egov("migrate", "plan", str(shanwei_copy), "--format", "json")
    assert done.returncode == 0
    waves = json.loads(done.stdout)
    expected = {s.migration.wave for s in INVENTORY.systems}
    assert [w["wave"] for w in waves] == [*sorted(w for w in expected if w is not None), None]
    first = waves[0]
    members = [s for s in INVENTORY.systems if s.migration.wave == first["wave"]]
    assert first["deadline"] == max(s.migration.deadline for s in members if s.migration.deadline).isoformat()
    assert first["on_cloud"] == 0 and first["status"].startswith("overdue")  # today is past the plan's dates
    table = run_egov("migrate", "plan", str(shanwei_copy))
    assert "deadline" in table.stdout and "overdue" in table.stdout


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["run", "{inv}", MOVING.id], 2, "no target: give the systems lab"),
        (["run", "{inv}", MOVING.id, "--lab", "{tmp}/nope.json"], 2, "nope.json: no such file"),
        (["run", "{inv}", MOVING.id.replace("-", "_", 1), "--lab", "{lab}"], 2, f"did you mean {MOVING.id}?"),
        (["run", "{inv}", MOVING.id, "--to", "sideways", "--lab", "{lab}"], 2, "--to sideways: not a state"),
        (["run", "{inv}", CLASSIFIED.id, "--lab", "{lab}"], 1, "classified systems never move"),
        (["run", "{inv}", MOVING.id, "--lab", "{lab}"], 2, f"{MOVING.id}: no endpoints for this system"),
        (["run", "{inv}", MOVING.id, "--production"], 2, "migration.yaml: no such file"),
        (["status", "{inv}", "--format", "xml"], 2, "--format xml: unknown"),
        (["log", "{inv}", MOVING.id], 1, "no ledger yet"),
    ],
)
def test_user_errors_are_clear_and_have_no_traceback(
    shanwei_copy: Path, tmp_path: Path, args: list[str], code: int, said: str
) -> None:
    lab = tmp_path / "systems-lab.json"
    lab.write_text(
        json.dumps({"migration": {"names": {"path": str(tmp_path / "names.hosts")}, "systems": {}}})
    )
    filled = [a.format(inv=shanwei_copy, tmp=tmp_path, lab=lab) for a in args]
    done = run_egov("migrate", *filled)
    assert done.returncode == code, done.stdout + done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr


def test_a_broken_endpoints_file_is_named_with_its_line(shanwei_copy: Path) -> None:
    (shanwei_copy / "migration.yaml").write_text(
        "migration:\n  names: {path: /tmp/names.hosts}\n  systems:\n    x:\n"
        "      source: {address: 192.0.2.1}\n      target: {address: 192.0.2.2, speed: fast}\n",
        encoding="utf-8",
    )
    done = run_egov("migrate", "run", str(shanwei_copy), MOVING.id, "--production")
    assert done.returncode == 2
    assert (
        f"{shanwei_copy / 'migration.yaml'}:6: migration.systems.x.target.speed: Extra inputs" in done.stderr
    )


def test_production_endpoints_outside_loopback_need_production_mode(
    shanwei_copy: Path, tmp_path: Path
) -> None:
    stores = {s.name: s.kind.value for s in MOVING.data_stores}
    side = {
        "address": "192.0.2.10",
        "files": {n: "/srv/x" for n, k in stores.items() if k == "files"},
        "databases": {
            n: {"host": "192.0.2.11", "dbname": "x", "user": "x", "password": "env:X",
                "admin_user": "a", "admin_password": "env:Y"}
            for n, k in stores.items() if k == "postgresql"
        },
    }  # fmt: skip
    lab = tmp_path / "systems-lab.json"
    document = {
        "migration": {
            "names": {"path": str(tmp_path / "n")},
            "systems": {MOVING.id: {"source": side, "target": side}},
        }
    }
    lab.write_text(json.dumps(document))
    done = run_egov("migrate", "run", str(shanwei_copy), MOVING.id, "--lab", str(lab))
    assert done.returncode == 2
    assert "192.0.2.10 is not a loopback address and production mode is off" in done.stderr
    assert "hint: the lab twin listens on 127.0.0.0/8" in done.stderr


def test_lab_up_systems_and_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", "cli-test-Pw-5")
    up = run_egov(
        "lab", "up", str(SHANWEI), "--systems", "--no-devices", "--detach", "--megabytes", "0.5", cwd=tmp_path
    )
    try:
        assert up.returncode == 0, up.stderr
        described = json.loads((tmp_path / "systems-lab.json").read_text())
        kinds = sorted(
            tuple(
                sorted(
                    ("files",) * bool(e["source"]["files"]) + ("postgresql",) * bool(e["source"]["databases"])
                )
            )
            for e in described["migration"]["systems"].values()
        )
        assert kinds == [("files",), ("files", "postgresql"), ("postgresql",)]
        assert "cli-test-Pw-5" not in (tmp_path / "systems-lab.json").read_text()
        again = run_egov("lab", "up", str(SHANWEI), "--systems", "--no-devices", "--detach", cwd=tmp_path)
        assert again.returncode == 1 and "is running" in again.stderr
    finally:
        down = run_egov("lab", "down", cwd=tmp_path)
    assert down.returncode == 0 and "stopped the systems lab" in down.stdout
    assert not (tmp_path / "systems-lab.json").exists()
    assert not list(Path("/tmp").glob(f"egov-lab-pg-*-{os.getpid()}"))


def test_lab_up_refuses_a_system_it_cannot_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", "cli-test-Pw-5")
    done = run_egov(
        "lab", "up", str(SHANWEI), "--systems", "--no-devices", "--system", CLASSIFIED.id, cwd=tmp_path
    )
    assert done.returncode == 1
    assert "classified" in done.stderr and "Traceback" not in done.stderr


def test_a_system_to_be_retired_is_recorded_retired(shanwei_copy: Path) -> None:
    retiring = next(s for s in INVENTORY.systems if s.migration.strategy.value == "retire")
    checked = run_egov("migrate", "run", str(shanwei_copy), retiring.id, "--to", "retired", "--check")
    assert checked.returncode == 0 and "check mode, nothing changed: not started" in checked.stdout
    done = run_egov("migrate", "run", str(shanwei_copy), retiring.id, "--to", "retired")
    assert done.returncode == 0, done.stderr
    assert f"{retiring.id}: retired: {retiring.migration.reason}" in done.stdout
    status = json.loads(run_egov("migrate", "status", str(shanwei_copy), "--format", "json").stdout)
    assert next(r for r in status if r["system"] == retiring.id)["state"] == "retired"
    refused = run_egov("migrate", "run", str(shanwei_copy), MOVING.id, "--to", "retired")
    assert refused.returncode == 1 and "not retire" in refused.stderr
