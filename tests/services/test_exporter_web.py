"""The exporter's ``/probe?module=ipv6_*`` on the real services lab, through ``egov exporter serve``."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import ROOT, SHANWEI, run_egov
from tests.services.conftest import ServicesLab

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exporter's state directory (journal, ledger, the recorded services measurement)."""
    return tmp_path_factory.mktemp("exporter-state")


@pytest.fixture(scope="module")
def exporter(services_lab: ServicesLab, state: Path) -> Iterator[str]:
    """``egov exporter serve SHANWEI --services-lab …`` on a free port; its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "egov", "exporter", "serve", str(SHANWEI), "--services-lab",
         str(services_lab.json), "--port", "0", "--state", str(state), "--probe-timeout", "20"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line + (process.stderr.read() if process.stderr else "")
        yield f"http://127.0.0.1:{found.group(1)}"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _probe(base: str, query: str, timeout: str = "10") -> Samples:
    request = urllib.request.Request(
        f"{base}/probe?{query}", headers={"X-Prometheus-Scrape-Timeout-Seconds": timeout}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read().decode("utf-8")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def test_a_website_answers_every_indicator(exporter: str) -> None:
    portal = _probe(exporter, "module=ipv6_web&target=www.sw.gov.example")
    assert _value(portal, "egov_web_ipv6_ready") == 1 and _value(portal, "egov_web_ipv6_score") >= 85
    assert (
        _value(portal, "egov_web_up", family="ipv6") == 1
        and _value(portal, "egov_web_up", family="ipv4") == 1
    )
    assert _value(portal, "egov_web_dns_record", type="AAAA") == 1
    assert (
        _value(portal, "egov_web_links", level="2") == 5
        and 0 < _value(portal, "egov_web_ipv6_links", level="2") < 5
    )
    assert (
        _value(portal, "egov_web_delegation_complete") == 1 and _value(portal, "egov_web_crawl_complete") == 1
    )
    assert _value(portal, "egov_web_phase_seconds", family="ipv6", phase="first_byte") > 0
    assert ("egov_web_ipv6_latency_ratio", (("phase", "connect"),)) in portal
    # what it cost: home page over IPv4, 3 tries over IPv6, 4 level-2 pages with an AAAA and 6 at level 3;
    # A and AAAA, the delegation (NS at the parent, SOA at 2 name servers), 2 other sites' AAAA
    assert _value(portal, "egov_web_probe_requests", protocol="https") == 1 + 3 + 4 + 6
    assert _value(portal, "egov_web_probe_requests", protocol="dns") == 2 + 3 + 2
    ipv4_only = _probe(exporter, "module=ipv6_web&target=swb.sw.gov.example")
    assert (
        _value(ipv4_only, "egov_web_ipv6_ready") == 0
        and _value(ipv4_only, "egov_web_dns_record", type="AAAA") == 0
    )
    assert (
        _value(ipv4_only, "egov_web_up", family="ipv4") == 1
        and _value(ipv4_only, "egov_web_ipv6_score") == 10
    )


def test_zones_resolvers_and_edges(exporter: str, services_lab: ServicesLab) -> None:
    zone = _probe(exporter, "module=ipv6_zone&target=sw.gov.example")
    assert (
        _value(zone, "egov_dns_zone_ipv6_complete") == 1
        and _value(zone, "egov_dns_zone_nameservers_ipv6") == 2
    )
    resolver = _probe(exporter, "module=ipv6_resolver&target=sw-dns-r1")
    assert _value(resolver, "egov_dns_resolver_up", family="ipv6") == 1
    services_lab.set_conditions(
        {"nameservers": {"ns2.sw.gov.example": ["no-ipv6"]}, "edges": {"sw-lh-cdn": ["v6-down"]}}
    )
    try:
        broken = _probe(exporter, "module=ipv6_zone&target=sw.gov.example")
        edge = _probe(exporter, "module=ipv6_cdn&target=sw-lh-cdn")
    finally:
        services_lab.set_conditions({})
    assert (
        _value(broken, "egov_dns_zone_ipv6_complete") == 0 and _value(broken, "egov_dns_zone_glue_aaaa") == 1
    )
    assert (
        _value(edge, "egov_cdn_edge_up", family="ipv6") == 0
        and _value(edge, "egov_cdn_edge_up", family="ipv4") == 1
    )
    assert (
        _value(edge, "egov_cdn_edge_sites_served", family="ipv6") == 0 and _value(edge, "egov_cdn_sites") == 2
    )


def test_a_slow_site_answers_within_the_scrape_deadline(exporter: str, services_lab: ServicesLab) -> None:
    services_lab.set_conditions({"sites": {"www.sw.gov.example": ["v6-slow"]}})
    try:
        started = time.monotonic()
        slow = _probe(exporter, "module=ipv6_web&target=www.sw.gov.example", timeout="4")
        elapsed = time.monotonic() - started
    finally:
        services_lab.set_conditions({})
    assert elapsed < 4.0, "the answer came after Prometheus would have given up"
    assert _value(slow, "egov_web_crawl_complete") == 0
    assert _value(slow, "egov_probe_duration_seconds") < 3.6


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("module=ipv6_web&target=nope.example", "not a website of the inventory"),
        ("module=ipv6_zone&target=nope.example", "not a zone of the inventory"),
        ("module=ipv6_cdn&target=nope", "not a CDN edge"),
        ("module=ipv6_smtp&target=x", "module: one of device, ipv6_web"),
        ("module=ipv6_web", "give one target"),
        ("target=SW-CORE-01", "device probes need --lab"),
    ],
)
def test_bad_probes_are_refused_with_a_reason(exporter: str, query: str, says: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{exporter}/probe?{query}", timeout=10)
    assert refused.value.code == 400 and says in refused.value.read().decode("utf-8")


def test_the_services_lab_file_must_exist(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "egov", "exporter", "serve", str(SHANWEI), "--services-lab",
         str(tmp_path / "missing.json"), "--port", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (
        run.returncode == 2 and "missing.json: no such file" in run.stderr and "Traceback" not in run.stderr
    )


def _milestone(base: str, milestone: str) -> float:
    with urllib.request.urlopen(f"{base}/metrics", timeout=30) as answer:
        text = answer.read().decode("utf-8")
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "egov_milestone_progress_ratio" and sample.labels["milestone"] == milestone:
                return float(sample.value)
    raise AssertionError(f"no progress for {milestone}")


def test_m04_is_measured_not_planned(exporter: str, services_lab: ServicesLab, state: Path) -> None:
    assert _milestone(exporter, "m04-dns-cdn") == 0.0, "nothing measured yet: nothing is ready"
    services_lab.set_conditions({"edges": {"sw-lh-cdn": ["v6-down"]}})
    try:
        checked = run_egov(
            "ipv6", "check", str(SHANWEI), "--lab", str(services_lab.json), "--record", "--state", str(state),
            "--format", "json", cwd=services_lab.directory,
        )  # fmt: skip
    finally:
        services_lab.set_conditions({})
    assert checked.returncode == 0, checked.stderr
    city = json.loads(checked.stdout)["city"]
    recorded = json.loads((state / "ipv6-services.json").read_text(encoding="utf-8"))
    assert recorded["passing"] == {"website": 16, "zone": 2, "resolver": 2, "cdn_edge": 3}
    assert recorded["measured"] == {"website": 45, "zone": 2, "resolver": 2, "cdn_edge": 4}
    assert (
        _milestone(exporter, "m04-dns-cdn")
        == pytest.approx(23 / 53)
        == pytest.approx(city["services_ratio"], abs=1e-4)
    )
    refused = run_egov(
        "ipv6", "check", str(SHANWEI), "--lab", str(services_lab.json), "--record", "--site", "www*"
    )
    assert refused.returncode == 2 and "--record measures the whole city" in refused.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def blackbox(services_lab: ServicesLab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Real blackbox_exporter on the blackbox.yml `egov monitoring config --blackbox` writes for the lab."""
    out = tmp_path_factory.mktemp("monitoring")
    listen = f"127.0.0.1:{_free_port()}"
    written = run_egov(
        "monitoring", "config", str(SHANWEI), "--out", str(out), "--blackbox", listen,
        "--services-lab", str(services_lab.json),
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "egov", "monitoring", "blackbox-exporter", str(out), "--listen", listen],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://{listen}/-/healthy", timeout=2).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (
                    "blackbox_exporter did not start"
                )
                time.sleep(0.2)
        yield {
            "base": f"http://{listen}",
            "http": json.loads((out / "targets" / "blackbox_http.json").read_text(encoding="utf-8")),
            "dns": json.loads((out / "targets" / "blackbox_dns.json").read_text(encoding="utf-8")),
        }
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _blackbox(blackbox: dict[str, Any], group: dict[str, Any]) -> float:
    query = urllib.parse.urlencode(
        {"module": group["labels"]["__param_module"], "target": group["targets"][0]}
    )
    samples = _probe(blackbox["base"], query)
    return samples[("probe_success", ())]


def test_blackbox_exporter_agrees_on_aaaa_and_the_ipv6_home_page(
    exporter: str, blackbox: dict[str, Any], services_lab: ServicesLab
) -> None:
    http = {g["labels"]["host"]: g for g in blackbox["http"]}
    dns = {g["labels"]["host"]: g for g in blackbox["dns"]}
    assert len(dns) == 45 and len(http) == 16, "every site's AAAA; the home page where IPv6 is planned"
    services_lab.set_conditions(
        {"sites": {"www.sw.gov.example": ["v6-down"], "zwfw.sw.gov.example": ["no-aaaa"]}}
    )
    try:
        for host in sorted(dns):
            ours = _probe(exporter, f"module=ipv6_web&target={host}")
            aaaa = _value(ours, "egov_web_dns_record", type="AAAA")
            assert _blackbox(blackbox, dns[host]) == aaaa, f"{host}: AAAA"
            if host in http and aaaa:  # blackbox's lab target is the listener itself, not the AAAA's
                assert _blackbox(blackbox, http[host]) == _value(ours, "egov_web_up", family="ipv6"), host
        assert _blackbox(blackbox, http["www.sw.gov.example"]) == 0, "no fallback to IPv4 on either side"
        assert _blackbox(blackbox, dns["zwfw.sw.gov.example"]) == 0
    finally:
        services_lab.set_conditions({})
