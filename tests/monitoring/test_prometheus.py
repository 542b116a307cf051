"""The rules and dashboards against a real Prometheus scraping the exporter and the twin.

Every rule expression (recording and alerting) and every dashboard panel's query is run through
Prometheus's HTTP API: each must parse and return data. Dashboard variables are given their "All"
value (``.*``) and ``$__rate_interval`` one minute, as Grafana would.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from exporters.dashboards.build import BOARDS, panel_queries, variable_queries
from network.inventory.loader import load_inventory
from tests.helpers import ROOT
from tests.monitoring.conftest import (
    CONTENT_SITE,
    COUNTY_END,
    DEGRADED,
    FAILED_DEVICE,
    LOST_SITE,
    PROBED,
    SATURATED,
    UNREACHABLE,
    Monitored,
    free_port,
    get,
    query,
)

pytestmark = pytest.mark.slow
RULES = ROOT / "exporters" / "rules"
DASHBOARDS = ROOT / "exporters" / "dashboards"
EGOV = str(Path(sys.executable).with_name("egov"))
VARIABLES = {"$level": ".*", "$county": ".*", "$department": ".*", "$__rate_interval": "1m"}


def _rules() -> list[tuple[str, str]]:
    out = []
    for name in ("egov.rules.yml", "egov.alerts.yml"):
        for group in yaml.safe_load((RULES / name).read_text())["groups"]:
            for rule in group["rules"]:
                out.append((rule.get("record") or rule["alert"], rule["expr"]))
    return out


def _panels() -> list[tuple[str, str]]:
    out = []
    for name in BOARDS:
        board = json.loads((DASHBOARDS / name).read_text())
        out += [(f"{name}: {title}", expr) for title, expr in panel_queries(board)]
    return out


def _substituted(expr: str) -> str:
    for variable, value in VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


@pytest.mark.parametrize(("name", "expr"), _rules(), ids=[n for n, _ in _rules()])
def test_every_rule_expression_returns_data(monitored: Monitored, name: str, expr: str) -> None:
    answer = query(monitored.prometheus, expr)
    assert answer["status"] == "success"
    assert answer["data"]["result"], f"{name} returned no data"


@pytest.mark.parametrize(("panel", "expr"), _panels(), ids=[p for p, _ in _panels()])
def test_every_dashboard_query_returns_data(monitored: Monitored, panel: str, expr: str) -> None:
    answer = query(monitored.prometheus, _substituted(expr))
    assert answer["status"] == "success"
    assert answer["data"]["result"], f"{panel}: {expr} returned no data"


def test_every_dashboard_variable_has_values(monitored: Monitored) -> None:
    for name in BOARDS:
        board = json.loads((DASHBOARDS / name).read_text())
        for variable, definition in variable_queries(board):
            inside = definition.removeprefix("label_values(").removesuffix(")")
            selector, label = (part.strip() for part in inside.rsplit(",", 1))
            selector = _substituted(selector)
            values = get(
                monitored.prometheus, f"/api/v1/label/{label}/values?match[]={urllib.parse.quote(selector)}"
            )
            assert values["data"], f"{name}: ${variable} has no values"


def _result(monitored: Monitored, expr: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = query(monitored.prometheus, expr)["data"]["result"]
    return result


def test_the_lab_conditions_are_what_the_rules_see(monitored: Monitored) -> None:
    below = _result(monitored, "link:egov_link_capacity_target:ratio < 1")
    assert [(r["metric"]["link"], float(r["value"][1])) for r in below] == [(DEGRADED, 0.1)]  # 10M on 100M
    saturated = _result(monitored, "link:egov_link_utilisation:ratio_rate2m > 0.8")
    assert {r["metric"]["link"] for r in saturated} == {SATURATED}
    down = _result(monitored, "egov_device_up == 0")
    assert [r["metric"]["instance"] for r in down] == [UNREACHABLE]
    assert {r["metric"]["county"] for r in down} == {"sw-cq"}  # labels from file-based discovery
    failed = _result(monitored, 'sum(egov_rollout_devices{state="failed"})')
    assert float(failed[0]["value"][1]) == 1.0  # FAILED_DEVICE, from the journal
    # the degraded town uplink as the real snmp_exporter reads it at the county switch's end
    speed = _result(
        monitored,
        f'ifHighSpeed{{device="{COUNTY_END}"}} * on (device, ifName) group_left (link)'
        f' link_interface:egov_link_endpoint:info{{link="{DEGRADED}"}}',
    )
    assert [float(r["value"][1]) for r in speed] == [10.0]
    snmp = {r["metric"]["link"]: float(r["value"][1]) for r in _result(
        monitored, "link:egov_link_capacity_snmp_bytes_per_second:max"
    )}  # fmt: skip
    assert snmp[DEGRADED] == 1_250_000
    # links neither of whose ends snmp_exporter polls: the SSH probe is the fallback
    observed = {
        r["metric"]["link"] for r in _result(monitored, "link:egov_link_capacity_bytes_per_second:max")
    }
    assert SATURATED not in snmp and SATURATED in observed
    polled = {r["metric"]["instance"] for r in _result(monitored, 'up{job="snmp"} == 1')}
    assert polled == set(monitored.snmp_polled) and not polled & set(PROBED)
    addresses = _result(monitored, "egov_interface_ipv6_address_info")
    assert [r["metric"]["instance"] for r in addresses] == ["SW-CQ-FS-AR-01"]
    assert FAILED_DEVICE.startswith("SW-CQ-FS-")


def _value(monitored: Monitored, expr: str) -> float:
    result = _result(monitored, expr)
    assert len(result) == 1, (expr, result)
    return float(result[0]["value"][1])


def _until(monitored: Monitored, expr: str, wanted: Any, timeout: float = 90.0) -> list[dict[str, Any]]:
    """Query until ``wanted(result)`` holds (the scrapes and rule evaluations take a few seconds)."""
    deadline = time.monotonic() + timeout
    result = _result(monitored, expr)
    while not wanted(result):
        if time.monotonic() > deadline:
            raise AssertionError(f"{expr}: still {result} after {timeout:.0f} s")
        time.sleep(1)
        result = _result(monitored, expr)
    return result


def test_a_town_uplink_at_10m_seen_by_snmp_moves_the_observed_milestone(monitored: Monitored) -> None:
    """The uplink renegotiates 100M, then falls back to 10M: SNMP sees both, the observed milestone
    follows and the alerts fire; the planned milestone never moves."""
    observed = 'milestone:egov_milestone_observed_progress:ratio{milestone="m05-towns"}'
    planned = 'egov_milestone_progress_ratio{milestone="m05-towns"}'
    speed = (
        f'ifHighSpeed{{device="{COUNTY_END}"}} * on (device, ifName) group_left (link)'
        f' link_interface:egov_link_endpoint:info{{link="{DEGRADED}"}}'
    )
    below = f'ALERTS{{alertname="EgovLinkBelowTierTarget",link="{DEGRADED}",alertstate="firing"}}'
    behind = 'ALERTS{alertname="EgovMilestoneObservedBehindPlan",milestone="m05-towns",alertstate="firing"}'
    plan, degraded = _value(monitored, planned), _value(monitored, observed)
    _until(monitored, below, bool)
    monitored.fabric.conditions.link_speed.pop(DEGRADED)
    try:
        _until(monitored, speed, lambda r: r and float(r[0]["value"][1]) == 100)
        restored = float(
            _until(monitored, observed, lambda r: r and float(r[0]["value"][1]) > degraded)[0]["value"][1]
        )
        _until(monitored, below, lambda r: not r)
        assert _value(monitored, planned) == plan
    finally:
        monitored.fabric.conditions.link_speed[DEGRADED] = 10
    _until(monitored, speed, lambda r: r and float(r[0]["value"][1]) == 10)
    dropped = float(
        _until(monitored, observed, lambda r: r and float(r[0]["value"][1]) < restored)[0]["value"][1]
    )
    _until(monitored, below, bool)
    _until(monitored, behind, bool)
    assert dropped == degraded < restored <= plan == _value(monitored, planned)
    towns = _value(monitored, 'sum(max by (level, county) (egov_sites{level="town"}))')
    assert restored - dropped == pytest.approx(1 / towns)  # exactly one town fewer


def test_the_exporters_output_passes_promtool_check_metrics(monitored: Monitored) -> None:
    for path in ("/metrics", f"/probe?target={PROBED[0]}", f"/probe?target={UNREACHABLE}"):
        with urllib.request.urlopen(monitored.exporter + path, timeout=30) as answer:
            text = answer.read()
        checked = subprocess.run(
            ["promtool", "check", "metrics"], input=text, capture_output=True, check=False
        )
        assert checked.returncode == 0, (path, checked.stdout, checked.stderr)


def test_the_rules_unit_tests_pass() -> None:
    done = subprocess.run(
        ["promtool", "test", "rules", str(RULES / "tests" / "egov.test.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("egov.rules.yml", "egov.alerts.yml"):
        checked = subprocess.run(
            ["promtool", "check", "rules", str(RULES / name)], capture_output=True, check=False
        )
        assert checked.returncode == 0


def test_every_alert_has_a_runbook_and_is_unit_tested() -> None:
    tests = (RULES / "tests" / "egov.test.yml").read_text()
    for name, _ in _rules():
        if name.startswith("Egov"):
            groups = yaml.safe_load((RULES / "egov.alerts.yml").read_text())["groups"]
            rule = next(r for g in groups for r in g["rules"] if r["alert"] == name)
            assert (ROOT / rule["annotations"]["runbook_url"]).is_file(), name
            assert {"summary", "description"} <= set(rule["annotations"]), name
            assert f"alertname: {name}" in tests, f"{name} has no promtool test"
        else:
            assert name in tests, f"{name} has no promtool test"


def test_sharded_servers_split_the_probes(monitored: Monitored, tmp_path: Path) -> None:
    config = tmp_path / "shards"
    inventory = load_inventory(monitored.inventory).inventory
    hosts = {d.hostname for d in inventory.devices if d.hostname.startswith("SW-CQ-FS-")}
    subprocess.run(
        [EGOV, "monitoring", "config", str(monitored.inventory), "--out", str(config), "--shards", "2",
         "--exporter", monitored.exporter.removeprefix("http://"), "--devices", "SW-CQ-FS-*",
         "--scrape-interval", "2s", "--scrape-timeout", "2s"],
        check=True, capture_output=True,
    )  # fmt: skip
    servers, bases = [], []
    try:
        for shard in range(2):
            port = free_port()
            servers.append(
                subprocess.Popen(
                    [
                        "prometheus",
                        f"--config.file={config / f'prometheus-{shard}.yml'}",
                        f"--storage.tsdb.path={tmp_path / f'tsdb-{shard}'}",
                        f"--web.listen-address=127.0.0.1:{port}",
                        "--log.level=warn",
                    ],
                    cwd=config,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        targets = _probe_targets(bases, len(hosts))
        assert targets[0] | targets[1] == hosts  # every device is probed…
        assert not targets[0] & targets[1]  # …by one server only
        assert targets[0] and targets[1]  # and hashmod spread the 15 over both
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def _probe_targets(bases: list[str], expected: int, timeout: float = 30.0) -> list[set[str]]:
    """The probe targets each server discovered (once they add up to every probed device)."""
    targets: list[set[str]] = [set() for _ in bases]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            targets = [
                {t["labels"]["instance"] for t in get(base, "/api/v1/targets")["data"]["activeTargets"]
                 if t["labels"]["job"] == "egov_probe"}
                for base in bases
            ]  # fmt: skip
        if sum(len(t) for t in targets) == expected:
            return targets
        time.sleep(0.5)
    return targets


def test_the_services_are_measured_beside_blackbox_exporter(monitored: Monitored) -> None:
    """The exporter's ipv6_* probes and the real blackbox_exporter, scraped by the same Prometheus, agree
    where blackbox can see; m04-dns-cdn is the probes' measure; an IPv6 listener going down fires
    EgovWebsiteLostIPv6 and moves m04 down by one service."""
    ready = {
        r["metric"]["instance"] for r in _result(monitored, "max by (instance) (egov_web_ipv6_ready) == 1")
    }
    assert len(ready) == 14 and CONTENT_SITE not in ready and LOST_SITE not in ready
    blackbox = {r["metric"]["host"] for r in _result(monitored, 'probe_success{job="blackbox_http"} == 1')}
    assert blackbox == ready | {CONTENT_SITE}, "blackbox sees the page over IPv6, not that it differs"
    assert _value(monitored, 'count(probe_success{job="blackbox_dns"} == 1)') == 16  # 29 sites IPv4-only
    for alert, label in (
        ("EgovWebsiteLostIPv6", LOST_SITE), ("EgovWebsiteIPv6ContentDiffers", CONTENT_SITE),
        ("EgovCdnEdgeIPv6Down", "sw-lh-cdn"), ("EgovDnsDelegationIncomplete", "sw.gov.example"),
    ):  # fmt: skip
        _until(monitored, f'ALERTS{{alertname="{alert}",instance="{label}",alertstate="firing"}}', bool)
    passing = 14 + 0 + 2 + 3  # websites, zones (both lost ns2's IPv6), resolvers, edges
    assert _value(monitored, "city:egov_ipv6_services:ratio") == pytest.approx(passing / 53)
    observed = 'milestone:egov_milestone_progress:ratio{milestone="m04-dns-cdn"}'
    assert _value(monitored, observed) == pytest.approx(passing / 53)
    lost = 'ALERTS{alertname="EgovWebsiteLostIPv6",instance="www.sw.gov.example",alertstate="firing"}'
    portal = 'probe_success{job="blackbox_http",host="www.sw.gov.example"}'
    egov = str(Path(sys.executable).with_name("egov"))
    down = ["lab", "set-service", "www.sw.gov.example", "v6-down"]
    assert subprocess.run([egov, *down], cwd=monitored.work, capture_output=True, check=False).returncode == 0
    try:
        _until(monitored, lost, bool, timeout=120)
        _until(monitored, portal, lambda r: r and float(r[0]["value"][1]) == 0)
        _until(
            monitored, observed, lambda r: r and float(r[0]["value"][1]) == pytest.approx((passing - 1) / 53)
        )
    finally:
        subprocess.run([egov, *down, "--clear"], cwd=monitored.work, capture_output=True, check=False)
    _until(monitored, lost, lambda r: not r, timeout=120)
