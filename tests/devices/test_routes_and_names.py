"""IPv6 routes (the real VRP capture) and interface-name abbreviations."""

from __future__ import annotations

import pytest

from network.devices.addresses import Route, parse_vrp_ipv6_routes
from network.devices.names import abbreviate, expand
from tests.devices.corpus import capture_file


def test_the_real_vrp_ipv6_routing_table_capture() -> None:
    text = (capture_file("huawei_vrp_display_ip_routing-table_verbose_ipv6")).read_text(encoding="utf-8")
    # Read from the capture: "Destination : ::1  PrefixLength : 128", "NextHop : ::1  Preference : 0",
    # "Protocol : Direct", "State : Active NoAdv", "Cost : 0", "Age : 93545sec", "Interface : InLoopBack0".
    assert parse_vrp_ipv6_routes(text) == [
        Route("::1", 128, "::1", "Direct", "InLoopBack0", preference=0, cost=0, active=True, age=93545)
    ]


@pytest.mark.parametrize(
    ("printed", "platform", "full"),
    [
        ("GE0/0/1", "huawei_vrp5", "GigabitEthernet0/0/1"),
        ("XGE0/0/1", "huawei_vrp8", "XGigabitEthernet0/0/1"),
        ("Eth-Trunk10", "huawei_vrp8", "Eth-Trunk10"),
        ("GigabitEthernet0/0/1", "huawei_vrp5", "GigabitEthernet0/0/1"),
        ("XGE1/0/1", "h3c_comware7", "Ten-GigabitEthernet1/0/1"),
        ("BAGG20", "h3c_comware7", "Bridge-Aggregation20"),
        ("Gi0/0/0", "cisco_ios", "GigabitEthernet0/0/0"),
        ("LoopBack0", "cisco_ios", "Loopback0"),
        ("Te1/1", "cisco_ios", "TenGigabitEthernet1/1"),
    ],
)
def test_names_expand_and_abbreviate(printed: str, platform: str, full: str) -> None:
    assert expand(printed, platform) == full
    assert expand(abbreviate(full, platform), platform) == full
