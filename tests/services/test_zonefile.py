"""DNS as code: zone files from the inventory and the lock, checked by BIND's named-checkzone."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from network.services.context import load_services
from network.services.zonefile import next_serial, serial_of, zone_files
from tests.helpers import SHANWEI, copy_inventory, run_egov

CHECKZONE = shutil.which("named-checkzone") or "/usr/bin/named-checkzone"


def test_every_zone_file_passes_named_checkzone(tmp_path: Path) -> None:
    context = load_services(SHANWEI)
    files = zone_files(context.zones, tmp_path, dt.date(2026, 12, 3))
    assert {f.name for f in files} == {"sw.gov.example.zone", "sys.gov.example.zone"}
    for zone_file in files:
        (tmp_path / zone_file.name).write_text(zone_file.text, encoding="utf-8")
        origin = zone_file.name.removesuffix(".zone")
        run = subprocess.run(
            [CHECKZONE, "-k", "fail", "-n", "fail", "-i", "full", origin, str(tmp_path / zone_file.name)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
        assert "loaded serial 2026120300" in run.stdout


def test_the_zone_publishes_the_lock_s_aaaa_and_leaves_ipv4_only_sites_without(tmp_path: Path) -> None:
    context = load_services(SHANWEI)
    text = zone_files(context.zones, tmp_path)[0].text
    portal = context.sites["sw-zfb-web"]
    lock_web = context.lock.hosts["sw-zfb-s01"]["web"] if context.lock else None
    assert lock_web is not None and int(portal.ipv6 or 0) == lock_web[1]
    lines = [line.split() for line in text.splitlines()]
    www = [fields for fields in lines if fields[:1] == ["www"]]
    assert www and www[0][-2:] == ["A", str(portal.ipv4)]
    assert any(fields[-2:] == ["AAAA", str(portal.ipv6)] for fields in lines)
    swb = [
        i for i, fields in enumerate(lines) if fields[:1] == ["swb"]
    ]  # in the department's room: IPv4 only
    assert swb and lines[swb[0]][-2] == "A"
    assert lines[swb[0] + 1][0] != "IN"  # no further record (an AAAA would continue the owner's lines)


def test_serials_only_go_up() -> None:
    today = dt.date(2026, 12, 3)
    assert next_serial(None, today) == 2026120300
    assert next_serial(2026120300, today) == 2026120301
    assert next_serial(2026120399, today) == 2026120400  # more than 99 changes a day still goes up
    assert next_serial(2027010100, today) == 2027010101  # a serial from the future is never undercut


def test_egov_dns_zones_check_write_and_a_change(tmp_path: Path) -> None:
    inventory = copy_inventory(SHANWEI, tmp_path / "inv")
    shutil.rmtree(inventory / "dns")  # as before the city's first `egov dns zones`
    first = run_egov("dns", "zones", str(inventory), "--check")
    assert first.returncode == 1 and "+$ORIGIN sw.gov.example." in first.stdout
    assert not (inventory / "dns").exists()  # --check changed nothing
    assert run_egov("dns", "zones", str(inventory)).returncode == 0
    written = (inventory / "dns" / "sw.gov.example.zone").read_text(encoding="utf-8")
    again = run_egov("dns", "zones", str(inventory))
    assert again.returncode == 0 and "unchanged" in again.stdout
    assert (inventory / "dns" / "sw.gov.example.zone").read_text(encoding="utf-8") == written
    websites = inventory / "websites.yaml"
    websites.write_text(
        websites.read_text(encoding="utf-8").replace('ipv4: "198.51.100.13"', 'ipv4: "198.51.100.14"'),
        "utf-8",
    )
    changed = run_egov("dns", "zones", str(inventory), "--check")
    assert changed.returncode == 1
    assert "-swb                      IN A     198.51.100.13" in changed.stdout
    assert "+swb                      IN A     198.51.100.14" in changed.stdout
    assert run_egov("dns", "zones", str(inventory)).returncode == 0
    new = (inventory / "dns" / "sw.gov.example.zone").read_text(encoding="utf-8")
    assert (serial_of(new) or 0) > (serial_of(written) or 0)
    assert (inventory / "dns" / "sys.gov.example.zone").exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [("; nothing here\n", "no SOA serial"), (b"\xff\xfe\x00bad", "cannot be read")],
)
def test_a_damaged_zone_file_is_named_and_nothing_is_written(
    tmp_path: Path, text: str | bytes, says: str
) -> None:
    inventory = copy_inventory(SHANWEI, tmp_path / "inv")
    shutil.rmtree(inventory / "dns")
    (inventory / "dns").mkdir()
    damaged = inventory / "dns" / "sw.gov.example.zone"
    damaged.write_bytes(text.encode() if isinstance(text, str) else text)
    run = run_egov("dns", "zones", str(inventory))
    assert run.returncode == 2
    assert str(damaged) in run.stderr and says in run.stderr and "Traceback" not in run.stderr
    assert not (inventory / "dns" / "sys.gov.example.zone").exists()


def test_an_inventory_with_errors_is_refused(tmp_path: Path) -> None:
    inventory = copy_inventory(SHANWEI, tmp_path / "inv")
    websites = inventory / "websites.yaml"
    websites.write_text(
        websites.read_text(encoding="utf-8").replace("system: sw-zfb-s01", "system: sw-zfb-s99"), "utf-8"
    )
    run = run_egov("dns", "zones", str(inventory))
    assert run.returncode == 1
    assert "websites.yaml" in run.stdout and "N001" in run.stdout and "Traceback" not in run.stderr


def test_the_committed_shanwei_zone_files_are_current() -> None:
    run = run_egov("dns", "zones", str(SHANWEI), "--check")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("unchanged") == 2
