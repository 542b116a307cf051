"""`display interface brief` parsers on the real captures (values read by hand)."""

from __future__ import annotations

from pathlib import Path

from network.devices.addresses import parse_vrp_ipv6_brief
from network.devices.brief import InterfaceBrief, parse_comware_brief, parse_vrp_brief
from tests.devices.corpus import capture_file


def _rows(path: Path) -> dict[str, InterfaceBrief]:
    text = path.read_text(encoding="utf-8")
    rows = parse_comware_brief(text) if "h3c_comware" in path.parts else parse_vrp_brief(text)
    return {row.name: row for row in rows}


def test_vrp_trunks_members_and_speed_tags() -> None:
    rows = _rows(capture_file("huawei_vrp_display_interface_brief"))
    assert len(rows) == 18
    # "Eth-Trunk4  up  down  0.69% 13.57%  4625  0"
    trunk = rows["Eth-Trunk4"]
    assert (trunk.up, trunk.protocol_up, trunk.in_utilisation, trunk.out_utilisation, trunk.in_errors) == (
        True,
        False,
        0.69,
        13.57,
        4625,
    )
    # "  GigabitEthernet16/0/1(10G) up  up  0.71% 12.84%  4625  0": a member of Eth-Trunk4 at 10G
    member = rows["GigabitEthernet16/0/1"]
    assert (member.trunk, member.speed, member.in_errors, member.out_errors) == ("Eth-Trunk4", 10000, 4625, 0)
    assert rows["GigabitEthernet8/1/16"].trunk == "Eth-Trunk2" and rows["GigabitEthernet8/1/16"].speed is None
    assert rows["Eth-Trunk4.10"].trunk == "", "a sub-interface is not a member"


def test_vrp_state_marks() -> None:
    rows = _rows(capture_file("huawei_vrp_display_interface_brief2"))
    assert len(rows) == 17
    standby = rows["GigabitEthernet0/0/1"]  # "^down  down"
    assert (standby.standby, standby.up, standby.enabled) == (True, False, True)
    loopback = rows["GigabitEthernet0/0/2"]  # "up(l) up  0.01%  0.01%"
    assert (loopback.up, loopback.protocol_up, loopback.in_utilisation) == (True, True, 0.01)
    assert rows["Dialer1"].protocol_up and rows["Dialer1"].in_utilisation is None  # "up(s)", "--"
    assert "GigabitEthernet0/0/5" in rows  # "GigabitEthernet0/0/5(v)": a virtual port, name without the tag
    assert not rows["GigabitEthernet0/0/4"].protocol_up  # "up  down"


def test_comware_route_and_bridge_tables() -> None:
    rows = _rows(capture_file("hp_comware_display_interface_brief"))
    assert len(rows) == 11
    ge = rows["GE0/0"]  # "GE0/0  UP  UP  192.168.100.1  The interface for connecting RouterA."
    assert (ge.up, ge.protocol_up, ge.address, ge.description) == (
        True,
        True,
        "192.168.100.1",
        "The interface for connecting RouterA.",
    )
    assert rows["Loop0"].protocol_up and rows["Loop0"].description == ""  # "UP(s)", "--"
    assert rows["Vlan1"].address == "192.168.1.1" and not rows["Vlan1"].up
    bridge = rows["GE0/1"]  # bridge mode: "GE0/1  DOWN auto  A  A  1"
    assert (bridge.up, bridge.speed) == (False, None)


# `display ipv6 interface brief` in the layout of Huawei's command reference (no public capture of it exists
# in the sources of the corpus, so this sample is written from that layout, with documentation addresses).
VRP_IPV6_BRIEF = """\
*down: administratively down
(l): loopback
(s): spoofing
Interface                         Physical              Protocol
GigabitEthernet0/0/1              up                    up
[IPv6 Address] 2001:DB8:1::1
               2001:DB8:1::2
Vlanif10                          *down                 down
[IPv6 Address] unassigned
LoopBack0                         up                    up(s)
[IPv6 Address] 2001:DB8::FFFF
"""


def test_vrp_ipv6_interface_brief() -> None:
    rows = {row.interface: row for row in parse_vrp_ipv6_brief(VRP_IPV6_BRIEF)}
    assert list(rows) == ["GigabitEthernet0/0/1", "Vlanif10", "LoopBack0"]
    assert rows["GigabitEthernet0/0/1"].addresses == ("2001:db8:1::1", "2001:db8:1::2")
    assert (rows["Vlanif10"].enabled, rows["Vlanif10"].up, rows["Vlanif10"].addresses) == (False, False, ())
    assert rows["LoopBack0"].protocol_up and rows["LoopBack0"].addresses == ("2001:db8::ffff",)
    assert parse_vrp_ipv6_brief("") == []
