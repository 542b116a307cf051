"""`egov lab up/down` as users run them: lab.json, the password by environment only, clean stops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from network.devices.facts import parse_vrp_version
from network.devices.transport import ConnectionParams, connect
from tests.helpers import MINIMAL, run_egov

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
