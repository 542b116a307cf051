"""Zones and VPN instances in the inventory: route distinguisher and target forms, overlap per table."""

from __future__ import annotations

from pathlib import Path

import pytest

from network.inventory.rules.zones import ext_community_problem
from network.validation import validate
from tests.helpers import MINIMAL, copy_inventory


@pytest.mark.parametrize(
    "value",
    ["65010:101", "65535:4294967295", "4200000000:65535", "1.10:200", "192.0.2.1:101", "1:0"],
)
def test_route_targets_in_every_form_devices_take(value: str) -> None:
    assert ext_community_problem(value) is None


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("65010", "AS:number"),
        ("65010:", "AS:number"),
        ("0:1", "out of range"),
        ("4294967296:1", "out of range"),
        ("70000:65536", "4-byte AS"),
        ("65010:4294967296", "2-byte AS"),
        ("192.0.2.1:65536", "IPv4 address"),
        ("192.0.2.300:1", "not an IPv4 address"),
        ("1.70000:1", "dotted form"),
        ("ten:1", "neither"),
    ],
)
def test_malformed_route_targets_say_why(value: str, why: str) -> None:
    problem = ext_community_problem(value)
    assert problem is not None and why in problem, problem


def _two_networks(tmp_path: Path, second_vpn: bool) -> Path:
    """The minimal inventory with a second business network of cty-zsj reusing the first one's prefix,
    carried by its own VPN instance or by none."""
    root = copy_inventory(MINIMAL, tmp_path / "inv")
    departments = root / "departments.yaml"
    text = departments.read_text(encoding="utf-8")
    second = (
        "      - id: cty-zsj-pn2\n        name: 测试专网二\n"
        '        prefixes: ["198.51.100.128/29"]\n        cutover: 2020-12-31\n'
    )
    text = text.replace(
        "        cutover: 2020-12-31\n  - id: cty-a-gaj",
        "        cutover: 2020-12-31\n" + second + "  - id: cty-a-gaj",
    )
    departments.write_text(text, encoding="utf-8")
    if second_vpn:
        with (root / "vpn_instances.yaml").open("a", encoding="utf-8") as out:
            out.write(
                "  - name: cty-zsj-pn2\n    department: cty-zsj\n    network: cty-zsj-pn2\n"
                '    zone: cty-private\n    rd: "65010:102"\n    export_targets: ["65010:102"]\n'
                '    import_targets: ["65010:102"]\n    pes:\n      - device: CTY-CORE-01\n'
            )
    return root


def test_business_networks_may_reuse_addresses_across_vpn_instances(tmp_path: Path) -> None:
    report = validate(_two_networks(tmp_path, second_vpn=True))
    assert not [f for f in report.findings if f.code == "P008"], report.findings


def test_business_networks_in_one_table_may_not_overlap(tmp_path: Path) -> None:
    # With no VPN instances both networks are in the global table: their one prefix overlaps there.
    root = _two_networks(tmp_path, second_vpn=False)
    (root / "vpn_instances.yaml").unlink()
    report = validate(root)
    overlaps = [f for f in report.findings if f.code == "P008"]
    assert len(overlaps) == 1 and "overlaps private network" in overlaps[0].message, report.findings
    assert "in VPN instance" not in overlaps[0].message
    assert {f.code for f in report.findings} >= {"P008", "V009"}


def test_a_vpn_instance_table_is_swept_on_its_own(tmp_path: Path) -> None:
    # The second network's prefix inside its own VPN instance overlaps nothing there; give the first
    # network a second, overlapping prefix and the VPN instance's own sweep finds it.
    root = _two_networks(tmp_path, second_vpn=True)
    departments = root / "departments.yaml"
    text = departments.read_text(encoding="utf-8")
    text = text.replace(
        'prefixes: ["198.51.100.128/29"]\n        cutover: 2020-12-31\n      - id: cty-zsj-pn2',
        'prefixes: ["198.51.100.128/29", "198.51.100.128/30"]\n        cutover: 2020-12-31\n'
        "      - id: cty-zsj-pn2",
    )
    departments.write_text(text, encoding="utf-8")
    overlaps = [f for f in validate(root).findings if f.code == "P008"]
    assert [f.message.endswith("in VPN instance cty-zsj-pn1") for f in overlaps] == [True], overlaps
