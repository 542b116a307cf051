"""The exporter's collectors, probes and server, with a fresh registry per test (client_python's way)."""

from __future__ import annotations

import gzip
import json
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from exporters.catalogue import BY_NAME, METRICS
from exporters.collectors import (
    ExporterCollector,
    ExporterStats,
    IntentCollector,
    ProgrammeCollector,
    end_of_day,
)
from exporters.probe import Prober, UnknownTarget
from exporters.server import ExporterApp, TlsFiles, serve, serve_in_thread
from exporters.source import InventorySource, InventoryUnusable
from network.devices.drivers import driver_for
from network.inventory.loader import load_inventory
from network.lab.conditions import Fault
from network.lab.device import build_fabric
from network.lab.serve import select
from network.lab.server import Lab, run_in_thread, stop_in_thread
from network.lab.systems.pki import LabCA
from network.migration.ledger import Ledger
from network.migration.lifecycle import FORWARD, State
from network.rollout.journal import Journal
from tests.helpers import SHANWEI, run_egov

INVENTORY = load_inventory(SHANWEI).inventory
PASSWORD = "exporter-test-Pw-2"


@pytest.fixture
def source(shanwei_copy: Path) -> InventorySource:
    return InventorySource(shanwei_copy, shanwei_copy.parent / "shanwei.state", interval=1)


def _registry(*collectors: object) -> CollectorRegistry:
    registry = CollectorRegistry()
    for collector in collectors:
        registry.register(collector)  # type: ignore[arg-type]
    return registry


def test_intent_follows_the_inventory(source: InventorySource) -> None:
    registry = _registry(IntentCollector(source))
    link = next(link for link in INVENTORY.links if link.id == "sw-cq-up")
    facts = INVENTORY.link_facts(link)
    assert facts is not None and facts.served is not None
    labels = {
        "link": "sw-cq-up",
        "site": facts.served.id,
        "level": "county",
        "county": "sw-cq",
        "tier": "county",
    }
    assert registry.get_sample_value("egov_link_target_bytes_per_second", labels) == 10**9 / 8
    assert (
        registry.get_sample_value("egov_link_planned_capacity_bytes_per_second", labels) == link.capacity / 8
    )
    for level in ("city", "county", "town", "village"):
        n = sum(1 for s in INVENTORY.sites if s.level.value == level)
        sampled = sum(
            s.value
            for m in registry.collect()
            if m.name == "egov_sites"
            for s in m.samples
            if s.labels["level"] == level
        )
        assert sampled == n
    milestone = INVENTORY.milestones[0]
    due = registry.get_sample_value(
        "egov_milestone_due_timestamp_seconds", {"milestone": milestone.id, "task": str(milestone.task)}
    )
    assert due == end_of_day(milestone.due)
    endpoints = [s for m in registry.collect() if m.name == "egov_link_endpoint" for s in m.samples]
    assert len(endpoints) == 2 * len(INVENTORY.links)


def test_programme_zeros_for_every_department_and_state(source: InventorySource) -> None:
    registry = _registry(ProgrammeCollector(source))
    systems = [s for m in registry.collect() if m.name == "egov_systems" for s in m.samples]
    assert len(systems) == len(INVENTORY.departments) * len(State)
    assert sum(s.value for s in systems) == len(INVENTORY.systems)
    classified = sum(1 for s in INVENTORY.systems if s.classification.value == "classified")
    retained = sum(s.value for s in systems if s.labels["state"] == "retained")
    assert retained >= classified
    assert registry.get_sample_value("egov_source_readable", {"source": "rollout"}) == 1  # absent: fine
    assert registry.get_sample_value("egov_cloud_node_ready") == 0


def test_programme_reads_the_journal_and_the_ledger(source: InventorySource) -> None:
    state = source.state_dir
    hosts = [d.hostname for d in INVENTORY.devices if d.site == "sw-cq-fs"]
    journal = Journal(state / "rollout.sqlite")
    journal.sync((h, 1) for h in hosts)
    for host in hosts:
        journal.set_state(host, "done")
    journal.close()
    system = next(s for s in INVENTORY.systems if s.migration.target.value == "cloud" and s.migration.wave)
    with Ledger(state / "migration.sqlite") as ledger:
        ledger.sync(INVENTORY.systems)
        for step in FORWARD[1 : FORWARD.index(State.CUT_OVER) + 1]:
            ledger.transition(system.id, step)
    registry = _registry(ProgrammeCollector(source))
    assert registry.get_sample_value("egov_ipv6_sites", {"level": "town", "county": "sw-cq"}) == 1
    assert (
        registry.get_sample_value(
            "egov_rollout_devices", {"state": "done", "level": "town", "county": "sw-cq"}
        )
        == 1
    )
    assert (
        registry.get_sample_value("egov_systems", {"department": system.department, "state": "cut_over"}) == 1
    )
    assert (
        registry.get_sample_value("egov_migration_wave_on_cloud", {"wave": str(system.migration.wave)}) == 1
    )
    assert registry.get_sample_value("egov_cloud_node_ready") == 1
    m09 = next(m for m in INVENTORY.milestones if m.id == "m09-systems")
    moving = sum(
        1
        for s in INVENTORY.systems
        if s.migration.target.value == "cloud"
        and s.classification.value != "classified"
        and s.migration.strategy.value != "retain"
    )
    assert registry.get_sample_value(
        "egov_milestone_progress_ratio", {"milestone": m09.id, "task": "9"}
    ) == pytest.approx(1 / moving)


def test_an_unreadable_ledger_is_reported_not_hidden(source: InventorySource) -> None:
    source.state_dir.mkdir(parents=True, exist_ok=True)
    (source.state_dir / "migration.sqlite").write_bytes(b"garbage " * 200)
    registry = _registry(ProgrammeCollector(source))
    assert registry.get_sample_value("egov_source_readable", {"source": "migration"}) == 0


def test_describe_names_every_metric_the_collectors_give(source: InventorySource) -> None:
    for collector, group in ((IntentCollector(source), "intent"), (ProgrammeCollector(source), "programme")):
        described = {m.name for m in collector.describe()}
        collected = {m.name for m in collector.collect()}
        assert collected <= described == {m.name for m in METRICS if m.group == group}


def test_a_broken_edit_keeps_the_previous_inventory(source: InventorySource) -> None:
    first = source.current
    links = source.root / "links.yaml"
    links.write_text(links.read_text().replace("capacity: 1G", "capacity: 100M", 1))
    assert not source.reload_if_changed()
    assert source.current is first and not source.reload_ok
    registry = _registry(ExporterCollector(source, ExporterStats()))
    assert registry.get_sample_value("egov_exporter_inventory_reload_success") == 0
    links.write_text(links.read_text().replace("capacity: 100M", "capacity: 1G", 1))
    assert (
        source.reload_if_changed() and source.current.generation == first.generation + 1 and source.reload_ok
    )


def test_an_invalid_inventory_is_refused_at_start(shanwei_copy: Path) -> None:
    (shanwei_copy / "devices.yaml").write_text(
        (shanwei_copy / "devices.yaml")
        .read_text()
        .replace("platform: huawei_vrp5", "platform: huawei_vrp6", 1)
    )
    with pytest.raises(InventoryUnusable, match=r"devices\.yaml"):
        InventorySource(shanwei_copy, shanwei_copy.parent / "s.state")
    done = run_egov("exporter", "serve", str(shanwei_copy))
    assert done.returncode == 2 and "D001" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def twin() -> Iterator[dict[str, object]]:
    fabric = build_fabric(INVENTORY)
    fabric.devices = select(fabric.devices, "SW-CQ-FS-V0[1-4]-CPE")
    lab = Lab(fabric, "egov", PASSWORD)
    loop, listeners = run_in_thread(lab)
    yield {"fabric": fabric, "listeners": {entry.hostname: entry for entry in listeners}}
    stop_in_thread(lab, loop)


def _prober(source: InventorySource, twin: dict[str, object], max_seconds: float = 5.0) -> Prober:
    listeners: dict[str, object] = twin["listeners"]  # type: ignore[assignment]

    def opener(target: object, timeout: int = 30) -> object:
        driver = driver_for(target.platform)(  # type: ignore[attr-defined]
            target.host,
            "egov",
            PASSWORD,
            timeout=timeout,
            optional_args={"port": target.port},  # type: ignore[attr-defined]
        )
        driver.open()
        return driver

    return Prober(source, listeners, opener, ExporterStats(), max_seconds=max_seconds)


def test_a_probe_reads_the_device_through_its_driver(
    source: InventorySource, twin: dict[str, object]
) -> None:
    prober = _prober(source, twin)
    answer = prober.probe("SW-CQ-FS-V01-CPE", 5)
    assert answer.result == "success"
    registry = _registry(_Fixed(answer.families))
    assert registry.get_sample_value("egov_device_up") == 1
    link = next(x for x in INVENTORY.links if "SW-CQ-FS-V01-CPE" in (x.a.device, x.b.device))
    end = link.a if link.a.device == "SW-CQ-FS-V01-CPE" else link.b
    assert (
        registry.get_sample_value(
            "egov_link_capacity_bytes_per_second", {"link": link.id, "interface": end.interface}
        )
        == link.capacity / 8
    )
    assert (
        registry.get_sample_value(
            "egov_interface_received_bytes_total", {"interface": end.interface, "link": link.id}
        )
        > 0
    )
    with pytest.raises(UnknownTarget, match="not a device of the inventory"):
        prober.probe("NOPE-01", 5)
    with pytest.raises(UnknownTarget, match="not reachable here"):
        prober.probe("SW-HF-CORE-01", 5)
    prober.close()


def test_a_slow_device_gives_up_0_within_the_deadline(
    source: InventorySource, twin: dict[str, object]
) -> None:
    fabric = twin["fabric"]
    fabric.conditions.faults["SW-CQ-FS-V02-CPE"] = Fault("slow", delay=4.0)  # type: ignore[attr-defined]
    prober = _prober(source, twin)
    try:
        started = time.monotonic()
        answer = prober.probe("SW-CQ-FS-V02-CPE", prober.deadline("2.5"))
        assert time.monotonic() - started < 2.5
        assert answer.result == "timeout"
        registry = _registry(_Fixed(answer.families))
        assert registry.get_sample_value("egov_device_up") == 0
        assert registry.get_sample_value("egov_probe_timed_out") == 1
        again = prober.probe("SW-CQ-FS-V02-CPE", 2.0)  # the first one still holds the device
        assert again.result == "busy"
    finally:
        fabric.conditions.faults.clear()  # type: ignore[attr-defined]
        prober.close()


def test_a_refusing_device_gives_up_0_at_once(source: InventorySource, twin: dict[str, object]) -> None:
    fabric = twin["fabric"]
    fabric.conditions.faults["SW-CQ-FS-V03-CPE"] = Fault("auth")  # type: ignore[attr-defined]
    prober = _prober(source, twin)
    try:
        answer = prober.probe("SW-CQ-FS-V03-CPE", 5)
        assert answer.result == "failure" and "authentication failed" in answer.reason
    finally:
        fabric.conditions.faults.clear()  # type: ignore[attr-defined]
        prober.close()


class _Fixed:
    def __init__(self, families: list[object]) -> None:
        self.families = families

    def collect(self) -> list[object]:
        return self.families


def test_the_deadline_follows_the_scrape_timeout(source: InventorySource, twin: dict[str, object]) -> None:
    prober = _prober(source, twin, max_seconds=10)
    assert prober.deadline("10") == 9.5
    assert prober.deadline("3") == 2.5
    assert prober.deadline("0.5") == 1.0
    assert prober.deadline(None) == 10
    assert prober.deadline("junk") == 10
    prober.close()


def test_the_server_speaks_text_openmetrics_gzip_and_mutual_tls(
    source: InventorySource, tmp_path: Path
) -> None:
    ca = LabCA(tmp_path / "pki")
    server_cert = ca.issue("localhost", ("127.0.0.1",))
    client_cert = ca.issue("prometheus", client=True)
    tls = TlsFiles(server_cert.certificate, server_cert.key, ca.path)
    server = serve(ExporterApp(source, None), "127.0.0.1", 0, tls)
    serve_in_thread(server)
    base = f"https://127.0.0.1:{server.server_address[1]}"
    context = ssl.create_default_context(cafile=str(ca.path))
    try:
        with pytest.raises((ssl.SSLError, urllib.error.URLError, ConnectionResetError)):
            urllib.request.urlopen(
                base + "/metrics", context=context, timeout=10
            ).read()  # no client certificate
        context.load_cert_chain(client_cert.certificate, client_cert.key)
        text = urllib.request.urlopen(base + "/metrics", context=context, timeout=10).read().decode()
        families = {f.name for f in text_string_to_metric_families(text)}
        assert {"egov_link_target_bytes_per_second", "egov_exporter_build_info"} <= families  # text: a gauge
        request = urllib.request.Request(
            base + "/metrics",
            headers={"Accept": "application/openmetrics-text; version=1.0.0", "Accept-Encoding": "gzip"},
        )
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            assert answer.headers["Content-Encoding"] == "gzip"
            assert answer.headers["Content-Type"].startswith("application/openmetrics-text")
            body = gzip.decompress(answer.read()).decode()
        assert body.rstrip().endswith("# EOF") and "egov_exporter_probes_total" in body
        probe = urllib.request.Request(base + "/probe?target=SW-CQ-FS-V01-CPE")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(probe, context=context, timeout=10)
        assert refused.value.code == 400  # no lab or production: probes are off
        healthy = urllib.request.urlopen(base + "/-/healthy", context=context, timeout=10).read()
        assert healthy == b"ok\n"
    finally:
        server.shutdown()
        server.server_close()


def test_every_metric_is_documented_in_docs_metrics() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text(encoding="utf-8")
    for metric in METRICS:
        assert f"`{metric.exposed}`" in docs, f"docs/metrics.md lacks {metric.exposed}"
    assert BY_NAME["egov_interface_received_bytes"].exposed == "egov_interface_received_bytes_total"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["exporter", "serve", "{inv}", "--tls-cert", "/nope.pem"], "--tls-cert and --tls-key go together"),
        (["exporter", "serve", "{inv}", "--lab", "{tmp}/lab.json"], "EGOV_LAB_PASSWORD is not set"),
        (
            ["monitoring", "config", "{inv}", "--out", "{tmp}/p", "--scrape-interval", "30"],
            "not a Prometheus duration",
        ),
        (["monitoring", "config", "{inv}", "--out", "{tmp}/p", "--lab", "{tmp}/none.json"], "none.json"),
    ],
)
def test_cli_errors(
    shanwei_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], said: str
) -> None:
    monkeypatch.delenv("EGOV_LAB_PASSWORD", raising=False)
    (tmp_path / "lab.json").write_text(json.dumps({"devices": []}))
    done = run_egov(*(a.format(inv=shanwei_copy, tmp=tmp_path) for a in args))
    assert done.returncode == 2, done.stdout + done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr


def test_monitoring_config_check_shows_the_change(shanwei_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "prometheus"
    first = run_egov("monitoring", "config", str(shanwei_copy), "--out", str(out), "--check")
    assert first.returncode == 1 and "created" in first.stdout and not out.exists()
    assert run_egov("monitoring", "config", str(shanwei_copy), "--out", str(out)).returncode == 0
    again = run_egov("monitoring", "config", str(shanwei_copy), "--out", str(out), "--check", "--shards", "2")
    assert again.returncode == 1 and "prometheus-1.yml" in again.stdout
    groups = json.loads((out / "targets" / "devices.json").read_text())
    assert len(groups) == len(INVENTORY.devices)
    assert groups[0]["labels"].keys() == {"site", "level", "county", "platform", "role"}


def test_the_committed_dashboards_are_what_the_code_builds() -> None:
    done = run_egov("monitoring", "dashboards", "--check")
    assert done.returncode == 0, done.stdout


def test_metrics_and_probes_are_served_by_client_pythons_wsgi_app(
    source: InventorySource, twin: dict[str, object]
) -> None:
    """Content negotiation is client_python's: gzip where Accept-Encoding names the coding (as a token, in
    any case: ``GZIP`` too, which a substring match would miss), name[] filters, OPTIONS; probes alike."""
    prober = _prober(source, twin)
    server = serve(ExporterApp(source, prober), "127.0.0.1", 0)
    serve_in_thread(server)
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def get(path: str, **headers: str) -> tuple[dict[str, str], bytes]:
        request = urllib.request.Request(base + path, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return dict(answer.headers), answer.read()

    try:
        headers, body = get("/metrics", **{"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in headers and b"egov_link_target_bytes_per_second" in body
        headers, body = get("/metrics", **{"Accept-Encoding": "br, GZIP"})
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).startswith(b"# HELP")
        _, body = get("/metrics?name[]=egov_cloud_node_ready")
        assert [f.name for f in text_string_to_metric_families(body.decode())] == ["egov_cloud_node_ready"]
        headers, body = get(
            "/probe?target=SW-CQ-FS-V01-CPE",
            Accept="application/openmetrics-text; version=1.0.0",
            **{"Accept-Encoding": "gzip"},
        )
        text = gzip.decompress(body).decode()
        assert headers["Content-Type"].startswith("application/openmetrics-text") and text.endswith("# EOF\n")
        assert "egov_device_up 1.0" in text
        options = urllib.request.Request(base + "/metrics", method="OPTIONS")
        with urllib.request.urlopen(options, timeout=10) as answer:
            assert answer.headers["Allow"] == "OPTIONS,GET"
        with pytest.raises(urllib.error.HTTPError) as missing:
            get("/nowhere")
        assert missing.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
        prober.close()


def test_the_ledgers_chain_is_exported_and_an_edit_shows(source: InventorySource) -> None:
    import sqlite3  # noqa: PLC0415

    state = source.state_dir
    system = next(s for s in INVENTORY.systems if s.migration.target.value == "cloud" and s.migration.wave)
    with Ledger(state / "migration.sqlite") as ledger:
        ledger.sync(INVENTORY.systems)
        ledger.transition(system.id, State.ASSESSED)
        events = ledger.count()
    registry = _registry(ProgrammeCollector(source))
    assert registry.get_sample_value("egov_migration_ledger_events") == events
    assert registry.get_sample_value("egov_migration_ledger_chain_findings") == 0
    assert registry.get_sample_value("egov_migration_ledger_signed_events") == 0
    db = sqlite3.connect(state / "migration.sqlite")  # someone edits the file behind the ledger's back
    db.executescript("DROP TRIGGER events_append_only_update; UPDATE events SET detail = 'x' WHERE seq = 1;")
    db.commit()
    db.close()
    assert _registry(ProgrammeCollector(source)).get_sample_value("egov_migration_ledger_chain_findings") == 1
