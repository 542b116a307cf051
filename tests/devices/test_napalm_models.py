"""Every parsed capture, turned into NAPALM's models, passes NAPALM's own model check."""

from __future__ import annotations

from pathlib import Path

import pytest
from napalm.base import models
from napalm.base.test.helpers import test_model as napalm_test_model

from network.devices import napalm_models
from network.devices.facts import parse_vrp_ipv6_neighbors, parse_vrp_version
from tests.devices.corpus import capture_file
from tests.devices.test_interface_parsers import COMWARE, VRP, _parse

INTERFACE_CAPTURES = [
    p
    for p in sorted(
        [*(VRP / "display_interface").glob("*.raw"), *(COMWARE / "display_interface").glob("*.raw")]
    )
    if "brief" not in p.name
]


@pytest.mark.parametrize("capture", INTERFACE_CAPTURES, ids=lambda p: p.name)
def test_interfaces_and_counters_are_napalm_models(capture: Path) -> None:
    for state in _parse(capture).values():
        assert napalm_test_model(models.InterfaceDict, napalm_models.interface(state)), state.name
        assert napalm_test_model(models.InterfaceCounterDict, napalm_models.counters(state.counters)), (
            state.name
        )


def test_units_and_unknowns() -> None:
    vrp8 = _parse(capture_file("napalm-vrp_get_interfaces_vrp5"))
    ge = napalm_models.interface(vrp8["GigabitEthernet1/0/0"])
    assert (ge["speed"], ge["mtu"], ge["mac_address"]) == (10000.0, 9194, "DC:99:14:0D:53:40")
    trunk = napalm_models.interface(vrp8["Eth-Trunk10"])
    assert trunk["speed"] == -1.0, "no bandwidth printed: NAPALM's unknown, never a guess"
    vlan = napalm_models.counters(
        _parse(capture_file("hp_comware_display_interface"))["Vlan-interface2000"].counters
    )
    assert (vlan["rx_octets"], vlan["rx_errors"], vlan["rx_unicast_packets"]) == (611444, -1, -1)


def test_facts_and_ipv6_neighbours_are_napalm_models() -> None:
    version = parse_vrp_version((capture_file("huawei_vrp_display_version")).read_text(encoding="utf-8"))
    facts = napalm_models.facts(version, "SW-CORE-01", ["GigabitEthernet1/0/0", "LoopBack0"])
    assert napalm_test_model(models.FactsDict, facts)
    assert facts["uptime"] == 13911600.0 and facts["vendor"] == "Huawei"
    for entry in parse_vrp_ipv6_neighbors(
        (capture_file("huawei_vrp_display_ipv6_neighbors_description1")).read_text(encoding="utf-8")
    ):
        assert napalm_test_model(models.IPV6NeighborDict, napalm_models.ipv6_neighbor(entry))
