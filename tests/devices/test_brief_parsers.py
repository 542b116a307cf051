"""`display interface brief` parsers on the real captures (values read by hand)."""

from __future__ import annotations

from network.devices.brief import parse_comware_brief, parse_vrp_brief
from tests.devices.test_interface_parsers import COMWARE, VRP


def _rows(path):  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    rows = parse_comware_brief(text) if path.parent == COMWARE else parse_vrp_brief(text)
    return {row.name: row for row in rows}


def test_vrp_trunks_members_and_speed_tags() -> None:
    rows = _rows(VRP / "huawei_vrp_display_interface_brief.txt")
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
    rows = _rows(VRP / "huawei_vrp_display_interface_brief2.txt")
    assert len(rows) == 17
    standby = rows["GigabitEthernet0/0/1"]  # "^down  down"
    assert (standby.standby, standby.up, standby.enabled) == (True, False, True)
    loopback = rows["GigabitEthernet0/0/2"]  # "up(l) up  0.01%  0.01%"
    assert (loopback.up, loopback.protocol_up, loopback.in_utilisation) == (True, True, 0.01)
    assert rows["Dialer1"].protocol_up and rows["Dialer1"].in_utilisation is None  # "up(s)", "--"
    assert "GigabitEthernet0/0/5" in rows  # "GigabitEthernet0/0/5(v)": a virtual port, name without the tag
    assert not rows["GigabitEthernet0/0/4"].protocol_up  # "up  down"


def test_comware_route_and_bridge_tables() -> None:
    rows = _rows(COMWARE / "hp_comware_display_interface_brief.txt")
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
