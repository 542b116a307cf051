"""`playbooks/extranet_onboard.yml` run by real ansible-playbook on the twin: a department's LAN."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from network.devices.collect import targets_from_lab
from network.devices.drivers import driver_for
from network.rollout.journal import config_hash
from tests.helpers import ROOT, SHANWEI, run_egov
from tests.rollout.test_ansible import PASSWORD, _ansible

PLAYBOOK = str(ROOT / "playbooks" / "extranet_onboard.yml")


def _read(lab: Path, hostname: str) -> tuple[set[tuple[str, str, str]], str]:
    target = next(t for t in targets_from_lab(lab) if t.hostname == hostname)
    driver = driver_for(target.platform)(target.host, "egov", PASSWORD, optional_args={"port": target.port})
    driver.open()
    try:
        return {(a.interface, a.address, a.state) for a in driver.addresses()}, driver.running_config()
    finally:
        driver.close()


def test_onboard_a_department_lan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    inventory = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, inventory)
    lab = tmp_path / "lab.json"
    args = ("-i", str(inventory), PLAYBOOK, "-e", "egov_department=sw-hq-gaj")
    try:
        assert (
            run_egov("lab", "up", str(inventory), "--detach", "--devices", "SW-HQ-*", cwd=tmp_path).returncode
            == 0
        )
        _, before = _read(lab, "SW-HQ-CORE-01")
        checked = _ansible("ansible-playbook", *args, "--check", "--diff", cwd=tmp_path, lab=lab)
        assert checked.returncode == 0, checked.stdout[-2000:]
        assert "ip address 192.0.2.209 255.255.255.248" in checked.stdout
        assert "ipv6 address 2001:DB8:2002::1/64" in checked.stdout
        assert _read(lab, "SW-HQ-CORE-01")[1] == before, "check mode changed nothing"
        ran = _ansible("ansible-playbook", *args, cwd=tmp_path, lab=lab)
        assert ran.returncode == 0 and "changed=1" in ran.stdout, ran.stdout[-2000:]
        addresses, _ = _read(lab, "SW-HQ-CORE-01")
        assert {
            ("Vlanif1000", "192.0.2.209", "preferred"),
            ("Vlanif1000", "2001:db8:2002::1", "preferred"),
        } <= addresses
        again = _ansible("ansible-playbook", *args, cwd=tmp_path, lab=lab)
        assert again.returncode == 0 and "changed=0" in again.stdout, "running it again changes nothing"
        # A gateway that refuses configuration: the task fails and the device is as it was.
        _, before = _read(lab, "SW-HQ-CORE-01")
        assert (
            run_egov("lab", "set", "--fault", "reject", "--devices", "SW-HQ-CORE-01", cwd=tmp_path).returncode
            == 0
        )
        refused = _ansible(
            "ansible-playbook",
            "-i",
            str(inventory),
            PLAYBOOK,
            "-e",
            "egov_department=sw-hq-zfb",
            cwd=tmp_path,
            lab=lab,
        )
        assert refused.returncode != 0 and "rolled_back" in refused.stdout
        assert run_egov("lab", "set", "--clear", cwd=tmp_path).returncode == 0
        assert config_hash(_read(lab, "SW-HQ-CORE-01")[1]) == config_hash(before)
        unknown = _ansible(
            "ansible-playbook",
            "-i",
            str(inventory),
            PLAYBOOK,
            "-e",
            "egov_department=nope",
            cwd=tmp_path,
            lab=lab,
        )
        assert unknown.returncode != 0 and "no department 'nope'" in unknown.stdout
    finally:
        run_egov("lab", "down", cwd=tmp_path)
