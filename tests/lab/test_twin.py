"""The lab twin over real SSH on loopback, driven by netmiko's stock device types (no mocks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from netmiko.exceptions import NetmikoAuthenticationException

from network.devices.facts import parse_vrp_version
from network.devices.interfaces import parse_comware_interfaces, parse_vrp_interfaces
from network.devices.transport import ConnectionParams, connect
from network.inventory import load_inventory
from network.lab.device import build_devices
from network.lab.server import Lab, Listener, run_in_thread
from tests.helpers import MINIMAL

PASSWORD = "lab-test-password"  # a throwaway password for a lab on loopback, never a real secret


@pytest.fixture(scope="module")
def lab() -> Iterator[dict[str, Listener]]:
    inventory = load_inventory(MINIMAL).inventory
    twin = Lab(build_devices(inventory), "egov", PASSWORD)
    loop, listeners = run_in_thread(twin)
    yield {listener.hostname: listener for listener in listeners}
    loop.call_soon_threadsafe(twin.close)
    loop.call_soon_threadsafe(loop.stop)


def _session(listener: Listener, password: str = PASSWORD) -> Any:
    return connect(ConnectionParams(listener.host, listener.port, "egov", listener.platform), password)


def test_every_huawei_device_of_the_inventory_answers(lab: dict[str, Listener]) -> None:
    assert set(lab) == {"PRV-PE-01", "CTY-CORE-01", "CTY-A-CORE-01", "CTY-A-T1-AR-01", "CTY-A-T1-V1-CPE"}
    assert all(listener.host == "127.0.0.1" for listener in lab.values())


@pytest.mark.parametrize(
    ("hostname", "platform"), [("CTY-A-T1-AR-01", "huawei_vrp5"), ("CTY-CORE-01", "huawei_vrp8")]
)
def test_version_and_interfaces_read_back_with_our_parsers(
    lab: dict[str, Listener], hostname: str, platform: str
) -> None:
    connection = _session(lab[hostname])
    try:
        assert connection.base_prompt == hostname
        assert parse_vrp_version(connection.send_command("display version")).platform == platform
        interfaces = parse_vrp_interfaces(connection.send_command("display interface"))
    finally:
        connection.disconnect()
    # Speeds come from the inventory (tests/fixtures/minimal/devices.yaml): 10G and 1G ports.
    expected = {
        "CTY-A-T1-AR-01": {"GigabitEthernet0/0/0": 1000, "GigabitEthernet0/0/1": 1000},
        "CTY-CORE-01": {"GigabitEthernet1/0/0": 10000, "GigabitEthernet1/0/1": 10000},
    }[hostname]
    assert {name: i.speed for name, i in interfaces.items()} == expected
    assert all(i.up and i.enabled for i in interfaces.values())


def test_vrp5_applies_line_by_line_then_saves(lab: dict[str, Listener]) -> None:
    connection = _session(lab["CTY-A-T1-AR-01"])
    try:
        output = connection.send_config_set(
            ["interface GigabitEthernet0/0/1", "ipv6 enable", "ipv6 address 2001:db8:8010:1::1/127"]
        )
        assert "[CTY-A-T1-AR-01-GigabitEthernet0/0/1]" in output
        running = connection.send_command("display current-configuration")
        assert " ipv6 address 2001:DB8:8010:1::1/127" in running.splitlines()
        assert "Save the configuration successfully" in connection.save_config()
    finally:
        connection.disconnect()


def test_vrp8_commits_in_two_stages(lab: dict[str, Listener]) -> None:
    connection = _session(lab["CTY-CORE-01"])
    try:
        output = connection.send_config_set(
            ["interface GigabitEthernet1/0/1", "ipv6 enable", "ipv6 address 2001:db8:8010:2::/127"]
        )
        assert "[*CTY-CORE-01-GigabitEthernet1/0/1]" in output, "uncommitted changes show as *"
        assert "2001:DB8:8010:2::/127" not in connection.send_command("display current-configuration")
        connection.commit()
        assert "2001:DB8:8010:2::/127" in connection.send_command("display current-configuration")
    finally:
        connection.disconnect()


def test_errors_in_the_vendors_words(lab: dict[str, Listener]) -> None:
    connection = _session(lab["CTY-A-T1-AR-01"])
    try:
        assert "Error: Unrecognized command found at '^' position." in connection.send_command(
            "dispaly version"
        )
        output = connection.send_config_set(["interface GigabitEthernet9/9/9"])
        assert "Error: Wrong parameter found at '^' position." in output
    finally:
        connection.disconnect()


def test_a_wrong_password_is_refused(lab: dict[str, Listener]) -> None:
    with pytest.raises(NetmikoAuthenticationException):
        _session(lab["CTY-A-T1-AR-01"], password="wrong")


def test_comware_with_the_stock_hp_comware_type(lab: dict[str, Listener]) -> None:
    connection = _session(lab["CTY-A-T1-V1-CPE"])
    try:
        assert connection.base_prompt == "CTY-A-T1-V1-CPE"
        interfaces = parse_comware_interfaces(connection.send_command("display interface"))
        assert {name: (i.speed, i.up) for name, i in interfaces.items()} == {
            "GigabitEthernet1/0/0": (1000, True)
        }
        output = connection.send_config_set(
            ["interface GigabitEthernet1/0/0", "ipv6 address 2001:db8:8010:1::1/127"]
        )
        assert "[CTY-A-T1-V1-CPE-GigabitEthernet1/0/0]" in output
        assert " ipv6 address 2001:DB8:8010:1::1/127" in connection.send_command(
            "display current-configuration"
        )
        assert "successfully" in connection.save_config()
        assert "% Unrecognized command found at '^' position." in connection.send_command("dispaly version")
    finally:
        connection.disconnect()
