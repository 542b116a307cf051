"""Our NAPALM-interface drivers against the lab twin over real SSH: getters, changes, rollback, faults."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from napalm.base.exceptions import CommitError, ConnectionClosedException, ConnectionException

from network.devices.base import EgovDriver
from network.devices.config import diff
from network.devices.drivers import driver_for
from network.devices.facts import parse_vrp_trial_status
from network.inventory import load_inventory
from network.lab.conditions import Fault
from network.lab.device import Fabric, build_fabric
from network.lab.server import Lab, Listener, run_in_thread, stop_in_thread
from tests.helpers import ROOT

PASSWORD = "driver-lab-password"  # a throwaway password for a lab on loopback
LAB_INVENTORY = ROOT / "tests" / "fixtures" / "lab"
# One device per platform, and the change each test makes on it (interfaces from tests/fixtures/lab).
DEVICES = {
    "huawei_vrp5": (
        "CTY-A-T1-AR-01",
        "ipv6\ninterface GigabitEthernet0/0/0\n ipv6 enable\n ipv6 address 2001:db8:8010:1::1/127\n",
    ),
    "huawei_vrp8": (
        "CTY-CORE-01",
        "ipv6\ninterface GigabitEthernet1/0/1\n ipv6 enable\n ipv6 address 2001:db8:8010:2::/127\n",
    ),
    "h3c_comware7": (
        "CTY-A-T1-V1-CPE",
        "interface GigabitEthernet1/0/0\n ipv6 address 2001:db8:8010:3::1/127\n",
    ),
    "cisco_ios": (
        "CTY-A-T1-IOS-ROUTER-02",
        "ipv6 unicast-routing\ninterface GigabitEthernet0/0/0\n ipv6 enable\n"
        " ipv6 address 2001:db8:8010:4::1/127\n",
    ),
}


@pytest.fixture(scope="module")
def fabric() -> Fabric:
    return build_fabric(load_inventory(LAB_INVENTORY).inventory)


@pytest.fixture(scope="module")
def lab(fabric: Fabric) -> Iterator[dict[str, Listener]]:
    twin = Lab(fabric, "egov", PASSWORD)
    loop, listeners = run_in_thread(twin)
    yield {listener.hostname: listener for listener in listeners}
    stop_in_thread(twin, loop)


@pytest.fixture(autouse=True)
def no_faults(fabric: Fabric) -> Iterator[None]:
    yield
    fabric.conditions.faults.clear()
    fabric.conditions.trial_scale = 1.0


def _driver(
    lab: dict[str, Listener], hostname: str, password: str = PASSWORD, timeout: int = 20
) -> EgovDriver:
    listener = lab[hostname]
    driver = driver_for(listener.platform)(
        listener.host, "egov", password, timeout=timeout, optional_args={"port": listener.port}
    )
    driver.open()
    return driver


@pytest.mark.parametrize("platform", sorted(DEVICES))
def test_getters(lab: dict[str, Listener], platform: str) -> None:
    hostname, _ = DEVICES[platform]
    driver = _driver(lab, hostname)
    try:
        facts = driver.facts()
        assert (facts.hostname, facts.platform) == (hostname, platform)
        assert facts.serial and facts.uptime and facts.model
        interfaces = driver.get_interfaces()
        uplink = {
            "huawei_vrp5": "GigabitEthernet0/0/0",
            "huawei_vrp8": "GigabitEthernet1/0/0",
            "h3c_comware7": "GigabitEthernet1/0/0",
            "cisco_ios": "GigabitEthernet0/0/0",
        }[platform]
        expected_speed = {
            "huawei_vrp5": 100.0,
            "huawei_vrp8": 10000.0,
            "h3c_comware7": 20.0,
            "cisco_ios": 100.0,
        }
        assert interfaces[uplink]["speed"] == expected_speed[platform]  # the link's capacity
        first = driver.get_interfaces_counters()[uplink]["rx_octets"]
        time.sleep(0.3)
        assert driver.get_interfaces_counters()[uplink]["rx_octets"] > first > 0
        management = driver.get_interfaces_ip()
        assert platform == "h3c_comware7" or any("ipv4" in v for v in management.values())  # loopback
    finally:
        driver.close()


@pytest.mark.parametrize("platform", sorted(DEVICES))
def test_observe_reads_what_the_getters_read_in_one_pass(lab: dict[str, Listener], platform: str) -> None:
    hostname, _ = DEVICES[platform]
    driver = _driver(lab, hostname)
    try:
        seen = driver.observe()
        interfaces, addresses = driver.interfaces(), driver.addresses()
    finally:
        driver.close()

    def without_counters(states: dict[str, Any]) -> dict[str, Any]:
        return {name: (s.enabled, s.up, s.speed, s.mtu, s.description) for name, s in states.items()}

    assert without_counters(seen.interfaces) == without_counters(interfaces)  # counters moved on since
    assert sorted(map(repr, seen.addresses)) == sorted(map(repr, addresses))
    assert any(s.counters.rx_octets for s in seen.interfaces.values())


@pytest.mark.parametrize("platform", sorted(DEVICES))
def test_change_commit_and_rollback(lab: dict[str, Listener], platform: str) -> None:
    hostname, change = DEVICES[platform]
    driver = _driver(lab, hostname)
    try:
        before = driver.running_config()
        driver.load_merge_candidate(config=change)
        assert "ipv6 address 2001:" in driver.compare_config().lower()
        driver.commit_config()
        assert driver.compare_config() == ""
        added = [a for a in driver.addresses() if a.address.startswith("2001:db8:8010:")]
        assert len(added) == 1 and added[0].prefix_length == 127
        assert added[0].state in ("tentative", "preferred")
        driver.rollback()
        assert diff(platform, driver.running_config(), before).empty
        assert not [a for a in driver.addresses() if a.address.startswith("2001:db8:8010:")]
    finally:
        driver.close()


@pytest.mark.parametrize("platform", sorted(DEVICES))
def test_a_refused_line_leaves_the_device_as_it_was(lab: dict[str, Listener], platform: str) -> None:
    hostname, change = DEVICES[platform]
    driver = _driver(lab, hostname)
    try:
        before = driver.running_config()
        driver.load_merge_candidate(config=change + "frobnicate the network\n")
        with pytest.raises(CommitError, match="frobnicate"):
            driver.commit_config()
        assert diff(platform, driver.running_config(), before).empty
    finally:
        driver.close()


@pytest.mark.parametrize("platform", ["huawei_vrp8", "h3c_comware7"])
def test_trial_commit_confirmed_or_reverted(lab: dict[str, Listener], fabric: Fabric, platform: str) -> None:
    hostname, change = DEVICES[platform]
    fabric.conditions.trial_scale = 0.02  # a 60 s (VRP8) / 1 min (Comware) timer runs out in 1.2 s
    driver = _driver(lab, hostname)
    try:
        before = driver.running_config()
        driver.load_merge_candidate(config=change)
        driver.commit_config(revert_in=60)
        assert driver.has_pending_commit()
        driver.confirm_commit()
        time.sleep(1.5)
        assert not diff(platform, driver.running_config(), before).empty, "confirmed: the change stays"
        driver.rollback()
        driver.load_merge_candidate(config=change)
        driver.commit_config(revert_in=60)
        time.sleep(1.5)
        assert diff(platform, driver.running_config(), before).empty, "not confirmed: the device reverted"
    finally:
        driver.close()


def _die(driver: EgovDriver) -> None:
    """End a driver's session as a killed process does: no logout, the connection just goes."""
    driver.device.paramiko_cleanup()
    driver.device = None


def _trial_left_by_a_dead_session(lab: dict[str, Listener], platform: str) -> tuple[str, EgovDriver]:
    """A trial commit of 60 s made by a session that then died; the configuration before, a new session."""
    first = _driver(lab, DEVICES[platform][0])
    before = first.running_config()
    first.load_merge_candidate(config=DEVICES[platform][1])
    first.commit_config(revert_in=60)
    _die(first)
    return before, _driver(lab, DEVICES[platform][0])


@pytest.mark.parametrize("platform", ["huawei_vrp8", "h3c_comware7"])
def test_a_trial_outlives_the_session_that_made_it(
    lab: dict[str, Listener], fabric: Fabric, platform: str
) -> None:
    """A trial left by a dead session is taken over by a new one, confirmed, and stays."""
    fabric.conditions.trial_scale = 0.05  # 60 s (VRP8) / 1 min (Comware) run out in 3 s
    before, second = _trial_left_by_a_dead_session(lab, platform)
    try:
        changed = second.running_config()
        assert not diff(platform, changed, before).empty, "the trial still holds the change"
        if platform == "huawei_vrp8":  # VRP8 shows the pending trial to any session; Comware shows none
            assert second.has_pending_commit()
        assert second.adopt_trial(60)
        second.confirm()
        time.sleep(3.5)
        assert second.running_config() == changed, "confirmed from the new session: the change stays"
        assert not second.has_pending_commit()
        second.rollback_to(before)
    finally:
        second.close()


@pytest.mark.parametrize("platform", ["huawei_vrp8", "h3c_comware7"])
def test_a_taken_over_trial_still_reverts_to_where_it_started(
    lab: dict[str, Listener], fabric: Fabric, platform: str
) -> None:
    """Taking a trial over never moves its rollback point: unconfirmed, the device goes back to before."""
    fabric.conditions.trial_scale = 0.05
    before, second = _trial_left_by_a_dead_session(lab, platform)
    try:
        assert second.adopt_trial(60)
        time.sleep(3.5)
        assert diff(platform, second.running_config(), before).empty
    finally:
        second.close()


def test_a_vrp8_trial_without_persist_id_ends_with_its_session(
    lab: dict[str, Listener], fabric: Fabric
) -> None:
    """As on the device: ``commit trial N`` alone is rolled back when the session that made it ends,
    and ``display configuration trial status`` tells any session whether a trial is pending."""
    hostname, change = DEVICES["huawei_vrp8"]
    first = _driver(lab, hostname)
    before = first.running_config()
    assert (
        "Trial status: INACTIVE"
        in first.cli(["display configuration trial status"])["display configuration trial status"]
    )
    first._configure(change.splitlines(), last="commit trial 120")
    assert not diff("huawei_vrp8", first.running_config(), before).empty
    watcher = _driver(lab, hostname)
    try:
        status = parse_vrp_trial_status(
            watcher.cli(["display configuration trial status"])["display configuration trial status"]
        )
        assert status.active and status.persist is None and 0 < (status.seconds_left or 0) <= 120
        _die(first)
        time.sleep(0.3)
        assert watcher.running_config() == before, "the trial ended with its session"
        assert not watcher.has_pending_commit()
    finally:
        watcher.close()


def test_vrp5_and_ios_offer_no_trial_commit(lab: dict[str, Listener]) -> None:
    driver = _driver(lab, "CTY-A-T1-AR-01")
    try:
        driver.load_merge_candidate(config=DEVICES["huawei_vrp5"][1])
        with pytest.raises(NotImplementedError):
            driver.commit_config(revert_in=60)
    finally:
        driver.close()


# --- faults ---------------------------------------------------------------------------------------


def test_fault_authentication_failure(lab: dict[str, Listener], fabric: Fabric) -> None:
    fabric.conditions.faults["CTY-A-T1-AR-01"] = Fault("auth")
    with pytest.raises(ConnectionException, match="authentication failed"):
        _driver(lab, "CTY-A-T1-AR-01")


def test_fault_slow_answers_still_parse(lab: dict[str, Listener], fabric: Fabric) -> None:
    fabric.conditions.faults["CTY-CORE-*"] = Fault("slow", delay=0.4)
    driver = _driver(lab, "CTY-CORE-01")
    try:
        started = time.monotonic()
        assert driver.get_interfaces()["GigabitEthernet1/0/0"]["speed"] == 10000.0
        assert time.monotonic() - started >= 0.4
    finally:
        driver.close()


def test_fault_connection_dropped_mid_session(lab: dict[str, Listener], fabric: Fabric) -> None:
    fabric.conditions.faults["CTY-A-T1-AR-01"] = Fault("drop", after=4)
    driver = _driver(lab, "CTY-A-T1-AR-01", timeout=3)  # a dropped session shows only as silence
    try:
        with pytest.raises(ConnectionClosedException, match=r"closed the session"):
            for _ in range(6):
                driver.get_interfaces()
    finally:
        driver.close()


def test_fault_dropped_mid_commit_applies_nothing(lab: dict[str, Listener], fabric: Fabric) -> None:
    driver = _driver(lab, "CTY-CORE-01")
    before = driver.running_config()
    driver.close()
    fabric.conditions.faults["CTY-CORE-01"] = Fault("drop-commit")
    driver = _driver(lab, "CTY-CORE-01", timeout=3)
    try:
        driver.load_merge_candidate(config=DEVICES["huawei_vrp8"][1])
        with pytest.raises(ConnectionClosedException):
            driver.commit_config()
    finally:
        driver.close()
    fabric.conditions.faults.clear()
    driver = _driver(lab, "CTY-CORE-01")
    try:
        assert diff("huawei_vrp8", driver.running_config(), before).empty, (
            "the candidate died with the session"
        )
    finally:
        driver.close()


@pytest.mark.parametrize("kind", ["reject", "commit-fail"])
def test_fault_rejected_commands_and_failed_commit(
    lab: dict[str, Listener], fabric: Fabric, kind: str
) -> None:
    fabric.conditions.faults["CTY-CORE-01"] = Fault(kind)
    driver = _driver(lab, "CTY-CORE-01")
    try:
        before = driver.running_config()
        driver.load_merge_candidate(config=DEVICES["huawei_vrp8"][1])
        with pytest.raises(CommitError):
            driver.commit_config()
        assert diff("huawei_vrp8", driver.running_config(), before).empty
    finally:
        driver.close()


def test_fault_failed_save_on_vrp5_is_an_error(lab: dict[str, Listener], fabric: Fabric) -> None:
    fabric.conditions.faults["CTY-A-T1-AR-01"] = Fault("commit-fail")
    driver = _driver(lab, "CTY-A-T1-AR-01")
    try:
        driver.load_merge_candidate(config="interface GigabitEthernet0/0/0\n description saved-or-not\n")
        with pytest.raises(CommitError, match="save failed"):
            driver.commit_config()
    finally:
        driver.close()


def test_faults_at_a_random_rate(lab: dict[str, Listener], fabric: Fabric) -> None:
    fabric.conditions.rate, fabric.conditions.rate_kinds = 1.0, ("auth",)
    try:
        with pytest.raises(ConnectionException):
            _driver(lab, "PRV-PE-01")
    finally:
        fabric.conditions.rate = 0.0
    _driver(lab, "PRV-PE-01").close()


def test_vrp_routes_follow_addresses_and_static_routes(lab: dict[str, Listener]) -> None:
    driver = _driver(lab, "CTY-A-T1-AR-01")
    try:
        driver.load_merge_candidate(
            config="ipv6\ninterface GigabitEthernet0/0/0\n ipv6 enable\n"
            " ipv6 address 2001:db8:8010:7::1/127\nipv6 route-static :: 0 2001:db8:8010:7::\n"
        )
        driver.commit_config()
        routes = {(r.destination, r.prefix_length): r for r in driver.ipv6_routes()}
        assert routes[("2001:db8:8010:7::", 127)].protocol == "Direct"
        default = routes[("::", 0)]
        assert (default.protocol, default.next_hop, default.interface) == (
            "Static",
            "2001:db8:8010:7::",
            "GigabitEthernet0/0/0",
        )
        driver.rollback()
        assert [(r.destination, r.prefix_length) for r in driver.ipv6_routes()] == [("::1", 128)]
    finally:
        driver.close()
