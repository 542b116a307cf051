"""The rollout engine against the lab twin over real SSH: one county end to end, then with faults.

The county is 华侨管理区 (sw-hq, the smallest): the canary and the city first (its uplink peers), then
its core, towns and villages. Afterwards the devices are read back through the drivers — not the
journal — and their IPv6 state compared with the address plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from network.devices.collect import Target
from network.devices.drivers import driver_for
from network.lab.conditions import Fault
from network.lab.device import Fabric, build_fabric
from network.lab.server import Lab, run_in_thread, stop_in_thread
from network.rollout.context import Context, load_context
from network.rollout.engine import Engine
from network.rollout.journal import DONE, FAILED, PENDING, ROLLED_BACK, Journal, config_hash
from network.rollout.waves import WavePlan, plan_waves
from tests.helpers import SHANWEI

PASSWORD = "rollout-lab-password"  # a throwaway password for a lab on loopback
COUNTY = "sw-hq"


@pytest.fixture(scope="module")
def context() -> Context:
    return load_context(SHANWEI)


@pytest.fixture(scope="module")
def waves(context: Context) -> list[int]:
    """The waves that take the city and the county, in order."""
    plan = plan_waves(context.inventory, context.config)
    return [w.number for w in plan.waves if w.name in ("canary", "city") or f"({COUNTY})" in w.name]


def _hosts(context: Context, waves: list[int]) -> set[str]:
    plan = plan_waves(context.inventory, context.config)
    return {h for w in plan.waves if w.number in waves for h in w.hostnames}


class Twin:
    """A lab of the county's devices (and the city's), with its fabric, targets and a driver opener."""

    def __init__(self, context: Context, hosts: set[str]) -> None:
        self.fabric: Fabric = build_fabric(context.inventory)
        self.fabric.devices = {h: d for h, d in self.fabric.devices.items() if h in hosts}
        self.fabric.conditions.dad_seconds = 0.3
        self.lab = Lab(self.fabric, "egov", PASSWORD)
        self.loop, listeners = run_in_thread(self.lab)
        self.targets = {x.hostname: Target(x.hostname, x.host, x.port, x.platform, "egov") for x in listeners}

    def open(self, target: Target) -> Any:
        driver = driver_for(target.platform)(
            target.host,
            "egov",
            PASSWORD,
            timeout=10,
            optional_args={"port": target.port, "name": target.hostname},
        )
        driver.open()
        return driver

    def running(self, hostname: str) -> str:
        driver = self.open(self.targets[hostname])
        try:
            return str(driver.running_config())
        finally:
            driver.close()

    def close(self) -> None:
        stop_in_thread(self.lab, self.loop)


@pytest.fixture
def twin(context: Context, waves: list[int]) -> Iterator[Twin]:
    lab = Twin(context, _hosts(context, waves))
    yield lab
    lab.close()


def _engine(context: Context, twin: Twin, journal_dir: Path, plan: WavePlan | None = None) -> Engine:
    journal = Journal(journal_dir / "rollout.sqlite")
    plan = plan or plan_waves(context.inventory, context.config)
    return Engine(context, plan, journal, twin.targets, twin.open, workers=8, postcheck_seconds=5)


def test_one_county_rolled_out_matches_the_plan(
    context: Context, waves: list[int], twin: Twin, tmp_path: Path
) -> None:
    engine = _engine(context, twin, tmp_path)
    ipv4_before = {h: _ipv4(twin, h) for h in ("SW-HQ-CORE-01", "SW-CORE-01")}
    for number in waves:
        result = engine.run(number)
        assert not result.failed(), [(o.hostname, o.reason) for o in result.failed()]
    hosts = _hosts(context, waves)
    platforms = {context.inventory.device_by_hostname[h].platform for h in hosts}
    assert {"huawei_vrp8", "huawei_vrp5", "h3c_comware5", "h3c_comware7"} <= platforms, (
        "every kind rolled out"
    )
    records = {r.hostname: r for r in engine.journal.devices() if r.hostname in hosts}
    assert {r.state for r in records.values()} == {DONE}
    for hostname in sorted(hosts):  # read back from the devices, not from the journal
        intent = context.intents.build(hostname)
        driver = twin.open(twin.targets[hostname])
        try:
            present = {
                (a.interface, a.address, a.prefix_length, a.state)
                for a in driver.addresses()
                if a.family == 6
            }
            assert config_hash(driver.running_config()) == records[hostname].hash_after
        finally:
            driver.close()
        wanted = {(i, a, n, "preferred") for i, a, n in intent.addresses}
        assert present == wanted, hostname
    assert {h: _ipv4(twin, h) for h in ipv4_before} == ipv4_before, "IPv4 untouched"
    again = engine.run()  # nothing left to do in these waves: done devices are never changed twice
    assert not [o for o in again.outcomes if o.hostname in hosts]
    engine.journal.close()


def _ipv4(twin: Twin, hostname: str) -> set[str]:
    driver = twin.open(twin.targets[hostname])
    try:
        return {f"{a.interface} {a.address}" for a in driver.addresses() if a.family == 4}
    finally:
        driver.close()


def test_faults_leave_each_failed_device_as_it_was(
    context: Context, waves: list[int], twin: Twin, tmp_path: Path
) -> None:
    engine = _engine(context, twin, tmp_path)
    plan = plan_waves(context.inventory, context.config)
    by_number = {w.number: w for w in plan.waves}
    core, towns, villages = (by_number[n] for n in waves[2:5])

    def peers(hostname: str) -> set[str]:
        return {link.peer for link in context.intents.build(hostname).links}

    dropped = next(  # a VRP8 core device that some town does not hang off
        h
        for h in core.hostnames
        if twin.fabric.devices[h].platform == "huawei_vrp8"
        and any(h not in peers(t) for t in towns.hostnames)
    )
    slow = next(h for h in towns.hostnames if dropped not in peers(h))
    served = [h for h in villages.hostnames if not peers(h) & {dropped, slow}]
    failing_save = next(h for h in served if twin.fabric.devices[h].platform == "huawei_vrp5")
    wrong = next(h for h in served if twin.fabric.devices[h].platform == "huawei_vrp5" and h != failing_save)
    blocked = [
        h for h in villages.hostnames if peers(h) & {h2 for h2 in towns.hostnames if dropped in peers(h2)}
    ]
    twin.fabric.devices[wrong].platform = "huawei_vrp8"  # the device runs VRP8; the inventory says VRP5
    conditions = twin.fabric.conditions
    conditions.faults = {
        dropped: Fault("drop-commit"),
        slow: Fault("slow", delay=0.05),
        failing_save: Fault("commit-fail"),
    }
    before = {h: twin.running(h) for h in (dropped, failing_save, wrong)}
    for number in waves[:5]:
        engine.run(number)
    records = {r.hostname: r for r in engine.journal.devices()}
    assert records[slow].state == DONE, records[slow].reason
    assert records[dropped].state == ROLLED_BACK and "closed the session" in (records[dropped].reason or "")
    assert records[wrong].state == FAILED and "runs huawei_vrp8, the inventory says huawei_vrp5" in (
        records[wrong].reason or ""
    )
    assert records[failing_save].state == FAILED and "save" in (records[failing_save].reason or "")
    conditions.faults = {}
    for hostname, text in before.items():  # byte for byte, read from the device
        assert config_hash(twin.running(hostname)) == config_hash(text), hostname
        assert records[hostname].hash_before in (None, config_hash(text))
    steps = engine.journal.steps(dropped)
    assert [s[3] for s in steps] == ["precheck", "push", "rollback"]
    for hostname in blocked:  # behind the failed core: never touched, kept pending with the reason
        assert records[hostname].state == PENDING and dropped in (records[hostname].reason or "")
    engine.journal.close()


def test_max_fail_percentage_stops_the_wave(
    context: Context, waves: list[int], twin: Twin, tmp_path: Path
) -> None:
    engine = _engine(context, twin, tmp_path)
    plan = plan_waves(context.inventory, context.config)
    villages = next(w for w in plan.waves if w.number == waves[4])
    for number in waves[:4]:
        assert not engine.run(number).failed()
    refused = villages.hostnames[:6]  # 6 of 33 is more than the wave's 10 %
    twin.fabric.conditions.faults = {h: Fault("auth") for h in refused}
    result = engine.run(villages.number)
    assert result.stopped_wave == villages.number
    states = {r.hostname: r.state for r in engine.journal.devices() if r.hostname in villages.hostnames}
    assert sum(1 for s in states.values() if s == FAILED) >= 4
    assert PENDING in states.values(), "the wave stopped before taking every device"
    engine.journal.close()
