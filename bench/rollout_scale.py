"""Benchmark: the whole Shanwei twin made dual-stack, by the engine and by ansible-playbook, in the same run.

Each side gets a fresh lab of every Shanwei device (`python -m network.lab.serve`, its own process) and a
fresh copy of the inventory and journal. The engine: `egov rollout run` (all waves; 32 workers). The
baseline: `ansible-playbook playbooks/ipv6_rollout.yml` with forks=50 — the same steps per device through
the egov_ipv6_config module, one serial batch per wave. Reported: wall time and devices per minute; every
device must end `done`.

Target (issue 5, 2 cores): the whole twin <= 5 min, and the engine faster than ansible-playbook.

    python bench/rollout_scale.py [--update-docs] [--skip-ansible]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import update_docs

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "rollout"
SHANWEI = ROOT / "inventories" / "shanwei"
BIN = Path(sys.executable).parent
PASSWORD = "bench-rollout-password"  # a throwaway password for a lab on loopback


class LabProcess:
    """The lab of a directory's inventory copy, ended by its pid."""

    def __init__(self, work: Path) -> None:
        self.lab_json = work / "lab.json"
        env = {**os.environ, "EGOV_LAB_PASSWORD": PASSWORD}
        command = [
            sys.executable,
            "-m",
            "network.lab.serve",
            str(work / "shanwei"),
            "--lab-json",
            str(self.lab_json),
        ]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while not self.lab_json.exists():
            if self.process.poll() is not None:
                raise RuntimeError("the lab did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def _fresh(name: str, workers: int) -> Path:
    work = OUT / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(SHANWEI, work / "shanwei")
    (work / "shanwei" / "rollout.yaml").write_text(f"rollout:\n  workers: {workers}\n", encoding="utf-8")
    return work


def _states(work: Path) -> dict[str, int]:
    env = {**os.environ, "EGOV_LAB_PASSWORD": PASSWORD}
    result = subprocess.run(
        [str(BIN / "egov"), "rollout", "status", str(work / "shanwei"), "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    counts: dict[str, int] = {}
    for device in json.loads(result.stdout):
        counts[device["state"]] = counts.get(device["state"], 0) + 1
    return counts


def _engine(workers: int) -> dict[str, Any]:
    work = _fresh("engine", workers)
    lab = LabProcess(work)
    try:
        env = {**os.environ, "EGOV_LAB_PASSWORD": PASSWORD}
        start = time.perf_counter()
        subprocess.run(
            [str(BIN / "egov"), "rollout", "run", str(work / "shanwei"), "--lab", str(lab.lab_json)],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
    finally:
        lab.stop()
    return {"seconds": seconds, "states": _states(work)}


def _ansible(forks: int) -> dict[str, Any]:
    work = _fresh("ansible", forks)
    lab = LabProcess(work)
    try:
        env = {
            **os.environ,
            "EGOV_LAB_PASSWORD": PASSWORD,
            "EGOV_LAB_JSON": str(lab.lab_json),
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        }
        start = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "ansible-playbook"),
                "-i",
                str(work / "shanwei"),
                str(ROOT / "playbooks" / "ipv6_rollout.yml"),
                "--forks",
                str(forks),
            ],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
    finally:
        lab.stop()
    return {"seconds": seconds, "states": _states(work)}


def table(r: dict[str, Any]) -> str:
    """The Markdown block docs/benchmarks.md shows."""
    devices = sum(r["engine"]["states"].values())
    rows = [
        "| rollout of the whole Shanwei twin | wall time | devices per minute | end states |",
        "|---|---:|---:|---|",
    ]
    for key, label in (
        ("engine", "engine (`egov rollout run`, 32 workers)"),
        ("ansible", "ansible-playbook, forks=50"),
    ):
        if key in r:
            done = r[key]["states"]
            rate = done.get("done", 0) / (r[key]["seconds"] / 60)
            states = ", ".join(f"{n} {s}" for s, n in sorted(done.items()))
            rows.append(f"| {label} | {r[key]['seconds'] / 60:.1f} min | {rate:.0f} | {states} |")
    lines = [f"{devices} devices rolled out (every Shanwei device but the province's).", "", *rows]
    if "ansible" in r:
        ratio = r["ansible"]["seconds"] / r["engine"]["seconds"]
        ok = r["engine"]["seconds"] <= 300 and ratio > 1 and r["engine"]["states"] == {"done": devices}
        lines += [
            "",
            f"The engine is **{ratio:.1f}x** faster. Targets (whole twin <= 5 min, engine faster): "
            f"{'met' if ok else 'not met'}.",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--forks", type=int, default=50)
    parser.add_argument("--skip-ansible", action="store_true")
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    print("engine", file=sys.stderr, flush=True)
    results["engine"] = _engine(args.workers)
    print(f"  {results['engine']}", file=sys.stderr, flush=True)
    if not args.skip_ansible:
        print("ansible-playbook", file=sys.stderr, flush=True)
        results["ansible"] = _ansible(args.forks)
        print(f"  {results['ansible']}", file=sys.stderr, flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "rollout_scale.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = table(results)
    print(text)
    if args.update_docs:
        update_docs("rollout_scale", text)


if __name__ == "__main__":
    main()
