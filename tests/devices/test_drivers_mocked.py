"""The same driver tests for every platform, on mocked command outputs (NAPALM's layout, see mocked_data/).

Each getter's result must equal the hand-written expectation and pass NAPALM's own model check
(``napalm.base.test.helpers.test_model``). A signature-drift test keeps every driver method that
NAPALM defines callable exactly as NAPALM declares it.
"""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from pathlib import Path
from typing import Any

import napalm
import pytest
from napalm.base import NetworkDriver, models
from napalm.base.test import helpers

from network.devices.base import DeviceDriver, EgovDriver
from network.devices.drivers import DRIVERS
from network.devices.transport import TargetRefused
from tests.helpers import ROOT

MOCKED = Path(__file__).parent / "mocked_data"
CAPTURES = ROOT / "tests" / "fixtures" / "captures"
PLATFORMS = sorted(DRIVERS)


class MockedConnection:
    """Stands in for netmiko: answers each command from the platform's mocked outputs."""

    base_prompt = "MOCK-DEVICE"

    def __init__(self, platform: str) -> None:
        self.directory = MOCKED / platform
        self.sources: dict[str, str] = json.loads(
            (self.directory / "commands.json").read_text(encoding="utf-8")
        )
        self.sent: list[str] = []

    def send_command(self, command: str, **_: Any) -> str:
        self.sent.append(command)
        source = self.sources.get(command)
        if source is None:
            raise AssertionError(f"the driver sent {command!r}, which has no mocked output")
        if source.startswith("capture:"):
            return (CAPTURES / source.removeprefix("capture:")).read_text(encoding="utf-8")
        return (self.directory / source).read_text(encoding="utf-8")

    def is_alive(self) -> bool:
        return True


def _driver(platform: str) -> EgovDriver:
    driver = DRIVERS[platform]("127.0.0.1", "egov", "unused")
    driver.device = MockedConnection(platform)
    return driver


def _expected(platform: str, name: str) -> Any:
    return json.loads((MOCKED / platform / "expected" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_get_facts(platform: str) -> None:
    facts = _driver(platform).get_facts()
    assert helpers.test_model(models.FactsDict, facts)
    assert facts == _expected(platform, "get_facts")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_get_interfaces(platform: str) -> None:
    interfaces = _driver(platform).get_interfaces()
    expected = _expected(platform, "get_interfaces")
    assert sorted(interfaces) == _expected(platform, "get_facts")["interface_list"]
    for name, entry in interfaces.items():
        assert helpers.test_model(models.InterfaceDict, entry), name
    assert {name: interfaces[name] for name in expected} == expected


@pytest.mark.parametrize("platform", PLATFORMS)
def test_get_interfaces_counters(platform: str) -> None:
    counters = _driver(platform).get_interfaces_counters()
    for name, entry in counters.items():
        assert helpers.test_model(models.InterfaceCounterDict, entry), name
    expected = _expected(platform, "get_interfaces_counters")
    assert {name: counters[name] for name in expected} == expected


@pytest.mark.parametrize("platform", PLATFORMS)
def test_get_interfaces_ip(platform: str) -> None:
    driver = _driver(platform)
    addresses = driver.get_interfaces_ip()
    for families in addresses.values():  # NAPALM's own test checks each entry, as here
        for family in families.values():
            for entry in family.values():
                assert helpers.test_model(models.InterfacesIPDictEntry, entry)
    assert addresses == _expected(platform, "get_interfaces_ip")
    states = {a.address: a.state for a in driver.addresses() if a.family == 6}
    assert states == _expected(platform, "address_states")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_get_ipv6_neighbors_table(platform: str) -> None:
    neighbors = _driver(platform).get_ipv6_neighbors_table()
    for entry in neighbors:
        assert helpers.test_model(models.IPV6NeighborDict, entry)
    assert neighbors == _expected(platform, "get_ipv6_neighbors_table")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_ping(platform: str) -> None:
    result = _driver(platform).ping("2001:db8:8010:1::1")
    assert helpers.test_model(models.PingDict, result["success"])
    assert result == _expected(platform, "ping")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_command_without_output_is_an_error_not_a_guess(platform: str) -> None:
    with pytest.raises(AssertionError, match="no mocked output"):
        _driver(platform).cli(["display bogus"])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_method_signatures_match_napalm(platform: str) -> None:
    """Signature drift: every NetworkDriver method a driver defines takes NAPALM's parameters."""
    driver = DRIVERS[platform]
    for name, base in inspect.getmembers(NetworkDriver, inspect.isfunction):
        if name.startswith("_") and name != "__init__":
            continue
        ours = getattr(driver, name)
        if ours is base:
            continue  # not implemented: NAPALM raises NotImplementedError itself
        expected = [(p.name, p.default, p.kind) for p in inspect.signature(base).parameters.values()]
        actual = [(p.name, p.default, p.kind) for p in inspect.signature(ours).parameters.values()]
        assert actual == expected, f"{driver.__name__}.{name}"


CONTRACT = [n for n, v in vars(DeviceDriver).items() if not n.startswith("_") and callable(v)]


def _placeholder(function: object) -> bool:
    """A method whose body (docstring aside) only raises NotImplementedError."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))  # type: ignore[arg-type]
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef)
    body = [n for n in definition.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise) and "NotImplementedError" in ast.unparse(body[0])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_drivers_keep_the_typed_contract(platform: str) -> None:
    # isinstance() with a runtime Protocol only sees that the names exist, and the base class defines
    # every one of them: each driver must carry a real implementation, with the contract's parameters.
    driver = DRIVERS[platform]
    assert {"facts", "interfaces", "addresses", "running_config", "commit", "adopt_trial"} <= set(CONTRACT)
    for name in CONTRACT:
        ours = getattr(driver, name)
        assert not _placeholder(ours), f"{driver.__name__}.{name} is not implemented"
        wanted = [p.name for p in inspect.signature(getattr(DeviceDriver, name)).parameters.values()]
        actual = [p.name for p in inspect.signature(ours).parameters.values()]
        assert actual[: len(wanted)] == wanted, f"{driver.__name__}.{name}{inspect.signature(ours)}"


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("egov_vrp5", "huawei_vrp5"),
        ("egov_vrp8", "huawei_vrp8"),
        ("egov_comware7", "h3c_comware7"),
        ("egov_comware5", "h3c_comware5"),
        ("egov_ios", "cisco_ios"),
    ],
)
def test_napalm_loads_the_drivers_by_name(name: str, platform: str) -> None:
    assert napalm.get_network_driver(name) is DRIVERS[platform]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_open_refuses_a_real_address_outside_production(platform: str) -> None:
    driver = DRIVERS[platform]("192.0.2.10", "egov", "unused", optional_args={"port": 22})
    with pytest.raises(TargetRefused, match="not a loopback address"):
        driver.open()  # refused before any socket is opened (192.0.2.10 is never contacted)
    assert driver.device is None
