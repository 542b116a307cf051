"""`playbooks/private_network_cutover.yml` run by real ansible-playbook on the twin (教育城域网 of sw-jyj)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from network.rollout.journal import config_hash
from tests.helpers import ROOT, SHANWEI, run_egov
from tests.rollout.test_ansible import PASSWORD, _ansible
from tests.rollout.test_onboard import _read

CUTOVER = str(ROOT / "playbooks" / "private_network_cutover.yml")
ONBOARD = str(ROOT / "playbooks" / "extranet_onboard.yml")
ROUTE = "ip route-static 203.0.113.128 255.255.255.248 198.51.100.38"  # via the LAN's last host


def test_cut_a_private_network_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    inventory = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, inventory)
    lab = tmp_path / "lab.json"
    args = (
        "-i",
        str(inventory),
        CUTOVER,
        "-e",
        "egov_department=sw-jyj",
        "-e",
        "egov_private_network=sw-jyj-pn1",
    )
    try:
        assert (
            run_egov(
                "lab", "up", str(inventory), "--detach", "--devices", "SW-CORE-0*", cwd=tmp_path
            ).returncode
            == 0
        )
        _, before = _read(lab, "SW-CORE-01")
        early = _ansible("ansible-playbook", *args, cwd=tmp_path, lab=lab)
        assert early.returncode != 0 and "onboard sw-jyj's LAN first" in early.stdout, "reachability before"
        assert config_hash(_read(lab, "SW-CORE-01")[1]) == config_hash(before)
        onboarded = _ansible(
            "ansible-playbook",
            "-i",
            str(inventory),
            ONBOARD,
            "-e",
            "egov_department=sw-jyj",
            cwd=tmp_path,
            lab=lab,
        )
        assert onboarded.returncode == 0, onboarded.stdout[-2000:]
        checked = _ansible("ansible-playbook", *args, "--check", "--diff", cwd=tmp_path, lab=lab)
        assert checked.returncode == 0 and ROUTE in checked.stdout, checked.stdout[-2000:]
        assert ROUTE not in _read(lab, "SW-CORE-01")[1], "check mode changed nothing"
        ran = _ansible("ansible-playbook", *args, cwd=tmp_path, lab=lab)
        assert ran.returncode == 0 and "changed=1" in ran.stdout, ran.stdout[-2000:]
        assert ROUTE in _read(lab, "SW-CORE-01")[1].splitlines()
        again = _ansible("ansible-playbook", *args, cwd=tmp_path, lab=lab)
        assert again.returncode == 0 and "changed=0" in again.stdout
        wrong = _ansible(
            "ansible-playbook",
            "-i",
            str(inventory),
            CUTOVER,
            "-e",
            "egov_department=sw-jyj",
            "-e",
            "egov_private_network=nope",
            cwd=tmp_path,
            lab=lab,
        )
        assert wrong.returncode != 0 and "no private network 'nope'" in wrong.stdout
    finally:
        run_egov("lab", "down", cwd=tmp_path)
