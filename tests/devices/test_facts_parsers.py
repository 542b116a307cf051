"""`display version` and `display ipv6 neighbors` parsers, on the real captures (values read by hand)."""

from __future__ import annotations

import pytest

from network.devices.facts import (
    ParseError,
    parse_comware_version,
    parse_uptime,
    parse_vrp_ipv6_neighbors,
    parse_vrp_version,
)
from tests.devices.corpus import capture_file


@pytest.mark.parametrize(
    ("capture", "model", "os_version", "uptime"),
    [
        # "VRP (R) software, Version 8.180 (NE40E V800R011C00SPC200)",
        # "HUAWEI NE40E-X2-M8A uptime is 161 days, 0 hour, 20 minutes"
        (
            "huawei_vrp_display_version",
            "NE40E-X2-M8A",
            "8.180 (NE40E V800R011C00SPC200)",
            161 * 86400 + 20 * 60,
        ),
        # "Version 8.100 (CX600 V800R007C10SPC100)", "uptime is 266 days, 8 hours, 59 minutes"
        (
            "huawei_vrp_display_version1",
            "CX600-M2E",
            "8.100 (CX600 V800R007C10SPC100)",
            266 * 86400 + 8 * 3600 + 59 * 60,
        ),
    ],
)
def test_display_version(capture: str, model: str, os_version: str, uptime: int) -> None:
    version = parse_vrp_version(capture_file(capture).read_text(encoding="utf-8"))
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
        (capture_file("huawei_vrp_display_ipv6_neighbors_description1")).read_text(encoding="utf-8")
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


@pytest.mark.parametrize(
    ("text", "model", "os_version", "major"),
    [
        # Comware 7 (H3C's layout): the version line names H3C; the model line carries the uptime.
        (
            "H3C Comware Software, Version 7.1.070, Release 6616P51\n"
            "Copyright (c) 2004-2021 New H3C Technologies Co., Ltd. All rights reserved.\n"
            "H3C S6800-54QT uptime is 25 weeks, 4 days, 10 hours, 15 minutes\n",
            "S6800-54QT",
            "7.1.070, Release 6616P51",
            7,
        ),
        # Comware 5 prints "H3C Comware Platform Software" first and the version on its own line.
        (
            "H3C Comware Platform Software\n"
            "Comware Software, Version 5.20, Release 2202P06\n"
            "Copyright (c) 2004-2010 Hangzhou H3C Tech. Co., Ltd. All rights reserved.\n"
            "H3C S5120-28C-EI uptime is 1 week, 2 days, 3 hours, 4 minutes\n",
            "S5120-28C-EI",
            "5.20, Release 2202P06",
            5,
        ),
    ],
)
def test_comware_display_version_5_and_7(text: str, model: str, os_version: str, major: int) -> None:
    version = parse_comware_version(text)
    assert (version.model, version.os_version, version.major, version.platform) == (
        model,
        os_version,
        major,
        f"h3c_comware{major}",
    )
    assert version.uptime is not None and version.uptime > 0
