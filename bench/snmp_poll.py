"""Benchmark: one full poll of every Shanwei twin device's interfaces, by SNMP and by SSH, same lab.

The whole Shanwei twin (868 devices) runs as one process (``python -m network.lab.serve --snmp``):
every device answers SSH and SNMPv3 authPriv (SHA/AES) on loopback. Then, in the same run:

- **SNMP**: the real snmp_exporter (Debian's, started by ``egov monitoring snmp-exporter`` on the
  ``snmp.yml`` that ``egov monitoring config --snmp-exporter --lab`` wrote) is asked
  ``/snmp?module=if_mib&target=…`` for every device, as Prometheus's snmp job would;
- **SSH** (the baseline): the egov exporter is asked ``/probe?target=…`` for every device: a login,
  ``display interface`` and ``display ipv6 interface``, a logout per device.

Both with the same client concurrency. Reported: wall time of the full poll (median of the runs),
device sessions opened (SSH logins; SNMP opens none: each request is a datagram), SNMP PDUs sent,
the lab's CPU seconds per poll (what the devices spend answering), and peak memory (VmHWM) of the
lab, snmp_exporter and the egov exporter. Goal (issue 15): the SNMP poll fits in one 15 s scrape
interval on 2 cores and is at least 10x faster than the SSH probes.

    python bench/snmp_poll.py [--update-docs] [--repeat 3] [--ssh-repeat 1] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import update_docs

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ROOT / "inventories" / "shanwei"
EGOV = str(Path(sys.executable).with_name("egov"))
# throwaway secrets for a lab on loopback
ENV = {"EGOV_LAB_PASSWORD": "bench-snmp-poll-Pw1", "EGOV_SNMP_AUTH": "bench-auth-Key-1",
       "EGOV_SNMP_PRIV": "bench-priv-Key-2"}  # fmt: skip


def _free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status(pid: int, field: str) -> int:
    """A /proc/PID/status field in kB (VmHWM: peak resident memory)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _wait(predicate: object, what: str, process: subprocess.Popen[str], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if process.poll() is not None:
            raise RuntimeError(f"{what}: the process ended ({process.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready within {timeout:.0f} s")
        time.sleep(0.2)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except OSError:
        return False


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as answer:
        return str(answer.read().decode())


def _poll(urls: list[str], concurrency: int, check: str) -> tuple[float, list[str]]:
    """Fetch every URL with ``concurrency`` clients: the wall time, the bodies (each must hold ``check``)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        bodies = list(pool.map(_get, urls))
    seconds = time.perf_counter() - started
    failed = [url for url, body in zip(urls, bodies, strict=True) if check not in body]
    if failed:
        raise RuntimeError(f"{len(failed)} answers without {check!r}, e.g. {failed[0]}")
    return seconds, bodies


def _sample(body: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines() if line.startswith(name + " "))


def main() -> None:  # noqa: PLR0915 - one benchmark, told in order
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="SNMP polls (median)")
    parser.add_argument("--ssh-repeat", type=int, default=1, help="SSH polls (median)")
    parser.add_argument("--concurrency", type=int, default=32, help="clients polling at once, both ways")
    args = parser.parse_args()
    env = {**os.environ, **ENV}
    processes: list[subprocess.Popen[str]] = []
    with TemporaryDirectory(prefix="egov-snmp-bench-") as work:
        here = Path(work)
        try:
            started = time.perf_counter()
            lab = subprocess.Popen(
                [sys.executable, "-m", "network.lab.serve", str(INVENTORY), "--snmp",
                 "--lab-json", str(here / "lab.json")],
                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                text=True,
            )  # fmt: skip
            processes.append(lab)
            _wait((here / "lab.json").exists, "the lab", lab)
            lab_start = time.perf_counter() - started
            devices = json.loads((here / "lab.json").read_text())["devices"]
            snmp_address = f"127.0.0.1:{_free_port()}"
            subprocess.run(
                [EGOV, "monitoring", "config", str(INVENTORY), "--out", str(here / "prom"), "--lab",
                 str(here / "lab.json"), "--snmp-exporter", snmp_address],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            snmp = subprocess.Popen(
                [EGOV, "monitoring", "snmp-exporter", str(here / "prom"), "--listen", snmp_address],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
            )  # fmt: skip
            processes.append(snmp)
            _wait(lambda: _answers(f"http://{snmp_address}/"), "snmp_exporter", snmp)
            exporter = subprocess.Popen(
                [EGOV, "exporter", "serve", str(INVENTORY), "--lab", str(here / "lab.json"), "--port", "0",
                 "--probe-timeout", "60"],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            )  # fmt: skip
            processes.append(exporter)
            assert exporter.stdout is not None
            base = exporter.stdout.readline().split(" on ")[1].split("/metrics")[0]

            snmp_urls = [f"http://{snmp_address}/snmp?module=if_mib&target={d['host']}:{d['snmp_port']}"
                         for d in devices]  # fmt: skip
            probe_urls = [f"{base}/probe?target={d['hostname']}" for d in devices]
            _poll(snmp_urls[:20], args.concurrency, "ifHCInOctets")  # warm-up: both processes loaded
            snmp_times, cpu_before = [], _cpu_seconds(lab.pid)
            for _ in range(args.repeat):
                seconds, bodies = _poll(snmp_urls, args.concurrency, "ifHCInOctets")
                snmp_times.append(seconds)
            snmp_cpu = (_cpu_seconds(lab.pid) - cpu_before) / args.repeat
            pdus = _sample("\n".join(bodies), "snmp_scrape_packets_sent")
            interfaces = sum(body.count("\nifHCInOctets{") for body in bodies)
            memory_after_snmp = {"lab": _status(lab.pid, "VmHWM")}
            memory_after_snmp["snmp_exporter"] = _status(snmp.pid, "VmHWM")

            ssh_times, cpu_before = [], _cpu_seconds(lab.pid)
            for _ in range(args.ssh_repeat):
                seconds, bodies = _poll(probe_urls, args.concurrency, "egov_device_up 1.0")
                ssh_times.append(seconds)
            ssh_cpu = (_cpu_seconds(lab.pid) - cpu_before) / args.ssh_repeat
            logins = len(probe_urls)
            memory_after_ssh = {"lab": _status(lab.pid, "VmHWM"), "exporter": _status(exporter.pid, "VmHWM")}
        finally:
            for process in reversed(processes):  # only what this benchmark started
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

    snmp_s, ssh_s = statistics.median(snmp_times), statistics.median(ssh_times)
    peaks = {**memory_after_snmp, **{f"{k}_ssh": v for k, v in memory_after_ssh.items()}}
    mb = {k: v / 1024 for k, v in peaks.items()}
    ratio = ssh_s / snmp_s
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores. The whole Shanwei twin: "
        f"{len(devices)} devices, {interfaces} interfaces, in one lab process (SSH and SNMPv3 authPriv "
        f"SHA/AES), started in {lab_start:.1f} s. Client concurrency {args.concurrency} both ways; the egov "
        f"exporter probes with its 16 workers. SNMP: median of {args.repeat} full polls; SSH: median of "
        f"{args.ssh_repeat}.",
        "",
        "| full poll of every device | wall time | device sessions opened | lab CPU per poll | peak memory |",
        "| --- | --- | --- | --- | --- |",
        f"| snmp_exporter (if_mib, SNMPv3) | {snmp_s:.1f} s | 0 ({pdus:,.0f} SNMP PDUs, no login) "
        f"| {snmp_cpu:.1f} s | lab {mb['lab']:.0f} MB, snmp_exporter {mb['snmp_exporter']:.0f} MB |",
        f"| egov exporter `/probe` over SSH (baseline) | {ssh_s:.1f} s | {logins} SSH logins "
        f"| {ssh_cpu:.1f} s | lab {mb['lab_ssh']:.0f} MB (peak so far), "
        f"exporter {mb['exporter_ssh']:.0f} MB |",
        "",
        f"SNMP is **{ratio:.1f}x** faster than the SSH probes (goal >= 10x: "
        f"{'met' if ratio >= 10 else 'not met'}); a full poll takes {snmp_s:.1f} s of a 15 s interval "
        f"(goal: {'met' if snmp_s <= 15 else 'not met'}).",
    ]
    text = "\n".join(lines)
    print(text)
    if args.update_docs:
        update_docs("snmp_poll", text)


if __name__ == "__main__":
    main()
