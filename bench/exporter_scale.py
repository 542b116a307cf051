"""Benchmark: the exporter at province scale, one probe of a twin device, and the exporter's memory.

- ``/metrics`` of a generated province-scale inventory (Guangdong-sized: ~28,000 links, ~10,000
  systems), text and OpenMetrics, through the exporter's own route (``ExporterApp.metrics``: every
  collector, the journal and ledger read, the exposition) against the baseline: client_python's own
  exposition (``generate_latest``) of the same metric families, built beforehand and registered as
  they are. Target (issue 6): <= 1.3x. The first scrape after a (re)load, which builds the intent's
  families, is reported apart.
- One ``/probe`` of a twin device over real SSH (login, ``display interface``, ``display ipv6
  interface``, logout). Target: <= 1 s. For scale: a plain netmiko session reading the same commands.
- Memory: the peak RSS of ``egov exporter serve`` on the province-scale inventory after ten scrapes.

Medians of repeated runs in the same process and machine.

    python bench/exporter_scale.py [--update-docs] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import generated_inventory, median_seconds, update_docs
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import generate_latest
from prometheus_client.openmetrics.exposition import CONTENT_TYPE_LATEST as OPENMETRICS
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

from exporters.collectors import ExporterStats
from exporters.probe import Prober
from exporters.server import ExporterApp
from exporters.source import InventorySource
from network.devices.drivers import driver_for
from network.inventory.loader import load_inventory
from network.lab.device import build_fabric
from network.lab.serve import select
from network.lab.server import Lab, run_in_thread, stop_in_thread

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-exporter-password"  # a throwaway password for a lab on loopback


class _Prebuilt:
    """The families the exporter gave, registered as they are (the baseline's input)."""

    def __init__(self, families: list[object]) -> None:
        self.families = families

    def collect(self) -> list[object]:
        return self.families


def metrics(repeat: int) -> dict[str, object]:
    inventory = generated_inventory("province", 1)
    started = time.perf_counter()
    source = InventorySource(inventory, inventory.parent / "province.state")
    loaded_in = time.perf_counter() - started
    app = ExporterApp(source, None)
    cold = median_seconds(lambda: (source.current.cache.clear(), app.metrics(None)), repeat=3)
    families = list(app.registry.collect())  # what a scrape collects, built once
    baseline = CollectorRegistry(auto_describe=False)
    baseline.register(_Prebuilt(families))  # type: ignore[arg-type]
    ours_text = median_seconds(lambda: app.metrics(None), repeat)
    base_text = median_seconds(lambda: generate_latest(baseline), repeat)
    ours_om = median_seconds(lambda: app.metrics(OPENMETRICS), repeat)
    base_om = median_seconds(lambda: generate_openmetrics(baseline), repeat)
    body = app.metrics(None).body
    samples = sum(len(f.samples) for f in families)  # type: ignore[attr-defined]
    return {
        "links": len(source.current.inventory.links), "systems": len(source.current.inventory.systems),
        "samples": samples, "bytes": len(body), "gzip": len(gzip.compress(body, 1)), "loaded": loaded_in,
        "cold": cold, "ours_text": ours_text, "base_text": base_text, "ours_om": ours_om, "base_om": base_om,
    }  # fmt: skip


def probe(repeat: int) -> dict[str, float]:
    inventory = load_inventory(ROOT / "inventories" / "shanwei").inventory
    fabric = build_fabric(inventory)
    fabric.devices = select(fabric.devices, "SW-CQ-FS-AR-01")
    lab = Lab(fabric, "egov", PASSWORD)
    loop, listeners = run_in_thread(lab)
    try:
        target = listeners[0]

        def opener(t: object, timeout: int = 30) -> object:
            driver = driver_for(target.platform)(
                target.host, "egov", PASSWORD, timeout=timeout, optional_args={"port": target.port}
            )
            driver.open()
            return driver

        source = InventorySource(ROOT / "inventories" / "shanwei", Path("/nonexistent.state"))
        prober = Prober(source, {target.hostname: target}, opener, ExporterStats())
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            answer = prober.probe(target.hostname, 10)
            times.append(time.perf_counter() - started)
            assert answer.result == "success", answer.reason
        prober.close()

        from netmiko import ConnectHandler  # noqa: PLC0415

        def plain() -> None:
            session = ConnectHandler(
                device_type="huawei", host=target.host, port=target.port, username="egov", password=PASSWORD
            )
            session.send_command("display interface")
            session.send_command("display ipv6 interface")
            session.disconnect()

        plain_median = median_seconds(plain, repeat=3)
    finally:
        stop_in_thread(lab, loop)
    return {"probe": statistics.median(times), "probe_max": max(times), "netmiko": plain_median}


def memory() -> dict[str, float]:
    inventory = generated_inventory("province", 1)
    egov = Path(sys.executable).with_name("egov")
    server = subprocess.Popen(
        [str(egov), "exporter", "serve", str(inventory), "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = line.split(" on ")[1].split("/metrics")[0]
        for _ in range(10):
            with urllib.request.urlopen(url + "/metrics", timeout=120) as answer:
                answer.read()
        status = Path(f"/proc/{server.pid}/status").read_text()
        fields = {k: v for k, _, v in (line.partition(":") for line in status.splitlines())}
        return {
            "peak_mb": int(fields["VmHWM"].split()[0]) / 1024,
            "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    m = metrics(args.repeat)
    p = probe(args.repeat)
    mem = memory()
    text_ratio = m["ours_text"] / m["base_text"]  # type: ignore[operator]
    om_ratio = m["ours_om"] / m["base_om"]  # type: ignore[operator]
    mb = 2**20
    rows = [
        ("`/metrics`, text", f"{m['ours_text']:.3f} s",
         f"client_python `generate_latest` of the same families: {m['base_text']:.3f} s",
         f"**{text_ratio:.2f}x** (target <= 1.3x)"),
        ("`/metrics`, OpenMetrics", f"{m['ours_om']:.3f} s",
         f"client_python OpenMetrics `generate_latest`: {m['base_om']:.3f} s",
         f"**{om_ratio:.2f}x** (target <= 1.3x)"),
        ("first scrape after a (re)load (builds the intent)", f"{m['cold']:.3f} s", "-", "-"),
        ("loading and validating the inventory (in the background)", f"{m['loaded']:.1f} s", "-", "-"),
        ("one `/probe` of a twin device (VRP5, 15 interfaces), real SSH",
         f"{p['probe']:.3f} s (max {p['probe_max']:.3f} s, target <= 1 s)",
         f"a plain netmiko session, same commands: {p['netmiko']:.3f} s",
         f"{p['probe'] / p['netmiko']:.2f}x"),
        ("`egov exporter serve` memory, province scale, after 10 scrapes",
         f"peak {mem['peak_mb']:.0f} MB, now {mem['rss_mb']:.0f} MB", "-", "-"),
    ]  # fmt: skip
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores. Province scale: "
        f"{m['links']:,} links, {m['systems']:,} systems; {m['samples']:,} samples, "
        f"{m['bytes'] / mb:.1f} MB of text ({m['gzip'] / mb:.1f} MB gzipped). Medians of {args.repeat}.",
        "",
        "| | ours | baseline (same run) | ratio |",
        "| --- | --- | --- | --- |",
        *(f"| {' | '.join(row)} |" for row in rows),
    ]
    text = "\n".join(lines)
    print(text)
    if args.update_docs:
        update_docs("exporter_scale", text)


if __name__ == "__main__":
    main()
