"""`playbooks/private_network_cutover.yml` run by real ansible-playbook on the twin (教育城域网 of sw-jyj):
the network goes into its VPN instance on both of its PEs, the routes an old global-table cutover left
are taken out in the same change, check mode shows the diff and changes nothing, a rerun changes
nothing, and `egov verify` reads the twin back and finds the zones kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from network.devices.collect import targets_from_lab
from network.devices.drivers import driver_for
from network.rollout.journal import config_hash
from tests.helpers import ROOT, SHANWEI, run_egov
from tests.rollout.test_ansible import PASSWORD, _ansible
from tests.rollout.test_onboard import _read

CUTOVER = str(ROOT / "playbooks" / "private_network_cutover.yml")
OLD = "ip route-static 203.0.113.128 255.255.255.248 198.51.100.38"  # a global-table cutover's route
VPN_ROUTE = "ip route-static vpn-instance sw-jyj-pn1 203.0.113.128 255.255.255.248 192.0.2.250"


def _push(lab: Path, hostname: str, line: str) -> None:
    target = next(t for t in targets_from_lab(lab) if t.hostname == hostname)
    driver = driver_for(target.platform)(target.host, "egov", PASSWORD, optional_args={"port": target.port})
    driver.open()
    try:
        driver.load_candidate(line + "\n", replace=False)
        driver.commit(None)
    finally:
        driver.close()


def test_cut_a_private_network_over_into_its_vpn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
        up = run_egov("lab", "up", str(inventory), "--detach", "--devices", "SW-*CORE-0*", cwd=tmp_path)
        assert up.returncode == 0, up.stderr
        _push(lab, "SW-CORE-01", OLD)  # the network as the old playbook left it: in the global table
        _, before = _read(lab, "SW-CORE-01")
        checked = _ansible("ansible-playbook", *args, "--check", "--diff", cwd=tmp_path, lab=lab)
        assert checked.returncode == 0, checked.stdout[-2000:]
        assert "ip binding vpn-instance sw-jyj-pn1" in checked.stdout and f"undo {OLD}" in checked.stdout
        assert config_hash(_read(lab, "SW-CORE-01")[1]) == config_hash(before), "check mode changed nothing"
        ran = _ansible("ansible-playbook", *args, cwd=tmp_path, lab=lab)
        assert ran.returncode == 0 and "changed=1" in ran.stdout, ran.stdout[-2000:]
        city = _read(lab, "SW-CORE-01")[1].splitlines()
        assert VPN_ROUTE in city and OLD not in city
        assert "ip vpn-instance sw-jyj-pn1" in _read(lab, "SW-CQ-CORE-01")[1]
        again = _ansible("ansible-playbook", *args, cwd=tmp_path, lab=lab)
        assert again.returncode == 0 and "changed=0" in again.stdout, again.stdout[-2000:]
        wrong = _ansible(
            "ansible-playbook", "-i", str(inventory), CUTOVER, "-e", "egov_department=sw-jyj",
            "-e", "egov_private_network=nope", cwd=tmp_path, lab=lab,
        )  # fmt: skip
        assert wrong.returncode != 0 and "no private network 'nope'" in wrong.stdout
    finally:
        run_egov("lab", "down", cwd=tmp_path)
