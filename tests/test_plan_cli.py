"""`egov plan` as engineers and CI run it: plan, check, show, export, release."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from network.addressing.export import NETBOX_COLUMNS
from tests.helpers import run_egov

LOCK = "allocations.lock.yaml"


def _remove_village(root: Path) -> None:
    """Take the village (its site, device and uplink) out of the minimal inventory."""
    for name, start in (
        ("sites.yaml", "  - id: cty-a-t1-v1\n"),
        ("devices.yaml", "  - hostname: CTY-A-T1-V1-CPE\n"),
        ("links.yaml", "  - id: cty-a-t1-v1-up\n"),
    ):
        text = (root / name).read_text(encoding="utf-8")
        (root / name).write_text(text[: text.index(start)], encoding="utf-8")


def test_check_writes_nothing_and_plan_writes_the_lock(minimal: Path) -> None:
    (minimal / LOCK).unlink()
    check = run_egov("plan", str(minimal), "--check")
    assert check.returncode == 1 and "stale" in check.stdout
    assert not (minimal / LOCK).exists()
    done = run_egov("plan", str(minimal))
    assert done.returncode == 0, done.stderr
    assert "note: town: /40 derived" in done.stdout
    assert run_egov("plan", str(minimal), "--check").returncode == 0
    assert run_egov("validate", "--strict", str(minimal)).returncode == 0


def test_a_stale_lock_shows_its_diff(minimal: Path) -> None:
    _remove_village(minimal)
    result = run_egov("plan", str(minimal), "--check")
    assert result.returncode == 1
    assert '-  cty-a-t1-v1: "2001:db8:8810::/44"' in result.stdout
    assert '+  sites/cty-a-t1-v1: "2001:db8:8810::/44"' in result.stdout
    assert run_egov("validate", str(minimal)).returncode == 1


def test_an_inventory_with_errors_is_not_planned(minimal: Path) -> None:
    before = (minimal / LOCK).read_text(encoding="utf-8")
    sites = minimal / "sites.yaml"
    sites.write_text(
        sites.read_text(encoding="utf-8").replace("level: town", "level: towm"), encoding="utf-8"
    )
    result = run_egov("plan", str(minimal))
    assert result.returncode == 1
    assert "S010" in result.stdout and "nothing was planned" in result.stderr
    assert (minimal / LOCK).read_text(encoding="utf-8") == before, "no record lost its allocation"


def test_without_a_policy_exits_2(minimal: Path) -> None:
    (minimal / "addressing.yaml").unlink()
    result = run_egov("plan", str(minimal))
    assert result.returncode == 2 and "addressing.yaml does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_out_of_space_is_explained(minimal: Path) -> None:
    (minimal / LOCK).unlink()
    policy = minimal / "addressing.yaml"
    reserved = '"2001:db8::/33", "2001:db8:8000::/34", "2001:db8:c000::/35", "2001:db8:e000::/36"'
    text = policy.read_text(encoding="utf-8").replace('"2001:db8:ff00::/40"', reserved)
    policy.write_text(text, encoding="utf-8")  # only slot 15 is left, and the cloud node takes it
    result = run_egov("plan", str(minimal))
    assert result.returncode == 1
    assert "out of space: cty needs 1 county prefixes but its /32 holds 0 /36s" in result.stderr
    assert "a /40 per county would fit" in result.stderr
    assert not (minimal / LOCK).exists()


def test_show(minimal: Path) -> None:
    result = run_egov("plan", "show", str(minimal))
    assert result.returncode == 0
    assert "prefix lengths and utilisation per level" in result.stdout
    assert "2001:db8:8000::/36" in result.stdout and "cty-a" in result.stdout
    sub = run_egov("plan", "show", str(minimal), "--site", "cty-a-t1")
    assert "cty-a-t1-v1" in sub.stdout and "cty-a " not in sub.stdout
    assert run_egov("plan", "show", str(minimal), "--site", "nowhere").returncode == 2


def test_netbox_csv_has_the_import_columns(minimal: Path) -> None:
    result = run_egov("plan", "export", str(minimal), "--format", "netbox-csv")
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == NETBOX_COLUMNS
    assert {row["status"] for row in rows} <= {"container", "active", "reserved", "deprecated"}
    by_comment = {(row["comments"], row["prefix"]): row for row in rows}
    assert by_comment[("sites/cty-a", "2001:db8:8000::/36")]["description"] == "甲县 (county)"
    link = by_comment[("links/cty-a-up", "2001:db8:8010:2::/127")]
    assert link["status"] == "active" and link["mark_utilized"] == "true"
    assert by_comment[("links/cty-a-up", "2001:db8:8010:2::/64")]["status"] == "reserved"


def test_json_export(minimal: Path) -> None:
    data = json.loads(run_egov("plan", "export", str(minimal), "-f", "json").stdout)
    assert data["links"]["cty-up"] == {
        "reserved": "2001:db8:100::/64",
        "configured": "2001:db8:100::/127",
        "a": "2001:db8:100::",
        "b": "2001:db8:100::1",
    }
    assert data["tenants"]["cty-zsj"]["subnets"]["web"] == "2001:db8:e001::/64"


def test_ansible_reads_the_export(minimal: Path, tmp_path: Path) -> None:
    exported = tmp_path / "plan.yml"
    exported.write_text(
        run_egov("plan", "export", str(minimal), "-f", "ansible-vars").stdout, encoding="utf-8"
    )
    inventory = Path(sys.executable).with_name("ansible-inventory")
    done = subprocess.run(
        [str(inventory), "-i", str(exported), "--host", "CTY-A-CORE-01"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    host = json.loads(done.stdout)
    assert host["egov_loopback_ipv6"] == "2001:db8:8000::1/128"
    assert host["egov_ipv6_interfaces"]["GigabitEthernet1/0/0"] == {
        "address": "2001:db8:8010:2::1/127",
        "link": "cty-a-up",
        "peer": "CTY-CORE-01",
    }
    assert host["egov_site_prefix"] == "2001:db8:8000::/36"


def test_a_stale_lock_is_not_exported(minimal: Path) -> None:
    _remove_village(minimal)
    result = run_egov("plan", "export", str(minimal), "-f", "json")
    assert result.returncode == 1 and "stale" in result.stderr


def test_quarantine_and_release(minimal: Path) -> None:
    _remove_village(minimal)
    assert run_egov("plan", str(minimal)).returncode == 0
    lock = (minimal / LOCK).read_text(encoding="utf-8")
    assert 'sites/cty-a-t1-v1: "2001:db8:8810::/44"' in lock
    show = run_egov("plan", "show", str(minimal))
    assert "sites/cty-a-t1-v1" in show.stdout
    wrong = run_egov("plan", "release", str(minimal), "sites/cty-a-t1-v2")
    assert wrong.returncode == 1 and "did you mean 'sites/cty-a-t1-v1'" in wrong.stderr
    dry = run_egov("plan", "release", str(minimal), "sites/cty-a-t1-v1", "--check")
    assert dry.returncode == 1 and "would release sites/cty-a-t1-v1" in dry.stdout
    assert (minimal / LOCK).read_text(encoding="utf-8") == lock
    assert run_egov("plan", "release", str(minimal), "--all").returncode == 0
    assert "sites/cty-a-t1-v1" not in (minimal / LOCK).read_text(encoding="utf-8")
    assert run_egov("validate", str(minimal)).returncode == 0


@pytest.mark.parametrize("args", [("plan",), ("plan", "release", "x"), ("plan", "export", "x")])
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = run_egov(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_a_closed_pipe_is_not_a_traceback() -> None:
    egov = Path(sys.executable).with_name("egov")
    done = subprocess.run(
        f"'{egov}' plan export inventories/shanwei -f json | head -c 10 > /dev/null",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr
