"""Intended dual-stack configs: golden files per platform, the intent behind them, and `egov render` errors.

The golden files (tests/fixtures/golden/) were reviewed by hand; after an intended change to a template,
regenerate one with `egov render inventories/shanwei --device HOST > tests/fixtures/golden/HOST.cfg`.
"""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path

import pytest

from network.rollout.context import load_context
from tests.helpers import SHANWEI, run_egov

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
CASES = {
    "SW-CORE-01": "huawei_vrp8",  # city core: OSPFv3 area 0, static default to the province, LAN gateways
    "SW-CQ-FS-AR-01": "huawei_vrp5",  # town router: OSPFv3 area 1, static routes to its villages
    "SW-CQ-AGG-01": "h3c_comware7",  # county aggregation: Comware syntax (no `ipv6 enable`)
    "SW-CQ-JS-AR-01": "cisco_ios",  # town router on IOS: `ipv6 router ospf`, `ipv6 route`
    "SW-CQ-FS-V10-CPE": "cisco_ios",  # village: a static default toward its uplink peer, no OSPF
}


@pytest.mark.parametrize("hostname", sorted(CASES))
def test_rendered_config_matches_the_golden_file(hostname: str) -> None:
    result = run_egov("render", str(SHANWEI), "--device", hostname)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / f"{hostname}.cfg").read_text(encoding="utf-8")


def test_every_device_renders_and_its_addresses_come_from_the_lock() -> None:
    context = load_context(SHANWEI)
    links = {link.id: link for link in context.inventory.links}
    for device in context.inventory.devices:
        if context.intents.level(device).value == "province":
            continue
        intent = context.intents.build(device.hostname)
        assert intent.loopback == str(ipaddress.IPv6Address(context.lock.loopbacks[device.hostname]))
        for link in intent.links:
            network = ipaddress.IPv6Network((context.lock.links[link.link], 127))
            assert {link.address, link.peer_address} == {str(a) for a in network}, link
            end = links[link.link].a if links[link.link].a.device == device.hostname else links[link.link].b
            assert end.interface == link.interface


def test_ipv4_is_never_in_the_rendered_config() -> None:
    for hostname in CASES:
        text = (GOLDEN / f"{hostname}.cfg").read_text(encoding="utf-8")
        assert not [line for line in text.splitlines() if line.strip().startswith(("ip address", "ip route"))]


def test_render_errors_name_the_device_or_the_missing_lock(tmp_path: Path) -> None:
    unknown = run_egov("render", str(SHANWEI), "--device", "SW-CORE-1")
    assert unknown.returncode == 2 and "did you mean SW-CORE-01" in unknown.stderr
    copy = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, copy)
    (copy / "allocations.lock.yaml").unlink()
    missing = run_egov("render", str(copy), "--device", "SW-CORE-01")
    assert missing.returncode == 1 and "egov plan" in missing.stderr and "Traceback" not in missing.stderr
