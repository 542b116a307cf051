"""Benchmark: the lab twin at 1,000 devices, command latency under 50 sessions, and collection speed.

1. Start: ``python -m network.lab.serve`` on a generated province inventory limited to 1,000 devices,
   timed from launch to lab.json (inventory load included); peak RSS of that process (VmHWM). Once
   with a port per device on 127.0.0.1, once with an address per device (127.1.x.y, one port).
2. Latency: 50 concurrent interactive SSH sessions (asyncssh clients, as a PTY like netmiko opens),
   each on its own device, each sending ``display interface`` repeatedly; per command, the time from
   sending the line to the next prompt. p50 and p99.
3. Collection: interfaces (``display interface``, parsed) of every Shanwei device through the drivers'
   pool (``network.devices.collect``, 32 sessions) against a serial loop of plain netmiko sessions
   (connect, send the command, parse, disconnect) over a sample of the same devices, measured in the
   same run. The ratio compares devices per second.

Targets (issue 4, 2 cores): 1,000 devices up <= 30 s, RSS <= 1.5 GB, p50 <= 50 ms, collection >= 10x.

    python bench/lab_scale.py [--serial-sample 60] [--update-docs]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncssh
from common import generated_inventory, update_docs

from network.devices.collect import collect, targets_from_lab
from network.devices.interfaces import parse_comware_interfaces, parse_ios_interfaces, parse_vrp_interfaces
from network.devices.transport import ConnectionParams, connect

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SHANWEI = ROOT / "inventories" / "shanwei"
PASSWORD = "bench-lab-password"  # a throwaway password for a lab on loopback
PARSERS = {
    "huawei_vrp5": ("display interface", parse_vrp_interfaces),
    "huawei_vrp8": ("display interface", parse_vrp_interfaces),
    "h3c_comware7": ("display interface", parse_comware_interfaces),
    "cisco_ios": ("show interfaces", parse_ios_interfaces),
}


class RunningLab:
    """``python -m network.lab.serve`` in a child process (ended by its pid when done)."""

    def __init__(self, inventory: Path, work: Path, *extra: str) -> None:
        work.mkdir(parents=True, exist_ok=True)
        self.lab_json = work / "lab.json"
        self.lab_json.unlink(missing_ok=True)
        env = {**os.environ, "EGOV_LAB_PASSWORD": PASSWORD}
        command = [
            sys.executable,
            "-m",
            "network.lab.serve",
            str(inventory),
            "--lab-json",
            str(self.lab_json),
            *extra,
        ]
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while not self.lab_json.exists():
            if self.process.poll() is not None:
                raise RuntimeError(
                    self.process.stderr.read().decode() if self.process.stderr else "lab failed"
                )
            time.sleep(0.05)
        self.up_s = time.perf_counter() - self.started
        self.document: dict[str, Any] = json.loads(self.lab_json.read_text(encoding="utf-8"))

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


async def _latency(entries: list[dict[str, Any]], sessions: int, commands: int) -> list[float]:
    samples: list[float] = []

    async def one(entry: dict[str, Any]) -> None:
        prompt = f"<{entry['hostname']}>"
        async with asyncssh.connect(
            entry["host"], entry["port"], username="egov", password=PASSWORD, known_hosts=None
        ) as conn:
            process = await conn.create_process(term_type="vt100")
            await process.stdout.readuntil(prompt)
            for _ in range(commands):
                start = time.perf_counter()
                process.stdin.write("display interface\n")
                await process.stdout.readuntil(prompt)
                samples.append(time.perf_counter() - start)
            process.stdin.write("quit\n")

    await asyncio.gather(*(one(e) for e in entries[:sessions]))
    return samples


def _serial_netmiko(entries: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    for entry in entries:
        command, parse = PARSERS[entry["platform"]]
        params = ConnectionParams(entry["host"], entry["port"], entry["username"], entry["platform"])
        connection = connect(params, PASSWORD)
        try:
            assert parse(connection.send_command(command))
        finally:
            connection.disconnect()
    return time.perf_counter() - start


def _start_and_latency(province: Path, args: argparse.Namespace, results: dict[str, Any]) -> None:
    print("1. start 1,000 devices (a port each)", file=sys.stderr, flush=True)
    lab = RunningLab(province, OUT / "lab-ports", "--limit", str(args.devices))
    try:
        results["served"] = len(lab.document["devices"])
        results["up_s"], results["rss_mb"] = lab.up_s, lab.peak_rss_mb()
        print("2. latency, 50 sessions", file=sys.stderr, flush=True)
        vrp = [e for e in lab.document["devices"] if e["platform"].startswith("huawei")]
        samples = asyncio.run(_latency(vrp, args.sessions, args.commands))
        ordered = sorted(samples)
        results["latency_samples"] = len(samples)
        results["p50_ms"] = statistics.median(samples) * 1000
        results["p99_ms"] = ordered[int(0.99 * (len(ordered) - 1))] * 1000
        results["rss_after_sessions_mb"] = lab.peak_rss_mb()
    finally:
        lab.stop()
    print("   start 1,000 devices (an address each)", file=sys.stderr, flush=True)
    extra = ("--limit", str(args.devices), "--per-device-address", "--port", "2022")
    lab = RunningLab(province, OUT / "lab-addresses", *extra)
    try:
        results["up_addresses_s"], results["rss_addresses_mb"] = lab.up_s, lab.peak_rss_mb()
        results["distinct_addresses"] = len({e["host"] for e in lab.document["devices"]})
    finally:
        lab.stop()


def _collection(args: argparse.Namespace, results: dict[str, Any]) -> None:
    print("3. collection from every Shanwei device", file=sys.stderr, flush=True)
    lab = RunningLab(SHANWEI, OUT / "lab-shanwei")
    try:
        targets = targets_from_lab(lab.lab_json)
        start = time.perf_counter()
        collected = collect(targets, PASSWORD, workers=args.workers)
        results["collect_s"] = time.perf_counter() - start
        results["collect_devices"] = len(collected)
        results["collect_failed"] = sum(1 for c in collected if c.error)
        entries = lab.document["devices"]
        sample = entries[:: max(1, len(entries) // args.serial_sample)][: args.serial_sample]
        results["serial_devices"] = len(sample)
        results["serial_s"] = _serial_netmiko(sample)
    finally:
        lab.stop()
    results["collect_rate"] = results["collect_devices"] / results["collect_s"]
    results["serial_rate"] = results["serial_devices"] / results["serial_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--commands", type=int, default=40)
    parser.add_argument("--serial-sample", type=int, default=60)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"devices": args.devices, "workers": args.workers}
    _start_and_latency(generated_inventory("province", args.seed), args, results)
    _collection(args, results)
    (OUT / "lab_scale.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = table(results)
    print(text)
    if args.update_docs:
        update_docs("lab_scale", text)


def table(r: dict[str, Any]) -> str:
    """The results as the Markdown table docs/benchmarks.md shows."""
    ratio = r["collect_rate"] / r["serial_rate"]
    serial_all = r["collect_devices"] / r["serial_rate"]
    ok = (
        all([r["up_s"] <= 30, r["up_addresses_s"] <= 30, r["rss_mb"] <= 1536, r["p50_ms"] <= 50, ratio >= 10])
        and not r["collect_failed"]
    )
    per_session = r["latency_samples"] // 50
    rows = [
        (
            f"{r['served']:,} devices up, a port each (province inventory load included)",
            f"{r['up_s']:.1f} s",
            "<= 30 s",
        ),
        (
            f"{r['distinct_addresses']:,} devices up, an address each (127.1.x.y)",
            f"{r['up_addresses_s']:.1f} s",
            "<= 30 s",
        ),
        ("peak RSS of the lab process (1,000 devices)", f"{r['rss_mb']:.0f} MB", "<= 1,536 MB"),
        (
            f"peak RSS after 50 sessions x {per_session} commands",
            f"{r['rss_after_sessions_mb']:.0f} MB",
            "<= 1,536 MB",
        ),
        ("`display interface` latency, 50 concurrent sessions: p50", f"{r['p50_ms']:.1f} ms", "<= 50 ms"),
        (f"same, p99 ({r['latency_samples']:,} commands)", f"{r['p99_ms']:.1f} ms", ""),
        (
            f"collect interfaces of all {r['collect_devices']} Shanwei devices, a pool of {r['workers']}",
            f"{r['collect_s']:.1f} s ({r['collect_rate']:.1f}/s)",
            "",
        ),
        (
            f"serial netmiko loop over {r['serial_devices']} of them (same run)",
            f"{r['serial_s']:.1f} s ({r['serial_rate']:.2f}/s; all: ~{serial_all:.0f} s)",
            "",
        ),
        ("collection speed-up (devices per second)", f"**{ratio:.1f}x**", ">= 10x"),
    ]
    lines = ["| measure | result | target |", "|---|---:|---:|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += [
        "",
        f"Failed devices in the collection: {r['collect_failed']}. "
        f"All targets met: **{'yes' if ok else 'no'}**.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
