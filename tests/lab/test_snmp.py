"""The twin's SNMP agents, read by an independent manager (net-snmp's snmpget/snmpbulkwalk) over UDP.

What the agents say is checked against what the same twin prints over SSH through the drivers at the
same moment: interface names, descriptions, speeds (a degraded link included), counters, IPv6
addresses after a change, the version text. Credentials are checked by the protocol itself: a wrong
SHA key or community gets no data.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from network.devices.drivers import driver_for
from network.inventory import load_inventory
from network.inventory.model import SnmpAccess
from network.lab.conditions import Fault
from network.lab.device import Fabric, build_fabric
from network.lab.render import sys_descr, version
from network.lab.server import Lab, Listener, run_in_thread, stop_in_thread
from network.lab.snmp import SnmpSecrets
from tests.helpers import ROOT, SHANWEI

PASSWORD = "snmp-lab-password"
AUTH, PRIV, COMMUNITY = "snmp-auth-key-1", "snmp-priv-key-2", "lab-community-3"
LAB_INVENTORY = ROOT / "tests" / "fixtures" / "lab"
ACCESS = SnmpAccess(auth="env:T_AUTH", priv="env:T_PRIV")
SECRETS = SnmpSecrets.resolve(ACCESS, {"T_AUTH": AUTH, "T_PRIV": PRIV})
V3 = ["-v3", "-l", "authPriv", "-u", "egov-monitor", "-a", "SHA", "-A", AUTH, "-x", "AES", "-X", PRIV]
IFX = "1.3.6.1.2.1.31.1.1.1"
IF_NAME, IF_ALIAS, IF_HIGH_SPEED = f"{IFX}.1", f"{IFX}.18", f"{IFX}.15"
IF_HC_IN, IF_IN, SYS_UPTIME = f"{IFX}.6", "1.3.6.1.2.1.2.2.1.10", "1.3.6.1.2.1.1.3.0"


@pytest.fixture(scope="module")
def fabric() -> Fabric:
    if not shutil.which("snmpbulkwalk"):
        pytest.fail("net-snmp's tools are not installed: .ci/run installs Debian's snmp")
    return build_fabric(load_inventory(LAB_INVENTORY).inventory)


@pytest.fixture(scope="module")
def lab(fabric: Fabric) -> Iterator[dict[str, Listener]]:
    twin = Lab(fabric, "egov", PASSWORD, snmp=SECRETS)
    loop, listeners = run_in_thread(twin)
    yield {listener.hostname: listener for listener in listeners}
    stop_in_thread(twin, loop)


@pytest.fixture(autouse=True)
def no_faults(fabric: Fabric) -> Iterator[None]:
    yield
    fabric.conditions.faults.clear()
    fabric.conditions.link_speed.clear()


def snmp(tool: str, listener: Listener, *oids: str, auth: list[str] = V3, timeout: float = 2) -> str:
    """One net-snmp command against a twin's agent: numeric OIDs, values only where asked."""
    assert listener.snmp_port is not None
    agent = f"{listener.host}:{listener.snmp_port}"
    command = [tool, *auth, "-On", "-t", str(timeout), "-r", "0", agent, *oids]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    return done.stdout + done.stderr


def walk(listener: Listener, oid: str) -> dict[int, str]:
    """A column as {index: value text} (strings without their quotes)."""
    out = {}
    for line in snmp("snmpbulkwalk", listener, oid).splitlines():
        match = re.match(rf"\.{re.escape(oid)}\.(\d+) = \w+(?:\d+)?: ?(.*)$", line)
        if match:
            out[int(match.group(1))] = match.group(2).strip().strip('"')
    return out


def _driver(listener: Listener) -> object:
    driver = driver_for(listener.platform)(
        listener.host, "egov", PASSWORD, timeout=20, optional_args={"port": listener.port}
    )
    driver.open()
    return driver


def one_per_platform(fabric: Fabric) -> list[str]:
    seen: dict[str, str] = {}
    for hostname, device in sorted(fabric.devices.items()):
        seen.setdefault(device.platform, hostname)
    return sorted(seen.values())


def test_every_device_answers_on_its_own_port(lab: dict[str, Listener], fabric: Fabric) -> None:
    ports = {listener.snmp_port for listener in lab.values()}
    assert len(ports) == len(fabric.devices)
    for hostname, listener in lab.items():
        assert f'STRING: "{hostname}"' in snmp("snmpget", listener, "1.3.6.1.2.1.1.5.0")


def test_system_group_matches_display_version(lab: dict[str, Listener], fabric: Fabric) -> None:
    arcs = {"Huawei": "2011", "H3C": "25506", "Cisco": "9"}
    for hostname in one_per_platform(fabric):
        device = fabric.devices[hostname]
        answer = snmp("snmpget", lab[hostname], "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0")
        first = (version(device) if device.spec.family != "ios" else sys_descr(device)).splitlines()[0]
        assert first in answer, (hostname, answer)
        assert f"OID: .1.3.6.1.4.1.{arcs[device.spec.vendor]}." in answer, answer
        # sysUpTime and `display version`'s uptime are one clock: days agree
        ticks = int(re.search(r"Timeticks: \((\d+)\)", snmp("snmpget", lab[hostname], SYS_UPTIME)).group(1))
        days = re.search(r"(\d+) days?,", version(device) if device.spec.family != "ios" else "")
        if days:
            weeks = re.search(r"(\d+) weeks?, (\d+) days?", version(device))
            total = int(weeks.group(1)) * 7 + int(weeks.group(2)) if weeks else int(days.group(1))
            assert total == ticks // 100 // 86400


def test_interfaces_as_the_cli_names_them(lab: dict[str, Listener], fabric: Fabric) -> None:
    for hostname in one_per_platform(fabric):
        driver = _driver(lab[hostname])
        try:
            cli = driver.get_interfaces()  # type: ignore[attr-defined]
        finally:
            driver.close()  # type: ignore[attr-defined]
        names, aliases = walk(lab[hostname], IF_NAME), walk(lab[hostname], IF_ALIAS)
        speeds = walk(lab[hostname], IF_HIGH_SPEED)
        assert set(names.values()) == set(cli), hostname
        for index, name in names.items():
            assert aliases.get(index, "") == cli[name]["description"], (hostname, name)
            if cli[name]["speed"] > 0:  # NAPALM's Mbit/s; -1 where the CLI prints none
                assert int(speeds[index]) == int(cli[name]["speed"]), (hostname, name)


def test_a_degraded_link_shows_in_ifhighspeed(lab: dict[str, Listener], fabric: Fabric) -> None:
    inventory = load_inventory(LAB_INVENTORY).inventory
    link = inventory.links[0]
    end = lab[link.a.device]
    index = next(i for i, name in walk(end, IF_NAME).items() if name == link.a.interface)
    fabric.conditions.link_speed[link.id] = 10
    assert walk(end, IF_HIGH_SPEED)[index] == "10"
    fabric.conditions.link_speed.clear()
    assert int(walk(end, IF_HIGH_SPEED)[index]) == link.capacity // 10**6


def test_counters_are_the_ones_the_cli_prints(lab: dict[str, Listener], fabric: Fabric) -> None:
    inventory = load_inventory(LAB_INVENTORY).inventory
    link = inventory.links[0]
    end = lab[link.a.device]
    index = next(i for i, name in walk(end, IF_NAME).items() if name == link.a.interface)
    driver = _driver(end)
    try:
        before = driver.get_interfaces_counters()[link.a.interface]["rx_octets"]  # type: ignore[attr-defined]
        octets = int(snmp("snmpget", end, f"{IF_HC_IN}.{index}").rsplit(":", 1)[1])
        after = driver.get_interfaces_counters()[link.a.interface]["rx_octets"]  # type: ignore[attr-defined]
    finally:
        driver.close()  # type: ignore[attr-defined]
    assert 0 < before <= octets <= after


def test_the_32_bit_counter_wraps(lab: dict[str, Listener], fabric: Fabric) -> None:
    inventory = load_inventory(LAB_INVENTORY).inventory
    link = max(inventory.links, key=lambda candidate: candidate.capacity)
    end = lab[link.a.device]
    index = next(i for i, name in walk(end, IF_NAME).items() if name == link.a.interface)
    fabric.conditions.link_utilisation[link.id] = 1.0
    try:
        deadline = time.monotonic() + 60
        while True:
            answer = snmp("snmpget", end, f"{IF_HC_IN}.{index}", f"{IF_IN}.{index}")
            hc, low = (int(value) for value in re.findall(r"Counter(?:64|32): (\d+)", answer))
            if hc >= 2**32 or time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        fabric.conditions.link_utilisation.clear()
    assert hc >= 2**32, "the link did not carry 4 GiB within a minute"
    assert low < hc and abs(hc % 2**32 - low) < 2**31  # ifInOctets went round; ifHCInOctets did not


def test_a_restart_resets_uptime_and_counters(lab: dict[str, Listener], fabric: Fabric) -> None:
    hostname = one_per_platform(fabric)[0]
    end = lab[hostname]
    before = walk(end, IF_HC_IN)
    ticks = int(re.search(r"\((\d+)\)", snmp("snmpget", end, SYS_UPTIME)).group(1))
    fabric.conditions.restarts[hostname] = 1
    try:
        after = walk(end, IF_HC_IN)
        restarted = int(re.search(r"\((\d+)\)", snmp("snmpget", end, SYS_UPTIME)).group(1))
    finally:
        fabric.conditions.restarts.clear()
    assert ticks > 86400 * 100 > restarted  # days of uptime before, seconds after
    assert any(int(after[i]) < int(before[i]) for i in before if int(before[i]) > 0)


def test_wrong_credentials_get_nothing(lab: dict[str, Listener], fabric: Fabric) -> None:
    listener = lab[one_per_platform(fabric)[0]]
    wrong_key = [*V3[:-5], "wrong-auth-key", *V3[-4:]]
    assert "STRING" not in (answer := snmp("snmpget", listener, "1.3.6.1.2.1.1.5.0", auth=wrong_key))
    assert "Authentication failure" in answer or "Timeout" in answer, answer
    community = ["-v2c", "-c", "public"]
    assert "Timeout" in snmp("snmpget", listener, "1.3.6.1.2.1.1.5.0", auth=community, timeout=1)


def test_faults_timeout_and_slow_answers(lab: dict[str, Listener], fabric: Fabric) -> None:
    hostname = one_per_platform(fabric)[0]
    fabric.conditions.faults[hostname] = Fault("drop")
    assert "Timeout" in snmp("snmpget", lab[hostname], "1.3.6.1.2.1.1.5.0", timeout=1)
    fabric.conditions.faults[hostname] = Fault("slow", delay=1.5)
    started = time.monotonic()
    assert hostname in snmp("snmpget", lab[hostname], "1.3.6.1.2.1.1.5.0", timeout=5)
    assert time.monotonic() - started >= 1.5
    assert "Timeout" in snmp("snmpget", lab[hostname], "1.3.6.1.2.1.1.5.0", timeout=0.5)


def test_ipv6_addresses_appear_in_ip_mib_after_a_change(lab: dict[str, Listener], fabric: Fabric) -> None:
    hostname = "CTY-A-T1-AR-01"
    listener = lab[hostname]
    assert "2001:db8:8010:9::1".replace(":", "") not in snmp("snmpbulkwalk", listener, "1.3.6.1.2.1.4.34.1.3")
    driver = _driver(listener)
    try:
        driver.load_merge_candidate(  # type: ignore[attr-defined]
            config="ipv6\ninterface GigabitEthernet0/0/0\n ipv6 enable\n ipv6 address 2001:db8:8010:9::1/64\n"
        )
        driver.commit_config()  # type: ignore[attr-defined]
    finally:
        driver.close()  # type: ignore[attr-defined]
    index = next(i for i, name in walk(listener, IF_NAME).items() if name == "GigabitEthernet0/0/0")
    # ipAddressIfIndex.ipv6(2).16.<the 16 octets of the address> = the interface's ifIndex
    octets = ".".join(str(b) for b in bytes.fromhex("20010db8801000090000000000000001"))
    answer = snmp("snmpget", listener, f"1.3.6.1.2.1.4.34.1.3.2.16.{octets}")
    assert f"INTEGER: {index}" in answer, answer


def test_v2c_with_the_community(fabric: Fabric) -> None:
    access = SnmpAccess(version="2c", community="env:T_COMMUNITY")
    secrets = SnmpSecrets.resolve(access, {"T_COMMUNITY": COMMUNITY})
    twin = Lab(fabric, "egov", PASSWORD, snmp=secrets)
    loop, listeners = run_in_thread(twin)
    try:
        listener = listeners[0]
        good = snmp("snmpget", listener, "1.3.6.1.2.1.1.5.0", auth=["-v2c", "-c", COMMUNITY])
        bad = snmp("snmpget", listener, "1.3.6.1.2.1.1.5.0", auth=["-v2c", "-c", "public"], timeout=1)
    finally:
        stop_in_thread(twin, loop)
    assert listener.hostname in good and "Timeout" in bad


def test_secrets_are_references_and_never_shown() -> None:
    with pytest.raises(ValueError, match="reference"):
        SnmpAccess(auth="plain-secret-here", priv="env:X")
    assert AUTH not in repr(SECRETS) and PRIV not in repr(SECRETS)
    with pytest.raises(ValueError, match="at least 8"):
        SnmpSecrets.resolve(ACCESS, {"T_AUTH": "short", "T_PRIV": PRIV})


def test_one_process_serves_the_whole_shanwei_twin() -> None:
    """Every Shanwei device (868) on its own UDP port of one engine, each answering with its own name:
    no two agents share a port (as SO_REUSEADDR on UDP would let the kernel do)."""
    fabric = build_fabric(load_inventory(SHANWEI).inventory)
    twin = Lab(fabric, "egov", PASSWORD, snmp=SECRETS)
    loop, listeners = run_in_thread(twin)
    try:
        assert len({listener.snmp_port for listener in listeners}) == len(listeners) == len(fabric.devices)

        def name(listener: Listener) -> tuple[str, str]:
            answer = snmp("snmpget", listener, "1.3.6.1.2.1.1.5.0", timeout=10)
            return listener.hostname, answer.rsplit("STRING: ", 1)[-1].strip().strip('"')

        with ThreadPoolExecutor(16) as pool:
            answers = dict(pool.map(name, listeners))
    finally:
        stop_in_thread(twin, loop)
    wrong = {host: got for host, got in answers.items() if host != got}
    assert not wrong, f"{len(wrong)} agents answered for another device, e.g. {next(iter(wrong.items()))}"
