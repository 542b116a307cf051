"""The lab twin over real SSH on loopback, driven by netmiko's stock device types (no mocks)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from netmiko.exceptions import NetmikoAuthenticationException

from network.devices.facts import parse_ios_version, parse_vrp_version
from network.devices.interfaces import parse_comware_interfaces, parse_ios_interfaces, parse_vrp_interfaces
from network.devices.transport import ConnectionParams, connect
from network.inventory import load_inventory
from network.lab.device import Fabric, build_fabric
from network.lab.server import Lab, Listener, run_in_thread, stop_in_thread
from tests.helpers import ROOT

PASSWORD = "lab-test-password"  # a throwaway password for a lab on loopback, never a real secret
LAB_INVENTORY = ROOT / "tests" / "fixtures" / "lab"


@pytest.fixture(scope="module")
def fabric() -> Fabric:
    return build_fabric(load_inventory(LAB_INVENTORY).inventory)


@pytest.fixture(scope="module")
def lab(fabric: Fabric) -> Iterator[dict[str, Listener]]:
    twin = Lab(fabric, "egov", PASSWORD)
    loop, listeners = run_in_thread(twin)
    yield {listener.hostname: listener for listener in listeners}
    stop_in_thread(twin, loop)


def _session(listener: Listener, password: str = PASSWORD, **extra: Any) -> Any:
    return connect(
        ConnectionParams(listener.host, listener.port, "egov", listener.platform), password, **extra
    )


def test_every_device_of_the_inventory_answers(lab: dict[str, Listener]) -> None:
    assert set(lab) == {
        "PRV-PE-01",
        "CTY-CORE-01",
        "CTY-A-CORE-01",
        "CTY-A-T1-AR-01",
        "CTY-A-T1-IOS-ROUTER-02",
        "CTY-A-T1-V1-CPE",
    }
    assert all(listener.host == "127.0.0.1" for listener in lab.values())
    assert len({listener.port for listener in lab.values()}) == len(lab)


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
    # Speeds are the links' capacities (tests/fixtures/lab/links.yaml), not the ports' own speeds.
    expected = {
        "CTY-A-T1-AR-01": {"GigabitEthernet0/0/0": 100, "GigabitEthernet0/0/1": 20, "LoopBack0": None},
        "CTY-CORE-01": {"GigabitEthernet1/0/0": 10000, "GigabitEthernet1/0/1": 1000, "LoopBack0": None},
    }[hostname]
    assert {name: i.speed for name, i in interfaces.items()} == expected
    assert all(i.up and i.enabled for i in interfaces.values())


def test_counters_advance_with_the_links_utilisation(lab: dict[str, Listener], fabric: Fabric) -> None:
    fabric.conditions.link_utilisation["cty-a-up"] = 0.5  # CTY-CORE-01 Gi1/0/1, 1 Gbit/s
    connection = _session(lab["CTY-CORE-01"])
    try:
        first = parse_vrp_interfaces(connection.send_command("display interface GigabitEthernet1/0/1"))
        time.sleep(1.0)
        second = parse_vrp_interfaces(connection.send_command("display interface GigabitEthernet1/0/1"))
    finally:
        connection.disconnect()
        fabric.conditions.link_utilisation.clear()
    before, after = first["GigabitEthernet1/0/1"].counters, second["GigabitEthernet1/0/1"].counters
    assert before.rx_octets is not None and after.rx_octets is not None
    rate = after.rx_octets - before.rx_octets  # bytes in about one second at 50 % of 1 Gbit/s
    assert 0.5 * 62_500_000 < rate < 2.0 * 62_500_000


@pytest.mark.parametrize(
    ("hostname", "port"), [("CTY-CORE-01", "GigabitEthernet1/0/1"), ("CTY-A-CORE-01", "GigabitEthernet1/0/0")]
)
def test_a_degraded_link_runs_below_plan_at_both_ends(
    lab: dict[str, Listener], fabric: Fabric, hostname: str, port: str
) -> None:
    def speeds() -> dict[str, int | None]:
        connection = _session(lab[hostname])
        try:
            return {
                n: i.speed
                for n, i in parse_vrp_interfaces(connection.send_command("display interface")).items()
            }
        finally:
            connection.disconnect()

    planned = speeds()
    fabric.conditions.link_speed["cty-a-up"] = 100  # the county's 1G uplink negotiated 100M
    try:
        degraded = speeds()
    finally:
        fabric.conditions.link_speed.clear()
    assert planned[port] == 1000 and degraded[port] == 100
    assert {n: v for n, v in degraded.items() if n != port} == {n: v for n, v in planned.items() if n != port}


def test_vrp5_applies_line_by_line_then_saves(lab: dict[str, Listener]) -> None:
    connection = _session(lab["CTY-A-T1-AR-01"])
    try:
        output = connection.send_config_set(
            ["interface GigabitEthernet0/0/1", "ipv6 enable"], error_pattern=""
        )
        assert "Error: Please enable IPv6 in the system view first." in output
        output = connection.send_config_set(
            ["ipv6", "interface GigabitEthernet0/0/1", "ipv6 enable", "ipv6 address 2001:db8:8010:1::1/127"]
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
            ["ipv6", "interface GigabitEthernet1/0/1", "ipv6 enable", "ipv6 address 2001:db8:8010:2::/127"]
        )
        assert "[*CTY-CORE-01-GigabitEthernet1/0/1]" in output, "uncommitted changes show as *"
        assert "2001:DB8:8010:2::/127" not in connection.send_command("display current-configuration")
        connection.commit()
        assert "2001:DB8:8010:2::/127" in connection.send_command("display current-configuration")
    finally:
        connection.disconnect()


def test_ipv6_addresses_are_tentative_then_neighbours_and_ping(
    lab: dict[str, Listener], fabric: Fabric
) -> None:
    """Link cty-a-t1-v1-up: CTY-A-T1-AR-01 Gi0/0/1 (VRP5) <-> CTY-A-T1-V1-CPE Gi1/0/0 (Comware)."""
    fabric.conditions.dad_seconds = 60.0  # netmiko's config sessions take seconds: keep DAD running meanwhile
    ar, cpe = _session(lab["CTY-A-T1-AR-01"]), _session(lab["CTY-A-T1-V1-CPE"])
    try:
        ar.send_config_set(
            ["ipv6", "interface GigabitEthernet0/0/1", "ipv6 enable", "ipv6 address 2001:db8:2::/127"]
        )
        assert "[TENTATIVE]" in ar.send_command("display ipv6 interface GigabitEthernet0/0/1")
        assert "Total: 0" in ar.send_command("display ipv6 neighbors"), "the far end has no address yet"
        assert "100.00% packet loss" in ar.send_command("ping ipv6 2001:db8:2::1")
        cpe.send_config_set(["interface GigabitEthernet1/0/0", "ipv6 address 2001:db8:2::1/127"])
        assert "100.00% packet loss" in ar.send_command("ping ipv6 2001:db8:2::1"), "still tentative"
        fabric.conditions.dad_seconds = 0.0  # duplicate-address detection is over
        assert "[TENTATIVE]" not in ar.send_command("display ipv6 interface GigabitEthernet0/0/1")
        neighbors = ar.send_command("display ipv6 neighbors")
        assert "IPv6 Address : 2001:DB8:2::1" in neighbors and "Interface    : GE0/0/1" in neighbors
        assert "5 packet(s) received" in ar.send_command("ping ipv6 2001:db8:2::1")
        assert "5 packet(s) received" in cpe.send_command("ping ipv6 2001:db8:2::")
        cpe.send_config_set(["interface GigabitEthernet1/0/0", "shutdown"])
        assert "100.00% packet loss" in ar.send_command("ping ipv6 2001:db8:2::1"), "the link is down"
        cpe.send_config_set(["interface GigabitEthernet1/0/0", "undo shutdown"])
    finally:
        fabric.conditions.dad_seconds = 1.0
        ar.disconnect()
        cpe.disconnect()


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
            "GigabitEthernet1/0/0": (20, True)
        }
        output = connection.send_config_set(["interface GigabitEthernet1/0/0", "description to AR-01"])
        assert "[CTY-A-T1-V1-CPE-GigabitEthernet1/0/0]" in output
        assert " description to AR-01" in connection.send_command("display current-configuration")
        assert "successfully" in connection.save_config()
        assert "% Unrecognized command found at '^' position." in connection.send_command("dispaly version")
    finally:
        connection.disconnect()


def test_ios_with_the_stock_cisco_ios_type(lab: dict[str, Listener]) -> None:
    connection = _session(lab["CTY-A-T1-IOS-ROUTER-02"])
    try:
        # netmiko keeps the first 16 characters of an IOS prompt; our drivers match the rest loosely.
        assert connection.base_prompt == "CTY-A-T1-IOS-ROU"
        assert parse_ios_version(connection.send_command("show version")).model == "ISR4331/K9"
        interfaces = parse_ios_interfaces(connection.send_command("show interfaces"))
        assert interfaces["GigabitEthernet0/0/0"].speed == 100  # link cty-a-t1-up2
        output = connection.send_config_set(
            ["ipv6 unicast-routing", "interface GigabitEthernet0/0/0", "ipv6 address 2001:db8:1::3/127"]
        )
        assert "CTY-A-T1-IOS-ROUTER-02(config-if)#" in output
        assert "2001:DB8:1::3" in connection.send_command("show ipv6 interface brief")
        assert "[OK]" in connection.save_config()
        assert "% Invalid input detected at '^' marker." in connection.send_command("show bogus")
    finally:
        connection.disconnect()


def test_own_addresses_and_key_authentication(fabric: Fabric, tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    key.write_private_key(str(tmp_path / "id_ed25519"))
    key.write_public_key(str(tmp_path / "authorized_keys"))
    with socket.socket() as probe:  # a port free on 127.1.0.1, shared by every device address
        probe.bind(("127.1.0.1", 0))
        port = probe.getsockname()[1]
    twin = Lab(
        fabric,
        "egov",
        PASSWORD,
        per_device_address=True,
        port=port,
        authorized_keys_file=tmp_path / "authorized_keys",
    )
    loop, listeners = run_in_thread(twin)
    try:
        hosts = {listener.host for listener in listeners}
        assert len(hosts) == len(listeners) and all(h.startswith("127.1.0.") for h in hosts)
        assert {listener.port for listener in listeners} == {port}
        listener = next(x for x in listeners if x.hostname == "CTY-A-T1-AR-01")
        connection = _session(
            listener, password="", use_keys=True, key_file=str(tmp_path / "id_ed25519"), allow_agent=False
        )
        try:
            assert connection.base_prompt == "CTY-A-T1-AR-01"
        finally:
            connection.disconnect()
    finally:
        stop_in_thread(twin, loop)
