"""`egov rollout` as users meet its errors: no target, no journal, a stale lock, production credentials."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from network.rollout.journal import Journal
from tests.helpers import SHANWEI, run_egov


def test_a_target_must_be_chosen(tmp_path: Path) -> None:
    result = run_egov("rollout", "run", str(SHANWEI), "--state", str(tmp_path), "--check")
    assert result.returncode == 2
    assert "--lab" in result.stderr and "--production" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_needs_every_credential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EGOV_SSH_CORE", "EGOV_SSH_ACCESS"):
        monkeypatch.delenv(name, raising=False)
    result = run_egov("rollout", "run", str(SHANWEI), "--production", "--state", str(tmp_path), "--check")
    assert result.returncode == 2 and "is not set" in result.stderr and "never written" in result.stderr


def test_status_without_a_journal(tmp_path: Path) -> None:
    result = run_egov("rollout", "status", str(SHANWEI), "--state", str(tmp_path))
    assert result.returncode == 1 and "no rollout journal" in result.stderr


def test_a_stale_lock_stops_the_rollout(tmp_path: Path) -> None:
    copy = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, copy)
    devices = copy / "devices.yaml"
    text = devices.read_text(encoding="utf-8")
    devices.write_text(
        text.replace("hostname: SW-CQ-FS-V10-CPE", "hostname: SW-CQ-FS-V10-CPE2", 1), encoding="utf-8"
    )
    links = copy / "links.yaml"
    links.write_text(
        links.read_text(encoding="utf-8").replace("SW-CQ-FS-V10-CPE,", "SW-CQ-FS-V10-CPE2,"), encoding="utf-8"
    )
    result = run_egov("rollout", "plan", str(copy))
    assert result.returncode == 1 and "stale" in result.stderr and "egov plan" in result.stderr


def test_a_check_run_records_nothing_and_an_unreachable_device_fails_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", "check-lab-password")  # a throwaway lab password
    lab = tmp_path / "lab.json"  # the canary on a loopback port where nothing listens
    entry = {"hostname": "SW-CORE-01", "host": "127.0.0.1", "port": 1, "platform": "huawei_vrp8"}
    lab.write_text(json.dumps({"devices": [{**entry, "username": "egov"}]}), encoding="utf-8")
    state = tmp_path / "state"
    journal = Journal(state / "rollout.sqlite")  # a journal with a history, as after earlier runs
    journal.sync([("SW-CORE-01", 1)])
    journal.finish_run(journal.start_run("run wave=1"), "completed")
    journal.close()
    before = {p.name: p.read_bytes() for p in state.iterdir()}
    result = run_egov(
        "rollout", "run", str(SHANWEI), "--check", "--wave", "1", "--lab", str(lab), "--state", str(state)
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SW-CORE-01" in result.stderr and "could not be checked" in result.stderr
    assert {p.name: p.read_bytes() for p in state.iterdir()} == before, (
        "the journal is byte for byte the same"
    )
    fresh = tmp_path / "fresh"
    again = run_egov(
        "rollout", "run", str(SHANWEI), "--check", "--wave", "1", "--lab", str(lab), "--state", str(fresh)
    )
    assert again.returncode == 1 and not fresh.exists(), "a check run creates no journal either"
