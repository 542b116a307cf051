"""`egov lab up/down` as users run them: lab.json, the password by environment only, clean stops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from network.devices.facts import parse_vrp_version
from network.devices.transport import ConnectionParams, connect
from tests.helpers import MINIMAL, ROOT, copy_inventory, run_egov

LAB_INVENTORY = ROOT / "tests" / "fixtures" / "lab"

PASSWORD = "lab-cli-test-password"  # a throwaway password for a lab on loopback


def test_up_detach_connect_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    try:
        started = run_egov("lab", "up", str(MINIMAL), "--detach", cwd=tmp_path)
        assert started.returncode == 0, started.stderr
        lab = json.loads((tmp_path / "lab.json").read_text(encoding="utf-8"))
        pid = lab["pid"]
        assert Path(f"/proc/{pid}").exists()
        assert PASSWORD not in (tmp_path / "lab.json").read_text(encoding="utf-8")
        entry = next(d for d in lab["devices"] if d["hostname"] == "CTY-A-T1-AR-01")
        assert {k: entry[k] for k in ("host", "username", "device_type", "platform")} == {
            "host": "127.0.0.1",
            "username": "egov",
            "device_type": "huawei",
            "platform": "huawei_vrp5",
        }
        connection = connect(
            ConnectionParams(entry["host"], entry["port"], entry["username"], entry["platform"]), PASSWORD
        )
        try:
            assert parse_vrp_version(connection.send_command("display version")).platform == "huawei_vrp5"
        finally:
            connection.disconnect()
        again = run_egov("lab", "up", str(MINIMAL), "--detach", cwd=tmp_path)
        assert again.returncode == 1 and "egov lab down" in again.stderr
        stopped = run_egov("lab", "down", cwd=tmp_path)
        assert stopped.returncode == 0
        assert not Path(f"/proc/{pid}").exists() or "network.lab.serve" not in Path(
            f"/proc/{pid}/cmdline"
        ).read_text(errors="replace")
        assert not (tmp_path / "lab.json").exists()
    finally:
        run_egov("lab", "down", cwd=tmp_path)  # never leave a lab behind


def test_down_without_a_lab(tmp_path: Path) -> None:
    result = run_egov("lab", "down", cwd=tmp_path)
    assert result.returncode == 1 and "no lab" in result.stderr


def test_a_generated_password_is_shown_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EGOV_LAB_PASSWORD", raising=False)
    try:
        started = run_egov("lab", "up", str(MINIMAL), "--detach", "--devices", "CTY-*", cwd=tmp_path)
        assert started.returncode == 0, started.stderr
        line = next(x for x in started.stdout.splitlines() if "export EGOV_LAB_PASSWORD=" in x)
        password = line.split("=", 1)[1]
        assert password not in (tmp_path / "lab.json").read_text(encoding="utf-8")
        hosts = {
            d["hostname"] for d in json.loads((tmp_path / "lab.json").read_text(encoding="utf-8"))["devices"]
        }
        assert hosts == {"CTY-CORE-01", "CTY-A-CORE-01", "CTY-A-T1-AR-01", "CTY-A-T1-V1-CPE"}
    finally:
        run_egov("lab", "down", cwd=tmp_path)


def test_set_flips_faults_in_a_running_lab_and_collect_reports_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    try:
        started = run_egov("lab", "up", str(LAB_INVENTORY), "--detach", cwd=tmp_path)
        assert started.returncode == 0, started.stderr
        collected = run_egov("lab", "collect", "--format", "json", cwd=tmp_path)
        assert collected.returncode == 0, collected.stderr
        document = json.loads(collected.stdout)
        assert {d["hostname"]: d["facts"]["platform"] for d in document} == {
            "PRV-PE-01": "huawei_vrp8",
            "CTY-CORE-01": "huawei_vrp8",
            "CTY-A-CORE-01": "huawei_vrp8",
            "CTY-A-T1-AR-01": "huawei_vrp5",
            "CTY-A-T1-IOS-ROUTER-02": "cisco_ios",
            "CTY-A-T1-V1-CPE": "h3c_comware7",
        }
        check = run_egov("lab", "set", "--fault", "auth", "--devices", "CTY-A-T1-*", "--check", cwd=tmp_path)
        assert check.returncode == 0 and '"kind": "auth"' in check.stdout
        assert '"kind"' not in (tmp_path / ".egov-lab.control.json").read_text(encoding="utf-8"), (
            "--check wrote"
        )
        flipped = run_egov("lab", "set", "--fault", "auth", "--devices", "CTY-A-T1-*", cwd=tmp_path)
        assert flipped.returncode == 0, flipped.stderr
        faulty = run_egov("lab", "collect", "--format", "json", cwd=tmp_path)
        assert faulty.returncode == 1
        errors = {d["hostname"]: d["error"] for d in json.loads(faulty.stdout) if d["error"]}
        assert set(errors) == {"CTY-A-T1-AR-01", "CTY-A-T1-IOS-ROUTER-02", "CTY-A-T1-V1-CPE"}
        assert all(f"{host}: authentication failed" in e for host, e in errors.items()), errors
        assert run_egov("lab", "set", "--clear", cwd=tmp_path).returncode == 0
        assert run_egov("lab", "collect", "--devices", "CTY-A-T1-*", cwd=tmp_path).returncode == 0
        for name in ("lab.json", ".egov-lab.control.json"):
            assert PASSWORD not in (tmp_path / name).read_text(encoding="utf-8")
    finally:
        run_egov("lab", "down", cwd=tmp_path)


def test_bad_conditions_are_refused_before_anything_starts(tmp_path: Path) -> None:
    bad = tmp_path / "faults.json"
    bad.write_text('{"faults": {"*": {"kind": "explode"}}}', encoding="utf-8")
    result = run_egov("lab", "up", str(LAB_INVENTORY), "--conditions", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert str(bad) in result.stderr and "unknown fault kind 'explode'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "lab.json").exists()
    wrong = run_egov("lab", "set", "--rate", "1.5", "--check", cwd=tmp_path)
    assert wrong.returncode == 2 and "between 0 and 1" in wrong.stderr


def test_a_restart_is_one_more_restart_number_and_snmp_needs_city_snmp(tmp_path: Path) -> None:
    restart = run_egov("lab", "set", "--restart", "CTY-A-*", "--check", cwd=tmp_path)
    assert restart.returncode == 0 and '+    "CTY-A-*": 1' in restart.stdout, restart.stdout
    assert not (tmp_path / ".egov-lab.control.json").exists()  # --check changed nothing
    inventory = copy_inventory(LAB_INVENTORY, tmp_path / "lab")
    result = run_egov("lab", "up", str(inventory), "--snmp", cwd=tmp_path)
    assert (
        result.returncode == 2 and "has no snmp: block" in result.stderr and "Traceback" not in result.stderr
    )
    assert not (tmp_path / "lab.json").exists()


def test_collect_without_a_lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    result = run_egov("lab", "collect", cwd=tmp_path)
    assert result.returncode == 2 and "lab.json" in result.stderr and "Traceback" not in result.stderr


def test_device_show_apply_check_trial_and_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    change = tmp_path / "change.cfg"
    change.write_text(
        "ipv6\ninterface GigabitEthernet1/0/1\n ipv6 enable\n ipv6 address 2001:db8:8010:9::/127\n"
    )
    try:
        assert run_egov("lab", "up", str(LAB_INVENTORY), "--detach", cwd=tmp_path).returncode == 0
        shown = run_egov("device", "show", "CTY-CORE-01", "--format", "json", cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["facts"]["platform"] == "huawei_vrp8"
        checked = run_egov("device", "apply", "CTY-CORE-01", str(change), "--check", cwd=tmp_path)
        assert checked.returncode == 0 and "ipv6 address 2001:db8:8010:9::/127" in checked.stdout
        before = run_egov("device", "show", "CTY-CORE-01", "--format", "json", cwd=tmp_path).stdout
        assert "2001:db8:8010:9::" not in before, "--check changed the device"
        backup = tmp_path / "before.cfg"
        applied = run_egov(
            "device",
            "apply",
            "CTY-CORE-01",
            str(change),
            "--trial",
            "60",
            "--backup",
            str(backup),
            cwd=tmp_path,
        )
        assert applied.returncode == 0, applied.stderr
        assert run_egov("device", "confirm", "CTY-CORE-01", cwd=tmp_path).returncode == 0
        after = json.loads(run_egov("device", "show", "CTY-CORE-01", "--format", "json", cwd=tmp_path).stdout)
        assert any(a["address"] == "2001:db8:8010:9::" for a in after["addresses"])
        restored = run_egov("device", "apply", "CTY-CORE-01", str(backup), "--replace", cwd=tmp_path)
        assert restored.returncode == 0 and "undo ipv6 address 2001:DB8:8010:9::/127" in restored.stdout
        final = json.loads(run_egov("device", "show", "CTY-CORE-01", "--format", "json", cwd=tmp_path).stdout)
        assert not any(a["address"] == "2001:db8:8010:9::" for a in final["addresses"])
        refused = tmp_path / "bad.cfg"
        refused.write_text("interface GigabitEthernet1/0/1\n frobnicate\n")
        bad = run_egov("device", "apply", "CTY-CORE-01", str(refused), cwd=tmp_path)
        assert bad.returncode == 1 and "frobnicate" in bad.stderr and "Traceback" not in bad.stderr
    finally:
        run_egov("lab", "down", cwd=tmp_path)
