"""A monitored lab for the Prometheus tests: the twin, the exporter (a real process), real Prometheus.

The inventory is a copy of Shanwei's, with wave 4's deadline moved into the future so that a wave can
be *behind schedule* (the plan's own dates have all passed). Its state directory holds a rollout
journal (凤山街道's devices done, one failed) and a migration ledger (a few systems cut over), written
through the toolkit's own Journal and Ledger. The lab serves 凤山街道's devices with a town uplink that
negotiated 10M (below its 100M tier), a village link at 100 % (saturated), and a CPE that refuses
logins (unreachable); one device gets an IPv6 address through its driver. The twin answers SNMPv3
(authPriv, SHA/AES, the inventory's city.snmp with its secrets in the environment) and the real
snmp_exporter (Debian's, started through `egov monitoring snmp-exporter` with the snmp.yml `egov
monitoring config --snmp-exporter` wrote) polls the county aggregation switch at the far end of the
degraded town uplink and the village CPEs that are not probed; the town router and the probed CPEs are
read only by the SSH ``/probe`` (the fallback for devices without SNMP). The rules' ``for:`` durations
are shortened in this copy of the rules so that alerts fire within the test. A second exporter address
that nothing listens on stands for a down exporter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from exporters.config import snmp_targets
from network.addressing.lock import read_lock
from network.addressing.prefixes import text
from network.devices.drivers import driver_for
from network.inventory import Inventory
from network.inventory.loader import load_inventory
from network.lab.conditions import Fault
from network.lab.device import Fabric, build_fabric
from network.lab.serve import lab_entries, select
from network.lab.server import Lab, Listener, run_in_thread, stop_in_thread
from network.lab.snmp import SnmpSecrets
from network.migration.ledger import Ledger
from network.migration.lifecycle import FORWARD, State
from network.rollout.journal import Journal
from tests.helpers import SHANWEI, copy_inventory

PASSWORD = "monitoring-test-Pw-9"
SNMP_ENV = {"EGOV_SNMP_AUTH": "monitoring-auth-Key-1", "EGOV_SNMP_PRIV": "monitoring-priv-Key-2"}
PROBED = ("SW-CQ-FS-AR-01", "SW-CQ-FS-V01-CPE", "SW-CQ-FS-V02-CPE", "SW-CQ-FS-V10-CPE")
DEGRADED, SATURATED, UNREACHABLE = "sw-cq-fs-up", "sw-cq-fs-v01-up", "SW-CQ-FS-V02-CPE"
COUNTY_END = "SW-CQ-AGG-01"  # the degraded town uplink's far end: polled by snmp_exporter
FAILED_DEVICE = "SW-CQ-FS-V05-CPE"
SHORT_FOR = "5s"  # every alert's `for:` in this test's copy of the rules
# The services lab's standing conditions, so that every services alert has something to say: both zones
# lose an IPv6 name server, a site serves other content over IPv6, a CDN edge loses IPv6; and one site
# ready at first loses its IPv6 listener once Prometheus has seen it ready.
SERVICE_CONDITIONS = (
    ("ns2.sw.gov.example", "no-ipv6"), ("kjj.sw.gov.example", "v6-content"), ("sw-lh-cdn", "v6-down"),
)  # fmt: skip
CONTENT_SITE, LOST_SITE = "kjj.sw.gov.example", "swuj.sw.gov.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def query(base: str, expr: str) -> dict[str, Any]:
    """One instant query through Prometheus's HTTP API."""
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=30) as answer:
        document: dict[str, Any] = json.loads(answer.read())
    return document


def get(base: str, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(base + path, timeout=30) as answer:
        document: dict[str, Any] = json.loads(answer.read())
    return document


@dataclass
class Monitored:
    """The running pieces: the inventory copy, the exporter's URL, Prometheus's URL, the config dir."""

    inventory: Path
    exporter: str
    prometheus: str
    config: Path
    fabric: Fabric
    snmp_polled: tuple[str, ...]
    snmp_exporter: str
    work: Path  # holds services-lab.json: `egov lab set-service` runs here


def _state(inventory: Path) -> None:
    loaded = load_inventory(inventory).inventory
    state = inventory.parent / f"{inventory.name}.state"
    journal = Journal(state / "rollout.sqlite")
    hosts = [d.hostname for d in loaded.devices if d.hostname.startswith("SW-CQ-FS-")]
    journal.sync((host, 3) for host in hosts)
    for host in hosts:
        journal.set_state(host, "failed" if host == FAILED_DEVICE else "done", "postcheck", "test")
    journal.close()
    with Ledger(state / "migration.sqlite", actor="monitoring-test") as ledger:
        ledger.sync(loaded.systems)
        moving = [s.id for s in loaded.systems if ledger.record(s.id).state is State.NOT_STARTED][:6]
        for system in moving[:4]:
            for step in FORWARD[1 : FORWARD.index(State.CUT_OVER) + 1]:
                ledger.transition(system, step, detail="monitoring test")
        ledger.transition(moving[4], State.ASSESSED, detail="monitoring test")


def _ipv6_on_one_device(listeners: dict[str, Any], inventory: Path) -> None:
    lock = read_lock(inventory / "allocations.lock.yaml")
    assert lock is not None
    address = text(lock.links["sw-cq-fs-v10-up"], 127).split("/")[0]
    listener = listeners["SW-CQ-FS-AR-01"]
    driver = driver_for(listener.platform)(
        listener.host, "egov", PASSWORD, timeout=20, optional_args={"port": listener.port}
    )
    driver.open()
    try:
        driver.load_candidate(
            f"ipv6\ninterface GigabitEthernet0/0/10\n ipv6 enable\n ipv6 address {address}/127\n",
            replace=False,
        )
        driver.commit()
    finally:
        driver.close()


def _snmp_polled(fabric: Fabric) -> tuple[str, ...]:
    """The devices snmp_exporter polls: every lab device but the ones the SSH probe reads."""
    return tuple(sorted(set(fabric.devices) - set(PROBED)))


def _twin(loaded: Inventory) -> Lab:
    """凤山街道 and the county switch, one town uplink at 10M, one village link full, one CPE refusing."""
    fabric = build_fabric(loaded)
    fabric.devices = {**select(fabric.devices, "SW-CQ-FS-*"), COUNTY_END: fabric.devices[COUNTY_END]}
    fabric.conditions.link_speed[DEGRADED] = 10
    fabric.conditions.link_utilisation[SATURATED] = 1.0
    fabric.conditions.faults[UNREACHABLE] = Fault("auth")
    assert loaded.city is not None and loaded.city.snmp is not None
    return Lab(fabric, "egov", PASSWORD, snmp=SnmpSecrets.resolve(loaded.city.snmp, SNMP_ENV))


def _adjust(config: Path, loaded: Inventory, fabric: Fabric, listeners: list[Listener]) -> tuple[str, ...]:
    """snmp_exporter polls the devices the probes do not read (`--devices` chose the probed ones), and
    the alerts' `for:` is short enough to see them fire."""
    polled = _snmp_polled(fabric)
    agents = {e.hostname: f"{e.host}:{e.snmp_port}" for e in listeners if e.snmp_port is not None}
    (config / "targets" / "snmp.json").write_text(
        json.dumps(snmp_targets(loaded, polled, agents)), encoding="utf-8"
    )
    alerts = config / "rules" / "egov.alerts.yml"
    alerts.write_text(re.sub(r"for: \d+[smh]", f"for: {SHORT_FOR}", alerts.read_text()), encoding="utf-8")
    return polled


def _wait_http(url: str, process: subprocess.Popen[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended: {process.stderr.read() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _inventory(work: Path) -> Path:
    """Shanwei's copy, wave 4 due in the future, with a journal and a ledger."""
    inventory = copy_inventory(SHANWEI, work / "shanwei")
    systems = inventory / "systems.yaml"
    systems.write_text(
        systems.read_text().replace("wave: 4, deadline: 2020-06-30", "wave: 4, deadline: 2027-06-30")
    )
    _state(inventory)
    return inventory


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Monitored]:
    if not shutil.which("prometheus") or not shutil.which("promtool"):
        pytest.fail("Prometheus is not installed: .ci/run installs Debian's prometheus")
    work = tmp_path_factory.mktemp("monitoring")
    inventory = _inventory(work)
    loaded = load_inventory(inventory).inventory
    twin = _twin(loaded)
    fabric = twin.fabric
    loop, listeners = run_in_thread(twin)
    processes: list[subprocess.Popen[str]] = []
    try:
        by_host = {entry.hostname: entry for entry in listeners}
        _ipv6_on_one_device(by_host, inventory)
        lab_json = work / "lab.json"
        lab_json.write_text(json.dumps({"pid": os.getpid(), "devices": lab_entries(listeners)}))
        env = {**os.environ, "EGOV_LAB_PASSWORD": PASSWORD, **SNMP_ENV}
        egov = str(Path(sys.executable).with_name("egov"))
        services_lab = _services_lab(egov, work, env, inventory)
        exporter = subprocess.Popen(
            [egov, "exporter", "serve", str(inventory), "--lab", str(lab_json), "--port", "0",
             "--probe-timeout", "3", "--reload-interval", "1", "--services-lab", str(services_lab)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        processes.append(exporter)
        assert exporter.stdout is not None
        first = exporter.stdout.readline()
        assert "serving" in first, first + (exporter.stderr.read() if exporter.poll() is not None else "")
        exporter_url = first.split(" on ")[1].split("/metrics")[0]
        down = f"127.0.0.1:{free_port()}"  # an exporter of the pair that is not running
        config = work / "prometheus"
        snmp_exporter = f"127.0.0.1:{free_port()}"
        blackbox = f"127.0.0.1:{free_port()}"
        subprocess.run(
            [egov, "monitoring", "config", str(inventory), "--out", str(config),
             "--exporter", exporter_url.removeprefix("http://"), "--exporter", down, "--lab", str(lab_json),
             *(arg for host in PROBED for arg in ("--devices", host)),
             "--snmp-exporter", snmp_exporter, "--snmp-ip-interval", "2s",
             "--blackbox", blackbox, "--services-lab", str(services_lab), "--services-interval", "10s",
             "--scrape-interval", "2s", "--scrape-timeout", "2s"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        polled = _adjust(config, loaded, fabric, listeners)
        snmp = subprocess.Popen(
            [egov, "monitoring", "snmp-exporter", str(config), "--listen", snmp_exporter],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        processes.append(snmp)  # the same pid becomes snmp_exporter
        _wait_http(f"http://{snmp_exporter}/", snmp)
        processes.append(_blackbox(egov, config, blackbox, env))
        storage = work / "tsdb"
        port = free_port()
        prometheus = subprocess.Popen(
            ["prometheus", f"--config.file={config / 'prometheus.yml'}", f"--storage.tsdb.path={storage}",
             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=config,
        )  # fmt: skip
        processes.append(prometheus)
        base = f"http://127.0.0.1:{port}"
        _wait_for_data(base, prometheus)
        _lose_ipv6(egov, work, env, base, prometheus)
        yield Monitored(inventory, exporter_url, base, config, fabric, polled, snmp_exporter, work)
    finally:
        subprocess.run([egov, "lab", "down"], cwd=work, capture_output=True, check=False, env=env)
        for process in processes:  # only what this fixture started, by its handle
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        stop_in_thread(twin, loop)


def _services_lab(egov: str, work: Path, env: dict[str, str], inventory: Path) -> Path:
    """The city's websites, zones, resolvers and CDN edges: the real services lab, its standing conditions."""
    services = subprocess.run(
        [egov, "lab", "up", str(inventory), "--services", "--no-devices", "--detach"],
        cwd=work, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert services.returncode == 0, services.stdout + services.stderr
    for target, condition in SERVICE_CONDITIONS:
        _set_service(egov, work, env, target, condition)
    return work / "services-lab.json"


def _blackbox(egov: str, config: Path, listen: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """The real blackbox_exporter on the blackbox.yml written for the services lab (the same pid)."""
    prober = subprocess.Popen(
        [egov, "monitoring", "blackbox-exporter", str(config), "--listen", listen],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        _wait_http(f"http://{listen}/-/healthy", prober)
    except RuntimeError:
        prober.terminate()
        raise
    return prober


def _lose_ipv6(
    egov: str, work: Path, env: dict[str, str], base: str, prometheus: subprocess.Popen[str]
) -> None:
    """LOST_SITE, seen ready until now, loses its IPv6 listener (EgovWebsiteLostIPv6 has its case)."""
    _set_service(egov, work, env, LOST_SITE, "v6-down")
    _wait_for_data(base, prometheus, {f'count(egov_web_up{{instance="{LOST_SITE}",family="ipv6"}} == 0)': 1})


def _set_service(egov: str, work: Path, env: dict[str, str], target: str, condition: str) -> None:
    """`egov lab set-service TARGET CONDITION` on the services lab in ``work``."""
    done = subprocess.run(
        [egov, "lab", "set-service", target, condition], cwd=work, capture_output=True, text=True, env=env,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def _wait_for_data(
    base: str, prometheus: subprocess.Popen[str], only: dict[str, int] | None = None, timeout: float = 240.0
) -> None:
    """Until every probe target has been scraped and the rate-based rules have values (or ``only``)."""
    wanted = only or {
        'count(up{job="egov_probe"} == 1)': len(PROBED),
        'count(up{job="egov"} == 1)': 1,
        "count(link:egov_link_bytes_probe:rate2m)": 1,
        "count(link:egov_link_bytes_snmp:rate2m)": 1,
        'count(up{job="snmp"} == 1)': 1,
        # rate() divides by its whole 2-minute window: a full link reads above 80 % after about 100 s.
        "count(link:egov_link_utilisation:ratio_rate2m > 0.8)": 1,
        "count(wave:egov_migration_on_cloud:deriv1d)": 1,
        "count(rate(egov_exporter_probes_total[1m]) > 0)": 1,
        "count(egov_web_ipv6_ready)": 45,
        'count(probe_success{job="blackbox_dns"})': 45,
        'count(probe_success{job="blackbox_http"})': 16,
        "count(egov_cdn_edge_up)": 8,
        "count(milestone:egov_milestone_observed_progress:ratio)": 4,
    }
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        if prometheus.poll() is not None:
            raise RuntimeError(f"prometheus stopped: {prometheus.stderr.read() if prometheus.stderr else ''}")
        try:
            last = {expr: query(base, expr)["data"]["result"] for expr in wanted}
        except OSError:
            time.sleep(0.5)
            continue
        if all(
            r and float(r[0]["value"][1]) >= n
            for (expr, n), r in zip(wanted.items(), last.values(), strict=True)
        ):
            return
        time.sleep(1)
    raise AssertionError(f"Prometheus did not get the data within {timeout:.0f} s: {last}")
