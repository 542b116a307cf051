"""`egov rollout` as users meet its errors: no target, no journal, a stale lock, production credentials."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import SHANWEI, run_egov


def test_a_target_must_be_chosen(tmp_path: Path) -> None:
    result = run_egov("rollout", "run", str(SHANWEI), "--state", str(tmp_path), "--check")
    assert result.returncode == 2
    assert "--lab" in result.stderr or "lab" in result.stderr
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
