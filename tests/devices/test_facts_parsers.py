"""`display version` and `display ipv6 neighbors` parsers, on the real captures (values read by hand)."""

from __future__ import annotations

import pytest

from network.devices.facts import ParseError, parse_uptime, parse_vrp_ipv6_neighbors, parse_vrp_version
from tests.devices.test_interface_parsers import VRP


@pytest.mark.parametrize(
    ("capture", "model", "os_version", "uptime"),
    [
        # "VRP (R) software, Version 8.180 (NE40E V800R011C00SPC200)",
        # "HUAWEI NE40E-X2-M8A uptime is 161 days, 0 hour, 20 minutes"
        (
            "huawei_vrp_display_version.txt",
            "NE40E-X2-M8A",
            "8.180 (NE40E V800R011C00SPC200)",
            161 * 86400 + 20 * 60,
        ),
        # "Version 8.100 (CX600 V800R007C10SPC100)", "uptime is 266 days, 8 hours, 59 minutes"
        (
            "huawei_vrp_display_version1.txt",
            "CX600-M2E",
            "8.100 (CX600 V800R007C10SPC100)",
            266 * 86400 + 8 * 3600 + 59 * 60,
        ),
    ],
)
def test_display_version(capture: str, model: str, os_version: str, uptime: int) -> None:
    version = parse_vrp_version((VRP / capture).read_text(encoding="utf-8"))
    assert (version.vendor, version.model, version.os_version, version.uptime) == (
        "Huawei",
        model,
        os_version,
        uptime,
    )
    assert version.major == 8 and version.platform == "huawei_vrp8"


def test_a_vrp5_banner_is_vrp5() -> None:
    # No VRP5 `display version` capture is shared; this is the AR router banner's documented shape.
    text = (
        "Huawei Versatile Routing Platform Software\n"
        "VRP (R) software, Version 5.170 (AR2200 V200R010C10SPC700)\n"
        "Huawei AR2220E Router uptime is 0 week, 1 day, 2 hours, 3 minutes\n"
    )
    version = parse_vrp_version(text)
    assert (version.platform, version.model, version.uptime) == (
        "huawei_vrp5",
        "AR2220E",
        86400 + 2 * 3600 + 180,
    )


def test_other_output_is_refused() -> None:
    with pytest.raises(ParseError):
        parse_vrp_version("Error: Unrecognized command found at '^' position.\n")


@pytest.mark.parametrize(
    ("text", "seconds"), [("1 week, 2 days", 9 * 86400), ("0 hour, 1 minute", 60), ("3 seconds", 3)]
)
def test_uptime(text: str, seconds: int) -> None:
    assert parse_uptime(text) == seconds


def test_ipv6_neighbors() -> None:
    first, second = parse_vrp_ipv6_neighbors(
        (VRP / "huawei_vrp_display_ipv6_neighbors_description1.txt").read_text(encoding="utf-8")
    )
    # "IPv6 Address : 2::1", "Link-layer : 707b-e8e9-d329  State : STALE",
    # "Interface : GE0/0/0  Age : 00h05m12s", "VLAN : 200", "Is Router: TRUE"
    assert (
        first.address,
        first.mac,
        first.interface,
        first.state,
        first.age,
        first.vlan,
        first.is_router,
    ) == ("2::1", "707b-e8e9-d329", "GE0/0/0", "STALE", 312, "200", True)
    assert (second.address, second.interface, second.age, second.vlan) == (
        "fe80::727b:e8ff:fee9:d329",
        "GE0/0/1",
        182,
        "100",
    )
