"""The Ansible side, run by real ansible-inventory and ansible-playbook: the inventory plugin, then one
county rolled out on the twin by `playbooks/ipv6_rollout.yml` (check mode first), read back from the devices.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from network.devices.collect import targets_from_lab
from network.devices.drivers import driver_for
from network.rollout.context import load_context
from tests.helpers import ROOT, SHANWEI, run_egov

PASSWORD = "ansible-lab-password"  # a throwaway password for a lab on loopback
BIN = Path(sys.executable).parent


def _ansible(tool: str, *args: str, cwd: Path, lab: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "EGOV_LAB_PASSWORD": PASSWORD}
    if lab is not None:
        env["EGOV_LAB_JSON"] = str(lab)
    return subprocess.run(
        [str(BIN / tool), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_inventory_plugin_groups_and_host_vars(tmp_path: Path) -> None:
    graph = _ansible("ansible-inventory", "-i", str(SHANWEI), "--graph", cwd=ROOT)
    assert graph.returncode == 0, graph.stderr
    for group in ("@level_county:", "@county_sw_hq:", "@platform_cisco_ios:", "@wave_1:", "@egov_rollout:"):
        assert group in graph.stdout
    assert "WARNING" not in graph.stderr, graph.stderr
    listed = json.loads(_ansible("ansible-inventory", "-i", str(SHANWEI), "--list", cwd=ROOT).stdout)
    # ansible-core 2.19 marks inventory strings as untrusted in its JSON: {"__ansible_unsafe": value}
    hostvars = {
        k: v["__ansible_unsafe"] if isinstance(v, dict) else v
        for k, v in listed["_meta"]["hostvars"]["SW-CQ-FS-V10-CPE"].items()
    }
    assert hostvars["ansible_network_os"] == "egov_ios" and hostvars["egov_device_type"] == "cisco_ios"
    assert hostvars["ansible_host"] == "2001:db8:ff00::19" and hostvars["egov_level"] == "village"
    assert listed["egov_rollout"]["hosts"][0] == "SW-CORE-01", "wave order: the canary first"
    assert "GD-PE-01" not in listed["egov_rollout"]["hosts"], "the province's device is never rolled out"


def test_a_county_through_ansible_playbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", PASSWORD)
    inventory = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, inventory)
    lab = tmp_path / "lab.json"
    playbook = str(ROOT / "playbooks" / "ipv6_rollout.yml")
    try:
        assert (
            run_egov("lab", "up", str(inventory), "--detach", "--devices", "SW-HQ-*", cwd=tmp_path).returncode
            == 0
        )
        overlay = json.loads(
            _ansible(
                "ansible-inventory", "-i", str(inventory), "--host", "SW-HQ-CORE-01", cwd=tmp_path, lab=lab
            ).stdout
        )
        assert overlay["ansible_host"] == "127.0.0.1" and overlay["ansible_port"] != 22
        checked = _ansible(
            "ansible-playbook",
            "-i",
            str(inventory),
            playbook,
            "--limit",
            "county_sw_hq",
            "--check",
            "--diff",
            cwd=tmp_path,
            lab=lab,
        )
        assert checked.returncode == 0, checked.stdout[-3000:]
        assert "ipv6 address 2001:DB8:" in checked.stdout and "changed=1" in checked.stdout
        journal = tmp_path / "shanwei.state" / "rollout.sqlite"
        assert not journal.exists(), "check mode pushed nothing and recorded nothing"
        via_runner = run_egov(
            "playbook",
            "run",
            "ipv6_rollout",
            str(inventory),
            "--lab",
            str(lab),
            "--limit",
            "county_sw_hq",
            "--check",
            cwd=tmp_path,
        )
        assert via_runner.returncode == 0, via_runner.stdout + via_runner.stderr
        assert " ok" in via_runner.stdout, "the host events are counted"
        assert not journal.exists(), "a check run through ansible-runner records nothing either"
        facts = _ansible(
            "ansible",
            "-i",
            str(inventory),
            "SW-HQ-P1-AR-01",
            "-m",
            "egov_facts",
            "-a",
            f"inventory={inventory} hostname={{{{ inventory_hostname }}}} lab={lab}",
            cwd=tmp_path,
            lab=lab,
        )
        assert facts.returncode == 0, facts.stdout[-2000:]
        egov = json.loads(facts.stdout.split("=>", 1)[1])["ansible_facts"]["egov"]
        # The town's switch is an H3C Comware 5 in the Shanwei sample: its display version says so.
        assert egov["facts"]["platform"] == "h3c_comware5" and egov["facts"]["hostname"] == "SW-HQ-P1-AR-01"
        assert {10, 1000} <= {i["speed_mbit"] for i in egov["interfaces"].values()}, (
            "speeds are link capacities"
        )
        ran = _ansible(
            "ansible-playbook",
            "-i",
            str(inventory),
            playbook,
            "--limit",
            "county_sw_hq",
            cwd=tmp_path,
            lab=lab,
        )
        assert ran.returncode == 0, ran.stdout[-3000:]
        assert ran.stdout.count("PLAY [IPv6 rollout, wave by wave]") == 3, (
            "one batch per wave: core, towns, villages"
        )
        again = run_egov(
            "playbook", "run", "ipv6_rollout", str(inventory), "--lab", str(lab), "--limit", "county_sw_hq",
            cwd=tmp_path,
        )  # fmt: skip
        assert again.returncode == 0, again.stdout + again.stderr
        with sqlite3.connect(journal) as db:
            hosts = {
                h for (h,) in db.execute("SELECT host FROM playbook_events WHERE event = 'runner_on_ok'")
            }
        assert hosts == {t.hostname for t in targets_from_lab(lab)}, "every host's event is in the journal"
        assert all(PASSWORD.encode() not in f.read_bytes() for f in journal.parent.glob("rollout.sqlite*"))
        context = load_context(inventory)
        for target in targets_from_lab(lab):  # read back from the devices
            driver = driver_for(target.platform)(
                target.host, "egov", PASSWORD, optional_args={"port": target.port}
            )
            driver.open()
            try:
                present = {(a.interface, a.address) for a in driver.addresses() if a.family == 6}
            finally:
                driver.close()
            wanted = {(i, a) for i, a, _ in context.intents.build(target.hostname).addresses}
            assert present == wanted, target.hostname
    finally:
        run_egov("lab", "down", cwd=tmp_path)
